// Two `everyseat serve` processes (nodes "alpha" and "beta") on one PostgreSQL database, as behind
// a load balancer: an observation posted to one node reaches the event streams of the other within
// a second (and each stream hears it exactly once), a session made on one node is good on the
// other until it is ended on either, and an analysis cached on one node includes what was posted
// to the other.
//
// Two DISABLED tests below show bugs found here (each comment says what and where): a node that
// just started can keep a stale analysis, and events cross between deployments that share a
// PostgreSQL database in different schemas. Run them with --gtest_also_run_disabled_tests.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "serve_process.h"
#include "test_database.h"

namespace everyseat::system_testing {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using server::testing::HttpClient;
using Clock = std::chrono::steady_clock;

// How long one read of an event stream waits (reads return as soon as bytes arrive).
constexpr auto kPoll = std::chrono::milliseconds(100);

// The next `observation` event on `stream` (other events skipped), or nullopt when none comes
// before `deadline`. The streams read with a short timeout (kPoll), so this returns soon after
// `deadline`; a partial frame stays buffered between reads.
std::optional<json> NextObservation(HttpClient& stream, Clock::time_point deadline) {
  while (Clock::now() < deadline) {
    const auto event = stream.ReadEvent();
    if (!event || event->event != "observation") continue;
    json data = json::parse(event->data, nullptr, false);
    if (data.is_discarded()) return json{{"unparsable", event->data}};
    return data;
  }
  return std::nullopt;
}

// Reads `stream` up to the observation event of `period`; false if none before `deadline`.
bool SkipTo(HttpClient& stream, const std::string& period, Clock::time_point deadline) {
  while (const auto data = NextObservation(stream, deadline)) {
    if (data->value("period", "") == period) return true;
  }
  return false;
}

// Reads and drops events until the stream has been quiet for `quiet`.
void Drain(HttpClient& stream, std::chrono::milliseconds quiet = 300ms) {
  while (NextObservation(stream, Clock::now() + quiet)) {
  }
}

class TwoNodes : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = std::make_unique<store::testing::TestDatabase>("postgresql");
    if (db_->skip()) GTEST_SKIP() << db_->error();
    ASSERT_TRUE(db_->ok()) << db_->error();
    ASSERT_EQ(SpreadIds(*db_), "");
    auto [seeded, error] = Seed(db_->url(), 2);
    ASSERT_TRUE(seeded) << error;
    seeded_ = std::move(*seeded);
    measure_ = seeded_.measures[0];
    warm_measure_ = seeded_.measures[1];
    token_.bearer = seeded_.token;
    alpha_ =
        std::make_unique<ServeProcess>(db_->url(), std::vector<std::string>{"--node", "alpha"});
    beta_ = std::make_unique<ServeProcess>(db_->url(), std::vector<std::string>{"--node", "beta"});
    ASSERT_TRUE(alpha_->Start()) << alpha_->error();
    ASSERT_TRUE(beta_->Start()) << beta_->error();
    ASSERT_NO_FATAL_FAILURE(WaitUntilListening());
  }

  // Each node makes its LISTEN connection in a thread of its own after it starts serving, so a
  // NOTIFY sent just after the start may be missed (see ANodeJustStartedDoesNotKeepAStaleAnalysis
  // below): the tests start once each node has heard the other, through the second measure.
  void WaitUntilListening() {
    const std::string query = "?measure=" + std::to_string(warm_measure_.value);
    auto on_alpha = Subscribe(alpha_->port(), token_, query, kPoll);
    auto on_beta = Subscribe(beta_->port(), token_, query, kPoll);
    ASSERT_TRUE(on_alpha && on_beta) << "GET /api/v1/events";
    int day = 0;
    const int ab = WarmUp(alpha_->port(), *on_alpha, *on_beta, &day);
    ASSERT_GT(ab, 0) << "no observation posted to alpha reached beta's stream within 10 s";
    const int ba = WarmUp(beta_->port(), *on_beta, *on_alpha, &day);
    ASSERT_GT(ba, 0) << "no observation posted to beta reached alpha's stream within 10 s";
    std::printf(
        "[ figures  ] posts until the other node heard one: alpha->beta %d, "
        "beta->alpha %d\n",
        ab, ba);
  }

  void TearDown() override {
    // Stop the servers before the schema is dropped (their connections would hold it).
    for (auto* node : {alpha_.get(), beta_.get()}) {
      if (node == nullptr || !node->Running()) continue;
      EXPECT_EQ(node->Terminate(), 0)
          << "a node did not stop cleanly on SIGTERM; stderr: " << node->Stderr();
    }
    alpha_.reset();
    beta_.reset();
  }

  // Posts the observation of `day` to the measure (default: measure_) on the node on `port`;
  // the HTTP status.
  int Post(uint16_t port, int day, double value, const Who& who,
           std::optional<domain::MeasureId> measure = std::nullopt) {
    const Reply reply =
        Call(port, who, "POST", MeasurePath(measure.value_or(measure_), "/observations"),
             json{{"period", Day(day)}, {"value", value}}.dump());
    EXPECT_EQ(reply.status, 201) << "POST " << Day(day) << ": " << reply.text;
    return reply.status;
  }

  // Posts day after day to warm_measure_ on `from` until `to`'s stream hears one. Returns how
  // many posts it took, or 0 if none crossed within 10 s.
  int WarmUp(uint16_t from, HttpClient& from_stream, HttpClient& to_stream, int* day) {
    const auto give_up = Clock::now() + 10s;
    for (int posts = 1; Clock::now() < give_up; ++posts) {
      const int d = (*day)++;
      if (Post(from, d, 10 + d % 3, token_, warm_measure_) != 201) return 0;
      EXPECT_TRUE(SkipTo(from_stream, Day(d), Clock::now() + 2s)) << "warm-up: the posting node";
      if (SkipTo(to_stream, Day(d), Clock::now() + 500ms)) return posts;
    }
    return 0;
  }

  std::unique_ptr<store::testing::TestDatabase> db_;
  Seeded seeded_;
  domain::MeasureId measure_;
  domain::MeasureId warm_measure_;  // for WaitUntilListening only
  Who token_;
  std::unique_ptr<ServeProcess> alpha_;
  std::unique_ptr<ServeProcess> beta_;
};

