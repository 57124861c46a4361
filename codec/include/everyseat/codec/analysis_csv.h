// The CSV form of an analysis (spc.md section 5, `--format csv`): a header row, then one row per
// point with the point fields of the JSON form in the same order (`series` first with facets,
// `window` as `first-last`), null as an empty field, booleans as true/false, text fields quoted
// (RFC 4180) only when they hold a comma, a quote or a line break. Lines end with '\n'.
//
// Written for speed as the JSON form is: one string appended to, repeated numbers copied.
// Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <string>

#include "everyseat/codec/analysis_json.h"
#include "everyseat/spc/types.h"

namespace everyseat::codec {

// Appends the header row; with_series adds the leading `series` column.
void AppendAnalysisCsvHeader(bool with_series, std::string& out);

// Appends one row per point of [first, last) (all points by default; a caller that streams a
// long series to a file writes it in blocks); the `series` column is written when texts.series
// is set.
void AppendAnalysisCsvRows(const spc::Analysis& analysis, const AnalysisTexts& texts,
                           std::string& out, size_t first = 0,
                           size_t last = static_cast<size_t>(-1));

// Appends `text` as a CSV field, quoted when it must be.
void AppendCsvField(std::string_view text, std::string& out);

}  // namespace everyseat::codec
