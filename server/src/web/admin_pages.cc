// Administration, for administrators and team leads: the team tree, people and their team and
// organisation roles. (The staff import and API tokens have pages of their own, linked from
// /admin: import_pages.cc, token_pages.cc.)
//
//   GET  /admin                          what there is to manage
//   GET  /admin/teams                    the team tree; administrators add a team
//   POST /admin/teams                    adds a team (kAdminister)
//   GET  /admin/people?q=&page=          people: everyone for administrators, the people of
//                                        their teams for leads; 50 a page, with a search
//   GET  /admin/people/{person}          a person, their teams and roles, and the forms
//   POST /admin/people/{person}/teams    team, role (member, lead, none): kManageTeamMembers
//   POST /admin/people/{person}/roles    roles (repeated): kAdminister
//   GET  /admin/settings, POST           the retention of stories' words (kAdminister)
//
// Every change is authorised by Api::Impl::Authorise exactly as the JSON API's routes are, and a
// refused or invalid request changes nothing. The lists decide what to show with the same policy
// (domain::Authorise) over one team tree loaded once, so a page costs a fixed number of queries
// plus one per team (members) and one per person shown (roles).
#include <algorithm>
#include <cctype>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "everyseat/domain/validate.h"
#include "pages.h"

namespace everyseat::server::web {

using domain::Action;

std::string_view RoleWords(domain::OrgRole role) {
  switch (role) {
    case domain::OrgRole::kModerator:
      return "Moderator";
    case domain::OrgRole::kEquality:
      return "Equality lead";
    case domain::OrgRole::kBoard:
      return "Board member";
    case domain::OrgRole::kAdmin:
      return "Administrator";
  }
  return "";
}

std::string_view StaffGroupWords(domain::StaffGroup group) {
  switch (group) {
    case domain::StaffGroup::kNursingAndMidwifery:
      return "Nursing and midwifery";
    case domain::StaffGroup::kMedicalAndDental:
      return "Medical and dental";
    case domain::StaffGroup::kAlliedHealthProfessionals:
      return "Allied health professionals";
    case domain::StaffGroup::kAdditionalClinicalServices:
      return "Additional clinical services";
    case domain::StaffGroup::kHealthcareScientists:
      return "Healthcare scientists";
    case domain::StaffGroup::kScientificTherapeuticTechnical:
      return "Additional professional scientific and technical";
    case domain::StaffGroup::kAdministrativeAndClerical:
      return "Administrative and clerical";
    case domain::StaffGroup::kEstatesAndAncillary:
      return "Estates and ancillary";
    case domain::StaffGroup::kStudents:
      return "Students";
    case domain::StaffGroup::kOther:
      break;
  }
  return "Other";
}

namespace {

constexpr size_t kPeoplePerPage = 50;

constexpr domain::OrgRole kOrgRoles[] = {domain::OrgRole::kModerator, domain::OrgRole::kEquality,
                                         domain::OrgRole::kBoard, domain::OrgRole::kAdmin};

std::string_view RoleHint(domain::OrgRole role) {
  switch (role) {
    case domain::OrgRole::kModerator:
      return "Reviews stories held back because they may hold patient details";
    case domain::OrgRole::kEquality:
      return "Sees which teams and staff groups are rarely recognised (never a ranking of people)";
    case domain::OrgRole::kBoard:
      return "Sees the board view: the key measures, the pulse and stories on one page";
    case domain::OrgRole::kAdmin:
      return "Manages teams, people, roles and the staff list. An administrator writes a team's "
             "figures only as a member or lead of that team";
  }
  return "";
}

std::string_view TeamRoleWords(domain::TeamRole role) {
  return role == domain::TeamRole::kLead ? "lead" : "member";
}

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// A team's path without the organisation's name, which every path starts with:
// "Community/District Nursing".
std::string TeamLabel(const domain::Team& team) {
  const size_t slash = team.path.find(domain::kTeamPathSeparator);
  return slash == std::string::npos ? team.path : team.path.substr(slash + 1);
}

std::string PersonPath(domain::PersonId person, std::string_view rest = {}) {
  return "/admin/people/" + std::to_string(person.value) + std::string(rest);
}

// Only administrators and team leads use these pages (the header shows "Admin" to them alone).
bool InAdminArea(const PageContext& page) { return page.viewer.admin || page.viewer.leads_a_team; }

Response NotInAdminArea(const PageContext& page) {
  return ErrorPage(page.viewer, 403, "only administrators and team leads can use the admin pages");
}

PageSpec AdminSpec(std::string title, std::string back, bool errors = false, int status = 200) {
  PageSpec spec;
  spec.title = std::move(title);
  spec.back_href = std::move(back);
  spec.nav = "admin";
  spec.has_errors = errors;
  spec.status = status;
  return spec;
}

// The organisation's teams with the tree the policy reads, loaded once for a page.
struct Organisation {
  std::vector<domain::Team> teams;  // depth first: a parent before its children
  domain::TeamTree tree;

