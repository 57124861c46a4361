// Observations in real time: POST one or a batch (stored durably, the live series extended, the
// new point's analysis in the answer, events and notifications sent), list them, correct one
// (history kept) and read a period's history.
#include <algorithm>
#include <utility>

#include "context.h"
#include "everyseat/codec/analysis_json.h"
#include "everyseat/domain/secrets.h"
#include "everyseat/domain/validate.h"

namespace everyseat::server {

using api::Caller;
using api::MakeProblem;
using api::Outcome;
using api::Refuse;
using domain::Action;

namespace {

constexpr size_t kMaxBatch = 10'000;

std::vector<std::string> Topics(const domain::Measure& measure) {
  return {"org:" + std::to_string(measure.org.value), "team:" + std::to_string(measure.team.value),
          "measure:" + std::to_string(measure.id.value)};
}

// Reads {period, value, denominator?} at `base` ("" or "/observations/3").
std::optional<domain::ObservationInput> ReadObservation(FieldReader& reader,
                                                        const std::string& base,
                                                        const domain::Measure& measure) {
  domain::ObservationInput input;
  input.measure = measure.id;
  const auto period = reader.Date(base + "/period");
  const auto value = reader.Number(base + "/value");
  const auto denominator = reader.Number(base + "/denominator", FieldReader::Presence::kOptional);
  reader.OnlyFields(base, {"period", "value", "denominator"});
  if (!period || !value) return std::nullopt;
  input.period = *period;
  input.value = *value;
  input.denominator = denominator;
  if (auto valid = domain::ValidateObservation(input, measure.chart); !valid) {
    reader.Fail(base + "/" + valid.error().field, valid.error().message);
    return std::nullopt;
  }
  if (auto problem = api::CheckValue(measure.chart, input.value, input.denominator)) {
    reader.Fail(base + "/" + problem->field, problem->reason);
    return std::nullopt;
  }
  return input;
}

std::string_view PointWords(spc::PointType type) {
  switch (type) {
    case spc::PointType::kImprovement:
      return "special cause improvement";
    case spc::PointType::kConcern:
      return "special cause concern";
    default:
      return "special cause variation";
  }
}

std::string RuleWords(const spc::Point& point) {
  const bool high = point.side == spc::Side::kHigh;
  switch (point.rule) {
    case spc::Rule::kOutsideLimits:
      return high ? "above the upper process limit" : "below the lower process limit";
    case spc::Rule::kTrend:
      return high ? "a run of points rising" : "a run of points falling";
    case spc::Rule::kTwoInThree:
      return high ? "two of three points close to the upper process limit"
                  : "two of three points close to the lower process limit";
    case spc::Rule::kShift:
      return high ? "a run of points above the centre line"
                  : "a run of points below the centre line";
    case spc::Rule::kNone:
      break;
  }
  return "";
}

std::string IconWords(std::string_view name) {
  std::string words(name);
  std::replace(words.begin(), words.end(), '_', ' ');
  return words;
}

}  // namespace

std::vector<domain::Notification> Api::Impl::Signals(const domain::Measure& measure,
                                                     const api::SeriesState& state, size_t index,
                                                     const std::optional<spc::Summary>& before) {
  std::vector<domain::Notification> notifications;
  if (!state.series) return notifications;
  if (index >= state.series->size()) return notifications;
  const spc::Point& point = state.series->point(index);
  const spc::Summary& summary = state.series->summary();
  const bool variation_changed = before && before->variation != spc::VariationIcon::kNone &&
                                 before->variation != summary.variation;
  const bool assurance_changed = before && before->assurance != spc::AssuranceIcon::kNone &&
                                 before->assurance != summary.assurance;
  const std::string period(point.row < state.dates.size() ? state.dates[point.row] : "");
  std::vector<std::pair<domain::NotificationKind, std::string>> wanted;
  if (point.special_cause()) {
    wanted.emplace_back(domain::NotificationKind::kSpecialCause,
                        measure.name + ": " + std::string(PointWords(point.type)) + " on " +
                            period + " (" + RuleWords(point) + ")");
  }
  if (variation_changed) {
    wanted.emplace_back(
        domain::NotificationKind::kVariationChanged,
        measure.name + ": variation is now " + IconWords(spc::Name(summary.variation)));
  }
  if (assurance_changed) {
    wanted.emplace_back(
        domain::NotificationKind::kAssuranceChanged,
        measure.name + ": assurance is now " + IconWords(spc::Name(summary.assurance)));
  }
  if (wanted.empty()) return notifications;  // most points: nothing to tell
  const std::string detail = DumpJson(
      json{{"point", api::PointJson(state, index)}, {"summary", api::SummaryJson(summary)}});
  for (auto& [kind, message] : wanted) {
    domain::Notification& notification = notifications.emplace_back();
    notification.org = measure.org;
    notification.team = measure.team;
    notification.measure = measure.id;
    notification.period = period;
    notification.kind = kind;
    notification.message = std::move(message);
    notification.detail_json = detail;
  }
  return notifications;
}

void Api::Impl::AddNotifications(
    store::Store& writer, const Caller& caller,
    const std::vector<domain::Notification>& notifications,
    std::vector<store::Result<std::optional<domain::Notification>>>& added) {
  added.clear();
  for (const domain::Notification& notification : notifications) {
    added.push_back(writer.AddNotification(caller.actor, notification));
  }
}

json Api::Impl::Announce(store::Store& store, const domain::Measure& measure,
                         const std::vector<domain::Notification>& notifications,
                         const store::Result<void>& committed,
                         std::vector<store::Result<std::optional<domain::Notification>>> added) {
  // Those AddNotifications never reached (the group was not written) failed too.
  added.resize(notifications.size(), tl::unexpected(store::StoreError{
                                         store::StoreErrorCode::kUnavailable, "not written", ""}));
  json signals = json::array();
  for (auto& one : added) {
    if (!committed) one = tl::unexpected(committed.error());
    if (!one) {
      options.error_log(
          DumpJson(json{{"level", "error"},
                        {"message", "could not store a notification: " + one.error().message}}));
      continue;
    }
    if (!*one) continue;  // notified before
    json data = api::ToJson(**one);
    signals.push_back(data);
    Broadcast(store, "signal", data, Topics(measure));
    if (options.on_notification) options.on_notification();
  }
  return signals;
}

json Api::Impl::Notify(store::Store& store, const Caller& caller, const domain::Measure& measure,
                       const std::vector<domain::Notification>& notifications) {
  if (notifications.empty()) return json::array();
  // In the next group of observations (a second writer would spin on SQLite's lock while the
  // groups are written), answered once the group commits.
  std::vector<store::Result<std::optional<domain::Notification>>> added;
  const store::Result<void> committed = groups.Within(
      [&](store::Store& writer) { AddNotifications(writer, caller, notifications, added); });
  return Announce(store, measure, notifications, committed, std::move(added));
}

std::string Api::Impl::WithSignals(std::string answer, const json& signals) {
  answer += ",\"signals\":";
  answer += DumpJson(signals);
  answer += '}';
  return answer;
}

Outcome<std::string> Api::Impl::Record(store::Store& store, const Caller& caller,
                                       const domain::Measure& measure,
                                       std::vector<domain::ObservationInput> inputs, bool batch) {
  auto state = live.Get(measure.id);
  std::lock_guard lock(state->mu);
  if (!state->loaded || !(state->measure == measure)) {
    if (auto loaded = api::Load(*state, store, measure); !loaded) {
      return Refuse(loaded.error());
    }
  }

  // Store first: nothing is acknowledged that is not durable.
  std::optional<domain::Observation> stored;
  std::vector<domain::Observation> appended;
  if (batch) {
    auto written = store.AppendObservations(caller.actor, caller.org, inputs);
    if (!written) {
      store::StoreError error = written.error();
      // "row N: reason" -> the field of row N.
      if (error.message.rfind("row ", 0) == 0) {
        const size_t colon = error.message.find(": ");
        const std::string row = error.message.substr(4, colon - 4);
        error.field = "observations/" + std::to_string(std::stoul(row) - 1) +
                      (error.field.empty() ? "" : "/" + error.field);
      }
      return Refuse(error);
    }
    for (const domain::ObservationInput& input : inputs) {
      domain::Observation o;
      o.org = caller.org;
      o.measure = measure.id;
      o.period = input.period;
      o.period_start = domain::ParseIsoDate(input.period).value_or(0);
      o.value = input.value;
      o.denominator = input.denominator;
      appended.push_back(std::move(o));
    }
    std::stable_sort(appended.begin(), appended.end(),
                     [](const auto& a, const auto& b) { return a.period_start < b.period_start; });
  } else {
    auto one = groups.Append(caller.actor, caller.org, inputs.front());
    if (!one) return Refuse(one.error());
    stored = *one;
    appended.push_back(*one);
  }
  auto extended = Extend(store, measure, *state, inputs.size(), stored, appended, false);
  if (!extended) return tl::unexpected(std::move(extended.error()));
  return WithSignals(std::move(extended->answer),
                     Notify(store, caller, measure, extended->notifications));
}

Outcome<Api::Impl::Extended> Api::Impl::Extend(store::Store& store, const domain::Measure& measure,
                                               api::SeriesState& state, size_t written,
                                               const std::optional<domain::Observation>& stored,
                                               const std::vector<domain::Observation>& appended,
                                               bool reload) {
  // The live series: extended in place, or reloaded when a period came late.
  const std::optional<spc::Summary> before =
      state.series ? std::optional(state.series->summary()) : std::nullopt;
  size_t index = 0;
  const bool in_order = !reload && state.series && appended.front().period_start > state.last_start;
  bool extended = false;
  if (in_order) {
    if (auto update = api::AppendAll(state, appended)) {
      index = update->index;
      extended = true;
    }
  }
  if (!extended) {
    if (auto loaded = api::Load(state, store, measure); !loaded) {
      state.loaded = false;
      return Refuse(loaded.error());
    }
    if (state.series) index = api::IndexOf(state, appended.back().period);
  }
  // Written as text: this is the path of every observation.
  std::string point = "null";
  std::string summary = "null";
  if (state.series) {
    point.clear();
    api::AppendPointJson(state, index, point);
    summary.clear();
    codec::AppendSummaryJson(state.series->summary(), summary);
  }
  std::string answer = "{\"written\":" + std::to_string(written);
  if (stored) {
    answer += ",\"observation\":";
    api::AppendJson(*stored, answer);
  }
  answer.append(",\"point\":").append(point).append(",\"summary\":").append(summary);
  if (!state.series) {
    answer += ",\"analysis_error\":";
    codec::AppendJsonString(state.error, answer);
  }
  std::string event = "{\"measure\":" + std::to_string(measure.id.value) +
                      ",\"team\":" + std::to_string(measure.team.value);
  event.append(",\"point\":").append(point).append(",\"summary\":").append(summary);
  if (stored) {
    codec::NumberText number;
    event += ",\"period\":";
    codec::AppendJsonString(stored->period, event);
    event += ",\"value\":";
    number.Append(stored->value, "null", event);
    event += ",\"denominator\":";
    number.Append(stored->denominator.value_or(spc::kMissing), "null", event);
    event += ",\"version\":" + std::to_string(stored->version) + ",\"correction\":false}";
    Broadcast(store, "observation", std::move(event), measure.id.value, measure.team.value,
              Topics(measure));
  } else {
    event += ",\"count\":" + std::to_string(written) + ",\"first_period\":";
    codec::AppendJsonString(appended.front().period, event);
    event += ",\"last_period\":";
    codec::AppendJsonString(appended.back().period, event);
    event += '}';
    Broadcast(store, "observations", std::move(event), measure.id.value, measure.team.value,
              Topics(measure));
  }
  // The signals are stored and told after the observation's own event, so listeners hear them
  // in that order.
  return Extended{std::move(answer), Signals(measure, state, index, before)};
}

void Api::Impl::RecordQuickly(const Request& request, Router::Finish finish) {
  // What can be checked from memory, or the synchronous handler.
  const auto authorization = request.Header("Authorization");
  const auto bearer = authorization ? api::BearerSecret(*authorization) : std::nullopt;
  if (!bearer || !domain::LooksLikeToken(*bearer)) return finish({});
  std::string secret(*bearer);
  std::optional<store::ApiToken> token;
  {
    const std::string hash = domain::Sha256Hex(secret);
    std::lock_guard lock(tokens_mu);
    if (auto found = known_tokens.find(hash); found != known_tokens.end()) token = found->second;
  }
  if (!token) return finish({});
  auto id = api::PathId(request, "measure");
  if (!id) return finish({});
  std::shared_ptr<api::SeriesState> known = live.Find(domain::MeasureId(*id));
  if (!known) return finish({});
  domain::Measure measure;
  {
    // Not waiting: a batch of this measure may hold the lock while it is written.
    std::unique_lock lock(known->mu, std::try_to_lock);
    if (!lock.owns_lock() || !known->loaded) return finish({});
    measure = known->measure;
  }
  Caller caller = TokenCaller(*token);
  if (measure.org != caller.org ||
      !api::TokenMayOnItsTeam(caller, Action::kAddObservation, measure.team)) {
    return finish({});
  }
  auto body = ParseJsonBody(request);
  if (!body || !body->is_object() || body->contains("observations")) return finish({});
  FieldReader reader(*body);
  auto input = ReadObservation(reader, "", measure);
  if (!input || !reader.ok()) return finish({});

  api::GroupCommit::Expect expect{std::move(secret), token->id, measure};
  const domain::Actor actor = caller.actor;
  groups.Submit(actor, caller.org, std::move(*input), std::move(expect),
                [this, finish = std::move(finish), caller = std::move(caller),
                 measure = std::move(measure)](api::GroupCommit::Outcome outcome) mutable {
                  // Not as expected: nothing was written, and the synchronous handler finds out why
                  // from the database and answers.
                  if (outcome.unexpected) return finish({});
                  // Refused with the token and measure as expected: the synchronous handler's
                  // answer too.
                  if (!outcome.stored) {
                    return finish([error = std::move(outcome.stored.error())] {
                      return api::StoreRefusal(error);
                    });
                  }
                  Answer(std::move(caller), std::move(measure), std::move(*outcome.stored),
                         std::move(finish));
                });
}

namespace {

// Finishes with a response made already.
void FinishWith(Router::Finish& finish, Response response) {
  finish([response = std::move(response)]() mutable { return std::move(response); });
}

}  // namespace

void Api::Impl::Answer(Caller caller, domain::Measure measure, domain::Observation stored,
                       Router::Finish finish) {
  // On the group commit's answering thread, which must not wait for a group: a point that
  // signals has its notifications written in the next group, and is answered once that commits.
  Outcome<Extended> extended = [&]() -> Outcome<Extended> {
    auto lease = Connect();
    if (!lease) return tl::unexpected(std::move(lease.error()));
    auto state = live.Get(measure.id);
    std::lock_guard lock(state->mu);
    // A series loaded since the write holds the observation already.
    const bool reload = !state->loaded || !(state->measure == measure);
    return Extend(**lease, measure, *state, 1, stored, {stored}, reload);
  }();
  if (!extended) return FinishWith(finish, std::move(extended.error()));
  if (extended->notifications.empty()) {
    return FinishWith(
        finish, JsonTextResponse(201, WithSignals(std::move(extended->answer), json::array())));
  }
  auto added = std::make_shared<std::vector<store::Result<std::optional<domain::Notification>>>>();
  auto notifications =
      std::make_shared<std::vector<domain::Notification>>(std::move(extended->notifications));
  groups.WithinThen(
      [this, caller, notifications, added](store::Store& writer) {
        AddNotifications(writer, caller, *notifications, *added);
      },
      [this, measure = std::move(measure), notifications, added,
       answer = std::move(extended->answer),
       finish = std::move(finish)](store::Result<void> committed) mutable {
        auto lease = Connect();
        if (!lease) return FinishWith(finish, std::move(lease.error()));
        const json signals =
            Announce(**lease, measure, *notifications, committed, std::move(*added));
        FinishWith(finish, JsonTextResponse(201, WithSignals(std::move(answer), signals)));
      });
}

Outcome<json> Api::Impl::Correct(store::Store& store, const Caller& caller,
                                 const domain::Measure& measure,
                                 const domain::ObservationInput& input) {
  const std::string& period = input.period;
  auto state = live.Get(measure.id);
  std::lock_guard lock(state->mu);
  std::optional<spc::Summary> before;
  if (state->loaded && state->series && state->measure == measure) {
    before = state->series->summary();
  }
  auto corrected = store.CorrectObservation(caller.actor, caller.org, input);
  if (!corrected) return Refuse(corrected.error());
  if (auto loaded = api::Load(*state, store, measure); !loaded) {
    state->loaded = false;
    return Refuse(loaded.error());
  }
  json answer = {{"observation", api::ToJson(*corrected)}};
  if (!state->series) {
    answer["point"] = nullptr;
    answer["summary"] = nullptr;
    answer["signals"] = json::array();
    answer["analysis_error"] = state->error;
  } else {
    const size_t index = api::IndexOf(*state, period);
    answer["point"] = api::PointJson(*state, index);
    answer["summary"] = api::SummaryJson(state->series->summary());
  }
  Broadcast(store, "observation",
            {{"measure", measure.id.value},
             {"team", measure.team.value},
             {"period", corrected->period},
             {"value", corrected->value},
             {"denominator", api::NumberOrNull(corrected->denominator)},
             {"version", corrected->version},
             {"correction", true},
             {"point", answer["point"]},
             {"summary", answer["summary"]}},
            Topics(measure));
  answer["signals"] = Notify(
      store, caller, measure,
      Signals(measure, *state, state->series ? api::IndexOf(*state, period) : size_t{0}, before));
  return answer;
}

void Api::Impl::AddObservationRoutes(Router& router) {
  const ParameterDoc measure_param = api::PathParameter("measure", "the measure's id");
  const ParameterDoc period_param{"period", "path", "the period, YYYY-MM-DD", true,
                                  json{{"type", "string"}, {"format", "date"}}};
  const json one_input = {{"type", "object"},
                          {"required", {"period", "value"}},
                          {"additionalProperties", false},
                          {"properties",
                           {{"period", {{"type", "string"}, {"format", "date"}}},
                            {"value", {{"type", "number"}}},
                            {"denominator", {{"type", {"number", "null"}}}}}}};
  const json post_input = {
      {"oneOf",
       {one_input,
        {{"type", "object"},
         {"required", {"observations"}},
         {"additionalProperties", false},
         {"properties",
          {{"observations",
            {{"type", "array"}, {"maxItems", kMaxBatch}, {"items", one_input}}}}}}}}};
  const json post_answer = {{"type", "object"},
                            {"required", {"written", "point", "summary", "signals"}},
                            {"properties",
                             {{"written", {{"type", "integer"}}},
                              {"observation", api::SchemaRef("Observation")},
                              {"point", api::SchemaRef("Point")},
                              {"summary", api::SchemaRef("Summary")},
                              {"signals", api::ArrayOf("Notification")}}}};

  router.Add(
      "POST", "/api/v1/measures/{measure}/observations",
      api::Doc("Record one observation, or a batch of up to 10,000, and get the new point's "
               "analysis",
               "observations",
               api::JsonDoc(201, "Stored; the analysis of the new (last) point", post_answer),
               post_input, {measure_param}),
      [this](const Request& r) {
        return Serve(r, [&](store::Store& store, const Caller& caller) -> Outcome<Response> {
          auto id = api::PathId(r, "measure");
          if (!id) return tl::unexpected(std::move(id.error()));
          auto body = ParseJsonBody(r);
          if (!body) return tl::unexpected(ProblemResponse(body.error()));
          auto measure = MeasureFor(store, caller, *id, Action::kAddObservation);
          if (!measure) return tl::unexpected(std::move(measure.error()));

          FieldReader reader(*body);
          if (!reader.Object("")) return tl::unexpected(ProblemResponse(reader.ToProblem()));
          std::vector<domain::ObservationInput> inputs;
          const bool batch = body->contains("observations");
          if (batch) {
            reader.OnlyFields("", {"observations"});
            if (auto n =
                    reader.Array("/observations", FieldReader::Presence::kRequired, kMaxBatch)) {
              if (*n == 0) reader.Fail("/observations", "must have at least one item");
              inputs.reserve(*n);
              for (size_t i = 0; i < *n; ++i) {
                const std::string base = JsonPointer("/observations", i);
                if (!reader.Object(base)) continue;
                if (auto input = ReadObservation(reader, base, *measure)) {
                  inputs.push_back(std::move(*input));
                }
              }
            }
          } else if (auto input = ReadObservation(reader, "", *measure)) {
            inputs.push_back(std::move(*input));
          }
          if (!reader.ok()) return tl::unexpected(ProblemResponse(reader.ToProblem()));

          auto answer = Record(store, caller, *measure, std::move(inputs), batch);
          if (!answer) return tl::unexpected(std::move(answer.error()));
          return JsonTextResponse(201, std::move(*answer));
        });
      });
  router.SetAsync(
      "POST", "/api/v1/measures/{measure}/observations",
      [this](const Request& r, Router::Finish finish) { RecordQuickly(r, std::move(finish)); });

  router.Add(
      "GET", "/api/v1/measures/{measure}/observations",
      api::Doc("The current value of every period, in period order", "observations",
               api::JsonDoc(200, "The observations", api::ListOf("observations", "Observation")),
               nullptr, {measure_param}),
      [this](const Request& r) {
        return Serve(r, [&](store::Store& store, const Caller& caller) -> Outcome<Response> {
          auto measure = MeasureParam(store, caller, r, Action::kViewMeasures);
          if (!measure) return tl::unexpected(std::move(measure.error()));
          auto observations = store.ListObservations(caller.org, measure->id);
          if (!observations) return Refuse(observations.error());
          return JsonResponse(200, api::ListJson("observations", *observations));
        });
      });

  const json correction_input = {
      {"type", "object"},
      {"required", {"value"}},
      {"additionalProperties", false},
      {"properties",
       {{"value", {{"type", "number"}}}, {"denominator", {{"type", {"number", "null"}}}}}}};
  const json correction_answer = {{"type", "object"},
                                  {"required", {"observation", "point", "summary", "signals"}},
                                  {"properties",
                                   {{"observation", api::SchemaRef("Observation")},
                                    {"point", api::SchemaRef("Point")},
                                    {"summary", api::SchemaRef("Summary")},
                                    {"signals", api::ArrayOf("Notification")}}}};
  router.Add(
      "PUT", "/api/v1/measures/{measure}/observations/{period}",
      api::Doc("Correct the value of a period: the old value is kept in its history",
               "observations",
               api::JsonDoc(200, "The new version and the point's analysis", correction_answer),
               correction_input, {measure_param, period_param}),
      [this](const Request& r) {
        return Serve(r, [&](store::Store& store, const Caller& caller) -> Outcome<Response> {
          auto id = api::PathId(r, "measure");
          if (!id) return tl::unexpected(std::move(id.error()));
          const std::string period(r.PathParam("period"));
          if (!IsIsoDate(period)) return Refuse(404, "no such period (write it YYYY-MM-DD)");
          auto body = ParseJsonBody(r);
          if (!body) return tl::unexpected(ProblemResponse(body.error()));
          auto measure = MeasureFor(store, caller, *id, Action::kCorrectObservation);
          if (!measure) return tl::unexpected(std::move(measure.error()));
          json with_period = *body;
          if (with_period.is_object()) {
            if (with_period.contains("period")) {
              return tl::unexpected(ProblemResponse(
                  MakeProblem(422, "the request body has 1 invalid field",
                              {{"/period", "is not a known field (the period is in the path)"}})));
            }
            with_period["period"] = period;
          }
          FieldReader reader(with_period);
          if (!reader.Object("")) return tl::unexpected(ProblemResponse(reader.ToProblem()));
          auto input = ReadObservation(reader, "", *measure);
          if (!reader.ok() || !input) return tl::unexpected(ProblemResponse(reader.ToProblem()));

          auto answer = Correct(store, caller, *measure, *input);
          if (!answer) return tl::unexpected(std::move(answer.error()));
          return JsonResponse(200, *answer);
        });
      });

  router.Add("GET", "/api/v1/measures/{measure}/observations/{period}/history",
             api::Doc("Every version of a period's value, oldest first", "observations",
                      api::JsonDoc(200, "The versions", api::ListOf("observations", "Observation")),
                      nullptr, {measure_param, period_param}),
             [this](const Request& r) {
               return Serve(r, [&](store::Store& store, const Caller& caller) -> Outcome<Response> {
                 auto id = api::PathId(r, "measure");
                 if (!id) return tl::unexpected(std::move(id.error()));
                 const std::string period(r.PathParam("period"));
                 if (!IsIsoDate(period)) return Refuse(404, "no such period (write it YYYY-MM-DD)");
                 auto measure = MeasureFor(store, caller, *id, Action::kViewMeasures);
                 if (!measure) return tl::unexpected(std::move(measure.error()));
                 auto history = store.ListObservationHistory(caller.org, measure->id, period);
                 if (!history) return Refuse(history.error());
                 if (history->empty()) return Refuse(404, "the period has no value");
                 return JsonResponse(200, api::ListJson("observations", *history));
               });
             });
}

}  // namespace everyseat::server
