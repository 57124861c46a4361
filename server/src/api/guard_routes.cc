// POST /api/v1/guard/check: the patient-detail guard (everyseat/domain/guard.h) on a text, for a
// signed-in person, answering exactly the bytes `everyseat guard` prints for the same text
// (cli/src/guard_command.cc): {"findings": [{"kind": …, "start": …, "end": …, "text": …}]}.
//
// Only people signed in with a session may ask (with the X-CSRF-Token header, like every POST of
// a session): API tokens feed measures, so a token gets 403. Nothing is stored and nothing is
// audited, since nothing changes. The text may be as long as the request body allows
// (ServerOptions::max_body_bytes, 413 beyond); the JSON parser has already refused invalid
// UTF-8 (400), so the offsets are code points of well-formed text.
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "context.h"
#include "everyseat/codec/analysis_json.h"
#include "everyseat/domain/guard.h"

namespace everyseat::server {

using api::Caller;
using api::Outcome;
using api::Refuse;

namespace {

// The answer, byte for byte as `everyseat guard` prints it (keys in the order kind, start, end,
// text; a space after each ':' and ','; a final newline).
std::string GuardAnswer(const std::vector<domain::Finding>& findings) {
  std::string out = "{\"findings\": [";
  for (size_t i = 0; i < findings.size(); ++i) {
    const domain::Finding& f = findings[i];
    if (i > 0) out += ", ";
    out += "{\"kind\": \"";
    out += domain::Name(f.kind);
    out += "\", \"start\": " + std::to_string(f.start);
    out += ", \"end\": " + std::to_string(f.end);
    out += ", \"text\": ";
    codec::AppendJsonString(f.text, out);
    out += "}";
  }
  out += "]}\n";
  return out;
}

}  // namespace

void Api::Impl::AddGuardRoutes(Router& router) {
  const json input = {{"type", "object"},
                      {"required", {"text"}},
                      {"additionalProperties", false},
                      {"properties", {{"text", {{"type", "string"}}}}}};
  const json finding = {
      {"type", "object"},
      {"required", {"kind", "start", "end", "text"}},
      {"properties",
       {{"kind",
         {{"type", "string"}, {"enum", {"nhs_number", "date_of_birth", "postcode", "name"}}}},
        {"start", {{"type", "integer"}, {"minimum", 0}}},
        {"end", {{"type", "integer"}, {"minimum", 0}}},
        {"text", {{"type", "string"}}}}}};
  const json answer = {{"type", "object"},
                       {"required", {"findings"}},
                       {"properties", {{"findings", {{"type", "array"}, {"items", finding}}}}}};
  OperationDoc doc = api::Doc(
      "Find patient details in a text: NHS numbers, dates of birth, postcodes, names "
      "(signed-in people)",
      "guard",
      api::JsonDoc(200,
                   "The findings, in order; start and end (exclusive) count Unicode code points",
                   answer),
      input);
  doc.responses.push_back(
      {422, "The body's text is missing or not a string, or the body has other fields",
       "application/problem+json", api::SchemaRef("Problem")});
  router.Add("POST", "/api/v1/guard/check", std::move(doc), [this](const Request& r) {
    return Serve(r, [&](store::Store&, const Caller& caller) -> Outcome<Response> {
      if (!caller.person) {
        return Refuse(403, "the guard is for people signed in, not for API tokens");
      }
      auto body = ParseJsonBody(r);
      if (!body) return tl::unexpected(ProblemResponse(body.error()));
      FieldReader reader(*body);
      if (!reader.Object("")) return tl::unexpected(ProblemResponse(reader.ToProblem()));
      const auto text = reader.String("/text", FieldReader::Presence::kRequired,
                                      std::numeric_limits<size_t>::max());
      reader.OnlyFields("", {"text"});
      if (!reader.ok()) return tl::unexpected(ProblemResponse(reader.ToProblem()));
      Response response;
      response.status = 200;
      response.content_type = "application/json";
      response.body = GuardAnswer(domain::FindPatientDetails(*text));
      return response;
    });
  });
}

}  // namespace everyseat::server
