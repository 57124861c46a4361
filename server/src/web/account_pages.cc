// A person's own account (issue 5, point 9): who the organisation has them down as (name, email,
// job title, staff group, line manager, teams and roles), and subject access: "Download my data",
// everything everyseat stores about them as JSON.
//
//   GET /account           the person's details and the download link
//   GET /account/export    the download: api::ExportAboutMe, the step /api/v1/me/export takes
#include <string>
#include <vector>

#include "../api/story_steps.h"
#include "pages.h"

namespace everyseat::server::web {

namespace {

Response AccountPage(PageContext& page) {
  const domain::PersonId me = *page.caller.person;
  auto person = page.store.GetPerson(page.caller.org, me);
  if (!person) return FromRefusal(page.viewer, api::StoreRefusal(person.error()));
  auto memberships = page.store.ListMembershipsOfPerson(page.caller.org, me);
  if (!memberships) return FromRefusal(page.viewer, api::StoreRefusal(memberships.error()));
  auto roles = page.store.ListRoles(page.caller.org, me);
  if (!roles) return FromRefusal(page.viewer, api::StoreRefusal(roles.error()));

  Html h;
  h << "<div class=\"nhsuk-grid-row\"><div class=\"nhsuk-grid-column-two-thirds\">"
       "<h1 class=\"nhsuk-heading-l\">Your account</h1>"_m;
  std::vector<SummaryRow> rows;
  auto row = [&](std::string key) -> Html& {
    rows.emplace_back();
    rows.back().key = std::move(key);
    return rows.back().value;
  };
  row("Name") << person->name;
  row("Email") << person->email;
  row("Job title") << (person->job_title.empty() ? std::string("Not given") : person->job_title);
  row("Staff group") << StaffGroupWords(person->staff_group);
  {
    Html& manager = row("Line manager");
    if (!person->line_manager) {
      manager << "None"_m;
    } else if (auto found = page.store.GetPerson(page.caller.org, *person->line_manager)) {
      manager << found->name;
    } else {
      manager << "Not known"_m;
    }
  }
  {
    Html& teams = row("Teams");
    if (memberships->empty()) {
      teams << "Not in a team"_m;
    } else {
      teams << "<ul class=\"nhsuk-list nhsuk-u-margin-bottom-0\">"_m;
      for (const domain::Membership& m : *memberships) {
        std::string name = "A team";
        for (const domain::Team& team : page.teams) {
          if (team.id == m.team) name = team.name;
        }
        teams << "<li><a href=\"/teams/"_m << m.team.value << "\">"_m << name << "</a> ("_m
              << (m.role == domain::TeamRole::kLead ? "lead"_m : "member"_m) << ")</li>"_m;
      }
      teams << "</ul>"_m;
    }
  }
  {
    Html& list = row("Organisation roles");
    if (roles->empty()) {
      list << "None"_m;
    } else {
      for (size_t i = 0; i < roles->size(); ++i) {
        if (i > 0) list << ", "_m;
        list << RoleWords((*roles)[i]);
      }
    }
  }
  SummaryList(h, rows);
  h << "<p>If something here is wrong, ask your line manager or an administrator to change "
       "it.</p>"
       "<h2 class=\"nhsuk-heading-m\">Your data</h2>"
       "<p>You can download everything everyseat stores about you: your details, teams and "
       "roles, the stories you wrote and the stories that name you (with their consents, "
       "acknowledgements and thanks), the acknowledgements and thanks you gave, your "
       "reflections and replies, and every change you made as the audit log records it.</p>"
       "<p>It is a JSON file, which a computer program can read.</p>"
       "<p><a class=\"nhsuk-button nhsuk-button--secondary\" data-module=\"nhsuk-button\" "
       "role=\"button\" draggable=\"false\" href=\"/account/export\" download>Download my "
       "data</a></p></div></div>"_m;
  PageSpec spec;
  spec.title = "Your account";
  spec.back_href = "/";
  spec.nav = "account";
  return PageResponse(page.viewer, spec, h);
}

Response Export(PageContext& page) {
  auto out = api::ExportAboutMe(page.store, page.caller);
  if (!out) return FromRefusal(page.viewer, out.error());
  Response response = JsonResponse(200, *out);
  response.headers.emplace_back("Content-Disposition",
                                "attachment; filename=\"everyseat-my-data.json\"");
  response.headers.emplace_back("Cache-Control", "no-store");
  response.headers.emplace_back("X-Content-Type-Options", "nosniff");
  return response;
}

}  // namespace

void AddAccountPages(Router& router, Api::Impl& impl) {
  AddPage(router, impl, "GET", "/account", AccountPage);
  AddPage(router, impl, "GET", "/account/export", Export);
}

}  // namespace everyseat::server::web
