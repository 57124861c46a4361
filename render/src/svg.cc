// The Making Data Count chart as SVG (spc.md section 7): data line and points coloured by point
// type, centre line, process limits per phase (steps where they vary), target, phase breaks,
// annotations, axes with thinned date labels and "nice" value ticks, and the variation and
// assurance icons. Anatomy, palette and accessibility choices: docs/methods/charts.md.
//
// One pass over the points per layer, appending to one reserved string; the only allocations per
// point are small label and value strings. Thread-safety: pure function of its arguments; safe to
// call concurrently.
#include "everyseat/render/svg.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "icons.h"
#include "text.h"

namespace everyseat::render {
namespace {

using detail::AppendEscaped;
using detail::AppendNumber;
using detail::TextWidth;
using spc::PointType;
using spc::Rule;
using spc::Side;

constexpr double kTitleFont = 16;
constexpr double kSmallFont = 11;
constexpr double kHeaderHeight = 56;  // title, legend and icons
constexpr double kMarkerRow = 16;     // one row of annotation markers
constexpr size_t kMaxXLabels = 12;
constexpr size_t kMaxLabelChars = 24;
constexpr double kCommonRadius = 3.5;  // shrinks to 1.5 when points crowd together
constexpr double kSpecialRadius = 5;   // a special-cause point is 1.5 larger than a common one
constexpr std::string_view kFontFamily = "Frutiger, Arial, Helvetica, sans-serif";
constexpr std::string_view kEmDash = "\xE2\x80\x94";

[[nodiscard]] bool Finite(double v) { return std::isfinite(v); }

// A y scale whose ends and ticks are 1, 2 or 5 x 10^k steps. Computed in long double so that the
// span of two huge doubles cannot overflow.
struct YScale {
  long double lo = 0;
  long double hi = 1;
  std::vector<double> ticks;
  std::vector<std::string> labels;
};

[[nodiscard]] YScale MakeYScale(bool any_value, double data_lo, double data_hi) {
  YScale scale;
  // Values beyond +-1e300 are drawn at the edge, so the scale stays finite even where long double
  // is no wider than double.
  constexpr double kEdge = 1e300;
  long double lo = any_value ? std::clamp(data_lo, -kEdge, kEdge) : 0.0L;
  long double hi = any_value ? std::clamp(data_hi, -kEdge, kEdge) : 1.0L;
  if (!(hi > lo)) {  // one value, or a constant series: open a band around it
    long double pad = std::fabs(lo) * 0.1L;
    if (pad == 0) pad = 1;
    lo -= pad;
    hi += pad;
  }
  const long double raw = (hi - lo) / 5;
  int exponent = static_cast<int>(std::floor(std::log10(raw)));
  long double base = std::pow(10.0L, exponent);
  const long double fraction = raw / base;
  long double nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10;
  if (nice == 10) {
    nice = 1;
    ++exponent;
    base *= 10;
  }
  const long double step = nice * base;
  const long double first = std::floor(lo / step);
  const long double last = std::ceil(hi / step);
  constexpr long double kLargest = std::numeric_limits<double>::max();
  scale.lo = first * step;
  scale.hi = last * step;
  // A rounded end beyond the range of double cannot be labelled: keep the data's own end.
  if (std::fabs(scale.lo) > kLargest) scale.lo = lo;
  if (std::fabs(scale.hi) > kLargest) scale.hi = hi;

  double largest_tick = 0;
  for (long double k = first; k <= last; k += 1) {
    long double tick = k * step;
    if (tick < scale.lo || tick > scale.hi || std::fabs(tick) > kLargest) continue;
    if (tick == 0) tick = 0;  // never "-0"
    scale.ticks.push_back(static_cast<double>(tick));
    largest_tick = std::max(largest_tick, std::fabs(scale.ticks.back()));
  }
  const int decimals = exponent < 0 ? -exponent : 0;
  char buffer[64];
  for (const double tick : scale.ticks) {
    if (decimals <= 6 && largest_tick < 1e12) {
      std::snprintf(buffer, sizeof buffer, "%.*f", decimals, tick);
    } else {
      // Enough significant digits that neighbouring ticks read differently.
      const int magnitude =
          largest_tick > 0 ? static_cast<int>(std::floor(std::log10(largest_tick))) : exponent;
      const int digits = std::clamp(magnitude - exponent + 1, 1, 17);
      std::snprintf(buffer, sizeof buffer, "%.*g", digits, tick);
    }
    scale.labels.emplace_back(buffer);
  }
  return scale;
}

// The plot area and the mapping from (point index, value) to pixels.
struct Frame {
  double width = 0;
  double height = 0;
  double left = 0;
  double right = 0;
  double top = 0;
  double bottom = 0;
  size_t n = 0;
  double dx = 0;  // distance between neighbouring points
  long double lo = 0;
  long double hi = 1;

