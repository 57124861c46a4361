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
#include "everyseat/domain/guard.h"
#include "everyseat/domain/secrets.h"
#include "everyseat/domain/story.h"
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

// --- The stories of leadership and the leaders' reflections (issue 5, point 8): the twelve
// examples of the post everyseat was created from (../shared/spec/origin-post.md), correctly
// spelt, in the states the demo shows.

// Words of a text: runs of characters that are not spaces.
size_t WordCount(const std::string& text) {
  size_t words = 0;
  bool in_word = false;
  for (const char c : text) {
    const bool space = c == ' ' || c == '\n' || c == '\t';
    if (!space && !in_word) ++words;
    in_word = !space;
  }
  return words;
}

// Every text of a story that readers see.
std::string AllText(const domain::Story& story) {
  return story.title + "\n" + story.text + "\n" + story.learning;
}

// The guard's findings in a text, as "kind 'text'" for a failure message.
std::string PatientDetails(const std::string& text) {
  std::string found;
  for (const domain::Finding& f : domain::FindPatientDetails(text)) {
    found += std::string(domain::Name(f.kind)) + " '" + f.text + "' ";
  }
  return found;
}

class SeedDemoStoriesTest : public SeedDemoTest {
 protected:
  std::vector<domain::Story> Stories(domain::OrgId org) {
    store::StoryQuery query;
    query.limit = 0;
    return Must(store_->ListStories(org, query));
  }
};

TEST_P(SeedDemoStoriesTest, TheTwelveExamplesOfThePostAreStoriesCorrectlySpelt) {
  const domain::OrgId org = SeedOk();
  const auto stories = Stories(org);
  ASSERT_EQ(stories.size(), 12u);
  std::string everything;
  for (const domain::Story& story : stories) everything += AllText(story) + "\n";
  // One story for each example, found by its key words, spelt correctly.
  for (const char* words : {"die at home",
                            "snow",
                            "health centre",
                            "900",
                            "values-based leadership",
                            "schools",
                            "knife",
                            "international conference on stammering and stigma",
                            "primary care mental health",
                            "extra shifts",
                            "commissioners",
                            "challenged back",
                            "clinical leaders",
                            "poor practice",
                            "25 years",
                            "sorry",
                            "got it wrong",
                            "extraordinary hours",
                            "tough time",
                            "prison",
                            "carers, not just offenders"}) {
    EXPECT_NE(everything.find(words), std::string::npos) << "no story says '" << words << "'";
  }
  for (const char* typo : {"stammeting", "healthcentre", "Almo-Metcalfe", "value based"}) {
    EXPECT_EQ(everything.find(typo), std::string::npos) << typo;
  }
  for (const domain::Story& story : stories) {
    EXPECT_FALSE(story.title.empty());
    EXPECT_LE(story.title.size(), 80u) << story.title;
    EXPECT_GE(WordCount(story.text), 60u) << story.title;
    EXPECT_LE(WordCount(story.text), 150u) << story.title;
    EXPECT_GE(WordCount(story.learning), 10u) << story.title;
    EXPECT_LE(WordCount(story.learning), 60u) << story.title;
    EXPECT_GE(story.values.size(), 1u) << story.title;
    EXPECT_LE(story.values.size(), 3u) << story.title;
    EXPECT_TRUE(story.team.has_value()) << story.title;
    EXPECT_TRUE(!story.people.empty() || !story.teams.empty()) << story.title;
  }
}

TEST_P(SeedDemoStoriesTest, NoStoryReflectionOrReplyCarriesPatientDetails) {
  const domain::OrgId org = SeedOk();
  for (const domain::Story& story : Stories(org)) {
    for (const std::string* text : {&story.title, &story.text, &story.learning}) {
      EXPECT_EQ(PatientDetails(*text), "") << story.title;
    }
    for (const domain::Acknowledgement& a : story.acknowledgements) {
      EXPECT_EQ(PatientDetails(a.note), "") << story.title;
    }
    for (const domain::Thanks& t : story.thanks) EXPECT_EQ(PatientDetails(t.note), "");
  }
  const auto reflections = Must(store_->ListReflections(org, 0, 0));
  for (const domain::Reflection& r : reflections) {
    for (const std::string* text : {&r.title, &r.learned, &r.got_wrong, &r.changed}) {
      EXPECT_EQ(PatientDetails(*text), "") << r.title;
    }
    for (const domain::Reply& reply : Must(store_->ListReplies(org, r.id))) {
      EXPECT_EQ(PatientDetails(reply.text), "") << r.title;
    }
  }
}

