// multipart/form-data bodies (server/src/web/multipart.h), against RFC 2046 section 5.1.1 and
// RFC 7578 and the bodies browsers send: the boundary from the Content-Type (plain or quoted),
// CRLF delimiters, file contents kept byte for byte (CR and LF inside included), and refusals
// with their reasons for what is malformed or too large.
#include "../../server/src/web/multipart.h"

#include <gtest/gtest.h>

#include <cstddef>
#include <string>

namespace everyseat::server::web {
namespace {

// A body as Firefox and Chrome write it: a CSRF field and one file.
constexpr char kBoundary[] = "----geckoformboundary4f1c2a";

std::string TwoPartBody(const std::string& file_bytes) {
  return std::string("------geckoformboundary4f1c2a\r\n") +
         "Content-Disposition: form-data; name=\"csrf_token\"\r\n"
         "\r\n"
         "abc123\r\n"
         "------geckoformboundary4f1c2a\r\n"
         "Content-Disposition: form-data; name=\"staff-file\"; filename=\"staff.csv\"\r\n"
         "Content-Type: text/csv\r\n"
         "\r\n" +
         file_bytes +
         "\r\n"
         "------geckoformboundary4f1c2a--\r\n";
}

TEST(MultipartBoundary, IsReadFromAPlainParameter) {
  const auto boundary =
      MultipartBoundary("multipart/form-data; boundary=----WebKitFormBoundaryx8zB3dZ0p4Q");
  ASSERT_TRUE(boundary) << boundary.error();
  EXPECT_EQ(*boundary, "----WebKitFormBoundaryx8zB3dZ0p4Q");
}

TEST(MultipartBoundary, IsReadFromAQuotedParameterWithSpacesAndAnyCase) {
  // RFC 2046: bchars include space, ':' and '=' (which need quoting); names are case-blind.
  const auto boundary =
      MultipartBoundary("Multipart/Form-Data ; charset=utf-8; BOUNDARY=\"a b:c=d\"");
  ASSERT_TRUE(boundary) << boundary.error();
  EXPECT_EQ(*boundary, "a b:c=d");
}

TEST(MultipartBoundary, RefusesOtherTypesAndMalformedBoundaries) {
  EXPECT_EQ(MultipartBoundary("application/x-www-form-urlencoded").error(),
            "the form is not multipart/form-data");
  EXPECT_EQ(MultipartBoundary("multipart/form-data").error(), "the form's boundary is missing");
  EXPECT_EQ(MultipartBoundary("multipart/form-data; boundary=\"\"").error(),
            "the form's boundary must be 1 to 70 characters long");
  EXPECT_EQ(MultipartBoundary("multipart/form-data; boundary=" + std::string(71, 'a')).error(),
            "the form's boundary must be 1 to 70 characters long");
  EXPECT_EQ(MultipartBoundary("multipart/form-data; boundary=\"ab \"").error(),
            "the form's boundary may not end with a space");
  EXPECT_EQ(MultipartBoundary("multipart/form-data; boundary=\"a\\\"b\"").error(),
            "the Content-Type header is malformed");
  EXPECT_EQ(MultipartBoundary("multipart/form-data; boundary=\"unterminated").error(),
            "the Content-Type header is malformed");
  EXPECT_EQ(MultipartBoundary("multipart/form-data; boundary=a; boundary=b").error(),
            "the Content-Type header names boundary twice");
  EXPECT_TRUE(IsMultipartFormData("MULTIPART/FORM-DATA; boundary=x"));
  EXPECT_FALSE(IsMultipartFormData("multipart/mixed; boundary=x"));
}

TEST(ParseMultipart, SplitsFieldsFromFiles) {
  const auto form = ParseMultipart(TwoPartBody("name,email\nAda,ada@nhs.net\n"), kBoundary);
  ASSERT_TRUE(form) << form.error();
  ASSERT_EQ(form->fields.size(), 1u);
  EXPECT_EQ(form->fields[0].first, "csrf_token");
  EXPECT_EQ(form->fields[0].second, "abc123");
  ASSERT_EQ(form->files.size(), 1u);
  EXPECT_EQ(form->files[0].field, "staff-file");
  EXPECT_EQ(form->files[0].filename, "staff.csv");
  EXPECT_EQ(form->files[0].content_type, "text/csv");
  EXPECT_EQ(form->files[0].bytes, "name,email\nAda,ada@nhs.net\n");
}

TEST(ParseMultipart, KeepsCrAndLfInsideAFileByteForByte) {
  // CRLF line ends, a lone CR, a blank line, "--" at the start of a line and the boundary's
  // text without its leading CRLF--: all content, since only CRLF "--" BOUNDARY delimits.
  const std::string bytes =
      "name,email\r\nAda,ada@nhs.net\r\n\r\nBen\rCara\n--not a boundary\r\n"
      "----geckoformboundary4f1c2a is text here\r";
  const auto form = ParseMultipart(TwoPartBody(bytes), kBoundary);
  ASSERT_TRUE(form) << form.error();
  ASSERT_EQ(form->files.size(), 1u);
  EXPECT_EQ(form->files[0].bytes, bytes);
}

TEST(ParseMultipart, KeepsEmptyValuesTheEpilogueIgnoredAndTransportPadding) {
  const std::string body =
      "--b\r\n"
      "content-disposition: form-data; name=\"empty\"\r\n"
      "\r\n"
      "\r\n"
      "--b \t\r\n"  // transport padding after a delimiter (RFC 2046)
      "Content-Disposition: form-data; name=\"staff-file\"; filename=\"\"\r\n"
      "Content-Type: application/octet-stream\r\n"
      "\r\n"
      "\r\n"
      "--b--\r\nan epilogue, ignored";
  const auto form = ParseMultipart(body, "b");
  ASSERT_TRUE(form) << form.error();
  ASSERT_EQ(form->fields.size(), 1u);
  EXPECT_EQ(form->fields[0].first, "empty");
  EXPECT_EQ(form->fields[0].second, "");
  // A file input with no file chosen: an empty file name and no bytes.
  ASSERT_EQ(form->files.size(), 1u);
  EXPECT_EQ(form->files[0].filename, "");
  EXPECT_EQ(form->files[0].bytes, "");
}

TEST(ParseMultipart, TakesOnlyTheLastSegmentOfAFilePath) {
  const std::string body =
      "--b\r\n"
      "Content-Disposition: form-data; name=\"f\"; filename=\"C:\\Users\\ada\\staff.csv\"\r\n"
      "\r\n"
      "x\r\n"
      "--b--";
  const auto form = ParseMultipart(body, "b");
  ASSERT_TRUE(form) << form.error();
  ASSERT_EQ(form->files.size(), 1u);
  EXPECT_EQ(form->files[0].filename, "staff.csv");
}

TEST(ParseMultipart, RefusesABodyWithoutItsFinalBoundary) {
  std::string body = TwoPartBody("name,email\n");
  body.resize(body.find("------geckoformboundary4f1c2a--"));
  EXPECT_EQ(ParseMultipart(body, kBoundary).error(),
            "the form data ends before its closing boundary");
  // Cut inside a part's headers, and right after a delimiter.
  EXPECT_EQ(ParseMultipart("--b\r\nContent-Disposition: form-data; name=\"a\"", "b").error(),
            "the form data ends before its closing boundary");
  EXPECT_EQ(ParseMultipart("--b", "b").error(), "the form data ends before its closing boundary");
}

TEST(ParseMultipart, RefusesMalformedBodies) {
  EXPECT_EQ(ParseMultipart("", "b").error(), "the form data does not start with its boundary");
  EXPECT_EQ(ParseMultipart("preamble\r\n--b\r\n", "b").error(),
            "the form data does not start with its boundary");
  // A delimiter followed by more boundary-like text is not a delimiter line.
  EXPECT_EQ(ParseMultipart("--bx\r\n", "b").error(), "a boundary line of the form is malformed");
  // Header lines end in CRLF, not a bare LF.
  EXPECT_EQ(ParseMultipart("--b\r\nContent-Type: text/plain\nContent-Disposition: form-data; "
                           "name=\"a\"\r\n\r\nx\r\n--b--",
                           "b")
                .error(),
            "a header line of part 1 of the form does not end in CRLF");
  EXPECT_EQ(ParseMultipart("--b\r\n\r\nx\r\n--b--", "b").error(),
            "part 1 of the form has no Content-Disposition header");
  EXPECT_EQ(ParseMultipart("--b\r\nContent-Type: text/plain\r\n\r\nx\r\n--b--", "b").error(),
            "part 1 of the form has no Content-Disposition header");
  EXPECT_EQ(
      ParseMultipart("--b\r\nContent-Disposition: attachment; name=\"a\"\r\n\r\nx\r\n--b--", "b")
          .error(),
      "part 1 of the form is not form-data");
  EXPECT_EQ(ParseMultipart("--b\r\nContent-Disposition: form-data\r\n\r\nx\r\n--b--", "b").error(),
            "part 1 of the form has no field name");
  EXPECT_EQ(
      ParseMultipart("--b\r\nContent-Disposition: form-data; name=\"a\"; name=\"b\"\r\n\r\nx\r\n"
                     "--b--",
                     "b")
          .error(),
      "the Content-Disposition header names name twice");
  EXPECT_EQ(ParseMultipart("--b\r\nno colon here\r\n\r\nx\r\n--b--", "b").error(),
            "a header line of part 1 of the form is malformed");
  EXPECT_EQ(ParseMultipart("--b\r\nContent-Disposition: form-data; name=\"a\"\r\n"
                           "Content-Transfer-Encoding: base64\r\n\r\neA==\r\n--b--",
                           "b")
                .error(),
            "part 1 of the form has an encoding this service does not read");
  EXPECT_EQ(ParseMultipart("--b\r\n", "").error(),
            "the form's boundary must be 1 to 70 characters long");
}

TEST(ParseMultipart, RefusesWhatIsTooLarge) {
  MultipartLimits limits;
  limits.max_file_bytes = 10;
  limits.max_field_bytes = 5;
  limits.max_parts = 2;
  limits.max_header_bytes = 100;
  const auto part = [](const std::string& disposition, const std::string& content) {
    return "\r\nContent-Disposition: form-data; " + disposition + "\r\n\r\n" + content + "\r\n--b";
  };
  // At the limits: accepted.
  EXPECT_TRUE(ParseMultipart("--b" + part("name=\"f\"; filename=\"a.csv\"", std::string(10, 'x')) +
                                 part("name=\"t\"", "12345") + "--",
                             "b", limits));
  EXPECT_EQ(
      ParseMultipart("--b" + part("name=\"f\"; filename=\"a.csv\"", std::string(11, 'x')) + "--",
                     "b", limits)
          .error(),
      "the file a.csv is larger than 10 bytes");
  EXPECT_EQ(ParseMultipart("--b" + part("name=\"t\"", "123456") + "--", "b", limits).error(),
            "the field t is longer than 5 bytes");
  EXPECT_EQ(ParseMultipart("--b" + part("name=\"a\"", "1") + part("name=\"b\"", "2") +
                               part("name=\"c\"", "3") + "--",
                           "b", limits)
                .error(),
            "the form has more than 2 parts");
  EXPECT_EQ(ParseMultipart("--b" + part("name=\"" + std::string(120, 'n') + "\"", "1") + "--", "b",
                           limits)
                .error(),
            "part 1 of the form has too long headers");
  // The defaults: 1 MB for a file, written as people read it.
  const std::string big((std::size_t{1} << 20) + 1, 'x');
  EXPECT_EQ(
      ParseMultipart("--b" + part("name=\"f\"; filename=\"big.csv\"", big) + "--", "b").error(),
      "the file big.csv is larger than 1 MB");
}

}  // namespace
}  // namespace everyseat::server::web
