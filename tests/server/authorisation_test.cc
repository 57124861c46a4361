// The authorisation matrix through HTTP: every (principal, action, team) cell of the product's
// policy, written out by hand from product.md ("Who uses it", "Roles"), is asked of the running
// server. An allowed cell must succeed; a forbidden one must be refused (401, 403 or 404) and
// change nothing: the audit log of both organisations (every change writes an entry) and the
// rows it could have touched are compared before and after.
#include <map>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "api_fixture.h"

namespace everyseat::server::testing {
namespace {

using nlohmann::json;

enum class Where { kOwnTeam, kOtherTeam, kOtherOrg };

// Team actions, asked of one team (and its first measure).
const std::vector<std::string> kTeamActions = {
    "view_measure",   "view_analysis",  "add_observation", "correct_observation", "annotate",
    "define_measure", "update_measure", "manage_members",  "issue_token",         "set_webhook"};
// Organisation actions, asked of the principal's own organisation.
const std::vector<std::string> kOrgActions = {"view_audit", "create_team", "create_person",
                                              "grant_role"};

struct Expectation {
  std::set<std::string> own_team;    // allowed on the team the principal belongs to
  std::set<std::string> other_team;  // allowed on a team of the same organisation
  std::set<std::string> org;         // organisation actions allowed
  // Nothing is ever allowed in another organisation.
};

const std::set<std::string> kView = {"view_measure", "view_analysis"};
std::set<std::string> AllTeam() { return {kTeamActions.begin(), kTeamActions.end()}; }

class AuthorisationTest : public ApiFixture {
 protected:
  void SetUp() override {
    ApiFixture::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    // Someone whose membership the membership cells change, in each organisation.
    for (auto [org, email] :
         {std::pair{org_, "joiner@test.nhs.uk"}, std::pair{other_org_, "joiner@other.nhs.uk"}}) {
      domain::Person p;
      p.org = org;
      p.name = "Jo Joiner";
      p.email = email;
      auto made = store().CreatePerson(seed_, p);
      ASSERT_TRUE(made);
      (org == org_ ? joiner_ : other_joiner_) = made->id;
    }
    // A value to correct on every measure.
    for (auto [org, measure] : {std::pair{org_, measure_a_}, std::pair{org_, measure_b_},
                                std::pair{other_org_, measure_c_}}) {
      ASSERT_TRUE(store().AppendObservation(
          seed_, org, domain::ObservationInput{measure, "2020-01-01", 5, std::nullopt}));
    }
  }

  struct Target {
    domain::TeamId team;
    domain::MeasureId measure;
  };

  ApiReply Ask(const Who& who, const std::string& action, const Target& t) {
    const std::string team = std::to_string(t.team.value);
    const std::string n = std::to_string(++counter_);
    const std::string period = domain::FormatIsoDate(1577836800 + 86400 * (counter_ + 1));
    if (action == "view_measure") return Call(who, "GET", MeasurePath(t.measure));
    if (action == "view_analysis") return Call(who, "GET", MeasurePath(t.measure, "/analysis"));
    if (action == "add_observation") {
      return Call(who, "POST", MeasurePath(t.measure, "/observations"),
                  json{{"period", period}, {"value", 7}});
    }
    if (action == "correct_observation") {
      return Call(who, "PUT", MeasurePath(t.measure, "/observations/2020-01-01"),
                  json{{"value", counter_}});
    }
    if (action == "annotate") {
      return Call(who, "POST", MeasurePath(t.measure, "/annotations"),
                  json{{"period", "2020-01-01"}, {"kind", "note"}, {"text", "note " + n}});
    }
    if (action == "define_measure") {
      return Call(who, "POST", "/api/v1/measures",
                  json{{"team", t.team.value}, {"name", "Measure " + n}});
    }
    if (action == "update_measure") {
      return Call(who, "PUT", MeasurePath(t.measure),
                  json{{"name", "Renamed " + n}, {"target", counter_}});
    }
    if (action == "manage_members") {
      return Call(who, "PUT",
                  "/api/v1/teams/" + team + "/members/" +
                      std::to_string((t.team == team_c_ ? other_joiner_ : joiner_).value),
                  json{{"role", counter_ % 2 ? "member" : "lead"}});
    }
    if (action == "issue_token") {
      return Call(who, "POST", "/api/v1/teams/" + team + "/tokens", json{{"name", "token " + n}});
    }
    if (action == "set_webhook") {
      return Call(who, "PUT", "/api/v1/teams/" + team + "/webhook",
                  json{{"url", "http://127.0.0.1:9/hook" + n}});
    }
    if (action == "view_audit") return Call(who, "GET", "/api/v1/audit");
    if (action == "create_team") {
      return Call(who, "POST", "/api/v1/teams",
                  json{{"name", "Team " + n}, {"parent", community_.value}});
    }
    if (action == "create_person") {
      return Call(who, "POST", "/api/v1/people",
                  json{{"name", "Person " + n}, {"email", "person" + n + "@test.nhs.uk"}});
    }
    if (action == "grant_role") {
      return Call(who, "PUT",
                  "/api/v1/people/" + std::to_string(receptionist_.value) + "/roles/" +
                      (counter_ % 2 ? "moderator" : "equality"),
                  std::string());
    }
    ADD_FAILURE() << "unknown action " << action;
    return {};
  }

