// JSON bodies without sockets: syntax errors naming the byte, media types, nesting, JSON Pointer
// fields for missing and mistyped values, dates, and the problem document's shape.
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "everyseat/server/json.h"
#include "example_app.h"

namespace everyseat::server {
namespace {

using nlohmann::json;

TEST(ParseJsonBody, NamesTheByteOfMalformedJson) {
  const auto parsed = ParseJsonBody(R"({"value": })", "application/json");
  ASSERT_FALSE(parsed.has_value());
  EXPECT_EQ(parsed.error().status, 400);
  EXPECT_EQ(parsed.error().detail, "the request body is not valid JSON");
  ASSERT_EQ(parsed.error().errors.size(), 1u);
  EXPECT_EQ(parsed.error().errors[0].field, "");
  EXPECT_EQ(parsed.error().errors[0].reason,
            "malformed JSON at byte 11: syntax error while parsing value - unexpected '}'; "
            "expected '[', '{', or a literal");
}

TEST(ParseJsonBody, NamesTheByteOfATruncatedBody) {
  const auto parsed = ParseJsonBody(R"({"value": 1)", "");
  ASSERT_FALSE(parsed.has_value());
  EXPECT_EQ(parsed.error().errors[0].reason,
            "malformed JSON at byte 12: syntax error while parsing object - unexpected end of "
            "input; expected '}'");
}

TEST(ParseJsonBody, RejectsAnEmptyBody) {
  const auto parsed = ParseJsonBody("", "application/json");
  ASSERT_FALSE(parsed.has_value());
  EXPECT_EQ(parsed.error().status, 400);
  EXPECT_EQ(parsed.error().errors[0].reason, "is empty; expected a JSON document");
}

TEST(ParseJsonBody, RejectsNestingDeeperThanTheLimit) {
  const std::string deep = std::string(65, '[') + std::string(65, ']');
  const auto parsed = ParseJsonBody(deep, "application/json");
  ASSERT_FALSE(parsed.has_value());
  EXPECT_EQ(parsed.error().errors[0].reason,
            "nests arrays and objects deeper than 64 levels at byte 65");
  const std::string ok = std::string(64, '[') + std::string(64, ']');
  EXPECT_TRUE(ParseJsonBody(ok, "application/json").has_value());
  // Brackets inside strings do not count.
  EXPECT_TRUE(ParseJsonBody("[\"" + std::string(100, '[') + "\\\"\"]", "").has_value());
}

TEST(ParseJsonBody, RejectsNumbersTooLargeForADouble) {
  const auto parsed = ParseJsonBody(R"({"value": 1e999})", "application/json");
  ASSERT_FALSE(parsed.has_value());
  EXPECT_EQ(parsed.error().status, 400);
  EXPECT_EQ(parsed.error().errors[0].reason, "malformed JSON: number overflow parsing '1e999'");
}

TEST(ParseJsonBody, AcceptsJsonMediaTypesOnly) {
  EXPECT_TRUE(ParseJsonBody("{}", "application/json").has_value());
  EXPECT_TRUE(ParseJsonBody("{}", "Application/JSON; charset=utf-8").has_value());
  EXPECT_TRUE(ParseJsonBody("{}", "application/merge-patch+json").has_value());
  EXPECT_TRUE(ParseJsonBody("{}", "").has_value());
  const auto form = ParseJsonBody("{}", "application/x-www-form-urlencoded");
  ASSERT_FALSE(form.has_value());
  EXPECT_EQ(form.error().status, 415);
  EXPECT_EQ(form.error().errors[0].field, "Content-Type");
  EXPECT_EQ(form.error().errors[0].reason, "must be application/json");
}

TEST(FieldReader, NamesEveryMissingAndMistypedField) {
  const json body = json::parse(R"({"date": 20240101, "team": "3", "extra": 1, "a/b~c": 2})");
  FieldReader reader(body);
  ASSERT_TRUE(reader.Object(""));
  EXPECT_FALSE(reader.Number("/value").has_value());
  EXPECT_FALSE(reader.Date("/date").has_value());
  EXPECT_FALSE(reader.Integer("/team", FieldReader::Presence::kOptional).has_value());
  EXPECT_FALSE(reader.Integer("/measure", FieldReader::Presence::kOptional).has_value());
  reader.OnlyFields("", {"value", "date", "team", "measure"});
  const Problem problem = reader.ToProblem();
  EXPECT_EQ(problem.status, 422);
  EXPECT_EQ(problem.detail, "the request body has 5 invalid fields");
  const json expected = json::parse(R"([
    {"field": "/value", "reason": "is required"},
    {"field": "/date", "reason": "must be a date written YYYY-MM-DD, not a number"},
    {"field": "/team", "reason": "must be a whole number, not a string"},
    {"field": "/a~1b~0c", "reason": "is not a known field"},
    {"field": "/extra", "reason": "is not a known field"}
  ])");
  EXPECT_EQ(ProblemJson(problem)["errors"], expected);
}

TEST(FieldReader, PointsIntoArraysOfObjects) {
  const json body = json::parse(R"({"items": [
    {"value": 1, "date": "2024-01-01"}, {"value": 2, "date": "2024-01-02"},
    {"value": 3, "date": "2024-01-03"}, {"value": 4, "date": "2024-02-30"},
    {"value": "5", "date": "01/05/2024"}]})");
  FieldReader reader(body);
  const auto count = reader.Array("/items");
  ASSERT_EQ(count, 5u);
  for (size_t i = 0; i < *count; ++i) {
    const std::string item = JsonPointer("/items", i);
    if (!reader.Object(item)) continue;
    static_cast<void>(reader.Number(item + "/value"));
    static_cast<void>(reader.Date(item + "/date"));
  }
  ASSERT_EQ(reader.errors().size(), 3u);
  EXPECT_EQ(reader.errors()[0].field, "/items/3/date");
  EXPECT_EQ(reader.errors()[0].reason, "is not a calendar date");
  EXPECT_EQ(reader.errors()[1].field, "/items/4/value");
  EXPECT_EQ(reader.errors()[1].reason, "must be a number, not a string");
  EXPECT_EQ(reader.errors()[2].field, "/items/4/date");
  EXPECT_EQ(reader.errors()[2].reason, "must be a date written YYYY-MM-DD");
}

