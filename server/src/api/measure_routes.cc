// Measures and their charts: list, define, change, the SPC analysis (exactly the JSON of
// `everyseat spc`), and annotations (a rebase starts a new phase).
#include <utility>

#include "context.h"
#include "everyseat/domain/validate.h"

namespace everyseat::server {

using api::Caller;
using api::MakeProblem;
using api::Outcome;
using api::Refuse;
using domain::Action;

namespace {

// Reads a measure definition from a body. With `team_required`, the owning team must be given.
Outcome<domain::Measure> ReadMeasure(const Request& request, bool team_required) {
  auto body = ParseJsonBody(request);
  if (!body) return tl::unexpected(ProblemResponse(body.error()));
  FieldReader reader(*body);
  if (!reader.Object("")) return tl::unexpected(ProblemResponse(reader.ToProblem()));
  using P = FieldReader::Presence;
  domain::Measure m;
  if (auto team = reader.Integer("/team", team_required ? P::kRequired : P::kOptional)) {
    m.team = domain::TeamId(*team);
  }
  m.name = reader.String("/name", P::kRequired, 200).value_or("");
  m.definition = reader.String("/definition", P::kOptional, 4000).value_or("");
  m.unit = reader.String("/unit", P::kOptional, 100).value_or("");
  auto enumerated = [&](std::string_view field, auto parse, auto& out, std::string_view allowed) {
    const std::string pointer = "/" + std::string(field);
    if (auto text = reader.String(pointer, P::kOptional, 40)) {
      if (auto parsed = parse(*text)) {
        out = *parsed;
      } else {
        reader.Fail(pointer, "must be one of " + std::string(allowed));
      }
    }
  };
  enumerated("kind", domain::ParseMeasureKind, m.kind, "outcome, process, balancing");
  enumerated("chart", spc::ParseChart, m.chart, "run, i, mr, p, pp, u, up, ip, c, g, t, xbar, s");
  enumerated("direction", spc::ParseDirection, m.direction, "increase, decrease, neutral");
  enumerated("frequency", domain::ParseFrequency, m.frequency, "daily, weekly, monthly, quarterly");
  if (auto target = reader.Number("/target", P::kOptional)) m.target = *target;
  reader.OnlyFields("", {"team", "name", "definition", "unit", "kind", "chart", "direction",
                         "target", "frequency"});
  if (!reader.ok()) return tl::unexpected(ProblemResponse(reader.ToProblem()));
  if (auto valid = domain::ValidateMeasure(m); !valid) {
    return tl::unexpected(
        ProblemResponse(MakeProblem(422, "the request body has 1 invalid field",
                                    {{"/" + valid.error().field, valid.error().message}})));
  }
  return m;
}

}  // namespace

Outcome<domain::Annotation> Api::Impl::Annotate(store::Store& store, const Caller& caller,
                                                const domain::Measure& measure,
                                                domain::Annotation annotation) {
  annotation.org = caller.org;
  annotation.measure = measure.id;
  auto state = live.Get(measure.id);
  std::lock_guard lock(state->mu);
  auto added = store.AddAnnotation(caller.actor, annotation);
  if (!added) return Refuse(added.error());
  state->loaded = false;
  Broadcast(
      store, "annotation",
      {{"measure", measure.id.value},
       {"team", measure.team.value},
       {"annotation", api::ToJson(*added)}},
      {"org:" + std::to_string(caller.org.value), "team:" + std::to_string(measure.team.value),
       "measure:" + std::to_string(measure.id.value)});
  return *added;
}

Outcome<domain::Measure> Api::Impl::DefineMeasure(store::Store& store, const Caller& caller,
                                                  const domain::Measure& measure) {
  const bool create = !measure.id.valid();
  auto saved = create ? store.CreateMeasure(caller.actor, measure)
                      : store.UpdateMeasure(caller.actor, measure);
  if (!saved) return Refuse(saved.error());
  live.Invalidate(saved->id);
  Broadcast(store, "measure",
            {{"measure", saved->id.value},
             {"team", saved->team.value},
             {"change", create ? "created" : "definition"}},
            {"org:" + std::to_string(caller.org.value), "team:" + std::to_string(saved->team.value),
             "measure:" + std::to_string(saved->id.value)});
  return std::move(*saved);
}

void Api::Impl::AddMeasureRoutes(Router& router) {
  const ParameterDoc measure_param = api::PathParameter("measure", "the measure's id");
  const json measure_input = {
      {"type", "object"},
      {"required", {"name"}},
      {"additionalProperties", false},
      {"properties",
       {{"team", {{"type", "integer"}}},
        {"name", {{"type", "string"}}},
        {"definition", {{"type", "string"}}},
        {"unit", {{"type", "string"}}},
        {"kind", {{"enum", {"outcome", "process", "balancing"}}}},
        {"chart",
         {{"enum", {"run", "i", "mr", "p", "pp", "u", "up", "ip", "c", "g", "t", "xbar", "s"}}}},
        {"direction", {{"enum", {"increase", "decrease", "neutral"}}}},
        {"target", {{"type", {"number", "null"}}}},
        {"frequency", {{"enum", {"daily", "weekly", "monthly", "quarterly"}}}}}}};

  router.Add(
      "GET", "/api/v1/measures",
      api::Doc("The measures of a team (or of every team the caller may see)", "measures",
               api::JsonDoc(200, "The measures", api::ListOf("measures", "Measure")), nullptr,
               {{"team", "query", "only this team's measures", false,
                 json{{"type", "integer"}, {"minimum", 1}}}}),
      [this](const Request& r) {
        return Serve(r, [&](store::Store& store, const Caller& caller) -> Outcome<Response> {
          std::vector<domain::TeamId> teams;
          if (auto text = r.Query("team")) {
            int64_t id = 0;
            for (const char c : *text) id = c >= '0' && c <= '9' ? id * 10 + (c - '0') : -1;
            if (id <= 0 || text->size() > 18) {
              return tl::unexpected(ProblemResponse(MakeProblem(
                  400, "the query parameters are not valid", {{"team", "must be a team id"}})));
            }
            teams.emplace_back(id);
          } else if (const auto* token = std::get_if<domain::TokenPrincipal>(&caller.principal)) {
            teams.push_back(token->team);
          } else {
            auto all = store.ListTeams(caller.org);
            if (!all) return Refuse(all.error());
            for (const domain::Team& team : *all) teams.push_back(team.id);
          }
          json list = json::array();
          for (const domain::TeamId team : teams) {
            if (auto allowed = Authorise(store, caller, Action::kViewMeasures, team); !allowed) {
              return tl::unexpected(std::move(allowed.error()));
            }
            auto measures = store.ListMeasures(caller.org, team);
            if (!measures) return Refuse(measures.error());
            for (const domain::Measure& m : *measures) list.push_back(api::ToJson(m));
          }
          return JsonResponse(200, {{"measures", std::move(list)}});
        });
      });

  router.Add(
      "POST", "/api/v1/measures",
      api::Doc("Define a measure for a team (leads)", "measures",
               api::JsonDoc(201, "The new measure", api::SchemaRef("Measure")), measure_input),
      [this](const Request& r) {
        return Serve(r, [&](store::Store& store, const Caller& caller) -> Outcome<Response> {
          auto measure = ReadMeasure(r, true);
          if (!measure) return tl::unexpected(std::move(measure.error()));
          measure->org = caller.org;
          if (auto allowed = Authorise(store, caller, Action::kDefineMeasure, measure->team);
              !allowed) {
            return tl::unexpected(std::move(allowed.error()));
          }
          auto created = DefineMeasure(store, caller, *measure);
          if (!created) return tl::unexpected(std::move(created.error()));
          return JsonResponse(201, api::ToJson(*created));
        });
      });

  router.Add("GET", "/api/v1/measures/{measure}",
             api::Doc("One measure's definition", "measures",
                      api::JsonDoc(200, "The measure", api::SchemaRef("Measure")), nullptr,
                      {measure_param}),
             [this](const Request& r) {
               return Serve(r, [&](store::Store& store, const Caller& caller) -> Outcome<Response> {
                 auto measure = MeasureParam(store, caller, r, Action::kViewMeasures);
                 if (!measure) return tl::unexpected(std::move(measure.error()));
                 return JsonResponse(200, api::ToJson(*measure));
               });
             });

  router.Add(
      "PUT", "/api/v1/measures/{measure}",
      api::Doc("Change a measure's definition (leads); its chart is recalculated", "measures",
               api::JsonDoc(200, "The measure as changed", api::SchemaRef("Measure")),
               measure_input, {measure_param}),
      [this](const Request& r) {
        return Serve(r, [&](store::Store& store, const Caller& caller) -> Outcome<Response> {
          auto id = api::PathId(r, "measure");
          if (!id) return tl::unexpected(std::move(id.error()));
          auto update = ReadMeasure(r, false);
          if (!update) return tl::unexpected(std::move(update.error()));
          auto measure = MeasureFor(store, caller, *id, Action::kDefineMeasure);
          if (!measure) return tl::unexpected(std::move(measure.error()));
          if (update->team.valid() && update->team != measure->team) {
            return tl::unexpected(ProblemResponse(
                MakeProblem(422, "the request body has 1 invalid field",
                            {{"/team", "cannot change: a measure stays with its team"}})));
          }
          update->id = measure->id;
          update->org = measure->org;
          update->team = measure->team;
          auto changed = DefineMeasure(store, caller, *update);
          if (!changed) return tl::unexpected(std::move(changed.error()));
          return JsonResponse(200, api::ToJson(*changed));
        });
      });

  OperationDoc analysis_doc =
      api::Doc("The measure's SPC analysis: exactly the JSON of `everyseat spc`", "measures",
               api::JsonDoc(200, "The analysis (spc.md section 5)", api::SchemaRef("Analysis")),
               nullptr, {measure_param});
  analysis_doc.description =
      "Making Data Count rules on the measure's chart type, improvement direction and target; "
      "a rebase annotation starts a new phase; note and PDSA annotations are the points' notes.";
  router.Add("GET", "/api/v1/measures/{measure}/analysis", std::move(analysis_doc),
             [this](const Request& r) {
               return Serve(r, [&](store::Store& store, const Caller& caller) -> Outcome<Response> {
                 auto measure = MeasureParam(store, caller, r, Action::kViewMeasures);
                 if (!measure) return tl::unexpected(std::move(measure.error()));
                 auto state = live.Get(measure->id);
                 std::lock_guard lock(state->mu);
                 if (!state->loaded || !(state->measure == *measure)) {
                   if (auto loaded = api::Load(*state, store, *measure); !loaded) {
                     return Refuse(loaded.error());
                   }
                 }
                 if (!state->series) return Refuse(422, state->error);
                 Response response;
                 response.content_type = "application/json";
                 response.body = api::AnalysisJson(*state);
                 return response;
               });
             });

  // --- Annotations.
  const ParameterDoc annotation_param = api::PathParameter("annotation", "the annotation's id");
  const json annotation_input = {{"type", "object"},
                                 {"required", {"period", "kind", "text"}},
                                 {"additionalProperties", false},
                                 {"properties",
                                  {{"period", {{"type", "string"}, {"format", "date"}}},
                                   {"kind", {{"enum", {"note", "rebase", "pdsa"}}}},
                                   {"text", {{"type", "string"}}}}}};
  router.Add(
      "GET", "/api/v1/measures/{measure}/annotations",
      api::Doc("The measure's annotations in period order", "measures",
               api::JsonDoc(200, "The annotations", api::ListOf("annotations", "Annotation")),
               nullptr, {measure_param}),
      [this](const Request& r) {
        return Serve(r, [&](store::Store& store, const Caller& caller) -> Outcome<Response> {
          auto measure = MeasureParam(store, caller, r, Action::kViewMeasures);
          if (!measure) return tl::unexpected(std::move(measure.error()));
          auto annotations = store.ListAnnotations(caller.org, measure->id);
          if (!annotations) return Refuse(annotations.error());
          return JsonResponse(200, api::ListJson("annotations", *annotations));
        });
      });

  router.Add(
      "POST", "/api/v1/measures/{measure}/annotations",
      api::Doc("Annotate the chart (leads): a note, a PDSA cycle, or a rebase that starts a new "
               "phase with the reason as its text",
               "measures", api::JsonDoc(201, "The annotation", api::SchemaRef("Annotation")),
               annotation_input, {measure_param}),
      [this](const Request& r) {
        return Serve(r, [&](store::Store& store, const Caller& caller) -> Outcome<Response> {
          auto id = api::PathId(r, "measure");
          if (!id) return tl::unexpected(std::move(id.error()));
          auto body = ParseJsonBody(r);
          if (!body) return tl::unexpected(ProblemResponse(body.error()));
          FieldReader reader(*body);
          if (!reader.Object("")) return tl::unexpected(ProblemResponse(reader.ToProblem()));
          domain::Annotation annotation;
          annotation.period = reader.Date("/period").value_or("");
          if (auto kind = reader.String("/kind", FieldReader::Presence::kRequired, 20)) {
            if (auto parsed = domain::ParseAnnotationKind(*kind)) {
              annotation.kind = *parsed;
            } else {
              reader.Fail("/kind", "must be note, rebase or pdsa");
            }
          }
          annotation.text =
              reader.String("/text", FieldReader::Presence::kRequired, 4000).value_or("");
          reader.OnlyFields("", {"period", "kind", "text"});
          if (!reader.ok()) return tl::unexpected(ProblemResponse(reader.ToProblem()));
          auto measure = MeasureFor(store, caller, *id, Action::kAnnotateMeasure);
          if (!measure) return tl::unexpected(std::move(measure.error()));
          auto added = Annotate(store, caller, *measure, std::move(annotation));
          if (!added) return tl::unexpected(std::move(added.error()));
          return JsonResponse(201, api::ToJson(*added));
        });
      });

  router.Add("DELETE", "/api/v1/measures/{measure}/annotations/{annotation}",
             api::Doc("Remove an annotation (leads)", "measures", {204, "Removed", "", nullptr},
                      nullptr, {measure_param, annotation_param}),
             [this](const Request& r) {
               return Serve(r, [&](store::Store& store, const Caller& caller) -> Outcome<Response> {
                 auto id = api::PathId(r, "measure");
                 if (!id) return tl::unexpected(std::move(id.error()));
                 auto annotation_id = api::PathId(r, "annotation");
                 if (!annotation_id) return tl::unexpected(std::move(annotation_id.error()));
                 auto measure = MeasureFor(store, caller, *id, Action::kAnnotateMeasure);
                 if (!measure) return tl::unexpected(std::move(measure.error()));
                 auto annotations = store.ListAnnotations(caller.org, measure->id);
                 if (!annotations) return Refuse(annotations.error());
                 bool found = false;
                 for (const domain::Annotation& a : *annotations) {
                   found = found || a.id.value == *annotation_id;
                 }
                 if (!found) return Refuse(404, "no such annotation on this measure");
                 auto state = live.Get(measure->id);
                 std::lock_guard lock(state->mu);
                 auto removed = store.RemoveAnnotation(caller.actor, caller.org,
                                                       domain::AnnotationId(*annotation_id));
                 if (!removed) return Refuse(removed.error());
                 state->loaded = false;
                 Broadcast(store, "annotation",
                           {{"measure", measure->id.value},
                            {"team", measure->team.value},
                            {"removed", *annotation_id}},
                           {"org:" + std::to_string(caller.org.value),
                            "team:" + std::to_string(measure->team.value),
                            "measure:" + std::to_string(measure->id.value)});
                 Response response;
                 response.status = 204;
                 return response;
               });
             });
}

}  // namespace everyseat::server
