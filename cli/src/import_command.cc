// everyseat import staff|measures|observations: a CSV file (or standard input) into the store,
// all or nothing.
//
//   staff         name, email, job_title, staff_group, team_path, line_manager_email
//   measures      team_path, name, definition, unit, kind, chart, direction, target, frequency
//   observations  team_path, measure, period, value, denominator
//
// The file is read with the codec's CSV reader (a header row, columns found by name, extra
// columns ignored, a byte-order mark and CRLF line ends accepted; cells are trimmed of spaces).
// Inside one store transaction every row is checked first against the file and the database,
// and the first problem is reported as `FILE:LINE: reason` (LINE the physical line, the header
// being line 1; FILE as given, `<stdin>` for -); only then is anything written. A store error
// while writing rolls everything back and is reported at the line of the row that caused it.
// Importing the same file again changes nothing: people and measures are updated only where a
// field differs, observations whose period has the same value are skipped.
//
// On success one summary line goes to standard output. On a terminal, a file of more than
// kProgressFrom rows shows a progress bar on standard error while it is written.
// Thread-safety: owns the process while it runs.
#include <algorithm>
#include <charconv>
#include <cstdio>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "admin.h"
#include "args.h"
#include "commands.h"
#include "everyseat/codec/csv.h"
#include "everyseat/codec/values.h"
#include "everyseat/domain/validate.h"
#include "files.h"
#include "progress.h"

