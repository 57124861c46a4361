// everyseat spc: the command-line contract of spc.md section 5. Reads a CSV file (or standard
// input), splits it into series, analyses each with the engine and writes JSON, CSV or SVG.
//
// Errors leave no output: exit status 2, nothing on standard output, one line on standard
// error (`FILE:LINE: reason` for a problem in the input, `everyseat spc: reason` for a bad
// option), and --output untouched. So standard output gets the text only once every series is
// analysed, SVG files are written only once every chart is drawn, and an --output file is
// written to a temporary file beside it (in blocks, as series are analysed, so a long output
// never sits whole in memory) that is renamed into place at the end. Warnings are repeated on
// standard error and never change the exit status.
// Thread-safety: owns the process while it runs.
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

#include "args.h"
#include "commands.h"
#include "everyseat/codec/analysis_csv.h"
#include "everyseat/codec/analysis_json.h"
#include "everyseat/codec/csv.h"
#include "everyseat/codec/series_input.h"
#include "everyseat/codec/values.h"
#include "everyseat/render/svg.h"
#include "everyseat/spc/analyse.h"
#include "files.h"
#include "process.h"

namespace everyseat::cli {
namespace {

constexpr std::string_view kUsage =
    "usage: everyseat spc --input FILE|- [--chart run|i|mr|p|pp|u|up|ip|c|g|t|xbar|s]\n"
    "                     [--rules mdc|anhoej] [--direction increase|decrease|neutral]\n"
    "                     [--target X] [--baseline N] [--rebase DATE]... [--exclude DATE]...\n"
    "                     [--multiply X] [--aggregate mean|median|sum]\n"
    "                     [--screen-outliers true|false] [--trend-length N] [--shift-length N]\n"
    "                     [--two-in-three-beyond-limits true|false] [--limit-constant X]\n"
    "                     [--series-column NAME] [--filter COLUMN=VALUE]...\n"
    "                     [--date-column NAME] [--value-column NAME] [--denominator-column NAME]\n"
    "                     [--phase-column NAME] [--target-column NAME] [--exclude-column NAME]\n"
    "                     [--format json|csv|svg] [--output FILE|DIR] [--title TEXT]\n"
    "\n"
    "Statistical process control of a series in a CSV file (a header row; columns date, value,\n"
    "and where used denominator, phase, target, exclude, note; '-' reads standard input).\n"
    "Defaults: --chart i, --rules mdc, --direction neutral, --format json, output to standard\n"
    "output. With --series-column, each value of that column is its own series: JSON gives one\n"
    "object per line, CSV a leading series column, and SVG one <series>.svg per series in the\n"
    "directory given by --output. --title sets an SVG chart's title (default: the input file's\n"
    "name, or the series).\n"
    "Exit status: 0 success (warnings go to standard error), 2 error.\n";

constexpr std::string_view kPrefix = "everyseat spc: ";

enum class Format { kJson, kCsv, kSvg };

// A --rebase or --exclude date: its text as given and its time.
struct DateOption {
  std::string_view text;
  int64_t time = 0;
};

struct SpcArgs {
  std::string input;
  std::string output;  // empty: standard output
  std::string title;   // SVG title; empty: the file's name, or the series with facets
  Format format = Format::kJson;
  spc::Options options;
  std::vector<DateOption> rebase;
  std::vector<DateOption> exclude;
  codec::SeriesRequest request;
};

// A failure: the line to print on standard error (without the newline).
struct Failure {
  std::string line;
};

tl::unexpected<Failure> OptionError(std::string_view reason) {
  std::string line(kPrefix);
  line.append(reason);
  return tl::unexpected(Failure{std::move(line)});
}

tl::unexpected<Failure> InputError(std::string_view file, int64_t line_number,
                                   std::string_view reason) {
  std::string line(file);
  line.push_back(':');
  line.append(std::to_string(line_number));
  line.append(": ");
  line.append(reason);
  return tl::unexpected(Failure{std::move(line)});
}

std::string Got(std::string_view flag, std::string_view must, std::string_view value) {
  std::string reason("--");
  reason.append(flag).append(" must be ").append(must).append(" (got '");
  reason.append(value).append("')");
  return reason;
}

std::optional<int> WholeNumber(std::string_view text, int at_least) {
  int number = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (ec != std::errc() || end != text.data() + text.size() || number < at_least) {
    return std::nullopt;
  }
  return number;
}

std::optional<double> RealNumber(std::string_view text) {
  double number = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(number)) {
    return std::nullopt;
  }
  return number;
}

std::optional<bool> TrueOrFalse(std::string_view text) {
  if (text == "true") return true;
  if (text == "false") return false;
  return std::nullopt;
}

// Interprets the scanned flags.
tl::expected<SpcArgs, Failure> Interpret(const std::vector<Flag>& flags) {
  SpcArgs args;
  spc::Options& options = args.options;
  codec::SeriesColumns& columns = args.request.columns;
  bool target_given = false;
  for (const Flag& flag : flags) {
    const std::string_view name = flag.name;
    const std::string_view value = flag.value;
    if (value.empty()) return OptionError("--" + std::string(name) + " needs a value");
    if (name == "input") {
      args.input = value;
    } else if (name == "output") {
      args.output = value;
    } else if (name == "title") {
      args.title = value;
    } else if (name == "format") {
      if (value == "json") {
        args.format = Format::kJson;
      } else if (value == "csv") {
        args.format = Format::kCsv;
      } else if (value == "svg") {
        args.format = Format::kSvg;
      } else {
        return OptionError(Got(name, "one of json, csv, svg", value));
      }
    } else if (name == "chart") {
      std::optional<spc::Chart> chart = spc::ParseChart(value);
      if (!chart) {
        return OptionError(
            Got(name, "one of run, i, mr, p, pp, u, up, ip, c, g, t, xbar, s", value));
      }
      options.chart = *chart;
    } else if (name == "rules") {
      std::optional<spc::Rules> rules = spc::ParseRules(value);
      if (!rules) return OptionError(Got(name, "one of mdc, anhoej", value));
      options.rules = *rules;
    } else if (name == "direction") {
      std::optional<spc::Direction> direction = spc::ParseDirection(value);
      if (!direction) return OptionError(Got(name, "one of increase, decrease, neutral", value));
      options.direction = *direction;
    } else if (name == "aggregate") {
      std::optional<spc::Aggregate> aggregate = spc::ParseAggregate(value);
      if (!aggregate || *aggregate == spc::Aggregate::kNone) {
        return OptionError(Got(name, "one of mean, median, sum", value));
      }
      options.aggregate = *aggregate;
    } else if (name == "target") {
      std::optional<double> target = RealNumber(value);
      if (!target) return OptionError(Got(name, "a number", value));
      options.target = *target;
      target_given = true;
    } else if (name == "multiply" || name == "limit-constant") {
      std::optional<double> number = RealNumber(value);
      if (!number || *number <= 0) {
        return OptionError(Got(name, "a number greater than 0", value));
      }
      (name == "multiply" ? options.multiply : options.limit_constant) = *number;
    } else if (name == "baseline") {
      std::optional<int> baseline = WholeNumber(value, 1);
      if (!baseline) return OptionError(Got(name, "a whole number of at least 1", value));
      options.baseline = *baseline;
    } else if (name == "trend-length" || name == "shift-length") {
      std::optional<int> length = WholeNumber(value, 2);
      if (!length || *length > 100) {
        return OptionError(Got(name, "a whole number from 2 to 100", value));
      }
      (name == "trend-length" ? options.trend_length : options.shift_length) = *length;
    } else if (name == "screen-outliers" || name == "two-in-three-beyond-limits") {
      std::optional<bool> on = TrueOrFalse(value);
      if (!on) return OptionError(Got(name, "true or false", value));
      (name == "screen-outliers" ? options.screen_outliers : options.two_in_three_beyond_limits) =
          *on;
    } else if (name == "rebase" || name == "exclude") {
      std::optional<int64_t> time = codec::ParseDateTime(value);
      if (!time) {
        return OptionError("--" + std::string(name) + " date '" + std::string(value) +
                           "' is not an ISO 8601 date");
      }
      (name == "rebase" ? args.rebase : args.exclude).push_back(DateOption{value, *time});
    } else if (name == "series-column") {
      args.request.series_column = value;
    } else if (name == "filter") {
      const size_t equals = value.find('=');
      if (equals == std::string_view::npos || equals == 0) {
        return OptionError(Got(name, "COLUMN=VALUE", value));
      }
      args.request.filters.push_back(codec::ColumnFilter{std::string(value.substr(0, equals)),
                                                         std::string(value.substr(equals + 1))});
    } else {
      // The column flags: a column named on the command line must exist.
      codec::ColumnName* column = name == "date-column"          ? &columns.date
                                  : name == "value-column"       ? &columns.value
                                  : name == "denominator-column" ? &columns.denominator
                                  : name == "phase-column"       ? &columns.phase
                                  : name == "target-column"      ? &columns.target
                                  : name == "exclude-column"     ? &columns.exclude
                                                                 : nullptr;
      if (column == nullptr) return OptionError("unknown option '--" + std::string(name) + "'");
      column->name = value;
      column->required = true;
    }
  }
  if (args.input.empty()) return OptionError("--input is required");
  if (target_given && args.request.columns.target.required) {
    return OptionError("--target and the target column cannot both be given");
  }
  args.request.chart = options.chart;
  const bool svg_files = args.format == Format::kSvg && !args.request.series_column.empty();
  if (svg_files) {
    if (args.output.empty()) {
      return OptionError("--format svg with --series-column needs --output DIR");
    }
    if (Exists(args.output) && !IsDirectory(args.output)) {
      return OptionError("--output '" + args.output +
                         "' must be a directory with --format svg and --series-column");
    }
  } else if (!args.output.empty() && IsDirectory(args.output)) {
    return OptionError("--output '" + args.output + "' is a directory");
  }
  if (auto valid = spc::Validate(options); !valid) return OptionError(valid.error().message);
  return args;
}

// Which of the wanted times (sorted, unique) occur among the rows.
std::vector<char> Present(std::span<const int64_t> wanted, std::span<const spc::Row> rows) {
  std::vector<char> present(wanted.size(), 0);
  if (wanted.empty()) return present;
  for (const spc::Row& row : rows) {
    auto it = std::lower_bound(wanted.begin(), wanted.end(), row.time);
    if (it != wanted.end() && *it == row.time) present[it - wanted.begin()] = 1;
  }
  return present;
}

// The rebase and exclude times of one series: those of `dates` that occur in it.
std::vector<int64_t> Keep(std::span<const DateOption> dates, std::span<const int64_t> wanted,
                          const std::vector<char>& present) {
  std::vector<int64_t> kept;
  for (const DateOption& date : dates) {
    auto it = std::lower_bound(wanted.begin(), wanted.end(), date.time);
    if (present[it - wanted.begin()] &&
        std::find(kept.begin(), kept.end(), date.time) == kept.end()) {
      kept.push_back(date.time);
    }
  }
  return kept;
}

// One SVG file to write.
struct SvgFile {
  std::string name;
  std::string text;
};

class SpcRun {
 public:
  explicit SpcRun(SpcArgs args)
      : args_(std::move(args)), file_(args_.input == "-" ? "<stdin>" : args_.input) {}

