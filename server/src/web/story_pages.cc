// Stories of leadership from every seat (issue 5): recording a story in two steps (the story,
// then "Check your story" with the patient-detail guard's findings, and submit), the story with
// what each person may do with it (consent, withdraw, acknowledge, thank), the wall and the
// learning library, and "Your stories". Every rule is a step of server/src/api/story_steps.h,
// the same the JSON API takes: these pages read forms, call the steps and show their answers.
//
//   GET  /stories                       the wall (newest published) and the library (search,
//                                       filters by value, behaviour, team and dates; paging)
//   GET  /stories/mine                  consent requests, stories to acknowledge, overdue below
//                                       me, stories about me, my own stories and drafts
//   GET  /stories/new, POST             record a story: "Continue" (to the check) or "Save as
//                                       draft"
//   GET  /stories/{story}               the story, and what the viewer may do with it
//   GET  /stories/{story}/edit, POST    the author changes it (the same form)
//   GET  /stories/{story}/check         the story as it will appear and the guard's findings
//   POST /stories/{story}/submit
//   POST /stories/{story}/consent       decision=yes|no (a person named)
//   GET  /stories/{story}/withdraw      "Are you sure?", POST withdraws
//   POST /stories/{story}/acknowledge   note, wellbeing_checked (a line manager)
//   POST /stories/{story}/thanks        note (anyone)
#include <algorithm>
#include <cctype>
#include <cstdio>
#include <map>
#include <set>

#include "../api/story_steps.h"
#include "everyseat/domain/guard.h"
#include "everyseat/domain/story.h"
#include "everyseat/domain/validate.h"
#include "marked_words.h"
#include "pages.h"

namespace everyseat::server::web {

namespace {

using domain::Story;
using domain::StoryState;

constexpr int kPageSize = 10;

std::string StoryPath(domain::StoryId id, std::string_view rest = {}) {
  return "/stories/" + std::to_string(id.value) + std::string(rest);
}

std::string When(int64_t unix_seconds) { return FormatDate(domain::FormatIsoDate(unix_seconds)); }

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

domain::PersonId Me(const PageContext& page) { return *page.caller.person; }

// What a page needs to name the people, teams and tags of stories.
struct Names {
  api::People people;
  std::vector<domain::Tag> values;      // retired ones too
  std::vector<domain::Tag> behaviours;  // retired ones too
  std::vector<domain::Team> teams;

  [[nodiscard]] std::string Person(domain::PersonId id) const {
    const domain::Person* person = people.Find(id);
    return person ? person->name : std::string("Someone who has left");
  }
  [[nodiscard]] std::string Team(domain::TeamId id) const {
    for (const domain::Team& team : teams) {
      if (team.id == id) return team.name;
    }
    return "A team";
  }
  [[nodiscard]] std::string Tag(domain::TagId id) const {
    for (const auto* list : {&values, &behaviours}) {
      for (const domain::Tag& tag : *list) {
        if (tag.id == id) return tag.name;
      }
    }
    return "";
  }
};

api::Outcome<Names> LoadNames(PageContext& page) {
  Names names;
  auto people = api::LoadPeople(page.store, page.caller.org);
  if (!people) return tl::unexpected(std::move(people.error()));
  names.people = std::move(*people);
  auto values = page.store.ListTags(page.caller.org, domain::TagKind::kValue, true);
  if (!values) return api::Refuse(values.error());
  names.values = std::move(*values);
  auto behaviours = page.store.ListTags(page.caller.org, domain::TagKind::kBehaviour, true);
  if (!behaviours) return api::Refuse(behaviours.error());
  names.behaviours = std::move(*behaviours);
  names.teams = page.teams;
  return names;
}

// --- Words in plain English.

std::string_view StateWords(StoryState state) {
  switch (state) {
    case StoryState::kDraft:
      return "Draft";
    case StoryState::kInModeration:
      return "Held for moderation";
    case StoryState::kAwaitingConsent:
      return "Waiting for consent";
    case StoryState::kPublished:
      return "Published";
    case StoryState::kDeclined:
      return "Kept private";
    case StoryState::kWithdrawn:
      return "Withdrawn";
    case StoryState::kRejected:
      return "Rejected";
  }
  return "";
}

std::string_view StateColour(StoryState state) {
  switch (state) {
    case StoryState::kDraft:
      return "grey";
    case StoryState::kInModeration:
      return "orange";
    case StoryState::kAwaitingConsent:
      return "yellow";
    case StoryState::kPublished:
      return "green";
    case StoryState::kRejected:
      return "red";
    case StoryState::kDeclined:
    case StoryState::kWithdrawn:
      return "grey";
  }
  return "grey";
}

std::string_view StateExplained(StoryState state) {
  switch (state) {
    case StoryState::kDraft:
      return "Only you can see it. Check and submit it when it is ready.";
    case StoryState::kInModeration:
      return "It may contain details that could identify a patient, so a moderator will check it "
             "before anyone else sees it. Until then only its author and the moderators can see "
             "it.";
    case StoryState::kAwaitingConsent:
      return "The people named have been asked whether they agree to share it. It goes on the "
             "wall when everyone has said yes. Until then only its author, the people named and "
             "their line managers can see it.";
    case StoryState::kPublished:
      return "It is on the wall and in the learning library.";
    case StoryState::kDeclined:
      return "Someone named chose not to share it, so it stays private: only its author, the "
             "people named and their line managers can see it.";
    case StoryState::kWithdrawn:
      return "It has been taken off the wall and out of the learning library.";
    case StoryState::kRejected:
      return "A moderator did not publish it.";
  }
  return "";
}

// The first words of a text, for a card: at most about `limit` bytes, cut at a space.
std::string FirstWords(std::string_view text, size_t limit = 220) {
  std::string flat;
  for (const char c : text) {
    if (c == '\r') continue;
    flat += (c == '\n') ? ' ' : c;
  }
  if (flat.size() <= limit) return flat;
  size_t cut = flat.rfind(' ', limit);
  if (cut == std::string::npos || cut < limit / 2) {
    cut = limit;
    // Not inside a UTF-8 sequence.
    while (cut > 0 && (static_cast<unsigned char>(flat[cut]) & 0xC0) == 0x80) --cut;
  }
  return flat.substr(0, cut) + "\u2026";
}

// --- Small pieces.

void Caption(Html& h, std::string_view caption) {
  h << "<span class=\"nhsuk-caption-l\">"_m << caption
    << "<span class=\"nhsuk-u-visually-hidden\"> \u2013 </span></span>"_m;
}

void TagList(Html& h, const Names& names, const std::vector<domain::TagId>& tags,
             std::string_view colour) {
  h << "<ul class=\"nhsuk-list es-tags\">"_m;
  for (const domain::TagId tag : tags) {
    h << "<li class=\"es-tags__item\">"_m;
    Tag(h, Capitalised(names.Tag(tag)), colour);
    h << "</li>"_m;
  }
  h << "</ul>"_m;
}

// "Nia Okafor and Sean Murphy", "District Nursing", "Nia Okafor (about themselves)".
std::string WhoWords(const Names& names, const Story& story) {
  std::vector<std::string> parts;
  for (const domain::PersonId person : story.people) {
    parts.push_back(person == story.author ? names.Person(person) + " (about themselves)"
                                           : names.Person(person));
  }
  for (const domain::TeamId team : story.teams) parts.push_back(names.Team(team));
  if (parts.empty()) return "Nobody yet";
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) out += i + 1 == parts.size() ? " and " : ", ";
    out += parts[i];
  }
  return out;
}

std::string TitleOf(const Story& story) {
  if (story.purged) return "A withdrawn story";
  return story.title.empty() ? std::string("Untitled story") : story.title;
}

