// Refusals of the command line (spc.md section 5, "Errors"): exit status 2, nothing on standard
// output, nothing written to --output, and exactly one line on standard error —
// `FILE:LINE: reason` for a problem in the input (FILE as given to --input, `<stdin>` for -;
// the header is line 1) or `everyseat spc: reason` for a bad option. The messages are part of
// the interface, so each is checked word for word.
#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "run_binary.h"

namespace everyseat::testing {
namespace {

class SpcError : public ::testing::Test {
 protected:
  // Runs `everyseat spc --input FILE ARGS...` on `csv` and expects the refusal `line`, where
  // "FILE" in `line` stands for the input's path.
  void ExpectRefusal(const std::string& csv, const std::vector<std::string>& args,
                     std::string line) {
    const std::string input = dir_.Write("input.csv", csv);
    std::vector<std::string> full{"spc", "--input", input};
    full.insert(full.end(), args.begin(), args.end());
    if (line.starts_with("FILE:")) line = input + line.substr(4);
    ExpectRun(full, line);
  }

  static void ExpectRun(const std::vector<std::string>& args, const std::string& line,
                        const std::string& stdin_text = {}) {
    const Ran ran = RunEverySeat(args, stdin_text);
    EXPECT_EQ(ran.status, 2);
    EXPECT_EQ(ran.out, "");
    EXPECT_EQ(ran.err, line + "\n");
  }

