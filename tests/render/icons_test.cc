// Tests of the standalone variation and assurance icons: well-formed, labelled for screen
// readers, coloured as Making Data Count, and readable without colour (letters, arrows, dots).
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "everyseat/render/svg.h"
#include "xml_checker.h"

namespace everyseat::render {
namespace {

using spc::AssuranceIcon;
using spc::VariationIcon;
using testing::Element;
using testing::FindAll;
using testing::ParseResult;
using testing::ParseXml;

const std::vector<VariationIcon> kVariationIcons = {
    VariationIcon::kCommonCause, VariationIcon::kImprovementHigh, VariationIcon::kImprovementLow,
    VariationIcon::kConcernHigh, VariationIcon::kConcernLow,      VariationIcon::kNeutralHigh,
    VariationIcon::kNeutralLow,
};
const std::vector<AssuranceIcon> kAssuranceIcons = {AssuranceIcon::kPass, AssuranceIcon::kFail,
                                                    AssuranceIcon::kInconsistent};

// The text of every <text> element in the icon, concatenated.
std::string Letters(const Element& root) {
  std::string letters;
  for (const Element* text : FindAll(root, "text")) letters += text->text;
  return letters;
}

// The ring is the first circle; its stroke is the icon's colour.
std::string RingColour(const Element& root) {
  const std::vector<const Element*> circles = FindAll(root, "circle");
  if (circles.empty() || circles.front()->Attribute("stroke") == nullptr) return "";
  return *circles.front()->Attribute("stroke");
}

void ExpectLabelledImage(const std::string& svg) {
  const ParseResult parsed = ParseXml(svg);
  ASSERT_TRUE(parsed.ok) << parsed.error << "\n" << svg;
  const Element& root = parsed.root;
  EXPECT_EQ(root.name, "svg");
  ASSERT_NE(root.Attribute("role"), nullptr);
  EXPECT_EQ(*root.Attribute("role"), "img");
  ASSERT_NE(root.Attribute("xmlns"), nullptr);
  EXPECT_EQ(*root.Attribute("xmlns"), "http://www.w3.org/2000/svg");
  ASSERT_NE(root.Attribute("width"), nullptr);
  EXPECT_EQ(*root.Attribute("width"), "40");
  EXPECT_EQ(*root.Attribute("height"), "40");
  const Element* title = root.Child("title");
  ASSERT_NE(title, nullptr);
  EXPECT_FALSE(title->text.empty());
  ASSERT_NE(root.Attribute("aria-label"), nullptr);
  EXPECT_EQ(*root.Attribute("aria-label"), title->text);
}

TEST(VariationIconSvg, EveryIconIsAWellFormedLabelledImage) {
  for (const VariationIcon icon : kVariationIcons) {
    SCOPED_TRACE(static_cast<int>(icon));
    ExpectLabelledImage(VariationIconSvg(icon));
  }
}

TEST(VariationIconSvg, NoneGivesNothing) { EXPECT_EQ(VariationIconSvg(VariationIcon::kNone), ""); }

TEST(VariationIconSvg, EveryIconIsDifferentAndSaysWhatItMeans) {
  std::set<std::string> drawings;
  std::set<std::string> meanings;
  for (const VariationIcon icon : kVariationIcons) {
    const std::string svg = VariationIconSvg(icon);
    drawings.insert(svg);
    const ParseResult parsed = ParseXml(svg);
    ASSERT_TRUE(parsed.ok) << parsed.error;
    meanings.insert(parsed.root.Child("title")->text);
  }
  EXPECT_EQ(drawings.size(), kVariationIcons.size());
  EXPECT_EQ(meanings.size(), kVariationIcons.size());
}

TEST(VariationIconSvg, UsesMakingDataCountColours) {
  const auto ring = [](VariationIcon icon) {
    const ParseResult parsed = ParseXml(VariationIconSvg(icon));
    return parsed.ok ? RingColour(parsed.root) : std::string("unparsed");
  };
  EXPECT_EQ(ring(VariationIcon::kCommonCause), "#7B7D7D");
  EXPECT_EQ(ring(VariationIcon::kImprovementHigh), "#289DE0");
  EXPECT_EQ(ring(VariationIcon::kImprovementLow), "#289DE0");
  EXPECT_EQ(ring(VariationIcon::kConcernHigh), "#FAB428");
  EXPECT_EQ(ring(VariationIcon::kConcernLow), "#FAB428");
  EXPECT_EQ(ring(VariationIcon::kNeutralHigh), "#490092");
  EXPECT_EQ(ring(VariationIcon::kNeutralLow), "#490092");
}

TEST(VariationIconSvg, HighAndLowAreReadableWithoutColourByLetter) {
  const auto letters = [](VariationIcon icon) {
    const ParseResult parsed = ParseXml(VariationIconSvg(icon));
    return parsed.ok ? Letters(parsed.root) : std::string("unparsed");
  };
  EXPECT_EQ(letters(VariationIcon::kImprovementHigh), "H");
  EXPECT_EQ(letters(VariationIcon::kConcernHigh), "H");
  EXPECT_EQ(letters(VariationIcon::kNeutralHigh), "H");
  EXPECT_EQ(letters(VariationIcon::kImprovementLow), "L");
  EXPECT_EQ(letters(VariationIcon::kConcernLow), "L");
  EXPECT_EQ(letters(VariationIcon::kNeutralLow), "L");
  EXPECT_EQ(letters(VariationIcon::kCommonCause), "");
}

TEST(VariationIconSvg, CommonCauseIsALineOfDots) {
  const ParseResult parsed = ParseXml(VariationIconSvg(VariationIcon::kCommonCause));
  ASSERT_TRUE(parsed.ok) << parsed.error;
  // The ring plus at least five dots.
  EXPECT_GE(FindAll(parsed.root, "circle").size(), 6u);
}

TEST(AssuranceIconSvg, EveryIconIsAWellFormedLabelledImage) {
  for (const AssuranceIcon icon : kAssuranceIcons) {
    SCOPED_TRACE(static_cast<int>(icon));
    ExpectLabelledImage(AssuranceIconSvg(icon));
  }
}

TEST(AssuranceIconSvg, NoneGivesNothing) { EXPECT_EQ(AssuranceIconSvg(AssuranceIcon::kNone), ""); }

TEST(AssuranceIconSvg, PassFailAndHitAndMissHaveLetterAndColour) {
  struct Expected {
    AssuranceIcon icon;
    std::string letter;
    std::string colour;
  };
  const Expected cases[] = {{AssuranceIcon::kPass, "P", "#289DE0"},
                            {AssuranceIcon::kFail, "F", "#FAB428"},
                            {AssuranceIcon::kInconsistent, "?", "#7B7D7D"}};
  for (const Expected& expected : cases) {
    SCOPED_TRACE(expected.letter);
    const ParseResult parsed = ParseXml(AssuranceIconSvg(expected.icon));
    ASSERT_TRUE(parsed.ok) << parsed.error;
    EXPECT_EQ(Letters(parsed.root), expected.letter);
    EXPECT_EQ(RingColour(parsed.root), expected.colour);
  }
}

}  // namespace
}  // namespace everyseat::render
