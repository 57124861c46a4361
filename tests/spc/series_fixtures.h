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

}  // namespace everyseat::spc::fixtures

// Expected numbers are written to about 15 significant figures: compare to 1e-9 relative, the
// tolerance of the reference comparison (spc.md section 8).
#define EXPECT_CLOSE(actual, expected) \
  EXPECT_NEAR((actual), (expected), 1e-9 * std::max(1.0, std::abs(expected)))
#define EXPECT_MISSING(actual) EXPECT_TRUE(std::isnan(actual)) << #actual " = " << (actual)
