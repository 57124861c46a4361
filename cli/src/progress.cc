// The progress bar: see progress.h.
#include "progress.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>

#include "admin.h"

namespace everyseat::cli {
namespace {

constexpr int kCells = 10;

int Percent(int64_t done, int64_t total) {
  return static_cast<int>(std::clamp<int64_t>(done * 100 / total, 0, 100));
}

}  // namespace

std::string FormatProgress(int64_t done, int64_t total, std::string_view unit) {
  const int percent = Percent(done, total);
  const int filled = percent / kCells;
  std::string text = "[";
  text.append(static_cast<size_t>(filled), '#');
  text.append(static_cast<size_t>(kCells - filled), ' ');
  text.append("] ").append(std::to_string(percent)).append("% ");
  text.append(WithCommas(done)).append("/").append(WithCommas(total)).append(" ");
  text.append(unit);
  return text;
}

Progress::Progress(int64_t total, std::string_view unit)
    : total_(total), unit_(unit), shown_(total > kProgressFrom && ::isatty(STDERR_FILENO) == 1) {}

Progress::~Progress() {
  if (open_) std::fputc('\n', stderr);
}

void Progress::Update(int64_t done) {
  if (!shown_) return;
  const int percent = Percent(done, total_);
  if (percent == last_percent_) return;
  last_percent_ = percent;
  const std::string text = FormatProgress(std::min(done, total_), total_, unit_);
  std::fprintf(stderr, "\r%s", text.c_str());
  std::fflush(stderr);
  open_ = true;
}

void Progress::Finish() {
  if (!shown_) return;
  Update(total_);
  if (open_) std::fputc('\n', stderr);
  open_ = false;
  shown_ = false;
}

}  // namespace everyseat::cli
