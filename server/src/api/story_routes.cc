// The JSON API of stories of leadership, the learning library, leaders' reflections, recognition
// equity, the organisation's values and behaviours, and subject access (docs/api.md, "Stories").
// Every rule is in story_steps.cc; these routes only read the request and write the answer.
#include <utility>

#include "context.h"
#include "story_steps.h"

namespace everyseat::server {

using api::Caller;
using api::Outcome;
using api::Refuse;

namespace {

Outcome<json> Body(const Request& request) {
  auto body = ParseJsonBody(request);
  if (!body) return tl::unexpected(ProblemResponse(body.error()));
  return std::move(*body);
}

template <class Id>
std::vector<Id> IdList(FieldReader& reader, const json& body, std::string_view key) {
  std::vector<Id> ids;
  const std::string pointer = JsonPointer("", key);
  const auto size = reader.Array(pointer, FieldReader::Presence::kOptional, 100);
  if (!size) return ids;
  for (size_t i = 0; i < *size; ++i) {
    const std::string item = JsonPointer(pointer, i);
    if (auto id = reader.Integer(item); id && *id > 0) {
      ids.emplace_back(*id);
    } else if (id) {
      reader.Fail(item, "must be a positive id");
    }
  }
  (void)body;
  return ids;
}

// The author's words and choices (POST and PUT /api/v1/stories).
Outcome<api::StoryDraft> ReadDraft(const json& body) {
  FieldReader r(body);
  if (!r.Object("")) return tl::unexpected(ProblemResponse(r.ToProblem()));
  api::StoryDraft draft;
  draft.about_myself = r.Bool("/about_myself", FieldReader::Presence::kOptional).value_or(false);
  draft.people = IdList<domain::PersonId>(r, body, "people");
  draft.teams = IdList<domain::TeamId>(r, body, "teams");
  if (auto team = r.Integer("/team", FieldReader::Presence::kOptional)) {
    draft.team = domain::TeamId(*team);
  }
  if (auto measure = r.Integer("/measure", FieldReader::Presence::kOptional)) {
    draft.measure = domain::MeasureId(*measure);
  }
  draft.title = r.String("/title", FieldReader::Presence::kOptional, 200).value_or("");
  draft.text = r.String("/text", FieldReader::Presence::kOptional, 10'000).value_or("");
  draft.learning = r.String("/learning", FieldReader::Presence::kOptional, 5'000).value_or("");
  draft.values = IdList<domain::TagId>(r, body, "values");
  draft.behaviours = IdList<domain::TagId>(r, body, "behaviours");
  r.Bool("/submit", FieldReader::Presence::kOptional);
  r.OnlyFields("", {"about_myself", "people", "teams", "team", "measure", "title", "text",
                    "learning", "values", "behaviours", "submit"});
  if (!r.ok()) return tl::unexpected(ProblemResponse(r.ToProblem()));
  return draft;
}

Outcome<domain::StoryId> StoryParam(const Request& request) {
  auto id = api::PathId(request, "story");
  if (!id) return tl::unexpected(std::move(id.error()));
  return domain::StoryId(*id);
}

json StoryAnswer(const domain::Story& story) { return json{{"story", api::StoryJson(story)}}; }

json StoryList(const std::vector<domain::Story>& stories) {
  json list = json::array();
  for (const domain::Story& story : stories) list.push_back(api::StoryJson(story));
  return list;
}

// A whole number query parameter within [low, high], or nullopt when absent (an error recorded).
std::optional<int64_t> QueryInteger(const Request& r, std::string_view name, int64_t low,
                                    int64_t high, std::vector<FieldError>& errors) {
  const auto text = r.Query(name);
  if (!text) return std::nullopt;
  int64_t value = 0;
  bool ok = !text->empty() && text->size() <= 18;
  for (const char c : *text) {
    ok = ok && c >= '0' && c <= '9';
    if (ok) value = value * 10 + (c - '0');
  }
  if (!ok || value < low || value > high) {
    errors.push_back({std::string(name), "must be a whole number from " + std::to_string(low) +
                                             " to " + std::to_string(high)});
    return std::nullopt;
  }
  return value;
}

// Days since 1970-01-01 of a YYYY-MM-DD date (IsIsoDate checked).
int64_t DaysFromCivil(int y, unsigned m, unsigned d) {
  y -= m <= 2 ? 1 : 0;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return static_cast<int64_t>(era) * 146097 + static_cast<int64_t>(doe) - 719468;
}

std::optional<int64_t> QueryDate(const Request& r, std::string_view name,
                                 std::vector<FieldError>& errors) {
  const auto text = r.Query(name);
  if (!text || text->empty()) return std::nullopt;
  if (!IsIsoDate(*text)) {
    errors.push_back({std::string(name), "must be a date written YYYY-MM-DD"});
    return std::nullopt;
  }
  const std::string s(*text);
  return DaysFromCivil(std::stoi(s.substr(0, 4)), static_cast<unsigned>(std::stoi(s.substr(5, 2))),
                       static_cast<unsigned>(std::stoi(s.substr(8, 2)))) *
         86400;
}

json Object(std::initializer_list<std::pair<const char*, json>> properties) {
  json props = json::object();
  for (const auto& [name, schema] : properties) props[name] = schema;
  return json{{"type", "object"}, {"properties", std::move(props)}};
}

const json kStorySchema = {{"type", "object"}};

}  // namespace

void Api::Impl::AddStoryRoutes(Router& router) {
  const ParameterDoc story_param = api::PathParameter("story", "the story's id");
  const json ids = {{"type", "array"}, {"items", {{"type", "integer"}, {"minimum", 1}}}};
  const json draft_schema = Object({{"about_myself", {{"type", "boolean"}}},
                                    {"people", ids},
                                    {"teams", ids},
                                    {"team", {{"type", {"integer", "null"}}}},
                                    {"measure", {{"type", {"integer", "null"}}}},
                                    {"title", {{"type", "string"}}},
                                    {"text", {{"type", "string"}}},
                                    {"learning", {{"type", "string"}}},
                                    {"values", ids},
                                    {"behaviours", ids},
                                    {"submit", {{"type", "boolean"}}}});
  const json story_answer = Object({{"story", kStorySchema}});
  const json submitted_answer =
      Object({{"story", kStorySchema}, {"findings", {{"type", "array"}}}});

  // --- The organisation's values and behaviours.
  router.Add(
      "GET", "/api/v1/tags",
      api::Doc("The organisation's values and behaviours", "stories",
               api::JsonDoc(
                   200, "The tags",
                   Object({{"values", {{"type", "array"}}}, {"behaviours", {{"type", "array"}}}}))),
      [this](const Request& r) {
        return Serve(r, [](store::Store& store, const Caller& caller) -> Outcome<Response> {
          json out;
          for (const auto kind : {domain::TagKind::kValue, domain::TagKind::kBehaviour}) {
            auto tags = store.ListTags(caller.org, kind, false);
            if (!tags) return Refuse(tags.error());
            json list = json::array();
            for (const domain::Tag& tag : *tags) {
              list.push_back(
                  {{"id", tag.id.value}, {"name", tag.name}, {"description", tag.description}});
            }
            out[kind == domain::TagKind::kValue ? "values" : "behaviours"] = list;
          }
          return JsonResponse(200, out);
        });
      });

  // --- Stories.
  router.Add(
      "POST", "/api/v1/stories",
      api::Doc(
          "Record a story (a draft; with \"submit\": true, submitted at once)", "stories",
          api::JsonDoc(201, "The story, and the guard's findings when submitted", submitted_answer),
          draft_schema),
      [this](const Request& r) {
        return Serve(r, [&](store::Store& store, const Caller& caller) -> Outcome<Response> {
          auto body = Body(r);
          if (!body) return tl::unexpected(std::move(body.error()));
          auto draft = ReadDraft(*body);
          if (!draft) return tl::unexpected(std::move(draft.error()));
          const bool submit = body->value("submit", false);
          if (submit) {
            if (auto complete = api::CheckSubmittable(*draft); !complete) {
              return tl::unexpected(std::move(complete.error()));
            }
          }
          auto saved = api::SaveDraft(*this, store, caller, std::nullopt, *draft);
          if (!saved) return tl::unexpected(std::move(saved.error()));
          if (submit) {
            auto submitted = api::SubmitStory(*this, store, caller, saved->id);
            if (!submitted) return tl::unexpected(std::move(submitted.error()));
            return JsonResponse(201,
                                {{"story", api::StoryJson(submitted->story)},
                                 {"findings", api::FindingsJson(submitted->findings)["findings"]}});
          }
          return JsonResponse(201,
                              {{"story", api::StoryJson(*saved)}, {"findings", json::array()}});
        });
      });

  router.Add(
      "GET", "/api/v1/stories",
      api::Doc("The learning library: published stories, newest first", "stories",
               api::JsonDoc(200, "The stories", Object({{"stories", {{"type", "array"}}}})),
               nullptr,
               {{"q", "query", "words to find (every word, also as a prefix)", false,
                 json{{"type", "string"}}},
                {"value", "query", "a value's id", false, json{{"type", "integer"}}},
                {"behaviour", "query", "a behaviour's id", false, json{{"type", "integer"}}},
                {"team", "query", "a team's id", false, json{{"type", "integer"}}},
                {"from", "query", "published on or after (YYYY-MM-DD)", false,
                 json{{"type", "string"}, {"format", "date"}}},
                {"to", "query", "published before (YYYY-MM-DD)", false,
                 json{{"type", "string"}, {"format", "date"}}},
                {"limit", "query", "at most this many (1-200, default 50)", false,
                 json{{"type", "integer"}}},
                {"offset", "query", "skip this many (paging)", false, json{{"type", "integer"}}}}),
      [this](const Request& r) {
        return Serve(r, [&](store::Store& store, const Caller& caller) -> Outcome<Response> {
          std::vector<FieldError> errors;
          store::StoryQuery query;
          if (auto q = r.Query("q")) query.words = std::string(*q);
          if (auto v = QueryInteger(r, "value", 1, INT64_MAX, errors))
            query.value = domain::TagId(*v);
          if (auto b = QueryInteger(r, "behaviour", 1, INT64_MAX, errors)) {
            query.behaviour = domain::TagId(*b);
          }
          if (auto t = QueryInteger(r, "team", 1, INT64_MAX, errors)) {
            query.teams.emplace_back(*t);
          }
          query.published_from = QueryDate(r, "from", errors);
          query.published_to = QueryDate(r, "to", errors);
          query.limit = static_cast<int>(QueryInteger(r, "limit", 1, 200, errors).value_or(50));
          query.offset =
              static_cast<int>(QueryInteger(r, "offset", 0, 1'000'000, errors).value_or(0));
          if (!errors.empty()) return Refuse(400, "the query parameters are not valid", errors);
          auto stories = api::Library(store, caller, query);
          if (!stories) return tl::unexpected(std::move(stories.error()));
          return JsonResponse(200, {{"stories", StoryList(*stories)}});
        });
      });

  router.Add("GET", "/api/v1/stories/mine",
             api::Doc("What waits for me: consent requests, stories to acknowledge, overdue "
                      "acknowledgements below me, stories about me and my own",
                      "stories", api::JsonDoc(200, "My stories", {{"type", "object"}})),
             [this](const Request& r) {
               return Serve(r, [&](store::Store& store, const Caller& caller) -> Outcome<Response> {
                 auto inbox = api::Inbox(store, caller);
                 if (!inbox) return tl::unexpected(std::move(inbox.error()));
                 return JsonResponse(200, {{"consent_requests", StoryList(inbox->consent_requests)},
                                           {"to_acknowledge", StoryList(inbox->to_acknowledge)},
                                           {"overdue_below", StoryList(inbox->overdue_below)},
                                           {"about_me", StoryList(inbox->about_me)},
                                           {"mine", StoryList(inbox->mine)}});
               });
             });

  router.Add("GET", "/api/v1/stories/{story}",
             api::Doc("A story I may see", "stories", api::JsonDoc(200, "The story", story_answer),
                      nullptr, {story_param}),
             [this](const Request& r) {
               return Serve(r, [&](store::Store& store, const Caller& caller) -> Outcome<Response> {
                 auto id = StoryParam(r);
                 if (!id) return tl::unexpected(std::move(id.error()));
                 auto story = api::ViewStory(store, caller, *id);
                 if (!story) return tl::unexpected(std::move(story.error()));
                 return JsonResponse(200, StoryAnswer(*story));
               });
             });

  router.Add("PUT", "/api/v1/stories/{story}",
             api::Doc("Change my story (it becomes a draft again until submitted)", "stories",
                      api::JsonDoc(200, "The story", story_answer), draft_schema, {story_param}),
             [this](const Request& r) {
               return Serve(r, [&](store::Store& store, const Caller& caller) -> Outcome<Response> {
                 auto id = StoryParam(r);
                 if (!id) return tl::unexpected(std::move(id.error()));
                 auto body = Body(r);
                 if (!body) return tl::unexpected(std::move(body.error()));
                 auto draft = ReadDraft(*body);
                 if (!draft) return tl::unexpected(std::move(draft.error()));
                 auto saved = api::SaveDraft(*this, store, caller, *id, *draft);
                 if (!saved) return tl::unexpected(std::move(saved.error()));
                 return JsonResponse(200, StoryAnswer(*saved));
               });
             });

  router.Add("POST", "/api/v1/stories/{story}/submit",
             api::Doc("Submit my draft: the guard, then consent or moderation", "stories",
                      api::JsonDoc(200, "The story and the guard's findings", submitted_answer),
                      nullptr, {story_param}),
             [this](const Request& r) {
               return Serve(r, [&](store::Store& store, const Caller& caller) -> Outcome<Response> {
                 auto id = StoryParam(r);
                 if (!id) return tl::unexpected(std::move(id.error()));
                 auto submitted = api::SubmitStory(*this, store, caller, *id);
                 if (!submitted) return tl::unexpected(std::move(submitted.error()));
                 return JsonResponse(
                     200, {{"story", api::StoryJson(submitted->story)},
                           {"findings", api::FindingsJson(submitted->findings)["findings"]}});
               });
             });

  router.Add("POST", "/api/v1/stories/{story}/consent",
             api::Doc("Give or decline my consent to a story naming me", "stories",
                      api::JsonDoc(200, "The story", story_answer),
                      Object({{"consent", {{"type", "boolean"}}}}), {story_param}),
             [this](const Request& r) {
               return Serve(r, [&](store::Store& store, const Caller& caller) -> Outcome<Response> {
                 auto id = StoryParam(r);
                 if (!id) return tl::unexpected(std::move(id.error()));
                 auto body = Body(r);
                 if (!body) return tl::unexpected(std::move(body.error()));
                 FieldReader reader(*body);
                 reader.Object("");
                 const auto consent = reader.Bool("/consent");
                 reader.OnlyFields("", {"consent"});
                 if (!reader.ok()) return tl::unexpected(ProblemResponse(reader.ToProblem()));
                 auto story = api::DecideConsent(*this, store, caller, *id, *consent);
                 if (!story) return tl::unexpected(std::move(story.error()));
                 return JsonResponse(200, StoryAnswer(*story));
               });
             });

  router.Add("POST", "/api/v1/stories/{story}/withdraw",
             api::Doc("Withdraw a story I wrote or that names me", "stories",
                      api::JsonDoc(200, "The story", story_answer), nullptr, {story_param}),
             [this](const Request& r) {
               return Serve(r, [&](store::Store& store, const Caller& caller) -> Outcome<Response> {
                 auto id = StoryParam(r);
                 if (!id) return tl::unexpected(std::move(id.error()));
                 auto story = api::WithdrawStory(*this, store, caller, *id);
                 if (!story) return tl::unexpected(std::move(story.error()));
                 return JsonResponse(200, StoryAnswer(*story));
               });
             });

  router.Add("POST", "/api/v1/stories/{story}/acknowledge",
             api::Doc("Acknowledge a published story about someone I manage", "stories",
                      api::JsonDoc(200, "The story", story_answer),
                      Object({{"note", {{"type", "string"}}},
                              {"wellbeing_checked", {{"type", "boolean"}}}}),
                      {story_param}),
             [this](const Request& r) {
               return Serve(r, [&](store::Store& store, const Caller& caller) -> Outcome<Response> {
                 auto id = StoryParam(r);
                 if (!id) return tl::unexpected(std::move(id.error()));
                 json body = json::object();
                 if (!r.body.empty()) {
                   auto parsed = Body(r);
                   if (!parsed) return tl::unexpected(std::move(parsed.error()));
                   body = std::move(*parsed);
                 }
                 FieldReader reader(body);
                 reader.Object("");
                 const auto note = reader.String("/note", FieldReader::Presence::kOptional, 2000);
                 const auto wellbeing =
                     reader.Bool("/wellbeing_checked", FieldReader::Presence::kOptional);
                 reader.OnlyFields("", {"note", "wellbeing_checked"});
                 if (!reader.ok()) return tl::unexpected(ProblemResponse(reader.ToProblem()));
                 auto story = api::AcknowledgeStory(*this, store, caller, *id, note.value_or(""),
                                                    wellbeing.value_or(false));
                 if (!story) return tl::unexpected(std::move(story.error()));
                 return JsonResponse(200, StoryAnswer(*story));
               });
             });

  router.Add("POST", "/api/v1/stories/{story}/thanks",
             api::Doc("Thank the people in a published story", "stories",
                      api::JsonDoc(200, "The story", story_answer),
                      Object({{"note", {{"type", "string"}}}}), {story_param}),
             [this](const Request& r) {
               return Serve(r, [&](store::Store& store, const Caller& caller) -> Outcome<Response> {
                 auto id = StoryParam(r);
                 if (!id) return tl::unexpected(std::move(id.error()));
                 json body = json::object();
                 if (!r.body.empty()) {
                   auto parsed = Body(r);
                   if (!parsed) return tl::unexpected(std::move(parsed.error()));
                   body = std::move(*parsed);
                 }
                 FieldReader reader(body);
                 reader.Object("");
                 const auto note = reader.String("/note", FieldReader::Presence::kOptional, 2000);
                 reader.OnlyFields("", {"note"});
                 if (!reader.ok()) return tl::unexpected(ProblemResponse(reader.ToProblem()));
                 auto story = api::ThankStory(*this, store, caller, *id, note.value_or(""));
                 if (!story) return tl::unexpected(std::move(story.error()));
                 return JsonResponse(200, StoryAnswer(*story));
               });
             });

  router.Add("GET", "/api/v1/moderation",
             api::Doc("Stories held for moderation (moderators)", "stories",
                      api::JsonDoc(200, "The stories", Object({{"stories", {{"type", "array"}}}}))),
             [this](const Request& r) {
               return Serve(r, [&](store::Store& store, const Caller& caller) -> Outcome<Response> {
                 auto stories = api::ModerationQueue(store, caller);
                 if (!stories) return tl::unexpected(std::move(stories.error()));
                 return JsonResponse(200, {{"stories", StoryList(*stories)}});
               });
             });

  router.Add("POST", "/api/v1/stories/{story}/moderate",
             api::Doc("Release a held story with the details edited out, or reject it (moderators)",
                      "stories", api::JsonDoc(200, "The story", story_answer),
                      Object({{"decision", {{"type", "string"}, {"enum", {"release", "reject"}}}},
                              {"title", {{"type", "string"}}},
                              {"text", {{"type", "string"}}},
                              {"learning", {{"type", "string"}}},
                              {"note", {{"type", "string"}}}}),
                      {story_param}),
             [this](const Request& r) {
               return Serve(r, [&](store::Store& store, const Caller& caller) -> Outcome<Response> {
                 auto id = StoryParam(r);
                 if (!id) return tl::unexpected(std::move(id.error()));
                 auto body = Body(r);
                 if (!body) return tl::unexpected(std::move(body.error()));
                 FieldReader reader(*body);
                 reader.Object("");
                 api::ModerationDecision decision;
                 const auto kind = reader.String("/decision");
                 if (kind && *kind != "release" && *kind != "reject") {
                   reader.Fail("/decision", "must be release or reject");
                 }
                 decision.release = kind && *kind == "release";
                 const auto optional = FieldReader::Presence::kOptional;
                 decision.title = reader.String("/title", optional, 200).value_or("");
                 decision.text = reader.String("/text", optional, 10'000).value_or("");
                 decision.learning = reader.String("/learning", optional, 5'000).value_or("");
                 decision.note = reader.String("/note", optional, 2'000).value_or("");
                 reader.OnlyFields("", {"decision", "title", "text", "learning", "note"});
                 if (!reader.ok()) return tl::unexpected(ProblemResponse(reader.ToProblem()));
                 auto story = api::ModerateStory(*this, store, caller, *id, decision);
                 if (!story) return tl::unexpected(std::move(story.error()));
                 return JsonResponse(200, StoryAnswer(*story));
               });
             });

  router.Add(
      "GET", "/api/v1/equity",
      api::Doc("Recognition equity: stories per 100 staff by team, level and staff group "
               "(equality and board roles)",
               "stories", api::JsonDoc(200, "The equity view", {{"type", "object"}}), nullptr,
               {{"days", "query", "the window, in days before today (default 365)", false,
                 json{{"type", "integer"}, {"minimum", 1}, {"maximum", 3660}}}}),
      [this](const Request& r) {
        return Serve(r, [&](store::Store& store, const Caller& caller) -> Outcome<Response> {
          std::vector<FieldError> errors;
          const auto days = QueryInteger(r, "days", 1, 3660, errors).value_or(365);
          if (!errors.empty()) return Refuse(400, "the query parameters are not valid", errors);
          auto equity = api::RecognitionEquity(store, caller, static_cast<int>(days));
          if (!equity) return tl::unexpected(std::move(equity.error()));
          return JsonResponse(200, api::EquityJson(*equity));
        });
      });

  // --- Reflections.
  const ParameterDoc reflection_param = api::PathParameter("reflection", "the reflection's id");
  router.Add("GET", "/api/v1/reflections",
             api::Doc("Leaders' reflections, newest first", "reflections",
                      api::JsonDoc(200, "The reflections",
                                   Object({{"reflections", {{"type", "array"}}}}))),
             [this](const Request& r) {
               return Serve(r, [&](store::Store& store, const Caller& caller) -> Outcome<Response> {
                 if (!caller.person) return Refuse(403, "an API token cannot read reflections");
                 auto list = store.ListReflections(caller.org, 200, 0);
                 if (!list) return Refuse(list.error());
                 json out = json::array();
                 for (const domain::Reflection& reflection : *list) {
                   out.push_back(api::ToJson(reflection));
                 }
                 return JsonResponse(200, {{"reflections", out}});
               });
             });

  router.Add(
      "POST", "/api/v1/reflections",
      api::Doc("Post a reflection: what I learned, what I got wrong, what we changed (team leads, "
               "board, administrators)",
               "reflections", api::JsonDoc(201, "The reflection", {{"type", "object"}}),
               Object({{"title", {{"type", "string"}}},
                       {"learned", {{"type", "string"}}},
                       {"got_wrong", {{"type", "string"}}},
                       {"changed", {{"type", "string"}}}})),
      [this](const Request& r) {
        return Serve(r, [&](store::Store& store, const Caller& caller) -> Outcome<Response> {
          auto body = Body(r);
          if (!body) return tl::unexpected(std::move(body.error()));
          FieldReader reader(*body);
          reader.Object("");
          const auto optional = FieldReader::Presence::kOptional;
          domain::Reflection reflection;
          reflection.title = reader.String("/title", optional, 200).value_or("");
          reflection.learned = reader.String("/learned", optional).value_or("");
          reflection.got_wrong = reader.String("/got_wrong", optional).value_or("");
          reflection.changed = reader.String("/changed", optional).value_or("");
          reader.OnlyFields("", {"title", "learned", "got_wrong", "changed"});
          if (!reader.ok()) return tl::unexpected(ProblemResponse(reader.ToProblem()));
          auto posted = api::PostReflection(*this, store, caller, std::move(reflection));
          if (!posted) return tl::unexpected(std::move(posted.error()));
          return JsonResponse(201, {{"reflection", api::ToJson(*posted)}});
        });
      });

  router.Add("GET", "/api/v1/reflections/{reflection}",
             api::Doc("A reflection and its replies (hidden replies show only their reason)",
                      "reflections", api::JsonDoc(200, "The reflection", {{"type", "object"}}),
                      nullptr, {reflection_param}),
             [this](const Request& r) {
               return Serve(r, [&](store::Store& store, const Caller& caller) -> Outcome<Response> {
                 auto id = api::PathId(r, "reflection");
                 if (!id) return tl::unexpected(std::move(id.error()));
                 if (!caller.person) return Refuse(403, "an API token cannot read reflections");
                 auto reflection = store.GetReflection(caller.org, domain::ReflectionId(*id));
                 if (!reflection) return Refuse(reflection.error());
                 auto replies = store.ListReplies(caller.org, domain::ReflectionId(*id));
                 if (!replies) return Refuse(replies.error());
                 json list = json::array();
                 for (const domain::Reply& reply : *replies) {
                   json item = api::ToJson(reply);
                   if (reply.hidden_at) item["text"] = "";  // hidden: only the reason shows
                   list.push_back(std::move(item));
                 }
                 return JsonResponse(
                     200, {{"reflection", api::ToJson(*reflection)}, {"replies", std::move(list)}});
               });
             });

  router.Add("POST", "/api/v1/reflections/{reflection}/replies",
             api::Doc("Reply to, or question, a reflection", "reflections",
                      api::JsonDoc(201, "The reply", {{"type", "object"}}),
                      Object({{"text", {{"type", "string"}}}}), {reflection_param}),
             [this](const Request& r) {
               return Serve(r, [&](store::Store& store, const Caller& caller) -> Outcome<Response> {
                 auto id = api::PathId(r, "reflection");
                 if (!id) return tl::unexpected(std::move(id.error()));
                 auto body = Body(r);
                 if (!body) return tl::unexpected(std::move(body.error()));
                 FieldReader reader(*body);
                 reader.Object("");
                 const auto text = reader.String("/text", FieldReader::Presence::kRequired, 5000);
                 reader.OnlyFields("", {"text"});
                 if (!reader.ok()) return tl::unexpected(ProblemResponse(reader.ToProblem()));
                 auto reply =
                     api::ReplyToReflection(*this, store, caller, domain::ReflectionId(*id), *text);
                 if (!reply) return tl::unexpected(std::move(reply.error()));
                 return JsonResponse(201, {{"reply", api::ToJson(*reply)}});
               });
             });

  router.Add("POST", "/api/v1/replies/{reply}/hide",
             api::Doc("Hide a reply, with the reason recorded (moderators)", "reflections",
                      api::JsonDoc(200, "The reply", {{"type", "object"}}),
                      Object({{"reason", {{"type", "string"}}}}),
                      {api::PathParameter("reply", "the reply's id")}),
             [this](const Request& r) {
               return Serve(r, [&](store::Store& store, const Caller& caller) -> Outcome<Response> {
                 auto id = api::PathId(r, "reply");
                 if (!id) return tl::unexpected(std::move(id.error()));
                 auto body = Body(r);
                 if (!body) return tl::unexpected(std::move(body.error()));
                 FieldReader reader(*body);
                 reader.Object("");
                 const auto reason =
                     reader.String("/reason", FieldReader::Presence::kRequired, 2000);
                 reader.OnlyFields("", {"reason"});
                 if (!reader.ok()) return tl::unexpected(ProblemResponse(reader.ToProblem()));
                 auto reply = api::HideReply(*this, store, caller, domain::ReplyId(*id), *reason);
                 if (!reply) return tl::unexpected(std::move(reply.error()));
                 return JsonResponse(200, {{"reply", api::ToJson(*reply)}});
               });
             });

  // --- Subject access and the retention setting.
  router.Add("GET", "/api/v1/me/export",
             api::Doc("Everything stored about me, as JSON (subject access)", "people",
                      api::JsonDoc(200, "Everything about me", {{"type", "object"}})),
             [this](const Request& r) {
               return Serve(r, [&](store::Store& store, const Caller& caller) -> Outcome<Response> {
                 auto out = api::ExportAboutMe(store, caller);
                 if (!out) return tl::unexpected(std::move(out.error()));
                 Response response = JsonResponse(200, *out);
                 response.headers.emplace_back("Content-Disposition",
                                               "attachment; filename=\"everyseat-my-data.json\"");
                 return response;
               });
             });

  const json retention = Object({{"story_retention_days", {{"type", "integer"}}}});
  router.Add("GET", "/api/v1/organisation/settings",
             api::Doc("The organisation's settings", "people",
                      api::JsonDoc(200, "The settings", retention)),
             [this](const Request& r) {
               return Serve(r, [&](store::Store& store, const Caller& caller) -> Outcome<Response> {
                 auto days = store.GetStoryRetentionDays(caller.org);
                 if (!days) return Refuse(days.error());
                 return JsonResponse(200, {{"story_retention_days", *days}});
               });
             });
  router.Add(
      "PUT", "/api/v1/organisation/settings",
      api::Doc("Change the organisation's settings: the days a withdrawn, declined or rejected "
               "story's text is kept (administrators)",
               "people", api::JsonDoc(200, "The settings", retention), retention),
      [this](const Request& r) {
        return Serve(r, [&](store::Store& store, const Caller& caller) -> Outcome<Response> {
          if (auto allowed = Authorise(store, caller, domain::Action::kAdminister, std::nullopt);
              !allowed) {
            return tl::unexpected(std::move(allowed.error()));
          }
          auto body = Body(r);
          if (!body) return tl::unexpected(std::move(body.error()));
          FieldReader reader(*body);
          reader.Object("");
          const auto days = reader.Integer("/story_retention_days");
          reader.OnlyFields("", {"story_retention_days"});
          if (!reader.ok()) return tl::unexpected(ProblemResponse(reader.ToProblem()));
          if (*days < 0 || *days > 3650) {
            return Refuse(422, "the request body has 1 invalid field",
                          {{"/story_retention_days", "must be from 0 to 3650"}});
          }
          auto set = store.SetStoryRetentionDays(caller.actor, caller.org, static_cast<int>(*days));
          if (!set) return Refuse(set.error());
          return JsonResponse(200, {{"story_retention_days", *days}});
        });
      });
}

}  // namespace everyseat::server
