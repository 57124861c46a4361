// The vocabulary of the SPC engine: chart types, rule profiles, options, input rows and the
// analysis that comes out. The method is specified in docs/methods/spc.md (from the project's
// spc specification) and follows NHS England's Making Data Count (as NHSRplotthedots 0.2.2
// implements it) and qicharts2 0.8.1 (Anhoej rules).
//
// Missing numbers are quiet NaNs throughout (kMissing): a missing value, no limits, no target.
// Thread-safety: plain values.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace everyseat::spc {

inline constexpr double kMissing = std::numeric_limits<double>::quiet_NaN();

enum class Chart { kRun, kI, kMr, kP, kPp, kU, kUp, kIp, kC, kG, kT, kXbar, kS };
enum class Rules { kMdc, kAnhoej };
enum class Direction { kNeutral, kIncrease, kDecrease };
enum class Aggregate { kNone, kMean, kMedian, kSum };

// Which rule made a point special cause (MDC precedence: outside limits > trend > two in
// three > shift). kNone: common cause, or no value.
enum class Rule : uint8_t { kNone, kOutsideLimits, kTrend, kTwoInThree, kShift };
// For outside limits, two in three and shift: the side of the centre line. For a trend: its
// direction (rising = kHigh), whichever side of the centre the point is on.
enum class Side : uint8_t { kNone, kHigh, kLow };
enum class PointType : uint8_t {
  kNone,  // the point has no value
  kCommonCause,
  kImprovement,
  kConcern,
  kNeutralHigh,
  kNeutralLow,
};
enum class VariationIcon {
  kNone,
  kCommonCause,
  kImprovementHigh,
  kImprovementLow,
  kConcernHigh,
  kConcernLow,
  kNeutralHigh,
  kNeutralLow,
};
enum class AssuranceIcon { kNone, kPass, kFail, kInconsistent };
enum class WarningCode {
  kShortPhase,
  kShortBaseline,
  kBaselineCoversPhase,
  kNoLimits,
  kZeroDenominator,
  kUnsortedInput,
  kMissingValues,
};

// Every option with the default that matches the peers (spc.md section 2).
struct Options {
  Chart chart = Chart::kI;
  Rules rules = Rules::kMdc;
  Direction direction = Direction::kNeutral;
  double target = kMissing;      // one target for every point, in output units (after multiply)
  int baseline = 0;              // the first N points of each phase fix the limits; 0 = all points
  std::vector<int64_t> rebase;   // times (Row::time) at which a new phase starts
  std::vector<int64_t> exclude;  // times of points left out of centre, limits and runs
  double multiply = 1;           // value, centre and limits are multiplied by this (> 0)
  Aggregate aggregate = Aggregate::kNone;  // for repeated dates on run, i, mr, c, g, t
  bool screen_outliers = true;             // drop moving ranges >= 3.267 * mean moving range
  int trend_length = 7;                    // MDC: 7 (the Excel tool allows 6)
  int shift_length = 7;
  bool two_in_three_beyond_limits = false;  // true = points beyond the limits count (MDC 2023)
  double limit_constant = kMissing;  // i chart only; missing = 2.66 (mdc) or 3/1.128 (anhoej)
};

// One input row. Rows may come in any order; they are sorted by time (stably).
struct Row {
  int64_t time = 0;               // sort key: seconds since 1970-01-01T00:00:00Z
  double value = kMissing;        // the measurement, count or numerator; NaN = missing
  double denominator = kMissing;  // p, pp, u, up, ip only
  double target = kMissing;       // a target that changes over time, output units
  std::string_view phase = {};    // phase label; a change of label starts a phase.
                                  // REQUIRES: the characters outlive the call.
  bool exclude = false;           // left out of centre, limits and runs analysis
  int64_t line = 0;               // source line, for messages (0 = unknown)
};

