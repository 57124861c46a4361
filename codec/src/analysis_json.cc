// The JSON form of an analysis: see analysis_json.h.
#include "everyseat/codec/analysis_json.h"

#include "text_buffer.h"

#include <bit>
#include <charconv>
#include <cmath>
#include <cstring>

namespace everyseat::codec {
namespace {

constexpr char kHex[] = "0123456789abcdef";

// Length of the valid UTF-8 sequence starting at text[i] (RFC 3629: no overlongs, no
// surrogates, nothing above U+10FFFF), or 0 when it is not one.
size_t Utf8Length(std::string_view text, size_t i) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char b0 = byte(i);
  const size_t left = text.size() - i;
  const auto cont = [&](size_t k) { return (byte(k) & 0xC0) == 0x80; };
  if (b0 >= 0xC2 && b0 <= 0xDF) return left >= 2 && cont(i + 1) ? 2 : 0;
  if (b0 >= 0xE0 && b0 <= 0xEF) {
    if (left < 3 || !cont(i + 1) || !cont(i + 2)) return 0;
    if (b0 == 0xE0 && byte(i + 1) < 0xA0) return 0;   // overlong
    if (b0 == 0xED && byte(i + 1) >= 0xA0) return 0;  // surrogate
    return 3;
  }
  if (b0 >= 0xF0 && b0 <= 0xF4) {
    if (left < 4 || !cont(i + 1) || !cont(i + 2) || !cont(i + 3)) return 0;
    if (b0 == 0xF0 && byte(i + 1) < 0x90) return 0;   // overlong
    if (b0 == 0xF4 && byte(i + 1) >= 0x90) return 0;  // above U+10FFFF
    return 4;
  }
  return 0;
}

using detail::kNumberRoom;
using detail::NumberMemo;
using detail::Put;
using detail::PutInt;
using detail::TextBuffer;

// Room for a text written as a JSON string: every byte may become a six-character escape.
size_t StringRoom(std::string_view text) { return 6 * text.size() + 2; }

char* PutString(char* p, std::string_view text) {
  *p++ = '"';
  size_t i = 0;
  size_t plain = 0;  // start of the run of characters copied as they are
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c != '"' && c != '\\' && c < 0x80) {
      ++i;
      continue;
    }
    if (c >= 0x80) {
      if (size_t length = Utf8Length(text, i)) {
        i += length;
        continue;
      }
    }
    p = Put(p, text.substr(plain, i - plain));
    switch (c) {
      case '"':
        p = Put(p, "\\\"");
        break;
      case '\\':
        p = Put(p, "\\\\");
        break;
      case '\n':
        p = Put(p, "\\n");
        break;
      case '\r':
        p = Put(p, "\\r");
        break;
      case '\t':
        p = Put(p, "\\t");
        break;
      default:
        if (c < 0x20) {
          p = Put(p, "\\u00");
          *p++ = kHex[c >> 4];
          *p++ = kHex[c & 0xF];
        } else {
          p = Put(p, "\\ufffd");  // a byte that is not valid UTF-8
        }
    }
    ++i;
    plain = i;
  }
  p = Put(p, text.substr(plain));
  *p++ = '"';
  return p;
}

char* PutBool(char* p, bool value) { return value ? Put(p, "true") : Put(p, "false"); }

// A name, or null when the engine gives "" (kNone).
char* PutName(char* p, std::string_view name) {
  if (name.empty()) return Put(p, "null");
  *p++ = '"';
  p = Put(p, name);
  *p++ = '"';
  return p;
}

char* PutCount(char* p, int value) {
  return value == spc::kNoCount ? Put(p, "null") : PutInt(p, value);
}

char* PutNumber(char* p, double value) {
  NumberMemo memo;
  return memo.Put(p, value, "null");
}

// The text at `index` of a per-row span; empty when there is none (out of range or empty).
std::string_view At(std::span<const std::string_view> texts, size_t index) {
  return index < texts.size() ? texts[index] : std::string_view();
}

char* PutText(char* p, std::string_view text) {
  return text.empty() ? Put(p, "null") : PutString(p, text);
}

// One memo per numeric column of the points.
struct PointColumns {
  NumberMemo value, numerator, denominator, centre, lower, upper, lower_2sigma, upper_2sigma,
      target;
};

// Room for everything of a point but its date and note: the keys (about 280 characters), nine
// numbers, four integers and three names.
constexpr size_t kPointRoom = 400 + 9 * kNumberRoom + 4 * 24 + 3 * 40;

