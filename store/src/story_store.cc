// SqlStore: stories of leadership, consents, acknowledgements, thanks, reflections and replies.
// Every statement here runs unchanged on SQLite and PostgreSQL; the search index goes through
// the engine primitives of sql_store.h (IndexStory, UnindexStory, StorySearchQuery,
// StorySearchCondition).
// Thread-safety: one thread at a time, like every Store.
#include <algorithm>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "everyseat/domain/validate.h"
#include "json.h"
#include "sql_store.h"

namespace everyseat::store::detail {
namespace {

using domain::Acknowledgement;
using domain::Consent;
using domain::ConsentState;
using domain::Reflection;
using domain::Reply;
using domain::Story;
using domain::StoryState;
using domain::Thanks;

// Column lists, in the order the Read* functions below expect. Stories are aliased s.
#define ES_STORY_COLS                                                                            \
  "s.id, s.org_id, s.author_id, s.team_id, s.measure_id, s.title, s.body, s.learning, s.state, " \
  "s.findings_json, s.moderation_note, s.created_at, s.updated_at, s.submitted_at, "             \
  "s.published_at, s.closed_at, s.purged"
#define ES_REFLECTION_COLS "id, org_id, author_id, title, learned, got_wrong, changed, created_at"
#define ES_REPLY_COLS                                                              \
  "id, org_id, reflection_id, author_id, body, created_at, hidden_at, hidden_by, " \
  "hidden_reason"

// The states whose text PurgeStories removes after the retention period.
#define ES_CLOSED_STATES "('withdrawn', 'rejected', 'declined')"

constexpr int kDefaultRetentionDays = 30;
constexpr int kMaxRetentionDays = 3650;
// FillStories reads the rows of at most this many stories per statement.
constexpr size_t kStoryChunk = 500;
// A search uses at most this many words, each cut to at most this many bytes (a shorter word
// still matches as a prefix).
constexpr size_t kMaxSearchWords = 32;
constexpr size_t kMaxSearchWordBytes = 64;
constexpr size_t kMaxVerbLength = 40;

std::string Num(int64_t v) { return std::to_string(v); }

template <class Id>
Param OptId(const std::optional<Id>& id) {
  return id ? Param(id->value) : Null();
}
Param Flag(bool b) { return Param(int64_t{b ? 1 : 0}); }

template <class Id>
std::optional<int64_t> OptValue(const std::optional<Id>& id) {
  return id ? std::optional<int64_t>(id->value) : std::nullopt;
}

tl::unexpected<StoreError> FromDomain(domain::DomainError e) {
  return Fail(StoreErrorCode::kInvalid, e.message, std::move(e.field));
}

// Replaces the engine's message of an error of code `when` by one for people.
StoreError Explain(StoreError e, StoreErrorCode when, std::string message, std::string field = {}) {
  if (e.code == when) {
    e.message = std::move(message);
    e.field = std::move(field);
  }
  return e;
}

// The values of `ids` without repeats, in the order first given.
template <class Id>
std::vector<Id> Distinct(const std::vector<Id>& ids) {
  std::vector<Id> out;
  std::unordered_set<int64_t> seen;
  for (const Id& id : ids) {
    if (seen.insert(id.value).second) out.push_back(id);
  }
  return out;
}

// "$first, $first+1, ..." for `n` parameters.
std::string Placeholders(size_t first, size_t n) {
  std::string out;
  for (size_t i = 0; i < n; ++i) {
    if (i > 0) out += ", ";
    out += "$" + Num(static_cast<int64_t>(first + i));
  }
  return out;
}

template <class Id>
std::string JsonIds(const std::vector<Id>& ids) {
  std::string out = "[";
  for (size_t i = 0; i < ids.size(); ++i) {
    if (i > 0) out += ',';
    out += Num(ids[i].value);
  }
  return out + "]";
}

Story ReadStory(const Rows& r, size_t i) {
  Story s;
  s.id = domain::StoryId(r.Int(i, 0));
  s.org = domain::OrgId(r.Int(i, 1));
  s.author = domain::PersonId(r.Int(i, 2));
  if (!r.IsNull(i, 3)) s.team = domain::TeamId(r.Int(i, 3));
  if (!r.IsNull(i, 4)) s.measure = domain::MeasureId(r.Int(i, 4));
  s.title = r.Text(i, 5);
  s.text = r.Text(i, 6);
  s.learning = r.Text(i, 7);
  s.state = domain::ParseStoryState(r.Text(i, 8)).value_or(StoryState::kDraft);
  s.findings_json = r.Text(i, 9);
  s.moderation_note = r.Text(i, 10);
  s.created_at = r.Int(i, 11);
  s.updated_at = r.Int(i, 12);
  s.submitted_at = r.OptInt(i, 13);
  s.published_at = r.OptInt(i, 14);
  s.closed_at = r.OptInt(i, 15);
  s.purged = r.Int(i, 16) != 0;
  return s;
}

Reflection ReadReflection(const Rows& r, size_t i) {
  Reflection x;
  x.id = domain::ReflectionId(r.Int(i, 0));
  x.org = domain::OrgId(r.Int(i, 1));
  x.author = domain::PersonId(r.Int(i, 2));
  x.title = r.Text(i, 3);
  x.learned = r.Text(i, 4);
  x.got_wrong = r.Text(i, 5);
  x.changed = r.Text(i, 6);
  x.created_at = r.Int(i, 7);
  return x;
}

Reply ReadReply(const Rows& r, size_t i) {
  Reply x;
  x.id = domain::ReplyId(r.Int(i, 0));
  x.org = domain::OrgId(r.Int(i, 1));
  x.reflection = domain::ReflectionId(r.Int(i, 2));
  x.author = domain::PersonId(r.Int(i, 3));
  x.text = r.Text(i, 4);
  x.created_at = r.Int(i, 5);
  x.hidden_at = r.OptInt(i, 6);
  if (!r.IsNull(i, 7)) x.hidden_by = domain::PersonId(r.Int(i, 7));
  x.hidden_reason = r.Text(i, 8);
  return x;
}

// A story in the audit log: ids, state, subjects, tags and times; never its title, text,
// learning, findings or moderation note (they may carry patient details).
std::string Json(const Story& s) {
  return JsonObject()
      .Int("id", s.id.value)
      .Int("author", s.author.value)
      .Str("state", domain::Name(s.state))
      .Raw("people", JsonIds(s.people))
      .Raw("teams", JsonIds(s.teams))
      .OptInt("team", OptValue(s.team))
      .OptInt("measure", OptValue(s.measure))
      .Raw("values", JsonIds(s.values))
      .Raw("behaviours", JsonIds(s.behaviours))
      .Bool("held_for_findings", !s.findings_json.empty())
      .Int("created_at", s.created_at)
      .Int("updated_at", s.updated_at)
      .OptInt("submitted_at", s.submitted_at)
      .OptInt("published_at", s.published_at)
      .OptInt("closed_at", s.closed_at)
      .Bool("purged", s.purged)
      .Take();
}

std::string Json(StoryId story, const Consent& c) {
  return JsonObject()
      .Int("story", story.value)
      .Int("person", c.person.value)
      .Str("state", domain::Name(c.state))
      .OptInt("decided_at", c.decided_at)
      .Take();
}

std::string Json(const Reflection& x) {
  return JsonObject()
      .Int("id", x.id.value)
      .Int("author", x.author.value)
      .Str("title", x.title)
      .Int("created_at", x.created_at)
      .Take();
}

std::string Json(const Reply& x) {
  return JsonObject()
      .Int("id", x.id.value)
      .Int("reflection", x.reflection.value)
      .Int("author", x.author.value)
      .Str("text", x.text)
      .OptInt("hidden_at", x.hidden_at)
      .OptInt("hidden_by", OptValue(x.hidden_by))
      .Str("hidden_reason", x.hidden_reason)
      .Take();
}

std::string RetentionJson(int days) {
  return JsonObject().Int("story_retention_days", days).Take();
}

// The words of a search: runs of ASCII letters and digits and of the bytes of other UTF-8
// characters, so no quote, apostrophe, operator sign or space reaches the engine's query.
std::vector<std::string> SearchWords(std::string_view text) {
  std::vector<std::string> out;
  std::string word;
  const auto flush = [&] {
    if (word.empty()) return;
    if (word.size() > kMaxSearchWordBytes) {
      size_t n = kMaxSearchWordBytes;
      while (n > 0 && (static_cast<unsigned char>(word[n]) & 0xC0) == 0x80) --n;
      word.resize(n);
    }
    if (!word.empty() && out.size() < kMaxSearchWords) out.push_back(word);
    word.clear();
  };
  for (char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    const bool keep =
        (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80;
    if (keep) {
      word += ch;
    } else {
      flush();
    }
  }
  flush();
  return out;
}

// A verb of "story.<verb>": lower-case letters and underscores.
bool IsVerb(std::string_view verb) {
  if (verb.empty() || verb.size() > kMaxVerbLength) return false;
  return std::all_of(verb.begin(), verb.end(),
                     [](char c) { return (c >= 'a' && c <= 'z') || c == '_'; });
}

bool IsBlank(std::string_view text) {
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; });
}

}  // namespace