TEST(FieldReader, ReportsAWholeBodyOfTheWrongType) {
  const json body = json::parse("[1, 2]");
  FieldReader reader(body);
  EXPECT_FALSE(reader.Object(""));
  ASSERT_EQ(reader.errors().size(), 1u);
  EXPECT_EQ(reader.errors()[0].field, "");
  EXPECT_EQ(reader.errors()[0].reason, "must be an object, not an array");
  EXPECT_EQ(reader.ToProblem().detail, "the request body has 1 invalid field");
}

TEST(FieldReader, TreatsNullAsAbsent) {
  const json body = json::parse(R"({"value": null})");
  FieldReader reader(body);
  EXPECT_FALSE(reader.Number("/value").has_value());
  EXPECT_FALSE(reader.Number("/other", FieldReader::Presence::kOptional).has_value());
  ASSERT_EQ(reader.errors().size(), 1u);
  EXPECT_EQ(reader.errors()[0].reason, "is required");
}

TEST(FieldReader, AcceptsWholeNumbersWrittenAsFloatsWithinTwoToThe53) {
  const json body =
      json::parse(R"({"a": 3, "b": 3.0, "c": 3.5, "d": 1152921504606846976, "e": -7, "f": 1e300})");
  FieldReader reader(body);
  EXPECT_EQ(reader.Integer("/a"), 3);
  EXPECT_EQ(reader.Integer("/b"), 3);
  EXPECT_EQ(reader.Integer("/e"), -7);
  EXPECT_FALSE(reader.Integer("/c").has_value());
  EXPECT_FALSE(reader.Integer("/d").has_value());
  EXPECT_FALSE(reader.Integer("/f").has_value());
  ASSERT_EQ(reader.errors().size(), 3u);
  EXPECT_EQ(reader.errors()[0].reason, "must be a whole number");
  EXPECT_EQ(reader.errors()[1].reason, "must be between -2^53 and 2^53");
  EXPECT_EQ(reader.errors()[2].reason, "must be between -2^53 and 2^53");
}

TEST(FieldReader, LimitsStringLengthAndArraySize) {
  const json body = json::parse(R"({"s": "abcdef", "a": [1, 2, 3], "b": true})");
  FieldReader reader(body);
  EXPECT_FALSE(reader.String("/s", FieldReader::Presence::kRequired, 5).has_value());
  EXPECT_FALSE(reader.Array("/a", FieldReader::Presence::kRequired, 2).has_value());
  EXPECT_EQ(reader.Bool("/b"), true);
  EXPECT_FALSE(reader.Bool("/s").has_value());
  ASSERT_EQ(reader.errors().size(), 3u);
  EXPECT_EQ(reader.errors()[0].reason, "must be at most 5 bytes long");
  EXPECT_EQ(reader.errors()[1].reason, "must have at most 2 items");
  EXPECT_EQ(reader.errors()[2].reason, "must be true or false, not a string");
}

