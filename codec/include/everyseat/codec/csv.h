// Reading CSV as real exports write it (RFC 4180): a header row; commas; fields quoted with
// '"' may hold commas, doubled quotes and line breaks; CRLF or LF line ends; an optional UTF-8
// byte-order mark (Excel's "CSV UTF-8"); blank lines are skipped.
// Errors name the physical line (the header is line 1) and the reason.
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <tl/expected.hpp>

namespace everyseat::codec {

struct CsvError {
  int64_t line = 0;    // physical line, header = 1
  std::string reason;  // plain English, e.g. "unterminated quote"
};

// A parsed table. Cells are views into storage owned by the table (moving the table keeps
// them valid; copying is disabled).
class CsvTable {
 public:
  CsvTable() = default;
  CsvTable(CsvTable&&) noexcept = default;
  CsvTable& operator=(CsvTable&&) noexcept = default;
  CsvTable(const CsvTable&) = delete;
  CsvTable& operator=(const CsvTable&) = delete;

  [[nodiscard]] size_t columns() const { return header_.size(); }
  [[nodiscard]] size_t rows() const { return lines_.size(); }
  [[nodiscard]] const std::vector<std::string_view>& header() const { return header_; }
  // The column with this name (exact match after trimming spaces), if any.
  [[nodiscard]] std::optional<size_t> Find(std::string_view name) const;
  // REQUIRES: row < rows(), column < columns(). A field missing at the end of a short row is
  // never stored: short rows are an error at parse time.
  [[nodiscard]] std::string_view cell(size_t row, size_t column) const {
    return cells_[row * header_.size() + column];
  }
  // The physical line on which data row `row` starts (the header is line 1).
  [[nodiscard]] int64_t line(size_t row) const { return lines_[row]; }

 private:
  friend tl::expected<CsvTable, CsvError> ParseCsv(std::string text);
  std::string text_;                  // the input, owned
  std::vector<std::string> unquoted_;  // fields that needed unescaping ("" -> ")
  std::vector<std::string_view> header_;
  std::vector<std::string_view> cells_;  // row-major
  std::vector<int64_t> lines_;
};

// Parses a whole CSV text. Errors: an empty file (line 1: "the file is empty"), an unterminated
// quote (at the line where the quote opens), a row with fewer fields than the header, a row with
// more non-empty fields than the header, a quote in the middle of an unquoted field.
[[nodiscard]] tl::expected<CsvTable, CsvError> ParseCsv(std::string text);

}  // namespace everyseat::codec
