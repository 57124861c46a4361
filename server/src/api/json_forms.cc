// JSON forms of the domain's values, and their JSON Schemas for the OpenAPI document
// (docs/api.md, "Objects"). Names of enumerations are the domain's own (domain::Name).
#include <cmath>

#include "context.h"
#include "everyseat/codec/analysis_json.h"

namespace everyseat::server::api {

json NumberOrNull(double value) { return std::isfinite(value) ? json(value) : json(nullptr); }
json NumberOrNull(const std::optional<double>& value) {
  return value ? NumberOrNull(*value) : json(nullptr);
}

namespace {
json OptionalTime(const std::optional<int64_t>& time) { return time ? json(*time) : json(nullptr); }
}  // namespace

json ActorJson(const domain::Actor& actor) {
  return json{{"person", actor.person ? json(actor.person->value) : json(nullptr)},
              {"label", actor.label}};
}

json ToJson(const domain::Team& team) {
  return json{{"id", team.id.value},
              {"parent", team.parent ? json(team.parent->value) : json(nullptr)},
              {"name", team.name},
              {"path", team.path}};
}

json ToJson(const domain::Person& person) {
  return json{
      {"id", person.id.value},
      {"name", person.name},
      {"email", person.email},
      {"job_title", person.job_title},
      {"staff_group", domain::Name(person.staff_group)},
      {"line_manager", person.line_manager ? json(person.line_manager->value) : json(nullptr)}};
}

json ToJson(const domain::Measure& measure) {
  return json{{"id", measure.id.value},
              {"team", measure.team.value},
              {"name", measure.name},
              {"definition", measure.definition},
              {"unit", measure.unit},
              {"kind", domain::Name(measure.kind)},
              {"chart", spc::Name(measure.chart)},
              {"direction", spc::Name(measure.direction)},
              {"target", NumberOrNull(measure.target)},
              {"frequency", domain::Name(measure.frequency)},
              {"created_at", measure.created_at}};
}

void AppendJson(const domain::Observation& observation, std::string& out) {
  codec::NumberText number;
  out.append("{\"id\":").append(std::to_string(observation.id.value));
  out.append(",\"measure\":").append(std::to_string(observation.measure.value));
  out.append(",\"period\":");
  codec::AppendJsonString(observation.period, out);
  out.append(",\"value\":");
  number.Append(observation.value, "null", out);
  out.append(",\"denominator\":");
  if (observation.denominator) {
    number.Append(*observation.denominator, "null", out);
  } else {
    out.append("null");
  }
  out.append(",\"version\":").append(std::to_string(observation.version));
  out.append(",\"superseded\":").append(observation.superseded ? "true" : "false");
  out.append(",\"entered_by\":{\"person\":");
  const auto& person = observation.entered_by.person;
  out.append(person ? std::to_string(person->value) : std::string("null"));
  out.append(",\"label\":");
  codec::AppendJsonString(observation.entered_by.label, out);
  out.append("},\"entered_at\":").append(std::to_string(observation.entered_at));
  out.push_back('}');
}

json ToJson(const domain::Observation& observation) {
  std::string text;
  AppendJson(observation, text);
  return json::parse(text);
}

json ToJson(const domain::Annotation& annotation) {
  return json{{"id", annotation.id.value},
              {"measure", annotation.measure.value},
              {"period", annotation.period},
              {"kind", domain::Name(annotation.kind)},
              {"text", annotation.text},
              {"created_by", ActorJson(annotation.created_by)},
              {"created_at", annotation.created_at}};
}

json ToJson(const domain::Notification& notification) {
  json detail = json::parse(notification.detail_json, nullptr, false);
  if (!detail.is_object()) detail = json::object();
  return json{{"id", notification.id.value},
              {"team", notification.team.value},
              {"measure", notification.measure.value},
              {"period", notification.period},
              {"kind", domain::Name(notification.kind)},
              {"message", notification.message},
              {"detail", std::move(detail)},
              {"created_at", notification.created_at},
              {"seen", notification.seen}};
}

json ToJson(const store::ApiToken& token) {
  return json{{"id", token.id.value},
              {"team", token.team.value},
              {"name", token.name},
              {"created_by", ActorJson(token.created_by)},
              {"created_at", token.created_at},
              {"expires_at", OptionalTime(token.expires_at)},
              {"revoked_at", OptionalTime(token.revoked_at)},
              {"last_used_at", OptionalTime(token.last_used_at)}};
}

json ToJson(const domain::AuditEntry& entry) {
  auto parse = [](const std::string& text) {
    if (text.empty()) return json(nullptr);
    json value = json::parse(text, nullptr, false);
    return value.is_discarded() ? json(text) : value;
  };
  return json{{"id", entry.id.value},
              {"actor", ActorJson(entry.actor)},
              {"at", entry.at},
              {"action", entry.action},
              {"entity", entry.entity},
              {"entity_id", entry.entity_id},
              {"before", parse(entry.before_json)},
              {"after", parse(entry.after_json)}};
}

OperationDoc Doc(std::string summary, std::string tag, ResponseDoc success, json request_schema,
                 std::vector<ParameterDoc> parameters) {
  OperationDoc doc;
  doc.summary = std::move(summary);
  doc.tags = {std::move(tag)};
  doc.parameters = std::move(parameters);
  doc.request_schema = std::move(request_schema);
  doc.responses = {std::move(success)};
  for (const auto& [status, why] :
       {std::pair<int, const char*>{401, "Not signed in, or the token is not valid"},
        {403, "Signed in, but not allowed to do this (the reason is given)"}}) {
    doc.responses.push_back({status, why, "application/problem+json", SchemaRef("Problem")});
  }
  return doc;
}

ParameterDoc PathParameter(std::string name, std::string description) {
  return ParameterDoc{std::move(name), "path", std::move(description), true,
                      json{{"type", "integer"}, {"minimum", 1}}};
}

ResponseDoc JsonDoc(int status, std::string description, json schema) {
  return ResponseDoc{status, std::move(description), "application/json", std::move(schema)};
}

json ArrayOf(std::string_view schema) {
  return json{{"type", "array"}, {"items", SchemaRef(schema)}};
}

json ListOf(std::string_view key, std::string_view schema) {
  return json{{"type", "object"},
              {"required", {key}},
              {"properties", {{std::string(key), ArrayOf(schema)}}}};
}

json SchemaRef(std::string_view name) {
  return json{{"$ref", "#/components/schemas/" + std::string(name)}};
}

json ApiSchemas() {
  const json integer = {{"type", "integer"}};
  const json string = {{"type", "string"}};
  const json date = {{"type", "string"}, {"format", "date"}};
  const json number_or_null = {{"type", {"number", "null"}}};
  const json integer_or_null = {{"type", {"integer", "null"}}};
  const json boolean = {{"type", "boolean"}};
  auto object = [](json properties) {
    json required = json::array();
    for (const auto& [key, value] : properties.items()) required.push_back(key);
    return json{{"type", "object"}, {"required", required}, {"properties", std::move(properties)}};
  };
  const json actor = object({{"person", integer_or_null}, {"label", string}});
  json schemas = json::object();
  schemas["Actor"] = actor;
  schemas["Team"] =
      object({{"id", integer}, {"parent", integer_or_null}, {"name", string}, {"path", string}});
  schemas["Person"] = object({{"id", integer},
                              {"name", string},
                              {"email", string},
                              {"job_title", string},
                              {"staff_group", string},
                              {"line_manager", integer_or_null}});
  schemas["Measure"] = object(
      {{"id", integer},
       {"team", integer},
       {"name", string},
       {"definition", string},
       {"unit", string},
       {"kind", {{"enum", {"outcome", "process", "balancing"}}}},
       {"chart",
        {{"enum", {"run", "i", "mr", "p", "pp", "u", "up", "ip", "c", "g", "t", "xbar", "s"}}}},
       {"direction", {{"enum", {"increase", "decrease", "neutral"}}}},
       {"target", number_or_null},
       {"frequency", {{"enum", {"daily", "weekly", "monthly", "quarterly"}}}},
       {"created_at", integer}});
  schemas["Observation"] = object({{"id", integer},
                                   {"measure", integer},
                                   {"period", date},
                                   {"value", {{"type", "number"}}},
                                   {"denominator", number_or_null},
                                   {"version", integer},
                                   {"superseded", boolean},
                                   {"entered_by", SchemaRef("Actor")},
                                   {"entered_at", integer}});
  schemas["Point"] = object({{"index", integer},
                             {"date", {{"type", {"string", "null"}}}},
                             {"value", number_or_null},
                             {"numerator", number_or_null},
                             {"denominator", number_or_null},
                             {"phase", integer},
                             {"centre", number_or_null},
                             {"lower", number_or_null},
                             {"upper", number_or_null},
                             {"lower_2sigma", number_or_null},
                             {"upper_2sigma", number_or_null},
                             {"baseline", boolean},
                             {"excluded", boolean},
                             {"special_cause", boolean},
                             {"rule", {{"type", {"string", "null"}}}},
                             {"side", {{"type", {"string", "null"}}}},
                             {"window", {{"type", {"array", "null"}}, {"items", integer}}},
                             {"point_type", {{"type", {"string", "null"}}}},
                             {"target", number_or_null},
                             {"note", {{"type", {"string", "null"}}}}});
  schemas["Summary"] = object({{"variation_icon", string},
                               {"assurance_icon", string},
                               {"special_cause_improvement", integer},
                               {"special_cause_concern", integer},
                               {"special_cause_neutral", integer},
                               {"reading", string}});
  schemas["Analysis"] = {
      {"type", "object"},
      {"description", "Exactly the JSON of `everyseat spc` (spc.md section 5)"},
      {"required", {"chart", "rules", "direction", "points", "phases", "summary", "warnings"}},
      {"properties",
       {{"chart", string},
        {"rules", string},
        {"direction", string},
        {"points", {{"type", "array"}, {"items", {{"type", "object"}}}}},
        {"phases", {{"type", "array"}, {"items", {{"type", "object"}}}}},
        {"summary", {{"type", "object"}}},
        {"warnings", {{"type", "array"}, {"items", {{"type", "object"}}}}}}}};
  schemas["Annotation"] = object({{"id", integer},
                                  {"measure", integer},
                                  {"period", date},
                                  {"kind", {{"enum", {"note", "rebase", "pdsa"}}}},
                                  {"text", string},
                                  {"created_by", SchemaRef("Actor")},
                                  {"created_at", integer}});
  schemas["Notification"] =
      object({{"id", integer},
              {"team", integer},
              {"measure", integer},
              {"period", date},
              {"kind", {{"enum", {"special_cause", "variation_changed", "assurance_changed"}}}},
              {"message", string},
              {"detail", {{"type", "object"}}},
              {"created_at", integer},
              {"seen", boolean}});
  schemas["Token"] = object({{"id", integer},
                             {"team", integer},
                             {"name", string},
                             {"created_by", SchemaRef("Actor")},
                             {"created_at", integer},
                             {"expires_at", integer_or_null},
                             {"revoked_at", integer_or_null},
                             {"last_used_at", integer_or_null}});
  schemas["AuditEntry"] = object({{"id", integer},
                                  {"actor", SchemaRef("Actor")},
                                  {"at", integer},
                                  {"action", string},
                                  {"entity", string},
                                  {"entity_id", integer},
                                  {"before", {}},
                                  {"after", {}}});
  return schemas;
}

}  // namespace everyseat::server::api
