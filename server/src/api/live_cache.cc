// The live series cache (live_cache.h).
#include "live_cache.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "everyseat/codec/analysis_json.h"
#include "everyseat/spc/analyse.h"

namespace everyseat::server::api {

using nlohmann::json;

namespace {

// The text of the note and PDSA annotations of one period, joined by "; ".
std::string NoteFor(const std::vector<domain::Annotation>& annotations, int64_t period_start) {
  std::string text;
  for (const domain::Annotation& a : annotations) {
    if (a.period_start != period_start || a.kind == domain::AnnotationKind::kRebase) continue;
    if (!text.empty()) text += "; ";
    text += a.text;
  }
  return text;
}

spc::Row RowOf(const domain::Observation& observation, int64_t line) {
  spc::Row row;
  row.time = observation.period_start;
  row.value = observation.value;
  row.denominator = observation.denominator.value_or(spc::kMissing);
  row.line = line;
  return row;
}

}  // namespace

spc::Options OptionsFor(const domain::Measure& measure,
                        std::span<const domain::Annotation> annotations) {
  spc::Options options;
  options.chart = measure.chart;
  options.rules = spc::Rules::kMdc;
  options.direction = measure.direction;
  options.target = measure.target.value_or(spc::kMissing);
  for (const domain::Annotation& a : annotations) {
    if (a.kind == domain::AnnotationKind::kRebase) options.rebase.push_back(a.period_start);
  }
  std::sort(options.rebase.begin(), options.rebase.end());
  options.rebase.erase(std::unique(options.rebase.begin(), options.rebase.end()),
                       options.rebase.end());
  return options;
}

store::Result<void> Load(SeriesState& state, store::Store& store, const domain::Measure& measure) {
  state.loaded = false;
  state.series.reset();
  state.periods.clear();
  state.dates.clear();
  state.note_texts.clear();
  state.notes.clear();
  state.error.clear();
  state.last_start = std::numeric_limits<int64_t>::min();
  state.measure = measure;

  auto annotations = store.ListAnnotations(measure.org, measure.id);
  if (!annotations) return tl::unexpected(annotations.error());
  state.annotations = std::move(*annotations);
  auto observations = store.ListObservations(measure.org, measure.id);
  if (!observations) return tl::unexpected(observations.error());

  auto series = spc::LiveSeries::Create(OptionsFor(measure, state.annotations));
  if (!series) {
    state.error = series.error().message;
    state.loaded = true;
    return {};
  }
  state.series.emplace(std::move(*series));
  state.loaded = true;
  if (auto appended = AppendAll(state, *observations); !appended) {
    const auto line = static_cast<size_t>(appended.error().line);
    const std::string period =
        line >= 1 && line <= observations->size() ? (*observations)[line - 1].period : "?";
    state.error = "the value for " + period + " cannot be charted: " + appended.error().message;
    state.series.reset();
  }
  return {};
}

spc::Result<spc::LiveUpdate> AppendAll(SeriesState& state,
                                       std::span<const domain::Observation> observations) {
  if (!state.series) {
    return spc::Fail(spc::ErrorCode::kInvalidOption,
                     state.error.empty() ? "the series is not loaded" : state.error);
  }
  std::vector<spc::Row> rows;
  rows.reserve(observations.size());
  // Lines count from 1 within `observations`, so an error names the observation at fault.
  for (size_t i = 0; i < observations.size(); ++i) {
    rows.push_back(RowOf(observations[i], static_cast<int64_t>(i) + 1));
  }
  auto update = state.series->AppendMany(rows);
  if (!update) return update;
  for (const domain::Observation& observation : observations) {
    state.periods.push_back(observation.period);
    state.dates.push_back(state.periods.back());
    state.note_texts.push_back(NoteFor(state.annotations, observation.period_start));
    state.notes.push_back(state.note_texts.back());
    state.last_start = observation.period_start;
  }
  return update;
}

size_t IndexOf(const SeriesState& state, std::string_view period) {
  const auto& points = state.series->analysis().points;
  size_t index = points.empty() ? 0 : points.size() - 1;
  for (size_t i = 0; i < points.size(); ++i) {
    if (points[i].row < state.dates.size() && state.dates[points[i].row] == period) index = i;
  }
  return index;
}

void AppendPointJson(const SeriesState& state, size_t index, std::string& out) {
  const spc::Point& p = state.series->point(index);
  const std::string_view date = p.row < state.dates.size() ? state.dates[p.row] : "";
  const std::string_view note = p.row < state.notes.size() ? state.notes[p.row] : "";
  codec::AppendPointJson(p, date, note, index, out);
}

json PointJson(const SeriesState& state, size_t index) {
  std::string text;
  AppendPointJson(state, index, text);
  return json::parse(text);
}

json SummaryJson(const spc::Summary& summary) {
  std::string text;
  codec::AppendSummaryJson(summary, text);
  return json::parse(text);
}

std::string AnalysisJson(const SeriesState& state) {
  std::string out;
  codec::AnalysisTexts texts;
  texts.dates = state.dates;
  texts.notes = state.notes;
  codec::AppendAnalysisJson(state.series->analysis(), texts, out);
  return out;
}

std::optional<ValueProblem> CheckValue(spc::Chart chart, double value,
                                       std::optional<double> denominator) {
  spc::Options options;
  options.chart = chart;
  spc::Row row;
  row.time = 1;
  row.value = value;
  row.denominator = denominator.value_or(spc::kMissing);
  const auto checked = spc::CheckRow(row, options);
  if (checked) return std::nullopt;
  const spc::Error& error = checked.error();
  const bool about_denominator = error.code == spc::ErrorCode::kNegativeDenominator ||
                                 error.code == spc::ErrorCode::kNumeratorAboveDenominator;
  return ValueProblem{about_denominator ? "denominator" : "value", error.message};
}

std::shared_ptr<SeriesState> LiveCache::Get(domain::MeasureId measure) {
  std::lock_guard lock(mu_);
  auto& slot = map_[measure];
  if (!slot) slot = std::make_shared<SeriesState>();
  return slot;
}

std::shared_ptr<SeriesState> LiveCache::Find(domain::MeasureId measure) {
  std::lock_guard lock(mu_);
  auto it = map_.find(measure);
  return it == map_.end() ? nullptr : it->second;
}

void LiveCache::Invalidate(domain::MeasureId measure) {
  std::shared_ptr<SeriesState> state;
  {
    std::lock_guard lock(mu_);
    auto it = map_.find(measure);
    if (it == map_.end()) return;
    state = it->second;
  }
  std::lock_guard lock(state->mu);
  state->loaded = false;
}

void LiveCache::InvalidateAll() {
  std::vector<std::shared_ptr<SeriesState>> states;
  {
    std::lock_guard lock(mu_);
    for (const auto& [id, state] : map_) states.push_back(state);
  }
  for (const auto& state : states) {
    std::lock_guard lock(state->mu);
    state->loaded = false;
  }
}

}  // namespace everyseat::server::api
