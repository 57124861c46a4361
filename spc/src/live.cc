// The live series (live.h): appends rows one at a time with the same building blocks as the
// batch analysis, so the result after every append is identical to Analyse on the same rows.
//  - fast path (O(1) amortised): a chart whose limits depend only on the baseline, with the
//    current phase past its baseline: the fitted limits are reused for the new point, only the
//    last few points are reclassified (no pattern reaches further back than its length), and
//    the runs analysis is extended by one point;
//  - otherwise the current phase is recomputed; earlier phases never change.
// Warnings and the reading are rebuilt lazily, when analysis() is read.
// Thread-safety: not thread-safe (one writer).
#include "everyseat/spc/live.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <unordered_set>

#include "everyseat/spc/analyse.h"
#include "internal.h"

namespace everyseat::spc {

namespace {

struct Classification {
  Rule rule;
  Side side;
  PointType type;
  int32_t first, last;
  bool operator==(const Classification&) const = default;
};

Classification Of(const Point& p) {
  return {p.rule, p.side, p.type, p.window_first, p.window_last};
}

void Tally(PointType type, Phase& phase, int delta) {
  switch (type) {
    case PointType::kImprovement:
      phase.improvement += delta;
      break;
    case PointType::kConcern:
      phase.concern += delta;
      break;
    case PointType::kNeutralHigh:
    case PointType::kNeutralLow:
      phase.neutral += delta;
      break;
    default:
      break;
  }
}

// The lines of a point: centre, limits and 2-sigma lines.
struct Lines {
  double centre = kMissing, lower = kMissing, upper = kMissing, lower_2sigma = kMissing,
         upper_2sigma = kMissing;
};

Lines LinesOf(const Point& p) {
  return {p.centre, p.lower, p.upper, p.lower_2sigma, p.upper_2sigma};
}

void SetLines(const Lines& l, Point& p) {
  p.centre = l.centre;
  p.lower = l.lower;
  p.upper = l.upper;
  p.lower_2sigma = l.lower_2sigma;
  p.upper_2sigma = l.upper_2sigma;
}

}  // namespace

struct LiveSeries::State {
  detail::Context ctx;
  Analysis analysis;
  std::vector<detail::Subgroup> subgroups;
  detail::SubgroupCounts counts;         // of `subgroups`, for the warnings
  std::vector<int64_t> rebase, exclude;  // sorted
  bool grouping = false;
  detail::SubgroupBuilder open;            // the rows of the last subgroup
  std::unordered_set<std::string> labels;  // owns the label text subgroups point into
  std::string_view last_label;
  uint32_t rows = 0;
  int64_t last_time = 0;
  int64_t last_line = 0;
  detail::Fit fit;                     // of the current phase, as last fitted
  detail::RunsCounter runs;            // of the current phase
  std::vector<Classification> before;  // scratch
  mutable bool dirty = true;           // warnings and reading need rebuilding
  bool pending = false;                // AppendMany: the current phase awaits its Recompute
  // i and t charts whose limits move with every point (no baseline): the sums of the current
  // phase's fit, over its first `summed` subgroups (Recompute's fast case, Refit).
  detail::IndividualsSums sums;
  int32_t summed_phase = -1;  // the phase they are of; -1: none
  size_t summed = 0;
  std::vector<size_t> moved;  // scratch: points whose facts moved with the lines
  // Refit moves the lines of every point of the phase, all to the same place. It writes them
  // only to the points it reads or classifies; while `lazy`, the others of the current phase
  // hold stale lines and `lazy_lines` are theirs (Materialize writes them: analysis() does, and
  // so does the start of another phase). The points whose value lies between a line's old and
  // new place are found in the summed phase's values kept in order (two binary searches a
  // line), not by reading every point.
  bool lazy = false;
  Lines lazy_lines;
  size_t phase_kept = 0;  // the summed phase's points entered in the two below
  std::vector<std::pair<double, size_t>> by_value;  // (Point::value, index), values only, sorted
  std::vector<double> phase_counted;  // Point::value by index, NaN for an excluded point (runs)

