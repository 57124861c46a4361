// The SQLite engine: the SQLite C API directly, one connection per store.
//
// The connection is opened with WAL journaling, synchronous=NORMAL (or FULL for
// Durability::kFull), foreign keys on and a busy timeout. In WAL mode a commit has reached the
// operating system when it returns, so it survives the process being killed; with FULL it is
// also fsynced, so it survives a power cut (https://www.sqlite.org/pragma.html#pragma_synchronous).
// Files go through the write-ahead-log batching VFS (wal_vfs.h): a commit's frames reach the log
// in one system call rather than two per page.
// Write transactions start with BEGIN IMMEDIATE, so a writer waits for the lock (busy timeout)
// instead of failing when it upgrades from reading.
// Prepared statements are cached by their SQL text for the life of the connection.
// Thread-safety: one thread at a time (the connection is opened SQLITE_OPEN_NOMUTEX).
#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <utility>

#include "../engines.h"
#include "../sql_store.h"
#include "wal_vfs.h"

namespace everyseat::store::detail {
namespace {

struct CloseDatabase {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
struct FinalizeStatement {
  void operator()(sqlite3_stmt* stmt) const { sqlite3_finalize(stmt); }
};
using DatabasePtr = std::unique_ptr<sqlite3, CloseDatabase>;
using StatementPtr = std::unique_ptr<sqlite3_stmt, FinalizeStatement>;

// Resets a statement and clears its bindings when a call is done with it, however it ends.
class StatementUse {
 public:
  explicit StatementUse(sqlite3_stmt* stmt) : stmt_(stmt) {}
  StatementUse(const StatementUse&) = delete;
  StatementUse& operator=(const StatementUse&) = delete;
  ~StatementUse() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }

 private:
  sqlite3_stmt* stmt_;
};

// "$12" (PostgreSQL's placeholder) becomes "?12", which SQLite binds by number. Text inside
// single quotes is left alone.
std::string ToSqlitePlaceholders(std::string_view sql) {
  std::string out;
  out.reserve(sql.size());
  bool quoted = false;
  for (size_t i = 0; i < sql.size(); ++i) {
    const char c = sql[i];
    if (c == '\'') quoted = !quoted;
    if (!quoted && c == '$' && i + 1 < sql.size() && sql[i + 1] >= '0' && sql[i + 1] <= '9') {
      out += '?';
    } else {
      out += c;
    }
  }
  return out;
}

StoreErrorCode CodeOf(int rc) {
  switch (rc & 0xff) {
    case SQLITE_CONSTRAINT:
      switch (rc) {
        case SQLITE_CONSTRAINT_UNIQUE:
        case SQLITE_CONSTRAINT_PRIMARYKEY:
          return StoreErrorCode::kConflict;
        default:
          return StoreErrorCode::kInvalid;  // foreign key, check, not null
      }
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_CANTOPEN:
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_READONLY:
    case SQLITE_PROTOCOL:
      return StoreErrorCode::kUnavailable;
    case SQLITE_NOMEM:
      return StoreErrorCode::kInternal;
    default:
      return StoreErrorCode::kInternal;
  }
}

// SQLite's process-wide settings, made before its first use (later calls are refused by SQLite
// and change nothing): no memory statistics, which would take a global mutex on every one of its
// allocations; and each connection's page cache in one block taken when it opens (kCachePages
// pages: every page a request touches), so that reading a page does not allocate, even after
// another connection's commit has emptied the cache.
void ConfigureLibrary() {
  static std::once_flag once;
  std::call_once(once, [] {
    constexpr int kCachePages = 256;
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    sqlite3_config(SQLITE_CONFIG_PAGECACHE, nullptr, 0, kCachePages);
  });
}

class SqliteStore final : public SqlStore {
 public:
  SqliteStore(DatabasePtr db, StoreOptions options)
      : SqlStore(options), db_(std::move(db)), busy_timeout_ms_(options.busy_timeout_ms) {}

