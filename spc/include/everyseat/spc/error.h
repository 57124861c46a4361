// Errors and results of the SPC engine.
//
// Bad input is the normal case for this engine, so failures are values, not exceptions: every
// fallible function returns Result<T>, which holds either the value or an Error naming what was
// wrong and where (the source line of the offending row, or the option's name).
// Thread-safety: plain values, safe to copy between threads.
#pragma once

#include <cstdint>
#include <string>

#include <tl/expected.hpp>

namespace everyseat::spc {

enum class ErrorCode {
  kInvalidOption,              // an option value out of range or inconsistent with another
  kDuplicateDate,              // a repeated date on a chart that takes one row per period
  kNonPositiveTime,            // t chart: time between events <= 0
  kNegativeDenominator,        // p, pp, u, up, ip: denominator < 0
  kNegativeCount,              // p, pp, u, up: numerator < 0
  kNumeratorAboveDenominator,  // p, pp: numerator > denominator
  kUnmatchedDate,              // a --rebase or --exclude date that matches no row
  kTargetTwice,                // a target option and a target column at the same time
  kOutOfOrder,                 // live series: a point dated before the last one
};

struct Error {
  ErrorCode code = ErrorCode::kInvalidOption;
  std::string message;  // plain English, no trailing full stop, no location prefix
  int64_t line = 0;     // source line of the row at fault; 0 when not about a row
  std::string field;    // option or column at fault; empty when not about one
};

template <class T>
using Result = tl::expected<T, Error>;

inline tl::unexpected<Error> Fail(ErrorCode code, std::string message, int64_t line = 0,
                                  std::string field = {}) {
  return tl::unexpected<Error>(Error{code, std::move(message), line, std::move(field)});
}

}  // namespace everyseat::spc
