// everyseat: the command line's entry point. It only picks the subcommand; each subcommand
// parses its own arguments (commands.h). Exit status: 0 success, 2 error or unknown command.
// Thread-safety: single-threaded.
#include <cstdio>
#include <string_view>
#include <vector>

#include "commands.h"
#include "process.h"

namespace {

using Command = int (*)(std::span<const std::string_view>);

struct Subcommand {
  std::string_view name;
  Command run;
  std::string_view summary;
};

constexpr Subcommand kSubcommands[] = {
    {"spc", everyseat::cli::RunSpc, "statistical process control of a series in a CSV file"},
    {"demo", everyseat::cli::RunDemo, "SPC charts of real NHS A&E data (4-hour performance)"},
    {"serve", everyseat::cli::RunServe, "serve the HTTP API (/api/v1) on a database"},
    {"user", everyseat::cli::RunUser, "add a person who can sign in (user add)"},
    {"token", everyseat::cli::RunToken, "create, revoke and list a team's API tokens"},
    {"import", everyseat::cli::RunImport, "import staff, measures or observations from CSV"},
    {"backup", everyseat::cli::RunBackup, "copy the database, consistently, to a SQLite file"},
    {"seed-demo", everyseat::cli::RunSeedDemo, "make the demo organisation in a database"},
    {"guard", everyseat::cli::RunGuard, "find patient details in a text read on standard input"},
};

void PrintUsage(std::FILE* to) {
  std::fputs("usage: everyseat COMMAND [OPTIONS]\n\ncommands:\n", to);
  for (const Subcommand& command : kSubcommands) {
    std::fprintf(to, "  %-11.*s%.*s\n", static_cast<int>(command.name.size()), command.name.data(),
                 static_cast<int>(command.summary.size()), command.summary.data());
  }
  std::fputs("\n'everyseat COMMAND --help' describes a command's options.\n", to);
}

}  // namespace

int main(int argc, char** argv) {
  everyseat::cli::RememberArguments(argc, argv);
  std::vector<std::string_view> args(argv + 1, argv + argc);
  if (args.empty()) {
    PrintUsage(stderr);
    return 2;
  }
  const std::string_view name = args.front();
  if (name == "--help" || name == "-h" || name == "help") {
    PrintUsage(stdout);
    return 0;
  }
  for (const Subcommand& command : kSubcommands) {
    if (command.name == name) return command.run(std::span(args).subspan(1));
  }
  std::fprintf(stderr, "everyseat: unknown command '%.*s' (try 'everyseat --help')\n",
               static_cast<int>(name.size()), name.data());
  return 2;
}
