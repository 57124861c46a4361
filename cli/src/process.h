// The process itself: remembering how it was started, and starting it again with transparent
// huge pages for a large input.
//
// Why: on the project's machines (virtual, two cores) the main cost of analysing a large file is
// fresh memory, not arithmetic: every 4 KiB page touched for the first time is a page fault of
// some 20-30 us, and a million-row input touches hundreds of megabytes (its text, the table, the
// rows, the engine's subgroups and points). Transparent huge pages (2 MiB) cut the faults 512
// times. The kernel gives them to memory that asks for them (THP mode "madvise", the Debian
// default), and glibc's malloc asks when its tunable glibc.malloc.hugetlb=1 is set; glibc reads
// tunables only at start-up, so a command about to read a large file executes itself again,
// once, with the tunable added. Measured on the 1,000,000-row benchmark of spc.md section 9:
// page faults 83,000 -> 5,600.
// Thread-safety: call from main's thread before any other thread starts.
#pragma once

#include <cstdint>

namespace everyseat::cli {

// Called first thing in main.
void RememberArguments(int argc, char** argv);

// Executes this program again with the same arguments and glibc.malloc.hugetlb=1 added to
// GLIBC_TUNABLES, unless the tunable is set already (by a previous start, or by the user: set
// glibc.malloc.hugetlb=0 to keep ordinary pages). Returns only when that is not done or fails,
// and then the command simply goes on with ordinary pages.
void RestartWithHugePages();

// The size from which an input is large enough for RestartWithHugePages to pay for itself
// (a new start costs a few milliseconds).
inline constexpr int64_t kHugePagesFrom = int64_t{8} << 20;  // bytes

}  // namespace everyseat::cli
