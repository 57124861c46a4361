// API tokens of the teams the viewer leads (Action::kManageTokens: leads of a team or of a team
// above it; administrators are not granted it, see domain/src/authorise.cc).
//
//   GET  /admin/tokens                  each team's tokens (name, created, last used, whether
//                                       revoked) with a Revoke button each, and a form to issue one
//   POST /admin/tokens                  team, name: issues a token and shows its secret once
//   POST /admin/tokens/{token}/revoke   team: revokes it (it stops working at once)
//
// The same store calls and authorisation as the JSON routes (POST, GET and DELETE
// /api/v1/teams/{team}/tokens, api/organisation_routes.cc). The secret is shown on the answer to
// the POST only, never in a URL, and is kept by the store only as its SHA-256.
#include <cctype>
#include <ctime>
#include <optional>

#include "everyseat/domain/validate.h"
#include "pages.h"

namespace everyseat::server::web {

namespace {

using domain::Action;

// The teams whose tokens the viewer may manage, in tree order, with the label each is shown by.
struct TokenTeam {
  domain::Team team;
  std::string label;  // its path below the organisation: "Community/District Nursing"
};

// "Community/District Nursing" for the path "Test Trust/Community/District Nursing".
std::string BelowOrganisation(std::string path) {
  if (const size_t slash = path.find('/'); slash != std::string::npos) path.erase(0, slash + 1);
  return path;
}

api::Outcome<std::vector<TokenTeam>> TokenTeams(PageContext& page) {
  auto teams = page.store.ListTeams(page.caller.org);
  if (!teams) return api::Refuse(teams.error());
  const domain::TeamTree tree(*teams);
  std::vector<TokenTeam> out;
  for (domain::Team& team : *teams) {
    // The policy Api::Impl::Authorise applies, over the tree loaded once for the list.
    if (!domain::Authorise(page.caller.principal, Action::kManageTokens,
                           domain::Target{page.caller.org, team.id, {}}, tree)) {
      continue;
    }
    std::string label = BelowOrganisation(team.path);
    out.push_back({std::move(team), std::move(label)});
  }
  return out;
}

std::string When(int64_t unix_seconds) { return FormatDate(domain::FormatIsoDate(unix_seconds)); }

void TokenTable(Html& h, PageContext& page, const TokenTeam& team,
                const std::vector<store::ApiToken>& tokens) {
  if (tokens.empty()) {
    h << "<p>This team has no tokens.</p>"_m;
    return;
  }
  const auto now = static_cast<int64_t>(std::time(nullptr));
  // NHS.UK's responsive table: on a phone each token's cells stack under their headings.
  h << "<table role=\"table\" class=\"nhsuk-table-responsive\"><caption "
       "class=\"nhsuk-u-visually-hidden\">API tokens of "_m
    << team.label
    << "</caption><thead role=\"rowgroup\" class=\"nhsuk-table__head\"><tr "
       "role=\"row\">"_m;
  for (const char* heading : {"Name", "Issued", "Last used", "Status"}) {
    h << "<th role=\"columnheader\" class=\"nhsuk-table__header\" scope=\"col\">"_m << heading
      << "</th>"_m;
  }
  h << "<th role=\"columnheader\" class=\"nhsuk-table__header\" scope=\"col\"><span "
       "class=\"nhsuk-u-visually-hidden\">Action</span></th></tr></thead><tbody "
       "class=\"nhsuk-table__body\">"_m;
  auto cell = [&h](std::string_view heading) {
    h << "<td role=\"cell\" class=\"nhsuk-table__cell\"><span "
         "class=\"nhsuk-table-responsive__heading\" aria-hidden=\"true\">"_m
      << heading << " </span>"_m;
  };
  for (const store::ApiToken& token : tokens) {
    h << "<tr role=\"row\" class=\"nhsuk-table__row\">"_m;
    cell("Name");
    h << token.name << "</td>"_m;
    cell("Issued");
    h << When(token.created_at) << "</td>"_m;
    cell("Last used");
    h << (token.last_used_at ? When(*token.last_used_at) : std::string("Never")) << "</td>"_m;
    cell("Status");
    const bool expired = token.expires_at && *token.expires_at <= now;
    if (token.revoked_at) {
      Tag(h, "Revoked " + When(*token.revoked_at), "grey");
    } else if (expired) {
      Tag(h, "Expired", "grey");
    } else {
      Tag(h, "Active", "green");
    }
    h << "</td>"_m;
    cell("Action");
    if (!token.revoked_at && !expired) {
      h << "<form action=\"/admin/tokens/"_m << token.id.value
        << "/revoke\" method=\"post\" novalidate>"_m;
      CsrfField(h, page.viewer.csrf_token);
      h << "<input type=\"hidden\" name=\"team\" value=\""_m << team.team.id.value
        << "\"><button class=\"nhsuk-button nhsuk-button--secondary nhsuk-button--small "
           "nhsuk-u-margin-bottom-0\" data-module=\"nhsuk-button\" type=\"submit\">Revoke<span "
           "class=\"nhsuk-u-visually-hidden\"> "_m
        << token.name << "</span></button></form>"_m;
    }
    h << "</td></tr>"_m;
  }
  h << "</tbody></table>"_m;
}

Response TokensPage(PageContext& page, FormState& form, int status) {
  auto teams = TokenTeams(page);
  if (!teams) return FromRefusal(page.viewer, teams.error());
  if (teams->empty()) {
    return ErrorPage(page.viewer, 403, "only the lead of a team can manage its API tokens");
  }
  Html h;
  ErrorSummary(h, form);
  if (page.request.Query("revoked")) {
    SuccessBanner(h, "The token has been revoked: it no longer works");
  }
  h << "<h1 class=\"nhsuk-heading-l\">API tokens</h1>"
       "<p>A token lets another system, such as a ward's electronic record, send the figures of "
       "one team's measures to everyseat. It can do nothing else. Revoke a token when the "
       "system no longer needs it, or if it may have been seen by someone else.</p>"_m;
  for (const TokenTeam& team : *teams) {
    auto tokens = page.store.ListApiTokens(page.caller.org, team.team.id);
    if (!tokens) return FromRefusal(page.viewer, api::StoreRefusal(tokens.error()));
    h << "<h2 class=\"nhsuk-heading-m\">"_m << team.label << "</h2>"_m;
    TokenTable(h, page, team, *tokens);
  }

  h << "<div class=\"nhsuk-grid-row\"><div class=\"nhsuk-grid-column-two-thirds\">"
       "<h2 class=\"nhsuk-heading-m\">Issue a token</h2>"
       "<form action=\"/admin/tokens\" method=\"post\" novalidate>"_m;
  CsrfField(h, page.viewer.csrf_token);
  if (teams->size() == 1) {
    h << "<input type=\"hidden\" name=\"team\" value=\""_m << teams->front().team.id.value
      << "\"><p>For "_m << teams->front().label << ".</p>"_m;
  } else {
    std::vector<Choice> choices;
    for (const TokenTeam& team : *teams) {
      choices.push_back({std::to_string(team.team.id.value), team.label, {}});
    }
    Select(h, form, "team", "Team", choices,
           "The token can send the figures of this team's measures");
  }
  InputOptions name;
  name.hint = "What will use the token, for example: Ward 7 e-observations feed";
  Input(h, form, "name", "Name", name);
  Button(h, "Issue token");
  h << "</form></div></div>"_m;

  PageSpec spec;
  spec.title = "API tokens";
  spec.back_href = "/admin";
  spec.nav = "admin";
  spec.has_errors = !form.ok();
  spec.status = status;
  return PageResponse(page.viewer, spec, h);
}

// The page that shows a new token's secret, once.
Response IssuedPage(PageContext& page, const store::Issued<store::ApiToken>& issued,
                    std::string_view team_label) {
  Html h;
  h << "<div class=\"nhsuk-grid-row\"><div class=\"nhsuk-grid-column-two-thirds\">"
       "<div class=\"nhsuk-panel\"><h1 class=\"nhsuk-panel__heading\">Token issued</h1>"
       "<div class=\"nhsuk-panel__body\"><p>"_m
    << issued.record.name << " for "_m << team_label << "</p><p><code id=\"token-secret\">"_m
    << issued.secret
    << "</code></p></div></div>"
       "<div class=\"nhsuk-card nhsuk-card--warning\"><div class=\"nhsuk-card__content\">"
       "<h2 class=\"nhsuk-card__heading\"><span role=\"text\"><span "
       "class=\"nhsuk-u-visually-hidden\">Important: </span>Copy this token now</span></h2>"
       "<p class=\"nhsuk-card__description\">Copy this token now: you will not see it again. "
       "everyseat keeps only a fingerprint of it, so nobody can show it to you later.</p>"
       "</div></div>"
       "<p>The system sends it with each request, in the header <code>Authorization: Bearer "
       "TOKEN</code>. It can send the figures of this team's measures and nothing else.</p>"
       "<p><a href=\"/admin/tokens\">Back to API tokens</a></p></div></div>"_m;
  PageSpec spec;
  spec.title = "Token issued";
  spec.nav = "admin";
  return PageResponse(page.viewer, spec, h);
}

Response Issue(PageContext& page) {
  FormState& form = page.form;
  const std::optional<int64_t> team_id = ReadId(form.Value("team"));
  if (!team_id) form.Fail("team", "Choose the team the token is for");
  std::string name(form.Value("name"));
  while (!name.empty() && std::isspace(static_cast<unsigned char>(name.back()))) name.pop_back();
  while (!name.empty() && std::isspace(static_cast<unsigned char>(name.front()))) {
    name.erase(0, 1);
  }
  if (name.empty()) {
    form.Fail("name", "Enter a name for the token");
  } else if (name.size() > 200) {
    form.Fail("name", "The name must be 200 characters or fewer");
  }
  if (!form.ok()) return TokensPage(page, form, 422);

  const domain::TeamId team(*team_id);
  if (auto allowed = page.impl.Authorise(page.store, page.caller, Action::kManageTokens, team);
      !allowed) {
    return FromRefusal(page.viewer, allowed.error());
  }
  auto issued =
      page.store.IssueApiToken(page.caller.actor, page.caller.org, team, name, std::nullopt);
  if (!issued) return FromRefusal(page.viewer, api::StoreRefusal(issued.error()));
  std::string label;
  if (auto found = page.store.GetTeam(page.caller.org, team)) {
    label = BelowOrganisation(found->path);
  }
  return IssuedPage(page, *issued, label);
}

Response Revoke(PageContext& page) {
  const std::optional<int64_t> token_id = ReadId(page.request.PathParam("token"));
  const std::optional<int64_t> team_id = ReadId(page.form.Value("team"));
  if (!token_id || !team_id) return ErrorPage(page.viewer, 404, "there is no such token");
  const domain::TeamId team(*team_id);
  // As DELETE /api/v1/teams/{team}/tokens/{token}: the team first, then the token in it.
  if (auto allowed = page.impl.Authorise(page.store, page.caller, Action::kManageTokens, team);
      !allowed) {
    return FromRefusal(page.viewer, allowed.error());
  }
  auto tokens = page.store.ListApiTokens(page.caller.org, team);
  if (!tokens) return FromRefusal(page.viewer, api::StoreRefusal(tokens.error()));
  bool of_team = false;
  for (const store::ApiToken& token : *tokens) of_team = of_team || token.id.value == *token_id;
  if (!of_team) return ErrorPage(page.viewer, 404, "there is no such token in this team");
  auto revoked =
      page.store.RevokeApiToken(page.caller.actor, page.caller.org, domain::TokenId(*token_id));
  if (!revoked) return FromRefusal(page.viewer, api::StoreRefusal(revoked.error()));
  return Redirect("/admin/tokens?revoked=1");
}

}  // namespace

void AddTokenPages(Router& router, Api::Impl& impl) {
  AddPage(router, impl, "GET", "/admin/tokens", [](PageContext& page) -> Response {
    FormState form;
    if (auto team = page.request.Query("team")) form.Set("team", std::string(*team));
    return TokensPage(page, form, 200);
  });
  AddPage(router, impl, "POST", "/admin/tokens", Issue);
  AddPage(router, impl, "POST", "/admin/tokens/{token}/revoke", Revoke);
}

}  // namespace everyseat::server::web
