// Moderation of stories held back by the patient-detail guard (issue 5, point 2), for
// moderators: what the guard found in each held story (each kind in plain English, the exact
// text, and the words with it highlighted by <mark>), and two decisions: release the story with
// the details edited out, or reject it with a reason.
//
//   GET  /moderation                      the stories held for moderation and their findings
//   GET  /moderation/{story}              one held story: its words in editable fields
//   POST /moderation/{story}/release      title, text, learning, release_note
//   POST /moderation/{story}/reject       reason (required)
//
// Every rule is a step of server/src/api/story_steps.h, the same the JSON API takes
// (ModerationQueue, ModerateStory, GuardStory): a person who is not a moderator is refused (403)
// and nothing changes; a release whose words still carry details is refused by the step (422)
// and shown in the error summary next to the field that carries them.
#include <algorithm>
#include <string>
#include <vector>

#include "../api/story_steps.h"
#include "everyseat/domain/guard.h"
#include "everyseat/domain/story.h"
#include "everyseat/domain/validate.h"
#include "marked_words.h"
#include "pages.h"

namespace everyseat::server::web {

namespace {

using domain::Story;

constexpr size_t kMaxTitle = 200;  // as the JSON API reads them (story_routes.cc)
constexpr size_t kMaxText = 10'000;
constexpr size_t kMaxLearning = 5'000;
constexpr size_t kMaxNote = 2'000;

std::string ModerationPath(domain::StoryId id, std::string_view rest = {}) {
  return "/moderation/" + std::to_string(id.value) + std::string(rest);
}

std::string When(int64_t unix_seconds) { return FormatDate(domain::FormatIsoDate(unix_seconds)); }

// A textarea's text with the browser's CRLF line ends as LF, without surrounding space.
std::string TextareaText(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\r') {
      out += '\n';
      if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
    } else {
      out += text[i];
    }
  }
  return Trimmed(out);
}

// "an NHS number", "a postcode": for "What happened still has an NHS number".
std::string_view FindingWithArticle(domain::FindingKind kind) {
  switch (kind) {
    case domain::FindingKind::kNhsNumber:
      return "an NHS number";
    case domain::FindingKind::kDateOfBirth:
      return "a date of birth";
    case domain::FindingKind::kPostcode:
      return "a postcode";
    case domain::FindingKind::kName:
      return "a patient's name";
  }
  return "a patient detail";
}

// --- The three parts of a story's words, as the guard reads them: title + "\n\n" + text +
// "\n\n" + learning (story_steps.h, GuardStory), with offsets in characters.

struct Part {
  std::string_view field;  // the form field: "title", "text", "learning"
  std::string_view label;  // "Title", "What happened", "What others can learn"
  std::string_view words;
  int64_t start = 0;  // its first character in the guard's joined text
};

struct StoryWords {
  std::string title;
  std::string text;
  std::string learning;

  [[nodiscard]] std::vector<Part> Parts() const {
    const auto length = [](std::string_view s) {
      return static_cast<int64_t>(domain::CharacterOffsets(s).size() - 1);
    };
    const int64_t text_start = length(title) + 2;
    const int64_t learning_start = text_start + length(text) + 2;
    return {{"title", "Title", title, 0},
            {"text", "What happened", text, text_start},
            {"learning", "What others can learn", learning, learning_start}};
  }
  [[nodiscard]] std::vector<domain::Finding> Findings() const {
    return api::GuardStory(title, text, learning);
  }
};

// The part a finding starts in.
const Part& PartOf(const std::vector<Part>& parts, const domain::Finding& finding) {
  for (size_t i = parts.size(); i-- > 1;) {
    if (finding.start >= parts[i].start) return parts[i];
  }
  return parts.front();
}

