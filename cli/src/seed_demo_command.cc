// everyseat seed-demo: makes the demo organisation (demo_organisation.h) in a database, unless an
// organisation of its name is there already, and prints the demo sign-ins.
//
//   everyseat seed-demo --db URL [--data FILE] [--today YYYY-MM-DD]
//
// Everything is written in one store transaction: the organisation, its team tree, the people
// (with line managers, team memberships, organisation roles and the one demo password, hashed
// once with argon2id), the measures, their values (Store::AppendObservations) and annotations,
// then the stories of leadership and the leaders' reflections (demo_stories.h) with their
// consents, acknowledgements, thanks and replies, dated in the past as the data says.
// A failure leaves nothing. When the organisation exists already nothing is written, and the
// sign-ins are printed all the same: `make demo` runs it on every start. (A demo organisation
// made before there were stories, with no story and no reflection, gets the stories alone, in one
// transaction, when it has every person they name; otherwise it is left as it is.)
//
// Errors: exit status 2 and one line on standard error, "everyseat seed-demo: reason" (or
// "FILE:LINE: reason" for a problem in the A&E data file).
// Thread-safety: owns the process while it runs.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "admin.h"
#include "args.h"
#include "commands.h"
#include "demo_organisation.h"
#include "demo_stories.h"
#include "everyseat/domain/secrets.h"
#include "everyseat/domain/story.h"
#include "everyseat/domain/validate.h"
#include "files.h"