TEST_F(TwoNodes, AnObservationPostedToOneNodeReachesTheOthersEventStreamWithinOneSecond) {
  const std::string query = "?measure=" + std::to_string(measure_.value);
  auto on_alpha = Subscribe(alpha_->port(), token_, query, kPoll);
  auto on_beta = Subscribe(beta_->port(), token_, query, kPoll);
  ASSERT_TRUE(on_alpha) << "GET /api/v1/events on alpha";
  ASSERT_TRUE(on_beta) << "GET /api/v1/events on beta";

  int day = 0;
  struct Direction {
    const char* name;
    ServeProcess* from;
    HttpClient* from_stream;
    HttpClient* to_stream;
  };
  const Direction directions[] = {{"alpha->beta", alpha_.get(), on_alpha.get(), on_beta.get()},
                                  {"beta->alpha", beta_.get(), on_beta.get(), on_alpha.get()}};
  constexpr int kRounds = 10;
  for (const Direction& direction : directions) {
    std::vector<double> latencies_ms;
    for (int round = 0; round < kRounds; ++round) {
      const int d = day++;
      const double value = 20 + round % 4;
      const auto posted_at = Clock::now();
      ASSERT_EQ(Post(direction.from->port(), d, value, token_), 201);
      // The other node's stream: the event of exactly this period, next (a duplicate or a lost
      // event shows as another period here).
      const auto crossed = NextObservation(*direction.to_stream, posted_at + 3s);
      const auto latency = Clock::now() - posted_at;
      ASSERT_TRUE(crossed) << direction.name << ": the event of " << Day(d)
                           << " did not reach the other node's stream within 3 s";
      latencies_ms.push_back(std::chrono::duration<double, std::milli>(latency).count());
      EXPECT_LT(latency, 1s) << direction.name << ": " << latencies_ms.back() << " ms";
      EXPECT_EQ(crossed->value("period", ""), Day(d)) << direction.name << ": " << crossed->dump();
      EXPECT_EQ((*crossed)["measure"], measure_.value);
      EXPECT_EQ((*crossed)["team"], seeded_.team.value);
      EXPECT_EQ((*crossed)["value"], value);
      EXPECT_EQ((*crossed)["correction"], false);
      EXPECT_TRUE((*crossed)["point"].is_object()) << crossed->dump();
      // The posting node's own stream hears it once too (not again through the database).
      const auto local = NextObservation(*direction.from_stream, Clock::now() + 3s);
      ASSERT_TRUE(local) << direction.name << ": the posting node's own stream";
      EXPECT_EQ(local->value("period", ""), Day(d)) << direction.name << ": " << local->dump();
    }
    std::sort(latencies_ms.begin(), latencies_ms.end());
    std::printf(
        "[ figures  ] %s: %d events, latency (POST sent to event read) median %.1f ms, "
        "max %.1f ms\n",
        direction.name, kRounds, latencies_ms[latencies_ms.size() / 2], latencies_ms.back());
    RecordProperty(std::string(direction.name) + "_max_latency_ms",
                   std::to_string(latencies_ms.back()));
  }
  // And nothing more: no stream hears an observation twice.
  for (HttpClient* stream : {on_alpha.get(), on_beta.get()}) {
    const auto extra = NextObservation(*stream, Clock::now() + 300ms);
    EXPECT_FALSE(extra) << "an observation heard twice: " << (extra ? extra->dump() : "");
  }
}