  static Result<std::unique_ptr<Store>> Open(const std::string& path, const StoreOptions& options) {
    ConfigureLibrary();
    sqlite3* raw = nullptr;
    const int rc = sqlite3_open_v2(path.c_str(), &raw,
                                   SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                                   WalBatchingVfs());
    DatabasePtr db(raw);
    if (rc != SQLITE_OK) {
      return Fail(StoreErrorCode::kUnavailable,
                  "cannot open the SQLite database " + path + ": " +
                      (raw != nullptr ? sqlite3_errmsg(raw) : sqlite3_errstr(rc)));
    }
    sqlite3_extended_result_codes(db.get(), 1);
    auto store = std::make_unique<SqliteStore>(std::move(db), options);
    sqlite3_busy_handler(store->db_.get(), &SqliteStore::OnBusy, store.get());
    if (auto r = store->Configure(path, options); !r) return tl::unexpected(r.error());
    if (auto r = store->Migrate(); !r) return tl::unexpected(r.error());
    return std::unique_ptr<Store>(std::move(store));
  }

  std::string_view Engine() const override { return "sqlite"; }

 protected:
  Result<Rows> Run(std::string_view sql, std::span<const Param> params) override {
    auto stmt = Prepare(sql);
    if (!stmt) return tl::unexpected(stmt.error());
    sqlite3_stmt* s = *stmt;
    StatementUse use(s);
    for (size_t i = 0; i < params.size(); ++i) {
      if (auto r = Bind(s, static_cast<int>(i + 1), params[i]); !r)
        return tl::unexpected(r.error());
    }
    const int columns = sqlite3_column_count(s);
    Rows rows(static_cast<size_t>(columns));
    for (;;) {
      const int rc = sqlite3_step(s);
      if (rc == SQLITE_DONE) break;
      if (rc != SQLITE_ROW) return Error(rc);
      for (int c = 0; c < columns; ++c) {
        switch (sqlite3_column_type(s, c)) {
          case SQLITE_INTEGER:
            rows.AddInt(sqlite3_column_int64(s, c));
            break;
          case SQLITE_FLOAT:
            rows.AddDouble(sqlite3_column_double(s, c));
            break;
          case SQLITE_NULL:
            rows.AddNull();
            break;
          default: {
            const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(s, c));
            const int n = sqlite3_column_bytes(s, c);
            rows.AddText(text != nullptr ? text : "", static_cast<size_t>(n));
          }
        }
      }
    }
    return rows;
  }

  Result<int64_t> InsertId(std::string_view sql, std::span<const Param> params) override {
    constexpr std::string_view kReturning = " RETURNING id";
    if (!sql.ends_with(kReturning)) {
      return Fail(StoreErrorCode::kInternal, "InsertId: the insert does not end RETURNING id");
    }
    // The table's id is its rowid (IdColumnType), which SQLite gives the connection's last insert.
    auto done = Run(sql.substr(0, sql.size() - kReturning.size()), params);
    if (!done) return tl::unexpected(done.error());
    if (sqlite3_changes(db_.get()) != 1) {
      return Fail(StoreErrorCode::kInternal, "InsertId: the insert wrote no row");
    }
    return sqlite3_last_insert_rowid(db_.get());
  }

  Result<void> RunScript(std::string_view sql) override {
    // One statement (BEGIN, COMMIT, SAVEPOINT ... at every write): prepared once and kept.
    if (sql.find(';') == std::string_view::npos) {
      auto done = Run(sql, {});
      if (!done) return tl::unexpected(done.error());
      return {};
    }
    const std::string text(sql);
    char* message = nullptr;
    const int rc = sqlite3_exec(db_.get(), text.c_str(), nullptr, nullptr, &message);
    if (rc == SQLITE_OK) return {};
    std::string why = message != nullptr ? message : sqlite3_errstr(rc);
    sqlite3_free(message);
    return Fail(CodeOf(sqlite3_extended_errcode(db_.get())), "SQLite: " + why);
  }

