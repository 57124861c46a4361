// Recognition equity (issue 5, point 7), for people with the equality or board role: stories of
// leadership per 100 staff by team, by each level of the organisation tree and by staff group,
// and the teams with no story in the last 90 days, over a window of 90 days, a year or two years.
//
//   GET /equity?days=90|365|730
//
// Never a ranking of individuals (product.md, "No Superman"): the rows are teams, levels and
// staff groups, in the order of the organisation tree, never sorted by their rate. The counting
// is the step's (api::RecognitionEquity, the same the JSON API's /api/v1/equity takes), which
// also refuses everyone without the role (403).
#include <string>
#include <vector>

#include "../api/story_steps.h"
#include "everyseat/domain/story.h"
#include "pages.h"

namespace everyseat::server::web {

namespace {

struct Window {
  int days;
  std::string_view words;  // "in the last ..."
};
constexpr Window kWindows[] = {{90, "90 days"}, {365, "12 months"}, {730, "2 years"}};
constexpr int kDefaultDays = 365;

// A team's path without the organisation's name: "Community/District Nursing".
std::string TeamLabel(std::string_view path) {
  const size_t slash = path.find('/');
  return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

// The last part of a path: "District Nursing".
std::string LastPart(std::string_view path) {
  const size_t slash = path.rfind('/');
  return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

std::string Per100(double rate) { return FormatNumber(rate, 1); }

void HeaderRow(Html& h, std::initializer_list<std::string_view> headings) {
  h << "<thead role=\"rowgroup\" class=\"nhsuk-table__head\"><tr role=\"row\">"_m;
  for (const std::string_view heading : headings) {
    h << "<th role=\"columnheader\" class=\"nhsuk-table__header\" scope=\"col\">"_m << heading
      << "</th>"_m;
  }
  h << "</tr></thead><tbody class=\"nhsuk-table__body\">"_m;
}

// A cell of a responsive table, with its heading shown above the value on a phone.
void Cell(Html& h, std::string_view heading, bool numeric = false) {
  h << "<td role=\"cell\" class=\"nhsuk-table__cell"_m
    << (numeric ? " nhsuk-table__cell--numeric"_m : ""_m)
    << "\"><span class=\"nhsuk-table-responsive__heading\" aria-hidden=\"true\">"_m << heading
    << " </span>"_m;
}

void TableStart(Html& h, std::string_view id, std::string_view caption) {
  h << "<table role=\"table\" class=\"nhsuk-table-responsive\" id=\""_m << id
    << "\"><caption class=\"nhsuk-table__caption\">"_m << caption << "</caption>"_m;
}

// The counts of one row: staff, stories and stories per 100 staff.
void Counts(Html& h, const domain::EquityRow& row) {
  Cell(h, "Staff", true);
  h << row.staff << "</td>"_m;
  Cell(h, "Stories", true);
  h << row.stories << "</td>"_m;
  Cell(h, "Stories per 100 staff", true);
  h << Per100(row.per_100_staff) << "</td>"_m;
}

// The spacing class that indents a level of the tree (depth 1: none).
Markup Indent(int depth) {
  switch (depth) {
    case 0:
    case 1:
      return ""_m;
    case 2:
      return " nhsuk-u-padding-left-4"_m;
    case 3:
      return " nhsuk-u-padding-left-6"_m;
    case 4:
      return " nhsuk-u-padding-left-8"_m;
    default:
      return " nhsuk-u-padding-left-9"_m;
  }
}

Response EquityPage(PageContext& page) {
  FormState form;
  int days = kDefaultDays;
  if (auto asked = page.request.Query("days")) {
    bool known = false;
    for (const Window& window : kWindows) {
      if (*asked == std::to_string(window.days)) {
        days = window.days;
        known = true;
      }
    }
    if (!known) form.Fail("days", "Choose a period from the list");
  }
  form.Set("days", std::to_string(days));
  std::string_view window_words;
  for (const Window& window : kWindows) {
    if (window.days == days) window_words = window.words;
  }

  auto equity = api::RecognitionEquity(page.store, page.caller, days);
  if (!equity) {
    if (equity.error().status == 403) {
      return ErrorPage(page.viewer, 403,
                       "only equality leads and board members can see recognition equity");
    }
    return FromRefusal(page.viewer, equity.error());
  }
  const std::string in_window = "in the last " + std::string(window_words);

  Html h;
  ErrorSummary(h, form);
  h << "<h1 class=\"nhsuk-heading-l\">Recognition equity</h1>"
       "<div class=\"nhsuk-grid-row\"><div class=\"nhsuk-grid-column-two-thirds\">"
       "<p>Where stories of leadership are told, and where they are rare: published stories "
       "per 100 staff, by team, by each level of the organisation and by staff group. A story "
       "counts for a team when it names the team or one of its members.</p>"
       "<div class=\"nhsuk-inset-text\"><span class=\"nhsuk-u-visually-hidden\">Information: "
       "</span><p>This view never ranks individual people. There are no scores, points or "
       "\u201chero of the month\u201d. Teams are listed in the order of the organisation, not "
       "by their rate, so it is not a league table: use it to find the teams and staff groups "
       "whose work is rarely recognised.</p></div>"_m;

  h << "<form action=\"/equity\" method=\"get\" novalidate>"_m;
  std::vector<Choice> choices;
  for (const Window& window : kWindows) {
    choices.push_back({std::to_string(window.days), "The last " + std::string(window.words), ""});
  }
  Select(h, form, "days", "Period", choices);
  Button(h, "Show", true);
  h << "</form></div></div>"_m;

  // Contents, so each table is one link away on a phone.
  h << "<nav aria-label=\"On this page\"><ul class=\"nhsuk-list nhsuk-list--bullet\">"
       "<li><a href=\"#by-team\">By team</a></li>"
       "<li><a href=\"#by-level\">By level of the organisation</a></li>"
       "<li><a href=\"#by-staff-group\">By staff group</a></li>"
       "<li><a href=\"#without-recent\">Teams with no story in the last 90 days</a></li>"
       "</ul></nav>"_m;

  // By team.
  h << "<h2 class=\"nhsuk-heading-m\">By team</h2>"_m;
  if (equity->by_team.empty()) {
    h << "<p id=\"by-team\">No team has staff yet.</p>"_m;
  } else {
    TableStart(h, "by-team", "Stories per 100 staff by team, " + in_window);
    HeaderRow(h, {"Team", "Staff", "Stories", "Stories per 100 staff"});
    for (const domain::EquityRow& row : equity->by_team) {
      h << "<tr role=\"row\" class=\"nhsuk-table__row\">"_m;
      Cell(h, "Team");
      if (row.team) {
        h << "<a href=\"/teams/"_m << row.team->value << "\">"_m << TeamLabel(row.label)
          << "</a>"_m;
      } else {
        h << TeamLabel(row.label);
      }
      h << "</td>"_m;
      Counts(h, row);
      h << "</tr>"_m;
    }
    h << "</tbody></table>"_m;
  }

  // By level: every node of the tree with everything below it, indented by its depth.
  h << "<h2 class=\"nhsuk-heading-m\">By level of the organisation</h2>"
       "<p>Each part of the organisation with every team below it. A person or a story is "
       "counted once for each part, however many of its teams they are in.</p>"_m;
  if (equity->by_level.empty()) {
    h << "<p id=\"by-level\">There are no teams yet.</p>"_m;
  } else {
    TableStart(h, "by-level", "Stories per 100 staff by level of the organisation, " + in_window);
    HeaderRow(h,
              {"Part of the organisation", "Level", "Staff", "Stories", "Stories per 100 staff"});
    for (const domain::EquityRow& row : equity->by_level) {
      h << "<tr role=\"row\" class=\"nhsuk-table__row\">"_m;
      Cell(h, "Part of the organisation");
      h << "<span class=\"es-level"_m << Indent(row.depth) << "\">"_m << LastPart(row.label);
      const std::string above = TeamLabel(row.label);
      const size_t slash = above.rfind('/');
      if (slash != std::string::npos) {
        h << "<span class=\"nhsuk-u-visually-hidden\">, part of "_m << above.substr(0, slash)
          << "</span>"_m;
      }
      h << "</span></td>"_m;
      Cell(h, "Level", true);
      h << row.depth << "</td>"_m;
      Counts(h, row);
      h << "</tr>"_m;
    }
    h << "</tbody></table>"_m;
  }

  // By staff group.
  h << "<h2 class=\"nhsuk-heading-m\">By staff group</h2>"_m;
  if (equity->by_staff_group.empty()) {
    h << "<p id=\"by-staff-group\">There are no staff yet.</p>"_m;
  } else {
    TableStart(h, "by-staff-group", "Stories per 100 staff by staff group, " + in_window);
    HeaderRow(h, {"Staff group", "Staff", "Stories", "Stories per 100 staff"});
    for (const domain::EquityRow& row : equity->by_staff_group) {
      h << "<tr role=\"row\" class=\"nhsuk-table__row\">"_m;
      Cell(h, "Staff group");
      const auto group = domain::ParseStaffGroup(row.label);
      h << (group ? StaffGroupWords(*group) : std::string_view(row.label)) << "</td>"_m;
      Counts(h, row);
      h << "</tr>"_m;
    }
    h << "</tbody></table>"_m;
  }

  // Teams without a story in the last 90 days, whatever the window.
  h << "<h2 class=\"nhsuk-heading-m\">Teams with no story in the last 90 days</h2>"_m;
  if (equity->teams_without_recent.empty()) {
    h << "<p id=\"without-recent\">Every team with staff has had a story in the last 90 "
         "days.</p>"_m;
  } else {
    h << "<p>These teams have staff but no published story has named them, or any of their "
         "members, in the last 90 days.</p>"_m;
    TableStart(h, "without-recent", "Teams with no story in the last 90 days");
    HeaderRow(h, {"Team", "Staff"});
    for (const domain::EquityRow& row : equity->teams_without_recent) {
      h << "<tr role=\"row\" class=\"nhsuk-table__row\">"_m;
      Cell(h, "Team");
      if (row.team) {
        h << "<a href=\"/teams/"_m << row.team->value << "\">"_m << TeamLabel(row.label)
          << "</a>"_m;
      } else {
        h << TeamLabel(row.label);
      }
      h << "</td>"_m;
      Cell(h, "Staff", true);
      h << row.staff << "</td></tr>"_m;
    }
    h << "</tbody></table>"_m;
  }

  PageSpec spec;
  spec.title = "Recognition equity";
  spec.back_href = "/";
  spec.nav = "equity";
  spec.has_errors = !form.ok();
  spec.status = form.ok() ? 200 : 400;
  return PageResponse(page.viewer, spec, h);
}

}  // namespace

void AddEquityPages(Router& router, Api::Impl& impl) {
  AddPage(router, impl, "GET", "/equity", EquityPage);
}

}  // namespace everyseat::server::web
