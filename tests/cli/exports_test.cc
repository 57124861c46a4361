// The command line on CSV as real exports write it (spc.md section 5, "Input") and its three
// output forms. Inputs that carry a reference case's series in another dress (CRLF, a UTF-8 BOM,
// quoted fields with commas, extra columns in any order, NA and empty cells, ISO date-times) are
// checked against the peer's own numbers for that case; the small facet files are checked
// against the method worked by hand (an I chart: centre = mean, limits = mean -/+ 2.66 MR-bar).
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "reference.h"
#include "run_binary.h"

namespace everyseat::testing {
namespace {

using nlohmann::json;

// The rows of a reference case's input.csv (without the header), each split at commas (the
// reference files have no quoting).
std::vector<std::vector<std::string>> ReferenceRows(const std::string& name) {
  std::vector<std::string> lines = Lines(ReadFile(CaseDir(name) + "/input.csv"));
  std::vector<std::vector<std::string>> rows;
  for (size_t i = 1; i < lines.size(); ++i) {
    std::vector<std::string> fields;
    std::string field;
    std::istringstream in(lines[i] + ",");
    while (std::getline(in, field, ',')) fields.push_back(field);
    rows.push_back(fields);
  }
  return rows;
}

json Expected(const std::string& name) {
  return json::parse(ReadFile(CaseDir(name) + "/expected.json"));
}

// Each point's value, centre and limits as the peer has them.
void ExpectPeerNumbers(const json& ours, const json& expected) {
  const json& points = ours.at("points");
  const json& peer = expected.at("points");
  ASSERT_EQ(points.size(), peer.size());
  for (size_t i = 0; i < points.size(); ++i) {
    SCOPED_TRACE("point " + std::to_string(i));
    for (const char* key : {"value", "centre", "lower", "upper"}) {
      EXPECT_TRUE(SameNumber(points[i].at(key), peer[i].at(key))) << key;
    }
  }
}

TEST(RealExports, CrlfBomQuotedCommasExtraColumnsAnyOrderAndMissingCells) {
  // ptd-xmr-missing-values (empty values at rows 5, 13 and 14), rewritten as a spreadsheet would
  // export it: a BOM, CRLF, columns reordered with extra ones, quoted fields holding commas and
  // doubled quotes, one missing value written NA, dates as ISO date-times.
  const auto rows = ReferenceRows("ptd-xmr-missing-values");
  std::string csv = "\xEF\xBB\xBFnote,value,extra,date\r\n";
  for (size_t i = 0; i < rows.size(); ++i) {
    std::string value = rows[i].size() > 1 ? rows[i][1] : "";
    if (i == 4) {
      ASSERT_EQ(value, "");
      value = "NA";
    }
    const std::string note = i == 0 ? "\"first, with a comma and \"\"quotes\"\"\"" : "";
    csv += note + "," + value + ",\"x, y\"," + rows[i][0] + "T00:00:00\r\n";
  }
  ScratchDir dir;
  const Ran ran =
      RunEverySeat({"spc", "--input", dir.Write("export.csv", csv), "--chart", "i", "--rules",
                    "mdc", "--direction", "increase", "--screen-outliers", "true"});
  ASSERT_EQ(ran.status, 0) << ran.err;
  const json ours = json::parse(ran.out);
  ExpectPeerNumbers(ours, Expected("ptd-xmr-missing-values"));
  const json& points = ours.at("points");
  ASSERT_EQ(points.size(), rows.size());
  EXPECT_EQ(points[0].at("date"), rows[0][0] + "T00:00:00");  // as written in the input
  EXPECT_EQ(points[0].at("note"), "first, with a comma and \"quotes\"");
  EXPECT_TRUE(points[1].at("note").is_null());
  for (size_t i : {4u, 12u, 13u}) {
    EXPECT_TRUE(points[i].at("value").is_null());
    EXPECT_TRUE(points[i].at("point_type").is_null());
    EXPECT_EQ(points[i].at("special_cause"), false);
  }
}

TEST(RealExports, DateTimesWithSpaceAndZoneAndNumbersWithSpaces) {
  // qic-i-random-30 with date-times "YYYY-MM-DD HH:MM:SSZ" and a space around each value.
  const auto rows = ReferenceRows("qic-i-random-30");
  std::string csv = "date,value\n";
  for (const auto& row : rows) csv += row[0] + " 00:00:00Z, " + row[1] + " \n";
  ScratchDir dir;
  const Ran ran =
      RunEverySeat({"spc", "--input", dir.Write("times.csv", csv), "--chart", "i", "--rules",
                    "anhoej", "--direction", "neutral", "--screen-outliers", "true"});
  ASSERT_EQ(ran.status, 0) << ran.err;
  const json ours = json::parse(ran.out);
  ExpectPeerNumbers(ours, Expected("qic-i-random-30"));
  EXPECT_EQ(ours.at("points")[0].at("date"), rows[0][0] + " 00:00:00Z");
}

TEST(RealExports, StandardInput) {
  const Ran ran = RunEverySeat({"spc", "--input", "-"}, "date,value\n2021-01-01,1\n");
  ASSERT_EQ(ran.status, 0) << ran.err;
  EXPECT_EQ(json::parse(ran.out).at("points").size(), 1u);
}

// A small A&E-like file: two trusts, two department types, six months. Type 1 attendances:
// RBB 30, 34, 30, 34, 30, 34 (mean 32, every moving range 4) and RAA 10, 12, ... (mean 11,
// every moving range 2). The type 2 rows would change every number if they were not filtered.
std::string AeLike() {
  std::string csv = "period,org_code,type,attendances,breaches\n";
  const char* months[] = {"2021-01-01", "2021-02-01", "2021-03-01",
                          "2021-04-01", "2021-05-01", "2021-06-01"};
  for (int m = 0; m < 6; ++m) {
    const std::string month = months[m];
    csv += month + ",RBB,1," + (m % 2 == 0 ? "30" : "34") + ",3\n";
    csv += month + ",RBB,2,500,1\n";
    csv += month + ",RAA,1," + (m % 2 == 0 ? "10" : "12") + ",1\n";
    csv += month + ",RAA,other,900,2\n";
  }
  return csv;
}

const std::vector<std::string> kFacets{"--date-column", "period",          "--value-column",
                                       "attendances",   "--series-column", "org_code",
                                       "--filter",      "type=1"};

// Centre and limits of the hand-worked I chart: mean -/+ 2.66 * MR-bar.
void ExpectIChart(const json& analysis, double mean, double mr_bar) {
  for (const json& point : analysis.at("points")) {
    EXPECT_TRUE(SameNumber(point.at("centre"), mean));
    EXPECT_TRUE(SameNumber(point.at("lower"), mean - 2.66 * mr_bar));
    EXPECT_TRUE(SameNumber(point.at("upper"), mean + 2.66 * mr_bar));
  }
}

TEST(Facets, OneJsonObjectPerSeriesPerLineWithSeriesFirst) {
  ScratchDir dir;
  std::vector<std::string> args{"spc", "--input", dir.Write("ae.csv", AeLike())};
  args.insert(args.end(), kFacets.begin(), kFacets.end());
  const Ran ran = RunEverySeat(args);
  ASSERT_EQ(ran.status, 0) << ran.err;
  const std::vector<std::string> lines = Lines(ran.out);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_TRUE(lines[0].starts_with("{\"series\":\"RBB\",\"chart\":\"i\"")) << lines[0];
  EXPECT_TRUE(lines[1].starts_with("{\"series\":\"RAA\",\"chart\":\"i\"")) << lines[1];
  const json rbb = json::parse(lines[0]);
  const json raa = json::parse(lines[1]);
  ASSERT_EQ(rbb.at("points").size(), 6u);
  ASSERT_EQ(raa.at("points").size(), 6u);
  ExpectIChart(rbb, 32, 4);
  ExpectIChart(raa, 11, 2);
  EXPECT_EQ(raa.at("points")[0].at("date"), "2021-01-01");
  // Whole numbers print without a decimal point.
  EXPECT_NE(lines[1].find("\"centre\":11,"), std::string::npos);
  // Six points: trial limits, with the warning repeated on standard error under the series.
  EXPECT_NE(ran.err.find("everyseat spc: warning: RBB: "), std::string::npos) << ran.err;
}

TEST(Facets, FilterKeepsOnlyMatchingRows) {
  ScratchDir dir;
  const Ran ran = RunEverySeat({"spc", "--input", dir.Write("ae.csv", AeLike()), "--date-column",
                                "period", "--value-column", "attendances", "--filter",
                                "org_code=RAA", "--filter", "type=1"});
  ASSERT_EQ(ran.status, 0) << ran.err;
  const json raa = json::parse(ran.out);
  EXPECT_FALSE(raa.contains("series"));
  ASSERT_EQ(raa.at("points").size(), 6u);
  ExpectIChart(raa, 11, 2);
}

TEST(Formats, CsvHasTheHeaderAndOneRowPerPoint) {
  ScratchDir dir;
  std::vector<std::string> args{"spc", "--input", dir.Write("ae.csv", AeLike()), "--format", "csv"};
  args.insert(args.end(), kFacets.begin(), kFacets.end());
  const Ran ran = RunEverySeat(args);
  ASSERT_EQ(ran.status, 0) << ran.err;
  const std::vector<std::string> lines = Lines(ran.out);
  ASSERT_EQ(lines.size(), 13u);  // the header and 2 x 6 points
  EXPECT_EQ(lines[0],
            "series,date,value,numerator,denominator,phase,centre,lower,upper,lower_2sigma,"
            "upper_2sigma,baseline,excluded,special_cause,rule,side,window,point_type,target,"
            "note");
  // RAA's first point: value 10, no numerator or denominator, phase 0, centre 11, then limits
  // (checked as numbers), baseline, not excluded, common cause, no rule, side or window, no
  // target, no note.
  std::vector<std::string> fields;
  std::istringstream in(lines[7] + ",");
  for (std::string field; std::getline(in, field, ',');) fields.push_back(field);
  ASSERT_EQ(fields.size(), 20u) << lines[7];
  const std::vector<std::string> text{"RAA", "2021-01-01", "10", "", "", "0", "11"};
  for (size_t i = 0; i < text.size(); ++i) EXPECT_EQ(fields[i], text[i]) << "field " << i;
  EXPECT_TRUE(SameNumber(json::parse(fields[7]), 11 - 2.66 * 2));
  EXPECT_TRUE(SameNumber(json::parse(fields[8]), 11 + 2.66 * 2));
  const std::vector<std::string> rest{"true", "false", "false", "", "", "", "common_cause", "", ""};
  for (size_t i = 0; i < rest.size(); ++i) EXPECT_EQ(fields[11 + i], rest[i]) << "field " << i;
}

TEST(Formats, CsvWithoutFacetsHasNoSeriesColumn) {
  ScratchDir dir;
  const Ran ran = RunEverySeat(
      {"spc", "--input", dir.Write("s.csv", "date,value\n2021-01-01,1.5\n"), "--format", "csv"});
  ASSERT_EQ(ran.status, 0) << ran.err;
  const std::vector<std::string> lines = Lines(ran.out);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_TRUE(lines[0].starts_with("date,value,numerator,"));
  EXPECT_TRUE(lines[1].starts_with("2021-01-01,1.5,,,0,1.5,")) << lines[1];
}

TEST(Formats, SvgToStandardOutputAndToAFile) {
  ScratchDir dir;
  const std::string input = dir.Write("s.csv", "date,value\n2021-01-01,1\n2021-02-01,2\n");
  const Ran ran = RunEverySeat({"spc", "--input", input, "--format", "svg"});
  ASSERT_EQ(ran.status, 0) << ran.err;
  EXPECT_TRUE(ran.out.starts_with("<svg")) << ran.out.substr(0, 80);
  EXPECT_NE(ran.out.find("</svg>"), std::string::npos);

  const Ran to_file =
      RunEverySeat({"spc", "--input", input, "--format", "svg", "--output", dir.Path("c.svg")});
  ASSERT_EQ(to_file.status, 0) << to_file.err;
  EXPECT_EQ(to_file.out, "");
  EXPECT_EQ(ReadFile(dir.Path("c.svg")), ran.out);
}

TEST(Formats, SvgTitleOptionNamesTheChartAndIsEscaped) {
  ScratchDir dir;
  const std::string input = dir.Write("s.csv", "date,value\n2021-01-01,1\n2021-02-01,2\n");
  const Ran ran =
      RunEverySeat({"spc", "--input", input, "--format", "svg", "--title", "A&E <type 1>"});
  ASSERT_EQ(ran.status, 0) << ran.err;
  EXPECT_NE(ran.out.find(">A&amp;E &lt;type 1&gt;</title>"), std::string::npos)
      << ran.out.substr(0, 400);
  const Ran default_title = RunEverySeat({"spc", "--input", input, "--format", "svg"});
  ASSERT_EQ(default_title.status, 0) << default_title.err;
  EXPECT_NE(default_title.out.find(">s</title>"), std::string::npos);
}

TEST(Formats, SvgWithFacetsWritesOneSafelyNamedFilePerSeries) {
  ScratchDir dir;
  const std::string input = dir.Write("s.csv",
                                      "date,ward,value\n2021-01-01,A/B,1\n2021-02-01,A/B,2\n"
                                      "2021-01-01,../x,3\n2021-02-01,../x,4\n");
  const Ran ran = RunEverySeat({"spc", "--input", input, "--series-column", "ward", "--format",
                                "svg", "--output", dir.Path("charts")});
  ASSERT_EQ(ran.status, 0) << ran.err;
  EXPECT_EQ(ran.out, "");
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(dir.Path("charts"))) {
    names.push_back(entry.path().filename().string());
    EXPECT_TRUE(ReadFile(entry.path().string()).starts_with("<svg"));
  }
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"A_B.svg", "_.._x.svg"}));
}

