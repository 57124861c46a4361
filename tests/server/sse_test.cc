// Server-Sent Events over real sockets: the stream's head, frames, topic filters, Last-Event-ID
// resume and resync, keep-alive comments, clients hanging up, slow clients dropped, drain on
// Stop, and the time from a POST to its event on another connection.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "http_client.h"
#include "test_server.h"

namespace everyseat::server {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using testing::Eventually;
using testing::HttpClient;
using testing::TestServer;

// Opens an event stream and reads its head and the initial retry frame.
void Subscribe(HttpClient& client, const std::string& target,
               const std::string& last_event_id = "") {
  std::string request = "GET " + target + " HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n";
  if (!last_event_id.empty()) request += "Last-Event-ID: " + last_event_id + "\r\n";
  ASSERT_TRUE(client.Send(request + "\r\n"));
  const auto head = client.ReadHead();
  ASSERT_TRUE(head.has_value());
  ASSERT_EQ(head->status, 200);
  EXPECT_EQ(head->Header("Content-Type"), "text/event-stream");
  EXPECT_EQ(head->Header("Cache-Control"), "no-cache");
  EXPECT_EQ(head->Header("Connection"), "close");
  EXPECT_FALSE(head->Header("Content-Length").has_value());
  const auto retry = client.ReadFrame();
  ASSERT_TRUE(retry.has_value());
  EXPECT_EQ(retry->retry, "3000");
}

std::string Echo(uint16_t port, int value, int team, int measure) {
  HttpClient poster(port);
  const auto response = poster.Request(
      "POST", "/api/v1/echo",
      json({{"value", value}, {"date", "2024-03-01"}, {"team", team}, {"measure", measure}}).dump(),
      {{"Content-Type", "application/json"}});
  return response ? std::to_string(response->status) + " " + response->body : "no response";
}

TEST(EventStream, DeliversAPublishedEventAsAFrame) {
  TestServer t;
  HttpClient stream(t.port());
  Subscribe(stream, "/api/v1/events");
  ASSERT_TRUE(Eventually([&] { return t.hub.subscribers() == 1; }));
  EXPECT_EQ(Echo(t.port(), 5, 3, 7).substr(0, 3), "200");
  const auto frame = stream.ReadEvent();
  ASSERT_TRUE(frame.has_value());
  EXPECT_EQ(frame->id, "1");
  EXPECT_EQ(frame->event, "echo");
  EXPECT_EQ(json::parse(frame->data),
            json({{"value", 5.0}, {"date", "2024-03-01"}, {"team", 3}, {"measure", 7}}));
}

TEST(EventStream, FiltersByTeamAndMeasure) {
  TestServer t;
  HttpClient team3(t.port());
  HttpClient team4_measure9(t.port());
  HttpClient everything(t.port());
  Subscribe(team3, "/api/v1/events?team=3");
  Subscribe(team4_measure9, "/api/v1/events?team=4&measure=9");
  Subscribe(everything, "/api/v1/events");
  ASSERT_TRUE(Eventually([&] { return t.hub.subscribers() == 3; }));
  Echo(t.port(), 1, 4, 8);  // id 1: team 4, measure 8 -> everything only
  Echo(t.port(), 2, 3, 9);  // id 2: team 3 -> team3 and everything
  Echo(t.port(), 3, 4, 9);  // id 3: team 4, measure 9 -> team4_measure9 and everything
  EXPECT_EQ(team3.ReadEvent()->id, "2");
  EXPECT_EQ(team4_measure9.ReadEvent()->id, "3");
  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i) ids.push_back(everything.ReadEvent()->id);
  EXPECT_EQ(ids, (std::vector<std::string>{"1", "2", "3"}));
}

TEST(EventStream, AnswersABadFilterWithA400Problem) {
  TestServer t;
  HttpClient client(t.port());
  const auto response = client.Request("GET", "/api/v1/events?team=3;drop");
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 400);
  EXPECT_EQ(response->Header("Content-Type"), "application/problem+json");
  EXPECT_EQ(json::parse(response->body)["errors"][0]["field"], "team");
}

TEST(EventStream, ResumesAfterLastEventId) {
  TestServer t;
  for (int i = 1; i <= 4; ++i) Echo(t.port(), i, 1, 1);
  HttpClient stream(t.port());
  Subscribe(stream, "/api/v1/events", "2");
  EXPECT_EQ(stream.ReadEvent()->id, "3");
  EXPECT_EQ(stream.ReadEvent()->id, "4");
  Echo(t.port(), 5, 1, 1);
  EXPECT_EQ(stream.ReadEvent()->id, "5");
}

TEST(EventStream, SendsResyncWhenTheMissedEventsAreNoLongerHeld) {
  EventHubOptions hub_options;
  hub_options.history = 2;
  TestServer t({}, hub_options);
  for (int i = 1; i <= 5; ++i) Echo(t.port(), i, 1, 1);
  HttpClient stream(t.port());
  Subscribe(stream, "/api/v1/events?lastEventId=1");
  const auto resync = stream.ReadEvent();
  ASSERT_TRUE(resync.has_value());
  EXPECT_EQ(resync->event, "resync");
  EXPECT_EQ(resync->id, "5");
  EXPECT_EQ(json::parse(resync->data)["last_event_id"], 5);
  Echo(t.port(), 6, 1, 1);
  EXPECT_EQ(stream.ReadEvent()->id, "6");
}

