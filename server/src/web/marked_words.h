// A story's words on a page, with what the patient-detail guard found marked: shared by the story
// pages (the author's check page) and the moderation pages. Internal to server/src/web.
// Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "everyseat/domain/guard.h"
#include "html.h"

namespace everyseat::server::web {

// "NHS number", "Date of birth", "Postcode", "Patient's name".
[[nodiscard]] std::string_view FindingWords(domain::FindingKind kind);

// A run of bytes of a text.
struct Span {
  size_t begin = 0;  // bytes
  size_t end = 0;
};

// The findings (over title + "\n\n" + text + "\n\n" + learning, in characters) that fall in the
// part starting at character `part_start`, as byte spans of that part; sorted, not overlapping.
[[nodiscard]] std::vector<Span> MarksIn(std::string_view part, int64_t part_start,
                                        const std::vector<domain::Finding>& findings);

// A person's words as paragraphs (a blank line between them), line breaks kept, and the spans
// in `marks` highlighted with <mark>.
void Words(Html& h, std::string_view text, const std::vector<Span>& marks = {});

}  // namespace everyseat::server::web
