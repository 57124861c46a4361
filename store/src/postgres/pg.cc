// The libpq wrapper (pg.h). Thread-safety: see pg.h.
#include "pg.h"

#include <charconv>
#include <string>
#include <utility>

namespace everyseat::store::pg {
namespace {

tl::unexpected<StoreError> Fail(StoreErrorCode code, std::string message) {
  return tl::unexpected<StoreError>(StoreError{code, std::move(message), {}});
}

std::string Trimmed(const char* text) {
  std::string s = text != nullptr ? text : "";
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

StoreErrorCode CodeOfState(std::string_view state) {
  if (state == "23505") return StoreErrorCode::kConflict;
  if (state.rfind("23", 0) == 0) return StoreErrorCode::kInvalid;
  if (state.rfind("08", 0) == 0 || state == "40001" || state == "40P01" ||
      state.rfind("57P0", 0) == 0 || state == "53300") {
    return StoreErrorCode::kUnavailable;
  }
  return StoreErrorCode::kInternal;
}

void IgnoreNotice(void* /*arg*/, const char* /*message*/) {}

}  // namespace

Result<Connection> Connection::Open(const std::string& conninfo) {
  Connection conn(PQconnectdb(conninfo.c_str()));
  if (conn.get() == nullptr) {
    return Fail(StoreErrorCode::kUnavailable, "PostgreSQL: out of memory while connecting");
  }
  if (PQstatus(conn.get()) != CONNECTION_OK) {
    return Fail(StoreErrorCode::kUnavailable,
                "cannot connect to PostgreSQL: " + Trimmed(PQerrorMessage(conn.get())));
  }
  // Notices ("relation already exists, skipping", ...) are not errors; keep them off stderr.
  PQsetNoticeProcessor(conn.get(), IgnoreNotice, nullptr);
  return conn;
}

StoreError Connection::Error(const PGresult* r) const {
  if (PQstatus(conn_.get()) == CONNECTION_BAD) {
    return StoreError{StoreErrorCode::kUnavailable,
                      "PostgreSQL connection lost: " + Trimmed(PQerrorMessage(conn_.get())),
                      {}};
  }
  if (r == nullptr) {
    return StoreError{
        StoreErrorCode::kInternal, "PostgreSQL: " + Trimmed(PQerrorMessage(conn_.get())), {}};
  }
  const char* state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
  const char* primary = PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY);
  std::string message = "PostgreSQL: ";
  message += primary != nullptr ? Trimmed(primary) : Trimmed(PQresultErrorMessage(r));
  return StoreError{CodeOfState(state != nullptr ? state : ""), std::move(message), {}};
}

Result<ResultPtr> Connection::Check(PGresult* raw) const {
  ResultPtr r(raw);
  const ExecStatusType status = r ? PQresultStatus(r.get()) : PGRES_FATAL_ERROR;
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return r;
  return tl::unexpected(Error(r.get()));
}

Result<ResultPtr> Connection::Exec(std::string_view sql) {
  const std::string text(sql);
  return Check(PQexec(conn_.get(), text.c_str()));
}

Result<ResultPtr> Connection::ExecPrepared(std::string_view sql,
                                           std::span<const char* const> values) {
  std::string key(sql);
  auto it = prepared_.find(key);
  if (it == prepared_.end()) {
    std::string name = "everyseat_" + std::to_string(prepared_.size() + 1);
    auto prepared = Check(PQprepare(conn_.get(), name.c_str(), key.c_str(), 0, nullptr));
    if (!prepared) return tl::unexpected(prepared.error());
    it = prepared_.emplace(std::move(key), std::move(name)).first;
  }
  return Check(PQexecPrepared(conn_.get(), it->second.c_str(), static_cast<int>(values.size()),
                              values.data(), nullptr, nullptr, 0));
}

// --- CopyWriter.

Result<CopyWriter> CopyWriter::Start(Connection& conn, std::string_view copy_statement) {
  const std::string text(copy_statement);
  ResultPtr r(PQexec(conn.get(), text.c_str()));
  if (!r || PQresultStatus(r.get()) != PGRES_COPY_IN) return tl::unexpected(conn.Error(r.get()));
  CopyWriter writer(&conn);
  writer.buffer_.reserve(kChunk + 4096);
  return writer;
}

CopyWriter::CopyWriter(CopyWriter&& other) noexcept
    : conn_(std::exchange(other.conn_, nullptr)),
      buffer_(std::move(other.buffer_)),
      row_open_(other.row_open_) {}

CopyWriter::~CopyWriter() { Abort(); }

void CopyWriter::Separate() {
  if (row_open_) buffer_ += '\t';
  row_open_ = true;
}

void CopyWriter::Int(int64_t v) {
  Separate();
  char buf[24];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  buffer_.append(buf, r.ptr);
}

void CopyWriter::Double(double v) {
  Separate();
  char buf[32];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  buffer_.append(buf, r.ptr);
}

void CopyWriter::Text(std::string_view v) {
  Separate();
  for (char c : v) {
    switch (c) {
      case '\\':
        buffer_ += "\\\\";
        break;
      case '\t':
        buffer_ += "\\t";
        break;
      case '\n':
        buffer_ += "\\n";
        break;
      case '\r':
        buffer_ += "\\r";
        break;
      default:
        buffer_ += c;
    }
  }
}

void CopyWriter::Null() {
  Separate();
  buffer_ += "\\N";
}

Result<void> CopyWriter::EndRow() {
  buffer_ += '\n';
  row_open_ = false;
  if (buffer_.size() >= kChunk) return Flush();
  return {};
}

Result<void> CopyWriter::Flush() {
  if (buffer_.empty()) return {};
  if (PQputCopyData(conn_->get(), buffer_.data(), static_cast<int>(buffer_.size())) != 1) {
    return tl::unexpected(conn_->Error(nullptr));
  }
  buffer_.clear();
  return {};
}

Result<void> CopyWriter::Finish() {
  if (conn_ == nullptr) return Fail(StoreErrorCode::kInternal, "the COPY is over already");
  if (auto r = Flush(); !r) {
    Abort();
    return r;
  }
  Connection* conn = std::exchange(conn_, nullptr);
  if (PQputCopyEnd(conn->get(), nullptr) != 1) return tl::unexpected(conn->Error(nullptr));
  Result<void> verdict;
  while (PGresult* raw = PQgetResult(conn->get())) {
    ResultPtr r(raw);
    if (PQresultStatus(r.get()) != PGRES_COMMAND_OK && verdict) {
      verdict = tl::unexpected(conn->Error(r.get()));
    }
  }
  return verdict;
}

void CopyWriter::Abort() {
  if (conn_ == nullptr) return;
  Connection* conn = std::exchange(conn_, nullptr);
  PQputCopyEnd(conn->get(), "aborted by everyseat");
  while (PGresult* raw = PQgetResult(conn->get())) PQclear(raw);
}

}  // namespace everyseat::store::pg
