// Names of the engine's enums as they appear in the command-line contract (spc.md section 5),
// and their parsers. Thread-safety: pure functions.
#include <array>
#include <string_view>
#include <utility>

#include "everyseat/spc/types.h"

namespace everyseat::spc {
namespace {

constexpr std::array<std::pair<Chart, std::string_view>, 13> kCharts = {{
    {Chart::kRun, "run"},
    {Chart::kI, "i"},
    {Chart::kMr, "mr"},
    {Chart::kP, "p"},
    {Chart::kPp, "pp"},
    {Chart::kU, "u"},
    {Chart::kUp, "up"},
    {Chart::kIp, "ip"},
    {Chart::kC, "c"},
    {Chart::kG, "g"},
    {Chart::kT, "t"},
    {Chart::kXbar, "xbar"},
    {Chart::kS, "s"},
}};

template <class Enum, size_t N>
std::optional<Enum> Lookup(const std::array<std::pair<Enum, std::string_view>, N>& table,
                           std::string_view name) {
  for (const auto& [value, text] : table) {
    if (text == name) return value;
  }
  return std::nullopt;
}

template <class Enum, size_t N>
std::string_view NameOf(const std::array<std::pair<Enum, std::string_view>, N>& table, Enum value) {
  for (const auto& [v, text] : table) {
    if (v == value) return text;
  }
  return {};
}

constexpr std::array<std::pair<Rules, std::string_view>, 2> kRules = {{
    {Rules::kMdc, "mdc"},
    {Rules::kAnhoej, "anhoej"},
}};
constexpr std::array<std::pair<Direction, std::string_view>, 3> kDirections = {{
    {Direction::kIncrease, "increase"},
    {Direction::kDecrease, "decrease"},
    {Direction::kNeutral, "neutral"},
}};
constexpr std::array<std::pair<Aggregate, std::string_view>, 4> kAggregates = {{
    {Aggregate::kNone, "none"},
    {Aggregate::kMean, "mean"},
    {Aggregate::kMedian, "median"},
    {Aggregate::kSum, "sum"},
}};

}  // namespace

std::string_view Name(Chart chart) { return NameOf(kCharts, chart); }
std::string_view Name(Rules rules) { return NameOf(kRules, rules); }
std::string_view Name(Direction direction) { return NameOf(kDirections, direction); }
std::string_view Name(Aggregate aggregate) { return NameOf(kAggregates, aggregate); }

std::string_view Name(Rule rule) {
  switch (rule) {
    case Rule::kNone:
      return "";
    case Rule::kOutsideLimits:
      return "outside_limits";
    case Rule::kTrend:
      return "trend";
    case Rule::kTwoInThree:
      return "two_in_three";
    case Rule::kShift:
      return "shift";
  }
  return "";
}

std::string_view Name(Side side) {
  switch (side) {
    case Side::kNone:
      return "";
    case Side::kHigh:
      return "high";
    case Side::kLow:
      return "low";
  }
  return "";
}

std::string_view Name(PointType type) {
  switch (type) {
    case PointType::kNone:
      return "";
    case PointType::kCommonCause:
      return "common_cause";
    case PointType::kImprovement:
      return "special_cause_improvement";
    case PointType::kConcern:
      return "special_cause_concern";
    case PointType::kNeutralHigh:
      return "special_cause_neutral_high";
    case PointType::kNeutralLow:
      return "special_cause_neutral_low";
  }
  return "";
}

std::string_view Name(VariationIcon icon) {
  switch (icon) {
    case VariationIcon::kNone:
      return "none";
    case VariationIcon::kCommonCause:
      return "common_cause";
    case VariationIcon::kImprovementHigh:
      return "improvement_high";
    case VariationIcon::kImprovementLow:
      return "improvement_low";
    case VariationIcon::kConcernHigh:
      return "concern_high";
    case VariationIcon::kConcernLow:
      return "concern_low";
    case VariationIcon::kNeutralHigh:
      return "neutral_high";
    case VariationIcon::kNeutralLow:
      return "neutral_low";
  }
  return "none";
}

std::string_view Name(AssuranceIcon icon) {
  switch (icon) {
    case AssuranceIcon::kNone:
      return "none";
    case AssuranceIcon::kPass:
      return "pass";
    case AssuranceIcon::kFail:
      return "fail";
    case AssuranceIcon::kInconsistent:
      return "inconsistent";
  }
  return "none";
}

std::string_view Name(WarningCode code) {
  switch (code) {
    case WarningCode::kShortPhase:
      return "short_phase";
    case WarningCode::kShortBaseline:
      return "short_baseline";
    case WarningCode::kBaselineCoversPhase:
      return "baseline_covers_phase";
    case WarningCode::kNoLimits:
      return "no_limits";
    case WarningCode::kZeroDenominator:
      return "zero_denominator";
    case WarningCode::kUnsortedInput:
      return "unsorted_input";
    case WarningCode::kMissingValues:
      return "missing_values";
  }
  return "";
}

std::optional<Chart> ParseChart(std::string_view text) { return Lookup(kCharts, text); }
std::optional<Rules> ParseRules(std::string_view text) { return Lookup(kRules, text); }
std::optional<Direction> ParseDirection(std::string_view text) { return Lookup(kDirections, text); }
std::optional<Aggregate> ParseAggregate(std::string_view text) { return Lookup(kAggregates, text); }

bool HasDenominator(Chart chart) {
  return chart == Chart::kP || chart == Chart::kPp || chart == Chart::kU || chart == Chart::kUp ||
         chart == Chart::kIp;
}

bool GroupsRepeatedDates(Chart chart) {
  return HasDenominator(chart) || chart == Chart::kXbar || chart == Chart::kS;
}

}  // namespace everyseat::spc
