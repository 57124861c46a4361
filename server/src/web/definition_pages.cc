// The measure definition form, for the people who may define a team's measures (leads of the
// team or of a team above it: Action::kDefineMeasure):
//
//   GET  /teams/{team}/measures/new    an empty form
//   POST /teams/{team}/measures/new    checks it; creates the measure, then to its page
//   GET  /measures/{measure}/edit      the form with the measure's definition
//   POST /measures/{measure}/edit      checks it; changes the definition (not the team)
//
// A definition that fails a check is shown again with its values and an error summary (422).
// A saved one goes to /measures/{id}?defined=1, whose page says "Definition saved".
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include "everyseat/domain/validate.h"
#include "pages.h"

namespace everyseat::server::web {

using domain::Action;

namespace {

// The charts in the order a lead meets them: the usual one first, the specialist ones last.
constexpr spc::Chart kCharts[] = {
    spc::Chart::kI,  spc::Chart::kRun,  spc::Chart::kP, spc::Chart::kPp, spc::Chart::kC,
    spc::Chart::kU,  spc::Chart::kUp,   spc::Chart::kG, spc::Chart::kT,  spc::Chart::kIp,
    spc::Chart::kMr, spc::Chart::kXbar, spc::Chart::kS};

// When to use each chart, in plain English.
std::string_view ChartHint(spc::Chart chart) {
  switch (chart) {
    case spc::Chart::kI:
      return "Most measures: one figure each period, such as a waiting time, a length of stay or "
             "a count of something that is not a rare event. If you are not sure, choose this.";
    case spc::Chart::kRun:
      return "Fewer than 15 figures so far, or you only need the median. It shows shifts and "
             "trends but has no process limits.";
    case spc::Chart::kP:
      return "A percentage of a total, such as visits on time out of all visits: you give the "
             "number and the total each period, and the chart shows the proportion (0.95 is "
             "95%).";
    case spc::Chart::kPp:
      return "A percentage of a very large total, such as A&E attendances seen within 4 hours. "
             "With thousands each period a p chart's limits are too narrow; Laney's adjustment "
             "allows for that. You give the number and the total each period.";
    case spc::Chart::kC:
      return "Counts of events in equal periods when the chance of one stays about the same, "
             "such as falls each month on a ward whose size does not change.";
    case spc::Chart::kU:
      return "A rate, such as falls per 1,000 bed days, when the amount of exposure changes "
             "from period to period: you give the count and the exposure each period.";
    case spc::Chart::kUp:
      return "A rate with a very large exposure each period: a u chart with Laney's adjustment, "
             "so that the limits are not too narrow.";
    case spc::Chart::kG:
      return "Rare events: you give the number of cases between one event and the next, such as "
             "operations between surgical site infections.";
    case spc::Chart::kT:
      return "Rare events: you give the time between one event and the next, such as days "
             "between never events. Every figure must be more than 0.";
    case spc::Chart::kIp:
      return "A ratio of two measurements whose total changes each period, such as bed days per "
             "discharge or cost per patient: you give the number and the total each period.";
    case spc::Chart::kMr:
      return "How much the figure moves from one period to the next. Usually read beside an XmR "
             "chart of the same figures rather than on its own.";
    case spc::Chart::kXbar:
      return "The average of a sample of several measurements in each period. Rarely needed: "
             "ask your analyst before choosing it.";
    case spc::Chart::kS:
      return "How spread out a sample of measurements is in each period, read beside an X-bar "
             "chart. Rarely needed: ask your analyst before choosing it.";
  }
  return "";
}

// A textarea's text with the browser's CRLF line ends as LF, and no trailing space.
std::string TextareaText(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\r') {
      out += '\n';
      if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
    } else {
      out += text[i];
    }
  }
  while (!out.empty() && std::isspace(static_cast<unsigned char>(out.back()))) out.pop_back();
  return out;
}

// A number typed by a person: "1,234.5", " 95 " or "95%". nullopt when it is not one.
std::optional<double> ReadNumber(std::string_view text) {
  std::string clean;
  for (const char c : text) {
    if (c == ',' || c == ' ') continue;
    clean += c;
  }
  if (!clean.empty() && clean.back() == '%') clean.pop_back();
  if (clean.empty() || clean.size() > 40) return std::nullopt;
  char* end = nullptr;
  const double value = std::strtod(clean.c_str(), &end);
  if (*end != '\0' || !std::isfinite(value)) return std::nullopt;
  return value;
}

// A number as it goes back into the form: all its digits, no thousands separators.
std::string PlainNumber(double value) {
  std::string text = FormatNumber(value, 10);
  std::string out;
  for (const char c : text) {
    if (c != ',') out += c;
  }
  return out;
}

