// Tests of the renderer's text and number formatting (render/src/text.h): escaping of outside
// text, coordinates with at most two decimals, values as shown to readers.
#include "text.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>

#include "xml_checker.h"

namespace everyseat::render::detail {
namespace {

std::string Escaped(std::string_view text) {
  std::string out;
  AppendEscaped(out, text);
  return out;
}

std::string Number(double value) {
  std::string out;
  AppendNumber(out, value);
  return out;
}

TEST(AppendEscaped, EscapesTheFiveXmlSpecialCharacters) {
  EXPECT_EQ(Escaped("A&E <type 1> \"quoted\" 'single'"),
            "A&amp;E &lt;type 1&gt; &quot;quoted&quot; &apos;single&apos;");
}

TEST(AppendEscaped, KeepsValidUtf8AndWhitespace) {
  EXPECT_EQ(Escaped("caf\xC3\xA9\t\xE2\x80\x94\n"), "caf\xC3\xA9\t\xE2\x80\x94\n");
}

TEST(AppendEscaped, DropsControlCharactersXmlForbids) {
  EXPECT_EQ(Escaped(std::string_view("a\x01"
                                     "b\x1F"
                                     "c\0d",
                                     7)),
            "abcd");
}

TEST(AppendEscaped, ReplacesInvalidUtf8WithReplacementCharacter) {
  const std::string out = Escaped("x\xFFy\xC3");
  EXPECT_EQ(out, "x\xEF\xBF\xBDy\xEF\xBF\xBD");
  const std::string surrogate = Escaped("\xED\xA0\x80");
  EXPECT_TRUE(testing::IsValidUtf8(surrogate));
  EXPECT_EQ(surrogate.find("\xED"), std::string::npos);
}

TEST(AppendEscaped, ReplacesNonCharactersFffeAndFfff) {
  EXPECT_EQ(Escaped("\xEF\xBF\xBE\xEF\xBF\xBF"), "\xEF\xBF\xBD\xEF\xBF\xBD");
}

TEST(AppendNumber, RoundsToTwoDecimalsAndDropsTrailingZeros) {
  EXPECT_EQ(Number(3), "3");
  EXPECT_EQ(Number(2.5), "2.5");
  EXPECT_EQ(Number(1.25), "1.25");
  EXPECT_EQ(Number(1.0 / 3.0), "0.33");
  EXPECT_EQ(Number(2.0 / 3.0), "0.67");
  EXPECT_EQ(Number(-2.75), "-2.75");
  EXPECT_EQ(Number(799.999), "800");
  EXPECT_EQ(Number(0.1), "0.1");
}

TEST(AppendNumber, NeverWritesNegativeZeroOrNonFiniteNumbers) {
  EXPECT_EQ(Number(-0.0), "0");
  EXPECT_EQ(Number(-0.004), "0");
  EXPECT_EQ(Number(std::numeric_limits<double>::quiet_NaN()), "0");
  EXPECT_EQ(Number(std::numeric_limits<double>::infinity()), "0");
  EXPECT_EQ(Number(1e300), "1000000000000000");
}

TEST(FormatValue, ShowsValuesAsPeopleWriteThem) {
  EXPECT_EQ(FormatValue(45.2), "45.2");
  EXPECT_EQ(FormatValue(0.0123), "0.0123");
  EXPECT_EQ(FormatValue(-7), "-7");
  EXPECT_EQ(FormatValue(1234567), "1234567");
  EXPECT_EQ(FormatValue(123456.789), "123456.79");
  EXPECT_EQ(FormatValue(12345.678), "12345.7");
  EXPECT_EQ(FormatValue(0), "0");
  EXPECT_EQ(FormatValue(1e300), "1e+300");
  EXPECT_EQ(FormatValue(1.5e-7), "1.5e-07");
  EXPECT_EQ(FormatValue(std::nan("")), "no value");
}

TEST(Shorten, CutsOnCharacterBoundariesWithAnEllipsis) {
  EXPECT_EQ(Shorten("abcdef", 10), "abcdef");
  EXPECT_EQ(Shorten("abcdef", 6), "abcdef");
  EXPECT_EQ(Shorten("abcdef", 4), "abc\xE2\x80\xA6");
  EXPECT_EQ(Shorten("\xC3\xA9\xC3\xA9\xC3\xA9", 2), "\xC3\xA9\xE2\x80\xA6");
  EXPECT_EQ(Shorten("abc", 0), "");
}

TEST(CharCount, CountsCodePoints) {
  EXPECT_EQ(CharCount(""), 0u);
  EXPECT_EQ(CharCount("abc"), 3u);
  EXPECT_EQ(CharCount("caf\xC3\xA9 \xE2\x80\x94"), 6u);
  EXPECT_EQ(CharCount("\xFF\xFF"), 2u);
}

}  // namespace
}  // namespace everyseat::render::detail
