// Making Data Count special-cause rules (peer-methods.md §B3-§B5, spc.md §2 and §5): each rule,
// their precedence, the windows and sides recorded, point types by direction, missing values,
// the run chart (trend and shift only) and the anhoej profile (outside limits only).
//
// Most series start with the same 13-point baseline, chosen so that the limits are simple
// and the baseline itself holds no pattern:
//   10, 12, 10, 8, 10, 12, 10, 8, 10, 12, 10, 8, 10   (Options::baseline = 13)
//   mean = 130 / 13 = 10; every moving range is 2, so MR-bar = 2 (none screened);
//   process limits 10 -/+ 2.66 * 2 = 15.32 / 4.68 (peer-methods B3.5);
//   2-sigma lines 10 -/+ (2 * 2.66 / 3) * 2 = 13.546667 / 6.453333 (B3.6).
// The baseline ends on the mean (a point on the mean breaks a shift), so a pattern that follows
// it starts at index 13 and cannot borrow baseline points.
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

std::string Describe(const Point& p) {
  return "rule " + std::string(Name(p.rule)) + ", side " + std::string(Name(p.side)) +
         ", window [" + std::to_string(p.window_first) + ", " + std::to_string(p.window_last) +
         "], type " + std::string(Name(p.type));
}

// The point was made special cause by `rule`, on `side`, by the points [first, last].
testing::AssertionResult Is(const Point& p, Rule rule, Side side, int first, int last) {
  if (p.rule == rule && p.side == side && p.window_first == first && p.window_last == last &&
      p.special_cause()) {
    return testing::AssertionSuccess();
  }
  return testing::AssertionFailure() << Describe(p);
}

testing::AssertionResult IsCommonCause(const Point& p) {
  if (p.rule == Rule::kNone && p.side == Side::kNone && p.window_first == -1 &&
      p.window_last == -1 && !p.special_cause()) {
    return testing::AssertionSuccess();
  }
  return testing::AssertionFailure() << Describe(p);
}

TEST(MdcBaseline, HoldsNoPatternAndHasTheLimitsWorkedOutAbove) {
  const Analysis a = Analysed(AfterBaseline({}), Xmr());
  ASSERT_EQ(a.points.size(), 13u);
  for (const Point& p : a.points) {
    EXPECT_TRUE(IsCommonCause(p));
    EXPECT_EQ(p.type, PointType::kCommonCause);
  }
  // See the file comment.
  EXPECT_DOUBLE_EQ(a.points[0].centre, 10.0);
  EXPECT_NEAR(a.points[0].upper, 15.32, 1e-12);
  EXPECT_NEAR(a.points[0].lower, 4.68, 1e-12);
  EXPECT_NEAR(a.points[0].upper_2sigma, 13.546666666666667, 1e-12);
  EXPECT_NEAR(a.points[0].lower_2sigma, 6.453333333333333, 1e-12);
}

// --- outside limits ----------------------------------------------------------------------------

TEST(OutsideLimits, FlagsThePointItselfOnItsSideOfTheCentre) {
  const Analysis a = Analysed(AfterBaseline({16, 10, 4}), Xmr());
  // 16 > 15.32; 4 < 4.68; the window is the point alone
  EXPECT_TRUE(Is(a.points[13], Rule::kOutsideLimits, Side::kHigh, 13, 13));
  EXPECT_TRUE(IsCommonCause(a.points[14]));
  EXPECT_TRUE(Is(a.points[15], Rule::kOutsideLimits, Side::kLow, 15, 15));
}

TEST(OutsideLimits, APointOnTheLimitIsInside) {
  // limit_constant 3 makes the limits exact: 10 -/+ 3 * 2 = 16 / 4 (peer-methods B3.7: strict)
  Options o = Xmr();
  o.limit_constant = 3;
  const Analysis a = Analysed(AfterBaseline({16, 10, 4, 10, 16.001}), o);
  EXPECT_TRUE(IsCommonCause(a.points[13]));
  EXPECT_TRUE(IsCommonCause(a.points[15]));
  EXPECT_TRUE(Is(a.points[17], Rule::kOutsideLimits, Side::kHigh, 17, 17));
}

struct TypeCase {
  Direction direction;
  PointType high;
  PointType low;
};

