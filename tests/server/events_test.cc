// EventHub and the events route without sockets: frames, filters, Last-Event-ID resume and
// resync, dropping a subscriber that falls behind, close, and concurrent publishers.
#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "everyseat/server/events.h"
#include "everyseat/server/json.h"

namespace everyseat::server {
namespace {

using nlohmann::json;
using Events = std::vector<std::shared_ptr<const Event>>;

std::vector<uint64_t> Ids(const Events& events) {
  std::vector<uint64_t> ids;
  for (const auto& event : events) ids.push_back(event->id);
  return ids;
}

TEST(EventHub, FormatsEachEventOnceAsAnSseFrame) {
  EventHub hub;
  auto subscription = hub.Subscribe({}, std::nullopt, [] {});
  EXPECT_EQ(hub.Publish("observation", {{"measure", 7}, {"text", "a\nb"}}, {"measure:7"}), 1u);
  Events events;
  EXPECT_EQ(subscription->Take(events), Subscription::State::kOpen);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0]->frame,
            "id: 1\nevent: observation\ndata: {\"measure\":7,\"text\":\"a\\nb\"}\n\n");
  EXPECT_EQ(events[0]->topics, std::vector<std::string>{"measure:7"});
}

TEST(EventHub, ReplacesUnsafeEventNames) {
  EventHub hub;
  auto subscription = hub.Subscribe({}, std::nullopt, [] {});
  hub.Publish("bad\nname", json::object(), {});
  Events events;
  static_cast<void>(subscription->Take(events));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0]->name, "message");
}

TEST(EventHub, WakesASubscriberWhenItsQueueStopsBeingEmpty) {
  EventHub hub;
  std::atomic<int> wakes{0};
  auto subscription = hub.Subscribe({}, std::nullopt, [&wakes] { ++wakes; });
  hub.Publish("a", 1, {});
  hub.Publish("a", 2, {});
  EXPECT_EQ(wakes, 1);  // the second event joined a queue that was not empty
  Events events;
  static_cast<void>(subscription->Take(events));
  EXPECT_EQ(Ids(events), (std::vector<uint64_t>{1, 2}));
  hub.Publish("a", 3, {});
  EXPECT_EQ(wakes, 2);
}

TEST(EventHub, FiltersByEveryClauseAndAnyValueInAClause) {
  EventHub hub;
  EventFilter team3_measure7or8{{{"team:3"}, {"measure:7", "measure:8"}}};
  auto filtered = hub.Subscribe(team3_measure7or8, std::nullopt, [] {});
  auto everything = hub.Subscribe({}, std::nullopt, [] {});
  hub.Publish("e", 1, {"team:3", "measure:7"});  // 1: both
  hub.Publish("e", 2, {"team:3", "measure:9"});  // 2: wrong measure
  hub.Publish("e", 3, {"team:4", "measure:8"});  // 3: wrong team
  hub.Publish("e", 4, {"measure:8", "team:3"});  // 4: both
  hub.Publish("e", 5, {});                       // 5: untagged
  Events events;
  static_cast<void>(filtered->Take(events));
  EXPECT_EQ(Ids(events), (std::vector<uint64_t>{1, 4}));
  events.clear();
  static_cast<void>(everything->Take(events));
  EXPECT_EQ(Ids(events), (std::vector<uint64_t>{1, 2, 3, 4, 5}));
}

TEST(EventHub, ResumesAfterLastEventIdWithTheMatchingEventsStillHeld) {
  EventHub hub;
  for (int i = 1; i <= 6; ++i) hub.Publish("e", i, {i % 2 == 0 ? "team:2" : "team:1"});
  auto subscription = hub.Subscribe(EventFilter{{{"team:2"}}}, 3, [] {});
  EXPECT_FALSE(subscription->resync_from().has_value());
  Events events;
  static_cast<void>(subscription->Take(events));
  EXPECT_EQ(Ids(events), (std::vector<uint64_t>{4, 6}));
  auto up_to_date = hub.Subscribe({}, 6, [] {});
  events.clear();
  static_cast<void>(up_to_date->Take(events));
  EXPECT_TRUE(events.empty());
  EXPECT_FALSE(up_to_date->resync_from().has_value());
}

