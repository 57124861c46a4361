// The demo organisation that `everyseat seed-demo` writes: "Northshire Community Health NHS
// Trust", a fictional community trust with its team tree, its people (fictional names, emails at
// northshire.example) and the measures of each team with at least two years of values; plus the
// trust-level A&E 4-hour performance measures built from the real NHS England data in
// data/ae_attendances.csv.
//
// Everything here is pure: the synthetic values come from a fixed-seed std::mt19937_64 (whose
// output the standard fixes) turned into uniform, normal, Poisson and binomial draws by this
// module's own code (the std:: distributions differ between standard libraries), so the same
// values come out on every machine. Only the periods depend on `today`: each series ends at the
// last complete period before it (yesterday, last week, last month, last quarter), so the demo
// looks current.
//
// Planted patterns (what the charts show, under Making Data Count rules with the rebase
// annotations as phases): step improvements after a tested change (a `pdsa` annotation, and a
// `rebase` annotation once the change was adopted), deteriorations (special cause concern), a
// trend, an outside-limits spike, and measures with common cause variation only.
// Thread-safety: pure functions.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <tl/expected.hpp>

#include "everyseat/domain/model.h"

namespace everyseat::cli::demo {

inline constexpr std::string_view kOrganisationName = "Northshire Community Health NHS Trust";
// Every demo person's password (documented in the README and cli/README.md).
inline constexpr std::string_view kPassword = "leadership-from-every-seat";
// The team, below the organisation, that holds the A&E measures.
inline constexpr std::string_view kAeTeam = "Urgent Care/A&E Performance (NHS England data)";
// How many trusts' A&E measures: the largest by type 1 attendances, as `everyseat demo` picks.
inline constexpr size_t kAeTrusts = 6;

struct PersonSeed {
  std::string name;
  std::string email;  // lower case, at northshire.example
  std::string job_title;
  domain::StaffGroup staff_group = domain::StaffGroup::kOther;
  std::string team;     // path below the organisation, e.g. "Corporate/Finance"
  bool lead = false;    // the team's lead (else a member)
  std::string manager;  // the line manager's email; "" when none
  std::vector<domain::OrgRole> roles;
};

struct ValueSeed {
  std::string period;  // YYYY-MM-DD, the start of the period
  double value = 0;
  std::optional<double> denominator;
};

struct NoteSeed {
  std::string period;  // YYYY-MM-DD
  domain::AnnotationKind kind = domain::AnnotationKind::kNote;
  std::string text;
};

struct MeasureSeed {
  std::string team;               // path below the organisation
  domain::Measure measure;        // the definition; ids, team and created_at unset
  std::vector<ValueSeed> values;  // in period order
  std::vector<NoteSeed> notes;    // in period order
};

struct OrganisationSeed {
  std::vector<std::string> teams;  // paths below the organisation, parents before children
  std::vector<PersonSeed> people;  // line managers before those they manage
  std::vector<MeasureSeed> measures;
};

// The team tree, the people and the synthetic measures, their values ending at the last complete
// period before `today`. The A&E team is in the tree; its measures come from AeMeasures.
[[nodiscard]] OrganisationSeed SyntheticOrganisation(std::chrono::sys_days today);

// The A&E measures from the text of data/ae_attendances.csv (read from `file`, named in errors):
// for each of the kAeTrusts trusts with the most type 1 attendances over the whole file (ties by
// code), "4-hour performance, type 1 (CODE)", a monthly p chart whose value for a month is the
// type 1 attendances minus the 4-hour breaches and whose denominator is the attendances (months
// with a missing count are left out). Errors: "FILE:LINE: reason".
[[nodiscard]] tl::expected<std::vector<MeasureSeed>, std::string> AeMeasures(std::string text,
                                                                             std::string_view file);

}  // namespace everyseat::cli::demo
