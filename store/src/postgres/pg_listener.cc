// The PostgreSQL event listener: a libpq connection of its own that runs
// LISTEN on the channel of the database and schema (ES_EVENTS_CHANNEL in pg.h), then waits for
// notifications with poll() on the connection's socket
// (https://www.postgresql.org/docs/15/libpq-notify.html). NOTIFY reaches every session LISTENing
// on the channel in the database, whatever its search_path.
// Thread-safety: one thread at a time.
#include <libpq-fe.h>
#include <poll.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "../engines.h"
#include "pg.h"

namespace everyseat::store::detail {
namespace {

tl::unexpected<StoreError> Lost(const pg::Connection& conn) {
  std::string why = PQerrorMessage(conn.get());
  while (!why.empty() && (why.back() == '\n' || why.back() == ' ')) why.pop_back();
  return tl::unexpected(
      StoreError{StoreErrorCode::kUnavailable, "PostgreSQL connection lost: " + why, {}});
}

class PostgresListener final : public EventListener {
 public:
  explicit PostgresListener(pg::Connection conn) : conn_(std::move(conn)) {}

  Result<std::vector<std::string>> Wait(int timeout_ms) override {
    using Clock = std::chrono::steady_clock;
    const auto deadline = Clock::now() + std::chrono::milliseconds(std::max(timeout_ms, 0));
    std::vector<std::string> out;
    if (PQstatus(conn_.get()) != CONNECTION_OK) return Lost(conn_);
    // Notifications may have arrived with an earlier read.
    Collect(out);
    while (out.empty()) {
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
      pollfd fd{PQsocket(conn_.get()), POLLIN, 0};
      if (fd.fd < 0) return Lost(conn_);
      const int ready = poll(&fd, 1, static_cast<int>(std::max<int64_t>(left.count(), 0)));
      if (ready < 0 && errno != EINTR) {
        return tl::unexpected(StoreError{
            StoreErrorCode::kInternal, std::string("poll failed: ") + std::strerror(errno), {}});
      }
      if (ready > 0) {
        if (PQconsumeInput(conn_.get()) == 0 || PQstatus(conn_.get()) != CONNECTION_OK) {
          return Lost(conn_);
        }
        Collect(out);
      }
      if (Clock::now() >= deadline) break;
    }
    return out;
  }

 private:
  void Collect(std::vector<std::string>& out) {
    while (PGnotify* n = PQnotifies(conn_.get())) {
      out.emplace_back(n->extra != nullptr ? n->extra : "");
      PQfreemem(n);
    }
  }

  pg::Connection conn_;
};

}  // namespace

Result<std::unique_ptr<EventListener>> OpenPostgresListener(const std::string& conninfo) {
  auto conn = pg::Connection::Open(conninfo);
  if (!conn) return tl::unexpected(conn.error());
  // The channel of this database and schema (ES_EVENTS_CHANNEL), so deployments sharing a server
  // in different schemas or databases never hear each other.
  auto channel = conn->Exec("SELECT " ES_EVENTS_CHANNEL);
  if (!channel) return tl::unexpected(channel.error());
  if (PQntuples(channel->get()) != 1) {
    return tl::unexpected(StoreError{StoreErrorCode::kInternal, "no event channel name", ""});
  }
  const std::string name = PQgetvalue(channel->get(), 0, 0);
  if (auto r = conn->Exec("LISTEN \"" + name + "\""); !r) return tl::unexpected(r.error());
  return std::unique_ptr<EventListener>(std::make_unique<PostgresListener>(std::move(*conn)));
}

}  // namespace everyseat::store::detail
