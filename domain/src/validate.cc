// The domain rules of validate.h. Thread-safety: pure functions.
#include "everyseat/domain/validate.h"

#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace everyseat::domain {
namespace {

bool IsControl(unsigned char c) { return c < 0x20 || c == 0x7f; }
bool IsSpace(char c) { return c == ' ' || c == '\t'; }

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

std::string Field(std::string_view field) { return std::string(field); }

// Howard Hinnant's days_from_civil and civil_from_days (proleptic Gregorian calendar).
int64_t DaysFromCivil(int64_t y, int64_t m, int64_t d) {
  y -= m <= 2 ? 1 : 0;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

bool IsLeap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int64_t DaysInMonth(int64_t y, int64_t m) {
  constexpr int64_t kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}

bool Digits(std::string_view s, int64_t& out) {
  out = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    out = out * 10 + (c - '0');
  }
  return !s.empty();
}

bool ValidDomainLabel(std::string_view label) {
  if (label.empty() || label.size() > 63) return false;
  if (label.front() == '-' || label.back() == '-') return false;
  for (char ch : label) {
    const auto c = static_cast<unsigned char>(ch);
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c >= 0x80;  // internationalised domain names in UTF-8
    if (!ok) return false;
  }
  return true;
}

}  // namespace

Check ValidateName(std::string_view field, std::string_view value, size_t max_length) {
  if (Trim(value).empty()) return Invalid(Field(field), Field(field) + " is empty");
  if (value.size() > max_length) {
    return Invalid(Field(field),
                   Field(field) + " is longer than " + std::to_string(max_length) + " characters");
  }
  for (char c : value) {
    if (IsControl(static_cast<unsigned char>(c))) {
      return Invalid(Field(field), Field(field) + " contains a control character");
    }
  }
  if (Trim(value).size() != value.size()) {
    return Invalid(Field(field), Field(field) + " starts or ends with a space");
  }
  return {};
}

Check ValidateText(std::string_view field, std::string_view value, size_t max_length) {
  if (value.size() > max_length) {
    return Invalid(Field(field),
                   Field(field) + " is longer than " + std::to_string(max_length) + " characters");
  }
  for (char c : value) {
    if (c != '\n' && c != '\t' && IsControl(static_cast<unsigned char>(c))) {
      return Invalid(Field(field), Field(field) + " contains a control character");
    }
  }
  return {};
}