TEST(Formats, SvgWithFacetsNeedsAnOutputDirectory) {
  ScratchDir dir;
  const std::string input = dir.Write("s.csv", "date,ward,value\n2021-01-01,A,1\n");
  const Ran ran =
      RunEverySeat({"spc", "--input", input, "--series-column", "ward", "--format", "svg"});
  EXPECT_EQ(ran.status, 2);
  EXPECT_EQ(ran.out, "");
  EXPECT_EQ(ran.err, "everyseat spc: --format svg with --series-column needs --output DIR\n");
}

TEST(Formats, JsonToAFileLeavesStandardOutputEmpty) {
  ScratchDir dir;
  const std::string input = dir.Write("s.csv", "date,value\n2021-01-01,0.1\n2021-02-01,92.63\n");
  const Ran ran = RunEverySeat({"spc", "--input", input, "--output", dir.Path("out.json")});
  ASSERT_EQ(ran.status, 0) << ran.err;
  EXPECT_EQ(ran.out, "");
  const std::string text = ReadFile(dir.Path("out.json"));
  // The shortest text that reads back as the same double.
  EXPECT_NE(text.find("\"value\":0.1,"), std::string::npos) << text;
  EXPECT_NE(text.find("\"value\":92.63,"), std::string::npos) << text;
  EXPECT_TRUE(
      text.starts_with("{\"chart\":\"i\",\"rules\":\"mdc\",\"direction\":\"neutral\","
                       "\"points\":[{\"date\":\"2021-01-01\",\"value\":0.1,"));
}