// --- Reading stories.

Result<Story> SqlStore::StoryRow(OrgId org, StoryId story) {
  auto r = Q("SELECT " ES_STORY_COLS " FROM stories s WHERE s.org_id = $1 AND s.id = $2",
             {org.value, story.value});
  if (!r) return tl::unexpected(r.error());
  if (r->empty()) {
    return Fail(StoreErrorCode::kNotFound, "story " + Num(story.value) + " not found", "story");
  }
  std::vector<Story> one = {ReadStory(*r, 0)};
  if (auto f = FillStories(org, one); !f) return tl::unexpected(f.error());
  return std::move(one.front());
}

Result<void> SqlStore::FillStories(OrgId org, std::vector<Story>& stories) {
  std::unordered_map<int64_t, size_t> index;
  for (size_t i = 0; i < stories.size(); ++i) index.emplace(stories[i].id.value, i);
  for (size_t first = 0; first < stories.size(); first += kStoryChunk) {
    const size_t n = std::min(kStoryChunk, stories.size() - first);
    std::vector<Param> params = {org.value};
    for (size_t i = 0; i < n; ++i) params.emplace_back(stories[first + i].id.value);
    const std::string in = "(" + Placeholders(2, n) + ")";
    const auto run = [&](const std::string& sql) { return Run(sql, params); };
    const auto at = [&](const Rows& r, size_t i) -> Story& {
      return stories[index.at(r.Int(i, 0))];
    };

    auto people =
        run("SELECT story_id, person_id FROM story_people WHERE org_id = $1 AND "
            "story_id IN " +
            in + " ORDER BY story_id, seq");
    if (!people) return tl::unexpected(people.error());
    for (size_t i = 0; i < people->size(); ++i) {
      at(*people, i).people.emplace_back(people->Int(i, 1));
    }

    auto teams =
        run("SELECT story_id, team_id FROM story_teams WHERE org_id = $1 AND "
            "story_id IN " +
            in + " ORDER BY story_id, seq");
    if (!teams) return tl::unexpected(teams.error());
    for (size_t i = 0; i < teams->size(); ++i) at(*teams, i).teams.emplace_back(teams->Int(i, 1));

    auto tags =
        run("SELECT g.story_id, g.tag_id, t.kind FROM story_tags g JOIN tags t ON t.org_id = "
            "g.org_id AND t.id = g.tag_id WHERE g.org_id = $1 AND g.story_id IN " +
            in + " ORDER BY g.story_id, g.seq");
    if (!tags) return tl::unexpected(tags.error());
    for (size_t i = 0; i < tags->size(); ++i) {
      Story& s = at(*tags, i);
      const TagId tag(tags->Int(i, 1));
      if (tags->Text(i, 2) == domain::Name(domain::TagKind::kBehaviour)) {
        s.behaviours.push_back(tag);
      } else {
        s.values.push_back(tag);
      }
    }

    // Consents in the order the people are named (a consent of someone no longer named last).
    auto consents =
        run("SELECT c.story_id, c.person_id, c.state, c.decided_at FROM story_consents c "
            "LEFT JOIN story_people p ON p.org_id = c.org_id AND p.story_id = c.story_id AND "
            "p.person_id = c.person_id WHERE c.org_id = $1 AND c.story_id IN " +
            in + " ORDER BY c.story_id, (p.seq IS NULL), p.seq, c.person_id");
    if (!consents) return tl::unexpected(consents.error());
    for (size_t i = 0; i < consents->size(); ++i) {
      at(*consents, i)
          .consents.push_back(Consent{
              PersonId(consents->Int(i, 1)),
              domain::ParseConsentState(consents->Text(i, 2)).value_or(ConsentState::kPending),
              consents->OptInt(i, 3)});
    }

    auto acks =
        run("SELECT story_id, manager_id, note, wellbeing_checked, acknowledged_at FROM "
            "story_acknowledgements WHERE org_id = $1 AND story_id IN " +
            in + " ORDER BY story_id, acknowledged_at, manager_id");
    if (!acks) return tl::unexpected(acks.error());
    for (size_t i = 0; i < acks->size(); ++i) {
      at(*acks, i).acknowledgements.push_back(Acknowledgement{
          PersonId(acks->Int(i, 1)), acks->Text(i, 2), acks->Int(i, 3) != 0, acks->Int(i, 4)});
    }

    auto thanks =
        run("SELECT story_id, person_id, note, thanked_at FROM story_thanks WHERE org_id = $1 AND "
            "story_id IN " +
            in + " ORDER BY story_id, thanked_at, person_id");
    if (!thanks) return tl::unexpected(thanks.error());
    for (size_t i = 0; i < thanks->size(); ++i) {
      at(*thanks, i)
          .thanks.push_back(
              Thanks{PersonId(thanks->Int(i, 1)), thanks->Text(i, 2), thanks->Int(i, 3)});
    }
  }
  return {};
}

