// Stories of leadership from every seat, and leaders' reflections (product.md, "Domain"; issue 5).
//
// A story is recorded by anyone about one or more people, a team, or themselves ("myself"),
// tagged with at least one of the organisation's values. Its life:
//
//   draft ──submit──> awaiting_consent ──everyone named consents──> published
//     │                  │  └──someone declines──> declined (private: never published)
//     │                  └──(nobody to ask: only "myself" or teams)──> published at once
//     └──submit with patient details found by the guard──> in_moderation
//                             moderator edits them out ──> awaiting_consent (as above)
//                             moderator rejects        ──> rejected (text purged after retention)
//   any state but draft ──author or a named person withdraws──> withdrawn (purged after retention)
//
// Who sees a story (CanSee): published stories, everyone in the organisation; a draft, its author;
// a story in moderation, withdrawn or rejected (purged or not), its author and moderators; one
// awaiting consent or declined, its author, the people it names, their line managers and
// moderators.
//
// These are plain values and pure rules; storage is in everyseat/store, the steps that move a
// story between states in the server's story service.
// Thread-safety: plain values; the free functions are pure and safe to call concurrently.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "everyseat/domain/ids.h"
#include "everyseat/domain/model.h"

namespace everyseat::domain {

using StoryId = Id<struct StoryTag>;
using ReflectionId = Id<struct ReflectionTag>;
using ReplyId = Id<struct ReplyTag>;

enum class StoryState {
  kDraft,
  kInModeration,     // the guard found patient details: held for a moderator
  kAwaitingConsent,  // waiting for the people named
  kPublished,        // on the wall and in the learning library
  kDeclined,         // someone named declined: kept private
  kWithdrawn,        // taken down by its author or a person named
  kRejected,         // a moderator rejected it
};

enum class ConsentState { kPending, kGiven, kDeclined };

struct Consent {
  PersonId person;
  ConsentState state = ConsentState::kPending;
  std::optional<int64_t> decided_at;
  friend bool operator==(const Consent&, const Consent&) = default;
};

// A line manager's acknowledgement of a story about someone they manage.
struct Acknowledgement {
  PersonId manager;
  std::string note;                // optional
  bool wellbeing_checked = false;  // the manager says they checked on the person's wellbeing
  int64_t at = 0;
  friend bool operator==(const Acknowledgement&, const Acknowledgement&) = default;
};

struct Thanks {
  PersonId person;
  std::string note;  // optional
  int64_t at = 0;
  friend bool operator==(const Thanks&, const Thanks&) = default;
};

struct Story {
  StoryId id;
  OrgId org;
  PersonId author;
  std::vector<PersonId> people;      // the people named; the author when about "myself"
  std::vector<TeamId> teams;         // the teams named
  std::optional<TeamId> team;        // the team the story belongs to (links to its page)
  std::optional<MeasureId> measure;  // an optional link to a measure it moved
  std::string title;
  std::string text;               // what happened
  std::string learning;           // what others can learn
  std::vector<TagId> values;      // at least one, on submission
  std::vector<TagId> behaviours;  // optional
  StoryState state = StoryState::kDraft;
  std::string findings_json;    // the guard's findings when held for moderation, "" otherwise
  std::string moderation_note;  // a moderator's reason (on reject or release), "" when none
  int64_t created_at = 0;       // set by the store
  int64_t updated_at = 0;       // set by the store
  std::optional<int64_t> submitted_at;
  std::optional<int64_t> published_at;
  std::optional<int64_t> closed_at;  // when withdrawn, rejected or declined
  bool purged = false;               // title, text and learning removed after retention
  // Filled by the store when it reads a story; ignored when it saves one.
  std::vector<Consent> consents;
  std::vector<Acknowledgement> acknowledgements;
  std::vector<Thanks> thanks;
  friend bool operator==(const Story&, const Story&) = default;
};

// A leader's reflection: what I learned, what I got wrong, what we changed.
struct Reflection {
  ReflectionId id;
  OrgId org;
  PersonId author;
  std::string title;
  std::string learned;
  std::string got_wrong;
  std::string changed;
  int64_t created_at = 0;
  friend bool operator==(const Reflection&, const Reflection&) = default;
};

struct Reply {
  ReplyId id;
  OrgId org;
  ReflectionId reflection;
  PersonId author;
  std::string text;
  int64_t created_at = 0;
  std::optional<int64_t> hidden_at;  // hidden by a moderator ...
  std::optional<PersonId> hidden_by;
  std::string hidden_reason;  // ... with this recorded reason
  friend bool operator==(const Reply&, const Reply&) = default;
};

[[nodiscard]] std::string_view Name(StoryState);    // draft, in_moderation, awaiting_consent, ...
[[nodiscard]] std::string_view Name(ConsentState);  // pending, given, declined
[[nodiscard]] std::optional<StoryState> ParseStoryState(std::string_view);
[[nodiscard]] std::optional<ConsentState> ParseConsentState(std::string_view);

// ---------------------------------------------------------------------------------------------
// The rules.

// What a viewer is, for deciding what they may see of stories.
struct StoryViewer {
  PersonId person;
  bool moderator = false;
  // The people this viewer line-manages directly.
  std::vector<PersonId> reports;
};

// Whether `viewer` may read `story` (the rules in the header comment).
[[nodiscard]] bool CanSee(const StoryViewer& viewer, const Story& story);

// The people who must consent before `story` is published: the people named, except its author.
[[nodiscard]] std::vector<PersonId> ConsentNeeded(const Story& story);

// The state a story moves to once its consents are as in story.consents: published when every
// person in ConsentNeeded has given consent, declined when anyone declined, else
// awaiting_consent.
[[nodiscard]] StoryState StateAfterConsents(const Story& story);

// Whether the story's words praise extra hours, shifts or weekends (staying late, working
// through the night, an extra shift, weekends, "extraordinary hours", ...). The manager is then
// prompted to check on the person's wellbeing instead of rewarding the hours.
[[nodiscard]] bool PraisesExtraHours(std::string_view text);

// ---------------------------------------------------------------------------------------------
// Recognition equity: stories per 100 staff, never a ranking of individuals.

// A published story as the equity view counts it.
struct StoryCount {
  int64_t published_at = 0;
  std::vector<PersonId> people;
  std::vector<TeamId> teams;
};

struct EquityRow {
  std::string label;           // a team path, or a staff group's name
  std::optional<TeamId> team;  // for team and level rows
  int depth = 0;               // for level rows: 1 = directly below the organisation
  int64_t staff = 0;           // people in the team (and, for a level, below it) or the group
  int64_t stories = 0;         // published stories that name them (or the team) in the window
  double per_100_staff = 0;    // stories * 100 / staff; 0 when staff is 0
};

struct Equity {
  int64_t from = 0;  // the window counted, Unix seconds [from, to)
  int64_t to = 0;
  std::vector<EquityRow> by_team;               // every team with staff, in tree order
  std::vector<EquityRow> by_level;              // every node of the tree, with its subtree's counts
  std::vector<EquityRow> by_staff_group;        // every staff group with staff
  std::vector<EquityRow> teams_without_recent;  // teams with staff and no story in 90 days
};

// A story counts for a team when it names the team or one of its members; for a level when it
// counts for any team in its subtree (once); for a staff group when it names a person of it.
[[nodiscard]] Equity RecognitionEquity(std::span<const Team> teams, std::span<const Person> people,
                                       std::span<const Membership> memberships,
                                       std::span<const StoryCount> stories, int64_t from,
                                       int64_t to);

}  // namespace everyseat::domain
