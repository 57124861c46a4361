// A SQLite VFS that writes each transaction's write-ahead-log frames with one system call.
//
// SQLite writes a frame to the log as two writes, its 24-byte header and then the page
// (https://www.sqlite.org/fileformat2.html#walformat), so a commit of n pages is 2n `pwrite`s.
// On a virtual machine every system call is a trip to the hypervisor, and under a steady stream
// of small commits these writes were most of the writer thread's time. This VFS wraps another
// (SQLite's default) and holds a log's writes while they are contiguous, then writes them at
// once:
//   - when the page of a commit frame (a header with a non-zero database size) is written;
//   - before any other call on the log file (a read of a frame it wrote, its size, a sync, a
//     truncation, closing it), or when the next write would make it more than the 128 KiB the
//     wrapped VFS writes in one call;
//   - at the database file's shared-memory barrier, which SQLite calls before it publishes new
//     frames to other connections in the log's index: a safety net, as the commit frame has
//     already flushed them.
// So a commit has reached the operating system when it returns, as without this VFS, and no
// other connection can see a frame that is not in the file. Files other than a main database
// and its log are the wrapped VFS's own.
// Thread-safety: a file is used by one connection, as SQLite requires; registration is once.
#pragma once

#include <sqlite3.h>

namespace everyseat::store::detail {

// The name of the VFS over SQLite's default, registered (not as the default) on first call.
[[nodiscard]] const char* WalBatchingVfs();

// Registers a VFS named `name` over `base`, not as the default (for tests, which put a counting
// VFS underneath). Returns SQLITE_OK or SQLite's error code. `name` must outlive the process.
int RegisterWalBatchingVfs(const char* name, sqlite3_vfs* base);

}  // namespace everyseat::store::detail
