// The demo organisation's stories of leadership and leaders' reflections, which `everyseat
// seed-demo` writes after the people (demo_organisation.h): the twelve examples of leadership
// from every seat in the post everyseat was created from (../shared/spec/origin-post.md,
// correctly spelt here), each told as a story by a colleague, a manager or the person themselves,
// and three leaders' reflections with replies from staff, one of them a challenge.
//
// People are named by email and teams by path below the organisation, as in
// demo_organisation.h; values and behaviours by the names of the defaults
// (domain::DefaultValues, domain::DefaultBehaviours). Times are days before the seed's `today`,
// spread over the last ten months (stories' submission and publication times; the SQL store
// records consents, acknowledgements, thanks, reflections and replies at its own clock, so those
// are dated the day of the seed). What the demo shows with them:
//   - every story published with every consent given, except one awaiting its person's consent;
//   - acknowledgements by the line managers of the people named, with notes; the two stories that
//     praise extra hours (the finance manager, the primary care mental health team) acknowledged
//     with the wellbeing check (Acknowledgement::wellbeing_checked) rather than thanks for hours;
//   - one story published more than 14 days ago and not yet acknowledged (it shows on the
//     manager's manager's page) and one too recent to have been;
//   - teams with no story in the last 90 days (Health Centre Reception, Finance and the A&E team),
//     for the recognition equity view.
// No text carries patient details (no names after Mr, Mrs or "patient", dates of birth,
// postcodes or NHS numbers): the tests run the guard over every one.
// Thread-safety: pure functions.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace everyseat::cli::demo {

struct AcknowledgementSeed {
  std::string manager = {};  // email of a line manager of a person named
  std::string note = {};
  bool wellbeing_checked = false;
  int days_after = 0;  // days after the story was published
};

struct ThanksSeed {
  std::string person = {};  // email
  std::string note = {};
  int days_after = 0;  // days after the story was published
};

struct StorySeed {
  std::string author = {};  // email
  // Emails of the people named; the author alone for "myself".
  std::vector<std::string> people = {};
  std::vector<std::string> teams = {};  // paths of the teams named
  std::string team = {};                // path of the team it belongs to
  std::string measure = {};             // name of a measure of `team` it moved; "" for none
  std::string title = {};
  std::string text = {};      // what happened
  std::string learning = {};  // what others can learn
  std::vector<std::string> values = {};
  std::vector<std::string> behaviours = {};
  int days_ago = 0;  // published then (submitted the day before); submitted then when awaiting
  bool awaiting_consent = false;  // submitted, the consents of the people named still pending
  std::vector<AcknowledgementSeed> acknowledgements = {};
  std::vector<ThanksSeed> thanks = {};
};

struct ReplySeed {
  std::string author = {};  // email
  std::string text = {};
};

struct ReflectionSeed {
  std::string author = {};  // email
  std::string title = {};
  std::string learned = {};
  std::string got_wrong = {};
  std::string changed = {};
  std::vector<ReplySeed> replies = {};  // oldest first
};

// The twelve stories, one for each example of the post, in the post's order.
[[nodiscard]] std::vector<StorySeed> Stories();

// The leaders' reflections, oldest first.
[[nodiscard]] std::vector<ReflectionSeed> Reflections();

// Unix seconds of `minutes` past midnight (UTC), `days` days before `today`.
[[nodiscard]] int64_t DaysBefore(std::chrono::sys_days today, int days, int minutes);

}  // namespace everyseat::cli::demo