// A notification banner: "success" (green) or "Important" (blue).
void Banner(Html& h, bool success, std::string_view heading, std::string_view more = {}) {
  if (success) {
    Html rest;
    if (!more.empty()) rest << "<p class=\"nhsuk-body\">"_m << more << "</p>"_m;
    SuccessBanner(h, heading, rest);
    return;
  }
  h << "<div class=\"nhsuk-notification-banner\" role=\"region\" "
       "aria-labelledby=\"es-banner-title\" data-module=\"nhsuk-notification-banner\">"
       "<div class=\"nhsuk-notification-banner__header\"><h2 class=\"nhsuk-notification-"
       "banner__title\" id=\"es-banner-title\">Important</h2></div>"
       "<div class=\"nhsuk-notification-banner__content\">"
       "<p class=\"nhsuk-notification-banner__heading\">"_m
    << heading << "</p>"_m;
  if (!more.empty()) h << "<p class=\"nhsuk-body\">"_m << more << "</p>"_m;
  h << "</div></div>"_m;
}

// The banner after a change (?done=...) on a story's page.
void DoneBanner(Html& h, std::string_view done) {
  if (done == "saved") {
    Banner(h, true, "Draft saved",
           "Only you can see it. You can come back to it from your stories.");
  } else if (done == "held") {
    Banner(h, false, "Your story is held for moderation",
           "We found details that could identify a patient. A moderator will remove them or "
           "reject the story before anyone else can see it. Until then only you and the "
           "moderators can see it.");
  } else if (done == "awaiting") {
    Banner(h, true, "Story submitted",
           "We have asked the people named whether they agree to share it. It goes on the wall "
           "when everyone has said yes.");
  } else if (done == "published") {
    Banner(h, true, "Story published", "It is on the wall and in the learning library.");
  } else if (done == "consented") {
    Banner(h, true, "Thank you: you agreed to share this story");
  } else if (done == "declined") {
    Banner(h, true, "You chose to keep this story private",
           "It will not be published. Only its author, the people named and their line managers "
           "can see it.");
  } else if (done == "withdrawn") {
    Banner(h, true, "Story withdrawn", "It is no longer on the wall or in the learning library.");
  } else if (done == "acknowledged") {
    Banner(h, true, "Acknowledgement saved");
  } else if (done == "thanked") {
    Banner(h, true, "Your thanks have been added");
  }
}

// A form that posts to `action` with the CSRF field; `body` fills it.
template <class Body>
void PostForm(Html& h, PageContext& page, const std::string& action, Body&& body) {
  h << "<form action=\""_m << action << "\" method=\"post\" novalidate>"_m;
  CsrfField(h, page.viewer.csrf_token);
  body();
  h << "</form>"_m;
}

void NamedButton(Html& h, std::string_view name, std::string_view value, std::string_view text,
                 bool secondary) {
  h << "<button class=\"nhsuk-button"_m << (secondary ? " nhsuk-button--secondary"_m : ""_m)
    << "\" data-module=\"nhsuk-button\" type=\"submit\" name=\""_m << name << "\" value=\""_m
    << value << "\">"_m << text << "</button>"_m;
}

// A list of stories with their state, team and date: for "Your stories".
void StoryList(Html& h, const Names& names, const std::vector<Story>& stories, bool with_state,
               bool with_managers = false) {
  h << "<ul class=\"nhsuk-list es-story-list\">"_m;
  for (const Story& story : stories) {
    h << "<li class=\"es-story-list__item\"><p class=\"nhsuk-u-margin-bottom-1\"><a href=\""_m
      << StoryPath(story.id) << "\">"_m << TitleOf(story) << "</a>"_m;
    if (with_state) {
      h << " "_m;
      Tag(h, StateWords(story.state), StateColour(story.state));
    }
    h << "</p><p class=\"nhsuk-body-s nhsuk-u-secondary-text-colour\">About "_m
      << WhoWords(names, story);
    if (with_managers) {
      std::set<domain::PersonId> managers;
      for (const domain::PersonId person : story.people) {
        if (auto manager = names.people.ManagerOf(person)) managers.insert(*manager);
      }
      for (const domain::PersonId manager : managers) {
        h << " \u2013 line manager "_m << names.Person(manager);
      }
    }
    const int64_t at = story.published_at.value_or(story.submitted_at.value_or(story.updated_at));
    h << " \u2013 "_m << When(at) << "</p></li>"_m;
  }
  h << "</ul>"_m;
}

// --- The story form (new and edit).

// The form's fields from a stored story (for editing it).
FormState FormFromStory(const Names& names, const Story& story) {
  FormState form;
  const bool only_me =
      story.people.size() == 1 && story.people[0] == story.author && story.teams.empty();
  if (only_me) {
    form.Set("who", "myself");
  } else if (!story.people.empty()) {
    form.Set("who", "colleagues");
    std::string list;
    for (const domain::PersonId person : story.people) {
      const domain::Person* found = names.people.Find(person);
      if (found == nullptr) continue;
      const size_t same = static_cast<size_t>(std::count_if(
          names.people.all.begin(), names.people.all.end(),
          [&](const domain::Person& p) { return Lower(p.name) == Lower(found->name); }));
      if (!list.empty()) list += ", ";
      list += same == 1 ? found->name : found->email;
    }
    form.Set("people", list);
  } else if (!story.teams.empty()) {
    form.Set("who", "team");
    form.Set("named_team", std::to_string(story.teams.front().value));
  }
  form.Set("title", story.title);
  form.Set("text", story.text);
  form.Set("learning", story.learning);
  for (const domain::TagId value : story.values) form.Add("values", std::to_string(value.value));
  for (const domain::TagId behaviour : story.behaviours) {
    form.Add("behaviours", std::to_string(behaviour.value));
  }
  if (story.measure) form.Set("measure", std::to_string(story.measure->value));
  return form;
}

// Reads the story form. `complete`: "Continue" (a story ready to check) rather than "Save as
// draft" (which keeps whatever there is). Every problem goes on the form; the step checks the
// rest when the story is saved and submitted.
std::optional<api::StoryDraft> ReadDraft(PageContext& page, const Names& names, FormState& form,
                                         bool complete) {
  api::StoryDraft draft;
  const std::string who(form.Value("who"));
  if (who == "myself") {
    draft.about_myself = true;
  } else if (who == "colleagues") {
    const std::string entries(form.Value("people"));
    size_t begin = 0;
    while (begin <= entries.size()) {
      size_t end = entries.find_first_of(",;", begin);
      if (end == std::string::npos) end = entries.size();
      const std::string entry = Trimmed(std::string_view(entries).substr(begin, end - begin));
      begin = end + 1;
      if (entry.empty()) continue;
      const std::string wanted = Lower(entry);
      std::vector<const domain::Person*> found;
      for (const domain::Person& person : names.people.all) {
        if (person.email == wanted) found = {&person};
      }
      if (found.empty()) {
        for (const domain::Person& person : names.people.all) {
          if (Lower(person.name) == wanted) found.push_back(&person);
        }
      }
      if (found.empty()) {
        if (!form.ErrorFor("people")) {
          form.Fail("people", "We could not find \u2018" + entry +
                                  "\u2019: enter a colleague's full name or email address, as "
                                  "in the suggestions");
        }
        continue;
      }
      if (found.size() > 1) {
        if (!form.ErrorFor("people")) {
          form.Fail("people", "More than one person is called \u2018" + entry +
                                  "\u2019: enter their email address instead");
        }
        continue;
      }
      if (std::find(draft.people.begin(), draft.people.end(), found[0]->id) == draft.people.end()) {
        draft.people.push_back(found[0]->id);
      }
    }
    if (complete && draft.people.empty() && form.ok()) {
      form.Fail("people", "Enter the name or email address of at least one colleague");
    }
  } else if (who == "team") {
    const auto id = ReadId(form.Value("named_team"));
    const bool known =
        id && std::any_of(page.teams.begin(), page.teams.end(),
                          [&](const domain::Team& team) { return team.id.value == *id; });
    if (known) {
      draft.teams.push_back(domain::TeamId(*id));
    } else if (complete || !form.Value("named_team").empty()) {
      form.Fail("named_team", "Choose the team that showed leadership");
    }
  } else if (complete || !who.empty()) {
    form.Fail("who", "Choose who showed leadership: colleagues, a team or yourself");
  }

  draft.title = Trimmed(form.Value("title"));
  if (complete && draft.title.empty()) form.Fail("title", "Enter a title for the story");
  draft.text = Trimmed(form.Value("text"));
  if (complete && draft.text.empty()) form.Fail("text", "Enter what happened");
  draft.learning = Trimmed(form.Value("learning"));

  const auto read_tags = [&](std::string_view field, const std::vector<domain::Tag>& tags,
                             std::vector<domain::TagId>& into) {
    for (const std::string_view value : form.Values(field)) {
      const auto id = ReadId(value);
      const bool known = id && std::any_of(tags.begin(), tags.end(), [&](const domain::Tag& tag) {
                           return tag.id.value == *id;
                         });
      if (!known) {
        if (!form.ErrorFor(field)) form.Fail(std::string(field), "Choose from the list");
        continue;
      }
      if (std::find(into.begin(), into.end(), domain::TagId(*id)) == into.end()) {
        into.push_back(domain::TagId(*id));
      }
    }
  };
  read_tags("values", names.values, draft.values);
  if (complete && draft.values.empty() && !form.ErrorFor("values")) {
    form.Fail("values", "Choose at least one value the story showed");
  }
  read_tags("behaviours", names.behaviours, draft.behaviours);

  if (!form.Value("measure").empty()) {
    if (const auto id = ReadId(form.Value("measure"))) {
      draft.measure = domain::MeasureId(*id);
    } else {
      form.Fail("measure", "Choose a measure from the list, or none");
    }
  }
  if (!form.ok()) return std::nullopt;
  return draft;
}