namespace everyseat::cli {
namespace {

constexpr std::string_view kCommand = "seed-demo";

constexpr std::string_view kUsage =
    "usage: everyseat seed-demo --db URL [--data FILE] [--today YYYY-MM-DD]\n"
    "\n"
    "Makes the demo organisation, Northshire Community Health NHS Trust (fictional), in one\n"
    "transaction: its teams, people (sign-ins at northshire.example, one shared password), and\n"
    "each team's measures with at least two years of synthetic values ending at the last complete\n"
    "period before --today (default: today), plus the A&E 4-hour performance of the six largest\n"
    "type 1 trusts from the real NHS England data in FILE (default data/ae_attendances.csv).\n"
    "Then the stories of leadership from every seat (the twelve examples of the post everyseat\n"
    "was created from) and three leaders' reflections with replies.\n"
    "When the organisation exists already nothing is changed. Prints the demo sign-ins.\n"
    "--db is sqlite:PATH, postgresql://USER@HOST/DB or postgresql:CONNINFO.\n"
    "Exit status: 0 success (or nothing to do), 2 error (nothing is changed).\n";

// Rows given to one AppendObservations call.
constexpr size_t kObservationChunk = 10000;

struct Totals {
  size_t teams = 0;
  size_t people = 0;
  size_t measures = 0;
  size_t values = 0;
  size_t annotations = 0;
  size_t stories = 0;
  size_t reflections = 0;
  size_t replies = 0;
};

// The team path below the organisation as segments for TeamDirectory.
std::vector<std::string> Segments(std::string_view path) {
  auto segments = CheckTeamPath(std::string(demo::kOrganisationName) + "/" + std::string(path),
                                demo::kOrganisationName);
  return segments ? std::move(*segments) : std::vector<std::string>();
}

// The stories and reflections of demo_stories.h, inside the caller's transaction, once the
// people, teams and measures they name are in the organisation (found by email, path and name).
// Each story goes the way a real one does: made a draft by its author, submitted, each person
// named asked for consent (given, or still pending for the one awaiting it), published, then
// acknowledged by line managers and thanked; submitted and published days before `today` as the
// seed says (the store dates consents, acknowledgements, thanks, reflections and replies itself,
// now). Adds the counts to `totals`.
Outcome<void> WriteStories(store::Store& store, domain::OrgId org, std::chrono::sys_days today,
                           Totals& totals) {
  const domain::Actor system = domain::Actor::System("seed-demo");
  const auto by = [](domain::PersonId person) { return domain::Actor::Of(person, "seed-demo"); };
  const auto failed = [](std::string_view what, const store::StoreError& error) {
    return tl::unexpected(std::string(what) + ": " + Describe(error));
  };

  auto listed_people = store.ListPeople(org);
  if (!listed_people) return failed("people", listed_people.error());
  std::unordered_map<std::string, domain::PersonId> people;
  for (const domain::Person& p : *listed_people) people.emplace(p.email, p.id);
  const auto person = [&](const std::string& email) -> Outcome<domain::PersonId> {
    auto found = people.find(email);
    if (found == people.end()) return tl::unexpected("no person " + email + " for the stories");
    return found->second;
  };

  auto listed_teams = store.ListTeams(org);
  if (!listed_teams) return failed("teams", listed_teams.error());
  std::unordered_map<std::string, domain::TeamId> teams;
  for (const domain::Team& t : *listed_teams) teams.emplace(t.path, t.id);
  const auto team = [&](const std::string& path) -> Outcome<domain::TeamId> {
    auto found = teams.find(std::string(demo::kOrganisationName) + "/" + path);
    if (found == teams.end()) return tl::unexpected("no team '" + path + "' for the stories");
    return found->second;
  };
  const auto measure = [&](domain::TeamId owner,
                           const std::string& name) -> Outcome<domain::MeasureId> {
    auto measures = store.ListMeasures(org, owner);
    if (!measures) return failed("measures", measures.error());
    for (const domain::Measure& m : *measures) {
      if (m.name == name) return m.id;
    }
    return tl::unexpected("no measure '" + name + "' for the stories");
  };

  std::unordered_map<std::string, domain::TagId> tags[2];
  const domain::TagKind kinds[2] = {domain::TagKind::kValue, domain::TagKind::kBehaviour};
  for (size_t k = 0; k < 2; ++k) {
    auto listed = store.ListTags(org, kinds[k], false);
    if (!listed) return failed("values and behaviours", listed.error());
    for (const domain::Tag& t : *listed) tags[k].emplace(t.name, t.id);
  }
  const auto tag = [&](size_t k, const std::string& name) -> Outcome<domain::TagId> {
    auto found = tags[k].find(name);
    if (found == tags[k].end()) return tl::unexpected("no value or behaviour '" + name + "'");
    return found->second;
  };

  constexpr int64_t kDay = 86400;
  int minute = 0;  // a few minutes apart, so that no two things happen at the same second
  for (const demo::StorySeed& seed : demo::Stories()) {
    minute += 7;
    domain::Story story;
    story.org = org;
    auto author = person(seed.author);
    if (!author) return tl::unexpected(author.error());
    story.author = *author;
    std::vector<domain::PersonId> asked;  // the people named but the author
    for (const std::string& email : seed.people) {
      auto named = person(email);
      if (!named) return tl::unexpected(named.error());
      story.people.push_back(*named);
      if (*named != *author) asked.push_back(*named);
    }
    for (const std::string& path : seed.teams) {
      auto named = team(path);
      if (!named) return tl::unexpected(named.error());
      story.teams.push_back(*named);
    }
    if (!seed.team.empty()) {
      auto owner = team(seed.team);
      if (!owner) return tl::unexpected(owner.error());
      story.team = *owner;
      if (!seed.measure.empty()) {
        auto moved = measure(*owner, seed.measure);
        if (!moved) return tl::unexpected(moved.error());
        story.measure = *moved;
      }
    }
    story.title = seed.title;
    story.text = seed.text;
    story.learning = seed.learning;
    for (size_t k = 0; k < 2; ++k) {
      for (const std::string& name : k == 0 ? seed.values : seed.behaviours) {
        auto id = tag(k, name);
        if (!id) return tl::unexpected(id.error());
        (k == 0 ? story.values : story.behaviours).push_back(*id);
      }
    }
    const std::string what = "story '" + seed.title + "'";
    auto made = store.CreateStory(by(*author), story);
    if (!made) return failed(what, made.error());
    story = std::move(*made);

    // Submitted the day before publication (the consents take a day), or on the day when
    // awaiting consent or when nobody is asked.
    const int64_t published = demo::DaysBefore(today, seed.days_ago, 10 * 60 + minute);
    const bool wait_a_day = !asked.empty() && !seed.awaiting_consent;
    story.submitted_at =
        demo::DaysBefore(today, seed.days_ago + (wait_a_day ? 1 : 0), 9 * 60 + minute);
    if (!asked.empty()) {
      story.state = domain::StoryState::kAwaitingConsent;
      auto submitted = store.UpdateStory(by(*author), story, "submit");
      if (!submitted) return failed(what, submitted.error());
      story = std::move(*submitted);
      for (domain::PersonId p : asked) {
        auto consent =
            seed.awaiting_consent
                ? store.SetConsent(by(*author), org, story.id, p, domain::ConsentState::kPending)
                : store.SetConsent(by(p), org, story.id, p, domain::ConsentState::kGiven);
        if (!consent) return failed(what + ": consent", consent.error());
      }
    }
    if (!seed.awaiting_consent) {
      story.state = domain::StoryState::kPublished;
      story.published_at = published;
      auto done = store.UpdateStory(asked.empty() ? by(*author) : system, story, "publish");
      if (!done) return failed(what, done.error());
      story = std::move(*done);
    }
    for (const demo::AcknowledgementSeed& a : seed.acknowledgements) {
      auto manager = person(a.manager);
      if (!manager) return tl::unexpected(manager.error());
      const domain::Acknowledgement ack{*manager, a.note, a.wellbeing_checked,
                                        published + a.days_after * kDay + 3 * 3600};
      if (auto added = store.AddAcknowledgement(by(*manager), org, story.id, ack); !added) {
        return failed(what + ": acknowledgement", added.error());
      }
    }
    for (const demo::ThanksSeed& t : seed.thanks) {
      auto thanking = person(t.person);
      if (!thanking) return tl::unexpected(thanking.error());
      const domain::Thanks thanks{*thanking, t.note, published + t.days_after * kDay + 5 * 3600};
      if (auto added = store.AddThanks(by(*thanking), org, story.id, thanks); !added) {
        return failed(what + ": thanks", added.error());
      }
    }
    ++totals.stories;
  }

  for (const demo::ReflectionSeed& seed : demo::Reflections()) {
    auto author = person(seed.author);
    if (!author) return tl::unexpected(author.error());
    domain::Reflection reflection;
    reflection.org = org;
    reflection.author = *author;
    reflection.title = seed.title;
    reflection.learned = seed.learned;
    reflection.got_wrong = seed.got_wrong;
    reflection.changed = seed.changed;
    const std::string what = "reflection '" + seed.title + "'";
    auto made = store.CreateReflection(by(*author), reflection);
    if (!made) return failed(what, made.error());
    ++totals.reflections;
    for (const demo::ReplySeed& r : seed.replies) {
      auto replying = person(r.author);
      if (!replying) return tl::unexpected(replying.error());
      domain::Reply reply;
      reply.org = org;
      reply.reflection = made->id;
      reply.author = *replying;
      reply.text = r.text;
      if (auto added = store.AddReply(by(*replying), reply); !added) {
        return failed(what + ": reply", added.error());
      }
      ++totals.replies;
    }
  }
  return {};
}

// Whether the organisation has any story or reflection.
Outcome<bool> HasStories(store::Store& store, domain::OrgId org) {
  store::StoryQuery query;
  query.limit = 1;
  auto stories = store.ListStories(org, query);
  if (!stories) return tl::unexpected("stories: " + Describe(stories.error()));
  auto reflections = store.ListReflections(org, 1, 0);
  if (!reflections) return tl::unexpected("reflections: " + Describe(reflections.error()));
  return !stories->empty() || !reflections->empty();
}

// The writes, inside the caller's transaction.
Outcome<Totals> Write(store::Store& store, const demo::OrganisationSeed& seed,
                      const std::vector<demo::MeasureSeed>& ae, const std::string& hash,
                      std::chrono::sys_days today) {
  const domain::Actor actor = domain::Actor::System("seed-demo");
  const auto failed = [](std::string_view what, const store::StoreError& error) {
    return tl::unexpected(std::string(what) + ": " + Describe(error));
  };
  Totals totals;
  auto org = store.CreateOrganisation(actor, demo::kOrganisationName);
  if (!org) return failed("organisation", org.error());

  auto directory = TeamDirectory::Load(store, *org);
  if (!directory) return tl::unexpected(directory.error());
  std::unordered_map<std::string, domain::TeamId> teams;
  for (const std::string& path : seed.teams) {
    const std::vector<std::string> segments = Segments(path);
    if (segments.empty()) return tl::unexpected("bad team path '" + path + "'");
    auto team = directory->Ensure(actor, segments);
    if (!team) return failed("team " + path, team.error());
    teams.emplace(path, *team);
  }
  totals.teams = static_cast<size_t>(directory->created());
  const auto team_of = [&](const std::string& path) -> Outcome<domain::TeamId> {
    auto found = teams.find(path);
    if (found == teams.end()) return tl::unexpected("no team '" + path + "' in the demo tree");
    return found->second;
  };

  std::unordered_map<std::string, domain::PersonId> people;
  for (const demo::PersonSeed& p : seed.people) {
    domain::Person person;
    person.org = org->id;
    person.name = p.name;
    person.email = p.email;
    person.job_title = p.job_title;
    person.staff_group = p.staff_group;
    if (!p.manager.empty()) {
      auto manager = people.find(p.manager);
      if (manager == people.end())
        return tl::unexpected("line manager " + p.manager + " not yet made");
      person.line_manager = manager->second;
    }
    auto made = store.CreatePerson(actor, person);
    if (!made) return failed("person " + p.email, made.error());
    people.emplace(p.email, made->id);
    auto team = team_of(p.team);
    if (!team) return tl::unexpected(team.error());
    const domain::Membership membership{
        made->id, *team, p.lead ? domain::TeamRole::kLead : domain::TeamRole::kMember};
    if (auto set = store.SetMembership(actor, org->id, membership); !set) {
      return failed("membership of " + p.email, set.error());
    }
    for (domain::OrgRole role : p.roles) {
      if (auto granted = store.GrantRole(actor, org->id, made->id, role); !granted) {
        return failed("role of " + p.email, granted.error());
      }
    }
    if (auto set = store.SetPasswordHash(actor, org->id, made->id, hash); !set) {
      return failed("password of " + p.email, set.error());
    }
  }
  totals.people = people.size();

  std::vector<const demo::MeasureSeed*> measures;
  for (const demo::MeasureSeed& m : seed.measures) measures.push_back(&m);
  for (const demo::MeasureSeed& m : ae) measures.push_back(&m);
  std::vector<domain::ObservationInput> inputs;
  for (const demo::MeasureSeed* m : measures) {
    auto team = team_of(m->team);
    if (!team) return tl::unexpected(team.error());
    domain::Measure wanted = m->measure;
    wanted.org = org->id;
    wanted.team = *team;
    auto made = store.CreateMeasure(actor, wanted);
    if (!made) return failed("measure " + wanted.name, made.error());
    ++totals.measures;
    inputs.clear();
    for (const demo::ValueSeed& v : m->values) {
      inputs.push_back(domain::ObservationInput{made->id, v.period, v.value, v.denominator});
    }
    for (size_t first = 0; first < inputs.size(); first += kObservationChunk) {
      const size_t count = std::min(kObservationChunk, inputs.size() - first);
      auto appended =
          store.AppendObservations(actor, org->id, std::span(inputs).subspan(first, count));
      if (!appended) return failed("values of " + wanted.name, appended.error());
      totals.values += *appended;
    }
    for (const demo::NoteSeed& note : m->notes) {
      domain::Annotation annotation;
      annotation.org = org->id;
      annotation.measure = made->id;
      annotation.period = note.period;
      annotation.kind = note.kind;
      annotation.text = note.text;
      if (auto added = store.AddAnnotation(actor, annotation); !added) {
        return failed("annotation of " + wanted.name, added.error());
      }
      ++totals.annotations;
    }
  }
  if (auto stories = WriteStories(store, org->id, today, totals); !stories) {
    return tl::unexpected(stories.error());
  }
  return totals;
}

// "12 stories of leadership and 3 leaders' reflections with 9 replies".
std::string StoryCounts(const Totals& totals) {
  return Count(static_cast<int64_t>(totals.stories), "story", "stories") + " of leadership and " +
         Count(static_cast<int64_t>(totals.reflections), "leader's reflection",
               "leaders' reflections") +
         " with " + Count(static_cast<int64_t>(totals.replies), "reply", "replies");
}

// For a demo organisation made before there were stories: its stories and reflections, in one
// transaction, when it has none yet. Returns the first line to print.
Outcome<std::string> AddMissingStories(store::Store& store, domain::OrgId org,
                                       std::chrono::sys_days today) {
  const std::string unchanged =
      std::string(demo::kOrganisationName) + " is in the database already: nothing changed.";
  auto has = HasStories(store, org);
  if (!has) return tl::unexpected(has.error());
  if (*has) return unchanged;
  auto transaction = store.Begin();
  if (!transaction) return tl::unexpected(Describe(transaction.error()));
  has = HasStories(store, org);  // again, inside: another seed-demo may have added them
  if (!has) return tl::unexpected(has.error());
  if (*has) {
    transaction->Rollback();
    return unchanged;
  }
  Totals totals;
  if (auto written = WriteStories(store, org, today, totals); !written) {
    // Made by an older seed-demo without the people the stories name: left as it is.
    transaction->Rollback();
    return unchanged.substr(0, unchanged.size() - 1) +
           " (its demo stories were not added: " + written.error() + ").";
  }
  if (auto committed = transaction->Commit(); !committed) {
    return tl::unexpected(Describe(committed.error()));
  }
  return std::string(demo::kOrganisationName) + " is in the database already: added " +
         StoryCounts(totals) + ".";
}

// Characters of UTF-8 text: the bytes that do not continue a character.
size_t Characters(std::string_view text) {
  return static_cast<size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

// The text followed by spaces up to `width` characters.
std::string Padded(std::string_view text, size_t width) {
  std::string padded(text);
  const size_t characters = Characters(text);
  if (characters < width) padded.append(width - characters, ' ');
  return padded;
}

// The sign-ins by team (in the order of the first person of each), one line per person: role
// (job title, team role, organisation roles), name and email.
std::string SignIns(const demo::OrganisationSeed& seed) {
  std::vector<std::string> teams;
  size_t widths[2] = {0, 0};
  std::vector<std::string> roles;
  for (const demo::PersonSeed& p : seed.people) {
    if (std::find(teams.begin(), teams.end(), p.team) == teams.end()) teams.push_back(p.team);
    std::string role = p.job_title + " (" + (p.lead ? "lead" : "member");
    for (domain::OrgRole r : p.roles) role += ", " + std::string(domain::Name(r));
    role += ")";
    widths[0] = std::max(widths[0], Characters(role));
    widths[1] = std::max(widths[1], Characters(p.name));
    roles.push_back(std::move(role));
  }
  std::string text = "Demo sign-ins (" + std::string(demo::kOrganisationName) +
                     "): every person's password is " + std::string(demo::kPassword) + "\n";
  for (const std::string& team : teams) {
    text += "\n" + team + "\n";
    for (size_t i = 0; i < seed.people.size(); ++i) {
      const demo::PersonSeed& p = seed.people[i];
      if (p.team != team) continue;
      text += "  " + Padded(roles[i], widths[0]) + "  " + Padded(p.name, widths[1]) + "  " +
              p.email + "\n";
    }
  }
  return text;
}

void Print(const std::string& text) { std::fwrite(text.data(), 1, text.size(), stdout); }

}  // namespace

int RunSeedDemo(std::span<const std::string_view> args) {
  if (HasFlag(args, "--help")) {
    std::fwrite(kUsage.data(), 1, kUsage.size(), stdout);
    return 0;
  }
  auto flags = ScanFlags(args, FlagSet{{"db", "data", "today"}, {"help"}});
  if (!flags) return Refuse(kCommand, flags.error());
  std::string db;
  std::string data = "data/ae_attendances.csv";
  std::chrono::sys_days today =
      std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now());
  for (const Flag& flag : *flags) {
    if (flag.value.empty()) {
      return Refuse(kCommand, "--" + std::string(flag.name) + " needs a value");
    }
    if (flag.name == "db") {
      db = flag.value;
    } else if (flag.name == "data") {
      data = flag.value;
    } else {
      auto date = domain::ParseIsoDate(flag.value);
      if (!date) {
        return Refuse(kCommand,
                      "--today '" + std::string(flag.value) + "' is not a date YYYY-MM-DD");
      }
      today = std::chrono::sys_days{std::chrono::days{*date / 86400}};
    }
  }
  if (db.empty()) return Refuse(kCommand, "--db is required");

