// The demo organisation: see demo_organisation.h.
#include "demo_organisation.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <numbers>
#include <random>
#include <unordered_map>
#include <utility>

#include "everyseat/codec/csv.h"
#include "everyseat/codec/values.h"
#include "everyseat/domain/validate.h"

namespace everyseat::cli::demo {
namespace {

using domain::AnnotationKind;
using domain::Frequency;
using domain::MeasureKind;
using domain::OrgRole;
using domain::StaffGroup;
using spc::Chart;
using spc::Direction;
using std::chrono::days;
using std::chrono::sys_days;

// --- Random draws. std::mt19937_64's output is fixed by the standard; the distributions are
// this file's own, so the values are the same with every standard library.
class Draws {
 public:
  explicit Draws(uint64_t seed) : engine_(seed) {}

  // Uniform on [0, 1), from the top 53 bits.
  double Uniform() { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }

  // Standard normal (Box-Muller; the second value of each pair is kept for the next call).
  double Normal() {
    if (has_spare_) {
      has_spare_ = false;
      return spare_;
    }
    const double u1 = 1.0 - Uniform();  // (0, 1]: the logarithm is finite
    const double u2 = Uniform();
    const double radius = std::sqrt(-2.0 * std::log(u1));
    const double angle = 2.0 * std::numbers::pi * u2;
    spare_ = radius * std::sin(angle);
    has_spare_ = true;
    return radius * std::cos(angle);
  }

  // Poisson by inversion (sequential search); a rounded normal for large means.
  int64_t Poisson(double mean) {
    if (!(mean > 0)) return 0;
    if (mean > 60) return std::max<int64_t>(0, std::llround(mean + std::sqrt(mean) * Normal()));
    const double u = Uniform();
    double probability = std::exp(-mean);
    double cumulative = probability;
    int64_t k = 0;
    while (u > cumulative && k < 1000) {
      ++k;
      probability *= mean / static_cast<double>(k);
      cumulative += probability;
    }
    return k;
  }

  // Binomial: n Bernoulli trials; a rounded normal for large n.
  int64_t Binomial(int64_t n, double p) {
    p = std::clamp(p, 0.0, 1.0);
    if (n > 5000) {
      const double mean = static_cast<double>(n) * p;
      const double sd = std::sqrt(mean * (1 - p));
      return std::clamp<int64_t>(std::llround(mean + sd * Normal()), 0, n);
    }
    int64_t k = 0;
    for (int64_t i = 0; i < n; ++i) k += Uniform() < p ? 1 : 0;
    return k;
  }

