// Names of the domain's enums (as stored and as shown in the API), their parsers, and the
// default values and behaviours of a new organisation. Thread-safety: pure functions.
#include <array>
#include <optional>
#include <span>
#include <string_view>
#include <utility>

#include "everyseat/domain/model.h"
#include "everyseat/domain/story.h"

namespace everyseat::domain {
namespace {

template <class Enum, size_t N>
using Table = std::array<std::pair<Enum, std::string_view>, N>;

template <class Enum, size_t N>
std::optional<Enum> Lookup(const Table<Enum, N>& table, std::string_view name) {
  for (const auto& [value, text] : table) {
    if (text == name) return value;
  }
  return std::nullopt;
}

template <class Enum, size_t N>
std::string_view NameOf(const Table<Enum, N>& table, Enum value) {
  for (const auto& [v, text] : table) {
    if (v == value) return text;
  }
  return {};
}

constexpr Table<StaffGroup, 10> kStaffGroups = {{
    {StaffGroup::kNursingAndMidwifery, "nursing_and_midwifery"},
    {StaffGroup::kMedicalAndDental, "medical_and_dental"},
    {StaffGroup::kAlliedHealthProfessionals, "allied_health_professionals"},
    {StaffGroup::kAdditionalClinicalServices, "additional_clinical_services"},
    {StaffGroup::kHealthcareScientists, "healthcare_scientists"},
    {StaffGroup::kScientificTherapeuticTechnical, "scientific_therapeutic_technical"},
    {StaffGroup::kAdministrativeAndClerical, "administrative_and_clerical"},
    {StaffGroup::kEstatesAndAncillary, "estates_and_ancillary"},
    {StaffGroup::kStudents, "students"},
    {StaffGroup::kOther, "other"},
}};
constexpr Table<TeamRole, 2> kTeamRoles = {{
    {TeamRole::kMember, "member"},
    {TeamRole::kLead, "lead"},
}};
constexpr Table<OrgRole, 4> kOrgRoles = {{
    {OrgRole::kModerator, "moderator"},
    {OrgRole::kEquality, "equality"},
    {OrgRole::kBoard, "board"},
    {OrgRole::kAdmin, "admin"},
}};
constexpr Table<TagKind, 2> kTagKinds = {{
    {TagKind::kValue, "value"},
    {TagKind::kBehaviour, "behaviour"},
}};
constexpr Table<MeasureKind, 3> kMeasureKinds = {{
    {MeasureKind::kOutcome, "outcome"},
    {MeasureKind::kProcess, "process"},
    {MeasureKind::kBalancing, "balancing"},
}};
constexpr Table<Frequency, 4> kFrequencies = {{
    {Frequency::kDaily, "daily"},
    {Frequency::kWeekly, "weekly"},
    {Frequency::kMonthly, "monthly"},
    {Frequency::kQuarterly, "quarterly"},
}};
constexpr Table<AnnotationKind, 3> kAnnotationKinds = {{
    {AnnotationKind::kNote, "note"},
    {AnnotationKind::kRebase, "rebase"},
    {AnnotationKind::kPdsa, "pdsa"},
}};
constexpr Table<StoryState, 7> kStoryStates = {{
    {StoryState::kDraft, "draft"},
    {StoryState::kInModeration, "in_moderation"},
    {StoryState::kAwaitingConsent, "awaiting_consent"},
    {StoryState::kPublished, "published"},
    {StoryState::kDeclined, "declined"},
    {StoryState::kWithdrawn, "withdrawn"},
    {StoryState::kRejected, "rejected"},
}};

constexpr Table<ConsentState, 3> kConsentStates = {{
    {ConsentState::kPending, "pending"},
    {ConsentState::kGiven, "given"},
    {ConsentState::kDeclined, "declined"},
}};

constexpr Table<NotificationKind, 3> kNotificationKinds = {{
    {NotificationKind::kSpecialCause, "special_cause"},
    {NotificationKind::kVariationChanged, "variation_changed"},
    {NotificationKind::kAssuranceChanged, "assurance_changed"},
}};
constexpr Table<DeliveryState, 3> kDeliveryStates = {{
    {DeliveryState::kPending, "pending"},
    {DeliveryState::kDelivered, "delivered"},
    {DeliveryState::kFailed, "failed"},
}};

// product.md, "Domain": the default values and the behaviours the defaults include.
constexpr std::array<std::string_view, 6> kDefaultValues = {
    "dignity", "respect", "trust", "safety", "civility", "compassion",
};
constexpr std::array<std::string_view, 7> kDefaultBehaviours = {
    "coaching",    "affiliative", "partnering",       "improving",
    "challenging", "supporting",  "owning a mistake",
};

}  // namespace

std::span<const std::string_view> DefaultValues() { return kDefaultValues; }
std::span<const std::string_view> DefaultBehaviours() { return kDefaultBehaviours; }

std::string_view Name(StaffGroup v) { return NameOf(kStaffGroups, v); }
std::string_view Name(TeamRole v) { return NameOf(kTeamRoles, v); }
std::string_view Name(OrgRole v) { return NameOf(kOrgRoles, v); }
std::string_view Name(TagKind v) { return NameOf(kTagKinds, v); }
std::string_view Name(MeasureKind v) { return NameOf(kMeasureKinds, v); }
std::string_view Name(Frequency v) { return NameOf(kFrequencies, v); }
std::string_view Name(AnnotationKind v) { return NameOf(kAnnotationKinds, v); }
std::string_view Name(NotificationKind v) { return NameOf(kNotificationKinds, v); }
std::string_view Name(StoryState v) { return NameOf(kStoryStates, v); }
std::string_view Name(ConsentState v) { return NameOf(kConsentStates, v); }
std::string_view Name(DeliveryState v) { return NameOf(kDeliveryStates, v); }

std::optional<StaffGroup> ParseStaffGroup(std::string_view s) { return Lookup(kStaffGroups, s); }
std::optional<TeamRole> ParseTeamRole(std::string_view s) { return Lookup(kTeamRoles, s); }
std::optional<OrgRole> ParseOrgRole(std::string_view s) { return Lookup(kOrgRoles, s); }
std::optional<TagKind> ParseTagKind(std::string_view s) { return Lookup(kTagKinds, s); }
std::optional<MeasureKind> ParseMeasureKind(std::string_view s) { return Lookup(kMeasureKinds, s); }
std::optional<Frequency> ParseFrequency(std::string_view s) { return Lookup(kFrequencies, s); }
std::optional<AnnotationKind> ParseAnnotationKind(std::string_view s) {
  return Lookup(kAnnotationKinds, s);
}
std::optional<StoryState> ParseStoryState(std::string_view s) { return Lookup(kStoryStates, s); }
std::optional<ConsentState> ParseConsentState(std::string_view s) {
  return Lookup(kConsentStates, s);
}
std::optional<NotificationKind> ParseNotificationKind(std::string_view s) {
  return Lookup(kNotificationKinds, s);
}
std::optional<DeliveryState> ParseDeliveryState(std::string_view s) {
  return Lookup(kDeliveryStates, s);
}

}  // namespace everyseat::domain