  tl::expected<void, Failure> Run() {
    if (args_.input != "-" && RegularFileSize(args_.input) >= kHugePagesFrom) {
      RestartWithHugePages();  // returns when already done or not possible
    }
    auto text = ReadWhole(args_.input);
    if (!text) return OptionError(text.error());
    auto table = codec::ParseCsv(std::move(*text));
    if (!table) return InputError(file_, table.error().line, table.error().reason);
    auto reader = codec::SeriesReader::Open(*table, args_.request);
    if (!reader) return InputError(file_, reader.error().line, reader.error().reason);
    if (reader->has_target_column() && std::isfinite(args_.options.target)) {
      return OptionError("--target and the target column cannot both be given");
    }
    if (auto matched = MatchDates(*reader); !matched) return matched;
    if (!args_.output.empty() && !(args_.format == Format::kSvg && faceted())) {
      // Long outputs go to the file in blocks as they are made; renamed into place at the end.
      auto file = AtomicFile::Create(args_.output);
      if (!file) return OptionError(file.error());
      output_file_.emplace(std::move(*file));
    }
    out_.reserve(kFlushAt + (kFlushAt >> 2));
    // One series in memory at a time: its rows are parsed, analysed and written, and the next
    // one reuses the storage.
    if (args_.format == Format::kCsv) codec::AppendAnalysisCsvHeader(faceted(), out_);
    for (size_t i = 0; i < reader->size(); ++i) {
      if (auto read = reader->Read(i, series_); !read) {
        return InputError(file_, read.error().line, read.error().reason);
      }
      if (auto done = AnalyseOne(series_, i); !done) return done;
    }
    return Write();
  }

