// Reading CSV as real exports write it (RFC 4180): a header row; commas; fields quoted with
// '"' may hold commas, doubled quotes and line breaks; CRLF, LF or a lone CR ends a line; an
// optional UTF-8 byte-order mark (Excel's "CSV UTF-8") is skipped; blank lines are skipped.
// Header names are trimmed of spaces and tabs; cells keep their text exactly (callers trim).
// Errors name the physical line (counted from the start of the file, so the header is line 1
// unless blank lines come before it) and the reason.
// Thread-safety: ParseCsv is a pure function; a CsvTable is immutable once parsed, so any number
// of threads may read one concurrently.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <tl/expected.hpp>

namespace everyseat::codec {

namespace detail {
// Memory for a table's large arrays. Blocks of 2 MiB or more are aligned to 2 MiB and, on Linux,
// advised for transparent huge pages: a million-row table touches tens of megabytes of fresh
// memory, and on virtual machines each 4 KiB page fault is slow (measured here: 32 MiB took
// 120 ms in 4 KiB pages, 3 ms in 2 MiB pages). Smaller blocks come from operator new.
[[nodiscard]] void* AllocateLarge(size_t bytes);
void DeallocateLarge(void* block, size_t bytes) noexcept;

template <class T>
struct LargeAllocator {
  using value_type = T;
  LargeAllocator() = default;
  template <class U>
  LargeAllocator(const LargeAllocator<U>& /*other*/) noexcept {}  // NOLINT: implicit by design
  [[nodiscard]] T* allocate(size_t n) { return static_cast<T*>(AllocateLarge(n * sizeof(T))); }
  void deallocate(T* block, size_t n) noexcept { DeallocateLarge(block, n * sizeof(T)); }
  friend bool operator==(const LargeAllocator& /*a*/, const LargeAllocator& /*b*/) { return true; }
};
}  // namespace detail

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
  // The header names, trimmed of spaces and tabs, in file order.
  [[nodiscard]] const std::vector<std::string_view>& header() const { return header_; }
  // The column with this name (exact match after trimming spaces), if any. Names are unique,
  // except the empty name, which may repeat (trailing commas); Find("") gives the first.
  [[nodiscard]] std::optional<size_t> Find(std::string_view name) const;
  // REQUIRES: row < rows(), column < columns(). A field missing at the end of a short row is
  // never stored: short rows are an error at parse time. Quoted cells are unquoted ("" -> ").
  [[nodiscard]] std::string_view cell(size_t row, size_t column) const {
    const Span span = cells_[row * header_.size() + column];
    return {base_ + span.offset, span.size};
  }
  // The physical line on which data row `row` starts (the header is line 1).
  [[nodiscard]] int64_t line(size_t row) const { return lines_[row]; }
  // The physical line on which the header starts: 1, unless the file opens with blank lines.
  [[nodiscard]] int64_t header_line() const { return header_line_; }

 private:
  friend tl::expected<CsvTable, CsvError> ParseCsv(std::string text);
  // Where a cell's text lies in the owned text. Offsets and lines fit 32 bits because ParseCsv
  // refuses texts of 4 GiB or more; half the size of a string_view, for speed (a million-row
  // file has millions of cells, and on virtual machines fresh memory is slow to touch).
  struct Span {
    uint32_t offset = 0;
    uint32_t size = 0;
  };
  // The input, owned. Held through a pointer so that its characters never move, even when the
  // string is short enough to live inside the string object: every view points into it. Fields
  // with doubled quotes are unescaped in place (the unescaped text is never longer).
  std::unique_ptr<std::string> text_;
  const char* base_ = nullptr;  // text_->data()
  std::vector<std::string_view> header_;
  std::vector<Span, detail::LargeAllocator<Span>> cells_;  // row-major, columns() per row
  std::vector<uint32_t, detail::LargeAllocator<uint32_t>> lines_;
  int64_t header_line_ = 1;
};

// Parses a whole CSV text. Errors, with their exact reasons:
//   - no header ("the file is empty", line 1): empty input, or only a BOM and blank lines;
//   - "unterminated quote", at the line where the quote opens;
//   - "expected N fields, found M" (N the header's count), at the line where the row starts: a
//     row with fewer fields than the header, or with more where an extra field is not empty
//     (extra empty fields, as spreadsheets write with trailing commas, are dropped);
//   - "unexpected quote": a quote inside an unquoted field (including after leading spaces);
//   - "unexpected text after a closing quote": anything but a comma or a line end after one;
//   - "duplicate column 'NAME'", at the header's line (the empty name may repeat);
//   - "the file is too large (4 GiB or more)", line 1.
[[nodiscard]] tl::expected<CsvTable, CsvError> ParseCsv(std::string text);

}  // namespace everyseat::codec
