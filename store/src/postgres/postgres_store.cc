// The PostgreSQL engine: libpq through the RAII wrapper of pg.h, one connection per store.
//
// Parameters travel as text and the server infers their types from the statement; results come
// back as text and are parsed on reading (rows.h). Statements are prepared once per connection.
// Batches of observations go through COPY into a temporary table, then one INSERT ... SELECT.
// Durability: a commit is acknowledged only once PostgreSQL has it; with Durability::kFull the
// session sets synchronous_commit = on (the server's default) in case the server runs with it
// off, so an acknowledged commit is on disk. Migrations take an advisory transaction lock so
// several server nodes starting at once apply them one after another.
// Thread-safety: one thread at a time.
#include <libpq-fe.h>

#include <charconv>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "../engines.h"
#include "../sql_store.h"
#include "pg.h"

namespace everyseat::store::detail {
namespace {

// The advisory lock key of schema migrations (any constant the application owns).
constexpr std::string_view kMigrationLock = "SELECT pg_advisory_xact_lock(8031775466031)";

constexpr std::string_view kBatchTable =
    "CREATE TEMP TABLE IF NOT EXISTS everyseat_observations_in (seq BIGINT NOT NULL, "
    "measure_id BIGINT NOT NULL, period TEXT NOT NULL, period_start BIGINT NOT NULL, "
    "value DOUBLE PRECISION NOT NULL, denominator DOUBLE PRECISION) ON COMMIT DELETE ROWS; "
    "TRUNCATE everyseat_observations_in";

class PostgresStore final : public SqlStore {
 public:
  PostgresStore(pg::Connection conn, StoreOptions options)
      : SqlStore(std::move(options)), conn_(std::move(conn)) {}

  static Result<std::unique_ptr<Store>> Open(const std::string& conninfo,
                                             const StoreOptions& options) {
    auto conn = pg::Connection::Open(conninfo);
    if (!conn) return tl::unexpected(conn.error());
    auto store = std::make_unique<PostgresStore>(std::move(*conn), options);
    if (options.durability == Durability::kFull) {
      if (auto r = store->RunScript("SET synchronous_commit = on"); !r) {
        return tl::unexpected(r.error());
      }
    }
    if (auto r = store->Migrate(); !r) return tl::unexpected(r.error());
    return std::unique_ptr<Store>(std::move(store));
  }

  std::string_view Engine() const override { return "postgresql"; }

 protected:
  Result<Rows> Run(std::string_view sql, std::span<const Param> params) override {
    // Text forms of the parameters; `values` points into `text` (reserved, so it never moves).
    std::vector<std::string> text;
    text.reserve(params.size());
    std::vector<const char*> values;
    values.reserve(params.size());
    for (const Param& p : params) {
      if (std::holds_alternative<std::monostate>(p)) {
        values.push_back(nullptr);
        continue;
      }
      char buf[32];
      if (const auto* i = std::get_if<int64_t>(&p)) {
        text.emplace_back(buf, std::to_chars(buf, buf + sizeof buf, *i).ptr);
      } else if (const auto* d = std::get_if<double>(&p)) {
        text.emplace_back(buf, std::to_chars(buf, buf + sizeof buf, *d).ptr);
      } else {
        text.emplace_back(std::get<std::string_view>(p));
      }
      values.push_back(text.back().c_str());
    }
    auto r = conn_.ExecPrepared(sql, values);
    if (!r) return tl::unexpected(r.error());
    PGresult* res = r->get();
    const int n = PQntuples(res);
    const int columns = PQnfields(res);
    Rows rows(static_cast<size_t>(columns));
    for (int i = 0; i < n; ++i) {
      for (int c = 0; c < columns; ++c) {
        if (PQgetisnull(res, i, c) != 0) {
          rows.AddNull();
        } else {
          rows.AddText(PQgetvalue(res, i, c), static_cast<size_t>(PQgetlength(res, i, c)));
        }
      }
    }
    return rows;
  }

  Result<void> RunScript(std::string_view sql) override {
    auto r = conn_.Exec(sql);
    if (!r) return tl::unexpected(r.error());
    return {};
  }

  std::string_view BeginStatement() const override { return "BEGIN"; }
  // Each claimer locks the rows it takes and passes over those another has locked.
  std::string_view SkipLockedClause() const override { return " FOR UPDATE SKIP LOCKED"; }

  // NOTIFY is queued with the open transaction (so a rolled-back one sends nothing) and sent at
  // once outside one.
  Result<void> Notify(std::string_view payload) override {
    const Param params[] = {payload};
    auto r = Run("SELECT pg_notify(" ES_EVENTS_CHANNEL ", $1)", params);
    if (!r) return tl::unexpected(r.error());
    return {};
  }