// Appends one point, after a comma unless it is the first; with "index" first when it is not
// negative.
void AppendPoint(const spc::Point& pt, bool first, std::string_view date, std::string_view note,
                 int64_t index, PointColumns& columns, TextBuffer& buffer) {
  char* p = buffer.Room(kPointRoom + 32 + StringRoom(date) + StringRoom(note));
  if (!first) *p++ = ',';
  *p++ = '{';
  if (index >= 0) {
    p = Put(p, "\"index\":");
    p = PutInt(p, index);
    *p++ = ',';
  }
  p = Put(p, "\"date\":");
  p = PutText(p, date);
  p = Put(p, ",\"value\":");
  p = columns.value.Put(p, pt.value, "null");
  p = Put(p, ",\"numerator\":");
  p = columns.numerator.Put(p, pt.numerator, "null");
  p = Put(p, ",\"denominator\":");
  p = columns.denominator.Put(p, pt.denominator, "null");
  p = Put(p, ",\"phase\":");
  p = PutInt(p, pt.phase);
  p = Put(p, ",\"centre\":");
  p = columns.centre.Put(p, pt.centre, "null");
  p = Put(p, ",\"lower\":");
  p = columns.lower.Put(p, pt.lower, "null");
  p = Put(p, ",\"upper\":");
  p = columns.upper.Put(p, pt.upper, "null");
  p = Put(p, ",\"lower_2sigma\":");
  p = columns.lower_2sigma.Put(p, pt.lower_2sigma, "null");
  p = Put(p, ",\"upper_2sigma\":");
  p = columns.upper_2sigma.Put(p, pt.upper_2sigma, "null");
  p = Put(p, ",\"baseline\":");
  p = PutBool(p, pt.baseline);
  p = Put(p, ",\"excluded\":");
  p = PutBool(p, pt.excluded);
  p = Put(p, ",\"special_cause\":");
  p = PutBool(p, pt.special_cause());
  p = Put(p, ",\"rule\":");
  p = PutName(p, spc::Name(pt.rule));
  p = Put(p, ",\"side\":");
  p = PutName(p, spc::Name(pt.side));
  p = Put(p, ",\"window\":");
  if (pt.window_first < 0) {
    p = Put(p, "null");
  } else {
    *p++ = '[';
    p = PutInt(p, pt.window_first);
    *p++ = ',';
    p = PutInt(p, pt.window_last);
    *p++ = ']';
  }
  p = Put(p, ",\"point_type\":");
  p = PutName(p, pt.has_value() ? spc::Name(pt.type) : std::string_view());
  p = Put(p, ",\"target\":");
  p = columns.target.Put(p, pt.target, "null");
  p = Put(p, ",\"note\":");
  p = PutText(p, note);
  *p++ = '}';
  buffer.Commit(p);
}

// Room: 200 + StringRoom(summary.reading).
char* PutSummary(char* p, const spc::Summary& summary) {
  p = Put(p, "{\"variation_icon\":\"");
  p = Put(p, spc::Name(summary.variation));
  p = Put(p, "\",\"assurance_icon\":\"");
  p = Put(p, spc::Name(summary.assurance));
  p = Put(p, "\",\"special_cause_improvement\":");
  p = PutInt(p, summary.improvement);
  p = Put(p, ",\"special_cause_concern\":");
  p = PutInt(p, summary.concern);
  p = Put(p, ",\"special_cause_neutral\":");
  p = PutInt(p, summary.neutral);
  p = Put(p, ",\"reading\":");
  p = PutString(p, summary.reading);
  *p++ = '}';
  return p;
}

void AppendPhase(const spc::Phase& phase, const spc::Analysis& analysis, const AnalysisTexts& texts,
                 TextBuffer& buffer) {
  const std::string_view start = phase.first < analysis.points.size()
                                     ? At(texts.dates, analysis.points[phase.first].row)
                                     : std::string_view();
  char* p = buffer.Room(600 + 4 * kNumberRoom + StringRoom(phase.label) + StringRoom(start));
  p = Put(p, "{\"phase\":");
  p = PutInt(p, phase.index);
  p = Put(p, ",\"label\":");
  p = PutString(p, phase.label);
  p = Put(p, ",\"start\":");
  p = PutText(p, start);
  p = Put(p, ",\"n\":");
  p = PutInt(p, static_cast<int64_t>(phase.n));
  p = Put(p, ",\"centre\":");
  p = PutNumber(p, phase.centre);
  p = Put(p, ",\"lower\":");
  p = PutNumber(p, phase.lower);
  p = Put(p, ",\"upper\":");
  p = PutNumber(p, phase.upper);
  p = Put(p, ",\"moving_range_mean\":");
  p = PutNumber(p, phase.moving_range_mean);
  p = Put(p, ",\"longest_run\":");
  p = PutCount(p, phase.longest_run);
  p = Put(p, ",\"longest_run_max\":");
  p = PutCount(p, phase.longest_run_max);
  p = Put(p, ",\"crossings\":");
  p = PutCount(p, phase.crossings);
  p = Put(p, ",\"crossings_min\":");
  p = PutCount(p, phase.crossings_min);
  p = Put(p, ",\"runs_signal\":");
  p = PutBool(p, phase.runs_signal);
  p = Put(p, ",\"short\":");
  p = PutBool(p, phase.short_phase);
  p = Put(p, ",\"special_cause_improvement\":");
  p = PutInt(p, phase.improvement);
  p = Put(p, ",\"special_cause_concern\":");
  p = PutInt(p, phase.concern);
  p = Put(p, ",\"special_cause_neutral\":");
  p = PutInt(p, phase.neutral);
  *p++ = '}';
  buffer.Commit(p);
}

}  // namespace