namespace everyseat::cli {
namespace {

constexpr std::string_view kCommand = "import";

constexpr std::string_view kUsage =
    "usage: everyseat import staff        --db URL --org NAME FILE|-\n"
    "       everyseat import measures     --db URL --org NAME FILE|-\n"
    "       everyseat import observations --db URL --org NAME [--correct] FILE|-\n"
    "\n"
    "Imports a CSV file ('-' reads standard input), all or nothing: every row is checked before\n"
    "anything is written, and the first problem is reported as FILE:LINE: reason.\n"
    "Columns, found by name (others are ignored):\n"
    "  staff         name, email, team_path; job_title, staff_group, line_manager_email\n"
    "  measures      team_path, name, chart; definition, unit, kind, direction, target,\n"
    "                frequency\n"
    "  observations  team_path, measure, period, value; denominator\n"
    "A team_path is Organisation/Directorate/Team, starting with the --org name. Staff and\n"
    "measures make the teams they name; people are matched by email, measures by team and name,\n"
    "and updated only where a field differs. An observation for a period that has the same value\n"
    "already is skipped; a different value is an error unless --correct is given, which corrects\n"
    "it (the old value is kept in the history).\n"
    "--db is sqlite:PATH, postgresql://USER@HOST/DB or postgresql:CONNINFO.\n"
    "Exit status: 0 success, 2 error (nothing is changed).\n";

// Rows given to one AppendObservations call (all inside the one transaction).
constexpr size_t kObservationChunk = 10000;

// A refusal: the line to print on standard error (without the newline).
struct Failure {
  std::string line;
};
using Done = tl::expected<std::string, Failure>;  // the summary line

tl::unexpected<Failure> CommandError(std::string_view reason) {
  return tl::unexpected(Failure{"everyseat import: " + std::string(reason)});
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// A domain error's message under the CSV column's name: "email is empty" read in the
// line_manager_email column is "line_manager_email is empty".
std::string Renamed(const domain::DomainError& error, std::string_view from, std::string_view to) {
  std::string message = error.message;
  if (message.starts_with(from)) message = std::string(to) + message.substr(from.size());
  return message;
}

std::string ShortNumber(double value) {
  char buffer[32];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  return ec == std::errc() ? std::string(buffer, end) : std::to_string(value);
}

// The parsed file and its columns, and the errors that name a line of it.
class Sheet {
 public:
  Sheet(codec::CsvTable table, std::string file)
      : table_(std::move(table)), file_(std::move(file)) {}

  [[nodiscard]] size_t rows() const { return table_.rows(); }
  [[nodiscard]] int64_t line(size_t row) const { return table_.line(row); }

  // A column that must be there (else an error at the header's line).
  [[nodiscard]] tl::expected<size_t, Failure> Require(std::string_view name) const {
    if (std::optional<size_t> column = table_.Find(name)) return *column;
    return Error(table_.header_line(), "missing column '" + std::string(name) + "'");
  }
  [[nodiscard]] std::optional<size_t> Optional(std::string_view name) const {
    return table_.Find(name);
  }
  // The cell trimmed of spaces and tabs; "" for an absent column.
  [[nodiscard]] std::string_view Cell(size_t row, std::optional<size_t> column) const {
    return column ? Trim(table_.cell(row, *column)) : std::string_view();
  }

  [[nodiscard]] tl::unexpected<Failure> Error(int64_t line, std::string_view reason) const {
    return tl::unexpected(Failure{file_ + ":" + std::to_string(line) + ": " + std::string(reason)});
  }
  [[nodiscard]] tl::unexpected<Failure> RowError(size_t row, std::string_view reason) const {
    return Error(line(row), reason);
  }

 private:
  codec::CsvTable table_;
  std::string file_;
};

// --- Staff.

struct StaffRow {
  size_t row = 0;
  std::string name;
  std::string email;  // normalised
  std::string job_title;
  domain::StaffGroup staff_group = domain::StaffGroup::kOther;
  std::vector<std::string> team;       // path segments; empty: no team
  std::optional<std::string> manager;  // normalised email
  int depth = 0;                       // in the line management tree once imported
};

class StaffImport {
 public:
  StaffImport(store::Store& store, const domain::Organisation& org, const Sheet& sheet)
      : store_(store), org_(org), sheet_(sheet) {}

  Done Run() {
    if (auto checked = Check(); !checked) return tl::unexpected(checked.error());
    return Write();
  }

 private:
  tl::expected<void, Failure> Check() {
    auto name = sheet_.Require("name");
    if (!name) return tl::unexpected(name.error());
    auto email = sheet_.Require("email");
    if (!email) return tl::unexpected(email.error());
    auto team = sheet_.Require("team_path");
    if (!team) return tl::unexpected(team.error());
    const std::optional<size_t> job_title = sheet_.Optional("job_title");
    const std::optional<size_t> staff_group = sheet_.Optional("staff_group");
    const std::optional<size_t> manager = sheet_.Optional("line_manager_email");
    has_job_title_ = job_title.has_value();
    has_staff_group_ = staff_group.has_value();
    has_manager_ = manager.has_value();

    auto people = store_.ListPeople(org_.id);
    if (!people) return CommandError(Describe(people.error()));
    for (domain::Person& person : *people) {
      email_of_.emplace(person.id.value, person.email);
      existing_.emplace(person.email, std::move(person));
    }
    auto teams = TeamDirectory::Load(store_, org_);
    if (!teams) return CommandError(teams.error());
    teams_.emplace(std::move(*teams));

    // The file's emails first, so that a line manager may be on a later line.
    std::unordered_set<std::string> in_file;
    for (size_t row = 0; row < sheet_.rows(); ++row) {
      if (auto normal = domain::NormaliseEmail(sheet_.Cell(row, *email))) in_file.insert(*normal);
    }

    rows_.reserve(sheet_.rows());
    for (size_t row = 0; row < sheet_.rows(); ++row) {
      StaffRow r;
      r.row = row;
      const std::string_view name_text = sheet_.Cell(row, *name);
      if (auto ok = domain::ValidateName("name", name_text); !ok) {
        return sheet_.RowError(row, ok.error().message);
      }
      r.name = name_text;
      auto normal = domain::NormaliseEmail(sheet_.Cell(row, *email));
      if (!normal) return sheet_.RowError(row, normal.error().message);
      r.email = std::move(*normal);
      if (auto [it, added] = row_of_.emplace(r.email, rows_.size()); !added) {
        return sheet_.RowError(row, "email " + r.email + " is on line " +
                                        std::to_string(sheet_.line(rows_[it->second].row)) +
                                        " already");
      }
      const std::string_view job = sheet_.Cell(row, job_title);
      if (auto ok = domain::ValidateText("job_title", job, domain::kMaxNameLength); !ok) {
        return sheet_.RowError(row, ok.error().message);
      }
      r.job_title = job;
      const std::string_view group = sheet_.Cell(row, staff_group);
      if (!group.empty()) {
        std::optional<domain::StaffGroup> parsed = ParseStaffGroupText(group);
        if (!parsed) return sheet_.RowError(row, UnknownStaffGroup("staff_group", group));
        r.staff_group = *parsed;
      }
      const std::string_view path = sheet_.Cell(row, *team);
      if (!path.empty()) {
        auto segments = CheckTeamPath(path, org_.name);
        if (!segments) return sheet_.RowError(row, segments.error());
        r.team = std::move(*segments);
      }
      const std::string_view manager_text = sheet_.Cell(row, manager);
      if (!manager_text.empty()) {
        auto manager_email = domain::NormaliseEmail(manager_text);
        if (!manager_email) {
          return sheet_.RowError(row,
                                 Renamed(manager_email.error(), "email", "line_manager_email"));
        }
        if (*manager_email == r.email) {
          return sheet_.RowError(row, "line_manager_email is the person's own email");
        }
        if (!in_file.contains(*manager_email) && !existing_.contains(*manager_email)) {
          return sheet_.RowError(row, "line_manager_email " + *manager_email +
                                          " is neither in the file nor in the organisation");
        }
        r.manager = std::move(*manager_email);
      }
      rows_.push_back(std::move(r));
    }
    return OrderByLineManagement();
  }

  // The line manager of `email` once the file is imported, if any.
  std::optional<std::string> ManagerAfter(const std::string& email) const {
    if (auto row = row_of_.find(email); row != row_of_.end()) {
      const StaffRow& r = rows_[row->second];
      if (has_manager_) return r.manager;
    }
    auto person = existing_.find(email);
    if (person == existing_.end() || !person->second.line_manager) return std::nullopt;
    return email_of_.at(person->second.line_manager->value);
  }

  // Gives each row its depth in the line management tree as it will be after the import, and
  // refuses a loop of line management. Rows are written in order of depth (managers before
  // those they manage), so that no intermediate state has a loop either: the store refuses one.
  tl::expected<void, Failure> OrderByLineManagement() {
    std::unordered_map<std::string, int> depth;
    for (StaffRow& row : rows_) {
      std::vector<std::string> chain;  // from the row's person up, not yet given a depth
      std::unordered_map<std::string, size_t> on_chain;
      std::string at = row.email;
      int base = -1;
      for (;;) {
        if (auto known = depth.find(at); known != depth.end()) {
          base = known->second;
          break;
        }
        if (auto seen = on_chain.find(at); seen != on_chain.end()) {
          return Loop(std::span(chain).subspan(seen->second));
        }
        on_chain.emplace(at, chain.size());
        chain.push_back(at);
        std::optional<std::string> manager = ManagerAfter(at);
        if (!manager) break;
        at = std::move(*manager);
      }
      for (size_t i = chain.size(); i-- > 0;) depth[chain[i]] = ++base;
      row.depth = depth.at(row.email);
    }
    order_.resize(rows_.size());
    for (size_t i = 0; i < order_.size(); ++i) order_[i] = i;
    std::stable_sort(order_.begin(), order_.end(),
                     [&](size_t a, size_t b) { return rows_[a].depth < rows_[b].depth; });
    return {};
  }

  // A loop of line management among `members` (each managed by the next, the last by the
  // first): an error at the earliest line among them. The store keeps the organisation free of
  // loops, so a loop goes through the file.
  tl::unexpected<Failure> Loop(std::span<const std::string> members) const {
    size_t at = 0;  // the reported person's place in `members`
    const StaffRow* reported = nullptr;
    for (size_t i = 0; i < members.size(); ++i) {
      auto row = row_of_.find(members[i]);
      if (row == row_of_.end()) continue;
      const StaffRow& r = rows_[row->second];
      if (reported == nullptr || r.row < reported->row) {
        reported = &r;
        at = i;
      }
    }
    if (reported == nullptr) return CommandError("the organisation has a loop of line management");
    std::string loop;
    for (size_t i = 0; i <= members.size(); ++i) {
      if (!loop.empty()) loop += " -> ";
      loop += members[(at + i) % members.size()];
    }
    return sheet_.RowError(reported->row, "line_manager_email " + reported->manager.value_or("") +
                                              " would make a loop of line management (" + loop +
                                              ", each managed by the next)");
  }

  Done Write() {
    const domain::Actor actor = domain::Actor::System("import");
    int64_t added = 0;
    int64_t updated = 0;
    int64_t unchanged = 0;
    std::unordered_map<std::string, domain::PersonId> id_of;
    for (const auto& [email, person] : existing_) id_of.emplace(email, person.id);
    {
      Progress progress(static_cast<int64_t>(order_.size()), "rows");
      int64_t done = 0;
      for (size_t index : order_) {
        const StaffRow& r = rows_[index];
        const auto fail = [&](const std::string& reason) { return sheet_.RowError(r.row, reason); };
        std::optional<domain::PersonId> manager;
        if (r.manager) manager = id_of.at(*r.manager);  // written earlier: a smaller depth
        bool changed = false;
        domain::PersonId id;
        if (auto found = existing_.find(r.email); found == existing_.end()) {
          domain::Person person;
          person.org = org_.id;
          person.name = r.name;
          person.email = r.email;
          person.job_title = r.job_title;
          person.staff_group = r.staff_group;
          person.line_manager = manager;
          auto made = store_.CreatePerson(actor, person);
          if (!made) return fail(Describe(made.error()));
          id = made->id;
          id_of[r.email] = id;
          ++added;
        } else {
          const domain::Person& before = found->second;
          domain::Person after = before;
          after.name = r.name;
          if (has_job_title_) after.job_title = r.job_title;
          if (has_staff_group_) after.staff_group = r.staff_group;
          if (has_manager_) after.line_manager = manager;
          id = before.id;
          if (!(after == before)) {
            auto saved = store_.UpdatePerson(actor, after);
            if (!saved) return fail(Describe(saved.error()));
            changed = true;
          }
        }
        if (!r.team.empty()) {
          auto team = teams_->Ensure(actor, r.team);
          if (!team) return fail(Describe(team.error()));
          bool member = false;
          if (existing_.contains(r.email)) {
            auto memberships = store_.ListMembershipsOfPerson(org_.id, id);
            if (!memberships) return fail(Describe(memberships.error()));
            member = std::any_of(memberships->begin(), memberships->end(),
                                 [&](const domain::Membership& m) { return m.team == *team; });
          }
          if (!member) {
            auto set = store_.SetMembership(
                actor, org_.id, domain::Membership{id, *team, domain::TeamRole::kMember});
            if (!set) return fail(Describe(set.error()));
            changed = existing_.contains(r.email) || changed;
          }
        }
        if (existing_.contains(r.email)) ++(changed ? updated : unchanged);
        progress.Update(++done);
      }
      progress.Finish();
    }
    return "imported " + Count(static_cast<int64_t>(rows_.size()), "person", "people") + " (" +
           Count(teams_->created(), "new team", "new teams") + ", " +
           Count(added, "new person", "new people") + ", " + std::to_string(updated) +
           " updated, " + std::to_string(unchanged) + " unchanged)";
  }

  store::Store& store_;
  const domain::Organisation& org_;
  const Sheet& sheet_;
  bool has_job_title_ = false;
  bool has_staff_group_ = false;
  bool has_manager_ = false;
  std::unordered_map<std::string, domain::Person> existing_;  // by email
  std::unordered_map<int64_t, std::string> email_of_;         // existing people's, by id
  std::optional<TeamDirectory> teams_;
  std::vector<StaffRow> rows_;
  std::unordered_map<std::string, size_t> row_of_;  // email -> index in rows_
  std::vector<size_t> order_;                       // indices of rows_ in writing order
};

// --- Measures.

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
  MeasureImport(store::Store& store, const domain::Organisation& org, const Sheet& sheet)
      : store_(store), org_(org), sheet_(sheet) {}

  Done Run() {
    if (auto checked = Check(); !checked) return tl::unexpected(checked.error());
    return Write();
  }

 private:
  struct Columns {
    std::optional<size_t> definition, unit, kind, chart, direction, target, frequency;
  };

  tl::expected<void, Failure> Check() {
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
    if (!teams) return CommandError(teams.error());
    teams_.emplace(std::move(*teams));

    std::map<std::pair<std::string, std::string>, size_t> seen;  // (path, name) -> row
    rows_.reserve(sheet_.rows());
    for (size_t row = 0; row < sheet_.rows(); ++row) {
      MeasureRow r;
      r.row = row;
      auto segments = CheckTeamPath(sheet_.Cell(row, *team), org_.name);
      if (!segments) return sheet_.RowError(row, segments.error());
      r.team = std::move(*segments);
      domain::Measure& m = r.measure;
      m.name = sheet_.Cell(row, *name);
      m.definition = sheet_.Cell(row, columns_.definition);
      m.unit = sheet_.Cell(row, columns_.unit);
      auto kind = Choice<domain::MeasureKind>(
          "kind", sheet_.Cell(row, columns_.kind), domain::ParseMeasureKind,
          domain::MeasureKind::kOutcome, "outcome, process, balancing");
      if (!kind) return sheet_.RowError(row, kind.error());
      m.kind = *kind;
      const std::string_view chart_text = sheet_.Cell(row, columns_.chart);
      if (chart_text.empty()) return sheet_.RowError(row, "chart is empty");
      auto parsed_chart = Choice<spc::Chart>("chart", chart_text, spc::ParseChart, spc::Chart::kI,
                                             "run, i, mr, p, pp, u, up, ip, c, g, t, xbar, s");
      if (!parsed_chart) return sheet_.RowError(row, parsed_chart.error());
      m.chart = *parsed_chart;
      auto direction = Choice<spc::Direction>("direction", sheet_.Cell(row, columns_.direction),
                                              spc::ParseDirection, spc::Direction::kNeutral,
                                              "increase, decrease, neutral");
      if (!direction) return sheet_.RowError(row, direction.error());
      m.direction = *direction;
      const std::string_view target = sheet_.Cell(row, columns_.target);
      if (!codec::IsMissing(target)) {
        std::optional<double> number = codec::ParseNumber(target);
        if (!number) {
          return sheet_.RowError(row, "target '" + std::string(target) + "' is not a number");
        }
        m.target = number;
      }
      auto frequency = Choice<domain::Frequency>(
          "frequency", sheet_.Cell(row, columns_.frequency), domain::ParseFrequency,
          domain::Frequency::kMonthly, "daily, weekly, monthly, quarterly");
      if (!frequency) return sheet_.RowError(row, frequency.error());
      m.frequency = *frequency;
      if (auto ok = domain::ValidateMeasure(m); !ok)
        return sheet_.RowError(row, ok.error().message);
      const std::string path = domain::JoinTeamPath(r.team);
      if (auto [it, added] = seen.emplace(std::make_pair(path, m.name), row); !added) {
        return sheet_.RowError(row, "measure '" + m.name + "' of " + path + " is on line " +
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

  Done Write() {
    const domain::Actor actor = domain::Actor::System("import");
    int64_t added = 0;
    int64_t updated = 0;
    int64_t unchanged = 0;
    {
      Progress progress(static_cast<int64_t>(rows_.size()), "rows");
      int64_t done = 0;
      for (const MeasureRow& r : rows_) {
        const auto fail = [&](const std::string& reason) { return sheet_.RowError(r.row, reason); };
        auto team = teams_->Ensure(actor, r.team);
        if (!team) return fail(Describe(team.error()));
        auto measures = MeasuresOf(*team);
        if (!measures) return fail(Describe(measures.error()));
        auto found = (*measures)->find(r.measure.name);
        if (found == (*measures)->end()) {
          domain::Measure m = r.measure;
          m.org = org_.id;
          m.team = *team;
          auto made = store_.CreateMeasure(actor, m);
          if (!made) return fail(Describe(made.error()));
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
            auto saved = store_.UpdateMeasure(actor, after);
            if (!saved) return fail(Describe(saved.error()));
            ++updated;
          }
        }
        progress.Update(++done);
      }
      progress.Finish();
    }
    return "imported " + Count(static_cast<int64_t>(rows_.size()), "measure", "measures") + " (" +
           Count(teams_->created(), "new team", "new teams") + ", " +
           Count(added, "new measure", "new measures") + ", " + std::to_string(updated) +
           " updated, " + std::to_string(unchanged) + " unchanged)";
  }

  store::Store& store_;
  const domain::Organisation& org_;
  const Sheet& sheet_;
  Columns columns_;
  std::optional<TeamDirectory> teams_;
  std::vector<MeasureRow> rows_;
  std::unordered_map<int64_t, std::unordered_map<std::string, domain::Measure>> measures_;
};

// --- Observations.

class ObservationImport {
 public:
  ObservationImport(store::Store& store, const domain::Organisation& org, const Sheet& sheet,
                    bool correct)
      : store_(store), org_(org), sheet_(sheet), correct_(correct) {}

  Done Run() {
    if (auto checked = Check(); !checked) return tl::unexpected(checked.error());
    return Write();
  }

 private:
  struct Known {
    domain::Measure measure;
    std::unordered_map<int64_t, domain::Observation> current;  // by period start
    bool loaded = false;
  };

  tl::expected<void, Failure> Check() {
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
    if (!teams) return CommandError(teams.error());

    // (team path, measure name) -> the measure; loaded once per team.
    std::unordered_map<std::string, std::unordered_map<std::string, int64_t>> by_team;
    std::unordered_map<std::string, size_t> seen_at;
    for (size_t row = 0; row < sheet_.rows(); ++row) {
      const std::string_view path = sheet_.Cell(row, *team);
      auto segments = CheckTeamPath(path, org_.name);
      if (!segments) return sheet_.RowError(row, segments.error());
      const std::string normal = domain::JoinTeamPath(*segments);
      auto names = by_team.find(normal);
      if (names == by_team.end()) {
        std::optional<domain::TeamId> id = teams->Find(*segments);
        if (!id) return sheet_.RowError(row, "no team " + normal);
        auto listed = store_.ListMeasures(org_.id, *id);
        if (!listed) return CommandError(Describe(listed.error()));
        std::unordered_map<std::string, int64_t> measure_ids;
        for (domain::Measure& m : *listed) {
          measure_ids.emplace(m.name, m.id.value);
          known_.emplace(m.id.value, Known{std::move(m), {}, false});
        }
        names = by_team.emplace(normal, std::move(measure_ids)).first;
      }
      const std::string_view measure_name = sheet_.Cell(row, *measure);
      if (measure_name.empty()) return sheet_.RowError(row, "measure is empty");
      auto id = names->second.find(std::string(measure_name));
      if (id == names->second.end()) {
        return sheet_.RowError(
            row, "team " + normal + " has no measure named '" + std::string(measure_name) + "'");
      }
      Known& known = known_.at(id->second);

      domain::ObservationInput input;
      input.measure = known.measure.id;
      input.period = sheet_.Cell(row, *period);
      auto start = domain::ParseIsoDate(input.period);
      if (!start) return sheet_.RowError(row, start.error().message);
      const std::string_view value_text = sheet_.Cell(row, *value);
      if (codec::IsMissing(value_text)) return sheet_.RowError(row, "value is empty");
      std::optional<double> number = codec::ParseNumber(value_text);
      if (!number) {
        return sheet_.RowError(row, "value '" + std::string(value_text) + "' is not a number");
      }
      input.value = *number;
      const std::string_view denominator_text = sheet_.Cell(row, denominator);
      if (!codec::IsMissing(denominator_text)) {
        input.denominator = codec::ParseNumber(denominator_text);
        if (!input.denominator) {
          return sheet_.RowError(
              row, "denominator '" + std::string(denominator_text) + "' is not a number");
        }
      }
      if (auto ok = domain::ValidateObservation(input, known.measure.chart); !ok) {
        return sheet_.RowError(row, ok.error().message);
      }
      const std::string key = std::to_string(input.measure.value) + "/" + input.period;
      if (auto [it, added] = seen_at.emplace(key, row); !added) {
        return sheet_.RowError(row, "period " + input.period + " of measure '" +
                                        known.measure.name + "' is on line " +
                                        std::to_string(sheet_.line(it->second)) + " already");
      }
      if (!known.loaded) {
        auto listed = store_.ListObservations(org_.id, known.measure.id);
        if (!listed) return CommandError(Describe(listed.error()));
        for (domain::Observation& o : *listed) known.current.emplace(o.period_start, std::move(o));
        known.loaded = true;
      }
      if (auto current = known.current.find(*start); current != known.current.end()) {
        const domain::Observation& o = current->second;
        if (o.value == input.value && o.denominator == input.denominator) {
          ++unchanged_;
          continue;
        }
        if (!correct_) {
          std::string was = ShortNumber(o.value);
          if (o.denominator) was += " / " + ShortNumber(*o.denominator);
          return sheet_.RowError(row, "period " + input.period + " of measure '" +
                                          known.measure.name + "' has the value " + was +
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

  Done Write() {
    const domain::Actor actor = domain::Actor::System("import");
    {
      Progress progress(static_cast<int64_t>(appends_.size() + corrections_.size()), "rows");
      int64_t done = 0;
      for (size_t i = 0; i < corrections_.size(); ++i) {
        auto corrected = store_.CorrectObservation(actor, org_.id, corrections_[i]);
        if (!corrected) return sheet_.RowError(correction_rows_[i], Describe(corrected.error()));
        progress.Update(++done);
      }
      const std::span<const domain::ObservationInput> all(appends_);
      for (size_t first = 0; first < all.size(); first += kObservationChunk) {
        const auto chunk = all.subspan(first, std::min(kObservationChunk, all.size() - first));
        auto appended = store_.AppendObservations(actor, org_.id, chunk);
        if (!appended) return ChunkError(appended.error(), first);
        done += static_cast<int64_t>(chunk.size());
        progress.Update(done);
      }
      progress.Finish();
    }
    return "imported " + Count(static_cast<int64_t>(sheet_.rows()), "observation", "observations") +
           " (" + std::to_string(appends_.size()) + " new, " + std::to_string(corrections_.size()) +
           " corrected, " + std::to_string(unchanged_) + " unchanged)";
  }

  // AppendObservations names a bad row "row N: reason" (N from 1, within the chunk).
  tl::unexpected<Failure> ChunkError(const store::StoreError& error, size_t first) const {
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
    return sheet_.RowError(append_rows_[index], message);
  }

  store::Store& store_;
  const domain::Organisation& org_;
  const Sheet& sheet_;
  bool correct_ = false;
  std::unordered_map<int64_t, Known> known_;  // by measure id
  std::vector<domain::ObservationInput> appends_;
  std::vector<size_t> append_rows_;  // the sheet row of each append
  std::vector<domain::ObservationInput> corrections_;
  std::vector<size_t> correction_rows_;
  int64_t unchanged_ = 0;
};

// --- The command.

enum class Kind { kStaff, kMeasures, kObservations };

struct ImportArgs {
  Kind kind = Kind::kStaff;
  std::string db;
  std::string org;
  std::string file;
  bool correct = false;
};

// clang-format off
const FlagSet kFlags{
    {"db", "org"},
    {"correct", "help"},
};
// clang-format on

tl::expected<ImportArgs, Failure> Interpret(std::span<const std::string_view> args) {
  ImportArgs out;
  if (args.empty()) return CommandError("say what to import: staff, measures or observations");
  const std::string_view kind = args.front();
  if (kind == "staff") {
    out.kind = Kind::kStaff;
  } else if (kind == "measures") {
    out.kind = Kind::kMeasures;
  } else if (kind == "observations") {
    out.kind = Kind::kObservations;
  } else {
    return CommandError("unknown kind '" + std::string(kind) +
                        "' (one of staff, measures, observations)");
  }
  const SplitArgs split = SplitPositional(args.subspan(1), kFlags);
  auto flags = ScanFlags(split.flags, kFlags);
  if (!flags) return CommandError(flags.error());
  for (const Flag& flag : *flags) {
    if (flag.name == "correct") {
      out.correct = true;
    } else if (flag.value.empty()) {
      return CommandError("--" + std::string(flag.name) + " needs a value");
    } else if (flag.name == "db") {
      out.db = flag.value;
    } else if (flag.name == "org") {
      out.org = flag.value;
    }
  }
  if (split.positional.empty())
    return CommandError("name the FILE to import ('-': standard input)");
  if (split.positional.size() > 1) {
    return CommandError("unexpected argument '" + std::string(split.positional[1]) + "'");
  }
  out.file = split.positional.front();
  if (out.db.empty()) return CommandError("--db is required");
  if (out.org.empty()) return CommandError("--org is required");
  if (out.correct && out.kind != Kind::kObservations) {
    return CommandError("--correct is for import observations");
  }
  return out;
}

Done Import(const ImportArgs& args) {
  // The file first: a bad file is refused before the database is opened.
  auto text = ReadWhole(args.file);
  if (!text) return CommandError(text.error());
  const std::string file = args.file == "-" ? "<stdin>" : args.file;
  auto table = codec::ParseCsv(std::move(*text));
  if (!table) {
    return tl::unexpected(
        Failure{file + ":" + std::to_string(table.error().line) + ": " + table.error().reason});
  }
  const Sheet sheet(std::move(*table), file);

  auto store = OpenDatabase(args.db);
  if (!store) return CommandError(store.error());
  auto transaction = (*store)->Begin();
  if (!transaction) return CommandError(Describe(transaction.error()));
  auto org = RequireOrganisation(**store, args.org);
  if (!org) return CommandError(org.error() + " ('everyseat user add' makes one)");
  Done done = [&]() -> Done {
    switch (args.kind) {
      case Kind::kStaff:
        return StaffImport(**store, *org, sheet).Run();
      case Kind::kMeasures:
        return MeasureImport(**store, *org, sheet).Run();
      case Kind::kObservations:
        return ObservationImport(**store, *org, sheet, args.correct).Run();
    }
    return CommandError("unknown kind");
  }();
  if (!done) return done;  // the transaction rolls back
  if (auto committed = transaction->Commit(); !committed) {
    return CommandError(Describe(committed.error()));
  }
  return done;
}

}  // namespace

int RunImport(std::span<const std::string_view> args) {
  if (HasFlag(args, "--help") || (!args.empty() && args.front() == "help")) {
    std::fwrite(kUsage.data(), 1, kUsage.size(), stdout);
    return 0;
  }
  auto interpreted = Interpret(args);
  Done done = interpreted ? Import(*interpreted) : tl::unexpected(interpreted.error());
  if (!done) {
    std::fprintf(stderr, "%s\n", done.error().line.c_str());
    return 2;
  }
  std::printf("%s\n", done->c_str());
  return 0;
}

}  // namespace everyseat::cli
