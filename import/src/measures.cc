// The measures import (import.h): measures matched by team and name, updated only where a
// column of the file says otherwise; the teams of their paths made when missing.
#include <map>
#include <optional>
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

struct MeasureRow {
  size_t row = 0;
  std::vector<std::string> team;
  domain::Measure measure;  // without org, team and id
};

template <class Enum>
tl::expected<Enum, std::string> Choice(std::string_view column, std::string_view text,
                                       std::optional<Enum> (*parse)(std::string_view),
                                       Enum fallback, std::string_view choices) {
  if (text.empty()) return fallback;
  if (std::optional<Enum> value = parse(text)) return *value;
  return tl::unexpected(std::string(column) + " '" + std::string(text) + "' is not one of " +
                        std::string(choices));
}

class MeasureImport {
 public:
  MeasureImport(store::Store& store, const domain::Actor& actor, const domain::Organisation& org,
                const Sheet& sheet, const ImportOptions& options)
      : store_(store), actor_(actor), org_(org), sheet_(sheet), options_(options) {}

  ImportResult Run() {
    if (auto checked = Check(); !checked) return tl::unexpected(checked.error());
    return Write();
  }

 private:
  tl::unexpected<ImportError> Fail(size_t row, std::string_view reason) const {
    return tl::unexpected(sheet_.RowError(row, reason));
  }

  struct Columns {
    std::optional<size_t> definition, unit, kind, chart, direction, target, frequency;
  };

  Checked Check() {
    auto team = sheet_.Require("team_path");
    if (!team) return tl::unexpected(team.error());
    auto name = sheet_.Require("name");
    if (!name) return tl::unexpected(name.error());
    auto chart = sheet_.Require("chart");
    if (!chart) return tl::unexpected(chart.error());
    columns_.chart = *chart;
    columns_.definition = sheet_.Optional("definition");
    columns_.unit = sheet_.Optional("unit");
    columns_.kind = sheet_.Optional("kind");
    columns_.direction = sheet_.Optional("direction");
    columns_.target = sheet_.Optional("target");
    columns_.frequency = sheet_.Optional("frequency");
    auto teams = TeamDirectory::Load(store_, org_);
    if (!teams) return Refuse(teams.error());
    teams_.emplace(std::move(*teams));

    std::map<std::pair<std::string, std::string>, size_t> seen;  // (path, name) -> row
    rows_.reserve(sheet_.rows());
    for (size_t row = 0; row < sheet_.rows(); ++row) {
      MeasureRow r;
      r.row = row;
      auto segments = CheckTeamPath(sheet_.Cell(row, *team), org_.name);
      if (!segments) return Fail(row, segments.error());
      r.team = std::move(*segments);
      domain::Measure& m = r.measure;
      m.name = sheet_.Cell(row, *name);
      m.definition = sheet_.Cell(row, columns_.definition);
      m.unit = sheet_.Cell(row, columns_.unit);
      auto kind = Choice<domain::MeasureKind>(
          "kind", sheet_.Cell(row, columns_.kind), domain::ParseMeasureKind,
          domain::MeasureKind::kOutcome, "outcome, process, balancing");
      if (!kind) return Fail(row, kind.error());
      m.kind = *kind;
      const std::string_view chart_text = sheet_.Cell(row, columns_.chart);
      if (chart_text.empty()) return Fail(row, "chart is empty");
      auto parsed_chart = Choice<spc::Chart>("chart", chart_text, spc::ParseChart, spc::Chart::kI,
                                             "run, i, mr, p, pp, u, up, ip, c, g, t, xbar, s");
      if (!parsed_chart) return Fail(row, parsed_chart.error());
      m.chart = *parsed_chart;
      auto direction = Choice<spc::Direction>("direction", sheet_.Cell(row, columns_.direction),
                                              spc::ParseDirection, spc::Direction::kNeutral,
                                              "increase, decrease, neutral");
      if (!direction) return Fail(row, direction.error());
      m.direction = *direction;
      const std::string_view target = sheet_.Cell(row, columns_.target);
      if (!codec::IsMissing(target)) {
        std::optional<double> number = codec::ParseNumber(target);
        if (!number) {
          return Fail(row, "target '" + std::string(target) + "' is not a number");
        }
        m.target = number;
      }
      auto frequency = Choice<domain::Frequency>(
          "frequency", sheet_.Cell(row, columns_.frequency), domain::ParseFrequency,
          domain::Frequency::kMonthly, "daily, weekly, monthly, quarterly");
      if (!frequency) return Fail(row, frequency.error());
      m.frequency = *frequency;
      if (auto ok = domain::ValidateMeasure(m); !ok) return Fail(row, ok.error().message);
      const std::string path = domain::JoinTeamPath(r.team);
      if (auto [it, added] = seen.emplace(std::make_pair(path, m.name), row); !added) {
        return Fail(row, "measure '" + m.name + "' of " + path + " is on line " +
                             std::to_string(sheet_.line(it->second)) + " already");
      }
      rows_.push_back(std::move(r));
    }
    return {};
  }

