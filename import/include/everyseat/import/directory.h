// What people write in import files and on the command line, read against the organisation:
// team paths ("Organisation/Directorate/Team") found or made, and staff groups in the NHS's
// display forms. Shared by the imports (import.h) and the command line's other commands.
//
// Every error is the reason alone, in plain English; the caller puts the place in front of it.
// Thread-safety: functions of one store, which is used from one thread at a time.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <tl/expected.hpp>

#include "everyseat/domain/model.h"
#include "everyseat/store/store.h"

namespace everyseat::imports {

// A team path checked against the organisation: parsed with domain::ParseTeamPath, its first
// segment the organisation's name, and at least one team below it. Returns the segments.
// Errors: "team path 'X' must start with the organisation's name 'Org'", "team path 'Org' names
// the organisation, not a team; write it like Org/Directorate/Team", or the domain's reason
// (with "team path" for "path").
[[nodiscard]] tl::expected<std::vector<std::string>, std::string> CheckTeamPath(
    std::string_view path, std::string_view org_name);

// The teams of one organisation by path, loaded once; Ensure makes the missing ones.
class TeamDirectory {
 public:
  // Loads every team of `org`. The error is the store's message.
  [[nodiscard]] static tl::expected<TeamDirectory, std::string> Load(
      store::Store& store, const domain::Organisation& org);

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

// A staff group as people write it: the domain's names ("nursing_and_midwifery"), or the NHS
// display forms in any case, with '&' for "and" ("Nursing and midwifery", "Admin & Clerical",
// "Allied Health Professionals", "Add Prof Scientific and Technic", ...).
[[nodiscard]] std::optional<domain::StaffGroup> ParseStaffGroupText(std::string_view text);
// The error for a staff group ParseStaffGroupText does not know, naming it as `label` (e.g.
// "--staff-group" or "staff_group"): "LABEL 'X' is not one of nursing_and_midwifery, ...".
[[nodiscard]] std::string UnknownStaffGroup(std::string_view label, std::string_view text);

}  // namespace everyseat::imports