  Result<Checkpointed> Checkpoint(CheckpointMode mode) override {
    int log_pages = 0;
    int copied = 0;
    const int rc = sqlite3_wal_checkpoint_v2(
        db_.get(), nullptr,
        mode == CheckpointMode::kRestart ? SQLITE_CHECKPOINT_RESTART : SQLITE_CHECKPOINT_PASSIVE,
        &log_pages, &copied);
    if (rc != SQLITE_OK && rc != SQLITE_BUSY) {  // busy: another checkpoint, or the timeout
      return Fail(CodeOf(sqlite3_extended_errcode(db_.get())),
                  std::string("SQLite checkpoint: ") + sqlite3_errmsg(db_.get()));
    }
    if (log_pages < 0) return Checkpointed{};  // not in WAL mode
    return Checkpointed{log_pages, std::max(0, log_pages - copied)};
  }

  std::string_view BeginStatement() const override { return "BEGIN IMMEDIATE"; }
  // BEGIN IMMEDIATE lets one writer in at a time, so a claim cannot race another.
  std::string_view SkipLockedClause() const override { return ""; }
  // One server per SQLite database: nobody to tell.
  Result<void> Notify(std::string_view /*payload*/) override { return {}; }

  // The online backup API (https://www.sqlite.org/backup.html), all pages in one step: the
  // source is read in one read transaction, a consistent snapshot, and in WAL mode writers
  // carry on meanwhile.
  Result<void> BackupInto(const std::string& path) override {
    sqlite3* raw = nullptr;
    const int rc =
        sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr);
    DatabasePtr dest(raw);
    if (rc != SQLITE_OK) {
      return Fail(StoreErrorCode::kUnavailable,
                  "cannot open the backup file " + path + ": " +
                      (raw != nullptr ? sqlite3_errmsg(raw) : sqlite3_errstr(rc)),
                  "path");
    }
    sqlite3_backup* backup = sqlite3_backup_init(dest.get(), "main", db_.get(), "main");
    if (backup == nullptr) {
      return Fail(CodeOf(sqlite3_extended_errcode(dest.get())),
                  std::string("SQLite backup: ") + sqlite3_errmsg(dest.get()));
    }
    // The source's lock may be busy for a moment (a checkpoint); wait up to the busy timeout.
    int step = SQLITE_OK;
    for (int waited_ms = 0;; waited_ms += kBackupRetryMs) {
      step = sqlite3_backup_step(backup, -1);
      if ((step != SQLITE_BUSY && step != SQLITE_LOCKED) || waited_ms >= busy_timeout_ms_) break;
      sqlite3_sleep(kBackupRetryMs);
    }
    const int finished = sqlite3_backup_finish(backup);
    if (step != SQLITE_DONE) {
      return Fail(CodeOf(step), std::string("SQLite backup: ") + sqlite3_errstr(step));
    }
    if (finished != SQLITE_OK) {
      return Fail(CodeOf(finished), std::string("SQLite backup: ") + sqlite3_errmsg(dest.get()));
    }
    const int closed = sqlite3_close(dest.release());
    if (closed != SQLITE_OK) {
      return Fail(CodeOf(closed), std::string("SQLite backup: ") + sqlite3_errstr(closed));
    }
    return {};
  }
  Result<void> LockForMigration() override { return {}; }  // BEGIN IMMEDIATE holds the lock