// The guard's findings as a list: "NHS number: <mark>943 476 5919</mark> (in what happened)".
void FindingList(Html& h, const StoryWords& words, const std::vector<domain::Finding>& findings) {
  const std::vector<Part> parts = words.Parts();
  h << "<ul class=\"nhsuk-list nhsuk-list--bullet\">"_m;
  for (const domain::Finding& finding : findings) {
    const Part& part = PartOf(parts, finding);
    std::string in(part.label);
    in[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(in[0])));
    h << "<li>"_m << FindingWords(finding.kind) << ": <mark>"_m << finding.text
      << "</mark> <span class=\"nhsuk-u-secondary-text-colour\">(in "_m << in << ")</span></li>"_m;
  }
  h << "</ul>"_m;
}

// The words of every part with the findings highlighted, each under a heading of `level`.
void HighlightedWords(Html& h, const StoryWords& words,
                      const std::vector<domain::Finding>& findings, bool h3) {
  for (const Part& part : words.Parts()) {
    h << (h3 ? "<h3 class=\"nhsuk-heading-s\">"_m : "<h4 class=\"nhsuk-heading-s\">"_m)
      << part.label << (h3 ? "</h3>"_m : "</h4>"_m);
    if (part.words.empty()) {
      h << "<p class=\"nhsuk-u-secondary-text-colour\">Not given</p>"_m;
    } else {
      Words(h, part.words, MarksIn(part.words, part.start, findings));
    }
  }
}

// The people and teams a story names: "Nia Okafor and District Nursing".
std::string WhoWords(const api::People& people, const std::vector<domain::Team>& teams,
                     const Story& story) {
  std::vector<std::string> names;
  for (const domain::PersonId id : story.people) {
    const domain::Person* person = people.Find(id);
    std::string name = person ? person->name : std::string("Someone who has left");
    if (id == story.author) name += " (about themselves)";
    names.push_back(std::move(name));
  }
  for (const domain::TeamId id : story.teams) {
    std::string name = "A team";
    for (const domain::Team& team : teams) {
      if (team.id == id) name = team.name;
    }
    names.push_back(std::move(name));
  }
  if (names.empty()) return "Nobody";
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += i + 1 == names.size() ? " and " : ", ";
    out += names[i];
  }
  return out;
}

std::string PersonName(const api::People& people, domain::PersonId id) {
  const domain::Person* person = people.Find(id);
  return person ? person->name : std::string("Someone who has left");
}

std::string TitleOf(const Story& story) {
  return story.title.empty() ? std::string("Untitled story") : story.title;
}

PageSpec ModerationSpec(std::string title, std::string back, bool errors = false,
                        int status = 200) {
  PageSpec spec;
  spec.title = std::move(title);
  spec.back_href = std::move(back);
  spec.nav = "moderation";
  spec.has_errors = errors;
  spec.status = status;
  return spec;
}

// The held stories, or the refusal as a page (403 for a person who is not a moderator).
tl::expected<std::vector<Story>, Response> HeldStories(PageContext& page) {
  auto queue = api::ModerationQueue(page.store, page.caller);
  if (!queue) {
    if (queue.error().status == 403) {
      return tl::unexpected(
          ErrorPage(page.viewer, 403, "only moderators can review stories held for moderation"));
    }
    return tl::unexpected(FromRefusal(page.viewer, queue.error()));
  }
  return std::move(*queue);
}

// The held story of the path parameter "story" (after HeldStories has refused non-moderators).
// A story that is no longer held goes to its own page; an unknown one is a 404 page.
tl::expected<Story, Response> HeldStory(PageContext& page) {
  auto held = HeldStories(page);
  if (!held) return tl::unexpected(std::move(held.error()));
  const auto id = ReadId(page.request.PathParam("story"));
  if (!id) return tl::unexpected(ErrorPage(page.viewer, 404, "there is no such story"));
  for (Story& story : *held) {
    if (story.id.value == *id) return std::move(story);
  }
  // Decided already (by this moderator or another): its own page says what became of it.
  if (api::ViewStory(page.store, page.caller, domain::StoryId(*id))) {
    return tl::unexpected(Redirect("/stories/" + std::to_string(*id)));
  }
  return tl::unexpected(ErrorPage(page.viewer, 404, "there is no such story"));
}

// --- /moderation