// The form's fields from a measure (for a change of definition).
FormState FormOf(const domain::Measure& measure) {
  FormState form;
  form.Set("name", measure.name);
  form.Set("definition", measure.definition);
  form.Set("unit", measure.unit);
  form.Set("kind", std::string(domain::Name(measure.kind)));
  form.Set("chart", std::string(spc::Name(measure.chart)));
  form.Set("direction", std::string(spc::Name(measure.direction)));
  form.Set("target", measure.target ? PlainNumber(*measure.target) : std::string());
  form.Set("frequency", std::string(domain::Name(measure.frequency)));
  return form;
}

// Reads and checks the form into `measure` (its id, organisation and team are the caller's).
// The messages say what to do, naming the field as the page labels it.
bool ReadDefinition(FormState& form, domain::Measure& measure) {
  measure.name = Trimmed(form.Value("name"));
  form.Set("name", measure.name);
  if (measure.name.empty()) {
    form.Fail("name", "Enter the name of the measure");
  } else if (measure.name.size() > domain::kMaxNameLength) {
    form.Fail("name", "The name must be 200 characters or fewer");
  }

  measure.definition = TextareaText(form.Value("definition"));
  form.Set("definition", measure.definition);
  if (measure.definition.size() > domain::kMaxTextLength) {
    form.Fail("definition", "What is counted must be 4,000 characters or fewer");
  }

  measure.unit = Trimmed(form.Value("unit"));
  form.Set("unit", measure.unit);
  if (measure.unit.size() > 50) form.Fail("unit", "The unit must be 50 characters or fewer");

  if (auto kind = domain::ParseMeasureKind(form.Value("kind"))) {
    measure.kind = *kind;
  } else {
    form.Fail("kind", "Select the kind of measure");
  }

  const auto chart = spc::ParseChart(form.Value("chart"));
  if (chart) {
    measure.chart = *chart;
  } else {
    form.Fail("chart", "Select the type of chart");
  }
  if (chart && spc::HasDenominator(*chart) && measure.definition.empty() &&
      !form.ErrorFor("definition")) {
    form.Fail("definition",
              "Enter what is counted: for this chart, say what the number is and what the total "
              "is");
  }

  if (auto direction = spc::ParseDirection(form.Value("direction"))) {
    measure.direction = *direction;
  } else {
    form.Fail("direction", "Select whether higher or lower is better, or neither");
  }

  const std::string target = Trimmed(form.Value("target"));
  form.Set("target", target);
  measure.target.reset();
  if (!target.empty()) {
    const bool proportion = chart && (*chart == spc::Chart::kP || *chart == spc::Chart::kPp);
    if (auto value = ReadNumber(target)) {
      // A p chart shows proportions: "95%" is 0.95 there.
      if (proportion && target.back() == '%') *value /= 100;
      measure.target = *value;
      if (proportion && (*value < 0 || *value > 1)) {
        form.Fail("target",
                  "The target of a p chart is a proportion from 0 to 1: write 95% as 0.95");
      }
    } else {
      form.Fail("target", "The target must be a number, like 95 or 12.5");
    }
  }

  if (auto frequency = domain::ParseFrequency(form.Value("frequency"))) {
    measure.frequency = *frequency;
  } else {
    form.Fail("frequency", "Select how often there is a new figure");
  }

  // The domain's own rules (control characters and the like), once the form's are met.
  if (form.ok()) {
    if (auto valid = domain::ValidateMeasure(measure); !valid) {
      const std::string& field = valid.error().field;
      form.Fail(field == "definition" || field == "unit" || field == "target" ? field : "name",
                Capitalised(valid.error().message));
    }
  }
  return form.ok();
}

// On a change of chart: whether the figures already entered can go on the new chart (a count
// not negative, a total for every figure of a ratio chart, ...). Fails the "chart" field if not.
bool FiguresFitChart(PageContext& page, FormState& form, const domain::Measure& before,
                     spc::Chart chart) {
  if (chart == before.chart) return true;
  auto observations = page.store.ListObservations(page.caller.org, before.id);
  if (!observations) return true;  // the store's own failure shows when the measure is saved
  for (const domain::Observation& o : *observations) {
    if (spc::HasDenominator(chart) && !o.denominator) {
      form.Fail("chart",
                "The figures already entered have no totals, so this chart cannot show "
                "them. Choose a chart that needs one number each period");
      return false;
    }
    if (auto problem = api::CheckValue(chart, o.value, o.denominator)) {
      form.Fail("chart", "This chart cannot show the figure for " + FormatDate(o.period) + ": " +
                             problem->reason);
      return false;
    }
  }
  return true;
}

