// The Server over real sockets on 127.0.0.1: routing, problems, body limits, timeouts,
// keep-alive, the access log, graceful stop, and a 64-connection load smoke test.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "everyseat/server/http.h"
#include "everyseat/server/json.h"
#include "everyseat/server/openapi.h"
#include "http_client.h"
#include "test_server.h"

namespace everyseat::server {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using testing::Eventually;
using testing::HttpClient;
using testing::HttpResponse;
using testing::TestServer;

constexpr const char* kJson = "application/json";

OperationDoc Doc(std::string summary) {
  OperationDoc doc;
  doc.summary = std::move(summary);
  doc.responses = {{200, "ok", "text/plain", {{"type", "string"}}}};
  return doc;
}

// Routes the tests need beyond the example's.
void TestRoutes(Router& router) {
  router.Add("GET", "/api/v1/things/{id}", Doc("a thing"), [](const Request& request) {
    return TextResponse(200, "thing " + std::string(request.PathParam("id")));
  });
  router.Add("GET", "/api/v1/throw", Doc("throws"),
             [](const Request&) -> Response { throw std::runtime_error("kaboom"); });
  router.Add("GET", "/api/v1/unsafe", Doc("an unsafe header"), [](const Request&) {
    Response response = TextResponse(200, "ok");
    response.headers.emplace_back("X-Bad", "a\r\nSet-Cookie: x=1");
    response.headers.emplace_back("X-Good", "fine");
    return response;
  });
}

std::vector<std::pair<std::string, std::string>> JsonHeader() { return {{"Content-Type", kJson}}; }

TEST(Server, AnswersHealthWithHeaders) {
  TestServer t;
  ASSERT_EQ(t.start_error, "");
  ASSERT_NE(t.port(), 0);
  HttpClient client(t.port());
  const auto response = client.Request("GET", "/api/v1/health");
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(json::parse(response->body), json({{"status", "ok"}, {"version", "0.1.0-example"}}));
  EXPECT_EQ(response->Header("Content-Type"), kJson);
  EXPECT_EQ(response->Header("Content-Length"), std::to_string(response->body.size()));
  EXPECT_EQ(response->Header("Server"), "everyseat");
  EXPECT_EQ(response->Header("Cache-Control"), "no-store");
  EXPECT_EQ(response->Header("X-Content-Type-Options"), "nosniff");
  EXPECT_TRUE(response->Header("Date").value_or("").ends_with(" GMT"));
}

TEST(Server, RoutesPathParameters) {
  TestServer t({}, {}, TestRoutes);
  HttpClient client(t.port());
  const auto response = client.Request("GET", "/api/v1/things/ward%207?x=1");
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, "thing ward 7");
}

TEST(Server, AnswersUnknownRoutesWith404AndWrongMethodsWith405Problems) {
  TestServer t;
  HttpClient client(t.port());
  const auto missing = client.Request("GET", "/api/v1/nothing");
  ASSERT_TRUE(missing.has_value());
  EXPECT_EQ(missing->status, 404);
  EXPECT_EQ(missing->Header("Content-Type"), "application/problem+json");
  EXPECT_EQ(json::parse(missing->body),
            json({{"type", "about:blank"},
                  {"title", "Not Found"},
                  {"status", 404},
                  {"detail", "there is no resource at /api/v1/nothing"}}));
  const auto wrong = client.Request("DELETE", "/api/v1/echo");
  ASSERT_TRUE(wrong.has_value());
  EXPECT_EQ(wrong->status, 405);
  EXPECT_EQ(wrong->Header("Allow"), "POST");
  EXPECT_EQ(json::parse(wrong->body)["title"], "Method Not Allowed");
}

TEST(Server, EchoesAValidBodyAndPublishesAnEvent) {
  TestServer t;
  HttpClient client(t.port());
  const auto response = client.Request(
      "POST", "/api/v1/echo", R"({"value": 12.5, "date": "2024-03-01", "team": 3})", JsonHeader());
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(json::parse(response->body),
            json({{"value", 12.5}, {"date", "2024-03-01"}, {"team", 3}, {"event_id", 1}}));
  EXPECT_EQ(t.hub.last_id(), 1u);
}

