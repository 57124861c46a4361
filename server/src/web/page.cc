// The NHS.UK page template and the steps every page takes (pages.h).
#include <algorithm>

#include "everyseat/server/json.h"
#include "pages.h"

namespace everyseat::server::web {

namespace {

constexpr std::string_view kNhsLogo =
    "<svg class=\"nhsuk-header__logo\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 200 80\" "
    "height=\"40\" width=\"100\" focusable=\"false\" role=\"img\" aria-label=\"NHS\"><title>NHS"
    "</title><path fill=\"currentcolor\" d=\"M200 0v80H0V0h200Zm-27.5 5.5c-14.5 0-29 5-29 22 0 "
    "10.2 7.7 13.5 14.7 16.3l.7.3c5.4 2 10.1 3.9 10.1 8.4 0 6.5-8.5 7.5-14 "
    "7.5s-12.5-1.5-16-3.5L135 "
    "70c5.5 2 13.5 3.5 20 3.5 15.5 0 32-4.5 32-22.5 0-19.5-25.5-16.5-25.5-25.5 0-5.5 5.5-6.5 "
    "12.5-6.5a35 35 0 0 1 14.5 3l4-13.5c-4.5-2-12-3-20-3Zm-131 2h-22l-14 65H22l9-45h.5l13.5 "
    "45h21.5l14-65H64l-9 45h-.5l-13-45Zm63 0h-18l-13 65h17l6-28H117l-5.5 28H129l13.5-65H125L119.5 "
    "32h-20l5-24.5Z\"/></svg>";

constexpr std::string_view kUserIcon =
    "<svg class=\"nhsuk-icon nhsuk-icon--user\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 "
    "24 24\" width=\"16\" height=\"16\" focusable=\"false\" aria-hidden=\"true\"><path d=\"M12 "
    "1a11 "
    "11 0 1 1 0 22 11 11 0 0 1 0-22Zm0 2a9 9 0 0 0-5 16.5V18a4 4 0 0 1 4-4h2a4 4 0 0 1 4 4v1.5A9 9 "
    "0 0 0 12 3Zm0 3a3.5 3.5 0 1 1-3.5 3.5A3.4 3.4 0 0 1 12 6Z\"/></svg>";

// `live_id`: the item is a live region of that id (main.ts refreshes it with the page's regions).
void NavItem(Html& h, std::string_view href, std::string_view text, bool current,
             std::string_view live_id = {}) {
  h << "<li class=\"nhsuk-header__navigation-item"_m
    << (current ? " nhsuk-header__navigation-item--current"_m : ""_m) << "\""_m;
  if (!live_id.empty()) h << " id=\""_m << live_id << "\" data-live-region"_m;
  h << ">"_m
    << "<a class=\"nhsuk-header__navigation-link\" href=\""_m << href << "\""_m;
  if (current) {
    h << " aria-current=\"page\"><strong class=\"nhsuk-header__navigation-item-current-fallback\">"_m
      << text << "</strong></a></li>"_m;
  } else {
    h << ">"_m << text << "</a></li>"_m;
  }
}

void Header(Html& h, const Viewer& viewer, std::string_view nav) {
  h << "<header class=\"nhsuk-header\" data-module=\"nhsuk-header\" role=\"banner\">"
       "<div class=\"nhsuk-header__container nhsuk-width-container\">"
       "<div class=\"nhsuk-header__service\">"
       "<a class=\"nhsuk-header__service-logo\" href=\"/\" aria-label=\"NHS everyseat homepage\">"_m;
  h.Trusted(kNhsLogo);
  h << "<span class=\"nhsuk-header__service-name\">everyseat</span></a></div>"_m;
  if (viewer.signed_in) {
    h << "<nav class=\"nhsuk-header__account\" aria-label=\"Account\">"
         "<ul class=\"nhsuk-header__account-list\"><li class=\"nhsuk-header__account-item\">"_m;
    h.Trusted(kUserIcon);
    h << "<a class=\"nhsuk-header__account-link\" href=\"/account\">"_m << viewer.name
      << "<span class=\"nhsuk-u-visually-hidden\">: your account</span></a>"
         "</li><li class=\"nhsuk-header__account-item\">"
         "<form class=\"nhsuk-header__account-form\" action=\"/sign-out\" method=\"post\" "
         "novalidate>"_m;
    CsrfField(h, viewer.csrf_token);
    h << "<button class=\"nhsuk-header__account-button\">Sign out</button></form></li></ul>"
         "</nav>"_m;
  }
  h << "</div>"_m;
  if (viewer.signed_in) {
    h << "<nav class=\"nhsuk-header__navigation\" aria-label=\"Menu\">"
         "<div class=\"nhsuk-header__navigation-container nhsuk-width-container\">"
         "<ul class=\"nhsuk-header__navigation-list\">"_m;
    NavItem(h, "/", "Home", nav == "home");
    NavItem(h, "/stories", "Stories", nav == "stories");
    NavItem(h, "/reflections", "Reflections", nav == "reflections");
    if (viewer.moderator) NavItem(h, "/moderation", "Moderation", nav == "moderation");
    if (viewer.sees_equity) NavItem(h, "/equity", "Equity", nav == "equity");
    const std::string alerts = viewer.unseen_alerts > 0
                                   ? "Alerts (" + std::to_string(viewer.unseen_alerts) + " new)"
                                   : "Alerts";
    // Live, so that the count of new alerts follows the alerts a live update brings.
    NavItem(h, "/alerts", alerts, nav == "alerts", "es-nav-alerts");
    if (viewer.admin || viewer.leads_a_team) NavItem(h, "/admin", "Admin", nav == "admin");
    h << "<li class=\"nhsuk-header__menu\" hidden><button class=\"nhsuk-header__menu-toggle "
         "nhsuk-header__navigation-link\" id=\"toggle-menu\" aria-expanded=\"false\">"
         "<span class=\"nhsuk-u-visually-hidden\">Browse </span>More</button></li>"
         "</ul></div></nav>"_m;
  }
  h << "</header>"_m;
}

void Footer(Html& h, const Viewer& viewer) {
  h << "<footer class=\"nhsuk-footer\" role=\"contentinfo\"><div class=\"nhsuk-width-container\">"
       "<div class=\"nhsuk-footer__meta\"><h2 class=\"nhsuk-u-visually-hidden\">Support links</h2>"
       "<ul class=\"nhsuk-footer__list\"><li class=\"nhsuk-footer__list-item\">"
       "<a class=\"nhsuk-footer__list-item-link\" href=\"/api/v1/openapi.json\">API</a></li>"
       "</ul><p class=\"nhsuk-body-s\">everyseat: leadership from every seat"_m;
  if (!viewer.organisation.empty()) h << " \u2013 "_m << viewer.organisation;
  h << "</p></div></div></footer>"_m;
}

}  // namespace

Response PageResponse(const Viewer& viewer, const PageSpec& spec, const Html& content) {
  Html h;
  h << "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>"_m;
  if (spec.has_errors) h << "Error: "_m;
  h << spec.title
    << " \u2013 everyseat</title>"
       "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1, "
       "viewport-fit=cover\"><meta name=\"theme-color\" content=\"#005eb8\">"
       "<link rel=\"icon\" href=\"/assets/images/favicon.ico\" sizes=\"48x48\">"
       "<link rel=\"icon\" href=\"/assets/images/favicon.svg\" sizes=\"any\" "
       "type=\"image/svg+xml\">"
       "<link rel=\"stylesheet\" href=\"/assets/app.css\">"
       "<script type=\"module\" src=\"/assets/app.js\"></script></head><body"_m;
  if (!spec.live_measure.empty()) h << " data-live-measure=\""_m << spec.live_measure << "\""_m;
  if (!spec.live_teams.empty()) h << " data-live-team=\""_m << spec.live_teams << "\""_m;
  h << "><a class=\"nhsuk-skip-link\" data-module=\"nhsuk-skip-link\" href=\"#maincontent\">"
       "Skip to main content</a>"_m;
  Header(h, viewer, spec.nav);
  h << "<div class=\"nhsuk-width-container\">"_m;
  if (!spec.back_href.empty()) BackLink(h, spec.back_href);
  h << "<main class=\"nhsuk-main-wrapper\" id=\"maincontent\">"_m << content << "</main></div>"_m;
  h << "<div id=\"es-live-status\" class=\"nhsuk-u-visually-hidden\" role=\"status\"></div>"_m;
  Footer(h, viewer);
  h << "</body></html>"_m;
  Response response = TextResponse(spec.status, std::move(h).Take(), "text/html; charset=utf-8");
  response.headers.emplace_back("Cache-Control", "no-store");
  response.headers.emplace_back("X-Content-Type-Options", "nosniff");
  response.headers.emplace_back("X-Frame-Options", "DENY");
  response.headers.emplace_back("Referrer-Policy", "same-origin");
  response.headers.emplace_back("Content-Security-Policy",
                                "default-src 'self'; img-src 'self' data:; style-src 'self' "
                                "'unsafe-inline'; script-src 'self'; connect-src 'self'; "
                                "frame-ancestors 'none'; form-action 'self'; base-uri 'none'");
  return response;
}

Response Redirect(std::string_view location) {
  Response response;
  response.status = 303;
  // Only paths of this service (never another site: "//host" or "/\host" are not paths here).
  std::string target(location);
  if (target.empty() || target[0] != '/' ||
      (target.size() > 1 && (target[1] == '/' || target[1] == '\\'))) {
    target = "/";
  }
  response.headers.emplace_back("Location", target);
  response.headers.emplace_back("Cache-Control", "no-store");
  return response;
}

Response ErrorPage(const Viewer& viewer, int status, std::string_view detail) {
  std::string title;
  switch (status) {
    case 403:
      title = "You cannot do this";
      break;
    case 404:
      title = "Page not found";
      break;
    case 409:
      title = "This has changed";
      break;
    case 429:
      title = "Too many attempts";
      break;
    case 503:
      title = "Sorry, the service is busy";
      break;
    default:
      title = status >= 500 ? "Sorry, there is a problem with the service" : "There is a problem";
  }
  Html h;
  h << "<h1 class=\"nhsuk-heading-l\">"_m << title << "</h1>"_m;
  if (!detail.empty()) {
    std::string sentence(detail);
    sentence[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(sentence[0])));
    h << "<p>"_m << sentence << ".</p>"_m;
  }
  h << "<p><a href=\"/\">Go to your home page</a></p>"_m;
  PageSpec spec;
  spec.title = title;
  spec.status = status;
  return PageResponse(viewer, spec, h);
}

