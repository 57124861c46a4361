// The signed-in person's pages: home (my teams, the figures due, new alerts), a team's page
// (every measure as a small chart with its icons and reading) and the alerts.
//
//   GET  /                         home
//   GET  /teams/{team}             a team's measures
//   GET  /alerts                   special-cause and icon-change notifications for my teams
//   POST /alerts/{notification}/seen, POST /alerts/seen (all)
#include <algorithm>

#include "../api/story_steps.h"
#include "everyseat/domain/validate.h"
#include "pages.h"

namespace everyseat::server::web {

using domain::Action;

namespace {

std::string TeamIds(const std::vector<domain::Team>& teams) {
  std::string ids;
  for (const domain::Team& team : teams) {
    if (!ids.empty()) ids += ",";
    ids += std::to_string(team.id.value);
  }
  return ids;
}

std::string When(int64_t unix_seconds) { return FormatDate(domain::FormatIsoDate(unix_seconds)); }

api::Outcome<std::vector<domain::Notification>> Alerts(PageContext& page,
                                                       const std::vector<domain::Team>& teams,
                                                       bool unseen_only, int limit) {
  store::NotificationQuery query;
  for (const domain::Team& team : teams) query.teams.push_back(team.id);
  query.unseen_only = unseen_only;
  query.limit = limit;
  auto found = page.store.ListNotifications(page.caller.org, *page.caller.person, query);
  if (!found) return api::Refuse(found.error());
  return std::move(*found);
}

void AlertList(Html& h, PageContext& page, const std::vector<domain::Notification>& alerts,
               bool with_buttons) {
  h << "<ul class=\"nhsuk-list es-alerts\">"_m;
  for (const domain::Notification& alert : alerts) {
    h << "<li class=\"es-alert\"><p class=\"nhsuk-u-margin-bottom-1\">"_m;
    if (!alert.seen) {
      Tag(h, "New", "blue");
      h << " "_m;
    }
    h << "<a href=\"/measures/"_m << alert.measure.value << "\">"_m << alert.message
      << "</a></p><p class=\"nhsuk-body-s nhsuk-u-secondary-text-colour\">"_m
      << When(alert.created_at) << "</p>"_m;
    if (with_buttons && !alert.seen) {
      h << "<form action=\"/alerts/"_m << alert.id.value << "/seen\" method=\"post\" novalidate>"_m;
      CsrfField(h, page.viewer.csrf_token);
      h << "<button class=\"nhsuk-button nhsuk-button--secondary nhsuk-button--small\" "
           "data-module=\"nhsuk-button\" type=\"submit\">Mark as seen<span "
           "class=\"nhsuk-u-visually-hidden\">: "_m
        << alert.message << "</span></button></form>"_m;
    }
    h << "</li>"_m;
  }
  h << "</ul>"_m;
}

Response HomePage(PageContext& page) {
  auto teams = MyTeams(page);
  if (!teams) return FromRefusal(page.viewer, teams.error());
  Html h;
  std::string first_name = page.viewer.name.substr(0, page.viewer.name.find(' '));
  h << "<h1 class=\"nhsuk-heading-l\">Hello, "_m << first_name << "</h1>"_m;

  // Figures due: measures of my teams whose next period has come.
  const std::string today = Today();
  struct Due {
    domain::Measure measure;
    std::string team;
    std::string period;
  };
  std::vector<Due> due;
  for (const domain::Team& team : *teams) {
    if (!Allowed(page, Action::kAddObservation, team.id)) continue;
    auto measures = page.store.ListMeasures(page.caller.org, team.id);
    if (!measures) return FromRefusal(page.viewer, api::StoreRefusal(measures.error()));
    for (const domain::Measure& measure : *measures) {
      auto snapshot = Snapshot(page, measure);
      if (!snapshot) continue;
      const std::string last = snapshot->dates.empty() ? "" : snapshot->dates.back();
      const std::string period = DuePeriod(measure, last, today);
      if (!period.empty()) due.push_back({measure, team.name, period});
    }
  }

  h << "<div id=\"es-home-live\" data-live-region>"_m;
  h << "<h2 class=\"nhsuk-heading-m\">Figures due</h2>"_m;
  if (due.empty()) {
    h << "<p>All your teams' figures are up to date.</p>"_m;
  } else {
    h << "<ul class=\"nhsuk-list es-due\">"_m;
    for (const Due& d : due) {
      h << "<li><a href=\"/measures/"_m << d.measure.id.value << "/add\">"_m << d.measure.name
        << "<span class=\"nhsuk-u-visually-hidden\">: add the figure</span></a> "
           "<span class=\"nhsuk-body-s nhsuk-u-secondary-text-colour\">"_m
        << d.team << " \u2013 for "_m << FormatDate(d.period) << "</span></li>"_m;
    }
    h << "</ul>"_m;
  }

  auto alerts = Alerts(page, *teams, true, 5);
  if (!alerts) return FromRefusal(page.viewer, alerts.error());
  h << "<h2 class=\"nhsuk-heading-m\">New alerts</h2>"_m;
  if (alerts->empty()) {
    h << "<p>No new alerts.</p>"_m;
  } else {
    AlertList(h, page, *alerts, false);
    h << "<p><a href=\"/alerts\">See all alerts</a></p>"_m;
  }
  h << "</div>"_m;

  // Stories of leadership that wait for me (story_pages.cc). Without an inbox (the store could
  // not answer) the panel is left out: the rest of the page still works.
  if (auto inbox = api::Inbox(page.store, page.caller)) {
    const auto count = [](size_t n, std::string_view one, std::string_view many) {
      return std::to_string(n) + " " + std::string(n == 1 ? one : many);
    };
    h << "<h2 class=\"nhsuk-heading-m\">Stories of leadership</h2>"
         "<ul class=\"nhsuk-list es-home-stories\">"_m;
    if (!inbox->consent_requests.empty()) {
      h << "<li><a href=\"/stories/mine\">"_m
        << count(inbox->consent_requests.size(), "story waits", "stories wait")
        << " for your consent</a></li>"_m;
    }
    if (!inbox->to_acknowledge.empty()) {
      h << "<li><a href=\"/stories/mine\">"_m
        << count(inbox->to_acknowledge.size(), "story", "stories") << " to acknowledge</a></li>"_m;
    }
    if (!inbox->overdue_below.empty()) {
      h << "<li><a href=\"/stories/mine\">"_m
        << count(inbox->overdue_below.size(), "story", "stories")
        << " not acknowledged after 14 days</a></li>"_m;
    }
    h << "<li><a href=\"/stories/new\">Record a story</a></li>"
         "<li><a href=\"/stories\">Read the wall and the learning library</a></li></ul>"_m;
  }

  h << "<h2 class=\"nhsuk-heading-m\">My teams</h2>"_m;
  if (teams->empty()) {
    h << "<p>You are not in a team yet. Ask your line manager or an administrator to add you.</p>"_m;
  } else {
    h << "<ul class=\"nhsuk-list es-teams\">"_m;
    for (const domain::Team& team : *teams) {
      h << "<li><a href=\"/teams/"_m << team.id.value << "\">"_m << team.name
        << "</a> <span class=\"nhsuk-body-s nhsuk-u-secondary-text-colour\">"_m << team.path
        << "</span></li>"_m;
    }
    h << "</ul>"_m;
  }
  PageSpec spec;
  spec.title = "Home";
  spec.nav = "home";
  spec.live_teams = TeamIds(*teams);
  return PageResponse(page.viewer, spec, h);
}

Response TeamPage(PageContext& page) {
  auto id = api::PathId(page.request, "team");
  if (!id) return ErrorPage(page.viewer, 404, "there is no such team");
  auto team = page.store.GetTeam(page.caller.org, domain::TeamId(*id));
  if (!team) return ErrorPage(page.viewer, 404, "there is no such team");
  if (auto allowed = page.impl.Authorise(page.store, page.caller, Action::kViewMeasures, team->id);
      !allowed) {
    return FromRefusal(page.viewer, allowed.error());
  }
  auto measures = page.store.ListMeasures(page.caller.org, team->id);
  if (!measures) return FromRefusal(page.viewer, api::StoreRefusal(measures.error()));
  const bool can_define = Allowed(page, Action::kDefineMeasure, team->id);

  Html h;
  h << "<h1 class=\"nhsuk-heading-l\"><span class=\"nhsuk-caption-l\">"_m << team->path
    << "<span class=\"nhsuk-u-visually-hidden\"> \u2013 </span></span>"_m << team->name
    << "</h1>"_m;
  if (can_define) {
    h << "<p><a href=\"/teams/"_m << team->id.value << "/measures/new\">Add a measure</a></p>"_m;
  }
  h << "<div id=\"es-team-live\" data-live-region>"_m;
  if (measures->empty()) {
    h << "<p>This team has no measures yet.</p>"_m;
  } else {
    h << "<ul class=\"nhsuk-grid-row nhsuk-card-group\">"_m;
    for (const domain::Measure& measure : *measures) {
      auto snapshot = Snapshot(page, measure);
      if (!snapshot) return FromRefusal(page.viewer, snapshot.error());
      h << "<li class=\"nhsuk-grid-column-one-half nhsuk-card-group__item\">"
           "<div class=\"nhsuk-card nhsuk-card--clickable\"><div class=\"nhsuk-card__content\">"
           "<h2 class=\"nhsuk-card__heading nhsuk-heading-s\"><a class=\"nhsuk-card__link\" "
           "href=\"/measures/"_m
        << measure.id.value << "\">"_m << measure.name << "</a></h2><div class=\"es-reading\">"_m;
      Icons(h, *snapshot);
      h << "<p class=\"nhsuk-card__description\">Latest: <strong>"_m << LatestFigure(*snapshot)
        << "</strong></p></div><figure class=\"es-chart es-chart--small\">"_m;
      h.Trusted(
          ChartSvg(*snapshot, 480, 260, std::string("m").append(std::to_string(measure.id.value))));
      h << "</figure>"_m;
      if (snapshot->analysis) {
        h << "<p class=\"nhsuk-body-s\">"_m << snapshot->analysis->summary.reading << "</p>"_m;
      } else if (!snapshot->error.empty()) {
        h << "<p class=\"nhsuk-body-s\">The chart cannot be drawn: "_m << snapshot->error
          << "</p>"_m;
      }
      h << "</div></div></li>"_m;
    }
    h << "</ul>"_m;
  }
  h << "</div>"_m;
  PageSpec spec;
  spec.title = team->name;
  spec.back_href = "/";
  spec.live_teams = std::to_string(team->id.value);
  return PageResponse(page.viewer, spec, h);
}

Response AlertsPage(PageContext& page) {
  auto teams = MyTeams(page);
  if (!teams) return FromRefusal(page.viewer, teams.error());
  auto alerts = Alerts(page, *teams, false, 100);
  if (!alerts) return FromRefusal(page.viewer, alerts.error());
  Html h;
  h << "<h1 class=\"nhsuk-heading-l\">Alerts</h1><p>When a measure of your teams shows special "
       "cause variation, or its variation or assurance changes, it appears here. Look at the "
       "chart and talk with your team about what changed.</p>"_m;
  const bool any_unseen = std::any_of(alerts->begin(), alerts->end(),
                                      [](const domain::Notification& n) { return !n.seen; });
  if (any_unseen) {
    h << "<form action=\"/alerts/seen\" method=\"post\" novalidate>"_m;
    CsrfField(h, page.viewer.csrf_token);
    Button(h, "Mark all as seen", true);
    h << "</form>"_m;
  }
  h << "<div id=\"es-alerts-live\" data-live-region>"_m;
  if (alerts->empty()) {
    h << "<p>No alerts yet.</p>"_m;
  } else {
    AlertList(h, page, *alerts, true);
  }
  h << "</div>"_m;
  PageSpec spec;
  spec.title = "Alerts";
  spec.nav = "alerts";
  spec.live_teams = TeamIds(*teams);
  return PageResponse(page.viewer, spec, h);
}

}  // namespace

void AddHomePages(Router& router, Api::Impl& impl) {
  AddPage(router, impl, "GET", "/", HomePage);
  AddPage(router, impl, "GET", "/teams/{team}", TeamPage);
  AddPage(router, impl, "GET", "/alerts", AlertsPage);
  AddPage(router, impl, "POST", "/alerts/{notification}/seen", [](PageContext& page) -> Response {
    auto id = api::PathId(page.request, "notification");
    if (!id) return ErrorPage(page.viewer, 404, "there is no such alert");
    auto alert = page.store.GetNotification(page.caller.org, *page.caller.person,
                                            domain::NotificationId(*id));
    if (!alert) return ErrorPage(page.viewer, 404, "there is no such alert");
    if (auto allowed =
            page.impl.Authorise(page.store, page.caller, Action::kViewMeasures, alert->team);
        !allowed) {
      return FromRefusal(page.viewer, allowed.error());
    }
    if (auto marked =
            page.store.MarkNotificationSeen(page.caller.org, *page.caller.person, alert->id);
        !marked) {
      return FromRefusal(page.viewer, api::StoreRefusal(marked.error()));
    }
    return Redirect("/alerts");
  });
  AddPage(router, impl, "POST", "/alerts/seen", [](PageContext& page) -> Response {
    auto teams = MyTeams(page);
    if (!teams) return FromRefusal(page.viewer, teams.error());
    auto alerts = Alerts(page, *teams, true, 500);
    if (!alerts) return FromRefusal(page.viewer, alerts.error());
    for (const domain::Notification& alert : *alerts) {
      if (auto marked =
              page.store.MarkNotificationSeen(page.caller.org, *page.caller.person, alert.id);
          !marked) {
        return FromRefusal(page.viewer, api::StoreRefusal(marked.error()));
      }
    }
    return Redirect("/alerts");
  });
}

}  // namespace everyseat::server::web