TEST(Server, NamesTheFieldAndReasonForBadBodies) {
  TestServer t;
  HttpClient client(t.port());
  struct Case {
    const char* body;
    int status;
    const char* field;
    const char* reason;
  };
  const Case cases[] = {
      {R"({"date": "2024-03-01"})", 422, "/value", "is required"},
      {R"({"value": "12", "date": "2024-03-01"})", 422, "/value", "must be a number, not a string"},
      {R"({"value": 1, "date": "2024-02-30"})", 422, "/date", "is not a calendar date"},
      {R"({"value": 1, "date": "2024-03-01", "x": 1})", 422, "/x", "is not a known field"},
      {R"({"value": 1, "date": "2024-03-01",})", 400, "",
       "malformed JSON at byte 35: syntax error while parsing object key - unexpected '}'; "
       "expected string literal"},
      {"[]", 422, "", "must be an object, not an array"},
  };
  for (const Case& c : cases) {
    const auto response = client.Request("POST", "/api/v1/echo", c.body, JsonHeader());
    ASSERT_TRUE(response.has_value()) << c.body;
    EXPECT_EQ(response->status, c.status) << c.body;
    EXPECT_EQ(response->Header("Content-Type"), "application/problem+json");
    const json problem = json::parse(response->body);
    EXPECT_EQ(problem["status"], c.status);
    ASSERT_EQ(problem["errors"].size(), 1u) << problem.dump();
    EXPECT_EQ(problem["errors"][0], json({{"field", c.field}, {"reason", c.reason}})) << c.body;
  }
  const auto form = client.Request("POST", "/api/v1/echo", "value=1",
                                   {{"Content-Type", "application/x-www-form-urlencoded"}});
  ASSERT_TRUE(form.has_value());
  EXPECT_EQ(form->status, 415);
  EXPECT_EQ(t.hub.last_id(), 0u);  // a rejected request changes nothing
}

TEST(Server, Answers413ForABodyOverTheLimitAndClosesTheConnection) {
  ServerOptions options;
  options.max_body_bytes = 1024;
  TestServer t(options);
  HttpClient client(t.port());
  const std::string body =
      R"({"value": 1, "date": "2024-03-01", "pad": ")" + std::string(2000, 'x') + "\"}";
  const auto response = client.Request("POST", "/api/v1/echo", body, JsonHeader());
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 413);
  EXPECT_EQ(response->Header("Connection"), "close");
  EXPECT_EQ(json::parse(response->body)["detail"],
            "the request body is larger than the limit of 1024 bytes");
  EXPECT_TRUE(client.WaitForClose(2000ms));
  // The limit is the body's: a body of exactly 1024 bytes is read (and then judged).
  HttpClient again(t.port());
  const auto at_limit = again.Request("POST", "/api/v1/echo", std::string(1024, ' '), JsonHeader());
  ASSERT_TRUE(at_limit.has_value());
  EXPECT_EQ(at_limit->status, 400);
}

TEST(Server, Answers413BeforeReadingABodyThatAnnouncesItsSize) {
  TestServer t;  // the default limit, 1 MiB
  HttpClient client(t.port());
  ASSERT_TRUE(
      client.Send("POST /api/v1/echo HTTP/1.1\r\nHost: x\r\nContent-Type: "
                  "application/json\r\nContent-Length: 1048577\r\n\r\n{\"value\":"));
  const auto response = client.ReadResponse();
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 413);
  EXPECT_EQ(json::parse(response->body)["detail"],
            "the request body is larger than the limit of 1048576 bytes");
}

TEST(Server, SendsContinueWhenAskedThenTheResponse) {
  TestServer t;
  HttpClient client(t.port());
  const std::string body = R"({"value": 1, "date": "2024-03-01"})";
  ASSERT_TRUE(
      client.Send("POST /api/v1/echo HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n"
                  "Content-Length: " +
                  std::to_string(body.size()) + "\r\n\r\n"));
  const auto proceed = client.ReadHead();
  ASSERT_TRUE(proceed.has_value());
  EXPECT_EQ(proceed->status, 100);
  ASSERT_TRUE(client.Send(body));
  const auto response = client.ReadResponse();
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 200);
}

TEST(Server, ClosesAHalfSentRequestAfterTheHeaderTimeoutAndLogs408) {
  ServerOptions options;
  options.header_timeout = 200ms;
  TestServer t(options);
  HttpClient client(t.port());
  ASSERT_TRUE(client.Send("GET /api/v1/health HTTP/1.1\r\nHost: x\r\n"));  // no blank line
  const auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(client.WaitForClose(3000ms));
  EXPECT_GE(std::chrono::steady_clock::now() - start, 150ms);
  ASSERT_TRUE(Eventually([&] { return !t.access.Lines().empty(); }));
  const json line = json::parse(t.access.Lines().back());
  EXPECT_EQ(line["status"], 408);
  EXPECT_EQ(line["method"], "-");  // the head never arrived
  EXPECT_TRUE(Eventually([&] { return t.server->open_connections() == 0; }));
}

