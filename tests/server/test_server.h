// Test support: a Server on 127.0.0.1 (ephemeral port) with the example routes, an EventHub, and
// access and error logs captured in memory. Thread-safety: the logs are safe to read while the
// server runs; the rest belongs to the test's thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "everyseat/server/events.h"
#include "everyseat/server/http.h"
#include "example_app.h"

namespace everyseat::server::testing {

class CapturedLog {
 public:
  [[nodiscard]] LogSink Sink() {
    return [this](std::string_view line) {
      std::lock_guard lock(mu_);
      lines_.emplace_back(line);
    };
  }
  [[nodiscard]] std::vector<std::string> Lines() const {
    std::lock_guard lock(mu_);
    return lines_;
  }

 private:
  mutable std::mutex mu_;
  std::vector<std::string> lines_;
};

// Polls `condition` every 5 ms until it holds or `limit` passes; returns the last result.
template <class Condition>
bool Eventually(Condition condition,
                std::chrono::milliseconds limit = std::chrono::milliseconds(3000)) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!condition()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

class TestServer {
 public:
  // Registers the example routes, then `extra_routes`, and starts the server.
  explicit TestServer(ServerOptions options = {}, EventHubOptions hub_options = {},
                      const std::function<void(Router&)>& extra_routes = {})
      : hub(hub_options) {
    example::AddExampleRoutes(router, hub);
    if (extra_routes) extra_routes(router);
    options.access_log = access.Sink();
    options.error_log = errors.Sink();
    server = std::make_unique<Server>(router, std::move(options));
    auto started = server->Start("127.0.0.1", 0);
    start_error = started ? std::string() : started.error();
  }

  [[nodiscard]] uint16_t port() const { return server->port(); }

  Router router;
  EventHub hub;
  CapturedLog access;
  CapturedLog errors;
  std::unique_ptr<Server> server;
  std::string start_error;  // empty when Start succeeded
};

}  // namespace everyseat::server::testing
