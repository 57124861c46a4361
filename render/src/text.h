// Text and number formatting for the SVG writer: XML escaping of outside text (which may be any
// bytes), coordinates with at most two decimals, and the way values are shown to people.
//
// Thread-safety: free functions over their arguments; safe to call concurrently.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace everyseat::render::detail {

// Appends `text` with &, <, >, " and ' escaped, so the result is safe both as element content and
// inside a quoted attribute. Bytes that are not valid UTF-8 become U+FFFD, and characters that
// XML 1.0 forbids (C0 controls other than tab, newline and carriage return; U+FFFE, U+FFFF) are
// dropped, so any input yields well-formed XML.
void AppendEscaped(std::string& out, std::string_view text);

// The number of characters (code points) in UTF-8 text, counting each invalid byte as one.
[[nodiscard]] size_t CharCount(std::string_view text);

// `text` cut to at most `max_chars` characters on a character boundary, ending in "…" when cut.
// `max_chars` < 1 gives "".
[[nodiscard]] std::string Shorten(std::string_view text, size_t max_chars);

// Appends a coordinate or length: rounded to two decimals, trailing zeros dropped, never "-0".
// A non-finite number is written as 0 (the chart code never passes one; this is a last guard so
// "nan" and "inf" can never reach the output).
void AppendNumber(std::string& out, double value);

// A data value as shown to a reader: up to six significant digits ("45.2", "0.0123"), whole
// numbers and values from 1e5 to 1e15 in plain digits (at most two decimals), otherwise
// scientific ("1.5e-07"). "no value" for a non-finite number.
[[nodiscard]] std::string FormatValue(double value);

// Rough width in pixels of `text` set in a sans-serif face at `font_size`, for layout decisions
// (label thinning, shortening). Deliberately generous so estimated text never overlaps.
[[nodiscard]] double TextWidth(std::string_view text, double font_size);

}  // namespace everyseat::render::detail