TEST(Formats, LongOutputIsTheSameOnStandardOutputAndInAFile) {
  // 40 series of 60 points: several hundred kilobytes of JSON, more than the command holds in
  // memory before passing text on (to the file, or to its spool for standard output).
  std::string csv = "ward,date,value\n";
  for (int s = 0; s < 40; ++s) {
    for (int m = 0; m < 60; ++m) {
      char row[64];
      std::snprintf(row, sizeof row, "w%d,%d-%02d-01,%d\n", s, 2019 + m / 12, m % 12 + 1,
                    100 + (s * 7 + m * 13) % 17);
      csv += row;
    }
  }
  ScratchDir dir;
  const std::string input = dir.Write("long.csv", csv);
  const Ran to_stdout = RunEverySeat({"spc", "--input", input, "--series-column", "ward"});
  ASSERT_EQ(to_stdout.status, 0) << to_stdout.err;
  const Ran to_file = RunEverySeat(
      {"spc", "--input", input, "--series-column", "ward", "--output", dir.Path("long.json")});
  ASSERT_EQ(to_file.status, 0) << to_file.err;
  const std::string text = ReadFile(dir.Path("long.json"));
  EXPECT_GT(text.size(), 600'000u);
  EXPECT_EQ(to_stdout.out, text);
  EXPECT_EQ(Lines(text).size(), 40u);
}

TEST(Demo, ChartsTheLargestTrustsAndPrintsTheirIcons) {
  ScratchDir dir;
  const Ran ran =
      RunEverySeat({"demo", "--data", std::string(EVERYSEAT_DATA_DIR) + "/ae_attendances.csv",
                    "--output", dir.Path("demo")});
  ASSERT_EQ(ran.status, 0) << ran.err;
  size_t svgs = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir.Path("demo"))) {
    EXPECT_EQ(entry.path().extension(), ".svg");
    const std::string svg = ReadFile(entry.path().string());
    EXPECT_NE(svg.find(": type 1 A&amp;E, % seen within 4 hours"), std::string::npos);
    ++svgs;
  }
  EXPECT_EQ(svgs, 6u);
  EXPECT_NE(ran.out.find("trust"), std::string::npos);
  EXPECT_NE(ran.out.find("variation"), std::string::npos);
  EXPECT_NE(ran.out.find("assurance"), std::string::npos);
}

}  // namespace
}  // namespace everyseat::testing
