// The organisation: teams, people, team membership, organisation roles, API tokens, a team's
// webhook, and the audit log.
#include <utility>

#include "context.h"
#include "everyseat/domain/secrets.h"

namespace everyseat::server {

using api::Caller;
using api::MakeProblem;
using api::Outcome;
using api::Refuse;
using domain::Action;

namespace {

Outcome<json> Body(const Request& request) {
  auto body = ParseJsonBody(request);
  if (!body) return tl::unexpected(ProblemResponse(body.error()));
  return std::move(*body);
}

Response NoContent() {
  Response response;
  response.status = 204;
  return response;
}

}  // namespace

void Api::Impl::AddOrganisationRoutes(Router& router) {
  const ParameterDoc team_param = api::PathParameter("team", "the team's id");
  const ParameterDoc person_param = api::PathParameter("person", "the person's id");

  // --- Teams.
  router.Add("GET", "/api/v1/teams",
             api::Doc("Every team of the organisation, a parent before its children", "teams",
                      api::JsonDoc(200, "The team tree", api::ListOf("teams", "Team"))),
             [this](const Request& r) {
               return Serve(r, [](store::Store& store, const Caller& caller) -> Outcome<Response> {
                 auto teams = store.ListTeams(caller.org);
                 if (!teams) return Refuse(teams.error());
                 return JsonResponse(200, api::ListJson("teams", *teams));
               });
             });

  const json team_input = {
      {"type", "object"},
      {"required", {"name"}},
      {"additionalProperties", false},
      {"properties",
       {{"name", {{"type", "string"}}}, {"parent", {{"type", {"integer", "null"}}}}}}};
  router.Add("POST", "/api/v1/teams",
             api::Doc("Add a team (administrators)", "teams",
                      api::JsonDoc(201, "The new team", api::SchemaRef("Team")), team_input),
             [this](const Request& r) {
               return Serve(r, [&](store::Store& store, const Caller& caller) -> Outcome<Response> {
                 auto body = Body(r);
                 if (!body) return tl::unexpected(std::move(body.error()));
                 FieldReader reader(*body);
                 if (!reader.Object("")) return tl::unexpected(ProblemResponse(reader.ToProblem()));
                 const auto name = reader.String("/name", FieldReader::Presence::kRequired, 200);
                 const auto parent = reader.Integer("/parent", FieldReader::Presence::kOptional);
                 reader.OnlyFields("", {"name", "parent"});
                 if (!reader.ok()) return tl::unexpected(ProblemResponse(reader.ToProblem()));
                 if (auto allowed = Authorise(store, caller, Action::kAdminister, std::nullopt);
                     !allowed) {
                   return tl::unexpected(std::move(allowed.error()));
                 }
                 std::optional<domain::TeamId> parent_id;
                 if (parent) parent_id = domain::TeamId(*parent);
                 auto team = store.CreateTeam(caller.actor, caller.org, parent_id, *name);
                 if (!team) return Refuse(team.error());
                 return JsonResponse(201, api::ToJson(*team));
               });
             });

  router.Add("GET", "/api/v1/teams/{team}",
             api::Doc("One team", "teams", api::JsonDoc(200, "The team", api::SchemaRef("Team")),
                      nullptr, {team_param}),
             [this](const Request& r) {
               return Serve(r, [&](store::Store& store, const Caller& caller) -> Outcome<Response> {
                 auto id = api::PathId(r, "team");
                 if (!id) return tl::unexpected(std::move(id.error()));
                 auto team = store.GetTeam(caller.org, domain::TeamId(*id));
                 if (!team) return Refuse(team.error());
                 if (auto allowed = Authorise(store, caller, Action::kViewMeasures, team->id);
                     !allowed) {
                   return tl::unexpected(std::move(allowed.error()));
                 }
                 return JsonResponse(200, api::ToJson(*team));
               });
             });

  // --- Team members.
  const json members_schema = {{"type", "object"},
                               {"required", {"members"}},
                               {"properties",
                                {{"members",
                                  {{"type", "array"},
                                   {"items",
                                    {{"type", "object"},
                                     {"properties",
                                      {{"person", api::SchemaRef("Person")},
                                       {"role", {{"enum", {"member", "lead"}}}}}}}}}}}}};
  router.Add(
      "GET", "/api/v1/teams/{team}/members",
      api::Doc("The team's members and leads", "teams",
               api::JsonDoc(200, "The members", members_schema), nullptr, {team_param}),
      [this](const Request& r) {
        return Serve(r, [&](store::Store& store, const Caller& caller) -> Outcome<Response> {
          auto found = TeamParam(store, caller, r, Action::kViewMeasures);
          if (!found) return tl::unexpected(std::move(found.error()));
          const domain::TeamId team = *found;
          auto members = store.ListMembersOfTeam(caller.org, team);
          if (!members) return Refuse(members.error());
          json list = json::array();
          for (const domain::Membership& m : *members) {
            auto person = store.GetPerson(caller.org, m.person);
            if (!person) return Refuse(person.error());
            list.push_back({{"person", api::ToJson(*person)}, {"role", domain::Name(m.role)}});
          }
          return JsonResponse(200, {{"members", std::move(list)}});
        });
      });

  const json membership_input = {{"type", "object"},
                                 {"required", {"role"}},
                                 {"additionalProperties", false},
                                 {"properties", {{"role", {{"enum", {"member", "lead"}}}}}}};
  router.Add(
      "PUT", "/api/v1/teams/{team}/members/{person}",
      api::Doc("Add a person to the team, or change their role (leads, administrators)", "teams",
               api::JsonDoc(200, "The membership",
                            {{"type", "object"},
                             {"properties",
                              {{"person", {{"type", "integer"}}},
                               {"team", {{"type", "integer"}}},
                               {"role", {{"type", "string"}}}}}}),
               membership_input, {team_param, person_param}),
      [this](const Request& r) {
        return Serve(r, [&](store::Store& store, const Caller& caller) -> Outcome<Response> {
          auto team_id = api::PathId(r, "team");
          if (!team_id) return tl::unexpected(std::move(team_id.error()));
          auto person_id = api::PathId(r, "person");
          if (!person_id) return tl::unexpected(std::move(person_id.error()));
          auto body = Body(r);
          if (!body) return tl::unexpected(std::move(body.error()));
          FieldReader reader(*body);
          if (!reader.Object("")) return tl::unexpected(ProblemResponse(reader.ToProblem()));
          const auto role_name = reader.String("/role");
          reader.OnlyFields("", {"role"});
          std::optional<domain::TeamRole> role;
          if (role_name) {
            role = domain::ParseTeamRole(*role_name);
            if (!role) reader.Fail("/role", "must be member or lead");
          }
          if (!reader.ok()) return tl::unexpected(ProblemResponse(reader.ToProblem()));
          const domain::TeamId team(*team_id);
          if (auto allowed = Authorise(store, caller, Action::kManageTeamMembers, team); !allowed) {
            return tl::unexpected(std::move(allowed.error()));
          }
          auto set =
              store.SetMembership(caller.actor, caller.org,
                                  domain::Membership{domain::PersonId(*person_id), team, *role});
          if (!set) return Refuse(set.error());
          return JsonResponse(200, {{"person", set->person.value},
                                    {"team", set->team.value},
                                    {"role", domain::Name(set->role)}});
        });
      });

  router.Add("DELETE", "/api/v1/teams/{team}/members/{person}",
             api::Doc("Remove a person from the team (leads, administrators)", "teams",
                      {204, "Removed", "", nullptr}, nullptr, {team_param, person_param}),
             [this](const Request& r) {
               return Serve(r, [&](store::Store& store, const Caller& caller) -> Outcome<Response> {
                 auto found = TeamParam(store, caller, r, Action::kManageTeamMembers);
                 if (!found) return tl::unexpected(std::move(found.error()));
                 const domain::TeamId team = *found;
                 auto person_id = api::PathId(r, "person");
                 if (!person_id) return tl::unexpected(std::move(person_id.error()));
                 auto removed = store.RemoveMembership(caller.actor, caller.org,
                                                       domain::PersonId(*person_id), team);
                 if (!removed) return Refuse(removed.error());
                 return NoContent();
               });
             });

  // --- People.
  router.Add("GET", "/api/v1/people",
             api::Doc("Everyone in the organisation, by name", "people",
                      api::JsonDoc(200, "The people", api::ListOf("people", "Person"))),
             [this](const Request& r) {
               return Serve(r, [&](store::Store& store, const Caller& caller) -> Outcome<Response> {
                 if (!caller.person) return Refuse(403, "an API token cannot list people");
                 auto people = store.ListPeople(caller.org);
                 if (!people) return Refuse(people.error());
                 return JsonResponse(200, api::ListJson("people", *people));
               });
             });

  const json person_input = {{"type", "object"},
                             {"required", {"name", "email"}},
                             {"additionalProperties", false},
                             {"properties",
                              {{"name", {{"type", "string"}}},
                               {"email", {{"type", "string"}}},
                               {"job_title", {{"type", "string"}}},
                               {"staff_group", {{"type", "string"}}},
                               {"line_manager", {{"type", {"integer", "null"}}}},
                               {"password", {{"type", "string"}, {"minLength", 12}}}}}};
  router.Add(
      "POST", "/api/v1/people",
      api::Doc("Add a person (administrators); with a password they can sign in", "people",
               api::JsonDoc(201, "The new person", api::SchemaRef("Person")), person_input),
      [this](const Request& r) {
        return Serve(r, [&](store::Store& store, const Caller& caller) -> Outcome<Response> {
          auto body = Body(r);
          if (!body) return tl::unexpected(std::move(body.error()));
          FieldReader reader(*body);
          if (!reader.Object("")) return tl::unexpected(ProblemResponse(reader.ToProblem()));
          domain::Person person;
          person.org = caller.org;
          person.name = reader.String("/name", FieldReader::Presence::kRequired, 200).value_or("");
          person.email =
              reader.String("/email", FieldReader::Presence::kRequired, 254).value_or("");
          person.job_title =
              reader.String("/job_title", FieldReader::Presence::kOptional, 200).value_or("");
          if (auto group = reader.String("/staff_group", FieldReader::Presence::kOptional)) {
            if (auto parsed = domain::ParseStaffGroup(*group)) {
              person.staff_group = *parsed;
            } else {
              reader.Fail("/staff_group", "is not a staff group");
            }
          }
          if (auto manager = reader.Integer("/line_manager", FieldReader::Presence::kOptional)) {
            person.line_manager = domain::PersonId(*manager);
          }
          const auto password = reader.String("/password", FieldReader::Presence::kOptional, 1024);
          if (password && password->size() < 12) {
            reader.Fail("/password", "must be at least 12 characters");
          }
          reader.OnlyFields(
              "", {"name", "email", "job_title", "staff_group", "line_manager", "password"});
          if (!reader.ok()) return tl::unexpected(ProblemResponse(reader.ToProblem()));
          if (auto allowed = Authorise(store, caller, Action::kAdminister, std::nullopt);
              !allowed) {
            return tl::unexpected(std::move(allowed.error()));
          }
          std::string hash;
          if (password) {
            auto hashed = domain::HashPassword(*password);
            if (!hashed) return Refuse(500, hashed.error().message);
            hash = std::move(*hashed);
          }
          auto transaction = store.Begin();
          if (!transaction) return Refuse(transaction.error());
          auto created = store.CreatePerson(caller.actor, person);
          if (!created) return Refuse(created.error());
          if (!hash.empty()) {
            if (auto set = store.SetPasswordHash(caller.actor, caller.org, created->id, hash);
                !set) {
              return Refuse(set.error());
            }
          }
          if (auto committed = transaction->Commit(); !committed) {
            return Refuse(committed.error());
          }
          return JsonResponse(201, api::ToJson(*created));
        });
      });

  const ParameterDoc role_param{"role", "path", "moderator, equality, board or admin", true,
                                json{{"enum", {"moderator", "equality", "board", "admin"}}}};
  for (const char* method : {"PUT", "DELETE"}) {
    const bool grant = std::string_view(method) == "PUT";
    router.Add(
        method, "/api/v1/people/{person}/roles/{role}",
        api::Doc(grant ? "Grant an organisation role (administrators)"
                       : "Revoke an organisation role (administrators)",
                 "people", {204, grant ? "Granted" : "Revoked", "", nullptr}, nullptr,
                 {person_param, role_param}),
        [this, grant](const Request& r) {
          return Serve(r, [&](store::Store& store, const Caller& caller) -> Outcome<Response> {
            auto person_id = api::PathId(r, "person");
            if (!person_id) return tl::unexpected(std::move(person_id.error()));
            const auto role = domain::ParseOrgRole(r.PathParam("role"));
            if (!role) return Refuse(404, "no such role");
            if (auto allowed = Authorise(store, caller, Action::kAdminister, std::nullopt);
                !allowed) {
              return tl::unexpected(std::move(allowed.error()));
            }
            auto changed = grant ? store.GrantRole(caller.actor, caller.org,
                                                   domain::PersonId(*person_id), *role)
                                 : store.RevokeRole(caller.actor, caller.org,
                                                    domain::PersonId(*person_id), *role);
            if (!changed) return Refuse(changed.error());
            return NoContent();
          });
        });
  }

  // --- API tokens.
  const ParameterDoc token_param = api::PathParameter("token", "the token's id");
  const json token_input = {
      {"type", "object"},
      {"required", {"name"}},
      {"additionalProperties", false},
      {"properties",
       {{"name", {{"type", "string"}}}, {"expires_at", {{"type", {"integer", "null"}}}}}}};
  json issued_schema = {{"allOf",
                         {api::SchemaRef("Token"),
                          {{"type", "object"},
                           {"required", {"token"}},
                           {"properties", {{"token", {{"type", "string"}}}}}}}}};
  router.Add(
      "POST", "/api/v1/teams/{team}/tokens",
      api::Doc("Issue an API token for the team's measures (leads); the token is shown once",
               "tokens", api::JsonDoc(201, "The token and its secret", issued_schema), token_input,
               {team_param}),
      [this](const Request& r) {
        return Serve(r, [&](store::Store& store, const Caller& caller) -> Outcome<Response> {
          auto team_id = api::PathId(r, "team");
          if (!team_id) return tl::unexpected(std::move(team_id.error()));
          auto body = Body(r);
          if (!body) return tl::unexpected(std::move(body.error()));
          FieldReader reader(*body);
          if (!reader.Object("")) return tl::unexpected(ProblemResponse(reader.ToProblem()));
          const auto name = reader.String("/name", FieldReader::Presence::kRequired, 200);
          const auto expires = reader.Integer("/expires_at", FieldReader::Presence::kOptional);
          reader.OnlyFields("", {"name", "expires_at"});
          if (!reader.ok()) return tl::unexpected(ProblemResponse(reader.ToProblem()));
          const domain::TeamId team(*team_id);
          if (auto allowed = Authorise(store, caller, Action::kManageTokens, team); !allowed) {
            return tl::unexpected(std::move(allowed.error()));
          }
          auto issued = store.IssueApiToken(caller.actor, caller.org, team, *name, expires);
          if (!issued) return Refuse(issued.error());
          json answer = api::ToJson(issued->record);
          answer["token"] = issued->secret;
          Response response = JsonResponse(201, answer);
          response.headers.emplace_back("Cache-Control", "no-store");
          return response;
        });
      });

  router.Add("GET", "/api/v1/teams/{team}/tokens",
             api::Doc("The team's API tokens, without their secrets (leads)", "tokens",
                      api::JsonDoc(200, "The tokens", api::ListOf("tokens", "Token")), nullptr,
                      {team_param}),
             [this](const Request& r) {
               return Serve(r, [&](store::Store& store, const Caller& caller) -> Outcome<Response> {
                 auto found = TeamParam(store, caller, r, Action::kManageTokens);
                 if (!found) return tl::unexpected(std::move(found.error()));
                 const domain::TeamId team = *found;
                 auto tokens = store.ListApiTokens(caller.org, team);
                 if (!tokens) return Refuse(tokens.error());
                 return JsonResponse(200, api::ListJson("tokens", *tokens));
               });
             });

  router.Add("DELETE", "/api/v1/teams/{team}/tokens/{token}",
             api::Doc("Revoke an API token (leads): it stops working at once", "tokens",
                      {204, "Revoked", "", nullptr}, nullptr, {team_param, token_param}),
             [this](const Request& r) {
               return Serve(r, [&](store::Store& store, const Caller& caller) -> Outcome<Response> {
                 auto found = TeamParam(store, caller, r, Action::kManageTokens);
                 if (!found) return tl::unexpected(std::move(found.error()));
                 const domain::TeamId team = *found;
                 auto token_id = api::PathId(r, "token");
                 if (!token_id) return tl::unexpected(std::move(token_id.error()));
                 auto tokens = store.ListApiTokens(caller.org, team);
                 if (!tokens) return Refuse(tokens.error());
                 bool of_team = false;
                 for (const store::ApiToken& token : *tokens) {
                   of_team = of_team || token.id.value == *token_id;
                 }
                 if (!of_team) return Refuse(404, "no such token in this team");
                 auto revoked =
                     store.RevokeApiToken(caller.actor, caller.org, domain::TokenId(*token_id));
                 if (!revoked) return Refuse(revoked.error());
                 return NoContent();
               });
             });

  // --- The team's webhook.
  const json webhook_schema = {{"type", "object"},
                               {"required", {"team", "url", "created_at"}},
                               {"properties",
                                {{"team", {{"type", "integer"}}},
                                 {"url", {{"type", "string"}}},
                                 {"secret", {{"type", "string"}}},
                                 {"created_at", {{"type", "integer"}}}}}};
  const json webhook_input = {{"type", "object"},
                              {"required", {"url"}},
                              {"additionalProperties", false},
                              {"properties", {{"url", {{"type", "string"}}}}}};
  router.Add(
      "PUT", "/api/v1/teams/{team}/webhook",
      api::Doc("Set the team's webhook (leads): every notification is POSTed to it, signed with "
               "the secret returned here (shown once)",
               "webhooks", api::JsonDoc(200, "The webhook with its secret", webhook_schema),
               webhook_input, {team_param}),
      [this](const Request& r) {
        return Serve(r, [&](store::Store& store, const Caller& caller) -> Outcome<Response> {
          auto team_id = api::PathId(r, "team");
          if (!team_id) return tl::unexpected(std::move(team_id.error()));
          auto body = Body(r);
          if (!body) return tl::unexpected(std::move(body.error()));
          FieldReader reader(*body);
          if (!reader.Object("")) return tl::unexpected(ProblemResponse(reader.ToProblem()));
          const auto url = reader.String("/url", FieldReader::Presence::kRequired, 2000);
          reader.OnlyFields("", {"url"});
          if (!reader.ok()) return tl::unexpected(ProblemResponse(reader.ToProblem()));
          const domain::TeamId team(*team_id);
          if (auto allowed = Authorise(store, caller, Action::kManageTokens, team); !allowed) {
            return tl::unexpected(std::move(allowed.error()));
          }
          auto set = store.SetWebhook(caller.actor, caller.org, team, *url);
          if (!set) return Refuse(set.error());
          Response response = JsonResponse(200, {{"team", set->team.value},
                                                 {"url", set->url},
                                                 {"secret", set->secret},
                                                 {"created_at", set->created_at}});
          response.headers.emplace_back("Cache-Control", "no-store");
          return response;
        });
      });

  router.Add("GET", "/api/v1/teams/{team}/webhook",
             api::Doc("The team's webhook, without its secret (leads)", "webhooks",
                      api::JsonDoc(200, "The webhook", webhook_schema), nullptr, {team_param}),
             [this](const Request& r) {
               return Serve(r, [&](store::Store& store, const Caller& caller) -> Outcome<Response> {
                 auto found = TeamParam(store, caller, r, Action::kManageTokens);
                 if (!found) return tl::unexpected(std::move(found.error()));
                 const domain::TeamId team = *found;
                 auto hook = store.GetWebhook(caller.org, team);
                 if (!hook) return Refuse(hook.error());
                 return JsonResponse(200, {{"team", hook->team.value},
                                           {"url", hook->url},
                                           {"created_at", hook->created_at}});
               });
             });

  router.Add("DELETE", "/api/v1/teams/{team}/webhook",
             api::Doc("Remove the team's webhook (leads)", "webhooks",
                      {204, "Removed", "", nullptr}, nullptr, {team_param}),
             [this](const Request& r) {
               return Serve(r, [&](store::Store& store, const Caller& caller) -> Outcome<Response> {
                 auto found = TeamParam(store, caller, r, Action::kManageTokens);
                 if (!found) return tl::unexpected(std::move(found.error()));
                 const domain::TeamId team = *found;
                 auto removed = store.RemoveWebhook(caller.actor, caller.org, team);
                 if (!removed) return Refuse(removed.error());
                 return NoContent();
               });
             });

  const json deliveries_schema = {{"type", "object"},
                                  {"required", {"deliveries"}},
                                  {"properties",
                                   {{"deliveries",
                                     {{"type", "array"},
                                      {"items",
                                       {{"type", "object"},
                                        {"properties",
                                         {{"id", {{"type", "integer"}}},
                                          {"notification", {{"type", "integer"}}},
                                          {"url", {{"type", "string"}}},
                                          {"state", {{"enum", {"pending", "delivered", "failed"}}}},
                                          {"attempts", {{"type", "integer"}}},
                                          {"next_attempt_at", {{"type", "integer"}}},
                                          {"delivered_at", {{"type", {"integer", "null"}}}},
                                          {"last_error", {{"type", "string"}}}}}}}}}}}};
  router.Add(
      "GET", "/api/v1/teams/{team}/webhook/deliveries",
      api::Doc("The latest deliveries to the team's webhook and how they went (leads)", "webhooks",
               api::JsonDoc(200, "The deliveries, newest first", deliveries_schema), nullptr,
               {team_param}),
      [this](const Request& r) {
        return Serve(r, [&](store::Store& store, const Caller& caller) -> Outcome<Response> {
          auto found = TeamParam(store, caller, r, Action::kManageTokens);
          if (!found) return tl::unexpected(std::move(found.error()));
          const domain::TeamId team = *found;
          auto deliveries = store.ListDeliveries(caller.org, team, 100);
          if (!deliveries) return Refuse(deliveries.error());
          json list = json::array();
          for (const domain::WebhookDelivery& d : *deliveries) {
            list.push_back(
                {{"id", d.id.value},
                 {"notification", d.notification.value},
                 {"url", d.url},
                 {"state", domain::Name(d.state)},
                 {"attempts", d.attempts},
                 {"next_attempt_at", d.next_attempt_at},
                 {"delivered_at", d.delivered_at ? json(*d.delivered_at) : json(nullptr)},
                 {"last_error", d.last_error}});
          }
          return JsonResponse(200, {{"deliveries", std::move(list)}});
        });
      });

  // --- The audit log.
  std::vector<ParameterDoc> audit_params = {
      {"entity", "query", "only entries about this kind of entity (person, measure, ...)", false,
       json{{"type", "string"}}},
      {"entity_id", "query", "only entries about this id", false,
       json{{"type", "integer"}, {"minimum", 1}}},
      {"after", "query", "entries with a larger id only (paging)", false,
       json{{"type", "integer"}, {"minimum", 0}}},
      {"limit", "query", "at most this many (1-1000, default 100)", false,
       json{{"type", "integer"}, {"minimum", 1}, {"maximum", 1000}}}};
  router.Add("GET", "/api/v1/audit",
             api::Doc("The audit log, oldest first (administrators)", "audit",
                      api::JsonDoc(200, "Audit entries", api::ListOf("entries", "AuditEntry")),
                      nullptr, audit_params),
             [this](const Request& r) {
               return Serve(r, [&](store::Store& store, const Caller& caller) -> Outcome<Response> {
                 store::AuditQuery query;
                 std::vector<FieldError> errors;
                 auto integer = [&](std::string_view name, int64_t low, int64_t high,
                                    int64_t& out) {
                   const auto text = r.Query(name);
                   if (!text) return;
                   try {
                     size_t used = 0;
                     const long long value = std::stoll(std::string(*text), &used);
                     if (used != text->size() || value < low || value > high) throw 0;
                     out = value;
                   } catch (...) {
                     errors.push_back({std::string(name), "must be a whole number from " +
                                                              std::to_string(low) + " to " +
                                                              std::to_string(high)});
                   }
                 };
                 int64_t limit = 100;
                 integer("entity_id", 1, INT64_MAX, query.entity_id);
                 integer("after", 0, INT64_MAX, query.after_id);
                 integer("limit", 1, 1000, limit);
                 query.limit = static_cast<int>(limit);
                 query.entity = std::string(r.Query("entity").value_or(""));
                 if (!errors.empty()) {
                   return tl::unexpected(ProblemResponse(
                       MakeProblem(400, "the query parameters are not valid", std::move(errors))));
                 }
                 if (auto allowed = Authorise(store, caller, Action::kViewAuditLog, std::nullopt);
                     !allowed) {
                   return tl::unexpected(std::move(allowed.error()));
                 }
                 auto entries = store.ListAudit(caller.org, query);
                 if (!entries) return Refuse(entries.error());
                 return JsonResponse(200, api::ListJson("entries", *entries));
               });
             });
}

}  // namespace everyseat::server
