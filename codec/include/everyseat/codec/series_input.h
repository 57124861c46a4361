// From a parsed CSV table to the engine's input: picks the columns by name, keeps the rows that
// pass the filters, splits them into series by the value of a series column (in order of first
// appearance) and parses each cell (spc.md section 3 and the command-line contract in section 5),
// one series at a time (SeriesReader) or all at once (ReadSeries).
// Every row keeps its date text (as written) and its note text, as views into the table, so the
// output can print them unchanged.
//
// Errors name the physical line (the header is line 1) and the reason, e.g. the header's line
// "missing column 'date'", or line 7 "value 'abc' is not a number". Rows removed by a filter are
// never parsed, so they cannot fail.
// Thread-safety: ReadSeries is a pure function; a SeriesReader is immutable once opened, so any
// number of threads may Read from one concurrently (each into its own InputSeries).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <tl/expected.hpp>

#include "everyseat/codec/csv.h"
#include "everyseat/spc/types.h"

namespace everyseat::codec {

// A column found by name. An optional column may be absent; a required one is an error when
// absent ("missing column 'NAME'").
struct ColumnName {
  std::string name;
  bool required = false;
};

// The columns of a series file, with the names of the command-line contract as defaults.
struct SeriesColumns {
  ColumnName date{"date", true};
  ColumnName value{"value", true};
  ColumnName denominator{"denominator", false};  // required when the chart has a denominator
  ColumnName phase{"phase", false};
  ColumnName target{"target", false};
  ColumnName exclude{"exclude", false};
  ColumnName note{"note", false};
};

// Keeps only the rows whose `column` holds exactly `value` (spaces around the cell ignored).
struct ColumnFilter {
  std::string column;
  std::string value;
};

struct SeriesRequest {
  SeriesColumns columns;
  std::vector<ColumnFilter> filters;  // all must match
  std::string series_column;          // empty: all rows form one series
  spc::Chart chart = spc::Chart::kI;  // decides whether the denominator column is read
};

// One series: its rows for the engine and, per row (same index), the texts to print back.
// The views point into the CsvTable, which must outlive the series.
struct InputSeries {
  std::string_view name;                // the series column's value; empty without facets
  std::vector<spc::Row> rows;           // in file order; Row::phase views the table too
  std::vector<std::string_view> dates;  // the date cell as written
  std::vector<std::string_view> notes;  // the note cell ("" when blank or NA); no entries at
                                        // all when the file has no note column
};

struct InputError {
  int64_t line = 0;  // physical line, header = 1
  std::string reason;
};

// Splits a table into series and parses one series at a time, so that a caller with many
// series (facets) holds one series in memory at a time. Opening finds the columns, applies the
// filters and groups the rows by series; Read parses one series' cells.
// REQUIRES: the table outlives the reader and every InputSeries read from it.
class SeriesReader {
 public:
  // Fails when a column is missing (line 1 or the header's line: "missing column 'NAME'").
  [[nodiscard]] static tl::expected<SeriesReader, InputError> Open(const CsvTable& table,
                                                                   const SeriesRequest& request);

  // The number of series: exactly one without a series column (it may have no rows), else the
  // number of distinct values of the series column among the rows kept.
  [[nodiscard]] size_t size() const { return names_.size(); }
  // REQUIRES: series < size(). Empty without a series column.
  [[nodiscard]] std::string_view name(size_t series) const { return names_[series]; }
  // The target column exists in the header.
  [[nodiscard]] bool has_target_column() const { return target_ != kAbsent; }

  // Parses series `series` into `out`, replacing what it held (its storage is reused).
  // REQUIRES: series < size().
  [[nodiscard]] tl::expected<void, InputError> Read(size_t series, InputSeries& out) const;

 private:
  static constexpr size_t kAbsent = static_cast<size_t>(-1);
  SeriesReader() = default;

  const CsvTable* table_ = nullptr;
  size_t date_ = kAbsent, value_ = kAbsent, denominator_ = kAbsent, phase_ = kAbsent,
         target_ = kAbsent, exclude_ = kAbsent, note_ = kAbsent;
  std::vector<std::string_view> names_;
  // The table rows of series i are rows_[offsets_[i] .. offsets_[i + 1]), in file order. Both
  // empty when every row of the table forms the one series (no filter, no series column).
  std::vector<uint32_t> offsets_;
  std::vector<uint32_t> rows_;
};

// Every series at once, in order of first appearance; with no series column, one series.
struct SeriesInput {
  std::vector<InputSeries> series;
  bool has_target_column = false;  // the target column exists in the header
};
[[nodiscard]] tl::expected<SeriesInput, InputError> ReadSeries(const CsvTable& table,
                                                               const SeriesRequest& request);

}  // namespace everyseat::codec