  [[nodiscard]] double X(size_t i) const { return left + (static_cast<double>(i) + 0.5) * dx; }
  // REQUIRES: value is finite.
  [[nodiscard]] double Y(double value) const {
    const long double fraction = (static_cast<long double>(value) - lo) / (hi - lo);
    const double y = bottom - static_cast<double>(fraction) * (bottom - top);
    return std::clamp(y, top, bottom);
  }
};

// Appends ` name="value"` with the value as a coordinate.
void Attr(std::string& out, std::string_view name, double value) {
  out += ' ';
  out += name;
  out += "=\"";
  AppendNumber(out, value);
  out += '"';
}

void Attr(std::string& out, std::string_view name, std::string_view value) {
  out += ' ';
  out += name;
  out += "=\"";
  out += value;
  out += '"';
}

// A horizontal line per point at get(i) for points [first, end), joined by vertical steps
// halfway between points, merged where the level does not change, and broken where get(i) is
// not finite. The line runs from the first point's x to the last point's x (a phase with one
// point gets a short line either side of it). `attributes` completes the <path> element.
template <typename Get>
void AppendStepPath(std::string& out, std::string& d, const Frame& frame, size_t first, size_t end,
                    Get get, std::string_view attributes) {
  if (first >= end) return;
  d.clear();
  const double half = std::min(frame.dx * 0.35, 20.0);
  const double start_edge = end - first == 1 ? frame.X(first) - half : frame.X(first);
  const double end_edge = end - first == 1 ? frame.X(first) + half : frame.X(end - 1);
  bool pen_down = false;
  int64_t level = 0;  // the current y in hundredths of a pixel
  double segment_end = 0;
  for (size_t i = first; i < end; ++i) {
    const double value = get(i);
    if (!Finite(value)) {
      if (pen_down) {
        d += 'H';
        AppendNumber(d, segment_end);
        pen_down = false;
      }
      continue;
    }
    const double y = frame.Y(value);
    const int64_t y_level = std::llround(y * 100);
    const double left = i == first ? start_edge : (frame.X(i - 1) + frame.X(i)) / 2;
    const double right = i + 1 == end ? end_edge : (frame.X(i) + frame.X(i + 1)) / 2;
    if (!pen_down) {
      d += 'M';
      AppendNumber(d, left);
      d += ' ';
      AppendNumber(d, y);
      pen_down = true;
    } else if (y_level != level) {
      d += 'H';
      AppendNumber(d, left);
      d += 'V';
      AppendNumber(d, y);
    }
    level = y_level;
    segment_end = right;
  }
  if (pen_down) {
    d += 'H';
    AppendNumber(d, segment_end);
  }
  if (d.empty()) return;
  out += "<path";
  out += attributes;
  out += " fill=\"none\" d=\"";
  out += d;
  out += "\"/>";
}

[[nodiscard]] bool IsSpecialType(PointType type) {
  return type == PointType::kImprovement || type == PointType::kConcern ||
         type == PointType::kNeutralHigh || type == PointType::kNeutralLow;
}

[[nodiscard]] std::string_view TypeClass(PointType type) {
  switch (type) {
    case PointType::kImprovement:
      return "spc-improvement";
    case PointType::kConcern:
      return "spc-concern";
    case PointType::kNeutralHigh:
      return "spc-neutral-high";
    case PointType::kNeutralLow:
      return "spc-neutral-low";
    case PointType::kNone:
    case PointType::kCommonCause:
      break;
  }
  return "spc-common";
}

[[nodiscard]] std::string_view TypeColour(PointType type) {
  switch (type) {
    case PointType::kImprovement:
      return detail::kImprovement;
    case PointType::kConcern:
      return detail::kConcern;
    case PointType::kNeutralHigh:
    case PointType::kNeutralLow:
      return detail::kNeutral;
    case PointType::kNone:
    case PointType::kCommonCause:
      break;
  }
  return detail::kCommonPoint;
}

[[nodiscard]] std::string_view TypeStatus(PointType type, bool special) {
  switch (type) {
    case PointType::kImprovement:
      return "special cause (improvement)";
    case PointType::kConcern:
      return "special cause (concern)";
    case PointType::kNeutralHigh:
    case PointType::kNeutralLow:
      return "special cause (neither improvement nor concern)";
    case PointType::kNone:
    case PointType::kCommonCause:
      break;
  }
  return special ? "special cause" : "common cause";
}

[[nodiscard]] std::string_view RuleText(Rule rule, Side side) {
  const bool high = side == Side::kHigh;
  const bool low = side == Side::kLow;
  switch (rule) {
    case Rule::kNone:
      return "";
    case Rule::kOutsideLimits:
      return high  ? "above the upper process limit"
             : low ? "below the lower process limit"
                   : "outside the process limits";
    case Rule::kTrend:
      return high ? "rising trend" : low ? "falling trend" : "trend";
    case Rule::kTwoInThree:
      return high  ? "two of three points near the upper limit"
             : low ? "two of three points near the lower limit"
                   : "two of three points near a limit";
    case Rule::kShift:
      return high ? "shift above the centre line" : low ? "shift below the centre line" : "shift";
  }
  return "";
}

// An XML id: letters, digits, '-', '_' and '.', starting with a letter or '_'.
[[nodiscard]] std::string SafeId(std::string_view prefix) {
  std::string id;
  for (const char c : prefix) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_' || c == '.';
    id += ok ? c : '_';
  }
  if (id.empty()) return "es";
  const char c = id.front();
  if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_')) id.insert(0, "es-");
  return id;
}

// A run of points sharing one phase.
struct PhaseRun {
  size_t first = 0;
  size_t end = 0;
  int32_t phase = 0;
};

// One legend entry: a sample drawn at (x, baseline) and its words.
struct LegendItem {
  std::string_view sample;  // "line", "dash", "target", "point", "break"
  std::string_view words;
};

void AppendLegend(std::string& out, const std::vector<LegendItem>& items, double x, double limit) {
  constexpr double kBaseline = 46;
  constexpr double kSample = 22;
  out += "<g class=\"spc-legend\" font-size=\"11\" fill=\"";
  out += detail::kInk;
  out += "\">";
  for (const LegendItem& item : items) {
    const double words_width = TextWidth(item.words, kSmallFont);
    if (x + kSample + 4 + words_width > limit) break;
    const double y = kBaseline - 4;
    if (item.sample == "point") {
      out += "<circle";
      Attr(out, "cx", x + kSample / 2);
      Attr(out, "cy", y);
      Attr(out, "r", kSpecialRadius);
      Attr(out, "fill", detail::kBackground);
      Attr(out, "stroke", detail::kInk);
      out += " stroke-width=\"1.5\"/>";
    } else {
      out += "<path fill=\"none\" d=\"M";
      AppendNumber(out, x);
      out += ' ';
      AppendNumber(out, y);
      out += 'h';
      AppendNumber(out, kSample);
      out += '"';
      if (item.sample == "line") {
        Attr(out, "stroke", detail::kInk);
        out += " stroke-width=\"1.5\"";
      } else if (item.sample == "dash") {
        Attr(out, "stroke", detail::kSecondaryInk);
        out += " stroke-width=\"1.25\" stroke-dasharray=\"6 4\"";
      } else {
        Attr(out, "stroke", detail::kTarget);
        out += " stroke-width=\"1.5\" stroke-dasharray=\"8 3 2 3\"";
      }
      out += "/>";
    }
    out += "<text";
    Attr(out, "x", x + kSample + 4);
    Attr(out, "y", kBaseline);
    out += '>';
    out += item.words;
    out += "</text>";
    x += kSample + 4 + words_width + 14;
  }
  out += "</g>";
}

}  // namespace

