// The staff import (import.h): people matched by email, their teams and memberships, and their
// line managers written in order of depth so that no step makes a loop of line management.
#include <algorithm>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "everyseat/domain/validate.h"
#include "everyseat/import/directory.h"
#include "everyseat/import/import.h"
#include "internal.h"

namespace everyseat::imports {
namespace {

using detail::Checked;
using detail::Count;
using detail::Refuse;
using detail::Renamed;
using detail::Report;

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
  StaffImport(store::Store& store, const domain::Actor& actor, const domain::Organisation& org,
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

  Checked Check() {
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
    if (!people) return Refuse(people.error().message);
    for (domain::Person& person : *people) {
      email_of_.emplace(person.id.value, person.email);
      existing_.emplace(person.email, std::move(person));
    }
    auto teams = TeamDirectory::Load(store_, org_);
    if (!teams) return Refuse(teams.error());
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
        return Fail(row, ok.error().message);
      }
      r.name = name_text;
      auto normal = domain::NormaliseEmail(sheet_.Cell(row, *email));
      if (!normal) return Fail(row, normal.error().message);
      r.email = std::move(*normal);
      if (auto [it, added] = row_of_.emplace(r.email, rows_.size()); !added) {
        return Fail(row, "email " + r.email + " is on line " +
                             std::to_string(sheet_.line(rows_[it->second].row)) + " already");
      }
      const std::string_view job = sheet_.Cell(row, job_title);
      if (auto ok = domain::ValidateText("job_title", job, domain::kMaxNameLength); !ok) {
        return Fail(row, ok.error().message);
      }
      r.job_title = job;
      const std::string_view group = sheet_.Cell(row, staff_group);
      if (!group.empty()) {
        std::optional<domain::StaffGroup> parsed = ParseStaffGroupText(group);
        if (!parsed) return Fail(row, UnknownStaffGroup("staff_group", group));
        r.staff_group = *parsed;
      }
      const std::string_view path = sheet_.Cell(row, *team);
      if (!path.empty()) {
        auto segments = CheckTeamPath(path, org_.name);
        if (!segments) return Fail(row, segments.error());
        r.team = std::move(*segments);
      }
      const std::string_view manager_text = sheet_.Cell(row, manager);
      if (!manager_text.empty()) {
        auto manager_email = domain::NormaliseEmail(manager_text);
        if (!manager_email) {
          return Fail(row, Renamed(manager_email.error().message, "email", "line_manager_email"));
        }
        if (*manager_email == r.email) {
          return Fail(row, "line_manager_email is the person's own email");
        }
        if (!in_file.contains(*manager_email) && !existing_.contains(*manager_email)) {
          return Fail(row, "line_manager_email " + *manager_email +
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
  Checked OrderByLineManagement() {
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
  tl::unexpected<ImportError> Loop(std::span<const std::string> members) const {
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
    if (reported == nullptr) return Refuse("the organisation has a loop of line management");
    std::string loop;
    for (size_t i = 0; i <= members.size(); ++i) {
      if (!loop.empty()) loop += " -> ";
      loop += members[(at + i) % members.size()];
    }
    return Fail(reported->row, "line_manager_email " + reported->manager.value_or("") +
                                   " would make a loop of line management (" + loop +
                                   ", each managed by the next)");
  }

  ImportResult Write() {
    int64_t added = 0;
    int64_t updated = 0;
    int64_t unchanged = 0;
    std::unordered_map<std::string, domain::PersonId> id_of;
    for (const auto& [email, person] : existing_) id_of.emplace(email, person.id);
    {
      const auto total = static_cast<int64_t>(order_.size());
      Report(options_, 0, total);
      int64_t done = 0;
      for (size_t index : order_) {
        const StaffRow& r = rows_[index];
        const auto fail = [&](const std::string& reason) { return Fail(r.row, reason); };
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
          auto made = store_.CreatePerson(actor_, person);
          if (!made) return fail(made.error().message);
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
            auto saved = store_.UpdatePerson(actor_, after);
            if (!saved) return fail(saved.error().message);
            changed = true;
          }
        }
        if (!r.team.empty()) {
          auto team = teams_->Ensure(actor_, r.team);
          if (!team) return fail(team.error().message);
          bool member = false;
          if (existing_.contains(r.email)) {
            auto memberships = store_.ListMembershipsOfPerson(org_.id, id);
            if (!memberships) return fail(memberships.error().message);
            member = std::any_of(memberships->begin(), memberships->end(),
                                 [&](const domain::Membership& m) { return m.team == *team; });
          }
          if (!member) {
            auto set = store_.SetMembership(
                actor_, org_.id, domain::Membership{id, *team, domain::TeamRole::kMember});
            if (!set) return fail(set.error().message);
            changed = existing_.contains(r.email) || changed;
          }
        }
        if (existing_.contains(r.email)) ++(changed ? updated : unchanged);
        Report(options_, ++done, total);
      }
    }
    ImportSummary summary;
    summary.rows = static_cast<int64_t>(rows_.size());
    summary.teams_created = teams_->created();
    summary.added = added;
    summary.updated = updated;
    summary.unchanged = unchanged;
    summary.text = "imported " + Count(summary.rows, "person", "people") + " (" +
                   Count(teams_->created(), "new team", "new teams") + ", " +
                   Count(added, "new person", "new people") + ", " + std::to_string(updated) +
                   " updated, " + std::to_string(unchanged) + " unchanged)";
    return summary;
  }

  store::Store& store_;
  const domain::Actor& actor_;
  const domain::Organisation& org_;
  const Sheet& sheet_;
  const ImportOptions& options_;
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

}  // namespace

ImportResult ImportStaff(store::Store& store, const domain::Actor& actor, domain::OrgId org,
                         const Sheet& sheet, const ImportOptions& options) {
  return detail::InTransaction(store, org, [&](const domain::Organisation& organisation) {
    return StaffImport(store, actor, organisation, sheet, options).Run();
  });
}

ImportResult ImportStaff(store::Store& store, const domain::Actor& actor, domain::OrgId org,
                         std::string_view csv_text, std::string_view file_name,
                         const ImportOptions& options) {
  auto sheet = Sheet::Parse(std::string(csv_text), std::string(file_name));
  if (!sheet) return tl::unexpected(std::move(sheet.error()));
  return ImportStaff(store, actor, org, *sheet, options);
}

}  // namespace everyseat::imports
