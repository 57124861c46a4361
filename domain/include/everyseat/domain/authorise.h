// Who may do what: the authorisation policy of everyseat as one pure function, so the server (and
// any other adapter) asks Authorise() once for every request and applies no rules of its own
// (product.md, "Who uses it", "Roles", and the principle "measures are about processes and teams").
//
// The policy is a table from Action to the rule that grants it (src/authorise.cc, kPolicy); it
// reads like the product specification. Three rules hold for every action:
//   - a target in another organisation is always refused (organisation isolation);
//   - a lead of a team is a lead of every team below it; membership does not flow down;
//   - an API token may only view its own team's measures and write their observations.
//
// No storage, no I/O, no clock: the caller loads the principal's memberships and roles, the
// organisation's team tree and the target's team, then asks. Never throws for any input.
// Thread-safety: plain values and pure functions; a TeamTree is safe to share once built.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <variant>
#include <vector>

#include "everyseat/domain/ids.h"
#include "everyseat/domain/model.h"

namespace everyseat::domain {

// Everything a request can ask to do.
enum class Action {
  kViewMeasures,           // see a measure and its team's charts
  kAddObservation,         // record a value for a period
  kCorrectObservation,     // replace a value (history is kept)
  kAnnotateMeasure,        // add a note, a rebase or a PDSA mark to a chart
  kDefineMeasure,          // create a measure or edit its definition
  kRetireMeasure,          // delete or retire a measure
  kManageTeamMembers,      // add or remove a team's members and leads
  kManageTokens,           // issue or revoke API tokens for a team's measures
  kViewAuditLog,           // read the organisation's audit log
  kAdminister,             // manage people, teams, roles and values
  kImportStaff,            // import the staff list
  kModerateStories,        // review flagged stories
  kViewRecognitionEquity,  // see which teams and staff groups are rarely recognised
  kViewBoard,              // the board view
  kRecordStory,            // record a story of leadership
  kAcknowledgeStory,       // acknowledge a story about a member of staff
  kAnswerPulse,            // answer a team's culture pulse
  kViewPulseResults,       // see a team's pulse results (small groups suppressed elsewhere)
  kPostReflection,         // post a leader's reflection (what I learned, got wrong, changed)
  kReplyToReflection,      // reply to, or question, a leader's reflection
};

// Every action, in declaration order (for tests, documentation and the audit view).
[[nodiscard]] std::span<const Action> AllActions();
// "view_measures", "add_observation", ...: as in logs and the API.
[[nodiscard]] std::string_view Name(Action);

// The organisation's teams, to answer "is this team at or below that one". Build it from every
// team of the organisation (store: ListTeams). Teams of other organisations may be included;
// they are told apart by Team::org.
class TeamTree {
 public:
  TeamTree() = default;
  explicit TeamTree(std::span<const Team> teams);

  // The team with this id, or nullptr when it is not in the tree.
  [[nodiscard]] const Team* Find(TeamId id) const;
  // True when `team` is `ancestor` or lies below it. Safe on a malformed tree (a cycle or a
  // missing parent ends the walk).
  [[nodiscard]] bool IsAtOrBelow(TeamId team, TeamId ancestor) const;

 private:
  std::unordered_map<TeamId, Team> teams_;
};

// A signed-in person, with what the store knows of them.
struct PersonPrincipal {
  OrgId org;
  PersonId person;
  // The teams the person belongs to, directly, as member or lead. Membership::person is not
  // consulted.
  std::vector<Membership> memberships;
  std::vector<OrgRole> roles;
};

// An API token: scoped to one team's measures, for systems that push data.
struct TokenPrincipal {
  OrgId org;
  TokenId token;
  TeamId team;
};

using Principal = std::variant<PersonPrincipal, TokenPrincipal>;

// What the action is about.
struct Target {
  OrgId org;
  // The team the thing belongs to: the measure's owning team, the team whose members, tokens or
  // pulse are meant, or, for a story acknowledgement, the team of the story's subject. Actions
  // about a team are refused without one; organisation-wide actions ignore it.
  std::optional<TeamId> team;
  // For a story acknowledgement: the subject's line manager, when they have one.
  std::optional<PersonId> line_manager;
};

struct Decision {
  bool allowed = false;
  // Why it was refused, in plain English for the person asking (e.g. "not a lead of team Ward
  // 7"); empty when allowed.
  std::string reason;

  [[nodiscard]] static Decision Allow() { return Decision{true, {}}; }
  [[nodiscard]] static Decision Deny(std::string why) { return Decision{false, std::move(why)}; }
  explicit operator bool() const { return allowed; }
};

// Decides whether `principal` may do `action` on `target`. Denials always carry a reason.
[[nodiscard]] Decision Authorise(const Principal& principal, Action action, const Target& target,
                                 const TeamTree& tree);

}  // namespace everyseat::domain