Response QueuePage(PageContext& page) {
  auto held = HeldStories(page);
  if (!held) return std::move(held.error());
  auto people = api::LoadPeople(page.store, page.caller.org);
  if (!people) return FromRefusal(page.viewer, people.error());

  Html h;
  h << "<div class=\"nhsuk-grid-row\"><div class=\"nhsuk-grid-column-two-thirds\">"_m;
  const std::string_view done = page.request.Query("done").value_or("");
  if (done == "published") {
    SuccessBanner(h, "Story released and published",
                  Html() << "<p class=\"nhsuk-body\">Nobody needed to be asked, so it is on the "
                            "wall and in the learning library.</p>"_m);
  } else if (done == "released") {
    SuccessBanner(h, "Story released",
                  Html() << "<p class=\"nhsuk-body\">The people named have been asked whether "
                            "they agree to share it.</p>"_m);
  } else if (done == "rejected") {
    SuccessBanner(h, "Story rejected",
                  Html() << "<p class=\"nhsuk-body\">Its author can see your reason. Its words "
                            "are deleted after the organisation's retention period.</p>"_m);
  }
  h << "<h1 class=\"nhsuk-heading-l\">Stories held for moderation</h1>"
       "<p>The patient-detail guard found details that could identify a patient in these "
       "stories. Until a moderator decides, only their authors and the moderators can see "
       "them.</p><p>Review each story: remove the details and release it, or reject it.</p>"_m;
  if (held->empty()) {
    h << "<p>There are no stories waiting for moderation.</p>"_m;
  } else {
    h << "<p>"_m << held->size() << (held->size() == 1 ? " story is"_m : " stories are"_m)
      << " waiting.</p>"_m;
  }
  for (const Story& story : *held) {
    const StoryWords words{story.title, story.text, story.learning};
    const std::vector<domain::Finding> findings = words.Findings();
    h << "<div class=\"nhsuk-card es-story-card\"><div class=\"nhsuk-card__content\">"
         "<h2 class=\"nhsuk-card__heading nhsuk-heading-m\"><a href=\""_m
      << ModerationPath(story.id) << "\">"_m << TitleOf(story)
      << "</a></h2><p class=\"nhsuk-body-s nhsuk-u-secondary-text-colour\">Recorded by "_m
      << PersonName(*people, story.author) << ", about "_m << WhoWords(*people, page.teams, story);
    if (story.submitted_at) h << ". Submitted on "_m << When(*story.submitted_at);
    h << ".</p>"_m;
    if (findings.empty()) {
      h << "<p>The guard finds nothing in its words now.</p>"_m;
    } else {
      h << "<h3 class=\"nhsuk-heading-s\">What the guard found</h3>"_m;
      FindingList(h, words, findings);
    }
    h << "<details class=\"nhsuk-details\"><summary class=\"nhsuk-details__summary\">"
         "<span class=\"nhsuk-details__summary-text\">Read the story<span "
         "class=\"nhsuk-u-visually-hidden\"> \u201c"_m
      << TitleOf(story)
      << "\u201d</span> with the details highlighted</span></summary>"
         "<div class=\"nhsuk-details__text\">"_m;
    HighlightedWords(h, words, findings, false);
    h << "</div></details><p class=\"nhsuk-u-margin-bottom-0\"><a href=\""_m
      << ModerationPath(story.id)
      << "\">Review this story<span class=\"nhsuk-u-visually-hidden\">: "_m << TitleOf(story)
      << "</span></a></p></div></div>"_m;
  }
  h << "</div></div>"_m;
  return PageResponse(page.viewer, ModerationSpec("Stories held for moderation", "/"), h);
}

// --- /moderation/{story}

