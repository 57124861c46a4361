// Internal building blocks of the engine, shared by the batch analysis (analyse.cc) and the
// live series (live.cc) so that both compute every number with the same code in the same order.
// Thread-safety: pure functions; the classifier keeps a thread_local scratch buffer.
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>
#include <span>
#include <string_view>
#include <vector>

#include "everyseat/spc/error.h"
#include "everyseat/spc/types.h"

namespace everyseat::spc::detail {

inline bool IsMissing(double x) { return std::isnan(x); }

// The median of the values (R's median: the mean of the two middle values for an even count);
// missing when there are none. Reorders `values`.
[[nodiscard]] double MedianInPlace(std::vector<double>& values);

// The options with every default resolved.
inline constexpr double kInfinity = std::numeric_limits<double>::infinity();

struct Context {
  Options options;
  double limit_constant = 0;  // i chart: 2.66 (mdc) or 3/1.128 (anhoej) unless given
  bool fixable = false;       // limits depend only on the baseline (live O(1) appends)
};

[[nodiscard]] Context MakeContext(const Options& options);

// One plotted point before the limits: a row, or the rows sharing a date.
struct Subgroup {
  int64_t time = 0;
  double y = kMissing;    // run, i, mr (input), c, g, t: the value; p, u, ...: num/den;
                          // xbar: subgroup mean; s: subgroup SD
  double num = kMissing;  // p, pp, u, up, ip: sums of complete rows (0 when none)
  double den = kMissing;
  double mean = kMissing;  // xbar, s: mean and sample SD of the non-missing values
  double sd = kMissing;
  int count = 0;  // xbar, s: non-missing values in the subgroup
  double target = kMissing;
  uint32_t row = 0;        // first input row
  int64_t line = 0;        // line of the first input row
  std::string_view label;  // phase label of the first row
  bool exclude = false;
  bool zero_denominator = false;  // complete rows whose denominators sum to zero
};

// True when rows of this chart need CheckRow.
inline bool ChecksRows(Chart chart) { return chart == Chart::kT || HasDenominator(chart); }

// Checks one row against the chart's domain (t > 0, denominators, counts).
[[nodiscard]] Result<void> CheckRow(const Context& ctx, const Row& row);

// The subgroup of a single row on a chart that does not group dates.
[[nodiscard]] inline Subgroup SingleRow(const Row& row, uint32_t index) {
  Subgroup sg;
  sg.time = row.time;
  sg.y = row.value;
  sg.target = row.target;
  sg.row = index;
  sg.line = row.line;
  sg.label = row.phase;
  sg.exclude = row.exclude;
  return sg;
}

// Accumulates the rows that share one date into a subgroup.
class SubgroupBuilder {
 public:
  void Start(const Row& row, uint32_t index);
  void Add(const Row& row);
  [[nodiscard]] Subgroup Finish(const Context& ctx);  // callable repeatedly (live merges)

 private:
  Subgroup base_;
  std::vector<double> values_;  // non-missing values (xbar, s, aggregates)
  int rows_ = 0;
  double num_ = 0, den_ = 0;
  int complete_ = 0;  // rows with numerator and denominator
};

// The parameters of a phase's limits, fitted on its baseline, on the chart's own scale.
struct Fit {
  double centre = kMissing;       // cl (t: mean of the transformed values)
  double spread = kMissing;       // i, t: MR-bar; c: sqrt(cl); g: mean; pp, up: sigma_z;
                                  // ip: mean s; xbar, s: s-bar
  double reported_mr = kMissing;  // the phase's moving_range_mean before multiply
  bool var_n = false;             // xbar, s: subgroup sizes differ within the phase
};

// Fits the limits of one phase. base_count: the first base_count subgroups are the baseline.
[[nodiscard]] Fit FitPhase(const Context& ctx, std::span<const Subgroup> phase, size_t base_count);

// A value on the t chart's fitting scale: y^(1/3.6) (Nelson 1994).
[[nodiscard]] double TransformForT(double y);

// The sums behind an individuals fit (i and t charts): the mean of the values and the mean moving
// range of consecutive values, screened when asked (the ranges strictly below 3.267 times their
// mean, Nelson 1982). Values are added in the phase's order, excluded subgroups left out (so
// ranges bridge them; a missing value makes the ranges on both sides missing). FitPhase adds a
// whole baseline and takes Result once; a live series keeps adding one value at a time and takes
// LiveResult after each, in O(1) unless a moving range crosses the moving screening threshold:
// the additions are the same, in the same order, so the numbers are identical.
class IndividualsSums {
 public:
  // The next value of the phase on the chart's scale (missing allowed).
  void Add(double v);
  [[nodiscard]] Fit Result(bool screen) const;
  // As Result, keeping the screened sum from one call to the next (for a live series).
  [[nodiscard]] Fit LiveResult(bool screen);

