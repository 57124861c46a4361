// everyseat import staff|measures|observations: a CSV file (or standard input) into the store,
// all or nothing, through the import library (import/include/everyseat/import/import.h), which
// says how the files are read and checked.
//
// The first problem is reported on standard error as `FILE:LINE: reason` (LINE the physical line,
// the header being line 1; FILE as given, `<stdin>` for -), or `everyseat import: reason` when it
// names no line; the exit status is then 2 and nothing is changed. On success one summary line
// goes to standard output. On a terminal, a file of more than kProgressFrom rows shows a progress
// bar on standard error while it is written.
// Thread-safety: owns the process while it runs.
#include <cstdio>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>

#include "admin.h"
#include "args.h"
#include "commands.h"
#include "everyseat/import/import.h"
#include "files.h"
#include "progress.h"

namespace everyseat::cli {
namespace {

constexpr std::string_view kUsage =
    "usage: everyseat import staff        --db URL --org NAME FILE|-\n"
    "       everyseat import measures     --db URL --org NAME FILE|-\n"
    "       everyseat import observations --db URL --org NAME [--correct] FILE|-\n"
    "\n"
    "Imports a CSV file ('-' reads standard input), all or nothing: every row is checked before\n"
    "anything is written, and the first problem is reported as FILE:LINE: reason.\n"
    "Columns, found by name (others are ignored):\n"
    "  staff         name, email, team_path; job_title, staff_group, line_manager_email\n"
    "  measures      team_path, name, chart; definition, unit, kind, direction, target,\n"
    "                frequency\n"
    "  observations  team_path, measure, period, value; denominator\n"
    "A team_path is Organisation/Directorate/Team, starting with the --org name. Staff and\n"
    "measures make the teams they name; people are matched by email, measures by team and name,\n"
    "and updated only where a field differs. An observation for a period that has the same value\n"
    "already is skipped; a different value is an error unless --correct is given, which corrects\n"
    "it (the old value is kept in the history).\n"
    "--db is sqlite:PATH, postgresql://USER@HOST/DB or postgresql:CONNINFO.\n"
    "Exit status: 0 success, 2 error (nothing is changed).\n";

// A refusal: the line to print on standard error (without the newline).
struct Failure {
  std::string line;
};
using Done = tl::expected<std::string, Failure>;  // the summary line

tl::unexpected<Failure> CommandError(std::string_view reason) {
  return tl::unexpected(Failure{"everyseat import: " + std::string(reason)});
}

// An import library error as the command prints it: with its FILE:LINE, or as the command's.
tl::unexpected<Failure> ImportFailure(const imports::ImportError& error) {
  if (error.line == 0) return CommandError(error.message);
  return tl::unexpected(Failure{error.message});
}

// --- The command.

enum class Kind { kStaff, kMeasures, kObservations };

struct ImportArgs {
  Kind kind = Kind::kStaff;
  std::string db;
  std::string org;
  std::string file;
  bool correct = false;
};

// clang-format off
const FlagSet kFlags{
    {"db", "org"},
    {"correct", "help"},
};
// clang-format on

tl::expected<ImportArgs, Failure> Interpret(std::span<const std::string_view> args) {
  ImportArgs out;
  if (args.empty()) return CommandError("say what to import: staff, measures or observations");
  const std::string_view kind = args.front();
  if (kind == "staff") {
    out.kind = Kind::kStaff;
  } else if (kind == "measures") {
    out.kind = Kind::kMeasures;
  } else if (kind == "observations") {
    out.kind = Kind::kObservations;
  } else {
    return CommandError("unknown kind '" + std::string(kind) +
                        "' (one of staff, measures, observations)");
  }
  const SplitArgs split = SplitPositional(args.subspan(1), kFlags);
  auto flags = ScanFlags(split.flags, kFlags);
  if (!flags) return CommandError(flags.error());
  for (const Flag& flag : *flags) {
    if (flag.name == "correct") {
      out.correct = true;
    } else if (flag.value.empty()) {
      return CommandError("--" + std::string(flag.name) + " needs a value");
    } else if (flag.name == "db") {
      out.db = flag.value;
    } else if (flag.name == "org") {
      out.org = flag.value;
    }
  }
  if (split.positional.empty())
    return CommandError("name the FILE to import ('-': standard input)");
  if (split.positional.size() > 1) {
    return CommandError("unexpected argument '" + std::string(split.positional[1]) + "'");
  }
  out.file = split.positional.front();
  if (out.db.empty()) return CommandError("--db is required");
  if (out.org.empty()) return CommandError("--org is required");
  if (out.correct && out.kind != Kind::kObservations) {
    return CommandError("--correct is for import observations");
  }
  return out;
}

Done Import(const ImportArgs& args) {
  // The file first: a bad file is refused before the database is opened.
  auto text = ReadWhole(args.file);
  if (!text) return CommandError(text.error());
  auto sheet = imports::Sheet::Parse(std::move(*text), args.file == "-" ? "<stdin>" : args.file);
  if (!sheet) return tl::unexpected(Failure{sheet.error().message});

  auto store = OpenDatabase(args.db);
  if (!store) return CommandError(store.error());
  auto org = RequireOrganisation(**store, args.org);
  if (!org) return CommandError(org.error() + " ('everyseat user add' makes one)");

  std::optional<Progress> bar;  // made once the number of rows to write is known
  imports::ImportOptions options;
  options.correct = args.correct;
  options.progress = [&bar](int64_t done, int64_t total) {
    if (!bar) bar.emplace(total, "rows");
    bar->Update(done);
    if (done == total) bar->Finish();
  };
  const domain::Actor actor = domain::Actor::System("import");
  imports::ImportResult imported = [&] {
    switch (args.kind) {
      case Kind::kStaff:
        return imports::ImportStaff(**store, actor, org->id, *sheet, options);
      case Kind::kMeasures:
        return imports::ImportMeasures(**store, actor, org->id, *sheet, options);
      case Kind::kObservations:
        break;
    }
    return imports::ImportObservations(**store, actor, org->id, *sheet, options);
  }();
  if (!imported) return ImportFailure(imported.error());
  return std::move(imported->text);
}

}  // namespace

int RunImport(std::span<const std::string_view> args) {
  if (HasFlag(args, "--help") || (!args.empty() && args.front() == "help")) {
    std::fwrite(kUsage.data(), 1, kUsage.size(), stdout);
    return 0;
  }
  auto interpreted = Interpret(args);
  Done done = interpreted ? Import(*interpreted) : tl::unexpected(interpreted.error());
  if (!done) {
    std::fprintf(stderr, "%s\n", done.error().line.c_str());
    return 2;
  }
  std::printf("%s\n", done->c_str());
  return 0;
}

}  // namespace everyseat::cli
