// Tests of the tests' XML checker: it must reject what is not well-formed, or every
// well-formedness assertion in the renderer's tests would pass for nothing.
#include "xml_checker.h"

#include <gtest/gtest.h>

namespace everyseat::render::testing {
namespace {

TEST(XmlChecker, AcceptsNestedElementsAndDecodesEntities) {
  const ParseResult result = ParseXml(
      "<svg a=\"1\" b='&lt;&amp;&#65;'>\n<g><title>x &gt; y &quot;</title><circle/></g>"
      "</svg>\n");
  ASSERT_TRUE(result.ok) << result.error;
  EXPECT_EQ(result.root.name, "svg");
  ASSERT_NE(result.root.Attribute("b"), nullptr);
  EXPECT_EQ(*result.root.Attribute("b"), "<&A");
  EXPECT_EQ(FindAll(result.root, "title").front()->text, "x > y \"");
  EXPECT_EQ(FindAll(result.root, "circle").size(), 1u);
}

TEST(XmlChecker, RejectsUnbalancedTags) {
  EXPECT_FALSE(ParseXml("<svg><g></svg>").ok);
  EXPECT_FALSE(ParseXml("<svg><g>").ok);
  EXPECT_FALSE(ParseXml("<svg></svg></g>").ok);
  EXPECT_FALSE(ParseXml("<svg/><svg/>").ok);
}

TEST(XmlChecker, RejectsUnquotedOrDuplicateAttributes) {
  EXPECT_FALSE(ParseXml("<svg width=10/>").ok);
  EXPECT_FALSE(ParseXml("<svg a=\"1\" a=\"2\"/>").ok);
  EXPECT_FALSE(ParseXml("<svg a=\"1\"b=\"2\"/>").ok);
  EXPECT_FALSE(ParseXml("<svg a=\"x<y\"/>").ok);
  EXPECT_FALSE(ParseXml("<svg a=\"1/>").ok);
}

TEST(XmlChecker, RejectsBareAmpersandsAndRawMarkupInText) {
  EXPECT_FALSE(ParseXml("<t>A&E</t>").ok);
  EXPECT_FALSE(ParseXml("<t>a &nbsp; b</t>").ok);
  EXPECT_FALSE(ParseXml("<t>a > b</t>").ok);
  EXPECT_FALSE(ParseXml("<t>a < b</t>").ok);
  EXPECT_FALSE(ParseXml(std::string_view("<t>a\0b</t>", 10)).ok);
}

TEST(XmlChecker, FindsElementsByClassWord) {
  const ParseResult result =
      ParseXml("<g><c class=\"spc-point spc-special\"/><c class=\"x\"/></g>");
  ASSERT_TRUE(result.ok) << result.error;
  EXPECT_EQ(FindAll(result.root, "c", "spc-special").size(), 1u);
  EXPECT_EQ(FindAll(result.root, "c", "spc").size(), 0u);
}

TEST(XmlChecker, ValidatesUtf8) {
  EXPECT_TRUE(IsValidUtf8("caf\xC3\xA9 \xE2\x80\x94 \xF0\x9F\x98\x80"));
  EXPECT_FALSE(IsValidUtf8("\xFF"));
  EXPECT_FALSE(IsValidUtf8("\xC3"));
  EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80"));  // a surrogate
  EXPECT_FALSE(IsValidUtf8("\xC0\xAF"));      // overlong
}

}  // namespace
}  // namespace everyseat::render::testing
