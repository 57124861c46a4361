// Every reference case (tests/reference: outputs of qicharts2 0.8.1 and NHSRplotthedots 0.2.2
// on the same input) through the engine's API, compared on the fields spc.md section 8 lists.
// The same cases also run through the command line in tests/cli.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include "everyseat/spc/analyse.h"
#include "reference_io.h"

namespace everyseat::spc {
namespace {

using nlohmann::json;

std::vector<std::string> CaseNames() {
  std::vector<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(EVERYSEAT_REFERENCE_DIR)) {
    if (e.is_directory()) names.push_back(e.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

// 1e-9 relative; null (missing) equals only null.
::testing::AssertionResult Near(double ours, const json& theirs, const std::string& what) {
  if (theirs.is_null()) {
    if (std::isnan(ours)) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << what << ": expected null, got " << ours;
  }
  const double t = theirs.get<double>();
  if (std::isnan(ours))
    return ::testing::AssertionFailure() << what << ": expected " << t << ", got null";
  const double scale = std::max({std::abs(t), std::abs(ours), 1e-300});
  if (std::abs(ours - t) <= 1e-9 * scale || ours == t) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << what << ": expected " << t << ", got " << ours;
}

int CountOrNull(const json& j) { return j.is_null() ? kNoCount : j.get<int>(); }

std::pair<Rule, Side> FromPtdType(const std::string& t) {
  if (t == "Above UCL") return {Rule::kOutsideLimits, Side::kHigh};
  if (t == "Below LCL") return {Rule::kOutsideLimits, Side::kLow};
  if (t == "7 Point Trend (Increasing)") return {Rule::kTrend, Side::kHigh};
  if (t == "7 Point Trend (Decreasing)") return {Rule::kTrend, Side::kLow};
  if (t == "2 in 3 Above CL") return {Rule::kTwoInThree, Side::kHigh};
  if (t == "2 in 3 Below CL") return {Rule::kTwoInThree, Side::kLow};
  if (t == "7 Points Above CL") return {Rule::kShift, Side::kHigh};
  if (t == "7 Points Below CL") return {Rule::kShift, Side::kLow};
  return {Rule::kNone, Side::kNone};
}

class ReferenceCaseTest : public ::testing::TestWithParam<std::string> {};

TEST_P(ReferenceCaseTest, AgreesWithThePeerOnEveryComparedField) {
  const testing::ReferenceCase c = testing::LoadReference(EVERYSEAT_REFERENCE_DIR, GetParam());
  const json& e = c.expected;
  auto result = Analyse(c.rows, c.options);
  if (!e["error"].is_null()) {
    SUCCEED() << "peer refused; engine " << (result ? "analysed" : "refused");
    return;
  }
  ASSERT_TRUE(result) << result.error().message;
  const Analysis& a = *result;
  const json& points = e["points"];
  ASSERT_EQ(a.points.size(), points.size());
  const bool ptd = e["peer"].get<std::string>().rfind("NHSRplotthedots", 0) == 0;
  for (size_t i = 0; i < points.size(); ++i) {
    const Point& p = a.points[i];
    const json& x = points[i];
    const std::string at = "point " + std::to_string(i) + " (" + x["date"].get<std::string>() + ")";
    EXPECT_TRUE(Near(p.value, x["value"], at + " value"));
    EXPECT_TRUE(Near(p.centre, x["centre"], at + " centre"));
    EXPECT_TRUE(Near(p.lower, x["lower"], at + " lower"));
    EXPECT_TRUE(Near(p.upper, x["upper"], at + " upper"));
    if (ptd) {
      EXPECT_EQ(p.special_cause(), x["special_cause"].get<bool>()) << at;
      const auto [rule, side] = FromPtdType(x["special_cause_type"].get<std::string>());
      EXPECT_EQ(Name(p.rule), Name(rule)) << at;
      EXPECT_EQ(Name(p.side), Name(side)) << at;
      const std::string type = x["point_type"].get<std::string>();
      if (p.has_value()) {
        EXPECT_EQ(Name(p.type), type) << at;
      } else {
        EXPECT_EQ(type, "common_cause") << at;  // PTD's label for a row without value
      }
    } else {
      EXPECT_TRUE(Near(p.lower_2sigma, x["lower_95"], at + " lower_95"));
      EXPECT_TRUE(Near(p.upper_2sigma, x["upper_95"], at + " upper_95"));
      EXPECT_EQ(p.special_cause(), x["sigma_signal"].get<bool>()) << at;
    }
  }
  const json& s = e["summary"];
  if (ptd) {
    EXPECT_EQ(Name(a.summary.variation), s["variation_icon"].get<std::string>());
    const std::string assurance = s.contains("assurance_icon") && !s["assurance_icon"].is_null()
                                      ? s["assurance_icon"].get<std::string>()
                                      : "none";
    EXPECT_EQ(Name(a.summary.assurance), assurance);
  } else {
    const json& parts = s["parts"];
    ASSERT_EQ(a.phases.size(), parts.size());
    for (size_t k = 0; k < parts.size(); ++k) {
      const Phase& ph = a.phases[k];
      EXPECT_EQ(ph.longest_run, CountOrNull(parts[k]["longest_run"])) << "part " << k;
      EXPECT_EQ(ph.longest_run_max, CountOrNull(parts[k]["longest_run_max"])) << "part " << k;
      EXPECT_EQ(ph.crossings, CountOrNull(parts[k]["n_crossings"])) << "part " << k;
      EXPECT_EQ(ph.crossings_min, CountOrNull(parts[k]["n_crossings_min"])) << "part " << k;
      EXPECT_EQ(ph.runs_signal, parts[k]["runs_signal"].get<bool>()) << "part " << k;
    }
    EXPECT_EQ(Name(a.summary.variation), "none");
    EXPECT_EQ(Name(a.summary.assurance), "none");
  }
}

INSTANTIATE_TEST_SUITE_P(Peers, ReferenceCaseTest, ::testing::ValuesIn(CaseNames()),
                         [](const ::testing::TestParamInfo<std::string>& param) {
                           std::string n = param.param;
                           std::replace(n.begin(), n.end(), '-', '_');
                           return n;
                         });

}  // namespace
}  // namespace everyseat::spc
