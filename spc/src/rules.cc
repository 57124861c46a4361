// Special-cause rules, per phase, on consecutive points (a point without a value, or without a
// centre line, breaks every window that contains it).
//
//  mdc (NHS England Making Data Count; NHSRplotthedots 0.2.2 ptd_special_cause_type), with
//  precedence written once, in Classify below: outside limits > trend > two in three > shift.
//   - outside limits: value strictly beyond a process limit;
//   - trend: `trend_length` points each strictly above (or below) the one before, either side of
//     the centre; every point of such a window is flagged; a flagged point's direction is that
//     of the step to the next point if the next point is flagged too, else of the step from the
//     previous point (rising only when strictly rising: a tie reads as falling, as in PTD);
//   - two in three: a point strictly beyond a 2-sigma line (and, unless
//     two_in_three_beyond_limits, not beyond the limit) in a window of three consecutive points,
//     all strictly on one side of the centre, of which at least two are beyond the 2-sigma line;
//   - shift: `shift_length` consecutive points strictly on one side of the centre.
//  anhoej (qicharts2): only points strictly outside the 3-sigma limits are special cause.
//
// The window recorded for a pattern point is the earliest window of the pattern's length that
// contains it, so a later point never changes an earlier point's window (live series).
// Thread-safety: uses a thread_local scratch buffer; otherwise pure.
#include <algorithm>
#include <cmath>
#include <vector>

#include "internal.h"

