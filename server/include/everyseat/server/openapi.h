// The OpenAPI 3.1 description of the HTTP API, generated from the routes themselves: every route
// is registered with its OperationDoc (Router::Add), BuildOpenApi turns the router into the
// document served at /api/v1/openapi.json, and CheckOpenApi holds a document against the router
// (every route documented, every documented operation routed, path parameters agreeing), so the
// documentation and the routes cannot drift apart unnoticed.
// Thread-safety: pure functions over a router that is no longer being changed.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace everyseat::server {

class Router;  // http.h

struct ParameterDoc {
  std::string name;
  std::string in = "query";  // "path", "query" or "header"
  std::string description;
  bool required = false;  // path parameters must be required
  nlohmann::json schema = {{"type", "string"}};
};

struct ResponseDoc {
  int status = 200;
  std::string description;
  std::string content_type = "application/json";
  nlohmann::json schema;  // JSON Schema of the body; null: no body
};

// One operation (method + path). A route without a summary or without responses counts as
// undocumented in CheckOpenApi. Every operation also gets a "default" response: a problem
// document (components/schemas/Problem).
struct OperationDoc {
  std::string summary;
  std::string description;
  std::vector<std::string> tags;
  std::vector<ParameterDoc> parameters;
  nlohmann::json request_schema;  // JSON Schema of an application/json body; null: no body
  std::vector<ResponseDoc> responses;
  // False for a route outside the API (an HTML page, a static file): it is left out of the
  // document and of CheckOpenApi.
  bool in_api = true;
};

// The OperationDoc of a route that is not part of the API.
[[nodiscard]] inline OperationDoc NotInApi() {
  OperationDoc doc;
  doc.in_api = false;
  return doc;
}

struct ApiInfo {
  std::string title = "everyseat API";
  std::string version = "0.1.0";
  std::string description;
  // Shared schema fragments, by name, for components/schemas: operations refer to them as
  // {"$ref": "#/components/schemas/Name"}. "Problem" is always there.
  nlohmann::json schemas = nlohmann::json::object();
};

// The OpenAPI 3.1 document for every route of the router.
[[nodiscard]] nlohmann::json BuildOpenApi(const Router& router, const ApiInfo& info);

// The mismatches between a document and the router, one plain-English line each (empty: none):
// router setup errors, a route missing from the document, a documented operation with no route, an
// operation without a summary or responses, a path parameter in the pattern but not documented (or
// the reverse), a path parameter not marked required, a "$ref" to nothing in the document.
[[nodiscard]] std::vector<std::string> CheckOpenApi(const Router& router,
                                                    const nlohmann::json& document);
// The same against the document BuildOpenApi generates with `info` (catches undocumented routes
// and references to schemas that were never registered).
[[nodiscard]] std::vector<std::string> CheckOpenApi(const Router& router,
                                                    const ApiInfo& info = ApiInfo{});

// GET /api/v1/openapi.json: the document, generated on the first request (so register it after or
// before the other routes, either works) and cached. REQUIRES: `router` outlives its use.
void AddOpenApiRoute(Router& router, ApiInfo info);
// GET /api/v1/health: {"status":"ok","version":version}.
void AddHealthRoute(Router& router, std::string version);

}  // namespace everyseat::server
