// The peers' reference cases (tests/reference, a copy of the project's shared reference: each
// case is the peer's own output on input.csv) run through the real command line with the flags
// of spc.md section 8, compared on exactly the fields section 8 lists:
//   - every point's value, centre, lower and upper to 1e-9 relative (null equals only null), and
//     for qicharts2 lower_2sigma/upper_2sigma against lower_95/upper_95;
//   - NHSRplotthedots: each point's special_cause, rule and side (from special_cause_type) and
//     point_type, and the summary's variation_icon and assurance_icon ("none" where the peer
//     has none);
//   - qicharts2: each point's special_cause against sigma_signal, and per phase longest_run,
//     longest_run_max, crossings, crossings_min and runs_signal against summary.parts.
// A case where the peer refused the input (error set) passes on a clear refusal (exit 2, one
// line on standard error, nothing on standard output) or on a full analysis of every row.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "reference.h"
#include "run_binary.h"

namespace everyseat::testing {
namespace {

using nlohmann::json;

std::vector<std::string> CaseNames() {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(EVERYSEAT_REFERENCE_DIR)) {
    if (entry.is_directory() && std::filesystem::exists(entry.path() / "expected.json")) {
      names.push_back(entry.path().filename().string());
    }
  }
  std::sort(names.begin(), names.end());
  return names;
}

// A JSON number as text for a flag: integers without a decimal point, others in full precision.
std::string FlagNumber(const json& number) {
  if (number.is_number_integer()) return std::to_string(number.get<int64_t>());
  return json(number.get<double>()).dump();
}

bool IsPtd(const json& expected) {
  return expected.at("peer").get<std::string>().starts_with("NHSRplotthedots");
}

// The command line of spc.md section 8 for the case.
std::vector<std::string> Flags(const std::string& name, const json& expected) {
  const json& options = expected.at("options");
  std::vector<std::string> flags{"spc", "--input", CaseDir(name) + "/input.csv"};
  const auto add = [&](std::string flag, std::string value) {
    flags.push_back(std::move(flag));
    flags.push_back(std::move(value));
  };
  if (IsPtd(expected)) {
    add("--chart", "i");
    add("--rules", "mdc");
    add("--direction", options.at("improvement_direction").get<std::string>());
    add("--screen-outliers", options.at("screen_outliers").get<bool>() ? "true" : "false");
    if (options.contains("target") && !options["target"].is_null()) {
      add("--target", FlagNumber(options["target"]));
    }
    if (options.contains("rebase")) {
      for (const json& date : options["rebase"]) add("--rebase", date.get<std::string>());
    }
    if (options.contains("fix_after_n_points") && !options["fix_after_n_points"].is_null()) {
      add("--baseline", FlagNumber(options["fix_after_n_points"]));
    }
  } else {
    add("--chart", expected.at("chart").get<std::string>());
    add("--rules", "anhoej");
    add("--direction", "neutral");
    add("--screen-outliers", options.at("qic.screenedmr").get<bool>() ? "true" : "false");
    if (options.contains("freeze") && !options["freeze"].is_null()) {
      add("--baseline", FlagNumber(options["freeze"]));
    }
    if (options.contains("exclude")) {
      // 1-based subgroup indices: the date of that subgroup.
      for (const json& index : options["exclude"]) {
        const size_t i = index.get<size_t>() - 1;
        add("--exclude", expected.at("points").at(i).at("date").get<std::string>());
      }
    }
    if (options.contains("target") && !options["target"].is_null()) {
      add("--target", FlagNumber(options["target"]));
    }
    if (options.contains("multiply") && !options["multiply"].is_null()) {
      add("--multiply", FlagNumber(options["multiply"]));
    }
  }
  return flags;
}

// NHSRplotthedots' special_cause_type as our rule and side (null, null for common cause).
std::pair<json, json> RuleAndSide(const std::string& type) {
  if (type == "Above UCL") return {"outside_limits", "high"};
  if (type == "Below LCL") return {"outside_limits", "low"};
  if (type == "7 Point Trend (Increasing)") return {"trend", "high"};
  if (type == "7 Point Trend (Decreasing)") return {"trend", "low"};
  if (type == "2 in 3 Above CL") return {"two_in_three", "high"};
  if (type == "2 in 3 Below CL") return {"two_in_three", "low"};
  if (type == "7 Points Above CL") return {"shift", "high"};
  if (type == "7 Points Below CL") return {"shift", "low"};
  if (type == "Common Cause") return {nullptr, nullptr};
  ADD_FAILURE() << "unknown special_cause_type '" << type << "'";
  return {nullptr, nullptr};
}

// A peer's count or flag, null when absent.
json Field(const json& object, const char* key) {
  return object.contains(key) ? object[key] : json(nullptr);
}

class ReferenceCase : public ::testing::TestWithParam<std::string> {};

TEST_P(ReferenceCase, AgreesWithThePeerOnTheFieldsOfSection8) {
  const std::string name = GetParam();
  const json expected = json::parse(ReadFile(CaseDir(name) + "/expected.json"));
  const std::vector<std::string> flags = Flags(name, expected);
  const Ran ran = RunEverySeat(flags);
  std::string command = "everyseat";
  for (const std::string& flag : flags) command += " " + flag;
  SCOPED_TRACE(command);

  if (!expected.at("error").is_null()) {
    if (ran.status == 2) {
      EXPECT_TRUE(ran.out.empty());
      EXPECT_EQ(Lines(ran.err).size(), 1u) << ran.err;
      return;
    }
    ASSERT_EQ(ran.status, 0) << ran.err;
    const json ours = json::parse(ran.out);
    EXPECT_FALSE(ours.at("points").empty()) << "a full analysis of every row";
    return;
  }

  ASSERT_EQ(ran.status, 0) << ran.err;
  ASSERT_EQ(Lines(ran.out).size(), 1u) << "one JSON object on one line";
  const json ours = json::parse(ran.out);
  const json& peer_points = expected.at("points");
  const json& points = ours.at("points");
  ASSERT_EQ(points.size(), peer_points.size());
  const bool ptd = IsPtd(expected);

  for (size_t i = 0; i < points.size(); ++i) {
    const json& p = points[i];
    const json& q = peer_points[i];
    SCOPED_TRACE("point " + std::to_string(i) + " (" + q.at("date").get<std::string>() + ")");
    ASSERT_EQ(p.at("date"), q.at("date"));  // the two lists line up
    EXPECT_TRUE(SameNumber(p.at("value"), q.at("value"))) << "value";
    EXPECT_TRUE(SameNumber(p.at("centre"), q.at("centre"))) << "centre";
    EXPECT_TRUE(SameNumber(p.at("lower"), q.at("lower"))) << "lower";
    EXPECT_TRUE(SameNumber(p.at("upper"), q.at("upper"))) << "upper";
    if (ptd) {
      EXPECT_EQ(p.at("special_cause"), q.at("special_cause")) << "special_cause";
      const auto [rule, side] = RuleAndSide(q.at("special_cause_type").get<std::string>());
      EXPECT_EQ(p.at("rule"), rule) << "rule";
      EXPECT_EQ(p.at("side"), side) << "side";
      // The peer gives a point without a value point_type common_cause; ours is null.
      const bool no_value = q.at("value").is_null() && p.at("value").is_null();
      if (no_value && q.at("point_type") == "common_cause") {
        EXPECT_TRUE(p.at("point_type").is_null()) << "point_type of a point without value";
      } else {
        EXPECT_EQ(p.at("point_type"), q.at("point_type")) << "point_type";
      }
    } else {
      EXPECT_TRUE(SameNumber(p.at("lower_2sigma"), q.at("lower_95"))) << "lower_2sigma";
      EXPECT_TRUE(SameNumber(p.at("upper_2sigma"), q.at("upper_95"))) << "upper_2sigma";
      EXPECT_EQ(p.at("special_cause"), q.at("sigma_signal")) << "special_cause";
    }
  }

  const json& summary = expected.at("summary");
  if (ptd) {
    EXPECT_EQ(ours.at("summary").at("variation_icon"), summary.at("variation_icon"));
    const json assurance =
        summary.contains("assurance_icon") && !summary["assurance_icon"].is_null()
            ? summary["assurance_icon"]
            : json("none");
    EXPECT_EQ(ours.at("summary").at("assurance_icon"), assurance);
  } else {
    const json& parts = summary.at("parts");
    const json& phases = ours.at("phases");
    ASSERT_EQ(phases.size(), parts.size());
    for (size_t i = 0; i < phases.size(); ++i) {
      SCOPED_TRACE("phase " + std::to_string(i));
      EXPECT_EQ(phases[i].at("longest_run"), Field(parts[i], "longest_run"));
      EXPECT_EQ(phases[i].at("longest_run_max"), Field(parts[i], "longest_run_max"));
      EXPECT_EQ(phases[i].at("crossings"), Field(parts[i], "n_crossings"));
      EXPECT_EQ(phases[i].at("crossings_min"), Field(parts[i], "n_crossings_min"));
      EXPECT_EQ(phases[i].at("runs_signal"), Field(parts[i], "runs_signal"));
    }
  }
}

std::string CaseTestName(const ::testing::TestParamInfo<std::string>& info) {
  std::string name = info.param;
  std::replace_if(
      name.begin(), name.end(), [](char c) { return !std::isalnum(static_cast<unsigned char>(c)); },
      '_');
  return name;
}

INSTANTIATE_TEST_SUITE_P(Peers, ReferenceCase, ::testing::ValuesIn(CaseNames()), CaseTestName);

TEST(ReferenceCases, AreAllPresent) {
  // The project's copy holds every case of the shared reference (30 at the time of writing).
  EXPECT_GE(CaseNames().size(), 30u);
}

}  // namespace
}  // namespace everyseat::testing
