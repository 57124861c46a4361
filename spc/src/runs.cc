// Anhoej runs analysis of one phase (Anhoej & Olesen 2014; qicharts2 runs.analysis):
// useful observations are the non-excluded points with a value that are not on the centre
// line; longest run of useful points on one side, and crossings = runs - 1, are compared with
// round(log2(n)) + 3 and qbinom(0.05, n - 1, 1/2).
// Thread-safety: pure functions.
#include <algorithm>
#include <cmath>

#include "internal.h"

namespace everyseat::spc::detail {

RunsStats RunsAnalysis(std::span<const Point> phase, bool mr_chart) {
  RunsStats stats;
  int runs = 0, current = 0, longest = 0, last = 0;
  for (const Point& p : phase) {
    if (p.excluded || !p.has_value() || IsMissing(p.centre)) continue;
    const int sign = (p.value > p.centre) - (p.value < p.centre);
    if (sign == 0) continue;
    ++stats.n_useful;
    if (sign == last) {
      ++current;
    } else {
      ++runs;
      current = 1;
      last = sign;
    }
    longest = std::max(longest, current);
  }
  stats.longest_run = longest;
  FinishRuns(stats, runs, mr_chart);
  return stats;
}

void FinishRuns(RunsStats& stats, int runs, bool mr_chart) {
  if (stats.n_useful == 0) {
    stats.longest_run = stats.longest_run_max = stats.crossings = stats.crossings_min = kNoCount;
    stats.signal = false;
    return;
  }
  stats.crossings = runs - 1;
  stats.longest_run_max = LongestRunMax(stats.n_useful);
  stats.crossings_min = CrossingsMin(stats.n_useful);
  stats.signal = !mr_chart && (stats.longest_run > stats.longest_run_max ||
                               stats.crossings < stats.crossings_min);
}

}  // namespace everyseat::spc::detail
