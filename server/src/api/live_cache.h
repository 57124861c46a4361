// The live series of each measure, kept in memory once first used, so that a new observation is
// classified by spc::LiveSeries without re-reading the measure's history (issue 3, "Real time").
//
// A series is loaded from the store (every current observation, in period order, with the
// measure's rebase annotations as phases) and then extended one observation at a time while
// observations arrive in period order. Anything else — a correction, a late period, a new
// annotation, a changed definition, or another node's write — invalidates it, and the next use
// reloads it.
// Thread-safety: LiveCache's methods may be called from any thread. A SeriesState is used only
// while holding its mutex.
#pragma once

#include <cstdint>
#include <deque>
#include <limits>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "everyseat/domain/model.h"
#include "everyseat/spc/live.h"
#include "everyseat/store/store.h"

namespace everyseat::server::api {

struct SeriesState {
  std::mutex mu;
  bool loaded = false;
  domain::Measure measure;
  std::optional<spc::LiveSeries> series;
  std::deque<std::string> periods;              // per appended row: the period as stored
  std::vector<std::string_view> dates;          // views of `periods`, indexed like spc::Point::row
  std::deque<std::string> note_texts;           // per row: the period's note and PDSA annotations
  std::vector<std::string_view> notes;          // views of `note_texts`
  std::vector<domain::Annotation> annotations;  // the measure's, in period order
  int64_t last_start = std::numeric_limits<int64_t>::min();
  // Why the series cannot be analysed (e.g. a value the chart cannot take); empty when it can.
  std::string error;
};

// The SPC options of a measure: its chart, improvement direction and target, MDC rules, and a
// new phase at each rebase annotation.
[[nodiscard]] spc::Options OptionsFor(const domain::Measure& measure,
                                      std::span<const domain::Annotation> annotations);

// Loads the series from the store. REQUIRES: state.mu is held.
[[nodiscard]] store::Result<void> Load(SeriesState& state, store::Store& store,
                                       const domain::Measure& measure);

// Appends stored observations in period order with LiveSeries::AppendMany (O(rows)).
// REQUIRES: as Append, for the first; the rest in increasing period order.
[[nodiscard]] spc::Result<spc::LiveUpdate> AppendAll(
    SeriesState& state, std::span<const domain::Observation> observations);

// The index of the point of `period` (its last point when several share it), or the last point
// when no point has it. REQUIRES: the series is analysed.
[[nodiscard]] size_t IndexOf(const SeriesState& state, std::string_view period);

// The point at `index` as in the JSON of `everyseat spc` (spc.md section 5), plus "index" first:
// appended as text, or as a value.
void AppendPointJson(const SeriesState& state, size_t index, std::string& out);
[[nodiscard]] nlohmann::json PointJson(const SeriesState& state, size_t index);
// The summary as in the JSON of `everyseat spc`.
[[nodiscard]] nlohmann::json SummaryJson(const spc::Summary& summary);
// The whole analysis, exactly as `everyseat spc` writes it (one line, ending in '\n').
[[nodiscard]] std::string AnalysisJson(const SeriesState& state);

// Checks that a value can go on the measure's chart (a count not negative, a numerator not above
// its denominator, ...): the engine's own rules, applied before anything is stored. Returns the
// reason and the field ("value" or "denominator"), or nothing when it can.
struct ValueProblem {
  std::string field;
  std::string reason;
};
[[nodiscard]] std::optional<ValueProblem> CheckValue(spc::Chart chart, double value,
                                                     std::optional<double> denominator);

class LiveCache {
 public:
  // The state of the measure (empty and not loaded the first time).
  [[nodiscard]] std::shared_ptr<SeriesState> Get(domain::MeasureId measure);
  // The state of the measure if it has one (nullptr: never used).
  [[nodiscard]] std::shared_ptr<SeriesState> Find(domain::MeasureId measure);
  // The next use reloads the measure's series.
  void Invalidate(domain::MeasureId measure);
  // The next use of every series reloads it.
  void InvalidateAll();

 private:
  std::mutex mu_;
  std::unordered_map<domain::MeasureId, std::shared_ptr<SeriesState>> map_;
};

}  // namespace everyseat::server::api
