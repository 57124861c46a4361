// Tests of the SPC chart as SVG (render/include/everyseat/render/svg.h). Analyses are built by
// hand, so these tests exercise the renderer alone: structure (one circle per value, title and
// description, limits per phase, icons), accessibility (escaping, point titles, shape as well as
// colour), and robustness (no NaN or inf, well-formed XML, at most two decimals in geometry).
#include "everyseat/render/svg.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <iterator>
#include <limits>
#include <random>
#include <regex>
#include <string>
#include <vector>

#include "xml_checker.h"

namespace everyseat::render {
namespace {

using spc::Analysis;
using spc::AssuranceIcon;
using spc::kMissing;
using spc::Point;
using spc::PointType;
using spc::Rule;
using spc::Side;
using spc::VariationIcon;
using testing::Element;
using testing::FindAll;
using testing::ParseResult;
using testing::ParseXml;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

Point MakePoint(double value, double centre, double lower, double upper,
                PointType type = PointType::kCommonCause) {
  Point p;
  p.value = value;
  p.centre = centre;
  p.lower = lower;
  p.upper = upper;
  p.type = std::isfinite(value) ? type : PointType::kNone;
  return p;
}

// An I chart of `values` with fixed limits 50 +- 30 in one phase.
Analysis Series(const std::vector<double>& values, double centre = 50, double half_width = 30) {
  Analysis analysis;
  for (const double v : values) {
    analysis.points.push_back(MakePoint(v, centre, centre - half_width, centre + half_width));
  }
  analysis.summary.reading = "No special cause.";
  return analysis;
}

// Splits `points` into phases at the given starting indices (each a new phase).
void SetPhases(Analysis& analysis, const std::vector<size_t>& starts) {
  analysis.phases.clear();
  int32_t phase = 0;
  for (size_t i = 0; i < analysis.points.size(); ++i) {
    if (std::find(starts.begin(), starts.end(), i) != starts.end()) ++phase;
    analysis.points[i].phase = phase;
  }
}

struct Rendered {
  std::string svg;
  ParseResult parsed;
};

Rendered Render(const Analysis& analysis, const SvgOptions& options = {}) {
  Rendered r;
  r.svg = RenderSvg(analysis, options);
  r.parsed = ParseXml(r.svg);
  return r;
}

std::string Attr(const Element& e, std::string_view name) {
  const std::string* value = e.Attribute(name);
  return value == nullptr ? std::string() : *value;
}

double NumberAttr(const Element& e, std::string_view name) {
  const std::string* value = e.Attribute(name);
  return value == nullptr ? kNaN : std::strtod(value->c_str(), nullptr);
}

// The x coordinates named in a path's data (M, L and H commands; the writer uses absolute
// coordinates for these).
std::vector<double> PathXs(const std::string& d) {
  std::vector<double> xs;
  char command = 0;
  int operand = 0;
  const char* p = d.c_str();
  while (*p != '\0') {
    if (std::isalpha(static_cast<unsigned char>(*p))) {
      command = *p++;
      operand = 0;
      continue;
    }
    if (*p == ' ' || *p == ',') {
      ++p;
      continue;
    }
    char* end = nullptr;
    const double value = std::strtod(p, &end);
    if (end == p) break;
    p = end;
    if (((command == 'M' || command == 'L') && operand % 2 == 0) || command == 'H') {
      xs.push_back(value);
    }
    ++operand;
  }
  return xs;
}

size_t CountChar(const std::string& s, char c) { return std::count(s.begin(), s.end(), c); }

std::vector<const Element*> Points(const Element& root) {
  return FindAll(root, "circle", "spc-point");
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Every number in geometry attributes, path data and transforms: finite, no exponent, at most
// two decimals.
void ExpectTidyNumbers(const Element& root) {
  static const std::regex kNumber(R"(-?[0-9]*\.?[0-9]+([eE][-+]?[0-9]+)?)");
  static const std::regex kTidy(R"(-?[0-9]+(\.[0-9]{1,2})?)");
  static const char* const kNumeric[] = {
      "x",  "y",     "cx",     "cy",           "r",         "x1", "y1",        "x2",
      "y2", "width", "height", "stroke-width", "font-size", "d",  "transform", "viewBox"};
  for (const Element* e : FindAll(root, "")) {
    for (const char* name : kNumeric) {
      const std::string* value = e->Attribute(name);
      if (value == nullptr || *value == "100%") continue;
      for (auto it = std::sregex_iterator(value->begin(), value->end(), kNumber);
           it != std::sregex_iterator(); ++it) {
        const std::string number = it->str();
        EXPECT_TRUE(std::regex_match(number, kTidy))
            << "<" << e->name << " " << name << "=\"" << *value << "\">: " << number;
        EXPECT_TRUE(std::isfinite(std::strtod(number.c_str(), nullptr)));
      }
    }
  }
}

// --- Structure and accessibility --------------------------------------------------------------

TEST(RenderSvg, RootIsAnImageLabelledByTitleAndDescription) {
  Analysis analysis = Series({40, 45, 50, 55, 60});
  analysis.summary.reading = "Common cause variation only. No target.";
  SvgOptions options;
  options.title = "RRK: type 1 attendances";
  const Rendered r = Render(analysis, options);
  ASSERT_TRUE(r.parsed.ok) << r.parsed.error;
  const Element& root = r.parsed.root;
  EXPECT_EQ(root.name, "svg");
  EXPECT_EQ(Attr(root, "xmlns"), "http://www.w3.org/2000/svg");
  EXPECT_EQ(Attr(root, "role"), "img");

  const Element* title = root.Child("title");
  const Element* desc = root.Child("desc");
  ASSERT_NE(title, nullptr);
  ASSERT_NE(desc, nullptr);
  EXPECT_EQ(title->text, "RRK: type 1 attendances");
  EXPECT_EQ(desc->text, "Common cause variation only. No target.");
  // aria-labelledby names the title first, then the description.
  EXPECT_EQ(Attr(root, "aria-labelledby"), Attr(*title, "id") + " " + Attr(*desc, "id"));
  EXPECT_FALSE(Attr(*title, "id").empty());
}

TEST(RenderSvg, EmptyTitleStillGivesAnAccessibleName) {
  const Rendered r = Render(Series({1, 2, 3}));
  ASSERT_TRUE(r.parsed.ok) << r.parsed.error;
  ASSERT_NE(r.parsed.root.Child("title"), nullptr);
  EXPECT_FALSE(r.parsed.root.Child("title")->text.empty());
}

TEST(RenderSvg, EscapesEveryTextItIsGiven) {
  const std::string nasty = "A&E <type 1> \"quoted\" 'single'";
  Analysis analysis = Series({10, 20, 30});
  analysis.summary.reading = "Reading with <b>markup</b> & \"quotes\"";
  analysis.phases.push_back({.index = 0, .label = "<phase & 'one'>"});
  SvgOptions options;
  options.title = nasty;
  options.y_label = "<%> & 'rate'";
  options.point_labels = {"2021-01-01", "<2021> & \"02\"", "'03'"};
  options.annotations = {{1, "</title><script>alert('x')</script>"}};
  const Rendered r = Render(analysis, options);
  ASSERT_TRUE(r.parsed.ok) << r.parsed.error << "\n" << r.svg;

  EXPECT_NE(r.svg.find("A&amp;E &lt;type 1&gt; &quot;quoted&quot; &apos;single&apos;"),
            std::string::npos);
  EXPECT_EQ(r.svg.find("<type 1>"), std::string::npos);
  EXPECT_EQ(r.svg.find("<script>"), std::string::npos);
  EXPECT_EQ(r.svg.find("<b>"), std::string::npos);

  // Unescaped, every text reads back exactly as given.
  EXPECT_EQ(r.parsed.root.Child("title")->text, nasty);
  EXPECT_EQ(r.parsed.root.Child("desc")->text, analysis.summary.reading);
  const std::vector<const Element*> annotations = FindAll(r.parsed.root, "g", "spc-annotation");
  ASSERT_EQ(annotations.size(), 1u);
  EXPECT_NE(annotations[0]->Child("title")->text.find("</title><script>alert('x')</script>"),
            std::string::npos);
  const std::vector<const Element*> points = Points(r.parsed.root);
  ASSERT_EQ(points.size(), 3u);
  EXPECT_EQ(points[1]->Child("title")->text.rfind("<2021> & \"02\": 20", 0), 0u);
  const std::vector<const Element*> y_label = FindAll(r.parsed.root, "text", "spc-y-label");
  ASSERT_EQ(y_label.size(), 1u);
  EXPECT_EQ(y_label[0]->text, "<%> & 'rate'");
}

TEST(RenderSvg, InvalidUtf8AndControlCharactersStillGiveWellFormedXml) {
  SvgOptions options;
  options.title = std::string("bad \xFF\xFE bytes \x01\x02 and a lone \xC3", 25);
  options.point_labels = {"\xED\xA0\x80", "ok"};
  const Rendered r = Render(Series({1, 2}), options);
  ASSERT_TRUE(r.parsed.ok) << r.parsed.error;
  EXPECT_TRUE(testing::IsValidUtf8(r.svg));
}

TEST(RenderSvg, DrawsOneCircleWithATitlePerPointThatHasAValue) {
  const Analysis analysis = Series({10, 20, kNaN, 40, 50, kNaN, 70, 80, 90, 100}, 55, 60);
  SvgOptions options;
  for (int i = 1; i <= 10; ++i) options.point_labels.push_back("day " + std::to_string(i));
  const Rendered r = Render(analysis, options);
  ASSERT_TRUE(r.parsed.ok) << r.parsed.error;
  const std::vector<const Element*> points = Points(r.parsed.root);
  ASSERT_EQ(points.size(), 8u);
  const std::vector<std::string> expected = {"day 1", "day 2", "day 4", "day 5",
                                             "day 7", "day 8", "day 9", "day 10"};
  for (size_t k = 0; k < points.size(); ++k) {
    ASSERT_EQ(FindAll(*points[k], "title").size(), 1u);
    EXPECT_EQ(points[k]->Child("title")->text.rfind(expected[k] + ": ", 0), 0u)
        << points[k]->Child("title")->text;
  }
  // Circles run left to right in point order.
  for (size_t k = 1; k < points.size(); ++k) {
    EXPECT_LT(NumberAttr(*points[k - 1], "cx"), NumberAttr(*points[k], "cx"));
  }
}

TEST(RenderSvg, PointTitleGivesLabelValueAndStatus) {
  Analysis analysis = Series({60, 45.2, 50});
  Point& p = analysis.points[1];
  p.type = PointType::kImprovement;
  p.rule = Rule::kShift;
  p.side = Side::kLow;
  SvgOptions options;
  options.point_labels = {"2021-02-01", "2021-03-01", "2021-04-01"};
  const Rendered r = Render(analysis, options);
  ASSERT_TRUE(r.parsed.ok) << r.parsed.error;
  const std::vector<const Element*> points = Points(r.parsed.root);
  ASSERT_EQ(points.size(), 3u);
  EXPECT_EQ(points[0]->Child("title")->text, "2021-02-01: 60 \xE2\x80\x94 common cause");
  EXPECT_EQ(points[1]->Child("title")->text,
            "2021-03-01: 45.2 \xE2\x80\x94 special cause (improvement): shift below the centre "
            "line");
}

TEST(RenderSvg, PointTitleNamesEachRuleAndConcern) {
  Analysis analysis = Series({95, 60, 61, 62});
  analysis.points[0].type = PointType::kConcern;
  analysis.points[0].rule = Rule::kOutsideLimits;
  analysis.points[0].side = Side::kHigh;
  analysis.points[1].type = PointType::kConcern;
  analysis.points[1].rule = Rule::kTrend;
  analysis.points[1].side = Side::kHigh;
  analysis.points[2].type = PointType::kNeutralHigh;
  analysis.points[2].rule = Rule::kTwoInThree;
  analysis.points[2].side = Side::kHigh;
  analysis.points[3].excluded = true;
  analysis.points[3].target = 70;
  const Rendered r = Render(analysis);
  ASSERT_TRUE(r.parsed.ok) << r.parsed.error;
  const std::vector<const Element*> points = Points(r.parsed.root);
  ASSERT_EQ(points.size(), 4u);
  EXPECT_NE(points[0]->Child("title")->text.find("special cause (concern): above the upper"),
            std::string::npos);
  EXPECT_NE(points[1]->Child("title")->text.find("rising trend"), std::string::npos);
  EXPECT_NE(points[2]->Child("title")->text.find("neither improvement nor concern"),
            std::string::npos);
  EXPECT_NE(points[2]->Child("title")->text.find("two of three"), std::string::npos);
  EXPECT_NE(points[3]->Child("title")->text.find("excluded"), std::string::npos);
  EXPECT_NE(points[3]->Child("title")->text.find("target 70"), std::string::npos);
}

TEST(RenderSvg, ColoursPointsByType) {
  Analysis analysis = Series({50, 85, 15, 82, 18});
  analysis.points[1].type = PointType::kImprovement;
  analysis.points[2].type = PointType::kConcern;
  analysis.points[3].type = PointType::kNeutralHigh;
  analysis.points[4].type = PointType::kNeutralLow;
  const Rendered r = Render(analysis);
  ASSERT_TRUE(r.parsed.ok) << r.parsed.error;
  const std::vector<const Element*> points = Points(r.parsed.root);
  ASSERT_EQ(points.size(), 5u);
  EXPECT_EQ(Attr(*points[0], "fill"), "#A6A6A6");
  EXPECT_EQ(Attr(*points[1], "fill"), "#289DE0");
  EXPECT_EQ(Attr(*points[2], "fill"), "#FAB428");
  EXPECT_EQ(Attr(*points[3], "fill"), "#490092");
  EXPECT_EQ(Attr(*points[4], "fill"), "#490092");
  EXPECT_TRUE(points[1]->HasClass("spc-improvement"));
  EXPECT_TRUE(points[2]->HasClass("spc-concern"));
  EXPECT_TRUE(points[3]->HasClass("spc-neutral-high"));
  EXPECT_TRUE(points[4]->HasClass("spc-neutral-low"));
}

TEST(RenderSvg, SpecialCausePointsDifferBySizeAndOutlineNotOnlyColour) {
  Analysis analysis = Series({50, 85, 52});
  analysis.points[1].type = PointType::kConcern;
  analysis.points[1].rule = Rule::kOutsideLimits;
  analysis.points[1].side = Side::kHigh;
  const Rendered r = Render(analysis);
  ASSERT_TRUE(r.parsed.ok) << r.parsed.error;
  const std::vector<const Element*> points = Points(r.parsed.root);
  ASSERT_EQ(points.size(), 3u);
  EXPECT_GT(NumberAttr(*points[1], "r"), NumberAttr(*points[0], "r"));
  EXPECT_FALSE(Attr(*points[1], "stroke").empty());
  EXPECT_GT(NumberAttr(*points[1], "stroke-width"), 0);
  EXPECT_TRUE(Attr(*points[0], "stroke").empty());
  EXPECT_TRUE(points[1]->HasClass("spc-special"));
  EXPECT_FALSE(points[0]->HasClass("spc-special"));
}

TEST(RenderSvg, LimitsAreDashedAndTheCentreSolid) {
  const Rendered r = Render(Series({40, 45, 50, 55, 60}));
  ASSERT_TRUE(r.parsed.ok) << r.parsed.error;
  const std::vector<const Element*> limits = FindAll(r.parsed.root, "path", "spc-limit");
  const std::vector<const Element*> centres = FindAll(r.parsed.root, "path", "spc-centre");
  ASSERT_EQ(limits.size(), 2u);
  ASSERT_EQ(centres.size(), 1u);
  for (const Element* limit : limits) EXPECT_FALSE(Attr(*limit, "stroke-dasharray").empty());
  EXPECT_TRUE(Attr(*centres[0], "stroke-dasharray").empty());
  EXPECT_EQ(FindAll(r.parsed.root, "path", "spc-limit-upper").size(), 1u);
  EXPECT_EQ(FindAll(r.parsed.root, "path", "spc-limit-lower").size(), 1u);
  // Upper above centre above lower (smaller y is higher on the page).
  const auto y_of = [](const Element& path) {
    const std::string d = Attr(path, "d");
    return std::strtod(d.c_str() + d.find(' ') + 1, nullptr);
  };
  const double upper = y_of(*FindAll(r.parsed.root, "path", "spc-limit-upper")[0]);
  const double lower = y_of(*FindAll(r.parsed.root, "path", "spc-limit-lower")[0]);
  const double centre = y_of(*centres[0]);
  EXPECT_LT(upper, centre);
  EXPECT_LT(centre, lower);
}

TEST(RenderSvg, DrawsLimitsPerPhaseWithABreakBetweenPhases) {
  Analysis analysis = Series({40, 45, 50, 55, 60, 70, 72, 75, 71, 78, 30, 31});
  SetPhases(analysis, {5, 10});
  const Rendered r = Render(analysis);
  ASSERT_TRUE(r.parsed.ok) << r.parsed.error;
  EXPECT_EQ(FindAll(r.parsed.root, "line", "spc-phase-break").size(), 2u);
  EXPECT_EQ(FindAll(r.parsed.root, "path", "spc-centre").size(), 3u);
  EXPECT_EQ(FindAll(r.parsed.root, "path", "spc-limit-upper").size(), 3u);
  EXPECT_EQ(FindAll(r.parsed.root, "path", "spc-limit-lower").size(), 3u);

  SetPhases(analysis, {});
  const Rendered one = Render(analysis);
  ASSERT_TRUE(one.parsed.ok) << one.parsed.error;
  EXPECT_EQ(FindAll(one.parsed.root, "line", "spc-phase-break").size(), 0u);
}

TEST(RenderSvg, LimitsAreNeverJoinedAcrossAPhaseBreak) {
  Analysis analysis = Series({40, 45, 50, 55, 60, 70, 72, 75, 71, 78});
  for (size_t i = 5; i < 10; ++i) {
    analysis.points[i].centre = 73;
    analysis.points[i].lower = 65;
    analysis.points[i].upper = 81;
  }
  SetPhases(analysis, {5});
  const Rendered r = Render(analysis);
  ASSERT_TRUE(r.parsed.ok) << r.parsed.error;
  const std::vector<const Element*> breaks = FindAll(r.parsed.root, "line", "spc-phase-break");
  ASSERT_EQ(breaks.size(), 1u);
  const double break_x = NumberAttr(*breaks[0], "x1");
  const std::vector<const Element*> circles = Points(r.parsed.root);
  ASSERT_EQ(circles.size(), 10u);
  EXPECT_GT(break_x, NumberAttr(*circles[4], "cx"));
  EXPECT_LT(break_x, NumberAttr(*circles[5], "cx"));

  std::vector<const Element*> lines = FindAll(r.parsed.root, "path", "spc-limit");
  for (const Element* centre : FindAll(r.parsed.root, "path", "spc-centre")) {
    lines.push_back(centre);
  }
  ASSERT_EQ(lines.size(), 6u);
  int left_of_break = 0;
  for (const Element* line : lines) {
    const std::vector<double> xs = PathXs(Attr(*line, "d"));
    ASSERT_FALSE(xs.empty());
    const bool left = xs.front() < break_x;
    left_of_break += left ? 1 : 0;
    for (const double x : xs) EXPECT_EQ(x < break_x, left) << Attr(*line, "d");
  }
  EXPECT_EQ(left_of_break, 3);
}

TEST(RenderSvg, VaryingLimitsAreStepLines) {
  // A p chart: the limits change with each point's denominator.
  Analysis analysis = Series({0.5, 0.52, 0.48, 0.51, 0.49}, 0.5, 0.1);
  const double uppers[] = {0.60, 0.62, 0.62, 0.58, 0.61};
  for (size_t i = 0; i < 5; ++i) {
    analysis.points[i].upper = uppers[i];
    analysis.points[i].lower = 1 - uppers[i];
  }
  const Rendered r = Render(analysis);
  ASSERT_TRUE(r.parsed.ok) << r.parsed.error;
  const std::vector<const Element*> upper = FindAll(r.parsed.root, "path", "spc-limit-upper");
  ASSERT_EQ(upper.size(), 1u);
  const std::string d = Attr(*upper[0], "d");
  // Four points, but 0.62 twice in a row: three changes of level, each one vertical step.
  EXPECT_EQ(CountChar(d, 'V'), 3u) << d;
  EXPECT_EQ(CountChar(d, 'M'), 1u) << d;

  // Constant limits are one straight segment.
  const Rendered flat = Render(Series({1, 2, 3, 4, 5}));
  ASSERT_TRUE(flat.parsed.ok) << flat.parsed.error;
  const std::string flat_d = Attr(*FindAll(flat.parsed.root, "path", "spc-limit-upper")[0], "d");
  EXPECT_EQ(CountChar(flat_d, 'V'), 0u) << flat_d;
  EXPECT_EQ(CountChar(flat_d, 'H'), 1u) << flat_d;
}

TEST(RenderSvg, MissingLimitsBreakTheLimitLine) {
  Analysis analysis = Series({1, 2, 3, 4, 5, 6});
  analysis.points[2].upper = kMissing;
  analysis.points[3].upper = kMissing;
  const Rendered r = Render(analysis);
  ASSERT_TRUE(r.parsed.ok) << r.parsed.error;
  const std::string d = Attr(*FindAll(r.parsed.root, "path", "spc-limit-upper")[0], "d");
  EXPECT_EQ(CountChar(d, 'M'), 2u) << d;
}

TEST(RenderSvg, MissingValuesAreGapsInTheDataLine) {
  const Rendered r = Render(Series({10, 20, kNaN, 40, 50, 60}));
  ASSERT_TRUE(r.parsed.ok) << r.parsed.error;
  const std::vector<const Element*> line = FindAll(r.parsed.root, "path", "spc-data-line");
  ASSERT_EQ(line.size(), 1u);
  const std::string d = Attr(*line[0], "d");
  EXPECT_EQ(CountChar(d, 'M'), 2u) << d;
  EXPECT_EQ(CountChar(d, 'L'), 3u) << d;
  // The line visits exactly the circles' x positions.
  const std::vector<const Element*> circles = Points(r.parsed.root);
  const std::vector<double> xs = PathXs(d);
  ASSERT_EQ(xs.size(), circles.size());
  for (size_t k = 0; k < xs.size(); ++k) EXPECT_DOUBLE_EQ(xs[k], NumberAttr(*circles[k], "cx"));
}

TEST(RenderSvg, DrawsTheTargetOnlyWhenPointsCarryOne) {
  const Rendered without = Render(Series({1, 2, 3, 4}));
  ASSERT_TRUE(without.parsed.ok) << without.parsed.error;
  EXPECT_TRUE(FindAll(without.parsed.root, "path", "spc-target").empty());

  Analysis analysis = Series({1, 2, 3, 4});
  for (Point& p : analysis.points) p.target = 60;
  const Rendered with = Render(analysis);
  ASSERT_TRUE(with.parsed.ok) << with.parsed.error;
  const std::vector<const Element*> target = FindAll(with.parsed.root, "path", "spc-target");
  ASSERT_EQ(target.size(), 1u);
  EXPECT_FALSE(Attr(*target[0], "stroke-dasharray").empty());
  // Distinct from the process limits in colour and dash pattern.
  const Element& limit = *FindAll(with.parsed.root, "path", "spc-limit")[0];
  EXPECT_NE(Attr(*target[0], "stroke"), Attr(limit, "stroke"));
  EXPECT_NE(Attr(*target[0], "stroke-dasharray"), Attr(limit, "stroke-dasharray"));
}

TEST(RenderSvg, TargetMayChangeFromPointToPoint) {
  Analysis analysis = Series({1, 2, 3, 4, 5, 6});
  const double targets[] = {60, 60, 60, 70, 70, kMissing};
  for (size_t i = 0; i < 6; ++i) analysis.points[i].target = targets[i];
  const Rendered r = Render(analysis);
  ASSERT_TRUE(r.parsed.ok) << r.parsed.error;
  const std::vector<const Element*> target = FindAll(r.parsed.root, "path", "spc-target");
  ASSERT_EQ(target.size(), 1u);
  EXPECT_EQ(CountChar(Attr(*target[0], "d"), 'V'), 1u) << Attr(*target[0], "d");
}

TEST(RenderSvg, ShowsIconsOnlyWhenTheSummaryHasThem) {
  Analysis analysis = Series({1, 2, 3});
  const Rendered none = Render(analysis);
  ASSERT_TRUE(none.parsed.ok) << none.parsed.error;
  EXPECT_TRUE(FindAll(none.parsed.root, "", "spc-icon-variation").empty());
  EXPECT_TRUE(FindAll(none.parsed.root, "", "spc-icon-assurance").empty());

  analysis.summary.variation = VariationIcon::kConcernLow;
  const Rendered variation = Render(analysis);
  ASSERT_TRUE(variation.parsed.ok) << variation.parsed.error;
  EXPECT_EQ(FindAll(variation.parsed.root, "", "spc-icon-variation").size(), 1u);
  EXPECT_TRUE(FindAll(variation.parsed.root, "", "spc-icon-assurance").empty());

  analysis.summary.assurance = AssuranceIcon::kFail;
  SvgOptions options;
  options.width = 600;
  const Rendered both = Render(analysis, options);
  ASSERT_TRUE(both.parsed.ok) << both.parsed.error;
  const std::vector<const Element*> v = FindAll(both.parsed.root, "g", "spc-icon-variation");
  const std::vector<const Element*> a = FindAll(both.parsed.root, "g", "spc-icon-assurance");
  ASSERT_EQ(v.size(), 1u);
  ASSERT_EQ(a.size(), 1u);
  ASSERT_NE(v[0]->Child("title"), nullptr);
  EXPECT_NE(v[0]->Child("title")->text.find("concerning"), std::string::npos);
  ASSERT_NE(a[0]->Child("title"), nullptr);
  EXPECT_NE(a[0]->Child("title")->text.find("miss"), std::string::npos);
  // Top right, variation first; both inside the picture.
  const auto translate_x = [](const Element& g) {
    const std::string t = Attr(g, "transform");
    return std::strtod(t.c_str() + t.find('(') + 1, nullptr);
  };
  EXPECT_GT(translate_x(*v[0]), 300);
  EXPECT_LT(translate_x(*v[0]), translate_x(*a[0]));
  EXPECT_LE(translate_x(*a[0]) + 40, 600);
}

TEST(RenderSvg, AnnotationsAreNumberedMarkersWithTheNoteInATitle) {
  SvgOptions options;
  options.point_labels = {"2021-01", "2021-02", "2021-03", "2021-04"};
  options.annotations = {{2, "New triage process"}, {0, "Ward opened"}, {99, "out of range"}};
  const Rendered r = Render(Series({1, 2, 3, 4}), options);
  ASSERT_TRUE(r.parsed.ok) << r.parsed.error;
  const std::vector<const Element*> markers = FindAll(r.parsed.root, "g", "spc-annotation");
  ASSERT_EQ(markers.size(), 2u);
  std::vector<std::string> titles;
  std::vector<std::string> numbers;
  for (const Element* marker : markers) {
    titles.push_back(marker->Child("title")->text);
    numbers.push_back(FindAll(*marker, "text").at(0)->text);
  }
  std::sort(titles.begin(), titles.end());
  std::sort(numbers.begin(), numbers.end());
  EXPECT_EQ(numbers, (std::vector<std::string>{"1", "2"}));
  // Numbered in the order given, placed at their points.
  EXPECT_EQ(titles[0], "Note 1 (2021-03): New triage process");
  EXPECT_EQ(titles[1], "Note 2 (2021-01): Ward opened");
  EXPECT_EQ(r.svg.find("out of range"), std::string::npos);
}

TEST(RenderSvg, UsesPointNumbersWhenLabelsAreMissingOrOfTheWrongLength) {
  SvgOptions options;
  options.point_labels = {"only one"};
  const Rendered r = Render(Series({5, 6, 7}), options);
  ASSERT_TRUE(r.parsed.ok) << r.parsed.error;
  const std::vector<const Element*> points = Points(r.parsed.root);
  ASSERT_EQ(points.size(), 3u);
  EXPECT_EQ(points[0]->Child("title")->text.rfind("1: 5", 0), 0u);
  EXPECT_EQ(points[2]->Child("title")->text.rfind("3: 7", 0), 0u);
  EXPECT_EQ(r.svg.find("only one"), std::string::npos);
}

TEST(RenderSvg, IdPrefixKeepsIdsDistinctAndValid) {
  SvgOptions first;
  first.id_prefix = "chart-1";
  SvgOptions second;
  second.id_prefix = "9 bad<id>&";
  const Rendered a = Render(Series({1, 2}), first);
  const Rendered b = Render(Series({1, 2}), second);
  ASSERT_TRUE(a.parsed.ok) << a.parsed.error;
  ASSERT_TRUE(b.parsed.ok) << b.parsed.error;
  static const std::regex kXmlId(R"([A-Za-z_][A-Za-z0-9._-]*)");
  std::vector<std::string> ids;
  for (const Rendered* r : {&a, &b}) {
    for (const Element* e : FindAll(r->parsed.root, "")) {
      if (e->Attribute("id") != nullptr) ids.push_back(*e->Attribute("id"));
    }
  }
  ASSERT_EQ(ids.size(), 4u);
  for (const std::string& id : ids) EXPECT_TRUE(std::regex_match(id, kXmlId)) << id;
  std::sort(ids.begin(), ids.end());
  EXPECT_EQ(std::unique(ids.begin(), ids.end()), ids.end());
  EXPECT_EQ(a.parsed.root.Child("title")->Attribute("id")->rfind("chart-1", 0), 0u);
}

TEST(RenderSvg, LongTitleIsShortenedOnTheChartButKeptWholeForScreenReaders) {
  const std::string title(300, 'x');
  SvgOptions options;
  options.title = title;
  Analysis analysis = Series({1, 2, 3});
  analysis.summary.variation = VariationIcon::kCommonCause;
  const Rendered r = Render(analysis, options);
  ASSERT_TRUE(r.parsed.ok) << r.parsed.error;
  EXPECT_EQ(r.parsed.root.Child("title")->text, title);
  const std::vector<const Element*> shown = FindAll(r.parsed.root, "text", "spc-title");
  ASSERT_EQ(shown.size(), 1u);
  EXPECT_LT(shown[0]->text.size(), title.size());
}

// --- Axes ---------------------------------------------------------------------------------------

std::vector<double> TickValues(const Element& root) {
  std::vector<double> ticks;
  for (const Element* g : FindAll(root, "g", "spc-y-ticks")) {
    for (const Element& text : g->children)
      ticks.push_back(std::strtod(text.text.c_str(), nullptr));
  }
  return ticks;
}

// True if step is 1, 2 or 5 times a power of ten.
bool IsNiceStep(double step) {
  const double exponent = std::floor(std::log10(step));
  const double mantissa = step / std::pow(10.0, exponent);
  for (const double nice : {1.0, 2.0, 5.0, 10.0}) {
    if (std::fabs(mantissa - nice) < 1e-6) return true;
  }
  return false;
}

TEST(RenderSvg, YTicksAreNiceStepsCoveringEveryValueAndLimit) {
  struct Case {
    std::vector<double> values;
    double centre;
    double half_width;
  };
  const Case cases[] = {
      {{3, 17, 42, 97}, 50, 30},
      {{0.0012, 0.0031, 0.0049}, 0.003, 0.002},
      {{-120, -80, -95}, -100, 25},
      {{1234567, 1250000, 1301000}, 1260000, 60000},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.values.front());
    const Rendered r = Render(Series(c.values, c.centre, c.half_width));
    ASSERT_TRUE(r.parsed.ok) << r.parsed.error;
    const std::vector<double> ticks = TickValues(r.parsed.root);
    ASSERT_GE(ticks.size(), 3u);
    ASSERT_LE(ticks.size(), 12u);
    const double step = ticks[1] - ticks[0];
    EXPECT_TRUE(IsNiceStep(step)) << step;
    for (size_t k = 1; k < ticks.size(); ++k) {
      EXPECT_NEAR(ticks[k] - ticks[k - 1], step, step * 1e-6);
    }
    double lo = c.centre - c.half_width;
    double hi = c.centre + c.half_width;
    for (const double v : c.values) {
      lo = std::min(lo, v);
      hi = std::max(hi, v);
    }
    EXPECT_LE(ticks.front(), lo);
    EXPECT_GE(ticks.back(), hi);
  }
}

TEST(RenderSvg, XLabelsAreThinnedSoTheyNeverOverlap) {
  std::vector<double> values;
  SvgOptions options;
  for (int i = 0; i < 1000; ++i) {
    values.push_back(50 + (i % 7));
    options.point_labels.push_back("2021-01-01T00:" + std::to_string(1000 + i));
  }
  const Rendered r = Render(Series(values), options);
  ASSERT_TRUE(r.parsed.ok) << r.parsed.error;
  const std::vector<const Element*> groups = FindAll(r.parsed.root, "g", "spc-x-labels");
  ASSERT_EQ(groups.size(), 1u);
  const std::vector<Element>& labels = groups[0]->children;
  ASSERT_GE(labels.size(), 2u);
  EXPECT_LE(labels.size(), 12u);
  // Each label is 19 characters; at 11 px even a narrow face needs > 5 px per character.
  for (size_t k = 1; k < labels.size(); ++k) {
    EXPECT_GT(NumberAttr(labels[k], "x") - NumberAttr(labels[k - 1], "x"), 19 * 5.5);
  }
  for (const Element& label : labels) {
    EXPECT_GE(NumberAttr(label, "x") - 19 * 3, 0);
    EXPECT_LE(NumberAttr(label, "x") + 19 * 3, 800);
  }

  // A short series keeps every label.
  SvgOptions few;
  few.point_labels = {"Jan", "Feb", "Mar", "Apr", "May"};
  const Rendered short_series = Render(Series({1, 2, 3, 4, 5}), few);
  ASSERT_TRUE(short_series.parsed.ok) << short_series.parsed.error;
  EXPECT_EQ(FindAll(short_series.parsed.root, "g", "spc-x-labels")[0]->children.size(), 5u);
}

// --- Robustness ---------------------------------------------------------------------------------

struct RobustCase {
  std::string name;
  Analysis analysis;
  SvgOptions options;
};

std::vector<RobustCase> RobustCases() {
  std::vector<RobustCase> cases;
  const auto add = [&](std::string name, Analysis analysis, SvgOptions options = {}) {
    cases.push_back({std::move(name), std::move(analysis), std::move(options)});
  };
  add("Empty", Analysis{});
  {
    Analysis a;
    a.summary.variation = VariationIcon::kCommonCause;
    a.summary.reading = "No data.";
    SvgOptions o;
    o.annotations = {{0, "note on nothing"}};
    add("EmptyWithIconAndAnnotation", a, o);
  }
  add("AllMissing", Series({kNaN, kNaN, kNaN}, kNaN, kNaN));
  add("SinglePoint", Series({42}, kNaN, kNaN));
  add("SinglePointWithLimits", Series({42}, 42, 0));
  add("ConstantSeriesZeroWidthLimits", Series({7, 7, 7, 7, 7}, 7, 0));
  add("ConstantZeros", Series({0, 0, 0, 0}, 0, 0));
  add("ConstantNoLimits", Series({7, 7, 7}, kNaN, kNaN));
  add("Huge", Series({1e300, -1e300, 5e299}, 0, 1e300));
  add("Extremes",
      Series({std::numeric_limits<double>::max(), std::numeric_limits<double>::lowest(), 0}, 0,
             std::numeric_limits<double>::max()));
  add("Tiny", Series({1e-300, 2e-300, 3e-300}, 2e-300, 1e-300));
  add("Denormal", Series({std::numeric_limits<double>::denorm_min(), 0}, 0, 0));
  add("Negative", Series({-5, -10, -7.5, -20}, -10, 8));
  add("InfiniteValuesAreMissing", Series({kInf, 1, -kInf, 2}, kInf, kInf));
  add("LimitsWithoutValues", Series({kNaN, kNaN}, 5, 1));
  {
    Analysis a = Series({1, 2, 3, 4});
    for (Point& p : a.points) p.target = kInf;
    add("InfiniteTarget", a);
  }
  {
    SvgOptions o;
    o.width = 0;
    o.height = -50;
    add("ZeroSize", Series({1, 2, 3}), o);
  }
  {
    SvgOptions o;
    o.width = 1 << 30;
    o.height = 1 << 30;
    add("EnormousSize", Series({1, 2, 3}), o);
  }
  {
    Analysis a = Series({1, 2, 3, 4, 5, 6});
    SetPhases(a, {1, 2, 3, 4, 5});  // every point its own phase
    a.phases.push_back({.index = 2, .label = "a rather long phase label that cannot fit"});
    add("OnePointPhases", a);
  }
  {
    std::vector<double> values;
    for (int i = 0; i < 3000; ++i) values.push_back(i % 2 == 0 ? 1e12 : -1e-12);
    SvgOptions o;
    o.annotations = {{5, "a"}, {5, "b"}, {6, "c"}, {7, "d"}, {8, "e"}};
    add("ManyPointsAndCrowdedNotes", Series(values, 0, 1e12), o);
  }
  return cases;
}

class RenderSvgRobustness : public ::testing::TestWithParam<RobustCase> {};

TEST_P(RenderSvgRobustness, GivesWellFormedSvgWithoutNanOrInf) {
  const RobustCase& c = GetParam();
  const Rendered r = Render(c.analysis, c.options);
  ASSERT_TRUE(r.parsed.ok) << r.parsed.error << "\n" << r.svg.substr(0, 2000);
  EXPECT_EQ(r.parsed.root.name, "svg");
  const std::string lower = Lower(r.svg);
  EXPECT_EQ(lower.find("nan"), std::string::npos);
  EXPECT_EQ(lower.find("inf"), std::string::npos);
  ExpectTidyNumbers(r.parsed.root);
  size_t with_value = 0;
  for (const Point& p : c.analysis.points) with_value += std::isfinite(p.value) ? 1 : 0;
  EXPECT_EQ(Points(r.parsed.root).size(), with_value);
}

INSTANTIATE_TEST_SUITE_P(Cases, RenderSvgRobustness, ::testing::ValuesIn(RobustCases()),
                         [](const ::testing::TestParamInfo<RobustCase>& case_info) {
                           return case_info.param.name;
                         });

TEST(RenderSvg, RandomAnalysesAndTextAlwaysGiveWellFormedSvg) {
  std::mt19937 rng(20240601);
  const double specials[] = {kNaN,
                             kInf,
                             -kInf,
                             0.0,
                             -0.0,
                             1e300,
                             -1e300,
                             1e-300,
                             std::numeric_limits<double>::max(),
                             std::numeric_limits<double>::denorm_min()};
  const auto number = [&]() {
    if (rng() % 5 == 0) return specials[rng() % std::size(specials)];
    return std::uniform_real_distribution<double>(-1000, 1000)(rng);
  };
  const auto text = [&]() {
    std::string t;
    const size_t length = rng() % 12;
    for (size_t k = 0; k < length; ++k) t += static_cast<char>(rng() % 256);
    return t;
  };
  for (int round = 0; round < 200; ++round) {
    Analysis analysis;
    const size_t n = rng() % 40;
    int32_t phase = 0;
    for (size_t i = 0; i < n; ++i) {
      Point p =
          MakePoint(number(), number(), number(), number(), static_cast<PointType>(rng() % 6));
      if (rng() % 4 == 0) p.target = number();
      if (rng() % 8 == 0) ++phase;
      p.phase = phase;
      p.rule = static_cast<Rule>(rng() % 5);
      p.side = static_cast<Side>(rng() % 3);
      p.excluded = rng() % 10 == 0;
      analysis.points.push_back(p);
    }
    analysis.phases.push_back({.index = 0, .label = text()});
    analysis.summary.variation = static_cast<VariationIcon>(rng() % 8);
    analysis.summary.assurance = static_cast<AssuranceIcon>(rng() % 4);
    analysis.summary.reading = text();
    SvgOptions options;
    options.title = text();
    options.y_label = text();
    options.id_prefix = text();
    if (rng() % 2 == 0) {
      for (size_t i = 0; i < n; ++i) options.point_labels.push_back(text());
    }
    for (int k = 0; k < 3; ++k) options.annotations.emplace_back(rng() % 50, text());
    options.width = static_cast<int>(rng() % 3000) - 500;
    options.height = static_cast<int>(rng() % 3000) - 500;

    const Rendered r = Render(analysis, options);
    ASSERT_TRUE(r.parsed.ok) << "round " << round << ": " << r.parsed.error;
    ASSERT_TRUE(testing::IsValidUtf8(r.svg)) << "round " << round;
    // Random text can spell "nan" or "inf" itself; look only outside text content.
    for (const Element* e : FindAll(r.parsed.root, "")) {
      for (const auto& [name, value] : e->attributes) {
        if (name == "aria-labelledby" || name == "id" || name == "aria-label") continue;
        EXPECT_EQ(Lower(value).find("nan"), std::string::npos) << name << "=" << value;
        EXPECT_EQ(Lower(value).find("inf"), std::string::npos) << name << "=" << value;
      }
    }
    ExpectTidyNumbers(r.parsed.root);
  }
}

TEST(RenderSvg, SaysSoWhenThereIsNothingToPlot) {
  const Rendered r = Render(Series({kNaN, kNaN}));
  ASSERT_TRUE(r.parsed.ok) << r.parsed.error;
  EXPECT_EQ(FindAll(r.parsed.root, "text", "spc-empty").size(), 1u);
  const Rendered some = Render(Series({1, kNaN}));
  ASSERT_TRUE(some.parsed.ok) << some.parsed.error;
  EXPECT_TRUE(FindAll(some.parsed.root, "text", "spc-empty").empty());
}

TEST(RenderSvg, EveryMarkStaysInsideThePicture) {
  Analysis analysis = Series({-1e6, 3, 1e6, kNaN, 12}, 0, 2e6);
  analysis.points[0].target = 5e5;
  analysis.summary.variation = VariationIcon::kImprovementHigh;
  analysis.summary.assurance = AssuranceIcon::kPass;
  SvgOptions options;
  options.width = 500;
  options.height = 300;
  const Rendered r = Render(analysis, options);
  ASSERT_TRUE(r.parsed.ok) << r.parsed.error;
  for (const Element* circle : Points(r.parsed.root)) {
    EXPECT_GE(NumberAttr(*circle, "cx"), 0);
    EXPECT_LE(NumberAttr(*circle, "cx"), 500);
    EXPECT_GE(NumberAttr(*circle, "cy"), 0);
    EXPECT_LE(NumberAttr(*circle, "cy"), 300);
  }
  for (const Element* path : FindAll(r.parsed.root, "path")) {
    for (const double x : PathXs(Attr(*path, "d"))) {
      EXPECT_GE(x, 0);
      EXPECT_LE(x, 500);
    }
  }
}

}  // namespace
}  // namespace everyseat::render
