// The pure rules of stories (story.h): who may see a story, whose consent it needs and the state
// the consents lead to, the "praises extra hours" check, and recognition equity.
// Thread-safety: pure functions; the phrase table is parsed once (a function-local static).
#include "everyseat/domain/story.h"

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "everyseat/domain/model.h"

namespace everyseat::domain {
namespace {

bool Contains(std::span<const PersonId> people, PersonId person) {
  return std::find(people.begin(), people.end(), person) != people.end();
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Visibility.
//
//   published                      everyone (the caller has checked the viewer's organisation)
//   draft                          the author
//   in_moderation                  the author and moderators (it may carry patient details)
//   awaiting_consent, declined     the author, the people named, their line managers (a viewer
//                                  whose reports include a person named) and moderators
//   withdrawn, rejected            the author and moderators, whether or not the text has been
//                                  purged: a withdrawal takes the story away from the people
//                                  named and their managers too, and a rejected story may still
//                                  carry the patient details it was rejected for.
//
// A viewer without a valid id is never taken for the author or a person named.
bool CanSee(const StoryViewer& viewer, const Story& story) {
  const bool known = viewer.person.valid();
  const bool author = known && viewer.person == story.author;
  switch (story.state) {
    case StoryState::kPublished:
      return true;
    case StoryState::kDraft:
      return author;
    case StoryState::kInModeration:
    case StoryState::kWithdrawn:
    case StoryState::kRejected:
      return author || viewer.moderator;
    case StoryState::kAwaitingConsent:
    case StoryState::kDeclined: {
      if (author || viewer.moderator) return true;
      if (known && Contains(story.people, viewer.person)) return true;
      return std::any_of(story.people.begin(), story.people.end(),
                         [&](PersonId named) { return Contains(viewer.reports, named); });
    }
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// Consent.

std::vector<PersonId> ConsentNeeded(const Story& story) {
  std::vector<PersonId> needed;
  for (const PersonId person : story.people) {
    if (person == story.author) continue;
    if (Contains(needed, person)) continue;
    needed.push_back(person);
  }
  return needed;
}

// A decline by anyone whose consent is needed wins over everything (even a consent the same
// person also gave: the store keeps one consent per person, so that would be a caller's error).
// Consents of people whose consent is not needed (the author, people no longer named) are
// ignored.
StoryState StateAfterConsents(const Story& story) {
  const std::vector<PersonId> needed = ConsentNeeded(story);
  bool all_given = true;
  for (const PersonId person : needed) {
    bool given = false;
    for (const Consent& consent : story.consents) {
      if (consent.person != person) continue;
      if (consent.state == ConsentState::kDeclined) return StoryState::kDeclined;
      if (consent.state == ConsentState::kGiven) given = true;
    }
    if (!given) all_given = false;
  }
  return all_given ? StoryState::kPublished : StoryState::kAwaitingConsent;
}

// ---------------------------------------------------------------------------------------------
// Praise of extra hours.
//
// The text is split into words: runs of ASCII letters and digits, lower-cased. Everything else
// (spaces, punctuation, hyphens, apostrophes, any non-ASCII character) separates words, so
// "12-hour" is "12" "hour" and "winter’s" is "winter" "s". A phrase matches a run of whole
// consecutive words, so "overtime" never matches inside a longer word.
//
// A phrase is written as slots separated by single spaces; each slot matches one word:
//   a|b|c   any of these words
//   #       a number (a word of digits only)
//   ?a|b    optionally one of these words (matches one word or none)
//   [d]     optionally a determiner or possessive: her his their my our your the a an any
//
// The phrases: praise of hours, of extra or doubled shifts, of staying late and working nights
// through, of giving up weekends, days off, leave and breaks. What is deliberately NOT matched:
// the bare words "weekend", "night", "shift", "hours", "extra" and "break", which name rotas,
// teams, handovers, opening hours, extra staff and breaks well taken.
namespace {

constexpr std::array<std::string_view, 32> kExtraHoursPhrases = {
    // Hours.
    "extraordinary|extra|long|longer|excessive|endless|unpaid|additional hours",
    "# hour|hours|hr|hrs day|days",
    "# hours straight",
    "overtime",
    "work|works|worked|working all hours",
    "work|works|worked|working round|around the clock",
    "midnight oil",
    // Shifts.
    "extra|additional|double|doubled shift|shifts",
    "back to back shift|shifts",
    "stay|stays|stayed|staying ?on|behind|late after [d] shift|shifts",
    // Late, and through the night.
    "stay|stays|stayed|staying late|behind|overnight",
    "work|works|worked|working late",
    "into the night",
    "into the early|small hours",
    "through|throughout the night",
    "all night",
    // Days off and leave.
    "in on [d] day|days off",
    "in on [d] ?annual leave|holiday|holidays",
    "work|works|worked|working on [d] day|days off",
    "work|works|worked|working on [d] ?annual leave|holiday|holidays",
    "never|rarely|seldom|hardly|barely take|takes|took|taking [d] day|days off",
    "never|rarely|seldom|hardly|barely take|takes|took|taking [d] ?annual leave|holiday|holidays",
    "never|rarely|seldom|hardly|barely take|takes|took|taking [d] break|breaks|lunch",
    // Weekends.
    "work|works|worked|working through|over|all|every|most [d] weekend|weekends",
    "come|comes|came|coming in at|on|over [d] weekend|weekends",
    "give|gives|gave|giving|given up [d] ?own weekend|weekends|evening|evenings|time",
    "give|gives|gave|giving|given up [d] ?annual leave|holiday|holidays",
    "give|gives|gave|giving|given up [d] day|days off",
    // Breaks.
    "without [d] break|breaks|rest|lunch",
    "without stopping",
    "no breaks",
    "skip|skips|skipped|skipping [d] break|breaks|lunch",
};

constexpr std::string_view kDeterminers = "her|his|their|my|our|your|the|a|an|any";

struct Slot {
  std::vector<std::string_view> words;  // empty with number set: any number
  bool number = false;
  bool optional = false;
};
using Phrase = std::vector<Slot>;

std::vector<std::string_view> SplitOn(std::string_view s, char separator) {
  std::vector<std::string_view> parts;
  while (true) {
    const size_t at = s.find(separator);
    parts.push_back(s.substr(0, at));
    if (at == std::string_view::npos) return parts;
    s.remove_prefix(at + 1);
  }
}

Phrase ParsePhrase(std::string_view text) {
  Phrase phrase;
  for (std::string_view slot_text : SplitOn(text, ' ')) {
    Slot slot;
    if (slot_text == "[d]") {
      slot.optional = true;
      slot_text = kDeterminers;
    } else if (slot_text.starts_with('?')) {
      slot.optional = true;
      slot_text.remove_prefix(1);
    }
    if (slot_text == "#") {
      slot.number = true;
    } else {
      slot.words = SplitOn(slot_text, '|');
    }
    phrase.push_back(std::move(slot));
  }
  return phrase;
}

const std::vector<Phrase>& ExtraHoursPhrases() {
  static const std::vector<Phrase> phrases = [] {
    std::vector<Phrase> parsed;
    for (const std::string_view text : kExtraHoursPhrases) parsed.push_back(ParsePhrase(text));
    return parsed;
  }();
  return phrases;
}

bool IsAsciiAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

std::vector<std::string> Words(std::string_view text) {
  std::vector<std::string> words;
  std::string word;
  for (const char c : text) {
    if (IsAsciiAlnum(c)) {
      word.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
    } else if (!word.empty()) {
      words.push_back(std::move(word));
      word.clear();
    }
  }
  if (!word.empty()) words.push_back(std::move(word));
  return words;
}

bool SlotMatches(const Slot& slot, std::string_view word) {
  if (slot.number) {
    return !word.empty() &&
           std::all_of(word.begin(), word.end(), [](char c) { return c >= '0' && c <= '9'; });
  }
  return std::find(slot.words.begin(), slot.words.end(), word) != slot.words.end();
}

// Whether slots [k, end) of `phrase` match words starting at `i` (trying an optional slot both
// ways: the phrases are short, so this backtracking stays tiny).
bool MatchesAt(const Phrase& phrase, size_t k, const std::vector<std::string>& words, size_t i) {
  if (k == phrase.size()) return true;
  const Slot& slot = phrase[k];
  if (i < words.size() && SlotMatches(slot, words[i]) && MatchesAt(phrase, k + 1, words, i + 1)) {
    return true;
  }
  return slot.optional && MatchesAt(phrase, k + 1, words, i);
}

}  // namespace

bool PraisesExtraHours(std::string_view text) {
  const std::vector<std::string> words = Words(text);
  for (const Phrase& phrase : ExtraHoursPhrases()) {
    for (size_t i = 0; i < words.size(); ++i) {
      if (MatchesAt(phrase, 0, words, i)) return true;
    }
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// Recognition equity.
//
// Teams are identified by their position in `teams` (which is in tree order). Memberships of
// teams not in `teams`, and stories' teams not in it, are ignored; memberships are otherwise
// taken as given (a person is staff of a team when they are its member or lead). A team whose
// parent is not in `teams` is a top of the tree. Staff groups come from `people`.
namespace {

constexpr int64_t kRecentSeconds = int64_t{90} * 24 * 60 * 60;

constexpr std::array kStaffGroups = {
    StaffGroup::kNursingAndMidwifery,
    StaffGroup::kMedicalAndDental,
    StaffGroup::kAlliedHealthProfessionals,
    StaffGroup::kAdditionalClinicalServices,
    StaffGroup::kHealthcareScientists,
    StaffGroup::kScientificTherapeuticTechnical,
    StaffGroup::kAdministrativeAndClerical,
    StaffGroup::kEstatesAndAncillary,
    StaffGroup::kStudents,
    StaffGroup::kOther,
};

// Every group, in the enum's order: a group's value is its index here.
constexpr bool StaffGroupsInOrder() {
  for (size_t g = 0; g < kStaffGroups.size(); ++g) {
    if (static_cast<size_t>(kStaffGroups[g]) != g) return false;
  }
  return kStaffGroups.size() == static_cast<size_t>(StaffGroup::kOther) + 1;
}
static_assert(StaffGroupsInOrder());

// The depth of a node: the number of '/' in its path ("Org/A" is 1, "Org/A/X" is 2); for a team
// without a path (not read from the store), the length of its chain of parents.
int Depth(const std::vector<std::optional<size_t>>& parent, std::span<const Team> teams, size_t t) {
  const std::string_view path = teams[t].path;
  if (!path.empty()) return static_cast<int>(std::count(path.begin(), path.end(), '/'));
  int depth = 1;
  std::vector<bool> seen(teams.size(), false);
  for (std::optional<size_t> up = parent[t]; up && !seen[*up]; up = parent[*up]) {
    seen[*up] = true;
    ++depth;
  }
  return depth;
}

// Adds `t` and every node above it to `out`, once each: `mark` records what is in `out` (and is
// cleared by the caller). Stopping at a marked node also stops a cycle in a malformed tree.
void AddWithAncestors(size_t t, const std::vector<std::optional<size_t>>& parent,
                      std::vector<bool>& mark, std::vector<size_t>& out) {
  for (std::optional<size_t> at = t; at && !mark[*at]; at = parent[*at]) {
    mark[*at] = true;
    out.push_back(*at);
  }
}

void Unmark(std::vector<bool>& mark, std::vector<size_t>& nodes) {
  for (const size_t t : nodes) mark[t] = false;
  nodes.clear();
}

EquityRow Row(std::string label, std::optional<TeamId> team, int depth, int64_t staff,
              int64_t stories) {
  EquityRow row;
  row.label = std::move(label);
  row.team = team;
  row.depth = depth;
  row.staff = staff;
  row.stories = stories;
  row.per_100_staff =
      staff == 0 ? 0.0 : static_cast<double>(stories) * 100.0 / static_cast<double>(staff);
  return row;
}

}  // namespace

Equity RecognitionEquity(std::span<const Team> teams, std::span<const Person> people,
                         std::span<const Membership> memberships,
                         std::span<const StoryCount> stories, int64_t from, int64_t to) {
  const size_t n = teams.size();
  std::unordered_map<TeamId, size_t> index;
  for (size_t t = 0; t < n; ++t) index.emplace(teams[t].id, t);
  std::vector<std::optional<size_t>> parent(n);
  for (size_t t = 0; t < n; ++t) {
    if (!teams[t].parent) continue;
    const auto it = index.find(*teams[t].parent);
    if (it != index.end() && it->second != t) parent[t] = it->second;
  }

  // Each person's teams (distinct), and each team's distinct staff.
  std::unordered_map<PersonId, std::vector<size_t>> teams_of;
  std::vector<int64_t> team_staff(n, 0);
  for (const Membership& m : memberships) {
    const auto it = index.find(m.team);
    if (it == index.end()) continue;
    std::vector<size_t>& mine = teams_of[m.person];
    if (std::find(mine.begin(), mine.end(), it->second) != mine.end()) continue;
    mine.push_back(it->second);
    ++team_staff[it->second];
  }

  // A level's staff: the distinct people in its subtree (each person once per node above any of
  // their teams).
  std::vector<bool> mark(n, false);
  std::vector<size_t> nodes;
  std::vector<int64_t> level_staff(n, 0);
  for (const auto& [person, mine] : teams_of) {
    for (const size_t t : mine) AddWithAncestors(t, parent, mark, nodes);
    for (const size_t t : nodes) ++level_staff[t];
    Unmark(mark, nodes);
  }

  // Stories: the teams each counts for, once each; the levels above them, once each; and
  // whether it is recent ([to - 90 days, to), whatever `from` is).
  std::vector<int64_t> team_stories(n, 0);
  std::vector<int64_t> level_stories(n, 0);
  std::vector<bool> recent(n, false);
  std::vector<bool> direct(n, false);
  std::vector<size_t> counted;
  for (const StoryCount& story : stories) {
    const bool in_window = story.published_at >= from && story.published_at < to;
    const bool is_recent = story.published_at >= to - kRecentSeconds && story.published_at < to;
    if (!in_window && !is_recent) continue;
    auto count = [&](size_t t) {
      if (direct[t]) return;
      direct[t] = true;
      counted.push_back(t);
    };
    for (const TeamId team : story.teams) {
      const auto it = index.find(team);
      if (it != index.end()) count(it->second);
    }
    for (const PersonId person : story.people) {
      const auto it = teams_of.find(person);
      if (it == teams_of.end()) continue;
      for (const size_t t : it->second) count(t);
    }
    for (const size_t t : counted) {
      if (is_recent) recent[t] = true;
      if (in_window) {
        ++team_stories[t];
        AddWithAncestors(t, parent, mark, nodes);
      }
    }
    for (const size_t t : nodes) ++level_stories[t];
    Unmark(mark, nodes);
    Unmark(direct, counted);
  }

  Equity equity;
  equity.from = from;
  equity.to = to;
  for (size_t t = 0; t < n; ++t) {
    if (team_staff[t] > 0) {
      equity.by_team.push_back(Row(teams[t].path, teams[t].id, 0, team_staff[t], team_stories[t]));
      if (!recent[t]) equity.teams_without_recent.push_back(equity.by_team.back());
    }
    equity.by_level.push_back(
        Row(teams[t].path, teams[t].id, Depth(parent, teams, t), level_staff[t], level_stories[t]));
  }

  // Staff groups: the distinct people of each group, and the stories in the window naming at
  // least one of them.
  std::unordered_map<PersonId, StaffGroup> group_of;
  for (const Person& person : people) group_of.emplace(person.id, person.staff_group);
  std::array<int64_t, kStaffGroups.size()> group_staff{};
  std::array<int64_t, kStaffGroups.size()> group_stories{};
  for (const auto& [person, group] : group_of) ++group_staff[static_cast<size_t>(group)];
  for (const StoryCount& story : stories) {
    if (story.published_at < from || story.published_at >= to) continue;
    std::array<bool, kStaffGroups.size()> named{};
    for (const PersonId person : story.people) {
      const auto it = group_of.find(person);
      if (it != group_of.end()) named[static_cast<size_t>(it->second)] = true;
    }
    for (size_t g = 0; g < named.size(); ++g) group_stories[g] += named[g] ? 1 : 0;
  }
  for (const StaffGroup group : kStaffGroups) {
    const auto g = static_cast<size_t>(group);
    if (group_staff[g] == 0) continue;
    equity.by_staff_group.push_back(
        Row(std::string(Name(group)), std::nullopt, 0, group_staff[g], group_stories[g]));
  }
  return equity;
}

}  // namespace everyseat::domain
