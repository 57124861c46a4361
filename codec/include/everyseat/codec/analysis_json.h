// The JSON form of an analysis, exactly as the command-line contract writes it (spc.md section
// 5): one compact object per analysis, keys in the contract's order, `series` first with facets,
// null for a number that does not exist, numbers in the shortest form that reads back as the
// same double. Also served by the HTTP API, so it appends to a caller's string and takes the
// texts the engine does not hold (dates and notes as written in the input) through a view.
//
// Written for speed: everything is appended to one string, and a number that repeats in a column
// (centre and limits are the same for every point of a phase) is formatted once.
// Thread-safety: pure functions; NumberText is a value owned by one caller.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "everyseat/spc/types.h"

namespace everyseat::codec {

// The texts an analysis is printed with that the engine does not hold.
struct AnalysisTexts {
  // Per input row, indexed by spc::Point::row: the date as written in the input.
  // REQUIRES: covers every Point::row of the analysis (a point beyond it gets a null date).
  std::span<const std::string_view> dates;
  // Per input row, indexed the same way: the note; empty text (or an empty span) = null.
  std::span<const std::string_view> notes;
  // With facets: the series name, written first.
  std::optional<std::string_view> series;
};

// Appends the analysis as one JSON object followed by '\n'.
void AppendAnalysisJson(const spc::Analysis& analysis, const AnalysisTexts& texts,
                        std::string& out);

// Appends one point as the analysis lists it (an element of "points"), with "index" first when
// it is given (the HTTP API's answer to an observation); `date` and `note` as in AnalysisTexts.
void AppendPointJson(const spc::Point& point, std::string_view date, std::string_view note,
                     std::optional<size_t> index, std::string& out);

// Appends the analysis's "summary" object.
void AppendSummaryJson(const spc::Summary& summary, std::string& out);

// Appends `text` as a JSON string (quoted; '"', '\\' and control characters escaped, invalid
// UTF-8 replaced by U+FFFD).
void AppendJsonString(std::string_view text, std::string& out);

// Formats doubles in the shortest form that reads back as the same double (100.0 gives "100"),
// remembering the last one: the same bits again are copied, not formatted again. A number
// that is not finite is written as `missing` ("null" in JSON, "" in CSV).
class NumberText {
 public:
  void Append(double value, std::string_view missing, std::string& out);

 private:
  uint64_t bits_ = 0;
  bool valid_ = false;
  uint8_t size_ = 0;
  char text_[32] = {};
};

}  // namespace everyseat::codec
