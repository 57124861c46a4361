// The authorisation policy: one table from action to rule (kPolicy), and the checks every action
// shares (organisation isolation, the team tree, token scope). Thread-safety: pure functions.
#include "everyseat/domain/authorise.h"

#include <algorithm>
#include <array>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>
#include <vector>

namespace everyseat::domain {
namespace {

// Whether an action is about one team (its measures, members, tokens, pulse, or a story's
// subject) or about the whole organisation.
enum class Scope { kOrg, kTeam };

// Who is granted an action; a rule is the union of its grants.
using Grants = unsigned;
constexpr Grants kAnyPerson = 1u << 0;    // any person of the organisation
constexpr Grants kMember = 1u << 1;       // a direct member (or lead) of the target team itself
constexpr Grants kLead = 1u << 2;         // a lead of the target team or of any team above it
constexpr Grants kLineManager = 1u << 3;  // the line manager of the story's subject
constexpr Grants kToken = 1u << 4;        // an API token scoped to exactly the target team
constexpr Grants kModerator = 1u << 5;    // organisation roles
constexpr Grants kEquality = 1u << 6;
constexpr Grants kBoard = 1u << 7;
constexpr Grants kAdmin = 1u << 8;
constexpr Grants kAnyLead = 1u << 9;  // a lead of any team of the organisation

struct Rule {
  Action action;
  std::string_view name;    // as in logs and the API
  std::string_view phrase;  // completes "an API token cannot ..."
  Scope scope;
  Grants grants;
};

// The policy (product.md, "Who uses it" and "Roles").
//
// Administrators administer the organisation (tree, people, roles, values, the staff list, team
// membership, the audit log, the board view) but are deliberately NOT granted any write of team
// data: observations, annotations, measure definitions and API tokens (a token writes team data,
// so issuing one would be a back door). An administrator who is also a member or lead of a team
// writes for that team as a member or lead. product.md's administrator row ("organisation tree,
// people, roles, values, import of the staff list") agrees with this separation.
// Board, equality and moderator are read-only roles for their own views (moderation decides on
// flagged stories, which is not team data).
constexpr std::array kPolicy = {
    // Measures and charts: open to everyone in the organisation ("see the team's charts"); a
    // token sees only its own team's.
    Rule{Action::kViewMeasures, "view_measures", "view these measures", Scope::kTeam,
         kAnyPerson | kToken},
    // Data: "a member writes data only for their own teams' measures"; a lead writes for every
    // team they lead; a token writes for its team.
    Rule{Action::kAddObservation, "add_observation", "add observations here", Scope::kTeam,
         kMember | kLead | kToken},
    Rule{Action::kCorrectObservation, "correct_observation", "correct observations here",
         Scope::kTeam, kMember | kLead | kToken},
    // "team lead: define measures (direction, target, chart type); mark changes (PDSA, rebase)".
    Rule{Action::kAnnotateMeasure, "annotate_measure", "annotate measures", Scope::kTeam, kLead},
    Rule{Action::kDefineMeasure, "define_measure", "define measures", Scope::kTeam, kLead},
    Rule{Action::kRetireMeasure, "retire_measure", "retire measures", Scope::kTeam, kLead},
    // Membership is organisation administration as well as a lead's business.
    Rule{Action::kManageTeamMembers, "manage_team_members", "manage team members", Scope::kTeam,
         kLead | kAdmin},
    Rule{Action::kManageTokens, "manage_tokens", "issue or revoke tokens", Scope::kTeam, kLead},
    // "administrator: organisation tree, people, roles, values, import of the staff list".
    Rule{Action::kViewAuditLog, "view_audit_log", "view the audit log", Scope::kOrg, kAdmin},
    Rule{Action::kAdminister, "administer", "administer the organisation", Scope::kOrg, kAdmin},
    Rule{Action::kImportStaff, "import_staff", "import the staff list", Scope::kOrg, kAdmin},
    // The read-only roles, each for its own view.
    Rule{Action::kModerateStories, "moderate_stories", "moderate stories", Scope::kOrg, kModerator},
    // Recognition equity: "for people with the equality or board role" (issue 5).
    Rule{Action::kViewRecognitionEquity, "view_recognition_equity", "view recognition equity",
         Scope::kOrg, kEquality | kBoard},
    Rule{Action::kViewBoard, "view_board", "view the board view", Scope::kOrg, kBoard | kAdmin},
    // Stories: "anyone records"; "their line manager acknowledges it"; a team lead
    // "acknowledges stories about the team".
    Rule{Action::kRecordStory, "record_story", "record stories", Scope::kOrg, kAnyPerson},
    Rule{Action::kAcknowledgeStory, "acknowledge_story", "acknowledge stories", Scope::kTeam,
         kLineManager | kLead},
    // Pulse: answered by the team's own members (membership does not flow down, so a directorate
    // lead does not answer each ward's pulse); results seen by the team, its leads and the board.
    Rule{Action::kAnswerPulse, "answer_pulse", "answer the pulse", Scope::kTeam, kMember},
    Rule{Action::kViewPulseResults, "view_pulse_results", "view pulse results", Scope::kTeam,
         kMember | kLead | kBoard | kAdmin},
    // Reflections: "anyone with the lead, board or admin role posts ...; all staff can reply and
    // question" (issue 5). Hiding a reply is moderation (kModerateStories).
    Rule{Action::kPostReflection, "post_reflection", "post reflections", Scope::kOrg,
         kAnyLead | kBoard | kAdmin},
    Rule{Action::kReplyToReflection, "reply_to_reflection", "reply to reflections", Scope::kOrg,
         kAnyPerson},
};

constexpr std::array<Action, kPolicy.size()> MakeAllActions() {
  std::array<Action, kPolicy.size()> out{};
  for (size_t i = 0; i < kPolicy.size(); ++i) out[i] = kPolicy[i].action;
  return out;
}
constexpr std::array kAllActions = MakeAllActions();

const Rule* FindRule(Action action) {
  for (const Rule& rule : kPolicy) {
    if (rule.action == action) return &rule;
  }
  return nullptr;
}

std::string TeamName(const TeamTree& tree, TeamId id) {
  const Team* team = tree.Find(id);
  if (team != nullptr && !team->name.empty()) return "team " + team->name;
  return "team " + std::to_string(id.value);
}

bool HasRole(const PersonPrincipal& p, OrgRole role) {
  return std::find(p.roles.begin(), p.roles.end(), role) != p.roles.end();
}

bool IsMember(const PersonPrincipal& p, TeamId team) {
  return std::any_of(p.memberships.begin(), p.memberships.end(),
                     [&](const Membership& m) { return m.team == team; });
}

bool IsLead(const PersonPrincipal& p, TeamId team, const TeamTree& tree) {
  return std::any_of(p.memberships.begin(), p.memberships.end(), [&](const Membership& m) {
    return m.role == TeamRole::kLead && tree.IsAtOrBelow(team, m.team);
  });
}

// "a, b or c"
std::string JoinAlternatives(const std::vector<std::string>& parts) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) out += (i + 1 == parts.size()) ? " or " : ", ";
    out += parts[i];
  }
  return out;
}