TEST(PointTypes, FollowTheImprovementDirection) {
  // peer-methods B5: v = +1 above / -1 below; v * d > 0 improvement, < 0 concern; neutral:
  // neutral_high / neutral_low
  const TypeCase cases[] = {
      {Direction::kIncrease, PointType::kImprovement, PointType::kConcern},
      {Direction::kDecrease, PointType::kConcern, PointType::kImprovement},
      {Direction::kNeutral, PointType::kNeutralHigh, PointType::kNeutralLow},
  };
  for (const TypeCase& c : cases) {
    SCOPED_TRACE(std::string(Name(c.direction)));
    const Analysis a = Analysed(AfterBaseline({16, 10, 4}), Xmr(c.direction));
    EXPECT_EQ(a.points[13].type, c.high);
    EXPECT_EQ(a.points[14].type, PointType::kCommonCause);
    EXPECT_EQ(a.points[15].type, c.low);
  }
}

// --- trend -------------------------------------------------------------------------------------

TEST(Trend, SevenRisingPointsAreATrendHigh) {
  const Analysis a = Analysed(AfterBaseline({7, 8, 9, 9.5, 10.5, 11, 12}), Xmr());
  for (int i = 13; i <= 19; ++i) {
    EXPECT_TRUE(Is(a.points[i], Rule::kTrend, Side::kHigh, 13, 19)) << i;
    // rising is better under increase
    EXPECT_EQ(a.points[i].type, PointType::kImprovement) << i;
  }
}

TEST(Trend, SevenFallingPointsAreATrendLow) {
  const Analysis a = Analysed(AfterBaseline({13, 12, 11.5, 10.5, 9.5, 9, 8}), Xmr());
  for (int i = 13; i <= 19; ++i) {
    EXPECT_TRUE(Is(a.points[i], Rule::kTrend, Side::kLow, 13, 19)) << i;
    EXPECT_EQ(a.points[i].type, PointType::kConcern) << i;
  }
}

TEST(Trend, SideIsTheDirectionWhicheverSideOfTheCentre) {
  // Seven falling points all above the mean: trend low (not shift high) -> a concern under
  // increase although every point is above the mean (peer-methods B5, consequence).
  const Analysis a = Analysed(AfterBaseline({13, 12.5, 12, 11.5, 11, 10.5, 10.2}), Xmr());
  for (int i = 13; i <= 19; ++i) {
    EXPECT_TRUE(Is(a.points[i], Rule::kTrend, Side::kLow, 13, 19)) << i;
    EXPECT_EQ(a.points[i].type, PointType::kConcern) << i;
  }
}

TEST(Trend, TypesUnderDecreaseAndNeutral) {
  const auto rows = AfterBaseline({7, 8, 9, 9.5, 10.5, 11, 12});
  EXPECT_EQ(Analysed(rows, Xmr(Direction::kDecrease)).points[16].type, PointType::kConcern);
  EXPECT_EQ(Analysed(rows, Xmr(Direction::kNeutral)).points[16].type, PointType::kNeutralHigh);
  const auto falling = AfterBaseline({13, 12, 11.5, 10.5, 9.5, 9, 8});
  EXPECT_EQ(Analysed(falling, Xmr(Direction::kDecrease)).points[16].type, PointType::kImprovement);
  EXPECT_EQ(Analysed(falling, Xmr(Direction::kNeutral)).points[16].type, PointType::kNeutralLow);
}

TEST(Trend, SixRisingPointsAreNotEnough) {
  const Analysis a = Analysed(AfterBaseline({7, 8, 9, 9.5, 10.5, 11, 8}), Xmr());
  for (const Point& p : a.points) EXPECT_TRUE(IsCommonCause(p));
}

TEST(Trend, EqualConsecutiveValuesBreakATrend) {
  // 7, 8, 9 | 9, 9.5, 10.5, 11, 12: the step 9 -> 9 is not strictly rising (B4.2)
  const Analysis a = Analysed(AfterBaseline({7, 8, 9, 9, 9.5, 10.5, 11, 12}), Xmr());
  for (const Point& p : a.points) EXPECT_TRUE(IsCommonCause(p));
}

