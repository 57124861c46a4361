// The observations import (import.h): values of existing measures, checked against what is
// stored (a period with the same value is skipped; another value is refused or, with
// ImportOptions::correct, corrected), then written in batches.
#include <algorithm>
#include <charconv>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "everyseat/codec/values.h"
#include "everyseat/domain/validate.h"
#include "everyseat/import/directory.h"
#include "everyseat/import/import.h"
#include "internal.h"

namespace everyseat::imports {
namespace {

using detail::Checked;
using detail::Count;
using detail::Refuse;
using detail::Report;

// Rows given to one AppendObservations call (all inside the one transaction).
constexpr size_t kObservationChunk = 10000;

std::string ShortNumber(double value) {
  char buffer[32];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  return ec == std::errc() ? std::string(buffer, end) : std::to_string(value);
}

class ObservationImport {
 public:
  ObservationImport(store::Store& store, const domain::Actor& actor,
                    const domain::Organisation& org, const Sheet& sheet,
                    const ImportOptions& options)
      : store_(store), actor_(actor), org_(org), sheet_(sheet), options_(options) {}

  ImportResult Run() {
    if (auto checked = Check(); !checked) return tl::unexpected(checked.error());
    return Write();
  }

 private:
  tl::unexpected<ImportError> Fail(size_t row, std::string_view reason) const {
    return tl::unexpected(sheet_.RowError(row, reason));
  }

  struct Known {
    domain::Measure measure;
    std::unordered_map<int64_t, domain::Observation> current;  // by period start
    bool loaded = false;
  };

  Checked Check() {
    auto team = sheet_.Require("team_path");
    if (!team) return tl::unexpected(team.error());
    auto measure = sheet_.Require("measure");
    if (!measure) return tl::unexpected(measure.error());
    auto period = sheet_.Require("period");
    if (!period) return tl::unexpected(period.error());
    auto value = sheet_.Require("value");
    if (!value) return tl::unexpected(value.error());
    const std::optional<size_t> denominator = sheet_.Optional("denominator");
    auto teams = TeamDirectory::Load(store_, org_);
    if (!teams) return Refuse(teams.error());

    // (team path, measure name) -> the measure; loaded once per team.
    std::unordered_map<std::string, std::unordered_map<std::string, int64_t>> by_team;
    std::unordered_map<std::string, size_t> seen_at;
    for (size_t row = 0; row < sheet_.rows(); ++row) {
      const std::string_view path = sheet_.Cell(row, *team);
      auto segments = CheckTeamPath(path, org_.name);
      if (!segments) return Fail(row, segments.error());
      const std::string normal = domain::JoinTeamPath(*segments);
      auto names = by_team.find(normal);
      if (names == by_team.end()) {
        std::optional<domain::TeamId> id = teams->Find(*segments);
        if (!id) return Fail(row, "no team " + normal);
        auto listed = store_.ListMeasures(org_.id, *id);
        if (!listed) return Refuse(listed.error().message);
        std::unordered_map<std::string, int64_t> measure_ids;
        for (domain::Measure& m : *listed) {
          measure_ids.emplace(m.name, m.id.value);
          known_.emplace(m.id.value, Known{std::move(m), {}, false});
        }
        names = by_team.emplace(normal, std::move(measure_ids)).first;
      }
      const std::string_view measure_name = sheet_.Cell(row, *measure);
      if (measure_name.empty()) return Fail(row, "measure is empty");
      auto id = names->second.find(std::string(measure_name));
      if (id == names->second.end()) {
        return Fail(row,
                    "team " + normal + " has no measure named '" + std::string(measure_name) + "'");
      }
      Known& known = known_.at(id->second);

      domain::ObservationInput input;
      input.measure = known.measure.id;
      input.period = sheet_.Cell(row, *period);
      auto start = domain::ParseIsoDate(input.period);
      if (!start) return Fail(row, start.error().message);
      const std::string_view value_text = sheet_.Cell(row, *value);
      if (codec::IsMissing(value_text)) return Fail(row, "value is empty");
      std::optional<double> number = codec::ParseNumber(value_text);
      if (!number) {
        return Fail(row, "value '" + std::string(value_text) + "' is not a number");
      }
      input.value = *number;
      const std::string_view denominator_text = sheet_.Cell(row, denominator);
      if (!codec::IsMissing(denominator_text)) {
        input.denominator = codec::ParseNumber(denominator_text);
        if (!input.denominator) {
          return Fail(row, "denominator '" + std::string(denominator_text) + "' is not a number");
        }
      }
      if (auto ok = domain::ValidateObservation(input, known.measure.chart); !ok) {
        return Fail(row, ok.error().message);
      }
      const std::string key = std::to_string(input.measure.value) + "/" + input.period;
      if (auto [it, added] = seen_at.emplace(key, row); !added) {
        return Fail(row, "period " + input.period + " of measure '" + known.measure.name +
                             "' is on line " + std::to_string(sheet_.line(it->second)) +
                             " already");
      }
      if (!known.loaded) {
        auto listed = store_.ListObservations(org_.id, known.measure.id);
        if (!listed) return Refuse(listed.error().message);
        for (domain::Observation& o : *listed) known.current.emplace(o.period_start, std::move(o));
        known.loaded = true;
      }
      if (auto current = known.current.find(*start); current != known.current.end()) {
        const domain::Observation& o = current->second;
        if (o.value == input.value && o.denominator == input.denominator) {
          ++unchanged_;
          continue;
        }
        if (!options_.correct) {
          std::string was = ShortNumber(o.value);
          if (o.denominator) was += " / " + ShortNumber(*o.denominator);
          return Fail(row, "period " + input.period + " of measure '" + known.measure.name +
                               "' has the value " + was +
                               " already (--correct replaces it, keeping the history)");
        }
        corrections_.push_back(std::move(input));
        correction_rows_.push_back(row);
        continue;
      }
      appends_.push_back(std::move(input));
      append_rows_.push_back(row);
    }
    return {};
  }

