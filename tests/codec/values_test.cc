// Tests of cell value parsing (codec/values.h): numbers, missing values, ISO 8601 dates and
// date-times, booleans. Epoch seconds are worked out by hand in the comments beside them.
// Thread-safety: tests run one at a time; nothing shared.
#include "everyseat/codec/values.h"

#include <gtest/gtest.h>

#include <string>

namespace everyseat::codec {
namespace {

// Days from 1970-01-01 to 2021-01-01: 51 years of 365 days plus 13 leap days (1972, 1976, ...,
// 2020) = 18628 days; 18628 * 86400 = 1609459200.
constexpr int64_t k2021 = 1609459200;

TEST(ParseNumber, ReadsIntegersDecimalsAndExponents) {
  EXPECT_EQ(ParseNumber("12"), 12.0);
  EXPECT_EQ(ParseNumber("12.5"), 12.5);
  EXPECT_EQ(ParseNumber("-2.5e3"), -2500.0);
  EXPECT_EQ(ParseNumber("1E-2"), 0.01);
  EXPECT_EQ(ParseNumber(".5"), 0.5);
  EXPECT_EQ(ParseNumber("5."), 5.0);
  EXPECT_EQ(ParseNumber("0"), 0.0);
}

TEST(ParseNumber, AcceptsALeadingPlusOrMinus) {
  EXPECT_EQ(ParseNumber("+3"), 3.0);
  EXPECT_EQ(ParseNumber("+0.25"), 0.25);
  EXPECT_EQ(ParseNumber("-7"), -7.0);
}

TEST(ParseNumber, IgnoresSurroundingSpaces) {
  EXPECT_EQ(ParseNumber("  7 "), 7.0);
  EXPECT_EQ(ParseNumber("\t-1.5\t"), -1.5);
}

TEST(ParseNumber, RoundsCorrectly) {
  // 2^53 + 1 lies halfway between the doubles 2^53 and 2^53 + 2: ties go to the even one, 2^53.
  EXPECT_EQ(ParseNumber("9007199254740993"), 9007199254740992.0);
  EXPECT_EQ(ParseNumber("0.1"), 0.1);
}

TEST(ParseNumber, RejectsThousandsSeparatorsHexInfinityAndNan) {
  for (const std::string text :
       {"1,000", "0x10", "inf", "-inf", "+inf", "Infinity", "nan", "NaN", "1 000", "£5", "5%"}) {
    EXPECT_EQ(ParseNumber(text), std::nullopt) << text;
  }
}

TEST(ParseNumber, RejectsEmptyTextSignsAloneAndBrokenExponents) {
  for (const std::string text : {"", "   ", "NA", "+", "-", ".", "+-1", "--1", "++1", "1e", "1e+",
                                 "e5", "1.2.3", "1e999", "-1e999"}) {
    EXPECT_EQ(ParseNumber(text), std::nullopt) << text;
  }
}

TEST(IsMissing, TreatsEmptyTextAndNaAsMissing) {
  EXPECT_TRUE(IsMissing(""));
  EXPECT_TRUE(IsMissing("   "));
  EXPECT_TRUE(IsMissing("NA"));
  EXPECT_TRUE(IsMissing(" NA "));
  EXPECT_FALSE(IsMissing("0"));
  EXPECT_FALSE(IsMissing("N/A"));
  EXPECT_FALSE(IsMissing("NAN"));
  EXPECT_FALSE(IsMissing("x"));
}

TEST(ParseDateTime, ReadsADateAsItsMidnightUtc) {
  EXPECT_EQ(ParseDateTime("1970-01-01"), 0);
  EXPECT_EQ(ParseDateTime("1970-01-02"), 86400);
  EXPECT_EQ(ParseDateTime("1969-12-31"), -86400);
  EXPECT_EQ(ParseDateTime("2021-01-01"), k2021);
  EXPECT_EQ(ParseDateTime(" 2021-01-01 "), k2021);
}

TEST(ParseDateTime, AcceptsLeapDaysOnlyInLeapYears) {
  // 2020-01-01: 50 years, 12 leap days -> 18262 days; + 31 (Jan) + 28 -> 18321 days.
  EXPECT_EQ(ParseDateTime("2020-02-29"), int64_t{18321} * 86400);
  // 2000-01-01: 30 years, 7 leap days -> 10957 days; + 59 -> 11016 days (2000 is a leap year:
  // divisible by 400).
  EXPECT_EQ(ParseDateTime("2000-02-29"), int64_t{11016} * 86400);
  EXPECT_EQ(ParseDateTime("2021-02-29"), std::nullopt);
  EXPECT_EQ(ParseDateTime("1900-02-29"), std::nullopt);  // divisible by 100, not by 400
  EXPECT_EQ(ParseDateTime("2020-02-30"), std::nullopt);
}

TEST(ParseDateTime, RejectsImpossibleMonthsAndDays) {
  for (const std::string text :
       {"2021-13-01", "2021-00-10", "2021-04-31", "2021-01-32", "2021-01-00", "2021-1-01",
        "2021-01-1", "21-01-01", "01/02/2021", "2021/01/01", "", "NA", "2021-01-01x"}) {
    EXPECT_EQ(ParseDateTime(text), std::nullopt) << text;
  }
}

TEST(ParseDateTime, ReadsTimesWithATOrASpace) {
  // 12:30 is 45000 seconds after midnight; 12:30:15 is 45015.
  EXPECT_EQ(ParseDateTime("2021-01-01T00:00:00"), k2021);
  EXPECT_EQ(ParseDateTime("2021-01-01T12:30"), k2021 + 45000);
  EXPECT_EQ(ParseDateTime("2021-01-01 12:30:15"), k2021 + 45015);
  EXPECT_EQ(ParseDateTime("2021-01-01T23:59:59"), k2021 + 86399);
}

TEST(ParseDateTime, DropsFractionsOfASecond) {
  EXPECT_EQ(ParseDateTime("2021-01-01T12:30:15.25"), k2021 + 45015);
  EXPECT_EQ(ParseDateTime("2021-01-01T12:30:15.999999"), k2021 + 45015);
  EXPECT_EQ(ParseDateTime("2021-01-01T12:30:15."), std::nullopt);
}

TEST(ParseDateTime, ConvertsOffsetsToUtc) {
  EXPECT_EQ(ParseDateTime("2021-01-01T00:00:00Z"), k2021);
  EXPECT_EQ(ParseDateTime("2021-01-01T01:00:00+01:00"), k2021);
  EXPECT_EQ(ParseDateTime("2021-01-01T01:00+0100"), k2021);
  // Midnight at UTC-05:30 is 05:30 UTC: 19800 seconds later.
  EXPECT_EQ(ParseDateTime("2021-01-01T00:00:00-05:30"), k2021 + 19800);
  EXPECT_EQ(ParseDateTime("2021-01-01 00:00:00-0530"), k2021 + 19800);
  // 23:30 on New Year's Eve at UTC-01:00 is 00:30 UTC on New Year's Day.
  EXPECT_EQ(ParseDateTime("2020-12-31T23:30:00-01:00"), k2021 + 1800);
  EXPECT_EQ(ParseDateTime("2021-01-01T12:30:15.5+00:00"), k2021 + 45015);
}

TEST(ParseDateTime, RejectsImpossibleTimesAndBrokenOffsets) {
  for (const std::string text :
       {"2021-01-01T24:00", "2021-01-01T12:60", "2021-01-01T12:00:60", "2021-01-01T",
        "2021-01-01T1:00", "2021-01-01T12", "2021-01-01T12:00:0", "2021-01-01Z", "2021-01-01+01:00",
        "2021-01-01T12:00+1", "2021-01-01T12:00+01", "2021-01-01T12:00+01:0",
        "2021-01-01T12:00+24:00", "2021-01-01T12:00+01:60", "2021-01-01T12:00Zx",
        "2021-01-01T12:00:00+01:00x", "2021-01-01X12:00", "2021-01-01t12:00"}) {
    EXPECT_EQ(ParseDateTime(text), std::nullopt) << text;
  }
}

TEST(ParseBool, ReadsTrueOneAndYesInAnyCase) {
  for (const std::string text : {"true", "TRUE", "True", "1", "yes", "YES", " Yes "}) {
    EXPECT_EQ(ParseBool(text), true) << text;
  }
}

TEST(ParseBool, ReadsFalseZeroNoAndEmptyAsFalse) {
  for (const std::string text : {"false", "FALSE", "0", "no", "No", "", "  "}) {
    EXPECT_EQ(ParseBool(text), false) << text;
  }
}

TEST(ParseBool, RejectsOtherText) {
  for (const std::string text : {"y", "n", "2", "truee", "on", "off", "NA"}) {
    EXPECT_EQ(ParseBool(text), std::nullopt) << text;
  }
}

}  // namespace
}  // namespace everyseat::codec
