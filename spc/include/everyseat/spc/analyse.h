// Batch analysis of one series: the whole method of spc.md sections 1-4 in one call.
// Thread-safety: pure functions; safe to call concurrently on different outputs.
#pragma once

#include <span>

#include "everyseat/spc/error.h"
#include "everyseat/spc/types.h"

namespace everyseat::spc {

// Checks options that do not depend on the data (ranges, combinations).
[[nodiscard]] Result<void> Validate(const Options& options);

// Checks one row as Analyse checks each row (a negative count, a numerator above its
// denominator, ...), without analysing anything. REQUIRES: Validate(options) succeeds.
[[nodiscard]] Result<void> CheckRow(const Row& row, const Options& options);

// Analyses the rows as one series. Fails on input the method cannot take (a repeated date on
// an i chart, a negative denominator, ...), naming the row's line.
[[nodiscard]] Result<Analysis> Analyse(std::span<const Row> rows, const Options& options);

// As Analyse, into `out`, reusing its storage (for callers that analyse many series).
[[nodiscard]] Result<void> AnalyseInto(std::span<const Row> rows, const Options& options,
                                       Analysis& out);

// True when every field of the two analyses is equal, a missing number equal only to a
// missing number (the comparison the live series' property test makes).
[[nodiscard]] bool Identical(const Analysis& a, const Analysis& b);

// The plain-English reading of an analysis (also stored in Analysis::summary.reading).
[[nodiscard]] std::string Reading(const Analysis& analysis, const Options& options);

}  // namespace everyseat::spc