Result<std::string> NormaliseEmail(std::string_view email) {
  const auto bad = [] {
    return Invalid("email", "email is not an email address like name@example.nhs.uk");
  };
  const std::string_view e = Trim(email);
  if (e.empty()) return Invalid("email", "email is empty");
  if (e.size() > kMaxEmailLength) {
    return Invalid("email",
                   "email is longer than " + std::to_string(kMaxEmailLength) + " characters");
  }
  const size_t at = e.find('@');
  if (at == std::string_view::npos || e.find('@', at + 1) != std::string_view::npos) return bad();
  const std::string_view local = e.substr(0, at);
  const std::string_view domain = e.substr(at + 1);
  if (local.empty() || local.size() > 64) return bad();
  if (local.front() == '.' || local.back() == '.' || local.find("..") != std::string_view::npos) {
    return bad();
  }
  for (char ch : local) {
    const auto c = static_cast<unsigned char>(ch);
    if (IsControl(c) || c == ' ' || c == '"' || c == '(' || c == ')' || c == ',' || c == ':' ||
        c == ';' || c == '<' || c == '>' || c == '[' || c == ']' || c == '\\') {
      return bad();
    }
  }
  size_t labels = 0;
  for (size_t start = 0;;) {
    const size_t dot = domain.find('.', start);
    const std::string_view label = domain.substr(start, dot - start);
    if (!ValidDomainLabel(label)) return bad();
    ++labels;
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  if (labels < 2) return bad();
  std::string out(e);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

Result<std::vector<std::string>> ParseTeamPath(std::string_view path) {
  if (Trim(path).empty()) return Invalid("path", "path is empty");
  std::vector<std::string> segments;
  for (size_t start = 0;;) {
    const size_t slash = path.find(kTeamPathSeparator, start);
    const std::string_view segment = Trim(path.substr(start, slash - start));
    if (segment.empty()) {
      return Invalid("path", "path has an empty part; write it like Organisation/Directorate/Team");
    }
    if (auto ok = ValidateName("path", segment); !ok) return tl::unexpected(ok.error());
    segments.emplace_back(segment);
    if (segments.size() > kMaxTeamDepth) {
      return Invalid("path", "path has more than " + std::to_string(kMaxTeamDepth) + " parts");
    }
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return segments;
}

std::string JoinTeamPath(std::span<const std::string> segments) {
  std::string out;
  for (const std::string& s : segments) {
    if (!out.empty()) out += kTeamPathSeparator;
    out += s;
  }
  return out;
}

Check ValidateTeamName(std::string_view name) {
  if (auto ok = ValidateName("name", name); !ok) return ok;
  if (name.find(kTeamPathSeparator) != std::string_view::npos) {
    return Invalid("name", "name contains '/', which separates the parts of a team path");
  }
  return {};
}

Result<int64_t> ParseIsoDate(std::string_view date) {
  const auto bad = [&] {
    return Invalid("period", "period is not a date written YYYY-MM-DD, like 2024-03-01");
  };
  if (date.size() != 10 || date[4] != '-' || date[7] != '-') return bad();
  int64_t y = 0;
  int64_t m = 0;
  int64_t d = 0;
  if (!Digits(date.substr(0, 4), y) || !Digits(date.substr(5, 2), m) ||
      !Digits(date.substr(8, 2), d)) {
    return bad();
  }
  if (y < 1900) return Invalid("period", "period is before 1900");
  if (m < 1 || m > 12 || d < 1 || d > DaysInMonth(y, m)) {
    return Invalid("period", "period " + std::string(date) + " is not a day of the calendar");
  }
  return DaysFromCivil(y, m, d) * 86400;
}

std::string FormatIsoDate(int64_t unix_seconds) {
  int64_t z = (unix_seconds >= 0 ? unix_seconds : unix_seconds - 86399) / 86400 + 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int64_t d = doy - (153 * mp + 2) / 5 + 1;
  const int64_t m = mp < 10 ? mp + 3 : mp - 9;
  const int64_t y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  char buf[16];
  buf[0] = static_cast<char>('0' + y / 1000 % 10);
  buf[1] = static_cast<char>('0' + y / 100 % 10);
  buf[2] = static_cast<char>('0' + y / 10 % 10);
  buf[3] = static_cast<char>('0' + y % 10);
  buf[4] = '-';
  buf[5] = static_cast<char>('0' + m / 10);
  buf[6] = static_cast<char>('0' + m % 10);
  buf[7] = '-';
  buf[8] = static_cast<char>('0' + d / 10);
  buf[9] = static_cast<char>('0' + d % 10);
  return std::string(buf, 10);
}

Check ValidatePerson(const Person& person) {
  if (auto ok = ValidateName("name", person.name); !ok) return ok;
  if (auto email = NormaliseEmail(person.email); !email) return tl::unexpected(email.error());
  if (auto ok = ValidateText("job_title", person.job_title, kMaxNameLength); !ok) return ok;
  if (person.line_manager && person.id.valid() && *person.line_manager == person.id) {
    return Invalid("line_manager", "line_manager is the person themself");
  }
  return {};
}

Check ValidateMeasure(const Measure& measure) {
  if (auto ok = ValidateName("name", measure.name); !ok) return ok;
  if (auto ok = ValidateText("definition", measure.definition); !ok) return ok;
  if (auto ok = ValidateText("unit", measure.unit, 50); !ok) return ok;
  if (measure.target && !std::isfinite(*measure.target)) {
    return Invalid("target", "target is not a finite number");
  }
  return {};
}

Check ValidateObservation(const ObservationInput& input, spc::Chart chart) {
  if (auto start = ParseIsoDate(input.period); !start) return tl::unexpected(start.error());
  if (!std::isfinite(input.value)) return Invalid("value", "value is not a finite number");
  if (input.denominator) {
    if (!std::isfinite(*input.denominator)) {
      return Invalid("denominator", "denominator is not a finite number");
    }
    if (*input.denominator < 0) return Invalid("denominator", "denominator is negative");
  } else if (spc::HasDenominator(chart)) {
    return Invalid("denominator", "denominator is missing; a " + std::string(spc::Name(chart)) +
                                      " chart needs one for every period");
  }
  return {};
}

Check ValidateAnnotation(const Annotation& annotation) {
  if (auto start = ParseIsoDate(annotation.period); !start) return tl::unexpected(start.error());
  if (Trim(annotation.text).empty()) return Invalid("text", "text is empty");
  return ValidateText("text", annotation.text);
}

}  // namespace everyseat::domain