Decision DecidePerson(const PersonPrincipal& p, const Rule& rule, const Target& target,
                      const TeamTree& tree) {
  const Grants g = rule.grants;
  const std::optional<TeamId> team = rule.scope == Scope::kTeam ? target.team : std::nullopt;
  if ((g & kAnyPerson) != 0) return Decision::Allow();
  if (team && (g & kMember) != 0 && IsMember(p, *team)) return Decision::Allow();
  if (team && (g & kLead) != 0 && IsLead(p, *team, tree)) return Decision::Allow();
  if ((g & kLineManager) != 0 && target.line_manager && *target.line_manager == p.person) {
    return Decision::Allow();
  }
  if ((g & kModerator) != 0 && HasRole(p, OrgRole::kModerator)) return Decision::Allow();
  if ((g & kEquality) != 0 && HasRole(p, OrgRole::kEquality)) return Decision::Allow();
  if ((g & kBoard) != 0 && HasRole(p, OrgRole::kBoard)) return Decision::Allow();
  if ((g & kAdmin) != 0 && HasRole(p, OrgRole::kAdmin)) return Decision::Allow();
  if ((g & kAnyLead) != 0 &&
      std::any_of(p.memberships.begin(), p.memberships.end(),
                  [](const Membership& m) { return m.role == TeamRole::kLead; })) {
    return Decision::Allow();
  }

  std::vector<std::string> could;
  if (team) {
    const std::string name = TeamName(tree, *team);
    if ((g & kMember) != 0 && (g & kLead) != 0) {
      could.push_back("a member or lead of " + name);
    } else if ((g & kMember) != 0) {
      could.push_back("a member of " + name);
    } else if ((g & kLead) != 0) {
      could.push_back("a lead of " + name);
    }
  }
  if ((g & kLineManager) != 0) could.emplace_back("the line manager of the story's subject");
  if ((g & kAnyLead) != 0) could.emplace_back("a team lead");
  if ((g & kModerator) != 0) could.emplace_back("a moderator");
  if ((g & kEquality) != 0) could.emplace_back("an equality lead");
  if ((g & kBoard) != 0) could.emplace_back("a board member");
  if ((g & kAdmin) != 0) could.emplace_back("an administrator");
  if (could.empty()) return Decision::Deny("no one may " + std::string(rule.phrase));
  return Decision::Deny("not " + JoinAlternatives(could));
}

