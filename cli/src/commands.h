// The subcommands of the everyseat command line. Each takes the arguments after its own name
// and returns the process's exit status: 0 success, 2 for any error (a bad option, a bad input,
// a failed write), with one line on standard error and nothing on standard output.
// Thread-safety: each command owns the process while it runs (standard streams, files).
#pragma once

#include <span>
#include <string_view>

namespace everyseat::cli {

// everyseat spc: one series (or one per value of a column) through the SPC engine, written as
// JSON, CSV or SVG (spc.md section 5).
[[nodiscard]] int RunSpc(std::span<const std::string_view> args);

// everyseat demo: the 4-hour A&E performance of the largest type 1 trusts, as SVG charts and a
// table of icons and readings.
[[nodiscard]] int RunDemo(std::span<const std::string_view> args);

// everyseat serve: the HTTP API on a database until SIGTERM (docs/api.md).
[[nodiscard]] int RunServe(std::span<const std::string_view> args);

// The administration commands, on the database named by --db (store::Store::Open). Each changes
// everything it was asked to or nothing: any error leaves the database as it was.

// everyseat user add: a person who can sign in, with their organisation, team, roles and
// password (read from standard input), in one transaction.
[[nodiscard]] int RunUser(std::span<const std::string_view> args);

// everyseat token create|revoke|list: API tokens scoped to one team.
[[nodiscard]] int RunToken(std::span<const std::string_view> args);

// everyseat import staff|measures|observations FILE: CSV into the store, all or nothing, errors
// as FILE:LINE: reason.
[[nodiscard]] int RunImport(std::span<const std::string_view> args);

// everyseat backup: a consistent copy of the database as a new SQLite file.
[[nodiscard]] int RunBackup(std::span<const std::string_view> args);

// everyseat seed-demo: the demo organisation (teams, people, measures with two years of values,
// the real A&E data), made once in one transaction; prints the demo sign-ins.
[[nodiscard]] int RunSeedDemo(std::span<const std::string_view> args);

// everyseat guard: the patient-detail guard (domain/guard.h) on a text read from standard input,
// printing the findings as JSON.
[[nodiscard]] int RunGuard(std::span<const std::string_view> args);

}  // namespace everyseat::cli
