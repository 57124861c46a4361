// Scanning of a subcommand's arguments: see args.h.
#include "args.h"

#include <algorithm>

namespace everyseat::cli {
namespace {

bool Contains(std::initializer_list<std::string_view> names, std::string_view name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

}  // namespace

tl::expected<std::vector<Flag>, std::string> ScanFlags(std::span<const std::string_view> args,
                                                       const FlagSet& flags) {
  std::vector<Flag> scanned;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string_view arg = args[i];
    if (arg.size() < 3 || !arg.starts_with("--")) {
      return tl::unexpected("unexpected argument '" + std::string(arg) + "'");
    }
    std::string_view name = arg.substr(2);
    std::string_view value;
    bool has_value = false;
    if (size_t equals = name.find('='); equals != std::string_view::npos) {
      value = name.substr(equals + 1);
      name = name.substr(0, equals);
      has_value = true;
    }
    if (Contains(flags.switches, name)) {
      if (has_value) return tl::unexpected("--" + std::string(name) + " takes no value");
      scanned.push_back(Flag{name, {}});
      continue;
    }
    if (!Contains(flags.with_value, name)) {
      return tl::unexpected("unknown option '--" + std::string(name) + "'");
    }
    if (!has_value) {
      // A following "--flag" is the next option, not this one's value: say what is missing.
      if (i + 1 >= args.size() || args[i + 1].starts_with("--")) {
        return tl::unexpected("--" + std::string(name) + " needs a value");
      }
      value = args[++i];
    }
    scanned.push_back(Flag{name, value});
  }
  return scanned;
}

}  // namespace everyseat::cli
