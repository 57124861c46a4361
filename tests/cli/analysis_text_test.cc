// The text forms of an analysis (codec/analysis_json.h, analysis_csv.h) on hand-built analyses:
// key order, nulls, windows, warnings and escaping exactly as spc.md section 5 writes them.
#include <bit>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "everyseat/codec/analysis_csv.h"
#include "everyseat/codec/analysis_json.h"

namespace everyseat::codec {
namespace {

using nlohmann::json;

std::string Json(std::string_view text) {
  std::string out;
  AppendJsonString(text, out);
  return out;
}

TEST(JsonString, EscapesQuotesBackslashesAndControlCharacters) {
  EXPECT_EQ(Json("plain"), "\"plain\"");
  EXPECT_EQ(Json("a\"b\\c"), "\"a\\\"b\\\\c\"");
  EXPECT_EQ(Json("line\nnext\ttab\r"), "\"line\\nnext\\ttab\\r\"");
  EXPECT_EQ(Json(std::string_view("\x01\x1f", 2)), "\"\\u0001\\u001f\"");
}

TEST(JsonString, KeepsUtf8AndReplacesInvalidBytes) {
  EXPECT_EQ(Json("A&E \xE2\x80\x94 caf\xC3\xA9"), "\"A&E \xE2\x80\x94 caf\xC3\xA9\"");
  EXPECT_EQ(Json("bad \xFF byte"), "\"bad \\ufffd byte\"");
  EXPECT_EQ(Json("cut \xE2\x80"), "\"cut \\ufffd\\ufffd\"");
  json parsed;
  EXPECT_NO_THROW(parsed = json::parse(Json("bad \xC0\xAF overlong")));
  EXPECT_EQ(parsed, "bad \uFFFD\uFFFD overlong");
}

std::string Number(double value) {
  std::string out;
  NumberText text;
  text.Append(value, "null", out);
  return out;
}

TEST(NumberText, ShortestFormThatReadsBack) {
  EXPECT_EQ(Number(100.0), "100");
  EXPECT_EQ(Number(0.1), "0.1");
  EXPECT_EQ(Number(0.1 + 0.2), "0.30000000000000004");
  EXPECT_EQ(Number(-2.5), "-2.5");
  EXPECT_EQ(Number(1e21), "1e+21");
  EXPECT_EQ(Number(std::nan("")), "null");
  EXPECT_EQ(Number(INFINITY), "null");
}

TEST(NumberText, AgreesWithToCharsOnMillionsOfValues) {
  // The writer's fast path for short decimals must give exactly std::to_chars's text (the
  // contract's "shortest form that reads back as the same double"). Values of every kind the
  // product meets: decimals with 0-6 places, counts, proportions, results of arithmetic (the
  // limits), tiny and huge numbers, and random bit patterns.
  std::mt19937_64 random(20240501);
  std::uniform_int_distribution<int> places(0, 6);
  std::uniform_int_distribution<int64_t> digits(-99'999'999, 99'999'999);
  std::uniform_real_distribution<double> unit(0, 1);
  const double kPow10[] = {1, 10, 100, 1e3, 1e4, 1e5, 1e6};
  const auto check = [](double v) {
    char expected[64];
    const auto end = std::to_chars(expected, expected + sizeof expected, v).ptr;
    EXPECT_EQ(Number(v), std::string(expected, end)) << "bits " << std::bit_cast<uint64_t>(v);
    return !::testing::Test::HasFailure();
  };
  for (int i = 0; i < 2'000'000; ++i) {
    double v = 0;
    switch (i % 6) {
      case 0:  // a decimal as written in a CSV file
        v = static_cast<double>(digits(random)) / kPow10[places(random)];
        break;
      case 1:  // a count
        v = static_cast<double>(digits(random) * (i % 7 == 0 ? 1000 : 1));
        break;
      case 2:  // a proportion or a limit: arithmetic on decimals
        v = static_cast<double>(digits(random)) / 7.0 * 2.66 / 100.0;
        break;
      case 3:  // magnitudes from 1e-8 to 1e20
        v = unit(random) * std::pow(10.0, static_cast<double>(i % 29) - 8.0);
        break;
      case 4:  // per cent of a ratio
        v = 100.0 * static_cast<double>(digits(random) % 1000) / 997.0;
        break;
      default:  // any finite double
        do {
          v = std::bit_cast<double>(random());
        } while (!std::isfinite(v));
    }
    if (!check(v) || !check(-v)) return;
  }
  for (double v : {1e-3, 9.999999999999999e-4, 1e15, 999999999999999.9, 0x1p50, 0x1p50 - 1,
                   0x1p50 + 1, 123456.789, 5e-324, 1.7976931348623157e308, 0.1 + 0.2}) {
    if (!check(v)) return;
  }
}

TEST(NumberText, RepeatedValueIsCopiedAndAChangedOneIsFormattedAgain) {
  NumberText text;
  std::string out;
  for (double v : {7.25, 7.25, 8.0, 7.25}) {
    text.Append(v, "", out);
    out.push_back(' ');
  }
  EXPECT_EQ(out, "7.25 7.25 8 7.25 ");
}

TEST(CsvField, QuotedOnlyWhenItMustBe) {
  std::string out;
  AppendCsvField("plain", out);
  out.push_back('|');
  AppendCsvField("a, b", out);
  out.push_back('|');
  AppendCsvField("say \"hi\"", out);
  out.push_back('|');
  AppendCsvField("two\nlines", out);
  EXPECT_EQ(out, "plain|\"a, b\"|\"say \"\"hi\"\"\"|\"two\nlines\"");
}

// Two points of an i chart: the first a shift point with a window, the second missing.
spc::Analysis TwoPoints() {
  spc::Analysis analysis;
  analysis.chart = spc::Chart::kI;
  analysis.rules = spc::Rules::kMdc;
  analysis.direction = spc::Direction::kIncrease;
  spc::Point shift;
  shift.value = 92.63;
  shift.centre = 100;
  shift.lower = 81.4;
  shift.upper = 119;
  shift.lower_2sigma = 87.7;
  shift.upper_2sigma = 112.7;
  shift.row = 1;  // the second input row
  shift.rule = spc::Rule::kShift;
  shift.side = spc::Side::kLow;
  shift.window_first = 0;
  shift.window_last = 6;
  shift.type = spc::PointType::kConcern;
  shift.target = 95;
  spc::Point missing = shift;
  missing.value = spc::kMissing;
  missing.row = 0;
  missing.rule = spc::Rule::kNone;
  missing.side = spc::Side::kNone;
  missing.window_first = missing.window_last = -1;
  missing.type = spc::PointType::kNone;
  missing.excluded = true;
  analysis.points = {shift, missing};
  spc::Phase phase;
  phase.label = "before \"change\"";
  phase.n = 2;
  phase.centre = 100;
  phase.lower = 81.4;
  phase.upper = 119;
  phase.moving_range_mean = 7.07;
  phase.longest_run = 4;
  phase.longest_run_max = 8;
  phase.short_phase = true;
  phase.concern = 1;
  analysis.phases = {phase};
  analysis.summary.variation = spc::VariationIcon::kConcernLow;
  analysis.summary.assurance = spc::AssuranceIcon::kFail;
  analysis.summary.concern = 1;
  analysis.summary.reading = "Special cause of concern.";
  analysis.warnings = {spc::Warning{spc::WarningCode::kShortPhase, "trial limits", 0, 0},
                       spc::Warning{spc::WarningCode::kMissingValues, "1 missing", -1, 3}};
  return analysis;
}

const std::vector<std::string_view> kDates{"2021-02-01", "2021-01-01"};
const std::vector<std::string_view> kNotes{"", "new, \"ward\""};

TEST(AnalysisJson, WritesTheContractsKeysInOrderOnOneLine) {
  std::string out = "prefix|";
  AppendAnalysisJson(TwoPoints(), AnalysisTexts{kDates, kNotes, std::nullopt}, out);
  EXPECT_EQ(
      out,
      "prefix|"
      "{\"chart\":\"i\",\"rules\":\"mdc\",\"direction\":\"increase\",\"points\":["
      "{\"date\":\"2021-01-01\",\"value\":92.63,\"numerator\":null,\"denominator\":null,"
      "\"phase\":0,\"centre\":100,\"lower\":81.4,\"upper\":119,\"lower_2sigma\":87.7,"
      "\"upper_2sigma\":112.7,\"baseline\":true,\"excluded\":false,\"special_cause\":true,"
      "\"rule\":\"shift\",\"side\":\"low\",\"window\":[0,6],"
      "\"point_type\":\"special_cause_concern\",\"target\":95,\"note\":\"new, \\\"ward\\\"\"},"
      "{\"date\":\"2021-02-01\",\"value\":null,\"numerator\":null,\"denominator\":null,"
      "\"phase\":0,\"centre\":100,\"lower\":81.4,\"upper\":119,\"lower_2sigma\":87.7,"
      "\"upper_2sigma\":112.7,\"baseline\":true,\"excluded\":true,\"special_cause\":false,"
      "\"rule\":null,\"side\":null,\"window\":null,\"point_type\":null,\"target\":95,"
      "\"note\":null}],"
      "\"phases\":[{\"phase\":0,\"label\":\"before \\\"change\\\"\",\"start\":\"2021-01-01\","
      "\"n\":2,\"centre\":100,\"lower\":81.4,\"upper\":119,\"moving_range_mean\":7.07,"
      "\"longest_run\":4,\"longest_run_max\":8,\"crossings\":null,\"crossings_min\":null,"
      "\"runs_signal\":false,\"short\":true,\"special_cause_improvement\":0,"
      "\"special_cause_concern\":1,\"special_cause_neutral\":0}],"
      "\"summary\":{\"variation_icon\":\"concern_low\",\"assurance_icon\":\"fail\","
      "\"special_cause_improvement\":0,\"special_cause_concern\":1,"
      "\"special_cause_neutral\":0,\"reading\":\"Special cause of concern.\"},"
      "\"warnings\":[{\"code\":\"short_phase\",\"message\":\"trial limits\",\"phase\":0},"
      "{\"code\":\"missing_values\",\"message\":\"1 missing\",\"line\":3}]}\n");
}

TEST(AnalysisJson, SeriesComesFirst) {
  std::string out;
  AppendAnalysisJson(TwoPoints(), AnalysisTexts{kDates, {}, std::string_view("RRK")}, out);
  EXPECT_TRUE(out.starts_with("{\"series\":\"RRK\",\"chart\":\"i\",")) << out;
  const json parsed = json::parse(out);
  EXPECT_TRUE(parsed["points"][0]["note"].is_null());  // no notes at all
}

TEST(AnalysisCsv, HeaderAndRowsWithWindowAsFirstDashLast) {
  std::string out;
  AppendAnalysisCsvHeader(true, out);
  AppendAnalysisCsvRows(TwoPoints(), AnalysisTexts{kDates, kNotes, std::string_view("R,K")}, out);
  EXPECT_EQ(out,
            "series,date,value,numerator,denominator,phase,centre,lower,upper,lower_2sigma,"
            "upper_2sigma,baseline,excluded,special_cause,rule,side,window,point_type,target,"
            "note\n"
            "\"R,K\",2021-01-01,92.63,,,0,100,81.4,119,87.7,112.7,true,false,true,shift,low,0-6,"
            "special_cause_concern,95,\"new, \"\"ward\"\"\"\n"
            "\"R,K\",2021-02-01,,,,0,100,81.4,119,87.7,112.7,true,true,false,,,,,95,\n");
}

}  // namespace
}  // namespace everyseat::codec
