// Parsing the values found in CSV cells and query strings: numbers, ISO 8601 dates and
// date-times, booleans. Leading and trailing spaces and tabs are ignored.
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace everyseat::codec {

// A decimal number as C strtod reads it (correctly rounded): an optional '+' or '-', digits with
// an optional decimal point, an optional exponent ("1.5e-3"). No hex, inf, nan, thousands
// separators ("1,000"), or values beyond the range of a double (nullopt for all of them).
// Empty and "NA" are missing values: IsMissing tells them apart from bad text.
[[nodiscard]] std::optional<double> ParseNumber(std::string_view text);
[[nodiscard]] bool IsMissing(std::string_view text);

// ISO 8601: YYYY-MM-DD, or a date-time YYYY-MM-DDTHH:MM[:SS[.fraction]] with 'T' or a space,
// optionally followed by Z or +HH:MM / -HH:MM / +HHMM / -HHMM (converted to UTC). Returns whole
// seconds since 1970-01-01T00:00:00Z (a date is its midnight, UTC; a fraction is dropped).
// Checks the calendar (2021-02-29 fails) and the clock (hours 00-23, minutes and seconds 00-59).
[[nodiscard]] std::optional<int64_t> ParseDateTime(std::string_view text);

// true/1/yes and false/0/no (any case); empty is false.
[[nodiscard]] std::optional<bool> ParseBool(std::string_view text);

}  // namespace everyseat::codec