  auto store = OpenDatabase(db);
  if (!store) return Refuse(kCommand, store.error());
  const demo::OrganisationSeed seed = demo::SyntheticOrganisation(today);
  const std::string exists = std::string(demo::kOrganisationName) +
                             " is in the database already: nothing changed.\n\n" + SignIns(seed);
  auto found = FindOrganisation(**store, demo::kOrganisationName);
  if (!found) return Refuse(kCommand, found.error());
  if (*found) {
    auto added = AddMissingStories(**store, (*found)->id, today);
    if (!added) return Refuse(kCommand, added.error());
    Print(*added + "\n\n" + SignIns(seed));
    return 0;
  }

  auto text = ReadWhole(data);
  if (!text) return Refuse(kCommand, text.error());
  auto ae = demo::AeMeasures(std::move(*text), data);
  if (!ae) {
    std::fprintf(stderr, "%s\n", ae.error().c_str());
    return 2;
  }
  auto hash = domain::HashPassword(demo::kPassword);
  if (!hash) return Refuse(kCommand, "cannot hash the demo password: " + hash.error().message);

  auto transaction = (*store)->Begin();
  if (!transaction) return Refuse(kCommand, Describe(transaction.error()));
  // Looked for again inside the transaction: another seed-demo may have made it meanwhile.
  found = FindOrganisation(**store, demo::kOrganisationName);
  if (!found) return Refuse(kCommand, found.error());
  if (*found) {
    transaction->Rollback();
    Print(exists);
    return 0;
  }
  auto totals = Write(**store, seed, *ae, *hash, today);
  if (!totals) return Refuse(kCommand, totals.error());  // the transaction rolls back
  if (auto committed = transaction->Commit(); !committed) {
    return Refuse(kCommand, Describe(committed.error()));
  }
  Print("Made " + std::string(demo::kOrganisationName) + ": " +
        Count(static_cast<int64_t>(totals->teams), "team", "teams") + ", " +
        Count(static_cast<int64_t>(totals->people), "person", "people") + ", " +
        Count(static_cast<int64_t>(totals->measures), "measure", "measures") + " with " +
        WithCommas(static_cast<int64_t>(totals->values)) + " values and " +
        Count(static_cast<int64_t>(totals->annotations), "annotation", "annotations") + "; " +
        StoryCounts(*totals) + ".\n\n" + SignIns(seed));
  return 0;
}

}  // namespace everyseat::cli
