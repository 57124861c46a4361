// Phases, icons, warnings and the plain-English reading (spc.md section 4).
//  - Variation icon (mdc only): the point type of the last point that has a value
//    (NHSRplotthedots ptd_get_icons; names as there).
//  - Assurance icon (mdc only, with a target and a direction): that point's target against its
//    own limits (NHSRplotthedots ptd_calculate_assurance_type): beyond the limit on the side of
//    improvement = pass, on the other side = fail, otherwise (or without limits) inconsistent.
// Thread-safety: pure functions.
#include <cmath>
#include <cstdio>
#include <string>

#include "everyseat/spc/analyse.h"
#include "internal.h"

namespace everyseat::spc::detail {

namespace {
constexpr size_t kShortPhase = 13;  // NHSRplotthedots ptd_spc.warning_threshold
constexpr int kShortBaseline = 12;  // MDC advises baselines of 12 to 20 points
}  // namespace

void SetPhaseRuns(const RunsStats& runs, Phase& phase) {
  phase.longest_run = runs.longest_run;
  phase.longest_run_max = runs.longest_run_max;
  phase.crossings = runs.crossings;
  phase.crossings_min = runs.crossings_min;
  phase.runs_signal = runs.signal;
  phase.short_phase = phase.n < kShortPhase;
}

void SetPhaseMovingRange(const Context& ctx, const Fit& fit, Phase& phase) {
  const Chart chart = ctx.options.chart;
  if (chart == Chart::kI || chart == Chart::kMr) {
    phase.moving_range_mean =
        std::isfinite(fit.reported_mr) ? fit.reported_mr * ctx.options.multiply : kMissing;
  } else if (chart == Chart::kT || chart == Chart::kPp || chart == Chart::kUp) {
    phase.moving_range_mean = std::isfinite(fit.reported_mr) ? fit.reported_mr : kMissing;
  } else {
    phase.moving_range_mean = kMissing;
  }
}

void ComputePhase(const Context& ctx, std::span<const Subgroup> subgroups, std::span<Point> points,
                  Phase& phase, Fit* fit_out) {
  const size_t n = subgroups.size();
  const auto baseline = static_cast<size_t>(ctx.options.baseline);
  const size_t base_count = baseline > 0 ? std::min(baseline, n) : n;
  const Fit fit = FitPhase(ctx, subgroups, base_count);
  PhaseTally tally;
  const auto offset = static_cast<int32_t>(phase.first);
  if (ConstantLimits(ctx.options.chart)) {
    // Limits do not depend on the point: computed once, with the same code as per point.
    Point proto;
    ApplyFit(ctx, fit, Subgroup{}, kMissing, proto);
    ClassifyConstant(ctx, subgroups, proto, points, phase.index, offset, &tally);
  } else {
    for (size_t i = 0; i < n; ++i) {
      InitPoint(ctx, subgroups[i], phase.index, i, points[i]);
      ApplyFit(ctx, fit, subgroups[i], i > 0 ? subgroups[i - 1].y : kMissing, points[i]);
    }
    ClassifyRange(ctx, points, 0, offset, &tally);
  }
  phase.n = n;
  const Chart chart = ctx.options.chart;
  SetPhaseMovingRange(ctx, fit, phase);
  if (n > 0) {
    phase.centre = points[n - 1].centre;
    phase.lower = points[n - 1].lower;
    phase.upper = points[n - 1].upper;
  }
  phase.improvement = tally.improvement;
  phase.concern = tally.concern;
  phase.neutral = tally.neutral;
  SetPhaseRuns(tally.runs.Finish(chart == Chart::kMr), phase);
  if (fit_out) *fit_out = fit;
}

namespace {

// The last point with a value, or -1.
ptrdiff_t LastWithValue(const Analysis& a) {
  for (size_t i = a.points.size(); i-- > 0;) {
    if (a.points[i].has_value()) return static_cast<ptrdiff_t>(i);
  }
  return -1;
}

VariationIcon IconFor(PointType type, Direction direction) {
  switch (type) {
    case PointType::kNone:
      return VariationIcon::kNone;
    case PointType::kCommonCause:
      return VariationIcon::kCommonCause;
    case PointType::kImprovement:
      return direction == Direction::kDecrease ? VariationIcon::kImprovementLow
                                               : VariationIcon::kImprovementHigh;
    case PointType::kConcern:
      return direction == Direction::kDecrease ? VariationIcon::kConcernHigh
                                               : VariationIcon::kConcernLow;
    case PointType::kNeutralHigh:
      return VariationIcon::kNeutralHigh;
    case PointType::kNeutralLow:
      return VariationIcon::kNeutralLow;
  }
  return VariationIcon::kNone;
}

AssuranceIcon AssuranceFor(const Point& p, Direction direction) {
  if (direction == Direction::kNeutral || IsMissing(p.target)) return AssuranceIcon::kNone;
  const bool above = p.target > p.upper;  // false when the limit is missing
  const bool below = p.target < p.lower;
  if (direction == Direction::kIncrease) {
    if (above) return AssuranceIcon::kFail;
    if (below) return AssuranceIcon::kPass;
  } else {
    if (above) return AssuranceIcon::kPass;
    if (below) return AssuranceIcon::kFail;
  }
  return AssuranceIcon::kInconsistent;
}

}  // namespace

void Summarise(const Context& ctx, Analysis& a) {
  Summary& s = a.summary;
  s.improvement = s.concern = s.neutral = 0;
  for (const Phase& ph : a.phases) {
    s.improvement += ph.improvement;
    s.concern += ph.concern;
    s.neutral += ph.neutral;
  }
  s.variation = VariationIcon::kNone;
  s.assurance = AssuranceIcon::kNone;
  if (ctx.options.rules != Rules::kMdc) return;
  const ptrdiff_t last = LastWithValue(a);
  if (last < 0) return;
  const Point& p = a.points[static_cast<size_t>(last)];
  s.variation = IconFor(p.type, ctx.options.direction);
  s.assurance = AssuranceFor(p, ctx.options.direction);
}

namespace {

// A number for people: at most 4 significant figures for small numbers, no exponent.
std::string Human(double x) {
  char buf[64];
  const double a = std::abs(x);
  if (a >= 1000) {
    std::snprintf(buf, sizeof buf, "%.0f", x);
  } else if (a >= 10) {
    std::snprintf(buf, sizeof buf, "%.1f", x);
  } else if (a >= 1) {
    std::snprintf(buf, sizeof buf, "%.2f", x);
  } else {
    std::snprintf(buf, sizeof buf, "%.3g", x);
  }
  std::string s = buf;
  if (s.find('.') != std::string::npos && s.find('e') == std::string::npos) {
    while (!s.empty() && s.back() == '0') s.pop_back();
    if (!s.empty() && s.back() == '.') s.pop_back();
  }
  if (s == "-0") s = "0";
  return s;
}

std::string PhaseName(const Analysis& a, size_t index) {
  if (a.phases.size() == 1) return "the series";
  return "phase " + a.phases[index].label;
}

}  // namespace

void BuildWarnings(const Context& ctx, std::span<const Subgroup> subgroups,
                   const WarningInputs& inputs, Analysis& a) {
  a.warnings.clear();
  const Options& o = ctx.options;
  if (inputs.unsorted_line > 0) {
    a.warnings.push_back({WarningCode::kUnsortedInput,
                          "rows are not in date order; they have been sorted", -1,
                          inputs.unsorted_line});
  }
  if (o.baseline > 0 && o.baseline < kShortBaseline) {
    a.warnings.push_back({WarningCode::kShortBaseline,
                          "a baseline of " + std::to_string(o.baseline) +
                              " points is short: Making Data Count advises 12 to 20",
                          -1, 0});
  }
  for (size_t i = 0; i < a.phases.size(); ++i) {
    const Phase& ph = a.phases[i];
    const auto index = static_cast<int32_t>(i);
    if (ph.short_phase) {
      std::string name = PhaseName(a, i);
      name[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(name[0])));
      a.warnings.push_back({WarningCode::kShortPhase,
                            name + " has " + std::to_string(ph.n) +
                                (ph.n == 1 ? " point" : " points") +
                                ", fewer than 13: its limits are trial limits",
                            index, 0});
    }
    if (o.baseline > 0 && ph.n < static_cast<size_t>(o.baseline)) {
      std::string name = PhaseName(a, i);
      name[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(name[0])));
      a.warnings.push_back({WarningCode::kBaselineCoversPhase,
                            name + " has " + std::to_string(ph.n) +
                                " points, fewer than the baseline of " +
                                std::to_string(o.baseline) + ": all of them set its limits",
                            index, 0});
    }
  }
  SubgroupCounts counted;
  if (inputs.counts == nullptr) {
    for (const Subgroup& sg : subgroups) counted.Add(sg);
  }
  const SubgroupCounts& counts = inputs.counts != nullptr ? *inputs.counts : counted;
  for (const int64_t line : counts.zero_denominator_lines) {
    a.warnings.push_back({WarningCode::kZeroDenominator,
                          "the denominator is zero: the point has no value or limits", -1, line});
  }
  const size_t missing = counts.missing;
  const int64_t first_missing_line = counts.first_missing_line;
  if (missing > 0) {
    a.warnings.push_back(
        {WarningCode::kMissingValues,
         std::to_string(missing) + (missing == 1 ? " point has no value" : " points have no value"),
         -1, first_missing_line});
  }
  if (o.rules == Rules::kMdc && o.chart != Chart::kRun) {
    const ptrdiff_t last = LastWithValue(a);
    if (last >= 0) {
      const Point& p = a.points[static_cast<size_t>(last)];
      if (IsMissing(p.lower) && IsMissing(p.upper) && p.type == PointType::kCommonCause) {
        a.warnings.push_back(
            {WarningCode::kNoLimits,
             "the last point has no process limits (too few points or no variation), so it is "
             "shown as common cause",
             p.phase, 0});
      }
    }
  }
}

}  // namespace everyseat::spc::detail

