// Tests of the CSV reader (codec/csv.h): RFC 4180 quoting, line ends, byte-order mark, blank
// lines, extra and missing fields, and every error with its exact reason and physical line.
// Expected values are written out by hand from the input text.
// Thread-safety: tests run one at a time; nothing shared.
#include "everyseat/codec/csv.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace everyseat::codec {
namespace {

using Rows = std::vector<std::vector<std::string>>;

// The whole table as strings, header first, so a test can compare it in one expectation.
Rows AllRows(const CsvTable& table) {
  Rows rows;
  rows.emplace_back(table.header().begin(), table.header().end());
  for (size_t r = 0; r < table.rows(); ++r) {
    std::vector<std::string> row;
    for (size_t c = 0; c < table.columns(); ++c) row.emplace_back(table.cell(r, c));
    rows.push_back(std::move(row));
  }
  return rows;
}

std::vector<int64_t> Lines(const CsvTable& table) {
  std::vector<int64_t> lines;
  for (size_t r = 0; r < table.rows(); ++r) lines.push_back(table.line(r));
  return lines;
}

// Parses text that must be valid.
CsvTable Parse(std::string text) {
  auto table = ParseCsv(std::move(text));
  EXPECT_TRUE(table.has_value()) << "line " << table.error().line << ": " << table.error().reason;
  return table ? std::move(*table) : CsvTable();
}

// Parses text that must fail; returns the error.
CsvError Failure(std::string text) {
  auto table = ParseCsv(std::move(text));
  EXPECT_FALSE(table.has_value());
  return table ? CsvError{} : table.error();
}

TEST(CsvReader, ReadsAHeaderAndRowsEndedByLineFeeds) {
  const auto table = Parse("date,value\n2021-01-01T00:00:00,12.5\n2021-01-02T00:00:00,13\n");
  EXPECT_EQ(table.columns(), 2u);
  EXPECT_EQ(table.rows(), 2u);
  EXPECT_EQ(
      AllRows(table),
      (Rows{{"date", "value"}, {"2021-01-01T00:00:00", "12.5"}, {"2021-01-02T00:00:00", "13"}}));
  EXPECT_EQ(Lines(table), (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(table.header_line(), 1);
}

TEST(CsvReader, ReadsCrlfLineEnds) {
  const auto table = Parse("date,value\r\n2021-01-01,1\r\n2021-01-02,2\r\n");
  EXPECT_EQ(AllRows(table), (Rows{{"date", "value"}, {"2021-01-01", "1"}, {"2021-01-02", "2"}}));
  EXPECT_EQ(Lines(table), (std::vector<int64_t>{2, 3}));
}

TEST(CsvReader, ReadsLoneCarriageReturnsAndMixedLineEndsAsOneLineEndEach) {
  const auto table = Parse("a\rx\r\ny\nz\r");
  EXPECT_EQ(AllRows(table), (Rows{{"a"}, {"x"}, {"y"}, {"z"}}));
  EXPECT_EQ(Lines(table), (std::vector<int64_t>{2, 3, 4}));
}

TEST(CsvReader, SkipsAUtf8ByteOrderMarkAtTheStart) {
  const auto table = Parse(
      "\xEF\xBB\xBF"
      "date,value\n2021-01-01,1\n");
  EXPECT_EQ(AllRows(table), (Rows{{"date", "value"}, {"2021-01-01", "1"}}));
  EXPECT_EQ(table.Find("date"), 0u);
  EXPECT_EQ(Lines(table), (std::vector<int64_t>{2}));
}

TEST(CsvReader, KeepsCommasInsideQuotedFields) {
  const auto table = Parse("name,value\n\"Smith, J\",\"1,5\"\n");
  EXPECT_EQ(AllRows(table), (Rows{{"name", "value"}, {"Smith, J", "1,5"}}));
}

TEST(CsvReader, KeepsLineBreaksInsideQuotedFieldsAndCountsLinesPhysically) {
  const auto table = Parse("date,note\n2021-01-01,\"first\nsecond\"\n2021-01-02,plain\n");
  EXPECT_EQ(AllRows(table),
            (Rows{{"date", "note"}, {"2021-01-01", "first\nsecond"}, {"2021-01-02", "plain"}}));
  // The first row spans lines 2 and 3; the second row starts on line 4.
  EXPECT_EQ(Lines(table), (std::vector<int64_t>{2, 4}));
}

TEST(CsvReader, CountsACrlfInsideQuotesAsOneLine) {
  const auto table = Parse("a,b\r\n\"x\r\n\r\ny\",1\r\n2,3\r\n");
  EXPECT_EQ(AllRows(table), (Rows{{"a", "b"}, {"x\r\n\r\ny", "1"}, {"2", "3"}}));
  // "x" on line 2, an empty line 3, "y" on line 4: the next row starts on line 5.
  EXPECT_EQ(Lines(table), (std::vector<int64_t>{2, 5}));
}

TEST(CsvReader, CountsALoneCarriageReturnInsideQuotesAsALine) {
  const auto table = Parse("a,b\n\"x\ry\r\",1\n2,3\n");
  EXPECT_EQ(AllRows(table), (Rows{{"a", "b"}, {"x\ry\r", "1"}, {"2", "3"}}));
  // "x" on line 2, "y" on line 3, the closing quote on line 4: the next row starts on line 5.
  EXPECT_EQ(Lines(table), (std::vector<int64_t>{2, 5}));
}

TEST(CsvReader, TurnsDoubledQuotesIntoOneQuote) {
  const auto table = Parse(
      "a,b,c\n"
      "\"say \"\"hi\"\"\",\"\"\"\",plain\n"
      "\"x\"\"y\"\"z\",\"\",\"no quotes\"\n");
  EXPECT_EQ(AllRows(table),
            (Rows{{"a", "b", "c"}, {"say \"hi\"", "\"", "plain"}, {"x\"y\"z", "", "no quotes"}}));
}

TEST(CsvReader, UnescapesDoubledQuotesInTheHeader) {
  const auto table = Parse("\"rate \"\"adj\"\"\",value\n1,2\n");
  EXPECT_EQ(AllRows(table), (Rows{{"rate \"adj\"", "value"}, {"1", "2"}}));
  EXPECT_EQ(table.Find("rate \"adj\""), 0u);
}

TEST(CsvReader, DropsEmptyExtraFieldsAsSpreadsheetsWriteWithTrailingCommas) {
  const auto table = Parse("date,value\n2021-01-01,1,,\n2021-01-02,2,\"\"\n2021-01-03,3\n");
  EXPECT_EQ(table.columns(), 2u);
  EXPECT_EQ(
      AllRows(table),
      (Rows{{"date", "value"}, {"2021-01-01", "1"}, {"2021-01-02", "2"}, {"2021-01-03", "3"}}));
}

TEST(CsvReader, FindsColumnsByNameInAnyOrder) {
  const auto table = Parse("note,value,date\nhello,5,2021-01-01\n");
  ASSERT_EQ(table.Find("date"), 2u);
  ASSERT_EQ(table.Find("value"), 1u);
  EXPECT_EQ(table.Find("note"), 0u);
  EXPECT_EQ(table.Find("phase"), std::nullopt);
  EXPECT_EQ(table.Find(" date "), 2u);
  EXPECT_EQ(table.cell(0, *table.Find("date")), "2021-01-01");
  EXPECT_EQ(table.cell(0, *table.Find("value")), "5");
}

TEST(CsvReader, TrimsHeaderNamesButKeepsCellTextAsWritten) {
  const auto table = Parse(" date ,\tvalue\t,\" note \"\n 2021-01-01 , 5 ,\" x \"\n");
  EXPECT_EQ(AllRows(table), (Rows{{"date", "value", "note"}, {" 2021-01-01 ", " 5 ", " x "}}));
}

TEST(CsvReader, KeepsEmptyCells) {
  const auto table = Parse("a,b,c\n,,\n\"\",x,\n");
  EXPECT_EQ(AllRows(table), (Rows{{"a", "b", "c"}, {"", "", ""}, {"", "x", ""}}));
}

TEST(CsvReader, SkipsBlankLinesAndTrailingNewlines) {
  const auto table = Parse("a\n1\n\n\n2\r\n\r\n\n");
  EXPECT_EQ(AllRows(table), (Rows{{"a"}, {"1"}, {"2"}}));
  EXPECT_EQ(Lines(table), (std::vector<int64_t>{2, 5}));
}

TEST(CsvReader, CountsBlankLinesBeforeTheHeaderAsPhysicalLines) {
  const auto table = Parse("\n\r\na,b\n1,2\n");
  EXPECT_EQ(table.header_line(), 3);
  EXPECT_EQ(Lines(table), (std::vector<int64_t>{4}));
}

TEST(CsvReader, ReadsALastRowWithoutALineEnd) {
  const auto table = Parse("a,b\n1,2\n3,\"4\"");
  EXPECT_EQ(AllRows(table), (Rows{{"a", "b"}, {"1", "2"}, {"3", "4"}}));
}

TEST(CsvReader, ReadsAFinalEmptyFieldAfterATrailingComma) {
  const auto table = Parse("a,b\n1,");
  EXPECT_EQ(AllRows(table), (Rows{{"a", "b"}, {"1", ""}}));
}

TEST(CsvReader, ReadsAHeaderWithoutRowsAsAnEmptyTable) {
  const auto table = Parse("date,value\n");
  EXPECT_EQ(table.columns(), 2u);
  EXPECT_EQ(table.rows(), 0u);
}

TEST(CsvReader, AllowsTheEmptyHeaderNameToRepeat) {
  const auto table = Parse("a,b,,\n1,2,,x\n");
  EXPECT_EQ(AllRows(table), (Rows{{"a", "b", "", ""}, {"1", "2", "", "x"}}));
}

TEST(CsvReader, KeepsCellsValidWhenTheTableIsMoved) {
  // A short text lives inside a std::string object (small-string optimisation); the table must
  // keep its characters in place when the table moves. Under AddressSanitizer a dangling view
  // into the freed first table is reported.
  auto first = std::make_unique<CsvTable>(Parse("a,b\nx,\"y\"\"z\"\n"));
  CsvTable second = std::move(*first);
  first.reset();
  CsvTable third;
  third = std::move(second);
  EXPECT_EQ(AllRows(third), (Rows{{"a", "b"}, {"x", "y\"z"}}));
}

TEST(CsvReader, ReportsAnEmptyInputAtLineOne) {
  for (const std::string text : {"", "\xEF\xBB\xBF", "\n", "\r\n\r\n", "\xEF\xBB\xBF\n\n"}) {
    const auto error = Failure(text);
    EXPECT_EQ(error.line, 1) << text;
    EXPECT_EQ(error.reason, "the file is empty") << text;
  }
}

TEST(CsvReader, ReportsUnterminatedQuoteAtTheLineWhereItOpens) {
  const auto error = Failure("a,b\n1,2\n3,\"open\nmore\nstuff\n");
  EXPECT_EQ(error.line, 3);
  EXPECT_EQ(error.reason, "unterminated quote");
}

TEST(CsvReader, ReportsUnterminatedQuoteOpeningAfterAMultiLineField) {
  // Row 2 starts on line 2 with a field spanning lines 2-3; the open quote is on line 3.
  const auto error = Failure("a,b\n\"x\ny\",\"open\n");
  EXPECT_EQ(error.line, 3);
  EXPECT_EQ(error.reason, "unterminated quote");
}

TEST(CsvReader, ReportsUnterminatedQuoteAtItsOpeningLinePastDoubledQuotesOnLaterLines) {
  // The quote opens on line 2; a doubled quote on line 3 must not move the reported line.
  const auto error = Failure("a\n\"x\ny \"\" z\nw\n");
  EXPECT_EQ(error.line, 2);
  EXPECT_EQ(error.reason, "unterminated quote");
}

TEST(CsvReader, ReportsUnterminatedQuoteInTheHeader) {
  const auto error = Failure("\"date,value\n1,2\n");
  EXPECT_EQ(error.line, 1);
  EXPECT_EQ(error.reason, "unterminated quote");
}

TEST(CsvReader, ReportsARowWithFewerFieldsThanTheHeader) {
  const auto error = Failure("a,b,c\n1,2,3\n4,5\n");
  EXPECT_EQ(error.line, 3);
  EXPECT_EQ(error.reason, "expected 3 fields, found 2");
}

TEST(CsvReader, ReportsAShortRowAtTheLineWhereItStartsAfterAMultiLineRow) {
  const auto error = Failure("a,b\n\"x\ny\",1\n2\n");
  EXPECT_EQ(error.line, 4);
  EXPECT_EQ(error.reason, "expected 2 fields, found 1");
}

TEST(CsvReader, ReportsARowWithANonEmptyExtraField) {
  const auto error = Failure("a,b\n1,2\n3,4,,5\n");
  EXPECT_EQ(error.line, 3);
  EXPECT_EQ(error.reason, "expected 2 fields, found 4");
}

TEST(CsvReader, ReportsAQuoteInsideAnUnquotedField) {
  const auto error = Failure("a,b\n1,2\nx\"y,3\n");
  EXPECT_EQ(error.line, 3);
  EXPECT_EQ(error.reason, "unexpected quote");
}

TEST(CsvReader, ReportsAQuoteAfterLeadingSpacesAsUnexpected) {
  const auto error = Failure("a,b\n1, \"2\"\n");
  EXPECT_EQ(error.line, 2);
  EXPECT_EQ(error.reason, "unexpected quote");
}

TEST(CsvReader, ReportsTextAfterAClosingQuote) {
  const auto error = Failure("a,b\n\"x\"y,1\n");
  EXPECT_EQ(error.line, 2);
  EXPECT_EQ(error.reason, "unexpected text after a closing quote");
}

TEST(CsvReader, ReportsTextAfterAClosingQuoteOnThePhysicalLineWhereItIs) {
  const auto error = Failure("a,b\n\"x\ny\" ,1\n");
  EXPECT_EQ(error.line, 3);
  EXPECT_EQ(error.reason, "unexpected text after a closing quote");
}

TEST(CsvReader, ReportsADuplicateColumnAtLineOne) {
  const auto error = Failure("date,value,date\n2021-01-01,1,2\n");
  EXPECT_EQ(error.line, 1);
  EXPECT_EQ(error.reason, "duplicate column 'date'");
}

TEST(CsvReader, ReportsADuplicateColumnAtTheHeadersPhysicalLineAfterBlankLines) {
  const auto error = Failure("\n\nx,x\n");
  EXPECT_EQ(error.line, 3);
  EXPECT_EQ(error.reason, "duplicate column 'x'");
}

TEST(CsvReader, ComparesColumnNamesAfterTrimmingThem) {
  const auto error = Failure("value, date,\"date \"\n");
  EXPECT_EQ(error.line, 1);
  EXPECT_EQ(error.reason, "duplicate column 'date'");
}

}  // namespace
}  // namespace everyseat::codec
