// The store's conformance suite: every test runs against every engine (TestEngines: SQLite
// always, PostgreSQL under scripts/with-postgres), each on a fresh empty database.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "everyseat/domain/secrets.h"
#include "everyseat/domain/validate.h"
#include "everyseat/store/store.h"
#include "store_fixture.h"
#include "test_database.h"

namespace everyseat::store {
namespace {

using domain::Actor;
using domain::AnnotationKind;
using domain::Measure;
using domain::Membership;
using domain::ObservationInput;
using domain::OrgRole;
using domain::Person;
using domain::StaffGroup;
using domain::TagKind;
using domain::TeamRole;
using testing::DayAfter;
using testing::Fails;
using testing::Must;
using testing::TestDatabase;

class StoreTest : public testing::StoreFixture {};

// --- Opening and migrations.

// store/migrations holds 0001_initial, 0002_notifications, 0003_stories and
// 0004_one_observation_index.
TEST_P(StoreTest, OpenAppliesTheMigrationsOnceAndReopens) {
  EXPECT_EQ(Must(store_->SchemaVersion()), 4);
  EXPECT_EQ(store_->Engine(), GetParam());
  store_.reset();
  auto again = Open(Durability::kFull);
  ASSERT_NE(again, nullptr);
  EXPECT_EQ(Must(again->SchemaVersion()), 4);
  EXPECT_EQ(db_->Query("SELECT version FROM schema_migrations ORDER BY version"),
            (std::vector<std::string>{"1", "2", "3", "4"}));
  EXPECT_EQ(Must(again->ListOrganisations()).size(), 1u);
}

TEST_P(StoreTest, OpenRefusesADatabaseNewerThanTheProgram) {
  store_.reset();
  ASSERT_TRUE(db_->Query("INSERT INTO schema_migrations (version, name, applied_at) "
                         "VALUES (9999, 'future', 0)")
                  .empty());
  auto s = Store::Open(db_->url(), Durability::kNormal);
  EXPECT_TRUE(Fails(s, StoreErrorCode::kInvalid, "", "newer than this program"));
}

TEST_P(StoreTest, TwoStoresOnOneDatabaseSeeEachOthersWrites) {
  auto other = Open();
  ASSERT_NE(other, nullptr);
  const auto team = MakeTeam("Medicine");
  EXPECT_EQ(Must(other->GetTeam(org_, team.id)), team);
  Must(other->CreateTeam(admin_, org_, team.id, "Ward 7"));
  EXPECT_EQ(Must(store_->ListTeams(org_)).size(), 2u);
}

// --- Organisations.

TEST_P(StoreTest, ANewOrganisationGetsTheDefaultValuesAndBehaviours) {
  const auto values = Must(store_->ListTags(org_, TagKind::kValue, false));
  std::vector<std::string> names;
  for (const auto& v : values) names.push_back(v.name);
  EXPECT_EQ(names, (std::vector<std::string>{"dignity", "respect", "trust", "safety", "civility",
                                             "compassion"}));
  const auto behaviours = Must(store_->ListTags(org_, TagKind::kBehaviour, false));
  ASSERT_EQ(behaviours.size(), domain::DefaultBehaviours().size());
  EXPECT_EQ(behaviours.back().name, "owning a mistake");
  const auto audit = AuditOf("organisation", org_.value);
  ASSERT_EQ(audit.size(), 1u);
  EXPECT_EQ(audit[0].action, "organisation.create");
  EXPECT_EQ(audit[0].actor, admin_);
  EXPECT_EQ(audit[0].at, now_);
  EXPECT_EQ(audit[0].before_json, "");
  EXPECT_NE(audit[0].after_json.find("\"name\":\"Northshire Trust\""), std::string::npos);
  EXPECT_NE(audit[0].after_json.find("\"owning a mistake\""), std::string::npos);
}

TEST_P(StoreTest, OrganisationNamesAreUnique) {
  EXPECT_TRUE(Fails(store_->CreateOrganisation(admin_, "Northshire Trust"),
                    StoreErrorCode::kConflict, "name",
                    "an organisation named Northshire Trust exists already"));
  EXPECT_TRUE(Fails(store_->CreateOrganisation(admin_, "A/B"), StoreErrorCode::kInvalid, "name"));
  const auto second = Must(store_->CreateOrganisation(admin_, "Southshire ICS"));
  EXPECT_EQ(Must(store_->GetOrganisation(second.id)).name, "Southshire ICS");
  EXPECT_EQ(Must(store_->ListOrganisations()).size(), 2u);
  EXPECT_TRUE(Fails(store_->GetOrganisation(OrgId(999)), StoreErrorCode::kNotFound, "org"));
}

// --- Teams.

TEST_P(StoreTest, TeamsFormATreeOfAnyDepthWithPaths) {
  const auto medicine = MakeTeam("Medicine");
  const auto ward = MakeTeam("Ward 7", medicine.id);
  const auto bay = MakeTeam("Bay A", ward.id);
  const auto north = MakeTeam("Ward 7 North", medicine.id);
  const auto surgery = MakeTeam("Surgery");
  EXPECT_EQ(medicine.path, "Northshire Trust/Medicine");
  EXPECT_EQ(bay.path, "Northshire Trust/Medicine/Ward 7/Bay A");
  EXPECT_EQ(bay.parent, ward.id);
  EXPECT_FALSE(medicine.parent.has_value());

  const auto subtree = Must(store_->ListSubtree(org_, medicine.id));
  std::vector<std::string> paths;
  for (const auto& t : subtree) paths.push_back(t.path);
  EXPECT_EQ(paths, (std::vector<std::string>{"Northshire Trust/Medicine",
                                             "Northshire Trust/Medicine/Ward 7",
                                             "Northshire Trust/Medicine/Ward 7/Bay A",
                                             "Northshire Trust/Medicine/Ward 7 North"}));
  EXPECT_EQ(Must(store_->ListSubtree(org_, bay.id)).size(), 1u);
  EXPECT_EQ(Must(store_->ListTeams(org_)).size(), 5u);
  EXPECT_EQ(Must(store_->ListTeams(org_)).back(), surgery);

  EXPECT_EQ(Must(store_->FindTeamByPath(org_, " Northshire Trust / Medicine / Ward 7 ")), ward);
  EXPECT_EQ(Must(store_->GetTeam(org_, north.id)), north);
  EXPECT_TRUE(Fails(store_->FindTeamByPath(org_, "Northshire Trust/Cardiology"),
                    StoreErrorCode::kNotFound, "path", "no team Northshire Trust/Cardiology"));
  EXPECT_TRUE(Fails(store_->FindTeamByPath(org_, "Northshire Trust//Ward"),
                    StoreErrorCode::kInvalid, "path", "empty part"));
  EXPECT_EQ(AuditOf("team").size(), 5u);
}

TEST_P(StoreTest, CreateTeamRejectsBadNamesUnknownParentsAndDuplicates) {
  const auto medicine = MakeTeam("Medicine");
  EXPECT_TRUE(Fails(store_->CreateTeam(admin_, org_, std::nullopt, "A/B"), StoreErrorCode::kInvalid,
                    "name", "contains '/'"));
  EXPECT_TRUE(Fails(store_->CreateTeam(admin_, org_, std::nullopt, "  "), StoreErrorCode::kInvalid,
                    "name", "name is empty"));
  EXPECT_TRUE(Fails(store_->CreateTeam(admin_, org_, TeamId(424242), "Ward 9"),
                    StoreErrorCode::kNotFound, "parent", "parent team 424242 not found"));
  EXPECT_TRUE(Fails(store_->CreateTeam(admin_, org_, std::nullopt, "Medicine"),
                    StoreErrorCode::kConflict, "name",
                    "a team Northshire Trust/Medicine exists already"));
  EXPECT_TRUE(Fails(store_->CreateTeam(admin_, OrgId(999), std::nullopt, "Ward"),
                    StoreErrorCode::kNotFound, "org"));
  EXPECT_TRUE(Fails(store_->GetTeam(org_, TeamId(424242)), StoreErrorCode::kNotFound, "team"));
  EXPECT_TRUE(Fails(store_->ListSubtree(org_, TeamId(424242)), StoreErrorCode::kNotFound, "team"));
  EXPECT_EQ(Must(store_->ListTeams(org_)), std::vector<domain::Team>{medicine});
}

// --- People.

TEST_P(StoreTest, PeopleAreCreatedFoundAndListed) {
  const auto ada = MakePerson("Ada Okafor", " Ada.Okafor@NHS.net ");
  EXPECT_TRUE(ada.id.valid());
  EXPECT_EQ(ada.email, "ada.okafor@nhs.net");
  EXPECT_EQ(Must(store_->GetPerson(org_, ada.id)), ada);
  EXPECT_EQ(Must(store_->FindPersonByEmail(org_, "ADA.OKAFOR@nhs.net")), ada);
  const auto ben = MakePerson("Ben Ahmed", "ben.ahmed@nhs.net");
  const auto people = Must(store_->ListPeople(org_));
  ASSERT_EQ(people.size(), 2u);
  EXPECT_EQ(people[0], ada);
  EXPECT_EQ(people[1], ben);
  EXPECT_TRUE(Fails(store_->FindPersonByEmail(org_, "nobody@nhs.net"), StoreErrorCode::kNotFound,
                    "email", "no one has the email nobody@nhs.net"));
  EXPECT_TRUE(Fails(store_->GetPerson(org_, PersonId(777)), StoreErrorCode::kNotFound, "person"));
  const auto audit = AuditOf("person", ada.id.value);
  ASSERT_EQ(audit.size(), 1u);
  EXPECT_EQ(audit[0].action, "person.create");
  EXPECT_NE(audit[0].after_json.find("\"staff_group\":\"nursing_and_midwifery\""),
            std::string::npos);
}

TEST_P(StoreTest, EmailsAreUniqueWithinAnOrganisationOnly) {
  MakePerson("Ada Okafor", "ada@nhs.net");
  Person twin;
  twin.org = org_;
  twin.name = "Another Ada";
  twin.email = "ADA@nhs.net";
  EXPECT_TRUE(Fails(store_->CreatePerson(admin_, twin), StoreErrorCode::kConflict, "email",
                    "someone in this organisation has the email ada@nhs.net already"));
  const auto other = Must(store_->CreateOrganisation(admin_, "Southshire ICS"));
  twin.org = other.id;
  EXPECT_TRUE(store_->CreatePerson(admin_, twin));
  const auto ben = MakePerson("Ben Ahmed", "ben@nhs.net");
  Person renamed = ben;
  renamed.email = "ada@nhs.net";
  EXPECT_TRUE(Fails(store_->UpdatePerson(admin_, renamed), StoreErrorCode::kConflict, "email"));
  EXPECT_EQ(Must(store_->GetPerson(org_, ben.id)).email, "ben@nhs.net");
}

TEST_P(StoreTest, CreatePersonValidatesItsFields) {
  Person p;
  p.org = org_;
  p.name = "Cara";
  p.email = "not-an-email";
  EXPECT_TRUE(Fails(store_->CreatePerson(admin_, p), StoreErrorCode::kInvalid, "email",
                    "email is not an email address like name@example.nhs.uk"));
  p.email = "cara@nhs.net";
  p.name = "";
  EXPECT_TRUE(Fails(store_->CreatePerson(admin_, p), StoreErrorCode::kInvalid, "name"));
  p.name = "Cara";
  p.line_manager = PersonId(999);
  EXPECT_TRUE(Fails(store_->CreatePerson(admin_, p), StoreErrorCode::kNotFound, "line_manager",
                    "line manager 999 not found"));
  EXPECT_TRUE(Must(store_->ListPeople(org_)).empty());
}

TEST_P(StoreTest, UpdatePersonRecordsBeforeAndAfter) {
  const auto manager = MakePerson("Dee Manager", "dee@nhs.net");
  auto ada = MakePerson("Ada Okafor", "ada@nhs.net");
  Person changed = ada;
  changed.job_title = "Ward manager";
  changed.staff_group = StaffGroup::kAlliedHealthProfessionals;
  changed.line_manager = manager.id;
  now_ += 60;
  const auto updated = Must(store_->UpdatePerson(Actor::Of(manager.id), changed));
  EXPECT_EQ(updated, changed);
  EXPECT_EQ(Must(store_->GetPerson(org_, ada.id)), changed);
  const auto audit = AuditOf("person", ada.id.value);
  ASSERT_EQ(audit.size(), 2u);
  EXPECT_EQ(audit[1].action, "person.update");
  EXPECT_EQ(audit[1].actor.person, manager.id);
  EXPECT_EQ(audit[1].at, now_);
  EXPECT_NE(audit[1].before_json.find("\"job_title\":\"Staff nurse\""), std::string::npos);
  EXPECT_NE(audit[1].after_json.find("\"job_title\":\"Ward manager\""), std::string::npos);
  EXPECT_NE(audit[1].after_json.find("\"line_manager\":" + std::to_string(manager.id.value)),
            std::string::npos);
  Person ghost = changed;
  ghost.id = PersonId(99999);
  EXPECT_TRUE(Fails(store_->UpdatePerson(admin_, ghost), StoreErrorCode::kNotFound, "person"));
}

TEST_P(StoreTest, LineManagementCannotLoop) {
  const auto a = MakePerson("A", "a@nhs.net");
  auto b = MakePerson("B", "b@nhs.net");
  auto c = MakePerson("C", "c@nhs.net");
  b.line_manager = a.id;
  Must(store_->UpdatePerson(admin_, b));
  c.line_manager = b.id;
  Must(store_->UpdatePerson(admin_, c));
  Person top = a;
  top.line_manager = c.id;  // c -> b -> a -> c
  EXPECT_TRUE(
      Fails(store_->UpdatePerson(admin_, top), StoreErrorCode::kInvalid, "line_manager", "loop"));
  top.line_manager = a.id;
  EXPECT_TRUE(Fails(store_->UpdatePerson(admin_, top), StoreErrorCode::kInvalid, "line_manager",
                    "themself"));
  EXPECT_FALSE(Must(store_->GetPerson(org_, a.id)).line_manager.has_value());
}

// --- Memberships and roles.

TEST_P(StoreTest, MembershipsAreAddedChangedAndRemoved) {
  const auto ward = MakeTeam("Ward 7");
  const auto ada = MakePerson("Ada", "ada@nhs.net");
  const auto ben = MakePerson("Ben", "ben@nhs.net");
  Must(store_->SetMembership(admin_, org_, Membership{ada.id, ward.id, TeamRole::kMember}));
  Must(store_->SetMembership(admin_, org_, Membership{ben.id, ward.id, TeamRole::kMember}));
  Must(store_->SetMembership(admin_, org_, Membership{ada.id, ward.id, TeamRole::kLead}));
  const size_t before = AuditCount();
  Must(store_->SetMembership(admin_, org_, Membership{ada.id, ward.id, TeamRole::kLead}));
  EXPECT_EQ(AuditCount(), before) << "an unchanged membership writes no audit entry";

  EXPECT_EQ(Must(store_->ListMembersOfTeam(org_, ward.id)),
            (std::vector<Membership>{{ada.id, ward.id, TeamRole::kLead},
                                     {ben.id, ward.id, TeamRole::kMember}}));
  EXPECT_EQ(Must(store_->ListMembershipsOfPerson(org_, ada.id)),
            (std::vector<Membership>{{ada.id, ward.id, TeamRole::kLead}}));
  Must(store_->RemoveMembership(admin_, org_, ben.id, ward.id));
  EXPECT_TRUE(Fails(store_->RemoveMembership(admin_, org_, ben.id, ward.id),
                    StoreErrorCode::kNotFound, "", "is not in team"));
  EXPECT_EQ(Must(store_->ListMembersOfTeam(org_, ward.id)).size(), 1u);
  EXPECT_TRUE(Fails(store_->SetMembership(admin_, org_, Membership{ada.id, TeamId(999)}),
                    StoreErrorCode::kNotFound, "team"));
  const auto audit = AuditOf("membership");
  std::vector<std::string> actions;
  for (const auto& e : audit) actions.push_back(e.action);
  EXPECT_EQ(actions, (std::vector<std::string>{"membership.create", "membership.create",
                                               "membership.update", "membership.remove"}));
  EXPECT_NE(audit[2].before_json.find("\"role\":\"member\""), std::string::npos);
  EXPECT_NE(audit[2].after_json.find("\"role\":\"lead\""), std::string::npos);
}

TEST_P(StoreTest, OrganisationRolesAreGrantedAndRevoked) {
  const auto ada = MakePerson("Ada", "ada@nhs.net");
  Must(store_->GrantRole(admin_, org_, ada.id, OrgRole::kBoard));
  Must(store_->GrantRole(admin_, org_, ada.id, OrgRole::kModerator));
  EXPECT_EQ(Must(store_->ListRoles(org_, ada.id)),
            (std::vector<OrgRole>{OrgRole::kModerator, OrgRole::kBoard}));
  EXPECT_TRUE(Fails(store_->GrantRole(admin_, org_, ada.id, OrgRole::kBoard),
                    StoreErrorCode::kConflict, "role", "has the role board already"));
  Must(store_->RevokeRole(admin_, org_, ada.id, OrgRole::kBoard));
  EXPECT_TRUE(Fails(store_->RevokeRole(admin_, org_, ada.id, OrgRole::kBoard),
                    StoreErrorCode::kNotFound, "role"));
  EXPECT_EQ(Must(store_->ListRoles(org_, ada.id)), std::vector<OrgRole>{OrgRole::kModerator});
  EXPECT_TRUE(Fails(store_->GrantRole(admin_, org_, PersonId(999), OrgRole::kAdmin),
                    StoreErrorCode::kNotFound, "person"));
  std::vector<std::string> actions;
  for (const auto& e : AuditOf("person", ada.id.value)) actions.push_back(e.action);
  EXPECT_EQ(actions,
            (std::vector<std::string>{"person.create", "role.grant", "role.grant", "role.revoke"}));
}

// --- Values and behaviours.

TEST_P(StoreTest, TagsAreAddedRetiredAndRestored) {
  const auto kindness =
      Must(store_->AddTag(admin_, org_, TagKind::kValue, "kindness", "Being kind to each other"));
  EXPECT_TRUE(kindness.active);
  EXPECT_TRUE(Fails(store_->AddTag(admin_, org_, TagKind::kValue, "kindness", ""),
                    StoreErrorCode::kConflict, "name", "a value named kindness exists already"));
  EXPECT_TRUE(store_->AddTag(admin_, org_, TagKind::kBehaviour, "kindness", ""));
  const auto retired = Must(store_->SetTagActive(admin_, org_, kindness.id, false));
  EXPECT_FALSE(retired.active);
  EXPECT_EQ(Must(store_->ListTags(org_, TagKind::kValue, false)).size(), 6u);
  const auto all = Must(store_->ListTags(org_, TagKind::kValue, true));
  ASSERT_EQ(all.size(), 7u);
  EXPECT_EQ(all.back(), retired);
  EXPECT_TRUE(Must(store_->SetTagActive(admin_, org_, kindness.id, true)).active);
  EXPECT_TRUE(Fails(store_->SetTagActive(admin_, org_, TagId(99999), true),
                    StoreErrorCode::kNotFound, "tag"));
  std::vector<std::string> actions;
  for (const auto& e : AuditOf("tag", kindness.id.value)) actions.push_back(e.action);
  EXPECT_EQ(actions, (std::vector<std::string>{"tag.create", "tag.retire", "tag.restore"}));
}

// --- Measures.

TEST_P(StoreTest, MeasuresAreCreatedReadListedAndUpdated) {
  const auto ward = MakeTeam("Ward 7");
  const auto falls = MakeMeasure(ward.id, "Falls");
  EXPECT_TRUE(falls.id.valid());
  EXPECT_EQ(falls.created_at, now_);
  EXPECT_EQ(Must(store_->GetMeasure(org_, falls.id)), falls);
  Measure ratio = falls;
  ratio.name = "Discharges before noon";
  ratio.chart = spc::Chart::kP;
  ratio.direction = spc::Direction::kIncrease;
  ratio.target.reset();
  ratio.kind = domain::MeasureKind::kProcess;
  ratio.frequency = domain::Frequency::kDaily;
  ratio = Must(store_->CreateMeasure(admin_, ratio));
  EXPECT_EQ(Must(store_->GetMeasure(org_, ratio.id)), ratio);
  EXPECT_EQ(Must(store_->ListMeasures(org_, ward.id)), (std::vector<Measure>{falls, ratio}));

  Measure changed = falls;
  changed.target = 2.0;
  changed.direction = spc::Direction::kNeutral;
  changed.chart = spc::Chart::kC;
  changed.kind = domain::MeasureKind::kBalancing;
  changed.frequency = domain::Frequency::kQuarterly;
  EXPECT_EQ(Must(store_->UpdateMeasure(admin_, changed)), changed);
  EXPECT_EQ(Must(store_->GetMeasure(org_, falls.id)), changed);
  const auto audit = AuditOf("measure", falls.id.value);
  ASSERT_EQ(audit.size(), 2u);
  EXPECT_NE(audit[1].before_json.find("\"chart\":\"i\""), std::string::npos);
  EXPECT_NE(audit[1].after_json.find("\"chart\":\"c\""), std::string::npos);
  EXPECT_NE(audit[1].after_json.find("\"target\":2"), std::string::npos);

  EXPECT_TRUE(Fails(store_->CreateMeasure(admin_, falls), StoreErrorCode::kConflict, "name",
                    "has a measure named Falls already"));
  Measure orphan = falls;
  orphan.team = TeamId(999);
  EXPECT_TRUE(Fails(store_->CreateMeasure(admin_, orphan), StoreErrorCode::kNotFound, "team"));
  Measure unnamed = falls;
  unnamed.name = "";
  EXPECT_TRUE(Fails(store_->CreateMeasure(admin_, unnamed), StoreErrorCode::kInvalid, "name"));
  EXPECT_TRUE(
      Fails(store_->GetMeasure(org_, MeasureId(999)), StoreErrorCode::kNotFound, "measure"));
}

// --- Observations.

TEST_P(StoreTest, ObservationsAreListedInPeriodOrder) {
  const auto ward = MakeTeam("Ward 7");
  const auto falls = MakeMeasure(ward.id, "Falls");
  const Actor nurse = Actor::Of(MakePerson("Ada", "ada@nhs.net").id);
  for (const char* period : {"2024-03-04", "2024-02-26", "2024-03-11"}) {
    Must(store_->AppendObservation(nurse, org_, ObservationInput{falls.id, period, 4, {}}));
  }
  const auto list = Must(store_->ListObservations(org_, falls.id));
  ASSERT_EQ(list.size(), 3u);
  EXPECT_EQ(list[0].period, "2024-02-26");
  EXPECT_EQ(list[1].period, "2024-03-04");
  EXPECT_EQ(list[2].period, "2024-03-11");
  EXPECT_EQ(list[0].period_start, 1708905600);
  EXPECT_EQ(list[0].entered_by, nurse);
  EXPECT_EQ(list[0].entered_at, now_);
  EXPECT_EQ(list[0].version, 1);
  EXPECT_FALSE(list[0].superseded);
  EXPECT_FALSE(list[0].denominator.has_value());
}

TEST_P(StoreTest, AppendObservationRejectsBadInput) {
  const auto ward = MakeTeam("Ward 7");
  const auto falls = MakeMeasure(ward.id, "Falls");
  const auto ratio = MakeMeasure(ward.id, "Before noon", spc::Chart::kP);
  Must(store_->AppendObservation(admin_, org_, {falls.id, "2024-03-04", 4, {}}));
  EXPECT_TRUE(Fails(store_->AppendObservation(admin_, org_, {falls.id, "2024-03-04", 5, {}}),
                    StoreErrorCode::kConflict, "period",
                    "period 2024-03-04 of measure " + std::to_string(falls.id.value) +
                        " has a value already; correct it instead"));
  EXPECT_TRUE(Fails(store_->AppendObservation(admin_, org_, {falls.id, "2024-02-30", 5, {}}),
                    StoreErrorCode::kInvalid, "period", "is not a day of the calendar"));
  EXPECT_TRUE(Fails(store_->AppendObservation(admin_, org_, {ratio.id, "2024-03-04", 5, {}}),
                    StoreErrorCode::kInvalid, "denominator", "a p chart needs one"));
  EXPECT_TRUE(Fails(store_->AppendObservation(admin_, org_, {MeasureId(999), "2024-03-04", 5, {}}),
                    StoreErrorCode::kNotFound, "measure"));
  const auto with = Must(store_->AppendObservation(admin_, org_, {ratio.id, "2024-03-04", 5, 20}));
  EXPECT_EQ(with.denominator, 20.0);
  EXPECT_EQ(Must(store_->ListObservations(org_, ratio.id)).front(), with);
}

// The group writer's append: inside a transaction, to the measure read in it, without reading
// it again; each refusal leaves the transaction's other appends.
TEST_P(StoreTest, AppendObservationToAMeasureReadInTheTransaction) {
  const auto ward = MakeTeam("Ward 7");
  const auto falls = MakeMeasure(ward.id, "Falls");
  const auto ratio = MakeMeasure(ward.id, "Before noon", spc::Chart::kP);
  const Actor nurse = Actor::Of(MakePerson("Ada", "ada@nhs.net").id);
  // Outside a transaction, or with an input of another measure: refused, nothing written.
  EXPECT_TRUE(Fails(store_->AppendObservationTo(nurse, falls, {falls.id, "2024-03-04", 4, {}}),
                    StoreErrorCode::kInvalid, "", "no transaction is open"));
  const size_t audit_before = AuditCount();
  domain::Observation first;
  domain::Observation second;
  {
    auto tx = Must(store_->Begin());
    const auto read = Must(store_->GetMeasure(org_, falls.id));
    EXPECT_TRUE(Fails(store_->AppendObservationTo(nurse, read, {ratio.id, "2024-03-04", 4, 9}),
                      StoreErrorCode::kInvalid, "measure"));
    first = Must(store_->AppendObservationTo(nurse, read, {falls.id, "2024-03-04", 4, {}}));
    // A repeated period and a value the chart refuses: each undoes only itself.
    EXPECT_TRUE(Fails(store_->AppendObservationTo(nurse, read, {falls.id, "2024-03-04", 5, {}}),
                      StoreErrorCode::kConflict, "period", "has a value already"));
    const auto read_ratio = Must(store_->GetMeasure(org_, ratio.id));
    EXPECT_TRUE(
        Fails(store_->AppendObservationTo(nurse, read_ratio, {ratio.id, "2024-03-04", 5, {}}),
              StoreErrorCode::kInvalid, "denominator", "a p chart needs one"));
    second = Must(store_->AppendObservationTo(nurse, read, {falls.id, "2024-03-11", 6.5, {}}));
    Must(tx.Commit());
  }
  // The ids given are the rows' ids, and each append has its audit entry.
  EXPECT_LT(first.id.value, second.id.value);
  const auto list = Must(store_->ListObservations(org_, falls.id));
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0], first);
  EXPECT_EQ(list[1], second);
  EXPECT_EQ(list[1].value, 6.5);
  EXPECT_EQ(list[1].entered_by, nurse);
  EXPECT_EQ(list[1].version, 1);
  EXPECT_TRUE(Must(store_->ListObservations(org_, ratio.id)).empty());
  EXPECT_EQ(AuditCount(), audit_before + 2);
  AuditQuery query;
  query.entity = "observation";
  query.entity_id = second.id.value;
  const auto audit = Must(store_->ListAudit(org_, query));
  ASSERT_EQ(audit.size(), 1u);
  EXPECT_EQ(audit[0].action, "observation.append");
  // Rolled back: nothing stays.
  {
    auto tx = Must(store_->Begin());
    const auto read = Must(store_->GetMeasure(org_, falls.id));
    Must(store_->AppendObservationTo(nurse, read, {falls.id, "2024-03-18", 7, {}}));
    tx.Rollback();
  }
  EXPECT_EQ(Must(store_->ListObservations(org_, falls.id)).size(), 2u);
  EXPECT_EQ(AuditCount(), audit_before + 2);
}

