// everyseat seed-demo: makes the demo organisation (demo_organisation.h) in a database, unless an
// organisation of its name is there already, and prints the demo sign-ins.
//
//   everyseat seed-demo --db URL [--data FILE] [--today YYYY-MM-DD]
//
// Everything is written in one store transaction: the organisation, its team tree, the people
// (with line managers, team memberships, organisation roles and the one demo password, hashed
// once with argon2id), the measures, their values (Store::AppendObservations) and annotations.
// A failure leaves nothing. When the organisation exists already nothing is written, and the
// sign-ins are printed all the same: `make demo` runs it on every start.
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
#include "everyseat/domain/secrets.h"
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
};

// The team path below the organisation as segments for TeamDirectory.
std::vector<std::string> Segments(std::string_view path) {
  auto segments = CheckTeamPath(std::string(demo::kOrganisationName) + "/" + std::string(path),
                                demo::kOrganisationName);
  return segments ? std::move(*segments) : std::vector<std::string>();
}

// The writes, inside the caller's transaction.
Outcome<Totals> Write(store::Store& store, const demo::OrganisationSeed& seed,
                      const std::vector<demo::MeasureSeed>& ae, const std::string& hash) {
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
  return totals;
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
    Print(exists);
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
  auto totals = Write(**store, seed, *ae, *hash);
  if (!totals) return Refuse(kCommand, totals.error());  // the transaction rolls back
  if (auto committed = transaction->Commit(); !committed) {
    return Refuse(kCommand, Describe(committed.error()));
  }
  Print("Made " + std::string(demo::kOrganisationName) + ": " +
        Count(static_cast<int64_t>(totals->teams), "team", "teams") + ", " +
        Count(static_cast<int64_t>(totals->people), "person", "people") + ", " +
        Count(static_cast<int64_t>(totals->measures), "measure", "measures") + " with " +
        WithCommas(static_cast<int64_t>(totals->values)) + " values and " +
        Count(static_cast<int64_t>(totals->annotations), "annotation", "annotations") + ".\n\n" +
        SignIns(seed));
  return 0;
}

}  // namespace everyseat::cli