TEST_F(TwoNodes, ASessionMadeOnOneNodeWorksOnTheOtherAndSigningOutOnEitherEndsIt) {
  const auto who = SignIn(alpha_->port(), kEmail, kPassword);
  ASSERT_TRUE(who) << "POST /api/v1/session on alpha";

  const Reply session = Call(beta_->port(), *who, "GET", "/api/v1/session");
  ASSERT_EQ(session.status, 200) << "GET /api/v1/session on beta: " << session.text;
  EXPECT_EQ(session.body["person"]["email"], kEmail);
  EXPECT_EQ(session.body["csrf_token"], who->csrf);
  // A state change on beta with alpha's cookie and CSRF token.
  const Reply posted = Call(beta_->port(), *who, "POST", MeasurePath(measure_, "/observations"),
                            json{{"period", Day(0)}, {"value", 12}}.dump());
  EXPECT_EQ(posted.status, 201) << "POST observation on beta with alpha's session: " << posted.text;
  Who no_csrf = *who;
  no_csrf.csrf.clear();
  EXPECT_EQ(Call(beta_->port(), no_csrf, "POST", MeasurePath(measure_, "/observations"),
                 json{{"period", Day(1)}, {"value", 12}}.dump())
                .status,
            403);

  // Signing out on beta ends the session on alpha too.
  const Reply out = Call(beta_->port(), *who, "DELETE", "/api/v1/session");
  EXPECT_EQ(out.status, 204) << "DELETE /api/v1/session on beta: " << out.text;
  EXPECT_EQ(Call(alpha_->port(), *who, "GET", "/api/v1/session").status, 401);
  EXPECT_EQ(Call(beta_->port(), *who, "GET", "/api/v1/session").status, 401);
  EXPECT_EQ(Call(alpha_->port(), *who, "POST", MeasurePath(measure_, "/observations"),
                 json{{"period", Day(2)}, {"value", 12}}.dump())
                .status,
            401);

  // And the other way round: made on beta, ended on alpha.
  const auto again = SignIn(beta_->port(), kEmail, kPassword);
  ASSERT_TRUE(again) << "POST /api/v1/session on beta";
  EXPECT_EQ(Call(alpha_->port(), *again, "GET", "/api/v1/session").status, 200);
  EXPECT_EQ(Call(alpha_->port(), *again, "DELETE", "/api/v1/session").status, 204);
  EXPECT_EQ(Call(beta_->port(), *again, "GET", "/api/v1/session").status, 401);
}