  // The measures of a team, by name (loaded once per team).
  store::Result<const std::unordered_map<std::string, domain::Measure>*> MeasuresOf(
      domain::TeamId team) {
    auto cached = measures_.find(team.value);
    if (cached == measures_.end()) {
      auto listed = store_.ListMeasures(org_.id, team);
      if (!listed) return tl::unexpected(listed.error());
      std::unordered_map<std::string, domain::Measure> by_name;
      for (domain::Measure& m : *listed) by_name.emplace(m.name, std::move(m));
      cached = measures_.emplace(team.value, std::move(by_name)).first;
    }
    return &cached->second;
  }

  ImportResult Write() {
    int64_t added = 0;
    int64_t updated = 0;
    int64_t unchanged = 0;
    {
      const auto total = static_cast<int64_t>(rows_.size());
      Report(options_, 0, total);
      int64_t done = 0;
      for (const MeasureRow& r : rows_) {
        const auto fail = [&](const std::string& reason) { return Fail(r.row, reason); };
        auto team = teams_->Ensure(actor_, r.team);
        if (!team) return fail(team.error().message);
        auto measures = MeasuresOf(*team);
        if (!measures) return fail(measures.error().message);
        auto found = (*measures)->find(r.measure.name);
        if (found == (*measures)->end()) {
          domain::Measure m = r.measure;
          m.org = org_.id;
          m.team = *team;
          auto made = store_.CreateMeasure(actor_, m);
          if (!made) return fail(made.error().message);
          ++added;
        } else {
          const domain::Measure& before = found->second;
          domain::Measure after = before;
          after.chart = r.measure.chart;
          if (columns_.definition) after.definition = r.measure.definition;
          if (columns_.unit) after.unit = r.measure.unit;
          if (columns_.kind) after.kind = r.measure.kind;
          if (columns_.direction) after.direction = r.measure.direction;
          if (columns_.target) after.target = r.measure.target;
          if (columns_.frequency) after.frequency = r.measure.frequency;
          if (after == before) {
            ++unchanged;
          } else {
            auto saved = store_.UpdateMeasure(actor_, after);
            if (!saved) return fail(saved.error().message);
            ++updated;
          }
        }
        Report(options_, ++done, total);
      }
    }
    ImportSummary summary;
    summary.rows = static_cast<int64_t>(rows_.size());
    summary.teams_created = teams_->created();
    summary.added = added;
    summary.updated = updated;
    summary.unchanged = unchanged;
    summary.text = "imported " + Count(summary.rows, "measure", "measures") + " (" +
                   Count(teams_->created(), "new team", "new teams") + ", " +
                   Count(added, "new measure", "new measures") + ", " + std::to_string(updated) +
                   " updated, " + std::to_string(unchanged) + " unchanged)";
    return summary;
  }

  store::Store& store_;
  const domain::Actor& actor_;
  const domain::Organisation& org_;
  const Sheet& sheet_;
  const ImportOptions& options_;
  Columns columns_;
  std::optional<TeamDirectory> teams_;
  std::vector<MeasureRow> rows_;
  std::unordered_map<int64_t, std::unordered_map<std::string, domain::Measure>> measures_;
};

}  // namespace

ImportResult ImportMeasures(store::Store& store, const domain::Actor& actor, domain::OrgId org,
                            const Sheet& sheet, const ImportOptions& options) {
  return detail::InTransaction(store, org, [&](const domain::Organisation& organisation) {
    return MeasureImport(store, actor, organisation, sheet, options).Run();
  });
}

ImportResult ImportMeasures(store::Store& store, const domain::Actor& actor, domain::OrgId org,
                            std::string_view csv_text, std::string_view file_name,
                            const ImportOptions& options) {
  auto sheet = Sheet::Parse(std::string(csv_text), std::string(file_name));
  if (!sheet) return tl::unexpected(std::move(sheet.error()));
  return ImportMeasures(store, actor, org, *sheet, options);
}

}  // namespace everyseat::imports
