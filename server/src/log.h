// Formatting for the server's log lines and Date header (internal; no asio).
// Thread-safety: pure functions, except HttpDateNow, which caches per thread.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace everyseat::server::detail {

// Now as RFC 3339 UTC with milliseconds: "2026-11-25T19:45:54.123Z".
[[nodiscard]] std::string Rfc3339Now();
// Now as an HTTP date (RFC 9110 section 5.6.7): "Wed, 25 Nov 2026 19:45:54 GMT".
[[nodiscard]] std::string HttpDateNow();

// {"time","remote","method","path","status","bytes","duration_ms"} on one line.
[[nodiscard]] std::string AccessLogLine(std::string_view remote, std::string_view method,
                                        std::string_view path, int status, size_t bytes,
                                        double duration_ms);
// {"time","level":"error","message"} on one line.
[[nodiscard]] std::string ErrorLogLine(std::string_view message);

}  // namespace everyseat::server::detail
