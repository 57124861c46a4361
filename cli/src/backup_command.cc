// everyseat backup: a consistent copy of the whole database, taken while the server keeps
// serving (Store::Backup: SQLite's online backup, or one REPEATABLE READ snapshot of PostgreSQL),
// written as a new SQLite file that `everyseat serve --db sqlite:PATH` can serve.
// Prints "backed up N rows from M tables to PATH".
//
// Errors: exit status 2 and one line, "everyseat backup: reason"; PATH is never overwritten.
// Thread-safety: owns the process while it runs.
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "admin.h"
#include "args.h"
#include "commands.h"
#include "files.h"

namespace everyseat::cli {
namespace {

constexpr std::string_view kCommand = "backup";

constexpr std::string_view kUsage =
    "usage: everyseat backup --db URL --to PATH\n"
    "\n"
    "Copies every table of the database, consistently and while others keep writing, into a new\n"
    "SQLite file at PATH (which must not exist). `everyseat serve --db sqlite:PATH` can serve it.\n"
    "--db is sqlite:PATH, postgresql://USER@HOST/DB or postgresql:CONNINFO.\n"
    "Exit status: 0 success, 2 error.\n";

// clang-format off
const FlagSet kFlags{
    {"db", "to"},
    {"help"},
};
// clang-format on

}  // namespace

int RunBackup(std::span<const std::string_view> args) {
  if (HasFlag(args, "--help")) {
    std::fwrite(kUsage.data(), 1, kUsage.size(), stdout);
    return 0;
  }
  auto flags = ScanFlags(args, kFlags);
  if (!flags) return Refuse(kCommand, flags.error());
  std::string db;
  std::string to;
  for (const Flag& flag : *flags) {
    if (flag.value.empty())
      return Refuse(kCommand, "--" + std::string(flag.name) + " needs a value");
    (flag.name == "db" ? db : to) = flag.value;
  }
  if (db.empty()) return Refuse(kCommand, "--db is required");
  if (to.empty()) return Refuse(kCommand, "--to is required");
  if (Exists(to))
    return Refuse(kCommand, "'" + to + "' exists already; a backup never replaces a file");
  auto store = OpenDatabase(db);
  if (!store) return Refuse(kCommand, store.error());
  auto backup = (*store)->Backup(to);
  if (!backup) return Refuse(kCommand, Describe(backup.error()));
  // Always "rows" and "tables", as the contract spells them, so scripts can match the line.
  std::printf("backed up %lld rows from %lld tables to %s\n", static_cast<long long>(backup->rows),
              static_cast<long long>(backup->tables), to.c_str());
  return 0;
}

}  // namespace everyseat::cli