  [[nodiscard]] const domain::Team* Find(domain::TeamId id) const { return tree.Find(id); }
};

api::Outcome<Organisation> LoadOrganisation(PageContext& page) {
  auto teams = page.store.ListTeams(page.caller.org);
  if (!teams) return api::Refuse(teams.error());
  Organisation organisation;
  organisation.teams = std::move(*teams);
  organisation.tree = domain::TeamTree(organisation.teams);
  return organisation;
}

// Whether the viewer may do `action` on `team`: the policy Api::Impl::Authorise applies, over
// the tree already loaded (for lists; every change goes through Api::Impl::Authorise itself).
bool May(const PageContext& page, const Organisation& organisation, Action action,
         std::optional<domain::TeamId> team) {
  return domain::Authorise(page.caller.principal, action, domain::Target{page.caller.org, team, {}},
                           organisation.tree)
      .allowed;
}

// The teams whose members the viewer may manage, in tree order.
std::vector<domain::Team> ManagedTeams(const PageContext& page, const Organisation& organisation) {
  std::vector<domain::Team> managed;
  for (const domain::Team& team : organisation.teams) {
    if (May(page, organisation, Action::kManageTeamMembers, team.id)) managed.push_back(team);
  }
  return managed;
}

// Every membership of the organisation, by person (one query per team).
using MembershipsByPerson = std::map<domain::PersonId, std::vector<domain::Membership>>;
api::Outcome<MembershipsByPerson> LoadMemberships(PageContext& page,
                                                  const Organisation& organisation) {
  MembershipsByPerson by_person;
  for (const domain::Team& team : organisation.teams) {
    auto members = page.store.ListMembersOfTeam(page.caller.org, team.id);
    if (!members) return api::Refuse(members.error());
    for (const domain::Membership& m : *members) by_person[m.person].push_back(m);
  }
  return by_person;
}

// --- /admin

Response AdminPage(PageContext& page) {
  if (!InAdminArea(page)) return NotInAdminArea(page);
  Html h;
  h << "<h1 class=\"nhsuk-heading-l\">Admin</h1>"_m;
  struct Link {
    std::string href;
    std::string title;
    std::string description;
  };
  std::vector<Link> links;
  links.push_back({"/admin/teams", "Teams",
                   page.viewer.admin ? "The organisation's teams, and adding new ones"
                                     : "The organisation's teams and how many people are in each"});
  links.push_back({"/admin/people", "People and roles",
                   page.viewer.admin
                       ? "Everyone in the organisation: their teams, team roles and "
                         "organisation roles"
                       : "The people in your teams: add someone to a team, or make them a lead"});
  if (Allowed(page, Action::kImportStaff, std::nullopt)) {
    links.push_back({"/admin/import", "Import a staff list",
                     "Add or update people and teams from a staff list (CSV)"});
  }
  if (Allowed(page, Action::kAdminister, std::nullopt)) {
    links.push_back({"/admin/settings", "Settings",
                     "How long the words of withdrawn, declined and rejected stories are kept"});
  }
  // Tokens write a team's data, so only its leads may issue them (authorise.cc, kPolicy).
  if (page.viewer.leads_a_team) {
    links.push_back({"/admin/tokens", "API tokens",
                     "Let another system send the figures of your teams' measures"});
  }
  h << "<ul class=\"nhsuk-grid-row nhsuk-card-group\">"_m;
  for (const Link& link : links) {
    h << "<li class=\"nhsuk-grid-column-one-half nhsuk-card-group__item\">"
         "<div class=\"nhsuk-card nhsuk-card--clickable\"><div class=\"nhsuk-card__content\">"
         "<h2 class=\"nhsuk-card__heading nhsuk-heading-m\"><a class=\"nhsuk-card__link\" "
         "href=\""_m
      << link.href << "\">"_m << link.title << "</a></h2><p class=\"nhsuk-card__description\">"_m
      << link.description << "</p></div></div></li>"_m;
  }
  h << "</ul>"_m;
  return PageResponse(page.viewer, AdminSpec("Admin", "/"), h);
}

// --- /admin/teams

void TeamTree(Html& h, const Organisation& organisation,
              const std::map<domain::TeamId, size_t>& counts,
              const std::map<std::optional<domain::TeamId>, std::vector<size_t>>& children,
              std::optional<domain::TeamId> parent, int depth) {
  const auto found = children.find(parent);
  if (found == children.end() || depth > static_cast<int>(domain::kMaxTeamDepth)) return;
  h << (depth == 0 ? "<ul class=\"nhsuk-list es-team-tree\">"_m
                   : "<ul class=\"nhsuk-list nhsuk-u-margin-left-5 nhsuk-u-margin-top-2 "
                     "nhsuk-u-margin-bottom-0\">"_m);
  for (const size_t index : found->second) {
    const domain::Team& team = organisation.teams[index];
    const auto count = counts.find(team.id);
    const size_t n = count == counts.end() ? 0 : count->second;
    h << "<li><a href=\"/teams/"_m << team.id.value << "\">"_m << team.name
      << "</a> <span class=\"nhsuk-body-s nhsuk-u-secondary-text-colour\">"_m;
    if (n == 0) {
      h << "no members"_m;
    } else {
      h << n << (n == 1 ? " member"_m : " members"_m);
    }
    h << "</span>"_m;
    TeamTree(h, organisation, counts, children, team.id, depth + 1);
    h << "</li>"_m;
  }
  h << "</ul>"_m;
}

Response TeamsPage(PageContext& page, const FormState& form, int status) {
  if (!InAdminArea(page)) return NotInAdminArea(page);
  auto organisation = LoadOrganisation(page);
  if (!organisation) return FromRefusal(page.viewer, organisation.error());
  std::map<domain::TeamId, size_t> counts;
  std::map<std::optional<domain::TeamId>, std::vector<size_t>> children;
  for (size_t i = 0; i < organisation->teams.size(); ++i) {
    const domain::Team& team = organisation->teams[i];
    auto members = page.store.ListMembersOfTeam(page.caller.org, team.id);
    if (!members) return FromRefusal(page.viewer, api::StoreRefusal(members.error()));
    counts[team.id] = members->size();
    // A parent missing from the organisation would hide the team: show it at the top instead.
    const bool known_parent = team.parent && organisation->Find(*team.parent) != nullptr;
    children[known_parent ? team.parent : std::nullopt].push_back(i);
  }
  const bool can_add = Allowed(page, Action::kAdminister, std::nullopt);

  Html h;
  h << "<div class=\"nhsuk-grid-row\"><div class=\"nhsuk-grid-column-two-thirds\">"_m;
  if (auto added = page.request.Query("added")) {
    if (auto id = ReadId(*added)) {
      if (const domain::Team* team = organisation->Find(domain::TeamId(*id))) {
        SuccessBanner(h, "Team added: " + team->path);
      }
    }
  }
  ErrorSummary(h, form);
  h << "<h1 class=\"nhsuk-heading-l\">Teams</h1>"_m;
  if (organisation->teams.empty()) {
    h << "<p>There are no teams yet.</p>"_m;
  } else {
    h << "<p>"_m << page.viewer.organisation << " has "_m << organisation->teams.size()
      << (organisation->teams.size() == 1 ? " team"_m : " teams"_m)
      << ". A lead of a team also leads every team below it.</p>"_m;
    TeamTree(h, *organisation, counts, children, std::nullopt, 0);
  }

  if (can_add) {
    h << "<h2 class=\"nhsuk-heading-m\" id=\"add-team\">Add a team</h2>"
         "<form action=\"/admin/teams\" method=\"post\" novalidate>"_m;
    CsrfField(h, page.viewer.csrf_token);
    std::vector<Choice> parents;
    parents.push_back({"", "None: a top-level team of " + page.viewer.organisation, ""});
    for (const domain::Team& team : organisation->teams) {
      parents.push_back({std::to_string(team.id.value), TeamLabel(team), ""});
    }
    Select(h, form, "parent", "Which team is it part of?", parents,
           "For example, a ward is part of its directorate");
    InputOptions name;
    name.hint = "Its own name, without a slash, such as Ward 7";
    Input(h, form, "name", "Name of the new team", name);
    Button(h, "Add team");
    h << "</form>"_m;
  }
  h << "</div></div>"_m;
  return PageResponse(page.viewer, AdminSpec("Teams", "/admin", !form.ok(), status), h);
}

Response AddTeam(PageContext& page) {
  if (auto allowed =
          page.impl.Authorise(page.store, page.caller, Action::kAdminister, std::nullopt);
      !allowed) {
    return FromRefusal(page.viewer, allowed.error());
  }
  FormState& form = page.form;
  std::optional<domain::TeamId> parent;
  const std::string_view parent_text = form.Value("parent");
  if (!parent_text.empty()) {
    const auto id = ReadId(parent_text);
    if (!id) {
      form.Fail("parent", "Select a team from the list, or none");
    } else if (auto team = page.store.GetTeam(page.caller.org, domain::TeamId(*id))) {
      parent = team->id;
    } else if (team.error().code == store::StoreErrorCode::kNotFound) {
      form.Fail("parent", "Select a team from the list, or none");
    } else {
      return FromRefusal(page.viewer, api::StoreRefusal(team.error()));
    }
  }
  const std::string name = Trimmed(form.Value("name"));
  form.Set("name", name);
  if (name.empty()) {
    form.Fail("name", "Enter the name of the team");
  } else if (name.size() > domain::kMaxNameLength) {
    form.Fail("name", "The name must be 200 characters or fewer");
  } else if (name.find(domain::kTeamPathSeparator) != std::string::npos) {
    form.Fail("name", "The name must not contain a slash (/)");
  } else if (auto valid = domain::ValidateTeamName(name); !valid) {
    std::string message = valid.error().message;
    if (!message.empty()) message[0] = static_cast<char>(std::toupper(message[0]));
    form.Fail("name", message);
  }
  if (!form.ok()) return TeamsPage(page, form, 422);
  auto created = page.store.CreateTeam(page.caller.actor, page.caller.org, parent, name);
  if (!created) {
    if (created.error().code == store::StoreErrorCode::kConflict) {
      form.Fail("name", "There is already a team called " + name + " there: choose another name");
      return TeamsPage(page, form, 422);
    }
    if (created.error().code == store::StoreErrorCode::kInvalid) {
      std::string message = created.error().message;
      if (!message.empty()) message[0] = static_cast<char>(std::toupper(message[0]));
      form.Fail(created.error().field == "parent" ? "parent" : "name", message);
      return TeamsPage(page, form, 422);
    }
    return FromRefusal(page.viewer, api::StoreRefusal(created.error()));
  }
  return Redirect("/admin/teams?added=" + std::to_string(created->id.value));
}

// --- /admin/people

void Pagination(Html& h, size_t page_number, size_t pages, const std::string& query) {
  if (pages <= 1) return;
  const std::string base = "/admin/people?" + (query.empty() ? "" : "q=" + UrlEncode(query) + "&");
  h << "<nav class=\"nhsuk-pagination\" role=\"navigation\" aria-label=\"Pagination\">"
       "<ul class=\"nhsuk-list nhsuk-pagination__list\">"_m;
  if (page_number > 1) {
    h << "<li class=\"nhsuk-pagination-item--previous\"><a class=\"nhsuk-pagination__link "
         "nhsuk-pagination__link--prev\" href=\""_m
      << base << "page="_m << (page_number - 1)
      << "\" rel=\"prev\"><span class=\"nhsuk-pagination__title\">Previous<span "
         "class=\"nhsuk-u-visually-hidden\"> page</span></span><span "
         "class=\"nhsuk-u-visually-hidden\">:</span><span class=\"nhsuk-pagination__page\">"_m
      << "Page "_m << (page_number - 1) << " of "_m << pages
      << "</span><svg class=\"nhsuk-icon nhsuk-icon--arrow-left\" "
         "xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 24 24\" width=\"16\" height=\"16\" "
         "focusable=\"false\" aria-hidden=\"true\"><path d=\"M10.7 6.3c.4.4.4 1 0 1.4L7.4 11H19a1 "
         "1 0 0 1 0 2H7.4l3.3 3.3c.4.4.4 1 0 1.4a1 1 0 0 1-1.4 0l-5-5A1 1 0 0 1 4 12c0-.3.1-.5."
         "3-.7l5-5a1 1 0 0 1 1.4 0Z\"/></svg></a></li>"_m;
  }
  if (page_number < pages) {
    h << "<li class=\"nhsuk-pagination-item--next\"><a class=\"nhsuk-pagination__link "
         "nhsuk-pagination__link--next\" href=\""_m
      << base << "page="_m << (page_number + 1)
      << "\" rel=\"next\"><span class=\"nhsuk-pagination__title\">Next<span "
         "class=\"nhsuk-u-visually-hidden\"> page</span></span><span "
         "class=\"nhsuk-u-visually-hidden\">:</span><span class=\"nhsuk-pagination__page\">"_m
      << "Page "_m << (page_number + 1) << " of "_m << pages
      << "</span><svg class=\"nhsuk-icon nhsuk-icon--arrow-right\" "
         "xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 24 24\" width=\"16\" height=\"16\" "
         "focusable=\"false\" aria-hidden=\"true\"><path d=\"m14.7 6.3 5 5c.2.2.3.4.3.7 0 "
         ".3-.1.5-.3.7l-5 5a1 1 0 0 1-1.4-1.4l3.3-3.3H5a1 1 0 0 1 0-2h11.6l-3.3-3.3a1 1 0 1 1 "
         "1.4-1.4Z\"/></svg></a></li>"_m;
  }
  h << "</ul></nav>"_m;
}

void Cell(Html& h, std::string_view heading) {
  h << "<td role=\"cell\" class=\"nhsuk-table__cell\"><span class=\"nhsuk-table-responsive__"
       "heading\" aria-hidden=\"true\">"_m
    << heading << " </span>"_m;
}

Response PeoplePage(PageContext& page) {
  if (!InAdminArea(page)) return NotInAdminArea(page);
  auto organisation = LoadOrganisation(page);
  if (!organisation) return FromRefusal(page.viewer, organisation.error());
  auto people = page.store.ListPeople(page.caller.org);
  if (!people) return FromRefusal(page.viewer, api::StoreRefusal(people.error()));
  auto memberships = LoadMemberships(page, *organisation);
  if (!memberships) return FromRefusal(page.viewer, memberships.error());

  // Administrators see everyone; a lead sees the people of the teams they manage.
  const bool everyone = Allowed(page, Action::kAdminister, std::nullopt);
  std::set<domain::TeamId> managed;
  for (const domain::Team& team : ManagedTeams(page, *organisation)) managed.insert(team.id);
  const std::string query = Trimmed(page.request.Query("q").value_or(""));
  const std::string needle = Lower(query);
  auto matches = [&](const domain::Person& person) {
    if (needle.empty()) return true;
    return Lower(person.name).find(needle) != std::string::npos ||
           Lower(person.email).find(needle) != std::string::npos ||
           Lower(person.job_title).find(needle) != std::string::npos;
  };
  std::vector<const domain::Person*> shown;
  for (const domain::Person& person : *people) {
    bool visible = everyone;
    if (!visible) {
      const auto found = memberships->find(person.id);
      if (found != memberships->end()) {
        visible = std::any_of(found->second.begin(), found->second.end(),
                              [&](const domain::Membership& m) { return managed.count(m.team); });
      }
    }
    // A lead adds someone new to a team by finding them by their exact work email address.
    if (!visible && !needle.empty() && Lower(person.email) == needle) visible = true;
    if (visible && matches(person)) shown.push_back(&person);
  }

  const size_t pages = std::max<size_t>(1, (shown.size() + kPeoplePerPage - 1) / kPeoplePerPage);
  size_t page_number = 1;
  if (auto text = page.request.Query("page")) {
    if (auto n = ReadId(*text)) page_number = static_cast<size_t>(std::min<int64_t>(*n, 1 << 30));
  }
  page_number = std::min(page_number, pages);
  const size_t first = (page_number - 1) * kPeoplePerPage;
  const size_t last = std::min(shown.size(), first + kPeoplePerPage);

  Html h;
  h << "<h1 class=\"nhsuk-heading-l\">People and roles</h1>"_m;
  h << "<p>"_m
    << (everyone ? "Everyone in the organisation. "_m
                 : "The people in the teams you lead, and the teams below them. "_m)
    << "Choose a name to change their teams or roles.</p>"_m;
  h << "<form action=\"/admin/people\" method=\"get\" role=\"search\" novalidate>"_m;
  FormState search;
  search.Set("q", query);
  InputOptions q;
  q.type = "search";
  q.width_class = "nhsuk-input--width-20";
  q.hint = everyone ? "Search by name, email address or job title"
                    : "Search by name, email address or job title. To add someone who is not in "
                      "your teams yet, enter their full work email address.";
  Input(h, search, "q", "Find a person", q);
  Button(h, "Search", true);
  h << "</form>"_m;

  if (shown.empty()) {
    h << "<p>"_m << (query.empty() ? "There is no one to show."_m : "No one matches "_m);
    if (!query.empty()) h << "\u201c"_m << query << "\u201d."_m;
    h << "</p>"_m;
  } else {
    h << "<p id=\"people-count\">"_m;
    if (pages > 1) h << "Showing "_m << (first + 1) << " to "_m << last << " of "_m;
    h << shown.size() << (shown.size() == 1 ? " person"_m : " people"_m);
    if (!query.empty()) h << " matching \u201c"_m << query << "\u201d"_m;
    h << ".</p>"_m;
    h << "<table role=\"table\" class=\"nhsuk-table-responsive\" "
         "aria-describedby=\"people-count\"><caption class=\"nhsuk-table__caption "
         "nhsuk-u-visually-hidden\">People</caption><thead role=\"rowgroup\" "
         "class=\"nhsuk-table__head\"><tr role=\"row\">"_m;
    for (const char* heading :
         {"Name", "Job title", "Staff group", "Teams", "Organisation roles"}) {
      h << "<th role=\"columnheader\" class=\"nhsuk-table__header\" scope=\"col\">"_m << heading
        << "</th>"_m;
    }
    h << "</tr></thead><tbody class=\"nhsuk-table__body\">"_m;
    for (size_t i = first; i < last; ++i) {
      const domain::Person& person = *shown[i];
      // One query per person shown (at most kPeoplePerPage): the store lists roles per person.
      auto roles = page.store.ListRoles(page.caller.org, person.id);
      if (!roles) return FromRefusal(page.viewer, api::StoreRefusal(roles.error()));
      h << "<tr role=\"row\" class=\"nhsuk-table__row\">"_m;
      Cell(h, "Name");
      h << "<a href=\""_m << PersonPath(person.id) << "\">"_m << person.name << "</a></td>"_m;
      Cell(h, "Job title");
      h << person.job_title << "</td>"_m;
      Cell(h, "Staff group");
      h << StaffGroupWords(person.staff_group) << "</td>"_m;
      Cell(h, "Teams");
      const auto found = memberships->find(person.id);
      if (found == memberships->end()) {
        h << "None"_m;
      } else {
        bool first_team = true;
        for (const domain::Membership& m : found->second) {
          const domain::Team* team = organisation->Find(m.team);
          if (team == nullptr) continue;
          if (!first_team) h << "<br>"_m;
          first_team = false;
          h << team->name << " ("_m << TeamRoleWords(m.role) << ")"_m;
        }
      }
      h << "</td>"_m;
      Cell(h, "Organisation roles");
      if (roles->empty()) {
        h << "None"_m;
      } else {
        for (size_t k = 0; k < roles->size(); ++k) {
          if (k > 0) h << ", "_m;
          h << RoleWords((*roles)[k]);
        }
      }
      h << "</td></tr>"_m;
    }
    h << "</tbody></table>"_m;
    Pagination(h, page_number, pages, query);
  }
  return PageResponse(page.viewer, AdminSpec("People and roles", "/admin"), h);
}

// --- /admin/people/{person}

// Checkboxes in a fieldset (nhsuk-frontend 10's checkboxes): the first box's id is the group's
// name, the others NAME-2, NAME-3 ...; an error of the group or of one box shows above them.
struct Checkbox {
  std::string value;
  std::string label;
  std::string hint;
  bool checked = false;
};
void Checkboxes(Html& h, const FormState& form, std::string_view name, std::string_view legend,
                const std::vector<Checkbox>& boxes, std::string_view hint) {
  const FormError* error = form.ErrorFor(name);
  for (size_t i = 1; error == nullptr && i < boxes.size(); ++i) {
    error = form.ErrorFor(std::string(name) + "-" + std::to_string(i + 1));
  }
  h << "<div class=\"nhsuk-form-group"_m << (error ? " nhsuk-form-group--error"_m : ""_m)
    << "\"><fieldset class=\"nhsuk-fieldset\" aria-describedby=\""_m << name << "-hint"_m;
  if (error) h << " "_m << name << "-error"_m;
  h << "\"><legend class=\"nhsuk-fieldset__legend nhsuk-fieldset__legend--s\">"_m << legend
    << "</legend><div class=\"nhsuk-hint\" id=\""_m << name << "-hint\">"_m << hint << "</div>"_m;
  if (error) {
    h << "<span class=\"nhsuk-error-message\" id=\""_m << name
      << "-error\"><span class=\"nhsuk-u-visually-hidden\">Error: </span>"_m << error->message
      << "</span>"_m;
  }
  h << "<div class=\"nhsuk-checkboxes\" data-module=\"nhsuk-checkboxes\">"_m;
  for (size_t i = 0; i < boxes.size(); ++i) {
    const Checkbox& box = boxes[i];
    const std::string id =
        i == 0 ? std::string(name) : std::string(name) + "-" + std::to_string(i + 1);
    h << "<div class=\"nhsuk-checkboxes__item\"><input class=\"nhsuk-checkboxes__input\" id=\""_m
      << id << "\" name=\""_m << name << "\" type=\"checkbox\" value=\""_m << box.value << "\""_m;
    if (box.checked) h << " checked"_m;
    if (!box.hint.empty()) h << " aria-describedby=\""_m << id << "-item-hint\""_m;
    h << "><label class=\"nhsuk-label nhsuk-checkboxes__label\" for=\""_m << id << "\">"_m
      << box.label << "</label>"_m;
    if (!box.hint.empty()) {
      h << "<div class=\"nhsuk-hint nhsuk-checkboxes__hint\" id=\""_m << id << "-item-hint\">"_m
        << box.hint << "</div>"_m;
    }
    h << "</div>"_m;
  }
  h << "</div></fieldset></div>"_m;
}

// The roles a person holds, or those ticked on a form being shown again.
using RoleSet = std::set<domain::OrgRole>;

// The person page; `ticked` overrides the roles' checkboxes (a roles form shown again).
Response PersonPage(PageContext& page, const domain::Person& person, const FormState& form,
                    int status, const std::optional<RoleSet>& ticked = std::nullopt) {
  auto organisation = LoadOrganisation(page);
  if (!organisation) return FromRefusal(page.viewer, organisation.error());
  auto memberships = page.store.ListMembershipsOfPerson(page.caller.org, person.id);
  if (!memberships) return FromRefusal(page.viewer, api::StoreRefusal(memberships.error()));
  auto roles = page.store.ListRoles(page.caller.org, person.id);
  if (!roles) return FromRefusal(page.viewer, api::StoreRefusal(roles.error()));
  const RoleSet held(roles->begin(), roles->end());
  const bool admin = May(page, *organisation, Action::kAdminister, std::nullopt);
  const std::vector<domain::Team> managed = ManagedTeams(page, *organisation);
  const bool self = page.caller.person && *page.caller.person == person.id;

  Html h;
  h << "<div class=\"nhsuk-grid-row\"><div class=\"nhsuk-grid-column-two-thirds\">"_m;
  if (page.request.Query("saved") == std::optional<std::string_view>("roles")) {
    SuccessBanner(h, "Organisation roles saved for " + person.name);
  } else if (page.request.Query("saved") == std::optional<std::string_view>("team")) {
    const auto team_id = ReadId(page.request.Query("team").value_or(""));
    const domain::Team* team = team_id ? organisation->Find(domain::TeamId(*team_id)) : nullptr;
    const std::string_view role = page.request.Query("role").value_or("");
    if (team != nullptr && (role == "member" || role == "lead")) {
      SuccessBanner(h, person.name + " is now a " + std::string(role) + " of " + team->name);
    } else if (team != nullptr && role == "none") {
      SuccessBanner(h, person.name + " is no longer in " + team->name);
    }
  }
  ErrorSummary(h, form);
  h << "<h1 class=\"nhsuk-heading-l\"><span class=\"nhsuk-caption-l\">People and roles<span "
       "class=\"nhsuk-u-visually-hidden\"> \u2013 </span></span>"_m
    << person.name << "</h1>"_m;

  std::vector<SummaryRow> rows;
  auto row = [&](std::string key) -> Html& {
    rows.emplace_back();
    rows.back().key = std::move(key);
    return rows.back().value;
  };
  row("Email") << person.email;
  row("Job title") << (person.job_title.empty() ? std::string("Not given") : person.job_title);
  row("Staff group") << StaffGroupWords(person.staff_group);
  {
    Html& manager = row("Line manager");
    if (!person.line_manager) {
      manager << "None"_m;
    } else if (auto found = page.store.GetPerson(page.caller.org, *person.line_manager)) {
      manager << "<a href=\""_m << PersonPath(found->id) << "\">"_m << found->name << "</a>"_m;
    } else {
      manager << "Unknown"_m;
    }
  }
  {
    Html& teams = row("Teams");
    if (memberships->empty()) {
      teams << "Not in a team"_m;
    } else {
      teams << "<ul class=\"nhsuk-list nhsuk-u-margin-bottom-0\">"_m;
      for (const domain::Membership& m : *memberships) {
        const domain::Team* team = organisation->Find(m.team);
        if (team == nullptr) continue;
        teams << "<li><a href=\"/teams/"_m << team->id.value << "\">"_m << team->name << "</a> ("_m
              << TeamRoleWords(m.role) << ")</li>"_m;
      }
      teams << "</ul>"_m;
    }
  }
  {
    Html& role_list = row("Organisation roles");
    if (held.empty()) {
      role_list << "None"_m;
    } else {
      bool first = true;
      for (const domain::OrgRole role : kOrgRoles) {
        if (!held.count(role)) continue;
        if (!first) role_list << ", "_m;
        first = false;
        role_list << RoleWords(role);
      }
    }
  }
  SummaryList(h, rows);

  // Team roles: one form for every team the viewer may manage.
  if (!managed.empty()) {
    h << "<h2 class=\"nhsuk-heading-m\" id=\"teams\">Change a team role</h2>"_m;
    h << "<form action=\""_m << PersonPath(person.id, "/teams")
      << "\" method=\"post\" novalidate>"_m;
    CsrfField(h, page.viewer.csrf_token);
    std::vector<Choice> teams;
    teams.push_back({"", "Choose a team", ""});
    for (const domain::Team& team : managed) {
      std::string label = TeamLabel(team);
      for (const domain::Membership& m : *memberships) {
        if (m.team == team.id) label += " (" + std::string(TeamRoleWords(m.role)) + ")";
      }
      teams.push_back({std::to_string(team.id.value), label, ""});
    }
    Select(h, form, "team", "Team", teams,
           admin ? "Every team of the organisation. Their role now is in brackets."
                 : "The teams you lead and the teams below them. Their role now is in brackets.");
    Radios(h, form, "role", "Role in the team",
           {{"member", "Member", "Adds figures for the team's measures and sees its charts"},
            {"lead", "Lead",
             "Also defines measures, marks changes and manages the members of this team and the "
             "teams below it"},
            {"none", "Not in this team", "Removes them from the team"}});
    Button(h, "Save team role");
    h << "</form>"_m;
  }

  // Organisation roles: administrators only.
  if (admin) {
    h << "<h2 class=\"nhsuk-heading-m\" id=\"roles-heading\">Organisation roles</h2>"_m;
    h << "<form action=\""_m << PersonPath(person.id, "/roles")
      << "\" method=\"post\" novalidate>"_m;
    CsrfField(h, page.viewer.csrf_token);
    std::vector<Checkbox> boxes;
    for (const domain::OrgRole role : kOrgRoles) {
      Checkbox box;
      box.value = std::string(domain::Name(role));
      box.label = std::string(RoleWords(role));
      box.hint = std::string(RoleHint(role));
      if (self && role == domain::OrgRole::kAdmin && held.count(role)) {
        box.hint +=
            ". You cannot remove your own administrator role: ask another administrator, "
            "so that the organisation is never left without one";
      }
      box.checked = ticked ? ticked->count(role) > 0 : held.count(role) > 0;
      boxes.push_back(std::move(box));
    }
    Checkboxes(h, form, "roles", "Which organisation roles does " + person.name + " have?", boxes,
               "Select all that apply. Team roles are set above.");
    Button(h, "Save organisation roles");
    h << "</form>"_m;
  }
  h << "</div></div>"_m;
  return PageResponse(page.viewer, AdminSpec(person.name, "/admin/people", !form.ok(), status), h);
}

// The person of the path parameter "person" (a 404 page when not in the organisation).
tl::expected<domain::Person, Response> PagePerson(PageContext& page) {
  auto id = api::PathId(page.request, "person");
  if (!id) return tl::unexpected(ErrorPage(page.viewer, 404, "there is no such person"));
  auto person = page.store.GetPerson(page.caller.org, domain::PersonId(*id));
  if (!person) {
    if (person.error().code == store::StoreErrorCode::kNotFound) {
      return tl::unexpected(ErrorPage(page.viewer, 404, "there is no such person"));
    }
    return tl::unexpected(FromRefusal(page.viewer, api::StoreRefusal(person.error())));
  }
  return std::move(*person);
}

Response SetTeamRole(PageContext& page) {
  if (!InAdminArea(page)) return NotInAdminArea(page);
  auto person = PagePerson(page);
  if (!person) return std::move(person.error());
  FormState& form = page.form;
  const auto team_id = ReadId(form.Value("team"));
  if (!team_id) {
    form.Fail("team", "Select a team");
  } else {
    auto team = page.store.GetTeam(page.caller.org, domain::TeamId(*team_id));
    if (!team) {
      if (team.error().code != store::StoreErrorCode::kNotFound) {
        return FromRefusal(page.viewer, api::StoreRefusal(team.error()));
      }
      form.Fail("team", "Select a team from the list");
    } else if (auto allowed = page.impl.Authorise(page.store, page.caller,
                                                  Action::kManageTeamMembers, team->id);
               !allowed) {
      return FromRefusal(page.viewer, allowed.error());
    }
  }
  const std::string role(form.Value("role"));
  const auto team_role = domain::ParseTeamRole(role);
  if (!team_role && role != "none") {
    form.Fail("role", "Select member, lead or not in this team");
  }
  if (!form.ok()) return PersonPage(page, *person, form, 422);

  const domain::TeamId team(*team_id);
  if (team_role) {
    auto set = page.store.SetMembership(page.caller.actor, page.caller.org,
                                        domain::Membership{person->id, team, *team_role});
    if (!set) return FromRefusal(page.viewer, api::StoreRefusal(set.error()));
  } else {
    auto removed =
        page.store.RemoveMembership(page.caller.actor, page.caller.org, person->id, team);
    // Not in the team already: nothing to remove.
    if (!removed && removed.error().code != store::StoreErrorCode::kNotFound) {
      return FromRefusal(page.viewer, api::StoreRefusal(removed.error()));
    }
  }
  return Redirect(
      PersonPath(person->id, "?saved=team&team=" + std::to_string(team.value) + "&role=" + role));
}

Response SetOrgRoles(PageContext& page) {
  if (auto allowed =
          page.impl.Authorise(page.store, page.caller, Action::kAdminister, std::nullopt);
      !allowed) {
    return FromRefusal(page.viewer, allowed.error());
  }
  auto person = PagePerson(page);
  if (!person) return std::move(person.error());
  FormState& form = page.form;
  // Every ticked box: the form has one "roles" field per box (FormState keeps the first only).
  RoleSet wanted;
  if (auto fields = ParseUrlEncoded(page.request.body)) {
    for (const auto& [name, value] : *fields) {
      if (name != "roles") continue;
      if (auto role = domain::ParseOrgRole(value)) {
        wanted.insert(*role);
      } else {
        form.Fail("roles", "Select roles from the list");
      }
    }
  }
  auto roles = page.store.ListRoles(page.caller.org, person->id);
  if (!roles) return FromRefusal(page.viewer, api::StoreRefusal(roles.error()));
  const RoleSet held(roles->begin(), roles->end());
  const bool self = page.caller.person && *page.caller.person == person->id;
  if (self && held.count(domain::OrgRole::kAdmin) && !wanted.count(domain::OrgRole::kAdmin)) {
    // The fourth box (kOrgRoles) is the administrator's.
    form.Fail("roles-4",
              "You cannot remove your own administrator role. Ask another administrator to do "
              "it, so that the organisation is never left without one");
  }
  if (!form.ok()) return PersonPage(page, *person, form, 422, wanted);

  auto transaction = page.store.Begin();
  if (!transaction) return FromRefusal(page.viewer, api::StoreRefusal(transaction.error()));
  for (const domain::OrgRole role : kOrgRoles) {
    const bool want = wanted.count(role) > 0;
    const bool has = held.count(role) > 0;
    if (want == has) continue;
    auto changed =
        want ? page.store.GrantRole(page.caller.actor, page.caller.org, person->id, role)
             : page.store.RevokeRole(page.caller.actor, page.caller.org, person->id, role);
    if (!changed) return FromRefusal(page.viewer, api::StoreRefusal(changed.error()));
  }
  if (auto committed = transaction->Commit(); !committed) {
    return FromRefusal(page.viewer, api::StoreRefusal(committed.error()));
  }
  return Redirect(PersonPath(person->id, "?saved=roles"));
}

// --- /admin/settings: the organisation's settings (administrators).

constexpr int kMaxRetentionDays = 3650;  // as the JSON API takes it (story_routes.cc)

Response SettingsPage(PageContext& page, FormState& form, int status) {
  if (!Allowed(page, Action::kAdminister, std::nullopt)) {
    return ErrorPage(page.viewer, 403,
                     "only administrators can change the organisation's settings");
  }
  if (form.Value("story_retention_days").empty() && form.ok()) {
    auto days = page.store.GetStoryRetentionDays(page.caller.org);
    if (!days) return FromRefusal(page.viewer, api::StoreRefusal(days.error()));
    form.Set("story_retention_days", std::to_string(*days));
  }
  Html h;
  h << "<div class=\"nhsuk-grid-row\"><div class=\"nhsuk-grid-column-two-thirds\">"_m;
  if (form.ok() && page.request.Query("saved")) SuccessBanner(h, "Settings saved");
  ErrorSummary(h, form);
  h << "<h1 class=\"nhsuk-heading-l\">Settings</h1>"
       "<h2 class=\"nhsuk-heading-m\">Stories that are no longer shared</h2>"
       "<p>When a story is withdrawn, declined by someone it names or rejected by a moderator, "
       "its words are kept for a time (so that a mistake can be looked into) and then deleted. "
       "The rest of its record stays in the audit log.</p>"
       "<form action=\"/admin/settings\" method=\"post\" novalidate>"_m;
  CsrfField(h, page.viewer.csrf_token);
  InputOptions days;
  days.width_class = "nhsuk-input--width-4";
  days.inputmode = "numeric";
  days.suffix = "days";
  days.hint = "From 0 to 3,650 days (10 years). 0 deletes the words at the next hourly clean-up.";
  Input(h, form, "story_retention_days", "How many days are their words kept?", days);
  Button(h, "Save settings");
  h << "</form></div></div>"_m;
  return PageResponse(page.viewer, AdminSpec("Settings", "/admin", !form.ok(), status), h);
}

Response SaveSettings(PageContext& page) {
  if (auto allowed =
          page.impl.Authorise(page.store, page.caller, Action::kAdminister, std::nullopt);
      !allowed) {
    return FromRefusal(page.viewer, allowed.error());
  }
  FormState& form = page.form;
  const std::string text = Trimmed(form.Value("story_retention_days"));
  form.Set("story_retention_days", text);
  int days = 0;
  bool whole = !text.empty() && text.size() <= 6;
  for (const char c : text) {
    whole = whole && c >= '0' && c <= '9';
    if (whole) days = days * 10 + (c - '0');
  }
  if (text.empty()) {
    form.Fail("story_retention_days", "Enter the number of days");
  } else if (!whole) {
    form.Fail("story_retention_days", "Enter the number of days as a whole number, like 90");
  } else if (days > kMaxRetentionDays) {
    form.Fail("story_retention_days", "The number of days must be from 0 to 3,650");
  }
  if (!form.ok()) return SettingsPage(page, form, 422);
  auto set = page.store.SetStoryRetentionDays(page.caller.actor, page.caller.org, days);
  if (!set) return FromRefusal(page.viewer, api::StoreRefusal(set.error()));
  return Redirect("/admin/settings?saved=1");
}

}  // namespace

void AddAdminPages(Router& router, Api::Impl& impl) {
  AddPage(router, impl, "GET", "/admin/settings", [](PageContext& page) {
    FormState form;
    return SettingsPage(page, form, 200);
  });
  AddPage(router, impl, "POST", "/admin/settings", SaveSettings);
  AddPage(router, impl, "GET", "/admin", AdminPage);
  AddPage(router, impl, "GET", "/admin/teams",
          [](PageContext& page) { return TeamsPage(page, FormState(), 200); });
  AddPage(router, impl, "POST", "/admin/teams", AddTeam);
  AddPage(router, impl, "GET", "/admin/people", PeoplePage);
  AddPage(router, impl, "GET", "/admin/people/{person}", [](PageContext& page) -> Response {
    if (!InAdminArea(page)) return NotInAdminArea(page);
    auto person = PagePerson(page);
    if (!person) return std::move(person.error());
    return PersonPage(page, *person, FormState(), 200);
  });
  AddPage(router, impl, "POST", "/admin/people/{person}/teams", SetTeamRole);
  AddPage(router, impl, "POST", "/admin/people/{person}/roles", SetOrgRoles);
}

}  // namespace everyseat::server::web
