// The OpenAPI document generated from the router, and the check of a document against it (see
// openapi.h). No asio here.
#include "everyseat/server/openapi.h"

#include <algorithm>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "everyseat/server/http.h"
#include "everyseat/server/json.h"

namespace everyseat::server {
namespace {

using nlohmann::json;

std::string Lowered(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string Uppered(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

// The {param} names of a pattern, in order.
std::vector<std::string> PatternParams(std::string_view pattern) {
  std::vector<std::string> names;
  size_t at = 0;
  while ((at = pattern.find('{', at)) != std::string_view::npos) {
    const size_t close = pattern.find('}', at);
    if (close == std::string_view::npos) break;
    names.emplace_back(pattern.substr(at + 1, close - at - 1));
    at = close + 1;
  }
  return names;
}

json ProblemSchema() {
  return {
      {"type", "object"},
      {"description", "An RFC 9457 problem document (application/problem+json)"},
      {"required", {"type", "title", "status"}},
      {"properties",
       {{"type", {{"type", "string"}, {"description", "a URI reference; about:blank by default"}}},
        {"title", {{"type", "string"}, {"description", "the status code's reason phrase"}}},
        {"status", {{"type", "integer"}}},
        {"detail", {{"type", "string"}, {"description", "what went wrong, in plain English"}}},
        {"errors",
         {{"type", "array"},
          {"items",
           {{"type", "object"},
            {"required", {"field", "reason"}},
            {"properties",
             {{"field",
               {{"type", "string"},
                {"description",
                 "a JSON Pointer into the body (\"/items/3/date\"; \"\" is the whole body), or "
                 "the name of a query parameter or header"}}},
              {"reason", {{"type", "string"}}}}}}}}}}},
  };
}

json OperationJson(const OperationDoc& doc) {
  json op = json::object();
  if (!doc.summary.empty()) op["summary"] = doc.summary;
  if (!doc.description.empty()) op["description"] = doc.description;
  if (!doc.tags.empty()) op["tags"] = doc.tags;
  if (!doc.parameters.empty()) {
    json parameters = json::array();
    for (const ParameterDoc& p : doc.parameters) {
      json parameter = {
          {"name", p.name}, {"in", p.in}, {"required", p.required}, {"schema", p.schema}};
      if (!p.description.empty()) parameter["description"] = p.description;
      parameters.push_back(std::move(parameter));
    }
    op["parameters"] = std::move(parameters);
  }
  if (!doc.request_schema.is_null()) {
    op["requestBody"] = {{"required", true},
                         {"content", {{"application/json", {{"schema", doc.request_schema}}}}}};
  }
  json responses = json::object();
  for (const ResponseDoc& r : doc.responses) {
    json response = {{"description",
                      r.description.empty() ? std::string(StatusTitle(r.status)) : r.description}};
    if (!r.schema.is_null()) response["content"] = {{r.content_type, {{"schema", r.schema}}}};
    responses[std::to_string(r.status)] = std::move(response);
  }
  responses["default"] = {
      {"description", "A problem: the request was refused or failed"},
      {"content",
       {{"application/problem+json", {{"schema", {{"$ref", "#/components/schemas/Problem"}}}}}}}};
  op["responses"] = std::move(responses);
  return op;
}

// Adds a problem for each local "$ref" ("#/...") under `value` that names nothing in `document`.
void CheckRefs(const json& document, const json& value, std::vector<std::string>& problems) {
  if (value.is_object()) {
    for (const auto& item : value.items()) {
      if (item.key() == "$ref" && item.value().is_string()) {
        const std::string& ref = item.value().get_ref<const std::string&>();
        if (ref.starts_with("#") && Resolve(document, std::string_view(ref).substr(1)) == nullptr) {
          problems.push_back("\"$ref\": \"" + ref + "\" names nothing in the document");
        }
      } else {
        CheckRefs(document, item.value(), problems);
      }
    }
  } else if (value.is_array()) {
    for (const json& element : value) CheckRefs(document, element, problems);
  }
}

bool IsHttpMethodKey(std::string_view key) {
  static constexpr std::string_view kMethods[] = {"get",   "put",  "post",    "delete",
                                                  "patch", "head", "options", "trace"};
  return std::find(std::begin(kMethods), std::end(kMethods), key) != std::end(kMethods);
}

}  // namespace

json BuildOpenApi(const Router& router, const ApiInfo& info) {
  json paths = json::object();
  for (const Router::Route& route : router.routes()) {
    if (!route.doc.in_api) continue;
    paths[route.pattern][Lowered(route.method)] = OperationJson(route.doc);
  }
  json doc_info = {{"title", info.title}, {"version", info.version}};
  if (!info.description.empty()) doc_info["description"] = info.description;
  json schemas = info.schemas.is_object() ? info.schemas : json::object();
  schemas["Problem"] = ProblemSchema();
  return {
      {"openapi", "3.1.0"},
      {"info", std::move(doc_info)},
      {"paths", std::move(paths)},
      {"components", {{"schemas", std::move(schemas)}}},
  };
}

std::vector<std::string> CheckOpenApi(const Router& router, const json& document) {
  std::vector<std::string> problems = router.setup_errors();
  if (!document.is_object()) {
    problems.emplace_back("the document is not a JSON object");
    return problems;
  }
  const json* version = Resolve(document, "/openapi");
  if (version == nullptr || !version->is_string() ||
      !version->get_ref<const std::string&>().starts_with("3.")) {
    problems.emplace_back("the document has no \"openapi\": \"3.x\" version");
  }
  for (const char* field : {"/info/title", "/info/version"}) {
    const json* value = Resolve(document, field);
    if (value == nullptr || !value->is_string()) {
      problems.push_back(std::string("the document has no ") + field);
    }
  }
  const json* paths = Resolve(document, "/paths");
  if (paths == nullptr || !paths->is_object()) {
    problems.emplace_back("the document has no paths");
    return problems;
  }

  std::set<std::pair<std::string, std::string>> routed;  // (pattern, lower-case method)
  for (const Router::Route& route : router.routes()) {
    if (!route.doc.in_api) continue;
    const std::string method = Lowered(route.method);
    routed.emplace(route.pattern, method);
    const std::string where = route.method + " " + route.pattern;
    const json* item = Resolve(*paths, JsonPointer("", route.pattern));
    const json* op = item == nullptr ? nullptr : Resolve(*item, JsonPointer("", method));
    if (op == nullptr || !op->is_object()) {
      problems.push_back(where + ": not in the document");
      continue;
    }
    const json* summary = Resolve(*op, "/summary");
    if (summary == nullptr || !summary->is_string() ||
        summary->get_ref<const std::string&>().empty()) {
      problems.push_back(where + ": no summary");
    }
    const json* responses = Resolve(*op, "/responses");
    bool has_response = false;
    if (responses != nullptr && responses->is_object()) {
      for (const auto& entry : responses->items()) has_response |= entry.key() != "default";
    }
    if (!has_response) problems.push_back(where + ": no responses documented");

    std::set<std::string> documented;
    for (const json* list : {Resolve(*item, "/parameters"), Resolve(*op, "/parameters")}) {
      if (list == nullptr || !list->is_array()) continue;
      for (const json& parameter : *list) {
        const json* in = Resolve(parameter, "/in");
        const json* name = Resolve(parameter, "/name");
        if (in == nullptr || name == nullptr || !name->is_string() || *in != "path") continue;
        const std::string& param = name->get_ref<const std::string&>();
        documented.insert(param);
        const json* required = Resolve(parameter, "/required");
        if (required == nullptr || *required != true) {
          problems.push_back(where + ": path parameter '" + param + "' must be required");
        }
      }
    }
    const std::vector<std::string> in_pattern = PatternParams(route.pattern);
    for (const std::string& param : in_pattern) {
      if (!documented.contains(param)) {
        problems.push_back(where + ": path parameter '" + param + "' is not documented");
      }
    }
    for (const std::string& param : documented) {
      if (std::find(in_pattern.begin(), in_pattern.end(), param) == in_pattern.end()) {
        problems.push_back(where + ": documents path parameter '" + param +
                           "' that the pattern lacks");
      }
    }
  }

  CheckRefs(document, *paths, problems);
  for (const auto& path : paths->items()) {
    if (!path.value().is_object()) continue;
    for (const auto& op : path.value().items()) {
      if (IsHttpMethodKey(op.key()) && !routed.contains({path.key(), op.key()})) {
        problems.push_back(Uppered(op.key()) + " " + path.key() + ": documented but has no route");
      }
    }
  }
  return problems;
}

std::vector<std::string> CheckOpenApi(const Router& router, const ApiInfo& info) {
  return CheckOpenApi(router, BuildOpenApi(router, info));
}

void AddOpenApiRoute(Router& router, ApiInfo info) {
  struct Cache {
    const Router* router;
    ApiInfo info;
    std::once_flag once;
    std::string body;
  };
  auto cache = std::make_shared<Cache>();
  cache->router = &router;
  cache->info = std::move(info);
  OperationDoc doc;
  doc.summary = "This OpenAPI 3.1 document, generated from the routes";
  doc.tags = {"meta"};
  doc.responses = {{200, "The document", "application/json", {{"type", "object"}}}};
  router.Add("GET", "/api/v1/openapi.json", std::move(doc), [cache](const Request&) {
    std::call_once(cache->once,
                   [&] { cache->body = DumpJson(BuildOpenApi(*cache->router, cache->info)); });
    Response response;
    response.content_type = "application/json";
    response.body = cache->body;
    return response;
  });
}

void AddHealthRoute(Router& router, std::string version) {
  OperationDoc doc;
  doc.summary = "Liveness: the server is up and answering";
  doc.tags = {"meta"};
  doc.responses = {
      {200,
       "The server is up",
       "application/json",
       {{"type", "object"},
        {"required", {"status", "version"}},
        {"properties",
         {{"status", {{"type", "string"}, {"const", "ok"}}}, {"version", {{"type", "string"}}}}}}}};
  const std::string body = DumpJson({{"status", "ok"}, {"version", std::move(version)}});
  router.Add("GET", "/api/v1/health", std::move(doc), [body](const Request&) {
    Response response;
    response.content_type = "application/json";
    response.body = body;
    response.headers.emplace_back("Cache-Control", "no-store");
    return response;
  });
}

}  // namespace everyseat::server
