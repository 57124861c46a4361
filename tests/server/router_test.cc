// Router without sockets: patterns, parameters, precedence, query decoding, 404/405 problems and
// setup errors.
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "everyseat/server/http.h"
#include "everyseat/server/json.h"

namespace everyseat::server {
namespace {

using nlohmann::json;

OperationDoc Doc(std::string summary) {
  OperationDoc doc;
  doc.summary = std::move(summary);
  doc.responses = {{200, "ok", "text/plain", nullptr}};
  return doc;
}

Router::Handler Named(std::string name) {
  return [name](const Request& request) {
    std::string body = name;
    for (const auto& [key, value] : request.path_params) body += " " + key + "=" + value;
    return TextResponse(200, body);
  };
}

Response Call(const Router& router, std::string method, std::string target,
              Request* out = nullptr) {
  Request request;
  request.method = std::move(method);
  request.target = std::move(target);
  Response response = router.Handle(request);
  if (out != nullptr) *out = request;
  return response;
}

TEST(Router, MatchesPathParametersAndDecodesThem) {
  Router router;
  router.Add("GET", "/api/v1/teams/{team}/measures/{measure}", Doc("m"), Named("measure"));
  Request request;
  const Response response =
      Call(router, "GET", "/api/v1/teams/ward%207/measures/42?x=1&y=a+b%26c&flag", &request);
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, "measure team=ward 7 measure=42");
  EXPECT_EQ(request.path, "/api/v1/teams/ward%207/measures/42");
  EXPECT_EQ(request.PathParam("team"), "ward 7");
  EXPECT_EQ(request.Query("x"), "1");
  EXPECT_EQ(request.Query("y"), "a b&c");
  EXPECT_EQ(request.Query("flag"), "");
  EXPECT_FALSE(request.Query("z").has_value());
}

// A route's asynchronous handler is found (with its parameters) by MatchAsync, which the Server
// calls; Handle keeps calling the synchronous handler; other routes and methods match nothing.
TEST(Router, FindsTheRoutesWithAnAsynchronousHandler) {
  Router router;
  router.Add("POST", "/things/{id}/notes", Doc("notes"), Named("sync"));
  router.Add("POST", "/things/{id}", Doc("thing"), Named("thing"));
  router.Add("GET", "/things/{id}/notes", Doc("list"), Named("list"));
  int called = 0;
  router.SetAsync("POST", "/things/{id}/notes", [&](const Request&, Router::Finish) { ++called; });
  EXPECT_TRUE(router.setup_errors().empty());

  Request request;
  request.method = "POST";
  request.target = "/things/a%20b/notes?x=1";
  const Router::Route* route = router.MatchAsync(request);
  ASSERT_NE(route, nullptr);
  EXPECT_EQ(route->pattern, "/things/{id}/notes");
  EXPECT_EQ(request.PathParam("id"), "a b");
  EXPECT_EQ(request.Query("x"), "1");
  EXPECT_EQ(called, 0);  // matching calls nothing

  for (const auto& [method, target] :
       std::vector<std::pair<std::string, std::string>>{{"POST", "/things/7"},
                                                        {"GET", "/things/7/notes"},
                                                        {"POST", "/nowhere"},
                                                        {"POST", "no-slash"},
                                                        {"PUT", "/things/7/notes"}}) {
    Request other;
    other.method = method;
    other.target = target;
    EXPECT_EQ(router.MatchAsync(other), nullptr) << method << " " << target;
  }
  EXPECT_EQ(Call(router, "POST", "/things/7/notes").body, "sync id=7");
  EXPECT_EQ(Call(router, "PUT", "/things/7/notes").status, 405);
}

TEST(Router, RecordsAnAsynchronousHandlerForNoRouteAsASetupError) {
  Router router;
  router.Add("POST", "/things", Doc("things"), Named("things"));
  router.SetAsync("POST", "/other", [](const Request&, Router::Finish) {});
  router.SetAsync("GET", "/things", [](const Request&, Router::Finish) {});
  router.SetAsync("POST", "/things", nullptr);
  ASSERT_EQ(router.setup_errors().size(), 3u);
  EXPECT_NE(router.setup_errors()[0].find("POST /other"), std::string::npos);
  EXPECT_NE(router.setup_errors()[1].find("GET /things"), std::string::npos);
  EXPECT_NE(router.setup_errors()[2].find("POST /things"), std::string::npos);
}

TEST(Router, PrefersLiteralSegmentsOverParameters) {
  Router router;
  router.Add("GET", "/things/{id}", Doc("one"), Named("one"));
  router.Add("GET", "/things/new", Doc("new"), Named("new"));
  router.Add("GET", "/{kind}/new/{x}", Doc("kind"), Named("kind"));
  router.Add("GET", "/things/{id}/{x}", Doc("deep"), Named("deep"));
  EXPECT_EQ(Call(router, "GET", "/things/new").body, "new");
  EXPECT_EQ(Call(router, "GET", "/things/7").body, "one id=7");
  EXPECT_EQ(Call(router, "GET", "/things/new/3").body, "deep id=new x=3");
  EXPECT_EQ(Call(router, "GET", "/teams/new/3").body, "kind kind=teams x=3");
}

TEST(Router, AnswersAnUnknownPathWithA404Problem) {
  Router router;
  router.Add("GET", "/things/{id}", Doc("one"), Named("one"));
  for (const char* target : {"/nothing", "/things", "/things/", "/things/1/2", "/"}) {
    const Response response = Call(router, "GET", target);
    EXPECT_EQ(response.status, 404) << target;
    EXPECT_EQ(response.content_type, "application/problem+json");
    const json problem = json::parse(response.body);
    EXPECT_EQ(problem["type"], "about:blank");
    EXPECT_EQ(problem["title"], "Not Found");
    EXPECT_EQ(problem["status"], 404);
    EXPECT_EQ(problem["detail"], std::string("there is no resource at ") + target);
  }
}

TEST(Router, AnswersAnotherMethodWithA405ProblemAndAllow) {
  Router router;
  router.Add("GET", "/things/{id}", Doc("get"), Named("get"));
  router.Add("DELETE", "/things/{id}", Doc("delete"), Named("delete"));
  const Response response = Call(router, "POST", "/things/3");
  EXPECT_EQ(response.status, 405);
  ASSERT_EQ(response.headers.size(), 1u);
  EXPECT_EQ(response.headers[0].first, "Allow");
  EXPECT_EQ(response.headers[0].second, "DELETE, GET, HEAD");
  EXPECT_EQ(json::parse(response.body)["detail"],
            "POST is not allowed on /things/3; allowed: DELETE, GET, HEAD");
}

TEST(Router, ServesHeadWithTheGetRoute) {
  Router router;
  router.Add("GET", "/x", Doc("x"), Named("x"));
  EXPECT_EQ(Call(router, "HEAD", "/x").status, 200);
}

TEST(Router, RejectsBadPercentEncodingAndNonPathTargets) {
  Router router;
  router.Add("GET", "/things/{id}", Doc("one"), Named("one"));
  const Response bad_path = Call(router, "GET", "/things/%zz");
  EXPECT_EQ(bad_path.status, 400);
  EXPECT_EQ(json::parse(bad_path.body)["errors"][0],
            json({{"field", "path"}, {"reason", "has invalid percent-encoding"}}));
  const Response bad_query = Call(router, "GET", "/things/1?team=%4");
  EXPECT_EQ(bad_query.status, 400);
  EXPECT_EQ(json::parse(bad_query.body)["errors"][0]["field"], "team");
  const Response absolute = Call(router, "GET", "http://example.org/things/1");
  EXPECT_EQ(absolute.status, 400);
  EXPECT_EQ(json::parse(absolute.body)["errors"][0],
            json({{"field", "target"}, {"reason", "must be a path starting with '/'"}}));
}

TEST(Router, RecordsSetupErrorsInsteadOfRegisteringBadRoutes) {
  Router router;
  router.Add("GET", "/ok/{id}", Doc("ok"), Named("ok"));
  router.Add("GET", "/ok/{other}", Doc("dup"), Named("dup"));
  router.Add("GET", "no-slash", Doc("x"), Named("x"));
  router.Add("GET", "/a/{id}/b/{id}", Doc("x"), Named("x"));
  router.Add("GET", "/a/x{id}", Doc("x"), Named("x"));
  router.Add("get", "/lower", Doc("x"), Named("x"));
  router.Add("GET", "/no-handler", Doc("x"), nullptr);
  EXPECT_EQ(router.routes().size(), 1u);
  const std::vector<std::string> expected = {
      "GET /ok/{other}: registered twice (as /ok/{id})",
      "GET no-slash: the pattern must start with '/'",
      "GET /a/{id}/b/{id}: parameter 'id' appears twice",
      "GET /a/x{id}: a parameter must be a whole segment, as in /{name}/",
      "get /lower: the method must be upper-case letters",
      "GET /no-handler: no handler",
  };
  EXPECT_EQ(router.setup_errors(), expected);
}

TEST(Router, LetsHandlerExceptionsThrough) {
  Router router;
  router.Add("GET", "/boom", Doc("boom"),
             [](const Request&) -> Response { throw std::runtime_error("boom"); });
  EXPECT_THROW(static_cast<void>(Call(router, "GET", "/boom")), std::runtime_error);
}

TEST(Request, FindsHeadersIgnoringCase) {
  Request request;
  request.headers = {{"Content-Type", "application/json"}, {"X-A", "1"}, {"x-a", "2"}};
  EXPECT_EQ(request.Header("content-type"), "application/json");
  EXPECT_EQ(request.Header("X-a"), "1");
  EXPECT_FALSE(request.Header("Accept").has_value());
}

TEST(StatusTitle, GivesReasonPhrases) {
  EXPECT_EQ(StatusTitle(413), "Content Too Large");
  EXPECT_EQ(StatusTitle(422), "Unprocessable Content");
  EXPECT_EQ(StatusTitle(299), "Unknown Status");
}

}  // namespace
}  // namespace everyseat::server