TEST(EventHub, AsksForAResyncWhenMissedEventsAreGoneOrTheIdIsFromElsewhere) {
  EventHubOptions options;
  options.history = 3;
  EventHub hub(options);
  for (int i = 1; i <= 6; ++i) hub.Publish("e", i, {});                  // holds 4, 5, 6
  EXPECT_FALSE(hub.Subscribe({}, 3, [] {})->resync_from().has_value());  // 4.. still held
  auto too_old = hub.Subscribe({}, 2, [] {});
  EXPECT_EQ(too_old->resync_from(), 6u);
  Events events;
  static_cast<void>(too_old->Take(events));
  EXPECT_TRUE(events.empty());
  EXPECT_EQ(hub.Subscribe({}, 99, [] {})->resync_from(), 6u);  // from a later process
  EXPECT_EQ(ResyncFrame(6),
            "id: 6\nevent: resync\ndata: {\"reason\":\"events after your Last-Event-ID are no "
            "longer held; reload, then resume from this id\",\"last_event_id\":6}\n\n");
  EXPECT_TRUE(json::accept(ResyncFrame(6).substr(
      ResyncFrame(6).find("{"), ResyncFrame(6).rfind("}") - ResyncFrame(6).find("{") + 1)));
}

TEST(EventHub, NumbersEventsFromFirstId) {
  EventHubOptions options;
  options.first_id = 1'000'000;
  EventHub hub(options);
  EXPECT_EQ(hub.last_id(), 999'999u);
  EXPECT_EQ(hub.Publish("e", 1, {}), 1'000'000u);
  // A client resuming from the previous process's ids (below first_id) must reload.
  EXPECT_EQ(hub.Subscribe({}, 42, [] {})->resync_from(), 1'000'000u);
  EXPECT_FALSE(hub.Subscribe({}, 999'999, [] {})->resync_from().has_value());
}

TEST(EventHub, DropsASubscriberThatFallsBehindWithoutBlockingThePublisher) {
  EventHubOptions options;
  options.queue_capacity = 4;
  EventHub hub(options);
  std::atomic<int> wakes{0};
  auto slow = hub.Subscribe({}, std::nullopt, [&wakes] { ++wakes; });
  auto other = hub.Subscribe({}, std::nullopt, [] {});
  for (int i = 0; i < 4; ++i) hub.Publish("e", i, {});
  Events events;
  static_cast<void>(other->Take(events));
  for (int i = 0; i < 10; ++i) hub.Publish("e", i, {});
  EXPECT_EQ(wakes, 2);  // the first event, then the overflow
  events.clear();
  EXPECT_EQ(slow->Take(events), Subscription::State::kOverflowed);
  EXPECT_TRUE(events.empty());
  hub.Publish("e", 99, {});
  EXPECT_EQ(slow->Take(events), Subscription::State::kOverflowed);
  EXPECT_TRUE(events.empty());
}

TEST(EventHub, CloseEndsEverySubscriptionAndLaterOnes) {
  EventHub hub;
  std::atomic<int> wakes{0};
  auto subscription = hub.Subscribe({}, std::nullopt, [&wakes] { ++wakes; });
  hub.Close();
  EXPECT_EQ(wakes, 1);
  Events events;
  EXPECT_EQ(subscription->Take(events), Subscription::State::kClosed);
  EXPECT_EQ(hub.Subscribe({}, std::nullopt, [] {})->Take(events), Subscription::State::kClosed);
}

TEST(EventHub, ForgetsASubscriptionWhenItIsDestroyedAndNeverWakesItAgain) {
  EventHub hub;
  std::atomic<int> wakes{0};
  auto subscription = hub.Subscribe({}, std::nullopt, [&wakes] { ++wakes; });
  EXPECT_EQ(hub.subscribers(), 1u);
  subscription.reset();
  EXPECT_EQ(hub.subscribers(), 0u);
  hub.Publish("e", 1, {});
  EXPECT_EQ(wakes, 0);
}

TEST(EventHub, OutlivedByItsSubscriptionsSafely) {
  auto hub = std::make_unique<EventHub>();
  auto subscription = hub->Subscribe({}, std::nullopt, [] {});
  hub.reset();
  Events events;
  EXPECT_EQ(subscription->Take(events), Subscription::State::kClosed);
}

TEST(EventHub, TakesConcurrentPublishersInOneOrder) {
  EventHubOptions options;
  options.queue_capacity = 100'000;
  EventHub hub(options);
  auto subscription = hub.Subscribe({}, std::nullopt, [] {});
  std::vector<std::thread> publishers;
  for (int t = 0; t < 4; ++t) {
    publishers.emplace_back([&hub, t] {
      for (int i = 0; i < 2000; ++i) hub.Publish("e", i, {"team:" + std::to_string(t)});
    });
  }
  Events events;
  std::thread subscriber([&] {
    while (events.size() < 8000) {
      static_cast<void>(subscription->Take(events));
      std::this_thread::yield();
    }
  });
  for (auto& thread : publishers) thread.join();
  subscriber.join();
  ASSERT_EQ(events.size(), 8000u);
  for (size_t i = 0; i < events.size(); ++i) EXPECT_EQ(events[i]->id, i + 1);
}

// The events route's parsing of the query and Last-Event-ID, without a server.
Response Get(const Router& router, std::string target, std::string last_event_id = "") {
  Request request;
  request.method = "GET";
  request.target = std::move(target);
  if (!last_event_id.empty()) request.headers.emplace_back("Last-Event-ID", last_event_id);
  return router.Handle(request);
}

TEST(EventsRoute, TurnsTheQueryIntoAFilter) {
  EventHub hub;
  Router router;
  AddEventsRoute(router, hub);
  const Response response = Get(router, "/api/v1/events?team=3,4&measure=7&team=5");
  ASSERT_EQ(response.status, 200);
  ASSERT_NE(response.event_stream, nullptr);
  EXPECT_EQ(response.event_stream->hub, &hub);
  const std::vector<std::vector<std::string>> expected = {{"team:3", "team:4", "team:5"},
                                                          {"measure:7"}};
  EXPECT_EQ(response.event_stream->filter.clauses, expected);
  EXPECT_FALSE(response.event_stream->last_event_id.has_value());
  EXPECT_TRUE(Get(router, "/api/v1/events").event_stream->filter.clauses.empty());
}

TEST(EventsRoute, ResumesFromTheHeaderBeforeTheQuery) {
  EventHub hub;
  Router router;
  AddEventsRoute(router, hub);
  EXPECT_EQ(Get(router, "/api/v1/events?lastEventId=5").event_stream->last_event_id, 5u);
  EXPECT_EQ(Get(router, "/api/v1/events?lastEventId=5", "9").event_stream->last_event_id, 9u);
}

TEST(EventsRoute, NamesUnknownAndMalformedParameters) {
  EventHub hub;
  Router router;
  AddEventsRoute(router, hub);
  const Response response = Get(router, "/api/v1/events?teams=3&measure=7,,8&lastEventId=x");
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(response.event_stream, nullptr);
  const json problem = json::parse(response.body);
  EXPECT_EQ(problem["detail"], "the event stream's parameters are not valid");
  const json expected = {
      {{"field", "teams"},
       {"reason", "is not a known parameter; expected team, measure, lastEventId"}},
      {{"field", "measure"},
       {"reason",
        "must be one or more values separated by commas, each of letters, digits, '_', '.' or "
        "'-' (at most 64)"}},
      {{"field", "lastEventId"}, {"reason", "must be an event id (a whole number)"}}};
  EXPECT_EQ(problem["errors"], expected);
  const Response bad_header = Get(router, "/api/v1/events", "abc");
  EXPECT_EQ(json::parse(bad_header.body)["errors"][0]["field"], "Last-Event-ID");
}

}  // namespace
}  // namespace everyseat::server
