// The CSV form of an analysis: see analysis_csv.h.
#include "everyseat/codec/analysis_csv.h"

#include <algorithm>

#include "text_buffer.h"

namespace everyseat::codec {
namespace {

constexpr std::string_view kHeader =
    "date,value,numerator,denominator,phase,centre,lower,upper,lower_2sigma,upper_2sigma,"
    "baseline,excluded,special_cause,rule,side,window,point_type,target,note\n";

using detail::kNumberRoom;
using detail::NumberMemo;
using detail::Put;
using detail::PutInt;
using detail::TextBuffer;

// The text at `index` of a per-row span; empty when there is none.
std::string_view At(std::span<const std::string_view> texts, size_t index) {
  return index < texts.size() ? texts[index] : std::string_view();
}

bool NeedsQuotes(std::string_view text) {
  for (char c : text) {
    if (c == ',' || c == '"' || c == '\n' || c == '\r') return true;
  }
  return false;
}

// Room for a text written as a CSV field: every character may double, plus the quotes.
size_t FieldRoom(std::string_view text) { return 2 * text.size() + 2; }

char* PutField(char* p, std::string_view text) {
  if (!NeedsQuotes(text)) return Put(p, text);
  *p++ = '"';
  for (char c : text) {
    if (c == '"') *p++ = '"';
    *p++ = c;
  }
  *p++ = '"';
  return p;
}

// Room for everything of a row but its series, date and note.
constexpr size_t kRowRoom = 200 + 9 * kNumberRoom + 3 * 24;

}  // namespace

void AppendCsvField(std::string_view text, std::string& out) {
  TextBuffer buffer(out);
  buffer.Commit(PutField(buffer.Room(FieldRoom(text)), text));
}

void AppendAnalysisCsvHeader(bool with_series, std::string& out) {
  if (with_series) out.append("series,");
  out.append(kHeader);
}

void AppendAnalysisCsvRows(const spc::Analysis& analysis, const AnalysisTexts& texts,
                           std::string& out, size_t first, size_t last) {
  TextBuffer buffer(out);
  last = std::min(last, analysis.points.size());
  const std::string_view series = texts.series.value_or(std::string_view());
  const size_t series_room = texts.series ? FieldRoom(series) + 1 : 0;
  NumberMemo value, numerator, denominator, centre, lower, upper, lower_2sigma, upper_2sigma,
      target;
  for (size_t i = first; i < last; ++i) {
    const spc::Point& pt = analysis.points[i];
    const std::string_view date = At(texts.dates, pt.row);
    const std::string_view note = At(texts.notes, pt.row);
    char* p = buffer.Room(kRowRoom + series_room + FieldRoom(date) + FieldRoom(note));
    if (texts.series) {
      p = PutField(p, series);
      *p++ = ',';
    }
    p = PutField(p, date);
    *p++ = ',';
    p = value.Put(p, pt.value, "");
    *p++ = ',';
    p = numerator.Put(p, pt.numerator, "");
    *p++ = ',';
    p = denominator.Put(p, pt.denominator, "");
    *p++ = ',';
    p = PutInt(p, pt.phase);
    *p++ = ',';
    p = centre.Put(p, pt.centre, "");
    *p++ = ',';
    p = lower.Put(p, pt.lower, "");
    *p++ = ',';
    p = upper.Put(p, pt.upper, "");
    *p++ = ',';
    p = lower_2sigma.Put(p, pt.lower_2sigma, "");
    *p++ = ',';
    p = upper_2sigma.Put(p, pt.upper_2sigma, "");
    p = pt.baseline ? Put(p, ",true") : Put(p, ",false");
    p = pt.excluded ? Put(p, ",true") : Put(p, ",false");
    p = pt.special_cause() ? Put(p, ",true,") : Put(p, ",false,");
    p = Put(p, spc::Name(pt.rule));
    *p++ = ',';
    p = Put(p, spc::Name(pt.side));
    *p++ = ',';
    if (pt.window_first >= 0) {
      p = PutInt(p, pt.window_first);
      *p++ = '-';
      p = PutInt(p, pt.window_last);
    }
    *p++ = ',';
    if (pt.has_value()) p = Put(p, spc::Name(pt.type));
    *p++ = ',';
    p = target.Put(p, pt.target, "");
    *p++ = ',';
    p = PutField(p, note);
    *p++ = '\n';
    buffer.Commit(p);
  }
}

}  // namespace everyseat::codec
