// Centre lines and limits of every chart, checked against the method rather than the engine:
// each expected number is worked out by hand from the formula in peer-methods.md §A4/§B3 (the
// numbers substituted in the comment above it) or read from Montgomery, Introduction to
// Statistical Quality Control (6th ed.), Appendix VI, for the control chart constants.
#include <algorithm>
#include <cmath>
#include <initializer_list>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "everyseat/spc/analyse.h"
#include "internal.h"
#include "series_fixtures.h"

namespace everyseat::spc {
namespace {

using namespace fixtures;  // NOLINT: the shared series helpers

Options WithChart(Chart chart, Rules rules = Rules::kMdc) {
  Options o;
  o.chart = chart;
  o.rules = rules;
  return o;
}

// --- XmR (i) -----------------------------------------------------------------------------------

TEST(XmrLimits, UseTwoPointSixSixTimesTheMeanMovingRangeUnderMdc) {
  const Analysis a = Analysed(Values({10, 12, 11, 14, 13}), WithChart(Chart::kI));
  ASSERT_EQ(a.points.size(), 5u);
  for (const Point& p : a.points) {
    // mean = (10 + 12 + 11 + 14 + 13) / 5 = 12
    EXPECT_CLOSE(p.centre, 12.0);
    // MR = 2, 1, 3, 1 -> MR-bar = 7/4 = 1.75 (none >= 3.267 * 1.75 = 5.717, so none screened);
    // peer-methods B3.5: UPL/LPL = 12 -/+ 2.66 * 1.75 = 16.655 / 7.345
    EXPECT_CLOSE(p.upper, 16.655);
    EXPECT_CLOSE(p.lower, 7.345);
    // B3.6: 12 -/+ (2 * 2.66 / 3) * 1.75 = 12 -/+ 3.103333... = 15.103333... / 8.896666...
    EXPECT_CLOSE(p.upper_2sigma, 15.103333333333333);
    EXPECT_CLOSE(p.lower_2sigma, 8.896666666666667);
  }
  ASSERT_EQ(a.phases.size(), 1u);
  // MR-bar = 7/4
  EXPECT_CLOSE(a.phases[0].moving_range_mean, 1.75);
}

TEST(XmrLimits, UseThreeOverOnePointOneTwoEightUnderAnhoej) {
  const Analysis a = Analysed(Values({10, 12, 11, 14, 13}), WithChart(Chart::kI, Rules::kAnhoej));
  ASSERT_EQ(a.points.size(), 5u);
  const Point& p = a.points[0];
  EXPECT_CLOSE(p.centre, 12.0);
  // peer-methods A4 (i): sigma = 1.75 / 1.128; 12 -/+ 3 * 1.75 / 1.128 = 12 -/+ 4.654255319...
  EXPECT_CLOSE(p.upper, 16.654255319148938);
  EXPECT_CLOSE(p.lower, 7.345744680851063);
  // 12 -/+ 2 * 1.75 / 1.128 = 12 -/+ 3.102836879...
  EXPECT_CLOSE(p.upper_2sigma, 15.102836879432624);
  EXPECT_CLOSE(p.lower_2sigma, 8.897163120567376);
}

TEST(XmrLimits, APointBetweenTheTwoConstantsTellsTheProfilesApart) {
  // Baseline 10, 12, 11, 14, 13 (limits as above); 16.6549 lies between the anhoej UCL
  // 16.654255... (3/1.128) and the mdc UPL 16.655 (2.66): peer-methods B3.5.
  Options mdc = WithChart(Chart::kI);
  mdc.baseline = 5;
  Options anhoej = WithChart(Chart::kI, Rules::kAnhoej);
  anhoej.baseline = 5;
  const auto rows = Values({10, 12, 11, 14, 13, 16.6549});
  EXPECT_EQ(Analysed(rows, mdc).points[5].rule, Rule::kNone);
  EXPECT_EQ(Analysed(rows, anhoej).points[5].rule, Rule::kOutsideLimits);
}

TEST(XmrLimits, ScreensMovingRangesAtOrAboveTheUpperRangeLimit) {
  const auto rows = Values({10, 11, 10, 11, 10, 11, 10, 11, 10, 30});
  const Analysis a = Analysed(rows, WithChart(Chart::kI));
  // mean = (5 * 10 + 4 * 11 + 30) / 10 = 12.4
  EXPECT_CLOSE(a.points[0].centre, 12.4);
  // MR = eight 1s and a 20: MR-bar0 = 28/9 = 3.111; 20 >= 3.267 * 28/9 = 10.16 is dropped
  // (peer-methods A2), MR-bar = 8/8 = 1
  EXPECT_CLOSE(a.phases[0].moving_range_mean, 1.0);
  // 12.4 -/+ 2.66 * 1 = 15.06 / 9.74
  EXPECT_CLOSE(a.points[0].upper, 15.06);
  EXPECT_CLOSE(a.points[0].lower, 9.74);
}

TEST(XmrLimits, KeepsEveryMovingRangeWhenScreeningIsOff) {
  Options o = WithChart(Chart::kI);
  o.screen_outliers = false;
  const Analysis a = Analysed(Values({10, 11, 10, 11, 10, 11, 10, 11, 10, 30}), o);
  // MR-bar = 28/9 = 3.1111...
  EXPECT_CLOSE(a.phases[0].moving_range_mean, 28.0 / 9.0);
  // 12.4 -/+ 2.66 * 28/9 = 12.4 -/+ 8.275555... = 20.675555... / 4.124444...
  EXPECT_CLOSE(a.points[0].upper, 20.675555555555555);
  EXPECT_CLOSE(a.points[0].lower, 4.124444444444444);
}

TEST(XmrLimits, DropsAMovingRangeExactlyEqualToTheThreshold) {
  // MR = 3267, 244, 244, 245: MR-bar0 = 4000/4 = 1000 and 3.267 * 1000 = 3267 exactly (also in
  // binary floating point). The rule keeps MR < 3.267 * MR-bar0 strictly (peer-methods A2),
  // so 3267 is dropped: MR-bar = (244 + 244 + 245) / 3 = 733/3.
  const Analysis a = Analysed(Values({0, 3267, 3023, 3267, 3022}), WithChart(Chart::kI));
  EXPECT_CLOSE(a.phases[0].moving_range_mean, 733.0 / 3.0);
  // mean = 12579 / 5 = 2515.8
  EXPECT_CLOSE(a.points[0].centre, 2515.8);
}

TEST(XmrLimits, ConstantSeriesWithScreeningHasNoLimits) {
  // MR-bar0 = 0: every MR (0) is >= 3.267 * 0, all dropped, MR-bar missing (peer-methods A5).
  const Analysis a = Analysed(Values({5, 5, 5, 5, 5}), WithChart(Chart::kI));
  for (const Point& p : a.points) {
    EXPECT_CLOSE(p.centre, 5.0);
    EXPECT_MISSING(p.lower);
    EXPECT_MISSING(p.upper);
    EXPECT_MISSING(p.lower_2sigma);
    EXPECT_MISSING(p.upper_2sigma);
    EXPECT_FALSE(p.special_cause());
  }
  EXPECT_MISSING(a.phases[0].moving_range_mean);
}

TEST(XmrLimits, ConstantSeriesWithoutScreeningHasLimitsOnTheMean) {
  Options o = WithChart(Chart::kI);
  o.screen_outliers = false;
  const Analysis a = Analysed(Values({5, 5, 5, 5, 5}), o);
  for (const Point& p : a.points) {
    // MR-bar = 0: LPL = mean = UPL = 5 (peer-methods B8); strict comparisons flag nothing
    EXPECT_CLOSE(p.lower, 5.0);
    EXPECT_CLOSE(p.upper, 5.0);
    EXPECT_FALSE(p.special_cause());
  }
}

TEST(XmrLimits, LimitConstantReplacesTheDefaultOnEitherProfile) {
  for (Rules rules : {Rules::kMdc, Rules::kAnhoej}) {
    Options o = WithChart(Chart::kI, rules);
    o.limit_constant = 3;
    const Point p = Analysed(Values({10, 12, 11, 14, 13}), o).points[0];
    // 12 -/+ 3 * 1.75 = 17.25 / 6.75
    EXPECT_CLOSE(p.upper, 17.25);
    EXPECT_CLOSE(p.lower, 6.75);
    // 2-sigma: 12 -/+ (2 * 3 / 3) * 1.75 = 15.5 / 8.5
    EXPECT_CLOSE(p.upper_2sigma, 15.5);
    EXPECT_CLOSE(p.lower_2sigma, 8.5);
  }
}

TEST(XmrLimits, LimitConstantDoesNotApplyToOtherCharts) {
  Options o = WithChart(Chart::kC);
  o.limit_constant = 2;
  const Point p = Analysed(Values({20, 25, 30, 25}), o).points[0];
  // c chart keeps its own 3 sigma: 25 -/+ 3 * sqrt(25) = 40 / 10 (spc.md §2 parameters)
  EXPECT_CLOSE(p.upper, 40.0);
  EXPECT_CLOSE(p.lower, 10.0);
}

// --- mr ----------------------------------------------------------------------------------------

TEST(MrLimits, CentreIsTheMeanMovingRangeNeverScreened) {
  const Analysis a = Analysed(Values({10, 12, 11, 14, 13, 30}), WithChart(Chart::kMr));
  ASSERT_EQ(a.points.size(), 6u);
  // The first point has no moving range.
  EXPECT_MISSING(a.points[0].value);
  // MR = |12-10|, |11-12|, |14-11|, |13-14|, |30-13| = 2, 1, 3, 1, 17
  EXPECT_CLOSE(a.points[1].value, 2.0);
  EXPECT_CLOSE(a.points[5].value, 17.0);
  for (const Point& p : a.points) {
    // CL = 24/5 = 4.8: the 17 would be dropped by screening (17 >= 3.267 * 4.8 = 15.68) but the
    // mr chart is never screened (peer-methods A2)
    EXPECT_CLOSE(p.centre, 4.8);
    // UCL = 3.267 * 4.8 = 15.6816, LCL = 0 (peer-methods A4)
    EXPECT_CLOSE(p.upper, 15.6816);
    EXPECT_CLOSE(p.lower, 0.0);
    // UCL95 = (3.267 / 3) * 2 * 4.8 = 10.4544; LCL95 = 0 (qicharts2 qic.mr)
    EXPECT_CLOSE(p.upper_2sigma, 10.4544);
    EXPECT_CLOSE(p.lower_2sigma, 0.0);
  }
  EXPECT_CLOSE(a.phases[0].moving_range_mean, 4.8);
  // 17 > 15.6816
  EXPECT_EQ(a.points[5].rule, Rule::kOutsideLimits);
}

// --- p, pp -------------------------------------------------------------------------------------

TEST(PLimits, CentreIsPooledAndSigmaVariesWithTheDenominator) {
  const Analysis a = Analysed(Ratios({{2, 10}, {5, 20}, {3, 20}, {10, 50}}), WithChart(Chart::kP));
  ASSERT_EQ(a.points.size(), 4u);
  // p = 2/10, 5/20, 3/20, 10/50
  EXPECT_CLOSE(a.points[0].value, 0.2);
  EXPECT_CLOSE(a.points[1].value, 0.25);
  EXPECT_CLOSE(a.points[2].value, 0.15);
  EXPECT_CLOSE(a.points[3].value, 0.2);
  // CL = (2 + 5 + 3 + 10) / (10 + 20 + 20 + 50) = 20/100 = 0.2
  for (const Point& p : a.points) EXPECT_CLOSE(p.centre, 0.2);
  // n = 10: sigma = sqrt(0.2 * 0.8 / 10) = 0.126491; UCL = 0.2 + 3 * 0.126491 = 0.579473;
  // LCL = 0.2 - 0.379473 < 0, floored at 0; 2-sigma: 0.452982 and 0.2 - 0.252982 < 0 -> 0
  EXPECT_CLOSE(a.points[0].upper, 0.5794733192202055);
  EXPECT_CLOSE(a.points[0].lower, 0.0);
  EXPECT_CLOSE(a.points[0].upper_2sigma, 0.4529822128134704);
  EXPECT_CLOSE(a.points[0].lower_2sigma, 0.0);
  // n = 20: sigma = sqrt(0.008) = 0.0894427; UCL = 0.468328; LCL = 0.2 - 0.268328 < 0 -> 0;
  // LCL95 = 0.2 - 2 * 0.0894427 = 0.0211146
  EXPECT_CLOSE(a.points[1].upper, 0.46832815729997485);
  EXPECT_CLOSE(a.points[1].lower, 0.0);
  EXPECT_CLOSE(a.points[1].lower_2sigma, 0.021114561800016807);
  // n = 50: sigma = sqrt(0.0032) = 0.0565685; 0.2 -/+ 3 * 0.0565685 = 0.369706 / 0.0302944;
  // 0.2 -/+ 2 * 0.0565685 = 0.313137 / 0.0868629
  EXPECT_CLOSE(a.points[3].upper, 0.3697056274847714);
  EXPECT_CLOSE(a.points[3].lower, 0.030294372515228596);
  EXPECT_CLOSE(a.points[3].upper_2sigma, 0.3131370849898476);
  EXPECT_CLOSE(a.points[3].lower_2sigma, 0.08686291501015239);
  // numerator and denominator are reported as used (spc.md §3)
  EXPECT_CLOSE(a.points[3].numerator, 10.0);
  EXPECT_CLOSE(a.points[3].denominator, 50.0);
}

TEST(PLimits, UpperLimitIsCappedAtOne) {
  const Analysis a = Analysed(Ratios({{8, 10}, {9, 10}, {7, 10}, {8, 10}}), WithChart(Chart::kP));
  const Point& p = a.points[0];
  // CL = 32/40 = 0.8; sigma = sqrt(0.8 * 0.2 / 10) = 0.126491
  EXPECT_CLOSE(p.centre, 0.8);
  // 0.8 + 3 * 0.126491 = 1.179 -> capped at 1; 0.8 + 2 * 0.126491 = 1.053 -> capped at 1
  // (qicharts2 qic.p caps both)
  EXPECT_CLOSE(p.upper, 1.0);
  EXPECT_CLOSE(p.upper_2sigma, 1.0);
  // 0.8 - 3 * 0.126491 = 0.420527; 0.8 - 2 * 0.126491 = 0.547018
  EXPECT_CLOSE(p.lower, 0.42052668077979455);
  EXPECT_CLOSE(p.lower_2sigma, 0.5470177871865297);
}

TEST(PpLimits, LaneySigmaZComesFromMovingRangesOfZ) {
  const Analysis a =
      Analysed(Ratios({{10, 100}, {20, 100}, {15, 100}, {30, 200}, {12, 100}, {40, 200}}),
               WithChart(Chart::kPp));
  ASSERT_EQ(a.points.size(), 6u);
  // CL = 127/800 = 0.15875
  EXPECT_CLOSE(a.points[0].centre, 0.15875);
  // z_i = (p_i - 0.15875) / sqrt(0.15875 * 0.84125 / n_i)
  //     = -1.607639, 1.128768, -0.239436, -0.338613, -1.060357, 1.596318
  // MR(z) = 2.736406, 1.368203, 0.099177, 0.721744, 2.656676; MR-bar = 1.516441
  // (none >= 3.267 * 1.516441 = 4.954, so screening drops none); peer-methods A4 (pp)
  EXPECT_CLOSE(a.phases[0].moving_range_mean, 1.516441490246447);
  // sigma_z = 1.516441 / 1.128 = 1.344363
  // n = 100: 0.15875 -/+ 3 * sqrt(0.15875 * 0.84125 / 100) * 1.344363 = 0.306136 / 0.011364
  EXPECT_CLOSE(a.points[0].upper, 0.3061363348127076);
  EXPECT_CLOSE(a.points[0].lower, 0.011363665187292427);
  EXPECT_CLOSE(a.points[0].upper_2sigma, 0.25700755654180507);
  EXPECT_CLOSE(a.points[0].lower_2sigma, 0.06049244345819495);
  // n = 200: 0.15875 -/+ 3 * sqrt(0.15875 * 0.84125 / 200) * 1.344363 = 0.262968 / 0.054532
  EXPECT_CLOSE(a.points[3].upper, 0.26296787680029643);
  EXPECT_CLOSE(a.points[3].lower, 0.054532123199703575);
}

TEST(PpLimits, ScreenMovingRangesOfZ) {
  const auto rows = Ratios({{10, 100},
                            {12, 100},
                            {9, 100},
                            {11, 100},
                            {10, 100},
                            {12, 100},
                            {9, 100},
                            {40, 100},
                            {41, 100}});
  // CL = 154/900 = 0.171111; z = (p - CL) / sqrt(CL (1 - CL) / 100)
  //    = -1.888210, -1.357151, -2.153739, -1.622680, -1.888210, -1.357151, -2.153739,
  //      6.077675, 6.343204
  // MR(z) = 0.531059, 0.796588, 0.531059, 0.265529, 0.531059, 0.796588, 8.231414, 0.265529:
  // MR-bar0 = 1.493603; 8.231414 >= 3.267 * 1.493603 = 4.880 is dropped, MR-bar = 3.717412/7
  //    = 0.531059 (peer-methods A2, A4 pp)
  const Analysis screened = Analysed(rows, WithChart(Chart::kPp));
  EXPECT_CLOSE(screened.points[0].centre, 154.0 / 900.0);
  EXPECT_CLOSE(screened.phases[0].moving_range_mean, 0.5310589481596077);
  // sigma_z = 0.531059 / 1.128 = 0.470797: CL -/+ 3 sqrt(CL (1 - CL) / 100) sigma_z
  EXPECT_CLOSE(screened.points[0].upper, 0.2243026004728132);
  EXPECT_CLOSE(screened.points[0].lower, 0.117919621749409);

  Options off = WithChart(Chart::kPp);
  off.screen_outliers = false;
  const Analysis unscreened = Analysed(rows, off);
  // MR-bar = 1.493603, sigma_z = 1.324116
  EXPECT_CLOSE(unscreened.phases[0].moving_range_mean, 1.4936032916988973);
  EXPECT_CLOSE(unscreened.points[0].upper, 0.3207121749408983);
  EXPECT_CLOSE(unscreened.points[0].lower, 0.021510047281323885);
}

// --- u, up, c ----------------------------------------------------------------------------------

TEST(ULimits, CentreIsPooledAndLowerLimitIsFlooredAtZero) {
  const Analysis a =
      Analysed(Ratios({{3, 10}, {8, 20}, {1, 10}, {12, 20}, {40, 100}}), WithChart(Chart::kU));
  ASSERT_EQ(a.points.size(), 5u);
  // CL = (3 + 8 + 1 + 12 + 40) / (10 + 20 + 10 + 20 + 100) = 64/160 = 0.4
  for (const Point& p : a.points) EXPECT_CLOSE(p.centre, 0.4);
  // n = 10: sigma = sqrt(0.4 / 10) = 0.2: UCL = 0.4 + 0.6 = 1.0; LCL = 0.4 - 0.6 < 0 -> 0
  EXPECT_CLOSE(a.points[0].upper, 1.0);
  EXPECT_CLOSE(a.points[0].lower, 0.0);
  // n = 20: sigma = sqrt(0.02) = 0.141421: UCL = 0.824264; LCL = 0.4 - 0.424264 < 0 -> 0;
  // LCL95 = 0.4 - 0.282843 = 0.117157
  EXPECT_CLOSE(a.points[1].upper, 0.8242640687119285);
  EXPECT_CLOSE(a.points[1].lower, 0.0);
  EXPECT_CLOSE(a.points[1].lower_2sigma, 0.11715728752538102);
  // n = 100: sigma = sqrt(0.004) = 0.0632456: 0.4 -/+ 0.189737 = 0.589737 / 0.210263
  EXPECT_CLOSE(a.points[4].upper, 0.5897366596101028);
  EXPECT_CLOSE(a.points[4].lower, 0.21026334038989727);
}

TEST(UpLimits, LaneyLimitsAreFlooredAtZeroButNotCapped) {
  const Analysis a = Analysed(Ratios({{4, 10}, {9, 20}, {3, 10}, {14, 20}, {5, 10}, {7, 20}}),
                              WithChart(Chart::kUp));
  // CL = 42/90 = 0.466667
  EXPECT_CLOSE(a.points[0].centre, 42.0 / 90.0);
  // z_i = (u_i - CL) / sqrt(CL / n_i) = -0.308607, -0.109109, -0.771517, 1.527525, 0.154303,
  // -0.763763; MR(z) = 0.199498, 0.662408, 2.299042, 1.373222, 0.918066: MR-bar = 1.090447
  // (none >= 3.267 * 1.090447 = 3.562); sigma_z = 1.090447 / 1.128 = 0.966708
  EXPECT_CLOSE(a.phases[0].moving_range_mean, 1.0904470776877955);
  // n = 10: 0.466667 + 3 * sqrt(0.466667 / 10) * 0.966708 = 1.093165: above 1, not capped
  EXPECT_CLOSE(a.points[0].upper, 1.0931653152332637);
  // 0.466667 - 0.626499 < 0 -> 0; LCL95 = 0.466667 - 0.417666 = 0.049001
  EXPECT_CLOSE(a.points[0].lower, 0.0);
  EXPECT_CLOSE(a.points[0].lower_2sigma, 0.049000900955602);
  // n = 20: 0.466667 -/+ 3 * sqrt(0.466667 / 20) * 0.966708 = 0.909668 / 0.023665
  EXPECT_CLOSE(a.points[1].upper, 0.9096681094723151);
  EXPECT_CLOSE(a.points[1].lower, 0.023665223861018214);
}

TEST(CLimits, SigmaIsTheRootOfTheMeanCount) {
  const Point p = Analysed(Values({20, 25, 30, 25}), WithChart(Chart::kC)).points[0];
  // CL = 100/4 = 25; sigma = sqrt(25) = 5: 25 -/+ 15 = 40 / 10; 25 -/+ 10 = 35 / 15
  EXPECT_CLOSE(p.centre, 25.0);
  EXPECT_CLOSE(p.upper, 40.0);
  EXPECT_CLOSE(p.lower, 10.0);
  EXPECT_CLOSE(p.upper_2sigma, 35.0);
  EXPECT_CLOSE(p.lower_2sigma, 15.0);
}

TEST(CLimits, LowerLimitIsFlooredAtZero) {
  const Point p = Analysed(Values({1, 2, 3, 2, 2}), WithChart(Chart::kC)).points[0];
  // CL = 10/5 = 2; UCL = 2 + 3 * sqrt(2) = 6.242641; LCL = 2 - 4.243 < 0 -> 0;
  // UCL95 = 2 + 2 * sqrt(2) = 4.828427; LCL95 = 2 - 2.828 < 0 -> 0
  EXPECT_CLOSE(p.centre, 2.0);
  EXPECT_CLOSE(p.upper, 6.242640687119286);
  EXPECT_CLOSE(p.lower, 0.0);
  EXPECT_CLOSE(p.upper_2sigma, 4.82842712474619);
  EXPECT_CLOSE(p.lower_2sigma, 0.0);
}

// --- g, t --------------------------------------------------------------------------------------

TEST(GLimits, CentreIsTheMedianAndLimitsComeFromTheMean) {
  const Point p = Analysed(Values({2, 5, 10, 3, 30}), WithChart(Chart::kG)).points[0];
  // median of 2, 3, 5, 10, 30 = 5 (peer-methods A4 g)
  EXPECT_CLOSE(p.centre, 5.0);
  // mean m = 50/5 = 10; sqrt(m (m + 1)) = sqrt(110) = 10.488088
  // UCL = 10 + 3 * 10.488088 = 41.464265; LCL = 10 - 31.46 < 0 -> 0
  EXPECT_CLOSE(p.upper, 41.464265445104544);
  EXPECT_CLOSE(p.lower, 0.0);
  // UCL95 = 10 + 2 * 10.488088 = 30.976177; LCL95 = 10 - 20.98 < 0 -> 0 (qicharts2 qic.g)
  EXPECT_CLOSE(p.upper_2sigma, 30.97617696340303);
  EXPECT_CLOSE(p.lower_2sigma, 0.0);
}

TEST(TLimits, AreAnIChartOnTheTransformBackTransformed) {
  // y = z^3.6 for z = 2, 3, 2, 4, 3, so y^(1/3.6) = z.
  std::vector<Row> rows = Values({0, 0, 0, 0, 0});
  const double z[] = {2, 3, 2, 4, 3};
  for (size_t i = 0; i < rows.size(); ++i) rows[i].value = std::pow(z[i], 3.6);
  const Analysis a = Analysed(rows, WithChart(Chart::kT));
  const Point& p = a.points[0];
  // mean z = 14/5 = 2.8; CL = 2.8^3.6 = 40.716357 (peer-methods A4 t)
  EXPECT_CLOSE(p.centre, 40.716356928691155);
  // MR(z) = 1, 1, 2, 1: MR-bar = 1.25 (none >= 4.08); sigma = 1.25 / 1.128 = 1.108156 -- the
  // t chart uses its own 3 sigma even under mdc (spc.md §2: limit constant is i only)
  // UCL = (2.8 + 3 * 1.108156)^3.6 = 6.124468^3.6 = 681.469076
  EXPECT_CLOSE(p.upper, 681.4690761028538);
  // transformed LCL = 2.8 - 3.324468 = -0.524468 < 0 -> LCL = 0
  EXPECT_CLOSE(p.lower, 0.0);
  // (2.8 -/+ 2 * 1.108156)^3.6 = 4.016312^3.6 / 0.583688^3.6 = 332.188324 / 0.143963
  EXPECT_CLOSE(p.upper_2sigma, 332.18832404304885);
  EXPECT_CLOSE(p.lower_2sigma, 0.14396290486408972);
  // moving_range_mean is on the transformed scale (types.h)
  EXPECT_CLOSE(a.phases[0].moving_range_mean, 1.25);
}

TEST(TLimits, PositiveTransformedLowerLimitIsBackTransformed) {
  std::vector<Row> rows = Values({0, 0, 0, 0, 0});
  const double z[] = {10, 11, 10, 11, 10};
  for (size_t i = 0; i < rows.size(); ++i) rows[i].value = std::pow(z[i], 3.6);
  const Point p = Analysed(rows, WithChart(Chart::kT)).points[0];
  // mean z = 52/5 = 10.4; CL = 10.4^3.6 = 4584.796052
  EXPECT_CLOSE(p.centre, 4584.796051997638);
  // MR-bar = 1; sigma = 1/1.128; LCL = (10.4 - 2.659574)^3.6 = 7.740426^3.6 = 1583.264275
  EXPECT_CLOSE(p.lower, 1583.2642752000625);
  // UCL = (10.4 + 2.659574)^3.6 = 13.059574^3.6 = 10407.45386
  EXPECT_CLOSE(p.upper, 10407.453859938756);
}

// --- xbar, s -----------------------------------------------------------------------------------

TEST(XbarLimits, EqualSubgroupSizesUseTheMeanStandardDeviation) {
  const auto rows = Subgroups({{10, 12, 11, 9, 13}, {14, 12, 13, 15, 11}, {6, 14, 10, 9, 11}});
  const Analysis a = Analysed(rows, WithChart(Chart::kXbar));
  ASSERT_EQ(a.points.size(), 3u);
  // subgroup means 55/5 = 11, 65/5 = 13, 50/5 = 10
  EXPECT_CLOSE(a.points[0].value, 11.0);
  EXPECT_CLOSE(a.points[1].value, 13.0);
  EXPECT_CLOSE(a.points[2].value, 10.0);
  const Point& p = a.points[0];
  // CL = (5 * 11 + 5 * 13 + 5 * 10) / 15 = 170/15 = 11.333333
  EXPECT_CLOSE(p.centre, 170.0 / 15.0);
  // s_i = sqrt(10/4), sqrt(10/4), sqrt(34/4); s-bar = (1.581139 * 2 + 2.915476) / 3 = 2.025918;
  // A3(5) = 3 / (c4(5) * sqrt 5) = 1.427299 (Montgomery App. VI: 1.427):
  // 11.333333 -/+ 1.427299 * 2.025918 = 14.224924 / 8.441742
  EXPECT_CLOSE(p.upper, 14.224924475556708);
  EXPECT_CLOSE(p.lower, 8.44174219110996);
  // 2-sigma: A3 with 2 in place of 3: 11.333333 -/+ 0.951533 * 2.025918
  EXPECT_CLOSE(p.upper_2sigma, 13.26106076148225);
  EXPECT_CLOSE(p.lower_2sigma, 9.405605905184418);
}

TEST(SLimits, EqualSubgroupSizesUseB3AndB4) {
  const auto rows = Subgroups({{10, 12, 11, 9, 13}, {14, 12, 13, 15, 11}, {6, 14, 10, 9, 11}});
  const Analysis a = Analysed(rows, WithChart(Chart::kS));
  // s_3 = sqrt(((-4)^2 + 4^2 + 0 + 1 + 1) / 4) = sqrt(8.5)
  EXPECT_CLOSE(a.points[2].value, std::sqrt(8.5));
  const Point& p = a.points[0];
  // CL = s-bar = 2.025918
  EXPECT_CLOSE(p.centre, 2.0259178691970097);
  // B4(5) = 2.088998 (Montgomery: 2.089): UCL = 2.088998 * 2.025918 = 4.232138
  EXPECT_CLOSE(p.upper, 4.232138110772549);
  // B3(5) = max(0, 1 - 3 c5/c4) = 0: LCL = 0
  EXPECT_CLOSE(p.lower, 0.0);
  // 2-sigma: (1 -/+ 2 c5/c4) * s-bar = 1.726001 * 2.025918 / 0.274001 * 2.025918
  EXPECT_CLOSE(p.upper_2sigma, 3.496731363580703);
  EXPECT_CLOSE(p.lower_2sigma, 0.5551043748133165);
}

TEST(SLimits, LargerSubgroupsHaveAPositiveLowerLimit) {
  const auto rows =
      Subgroups({{10, 12, 11, 9, 13, 10, 12, 11, 9, 13}, {14, 12, 13, 15, 11, 14, 12, 13, 15, 11}});
  const Point p = Analysed(rows, WithChart(Chart::kS)).points[0];
  // s_1 = s_2 = sqrt(20/9) = 1.490712 = s-bar
  EXPECT_CLOSE(p.centre, std::sqrt(20.0 / 9.0));
  // B3(10) = 0.283706 (Montgomery: 0.284), B4(10) = 1.716294 (1.716): LCL = 0.422923,
  // UCL = 2.558501
  EXPECT_CLOSE(p.lower, 0.4229232731991348);
  EXPECT_CLOSE(p.upper, 2.558500696800585);
}

TEST(XbarLimits, UnequalSubgroupSizesUsePooledSdAndPerPointA3) {
  const auto rows = Subgroups({{10, 12, 14}, {14, 12, 13, 15, 11}, {8, 10, 12, 10}});
  const Analysis a = Analysed(rows, WithChart(Chart::kXbar));
  ASSERT_EQ(a.points.size(), 3u);
  // CL = (3 * 12 + 5 * 13 + 4 * 10) / 12 = 141/12 = 11.75
  for (const Point& p : a.points) EXPECT_CLOSE(p.centre, 11.75);
  // s = 2, sqrt(2.5), sqrt(8/3); pooled s-bar = sqrt((2*4 + 4*2.5 + 3*8/3) / (2+4+3))
  //   = sqrt(26/9) = 1.699673 (peer-methods A4 xbar, Montgomery 6.31)
  // n = 3: A3(3) = 1.954410 (Montgomery: 1.954): 11.75 -/+ 1.954410 * 1.699673
  EXPECT_CLOSE(a.points[0].upper, 15.071858323444587);
  EXPECT_CLOSE(a.points[0].lower, 8.428141676555413);
  // n = 5: A3(5) = 1.427299: 11.75 -/+ 1.427299 * 1.699673
  EXPECT_CLOSE(a.points[1].upper, 14.175942315449188);
  EXPECT_CLOSE(a.points[1].lower, 9.324057684550812);
  // n = 4: A3(4) = 1.628103 (Montgomery: 1.628): 11.75 -/+ 1.628103 * 1.699673
  EXPECT_CLOSE(a.points[2].upper, 14.517242687789619);
  EXPECT_CLOSE(a.points[2].lower, 8.982757312210381);
  EXPECT_CLOSE(a.points[2].upper_2sigma, 13.594828458526413);
}

TEST(SLimits, UnequalSubgroupSizesUsePooledSdAndPerPointB4) {
  const auto rows = Subgroups({{10, 12, 14}, {14, 12, 13, 15, 11}, {8, 10, 12, 10}});
  const Analysis a = Analysed(rows, WithChart(Chart::kS));
  // CL = pooled s-bar = sqrt(26/9)
  for (const Point& p : a.points) EXPECT_CLOSE(p.centre, std::sqrt(26.0 / 9.0));
  // B4(3) = 2.568170 (Montgomery: 2.568): UCL = 4.365049; B3(3) = 0
  EXPECT_CLOSE(a.points[0].upper, 4.365048972677425);
  EXPECT_CLOSE(a.points[0].lower, 0.0);
  // B4(5) = 2.088998: UCL = 3.550614
  EXPECT_CLOSE(a.points[1].upper, 3.550613631999843);
  // B4(4) = 2.266047 (Montgomery: 2.266): UCL = 3.851539
  EXPECT_CLOSE(a.points[2].upper, 3.8515394245926498);
}

// --- ip ----------------------------------------------------------------------------------------

TEST(IpLimits, FollowQicharts2IPrime) {
  const Analysis a =
      Analysed(Ratios({{52, 10}, {110, 20}, {45, 10}, {130, 20}, {60, 10}}), WithChart(Chart::kIp));
  ASSERT_EQ(a.points.size(), 5u);
  // y = 5.2, 5.5, 4.5, 6.5, 6.0; CL = sum(y n) / sum(n) = 397/70 = 5.671429
  EXPECT_CLOSE(a.points[0].centre, 397.0 / 70.0);
  // s_j = sqrt(pi/2) |y_j - y_(j-1)| / sqrt(1/n_(j-1) + 1/n_j)
  //     = 0.970813, 3.236043, 6.472086, 1.618022: mean 3.074241 (none >= 3.2665 * 3.074 = 10.04)
  // n = 10: sigma = 3.074241 * sqrt(1/10): 5.671429 -/+ 3 sigma = 8.587910 / 2.754947
  EXPECT_CLOSE(a.points[0].upper, 8.587909689076064);
  EXPECT_CLOSE(a.points[0].lower, 2.75494745378108);
  EXPECT_CLOSE(a.points[0].upper_2sigma, 7.6157493165269);
  EXPECT_CLOSE(a.points[0].lower_2sigma, 3.727107826330244);
  // n = 20: sigma = 3.074241 * sqrt(1/20): 7.733692 / 3.609165
  EXPECT_CLOSE(a.points[1].upper, 7.733692146919634);
  EXPECT_CLOSE(a.points[1].lower, 3.609164995937509);
}

TEST(IpLimits, ScreenTheScaledRangesWhenAsked) {
  const auto rows = Ratios(
      {{50, 10}, {52, 10}, {49, 10}, {51, 10}, {50, 10}, {52, 10}, {49, 10}, {90, 10}, {91, 10}});
  // y = 5.0, 5.2, 4.9, 5.1, 5.0, 5.2, 4.9, 9.0, 9.1; CL = 534/90 = 5.933333
  // s_j = sqrt(pi/2) |dy| / sqrt(1/10 + 1/10) = 0.560499, 0.840749, 0.560499, 0.280250,
  //       0.560499, 0.840749, 11.490232, 0.280250: mean 1.926716; 11.490232 >= 3.2665 * 1.926716
  //       = 6.294 is dropped -> mean s = 3.923494/7 = 0.560499 (peer-methods A4 ip)
  const Analysis screened = Analysed(rows, WithChart(Chart::kIp));
  EXPECT_CLOSE(screened.points[0].centre, 534.0 / 90.0);
  // 5.933333 -/+ 3 * 0.560499 * sqrt(1/10) = 6.465069 / 5.401597
  EXPECT_CLOSE(screened.points[0].upper, 6.465069488604988);
  EXPECT_CLOSE(screened.points[0].lower, 5.401597178061679);

  Options off = WithChart(Chart::kIp);
  off.screen_outliers = false;
  const Analysis unscreened = Analysed(rows, off);
  // 5.933333 -/+ 3 * 1.926716 * sqrt(1/10) = 7.761176 / 4.105490
  EXPECT_CLOSE(unscreened.points[0].upper, 7.761176367079646);
  EXPECT_CLOSE(unscreened.points[0].lower, 4.1054902995870215);
}

TEST(TLimits, NegativeTransformedTwoSigmaLineIsMissing) {
  // z = 1, 3, 1, 3, 1: mean 1.8, MR-bar 2, sigma = 2/1.128 = 1.773050
  std::vector<Row> rows = Values({0, 0, 0, 0, 0});
  const double z[] = {1, 3, 1, 3, 1};
  for (size_t i = 0; i < rows.size(); ++i) rows[i].value = std::pow(z[i], 3.6);
  const Point p = Analysed(rows, WithChart(Chart::kT)).points[0];
  // CL = 1.8^3.6 = 8.298145; UCL = (1.8 + 5.319149)^3.6 = 1171.496737
  EXPECT_CLOSE(p.centre, 8.29814498173977);
  EXPECT_CLOSE(p.upper, 1171.4967370088934);
  EXPECT_CLOSE(p.upper_2sigma, 417.76617482531054);
  // LCL: 1.8 - 5.319 < 0 -> 0; 2-sigma: 1.8 - 3.546 = -1.746 < 0 -> not clamped, missing
  // (peer-methods A4 t; qicharts2 qic.t sets only lcl to 0)
  EXPECT_CLOSE(p.lower, 0.0);
  EXPECT_MISSING(p.lower_2sigma);
}

TEST(XbarLimits, ASubgroupOfOneHasNoLimits) {
  const auto rows = Subgroups({{10}, {10, 12, 14}, {8, 10, 12}});
  const Analysis a = Analysed(rows, WithChart(Chart::kXbar));
  ASSERT_EQ(a.points.size(), 3u);
  // CL = (1 * 10 + 3 * 12 + 3 * 10) / 7 = 76/7; sizes differ, pooled s-bar =
  // sqrt((2 * 4 + 2 * 4) / (0 + 2 + 2)) = 2 (the lone value has no SD and weight 0)
  EXPECT_CLOSE(a.points[0].centre, 76.0 / 7.0);
  EXPECT_CLOSE(a.points[0].value, 10.0);
  // A3(1) is missing: no limits for the subgroup of one (peer-methods A4 notes)
  EXPECT_MISSING(a.points[0].upper);
  EXPECT_MISSING(a.points[0].lower);
  // n = 3: 76/7 -/+ A3(3) * 2 = 10.857143 -/+ 1.954410 * 2
  EXPECT_CLOSE(a.points[1].upper, 14.765962952366218);
  EXPECT_CLOSE(a.points[1].lower, 6.948322761919497);
}

TEST(GLimits, ExcludedPointsAreLeftOutOfMedianAndMean) {
  std::vector<Row> rows = Values({2, 5, 1000, 10, 3, 30});
  rows[2].exclude = true;
  const Point p = Analysed(rows, WithChart(Chart::kG)).points[0];
  // as without the 1000: median 5, mean 10, UCL 10 + 3 sqrt(110)
  EXPECT_CLOSE(p.centre, 5.0);
  EXPECT_CLOSE(p.upper, 41.464265445104544);
}

TEST(RunLimits, CentreIsTheMedianAndThereAreNoLimits) {
  const Point p = Analysed(Values({4, 1, 9, 7}), WithChart(Chart::kRun)).points[0];
  // median of 1, 4, 7, 9 = (4 + 7) / 2 = 5.5
  EXPECT_CLOSE(p.centre, 5.5);
  EXPECT_MISSING(p.upper);
  EXPECT_MISSING(p.lower);
  EXPECT_MISSING(p.upper_2sigma);
  EXPECT_MISSING(p.lower_2sigma);
}

TEST(MrLimits, BaselineTakesTheMovingRangesOfTheFirstNPoints) {
  Options o = WithChart(Chart::kMr);
  o.baseline = 5;
  const Analysis a = Analysed(Values({10, 12, 11, 14, 13, 30, 10}), o);
  // MRs of points 2..5 (in the baseline): 2, 1, 3, 1 -> CL 1.75; UCL 3.267 * 1.75 = 5.71725
  EXPECT_CLOSE(a.points[6].centre, 1.75);
  EXPECT_CLOSE(a.points[6].upper, 5.71725);
  // |30 - 13| = 17 and |10 - 30| = 20 are plotted and tested
  EXPECT_CLOSE(a.points[5].value, 17.0);
  EXPECT_EQ(a.points[6].rule, Rule::kOutsideLimits);
}

// --- multiply, baseline, exclude ---------------------------------------------------------------

TEST(Multiply, ScalesValueCentreLimitsAndTwoSigmaLines) {
  Options o = WithChart(Chart::kP);
  o.multiply = 100;
  const Analysis a = Analysed(Ratios({{2, 10}, {5, 20}, {3, 20}, {10, 50}}), o);
  const Point& p = a.points[3];
  // 100 * 10/50 = 20; 100 * CL 0.2 = 20; n = 50 limits 100 * 0.369706 / 100 * 0.0302944
  EXPECT_CLOSE(p.value, 20.0);
  EXPECT_CLOSE(p.centre, 20.0);
  EXPECT_CLOSE(p.upper, 36.97056274847714);
  EXPECT_CLOSE(p.lower, 3.0294372515228596);
  EXPECT_CLOSE(p.upper_2sigma, 31.31370849898476);
  EXPECT_CLOSE(p.lower_2sigma, 8.686291501015239);
  // The counts are not percentages.
  EXPECT_CLOSE(p.numerator, 10.0);
  EXPECT_CLOSE(p.denominator, 50.0);
}

TEST(Multiply, ScalesTheMovingRangeMeanOfAnIChart) {
  Options o = WithChart(Chart::kI);
  o.multiply = 100;
  const Analysis a = Analysed(Values({10, 12, 11, 14, 13}), o);
  // 100 * 12, 100 * 16.655, 100 * 1.75
  EXPECT_CLOSE(a.points[0].value, 1000.0);
  EXPECT_CLOSE(a.points[0].centre, 1200.0);
  EXPECT_CLOSE(a.points[0].upper, 1665.5);
  EXPECT_CLOSE(a.phases[0].moving_range_mean, 175.0);
}

TEST(Baseline, FirstNPointsFixTheLimitsForTheRest) {
  Options o = WithChart(Chart::kI);
  o.baseline = 5;
  const Analysis a = Analysed(Values({10, 12, 11, 14, 13, 30, 31, 29}), o);
  ASSERT_EQ(a.points.size(), 8u);
  for (size_t i = 0; i < a.points.size(); ++i) {
    const Point& p = a.points[i];
    // From the first 5 only: mean 12, MR-bar 1.75 -> 16.655 / 7.345 for every point
    EXPECT_CLOSE(p.centre, 12.0);
    EXPECT_CLOSE(p.upper, 16.655);
    EXPECT_CLOSE(p.lower, 7.345);
    EXPECT_EQ(p.baseline, i < 5) << i;
  }
  // 30, 31, 29 > 16.655
  for (size_t i = 5; i < 8; ++i) EXPECT_EQ(a.points[i].rule, Rule::kOutsideLimits) << i;
}

TEST(Baseline, AppliesWithinEachPhase) {
  std::vector<Row> rows = Values({10, 12, 11, 14, 13, 20, 21, 50, 52, 51, 54, 53, 70, 71});
  for (size_t i = 0; i < rows.size(); ++i) rows[i].phase = i < 7 ? "A" : "B";
  Options o = WithChart(Chart::kI);
  o.baseline = 5;
  const Analysis a = Analysed(rows, o);
  ASSERT_EQ(a.phases.size(), 2u);
  // Phase A: first 5 = 10, 12, 11, 14, 13: 12 -/+ 2.66 * 1.75
  EXPECT_CLOSE(a.points[6].centre, 12.0);
  EXPECT_CLOSE(a.points[6].upper, 16.655);
  // Phase B: first 5 = 50, 52, 51, 54, 53: mean 52, MR = 2, 1, 3, 1 -> 52 -/+ 4.655
  EXPECT_CLOSE(a.points[13].centre, 52.0);
  EXPECT_CLOSE(a.points[13].upper, 56.655);
  EXPECT_CLOSE(a.points[13].lower, 47.345);
  EXPECT_TRUE(a.points[7].baseline);
  EXPECT_TRUE(a.points[11].baseline);
  EXPECT_FALSE(a.points[12].baseline);
}

TEST(Exclude, LeavesThePointOutOfCentreAndLimitsAndBridgesMovingRanges) {
  Options o = WithChart(Chart::kI);
  o.exclude = {3 * kDay};
  const Analysis a = Analysed(Values({10, 12, 50, 11, 14, 13}), o);
  ASSERT_EQ(a.points.size(), 6u);
  // Without the 50: mean = 60/5 = 12; MR bridge it: |12-10|, |11-12|, |14-11|, |13-14| =
  // 2, 1, 3, 1 -> 1.75 (peer-methods A4 notes); limits 16.655 / 7.345
  EXPECT_CLOSE(a.points[0].centre, 12.0);
  EXPECT_CLOSE(a.phases[0].moving_range_mean, 1.75);
  EXPECT_CLOSE(a.points[0].upper, 16.655);
  EXPECT_CLOSE(a.points[0].lower, 7.345);
  // Still plotted and still tested: 50 > 16.655
  const Point& x = a.points[2];
  EXPECT_TRUE(x.excluded);
  EXPECT_CLOSE(x.value, 50.0);
  EXPECT_EQ(x.rule, Rule::kOutsideLimits);
  EXPECT_EQ(x.side, Side::kHigh);
  EXPECT_FALSE(a.points[1].excluded);
}

TEST(Exclude, TheExcludeColumnActsLikeTheOption) {
  std::vector<Row> rows = Values({10, 12, 50, 11, 14, 13});
  rows[2].exclude = true;
  const Analysis a = Analysed(rows, WithChart(Chart::kI));
  EXPECT_TRUE(a.points[2].excluded);
  // as above: 12 and 16.655
  EXPECT_CLOSE(a.points[0].centre, 12.0);
  EXPECT_CLOSE(a.points[0].upper, 16.655);
}

// --- constants ---------------------------------------------------------------------------------

struct ConstantsRow {
  int n;
  double c4, a3, b3, b4;  // Montgomery, Appendix VI
};

TEST(ControlChartConstants, AgreeWithMontgomeryAppendixSixToItsPrintedPrecision) {
  // Montgomery, Introduction to Statistical Quality Control, Appendix VI ("Factors for
  // constructing variables control charts"): c4 to 4 decimals, A3, B3, B4 to 3.
  const ConstantsRow table[] = {
      {2, 0.7979, 2.659, 0.000, 3.267},
      {5, 0.9400, 1.427, 0.000, 2.089},
      {10, 0.9727, 0.975, 0.284, 1.716},
      {25, 0.9896, 0.606, 0.565, 1.435},
  };
  for (const ConstantsRow& row : table) {
    SCOPED_TRACE(row.n);
    const double n = row.n;
    EXPECT_NEAR(detail::C4(n), row.c4, 0.00005);
    EXPECT_NEAR(detail::A3(n, 3), row.a3, 0.0005);
    EXPECT_NEAR(detail::B3(n, 3), row.b3, 0.0005);
    EXPECT_NEAR(detail::B4(n, 3), row.b4, 0.0005);
  }
}

TEST(ControlChartConstants, AreMissingForSubgroupsOfOne) {
  // c4 is undefined for n <= 1 (qicharts2 c4: n[n <= 1] <- NA)
  EXPECT_MISSING(detail::C4(1));
  EXPECT_MISSING(detail::A3(1, 3));
  EXPECT_MISSING(detail::B3(1, 3));
  EXPECT_MISSING(detail::B4(1, 3));
}

}  // namespace
}  // namespace everyseat::spc