 private:
  [[nodiscard]] double MeanRange() const;
  double sum_ = 0, range_sum_ = 0, prev_ = kMissing;
  size_t n_ = 0, n_ranges_ = 0;
  std::vector<double> ranges_;  // the non-missing moving ranges, in order
  // LiveResult's screening of ranges_[0, screened_): the sum and count of the kept ranges, the
  // largest kept and the smallest dropped. Still right for a new threshold t while every kept
  // range is below t and no dropped one is.
  double kept_sum_ = 0, max_kept_ = -kInfinity, min_dropped_ = kInfinity;
  size_t kept_ = 0, screened_ = 0;
  bool screening_ = false;  // the fields above hold a screening
};

// Sets the fields of a point that come from its subgroup and its place in the phase (all but
// value, lines and classification). `in_phase`: the point's index within its phase.
inline void InitPoint(const Context& ctx, const Subgroup& sg, int32_t phase, size_t in_phase,
                      Point& p) {
  const bool has_den = HasDenominator(ctx.options.chart);
  const auto baseline = static_cast<size_t>(ctx.options.baseline);
  p.numerator = has_den ? sg.num : kMissing;
  p.denominator = has_den ? sg.den : kMissing;
  p.target = sg.target;
  p.time = sg.time;
  p.row = sg.row;
  p.phase = phase;
  p.baseline = baseline == 0 || in_phase < baseline;
  p.excluded = sg.exclude;
}

// True for charts whose limits are the same for every point of a phase.
inline bool ConstantLimits(Chart chart) {
  return chart == Chart::kRun || chart == Chart::kI || chart == Chart::kT || chart == Chart::kC ||
         chart == Chart::kG;
}

// Sets value, centre, limits and 2-sigma lines of one point (multiplied; non-finite limits
// become missing). prev_y: the previous subgroup's y in the phase (mr chart), else ignored.
void ApplyFit(const Context& ctx, const Fit& fit, const Subgroup& sg, double prev_y, Point& p);

// Anhoej runs analysis of one phase (qicharts2 runs.analysis).
struct RunsStats {
  int n_useful = 0;
  int longest_run = kNoCount;
  int longest_run_max = kNoCount;
  int crossings = kNoCount;
  int crossings_min = kNoCount;
  bool signal = false;
};
// Counts runs one point at a time (so a live series can extend a phase in O(1)).
struct RunsCounter {
  int n_useful = 0, runs = 0, current = 0, longest = 0, last_sign = 0;
  void Add(const Point& p) { Add(p.value, p.excluded, p.centre); }
  // Add for each value (NaN: not counted), all about one centre; the same counts, without a
  // branch on the values (signs about the centre are as good as random).
  void AddAll(std::span<const double> values, double centre) {
    if (IsMissing(centre)) return;
    for (const double value : values) {
      const int sign = (value > centre) - (value < centre);  // 0 for NaN
      const int used = sign != 0;
      const int change = used & (sign != last_sign);
      n_useful += used;
      runs += change;
      current = change ? 1 : current + used;
      last_sign = used ? sign : last_sign;
      longest = current > longest ? current : longest;
    }
  }
  void Add(double value, bool excluded, double centre) {
    if (excluded || value != value || IsMissing(centre)) return;
    const int sign = (value > centre) - (value < centre);
    if (sign == 0) return;
    ++n_useful;
    if (sign == last_sign) {
      ++current;
    } else {
      ++runs;
      current = 1;
      last_sign = sign;
    }
    if (current > longest) longest = current;
  }
  [[nodiscard]] RunsStats Finish(bool mr_chart) const;
};

// Runs and point-type counts of a phase, gathered as its points are classified.
struct PhaseTally {
  RunsCounter runs;
  int improvement = 0, concern = 0, neutral = 0;
  void Add(const Point& p) {
    runs.Add(p);
    improvement += p.type == PointType::kImprovement;
    concern += p.type == PointType::kConcern;
    neutral += p.type == PointType::kNeutralHigh || p.type == PointType::kNeutralLow;
  }
};

// Classifies points[from, end) by the profile's rules, reading points[0, end) for context.
// `offset` is the index of points[0] in the whole analysis (for windows). When `tally` is
// given, every classified point is added to it.
// With `to` (an index into `points`), only points[from, to) are classified: the points after
// them are still read for context (a pattern looks up to its length ahead).
void ClassifyRange(const Context& ctx, std::span<Point> points, size_t from, int32_t offset,
                   PhaseTally* tally = nullptr, size_t to = SIZE_MAX);

// As ClassifyRange over a whole phase whose lines are those of `proto` for every point; also
// writes every other field of each point (InitPoint, value from its subgroup, lines).
void ClassifyConstant(const Context& ctx, std::span<const Subgroup> subgroups, const Point& proto,
                      std::span<Point> points, int32_t phase, int32_t offset, PhaseTally* tally);

// qbinom(0.05, n, 0.5): the smallest c with P(X <= c) >= 0.05 for X ~ Binomial(n, 1/2).
[[nodiscard]] int CrossingsMin(int n_useful);
// round(log2(n)) + 3.
[[nodiscard]] int LongestRunMax(int n_useful);

// Control chart constants with exact c4 (qicharts2 c4, c5, a3, b3, b4); NaN for n <= 1.
[[nodiscard]] double C4(double n);
[[nodiscard]] double A3(double n, double sigmas);
[[nodiscard]] double B3(double n, double sigmas);
[[nodiscard]] double B4(double n, double sigmas);

// Computes one phase completely: every field of its points, the fit, rules, runs and counts.
// `points` and `subgroups` are the phase's own slices; phase_info.index and .first must be set
// by the caller.
void ComputePhase(const Context& ctx, std::span<const Subgroup> subgroups, std::span<Point> points,
                  Phase& phase_info, Fit* fit_out = nullptr);

// Sets a phase's runs statistics, last limits and short flag from its points.
void SetPhaseRuns(const RunsStats& runs, Phase& phase);
// Sets a phase's moving_range_mean from its fit (i, mr, t, pp, up; missing for the others).
void SetPhaseMovingRange(const Context& ctx, const Fit& fit, Phase& phase);

// The point type for a rule's side under a direction.
[[nodiscard]] PointType TypeFor(Side side, Direction direction);

// Sets summary icons and counts from points and phases (not the reading).
void Summarise(const Context& ctx, Analysis& analysis);

// What the warnings need of the subgroups, counted as they are added (a live series keeps it
// instead of reading every subgroup again).
struct SubgroupCounts {
  std::vector<int64_t> zero_denominator_lines;  // in order
  size_t missing = 0;                           // subgroups without a value (denominator not 0)
  int64_t first_missing_line = 0;
  void Add(const Subgroup& sg) {
    if (sg.zero_denominator) {
      zero_denominator_lines.push_back(sg.line);
    } else if (IsMissing(sg.y)) {
      if (missing++ == 0) first_missing_line = sg.line;
    }
  }
  // Takes back the last subgroup added.
  void RemoveLast(const Subgroup& sg) {
    if (sg.zero_denominator) {
      zero_denominator_lines.pop_back();
    } else if (IsMissing(sg.y) && --missing == 0) {
      first_missing_line = 0;
    }
  }
};

// Warnings that depend only on the analysis and its subgroups.
struct WarningInputs {
  int64_t unsorted_line = 0;  // first out-of-order row's line; 0 = sorted
  // The subgroups' counts when the caller keeps them; null: counted from the subgroups.
  const SubgroupCounts* counts = nullptr;
};
void BuildWarnings(const Context& ctx, std::span<const Subgroup> subgroups,
                   const WarningInputs& inputs, Analysis& analysis);

}  // namespace everyseat::spc::detail
