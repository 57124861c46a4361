// everyseat user add, token create|revoke|list and backup, run as real processes against real
// databases (SQLite always, PostgreSQL under scripts/with-postgres), checked through the Store
// API. Expected values come from the command-line contract (cli/README.md, "Administration").
#include <gtest/gtest.h>

#include <algorithm>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "admin_fixture.h"
#include "everyseat/domain/secrets.h"
#include "everyseat/domain/validate.h"

namespace everyseat::testing {
namespace {

using domain::OrgRole;
using domain::TeamRole;

constexpr char kPassword[] = "correct horse battery";  // 21 characters

std::vector<std::string> UserAdd(std::vector<std::string> more) {
  std::vector<std::string> args{"--org", kOrg, "--email", "A.Nurse@NHS.net", "--name", "Ada Nurse"};
  args.insert(args.end(), more.begin(), more.end());
  return args;
}

class UserAddTest : public AdminTest {};

TEST_P(UserAddTest, MakesTheOrganisationTeamsPersonMembershipRolesAndPassword) {
  const Ran ran =
      Run({"user", "add"},
          UserAdd({"--job-title", "Ward sister", "--staff-group", "Nursing and midwifery", "--team",
                   "Northshire Trust/Medicine/Ward 7", "--lead", "--role", "admin", "--role",
                   "board", "--password-stdin"}),
          std::string(kPassword) + "\n");
  ASSERT_EQ(ran.status, 0) << ran.err;
  EXPECT_EQ(ran.err, "");

  const domain::OrgId org = FindOrg();
  ASSERT_TRUE(org.valid());
  EXPECT_EQ(TeamPaths(org), (std::vector<std::string>{"Northshire Trust/Medicine",
                                                      "Northshire Trust/Medicine/Ward 7"}));
  const domain::Person person = Person(org, "a.nurse@nhs.net");
  EXPECT_EQ(ran.out, "person " + std::to_string(person.id.value) + "\n");
  EXPECT_EQ(person.name, "Ada Nurse");
  EXPECT_EQ(person.job_title, "Ward sister");
  EXPECT_EQ(person.staff_group, domain::StaffGroup::kNursingAndMidwifery);

  const auto ward = Must(store_->FindTeamByPath(org, "Northshire Trust/Medicine/Ward 7"));
  EXPECT_EQ(Must(store_->ListMembershipsOfPerson(org, person.id)),
            (std::vector<domain::Membership>{{person.id, ward.id, TeamRole::kLead}}));
  auto roles = Must(store_->ListRoles(org, person.id));
  std::sort(roles.begin(), roles.end());
  EXPECT_EQ(roles, (std::vector<OrgRole>{OrgRole::kBoard, OrgRole::kAdmin}));

  const std::string hash = Must(store_->GetPasswordHash(org, person.id));
  EXPECT_TRUE(hash.starts_with("$argon2id$"));
  EXPECT_TRUE(domain::VerifyPassword(hash, kPassword));
  EXPECT_FALSE(domain::VerifyPassword(hash, std::string(kPassword) + "\n"));
  EXPECT_FALSE(domain::VerifyPassword(hash, "correct horse batter"));

  // Everything was written by the command line's actor.
  for (const auto& entry : Must(store_->ListAudit(org, {}))) {
    EXPECT_EQ(entry.actor, domain::Actor::System("cli")) << entry.action;
  }
}

TEST_P(UserAddTest, StripsAWindowsLineEndAndReadsOnlyTheFirstLine) {
  const Ran ran = Run({"user", "add"}, UserAdd({"--password-stdin"}),
                      std::string(kPassword) + "\r\nsecond line\n");
  ASSERT_EQ(ran.status, 0) << ran.err;
  const domain::OrgId org = FindOrg();
  const domain::Person person = Person(org, "a.nurse@nhs.net");
  EXPECT_TRUE(domain::VerifyPassword(Must(store_->GetPasswordHash(org, person.id)), kPassword));
  EXPECT_TRUE(Must(store_->ListMembershipsOfPerson(org, person.id)).empty());
  EXPECT_TRUE(Must(store_->ListRoles(org, person.id)).empty());
}

TEST_P(UserAddTest, AddsToAnExistingOrganisationWithoutMakingAnother) {
  const domain::OrgId org = MakeOrg();
  const Ran ran = Run({"user", "add"}, UserAdd({"--password-stdin"}), "twelve chars\n");
  ASSERT_EQ(ran.status, 0) << ran.err;
  EXPECT_EQ(Must(store_->ListOrganisations()).size(), 1u);
  EXPECT_EQ(Person(org, "a.nurse@nhs.net").name, "Ada Nurse");
}

TEST_P(UserAddTest, RefusesAnEmailThatExistsAndChangesNothing) {
  ASSERT_EQ(Run({"user", "add"}, UserAdd({"--password-stdin"}), std::string(kPassword)).status, 0);
  const domain::OrgId org = FindOrg();
  const Counts before = Count(org);

  const Ran again =
      Run({"user", "add"},
          UserAdd({"--team", "Northshire Trust/Surgery", "--role", "admin", "--password-stdin"}),
          "another long password\n");
  EXPECT_EQ(again.status, 2);
  EXPECT_EQ(again.out, "");
  EXPECT_EQ(again.err,
            "everyseat user: person a.nurse@nhs.net already exists (--update changes their "
            "password, teams and roles)\n");
  EXPECT_EQ(Count(org), before);
  const domain::Person person = Person(org, "a.nurse@nhs.net");
  EXPECT_TRUE(domain::VerifyPassword(Must(store_->GetPasswordHash(org, person.id)), kPassword));
}

TEST_P(UserAddTest, UpdateSetsThePasswordAndAddsMembershipAndRoles) {
  ASSERT_EQ(Run({"user", "add"},
                UserAdd({"--team", "Northshire Trust/Medicine", "--lead", "--password-stdin"}),
                std::string(kPassword))
                .status,
            0);
  const domain::OrgId org = FindOrg();
  const domain::Person person = Person(org, "a.nurse@nhs.net");
  const auto session = Must(store_->CreateSession(org, person.id, 3600));

  const Ran ran =
      Run({"user", "add"},
          {"--org", kOrg, "--email", "a.nurse@nhs.net", "--team", "Northshire Trust/Surgery",
           "--role", "moderator", "--update", "--password-stdin"},
          "a brand new passphrase\n");
  ASSERT_EQ(ran.status, 0) << ran.err;
  EXPECT_EQ(ran.out, "person " + std::to_string(person.id.value) + "\n");
  EXPECT_EQ(Person(org, "a.nurse@nhs.net"), person);  // no --name: the person is unchanged
  const std::string hash = Must(store_->GetPasswordHash(org, person.id));
  EXPECT_TRUE(domain::VerifyPassword(hash, "a brand new passphrase"));
  EXPECT_FALSE(domain::VerifyPassword(hash, kPassword));
  // A new password ends the sessions of the old one.
  EXPECT_FALSE(store_->FindSession(session.secret).has_value());
  // The new membership is added; the earlier one (a lead) is kept.
  const auto medicine = Must(store_->FindTeamByPath(org, "Northshire Trust/Medicine"));
  const auto surgery = Must(store_->FindTeamByPath(org, "Northshire Trust/Surgery"));
  auto memberships = Must(store_->ListMembershipsOfPerson(org, person.id));
  std::sort(memberships.begin(), memberships.end(),
            [](const auto& a, const auto& b) { return a.team < b.team; });
  EXPECT_EQ(memberships,
            (std::vector<domain::Membership>{{person.id, medicine.id, TeamRole::kLead},
                                             {person.id, surgery.id, TeamRole::kMember}}));
  EXPECT_EQ(Must(store_->ListRoles(org, person.id)), std::vector<OrgRole>{OrgRole::kModerator});
}

TEST_P(UserAddTest, RefusesAShortPasswordAndChangesNothing) {
  const Ran ran =
      Run({"user", "add"}, UserAdd({"--team", "Northshire Trust/Medicine", "--password-stdin"}),
          "short pass\n");
  EXPECT_EQ(ran.status, 2);
  EXPECT_EQ(ran.out, "");
  EXPECT_EQ(ran.err,
            "everyseat user: the password must be at least 12 characters long (it has 10)\n");
  EXPECT_TRUE(Must(store_->ListOrganisations()).empty());
}

TEST_P(UserAddTest, CountsCharactersNotBytes) {
  // Eleven characters in 22 bytes of UTF-8.
  const Ran ran = Run({"user", "add"}, UserAdd({"--password-stdin"}),
                      "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
                      "\xc3\xa9\xc3\xa9\n");
  EXPECT_EQ(ran.status, 2);
  EXPECT_EQ(ran.err,
            "everyseat user: the password must be at least 12 characters long (it has 11)\n");
}

TEST_P(UserAddTest, RefusesBadOptionsBeforeTouchingTheDatabase) {
  struct Case {
    std::vector<std::string> args;
    std::string input;
    std::string err;
  };
  const std::vector<Case> cases = {
      {UserAdd({}), kPassword,
       "everyseat user: --password-stdin is required: the password is read from standard "
       "input"},
      {UserAdd({"--password-stdin"}), "",
       "everyseat user: no password on standard input "
       "(--password-stdin)"},
      {UserAdd({"--role", "king", "--password-stdin"}), kPassword,
       "everyseat user: --role must be one of moderator, equality, board, admin (got 'king')"},
      {UserAdd({"--lead", "--password-stdin"}), kPassword, "everyseat user: --lead needs --team"},
      {UserAdd({"--team", "Southshire/Medicine", "--password-stdin"}), kPassword,
       "everyseat user: --team: team path 'Southshire/Medicine' must start with the "
       "organisation's name 'Northshire Trust'"},
      {{"--org", kOrg, "--email", "not-an-email", "--name", "X", "--password-stdin"},
       kPassword,
       "everyseat user: --email is not an email address like name@example.nhs.uk"},
      {{"--org", kOrg, "--email", "x@nhs.net", "--password-stdin"},
       kPassword,
       "everyseat user: --name is required"},
      {UserAdd({"--staff-group", "wizards", "--password-stdin"}), kPassword,
       "everyseat user: --staff-group 'wizards' is not one of nursing_and_midwifery, "
       "medical_and_dental, allied_health_professionals, additional_clinical_services, "
       "healthcare_scientists, scientific_therapeutic_technical, administrative_and_clerical, "
       "estates_and_ancillary, students or other"},
      {UserAdd({"--password-stdin", "--colour", "red"}), kPassword,
       "everyseat user: unknown option '--colour'"},
  };
  for (const Case& c : cases) {
    const Ran ran = Run({"user", "add"}, c.args, c.input);
    EXPECT_EQ(ran.status, 2) << c.err;
    EXPECT_EQ(ran.out, "");
    EXPECT_EQ(ran.err, c.err + "\n");
  }
  EXPECT_TRUE(Must(store_->ListOrganisations()).empty());
}

// --- Tokens.

class TokenTest : public AdminTest {
 protected:
  void SetUp() override {
    AdminTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    org_ = MakeOrg();
    const auto medicine =
        Must(store_->CreateTeam(domain::Actor::System("test"), org_, std::nullopt, "Medicine"));
    ward_ = Must(store_->CreateTeam(domain::Actor::System("test"), org_, medicine.id, "Ward 7"));
  }