  const std::string& warnings() const { return warnings_; }

 private:
  bool faceted() const { return !args_.request.series_column.empty(); }

  // Every --rebase and --exclude date must match a row of some series, which is checked before
  // any series is analysed (a pass over every series' dates).
  tl::expected<void, Failure> MatchDates(const codec::SeriesReader& reader) {
    for (const DateOption& date : args_.rebase) wanted_.push_back(date.time);
    for (const DateOption& date : args_.exclude) wanted_.push_back(date.time);
    std::sort(wanted_.begin(), wanted_.end());
    wanted_.erase(std::unique(wanted_.begin(), wanted_.end()), wanted_.end());
    if (wanted_.empty()) return {};
    std::vector<char> anywhere(wanted_.size(), 0);
    for (size_t i = 0; i < reader.size(); ++i) {
      if (auto read = reader.Read(i, series_); !read) {
        return InputError(file_, read.error().line, read.error().reason);
      }
      present_.push_back(Present(wanted_, series_.rows));
      for (size_t k = 0; k < anywhere.size(); ++k) anywhere[k] |= present_.back()[k];
    }
    for (const auto* dates : {&args_.rebase, &args_.exclude}) {
      for (const DateOption& date : *dates) {
        auto it = std::lower_bound(wanted_.begin(), wanted_.end(), date.time);
        if (!anywhere[it - wanted_.begin()]) {
          return OptionError(std::string(dates == &args_.rebase ? "--rebase" : "--exclude") +
                             " date '" + std::string(date.text) + "' matches no row");
        }
      }
    }
    return {};
  }

