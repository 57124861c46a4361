// Store::Open and EventListener::Open (choosing the engine by the URL's scheme), Transaction,
// and the names of the store's enums. Thread-safety: see store.h.
#include "everyseat/store/store.h"

#include <algorithm>
#include <chrono>
#include <exception>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "engines.h"
#include "sql_store.h"

namespace everyseat::store {

std::string_view Name(StoreErrorCode code) {
  switch (code) {
    case StoreErrorCode::kNotFound:
      return "not_found";
    case StoreErrorCode::kConflict:
      return "conflict";
    case StoreErrorCode::kInvalid:
      return "invalid";
    case StoreErrorCode::kUnavailable:
      return "unavailable";
    case StoreErrorCode::kInternal:
      return "internal";
  }
  return "internal";
}

std::optional<Durability> ParseDurability(std::string_view text) {
  if (text == "normal") return Durability::kNormal;
  if (text == "full") return Durability::kFull;
  return std::nullopt;
}

Result<std::unique_ptr<Store>> Store::Open(std::string_view url, Durability durability) {
  StoreOptions options;
  options.durability = durability;
  return Open(url, options);
}

namespace {

// Where a database URL points: an engine and its file name or libpq conninfo.
struct Target {
  bool sqlite = false;
  std::string where;
};

Result<Target> ParseUrl(std::string_view url) {
  constexpr std::string_view kSqlite = "sqlite:";
  constexpr std::string_view kPostgres = "postgresql:";
  constexpr std::string_view kPostgresUri = "postgresql://";
  constexpr std::string_view kPostgresShortUri = "postgres://";
  if (url.rfind(kSqlite, 0) == 0) {
    std::string path(url.substr(kSqlite.size()));
    if (path.empty()) return detail::Fail(StoreErrorCode::kInvalid, "sqlite: needs a file name");
    return Target{true, std::move(path)};
  }
  if (url.rfind(kPostgresUri, 0) == 0 || url.rfind(kPostgresShortUri, 0) == 0) {
    return Target{false, std::string(url)};
  }
  if (url.rfind(kPostgres, 0) == 0) return Target{false, std::string(url.substr(kPostgres.size()))};
  return detail::Fail(StoreErrorCode::kInvalid,
                      "the database URL starts neither sqlite: nor postgresql:", "url");
}

// SQLite has one server process, so there is nothing to hear: Wait only waits.
class SqliteListener final : public EventListener {
 public:
  Result<std::vector<std::string>> Wait(int timeout_ms) override {
    std::this_thread::sleep_for(std::chrono::milliseconds(std::max(timeout_ms, 0)));
    return std::vector<std::string>();
  }
};

}  // namespace

bool Store::IsSqliteUrl(std::string_view url) {
  const auto target = ParseUrl(url);
  return target && target->sqlite;
}

Result<std::unique_ptr<Store>> Store::Open(std::string_view url, const StoreOptions& options) {
  try {
    auto target = ParseUrl(url);
    if (!target) return tl::unexpected(target.error());
    if (target->sqlite) return detail::OpenSqlite(target->where, options);
    return detail::OpenPostgres(target->where, options);
  } catch (const std::exception& e) {
    return detail::Fail(StoreErrorCode::kInternal, std::string("unexpected failure: ") + e.what());
  }
}

Result<std::unique_ptr<EventListener>> EventListener::Open(std::string_view url) {
  try {
    auto target = ParseUrl(url);
    if (!target) return tl::unexpected(target.error());
    if (target->sqlite) return detail::OpenSqliteListener();
    return detail::OpenPostgresListener(target->where);
  } catch (const std::exception& e) {
    return detail::Fail(StoreErrorCode::kInternal, std::string("unexpected failure: ") + e.what());
  }
}

Result<Transaction> Store::Begin() {
  if (auto r = BeginTransaction(); !r) return tl::unexpected(r.error());
  return Transaction(this);
}

Transaction::Transaction(Transaction&& other) noexcept
    : store_(std::exchange(other.store_, nullptr)) {}

Transaction& Transaction::operator=(Transaction&& other) noexcept {
  if (this != &other) {
    Rollback();
    store_ = std::exchange(other.store_, nullptr);
  }
  return *this;
}

Transaction::~Transaction() { Rollback(); }

Result<void> Transaction::Commit() {
  if (store_ == nullptr) {
    return detail::Fail(StoreErrorCode::kInvalid, "the transaction is closed already");
  }
  return std::exchange(store_, nullptr)->CommitTransaction();
}

void Transaction::Rollback() {
  if (store_ != nullptr) std::exchange(store_, nullptr)->RollbackTransaction();
}

namespace detail {

std::unique_ptr<EventListener> OpenSqliteListener() { return std::make_unique<SqliteListener>(); }

}  // namespace detail

}  // namespace everyseat::store
