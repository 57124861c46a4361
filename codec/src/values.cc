// Parsing cell values: decimal numbers (std::from_chars, correctly rounded), ISO 8601 dates and
// date-times (to seconds since the Unix epoch, UTC), booleans.
// Thread-safety: pure functions; no shared state.
#include "everyseat/codec/values.h"

#include <array>
#include <cctype>
#include <charconv>
#include <system_error>

namespace everyseat::codec {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Reads exactly `width` digits at `pos` into `value`, advancing `pos`. False if any is not a
// digit. (Called once per date part on a million-row file: kept small enough to inline.)
inline bool ReadDigits(std::string_view s, size_t& pos, size_t width, int& value) {
  if (s.size() - pos < width) return false;
  int result = 0;
  for (size_t i = 0; i < width; ++i) {
    const auto digit = static_cast<unsigned>(s[pos + i] - '0');
    if (digit > 9) return false;
    result = result * 10 + static_cast<int>(digit);
  }
  pos += width;
  value = result;
  return true;
}

bool Expect(std::string_view s, size_t& pos, char c) {
  if (pos >= s.size() || s[pos] != c) return false;
  ++pos;
  return true;
}

constexpr bool IsLeapYear(int64_t year) {
  return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

constexpr int DaysInMonth(int64_t year, int month) {
  constexpr std::array<int, 12> kDays = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && IsLeapYear(year) ? 29 : kDays[static_cast<size_t>(month - 1)];
}

// Days from 0001-01-01 (proleptic Gregorian) to the first of January of `year`, for year >= 1:
// 365 a year plus one for each leap year before it (every 4th, not every 100th, every 400th).
constexpr int64_t DaysBeforeYear(int64_t year) {
  const int64_t y = year - 1;
  return 365 * y + y / 4 - y / 100 + y / 400;
}

// Days from 1970-01-01 to the given date. REQUIRES: a valid date with 0 <= year <= 9999.
// Years are shifted by 400 (a whole cycle of 146097 days) so that year 0 needs no special case.
constexpr int64_t DaysFromCivil(int64_t year, int month, int day) {
  constexpr std::array<int, 12> kDaysBeforeMonth = {0,   31,  59,  90,  120, 151,
                                                    181, 212, 243, 273, 304, 334};
  constexpr int64_t kShift = 400;
  int64_t days = DaysBeforeYear(year + kShift) + kDaysBeforeMonth[static_cast<size_t>(month - 1)];
  if (month > 2 && IsLeapYear(year)) ++days;
  return days + day - 1 - DaysBeforeYear(1970 + kShift);
}
static_assert(DaysFromCivil(1970, 1, 1) == 0);
static_assert(DaysFromCivil(2000, 3, 1) == 11017);  // 30 years of 365 days + 7 leap days + 60

bool EqualsIgnoringCase(std::string_view text, std::string_view lower) {
  if (text.size() != lower.size()) return false;
  for (size_t i = 0; i < text.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(text[i])) != lower[i]) return false;
  }
  return true;
}

}  // namespace

std::optional<double> ParseNumber(std::string_view text) {
  text = Trim(text);
  bool negative = false;
  if (!text.empty() && (text.front() == '+' || text.front() == '-')) {
    negative = text.front() == '-';
    text.remove_prefix(1);
  }
  // from_chars alone would take "inf", "nan" and a second sign: insist on a digit or a point.
  if (text.empty() || !(IsDigit(text.front()) || text.front() == '.')) return std::nullopt;
  double value = 0;
  const char* const end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value, std::chars_format::general);
  if (ec != std::errc() || ptr != end) return std::nullopt;
  return negative ? -value : value;
}

bool IsMissing(std::string_view text) {
  text = Trim(text);
  return text.empty() || text == "NA";
}

std::optional<int64_t> ParseDateTime(std::string_view text) {
  text = Trim(text);
  size_t pos = 0;
  int year = 0;
  int month = 0;
  int day = 0;
  if (!ReadDigits(text, pos, 4, year) || !Expect(text, pos, '-') ||
      !ReadDigits(text, pos, 2, month) || !Expect(text, pos, '-') ||
      !ReadDigits(text, pos, 2, day)) {
    return std::nullopt;
  }
  if (month < 1 || month > 12 || day < 1 || day > DaysInMonth(year, month)) return std::nullopt;
  const int64_t midnight = DaysFromCivil(year, month, day) * 86400;
  if (pos == text.size()) return midnight;

  if (text[pos] != 'T' && text[pos] != ' ') return std::nullopt;
  ++pos;
  int hour = 0;
  int minute = 0;
  int second = 0;
  if (!ReadDigits(text, pos, 2, hour) || !Expect(text, pos, ':') ||
      !ReadDigits(text, pos, 2, minute) || hour > 23 || minute > 59) {
    return std::nullopt;
  }
  if (pos < text.size() && text[pos] == ':') {
    ++pos;
    if (!ReadDigits(text, pos, 2, second) || second > 59) return std::nullopt;
    if (pos < text.size() && text[pos] == '.') {  // a fraction of a second, dropped
      ++pos;
      if (pos == text.size() || !IsDigit(text[pos])) return std::nullopt;
      while (pos < text.size() && IsDigit(text[pos])) ++pos;
    }
  }
  int64_t offset = 0;  // seconds east of UTC
  if (pos < text.size()) {
    const char sign = text[pos++];
    if (sign == 'Z') {
      if (pos != text.size()) return std::nullopt;
    } else if (sign == '+' || sign == '-') {
      int offset_hours = 0;
      int offset_minutes = 0;
      if (!ReadDigits(text, pos, 2, offset_hours)) return std::nullopt;
      if (pos < text.size() && text[pos] == ':') ++pos;
      if (!ReadDigits(text, pos, 2, offset_minutes) || pos != text.size() || offset_hours > 23 ||
          offset_minutes > 59) {
        return std::nullopt;
      }
      offset = (offset_hours * 3600 + offset_minutes * 60) * (sign == '-' ? -1 : 1);
    } else {
      return std::nullopt;
    }
  }
  return midnight + hour * 3600 + minute * 60 + second - offset;
}

std::optional<bool> ParseBool(std::string_view text) {
  text = Trim(text);
  if (text.empty() || text == "0" || EqualsIgnoringCase(text, "false") ||
      EqualsIgnoringCase(text, "no")) {
    return false;
  }
  if (text == "1" || EqualsIgnoringCase(text, "true") || EqualsIgnoringCase(text, "yes")) {
    return true;
  }
  return std::nullopt;
}

}  // namespace everyseat::codec