Decision DecideToken(const TokenPrincipal& t, const Rule& rule, const Target& target,
                     const TeamTree& tree) {
  if ((rule.grants & kToken) == 0) {
    return Decision::Deny("an API token cannot " + std::string(rule.phrase));
  }
  // Exactly the token's team: a token is not a lead, so nothing flows down to subteams.
  if (!target.team || *target.team != t.team) {
    return Decision::Deny("the API token is scoped to " + TeamName(tree, t.team));
  }
  return Decision::Allow();
}

}  // namespace

std::span<const Action> AllActions() { return kAllActions; }

std::string_view Name(Action action) {
  const Rule* rule = FindRule(action);
  return rule != nullptr ? rule->name : std::string_view{};
}

TeamTree::TeamTree(std::span<const Team> teams) {
  for (const Team& team : teams) teams_.insert_or_assign(team.id, team);
}

const Team* TeamTree::Find(TeamId id) const {
  auto it = teams_.find(id);
  return it == teams_.end() ? nullptr : &it->second;
}

bool TeamTree::IsAtOrBelow(TeamId team, TeamId ancestor) const {
  // At most one step per team in the tree, so a cycle cannot loop forever.
  std::optional<TeamId> at = team;
  for (size_t steps = 0; at && steps <= teams_.size(); ++steps) {
    if (*at == ancestor) return true;
    const Team* node = Find(*at);
    if (node == nullptr) return false;
    at = node->parent;
  }
  return false;
}

Decision Authorise(const Principal& principal, Action action, const Target& target,
                   const TeamTree& tree) {
  const Rule* rule = FindRule(action);
  if (rule == nullptr) return Decision::Deny("unknown action");

  // Organisation isolation, before anything else.
  const OrgId org = std::visit([](const auto& p) { return p.org; }, principal);
  if (!org.valid() || org != target.org) return Decision::Deny("belongs to another organisation");
  if (target.team) {
    const Team* team = tree.Find(*target.team);
    if (team == nullptr) return Decision::Deny("unknown " + TeamName(tree, *target.team));
    if (team->org != target.org) return Decision::Deny("belongs to another organisation");
  } else if (rule->scope == Scope::kTeam) {
    return Decision::Deny("no team given");
  }

  return std::visit(
      [&](const auto& p) {
        if constexpr (std::is_same_v<std::decay_t<decltype(p)>, PersonPrincipal>) {
          return DecidePerson(p, *rule, target, tree);
        } else {
          return DecideToken(p, *rule, target, tree);
        }
      },
      principal);
}

}  // namespace everyseat::domain