TEST(Trend, NineRisingPointsFlagAllNineWithTheEarliestWindow) {
  const Analysis a = Analysed(AfterBaseline({6.5, 7, 8, 9, 9.5, 10.5, 11, 12, 13}), Xmr());
  ASSERT_EQ(a.points.size(), 22u);
  // B4.2: every point of a trend window is flagged. Window: the earliest 7-point rising window
  // containing the point (spc.md §5): [13, 19] for 13..19, [14, 20] for 20, [15, 21] for 21.
  for (int i = 13; i <= 19; ++i) EXPECT_TRUE(Is(a.points[i], Rule::kTrend, Side::kHigh, 13, 19));
  EXPECT_TRUE(Is(a.points[20], Rule::kTrend, Side::kHigh, 14, 20));
  EXPECT_TRUE(Is(a.points[21], Rule::kTrend, Side::kHigh, 15, 21));
}

TEST(Trend, AFlaggedPointFollowedByAnEqualFlaggedPointIsLabelledDecreasing) {
  // Seven rising points (13..19) ending at 12, then a plateau: 12 again at 20, which starts seven
  // falling points (20..26). Point 19 ends the rising trend and the next point is flagged too,
  // so its direction is sign(y_20 - y_19) = sign(0) (peer-methods B4.2). NHSRplotthedots 0.2.2
  // (R/ptd_calculate_point_type.R, ptd_special_cause_type) then labels it
  //   paste0("7 Point Trend (", ifelse(sdy == 1, "In", "De"), "creasing)")
  // i.e. "7 Point Trend (Decreasing)" for sdy = 0: side low, a concern under increase.
  // spc.md §2: mdc follows NHSRplotthedots exactly (§8: no exceptions).
  const Analysis a =
      Analysed(AfterBaseline({7, 8, 9, 9.5, 10.5, 11, 12, 12, 11, 10.5, 9.5, 9, 8, 7}), Xmr());
  ASSERT_EQ(a.points.size(), 27u);
  for (int i = 13; i <= 26; ++i) EXPECT_EQ(a.points[i].rule, Rule::kTrend) << i;
  // 13..18: next point flagged and higher -> Increasing
  EXPECT_EQ(a.points[18].side, Side::kHigh);
  // 19: the tie -> Decreasing
  EXPECT_EQ(a.points[19].side, Side::kLow) << Describe(a.points[19]);
  EXPECT_EQ(a.points[19].type, PointType::kConcern);
  // 20..26: falling
  EXPECT_EQ(a.points[20].side, Side::kLow);
  EXPECT_EQ(a.points[26].side, Side::kLow);
}

TEST(Trend, LengthIsAParameter) {
  Options six = Xmr();
  six.trend_length = 6;
  const Analysis a = Analysed(AfterBaseline({7, 8, 9, 9.5, 10.5, 11, 8}), six);
  for (int i = 13; i <= 18; ++i) EXPECT_TRUE(Is(a.points[i], Rule::kTrend, Side::kHigh, 13, 18));
  EXPECT_TRUE(IsCommonCause(a.points[19]));

  Options eight = Xmr();
  eight.trend_length = 8;
  const Analysis b = Analysed(AfterBaseline({7, 8, 9, 9.5, 10.5, 11, 12}), eight);
  for (const Point& p : b.points) EXPECT_TRUE(IsCommonCause(p));
}

// --- two in three ------------------------------------------------------------------------------

TEST(TwoInThree, FlagsTheCloseOnesAndNotTheMiddlePoint) {
  // 14 > 13.546667 (close), 12 above the mean but not close, 14 close: the window [13, 15] is
  // all above with two close points (B4.3); the middle 12 is NOT flagged.
  const Analysis a = Analysed(AfterBaseline({14, 12, 14, 9}), Xmr());
  EXPECT_TRUE(Is(a.points[13], Rule::kTwoInThree, Side::kHigh, 13, 15));
  EXPECT_TRUE(IsCommonCause(a.points[14]));
  EXPECT_TRUE(Is(a.points[15], Rule::kTwoInThree, Side::kHigh, 13, 15));
  EXPECT_TRUE(IsCommonCause(a.points[16]));
  EXPECT_EQ(a.points[13].type, PointType::kImprovement);
}

