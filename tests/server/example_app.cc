// The demo application's routes (see example_app.h).
#include "example_app.h"

#include <string>
#include <utility>
#include <vector>

namespace everyseat::server::example {

using nlohmann::json;

tl::expected<Echo, Problem> ParseEcho(std::string_view body, std::string_view content_type) {
  auto parsed = ParseJsonBody(body, content_type);
  if (!parsed) return tl::unexpected(std::move(parsed.error()));
  FieldReader reader(*parsed);
  if (!reader.Object("")) return tl::unexpected(reader.ToProblem());
  const auto value = reader.Number("/value");
  auto date = reader.Date("/date");
  const auto team = reader.Integer("/team", FieldReader::Presence::kOptional);
  const auto measure = reader.Integer("/measure", FieldReader::Presence::kOptional);
  reader.OnlyFields("", {"value", "date", "team", "measure"});
  if (!reader.ok()) return tl::unexpected(reader.ToProblem());
  return Echo{*value, std::move(*date), team, measure};
}

void AddExampleRoutes(Router& router, EventHub& hub) {
  AddHealthRoute(router, std::string(kVersion));
  AddOpenApiRoute(router, ApiInfo{"everyseat example API", std::string(kVersion),
                                  "The HTTP framework's demo routes"});
  AddEventsRoute(router, hub);

  const json echo_schema = {{"type", "object"},
                            {"required", {"value", "date"}},
                            {"additionalProperties", false},
                            {"properties",
                             {{"value", {{"type", "number"}}},
                              {"date", {{"type", "string"}, {"format", "date"}}},
                              {"team", {{"type", "integer"}}},
                              {"measure", {{"type", "integer"}}}}}};
  json reply_schema = echo_schema;
  reply_schema["required"].push_back("event_id");
  reply_schema["properties"]["event_id"] = {{"type", "integer"}};
  OperationDoc doc;
  doc.summary = "Check a JSON body and publish it as an \"echo\" event";
  doc.tags = {"example"};
  doc.request_schema = echo_schema;
  doc.responses = {{200, "The body as understood, with the id of the event published",
                    "application/json", reply_schema}};

  router.Add("POST", "/api/v1/echo", std::move(doc), [&hub](const Request& request) {
    auto echo = ParseEcho(request.body, request.Header("Content-Type").value_or(""));
    if (!echo) return ProblemResponse(echo.error());
    json data = {{"value", echo->value}, {"date", echo->date}};
    std::vector<std::string> topics;
    if (echo->team) {
      data["team"] = *echo->team;
      topics.push_back("team:" + std::to_string(*echo->team));
    }
    if (echo->measure) {
      data["measure"] = *echo->measure;
      topics.push_back("measure:" + std::to_string(*echo->measure));
    }
    const uint64_t id = hub.Publish("echo", data, std::move(topics));
    data["event_id"] = id;
    return JsonResponse(200, data);
  });
}

}  // namespace everyseat::server::example