// Since 0004 no index says that a period has one current version: the append's version 1
// conflicting with the first version of a corrected period is what keeps it so.
TEST_P(StoreTest, AnAppendToACorrectedPeriodStillConflicts) {
  const auto ward = MakeTeam("Ward 7");
  const auto falls = MakeMeasure(ward.id, "Falls");
  Must(store_->AppendObservation(admin_, org_, {falls.id, "2024-03-04", 4, {}}));
  Must(store_->CorrectObservation(admin_, org_, {falls.id, "2024-03-04", 3, {}}));
  Must(store_->CorrectObservation(admin_, org_, {falls.id, "2024-03-04", 2, {}}));
  const std::string why = "period 2024-03-04 of measure " + std::to_string(falls.id.value) +
                          " has a value already; correct it instead";
  EXPECT_TRUE(Fails(store_->AppendObservation(admin_, org_, {falls.id, "2024-03-04", 9, {}}),
                    StoreErrorCode::kConflict, "period", why));
  const std::vector<domain::ObservationInput> batch = {{falls.id, "2024-03-11", 5, {}},
                                                       {falls.id, "2024-03-04", 9, {}}};
  EXPECT_TRUE(Fails(store_->AppendObservations(admin_, org_, batch), StoreErrorCode::kConflict,
                    "period", "2024-03-04"));
  const auto current = Must(store_->ListObservations(org_, falls.id));
  ASSERT_EQ(current.size(), 1u);
  EXPECT_EQ(current[0].value, 2);
  EXPECT_EQ(current[0].version, 3);
  EXPECT_EQ(Must(store_->ListObservationHistory(org_, falls.id, "2024-03-04")).size(), 3u);
}

