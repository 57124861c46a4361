// Batch analysis: options -> checked rows -> subgroups (sorted by date) -> phases -> for each
// phase: fit on the baseline, limits per point, rules, runs analysis -> icons, warnings and the
// reading. Every step is shared with the live series (live.cc).
// Thread-safety: pure functions (the classifier's scratch buffer is thread_local).
#include "everyseat/spc/analyse.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>
#include <vector>

#include "internal.h"

namespace everyseat::spc {

Result<void> Validate(const Options& o) {
  if (o.baseline < 0) {
    return Fail(ErrorCode::kInvalidOption, "baseline must not be negative", 0, "baseline");
  }
  if (!(std::isfinite(o.multiply) && o.multiply > 0)) {
    return Fail(ErrorCode::kInvalidOption, "multiply must be a number greater than zero", 0,
                "multiply");
  }
  if (o.trend_length < 2 || o.trend_length > 100) {
    return Fail(ErrorCode::kInvalidOption, "trend length must be a whole number from 2 to 100", 0,
                "trend-length");
  }
  if (o.shift_length < 2 || o.shift_length > 100) {
    return Fail(ErrorCode::kInvalidOption, "shift length must be a whole number from 2 to 100", 0,
                "shift-length");
  }
  if (!std::isnan(o.limit_constant) && !(std::isfinite(o.limit_constant) && o.limit_constant > 0)) {
    return Fail(ErrorCode::kInvalidOption, "limit constant must be a number greater than zero", 0,
                "limit-constant");
  }
  if (std::isinf(o.target)) {
    return Fail(ErrorCode::kInvalidOption, "target must be a finite number", 0, "target");
  }
  return {};
}

namespace {

// Checks that every time in `wanted` is the time of some subgroup.
Result<void> MatchTimes(const std::vector<int64_t>& wanted,
                        const std::vector<detail::Subgroup>& subgroups, const char* field) {
  for (int64_t t : wanted) {
    auto it = std::lower_bound(subgroups.begin(), subgroups.end(), t,
                               [](const detail::Subgroup& sg, int64_t v) { return sg.time < v; });
    if (it == subgroups.end() || it->time != t) {
      return Fail(ErrorCode::kUnmatchedDate, std::string(field) + " date matches no row", 0, field);
    }
  }
  return {};
}

bool Contains(const std::vector<int64_t>& sorted, int64_t t) {
  return std::binary_search(sorted.begin(), sorted.end(), t);
}

}  // namespace

Result<void> CheckRow(const Row& row, const Options& options) {
  if (!detail::ChecksRows(options.chart)) return {};
  return detail::CheckRow(detail::MakeContext(options), row);
}

Result<void> AnalyseInto(std::span<const Row> rows, const Options& options, Analysis& out) {
  if (auto ok = Validate(options); !ok) return ok;
  const detail::Context ctx = detail::MakeContext(options);
  const bool target_option = !std::isnan(options.target);

  // Rows, checked in input order so that the first bad line is the one reported.
  bool sorted = true;
  int64_t unsorted_line = 0;
  const bool checks = detail::ChecksRows(options.chart);
  for (size_t i = 0; i < rows.size(); ++i) {
    if (checks) {
      if (auto ok = detail::CheckRow(ctx, rows[i]); !ok) return ok;
    }
    if (target_option && !std::isnan(rows[i].target)) {
      return Fail(ErrorCode::kTargetTwice,
                  "a target option and a target column cannot both be given", rows[i].line,
                  "target");
    }
    if (sorted && i > 0 && rows[i].time < rows[i - 1].time) {
      sorted = false;
      unsorted_line = rows[i].line;
    }
  }
  std::vector<uint32_t> order;
  if (!sorted) {
    order.resize(rows.size());
    std::iota(order.begin(), order.end(), 0u);
    std::stable_sort(order.begin(), order.end(),
                     [&](uint32_t a, uint32_t b) { return rows[a].time < rows[b].time; });
  }
  auto row_at = [&](size_t i) -> uint32_t { return sorted ? static_cast<uint32_t>(i) : order[i]; };

  // Subgroups.
  // Reused between calls on this thread: a fresh allocation of this size costs more in page
  // faults than the whole analysis.
  thread_local std::vector<detail::Subgroup> subgroups;
  const bool grouping = GroupsRepeatedDates(options.chart) || options.aggregate != Aggregate::kNone;
  if (grouping) {
    subgroups.clear();
    detail::SubgroupBuilder builder;
    for (size_t i = 0; i < rows.size();) {
      const uint32_t first = row_at(i);
      builder.Start(rows[first], first);
      size_t j = i + 1;
      while (j < rows.size() && rows[row_at(j)].time == rows[first].time) {
        builder.Add(rows[row_at(j)]);
        ++j;
      }
      subgroups.push_back(builder.Finish(ctx));
      i = j;
    }
  } else {
    subgroups.resize(rows.size());
    for (size_t i = 0; i < rows.size(); ++i) {
      const uint32_t index = row_at(i);
      const Row& r = rows[index];
      if (i > 0 && rows[row_at(i - 1)].time == r.time) {
        const Row& earlier = rows[row_at(i - 1)];
        return Fail(ErrorCode::kDuplicateDate,
                    "repeated date (also on line " + std::to_string(earlier.line) + ")", r.line,
                    "date");
      }
      subgroups[i] = detail::SingleRow(r, index);
    }
  }

  std::vector<int64_t> rebase = options.rebase, exclude = options.exclude;
  std::sort(rebase.begin(), rebase.end());
  std::sort(exclude.begin(), exclude.end());
  if (auto ok = MatchTimes(rebase, subgroups, "rebase"); !ok) return ok;
  if (auto ok = MatchTimes(exclude, subgroups, "exclude"); !ok) return ok;

  // Points and phases.
  out.chart = options.chart;
  out.rules = options.rules;
  out.direction = options.direction;
  out.points.resize(subgroups.size());
  out.phases.clear();
  out.warnings.clear();
  for (size_t i = 0; i < subgroups.size(); ++i) {
    detail::Subgroup& sg = subgroups[i];
    if (!exclude.empty() && Contains(exclude, sg.time)) sg.exclude = true;
    if (target_option) sg.target = options.target;
    const bool new_phase = i == 0 || sg.label != subgroups[i - 1].label ||
                           (!rebase.empty() && Contains(rebase, sg.time));
    if (new_phase) {
      Phase ph;
      ph.index = static_cast<int32_t>(out.phases.size());
      ph.first = i;
      ph.label = sg.label.empty() ? std::to_string(ph.index + 1) : std::string(sg.label);
      out.phases.push_back(std::move(ph));
    }
  }
  for (size_t k = 0; k < out.phases.size(); ++k) {
    Phase& ph = out.phases[k];
    const size_t end = k + 1 < out.phases.size() ? out.phases[k + 1].first : subgroups.size();
    const std::span<const detail::Subgroup> sgs(subgroups.data() + ph.first, end - ph.first);
    const std::span<Point> pts(out.points.data() + ph.first, end - ph.first);
    detail::ComputePhase(ctx, sgs, pts, ph);
  }
  detail::Summarise(ctx, out);
  detail::BuildWarnings(ctx, subgroups, detail::WarningInputs{unsorted_line}, out);
  out.summary.reading = Reading(out, options);
  return {};
}

namespace {

bool Same(double a, double b) { return a == b || (std::isnan(a) && std::isnan(b)); }

bool SamePoint(const Point& a, const Point& b) {
  return Same(a.value, b.value) && Same(a.centre, b.centre) && Same(a.lower, b.lower) &&
         Same(a.upper, b.upper) && Same(a.lower_2sigma, b.lower_2sigma) &&
         Same(a.upper_2sigma, b.upper_2sigma) && Same(a.numerator, b.numerator) &&
         Same(a.denominator, b.denominator) && Same(a.target, b.target) && a.time == b.time &&
         a.row == b.row && a.phase == b.phase && a.window_first == b.window_first &&
         a.window_last == b.window_last && a.rule == b.rule && a.side == b.side &&
         a.type == b.type && a.baseline == b.baseline && a.excluded == b.excluded;
}

bool SamePhase(const Phase& a, const Phase& b) {
  return a.index == b.index && a.label == b.label && a.first == b.first && a.n == b.n &&
         Same(a.centre, b.centre) && Same(a.lower, b.lower) && Same(a.upper, b.upper) &&
         Same(a.moving_range_mean, b.moving_range_mean) && a.longest_run == b.longest_run &&
         a.longest_run_max == b.longest_run_max && a.crossings == b.crossings &&
         a.crossings_min == b.crossings_min && a.runs_signal == b.runs_signal &&
         a.short_phase == b.short_phase && a.improvement == b.improvement &&
         a.concern == b.concern && a.neutral == b.neutral;
}

}  // namespace

bool Identical(const Analysis& a, const Analysis& b) {
  if (a.chart != b.chart || a.rules != b.rules || a.direction != b.direction) return false;
  if (!(a.summary == b.summary) || !(a.warnings == b.warnings)) return false;
  if (a.points.size() != b.points.size() || a.phases.size() != b.phases.size()) return false;
  for (size_t i = 0; i < a.points.size(); ++i) {
    if (!SamePoint(a.points[i], b.points[i])) return false;
  }
  for (size_t i = 0; i < a.phases.size(); ++i) {
    if (!SamePhase(a.phases[i], b.phases[i])) return false;
  }
  return true;
}

Result<Analysis> Analyse(std::span<const Row> rows, const Options& options) {
  Analysis a;
  if (auto ok = AnalyseInto(rows, options, a); !ok) return tl::unexpected(ok.error());
  return a;
}

}  // namespace everyseat::spc
