// The patient-detail guard (guard.h): the text is decoded once into code points, each scanner
// walks them, and the findings are gathered and sorted.
#include "everyseat/domain/guard.h"

#include <algorithm>
#include <array>
#include <iterator>
#include <string>
#include <tuple>

namespace everyseat::domain {
namespace {

// Stands for a byte that is not part of well-formed UTF-8.
constexpr char32_t kBadByte = 0xFFFD;

// The length of the well-formed UTF-8 sequence at text[i] and its code point, or 0 when the byte
// there does not start one (Unicode 15, table 3-7).
size_t DecodeOne(std::string_view text, size_t i, char32_t& out) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char b0 = byte(i);
  if (b0 < 0x80) {
    out = b0;
    return 1;
  }
  size_t length = 0;
  unsigned char low = 0x80;  // the range of the second byte
  unsigned char high = 0xBF;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    length = 2;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    length = 3;
    if (b0 == 0xE0) low = 0xA0;
    if (b0 == 0xED) high = 0x9F;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    length = 4;
    if (b0 == 0xF0) low = 0x90;
    if (b0 == 0xF4) high = 0x8F;
  } else {
    return 0;
  }
  if (i + length > text.size()) return 0;
  if (byte(i + 1) < low || byte(i + 1) > high) return 0;
  for (size_t k = 2; k < length; ++k) {
    if (byte(i + k) < 0x80 || byte(i + k) > 0xBF) return 0;
  }
  char32_t value = b0 & (length == 2 ? 0x1F : length == 3 ? 0x0F : 0x07);
  for (size_t k = 1; k < length; ++k) value = (value << 6) | (byte(i + k) & 0x3F);
  out = value;
  return length;
}

// The text as code points, with the byte offset of each (and of the end).
struct Decoded {
  std::vector<char32_t> cp;
  std::vector<size_t> byte;  // cp.size() + 1 entries
};

Decoded Decode(std::string_view text) {
  Decoded d;
  d.cp.reserve(text.size());
  d.byte.reserve(text.size() + 1);
  size_t i = 0;
  while (i < text.size()) {
    char32_t c = 0;
    size_t length = DecodeOne(text, i, c);
    if (length == 0) {
      c = kBadByte;
      length = 1;
    }
    d.cp.push_back(c);
    d.byte.push_back(i);
    i += length;
  }
  d.byte.push_back(text.size());
  return d;
}

// --- Characters (guard.h, "Characters").

bool IsDigit(char32_t c) { return c >= '0' && c <= '9'; }
bool IsAsciiUpper(char32_t c) { return c >= 'A' && c <= 'Z'; }
bool IsAsciiLower(char32_t c) { return c >= 'a' && c <= 'z'; }
bool IsAsciiLetter(char32_t c) { return IsAsciiUpper(c) || IsAsciiLower(c); }
char32_t AsciiLower(char32_t c) { return IsAsciiUpper(c) ? c - 'A' + 'a' : c; }

bool IsLetter(char32_t c) {
  if (c < 0x80) return IsAsciiLetter(c);
  if (c < 0xC0 || c == 0xD7 || c == 0xF7) return false;
  if (c >= 0x2000 && c <= 0x2BFF) return false;
  if (c >= 0x3000 && c <= 0x303F) return false;
  if (c >= 0xFE00 && c <= 0xFE0F) return false;
  if (c == 0xFEFF || c == kBadByte) return false;
  if (c >= 0x1F000 && c <= 0x1FFFF) return false;
  return true;
}

bool IsAlnum(char32_t c) { return IsDigit(c) || IsLetter(c); }

// Latin Extended-A (U+0100-U+017F): upper case at even code points in U+0100-U+0137 and
// U+014A-U+0177, at odd ones in U+0139-U+0148 and U+0179-U+017E, and U+0178 (Ÿ); U+0138 (ĸ),
// U+0149 (ŉ) and U+017F (ſ) are lower case.
bool IsExtendedAUpper(char32_t c) {
  if (c >= 0x100 && c <= 0x137) return c % 2 == 0;
  if (c >= 0x139 && c <= 0x148) return c % 2 == 1;
  if (c >= 0x14A && c <= 0x177) return c % 2 == 0;
  if (c == 0x178) return true;
  if (c >= 0x179 && c <= 0x17E) return c % 2 == 1;
  return false;
}