TEST_P(StoreTest, CorrectionsKeepTheHistoryOfAPeriod) {
  const auto ward = MakeTeam("Ward 7");
  const auto falls = MakeMeasure(ward.id, "Falls");
  const auto ada = MakePerson("Ada", "ada@nhs.net");
  const auto first = Must(store_->AppendObservation(admin_, org_, {falls.id, "2024-03-04", 4, {}}));
  Must(store_->AppendObservation(admin_, org_, {falls.id, "2024-03-11", 6, {}}));
  now_ += 3600;
  const auto second =
      Must(store_->CorrectObservation(Actor::Of(ada.id), org_, {falls.id, "2024-03-04", 3, {}}));
  now_ += 3600;
  const auto third =
      Must(store_->CorrectObservation(Actor::Of(ada.id), org_, {falls.id, "2024-03-04", 2.5, {}}));
  EXPECT_EQ(second.version, 2);
  EXPECT_EQ(third.version, 3);
  EXPECT_EQ(third.entered_at, now_);

  const auto current = Must(store_->ListObservations(org_, falls.id));
  ASSERT_EQ(current.size(), 2u);
  EXPECT_EQ(current[0], third);
  EXPECT_EQ(current[1].value, 6);

  const auto history = Must(store_->ListObservationHistory(org_, falls.id, "2024-03-04"));
  ASSERT_EQ(history.size(), 3u);
  EXPECT_EQ(history[0].id, first.id);
  EXPECT_EQ(history[0].value, 4);
  EXPECT_TRUE(history[0].superseded);
  EXPECT_EQ(history[0].entered_by, admin_);
  EXPECT_EQ(history[1].value, 3);
  EXPECT_TRUE(history[1].superseded);
  EXPECT_EQ(history[2], third);
  EXPECT_TRUE(Must(store_->ListObservationHistory(org_, falls.id, "2024-01-01")).empty());

  const auto audit = AuditOf("observation", third.id.value);
  ASSERT_EQ(audit.size(), 1u);
  EXPECT_EQ(audit[0].action, "observation.correct");
  EXPECT_NE(audit[0].before_json.find("\"value\":3"), std::string::npos);
  EXPECT_NE(audit[0].after_json.find("\"value\":2.5"), std::string::npos);
  EXPECT_TRUE(Fails(store_->CorrectObservation(admin_, org_, {falls.id, "2024-05-06", 1, {}}),
                    StoreErrorCode::kNotFound, "period", "has no value to correct"));
}

