// A story's words with the guard's findings marked (marked_words.h).
#include "marked_words.h"

#include <algorithm>
#include <string>

namespace everyseat::server::web {

std::string_view FindingWords(domain::FindingKind kind) {
  switch (kind) {
    case domain::FindingKind::kNhsNumber:
      return "NHS number";
    case domain::FindingKind::kDateOfBirth:
      return "Date of birth";
    case domain::FindingKind::kPostcode:
      return "Postcode";
    case domain::FindingKind::kName:
      return "Patient's name";
  }
  return "Patient detail";
}

// The findings (over title + "\n\n" + text + "\n\n" + learning, in characters) that fall in the
// part starting at character `part_start`, as byte spans of that part; sorted, not overlapping.
std::vector<Span> MarksIn(std::string_view part, int64_t part_start,
                          const std::vector<domain::Finding>& findings) {
  const std::vector<size_t> offsets = domain::CharacterOffsets(part);
  const auto length = static_cast<int64_t>(offsets.size() - 1);
  std::vector<Span> spans;
  for (const domain::Finding& finding : findings) {
    const int64_t begin = std::max<int64_t>(finding.start - part_start, 0);
    const int64_t end = std::min<int64_t>(finding.end - part_start, length);
    if (begin >= end) continue;
    spans.push_back({offsets[static_cast<size_t>(begin)], offsets[static_cast<size_t>(end)]});
  }
  std::sort(spans.begin(), spans.end(),
            [](const Span& a, const Span& b) { return a.begin < b.begin; });
  std::vector<Span> merged;
  for (const Span& span : spans) {
    if (!merged.empty() && span.begin <= merged.back().end) {
      merged.back().end = std::max(merged.back().end, span.end);
    } else {
      merged.push_back(span);
    }
  }
  return merged;
}

// A person's words as paragraphs (a blank line between them), line breaks kept, and the spans
// in `marks` highlighted with <mark>.
void Words(Html& h, std::string_view text, const std::vector<Span>& marks) {
  h << "<div class=\"es-story-words\"><p>"_m;
  std::string run;
  bool open = false;
  size_t next = 0;  // the next mark
  const auto flush = [&] {
    h << run;
    run.clear();
  };
  for (size_t i = 0; i < text.size();) {
    if (open && i >= marks[next].end) {
      flush();
      h << "</mark>"_m;
      open = false;
      ++next;
    }
    if (!open && next < marks.size() && i >= marks[next].begin) {
      flush();
      h << "<mark>"_m;
      open = true;
    }
    const char c = text[i];
    if (c == '\r' || c == '\n') {
      size_t newlines = 0;
      size_t j = i;
      while (j < text.size() && (text[j] == '\r' || text[j] == '\n')) {
        if (text[j] == '\n') ++newlines;
        ++j;
      }
      flush();
      if (open) h << "</mark>"_m;
      h << (newlines >= 2 ? "</p><p>"_m : "<br>"_m);
      if (open) h << "<mark>"_m;
      i = j;
      continue;
    }
    run += c;
    ++i;
  }
  flush();
  if (open) h << "</mark>"_m;
  h << "</p></div>"_m;
}

}  // namespace everyseat::server::web
