// TestDatabase and TestEngines (test_database.h).
#include "test_database.h"

#include <libpq-fe.h>
#include <sqlite3.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

namespace everyseat::store::testing {
namespace {

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v != nullptr ? v : "";
}

std::string UniqueSuffix() {
  static std::atomic<int> counter{0};
  std::random_device rd;
  return std::to_string(getpid()) + "_" + std::to_string(counter++) + "_" +
         std::to_string(rd() % 1000000);
}

// Runs `sql` on a fresh libpq connection; first column of each row, or {"ERROR: ..."}.
std::vector<std::string> PgQuery(const std::string& conninfo, const std::string& sql) {
  PGconn* conn = PQconnectdb(conninfo.c_str());
  std::vector<std::string> out;
  if (PQstatus(conn) != CONNECTION_OK) {
    out.push_back(std::string("ERROR: ") + PQerrorMessage(conn));
    PQfinish(conn);
    return out;
  }
  PQsetNoticeProcessor(
      conn, [](void*, const char*) {}, nullptr);
  PGresult* r = PQexec(conn, sql.c_str());
  const ExecStatusType status = PQresultStatus(r);
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    out.push_back(std::string("ERROR: ") + PQresultErrorMessage(r));
  } else if (status == PGRES_TUPLES_OK) {
    for (int i = 0; i < PQntuples(r); ++i) {
      out.emplace_back(PQgetisnull(r, i, 0) ? "" : PQgetvalue(r, i, 0));
    }
  }
  PQclear(r);
  PQfinish(conn);
  return out;
}

}  // namespace

std::vector<std::string> TestEngines() { return {"sqlite", "postgresql"}; }

TestDatabase::TestDatabase(const std::string& engine) : engine_(engine) {
  if (engine == "sqlite") {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "everyseat-store-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) {
      error_ = "cannot make a temporary directory";
      return;
    }
    dir_ = pattern;
    path_ = dir_ + "/everyseat.db";
    url_ = "sqlite:" + path_;
    return;
  }
  conninfo_ = Env("EVERYSEAT_TEST_POSTGRES");
  if (conninfo_.empty()) {
    skip_ = Env("CI") != "true";
    error_ =
        "EVERYSEAT_TEST_POSTGRES is not set, so the PostgreSQL store cannot be tested; run the "
        "tests under scripts/with-postgres (make test does)";
    if (!skip_) error_ += ". In CI every store test must run";
    return;
  }
  schema_ = "everyseat_test_" + UniqueSuffix();
  auto created = PgQuery(conninfo_, "CREATE SCHEMA " + schema_);
  if (!created.empty()) {
    error_ = "cannot create the test schema: " + created.front();
    return;
  }
  url_ = "postgresql:" + conninfo_ + " options='-c search_path=" + schema_ + "'";
}

TestDatabase::~TestDatabase() {
  if (!dir_.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  if (!schema_.empty()) (void)PgQuery(conninfo_, "DROP SCHEMA " + schema_ + " CASCADE");
}

std::vector<std::string> TestDatabase::Query(const std::string& sql) const {
  if (!schema_.empty()) {
    return PgQuery(conninfo_, "SET search_path = " + schema_ + "; " + sql);
  }
  std::vector<std::string> out;
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path_.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
    out.push_back(std::string("ERROR: ") + sqlite3_errmsg(db));
    sqlite3_close(db);
    return out;
  }
  sqlite3_busy_timeout(db, 5000);
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
    out.push_back(std::string("ERROR: ") + sqlite3_errmsg(db));
    sqlite3_close(db);
    return out;
  }
  int rc = SQLITE_OK;
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
    out.emplace_back(text != nullptr ? text : "");
  }
  if (rc != SQLITE_DONE) out.push_back(std::string("ERROR: ") + sqlite3_errmsg(db));
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return out;
}

}  // namespace everyseat::store::testing
