// A progress bar for long imports, on standard error and only when standard error is a terminal
// (never in pipes, logs or tests): the line `\r[#####     ] 52% 52,000/100,000 rows` is redrawn
// in place as the work goes on and ended with a newline.
// Thread-safety: one bar per process, used from one thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace everyseat::cli {

// Inputs with more rows than this get a bar.
inline constexpr int64_t kProgressFrom = 5000;

// The bar's text for `done` of `total` units (without the leading '\r'), e.g.
// "[#####     ] 52% 52,000/100,000 rows": ten cells, each 10%, filled as whole tens are done.
// REQUIRES: 0 <= done <= total, total > 0.
[[nodiscard]] std::string FormatProgress(int64_t done, int64_t total, std::string_view unit);

class Progress {
 public:
  // Shows a bar when standard error is a terminal and total > kProgressFrom; otherwise every
  // call does nothing.
  Progress(int64_t total, std::string_view unit);
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;
  // Ends the line when the bar was drawn and Finish was not called.
  ~Progress();

  // Redraws the bar when the per cent shown changes.
  void Update(int64_t done);
  // Draws the bar at 100% and ends its line.
  void Finish();

 private:
  int64_t total_ = 0;
  std::string unit_;
  bool shown_ = false;
  bool open_ = false;  // a bar line is on the terminal without its newline
  int last_percent_ = -1;
};

}  // namespace everyseat::cli
