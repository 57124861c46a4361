// The live series: appending rows one at a time gives exactly the batch analysis of the same
// rows after every append (a property test over random series, every chart, both profiles and
// random options), and each append reports what changed.
#include "everyseat/spc/live.h"

#include <bit>
#include <cmath>
#include <cstdint>
#include <iterator>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "everyseat/spc/analyse.h"

namespace everyseat::spc {
namespace {

constexpr int64_t kDay = 86400;

const Chart kAllCharts[] = {Chart::kRun, Chart::kI,    Chart::kMr, Chart::kP, Chart::kPp,
                            Chart::kU,   Chart::kUp,   Chart::kIp, Chart::kC, Chart::kG,
                            Chart::kT,   Chart::kXbar, Chart::kS};

struct Generated {
  Options options;
  std::vector<Row> rows;
  std::vector<std::string> labels;  // owns the phase labels the rows point at
};

// A random series with the shapes the rules look for: noise, shifts, trends, flat stretches
// (ties and points on the centre line), missing values, phases, exclusions and targets.
Generated Generate(Chart chart, Rules rules, std::mt19937_64& rng) {
  Generated g;
  std::uniform_real_distribution<double> unit(0, 1);
  std::normal_distribution<double> noise(0, 1);
  auto chance = [&](double p) { return unit(rng) < p; };
  Options& o = g.options;
  o.chart = chart;
  o.rules = rules;
  o.direction = static_cast<Direction>(rng() % 3);
  o.screen_outliers = chance(0.7);
  o.baseline = chance(0.5) ? 0 : static_cast<int>(3 + rng() % 18);
  o.trend_length = 6 + static_cast<int>(rng() % 3);
  o.shift_length = 6 + static_cast<int>(rng() % 3);
  o.two_in_three_beyond_limits = chance(0.3);
  if (chance(0.2)) o.multiply = 100;
  if (chart == Chart::kI && chance(0.2)) o.limit_constant = 3.0;
  const bool target_column = chance(0.3);
  if (!target_column && chance(0.4)) o.target = 40 + 30 * unit(rng);
  const bool aggregate = !GroupsRepeatedDates(chart) && chance(0.2);
  if (aggregate) o.aggregate = static_cast<Aggregate>(1 + rng() % 3);

  const int n = 1 + static_cast<int>(rng() % 70);
  g.labels.reserve(static_cast<size_t>(n));
  double level = 50, step = 0;
  int phase_label = 1;
  int64_t time = 1'600'000'000;
  int64_t line = 2;
  for (int i = 0; i < n; ++i) {
    time += kDay * (1 + static_cast<int64_t>(rng() % 2));
    // Change the shape now and then.
    if (chance(0.08)) level += (chance(0.5) ? 1 : -1) * (3 + 5 * unit(rng));
    if (chance(0.06)) step = chance(0.5) ? 0 : (chance(0.5) ? 1.5 : -1.5);
    const bool flat = chance(0.1);
    if (chance(0.05)) ++phase_label;
    g.labels.push_back(std::to_string(phase_label));
    int rows_here = 1;
    if (chart == Chart::kXbar || chart == Chart::kS) rows_here = 1 + static_cast<int>(rng() % 5);
    if (HasDenominator(chart) && chance(0.15)) rows_here = 2;
    if (aggregate && chance(0.2)) rows_here = 2;
    level += step;
    for (int r = 0; r < rows_here; ++r) {
      Row row;
      row.time = time;
      row.line = line++;
      row.exclude = chance(0.05);
      if (target_column && chance(0.9)) row.target = 40 + 30 * unit(rng);
      double x = flat ? std::round(level) : level + 4 * noise(rng);
      if (chance(0.01)) x += 30 * noise(rng);
      switch (chart) {
        case Chart::kP:
        case Chart::kPp:
        case Chart::kU:
        case Chart::kUp:
        case Chart::kIp: {
          const double den = chance(0.04) ? 0 : std::round(50 + 150 * unit(rng));
          double p = std::clamp(x / 100, 0.0, 1.0);
          row.denominator = den;
          row.value = std::round(p * den);
          break;
        }
        case Chart::kC:
          row.value = std::max(0.0, std::round(x / 5));
          break;
        case Chart::kG:
          row.value = std::max(0.0, std::round(std::abs(x)));
          break;
        case Chart::kT:
          row.value = std::max(0.1, std::abs(x));
          break;
        default:
          row.value = x;
      }
      if (chance(0.05)) row.value = kMissing;
      g.rows.push_back(row);
    }
  }
  for (size_t i = 0; i < g.rows.size(); ++i) {
    // Rows of one date share their label (the first row of a subgroup decides).
    size_t date_index = 0;
    for (size_t j = 1; j <= i; ++j) {
      if (g.rows[j].time != g.rows[j - 1].time) ++date_index;
    }
    g.rows[i].phase = g.labels[std::min(date_index, g.labels.size() - 1)];
  }
  // Rebase and exclude dates that match rows.
  if (chance(0.3) && g.rows.size() > 5) o.rebase.push_back(g.rows[g.rows.size() / 2].time);
  if (chance(0.3) && g.rows.size() > 3) o.exclude.push_back(g.rows[g.rows.size() / 3].time);
  return g;
}

std::string Describe(const Generated& g) {
  std::string s = std::string(Name(g.options.chart)) + "/" + std::string(Name(g.options.rules)) +
                  " baseline " + std::to_string(g.options.baseline) + " rows " +
                  std::to_string(g.rows.size());
  return s;
}

TEST(LiveSeries, AppendingOneRowAtATimeGivesTheBatchResultForEveryChartAndProfile) {
  std::mt19937_64 rng(20261125);
  int series = 0;
  for (Chart chart : kAllCharts) {
    for (Rules rules : {Rules::kMdc, Rules::kAnhoej}) {
      for (int trial = 0; trial < 40; ++trial) {
        const Generated g = Generate(chart, rules, rng);
        auto live = LiveSeries::Create(g.options);
        ASSERT_TRUE(live) << live.error().message;
        for (size_t i = 0; i < g.rows.size(); ++i) {
          auto update = live->Append(g.rows[i]);
          ASSERT_TRUE(update) << Describe(g) << ": " << update.error().message;
          const bool last_of_date = i + 1 == g.rows.size() || g.rows[i + 1].time != g.rows[i].time;
          if (!last_of_date) continue;
          Options partial = g.options;
          // Only the rebase/exclude dates already seen can be asked of the batch.
          std::erase_if(partial.rebase, [&](int64_t t) { return t > g.rows[i].time; });
          std::erase_if(partial.exclude, [&](int64_t t) { return t > g.rows[i].time; });
          auto batch = Analyse(std::span<const Row>(g.rows.data(), i + 1), partial);
          ASSERT_TRUE(batch) << Describe(g) << ": " << batch.error().message;
          ASSERT_TRUE(Identical(live->analysis(), *batch))
              << Describe(g) << " differs after row " << i
              << "\nlive:  " << live->analysis().summary.reading
              << "\nbatch: " << batch->summary.reading;
        }
        ++series;
      }
    }
  }
  EXPECT_EQ(series, 13 * 2 * 40);
}

Row At(int day, double value, int64_t line = 0) {
  Row r;
  r.time = day * kDay;
  r.value = value;
  r.line = line;
  return r;
}

// Bit for bit, NaN equal to NaN.
bool SameNumber(double a, double b) {
  return (std::isnan(a) && std::isnan(b)) ||
         std::bit_cast<uint64_t>(a) == std::bit_cast<uint64_t>(b);
}

testing::AssertionResult SamePoint(const Point& a, const Point& b) {
  const double an[] = {a.value,        a.centre,    a.lower,       a.upper, a.lower_2sigma,
                       a.upper_2sigma, a.numerator, a.denominator, a.target};
  const double bn[] = {b.value,        b.centre,    b.lower,       b.upper, b.lower_2sigma,
                       b.upper_2sigma, b.numerator, b.denominator, b.target};
  for (size_t i = 0; i < std::size(an); ++i) {
    if (!SameNumber(an[i], bn[i])) {
      return testing::AssertionFailure() << "number " << i << ": " << an[i] << " vs " << bn[i];
    }
  }
  if (a.time != b.time || a.row != b.row || a.phase != b.phase ||
      a.window_first != b.window_first || a.window_last != b.window_last || a.rule != b.rule ||
      a.side != b.side || a.type != b.type || a.baseline != b.baseline ||
      a.excluded != b.excluded) {
    return testing::AssertionFailure() << "classification or position differs";
  }
  return testing::AssertionSuccess();
}

// Long i and t chart phases whose limits move with every point (no baseline): each append
// refits from running sums and classifies again only near the points its new lines moved
// (LiveSeries::State::Refit), leaving the other points' lines to be written when the whole
// analysis is read. Noise with rare outliers (moving ranges crossing the screening threshold),
// drifts, shifts and changes of phase; after every append the new point and the summary are
// the batch's, bit for bit, and so is the whole analysis, read after every 29th append.
TEST(LiveSeries, LongPhasesWithMovingLimitsStayIdenticalToTheBatchAfterEveryAppend) {
  std::mt19937_64 rng(20261127);
  std::uniform_real_distribution<double> unit(0, 1);
  std::normal_distribution<double> noise(0, 1);
  int appends = 0;
  for (Chart chart : {Chart::kI, Chart::kT}) {
    for (Rules rules : {Rules::kMdc, Rules::kAnhoej}) {
      for (int trial = 0; trial < 6; ++trial) {
        Options o;
        o.chart = chart;
        o.rules = rules;
        o.direction = static_cast<Direction>(trial % 3);
        o.screen_outliers = trial % 2 == 0;
        o.two_in_three_beyond_limits = trial % 3 == 1;
        if (trial == 5) o.multiply = 100;
        if (trial == 3) o.target = 52;  // assurance: the last point's limits against it
        const int n = 300 + 50 * trial;
        auto live = LiveSeries::Create(o);
        ASSERT_TRUE(live) << live.error().message;
        std::vector<Row> rows;
        double level = 50;
        for (int i = 0; i < n; ++i) {
          if (unit(rng) < 0.02) level += (unit(rng) < 0.5 ? -1 : 1) * 6;  // a shift now and then
          double x = level + 3 * noise(rng);
          if (unit(rng) < 0.03) x += 25 * noise(rng);  // an outlier
          if (chart == Chart::kT) x = std::max(0.1, std::abs(x));
          Row row = At(i + 1, unit(rng) < 0.02 ? kMissing : x, i + 2);
          row.exclude = unit(rng) < 0.02;
          if (trial == 4) row.phase = i < n / 3 ? "before" : i < 2 * n / 3 ? "during" : "after";
          rows.push_back(row);
          auto update = live->Append(row);
          ASSERT_TRUE(update) << update.error().message;
          ++appends;
          auto batch = Analyse(std::span<const Row>(rows), o);
          ASSERT_TRUE(batch) << batch.error().message;
          const size_t k = update->index;
          ASSERT_TRUE(SamePoint(live->point(k), batch->points[k]))
              << Name(chart) << "/" << Name(rules) << " trial " << trial << " row " << i;
          const size_t j = rng() % (k + 1);  // and one point before it
          ASSERT_TRUE(SamePoint(live->point(j), batch->points[j]))
              << Name(chart) << "/" << Name(rules) << " trial " << trial << " row " << i
              << " point " << j;
          ASSERT_TRUE(live->summary() == batch->summary)
              << Name(chart) << "/" << Name(rules) << " trial " << trial << " row " << i
              << "\nlive:  " << live->summary().reading << "\nbatch: " << batch->summary.reading;
          if (i % 29 != 0 && i + 1 != n) continue;
          ASSERT_TRUE(Identical(live->analysis(), *batch))
              << Name(chart) << "/" << Name(rules) << " trial " << trial << " differs after row "
              << i << "\nlive:  " << live->analysis().summary.reading
              << "\nbatch: " << batch->summary.reading;
        }
      }
    }
  }
  EXPECT_EQ(appends, 2 * 2 * (6 * 300 + 50 * 15));
}

// AppendMany in random chunks, then Append for a few more rows, must give the batch result too.
// Chunks may split the rows of one date (they join the open subgroup), and the rows after the
// chunks go through the one-at-a-time path from the state AppendMany left.
TEST(LiveSeries, AppendingInChunksGivesTheBatchResultForEveryChartAndProfile) {
  std::mt19937_64 rng(20261126);
  int series = 0;
  for (Chart chart : kAllCharts) {
    for (Rules rules : {Rules::kMdc, Rules::kAnhoej}) {
      for (int trial = 0; trial < 40; ++trial) {
        const Generated g = Generate(chart, rules, rng);
        auto live = LiveSeries::Create(g.options);
        ASSERT_TRUE(live) << live.error().message;
        const size_t tail = std::min<size_t>(g.rows.size(), rng() % 4);
        const size_t bulk = g.rows.size() - tail;
        size_t done = 0;
        while (done < bulk) {
          const size_t chunk = std::min<size_t>(bulk - done, 1 + rng() % 40);
          auto update = live->AppendMany(std::span<const Row>(g.rows.data() + done, chunk));
          ASSERT_TRUE(update) << Describe(g) << ": " << update.error().message;
          done += chunk;
          EXPECT_EQ(update->index, live->analysis().points.size() - 1);
        }
        for (; done < g.rows.size(); ++done) ASSERT_TRUE(live->Append(g.rows[done]));
        auto batch = Analyse(g.rows, g.options);
        ASSERT_TRUE(batch) << Describe(g) << ": " << batch.error().message;
        ASSERT_TRUE(Identical(live->analysis(), *batch))
            << Describe(g) << "\nlive:  " << live->analysis().summary.reading
            << "\nbatch: " << batch->summary.reading;
        ++series;
      }
    }
  }
  EXPECT_EQ(series, 13 * 2 * 40);
}

TEST(LiveSeries, AppendManyChecksEveryRowFirstAndChangesNothingOnError) {
  auto live = LiveSeries::Create(Options{});
  ASSERT_TRUE(live);
  ASSERT_TRUE(live->Append(At(1, 5.0, 2)));
  const std::vector<Row> rows = {At(2, 6.0, 3), At(3, 7.0, 4), At(3, 8.0, 5)};
  auto bad = live->AppendMany(rows);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, ErrorCode::kDuplicateDate);
  EXPECT_EQ(bad.error().line, 5);
  EXPECT_EQ(live->analysis().points.size(), 1u);
  const std::vector<Row> earlier = {At(0, 6.0, 6)};
  auto out_of_order = live->AppendMany(earlier);
  ASSERT_FALSE(out_of_order);
  EXPECT_EQ(out_of_order.error().code, ErrorCode::kOutOfOrder);
  EXPECT_EQ(live->analysis().points.size(), 1u);
}

TEST(LiveSeries, AppendManyReportsAChangeOfVariationIcon) {
  Options o;
  o.direction = Direction::kIncrease;
  auto live = LiveSeries::Create(o);
  ASSERT_TRUE(live);
  std::vector<Row> rows;
  for (int i = 0; i < 20; ++i) rows.push_back(At(i, i % 2 ? 9.0 : 11.0));
  ASSERT_TRUE(live->AppendMany(rows));
  EXPECT_EQ(live->analysis().summary.variation, VariationIcon::kCommonCause);
  // Seven points above the mean: a shift, the last point special cause improvement high.
  rows.clear();
  for (int i = 20; i < 27; ++i) rows.push_back(At(i, 10.5));
  auto u = live->AppendMany(rows);
  ASSERT_TRUE(u);
  EXPECT_TRUE(u->variation_changed);
  EXPECT_EQ(u->index, 26u);
  EXPECT_EQ(live->analysis().summary.variation, VariationIcon::kImprovementHigh);
  EXPECT_TRUE(u->changed.empty());
}

TEST(LiveSeries, ReportsEarlierPointsThatJoinAShiftAndTheIconChange) {
  Options o;
  o.direction = Direction::kIncrease;
  o.baseline = 12;
  auto live = LiveSeries::Create(o);
  ASSERT_TRUE(live);
  // A baseline alternating around 10, then points above the mean: the 7th makes a shift.
  for (int i = 0; i < 12; ++i) ASSERT_TRUE(live->Append(At(i, i % 2 ? 9.0 : 11.0)));
  for (int i = 12; i < 18; ++i) {
    auto u = live->Append(At(i, 10.5));
    ASSERT_TRUE(u);
    EXPECT_TRUE(u->changed.empty());
    EXPECT_FALSE(u->variation_changed);
  }
  auto u = live->Append(At(18, 10.5));
  ASSERT_TRUE(u);
  EXPECT_EQ(u->index, 18u);
  EXPECT_EQ(u->changed, (std::vector<size_t>{12, 13, 14, 15, 16, 17}));
  EXPECT_TRUE(u->variation_changed);
  const Analysis& a = live->analysis();
  EXPECT_EQ(a.points[18].rule, Rule::kShift);
  EXPECT_EQ(a.points[18].window_first, 12);
  EXPECT_EQ(a.points[18].window_last, 18);
  EXPECT_EQ(a.summary.variation, VariationIcon::kImprovementHigh);
}

TEST(LiveSeries, RefusesARowDatedBeforeTheLastAndChangesNothing) {
  auto live = LiveSeries::Create(Options{});
  ASSERT_TRUE(live);
  ASSERT_TRUE(live->Append(At(5, 1.0, 2)));
  auto bad = live->Append(At(4, 2.0, 3));
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, ErrorCode::kOutOfOrder);
  EXPECT_EQ(bad.error().line, 3);
  EXPECT_EQ(live->analysis().points.size(), 1u);
}