TEST_P(StoreTest, ABatchIsWrittenWholeWithOneAuditEntry) {
  const auto ward = MakeTeam("Ward 7");
  const auto falls = MakeMeasure(ward.id, "Falls");
  const auto ratio = MakeMeasure(ward.id, "Before noon", spc::Chart::kP);
  std::vector<ObservationInput> batch;
  for (int i = 0; i < 2000; ++i) {
    batch.push_back({falls.id, DayAfter("2020-01-01", i), static_cast<double>(i % 17), {}});
    batch.push_back({ratio.id, DayAfter("2020-01-01", i), static_cast<double>(i % 9), 10});
  }
  const size_t before = AuditCount();
  EXPECT_EQ(Must(store_->AppendObservations(admin_, org_, batch)), 4000u);
  const auto list = Must(store_->ListObservations(org_, falls.id));
  ASSERT_EQ(list.size(), 2000u);
  EXPECT_EQ(list[1999].period, DayAfter("2020-01-01", 1999));
  EXPECT_EQ(list[1999].value, 1999 % 17);
  EXPECT_EQ(Must(store_->ListObservations(org_, ratio.id))[5].denominator, 10.0);
  ASSERT_EQ(AuditCount(), before + 1);
  const auto entry = AuditOf().back();
  EXPECT_EQ(entry.action, "observation.append_batch");
  EXPECT_EQ(entry.entity_id, 0);
  EXPECT_NE(entry.after_json.find("\"rows\":4000"), std::string::npos);
  EXPECT_NE(entry.after_json.find("\"first_period\":\"2020-01-01\""), std::string::npos);
  EXPECT_EQ(Must(store_->AppendObservations(admin_, org_, {})), 0u);
  EXPECT_EQ(AuditCount(), before + 1);
}

