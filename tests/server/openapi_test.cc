// The OpenAPI document generated from the routes, and CheckOpenApi finding every kind of drift.
#include <algorithm>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "everyseat/server/events.h"
#include "everyseat/server/http.h"
#include "everyseat/server/openapi.h"
#include "example_app.h"

namespace everyseat::server {
namespace {

using nlohmann::json;

Response Ok(const Request&) { return TextResponse(200, "ok"); }

TEST(OpenApi, DocumentsEveryRouteOfTheExampleAndCheckFindsNothingMissing) {
  EventHub hub;
  Router router;
  example::AddExampleRoutes(router, hub);
  const json doc = BuildOpenApi(router, ApiInfo{"t", "1", ""});
  EXPECT_EQ(doc["openapi"], "3.1.0");
  EXPECT_EQ(doc["info"], json({{"title", "t"}, {"version", "1"}}));
  std::vector<std::string> documented;
  for (const auto& path : doc["paths"].items()) {
    for (const auto& op : path.value().items()) documented.push_back(op.key() + " " + path.key());
  }
  std::sort(documented.begin(), documented.end());
  const std::vector<std::string> expected = {"get /api/v1/events", "get /api/v1/health",
                                             "get /api/v1/openapi.json", "post /api/v1/echo"};
  EXPECT_EQ(documented, expected);
  EXPECT_EQ(router.routes().size(), expected.size());
  EXPECT_EQ(CheckOpenApi(router), std::vector<std::string>{});
  EXPECT_EQ(CheckOpenApi(router, doc), std::vector<std::string>{});

  const json& echo = doc["paths"]["/api/v1/echo"]["post"];
  EXPECT_EQ(echo["requestBody"]["content"]["application/json"]["schema"]["required"],
            json({"value", "date"}));
  EXPECT_EQ(echo["responses"]["default"]["content"]["application/problem+json"]["schema"],
            json({{"$ref", "#/components/schemas/Problem"}}));
  EXPECT_TRUE(doc["components"]["schemas"]["Problem"].is_object());
  const json& events = doc["paths"]["/api/v1/events"]["get"];
  EXPECT_TRUE(events["responses"]["200"]["content"].contains("text/event-stream"));
  std::vector<std::string> parameters;
  for (const json& p : events["parameters"]) {
    parameters.push_back(p["in"].get<std::string>() + ":" + p["name"].get<std::string>());
  }
  EXPECT_EQ(parameters, (std::vector<std::string>{"query:team", "query:measure",
                                                  "query:lastEventId", "header:Last-Event-ID"}));
}

TEST(OpenApi, CheckReportsUndocumentedRoutesAndPathParameters) {
  Router router;
  router.Add("GET", "/things/{id}", {}, Ok);
  OperationDoc half;
  half.summary = "A thing's parts";
  half.responses = {{200, "", "application/json", {{"type", "array"}}}};
  half.parameters = {{"id", "path", "", false}, {"extra", "path", "", true}};
  router.Add("GET", "/things/{id}/parts/{part}", half, Ok);
  const std::vector<std::string> expected = {
      "GET /things/{id}: no summary",
      "GET /things/{id}: no responses documented",
      "GET /things/{id}: path parameter 'id' is not documented",
      "GET /things/{id}/parts/{part}: path parameter 'id' must be required",
      "GET /things/{id}/parts/{part}: path parameter 'part' is not documented",
      "GET /things/{id}/parts/{part}: documents path parameter 'extra' that the pattern lacks",
  };
  EXPECT_EQ(CheckOpenApi(router), expected);
}

TEST(OpenApi, CheckReportsDocumentedOperationsWithoutRoutesAndRoutesMissingFromTheDocument) {
  EventHub hub;
  Router router;
  example::AddExampleRoutes(router, hub);
  json doc = BuildOpenApi(router, ApiInfo{});
  doc["paths"]["/api/v1/gone"]["delete"] = {{"summary", "x"}, {"responses", {{"204", {}}}}};
  doc["paths"]["/api/v1/health"]["put"] = doc["paths"]["/api/v1/health"]["get"];
  doc["paths"]["/api/v1/health"]["parameters"] = json::array();  // not an operation
  doc["paths"].erase("/api/v1/echo");
  const std::vector<std::string> expected = {
      "POST /api/v1/echo: not in the document",
      "DELETE /api/v1/gone: documented but has no route",
      "PUT /api/v1/health: documented but has no route",
  };
  EXPECT_EQ(CheckOpenApi(router, doc), expected);
}

TEST(OpenApi, CheckReportsABrokenDocumentAndRouterSetupErrors) {
  Router router;
  router.Add("GET", "/x/{a", {}, Ok);
  EXPECT_EQ(
      CheckOpenApi(router, json::array()),
      (std::vector<std::string>{"GET /x/{a: a parameter must be a whole segment, as in /{name}/",
                                "the document is not a JSON object"}));
  EXPECT_EQ(CheckOpenApi(router, json{{"openapi", "2.0"}}).size(), 5u);
}

TEST(OpenApi, SharesSchemaFragmentsAndReportsReferencesToMissingOnes) {
  Router router;
  OperationDoc doc;
  doc.summary = "A measure";
  doc.parameters = {{"id", "path", "", true, {{"type", "integer"}}}};
  doc.responses = {{200, "", "application/json", {{"$ref", "#/components/schemas/Measure"}}}};
  router.Add("GET", "/api/v1/measures/{id}", doc, Ok);
  ApiInfo info;
  info.schemas = {{"Measure", {{"type", "object"}}}};
  const json built = BuildOpenApi(router, info);
  EXPECT_EQ(built["components"]["schemas"]["Measure"], json({{"type", "object"}}));
  EXPECT_TRUE(built["components"]["schemas"].contains("Problem"));
  EXPECT_EQ(CheckOpenApi(router, info), std::vector<std::string>{});
  EXPECT_EQ(CheckOpenApi(router),
            std::vector<std::string>{
                "\"$ref\": \"#/components/schemas/Measure\" names nothing in the document"});
}

TEST(OpenApi, ServesHealthAndTheDocumentFromRoutes) {
  EventHub hub;
  Router router;
  example::AddExampleRoutes(router, hub);
  Request health;
  health.method = "GET";
  health.target = "/api/v1/health";
  const Response response = router.Handle(health);
  EXPECT_EQ(response.content_type, "application/json");
  EXPECT_EQ(json::parse(response.body), json({{"status", "ok"}, {"version", "0.1.0-example"}}));
  Request openapi;
  openapi.method = "GET";
  openapi.target = "/api/v1/openapi.json";
  const json served = json::parse(router.Handle(openapi).body);
  EXPECT_EQ(served["info"]["title"], "everyseat example API");
  EXPECT_EQ(CheckOpenApi(router, served), std::vector<std::string>{});
}

}  // namespace
}  // namespace everyseat::server
