// spc_bench: the speed of the SPC engine, against the bars of spc.md section 9 (engine rows).
//
//   BM_OneSeries/points:1000000        i chart, mdc, one series in memory, one core (bar 20 ms);
//                                      steady state: AnalyseInto a reused Analysis
//   BM_OneSeriesFresh/points:1000000   the same with a fresh Analyse (allocates the result)
//   BM_OneSeries/points:100000         the series length the peers were timed on (Part D)
//   BM_Facets/series:100000/threads:2  100,000 series x 60 points, i + mdc + icons, both cores
//                                      (bar 1 s); each thread analyses half into one Analysis
//   BM_Facets/series:100000/threads:1  the same on one core, for comparison
//   BM_Facets/series:1000/threads:1    1,000 series x 60 points: the facet workload the peers
//                                      were timed on (peer-methods.md Part D)
//   BM_LiveAppend/fixed:1              append one point to a ~1,000-point live series with fixed
//                                      limits (baseline 20) (bar 2 us)
//   BM_LiveAppend/fixed:0              the same with limits recalculated (bar 50 us); also at
//                                      ~5,000 points (points:5000), a minute of bench/load
//
// Data: values N(100, 10) from a fixed seed (random.h); hourly times for the single series,
// monthly for the facets. Run through bench/run, which prints the table against the bars.
#include <benchmark/benchmark.h>

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "everyseat/spc/analyse.h"
#include "everyseat/spc/live.h"
#include "everyseat/spc/types.h"
#include "random.h"

namespace {

namespace spc = everyseat::spc;
namespace chrono = std::chrono;

constexpr uint64_t kSeed = 20260101;
constexpr int64_t kHour = 3600;
constexpr size_t kFacetPoints = 60;
constexpr size_t kLivePoints = 1'000;

int64_t Seconds(chrono::sys_days day) {
  return chrono::duration_cast<chrono::seconds>(day.time_since_epoch()).count();
}

// One series of n points, hourly from 2000-01-01, values N(100, 10). Built once per length.
const std::vector<spc::Row>& Series(size_t n) {
  static std::map<size_t, std::vector<spc::Row>> cache;
  auto [it, inserted] = cache.try_emplace(n);
  if (inserted) {
    everyseat::bench::Random random(kSeed);
    const int64_t start = Seconds(chrono::year{2000} / chrono::January / 1);
    it->second.resize(n);
    for (size_t i = 0; i < n; ++i) {
      spc::Row& row = it->second[i];
      row.time = start + static_cast<int64_t>(i) * kHour;
      row.value = random.Normal(100, 10);
      row.line = static_cast<int64_t>(i) + 2;
    }
  }
  return it->second;
}

// `series` series of 60 monthly points from 2019-01-01, one after another (series s is rows
// [60 s, 60 s + 60)), values N(100, 10). Built once per count.
const std::vector<spc::Row>& Facets(size_t series) {
  static std::map<size_t, std::vector<spc::Row>> cache;
  auto [it, inserted] = cache.try_emplace(series);
  if (inserted) {
    everyseat::bench::Random random(kSeed);
    std::array<int64_t, kFacetPoints> month_start{};
    for (size_t m = 0; m < kFacetPoints; ++m) {
      const chrono::year_month ym =
          chrono::year{2019} / chrono::January + chrono::months{static_cast<int>(m)};
      month_start[m] = Seconds(ym / 1);
    }
    it->second.resize(series * kFacetPoints);
    for (size_t i = 0; i < it->second.size(); ++i) {
      spc::Row& row = it->second[i];
      row.time = month_start[i % kFacetPoints];
      row.value = random.Normal(100, 10);
      row.line = static_cast<int64_t>(i) + 2;
    }
  }
  return it->second;
}

void SetItems(benchmark::State& state, size_t per_iteration) {
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(per_iteration));
}