TEST_P(StoreTest, ABatchWithOneBadRowWritesNothing) {
  const auto ward = MakeTeam("Ward 7");
  const auto falls = MakeMeasure(ward.id, "Falls");
  Must(store_->AppendObservation(admin_, org_, {falls.id, "2021-06-01", 1, {}}));
  const size_t audit_before = AuditCount();
  const auto batch_with = [&](size_t bad_index, ObservationInput bad) {
    std::vector<ObservationInput> batch;
    for (int i = 0; i < 1000; ++i) batch.push_back({falls.id, DayAfter("2020-01-01", i), 1, {}});
    batch[bad_index] = std::move(bad);
    return batch;
  };
  // 2021-06-01 is day 517 after 2020-01-01 and already has a value: the row that repeats it
  // (row 518) fails at the database, after rows 1 to 517 went in; they must be rolled back.
  auto stored = batch_with(999, {falls.id, "2030-01-01", 1, {}});
  EXPECT_TRUE(Fails(store_->AppendObservations(admin_, org_, stored), StoreErrorCode::kConflict,
                    "period", "row 518: period 2021-06-01 of measure"));
  EXPECT_TRUE(Fails(
      store_->AppendObservations(admin_, org_, batch_with(700, {falls.id, "2020-01-05", 1, {}})),
      StoreErrorCode::kConflict, "period", "row 701: period 2020-01-05"));
  EXPECT_TRUE(Fails(
      store_->AppendObservations(admin_, org_, batch_with(899, {falls.id, "2030-13-01", 1, {}})),
      StoreErrorCode::kInvalid, "period", "row 900: period"));
  EXPECT_TRUE(Fails(store_->AppendObservations(
                        admin_, org_, batch_with(0, {MeasureId(999), "2030-01-01", 1, {}})),
                    StoreErrorCode::kNotFound, "measure", "row 1: measure 999 not found"));
  EXPECT_TRUE(Fails(
      store_->AppendObservations(admin_, org_, batch_with(10, {falls.id, "2030-01-01", 1, -1})),
      StoreErrorCode::kInvalid, "denominator", "row 11: denominator is negative"));
  EXPECT_EQ(Must(store_->ListObservations(org_, falls.id)).size(), 1u);
  EXPECT_EQ(AuditCount(), audit_before);
}

// --- Annotations.

TEST_P(StoreTest, AnnotationsAreAddedListedAndRemoved) {
  const auto ward = MakeTeam("Ward 7");
  const auto falls = MakeMeasure(ward.id, "Falls");
  const auto lead = MakePerson("Lead", "lead@nhs.net");
  domain::Annotation a;
  a.org = org_;
  a.measure = falls.id;
  a.period = "2024-04-01";
  a.kind = AnnotationKind::kRebase;
  a.text = "New falls bundle in place";
  const auto rebase = Must(store_->AddAnnotation(Actor::Of(lead.id), a));
  a.period = "2024-02-01";
  a.kind = AnnotationKind::kPdsa;
  a.text = "PDSA 1: hourly rounding";
  const auto pdsa = Must(store_->AddAnnotation(Actor::Of(lead.id), a));
  EXPECT_EQ(rebase.created_by.person, lead.id);
  EXPECT_EQ(rebase.period_start, *domain::ParseIsoDate("2024-04-01"));
  EXPECT_EQ(Must(store_->ListAnnotations(org_, falls.id)),
            (std::vector<domain::Annotation>{pdsa, rebase}));
  a.text = " ";
  EXPECT_TRUE(Fails(store_->AddAnnotation(admin_, a), StoreErrorCode::kInvalid, "text"));
  Must(store_->RemoveAnnotation(admin_, org_, pdsa.id));
  EXPECT_TRUE(Fails(store_->RemoveAnnotation(admin_, org_, pdsa.id), StoreErrorCode::kNotFound,
                    "annotation"));
  EXPECT_EQ(Must(store_->ListAnnotations(org_, falls.id)), std::vector<domain::Annotation>{rebase});
  const auto audit = AuditOf("annotation", pdsa.id.value);
  ASSERT_EQ(audit.size(), 2u);
  EXPECT_EQ(audit[1].action, "annotation.remove");
  EXPECT_NE(audit[1].before_json.find("\"kind\":\"pdsa\""), std::string::npos);
  EXPECT_EQ(audit[1].after_json, "");
}