TEST(TwoInThree, BelowTheCentre) {
  // 6 < 6.453333 (close low), 8 below but not close, 6 close low
  const Analysis a = Analysed(AfterBaseline({6, 8, 6, 11}), Xmr());
  EXPECT_TRUE(Is(a.points[13], Rule::kTwoInThree, Side::kLow, 13, 15));
  EXPECT_TRUE(IsCommonCause(a.points[14]));
  EXPECT_TRUE(Is(a.points[15], Rule::kTwoInThree, Side::kLow, 13, 15));
  EXPECT_EQ(a.points[15].type, PointType::kConcern);
}

TEST(TwoInThree, NeedsAllThreePointsOnOneSide) {
  // 14, 9, 14: two close points but the middle one is below the mean (|sum of signs| = 1)
  const Analysis a = Analysed(AfterBaseline({14, 9, 14, 9}), Xmr());
  for (const Point& p : a.points) EXPECT_TRUE(IsCommonCause(p));
}

TEST(TwoInThree, PointsBeyondTheLimitsDoNotCountByDefault) {
  // 9, 14, 16, 12, 9: 16 > 15.32 is outside, so in the window 14, 16, 12 only 14 is close
  const Analysis a = Analysed(AfterBaseline({9, 14, 16, 12, 9}), Xmr());
  EXPECT_TRUE(IsCommonCause(a.points[14]));
  EXPECT_TRUE(Is(a.points[15], Rule::kOutsideLimits, Side::kHigh, 15, 15));
  EXPECT_TRUE(IsCommonCause(a.points[16]));
}

TEST(TwoInThree, PointsBeyondTheLimitsCountWithTheOption) {
  // two_in_three_beyond_limits (MDC 2023): 14 and 16 are both beyond 2 sigma in [14, 16]; the
  // 16 keeps outside limits (precedence), the 14 becomes two in three.
  Options o = Xmr();
  o.two_in_three_beyond_limits = true;
  const Analysis a = Analysed(AfterBaseline({9, 14, 16, 12, 9}), o);
  EXPECT_TRUE(Is(a.points[14], Rule::kTwoInThree, Side::kHigh, 14, 16));
  EXPECT_TRUE(Is(a.points[15], Rule::kOutsideLimits, Side::kHigh, 15, 15));
  EXPECT_TRUE(IsCommonCause(a.points[16]));
}

// --- shift -------------------------------------------------------------------------------------

TEST(Shift, SevenPointsAboveTheMean) {
  const Analysis a = Analysed(AfterBaseline({11, 11, 11, 11, 11, 11, 11}), Xmr());
  for (int i = 13; i <= 19; ++i) {
    EXPECT_TRUE(Is(a.points[i], Rule::kShift, Side::kHigh, 13, 19)) << i;
    EXPECT_EQ(a.points[i].type, PointType::kImprovement);
  }
}

TEST(Shift, SevenPointsBelowTheMean) {
  const Analysis a = Analysed(AfterBaseline({9, 9, 9, 9, 9, 9, 9}), Xmr());
  for (int i = 13; i <= 19; ++i) {
    EXPECT_TRUE(Is(a.points[i], Rule::kShift, Side::kLow, 13, 19)) << i;
    EXPECT_EQ(a.points[i].type, PointType::kConcern);
  }
}

TEST(Shift, EightPointsTakeTheEarliestWindow) {
  const Analysis a = Analysed(AfterBaseline({11, 11, 11, 11, 11, 11, 11, 11}), Xmr());
  for (int i = 13; i <= 19; ++i) EXPECT_TRUE(Is(a.points[i], Rule::kShift, Side::kHigh, 13, 19));
  EXPECT_TRUE(Is(a.points[20], Rule::kShift, Side::kHigh, 14, 20));
}

TEST(Shift, SixPointsAreNotEnough) {
  const Analysis a = Analysed(AfterBaseline({11, 11, 11, 11, 11, 11, 9}), Xmr());
  for (const Point& p : a.points) EXPECT_TRUE(IsCommonCause(p));
}

TEST(Shift, APointOnTheMeanBreaksIt) {
  // 3 above, one exactly on the mean (10), 4 above (B4.4)
  const Analysis a = Analysed(AfterBaseline({11, 11, 11, 10, 11, 11, 11, 11}), Xmr());
  for (const Point& p : a.points) EXPECT_TRUE(IsCommonCause(p));
}