TEST(JsonPointer, EscapesAndResolvesReferenceTokens) {
  EXPECT_EQ(JsonPointer("", "items"), "/items");
  EXPECT_EQ(JsonPointer("/items", size_t{3}), "/items/3");
  EXPECT_EQ(JsonPointer("", "a/b~c"), "/a~1b~0c");
  const json doc = json::parse(R"({"a/b~c": [10, 20], "": {"x": 1}, "~1": 5})");
  ASSERT_NE(Resolve(doc, "/a~1b~0c/1"), nullptr);
  EXPECT_EQ(*Resolve(doc, "/a~1b~0c/1"), 20);
  EXPECT_EQ(*Resolve(doc, "//x"), 1);
  EXPECT_EQ(*Resolve(doc, "/~01"), 5);
  EXPECT_EQ(Resolve(doc, "/a~1b~0c/01"), nullptr);  // leading zero
  EXPECT_EQ(Resolve(doc, "/a~1b~0c/2"), nullptr);
  EXPECT_EQ(Resolve(doc, "/a~1b~0c/-"), nullptr);
  EXPECT_EQ(Resolve(doc, "/missing/x"), nullptr);
  EXPECT_EQ(Resolve(doc, ""), &doc);
}

TEST(IsIsoDate, AcceptsCalendarDatesOnly) {
  EXPECT_TRUE(IsIsoDate("2024-02-29"));
  EXPECT_TRUE(IsIsoDate("2000-02-29"));
  EXPECT_TRUE(IsIsoDate("0001-01-01"));
  EXPECT_TRUE(IsIsoDate("9999-12-31"));
  EXPECT_FALSE(IsIsoDate("1900-02-29"));
  EXPECT_FALSE(IsIsoDate("2023-02-29"));
  EXPECT_FALSE(IsIsoDate("2024-04-31"));
  EXPECT_FALSE(IsIsoDate("0000-01-01"));
  EXPECT_FALSE(IsIsoDate("2024-13-01"));
  EXPECT_FALSE(IsIsoDate("2024-00-10"));
  EXPECT_FALSE(IsIsoDate("2024-1-01"));
  EXPECT_FALSE(IsIsoDate("2024-01-01T00:00"));
  EXPECT_FALSE(IsIsoDate("2024/01/01"));
}

TEST(ProblemJson, HasTheRfc9457MembersAndErrorsOnlyWhenThereAreSome) {
  Problem problem;
  problem.status = 404;
  problem.detail = "there is no resource at /x";
  EXPECT_EQ(ProblemJson(problem), json::parse(R"({"type": "about:blank", "title": "Not Found",
      "status": 404, "detail": "there is no resource at /x"})"));
  problem.errors.push_back({"/a", "is required"});
  problem.type = "https://example.org/problems/x";
  problem.title = "Custom";
  const json with_errors = ProblemJson(problem);
  EXPECT_EQ(with_errors["type"], "https://example.org/problems/x");
  EXPECT_EQ(with_errors["title"], "Custom");
  EXPECT_EQ(with_errors["errors"], json::parse(R"([{"field": "/a", "reason": "is required"}])"));
  const Response response = ProblemResponse(problem);
  EXPECT_EQ(response.status, 404);
  EXPECT_EQ(response.content_type, "application/problem+json");
}

TEST(DumpJson, ReplacesInvalidUtf8InsteadOfThrowing) {
  EXPECT_EQ(DumpJson(json("a\xff"
                          "b")),
            "\"a\xef\xbf\xbd"
            "b\"");
}

TEST(ParseEcho, AcceptsAValidBodyAndNamesEveryBadField) {
  const auto echo =
      example::ParseEcho(R"({"value": 4.5, "date": "2024-03-01", "team": 3})", "application/json");
  ASSERT_TRUE(echo.has_value());
  EXPECT_EQ(echo->value, 4.5);
  EXPECT_EQ(echo->date, "2024-03-01");
  EXPECT_EQ(echo->team, 3);
  EXPECT_FALSE(echo->measure.has_value());

  const auto bad = example::ParseEcho(R"({"value": "4.5", "colour": "red"})", "");
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(ProblemJson(bad.error()), json::parse(R"({
    "type": "about:blank", "title": "Unprocessable Content", "status": 422,
    "detail": "the request body has 3 invalid fields",
    "errors": [
      {"field": "/value", "reason": "must be a number, not a string"},
      {"field": "/date", "reason": "is required"},
      {"field": "/colour", "reason": "is not a known field"}]})"));
}

}  // namespace
}  // namespace everyseat::server