// --- The audit log.

TEST_P(StoreTest, EveryChangeWritesOneAuditEntry) {
  const size_t start = AuditCount();
  const auto ward = MakeTeam("Ward 7");
  const auto ada = MakePerson("Ada", "ada@nhs.net");
  const auto falls = MakeMeasure(ward.id, "Falls");
  Must(store_->SetMembership(admin_, org_, {ada.id, ward.id, TeamRole::kMember}));
  Must(store_->GrantRole(admin_, org_, ada.id, OrgRole::kEquality));
  Must(store_->AppendObservation(admin_, org_, {falls.id, "2024-01-01", 1, {}}));
  Must(store_->CorrectObservation(admin_, org_, {falls.id, "2024-01-01", 2, {}}));
  Must(store_->SetPasswordHash(admin_, org_, ada.id, *domain::HashPassword("correct horse")));
  Must(store_->RecordFailedSignIn(org_, ada.id));
  Must(store_->ResetFailedSignIns(org_, ada.id));
  Must(store_->ResetFailedSignIns(org_, ada.id));  // nothing to reset: no entry
  const auto session = Must(store_->CreateSession(org_, ada.id, 3600));
  Must(store_->RevokeSession(session.secret));
  const auto token = Must(store_->IssueApiToken(admin_, org_, ward.id, "ED feed", std::nullopt));
  Must(store_->AuthenticateApiToken(token.secret));  // bookkeeping only: no entry
  Must(store_->RevokeApiToken(admin_, org_, token.record.id));
  const auto all = AuditOf();
  std::vector<std::string> actions;
  for (size_t i = start; i < all.size(); ++i) actions.push_back(all[i].action);
  EXPECT_EQ(actions, (std::vector<std::string>{
                         "team.create", "person.create", "measure.create", "membership.create",
                         "role.grant", "observation.append", "observation.correct", "password.set",
                         "signin.fail", "signin.reset", "session.create", "session.revoke",
                         "api_token.issue", "api_token.revoke"}));
  for (const auto& e : all) {
    EXPECT_EQ(e.org, org_);
    EXPECT_EQ(e.at, now_);
  }
}

TEST_P(StoreTest, TheAuditLogFiltersAndPages) {
  const auto a = MakeTeam("A");
  MakeTeam("B");
  MakeTeam("C", a.id);
  const auto teams = AuditOf("team");
  ASSERT_EQ(teams.size(), 3u);
  EXPECT_EQ(AuditOf("team", a.id.value).size(), 1u);
  AuditQuery page;
  page.entity = "team";
  page.limit = 2;
  const auto first = Must(store_->ListAudit(org_, page));
  ASSERT_EQ(first.size(), 2u);
  page.after_id = first.back().id.value;
  const auto second = Must(store_->ListAudit(org_, page));
  ASSERT_EQ(second.size(), 1u);
  EXPECT_EQ(second[0], teams[2]);
}

// --- Passwords and sign-in.

TEST_P(StoreTest, PasswordHashesAndFailedSignInsAreKept) {
  const auto ada = MakePerson("Ada", "ada@nhs.net");
  EXPECT_TRUE(Fails(store_->GetPasswordHash(org_, ada.id), StoreErrorCode::kNotFound, "person",
                    "has no password"));
  EXPECT_TRUE(Fails(store_->SetPasswordHash(admin_, org_, ada.id, "plain text"),
                    StoreErrorCode::kInvalid, "password_hash"));
  const std::string hash = *domain::HashPassword("correct horse battery staple");
  Must(store_->SetPasswordHash(admin_, org_, ada.id, hash));
  const std::string stored = Must(store_->GetPasswordHash(org_, ada.id));
  EXPECT_EQ(stored, hash);
  EXPECT_TRUE(domain::VerifyPassword(stored, "correct horse battery staple"));
  EXPECT_FALSE(domain::VerifyPassword(stored, "Correct horse battery staple"));

  EXPECT_EQ(Must(store_->RecordFailedSignIn(org_, ada.id)), 1);
  now_ += 5;
  EXPECT_EQ(Must(store_->RecordFailedSignIn(org_, ada.id)), 2);
  EXPECT_EQ(Must(store_->RecordFailedSignIn(org_, ada.id)), 3);
  auto state = Must(store_->GetSignInState(org_, ada.id));
  EXPECT_EQ(state.failed_count, 3);
  EXPECT_EQ(state.last_failed_at, now_);
  Must(store_->ResetFailedSignIns(org_, ada.id));
  EXPECT_EQ(Must(store_->GetSignInState(org_, ada.id)).failed_count, 0);
  EXPECT_EQ(Must(store_->RecordFailedSignIn(org_, ada.id)), 1);
  Must(store_->SetPasswordHash(admin_, org_, ada.id, hash));  // a new password resets the count
  EXPECT_EQ(Must(store_->GetSignInState(org_, ada.id)).failed_count, 0);

  // Failures are counted for someone without a password too (no hint that it is unset).
  const auto ben = MakePerson("Ben", "ben@nhs.net");
  EXPECT_EQ(Must(store_->RecordFailedSignIn(org_, ben.id)), 1);
  EXPECT_TRUE(Fails(store_->GetPasswordHash(org_, ben.id), StoreErrorCode::kNotFound, "person"));
  EXPECT_TRUE(
      Fails(store_->RecordFailedSignIn(org_, PersonId(999)), StoreErrorCode::kNotFound, "person"));
  for (const auto& e : AuditOf()) EXPECT_EQ(e.after_json.find("$argon2id$"), std::string::npos);
}

// --- Sessions.

TEST_P(StoreTest, SessionsExpireAndAreRevoked) {
  const auto ada = MakePerson("Ada", "ada@nhs.net");
  const auto issued = Must(store_->CreateSession(org_, ada.id, 3600));
  EXPECT_TRUE(domain::LooksLikeToken(issued.secret));
  EXPECT_EQ(issued.record.expires_at, now_ + 3600);
  EXPECT_EQ(Must(store_->FindSession(issued.secret)), issued.record);
  EXPECT_TRUE(Fails(store_->FindSession(domain::NewToken()), StoreErrorCode::kNotFound));
  EXPECT_TRUE(Fails(store_->FindSession("not a token"), StoreErrorCode::kNotFound));
  now_ += 3600;
  EXPECT_TRUE(
      Fails(store_->FindSession(issued.secret), StoreErrorCode::kNotFound, "", "no valid session"));

  const auto second = Must(store_->CreateSession(org_, ada.id, 3600));
  EXPECT_NE(second.secret, issued.secret);
  Must(store_->RevokeSession(second.secret));
  EXPECT_TRUE(Fails(store_->FindSession(second.secret), StoreErrorCode::kNotFound));
  EXPECT_TRUE(Fails(store_->RevokeSession(second.secret), StoreErrorCode::kNotFound));

  const auto third = Must(store_->CreateSession(org_, ada.id, 3600));
  const auto fourth = Must(store_->CreateSession(org_, ada.id, 7200));
  EXPECT_EQ(Must(store_->RevokeSessionsOfPerson(admin_, org_, ada.id)), 3);  // incl. expired
  EXPECT_TRUE(Fails(store_->FindSession(third.secret), StoreErrorCode::kNotFound));
  EXPECT_TRUE(Fails(store_->FindSession(fourth.secret), StoreErrorCode::kNotFound));
  EXPECT_EQ(Must(store_->RevokeSessionsOfPerson(admin_, org_, ada.id)), 0);
  EXPECT_TRUE(
      Fails(store_->CreateSession(org_, ada.id, 0), StoreErrorCode::kInvalid, "lifetime_seconds"));
}

