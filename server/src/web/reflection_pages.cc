// Leaders' reflections (issue 5, point 6): team leads, the board and administrators post what
// they learned, what they got wrong and what they changed; everyone replies and questions;
// moderators hide a reply with a recorded reason, and the reason shows in its place.
//
//   GET  /reflections?page=N                          the reflections, newest first, 20 a page
//   GET  /reflections/new, POST                       post one (title, learned, got_wrong,
//                                                     changed): leads, board, administrators
//   GET  /reflections/{reflection}                    the reflection, its replies, a reply form
//   POST /reflections/{reflection}/replies            reply (anyone)
//   POST /reflections/{reflection}/replies/{reply}/hide   reason (moderators)
//
// Every rule is a step of server/src/api/story_steps.h, the same the JSON API takes
// (PostReflection, ReplyToReflection, HideReply): a refused request changes nothing.
#include <string>
#include <vector>

#include "../api/story_steps.h"
#include "everyseat/domain/story.h"
#include "everyseat/domain/validate.h"
#include "pages.h"

namespace everyseat::server::web {

namespace {

using domain::Action;

constexpr int kPerPage = 20;
constexpr size_t kMaxTitle = 200;  // as the JSON API reads it (story_routes.cc)

std::string ReflectionPath(domain::ReflectionId id, std::string_view rest = {}) {
  return "/reflections/" + std::to_string(id.value) + std::string(rest);
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

// A person's words as paragraphs (a blank line between them), line breaks kept.
void Paragraphs(Html& h, std::string_view text) {
  h << "<div class=\"es-story-words\"><p>"_m;
  std::string run;
  for (size_t i = 0; i < text.size();) {
    if (text[i] == '\r' || text[i] == '\n') {
      size_t newlines = 0;
      size_t j = i;
      while (j < text.size() && (text[j] == '\r' || text[j] == '\n')) {
        if (text[j] == '\n') ++newlines;
        ++j;
      }
      h << run << (newlines >= 2 ? "</p><p>"_m : "<br>"_m);
      run.clear();
      i = j;
      continue;
    }
    run += text[i++];
  }
  h << run << "</p></div>"_m;
}

// The first words of a text, for a list: at most about `limit` bytes, cut at a space.
std::string FirstWords(std::string_view text, size_t limit = 200) {
  std::string flat;
  for (const char c : text) {
    if (c == '\r') continue;
    flat += (c == '\n') ? ' ' : c;
  }
  if (flat.size() <= limit) return flat;
  size_t cut = flat.rfind(' ', limit);
  if (cut == std::string::npos || cut < limit / 2) {
    cut = limit;
    while (cut > 0 && (static_cast<unsigned char>(flat[cut]) & 0xC0) == 0x80) --cut;
  }
  return flat.substr(0, cut) + "\u2026";
}

std::string PersonName(const api::People& people, domain::PersonId id) {
  const domain::Person* person = people.Find(id);
  return person ? person->name : std::string("Someone who has left");
}

PageSpec ReflectionSpec(std::string title, std::string back, bool errors = false,
                        int status = 200) {
  PageSpec spec;
  spec.title = std::move(title);
  spec.back_href = std::move(back);
  spec.nav = "reflections";
  spec.has_errors = errors;
  spec.status = status;
  return spec;
}

bool MayPost(PageContext& page) { return Allowed(page, Action::kPostReflection, std::nullopt); }
bool MayHide(PageContext& page) { return Allowed(page, Action::kModerateStories, std::nullopt); }

constexpr std::string_view kWhoPosts =
    "Team leads, board members and administrators post reflections. Everyone can reply to them "
    "and ask questions.";

std::string_view FieldLabel(std::string_view field) {
  if (field == "title") return "The title";
  if (field == "learned") return "What you learned";
  if (field == "got_wrong") return "What you got wrong";
  if (field == "changed") return "What you changed";
  if (field == "reply") return "Your reply";
  return "";
}

// A step's 422 as errors on the form: its JSON Pointer field mapped by `field_of` (""
// for the summary alone), its reason capitalised.
template <class FieldOf>
void StepErrors(FormState& form, const Response& refusal, FieldOf field_of) {
  const json body = json::parse(refusal.body, nullptr, false);
  if (body.is_object() && body.contains("errors") && body["errors"].is_array()) {
    for (const json& error : body["errors"]) {
      if (!error.is_object()) continue;
      std::string field = error.value("field", std::string());
      if (!field.empty() && field[0] == '/') field.erase(0, 1);
      const std::string reason = error.value("reason", std::string("is not right"));
      const std::string into = field_of(field);
      // A phrase about the field ("must be at most ...") reads after the field's name.
      const std::string_view label = FieldLabel(into);
      const bool about_field = reason.rfind("must ", 0) == 0 || reason.rfind("is ", 0) == 0;
      form.Fail(into, about_field && !label.empty() ? std::string(label) + " " + reason
                                                    : Capitalised(reason));
    }
  }
  if (form.ok()) {
    const std::string detail = ProblemDetail(refusal);
    form.Fail("", detail.empty() ? std::string("Check what you entered") : Capitalised(detail));
  }
}

// --- /reflections

Response ListPage(PageContext& page) {
  int number = 1;
  if (auto text = page.request.Query("page")) {
    if (auto n = ReadId(*text); n && *n < 100'000) number = static_cast<int>(*n);
  }
  auto list = page.store.ListReflections(page.caller.org, kPerPage + 1, (number - 1) * kPerPage);
  if (!list) return FromRefusal(page.viewer, api::StoreRefusal(list.error()));
  const bool more = list->size() > static_cast<size_t>(kPerPage);
  if (more) list->pop_back();
  auto people = api::LoadPeople(page.store, page.caller.org);
  if (!people) return FromRefusal(page.viewer, people.error());

  Html h;
  h << "<div class=\"nhsuk-grid-row\"><div class=\"nhsuk-grid-column-two-thirds\">"
       "<h1 class=\"nhsuk-heading-l\">Leaders\u2019 reflections</h1>"
       "<p>What leaders learned, what they got wrong and what they changed. "_m
    << kWhoPosts << "</p>"_m;
  if (MayPost(page)) {
    h << "<a class=\"nhsuk-button\" data-module=\"nhsuk-button\" role=\"button\" "
         "draggable=\"false\" href=\"/reflections/new\">Post a reflection</a>"_m;
  }
  if (list->empty()) {
    h << "<p>"_m << (number == 1 ? "There are no reflections yet."_m : "There are no more."_m)
      << "</p>"_m;
  } else {
    h << "<ul class=\"nhsuk-list es-story-list\">"_m;
    for (const domain::Reflection& reflection : *list) {
      h << "<li class=\"es-story-card\"><h2 class=\"nhsuk-heading-s nhsuk-u-margin-bottom-1\">"
           "<a href=\""_m
        << ReflectionPath(reflection.id) << "\">"_m << reflection.title
        << "</a></h2><p class=\"nhsuk-body-s nhsuk-u-secondary-text-colour "
           "nhsuk-u-margin-bottom-1\">"_m
        << PersonName(*people, reflection.author) << " \u2013 "_m << When(reflection.created_at)
        << "</p>"_m;
      const std::string& first = !reflection.learned.empty()     ? reflection.learned
                                 : !reflection.got_wrong.empty() ? reflection.got_wrong
                                                                 : reflection.changed;
      h << "<p>"_m << FirstWords(first) << "</p></li>"_m;
    }
    h << "</ul>"_m;
  }
  if (number > 1 || more) {
    h << "<nav class=\"nhsuk-pagination\" role=\"navigation\" aria-label=\"Pagination\">"
         "<ul class=\"nhsuk-list nhsuk-pagination__list\">"_m;
    if (number > 1) {
      h << "<li class=\"nhsuk-pagination-item--previous\"><a class=\"nhsuk-pagination__link "
           "nhsuk-pagination__link--prev\" href=\"/reflections?page="_m
        << (number - 1)
        << "\"><span class=\"nhsuk-pagination__title\">Previous</span><span "
           "class=\"nhsuk-u-visually-hidden\">:</span><span class=\"nhsuk-pagination__page\">"
           "Newer reflections</span></a></li>"_m;
    }
    if (more) {
      h << "<li class=\"nhsuk-pagination-item--next\"><a class=\"nhsuk-pagination__link "
           "nhsuk-pagination__link--next\" href=\"/reflections?page="_m
        << (number + 1)
        << "\"><span class=\"nhsuk-pagination__title\">Next</span><span "
           "class=\"nhsuk-u-visually-hidden\">:</span><span class=\"nhsuk-pagination__page\">"
           "Older reflections</span></a></li>"_m;
    }
    h << "</ul></nav>"_m;
  }
  h << "</div></div>"_m;
  return PageResponse(page.viewer, ReflectionSpec("Leaders\u2019 reflections", "/"), h);
}

// --- /reflections/new

Response NotAllowedToPost(PageContext& page) {
  return ErrorPage(page.viewer, 403,
                   "only team leads, board members and administrators can post a reflection. "
                   "You can reply to any reflection");
}

Response NewPage(PageContext& page, const FormState& form, int status) {
  Html h;
  h << "<div class=\"nhsuk-grid-row\"><div class=\"nhsuk-grid-column-two-thirds\">"_m;
  ErrorSummary(h, form);
  h << "<h1 class=\"nhsuk-heading-l\">Post a reflection</h1>"
       "<p>Say what you learned, what you got wrong and what you changed. Everyone in the "
       "organisation can read it, reply and ask questions.</p>"
       "<form action=\"/reflections/new\" method=\"post\" novalidate>"_m;
  CsrfField(h, page.viewer.csrf_token);
  InputOptions title;
  title.hint = "For example, What the winter taught me about handovers";
  Input(h, form, "title", "Title", title);
  Textarea(h, form, "learned", "What I learned", {}, 5);
  Textarea(h, form, "got_wrong", "What I got wrong", {}, 5);
  Textarea(h, form, "changed", "What we changed", {}, 5);
  Button(h, "Post reflection");
  h << "</form></div></div>"_m;
  return PageResponse(page.viewer,
                      ReflectionSpec("Post a reflection", "/reflections", !form.ok(), status), h);
}

Response Post(PageContext& page) {
  FormState& form = page.form;
  domain::Reflection reflection;
  reflection.title = Trimmed(form.Value("title"));
  reflection.learned = TextareaText(form.Value("learned"));
  reflection.got_wrong = TextareaText(form.Value("got_wrong"));
  reflection.changed = TextareaText(form.Value("changed"));
  form.Set("title", reflection.title);
  if (reflection.title.size() > kMaxTitle) {
    if (!MayPost(page)) return NotAllowedToPost(page);
    form.Fail("title", "The title must be 200 characters or fewer");
    return NewPage(page, form, 422);
  }
  auto posted = api::PostReflection(page.impl, page.store, page.caller, std::move(reflection));
  if (!posted) {
    if (posted.error().status == 403) return NotAllowedToPost(page);
    if (posted.error().status != 422) return FromRefusal(page.viewer, posted.error());
    StepErrors(form, posted.error(), [](const std::string& field) -> std::string {
      for (const char* known : {"title", "learned", "got_wrong", "changed"}) {
        if (field == known) return field;
      }
      return "";
    });
    return NewPage(page, form, 422);
  }
  return Redirect(ReflectionPath(posted->id, "?done=posted"));
}

// --- /reflections/{reflection}

tl::expected<domain::Reflection, Response> PageReflection(PageContext& page) {
  const auto id = ReadId(page.request.PathParam("reflection"));
  if (!id) return tl::unexpected(ErrorPage(page.viewer, 404, "there is no such reflection"));
  auto reflection = page.store.GetReflection(page.caller.org, domain::ReflectionId(*id));
  if (!reflection) {
    if (reflection.error().code == store::StoreErrorCode::kNotFound) {
      return tl::unexpected(ErrorPage(page.viewer, 404, "there is no such reflection"));
    }
    return tl::unexpected(FromRefusal(page.viewer, api::StoreRefusal(reflection.error())));
  }
  return std::move(*reflection);
}

std::string ReasonField(domain::ReplyId reply) { return "reason-" + std::to_string(reply.value); }

Response ReflectionPage(PageContext& page, const domain::Reflection& reflection,
                        const FormState& form, int status) {
  auto replies = page.store.ListReplies(page.caller.org, reflection.id);
  if (!replies) return FromRefusal(page.viewer, api::StoreRefusal(replies.error()));
  auto people = api::LoadPeople(page.store, page.caller.org);
  if (!people) return FromRefusal(page.viewer, people.error());
  const bool may_hide = MayHide(page);

  Html h;
  h << "<div class=\"nhsuk-grid-row\"><div class=\"nhsuk-grid-column-two-thirds\">"_m;
  const std::string_view done = page.request.Query("done").value_or("");
  if (form.ok()) {
    if (done == "posted") {
      SuccessBanner(h, "Your reflection has been posted");
    } else if (done == "replied") {
      SuccessBanner(h, "Your reply has been added");
    } else if (done == "hidden") {
      SuccessBanner(h, "The reply has been hidden",
                    Html() << "<p class=\"nhsuk-body\">Your reason shows in its place.</p>"_m);
    }
  }
  ErrorSummary(h, form);
  h << "<h1 class=\"nhsuk-heading-l\"><span class=\"nhsuk-caption-l\">A reflection by "_m
    << PersonName(*people, reflection.author)
    << "<span class=\"nhsuk-u-visually-hidden\"> \u2013 </span></span>"_m << reflection.title
    << "</h1><p class=\"nhsuk-body-s nhsuk-u-secondary-text-colour\">Posted on "_m
    << When(reflection.created_at) << "</p>"_m;
  for (const auto& [heading, words] :
       {std::pair<std::string_view, const std::string&>{"What I learned", reflection.learned},
        {"What I got wrong", reflection.got_wrong},
        {"What we changed", reflection.changed}}) {
    if (words.empty()) continue;
    h << "<h2 class=\"nhsuk-heading-m\">"_m << heading << "</h2>"_m;
    Paragraphs(h, words);
  }

  h << "<h2 class=\"nhsuk-heading-m\" id=\"replies\">Replies and questions</h2>"_m;
  if (replies->empty()) {
    h << "<p>There are no replies yet.</p>"_m;
  } else {
    h << "<ul class=\"nhsuk-list\">"_m;
    for (const domain::Reply& reply : *replies) {
      h << "<li class=\"nhsuk-card es-story-card\" id=\"reply-"_m << reply.id.value
        << "\"><div class=\"nhsuk-card__content\"><h3 class=\"nhsuk-heading-xs "
           "nhsuk-u-margin-bottom-1\">"_m
        << PersonName(*people, reply.author)
        << "</h3><p class=\"nhsuk-body-s nhsuk-u-secondary-text-colour\">"_m
        << When(reply.created_at) << "</p>"_m;
      if (reply.hidden_at) {
        h << "<p class=\"nhsuk-u-secondary-text-colour\">Hidden by a moderator: "_m
          << reply.hidden_reason << "</p>"_m;
      } else {
        Paragraphs(h, reply.text);
        if (may_hide) {
          const std::string field = ReasonField(reply.id);
          h << "<details class=\"nhsuk-details nhsuk-u-margin-bottom-0\""_m
            << (form.ErrorFor(field) ? " open"_m : ""_m)
            << "><summary class=\"nhsuk-details__summary\"><span "
               "class=\"nhsuk-details__summary-text\">Hide this reply<span "
               "class=\"nhsuk-u-visually-hidden\"> by "_m
            << PersonName(*people, reply.author)
            << "</span></span></summary><div class=\"nhsuk-details__text\"><form action=\""_m
            << ReflectionPath(reflection.id, "/replies/" + std::to_string(reply.id.value) + "/hide")
            << "\" method=\"post\" novalidate>"_m;
          CsrfField(h, page.viewer.csrf_token);
          InputOptions reason;
          reason.hint = "Everyone sees it in place of the reply";
          Input(h, form, field, "Why are you hiding it?", reason);
          h << "<button class=\"nhsuk-button nhsuk-button--warning nhsuk-u-margin-bottom-0\" "
               "data-module=\"nhsuk-button\" type=\"submit\">Hide<span "
               "class=\"nhsuk-u-visually-hidden\"> this reply</span></button></form></div>"
               "</details>"_m;
        }
      }
      h << "</div></li>"_m;
    }
    h << "</ul>"_m;
  }

  h << "<h2 class=\"nhsuk-heading-m\" id=\"reply-heading\">Reply or ask a question</h2>"
       "<form action=\""_m
    << ReflectionPath(reflection.id, "/replies")
    << "\" method=\"post\" novalidate aria-labelledby=\"reply-heading\">"_m;
  CsrfField(h, page.viewer.csrf_token);
  Textarea(h, form, "reply", "Your reply", "Everyone in the organisation can read it", 4);
  Button(h, "Reply");
  h << "</form></div></div>"_m;
  return PageResponse(page.viewer,
                      ReflectionSpec(reflection.title, "/reflections", !form.ok(), status), h);
}

Response Reply(PageContext& page) {
  auto reflection = PageReflection(page);
  if (!reflection) return std::move(reflection.error());
  FormState& form = page.form;
  const std::string text = TextareaText(form.Value("reply"));
  form.Set("reply", text);
  auto reply = api::ReplyToReflection(page.impl, page.store, page.caller, reflection->id, text);
  if (!reply) {
    if (reply.error().status != 422) return FromRefusal(page.viewer, reply.error());
    if (text.empty()) {
      form.Fail("reply", "Enter your reply");
    } else {
      StepErrors(form, reply.error(), [](const std::string&) { return std::string("reply"); });
    }
    return ReflectionPage(page, *reflection, form, 422);
  }
  return Redirect(ReflectionPath(reflection->id, "?done=replied"));
}

Response Hide(PageContext& page) {
  auto reflection = PageReflection(page);
  if (!reflection) return std::move(reflection.error());
  const auto reply_id = ReadId(page.request.PathParam("reply"));
  if (!reply_id) return ErrorPage(page.viewer, 404, "there is no such reply");
  // The reply must be one of this reflection's.
  auto replies = page.store.ListReplies(page.caller.org, reflection->id);
  if (!replies) return FromRefusal(page.viewer, api::StoreRefusal(replies.error()));
  bool found = false;
  for (const domain::Reply& r : *replies) found |= r.id.value == *reply_id;
  if (!found) return ErrorPage(page.viewer, 404, "there is no such reply");

  const domain::ReplyId id(*reply_id);
  const std::string field = ReasonField(id);
  const std::string reason = Trimmed(page.form.Value(field));
  FormState form;
  form.Set(field, reason);
  if (reason.size() > 2000) {
    if (!MayHide(page)) return ErrorPage(page.viewer, 403, "only moderators can hide a reply");
    form.Fail(field, "The reason must be 2,000 characters or fewer");
    return ReflectionPage(page, *reflection, form, 422);
  }
  auto hidden = api::HideReply(page.impl, page.store, page.caller, id, reason);
  if (!hidden) {
    if (hidden.error().status == 403) {
      return ErrorPage(page.viewer, 403, "only moderators can hide a reply");
    }
    if (hidden.error().status == 409) {
      return Redirect(ReflectionPath(reflection->id, "#reply-" + std::to_string(id.value)));
    }
    if (hidden.error().status != 422) return FromRefusal(page.viewer, hidden.error());
    form.Fail(field, "Enter why you are hiding the reply");
    return ReflectionPage(page, *reflection, form, 422);
  }
  return Redirect(ReflectionPath(reflection->id, "?done=hidden"));
}

}  // namespace

void AddReflectionPages(Router& router, Api::Impl& impl) {
  AddPage(router, impl, "GET", "/reflections", ListPage);
  AddPage(router, impl, "GET", "/reflections/new", [](PageContext& page) -> Response {
    if (!MayPost(page)) return NotAllowedToPost(page);
    return NewPage(page, FormState(), 200);
  });
  AddPage(router, impl, "POST", "/reflections/new", Post);
  AddPage(router, impl, "GET", "/reflections/{reflection}", [](PageContext& page) -> Response {
    auto reflection = PageReflection(page);
    if (!reflection) return std::move(reflection.error());
    return ReflectionPage(page, *reflection, FormState(), 200);
  });
  AddPage(router, impl, "POST", "/reflections/{reflection}/replies", Reply);
  AddPage(router, impl, "POST", "/reflections/{reflection}/replies/{reply}/hide", Hide);
}

}  // namespace everyseat::server::web