struct FormPage {
  std::string title;    // the h1
  std::string caption;  // the team's name
  std::string action;   // where the form posts
  std::string back;     // the back link
  std::string button;
  bool editing = false;
};

Response DefinitionForm(PageContext& page, const FormPage& what, const FormState& form,
                        int status) {
  Html h;
  h << "<div class=\"nhsuk-grid-row\"><div class=\"nhsuk-grid-column-two-thirds\">"_m;
  ErrorSummary(h, form);
  h << "<h1 class=\"nhsuk-heading-l\"><span class=\"nhsuk-caption-l\">"_m << what.caption
    << "<span class=\"nhsuk-u-visually-hidden\"> \u2013 </span></span>"_m << what.title
    << "</h1>"_m;
  if (what.editing) {
    h << "<div class=\"nhsuk-inset-text\"><span class=\"nhsuk-u-visually-hidden\">Information: "
         "</span><p>Changing the chart, the direction or the target redraws the chart and its "
         "icons from the figures already entered. The figures themselves do not change.</p>"
         "</div>"_m;
  }
  h << "<form action=\""_m << what.action << "\" method=\"post\" novalidate>"_m;
  CsrfField(h, page.viewer.csrf_token);

  InputOptions name;
  name.hint = "A short name your team will recognise, such as Falls per 1,000 bed days";
  Input(h, form, "name", "Name", name);

  Textarea(h, form, "definition", "What is counted",
           "Say exactly what is counted and where the figure comes from. For a percentage, rate "
           "or ratio, say what the number is and what the total is: for example, patients seen "
           "within 4 hours (the number) out of all patients who attended (the total).",
           5);

  InputOptions unit;
  unit.width_class = "nhsuk-input--width-10";
  unit.hint = "Optional. For example, patients, minutes, or proportion of visits for a p chart";
  Input(h, form, "unit", "Unit", unit);

  Radios(h, form, "kind", "What kind of measure is it?",
         {{"outcome", std::string(KindWords(domain::MeasureKind::kOutcome)),
           "The result people experience, such as falls, waiting times or patient experience"},
          {"process", std::string(KindWords(domain::MeasureKind::kProcess)),
           "Something you do that should lead to the outcome, such as falls risk assessments "
           "completed"},
          {"balancing", std::string(KindWords(domain::MeasureKind::kBalancing)),
           "Checks that improving one thing has not made another worse, such as staff overtime "
           "while waits come down"}});

  std::vector<Choice> charts;
  for (const spc::Chart chart : kCharts) {
    charts.push_back({std::string(spc::Name(chart)), Capitalised(ChartWords(chart)),
                      std::string(ChartHint(chart))});
  }
  Radios(h, form, "chart", "Which chart fits the figures?", charts,
         "The chart decides how the process limits are worked out, so choose it by what each "
         "figure is.");

  Radios(h, form, "direction", "Is a higher or a lower figure better?",
         {{"increase", std::string(DirectionWords(spc::Direction::kIncrease)),
           "Unusually high figures show as improvement (blue), unusually low ones as concern "
           "(orange)"},
          {"decrease", std::string(DirectionWords(spc::Direction::kDecrease)),
           "Unusually low figures show as improvement (blue), unusually high ones as concern "
           "(orange)"},
          {"neutral", std::string(DirectionWords(spc::Direction::kNeutral)),
           "Unusual figures show in purple: the chart says something changed, not whether it is "
           "good or bad, and there is no assurance icon"}});

  InputOptions target;
  target.width_class = "nhsuk-input--width-10";
  target.inputmode = "decimal";
  target.hint =
      "Optional. With a target, the chart shows an assurance icon: whether the process, as it "
      "runs now, will consistently meet the target, consistently miss it, or sometimes meet it "
      "and sometimes not. Use the units of the chart: for a p chart, write 95% as 0.95.";
  Input(h, form, "target", "Target", target);

  Radios(h, form, "frequency", "How often is there a new figure?",
         {{"daily", std::string(FrequencyWords(domain::Frequency::kDaily)), ""},
          {"weekly", std::string(FrequencyWords(domain::Frequency::kWeekly)), ""},
          {"monthly", std::string(FrequencyWords(domain::Frequency::kMonthly)), ""},
          {"quarterly", std::string(FrequencyWords(domain::Frequency::kQuarterly)), ""}},
         "The period each figure covers: a day, a week, a month or a quarter");

  Button(h, what.button);
  h << "</form><p><a href=\""_m << what.back << "\">Cancel</a></p></div></div>"_m;

  PageSpec spec;
  spec.title = what.title + ": " + what.caption;
  spec.back_href = what.back;
  spec.has_errors = !form.ok();
  spec.status = status;
  return PageResponse(page.viewer, spec, h);
}