namespace everyseat::spc {

namespace {

using detail::Human;
using detail::IsMissing;

// How many points, ending at `last`, form the same monotone run (trend) or one-sided run.
size_t RunBack(const Analysis& a, size_t last, bool trend, bool high) {
  const Point& end = a.points[last];
  size_t count = 1;
  for (size_t i = last; i-- > 0;) {
    const Point& p = a.points[i];
    const Point& next = a.points[i + 1];
    if (p.phase != end.phase || !p.has_value()) break;
    if (trend) {
      if (high ? !(next.value > p.value) : !(next.value < p.value)) break;
    } else {
      if (high ? !(p.value > p.centre) : !(p.value < p.centre)) break;
    }
    ++count;
  }
  return count;
}

std::string VariationSentence(const Analysis& a, size_t last) {
  const Point& p = a.points[last];
  std::string lead;
  switch (p.type) {
    case PointType::kImprovement:
      lead = "Special cause of improvement: ";
      break;
    case PointType::kConcern:
      lead = "Special cause of concern: ";
      break;
    case PointType::kNeutralHigh:
    case PointType::kNeutralLow:
      lead = "Special cause variation (neither better nor worse): ";
      break;
    default:
      lead = "Common cause variation: ";
      break;
  }
  const bool high = p.side == Side::kHigh;
  switch (p.rule) {
    case Rule::kOutsideLimits:
      return lead + "the latest point (" + Human(p.value) + ") is " +
             (high ? "above the upper process limit (" + Human(p.upper) + ")."
                   : "below the lower process limit (" + Human(p.lower) + ").");
    case Rule::kTrend:
      return lead + "the last " + std::to_string(RunBack(a, last, true, high)) + " points have " +
             (high ? "each risen" : "each fallen") + " (trend).";
    case Rule::kTwoInThree:
      return lead + "two of the last three points are close to the " + (high ? "upper" : "lower") +
             " process limit (two in three).";
    case Rule::kShift:
      return lead + "the last " + std::to_string(RunBack(a, last, false, high)) +
             " points are all " + (high ? "above" : "below") + " the average (shift).";
    case Rule::kNone:
      break;
  }
  if (IsMissing(p.lower) && IsMissing(p.upper)) {
    if (a.chart == Chart::kRun) {
      return lead + "no sign of a real change; the points vary around the median of " +
             Human(p.centre) + ".";
    }
    return lead +
           "no sign of a real change, but there are too few points or too little variation "
           "to set process limits.";
  }
  return lead + "no sign of a real change; the points vary around the average of " +
         Human(p.centre) + " within the process limits of " + Human(p.lower) + " and " +
         Human(p.upper) + ".";
}

std::string AssuranceSentence(AssuranceIcon icon, double target) {
  const std::string t = Human(target);
  switch (icon) {
    case AssuranceIcon::kPass:
      return " The target of " + t + " is consistently met.";
    case AssuranceIcon::kFail:
      return " The target of " + t +
             " is consistently not met: the process will not meet it without change.";
    case AssuranceIcon::kInconsistent:
      return " The target of " + t +
             " is met some of the time and missed some of the time "
             "(hit and miss).";
    case AssuranceIcon::kNone:
      break;
  }
  return "";
}

}  // namespace

std::string Reading(const Analysis& a, const Options& options) {
  if (a.points.empty()) return "There is no data yet.";
  ptrdiff_t last = -1;
  for (size_t i = a.points.size(); i-- > 0;) {
    if (a.points[i].has_value()) {
      last = static_cast<ptrdiff_t>(i);
      break;
    }
  }
  if (last < 0) return "No point has a value yet.";
  const Point& p = a.points[static_cast<size_t>(last)];
  const Phase& phase = a.phases[static_cast<size_t>(p.phase)];
  std::string text;
  if (options.rules == Rules::kMdc) {
    text = VariationSentence(a, static_cast<size_t>(last));
    text += AssuranceSentence(a.summary.assurance, p.target);
  } else {
    if (phase.longest_run == kNoCount) {
      text = "Runs analysis: too few useful points to test for a non-random pattern.";
    } else {
      text = phase.runs_signal ? "Runs analysis: a non-random pattern ("
                               : "Runs analysis: no "
                                 "non-random pattern (";
      text += "longest run " + std::to_string(phase.longest_run) + ", limit " +
              std::to_string(phase.longest_run_max) + "; crossings " +
              std::to_string(phase.crossings) + ", minimum " + std::to_string(phase.crossings_min) +
              ").";
    }
    if (a.chart != Chart::kRun) {
      size_t outside = 0;
      for (size_t i = phase.first; i < phase.first + phase.n; ++i) {
        if (a.points[i].rule == Rule::kOutsideLimits) ++outside;
      }
      text += " " + std::to_string(outside) + (outside == 1 ? " point is" : " points are") +
              " outside the control limits.";
    }
  }
  if (a.phases.size() > 1) {
    text += " The limits were recalculated at " + std::to_string(a.phases.size() - 1) +
            (a.phases.size() == 2 ? " change of phase." : " changes of phase.");
  }
  if (phase.short_phase && a.chart != Chart::kRun) {
    text += " The limits are trial limits: only " + std::to_string(phase.n) +
            (phase.n == 1 ? " point." : " points.");
  }
  return text;
}

}  // namespace everyseat::spc
