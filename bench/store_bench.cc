// Benchmarks of the store (issue 3's ingest bar: batch ingest >= 50,000 observations/s on
// SQLite). Each iteration appends a batch of 10,000 observations of one measure, in one
// transaction with one audit entry, into a real SQLite file (WAL) in a temporary directory;
// items/s is observations per second. With EVERYSEAT_TEST_POSTGRES set (scripts/with-postgres),
// the same runs against PostgreSQL.
#include <benchmark/benchmark.h>

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "everyseat/domain/model.h"
#include "everyseat/store/store.h"

namespace {

using everyseat::domain::Actor;
namespace domain = everyseat::domain;
namespace store = everyseat::store;

constexpr size_t kBatch = 10'000;

std::string Period(int64_t day) {
  // Days after 2000-01-01 as an ISO date (civil-from-days, Howard Hinnant's public algorithm).
  int64_t z = day + 10957 + 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int64_t d = doy - (153 * mp + 2) / 5 + 1;
  const int64_t m = mp < 10 ? mp + 3 : mp - 9;
  const int64_t y = yoe + era * 400 + (m <= 2);
  char text[64];
  std::snprintf(text, sizeof text, "%04lld-%02lld-%02lld", static_cast<long long>(y),
                static_cast<long long>(m), static_cast<long long>(d));
  return text;
}

void BatchAppend(benchmark::State& state, const std::string& url, store::Durability durability) {
  auto opened = store::Store::Open(url, durability);
  if (!opened) {
    state.SkipWithError(opened.error().message.c_str());
    return;
  }
  store::Store& db = **opened;
  const Actor actor = Actor::System("bench");
  auto org = db.CreateOrganisation(actor, "Bench Trust " + std::to_string(std::rand()));
  auto team = db.CreateTeam(actor, org->id, std::nullopt, "Ward");
  domain::Measure m;
  m.org = org->id;
  m.team = team->id;
  m.name = "Falls";
  auto measure = db.CreateMeasure(actor, m);
  if (!org || !team || !measure) {
    state.SkipWithError("setup failed");
    return;
  }
  int64_t day = 0;
  std::vector<domain::ObservationInput> batch(kBatch);
  for (auto _ : state) {
    state.PauseTiming();
    for (auto& o : batch) {
      o.measure = measure->id;
      o.period = Period(day++);
      o.value = static_cast<double>(day % 17);
    }
    state.ResumeTiming();
    auto written = db.AppendObservations(actor, org->id, batch);
    if (!written) state.SkipWithError(written.error().message.c_str());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(kBatch));
}

void SqliteBatch(benchmark::State& state, store::Durability durability) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("everyseat-store-bench-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  BatchAppend(state, "sqlite:" + (dir / "bench.db").string(), durability);
  std::filesystem::remove_all(dir);
}

void BM_SqliteBatchAppend(benchmark::State& state) {
  SqliteBatch(state, store::Durability::kNormal);
}
void BM_SqliteBatchAppendDurabilityFull(benchmark::State& state) {
  SqliteBatch(state, store::Durability::kFull);
}
void BM_PostgresBatchAppend(benchmark::State& state) {
  const char* conninfo = std::getenv("EVERYSEAT_TEST_POSTGRES");
  if (conninfo == nullptr) {
    state.SkipWithError("EVERYSEAT_TEST_POSTGRES is not set (run under scripts/with-postgres)");
    return;
  }
  BatchAppend(state, std::string("postgresql:") + conninfo, store::Durability::kNormal);
}

BENCHMARK(BM_SqliteBatchAppend)->Unit(benchmark::kMillisecond)->MinTime(2)->UseRealTime();
BENCHMARK(BM_SqliteBatchAppendDurabilityFull)
    ->Unit(benchmark::kMillisecond)
    ->MinTime(2)
    ->UseRealTime();
BENCHMARK(BM_PostgresBatchAppend)->Unit(benchmark::kMillisecond)->MinTime(2)->UseRealTime();

}  // namespace
