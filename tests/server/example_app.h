// The demo application of the HTTP framework, for tests and manual checks only (not product
// routes): health, the OpenAPI document, the event stream, and POST /api/v1/echo, which checks a
// JSON body {"value": number, "date": "YYYY-MM-DD", "team"?: integer, "measure"?: integer} and
// publishes it as an "echo" event tagged team:N and measure:N. No asio here.
// Thread-safety: ParseEcho is pure; the routes are safe to call concurrently.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <tl/expected.hpp>

#include "everyseat/server/events.h"
#include "everyseat/server/http.h"
#include "everyseat/server/json.h"

namespace everyseat::server::example {

inline constexpr std::string_view kVersion = "0.1.0-example";

struct Echo {
  double value = 0;
  std::string date;
  std::optional<int64_t> team;
  std::optional<int64_t> measure;
};

// Parses and checks an echo body: 415/400 from ParseJsonBody, 422 listing every bad field.
[[nodiscard]] tl::expected<Echo, Problem> ParseEcho(std::string_view body,
                                                    std::string_view content_type);

// Registers GET /api/v1/health, GET /api/v1/openapi.json, GET /api/v1/events and
// POST /api/v1/echo. REQUIRES: `hub` outlives the router's use.
void AddExampleRoutes(Router& router, EventHub& hub);

}  // namespace everyseat::server::example