TEST(Server, ClosesABodyThatStallsAfterTheBodyTimeout) {
  ServerOptions options;
  options.body_timeout = 200ms;
  TestServer t(options);
  HttpClient client(t.port());
  ASSERT_TRUE(client.Send("POST /api/v1/echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{"));
  EXPECT_TRUE(client.WaitForClose(3000ms));
  ASSERT_TRUE(Eventually([&] { return !t.access.Lines().empty(); }));
  const json line = json::parse(t.access.Lines().back());
  EXPECT_EQ(line["status"], 408);
  EXPECT_EQ(line["method"], "POST");
  EXPECT_EQ(line["path"], "/api/v1/echo");
}

TEST(Server, ClosesAnIdleKeepAliveConnectionAfterTheIdleTimeout) {
  ServerOptions options;
  options.idle_timeout = 200ms;
  TestServer t(options);
  HttpClient client(t.port());
  ASSERT_TRUE(client.Request("GET", "/api/v1/health").has_value());
  EXPECT_TRUE(client.WaitForClose(3000ms));
  EXPECT_EQ(t.access.Lines().size(), 1u);  // an idle close is not a request
}

TEST(Server, ReusesAKeepAliveConnectionAndAnswersPipelinedRequestsInOrder) {
  TestServer t({}, {}, TestRoutes);
  HttpClient client(t.port());
  for (int i = 0; i < 3; ++i) {
    const auto response = client.Request("GET", "/api/v1/things/" + std::to_string(i));
    ASSERT_TRUE(response.has_value());
    EXPECT_EQ(response->body, "thing " + std::to_string(i));
    EXPECT_FALSE(response->Header("Connection").has_value());  // HTTP/1.1 keeps alive by default
  }
  EXPECT_EQ(t.server->open_connections(), 1u);
  ASSERT_TRUE(
      client.Send("GET /api/v1/things/a HTTP/1.1\r\nHost: x\r\n\r\n"
                  "GET /api/v1/things/b HTTP/1.1\r\nHost: x\r\n\r\n"));
  EXPECT_EQ(client.ReadResponse()->body, "thing a");
  EXPECT_EQ(client.ReadResponse()->body, "thing b");
}

TEST(Server, HonoursConnectionClose) {
  TestServer t;
  HttpClient client(t.port());
  const auto response = client.Request("GET", "/api/v1/health", {}, {{"Connection", "close"}});
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->Header("Connection"), "close");
  EXPECT_TRUE(client.WaitForClose(2000ms));
}

TEST(Server, AnswersHeadWithTheLengthButNoBody) {
  TestServer t;
  HttpClient client(t.port());
  const auto head = client.Request("HEAD", "/api/v1/health");
  ASSERT_TRUE(head.has_value());
  EXPECT_EQ(head->status, 200);
  EXPECT_EQ(head->Header("Content-Length"), "41");  // {"status":"ok","version":"0.1.0-example"}
  const auto get = client.Request("GET", "/api/v1/health");  // the next bytes are the next reply
  ASSERT_TRUE(get.has_value());
  EXPECT_EQ(get->body.size(), 41u);
}

TEST(Server, WritesOneJsonAccessLogLinePerRequest) {
  TestServer t({}, {}, TestRoutes);
  HttpClient client(t.port());
  ASSERT_TRUE(client.Request("GET", "/api/v1/things/7?secret=token").has_value());
  ASSERT_TRUE(Eventually([&] { return t.access.Lines().size() == 1; }));
  const json line = json::parse(t.access.Lines()[0]);
  std::vector<std::string> keys;
  for (const auto& item : line.items()) keys.push_back(item.key());
  EXPECT_EQ(keys, (std::vector<std::string>{"bytes", "duration_ms", "method", "path", "remote",
                                            "status", "time"}));
  EXPECT_EQ(line["method"], "GET");
  EXPECT_EQ(line["path"], "/api/v1/things/7");  // never the query string
  EXPECT_EQ(line["status"], 200);
  EXPECT_EQ(line["bytes"], 7);
  EXPECT_TRUE(line["duration_ms"].is_number());
  EXPECT_GE(line["duration_ms"].get<double>(), 0.0);
  EXPECT_TRUE(line["remote"].get<std::string>().starts_with("127.0.0.1:"));
  const std::string time = line["time"];
  EXPECT_EQ(time.size(), 24u);  // 2026-11-25T19:45:54.123Z
  EXPECT_EQ(time.back(), 'Z');
}