TEST(Shift, LengthIsAParameter) {
  Options six = Xmr();
  six.shift_length = 6;
  const Analysis a = Analysed(AfterBaseline({11, 11, 11, 11, 11, 11, 9}), six);
  for (int i = 13; i <= 18; ++i) EXPECT_TRUE(Is(a.points[i], Rule::kShift, Side::kHigh, 13, 18));
  EXPECT_TRUE(IsCommonCause(a.points[19]));

  Options eight = Xmr();
  eight.shift_length = 8;
  const Analysis b = Analysed(AfterBaseline({11, 11, 11, 11, 11, 11, 11, 9}), eight);
  for (const Point& p : b.points) EXPECT_TRUE(IsCommonCause(p));
}

// --- precedence --------------------------------------------------------------------------------

TEST(Precedence, OutsideLimitsBeatsTrend) {
  // 7 rising points ending at 16 > 15.32
  const Analysis a = Analysed(AfterBaseline({7, 8, 9, 10.5, 12, 13, 16}), Xmr());
  for (int i = 13; i <= 18; ++i) EXPECT_TRUE(Is(a.points[i], Rule::kTrend, Side::kHigh, 13, 19));
  EXPECT_TRUE(Is(a.points[19], Rule::kOutsideLimits, Side::kHigh, 19, 19));
}

TEST(Precedence, TrendBeatsTwoInThree) {
  // 13.6 and 14 are close (> 13.546667) with 10.5 in the window [17, 19], all above the mean,
  // but all seven points rise: trend
  const Analysis a = Analysed(AfterBaseline({6.6, 7, 8, 9, 10.5, 13.6, 14}), Xmr());
  for (int i = 13; i <= 19; ++i) EXPECT_TRUE(Is(a.points[i], Rule::kTrend, Side::kHigh, 13, 19));
}

TEST(Precedence, TwoInThreeBeatsShift) {
  // seven points above the mean; 14 (index 15) and 14 (index 17) are close in [15, 17]
  const Analysis a = Analysed(AfterBaseline({11, 11, 14, 11, 14, 11, 11}), Xmr());
  EXPECT_TRUE(Is(a.points[13], Rule::kShift, Side::kHigh, 13, 19));
  EXPECT_TRUE(Is(a.points[14], Rule::kShift, Side::kHigh, 13, 19));
  EXPECT_TRUE(Is(a.points[15], Rule::kTwoInThree, Side::kHigh, 15, 17));
  EXPECT_TRUE(Is(a.points[16], Rule::kShift, Side::kHigh, 13, 19));
  EXPECT_TRUE(Is(a.points[17], Rule::kTwoInThree, Side::kHigh, 15, 17));
  EXPECT_TRUE(Is(a.points[18], Rule::kShift, Side::kHigh, 13, 19));
  EXPECT_TRUE(Is(a.points[19], Rule::kShift, Side::kHigh, 13, 19));
}

TEST(Precedence, OutsideLimitsBeatsShift) {
  // seven points above the mean, the fourth beyond the limit
  const Analysis a = Analysed(AfterBaseline({11, 11, 11, 16, 11, 11, 11}), Xmr());
  EXPECT_TRUE(Is(a.points[15], Rule::kShift, Side::kHigh, 13, 19));
  EXPECT_TRUE(Is(a.points[16], Rule::kOutsideLimits, Side::kHigh, 16, 16));
}

// --- missing values ----------------------------------------------------------------------------

TEST(MissingValues, BreakATrendWithoutAnError) {
  // B8: NHSRplotthedots 0.2.2 errors here ("missing value where TRUE/FALSE needed"): the
  // non-missing steps of the 7-row windows are all rising. spc.md §3: a missing value breaks
  // the window, never an error.
  const Analysis a = Analysed(AfterBaseline({7, 8, 9, kMissing, 9.5, 10.5, 11, 12}), Xmr());
  ASSERT_EQ(a.points.size(), 21u);
  for (const Point& p : a.points) EXPECT_TRUE(IsCommonCause(p));
  EXPECT_EQ(a.points[16].type, PointType::kNone);
  EXPECT_EQ(a.points[15].type, PointType::kCommonCause);
}

