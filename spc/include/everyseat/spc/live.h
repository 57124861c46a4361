// A live series: points are appended one at a time as they arrive, and each append returns
// the new point's classification, the points whose classification changed, and whether the
// icons changed. The result after any number of appends is identical to analysing all the rows
// at once with Analyse (a property test checks this for every chart and both profiles).
//
// Cost: with fixed limits (Options::baseline > 0 and the phase past its baseline, on charts
// whose limits depend only on the baseline), an append costs O(1) amortised; otherwise the
// current phase is recalculated, O(points in the phase). Earlier phases are never touched.
// Thread-safety: not thread-safe; one writer at a time.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <vector>

#include "everyseat/spc/error.h"
#include "everyseat/spc/types.h"

namespace everyseat::spc {

struct LiveUpdate {
  size_t index = 0;             // the point the row went into (new, or merged into the last)
  std::vector<size_t> changed;  // other points whose rule, side, type or window changed
  bool variation_changed = false;
  bool assurance_changed = false;
};

class LiveSeries {
 public:
  // Fails on invalid options. Rebase and exclude times in the options apply as rows arrive.
  static Result<LiveSeries> Create(const Options& options);

  LiveSeries(LiveSeries&&) noexcept;
  LiveSeries& operator=(LiveSeries&&) noexcept;
  ~LiveSeries();

  // Appends one row. REQUIRES: row.time >= the last row's time (else kOutOfOrder). A row with
  // the same time as the last joins its subgroup on charts that group dates (xbar, s, p, ...),
  // and is an error on the others (unless Options::aggregate is set). On error nothing changes.
  [[nodiscard]] Result<LiveUpdate> Append(const Row& row);

  // Appends rows in order, as if by Append one at a time (the same analysis after), but each
  // phase's limits and rules are worked out once at the end instead of after every row: O(rows)
  // for a whole history, where Append row by row costs O(rows x phase length) while limits are
  // not fixed. Every row is checked before any is added: on error nothing changes. The update
  // names the last point and whether the icons changed; `changed` is left empty (any earlier
  // point may have changed). REQUIRES: rows sorted by time, the first not before the last row
  // appended. An empty span changes nothing.
  [[nodiscard]] Result<LiveUpdate> AppendMany(std::span<const Row> rows);

  // The analysis so far, with its reading. Identical to Analyse on the same rows.
  [[nodiscard]] const Analysis& analysis() const;
  // Its point at `index` and its summary, without bringing every point up to date: with limits
  // that move with every point, an append leaves most points' lines to be written when the
  // whole analysis is next read (O(points in the phase)); these cost O(1), and O(1) and the
  // reading's cost. REQUIRES: index < analysis().points.size() (the points appended so far).
  [[nodiscard]] const Point& point(size_t index) const;
  [[nodiscard]] const Summary& summary() const;
  // The number of points so far.
  [[nodiscard]] size_t size() const;
  [[nodiscard]] const Options& options() const;

 private:
  struct State;
  explicit LiveSeries(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

}  // namespace everyseat::spc
