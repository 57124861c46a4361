// The authorisation matrix (issue 3): every (principal, action, target team) cell of a small
// organisation, with the expected decision written from product.md's rules ("Who uses it",
// "Roles": a member writes data only for their own teams' measures; leads define measures;
// the administrator administers the organisation; board, equality and moderator see their views),
// not from running the code. Plus targeted tests of the tree rule and token scope.
#include "everyseat/domain/authorise.h"

#include <algorithm>
#include <array>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

namespace everyseat::domain {
namespace {

// Organisation 1 ("Trust"):
//   Directorate 1 (10) ── Ward 7 (11) ── Ward 7 nights (12)
//   Directorate 2 (20) ── Pharmacy (21)
// Organisation 2 ("Other trust"):
//   Other ward (30)
const OrgId kOrg1{1};
const OrgId kOrg2{2};
const TeamId kD1{10};
const TeamId kWard7{11};
const TeamId kWard7Nights{12};
const TeamId kD2{20};
const TeamId kPharmacy{21};
const TeamId kOtherWard{30};

TeamTree Tree() {
  const std::vector<Team> teams = {
      {kD1, kOrg1, std::nullopt, "Directorate 1", "Trust/Directorate 1"},
      {kWard7, kOrg1, kD1, "Ward 7", "Trust/Directorate 1/Ward 7"},
      {kWard7Nights, kOrg1, kWard7, "Ward 7 nights", "Trust/Directorate 1/Ward 7/Ward 7 nights"},
      {kD2, kOrg1, std::nullopt, "Directorate 2", "Trust/Directorate 2"},
      {kPharmacy, kOrg1, kD2, "Pharmacy", "Trust/Directorate 2/Pharmacy"},
      {kOtherWard, kOrg2, std::nullopt, "Other ward", "Other trust/Other ward"},
  };
  return TeamTree(teams);
}

PersonPrincipal Person(OrgId org, int64_t id, std::vector<Membership> memberships,
                       std::vector<OrgRole> roles) {
  return PersonPrincipal{org, PersonId{id}, std::move(memberships), std::move(roles)};
}
Membership MemberOf(TeamId team) { return Membership{PersonId{}, team, TeamRole::kMember}; }
Membership LeadOf(TeamId team) { return Membership{PersonId{}, team, TeamRole::kLead}; }

// The principals of the matrix, and the four teams each is asked about: their own team, a team
// below it, a team elsewhere in the organisation and a team of another organisation. People with
// organisation roles only belong to no team, so for them "own" and "sub" are simply Ward 7 and
// Ward 7 nights. The person of the other organisation is lead of Other ward and an administrator
// there, so their row shows their roles working at home (the last column) and nowhere else.
struct Seat {
  std::string_view name;
  Principal principal;
  std::array<TeamId, 4> columns;  // own, sub, other, other organisation
};

std::vector<Seat> Seats() {
  const std::array<TeamId, 4> ward7_view = {kWard7, kWard7Nights, kPharmacy, kOtherWard};
  return {
      {"member of Ward 7", Person(kOrg1, 1, {MemberOf(kWard7)}, {}), ward7_view},
      {"lead of Directorate 1",
       Person(kOrg1, 2, {LeadOf(kD1)}, {}),
       {kD1, kWard7, kPharmacy, kOtherWard}},
      {"admin", Person(kOrg1, 3, {}, {OrgRole::kAdmin}), ward7_view},
      {"board", Person(kOrg1, 4, {}, {OrgRole::kBoard}), ward7_view},
      {"moderator", Person(kOrg1, 5, {}, {OrgRole::kModerator}), ward7_view},
      {"equality", Person(kOrg1, 6, {}, {OrgRole::kEquality}), ward7_view},
      {"other organisation's lead and admin",
       Person(kOrg2, 7, {LeadOf(kOtherWard)}, {OrgRole::kAdmin}), ward7_view},
      {"token of Ward 7", TokenPrincipal{kOrg1, TokenId{1}, kWard7}, ward7_view},
  };
}

// Expected decisions: per action, one group of four cells per seat (in the order of Seats()),
// each cell for (own, sub, other, other organisation): 'Y' allowed, '.' refused.
struct Expected {
  Action action;
  std::array<std::string_view, 8> cells;
};

// clang-format off
constexpr std::array kMatrix = {
//                                         member  lead D1  admin   board   moderator equality other org token
  Expected{Action::kViewMeasures,          {"YYY.", "YYY.", "YYY.", "YYY.", "YYY.",  "YYY.",  "...Y",  "Y..."}},
  Expected{Action::kAddObservation,        {"Y...", "YY..", "....", "....", "....",  "....",  "...Y",  "Y..."}},
  Expected{Action::kCorrectObservation,    {"Y...", "YY..", "....", "....", "....",  "....",  "...Y",  "Y..."}},
  Expected{Action::kAnnotateMeasure,       {"....", "YY..", "....", "....", "....",  "....",  "...Y",  "...."}},
  Expected{Action::kDefineMeasure,         {"....", "YY..", "....", "....", "....",  "....",  "...Y",  "...."}},
  Expected{Action::kRetireMeasure,         {"....", "YY..", "....", "....", "....",  "....",  "...Y",  "...."}},
  Expected{Action::kManageTeamMembers,     {"....", "YY..", "YYY.", "....", "....",  "....",  "...Y",  "...."}},
  Expected{Action::kManageTokens,          {"....", "YY..", "....", "....", "....",  "....",  "...Y",  "...."}},
  Expected{Action::kViewAuditLog,          {"....", "....", "YYY.", "....", "....",  "....",  "...Y",  "...."}},
  Expected{Action::kAdminister,            {"....", "....", "YYY.", "....", "....",  "....",  "...Y",  "...."}},
  Expected{Action::kImportStaff,           {"....", "....", "YYY.", "....", "....",  "....",  "...Y",  "...."}},
  Expected{Action::kModerateStories,       {"....", "....", "....", "....", "YYY.",  "....",  "....",  "...."}},
  Expected{Action::kViewRecognitionEquity, {"....", "....", "....", "YYY.", "....",  "YYY.",  "....",  "...."}},
  Expected{Action::kViewBoard,             {"....", "....", "YYY.", "YYY.", "....",  "....",  "...Y",  "...."}},
  Expected{Action::kRecordStory,           {"YYY.", "YYY.", "YYY.", "YYY.", "YYY.",  "YYY.",  "...Y",  "...."}},
  Expected{Action::kAcknowledgeStory,      {"....", "YY..", "....", "....", "....",  "....",  "...Y",  "...."}},
  Expected{Action::kAnswerPulse,           {"Y...", "Y...", "....", "....", "....",  "....",  "...Y",  "...."}},
  Expected{Action::kViewPulseResults,      {"Y...", "YY..", "YYY.", "YYY.", "....",  "....",  "...Y",  "...."}},
  Expected{Action::kPostReflection,        {"....", "YYY.", "YYY.", "YYY.", "....",  "....",  "...Y",  "...."}},
  Expected{Action::kReplyToReflection,     {"YYY.", "YYY.", "YYY.", "YYY.", "YYY.",  "YYY.",  "...Y",  "...."}},
};
// clang-format on

OrgId OrgOf(TeamId team) { return team == kOtherWard ? kOrg2 : kOrg1; }

TEST(AuthoriseMatrix, CoversEveryActionOnce) {
  std::set<Action> seen;
  for (const Expected& row : kMatrix) EXPECT_TRUE(seen.insert(row.action).second);
  ASSERT_EQ(seen.size(), AllActions().size());
  for (Action action : AllActions()) EXPECT_TRUE(seen.contains(action)) << Name(action);
}

TEST(AuthoriseMatrix, RefusesEveryForbiddenCellAndAllowsEveryAllowedCell) {
  const TeamTree tree = Tree();
  const std::vector<Seat> seats = Seats();
  ASSERT_EQ(seats.size(), kMatrix[0].cells.size());
  const std::array<std::string_view, 4> column_names = {"own team", "subteam", "other team",
                                                        "other organisation"};
  int allowed = 0;
  int refused = 0;
  for (const Expected& row : kMatrix) {
    for (size_t s = 0; s < seats.size(); ++s) {
      const Seat& seat = seats[s];
      ASSERT_EQ(row.cells[s].size(), 4u);
      for (size_t c = 0; c < 4; ++c) {
        const TeamId team = seat.columns[c];
        const Target target{OrgOf(team), team, std::nullopt};
        const Decision d = Authorise(seat.principal, row.action, target, tree);
        const bool expect_allowed = row.cells[s][c] == 'Y';
        EXPECT_EQ(d.allowed, expect_allowed) << seat.name << " / " << Name(row.action) << " / "
                                             << column_names[c] << ": " << d.reason;
        if (expect_allowed) {
          EXPECT_TRUE(d.reason.empty()) << d.reason;
          ++allowed;
        } else {
          EXPECT_FALSE(d.reason.empty())
              << seat.name << " / " << Name(row.action) << " / " << column_names[c];
          ++refused;
        }
      }
    }
  }
  EXPECT_EQ(allowed + refused, 20 * 8 * 4);
}

TEST(AuthoriseMatrix, RefusesEveryActionOnAnotherOrganisationsTarget) {
  const TeamTree tree = Tree();
  for (const Seat& seat : Seats()) {
    const OrgId own = std::visit([](const auto& p) { return p.org; }, seat.principal);
    const bool in_org1 = own == kOrg1;
    const Target foreign{in_org1 ? kOrg2 : kOrg1, in_org1 ? kOtherWard : kWard7, std::nullopt};
    for (Action action : AllActions()) {
      const Decision d = Authorise(seat.principal, action, foreign, tree);
      EXPECT_FALSE(d.allowed) << seat.name << " / " << Name(action);
      EXPECT_EQ(d.reason, "belongs to another organisation");
    }
  }
}

TEST(AuthoriseTree, LeadOfADirectorateLeadsEveryTeamBelowItAtAnyDepth) {
  const TeamTree tree = Tree();
  const Principal lead = Person(kOrg1, 2, {LeadOf(kD1)}, {});
  for (TeamId team : {kD1, kWard7, kWard7Nights}) {
    EXPECT_TRUE(Authorise(lead, Action::kDefineMeasure, {kOrg1, team, std::nullopt}, tree));
  }
  const Decision d = Authorise(lead, Action::kDefineMeasure, {kOrg1, kD2, std::nullopt}, tree);
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.reason, "not a lead of team Directorate 2");
}

TEST(AuthoriseTree, LeadershipDoesNotFlowUp) {
  const Principal ward_lead = Person(kOrg1, 8, {LeadOf(kWard7)}, {});
  const Decision d =
      Authorise(ward_lead, Action::kDefineMeasure, {kOrg1, kD1, std::nullopt}, Tree());
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.reason, "not a lead of team Directorate 1");
}