// The story's page: `form` holds the words in the release form (the story's own, or those just
// posted) and the reason, with any errors.
Response ReviewPage(PageContext& page, const Story& story, const FormState& form, int status) {
  auto people = api::LoadPeople(page.store, page.caller.org);
  if (!people) return FromRefusal(page.viewer, people.error());
  // The findings over the words in the fields: the story's as it was held, or a release just
  // refused because the guard still finds details in them.
  const StoryWords words{std::string(form.Value("title")), std::string(form.Value("text")),
                         std::string(form.Value("learning"))};
  const std::vector<domain::Finding> findings = words.Findings();

  Html h;
  h << "<div class=\"nhsuk-grid-row\"><div class=\"nhsuk-grid-column-two-thirds\">"_m;
  ErrorSummary(h, form);
  h << "<h1 class=\"nhsuk-heading-l\"><span class=\"nhsuk-caption-l\">Held for moderation<span "
       "class=\"nhsuk-u-visually-hidden\"> \u2013 </span></span>"_m
    << TitleOf(story) << "</h1>"_m;

  std::vector<SummaryRow> rows(3);
  rows[0].key = "Recorded by";
  rows[0].value << PersonName(*people, story.author);
  rows[1].key = "About";
  rows[1].value << WhoWords(*people, page.teams, story);
  rows[2].key = "Submitted";
  rows[2].value << (story.submitted_at ? When(*story.submitted_at) : std::string("Not known"));
  SummaryList(h, rows);

  h << "<h2 class=\"nhsuk-heading-m\">What the guard found</h2>"_m;
  if (findings.empty()) {
    h << "<p>The guard finds no patient details in these words.</p>"_m;
  } else {
    FindingList(h, words, findings);
  }
  h << "<h2 class=\"nhsuk-heading-m\">The story with the details highlighted</h2>"_m;
  HighlightedWords(h, words, findings, true);

  h << "<h2 class=\"nhsuk-heading-m\" id=\"release-heading\">Release with the details "
       "removed</h2><p>Edit the details out of the words below. The guard checks them again, and "
       "the story is released only when it finds nothing. It then goes to the people named for "
       "their consent, like any other story.</p>"_m;
  h << "<form action=\""_m << ModerationPath(story.id, "/release")
    << "\" method=\"post\" novalidate aria-labelledby=\"release-heading\">"_m;
  CsrfField(h, page.viewer.csrf_token);
  Input(h, form, "title", "Title");
  Textarea(h, form, "text", "What happened", {}, 8);
  Textarea(h, form, "learning", "What others can learn", {}, 4);
  Textarea(h, form, "release_note", "A note for the author (optional)",
           "For example, what you removed and why. The author sees it.", 3);
  Button(h, "Release with the details removed");
  h << "</form>"_m;

  h << "<h2 class=\"nhsuk-heading-m\" id=\"reject-heading\">Reject the story</h2><p>Reject it "
       "when the details cannot be removed without losing the story. Its author sees your "
       "reason, and its words are deleted after the organisation's retention period.</p>"_m;
  h << "<form action=\""_m << ModerationPath(story.id, "/reject")
    << "\" method=\"post\" novalidate aria-labelledby=\"reject-heading\">"_m;
  CsrfField(h, page.viewer.csrf_token);
  Textarea(h, form, "reason", "Why are you rejecting it?", {}, 3);
  h << "<button class=\"nhsuk-button nhsuk-button--warning\" data-module=\"nhsuk-button\" "
       "type=\"submit\">Reject</button></form>"_m;
  h << "</div></div>"_m;
  return PageResponse(page.viewer,
                      ModerationSpec("Review a held story", "/moderation", !form.ok(), status), h);
}

FormState FormOf(const Story& story) {
  FormState form;
  form.Set("title", story.title);
  form.Set("text", story.text);
  form.Set("learning", story.learning);
  return form;
}

void CheckLength(FormState& form, std::string_view field, std::string_view label,
                 std::string_view value, size_t limit) {
  if (value.size() <= limit) return;
  form.Fail(std::string(field), std::string(label) + " must be " +
                                    FormatNumber(static_cast<double>(limit)) +
                                    " characters or fewer");
}