// --- Checking and writing stories.

Result<void> SqlStore::CheckStoryPerson(OrgId org, PersonId person, std::string_view field) {
  auto r = Q("SELECT id FROM people WHERE org_id = $1 AND id = $2", {org.value, person.value});
  if (!r) return tl::unexpected(r.error());
  if (r->empty()) {
    return Fail(StoreErrorCode::kInvalid,
                "person " + Num(person.value) + " is not in the organisation", std::string(field));
  }
  return {};
}

Result<Story> SqlStore::CheckedStory(const Story& story) {
  if (auto o = GetOrganisation(story.org); !o) return tl::unexpected(o.error());
  Story s = story;
  s.people = Distinct(story.people);
  s.teams = Distinct(story.teams);
  s.values = Distinct(story.values);
  s.behaviours = Distinct(story.behaviours);
  const OrgId org = s.org;
  if (auto ok = CheckStoryPerson(org, s.author, "author"); !ok) return tl::unexpected(ok.error());
  for (PersonId p : s.people) {
    if (auto ok = CheckStoryPerson(org, p, "people"); !ok) return tl::unexpected(ok.error());
  }
  const auto check_team = [&](TeamId team, const char* field) -> Result<void> {
    auto r = Q("SELECT id FROM teams WHERE org_id = $1 AND id = $2", {org.value, team.value});
    if (!r) return tl::unexpected(r.error());
    if (r->empty()) {
      return Fail(StoreErrorCode::kInvalid,
                  "team " + Num(team.value) + " is not in the organisation", field);
    }
    return {};
  };
  for (TeamId t : s.teams) {
    if (auto ok = check_team(t, "teams"); !ok) return tl::unexpected(ok.error());
  }
  if (s.team) {
    if (auto ok = check_team(*s.team, "team"); !ok) return tl::unexpected(ok.error());
  }
  if (s.measure) {
    auto r =
        Q("SELECT id FROM measures WHERE org_id = $1 AND id = $2", {org.value, s.measure->value});
    if (!r) return tl::unexpected(r.error());
    if (r->empty()) {
      return Fail(StoreErrorCode::kInvalid,
                  "measure " + Num(s.measure->value) + " is not in the organisation", "measure");
    }
  }
  const auto check_tags = [&](const std::vector<TagId>& tags, domain::TagKind kind,
                              const char* field) -> Result<void> {
    for (TagId tag : tags) {
      auto r = Q("SELECT kind FROM tags WHERE org_id = $1 AND id = $2", {org.value, tag.value});
      if (!r) return tl::unexpected(r.error());
      if (r->empty()) {
        return Fail(StoreErrorCode::kInvalid,
                    "tag " + Num(tag.value) + " is not in the organisation", field);
      }
      if (const std::string found = r->Text(0, 0); found != domain::Name(kind)) {
        return Fail(StoreErrorCode::kInvalid,
                    "tag " + Num(tag.value) + " is a " + found + ", not a " +
                        std::string(domain::Name(kind)),
                    field);
      }
    }
    return {};
  };
  if (auto ok = check_tags(s.values, domain::TagKind::kValue, "values"); !ok) {
    return tl::unexpected(ok.error());
  }
  if (auto ok = check_tags(s.behaviours, domain::TagKind::kBehaviour, "behaviours"); !ok) {
    return tl::unexpected(ok.error());
  }
  if (!s.findings_json.empty() && !IsJson(s.findings_json)) {
    return Fail(StoreErrorCode::kInvalid, "findings_json is not JSON", "findings_json");
  }
  return s;
}