  // Everything a forbidden request could have changed.
  std::vector<size_t> Snapshot() {
    std::vector<size_t> s;
    store::AuditQuery all;
    all.limit = 100'000;
    s.push_back(store().ListAudit(org_, all).value().size());
    s.push_back(store().ListAudit(other_org_, all).value().size());
    for (auto [org, measure] : {std::pair{org_, measure_a_}, std::pair{org_, measure_b_},
                                std::pair{other_org_, measure_c_}}) {
      s.push_back(store().ListObservations(org, measure).value().size());
      s.push_back(store().ListObservationHistory(org, measure, "2020-01-01").value().size());
      s.push_back(store().ListAnnotations(org, measure).value().size());
    }
    for (auto [org, team] :
         {std::pair{org_, team_a_}, std::pair{org_, team_b_}, std::pair{other_org_, team_c_}}) {
      s.push_back(store().ListMeasures(org, team).value().size());
      s.push_back(store().ListApiTokens(org, team).value().size());
      s.push_back(store().ListMembersOfTeam(org, team).value().size());
      s.push_back(store().GetWebhook(org, team).has_value());
    }
    s.push_back(store().ListPeople(org_).value().size());
    s.push_back(store().ListTeams(org_).value().size());
    s.push_back(store().ListRoles(org_, receptionist_).value().size());
    return s;
  }

  // Walks every cell for one principal.
  void Walk(const std::string& label, const Who& who, const Target& own, const Target& other,
            const Target& foreign, const Expectation& expected) {
    for (const auto& [where, target] :
         {std::pair{Where::kOwnTeam, own}, std::pair{Where::kOtherTeam, other},
          std::pair{Where::kOtherOrg, foreign}}) {
      for (const std::string& action : kTeamActions) {
        const bool allowed = (where == Where::kOwnTeam && expected.own_team.count(action)) ||
                             (where == Where::kOtherTeam && expected.other_team.count(action));
        Check(label, who, action, target, allowed,
              where == Where::kOwnTeam     ? "own team"
              : where == Where::kOtherTeam ? "other team"
                                           : "other organisation");
      }
    }
    for (const std::string& action : kOrgActions) {
      Check(label, who, action, own, expected.org.count(action) > 0, "organisation");
    }
  }

  void Check(const std::string& label, const Who& who, const std::string& action,
             const Target& target, bool allowed, const std::string& where) {
    const auto before = Snapshot();
    const ApiReply reply = Ask(who, action, target);
    ++cells_;
    const std::string cell = label + " / " + action + " / " + where;
    if (allowed) {
      EXPECT_GE(reply.status, 200) << cell << ": " << reply.text;
      EXPECT_LT(reply.status, 300) << cell << ": " << reply.text;
      return;
    }
    ++refused_;
    EXPECT_TRUE(reply.status == 401 || reply.status == 403 || reply.status == 404)
        << cell << " was not refused: " << reply.status << " " << reply.text;
    EXPECT_EQ(Snapshot(), before) << cell << " changed something";
  }

  domain::PersonId joiner_, other_joiner_;
  int counter_ = 0;
  int cells_ = 0;
  int refused_ = 0;
};

TEST_P(AuthorisationTest, EveryCellOfTheMatrixIsDecidedAsTheProductSays) {
  const Target a{team_a_, measure_a_}, b{team_b_, measure_b_}, c{team_c_, measure_c_};
  const std::set<std::string> member = {"view_measure", "view_analysis", "add_observation",
                                        "correct_observation"};
  // A member writes data for their own team only; everyone in the organisation sees every chart.
  Walk("member", SignIn("nurse@test.nhs.uk"), a, b, c, {member, kView, {}});
  // A lead of the directorate leads every team below it.
  Walk("lead", SignIn("lead@test.nhs.uk"), a, b, c, {AllTeam(), AllTeam(), {}});
  // An administrator administers the organisation and its membership, but writes no team data.
  Walk("admin", SignIn("admin@test.nhs.uk"), a, b, c,
       {{"view_measure", "view_analysis", "manage_members"},
        {"view_measure", "view_analysis", "manage_members"},
        {kOrgActions.begin(), kOrgActions.end()}});
  // The board sees, and changes nothing.
  Walk("board", SignIn("board@test.nhs.uk"), a, b, c, {kView, kView, {}});
  // An API token sees and writes its own team's observations, nothing else.
  Walk("token", TokenFor(team_a_), a, b, c, {member, {}, {}});
  // Another organisation's lead leads only there.
  Walk("outsider", SignIn("outsider@other.nhs.uk"), c, a, b, {AllTeam(), {}, {}});
  // Anonymous: nothing at all.
  Walk("anonymous", Who{}, a, b, c, {{}, {}, {}});

  EXPECT_EQ(cells_, 7 * (3 * 10 + 4));
  EXPECT_GT(refused_, 150);
}

INSTANTIATE_TEST_SUITE_P(Engines, AuthorisationTest,
                         ::testing::ValuesIn(store::testing::TestEngines()),
                         [](const ::testing::TestParamInfo<std::string>& param) {
                           return param.param;
                         });

}  // namespace
}  // namespace everyseat::server::testing
