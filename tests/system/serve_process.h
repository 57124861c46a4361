// `everyseat serve` as a real child process for the system tests: started with fork/exec of the
// built binary (EVERYSEAT_BINARY) on 127.0.0.1 port 0, its port read from the "listening on" line
// it prints on standard output, its standard error kept in a temporary file for diagnostics, and
// stopped with SIGTERM (a clean drain, exit 0 expected) or SIGKILL (a crash).
//
// The destructor kills and reaps a child still running, so no test leaves a server behind; the
// child also gets SIGKILL if the thread that started it ends (PR_SET_PDEATHSIG), which covers a
// test process that dies before its destructors run.
//
// Also here: the seeding and HTTP helpers the system tests share (an organisation made through
// the Store API, calls with a session cookie or a Bearer token, period dates).
//
// Thread-safety: a ServeProcess is used by one thread (the one that started it, see above); the
// HTTP helpers are safe to call from any thread (each call uses its own connection).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "everyseat/domain/ids.h"
#include "http_client.h"
#include "test_database.h"

namespace everyseat::system_testing {

class ServeProcess {
 public:
  // `everyseat serve --db DB_URL --listen 127.0.0.1:0 --no-access-log EXTRA...`, not yet started.
  ServeProcess(std::string db_url, std::vector<std::string> extra_args);
  ~ServeProcess();
  ServeProcess(const ServeProcess&) = delete;
  ServeProcess& operator=(const ServeProcess&) = delete;

  // Starts the process and waits up to `limit` for its "listening on" line; on failure the child
  // is killed and error() says why (with the tail of its standard error). Restartable: a stopped
  // or killed process can be started again (a new child, a new port).
  bool Start(std::chrono::milliseconds limit = std::chrono::milliseconds(15'000));
  // SIGKILL and reap (no-op when not running).
  void Kill();
  // SIGTERM and wait up to `limit` for the exit; returns the exit status (128+signal when killed
  // by a signal), or -1 when it had to be killed with SIGKILL after `limit`.
  int Terminate(std::chrono::milliseconds limit = std::chrono::milliseconds(10'000));
  // True while the child has not exited (reaps it when it has).
  bool Running();

  [[nodiscard]] uint16_t port() const { return port_; }
  [[nodiscard]] pid_t pid() const { return pid_; }
  [[nodiscard]] const std::string& error() const { return error_; }
  // Everything the current (or last) child wrote to standard error; the last `max_bytes`.
  [[nodiscard]] std::string Stderr(size_t max_bytes = 4000) const;

 private:
  void Reap(bool block);

  std::string db_url_;
  std::vector<std::string> extra_args_;
  pid_t pid_ = -1;
  int stdout_fd_ = -1;
  uint16_t port_ = 0;
  std::string error_;
  std::string stderr_path_;
};

// --- Calls over HTTP.

// Who makes a call: a session (cookie and CSRF token), a Bearer token, or nobody.
struct Who {
  std::string cookie;
  std::string csrf;
  std::string bearer;
};

struct Reply {
  int status = 0;       // 0: no response (connection refused, reset or timed out)
  nlohmann::json body;  // the parsed body, or null
  std::string text;
  server::testing::HttpResponse raw;
};

// One request on a connection of its own.
[[nodiscard]] Reply Call(uint16_t port, const Who& who, const std::string& method,
                         const std::string& target, const std::string& body = {},
                         std::chrono::milliseconds timeout = std::chrono::milliseconds(10'000));
// Signs in with email and password on the server at `port`; nullopt unless 201.
[[nodiscard]] std::optional<Who> SignIn(uint16_t port, const std::string& email,
                                        const std::string& password);
// Connects an SSE client to GET /api/v1/events?QUERY as `who`; nullptr unless it answers 200.
// Each later read of the stream waits at most `timeout`.
[[nodiscard]] std::unique_ptr<server::testing::HttpClient> Subscribe(
    uint16_t port, const Who& who, const std::string& query,
    std::chrono::milliseconds timeout = std::chrono::milliseconds(5000));

// "/api/v1/measures/7/observations" and the like.
[[nodiscard]] std::string MeasurePath(domain::MeasureId id, const std::string& rest = {});
// The date `day` days after 2024-01-01 ("2024-01-01" for 0), YYYY-MM-DD.
[[nodiscard]] std::string Day(int day);

// --- A seeded organisation (through the Store API, before any server starts).

inline constexpr const char* kPassword = "correct horse battery staple";
inline constexpr const char* kEmail = "nurse@system.nhs.uk";

struct Seeded {
  domain::OrgId org;
  domain::TeamId team;
  domain::PersonId person;                  // kEmail, kPassword; a member of `team`
  std::vector<domain::MeasureId> measures;  // i charts, daily, in `team`
  std::string token;                        // a Bearer secret for `team`
};

// PostgreSQL delivers a NOTIFY to every session LISTENing on the channel in the whole database,
// whatever its schema, so nodes serving other test schemas hear this schema's events (and ours
// theirs) and, the ids of fresh schemas being equal, pass them to streams that filter by id (see
// TwoDeployments in two_nodes_test.cc). To keep parallel tests apart, this makes the database's
// tables number their rows from a random large id. No-op on SQLite; error text on failure.
[[nodiscard]] std::string SpreadIds(const store::testing::TestDatabase& db);

// Seeds "System Trust" / team "Ward 7" with one person, `measures` measures and a token; error
// text on failure.
[[nodiscard]] std::pair<std::optional<Seeded>, std::string> Seed(const std::string& db_url,
                                                                 int measures);

}  // namespace everyseat::system_testing
