// The write-ahead-log batching VFS (wal_vfs.h). The method tables forward to the wrapped VFS's
// file, which lives in the same allocation right after ours (SQLite allocates szOsFile bytes per
// file: our part and then the wrapped VFS's).
#include "wal_vfs.h"

#include <algorithm>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <new>
#include <type_traits>
#include <vector>

namespace everyseat::store::detail {
namespace {

constexpr int kFrameHeaderBytes = 24;  // https://www.sqlite.org/fileformat2.html#walformat
// The most bytes held: the unix VFS writes at most 128 KiB - 1 bytes in one call (os_unix.c,
// seekAndWriteFd), so a longer run is written before it would pass that.
constexpr size_t kMostHeld = 0x1ffff;

struct LogFile;

struct DatabaseFile {
  sqlite3_file file;       // first: SQLite sees a sqlite3_file
  sqlite3_file* real;      // the wrapped VFS's file
  LogFile* log = nullptr;  // this connection's log, while it is open
};

struct LogFile {
  sqlite3_file file;
  sqlite3_file* real;
  DatabaseFile* database = nullptr;  // its connection's database file, when that is ours
  std::vector<unsigned char> held;   // contiguous bytes not yet written, from held_at
  sqlite3_int64 held_at = 0;
  bool commit_header = false;  // the last write was the header of a commit frame
};

constexpr size_t kOurBytes =
    (std::max(sizeof(DatabaseFile), sizeof(LogFile)) + alignof(std::max_align_t) - 1) /
    alignof(std::max_align_t) * alignof(std::max_align_t);

sqlite3_vfs* Base(sqlite3_vfs* vfs) { return static_cast<sqlite3_vfs*>(vfs->pAppData); }
LogFile* AsLog(sqlite3_file* f) { return reinterpret_cast<LogFile*>(f); }
DatabaseFile* AsDatabase(sqlite3_file* f) { return reinterpret_cast<DatabaseFile*>(f); }

// Writes what the log holds. The bytes are dropped either way: after a failed write SQLite
// abandons the transaction they belong to.
int Flush(LogFile* log) {
  if (log->held.empty()) return SQLITE_OK;
  const int rc = log->real->pMethods->xWrite(log->real, log->held.data(),
                                             static_cast<int>(log->held.size()), log->held_at);
  log->held.clear();
  log->commit_header = false;
  return rc;
}

// --- the calls of both kinds of file, forwarded to the wrapped file ---

template <typename File>
sqlite3_file* Real(sqlite3_file* f) {
  return reinterpret_cast<File*>(f)->real;
}

// Before a call that reads, sizes, syncs, truncates or controls the file: a log writes what it
// holds first; a database file has nothing held.
template <typename File>
int Ready(sqlite3_file* f) {
  if constexpr (std::is_same_v<File, LogFile>) return Flush(AsLog(f));
  return SQLITE_OK;
}

template <typename File>
int Read(sqlite3_file* f, void* data, int amount, sqlite3_int64 offset) {
  if (const int rc = Ready<File>(f); rc != SQLITE_OK) return rc;
  sqlite3_file* r = Real<File>(f);
  return r->pMethods->xRead(r, data, amount, offset);
}
template <typename File>
int Truncate(sqlite3_file* f, sqlite3_int64 size) {
  if (const int rc = Ready<File>(f); rc != SQLITE_OK) return rc;
  sqlite3_file* r = Real<File>(f);
  return r->pMethods->xTruncate(r, size);
}
template <typename File>
int Sync(sqlite3_file* f, int flags) {
  if (const int rc = Ready<File>(f); rc != SQLITE_OK) return rc;
  sqlite3_file* r = Real<File>(f);
  return r->pMethods->xSync(r, flags);
}
template <typename File>
int FileSize(sqlite3_file* f, sqlite3_int64* size) {
  if (const int rc = Ready<File>(f); rc != SQLITE_OK) return rc;
  sqlite3_file* r = Real<File>(f);
  return r->pMethods->xFileSize(r, size);
}
template <typename File>
int FileControl(sqlite3_file* f, int op, void* arg) {
  if (const int rc = Ready<File>(f); rc != SQLITE_OK) return rc;
  sqlite3_file* r = Real<File>(f);
  return r->pMethods->xFileControl(r, op, arg);
}
template <typename File>
int Fetch(sqlite3_file* f, sqlite3_int64 offset, int amount, void** pages) {
  *pages = nullptr;
  if (const int rc = Ready<File>(f); rc != SQLITE_OK) return rc;
  sqlite3_file* r = Real<File>(f);
  if (r->pMethods->iVersion < 3) return SQLITE_OK;  // no memory mapping: SQLite reads
  return r->pMethods->xFetch(r, offset, amount, pages);
}
template <typename File>
int Lock(sqlite3_file* f, int level) {
  sqlite3_file* r = Real<File>(f);
  return r->pMethods->xLock(r, level);
}
template <typename File>
int Unlock(sqlite3_file* f, int level) {
  sqlite3_file* r = Real<File>(f);
  return r->pMethods->xUnlock(r, level);
}
template <typename File>
int CheckReservedLock(sqlite3_file* f, int* out) {
  sqlite3_file* r = Real<File>(f);
  return r->pMethods->xCheckReservedLock(r, out);
}
template <typename File>
int SectorSize(sqlite3_file* f) {
  sqlite3_file* r = Real<File>(f);
  return r->pMethods->xSectorSize(r);
}
template <typename File>
int DeviceCharacteristics(sqlite3_file* f) {
  sqlite3_file* r = Real<File>(f);
  return r->pMethods->xDeviceCharacteristics(r);
}
template <typename File>
int ShmMap(sqlite3_file* f, int region, int size, int extend, void volatile** out) {
  sqlite3_file* r = Real<File>(f);
  if (r->pMethods->iVersion < 2) return SQLITE_IOERR_SHMMAP;
  return r->pMethods->xShmMap(r, region, size, extend, out);
}
template <typename File>
int ShmLock(sqlite3_file* f, int offset, int n, int flags) {
  sqlite3_file* r = Real<File>(f);
  if (r->pMethods->iVersion < 2) return SQLITE_IOERR_SHMLOCK;
  return r->pMethods->xShmLock(r, offset, n, flags);
}
template <typename File>
int ShmUnmap(sqlite3_file* f, int remove) {
  sqlite3_file* r = Real<File>(f);
  if (r->pMethods->iVersion < 2) return SQLITE_OK;
  return r->pMethods->xShmUnmap(r, remove);
}
template <typename File>
int Unfetch(sqlite3_file* f, sqlite3_int64 offset, void* page) {
  sqlite3_file* r = Real<File>(f);
  if (r->pMethods->iVersion < 3) return SQLITE_OK;
  return r->pMethods->xUnfetch(r, offset, page);
}

// --- the log file: its writes held while contiguous ---

int LogClose(sqlite3_file* f) {
  LogFile* log = AsLog(f);
  const int flushed = Flush(log);
  const int closed = log->real->pMethods->xClose(log->real);
  if (log->database != nullptr) log->database->log = nullptr;
  log->~LogFile();
  return flushed != SQLITE_OK ? flushed : closed;
}

int LogWrite(sqlite3_file* f, const void* data, int amount, sqlite3_int64 offset) {
  LogFile* log = AsLog(f);
  const bool contiguous = offset == log->held_at + static_cast<sqlite3_int64>(log->held.size()) &&
                          log->held.size() + static_cast<size_t>(amount) <= kMostHeld;
  if (!log->held.empty() && !contiguous) {
    if (const int rc = Flush(log); rc != SQLITE_OK) return rc;
  }
  if (log->held.empty()) log->held_at = offset;
  const auto* bytes = static_cast<const unsigned char*>(data);
  log->held.insert(log->held.end(), bytes, bytes + amount);
  // A frame header's bytes 4-7 are the database's size in pages after a commit, zero otherwise.
  const bool ends_commit = log->commit_header && amount != kFrameHeaderBytes;
  log->commit_header =
      amount == kFrameHeaderBytes && (bytes[4] | bytes[5] | bytes[6] | bytes[7]) != 0;
  if (ends_commit) return Flush(log);
  return SQLITE_OK;
}

void LogShmBarrier(sqlite3_file* f) {
  sqlite3_file* r = Real<LogFile>(f);
  if (r->pMethods->iVersion >= 2) r->pMethods->xShmBarrier(r);
}

// --- the database file: its barrier writes what its log holds ---

int DatabaseClose(sqlite3_file* f) {
  DatabaseFile* db = AsDatabase(f);
  if (db->log != nullptr) db->log->database = nullptr;
  const int rc = db->real->pMethods->xClose(db->real);
  db->~DatabaseFile();
  return rc;
}
int DatabaseWrite(sqlite3_file* f, const void* data, int amount, sqlite3_int64 offset) {
  sqlite3_file* r = Real<DatabaseFile>(f);
  return r->pMethods->xWrite(r, data, amount, offset);
}

// SQLite calls this between writing the two copies of the log index's header, that is, before
// new frames can be seen by anyone else (wal.c, walIndexWriteHdr). The commit frame has already
// written them; if it somehow had not, and they cannot be written now, going on would publish
// frames that are not in the file, so the process stops instead (the log is then recovered up
// to its last whole commit when the database is next opened).
void DatabaseShmBarrier(sqlite3_file* f) {
  DatabaseFile* db = AsDatabase(f);
  if (db->log != nullptr && Flush(db->log) != SQLITE_OK) {
    std::fputs("everyseat: cannot write SQLite's write-ahead log before publishing it\n", stderr);
    std::abort();
  }
  if (db->real->pMethods->iVersion >= 2) db->real->pMethods->xShmBarrier(db->real);
}

const sqlite3_io_methods kLogMethods = {
    3,
    LogClose,
    Read<LogFile>,
    LogWrite,
    Truncate<LogFile>,
    Sync<LogFile>,
    FileSize<LogFile>,
    Lock<LogFile>,
    Unlock<LogFile>,
    CheckReservedLock<LogFile>,
    FileControl<LogFile>,
    SectorSize<LogFile>,
    DeviceCharacteristics<LogFile>,
    ShmMap<LogFile>,
    ShmLock<LogFile>,
    LogShmBarrier,
    ShmUnmap<LogFile>,
    Fetch<LogFile>,
    Unfetch<LogFile>,
};

const sqlite3_io_methods kDatabaseMethods = {
    3,
    DatabaseClose,
    Read<DatabaseFile>,
    DatabaseWrite,
    Truncate<DatabaseFile>,
    Sync<DatabaseFile>,
    FileSize<DatabaseFile>,
    Lock<DatabaseFile>,
    Unlock<DatabaseFile>,
    CheckReservedLock<DatabaseFile>,
    FileControl<DatabaseFile>,
    SectorSize<DatabaseFile>,
    DeviceCharacteristics<DatabaseFile>,
    ShmMap<DatabaseFile>,
    ShmLock<DatabaseFile>,
    DatabaseShmBarrier,
    ShmUnmap<DatabaseFile>,
    Fetch<DatabaseFile>,
    Unfetch<DatabaseFile>,
};

// --- the VFS ---

int Open(sqlite3_vfs* vfs, const char* name, sqlite3_file* file, int flags, int* out_flags) {
  sqlite3_vfs* base = Base(vfs);
  const bool database = (flags & SQLITE_OPEN_MAIN_DB) != 0;
  const bool log = (flags & SQLITE_OPEN_WAL) != 0;
  if (!database && !log) return base->xOpen(base, name, file, flags, out_flags);

  auto* real = reinterpret_cast<sqlite3_file*>(reinterpret_cast<char*>(file) + kOurBytes);
  real->pMethods = nullptr;
  const int rc = base->xOpen(base, name, real, flags, out_flags);
  if (rc != SQLITE_OK) {
    if (real->pMethods != nullptr) real->pMethods->xClose(real);
    file->pMethods = nullptr;
    return rc;
  }
  if (database) {
    auto* db = new (file) DatabaseFile{};
    db->file.pMethods = &kDatabaseMethods;
    db->real = real;
    return SQLITE_OK;
  }
  auto* wal = new (file) LogFile{};
  wal->file.pMethods = &kLogMethods;
  wal->real = real;
  // The log's connection has its database open through this VFS already.
  sqlite3_file* owner = name != nullptr ? sqlite3_database_file_object(name) : nullptr;
  if (owner != nullptr && owner->pMethods == &kDatabaseMethods) {
    wal->database = AsDatabase(owner);
    wal->database->log = wal;
  }
  return SQLITE_OK;
}

int Delete(sqlite3_vfs* vfs, const char* name, int sync_dir) {
  return Base(vfs)->xDelete(Base(vfs), name, sync_dir);
}
int Access(sqlite3_vfs* vfs, const char* name, int flags, int* out) {
  return Base(vfs)->xAccess(Base(vfs), name, flags, out);
}
int FullPathname(sqlite3_vfs* vfs, const char* name, int size, char* out) {
  return Base(vfs)->xFullPathname(Base(vfs), name, size, out);
}
void* DlOpen(sqlite3_vfs* vfs, const char* name) { return Base(vfs)->xDlOpen(Base(vfs), name); }
void DlError(sqlite3_vfs* vfs, int size, char* out) { Base(vfs)->xDlError(Base(vfs), size, out); }
void (*DlSym(sqlite3_vfs* vfs, void* library, const char* symbol))(void) {
  return Base(vfs)->xDlSym(Base(vfs), library, symbol);
}
void DlClose(sqlite3_vfs* vfs, void* library) { Base(vfs)->xDlClose(Base(vfs), library); }
int Randomness(sqlite3_vfs* vfs, int size, char* out) {
  return Base(vfs)->xRandomness(Base(vfs), size, out);
}
int Sleep(sqlite3_vfs* vfs, int microseconds) { return Base(vfs)->xSleep(Base(vfs), microseconds); }
int CurrentTime(sqlite3_vfs* vfs, double* out) { return Base(vfs)->xCurrentTime(Base(vfs), out); }
int GetLastError(sqlite3_vfs* vfs, int size, char* out) {
  return Base(vfs)->xGetLastError(Base(vfs), size, out);
}
int CurrentTimeInt64(sqlite3_vfs* vfs, sqlite3_int64* out) {
  return Base(vfs)->xCurrentTimeInt64(Base(vfs), out);
}
int SetSystemCall(sqlite3_vfs* vfs, const char* name, sqlite3_syscall_ptr call) {
  return Base(vfs)->xSetSystemCall(Base(vfs), name, call);
}
sqlite3_syscall_ptr GetSystemCall(sqlite3_vfs* vfs, const char* name) {
  return Base(vfs)->xGetSystemCall(Base(vfs), name);
}
const char* NextSystemCall(sqlite3_vfs* vfs, const char* name) {
  return Base(vfs)->xNextSystemCall(Base(vfs), name);
}

}  // namespace

int RegisterWalBatchingVfs(const char* name, sqlite3_vfs* base) {
  if (base == nullptr) return SQLITE_ERROR;
  // Registered for the life of the process: SQLite keeps the pointer.
  auto* vfs = new sqlite3_vfs{};
  vfs->iVersion = std::min(base->iVersion, 3);
  vfs->szOsFile = static_cast<int>(kOurBytes) + base->szOsFile;
  vfs->mxPathname = base->mxPathname;
  vfs->zName = name;
  vfs->pAppData = base;
  vfs->xOpen = Open;
  vfs->xDelete = Delete;
  vfs->xAccess = Access;
  vfs->xFullPathname = FullPathname;
  vfs->xDlOpen = base->xDlOpen != nullptr ? DlOpen : nullptr;
  vfs->xDlError = base->xDlError != nullptr ? DlError : nullptr;
  vfs->xDlSym = base->xDlSym != nullptr ? DlSym : nullptr;
  vfs->xDlClose = base->xDlClose != nullptr ? DlClose : nullptr;
  vfs->xRandomness = Randomness;
  vfs->xSleep = Sleep;
  vfs->xCurrentTime = CurrentTime;
  vfs->xGetLastError = GetLastError;
  if (vfs->iVersion >= 2) vfs->xCurrentTimeInt64 = CurrentTimeInt64;
  if (vfs->iVersion >= 3) {
    vfs->xSetSystemCall = SetSystemCall;
    vfs->xGetSystemCall = GetSystemCall;
    vfs->xNextSystemCall = NextSystemCall;
  }
  const int rc = sqlite3_vfs_register(vfs, 0);
  if (rc != SQLITE_OK) delete vfs;
  return rc;
}

const char* WalBatchingVfs() {
  static const char* const name = [] {
    static constexpr char kName[] = "everyseat-wal";
    return RegisterWalBatchingVfs(kName, sqlite3_vfs_find(nullptr)) == SQLITE_OK ? kName : nullptr;
  }();
  return name;
}

}  // namespace everyseat::store::detail
