// Inputs the method must take or refuse (spc.md §3): one test for each edge case of
// peer-methods.md §A5 (qicharts2) and §B8 (NHSRplotthedots), named after the row of the table
// -- where we deliberately differ from a peer, our documented behaviour is tested -- then
// repeated dates, denominators, phases, sorting, unmatched dates and invalid options. Errors
// are checked by code, message, line and field.
#include <cmath>
#include <initializer_list>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "everyseat/spc/analyse.h"
#include "series_fixtures.h"

namespace everyseat::spc {
namespace {

using namespace fixtures;  // NOLINT: the shared series helpers

// Rows at the given days (repeats allowed), line = position + 2.
std::vector<Row> AtDays(std::initializer_list<std::pair<int, double>> days) {
  std::vector<Row> rows;
  int64_t line = 2;
  for (const auto& [day, v] : days) {
    rows.push_back(Row{.time = day * kDay, .value = v, .phase = {}, .line = line++});
  }
  return rows;
}

Options WithChart(Chart chart, Rules rules = Rules::kMdc) {
  Options o;
  o.chart = chart;
  o.rules = rules;
  return o;
}

// The analysis fails with this error.
testing::AssertionResult FailsWith(const std::vector<Row>& rows, const Options& options,
                                   ErrorCode code, const std::string& message, int64_t line,
                                   const std::string& field) {
  auto result = Analyse(rows, options);
  if (result) return testing::AssertionFailure() << "the analysis succeeded";
  const Error& e = result.error();
  if (e.code == code && e.message == message && e.line == line && e.field == field) {
    return testing::AssertionSuccess();
  }
  return testing::AssertionFailure()
         << "code " << static_cast<int>(e.code) << ", message \"" << e.message << "\", line "
         << e.line << ", field \"" << e.field << "\"";
}

bool HasWarning(const Analysis& a, WarningCode code) {
  for (const Warning& w : a.warnings) {
    if (w.code == code) return true;
  }
  return false;
}

// --- peer-methods §A5: qicharts2 edge cases ----------------------------------------------------

// CheckRow refuses exactly the rows Analyse refuses, with the same error, on every chart.
TEST(CheckRow, RefusesWhatAnalyseRefusesOnEveryChart) {
  const Chart charts[] = {Chart::kRun, Chart::kI,    Chart::kMr, Chart::kP, Chart::kPp,
                          Chart::kU,   Chart::kUp,   Chart::kIp, Chart::kC, Chart::kG,
                          Chart::kT,   Chart::kXbar, Chart::kS};
  const std::pair<double, double> rows[] = {
      {3, 10},       {0, 10},       {-1, 10},       {12, 10},      {3, -1},
      {3, kMissing}, {kMissing, 4}, {-2, kMissing}, {0, kMissing}, {0.5, 0}};
  int refused = 0;
  for (const Chart chart : charts) {
    Options options;
    options.chart = chart;
    for (const auto& [value, denominator] : rows) {
      Row row;
      row.time = 1;
      row.line = 7;
      row.value = value;
      row.denominator = denominator;
      const auto checked = CheckRow(row, options);
      const auto analysed = Analyse(std::span<const Row>(&row, 1), options);
      ASSERT_EQ(checked.has_value(), analysed.has_value())
          << Name(chart) << " " << value << "/" << denominator;
      if (!checked) {
        ++refused;
        EXPECT_EQ(checked.error().code, analysed.error().code) << Name(chart);
        EXPECT_EQ(checked.error().message, analysed.error().message) << Name(chart);
        EXPECT_EQ(checked.error().line, 7);
      }
    }
  }
  EXPECT_GT(refused,
            10);  // negative counts and denominators, numerators above denominators, t <= 0
}

TEST(Qicharts2EdgeCases, FewerThanTwelvePointsAreNotRefused) {
  // "no refusal, no warning; limits computed from whatever is there": 10, 12, 11, 14, 13 ->
  // 12 -/+ 3 * 1.75 / 1.128 = 16.654255 / 7.345745. We add a short_phase warning (spc.md §4).
  const Analysis a = Analysed(Values({10, 12, 11, 14, 13}), WithChart(Chart::kI, Rules::kAnhoej));
  EXPECT_NEAR(a.points[0].upper, 16.654255319148938, 1e-9);
  EXPECT_NEAR(a.points[0].lower, 7.345744680851063, 1e-9);
  EXPECT_TRUE(HasWarning(a, WarningCode::kShortPhase));
  // "1 point: MR-bar missing -> no limits"
  const Analysis one = Analysed(Values({10}), WithChart(Chart::kI, Rules::kAnhoej));
  EXPECT_DOUBLE_EQ(one.points[0].centre, 10.0);
  EXPECT_MISSING(one.points[0].upper);
  EXPECT_MISSING(one.points[0].lower);
}

TEST(Qicharts2EdgeCases, MissingValueIsKeptOutOfTheMeanMovingRangesAndRuns) {
  const Analysis a =
      Analysed(Values({10, 12, kMissing, 11, 14, 13}), WithChart(Chart::kI, Rules::kAnhoej));
  ASSERT_EQ(a.points.size(), 6u);
  // kept as a point with y missing
  EXPECT_MISSING(a.points[2].value);
  EXPECT_FALSE(a.points[2].special_cause());
  EXPECT_EQ(a.points[2].type, PointType::kNone);
  // mean of 10, 12, 11, 14, 13 = 12
  EXPECT_DOUBLE_EQ(a.points[0].centre, 12.0);
  // MRs next to the missing value are missing: 2, -, -, 3, 1 -> MR-bar = 6/3 = 2
  EXPECT_DOUBLE_EQ(a.phases[0].moving_range_mean, 2.0);
  // 12 + 3 * 2 / 1.128 = 17.319149
  EXPECT_NEAR(a.points[0].upper, 17.319148936170214, 1e-9);
  // runs: 10 -, 12 on the centre (dropped), missing (dropped), 11 -, 14 +, 13 +
  EXPECT_EQ(a.phases[0].longest_run, 2);
  EXPECT_EQ(a.phases[0].crossings, 1);
}

TEST(Qicharts2EdgeCases, MissingNumeratorWithADenominatorDiscardsBoth) {
  std::vector<Row> rows = Ratios({{2, 10}, {kMissing, 20}, {3, 20}});
  const Analysis a = Analysed(rows, WithChart(Chart::kP, Rules::kAnhoej));
  // "denominator also discarded; output y missing, n shown as 0" -> CL = (2 + 3) / (10 + 20)
  EXPECT_MISSING(a.points[1].value);
  EXPECT_DOUBLE_EQ(a.points[1].numerator, 0.0);
  EXPECT_DOUBLE_EQ(a.points[1].denominator, 0.0);
  EXPECT_NEAR(a.points[0].centre, 5.0 / 30.0, 1e-15);
  EXPECT_MISSING(a.points[1].upper);
  EXPECT_TRUE(HasWarning(a, WarningCode::kMissingValues));
}

TEST(Qicharts2EdgeCases, ZeroDenominatorGivesAPointWithoutValueOrLimits) {
  const Analysis a =
      Analysed(Ratios({{2, 10}, {0, 0}, {3, 20}, {10, 50}}), WithChart(Chart::kP, Rules::kAnhoej));
  ASSERT_EQ(a.points.size(), 4u);
  // 0/0: y NaN, limits missing, contributes 0 to the sums: CL = 15/80 = 0.1875
  EXPECT_MISSING(a.points[1].value);
  EXPECT_MISSING(a.points[1].upper);
  EXPECT_MISSING(a.points[1].lower);
  EXPECT_MISSING(a.points[1].upper_2sigma);
  EXPECT_DOUBLE_EQ(a.points[1].numerator, 0.0);
  EXPECT_DOUBLE_EQ(a.points[1].denominator, 0.0);
  EXPECT_DOUBLE_EQ(a.points[0].centre, 0.1875);
  EXPECT_FALSE(a.points[1].special_cause());
  // excluded from runs: 0.2 +, 0.15 -, 0.2 + -> crossings 2 of n = 3
  EXPECT_EQ(a.phases[0].crossings, 2);
  EXPECT_EQ(a.phases[0].longest_run, 1);
  // a warning, not an error (spc.md §3)
  EXPECT_TRUE(HasWarning(a, WarningCode::kZeroDenominator));
}

TEST(Qicharts2EdgeCases, ConstantSeriesWithScreeningOnHasNoLimitsAndNoRunsSignal) {
  const Analysis a = Analysed(Values({4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4}),
                              WithChart(Chart::kI, Rules::kAnhoej));
  EXPECT_MISSING(a.points[0].upper);
  EXPECT_MISSING(a.points[0].lower);
  EXPECT_EQ(a.phases[0].longest_run, kNoCount);
  EXPECT_FALSE(a.phases[0].runs_signal);
}

TEST(Qicharts2EdgeCases, ConstantSeriesWithScreeningOffHasLimitsOnTheCentreAndNoSignal) {
  Options o = WithChart(Chart::kI, Rules::kAnhoej);
  o.screen_outliers = false;
  const Analysis a = Analysed(Values({4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4}), o);
  for (const Point& p : a.points) {
    EXPECT_DOUBLE_EQ(p.lower, 4.0);
    EXPECT_DOUBLE_EQ(p.centre, 4.0);
    EXPECT_DOUBLE_EQ(p.upper, 4.0);
    EXPECT_FALSE(p.special_cause());
  }
}

TEST(Qicharts2EdgeCases, TChartWithAValueAtOrBelowZeroIsAnError) {
  EXPECT_TRUE(FailsWith(Values({3, 4, 0, 5}), WithChart(Chart::kT), ErrorCode::kNonPositiveTime,
                        "time between events must be greater than zero", 4, "value"));
  EXPECT_TRUE(FailsWith(Values({3, -1, 4}), WithChart(Chart::kT), ErrorCode::kNonPositiveTime,
                        "time between events must be greater than zero", 3, "value"));
}

TEST(Qicharts2EdgeCases, AbsentRowsAreNotDetected) {
  // days 1, 2, 3, 10, 11: consecutive rows are adjacent, so the MR |14 - 11| spans the gap:
  // MR-bar = (2 + 1 + 3 + 1) / 4 = 1.75, as for days 1..5
  const Analysis a = Analysed(AtDays({{1, 10}, {2, 12}, {3, 11}, {10, 14}, {11, 13}}),
                              WithChart(Chart::kI, Rules::kAnhoej));
  ASSERT_EQ(a.points.size(), 5u);
  EXPECT_DOUBLE_EQ(a.phases[0].moving_range_mean, 1.75);
}

// --- peer-methods §B8: NHSRplotthedots edge cases ----------------------------------------------

TEST(PlotTheDotsEdgeCases, GroupWithFewerThanThirteenRowsWarns) {
  // threshold 13: a 12-row rebase group warns; a 13-row one does not
  std::vector<Row> rows = Values({1, 3, 2, 4, 3, 5, 4, 2, 3, 4, 2, 3, 4,  //
                                  1, 3, 2, 4, 3, 5, 4, 2, 3, 4, 2, 3});
  Options o = WithChart(Chart::kI);
  o.rebase = {14 * kDay};
  const Analysis a = Analysed(rows, o);
  ASSERT_EQ(a.phases.size(), 2u);
  EXPECT_EQ(a.phases[0].n, 13u);
  EXPECT_FALSE(a.phases[0].short_phase);
  EXPECT_EQ(a.phases[1].n, 12u);
  EXPECT_TRUE(a.phases[1].short_phase);
  ASSERT_EQ(a.warnings.size(), 1u);
  EXPECT_EQ(a.warnings[0].code, WarningCode::kShortPhase);
  EXPECT_EQ(a.warnings[0].phase, 1);
}

TEST(PlotTheDotsEdgeCases, OneRowHasNoLimitsAndIsCommonCause) {
  // mean = y, MR-bar NaN -> limits NaN, common cause
  const Analysis a = Analysed(Values({7}), WithChart(Chart::kI));
  EXPECT_DOUBLE_EQ(a.points[0].centre, 7.0);
  EXPECT_MISSING(a.points[0].upper);
  EXPECT_MISSING(a.points[0].lower);
  EXPECT_EQ(a.points[0].type, PointType::kCommonCause);
  EXPECT_EQ(a.summary.variation, VariationIcon::kCommonCause);
}

TEST(PlotTheDotsEdgeCases, MissingValueIsKeptWithoutAClassification) {
  // Row kept; excluded from the mean; adjacent MRs missing. (PTD labels it "Common Cause";
  // spc.md §3: a missing value is kept as a point with no classification.)
  const Analysis a = Analysed(Values({10, 12, kMissing, 11, 14, 13}), WithChart(Chart::kI));
  EXPECT_EQ(a.points[2].type, PointType::kNone);
  EXPECT_EQ(a.points[2].rule, Rule::kNone);
  EXPECT_DOUBLE_EQ(a.points[0].centre, 12.0);
  // MR-bar = (2 + 3 + 1) / 3 = 2: 12 + 2.66 * 2 = 17.32
  EXPECT_NEAR(a.points[0].upper, 17.32, 1e-9);
}

TEST(PlotTheDotsEdgeCases, MissingValueInsideARisingWindowIsNotAnError) {
  // PTD 0.2.2 errors ("missing value where TRUE/FALSE needed"): the non-missing steps of the
  // window are all rising. Ours (spc.md §3): the missing value breaks the window, no error.
  const Analysis a =
      Analysed(Values({1, 2, 3, kMissing, 4, 5, 6, 7, 8, 3, 2}), WithChart(Chart::kI));
  ASSERT_EQ(a.points.size(), 11u);
  for (const Point& p : a.points) EXPECT_NE(p.rule, Rule::kTrend);
}

TEST(PlotTheDotsEdgeCases, ConstantSeriesWithScreeningOnIsCommonCauseAndInconsistent) {
  Options o = WithChart(Chart::kI);
  o.direction = Direction::kIncrease;
  o.target = 3;
  const Analysis a = Analysed(Values({5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5}), o);
  for (const Point& p : a.points) EXPECT_EQ(p.type, PointType::kCommonCause);
  EXPECT_EQ(a.summary.assurance, AssuranceIcon::kInconsistent);
}

TEST(PlotTheDotsEdgeCases, ConstantSeriesWithScreeningOffPassesATargetBelow) {
  Options o = WithChart(Chart::kI);
  o.direction = Direction::kIncrease;
  o.target = 3;
  o.screen_outliers = false;
  const Analysis a = Analysed(Values({5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5}), o);
  // LPL = mean = UPL = 5; all on the mean -> no signals; 3 < LPL -> consistent pass
  for (const Point& p : a.points) EXPECT_FALSE(p.special_cause());
  EXPECT_EQ(a.summary.assurance, AssuranceIcon::kPass);
}

TEST(PlotTheDotsEdgeCases, FixAfterFewerThanTwelvePointsIsAllowedWithAWarning) {
  // PTD refuses fix_after_n_points < 12; spc.md §3: N < 12 gets a short_baseline warning.
  Options o = WithChart(Chart::kI);
  o.baseline = 5;
  const Analysis a = Analysed(Values({10, 12, 11, 14, 13, 15, 16}), o);
  EXPECT_TRUE(HasWarning(a, WarningCode::kShortBaseline));
  EXPECT_DOUBLE_EQ(a.points[6].centre, 12.0);
}

TEST(PlotTheDotsEdgeCases, DuplicateDatesAreAnError) {
  EXPECT_TRUE(FailsWith(AtDays({{1, 10}, {2, 12}, {2, 11}, {3, 14}}), WithChart(Chart::kI),
                        ErrorCode::kDuplicateDate, "repeated date (also on line 3)", 4, "date"));
}

TEST(PlotTheDotsEdgeCases, AbsentRowsAreNotDetectedAndTheMovingRangeSpansTheGap) {
  const Analysis a =
      Analysed(AtDays({{1, 10}, {2, 12}, {3, 11}, {30, 14}, {31, 13}}), WithChart(Chart::kI));
  // MR-bar = (2 + 1 + 3 + 1) / 4 = 1.75 -> 12 + 2.66 * 1.75 = 16.655
  EXPECT_DOUBLE_EQ(a.phases[0].moving_range_mean, 1.75);
  EXPECT_NEAR(a.points[0].upper, 16.655, 1e-9);
}

// --- repeated dates ----------------------------------------------------------------------------

TEST(RepeatedDates, AreAnErrorNamingBothLinesOnChartsOfOneRowPerPeriod) {
  for (Chart chart : {Chart::kRun, Chart::kI, Chart::kMr, Chart::kC, Chart::kG, Chart::kT}) {
    SCOPED_TRACE(std::string(Name(chart)));
    // lines 2, 3, 4, 5 on days 1, 2, 2, 3: the later row (line 4) is at fault
    EXPECT_TRUE(FailsWith(AtDays({{1, 10}, {2, 12}, {2, 11}, {3, 14}}), WithChart(chart),
                          ErrorCode::kDuplicateDate, "repeated date (also on line 3)", 4, "date"));
  }
}

TEST(RepeatedDates, AreAggregatedWhenAsked) {
  // day 2 holds 12, 14, 22, 32: mean 80/4 = 20, median (14 + 22) / 2 = 18, sum 80
  const auto rows = AtDays({{1, 10}, {2, 12}, {2, 14}, {2, 22}, {2, 32}, {3, 11}});
  const std::pair<Aggregate, double> cases[] = {
      {Aggregate::kMean, 20}, {Aggregate::kMedian, 18}, {Aggregate::kSum, 80}};
  for (const auto& [aggregate, expected] : cases) {
    SCOPED_TRACE(std::string(Name(aggregate)));
    Options o = WithChart(Chart::kI);
    o.aggregate = aggregate;
    const Analysis a = Analysed(rows, o);
    ASSERT_EQ(a.points.size(), 3u);
    EXPECT_DOUBLE_EQ(a.points[1].value, expected);
    // the point refers to the first row of its date
    EXPECT_EQ(a.points[1].row, 1u);
    EXPECT_EQ(a.points[2].row, 5u);
  }
}

TEST(RepeatedDates, AreSummedOnPAndUCharts) {
  // day 1: (2, 10) and (3, 15) -> one point 5/25 = 0.2
  for (Chart chart : {Chart::kP, Chart::kU}) {
    SCOPED_TRACE(std::string(Name(chart)));
    std::vector<Row> rows = Ratios({{2, 10}, {3, 15}, {4, 20}});
    rows[1].time = rows[0].time;
    const Analysis a = Analysed(rows, WithChart(chart));
    ASSERT_EQ(a.points.size(), 2u);
    EXPECT_DOUBLE_EQ(a.points[0].numerator, 5.0);
    EXPECT_DOUBLE_EQ(a.points[0].denominator, 25.0);
    EXPECT_DOUBLE_EQ(a.points[0].value, 0.2);
    // CL = (5 + 4) / (25 + 20) = 0.2
    EXPECT_DOUBLE_EQ(a.points[0].centre, 0.2);
  }
}

TEST(RepeatedDates, FormOneSubgroupOnXbarAndSCharts) {
  // day 1: 10, 12, 14 (mean 12, SD 2); day 2: 8, 10 (mean 9, SD sqrt(2))
  const auto rows = AtDays({{1, 10}, {1, 12}, {1, 14}, {2, 8}, {2, 10}});
  const Analysis xbar = Analysed(rows, WithChart(Chart::kXbar));
  ASSERT_EQ(xbar.points.size(), 2u);
  EXPECT_DOUBLE_EQ(xbar.points[0].value, 12.0);
  EXPECT_DOUBLE_EQ(xbar.points[1].value, 9.0);
  EXPECT_EQ(xbar.points[1].row, 3u);
  const Analysis s = Analysed(rows, WithChart(Chart::kS));
  ASSERT_EQ(s.points.size(), 2u);
  EXPECT_DOUBLE_EQ(s.points[0].value, 2.0);
  EXPECT_DOUBLE_EQ(s.points[1].value, std::sqrt(2.0));
}

// --- denominators and counts -------------------------------------------------------------------

TEST(Denominators, ANegativeDenominatorIsAnError) {
  for (Chart chart : {Chart::kP, Chart::kPp, Chart::kU, Chart::kUp, Chart::kIp}) {
    SCOPED_TRACE(std::string(Name(chart)));
    EXPECT_TRUE(FailsWith(Ratios({{2, 10}, {1, -5}}), WithChart(chart),
                          ErrorCode::kNegativeDenominator, "denominator must not be negative", 3,
                          "denominator"));
  }
}

TEST(Denominators, ANegativeNumeratorIsAnError) {
  for (Chart chart : {Chart::kP, Chart::kPp, Chart::kU, Chart::kUp}) {
    SCOPED_TRACE(std::string(Name(chart)));
    EXPECT_TRUE(FailsWith(Ratios({{2, 10}, {3, 10}, {-1, 10}}), WithChart(chart),
                          ErrorCode::kNegativeCount, "numerator must not be negative", 4, "value"));
  }
}

TEST(Denominators, ANumeratorAboveItsDenominatorIsAnErrorOnPCharts) {
  for (Chart chart : {Chart::kP, Chart::kPp}) {
    SCOPED_TRACE(std::string(Name(chart)));
    EXPECT_TRUE(FailsWith(Ratios({{2, 10}, {11, 10}}), WithChart(chart),
                          ErrorCode::kNumeratorAboveDenominator,
                          "numerator is above its denominator", 3, "value"));
  }
}

TEST(Denominators, ANumeratorAboveItsDenominatorIsAllowedOnUCharts) {
  // a rate per unit may exceed 1: 11/10 = 1.1
  for (Chart chart : {Chart::kU, Chart::kUp}) {
    SCOPED_TRACE(std::string(Name(chart)));
    const Analysis a = Analysed(Ratios({{2, 10}, {11, 10}, {4, 10}}), WithChart(chart));
    EXPECT_DOUBLE_EQ(a.points[1].value, 1.1);
  }
}

TEST(Denominators, AZeroDenominatorIsAWarningNotAnError) {
  const Analysis a = Analysed(Ratios({{2, 10}, {0, 0}, {3, 20}}), WithChart(Chart::kU));
  EXPECT_MISSING(a.points[1].value);
  EXPECT_MISSING(a.points[1].upper);
  EXPECT_TRUE(HasWarning(a, WarningCode::kZeroDenominator));
  EXPECT_EQ(a.points[1].type, PointType::kNone);
}

TEST(Denominators, AZeroDenominatorUnderAPositiveCountIsNoValueOnAUChart) {
  // 3/0: qicharts2 plots Inf; spc.md §3: a zero denominator gives a point with no value
  const Analysis a = Analysed(Ratios({{2, 10}, {3, 0}, {3, 20}}), WithChart(Chart::kU));
  EXPECT_MISSING(a.points[1].value);
  EXPECT_MISSING(a.points[1].upper);
  EXPECT_TRUE(HasWarning(a, WarningCode::kZeroDenominator));
  // it contributes 3 to the numerators and 0 to the denominators: CL = (2 + 3 + 3) / 30
  // (qicharts2 sums y.sum and n over the base regardless of y)
  EXPECT_DOUBLE_EQ(a.points[0].centre, 8.0 / 30.0);
}

TEST(Denominators, AMissingDenominatorDiscardsTheNumerator) {
  // peer-methods A1.3: either missing -> both missing (complete.cases)
  const Analysis a = Analysed(Ratios({{2, 10}, {3, kMissing}, {3, 20}}), WithChart(Chart::kU));
  EXPECT_MISSING(a.points[1].value);
  EXPECT_DOUBLE_EQ(a.points[1].numerator, 0.0);
  EXPECT_DOUBLE_EQ(a.points[1].denominator, 0.0);
  EXPECT_DOUBLE_EQ(a.points[0].centre, 5.0 / 30.0);
}

TEST(Denominators, AMissingNumeratorGivesZeroCountsAndNoValue) {
  const Analysis a = Analysed(Ratios({{2, 10}, {kMissing, 10}, {3, 20}}), WithChart(Chart::kU));
  EXPECT_MISSING(a.points[1].value);
  EXPECT_DOUBLE_EQ(a.points[1].numerator, 0.0);
  EXPECT_DOUBLE_EQ(a.points[1].denominator, 0.0);
  // not a zero denominator: the denominator was discarded with its numerator
  EXPECT_FALSE(HasWarning(a, WarningCode::kZeroDenominator));
  // CL = (2 + 3) / (10 + 20)
  EXPECT_DOUBLE_EQ(a.points[0].centre, 5.0 / 30.0);
}

TEST(Denominators, TChartMissingValuesAreNotErrors) {
  const Analysis a = Analysed(Values({3, kMissing, 4, 5}), WithChart(Chart::kT));
  EXPECT_MISSING(a.points[1].value);
}

// --- dates that match no row, targets ----------------------------------------------------------

TEST(UnmatchedDates, ARebaseDateMatchingNoRowIsAnError) {
  Options o = WithChart(Chart::kI);
  o.rebase = {2 * kDay, 2 * kDay + 1};
  // PTD ignores such a date silently (B2); spc.md §3: an error
  EXPECT_TRUE(FailsWith(Values({1, 2, 3}), o, ErrorCode::kUnmatchedDate,
                        "rebase date matches no row", 0, "rebase"));
}

TEST(UnmatchedDates, AnExcludeDateMatchingNoRowIsAnError) {
  Options o = WithChart(Chart::kI);
  o.exclude = {9 * kDay};
  EXPECT_TRUE(FailsWith(Values({1, 2, 3}), o, ErrorCode::kUnmatchedDate,
                        "exclude date matches no row", 0, "exclude"));
}

TEST(Targets, AnOptionAndAColumnAreAnError) {
  std::vector<Row> rows = Values({1, 2, 3});
  rows[1].target = 5;
  Options o = WithChart(Chart::kI);
  o.target = 4;
  EXPECT_TRUE(FailsWith(rows, o, ErrorCode::kTargetTwice,
                        "a target option and a target column cannot both be given", 3, "target"));
}

TEST(Targets, TheOptionIsCopiedToEveryPoint) {
  Options o = WithChart(Chart::kI);
  o.target = 4;
  for (const Point& p : Analysed(Values({1, 2, 3}), o).points) EXPECT_DOUBLE_EQ(p.target, 4.0);
}

// --- phases ------------------------------------------------------------------------------------

TEST(Phases, ALabelThatComesBackStartsANewPhase) {
  // A, A, A, B, B, B, A, A, A: three phases (qicharts2 makes two: a deviation, spc.md §3)
  std::vector<Row> rows = Values({1, 2, 3, 11, 12, 13, 21, 22, 23});
  const char* labels[] = {"A", "A", "A", "B", "B", "B", "A", "A", "A"};
  for (size_t i = 0; i < rows.size(); ++i) rows[i].phase = labels[i];
  const Analysis a = Analysed(rows, WithChart(Chart::kI));
  ASSERT_EQ(a.phases.size(), 3u);
  EXPECT_EQ(a.phases[0].label, "A");
  EXPECT_EQ(a.phases[1].label, "B");
  EXPECT_EQ(a.phases[2].label, "A");
  EXPECT_EQ(a.phases[2].first, 6u);
  EXPECT_EQ(a.phases[2].n, 3u);
  // each its own mean: 2, 12, 22
  EXPECT_DOUBLE_EQ(a.points[0].centre, 2.0);
  EXPECT_DOUBLE_EQ(a.points[3].centre, 12.0);
  EXPECT_DOUBLE_EQ(a.points[8].centre, 22.0);
  EXPECT_EQ(a.points[8].phase, 2);
}

TEST(Phases, ARebaseDateStartsANewPhase) {
  Options o = WithChart(Chart::kI);
  o.rebase = {4 * kDay};
  const Analysis a = Analysed(Values({1, 2, 3, 11, 12, 13}), o);
  ASSERT_EQ(a.phases.size(), 2u);
  // unlabelled phases are numbered from 1
  EXPECT_EQ(a.phases[0].label, "1");
  EXPECT_EQ(a.phases[1].label, "2");
  EXPECT_EQ(a.phases[1].first, 3u);
  EXPECT_DOUBLE_EQ(a.points[2].centre, 2.0);
  EXPECT_DOUBLE_EQ(a.points[3].centre, 12.0);
}

TEST(Phases, ARebaseOnTheFirstDateMakesNoEmptyPhase) {
  // PTD: rebase_group = cumsum(rebase) is 1 from the first row on: one group
  Options o = WithChart(Chart::kI);
  o.rebase = {1 * kDay};
  const Analysis a = Analysed(Values({1, 2, 3}), o);
  ASSERT_EQ(a.phases.size(), 1u);
  EXPECT_EQ(a.phases[0].n, 3u);
}

TEST(Phases, LabelsAndRebaseDatesCombine) {
  // labels A A A B B B and a rebase at day 5: phases [0, 3), [3, 4), [4, 6)
  std::vector<Row> rows = Values({1, 2, 3, 11, 12, 13});
  for (size_t i = 0; i < rows.size(); ++i) rows[i].phase = i < 3 ? "A" : "B";
  Options o = WithChart(Chart::kI);
  o.rebase = {5 * kDay};
  const Analysis a = Analysed(rows, o);
  ASSERT_EQ(a.phases.size(), 3u);
  EXPECT_EQ(a.phases[1].first, 3u);
  EXPECT_EQ(a.phases[1].n, 1u);
  EXPECT_EQ(a.phases[2].first, 4u);
  // phase 3: mean of 12 and 13
  EXPECT_DOUBLE_EQ(a.points[5].centre, 12.5);
}

// Phase A: 9, 11, 9, 11, 9, 11, 9, 11, 12, 12, 12, 12 (mean 128/12 = 10.67: the last four
// above); phase B: 12, 12, 12, 10, 11, 10, 11, 10 (mean 88/8 = 11: the first three above).
// Seven points in a row above their own centre, but across the break. As one phase (mean
// 216/20 = 10.8) the same seven points are a shift.
std::vector<Row> ShiftAcrossABreak() {
  return Values({9, 11, 9, 11, 9, 11, 9, 11, 12, 12, 12, 12, 12, 12, 12, 10, 11, 10, 11, 10});
}

TEST(Phases, AShiftNeverSpansAPhaseBreak) {
  const auto rows = ShiftAcrossABreak();
  const Analysis one = Analysed(rows, WithChart(Chart::kI));
  for (int i = 8; i <= 14; ++i) EXPECT_EQ(one.points[i].rule, Rule::kShift) << i;
  Options o = WithChart(Chart::kI);
  o.rebase = {13 * kDay};
  const Analysis two = Analysed(rows, o);
  ASSERT_EQ(two.phases.size(), 2u);
  for (const Point& p : two.points) EXPECT_EQ(p.rule, Rule::kNone);
}

// Phase A: 9, 11, 9, 11, 9, 11, 9, 11, 8, 9, 10; phase B: 10.5, 11, 11.5, 12, 9, 11, 9, 11.
// 8, 9, 10 | 10.5, 11, 11.5, 12 rise seven times in a row, across the break.
TEST(Phases, ATrendNeverSpansAPhaseBreak) {
  const auto rows =
      Values({9, 11, 9, 11, 9, 11, 9, 11, 8, 9, 10, 10.5, 11, 11.5, 12, 9, 11, 9, 11});
  const Analysis one = Analysed(rows, WithChart(Chart::kI));
  for (int i = 8; i <= 14; ++i) EXPECT_EQ(one.points[i].rule, Rule::kTrend) << i;
  std::vector<Row> phased = rows;
  for (size_t i = 0; i < phased.size(); ++i) phased[i].phase = i < 11 ? "A" : "B";
  const Analysis two = Analysed(phased, WithChart(Chart::kI));
  ASSERT_EQ(two.phases.size(), 2u);
  for (const Point& p : two.points) EXPECT_NE(p.rule, Rule::kTrend);
}

// --- sorting -----------------------------------------------------------------------------------

TEST(Sorting, UnsortedRowsAreSortedWithAWarning) {
  // lines 2, 3, 4 dated days 3, 1, 2
  const auto rows = AtDays({{3, 30}, {1, 10}, {2, 20}});
  const Analysis a = Analysed(rows, WithChart(Chart::kI));
  ASSERT_EQ(a.points.size(), 3u);
  EXPECT_DOUBLE_EQ(a.points[0].value, 10.0);
  EXPECT_DOUBLE_EQ(a.points[1].value, 20.0);
  EXPECT_DOUBLE_EQ(a.points[2].value, 30.0);
  // Point::row indexes the input rows
  EXPECT_EQ(a.points[0].row, 1u);
  EXPECT_EQ(a.points[2].row, 0u);
  ASSERT_TRUE(HasWarning(a, WarningCode::kUnsortedInput));
}

TEST(Sorting, IsStable) {
  // lines 2, 3, 4 dated days 2, 1, 1: after a stable sort line 3 comes before line 4, so the
  // repeated date is reported on line 4, "also on line 3"
  EXPECT_TRUE(FailsWith(AtDays({{2, 5}, {1, 6}, {1, 7}}), WithChart(Chart::kI),
                        ErrorCode::kDuplicateDate, "repeated date (also on line 3)", 4, "date"));
  // and a subgroup's first row is the first of its date in input order
  const Analysis a = Analysed(AtDays({{2, 5}, {1, 6}, {1, 7}}), WithChart(Chart::kXbar));
  ASSERT_EQ(a.points.size(), 2u);
  EXPECT_EQ(a.points[0].row, 1u);
  EXPECT_DOUBLE_EQ(a.points[0].value, 6.5);
}

// --- invalid options ---------------------------------------------------------------------------

testing::AssertionResult Invalid(const Options& o, const std::string& message,
                                 const std::string& field) {
  auto result = Validate(o);
  if (result) return testing::AssertionFailure() << "valid";
  const Error& e = result.error();
  if (e.code != ErrorCode::kInvalidOption || e.message != message || e.field != field) {
    return testing::AssertionFailure()
           << "message \"" << e.message << "\", field \"" << e.field << "\"";
  }
  // Analyse refuses the same options with the same error.
  auto analysed = Analyse(Values({1, 2, 3}), o);
  if (analysed || analysed.error().message != message) {
    return testing::AssertionFailure() << "Analyse did not refuse them alike";
  }
  return testing::AssertionSuccess();
}

TEST(Validate, AcceptsTheDefaults) { EXPECT_TRUE(Validate(Options{}).has_value()); }

TEST(Validate, RefusesANegativeBaseline) {
  Options o;
  o.baseline = -1;
  EXPECT_TRUE(Invalid(o, "baseline must not be negative", "baseline"));
}

TEST(Validate, RefusesAMultiplyAtOrBelowZero) {
  for (double m : {0.0, -100.0, kMissing, std::numeric_limits<double>::infinity()}) {
    SCOPED_TRACE(m);
    Options o;
    o.multiply = m;
    EXPECT_TRUE(Invalid(o, "multiply must be a number greater than zero", "multiply"));
  }
}

TEST(Validate, RefusesATrendLengthOutsideTwoToOneHundred) {
  for (int n : {1, 101, 0, -7}) {
    SCOPED_TRACE(n);
    Options o;
    o.trend_length = n;
    EXPECT_TRUE(Invalid(o, "trend length must be a whole number from 2 to 100", "trend-length"));
  }
  for (int n : {2, 100}) {
    Options o;
    o.trend_length = n;
    EXPECT_TRUE(Validate(o).has_value()) << n;
  }
}

TEST(Validate, RefusesAShiftLengthOutsideTwoToOneHundred) {
  for (int n : {1, 101}) {
    SCOPED_TRACE(n);
    Options o;
    o.shift_length = n;
    EXPECT_TRUE(Invalid(o, "shift length must be a whole number from 2 to 100", "shift-length"));
  }
  for (int n : {2, 100}) {
    Options o;
    o.shift_length = n;
    EXPECT_TRUE(Validate(o).has_value()) << n;
  }
}

TEST(Validate, RefusesALimitConstantAtOrBelowZero) {
  for (double k : {0.0, -3.0}) {
    SCOPED_TRACE(k);
    Options o;
    o.limit_constant = k;
    EXPECT_TRUE(Invalid(o, "limit constant must be a number greater than zero", "limit-constant"));
  }
}

}  // namespace
}  // namespace everyseat::spc