void NumberText::Append(double value, std::string_view missing, std::string& out) {
  if (!std::isfinite(value)) {
    out.append(missing);
    return;
  }
  const auto bits = std::bit_cast<uint64_t>(value);
  if (!valid_ || bits != bits_) {
    char text[kNumberRoom];
    size_ = static_cast<uint8_t>(detail::PutShortest(text, value) - text);
    std::memcpy(text_, text, size_);
    bits_ = bits;
    valid_ = true;
  }
  out.append(text_, size_);
}

void AppendPointJson(const spc::Point& point, std::string_view date, std::string_view note,
                     std::optional<size_t> index, std::string& out) {
  TextBuffer buffer(out);
  PointColumns columns;
  AppendPoint(point, true, date, note, index ? static_cast<int64_t>(*index) : -1, columns, buffer);
}

void AppendSummaryJson(const spc::Summary& summary, std::string& out) {
  TextBuffer buffer(out);
  buffer.Commit(PutSummary(buffer.Room(200 + StringRoom(summary.reading)), summary));
}

void AppendJsonString(std::string_view text, std::string& out) {
  TextBuffer buffer(out);
  buffer.Commit(PutString(buffer.Room(StringRoom(text)), text));
}

void AppendAnalysisJson(const spc::Analysis& analysis, const AnalysisTexts& texts,
                        std::string& out) {
  TextBuffer buffer(out);
  const std::string_view series = texts.series.value_or(std::string_view());
  char* p = buffer.Room(128 + StringRoom(series));
  *p++ = '{';
  if (texts.series) {
    p = Put(p, "\"series\":");
    p = PutString(p, series);
    *p++ = ',';
  }
  p = Put(p, "\"chart\":\"");
  p = Put(p, spc::Name(analysis.chart));
  p = Put(p, "\",\"rules\":\"");
  p = Put(p, spc::Name(analysis.rules));
  p = Put(p, "\",\"direction\":\"");
  p = Put(p, spc::Name(analysis.direction));
  p = Put(p, "\",\"points\":[");
  buffer.Commit(p);
  PointColumns columns;
  for (size_t i = 0; i < analysis.points.size(); ++i) {
    const spc::Point& point = analysis.points[i];
    AppendPoint(point, i == 0, At(texts.dates, point.row), At(texts.notes, point.row), -1, columns,
                buffer);
  }
  buffer.Commit(Put(buffer.Room(16), "],\"phases\":["));
  for (size_t i = 0; i < analysis.phases.size(); ++i) {
    if (i > 0) buffer.Commit(Put(buffer.Room(1), ","));
    AppendPhase(analysis.phases[i], analysis, texts, buffer);
  }
  p = buffer.Room(400 + StringRoom(analysis.summary.reading));
  p = Put(p, "],\"summary\":");
  p = PutSummary(p, analysis.summary);
  p = Put(p, ",\"warnings\":[");
  buffer.Commit(p);
  for (size_t i = 0; i < analysis.warnings.size(); ++i) {
    const spc::Warning& warning = analysis.warnings[i];
    p = buffer.Room(200 + StringRoom(warning.message));
    if (i > 0) *p++ = ',';
    p = Put(p, "{\"code\":\"");
    p = Put(p, spc::Name(warning.code));
    p = Put(p, "\",\"message\":");
    p = PutString(p, warning.message);
    if (warning.phase >= 0) {
      p = Put(p, ",\"phase\":");
      p = PutInt(p, warning.phase);
    }
    if (warning.line > 0) {
      p = Put(p, ",\"line\":");
      p = PutInt(p, warning.line);
    }
    *p++ = '}';
    buffer.Commit(p);
  }
  buffer.Commit(Put(buffer.Room(4), "]}\n"));
}

}  // namespace everyseat::codec