bool IsUpper(char32_t c) {
  if (c < 0x80) return IsAsciiUpper(c);
  if (c >= 0xC0 && c <= 0xDE) return c != 0xD7;
  return IsExtendedAUpper(c);
}

bool IsLower(char32_t c) {
  if (c < 0x80) return IsAsciiLower(c);
  if (c >= 0xDF && c <= 0xFF) return c != 0xF7;
  if (c >= 0x100 && c <= 0x17F) return !IsExtendedAUpper(c);
  return false;
}

bool IsApostrophe(char32_t c) { return c == '\'' || c == 0x2019; }
// Spaces within a line: space, tab, no-break space, narrow no-break space.
bool IsHorizontalSpace(char32_t c) { return c == ' ' || c == '\t' || c == 0xA0 || c == 0x202F; }
bool IsSpace(char32_t c) {
  return IsHorizontalSpace(c) || c == '\n' || c == '\r' || c == '\f' || c == '\v' ||
         (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x3000;
}

// The scanners' view of the text.
class Scan {
 public:
  explicit Scan(const Decoded& d) : cp_(d.cp), n_(cp_.size()) {}

  [[nodiscard]] size_t size() const { return n_; }
  [[nodiscard]] char32_t at(size_t i) const { return i < n_ ? cp_[i] : 0; }
  [[nodiscard]] bool Digit(size_t i) const { return i < n_ && IsDigit(cp_[i]); }
  // No letter or digit just before i / at i.
  [[nodiscard]] bool StartsToken(size_t i) const { return i == 0 || !IsAlnum(cp_[i - 1]); }
  [[nodiscard]] bool EndsToken(size_t i) const { return i >= n_ || !IsAlnum(cp_[i]); }

  // Whether `word` (ASCII) is at i, ignoring ASCII case.
  [[nodiscard]] bool HasFolded(size_t i, std::string_view word) const {
    if (i + word.size() > n_) return false;
    for (size_t k = 0; k < word.size(); ++k) {
      if (AsciiLower(cp_[i + k]) != static_cast<char32_t>(word[k])) return false;
    }
    return true;
  }
  // Whether `word` (ASCII) is at i exactly.
  [[nodiscard]] bool Has(size_t i, std::string_view word) const {
    if (i + word.size() > n_) return false;
    for (size_t k = 0; k < word.size(); ++k) {
      if (cp_[i + k] != static_cast<char32_t>(word[k])) return false;
    }
    return true;
  }
  // The number of ASCII digits from i (at most `limit`).
  [[nodiscard]] size_t Digits(size_t i, size_t limit = 32) const {
    size_t k = 0;
    while (k < limit && Digit(i + k)) ++k;
    return k;
  }
  // The value of `count` digits at i.
  [[nodiscard]] int Number(size_t i, size_t count) const {
    int value = 0;
    for (size_t k = 0; k < count; ++k) value = value * 10 + static_cast<int>(cp_[i + k] - '0');
    return value;
  }
  // The end of a run of horizontal spaces from i (i itself when there are none).
  [[nodiscard]] size_t SkipHorizontal(size_t i) const {
    while (i < n_ && IsHorizontalSpace(cp_[i])) ++i;
    return i;
  }

 private:
  const std::vector<char32_t>& cp_;
  size_t n_;
};

struct Span {
  size_t start = 0;
  size_t end = 0;
};

// --- NHS numbers.

bool NhsSeparator(char32_t c) { return c == ' ' || c == '-'; }

// Modulus 11 (guard.h): the digits at `positions`.
bool ValidCheckDigit(const Scan& s, const std::array<size_t, 10>& positions) {
  int sum = 0;
  for (size_t k = 0; k < 9; ++k) {
    sum += static_cast<int>(s.at(positions[k]) - '0') * static_cast<int>(10 - k);
  }
  int check = 11 - sum % 11;
  if (check == 11) check = 0;
  if (check == 10) return false;
  return check == static_cast<int>(s.at(positions[9]) - '0');
}

void FindNhsNumbers(const Scan& s, std::vector<Span>& out) {
  for (size_t i = 0; i < s.size(); ++i) {
    if (!s.Digit(i)) continue;
    if (i >= 1 && s.Digit(i - 1)) continue;
    if (i >= 2 && NhsSeparator(s.at(i - 1)) && s.Digit(i - 2)) continue;
    std::array<size_t, 10> positions{};
    size_t end = 0;
    if (s.Digits(i, 11) == 10) {
      for (size_t k = 0; k < 10; ++k) positions[k] = i + k;
      end = i + 10;
    } else if (s.Digits(i, 4) == 3 && NhsSeparator(s.at(i + 3)) && s.Digits(i + 4, 4) == 3 &&
               s.at(i + 7) == s.at(i + 3) && s.Digits(i + 8, 5) == 4) {
      for (size_t k = 0; k < 3; ++k) positions[k] = i + k;
      for (size_t k = 0; k < 3; ++k) positions[3 + k] = i + 4 + k;
      for (size_t k = 0; k < 4; ++k) positions[6 + k] = i + 8 + k;
      end = i + 12;
    } else {
      continue;
    }
    if (s.Digit(end)) continue;
    if (NhsSeparator(s.at(end)) && s.Digit(end + 1)) continue;
    if (ValidCheckDigit(s, positions)) out.push_back({i, end});
  }
}

// --- Postcodes.

// The inward code's letters: any but C, I, K, M, O, V.
bool InwardLetter(char32_t c) {
  if (!IsAsciiLetter(c)) return false;
  switch (AsciiLower(c)) {
    case 'c':
    case 'i':
    case 'k':
    case 'm':
    case 'o':
    case 'v':
      return false;
    default:
      return true;
  }
}

// Whether [i, i + length) is an outward code: A9, A99, AA9, AA99, A9A, AA9A.
bool IsOutward(const Scan& s, size_t i, size_t length) {
  const auto letter = [&](size_t k) { return IsAsciiLetter(s.at(i + k)); };
  const auto digit = [&](size_t k) { return s.Digit(i + k); };
  switch (length) {
    case 2:
      return letter(0) && digit(1);  // A9
    case 3:
      return (letter(0) && digit(1) && digit(2)) ||   // A99
             (letter(0) && letter(1) && digit(2)) ||  // AA9
             (letter(0) && digit(1) && letter(2));    // A9A
    case 4:
      return letter(0) && letter(1) && digit(2) && (digit(3) || letter(3));  // AA99, AA9A
    default:
      return false;
  }
}

bool IsInward(const Scan& s, size_t i) {
  return s.Digit(i) && InwardLetter(s.at(i + 1)) && InwardLetter(s.at(i + 2));
}

void FindPostcodes(const Scan& s, std::vector<Span>& out) {
  size_t i = 0;
  while (i < s.size()) {
    if (!IsAlnum(s.at(i)) || !s.StartsToken(i)) {
      ++i;
      continue;
    }
    size_t j = i;
    while (j < s.size() && IsAlnum(s.at(j))) ++j;
    const size_t length = j - i;
    if (length >= 5 && length <= 7 && IsOutward(s, i, length - 3) && IsInward(s, j - 3)) {
      out.push_back({i, j});  // without the space
    } else if (IsOutward(s, i, length) && s.at(j) == ' ' && IsInward(s, j + 1) &&
               s.EndsToken(j + 4)) {
      out.push_back({i, j + 4});
      j += 4;
    }
    i = j;
  }
}

// --- Dates.

constexpr std::array<std::string_view, 12> kMonths = {
    "january", "february", "march",     "april",   "may",      "june",
    "july",    "august",   "september", "october", "november", "december"};

// The end of a month's name or abbreviation at i (a whole word, any case), or 0.
size_t MonthEnd(const Scan& s, size_t i) {
  if (!s.StartsToken(i)) return 0;
  for (const std::string_view month : kMonths) {
    for (const std::string_view form : {month, month.substr(0, 3), std::string_view("sept")}) {
      if (form == "sept" && month != "september") continue;
      if (s.HasFolded(i, form) && !IsLetter(s.at(i + form.size()))) {
        size_t end = i + form.size();
        if (form != month && s.at(end) == '.') ++end;  // "Mar."
        return end;
      }
    }
  }
  return 0;
}

// A day of 1 or 2 digits at i (1-31) with an optional ordinal suffix: its end, or 0.
size_t DayEnd(const Scan& s, size_t i) {
  const size_t digits = s.Digits(i, 3);
  if (digits < 1 || digits > 2) return 0;
  const int day = s.Number(i, digits);
  if (day < 1 || day > 31) return 0;
  size_t end = i + digits;
  for (const std::string_view suffix : {"st", "nd", "rd", "th"}) {
    if (s.HasFolded(end, suffix) && !IsLetter(s.at(end + 2))) return end + 2;
  }
  return IsLetter(s.at(end)) ? 0 : end;
}

// A year of exactly `digits` digits at i, not followed by a letter or digit: its end, or 0.
size_t YearEnd(const Scan& s, size_t i, size_t digits) {
  return s.Digits(i, digits + 1) == digits && s.EndsToken(i + digits) ? i + digits : 0;
}

bool DateSeparator(char32_t c) { return c == '/' || c == '.' || c == '-'; }

// Numeric dates at i (a token start): D/M/Y and Y-M-D. The end, or 0.
size_t NumericDateEnd(const Scan& s, size_t i) {
  const auto ends_cleanly = [&](size_t end) {
    return s.EndsToken(end) && !(DateSeparator(s.at(end)) && s.Digit(end + 1));
  };
  const size_t first = s.Digits(i, 5);
  const char32_t sep = s.at(i + first);
  if (first == 4 && (sep == '-' || sep == '/')) {  // Y-M-D
    const size_t m = s.Digits(i + 5, 3);
    if (m < 1 || m > 2 || s.at(i + 5 + m) != sep) return 0;
    const size_t d = s.Digits(i + 6 + m, 3);
    if (d < 1 || d > 2) return 0;
    const int month = s.Number(i + 5, m);
    const int day = s.Number(i + 6 + m, d);
    const size_t end = i + 6 + m + d;
    if (month < 1 || month > 12 || day < 1 || day > 31 || !ends_cleanly(end)) return 0;
    return end;
  }
  if ((first == 1 || first == 2) && DateSeparator(sep)) {  // D/M/Y (or M/D/Y)
    const size_t second = s.Digits(i + first + 1, 3);
    if (second < 1 || second > 2 || s.at(i + first + 1 + second) != sep) return 0;
    const size_t year_at = i + first + 2 + second;
    const size_t year = s.Digits(year_at, 5);
    if (year != 2 && year != 4) return 0;
    const int a = s.Number(i, first);
    const int b = s.Number(i + first + 1, second);
    const bool day_month = a >= 1 && a <= 31 && b >= 1 && b <= 12;
    const bool month_day = a >= 1 && a <= 12 && b >= 1 && b <= 31;
    const size_t end = year_at + year;
    if (!(day_month || month_day) || !ends_cleanly(end)) return 0;
    return end;
  }
  return 0;
}

// Dates in words at i (a token start). The end, or 0.
size_t WordDateEnd(const Scan& s, size_t i) {
  if (s.Digit(i)) {
    const size_t day = DayEnd(s, i);
    if (day == 0) return 0;
    if (s.at(day) == '-') {  // D-MON-Y
      const size_t month = MonthEnd(s, day + 1);
      if (month == 0 || s.at(month) != '-') return 0;
      if (const size_t year = YearEnd(s, month + 1, 4)) return year;
      return YearEnd(s, month + 1, 2);
    }
    size_t k = s.SkipHorizontal(day);
    if (k == day) return 0;
    if (s.HasFolded(k, "of") && IsHorizontalSpace(s.at(k + 2))) k = s.SkipHorizontal(k + 2);
    const size_t month = MonthEnd(s, k);
    if (month == 0) return 0;
    size_t y = month;
    if (s.at(y) == ',') ++y;
    const size_t spaced = s.SkipHorizontal(y);
    if (spaced > y) {
      if (const size_t year = YearEnd(s, spaced, 4)) return year;
    }
    // No year: the date ends with the month's name (without an abbreviation's full stop).
    return s.at(month - 1) == '.' ? month - 1 : month;
  }
  const size_t month = MonthEnd(s, i);  // MONTH D, YYYY
  if (month == 0) return 0;
  const size_t k = s.SkipHorizontal(month);
  if (k == month) return 0;
  const size_t day = DayEnd(s, k);
  if (day == 0) return 0;
  size_t y = day;
  if (s.at(y) == ',') ++y;
  const size_t spaced = s.SkipHorizontal(y);
  if (spaced == y) return 0;
  return YearEnd(s, spaced, 4);
}

// Every date in the text, left to right, not overlapping.
std::vector<Span> FindDates(const Scan& s) {
  std::vector<Span> dates;
  size_t i = 0;
  while (i < s.size()) {
    if (!s.StartsToken(i) || !IsAlnum(s.at(i))) {
      ++i;
      continue;
    }
    // Not the tail of a longer dotted or dashed number ("1.12.3.2024").
    const bool tail = i >= 2 && DateSeparator(s.at(i - 1)) && s.Digit(i - 2);
    const size_t end = tail ? 0 : std::max(NumericDateEnd(s, i), WordDateEnd(s, i));
    if (end > i) {
      dates.push_back({i, end});
      i = end;
    } else {
      ++i;
    }
  }
  return dates;
}

// Birth words: "born", "DOB", "DOB.", "D.O.B.", "D.O.B", "date of birth".
std::vector<Span> FindBirthWords(const Scan& s) {
  std::vector<Span> words;
  for (size_t i = 0; i < s.size(); ++i) {
    if (!s.StartsToken(i) || !IsLetter(s.at(i))) continue;
    size_t end = 0;
    if (s.HasFolded(i, "born") && s.EndsToken(i + 4)) {
      end = i + 4;
    } else if (s.HasFolded(i, "dob") && s.EndsToken(i + 3)) {
      end = i + 3;
      if (s.at(end) == '.') ++end;
    } else if (s.HasFolded(i, "d.o.b") && s.EndsToken(i + 5)) {
      end = i + 5;
      if (s.at(end) == '.') ++end;
    } else if (s.HasFolded(i, "date")) {
      size_t k = s.SkipHorizontal(i + 4);
      if (k > i + 4 && s.HasFolded(k, "of")) {
        const size_t of = k + 2;
        k = s.SkipHorizontal(of);
        if (k > of && s.HasFolded(k, "birth") && s.EndsToken(k + 5)) end = k + 5;
      }
    }
    if (end > 0) {
      words.push_back({i, end});
      i = end - 1;
    }
  }
  return words;
}

// The label punctuation allowed between a birth word and its date.
bool LabelPunctuation(char32_t c) {
  switch (c) {
    case ':':
    case '-':
    case 0x2013:  // en dash
    case 0x2014:  // em dash
    case '=':
    case '(':
    case ')':
    case '[':
    case ']':
      return true;
    default:
      return false;
  }
}

constexpr size_t kMaxGapWords = 4;
constexpr size_t kMaxGapLength = 80;  // code points; longer gaps hold more than 4 short words

// Whether [from, to) may separate a birth word from its date (guard.h, "Next to").
bool NextTo(const Scan& s, size_t from, size_t to) {
  if (to < from || to - from > kMaxGapLength) return false;
  size_t words = 0;
  size_t i = from;
  while (i < to) {
    const char32_t c = s.at(i);
    if (IsSpace(c) || LabelPunctuation(c)) {
      ++i;
    } else if (IsLetter(c)) {
      while (i < to && (IsLetter(s.at(i)) || (IsApostrophe(s.at(i)) && IsLetter(s.at(i + 1))))) {
        ++i;
      }
      if (++words > kMaxGapWords) return false;
    } else {
      return false;
    }
  }
  return true;
}

void FindDatesOfBirth(const Scan& s, std::vector<Span>& out) {
  const std::vector<Span> dates = FindDates(s);
  if (dates.empty()) return;
  for (const Span& word : FindBirthWords(s)) {
    const auto after = std::lower_bound(dates.begin(), dates.end(), word.end,
                                        [](const Span& d, size_t at) { return d.start < at; });
    if (after != dates.end() && NextTo(s, word.end, after->start)) {
      out.push_back(*after);
      continue;
    }
    const auto before = std::lower_bound(dates.begin(), dates.end(), word.start,
                                         [](const Span& d, size_t at) { return d.end <= at; });
    if (before != dates.begin() && NextTo(s, std::prev(before)->end, word.start)) {
      out.push_back(*std::prev(before));
    }
  }
}

// --- Names.

constexpr std::array<std::string_view, 5> kTitles = {"Mr", "Mrs", "Ms", "Miss", "Mx"};

// guard.h, "The stop list".
constexpr auto kNameStopWords = std::to_array<std::string_view>({
    "Access",      "Advice",    "Care",          "Centre",   "Centred",        "Champion",
    "Champions",   "Charter",   "Doctor",        "Dr",       "Engagement",     "Experience",
    "Feedback",    "First",     "Flow",          "Forum",    "Group",          "Information",
    "Involvement", "Journey",   "Led",           "Liaison",  "Matron",         "Network",
    "Nurse",       "Panel",     "Participation", "Partners", "Pathway",        "Portal",
    "Prof",        "Professor", "Records",       "Reported", "Representative", "Safety",
    "Service",     "Services",  "Sister",        "Stories",  "Story",          "Support",
    "Survey",      "Team",      "Transport",     "Voice",    "Monday",         "Tuesday",
    "Wednesday",   "Thursday",  "Friday",        "Saturday", "Sunday",
});

bool IsStopWord(std::string_view word) {
  return std::find(kNameStopWords.begin(), kNameStopWords.end(), word) != kNameStopWords.end();
}

bool IsTitle(std::string_view word) {
  return std::find(kTitles.begin(), kTitles.end(), word) != kTitles.end();
}

// The end of a capitalised word at i (guard.h, "capitalised name"), or 0.
size_t CapitalisedWordEnd(const Scan& s, size_t i) {
  if (!s.StartsToken(i) || !IsUpper(s.at(i))) return 0;
  size_t k = i + 1;
  if (IsApostrophe(s.at(k)) && IsUpper(s.at(k + 1))) k += 2;  // O'Brien
  if (!IsLower(s.at(k))) return 0;
  while (IsLetter(s.at(k))) ++k;
  while (s.at(k) == '-' && IsUpper(s.at(k + 1)) && IsLower(s.at(k + 2))) {  // Smith-Jones
    k += 2;
    while (IsLetter(s.at(k))) ++k;
  }
  return s.EndsToken(k) ? k : 0;
}

// The word [i, end) as ASCII, or "" when it holds anything else (non-ASCII names are never on
// the stop list nor titles).
std::string AsciiWord(const Scan& s, size_t i, size_t end) {
  std::string word;
  for (size_t k = i; k < end; ++k) {
    if (s.at(k) >= 0x80) return {};
    word.push_back(static_cast<char>(s.at(k)));
  }
  return word;
}

constexpr size_t kMaxNameWords = 4;

// The end of the capitalised name starting at i (after a title or trigger), or 0. With
// `trigger`, a first word on the stop list (or a title) means there is no name.
size_t NameEnd(const Scan& s, size_t i, bool trigger) {
  size_t end = CapitalisedWordEnd(s, i);
  if (end == 0) return 0;
  const std::string first = AsciiWord(s, i, end);
  if (trigger && (IsStopWord(first) || IsTitle(first))) return 0;
  for (size_t words = 1; words < kMaxNameWords; ++words) {
    const size_t next = s.SkipHorizontal(end);
    if (next == end) break;
    const size_t next_end = CapitalisedWordEnd(s, next);
    if (next_end == 0) break;
    const std::string word = AsciiWord(s, next, next_end);
    if (IsStopWord(word) || IsTitle(word)) break;
    end = next_end;
  }
  return end;
}

void FindNames(const Scan& s, std::vector<Span>& out) {
  for (size_t i = 0; i < s.size(); ++i) {
    if (!s.StartsToken(i) || !IsLetter(s.at(i))) continue;
    size_t after = 0;  // the end of the title or trigger
    bool trigger = false;
    for (const std::string_view title : kTitles) {
      if (s.Has(i, title) && s.EndsToken(i + title.size())) {
        after = i + title.size();
        if (s.at(after) == '.') ++after;
        break;
      }
    }
    if (after == 0) {
      for (const std::string_view word : {"patient", "client"}) {
        if (s.HasFolded(i, word) && s.EndsToken(i + word.size())) after = i + word.size();
      }
      if (s.HasFolded(i, "service")) {
        const size_t k = s.SkipHorizontal(i + 7);
        if (k > i + 7 && s.HasFolded(k, "user") && s.EndsToken(k + 4)) after = k + 4;
      }
      trigger = after > 0;
    }
    if (after == 0) continue;
    const size_t name = s.SkipHorizontal(after);
    const size_t end = name > after ? NameEnd(s, name, trigger) : 0;
    if (end == 0) continue;
    out.push_back({i, end});
    i = end - 1;
  }
}

}  // namespace