TEST(AuthoriseTree, MembershipDoesNotFlowDown) {
  const TeamTree tree = Tree();
  const Principal member = Person(kOrg1, 1, {MemberOf(kWard7)}, {});
  EXPECT_TRUE(Authorise(member, Action::kAddObservation, {kOrg1, kWard7, std::nullopt}, tree));
  const Decision d =
      Authorise(member, Action::kAddObservation, {kOrg1, kWard7Nights, std::nullopt}, tree);
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.reason, "not a member or lead of team Ward 7 nights");
}

TEST(AuthoriseTree, MemberCannotDefineMeasuresAndIsToldWhy) {
  const Principal member = Person(kOrg1, 1, {MemberOf(kWard7)}, {});
  const Decision d =
      Authorise(member, Action::kDefineMeasure, {kOrg1, kWard7, std::nullopt}, Tree());
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.reason, "not a lead of team Ward 7");
}

TEST(AuthoriseTree, DirectorateLeadDoesNotAnswerEachWardsPulse) {
  const Principal lead = Person(kOrg1, 2, {LeadOf(kD1)}, {});
  const Decision d = Authorise(lead, Action::kAnswerPulse, {kOrg1, kWard7, std::nullopt}, Tree());
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.reason, "not a member of team Ward 7");
}

TEST(AuthoriseTree, CycleInAMalformedTreeEndsTheWalk) {
  const std::vector<Team> teams = {{TeamId{1}, kOrg1, TeamId{2}, "A", "T/A"},
                                   {TeamId{2}, kOrg1, TeamId{1}, "B", "T/B"},
                                   {TeamId{3}, kOrg1, std::nullopt, "C", "T/C"}};
  const TeamTree tree(teams);
  EXPECT_TRUE(tree.IsAtOrBelow(TeamId{1}, TeamId{2}));
  EXPECT_FALSE(tree.IsAtOrBelow(TeamId{1}, TeamId{3}));
}