  // Every table read in one REPEATABLE READ snapshot, read-only, so the copy is consistent while
  // other nodes keep writing.
  Result<void> BackupInto(const std::string& path) override {
    return CopySnapshotInto(path, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
  }
  Result<void> LockForMigration() override { return RunScript(kMigrationLock); }

  // Full-text search (https://www.postgresql.org/docs/15/textsearch.html): a tsvector of the
  // story's title, text and learning with English stemming, under a GIN index.
  std::string_view StorySearchTableSql() const override {
    return "CREATE TABLE story_search (story_id BIGINT PRIMARY KEY, org_id BIGINT NOT NULL, "
           "document TSVECTOR NOT NULL, FOREIGN KEY (org_id, story_id) REFERENCES stories "
           "(org_id, id));\n"
           "CREATE INDEX story_search_document ON story_search USING GIN (document);";
  }
  Result<void> IndexStory(OrgId org, StoryId story, std::string_view title, std::string_view text,
                          std::string_view learning) override {
    std::string document;
    document.reserve(title.size() + text.size() + learning.size() + 2);
    document.append(title).append("\n").append(text).append("\n").append(learning);
    const Param params[] = {story.value, org.value, std::string_view(document)};
    auto r =
        Run("INSERT INTO story_search (story_id, org_id, document) VALUES ($1, $2, "
            "to_tsvector('english', CAST($3 AS TEXT))) ON CONFLICT (story_id) DO UPDATE SET "
            "org_id = excluded.org_id, document = excluded.document",
            params);
    if (!r) return tl::unexpected(r.error());
    return {};
  }
  Result<void> UnindexStory(OrgId org, StoryId story) override {
    const Param params[] = {org.value, story.value};
    auto r = Run("DELETE FROM story_search WHERE org_id = $1 AND story_id = $2", params);
    if (!r) return tl::unexpected(r.error());
    return {};
  }
  // Every word a quoted operand with a prefix mark ('word':*), all of them ANDed, so nothing
  // in a word is read as an operator; a word the parser splits further becomes a phrase.
  std::string StorySearchQuery(std::span<const std::string> words) const override {
    std::string out;
    for (const std::string& word : words) {
      if (!out.empty()) out += " & ";
      out += '\'';
      for (char c : word) {
        if (c == '\'' || c == '\\') out += c;
        out += c;
      }
      out += "':*";
    }
    return out;
  }
  std::string StorySearchCondition(std::string_view placeholder) const override {
    return "s.id IN (SELECT story_id FROM story_search WHERE document @@ "
           "to_tsquery('english', CAST(" +
           std::string(placeholder) + " AS TEXT)))";
  }

  std::string_view IdColumnType() const override {
    return "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY";
  }

  Result<void> InsertObservationRows(OrgId org, const Actor& actor, int64_t now,
                                     std::span<const ObservationRow> rows) override {
    if (auto r = RunScript(kBatchTable); !r) return r;
    {
      auto copy = pg::CopyWriter::Start(
          conn_,
          "COPY everyseat_observations_in (seq, measure_id, period, period_start, value, "
          "denominator) FROM STDIN");
      if (!copy) return tl::unexpected(copy.error());
      for (size_t i = 0; i < rows.size(); ++i) {
        const ObservationRow& row = rows[i];
        copy->Int(static_cast<int64_t>(i));
        copy->Int(row.measure);
        copy->Text(row.period);
        copy->Int(row.period_start);
        copy->Double(row.value);
        if (row.denominator) {
          copy->Double(*row.denominator);
        } else {
          copy->Null();
        }
        if (auto r = copy->EndRow(); !r) return r;
      }
      if (auto r = copy->Finish(); !r) return r;
    }
    // Name the first row whose period has a value already.
    auto clash = Run(
        "SELECT i.seq, i.period, i.measure_id FROM everyseat_observations_in i "
        "JOIN observations o ON o.measure_id = i.measure_id AND o.period_start = i.period_start "
        "AND o.superseded = 0 ORDER BY i.seq LIMIT 1",
        {});
    if (!clash) return tl::unexpected(clash.error());
    if (!clash->empty()) {
      return Fail(StoreErrorCode::kConflict,
                  "row " + std::to_string(clash->Int(0, 0) + 1) + ": period " + clash->Text(0, 1) +
                      " of measure " + clash->Text(0, 2) +
                      " has a value already; correct it instead",
                  "period");
    }
    const std::string_view label = actor.label;
    const Param params[] = {
        org.value, actor.person ? Param(actor.person->value) : Param(std::monostate{}), label, now};
    auto r = Run(
        "INSERT INTO observations (org_id, measure_id, period, period_start, value, denominator, "
        "version, superseded, entered_by_person, entered_by_label, entered_at) "
        "SELECT CAST($1 AS BIGINT), measure_id, period, period_start, value, denominator, 1, 0, "
        "CAST($2 AS BIGINT), CAST($3 AS TEXT), CAST($4 AS BIGINT) "
        "FROM everyseat_observations_in ORDER BY seq",
        params);
    if (!r) return tl::unexpected(r.error());
    return {};
  }

 private:
  pg::Connection conn_;
};

}  // namespace

Result<std::unique_ptr<Store>> OpenPostgres(const std::string& conninfo,
                                            const StoreOptions& options) {
  return PostgresStore::Open(conninfo, options);
}

}  // namespace everyseat::store::detail
