// The HTML pages of the web application (issue 4): the NHS.UK page template, the steps every
// page takes (sign-in, CSRF on forms, refusals as pages), and the page areas, each in its own
// file. Pages are server-rendered HTML forms that work without JavaScript; web/src/main.ts adds
// live updates to the regions marked data-live-region.
// Internal to server/src.
// Thread-safety: as the API's routes (context.h).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "../api/context.h"
#include "everyseat/spc/types.h"
#include "html.h"
#include "multipart.h"

namespace everyseat::server::web {

// Who is looking at a page, for its header.
struct Viewer {
  bool signed_in = false;
  std::string name;
  std::string organisation;
  std::string csrf_token;
  bool admin = false;
  bool leads_a_team = false;
  bool moderator = false;    // reviews held stories and hides replies (header: "Moderation")
  bool sees_equity = false;  // equality or board role (header: "Equity")
  size_t unseen_alerts = 0;
};

struct PageSpec {
  std::string title;      // the page's h1 as a rule; <title> is "TITLE – everyseat"
  std::string back_href;  // a back link above the content ("" for none)
  std::string nav;        // the current navigation item: "home", "stories", "alerts", "admin"
  // Live updates (web/src/main.ts): the measure or the teams (comma-separated ids) to follow.
  std::string live_measure;
  std::string live_teams;
  bool has_errors = false;  // "Error: " before the <title>
  int status = 200;
};

// The page: the NHS.UK template around `content` (which starts with its h1).
[[nodiscard]] Response PageResponse(const Viewer& viewer, const PageSpec& spec,
                                    const Html& content);
// 303 See Other to a path of this service.
[[nodiscard]] Response Redirect(std::string_view location);
// An error page: "Page not found", "You cannot do this", ... with the reason.
[[nodiscard]] Response ErrorPage(const Viewer& viewer, int status, std::string_view detail);
// A refusal of the API's shared steps (a problem document) as a page: 401 goes to sign-in.
[[nodiscard]] Response FromRefusal(const Viewer& viewer, const Response& refusal,
                                   std::string_view next = "/");
// The "detail" of a problem document ("" when it has none).
[[nodiscard]] std::string ProblemDetail(const Response& refusal);

// What a page handler gets: the store, who is asking, the form of a POST.
struct PageContext {
  Api::Impl& impl;
  store::Store& store;
  const Request& request;
  api::Caller caller;
  Viewer viewer;
  FormState form;                   // a POST's fields (empty for GET)
  std::vector<UploadedFile> files;  // a multipart/form-data POST's files (multipart.h)
  // The organisation's teams, read once per request: MyTeams and Allowed decide from them
  // instead of reading the team tree again for every question.
  std::vector<domain::Team> teams;
};
using PageHandler = std::function<Response(PageContext&)>;

// Registers a page for signed-in people: without a session it redirects to /sign-in?next=PATH;
// a POST must be a form (application/x-www-form-urlencoded, or multipart/form-data whose files go
// to PageContext::files) carrying the session's CSRF token in the field csrf_token (403
// otherwise).
void AddPage(Router& router, Api::Impl& impl, std::string method, std::string pattern,
             PageHandler handler);

// The teams a person reads: those they belong to, and every team below one they lead. Ids in
// tree order.
[[nodiscard]] api::Outcome<std::vector<domain::Team>> MyTeams(PageContext& page);
// Whether the caller may do `action` on `team` (no answer is made).
[[nodiscard]] bool Allowed(PageContext& page, domain::Action action,
                           std::optional<domain::TeamId> team);

// --- Measures.

// A measure's analysis as it stands, copied out of its live series (so it can be drawn without
// holding the series' lock).
struct MeasureSnapshot {
  domain::Measure measure;
  std::optional<spc::Analysis> analysis;  // none when the series cannot be analysed
  std::vector<std::string> dates;         // per input row (spc::Point::row), the period
  std::vector<domain::Annotation> annotations;
  std::string error;  // why there is no analysis ("" when there is, or when there is no data)
};
[[nodiscard]] api::Outcome<MeasureSnapshot> Snapshot(PageContext& page,
                                                     const domain::Measure& measure);
// The measure of the path parameter "measure" (404 page when it is not in the organisation),
// after authorising `action` on its team; the refusal is already a page.
[[nodiscard]] tl::expected<domain::Measure, Response> PageMeasure(PageContext& page,
                                                                  domain::Action action);

// The chart drawn by render::RenderSvg, at most `width` pixels wide.
[[nodiscard]] std::string ChartSvg(const MeasureSnapshot& snapshot, int width, int height,
                                   std::string_view id_prefix);
// The variation and assurance icons (empty when there are none).
void Icons(Html& h, const MeasureSnapshot& snapshot);
// The last figure: "96.2% on 3 November 2026", or "No figures yet".
[[nodiscard]] std::string LatestFigure(const MeasureSnapshot& snapshot);
// The period the next figure is for: the one after the last (by the measure's frequency), or
// today when there is none. "" when the next period is after today (nothing is due).
[[nodiscard]] std::string DuePeriod(const domain::Measure& measure, std::string_view last_period,
                                    std::string_view today);
[[nodiscard]] std::string Today();  // "YYYY-MM-DD", UTC

// Plain English for the definition's choices.
[[nodiscard]] std::string_view ChartWords(spc::Chart chart);
[[nodiscard]] std::string_view DirectionWords(spc::Direction direction);
[[nodiscard]] std::string_view FrequencyWords(domain::Frequency frequency);
[[nodiscard]] std::string_view KindWords(domain::MeasureKind kind);
// A value with its unit: "96.2%", "14 patients".
[[nodiscard]] std::string WithUnit(double value, std::string_view unit);
// A value as the chart plots it, for people: a percentage on p and p' charts ("93.2%"), else
// WithUnit with the measure's unit.
[[nodiscard]] std::string PlottedValue(double value, const domain::Measure& measure);

// The page areas.
void AddSessionPages(Router& router, Api::Impl& impl);
void AddHomePages(Router& router, Api::Impl& impl);
void AddMeasurePages(Router& router, Api::Impl& impl);
void AddDefinitionPages(Router& router, Api::Impl& impl);
void AddAdminPages(Router& router, Api::Impl& impl);   // admin_pages.cc: teams, people, roles
void AddImportPages(Router& router, Api::Impl& impl);  // import_pages.cc: the staff import
void AddTokenPages(Router& router, Api::Impl& impl);   // token_pages.cc: API tokens
// story_pages.cc: stories of leadership (record, check, consent, acknowledge, thank, withdraw),
// the wall and the learning library, and "Your stories".
void AddStoryPages(Router& router, Api::Impl& impl);
// moderation_pages.cc: stories held for moderation, released or rejected (moderators).
void AddModerationPages(Router& router, Api::Impl& impl);
// reflection_pages.cc: leaders' reflections, replies, and moderators hiding a reply.
void AddReflectionPages(Router& router, Api::Impl& impl);
// equity_pages.cc: recognition equity (equality and board roles).
void AddEquityPages(Router& router, Api::Impl& impl);
// account_pages.cc: the person's own account and "Download my data" (subject access).
void AddAccountPages(Router& router, Api::Impl& impl);

// Plain English for a person's details (admin_pages.cc).
[[nodiscard]] std::string_view RoleWords(domain::OrgRole role);  // "Equality lead"
[[nodiscard]] std::string_view StaffGroupWords(domain::StaffGroup group);

}  // namespace everyseat::server::web