TEST(MissingValues, BreakAShift) {
  const Analysis a = Analysed(AfterBaseline({11, 11, 11, kMissing, 11, 11, 11, 11}), Xmr());
  for (const Point& p : a.points) EXPECT_TRUE(IsCommonCause(p));
}

TEST(MissingValues, BreakATwoInThreeWindow) {
  // 14, (missing), 14: no window of three with values holds both close points
  const Analysis a = Analysed(AfterBaseline({14, kMissing, 14, 9}), Xmr());
  for (const Point& p : a.points) EXPECT_TRUE(IsCommonCause(p));
}

TEST(MissingValues, AMissingPointIsNeverSpecialCause) {
  // A missing value among seven points above the mean still has no classification.
  const Analysis a = Analysed(AfterBaseline({11, 11, 11, 11, 11, 11, 11, kMissing}), Xmr());
  EXPECT_TRUE(IsCommonCause(a.points[20]));
  EXPECT_EQ(a.points[20].type, PointType::kNone);
  EXPECT_TRUE(Is(a.points[19], Rule::kShift, Side::kHigh, 13, 19));
}

// --- run chart, anhoej -------------------------------------------------------------------------

TEST(RunChartRules, OnlyTrendAndShiftApply) {
  Options o;
  o.chart = Chart::kRun;
  o.direction = Direction::kIncrease;
  const Analysis a =
      Analysed(Values({10, 1, 2, 3, 4, 5, 6, 7, 0, 20, 20, 20, 20, 20, 20, 20, 50}), o);
  ASSERT_EQ(a.points.size(), 17u);
  // median of the 17 values (0..7, 10, 20 x7, 50) = 10 (the 9th): index 0 is on it
  EXPECT_DOUBLE_EQ(a.points[0].centre, 10.0);
  EXPECT_TRUE(std::isnan(a.points[0].upper));
  EXPECT_TRUE(IsCommonCause(a.points[0]));
  // 1..7 rise (trend, beating the shift below of 1..7, 0)
  for (int i = 1; i <= 7; ++i) EXPECT_TRUE(Is(a.points[i], Rule::kTrend, Side::kHigh, 1, 7));
  // 0: eighth point below the median: shift low, window [2, 8]
  EXPECT_TRUE(Is(a.points[8], Rule::kShift, Side::kLow, 2, 8));
  // 20 x7 and 50 above: shift high; the 50 has no limits to be outside of
  for (int i = 9; i <= 15; ++i) EXPECT_TRUE(Is(a.points[i], Rule::kShift, Side::kHigh, 9, 15));
  EXPECT_TRUE(Is(a.points[16], Rule::kShift, Side::kHigh, 10, 16));
}

TEST(AnhoejRules, OnlyPointsOutsideTheLimitsAreSpecialCause) {
  Options o = Xmr();
  o.rules = Rules::kAnhoej;
  // anhoej limits: 10 -/+ 3 * 2 / 1.128 = 15.319149 / 4.680851
  // eight points above the mean (a shift under mdc), seven rising (a trend), two in three
  // close, then 16 > 15.319
  const Analysis a = Analysed(
      AfterBaseline({11, 11, 11, 11, 11, 11, 11, 11, 7, 8, 9, 9.5, 10.5, 11, 12, 14, 12, 14, 16}),
      o);
  ASSERT_EQ(a.points.size(), 32u);
  for (int i = 0; i < 31; ++i) EXPECT_TRUE(IsCommonCause(a.points[i])) << i;
  EXPECT_TRUE(Is(a.points[31], Rule::kOutsideLimits, Side::kHigh, 31, 31));
}

TEST(AnhoejRules, APointBetweenMdcAndAnhoejLimitsIsOnlyFlaggedUnderAnhoej) {
  // 15.32 (mdc) > 15.3195 > 15.319149 (anhoej)
  Options o = Xmr();
  const auto rows = AfterBaseline({15.3195});
  EXPECT_TRUE(IsCommonCause(Analysed(rows, o).points[13]));
  o.rules = Rules::kAnhoej;
  EXPECT_TRUE(Is(Analysed(rows, o).points[13], Rule::kOutsideLimits, Side::kHigh, 13, 13));
}

}  // namespace
}  // namespace everyseat::spc