  tl::expected<void, Failure> AnalyseOne(const codec::InputSeries& series, size_t index) {
    const spc::Options* options = &args_.options;
    spc::Options own;
    if (!wanted_.empty()) {
      own = args_.options;
      own.rebase = Keep(args_.rebase, wanted_, present_[index]);
      own.exclude = Keep(args_.exclude, wanted_, present_[index]);
      options = &own;
    }
    if (auto analysed = spc::AnalyseInto(series.rows, *options, analysis_); !analysed) {
      const spc::Error& error = analysed.error();
      if (error.line > 0) return InputError(file_, error.line, error.message);
      return OptionError(error.message);
    }
    for (const spc::Warning& warning : analysis_.warnings) {
      warnings_.append(kPrefix).append("warning: ");
      if (faceted()) warnings_.append(series.name).append(": ");
      warnings_.append(warning.message).push_back('\n');
    }
    codec::AnalysisTexts texts;
    texts.dates = series.dates;
    texts.notes = series.notes;
    if (faceted()) texts.series = series.name;
    switch (args_.format) {
      case Format::kJson:
        codec::AppendAnalysisJson(analysis_, texts, out_);
        return Flush();
      case Format::kCsv:
        for (size_t first = 0; first < analysis_.points.size(); first += kBlock) {
          codec::AppendAnalysisCsvRows(analysis_, texts, out_, first, first + kBlock);
          if (auto flushed = Flush(); !flushed) return flushed;
        }
        break;
      case Format::kSvg:
        Render(series);
        break;
    }
    return {};
  }

  void Render(const codec::InputSeries& series) {
    render::SvgOptions svg;
    svg.title = faceted() ? std::string(series.name) : Title();
    if (!args_.title.empty()) {
      svg.title = faceted() ? args_.title + ": " + std::string(series.name) : args_.title;
    }
    svg.y_label = args_.request.columns.value.name;
    svg.point_labels.reserve(analysis_.points.size());
    for (size_t i = 0; i < analysis_.points.size(); ++i) {
      const uint32_t row = analysis_.points[i].row;
      svg.point_labels.emplace_back(series.dates[row]);
      if (row < series.notes.size() && !series.notes[row].empty()) {
        svg.annotations.emplace_back(i, series.notes[row]);
      }
    }
    std::string text = render::RenderSvg(analysis_, svg);
    if (!faceted()) {
      out_ = std::move(text);
      return;
    }
    std::string name = SafeFileName(series.name);
    std::string file = name + ".svg";
    for (int n = 2; !used_.insert(file).second; ++n) file = name + "-" + std::to_string(n) + ".svg";
    svg_files_.push_back(SvgFile{std::move(file), std::move(text)});
  }