TEST(Server, TurnsAHandlerExceptionIntoA500ProblemAndAnErrorLogLine) {
  TestServer t({}, {}, TestRoutes);
  HttpClient client(t.port());
  const auto response = client.Request("GET", "/api/v1/throw");
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 500);
  EXPECT_EQ(json::parse(response->body)["detail"], "the server failed to handle the request");
  ASSERT_EQ(t.errors.Lines().size(), 1u);
  const json error = json::parse(t.errors.Lines()[0]);
  EXPECT_EQ(error["level"], "error");
  EXPECT_EQ(error["message"], "GET /api/v1/throw: handler failed: kaboom");
  EXPECT_EQ(client.Request("GET", "/api/v1/health")->status, 200);  // the connection lives on
}

// Requests waiting on an asynchronous route hold no thread: with one handler thread, eight wait
// at once, and each gets the answer its own Finish made, in whatever order they finish.
TEST(Server, AnswersAsynchronousRoutesWhenTheyFinishWithoutHoldingAThread) {
  constexpr int kWaiting = 8;
  std::mutex mu;
  std::vector<std::pair<std::string, Router::Finish>> pending;  // guarded by mu
  ServerOptions options;
  options.handler_threads = 1;
  TestServer t(options, {}, [&](Router& router) {
    router.Add("POST", "/api/v1/later/{id}", Doc("later"), [](const Request& request) {
      return TextResponse(200, "synchronous " + std::string(request.PathParam("id")));
    });
    router.SetAsync("POST", "/api/v1/later/{id}", [&](const Request& request, Router::Finish f) {
      std::lock_guard lock(mu);
      pending.emplace_back(std::string(request.PathParam("id")), std::move(f));
    });
  });
  ASSERT_EQ(t.start_error, "");
  std::vector<std::string> bodies(kWaiting);
  std::vector<std::thread> clients;
  for (int c = 0; c < kWaiting; ++c) {
    clients.emplace_back([&, c] {
      HttpClient client(t.port(), 10'000ms);
      const auto response = client.Request("POST", "/api/v1/later/" + std::to_string(c), "x");
      if (response && response->status == 200) bodies[c] = response->body;
    });
  }
  ASSERT_TRUE(Eventually([&] {
    std::lock_guard lock(mu);
    return pending.size() == size_t{kWaiting};
  }));
  // A synchronous route is still served meanwhile, on the one handler thread.
  HttpClient other(t.port());
  EXPECT_EQ(other.Request("GET", "/api/v1/health")->status, 200);
  {
    std::lock_guard lock(mu);
    for (auto it = pending.rbegin(); it != pending.rend(); ++it) {
      it->second([id = it->first] { return TextResponse(200, "answer " + id); });
    }
  }
  for (std::thread& client : clients) client.join();
  for (int c = 0; c < kWaiting; ++c) EXPECT_EQ(bodies[c], "answer " + std::to_string(c));
}

// An asynchronous route that declines (an empty function) is answered by the synchronous handler;
// one that throws, drops its Finish or finishes with a function that throws gets the server's
// 500 problem and an error log line, and the connection lives on.
TEST(Server, FallsBackOrAnswers500WhenAnAsynchronousRouteDeclinesOrFails) {
  TestServer t({}, {}, [](Router& router) {
    router.Add("POST", "/api/v1/later/{how}", Doc("later"), [](const Request& request) {
      return TextResponse(200, "synchronous " + std::string(request.PathParam("how")));
    });
    router.SetAsync("POST", "/api/v1/later/{how}", [](const Request& request, Router::Finish f) {
      const std::string how(request.PathParam("how"));
      if (how == "decline") {
        std::thread([f = std::move(f)] { f({}); }).join();
      } else if (how == "throw") {
        throw std::runtime_error("refused at once");
      } else if (how == "produce-throws") {
        f([]() -> Response { throw std::runtime_error("could not make it"); });
      }  // "drop": f goes out of scope uncalled
    });
  });
  ASSERT_EQ(t.start_error, "");
  HttpClient client(t.port());
  const auto declined = client.Request("POST", "/api/v1/later/decline", "x");
  ASSERT_TRUE(declined.has_value());
  EXPECT_EQ(declined->status, 200);
  EXPECT_EQ(declined->body, "synchronous decline");
  for (const std::string how : {"throw", "drop", "produce-throws"}) {
    const auto failed = client.Request("POST", "/api/v1/later/" + how, "x");
    ASSERT_TRUE(failed.has_value()) << how;
    EXPECT_EQ(failed->status, 500) << how;
    EXPECT_EQ(json::parse(failed->body)["detail"], "the server failed to handle the request");
  }
  const std::vector<std::string> errors = t.errors.Lines();
  ASSERT_EQ(errors.size(), 3u);
  EXPECT_NE(errors[0].find("refused at once"), std::string::npos) << errors[0];
  EXPECT_NE(errors[1].find("did not finish"), std::string::npos) << errors[1];
  EXPECT_NE(errors[2].find("could not make it"), std::string::npos) << errors[2];
  EXPECT_EQ(client.Request("GET", "/api/v1/health")->status, 200);
}

TEST(Server, DropsResponseHeadersThatWouldSplitTheResponse) {
  TestServer t({}, {}, TestRoutes);
  HttpClient client(t.port());
  const auto response = client.Request("GET", "/api/v1/unsafe");
  ASSERT_TRUE(response.has_value());
  EXPECT_FALSE(response->Header("X-Bad").has_value());
  EXPECT_FALSE(response->Header("Set-Cookie").has_value());
  EXPECT_EQ(response->Header("X-Good"), "fine");
  ASSERT_EQ(t.errors.Lines().size(), 1u);
}

TEST(Server, Answers431ForAnOversizedHeadAnd400ForMalformedHttp) {
  ServerOptions options;
  options.max_header_bytes = 1024;
  TestServer t(options);
  HttpClient big(t.port());
  const auto too_big =
      big.Request("GET", "/api/v1/health", {}, {{"X-Padding", std::string(2000, 'p')}});
  ASSERT_TRUE(too_big.has_value());
  EXPECT_EQ(too_big->status, 431);
  HttpClient garbage(t.port());
  ASSERT_TRUE(garbage.Send("THIS IS NOT HTTP\r\n\r\n"));
  const auto bad = garbage.ReadResponse();
  ASSERT_TRUE(bad.has_value());
  EXPECT_EQ(bad->status, 400);
  EXPECT_TRUE(json::parse(bad->body)["detail"].get<std::string>().starts_with(
      "the request is not valid HTTP/1.1: "));
}

TEST(Server, ServesAnOpenApiDocumentThatMatchesItsRoutes) {
  TestServer t;
  HttpClient client(t.port());
  const auto response = client.Request("GET", "/api/v1/openapi.json");
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 200);
  const json served = json::parse(response->body);
  EXPECT_EQ(served["openapi"], "3.1.0");
  EXPECT_EQ(CheckOpenApi(t.router, served), std::vector<std::string>{});
}

