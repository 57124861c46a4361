// The pure rules of stories (story.h, issue 5): the visibility matrix (every state against the
// author, a person named, that person's line manager, a moderator and other staff), the people
// whose consent is needed and the state their consents lead to, the "praises extra hours" corpus
// (with the post's own sentences), and recognition equity on a small organisation whose counts
// and rates were worked out by hand.
#include "everyseat/domain/story.h"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "everyseat/domain/model.h"

namespace everyseat::domain {
namespace {

// ---------------------------------------------------------------------------------------------
// CanSee.

const PersonId kAuthor{1};
const PersonId kNamed{2};
const PersonId kManager{3};  // line-manages kNamed
const PersonId kModerator{4};
const PersonId kOther{5};

Story StoryIn(StoryState state) {
  Story story;
  story.id = StoryId{1};
  story.org = OrgId{1};
  story.author = kAuthor;
  story.people = {kNamed};
  story.state = state;
  return story;
}

struct Expected {
  StoryState state;
  bool author, named, manager, moderator, other;
};

TEST(CanSee, MatrixOfStatesAndViewers) {
  const StoryViewer author{kAuthor, false, {}};
  const StoryViewer named{kNamed, false, {}};
  const StoryViewer manager{kManager, false, {kNamed}};
  const StoryViewer moderator{kModerator, true, {}};
  const StoryViewer other{kOther, false, {PersonId{99}}};
  const std::array<Expected, 7> matrix = {{
      //                             author named  manager moderator other
      {StoryState::kDraft, true, false, false, false, false},
      {StoryState::kInModeration, true, false, false, true, false},
      {StoryState::kAwaitingConsent, true, true, true, true, false},
      {StoryState::kPublished, true, true, true, true, true},
      {StoryState::kDeclined, true, true, true, true, false},
      {StoryState::kWithdrawn, true, false, false, true, false},
      {StoryState::kRejected, true, false, false, true, false},
  }};
  for (const Expected& e : matrix) {
    const Story story = StoryIn(e.state);
    SCOPED_TRACE(std::string(Name(e.state)));
    EXPECT_EQ(CanSee(author, story), e.author);
    EXPECT_EQ(CanSee(named, story), e.named);
    EXPECT_EQ(CanSee(manager, story), e.manager);
    EXPECT_EQ(CanSee(moderator, story), e.moderator);
    EXPECT_EQ(CanSee(other, story), e.other);
  }
}

TEST(CanSee, PurgedWithdrawnAndRejectedStoriesStayWithTheAuthorAndModerators) {
  for (const StoryState state : {StoryState::kWithdrawn, StoryState::kRejected}) {
    Story story = StoryIn(state);
    story.purged = true;
    EXPECT_TRUE(CanSee({kAuthor, false, {}}, story));
    EXPECT_TRUE(CanSee({kModerator, true, {}}, story));
    EXPECT_FALSE(CanSee({kNamed, false, {}}, story));
    EXPECT_FALSE(CanSee({kManager, false, {kNamed}}, story));
  }
}

TEST(CanSee, AnyOfSeveralNamedPeopleAndTheirManagersSeeAStoryAwaitingConsent) {
  Story story = StoryIn(StoryState::kAwaitingConsent);
  story.people = {kNamed, PersonId{6}};
  EXPECT_TRUE(CanSee({PersonId{6}, false, {}}, story));
  EXPECT_TRUE(CanSee({PersonId{7}, false, {PersonId{8}, PersonId{6}}}, story));
  EXPECT_FALSE(CanSee({PersonId{7}, false, {PersonId{8}}}, story));
  // The author's own manager is not told before publication (the author is not "named").
  EXPECT_FALSE(CanSee({PersonId{9}, false, {kAuthor}}, story));
}

TEST(CanSee, AViewerWithoutAnIdIsNeverTheAuthor) {
  Story story = StoryIn(StoryState::kDraft);
  story.author = PersonId{};
  EXPECT_FALSE(CanSee(StoryViewer{}, story));
  story.state = StoryState::kPublished;
  EXPECT_TRUE(CanSee(StoryViewer{}, story));
}

// ---------------------------------------------------------------------------------------------
// Consent.

Consent ConsentOf(PersonId person, ConsentState state) { return Consent{person, state, 1}; }

TEST(ConsentNeeded, ThePeopleNamedButTheAuthorOnceEachInOrder) {
  Story story = StoryIn(StoryState::kDraft);
  story.people = {PersonId{7}, kAuthor, PersonId{3}, PersonId{7}, PersonId{2}};
  EXPECT_EQ(ConsentNeeded(story), (std::vector<PersonId>{PersonId{7}, PersonId{3}, PersonId{2}}));
}

TEST(ConsentNeeded, NobodyForMyselfOrATeam) {
  Story story = StoryIn(StoryState::kDraft);
  story.people = {kAuthor};
  EXPECT_TRUE(ConsentNeeded(story).empty());
  story.people = {};
  story.teams = {TeamId{4}};
  EXPECT_TRUE(ConsentNeeded(story).empty());
}

TEST(StateAfterConsents, PublishedAtOnceWhenNobodyIsAsked) {
  Story story = StoryIn(StoryState::kDraft);
  story.people = {kAuthor};
  EXPECT_EQ(StateAfterConsents(story), StoryState::kPublished);
  story.people = {};
  EXPECT_EQ(StateAfterConsents(story), StoryState::kPublished);
}

TEST(StateAfterConsents, PublishedWhenEveryoneNamedHasConsented) {
  Story story = StoryIn(StoryState::kAwaitingConsent);
  story.people = {kNamed, PersonId{6}, kAuthor};
  story.consents = {ConsentOf(PersonId{6}, ConsentState::kGiven),
                    ConsentOf(kNamed, ConsentState::kGiven)};
  EXPECT_EQ(StateAfterConsents(story), StoryState::kPublished);
}

TEST(StateAfterConsents, AwaitingWhileAnyoneIsPendingOrHasNoConsentYet) {
  Story story = StoryIn(StoryState::kAwaitingConsent);
  story.people = {kNamed, PersonId{6}};
  story.consents = {ConsentOf(kNamed, ConsentState::kGiven),
                    ConsentOf(PersonId{6}, ConsentState::kPending)};
  EXPECT_EQ(StateAfterConsents(story), StoryState::kAwaitingConsent);
  story.consents = {ConsentOf(kNamed, ConsentState::kGiven)};
  EXPECT_EQ(StateAfterConsents(story), StoryState::kAwaitingConsent);
  story.consents = {};
  EXPECT_EQ(StateAfterConsents(story), StoryState::kAwaitingConsent);
}

TEST(StateAfterConsents, DeclinedWhenAnyoneNamedDeclinesWhateverTheOthersSaid) {
  Story story = StoryIn(StoryState::kAwaitingConsent);
  story.people = {kNamed, PersonId{6}, PersonId{7}};
  story.consents = {ConsentOf(kNamed, ConsentState::kGiven),
                    ConsentOf(PersonId{6}, ConsentState::kPending),
                    ConsentOf(PersonId{7}, ConsentState::kDeclined)};
  EXPECT_EQ(StateAfterConsents(story), StoryState::kDeclined);
  story.consents = {ConsentOf(kNamed, ConsentState::kGiven),
                    ConsentOf(PersonId{6}, ConsentState::kGiven),
                    ConsentOf(PersonId{7}, ConsentState::kDeclined)};
  EXPECT_EQ(StateAfterConsents(story), StoryState::kDeclined);
}

TEST(StateAfterConsents, ConsentsOfPeopleNotAskedAreIgnored) {
  Story story = StoryIn(StoryState::kAwaitingConsent);
  story.people = {kNamed, kAuthor};
  story.consents = {ConsentOf(kNamed, ConsentState::kGiven),
                    ConsentOf(kAuthor, ConsentState::kDeclined),
                    ConsentOf(PersonId{42}, ConsentState::kDeclined)};
  EXPECT_EQ(StateAfterConsents(story), StoryState::kPublished);
  story.consents = {ConsentOf(PersonId{42}, ConsentState::kGiven)};
  EXPECT_EQ(StateAfterConsents(story), StoryState::kAwaitingConsent);
}

// ---------------------------------------------------------------------------------------------
// PraisesExtraHours.

TEST(PraisesExtraHours, ThePostsOwnSentences) {
  EXPECT_TRUE(
      PraisesExtraHours("The finance manager working extraordinary hours to meet external "
                        "deadlines and helping staff through tough times."));
  EXPECT_TRUE(
      PraisesExtraHours("The primary care mental health teams putting patients first and working "
                        "extra shift to assess patients"));
  EXPECT_FALSE(
      PraisesExtraHours("The receptionist walking 5 miles through the snow to make sure the "
                        "healthcentre is open on a winter\u2019s day."));
}

TEST(PraisesExtraHours, Positives) {
  const std::vector<std::string_view> positives = {
      "She was working extraordinary hours all month.",
      "He worked extra shifts over Christmas.",
      "Picked up an extra shift when we were short.",
      "Stayed late every night to finish the audit.",
      "She stayed on after her shift to settle a frightened patient.",
      "Came in on her day off to help with the inspection.",
      "They worked through the weekend to reopen the ward.",
      "She gave up her weekends for the training programme.",
      "Worked all night with the family.",
      "Sat with him through the night.",
      "Doing 12-hour days for weeks.",
      "Thank you for the long hours you put in.",
      "Did lots of OVERTIME to clear the backlog.",
      "Worked without a break until the list was done.",
      "Never takes leave, always there for us.",
      "A double shift on Boxing Day.",
      "Worked late into the night on the bid.",
      "Came in at the weekend to move the clinic.",
      "Skipped lunch every day that week.",
      "She stayed behind to finish the rota.",
      "Worked 14 hours straight.",
      "Burning the midnight oil on the business case.",
      "Long-hours, back-to-back shifts, and still smiling.",
      "He hardly took a day off all year.",
      "Gave up her annual leave to cover the unit.",
  };
  for (const std::string_view text : positives) EXPECT_TRUE(PraisesExtraHours(text)) << text;
}

TEST(PraisesExtraHours, Negatives) {
  const std::vector<std::string_view> negatives = {
      "The weekend cover rota was redesigned with the team.",
      "She thanked the night team for their handover notes.",
      "A calmer shift handover that everyone uses now.",
      "He published the hours of operation for the new clinic.",
      "Extra staff were recruited after her business case.",
      "After the inspection she took a well-earned break.",
      "She went the extra mile to find an interpreter.",
      "A long-standing problem with discharge letters was fixed.",
      "He stayed calm when the alarm went off.",
      "She never takes shortcuts with infection control.",
      "The late shift now starts at 2pm.",
      "A two hour workshop on civility.",
      "",
      "Overtimely is not a word, nor is longhours.",
      "She works nights and leads the night team.",
  };
  for (const std::string_view text : negatives) EXPECT_FALSE(PraisesExtraHours(text)) << text;
}

TEST(PraisesExtraHours, WholeWordsOnlyAndAnyCase) {
  EXPECT_TRUE(PraisesExtraHours("OVERTIME"));
  EXPECT_TRUE(PraisesExtraHours("Extra   Hours!"));
  EXPECT_TRUE(PraisesExtraHours("extra\nshifts"));
  EXPECT_FALSE(PraisesExtraHours("extrahours"));
  EXPECT_FALSE(PraisesExtraHours("overtimes"));
}

// ---------------------------------------------------------------------------------------------
// RecognitionEquity.
//
// The organisation "Org" (tree order):
//   Org/A (1) ─┬─ Org/A/X (2)
//              └─ Org/A/Y (3)
//   Org/B (4) ─── Org/B/Z (5)          (Z has nobody)
//
// People (staff group; teams):
//   p1 nursing   A (lead)
//   p2 nursing   X
//   p3 admin     X and Y                (a person in two teams)
//   p4 medical   Y
//   p5 admin     B
//   p6 estates   no team
//   p7 AHP       B
//
// Window [from, to) = [T, T + 180 days). Stories (published at; people; teams):
//   s1  from           p2, p3           X (once: two of its members), Y (p3)
//   s2  to - 1         p4; team B       Y, B
//   s3  to             p5               outside (to is excluded)
//   s4  from - 1       p7               outside
//   s5  to - 90 days   team A           A
//   s6  from + 10 d    p6               no team; estates group only
//   s7  from + 20 d    p1, p2; team X   A (p1), X (p2 and the team: once)
//
// Teams (staff; stories; per 100): A 1; s5 s7 = 2; 200. X 2; s1 s7 = 2; 100.
//   Y 2; s1 s2 = 2; 100. B 2; s2 = 1; 50. Z 0 (no team row).
// Levels (subtree staff; distinct stories): A {p1 p2 p3 p4} = 4; s1 s2 s5 s7 = 4; 100.
//   X 2; 2; 100. Y 2; 2; 100. B {p5 p7} = 2; s2 = 1; 50. Z 0; 0; 0.
// Staff groups: nursing {p1 p2} 2; s1 s7 = 2; 100. medical {p4} 1; s2 = 1; 100.
//   AHP {p7} 1; 0 (s4 is outside); 0. admin {p3 p5} 2; s1 = 1 (s3 outside); 50.
//   estates {p6} 1; s6 = 1; 100. The other groups have nobody: no row.
// Recent ([to - 90 days, to)): s2 (Y, B) and s5 (A, at exactly to - 90 days); s3 is at `to`.
//   Without recent stories: X only (Z has no staff).

constexpr int64_t kDay = 86400;
constexpr int64_t kFrom = 1'700'000'000;
constexpr int64_t kTo = kFrom + 180 * kDay;

const OrgId kOrg{1};
const TeamId kA{1}, kX{2}, kY{3}, kB{4}, kZ{5};
const PersonId kP1{1}, kP2{2}, kP3{3}, kP4{4}, kP5{5}, kP6{6}, kP7{7};

std::vector<Team> Teams() {
  return {
      {kA, kOrg, std::nullopt, "A", "Org/A"}, {kX, kOrg, kA, "X", "Org/A/X"},
      {kY, kOrg, kA, "Y", "Org/A/Y"},         {kB, kOrg, std::nullopt, "B", "Org/B"},
      {kZ, kOrg, kB, "Z", "Org/B/Z"},
  };
}

Person PersonOf(PersonId id, StaffGroup group) {
  Person p;
  p.id = id;
  p.org = kOrg;
  p.name = "Person " + std::to_string(id.value);
  p.staff_group = group;
  return p;
}

std::vector<Person> People() {
  return {
      PersonOf(kP1, StaffGroup::kNursingAndMidwifery),
      PersonOf(kP2, StaffGroup::kNursingAndMidwifery),
      PersonOf(kP3, StaffGroup::kAdministrativeAndClerical),
      PersonOf(kP4, StaffGroup::kMedicalAndDental),
      PersonOf(kP5, StaffGroup::kAdministrativeAndClerical),
      PersonOf(kP6, StaffGroup::kEstatesAndAncillary),
      PersonOf(kP7, StaffGroup::kAlliedHealthProfessionals),
  };
}

std::vector<Membership> Memberships() {
  return {
      {kP1, kA, TeamRole::kLead},   {kP2, kX, TeamRole::kMember}, {kP3, kX, TeamRole::kMember},
      {kP3, kY, TeamRole::kMember}, {kP4, kY, TeamRole::kMember}, {kP5, kB, TeamRole::kMember},
      {kP7, kB, TeamRole::kMember},
  };
}

std::vector<StoryCount> Stories() {
  return {
      {kFrom, {kP2, kP3}, {}},               // s1
      {kTo - 1, {kP4}, {kB}},                // s2
      {kTo, {kP5}, {}},                      // s3
      {kFrom - 1, {kP7}, {}},                // s4
      {kTo - 90 * kDay, {}, {kA}},           // s5
      {kFrom + 10 * kDay, {kP6}, {}},        // s6
      {kFrom + 20 * kDay, {kP1, kP2}, {kX}}  // s7
  };
}

Equity Worked() {
  const auto teams = Teams();
  const auto people = People();
  const auto memberships = Memberships();
  const auto stories = Stories();
  return RecognitionEquity(teams, people, memberships, stories, kFrom, kTo);
}

void ExpectRow(const EquityRow& row, std::string_view label, std::optional<TeamId> team, int depth,
               int64_t staff, int64_t stories, double per_100) {
  SCOPED_TRACE(std::string(label));
  EXPECT_EQ(row.label, label);
  EXPECT_EQ(row.team, team);
  EXPECT_EQ(row.depth, depth);
  EXPECT_EQ(row.staff, staff);
  EXPECT_EQ(row.stories, stories);
  EXPECT_DOUBLE_EQ(row.per_100_staff, per_100);
}

TEST(RecognitionEquity, TheWindowIsKept) {
  const Equity e = Worked();
  EXPECT_EQ(e.from, kFrom);
  EXPECT_EQ(e.to, kTo);
}

TEST(RecognitionEquity, TeamsWithStaffInTreeOrder) {
  const Equity e = Worked();
  ASSERT_EQ(e.by_team.size(), 4u);
  ExpectRow(e.by_team[0], "Org/A", kA, 0, 1, 2, 200);
  ExpectRow(e.by_team[1], "Org/A/X", kX, 0, 2, 2, 100);
  ExpectRow(e.by_team[2], "Org/A/Y", kY, 0, 2, 2, 100);
  ExpectRow(e.by_team[3], "Org/B", kB, 0, 2, 1, 50);
}

TEST(RecognitionEquity, EveryLevelWithItsSubtree) {
  const Equity e = Worked();
  ASSERT_EQ(e.by_level.size(), 5u);
  ExpectRow(e.by_level[0], "Org/A", kA, 1, 4, 4, 100);
  ExpectRow(e.by_level[1], "Org/A/X", kX, 2, 2, 2, 100);
  ExpectRow(e.by_level[2], "Org/A/Y", kY, 2, 2, 2, 100);
  ExpectRow(e.by_level[3], "Org/B", kB, 1, 2, 1, 50);
  ExpectRow(e.by_level[4], "Org/B/Z", kZ, 2, 0, 0, 0);
}

TEST(RecognitionEquity, StaffGroupsWithStaffInTheirOrder) {
  const Equity e = Worked();
  ASSERT_EQ(e.by_staff_group.size(), 5u);
  ExpectRow(e.by_staff_group[0], "nursing_and_midwifery", std::nullopt, 0, 2, 2, 100);
  ExpectRow(e.by_staff_group[1], "medical_and_dental", std::nullopt, 0, 1, 1, 100);
  ExpectRow(e.by_staff_group[2], "allied_health_professionals", std::nullopt, 0, 1, 0, 0);
  ExpectRow(e.by_staff_group[3], "administrative_and_clerical", std::nullopt, 0, 2, 1, 50);
  ExpectRow(e.by_staff_group[4], "estates_and_ancillary", std::nullopt, 0, 1, 1, 100);
}

TEST(RecognitionEquity, TeamsWithoutAStoryInTheLast90Days) {
  const Equity e = Worked();
  ASSERT_EQ(e.teams_without_recent.size(), 1u);
  ExpectRow(e.teams_without_recent[0], "Org/A/X", kX, 0, 2, 2, 100);
}

// One team, one member, one story: where the story falls decides everything.
Equity OneStoryAt(int64_t published_at, int64_t from, int64_t to) {
  const std::vector<Team> teams = {{kA, kOrg, std::nullopt, "A", "Org/A"}};
  const std::vector<Person> people = {PersonOf(kP1, StaffGroup::kOther)};
  const std::vector<Membership> memberships = {{kP1, kA, TeamRole::kMember}};
  const std::vector<StoryCount> stories = {{published_at, {kP1}, {}}};
  return RecognitionEquity(teams, people, memberships, stories, from, to);
}

TEST(RecognitionEquity, TheWindowIncludesFromAndExcludesTo) {
  EXPECT_EQ(OneStoryAt(kFrom, kFrom, kTo).by_team.at(0).stories, 1);
  EXPECT_EQ(OneStoryAt(kFrom - 1, kFrom, kTo).by_team.at(0).stories, 0);
  EXPECT_EQ(OneStoryAt(kTo - 1, kFrom, kTo).by_team.at(0).stories, 1);
  EXPECT_EQ(OneStoryAt(kTo, kFrom, kTo).by_team.at(0).stories, 0);
  EXPECT_EQ(OneStoryAt(kTo, kFrom, kTo).by_staff_group.at(0).stories, 0);
  EXPECT_EQ(OneStoryAt(kFrom, kFrom, kTo).by_staff_group.at(0).stories, 1);
}

TEST(RecognitionEquity, RecentMeansTheLast90DaysBeforeToExactly) {
  EXPECT_TRUE(OneStoryAt(kTo - 90 * kDay, kFrom, kTo).teams_without_recent.empty());
  EXPECT_EQ(OneStoryAt(kTo - 90 * kDay - 1, kFrom, kTo).teams_without_recent.size(), 1u);
  EXPECT_TRUE(OneStoryAt(kTo - 1, kFrom, kTo).teams_without_recent.empty());
  EXPECT_EQ(OneStoryAt(kTo, kFrom, kTo).teams_without_recent.size(), 1u);
}

TEST(RecognitionEquity, RecentIgnoresFrom) {
  // A window of the last 30 days; a story 60 days ago is outside it but still recent.
  const Equity e = OneStoryAt(kTo - 60 * kDay, kTo - 30 * kDay, kTo);
  EXPECT_EQ(e.by_team.at(0).stories, 0);
  EXPECT_TRUE(e.teams_without_recent.empty());
}

TEST(RecognitionEquity, RatesAreNotRounded) {
  const std::vector<Team> teams = {{kA, kOrg, std::nullopt, "A", "Org/A"}};
  const std::vector<Person> people = {PersonOf(kP1, StaffGroup::kOther),
                                      PersonOf(kP2, StaffGroup::kOther),
                                      PersonOf(kP3, StaffGroup::kOther)};
  const std::vector<Membership> memberships = {
      {kP1, kA, TeamRole::kMember}, {kP2, kA, TeamRole::kLead}, {kP3, kA, TeamRole::kMember}};
  const std::vector<StoryCount> stories = {{kFrom, {kP2}, {}}};
  const Equity e = RecognitionEquity(teams, people, memberships, stories, kFrom, kTo);
  ExpectRow(e.by_team.at(0), "Org/A", kA, 0, 3, 1, 100.0 / 3);
  ExpectRow(e.by_staff_group.at(0), "other", std::nullopt, 0, 3, 1, 100.0 / 3);
}

TEST(RecognitionEquity, AMembershipRepeatedOrAsMemberAndLeadCountsOnce) {
  const std::vector<Team> teams = {{kA, kOrg, std::nullopt, "A", "Org/A"}};
  const std::vector<Person> people = {PersonOf(kP1, StaffGroup::kOther)};
  const std::vector<Membership> memberships = {{kP1, kA, TeamRole::kMember},
                                               {kP1, kA, TeamRole::kLead}};
  const std::vector<StoryCount> stories = {{kFrom, {kP1, kP1}, {kA, kA}}};
  const Equity e = RecognitionEquity(teams, people, memberships, stories, kFrom, kTo);
  ExpectRow(e.by_team.at(0), "Org/A", kA, 0, 1, 1, 100);
  ExpectRow(e.by_level.at(0), "Org/A", kA, 1, 1, 1, 100);
  ExpectRow(e.by_staff_group.at(0), "other", std::nullopt, 0, 1, 1, 100);
}

TEST(RecognitionEquity, NothingGivesNothing) {
  const Equity e = RecognitionEquity({}, {}, {}, {}, kFrom, kTo);
  EXPECT_TRUE(e.by_team.empty());
  EXPECT_TRUE(e.by_level.empty());
  EXPECT_TRUE(e.by_staff_group.empty());
  EXPECT_TRUE(e.teams_without_recent.empty());
}

}  // namespace
}  // namespace everyseat::domain