// The form field a step's error is about (its JSON Pointer or name: "/values", "people").
std::string FieldOfError(std::string_view pointer, const FormState& form) {
  std::string field(pointer);
  if (!field.empty() && field[0] == '/') field.erase(0, 1);
  field = field.substr(0, field.find('/'));
  if (field == "people" || field == "about_myself") {
    return form.Value("who") == "colleagues" ? "people" : "who";
  }
  if (field == "teams" || field == "team") {
    return form.Value("who") == "team" ? "named_team" : "who";
  }
  for (const char* known : {"title", "text", "learning", "values", "behaviours", "measure"}) {
    if (field == known) return field;
  }
  return "";
}

std::string_view FieldLabel(std::string_view field) {
  if (field == "title") return "The title";
  if (field == "text") return "What happened";
  if (field == "learning") return "What others can learn";
  if (field == "values") return "The values";
  if (field == "behaviours") return "The behaviours";
  if (field == "measure") return "The measure";
  if (field == "people") return "The people named";
  if (field == "named_team") return "The team";
  if (field == "who") return "Who showed leadership";
  return "";
}

// A step's 422 as errors on the story form's fields; false for any other refusal.
bool StepErrorsOnForm(FormState& form, const Response& refusal) {
  if (refusal.status != 422) return false;
  const json body = json::parse(refusal.body, nullptr, false);
  bool any = false;
  if (body.is_object() && body.contains("errors") && body["errors"].is_array()) {
    for (const json& error : body["errors"]) {
      if (!error.is_object()) continue;
      const std::string pointer = error.contains("field") && error["field"].is_string()
                                      ? error["field"].get<std::string>()
                                      : "";
      std::string reason = error.contains("reason") && error["reason"].is_string()
                               ? error["reason"].get<std::string>()
                               : "is not right";
      const std::string field = FieldOfError(pointer, form);
      const std::string_view label = FieldLabel(field);
      std::string message;
      // A reason is a phrase: "must be at most 200 characters" (about the field) or "give the
      // story a title" (a sentence of its own).
      const bool about_field = reason.rfind("must ", 0) == 0 || reason.rfind("is ", 0) == 0;
      if (about_field && !label.empty()) {
        message = std::string(label) + " " + reason;
      } else {
        message = Capitalised(reason);
      }
      if (!form.ErrorFor(field)) form.Fail(field, message);
      any = true;
    }
  }
  if (!any) {
    std::string detail = ProblemDetail(refusal);
    form.Fail("",
              detail.empty() ? std::string("The story could not be saved") : Capitalised(detail));
  }
  return true;
}

// The measures a story may link to: those of the viewer's teams (and the story's own).
std::vector<Choice> MeasureChoices(PageContext& page, std::optional<domain::MeasureId> current) {
  std::vector<Choice> choices = {{"", "No measure", ""}};
  bool has_current = !current.has_value();
  if (auto teams = MyTeams(page)) {
    for (const domain::Team& team : *teams) {
      auto measures = page.store.ListMeasures(page.caller.org, team.id);
      if (!measures) continue;
      for (const domain::Measure& measure : *measures) {
        choices.push_back(
            {std::to_string(measure.id.value), measure.name + " (" + team.name + ")", ""});
        if (current && measure.id == *current) has_current = true;
      }
    }
  }
  if (!has_current) {
    if (auto measure = page.store.GetMeasure(page.caller.org, *current)) {
      choices.push_back({std::to_string(measure->id.value), measure->name, ""});
    }
  }
  return choices;
}

Response StoryFormPage(PageContext& page, const Names& names, FormState& form,
                       std::optional<domain::StoryId> id, int status) {
  Html h;
  h << "<div class=\"nhsuk-grid-row\"><div class=\"nhsuk-grid-column-two-thirds\">"_m;
  ErrorSummary(h, form);
  h << "<h1 class=\"nhsuk-heading-l\">"_m;
  Caption(h, "Stories of leadership");
  h << (id ? "Change your story"_m : "Record a story"_m) << "</h1>"_m;
  if (!id) {
    h << "<p>Tell us about someone \u2013 a colleague, a team or you \u2013 leading from where "
         "they are. It takes a minute.</p>"_m;
  }
  const std::string action = id ? StoryPath(*id, "/edit") : std::string("/stories/new");
  h << "<form action=\""_m << action << "\" method=\"post\" novalidate>"_m;
  CsrfField(h, page.viewer.csrf_token);

  // Who: the fields of each choice are revealed under it (all shown without JavaScript).
  Html people;
  InputOptions people_options;
  people_options.hint =
      "Their full names or email addresses. Separate several with commas, like: Nia Okafor, "
      "Sean Murphy";
  people_options.list = "es-people-list";
  people_options.autocomplete = "off";
  Input(people, form, "people", "Which colleagues?", people_options);
  people << "<datalist id=\"es-people-list\">"_m;
  for (const domain::Person& person : names.people.all) {
    const size_t same = static_cast<size_t>(std::count_if(
        names.people.all.begin(), names.people.all.end(),
        [&](const domain::Person& p) { return Lower(p.name) == Lower(person.name); }));
    people << "<option value=\""_m << (same == 1 ? person.name : person.email) << "\">"_m
           << person.job_title << "</option>"_m;
  }
  people << "</datalist>"_m;
  Html team;
  std::vector<Choice> teams = {{"", "Choose a team", ""}};
  for (const domain::Team& t : page.teams) {
    const size_t same = static_cast<size_t>(
        std::count_if(page.teams.begin(), page.teams.end(),
                      [&](const domain::Team& other) { return other.name == t.name; }));
    teams.push_back({std::to_string(t.id.value), same == 1 ? t.name : t.path, ""});
  }
  Select(team, form, "named_team", "Which team?", teams);
  std::vector<Html> fields;
  fields.push_back(std::move(people));
  fields.push_back(std::move(team));
  ConditionalRadios(h, form, "who", "Who showed leadership?",
                    {{"colleagues", "One or more colleagues", ""},
                     {"team", "A team", ""},
                     {"myself", "Myself", "Something you did: it is fine to tell it"}},
                    fields);

  InputOptions title;
  title.hint = "A few words, like: Walked five miles through the snow to open the health centre";
  Input(h, form, "title", "Title", title);
  Textarea(h, form, "text", "What happened",
           "Do not include anything that could identify a patient, such as their name, NHS "
           "number, date of birth or postcode.",
           5);

  std::vector<Choice> values;
  for (const domain::Tag& tag : names.values) {
    const auto chosen = form.Values("values");
    const bool is_chosen =
        std::find(chosen.begin(), chosen.end(), std::to_string(tag.id.value)) != chosen.end();
    if (!tag.active && !is_chosen) continue;
    values.push_back({std::to_string(tag.id.value), Capitalised(tag.name), tag.description});
  }
  Checkboxes(h, form, "values", "Which values did it show?", values, "Choose at least one.");
  std::vector<Choice> behaviours;
  for (const domain::Tag& tag : names.behaviours) {
    const auto chosen = form.Values("behaviours");
    const bool is_chosen =
        std::find(chosen.begin(), chosen.end(), std::to_string(tag.id.value)) != chosen.end();
    if (!tag.active && !is_chosen) continue;
    behaviours.push_back({std::to_string(tag.id.value), Capitalised(tag.name), tag.description});
  }
  Checkboxes(h, form, "behaviours", "Which behaviours did it show? (optional)", behaviours);
  Textarea(h, form, "learning", "What can others learn from it? (optional)", {}, 3);
  std::optional<domain::MeasureId> current;
  if (const auto measure = ReadId(form.Value("measure"))) current = domain::MeasureId(*measure);
  Select(h, form, "measure", "Did it move one of your team's measures? (optional)",
         MeasureChoices(page, current));

  h << "<div class=\"nhsuk-button-group\">"_m;
  NamedButton(h, "action", "continue", "Continue", false);
  NamedButton(h, "action", "draft", "Save as draft", true);
  h << "</div></form></div></div>"_m;

  PageSpec spec;
  spec.title = id ? "Change your story" : "Record a story";
  spec.nav = "stories";
  spec.back_href = id ? StoryPath(*id) : std::string("/stories");
  spec.has_errors = !form.ok();
  spec.status = status;
  return PageResponse(page.viewer, spec, h);
}