TEST_F(TwoNodes, AnAnalysisCachedOnOneNodeIncludesObservationsPostedToTheOther) {
  const std::string query = "?measure=" + std::to_string(measure_.value);
  auto on_alpha = Subscribe(alpha_->port(), token_, query, kPoll);
  auto on_beta = Subscribe(beta_->port(), token_, query, kPoll);
  ASSERT_TRUE(on_alpha && on_beta);
  int day = 0;
  for (int i = 0; i < 5; ++i) ASSERT_EQ(Post(alpha_->port(), day++, 10 + i % 3, token_), 201);

  auto points = [&](ServeProcess& node) -> std::optional<json> {
    const Reply r = Call(node.port(), token_, "GET", MeasurePath(measure_, "/analysis"));
    EXPECT_EQ(r.status, 200) << r.text;
    if (r.status != 200 || !r.body.is_object() || !r.body["points"].is_array()) return std::nullopt;
    return r.body["points"];
  };

  struct Direction {
    const char* name;
    ServeProcess* from;
    ServeProcess* to;
    HttpClient* to_stream;
  };
  const Direction directions[] = {{"alpha->beta", alpha_.get(), beta_.get(), on_beta.get()},
                                  {"beta->alpha", beta_.get(), alpha_.get(), on_alpha.get()}};
  for (const Direction& direction : directions) {
    SCOPED_TRACE(direction.name);
    // Fill the receiving node's live cache, then post to the other node.
    const auto before = points(*direction.to);
    ASSERT_TRUE(before);
    const size_t n = before->size();
    EXPECT_EQ(n, static_cast<size_t>(day));
    // Drain what the stream has heard so far (the five posts above, or the other direction's).
    Drain(*direction.to_stream);

    // (1) Once the receiving node has the event, its analysis has the new point.
    const int d1 = day++;
    ASSERT_EQ(Post(direction.from->port(), d1, 14, token_), 201);
    const auto crossed = NextObservation(*direction.to_stream, Clock::now() + 3s);
    ASSERT_TRUE(crossed) << "the event of " << Day(d1) << " did not cross";
    EXPECT_EQ(crossed->value("period", ""), Day(d1));
    const auto after = points(*direction.to);
    ASSERT_TRUE(after);
    EXPECT_EQ(after->size(), n + 1) << "the receiving node served its stale cached series";
    if (!after->empty()) {
      EXPECT_EQ(after->back()["date"], Day(d1));
      EXPECT_EQ(after->back()["value"], 14);
    }

    // (2) Without waiting for the event: the new point shows within a second.
    const int d2 = day++;
    const auto posted_at = Clock::now();
    ASSERT_EQ(Post(direction.from->port(), d2, 13, token_), 201);
    size_t seen = 0;
    while (Clock::now() - posted_at < 1s) {
      const auto now = points(*direction.to);
      ASSERT_TRUE(now);
      seen = now->size();
      if (seen == n + 2) break;
      std::this_thread::sleep_for(10ms);
    }
    const double took_ms =
        std::chrono::duration<double, std::milli>(Clock::now() - posted_at).count();
    EXPECT_EQ(seen, n + 2) << "the analysis on the receiving node still lacks " << Day(d2)
                           << " after 1 s";
    std::printf(
        "[ figures  ] %s: the posted point was in the other node's analysis after "
        "%.1f ms\n",
        direction.name, took_ms);
  }
}

