// JSON bodies and problem documents (see json.h). No asio here: the fuzz target links this file.
#include "everyseat/server/json.h"

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace everyseat::server {
namespace {

using nlohmann::json;

constexpr double kMaxExactInteger = 9007199254740992.0;  // 2^53: doubles are exact up to here

std::string Lowered(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string_view Trimmed(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

bool IsJsonMediaType(std::string_view content_type) {
  const std::string type = Lowered(Trimmed(content_type.substr(0, content_type.find(';'))));
  if (type == "application/json") return true;
  const std::string_view prefix = "application/";
  const std::string_view suffix = "+json";
  return type.size() > prefix.size() + suffix.size() && type.starts_with(prefix) &&
         type.ends_with(suffix);
}

Problem BodyProblem(int status, std::string detail, std::string field, std::string reason) {
  Problem problem;
  problem.status = status;
  problem.detail = std::move(detail);
  problem.errors.push_back({std::move(field), std::move(reason)});
  return problem;
}

// The 1-based byte at which arrays and objects nest deeper than kMaxJsonDepth, or 0. Counts
// brackets outside strings; the parser reports any other syntax error.
size_t TooDeepAt(std::string_view body) {
  int depth = 0;
  bool in_string = false;
  bool escaped = false;
  for (size_t i = 0; i < body.size(); ++i) {
    const char c = body[i];
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > kMaxJsonDepth) return i + 1;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return 0;
}

// nlohmann's message without its "[json.exception.parse_error.101] parse error at line 1,
// column 17: " prefix (the byte is reported separately).
std::string ParseErrorReason(const char* what) {
  std::string_view message = what;
  if (const size_t bracket = message.find("] "); bracket != std::string_view::npos) {
    message.remove_prefix(bracket + 2);
  }
  if (message.starts_with("parse error")) {
    if (const size_t colon = message.find(": "); colon != std::string_view::npos) {
      message.remove_prefix(colon + 2);
    }
  }
  return std::string(message);
}

const char* WithArticle(const json& value) {
  switch (value.type()) {
    case json::value_t::object:
      return "an object";
    case json::value_t::array:
      return "an array";
    case json::value_t::string:
      return "a string";
    case json::value_t::boolean:
      return "a boolean";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
    case json::value_t::number_float:
      return "a number";
    case json::value_t::null:
      return "null";
    default:
      return "another type";
  }
}

// "~1" -> "/", "~0" -> "~" (RFC 6901 section 4, in that order).
std::string Unescape(std::string_view token) {
  std::string out;
  out.reserve(token.size());
  for (size_t i = 0; i < token.size(); ++i) {
    if (token[i] == '~' && i + 1 < token.size() && (token[i + 1] == '0' || token[i + 1] == '1')) {
      out += token[i + 1] == '1' ? '/' : '~';
      ++i;
    } else {
      out += token[i];
    }
  }
  return out;
}

// An array index token: "0" or digits without a leading zero, fitting size_t.
std::optional<size_t> ArrayIndex(std::string_view token) {
  if (token.empty() || token.size() > 18 || (token.size() > 1 && token.front() == '0')) {
    return std::nullopt;
  }
  size_t index = 0;
  for (const char c : token) {
    if (c < '0' || c > '9') return std::nullopt;
    index = index * 10 + static_cast<size_t>(c - '0');
  }
  return index;
}

int DaysInMonth(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[month - 1];
}

bool IsDateShape(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return false;
  for (const size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (text[i] < '0' || text[i] > '9') return false;
  }
  return true;
}

}  // namespace

json ProblemJson(const Problem& problem) {
  json out = {
      {"type", problem.type},
      {"title", problem.title.empty() ? std::string(StatusTitle(problem.status)) : problem.title},
      {"status", problem.status},
      {"detail", problem.detail},
  };
  if (!problem.errors.empty()) {
    json errors = json::array();
    for (const FieldError& error : problem.errors) {
      errors.push_back({{"field", error.field}, {"reason", error.reason}});
    }
    out["errors"] = std::move(errors);
  }
  return out;
}

Response ProblemResponse(const Problem& problem) {
  Response response;
  response.status = problem.status;
  response.content_type = "application/problem+json";
  response.body = DumpJson(ProblemJson(problem));
  return response;
}

Response JsonResponse(int status, const json& body) {
  return JsonTextResponse(status, DumpJson(body));
}

Response JsonTextResponse(int status, std::string body) {
  Response response;
  response.status = status;
  response.content_type = "application/json";
  response.body = std::move(body);
  return response;
}

std::string DumpJson(const json& value) {
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

tl::expected<json, Problem> ParseJsonBody(std::string_view body, std::string_view content_type) {
  if (!Trimmed(content_type).empty() && !IsJsonMediaType(content_type)) {
    return tl::unexpected(BodyProblem(415, "the request body must be JSON", "Content-Type",
                                      "must be application/json"));
  }
  if (body.empty()) {
    return tl::unexpected(BodyProblem(400, "the request body is not valid JSON", "",
                                      "is empty; expected a JSON document"));
  }
  if (const size_t at = TooDeepAt(body); at != 0) {
    return tl::unexpected(BodyProblem(400, "the request body is not valid JSON", "",
                                      "nests arrays and objects deeper than " +
                                          std::to_string(kMaxJsonDepth) + " levels at byte " +
                                          std::to_string(at)));
  }
  try {
    return json::parse(body.begin(), body.end());
  } catch (const json::parse_error& error) {
    return tl::unexpected(BodyProblem(400, "the request body is not valid JSON", "",
                                      "malformed JSON at byte " + std::to_string(error.byte) +
                                          ": " + ParseErrorReason(error.what())));
  } catch (const json::exception& error) {  // e.g. out_of_range 406: number overflow
    return tl::unexpected(BodyProblem(400, "the request body is not valid JSON", "",
                                      "malformed JSON: " + ParseErrorReason(error.what())));
  }
}

tl::expected<json, Problem> ParseJsonBody(const Request& request) {
  return ParseJsonBody(request.body, request.Header("Content-Type").value_or(""));
}

std::string JsonPointer(std::string_view base, std::string_view key) {
  std::string out(base);
  out += '/';
  for (const char c : key) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

std::string JsonPointer(std::string_view base, size_t index) {
  return std::string(base) + "/" + std::to_string(index);
}

const json* Resolve(const json& root, std::string_view pointer) {
  const json* current = &root;
  if (pointer.empty()) return current;
  if (pointer.front() != '/') return nullptr;
  pointer.remove_prefix(1);
  for (;;) {
    const size_t slash = pointer.find('/');
    const std::string token = Unescape(pointer.substr(0, slash));
    if (current->is_object()) {
      const auto found = current->find(token);
      if (found == current->end()) return nullptr;
      current = &*found;
    } else if (current->is_array()) {
      const auto index = ArrayIndex(token);
      if (!index || *index >= current->size()) return nullptr;
      current = &(*current)[*index];
    } else {
      return nullptr;
    }
    if (slash == std::string_view::npos) return current;
    pointer.remove_prefix(slash + 1);
  }
}

bool IsIsoDate(std::string_view text) {
  if (!IsDateShape(text)) return false;
  auto number = [&](size_t at, size_t length) {
    int value = 0;
    for (size_t i = at; i < at + length; ++i) value = value * 10 + (text[i] - '0');
    return value;
  };
  const int year = number(0, 4);
  const int month = number(5, 2);
  const int day = number(8, 2);
  return year >= 1 && month >= 1 && month <= 12 && day >= 1 && day <= DaysInMonth(year, month);
}

const json* FieldReader::Find(std::string_view pointer, Presence presence) {
  const json* value = Resolve(root_, pointer);
  if (value == nullptr || value->is_null()) {
    if (presence == Presence::kRequired) Fail(std::string(pointer), "is required");
    return nullptr;
  }
  return value;
}

void FieldReader::WrongType(std::string_view pointer, const char* expected, const json& actual) {
  Fail(std::string(pointer), std::string("must be ") + expected + ", not " + WithArticle(actual));
}

bool FieldReader::Object(std::string_view pointer, Presence presence) {
  const json* value = Find(pointer, presence);
  if (value == nullptr) return false;
  if (!value->is_object()) {
    WrongType(pointer, "an object", *value);
    return false;
  }
  return true;
}

std::optional<size_t> FieldReader::Array(std::string_view pointer, Presence presence,
                                         size_t max_items) {
  const json* value = Find(pointer, presence);
  if (value == nullptr) return std::nullopt;
  if (!value->is_array()) {
    WrongType(pointer, "an array", *value);
    return std::nullopt;
  }
  if (value->size() > max_items) {
    Fail(std::string(pointer), "must have at most " + std::to_string(max_items) + " items");
    return std::nullopt;
  }
  return value->size();
}

std::optional<double> FieldReader::Number(std::string_view pointer, Presence presence) {
  const json* value = Find(pointer, presence);
  if (value == nullptr) return std::nullopt;
  if (!value->is_number()) {
    WrongType(pointer, "a number", *value);
    return std::nullopt;
  }
  const double number = value->get<double>();
  if (!std::isfinite(number)) {
    Fail(std::string(pointer), "must be a finite number");
    return std::nullopt;
  }
  return number;
}

std::optional<int64_t> FieldReader::Integer(std::string_view pointer, Presence presence) {
  const json* value = Find(pointer, presence);
  if (value == nullptr) return std::nullopt;
  if (!value->is_number()) {
    WrongType(pointer, "a whole number", *value);
    return std::nullopt;
  }
  if (value->is_number_integer() && !value->is_number_unsigned()) {
    const int64_t number = value->get<int64_t>();
    if (number >= -static_cast<int64_t>(kMaxExactInteger) &&
        number <= static_cast<int64_t>(kMaxExactInteger)) {
      return number;
    }
  } else if (value->is_number_unsigned()) {
    const uint64_t number = value->get<uint64_t>();
    if (number <= static_cast<uint64_t>(kMaxExactInteger)) return static_cast<int64_t>(number);
  } else {
    const double number = value->get<double>();
    if (std::isfinite(number) && std::trunc(number) != number) {
      Fail(std::string(pointer), "must be a whole number");
      return std::nullopt;
    }
    if (std::isfinite(number) && std::fabs(number) <= kMaxExactInteger) {
      return static_cast<int64_t>(number);
    }
  }
  Fail(std::string(pointer), "must be between -2^53 and 2^53");
  return std::nullopt;
}

std::optional<std::string> FieldReader::String(std::string_view pointer, Presence presence,
                                               size_t max_length) {
  const json* value = Find(pointer, presence);
  if (value == nullptr) return std::nullopt;
  if (!value->is_string()) {
    WrongType(pointer, "a string", *value);
    return std::nullopt;
  }
  const auto& text = value->get_ref<const std::string&>();
  if (text.size() > max_length) {
    Fail(std::string(pointer), "must be at most " + std::to_string(max_length) + " bytes long");
    return std::nullopt;
  }
  return text;
}

std::optional<std::string> FieldReader::Date(std::string_view pointer, Presence presence) {
  const json* value = Find(pointer, presence);
  if (value == nullptr) return std::nullopt;
  if (!value->is_string()) {
    WrongType(pointer, "a date written YYYY-MM-DD", *value);
    return std::nullopt;
  }
  const auto& text = value->get_ref<const std::string&>();
  if (!IsDateShape(text)) {
    Fail(std::string(pointer), "must be a date written YYYY-MM-DD");
    return std::nullopt;
  }
  if (!IsIsoDate(text)) {
    Fail(std::string(pointer), "is not a calendar date");
    return std::nullopt;
  }
  return text;
}

std::optional<bool> FieldReader::Bool(std::string_view pointer, Presence presence) {
  const json* value = Find(pointer, presence);
  if (value == nullptr) return std::nullopt;
  if (!value->is_boolean()) {
    WrongType(pointer, "true or false", *value);
    return std::nullopt;
  }
  return value->get<bool>();
}

void FieldReader::OnlyFields(std::string_view pointer,
                             std::initializer_list<std::string_view> known) {
  const json* value = Resolve(root_, pointer);
  if (value == nullptr || !value->is_object()) return;
  for (const auto& item : value->items()) {
    const std::string& key = item.key();
    bool is_known = false;
    for (const std::string_view name : known) is_known = is_known || key == name;
    if (!is_known) Fail(JsonPointer(pointer, key), "is not a known field");
  }
}

void FieldReader::Fail(std::string field, std::string reason) {
  errors_.push_back({std::move(field), std::move(reason)});
}

Problem FieldReader::ToProblem() const {
  Problem problem;
  problem.status = 422;
  problem.detail = "the request body has " + std::to_string(errors_.size()) + " invalid field" +
                   (errors_.size() == 1 ? "" : "s");
  problem.errors = errors_;
  return problem;
}

}  // namespace everyseat::server
