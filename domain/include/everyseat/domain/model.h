// The domain's value types: the organisation tree, people and their roles, configurable values
// and behaviours, measures, observations, annotations and the audit log (product.md, "Domain").
//
// These are plain values with no behaviour of their own; the rules about them live in
// validate.h, their storage in everyseat/store. Every stored entity carries the id of its
// organisation, so one deployment can serve several organisations.
// Times are Unix seconds (UTC) throughout.
// Thread-safety: plain values; the free functions are pure and safe to call concurrently.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>

#include "everyseat/domain/ids.h"
#include "everyseat/spc/types.h"

namespace everyseat::domain {

// Who made a change or entered a value: a person, or a system identified by its label alone
// (for example "system", "import", or "token 7: ED feed" for an API token).
struct Actor {
  std::optional<PersonId> person;
  std::string label;  // free text for logs and the audit view; may be empty for a person

  [[nodiscard]] static Actor System(std::string label = "system") {
    return Actor{std::nullopt, std::move(label)};
  }
  [[nodiscard]] static Actor Of(PersonId person, std::string label = {}) {
    return Actor{person, std::move(label)};
  }
  friend bool operator==(const Actor&, const Actor&) = default;
};

struct Organisation {
  OrgId id;
  std::string name;  // also the first segment of every team path
  int64_t created_at = 0;
  friend bool operator==(const Organisation&, const Organisation&) = default;
};

// A node of the organisation tree (a division, directorate, service or team; any depth).
struct Team {
  TeamId id;
  OrgId org;
  std::optional<TeamId> parent;  // none: a top-level team directly under the organisation
  std::string name;              // one path segment: no '/'
  std::string path;              // "Organisation/Directorate/Team", set by the store
  friend bool operator==(const Team&, const Team&) = default;
};

// The NHS staff groups (NHS Digital's workforce statistics groups).
enum class StaffGroup {
  kNursingAndMidwifery,
  kMedicalAndDental,
  kAlliedHealthProfessionals,
  kAdditionalClinicalServices,
  kHealthcareScientists,
  kScientificTherapeuticTechnical,
  kAdministrativeAndClerical,
  kEstatesAndAncillary,
  kStudents,
  kOther,
};

struct Person {
  PersonId id;
  OrgId org;
  std::string name;
  std::string email;  // unique within the organisation; stored lower-case (NormaliseEmail)
  std::string job_title;
  StaffGroup staff_group = StaffGroup::kOther;
  std::optional<PersonId> line_manager;
  friend bool operator==(const Person&, const Person&) = default;
};

enum class TeamRole { kMember, kLead };

struct Membership {
  PersonId person;
  TeamId team;
  TeamRole role = TeamRole::kMember;
  friend bool operator==(const Membership&, const Membership&) = default;
};

// Roles held across the whole organisation (team roles are in Membership).
enum class OrgRole { kModerator, kEquality, kBoard, kAdmin };

// A configurable tag: one of the organisation's values (dignity, respect, ...) or behaviours
// (coaching, partnering, ...). Tags are retired (active = false), never deleted, because stories
// refer to them.
enum class TagKind { kValue, kBehaviour };

struct Tag {
  TagId id;
  OrgId org;
  TagKind kind = TagKind::kValue;
  std::string name;  // unique per organisation and kind
  std::string description;
  bool active = true;
  friend bool operator==(const Tag&, const Tag&) = default;
};

enum class MeasureKind { kOutcome, kProcess, kBalancing };
enum class Frequency { kDaily, kWeekly, kMonthly, kQuarterly };

struct Measure {
  MeasureId id;
  OrgId org;
  TeamId team;  // the owning team
  std::string name;
  std::string definition;  // what is counted: numerator and, for ratios, the denominator
  std::string unit;        // e.g. "%", "patients", "minutes"; may be empty
  MeasureKind kind = MeasureKind::kOutcome;
  spc::Chart chart = spc::Chart::kI;
  spc::Direction direction = spc::Direction::kNeutral;
  std::optional<double> target;
  Frequency frequency = Frequency::kMonthly;
  int64_t created_at = 0;  // set by the store
  friend bool operator==(const Measure&, const Measure&) = default;
};

// What a caller supplies to record one value; the store fills in the rest of the Observation.
struct ObservationInput {
  MeasureId measure;
  std::string period;  // ISO 8601 date "YYYY-MM-DD": the start of the period
  double value = 0;
  std::optional<double> denominator;  // required for charts with a denominator (p, pp, u, up, ip)
};

// One version of the value of a measure for a period. A correction never overwrites: it marks
// the current version superseded and adds version + 1, so the history of a period is kept.
struct Observation {
  ObservationId id;
  OrgId org;
  MeasureId measure;
  std::string period;        // "YYYY-MM-DD"
  int64_t period_start = 0;  // the period's start, 00:00 UTC, in Unix seconds
  double value = 0;
  std::optional<double> denominator;
  Actor entered_by;
  int64_t entered_at = 0;
  int32_t version = 1;      // 1 for the first value of the period
  bool superseded = false;  // true once a correction has replaced this version
  friend bool operator==(const Observation&, const Observation&) = default;
};

// A dated note on a measure. A rebase starts a new phase at its period (limits recalculated);
// a pdsa marks a change tested by a Plan-Do-Study-Act cycle.
enum class AnnotationKind { kNote, kRebase, kPdsa };

struct Annotation {
  AnnotationId id;
  OrgId org;
  MeasureId measure;
  std::string period;  // "YYYY-MM-DD"
  int64_t period_start = 0;
  AnnotationKind kind = AnnotationKind::kNote;
  std::string text;
  Actor created_by;
  int64_t created_at = 0;
  friend bool operator==(const Annotation&, const Annotation&) = default;
};

// One change, as the audit log records it. before_json and after_json are JSON objects of the
// entity as it was and as it became ("" when there was no before, or no after: a creation or a
// removal). Secrets and their hashes never appear in them.
struct AuditEntry {
  AuditId id;
  OrgId org;
  Actor actor;
  int64_t at = 0;
  std::string action;  // "<entity>.<verb>", e.g. "person.update", "observation.correct"
  std::string entity;  // "person", "team", "measure", ...
  int64_t entity_id = 0;
  std::string before_json;
  std::string after_json;
  friend bool operator==(const AuditEntry&, const AuditEntry&) = default;
};

// What a notification is about: a new special-cause point, or a change of the measure's
// variation or assurance icon (Making Data Count).
enum class NotificationKind { kSpecialCause, kVariationChanged, kAssuranceChanged };

// A signal for a measure's owning team, listed by the API and sent to the team's webhook. At most
// one notification per (measure, period, kind): a repeat is not stored again.
struct Notification {
  NotificationId id;
  OrgId org;
  TeamId team;  // the measure's owning team
  MeasureId measure;
  std::string period;  // "YYYY-MM-DD": the point that caused it
  NotificationKind kind = NotificationKind::kSpecialCause;
  std::string message;      // plain English, e.g. "Falls per 1,000 bed days: special cause ..."
  std::string detail_json;  // a JSON object (point type, rule, icons ...), "{}" when none
  int64_t created_at = 0;   // set by the store
  bool seen = false;        // by the person listing (ListNotifications), else false
  friend bool operator==(const Notification&, const Notification&) = default;
};

// A team's webhook: every notification of the team is POSTed to the URL as JSON, signed with the
// secret (HMAC-SHA256 of the body, hex, in the X-Everyseat-Signature header).
struct Webhook {
  OrgId org;
  TeamId team;
  std::string url;     // http:// or https://
  std::string secret;  // 64 hex characters; made by the store, shown when the webhook is set
  int64_t created_at = 0;
  friend bool operator==(const Webhook&, const Webhook&) = default;
};

enum class DeliveryState { kPending, kDelivered, kFailed };

// One notification to be POSTed to one webhook URL (the outbox). Made in the same transaction as
// the notification, so a notification acknowledged is never lost for its webhook.
struct WebhookDelivery {
  DeliveryId id;
  OrgId org;
  TeamId team;
  NotificationId notification;
  std::string url;
  std::string secret;
  std::string body;  // the JSON to POST
  DeliveryState state = DeliveryState::kPending;
  int attempts = 0;
  int64_t next_attempt_at = 0;  // when pending: not before this time
  std::optional<int64_t> delivered_at;
  std::string last_error;  // of the last failed attempt, "" when none
  friend bool operator==(const WebhookDelivery&, const WebhookDelivery&) = default;
};

// The default values and behaviours of a new organisation (product.md, "Domain").
[[nodiscard]] std::span<const std::string_view> DefaultValues();
[[nodiscard]] std::span<const std::string_view> DefaultBehaviours();

// Names as they appear in the database, the API and the audit log, and their parsers.
[[nodiscard]] std::string_view Name(StaffGroup);
[[nodiscard]] std::string_view Name(TeamRole);
[[nodiscard]] std::string_view Name(OrgRole);
[[nodiscard]] std::string_view Name(TagKind);
[[nodiscard]] std::string_view Name(MeasureKind);
[[nodiscard]] std::string_view Name(Frequency);
[[nodiscard]] std::string_view Name(AnnotationKind);
[[nodiscard]] std::string_view Name(NotificationKind);  // special_cause, variation_changed, ...
[[nodiscard]] std::string_view Name(DeliveryState);     // pending, delivered, failed

[[nodiscard]] std::optional<StaffGroup> ParseStaffGroup(std::string_view);
[[nodiscard]] std::optional<TeamRole> ParseTeamRole(std::string_view);
[[nodiscard]] std::optional<OrgRole> ParseOrgRole(std::string_view);
[[nodiscard]] std::optional<TagKind> ParseTagKind(std::string_view);
[[nodiscard]] std::optional<MeasureKind> ParseMeasureKind(std::string_view);
[[nodiscard]] std::optional<Frequency> ParseFrequency(std::string_view);
[[nodiscard]] std::optional<AnnotationKind> ParseAnnotationKind(std::string_view);
[[nodiscard]] std::optional<NotificationKind> ParseNotificationKind(std::string_view);
[[nodiscard]] std::optional<DeliveryState> ParseDeliveryState(std::string_view);

}  // namespace everyseat::domain
