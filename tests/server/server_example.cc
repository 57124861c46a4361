// server_example: the HTTP framework's demo server, for tests and manual checks (not the product
// server). Serves the example routes (health, openapi.json, events, echo) until SIGTERM or SIGINT,
// then drains and exits 0.
//
//   server_example [--host 127.0.0.1] [--port 0] [--threads 2]
//
// Prints "listening on http://HOST:PORT" on stdout once it accepts connections and signals;
// access and error logs are JSON lines on stderr.
// Try: curl -N localhost:PORT/api/v1/events?team=3 &
//      curl -H 'Content-Type: application/json' localhost:PORT/api/v1/echo
//        -d '{"value":1,"date":"2024-03-01","team":3}'
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "everyseat/server/events.h"
#include "everyseat/server/http.h"
#include "example_app.h"

int main(int argc, char** argv) {
  using everyseat::server::EventHub;
  using everyseat::server::Router;
  using everyseat::server::Server;
  using everyseat::server::ServerOptions;

  std::string host = "127.0.0.1";
  long port = 0;
  ServerOptions options;
  for (int i = 1; i < argc; ++i) {
    const bool has_value = i + 1 < argc;
    if (std::strcmp(argv[i], "--host") == 0 && has_value) {
      host = argv[++i];
    } else if (std::strcmp(argv[i], "--port") == 0 && has_value) {
      port = std::strtol(argv[++i], nullptr, 10);
    } else if (std::strcmp(argv[i], "--threads") == 0 && has_value) {
      options.threads = static_cast<int>(std::strtol(argv[++i], nullptr, 10));
    } else {
      std::fprintf(stderr, "usage: %s [--host IP] [--port N] [--threads N]\n", argv[0]);
      return 2;
    }
  }
  if (port < 0 || port > 65535) {
    std::fprintf(stderr, "server_example: --port must be 0-65535\n");
    return 2;
  }

  EventHub hub;
  Router router;
  everyseat::server::example::AddExampleRoutes(router, hub);
  Server server(router, options);
  if (auto started = server.Start(host, static_cast<uint16_t>(port)); !started) {
    std::fprintf(stderr, "server_example: %s\n", started.error().c_str());
    return 1;
  }
  const int signal = server.RunUntilSignalled([&] {
    std::printf("listening on http://%s:%u\n", host.c_str(), static_cast<unsigned>(server.port()));
    std::fflush(stdout);
  });
  std::fprintf(stderr, "server_example: stopped on signal %d\n", signal);
  return 0;
}