Result<void> SqlStore::WriteStorySubjects(const Story& s) {
  const Param key[] = {s.org.value, s.id.value};
  for (const char* table : {"story_people", "story_teams", "story_tags"}) {
    auto d = Run("DELETE FROM " + std::string(table) + " WHERE org_id = $1 AND story_id = $2", key);
    if (!d) return tl::unexpected(d.error());
  }
  const auto insert = [&](std::string_view sql, int64_t id, int64_t seq) -> Result<void> {
    auto r = Q(sql, {s.org.value, s.id.value, id, seq});
    if (!r) return tl::unexpected(r.error());
    return {};
  };
  int64_t seq = 0;
  for (PersonId p : s.people) {
    if (auto r = insert("INSERT INTO story_people (org_id, story_id, person_id, seq) "
                        "VALUES ($1, $2, $3, $4)",
                        p.value, seq++);
        !r) {
      return r;
    }
  }
  seq = 0;
  for (TeamId t : s.teams) {
    if (auto r = insert("INSERT INTO story_teams (org_id, story_id, team_id, seq) "
                        "VALUES ($1, $2, $3, $4)",
                        t.value, seq++);
        !r) {
      return r;
    }
  }
  seq = 0;
  for (const auto* tags : {&s.values, &s.behaviours}) {
    for (TagId t : *tags) {
      if (auto r = insert("INSERT INTO story_tags (org_id, story_id, tag_id, seq) "
                          "VALUES ($1, $2, $3, $4)",
                          t.value, seq++);
          !r) {
        return r;
      }
    }
  }
  return {};
}

Result<void> SqlStore::RebuildStorySearch() {
  auto r = Q("SELECT s.org_id, s.id, s.title, s.body, s.learning FROM stories s WHERE s.state = $1",
             {domain::Name(StoryState::kPublished)});
  if (!r) return tl::unexpected(r.error());
  for (size_t i = 0; i < r->size(); ++i) {
    const std::string title = r->Text(i, 2);
    const std::string text = r->Text(i, 3);
    const std::string learning = r->Text(i, 4);
    if (auto x = IndexStory(OrgId(r->Int(i, 0)), StoryId(r->Int(i, 1)), title, text, learning);
        !x) {
      return x;
    }
  }
  return {};
}

// --- Stories.

Result<Story> SqlStore::CreateStory(const Actor& actor, const Story& story) {
  return InWrite([&]() -> Result<Story> {
    auto checked = CheckedStory(story);
    if (!checked) return tl::unexpected(checked.error());
    Story s = std::move(*checked);
    s.created_at = Now();
    s.updated_at = s.created_at;
    auto r =
        Q("INSERT INTO stories (org_id, author_id, team_id, measure_id, title, body, learning, "
          "state, findings_json, moderation_note, created_at, updated_at, submitted_at, "
          "published_at, closed_at, purged) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, "
          "$11, $12, $13, $14, $15) RETURNING id",
          {s.org.value, s.author.value, OptId(s.team), OptId(s.measure), std::string_view(s.title),
           std::string_view(s.text), std::string_view(s.learning), domain::Name(s.state),
           std::string_view(s.findings_json), std::string_view(s.moderation_note), s.created_at,
           Opt(s.submitted_at), Opt(s.published_at), Opt(s.closed_at), Flag(s.purged)});
    if (!r) return tl::unexpected(r.error());
    s.id = StoryId(r->Int(0, 0));
    if (auto w = WriteStorySubjects(s); !w) return tl::unexpected(w.error());
    if (s.state == StoryState::kPublished) {
      if (auto x = IndexStory(s.org, s.id, s.title, s.text, s.learning); !x) {
        return tl::unexpected(x.error());
      }
    }
    if (auto a = Audit(actor, s.org, "story.create", "story", s.id.value, "", Json(s)); !a) {
      return tl::unexpected(a.error());
    }
    return StoryRow(s.org, s.id);
  });
}

Result<Story> SqlStore::UpdateStory(const Actor& actor, const Story& story, std::string_view verb) {
  return InWrite([&]() -> Result<Story> {
    if (!IsVerb(verb)) {
      return Fail(StoreErrorCode::kInvalid,
                  "verb must be 1 to " + Num(kMaxVerbLength) +
                      " lower-case letters or underscores, as in submit or publish",
                  "verb");
    }
    auto before = StoryRow(story.org, story.id);
    if (!before) return tl::unexpected(before.error());
    auto checked = CheckedStory(story);
    if (!checked) return tl::unexpected(checked.error());
    Story s = std::move(*checked);
    s.created_at = before->created_at;
    s.updated_at = Now();
    auto r = Q(
        "UPDATE stories SET author_id = $3, team_id = $4, measure_id = $5, title = $6, body = $7, "
        "learning = $8, state = $9, findings_json = $10, moderation_note = $11, updated_at = $12, "
        "submitted_at = $13, published_at = $14, closed_at = $15, purged = $16 "
        "WHERE org_id = $1 AND id = $2",
        {s.org.value, s.id.value, s.author.value, OptId(s.team), OptId(s.measure),
         std::string_view(s.title), std::string_view(s.text), std::string_view(s.learning),
         domain::Name(s.state), std::string_view(s.findings_json),
         std::string_view(s.moderation_note), s.updated_at, Opt(s.submitted_at),
         Opt(s.published_at), Opt(s.closed_at), Flag(s.purged)});
    if (!r) return tl::unexpected(r.error());
    if (auto w = WriteStorySubjects(s); !w) return tl::unexpected(w.error());
    // The index follows the state: published stories only.
    auto x = s.state == StoryState::kPublished
                 ? IndexStory(s.org, s.id, s.title, s.text, s.learning)
                 : UnindexStory(s.org, s.id);
    if (!x) return tl::unexpected(x.error());
    if (auto a = Audit(actor, s.org, "story." + std::string(verb), "story", s.id.value,
                       Json(*before), Json(s));
        !a) {
      return tl::unexpected(a.error());
    }
    return StoryRow(s.org, s.id);
  });
}

