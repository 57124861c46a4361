// From a parsed CSV table to the engine's rows: see series_input.h.
#include "everyseat/codec/series_input.h"

#include <algorithm>
#include <optional>
#include <unordered_map>
#include <utility>

#include "everyseat/codec/values.h"

namespace everyseat::codec {
namespace {

constexpr size_t kAbsent = static_cast<size_t>(-1);  // as SeriesReader::kAbsent

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

tl::unexpected<InputError> Fail(int64_t line, std::string reason) {
  return tl::unexpected<InputError>(InputError{line, std::move(reason)});
}

std::string Quoted(std::string_view what, std::string_view text, std::string_view problem) {
  std::string reason;
  reason.reserve(what.size() + text.size() + problem.size() + 4);
  reason.append(what).append(" '").append(text).append("' ").append(problem);
  return reason;
}

// The column's index, kAbsent when optional and absent; an error when required and absent.
tl::expected<size_t, InputError> Locate(const CsvTable& table, const ColumnName& column,
                                        bool required) {
  if (std::optional<size_t> index = table.Find(column.name)) return *index;
  if (required) return Fail(table.header_line(), "missing column '" + column.name + "'");
  return kAbsent;
}

// A number cell: missing (empty, NA) gives NaN; bad text gives nullopt.
std::optional<double> Number(std::string_view cell) {
  if (IsMissing(cell)) return spc::kMissing;
  return ParseNumber(cell);
}

bool Keep(const CsvTable& table, size_t row,
          const std::vector<std::pair<size_t, std::string_view>>& filters) {
  for (const auto& [column, value] : filters) {
    if (Trim(table.cell(row, column)) != value) return false;
  }
  return true;
}

}  // namespace

tl::expected<SeriesReader, InputError> SeriesReader::Open(const CsvTable& table,
                                                          const SeriesRequest& request) {
  SeriesReader reader;
  reader.table_ = &table;
  const SeriesColumns& c = request.columns;
  const bool with_denominator = spc::HasDenominator(request.chart);
  // In the order a reader would fix them: the date, the value, then the rest.
  const std::pair<const ColumnName*, size_t*> columns[] = {
      {&c.date, &reader.date_},
      {&c.value, &reader.value_},
      {&c.denominator, &reader.denominator_},
      {&c.phase, &reader.phase_},
      {&c.target, &reader.target_},
      {&c.exclude, &reader.exclude_},
      {&c.note, &reader.note_},
  };
  for (const auto& [column, index] : columns) {
    const bool required = column->required || (column == &c.denominator && with_denominator);
    auto found = Locate(table, *column, required);
    if (!found) return tl::unexpected(std::move(found.error()));
    *index = *found;
  }
  if (!with_denominator) reader.denominator_ = kAbsent;
  size_t series_column = kAbsent;
  if (!request.series_column.empty()) {
    auto found = Locate(table, ColumnName{request.series_column, true}, true);
    if (!found) return tl::unexpected(std::move(found.error()));
    series_column = *found;
  }
  std::vector<std::pair<size_t, std::string_view>> filters;
  for (const ColumnFilter& filter : request.filters) {
    auto found = Locate(table, ColumnName{filter.column, true}, true);
    if (!found) return tl::unexpected(std::move(found.error()));
    filters.emplace_back(*found, Trim(filter.value));
  }

  if (filters.empty() && series_column == kAbsent) {
    reader.names_.emplace_back();  // every row, one series
    return reader;
  }
  if (series_column == kAbsent) {
    reader.names_.emplace_back();
    reader.offsets_.push_back(0);
    for (size_t r = 0; r < table.rows(); ++r) {
      if (Keep(table, r, filters)) reader.rows_.push_back(static_cast<uint32_t>(r));
    }
    reader.offsets_.push_back(static_cast<uint32_t>(reader.rows_.size()));
    return reader;
  }

  // Facets: a first pass finds the series and counts their rows, a second places each row's
  // index in its series' block (a counting sort, which keeps file order within a series).
  std::unordered_map<std::string_view, uint32_t> series_index;
  std::string_view last_name;  // rows of a series usually come together: skip the lookup
  uint32_t last_index = 0;
  bool have_last = false;
  const auto series_of = [&](size_t r, bool first_pass) -> uint32_t {
    const std::string_view name = Trim(table.cell(r, series_column));
    if (!have_last || name != last_name) {
      auto [it, inserted] =
          series_index.try_emplace(name, static_cast<uint32_t>(reader.names_.size()));
      if (inserted && first_pass) reader.names_.push_back(name);
      last_name = name;
      last_index = it->second;
      have_last = true;
    }
    return last_index;
  };
  std::vector<uint32_t> counts;
  for (size_t r = 0; r < table.rows(); ++r) {
    if (!Keep(table, r, filters)) continue;
    const uint32_t index = series_of(r, true);
    if (index == counts.size()) counts.push_back(0);
    ++counts[index];
  }
  reader.offsets_.resize(counts.size() + 1);
  for (size_t i = 0; i < counts.size(); ++i) {
    reader.offsets_[i + 1] = reader.offsets_[i] + counts[i];
  }
  reader.rows_.resize(reader.offsets_.back());
  std::vector<uint32_t>& next = counts;  // reused: where series i's next row goes
  std::copy(reader.offsets_.begin(), reader.offsets_.end() - 1, next.begin());
  have_last = false;
  for (size_t r = 0; r < table.rows(); ++r) {
    if (Keep(table, r, filters))
      reader.rows_[next[series_of(r, false)]++] = static_cast<uint32_t>(r);
  }
  return reader;
}

tl::expected<void, InputError> SeriesReader::Read(size_t series, InputSeries& out) const {
  const CsvTable& table = *table_;
  const bool all = offsets_.empty();
  const size_t first = all ? 0 : offsets_[series];
  const size_t count = all ? table.rows() : offsets_[series + 1] - first;
  out.name = names_[series];
  out.rows.clear();
  out.dates.clear();
  out.notes.clear();
  out.rows.reserve(count);
  out.dates.reserve(count);
  if (note_ != kAbsent) out.notes.reserve(count);

  for (size_t k = 0; k < count; ++k) {
    const size_t r = all ? k : rows_[first + k];
    const int64_t line = table.line(r);
    spc::Row row;
    row.line = line;
    const std::string_view date = table.cell(r, date_);
    std::optional<int64_t> time = ParseDateTime(date);
    if (!time) return Fail(line, Quoted("date", date, "is not an ISO 8601 date"));
    row.time = *time;

    const std::string_view value = table.cell(r, value_);
    std::optional<double> number = Number(value);
    if (!number) return Fail(line, Quoted("value", value, "is not a number"));
    row.value = *number;

    if (denominator_ != kAbsent) {
      const std::string_view cell = table.cell(r, denominator_);
      number = Number(cell);
      if (!number) return Fail(line, Quoted("denominator", cell, "is not a number"));
      row.denominator = *number;
    }
    if (target_ != kAbsent) {
      const std::string_view cell = table.cell(r, target_);
      number = Number(cell);
      if (!number) return Fail(line, Quoted("target", cell, "is not a number"));
      row.target = *number;
    }
    if (exclude_ != kAbsent) {
      const std::string_view cell = table.cell(r, exclude_);
      std::optional<bool> exclude = IsMissing(cell) ? std::optional<bool>(false) : ParseBool(cell);
      if (!exclude) return Fail(line, Quoted("exclude", cell, "is not true or false"));
      row.exclude = *exclude;
    }
    if (phase_ != kAbsent) row.phase = Trim(table.cell(r, phase_));
    out.rows.push_back(row);
    out.dates.push_back(date);
    if (note_ != kAbsent) {
      const std::string_view note = table.cell(r, note_);
      out.notes.push_back(IsMissing(note) ? std::string_view() : note);
    }
  }
  return {};
}

tl::expected<SeriesInput, InputError> ReadSeries(const CsvTable& table,
                                                 const SeriesRequest& request) {
  auto reader = SeriesReader::Open(table, request);
  if (!reader) return tl::unexpected(std::move(reader.error()));
  SeriesInput input;
  input.has_target_column = reader->has_target_column();
  input.series.resize(reader->size());
  for (size_t i = 0; i < reader->size(); ++i) {
    if (auto read = reader->Read(i, input.series[i]); !read) {
      return tl::unexpected(std::move(read.error()));
    }
  }
  return input;
}

}  // namespace everyseat::codec
