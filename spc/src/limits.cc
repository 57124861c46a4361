// Centre lines and limits of every chart, fitted on a phase's baseline and applied per point.
// Formulas: qicharts2 0.8.1 (helper.functions.R, as documented in peer-methods section A4) and
// NHSRplotthedots 0.2.2 for the Making Data Count XmR chart (mean -/+ 2.66 MR-bar).
//   i    : Montgomery (6th ed.) 6.33, sigma = MR-bar / 1.128; MR screening, Nelson (1982)
//   mr   : UCL = D4 * MR-bar = 3.267 * MR-bar, LCL = 0
//   p, u : Montgomery 7.8 and 7.19; pp, up: Laney (2002), sigma_z from moving ranges of z
//   c    : Montgomery 7.17; g: Kaminsky et al. (1992) via Montgomery p. 319 (median centre)
//   t    : Nelson (1994): I chart of y^(1/3.6), back-transformed
//   xbar, s: Montgomery 6.29-6.31 with exact c4; ip: qicharts2 0.8 I' chart
// Thread-safety: pure functions.
#include <algorithm>
#include <cmath>
#include <numbers>
#include <vector>

#include "internal.h"

namespace everyseat::spc::detail {
namespace {

constexpr double kD4 = 3.267;         // moving-range upper limit factor (n = 2)
constexpr double kD2 = 1.128;         // d2 for n = 2
constexpr double kIpScreen = 3.2665;  // qicharts2 ip screening factor

// Mean of the moving ranges of consecutive elements of a sequence (missing elements make the
// ranges on both sides missing), optionally screened: ranges >= 3.267 * mean are dropped and
// the mean recalculated (strictly below the threshold is kept; a zero mean drops every range).
// `next` yields the sequence one element at a time into its argument and returns false at
// the end; it is called twice (two passes, no storage).
template <class Sequence>
double MeanMovingRange(Sequence next, bool screen) {
  double sum = 0;
  size_t count = 0;
  {
    Sequence seq = next;
    double prev = kMissing, x = 0;
    bool first = true;
    while (seq(x)) {
      if (!first && !IsMissing(x) && !IsMissing(prev)) {
        sum += std::abs(x - prev);
        ++count;
      }
      prev = x;
      first = false;
    }
  }
  const double mean = count ? sum / static_cast<double>(count) : kMissing;
  if (!screen) return mean;
  const double threshold = kD4 * mean;
  double kept_sum = 0;
  size_t kept = 0;
  Sequence seq = next;
  double prev = kMissing, x = 0;
  bool first = true;
  while (seq(x)) {
    if (!first && !IsMissing(x) && !IsMissing(prev)) {
      const double range = std::abs(x - prev);
      if (range < threshold) {
        kept_sum += range;
        ++kept;
      }
    }
    prev = x;
    first = false;
  }
  return kept ? kept_sum / static_cast<double>(kept) : kMissing;
}

// Iterates f(subgroup) over the base subgroups (baseline, not excluded) of a phase.
template <class F>
struct BaseSequence {
  std::span<const Subgroup> phase;
  size_t base_count;
  F f;
  size_t i = 0;
  bool operator()(double& out) {
    while (i < base_count) {
      const Subgroup& sg = phase[i++];
      if (sg.exclude) continue;
      out = f(sg);
      return true;
    }
    return false;
  }
};
template <class F>
BaseSequence<F> Base(std::span<const Subgroup> phase, size_t base_count, F f) {
  return BaseSequence<F>{phase, base_count, f};
}

double MeanOver(std::span<const Subgroup> phase, size_t base_count, double (*f)(const Subgroup&)) {
  double sum = 0;
  size_t n = 0;
  for (size_t i = 0; i < base_count; ++i) {
    if (phase[i].exclude) continue;
    const double v = f(phase[i]);
    if (IsMissing(v)) continue;
    sum += v;
    ++n;
  }
  return n ? sum / static_cast<double>(n) : kMissing;
}

double MedianOfBase(std::span<const Subgroup> phase, size_t base_count) {
  thread_local std::vector<double> values;
  values.clear();
  for (size_t i = 0; i < base_count; ++i) {
    if (!phase[i].exclude && !IsMissing(phase[i].y)) values.push_back(phase[i].y);
  }
  return MedianInPlace(values);
}

// Sum of numerators over sum of denominators of the base (p, pp, u, up).
double PooledRate(std::span<const Subgroup> phase, size_t base_count) {
  double num = 0, den = 0;
  for (size_t i = 0; i < base_count; ++i) {
    if (phase[i].exclude) continue;
    if (!IsMissing(phase[i].num)) num += phase[i].num;
    if (!IsMissing(phase[i].den)) den += phase[i].den;
  }
  return num / den;
}

// Individuals chart on f(y): centre = mean of the base, spread = mean moving range of
// consecutive base values (excluded points removed first, so ranges bridge them; a missing value
// makes the ranges on both sides missing), screened when asked. One pass over the subgroups;
// the ranges are kept for the screening pass. (qicharts2 takes the ranges of y - cl and
// NHSRplotthedots of y: the same numbers up to rounding.)
// The mean of the ranges strictly below 3.267 times their mean (Nelson 1982); missing when
// none is kept (a zero mean keeps none).
double ScreenedMean(const std::vector<double>& ranges, double mean) {
  const double threshold = kD4 * mean;
  double sum = 0;
  size_t kept = 0;
  for (double r : ranges) {
    if (r < threshold) {
      sum += r;
      ++kept;
    }
  }
  return kept ? sum / static_cast<double>(kept) : kMissing;
}

template <class F>
Fit FitIndividuals(std::span<const Subgroup> phase, size_t base_count, bool screen, F f) {
  IndividualsSums sums;
  for (size_t i = 0; i < base_count; ++i) {
    if (!phase[i].exclude) sums.Add(f(phase[i].y));
  }
  return sums.Result(screen);
}

// Laney's sigma_z: the moving ranges of the base z-scores, z = (y - cl) / sigma_i.
template <class Sigma>
double SigmaZ(std::span<const Subgroup> phase, size_t base_count, double cl, bool screen,
              Sigma sigma, double* mr_out) {
  const double amr = MeanMovingRange(
      Base(phase, base_count, [&](const Subgroup& sg) { return (sg.y - cl) / sigma(sg.den); }),
      screen);
  *mr_out = amr;
  return amr / kD2;
}

bool SizesDiffer(std::span<const Subgroup> phase) {
  for (const Subgroup& sg : phase) {
    if (sg.count != phase.front().count) return true;
  }
  return false;
}

// s-bar: the mean subgroup SD when sizes are equal, else the pooled SD (Montgomery 6.29, 6.31).
double SBar(std::span<const Subgroup> phase, size_t base_count, bool var_n) {
  if (!var_n) return MeanOver(phase, base_count, [](const Subgroup& sg) { return sg.sd; });
  double num = 0, den = 0;
  for (size_t i = 0; i < base_count; ++i) {
    const Subgroup& sg = phase[i];
    if (sg.exclude) continue;
    const double weight = sg.count - 1;
    if (!IsMissing(sg.sd)) num += weight * sg.sd * sg.sd;
    den += weight;
  }
  return std::sqrt(num / den);
}

}  // namespace

double TransformForT(double y) { return std::pow(y, 1 / 3.6); }

void IndividualsSums::Add(double v) {
  const double range = std::abs(v - prev_);
  prev_ = v;
  if (IsMissing(v)) return;
  sum_ += v;
  ++n_;
  if (IsMissing(range)) return;
  range_sum_ += range;
  ++n_ranges_;
  ranges_.push_back(range);
}

double IndividualsSums::MeanRange() const {
  return n_ranges_ ? range_sum_ / static_cast<double>(n_ranges_) : kMissing;
}

Fit IndividualsSums::Result(bool screen) const {
  Fit fit;
  fit.centre = n_ ? sum_ / static_cast<double>(n_) : kMissing;
  double amr = MeanRange();
  if (screen) amr = ScreenedMean(ranges_, amr);
  fit.spread = amr;
  fit.reported_mr = amr;
  return fit;
}

Fit IndividualsSums::LiveResult(bool screen) {
  if (!screen) return Result(false);
  Fit fit;
  fit.centre = n_ ? sum_ / static_cast<double>(n_) : kMissing;
  const double threshold = kD4 * MeanRange();
  const bool still = screening_ && max_kept_ < threshold && !(min_dropped_ < threshold);
  if (!still) {  // screened again from the first range, as ScreenedMean does
    kept_sum_ = 0;
    kept_ = 0;
    max_kept_ = -kInfinity;
    min_dropped_ = kInfinity;
    screened_ = 0;
    screening_ = true;
  }
  for (; screened_ < ranges_.size(); ++screened_) {
    const double r = ranges_[screened_];
    if (r < threshold) {
      kept_sum_ += r;
      ++kept_;
      max_kept_ = std::max(max_kept_, r);
    } else {
      min_dropped_ = std::min(min_dropped_, r);
    }
  }
  const double amr = kept_ ? kept_sum_ / static_cast<double>(kept_) : kMissing;
  fit.spread = amr;
  fit.reported_mr = amr;
  return fit;
}

Fit FitPhase(const Context& ctx, std::span<const Subgroup> phase, size_t base_count) {
  const bool screen = ctx.options.screen_outliers;
  Fit fit;
  switch (ctx.options.chart) {
    case Chart::kRun:
      fit.centre = MedianOfBase(phase, base_count);
      break;
    case Chart::kI:
      fit = FitIndividuals(phase, base_count, screen, [](double y) { return y; });
      break;
    case Chart::kT:
      fit = FitIndividuals(phase, base_count, screen, TransformForT);
      break;
    case Chart::kMr: {
      double sum = 0;
      size_t n = 0;
      for (size_t i = 1; i < base_count; ++i) {
        if (phase[i].exclude) continue;
        const double range = std::abs(phase[i].y - phase[i - 1].y);
        if (IsMissing(range)) continue;
        sum += range;
        ++n;
      }
      fit.centre = n ? sum / static_cast<double>(n) : kMissing;
      fit.reported_mr = fit.centre;
      break;
    }
    case Chart::kP:
    case Chart::kU:
      fit.centre = PooledRate(phase, base_count);
      break;
    case Chart::kPp: {
      const double cl = PooledRate(phase, base_count);
      fit.centre = cl;
      fit.spread = SigmaZ(
          phase, base_count, cl, screen, [cl](double n) { return std::sqrt(cl * (1 - cl) / n); },
          &fit.reported_mr);
      break;
    }
    case Chart::kUp: {
      const double cl = PooledRate(phase, base_count);
      fit.centre = cl;
      fit.spread = SigmaZ(
          phase, base_count, cl, screen, [cl](double n) { return std::sqrt(cl / n); },
          &fit.reported_mr);
      break;
    }
    case Chart::kC:
      fit.centre = MeanOver(phase, base_count, [](const Subgroup& sg) { return sg.y; });
      fit.spread = std::sqrt(fit.centre);
      break;
    case Chart::kG:
      fit.centre = MedianOfBase(phase, base_count);
      fit.spread = MeanOver(phase, base_count, [](const Subgroup& sg) { return sg.y; });
      break;
    case Chart::kIp: {
      double weighted = 0, weights = 0;
      for (size_t i = 0; i < base_count; ++i) {
        const Subgroup& sg = phase[i];
        if (sg.exclude) continue;
        const double product = sg.y * sg.den;
        if (!IsMissing(product)) weighted += product;
        if (!IsMissing(sg.den)) weights += sg.den;
      }
      fit.centre = weighted / weights;
      // s_j over every pair of consecutive points of the phase, baseline or not.
      const double root_half_pi = std::sqrt(std::numbers::pi / 2);
      auto s_of = [&](size_t j) {
        const double d1 = std::abs(phase[j].y - phase[j - 1].y);
        const double d2 = std::sqrt(1 / phase[j - 1].den + 1 / phase[j].den);
        return root_half_pi * d1 / d2;
      };
      double sum = 0;
      size_t n = 0;
      for (size_t j = 1; j < phase.size(); ++j) {
        const double s = s_of(j);
        if (IsMissing(s)) continue;
        sum += s;
        ++n;
      }
      double mean_s = n ? sum / static_cast<double>(n) : kMissing;
      if (screen) {
        const double threshold = kIpScreen * mean_s;
        double kept_sum = 0;
        size_t kept = 0;
        for (size_t j = 1; j < phase.size(); ++j) {
          const double s = s_of(j);
          if (IsMissing(s) || !(s < threshold)) continue;
          kept_sum += s;
          ++kept;
        }
        mean_s = kept ? kept_sum / static_cast<double>(kept) : kMissing;
      }
      fit.spread = mean_s;
      break;
    }
    case Chart::kXbar:
    case Chart::kS: {
      fit.var_n = SizesDiffer(phase);
      const double sbar = SBar(phase, base_count, fit.var_n);
      if (ctx.options.chart == Chart::kXbar) {
        double weighted = 0, weights = 0;
        for (size_t i = 0; i < base_count; ++i) {
          const Subgroup& sg = phase[i];
          if (sg.exclude) continue;
          if (!IsMissing(sg.mean)) weighted += sg.count * sg.mean;
          weights += sg.count;
        }
        fit.centre = weighted / weights;
      } else {
        fit.centre = sbar;
      }
      fit.spread = sbar;
      break;
    }
  }
  return fit;
}

namespace {

struct Lines {
  double y = kMissing, cl = kMissing, lcl = kMissing, ucl = kMissing, lcl2 = kMissing,
         ucl2 = kMissing;
};

void FloorAtZero(double& x) {
  if (std::isfinite(x) && x < 0) x = 0;
}
void CapAtOne(double& x) {
  if (std::isfinite(x) && x > 1) x = 1;
}

Lines Around(double y, double cl, double sigma) {
  return Lines{y, cl, cl - 3 * sigma, cl + 3 * sigma, cl - 2 * sigma, cl + 2 * sigma};
}

}  // namespace

void ApplyFit(const Context& ctx, const Fit& fit, const Subgroup& sg, double prev_y, Point& p) {
  Lines l;
  const double cl = fit.centre;
  switch (ctx.options.chart) {
    case Chart::kRun:
      l.y = sg.y;
      l.cl = cl;
      break;
    case Chart::kI: {
      const double k = ctx.limit_constant;
      l = Lines{sg.y,
                cl,
                cl - k * fit.spread,
                cl + k * fit.spread,
                cl - (2 * k / 3) * fit.spread,
                cl + (2 * k / 3) * fit.spread};
      break;
    }
    case Chart::kT: {
      const Lines z = Around(kMissing, cl, fit.spread / kD2);
      constexpr double kBack = 3.6;
      l.y = sg.y;
      l.cl = std::pow(cl, kBack);
      l.ucl = std::pow(z.ucl, kBack);
      l.ucl2 = std::pow(z.ucl2, kBack);
      l.lcl = std::pow(z.lcl, kBack);  // NaN when the transformed limit is negative
      l.lcl2 = std::pow(z.lcl2, kBack);
      if (IsMissing(l.lcl) || l.lcl < 0) l.lcl = 0;
      break;
    }
    case Chart::kMr:
      l.y = std::abs(sg.y - prev_y);
      l.cl = cl;
      l.lcl = 0;
      l.lcl2 = 0;
      l.ucl = kD4 * cl;
      l.ucl2 = (kD4 / 3) * 2 * cl;
      break;
    case Chart::kP:
    case Chart::kPp: {
      double sigma = std::sqrt(cl * (1 - cl) / sg.den);
      if (ctx.options.chart == Chart::kPp) sigma *= fit.spread;
      l = Around(sg.y, cl, sigma);
      CapAtOne(l.ucl);
      CapAtOne(l.ucl2);
      FloorAtZero(l.lcl);
      FloorAtZero(l.lcl2);
      break;
    }
    case Chart::kU:
    case Chart::kUp: {
      double sigma = std::sqrt(cl / sg.den);
      if (ctx.options.chart == Chart::kUp) sigma *= fit.spread;
      l = Around(sg.y, cl, sigma);
      FloorAtZero(l.lcl);
      FloorAtZero(l.lcl2);
      break;
    }
    case Chart::kC:
      l = Around(sg.y, cl, fit.spread);
      FloorAtZero(l.lcl);
      FloorAtZero(l.lcl2);
      break;
    case Chart::kG: {
      const double m = fit.spread;
      l = Around(sg.y, m, std::sqrt(m * (m + 1)));
      l.cl = cl;  // the median; the limits come from the mean
      if (l.lcl < 0) l.lcl = 0;
      if (l.lcl2 < 0) l.lcl2 = 0;
      break;
    }
    case Chart::kIp:
      l = Around(sg.y, cl, fit.spread * std::sqrt(1 / sg.den));
      break;
    case Chart::kXbar: {
      const double n = sg.count;
      l.y = sg.mean;
      l.cl = cl;
      l.ucl = cl + A3(n, 3) * fit.spread;
      l.ucl2 = cl + A3(n, 2) * fit.spread;
      l.lcl = cl - A3(n, 3) * fit.spread;
      l.lcl2 = cl - A3(n, 2) * fit.spread;
      break;
    }
    case Chart::kS: {
      const double n = sg.count;
      l.y = sg.sd;
      l.cl = cl;
      l.ucl = B4(n, 3) * cl;
      l.ucl2 = B4(n, 2) * cl;
      l.lcl = B3(n, 3) * cl;
      l.lcl2 = B3(n, 2) * cl;
      break;
    }
  }
  const double m = ctx.options.multiply;
  auto limit = [m](double x) { return std::isfinite(x) ? x * m : kMissing; };
  p.value = std::isfinite(l.y) ? l.y * m : kMissing;
  p.centre = std::isfinite(l.cl) ? l.cl * m : kMissing;
  p.lower = limit(l.lcl);
  p.upper = limit(l.ucl);
  p.lower_2sigma = limit(l.lcl2);
  p.upper_2sigma = limit(l.ucl2);
}

}  // namespace everyseat::spc::detail
