// A measure's pages: the chart with its reading, a table of the same data, annotations and
// phases (GET /measures/{measure}); adding a figure in two steps (enter, then check and save);
// correcting a figure (its history kept); adding a note, PDSA mark or rebase with a reason.
//
//   GET  /measures/{measure}                 the measure
//   GET  /measures/{measure}/add             step 1: the figure (period prefilled: the one due)
//   POST /measures/{measure}/add             checks it; step 2: "Check your figure"
//   POST /measures/{measure}/add/confirm     saves it, back to the measure
//   GET  /measures/{measure}/correct?period= the period's value and history, a form to correct
//   POST /measures/{measure}/correct
//   GET  /measures/{measure}/annotate        a note, PDSA cycle or rebase with its reason
//   POST /measures/{measure}/annotate
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <ctime>

#include "everyseat/domain/validate.h"
#include "everyseat/render/svg.h"
#include "pages.h"

namespace everyseat::server::web {

using domain::Action;

// --- Shared helpers (pages.h).

std::string Today() { return domain::FormatIsoDate(static_cast<int64_t>(std::time(nullptr))); }

std::string_view ChartWords(spc::Chart chart) {
  switch (chart) {
    case spc::Chart::kRun:
      return "run chart";
    case spc::Chart::kI:
      return "XmR chart (individual values)";
    case spc::Chart::kMr:
      return "moving range chart";
    case spc::Chart::kP:
      return "p chart (proportions)";
    case spc::Chart::kPp:
      return "p\u2032 chart (proportions, large samples)";
    case spc::Chart::kU:
      return "u chart (rates)";
    case spc::Chart::kUp:
      return "u\u2032 chart (rates, large samples)";
    case spc::Chart::kIp:
      return "XmR chart of a ratio";
    case spc::Chart::kC:
      return "c chart (counts)";
    case spc::Chart::kG:
      return "g chart (cases between rare events)";
    case spc::Chart::kT:
      return "t chart (time between rare events)";
    case spc::Chart::kXbar:
      return "X-bar chart (means of samples)";
    case spc::Chart::kS:
      return "s chart (spread of samples)";
  }
  return "chart";
}

std::string_view DirectionWords(spc::Direction direction) {
  switch (direction) {
    case spc::Direction::kIncrease:
      return "Higher is better";
    case spc::Direction::kDecrease:
      return "Lower is better";
    case spc::Direction::kNeutral:
      break;
  }
  return "Neither higher nor lower is better";
}

std::string_view FrequencyWords(domain::Frequency frequency) {
  switch (frequency) {
    case domain::Frequency::kDaily:
      return "Every day";
    case domain::Frequency::kWeekly:
      return "Every week";
    case domain::Frequency::kMonthly:
      return "Every month";
    case domain::Frequency::kQuarterly:
      return "Every quarter";
  }
  return "";
}

std::string_view KindWords(domain::MeasureKind kind) {
  switch (kind) {
    case domain::MeasureKind::kOutcome:
      return "Outcome measure";
    case domain::MeasureKind::kProcess:
      return "Process measure";
    case domain::MeasureKind::kBalancing:
      return "Balancing measure";
  }
  return "";
}

namespace {

// A mean or limit on the measure's scale, without the unit ("93.2%" on p charts, else "4.58").
std::string Scaled(double value, const domain::Measure& measure) {
  if (value != value) return "\u2013";
  if (measure.chart == spc::Chart::kP || measure.chart == spc::Chart::kPp) {
    return FormatNumber(value * 100, 1) + "%";
  }
  return FormatNumber(value);
}

}  // namespace

std::string PlottedValue(double value, const domain::Measure& measure) {
  // p and p' charts plot proportions: people read them as percentages.
  if (measure.chart == spc::Chart::kP || measure.chart == spc::Chart::kPp) {
    return FormatNumber(value * 100, 1) + "%";
  }
  return WithUnit(value, measure.unit);
}

std::string WithUnit(double value, std::string_view unit) {
  std::string text = FormatNumber(value);
  if (unit.empty()) return text;
  if (unit == "%") return text + "%";
  return text + " " + std::string(unit);
}

namespace {

// The date `months` months after an ISO date (day clamped to the month's length).
std::string AddMonths(std::string_view iso, int months) {
  int year = std::atoi(std::string(iso.substr(0, 4)).c_str());
  int month = std::atoi(std::string(iso.substr(5, 2)).c_str()) - 1 + months;
  int day = std::atoi(std::string(iso.substr(8, 2)).c_str());
  year += month / 12;
  month = month % 12 + 1;
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  int last = kDays[month - 1];
  if (month == 2 && ((year % 4 == 0 && year % 100 != 0) || year % 400 == 0)) last = 29;
  day = std::min(day, last);
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02d", year, month, day);
  return buffer;
}

}  // namespace

std::string DuePeriod(const domain::Measure& measure, std::string_view last_period,
                      std::string_view today) {
  if (last_period.empty()) return std::string(today);
  auto start = domain::ParseIsoDate(last_period);
  if (!start) return std::string(today);
  std::string next;
  switch (measure.frequency) {
    case domain::Frequency::kDaily:
      next = domain::FormatIsoDate(*start + 86400);
      break;
    case domain::Frequency::kWeekly:
      next = domain::FormatIsoDate(*start + 7 * 86400);
      break;
    case domain::Frequency::kMonthly:
      next = AddMonths(last_period, 1);
      break;
    case domain::Frequency::kQuarterly:
      next = AddMonths(last_period, 3);
      break;
  }
  return next <= today ? next : std::string();
}

api::Outcome<MeasureSnapshot> Snapshot(PageContext& page, const domain::Measure& measure) {
  auto state = page.impl.live.Get(measure.id);
  std::lock_guard lock(state->mu);
  if (!state->loaded || !(state->measure == measure)) {
    if (auto loaded = api::Load(*state, page.store, measure); !loaded) {
      state->loaded = false;
      return api::Refuse(loaded.error());
    }
  }
  MeasureSnapshot snapshot;
  snapshot.measure = measure;
  if (state->series) snapshot.analysis = state->series->analysis();
  snapshot.dates.assign(state->dates.begin(), state->dates.end());
  snapshot.annotations = state->annotations;
  snapshot.error = state->error;
  return snapshot;
}

tl::expected<domain::Measure, Response> PageMeasure(PageContext& page, Action action) {
  auto id = api::PathId(page.request, "measure");
  if (!id) return tl::unexpected(ErrorPage(page.viewer, 404, "there is no such measure"));
  auto measure = page.impl.MeasureFor(page.store, page.caller, *id, action);
  if (!measure) return tl::unexpected(FromRefusal(page.viewer, measure.error()));
  return *measure;
}

std::string ChartSvg(const MeasureSnapshot& snapshot, int width, int height,
                     std::string_view id_prefix) {
  if (!snapshot.analysis) return {};
  render::SvgOptions options;
  options.title = snapshot.measure.name;
  options.y_label = snapshot.measure.unit;
  options.width = width;
  options.height = height;
  options.id_prefix = std::string(id_prefix);
  const spc::Analysis& analysis = *snapshot.analysis;
  options.point_labels.reserve(analysis.points.size());
  for (const spc::Point& point : analysis.points) {
    options.point_labels.push_back(point.row < snapshot.dates.size() ? snapshot.dates[point.row]
                                                                     : std::string());
  }
  for (const domain::Annotation& annotation : snapshot.annotations) {
    for (size_t i = 0; i < options.point_labels.size(); ++i) {
      if (options.point_labels[i] == annotation.period) {
        options.annotations.emplace_back(i, annotation.text);
        break;
      }
    }
  }
  return render::RenderSvg(analysis, options);
}

void Icons(Html& h, const MeasureSnapshot& snapshot) {
  if (!snapshot.analysis) return;
  const std::string variation = render::VariationIconSvg(snapshot.analysis->summary.variation);
  const std::string assurance = render::AssuranceIconSvg(snapshot.analysis->summary.assurance);
  if (variation.empty() && assurance.empty()) return;
  h << "<span class=\"es-icons\">"_m;
  h.Trusted(variation);
  h.Trusted(assurance);
  h << "</span>"_m;
}

std::string LatestFigure(const MeasureSnapshot& snapshot) {
  if (!snapshot.analysis) return "No figures yet";
  const auto& points = snapshot.analysis->points;
  for (auto it = points.rbegin(); it != points.rend(); ++it) {
    if (!it->has_value()) continue;
    const std::string period = it->row < snapshot.dates.size() ? snapshot.dates[it->row] : "";
    return PlottedValue(it->value, snapshot.measure) + " for " + FormatDate(period);
  }
  return "No figures yet";
}

namespace {

std::string PointWords(const spc::Point& point) {
  switch (point.type) {
    case spc::PointType::kImprovement:
      return "Special cause: improvement";
    case spc::PointType::kConcern:
      return "Special cause: concern";
    case spc::PointType::kNeutralHigh:
      return "Special cause: unusually high";
    case spc::PointType::kNeutralLow:
      return "Special cause: unusually low";
    case spc::PointType::kCommonCause:
      return "Common cause";
    case spc::PointType::kNone:
      break;
  }
  return "No value";
}

std::string_view PointColour(const spc::Point& point) {
  switch (point.type) {
    case spc::PointType::kImprovement:
      return "blue";
    case spc::PointType::kConcern:
      return "orange";
    case spc::PointType::kNeutralHigh:
    case spc::PointType::kNeutralLow:
      return "purple";
    default:
      return "grey";
  }
}

std::string MeasurePath(const domain::Measure& measure, std::string_view rest = {}) {
  return "/measures/" + std::to_string(measure.id.value) + std::string(rest);
}

// The date fields (day, month, year) of `name` from a form, as an ISO date, or a message.
std::string ReadDate(FormState& form, std::string_view name, std::string_view what) {
  const std::string day(form.Value(std::string(name) + "-day"));
  const std::string month(form.Value(std::string(name) + "-month"));
  const std::string year(form.Value(std::string(name) + "-year"));
  const std::string field = std::string(name) + "-day";
  if (day.empty() && month.empty() && year.empty()) {
    form.Fail(field, "Enter the date " + std::string(what));
    return {};
  }
  auto number = [](const std::string& text, int digits_max) -> int {
    if (text.empty() || text.size() > static_cast<size_t>(digits_max)) return -1;
    int value = 0;
    for (const char c : text) {
      if (c < '0' || c > '9') return -1;
      value = value * 10 + (c - '0');
    }
    return value;
  };
  const int d = number(day, 2);
  const int m = number(month, 2);
  const int y = number(year, 4);
  if (d < 1 || m < 1 || m > 12 || y < 1900) {
    form.Fail(field, "The date " + std::string(what) + " must be a real date, like 26 11 2026");
    return {};
  }
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02d", y, m, d);
  if (!domain::ParseIsoDate(buffer) ||
      domain::FormatIsoDate(*domain::ParseIsoDate(buffer)) != buffer) {
    form.Fail(field, "The date " + std::string(what) + " must be a real date, like 26 11 2026");
    return {};
  }
  return buffer;
}

void SetDate(FormState& form, std::string_view name, std::string_view date) {
  // A copy first: `date` may be a value of this form, which Set can move.
  const std::string iso(date);
  if (iso.size() != 10) return;
  form.Set(std::string(name) + "-day",
           std::to_string(std::atoi(std::string(iso.substr(8, 2)).c_str())));
  form.Set(std::string(name) + "-month",
           std::to_string(std::atoi(std::string(iso.substr(5, 2)).c_str())));
  form.Set(std::string(name) + "-year", std::string(iso.substr(0, 4)));
}

void DateInput(Html& h, const FormState& form, std::string_view name, std::string_view legend,
               std::string_view hint) {
  const std::string day = std::string(name) + "-day";
  const FormError* error = form.ErrorFor(day);
  h << "<div class=\"nhsuk-form-group"_m << (error ? " nhsuk-form-group--error"_m : ""_m)
    << "\"><fieldset class=\"nhsuk-fieldset\" role=\"group\" aria-describedby=\""_m << name
    << "-hint"_m << (error ? " "_m : ""_m);
  if (error) h << name << "-error"_m;
  h << "\"><legend class=\"nhsuk-fieldset__legend nhsuk-fieldset__legend--s\">"_m << legend
    << "</legend><div class=\"nhsuk-hint\" id=\""_m << name << "-hint\">"_m << hint << "</div>"_m;
  if (error) {
    h << "<span class=\"nhsuk-error-message\" id=\""_m << name
      << "-error\"><span class=\"nhsuk-u-visually-hidden\">Error: </span>"_m << error->message
      << "</span>"_m;
  }
  h << "<div class=\"nhsuk-date-input\" id=\""_m << name << "\">"_m;
  const std::pair<const char*, const char*> parts[] = {
      {"day", "Day"}, {"month", "Month"}, {"year", "Year"}};
  for (const auto& [part, label] : parts) {
    const std::string id = std::string(name) + "-" + part;
    h << "<div class=\"nhsuk-date-input__item\"><div class=\"nhsuk-form-group\">"
         "<label class=\"nhsuk-label nhsuk-date-input__label\" for=\""_m
      << id << "\">"_m << label << "</label><input class=\"nhsuk-input nhsuk-date-input__input "_m
      << (std::string_view(part) == "year" ? "nhsuk-input--width-4"_m : "nhsuk-input--width-2"_m)
      << (error ? " nhsuk-input--error"_m : ""_m) << "\" id=\""_m << id << "\" name=\""_m << id
      << "\" type=\"text\" inputmode=\"numeric\" value=\""_m << form.Value(id)
      << "\"></div></div>"_m;
  }
  h << "</div></fieldset></div>"_m;
}

// A number typed by a person: "1,234.5" or " 12 ". nullopt when it is not one.
std::optional<double> ReadNumber(std::string_view text) {
  std::string clean;
  for (const char c : text) {
    if (c == ',' || c == ' ') continue;
    clean += c;
  }
  if (clean.empty() || clean.size() > 40) return std::nullopt;
  char* end = nullptr;
  const double value = std::strtod(clean.c_str(), &end);
  if (*end != '\0' || !std::isfinite(value)) return std::nullopt;
  return value;
}

// Reads the figure fields ("value", and "denominator" for ratio charts) into `input`.
void ReadFigure(FormState& form, const domain::Measure& measure, domain::ObservationInput& input) {
  const auto value = ReadNumber(form.Value("value"));
  if (form.Value("value").empty()) {
    form.Fail("value", "Enter the figure");
  } else if (!value) {
    form.Fail("value", "The figure must be a number, like 12 or 96.5");
  } else {
    input.value = *value;
  }
  if (HasDenominator(measure.chart)) {
    const auto denominator = ReadNumber(form.Value("denominator"));
    if (form.Value("denominator").empty()) {
      form.Fail("denominator", "Enter the total it is out of");
    } else if (!denominator) {
      form.Fail("denominator", "The total must be a number, like 240");
    } else {
      input.denominator = *denominator;
    }
  }
  if (form.ok()) {
    if (auto problem = api::CheckValue(measure.chart, input.value, input.denominator)) {
      std::string reason = problem->reason;
      if (!reason.empty()) reason[0] = static_cast<char>(std::toupper(reason[0]));
      form.Fail(problem->field == "denominator" ? "denominator" : "value", reason);
    }
  }
}

void FigureFields(Html& h, const FormState& form, const domain::Measure& measure) {
  InputOptions value;
  value.inputmode = "decimal";
  value.width_class = "nhsuk-input--width-10";
  if (HasDenominator(measure.chart)) {
    value.hint = "How many: " + measure.definition;
    Input(h, form, "value", "Number", value);
    InputOptions denominator;
    denominator.inputmode = "decimal";
    denominator.width_class = "nhsuk-input--width-10";
    denominator.hint = "The total it is out of";
    Input(h, form, "denominator", "Out of", denominator);
  } else {
    value.hint = measure.definition;
    if (!measure.unit.empty() && measure.unit != "%") value.suffix = measure.unit;
    if (measure.unit == "%") value.suffix = "%";
    Input(h, form, "value", "Figure", value);
  }
}

void MeasureCaption(Html& h, const domain::Measure& measure, std::string_view team_name) {
  h << "<span class=\"nhsuk-caption-l\">"_m << team_name
    << "<span class=\"nhsuk-u-visually-hidden\"> \u2013 </span></span>"_m;
  (void)measure;
}

std::string TeamName(PageContext& page, domain::TeamId team) {
  auto found = page.store.GetTeam(page.caller.org, team);
  return found ? found->name : std::string();
}

// The chart, reading and table: the live region of the measure page.
void MeasureLive(Html& h, const MeasureSnapshot& snapshot, bool can_correct, bool show_all) {
  const domain::Measure& measure = snapshot.measure;
  h << "<div id=\"es-measure-live\" data-live-region>"_m;
  if (!snapshot.analysis) {
    h << "<p>"_m
      << (snapshot.error.empty() ? std::string("There are no figures yet. Add the first one.")
                                 : "The chart cannot be drawn: " + snapshot.error)
      << "</p></div>"_m;
    return;
  }
  const spc::Analysis& analysis = *snapshot.analysis;
  h << "<div class=\"es-reading\">"_m;
  Icons(h, snapshot);
  h << "<p class=\"nhsuk-body-l es-latest\">Latest: <strong>"_m << LatestFigure(snapshot)
    << "</strong></p></div>"_m;
  h << "<p class=\"es-reading-text\">"_m << analysis.summary.reading << "</p>"_m;
  h << "<figure class=\"es-chart\">"_m;
  h.Trusted(ChartSvg(snapshot, 900, 420,
                     std::string("measure-").append(std::to_string(measure.id.value))));
  h << "</figure>"_m;
  for (const spc::Warning& warning : analysis.warnings) {
    h << "<p class=\"nhsuk-body-s\">Note: "_m << warning.message << "</p>"_m;
  }

  // The table view of the same data, newest first.
  const size_t total = analysis.points.size();
  const size_t shown = show_all ? total : std::min<size_t>(total, 24);
  h << "<h2 class=\"nhsuk-heading-m\" id=\"table\">The figures</h2>"_m;
  if (shown < total) {
    h << "<p>The latest "_m << shown << " of "_m << total << " figures. <a href=\""_m
      << MeasurePath(measure, "?all=1#table") << "\">Show all "_m << total << " figures</a></p>"_m;
  }
  // NHS.UK's responsive table: on a phone each row stacks into a block of "heading value" lines,
  // so nothing (the "Correct" link least of all) is off the right edge of the screen. The box
  // scrolls only where a wide table meets a narrow window above phone width.
  const bool ratio = HasDenominator(measure.chart);
  h << "<div class=\"es-table-scroll\" tabindex=\"0\" role=\"region\" aria-labelledby=\"table\">"
       "<table class=\"nhsuk-table nhsuk-table--responsive\" role=\"table\">"
       "<caption class=\"nhsuk-table__caption nhsuk-u-visually-hidden\">Figures for "_m
    << measure.name
    << ", newest first</caption><thead class=\"nhsuk-table__head\" role=\"rowgroup\">"
       "<tr class=\"nhsuk-table__row\" role=\"row\">"_m;
  const auto header = [&h](std::string_view text, bool numeric) {
    h << "<th class=\"nhsuk-table__header"_m << (numeric ? " nhsuk-table__header--numeric"_m : ""_m)
      << "\" scope=\"col\" role=\"columnheader\">"_m << text << "</th>"_m;
  };
  // Opens a cell with its heading for the stacked (phone) layout.
  const auto cell = [&h](std::string_view heading, bool numeric) {
    h << "<td class=\"nhsuk-table__cell"_m << (numeric ? " nhsuk-table__cell--numeric"_m : ""_m)
      << "\" role=\"cell\">"_m;
    if (!heading.empty()) {
      h << "<span class=\"nhsuk-table__heading\" aria-hidden=\"true\">"_m << heading
        << " </span>"_m;
    }
  };
  header("Period", false);
  header("Figure", true);
  if (ratio) header("Out of", true);
  header("Mean", true);
  header("Limits", true);
  header("What it shows", false);
  if (can_correct) {
    h << "<th class=\"nhsuk-table__header\" scope=\"col\" role=\"columnheader\"><span "
         "class=\"nhsuk-u-visually-hidden\">Action</span></th>"_m;
  }
  h << "</tr></thead><tbody class=\"nhsuk-table__body\">"_m;
  for (size_t k = 0; k < shown; ++k) {
    const spc::Point& point = analysis.points[total - 1 - k];
    const std::string period = point.row < snapshot.dates.size() ? snapshot.dates[point.row] : "";
    h << "<tr class=\"nhsuk-table__row\" role=\"row\">"_m;
    cell("Period", false);
    h << FormatDate(period) << "</td>"_m;
    cell("Figure", true);
    h << (point.has_value() ? PlottedValue(point.value, measure) : std::string("\u2013"))
      << "</td>"_m;
    if (ratio) {
      cell("Out of", true);
      h << FormatNumber(point.denominator) << "</td>"_m;
    }
    cell("Mean", true);
    h << Scaled(point.centre, measure) << "</td>"_m;
    cell("Limits", true);
    if (point.lower == point.lower || point.upper == point.upper) {
      h << Scaled(point.lower, measure) << " to "_m << Scaled(point.upper, measure);
    } else {
      h << "\u2013"_m;
    }
    h << "</td>"_m;
    cell("What it shows", false);
    h << "<span>"_m;
    Tag(h, PointWords(point), PointColour(point));
    h << "</span></td>"_m;
    if (can_correct) {
      cell({}, false);
      h << "<a href=\""_m << MeasurePath(measure, "/correct?period=" + period)
        << "\">Correct<span class=\"nhsuk-u-visually-hidden\"> the figure for "_m
        << FormatDate(period) << "</span></a></td>"_m;
    }
    h << "</tr>"_m;
  }
  h << "</tbody></table></div></div>"_m;
}

Response MeasurePage(PageContext& page) {
  auto measure = PageMeasure(page, Action::kViewMeasures);
  if (!measure) return std::move(measure.error());
  auto snapshot = Snapshot(page, *measure);
  if (!snapshot) return FromRefusal(page.viewer, snapshot.error());
  const bool can_add = Allowed(page, Action::kAddObservation, measure->team);
  const bool can_correct = Allowed(page, Action::kCorrectObservation, measure->team);
  const bool can_annotate = Allowed(page, Action::kAnnotateMeasure, measure->team);
  const bool can_define = Allowed(page, Action::kDefineMeasure, measure->team);
  const std::string team_name = TeamName(page, measure->team);

  Html h;
  if (auto added = page.request.Query("added")) {
    SuccessBanner(h, "Figure saved for " + FormatDate(*added));
  } else if (auto corrected = page.request.Query("corrected")) {
    SuccessBanner(h, "Figure corrected for " + FormatDate(*corrected) +
                         ". The earlier value is kept in its history.");
  } else if (page.request.Query("annotated")) {
    SuccessBanner(h, "Annotation added");
  } else if (page.request.Query("defined")) {
    SuccessBanner(h, "Definition saved");
  }
  h << "<h1 class=\"nhsuk-heading-l\">"_m;
  MeasureCaption(h, *measure, team_name);
  h << measure->name << "</h1>"_m;
  if (can_add) {
    h << "<a class=\"nhsuk-button\" data-module=\"nhsuk-button\" role=\"button\" draggable=\"false\" href=\""_m
      << MeasurePath(*measure, "/add") << "\">Add a figure</a> "_m;
  }
  MeasureLive(h, *snapshot, can_correct, page.request.Query("all").has_value());

  // Annotations and phases.
  h << "<h2 class=\"nhsuk-heading-m\">Annotations and phases</h2>"_m;
  if (snapshot->annotations.empty()) {
    h << "<p>No annotations yet. Mark a change you made (a PDSA cycle), a note, or a rebase "
         "where the process changed.</p>"_m;
  } else {
    h << "<ul class=\"nhsuk-list nhsuk-list--bullet\">"_m;
    for (const domain::Annotation& annotation : snapshot->annotations) {
      h << "<li><strong>"_m << FormatDate(annotation.period) << "</strong> "_m;
      const std::string_view kind = domain::Name(annotation.kind);
      Tag(h,
          kind == "rebase" ? "Rebase"
          : kind == "pdsa" ? "PDSA cycle"
                           : "Note",
          kind == "rebase" ? "purple"
          : kind == "pdsa" ? "green"
                           : "grey");
      h << " "_m << annotation.text << "</li>"_m;
    }
    h << "</ul>"_m;
  }
  if (snapshot->analysis && snapshot->analysis->phases.size() > 1) {
    h << "<table class=\"nhsuk-table\"><caption class=\"nhsuk-table__caption "
         "nhsuk-table__caption--s\">Phases</caption><thead class=\"nhsuk-table__head\">"
         "<tr class=\"nhsuk-table__row\"><th class=\"nhsuk-table__header\" scope=\"col\">From</th>"
         "<th class=\"nhsuk-table__header nhsuk-table__header--numeric\" "
         "scope=\"col\">Figures</th><th class=\"nhsuk-table__header nhsuk-table__header--numeric\" "
         "scope=\"col\">Mean</th></tr></thead><tbody class=\"nhsuk-table__body\">"_m;
    for (const spc::Phase& phase : snapshot->analysis->phases) {
      const auto& points = snapshot->analysis->points;
      const std::string from =
          phase.first < points.size() && points[phase.first].row < snapshot->dates.size()
              ? snapshot->dates[points[phase.first].row]
              : "";
      h << "<tr class=\"nhsuk-table__row\"><td class=\"nhsuk-table__cell\">"_m << FormatDate(from)
        << "</td><td class=\"nhsuk-table__cell nhsuk-table__cell--numeric\">"_m << phase.n
        << "</td><td class=\"nhsuk-table__cell nhsuk-table__cell--numeric\">"_m
        << Scaled(phase.centre, *measure) << "</td></tr>"_m;
    }
    h << "</tbody></table>"_m;
  }
  if (can_annotate) {
    h << "<p><a href=\""_m << MeasurePath(*measure, "/annotate")
      << "\">Add a note, PDSA cycle or rebase</a></p>"_m;
  }

  // The definition.
  h << "<h2 class=\"nhsuk-heading-m\">About this measure</h2>"_m;
  std::vector<SummaryRow> rows;
  auto row = [&](std::string key, std::string value) {
    SummaryRow r;
    r.key = std::move(key);
    r.value << value;
    rows.push_back(std::move(r));
  };
  row("What is counted", measure->definition.empty() ? "Not given" : measure->definition);
  row("Team", team_name);
  row("Chart", std::string(ChartWords(measure->chart)));
  row("Better is", std::string(DirectionWords(measure->direction)));
  row("Target", measure->target ? PlottedValue(*measure->target, *measure) : "None");
  row("How often", std::string(FrequencyWords(measure->frequency)));
  row("Kind", std::string(KindWords(measure->kind)));
  SummaryList(h, rows);
  if (can_define) {
    h << "<p><a href=\""_m << MeasurePath(*measure, "/edit")
      << "\">Change the definition</a></p>"_m;
  }

  PageSpec spec;
  spec.title = measure->name;
  spec.back_href = "/teams/" + std::to_string(measure->team.value);
  spec.live_measure = std::to_string(measure->id.value);
  return PageResponse(page.viewer, spec, h);
}

std::string LastPeriod(const MeasureSnapshot& snapshot) {
  return snapshot.dates.empty() ? std::string() : snapshot.dates.back();
}

Response AddFormPage(PageContext& page, const domain::Measure& measure, FormState& form,
                     int status) {
  Html h;
  h << "<div class=\"nhsuk-grid-row\"><div class=\"nhsuk-grid-column-two-thirds\">"_m;
  ErrorSummary(h, form);
  h << "<h1 class=\"nhsuk-heading-l\">"_m;
  MeasureCaption(h, measure, measure.name);
  h << "Add a figure</h1><form action=\""_m << MeasurePath(measure, "/add")
    << "\" method=\"post\" novalidate>"_m;
  CsrfField(h, page.viewer.csrf_token);
  DateInput(h, form, "period", "Which day is the figure for?",
            std::string("The start of the period. ") +
                std::string(FrequencyWords(measure.frequency)) + ". For example, 26 11 2026");
  FigureFields(h, form, measure);
  Button(h, "Continue");
  h << "</form></div></div>"_m;
  PageSpec spec;
  spec.title = "Add a figure: " + measure.name;
  spec.back_href = MeasurePath(measure);
  spec.has_errors = !form.ok();
  spec.status = status;
  return PageResponse(page.viewer, spec, h);
}

// Reads and checks the add form; the input when it is good.
std::optional<domain::ObservationInput> ReadAdd(FormState& form, const domain::Measure& measure) {
  domain::ObservationInput input;
  input.measure = measure.id;
  input.period = ReadDate(form, "period", "the figure is for");
  if (!input.period.empty() && input.period > Today()) {
    form.Fail("period-day", "The date the figure is for must be today or in the past");
  }
  ReadFigure(form, measure, input);
  if (!form.ok()) return std::nullopt;
  return input;
}

Response CheckPage(PageContext& page, const domain::Measure& measure,
                   const domain::ObservationInput& input) {
  Html h;
  h << "<div class=\"nhsuk-grid-row\"><div class=\"nhsuk-grid-column-two-thirds\">"_m;
  h << "<h1 class=\"nhsuk-heading-l\">"_m;
  MeasureCaption(h, measure, measure.name);
  h << "Check your figure</h1>"_m;
  // "Change" (and Back) go to the first step with everything entered, the total too.
  std::string change = MeasurePath(
      measure, "/add?period=" + input.period + "&value=" + FormatNumber(input.value, 10));
  if (input.denominator) change += "&denominator=" + FormatNumber(*input.denominator, 10);
  std::vector<SummaryRow> rows;
  SummaryRow period;
  period.key = "Day";
  period.value << FormatDate(input.period);
  period.action_href = change;
  period.action_text = "day";
  rows.push_back(std::move(period));
  SummaryRow value;
  value.key = HasDenominator(measure.chart) ? "Number" : "Figure";
  value.value << WithUnit(input.value, HasDenominator(measure.chart) ? "" : measure.unit);
  value.action_href = change;
  value.action_text = "figure";
  rows.push_back(std::move(value));
  if (input.denominator) {
    SummaryRow denominator;
    denominator.key = "Out of";
    denominator.value << FormatNumber(*input.denominator);
    denominator.action_href = change;
    denominator.action_text = "total";
    rows.push_back(std::move(denominator));
  }
  SummaryList(h, rows);
  h << "<form action=\""_m << MeasurePath(measure, "/add/confirm")
    << "\" method=\"post\" novalidate>"_m;
  CsrfField(h, page.viewer.csrf_token);
  h << "<input type=\"hidden\" name=\"period\" value=\""_m << input.period
    << "\"><input type=\"hidden\" name=\"value\" value=\""_m << FormatNumber(input.value, 10)
    << "\">"_m;
  if (input.denominator) {
    h << "<input type=\"hidden\" name=\"denominator\" value=\""_m
      << FormatNumber(*input.denominator, 10) << "\">"_m;
  }
  Button(h, "Save figure");
  h << "</form></div></div>"_m;
  PageSpec spec;
  spec.title = "Check your figure: " + measure.name;
  spec.back_href = change;
  return PageResponse(page.viewer, spec, h);
}

// The refusal of a store step on a form: a conflict or an invalid value goes back to the form.
bool FormFailure(FormState& form, const Response& refusal, std::string_view field) {
  if (refusal.status != 409 && refusal.status != 422) return false;
  std::string detail = ProblemDetail(refusal);
  if (!detail.empty()) detail[0] = static_cast<char>(std::toupper(detail[0]));
  form.Fail(std::string(field), detail);
  return true;
}

Response CorrectPage(PageContext& page, const domain::Measure& measure, FormState& form,
                     std::string_view period, int status) {
  auto history = page.store.ListObservationHistory(page.caller.org, measure.id, period);
  if (!history) return FromRefusal(page.viewer, api::StoreRefusal(history.error()));
  if (history->empty()) return ErrorPage(page.viewer, 404, "there is no figure for that day");
  Html h;
  h << "<div class=\"nhsuk-grid-row\"><div class=\"nhsuk-grid-column-two-thirds\">"_m;
  ErrorSummary(h, form);
  h << "<h1 class=\"nhsuk-heading-l\">"_m;
  MeasureCaption(h, measure, measure.name);
  h << "Correct the figure for "_m << FormatDate(period) << "</h1>"_m;
  h << "<table class=\"nhsuk-table\"><caption class=\"nhsuk-table__caption "
       "nhsuk-table__caption--s\">History of this figure</caption><thead "
       "class=\"nhsuk-table__head\"><tr class=\"nhsuk-table__row\"><th "
       "class=\"nhsuk-table__header\" "
       "scope=\"col\">Version</th><th class=\"nhsuk-table__header nhsuk-table__header--numeric\" "
       "scope=\"col\">Figure</th><th class=\"nhsuk-table__header\" scope=\"col\">Entered</th>"
       "</tr></thead><tbody class=\"nhsuk-table__body\">"_m;
  for (const domain::Observation& o : *history) {
    h << "<tr class=\"nhsuk-table__row\"><td class=\"nhsuk-table__cell\">"_m
      << static_cast<int64_t>(o.version) << (o.superseded ? ""_m : " (current)"_m)
      << "</td><td class=\"nhsuk-table__cell nhsuk-table__cell--numeric\">"_m
      << FormatNumber(o.value, 6);
    if (o.denominator) h << " out of "_m << FormatNumber(*o.denominator, 6);
    h << "</td><td class=\"nhsuk-table__cell\">"_m
      << FormatDate(domain::FormatIsoDate(o.entered_at)) << "</td></tr>"_m;
  }
  h << "</tbody></table>"_m;
  if (form.Value("value").empty() && form.ok()) {
    form.Set("value", FormatNumber(history->back().value, 10));
    if (history->back().denominator) {
      form.Set("denominator", FormatNumber(*history->back().denominator, 10));
    }
  }
  h << "<form action=\""_m << MeasurePath(measure, "/correct")
    << "\" method=\"post\" novalidate>"_m;
  CsrfField(h, page.viewer.csrf_token);
  h << "<input type=\"hidden\" name=\"period\" value=\""_m << period << "\">"_m;
  FigureFields(h, form, measure);
  Button(h, "Save correction");
  h << "</form></div></div>"_m;
  PageSpec spec;
  spec.title = "Correct a figure: " + measure.name;
  spec.back_href = MeasurePath(measure);
  spec.has_errors = !form.ok();
  spec.status = status;
  return PageResponse(page.viewer, spec, h);
}

Response AnnotatePage(PageContext& page, const domain::Measure& measure, FormState& form,
                      int status) {
  Html h;
  h << "<div class=\"nhsuk-grid-row\"><div class=\"nhsuk-grid-column-two-thirds\">"_m;
  ErrorSummary(h, form);
  h << "<h1 class=\"nhsuk-heading-l\">"_m;
  MeasureCaption(h, measure, measure.name);
  h << "Add a note, PDSA cycle or rebase</h1><form action=\""_m << MeasurePath(measure, "/annotate")
    << "\" method=\"post\" novalidate>"_m;
  CsrfField(h, page.viewer.csrf_token);
  DateInput(h, form, "period", "Which day does it mark?",
            "The period on the chart where it belongs. For example, 1 4 2026");
  Radios(
      h, form, "kind", "What kind of annotation is it?",
      {{"note", "A note", "Something that explains a figure, such as a computer outage"},
       {"pdsa", "A PDSA cycle", "A change you tested (plan, do, study, act)"},
       {"rebase", "A rebase",
        "The process has changed for good: the chart starts a new phase here, with new limits"}});
  Textarea(h, form, "text", "What happened, and why",
           "For a rebase, the reason the process changed. Do not include patient details.", 4);
  Button(h, "Add annotation");
  h << "</form></div></div>"_m;
  PageSpec spec;
  spec.title = "Add an annotation: " + measure.name;
  spec.back_href = MeasurePath(measure);
  spec.has_errors = !form.ok();
  spec.status = status;
  return PageResponse(page.viewer, spec, h);
}

}  // namespace

void AddMeasurePages(Router& router, Api::Impl& impl) {
  AddPage(router, impl, "GET", "/measures/{measure}", MeasurePage);

  AddPage(router, impl, "GET", "/measures/{measure}/add", [](PageContext& page) -> Response {
    auto measure = PageMeasure(page, Action::kAddObservation);
    if (!measure) return std::move(measure.error());
    FormState form;
    std::string period(page.request.Query("period").value_or(""));
    if (period.empty()) {
      auto snapshot = Snapshot(page, *measure);
      if (snapshot) period = DuePeriod(*measure, LastPeriod(*snapshot), Today());
      if (period.empty()) period = Today();
    }
    SetDate(form, "period", period);
    form.Set("value", std::string(page.request.Query("value").value_or("")));
    form.Set("denominator", std::string(page.request.Query("denominator").value_or("")));
    return AddFormPage(page, *measure, form, 200);
  });

  AddPage(router, impl, "POST", "/measures/{measure}/add", [](PageContext& page) -> Response {
    auto measure = PageMeasure(page, Action::kAddObservation);
    if (!measure) return std::move(measure.error());
    auto input = ReadAdd(page.form, *measure);
    if (!input) return AddFormPage(page, *measure, page.form, 422);
    return CheckPage(page, *measure, *input);
  });

  AddPage(
      router, impl, "POST", "/measures/{measure}/add/confirm", [](PageContext& page) -> Response {
        auto measure = PageMeasure(page, Action::kAddObservation);
        if (!measure) return std::move(measure.error());
        // The check page's hidden fields, read as the first step reads them.
        FormState& form = page.form;
        SetDate(form, "period", form.Value("period"));
        auto input = ReadAdd(form, *measure);
        if (!input) return AddFormPage(page, *measure, form, 422);
        auto recorded = page.impl.Record(page.store, page.caller, *measure, {*input}, false);
        if (!recorded) {
          if (FormFailure(form, recorded.error(), "period-day")) {
            if (recorded.error().status == 409) {
              form = FormState();
              SetDate(form, "period", input->period);
              form.Set("value", FormatNumber(input->value, 10));
              form.Fail("period-day", "There is already a figure for " + FormatDate(input->period) +
                                          ": choose another day, or correct that figure "
                                          "from the measure's table");
            }
            return AddFormPage(page, *measure, form, recorded.error().status);
          }
          return FromRefusal(page.viewer, recorded.error());
        }
        return Redirect(MeasurePath(*measure, "?added=" + input->period));
      });

  AddPage(router, impl, "GET", "/measures/{measure}/correct", [](PageContext& page) -> Response {
    auto measure = PageMeasure(page, Action::kCorrectObservation);
    if (!measure) return std::move(measure.error());
    const std::string period(page.request.Query("period").value_or(""));
    if (!domain::ParseIsoDate(period)) {
      return ErrorPage(page.viewer, 404, "there is no figure for that day");
    }
    FormState form;
    return CorrectPage(page, *measure, form, period, 200);
  });

  AddPage(router, impl, "POST", "/measures/{measure}/correct", [](PageContext& page) -> Response {
    auto measure = PageMeasure(page, Action::kCorrectObservation);
    if (!measure) return std::move(measure.error());
    const std::string period(page.form.Value("period"));
    if (!domain::ParseIsoDate(period)) {
      return ErrorPage(page.viewer, 404, "there is no figure for that day");
    }
    domain::ObservationInput input;
    input.measure = measure->id;
    input.period = period;
    ReadFigure(page.form, *measure, input);
    if (!page.form.ok()) return CorrectPage(page, *measure, page.form, period, 422);
    auto corrected = page.impl.Correct(page.store, page.caller, *measure, input);
    if (!corrected) {
      if (FormFailure(page.form, corrected.error(), "value")) {
        return CorrectPage(page, *measure, page.form, period, corrected.error().status);
      }
      return FromRefusal(page.viewer, corrected.error());
    }
    return Redirect(MeasurePath(*measure, "?corrected=" + period));
  });

  AddPage(router, impl, "GET", "/measures/{measure}/annotate", [](PageContext& page) -> Response {
    auto measure = PageMeasure(page, Action::kAnnotateMeasure);
    if (!measure) return std::move(measure.error());
    FormState form;
    SetDate(form, "period", Today());
    return AnnotatePage(page, *measure, form, 200);
  });

  AddPage(router, impl, "POST", "/measures/{measure}/annotate", [](PageContext& page) -> Response {
    auto measure = PageMeasure(page, Action::kAnnotateMeasure);
    if (!measure) return std::move(measure.error());
    FormState& form = page.form;
    domain::Annotation annotation;
    annotation.period = ReadDate(form, "period", "the annotation marks");
    const auto kind = domain::ParseAnnotationKind(form.Value("kind"));
    if (!kind) {
      form.Fail("kind", "Choose a note, a PDSA cycle or a rebase");
    } else {
      annotation.kind = *kind;
    }
    std::string text(form.Value("text"));
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) {
      text.pop_back();
    }
    if (text.empty()) {
      form.Fail("text", kind == domain::AnnotationKind::kRebase ? "Enter the reason for the rebase"
                                                                : "Enter what happened");
    } else if (text.size() > 4000) {
      form.Fail("text", "What happened must be 4,000 characters or fewer");
    }
    annotation.text = text;
    if (!form.ok()) return AnnotatePage(page, *measure, form, 422);
    auto added = page.impl.Annotate(page.store, page.caller, *measure, annotation);
    if (!added) {
      if (FormFailure(form, added.error(), "period-day")) {
        return AnnotatePage(page, *measure, form, added.error().status);
      }
      return FromRefusal(page.viewer, added.error());
    }
    return Redirect(MeasurePath(*measure, "?annotated=1"));
  });
}

}  // namespace everyseat::server::web
