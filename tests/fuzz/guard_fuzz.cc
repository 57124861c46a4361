// libFuzzer target for the patient-detail guard (domain/guard.h): any bytes must be scanned
// without crashing, and the findings must keep the guard's promises: sorted by start, each a
// non-empty span inside the text, in code points; for well-formed UTF-8, each finding's text is
// exactly the UTF-8 of its span; and a second scan gives the same findings.
// Built with -fsanitize=fuzzer,address,undefined under clang (EVERYSEAT_FUZZ), and as a corpus
// replayer with GCC (replay_main.cc). Thread-safety: one input at a time, as libFuzzer calls it.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "everyseat/domain/guard.h"

namespace {

void Check(bool condition, const char* what) {
  if (!condition) {
    std::fprintf(stderr, "guard_fuzz: invariant broken: %s\n", what);
    std::abort();
  }
}

// The byte offset where each code point of well-formed UTF-8 starts, plus the text's size.
std::vector<size_t> CodePointStarts(std::string_view text) {
  std::vector<size_t> starts;
  for (size_t i = 0; i < text.size();) {
    starts.push_back(i);
    const auto lead = static_cast<unsigned char>(text[i]);
    i += lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
  }
  starts.push_back(text.size());
  return starts;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto findings = everyseat::domain::FindPatientDetails(text);
  const bool well_formed = !everyseat::domain::FindInvalidUtf8(text).has_value();
  const std::vector<size_t> starts = well_formed ? CodePointStarts(text) : std::vector<size_t>{};
  const auto code_points = static_cast<int64_t>(starts.size()) - 1;
  int64_t previous = 0;
  for (const auto& finding : findings) {
    Check(finding.start >= previous, "findings are sorted by start");
    previous = finding.start;
    Check(finding.start >= 0 && finding.start < finding.end, "a finding is a non-empty span");
    Check(!finding.text.empty(), "a finding has text");
    Check(finding.text.size() <= text.size(), "a finding is no longer than the text");
    Check(!everyseat::domain::Name(finding.kind).empty(), "a finding's kind has a name");
    if (well_formed) {
      Check(finding.end <= code_points, "a finding ends inside the text");
      const size_t from = starts[static_cast<size_t>(finding.start)];
      const size_t to = starts[static_cast<size_t>(finding.end)];
      Check(text.substr(from, to - from) == finding.text, "a finding's text is its span");
    }
  }
  Check(everyseat::domain::FindPatientDetails(text) == findings, "a second scan agrees");
  return 0;
}