  domain::OrgId org_;
  domain::Team ward_;
};

TEST_P(TokenTest, CreatePrintsTheSecretOnceAndTheStoreAuthenticatesIt) {
  const Ran ran =
      Run({"token", "create"},
          {"--org", kOrg, "--team", "Northshire Trust/Medicine/Ward 7", "--name", "ED feed"});
  ASSERT_EQ(ran.status, 0) << ran.err;
  ASSERT_EQ(ran.out.size(), 65u) << ran.out;
  EXPECT_EQ(ran.out.back(), '\n');
  const std::string secret = ran.out.substr(0, 64);
  EXPECT_TRUE(std::all_of(secret.begin(), secret.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
  })) << secret;

  const auto token = Must(store_->AuthenticateApiToken(secret));
  EXPECT_EQ(token.org, org_);
  EXPECT_EQ(token.team, ward_.id);
  EXPECT_EQ(token.name, "ED feed");
  EXPECT_FALSE(token.expires_at.has_value());
  EXPECT_EQ(token.created_by, domain::Actor::System("cli"));
  EXPECT_EQ(ran.err, "token " + std::to_string(token.id.value) +
                         " for Northshire Trust/Medicine/Ward 7 created; it is shown once\n");
}

TEST_P(TokenTest, ExpiresAtTheEndOfTheDayGiven) {
  const Ran ran =
      Run({"token", "create"}, {"--org", kOrg, "--team", "Northshire Trust/Medicine/Ward 7",
                                "--name", "Theatre feed", "--expires", "2999-12-31"});
  ASSERT_EQ(ran.status, 0) << ran.err;
  const auto token = Must(store_->AuthenticateApiToken(ran.out.substr(0, 64)));
  EXPECT_EQ(token.expires_at, *domain::ParseIsoDate("3000-01-01"));

  const Ran past =
      Run({"token", "create"}, {"--org", kOrg, "--team", "Northshire Trust/Medicine/Ward 7",
                                "--name", "Old feed", "--expires", "2001-01-01"});
  EXPECT_EQ(past.status, 2);
  EXPECT_EQ(past.out, "");
  EXPECT_EQ(past.err, "everyseat token: --expires 2001-01-01 has passed\n");
}

TEST_P(TokenTest, RevokeEndsATokenAndListShowsEveryTokenOfTheTeam) {
  const std::vector<std::string> create{"--org", kOrg, "--team", "Northshire Trust/Medicine/Ward 7",
                                        "--name"};
  auto with_name = [&](const std::string& name) {
    std::vector<std::string> args = create;
    args.push_back(name);
    return args;
  };
  const Ran first = Run({"token", "create"}, with_name("ED feed"));
  const Ran second = Run({"token", "create"}, with_name("Pharmacy feed"));
  ASSERT_EQ(first.status, 0) << first.err;
  ASSERT_EQ(second.status, 0) << second.err;
  const auto ed = Must(store_->AuthenticateApiToken(first.out.substr(0, 64)));

  const Ran revoked =
      Run({"token", "revoke"}, {"--org", kOrg, "--id", std::to_string(ed.id.value)});
  ASSERT_EQ(revoked.status, 0) << revoked.err;
  EXPECT_EQ(revoked.out, "token " + std::to_string(ed.id.value) + " revoked\n");
  EXPECT_FALSE(store_->AuthenticateApiToken(first.out.substr(0, 64)).has_value());
  EXPECT_TRUE(store_->AuthenticateApiToken(second.out.substr(0, 64)).has_value());

  const Ran listed =
      Run({"token", "list"}, {"--org", kOrg, "--team", "Northshire Trust/Medicine/Ward 7"});
  ASSERT_EQ(listed.status, 0) << listed.err;
  const std::vector<std::string> lines = Lines(listed.out);
  ASSERT_EQ(lines.size(), 3u) << listed.out;
  std::istringstream header(lines[0]);
  std::vector<std::string> columns;
  for (std::string word; header >> word;) columns.push_back(word);
  EXPECT_EQ(columns, (std::vector<std::string>{"id", "name", "state", "created", "expires",
                                               "last_used", "created_by"}));
  EXPECT_NE(lines[1].find("ED feed"), std::string::npos);
  EXPECT_NE(lines[1].find("revoked"), std::string::npos);
  EXPECT_NE(lines[2].find("Pharmacy feed"), std::string::npos);
  EXPECT_NE(lines[2].find("active"), std::string::npos);
  // Secrets are never listed.
  EXPECT_EQ(listed.out.find(first.out.substr(0, 64)), std::string::npos);
}

TEST_P(TokenTest, RefusesAnUnknownTeamOrganisationOrToken) {
  const Ran team = Run({"token", "create"},
                       {"--org", kOrg, "--team", "Northshire Trust/Surgery", "--name", "X"});
  EXPECT_EQ(team.status, 2);
  EXPECT_EQ(team.out, "");
  EXPECT_EQ(team.err, "everyseat token: no team Northshire Trust/Surgery\n");
  const Ran org = Run({"token", "list"}, {"--org", "Southshire", "--team", "Southshire/Surgery"});
  EXPECT_EQ(org.status, 2);
  EXPECT_EQ(org.err, "everyseat token: no organisation named 'Southshire'\n");
  const Ran id = Run({"token", "revoke"}, {"--org", kOrg, "--id", "99"});
  EXPECT_EQ(id.status, 2);
  EXPECT_EQ(id.err, "everyseat token: API token 99 not found\n");
  EXPECT_TRUE(Must(store_->ListApiTokens(org_, ward_.id)).empty());
}

// --- Backup.

class BackupTest : public AdminTest {};

TEST_P(BackupTest, WritesASqliteFileThatOpensWithTheSamePeople) {
  ASSERT_EQ(Run({"user", "add"},
                UserAdd({"--team", "Northshire Trust/Medicine", "--password-stdin"}), kPassword)
                .status,
            0);
  ASSERT_EQ(Run({"user", "add"},
                {"--org", kOrg, "--email", "b.porter@nhs.net", "--name", "Ben Porter",
                 "--password-stdin"},
                kPassword)
                .status,
            0);
  const domain::OrgId org = FindOrg();
  const std::string path = dir_.Path("backup.db");
  const Ran ran = Run({"backup"}, {"--to", path});
  ASSERT_EQ(ran.status, 0) << ran.err;
  EXPECT_EQ(ran.err, "");
  std::smatch match;
  ASSERT_TRUE(std::regex_match(
      ran.out, match, std::regex("backed up ([0-9]+) rows from ([0-9]+) tables to (.*)\n")))
      << ran.out;
  EXPECT_GT(std::stoll(match[1]), 0);
  EXPECT_GT(std::stoll(match[2]), 0);
  EXPECT_EQ(match[3], path);

  const auto copy = Open("sqlite:" + path);
  ASSERT_NE(copy, nullptr);
  const auto organisations = Must(copy->ListOrganisations());
  ASSERT_EQ(organisations.size(), 1u);
  EXPECT_EQ(organisations[0].name, kOrg);
  EXPECT_EQ(Must(copy->ListPeople(organisations[0].id)), Must(store_->ListPeople(org)));
  EXPECT_EQ(Must(copy->ListTeams(organisations[0].id)), Must(store_->ListTeams(org)));

  // A backup never replaces a file.
  const Ran again = Run({"backup"}, {"--to", path});
  EXPECT_EQ(again.status, 2);
  EXPECT_EQ(again.out, "");
  EXPECT_EQ(again.err,
            "everyseat backup: '" + path + "' exists already; a backup never replaces a file\n");
}

const auto kEngineName = [](const ::testing::TestParamInfo<std::string>& param) {
  return param.param;
};
INSTANTIATE_TEST_SUITE_P(Engines, UserAddTest, ::testing::ValuesIn(store::testing::TestEngines()),
                         kEngineName);
INSTANTIATE_TEST_SUITE_P(Engines, TokenTest, ::testing::ValuesIn(store::testing::TestEngines()),
                         kEngineName);
INSTANTIATE_TEST_SUITE_P(Engines, BackupTest, ::testing::ValuesIn(store::testing::TestEngines()),
                         kEngineName);

}  // namespace
}  // namespace everyseat::testing
