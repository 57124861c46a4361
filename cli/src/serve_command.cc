// everyseat serve: the HTTP API (/api/v1) on a database, until SIGTERM or SIGINT.
//
//   everyseat serve [--db URL] [--listen HOST:PORT] [--durability normal|full] [--threads N]
//                   [--secure-cookies] [--node NAME] [--no-access-log] [--web-root DIR]
//
// Prints "listening on http://HOST:PORT" on standard output once it accepts connections (PORT 0
// picks a free port, shown there), logs one JSON line per request and per failure on standard
// error, sends the webhook outbox from a thread of its own, and with a PostgreSQL database
// receives the events of the other nodes serving it. On SIGTERM it stops accepting, finishes the
// requests in flight and exits 0. The web pages' stylesheet, script and images come from the built
// front end (--web-root, by default the repository's web/dist next to the build, else
// /usr/share/everyseat/web).
// Thread-safety: owns the process while it runs.
#include <malloc.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "args.h"
#include "commands.h"
#include "everyseat/server/api.h"
#include "everyseat/server/http.h"
#include "everyseat/server/webhooks.h"

namespace everyseat::cli {
namespace {

constexpr std::string_view kUsage =
    "usage: everyseat serve [--db URL] [--listen HOST:PORT] [--durability normal|full]\n"
    "                       [--threads N] [--secure-cookies] [--node NAME] [--no-access-log]\n"
    "                       [--web-root DIR]\n"
    "\n"
    "Serves the everyseat API on HOST:PORT (default 127.0.0.1:8080; port 0 picks a free one)\n"
    "over the database URL (default sqlite:everyseat.db): sqlite:PATH, postgresql://USER@HOST/DB\n"
    "or postgresql:CONNINFO. Several servers may share one PostgreSQL database.\n"
    "--durability full also survives a power cut (SQLite synchronous=FULL).\n"
    "--threads N sets the threads that read requests and write answers and events (default 2);\n"
    "requests are handled on 8 threads more, which may wait for the database.\n"
    "--secure-cookies marks the session cookie Secure (serve behind TLS).\n"
    "--web-root DIR serves the built web front end (DIR holds assets/: the pages' stylesheet,\n"
    "script and images; scripts/build-web makes web/dist). By default the first that exists of\n"
    "web/dist beside the build (EXE/../../web/dist) and /usr/share/everyseat/web; without one\n"
    "the pages are served unstyled.\n"
    "Stops cleanly on SIGTERM or SIGINT.\n";

int Fail(const std::string& message) {
  std::fprintf(stderr, "everyseat serve: %s\n", message.c_str());
  return 2;
}

// The built front end when --web-root is not given: the repository's web/dist for a binary at
// build/bin/everyseat, else the installed copy; empty when neither exists.
std::filesystem::path DefaultWebRoot() {
  namespace fs = std::filesystem;
  std::error_code ec;
  std::vector<fs::path> candidates;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    candidates.push_back((exe.parent_path() / ".." / ".." / "web" / "dist").lexically_normal());
  }
  candidates.emplace_back("/usr/share/everyseat/web");
  for (const fs::path& candidate : candidates) {
    if (fs::is_directory(candidate, ec)) return candidate;
  }
  return {};
}

}  // namespace

int RunServe(std::span<const std::string_view> args) {
  auto flags = ScanFlags(args, {{"db", "listen", "durability", "threads", "node", "web-root"},
                                {"help", "secure-cookies", "no-access-log"}});
  if (!flags) return Fail(flags.error());
#if !defined(EVERYSEAT_MIMALLOC)
  // Built without mimalloc (ADR 10), glibc's heap serves the process. A server frees and takes
  // back memory all the time: glibc's habit of handing freed memory back to the kernel at once
  // (madvise, then page faults to take it again) costs every request. Keep up to 64 MiB free in
  // the heap, and serve allocations below 32 MiB from it.
  mallopt(M_TRIM_THRESHOLD, 64 << 20);
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
#endif
  server::ApiOptions api_options;
  api_options.db_url = "sqlite:everyseat.db";
  std::string listen = "127.0.0.1:8080";
  server::ServerOptions server_options;
  bool access_log = true;
  bool web_root_given = false;
  for (const Flag& flag : *flags) {
    if (flag.name == "help") {
      std::fputs(kUsage.data(), stdout);
      return 0;
    }
    if (flag.name == "db") {
      api_options.db_url = flag.value;
    } else if (flag.name == "listen") {
      listen = flag.value;
    } else if (flag.name == "durability") {
      const auto durability = store::ParseDurability(flag.value);
      if (!durability) return Fail("--durability must be normal or full");
      api_options.store_options.durability = *durability;
    } else if (flag.name == "threads") {
      const std::string value(flag.value);
      char* end = nullptr;
      const long threads = std::strtol(value.c_str(), &end, 10);
      if (value.empty() || *end != '\0' || threads < 1 || threads > 64) {
        return Fail("--threads must be a whole number from 1 to 64");
      }
      server_options.threads = static_cast<int>(threads);
    } else if (flag.name == "node") {
      api_options.node_id = flag.value;
    } else if (flag.name == "secure-cookies") {
      api_options.secure_cookies = true;
    } else if (flag.name == "no-access-log") {
      access_log = false;
    } else if (flag.name == "web-root") {
      std::error_code ec;
      if (flag.value.empty() || !std::filesystem::is_directory(flag.value, ec)) {
        return Fail("--web-root " + std::string(flag.value) + ": no such directory");
      }
      api_options.web_root = std::string(flag.value);
      web_root_given = true;
    }
  }
  if (!web_root_given) api_options.web_root = DefaultWebRoot();
  const size_t colon = listen.rfind(':');
  if (colon == std::string::npos || colon == 0) return Fail("--listen must be HOST:PORT");
  std::string host = listen.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  const std::string port_text = listen.substr(colon + 1);
  char* end = nullptr;
  const long port = std::strtol(port_text.c_str(), &end, 10);
  if (port_text.empty() || *end != '\0' || port < 0 || port > 65535) {
    return Fail("--listen port must be 0-65535");
  }
  if (!access_log) server_options.access_log = nullptr;

  // The webhook dispatcher, woken by every new notification.
  server::WebhookDispatcherOptions dispatcher_options;
  dispatcher_options.log = server::StderrSink();
  const std::string db_url = api_options.db_url;
  const store::StoreOptions store_options = api_options.store_options;
  server::WebhookDispatcher dispatcher(
      [db_url, store_options] { return store::Store::Open(db_url, store_options); },
      dispatcher_options);
  api_options.on_notification = [&dispatcher] { dispatcher.Wake(); };

  auto api = server::Api::Create(std::move(api_options));
  if (!api) return Fail(api.error());
  server::Router router;
  (*api)->AddRoutes(router);
  // Listening for the other nodes' events starts before serving, so none is missed.
  if (auto listening = (*api)->Listen(); !listening) return Fail(listening.error());
  server::Server server(router, server_options);
  if (auto started = server.Start(host, static_cast<uint16_t>(port)); !started) {
    return Fail(started.error());
  }
  dispatcher.Start();
  const int signal = server.RunUntilSignalled([&] {
    const bool v6 = host.find(':') != std::string::npos;
    std::printf("listening on http://%s%s%s:%u\n", v6 ? "[" : "", host.c_str(), v6 ? "]" : "",
                static_cast<unsigned>(server.port()));
    std::fflush(stdout);
  });
  (*api)->Stop();
  dispatcher.Stop();
  std::fprintf(stderr, "everyseat serve: stopped on signal %d\n", signal);
  return 0;
}

}  // namespace everyseat::cli