// One plotted point (one subgroup: one row, or the rows sharing a date on xbar, s, p, pp, u,
// up and ip charts). Every number is in output units (multiplied by Options::multiply).
struct Point {
  double value = kMissing;
  double centre = kMissing;
  double lower = kMissing;
  double upper = kMissing;
  double lower_2sigma = kMissing;
  double upper_2sigma = kMissing;
  double numerator = kMissing;  // sums actually used (p, pp, u, up, ip)
  double denominator = kMissing;
  double target = kMissing;
  int64_t time = 0;
  uint32_t row = 0;  // index into the input rows of the subgroup's first row
  int32_t phase = 0;
  int32_t window_first = -1;  // the points that formed the pattern; -1 = none
  int32_t window_last = -1;
  Rule rule = Rule::kNone;
  Side side = Side::kNone;
  PointType type = PointType::kNone;
  bool baseline = true;
  bool excluded = false;

  [[nodiscard]] bool special_cause() const { return rule != Rule::kNone; }
  [[nodiscard]] bool has_value() const { return value == value; }
};

inline constexpr int kNoCount = -1;  // a runs statistic that is not computable

struct Phase {
  int32_t index = 0;
  std::string label;
  size_t first = 0;  // points [first, first + n)
  size_t n = 0;
  double centre = kMissing;  // of the phase's last point
  double lower = kMissing;
  double upper = kMissing;
  double moving_range_mean = kMissing;  // i, t (on the transformed scale), mr, pp, up
  int longest_run = kNoCount;
  int longest_run_max = kNoCount;
  int crossings = kNoCount;
  int crossings_min = kNoCount;
  bool runs_signal = false;
  bool short_phase = false;  // fewer than 13 points: trial limits
  int improvement = 0;
  int concern = 0;
  int neutral = 0;
};

struct Summary {
  VariationIcon variation = VariationIcon::kNone;
  AssuranceIcon assurance = AssuranceIcon::kNone;
  int improvement = 0;
  int concern = 0;
  int neutral = 0;
  std::string reading;  // plain English, generated from the analysis
  friend bool operator==(const Summary&, const Summary&) = default;
};

struct Warning {
  WarningCode code = WarningCode::kShortPhase;
  std::string message;
  int32_t phase = -1;  // -1 = not about one phase
  int64_t line = 0;    // 0 = not about one row
  friend bool operator==(const Warning&, const Warning&) = default;
};

struct Analysis {
  Chart chart = Chart::kI;
  Rules rules = Rules::kMdc;
  Direction direction = Direction::kNeutral;
  std::vector<Point> points;
  std::vector<Phase> phases;
  Summary summary;
  std::vector<Warning> warnings;
};

// Names as they appear in the command-line contract and the JSON (spc.md section 5).
[[nodiscard]] std::string_view Name(Chart);
[[nodiscard]] std::string_view Name(Rules);
[[nodiscard]] std::string_view Name(Direction);
[[nodiscard]] std::string_view Name(Aggregate);
[[nodiscard]] std::string_view Name(Rule);       // "" for kNone
[[nodiscard]] std::string_view Name(Side);       // "" for kNone
[[nodiscard]] std::string_view Name(PointType);  // "" for kNone
[[nodiscard]] std::string_view Name(VariationIcon);
[[nodiscard]] std::string_view Name(AssuranceIcon);
[[nodiscard]] std::string_view Name(WarningCode);

[[nodiscard]] std::optional<Chart> ParseChart(std::string_view);
[[nodiscard]] std::optional<Rules> ParseRules(std::string_view);
[[nodiscard]] std::optional<Direction> ParseDirection(std::string_view);
[[nodiscard]] std::optional<Aggregate> ParseAggregate(std::string_view);

// True for charts whose input carries a denominator.
[[nodiscard]] bool HasDenominator(Chart);
// True for charts whose rows sharing a date form one subgroup (xbar, s) or are summed.
[[nodiscard]] bool GroupsRepeatedDates(Chart);

}  // namespace everyseat::spc