TEST(AuthoriseToken, WritesObservationsOfExactlyItsOwnTeam) {
  const TeamTree tree = Tree();
  const Principal token = TokenPrincipal{kOrg1, TokenId{1}, kWard7};
  EXPECT_TRUE(Authorise(token, Action::kAddObservation, {kOrg1, kWard7, std::nullopt}, tree));
  EXPECT_TRUE(Authorise(token, Action::kCorrectObservation, {kOrg1, kWard7, std::nullopt}, tree));
  EXPECT_TRUE(Authorise(token, Action::kViewMeasures, {kOrg1, kWard7, std::nullopt}, tree));
  for (TeamId team : {kWard7Nights, kD1, kPharmacy}) {
    const Decision d = Authorise(token, Action::kAddObservation, {kOrg1, team, std::nullopt}, tree);
    EXPECT_FALSE(d.allowed);
    EXPECT_EQ(d.reason, "the API token is scoped to team Ward 7");
  }
}

TEST(AuthoriseToken, DoesNothingButReadAndWriteObservations) {
  const TeamTree tree = Tree();
  const Principal token = TokenPrincipal{kOrg1, TokenId{1}, kWard7};
  const Decision define =
      Authorise(token, Action::kDefineMeasure, {kOrg1, kWard7, std::nullopt}, tree);
  EXPECT_FALSE(define.allowed);
  EXPECT_EQ(define.reason, "an API token cannot define measures");
  const Decision story =
      Authorise(token, Action::kRecordStory, {kOrg1, kWard7, std::nullopt}, tree);
  EXPECT_FALSE(story.allowed);
  EXPECT_EQ(story.reason, "an API token cannot record stories");
}

