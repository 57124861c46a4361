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

// A team path checked against the organisation: parsed with domain::ParseTeamPath, its first
// segment the organisation's name, and at least one team below it. Returns the segments.
// Errors: "team path 'X' must start with the organisation's name 'Org'", "team path 'Org' names
// the organisation, not a team", or the domain's reason (with "team path" for "path").
[[nodiscard]] Outcome<std::vector<std::string>> CheckTeamPath(std::string_view path,
                                                              std::string_view org_name);

// The teams of one organisation by path, loaded once; Ensure makes the missing ones.
class TeamDirectory {
 public:
  // Loads every team of `org`.
  [[nodiscard]] static Outcome<TeamDirectory> Load(store::Store& store,
                                                   const domain::Organisation& org);

  // The team at these segments (from CheckTeamPath), if it exists.
  [[nodiscard]] std::optional<domain::TeamId> Find(std::span<const std::string> segments) const;
  // The team at these segments, made (with every missing team above it) when missing.
  [[nodiscard]] store::Result<domain::TeamId> Ensure(const domain::Actor& actor,
                                                     std::span<const std::string> segments);
  // Teams made by Ensure.
  [[nodiscard]] int64_t created() const { return created_; }

 private:
  TeamDirectory(store::Store& store, domain::OrgId org) : store_(&store), org_(org) {}
  store::Store* store_;
  domain::OrgId org_;
  std::unordered_map<std::string, domain::TeamId> by_path_;  // "Org/Dir/Team" -> id
  int64_t created_ = 0;
};

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

// A staff group as people write it: the domain's names ("nursing_and_midwifery"), or the NHS
// display forms in any case, with '&' for "and" ("Nursing and midwifery", "Admin & Clerical",
// "Allied Health Professionals", "Add Prof Scientific and Technic", ...).
[[nodiscard]] std::optional<domain::StaffGroup> ParseStaffGroupText(std::string_view text);
// The error for a staff group ParseStaffGroupText does not know, naming it as `label` (e.g.
// "--staff-group" or "staff_group"): "LABEL 'X' is not one of nursing_and_midwifery, ...".
[[nodiscard]] std::string UnknownStaffGroup(std::string_view label, std::string_view text);

// Whole numbers with thousands separators: 52000 -> "52,000".
[[nodiscard]] std::string WithCommas(int64_t number);
// "1 team", "3 teams".
[[nodiscard]] std::string Count(int64_t number, std::string_view one, std::string_view many);

}  // namespace everyseat::cli