std::string ProblemDetail(const Response& refusal) {
  const nlohmann::json body = nlohmann::json::parse(refusal.body, nullptr, false);
  if (!body.is_object()) return {};
  const auto detail = body.find("detail");
  if (detail == body.end() || !detail->is_string()) return {};
  std::string text = detail->template get<std::string>();
  const auto errors = body.find("errors");
  if (errors != body.end() && errors->is_array()) {
    for (const auto& error : *errors) {
      if (error.contains("reason") && error["reason"].is_string()) {
        text += ": " + error["reason"].template get<std::string>();
        break;
      }
    }
  }
  return text;
}

Response FromRefusal(const Viewer& viewer, const Response& refusal, std::string_view next) {
  if (refusal.status == 401) {
    std::string location = "/sign-in";
    if (!next.empty() && next != "/") location += "?next=" + std::string(next);
    return Redirect(location);
  }
  return ErrorPage(viewer, refusal.status, ProblemDetail(refusal));
}

namespace {

bool IsForm(const Request& request) {
  const auto type = request.Header("Content-Type");
  return type &&
         (type->substr(0, 33) == "application/x-www-form-urlencoded" || IsMultipartFormData(*type));
}

// Reads a POSTed form (IsForm) into page.form, and a multipart form's files into page.files; the
// error page when it cannot be read.
std::optional<Response> ReadForm(PageContext& page) {
  const std::string_view type = page.request.Header("Content-Type").value_or("");
  if (IsMultipartFormData(type)) {
    auto parts = ParseFormData(type, page.request.body);
    if (!parts) return ErrorPage(page.viewer, 400, "the form could not be read: " + parts.error());
    page.form = FormState(std::move(parts->fields));
    page.files = std::move(parts->files);
    return std::nullopt;
  }
  auto fields = ParseUrlEncoded(page.request.body);
  if (!fields) return ErrorPage(page.viewer, 400, "the form could not be read");
  page.form = FormState(std::move(*fields));
  return std::nullopt;
}

}  // namespace

