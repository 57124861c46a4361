// everyseat demo: SPC on real NHS data. From NHS England's monthly A&E statistics (the
// NHSRdatasets `ae_attendances` table: period, org_code, type, attendances, breaches,
// admissions), takes the six trusts with the most type 1 attendances and charts each one's
// 4-hour performance: the per cent of type 1 attendances seen within 4 hours,
// 100 * (attendances - breaches) / attendances, on the Making Data Count XmR chart (as NHS
// England's analysts chart it: with thousands of attendances a month a p chart's limits are so
// narrow that nearly every month is special cause), improvement upwards, against the NHS
// constitutional standard of 95%. Writes one SVG per trust
// and prints a table of the icons and the plain-English reading.
// Thread-safety: owns the process while it runs.
#include <algorithm>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "args.h"
#include "commands.h"
#include "everyseat/codec/csv.h"
#include "everyseat/codec/values.h"
#include "everyseat/render/svg.h"
#include "everyseat/spc/analyse.h"
#include "files.h"

namespace everyseat::cli {
namespace {

constexpr std::string_view kUsage =
    "usage: everyseat demo [--data FILE] [--output DIR]\n"
    "\n"
    "SPC charts of real NHS A&E data: the monthly per cent of type 1 attendances seen within\n"
    "4 hours for the six largest type 1 trusts (XmR chart, Making Data Count rules, target 95%).\n"
    "Writes one SVG per trust into DIR and prints each trust's icons and reading.\n"
    "Defaults: --data data/ae_attendances.csv, --output demo-output.\n";

constexpr size_t kTrusts = 6;
constexpr double kStandard = 95;  // per cent seen within 4 hours: the NHS constitutional standard

void Fail(std::string_view line) {
  std::fprintf(stderr, "%.*s\n", static_cast<int>(line.size()), line.data());
}

struct Trust {
  std::string_view code;
  double attendances = 0;  // type 1, all months: decides the largest
  std::vector<spc::Row> rows;
  std::vector<std::string_view> dates;  // per row, as written
};

struct Charted {
  std::string_view code;
  std::string_view variation;
  std::string_view assurance;
  std::string reading;
  std::string svg;
};

std::string Padded(std::string_view text, size_t width) {
  std::string padded(text);
  padded.resize(std::max(width, text.size()), ' ');
  return padded;
}

}  // namespace

int RunDemo(std::span<const std::string_view> args) {
  if (std::find(args.begin(), args.end(), "--help") != args.end()) {
    std::fwrite(kUsage.data(), 1, kUsage.size(), stdout);
    return 0;
  }
  const std::string prefix = "everyseat demo: ";
  auto flags = ScanFlags(args, FlagSet{{"data", "output"}, {"help"}});
  if (!flags) {
    Fail(prefix + flags.error());
    return 2;
  }
  std::string data = "data/ae_attendances.csv";
  std::string output = "demo-output";
  for (const Flag& flag : *flags) {
    if (flag.value.empty()) {
      Fail(prefix + "--" + std::string(flag.name) + " needs a value");
      return 2;
    }
    (flag.name == "data" ? data : output) = flag.value;
  }
  if (Exists(output) && !IsDirectory(output)) {
    Fail(prefix + "--output '" + output + "' must be a directory");
    return 2;
  }

  auto text = ReadWhole(data);
  if (!text) {
    Fail(prefix + text.error());
    return 2;
  }
  auto table = codec::ParseCsv(std::move(*text));
  if (!table) {
    Fail(data + ":" + std::to_string(table.error().line) + ": " + table.error().reason);
    return 2;
  }
  size_t column[5] = {};
  constexpr std::string_view kColumns[5] = {"period", "org_code", "type", "attendances",
                                            "breaches"};
  for (size_t c = 0; c < 5; ++c) {
    std::optional<size_t> found = table->Find(kColumns[c]);
    if (!found) {
      Fail(data + ":1: missing column '" + std::string(kColumns[c]) + "'");
      return 2;
    }
    column[c] = *found;
  }

  // Type 1 rows, by trust in order of first appearance.
  std::vector<Trust> trusts;
  std::unordered_map<std::string_view, size_t> index;
  for (size_t r = 0; r < table->rows(); ++r) {
    if (table->cell(r, column[2]) != "1") continue;
    const int64_t line = table->line(r);
    const auto bad = [&](std::string_view what, std::string_view cell, std::string_view problem) {
      Fail(data + ":" + std::to_string(line) + ": " + std::string(what) + " '" + std::string(cell) +
           "' " + std::string(problem));
      return 2;
    };
    const std::string_view period = table->cell(r, column[0]);
    std::optional<int64_t> time = codec::ParseDateTime(period);
    if (!time) return bad("period", period, "is not an ISO 8601 date");
    double counts[2] = {spc::kMissing, spc::kMissing};
    for (size_t k = 0; k < 2; ++k) {
      const std::string_view cell = table->cell(r, column[3 + k]);
      if (codec::IsMissing(cell)) continue;
      std::optional<double> number = codec::ParseNumber(cell);
      if (!number) return bad(kColumns[3 + k], cell, "is not a number");
      counts[k] = *number;
    }
    auto [it, inserted] = index.try_emplace(table->cell(r, column[1]), trusts.size());
    if (inserted) trusts.push_back(Trust{it->first, 0, {}, {}});
    Trust& trust = trusts[it->second];
    spc::Row row;
    row.time = *time;
    // Per cent seen within 4 hours (NaN when either count is missing or there were none).
    row.value = counts[0] > 0 ? 100 * (counts[0] - counts[1]) / counts[0] : spc::kMissing;
    row.line = line;
    trust.rows.push_back(row);
    trust.dates.push_back(period);
    if (counts[0] == counts[0]) trust.attendances += counts[0];
  }
  std::sort(trusts.begin(), trusts.end(), [](const Trust& a, const Trust& b) {
    return a.attendances != b.attendances ? a.attendances > b.attendances : a.code < b.code;
  });
  trusts.resize(std::min(trusts.size(), kTrusts));

  spc::Options options;
  options.chart = spc::Chart::kI;
  options.rules = spc::Rules::kMdc;
  options.direction = spc::Direction::kIncrease;
  options.target = kStandard;

  std::vector<Charted> charted;
  for (const Trust& trust : trusts) {
    auto analysis = spc::Analyse(trust.rows, options);
    if (!analysis) {
      const spc::Error& error = analysis.error();
      Fail(error.line > 0 ? data + ":" + std::to_string(error.line) + ": " + error.message
                          : prefix + error.message);
      return 2;
    }
    render::SvgOptions svg;
    svg.title = std::string(trust.code) + ": type 1 A&E, % seen within 4 hours";
    svg.y_label = "% seen within 4 hours";
    for (const spc::Point& point : analysis->points) {
      svg.point_labels.emplace_back(trust.dates[point.row]);
    }
    charted.push_back(Charted{trust.code, spc::Name(analysis->summary.variation),
                              spc::Name(analysis->summary.assurance), analysis->summary.reading,
                              render::RenderSvg(*analysis, svg)});
  }

  if (auto made = MakeDirectory(output); !made) {
    Fail(prefix + made.error());
    return 2;
  }
  for (const Charted& chart : charted) {
    const std::string path = output + "/" + SafeFileName(chart.code) + ".svg";
    if (auto written = WriteWhole(path, chart.svg); !written) {
      Fail(prefix + written.error());
      return 2;
    }
  }

  size_t widths[3] = {5, 9, 9};  // "trust", "variation", "assurance"
  for (const Charted& chart : charted) {
    widths[0] = std::max(widths[0], chart.code.size());
    widths[1] = std::max(widths[1], chart.variation.size());
    widths[2] = std::max(widths[2], chart.assurance.size());
  }
  std::string table_text = "A&E type 1, % seen within 4 hours (XmR chart, target 95%), largest " +
                           std::to_string(charted.size()) + " trusts:\n\n";
  table_text += Padded("trust", widths[0]) + "  " + Padded("variation", widths[1]) + "  " +
                Padded("assurance", widths[2]) + "  reading\n";
  for (const Charted& chart : charted) {
    table_text += Padded(chart.code, widths[0]) + "  " + Padded(chart.variation, widths[1]) + "  " +
                  Padded(chart.assurance, widths[2]) + "  " + chart.reading + "\n";
  }
  table_text += "\nCharts written to " + output + "/ (one SVG per trust).\n";
  std::fwrite(table_text.data(), 1, table_text.size(), stdout);
  return 0;
}

}  // namespace everyseat::cli