TEST_P(SeedDemoStoriesTest, StoriesAreInTheStatesTheDemoShows) {
  const auto now = std::chrono::system_clock::now();
  const int64_t today =
      std::chrono::floor<std::chrono::days>(now).time_since_epoch().count() * int64_t{86400};
  const int64_t seconds =
      std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  const domain::OrgId org = SeedOk();
  // The store records acknowledgements and thanks at its own clock: by the end of the seed.
  const int64_t seeded = std::chrono::duration_cast<std::chrono::seconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count();
  std::map<int64_t, domain::Person> people;  // by id
  for (domain::Person& p : Must(store_->ListPeople(org))) people.emplace(p.id.value, std::move(p));

  size_t awaiting = 0;
  size_t overdue = 0;  // published more than 14 days ago, not acknowledged
  size_t wellbeing = 0;
  size_t myself = 0;
  int64_t oldest = seconds;
  std::vector<domain::StoryCount> counts;
  for (const domain::Story& story : Stories(org)) {
    ASSERT_TRUE(story.submitted_at.has_value()) << story.title;
    EXPECT_LT(*story.submitted_at, seconds) << story.title;
    // The people asked: everyone named but the author; each consent given, or pending while the
    // story awaits it.
    std::set<int64_t> asked;
    for (domain::PersonId p : story.people) {
      if (p != story.author) asked.insert(p.value);
    }
    if (asked.empty()) ++myself;
    std::set<int64_t> consented;
    for (const domain::Consent& c : story.consents) {
      EXPECT_TRUE(asked.contains(c.person.value)) << story.title;
      consented.insert(c.person.value);
      EXPECT_EQ(c.state, story.state == domain::StoryState::kAwaitingConsent
                             ? domain::ConsentState::kPending
                             : domain::ConsentState::kGiven)
          << story.title;
    }
    EXPECT_EQ(consented, asked) << story.title;
    if (story.state == domain::StoryState::kAwaitingConsent) {
      ++awaiting;
      EXPECT_FALSE(story.published_at.has_value()) << story.title;
      EXPECT_TRUE(story.acknowledgements.empty()) << story.title;
      EXPECT_FALSE(asked.empty()) << story.title;
      continue;
    }
    ASSERT_EQ(story.state, domain::StoryState::kPublished) << story.title;
    ASSERT_TRUE(story.published_at.has_value()) << story.title;
    const int64_t published = *story.published_at;
    EXPECT_LE(*story.submitted_at, published) << story.title;
    EXPECT_LT(published, today) << story.title;
    oldest = std::min(oldest, published);
    counts.push_back(domain::StoryCount{published, story.people, story.teams});

    // Acknowledged by line managers of the people named, after publication; the stories that
    // praise extra hours with the wellbeing check instead.
    std::set<int64_t> managers;
    for (domain::PersonId p : story.people) {
      if (people.at(p.value).line_manager) managers.insert(people.at(p.value).line_manager->value);
    }
    const bool hours = domain::PraisesExtraHours(story.text + "\n" + story.learning);
    for (const domain::Acknowledgement& a : story.acknowledgements) {
      EXPECT_TRUE(managers.contains(a.manager.value)) << story.title;
      EXPECT_FALSE(a.note.empty()) << story.title;
      EXPECT_GT(a.at, published) << story.title;
      EXPECT_LE(a.at, seeded) << story.title;
      EXPECT_EQ(a.wellbeing_checked, hours) << story.title;
    }
    if (hours) {
      ++wellbeing;
      EXPECT_FALSE(story.acknowledgements.empty()) << story.title;
    }
    if (story.acknowledgements.empty() && !managers.empty() && published < today - 14 * 86400) {
      ++overdue;
    }
    for (const domain::Thanks& t : story.thanks) {
      EXPECT_GT(t.at, published) << story.title;
      EXPECT_LE(t.at, seeded) << story.title;
    }
  }
  EXPECT_EQ(awaiting, 1u);
  EXPECT_EQ(overdue, 1u);
  EXPECT_EQ(wellbeing, 2u) << "the finance manager and the primary care mental health team";
  EXPECT_EQ(myself, 1u);
  // Spread over the last ten months or so.
  EXPECT_LT(oldest, today - 240 * 86400);
  EXPECT_GT(oldest, today - 330 * 86400);

  // The equity view shows teams with no story in the last 90 days.
  const auto teams = Must(store_->ListTeams(org));
  std::vector<domain::Membership> memberships;
  for (const domain::Team& team : teams) {
    for (domain::Membership& m : Must(store_->ListMembersOfTeam(org, team.id))) {
      memberships.push_back(m);
    }
  }
  std::vector<domain::Person> everyone;
  for (const auto& [id, person] : people) everyone.push_back(person);
  const domain::Equity equity = domain::RecognitionEquity(teams, everyone, memberships, counts,
                                                          seconds - 90 * 86400, seconds);
  std::set<std::string> without;
  for (const domain::EquityRow& row : equity.teams_without_recent) without.insert(row.label);
  EXPECT_GE(without.size(), 2u);
  EXPECT_LE(without.size(), 4u);
  EXPECT_LT(without.size(), equity.by_team.size());
}

