// Helpers shared by the spc unit tests: series built from literal values (one row per day,
// line = day + 1 as if read from a CSV with a header), and the comparisons they use.
#pragma once

#include <algorithm>
#include <cmath>
#include <initializer_list>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "everyseat/spc/analyse.h"

namespace everyseat::spc::fixtures {

inline constexpr int64_t kDay = 86400;

// One row per day (day 1, 2, ...).
inline std::vector<Row> Values(std::initializer_list<double> values) {
  std::vector<Row> rows;
  int day = 1;
  for (double v : values) {
    rows.push_back(Row{.time = day * kDay, .value = v, .phase = {}, .line = day + 1});
    ++day;
  }
  return rows;
}

// One row per day with a numerator and a denominator.
inline std::vector<Row> Ratios(std::initializer_list<std::pair<double, double>> pairs) {
  std::vector<Row> rows;
  int day = 1;
  for (const auto& [num, den] : pairs) {
    rows.push_back(
        Row{.time = day * kDay, .value = num, .denominator = den, .phase = {}, .line = day + 1});
    ++day;
  }
  return rows;
}

// Rows of several observations sharing a date (one subgroup per day, for xbar and s).
inline std::vector<Row> Subgroups(std::initializer_list<std::initializer_list<double>> groups) {
  std::vector<Row> rows;
  int day = 1;
  int64_t line = 2;
  for (const auto& group : groups) {
    for (double v : group) {
      rows.push_back(Row{.time = day * kDay, .value = v, .phase = {}, .line = line++});
    }
    ++day;
  }
  return rows;
}

// The analysis, failing the test (and returning an empty analysis) when the engine refuses.
inline Analysis Analysed(const std::vector<Row>& rows, const Options& options) {
  auto result = Analyse(rows, options);
  EXPECT_TRUE(result.has_value()) << result.error().message;
  return result ? *result : Analysis{};
}

// A 13-point baseline with simple limits and no pattern of its own: mean 10, every moving range
// 2, so MR-bar = 2; process limits 10 -/+ 2.66 * 2 = 4.68 / 15.32 and 2-sigma lines
// 10 -/+ (2 * 2.66 / 3) * 2. It ends on the mean, so a pattern after it cannot borrow from it.
inline constexpr double kBaseline[] = {10, 12, 10, 8, 10, 12, 10, 8, 10, 12, 10, 8, 10};
inline constexpr int kFirst = 13;  // index of the first point after the baseline

// The baseline above followed by the pattern under test, one row per day.
inline std::vector<Row> AfterBaseline(std::initializer_list<double> pattern) {
  std::vector<Row> rows;
  int day = 1;
  for (double v : kBaseline) {
    rows.push_back(Row{.time = day * kDay, .value = v, .phase = {}, .line = day + 1});
    ++day;
  }
  for (double v : pattern) {
    rows.push_back(Row{.time = day * kDay, .value = v, .phase = {}, .line = day + 1});
    ++day;
  }
  return rows;
}

// The XmR chart under mdc with the baseline above fixing the limits.
inline Options Xmr(Direction direction = Direction::kIncrease) {
  Options o;
  o.chart = Chart::kI;
  o.direction = direction;
  o.baseline = kFirst;
  return o;
}

}  // namespace everyseat::spc::fixtures

// Expected numbers are written to about 15 significant figures: compare to 1e-9 relative, the
// tolerance of the reference comparison (spc.md section 8).
#define EXPECT_CLOSE(actual, expected) \
  EXPECT_NEAR((actual), (expected), 1e-9 * std::max(1.0, std::abs(expected)))
#define EXPECT_MISSING(actual) EXPECT_TRUE(std::isnan(actual)) << #actual " = " << (actual)
