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

}  // namespace everyseat::cli