  // The chart's title without facets: the input file's name without its folder and extension.
  std::string Title() const {
    if (args_.input == "-") return args_.request.columns.value.name;
    std::string_view name = args_.input;
    if (size_t slash = name.rfind('/'); slash != std::string_view::npos) {
      name.remove_prefix(slash + 1);
    }
    if (size_t dot = name.rfind('.'); dot != std::string_view::npos && dot > 0) {
      name = name.substr(0, dot);
    }
    return std::string(name);
  }

  tl::expected<void, Failure> Write() {
    if (args_.format == Format::kSvg && faceted()) {
      if (auto made = MakeDirectory(args_.output); !made) return OptionError(made.error());
      for (const SvgFile& file : svg_files_) {
        if (auto written = WriteWhole(args_.output + "/" + file.name, file.text); !written) {
          return OptionError(written.error());
        }
      }
      return {};
    }
    if (!output_file_) {
      if (auto copied = spool_.CopyTo(STDOUT_FILENO); !copied) return OptionError(copied.error());
      if (auto written = WriteStdout(out_); !written) return OptionError(written.error());
      return {};
    }
    if (auto written = output_file_->Write(out_); !written) return OptionError(written.error());
    if (auto committed = output_file_->Commit(); !committed) return OptionError(committed.error());
    return {};
  }

  // Hands the text made so far on once there is enough of it: to the output file, or for
  // standard output to the spool (standard output gets everything at the end, since on an error
  // it must stay empty).
  tl::expected<void, Failure> Flush() {
    if (out_.size() < kFlushAt) return {};
    auto written = output_file_ ? output_file_->Write(out_) : spool_.Write(out_);
    if (!written) return OptionError(written.error());
    out_.clear();  // keeps its capacity: the same memory is filled again
    return {};
  }

  static constexpr size_t kFlushAt = size_t{1} << 18;  // bytes
  static constexpr size_t kBlock = 8192;               // CSV rows written between flushes

  SpcArgs args_;
  std::string file_;                        // the input as messages name it
  std::vector<int64_t> wanted_;             // rebase and exclude times, sorted, unique
  std::vector<std::vector<char>> present_;  // per series: which of wanted_ it has
  spc::Analysis analysis_;                  // reused for every series
  codec::InputSeries series_;               // the series being analysed
  std::optional<AtomicFile> output_file_;   // --output FILE, while it is written
  Spool spool_;                             // standard output's text beyond kFlushAt
  std::string out_;                         // the JSON or CSV text not yet written, or one SVG
  std::vector<SvgFile> svg_files_;          // with facets
  std::unordered_set<std::string> used_;    // SVG file names taken
  std::string warnings_;
};

// clang-format off
const FlagSet kFlags{
    {"input", "output", "format", "title",
     "chart", "rules", "direction", "target", "baseline", "rebase", "exclude", "multiply",
     "aggregate", "screen-outliers", "trend-length", "shift-length", "two-in-three-beyond-limits",
     "limit-constant",
     "series-column", "filter", "date-column", "value-column", "denominator-column",
     "phase-column", "target-column", "exclude-column"},
    {"help"},
};
// clang-format on

}  // namespace

int RunSpc(std::span<const std::string_view> args) {
  if (std::find(args.begin(), args.end(), "--help") != args.end()) {
    std::fwrite(kUsage.data(), 1, kUsage.size(), stdout);
    return 0;
  }
  const auto fail = [](const Failure& failure) {
    std::fprintf(stderr, "%s\n", failure.line.c_str());
    return 2;
  };
  auto flags = ScanFlags(args, kFlags);
  if (!flags) return fail(Failure{std::string(kPrefix) + flags.error()});
  auto interpreted = Interpret(*flags);
  if (!interpreted) return fail(interpreted.error());
  SpcRun run(std::move(*interpreted));
  if (auto done = run.Run(); !done) return fail(done.error());
  const std::string& warnings = run.warnings();
  std::fwrite(warnings.data(), 1, warnings.size(), stderr);
  return 0;
}

}  // namespace everyseat::cli
