// What the administration commands (user, token, import, backup) share: opening the database
// named by --db, finding the organisation named by --org, team paths ("Organisation/Directorate/
// Team") found or made, positional arguments picked out from among the flags, and the text forms
// of store errors.
//
// Every error is the reason alone, in plain English; the command puts "everyseat CMD: " (or
// "FILE:LINE: ") in front of it.
// Thread-safety: functions of one store, which is used from one thread at a time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <tl/expected.hpp>

#include "args.h"
#include "everyseat/domain/model.h"
#include "everyseat/import/directory.h"
#include "everyseat/store/store.h"

namespace everyseat::cli {

template <class T>
using Outcome = tl::expected<T, std::string>;

// Prints "everyseat COMMAND: reason" on standard error and returns the exit status 2.
int Refuse(std::string_view command, std::string_view reason);

// The reason of a store error as the commands print it: its message.
[[nodiscard]] std::string Describe(const store::StoreError& error);

// Opens (and migrates) the database at `url`: "sqlite:PATH", "postgresql://..." or
// "postgresql:CONNINFO".
[[nodiscard]] Outcome<std::unique_ptr<store::Store>> OpenDatabase(std::string_view url);

// The organisation of this exact name, or nullopt when there is none.
[[nodiscard]] Outcome<std::optional<domain::Organisation>> FindOrganisation(store::Store& store,
                                                                            std::string_view name);
// As FindOrganisation, but a missing organisation is an error: "no organisation named 'NAME'".
[[nodiscard]] Outcome<domain::Organisation> RequireOrganisation(store::Store& store,
                                                                std::string_view name);

// Team paths found or made, and staff groups as people write them: the import library's
// (everyseat/import/directory.h), shared with the other commands.
using imports::CheckTeamPath;
using imports::ParseStaffGroupText;
using imports::TeamDirectory;
using imports::UnknownStaffGroup;

// The arguments after a command's name split into flags (for ScanFlags) and positional
// arguments: an argument is a flag when it starts with "--"; a flag of `flags.with_value`
// written without "=" takes the next argument as its value. "-" is positional.
struct SplitArgs {
  std::vector<std::string_view> flags;
  std::vector<std::string_view> positional;
};
[[nodiscard]] SplitArgs SplitPositional(std::span<const std::string_view> args,
                                        const FlagSet& flags);

// True when the flag is present among the arguments (for --help, before anything else).
[[nodiscard]] bool HasFlag(std::span<const std::string_view> args, std::string_view flag);

// Whole numbers with thousands separators: 52000 -> "52,000".
[[nodiscard]] std::string WithCommas(int64_t number);
// "1 team", "3 teams".
[[nodiscard]] std::string Count(int64_t number, std::string_view one, std::string_view many);

}  // namespace everyseat::cli
