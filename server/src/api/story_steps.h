// The steps of stories of leadership and leaders' reflections, shared by the JSON API
// (story_routes.cc) and the pages (server/src/web/story_pages.cc), so a story recorded on a page
// goes through exactly the rules of one recorded through the API: the guard, consent,
// visibility, acknowledgement, moderation, withdrawal and the audit log (domain/story.h).
//
// Each step authorises the caller itself (a refusal is a 403 problem; a story the caller may not
// see is a 404, so its existence does not leak) and changes nothing when it fails.
// Internal to the server. Thread-safety: as Api::Impl (each call uses the store it is given).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "context.h"
#include "everyseat/domain/guard.h"
#include "everyseat/domain/story.h"

namespace everyseat::server::api {

// What the author writes. On a page or in the API body.
struct StoryDraft {
  bool about_myself = false;             // adds the author to the people named
  std::vector<domain::PersonId> people;  // the colleagues named
  std::vector<domain::TeamId> teams;     // the teams named
  std::optional<domain::TeamId> team;    // the team it belongs to; default: the first team named,
                                         // else the first team of the first person named
  std::optional<domain::MeasureId> measure;
  std::string title;
  std::string text;
  std::string learning;
  std::vector<domain::TagId> values;
  std::vector<domain::TagId> behaviours;
};

// Everything a person sees of their part in stories: what waits for them.
struct StoryInbox {
  std::vector<domain::Story> consent_requests;  // awaiting my consent
  std::vector<domain::Story> to_acknowledge;    // published, about my reports, not acknowledged
  // Published more than 14 days ago about the reports of my reports, and not acknowledged by
  // their line manager: shown to the manager's own manager.
  std::vector<domain::Story> overdue_below;
  std::vector<domain::Story> about_me;  // every story naming me that I may see, newest first
  std::vector<domain::Story> mine;      // my own stories, drafts included
};

// The people of the organisation and who manages whom, read once for a request.
struct People {
  std::vector<domain::Person> all;
  [[nodiscard]] const domain::Person* Find(domain::PersonId id) const;
  [[nodiscard]] std::vector<domain::PersonId> ReportsOf(domain::PersonId manager) const;
  [[nodiscard]] std::optional<domain::PersonId> ManagerOf(domain::PersonId person) const;
};
[[nodiscard]] Outcome<People> LoadPeople(store::Store& store, domain::OrgId org);

// What the caller is, for visibility (moderator role and direct reports).
[[nodiscard]] Outcome<domain::StoryViewer> ViewerOf(store::Store& store, const Caller& caller,
                                                    const People& people);

// Days after which an unacknowledged story shows on the manager's manager's page.
inline constexpr int64_t kAcknowledgeWithinDays = 14;

// --- Stories.

// Creates a draft (id unset) or replaces the author's draft `id`. Editing a story that is awaiting
// consent, declined or held for moderation makes it a draft again (its consents are cleared):
// it must be submitted again. 404 when the caller cannot see it, 403 when not its author, 409
// when it is published, withdrawn or rejected.
[[nodiscard]] Outcome<domain::Story> SaveDraft(Api::Impl& impl, store::Store& store,
                                               const Caller& caller,
                                               std::optional<domain::StoryId> id,
                                               const StoryDraft& draft);

// Whether a draft is complete enough to submit (422 naming each missing part), so that a draft
// saved and submitted in one request is refused before anything is stored.
[[nodiscard]] Outcome<void> CheckSubmittable(const StoryDraft& draft);

// Submits the author's draft: checks it is complete (422 naming "values", "text", "people" ...),
// runs the guard over the title, text and learning; with findings the story is held for
// moderation (findings kept with it); else the people named are asked for consent, and with none
// to ask it is published at once.
struct Submitted {
  domain::Story story;
  std::vector<domain::Finding> findings;  // over title + "\n\n" + text + "\n\n" + learning
};
[[nodiscard]] Outcome<Submitted> SubmitStory(Api::Impl& impl, store::Store& store,
                                             const Caller& caller, domain::StoryId id);

// The guard's findings over a story's words, as the author is shown them (offsets into
// title + "\n\n" + text + "\n\n" + learning).
[[nodiscard]] std::vector<domain::Finding> GuardStory(std::string_view title, std::string_view text,
                                                      std::string_view learning);

// A person named gives or declines consent (403 when not named; 409 unless awaiting consent).
// The last consent publishes the story; a decline keeps it private.
[[nodiscard]] Outcome<domain::Story> DecideConsent(Api::Impl& impl, store::Store& store,
                                                   const Caller& caller, domain::StoryId id,
                                                   bool give);

// The author or a person named withdraws it, from any state but draft: off the wall and out of
// the library; its text is purged after the retention period.
[[nodiscard]] Outcome<domain::Story> WithdrawStory(Api::Impl& impl, store::Store& store,
                                                   const Caller& caller, domain::StoryId id);

// A line manager of a person named (or a lead of the story's team) acknowledges a published
// story, with an optional note; `wellbeing_checked` records that they checked on the person's
// wellbeing (asked when the story praises extra hours).
[[nodiscard]] Outcome<domain::Story> AcknowledgeStory(Api::Impl& impl, store::Store& store,
                                                      const Caller& caller, domain::StoryId id,
                                                      std::string_view note,
                                                      bool wellbeing_checked);

// Anyone who can see a published story thanks the people in it (once each).
[[nodiscard]] Outcome<domain::Story> ThankStory(Api::Impl& impl, store::Store& store,
                                                const Caller& caller, domain::StoryId id,
                                                std::string_view note);

// A moderator releases a story held for moderation after editing the details out (the edited
// words must pass the guard: 422 otherwise), which then goes on to consent like any other; or
// rejects it with a reason (its text is purged after the retention period).
struct ModerationDecision {
  bool release = false;
  std::string title;  // the edited words, for a release
  std::string text;
  std::string learning;
  std::string note;  // the reason (required for a rejection)
};
[[nodiscard]] Outcome<domain::Story> ModerateStory(Api::Impl& impl, store::Store& store,
                                                   const Caller& caller, domain::StoryId id,
                                                   const ModerationDecision& decision);

// A story the caller may see (404 otherwise).
[[nodiscard]] Outcome<domain::Story> ViewStory(store::Store& store, const Caller& caller,
                                               domain::StoryId id);

// The learning library: published stories matching the query (its states are ignored).
[[nodiscard]] Outcome<std::vector<domain::Story>> Library(store::Store& store, const Caller& caller,
                                                          store::StoryQuery query);

// What waits for the caller (a person).
[[nodiscard]] Outcome<StoryInbox> Inbox(store::Store& store, const Caller& caller);

// Stories held for moderation (moderators only).
[[nodiscard]] Outcome<std::vector<domain::Story>> ModerationQueue(store::Store& store,
                                                                  const Caller& caller);

// Recognition equity over the `days` before now (equality and board roles only).
[[nodiscard]] Outcome<domain::Equity> RecognitionEquity(store::Store& store, const Caller& caller,
                                                        int days);

// --- Reflections.
[[nodiscard]] Outcome<domain::Reflection> PostReflection(Api::Impl& impl, store::Store& store,
                                                         const Caller& caller,
                                                         domain::Reflection reflection);
[[nodiscard]] Outcome<domain::Reply> ReplyToReflection(Api::Impl& impl, store::Store& store,
                                                       const Caller& caller,
                                                       domain::ReflectionId reflection,
                                                       std::string_view text);
// Moderators hide a reply with a recorded reason (422 "reason" when empty).
[[nodiscard]] Outcome<domain::Reply> HideReply(Api::Impl& impl, store::Store& store,
                                               const Caller& caller, domain::ReplyId reply,
                                               std::string_view reason);

// --- Subject access: everything stored about the caller, as JSON.
[[nodiscard]] Outcome<json> ExportAboutMe(store::Store& store, const Caller& caller);

// The JSON form of a story for `viewer` (docs/api.md, "Story").
[[nodiscard]] json StoryJson(const domain::Story& story);
[[nodiscard]] json ToJson(const domain::Reflection& reflection);
[[nodiscard]] json ToJson(const domain::Reply& reply);
[[nodiscard]] json EquityJson(const domain::Equity& equity);
[[nodiscard]] json FindingsJson(const std::vector<domain::Finding>& findings);

}  // namespace everyseat::server::api
