// Importing the staff list from a CSV file (administrators: Action::kImportStaff).
//
//   GET  /admin/import          the columns, an example, and the file upload (after an import,
//                               ?done=N&added=&updated=&unchanged=&teams= shows what it did)
//   POST /admin/import          multipart/form-data with the file in "staff-file": runs the same
//                               import as `everyseat import staff` (import/), all or nothing; a
//                               problem is shown on the form (422) naming the line of the file
//
// The import runs in the request (a staff list of a few thousand people takes a second or two);
// the server refuses bodies over 1 MiB before the page sees them.
#include <algorithm>
#include <charconv>
#include <optional>

#include "everyseat/import/import.h"
#include "pages.h"

namespace everyseat::server::web {

namespace {

using domain::Action;

constexpr std::string_view kFileField = "staff-file";

// "1 person", "3 people".
std::string Count(int64_t number, std::string_view one, std::string_view many) {
  return std::to_string(number) + " " + std::string(number == 1 ? one : many);
}

// A count from the query string after an import (nullopt when absent or not a count).
std::optional<int64_t> QueryCount(const Request& request, std::string_view name) {
  const std::string_view text = request.Query(name).value_or("");
  int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || value < 0) {
    return std::nullopt;
  }
  return value;
}

void DoneBanner(Html& h, const Request& request) {
  const auto rows = QueryCount(request, "done");
  if (!rows) return;
  const int64_t added = QueryCount(request, "added").value_or(0);
  const int64_t updated = QueryCount(request, "updated").value_or(0);
  const int64_t unchanged = QueryCount(request, "unchanged").value_or(0);
  const int64_t teams = QueryCount(request, "teams").value_or(0);
  Html summary;
  summary << "<p>"_m << Count(*rows, "person", "people") << " in the file: "_m << added
          << " added, "_m << updated << " updated, "_m << unchanged << " unchanged. "_m
          << Count(teams, "new team", "new teams") << " made.</p>"_m;
  SuccessBanner(h, "Staff list imported", summary);
}

void ColumnRow(std::vector<SummaryRow>& rows, std::string_view column, bool required,
               std::string_view what) {
  SummaryRow row;
  row.key = std::string(column);
  row.value << (required ? "Needed. "_m : "Optional. "_m) << what;
  rows.push_back(std::move(row));
}

// The page, with the form's errors if any; `raw` is the import's own message ("FILE:LINE:
// reason"), shown under the problem.
Response ImportPage(PageContext& page, const FormState& form, std::string_view raw, int status) {
  const std::string& org = page.viewer.organisation;
  Html h;
  h << "<div class=\"nhsuk-grid-row\"><div class=\"nhsuk-grid-column-two-thirds\">"_m;
  ErrorSummary(h, form);
  DoneBanner(h, page.request);
  h << "<h1 class=\"nhsuk-heading-l\">Import the staff list</h1>"
       "<p>Upload the staff list as a CSV file with one person on each line. Everyone in it is "
       "added to everyseat, or updated if they are already here (people are matched by email "
       "address). Nobody is removed.</p>"
       "<p>The whole file is checked before anything is saved. If any line has a problem, "
       "nothing is changed and this page tells you which line to correct.</p>"
       "<h2 class=\"nhsuk-heading-m\">The columns</h2>"_m;
  std::vector<SummaryRow> columns;
  ColumnRow(columns, "name", true, "The person's full name");
  ColumnRow(columns, "email", true, "Their work email address, which they sign in with");
  ColumnRow(columns, "job_title", false, "For example, Ward sister");
  ColumnRow(columns, "staff_group", false,
            "The NHS staff group, for example Nursing and midwifery, Allied health "
            "professionals or Administrative and clerical");
  ColumnRow(columns, "team_path", true,
            "Their team, written Organisation/Directorate/Team and starting with " + org +
                ". Teams that do not exist yet are made. Leave the cell empty for someone "
                "with no team");
  ColumnRow(columns, "line_manager_email", false,
            "Their line manager's email address. The line manager can be anywhere in the file, "
            "or in everyseat already");
  SummaryList(h, columns);
  h << "<p>The first line of the file names the columns; they can be in any "
       "order, and other columns are ignored. For example:</p><pre>"
       "<code>name,email,job_title,staff_group,team_path,line_manager_email\n"_m
    << "Ada Nurse,ada.nurse@nhs.net,Ward sister,Nursing and midwifery," << org
    << "/Medicine/Ward 7,cara.matron@nhs.net\n"_m
    << "Cara Matron,cara.matron@nhs.net,Matron,Nursing and midwifery," << org
    << "/Medicine,\n</code></pre>"_m;

  h << "<form action=\"/admin/import\" method=\"post\" enctype=\"multipart/form-data\" "
       "novalidate>"_m;
  CsrfField(h, page.viewer.csrf_token);
  const FormError* error = form.ErrorFor(kFileField);
  h << "<div class=\"nhsuk-form-group nhsuk-file-upload"_m
    << (error != nullptr ? " nhsuk-form-group--error"_m : ""_m)
    << "\" data-module=\"nhsuk-file-upload\"><label class=\"nhsuk-label nhsuk-label--s\" "
       "for=\"staff-file\">Upload the staff list</label><div class=\"nhsuk-hint\" "
       "id=\"staff-file-hint\">A CSV file of up to 1 MB. To make one from a spreadsheet, save "
       "it as CSV UTF-8.</div>"_m;
  if (error != nullptr) {
    h << "<span class=\"nhsuk-error-message\" id=\"staff-file-error\"><span "
         "class=\"nhsuk-u-visually-hidden\">Error: </span>"_m
      << error->message << "</span>"_m;
    if (!raw.empty()) {
      h << "<p class=\"nhsuk-body-s\">Nothing has been changed. Correct the file and upload it "
           "again. The import said: <code>"_m
        << raw << "</code></p>"_m;
    }
  }
  h << "<input class=\"nhsuk-file-upload__input\" id=\"staff-file\" name=\"staff-file\" "
       "type=\"file\" accept=\".csv,text/csv\" aria-describedby=\"staff-file-hint"_m
    << (error != nullptr ? " staff-file-error"_m : ""_m) << "\"></div>"_m;
  Button(h, "Import staff list");
  h << "</form></div></div>"_m;

  PageSpec spec;
  spec.title = "Import the staff list";
  spec.back_href = "/admin";
  spec.nav = "admin";
  spec.has_errors = !form.ok();
  spec.status = status;
  return PageResponse(page.viewer, spec, h);
}

// The refusal page when the viewer may not import (403 with the policy's reason).
std::optional<Response> Refused(PageContext& page) {
  auto allowed = page.impl.Authorise(page.store, page.caller, Action::kImportStaff, std::nullopt);
  if (allowed) return std::nullopt;
  return FromRefusal(page.viewer, allowed.error());
}

Response Import(PageContext& page) {
  if (auto refused = Refused(page)) return std::move(*refused);
  FormState form;
  const auto file = std::find_if(page.files.begin(), page.files.end(),
                                 [](const UploadedFile& f) { return f.field == kFileField; });
  if (file == page.files.end() || (file->filename.empty() && file->bytes.empty())) {
    form.Fail(std::string(kFileField), "Select a CSV file of the staff list");
    return ImportPage(page, form, {}, 422);
  }
  if (file->bytes.empty()) {
    form.Fail(std::string(kFileField), "The selected file is empty");
    return ImportPage(page, form, {}, 422);
  }
  if (file->bytes.find('\0') != std::string::npos) {
    form.Fail(std::string(kFileField),
              "The selected file must be a CSV file: save the spreadsheet as CSV UTF-8");
    return ImportPage(page, form, {}, 422);
  }
  const std::string name = file->filename.empty() ? "staff.csv" : file->filename;
  auto imported =
      imports::ImportStaff(page.store, page.caller.actor, page.caller.org, file->bytes, name);
  if (!imported) {
    const imports::ImportError& error = imported.error();
    if (error.line > 0) {
      form.Fail(std::string(kFileField),
                "Line " + std::to_string(error.line) + ": " + error.reason);
    } else {
      form.Fail(std::string(kFileField), "The staff list could not be imported: " + error.reason);
    }
    return ImportPage(page, form, error.message, 422);
  }
  return Redirect("/admin/import?done=" + std::to_string(imported->rows) +
                  "&added=" + std::to_string(imported->added) +
                  "&updated=" + std::to_string(imported->updated) +
                  "&unchanged=" + std::to_string(imported->unchanged) +
                  "&teams=" + std::to_string(imported->teams_created));
}

}  // namespace

void AddImportPages(Router& router, Api::Impl& impl) {
  AddPage(router, impl, "GET", "/admin/import", [](PageContext& page) -> Response {
    if (auto refused = Refused(page)) return std::move(*refused);
    return ImportPage(page, FormState(), {}, 200);
  });
  AddPage(router, impl, "POST", "/admin/import", Import);
}

}  // namespace everyseat::server::web