// Engine row 1: i chart, mdc, one series, one core, reusing the result's storage.
void BM_OneSeries(benchmark::State& state) {
  const std::vector<spc::Row>& rows = Series(static_cast<size_t>(state.range(0)));
  const spc::Options options;
  spc::Analysis analysis;
  // One untimed run first, so that every timed run finds the storage already grown.
  if (auto warm = spc::AnalyseInto(rows, options, analysis); !warm) {
    state.SkipWithError(warm.error().message.c_str());
    return;
  }
  for (auto _ : state) {
    auto done = spc::AnalyseInto(rows, options, analysis);
    if (!done) {
      state.SkipWithError(done.error().message.c_str());
      break;
    }
    benchmark::DoNotOptimize(analysis.points.data());
    benchmark::ClobberMemory();
  }
  SetItems(state, rows.size());
}
BENCHMARK(BM_OneSeries)
    ->ArgName("points")
    ->Arg(1'000'000)
    ->Arg(100'000)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

// Engine row 1 again, with a fresh result each time (what a one-off caller pays).
void BM_OneSeriesFresh(benchmark::State& state) {
  const std::vector<spc::Row>& rows = Series(static_cast<size_t>(state.range(0)));
  const spc::Options options;
  for (auto _ : state) {
    auto analysis = spc::Analyse(rows, options);
    if (!analysis) {
      state.SkipWithError(analysis.error().message.c_str());
      break;
    }
    benchmark::DoNotOptimize(analysis->points.data());
  }
  SetItems(state, rows.size());
}
BENCHMARK(BM_OneSeriesFresh)
    ->ArgName("points")
    ->Arg(1'000'000)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

// Analyses series [first, last) of the facet rows into `analysis`; counts the series whose last
// point is special cause (so that the icons are used) and the series that failed.
struct FacetCounts {
  size_t special = 0;
  size_t failed = 0;
};

void AnalyseFacets(std::span<const spc::Row> rows, size_t first, size_t last,
                   const spc::Options& options, spc::Analysis& analysis, FacetCounts& counts) {
  for (size_t s = first; s < last; ++s) {
    auto done = spc::AnalyseInto(rows.subspan(s * kFacetPoints, kFacetPoints), options, analysis);
    if (!done) {
      ++counts.failed;
      continue;
    }
    if (analysis.summary.variation != spc::VariationIcon::kCommonCause) ++counts.special;
  }
}

// Engine row 2: many short series, i + mdc + variation and assurance icons, on `threads` threads
// (each takes an equal share and reuses one Analysis).
void BM_Facets(benchmark::State& state) {
  const size_t series = static_cast<size_t>(state.range(0));
  const size_t threads = static_cast<size_t>(state.range(1));
  const std::vector<spc::Row>& rows = Facets(series);
  spc::Options options;
  options.direction = spc::Direction::kIncrease;
  options.target = 115;  // so that the assurance icon is computed too
  std::vector<spc::Analysis> analyses(threads);
  std::vector<FacetCounts> counts(threads);
  for (size_t t = 0; t < threads; ++t) {  // untimed: grow each thread's storage once
    AnalyseFacets(rows, t, t + 1, options, analyses[t], counts[t]);
  }
  for (auto _ : state) {
    std::vector<std::thread> pool;
    pool.reserve(threads);
    for (size_t t = 0; t < threads; ++t) {
      counts[t] = {};
      pool.emplace_back(AnalyseFacets, std::span<const spc::Row>(rows), series * t / threads,
                        series * (t + 1) / threads, std::cref(options), std::ref(analyses[t]),
                        std::ref(counts[t]));
    }
    for (std::thread& thread : pool) thread.join();
  }
  size_t special = 0;
  size_t failed = 0;
  for (const FacetCounts& c : counts) {
    special += c.special;
    failed += c.failed;
  }
  if (failed > 0) state.SkipWithError("the engine refused some series");
  benchmark::DoNotOptimize(special);
  SetItems(state, series);
}
BENCHMARK(BM_Facets)
    ->ArgNames({"series", "threads"})
    ->Args({100'000, 2})
    ->Args({100'000, 1})
    ->Args({1'000, 1})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

// A live series holding the first `points` rows of `rows`.
spc::Result<spc::LiveSeries> StartLive(std::span<const spc::Row> rows, const spc::Options& options,
                                       size_t points) {
  auto live = spc::LiveSeries::Create(options);
  if (!live) return live;
  for (size_t i = 0; i < points; ++i) {
    auto update = live->Append(rows[i]);
    if (!update) return tl::unexpected(update.error());
  }
  return live;
}

// Live rows: time one Append to a series of `points` points (~1,000, or ~5,000: a minute of the
// load test's single POSTs). Every `rebuild_every` appends the series is rebuilt at `points`
// outside the timed region, so it stays between `points` and `points` + `rebuild_every`.
// fixed:1 = fixed limits (baseline 20): O(1); fixed:0 = limits recalculated over the phase on
// every append.
void BM_LiveAppend(benchmark::State& state) {
  const bool fixed = state.range(0) != 0;
  const size_t rebuild_every = static_cast<size_t>(state.range(1));
  const size_t points = static_cast<size_t>(state.range(2));
  const std::vector<spc::Row>& rows = Series(points + rebuild_every);
  spc::Options options;
  options.direction = spc::Direction::kIncrease;
  if (fixed) options.baseline = 20;

  auto started = StartLive(rows, options, points);
  if (!started) {
    state.SkipWithError(started.error().message.c_str());
    return;
  }
  std::optional<spc::LiveSeries> live(std::move(*started));
  size_t next = points;
  for (auto _ : state) {
    if (next == rows.size()) {
      state.PauseTiming();
      live.reset();
      auto again = StartLive(rows, options, points);
      if (!again) {
        state.SkipWithError(again.error().message.c_str());
        break;
      }
      live.emplace(std::move(*again));
      next = points;
      state.ResumeTiming();
    }
    auto update = live->Append(rows[next++]);
    if (!update) {
      state.SkipWithError(update.error().message.c_str());
      break;
    }
    benchmark::DoNotOptimize(update->index);
  }
  SetItems(state, 1);
}
BENCHMARK(BM_LiveAppend)
    ->ArgNames({"fixed", "rebuild_every", "points"})
    ->Args({1, 1'000, kLivePoints})
    ->Args({0, 100, kLivePoints})
    ->Args({0, 100, 5'000})
    ->Unit(benchmark::kMicrosecond);

}  // namespace
