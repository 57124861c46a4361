// The CSV reader (RFC 4180 as real exports write it): one pass over the owned text, no
// allocation per cell. Cells are views into the text; a quoted field with doubled quotes is
// unescaped in place, over its own raw bytes, which the reader has already passed.
// Thread-safety: pure functions; no shared state.
#include "everyseat/codec/csv.h"

#include <array>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <new>
#include <unordered_set>
#include <utility>

#ifdef __linux__
#include <sys/mman.h>
#endif

namespace everyseat::codec {
namespace {

constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";

// The bytes that end an unquoted field, or make it an error.
constexpr std::array<bool, 256> MakeStopTable() {
  std::array<bool, 256> stop{};
  stop[static_cast<unsigned char>(',')] = true;
  stop[static_cast<unsigned char>('\n')] = true;
  stop[static_cast<unsigned char>('\r')] = true;
  stop[static_cast<unsigned char>('"')] = true;
  return stop;
}
constexpr std::array<bool, 256> kStop = MakeStopTable();

std::string_view TrimSpaces(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

tl::unexpected<CsvError> Fail(int64_t line, std::string reason) {
  return tl::unexpected<CsvError>(CsvError{line, std::move(reason)});
}

// Walks the text record by record, keeping count of physical lines. Fields are given as
// {offset, size} from `base`, the start of the text.
class Reader {
 public:
  Reader(char* base, char* begin, char* end) : base_(base), p_(begin), end_(end) {}

  // Skips line ends at the reader's position (blank lines). Returns false at the end of text.
  bool SkipBlankLines() {
    while (p_ < end_) {
      if (*p_ == '\n') {
        ++p_;
      } else if (*p_ == '\r') {
        ++p_;
        if (p_ < end_ && *p_ == '\n') ++p_;
      } else {
        return true;
      }
      ++line_;
    }
    return false;
  }

  // Reads one record from the reader's position (which must not be at a blank line) through its
  // line end, appending its fields to `out` (a vector of {offset, size} pairs of uint32_t).
  // Returns the number of fields read.
  template <class Spans>
  tl::expected<size_t, CsvError> ReadRecord(Spans& out) {
    const size_t first = out.size();
    for (;;) {
      const char* start = p_;
      const char* stop = nullptr;
      if (p_ < end_ && *p_ == '"') {
        auto quoted_end = ReadQuoted();
        if (!quoted_end) return tl::unexpected<CsvError>(std::move(quoted_end.error()));
        ++start;
        stop = *quoted_end;
      } else {
        while (p_ < end_ && !kStop[static_cast<unsigned char>(*p_)]) ++p_;
        if (p_ < end_ && *p_ == '"') return Fail(line_, "unexpected quote");
        stop = p_;
      }
      out.push_back({static_cast<uint32_t>(start - base_), static_cast<uint32_t>(stop - start)});
      if (p_ == end_) break;
      const char c = *p_++;
      if (c == ',') continue;
      // A line end: '\n', '\r' or "\r\n" (the field readers stop only at these or a comma).
      if (c == '\r' && p_ < end_ && *p_ == '\n') ++p_;
      ++line_;
      break;
    }
    return out.size() - first;
  }

  [[nodiscard]] int64_t line() const { return line_; }
  [[nodiscard]] const char* position() const { return p_; }
  [[nodiscard]] size_t remaining() const { return static_cast<size_t>(end_ - p_); }

 private:
  // Reads a quoted field whose opening quote is at the reader's position; leaves the reader
  // on the comma or line end after the closing quote (or at the end of the text). Returns the
  // end of the field's (unescaped) text, which starts just after the opening quote.
  tl::expected<const char*, CsvError> ReadQuoted() {
    const int64_t opened_at = line_;
    ++p_;
    char* write = nullptr;  // where unescaped text goes, once a doubled quote has been seen
    for (;;) {
      auto* quote = static_cast<char*>(std::memchr(p_, '"', static_cast<size_t>(end_ - p_)));
      if (quote == nullptr) return Fail(opened_at, "unterminated quote");
      CountLineBreaks(p_, quote);
      const auto length = static_cast<size_t>(quote - p_);
      if (write != nullptr) {
        std::memmove(write, p_, length);
        write += length;
      }
      if (quote + 1 < end_ && quote[1] == '"') {  // a doubled quote stands for one quote
        if (write == nullptr) {
          write = quote + 1;  // the text up to and including this quote is already in place
        } else {
          *write++ = '"';
        }
        p_ = quote + 2;
        continue;
      }
      p_ = quote + 1;
      if (p_ < end_ && *p_ != ',' && *p_ != '\n' && *p_ != '\r') {
        return Fail(line_, "unexpected text after a closing quote");
      }
      return write != nullptr ? write : quote;
    }
  }

  // Counts the line ends in [from, to) ("\r\n" is one). A '\r' at `to - 1` is followed by a
  // quote, so it is a line end of its own.
  void CountLineBreaks(const char* from, const char* to) {
    for (const char* c = from; c < to; ++c) {
      if (*c == '\n' || (*c == '\r' && (c + 1 == to || c[1] != '\n'))) ++line_;
    }
  }

  const char* base_;
  char* p_;
  char* end_;
  int64_t line_ = 1;
};

}  // namespace

namespace detail {

constexpr size_t kHugePage = size_t{2} << 20;

void* AllocateLarge(size_t bytes) {
  if (bytes >= kHugePage) {
    const size_t rounded = (bytes + kHugePage - 1) / kHugePage * kHugePage;
    void* block = std::aligned_alloc(kHugePage, rounded);
    if (block == nullptr) throw std::bad_alloc();
#ifdef MADV_HUGEPAGE
    madvise(block, rounded, MADV_HUGEPAGE);  // advice only: if refused, 4 KiB pages still work
#endif
    return block;
  }
  return ::operator new(bytes);
}

void DeallocateLarge(void* block, size_t bytes) noexcept {
  if (bytes >= kHugePage) {
    std::free(block);
  } else {
    ::operator delete(block);
  }
}

}  // namespace detail

std::optional<size_t> CsvTable::Find(std::string_view name) const {
  name = TrimSpaces(name);
  for (size_t i = 0; i < header_.size(); ++i) {
    if (header_[i] == name) return i;
  }
  return std::nullopt;
}

tl::expected<CsvTable, CsvError> ParseCsv(std::string text) {
  if (text.size() >= std::numeric_limits<uint32_t>::max()) {
    return Fail(1, "the file is too large (4 GiB or more)");
  }
  CsvTable table;
  table.text_ = std::make_unique<std::string>(std::move(text));
  std::string& owned = *table.text_;
  char* const base = owned.data();
  char* const end = base + owned.size();
  table.base_ = base;
  char* begin = base;
  if (std::string_view(owned).substr(0, kByteOrderMark.size()) == kByteOrderMark) {
    begin += kByteOrderMark.size();
  }
  Reader reader(base, begin, end);

  if (!reader.SkipBlankLines()) return Fail(1, "the file is empty");
  table.header_line_ = reader.line();
  std::vector<CsvTable::Span> header;  // small: the default allocator
  auto header_count = reader.ReadRecord(header);
  if (!header_count) return tl::unexpected<CsvError>(std::move(header_count.error()));
  std::unordered_set<std::string_view> seen;
  seen.reserve(header.size());
  table.header_.reserve(header.size());
  for (const auto span : header) {
    const std::string_view name = TrimSpaces(std::string_view(base + span.offset, span.size));
    if (!name.empty() && !seen.insert(name).second) {
      return Fail(table.header_line_, "duplicate column '" + std::string(name) + "'");
    }
    table.header_.push_back(name);
  }

  const size_t columns = table.header_.size();
  bool reserved = false;
  while (reader.SkipBlankLines()) {
    const int64_t line = reader.line();
    const char* const start = reader.position();
    const size_t first = table.cells_.size();
    auto count = reader.ReadRecord(table.cells_);
    if (!count) return tl::unexpected<CsvError>(std::move(count.error()));
    if (*count != columns) {
      bool extras_empty = *count > columns;
      for (size_t i = first + columns; extras_empty && i < table.cells_.size(); ++i) {
        extras_empty = table.cells_[i].size == 0;
      }
      if (!extras_empty) {
        return Fail(line, "expected " + std::to_string(columns) + " fields, found " +
                              std::to_string(*count));
      }
      table.cells_.resize(first + columns);
    }
    table.lines_.push_back(static_cast<uint32_t>(line));
    if (!reserved) {
      // Guess the number of rows from the first one, so the vectors rarely grow.
      reserved = true;
      const auto row_bytes = static_cast<size_t>(reader.position() - start);
      const size_t guess = reader.remaining() / row_bytes + reader.remaining() / row_bytes / 8 + 1;
      table.cells_.reserve(table.cells_.size() + guess * columns);
      table.lines_.reserve(guess + 1);
    }
  }
  return table;
}

}  // namespace everyseat::codec