 private:
  std::mt19937_64 engine_;
  double spare_ = 0;
  bool has_spare_ = false;
};

// FNV-1a: a seed from a measure's name, so that each measure's draws are its own.
uint64_t Fnv1a(std::string_view text) {
  uint64_t hash = 0xcbf29ce484222325ULL;
  for (char c : text) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

// --- Periods.

std::string Iso(sys_days day) {
  return domain::FormatIsoDate(static_cast<int64_t>(day.time_since_epoch().count()) * 86400);
}

sys_days MonthStart(sys_days day) {
  const std::chrono::year_month_day date{day};
  return sys_days{date.year() / date.month() / 1};
}

sys_days AddMonths(sys_days month_start, int months) {
  const std::chrono::year_month_day date{month_start};
  return sys_days{(date.year() / date.month() + std::chrono::months{months}) / 1};
}

bool IsWeekend(sys_days day) {
  const std::chrono::weekday weekday{day};
  return weekday == std::chrono::Saturday || weekday == std::chrono::Sunday;
}

// The starts of `count` consecutive periods, oldest first, the last being the last complete
// period before `today` (for daily data on weekdays only, the last weekday before it).
std::vector<sys_days> Periods(Frequency frequency, bool weekdays_only, int count, sys_days today) {
  std::vector<sys_days> periods(static_cast<size_t>(count));
  switch (frequency) {
    case Frequency::kDaily: {
      sys_days day = today - days{1};
      for (int i = count; i-- > 0;) {
        while (weekdays_only && IsWeekend(day)) day -= days{1};
        periods[static_cast<size_t>(i)] = day;
        day -= days{1};
      }
      break;
    }
    case Frequency::kWeekly: {
      // ISO weeks start on Monday; c_encoding is 0 for Sunday.
      const unsigned since_monday = (std::chrono::weekday{today}.c_encoding() + 6) % 7;
      const sys_days last = today - days{since_monday} - days{7};
      for (int i = 0; i < count; ++i) {
        periods[static_cast<size_t>(i)] = last - days{7 * (count - 1 - i)};
      }
      break;
    }
    case Frequency::kMonthly: {
      const sys_days last = AddMonths(MonthStart(today), -1);
      for (int i = 0; i < count; ++i)
        periods[static_cast<size_t>(i)] = AddMonths(last, i - count + 1);
      break;
    }
    case Frequency::kQuarterly: {
      const std::chrono::year_month_day date{today};
      const int month = static_cast<int>(static_cast<unsigned>(date.month()));
      const sys_days quarter = AddMonths(MonthStart(today), -((month - 1) % 3));
      const sys_days last = AddMonths(quarter, -3);
      for (int i = 0; i < count; ++i) {
        periods[static_cast<size_t>(i)] = AddMonths(last, 3 * (i - count + 1));
      }
      break;
    }
  }
  return periods;
}

// --- The synthetic measures. Positions (`at`) count periods from the start of the series, or
// from its end when negative (-12: the last twelve periods).

struct Step {
  int at = 0;
  double change = 0;  // the level moves by this from period `at` on
};

struct Ramp {
  int from = 0;
  double per_period = 0;  // from period `from` on, the level moves by this every period
};

struct Spike {
  int at = 0;
  double extra = 0;  // added to the level of period `at` alone
};

struct Note {
  int at = 0;
  AnnotationKind kind = AnnotationKind::kNote;
  const char* text = "";
};

struct Synthetic {
  const char* team = "";
  const char* name = "";
  const char* definition = "";
  const char* unit = "";
  MeasureKind kind = MeasureKind::kOutcome;
  Chart chart = Chart::kI;
  Direction direction = Direction::kNeutral;
  std::optional<double> target = std::nullopt;
  Frequency frequency = Frequency::kMonthly;
  bool weekdays_only = false;  // daily data, Monday to Friday
  int periods = 36;
  // The process: p, the proportion; c, the count per period; u, the count per unit of the
  // denominator; i and run, the mean value.
  double level = 0;
  double noise = 0;       // i and run: the standard deviation of a value
  double size = 0;        // p and u: the mean denominator
  double size_noise = 0;  // p and u: the denominator's relative standard deviation
  int decimals = 0;       // i and run: the values' rounding; u: the denominator's
  std::vector<Step> steps = {};
  std::optional<Ramp> ramp = std::nullopt;
  std::optional<Spike> spike = std::nullopt;
  std::vector<Note> notes = {};
  // Mixed with the name's hash. Chosen among 0 to 299 as the first seed with which the chart
  // (Making Data Count rules, rebases as phases) shows the planted pattern with the fewest chance
  // signals elsewhere: none, but for the two long daily series (a few, as real daily data has)
  // and the week before the waiting list starts to rise.
  uint64_t seed = 0;
};

double Rounded(double value, int decimals) {
  const double scale = std::pow(10.0, decimals);
  return std::round(value * scale) / scale;
}

MeasureSeed Generate(const Synthetic& spec, sys_days today) {
  MeasureSeed seed;
  seed.team = spec.team;
  domain::Measure& m = seed.measure;
  m.name = spec.name;
  m.definition = spec.definition;
  m.unit = spec.unit;
  m.kind = spec.kind;
  m.chart = spec.chart;
  m.direction = spec.direction;
  m.target = spec.target;
  m.frequency = spec.frequency;

  const int n = spec.periods;
  const auto position = [n](int at) { return at < 0 ? n + at : at; };
  const std::vector<sys_days> periods = Periods(spec.frequency, spec.weekdays_only, n, today);
  Draws draws(Fnv1a(spec.name) ^ (spec.seed * 0x9e3779b97f4a7c15ULL));
  seed.values.reserve(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) {
    double level = spec.level;
    for (const Step& step : spec.steps) {
      if (i >= position(step.at)) level += step.change;
    }
    if (spec.ramp && i >= position(spec.ramp->from)) {
      level += spec.ramp->per_period * (i - position(spec.ramp->from) + 1);
    }
    if (spec.spike && i == position(spec.spike->at)) level += spec.spike->extra;

    ValueSeed value;
    value.period = Iso(periods[static_cast<size_t>(i)]);
    switch (spec.chart) {
      case Chart::kP: {
        const auto trials =
            std::max<int64_t>(1, std::llround(spec.size * (1 + spec.size_noise * draws.Normal())));
        value.value = static_cast<double>(draws.Binomial(trials, level));
        value.denominator = static_cast<double>(trials);
        break;
      }
      case Chart::kU: {
        const double exposure = std::max(
            Rounded(spec.size * (1 + spec.size_noise * draws.Normal()), spec.decimals), 1.0);
        value.value = static_cast<double>(draws.Poisson(level * exposure));
        value.denominator = exposure;
        break;
      }
      case Chart::kC:
        value.value = static_cast<double>(draws.Poisson(level));
        break;
      default:
        value.value = std::max(0.0, Rounded(level + spec.noise * draws.Normal(), spec.decimals));
        break;
    }
    seed.values.push_back(std::move(value));
  }
  for (const Note& note : spec.notes) {
    seed.notes.push_back(
        NoteSeed{Iso(periods[static_cast<size_t>(position(note.at))]), note.kind, note.text});
  }
  std::stable_sort(seed.notes.begin(), seed.notes.end(),
                   [](const NoteSeed& a, const NoteSeed& b) { return a.period < b.period; });
  return seed;
}

constexpr char kDistrictNursing[] = "Community Services/District Nursing (North)";
constexpr char kReception[] =
    "Community Services/Health Centre Reception (Riverside Health Centre)";
constexpr char kSpeech[] = "Community Services/Speech and Language Therapy";
constexpr char kMentalHealth[] = "Community Services/Primary Care Mental Health";
constexpr char kPrison[] = "Secure Services/Prison Health (HMP Northshire)";
constexpr char kFinance[] = "Corporate/Finance";
constexpr char kEquality[] = "Corporate/Equality and Diversity";
constexpr char kExecutive[] = "Corporate/Executive Team";

// Periods in a series: at least two years of each frequency.
constexpr int kMonths = 36;
constexpr int kWeeks = 120;
constexpr int kDays = 760;
constexpr int kWeekdays = 545;  // about 109 weeks
constexpr int kQuarters = 12;

std::vector<Synthetic> Measures() {
  using AK = AnnotationKind;
  // clang-format off
  return {
      // --- District Nursing (North).
      {.team = kDistrictNursing, .name = "Pressure ulcers developing in our care",
       .definition = "New category 2 or worse pressure ulcers that developed while the patient "
                     "was on the North district nursing caseload, by the month they were first "
                     "recorded on the incident system.",
       .unit = "pressure ulcers", .kind = MeasureKind::kOutcome, .chart = Chart::kC,
       .direction = Direction::kDecrease, .frequency = Frequency::kMonthly, .periods = kMonths,
       .level = 6.5, .steps = {{-12, -4.0}},
       .notes = {{-15, AK::kPdsa, "PDSA cycle 1: SSKIN bundle checklist tested on two caseloads"},
                 {-12, AK::kPdsa, "PDSA cycle 2: SSKIN bundle and React to Red training for every "
                                  "nurse and carer; repositioning leaflets left in every home"}},
       .seed = 3},
      {.team = kDistrictNursing, .name = "Insulin visits on time",
       .definition = "Insulin visits made within 30 minutes of the planned time, out of all "
                     "planned insulin visits in the week (scheduling system).",
       .unit = "proportion of visits", .kind = MeasureKind::kProcess, .chart = Chart::kP,
       .direction = Direction::kIncrease, .target = 0.95, .frequency = Frequency::kWeekly,
       .periods = kWeeks, .level = 0.93, .size = 140, .size_noise = 0.08, .seed = 4},
      {.team = kDistrictNursing, .name = "Visits not completed as planned",
       .definition = "Planned visits cancelled, moved to another day or not completed on the day "
                     "(including when the patient was not at home), out of the visits planned "
                     "for the day across the North team.",
       .unit = "proportion of visits", .kind = MeasureKind::kProcess, .chart = Chart::kP,
       .direction = Direction::kDecrease, .frequency = Frequency::kDaily, .periods = kDays,
       .level = 0.05, .size = 180, .size_noise = 0.1, .steps = {{-45, 0.03}},
       .notes = {{-45, AK::kNote, "Two band 5 posts vacant and the winter caseload rising: "
                                  "visits reprioritised every morning"}}, .seed = 110},
      {.team = kDistrictNursing, .name = "Caseload per whole-time-equivalent nurse",
       .definition = "Patients on the active caseload at the end of the week, divided by the "
                     "whole-time-equivalent registered nurses in post.",
       .unit = "patients per WTE", .kind = MeasureKind::kBalancing, .chart = Chart::kI,
       .direction = Direction::kNeutral, .frequency = Frequency::kWeekly, .periods = kWeeks,
       .level = 41.5, .noise = 1.6, .decimals = 1, .steps = {{-6, 3.5}}, .seed = 50},

      // --- Health Centre Reception (Riverside Health Centre).
      {.team = kReception, .name = "Calls answered within 2 minutes",
       .definition = "Calls to the Riverside appointment line answered by a receptionist within "
                     "2 minutes of joining the queue, out of all calls answered or abandoned that "
                     "day (telephony report).",
       .unit = "proportion of calls", .kind = MeasureKind::kProcess, .chart = Chart::kP,
       .direction = Direction::kIncrease, .target = 0.8, .frequency = Frequency::kDaily,
       .weekdays_only = true, .periods = kWeekdays, .level = 0.61, .size = 260,
       .size_noise = 0.15, .steps = {{-215, 0.17}},
       .notes = {{-300, AK::kPdsa, "PDSA cycle 1: call-back option tested for a week (abandoned: "
                                   "few callers chose it)"},
                 {-260, AK::kPdsa, "PDSA cycle 2: the queue message tells callers their place"},
                 {-230, AK::kPdsa, "PDSA cycle 3: new triage rota tested on Mondays: two "
                                   "receptionists on the phones from 8 to 10, the care navigator "
                                   "takes prescription queries"},
                 {-215, AK::kRebase, "New triage rota (PDSA cycle 3) adopted every weekday"}},
       .seed = 198},
      {.team = kReception, .name = "Average time to answer a call",
       .definition = "Mean wait, in seconds, from joining the queue to a receptionist answering, "
                     "over the calls answered in the week (telephony report).",
       .unit = "seconds", .kind = MeasureKind::kProcess, .chart = Chart::kI,
       .direction = Direction::kDecrease, .target = 120, .frequency = Frequency::kWeekly,
       .periods = kWeeks, .level = 168, .noise = 9, .steps = {{-43, -50}, {-12, -22}},
       .notes = {{-43, AK::kRebase, "New triage rota (PDSA cycle 3) adopted every weekday"},
                 {-12, AK::kPdsa, "PDSA cycle 5: online booking promoted on the waiting-room "
                                  "screens and by text message"}}, .seed = 21},
      {.team = kReception, .name = "Appointments not attended",
       .definition = "Appointments at Riverside Health Centre missed without notice, out of all "
                     "appointments booked for the week.",
       .unit = "proportion of appointments", .kind = MeasureKind::kOutcome, .chart = Chart::kP,
       .direction = Direction::kDecrease, .target = 0.05, .frequency = Frequency::kWeekly,
       .periods = kWeeks, .level = 0.085, .size = 620, .size_noise = 0.06,
       .steps = {{-14, -0.025}},
       .notes = {{-14, AK::kPdsa, "PDSA cycle 1: text reminders two days before every "
                                  "appointment, with reply-to-cancel"}}, .seed = 12},
      {.team = kReception, .name = "Complaints and concerns about reception",
       .definition = "Complaints and concerns about reception or getting through on the phone, "
                     "logged by the patient advice and liaison service in the month.",
       .unit = "complaints", .kind = MeasureKind::kBalancing, .chart = Chart::kC,
       .direction = Direction::kDecrease, .frequency = Frequency::kMonthly, .periods = kMonths,
       .level = 3.2},

      // --- Speech and Language Therapy.
      {.team = kSpeech, .name = "Children waiting for a first assessment",
       .definition = "Children on the waiting list for a first speech and language therapy "
                     "assessment at the end of the week.",
       .unit = "children", .kind = MeasureKind::kOutcome, .chart = Chart::kI,
       .direction = Direction::kDecrease, .frequency = Frequency::kWeekly, .periods = kWeeks,
       .level = 305, .noise = 6, .ramp = Ramp{-10, 7},
       .notes = {{-10, AK::kNote, "Two therapists on maternity leave; cover not yet funded"}},
       .seed = 116},
      {.team = kSpeech, .name = "Referral to first assessment",
       .definition = "Median weeks from referral to the first assessment, for children first "
                     "assessed in the month.",
       .unit = "weeks", .kind = MeasureKind::kOutcome, .chart = Chart::kI,
       .direction = Direction::kDecrease, .target = 18, .frequency = Frequency::kMonthly,
       .periods = kMonths, .level = 14.6, .noise = 0.9, .decimals = 1, .seed = 1},
      {.team = kSpeech, .name = "Therapy sessions delivered as planned",
       .definition = "Therapy sessions delivered on the planned day, out of sessions planned in "
                     "the week (cancellations by the service or the family count as not "
                     "delivered).",
       .unit = "proportion of sessions", .kind = MeasureKind::kProcess, .chart = Chart::kP,
       .direction = Direction::kIncrease, .target = 0.9, .frequency = Frequency::kWeekly,
       .periods = kWeeks, .level = 0.885, .size = 96, .size_noise = 0.1},
      {.team = kSpeech, .name = "Children meeting their main therapy goal",
       .definition = "Children discharged in the month who met or exceeded their main therapy "
                     "goal (Therapy Outcome Measures), out of all children discharged.",
       .unit = "proportion of children", .kind = MeasureKind::kOutcome, .chart = Chart::kP,
       .direction = Direction::kIncrease, .frequency = Frequency::kMonthly, .periods = kMonths,
       .level = 0.63, .size = 68, .size_noise = 0.12, .steps = {{-18, 0.12}},
       .notes = {{-21, AK::kPdsa, "PDSA cycle 2: home practice packs tested with ten families"},
                 {-18, AK::kRebase, "Parent-led home practice packs for every child (PDSA cycle 3 "
                                    "adopted)"}}},

      // --- Primary Care Mental Health.
      {.team = kMentalHealth, .name = "Recovery rate",
       .definition = "People who finished a course of treatment and moved to recovery (below "
                     "caseness on PHQ-9 and GAD-7), out of those who finished treatment in the "
                     "month and were at caseness when referred (NHS Talking Therapies).",
       .unit = "proportion of people", .kind = MeasureKind::kOutcome, .chart = Chart::kP,
       .direction = Direction::kIncrease, .target = 0.5, .frequency = Frequency::kMonthly,
       .periods = kMonths, .level = 0.455, .size = 205, .size_noise = 0.08,
       .steps = {{-20, 0.075}},
       .notes = {{-22, AK::kPdsa, "PDSA cycle 1: evening Step 2 groups tested at one site"},
                 {-20, AK::kRebase, "Step 2 group courses relaunched with evening sessions at "
                                    "every site (PDSA cycle 2)"}}},
      {.team = kMentalHealth, .name = "Referrals seen within 6 weeks",
       .definition = "People who had their first treatment appointment within 6 weeks of "
                     "referral, out of all who had a first treatment appointment in the month.",
       .unit = "proportion of people", .kind = MeasureKind::kProcess, .chart = Chart::kP,
       .direction = Direction::kIncrease, .target = 0.75, .frequency = Frequency::kMonthly,
       .periods = kMonths, .level = 0.84, .size = 280, .size_noise = 0.08},
      {.team = kMentalHealth, .name = "Referrals received",
       .definition = "Referrals received in the week, self-referrals and from GPs.",
       .unit = "referrals", .kind = MeasureKind::kProcess, .chart = Chart::kRun,
       .direction = Direction::kNeutral, .frequency = Frequency::kWeekly, .periods = kWeeks,
       .level = 86, .noise = 8},
      {.team = kMentalHealth, .name = "Wait from assessment to treatment",
       .definition = "Median days from the assessment to the first treatment session (the "
                     "'hidden wait'), for people starting treatment in the month.",
       .unit = "days", .kind = MeasureKind::kOutcome, .chart = Chart::kI,
       .direction = Direction::kDecrease, .frequency = Frequency::kMonthly, .periods = kMonths,
       .level = 31, .noise = 2.4, .steps = {{-7, 9}},
       .notes = {{-7, AK::kNote, "Two psychological wellbeing practitioner posts vacant; "
                                 "treatment slots cut by a fifth"}}, .seed = 8},

      // --- Prison Health (HMP Northshire).
      {.team = kPrison, .name = "Critical medicine doses missed",
       .definition = "Doses of critical medicines (insulin, anti-epileptics, Parkinson's "
                     "medicines) not given within the prescribed window, per 100 doses due in "
                     "the week; the denominator is the doses due, in hundreds.",
       .unit = "missed doses per 100 due", .kind = MeasureKind::kOutcome, .chart = Chart::kU,
       .direction = Direction::kDecrease, .frequency = Frequency::kWeekly, .periods = kWeeks,
       .level = 1.9, .size = 21, .size_noise = 0.05, .decimals = 2, .steps = {{-50, -0.8}},
       .notes = {{-54, AK::kPdsa, "PDSA cycle 1: in-cell medicine safes fitted on C wing"},
                 {-50, AK::kRebase, "In-cell medicine safes on every wing (PDSA cycle 2 "
                                    "adopted)"}}, .seed = 3},
      {.team = kPrison, .name = "Hospital appointments lost for want of an escort",
       .definition = "Outside hospital appointments cancelled because no officer escort was "
                     "available, out of outside appointments booked for the week.",
       .unit = "proportion of appointments", .kind = MeasureKind::kOutcome, .chart = Chart::kP,
       .direction = Direction::kDecrease, .frequency = Frequency::kWeekly, .periods = kWeeks,
       .level = 0.11, .size = 30, .size_noise = 0.15, .steps = {{-16, 0.14}},
       .notes = {{-16, AK::kNote, "Officer shortfall: the prison cut escorts to two a day"}},
       .seed = 3},
      {.team = kPrison, .name = "Second health screen within 7 days of arrival",
       .definition = "New arrivals who had their second-stage health screen within 7 days, out "
                     "of new arrivals in the week still in the prison on day 7.",
       .unit = "proportion of arrivals", .kind = MeasureKind::kProcess, .chart = Chart::kP,
       .direction = Direction::kIncrease, .target = 0.95, .frequency = Frequency::kWeekly,
       .periods = kWeeks, .level = 0.915, .size = 46, .size_noise = 0.2, .seed = 3},
      {.team = kPrison, .name = "Self-harm incidents",
       .definition = "Incidents of self-harm seen or treated by healthcare staff in the month, "
                     "across the whole prison.",
       .unit = "incidents", .kind = MeasureKind::kOutcome, .chart = Chart::kC,
       .direction = Direction::kDecrease, .frequency = Frequency::kMonthly, .periods = kMonths,
       .level = 13, .spike = Spike{-5, 17},
       .notes = {{-5, AK::kNote, "Regime restricted for ten days after a disturbance on B "
                                 "wing; ACCT reviews doubled"}}, .seed = 1},

      // --- Finance.
      {.team = kFinance, .name = "Invoices paid within 30 days",
       .definition = "Non-NHS supplier invoices paid within 30 days of receipt (Better Payment "
                     "Practice Code, by number), out of invoices paid in the month.",
       .unit = "proportion of invoices", .kind = MeasureKind::kProcess, .chart = Chart::kP,
       .direction = Direction::kIncrease, .target = 0.95, .frequency = Frequency::kMonthly,
       .periods = kMonths, .level = 0.875, .size = 2350, .size_noise = 0.07,
       .steps = {{-21, 0.08}},
       .notes = {{-24, AK::kPdsa, "PDSA cycle 1: scanned invoices approved in the ledger by "
                                  "budget holders (Estates only)"},
                 {-21, AK::kRebase, "Electronic invoice approval for every budget holder; no "
                                    "purchase order, no pay"}}, .seed = 1},
      {.team = kFinance, .name = "Agency staff spend",
       .definition = "Spend on agency staff across the trust in the month, in thousands of "
                     "pounds, from the ledger after accruals.",
       .unit = "£ thousands", .kind = MeasureKind::kOutcome, .chart = Chart::kI,
       .direction = Direction::kDecrease, .frequency = Frequency::kMonthly, .periods = kMonths,
       .level = 640, .noise = 38, .ramp = Ramp{-12, -22},
       .notes = {{-12, AK::kPdsa, "PDSA cycle 1: agency price cap agreed across the ICS; bank "
                                  "rates raised for hard-to-fill shifts"}}, .seed = 252},
      {.team = kFinance, .name = "Working days to close the month",
       .definition = "Working days after the month end until the ledger is closed and the "
                     "month's report is sent to the board.",
       .unit = "working days", .kind = MeasureKind::kProcess, .chart = Chart::kI,
       .direction = Direction::kDecrease, .target = 5, .frequency = Frequency::kMonthly,
       .periods = kMonths, .level = 6, .noise = 0.7, .seed = 5},

      // --- Equality and Diversity.
      {.team = kEquality, .name = "Ethnic minority staff at band 8a and above",
       .definition = "Staff at band 8a and above from ethnic minority backgrounds, out of all "
                     "staff at band 8a and above with a recorded ethnicity, at the month end "
                     "(ESR; WRES indicator 1).",
       .unit = "proportion of staff", .kind = MeasureKind::kOutcome, .chart = Chart::kP,
       .direction = Direction::kIncrease, .frequency = Frequency::kMonthly, .periods = kMonths,
       .level = 0.105, .size = 430, .size_noise = 0.02, .ramp = Ramp{-18, 0.004},
       .notes = {{-18, AK::kPdsa, "PDSA cycle 1: reverse mentoring, and a diverse panel for "
                                  "every band 8a and above interview"}}, .seed = 30},
      {.team = kEquality, .name = "Reasonable adjustments made within 4 weeks",
       .definition = "Requests for a reasonable adjustment at work completed within 4 weeks, out "
                     "of requests closed in the month.",
       .unit = "proportion of requests", .kind = MeasureKind::kProcess, .chart = Chart::kP,
       .direction = Direction::kIncrease, .target = 0.9, .frequency = Frequency::kMonthly,
       .periods = kMonths, .level = 0.74, .size = 26, .size_noise = 0.25},
      {.team = kEquality, .name = "Interpreter requests met",
       .definition = "Requests for a spoken-language or BSL interpreter for a clinical contact "
                     "that were met, out of requests made for the week.",
       .unit = "proportion of requests", .kind = MeasureKind::kProcess, .chart = Chart::kP,
       .direction = Direction::kIncrease, .target = 0.98, .frequency = Frequency::kWeekly,
       .periods = kWeeks, .level = 0.957, .size = 112, .size_noise = 0.12, .seed = 3},

      // --- Executive Team (trust-wide measures).
      {.team = kExecutive, .name = "Staff sickness absence",
       .definition = "Full-time-equivalent days lost to sickness, out of FTE days available in "
                     "the month, whole trust (ESR).",
       .unit = "proportion of FTE days", .kind = MeasureKind::kOutcome, .chart = Chart::kP,
       .direction = Direction::kDecrease, .target = 0.045, .frequency = Frequency::kMonthly,
       .periods = kMonths, .level = 0.052, .size = 47800, .size_noise = 0.03},
      {.team = kExecutive, .name = "Patient safety incidents reported",
       .definition = "Patient safety incidents reported to LFPSE per 1,000 patient contacts in "
                     "the month; more reporting is a sign of an open culture. The denominator is "
                     "the contacts, in thousands.",
       .unit = "incidents per 1,000 contacts", .kind = MeasureKind::kProcess,
       .chart = Chart::kU, .direction = Direction::kIncrease, .frequency = Frequency::kMonthly,
       .periods = kMonths, .level = 5.6, .size = 38.5, .size_noise = 0.06, .decimals = 3},
      {.team = kExecutive, .name = "Complaints answered within 25 working days",
       .definition = "Formal complaints answered within 25 working days or the date agreed with "
                     "the complainant, out of complaints answered in the month.",
       .unit = "proportion of complaints", .kind = MeasureKind::kProcess, .chart = Chart::kP,
       .direction = Direction::kIncrease, .target = 0.9, .frequency = Frequency::kMonthly,
       .periods = kMonths, .level = 0.73, .size = 44, .size_noise = 0.15,
       .steps = {{-13, 0.14}},
       .notes = {{-13, AK::kPdsa, "PDSA cycle 2: every complainant phoned within three working "
                                  "days to agree the response"}}, .seed = 21},
      {.team = kExecutive, .name = "Staff who would recommend us as a place to work",
       .definition = "Staff answering 'agree' or 'strongly agree' to 'I would recommend my "
                     "organisation as a place to work', out of those answering the National "
                     "Quarterly Pulse Survey.",
       .unit = "proportion of respondents", .kind = MeasureKind::kOutcome, .chart = Chart::kP,
       .direction = Direction::kIncrease, .frequency = Frequency::kQuarterly,
       .periods = kQuarters, .level = 0.585, .size = 910, .size_noise = 0.1},
  };
  // clang-format on
}

PersonSeed Person(const char* name, const char* email, const char* job_title, StaffGroup group,
                  const char* team, bool lead, const char* manager,
                  std::vector<OrgRole> roles = {}) {
  return PersonSeed{name,
                    std::string(email) + "@northshire.example",
                    job_title,
                    group,
                    team,
                    lead,
                    manager[0] ? std::string(manager) + "@northshire.example" : "",
                    std::move(roles)};
}

std::vector<PersonSeed> People() {
  using G = StaffGroup;
  constexpr bool kLead = true;
  constexpr bool kMember = false;
  // clang-format off
  return {
      Person("Priya Raman", "priya.raman", "Chief Executive", G::kAdministrativeAndClerical,
             kExecutive, kLead, "", {OrgRole::kBoard}),
      Person("Grace Mensah", "grace.mensah", "Director of Nursing and Quality",
             G::kNursingAndMidwifery, kExecutive, kMember, "priya.raman", {OrgRole::kBoard}),
      Person("Tom Gallagher", "tom.gallagher", "Director of Finance",
             G::kAdministrativeAndClerical, kExecutive, kMember, "priya.raman", {OrgRole::kBoard}),
      Person("Siobhan Byrne", "siobhan.byrne", "Medical Director", G::kMedicalAndDental,
             kExecutive, kMember, "priya.raman", {OrgRole::kBoard}),
      Person("Marcus Reid", "marcus.reid", "Director of People and Culture",
             G::kAdministrativeAndClerical, kExecutive, kMember, "priya.raman", {OrgRole::kBoard}),
      Person("Rachel Hughes", "rachel.hughes", "Director of Operations",
             G::kAdministrativeAndClerical, kExecutive, kMember, "priya.raman", {OrgRole::kBoard}),

      Person("Joanne Whitfield", "joanne.whitfield", "District Nursing Team Leader",
             G::kNursingAndMidwifery, kDistrictNursing, kLead, "rachel.hughes"),
      Person("Nia Okafor", "nia.okafor", "District Nurse", G::kNursingAndMidwifery,
             kDistrictNursing, kMember, "joanne.whitfield"),
      Person("Sean Murphy", "sean.murphy", "Community Staff Nurse", G::kNursingAndMidwifery,
             kDistrictNursing, kMember, "joanne.whitfield"),
      Person("Maria Santos", "maria.santos", "Healthcare Assistant",
             G::kAdditionalClinicalServices, kDistrictNursing, kMember, "joanne.whitfield"),

      Person("Sharon Patel", "sharon.patel", "Reception Manager", G::kAdministrativeAndClerical,
             kReception, kLead, "rachel.hughes"),
      Person("Liam O'Connor", "liam.oconnor", "Receptionist", G::kAdministrativeAndClerical,
             kReception, kMember, "sharon.patel"),
      Person("Yusuf Ali", "yusuf.ali", "Receptionist", G::kAdministrativeAndClerical, kReception,
             kMember, "sharon.patel"),
      Person("Chloe Evans", "chloe.evans", "Care Navigator", G::kAdministrativeAndClerical,
             kReception, kMember, "sharon.patel"),

      Person("Hannah Lewis", "hannah.lewis", "Clinical Lead Speech and Language Therapist",
             G::kAlliedHealthProfessionals, kSpeech, kLead, "rachel.hughes"),
      Person("Aisha Mohammed", "aisha.mohammed", "Speech and Language Therapist",
             G::kAlliedHealthProfessionals, kSpeech, kMember, "hannah.lewis"),
      Person("Ben Carter", "ben.carter", "Speech and Language Therapy Assistant",
             G::kAdditionalClinicalServices, kSpeech, kMember, "hannah.lewis"),
      Person("Eleanor Marsh", "eleanor.marsh", "Consultant Speech and Language Therapist",
             G::kAlliedHealthProfessionals, kSpeech, kMember, "hannah.lewis"),

      Person("Oluwaseun Adeyemi", "oluwaseun.adeyemi",
             "Consultant Clinical Psychologist and Service Lead",
             G::kScientificTherapeuticTechnical, kMentalHealth, kLead, "rachel.hughes"),
      Person("Emma Kowalczyk", "emma.kowalczyk", "Psychological Wellbeing Practitioner",
             G::kScientificTherapeuticTechnical, kMentalHealth, kMember, "oluwaseun.adeyemi"),
      Person("Jamal Hussain", "jamal.hussain", "High Intensity CBT Therapist",
             G::kScientificTherapeuticTechnical, kMentalHealth, kMember, "oluwaseun.adeyemi"),

      Person("Claire Robertson", "claire.robertson", "Head of Healthcare, HMP Northshire",
             G::kNursingAndMidwifery, kPrison, kLead, "rachel.hughes"),
      Person("Darren Wright", "darren.wright", "Prison Healthcare Nurse",
             G::kNursingAndMidwifery, kPrison, kMember, "claire.robertson"),
      Person("Mei Lin Chen", "meilin.chen", "Pharmacy Technician",
             G::kScientificTherapeuticTechnical, kPrison, kMember, "claire.robertson"),
      Person("Tariq Mahmood", "tariq.mahmood", "Mental Health In-reach Nurse",
             G::kNursingAndMidwifery, kPrison, kMember, "claire.robertson"),

      Person("Bilal Chaudhry", "bilal.chaudhry", "Head of Financial Services",
             G::kAdministrativeAndClerical, kFinance, kLead, "tom.gallagher"),
      Person("Agnieszka Nowak", "agnieszka.nowak", "Finance Manager",
             G::kAdministrativeAndClerical, kFinance, kMember, "bilal.chaudhry"),
      Person("Daniel Osei", "daniel.osei", "Accounts Payable Officer",
             G::kAdministrativeAndClerical, kFinance, kMember, "bilal.chaudhry"),

      Person("Fatima Begum", "fatima.begum", "Equality, Diversity and Inclusion Lead",
             G::kAdministrativeAndClerical, kEquality, kLead, "marcus.reid", {OrgRole::kEquality}),
      Person("Kwame Asante", "kwame.asante", "Organisational Development Practitioner",
             G::kAdministrativeAndClerical, kEquality, kMember, "fatima.begum",
             {OrgRole::kModerator}),
      Person("Helen Whitaker", "helen.whitaker",
             "Head of Leadership and Organisational Development", G::kAdministrativeAndClerical,
             kEquality, kMember, "marcus.reid"),

      Person("Ravi Sharma", "ravi.sharma", "Head of Performance and Information",
             G::kAdministrativeAndClerical, kAeTeam.data(), kLead, "tom.gallagher",
             {OrgRole::kAdmin}),
      Person("Sophie Turner", "sophie.turner", "Information Analyst",
             G::kAdministrativeAndClerical, kAeTeam.data(), kMember, "ravi.sharma"),
  };
  // clang-format on
}

}  // namespace

OrganisationSeed SyntheticOrganisation(sys_days today) {
  OrganisationSeed seed;
  seed.teams = {
      "Community Services", kDistrictNursing, kReception,          kSpeech,  kMentalHealth,
      "Secure Services",    kPrison,          "Corporate",         kFinance, kEquality,
      kExecutive,           "Urgent Care",    std::string(kAeTeam)};
  seed.people = People();
  for (const Synthetic& spec : Measures()) seed.measures.push_back(Generate(spec, today));
  return seed;
}

tl::expected<std::vector<MeasureSeed>, std::string> AeMeasures(std::string text,
                                                               std::string_view file) {
  const std::string where(file);
  auto table = codec::ParseCsv(std::move(text));
  if (!table) {
    return tl::unexpected(where + ":" + std::to_string(table.error().line) + ": " +
                          table.error().reason);
  }
  constexpr std::string_view kColumns[5] = {"period", "org_code", "type", "attendances",
                                            "breaches"};
  size_t column[5] = {};
  for (size_t c = 0; c < 5; ++c) {
    std::optional<size_t> found = table->Find(kColumns[c]);
    if (!found) {
      return tl::unexpected(where + ":" + std::to_string(table->header_line()) +
                            ": missing column '" + std::string(kColumns[c]) + "'");
    }
    column[c] = *found;
  }

  struct Month {
    double seen = 0;  // attendances - breaches
    double attendances = 0;
  };
  struct Trust {
    std::string code;
    double attendances = 0;  // type 1, every month: decides the largest
    std::map<std::string, Month> months;
  };
  std::vector<Trust> trusts;
  std::unordered_map<std::string, size_t> index;
  for (size_t r = 0; r < table->rows(); ++r) {
    if (table->cell(r, column[2]) != "1") continue;
    const auto bad = [&](std::string_view what, std::string_view cell, std::string_view problem) {
      return tl::unexpected(where + ":" + std::to_string(table->line(r)) + ": " +
                            std::string(what) + " '" + std::string(cell) + "' " +
                            std::string(problem));
    };
    const std::string_view period = table->cell(r, column[0]);
    if (!domain::ParseIsoDate(period)) return bad("period", period, "is not a date YYYY-MM-DD");
    double counts[2] = {spc::kMissing, spc::kMissing};
    for (size_t k = 0; k < 2; ++k) {
      const std::string_view cell = table->cell(r, column[3 + k]);
      if (codec::IsMissing(cell)) continue;
      std::optional<double> number = codec::ParseNumber(cell);
      if (!number || *number < 0) return bad(kColumns[3 + k], cell, "is not a count");
      counts[k] = *number;
    }
    const std::string code(table->cell(r, column[1]));
    auto [it, inserted] = index.try_emplace(code, trusts.size());
    if (inserted) trusts.push_back(Trust{code, 0, {}});
    Trust& trust = trusts[it->second];
    if (!std::isnan(counts[0])) trust.attendances += counts[0];
    if (std::isnan(counts[0]) || std::isnan(counts[1]) || !(counts[0] > 0)) continue;
    if (counts[1] > counts[0])
      return bad("breaches", table->cell(r, column[4]), "exceed the attendances");
    Month& month = trust.months[std::string(period)];
    month.seen += counts[0] - counts[1];
    month.attendances += counts[0];
  }
  std::sort(trusts.begin(), trusts.end(), [](const Trust& a, const Trust& b) {
    return a.attendances != b.attendances ? a.attendances > b.attendances : a.code < b.code;
  });
  trusts.resize(std::min(trusts.size(), kAeTrusts));

  std::vector<MeasureSeed> measures;
  for (const Trust& trust : trusts) {
    MeasureSeed seed;
    seed.team = kAeTeam;
    domain::Measure& m = seed.measure;
    m.name = "4-hour performance, type 1 (" + trust.code + ")";
    m.definition =
        "Type 1 (major emergency department) attendances at provider " + trust.code +
        " admitted, transferred or discharged within 4 hours of arrival: the numerator is the "
        "attendances minus the 4-hour breaches, the denominator the attendances, by month; the "
        "NHS constitutional standard is 95%. Source: NHS England, A&E Attendances and Emergency "
        "Admissions, April 2016 to March 2019, as published in the NHS-R Community's "
        "NHSRdatasets package (CC0). Contains public sector information licensed under the Open "
        "Government Licence v3.0.";
    m.unit = "proportion of attendances";
    m.kind = MeasureKind::kOutcome;
    // Laney's P' chart: with thousands of attendances a month a p chart's limits are so narrow
    // that nearly every month is special cause (over-dispersion), which is why NHS England's
    // analysts chart 4-hour performance with limits from the moving range.
    m.chart = Chart::kPp;
    m.direction = Direction::kIncrease;
    m.target = 0.95;
    m.frequency = Frequency::kMonthly;
    for (const auto& [period, month] : trust.months) {
      seed.values.push_back(ValueSeed{period, month.seen, month.attendances});
    }
    measures.push_back(std::move(seed));
  }
  return measures;
}

}  // namespace everyseat::cli::demo
