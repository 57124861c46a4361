// The web application's pages (server/src/web) through the real server, on both stores: signing
// in and out with HTML forms, the home, team, measure and alerts pages, adding a figure in two
// steps, correcting one and annotating a chart, all without JavaScript (plain form posts), with
// CSRF, authorisation and escaping checked. The pages in a real browser (live updates, axe,
// narrow screens) are tested in tests/web.
#include <ctime>
#include <regex>

#include "api_fixture.h"
#include "form_encoding.h"

namespace everyseat::server::testing {
namespace {

using nlohmann::json;

// A day `days_ago` days before today, as the pages' date fields and as YYYY-MM-DD.
struct Day {
  std::string iso, day, month, year;
};
Day DaysAgo(int days_ago) {
  const std::string iso =
      domain::FormatIsoDate(static_cast<int64_t>(std::time(nullptr)) - days_ago * 86400LL);
  return Day{iso, std::to_string(std::stoi(iso.substr(8, 2))),
             std::to_string(std::stoi(iso.substr(5, 2))), iso.substr(0, 4)};
}

size_t Count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

class PagesTest : public ApiFixture {
 protected:
  // A page as a browser gets it: the session cookie, no CSRF header.
  HttpResponse Get(const Who& who, const std::string& target) {
    std::vector<std::pair<std::string, std::string>> headers;
    if (!who.cookie.empty()) headers.emplace_back("Cookie", "everyseat_session=" + who.cookie);
    HttpClient client(port(), std::chrono::milliseconds(30'000));
    auto response = client.Request("GET", target, {}, headers);
    EXPECT_TRUE(response.has_value()) << target;
    return response.value_or(HttpResponse{});
  }
  // A form post as a browser sends it; csrf_token is added unless `with_csrf` is false.
  HttpResponse Post(const Who& who, const std::string& target,
                    std::vector<std::pair<std::string, std::string>> fields,
                    bool with_csrf = true) {
    if (with_csrf) fields.emplace_back("csrf_token", who.csrf);
    std::vector<std::pair<std::string, std::string>> headers = {
        {"Content-Type", "application/x-www-form-urlencoded"}};
    if (!who.cookie.empty()) headers.emplace_back("Cookie", "everyseat_session=" + who.cookie);
    HttpClient client(port(), std::chrono::milliseconds(30'000));
    auto response = client.Request("POST", target, EncodeForm(fields), headers);
    EXPECT_TRUE(response.has_value()) << target;
    return response.value_or(HttpResponse{});
  }
  std::string PagePath(domain::MeasureId measure, const std::string& rest = {}) {
    return "/measures/" + std::to_string(measure.value) + rest;
  }
  size_t Observations(domain::MeasureId measure) {
    auto list = store().ListObservations(org_, measure);
    EXPECT_TRUE(list.has_value());
    return list ? list->size() : 0;
  }
  // Values for the last `n` days of measure A through the API (oldest first, ending yesterday).
  void Feed(const Who& who, domain::MeasureId measure, const std::vector<double>& values) {
    json batch = json::array();
    for (size_t i = 0; i < values.size(); ++i) {
      batch.push_back(
          {{"period", DaysAgo(static_cast<int>(values.size() - i)).iso}, {"value", values[i]}});
    }
    const ApiReply reply =
        Call(who, "POST", MeasurePath(measure, "/observations"), json{{"observations", batch}});
    ASSERT_EQ(reply.status, 201) << reply.text;
  }
};

TEST_P(PagesTest, SignedOutPagesSendYouToSignInAndBack) {
  const std::string team = "/teams/" + std::to_string(team_a_.value);
  const HttpResponse page = Get(Who{}, team);
  EXPECT_EQ(page.status, 303);
  EXPECT_EQ(page.Header("Location").value_or(""), "/sign-in?next=" + team);

  const HttpResponse form = Get(Who{}, "/sign-in?next=" + team);
  EXPECT_EQ(form.status, 200);
  EXPECT_NE(form.body.find("<h1 class=\"nhsuk-heading-l\">Sign in</h1>"), std::string::npos);
  EXPECT_NE(form.body.find("name=\"next\" value=\"" + team + "\""), std::string::npos);

  const HttpResponse signed_in =
      Post(Who{}, "/sign-in",
           {{"email", "nurse@test.nhs.uk"}, {"password", kPassword}, {"next", team}}, false);
  EXPECT_EQ(signed_in.status, 303);
  EXPECT_EQ(signed_in.Header("Location").value_or(""), team);
  const std::string cookie = signed_in.Header("Set-Cookie").value_or("");
  EXPECT_NE(cookie.find("HttpOnly"), std::string::npos);
  EXPECT_NE(cookie.find("SameSite=Lax"), std::string::npos);
  Who who;
  who.cookie = cookie.substr(cookie.find('=') + 1, cookie.find(';') - cookie.find('=') - 1);
  EXPECT_EQ(Get(who, team).status, 200);
}

TEST_P(PagesTest, AWrongPasswordIsShownOnTheFormAndSignsNoOneIn) {
  const HttpResponse page =
      Post(Who{}, "/sign-in", {{"email", "nurse@test.nhs.uk"}, {"password", "wrong"}}, false);
  EXPECT_EQ(page.status, 401);
  EXPECT_FALSE(page.Header("Set-Cookie").has_value());
  EXPECT_NE(page.body.find("There is a problem"), std::string::npos);
  EXPECT_NE(page.body.find("<a href=\"#email\">The email address or password is wrong</a>"),
            std::string::npos);
  EXPECT_NE(page.body.find("<title>Error: Sign in"), std::string::npos);
  // The email is kept, the password is not.
  EXPECT_NE(page.body.find("value=\"nurse@test.nhs.uk\""), std::string::npos);
  EXPECT_EQ(page.body.find("value=\"wrong\""), std::string::npos);

  const HttpResponse empty = Post(Who{}, "/sign-in", {{"email", ""}, {"password", ""}}, false);
  EXPECT_EQ(empty.status, 422);
  EXPECT_NE(empty.body.find("href=\"#email\">Enter your email address"), std::string::npos);
  EXPECT_NE(empty.body.find("href=\"#password\">Enter your password"), std::string::npos);
}

TEST_P(PagesTest, SignInNeverSendsYouToAnotherSite) {
  for (const std::string next : {"//evil.example/x", "https://evil.example/", "/\\evil.example"}) {
    const HttpResponse page =
        Post(Who{}, "/sign-in",
             {{"email", "nurse@test.nhs.uk"}, {"password", kPassword}, {"next", next}}, false);
    EXPECT_EQ(page.status, 303) << next;
    EXPECT_EQ(page.Header("Location").value_or(""), "/") << next;
  }
}

TEST_P(PagesTest, SigningOutEndsTheSession) {
  const Who nurse = SignIn("nurse@test.nhs.uk");
  EXPECT_EQ(Get(nurse, "/").status, 200);
  // Without the form's CSRF token nothing happens.
  EXPECT_EQ(Post(nurse, "/sign-out", {}, false).status, 403);
  EXPECT_EQ(Get(nurse, "/").status, 200);
  const HttpResponse out = Post(nurse, "/sign-out", {});
  EXPECT_EQ(out.status, 303);
  EXPECT_EQ(out.Header("Location").value_or(""), "/sign-in");
  EXPECT_EQ(Get(nurse, "/").status, 303);
  EXPECT_EQ(Call(nurse, "GET", "/api/v1/session").status, 401);
}

TEST_P(PagesTest, HomeListsMyTeamsTheFiguresDueAndTheNavigation) {
  const Who nurse = SignIn("nurse@test.nhs.uk");
  const HttpResponse home = Get(nurse, "/");
  ASSERT_EQ(home.status, 200);
  EXPECT_EQ(home.Header("Content-Type").value_or(""), "text/html; charset=utf-8");
  EXPECT_NE(home.body.find("Hello, Nia"), std::string::npos);
  EXPECT_NE(home.body.find("href=\"/teams/" + std::to_string(team_a_.value) + "\""),
            std::string::npos);
  EXPECT_EQ(home.body.find("href=\"/teams/" + std::to_string(team_b_.value) + "\""),
            std::string::npos);
  // Measure A has no figures: its first is due today. Measure B is another team's.
  EXPECT_NE(home.body.find("href=\"" + PagePath(measure_a_, "/add") + "\""), std::string::npos);
  EXPECT_EQ(home.body.find("href=\"" + PagePath(measure_b_, "/add") + "\""), std::string::npos);
  // The NHS.UK template: one h1, a skip link to main, the service name, sign-out with CSRF.
  EXPECT_EQ(Count(home.body, "<h1"), 1u);
  EXPECT_NE(home.body.find("<a class=\"nhsuk-skip-link\" data-module=\"nhsuk-skip-link\" "
                           "href=\"#maincontent\">"),
            std::string::npos);
  EXPECT_NE(home.body.find("<main class=\"nhsuk-main-wrapper\" id=\"maincontent\">"),
            std::string::npos);
  EXPECT_NE(home.body.find("<span class=\"nhsuk-header__service-name\">everyseat</span>"),
            std::string::npos);
  EXPECT_NE(home.body.find("name=\"csrf_token\" value=\"" + nurse.csrf + "\""), std::string::npos);

  // Once yesterday's figure is in, today's is due (daily measure).
  Feed(nurse, measure_a_, {5});
  const HttpResponse after = Get(nurse, "/");
  EXPECT_NE(after.body.find("for " + std::to_string(std::stoi(DaysAgo(0).day))), std::string::npos);
}

TEST_P(PagesTest, TheTeamPageShowsEveryMeasureWithItsChartAndReading) {
  const Who nurse = SignIn("nurse@test.nhs.uk");
  Feed(nurse, measure_a_, {10, 12, 11, 13, 12, 11, 10, 12, 13, 11, 12, 11, 10, 12, 11, 13});
  const ApiReply analysis = Call(nurse, "GET", MeasurePath(measure_a_, "/analysis"));
  ASSERT_EQ(analysis.status, 200);
  const std::string reading = analysis.body["summary"]["reading"];
  ASSERT_FALSE(reading.empty());

  const HttpResponse team = Get(nurse, "/teams/" + std::to_string(team_a_.value));
  ASSERT_EQ(team.status, 200);
  EXPECT_NE(team.body.find(">Visits completed</a>"), std::string::npos);
  EXPECT_NE(team.body.find("<svg"), std::string::npos);
  EXPECT_NE(team.body.find(reading.substr(0, 40)), std::string::npos) << reading;
  EXPECT_NE(team.body.find("data-live-team=\"" + std::to_string(team_a_.value) + "\""),
            std::string::npos);

  const HttpResponse measure = Get(nurse, PagePath(measure_a_));
  ASSERT_EQ(measure.status, 200);
  EXPECT_NE(measure.body.find("data-live-measure=\"" + std::to_string(measure_a_.value) + "\""),
            std::string::npos);
  // The table view of the same data: one row per figure, newest first.
  EXPECT_EQ(Count(measure.body, "<tr class=\"nhsuk-table__row\" role=\"row\"><td"), 16u);
  const size_t newest = measure.body.find(
      ">Correct<span class=\"nhsuk-u-visually-hidden\"> the "
      "figure for ");
  ASSERT_NE(newest, std::string::npos);
}

TEST_P(PagesTest, AddingAFigureTakesTwoStepsAndWorksWithoutJavaScript) {
  const Who nurse = SignIn("nurse@test.nhs.uk");
  const Day day = DaysAgo(1);
  const HttpResponse form = Get(nurse, PagePath(measure_a_, "/add"));
  ASSERT_EQ(form.status, 200);
  EXPECT_NE(form.body.find("action=\"" + PagePath(measure_a_, "/add") + "\""), std::string::npos);

  // Step 1: checked, shown back, not stored.
  const HttpResponse check = Post(nurse, PagePath(measure_a_, "/add"),
                                  {{"period-day", day.day},
                                   {"period-month", day.month},
                                   {"period-year", day.year},
                                   {"value", "1,234.5"}});
  ASSERT_EQ(check.status, 200) << check.body;
  EXPECT_NE(check.body.find("Check your figure"), std::string::npos);
  EXPECT_NE(check.body.find("1,234.5 visits"), std::string::npos);
  EXPECT_EQ(Observations(measure_a_), 0u);

  // Step 2: saved, back to the measure with a banner.
  const HttpResponse saved =
      Post(nurse, PagePath(measure_a_, "/add/confirm"), {{"period", day.iso}, {"value", "1234.5"}});
  EXPECT_EQ(saved.status, 303) << saved.body;
  EXPECT_EQ(saved.Header("Location").value_or(""), PagePath(measure_a_, "?added=" + day.iso));
  auto stored = store().ListObservations(org_, measure_a_);
  ASSERT_TRUE(stored.has_value());
  ASSERT_EQ(stored->size(), 1u);
  EXPECT_EQ(stored->front().period, day.iso);
  EXPECT_DOUBLE_EQ(stored->front().value, 1234.5);
  EXPECT_EQ(stored->front().entered_by.person, nurse_);
  const HttpResponse page = Get(nurse, PagePath(measure_a_, "?added=" + day.iso));
  EXPECT_NE(page.body.find("Figure saved for"), std::string::npos);

  // The same day again: refused on the form, nothing changed.
  const HttpResponse again =
      Post(nurse, PagePath(measure_a_, "/add/confirm"), {{"period", day.iso}, {"value", "7"}});
  EXPECT_EQ(again.status, 409);
  EXPECT_NE(again.body.find("There is a problem"), std::string::npos);
  EXPECT_NE(again.body.find("href=\"#period-day\">There is already a figure"), std::string::npos);
  EXPECT_EQ(Observations(measure_a_), 1u);
}

TEST_P(PagesTest, ABadFigureIsExplainedNextToItsField) {
  const Who nurse = SignIn("nurse@test.nhs.uk");
  const Day day = DaysAgo(1);
  const HttpResponse words = Post(nurse, PagePath(measure_a_, "/add"),
                                  {{"period-day", day.day},
                                   {"period-month", day.month},
                                   {"period-year", day.year},
                                   {"value", "twelve"}});
  EXPECT_EQ(words.status, 422);
  EXPECT_NE(words.body.find("<a href=\"#value\">The figure must be a number"), std::string::npos);
  EXPECT_NE(words.body.find("id=\"value-error\""), std::string::npos);
  EXPECT_NE(words.body.find("value=\"twelve\""), std::string::npos);  // kept to be corrected

  const Day tomorrow = DaysAgo(-1);
  const HttpResponse future = Post(nurse, PagePath(measure_a_, "/add"),
                                   {{"period-day", tomorrow.day},
                                    {"period-month", tomorrow.month},
                                    {"period-year", tomorrow.year},
                                    {"value", "3"}});
  EXPECT_EQ(future.status, 422);
  EXPECT_NE(future.body.find("<a href=\"#period-day\">"), std::string::npos);

  const HttpResponse not_a_date =
      Post(nurse, PagePath(measure_a_, "/add"),
           {{"period-day", "31"}, {"period-month", "2"}, {"period-year", "2026"}, {"value", "3"}});
  EXPECT_EQ(not_a_date.status, 422);
  EXPECT_NE(not_a_date.body.find("must be a real date"), std::string::npos);
  EXPECT_EQ(Observations(measure_a_), 0u);
}

TEST_P(PagesTest, AFormWithoutTheSessionsCsrfTokenChangesNothing) {
  const Who nurse = SignIn("nurse@test.nhs.uk");
  const Day day = DaysAgo(1);
  const std::vector<std::pair<std::string, std::string>> fields = {{"period", day.iso},
                                                                   {"value", "4"}};
  EXPECT_EQ(Post(nurse, PagePath(measure_a_, "/add/confirm"), fields, false).status, 403);
  auto forged = fields;
  forged.emplace_back("csrf_token", std::string(64, 'a'));
  EXPECT_EQ(Post(nurse, PagePath(measure_a_, "/add/confirm"), forged, false).status, 403);
  // Another session's token is not this session's.
  const Who other = SignIn("nurse@test.nhs.uk");
  auto others = fields;
  others.emplace_back("csrf_token", other.csrf);
  EXPECT_EQ(Post(nurse, PagePath(measure_a_, "/add/confirm"), others, false).status, 403);
  EXPECT_EQ(Observations(measure_a_), 0u);
}

TEST_P(PagesTest, OtherTeamsAndOrganisationsAreRefusedAndUnchanged) {
  const Who nurse = SignIn("nurse@test.nhs.uk");
  const Day day = DaysAgo(1);
  // Team B's measure: visible to the organisation, but only its team adds figures.
  EXPECT_EQ(Get(nurse, PagePath(measure_b_)).status, 200);
  EXPECT_EQ(Get(nurse, PagePath(measure_b_)).body.find(">Add a figure<"), std::string::npos);
  EXPECT_EQ(Get(nurse, PagePath(measure_b_, "/add")).status, 403);
  EXPECT_EQ(Post(nurse, PagePath(measure_b_, "/add/confirm"), {{"period", day.iso}, {"value", "4"}})
                .status,
            403);
  EXPECT_EQ(Observations(measure_b_), 0u);
  // Another organisation's measure does not exist for this person.
  EXPECT_EQ(Get(nurse, PagePath(measure_c_)).status, 404);
  EXPECT_EQ(Get(nurse, "/teams/" + std::to_string(team_c_.value)).status, 404);
  EXPECT_EQ(Get(nurse, "/measures/nonsense").status, 404);
}

TEST_P(PagesTest, CorrectingAFigureKeepsItsHistory) {
  const Who nurse = SignIn("nurse@test.nhs.uk");
  Feed(nurse, measure_a_, {10, 11, 12});
  const std::string period = DaysAgo(2).iso;  // the middle one, 11
  const HttpResponse form = Get(nurse, PagePath(measure_a_, "/correct?period=" + period));
  ASSERT_EQ(form.status, 200);
  EXPECT_NE(form.body.find("value=\"11\""), std::string::npos);

  const HttpResponse bad =
      Post(nurse, PagePath(measure_a_, "/correct"), {{"period", period}, {"value", ""}});
  EXPECT_EQ(bad.status, 422);
  EXPECT_NE(bad.body.find("<a href=\"#value\">Enter the figure</a>"), std::string::npos);

  const HttpResponse done =
      Post(nurse, PagePath(measure_a_, "/correct"), {{"period", period}, {"value", "14"}});
  EXPECT_EQ(done.status, 303);
  EXPECT_EQ(done.Header("Location").value_or(""), PagePath(measure_a_, "?corrected=" + period));
  auto history = store().ListObservationHistory(org_, measure_a_, period);
  ASSERT_TRUE(history.has_value());
  ASSERT_EQ(history->size(), 2u);
  EXPECT_DOUBLE_EQ((*history)[0].value, 11);
  EXPECT_TRUE((*history)[0].superseded);
  EXPECT_DOUBLE_EQ((*history)[1].value, 14);
  const HttpResponse page = Get(nurse, PagePath(measure_a_, "/correct?period=" + period));
  EXPECT_NE(page.body.find("2 (current)"), std::string::npos);
  // The chart's table shows the corrected value.
  EXPECT_NE(Get(nurse, PagePath(measure_a_)).body.find(">14 visits<"), std::string::npos);
}

TEST_P(PagesTest, ARebaseWithItsReasonStartsANewPhase) {
  const Who nurse = SignIn("nurse@test.nhs.uk");
  std::vector<double> values(24, 10);
  for (size_t i = 12; i < 24; ++i) values[i] = 30 + static_cast<double>(i % 3);
  for (size_t i = 0; i < 12; ++i) values[i] = 10 + static_cast<double>(i % 3);
  Feed(nurse, measure_a_, values);
  const Day rebase = DaysAgo(12);  // the first of the higher values
  // Annotating a chart is for the team's leads (product.md): the member is refused.
  const std::vector<std::pair<std::string, std::string>> fields = {
      {"period-day", rebase.day},
      {"period-month", rebase.month},
      {"period-year", rebase.year},
      {"kind", "rebase"},
      {"text", "New visit scheduling system"}};
  EXPECT_EQ(Post(nurse, PagePath(measure_a_, "/annotate"), fields).status, 403);
  EXPECT_EQ(Get(nurse, PagePath(measure_a_)).body.find("Add a note, PDSA cycle or rebase"),
            std::string::npos);
  const Who lead = SignIn("lead@test.nhs.uk");

  const HttpResponse missing = Post(lead, PagePath(measure_a_, "/annotate"),
                                    {{"period-day", rebase.day},
                                     {"period-month", rebase.month},
                                     {"period-year", rebase.year},
                                     {"kind", "rebase"},
                                     {"text", "  "}});
  EXPECT_EQ(missing.status, 422);
  EXPECT_NE(missing.body.find("<a href=\"#text\">Enter the reason for the rebase</a>"),
            std::string::npos);

  const HttpResponse done = Post(lead, PagePath(measure_a_, "/annotate"), fields);
  EXPECT_EQ(done.status, 303) << done.body;
  const ApiReply analysis = Call(nurse, "GET", MeasurePath(measure_a_, "/analysis"));
  ASSERT_EQ(analysis.status, 200);
  EXPECT_EQ(analysis.body["phases"].size(), 2u);
  const HttpResponse page = Get(nurse, PagePath(measure_a_));
  EXPECT_NE(page.body.find("New visit scheduling system"), std::string::npos);
  EXPECT_NE(page.body.find(">Rebase</strong>"), std::string::npos);
}

TEST_P(PagesTest, APlantedSpecialCauseRaisesAnAlertThatCanBeMarkedSeen) {
  const Who nurse = SignIn("nurse@test.nhs.uk");
  std::vector<double> values;
  for (int i = 0; i < 20; ++i) values.push_back(10 + i % 3);
  values.push_back(60);  // far above the upper limit (mean 11, limits about 11 +- 5)
  Feed(nurse, measure_a_, values);
  const ApiReply listed = Call(nurse, "GET", "/api/v1/notifications?unseen=true");
  ASSERT_EQ(listed.status, 200);
  ASSERT_FALSE(listed.body["notifications"].empty());
  const int64_t id = listed.body["notifications"][0]["id"];

  const HttpResponse alerts = Get(nurse, "/alerts");
  ASSERT_EQ(alerts.status, 200);
  EXPECT_NE(alerts.body.find("Visits completed: special cause"), std::string::npos) << alerts.body;
  EXPECT_NE(
      alerts.body.find("Alerts (" + std::to_string(listed.body["notifications"].size()) + " new)"),
      std::string::npos);
  EXPECT_NE(Get(nurse, "/").body.find("Visits completed: special cause"), std::string::npos);

  EXPECT_EQ(Post(nurse, "/alerts/" + std::to_string(id) + "/seen", {}, false).status, 403);
  const HttpResponse seen = Post(nurse, "/alerts/" + std::to_string(id) + "/seen", {});
  EXPECT_EQ(seen.status, 303);
  const ApiReply after = Call(nurse, "GET", "/api/v1/notifications");
  bool marked = false;
  for (const auto& n : after.body["notifications"]) {
    if (n["id"] == id) marked = n["seen"];
  }
  EXPECT_TRUE(marked);
  // The receptionist (another team) does not see it.
  const Who receptionist = SignIn("reception@test.nhs.uk");
  EXPECT_EQ(Get(receptionist, "/alerts").body.find("Visits completed: special cause"),
            std::string::npos);
}

TEST_P(PagesTest, TextFromPeopleIsEscaped) {
  domain::Measure m;
  m.org = org_;
  m.team = team_a_;
  m.name = "<script>alert(1)</script> & \"quotes\"";
  m.definition = "<img src=x onerror=alert(2)>";
  m.unit = "visits";
  m.frequency = domain::Frequency::kDaily;
  auto created = store().CreateMeasure(seed_, m);
  ASSERT_TRUE(created.has_value());
  const Who nurse = SignIn("nurse@test.nhs.uk");
  for (const std::string& path :
       {"/teams/" + std::to_string(team_a_.value), PagePath(created->id), std::string("/")}) {
    const HttpResponse page = Get(nurse, path);
    ASSERT_EQ(page.status, 200) << path;
    EXPECT_EQ(page.body.find("<script>alert"), std::string::npos) << path;
    EXPECT_EQ(page.body.find("<img src=x"), std::string::npos) << path;
  }
  const HttpResponse page = Get(nurse, PagePath(created->id));
  EXPECT_NE(page.body.find("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot;"),
            std::string::npos);
}

TEST_P(PagesTest, AnUnknownAddressIsAPageForPeopleAndAProblemForTheApi) {
  const HttpResponse page = Get(Who{}, "/no/such/page");
  EXPECT_EQ(page.status, 404);
  EXPECT_EQ(page.Header("Content-Type").value_or(""), "text/html; charset=utf-8");
  EXPECT_NE(page.body.find("Page not found"), std::string::npos);
  const ApiReply api = Call(Who{}, "GET", "/api/v1/no-such-thing");
  EXPECT_EQ(api.status, 404);
  EXPECT_EQ(api.raw.Header("Content-Type").value_or(""), "application/problem+json");
}

TEST_P(PagesTest, PagesAreNotPartOfTheApiDocument) {
  const ApiReply document = Call(Who{}, "GET", "/api/v1/openapi.json");
  ASSERT_EQ(document.status, 200);
  for (const auto& [path, item] : document.body["paths"].items()) {
    EXPECT_EQ(path.rfind("/api/v1/", 0), 0u) << path;
  }
  EXPECT_TRUE(CheckOpenApi(*router_, document.body).empty());
}

INSTANTIATE_TEST_SUITE_P(Engines, PagesTest, ::testing::ValuesIn(store::testing::TestEngines()),
                         [](const ::testing::TestParamInfo<std::string>& param) {
                           return param.param;
                         });

}  // namespace
}  // namespace everyseat::server::testing
