// The write-ahead-log batching VFS (store/src/sqlite/wal_vfs.h), on real files through SQLite's
// own unix VFS underneath.
//
// The writes that reach the operating system are counted by replacing the unix VFS's `pwrite`
// and `pwrite64` (its xSetSystemCall hook) with counting ones, and those to the log are told
// from the rest by the file a descriptor names in /proc/self/fd.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <random>
#include <string>

#include "sqlite/wal_vfs.h"

namespace everyseat::store::detail {
namespace {

namespace fs = std::filesystem;

constexpr int kPageBytes = 4096;
constexpr int kFrameBytes = 24 + kPageBytes;  // a frame: its header and a page
constexpr int64_t kMostPerWrite = 0x1ffff;    // the unix VFS writes at most this much at once

// --- counting the unix VFS's writes to log files ---

int log_writes = 0;  // the test runs on one thread
sqlite3_syscall_ptr real_pwrite = nullptr;
sqlite3_syscall_ptr real_pwrite64 = nullptr;

bool IsLog(int fd) {
  std::error_code ec;
  const std::string target = fs::read_symlink("/proc/self/fd/" + std::to_string(fd), ec).string();
  return !ec && target.size() > 4 && target.compare(target.size() - 4, 4, "-wal") == 0;
}

ssize_t CountingPwrite(int fd, const void* data, size_t size, off_t offset) {
  if (IsLog(fd)) ++log_writes;
  return reinterpret_cast<ssize_t (*)(int, const void*, size_t, off_t)>(real_pwrite)(fd, data, size,
                                                                                     offset);
}
ssize_t CountingPwrite64(int fd, const void* data, size_t size, off64_t offset) {
  if (IsLog(fd)) ++log_writes;
  return reinterpret_cast<ssize_t (*)(int, const void*, size_t, off64_t)>(real_pwrite64)(
      fd, data, size, offset);
}

// Counts log writes while it lives.
class CountLogWrites {
 public:
  CountLogWrites() : unix_(sqlite3_vfs_find("unix")) {
    real_pwrite = unix_->xGetSystemCall(unix_, "pwrite");
    real_pwrite64 = unix_->xGetSystemCall(unix_, "pwrite64");
    if (real_pwrite != nullptr) {
      unix_->xSetSystemCall(unix_, "pwrite", reinterpret_cast<sqlite3_syscall_ptr>(CountingPwrite));
    }
    if (real_pwrite64 != nullptr) {
      unix_->xSetSystemCall(unix_, "pwrite64",
                            reinterpret_cast<sqlite3_syscall_ptr>(CountingPwrite64));
    }
    log_writes = 0;
  }
  ~CountLogWrites() { unix_->xSetSystemCall(unix_, nullptr, nullptr); }  // restores them all
  CountLogWrites(const CountLogWrites&) = delete;
  CountLogWrites& operator=(const CountLogWrites&) = delete;

 private:
  sqlite3_vfs* unix_;
};

// --- databases ---

const char* BatchingOverUnix() {
  static const char* const name = [] {
    static constexpr char kName[] = "wal-batching-test";
    return RegisterWalBatchingVfs(kName, sqlite3_vfs_find("unix")) == SQLITE_OK ? kName : nullptr;
  }();
  return name;
}

class Database {
 public:
  Database(const fs::path& path, const char* vfs) {
    rc_ = sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, vfs);
  }
  ~Database() { sqlite3_close_v2(db_); }
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  [[nodiscard]] int open_rc() const { return rc_; }
  // Runs `sql`; "" or SQLite's message.
  std::string Exec(const std::string& sql) {
    char* message = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &message) == SQLITE_OK) return "";
    std::string why = message != nullptr ? message : "error";
    sqlite3_free(message);
    return why;
  }
  // The first column of the first row, as text ("" without one).
  std::string One(const std::string& sql) {
    sqlite3_stmt* stmt = nullptr;
    std::string out = "ERROR";
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK) {
      const int rc = sqlite3_step(stmt);
      if (rc == SQLITE_ROW) {
        const auto* text = sqlite3_column_text(stmt, 0);
        out = text != nullptr ? reinterpret_cast<const char*>(text) : "";
      } else if (rc == SQLITE_DONE) {
        out = "";
      }
    }
    sqlite3_finalize(stmt);
    return out;
  }

 private:
  sqlite3* db_ = nullptr;
  int rc_ = SQLITE_ERROR;
};

class WalVfsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NE(BatchingOverUnix(), nullptr);
    dir_ = fs::temp_directory_path() /
           ("everyseat-wal-vfs-" + std::to_string(getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // A database in WAL mode with a table of three indexes, whose rows land on scattered pages.
  static void Prepare(Database& db) {
    ASSERT_EQ(db.open_rc(), SQLITE_OK);
    ASSERT_EQ(db.One("PRAGMA page_size = " + std::to_string(kPageBytes)), "");
    ASSERT_EQ(db.One("PRAGMA journal_mode = WAL"), "wal");
    ASSERT_EQ(db.Exec("PRAGMA synchronous = NORMAL; PRAGMA wal_autocheckpoint = 0;"
                      "CREATE TABLE t (a INTEGER, b TEXT, c REAL);"
                      "CREATE INDEX t_a ON t (a); CREATE INDEX t_b ON t (b);"
                      "CREATE INDEX t_c ON t (c);"),
              "");
  }
  // Inserts `rows` rows of random keys in one transaction (or none: `commit` false rolls back).
  static void Insert(Database& db, int rows, std::mt19937_64& random, bool commit = true) {
    std::string sql = "BEGIN;";
    for (int i = 0; i < rows; ++i) {
      const uint64_t key = random();
      sql += "INSERT INTO t VALUES (" + std::to_string(static_cast<int64_t>(key >> 1)) + ", '" +
             std::to_string(key % 1000003) + std::string(60, 'x') + "', " +
             std::to_string(static_cast<double>(key % 99991) / 7.0) + ");";
    }
    sql += commit ? "COMMIT;" : "ROLLBACK;";
    ASSERT_EQ(db.Exec(sql), "");
  }

  fs::path dir_;
};

TEST_F(WalVfsTest, ACommitsFramesReachTheLogInAsFewWritesAsTheyFit) {
  std::mt19937_64 random(7);
  Database batched(dir_ / "batched.db", BatchingOverUnix());
  Database plain(dir_ / "plain.db", "unix");
  Prepare(batched);
  Prepare(plain);
  // From a frame or two to hundreds.
  for (const int rows : {1, 10, 100, 1000, 3000}) {
    std::mt19937_64 next;
    for (auto* db : {&batched, &plain}) {
      const fs::path log = (db == &batched ? dir_ / "batched.db-wal" : dir_ / "plain.db-wal");
      const auto before = static_cast<int64_t>(fs::file_size(log));
      std::mt19937_64 same = random;  // the same rows in both
      int writes = 0;
      {
        CountLogWrites count;
        Insert(*db, rows, same);
        writes = log_writes;
      }
      next = same;
      const int64_t grown = static_cast<int64_t>(fs::file_size(log)) - before;
      ASSERT_GT(grown, 0);
      ASSERT_EQ(grown % kFrameBytes, 0) << "the log grows by whole frames";
      const int64_t frames = grown / kFrameBytes;
      if (db == &plain) {
        EXPECT_EQ(writes, 2 * frames) << rows << " rows: SQLite writes a header, then a page";
      } else {
        // Runs of whole frames, each as long as fits in one write.
        const int64_t per_write = kMostPerWrite / kFrameBytes;
        EXPECT_EQ(writes, (frames + per_write - 1) / per_write)
            << rows << " rows, " << frames << " frames";
      }
    }
    random = next;
  }
  EXPECT_EQ(batched.One("SELECT count(*) FROM t"), plain.One("SELECT count(*) FROM t"));
  EXPECT_EQ(batched.One("SELECT sum(a) FROM t"), plain.One("SELECT sum(a) FROM t"));
  EXPECT_EQ(batched.One("PRAGMA integrity_check"), "ok");
}

TEST_F(WalVfsTest, AnotherConnectionSeesEveryCommitAsSoonAsItReturns) {
  std::mt19937_64 random(11);
  Database writer(dir_ / "shared.db", BatchingOverUnix());
  Prepare(writer);
  Database reader(dir_ / "shared.db", BatchingOverUnix());
  ASSERT_EQ(reader.open_rc(), SQLITE_OK);
  int64_t rows = 0;
  for (int i = 0; i < 300; ++i) {
    const int n = 1 + i % 37;
    Insert(writer, n, random);
    rows += n;
    ASSERT_EQ(reader.One("SELECT count(*) FROM t"), std::to_string(rows)) << "commit " << i;
  }
  // And a connection through SQLite's own VFS reads the same file alike.
  Database plain(dir_ / "shared.db", "unix");
  EXPECT_EQ(plain.One("SELECT count(*) FROM t"), std::to_string(rows));
  EXPECT_EQ(plain.One("PRAGMA integrity_check"), "ok");
}

TEST_F(WalVfsTest, ATransactionLargerThanItsCacheReadsBackTheFramesItSpilled) {
  // A cache of 20 pages: the transaction writes pages to the log before it commits (as
  // non-commit frames, held by the VFS) and reads them back from there.
  std::mt19937_64 random(13);
  Database db(dir_ / "spill.db", BatchingOverUnix());
  Prepare(db);
  ASSERT_EQ(db.Exec("PRAGMA cache_size = 20"), "");
  Insert(db, 20000, random);
  EXPECT_EQ(db.One("SELECT count(*) FROM t"), "20000");
  EXPECT_EQ(db.One("PRAGMA integrity_check"), "ok");
  // A spilled transaction rolled back leaves nothing; the next one commits over its frames.
  Insert(db, 20000, random, /*commit=*/false);
  Insert(db, 5, random);
  EXPECT_EQ(db.One("SELECT count(*) FROM t"), "20005");
  EXPECT_EQ(db.One("PRAGMA integrity_check"), "ok");

  Database plain(dir_ / "spill.db", "unix");
  EXPECT_EQ(plain.One("SELECT count(*) FROM t"), "20005");
  EXPECT_EQ(plain.One("PRAGMA integrity_check"), "ok");
}

TEST_F(WalVfsTest, TheLogOfAClosedDatabaseIsWholeForSqlitesOwnVfs) {
  // Written through the batching VFS, checkpointed on close, then reopened without it: the file
  // is an ordinary SQLite database.
  std::mt19937_64 random(17);
  {
    Database db(dir_ / "closed.db", BatchingOverUnix());
    Prepare(db);
    for (int i = 0; i < 50; ++i) Insert(db, 40, random);
    ASSERT_EQ(db.One("PRAGMA wal_checkpoint(TRUNCATE)").empty(), false);
  }
  Database plain(dir_ / "closed.db", "unix");
  EXPECT_EQ(plain.One("SELECT count(*) FROM t"), "2000");
  EXPECT_EQ(plain.One("PRAGMA integrity_check"), "ok");
}

}  // namespace
}  // namespace everyseat::store::detail