// Saves the form's story (a new one when `id` is unset) and goes on: to the check page, or to
// the story with "Draft saved".
Response SaveStoryForm(PageContext& page, std::optional<domain::StoryId> id) {
  auto names = LoadNames(page);
  if (!names) return FromRefusal(page.viewer, names.error());
  const bool to_check = page.form.Value("action") != "draft";
  auto draft = ReadDraft(page, *names, page.form, to_check);
  if (!draft) return StoryFormPage(page, *names, page.form, id, 422);
  auto saved = api::SaveDraft(page.impl, page.store, page.caller, id, *draft);
  if (!saved) {
    if (StepErrorsOnForm(page.form, saved.error())) {
      return StoryFormPage(page, *names, page.form, id, 422);
    }
    return FromRefusal(page.viewer, saved.error());
  }
  return Redirect(to_check ? StoryPath(saved->id, "/check") : StoryPath(saved->id, "?done=saved"));
}

// The story of the path parameter "story", as the caller may see it (the refusal as a page).
tl::expected<Story, Response> PageStory(PageContext& page) {
  auto id = api::PathId(page.request, "story");
  if (!id) return tl::unexpected(ErrorPage(page.viewer, 404, "there is no such story"));
  auto story = api::ViewStory(page.store, page.caller, domain::StoryId(*id));
  if (!story) return tl::unexpected(FromRefusal(page.viewer, story.error(), page.request.target));
  return std::move(*story);
}

bool Editable(const Story& story) {
  return story.state == StoryState::kDraft || story.state == StoryState::kInModeration ||
         story.state == StoryState::kAwaitingConsent || story.state == StoryState::kDeclined;
}

// --- The check page.

std::vector<SummaryRow> StoryRows(const Names& names, PageContext& page, const Story& story,
                                  const std::vector<domain::Finding>& findings,
                                  const std::string& change) {
  const auto cp = [](std::string_view text) {
    return static_cast<int64_t>(domain::CharacterOffsets(text).size() - 1);
  };
  const int64_t text_start = cp(story.title) + 2;
  const int64_t learning_start = text_start + cp(story.text) + 2;
  std::vector<SummaryRow> rows;
  const auto row = [&](std::string key, Html value, std::string field, std::string hidden) {
    SummaryRow r;
    r.key = std::move(key);
    r.value = std::move(value);
    if (!change.empty()) {
      r.action_href = change + "#" + field;
      r.action_text = std::move(hidden);
    }
    rows.push_back(std::move(r));
  };
  Html who;
  who << WhoWords(names, story);
  row("Who showed leadership", std::move(who), "who", "who showed leadership");
  Html title;
  Words(title, story.title, MarksIn(story.title, 0, findings));
  row("Title", std::move(title), "title", "title");
  Html text;
  Words(text, story.text, MarksIn(story.text, text_start, findings));
  row("What happened", std::move(text), "text", "what happened");
  Html values;
  TagList(values, names, story.values, "blue");
  row("Values", std::move(values), "values", "values");
  Html behaviours;
  if (story.behaviours.empty()) {
    behaviours << "None"_m;
  } else {
    TagList(behaviours, names, story.behaviours, "aqua-green");
  }
  row("Behaviours", std::move(behaviours), "behaviours", "behaviours");
  Html learning;
  if (story.learning.empty()) {
    learning << "Nothing yet"_m;
  } else {
    Words(learning, story.learning, MarksIn(story.learning, learning_start, findings));
  }
  row("What others can learn", std::move(learning), "learning", "what others can learn");
  if (story.measure) {
    Html measure;
    if (auto found = page.store.GetMeasure(page.caller.org, *story.measure)) {
      measure << found->name;
    }
    row("Measure", std::move(measure), "measure", "measure");
  }
  return rows;
}

Response CheckPage(PageContext& page) {
  auto story = PageStory(page);
  if (!story) return std::move(story.error());
  if (story->author != Me(page)) {
    return ErrorPage(page.viewer, 403, "only the author of a story can check and submit it");
  }
  if (story->state != StoryState::kDraft) return Redirect(StoryPath(story->id));
  auto names = LoadNames(page);
  if (!names) return FromRefusal(page.viewer, names.error());
  const std::vector<domain::Finding> findings =
      api::GuardStory(story->title, story->text, story->learning);

  Html h;
  h << "<div class=\"nhsuk-grid-row\"><div class=\"nhsuk-grid-column-two-thirds\">"_m;
  h << "<h1 class=\"nhsuk-heading-l\">"_m;
  Caption(h, "Stories of leadership");
  h << "Check your story</h1>"_m;
  if (!findings.empty()) {
    h << "<div class=\"nhsuk-card nhsuk-card--warning es-findings\"><div "
         "class=\"nhsuk-card__content\"><h2 class=\"nhsuk-card__heading\"><span "
         "class=\"nhsuk-u-visually-hidden\">Important: </span>We found details that could "
         "identify a patient</h2><ul class=\"nhsuk-list nhsuk-list--bullet\">"_m;
    for (const domain::Finding& finding : findings) {
      h << "<li>"_m << FindingWords(finding.kind) << ": <mark>"_m << finding.text
        << "</mark></li>"_m;
    }
    h << "</ul><p>They are highlighted in your story below. <a href=\""_m
      << StoryPath(story->id, "/edit")
      << "\">Change your story</a> to take them out.</p><p>If you submit it with them, it will "
         "be held for moderation: only you and the moderators will see it until a moderator "
         "removes them.</p></div></div>"_m;
  } else {
    const std::vector<domain::PersonId> asked = domain::ConsentNeeded(*story);
    h << "<div class=\"nhsuk-inset-text\"><span class=\"nhsuk-u-visually-hidden\">Information: "
         "</span><p>We found nothing that could identify a patient.</p><p>"_m;
    if (asked.empty()) {
      h << "When you submit it, it goes on the wall and into the learning library straight "
           "away."_m;
    } else {
      h << "When you submit it, we will ask "_m;
      for (size_t i = 0; i < asked.size(); ++i) {
        if (i > 0) h << (i + 1 == asked.size() ? " and "_m : ", "_m);
        h << names->Person(asked[i]);
      }
      h << " whether they agree to share it. It goes on the wall when everyone has said yes."_m;
    }
    h << "</p></div>"_m;
  }
  h << "<h2 class=\"nhsuk-heading-m\">Your story</h2>"_m;
  SummaryList(h, StoryRows(*names, page, *story, findings, StoryPath(story->id, "/edit")));
  PostForm(h, page, StoryPath(story->id, "/submit"),
           [&] { Button(h, findings.empty() ? "Submit story" : "Submit for moderation"); });
  h << "<p><a href=\""_m << StoryPath(story->id, "/edit")
    << "\">Change your story</a></p><p>Not ready? It is saved as a draft: <a href=\""_m
    << "/stories/mine\">find it in your stories</a>.</p></div></div>"_m;
  PageSpec spec;
  spec.title = "Check your story";
  spec.nav = "stories";
  spec.back_href = StoryPath(story->id, "/edit");
  return PageResponse(page.viewer, spec, h);
}

