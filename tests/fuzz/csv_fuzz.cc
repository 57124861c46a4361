// libFuzzer target for the CSV reader and value parsers: any bytes must parse or fail cleanly,
// never crash. On success it checks what must always hold — line numbers rise, cells survive a
// move of the table, and writing the table back out with every field quoted reads back the same
// cells — and runs ParseNumber, IsMissing, ParseDateTime and ParseBool on every cell.
// Built with -fsanitize=fuzzer,address,undefined under clang (EVERYSEAT_FUZZ), and as a corpus
// replayer with GCC (replay_main.cc). Thread-safety: one input at a time, as libFuzzer calls it.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <utility>

#include "everyseat/codec/csv.h"
#include "everyseat/codec/values.h"

namespace {

using everyseat::codec::CsvTable;

void Check(bool condition, const char* what) {
  if (!condition) {
    std::fprintf(stderr, "csv_fuzz: invariant broken: %s\n", what);
    std::abort();
  }
}

void AppendQuoted(std::string& out, std::string_view field) {
  out += '"';
  for (const char c : field) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

// The table as CSV with every field quoted (so no record can look like a blank line).
std::string WriteQuoted(const CsvTable& table) {
  std::string out;
  for (size_t c = 0; c < table.columns(); ++c) {
    if (c > 0) out += ',';
    AppendQuoted(out, table.header()[c]);
  }
  out += '\n';
  for (size_t r = 0; r < table.rows(); ++r) {
    for (size_t c = 0; c < table.columns(); ++c) {
      if (c > 0) out += ',';
      AppendQuoted(out, table.cell(r, c));
    }
    out += "\r\n";
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto parsed = everyseat::codec::ParseCsv(std::string(reinterpret_cast<const char*>(data), size));
  if (!parsed) {
    Check(parsed.error().line >= 1, "an error names a line");
    Check(!parsed.error().reason.empty(), "an error has a reason");
    return 0;
  }
  const CsvTable table = std::move(*parsed);  // cells must stay valid across the move
  Check(table.columns() >= 1, "a table has a header");
  Check(table.header_line() >= 1, "the header has a line");

  size_t checksum = 0;
  for (size_t c = 0; c < table.columns(); ++c) {
    const auto found = table.Find(table.header()[c]);
    Check(found.has_value() && table.header()[*found] == table.header()[c], "Find finds names");
  }
  int64_t previous_line = table.header_line();
  for (size_t r = 0; r < table.rows(); ++r) {
    Check(table.line(r) > previous_line, "rows start on rising lines");
    previous_line = table.line(r);
    for (size_t c = 0; c < table.columns(); ++c) {
      const std::string_view cell = table.cell(r, c);
      for (const char ch : cell) checksum += static_cast<unsigned char>(ch);
      if (const auto number = everyseat::codec::ParseNumber(cell)) {
        checksum += static_cast<size_t>(*number == *number);
      }
      checksum += static_cast<size_t>(everyseat::codec::IsMissing(cell));
      if (const auto seconds = everyseat::codec::ParseDateTime(cell)) {
        checksum += static_cast<size_t>(*seconds);
      }
      if (const auto flag = everyseat::codec::ParseBool(cell)) checksum += *flag ? 1 : 2;
    }
  }

  auto reread = everyseat::codec::ParseCsv(WriteQuoted(table));
  Check(reread.has_value(), "a quoted copy parses");
  Check(reread->columns() == table.columns() && reread->rows() == table.rows(),
        "a quoted copy has the same shape");
  for (size_t c = 0; c < table.columns(); ++c) {
    Check(reread->header()[c] == table.header()[c], "a quoted copy has the same header");
  }
  for (size_t r = 0; r < table.rows(); ++r) {
    for (size_t c = 0; c < table.columns(); ++c) {
      Check(reread->cell(r, c) == table.cell(r, c), "a quoted copy has the same cells");
    }
  }

  volatile size_t sink = checksum;  // keeps the value parsing from being optimised away
  static_cast<void>(sink);
  return 0;
}
