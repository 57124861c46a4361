// Hand-written scanning of a subcommand's arguments: `--flag value` and `--flag=value`, with a
// fixed set of flags that take a value and a fixed set of switches that take none (--help).
// Each subcommand interprets the flags it gets, in order, so a repeated flag (--rebase, --filter)
// comes back once per occurrence.
// Thread-safety: pure functions.
#pragma once

#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <tl/expected.hpp>

namespace everyseat::cli {

struct Flag {
  std::string_view name;   // without the leading "--"
  std::string_view value;  // empty for a switch
};

struct FlagSet {
  std::initializer_list<std::string_view> with_value;  // names without "--"
  std::initializer_list<std::string_view> switches;
};

// Scans the arguments that follow the subcommand's name. Errors, as the message to print after
// "everyseat CMD: ": "unknown option '--foo'", "--chart needs a value",
// "unexpected argument 'x'", "--help takes no value".
[[nodiscard]] tl::expected<std::vector<Flag>, std::string> ScanFlags(
    std::span<const std::string_view> args, const FlagSet& flags);

}  // namespace everyseat::cli