  ImportResult Write() {
    {
      const auto total = static_cast<int64_t>(appends_.size() + corrections_.size());
      Report(options_, 0, total);
      int64_t done = 0;
      for (size_t i = 0; i < corrections_.size(); ++i) {
        auto corrected = store_.CorrectObservation(actor_, org_.id, corrections_[i]);
        if (!corrected) return Fail(correction_rows_[i], corrected.error().message);
        Report(options_, ++done, total);
      }
      const std::span<const domain::ObservationInput> all(appends_);
      for (size_t first = 0; first < all.size(); first += kObservationChunk) {
        const auto chunk = all.subspan(first, std::min(kObservationChunk, all.size() - first));
        auto appended = store_.AppendObservations(actor_, org_.id, chunk);
        if (!appended) return ChunkError(appended.error(), first);
        done += static_cast<int64_t>(chunk.size());
        Report(options_, done, total);
      }
    }
    ImportSummary summary;
    summary.rows = static_cast<int64_t>(sheet_.rows());
    summary.added = static_cast<int64_t>(appends_.size());
    summary.updated = static_cast<int64_t>(corrections_.size());
    summary.unchanged = unchanged_;
    summary.text = "imported " + Count(summary.rows, "observation", "observations") + " (" +
                   std::to_string(appends_.size()) + " new, " +
                   std::to_string(corrections_.size()) + " corrected, " +
                   std::to_string(unchanged_) + " unchanged)";
    return summary;
  }

  // AppendObservations names a bad row "row N: reason" (N from 1, within the chunk).
  tl::unexpected<ImportError> ChunkError(const store::StoreError& error, size_t first) const {
    std::string_view message = error.message;
    size_t index = first;
    if (message.starts_with("row ")) {
      size_t n = 0;
      const char* digits = message.data() + 4;
      auto [end, ec] = std::from_chars(digits, message.data() + message.size(), n);
      const std::string_view rest(end, static_cast<size_t>(message.data() + message.size() - end));
      if (ec == std::errc() && n >= 1 && first + n - 1 < appends_.size() &&
          rest.starts_with(": ")) {
        index = first + n - 1;
        message = rest.substr(2);
      }
    }
    return Fail(append_rows_[index], message);
  }

  store::Store& store_;
  const domain::Actor& actor_;
  const domain::Organisation& org_;
  const Sheet& sheet_;
  const ImportOptions& options_;
  std::unordered_map<int64_t, Known> known_;  // by measure id
  std::vector<domain::ObservationInput> appends_;
  std::vector<size_t> append_rows_;  // the sheet row of each append
  std::vector<domain::ObservationInput> corrections_;
  std::vector<size_t> correction_rows_;
  int64_t unchanged_ = 0;
};

}  // namespace

ImportResult ImportObservations(store::Store& store, const domain::Actor& actor, domain::OrgId org,
                                const Sheet& sheet, const ImportOptions& options) {
  return detail::InTransaction(store, org, [&](const domain::Organisation& organisation) {
    return ObservationImport(store, actor, organisation, sheet, options).Run();
  });
}

ImportResult ImportObservations(store::Store& store, const domain::Actor& actor, domain::OrgId org,
                                std::string_view csv_text, std::string_view file_name,
                                const ImportOptions& options) {
  auto sheet = Sheet::Parse(std::string(csv_text), std::string(file_name));
  if (!sheet) return tl::unexpected(std::move(sheet.error()));
  return ImportObservations(store, actor, org, *sheet, options);
}

}  // namespace everyseat::imports
