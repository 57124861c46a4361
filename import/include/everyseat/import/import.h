// Importing CSV files into the store, all or nothing: the staff list, measures and observations.
// One library for every adapter (the command line's `everyseat import`, the web's /admin/import).
//
//   staff         name, email, team_path; job_title, staff_group, line_manager_email
//   measures      team_path, name, chart; definition, unit, kind, direction, target, frequency
//   observations  team_path, measure, period, value; denominator
//
// The text is read with the codec's CSV reader (a header row, columns found by name, extra
// columns ignored, a byte-order mark and CRLF line ends accepted; cells are trimmed of spaces and
// tabs). A team_path is Organisation/Directorate/Team, starting with the organisation's name.
// Inside one store transaction every row is checked first against the file and the database,
// and the first problem is the error, naming the physical line of the file (the header being
// line 1) as "FILE:LINE: reason"; only then is anything written. A store error while writing
// rolls everything back and is reported at the line of the row that caused it. Importing the
// same file again changes nothing: people and measures are updated only where a field differs,
// observations whose period has the same value are skipped.
//
// The namespace is everyseat::imports: a line starting with `import::` reads as a C++20 module
// import to clang-format 14, which then mangles the code around it.
// Thread-safety: an import uses its store from the calling thread only, and opens a transaction
// on it (so the store must have none open). A Sheet is immutable once parsed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include <tl/expected.hpp>

#include "everyseat/codec/csv.h"
#include "everyseat/domain/model.h"
#include "everyseat/store/store.h"

namespace everyseat::imports {

// Why an import was refused; nothing was changed.
struct ImportError {
  // The whole message: "FILE:LINE: reason" when it is about a line of the file, else the reason
  // alone (the database could not be read, the transaction could not be committed, ...).
  std::string message;
  int64_t line = 0;    // the physical line of the file (header = 1); 0 when there is none
  std::string reason;  // the message without "FILE:LINE: "
};

// What an import did.
struct ImportSummary {
  // One line, e.g. "imported 5 people (4 new teams, 5 new people, 0 updated, 0 unchanged)".
  std::string text;
  int64_t rows = 0;           // data rows in the file
  int64_t teams_created = 0;  // staff and measures: teams made for the paths named
  int64_t added = 0;          // new people, measures or observations
  int64_t updated = 0;        // people and measures changed; observations corrected
  int64_t unchanged = 0;      // rows that matched what was stored already
};

// Called while an import writes (never while it checks): first with (0, total), then after each
// row or batch of rows with the rows written so far, ending with (total, total) on success.
using ProgressCallback = std::function<void(int64_t done, int64_t total)>;

struct ImportOptions {
  // Observations: a period stored with another value is corrected (the old value kept in its
  // history) instead of refused.
  bool correct = false;
  ProgressCallback progress;  // none by default
};

// A parsed CSV file and its name, and the errors that name a line of it.
class Sheet {
 public:
  // Parses the whole text; a malformed file is an error at its line ("FILE:LINE: unterminated
  // quote"). `file` names the file in errors, as given ("<stdin>", "staff.csv").
  [[nodiscard]] static tl::expected<Sheet, ImportError> Parse(std::string text, std::string file);

  [[nodiscard]] size_t rows() const { return table_.rows(); }
  // The physical line on which data row `row` starts.
  [[nodiscard]] int64_t line(size_t row) const { return table_.line(row); }
  [[nodiscard]] const std::string& file() const { return file_; }

  // A column that must be there (else "missing column 'NAME'" at the header's line).
  [[nodiscard]] tl::expected<size_t, ImportError> Require(std::string_view name) const;
  [[nodiscard]] std::optional<size_t> Optional(std::string_view name) const {
    return table_.Find(name);
  }
  // The cell trimmed of spaces and tabs; "" for an absent column.
  [[nodiscard]] std::string_view Cell(size_t row, std::optional<size_t> column) const;

  // "FILE:LINE: reason".
  [[nodiscard]] ImportError Error(int64_t line, std::string_view reason) const;
  [[nodiscard]] ImportError RowError(size_t row, std::string_view reason) const {
    return Error(line(row), reason);
  }

 private:
  Sheet(codec::CsvTable table, std::string file)
      : table_(std::move(table)), file_(std::move(file)) {}
  codec::CsvTable table_;
  std::string file_;
};

using ImportResult = tl::expected<ImportSummary, ImportError>;

// Each import runs in its own transaction on `store` and commits only when every row is good.
// `actor` is who the audit log names; `org` the organisation imported into (its name starts
// every team path). Either a parsed sheet, or the CSV text and the file's name for errors.

// People, matched by email (normalised); each row makes the teams of its team_path and a
// membership there; line managers may be on any line of the file or in the organisation
// already, but no loop of line management may result.
[[nodiscard]] ImportResult ImportStaff(store::Store& store, const domain::Actor& actor,
                                       domain::OrgId org, const Sheet& sheet,
                                       const ImportOptions& options = {});
[[nodiscard]] ImportResult ImportStaff(store::Store& store, const domain::Actor& actor,
                                       domain::OrgId org, std::string_view csv_text,
                                       std::string_view file_name,
                                       const ImportOptions& options = {});

// Measures, matched by team and name; each row makes the teams of its team_path.
[[nodiscard]] ImportResult ImportMeasures(store::Store& store, const domain::Actor& actor,
                                          domain::OrgId org, const Sheet& sheet,
                                          const ImportOptions& options = {});
[[nodiscard]] ImportResult ImportMeasures(store::Store& store, const domain::Actor& actor,
                                          domain::OrgId org, std::string_view csv_text,
                                          std::string_view file_name,
                                          const ImportOptions& options = {});

// Observations of existing measures (found by team and name). A period that has the same value
// already is skipped; a different value is an error unless options.correct.
[[nodiscard]] ImportResult ImportObservations(store::Store& store, const domain::Actor& actor,
                                              domain::OrgId org, const Sheet& sheet,
                                              const ImportOptions& options = {});
[[nodiscard]] ImportResult ImportObservations(store::Store& store, const domain::Actor& actor,
                                              domain::OrgId org, std::string_view csv_text,
                                              std::string_view file_name,
                                              const ImportOptions& options = {});

}  // namespace everyseat::imports