TEST_P(StoreTest, SecretsAreStoredOnlyAsTheirSha256) {
  const auto ward = MakeTeam("Ward 7");
  const auto ada = MakePerson("Ada", "ada@nhs.net");
  const auto session = Must(store_->CreateSession(org_, ada.id, 3600));
  const auto token = Must(store_->IssueApiToken(admin_, org_, ward.id, "feed", std::nullopt));
  EXPECT_EQ(db_->Query("SELECT secret_sha256 FROM sessions"),
            std::vector<std::string>{domain::Sha256Hex(session.secret)});
  EXPECT_EQ(db_->Query("SELECT secret_sha256 FROM api_tokens"),
            std::vector<std::string>{domain::Sha256Hex(token.secret)});
  for (const char* sql :
       {"SELECT before_json FROM audit_log", "SELECT after_json FROM audit_log"}) {
    for (const std::string& text : db_->Query(sql)) {
      EXPECT_EQ(text.find(session.secret), std::string::npos);
      EXPECT_EQ(text.find(token.secret), std::string::npos);
      EXPECT_EQ(text.find(domain::Sha256Hex(token.secret)), std::string::npos);
    }
  }
}

// --- API tokens.

TEST_P(StoreTest, ApiTokensAuthenticateUntilRevokedOrExpired) {
  const auto ward = MakeTeam("Ward 7");
  const auto issued = Must(store_->IssueApiToken(admin_, org_, ward.id, "ED feed", std::nullopt));
  EXPECT_TRUE(domain::LooksLikeToken(issued.secret));
  EXPECT_FALSE(issued.record.last_used_at.has_value());
  now_ += 10;
  const auto used = Must(store_->AuthenticateApiToken(issued.secret));
  EXPECT_EQ(used.id, issued.record.id);
  EXPECT_EQ(used.team, ward.id);
  EXPECT_EQ(used.org, org_);
  EXPECT_EQ(used.last_used_at, now_);
  now_ += 3600;
  EXPECT_EQ(Must(store_->AuthenticateApiToken(issued.secret)).last_used_at, now_);
  EXPECT_EQ(Must(store_->ListApiTokens(org_, ward.id)).front().last_used_at, now_);
  EXPECT_TRUE(Fails(store_->AuthenticateApiToken(domain::NewToken()), StoreErrorCode::kNotFound, "",
                    "no valid API token"));

  Must(store_->RevokeApiToken(admin_, org_, issued.record.id));
  EXPECT_TRUE(Fails(store_->AuthenticateApiToken(issued.secret), StoreErrorCode::kNotFound));
  EXPECT_TRUE(Must(store_->ListApiTokens(org_, ward.id)).front().revoked_at.has_value());
  const size_t before = AuditCount();
  Must(store_->RevokeApiToken(admin_, org_, issued.record.id));  // already revoked: no change
  EXPECT_EQ(AuditCount(), before);

  const auto expiring = Must(store_->IssueApiToken(admin_, org_, ward.id, "Nightly", now_ + 60));
  EXPECT_TRUE(store_->AuthenticateApiToken(expiring.secret));
  now_ += 60;
  EXPECT_TRUE(Fails(store_->AuthenticateApiToken(expiring.secret), StoreErrorCode::kNotFound));
  EXPECT_TRUE(Fails(store_->IssueApiToken(admin_, org_, ward.id, "Past", now_),
                    StoreErrorCode::kInvalid, "expires_at"));
  EXPECT_TRUE(Fails(store_->IssueApiToken(admin_, org_, TeamId(999), "X", std::nullopt),
                    StoreErrorCode::kNotFound, "team"));
  EXPECT_TRUE(Fails(store_->RevokeApiToken(admin_, org_, TokenId(999)), StoreErrorCode::kNotFound,
                    "token"));
  EXPECT_EQ(Must(store_->ListApiTokens(org_, ward.id)).size(), 2u);
}

// --- Organisations are isolated.

TEST_P(StoreTest, AnOrganisationSeesNothingOfAnother) {
  const auto ward = MakeTeam("Ward 7");
  const auto ada = MakePerson("Ada", "ada@nhs.net");
  const auto falls = MakeMeasure(ward.id, "Falls");
  Must(store_->AppendObservation(admin_, org_, {falls.id, "2024-01-01", 1, {}}));
  domain::Annotation note;
  note.org = org_;
  note.measure = falls.id;
  note.period = "2024-01-01";
  note.text = "note";
  const auto annotation = Must(store_->AddAnnotation(admin_, note));
  const auto token = Must(store_->IssueApiToken(admin_, org_, ward.id, "feed", std::nullopt));
  const auto tag = Must(store_->ListTags(org_, TagKind::kValue, false)).front();

  const OrgId b = Must(store_->CreateOrganisation(admin_, "Southshire ICS")).id;
  const auto b_team = MakeTeam("Ward 7", std::nullopt, b);
  const auto b_person = MakePerson("Ben", "ben@nhs.net", b);
  const auto nf = StoreErrorCode::kNotFound;
  EXPECT_TRUE(Fails(store_->GetTeam(b, ward.id), nf, "team"));
  EXPECT_TRUE(Fails(store_->FindTeamByPath(b, ward.path), nf, "path"));
  EXPECT_TRUE(Fails(store_->ListSubtree(b, ward.id), nf, "team"));
  EXPECT_TRUE(Fails(store_->CreateTeam(admin_, b, ward.id, "Bay"), nf, "parent"));
  EXPECT_TRUE(Fails(store_->GetPerson(b, ada.id), nf, "person"));
  EXPECT_TRUE(Fails(store_->FindPersonByEmail(b, "ada@nhs.net"), nf, "email"));
  Person moved = ada;
  moved.org = b;
  EXPECT_TRUE(Fails(store_->UpdatePerson(admin_, moved), nf, "person"));
  Person managed = b_person;
  managed.line_manager = ada.id;
  EXPECT_TRUE(Fails(store_->UpdatePerson(admin_, managed), nf, "line_manager"));
  EXPECT_TRUE(Fails(store_->SetMembership(admin_, b, {ada.id, b_team.id}), nf, "person"));
  EXPECT_TRUE(Fails(store_->SetMembership(admin_, b, {b_person.id, ward.id}), nf, "team"));
  EXPECT_TRUE(Fails(store_->GrantRole(admin_, b, ada.id, OrgRole::kAdmin), nf, "person"));
  EXPECT_TRUE(Fails(store_->SetTagActive(admin_, b, tag.id, false), nf, "tag"));
  EXPECT_TRUE(Fails(store_->GetMeasure(b, falls.id), nf, "measure"));
  EXPECT_TRUE(Fails(store_->ListMeasures(b, ward.id), nf, "team"));
  Measure stolen = falls;
  stolen.org = b;
  EXPECT_TRUE(Fails(store_->CreateMeasure(admin_, stolen), nf, "team"));
  EXPECT_TRUE(Fails(store_->UpdateMeasure(admin_, stolen), nf, "measure"));
  EXPECT_TRUE(Fails(store_->ListObservations(b, falls.id), nf, "measure"));
  EXPECT_TRUE(Fails(store_->ListObservationHistory(b, falls.id, "2024-01-01"), nf, "measure"));
  EXPECT_TRUE(
      Fails(store_->AppendObservation(admin_, b, {falls.id, "2024-02-01", 1, {}}), nf, "measure"));
  const std::vector<ObservationInput> batch = {{falls.id, "2024-02-01", 1, {}}};
  EXPECT_TRUE(Fails(store_->AppendObservations(admin_, b, batch), nf, "measure"));
  EXPECT_TRUE(
      Fails(store_->CorrectObservation(admin_, b, {falls.id, "2024-01-01", 9, {}}), nf, "measure"));
  EXPECT_TRUE(Fails(store_->ListAnnotations(b, falls.id), nf, "measure"));
  EXPECT_TRUE(Fails(store_->RemoveAnnotation(admin_, b, annotation.id), nf, "annotation"));
  note.org = b;
  EXPECT_TRUE(Fails(store_->AddAnnotation(admin_, note), nf, "measure"));
  EXPECT_TRUE(Fails(store_->IssueApiToken(admin_, b, ward.id, "x", std::nullopt), nf, "team"));
  EXPECT_TRUE(Fails(store_->RevokeApiToken(admin_, b, token.record.id), nf, "token"));
  EXPECT_TRUE(Fails(store_->ListApiTokens(b, ward.id), nf, "team"));
  EXPECT_TRUE(
      Fails(store_->SetPasswordHash(admin_, b, ada.id, *domain::HashPassword("x")), nf, "person"));
  EXPECT_TRUE(Fails(store_->CreateSession(b, ada.id, 60), nf, "person"));
  EXPECT_TRUE(Fails(store_->RecordFailedSignIn(b, ada.id), nf, "person"));
  EXPECT_TRUE(Must(store_->ListMembershipsOfPerson(b, ada.id)).empty());
  EXPECT_TRUE(Must(store_->ListRoles(b, ada.id)).empty());
  EXPECT_EQ(Must(store_->ListTeams(b)), std::vector<domain::Team>{b_team});
  EXPECT_EQ(Must(store_->ListPeople(b)), std::vector<Person>{b_person});

  AuditQuery all;
  all.limit = 100000;
  for (const auto& e : Must(store_->ListAudit(b, all))) EXPECT_EQ(e.org, b);
  EXPECT_EQ(Must(store_->ListAudit(b, all)).size(), 3u);  // its creation, team, person
  // The token authenticates to its own organisation.
  EXPECT_EQ(Must(store_->AuthenticateApiToken(token.secret)).org, org_);
  // And nothing above changed organisation A.
  EXPECT_EQ(Must(store_->ListObservations(org_, falls.id)).size(), 1u);
  EXPECT_EQ(Must(store_->GetPerson(org_, ada.id)), ada);
}