std::string_view Name(FindingKind kind) {
  switch (kind) {
    case FindingKind::kNhsNumber:
      return "nhs_number";
    case FindingKind::kDateOfBirth:
      return "date_of_birth";
    case FindingKind::kPostcode:
      return "postcode";
    case FindingKind::kName:
      return "name";
  }
  return "unknown";
}

std::vector<Finding> FindPatientDetails(std::string_view utf8_text) {
  const Decoded decoded = Decode(utf8_text);
  const Scan scan(decoded);
  std::vector<Finding> findings;
  const auto add = [&](FindingKind kind, const std::vector<Span>& spans) {
    for (const Span& span : spans) {
      const size_t from = decoded.byte[span.start];
      const size_t to = decoded.byte[span.end];
      findings.push_back({kind, static_cast<int64_t>(span.start), static_cast<int64_t>(span.end),
                          std::string(utf8_text.substr(from, to - from))});
    }
  };
  std::vector<Span> spans;
  FindNhsNumbers(scan, spans);
  add(FindingKind::kNhsNumber, spans);
  spans.clear();
  FindDatesOfBirth(scan, spans);
  add(FindingKind::kDateOfBirth, spans);
  spans.clear();
  FindPostcodes(scan, spans);
  add(FindingKind::kPostcode, spans);
  spans.clear();
  FindNames(scan, spans);
  add(FindingKind::kName, spans);

  const auto key = [](const Finding& f) { return std::tuple(f.start, f.end, f.kind); };
  std::sort(findings.begin(), findings.end(),
            [&](const Finding& a, const Finding& b) { return key(a) < key(b); });
  // A date can be claimed by two birth words ("DOB 1/2/1950 (DOB)"): once is enough.
  findings.erase(std::unique(findings.begin(), findings.end()), findings.end());
  return findings;
}

std::vector<size_t> CharacterOffsets(std::string_view text) { return Decode(text).byte; }

std::optional<size_t> FindInvalidUtf8(std::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    char32_t c = 0;
    const size_t length = DecodeOne(text, i, c);
    if (length == 0) return i;
    i += length;
  }
  return std::nullopt;
}

}  // namespace everyseat::domain
