// The measure definition and administration pages through the real server, on both stores, as a
// browser uses them: sign in with the HTML form, keep the session cookie, read the CSRF token out
// of a page's hidden csrf_token field and post forms (application/x-www-form-urlencoded).
//
// The fixture's organisation (api_fixture.h): Community (lead: Lee Lead) with District Nursing
// (Nia Nurse, member) and Reception (Rae Reception, member); Ada Admin (admin), Bo Board (board).
// What each may do comes from product.md: a lead of a team leads every team below it and defines
// its measures; a member only adds data; administrators manage the tree, people and roles; a
// rejected request changes nothing (compared through the audit log, which every change writes).
#include <algorithm>
#include <cctype>
#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "api_fixture.h"
#include "form_encoding.h"

namespace everyseat::server::testing {
namespace {

using nlohmann::json;
using Form = std::vector<std::pair<std::string, std::string>>;

// A browser with a cookie jar (the one session cookie this service sets).
class Browser {
 public:
  explicit Browser(uint16_t port) : port_(port) {}

  HttpResponse Get(const std::string& target) { return Send("GET", target, {}); }

  // Posts a form; with_csrf adds the csrf_token field read from the last page seen.
  HttpResponse Post(const std::string& target, Form form, bool with_csrf = true) {
    if (with_csrf) form.emplace_back("csrf_token", csrf_);
    return Send("POST", target, EncodeForm(form));
  }

  [[nodiscard]] const std::string& csrf() const { return csrf_; }
  [[nodiscard]] bool signed_in() const { return !cookie_.empty(); }