// A refused release's 422 on the form: the details the guard still finds, each next to the field
// that carries it; otherwise the step's errors next to their fields.
void ReleaseErrors(FormState& form, const StoryWords& words, const Response& refusal) {
  const std::vector<domain::Finding> findings = words.Findings();
  if (!findings.empty()) {
    const std::vector<Part> parts = words.Parts();
    for (const domain::Finding& finding : findings) {
      const Part& part = PartOf(parts, finding);
      form.Fail(std::string(part.field), std::string(part.label) + " still has " +
                                             std::string(FindingWithArticle(finding.kind)) + ": " +
                                             finding.text + ". Remove it");
    }
    return;
  }
  const json body = json::parse(refusal.body, nullptr, false);
  if (body.is_object() && body.contains("errors") && body["errors"].is_array()) {
    for (const json& error : body["errors"]) {
      if (!error.is_object()) continue;
      std::string field = error.value("field", std::string());
      if (!field.empty() && field[0] == '/') field.erase(0, 1);
      if (field == "note") field = "release_note";
      if (field != "title" && field != "text" && field != "learning" && field != "release_note") {
        field.clear();
      }
      form.Fail(field, Capitalised(error.value("reason", std::string("is not right"))));
    }
  }
  if (form.ok()) {
    const std::string detail = ProblemDetail(refusal);
    form.Fail(
        "", detail.empty() ? std::string("The story could not be released") : Capitalised(detail));
  }
}

Response Release(PageContext& page) {
  auto story = HeldStory(page);
  if (!story) return std::move(story.error());
  FormState& form = page.form;
  api::ModerationDecision decision;
  decision.release = true;
  decision.title = Trimmed(form.Value("title"));
  decision.text = TextareaText(form.Value("text"));
  decision.learning = TextareaText(form.Value("learning"));
  decision.note = TextareaText(form.Value("release_note"));
  form.Set("title", decision.title);
  form.Set("text", decision.text);
  form.Set("learning", decision.learning);
  form.Set("release_note", decision.note);
  CheckLength(form, "title", "The title", decision.title, kMaxTitle);
  CheckLength(form, "text", "What happened", decision.text, kMaxText);
  CheckLength(form, "learning", "What others can learn", decision.learning, kMaxLearning);
  CheckLength(form, "release_note", "The note", decision.note, kMaxNote);
  if (!form.ok()) return ReviewPage(page, *story, form, 422);

  auto released = api::ModerateStory(page.impl, page.store, page.caller, story->id, decision);
  if (!released) {
    if (released.error().status != 422) return FromRefusal(page.viewer, released.error());
    ReleaseErrors(form, StoryWords{decision.title, decision.text, decision.learning},
                  released.error());
    return ReviewPage(page, *story, form, 422);
  }
  return Redirect(released->state == domain::StoryState::kPublished ? "/moderation?done=published"
                                                                    : "/moderation?done=released");
}

Response Reject(PageContext& page) {
  auto story = HeldStory(page);
  if (!story) return std::move(story.error());
  api::ModerationDecision decision;
  decision.release = false;
  decision.note = TextareaText(page.form.Value("reason"));
  FormState form = FormOf(*story);
  form.Set("reason", decision.note);
  CheckLength(form, "reason", "The reason", decision.note, kMaxNote);
  if (!form.ok()) return ReviewPage(page, *story, form, 422);

  auto rejected = api::ModerateStory(page.impl, page.store, page.caller, story->id, decision);
  if (!rejected) {
    if (rejected.error().status != 422) return FromRefusal(page.viewer, rejected.error());
    // The only thing a rejection needs is its reason (story_steps.h).
    form.Fail("reason", "Enter why you are rejecting the story");
    return ReviewPage(page, *story, form, 422);
  }
  return Redirect("/moderation?done=rejected");
}

}  // namespace

void AddModerationPages(Router& router, Api::Impl& impl) {
  AddPage(router, impl, "GET", "/moderation", QueuePage);
  AddPage(router, impl, "GET", "/moderation/{story}", [](PageContext& page) -> Response {
    auto story = HeldStory(page);
    if (!story) return std::move(story.error());
    return ReviewPage(page, *story, FormOf(*story), 200);
  });
  AddPage(router, impl, "POST", "/moderation/{story}/release", Release);
  AddPage(router, impl, "POST", "/moderation/{story}/reject", Reject);
}

}  // namespace everyseat::server::web
