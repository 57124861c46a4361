// Sign-in and sign-out: POST, GET and DELETE /api/v1/session.
//
// A password is checked with argon2id (domain::VerifyPassword). After max_failed_sign_ins
// consecutive failures the person's sign-in is refused for lockout_seconds from the last failure,
// whatever the password, with 429 and Retry-After. An unknown email costs the same argon2id time
// as a wrong password and gets the same answer, so neither reveals who has an account.
#include <chrono>
#include <ctime>
#include <utility>

#include "context.h"
#include "everyseat/domain/secrets.h"
#include "everyseat/domain/validate.h"

namespace everyseat::server {

using api::MakeProblem;
using api::Outcome;
using api::Refuse;

namespace {

// A valid argon2id string of a password nobody knows, to spend the same time on unknown emails.
const std::string& DecoyHash() {
  static const std::string hash = domain::HashPassword(domain::NewToken()).value_or("");
  return hash;
}

std::string SessionCookie(std::string_view secret, int64_t max_age, bool secure) {
  std::string cookie = std::string(kSessionCookie) + "=" + std::string(secret) +
                       "; Path=/; HttpOnly; SameSite=Lax; Max-Age=" + std::to_string(max_age);
  if (secure) cookie += "; Secure";
  return cookie;
}

int64_t Now() { return static_cast<int64_t>(std::time(nullptr)); }

}  // namespace

Outcome<Api::Impl::SignedIn> Api::Impl::SignIn(store::Store& store, std::string_view email,
                                               std::string_view password,
                                               std::optional<std::string_view> organisation) {
  const Response wrong = ProblemResponse(MakeProblem(401, "the email or password is wrong"));
  // Find the person: in the named organisation, or in the one organisation that has the email.
  std::optional<domain::Person> person;
  auto organisations = store.ListOrganisations();
  if (!organisations) return Refuse(organisations.error());
  int found = 0;
  for (const domain::Organisation& org : *organisations) {
    if (organisation && org.name != *organisation) continue;
    auto match = store.FindPersonByEmail(org.id, email);
    if (match) {
      ++found;
      person = std::move(*match);
    } else if (match.error().code != store::StoreErrorCode::kNotFound) {
      return Refuse(match.error());
    }
  }
  if (found > 1) {
    return Refuse(422, "this email is in more than one organisation",
                  {{"/organisation", "is required: give the name of your organisation"}});
  }
  if (!person) {
    (void)domain::VerifyPassword(DecoyHash(), password);
    return tl::unexpected(wrong);
  }

  auto state = store.GetSignInState(person->org, person->id);
  if (!state) return Refuse(state.error());
  if (state->failed_count >= options.max_failed_sign_ins && state->last_failed_at) {
    const int64_t until = *state->last_failed_at + options.lockout_seconds;
    const int64_t now = Now();
    if (now < until) {
      Response locked = ProblemResponse(
          MakeProblem(429, "too many failed sign-ins: try again in " +
                               std::to_string((until - now + 59) / 60) + " minutes"));
      locked.headers.emplace_back("Retry-After", std::to_string(until - now));
      return tl::unexpected(std::move(locked));
    }
  }
  auto hash = store.GetPasswordHash(person->org, person->id);
  const bool ok = hash ? domain::VerifyPassword(*hash, password)
                       : domain::VerifyPassword(DecoyHash(), password) && false;
  if (!ok) {
    if (auto counted = store.RecordFailedSignIn(person->org, person->id); !counted) {
      return Refuse(counted.error());
    }
    return tl::unexpected(wrong);
  }
  if (auto reset = store.ResetFailedSignIns(person->org, person->id); !reset) {
    return Refuse(reset.error());
  }
  if (domain::PasswordNeedsRehash(*hash)) {
    if (auto rehashed = domain::HashPassword(password)) {
      (void)store.SetPasswordHash(domain::Actor::Of(person->id, "rehash on sign-in"), person->org,
                                  person->id, *rehashed);
    }
  }
  auto session = store.CreateSession(person->org, person->id, options.session_lifetime_seconds);
  if (!session) return Refuse(session.error());
  return SignedIn{std::move(*person), std::move(session->secret), session->record.expires_at};
}

std::string Api::Impl::SessionCookieHeader(std::string_view secret, int64_t max_age) const {
  return SessionCookie(secret, max_age, options.secure_cookies);
}

void Api::Impl::AddSessionRoutes(Router& router) {
  const json session_schema = {
      {"type", "object"},
      {"required", {"person", "organisation", "csrf_token", "teams", "roles"}},
      {"properties",
       {{"person", api::SchemaRef("Person")},
        {"organisation", {{"type", "object"}}},
        {"csrf_token", {{"type", "string"}}},
        {"expires_at", {{"type", "integer"}}},
        {"teams",
         {{"type", "array"},
          {"items",
           {{"type", "object"},
            {"properties",
             {{"id", {{"type", "integer"}}},
              {"path", {{"type", "string"}}},
              {"role", {{"enum", {"member", "lead"}}}}}}}}}},
        {"roles", {{"type", "array"}, {"items", {{"type", "string"}}}}}}}};

  // The answer to a signed-in person: who they are, their teams and roles, the CSRF token.
  auto describe = [](store::Store& store, domain::OrgId org, domain::PersonId person_id,
                     std::string_view secret) -> Outcome<json> {
    auto person = store.GetPerson(org, person_id);
    if (!person) return Refuse(person.error());
    auto organisation = store.GetOrganisation(org);
    if (!organisation) return Refuse(organisation.error());
    auto memberships = store.ListMembershipsOfPerson(org, person_id);
    if (!memberships) return Refuse(memberships.error());
    auto roles = store.ListRoles(org, person_id);
    if (!roles) return Refuse(roles.error());
    json teams = json::array();
    for (const domain::Membership& m : *memberships) {
      auto team = store.GetTeam(org, m.team);
      if (!team) return Refuse(team.error());
      teams.push_back(
          {{"id", team->id.value}, {"path", team->path}, {"role", domain::Name(m.role)}});
    }
    json role_names = json::array();
    for (const domain::OrgRole role : *roles) role_names.push_back(domain::Name(role));
    return json{{"person", api::ToJson(*person)},
                {"organisation", {{"id", organisation->id.value}, {"name", organisation->name}}},
                {"csrf_token", CsrfToken(secret)},
                {"teams", std::move(teams)},
                {"roles", std::move(role_names)}};
  };

  OperationDoc sign_in;
  sign_in.summary = "Sign in with an email and password";
  sign_in.description =
      "Sets the session cookie (HttpOnly, SameSite=Lax) and returns the CSRF token that "
      "state-changing requests made with the cookie carry in the X-CSRF-Token header. After "
      "repeated failures the account is locked for a while (429 with Retry-After). When the "
      "email is in more than one organisation, `organisation` (its name) is required.";
  sign_in.tags = {"session"};
  sign_in.request_schema = {{"type", "object"},
                            {"required", {"email", "password"}},
                            {"additionalProperties", false},
                            {"properties",
                             {{"email", {{"type", "string"}}},
                              {"password", {{"type", "string"}}},
                              {"organisation", {{"type", "string"}}}}}};
  sign_in.responses = {{201, "Signed in", "application/json", session_schema},
                       {401, "The email or password is wrong", "application/problem+json",
                        api::SchemaRef("Problem")},
                       {429, "Too many failed sign-ins: try again later",
                        "application/problem+json", api::SchemaRef("Problem")}};
  router.Add("POST", "/api/v1/session", std::move(sign_in), [this, describe](const Request& r) {
    auto body = ParseJsonBody(r);
    if (!body) return ProblemResponse(body.error());
    FieldReader reader(*body);
    if (!reader.Object("")) return ProblemResponse(reader.ToProblem());
    const auto email = reader.String("/email", FieldReader::Presence::kRequired, 254);
    const auto password = reader.String("/password", FieldReader::Presence::kRequired, 1024);
    const auto org_name = reader.String("/organisation", FieldReader::Presence::kOptional, 200);
    reader.OnlyFields("", {"email", "password", "organisation"});
    if (!reader.ok()) return ProblemResponse(reader.ToProblem());
    auto lease = Connect();
    if (!lease) return std::move(lease.error());
    store::Store& store = **lease;
    auto signed_in = SignIn(store, *email, *password, org_name);
    if (!signed_in) return std::move(signed_in.error());
    auto described =
        describe(store, signed_in->person.org, signed_in->person.id, signed_in->secret);
    if (!described) return std::move(described.error());
    (*described)["expires_at"] = signed_in->expires_at;
    Response response = JsonResponse(201, *described);
    response.headers.emplace_back(
        "Set-Cookie", SessionCookieHeader(signed_in->secret, options.session_lifetime_seconds));
    response.headers.emplace_back("Cache-Control", "no-store");
    return response;
  });
  OperationDoc who;
  who.summary = "The signed-in person, their teams and roles, and the CSRF token";
  who.tags = {"session"};
  who.responses = {{200, "Signed in", "application/json", session_schema},
                   {401, "Not signed in", "application/problem+json", api::SchemaRef("Problem")}};
  router.Add("GET", "/api/v1/session", std::move(who), [this, describe](const Request& r) {
    auto lease = Connect();
    if (!lease) return std::move(lease.error());
    auto caller = Authenticate(**lease, r);
    if (!caller) return std::move(caller.error());
    if (!caller->person) return ProblemResponse(MakeProblem(400, "an API token has no session"));
    const std::string secret(SessionSecret(r).value_or(""));
    auto described = describe(**lease, caller->org, *caller->person, secret);
    if (!described) return std::move(described.error());
    Response response = JsonResponse(200, *described);
    response.headers.emplace_back("Cache-Control", "no-store");
    return response;
  });

  OperationDoc sign_out;
  sign_out.summary = "Sign out: the session ends at once";
  sign_out.tags = {"session"};
  sign_out.responses = {
      {204, "Signed out", "", nullptr},
      {401, "Not signed in", "application/problem+json", api::SchemaRef("Problem")}};
  router.Add("DELETE", "/api/v1/session", std::move(sign_out), [this](const Request& r) {
    auto lease = Connect();
    if (!lease) return std::move(lease.error());
    auto caller = Authenticate(**lease, r);
    if (!caller) return std::move(caller.error());
    if (!caller->person) return ProblemResponse(MakeProblem(400, "an API token has no session"));
    if (auto revoked = (*lease)->RevokeSession(SessionSecret(r).value_or("")); !revoked) {
      return api::StoreRefusal(revoked.error());
    }
    Response response;
    response.status = 204;
    response.headers.emplace_back("Set-Cookie", SessionCookieHeader("", 0));
    return response;
  });
}

}  // namespace everyseat::server