TEST(LiveSeries, RefusesARepeatedDateOnAnIChartNamingTheEarlierLine) {
  auto live = LiveSeries::Create(Options{});
  ASSERT_TRUE(live);
  ASSERT_TRUE(live->Append(At(5, 1.0, 7)));
  auto bad = live->Append(At(5, 2.0, 8));
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, ErrorCode::kDuplicateDate);
  EXPECT_EQ(bad.error().message, "repeated date (also on line 7)");
  EXPECT_EQ(bad.error().line, 8);
}

TEST(LiveSeries, MergesARowSharingTheLastDateIntoItsSubgroupOnAPChart) {
  Options o;
  o.chart = Chart::kP;
  auto live = LiveSeries::Create(o);
  ASSERT_TRUE(live);
  Row r = At(1, 3);
  r.denominator = 10;
  ASSERT_TRUE(live->Append(r));
  r.value = 2;
  r.denominator = 10;
  auto u = live->Append(r);
  ASSERT_TRUE(u);
  EXPECT_EQ(u->index, 0u);
  const Point& p = live->analysis().points[0];
  EXPECT_EQ(p.numerator, 5);
  EXPECT_EQ(p.denominator, 20);
  EXPECT_EQ(p.value, 0.25);
}

}  // namespace
}  // namespace everyseat::spc