// --- Transactions.

TEST_P(StoreTest, ATransactionCommitsOrRollsBackItsWritesTogether) {
  const size_t audit_before = AuditCount();
  {
    auto tx = Must(store_->Begin());
    MakeTeam("Ward 7");
    MakePerson("Ada", "ada@nhs.net");
    EXPECT_TRUE(Fails(store_->Begin(), StoreErrorCode::kInvalid, "", "already open"));
    tx.Rollback();
    EXPECT_FALSE(tx.open());
  }
  EXPECT_TRUE(Must(store_->ListTeams(org_)).empty());
  EXPECT_TRUE(Must(store_->ListPeople(org_)).empty());
  EXPECT_EQ(AuditCount(), audit_before);
  {
    auto tx = Must(store_->Begin());
    MakeTeam("Ward 7");
  }  // destroyed without Commit: rolled back
  EXPECT_TRUE(Must(store_->ListTeams(org_)).empty());
  {
    auto tx = Must(store_->Begin());
    MakeTeam("Ward 7");
    // A failing method inside the transaction undoes only its own part.
    EXPECT_TRUE(Fails(store_->CreateTeam(admin_, org_, std::nullopt, "Ward 7"),
                      StoreErrorCode::kConflict, "name"));
    MakeTeam("Ward 8");
    Must(tx.Commit());
    EXPECT_TRUE(Fails(tx.Commit(), StoreErrorCode::kInvalid, "", "closed already"));
  }
  EXPECT_EQ(Must(store_->ListTeams(org_)).size(), 2u);
  EXPECT_EQ(AuditCount(), audit_before + 2);
  // A batch inside a transaction joins it.
  const auto falls = MakeMeasure(Must(store_->ListTeams(org_)).front().id, "Falls");
  {
    auto tx = Must(store_->Begin());
    const std::vector<ObservationInput> batch = {{falls.id, "2024-01-01", 1, {}},
                                                 {falls.id, "2024-01-02", 2, {}}};
    EXPECT_EQ(Must(store_->AppendObservations(admin_, org_, batch)), 2u);
    const std::vector<ObservationInput> again = {{falls.id, "2024-01-03", 1, {}},
                                                 {falls.id, "2024-01-02", 2, {}}};
    EXPECT_TRUE(Fails(store_->AppendObservations(admin_, org_, again), StoreErrorCode::kConflict,
                      "period", "row 2"));
    Must(tx.Commit());
  }
  EXPECT_EQ(Must(store_->ListObservations(org_, falls.id)).size(), 2u);
}

TEST_P(StoreTest, FullDurabilityOpensAndWrites) {
  auto full = Open(Durability::kFull);
  ASSERT_NE(full, nullptr);
  const auto team = Must(full->CreateTeam(admin_, org_, std::nullopt, "Ward 7"));
  EXPECT_EQ(Must(store_->GetTeam(org_, team.id)), team);
}

INSTANTIATE_TEST_SUITE_P(Engines, StoreTest, ::testing::ValuesIn(testing::TestEngines()),
                         [](const ::testing::TestParamInfo<std::string>& param) {
                           return param.param;
                         });

// --- Opening, whatever the engine.

TEST(StoreOpen, RejectsAUrlOfNoKnownScheme) {
  EXPECT_TRUE(Fails(Store::Open("mysql://localhost/x", Durability::kNormal),
                    StoreErrorCode::kInvalid, "url", "starts neither sqlite: nor postgresql:"));
  EXPECT_TRUE(Fails(Store::Open("sqlite:", Durability::kNormal), StoreErrorCode::kInvalid));
}

TEST(StoreOpen, ReportsAnUnreachableDatabaseAsUnavailable) {
  EXPECT_TRUE(Fails(Store::Open("sqlite:/nonexistent-dir/x/everyseat.db", Durability::kNormal),
                    StoreErrorCode::kUnavailable, "", "cannot open the SQLite database"));
  EXPECT_TRUE(Fails(Store::Open("postgresql:host=127.0.0.1 port=1 dbname=x connect_timeout=2",
                                Durability::kNormal),
                    StoreErrorCode::kUnavailable, "", "cannot connect to PostgreSQL"));
}

TEST(StoreOpen, AnInMemorySqliteDatabaseWorks) {
  auto s = Store::Open("sqlite::memory:", Durability::kNormal);
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_TRUE((*s)->CreateOrganisation(Actor::System(), "Trust"));
}

TEST(StoreNames, DurabilityAndErrorCodesHaveNames) {
  EXPECT_EQ(ParseDurability("full"), Durability::kFull);
  EXPECT_EQ(ParseDurability("normal"), Durability::kNormal);
  EXPECT_FALSE(ParseDurability("FULL").has_value());
  EXPECT_EQ(Name(StoreErrorCode::kConflict), "conflict");
  EXPECT_EQ(Name(StoreErrorCode::kUnavailable), "unavailable");
}

}  // namespace
}  // namespace everyseat::store