TEST(EventStream, SendsAKeepAliveCommentWhenIdle) {
  ServerOptions options;
  options.sse_keepalive = 100ms;
  TestServer t(options);
  HttpClient stream(t.port());
  Subscribe(stream, "/api/v1/events");
  const auto frame = stream.ReadFrame();
  ASSERT_TRUE(frame.has_value());
  EXPECT_EQ(frame->comment, "keep-alive");
}

TEST(EventStream, ForgetsAClientThatHangsUpMidStream) {
  TestServer t;
  {
    HttpClient stream(t.port());
    Subscribe(stream, "/api/v1/events");
    Echo(t.port(), 1, 1, 1);
    ASSERT_TRUE(stream.ReadEvent().has_value());
    ASSERT_TRUE(Eventually([&] { return t.hub.subscribers() == 1; }));
  }  // hangs up
  EXPECT_TRUE(Eventually([&] { return t.hub.subscribers() == 0; }));
  EXPECT_TRUE(Eventually([&] { return t.server->open_connections() == 0; }));
  for (int i = 0; i < 5; ++i) EXPECT_EQ(Echo(t.port(), i, 1, 1).substr(0, 3), "200");
  ASSERT_TRUE(Eventually([&] { return !t.access.Lines().empty(); }));
  bool logged_stream = false;
  for (const std::string& text : t.access.Lines()) {
    const json line = json::parse(text);
    logged_stream = logged_stream || line["path"] == "/api/v1/events";
  }
  EXPECT_TRUE(logged_stream);
  EXPECT_TRUE(t.errors.Lines().empty());
}

TEST(EventStream, DropsAClientTooSlowToReadWithoutHoldingUpPublishers) {
  ServerOptions options;
  options.write_timeout = 300ms;
  EventHubOptions hub_options;
  hub_options.queue_capacity = 8;
  TestServer t(options, hub_options);
  HttpClient slow(t.port());
  Subscribe(slow, "/api/v1/events");  // then never reads again
  ASSERT_TRUE(Eventually([&] { return t.hub.subscribers() == 1; }));
  const json big = {{"pad", std::string(64 * 1024, 'x')}};
  // What publishing costs with no one listening (formatting 25 MiB; far slower in a sanitizer
  // build), so the check below is about waiting for the client, not the machine's speed.
  EventHub quiet;
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 400; ++i) quiet.Publish("big", big, {});
  const auto alone = std::chrono::steady_clock::now() - start;
  start = std::chrono::steady_clock::now();
  for (int i = 0; i < 400; ++i) t.hub.Publish("big", big, {});  // 25 MiB: more than buffers hold
  // A publisher held up by the client would wait out a 300 ms write timeout per event.
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2 * alone + 1s);
  EXPECT_TRUE(Eventually([&] { return t.hub.subscribers() == 0; }, 5000ms));
  EXPECT_TRUE(Eventually([&] { return t.server->open_connections() == 0; }, 5000ms));
}

TEST(EventStream, EndsStreamsWhenTheServerStops) {
  TestServer t;
  HttpClient a(t.port());
  HttpClient b(t.port());
  Subscribe(a, "/api/v1/events");
  Subscribe(b, "/api/v1/events?team=1");
  ASSERT_TRUE(Eventually([&] { return t.hub.subscribers() == 2; }));
  const auto start = std::chrono::steady_clock::now();
  t.server->Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 1s);
  EXPECT_TRUE(a.WaitForClose(1000ms));
  EXPECT_TRUE(b.WaitForClose(1000ms));
  EXPECT_EQ(t.hub.subscribers(), 0u);
}

TEST(EventStream, AnswersHeadWithoutStreaming) {
  TestServer t;
  HttpClient client(t.port());
  const auto head = client.Request("HEAD", "/api/v1/events");
  ASSERT_TRUE(head.has_value());
  EXPECT_EQ(head->status, 200);
  EXPECT_TRUE(client.WaitForClose(1000ms));
  EXPECT_EQ(t.hub.subscribers(), 0u);
}

TEST(EventStream, CarriesAPostToAnotherConnectionQuickly) {
  TestServer t;
  HttpClient stream(t.port());
  Subscribe(stream, "/api/v1/events?team=1");
  ASSERT_TRUE(Eventually([&] { return t.hub.subscribers() == 1; }));
  HttpClient poster(t.port());
  std::vector<double> latencies;
  for (int i = 0; i < 300; ++i) {
    const auto sent = std::chrono::steady_clock::now();
    const auto response =
        poster.Request("POST", "/api/v1/echo", R"({"value": 1, "date": "2024-03-01", "team": 1})",
                       {{"Content-Type", "application/json"}});
    ASSERT_TRUE(response.has_value());
    ASSERT_EQ(response->status, 200);
    const auto frame = stream.ReadEvent();
    ASSERT_TRUE(frame.has_value());
    latencies.push_back(
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - sent).count());
    EXPECT_EQ(frame->id, std::to_string(i + 1));
  }
  std::sort(latencies.begin(), latencies.end());
  std::printf("[ sse      ] POST to event on another connection: p50 %.2f ms, p99 %.2f ms\n",
              latencies[latencies.size() / 2], latencies[latencies.size() * 99 / 100]);
}

}  // namespace
}  // namespace everyseat::server