Result<Story> SqlStore::GetStory(OrgId org, StoryId story) {
  return InRead([&] { return StoryRow(org, story); });
}

Result<std::vector<Story>> SqlStore::ListStories(OrgId org, const StoryQuery& query) {
  return InRead([&]() -> Result<std::vector<Story>> {
    std::vector<Story> out;
    std::vector<Param> params = {org.value};
    // Every string a parameter points into must live until the statement has run.
    std::vector<std::string> states;
    std::string search;
    // The page's ids are chosen first, sorting only small rows, then their stories are read.
    std::string sql = "SELECT s.id FROM stories s WHERE s.org_id = $1";
    const auto next = [&](Param p) {
      params.push_back(p);
      return "$" + Num(static_cast<int64_t>(params.size()));
    };
    const auto list = [&](const auto& ids) {
      std::string text;
      for (const auto& id : Distinct(ids)) {
        if (!text.empty()) text += ", ";
        text += next(id.value);
      }
      return text;
    };
    if (!query.states.empty()) {
      std::string text;
      for (StoryState state : query.states) {
        if (!text.empty()) text += ", ";
        text += next(domain::Name(state));
      }
      sql += " AND s.state IN (" + text + ")";
    }
    if (query.author) sql += " AND s.author_id = " + next(query.author->value);
    if (!query.about_people.empty()) {
      sql +=
          " AND EXISTS (SELECT 1 FROM story_people p WHERE p.org_id = s.org_id AND "
          "p.story_id = s.id AND p.person_id IN (" +
          list(query.about_people) + "))";
    }
    if (!query.teams.empty()) {
      const std::string teams = list(query.teams);
      sql += " AND (s.team_id IN (" + teams +
             ") OR EXISTS (SELECT 1 FROM story_teams t WHERE t.org_id = s.org_id AND "
             "t.story_id = s.id AND t.team_id IN (" +
             teams + ")))";
    }
    const auto tagged = [&](TagId tag, domain::TagKind kind) {
      return " AND EXISTS (SELECT 1 FROM story_tags g JOIN tags t ON t.org_id = g.org_id AND "
             "t.id = g.tag_id WHERE g.org_id = s.org_id AND g.story_id = s.id AND g.tag_id = " +
             next(tag.value) + " AND t.kind = " + next(domain::Name(kind)) + ")";
    };
    if (query.value) sql += tagged(*query.value, domain::TagKind::kValue);
    if (query.behaviour) sql += tagged(*query.behaviour, domain::TagKind::kBehaviour);
    if (query.published_from) sql += " AND s.published_at >= " + next(*query.published_from);
    if (query.published_to) sql += " AND s.published_at < " + next(*query.published_to);
    if (query.submitted_before) sql += " AND s.submitted_at < " + next(*query.submitted_before);
    if (!query.words.empty()) {
      const std::vector<std::string> words = SearchWords(query.words);
      if (words.empty()) {
        // Nothing searchable (only punctuation): every indexed story matches, that is, the
        // published ones.
        sql += " AND s.state = " + next(domain::Name(StoryState::kPublished));
      } else {
        search = StorySearchQuery(words);
        sql += " AND " + StorySearchCondition(next(std::string_view(search)));
      }
    }
    const std::string order =
        " ORDER BY (s.published_at IS NULL), s.published_at DESC, s.updated_at DESC, s.id DESC";
    sql += order;
    const int64_t limit =
        query.limit > 0 ? int64_t{query.limit} : std::numeric_limits<int64_t>::max();
    sql += " LIMIT " + next(limit);
    sql += " OFFSET " + next(int64_t{std::max(query.offset, 0)});
    sql = "SELECT " ES_STORY_COLS " FROM stories s WHERE s.org_id = $1 AND s.id IN (" + sql + ")" +
          order;
    auto r = Run(sql, params);
    if (!r) return tl::unexpected(r.error());
    out.reserve(r->size());
    for (size_t i = 0; i < r->size(); ++i) out.push_back(ReadStory(*r, i));
    if (auto f = FillStories(org, out); !f) return tl::unexpected(f.error());
    return out;
  });
}

// --- Consents, acknowledgements and thanks.

Result<Consent> SqlStore::SetConsent(const Actor& actor, OrgId org, StoryId story, PersonId person,
                                     ConsentState state) {
  return InWrite([&]() -> Result<Consent> {
    auto s = Q("SELECT id FROM stories WHERE org_id = $1 AND id = $2", {org.value, story.value});
    if (!s) return tl::unexpected(s.error());
    if (s->empty()) {
      return Fail(StoreErrorCode::kNotFound, "story " + Num(story.value) + " not found", "story");
    }
    auto named =
        Q("SELECT person_id FROM story_people WHERE org_id = $1 AND story_id = $2 AND "
          "person_id = $3",
          {org.value, story.value, person.value});
    if (!named) return tl::unexpected(named.error());
    if (named->empty()) {
      return Fail(StoreErrorCode::kInvalid,
                  "person " + Num(person.value) + " is not named in story " + Num(story.value),
                  "person");
    }
    auto existing =
        Q("SELECT state, decided_at FROM story_consents WHERE org_id = $1 AND story_id = $2 AND "
          "person_id = $3",
          {org.value, story.value, person.value});
    if (!existing) return tl::unexpected(existing.error());
    std::optional<Consent> before;
    if (!existing->empty()) {
      before = Consent{
          person, domain::ParseConsentState(existing->Text(0, 0)).value_or(ConsentState::kPending),
          existing->OptInt(0, 1)};
      if (before->state == state) return *before;  // no change, no audit entry
    }
    Consent c{person, state, std::nullopt};
    if (state != ConsentState::kPending) c.decided_at = Now();
    auto r =
        Q("INSERT INTO story_consents (org_id, story_id, person_id, state, decided_at) "
          "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (org_id, story_id, person_id) DO UPDATE SET "
          "state = excluded.state, decided_at = excluded.decided_at",
          {org.value, story.value, person.value, domain::Name(state), Opt(c.decided_at)});
    if (!r) return tl::unexpected(r.error());
    if (auto a = Audit(actor, org, "story.consent", "story", story.value,
                       before ? Json(story, *before) : std::string(), Json(story, c));
        !a) {
      return tl::unexpected(a.error());
    }
    return c;
  });
}