std::string RenderSvg(const spc::Analysis& analysis, const SvgOptions& options) {
  const std::vector<spc::Point>& points = analysis.points;
  const size_t n = points.size();
  const bool have_labels = options.point_labels.size() == n;
  std::string index_label;  // scratch for labels made from point numbers
  const auto label_of = [&](size_t i) -> std::string_view {
    if (have_labels) return options.point_labels[i];
    index_label = std::to_string(i + 1);
    return index_label;
  };
  const std::string id = SafeId(options.id_prefix);

  // What is there to draw.
  bool any_value = false, any_centre = false, any_limit = false, any_target = false;
  bool any_special = false, any_number = false;
  double data_lo = 0, data_hi = 0;
  const auto include = [&](double v) {
    if (!Finite(v)) return;
    if (!any_number) data_lo = data_hi = v;
    any_number = true;
    data_lo = std::min(data_lo, v);
    data_hi = std::max(data_hi, v);
  };
  for (const spc::Point& p : points) {
    include(p.value);
    include(p.centre);
    include(p.lower);
    include(p.upper);
    include(p.target);
    any_value = any_value || Finite(p.value);
    any_centre = any_centre || Finite(p.centre);
    any_limit = any_limit || Finite(p.lower) || Finite(p.upper);
    any_target = any_target || Finite(p.target);
    any_special = any_special || (Finite(p.value) && (p.special_cause() || IsSpecialType(p.type)));
  }
  std::vector<PhaseRun> runs;
  for (size_t i = 0; i < n; ++i) {
    if (runs.empty() || points[i].phase != runs.back().phase) {
      runs.push_back({i, i + 1, points[i].phase});
    } else {
      runs.back().end = i + 1;
    }
  }

  // Layout: header (title, legend, icons), optional band of annotation markers, plot, x labels.
  Frame frame;
  frame.width = std::clamp(options.width, 240, 10000);
  frame.height = std::clamp(options.height, 160, 10000);
  frame.n = n;
  const YScale scale = MakeYScale(any_number, data_lo, data_hi);
  frame.lo = scale.lo;
  frame.hi = scale.hi;
  double tick_width = 0;
  for (const std::string& label : scale.labels) {
    tick_width = std::max(tick_width, TextWidth(label, kSmallFont));
  }
  frame.left = std::clamp(8 + (options.y_label.empty() ? 0.0 : 18.0) + tick_width + 8, 24.0,
                          frame.width / 3);
  frame.right = frame.width - 16;
  frame.dx = n > 0 ? (frame.right - frame.left) / static_cast<double>(n) : 0;

  struct Marker {
    size_t number = 0;  // 1-based, the order in options.annotations
    size_t index = 0;
    int row = 0;
  };
  std::vector<Marker> markers;
  for (size_t k = 0; k < options.annotations.size(); ++k) {
    if (options.annotations[k].first < n) markers.push_back({k + 1, options.annotations[k].first});
  }
  std::stable_sort(markers.begin(), markers.end(),
                   [](const Marker& a, const Marker& b) { return a.index < b.index; });
  int marker_rows = 0;
  {
    constexpr int kRows = 3;
    double row_end[kRows];
    std::fill(row_end, row_end + kRows, -1e9);
    for (Marker& marker : markers) {
      const double x = frame.X(marker.index);
      int row = 0;
      for (int r = 0; r < kRows; ++r) {
        if (x - row_end[r] >= kMarkerRow) {
          row = r;
          break;
        }
        if (row_end[r] < row_end[row]) row = r;
      }
      row_end[row] = x;
      marker.row = row;
      marker_rows = std::max(marker_rows, row + 1);
    }
  }
  const double band_top = kHeaderHeight + 4;
  frame.top = marker_rows > 0 ? band_top + kMarkerRow * marker_rows + 6 : kHeaderHeight + 8;
  frame.bottom = frame.height - 38;

  std::string out;
  out.reserve(4096 + n * 240);
  std::string d;  // scratch for path data
  d.reserve(256 + n * 16);

  // Root, title and description.
  const std::string_view title = options.title.empty()
                                     ? std::string_view("Statistical process control chart")
                                     : std::string_view(options.title);
  out += "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"spc-chart\"";
  Attr(out, "width", frame.width);
  Attr(out, "height", frame.height);
  out += " viewBox=\"0 0 ";
  AppendNumber(out, frame.width);
  out += ' ';
  AppendNumber(out, frame.height);
  out += "\" role=\"img\" aria-labelledby=\"";
  out += id;
  out += "-title ";
  out += id;
  out += "-desc\"";
  Attr(out, "font-family", kFontFamily);
  out += " font-size=\"12\"><title id=\"";
  out += id;
  out += "-title\">";
  AppendEscaped(out, title);
  out += "</title><desc id=\"";
  out += id;
  out += "-desc\">";
  AppendEscaped(out, analysis.summary.reading);
  out += "</desc><rect width=\"100%\" height=\"100%\"";
  Attr(out, "fill", detail::kBackground);
  out += "/>";

  // Header: title (shortened to leave room for the icons) and legend.
  const bool show_variation = !detail::VariationMeaning(analysis.summary.variation).empty();
  const bool show_assurance = !detail::AssuranceMeaning(analysis.summary.assurance).empty();
  double icons_left = frame.width - 8;
  if (show_assurance) icons_left -= detail::kIconSize + 6;
  if (show_variation) icons_left -= detail::kIconSize + 6;
  {
    const double room = icons_left - 8 - 12;
    const auto max_chars = static_cast<size_t>(std::max(0.0, room / (kTitleFont * 0.6)));
    out += "<text class=\"spc-title\" x=\"12\" y=\"24\" font-size=\"16\" font-weight=\"bold\"";
    Attr(out, "fill", detail::kInk);
    out += '>';
    AppendEscaped(out, detail::Shorten(title, max_chars));
    out += "</text>";
  }
  {
    std::vector<LegendItem> items;
    if (any_centre) items.push_back({"line", "Centre line"});
    if (any_limit) items.push_back({"dash", "Process limits"});
    if (any_target) items.push_back({"target", "Target"});
    if (any_special) items.push_back({"point", "Special cause (outlined)"});
    if (!items.empty()) AppendLegend(out, items, 12, icons_left - 8);
  }

  // Y axis: gridlines, tick labels, axis label.
  d.clear();
  for (const double tick : scale.ticks) {
    d += 'M';
    AppendNumber(d, frame.left);
    d += ' ';
    AppendNumber(d, frame.Y(tick));
    d += 'H';
    AppendNumber(d, frame.right);
  }
  if (!d.empty()) {
    out += "<path class=\"spc-grid\" fill=\"none\"";
    Attr(out, "stroke", detail::kGrid);
    out += " stroke-width=\"1\" d=\"";
    out += d;
    out += "\"/>";
  }
  out += "<g class=\"spc-y-ticks\" font-size=\"11\" text-anchor=\"end\"";
  Attr(out, "fill", detail::kSecondaryInk);
  out += '>';
  for (size_t k = 0; k < scale.ticks.size(); ++k) {
    out += "<text";
    Attr(out, "x", frame.left - 6);
    Attr(out, "y", frame.Y(scale.ticks[k]) + 4);
    out += '>';
    out += scale.labels[k];
    out += "</text>";
  }
  out += "</g>";
  if (!options.y_label.empty()) {
    const double middle = (frame.top + frame.bottom) / 2;
    const auto max_chars =
        static_cast<size_t>(std::max(1.0, (frame.bottom - frame.top) / (kSmallFont * 0.6)));
    out += "<text class=\"spc-y-label\" transform=\"rotate(-90)\"";
    Attr(out, "x", -middle);
    out += " y=\"14\" font-size=\"11\" text-anchor=\"middle\"";
    Attr(out, "fill", detail::kInk);
    out += '>';
    AppendEscaped(out, detail::Shorten(options.y_label, max_chars));
    out += "</text>";
  }

  // Axes and x labels: at most kMaxXLabels, never overlapping.
  out += "<path class=\"spc-axes\" fill=\"none\"";
  Attr(out, "stroke", detail::kSecondaryInk);
  out += " stroke-width=\"1\" d=\"M";
  AppendNumber(out, frame.left);
  out += ' ';
  AppendNumber(out, frame.top);
  out += 'V';
  AppendNumber(out, frame.bottom);
  out += 'H';
  AppendNumber(out, frame.right);
  out += "\"/>";
  if (n > 0) {
    size_t widest_chars = 0;
    for (size_t i = 0; i < n; ++i) {
      widest_chars =
          std::max(widest_chars, std::min(detail::CharCount(label_of(i)), kMaxLabelChars));
    }
    const double widest = TextWidth(std::string(widest_chars, 'x'), kSmallFont);
    const size_t by_count = (n + kMaxXLabels - 1) / kMaxXLabels;
    const auto by_width = static_cast<size_t>(std::ceil((widest + 8) / frame.dx));
    const size_t every = std::max<size_t>({1, by_count, by_width});
    out += "<g class=\"spc-x-labels\" font-size=\"11\" text-anchor=\"middle\"";
    Attr(out, "fill", detail::kSecondaryInk);
    out += '>';
    d.clear();
    double previous_right = -1e9;
    for (size_t i = 0; i < n; i += every) {
      const std::string shown = detail::Shorten(label_of(i), kMaxLabelChars);
      const double w = TextWidth(shown, kSmallFont);
      const double x = frame.X(i);
      const double low = w / 2 + 2;
      const double high = frame.width - w / 2 - 2;
      const double centre = low <= high ? std::clamp(x, low, high) : frame.width / 2;
      if (centre - w / 2 < previous_right + 8) continue;
      previous_right = centre + w / 2;
      out += "<text";
      Attr(out, "x", centre);
      Attr(out, "y", frame.bottom + 17);
      out += '>';
      AppendEscaped(out, shown);
      out += "</text>";
      d += 'M';
      AppendNumber(d, x);
      d += ' ';
      AppendNumber(d, frame.bottom);
      d += "v4";
    }
    out += "</g>";
    if (!d.empty()) {
      out += "<path class=\"spc-x-ticks\" fill=\"none\"";
      Attr(out, "stroke", detail::kSecondaryInk);
      out += " d=\"";
      out += d;
      out += "\"/>";
    }
  }

  // Phase breaks (a dotted line halfway between the phases) and phase labels.
  for (size_t r = 1; r < runs.size(); ++r) {
    const double x = (frame.X(runs[r].first - 1) + frame.X(runs[r].first)) / 2;
    out += "<line class=\"spc-phase-break\"";
    Attr(out, "x1", x);
    Attr(out, "y1", frame.top);
    Attr(out, "x2", x);
    Attr(out, "y2", frame.bottom);
    Attr(out, "stroke", detail::kSecondaryInk);
    out += " stroke-width=\"1\" stroke-dasharray=\"2 3\"/>";
  }
  if (runs.size() > 1) {
    out += "<g class=\"spc-phase-labels\" font-size=\"11\"";
    Attr(out, "fill", detail::kSecondaryInk);
    out += '>';
    for (const PhaseRun& run : runs) {
      std::string label;
      for (const spc::Phase& phase : analysis.phases) {
        if (phase.index == run.phase) label = phase.label;
      }
      if (label.empty()) continue;
      const double run_width = frame.dx * static_cast<double>(run.end - run.first) - 6;
      const auto max_chars = static_cast<size_t>(std::max(0.0, run_width / (kSmallFont * 0.6)));
      const std::string text = detail::Shorten(label, max_chars);
      if (text.empty()) continue;
      out += "<text";
      Attr(out, "x", frame.X(run.first) - frame.dx / 2 + 3);
      Attr(out, "y", frame.top + 12);
      out += '>';
      AppendEscaped(out, text);
      out += "</text>";
    }
    out += "</g>";
  }

  // Limits and centre, per phase and never joined across a break; then the target.
  std::string centre_attributes = " class=\"spc-centre\" stroke=\"";
  centre_attributes += detail::kInk;
  centre_attributes += "\" stroke-width=\"1.5\"";
  std::string upper_attributes = " class=\"spc-limit spc-limit-upper\" stroke=\"";
  upper_attributes += detail::kSecondaryInk;
  upper_attributes += "\" stroke-width=\"1.25\" stroke-dasharray=\"6 4\"";
  std::string lower_attributes = upper_attributes;
  lower_attributes.replace(lower_attributes.find("upper"), 5, "lower");
  for (const PhaseRun& run : runs) {
    AppendStepPath(
        out, d, frame, run.first, run.end, [&](size_t i) { return points[i].upper; },
        upper_attributes);
    AppendStepPath(
        out, d, frame, run.first, run.end, [&](size_t i) { return points[i].lower; },
        lower_attributes);
    AppendStepPath(
        out, d, frame, run.first, run.end, [&](size_t i) { return points[i].centre; },
        centre_attributes);
  }
  if (any_target) {
    std::string target_attributes = " class=\"spc-target\" stroke=\"";
    target_attributes += detail::kTarget;
    target_attributes += "\" stroke-width=\"1.5\" stroke-dasharray=\"8 3 2 3\"";
    AppendStepPath(
        out, d, frame, 0, n, [&](size_t i) { return points[i].target; }, target_attributes);
  }

  // The data line, with a gap at each point without a value.
  d.clear();
  bool pen_down = false;
  for (size_t i = 0; i < n; ++i) {
    if (!Finite(points[i].value)) {
      pen_down = false;
      continue;
    }
    d += pen_down ? 'L' : 'M';
    AppendNumber(d, frame.X(i));
    d += ' ';
    AppendNumber(d, frame.Y(points[i].value));
    pen_down = true;
  }
  if (!d.empty()) {
    out += "<path class=\"spc-data-line\" fill=\"none\"";
    Attr(out, "stroke", detail::kCommonLine);
    out += " stroke-width=\"1.5\" stroke-linejoin=\"round\" d=\"";
    out += d;
    out += "\"/>";
  }

  // Points: colour by type; special cause is also larger and outlined (never colour alone).
  const double common_radius = std::clamp(frame.dx * 0.45, 1.5, kCommonRadius);
  const double special_radius = std::min(common_radius + 1.5, kSpecialRadius);
  out += "<g class=\"spc-points\">";
  for (size_t i = 0; i < n; ++i) {
    const spc::Point& p = points[i];
    if (!Finite(p.value)) continue;
    const bool special = p.special_cause() || IsSpecialType(p.type);
    out += "<circle class=\"spc-point ";
    out += TypeClass(p.type);
    if (special) out += " spc-special";
    out += '"';
    Attr(out, "cx", frame.X(i));
    Attr(out, "cy", frame.Y(p.value));
    Attr(out, "r", special ? special_radius : common_radius);
    Attr(out, "fill", TypeColour(p.type));
    if (special) {
      Attr(out, "stroke", detail::kInk);
      out += " stroke-width=\"1.5\"";
    }
    out += "><title>";
    AppendEscaped(out, label_of(i));
    out += ": ";
    out += detail::FormatValue(p.value);
    out += ' ';
    out += kEmDash;
    out += ' ';
    out += TypeStatus(p.type, special);
    const std::string_view rule = RuleText(p.rule, p.side);
    if (!rule.empty()) {
      out += ": ";
      out += rule;
    }
    if (p.excluded) out += "; excluded from the limits";
    if (Finite(p.target)) {
      out += "; target ";
      out += detail::FormatValue(p.target);
    }
    out += "</title></circle>";
  }
  out += "</g>";

  // Annotations: numbered markers above the plot, the note in the marker's <title>.
  for (const Marker& marker : markers) {
    const double x = frame.X(marker.index);
    const double y = band_top + kMarkerRow / 2 + kMarkerRow * marker.row;
    const std::string number = std::to_string(marker.number);
    out += "<g class=\"spc-annotation\"><title>Note ";
    out += number;
    out += " (";
    AppendEscaped(out, label_of(marker.index));
    out += "): ";
    AppendEscaped(out, options.annotations[marker.number - 1].second);
    out += "</title>";
    const double value = points[marker.index].value;
    const double guide_end = Finite(value) ? frame.Y(value) - kSpecialRadius : frame.bottom;
    if (guide_end > y + 7) {
      out += "<line";
      Attr(out, "x1", x);
      Attr(out, "y1", y + 7);
      Attr(out, "x2", x);
      Attr(out, "y2", guide_end);
      Attr(out, "stroke", detail::kSecondaryInk);
      out += " stroke-width=\"1\" stroke-dasharray=\"1 2\"/>";
    }
    out += "<circle";
    Attr(out, "cx", x);
    Attr(out, "cy", y);
    out += " r=\"7\"";
    Attr(out, "fill", detail::kInk);
    out += "/><text";
    Attr(out, "x", x);
    Attr(out, "y", y + 3.5);
    Attr(out, "font-size", number.size() > 2 ? 7.0 : 10.0);
    out += " font-weight=\"bold\" text-anchor=\"middle\"";
    Attr(out, "fill", detail::kBackground);
    out += '>';
    out += number;
    out += "</text></g>";
  }

  if (!any_value) {
    out += "<text class=\"spc-empty\"";
    Attr(out, "x", (frame.left + frame.right) / 2);
    Attr(out, "y", (frame.top + frame.bottom) / 2);
    out += " text-anchor=\"middle\"";
    Attr(out, "fill", detail::kSecondaryInk);
    out += ">No values to plot</text>";
  }

  // Icons, top right: variation then assurance.
  double icon_x = icons_left + 6;
  if (show_variation) {
    out += "<g class=\"spc-icon-variation\" transform=\"translate(";
    AppendNumber(out, icon_x);
    out += " 8)\"><title>";
    out += detail::VariationMeaning(analysis.summary.variation);
    out += "</title>";
    detail::AppendVariationGlyph(out, analysis.summary.variation);
    out += "</g>";
    icon_x += detail::kIconSize + 6;
  }
  if (show_assurance) {
    out += "<g class=\"spc-icon-assurance\" transform=\"translate(";
    AppendNumber(out, icon_x);
    out += " 8)\"><title>";
    out += detail::AssuranceMeaning(analysis.summary.assurance);
    out += "</title>";
    detail::AppendAssuranceGlyph(out, analysis.summary.assurance);
    out += "</g>";
  }

  out += "</svg>";
  return out;
}

}  // namespace everyseat::render