// --- The story.

bool Named(const Story& story, domain::PersonId person) {
  return std::find(story.people.begin(), story.people.end(), person) != story.people.end();
}

// Whether the viewer is a line manager of someone named, or a lead of the story's team (the
// people AcknowledgeStory accepts): only to offer the form; the step decides.
bool MayAcknowledge(PageContext& page, const Names& names, const Story& story) {
  for (const domain::PersonId person : story.people) {
    if (person == Me(page)) continue;
    if (names.people.ManagerOf(person) == Me(page)) return true;
  }
  std::vector<domain::TeamId> teams = story.teams;
  if (story.team) teams.push_back(*story.team);
  return std::any_of(teams.begin(), teams.end(), [&](domain::TeamId team) {
    return Allowed(page, domain::Action::kAcknowledgeStory, team);
  });
}

Response StoryPage(PageContext& page, const Story& story, FormState& form, int status) {
  auto names = LoadNames(page);
  if (!names) return FromRefusal(page.viewer, names.error());
  const domain::PersonId me = Me(page);
  const bool author = story.author == me;
  const bool named = Named(story, me);

  Html h;
  h << "<div class=\"nhsuk-grid-row\"><div class=\"nhsuk-grid-column-two-thirds\">"_m;
  ErrorSummary(h, form);
  DoneBanner(h, page.request.Query("done").value_or(""));
  h << "<h1 class=\"nhsuk-heading-l\">"_m;
  Caption(h, "A story of leadership");
  h << TitleOf(story) << "</h1>"_m;
  h << "<p>"_m;
  Tag(h, StateWords(story.state), StateColour(story.state));
  h << "</p><p>"_m << StateExplained(story.state);
  if (story.state == StoryState::kPublished && story.published_at) {
    h << " Published on "_m << When(*story.published_at) << "."_m;
  }
  h << "</p>"_m;
  if (!story.moderation_note.empty() && (author || story.state == StoryState::kRejected)) {
    h << "<div class=\"nhsuk-inset-text\"><span class=\"nhsuk-u-visually-hidden\">Information: "
         "</span><p>The moderator's note: "_m
      << story.moderation_note << "</p></div>"_m;
  }

  if (story.state == StoryState::kInModeration && page.viewer.moderator) {
    h << "<p><a href=\"/moderation/"_m << story.id.value
      << "\">Moderate this story</a>: edit the details out, or reject it.</p>"_m;
  }

  // The consent question, first, for a person named who has not answered.
  if (story.state == StoryState::kAwaitingConsent) {
    for (const domain::Consent& consent : story.consents) {
      if (consent.person != me || consent.state != domain::ConsentState::kPending) continue;
      h << "<div class=\"nhsuk-card nhsuk-card--feature es-consent\"><div "
           "class=\"nhsuk-card__content nhsuk-card__content--feature\"><h2 "
           "class=\"nhsuk-card__heading nhsuk-card__heading--feature nhsuk-heading-m\">Do you "
           "agree to share this story?</h2><p>"_m
        << names->Person(story.author)
        << " wrote it about you. If you say yes, and everyone else named agrees, it goes on the "
           "wall and into the learning library for everyone in the organisation to read. If you "
           "say no, it stays private.</p>"_m;
      PostForm(h, page, StoryPath(story.id, "/consent"), [&] {
        h << "<div class=\"nhsuk-button-group\">"_m;
        NamedButton(h, "decision", "yes", "Yes, share this story", false);
        NamedButton(h, "decision", "no", "No, keep it private", true);
        h << "</div>"_m;
      });
      h << "</div></div>"_m;
    }
  }

  if (story.purged) {
    h << "<p>The words of this story have been deleted.</p>"_m;
  } else {
    std::vector<SummaryRow> rows;
    const auto row = [&](std::string key, Html value) {
      SummaryRow r;
      r.key = std::move(key);
      r.value = std::move(value);
      rows.push_back(std::move(r));
    };
    Html who;
    who << WhoWords(*names, story);
    row("Who showed leadership", std::move(who));
    Html by;
    by << names->Person(story.author);
    row("Recorded by", std::move(by));
    if (story.team) {
      Html team;
      team << "<a href=\"/teams/"_m << story.team->value << "\">"_m << names->Team(*story.team)
           << "</a>"_m;
      row("Team", std::move(team));
    }
    Html values;
    TagList(values, *names, story.values, "blue");
    row("Values", std::move(values));
    if (!story.behaviours.empty()) {
      Html behaviours;
      TagList(behaviours, *names, story.behaviours, "aqua-green");
      row("Behaviours", std::move(behaviours));
    }
    if (story.measure) {
      if (auto measure = page.store.GetMeasure(page.caller.org, *story.measure)) {
        Html link;
        link << "<a href=\"/measures/"_m << measure->id.value << "\">"_m << measure->name
             << "</a>"_m;
        row("Measure", std::move(link));
      }
    }
    SummaryList(h, rows);
    h << "<h2 class=\"nhsuk-heading-m\">What happened</h2>"_m;
    Words(h, story.text);
    if (!story.learning.empty()) {
      h << "<h2 class=\"nhsuk-heading-m\">What others can learn</h2>"_m;
      Words(h, story.learning);
    }
  }

  // Consents, while they matter (to those who may see the story at all).
  if (!story.consents.empty() && story.state != StoryState::kPublished &&
      story.state != StoryState::kDraft) {
    h << "<h2 class=\"nhsuk-heading-m\">Consent</h2><ul class=\"nhsuk-list es-consents\">"_m;
    for (const domain::Consent& consent : story.consents) {
      h << "<li>"_m << names->Person(consent.person) << ": "_m;
      switch (consent.state) {
        case domain::ConsentState::kGiven:
          h << "agreed to share it"_m;
          break;
        case domain::ConsentState::kDeclined:
          h << "chose to keep it private"_m;
          break;
        case domain::ConsentState::kPending:
          h << "not answered yet"_m;
          break;
      }
      h << "</li>"_m;
    }
    h << "</ul>"_m;
  }

  // What the author can do with a story not yet out.
  if (author && story.state == StoryState::kDraft) {
    h << "<p><a class=\"nhsuk-button\" data-module=\"nhsuk-button\" role=\"button\" "
         "draggable=\"false\" href=\""_m
      << StoryPath(story.id, "/check") << "\">Check and submit</a></p><p><a href=\""_m
      << StoryPath(story.id, "/edit") << "\">Change your story</a></p>"_m;
  } else if (author && Editable(story)) {
    h << "<p><a href=\""_m << StoryPath(story.id, "/edit")
      << "\">Change your story</a>. It then becomes a draft again: you submit it again, and the "
         "people named are asked again.</p>"_m;
  }

  // Acknowledgement by a line manager.
  const bool acknowledged_by_me =
      std::any_of(story.acknowledgements.begin(), story.acknowledgements.end(),
                  [&](const domain::Acknowledgement& a) { return a.manager == me; });
  if (story.state == StoryState::kPublished && !acknowledged_by_me &&
      MayAcknowledge(page, *names, story)) {
    h << "<h2 class=\"nhsuk-heading-m\">Acknowledge this story</h2><p>As their line manager, "
         "let them know you have seen it.</p>"_m;
    PostForm(h, page, StoryPath(story.id, "/acknowledge"), [&] {
      const std::string words = story.title + "\n\n" + story.text + "\n\n" + story.learning;
      if (domain::PraisesExtraHours(words)) {
        h << "<div class=\"nhsuk-inset-text\"><span class=\"nhsuk-u-visually-hidden\">"
             "Information: </span><p>This story praises extra hours, shifts or weekends. "
             "Celebrate the values it shows, and check on their wellbeing rather than reward "
             "the hours.</p></div>"_m;
        std::vector<Choice> checked = {{"yes", "I have checked on their wellbeing", ""}};
        Checkboxes(h, form, "wellbeing_checked", "Their wellbeing", checked);
      }
      Textarea(h, form, "note", "A note for them (optional)", {}, 3);
      Button(h, "Acknowledge");
    });
  }

  // Thanks from anyone.
  const bool thanked_by_me = std::any_of(story.thanks.begin(), story.thanks.end(),
                                         [&](const domain::Thanks& t) { return t.person == me; });
  if (story.state == StoryState::kPublished && !thanked_by_me && !named) {
    h << "<h2 class=\"nhsuk-heading-m\">Say thank you</h2>"_m;
    PostForm(h, page, StoryPath(story.id, "/thanks"), [&] {
      Textarea(h, form, "thanks_note", "Your thanks (optional)", {}, 2);
      Button(h, "Say thank you", true);
    });
  }

  if (!story.acknowledgements.empty()) {
    h << "<h2 class=\"nhsuk-heading-m\">Acknowledged</h2><ul class=\"nhsuk-list "
         "es-acknowledgements\">"_m;
    for (const domain::Acknowledgement& a : story.acknowledgements) {
      h << "<li><p class=\"nhsuk-u-margin-bottom-1\"><strong>"_m << names->Person(a.manager)
        << "</strong> <span class=\"nhsuk-body-s nhsuk-u-secondary-text-colour\">"_m << When(a.at)
        << "</span></p>"_m;
      if (!a.note.empty()) h << "<p>"_m << a.note << "</p>"_m;
      h << "</li>"_m;
    }
    h << "</ul>"_m;
  }
  if (!story.thanks.empty()) {
    h << "<h2 class=\"nhsuk-heading-m\">Thanks</h2><ul class=\"nhsuk-list es-thanks\">"_m;
    for (const domain::Thanks& t : story.thanks) {
      h << "<li><p class=\"nhsuk-u-margin-bottom-1\"><strong>"_m << names->Person(t.person)
        << "</strong> <span class=\"nhsuk-body-s nhsuk-u-secondary-text-colour\">"_m << When(t.at)
        << "</span></p>"_m;
      if (!t.note.empty()) h << "<p>"_m << t.note << "</p>"_m;
      h << "</li>"_m;
    }
    h << "</ul>"_m;
  }

  if ((author || named) && story.state != StoryState::kDraft &&
      story.state != StoryState::kWithdrawn && story.state != StoryState::kRejected) {
    h << "<h2 class=\"nhsuk-heading-m\">Withdraw this story</h2><p>You can take it down at any "
         "time: it comes off the wall and out of the learning library.</p><p><a href=\""_m
      << StoryPath(story.id, "/withdraw") << "\">Withdraw this story</a></p>"_m;
  }
  h << "</div></div>"_m;

  PageSpec spec;
  spec.title = TitleOf(story);
  spec.nav = "stories";
  spec.back_href = author || named ? "/stories/mine" : "/stories";
  spec.has_errors = !form.ok();
  spec.status = status;
  return PageResponse(page.viewer, spec, h);
}