 private:
  HttpResponse Send(const std::string& method, const std::string& target, const std::string& body) {
    std::vector<std::pair<std::string, std::string>> headers;
    if (!cookie_.empty()) headers.emplace_back("Cookie", "everyseat_session=" + cookie_);
    if (method == "POST") {
      headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
    }
    HttpClient client(port_, std::chrono::milliseconds(30'000));
    auto response = client.Request(method, target, body, headers);
    if (!response) {
      ADD_FAILURE() << method << " " << target << ": no response";
      return {};
    }
    if (auto set = response->Header("Set-Cookie")) {
      const std::string prefix = "everyseat_session=";
      if (set->rfind(prefix, 0) == 0) {
        cookie_ = set->substr(prefix.size(), set->find(';') - prefix.size());
      }
    }
    // The CSRF token of the session, as every page's forms carry it.
    const std::string field = "name=\"csrf_token\" value=\"";
    if (const size_t at = response->body.find(field); at != std::string::npos) {
      const size_t start = at + field.size();
      csrf_ = response->body.substr(start, response->body.find('"', start) - start);
    }
    return std::move(*response);
  }

  uint16_t port_;
  std::string cookie_;
  std::string csrf_;
};

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

class PagesAdminTest : public ApiFixture {
 protected:
  // Signs in through the HTML form and opens the home page (which holds the CSRF token).
  Browser SignInAs(const std::string& email) {
    Browser browser(port());
    const HttpResponse signed_in =
        browser.Post("/sign-in", {{"email", email}, {"password", kPassword}, {"next", "/"}}, false);
    EXPECT_EQ(signed_in.status, 303) << signed_in.body;
    EXPECT_EQ(signed_in.Header("Location").value_or(""), "/");
    EXPECT_TRUE(browser.signed_in());
    const HttpResponse home = browser.Get("/");
    EXPECT_EQ(home.status, 200) << home.body;
    EXPECT_EQ(browser.csrf().size(), 64u) << home.body;
    return browser;
  }

  // How many audit entries the organisation has: every change writes one.
  size_t AuditCount() {
    store::AuditQuery query;
    query.limit = 100000;
    auto entries = store().ListAudit(org_, query);
    EXPECT_TRUE(entries);
    return entries ? entries->size() : 0;
  }

  std::vector<domain::Measure> MeasuresOf(domain::TeamId team) {
    auto measures = store().ListMeasures(org_, team);
    EXPECT_TRUE(measures);
    return measures ? *measures : std::vector<domain::Measure>{};
  }

  std::vector<domain::OrgRole> RolesOf(domain::PersonId person) {
    auto roles = store().ListRoles(org_, person);
    EXPECT_TRUE(roles);
    return roles ? *roles : std::vector<domain::OrgRole>{};
  }

  std::string NewMeasurePath(domain::TeamId team) {
    return "/teams/" + std::to_string(team.value) + "/measures/new";
  }

  static Form FallsForm() {
    return {{"name", "Falls per 1,000 bed days"},
            {"definition", "Falls (number) per 1,000 occupied bed days (total)\r\nFrom Datix"},
            {"unit", "falls"},
            {"kind", "outcome"},
            {"chart", "u"},
            {"direction", "decrease"},
            {"target", "4.5"},
            {"frequency", "monthly"}};
  }
};

// --- The measure definition form.

TEST_P(PagesAdminTest, ALeadDefinesAMeasureAndTheApiListsIt) {
  Browser lead = SignInAs("lead@test.nhs.uk");
  const HttpResponse form = lead.Get(NewMeasurePath(team_a_));
  ASSERT_EQ(form.status, 200) << form.body;
  EXPECT_TRUE(Contains(form.body, "Add a measure"));
  EXPECT_TRUE(Contains(form.body, "District Nursing"));  // the caption
  for (const char* chart :
       {"run", "i", "mr", "p", "pp", "u", "up", "ip", "c", "g", "t", "xbar", "s"}) {
    EXPECT_TRUE(
        Contains(form.body, "name=\"chart\" type=\"radio\" value=\"" + std::string(chart) + "\""))
        << chart;
  }

  const HttpResponse saved = lead.Post(NewMeasurePath(team_a_), FallsForm());
  ASSERT_EQ(saved.status, 303) << saved.body;
  const std::string location = saved.Header("Location").value_or("");
  ASSERT_EQ(location.rfind("/measures/", 0), 0u) << location;
  EXPECT_NE(location.find("?defined=1"), std::string::npos) << location;

  const ApiReply listed = Call(SignIn("lead@test.nhs.uk"), "GET",
                               "/api/v1/measures?team=" + std::to_string(team_a_.value));
  ASSERT_EQ(listed.status, 200) << listed.text;
  json falls;
  for (const json& m : listed.body["measures"]) {
    if (m["name"] == "Falls per 1,000 bed days") falls = m;
  }
  ASSERT_TRUE(falls.is_object()) << listed.text;
  EXPECT_EQ(falls["team"], team_a_.value);
  EXPECT_EQ(falls["chart"], "u");
  EXPECT_EQ(falls["direction"], "decrease");
  EXPECT_EQ(falls["kind"], "outcome");
  EXPECT_EQ(falls["frequency"], "monthly");
  EXPECT_EQ(falls["unit"], "falls");
  EXPECT_EQ(falls["target"], 4.5);
  // The browser's CRLF line end is kept as one newline.
  EXPECT_EQ(falls["definition"], "Falls (number) per 1,000 occupied bed days (total)\nFrom Datix");
  EXPECT_EQ(location, "/measures/" + std::to_string(falls["id"].get<int64_t>()) + "?defined=1");

  // The store wrote the audit entry, with the lead as the actor.
  store::AuditQuery query;
  query.entity = "measure";
  query.entity_id = falls["id"].get<int64_t>();
  auto audit = store().ListAudit(org_, query);
  ASSERT_TRUE(audit);
  ASSERT_EQ(audit->size(), 1u);
  EXPECT_EQ(audit->front().actor.person, lead_);

  const HttpResponse page = lead.Get(location);
  ASSERT_EQ(page.status, 200);
  EXPECT_TRUE(Contains(page.body, "Definition saved"));
}

TEST_P(PagesAdminTest, AMissingNameIsShownAsAnErrorAndNothingIsCreated) {
  Browser lead = SignInAs("lead@test.nhs.uk");
  ASSERT_EQ(lead.Get(NewMeasurePath(team_a_)).status, 200);
  const size_t before = MeasuresOf(team_a_).size();
  const size_t audit = AuditCount();
  Form form = FallsForm();
  form[0].second = "   ";
  const HttpResponse reply = lead.Post(NewMeasurePath(team_a_), form);
  EXPECT_EQ(reply.status, 422);
  EXPECT_TRUE(Contains(reply.body, "There is a problem"));
  EXPECT_TRUE(Contains(reply.body, "href=\"#name\""));
  EXPECT_TRUE(Contains(reply.body, "<title>Error: "));
  // The other answers are kept.
  EXPECT_TRUE(Contains(reply.body, "From Datix</textarea>"));
  EXPECT_TRUE(Contains(reply.body, "value=\"u\" checked"));
  EXPECT_TRUE(Contains(reply.body, "value=\"4.5\""));
  EXPECT_EQ(MeasuresOf(team_a_).size(), before);
  EXPECT_EQ(AuditCount(), audit);
}

TEST_P(PagesAdminTest, EveryMissingChoiceLinksToItsFirstRadio) {
  Browser lead = SignInAs("lead@test.nhs.uk");
  ASSERT_EQ(lead.Get(NewMeasurePath(team_a_)).status, 200);
  const HttpResponse reply =
      lead.Post(NewMeasurePath(team_a_), {{"name", "Visits on time"}, {"target", "lots"}});
  EXPECT_EQ(reply.status, 422);
  for (const char* field : {"#kind", "#chart", "#direction", "#frequency", "#target"}) {
    EXPECT_TRUE(Contains(reply.body, "href=\"" + std::string(field) + "\"")) << field;
  }
  EXPECT_TRUE(Contains(reply.body, "value=\"Visits on time\""));
}

TEST_P(PagesAdminTest, AMemberCannotDefineMeasures) {
  Browser nurse = SignInAs("nurse@test.nhs.uk");
  const size_t audit = AuditCount();
  EXPECT_EQ(nurse.Get(NewMeasurePath(team_a_)).status, 403);
  const HttpResponse posted = nurse.Post(NewMeasurePath(team_a_), FallsForm());
  EXPECT_EQ(posted.status, 403);
  EXPECT_TRUE(Contains(posted.body, "You cannot do this"));
  EXPECT_EQ(MeasuresOf(team_a_).size(), 1u);
  EXPECT_EQ(nurse.Get("/measures/" + std::to_string(measure_a_.value) + "/edit").status, 403);
  Form change = FallsForm();
  EXPECT_EQ(nurse.Post("/measures/" + std::to_string(measure_a_.value) + "/edit", change).status,
            403);
  EXPECT_EQ(store().GetMeasure(org_, measure_a_)->name, "Visits completed");
  EXPECT_EQ(AuditCount(), audit);
}

TEST_P(PagesAdminTest, AFormWithoutTheCsrfTokenIsRefusedAndChangesNothing) {
  Browser lead = SignInAs("lead@test.nhs.uk");
  Browser admin = SignInAs("admin@test.nhs.uk");
  const size_t audit = AuditCount();  // after signing in, which is audited
  EXPECT_EQ(lead.Post(NewMeasurePath(team_a_), FallsForm(), false).status, 403);
  Form forged = FallsForm();
  forged.emplace_back("csrf_token", std::string(64, 'a'));
  EXPECT_EQ(lead.Post(NewMeasurePath(team_a_), forged, false).status, 403);
  EXPECT_EQ(admin.Post("/admin/teams", {{"parent", ""}, {"name", "Finance"}}, false).status, 403);
  EXPECT_EQ(admin
                .Post("/admin/people/" + std::to_string(nurse_.value) + "/roles",
                      {{"roles", "board"}}, false)
                .status,
            403);
  EXPECT_EQ(MeasuresOf(team_a_).size(), 1u);
  EXPECT_TRUE(RolesOf(nurse_).empty());
  EXPECT_EQ(AuditCount(), audit);
}

TEST_P(PagesAdminTest, ALeadChangesADefinitionButNotItsTeam) {
  Browser lead = SignInAs("lead@test.nhs.uk");
  const std::string path = "/measures/" + std::to_string(measure_a_.value) + "/edit";
  const HttpResponse form = lead.Get(path);
  ASSERT_EQ(form.status, 200) << form.body;
  EXPECT_TRUE(Contains(form.body, "Change the definition"));
  EXPECT_TRUE(Contains(form.body, "value=\"Visits completed\""));  // the definition as it is
  EXPECT_TRUE(Contains(form.body, "value=\"increase\" checked"));
  Form change = {{"name", "Visits completed on the day"},
                 {"definition", "Visits completed as planned"},
                 {"unit", "visits"},
                 {"kind", "process"},
                 {"chart", "i"},
                 {"direction", "increase"},
                 {"target", "40"},
                 {"frequency", "weekly"},
                 {"team", std::to_string(team_b_.value)}};  // not a field: ignored
  const HttpResponse saved = lead.Post(path, change);
  ASSERT_EQ(saved.status, 303) << saved.body;
  EXPECT_EQ(saved.Header("Location").value_or(""),
            "/measures/" + std::to_string(measure_a_.value) + "?defined=1");
  auto measure = store().GetMeasure(org_, measure_a_);
  ASSERT_TRUE(measure);
  EXPECT_EQ(measure->name, "Visits completed on the day");
  EXPECT_EQ(measure->team, team_a_);
  EXPECT_EQ(measure->kind, domain::MeasureKind::kProcess);
  EXPECT_EQ(measure->frequency, domain::Frequency::kWeekly);
  EXPECT_EQ(measure->target, std::optional<double>(40));
}

TEST_P(PagesAdminTest, AChartTheFiguresCannotGoOnIsRefused) {
  ASSERT_TRUE(store().AppendObservation(
      seed_, org_, domain::ObservationInput{measure_a_, "2024-01-01", 12, std::nullopt}));
  Browser lead = SignInAs("lead@test.nhs.uk");
  const std::string path = "/measures/" + std::to_string(measure_a_.value) + "/edit";
  ASSERT_EQ(lead.Get(path).status, 200);
  const size_t audit = AuditCount();
  // A p chart needs a total for every figure; the one figure so far has none.
  const HttpResponse reply = lead.Post(path, {{"name", "Visits completed"},
                                              {"definition", "Visits on time out of all visits"},
                                              {"kind", "outcome"},
                                              {"chart", "p"},
                                              {"direction", "increase"},
                                              {"frequency", "daily"}});
  EXPECT_EQ(reply.status, 422);
  EXPECT_TRUE(Contains(reply.body, "href=\"#chart\""));
  EXPECT_EQ(store().GetMeasure(org_, measure_a_)->chart, spc::Chart::kI);
  EXPECT_EQ(AuditCount(), audit);
}

TEST_P(PagesAdminTest, APercentageTargetOfAPChartIsKeptAsAProportion) {
  // A p chart plots the number over the total, so its target is a proportion (spc.md section 1).
  Browser lead = SignInAs("lead@test.nhs.uk");
  ASSERT_EQ(lead.Get(NewMeasurePath(team_a_)).status, 200);
  Form form = FallsForm();
  form[0].second = "Insulin visits on time";
  form[4].second = "p";
  form[5].second = "increase";
  form[6].second = "95%";
  ASSERT_EQ(lead.Post(NewMeasurePath(team_a_), form).status, 303);
  form[0].second = "Wound reviews on time";
  form[6].second = "95";  // not a proportion
  const HttpResponse reply = lead.Post(NewMeasurePath(team_a_), form);
  EXPECT_EQ(reply.status, 422);
  EXPECT_TRUE(Contains(reply.body, "href=\"#target\""));
  const auto measures = MeasuresOf(team_a_);
  ASSERT_EQ(measures.size(), 2u);
  for (const domain::Measure& m : measures) {
    if (m.name == "Insulin visits on time") {
      EXPECT_EQ(m.target, std::optional<double>(0.95));
    }
  }
}

TEST_P(PagesAdminTest, AMeasureNameIsEscapedOnEveryPage) {
  Browser lead = SignInAs("lead@test.nhs.uk");
  ASSERT_EQ(lead.Get(NewMeasurePath(team_a_)).status, 200);
  Form form = FallsForm();
  form[0].second = "<script>alert(1)</script>";
  form[1].second = "\"><img src=x onerror=alert(2)>";
  const HttpResponse saved = lead.Post(NewMeasurePath(team_a_), form);
  ASSERT_EQ(saved.status, 303) << saved.body;
  const std::string measure_page = saved.Header("Location").value_or("");
  for (const std::string& path : {measure_page, "/teams/" + std::to_string(team_a_.value),
                                  measure_page.substr(0, measure_page.find('?')) + "/edit"}) {
    const HttpResponse page = lead.Get(path);
    ASSERT_EQ(page.status, 200) << path;
    EXPECT_FALSE(Contains(page.body, "<script>alert")) << path;
    EXPECT_FALSE(Contains(page.body, "<img src=x")) << path;
    EXPECT_TRUE(Contains(page.body, "&lt;script&gt;alert(1)&lt;/script&gt;")) << path;
  }
  // A name that fails (too long) is shown again escaped, too.
  form[0].second = "<script>alert(3)</script>" + std::string(200, 'x');
  const HttpResponse failed = lead.Post(NewMeasurePath(team_a_), form);
  EXPECT_EQ(failed.status, 422);
  EXPECT_FALSE(Contains(failed.body, "<script>alert"));
}

TEST_P(PagesAdminTest, ANameTheTeamUsesAlreadyIsAFormError) {
  Browser lead = SignInAs("lead@test.nhs.uk");
  ASSERT_EQ(lead.Get(NewMeasurePath(team_a_)).status, 200);
  Form form = FallsForm();
  form[0].second = "Visits completed";  // measure A's name
  const HttpResponse reply = lead.Post(NewMeasurePath(team_a_), form);
  EXPECT_EQ(reply.status, 422);
  EXPECT_TRUE(Contains(reply.body, "href=\"#name\""));
  EXPECT_EQ(MeasuresOf(team_a_).size(), 1u);
}

// --- Administration.

TEST_P(PagesAdminTest, TheAdminPagesAreForAdministratorsAndLeads) {
  Browser admin = SignInAs("admin@test.nhs.uk");
  const HttpResponse overview = admin.Get("/admin");
  ASSERT_EQ(overview.status, 200);
  for (const char* link : {"/admin/teams", "/admin/people", "/admin/import"}) {
    EXPECT_TRUE(Contains(overview.body, "href=\"" + std::string(link) + "\"")) << link;
  }
  Browser lead = SignInAs("lead@test.nhs.uk");
  const HttpResponse for_lead = lead.Get("/admin");
  ASSERT_EQ(for_lead.status, 200);
  EXPECT_TRUE(Contains(for_lead.body, "href=\"/admin/tokens\""));
  EXPECT_FALSE(Contains(for_lead.body, "href=\"/admin/import\""));  // import is for admins only

  Browser nurse = SignInAs("nurse@test.nhs.uk");
  for (const std::string& path :
       std::vector<std::string>{"/admin", "/admin/teams", "/admin/people",
                                "/admin/people/" + std::to_string(nurse_.value)}) {
    EXPECT_EQ(nurse.Get(path).status, 403) << path;
  }
  // Without a session: to the sign-in page.
  Browser nobody(port());
  const HttpResponse anonymous = nobody.Get("/admin/people");
  EXPECT_EQ(anonymous.status, 303);
  EXPECT_EQ(anonymous.Header("Location").value_or(""), "/sign-in?next=/admin/people");
}

TEST_P(PagesAdminTest, TheTeamTreeNestsTeamsWithTheirNumberOfMembers) {
  Browser lead = SignInAs("lead@test.nhs.uk");
  const HttpResponse page = lead.Get("/admin/teams");
  ASSERT_EQ(page.status, 200);
  const std::string& body = page.body;
  const size_t community = body.find(">Community</a>");
  const size_t nursing = body.find(">District Nursing</a>");
  const size_t reception = body.find(">Reception</a>");
  ASSERT_NE(community, std::string::npos);
  ASSERT_NE(nursing, std::string::npos);
  ASSERT_NE(reception, std::string::npos);
  // District Nursing and Reception are in a list inside Community's item.
  EXPECT_LT(community, nursing);
  EXPECT_NE(body.substr(community, nursing - community).find("<ul class=\"nhsuk-list"),
            std::string::npos);
  EXPECT_NE(body.find("href=\"/teams/" + std::to_string(team_a_.value) + "\""), std::string::npos);
  EXPECT_NE(body.substr(community, 200).find("1 member"), std::string::npos);  // the lead
  EXPECT_FALSE(Contains(body, "Elsewhere"));                // another organisation's team
  EXPECT_FALSE(Contains(body, "action=\"/admin/teams\""));  // only administrators add teams
}

TEST_P(PagesAdminTest, AnAdministratorAddsATeam) {
  Browser admin = SignInAs("admin@test.nhs.uk");
  const HttpResponse page = admin.Get("/admin/teams");
  ASSERT_EQ(page.status, 200);
  EXPECT_TRUE(Contains(page.body, "action=\"/admin/teams\""));
  const HttpResponse added = admin.Post(
      "/admin/teams", {{"parent", std::to_string(community_.value)}, {"name", " Podiatry "}});
  ASSERT_EQ(added.status, 303) << added.body;
  const std::string location = added.Header("Location").value_or("");
  EXPECT_EQ(location.rfind("/admin/teams?added=", 0), 0u) << location;

  const ApiReply teams = Call(SignIn("admin@test.nhs.uk"), "GET", "/api/v1/teams");
  ASSERT_EQ(teams.status, 200);
  bool found = false;
  for (const json& team : teams.body["teams"]) {
    if (team["path"] == "Test Trust/Community/Podiatry") {
      found = true;
      EXPECT_EQ(team["parent"], community_.value);
    }
  }
  EXPECT_TRUE(found) << teams.text;
  EXPECT_TRUE(Contains(admin.Get(location).body, "Team added: Test Trust/Community/Podiatry"));

  // The same name in the same place again is a form error; a slash is too.
  const size_t audit = AuditCount();
  const HttpResponse again = admin.Post(
      "/admin/teams", {{"parent", std::to_string(community_.value)}, {"name", "Podiatry"}});
  EXPECT_EQ(again.status, 422);
  EXPECT_TRUE(Contains(again.body, "href=\"#name\""));
  EXPECT_EQ(admin.Post("/admin/teams", {{"parent", ""}, {"name", "A/B"}}).status, 422);
  EXPECT_EQ(
      admin.Post("/admin/teams", {{"parent", std::to_string(team_c_.value)}, {"name", "Sneaky"}})
          .status,
      422);  // another organisation's team is not a parent here
  EXPECT_EQ(AuditCount(), audit);
}

TEST_P(PagesAdminTest, ALeadCannotAddTeams) {
  Browser lead = SignInAs("lead@test.nhs.uk");
  ASSERT_EQ(lead.Get("/admin/teams").status, 200);
  const size_t audit = AuditCount();
  EXPECT_EQ(lead.Post("/admin/teams",
                      {{"parent", std::to_string(community_.value)}, {"name", "Podiatry"}})
                .status,
            403);
  EXPECT_EQ(AuditCount(), audit);
}

TEST_P(PagesAdminTest, PeopleAreListedForAdministratorsAndForLeadsTheirTeamsOnly) {
  Browser admin = SignInAs("admin@test.nhs.uk");
  const HttpResponse all = admin.Get("/admin/people");
  ASSERT_EQ(all.status, 200);
  for (const char* name : {"Nia Nurse", "Lee Lead", "Rae Reception", "Ada Admin", "Bo Board"}) {
    EXPECT_TRUE(Contains(all.body, name)) << name;
  }
  EXPECT_FALSE(Contains(all.body, "Oz Outsider"));
  EXPECT_TRUE(Contains(all.body, "href=\"/admin/people/" + std::to_string(nurse_.value) + "\""));
  EXPECT_TRUE(Contains(all.body, "District Nursing (member)"));
  EXPECT_TRUE(Contains(all.body, "Community (lead)"));
  EXPECT_TRUE(Contains(all.body, "Board member"));

  Browser lead = SignInAs("lead@test.nhs.uk");
  const HttpResponse mine = lead.Get("/admin/people");
  ASSERT_EQ(mine.status, 200);
  for (const char* name : {"Nia Nurse", "Lee Lead", "Rae Reception"}) {
    EXPECT_TRUE(Contains(mine.body, name)) << name;
  }
  EXPECT_FALSE(Contains(mine.body, "Ada Admin"));
  EXPECT_FALSE(Contains(mine.body, "Bo Board"));
  // Someone outside the lead's teams is found by their exact email address, to be added.
  const HttpResponse found = lead.Get("/admin/people?q=board%40test.nhs.uk");
  ASSERT_EQ(found.status, 200);
  EXPECT_TRUE(Contains(found.body, "Bo Board"));
  EXPECT_FALSE(Contains(lead.Get("/admin/people?q=Bo").body, "Bo Board"));
}

TEST_P(PagesAdminTest, ALongListOfPeopleIsShownFiftyAtATime) {
  for (int i = 0; i < 120; ++i) {
    domain::Person p;
    p.org = org_;
    p.name = "Staff " + std::to_string(1000 + i);
    p.email = "staff" + std::to_string(i) + "@test.nhs.uk";
    ASSERT_TRUE(store().CreatePerson(seed_, p));
  }
  Browser admin = SignInAs("admin@test.nhs.uk");
  const HttpResponse first = admin.Get("/admin/people");
  ASSERT_EQ(first.status, 200);
  EXPECT_TRUE(Contains(first.body, "Showing 1 to 50 of 125 people"));
  EXPECT_TRUE(Contains(first.body, "href=\"/admin/people?page=2\""));
  const HttpResponse last = admin.Get("/admin/people?page=3");
  ASSERT_EQ(last.status, 200);
  EXPECT_TRUE(Contains(last.body, "Showing 101 to 125 of 125 people"));
  EXPECT_FALSE(Contains(last.body, "page=4"));
  const HttpResponse search = admin.Get("/admin/people?q=staff+11");
  EXPECT_TRUE(Contains(search.body, "20 people matching"));  // Staff 1100 to Staff 1119
}

TEST_P(PagesAdminTest, AnAdministratorGrantsTheBoardRole) {
  Browser admin = SignInAs("admin@test.nhs.uk");
  const std::string person = "/admin/people/" + std::to_string(nurse_.value);
  const HttpResponse page = admin.Get(person);
  ASSERT_EQ(page.status, 200);
  EXPECT_TRUE(Contains(page.body, "action=\"" + person + "/roles\""));
  const HttpResponse granted = admin.Post(person + "/roles", {{"roles", "board"}});
  ASSERT_EQ(granted.status, 303) << granted.body;
  EXPECT_EQ(granted.Header("Location").value_or(""), person + "?saved=roles");
  EXPECT_EQ(RolesOf(nurse_), std::vector<domain::OrgRole>{domain::OrgRole::kBoard});
  const ApiReply session = Call(SignIn("nurse@test.nhs.uk"), "GET", "/api/v1/session");
  EXPECT_EQ(session.body["roles"], json::array({"board"})) << session.text;
  EXPECT_TRUE(Contains(admin.Get(person + "?saved=roles").body, "Organisation roles saved"));

  // Two boxes at once, and unticking revokes.
  ASSERT_EQ(admin.Post(person + "/roles", {{"roles", "moderator"}, {"roles", "equality"}}).status,
            303);
  const auto roles = RolesOf(nurse_);
  EXPECT_EQ(roles.size(), 2u);
  EXPECT_EQ(std::count(roles.begin(), roles.end(), domain::OrgRole::kBoard), 0);
}

TEST_P(PagesAdminTest, ALeadCannotGrantOrganisationRoles) {
  Browser lead = SignInAs("lead@test.nhs.uk");
  const std::string person = "/admin/people/" + std::to_string(nurse_.value);
  const HttpResponse page = lead.Get(person);
  ASSERT_EQ(page.status, 200);
  EXPECT_FALSE(Contains(page.body, "/roles\""));  // no roles form for a lead
  const size_t audit = AuditCount();
  EXPECT_EQ(lead.Post(person + "/roles", {{"roles", "admin"}}).status, 403);
  EXPECT_EQ(
      lead.Post("/admin/people/" + std::to_string(lead_.value) + "/roles", {{"roles", "admin"}})
          .status,
      403);
  EXPECT_TRUE(RolesOf(nurse_).empty());
  EXPECT_TRUE(RolesOf(lead_).empty());
  EXPECT_EQ(AuditCount(), audit);
}

TEST_P(PagesAdminTest, AnAdministratorCannotRemoveTheirOwnAdministratorRole) {
  Browser admin = SignInAs("admin@test.nhs.uk");
  const std::string self = "/admin/people/" + std::to_string(admin_.value);
  ASSERT_EQ(admin.Get(self).status, 200);
  const size_t audit = AuditCount();
  const HttpResponse reply = admin.Post(self + "/roles", {{"roles", "board"}});
  EXPECT_EQ(reply.status, 422);
  EXPECT_TRUE(Contains(reply.body, "There is a problem"));
  EXPECT_TRUE(Contains(reply.body, "You cannot remove your own administrator role"));
  EXPECT_EQ(RolesOf(admin_), std::vector<domain::OrgRole>{domain::OrgRole::kAdmin});
  EXPECT_EQ(AuditCount(), audit);  // not even the board role was granted
  // Keeping it while adding another is fine.
  EXPECT_EQ(admin.Post(self + "/roles", {{"roles", "admin"}, {"roles", "board"}}).status, 303);
  EXPECT_EQ(RolesOf(admin_).size(), 2u);
}

TEST_P(PagesAdminTest, ALeadSetsTeamRolesOnlyInTheTeamsTheyLead) {
  auto finance = store().CreateTeam(seed_, org_, std::nullopt, "Finance");
  ASSERT_TRUE(finance);
  Browser lead = SignInAs("lead@test.nhs.uk");
  const std::string person = "/admin/people/" + std::to_string(receptionist_.value);
  const HttpResponse page = lead.Get(person);
  ASSERT_EQ(page.status, 200);
  EXPECT_TRUE(Contains(page.body, "<option value=\"" + std::to_string(team_a_.value) + "\""));
  EXPECT_FALSE(Contains(page.body, "<option value=\"" + std::to_string(finance->id.value) + "\""));

  // A lead of Community makes the receptionist a lead of District Nursing (below Community).
  const HttpResponse set =
      lead.Post(person + "/teams", {{"team", std::to_string(team_a_.value)}, {"role", "lead"}});
  ASSERT_EQ(set.status, 303) << set.body;
  auto memberships = store().ListMembershipsOfPerson(org_, receptionist_);
  ASSERT_TRUE(memberships);
  EXPECT_EQ(memberships->size(), 2u);
  EXPECT_TRUE(Contains(lead.Get(set.Header("Location").value_or("")).body,
                       "Rae Reception is now a lead of District Nursing"));

  // ... and takes them out of Reception.
  ASSERT_EQ(
      lead.Post(person + "/teams", {{"team", std::to_string(team_b_.value)}, {"role", "none"}})
          .status,
      303);
  memberships = store().ListMembershipsOfPerson(org_, receptionist_);
  ASSERT_TRUE(memberships);
  ASSERT_EQ(memberships->size(), 1u);
  EXPECT_EQ(memberships->front().team, team_a_);

  // Finance is not theirs: refused, nothing changed.
  const size_t audit = AuditCount();
  EXPECT_EQ(lead.Post(person + "/teams",
                      {{"team", std::to_string(finance->id.value)}, {"role", "member"}})
                .status,
            403);
  EXPECT_EQ(
      lead.Post(person + "/teams", {{"team", std::to_string(team_a_.value)}, {"role", "owner"}})
          .status,
      422);
  EXPECT_EQ(AuditCount(), audit);
}

TEST_P(PagesAdminTest, AnAdministratorSetsTeamRolesInAnyTeam) {
  Browser admin = SignInAs("admin@test.nhs.uk");
  const std::string person = "/admin/people/" + std::to_string(board_.value);
  ASSERT_EQ(admin.Get(person).status, 200);
  ASSERT_EQ(
      admin
          .Post(person + "/teams", {{"team", std::to_string(community_.value)}, {"role", "member"}})
          .status,
      303);
  auto memberships = store().ListMembershipsOfPerson(org_, board_);
  ASSERT_TRUE(memberships);
  ASSERT_EQ(memberships->size(), 1u);
  EXPECT_EQ(memberships->front().role, domain::TeamRole::kMember);
}

INSTANTIATE_TEST_SUITE_P(Engines, PagesAdminTest,
                         ::testing::ValuesIn(store::testing::TestEngines()),
                         [](const ::testing::TestParamInfo<std::string>& param) {
                           return param.param;
                         });

}  // namespace
}  // namespace everyseat::server::testing