// A node caches a measure's series from its first use, and learns of other nodes' observations
// only through its LISTEN connection. So that connection must be made before the node serves
// (Api::Listen, called by serve before Server::Start): a series loaded before LISTEN would miss
// the NOTIFYs sent in between and stay stale. (This failed in 8 of 10 restarts when LISTEN was
// made by a background thread after serving began.)
TEST_F(TwoNodes, ANodeJustStartedDoesNotKeepAStaleAnalysis) {
  int day = 0;
  ASSERT_EQ(Post(alpha_->port(), day++, 10, token_), 201);
  int stale = 0;
  constexpr int kRounds = 10;
  for (int round = 0; round < kRounds; ++round) {
    beta_->Kill();
    ASSERT_TRUE(beta_->Start()) << beta_->error();
    // At once: fill beta's cache, then post to alpha.
    const Reply before = Call(beta_->port(), token_, "GET", MeasurePath(measure_, "/analysis"));
    ASSERT_EQ(before.status, 200) << before.text;
    ASSERT_EQ(Post(alpha_->port(), day++, 10 + round % 3, token_), 201);
    std::this_thread::sleep_for(1s);
    const Reply after = Call(beta_->port(), token_, "GET", MeasurePath(measure_, "/analysis"));
    ASSERT_EQ(after.status, 200) << after.text;
    if (after.body["points"].size() != static_cast<size_t>(day)) ++stale;
  }
  EXPECT_EQ(stale, 0) << stale << " of " << kRounds
                      << " restarts of beta served an analysis without alpha's observation "
                         "1 s after it was posted";
}

// Two deployments on one PostgreSQL database, each in a schema of its own (as the tests run, and
// as an operator may host two trusts): each is its own world, so an observation posted to one
// must not reach the other's event streams. Fresh deployments number their rows alike, so the
// leaked event matches the other's organisation and measure filters: its clients would see
// another trust's values. Each database and schema has a channel of its own (ES_EVENTS_CHANNEL
// in store/src/postgres/pg.h); with one channel for the whole database this failed.
TEST(TwoDeployments, AnObservationDoesNotReachAnotherDeploymentsStreams) {
  store::testing::TestDatabase first_db("postgresql");
  store::testing::TestDatabase second_db("postgresql");
  if (first_db.skip()) GTEST_SKIP() << first_db.error();
  ASSERT_TRUE(first_db.ok()) << first_db.error();
  ASSERT_TRUE(second_db.ok()) << second_db.error();
  auto [first, first_error] = Seed(first_db.url(), 1);
  ASSERT_TRUE(first) << first_error;
  auto [second, second_error] = Seed(second_db.url(), 1);
  ASSERT_TRUE(second) << second_error;
  ServeProcess first_node(first_db.url(), {"--node", "first"});
  ServeProcess second_node(second_db.url(), {"--node", "second"});
  ASSERT_TRUE(first_node.Start()) << first_node.error();
  ASSERT_TRUE(second_node.Start()) << second_node.error();

  Who second_token;
  second_token.bearer = second->token;
  auto stream = Subscribe(second_node.port(), second_token,
                          "?measure=" + std::to_string(second->measures.front().value), kPoll);
  ASSERT_TRUE(stream);
  Who first_token;
  first_token.bearer = first->token;
  for (int day = 0; day < 5; ++day) {
    const Reply posted = Call(first_node.port(), first_token, "POST",
                              MeasurePath(first->measures.front(), "/observations"),
                              json{{"period", Day(day)}, {"value", 4242}}.dump());
    ASSERT_EQ(posted.status, 201) << posted.text;
    const auto leaked = NextObservation(*stream, Clock::now() + 300ms);
    EXPECT_FALSE(leaked) << "the second deployment's stream heard the first's observation: "
                         << leaked->dump();
  }
  EXPECT_EQ(first_node.Terminate(), 0);
  EXPECT_EQ(second_node.Terminate(), 0);
}

}  // namespace
}  // namespace everyseat::system_testing