// The team of the path parameter "team", after authorising kDefineMeasure on it; the refusal is
// already a page.
tl::expected<domain::Team, Response> PageTeam(PageContext& page) {
  auto id = api::PathId(page.request, "team");
  if (!id) return tl::unexpected(ErrorPage(page.viewer, 404, "there is no such team"));
  auto team = page.store.GetTeam(page.caller.org, domain::TeamId(*id));
  if (!team) {
    if (team.error().code == store::StoreErrorCode::kNotFound) {
      return tl::unexpected(ErrorPage(page.viewer, 404, "there is no such team"));
    }
    return tl::unexpected(FromRefusal(page.viewer, api::StoreRefusal(team.error())));
  }
  if (auto allowed = page.impl.Authorise(page.store, page.caller, Action::kDefineMeasure, team->id);
      !allowed) {
    return tl::unexpected(FromRefusal(page.viewer, allowed.error()));
  }
  return std::move(*team);
}

FormPage NewMeasureForm(const domain::Team& team) {
  const std::string path = "/teams/" + std::to_string(team.id.value);
  return FormPage{"Add a measure", team.name, path + "/measures/new", path, "Save measure", false};
}

FormPage EditForm(const domain::Measure& measure, std::string_view team_name) {
  const std::string path = "/measures/" + std::to_string(measure.id.value);
  return FormPage{"Change the definition", std::string(team_name),
                  path + "/edit",          path,
                  "Save definition",       true};
}

// Saves the definition; on success the redirect to the measure, else the form again (a
// conflict, such as a name the team uses already, or a value the store refuses) or the refusal.
Response Save(PageContext& page, const FormPage& what, const domain::Measure& measure) {
  auto saved = page.impl.DefineMeasure(page.store, page.caller, measure);
  if (saved) {
    return Redirect("/measures/" + std::to_string(saved->id.value) + "?defined=1");
  }
  const Response& refusal = saved.error();
  if (refusal.status == 409) {
    page.form.Fail(
        "name", "The team already has a measure called " + measure.name + ": choose another name");
    return DefinitionForm(page, what, page.form, 422);
  }
  if (refusal.status == 422) {
    page.form.Fail("name", Capitalised(ProblemDetail(refusal)));
    return DefinitionForm(page, what, page.form, 422);
  }
  return FromRefusal(page.viewer, refusal);
}

}  // namespace

void AddDefinitionPages(Router& router, Api::Impl& impl) {
  AddPage(router, impl, "GET", "/teams/{team}/measures/new", [](PageContext& page) -> Response {
    auto team = PageTeam(page);
    if (!team) return std::move(team.error());
    return DefinitionForm(page, NewMeasureForm(*team), FormState(), 200);
  });

  AddPage(router, impl, "POST", "/teams/{team}/measures/new", [](PageContext& page) -> Response {
    auto team = PageTeam(page);
    if (!team) return std::move(team.error());
    const FormPage what = NewMeasureForm(*team);
    domain::Measure measure;
    measure.org = page.caller.org;
    measure.team = team->id;
    if (!ReadDefinition(page.form, measure)) return DefinitionForm(page, what, page.form, 422);
    return Save(page, what, measure);
  });

  AddPage(router, impl, "GET", "/measures/{measure}/edit", [](PageContext& page) -> Response {
    auto measure = PageMeasure(page, Action::kDefineMeasure);
    if (!measure) return std::move(measure.error());
    auto team = page.store.GetTeam(page.caller.org, measure->team);
    return DefinitionForm(page, EditForm(*measure, team ? team->name : std::string()),
                          FormOf(*measure), 200);
  });

  AddPage(router, impl, "POST", "/measures/{measure}/edit", [](PageContext& page) -> Response {
    auto before = PageMeasure(page, Action::kDefineMeasure);
    if (!before) return std::move(before.error());
    auto team = page.store.GetTeam(page.caller.org, before->team);
    const FormPage what = EditForm(*before, team ? team->name : std::string());
    domain::Measure measure = *before;  // id, organisation, team and creation time kept
    if (!ReadDefinition(page.form, measure) ||
        !FiguresFitChart(page, page.form, *before, measure.chart)) {
      return DefinitionForm(page, what, page.form, 422);
    }
    return Save(page, what, measure);
  });
}

}  // namespace everyseat::server::web