  // Full-text search: FTS5 (https://www.sqlite.org/fts5.html) with the Porter stemmer over
  // unicode61 tokens; the rowid is the story's id.
  std::string_view StorySearchTableSql() const override {
    return "CREATE VIRTUAL TABLE story_search USING fts5(title, body, learning, "
           "tokenize = 'porter unicode61');";
  }
  Result<void> IndexStory(OrgId /*org*/, StoryId story, std::string_view title,
                          std::string_view text, std::string_view learning) override {
    // FTS5 has no upsert: delete, then insert.
    if (auto r = UnindexStory(OrgId(), story); !r) return r;
    const Param params[] = {story.value, title, text, learning};
    auto r = Run("INSERT INTO story_search (rowid, title, body, learning) VALUES ($1, $2, $3, $4)",
                 params);
    if (!r) return tl::unexpected(r.error());
    return {};
  }
  Result<void> UnindexStory(OrgId /*org*/, StoryId story) override {
    const Param params[] = {story.value};
    auto r = Run("DELETE FROM story_search WHERE rowid = $1", params);
    if (!r) return tl::unexpected(r.error());
    return {};
  }
  // Each word a quoted string with a prefix star ("word"*), so no word is read as an operator
  // (AND, OR, NOT, NEAR) or a column filter; words side by side must all match.
  std::string StorySearchQuery(std::span<const std::string> words) const override {
    std::string out;
    for (const std::string& word : words) {
      if (!out.empty()) out += ' ';
      out += '"';
      for (char c : word) {
        if (c == '"') out += '"';
        out += c;
      }
      out += "\"*";
    }
    return out;
  }
  std::string StorySearchCondition(std::string_view placeholder) const override {
    return "s.id IN (SELECT rowid FROM story_search WHERE story_search MATCH " +
           std::string(placeholder) + ")";
  }
  std::string_view IdColumnType() const override { return "INTEGER PRIMARY KEY"; }

  // One prepared statement, rebound and reset for every row (the C API's fastest path).
  Result<void> InsertObservationRows(OrgId org, const Actor& actor, int64_t now,
                                     std::span<const ObservationRow> rows) override {
    auto stmt = Prepare(
        "INSERT INTO observations (org_id, measure_id, period, period_start, value, "
        "denominator, version, superseded, entered_by_person, entered_by_label, entered_at) "
        "VALUES ($1, $2, $3, $4, $5, $6, 1, 0, $7, $8, $9)");
    if (!stmt) return tl::unexpected(stmt.error());
    sqlite3_stmt* s = *stmt;
    StatementUse use(s);
    sqlite3_bind_int64(s, 1, org.value);
    if (actor.person) {
      sqlite3_bind_int64(s, 7, actor.person->value);
    } else {
      sqlite3_bind_null(s, 7);
    }
    sqlite3_bind_text(s, 8, actor.label.data(), static_cast<int>(actor.label.size()),
                      SQLITE_STATIC);
    sqlite3_bind_int64(s, 9, now);
    for (size_t i = 0; i < rows.size(); ++i) {
      const ObservationRow& row = rows[i];
      sqlite3_bind_int64(s, 2, row.measure);
      sqlite3_bind_text(s, 3, row.period.data(), static_cast<int>(row.period.size()),
                        SQLITE_STATIC);
      sqlite3_bind_int64(s, 4, row.period_start);
      sqlite3_bind_double(s, 5, row.value);
      if (row.denominator) {
        sqlite3_bind_double(s, 6, *row.denominator);
      } else {
        sqlite3_bind_null(s, 6);
      }
      const int rc = sqlite3_step(s);
      sqlite3_reset(s);
      if (rc == SQLITE_DONE) continue;
      const std::string where = "row " + std::to_string(i + 1) + ": ";
      if (rc == SQLITE_CONSTRAINT_UNIQUE) {
        return Fail(StoreErrorCode::kConflict,
                    where + "period " + std::string(row.period) + " of measure " +
                        std::to_string(row.measure) + " has a value already; correct it instead",
                    "period");
      }
      StoreError e = Error(rc).value();
      e.message = where + e.message;
      return tl::unexpected(std::move(e));
    }
    return {};
  }