// A step's refusal of a form on the story page: a 422 goes back to the page next to `field`.
Response StoryRefusal(PageContext& page, const Response& refusal, std::string_view field) {
  if (refusal.status == 422) {
    auto story = PageStory(page);
    if (!story) return std::move(story.error());
    std::string detail = ProblemDetail(refusal);
    page.form.Fail(std::string(field),
                   detail.empty() ? "Check what you entered" : Capitalised(detail));
    return StoryPage(page, *story, page.form, 422);
  }
  return FromRefusal(page.viewer, refusal);
}

std::optional<domain::StoryId> StoryParam(PageContext& page) {
  auto id = api::PathId(page.request, "story");
  if (!id) return std::nullopt;
  return domain::StoryId(*id);
}

// --- The wall and the library.

void Pagination(Html& h, const std::string& base, int number, bool more) {
  if (number <= 1 && !more) return;
  h << "<nav class=\"nhsuk-pagination\" role=\"navigation\" aria-label=\"Pagination\">"
       "<ul class=\"nhsuk-list nhsuk-pagination__list\">"_m;
  if (number > 1) {
    h << "<li class=\"nhsuk-pagination-item--previous\"><a class=\"nhsuk-pagination__link "
         "nhsuk-pagination__link--prev\" href=\""_m
      << base << "page="_m << (number - 1)
      << "\" rel=\"prev\"><span class=\"nhsuk-pagination__title\">Previous<span "
         "class=\"nhsuk-u-visually-hidden\"> page</span></span><span "
         "class=\"nhsuk-u-visually-hidden\">:</span><span class=\"nhsuk-pagination__page\">"_m
      << "Page "_m << (number - 1)
      << "</span><svg class=\"nhsuk-icon nhsuk-icon--arrow-left\" "
         "xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 24 24\" width=\"16\" height=\"16\" "
         "focusable=\"false\" aria-hidden=\"true\"><path d=\"M10.7 6.3c.4.4.4 1 0 1.4L7.4 11H19a1 "
         "1 0 0 1 0 2H7.4l3.3 3.3c.4.4.4 1 0 1.4a1 1 0 0 1-1.4 0l-5-5A1 1 0 0 1 4 12c0-.3.1-.5."
         "3-.7l5-5a1 1 0 0 1 1.4 0Z\"/></svg></a></li>"_m;
  }
  if (more) {
    h << "<li class=\"nhsuk-pagination-item--next\"><a class=\"nhsuk-pagination__link "
         "nhsuk-pagination__link--next\" href=\""_m
      << base << "page="_m << (number + 1)
      << "\" rel=\"next\"><span class=\"nhsuk-pagination__title\">Next<span "
         "class=\"nhsuk-u-visually-hidden\"> page</span></span><span "
         "class=\"nhsuk-u-visually-hidden\">:</span><span class=\"nhsuk-pagination__page\">"_m
      << "Page "_m << (number + 1)
      << "</span><svg class=\"nhsuk-icon nhsuk-icon--arrow-right\" "
         "xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 24 24\" width=\"16\" height=\"16\" "
         "focusable=\"false\" aria-hidden=\"true\"><path d=\"m14.7 6.3 5 5c.2.2.3.4.3.7 0 "
         ".3-.1.5-.3.7l-5 5a1 1 0 0 1-1.4-1.4l3.3-3.3H5a1 1 0 0 1 0-2h11.6l-3.3-3.3a1 1 0 1 1 "
         "1.4-1.4Z\"/></svg></a></li>"_m;
  }
  h << "</ul></nav>"_m;
}