TEST(Server, RefusesToStartWithRouterSetupErrorsOrABusyPort) {
  Router broken;
  broken.Add("GET", "no-slash", {}, [](const Request&) { return Response{}; });
  ServerOptions quiet;
  quiet.error_log = nullptr;
  quiet.access_log = nullptr;
  Server refused(broken, quiet);
  const auto result = refused.Start("127.0.0.1", 0);
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error(),
            "the router has setup errors: GET no-slash: the pattern must start with '/';");

  TestServer t;
  Server second(t.router, quiet);
  const auto busy = second.Start("127.0.0.1", t.port());
  ASSERT_FALSE(busy.has_value());
  EXPECT_EQ(busy.error(),
            "cannot bind 127.0.0.1:" + std::to_string(t.port()) + ": Address already in use");
  EXPECT_FALSE(Server(t.router, quiet).Start("not-an-address", 0).has_value());
}

TEST(Server, StopLetsAnInFlightRequestFinishThenRefusesConnections) {
  std::atomic<bool> entered{false};
  auto slow_route = [&entered](Router& router) {
    router.Add("GET", "/api/v1/slow", Doc("slow"), [&entered](const Request&) {
      entered = true;
      std::this_thread::sleep_for(300ms);  // a test-only blocking handler
      return TextResponse(200, "finished");
    });
  };
  TestServer t({}, {}, slow_route);
  HttpClient idle(t.port());  // an idle keep-alive connection: closed at once by Stop
  ASSERT_TRUE(idle.Request("GET", "/api/v1/health").has_value());
  std::optional<HttpResponse> response;
  std::thread client_thread([&] {
    HttpClient client(t.port());
    response = client.Request("GET", "/api/v1/slow");
  });
  ASSERT_TRUE(Eventually([&] { return entered.load(); }));
  const auto start = std::chrono::steady_clock::now();
  t.server->Stop();
  const auto took = std::chrono::steady_clock::now() - start;
  client_thread.join();
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, "finished");
  EXPECT_EQ(response->Header("Connection"), "close");
  EXPECT_LT(took, 5s);
  EXPECT_TRUE(idle.WaitForClose(100ms));
  EXPECT_EQ(t.server->open_connections(), 0u);
  HttpClient refused(t.port());
  EXPECT_FALSE(refused.connected());
  t.server->Stop();  // idempotent
}

