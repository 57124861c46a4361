// The summary of an analysis (spc.md §4): the variation icon from the last point with a value
// (names of peer-methods.md §B6), the assurance icon from the target against the last point's
// limits (§B7), the warnings with their codes, messages and places, and the plain-English
// reading (which sentence appears when; not every word).
//
// The i chart series start with the 13-point baseline of rules_test.cc:
//   10, 12, 10, 8, 10, 12, 10, 8, 10, 12, 10, 8, 10   (Options::baseline = 13)
//   mean 10, MR-bar 2: limits 10 -/+ 2.66 * 2 = 15.32 / 4.68, 2-sigma 13.546667 / 6.453333.
// The assurance tests use a c chart whose limits are exact: 20, 25, 30, 25 -> CL = 25,
// sigma = sqrt(25) = 5, limits 25 -/+ 15 = 40 / 10 (peer-methods A4 c).
#include <algorithm>
#include <cmath>
#include <initializer_list>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "everyseat/spc/analyse.h"
#include "series_fixtures.h"

namespace everyseat::spc {
namespace {

using namespace fixtures;  // NOLINT: the shared series helpers

std::vector<Row> Repeat(double value, int n) {
  std::vector<Row> rows;
  for (int day = 1; day <= n; ++day) {
    rows.push_back(Row{.time = day * kDay, .value = value, .phase = {}, .line = day + 1});
  }
  return rows;
}

Options CChart(Direction direction, double target) {
  Options o;
  o.chart = Chart::kC;
  o.direction = direction;
  o.target = target;
  return o;
}

const Warning* Find(const Analysis& a, WarningCode code) {
  auto it = std::find_if(a.warnings.begin(), a.warnings.end(),
                         [code](const Warning& w) { return w.code == code; });
  return it == a.warnings.end() ? nullptr : &*it;
}

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// --- variation icon ----------------------------------------------------------------------------

struct IconCase {
  Direction direction;
  VariationIcon high;  // last point above the upper limit
  VariationIcon low;   // last point below the lower limit
};

TEST(VariationIcon, NamesFollowTheLastPointTypeAndDirection) {
  // peer-methods B6: improvement -> improvement_high (increase) / improvement_low (decrease);
  // concern -> concern_low (increase) / concern_high (decrease); neutral_high / neutral_low
  const IconCase cases[] = {
      {Direction::kIncrease, VariationIcon::kImprovementHigh, VariationIcon::kConcernLow},
      {Direction::kDecrease, VariationIcon::kConcernHigh, VariationIcon::kImprovementLow},
      {Direction::kNeutral, VariationIcon::kNeutralHigh, VariationIcon::kNeutralLow},
  };
  for (const IconCase& c : cases) {
    SCOPED_TRACE(std::string(Name(c.direction)));
    // 16 > 15.32; 4 < 4.68
    EXPECT_EQ(Analysed(AfterBaseline({16}), Xmr(c.direction)).summary.variation, c.high);
    EXPECT_EQ(Analysed(AfterBaseline({4}), Xmr(c.direction)).summary.variation, c.low);
  }
}

TEST(VariationIcon, IconNamesAreThoseOfNhsrPlotTheDots) {
  EXPECT_EQ(Name(VariationIcon::kCommonCause), "common_cause");
  EXPECT_EQ(Name(VariationIcon::kImprovementHigh), "improvement_high");
  EXPECT_EQ(Name(VariationIcon::kImprovementLow), "improvement_low");
  EXPECT_EQ(Name(VariationIcon::kConcernHigh), "concern_high");
  EXPECT_EQ(Name(VariationIcon::kConcernLow), "concern_low");
  EXPECT_EQ(Name(VariationIcon::kNeutralHigh), "neutral_high");
  EXPECT_EQ(Name(VariationIcon::kNeutralLow), "neutral_low");
}

TEST(VariationIcon, EarlierSpecialCausesDoNotMatter) {
  // 16 is special cause, the last point (10, on the mean) is not
  const Analysis a = Analysed(AfterBaseline({16, 10}), Xmr());
  EXPECT_EQ(a.summary.variation, VariationIcon::kCommonCause);
  EXPECT_EQ(a.summary.improvement, 1);
}

TEST(VariationIcon, ARunThatEndedOnePointEarlierIsCommonCause) {
  // seven above the mean (shift), then 9 below (peer-methods B6)
  const Analysis a = Analysed(AfterBaseline({11, 11, 11, 11, 11, 11, 11, 9}), Xmr());
  EXPECT_EQ(a.summary.variation, VariationIcon::kCommonCause);
  EXPECT_EQ(a.summary.improvement, 7);
}

TEST(VariationIcon, ComesFromTheLastPointThatHasAValue) {
  const Analysis a = Analysed(AfterBaseline({16, kMissing}), Xmr());
  EXPECT_EQ(a.summary.variation, VariationIcon::kImprovementHigh);
}

TEST(VariationIcon, ShiftAndTrendGiveIconsToo) {
  EXPECT_EQ(Analysed(AfterBaseline({9, 9, 9, 9, 9, 9, 9}), Xmr()).summary.variation,
            VariationIcon::kConcernLow);
  EXPECT_EQ(Analysed(AfterBaseline({7, 8, 9, 9.5, 10.5, 11, 12}), Xmr(Direction::kDecrease))
                .summary.variation,
            VariationIcon::kConcernHigh);
}

TEST(VariationIcon, IsNoneUnderAnhoejAndForAnEmptySeries) {
  Options o = Xmr();
  o.rules = Rules::kAnhoej;
  EXPECT_EQ(Analysed(AfterBaseline({16}), o).summary.variation, VariationIcon::kNone);
  EXPECT_EQ(Analysed({}, Xmr()).summary.variation, VariationIcon::kNone);
}

TEST(VariationIcon, CountsImprovementConcernAndNeutralPoints) {
  // 16 improvement, 4 concern (increase)
  const Analysis a = Analysed(AfterBaseline({16, 10, 4, 10, 4}), Xmr());
  EXPECT_EQ(a.summary.improvement, 1);
  EXPECT_EQ(a.summary.concern, 2);
  EXPECT_EQ(a.summary.neutral, 0);
  EXPECT_EQ(a.phases[0].improvement, 1);
  EXPECT_EQ(a.phases[0].concern, 2);
  const Analysis n = Analysed(AfterBaseline({16, 10, 4}), Xmr(Direction::kNeutral));
  EXPECT_EQ(n.summary.neutral, 2);
  EXPECT_EQ(n.summary.improvement, 0);
}

// --- assurance icon ----------------------------------------------------------------------------

struct AssuranceCase {
  Direction direction;
  double target;
  AssuranceIcon icon;
};

TEST(AssuranceIcon, ComparesTheTargetWithTheLimits) {
  // peer-methods B7, with limits 40 / 10:
  const AssuranceCase cases[] = {
      // increase: target > UPL -> fail; < LPL -> pass; between -> inconsistent
      {Direction::kIncrease, 41, AssuranceIcon::kFail},
      {Direction::kIncrease, 9, AssuranceIcon::kPass},
      {Direction::kIncrease, 25, AssuranceIcon::kInconsistent},
      // decrease: target > UPL -> pass; < LPL -> fail
      {Direction::kDecrease, 41, AssuranceIcon::kPass},
      {Direction::kDecrease, 9, AssuranceIcon::kFail},
      {Direction::kDecrease, 25, AssuranceIcon::kInconsistent},
      // a target equal to a limit -> inconsistent (B7 "incl. target = a limit")
      {Direction::kIncrease, 40, AssuranceIcon::kInconsistent},
      {Direction::kIncrease, 10, AssuranceIcon::kInconsistent},
      {Direction::kDecrease, 40, AssuranceIcon::kInconsistent},
      {Direction::kDecrease, 10, AssuranceIcon::kInconsistent},
  };
  for (const AssuranceCase& c : cases) {
    SCOPED_TRACE(std::string(Name(c.direction)) + " target " + std::to_string(c.target));
    const Analysis a = Analysed(Values({20, 25, 30, 25}), CChart(c.direction, c.target));
    ASSERT_DOUBLE_EQ(a.points[3].upper, 40.0);
    ASSERT_DOUBLE_EQ(a.points[3].lower, 10.0);
    EXPECT_EQ(a.summary.assurance, c.icon);
  }
}

TEST(AssuranceIcon, IsNoneForNeutralWithoutATargetAndUnderAnhoej) {
  EXPECT_EQ(Analysed(Values({20, 25, 30, 25}), CChart(Direction::kNeutral, 41)).summary.assurance,
            AssuranceIcon::kNone);
  EXPECT_EQ(
      Analysed(Values({20, 25, 30, 25}), CChart(Direction::kIncrease, kMissing)).summary.assurance,
      AssuranceIcon::kNone);
  Options anhoej = CChart(Direction::kIncrease, 41);
  anhoej.rules = Rules::kAnhoej;
  const Analysis a = Analysed(Values({20, 25, 30, 25}), anhoej);
  EXPECT_EQ(a.summary.assurance, AssuranceIcon::kNone);
  EXPECT_EQ(a.summary.variation, VariationIcon::kNone);
}

TEST(AssuranceIcon, IsInconsistentWithoutLimits) {
  // Constant series with screening: no limits (peer-methods B8) -> inconsistent
  Options o;
  o.chart = Chart::kI;
  o.direction = Direction::kIncrease;
  o.target = 3;
  const Analysis a = Analysed(Repeat(5, 15), o);
  EXPECT_EQ(a.summary.assurance, AssuranceIcon::kInconsistent);
  EXPECT_EQ(a.summary.variation, VariationIcon::kCommonCause);
}

TEST(AssuranceIcon, ConstantSeriesWithoutScreeningPassesATargetBelow) {
  // LPL = mean = UPL = 5 and target 3 < 5 under increase -> pass (peer-methods B8)
  Options o;
  o.chart = Chart::kI;
  o.direction = Direction::kIncrease;
  o.target = 3;
  o.screen_outliers = false;
  EXPECT_EQ(Analysed(Repeat(5, 15), o).summary.assurance, AssuranceIcon::kPass);
}

TEST(AssuranceIcon, UsesTheLastPointsOwnLimitsOnAPChart) {
  // p chart: CL = 20/100 = 0.2; the last point (n = 50) has UCL 0.369706 (limits_test), the
  // first (n = 10) 0.579473. Target 0.4 is above the last point's UCL only -> fail (increase).
  Options o;
  o.chart = Chart::kP;
  o.direction = Direction::kIncrease;
  o.target = 0.4;
  std::vector<Row> rows = Values({2, 5, 3, 10});
  const double dens[] = {10, 20, 20, 50};
  for (size_t i = 0; i < rows.size(); ++i) rows[i].denominator = dens[i];
  EXPECT_EQ(Analysed(rows, o).summary.assurance, AssuranceIcon::kFail);
  // The target is in output units: with multiply 100 the same limit is 36.97 and a target of
  // 40 (per cent) is above it.
  o.multiply = 100;
  o.target = 40;
  EXPECT_EQ(Analysed(rows, o).summary.assurance, AssuranceIcon::kFail);
  o.target = 30;
  EXPECT_EQ(Analysed(rows, o).summary.assurance, AssuranceIcon::kInconsistent);
}

TEST(AssuranceIcon, APerPointTargetIsReadFromTheLastPoint) {
  Options o = CChart(Direction::kIncrease, kMissing);
  std::vector<Row> rows = Values({20, 25, 30, 25});
  // earlier targets below the LPL (pass), the last above the UPL (fail)
  rows[0].target = rows[1].target = rows[2].target = 9;
  rows[3].target = 41;
  EXPECT_EQ(Analysed(rows, o).summary.assurance, AssuranceIcon::kFail);
  rows[0].target = rows[1].target = rows[2].target = 41;
  rows[3].target = 9;
  EXPECT_EQ(Analysed(rows, o).summary.assurance, AssuranceIcon::kPass);
}

// --- warnings ----------------------------------------------------------------------------------

TEST(Warnings, TwelvePointsAreAShortPhaseThirteenAreNot) {
  // NHSRplotthedots warns below 13 rows (peer-methods B8: a 12-point group warns)
  Options o;
  const Analysis twelve = Analysed(Values({1, 3, 2, 4, 3, 5, 4, 2, 3, 4, 2, 3}), o);
  const Warning* w = Find(twelve, WarningCode::kShortPhase);
  ASSERT_NE(w, nullptr);
  EXPECT_EQ(w->message, "The series has 12 points, fewer than 13: its limits are trial limits");
  EXPECT_EQ(w->phase, 0);
  EXPECT_EQ(w->line, 0);
  EXPECT_TRUE(twelve.phases[0].short_phase);

  const Analysis thirteen = Analysed(Values({1, 3, 2, 4, 3, 5, 4, 2, 3, 4, 2, 3, 4}), o);
  EXPECT_EQ(Find(thirteen, WarningCode::kShortPhase), nullptr);
  EXPECT_FALSE(thirteen.phases[0].short_phase);
}

TEST(Warnings, ShortPhaseNamesThePhase) {
  std::vector<Row> rows = Repeat(0, 20);
  for (size_t i = 0; i < rows.size(); ++i) {
    rows[i].value = static_cast<double>(i % 3);
    rows[i].phase = i < 14 ? "before" : "after";
  }
  const Analysis a = Analysed(rows, Options{});
  ASSERT_EQ(a.phases.size(), 2u);
  const Warning* w = Find(a, WarningCode::kShortPhase);
  ASSERT_NE(w, nullptr);
  EXPECT_EQ(w->phase, 1);
  EXPECT_EQ(w->message, "Phase after has 6 points, fewer than 13: its limits are trial limits");
}

TEST(Warnings, ABaselineUnderTwelveIsShort) {
  Options o;
  o.baseline = 11;
  const Analysis a = Analysed(Repeat(1, 20), o);
  const Warning* w = Find(a, WarningCode::kShortBaseline);
  ASSERT_NE(w, nullptr);
  EXPECT_EQ(w->message, "a baseline of 11 points is short: Making Data Count advises 12 to 20");
  o.baseline = 12;
  EXPECT_EQ(Find(Analysed(Repeat(1, 20), o), WarningCode::kShortBaseline), nullptr);
}

TEST(Warnings, ABaselineLongerThanThePhaseCoversIt) {
  std::vector<Row> rows = Repeat(0, 40);
  for (size_t i = 0; i < rows.size(); ++i) {
    rows[i].value = static_cast<double>(i % 4);
    rows[i].phase = i < 15 ? "A" : "B";
  }
  Options o;
  o.baseline = 20;
  const Analysis a = Analysed(rows, o);
  // Phase A has 15 points < 20: all of them set its limits; phase B (25 points) does not warn.
  ASSERT_EQ(
      std::count_if(a.warnings.begin(), a.warnings.end(),
                    [](const Warning& w) { return w.code == WarningCode::kBaselineCoversPhase; }),
      1);
  const Warning* w = Find(a, WarningCode::kBaselineCoversPhase);
  EXPECT_EQ(w->phase, 0);
  EXPECT_EQ(w->message,
            "Phase A has 15 points, fewer than the baseline of 20: all of them set its limits");
  for (size_t i = 0; i < 15; ++i) EXPECT_TRUE(a.points[i].baseline);
}

TEST(Warnings, AConstantSeriesWithScreeningHasNoLimits) {
  const Analysis a = Analysed(Repeat(5, 15), Options{});
  const Warning* w = Find(a, WarningCode::kNoLimits);
  ASSERT_NE(w, nullptr);
  EXPECT_EQ(w->phase, 0);
  EXPECT_EQ(a.summary.variation, VariationIcon::kCommonCause);
  // With limits there is no such warning.
  EXPECT_EQ(Find(Analysed(AfterBaseline({}), Xmr()), WarningCode::kNoLimits), nullptr);
}

TEST(Warnings, ASinglePointHasNoLimits) {
  const Analysis a = Analysed(Values({7}), Options{});
  EXPECT_NE(Find(a, WarningCode::kNoLimits), nullptr);
  EXPECT_EQ(a.summary.variation, VariationIcon::kCommonCause);
}

TEST(Warnings, AZeroDenominatorNamesTheRowsLine) {
  Options o;
  o.chart = Chart::kP;
  std::vector<Row> rows = Values({2, 0, 3, 10});
  const double dens[] = {10, 0, 20, 50};
  for (size_t i = 0; i < rows.size(); ++i) rows[i].denominator = dens[i];
  rows[1].line = 42;
  const Analysis a = Analysed(rows, o);
  const Warning* w = Find(a, WarningCode::kZeroDenominator);
  ASSERT_NE(w, nullptr);
  EXPECT_EQ(w->line, 42);
  EXPECT_EQ(w->message, "the denominator is zero: the point has no value or limits");
}

TEST(Warnings, MissingValuesAreCountedFromTheFirstLine) {
  const Analysis a = Analysed(Values({1, kMissing, 3, kMissing, 5}), Options{});
  const Warning* w = Find(a, WarningCode::kMissingValues);
  ASSERT_NE(w, nullptr);
  EXPECT_EQ(w->message, "2 points have no value");
  // day 2 is line 3
  EXPECT_EQ(w->line, 3);
  EXPECT_EQ(Find(Analysed(Values({1, 2, 3}), Options{}), WarningCode::kMissingValues), nullptr);
}

TEST(Warnings, UnsortedInputNamesTheFirstRowOutOfOrder) {
  std::vector<Row> rows = Values({1, 2, 3, 4});
  std::swap(rows[1].time, rows[2].time);  // lines 2, 3, 4, 5 dated days 1, 3, 2, 4
  const Analysis a = Analysed(rows, Options{});
  const Warning* w = Find(a, WarningCode::kUnsortedInput);
  ASSERT_NE(w, nullptr);
  EXPECT_EQ(w->line, 4);
  EXPECT_EQ(w->message, "rows are not in date order; they have been sorted");
  EXPECT_EQ(Find(Analysed(Values({1, 2, 3}), Options{}), WarningCode::kUnsortedInput), nullptr);
}

TEST(Warnings, CodesHaveTheirContractNames) {
  EXPECT_EQ(Name(WarningCode::kShortPhase), "short_phase");
  EXPECT_EQ(Name(WarningCode::kShortBaseline), "short_baseline");
  EXPECT_EQ(Name(WarningCode::kBaselineCoversPhase), "baseline_covers_phase");
  EXPECT_EQ(Name(WarningCode::kNoLimits), "no_limits");
  EXPECT_EQ(Name(WarningCode::kZeroDenominator), "zero_denominator");
  EXPECT_EQ(Name(WarningCode::kUnsortedInput), "unsorted_input");
  EXPECT_EQ(Name(WarningCode::kMissingValues), "missing_values");
}

// --- reading -----------------------------------------------------------------------------------

TEST(Reading, SaysCommonCauseWhenTheLastPointIsCommonCause) {
  const Analysis a = Analysed(AfterBaseline({16, 10}), Xmr());
  EXPECT_TRUE(Contains(a.summary.reading, "Common cause")) << a.summary.reading;
  EXPECT_FALSE(Contains(a.summary.reading, "Special cause")) << a.summary.reading;
}

TEST(Reading, NamesAShiftOfImprovement) {
  const Analysis a = Analysed(AfterBaseline({11, 11, 11, 11, 11, 11, 11}), Xmr());
  const std::string& r = a.summary.reading;
  EXPECT_TRUE(Contains(r, "Special cause of improvement")) << r;
  EXPECT_TRUE(Contains(r, "shift")) << r;
  EXPECT_TRUE(Contains(r, "7 points")) << r;
  EXPECT_TRUE(Contains(r, "above")) << r;
}

TEST(Reading, NamesAShiftOfConcern) {
  const Analysis a = Analysed(AfterBaseline({9, 9, 9, 9, 9, 9, 9, 9}), Xmr());
  const std::string& r = a.summary.reading;
  EXPECT_TRUE(Contains(r, "Special cause of concern")) << r;
  EXPECT_TRUE(Contains(r, "shift")) << r;
  // eight below the mean
  EXPECT_TRUE(Contains(r, "8 points")) << r;
  EXPECT_TRUE(Contains(r, "below")) << r;
}

TEST(Reading, NamesATrend) {
  const Analysis a = Analysed(AfterBaseline({13, 12, 11.5, 10.5, 9.5, 9, 8}), Xmr());
  const std::string& r = a.summary.reading;
  EXPECT_TRUE(Contains(r, "Special cause of concern")) << r;
  EXPECT_TRUE(Contains(r, "trend")) << r;
}

TEST(Reading, NamesTwoInThree) {
  const Analysis a = Analysed(AfterBaseline({14, 12, 14}), Xmr());
  const std::string& r = a.summary.reading;
  EXPECT_TRUE(Contains(r, "Special cause of improvement")) << r;
  EXPECT_TRUE(Contains(r, "two in three")) << r;
}

TEST(Reading, NamesAPointOutsideTheLimits) {
  const Analysis a = Analysed(AfterBaseline({4}), Xmr(Direction::kDecrease));
  const std::string& r = a.summary.reading;
  EXPECT_TRUE(Contains(r, "Special cause of improvement")) << r;
  EXPECT_TRUE(Contains(r, "below the lower process limit")) << r;
}

TEST(Reading, NeutralSpecialCauseIsNeitherImprovementNorConcern) {
  const Analysis a = Analysed(AfterBaseline({16}), Xmr(Direction::kNeutral));
  const std::string& r = a.summary.reading;
  EXPECT_TRUE(Contains(r, "Special cause")) << r;
  EXPECT_FALSE(Contains(r, "improvement")) << r;
  EXPECT_FALSE(Contains(r, "concern")) << r;
}

TEST(Reading, GivesTheAssuranceSentence) {
  const auto rows = Values({20, 25, 30, 25});
  // limits 40 / 10 (file comment)
  const std::string pass = Analysed(rows, CChart(Direction::kIncrease, 9)).summary.reading;
  EXPECT_TRUE(Contains(pass, "consistently met")) << pass;
  EXPECT_FALSE(Contains(pass, "hit and miss")) << pass;

  const std::string fail = Analysed(rows, CChart(Direction::kIncrease, 41)).summary.reading;
  EXPECT_TRUE(Contains(fail, "not met")) << fail;
  EXPECT_FALSE(Contains(fail, "consistently met")) << fail;

  const std::string mixed = Analysed(rows, CChart(Direction::kIncrease, 25)).summary.reading;
  EXPECT_TRUE(Contains(mixed, "hit and miss")) << mixed;

  const std::string none = Analysed(rows, CChart(Direction::kNeutral, 25)).summary.reading;
  EXPECT_FALSE(Contains(none, "target")) << none;
}

TEST(Reading, IsNeverEmpty) {
  EXPECT_FALSE(Analysed({}, Options{}).summary.reading.empty());
  EXPECT_FALSE(Analysed(Values({kMissing}), Options{}).summary.reading.empty());
  EXPECT_FALSE(Analysed(Repeat(5, 3), Options{}).summary.reading.empty());
  Options run;
  run.chart = Chart::kRun;
  EXPECT_FALSE(Analysed(Values({1, 2, 3}), run).summary.reading.empty());
}

TEST(Reading, UnderAnhoejDescribesTheRunsAnalysis) {
  Options o = Xmr();
  o.rules = Rules::kAnhoej;
  const std::string r = Analysed(AfterBaseline({16}), o).summary.reading;
  EXPECT_TRUE(Contains(r, "Runs analysis")) << r;
  EXPECT_FALSE(Contains(r, "Special cause of")) << r;
}

TEST(Reading, MentionsTrialLimitsOnAShortPhase) {
  const std::string r = Analysed(Values({1, 3, 2, 4, 3}), Options{}).summary.reading;
  EXPECT_TRUE(Contains(r, "trial limits")) << r;
  EXPECT_FALSE(Contains(Analysed(AfterBaseline({}), Xmr()).summary.reading, "trial limits"));
}

TEST(Reading, SaysWhenLimitsWereRecalculated) {
  std::vector<Row> rows = AfterBaseline({10, 12, 10, 8, 10, 12, 10, 8, 10, 12, 10, 8, 10});
  Options o = Xmr();
  o.rebase = {14 * kDay};
  const Analysis a = Analysed(rows, o);
  ASSERT_EQ(a.phases.size(), 2u);
  EXPECT_TRUE(Contains(a.summary.reading, "recalculated")) << a.summary.reading;
  EXPECT_FALSE(Contains(Analysed(AfterBaseline({}), Xmr()).summary.reading, "recalculated"));
}

TEST(Reading, IsStoredInTheSummaryAndAvailableOnItsOwn) {
  const Options o = Xmr();
  const Analysis a = Analysed(AfterBaseline({11, 11, 11, 11, 11, 11, 11}), o);
  EXPECT_EQ(Reading(a, o), a.summary.reading);
}

}  // namespace
}  // namespace everyseat::spc
