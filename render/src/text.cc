// Text and number formatting for the SVG writer (see text.h).
// Thread-safety: stateless; safe to call concurrently.
#include "text.h"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdlib>

namespace everyseat::render::detail {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

[[nodiscard]] bool IsContinuation(unsigned char byte) { return (byte & 0xC0) == 0x80; }

// The length of the valid UTF-8 sequence starting at text[i], or 0 if it is not valid
// (overlong forms, surrogates and code points above U+10FFFF are invalid).
[[nodiscard]] size_t SequenceLength(std::string_view text, size_t i) {
  const auto at = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char b0 = at(i);
  const size_t left = text.size() - i;
  if (b0 < 0x80) return 1;
  if (b0 >= 0xC2 && b0 <= 0xDF) return left >= 2 && IsContinuation(at(i + 1)) ? 2 : 0;
  if (b0 >= 0xE0 && b0 <= 0xEF) {
    if (left < 3 || !IsContinuation(at(i + 1)) || !IsContinuation(at(i + 2))) return 0;
    if (b0 == 0xE0 && at(i + 1) < 0xA0) return 0;   // overlong
    if (b0 == 0xED && at(i + 1) >= 0xA0) return 0;  // surrogate
    return 3;
  }
  if (b0 >= 0xF0 && b0 <= 0xF4) {
    if (left < 4 || !IsContinuation(at(i + 1)) || !IsContinuation(at(i + 2)) ||
        !IsContinuation(at(i + 3))) {
      return 0;
    }
    if (b0 == 0xF0 && at(i + 1) < 0x90) return 0;   // overlong
    if (b0 == 0xF4 && at(i + 1) >= 0x90) return 0;  // above U+10FFFF
    return 4;
  }
  return 0;
}

}  // namespace

void AppendEscaped(std::string& out, std::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x80) {
      switch (c) {
        case '&':
          out += "&amp;";
          break;
        case '<':
          out += "&lt;";
          break;
        case '>':
          out += "&gt;";
          break;
        case '"':
          out += "&quot;";
          break;
        case '\'':
          out += "&apos;";
          break;
        default:
          if (byte >= 0x20 || c == '\t' || c == '\n' || c == '\r') out += c;
          break;  // other C0 controls are not allowed in XML 1.0
      }
      ++i;
      continue;
    }
    const size_t length = SequenceLength(text, i);
    if (length == 0) {
      out += kReplacement;
      ++i;
      continue;
    }
    // U+FFFE and U+FFFF are not XML characters.
    if (length == 3 && byte == 0xEF && static_cast<unsigned char>(text[i + 1]) == 0xBF &&
        static_cast<unsigned char>(text[i + 2]) >= 0xBE) {
      out += kReplacement;
    } else {
      out.append(text.substr(i, length));
    }
    i += length;
  }
}

size_t CharCount(std::string_view text) {
  size_t count = 0;
  size_t i = 0;
  while (i < text.size()) {
    const size_t length = SequenceLength(text, i);
    i += length == 0 ? 1 : length;
    ++count;
  }
  return count;
}

std::string Shorten(std::string_view text, size_t max_chars) {
  if (max_chars < 1) return {};
  if (CharCount(text) <= max_chars) return std::string(text);
  // Keep max_chars - 1 characters and add the ellipsis.
  size_t i = 0;
  for (size_t kept = 0; kept + 1 < max_chars && i < text.size(); ++kept) {
    const size_t length = SequenceLength(text, i);
    i += length == 0 ? 1 : length;
  }
  std::string result(text.substr(0, i));
  result += "\xE2\x80\xA6";  // …
  return result;
}

void AppendNumber(std::string& out, double value) {
  if (!std::isfinite(value) || std::fabs(value) > 1e15) {
    // Coordinates are always inside the picture; this guard only keeps the output valid.
    value = std::isfinite(value) ? std::copysign(1e15, value) : 0.0;
  }
  // Round half away from zero to hundredths (an inline cast: std::llround is a library call and
  // this function runs several times per point).
  const double scaled = std::fabs(value) * 100.0 + 0.5;
  const auto hundredths = static_cast<uint64_t>(scaled);
  char buffer[32];
  char* end = buffer + sizeof buffer;
  char* p = end;
  const auto fraction = static_cast<unsigned>(hundredths % 100);
  if (fraction != 0) {
    if (fraction % 10 != 0) *--p = static_cast<char>('0' + fraction % 10);
    *--p = static_cast<char>('0' + fraction / 10);
    *--p = '.';
  }
  uint64_t whole = hundredths / 100;
  do {
    *--p = static_cast<char>('0' + whole % 10);
    whole /= 10;
  } while (whole != 0);
  if (value < 0 && hundredths != 0) *--p = '-';
  out.append(p, static_cast<size_t>(end - p));
}

std::string FormatValue(double value) {
  if (!std::isfinite(value)) return "no value";
  if (value == 0) return "0";
  const double magnitude = std::fabs(value);
  char buffer[64];
  if (magnitude >= 1e5 && magnitude < 1e15) {
    std::string out;
    AppendNumber(out, value);
    return out;
  }
  if (magnitude < 1e15 && value == std::trunc(value)) {
    const auto result = std::to_chars(buffer, buffer + sizeof buffer, static_cast<int64_t>(value));
    return std::string(buffer, result.ptr);
  }
  const auto result =
      std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::general, 6);
  return std::string(buffer, result.ptr);
}

double TextWidth(std::string_view text, double font_size) {
  // 0.6 em is a little wider than the average Arial glyph (digits are 0.556 em).
  return static_cast<double>(CharCount(text)) * font_size * 0.6;
}

}  // namespace everyseat::render::detail
