// Benchmarks of stories of leadership (issue 5): the patient-detail guard over a story's words,
// and the learning library's full-text search and newest-first page over 10,000 published
// stories in a real SQLite file (WAL) in a temporary directory. With EVERYSEAT_TEST_POSTGRES set
// (scripts/with-postgres), the library runs against PostgreSQL too.
// Run: build/bench/stories_bench (make build first; not part of ctest).
#include <benchmark/benchmark.h>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "everyseat/domain/guard.h"
#include "everyseat/domain/story.h"
#include "everyseat/store/store.h"

namespace {

namespace domain = everyseat::domain;
namespace store = everyseat::store;
using domain::Actor;

// About 150 words, the length of the demo's stories, with no patient details.
constexpr const char* kStory =
    "On the first morning of the snow the roads into Riverside were closed and the buses had "
    "stopped. Liam lives five miles from the health centre. He set off on foot before six, with "
    "the keys, a flask and a torch, and walked the whole way through the drifts so that the doors "
    "would open on time. By eight he had the heating on, the phones answered and a list of the "
    "day's appointments that needed to move. He rang every patient whose visit could not go "
    "ahead, rebooked them for later in the week, and made sure the district nurses knew which of "
    "their housebound patients had no one else checking on them. Two GPs who lived nearby walked "
    "in too, and the centre stayed open all day. He did not tell anyone how far he had walked; we "
    "found out from his neighbour. What others can learn: small acts keep a whole service open.";

// The same story with one detail of each kind for the guard to find.
std::string WithDetails() {
  return std::string(kStory) +
         " The patient John Smith, NHS number 943 476 5919, DOB 12/03/1954, lives at SW1A 1AA.";
}

void GuardCleanStory(benchmark::State& state) {
  const std::string text = kStory;
  for (auto _ : state) {
    auto findings = domain::FindPatientDetails(text);
    benchmark::DoNotOptimize(findings);
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(text.size()));
}
BENCHMARK(GuardCleanStory);

void GuardStoryWithDetails(benchmark::State& state) {
  const std::string text = WithDetails();
  for (auto _ : state) {
    auto findings = domain::FindPatientDetails(text);
    if (findings.size() != 4) state.SkipWithError("the guard did not find the four details");
    benchmark::DoNotOptimize(findings);
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(text.size()));
}
BENCHMARK(GuardStoryWithDetails);

// A store with `count` published stories; one in a hundred mentions "snowdrifts".
struct Library {
  std::unique_ptr<store::Store> db;
  domain::OrgId org;
  std::string dir;
  std::string error;
};

Library MakeLibrary(const std::string& url, int count) {
  Library lib;
  auto opened = store::Store::Open(url, store::Durability::kNormal);
  if (!opened) {
    lib.error = opened.error().message;
    return lib;
  }
  lib.db = std::move(*opened);
  store::Store& db = *lib.db;
  const Actor actor = Actor::System("bench");
  auto org = db.CreateOrganisation(actor, "Bench Trust " + std::to_string(std::rand()));
  if (!org) {
    lib.error = org.error().message;
    return lib;
  }
  lib.org = org->id;
  auto team = db.CreateTeam(actor, org->id, std::nullopt, "Reception");
  domain::Person p;
  p.org = org->id;
  p.name = "Liam Receptionist";
  p.email = "liam@bench.example";
  auto person = db.CreatePerson(actor, p);
  auto values = db.ListTags(org->id, domain::TagKind::kValue, false);
  if (!team || !person || !values || values->empty()) {
    lib.error = "setup failed";
    return lib;
  }
  auto tx = db.Begin();
  if (!tx) {
    lib.error = tx.error().message;
    return lib;
  }
  for (int i = 0; i < count; ++i) {
    domain::Story s;
    s.org = org->id;
    s.author = person->id;
    s.people = {person->id};
    s.team = team->id;
    s.title = "Story " + std::to_string(i);
    s.text = std::string(kStory) + (i % 100 == 0 ? " He dug through snowdrifts." : "");
    s.values = {(*values)[static_cast<size_t>(i) % values->size()].id};
    auto created = db.CreateStory(actor, s);
    if (!created) {
      lib.error = created.error().message;
      return lib;
    }
    created->state = domain::StoryState::kPublished;
    created->published_at = 1'700'000'000 + i * 3600;
    if (auto published = db.UpdateStory(actor, *created, "publish"); !published) {
      lib.error = published.error().message;
      return lib;
    }
  }
  if (auto committed = tx->Commit(); !committed) lib.error = committed.error().message;
  return lib;
}

std::string SqliteUrl(std::string& dir) {
  std::string pattern =
      (std::filesystem::temp_directory_path() / "everyseat-stories-bench-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) return {};
  dir = pattern;
  return "sqlite:" + dir + "/library.db";
}

void RunLibrary(benchmark::State& state, const std::string& url, bool search) {
  static std::map<std::string, Library>* libraries = new std::map<std::string, Library>();
  Library& lib = (*libraries)[url];
  if (!lib.db && lib.error.empty()) lib = MakeLibrary(url, 10'000);
  if (!lib.error.empty()) {
    state.SkipWithError(lib.error.c_str());
    return;
  }
  store::StoryQuery query;
  query.states = {domain::StoryState::kPublished};
  query.limit = 20;
  if (search) query.words = "snowdrift";
  for (auto _ : state) {
    auto stories = lib.db->ListStories(lib.org, query);
    if (!stories || stories->size() != 20) {
      state.SkipWithError("the library did not answer a page of 20");
      return;
    }
    benchmark::DoNotOptimize(stories);
  }
}

std::string& SqliteLibraryUrl() {
  static std::string dir;
  static std::string url = SqliteUrl(dir);
  return url;
}

void SqliteSearch(benchmark::State& state) { RunLibrary(state, SqliteLibraryUrl(), true); }
void SqliteNewest(benchmark::State& state) { RunLibrary(state, SqliteLibraryUrl(), false); }
BENCHMARK(SqliteSearch)->Unit(benchmark::kMillisecond);
BENCHMARK(SqliteNewest)->Unit(benchmark::kMillisecond);

// The library on the PostgreSQL of scripts/with-postgres, or the benchmark skipped.
void RunPostgresLibrary(benchmark::State& state, bool search) {
  const char* url = std::getenv("EVERYSEAT_TEST_POSTGRES");
  if (url == nullptr) {
    state.SkipWithError("EVERYSEAT_TEST_POSTGRES is not set (run under scripts/with-postgres)");
    return;
  }
  RunLibrary(state, std::string("postgresql:") + url, search);
}
void PostgresSearch(benchmark::State& state) { RunPostgresLibrary(state, true); }
void PostgresNewest(benchmark::State& state) { RunPostgresLibrary(state, false); }
BENCHMARK(PostgresSearch)->Unit(benchmark::kMillisecond);
BENCHMARK(PostgresNewest)->Unit(benchmark::kMillisecond);

}  // namespace