void AddPage(Router& router, Api::Impl& impl, std::string method, std::string pattern,
             PageHandler handler) {
  router.Add(std::move(method), std::move(pattern), NotInApi(),
             [&impl, handler = std::move(handler)](const Request& r) -> Response {
               Viewer anonymous;
               auto lease = impl.Connect();
               if (!lease) return FromRefusal(anonymous, lease.error());
               const auto secret = SessionSecret(r);
               const std::string next = r.method == "GET" ? r.target : std::string("/");
               if (!secret)
                 return FromRefusal(anonymous, api::Refuse(401, "sign in first").value(), next);
               auto caller = impl.SessionCaller(**lease, *secret);
               if (!caller) return FromRefusal(anonymous, caller.error(), next);

               PageContext page{impl, **lease, r, std::move(*caller), {}, {}, {}, {}};
               auto all_teams = page.store.ListTeams(page.caller.org);
               if (!all_teams) return FromRefusal(anonymous, api::StoreRefusal(all_teams.error()));
               page.teams = std::move(*all_teams);
               page.viewer.signed_in = true;
               page.viewer.csrf_token = CsrfToken(*secret);
               if (auto person = page.store.GetPerson(page.caller.org, *page.caller.person)) {
                 page.viewer.name = person->name;
               }
               if (auto organisation = page.store.GetOrganisation(page.caller.org)) {
                 page.viewer.organisation = organisation->name;
               }
               const auto& principal = std::get<domain::PersonPrincipal>(page.caller.principal);
               page.viewer.admin = std::find(principal.roles.begin(), principal.roles.end(),
                                             domain::OrgRole::kAdmin) != principal.roles.end();
               const auto has_role = [&](domain::OrgRole role) {
                 return std::find(principal.roles.begin(), principal.roles.end(), role) !=
                        principal.roles.end();
               };
               page.viewer.moderator = has_role(domain::OrgRole::kModerator);
               page.viewer.sees_equity =
                   has_role(domain::OrgRole::kEquality) || has_role(domain::OrgRole::kBoard);
               page.viewer.leads_a_team = std::any_of(
                   principal.memberships.begin(), principal.memberships.end(),
                   [](const domain::Membership& m) { return m.role == domain::TeamRole::kLead; });
               if (auto teams = MyTeams(page)) {
                 store::NotificationQuery query;
                 for (const domain::Team& team : *teams) query.teams.push_back(team.id);
                 query.unseen_only = true;
                 query.limit = 100;
                 if (auto unseen = page.store.ListNotifications(page.caller.org,
                                                                *page.caller.person, query)) {
                   page.viewer.unseen_alerts = unseen->size();
                 }
               }

               if (r.method == "POST") {
                 if (!IsForm(r)) {
                   return ErrorPage(page.viewer, 415, "send the form as an HTML form");
                 }
                 if (auto unread = ReadForm(page)) return std::move(*unread);
                 if (!CsrfMatches(*secret, page.form.Value("csrf_token"))) {
                   return ErrorPage(page.viewer, 403,
                                    "the form has expired or did not come from this service: go "
                                    "back, reload the page and try again");
                 }
               }
               return handler(page);
             });
}

