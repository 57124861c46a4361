// A small RAII wrapper over libpq: a connection that prepares each statement once, results that
// free themselves, and a COPY ... FROM STDIN writer that ends or aborts the copy however it is
// left. Errors become StoreError values by SQLSTATE (23505 unique -> kConflict, 23xxx other
// integrity -> kInvalid, 08xxx connection, 40001/40P01 serialisation or deadlock, 57P0x shutdown
// -> kUnavailable). Transactions are opened and closed by the shared SQL code (sql_store.h)
// through Exec, with savepoints for nesting.
// Thread-safety: a Connection is used by one thread at a time.
#pragma once

#include <libpq-fe.h>

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>

#include "everyseat/store/store.h"

// The SQL expression naming the LISTEN/NOTIFY channel of events between server nodes: one per
// database and schema ("everyseat_" and 20 hex digits of an MD5 of both names), so deployments
// that share a PostgreSQL server in different databases or schemas never hear each other.
#define ES_EVENTS_CHANNEL \
  "('everyseat_' || substr(md5(current_database() || '.' || current_schema()), 1, 20))"

namespace everyseat::store::pg {

struct ClearResult {
  void operator()(PGresult* r) const { PQclear(r); }
};
using ResultPtr = std::unique_ptr<PGresult, ClearResult>;

class Connection {
 public:
  // Connects (blocking) with a libpq URI or key=value conninfo. kUnavailable when it cannot.
  [[nodiscard]] static Result<Connection> Open(const std::string& conninfo);

  // Statements without parameters, possibly several, by the simple query protocol.
  [[nodiscard]] Result<ResultPtr> Exec(std::string_view sql);
  // One statement with text parameters (nullptr = NULL). The statement is prepared on its first
  // use on this connection and reused by its text afterwards.
  [[nodiscard]] Result<ResultPtr> ExecPrepared(std::string_view sql,
                                               std::span<const char* const> values);

  [[nodiscard]] PGconn* get() const { return conn_.get(); }
  // The error of a failed command: its SQLSTATE decides the code. `r` may be null.
  [[nodiscard]] StoreError Error(const PGresult* r) const;

 private:
  struct Finish {
    void operator()(PGconn* c) const { PQfinish(c); }
  };
  explicit Connection(PGconn* conn) : conn_(conn) {}
  [[nodiscard]] Result<ResultPtr> Check(PGresult* raw) const;

  std::unique_ptr<PGconn, Finish> conn_;
  std::unordered_map<std::string, std::string> prepared_;  // SQL text -> statement name
};

// Streams rows into COPY ... FROM STDIN (text format) in chunks of about 1 MiB. A writer left
// without Finish aborts the copy, which makes the surrounding command fail.
class CopyWriter {
 public:
  // Sends `copy_statement` ("COPY t (a, b) FROM STDIN") and expects the server to wait for data.
  [[nodiscard]] static Result<CopyWriter> Start(Connection& conn, std::string_view copy_statement);
  CopyWriter(CopyWriter&& other) noexcept;
  CopyWriter& operator=(CopyWriter&&) = delete;
  CopyWriter(const CopyWriter&) = delete;
  CopyWriter& operator=(const CopyWriter&) = delete;
  ~CopyWriter();

  // Fields of the current row, in column order.
  void Int(int64_t v);
  void Double(double v);
  void Text(std::string_view v);
  void Null();
  [[nodiscard]] Result<void> EndRow();
  // Sends what is left and ends the copy; the server's verdict on the rows comes back here.
  [[nodiscard]] Result<void> Finish();

 private:
  explicit CopyWriter(Connection* conn) : conn_(conn) {}
  void Separate();
  [[nodiscard]] Result<void> Flush();
  void Abort();

  static constexpr size_t kChunk = 1 << 20;
  Connection* conn_;
  std::string buffer_;
  bool row_open_ = false;
};

}  // namespace everyseat::store::pg
