// JSON request bodies and RFC 9457 problem documents for the HTTP API (nlohmann::json).
//
// A body is parsed with ParseJsonBody (syntax: 400 naming the byte; wrong media type: 415) and
// its fields are checked with a FieldReader, which collects every error, each naming the field as
// an RFC 6901 JSON Pointer ("/value", "/items/3/date"; "" is the whole body) and the reason in
// plain English ("must be a number, not a string"). The errors become one problem document:
//
//   {"type":"about:blank","title":"Unprocessable Content","status":422,
//    "detail":"the request body has 1 invalid field",
//    "errors":[{"field":"/value","reason":"must be a number, not a string"}]}
//
// served as application/problem+json. Nothing here includes asio or Beast, so the fuzz target and
// route code compile quickly.
// Thread-safety: free functions are pure; a FieldReader is used by one thread at a time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>
#include <tl/expected.hpp>

#include "everyseat/server/http.h"

namespace everyseat::server {

// The deepest nesting of arrays and objects ParseJsonBody accepts (deeper bodies get a 400).
inline constexpr int kMaxJsonDepth = 64;

struct FieldError {
  std::string field;   // JSON Pointer into the body ("/items/3/date"), or a parameter's name
  std::string reason;  // plain English, no trailing full stop ("is required")
};

// An RFC 9457 problem. `type` stays "about:blank" unless a route defines its own problem type;
// `title` defaults to the status code's reason phrase (StatusTitle) when empty.
struct Problem {
  int status = 400;
  std::string detail;
  std::vector<FieldError> errors;
  std::string type = "about:blank";
  std::string title;
};

// The problem document as JSON: {type, title, status, detail, errors:[{field, reason}]} ("errors"
// only when there are some).
[[nodiscard]] nlohmann::json ProblemJson(const Problem& problem);
// The problem as a response: its status, Content-Type application/problem+json.
[[nodiscard]] Response ProblemResponse(const Problem& problem);
// A JSON response (Content-Type application/json).
[[nodiscard]] Response JsonResponse(int status, const nlohmann::json& body);
// The same with the body already written as JSON text.
[[nodiscard]] Response JsonTextResponse(int status, std::string body);
// Serialises JSON compactly on one line. Invalid UTF-8 in strings (possible only in strings that
// did not come from the parser) is replaced with U+FFFD instead of throwing.
[[nodiscard]] std::string DumpJson(const nlohmann::json& value);

// Parses a request body as JSON. Errors (never thrown):
//   415 when content_type is present and is not application/json (parameters such as
//       "; charset=utf-8" are allowed, and so are application/*+json types);
//   400 with field "" when the body is empty, nests deeper than kMaxJsonDepth, or is malformed,
//       the reason naming the byte: "malformed JSON at byte 17: syntax error while parsing
//       object - unexpected '}'; expected string literal".
[[nodiscard]] tl::expected<nlohmann::json, Problem> ParseJsonBody(std::string_view body,
                                                                  std::string_view content_type);
// The same, reading the request's body and Content-Type header.
[[nodiscard]] tl::expected<nlohmann::json, Problem> ParseJsonBody(const Request& request);

// JSON Pointer helpers: `base` plus one reference token (a key is escaped: "~" -> "~0",
// "/" -> "~1"). JsonPointer("", "items") == "/items"; JsonPointer("/items", 3) == "/items/3".
[[nodiscard]] std::string JsonPointer(std::string_view base, std::string_view key);
[[nodiscard]] std::string JsonPointer(std::string_view base, size_t index);
// The value a pointer names, or null when any step is missing (never throws). REQUIRES: the
// pointer is "" or starts with "/" (pointers come from code, not from requests).
[[nodiscard]] const nlohmann::json* Resolve(const nlohmann::json& root, std::string_view pointer);

// True when `text` is a calendar date written YYYY-MM-DD (years 0001-9999, Gregorian leap years).
[[nodiscard]] bool IsIsoDate(std::string_view text);

// Reads typed fields out of a parsed body, collecting an error for each field that is missing or
// of the wrong type instead of stopping at the first; every accessor returns nullopt on error.
// Usage:
//   FieldReader r(json);
//   if (!r.Object("")) return ProblemResponse(r.ToProblem());
//   auto value = r.Number("/value");
//   auto date = r.Date("/date");
//   r.OnlyFields("", {"value", "date"});
//   if (!r.ok()) return ProblemResponse(r.ToProblem());
class FieldReader {
 public:
  enum class Presence { kRequired, kOptional };

  // REQUIRES: `root` outlives the reader.
  explicit FieldReader(const nlohmann::json& root) : root_(root) {}

  // The value at `pointer` is a JSON object.
  bool Object(std::string_view pointer, Presence presence = Presence::kRequired);
  // An array with at most max_items items: its size.
  std::optional<size_t> Array(std::string_view pointer, Presence presence = Presence::kRequired,
                              size_t max_items = 10'000);
  // A finite number (an integer or not).
  std::optional<double> Number(std::string_view pointer, Presence presence = Presence::kRequired);
  // A whole number within +-2^53 (3 and 3.0 are both accepted).
  std::optional<int64_t> Integer(std::string_view pointer, Presence presence = Presence::kRequired);
  // A string of at most max_length bytes.
  std::optional<std::string> String(std::string_view pointer,
                                    Presence presence = Presence::kRequired,
                                    size_t max_length = 10'000);
  // A date written YYYY-MM-DD (see IsIsoDate).
  std::optional<std::string> Date(std::string_view pointer,
                                  Presence presence = Presence::kRequired);
  std::optional<bool> Bool(std::string_view pointer, Presence presence = Presence::kRequired);
  // Records "is not a known field" for each key of the object at `pointer` not in `known` (does
  // nothing when there is no object there).
  void OnlyFields(std::string_view pointer, std::initializer_list<std::string_view> known);
  // Records an error of the caller's own (a rule across fields, a value out of range).
  void Fail(std::string field, std::string reason);

  [[nodiscard]] bool ok() const { return errors_.empty(); }
  [[nodiscard]] const std::vector<FieldError>& errors() const { return errors_; }
  // A 422 problem listing the errors: "the request body has N invalid field(s)".
  [[nodiscard]] Problem ToProblem() const;

 private:
  // The value at `pointer`, or null (recording "is required" when required and absent). A JSON
  // null counts as absent.
  const nlohmann::json* Find(std::string_view pointer, Presence presence);
  void WrongType(std::string_view pointer, const char* expected, const nlohmann::json& actual);

  const nlohmann::json& root_;
  std::vector<FieldError> errors_;
};

}  // namespace everyseat::server