  ScratchDir dir_;
};

constexpr char kGood[] = "date,value\n2021-01-01,1\n2021-02-01,2\n2021-03-01,3\n";

TEST_F(SpcError, EmptyFileIsLineOne) { ExpectRefusal("", {}, "FILE:1: the file is empty"); }

TEST_F(SpcError, MissingDateColumnIsLineOne) {
  ExpectRefusal("when,value\n2021-01-01,1\n", {}, "FILE:1: missing column 'date'");
}

TEST_F(SpcError, MissingValueColumnIsLineOne) {
  ExpectRefusal("date,amount\n2021-01-01,1\n", {}, "FILE:1: missing column 'value'");
}

TEST_F(SpcError, MissingColumnNamedByAFlagUsesThatName) {
  ExpectRefusal(kGood, {"--date-column", "period"}, "FILE:1: missing column 'period'");
}

TEST_F(SpcError, NonNumericValueNamesItsLine) {
  ExpectRefusal("date,value\n2021-01-01,1\n2021-02-01,2\n2021-03-01,abc\n", {},
                "FILE:4: value 'abc' is not a number");
}

TEST_F(SpcError, UnparsableDateNamesItsLine) {
  ExpectRefusal("date,value\n2021-01-01,1\n2021-13-01,2\n", {},
                "FILE:3: date '2021-13-01' is not an ISO 8601 date");
}

TEST_F(SpcError, NonNumericDenominatorNamesItsLine) {
  ExpectRefusal("date,value,denominator\n2021-01-01,1,10\n2021-02-01,2,ten\n", {"--chart", "p"},
                "FILE:3: denominator 'ten' is not a number");
}

TEST_F(SpcError, NonNumericTargetColumnNamesItsLine) {
  ExpectRefusal("date,value,target\n2021-01-01,1,5\n2021-02-01,2,high\n", {},
                "FILE:3: target 'high' is not a number");
}

TEST_F(SpcError, ExcludeColumnMustBeTrueOrFalse) {
  ExpectRefusal("date,value,exclude\n2021-01-01,1,false\n2021-02-01,2,maybe\n", {},
                "FILE:3: exclude 'maybe' is not true or false");
}

TEST_F(SpcError, ChartWithDenominatorNeedsTheColumn) {
  ExpectRefusal(kGood, {"--chart", "u"}, "FILE:1: missing column 'denominator'");
}

TEST_F(SpcError, FilterOnMissingColumn) {
  ExpectRefusal(kGood, {"--filter", "ward=A"}, "FILE:1: missing column 'ward'");
}

TEST_F(SpcError, SeriesColumnMissing) {
  ExpectRefusal(kGood, {"--series-column", "ward"}, "FILE:1: missing column 'ward'");
}

TEST_F(SpcError, RowWithTooFewFields) {
  ExpectRefusal("date,value,note\n2021-01-01,1,a\n2021-02-01,2\n", {},
                "FILE:3: expected 3 fields, found 2");
}

TEST_F(SpcError, UnterminatedQuoteAtTheLineWhereItOpens) {
  ExpectRefusal("date,value,note\n2021-01-01,1,a\n2021-02-01,2,\"open\n2021-03-01,3,c\n", {},
                "FILE:3: unterminated quote");
}

TEST_F(SpcError, NegativeDenominatorOnPChart) {
  ExpectRefusal("date,value,denominator\n2021-01-01,1,10\n2021-02-01,2,-5\n", {"--chart", "p"},
                "FILE:3: denominator must not be negative");
}

TEST_F(SpcError, NumeratorAboveDenominatorOnPChart) {
  ExpectRefusal("date,value,denominator\n2021-01-01,1,10\n2021-02-01,12,10\n", {"--chart", "p"},
                "FILE:3: numerator is above its denominator");
}

TEST_F(SpcError, NegativeNumeratorOnUChart) {
  ExpectRefusal("date,value,denominator\n2021-01-01,1,10\n2021-02-01,-2,10\n", {"--chart", "u"},
                "FILE:3: numerator must not be negative");
}

TEST_F(SpcError, TChartWithZeroTime) {
  ExpectRefusal("date,value\n2021-01-01,4\n2021-02-01,0\n2021-03-01,7\n", {"--chart", "t"},
                "FILE:3: time between events must be greater than zero");
}

TEST_F(SpcError, RepeatedDateOnIChartNamesBothLines) {
  ExpectRefusal("date,value\n2021-01-01,1\n2021-02-01,2\n2021-01-01,3\n", {"--chart", "i"},
                "FILE:4: repeated date (also on line 2)");
}

TEST_F(SpcError, RebaseDateThatMatchesNoRow) {
  ExpectRefusal(kGood, {"--rebase", "2021-05-01"},
                "everyseat spc: --rebase date '2021-05-01' matches no row");
}

TEST_F(SpcError, ExcludeDateThatMatchesNoRow) {
  ExpectRefusal(kGood, {"--exclude", "2020-12-01"},
                "everyseat spc: --exclude date '2020-12-01' matches no row");
}

TEST_F(SpcError, UnknownChart) {
  ExpectRefusal(kGood, {"--chart", "x"},
                "everyseat spc: --chart must be one of run, i, mr, p, pp, u, up, ip, c, g, t, "
                "xbar, s (got 'x')");
}

TEST_F(SpcError, BaselineMustBeAWholeNumber) {
  ExpectRefusal(kGood, {"--baseline", "x"},
                "everyseat spc: --baseline must be a whole number of at least 1 (got 'x')");
  ExpectRefusal(kGood, {"--baseline=0"},
                "everyseat spc: --baseline must be a whole number of at least 1 (got '0')");
}

TEST_F(SpcError, BooleanOptionMustBeTrueOrFalse) {
  ExpectRefusal(kGood, {"--screen-outliers", "maybe"},
                "everyseat spc: --screen-outliers must be true or false (got 'maybe')");
}

TEST_F(SpcError, UnknownOption) {
  ExpectRefusal(kGood, {"--foo", "1"}, "everyseat spc: unknown option '--foo'");
}

TEST_F(SpcError, OptionWithoutValue) {
  ExpectRefusal(kGood, {"--chart"}, "everyseat spc: --chart needs a value");
}

TEST_F(SpcError, InputIsRequired) { ExpectRun({"spc"}, "everyseat spc: --input is required"); }

TEST_F(SpcError, TargetOptionAndTargetColumnTogether) {
  ExpectRefusal("date,value,target\n2021-01-01,1,5\n", {"--target", "5"},
                "everyseat spc: --target and the target column cannot both be given");
}

TEST_F(SpcError, InputThatCannotBeOpened) {
  ExpectRun({"spc", "--input", "no-such-file.csv"},
            "everyseat spc: cannot open 'no-such-file.csv': No such file or directory");
}

TEST_F(SpcError, StandardInputIsCalledStdin) {
  ExpectRun({"spc", "--input", "-"}, "<stdin>:3: value 'x' is not a number",
            "date,value\n2021-01-01,1\n2021-02-01,x\n");
}

TEST_F(SpcError, NothingIsWrittenToOutputOnError) {
  const std::string output = dir_.Path("out.json");
  ExpectRefusal("date,value\n2021-01-01,1\n2021-02-01,x\n", {"--output", output},
                "FILE:3: value 'x' is not a number");
  EXPECT_FALSE(std::filesystem::exists(output));
  // Nor when the output exists already: it keeps its content.
  dir_.Write("out.json", "before\n");
  ExpectRefusal("date,value\n2021-01-01,1\n2021-02-01,x\n", {"--output", output},
                "FILE:3: value 'x' is not a number");
  EXPECT_EQ(ReadFile(output), "before\n");
  // And no temporary file is left beside it.
  size_t files = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(dir_.Path(""))) {
    ++files;
  }
  EXPECT_EQ(files, 2u);  // input.csv and out.json
}

TEST_F(SpcError, NoSvgDirectoryIsCreatedOnErrorInALaterSeries) {
  const std::string output = dir_.Path("charts");
  ExpectRefusal(
      "date,ward,value\n2021-01-01,A,1\n2021-02-01,A,2\n2021-01-01,B,3\n"
      "2021-01-01,B,4\n",
      {"--series-column", "ward", "--format", "svg", "--output", output},
      "FILE:5: repeated date (also on line 4)");
  EXPECT_FALSE(std::filesystem::exists(output));
}

TEST(Everyseat, UnknownSubcommandExitsTwo) {
  const Ran ran = RunEverySeat({"frobnicate"});
  EXPECT_EQ(ran.status, 2);
  EXPECT_EQ(ran.out, "");
  EXPECT_NE(ran.err, "");
}

TEST(Everyseat, HelpPrintsUsageAndExitsZero) {
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"--help"}, std::vector<std::string>{"spc", "--help"}}) {
    const Ran ran = RunEverySeat(args);
    EXPECT_EQ(ran.status, 0);
    EXPECT_NE(ran.out.find("usage: everyseat"), std::string::npos);
    EXPECT_EQ(ran.err, "");
  }
}

}  // namespace
}  // namespace everyseat::testing
