// everyseat seed-demo, run as a real process against real databases (SQLite always, PostgreSQL
// under scripts/with-postgres) and checked through the Store API. Expected values come from the
// issue ("the demo organisation") and cli/README.md: the teams of a community trust each with
// 2-5 measures and two or more years of data, planted improvements and deteriorations that the
// SPC rules find, the A&E measures holding the real data file's values (recomputed here from the
// CSV, independently of the program), one transaction made once, and the documented password.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "admin_fixture.h"
#include "everyseat/domain/secrets.h"
#include "everyseat/domain/validate.h"
#include "everyseat/spc/analyse.h"

namespace everyseat::testing {
namespace {

const std::string kDemoOrg = "Northshire Community Health NHS Trust";
const std::string kDemoPassword = "leadership-from-every-seat";  // as cli/README.md documents it

std::string DataFile() { return std::string(EVERYSEAT_DATA_DIR) + "/ae_attendances.csv"; }

int64_t Day(const std::string& period) {
  auto seconds = domain::ParseIsoDate(period);
  EXPECT_TRUE(seconds.has_value()) << period;
  return seconds.value_or(0) / 86400;
}

// One month of one trust's type 1 attendances, from the CSV.
struct Month {
  double seen = 0;  // attendances - breaches
  double attendances = 0;
};

// The six trusts with the most type 1 attendances over the file (ties by code), and each one's
// months: read with a plain line split (the file has no quoting; see data/README.md).
std::map<std::string, std::map<std::string, Month>> LargestType1Trusts() {
  std::ifstream in(DataFile());
  EXPECT_TRUE(in.good()) << DataFile();
  std::string line;
  std::getline(in, line);
  std::map<std::string, size_t> column;
  {
    std::stringstream header(line);
    std::string name;
    for (size_t c = 0; std::getline(header, name, ','); ++c) column[name] = c;
  }
  std::map<std::string, double> totals;
  std::map<std::string, std::map<std::string, Month>> months;
  while (std::getline(in, line)) {
    std::vector<std::string> cells;
    std::stringstream row(line);
    std::string cell;
    while (std::getline(row, cell, ',')) cells.push_back(cell);
    cells.resize(column.size());
    if (cells[column.at("type")] != "1") continue;
    const std::string& code = cells[column.at("org_code")];
    const std::string& attendances = cells[column.at("attendances")];
    const std::string& breaches = cells[column.at("breaches")];
    if (!attendances.empty()) totals[code] += std::stod(attendances);
    if (attendances.empty() || breaches.empty() || std::stod(attendances) <= 0) continue;
    Month& month = months[code][cells[column.at("period")]];
    month.seen += std::stod(attendances) - std::stod(breaches);
    month.attendances += std::stod(attendances);
  }
  std::vector<std::pair<double, std::string>> ranked;
  for (const auto& [code, total] : totals) ranked.emplace_back(-total, code);
  std::sort(ranked.begin(), ranked.end());
  std::map<std::string, std::map<std::string, Month>> largest;
  for (size_t i = 0; i < 6 && i < ranked.size(); ++i) {
    largest[ranked[i].second] = months[ranked[i].second];
  }
  return largest;
}

struct Owned {
  domain::Team team;
  domain::Measure measure;
};

class SeedDemoTest : public AdminTest {
 protected:
  Ran Seed(const std::vector<std::string>& more = {}) const {
    std::vector<std::string> args{"--data", DataFile()};
    args.insert(args.end(), more.begin(), more.end());
    return Run({"seed-demo"}, args);
  }

  // Seeds the database and returns the demo organisation's id.
  domain::OrgId SeedOk(const std::vector<std::string>& more = {}) {
    const Ran ran = Seed(more);
    EXPECT_EQ(ran.status, 0) << ran.err;
    EXPECT_EQ(ran.err, "");
    EXPECT_TRUE(ran.out.starts_with("Made " + kDemoOrg + ": ")) << ran.out;
    const domain::OrgId org = FindOrg(kDemoOrg);
    EXPECT_TRUE(org.valid());
    return org;
  }

