// A small writer of flat JSON objects for the audit log's before/after text and the webhook
// bodies, and a check that a text is JSON. Internal.
// Strings are escaped per RFC 8259; numbers that are not finite are written as null.
// Thread-safety: an instance is used by one thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace everyseat::store::detail {

class JsonObject {
 public:
  JsonObject& Str(std::string_view key, std::string_view value);
  JsonObject& Int(std::string_view key, int64_t value);
  JsonObject& Num(std::string_view key, double value);
  JsonObject& Bool(std::string_view key, bool value);
  JsonObject& Null(std::string_view key);
  // A value that is already JSON (an array or object written by the caller).
  JsonObject& Raw(std::string_view key, std::string_view json);
  JsonObject& OptInt(std::string_view key, const std::optional<int64_t>& value) {
    return value ? Int(key, *value) : Null(key);
  }
  JsonObject& OptNum(std::string_view key, const std::optional<double>& value) {
    return value ? Num(key, *value) : Null(key);
  }

  // The object's text. The JsonObject is spent afterwards: use it no more.
  [[nodiscard]] std::string Take();

 private:
  void Key(std::string_view key);
  std::string out_ = "{";
};

void AppendJsonString(std::string& out, std::string_view s);

// True when `text` is one JSON value (RFC 8259), with nothing but white space around it.
[[nodiscard]] bool IsJson(std::string_view text);
// True when `text` is one JSON object.
[[nodiscard]] bool IsJsonObject(std::string_view text);

}  // namespace everyseat::store::detail