TEST(Server, StopClosesARequestStillUnfinishedAtTheDrainDeadline) {
  ServerOptions options;
  options.drain_timeout = 300ms;
  TestServer t(options);
  HttpClient client(t.port());
  ASSERT_TRUE(client.Send("GET /api/v1/health HTTP/1.1\r\n"));  // mid-request: not idle
  ASSERT_TRUE(Eventually([&] { return t.server->open_connections() == 1; }));
  std::this_thread::sleep_for(50ms);  // let the server read the first bytes
  const auto start = std::chrono::steady_clock::now();
  t.server->Stop();
  const auto took = std::chrono::steady_clock::now() - start;
  EXPECT_GE(took, 250ms);
  EXPECT_LT(took, 2s);
  EXPECT_TRUE(client.WaitForClose(1000ms));
  ASSERT_FALSE(t.errors.Lines().empty());
  EXPECT_NE(t.errors.Lines()[0].find("still busy after drain_timeout"), std::string::npos);
}

TEST(Server, ServesSixtyFourConnectionsOfTwoHundredRequestsEach) {
  constexpr int kConnections = 64;
  constexpr int kRequests = 200;
  ServerOptions options;
  std::atomic<size_t> logged{0};
  TestServer t(options);
  std::vector<std::thread> clients;
  std::atomic<int> ok{0};
  std::atomic<int> failed{0};
  std::vector<std::vector<double>> latencies(kConnections);
  const auto start = std::chrono::steady_clock::now();
  for (int c = 0; c < kConnections; ++c) {
    clients.emplace_back([&, c] {
      HttpClient client(t.port(), 10'000ms);
      latencies[c].reserve(kRequests);
      for (int i = 0; i < kRequests; ++i) {
        const std::string body = R"({"value": )" + std::to_string(i) +
                                 R"(, "date": "2024-03-01", "team": )" + std::to_string(c) + "}";
        const auto sent = std::chrono::steady_clock::now();
        const auto response = client.Request("POST", "/api/v1/echo", body, JsonHeader());
        latencies[c].push_back(
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - sent)
                .count());
        if (response && response->status == 200) {
          ++ok;
        } else {
          ++failed;
        }
      }
    });
  }
  for (auto& thread : clients) thread.join();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(failed, 0);
  EXPECT_EQ(ok, kConnections * kRequests);
  EXPECT_EQ(t.hub.last_id(), static_cast<uint64_t>(kConnections * kRequests));
  // Each request's line is logged once its answer is sent, so the last may come just after the
  // client has read it.
  EXPECT_TRUE(Eventually([&] {
    logged = t.access.Lines().size();
    return logged == static_cast<size_t>(kConnections * kRequests);
  })) << logged
      << " lines";
  std::vector<double> all;
  for (const auto& list : latencies) all.insert(all.end(), list.begin(), list.end());
  std::sort(all.begin(), all.end());
  const double p50 = all[all.size() / 2];
  const double p99 = all[all.size() * 99 / 100];
  std::printf(
      "[ load     ] %d requests over %d connections in %.2f s: %.0f requests/s, "
      "POST latency p50 %.2f ms, p99 %.2f ms (client and server share 2 cores)\n",
      kConnections * kRequests, kConnections, seconds, kConnections * kRequests / seconds, p50,
      p99);
}

}  // namespace
}  // namespace everyseat::server