  std::vector<Owned> Measures(domain::OrgId org) {
    std::vector<Owned> owned;
    for (const domain::Team& team : Must(store_->ListTeams(org))) {
      for (domain::Measure& m : Must(store_->ListMeasures(org, team.id))) {
        owned.push_back(Owned{team, std::move(m)});
      }
    }
    return owned;
  }

  // The analysis the server gives: Making Data Count rules, the measure's chart, direction and
  // target, and a new phase at each rebase annotation.
  spc::Analysis Analyse(domain::OrgId org, const domain::Measure& measure) {
    spc::Options options;
    options.chart = measure.chart;
    options.rules = spc::Rules::kMdc;
    options.direction = measure.direction;
    options.target = measure.target.value_or(spc::kMissing);
    for (const domain::Annotation& a : Must(store_->ListAnnotations(org, measure.id))) {
      if (a.kind == domain::AnnotationKind::kRebase) options.rebase.push_back(a.period_start);
    }
    std::vector<spc::Row> rows;
    for (const domain::Observation& o : Must(store_->ListObservations(org, measure.id))) {
      spc::Row row;
      row.time = o.period_start;
      row.value = o.value;
      row.denominator = o.denominator.value_or(spc::kMissing);
      rows.push_back(row);
    }
    auto analysis = spc::Analyse(rows, options);
    EXPECT_TRUE(analysis.has_value()) << measure.name;
    return analysis ? std::move(*analysis) : spc::Analysis();
  }
};

// The teams named in the issue, each found by a word of its name.
constexpr const char* kTeamKinds[] = {
    "District Nursing",           "Health Centre Reception", "Speech and Language Therapy",
    "Primary Care Mental Health", "Prison Health",           "Finance",
    "Equality and Diversity",     "Executive Team",          "A&E",
};

TEST_P(SeedDemoTest, MakesTheTeamsOfACommunityTrustWithTheirPeopleAndMeasures) {
  const auto started = std::chrono::steady_clock::now();
  const domain::OrgId org = SeedOk();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  EXPECT_LT(seconds, 30) << "seed-demo should take a few seconds";
  std::cout << "[ seed-demo on " << db_->engine() << " took " << seconds << " s ]\n";

  const auto teams = Must(store_->ListTeams(org));
  std::set<int64_t> parents;
  for (const domain::Team& team : teams) {
    if (team.parent) parents.insert(team.parent->value);
  }
  for (const char* kind : kTeamKinds) {
    EXPECT_TRUE(std::any_of(teams.begin(), teams.end(),
                            [&](const domain::Team& t) {
                              return t.name.find(kind) != std::string::npos &&
                                     !parents.contains(t.id.value);
                            }))
        << "no team for " << kind;
  }

  std::map<int64_t, size_t> measures_of;  // team id -> measures
  for (const Owned& m : Measures(org)) ++measures_of[m.team.id.value];
  for (const domain::Team& team : teams) {
    const size_t count = measures_of[team.id.value];
    if (parents.contains(team.id.value)) {
      EXPECT_EQ(count, 0u) << team.path << " is a directorate";
    } else if (team.name.find("A&E") != std::string::npos) {
      EXPECT_EQ(count, 6u) << team.path << ": one measure for each of the six largest trusts";
    } else {
      EXPECT_GE(count, 2u) << team.path;
      EXPECT_LE(count, 5u) << team.path;
    }
    if (parents.contains(team.id.value)) continue;
    // Every team has a lead and members.
    const auto members = Must(store_->ListMembersOfTeam(org, team.id));
    EXPECT_EQ(std::count_if(
                  members.begin(), members.end(),
                  [](const domain::Membership& m) { return m.role == domain::TeamRole::kLead; }),
              1)
        << team.path;
    EXPECT_GE(members.size(), 2u) << team.path;
  }

  // People: fictional addresses, line managers (all but the chief executive), and every role.
  const auto people = Must(store_->ListPeople(org));
  EXPECT_GE(people.size(), 20u);
  std::set<domain::OrgRole> roles;
  size_t without_manager = 0;
  for (const domain::Person& person : people) {
    EXPECT_TRUE(person.email.ends_with("@northshire.example")) << person.email;
    EXPECT_FALSE(person.job_title.empty()) << person.email;
    if (!person.line_manager) ++without_manager;
    for (domain::OrgRole role : Must(store_->ListRoles(org, person.id))) roles.insert(role);
  }
  EXPECT_EQ(without_manager, 1u);
  EXPECT_EQ(roles,
            (std::set<domain::OrgRole>{domain::OrgRole::kModerator, domain::OrgRole::kEquality,
                                       domain::OrgRole::kBoard, domain::OrgRole::kAdmin}));

  // Synthetic measures: at least two years of values, with weekly, monthly and daily ones.
  std::set<domain::Frequency> frequencies;
  for (const Owned& m : Measures(org)) {
    if (m.team.name.find("A&E") != std::string::npos) continue;
    frequencies.insert(m.measure.frequency);
    EXPECT_FALSE(m.measure.definition.empty()) << m.measure.name;
    const auto values = Must(store_->ListObservations(org, m.measure.id));
    ASSERT_FALSE(values.empty()) << m.measure.name;
    EXPECT_GE(Day(values.back().period) - Day(values.front().period), 730) << m.measure.name;
    for (const domain::Observation& o : values) {
      EXPECT_EQ(o.denominator.has_value(), spc::HasDenominator(m.measure.chart)) << m.measure.name;
    }
  }
  EXPECT_TRUE(frequencies.contains(domain::Frequency::kDaily));
  EXPECT_TRUE(frequencies.contains(domain::Frequency::kWeekly));
  EXPECT_TRUE(frequencies.contains(domain::Frequency::kMonthly));
}

TEST_P(SeedDemoTest, AeMeasuresHoldTheDataFilesValues) {
  const domain::OrgId org = SeedOk();
  const auto expected = LargestType1Trusts();
  ASSERT_EQ(expected.size(), 6u);
  std::map<std::string, domain::Measure> ae;
  for (const Owned& m : Measures(org)) {
    if (m.team.name.find("A&E") != std::string::npos) ae.emplace(m.measure.name, m.measure);
  }
  ASSERT_EQ(ae.size(), 6u);
  for (const auto& [code, months] : expected) {
    const std::string name = "4-hour performance, type 1 (" + code + ")";
    ASSERT_TRUE(ae.contains(name)) << name;
    const domain::Measure& measure = ae.at(name);
    EXPECT_EQ(measure.chart, spc::Chart::kPp);
    EXPECT_EQ(measure.direction, spc::Direction::kIncrease);
    EXPECT_EQ(measure.target, 0.95);
    EXPECT_EQ(measure.frequency, domain::Frequency::kMonthly);
    EXPECT_NE(measure.definition.find("Open Government Licence"), std::string::npos);
    const auto values = Must(store_->ListObservations(org, measure.id));
    ASSERT_EQ(values.size(), months.size()) << name;
    size_t i = 0;
    for (const auto& [period, month] : months) {
      EXPECT_EQ(values[i].period, period) << name;
      EXPECT_EQ(values[i].value, month.seen) << name << " " << period;
      EXPECT_EQ(values[i].denominator, month.attendances) << name << " " << period;
      ++i;
    }
  }
}

TEST_P(SeedDemoTest, PlantedPatternsAreWhatTheChartsShow) {
  const domain::OrgId org = SeedOk();
  std::map<std::string, std::pair<domain::Measure, spc::Analysis>> charts;
  int improvement = 0;
  int concern = 0;
  for (const Owned& m : Measures(org)) {
    if (m.team.name.find("A&E") != std::string::npos) continue;
    spc::Analysis analysis = Analyse(org, m.measure);
    improvement += analysis.summary.improvement;
    concern += analysis.summary.concern;
    charts.emplace(m.measure.name, std::make_pair(m.measure, std::move(analysis)));
  }
  EXPECT_GT(improvement, 0);
  EXPECT_GT(concern, 0);
  const auto last = [&](const std::string& name) {
    EXPECT_TRUE(charts.contains(name)) << name;
    if (!charts.contains(name) || charts.at(name).second.points.empty()) return spc::Point();
    return charts.at(name).second.points.back();
  };
  const auto special = [&](const std::string& name) {
    int count = 0;
    if (!charts.contains(name)) return -1;
    for (const spc::Point& p : charts.at(name).second.points) count += p.special_cause() ? 1 : 0;
    return count;
  };

  // Changes tested and not yet rebased: the latest point is special cause improvement.
  for (const char* name : {"Pressure ulcers developing in our care",
                           "Average time to answer a call", "Appointments not attended",
                           "Agency staff spend", "Ethnic minority staff at band 8a and above",
                           "Complaints answered within 25 working days"}) {
    EXPECT_EQ(spc::Name(last(name).type), "special_cause_improvement") << name;
  }
  // Deteriorations, one of them a rising trend: the latest point is special cause concern.
  for (const char* name :
       {"Visits not completed as planned", "Children waiting for a first assessment",
        "Wait from assessment to treatment", "Hospital appointments lost for want of an escort"}) {
    EXPECT_EQ(spc::Name(last(name).type), "special_cause_concern") << name;
  }
  // One month outside the limits.
  ASSERT_EQ(special("Self-harm incidents"), 1);
  for (const spc::Point& p : charts.at("Self-harm incidents").second.points) {
    if (!p.special_cause()) continue;
    EXPECT_EQ(spc::Name(p.rule), "outside_limits");
    EXPECT_EQ(spc::Name(p.type), "special_cause_concern");
  }
  // Improvements sustained and rebased: two phases, the second one better, and no signal since.
  for (const char* name :
       {"Calls answered within 2 minutes", "Children meeting their main therapy goal",
        "Recovery rate", "Critical medicine doses missed", "Invoices paid within 30 days"}) {
    ASSERT_TRUE(charts.contains(name)) << name;
    const auto& [measure, analysis] = charts.at(name);
    ASSERT_EQ(analysis.phases.size(), 2u) << name;
    const double before = analysis.phases[0].centre;
    const double after = analysis.phases[1].centre;
    EXPECT_TRUE(measure.direction == spc::Direction::kIncrease ? after > before : after < before)
        << name << ": " << before << " -> " << after;
    EXPECT_NE(spc::Name(last(name).type), "special_cause_concern") << name;
    const auto notes = Must(store_->ListAnnotations(org, measure.id));
    EXPECT_TRUE(std::any_of(notes.begin(), notes.end(), [](const domain::Annotation& a) {
      return a.kind == domain::AnnotationKind::kRebase && !a.text.empty();
    })) << name;
  }
  // Common cause variation only.
  for (const char* name :
       {"Insulin visits on time", "Referrals received", "Referrals seen within 6 weeks",
        "Staff sickness absence", "Interpreter requests met"}) {
    EXPECT_EQ(special(name), 0) << name;
  }
  EXPECT_EQ(charts.at("Referrals seen within 6 weeks").second.summary.assurance,
            spc::AssuranceIcon::kPass);
  EXPECT_EQ(charts.at("Staff sickness absence").second.summary.assurance,
            spc::AssuranceIcon::kFail);
}

TEST_P(SeedDemoTest, EndsEachSeriesAtTheLastCompletePeriodBeforeToday) {
  const domain::OrgId org = SeedOk({"--today", "2026-11-25"});      // a Wednesday
  std::map<std::string, std::pair<std::string, std::string>> span;  // name -> first, last
  for (const Owned& m : Measures(org)) {
    const auto values = Must(store_->ListObservations(org, m.measure.id));
    if (!values.empty()) span[m.measure.name] = {values.front().period, values.back().period};
  }
  EXPECT_EQ(span["Pressure ulcers developing in our care"],
            std::make_pair(std::string("2023-11-01"), std::string("2026-10-01")));
  EXPECT_EQ(span["Insulin visits on time"].second, "2026-11-16");  // the Monday of last week
  EXPECT_EQ(span["Visits not completed as planned"].second, "2026-11-24");
  EXPECT_EQ(span["Calls answered within 2 minutes"].second, "2026-11-24");
  EXPECT_EQ(span["Staff who would recommend us as a place to work"].second, "2026-07-01");

  // The same run again with another --today changes nothing: the organisation is there.
  const Counts before = Count(org);
  const Ran again = Seed({"--today", "2027-01-01"});
  EXPECT_EQ(again.status, 0) << again.err;
  EXPECT_EQ(Count(org), before);
}

TEST_P(SeedDemoTest, SecondRunChangesNothingAndStillPrintsTheSignIns) {
  const domain::OrgId org = SeedOk();
  const Counts before = Count(org);
  EXPECT_GT(before.observations, 2000u);
  const Ran again = Seed();
  EXPECT_EQ(again.status, 0) << again.err;
  EXPECT_EQ(again.err, "");
  EXPECT_TRUE(again.out.starts_with(kDemoOrg + " is in the database already: nothing changed."))
      << again.out;
  EXPECT_NE(again.out.find("nia.okafor@northshire.example"), std::string::npos);
  EXPECT_NE(again.out.find(kDemoPassword), std::string::npos);
  EXPECT_EQ(Count(org), before);
}

TEST_P(SeedDemoTest, TheDocumentedPasswordSignsEveryoneIn) {
  const domain::OrgId org = SeedOk();
  const Ran again = Seed();
  // Every person printed, with the password once.
  const auto people = Must(store_->ListPeople(org));
  for (const domain::Person& person : people) {
    EXPECT_NE(again.out.find(person.email), std::string::npos) << person.email;
  }
  size_t shown = 0;
  for (size_t at = again.out.find(kDemoPassword); at != std::string::npos;
       at = again.out.find(kDemoPassword, at + 1)) {
    ++shown;
  }
  EXPECT_EQ(shown, 1u);

  // Hashed once: everyone has the same argon2id string, and it verifies.
  const std::string hash =
      Must(store_->GetPasswordHash(org, Person(org, "nia.okafor@northshire.example").id));
  EXPECT_TRUE(hash.starts_with("$argon2id$"));
  EXPECT_TRUE(domain::VerifyPassword(hash, kDemoPassword));
  EXPECT_FALSE(domain::VerifyPassword(hash, kDemoPassword + "!"));
  for (const domain::Person& person : people) {
    EXPECT_EQ(Must(store_->GetPasswordHash(org, person.id)), hash) << person.email;
  }
}

TEST_P(SeedDemoTest, AnErrorChangesNothing) {
  const Ran missing = Run({"seed-demo"}, {"--data", dir_.Path("no-such-file.csv")});
  EXPECT_EQ(missing.status, 2);
  EXPECT_EQ(missing.out, "");
  EXPECT_NE(missing.err.find("no-such-file.csv"), std::string::npos) << missing.err;
  EXPECT_FALSE(FindOrg(kDemoOrg).valid());

  const std::string bad =
      dir_.Write("ae.csv",
                 "period,org_code,type,attendances,breaches\n2016-04-01,RRK,1,100,10\n"
                 "2016-13-01,RRK,1,100,10\n");
  const Ran refused = Run({"seed-demo"}, {"--data", bad});
  EXPECT_EQ(refused.status, 2);
  EXPECT_EQ(refused.out, "");
  EXPECT_EQ(refused.err, bad + ":3: period '2016-13-01' is not a date YYYY-MM-DD\n");
  EXPECT_FALSE(FindOrg(kDemoOrg).valid());

  const Ran no_db = RunEverySeat({"seed-demo"});
  EXPECT_EQ(no_db.status, 2);
  EXPECT_EQ(no_db.err, "everyseat seed-demo: --db is required\n");
}

INSTANTIATE_TEST_SUITE_P(Engines, SeedDemoTest, ::testing::ValuesIn(store::testing::TestEngines()),
                         [](const ::testing::TestParamInfo<std::string>& param) {
                           return param.param;
                         });

}  // namespace
}  // namespace everyseat::testing
