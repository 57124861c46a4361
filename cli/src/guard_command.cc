// everyseat guard: the patient-detail guard (everyseat/domain/guard.h) on a text read whole from
// standard input. Prints one line,
//
//   {"findings": [{"kind": "nhs_number", "start": 4, "end": 14, "text": "9434765919"}]}
//
// with the findings in the guard's order, offsets in Unicode code points (end exclusive), keys in
// that order; "findings" is [] when there are none. POST /api/v1/guard/check answers the same
// bytes (server/src/api/guard_routes.cc).
//
// Errors: exit status 2, nothing on standard output and one line on standard error, "everyseat
// guard: reason". Standard input that is not well-formed UTF-8 is refused ("stdin is not valid
// UTF-8 at byte N", N counted from 0) rather than guessed at, because code-point offsets into
// text that is not UTF-8 mean nothing to a reader who decodes it differently.
// Thread-safety: owns the process while it runs.
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "admin.h"
#include "args.h"
#include "commands.h"
#include "everyseat/codec/analysis_json.h"
#include "everyseat/domain/guard.h"
#include "files.h"

namespace everyseat::cli {
namespace {

constexpr std::string_view kCommand = "guard";

constexpr std::string_view kUsage =
    "usage: everyseat guard < TEXT\n"
    "\n"
    "Reads a text (UTF-8) on standard input and prints the patient details found in it, NHS\n"
    "numbers, dates of birth, UK postcodes and patients' names, as one line of JSON:\n"
    "  {\"findings\": [{\"kind\": \"postcode\", \"start\": 9, \"end\": 17, \"text\": \"SW1A "
    "1AA\"}]}\n"
    "kind is nhs_number, date_of_birth, postcode or name; start and end (exclusive) count\n"
    "Unicode characters from the start of the text. The rules are in domain/include/everyseat/\n"
    "domain/guard.h. Text that is not valid UTF-8 is refused.\n"
    "Exit status: 0 success (whether or not anything was found), 2 error.\n";

// clang-format off
const FlagSet kFlags{
    {},
    {"help"},
};
// clang-format on

// {"findings": [...]} and a newline, as the header describes.
std::string FindingsJson(const std::vector<domain::Finding>& findings) {
  std::string out = "{\"findings\": [";
  for (size_t i = 0; i < findings.size(); ++i) {
    const domain::Finding& f = findings[i];
    if (i > 0) out += ", ";
    out += "{\"kind\": \"";
    out += domain::Name(f.kind);
    out += "\", \"start\": " + std::to_string(f.start);
    out += ", \"end\": " + std::to_string(f.end);
    out += ", \"text\": ";
    codec::AppendJsonString(f.text, out);
    out += "}";
  }
  out += "]}\n";
  return out;
}

}  // namespace

int RunGuard(std::span<const std::string_view> args) {
  if (HasFlag(args, "--help")) {
    std::fwrite(kUsage.data(), 1, kUsage.size(), stdout);
    return 0;
  }
  auto flags = ScanFlags(args, kFlags);
  if (!flags) return Refuse(kCommand, flags.error());
  auto text = ReadWhole("-");
  if (!text) return Refuse(kCommand, text.error());
  if (const auto bad = domain::FindInvalidUtf8(*text)) {
    return Refuse(kCommand, "stdin is not valid UTF-8 at byte " + std::to_string(*bad));
  }
  if (auto written = WriteStdout(FindingsJson(domain::FindPatientDetails(*text))); !written) {
    return Refuse(kCommand, written.error());
  }
  return 0;
}

}  // namespace everyseat::cli