TEST(AuthoriseRoles, AdministratorDoesNotWriteTeamDataUnlessAMember) {
  const TeamTree tree = Tree();
  const Target ward7{kOrg1, kWard7, std::nullopt};
  const Principal admin = Person(kOrg1, 3, {}, {OrgRole::kAdmin});
  const Decision d = Authorise(admin, Action::kAddObservation, ward7, tree);
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.reason, "not a member or lead of team Ward 7");
  EXPECT_EQ(Authorise(admin, Action::kManageTokens, ward7, tree).reason,
            "not a lead of team Ward 7");
  const Principal admin_on_ward = Person(kOrg1, 3, {MemberOf(kWard7)}, {OrgRole::kAdmin});
  EXPECT_TRUE(Authorise(admin_on_ward, Action::kAddObservation, ward7, tree));
}

TEST(AuthoriseRoles, RoleRefusalsNameTheRolesThatWouldDo) {
  const TeamTree tree = Tree();
  const Principal member = Person(kOrg1, 1, {MemberOf(kWard7)}, {});
  const Target org{kOrg1, std::nullopt, std::nullopt};
  EXPECT_EQ(Authorise(member, Action::kModerateStories, org, tree).reason, "not a moderator");
  EXPECT_EQ(Authorise(member, Action::kViewBoard, org, tree).reason,
            "not a board member or an administrator");
  EXPECT_EQ(Authorise(member, Action::kAdminister, org, tree).reason, "not an administrator");
  EXPECT_EQ(
      Authorise(member, Action::kViewPulseResults, {kOrg1, kPharmacy, std::nullopt}, tree).reason,
      "not a member or lead of team Pharmacy, a board member or an administrator");
}

TEST(AuthoriseStory, LineManagerAcknowledgesWhateverTheSubjectsTeam) {
  const TeamTree tree = Tree();
  const Principal manager = Person(kOrg1, 9, {MemberOf(kD2)}, {});
  EXPECT_TRUE(Authorise(manager, Action::kAcknowledgeStory, {kOrg1, kWard7, PersonId{9}}, tree));
  const Decision d =
      Authorise(manager, Action::kAcknowledgeStory, {kOrg1, kWard7, PersonId{10}}, tree);
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.reason, "not a lead of team Ward 7 or the line manager of the story's subject");
}

TEST(AuthoriseTarget, TeamActionsNeedAKnownTeamOfTheOrganisation) {
  const TeamTree tree = Tree();
  const Principal lead = Person(kOrg1, 2, {LeadOf(kD1)}, {});
  EXPECT_EQ(
      Authorise(lead, Action::kDefineMeasure, {kOrg1, std::nullopt, std::nullopt}, tree).reason,
      "no team given");
  EXPECT_EQ(Authorise(lead, Action::kDefineMeasure, {kOrg1, TeamId{99}, std::nullopt}, tree).reason,
            "unknown team 99");
  // The target claims organisation 1 but the team is organisation 2's.
  EXPECT_EQ(Authorise(lead, Action::kDefineMeasure, {kOrg1, kOtherWard, std::nullopt}, tree).reason,
            "belongs to another organisation");
}

TEST(AuthoriseActions, EveryActionHasAUniqueName) {
  std::set<std::string_view> names;
  for (Action action : AllActions()) {
    EXPECT_FALSE(Name(action).empty());
    EXPECT_TRUE(names.insert(Name(action)).second) << Name(action);
  }
  EXPECT_EQ(Name(Action::kAddObservation), "add_observation");
  EXPECT_EQ(Authorise(Person(kOrg1, 1, {}, {}), static_cast<Action>(999),
                      {kOrg1, std::nullopt, std::nullopt}, Tree())
                .reason,
            "unknown action");
}

}  // namespace
}  // namespace everyseat::domain