  std::string_view Intern(std::string_view label) { return *labels.emplace(label).first; }
  static bool Contains(const std::vector<int64_t>& v, int64_t t) {
    return std::binary_search(v.begin(), v.end(), t);
  }
  void Prepare(detail::Subgroup& sg) const {
    if (Contains(exclude, sg.time)) sg.exclude = true;
    if (!std::isnan(ctx.options.target)) sg.target = ctx.options.target;
  }
  void SetStatic(const detail::Subgroup& sg, const Phase& phase, size_t index, Point& p) const {
    detail::InitPoint(ctx, sg, phase.index, index - phase.first, p);
  }
  // Recomputes the whole current phase and lists the earlier points whose classification
  // changed.
  void Recompute(Phase& phase, LiveUpdate& update);
  // Adds the last point to a phase whose limits are fixed: O(pattern length).
  void Extend(Phase& phase, LiveUpdate& update);
  // Whether the phase's fit can be kept as sums and extended (IndividualsSums).
  [[nodiscard]] bool Summable() const {
    const Options& o = ctx.options;
    return (o.chart == Chart::kI || o.chart == Chart::kT) && o.baseline == 0;
  }
  [[nodiscard]] double Scale(double y) const;  // a value on the chart's fitting scale
  // Recompute when exactly one point has been added to a Summable phase since its last
  // Recompute: the fit from the sums; every point's new lines; and only the points near one
  // whose side of the centre, limits or 2-sigma lines changed (or near the new point)
  // classified again. O(points in the phase) for the lines, with a small constant.
  void Refit(Phase& phase, LiveUpdate& update);
  // Checks a row as Append would, given the time and line of the row before it.
  [[nodiscard]] Result<void> Check(const Row& row, bool first, int64_t previous_time,
                                   int64_t previous_line) const;
  // Adds a checked row. With `defer`, a phase that needs recalculating is only marked pending.
  void Add(const Row& row, bool defer, LiveUpdate& update);
  // Writes the lazy lines to every point of the current phase.
  void Materialize() {
    if (!lazy) return;
    for (size_t i = analysis.phases.back().first; i < analysis.points.size(); ++i) {
      SetLines(lazy_lines, analysis.points[i]);
    }
    lazy = false;
  }
  // The point at `index` with its lines up to date.
  Point& Fresh(size_t index) {
    Point& p = analysis.points[index];
    if (lazy && index >= analysis.phases.back().first) SetLines(lazy_lines, p);
    return p;
  }
  void Settle(LiveUpdate& update) {
    if (!pending) return;
    Recompute(analysis.phases.back(), update);
    pending = false;
  }
};

double LiveSeries::State::Scale(double y) const {
  return ctx.options.chart == Chart::kT ? detail::TransformForT(y) : y;
}

void LiveSeries::State::Refit(Phase& phase, LiveUpdate& update) {
  const Options& o = ctx.options;
  const size_t first = phase.first;
  const size_t end = analysis.points.size();
  const size_t k = end - 1;  // the new point
  const detail::Subgroup& sg = subgroups[k];
  if (!sg.exclude) sums.Add(Scale(sg.y));
  ++summed;
  fit = sums.LiveResult(o.screen_outliers);
  Point proto;
  detail::ApplyFit(ctx, fit, detail::Subgroup{}, kMissing, proto);

  const Lines now = LinesOf(proto);

  // Note the points whose facts the move of the lines can change: those whose value lies
  // between a line's old and new place (every point, when a line is missing).
  Point& last = analysis.points[k];
  last.value = std::isfinite(sg.y) ? sg.y * o.multiply : kMissing;
  if (phase_kept != k - first) {  // not kept for this phase yet
    by_value.clear();
    phase_counted.clear();
    for (size_t i = first; i < k; ++i) {
      const Point& p = analysis.points[i];
      if (!std::isnan(p.value)) by_value.emplace_back(p.value, i);
      phase_counted.push_back(p.excluded ? kMissing : p.value);
    }
    std::sort(by_value.begin(), by_value.end());
  }
  const Lines was = lazy ? lazy_lines : LinesOf(analysis.points[first]);
  const double lines_was[] = {was.centre, was.lower, was.upper, was.lower_2sigma, was.upper_2sigma};
  const double lines_now[] = {now.centre, now.lower, now.upper, now.lower_2sigma, now.upper_2sigma};
  double band_lo[5], band_hi[5];
  bool every = false;
  for (int l = 0; l < 5; ++l) {
    every = every || !std::isfinite(lines_was[l]) || !std::isfinite(lines_now[l]);
    band_lo[l] = std::min(lines_was[l], lines_now[l]);
    band_hi[l] = std::max(lines_was[l], lines_now[l]);
  }
  moved.clear();
  bool crossed = every;  // a point between the old and new centre (its side may change)
  if (every) {
    for (size_t i = first; i < end; ++i) moved.push_back(i);
  } else {
    for (int l = 0; l < 5; ++l) {
      auto it = std::lower_bound(by_value.begin(), by_value.end(), band_lo[l],
                                 [](const auto& entry, double v) { return entry.first < v; });
      for (; it != by_value.end() && it->first <= band_hi[l]; ++it) {
        moved.push_back(it->second);
        crossed = crossed || l == 0;
      }
    }
    std::sort(moved.begin(), moved.end());  // the bands may overlap
    moved.erase(std::unique(moved.begin(), moved.end()), moved.end());
    moved.push_back(k);
  }
  // The new point joins the phase's values (after any equal value: its index is the largest).
  if (!std::isnan(last.value)) {
    const std::pair<double, size_t> entry(last.value, k);
    by_value.insert(std::upper_bound(by_value.begin(), by_value.end(), entry), entry);
  }
  phase_counted.push_back(last.excluded ? kMissing : last.value);
  phase_kept = end - first;
  // The runs about the centre: when no earlier point lies between the old centre and the new,
  // each keeps its side, and the runs so far only grow by the new point.
  if (crossed) {
    runs = detail::RunsCounter{};
    runs.AddAll(phase_counted, now.centre);
  } else {
    runs.Add(last.value, last.excluded, now.centre);
  }
  // From here the phase's points have the new lines: written below to those read, and to the
  // rest when they are next needed.
  lazy = true;
  lazy_lines = now;
  // Summarise reads the last point with a value.
  for (size_t i = end; i-- > first;) {
    SetLines(now, analysis.points[i]);
    if (analysis.points[i].has_value()) break;
  }

  // Classify again the points a moved point can reach (a pattern is at most `reach` long), each
  // stretch read with `margin` points of context either side.
  const auto reach = static_cast<size_t>(std::max({o.trend_length, o.shift_length, 3}) + 1);
  const size_t margin = reach + 3;
  size_t m = 0;
  while (m < moved.size()) {
    const size_t a = moved[m] > first + reach ? moved[m] - reach : first;
    size_t b = std::min(moved[m] + reach, k);
    for (++m; m < moved.size() && moved[m] <= b + reach + 1; ++m) {
      b = std::min(moved[m] + reach, k);
    }
    const size_t lo = a > first + margin ? a - margin : first;
    const size_t hi = std::min(end, b + margin + 1);
    before.clear();
    for (size_t i = a; i <= b; ++i) before.push_back(Of(analysis.points[i]));
    for (size_t i = lo; i < hi; ++i) SetLines(now, analysis.points[i]);
    const std::span<Point> pts(analysis.points.data() + lo, hi - lo);
    detail::ClassifyRange(ctx, pts, a - lo, static_cast<int32_t>(lo), nullptr, b + 1 - lo);
    for (size_t i = a; i <= b; ++i) {
      const Point& q = analysis.points[i];
      if (i == k) {
        Tally(q.type, phase, +1);
        continue;
      }
      const Classification& old = before[i - a];
      if (!(Of(q) == old)) {
        update.changed.push_back(i);
        Tally(old.type, phase, -1);
        Tally(q.type, phase, +1);
      }
    }
  }
  phase.n = end - first;
  detail::SetPhaseMovingRange(ctx, fit, phase);
  phase.centre = now.centre;
  phase.lower = now.lower;
  phase.upper = now.upper;
  detail::SetPhaseRuns(runs.Finish(false), phase);
}

void LiveSeries::State::Recompute(Phase& phase, LiveUpdate& update) {
  const size_t end = analysis.points.size();
  if (Summable() && summed_phase == phase.index && summed + 1 == end - phase.first) {
    Refit(phase, update);
    return;
  }
  before.clear();
  for (size_t i = phase.first; i + 1 < end; ++i) before.push_back(Of(analysis.points[i]));
  const std::span<const detail::Subgroup> sgs(subgroups.data() + phase.first, end - phase.first);
  const std::span<Point> pts(analysis.points.data() + phase.first, end - phase.first);
  detail::ComputePhase(ctx, sgs, pts, phase, &fit);  // every point's lines
  lazy = false;
  phase_kept = 0;
  by_value.clear();
  phase_counted.clear();
  runs = detail::RunsCounter{};
  for (const Point& p : pts) runs.Add(p);
  for (size_t i = phase.first; i + 1 < end; ++i) {
    if (!(Of(analysis.points[i]) == before[i - phase.first])) update.changed.push_back(i);
  }
  if (Summable()) {  // the sums the next point's Refit starts from
    sums = detail::IndividualsSums{};
    for (const detail::Subgroup& sg : sgs) {
      if (!sg.exclude) sums.Add(Scale(sg.y));
    }
    (void)sums.LiveResult(ctx.options.screen_outliers);
    summed_phase = phase.index;
    summed = sgs.size();
  }
}

void LiveSeries::State::Extend(Phase& phase, LiveUpdate& update) {
  const size_t end = analysis.points.size();
  const size_t k = end - 1;
  Point& p = analysis.points[k];
  detail::ApplyFit(ctx, fit, subgroups[k], subgroups[k - 1].y, p);
  const Options& o = ctx.options;
  // A new point can change the classification of at most the `reach` points before it; their
  // classification reads at most `reach` + 2 points further back.
  const auto reach = static_cast<size_t>(std::max({o.trend_length, o.shift_length, 3}));
  const size_t in_phase = k - phase.first;
  const size_t from = in_phase > reach ? in_phase - reach : 0;
  const size_t lo = from > reach + 2 ? from - reach - 2 : 0;
  before.clear();
  for (size_t i = phase.first + from; i < k; ++i) before.push_back(Of(analysis.points[i]));
  const std::span<Point> pts(analysis.points.data() + phase.first + lo, end - phase.first - lo);
  detail::ClassifyRange(ctx, pts, from - lo, static_cast<int32_t>(phase.first + lo));
  for (size_t i = phase.first + from; i < k; ++i) {
    const Classification& old = before[i - phase.first - from];
    const Point& q = analysis.points[i];
    if (!(Of(q) == old)) {
      update.changed.push_back(i);
      Tally(old.type, phase, -1);
      Tally(q.type, phase, +1);
    }
  }
  Tally(p.type, phase, +1);
  runs.Add(p);
  phase.n = end - phase.first;
  phase.centre = p.centre;
  phase.lower = p.lower;
  phase.upper = p.upper;
  detail::SetPhaseRuns(runs.Finish(o.chart == Chart::kMr), phase);
}

LiveSeries::LiveSeries(std::unique_ptr<State> state) : state_(std::move(state)) {}
LiveSeries::LiveSeries(LiveSeries&&) noexcept = default;
LiveSeries& LiveSeries::operator=(LiveSeries&&) noexcept = default;
LiveSeries::~LiveSeries() = default;

Result<LiveSeries> LiveSeries::Create(const Options& options) {
  if (auto ok = Validate(options); !ok) return tl::unexpected(ok.error());
  auto state = std::make_unique<State>();
  state->ctx = detail::MakeContext(options);
  state->rebase = options.rebase;
  state->exclude = options.exclude;
  std::sort(state->rebase.begin(), state->rebase.end());
  std::sort(state->exclude.begin(), state->exclude.end());
  state->grouping = GroupsRepeatedDates(options.chart) || options.aggregate != Aggregate::kNone;
  state->analysis.chart = options.chart;
  state->analysis.rules = options.rules;
  state->analysis.direction = options.direction;
  detail::Summarise(state->ctx, state->analysis);
  return LiveSeries(std::move(state));
}

Result<void> LiveSeries::State::Check(const Row& row, bool first, int64_t previous_time,
                                      int64_t previous_line) const {
  const Options& o = ctx.options;
  if (!first && row.time < previous_time) {
    return Fail(ErrorCode::kOutOfOrder, "a point dated before the last one cannot be appended",
                row.line, "date");
  }
  if (auto ok = detail::CheckRow(ctx, row); !ok) return tl::unexpected(ok.error());
  if (!std::isnan(o.target) && !std::isnan(row.target)) {
    return Fail(ErrorCode::kTargetTwice, "a target option and a target column cannot both be given",
                row.line, "target");
  }
  if (!first && row.time == previous_time && !grouping) {
    return Fail(ErrorCode::kDuplicateDate,
                "repeated date (also on line " + std::to_string(previous_line) + ")", row.line,
                "date");
  }
  return {};
}

void LiveSeries::State::Add(const Row& row, bool defer, LiveUpdate& update) {
  State& s = *this;
  const Options& o = s.ctx.options;
  const bool same_time = s.rows > 0 && row.time == s.last_time;
  Analysis& a = s.analysis;
  Row owned = row;
  owned.phase = s.rows > 0 && row.phase == s.last_label ? s.last_label : s.Intern(row.phase);

  if (same_time) {
    // The row joins the last subgroup: that point, and so its phase, is recomputed.
    s.open.Add(owned);
    detail::Subgroup sg = s.open.Finish(s.ctx);
    s.Prepare(sg);
    s.counts.RemoveLast(s.subgroups.back());
    s.subgroups.back() = sg;
    s.counts.Add(sg);
    Phase& phase = a.phases.back();
    s.SetStatic(sg, phase, a.points.size() - 1, a.points.back());
    if (defer) {
      s.pending = true;
    } else {
      s.Recompute(phase, update);
    }
  } else {
    detail::Subgroup sg;
    if (s.grouping) {
      s.open.Start(owned, s.rows);
      sg = s.open.Finish(s.ctx);
    } else {
      sg = detail::SingleRow(owned, s.rows);
    }
    s.Prepare(sg);
    const bool new_phase =
        s.rows == 0 || owned.phase != s.last_label || State::Contains(s.rebase, sg.time);
    if (new_phase) {
      s.Settle(update);  // the phase that ends now is complete
      s.Materialize();   // and its points' lines written
      Phase ph;
      ph.index = static_cast<int32_t>(a.phases.size());
      ph.first = a.points.size();
      ph.label = sg.label.empty() ? std::to_string(ph.index + 1) : std::string(sg.label);
      a.phases.push_back(std::move(ph));
    }
    Phase& phase = a.phases.back();
    s.subgroups.push_back(sg);
    s.counts.Add(sg);
    a.points.emplace_back();
    s.SetStatic(sg, phase, a.points.size() - 1, a.points.back());
    const size_t before_n = a.points.size() - 1 - phase.first;
    const bool fixed = s.ctx.fixable && o.baseline > 0 && !new_phase &&
                       before_n >= static_cast<size_t>(o.baseline);
    if (fixed && s.pending) {
      s.Settle(update);  // fits the baseline and classifies the phase, this point included
    } else if (fixed) {
      s.Extend(phase, update);
    } else if (defer) {
      s.pending = true;
    } else {
      s.Recompute(phase, update);
    }
    s.last_label = owned.phase;
  }
  s.rows++;
  s.last_time = row.time;
  s.last_line = row.line;
}

Result<LiveUpdate> LiveSeries::Append(const Row& row) {
  State& s = *state_;
  if (auto ok = s.Check(row, s.rows == 0, s.last_time, s.last_line); !ok) {
    return tl::unexpected(ok.error());
  }
  Analysis& a = s.analysis;
  const VariationIcon variation = a.summary.variation;
  const AssuranceIcon assurance = a.summary.assurance;
  LiveUpdate update;
  s.Add(row, false, update);
  update.index = a.points.size() - 1;
  detail::Summarise(s.ctx, a);
  update.variation_changed = a.summary.variation != variation;
  update.assurance_changed = a.summary.assurance != assurance;
  s.dirty = true;
  return update;
}

Result<LiveUpdate> LiveSeries::AppendMany(std::span<const Row> rows) {
  State& s = *state_;
  Analysis& a = s.analysis;
  LiveUpdate update;
  update.index = a.points.empty() ? 0 : a.points.size() - 1;
  if (rows.empty()) return update;
  bool first = s.rows == 0;
  int64_t time = s.last_time;
  int64_t line = s.last_line;
  for (const Row& row : rows) {
    if (auto ok = s.Check(row, first, time, line); !ok) return tl::unexpected(ok.error());
    first = false;
    time = row.time;
    line = row.line;
  }
  const VariationIcon variation = a.summary.variation;
  const AssuranceIcon assurance = a.summary.assurance;
  LiveUpdate scratch;
  for (const Row& row : rows) s.Add(row, true, scratch);
  s.Settle(scratch);
  update.index = a.points.size() - 1;
  detail::Summarise(s.ctx, a);
  update.variation_changed = a.summary.variation != variation;
  update.assurance_changed = a.summary.assurance != assurance;
  s.dirty = true;
  return update;
}

const Analysis& LiveSeries::analysis() const {
  state_->Materialize();
  (void)summary();  // the warnings and reading, when stale
  return state_->analysis;
}

const Point& LiveSeries::point(size_t index) const { return state_->Fresh(index); }

size_t LiveSeries::size() const { return state_->analysis.points.size(); }

const Summary& LiveSeries::summary() const {
  State& s = *state_;
  if (s.dirty) {
    detail::BuildWarnings(s.ctx, s.subgroups, detail::WarningInputs{0, &s.counts}, s.analysis);
    s.analysis.summary.reading = Reading(s.analysis, s.ctx.options);
    s.dirty = false;
  }
  return s.analysis.summary;
}

const Options& LiveSeries::options() const { return state_->ctx.options; }

}  // namespace everyseat::spc
