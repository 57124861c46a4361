// Team paths and staff groups as people write them: see directory.h.
#include "everyseat/import/directory.h"

#include <utility>

#include "everyseat/domain/validate.h"

namespace everyseat::imports {

tl::expected<std::vector<std::string>, std::string> CheckTeamPath(std::string_view path,
                                                                  std::string_view org_name) {
  auto segments = domain::ParseTeamPath(path);
  if (!segments) {
    std::string reason = segments.error().message;
    if (reason.starts_with("path")) reason = "team " + reason;
    return tl::unexpected(std::move(reason));
  }
  if (segments->front() != org_name) {
    return tl::unexpected("team path '" + std::string(path) +
                          "' must start with the organisation's name '" + std::string(org_name) +
                          "'");
  }
  if (segments->size() < 2) {
    return tl::unexpected("team path '" + std::string(path) +
                          "' names the organisation, not a team; write it like " +
                          std::string(org_name) + "/Directorate/Team");
  }
  return std::move(*segments);
}

tl::expected<TeamDirectory, std::string> TeamDirectory::Load(store::Store& store,
                                                             const domain::Organisation& org) {
  auto teams = store.ListTeams(org.id);
  if (!teams) return tl::unexpected(teams.error().message);
  TeamDirectory directory(store, org.id);
  for (const domain::Team& team : *teams) directory.by_path_.emplace(team.path, team.id);
  return directory;
}

std::optional<domain::TeamId> TeamDirectory::Find(std::span<const std::string> segments) const {
  auto it = by_path_.find(domain::JoinTeamPath(segments));
  if (it == by_path_.end()) return std::nullopt;
  return it->second;
}

store::Result<domain::TeamId> TeamDirectory::Ensure(const domain::Actor& actor,
                                                    std::span<const std::string> segments) {
  // segments[0] is the organisation; teams start at segments[1].
  std::optional<domain::TeamId> parent;
  for (size_t depth = 2; depth <= segments.size(); ++depth) {
    const std::span<const std::string> prefix = segments.first(depth);
    if (std::optional<domain::TeamId> found = Find(prefix)) {
      parent = found;
      continue;
    }
    auto made = store_->CreateTeam(actor, org_, parent, segments[depth - 1]);
    if (!made) return tl::unexpected(made.error());
    by_path_.emplace(made->path, made->id);
    ++created_;
    parent = made->id;
  }
  return *parent;
}

namespace {

// Lower case, '_' and '-' as spaces, '&' as "and", runs of spaces as one, no surrounding spaces.
std::string StaffGroupKey(std::string_view text) {
  std::string spaced;
  for (char c : text) {
    if (c == '&') {
      spaced += " and ";
    } else if (c == '_' || c == '-' || c == '\t' || c == ',') {
      spaced += ' ';
    } else if (c >= 'A' && c <= 'Z') {
      spaced += static_cast<char>(c - 'A' + 'a');
    } else {
      spaced += c;
    }
  }
  std::string key;
  for (char c : spaced) {
    if (c == ' ' && (key.empty() || key.back() == ' ')) continue;
    key += c;
  }
  if (!key.empty() && key.back() == ' ') key.pop_back();
  return key;
}

// Spellings beyond the domain's names (which match once their '_' are spaces): NHS Digital's
// and ESR's display forms and their common shortenings.
struct StaffGroupSpelling {
  std::string_view key;  // as StaffGroupKey writes it
  domain::StaffGroup group;
};
constexpr StaffGroupSpelling kStaffGroupSpellings[] = {
    {"nursing and midwifery registered", domain::StaffGroup::kNursingAndMidwifery},
    {"nurses and midwives", domain::StaffGroup::kNursingAndMidwifery},
    {"nursing", domain::StaffGroup::kNursingAndMidwifery},
    {"medical", domain::StaffGroup::kMedicalAndDental},
    {"doctors", domain::StaffGroup::kMedicalAndDental},
    {"allied health professional", domain::StaffGroup::kAlliedHealthProfessionals},
    {"ahp", domain::StaffGroup::kAlliedHealthProfessionals},
    {"ahps", domain::StaffGroup::kAlliedHealthProfessionals},
    {"healthcare scientist", domain::StaffGroup::kHealthcareScientists},
    {"scientific therapeutic and technical", domain::StaffGroup::kScientificTherapeuticTechnical},
    {"add prof scientific and technic", domain::StaffGroup::kScientificTherapeuticTechnical},
    {"additional professional scientific and technical",
     domain::StaffGroup::kScientificTherapeuticTechnical},
    {"admin and clerical", domain::StaffGroup::kAdministrativeAndClerical},
    {"administration and clerical", domain::StaffGroup::kAdministrativeAndClerical},
    {"estates", domain::StaffGroup::kEstatesAndAncillary},
    {"student", domain::StaffGroup::kStudents},
};

constexpr domain::StaffGroup kStaffGroups[] = {
    domain::StaffGroup::kNursingAndMidwifery,
    domain::StaffGroup::kMedicalAndDental,
    domain::StaffGroup::kAlliedHealthProfessionals,
    domain::StaffGroup::kAdditionalClinicalServices,
    domain::StaffGroup::kHealthcareScientists,
    domain::StaffGroup::kScientificTherapeuticTechnical,
    domain::StaffGroup::kAdministrativeAndClerical,
    domain::StaffGroup::kEstatesAndAncillary,
    domain::StaffGroup::kStudents,
    domain::StaffGroup::kOther,
};

}  // namespace

std::optional<domain::StaffGroup> ParseStaffGroupText(std::string_view text) {
  if (auto exact = domain::ParseStaffGroup(text)) return exact;
  const std::string key = StaffGroupKey(text);
  for (domain::StaffGroup group : kStaffGroups) {
    if (StaffGroupKey(domain::Name(group)) == key) return group;
  }
  for (const StaffGroupSpelling& spelling : kStaffGroupSpellings) {
    if (spelling.key == key) return spelling.group;
  }
  return std::nullopt;
}

std::string UnknownStaffGroup(std::string_view label, std::string_view text) {
  std::string reason = std::string(label) + " '" + std::string(text) + "' is not one of ";
  for (domain::StaffGroup group : kStaffGroups) {
    if (group != kStaffGroups[0]) reason += group == domain::StaffGroup::kOther ? " or " : ", ";
    reason += domain::Name(group);
  }
  return reason;
}

}  // namespace everyseat::imports
