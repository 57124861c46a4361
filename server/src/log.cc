// Log lines and dates for the server (see log.h).
#include "log.h"

#include <chrono>
#include <cstdio>
#include <ctime>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "everyseat/server/json.h"

namespace everyseat::server::detail {
namespace {

std::string Quoted(std::string_view text) { return DumpJson(nlohmann::json(text)); }

}  // namespace

std::string Rfc3339Now() {
  const auto now = std::chrono::system_clock::now();
  const auto millis =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  const std::time_t seconds = static_cast<std::time_t>(millis / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char buffer[40];
  const size_t length = std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%S", &utc);
  std::snprintf(buffer + length, sizeof buffer - length, ".%03dZ", static_cast<int>(millis % 1000));
  return buffer;
}

std::string HttpDateNow() {
  thread_local std::time_t cached_second = -1;
  thread_local std::string cached;
  const std::time_t now = std::time(nullptr);
  if (now != cached_second) {
    std::tm utc{};
    gmtime_r(&now, &utc);
    char buffer[40];
    std::strftime(buffer, sizeof buffer, "%a, %d %b %Y %H:%M:%S GMT", &utc);
    cached = buffer;
    cached_second = now;
  }
  return cached;
}

std::string AccessLogLine(std::string_view remote, std::string_view method, std::string_view path,
                          int status, size_t bytes, double duration_ms) {
  char duration[32];
  std::snprintf(duration, sizeof duration, "%.3f", duration_ms);
  std::string line;
  line.reserve(160 + path.size());
  line.append("{\"time\":\"").append(Rfc3339Now()).append("\",\"remote\":");
  line.append(Quoted(remote)).append(",\"method\":").append(Quoted(method));
  line.append(",\"path\":").append(Quoted(path)).append(",\"status\":");
  line.append(std::to_string(status)).append(",\"bytes\":").append(std::to_string(bytes));
  line.append(",\"duration_ms\":").append(duration).append("}");
  return line;
}

std::string ErrorLogLine(std::string_view message) {
  return "{\"time\":\"" + Rfc3339Now() + "\",\"level\":\"error\",\"message\":" + Quoted(message) +
         "}";
}

}  // namespace everyseat::server::detail