// A date typed in a filter: "2026-03-01" (a date field) or "1/3/2026"; nullopt when it is not.
std::optional<std::string> ReadFilterDate(std::string_view text) {
  const std::string trimmed = Trimmed(text);
  if (domain::ParseIsoDate(trimmed)) return trimmed;
  int day = 0;
  int month = 0;
  int year = 0;
  char sep1 = 0;
  char sep2 = 0;
  if (std::sscanf(trimmed.c_str(), "%d%c%d%c%d", &day, &sep1, &month, &sep2, &year) == 5 &&
      (sep1 == '/' || sep1 == ' ' || sep1 == '-' || sep1 == '.') && sep1 == sep2) {
    char buffer[40];
    std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02d", year, month, day);
    if (auto parsed = domain::ParseIsoDate(buffer);
        parsed && domain::FormatIsoDate(*parsed) == buffer) {
      return std::string(buffer);
    }
  }
  return std::nullopt;
}

Response LibraryPage(PageContext& page) {
  auto names = LoadNames(page);
  if (!names) return FromRefusal(page.viewer, names.error());
  const Request& r = page.request;
  FormState form;
  for (const char* field : {"q", "value", "behaviour", "team", "from", "to"}) {
    form.Set(field, Trimmed(r.Query(field).value_or("")));
  }
  store::StoryQuery query;
  query.words = std::string(form.Value("q"));
  if (const auto id = ReadId(form.Value("value"))) query.value = domain::TagId(*id);
  if (const auto id = ReadId(form.Value("behaviour"))) query.behaviour = domain::TagId(*id);
  if (const auto id = ReadId(form.Value("team"))) query.teams.push_back(domain::TeamId(*id));
  if (!form.Value("from").empty()) {
    if (const auto from = ReadFilterDate(form.Value("from"))) {
      query.published_from = *domain::ParseIsoDate(*from);
    } else {
      form.Fail("from", "The date from must be a real date, like 2026-03-01");
    }
  }
  if (!form.Value("to").empty()) {
    if (const auto to = ReadFilterDate(form.Value("to"))) {
      query.published_to = *domain::ParseIsoDate(*to) + 86400;  // to the end of that day
    } else {
      form.Fail("to", "The date to must be a real date, like 2026-03-31");
    }
  }
  int number = 1;
  if (const auto wanted = ReadId(r.Query("page").value_or(""))) {
    number = static_cast<int>(std::min<int64_t>(*wanted, 100000));
  }
  query.limit = kPageSize + 1;
  query.offset = (number - 1) * kPageSize;
  const bool searching = !query.words.empty() || query.value || query.behaviour ||
                         !query.teams.empty() || query.published_from || query.published_to;

  std::vector<Story> stories;
  if (form.ok()) {
    auto found = api::Library(page.store, page.caller, query);
    if (!found) {
      if (found.error().status != 422) return FromRefusal(page.viewer, found.error());
      form.Fail("q", Capitalised(ProblemDetail(found.error())));
    } else {
      stories = std::move(*found);
    }
  }
  const bool more = stories.size() > static_cast<size_t>(kPageSize);
  if (more) stories.resize(kPageSize);

  Html h;
  ErrorSummary(h, form);
  h << "<h1 class=\"nhsuk-heading-l\">Stories of leadership</h1><p>Leadership from every seat: "
       "what colleagues, teams and people like you did, and what we can all learn from it.</p>"
       "<p><a class=\"nhsuk-button\" data-module=\"nhsuk-button\" role=\"button\" "
       "draggable=\"false\" href=\"/stories/new\">Record a story</a></p>"
       "<p><a href=\"/stories/mine\">Your stories</a></p>"
       "<div class=\"nhsuk-grid-row\"><div class=\"nhsuk-grid-column-one-third\">"
       "<form action=\"/stories\" method=\"get\" role=\"search\" aria-label=\"Stories\" "
       "novalidate><h2 class=\"nhsuk-heading-m\">Search the library</h2>"_m;
  Input(h, form, "q", "Words");
  std::vector<Choice> values = {{"", "Any value", ""}};
  for (const domain::Tag& tag : names->values) {
    values.push_back({std::to_string(tag.id.value), Capitalised(tag.name), ""});
  }
  Select(h, form, "value", "Value", values);
  std::vector<Choice> behaviours = {{"", "Any behaviour", ""}};
  for (const domain::Tag& tag : names->behaviours) {
    behaviours.push_back({std::to_string(tag.id.value), Capitalised(tag.name), ""});
  }
  Select(h, form, "behaviour", "Behaviour", behaviours);
  std::vector<Choice> teams = {{"", "Any team", ""}};
  for (const domain::Team& team : page.teams) {
    teams.push_back({std::to_string(team.id.value), team.name, ""});
  }
  Select(h, form, "team", "Team", teams);
  InputOptions date;
  date.type = "date";
  date.width_class = "nhsuk-input--width-10";
  date.hint = "For example, 2026-03-01";
  Input(h, form, "from", "Published from", date);
  Input(h, form, "to", "Published up to", date);
  Button(h, "Search", true);
  h << "</form></div><div class=\"nhsuk-grid-column-two-thirds\">"_m;

  h << "<h2 class=\"nhsuk-heading-m\" id=\"es-results\">"_m
    << (searching ? "Stories found"_m : "The wall: the newest stories"_m) << "</h2>"_m;
  if (stories.empty()) {
    h << "<p>"_m
      << (searching ? "No published stories match. Try fewer words or other filters."_m
                    : "No stories have been published yet. Be the first to record one."_m)
      << "</p>"_m;
  } else {
    h << "<ul class=\"nhsuk-list es-stories\">"_m;
    for (const Story& story : stories) {
      h << "<li><div class=\"nhsuk-card nhsuk-card--clickable es-story-card\"><div "
           "class=\"nhsuk-card__content\"><h3 class=\"nhsuk-card__heading nhsuk-heading-s\"><a "
           "class=\"nhsuk-card__link\" href=\""_m
        << StoryPath(story.id) << "\">"_m << TitleOf(story)
        << "</a></h3><p class=\"nhsuk-body-s nhsuk-u-secondary-text-colour\">"_m
        << WhoWords(*names, story);
      if (story.team) h << " \u2013 "_m << names->Team(*story.team);
      if (story.published_at) h << " \u2013 "_m << When(*story.published_at);
      h << "</p><p class=\"nhsuk-card__description\">"_m << FirstWords(story.text) << "</p>"_m;
      TagList(h, *names, story.values, "blue");
      h << "</div></div></li>"_m;
    }
    h << "</ul>"_m;
  }
  std::string base = "/stories?";
  for (const char* field : {"q", "value", "behaviour", "team", "from", "to"}) {
    if (!form.Value(field).empty()) {
      base += std::string(field) + "=" + UrlEncode(form.Value(field)) + "&";
    }
  }
  Pagination(h, base, number, more);
  h << "</div></div>"_m;

  PageSpec spec;
  spec.title = "Stories of leadership";
  spec.nav = "stories";
  spec.has_errors = !form.ok();
  spec.status = form.ok() ? 200 : 422;
  return PageResponse(page.viewer, spec, h);
}

// --- Your stories.

Response MinePage(PageContext& page) {
  auto inbox = api::Inbox(page.store, page.caller);
  if (!inbox) return FromRefusal(page.viewer, inbox.error());
  auto names = LoadNames(page);
  if (!names) return FromRefusal(page.viewer, names.error());
  Html h;
  h << "<h1 class=\"nhsuk-heading-l\">Your stories</h1>"
       "<p><a class=\"nhsuk-button\" data-module=\"nhsuk-button\" role=\"button\" "
       "draggable=\"false\" href=\"/stories/new\">Record a story</a></p>"_m;
  const auto section = [&](std::string_view heading, std::string_view intro,
                           const std::vector<Story>& stories, bool with_state,
                           bool with_managers = false) {
    h << "<h2 class=\"nhsuk-heading-m\">"_m << heading << "</h2>"_m;
    if (stories.empty()) {
      h << "<p>None.</p>"_m;
      return;
    }
    if (!intro.empty()) h << "<p>"_m << intro << "</p>"_m;
    StoryList(h, *names, stories, with_state, with_managers);
  };
  if (!inbox->consent_requests.empty()) {
    section("Waiting for your consent",
            "Stories about you that will not be published until you agree.",
            inbox->consent_requests, false);
  }
  if (!inbox->to_acknowledge.empty()) {
    section("Stories to acknowledge", "Published stories about the people you line manage.",
            inbox->to_acknowledge, false);
  }
  if (!inbox->overdue_below.empty()) {
    section("Not acknowledged after 14 days",
            "Stories about the people your managers look after, which their line manager has not "
            "acknowledged yet. You might remind them.",
            inbox->overdue_below, false, true);
  }
  section("Stories about you", {}, inbox->about_me, true);
  section("Stories you recorded", {}, inbox->mine, true);
  PageSpec spec;
  spec.title = "Your stories";
  spec.nav = "stories";
  spec.back_href = "/stories";
  return PageResponse(page.viewer, spec, h);
}

}  // namespace

