// The rules a value must meet before it is stored, whatever stores it. Each returns the first
// problem found, naming the field (DomainError::field) and the reason in plain English.
// Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "everyseat/domain/error.h"
#include "everyseat/domain/model.h"

namespace everyseat::domain {

inline constexpr size_t kMaxNameLength = 200;   // bytes of UTF-8
inline constexpr size_t kMaxEmailLength = 254;  // RFC 5321 path limit
inline constexpr size_t kMaxTextLength = 4000;  // definitions, annotations, descriptions
inline constexpr size_t kMaxTeamDepth = 16;     // segments of a team path
inline constexpr char kTeamPathSeparator = '/';

// Text that names something: not empty after trimming spaces, at most max_length bytes, no
// control characters, no surrounding spaces. `field` is used in the error.
[[nodiscard]] Check ValidateName(std::string_view field, std::string_view value,
                                 size_t max_length = kMaxNameLength);

// Free text that may be empty (definitions, descriptions): at most max_length bytes, no control
// characters other than tab and newline.
[[nodiscard]] Check ValidateText(std::string_view field, std::string_view value,
                                 size_t max_length = kMaxTextLength);

// An email address of the usual shape: local@domain.tld, no spaces, one '@', a domain with a dot
// and no empty labels, at most 254 bytes. Returns it trimmed and lower-cased (ASCII), which is
// how the store keeps it, so "A.Nurse@NHS.net" and "a.nurse@nhs.net" are the same person.
[[nodiscard]] Result<std::string> NormaliseEmail(std::string_view email);

// A team path "Organisation/Directorate/Team": segments separated by '/', each trimmed of spaces
// and a valid name; at least one segment, at most kMaxTeamDepth.
[[nodiscard]] Result<std::vector<std::string>> ParseTeamPath(std::string_view path);
[[nodiscard]] std::string JoinTeamPath(std::span<const std::string> segments);
// A team's own name: a valid name with no '/'.
[[nodiscard]] Check ValidateTeamName(std::string_view name);

// An ISO 8601 calendar date "YYYY-MM-DD" (years 1900 to 9999) as Unix seconds at 00:00 UTC.
[[nodiscard]] Result<int64_t> ParseIsoDate(std::string_view date);
// The inverse of ParseIsoDate for any day from 1900-01-01.
[[nodiscard]] std::string FormatIsoDate(int64_t unix_seconds);

// Name, email shape, job title, and a line manager who is not the person themself.
[[nodiscard]] Check ValidatePerson(const Person& person);
// Name, definition, unit, target (finite when present).
[[nodiscard]] Check ValidateMeasure(const Measure& measure);
// The period is a date; the value is finite; the denominator, when present, is finite and not
// negative, and is required when the chart has one (spc::HasDenominator).
[[nodiscard]] Check ValidateObservation(const ObservationInput& input, spc::Chart chart);
// The period is a date; the text is a non-empty valid text.
[[nodiscard]] Check ValidateAnnotation(const Annotation& annotation);

}  // namespace everyseat::domain