TEST_P(SeedDemoStoriesTest, LeadersReflectWithRepliesAndAChallenge) {
  const domain::OrgId org = SeedOk();
  const auto reflections = Must(store_->ListReflections(org, 0, 0));
  ASSERT_EQ(reflections.size(), 3u);
  std::set<std::string> authors;
  size_t questions = 0;
  for (const domain::Reflection& r : reflections) {
    authors.insert(Must(store_->GetPerson(org, r.author)).email);
    EXPECT_FALSE(r.learned.empty());
    EXPECT_FALSE(r.got_wrong.empty());
    EXPECT_FALSE(r.changed.empty());
    const auto replies = Must(store_->ListReplies(org, r.id));
    EXPECT_GE(replies.size(), 2u) << r.title;
    EXPECT_LE(replies.size(), 4u) << r.title;
    for (const domain::Reply& reply : replies) {
      if (reply.author != r.author && reply.text.find('?') != std::string::npos) ++questions;
    }
  }
  EXPECT_TRUE(authors.contains("priya.raman@northshire.example")) << "the chief executive";
  EXPECT_GE(questions, 1u);
}

TEST_P(SeedDemoStoriesTest, ASecondRunAddsNoStories) {
  const domain::OrgId org = SeedOk();
  const size_t stories = Stories(org).size();
  const size_t reflections = Must(store_->ListReflections(org, 0, 0)).size();
  const Ran again = Seed();
  EXPECT_EQ(again.status, 0) << again.err;
  EXPECT_TRUE(again.out.starts_with(kDemoOrg + " is in the database already: nothing changed."))
      << again.out;
  EXPECT_EQ(Stories(org).size(), stories);
  EXPECT_EQ(Must(store_->ListReflections(org, 0, 0)).size(), reflections);
}

TEST_P(SeedDemoStoriesTest, AnOrganisationWithoutThePeopleOfTheStoriesIsLeftAsItIs) {
  // An organisation of the demo's name without the people the stories name (as an older
  // seed-demo might have left it): nothing is added, and the run still succeeds.
  const domain::OrgId org = MakeOrg(kDemoOrg);
  const Counts before = Count(org);
  const Ran ran = Seed();
  EXPECT_EQ(ran.status, 0) << ran.err;
  EXPECT_TRUE(ran.out.starts_with(kDemoOrg + " is in the database already: nothing changed"))
      << ran.out;
  EXPECT_NE(ran.out.find("its demo stories were not added"), std::string::npos) << ran.out;
  EXPECT_TRUE(Stories(org).empty());
  EXPECT_EQ(Count(org), before);
}

INSTANTIATE_TEST_SUITE_P(Engines, SeedDemoTest, ::testing::ValuesIn(store::testing::TestEngines()),
                         [](const ::testing::TestParamInfo<std::string>& param) {
                           return param.param;
                         });
INSTANTIATE_TEST_SUITE_P(Engines, SeedDemoStoriesTest,
                         ::testing::ValuesIn(store::testing::TestEngines()),
                         [](const ::testing::TestParamInfo<std::string>& param) {
                           return param.param;
                         });

}  // namespace
}  // namespace everyseat::testing