void AddStoryPages(Router& router, Api::Impl& impl) {
  AddPage(router, impl, "GET", "/stories", LibraryPage);
  AddPage(router, impl, "GET", "/stories/mine", MinePage);

  AddPage(router, impl, "GET", "/stories/new", [](PageContext& page) -> Response {
    auto names = LoadNames(page);
    if (!names) return FromRefusal(page.viewer, names.error());
    FormState form;
    return StoryFormPage(page, *names, form, std::nullopt, 200);
  });
  AddPage(router, impl, "POST", "/stories/new",
          [](PageContext& page) -> Response { return SaveStoryForm(page, std::nullopt); });

  AddPage(router, impl, "GET", "/stories/{story}", [](PageContext& page) -> Response {
    auto story = PageStory(page);
    if (!story) return std::move(story.error());
    FormState form;
    return StoryPage(page, *story, form, 200);
  });

  AddPage(router, impl, "GET", "/stories/{story}/edit", [](PageContext& page) -> Response {
    auto story = PageStory(page);
    if (!story) return std::move(story.error());
    if (story->author != Me(page)) {
      return ErrorPage(page.viewer, 403, "only the author of a story can change it");
    }
    if (!Editable(*story)) return Redirect(StoryPath(story->id));
    auto names = LoadNames(page);
    if (!names) return FromRefusal(page.viewer, names.error());
    FormState form = FormFromStory(*names, *story);
    return StoryFormPage(page, *names, form, story->id, 200);
  });
  AddPage(router, impl, "POST", "/stories/{story}/edit", [](PageContext& page) -> Response {
    const auto id = StoryParam(page);
    if (!id) return ErrorPage(page.viewer, 404, "there is no such story");
    return SaveStoryForm(page, *id);
  });

  AddPage(router, impl, "GET", "/stories/{story}/check", CheckPage);
  AddPage(router, impl, "POST", "/stories/{story}/submit", [](PageContext& page) -> Response {
    const auto id = StoryParam(page);
    if (!id) return ErrorPage(page.viewer, 404, "there is no such story");
    auto submitted = api::SubmitStory(page.impl, page.store, page.caller, *id);
    if (!submitted) {
      if (submitted.error().status == 422) {
        // Not complete: back to the story's form, with what is missing next to its field.
        auto story = api::ViewStory(page.store, page.caller, *id);
        if (!story) return FromRefusal(page.viewer, story.error());
        auto names = LoadNames(page);
        if (!names) return FromRefusal(page.viewer, names.error());
        FormState form = FormFromStory(*names, *story);
        StepErrorsOnForm(form, submitted.error());
        return StoryFormPage(page, *names, form, *id, 422);
      }
      return FromRefusal(page.viewer, submitted.error());
    }
    switch (submitted->story.state) {
      case StoryState::kInModeration:
        return Redirect(StoryPath(*id, "?done=held"));
      case StoryState::kPublished:
        return Redirect(StoryPath(*id, "?done=published"));
      default:
        return Redirect(StoryPath(*id, "?done=awaiting"));
    }
  });

  AddPage(router, impl, "POST", "/stories/{story}/consent", [](PageContext& page) -> Response {
    const auto id = StoryParam(page);
    if (!id) return ErrorPage(page.viewer, 404, "there is no such story");
    const std::string_view decision = page.form.Value("decision");
    if (decision != "yes" && decision != "no") {
      return ErrorPage(page.viewer, 400, "choose whether to share the story or keep it private");
    }
    const bool give = decision == "yes";
    auto decided = api::DecideConsent(page.impl, page.store, page.caller, *id, give);
    if (!decided) return FromRefusal(page.viewer, decided.error());
    return Redirect(StoryPath(*id, give ? "?done=consented" : "?done=declined"));
  });

  AddPage(router, impl, "GET", "/stories/{story}/withdraw", [](PageContext& page) -> Response {
    auto story = PageStory(page);
    if (!story) return std::move(story.error());
    Html h;
    h << "<div class=\"nhsuk-grid-row\"><div class=\"nhsuk-grid-column-two-thirds\">"
         "<h1 class=\"nhsuk-heading-l\">"_m;
    Caption(h, TitleOf(*story));
    h << "Are you sure you want to withdraw this story?</h1>"
         "<div class=\"nhsuk-card nhsuk-card--warning\"><div class=\"nhsuk-card__content\">"
         "<h2 class=\"nhsuk-card__heading\"><span class=\"nhsuk-u-visually-hidden\">Important: "
         "</span>You cannot undo this</h2><p>The story comes off the wall and out of the "
         "learning library at once, and it cannot be published again. Its words are deleted "
         "after the organisation's retention period.</p></div></div>"_m;
    PostForm(h, page, StoryPath(story->id, "/withdraw"), [&] {
      h << "<div class=\"nhsuk-button-group\"><button class=\"nhsuk-button "
           "nhsuk-button--warning\" data-module=\"nhsuk-button\" type=\"submit\">Withdraw "
           "story</button><a class=\"nhsuk-link\" href=\""_m
        << StoryPath(story->id) << "\">Cancel</a></div>"_m;
    });
    h << "</div></div>"_m;
    PageSpec spec;
    spec.title = "Withdraw this story";
    spec.nav = "stories";
    spec.back_href = StoryPath(story->id);
    return PageResponse(page.viewer, spec, h);
  });
  AddPage(router, impl, "POST", "/stories/{story}/withdraw", [](PageContext& page) -> Response {
    const auto id = StoryParam(page);
    if (!id) return ErrorPage(page.viewer, 404, "there is no such story");
    auto withdrawn = api::WithdrawStory(page.impl, page.store, page.caller, *id);
    if (!withdrawn) return FromRefusal(page.viewer, withdrawn.error());
    return Redirect(StoryPath(*id, "?done=withdrawn"));
  });

  AddPage(router, impl, "POST", "/stories/{story}/acknowledge", [](PageContext& page) -> Response {
    const auto id = StoryParam(page);
    if (!id) return ErrorPage(page.viewer, 404, "there is no such story");
    const std::string note = Trimmed(page.form.Value("note"));
    const bool wellbeing = page.form.Value("wellbeing_checked") == "yes";
    auto done = api::AcknowledgeStory(page.impl, page.store, page.caller, *id, note, wellbeing);
    if (!done) return StoryRefusal(page, done.error(), "note");
    return Redirect(StoryPath(*id, "?done=acknowledged"));
  });

  AddPage(router, impl, "POST", "/stories/{story}/thanks", [](PageContext& page) -> Response {
    const auto id = StoryParam(page);
    if (!id) return ErrorPage(page.viewer, 404, "there is no such story");
    const std::string note = Trimmed(page.form.Value("thanks_note"));
    auto done = api::ThankStory(page.impl, page.store, page.caller, *id, note);
    if (!done) return StoryRefusal(page, done.error(), "thanks_note");
    return Redirect(StoryPath(*id, "?done=thanked"));
  });
}

}  // namespace everyseat::server::web