namespace everyseat::spc::detail {
namespace {

constexpr int8_t kBreak = 2;  // no value or no centre: breaks every window

enum Bits : uint8_t {
  kHas = 1,
  kOut = 2,
  kClose = 4,
  kTrendFlag = 8,
  kShiftFlag = 16,
  kTwoInThreeFlag = 32,
};

struct Scratch {
  int8_t rel;  // sign of value - centre, or kBreak
  uint8_t bits;
  uint8_t inc;      // length of the strictly rising run ending here, capped at trend_length
  uint8_t dec;      // likewise falling
  uint8_t shift;    // length of the one-sided run ending here, capped at shift_length
  uint8_t tit_off;  // position of this point in its earliest two-in-three window
};

int8_t Sign(double x) { return static_cast<int8_t>((x > 0) - (x < 0)); }

}  // namespace

PointType TypeFor(Side side, Direction direction) {
  if (side == Side::kNone) return PointType::kCommonCause;
  const bool high = side == Side::kHigh;
  switch (direction) {
    case Direction::kIncrease:
      return high ? PointType::kImprovement : PointType::kConcern;
    case Direction::kDecrease:
      return high ? PointType::kConcern : PointType::kImprovement;
    case Direction::kNeutral:
      break;
  }
  return high ? PointType::kNeutralHigh : PointType::kNeutralLow;
}

namespace {

// Where the classifier reads each point's value and lines.
struct PointSource {
  std::span<Point> points;
  double value(size_t k) const { return points[k].value; }
  const Point& lines(size_t k) const { return points[k]; }
  static constexpr bool kWritesLines = false;
};

// A phase whose lines are the same for every point: values come from the subgroups and the
// point's value and lines are written as it is classified (one pass over the points).
struct ConstantSource {
  const Context* ctx;
  const Subgroup* subgroups;
  double multiply;
  const Point* proto;
  int32_t phase;
  double value(size_t k) const {
    const double y = subgroups[k].y;
    return std::isfinite(y) ? y * multiply : kMissing;
  }
  const Point& lines(size_t) const { return *proto; }
  static constexpr bool kWritesLines = true;
};

template <class Source>
void Classify(const Context& ctx, const Source& src, std::span<Point> points, size_t from,
              size_t to, int32_t offset, PhaseTally* tally) {
  const Options& o = ctx.options;
  const size_t n = points.size();
  const size_t stop = std::min(to, n);  // classified: [from, stop); read: [0, n)
  const bool mdc = o.rules == Rules::kMdc;
  const auto trend_len = static_cast<uint8_t>(o.trend_length);
  const auto shift_len = static_cast<uint8_t>(o.shift_length);

  auto finish = [&](size_t k, double v, Rule rule, Side side, int32_t first, int32_t last) {
    Point& p = points[k];
    if constexpr (Source::kWritesLines) {
      InitPoint(*src.ctx, src.subgroups[k], src.phase, k, p);
      const Point& l = src.lines(k);
      p.value = v;
      p.centre = l.centre;
      p.lower = l.lower;
      p.upper = l.upper;
      p.lower_2sigma = l.lower_2sigma;
      p.upper_2sigma = l.upper_2sigma;
    }
    p.rule = rule;
    p.side = side;
    p.window_first = first;
    p.window_last = last;
    if (IsMissing(v)) {
      p.type = PointType::kNone;
    } else if (rule == Rule::kNone) {
      p.type = PointType::kCommonCause;
    } else {
      p.type = TypeFor(side, o.direction);
    }
    if (tally) tally->Add(p);
  };

  if (!mdc) {
    for (size_t k = from; k < stop; ++k) {
      const double v = src.value(k);
      const Point& l = src.lines(k);
      const auto at = static_cast<int32_t>(k) + offset;
      if (v > l.upper) {
        finish(k, v, Rule::kOutsideLimits, Side::kHigh, at, at);
      } else if (v < l.lower) {
        finish(k, v, Rule::kOutsideLimits, Side::kLow, at, at);
      } else {
        finish(k, v, Rule::kNone, Side::kNone, -1, -1);
      }
    }
    return;
  }

  thread_local std::vector<Scratch> scratch;
  if (scratch.size() < n) scratch.resize(n);
  Scratch* s = scratch.data();

  // Pass 1: per-point facts and the lengths of runs ending at each point.
  double prev_v = kMissing;
  for (size_t k = 0; k < n; ++k) {
    const double v = src.value(k);
    const Point& l = src.lines(k);
    Scratch& c = s[k];
    const bool has = !IsMissing(v);
    c.bits = has ? kHas : 0;
    c.tit_off = 0;
    c.rel = (has && !IsMissing(l.centre)) ? Sign(v - l.centre) : kBreak;
    if (has) {
      const bool out = v > l.upper || v < l.lower;
      const bool beyond_2sigma = v > l.upper_2sigma || v < l.lower_2sigma;
      if (out) c.bits |= kOut;
      if (beyond_2sigma && (o.two_in_three_beyond_limits || !out)) c.bits |= kClose;
    }
    // Comparisons with a missing previous value are false: runs restart.
    c.inc = v > prev_v ? static_cast<uint8_t>(std::min<int>(s[k - 1].inc + 1, trend_len))
                       : static_cast<uint8_t>(has);
    c.dec = v < prev_v ? static_cast<uint8_t>(std::min<int>(s[k - 1].dec + 1, trend_len))
                       : static_cast<uint8_t>(has);
    const bool sided = c.rel == 1 || c.rel == -1;
    if (sided && k > 0 && s[k - 1].rel == c.rel) {
      c.shift = static_cast<uint8_t>(std::min<int>(s[k - 1].shift + 1, shift_len));
    } else {
      c.shift = sided ? 1 : 0;
    }
    prev_v = v;
  }

  // Pass 2: two in three. The earliest qualifying window of a point is kept.
  for (size_t w = 0; w + 2 < n; ++w) {
    if (!((s[w].bits | s[w + 1].bits | s[w + 2].bits) & kClose)) continue;
    const int a = s[w].rel, b = s[w + 1].rel, c = s[w + 2].rel;
    if (a == kBreak || b == kBreak || c == kBreak) continue;
    if (std::abs(a + b + c) != 3) continue;
    const int close = ((s[w].bits & kClose) != 0) + ((s[w + 1].bits & kClose) != 0) +
                      ((s[w + 2].bits & kClose) != 0);
    if (close < 2) continue;
    for (size_t j = w; j < w + 3; ++j) {
      if ((s[j].bits & kClose) && !(s[j].bits & kTwoInThreeFlag)) {
        s[j].bits |= kTwoInThreeFlag;
        s[j].tit_off = static_cast<uint8_t>(j - w);
      }
    }
  }

  // Pass 3 (backwards): a point is part of a trend (shift) when it or one of the next
  // length - 1 points ends one.
  {
    size_t next_trend = SIZE_MAX, next_shift = SIZE_MAX;
    for (size_t k = n; k-- > 0;) {
      if (s[k].inc >= trend_len || s[k].dec >= trend_len) next_trend = k;
      if (s[k].shift >= shift_len) next_shift = k;
      if (next_trend != SIZE_MAX && next_trend - k < trend_len) s[k].bits |= kTrendFlag;
      if (next_shift != SIZE_MAX && next_shift - k < shift_len) s[k].bits |= kShiftFlag;
    }
  }

  // The earliest full-length window of a run (rising: d > 0, falling: d < 0) containing k;
  // false when the run through k in that direction is shorter than the pattern.
  auto trend_window = [&](size_t k, int d, int32_t& first, int32_t& last) {
    auto run = [&](size_t i) { return d > 0 ? s[i].inc : s[i].dec; };
    if (run(k) >= trend_len) {
      first = static_cast<int32_t>(k) - trend_len + 1;
      last = static_cast<int32_t>(k);
      return true;
    }
    if (run(k) == 0) return false;
    const size_t start = k - run(k) + 1;
    const size_t end = start + trend_len - 1;
    if (end < n && run(end) >= trend_len) {
      first = static_cast<int32_t>(start);
      last = static_cast<int32_t>(end);
      return true;
    }
    return false;
  };

  // Pass 4: one rule per point, by precedence.
  constexpr uint8_t kAnyRule = kOut | kTrendFlag | kTwoInThreeFlag | kShiftFlag;
  for (size_t k = from; k < stop; ++k) {
    const Scratch& c = s[k];
    const double v = src.value(k);
    const auto at = static_cast<int32_t>(k);
    if (!(c.bits & kAnyRule)) {
      finish(k, v, Rule::kNone, Side::kNone, -1, -1);
    } else if (c.bits & kOut) {
      finish(k, v, Rule::kOutsideLimits, v > src.lines(k).upper ? Side::kHigh : Side::kLow,
             at + offset, at + offset);
    } else if (c.bits & kTrendFlag) {
      // NHSRplotthedots: the step to the next point when it is flagged too, else the step from
      // the previous one; rising only when strictly rising (a tie reads as decreasing).
      const bool next_flagged = k + 1 < n && (s[k + 1].bits & kTrendFlag);
      const double step = next_flagged ? src.value(k + 1) - v : (k > 0 ? v - src.value(k - 1) : 0);
      const int d = step > 0 ? 1 : -1;
      int32_t first = at, last = at;
      if (!trend_window(k, d, first, last)) (void)trend_window(k, -d, first, last);
      finish(k, v, Rule::kTrend, d > 0 ? Side::kHigh : Side::kLow, first + offset, last + offset);
    } else if (c.bits & kTwoInThreeFlag) {
      const int32_t first = at - c.tit_off;
      finish(k, v, Rule::kTwoInThree, c.rel > 0 ? Side::kHigh : Side::kLow, first + offset,
             first + 2 + offset);
    } else {
      int32_t first, last;
      if (c.shift >= shift_len) {
        first = at - shift_len + 1;
        last = at;
      } else {
        first = at - c.shift + 1;
        last = first + shift_len - 1;
      }
      finish(k, v, Rule::kShift, c.rel > 0 ? Side::kHigh : Side::kLow, first + offset,
             last + offset);
    }
  }
}

}  // namespace

void ClassifyRange(const Context& ctx, std::span<Point> points, size_t from, int32_t offset,
                   PhaseTally* tally, size_t to) {
  Classify(ctx, PointSource{points}, points, from, to, offset, tally);
}

void ClassifyConstant(const Context& ctx, std::span<const Subgroup> subgroups, const Point& proto,
                      std::span<Point> points, int32_t phase, int32_t offset, PhaseTally* tally) {
  Classify(ctx, ConstantSource{&ctx, subgroups.data(), ctx.options.multiply, &proto, phase}, points,
           0, points.size(), offset, tally);
}

}  // namespace everyseat::spc::detail
