// Anhoej runs analysis (peer-methods.md §A3): the two thresholds against the tables printed
// there and against exact integer arithmetic for large n, and the counting rules (points on
// the centre line and missing values are dropped and do not break a run, excluded points are
// skipped, n_useful = 0 gives no statistics, the mr chart never signals).
#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <vector>

#include <gtest/gtest.h>

#include "everyseat/spc/analyse.h"
#include "internal.h"
#include "series_fixtures.h"

namespace everyseat::spc {
namespace {

using namespace fixtures;  // NOLINT: the shared series helpers

Options WithChart(Chart chart, Rules rules = Rules::kAnhoej) {
  Options o;
  o.chart = chart;
  o.rules = rules;
  return o;
}

struct Threshold {
  int n_useful;
  int longest_run_max;
  int crossings_min;
};

// peer-methods.md §A3, both tables (method "anhoej"): longest_run_max = round(log2(n)) + 3,
// n_crossings_min = qbinom(0.05, n - 1, 0.5).
constexpr Threshold kTable[] = {
    {1, 3, 0},   {2, 4, 0},   {3, 5, 0},   {4, 5, 0},   {5, 5, 0},   {6, 6, 1},   {7, 6, 1},
    {8, 6, 1},   {9, 6, 2},   {10, 6, 2},  {11, 6, 2},  {12, 7, 3},  {13, 7, 3},  {14, 7, 4},
    {15, 7, 4},  {16, 7, 4},  {17, 7, 5},  {18, 7, 5},  {19, 7, 6},  {20, 7, 6},  {24, 8, 8},
    {30, 8, 10}, {36, 8, 13}, {40, 8, 14}, {48, 9, 18}, {50, 9, 19}, {60, 9, 23}, {100, 10, 41},
};

TEST(RunsThresholds, LongestRunMaxMatchesThePeerTable) {
  for (const Threshold& t : kTable) {
    EXPECT_EQ(detail::LongestRunMax(t.n_useful), t.longest_run_max) << "n = " << t.n_useful;
  }
}

TEST(RunsThresholds, CrossingsMinMatchesThePeerTable) {
  for (const Threshold& t : kTable) {
    EXPECT_EQ(detail::CrossingsMin(t.n_useful), t.crossings_min) << "n = " << t.n_useful;
  }
}

TEST(RunsThresholds, CrossingsMinIsExactForLargeSeries) {
  // qbinom(0.05, n - 1, 1/2) = the smallest c with 20 * sum_{x <= c} C(n-1, x) >= 2^(n-1),
  // computed exactly with Python's integers (peer-methods §A3):
  //   def qbinom05(N):
  //       total, term, c, limit = 0, 1, 0, 2**N
  //       while True:
  //           total += term
  //           if 20 * total >= limit: return c
  //           term = term * (N - c) // (c + 1); c += 1
  //   [qbinom05(n - 1) for n in (1000, 2000, 4097, 4098, 10000, 100000)]
  //   -> [474, 963, 1995, 1996, 4917, 49739]
  EXPECT_EQ(detail::CrossingsMin(1000), 474);
  EXPECT_EQ(detail::CrossingsMin(2000), 963);
  EXPECT_EQ(detail::CrossingsMin(4097), 1995);
  EXPECT_EQ(detail::CrossingsMin(4098), 1996);
  EXPECT_EQ(detail::CrossingsMin(10000), 4917);
  EXPECT_EQ(detail::CrossingsMin(100000), 49739);
}

TEST(RunsThresholds, CrossingsMinIsExactForEveryNUpToFiveThousand) {
  // Checksums of the exact values for every n, computed from Pascal's rows in Python:
  //   row, vals = [1], []
  //   for N in range(5000):
  //       if N: row = [1] + [row[i] + row[i + 1] for i in range(len(row) - 1)] + [1]
  //       total = 0
  //       for c, t in enumerate(row):
  //           total += t
  //           if 20 * total >= 2**N: vals.append(c); break
  //   sum(vals[:2000]), sum((i + 1) * v for i, v in enumerate(vals[:2000])),
  //   sum(vals), sum((i + 1) * v for i, v in enumerate(vals))
  //   -> 950486, 1274476134, 6054943, 20251754452
  // (n = 1..2000 is the range peer-methods A3 says R agrees with exact arithmetic; 5000 passes
  // the engine's memo of 4096.)
  int64_t sum = 0, weighted = 0;
  for (int n = 1; n <= 5000; ++n) {
    const int64_t c = detail::CrossingsMin(n);
    sum += c;
    weighted += n * c;
    if (n == 2000) {
      EXPECT_EQ(sum, 950486);
      EXPECT_EQ(weighted, 1274476134);
    }
  }
  EXPECT_EQ(sum, 6054943);
  EXPECT_EQ(weighted, 20251754452);
}

TEST(RunsThresholds, LongestRunMaxForEveryNUpToFiveThousand) {
  // sum(round(log2(n)) + 3 for n in range(1, 5001)) -> 69213 in Python; no log2(n) is within
  // 1.5e-4 of a half, so Python's and R's rounding agree
  int64_t sum = 0;
  for (int n = 1; n <= 5000; ++n) sum += detail::LongestRunMax(n);
  EXPECT_EQ(sum, 69213);
}

TEST(RunsThresholds, LongestRunMaxForLargeSeries) {
  // round(log2(1000)) + 3 = round(9.966) + 3 = 13; round(log2(10000)) + 3 = round(13.288) + 3 = 16
  EXPECT_EQ(detail::LongestRunMax(1000), 13);
  EXPECT_EQ(detail::LongestRunMax(10000), 16);
}

TEST(RunsAnalysis, PointsOnTheCentreLineAndMissingValuesDoNotBreakARun) {
  const Analysis a = Analysed(Values({1, 2, 3, kMissing, 1, 7, 8, 3, 9}), WithChart(Chart::kRun));
  ASSERT_EQ(a.phases.size(), 1u);
  const Phase& ph = a.phases[0];
  // median of 1, 1, 2, 3, 3, 7, 8, 9 = (3 + 3) / 2 = 3
  EXPECT_DOUBLE_EQ(ph.centre, 3.0);
  // signs: -, -, 0, (missing), -, +, +, 0, + -> useful: - - - + + +: n = 6, two runs of 3
  // (were the 3 or the missing value to break the run, the longest would be 2)
  EXPECT_EQ(ph.longest_run, 3);
  EXPECT_EQ(ph.crossings, 1);
  // §A3 table, n = 6: 6 and 1
  EXPECT_EQ(ph.longest_run_max, 6);
  EXPECT_EQ(ph.crossings_min, 1);
  // 3 <= 6 and 1 >= 1
  EXPECT_FALSE(ph.runs_signal);
}

TEST(RunsAnalysis, AlternatingRunChartHasNoSignal) {
  const Analysis a = Analysed(Values({1, 3, 1, 3, 1, 3, 1, 3, 1, 3, 1, 3, 1, 3, 1, 3, 1, 3, 1, 3}),
                              WithChart(Chart::kRun));
  const Phase& ph = a.phases[0];
  // median 2; 20 useful points alternating: longest 1, crossings 19; table n = 20: 7 and 6
  EXPECT_EQ(ph.longest_run, 1);
  EXPECT_EQ(ph.crossings, 19);
  EXPECT_EQ(ph.longest_run_max, 7);
  EXPECT_EQ(ph.crossings_min, 6);
  EXPECT_FALSE(ph.runs_signal);
}

TEST(RunsAnalysis, SignalsALongRunAlone) {
  const Analysis a = Analysed(Values({0, 0, 0, 0, 0, 0, 0, 0, 10, 0, 10, 0}), WithChart(Chart::kI));
  const Phase& ph = a.phases[0];
  // mean 20/12 = 1.667: signs - x8, +, -, +, -: runs 8, 1, 1, 1, 1
  EXPECT_EQ(ph.longest_run, 8);
  EXPECT_EQ(ph.crossings, 4);
  // n = 12: 8 > 7 signals although 4 >= 3
  EXPECT_EQ(ph.longest_run_max, 7);
  EXPECT_EQ(ph.crossings_min, 3);
  EXPECT_TRUE(ph.runs_signal);
}

TEST(RunsAnalysis, SignalsTooFewCrossingsAlone) {
  const Analysis a =
      Analysed(Values({0, 0, 0, 0, 0, 0, 10, 10, 10, 10, 10, 10}), WithChart(Chart::kI));
  const Phase& ph = a.phases[0];
  // mean 5: six below then six above: longest 6 <= 7, but crossings 1 < 3
  EXPECT_EQ(ph.longest_run, 6);
  EXPECT_EQ(ph.crossings, 1);
  EXPECT_TRUE(ph.runs_signal);
}

TEST(RunsAnalysis, RunsSignalDoesNotMakeAnyPointSpecialCause) {
  const Analysis a =
      Analysed(Values({0, 0, 0, 0, 0, 0, 10, 10, 10, 10, 10, 10}), WithChart(Chart::kRun));
  // Run chart (no limits) under anhoej: the runs signal is a property of the phase (spc.md §2)
  EXPECT_TRUE(a.phases[0].runs_signal);
  for (const Point& p : a.points) EXPECT_FALSE(p.special_cause());
}

TEST(RunsAnalysis, ExcludedPointsAreSkipped) {
  std::vector<Row> rows = Values({0, 0, 0, 0, 10, 0, 0, 0, 10, 10, 10, 10});
  rows[4].exclude = true;
  const Analysis a = Analysed(rows, WithChart(Chart::kI));
  const Phase& ph = a.phases[0];
  // mean without the excluded 10: 40/11 = 3.64; useful: - x7 (the excluded point between
  // them is skipped), + x4: n = 11, longest 7, crossings 1 (counting it: longest 4, crossings 3)
  EXPECT_EQ(ph.longest_run, 7);
  EXPECT_EQ(ph.crossings, 1);
  // table n = 11: 6 and 2
  EXPECT_EQ(ph.longest_run_max, 6);
  EXPECT_EQ(ph.crossings_min, 2);
  EXPECT_TRUE(ph.runs_signal);
}

TEST(RunsAnalysis, NoUsefulPointsGivesNoStatisticsAndNoSignal) {
  // Every point on the median (peer-methods A3: n_useful = 0 -> all four missing, no signal)
  const Analysis a = Analysed(Values({5, 5, 5, 5, 5}), WithChart(Chart::kRun));
  const Phase& ph = a.phases[0];
  EXPECT_EQ(ph.longest_run, kNoCount);
  EXPECT_EQ(ph.longest_run_max, kNoCount);
  EXPECT_EQ(ph.crossings, kNoCount);
  EXPECT_EQ(ph.crossings_min, kNoCount);
  EXPECT_FALSE(ph.runs_signal);
}

TEST(RunsAnalysis, AllMissingValuesGiveNoStatistics) {
  const Analysis a = Analysed(Values({kMissing, kMissing, kMissing}), WithChart(Chart::kI));
  const Phase& ph = a.phases[0];
  EXPECT_EQ(ph.longest_run, kNoCount);
  EXPECT_EQ(ph.crossings, kNoCount);
  EXPECT_FALSE(ph.runs_signal);
}

TEST(RunsAnalysis, ConstantIChartHasNoUsefulPoints) {
  // peer-methods A5: constant series -> every point on the centre line -> no runs signal
  const Analysis a =
      Analysed(Values({7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7}), WithChart(Chart::kI));
  EXPECT_EQ(a.phases[0].longest_run, kNoCount);
  EXPECT_FALSE(a.phases[0].runs_signal);
}

TEST(RunsAnalysis, MrChartReportsRunsButNeverSignals) {
  // Moving ranges: eleven 10s, then eleven 1s.
  const Analysis a = Analysed(Values({0,  10, 0,  10, 0,  10, 0,  10, 0,  10, 0, 10,
                                      11, 10, 11, 10, 11, 10, 11, 10, 11, 10, 11}),
                              WithChart(Chart::kMr));
  const Phase& ph = a.phases[0];
  // centre = (11 * 10 + 11 * 1) / 22 = 5.5; runs of the MRs around it: 11 above, 11 below
  EXPECT_DOUBLE_EQ(ph.centre, 5.5);
  EXPECT_EQ(ph.longest_run, 11);
  EXPECT_EQ(ph.crossings, 1);
  // n = 22: round(log2 22) + 3 = round(4.46) + 3 = 7; qbinom(0.05, 21, 0.5) = 7
  EXPECT_EQ(ph.longest_run_max, 7);
  EXPECT_EQ(ph.crossings_min, 7);
  // 11 > 7 and 1 < 7, yet the mr chart never signals (peer-methods A1.8, spc.md §4)
  EXPECT_FALSE(ph.runs_signal);
}

TEST(RunsAnalysis, GChartRunsAreCountedAroundTheMedian) {
  const Analysis a = Analysed(Values({1, 2, 3, 100, 4, 5}), WithChart(Chart::kG));
  const Phase& ph = a.phases[0];
  // median (3 + 4) / 2 = 3.5: - - - + + + -> crossings 1 (around the mean 115/6 = 19.2 it
  // would be - - - + - -, crossings 2): peer-methods A4 notes
  EXPECT_DOUBLE_EQ(ph.centre, 3.5);
  EXPECT_EQ(ph.longest_run, 3);
  EXPECT_EQ(ph.crossings, 1);
}

TEST(RunsAnalysis, IsComputedWithinEachPhase) {
  std::vector<Row> rows = Values({0, 10, 0, 10, 0, 10, 0, 0, 0, 10, 10, 10});
  for (size_t i = 0; i < rows.size(); ++i) rows[i].phase = i < 6 ? "A" : "B";
  const Analysis a = Analysed(rows, WithChart(Chart::kI));
  ASSERT_EQ(a.phases.size(), 2u);
  // A: mean 5, alternating: longest 1, crossings 5 (n = 6)
  EXPECT_EQ(a.phases[0].longest_run, 1);
  EXPECT_EQ(a.phases[0].crossings, 5);
  // B: mean 5, - - - + + +: longest 3, crossings 1 (the 10 ending A and the 0 starting B
  // are not a crossing)
  EXPECT_EQ(a.phases[1].longest_run, 3);
  EXPECT_EQ(a.phases[1].crossings, 1);
  // n = 6 in each: crossings_min 1, so B has 1 >= 1 and neither signals
  EXPECT_EQ(a.phases[1].crossings_min, 1);
  EXPECT_FALSE(a.phases[1].runs_signal);
}

TEST(RunsAnalysis, IsComputedUnderMdcToo) {
  // The runs statistics are reported per phase whatever the profile (spc.md §4).
  const Analysis a = Analysed(Values({0, 0, 0, 0, 0, 0, 10, 10, 10, 10, 10, 10}),
                              WithChart(Chart::kI, Rules::kMdc));
  EXPECT_EQ(a.phases[0].longest_run, 6);
  EXPECT_EQ(a.phases[0].crossings, 1);
  EXPECT_TRUE(a.phases[0].runs_signal);
}

}  // namespace
}  // namespace everyseat::spc
