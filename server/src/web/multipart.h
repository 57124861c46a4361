// Reading multipart/form-data bodies (RFC 7578 over RFC 2046's multipart syntax): what a browser
// sends for a <form enctype="multipart/form-data">, so a file can be uploaded without JavaScript.
//
// Strict and bounded: the body must open with its boundary delimiter, every line of the parts'
// headers ends in CRLF, each part carries `Content-Disposition: form-data; name="..."`, and the
// close delimiter ("--BOUNDARY--") must be there; anything else is refused with a reason in plain
// English. A preamble is not accepted (browsers send none); an epilogue after the close
// delimiter is ignored, as RFC 2046 says. Part bodies are bytes, kept exactly (CR and LF
// included); names and file names are taken as the browser wrote them (the HTML standard escapes
// '"', CR and LF in them as %22, %0D and %0A, and uses no backslash escapes).
// Internal to the server's pages.
// Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include <tl/expected.hpp>

#include "everyseat/server/http.h"

namespace everyseat::server::web {

// A file sent with a form: a part with a `filename` parameter.
struct UploadedFile {
  std::string field;         // the input's name, e.g. "staff-file"
  std::string filename;      // its last path segment, as the browser gave it; "" when none chosen
  std::string content_type;  // the part's Content-Type, "" when absent
  std::string bytes;         // exactly as sent
};

// A multipart/form-data body: its plain fields (in order, repeats kept) and its files.
struct MultipartForm {
  Fields fields;
  std::vector<UploadedFile> files;
};

struct MultipartLimits {
  size_t max_parts = 50;              // fields and files together
  size_t max_header_bytes = 4096;     // the header lines of one part
  size_t max_field_bytes = 64 << 10;  // the value of a plain field
  size_t max_file_bytes = 1 << 20;    // one file (the server refuses bodies over 1 MiB anyway)
};

// Whether a Content-Type value is multipart/form-data (in any case, whatever its parameters).
[[nodiscard]] bool IsMultipartFormData(std::string_view content_type);

// The boundary of a Content-Type value "multipart/form-data; boundary=..." (the media type and
// parameter names in any case; the boundary plain or quoted, 1 to 70 characters of RFC 2046's
// bchars, not ending in a space). An error when the type is another one or the boundary is
// missing or malformed.
[[nodiscard]] tl::expected<std::string, std::string> MultipartBoundary(
    std::string_view content_type);

// Parses a multipart/form-data body with this boundary (from MultipartBoundary).
[[nodiscard]] tl::expected<MultipartForm, std::string> ParseMultipart(
    std::string_view body, std::string_view boundary, const MultipartLimits& limits = {});
// Both steps: the boundary of `content_type`, then the body.
[[nodiscard]] tl::expected<MultipartForm, std::string> ParseFormData(
    std::string_view content_type, std::string_view body, const MultipartLimits& limits = {});

}  // namespace everyseat::server::web
