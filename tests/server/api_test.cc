// The product API over real sockets, on both stores: sign-in, sessions and CSRF, lockout,
// observations in real time with their analysis, batches, corrections, tokens, events,
// notifications, webhooks' outbox, annotations, the audit log and the OpenAPI document.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "../cli/run_binary.h"
#include "api_fixture.h"
#include "everyseat/server/openapi.h"
#include "everyseat/server/webhooks.h"
#include "webhook_receiver.h"

namespace everyseat::server::testing {
namespace {

using nlohmann::json;

class ApiTest : public ApiFixture {};

std::string Day(int n) {  // 2024-01-01 plus n days
  return domain::FormatIsoDate(1704067200 + int64_t{86400} * n);
}

// --- Sign-in, sessions and CSRF.

TEST_P(ApiTest, SignInSetsAnHttpOnlyCookieAndReturnsTheCsrfToken) {
  const ApiReply reply = Call(Who{}, "POST", "/api/v1/session",
                              json{{"email", "Nurse@Test.nhs.uk"}, {"password", kPassword}});
  ASSERT_EQ(reply.status, 201) << reply.text;
  const std::string cookie = reply.raw.Header("Set-Cookie").value_or("");
  EXPECT_EQ(cookie.rfind("everyseat_session=", 0), 0u) << cookie;
  EXPECT_NE(cookie.find("; HttpOnly"), std::string::npos);
  EXPECT_NE(cookie.find("; SameSite=Lax"), std::string::npos);
  EXPECT_EQ(cookie.find("Secure"), std::string::npos);  // not behind TLS here
  EXPECT_TRUE(domain::LooksLikeToken(reply.body["csrf_token"].get<std::string>()));
  EXPECT_EQ(reply.body["person"]["email"], "nurse@test.nhs.uk");
  ASSERT_EQ(reply.body["teams"].size(), 1u);
  EXPECT_EQ(reply.body["teams"][0]["path"], "Test Trust/Community/District Nursing");
  EXPECT_EQ(reply.body["teams"][0]["role"], "member");

  const Who nurse = SignIn("nurse@test.nhs.uk");
  const ApiReply me = Call(nurse, "GET", "/api/v1/session");
  ASSERT_EQ(me.status, 200) << me.text;
  EXPECT_EQ(me.body["person"]["id"], nurse_.value);
  EXPECT_EQ(me.body["csrf_token"], nurse.csrf);
}

TEST_P(ApiTest, SecureCookiesCarryTheSecureAttribute) {
  StopServer();
  StartServer([](ApiOptions& o) { o.secure_cookies = true; });
  const ApiReply reply = Call(Who{}, "POST", "/api/v1/session",
                              json{{"email", "nurse@test.nhs.uk"}, {"password", kPassword}});
  ASSERT_EQ(reply.status, 201);
  EXPECT_NE(reply.raw.Header("Set-Cookie").value_or("").find("; Secure"), std::string::npos);
}

TEST_P(ApiTest, AWrongPasswordAndAnUnknownEmailGetTheSameAnswer) {
  const ApiReply wrong = Call(Who{}, "POST", "/api/v1/session",
                              json{{"email", "nurse@test.nhs.uk"}, {"password", "not it at all"}});
  const ApiReply unknown = Call(Who{}, "POST", "/api/v1/session",
                                json{{"email", "nobody@test.nhs.uk"}, {"password", kPassword}});
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(unknown.status, 401);
  EXPECT_EQ(wrong.body["detail"], unknown.body["detail"]);
  EXPECT_FALSE(wrong.raw.Header("Set-Cookie"));
}

TEST_P(ApiTest, RepeatedFailuresLockTheAccountEvenForTheRightPassword) {
  for (int i = 0; i < 5; ++i) {
    const ApiReply r =
        Call(Who{}, "POST", "/api/v1/session",
             json{{"email", "nurse@test.nhs.uk"}, {"password", "guess " + std::to_string(i)}});
    ASSERT_EQ(r.status, 401) << i;
  }
  const ApiReply locked = Call(Who{}, "POST", "/api/v1/session",
                               json{{"email", "nurse@test.nhs.uk"}, {"password", kPassword}});
  EXPECT_EQ(locked.status, 429) << locked.text;
  const int retry_after = std::stoi(locked.raw.Header("Retry-After").value_or("0"));
  EXPECT_GT(retry_after, 0);
  EXPECT_LE(retry_after, 15 * 60);
  // Someone else is not locked.
  EXPECT_EQ(Call(Who{}, "POST", "/api/v1/session",
                 json{{"email", "lead@test.nhs.uk"}, {"password", kPassword}})
                .status,
            201);
}

TEST_P(ApiTest, ChangesWithTheCookieNeedTheCsrfTokenAndWithoutItChangeNothing) {
  Who nurse = SignIn("nurse@test.nhs.uk");
  const size_t audit_before = store().ListAudit(org_, {}).value().size();
  nurse.send_csrf = false;
  const ApiReply missing = Call(nurse, "POST", MeasurePath(measure_a_, "/observations"),
                                json{{"period", "2024-01-01"}, {"value", 5}});
  EXPECT_EQ(missing.status, 403) << missing.text;
  nurse.send_csrf = true;
  nurse.csrf = std::string(64, 'a');
  EXPECT_EQ(Call(nurse, "POST", MeasurePath(measure_a_, "/observations"),
                 json{{"period", "2024-01-01"}, {"value", 5}})
                .status,
            403);
  EXPECT_TRUE(store().ListObservations(org_, measure_a_).value().empty());
  EXPECT_EQ(store().ListAudit(org_, {}).value().size(), audit_before);
  // Reading needs no CSRF token.
  nurse.send_csrf = false;
  EXPECT_EQ(Call(nurse, "GET", MeasurePath(measure_a_)).status, 200);
}

TEST_P(ApiTest, SignOutEndsTheSessionAtOnce) {
  const Who nurse = SignIn("nurse@test.nhs.uk");
  const ApiReply out = Call(nurse, "DELETE", "/api/v1/session");
  EXPECT_EQ(out.status, 204) << out.text;
  EXPECT_NE(out.raw.Header("Set-Cookie").value_or("").find("Max-Age=0"), std::string::npos);
  EXPECT_EQ(Call(nurse, "GET", "/api/v1/session").status, 401);
  EXPECT_EQ(Call(nurse, "GET", MeasurePath(measure_a_)).status, 401);
}

TEST_P(ApiTest, NoCredentialsIs401AndABadTokenToo) {
  EXPECT_EQ(Call(Who{}, "GET", MeasurePath(measure_a_)).status, 401);
  Who forged;
  forged.bearer = std::string(64, 'f');
  const ApiReply r = Call(forged, "GET", MeasurePath(measure_a_));
  EXPECT_EQ(r.status, 401);
  EXPECT_TRUE(r.raw.Header("WWW-Authenticate"));
}

// --- Observations and their analysis.

// Posted by a person (a session) and by a system (an API token) in turn: a token's observation,
// once its token and the measure are known, is checked from memory and answered after its group
// commits (Api::Impl::RecordQuickly); the answers and the analysis are the same either way.
TEST_P(ApiTest, PostedObservationsGiveExactlyTheAnalysisOfEverySeatSpc) {
  const Who nurse = SignIn("nurse@test.nhs.uk");
  const Who feed = TokenFor(team_a_);
  // 24 days around 20, then 8 days higher: a shift (special cause improvement).
  std::string csv = "date,value\n";
  json last_point;
  for (int i = 0; i < 32; ++i) {
    const double value = i < 24 ? 20 + (i % 5) - 2 : 26 + (i % 3);
    const Who& poster = i % 3 == 0 ? nurse : feed;
    const ApiReply r = Call(poster, "POST", MeasurePath(measure_a_, "/observations"),
                            json{{"period", Day(i)}, {"value", value}});
    ASSERT_EQ(r.status, 201) << r.text;
    EXPECT_EQ(r.body["written"], 1);
    EXPECT_EQ(r.body["observation"]["period"], Day(i));
    EXPECT_EQ(r.body["point"]["index"], i);
    last_point = r.body["point"];
    csv += Day(i) + "," + std::to_string(value) + "\n";
  }
  const ApiReply analysis = Call(nurse, "GET", MeasurePath(measure_a_, "/analysis"));
  ASSERT_EQ(analysis.status, 200) << analysis.text;

  everyseat::testing::ScratchDir dir;
  const auto cli = everyseat::testing::RunEverySeat(
      {"spc", "--input", dir.Write("a.csv", csv), "--chart", "i", "--direction", "increase"});
  ASSERT_EQ(cli.status, 0) << cli.err;
  EXPECT_EQ(analysis.text, cli.out);  // byte for byte

  // The last POST's point is the analysis's last point (plus its index).
  json expected = json::parse(cli.out)["points"].back();
  expected["index"] = 31;
  EXPECT_EQ(last_point, expected);
  EXPECT_EQ(json::parse(cli.out)["summary"]["variation_icon"], "improvement_high");
}

// A token's observation checked from memory is checked again in the database as it is written:
// a measure redefined or a token revoked by another process (here, straight through the store)
// is noticed at once, and the request is answered as it would have been without the memory.
TEST_P(ApiTest, ATokensObservationMeetsTheMeasureAndTokenAsTheyAreWhenWritten) {
  const Who feed = TokenFor(team_a_);
  const std::string path = MeasurePath(measure_a_, "/observations");
  for (int day = 0; day < 3; ++day) {  // the first makes the token and the measure known
    const ApiReply r = Call(feed, "POST", path, json{{"period", Day(day)}, {"value", 1 + day}});
    ASSERT_EQ(r.status, 201) << r.text;
  }

  // Redefined as a proportion (p chart), whose numerator cannot exceed its denominator.
  domain::Measure proportion = store().GetMeasure(org_, measure_a_).value();
  proportion.chart = spc::Chart::kP;
  ASSERT_TRUE(store().UpdateMeasure(domain::Actor::System("another process"), proportion));
  const ApiReply over =
      Call(feed, "POST", path, json{{"period", Day(3)}, {"value", 12}, {"denominator", 10}});
  EXPECT_EQ(over.status, 422) << over.text;
  EXPECT_EQ(over.body["errors"][0]["field"], "/denominator") << over.text;
  const ApiReply full =
      Call(feed, "POST", path, json{{"period", Day(4)}, {"value", 3}, {"denominator", 10}});
  EXPECT_EQ(full.status, 201) << full.text;

  // Revoked: refused at once, and nothing more is stored.
  const domain::TokenId token = store().AuthenticateApiToken(feed.bearer).value().id;
  ASSERT_TRUE(store().RevokeApiToken(domain::Actor::System("another process"), org_, token));
  const ApiReply revoked =
      Call(feed, "POST", path, json{{"period", Day(5)}, {"value", 4}, {"denominator", 10}});
  EXPECT_EQ(revoked.status, 401) << revoked.text;
  const auto stored = store().ListObservations(org_, measure_a_).value();
  ASSERT_EQ(stored.size(), 4u);
  EXPECT_EQ(stored.back().period, Day(4));
  // A repeated period from a known token is refused as before (409), alone.
  const Who again = TokenFor(team_a_, "feed 2");
  ASSERT_EQ(
      Call(again, "POST", path, json{{"period", Day(6)}, {"value", 5}, {"denominator", 9}}).status,
      201);
  const ApiReply repeat =
      Call(again, "POST", path, json{{"period", Day(6)}, {"value", 6}, {"denominator", 9}});
  EXPECT_EQ(repeat.status, 409) << repeat.text;
  EXPECT_EQ(store().ListObservations(org_, measure_a_).value().back().value, 5);
}

// Single observations posted at the same moment are written in groups (a group commit): each
// is stored exactly once and answered only once stored, and a repeated period is refused alone,
// not with the group it went in.
TEST_P(ApiTest, SimultaneousObservationsAreStoredOnceEachAndARefusalStaysAlone) {
  constexpr int kFeeds = 8;     // systems posting at once, each to a measure of its own
  constexpr int kPerFeed = 30;  // days each, then day 7 again (a repeat: 409)
  std::vector<domain::MeasureId> measures;
  for (int f = 0; f < kFeeds; ++f)
    measures.push_back(AddMeasure(org_, team_a_, "Feed " + std::to_string(f)));
  std::mutex mu;
  std::vector<size_t> groups;
  StopServer();
  StartServer([&](ApiOptions& options) {
    options.on_group_commit = [&](size_t size) {
      std::lock_guard lock(mu);
      groups.push_back(size);
    };
  });
  const Who feed = TokenFor(team_a_);
  const auto value = [](int f, int day) { return 10.0 * f + day % 7; };

  std::vector<std::vector<int>> statuses(kFeeds);
  std::vector<std::thread> threads;
  for (int f = 0; f < kFeeds; ++f) {
    threads.emplace_back([&, f] {
      for (int day = 0; day <= kPerFeed; ++day) {
        const int d = day < kPerFeed ? day : 7;
        const ApiReply r = Call(feed, "POST", MeasurePath(measures[f], "/observations"),
                                json{{"period", Day(d)}, {"value", value(f, day)}});
        statuses[f].push_back(r.status);
        if (r.status == 201 && r.body["observation"]["period"] != Day(d)) statuses[f].back() = 0;
      }
    });
  }
  for (std::thread& t : threads) t.join();

  for (int f = 0; f < kFeeds; ++f) {
    ASSERT_EQ(statuses[f].size(), size_t{kPerFeed + 1});
    EXPECT_EQ(std::count(statuses[f].begin(), statuses[f].end(), 201), kPerFeed) << "feed " << f;
    EXPECT_EQ(statuses[f].back(), 409) << "feed " << f;
    // Exactly the days posted, each once, with its first value: the repeat changed nothing.
    auto stored = store().ListObservations(org_, measures[f]);
    ASSERT_TRUE(stored);
    ASSERT_EQ(stored->size(), size_t{kPerFeed});
    for (int day = 0; day < kPerFeed; ++day) {
      EXPECT_EQ((*stored)[day].period, Day(day));
      EXPECT_EQ((*stored)[day].value, value(f, day));
    }
  }
  // Every POST went through a group, and the feeds' POSTs shared some.
  std::lock_guard lock(mu);
  size_t total = 0;
  for (const size_t size : groups) total += size;
  EXPECT_EQ(total, size_t{kFeeds * (kPerFeed + 1)});
  EXPECT_GT(*std::max_element(groups.begin(), groups.end()), 1u);
  EXPECT_LT(groups.size(), total);
}

TEST_P(ApiTest, ABatchOfTenThousandIsStoredAndAnalysedInOneRequest) {
  const Who nurse = SignIn("nurse@test.nhs.uk");
  json rows = json::array();
  for (int i = 0; i < 10'000; ++i) {
    rows.push_back({{"period", Day(i)}, {"value", 100 + (i * 37 % 11)}});
  }
  const ApiReply r =
      Call(nurse, "POST", MeasurePath(measure_a_, "/observations"), json{{"observations", rows}});
  ASSERT_EQ(r.status, 201) << r.text.substr(0, 500);
  EXPECT_EQ(r.body["written"], 10'000);
  EXPECT_EQ(r.body["point"]["index"], 9'999);
  EXPECT_EQ(r.body["point"]["date"], Day(9'999));
  EXPECT_EQ(store().ListObservations(org_, measure_a_).value().size(), 10'000u);
  const ApiReply analysis = Call(nurse, "GET", MeasurePath(measure_a_, "/analysis"));
  ASSERT_EQ(analysis.status, 200);
  EXPECT_EQ(analysis.body["points"].size(), 10'000u);
  // More than 10,000 is refused whole.
  rows.push_back({{"period", Day(20'000)}, {"value", 1}});
  const ApiReply too_many =
      Call(nurse, "POST", MeasurePath(measure_a_, "/observations"), json{{"observations", rows}});
  EXPECT_EQ(too_many.status, 422);
  EXPECT_EQ(too_many.body["errors"][0]["field"], "/observations");
}

TEST_P(ApiTest, ABadRowInABatchIsNamedAndNothingIsStored) {
  const Who nurse = SignIn("nurse@test.nhs.uk");
  const json body = {{"observations",
                      {{{"period", "2024-01-01"}, {"value", 1}},
                       {{"period", "2024-01-02"}, {"value", 2}},
                       {{"period", "2024-01-03"}, {"value", "three"}},
                       {{"period", "2024-02-30"}, {"value", 4}}}}};
  const ApiReply r = Call(nurse, "POST", MeasurePath(measure_a_, "/observations"), body);
  ASSERT_EQ(r.status, 422) << r.text;
  ASSERT_EQ(r.body["errors"].size(), 2u);
  EXPECT_EQ(r.body["errors"][0]["field"], "/observations/2/value");
  EXPECT_EQ(r.body["errors"][0]["reason"], "must be a number, not a string");
  EXPECT_EQ(r.body["errors"][1]["field"], "/observations/3/period");
  EXPECT_EQ(r.raw.Header("Content-Type"), "application/problem+json");
  EXPECT_TRUE(store().ListObservations(org_, measure_a_).value().empty());

  // A period already recorded in the database: the whole batch is refused.
  ASSERT_EQ(Call(nurse, "POST", MeasurePath(measure_a_, "/observations"),
                 json{{"period", "2024-01-02"}, {"value", 2}})
                .status,
            201);
  const json again = {
      {"observations",
       {{{"period", "2024-01-01"}, {"value", 1}}, {{"period", "2024-01-02"}, {"value", 9}}}}};
  const ApiReply conflict = Call(nurse, "POST", MeasurePath(measure_a_, "/observations"), again);
  EXPECT_EQ(conflict.status, 409) << conflict.text;
  EXPECT_EQ(store().ListObservations(org_, measure_a_).value().size(), 1u);
}

TEST_P(ApiTest, AValueTheChartCannotTakeIsRefusedBeforeItIsStored) {
  const Who lead = SignIn("lead@test.nhs.uk");
  const ApiReply made = Call(lead, "POST", "/api/v1/measures",
                             json{{"team", team_a_.value},
                                  {"name", "Visits on time"},
                                  {"unit", "%"},
                                  {"chart", "p"},
                                  {"direction", "increase"},
                                  {"target", 0.9},
                                  {"frequency", "weekly"}});
  ASSERT_EQ(made.status, 201) << made.text;
  const domain::MeasureId p_measure(made.body["id"].get<int64_t>());
  const ApiReply above = Call(lead, "POST", MeasurePath(p_measure, "/observations"),
                              json{{"period", "2024-01-01"}, {"value", 12}, {"denominator", 10}});
  EXPECT_EQ(above.status, 422) << above.text;
  EXPECT_EQ(above.body["errors"][0]["field"], "/denominator");
  const ApiReply missing = Call(lead, "POST", MeasurePath(p_measure, "/observations"),
                                json{{"period", "2024-01-01"}, {"value", 3}});
  EXPECT_EQ(missing.status, 422) << missing.text;
  EXPECT_EQ(missing.body["errors"][0]["field"], "/denominator");
  EXPECT_TRUE(store().ListObservations(org_, p_measure).value().empty());
  const ApiReply ok = Call(lead, "POST", MeasurePath(p_measure, "/observations"),
                           json{{"period", "2024-01-01"}, {"value", 9}, {"denominator", 10}});
  ASSERT_EQ(ok.status, 201) << ok.text;
  EXPECT_DOUBLE_EQ(ok.body["point"]["value"].get<double>(), 0.9);
  EXPECT_DOUBLE_EQ(ok.body["point"]["target"].get<double>(), 0.9);
}

TEST_P(ApiTest, ALatePeriodIsChartedInItsPlace) {
  const Who nurse = SignIn("nurse@test.nhs.uk");
  for (int day : {0, 1, 3, 4}) {
    ASSERT_EQ(Call(nurse, "POST", MeasurePath(measure_a_, "/observations"),
                   json{{"period", Day(day)}, {"value", 10 + day}})
                  .status,
              201);
  }
  const ApiReply late = Call(nurse, "POST", MeasurePath(measure_a_, "/observations"),
                             json{{"period", Day(2)}, {"value", 12}});
  ASSERT_EQ(late.status, 201) << late.text;
  EXPECT_EQ(late.body["point"]["index"], 2);
  EXPECT_EQ(late.body["point"]["date"], Day(2));
  const ApiReply analysis = Call(nurse, "GET", MeasurePath(measure_a_, "/analysis"));
  ASSERT_EQ(analysis.body["points"].size(), 5u);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(analysis.body["points"][i]["date"], Day(i));
  EXPECT_DOUBLE_EQ(analysis.body["points"][2]["value"].get<double>(), 12);
  // Mean of 10, 11, 12, 13, 14.
  EXPECT_DOUBLE_EQ(analysis.body["points"][0]["centre"].get<double>(), 12);
}

TEST_P(ApiTest, ACorrectionKeepsTheHistoryAndRecalculatesTheChart) {
  const Who nurse = SignIn("nurse@test.nhs.uk");
  for (int day = 0; day < 4; ++day) {
    ASSERT_EQ(Call(nurse, "POST", MeasurePath(measure_a_, "/observations"),
                   json{{"period", Day(day)}, {"value", 10}})
                  .status,
              201);
  }
  const ApiReply corrected =
      Call(nurse, "PUT", MeasurePath(measure_a_, "/observations/" + Day(1)), json{{"value", 14}});
  ASSERT_EQ(corrected.status, 200) << corrected.text;
  EXPECT_EQ(corrected.body["observation"]["version"], 2);
  EXPECT_EQ(corrected.body["point"]["index"], 1);
  EXPECT_DOUBLE_EQ(corrected.body["point"]["value"].get<double>(), 14);
  EXPECT_DOUBLE_EQ(corrected.body["point"]["centre"].get<double>(), 11);  // (10+14+10+10)/4
  const ApiReply history =
      Call(nurse, "GET", MeasurePath(measure_a_, "/observations/" + Day(1) + "/history"));
  ASSERT_EQ(history.status, 200);
  ASSERT_EQ(history.body["observations"].size(), 2u);
  EXPECT_EQ(history.body["observations"][0]["value"], 10);
  EXPECT_EQ(history.body["observations"][0]["superseded"], true);
  EXPECT_EQ(history.body["observations"][1]["value"], 14);
  // A period with no value cannot be corrected.
  EXPECT_EQ(
      Call(nurse, "PUT", MeasurePath(measure_a_, "/observations/" + Day(9)), json{{"value", 1}})
          .status,
      404);
}

// --- Tokens.

TEST_P(ApiTest, ATokenIsShownOnceWritesOnlyItsTeamAndStopsWhenRevoked) {
  const Who lead = SignIn("lead@test.nhs.uk");
  const ApiReply issued =
      Call(lead, "POST", "/api/v1/teams/" + std::to_string(team_a_.value) + "/tokens",
           json{{"name", "ED feed"}});
  ASSERT_EQ(issued.status, 201) << issued.text;
  const std::string secret = issued.body["token"];
  EXPECT_TRUE(domain::LooksLikeToken(secret));
  const ApiReply listed =
      Call(lead, "GET", "/api/v1/teams/" + std::to_string(team_a_.value) + "/tokens");
  ASSERT_EQ(listed.status, 200);
  ASSERT_EQ(listed.body["tokens"].size(), 1u);
  EXPECT_EQ(listed.text.find(secret), std::string::npos);

  Who feed;
  feed.bearer = secret;
  EXPECT_EQ(Call(feed, "POST", MeasurePath(measure_a_, "/observations"),
                 json{{"period", "2024-01-01"}, {"value", 3}})
                .status,
            201);
  const ApiReply other = Call(feed, "POST", MeasurePath(measure_b_, "/observations"),
                              json{{"period", "2024-01-01"}, {"value", 3}});
  EXPECT_EQ(other.status, 403);
  EXPECT_TRUE(store().ListObservations(org_, measure_b_).value().empty());
  const auto observations = store().ListObservations(org_, measure_a_).value();
  ASSERT_EQ(observations.size(), 1u);
  EXPECT_FALSE(observations[0].entered_by.person);
  EXPECT_NE(observations[0].entered_by.label.find("ED feed"), std::string::npos);

  const int64_t id = issued.body["id"];
  EXPECT_EQ(Call(lead, "DELETE",
                 "/api/v1/teams/" + std::to_string(team_a_.value) + "/tokens/" + std::to_string(id))
                .status,
            204);
  EXPECT_EQ(Call(feed, "POST", MeasurePath(measure_a_, "/observations"),
                 json{{"period", "2024-01-02"}, {"value", 3}})
                .status,
            401);
}

// --- Events.

TEST_P(ApiTest, AnObservationReachesAnotherConnectionsEventStreamAndStaysInItsOrganisation) {
  const Who nurse = SignIn("nurse@test.nhs.uk");
  const Who outsider = SignIn("outsider@other.nhs.uk");
  auto subscribe = [&](const Who& who, const std::string& query) {
    auto client = std::make_unique<HttpClient>(port(), std::chrono::milliseconds(2000));
    client->Send("GET /api/v1/events" + query +
                 " HTTP/1.1\r\nHost: x\r\nCookie: everyseat_session=" + who.cookie + "\r\n\r\n");
    auto head = client->ReadHead();
    EXPECT_TRUE(head && head->status == 200);
    return client;
  };
  auto mine = subscribe(nurse, "?measure=" + std::to_string(measure_a_.value));
  auto theirs = subscribe(outsider, "");
  ASSERT_TRUE(Eventually([&] { return api_->hub().subscribers() == 2; }));

  const auto posted_at = std::chrono::steady_clock::now();
  ASSERT_EQ(Call(nurse, "POST", MeasurePath(measure_a_, "/observations"),
                 json{{"period", "2024-03-01"}, {"value", 7}})
                .status,
            201);
  const auto event = mine->ReadEvent();
  ASSERT_TRUE(event);
  EXPECT_LT(std::chrono::steady_clock::now() - posted_at, std::chrono::seconds(1));
  EXPECT_EQ(event->event, "observation");
  const json data = json::parse(event->data);
  EXPECT_EQ(data["measure"], measure_a_.value);
  EXPECT_EQ(data["period"], "2024-03-01");
  EXPECT_EQ(data["value"], 7);
  EXPECT_EQ(data["correction"], false);
  EXPECT_EQ(data["point"]["index"], 0);
  // The other organisation hears nothing.
  EXPECT_FALSE(theirs->ReadEvent());
  // No credentials: no stream.
  HttpClient anonymous(port());
  const auto refused = anonymous.Request("GET", "/api/v1/events");
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 401);
}

// --- Notifications and webhooks.

// 20 points alternating 9 and 11, then one far above: outside the upper limit.
void PlantSpecialCause(ApiFixture& f, const Who& who, domain::MeasureId measure, ApiReply* last) {
  for (int i = 0; i < 20; ++i) {
    const ApiReply r = f.Call(who, "POST", MeasurePath(measure, "/observations"),
                              json{{"period", Day(i)}, {"value", i % 2 ? 9 : 11}});
    ASSERT_EQ(r.status, 201) << r.text;
    ASSERT_TRUE(r.body["signals"].empty()) << r.text;
  }
  *last = f.Call(who, "POST", MeasurePath(measure, "/observations"),
                 json{{"period", Day(20)}, {"value", 30}});
}

TEST_P(ApiTest, ASpecialCauseNotifiesTheOwningTeamOnceAndIsMarkedSeenPerPerson) {
  const Who nurse = SignIn("nurse@test.nhs.uk");
  const Who receptionist = SignIn("reception@test.nhs.uk");
  ApiReply last;
  PlantSpecialCause(*this, nurse, measure_a_, &last);
  ASSERT_EQ(last.status, 201) << last.text;
  EXPECT_EQ(last.body["point"]["rule"], "outside_limits");
  EXPECT_EQ(last.body["point"]["point_type"], "special_cause_improvement");
  ASSERT_GE(last.body["signals"].size(), 1u);
  EXPECT_EQ(last.body["signals"][0]["kind"], "special_cause");
  EXPECT_EQ(last.body["signals"][0]["period"], Day(20));
  EXPECT_EQ(last.body["signals"][0]["team"], team_a_.value);

  const ApiReply mine = Call(nurse, "GET", "/api/v1/notifications?unseen=true");
  ASSERT_EQ(mine.status, 200) << mine.text;
  ASSERT_EQ(mine.body["notifications"].size(), last.body["signals"].size());
  EXPECT_EQ(mine.body["notifications"][0]["seen"], false);
  // Another team's member is not told (their own list), though they may look at team A's.
  EXPECT_TRUE(Call(receptionist, "GET", "/api/v1/notifications").body["notifications"].empty());

  for (const json& n : mine.body["notifications"]) {
    EXPECT_EQ(Call(nurse, "POST",
                   "/api/v1/notifications/" + std::to_string(n["id"].get<int64_t>()) + "/seen")
                  .status,
              204);
  }
  EXPECT_TRUE(
      Call(nurse, "GET", "/api/v1/notifications?unseen=true").body["notifications"].empty());
  // The lead of the directorate hears about the team below, and has not seen it.
  const Who lead = SignIn("lead@test.nhs.uk");
  EXPECT_EQ(Call(lead, "GET", "/api/v1/notifications?unseen=true").body["notifications"].size(),
            mine.body["notifications"].size());
}

// An API token's observations after its first are answered without a waiting thread (the
// group commit's answering thread); a point that signals there has its notification written in a
// later group, and is answered with it, after its own event.
TEST_P(ApiTest, ATokensSpecialCauseIsAnsweredWithItsNotificationAfterItsEvent) {
  const Who nurse = SignIn("nurse@test.nhs.uk");
  const Who feed = TokenFor(team_a_);
  auto events = std::make_unique<HttpClient>(port(), std::chrono::milliseconds(2000));
  events->Send("GET /api/v1/events?measure=" + std::to_string(measure_a_.value) +
               " HTTP/1.1\r\nHost: x\r\nCookie: everyseat_session=" + nurse.cookie + "\r\n\r\n");
  const auto head = events->ReadHead();
  ASSERT_TRUE(head && head->status == 200);
  ASSERT_TRUE(Eventually([&] { return api_->hub().subscribers() == 1; }));

  ApiReply last;
  PlantSpecialCause(*this, feed, measure_a_, &last);
  ASSERT_EQ(last.status, 201) << last.text;
  EXPECT_EQ(last.body["point"]["rule"], "outside_limits");
  ASSERT_GE(last.body["signals"].size(), 1u) << last.text;
  EXPECT_EQ(last.body["signals"][0]["kind"], "special_cause");
  EXPECT_EQ(last.body["signals"][0]["period"], Day(20));
  EXPECT_EQ(last.body["signals"][0]["team"], team_a_.value);
  const ApiReply mine = Call(nurse, "GET", "/api/v1/notifications?unseen=true");
  ASSERT_EQ(mine.status, 200) << mine.text;
  std::set<int64_t> listed;
  std::set<int64_t> answered;
  for (const json& n : mine.body["notifications"]) listed.insert(n["id"].get<int64_t>());
  for (const json& n : last.body["signals"]) answered.insert(n["id"].get<int64_t>());
  EXPECT_EQ(listed, answered);

  // The stream: the 21 observations, each in turn, then the signal after the last one.
  for (int day = 0; day <= 20; ++day) {
    const auto event = events->ReadEvent();
    ASSERT_TRUE(event) << "day " << day;
    ASSERT_EQ(event->event, "observation") << event->data;
    EXPECT_EQ(json::parse(event->data)["period"], Day(day));
  }
  for (const json& told : last.body["signals"]) {
    const auto signal = events->ReadEvent();
    ASSERT_TRUE(signal);
    EXPECT_EQ(signal->event, "signal");
    EXPECT_EQ(json::parse(signal->data)["id"], told["id"]);
  }
}

TEST_P(ApiTest, ATeamWebhookGetsADeliveryForEachNotification) {
  const Who lead = SignIn("lead@test.nhs.uk");
  const std::string hook = "/api/v1/teams/" + std::to_string(team_a_.value) + "/webhook";
  const ApiReply bad = Call(lead, "PUT", hook, json{{"url", "ftp://example.org/x"}});
  EXPECT_EQ(bad.status, 422);
  EXPECT_EQ(bad.body["errors"][0]["field"], "/url");
  const ApiReply set = Call(lead, "PUT", hook, json{{"url", "http://127.0.0.1:9/hook"}});
  ASSERT_EQ(set.status, 200) << set.text;
  EXPECT_TRUE(domain::LooksLikeToken(set.body["secret"].get<std::string>()));
  EXPECT_FALSE(Call(lead, "GET", hook).body.contains("secret"));

  ApiReply last;
  PlantSpecialCause(*this, lead, measure_a_, &last);
  ASSERT_EQ(last.status, 201);
  const ApiReply deliveries = Call(lead, "GET", hook + "/deliveries");
  ASSERT_EQ(deliveries.status, 200) << deliveries.text;
  ASSERT_EQ(deliveries.body["deliveries"].size(), last.body["signals"].size());
  EXPECT_EQ(deliveries.body["deliveries"][0]["url"], "http://127.0.0.1:9/hook");
  EXPECT_EQ(deliveries.body["deliveries"][0]["state"], "pending");
}

TEST_P(ApiTest, ANotificationIsPostedToTheTeamsWebhookSignedAndRetried) {
  // The receiver fails once, then accepts.
  WebhookReceiver receiver({{Reply::Kind::kAnswer, 503, 0}, {Reply::Kind::kAnswer, 200, 0}});
  ASSERT_TRUE(receiver.ok());
  WebhookDispatcherOptions dispatch;
  dispatch.first_retry = std::chrono::milliseconds(1000);
  dispatch.poll_interval = std::chrono::milliseconds(100);
  const std::string db_url = url();
  WebhookDispatcher dispatcher(
      [db_url] { return store::Store::Open(db_url, store::Durability::kNormal); }, dispatch);
  StopServer();
  StartServer([&](ApiOptions& o) { o.on_notification = [&] { dispatcher.Wake(); }; });
  dispatcher.Start();

  const Who lead = SignIn("lead@test.nhs.uk");
  const ApiReply set =
      Call(lead, "PUT", "/api/v1/teams/" + std::to_string(team_a_.value) + "/webhook",
           json{{"url", receiver.Url("/everyseat")}});
  ASSERT_EQ(set.status, 200) << set.text;
  const std::string secret = set.body["secret"];
  ApiReply last;
  PlantSpecialCause(*this, lead, measure_a_, &last);
  ASSERT_EQ(last.status, 201);
  const size_t signals = last.body["signals"].size();
  ASSERT_GE(signals, 1u);
  // Every notification arrives: the first attempt of the first one got a 503 and was retried.
  ASSERT_TRUE(receiver.WaitForRequests(signals + 1, std::chrono::seconds(10)));
  dispatcher.Stop();
  const auto requests = receiver.requests();
  ASSERT_EQ(requests.size(), signals + 1);
  // The first request got the 503: the same delivery came again as attempt 2, byte for byte.
  const auto first_delivery = requests[0].Header("X-Everyseat-Delivery");
  ASSERT_TRUE(first_delivery);
  EXPECT_EQ(requests[0].target, "/everyseat");
  EXPECT_EQ(requests[0].Header("X-Everyseat-Attempt"), "1");
  size_t retried = 0;
  for (size_t i = 1; i < requests.size(); ++i) {
    if (requests[i].Header("X-Everyseat-Delivery") != first_delivery) continue;
    retried = i;
    EXPECT_EQ(requests[i].Header("X-Everyseat-Attempt"), "2");
    EXPECT_EQ(requests[i].body, requests[0].body);
  }
  ASSERT_GT(retried, 0u);
  for (const auto& request : requests) {
    EXPECT_EQ(request.Header("X-Everyseat-Signature"), WebhookSignature(secret, request.body));
  }
  const json body = json::parse(requests[retried].body);
  EXPECT_EQ(body["event"], "notification");
  EXPECT_EQ(body["notification"]["measure"], measure_a_.value);
  EXPECT_EQ(body["measure"]["name"], "Visits completed");
}

// --- Annotations, measures, audit, OpenAPI.

TEST_P(ApiTest, ARebaseAnnotationStartsANewPhase) {
  const Who lead = SignIn("lead@test.nhs.uk");
  for (int i = 0; i < 6; ++i) {
    ASSERT_EQ(Call(lead, "POST", MeasurePath(measure_a_, "/observations"),
                   json{{"period", Day(i)}, {"value", i < 3 ? 10 : 20}})
                  .status,
              201);
  }
  const ApiReply added = Call(lead, "POST", MeasurePath(measure_a_, "/annotations"),
                              json{{"period", Day(3)}, {"kind", "rebase"}, {"text", "New rota"}});
  ASSERT_EQ(added.status, 201) << added.text;
  const ApiReply analysis = Call(lead, "GET", MeasurePath(measure_a_, "/analysis"));
  ASSERT_EQ(analysis.body["phases"].size(), 2u);
  EXPECT_DOUBLE_EQ(analysis.body["phases"][0]["centre"].get<double>(), 10);
  EXPECT_DOUBLE_EQ(analysis.body["phases"][1]["centre"].get<double>(), 20);
  EXPECT_EQ(analysis.body["phases"][1]["start"], Day(3));
  // A note becomes the point's note.
  ASSERT_EQ(Call(lead, "POST", MeasurePath(measure_a_, "/annotations"),
                 json{{"period", Day(4)}, {"kind", "note"}, {"text", "Snow"}})
                .status,
            201);
  EXPECT_EQ(Call(lead, "GET", MeasurePath(measure_a_, "/analysis")).body["points"][4]["note"],
            "Snow");
}

TEST_P(ApiTest, ChangingTheDefinitionRecalculatesTheChart) {
  const Who lead = SignIn("lead@test.nhs.uk");
  for (int i = 0; i < 3; ++i) {
    ASSERT_EQ(Call(lead, "POST", MeasurePath(measure_a_, "/observations"),
                   json{{"period", Day(i)}, {"value", 10}})
                  .status,
              201);
  }
  const ApiReply changed = Call(
      lead, "PUT", MeasurePath(measure_a_),
      json{{"name", "Visits completed"}, {"chart", "c"}, {"direction", "decrease"}, {"target", 8}});
  ASSERT_EQ(changed.status, 200) << changed.text;
  const ApiReply analysis = Call(lead, "GET", MeasurePath(measure_a_, "/analysis"));
  EXPECT_EQ(analysis.body["chart"], "c");
  EXPECT_EQ(analysis.body["direction"], "decrease");
  EXPECT_DOUBLE_EQ(analysis.body["points"][0]["upper"].get<double>(), 10 + 3 * std::sqrt(10.0));
}

TEST_P(ApiTest, EveryChangeIsInTheAuditLogWithWhoDidIt) {
  const Who nurse = SignIn("nurse@test.nhs.uk");
  const Who admin = SignIn("admin@test.nhs.uk");
  ASSERT_EQ(Call(nurse, "POST", MeasurePath(measure_a_, "/observations"),
                 json{{"period", Day(0)}, {"value", 10}})
                .status,
            201);
  ASSERT_EQ(
      Call(nurse, "PUT", MeasurePath(measure_a_, "/observations/" + Day(0)), json{{"value", 11}})
          .status,
      200);
  const ApiReply audit = Call(admin, "GET", "/api/v1/audit?entity=observation");
  ASSERT_EQ(audit.status, 200) << audit.text;
  ASSERT_EQ(audit.body["entries"].size(), 2u);
  EXPECT_EQ(audit.body["entries"][0]["actor"]["person"], nurse_.value);
  EXPECT_EQ(audit.body["entries"][1]["action"], "observation.correct");
  EXPECT_EQ(audit.body["entries"][1]["after"]["value"], 11);
  EXPECT_EQ(Call(nurse, "GET", "/api/v1/audit").status, 403);
}

TEST_P(ApiTest, TheOpenApiDocumentDescribesExactlyTheRoutes) {
  const ApiReply doc = Call(Who{}, "GET", "/api/v1/openapi.json");
  ASSERT_EQ(doc.status, 200);
  EXPECT_EQ(doc.body["openapi"].get<std::string>().rfind("3.", 0), 0u);
  EXPECT_EQ(CheckOpenApi(*router_, doc.body), std::vector<std::string>{});
  for (const char* path :
       {"/api/v1/session", "/api/v1/measures/{measure}/observations",
        "/api/v1/measures/{measure}/analysis", "/api/v1/events", "/api/v1/notifications",
        "/api/v1/teams/{team}/tokens", "/api/v1/health"}) {
    EXPECT_TRUE(doc.body["paths"].contains(path)) << path;
  }
  EXPECT_EQ(Call(Who{}, "GET", "/api/v1/health").body["status"], "ok");
}

INSTANTIATE_TEST_SUITE_P(Engines, ApiTest, ::testing::ValuesIn(store::testing::TestEngines()),
                         [](const ::testing::TestParamInfo<std::string>& param) {
                           return param.param;
                         });

}  // namespace
}  // namespace everyseat::server::testing