api::Outcome<std::vector<domain::Team>> MyTeams(PageContext& page) {
  const domain::TeamTree tree(page.teams);
  const auto& person = std::get<domain::PersonPrincipal>(page.caller.principal);
  std::vector<domain::Team> mine;
  for (const domain::Team& team : page.teams) {
    for (const domain::Membership& m : person.memberships) {
      if (m.team == team.id ||
          (m.role == domain::TeamRole::kLead && tree.IsAtOrBelow(team.id, m.team))) {
        mine.push_back(team);
        break;
      }
    }
  }
  return mine;
}

bool Allowed(PageContext& page, domain::Action action, std::optional<domain::TeamId> team) {
  const domain::TeamTree tree(page.teams);
  return domain::Authorise(page.caller.principal, action, domain::Target{page.caller.org, team, {}},
                           tree)
      .allowed;
}

}  // namespace everyseat::server::web

namespace everyseat::server {

void Api::Impl::AddPageRoutes(Router& router) {
  // A browser asking for a page that does not exist gets a page; the API keeps its problems.
  router.SetNotFound([](const Request& request) {
    if (request.path.rfind("/api/", 0) == 0) {
      return ProblemResponse(api::MakeProblem(404, "there is no resource at " + request.path));
    }
    return web::ErrorPage(web::Viewer{}, 404, "there is no page at this address");
  });
  web::AddSessionPages(router, *this);
  web::AddHomePages(router, *this);
  web::AddMeasurePages(router, *this);
  web::AddDefinitionPages(router, *this);
  web::AddAdminPages(router, *this);
  web::AddImportPages(router, *this);
  web::AddTokenPages(router, *this);
  web::AddStoryPages(router, *this);
  web::AddModerationPages(router, *this);
  web::AddReflectionPages(router, *this);
  web::AddEquityPages(router, *this);
  web::AddAccountPages(router, *this);
}

}  // namespace everyseat::server