 private:
  Result<void> Configure(const std::string& path, const StoreOptions& options) {
    if (path != ":memory:") {
      auto mode = Run("PRAGMA journal_mode = WAL", {});
      if (!mode) return tl::unexpected(mode.error());
      if (mode->empty() || mode->Text(0, 0) != "wal") {
        return Fail(StoreErrorCode::kUnavailable,
                    "cannot switch " + path + " to write-ahead logging (journal_mode is " +
                        (mode->empty() ? std::string("unknown") : mode->Text(0, 0)) + ")");
      }
    }
    const std::string sync = options.durability == Durability::kFull
                                 ? "PRAGMA synchronous = FULL"
                                 : "PRAGMA synchronous = NORMAL";
    if (auto r = RunScript(sync); !r) return r;
    if (options.checkpoints == Checkpoints::kByCaller) {
      if (auto r = RunScript("PRAGMA wal_autocheckpoint = 0"); !r) return r;
    }
    return RunScript("PRAGMA foreign_keys = ON");
  }

  Result<sqlite3_stmt*> Prepare(std::string_view sql) {
    auto it = cache_.find(sql);  // no copy of the text to look it up
    if (it != cache_.end()) return it->second.get();
    const std::string text = ToSqlitePlaceholders(sql);
    sqlite3_stmt* raw = nullptr;
    const int rc = sqlite3_prepare_v3(db_.get(), text.c_str(), static_cast<int>(text.size() + 1),
                                      SQLITE_PREPARE_PERSISTENT, &raw, nullptr);
    StatementPtr stmt(raw);
    if (rc != SQLITE_OK) return Error(rc);
    sqlite3_stmt* out = stmt.get();
    cache_.emplace(std::string(sql), std::move(stmt));
    return out;
  }

  Result<void> Bind(sqlite3_stmt* s, int index, const Param& p) {
    int rc = SQLITE_OK;
    if (std::holds_alternative<std::monostate>(p)) {
      rc = sqlite3_bind_null(s, index);
    } else if (const auto* i = std::get_if<int64_t>(&p)) {
      rc = sqlite3_bind_int64(s, index, *i);
    } else if (const auto* d = std::get_if<double>(&p)) {
      rc = sqlite3_bind_double(s, index, *d);
    } else {
      const auto& text = std::get<std::string_view>(p);
      // A default string_view has no characters at all; bind it as "" (a null pointer binds NULL).
      rc = sqlite3_bind_text(s, index, text.data() != nullptr ? text.data() : "",
                             static_cast<int>(text.size()), SQLITE_STATIC);
    }
    if (rc != SQLITE_OK) return Error(rc);
    return {};
  }

  tl::unexpected<StoreError> Error(int rc) const {
    return Fail(CodeOf(rc), std::string("SQLite: ") + sqlite3_errmsg(db_.get()));
  }

  static constexpr int kBackupRetryMs = 10;

  DatabasePtr db_;  // declared before the statements, so it is closed after them
  struct TextHash {
    using is_transparent = void;
    size_t operator()(std::string_view text) const { return std::hash<std::string_view>{}(text); }
  };
  std::unordered_map<std::string, StatementPtr, TextHash, std::equal_to<>> cache_;
  int busy_timeout_ms_;
  std::chrono::steady_clock::time_point busy_since_;  // the first try of the current wait

  // Waits for another connection's lock. SQLite's own busy timeout sleeps 1, 2, 5, 10 ... 100 ms
  // between tries, so a writer that meets another's lock for a moment (a commit takes tens of
  // microseconds) would wait milliseconds; under 64 concurrent writers that made the p99 of a
  // POST 40 ms. This tries again after 20 us, growing by 20 us a try to 1 ms, up to the timeout.
  static int OnBusy(void* self, int tries) {
    auto* store = static_cast<SqliteStore*>(self);
    const auto now = std::chrono::steady_clock::now();
    if (tries == 0) store->busy_since_ = now;
    if (now - store->busy_since_ >= std::chrono::milliseconds(store->busy_timeout_ms_)) return 0;
    std::this_thread::sleep_for(std::chrono::microseconds(std::min(1000, 20 * (tries + 1))));
    return 1;
  }
};

}  // namespace

Result<std::unique_ptr<Store>> OpenSqlite(const std::string& path, const StoreOptions& options) {
  return SqliteStore::Open(path, options);
}

}  // namespace everyseat::store::detail