Result<void> SqlStore::ClearConsents(const Actor& actor, OrgId org, StoryId story) {
  return InWrite([&]() -> Result<void> {
    auto s = Q("SELECT id FROM stories WHERE org_id = $1 AND id = $2", {org.value, story.value});
    if (!s) return tl::unexpected(s.error());
    if (s->empty()) {
      return Fail(StoreErrorCode::kNotFound, "story " + Num(story.value) + " not found", "story");
    }
    auto r =
        Q("DELETE FROM story_consents WHERE org_id = $1 AND story_id = $2 RETURNING person_id, "
          "state",
          {org.value, story.value});
    if (!r) return tl::unexpected(r.error());
    if (r->empty()) return {};  // nothing to clear: no change, no audit entry
    std::vector<std::pair<int64_t, std::string>> removed;
    for (size_t i = 0; i < r->size(); ++i) removed.emplace_back(r->Int(i, 0), r->Text(i, 1));
    std::sort(removed.begin(), removed.end());
    std::string consents = "[";
    for (const auto& [person, state] : removed) {
      if (consents.size() > 1) consents += ',';
      consents += JsonObject().Int("person", person).Str("state", state).Take();
    }
    consents += ']';
    return Audit(actor, org, "story.clear_consents", "story", story.value,
                 JsonObject().Int("story", story.value).Raw("consents", consents).Take(),
                 JsonObject().Int("story", story.value).Raw("consents", "[]").Take());
  });
}

Result<Acknowledgement> SqlStore::AddAcknowledgement(const Actor& actor, OrgId org, StoryId story,
                                                     const Acknowledgement& ack) {
  return InWrite([&]() -> Result<Acknowledgement> {
    if (auto ok = domain::ValidateText("note", ack.note); !ok) return FromDomain(ok.error());
    auto s = Q("SELECT id FROM stories WHERE org_id = $1 AND id = $2", {org.value, story.value});
    if (!s) return tl::unexpected(s.error());
    if (s->empty()) {
      return Fail(StoreErrorCode::kNotFound, "story " + Num(story.value) + " not found", "story");
    }
    if (auto ok = CheckStoryPerson(org, ack.manager, "manager"); !ok) {
      return tl::unexpected(ok.error());
    }
    const std::string conflict = "person " + Num(ack.manager.value) + " has acknowledged story " +
                                 Num(story.value) + " already";
    auto existing =
        Q("SELECT manager_id FROM story_acknowledgements WHERE org_id = $1 AND story_id = $2 "
          "AND manager_id = $3",
          {org.value, story.value, ack.manager.value});
    if (!existing) return tl::unexpected(existing.error());
    if (!existing->empty()) return Fail(StoreErrorCode::kConflict, conflict, "manager");
    Acknowledgement a = ack;
    a.at = Now();
    auto r =
        Q("INSERT INTO story_acknowledgements (org_id, story_id, manager_id, note, "
          "wellbeing_checked, acknowledged_at) VALUES ($1, $2, $3, $4, $5, $6)",
          {org.value, story.value, a.manager.value, std::string_view(a.note),
           Flag(a.wellbeing_checked), a.at});
    if (!r)
      return tl::unexpected(Explain(r.error(), StoreErrorCode::kConflict, conflict, "manager"));
    // The note stays out of the log, like the story's own words.
    if (auto e = Audit(actor, org, "story.acknowledge", "story", story.value, "",
                       JsonObject()
                           .Int("story", story.value)
                           .Int("manager", a.manager.value)
                           .Bool("wellbeing_checked", a.wellbeing_checked)
                           .Bool("note", !a.note.empty())
                           .Int("at", a.at)
                           .Take());
        !e) {
      return tl::unexpected(e.error());
    }
    return a;
  });
}

Result<Thanks> SqlStore::AddThanks(const Actor& actor, OrgId org, StoryId story,
                                   const Thanks& thanks) {
  return InWrite([&]() -> Result<Thanks> {
    if (auto ok = domain::ValidateText("note", thanks.note); !ok) return FromDomain(ok.error());
    auto s = Q("SELECT id FROM stories WHERE org_id = $1 AND id = $2", {org.value, story.value});
    if (!s) return tl::unexpected(s.error());
    if (s->empty()) {
      return Fail(StoreErrorCode::kNotFound, "story " + Num(story.value) + " not found", "story");
    }
    if (auto ok = CheckStoryPerson(org, thanks.person, "person"); !ok) {
      return tl::unexpected(ok.error());
    }
    const std::string conflict = "person " + Num(thanks.person.value) + " has thanked story " +
                                 Num(story.value) + " already";
    auto existing =
        Q("SELECT person_id FROM story_thanks WHERE org_id = $1 AND story_id = $2 AND "
          "person_id = $3",
          {org.value, story.value, thanks.person.value});
    if (!existing) return tl::unexpected(existing.error());
    if (!existing->empty()) return Fail(StoreErrorCode::kConflict, conflict, "person");
    Thanks t = thanks;
    t.at = Now();
    auto r =
        Q("INSERT INTO story_thanks (org_id, story_id, person_id, note, thanked_at) "
          "VALUES ($1, $2, $3, $4, $5)",
          {org.value, story.value, t.person.value, std::string_view(t.note), t.at});
    if (!r)
      return tl::unexpected(Explain(r.error(), StoreErrorCode::kConflict, conflict, "person"));
    if (auto e = Audit(actor, org, "story.thank", "story", story.value, "",
                       JsonObject()
                           .Int("story", story.value)
                           .Int("person", t.person.value)
                           .Bool("note", !t.note.empty())
                           .Int("at", t.at)
                           .Take());
        !e) {
      return tl::unexpected(e.error());
    }
    return t;
  });
}

