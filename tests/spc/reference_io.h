// Test helper: reads a reference case (input.csv + expected.json, produced by running the
// peers; see tests/reference/README.md) into engine rows and options, mapping the peer's call
// to options exactly as spc.md section 8 says. The inputs are simple (ISO dates, plain
// numbers, no quoting), so a few lines of parsing suffice here; the real CSV reader is tested
// in tests/codec.
#pragma once

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "everyseat/spc/types.h"

namespace everyseat::spc::testing {

// Days since 1970-01-01 of an ISO date (Howard Hinnant's days_from_civil, public domain
// algorithm), in seconds.
inline int64_t IsoDateSeconds(const std::string& d) {
  int y = std::stoi(d.substr(0, 4));
  const unsigned m = static_cast<unsigned>(std::stoi(d.substr(5, 2)));
  const unsigned day = static_cast<unsigned>(std::stoi(d.substr(8, 2)));
  y -= m <= 2;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + day - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return (static_cast<int64_t>(era) * 146097 + static_cast<int64_t>(doe) - 719468) * 86400;
}

struct ReferenceCase {
  std::string name;
  nlohmann::json expected;
  std::vector<std::string> dates;   // per row
  std::vector<std::string> labels;  // per row (phase)
  std::vector<Row> rows;
  Options options;
};

inline std::vector<std::string> SplitComma(const std::string& line) {
  std::vector<std::string> out;
  std::string cell;
  std::istringstream in(line);
  while (std::getline(in, cell, ',')) out.push_back(cell);
  if (!line.empty() && line.back() == ',') out.emplace_back();
  return out;
}

inline double Num(const std::string& s) { return s.empty() ? kMissing : std::stod(s); }

inline ReferenceCase LoadReference(const std::string& dir, const std::string& name) {
  ReferenceCase c;
  c.name = name;
  std::ifstream(dir + "/" + name + "/expected.json") >> c.expected;
  std::ifstream csv(dir + "/" + name + "/input.csv");
  std::string line;
  std::getline(csv, line);
  const std::vector<std::string> header = SplitComma(line);
  auto col = [&](const std::string& n) -> int {
    for (size_t i = 0; i < header.size(); ++i) {
      if (header[i] == n) return static_cast<int>(i);
    }
    return -1;
  };
  const int date = col("date"), value = col("value"), den = col("denominator"),
            phase = col("phase");
  int64_t line_no = 1;
  while (std::getline(csv, line)) {
    ++line_no;
    if (line.empty()) continue;
    std::vector<std::string> f = SplitComma(line);
    f.resize(header.size());
    c.dates.push_back(f[static_cast<size_t>(date)]);
    c.labels.push_back(phase >= 0 ? f[static_cast<size_t>(phase)] : std::string());
    Row r;
    r.time = IsoDateSeconds(f[static_cast<size_t>(date)]);
    r.value = Num(f[static_cast<size_t>(value)]);
    if (den >= 0) r.denominator = Num(f[static_cast<size_t>(den)]);
    r.line = line_no;
    c.rows.push_back(r);
  }
  for (size_t i = 0; i < c.rows.size(); ++i) c.rows[i].phase = c.labels[i];

  const nlohmann::json& o = c.expected["options"];
  const std::string peer = c.expected["peer"];
  Options& opt = c.options;
  if (peer.rfind("NHSRplotthedots", 0) == 0) {
    opt.chart = Chart::kI;
    opt.rules = Rules::kMdc;
    opt.direction = *ParseDirection(o["improvement_direction"].get<std::string>());
    opt.screen_outliers = o["screen_outliers"].get<bool>();
    if (o.contains("target") && !o["target"].is_null()) opt.target = o["target"].get<double>();
    if (o.contains("rebase")) {
      for (const auto& d : o["rebase"]) opt.rebase.push_back(IsoDateSeconds(d.get<std::string>()));
    }
    if (o.contains("fix_after_n_points")) opt.baseline = o["fix_after_n_points"].get<int>();
  } else {
    opt.chart = *ParseChart(o["chart"].get<std::string>());
    opt.rules = Rules::kAnhoej;
    opt.direction = Direction::kNeutral;
    opt.screen_outliers = o["qic.screenedmr"].get<bool>();
    if (o.contains("freeze")) opt.baseline = o["freeze"].get<int>();
    if (o.contains("target") && !o["target"].is_null()) opt.target = o["target"].get<double>();
    if (o.contains("multiply")) opt.multiply = o["multiply"].get<double>();
    if (o.contains("exclude")) {
      // 1-based subgroup indices -> the date of that subgroup (distinct dates in order).
      std::vector<std::string> distinct;
      for (const std::string& d : c.dates) {
        if (distinct.empty() || distinct.back() != d) distinct.push_back(d);
      }
      for (const auto& i : o["exclude"]) {
        opt.exclude.push_back(IsoDateSeconds(distinct[i.get<size_t>() - 1]));
      }
    }
  }
  return c;
}

}  // namespace everyseat::spc::testing
