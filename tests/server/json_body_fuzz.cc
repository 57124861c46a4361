// libFuzzer target for JSON request bodies: ParseJsonBody, the FieldReader and the example's
// echo validation. Any bytes must parse or fail with a problem, never crash or throw. It checks
// what must always hold: a syntax error is a 400 naming the whole body (field ""); a problem
// document serialises to JSON that parses back; every field a FieldReader names is a JSON
// Pointer, and one that is not "is required" resolves to a value in the body; a parsed body
// serialises and parses back equal; an accepted echo has a finite value and a calendar date.
// Built with -fsanitize=fuzzer,address,undefined under clang (EVERYSEAT_FUZZ), and as a corpus
// replayer with GCC (tests/fuzz/replay_main.cc). No asio here. Thread-safety: one input at a time.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "everyseat/server/json.h"
#include "example_app.h"

namespace {

using everyseat::server::FieldReader;
using everyseat::server::Problem;
using nlohmann::json;

void Check(bool condition, const char* what) {
  if (!condition) {
    std::fprintf(stderr, "json_body_fuzz: invariant broken: %s\n", what);
    std::abort();
  }
}

void CheckProblem(const Problem& problem) {
  Check(problem.status == 400 || problem.status == 415 || problem.status == 422,
        "a body problem is a 400, 415 or 422");
  Check(!problem.detail.empty(), "a problem has a detail");
  Check(!problem.errors.empty(), "a body problem names at least one field");
  for (const auto& error : problem.errors) Check(!error.reason.empty(), "an error has a reason");
  const std::string text = everyseat::server::DumpJson(everyseat::server::ProblemJson(problem));
  Check(json::accept(text), "a problem document is JSON");
}

// Reads the fields an API route typically reads, then checks the errors' pointers.
void ReadFields(const json& body) {
  FieldReader reader(body);
  static_cast<void>(reader.Object(""));
  static_cast<void>(reader.Number("/value"));
  static_cast<void>(reader.Date("/date"));
  static_cast<void>(reader.Integer("/team", FieldReader::Presence::kOptional));
  static_cast<void>(reader.String("/name", FieldReader::Presence::kOptional, 16));
  static_cast<void>(reader.Bool("/flag", FieldReader::Presence::kOptional));
  if (const auto items = reader.Array("/items", FieldReader::Presence::kOptional, 64)) {
    for (size_t i = 0; i < *items; ++i) {
      const std::string item = everyseat::server::JsonPointer("/items", i);
      if (!reader.Object(item)) continue;
      static_cast<void>(reader.Number(item + "/value"));
      static_cast<void>(reader.Date(item + "/date"));
      reader.OnlyFields(item, {"value", "date"});
    }
  }
  reader.OnlyFields("", {"value", "date", "team", "name", "flag", "items"});
  for (const auto& error : reader.errors()) {
    Check(error.field.empty() || error.field.front() == '/', "a field is a JSON Pointer");
    if (error.reason != "is required") {
      Check(everyseat::server::Resolve(body, error.field) != nullptr,
            "a field with a bad value points at it");
    }
  }
  if (!reader.ok()) CheckProblem(reader.ToProblem());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  const auto parsed = everyseat::server::ParseJsonBody(body, "application/json");
  if (!parsed) {
    CheckProblem(parsed.error());
    Check(parsed.error().status == 400, "unparseable JSON is a 400");
    Check(parsed.error().errors.size() == 1 && parsed.error().errors[0].field.empty(),
          "a syntax error names the whole body");
  } else {
    const std::string again = everyseat::server::DumpJson(*parsed);
    const auto reparsed = everyseat::server::ParseJsonBody(again, "");
    Check(reparsed.has_value() && *reparsed == *parsed, "a parsed body round-trips");
    ReadFields(*parsed);
  }

  const auto echo = everyseat::server::example::ParseEcho(body, "application/json");
  if (echo) {
    Check(std::isfinite(echo->value), "an accepted value is finite");
    Check(everyseat::server::IsIsoDate(echo->date), "an accepted date is a calendar date");
  } else {
    CheckProblem(echo.error());
  }
  return 0;
}