// --- Retention.

Result<int64_t> SqlStore::PurgeStories(const Actor& actor, OrgId org, int64_t closed_before) {
  return InWrite([&]() -> Result<int64_t> {
    if (auto o = GetOrganisation(org); !o) return tl::unexpected(o.error());
    auto due =
        Q("SELECT " ES_STORY_COLS
          " FROM stories s WHERE s.org_id = $1 AND s.purged = 0 AND s.state IN " ES_CLOSED_STATES
          " AND s.closed_at IS NOT NULL AND s.closed_at < $2 ORDER BY s.id",
          {org.value, closed_before});
    if (!due) return tl::unexpected(due.error());
    std::vector<Story> stories;
    for (size_t i = 0; i < due->size(); ++i) stories.push_back(ReadStory(*due, i));
    if (auto f = FillStories(org, stories); !f) return tl::unexpected(f.error());
    const int64_t now = Now();
    for (const Story& before : stories) {
      auto u =
          Q("UPDATE stories SET title = '', body = '', learning = '', findings_json = '', "
            "purged = 1, updated_at = $3 WHERE org_id = $1 AND id = $2",
            {org.value, before.id.value, now});
      if (!u) return tl::unexpected(u.error());
      if (auto x = UnindexStory(org, before.id); !x) return tl::unexpected(x.error());
      Story after = before;
      after.title.clear();
      after.text.clear();
      after.learning.clear();
      after.findings_json.clear();
      after.purged = true;
      after.updated_at = now;
      if (auto a =
              Audit(actor, org, "story.purge", "story", before.id.value, Json(before), Json(after));
          !a) {
        return tl::unexpected(a.error());
      }
    }
    return static_cast<int64_t>(stories.size());
  });
}

Result<int> SqlStore::GetStoryRetentionDays(OrgId org) {
  return InRead([&]() -> Result<int> {
    if (auto o = GetOrganisation(org); !o) return tl::unexpected(o.error());
    auto r = Q("SELECT story_retention_days FROM org_settings WHERE org_id = $1", {org.value});
    if (!r) return tl::unexpected(r.error());
    if (r->empty()) return kDefaultRetentionDays;
    return static_cast<int>(r->Int(0, 0));
  });
}

Result<void> SqlStore::SetStoryRetentionDays(const Actor& actor, OrgId org, int days) {
  return InWrite([&]() -> Result<void> {
    if (days < 0 || days > kMaxRetentionDays) {
      return Fail(StoreErrorCode::kInvalid,
                  "retention_days must be from 0 to " + Num(kMaxRetentionDays), "retention_days");
    }
    auto before = GetStoryRetentionDays(org);
    if (!before) return tl::unexpected(before.error());
    if (*before == days) return {};  // no change, no audit entry
    auto r =
        Q("INSERT INTO org_settings (org_id, story_retention_days, updated_at) VALUES ($1, $2, $3) "
          "ON CONFLICT (org_id) DO UPDATE SET story_retention_days = "
          "excluded.story_retention_days, updated_at = excluded.updated_at",
          {org.value, int64_t{days}, Now()});
    if (!r) return tl::unexpected(r.error());
    return Audit(actor, org, "organisation.story_retention", "organisation", org.value,
                 RetentionJson(*before), RetentionJson(days));
  });
}

// --- Reflections and replies.

Result<Reflection> SqlStore::ReflectionRow(OrgId org, ReflectionId reflection) {
  auto r = Q("SELECT " ES_REFLECTION_COLS " FROM reflections WHERE org_id = $1 AND id = $2",
             {org.value, reflection.value});
  if (!r) return tl::unexpected(r.error());
  if (r->empty()) {
    return Fail(StoreErrorCode::kNotFound, "reflection " + Num(reflection.value) + " not found",
                "reflection");
  }
  return ReadReflection(*r, 0);
}

Result<Reply> SqlStore::ReplyRow(OrgId org, ReplyId reply) {
  auto r = Q("SELECT " ES_REPLY_COLS " FROM replies WHERE org_id = $1 AND id = $2",
             {org.value, reply.value});
  if (!r) return tl::unexpected(r.error());
  if (r->empty()) {
    return Fail(StoreErrorCode::kNotFound, "reply " + Num(reply.value) + " not found", "reply");
  }
  return ReadReply(*r, 0);
}

Result<Reflection> SqlStore::CreateReflection(const Actor& actor, const Reflection& reflection) {
  return InWrite([&]() -> Result<Reflection> {
    if (auto o = GetOrganisation(reflection.org); !o) return tl::unexpected(o.error());
    if (auto ok = CheckStoryPerson(reflection.org, reflection.author, "author"); !ok) {
      return tl::unexpected(ok.error());
    }
    Reflection x = reflection;
    x.created_at = Now();
    auto r =
        Q("INSERT INTO reflections (org_id, author_id, title, learned, got_wrong, changed, "
          "created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
          {x.org.value, x.author.value, std::string_view(x.title), std::string_view(x.learned),
           std::string_view(x.got_wrong), std::string_view(x.changed), x.created_at});
    if (!r) return tl::unexpected(r.error());
    x.id = ReflectionId(r->Int(0, 0));
    if (auto a = Audit(actor, x.org, "reflection.create", "reflection", x.id.value, "", Json(x));
        !a) {
      return tl::unexpected(a.error());
    }
    return x;
  });
}

