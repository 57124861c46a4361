// Anhoej runs analysis of one phase (Anhoej & Olesen 2014; qicharts2 runs.analysis):
// useful observations are the non-excluded points with a value that are not on the centre
// line; longest run of useful points on one side, and crossings = runs - 1, are compared with
// round(log2(n)) + 3 and qbinom(0.05, n - 1, 1/2).
// Thread-safety: pure functions.
#include <algorithm>
#include <cmath>

#include "internal.h"

namespace everyseat::spc::detail {

RunsStats RunsCounter::Finish(bool mr_chart) const {
  RunsStats stats;
  stats.n_useful = n_useful;
  if (n_useful == 0) return stats;  // every statistic kNoCount, no signal
  stats.longest_run = longest;
  stats.crossings = runs - 1;
  stats.longest_run_max = LongestRunMax(n_useful);
  stats.crossings_min = CrossingsMin(n_useful);
  // The MR chart's runs are reported but never signal (qicharts2).
  stats.signal = !mr_chart && (stats.longest_run > stats.longest_run_max ||
                               stats.crossings < stats.crossings_min);
  return stats;
}

}  // namespace everyseat::spc::detail