Result<Reflection> SqlStore::GetReflection(OrgId org, ReflectionId reflection) {
  return InRead([&] { return ReflectionRow(org, reflection); });
}

Result<std::vector<Reflection>> SqlStore::ListReflections(OrgId org, int limit, int offset) {
  return InRead([&]() -> Result<std::vector<Reflection>> {
    const int64_t n = limit > 0 ? int64_t{limit} : std::numeric_limits<int64_t>::max();
    auto r = Q("SELECT " ES_REFLECTION_COLS
               " FROM reflections WHERE org_id = $1 ORDER BY created_at DESC, id DESC "
               "LIMIT $2 OFFSET $3",
               {org.value, n, int64_t{std::max(offset, 0)}});
    if (!r) return tl::unexpected(r.error());
    std::vector<Reflection> out;
    out.reserve(r->size());
    for (size_t i = 0; i < r->size(); ++i) out.push_back(ReadReflection(*r, i));
    return out;
  });
}

Result<Reply> SqlStore::AddReply(const Actor& actor, const Reply& reply) {
  return InWrite([&]() -> Result<Reply> {
    if (auto x = ReflectionRow(reply.org, reply.reflection); !x) return tl::unexpected(x.error());
    if (auto ok = CheckStoryPerson(reply.org, reply.author, "author"); !ok) {
      return tl::unexpected(ok.error());
    }
    Reply x;
    x.org = reply.org;
    x.reflection = reply.reflection;
    x.author = reply.author;
    x.text = reply.text;
    x.created_at = Now();
    auto r = Q(
        "INSERT INTO replies (org_id, reflection_id, author_id, body, created_at, hidden_at, "
        "hidden_by, hidden_reason) VALUES ($1, $2, $3, $4, $5, NULL, NULL, '') RETURNING id",
        {x.org.value, x.reflection.value, x.author.value, std::string_view(x.text), x.created_at});
    if (!r) return tl::unexpected(r.error());
    x.id = ReplyId(r->Int(0, 0));
    if (auto a = Audit(actor, x.org, "reply.create", "reply", x.id.value, "", Json(x)); !a) {
      return tl::unexpected(a.error());
    }
    return x;
  });
}

Result<std::vector<Reply>> SqlStore::ListReplies(OrgId org, ReflectionId reflection) {
  return InRead([&]() -> Result<std::vector<Reply>> {
    if (auto x = ReflectionRow(org, reflection); !x) return tl::unexpected(x.error());
    auto r = Q("SELECT " ES_REPLY_COLS
               " FROM replies WHERE org_id = $1 AND reflection_id = $2 ORDER BY created_at, id",
               {org.value, reflection.value});
    if (!r) return tl::unexpected(r.error());
    std::vector<Reply> out;
    out.reserve(r->size());
    for (size_t i = 0; i < r->size(); ++i) out.push_back(ReadReply(*r, i));
    return out;
  });
}

Result<Reply> SqlStore::HideReply(const Actor& actor, OrgId org, ReplyId reply, PersonId moderator,
                                  std::string_view reason) {
  return InWrite([&]() -> Result<Reply> {
    if (IsBlank(reason)) {
      return Fail(StoreErrorCode::kInvalid, "reason is empty: say why the reply is hidden",
                  "reason");
    }
    if (auto ok = domain::ValidateText("reason", reason); !ok) return FromDomain(ok.error());
    auto before = ReplyRow(org, reply);
    if (!before) return tl::unexpected(before.error());
    if (before->hidden_at) {
      return Fail(StoreErrorCode::kConflict, "reply " + Num(reply.value) + " is hidden already",
                  "reply");
    }
    if (auto ok = CheckStoryPerson(org, moderator, "moderator"); !ok) {
      return tl::unexpected(ok.error());
    }
    Reply after = *before;
    after.hidden_at = Now();
    after.hidden_by = moderator;
    after.hidden_reason = std::string(reason);
    auto r =
        Q("UPDATE replies SET hidden_at = $3, hidden_by = $4, hidden_reason = $5 WHERE org_id = $1 "
          "AND id = $2 AND hidden_at IS NULL RETURNING id",
          {org.value, reply.value, *after.hidden_at, moderator.value, reason});
    if (!r) return tl::unexpected(r.error());
    if (r->empty()) {
      return Fail(StoreErrorCode::kConflict, "reply " + Num(reply.value) + " is hidden already",
                  "reply");
    }
    if (auto a = Audit(actor, org, "reply.hide", "reply", reply.value, Json(*before), Json(after));
        !a) {
      return tl::unexpected(a.error());
    }
    return after;
  });
}

Result<std::vector<Reply>> SqlStore::ListRepliesBy(OrgId org, PersonId author) {
  return InRead([&]() -> Result<std::vector<Reply>> {
    auto r = Q("SELECT " ES_REPLY_COLS
               " FROM replies WHERE org_id = $1 AND author_id = $2 ORDER BY created_at, id",
               {org.value, author.value});
    if (!r) return tl::unexpected(r.error());
    std::vector<Reply> out;
    out.reserve(r->size());
    for (size_t i = 0; i < r->size(); ++i) out.push_back(ReadReply(*r, i));
    return out;
  });
}

#undef ES_STORY_COLS
#undef ES_REFLECTION_COLS
#undef ES_REPLY_COLS
#undef ES_CLOSED_STATES

}  // namespace everyseat::store::detail
