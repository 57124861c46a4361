// everyseat import staff|measures|observations, run as a real process against real databases
// (SQLite always, PostgreSQL under scripts/with-postgres) and checked through the Store API.
// Expected values come from the contract (cli/README.md, "everyseat import"): all or nothing,
// errors as FILE:LINE: reason with the physical line (header = 1), re-imports change nothing.
#include <fcntl.h>
#include <pty.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <iostream>
#include <string>
#include <vector>

#include "admin_fixture.h"
#include "everyseat/domain/validate.h"
#include "progress.h"

namespace everyseat::testing {
namespace {

using domain::StaffGroup;

class ImportTest : public AdminTest {
 protected:
  void SetUp() override {
    AdminTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    org_ = MakeOrg();
  }

  Ran Import(const std::string& kind, const std::string& file,
             const std::vector<std::string>& more = {}, const std::string& input = {}) const {
    std::vector<std::string> args{"--org", kOrg};
    args.insert(args.end(), more.begin(), more.end());
    args.push_back(file);
    return Run({"import", kind}, args, input);
  }

  // Imports `csv` written to a file and expects success with `summary` on standard output.
  void ExpectImport(const std::string& kind, const std::string& csv, const std::string& summary,
                    const std::vector<std::string>& more = {}) {
    const Ran ran = Import(kind, dir_.Write(kind + ".csv", csv), more);
    EXPECT_EQ(ran.status, 0) << ran.err;
    EXPECT_EQ(ran.err, "");
    EXPECT_EQ(ran.out, summary + "\n");
  }

  // Imports `csv` and expects the refusal `line` ("FILE" standing for the file's path), with
  // nothing changed in the database.
  void ExpectRefusal(const std::string& kind, const std::string& csv, std::string line,
                     const std::vector<std::string>& more = {}) {
    const Counts before = Count(org_);
    const std::string file = dir_.Write("refused.csv", csv);
    const Ran ran = Import(kind, file, more);
    if (line.starts_with("FILE:")) line = file + line.substr(4);
    EXPECT_EQ(ran.status, 2);
    EXPECT_EQ(ran.out, "");
    EXPECT_EQ(ran.err, line + "\n");
    EXPECT_EQ(Count(org_), before);
  }

  domain::Measure MakeMeasure(const domain::Team& team, const std::string& name, spc::Chart chart) {
    domain::Measure m;
    m.org = org_;
    m.team = team.id;
    m.name = name;
    m.chart = chart;
    return Must(store_->CreateMeasure(domain::Actor::System("test"), m));
  }

  domain::Team MakeWard() {
    const auto actor = domain::Actor::System("test");
    const auto medicine = Must(store_->CreateTeam(actor, org_, std::nullopt, "Medicine"));
    return Must(store_->CreateTeam(actor, org_, medicine.id, "Ward 7"));
  }

  std::vector<double> Values(const domain::Measure& measure) {
    std::vector<double> values;
    for (const auto& o : Must(store_->ListObservations(org_, measure.id)))
      values.push_back(o.value);
    return values;
  }

  domain::OrgId org_;
};

// --- Staff.

// Line managers: Ada by Cara (a later line), Cara by Dev (a later line), Eve by Ada (an earlier
// line). Staff groups in the domain's names and in NHS display forms.
constexpr char kStaff[] =
    "name,email,job_title,staff_group,team_path,line_manager_email\n"
    "Ada Nurse,a.nurse@nhs.net,Ward sister,Nursing and midwifery,Northshire Trust/Medicine/Ward "
    "7,c.matron@nhs.net\n"
    "Ben Porter,b.porter@nhs.net,Porter,Estates & Ancillary,Northshire Trust/Estates/Portering,\n"
    "Cara Matron,c.matron@nhs.net,Matron,nursing_and_midwifery,Northshire Trust/Medicine,"
    "D.Director@NHS.net\n"
    "Dev Director,D.Director@NHS.net,Director of nursing,NURSING AND MIDWIFERY,Northshire "
    "Trust/Medicine,\n"
    "Eve Clerk,e.clerk@nhs.net,Ward clerk,Admin and clerical,Northshire Trust/Medicine/Ward 7,"
    "a.nurse@nhs.net\n";

TEST_P(ImportTest, StaffMakesTeamsPeopleMembershipsAndLineManagers) {
  ExpectImport("staff", kStaff,
               "imported 5 people (4 new teams, 5 new people, 0 updated, 0 unchanged)");
  EXPECT_EQ(TeamPaths(org_), (std::vector<std::string>{
                                 "Northshire Trust/Estates", "Northshire Trust/Estates/Portering",
                                 "Northshire Trust/Medicine", "Northshire Trust/Medicine/Ward 7"}));
  const domain::Person ada = Person(org_, "a.nurse@nhs.net");
  EXPECT_EQ(ada.name, "Ada Nurse");
  EXPECT_EQ(ada.job_title, "Ward sister");
  EXPECT_EQ(ada.staff_group, StaffGroup::kNursingAndMidwifery);
  EXPECT_EQ(Person(org_, "b.porter@nhs.net").staff_group, StaffGroup::kEstatesAndAncillary);
  EXPECT_EQ(Person(org_, "d.director@nhs.net").staff_group, StaffGroup::kNursingAndMidwifery);
  EXPECT_EQ(Person(org_, "e.clerk@nhs.net").staff_group, StaffGroup::kAdministrativeAndClerical);

  EXPECT_EQ(ManagerOf(org_, "a.nurse@nhs.net"), "c.matron@nhs.net");
  EXPECT_EQ(ManagerOf(org_, "b.porter@nhs.net"), "");
  EXPECT_EQ(ManagerOf(org_, "c.matron@nhs.net"), "d.director@nhs.net");
  EXPECT_EQ(ManagerOf(org_, "d.director@nhs.net"), "");
  EXPECT_EQ(ManagerOf(org_, "e.clerk@nhs.net"), "a.nurse@nhs.net");

  const auto ward = Must(store_->FindTeamByPath(org_, "Northshire Trust/Medicine/Ward 7"));
  EXPECT_EQ(Must(store_->ListMembershipsOfPerson(org_, ada.id)),
            (std::vector<domain::Membership>{{ada.id, ward.id, domain::TeamRole::kMember}}));
  EXPECT_EQ(Must(store_->ListMembersOfTeam(org_, ward.id)).size(), 2u);
  const auto medicine = Must(store_->FindTeamByPath(org_, "Northshire Trust/Medicine"));
  EXPECT_EQ(Must(store_->ListMembersOfTeam(org_, medicine.id)).size(), 2u);
}

TEST_P(ImportTest, StaffImportedAgainChangesNothing) {
  ExpectImport("staff", kStaff,
               "imported 5 people (4 new teams, 5 new people, 0 updated, 0 unchanged)");
  const Counts before = Count(org_);
  ExpectImport("staff", kStaff,
               "imported 5 people (0 new teams, 0 new people, 0 updated, 5 unchanged)");
  EXPECT_EQ(Count(org_), before);
}

TEST_P(ImportTest, StaffUpdatesOnlyThePeopleWhoseFieldsDiffer) {
  ExpectImport("staff", kStaff,
               "imported 5 people (4 new teams, 5 new people, 0 updated, 0 unchanged)");
  std::string changed = kStaff;
  changed.replace(changed.find("Porter,Estates"), 6, "Head porter");
  changed += "Fay Physio,f.physio@nhs.net,Physiotherapist,AHP,Northshire Trust/Therapies,\n";
  ExpectImport("staff", changed,
               "imported 6 people (1 new team, 1 new person, 1 updated, 4 unchanged)");
  EXPECT_EQ(Person(org_, "b.porter@nhs.net").job_title, "Head porter");
  EXPECT_EQ(Person(org_, "f.physio@nhs.net").staff_group, StaffGroup::kAlliedHealthProfessionals);
}

TEST_P(ImportTest, StaffCanTurnLineManagementAround) {
  // Ada manages Ben; then the file says Ben manages Ada. Written in the file's order the store
  // would see a loop (Ben under Ada under Ben) before Ada's own line is written.
  ExpectImport("staff",
               "name,email,team_path,line_manager_email\n"
               "Ada Nurse,a.nurse@nhs.net,Northshire Trust/Medicine,\n"
               "Ben Porter,b.porter@nhs.net,Northshire Trust/Medicine,a.nurse@nhs.net\n",
               "imported 2 people (1 new team, 2 new people, 0 updated, 0 unchanged)");
  ExpectImport("staff",
               "name,email,team_path,line_manager_email\n"
               "Ada Nurse,a.nurse@nhs.net,Northshire Trust/Medicine,b.porter@nhs.net\n"
               "Ben Porter,b.porter@nhs.net,Northshire Trust/Medicine,\n",
               "imported 2 people (0 new teams, 0 new people, 2 updated, 0 unchanged)");
  EXPECT_EQ(ManagerOf(org_, "a.nurse@nhs.net"), "b.porter@nhs.net");
  EXPECT_EQ(ManagerOf(org_, "b.porter@nhs.net"), "");
}

TEST_P(ImportTest, AnErrorOnLineSevenChangesNothing) {
  ExpectImport("staff", kStaff,
               "imported 5 people (4 new teams, 5 new people, 0 updated, 0 unchanged)");
  // Ben's job title is quoted across two lines, so Eve's row is the sixth row but starts on
  // line 7; every row before it is good and would change something.
  ExpectRefusal("staff",
                "name,email,job_title,staff_group,team_path,line_manager_email\n"
                "Ada Nurse,a.nurse@nhs.net,Senior sister,nursing_and_midwifery,Northshire "
                "Trust/Medicine/Ward 7,\n"
                "Ben Porter,b.porter@nhs.net,\"Porter\n(nights)\",estates_and_ancillary,"
                "Northshire Trust/Estates/Portering,\n"
                "Cara Matron,c.matron@nhs.net,Matron,nursing_and_midwifery,Northshire "
                "Trust/Surgery,\n"
                "Dev Director,d.director@nhs.net,Director,nursing_and_midwifery,Northshire "
                "Trust/Medicine,\n"
                "Eve Clerk,eve.clerk-at-nhs.net,Ward clerk,administrative_and_clerical,"
                "Northshire Trust/Medicine/Ward 7,\n"
                "Fay Physio,f.physio@nhs.net,Physiotherapist,allied_health_professionals,"
                "Northshire Trust/Therapies,\n",
                "FILE:7: email is not an email address like name@example.nhs.uk");
  EXPECT_EQ(Person(org_, "a.nurse@nhs.net").job_title, "Ward sister");
  EXPECT_FALSE(store_->FindPersonByEmail(org_, "f.physio@nhs.net").has_value());
}

TEST_P(ImportTest, StaffRefusesAnUnknownLineManager) {
  ExpectRefusal("staff",
                "name,email,team_path,line_manager_email\n"
                "Ada Nurse,a.nurse@nhs.net,Northshire Trust/Medicine,\n"
                "Ben Porter,b.porter@nhs.net,Northshire Trust/Medicine,nobody@nhs.net\n",
                "FILE:3: line_manager_email nobody@nhs.net is neither in the file nor in the "
                "organisation");
}

TEST_P(ImportTest, StaffRefusesATeamPathOfAnotherOrganisation) {
  ExpectRefusal("staff",
                "name,email,team_path\n"
                "Ada Nurse,a.nurse@nhs.net,Southshire ICS/Medicine\n",
                "FILE:2: team path 'Southshire ICS/Medicine' must start with the organisation's "
                "name 'Northshire Trust'");
}

TEST_P(ImportTest, StaffRefusesALoopOfLineManagement) {
  ExpectRefusal("staff",
                "name,email,team_path,line_manager_email\n"
                "Cara Matron,c.matron@nhs.net,Northshire Trust/Medicine,\n"
                "Ada Nurse,a.nurse@nhs.net,Northshire Trust/Medicine,b.porter@nhs.net\n"
                "Ben Porter,b.porter@nhs.net,Northshire Trust/Medicine,a.nurse@nhs.net\n",
                "FILE:3: line_manager_email b.porter@nhs.net would make a loop of line "
                "management (a.nurse@nhs.net -> b.porter@nhs.net -> a.nurse@nhs.net, each "
                "managed by the next)");
}

TEST_P(ImportTest, StaffRefusesRepeatsMissingColumnsAndBadCells) {
  ExpectRefusal("staff", "name,team_path\nAda Nurse,Northshire Trust/Medicine\n",
                "FILE:1: missing column 'email'");
  ExpectRefusal("staff",
                "name,email,team_path\n"
                "Ada Nurse,a.nurse@nhs.net,Northshire Trust/Medicine\n"
                "Ada Again,A.Nurse@nhs.net,Northshire Trust/Medicine\n",
                "FILE:3: email a.nurse@nhs.net is on line 2 already");
  ExpectRefusal("staff",
                "name,email,team_path,staff_group\n"
                "Ada Nurse,a.nurse@nhs.net,Northshire Trust/Medicine,Wizards\n",
                "FILE:2: staff_group 'Wizards' is not one of nursing_and_midwifery, "
                "medical_and_dental, allied_health_professionals, additional_clinical_services, "
                "healthcare_scientists, scientific_therapeutic_technical, "
                "administrative_and_clerical, estates_and_ancillary, students or other");
  ExpectRefusal("staff",
                "name,email,team_path\n"
                ",a.nurse@nhs.net,Northshire Trust/Medicine\n",
                "FILE:2: name is empty");
  ExpectRefusal("staff",
                "name,email,team_path\n"
                "Ada Nurse,a.nurse@nhs.net,Northshire Trust\n",
                "FILE:2: team path 'Northshire Trust' names the organisation, not a team; write "
                "it like Northshire Trust/Directorate/Team");
  ExpectRefusal("staff", "name,email,team_path\n\"Ada,a.nurse@nhs.net,x\n",
                "FILE:2: unterminated quote");
}

TEST_P(ImportTest, StaffReadsBomCrlfAndStandardInput) {
  const std::string csv =
      "\xEF\xBB\xBFname,email,team_path,extra\r\n"
      "Ada Nurse,a.nurse@nhs.net,Northshire Trust/Medicine,ignored\r\n";
  const Ran ran = Import("staff", "-", {}, csv);
  ASSERT_EQ(ran.status, 0) << ran.err;
  EXPECT_EQ(ran.out, "imported 1 person (1 new team, 1 new person, 0 updated, 0 unchanged)\n");
  EXPECT_EQ(Person(org_, "a.nurse@nhs.net").name, "Ada Nurse");

  const Ran bad = Import("staff", "-", {}, "name,email,team_path\nBen,not-an-email,x/y\n");
  EXPECT_EQ(bad.status, 2);
  EXPECT_EQ(bad.err, "<stdin>:2: email is not an email address like name@example.nhs.uk\n");
}

TEST_P(ImportTest, RefusesAnUnknownOrganisationKindOrFile) {
  const std::string file = dir_.Write("staff.csv", kStaff);
  const Ran org = Run({"import", "staff"}, {"--org", "Southshire ICS", file});
  EXPECT_EQ(org.status, 2);
  EXPECT_EQ(org.err,
            "everyseat import: no organisation named 'Southshire ICS' ('everyseat user add' "
            "makes one)\n");
  const Ran kind = Run({"import", "rotas"}, {"--org", kOrg, file});
  EXPECT_EQ(kind.err,
            "everyseat import: unknown kind 'rotas' (one of staff, measures, observations)\n");
  const Ran missing = Run({"import", "staff"}, {"--org", kOrg, dir_.Path("none.csv")});
  EXPECT_EQ(missing.status, 2);
  EXPECT_EQ(missing.err, "everyseat import: cannot open '" + dir_.Path("none.csv") +
                             "': No such file or directory\n");
  const Ran correct = Run({"import", "staff"}, {"--org", kOrg, "--correct", file});
  EXPECT_EQ(correct.err, "everyseat import: --correct is for import observations\n");
  EXPECT_EQ(Count(org_).people, 0u);
}

// --- Measures.

constexpr char kMeasures[] =
    "team_path,name,definition,unit,kind,chart,direction,target,frequency\n"
    "Northshire Trust/Medicine/Ward 7,Falls,Inpatient falls in the month,falls,outcome,c,"
    "decrease,,monthly\n"
    "Northshire Trust/Medicine/Ward 7,Harm-free care,Patients free of harm / patients "
    "surveyed,%,outcome,p,increase,95,monthly\n"
    "Northshire Trust/Medicine,Discharges before noon,Discharges before 12:00 / all "
    "discharges,%,process,pp,increase,33.5,weekly\n";

TEST_P(ImportTest, MeasuresAreMadeThenUpdatedByTeamAndName) {
  ExpectImport("measures", kMeasures,
               "imported 3 measures (2 new teams, 3 new measures, 0 updated, 0 unchanged)");
  const auto ward = Must(store_->FindTeamByPath(org_, "Northshire Trust/Medicine/Ward 7"));
  const auto measures = Must(store_->ListMeasures(org_, ward.id));
  ASSERT_EQ(measures.size(), 2u);
  const domain::Measure& harm = measures[1];
  EXPECT_EQ(harm.name, "Harm-free care");
  EXPECT_EQ(harm.definition, "Patients free of harm / patients surveyed");
  EXPECT_EQ(harm.unit, "%");
  EXPECT_EQ(harm.kind, domain::MeasureKind::kOutcome);
  EXPECT_EQ(harm.chart, spc::Chart::kP);
  EXPECT_EQ(harm.direction, spc::Direction::kIncrease);
  EXPECT_EQ(harm.target, 95.0);
  EXPECT_EQ(harm.frequency, domain::Frequency::kMonthly);
  EXPECT_EQ(measures[0].chart, spc::Chart::kC);
  EXPECT_EQ(measures[0].direction, spc::Direction::kDecrease);
  EXPECT_FALSE(measures[0].target.has_value());
  const auto medicine = Must(store_->FindTeamByPath(org_, "Northshire Trust/Medicine"));
  const auto noon = Must(store_->ListMeasures(org_, medicine.id));
  ASSERT_EQ(noon.size(), 1u);
  EXPECT_EQ(noon[0].kind, domain::MeasureKind::kProcess);
  EXPECT_EQ(noon[0].chart, spc::Chart::kPp);
  EXPECT_EQ(noon[0].target, 33.5);
  EXPECT_EQ(noon[0].frequency, domain::Frequency::kWeekly);

  const Counts before = Count(org_);
  ExpectImport("measures", kMeasures,
               "imported 3 measures (0 new teams, 0 new measures, 0 updated, 3 unchanged)");
  EXPECT_EQ(Count(org_), before);

  std::string changed = kMeasures;
  changed.replace(changed.find(",95,"), 4, ",97,");
  ExpectImport("measures", changed,
               "imported 3 measures (0 new teams, 0 new measures, 1 updated, 2 unchanged)");
  EXPECT_EQ(Must(store_->GetMeasure(org_, harm.id)).target, 97.0);
}

TEST_P(ImportTest, MeasuresRefuseBadCells) {
  ExpectRefusal("measures",
                "team_path,name,chart,direction\n"
                "Northshire Trust/Medicine,Falls,c,decrease\n"
                "Northshire Trust/Medicine,Sepsis screening,pie,increase\n",
                "FILE:3: chart 'pie' is not one of run, i, mr, p, pp, u, up, ip, c, g, t, xbar, "
                "s");
  ExpectRefusal("measures",
                "team_path,name,chart,direction\nNorthshire Trust/Medicine,Falls,c,down\n",
                "FILE:2: direction 'down' is not one of increase, decrease, neutral");
  ExpectRefusal("measures", "team_path,name,chart,target\nNorthshire Trust/Medicine,Falls,c,ten\n",
                "FILE:2: target 'ten' is not a number");
  ExpectRefusal("measures",
                "team_path,name,chart\n"
                "Northshire Trust/Medicine,Falls,c\n"
                "Northshire Trust / Medicine,Falls,i\n",
                "FILE:3: measure 'Falls' of Northshire Trust/Medicine is on line 2 already");
}

// --- Observations.

constexpr char kObservations[] =
    "team_path,measure,period,value,denominator\n"
    "Northshire Trust/Medicine/Ward 7,Falls,2024-01-01,4,\n"
    "Northshire Trust/Medicine/Ward 7,Falls,2024-02-01,6,\n"
    "Northshire Trust/Medicine/Ward 7,Harm-free care,2024-01-01,38,40\n"
    "Northshire Trust/Medicine/Ward 7,Harm-free care,2024-02-01,45,47\n";

TEST_P(ImportTest, ObservationsAreAppendedToTheirMeasures) {
  const domain::Team ward = MakeWard();
  const domain::Measure falls = MakeMeasure(ward, "Falls", spc::Chart::kC);
  const domain::Measure harm = MakeMeasure(ward, "Harm-free care", spc::Chart::kP);
  ExpectImport("observations", kObservations,
               "imported 4 observations (4 new, 0 corrected, 0 unchanged)");
  EXPECT_EQ(Values(falls), (std::vector<double>{4, 6}));
  const auto harm_values = Must(store_->ListObservations(org_, harm.id));
  ASSERT_EQ(harm_values.size(), 2u);
  EXPECT_EQ(harm_values[0].period, "2024-01-01");
  EXPECT_EQ(harm_values[0].value, 38);
  EXPECT_EQ(harm_values[0].denominator, 40);
  EXPECT_EQ(harm_values[1].denominator, 47);
  EXPECT_EQ(harm_values[1].entered_by, domain::Actor::System("import"));

  const Counts before = Count(org_);
  ExpectImport("observations", kObservations,
               "imported 4 observations (0 new, 0 corrected, 4 unchanged)");
  EXPECT_EQ(Count(org_), before);
}

TEST_P(ImportTest, AChangedValueIsRefusedUnlessCorrectedAndCorrectionsKeepHistory) {
  const domain::Team ward = MakeWard();
  const domain::Measure falls = MakeMeasure(ward, "Falls", spc::Chart::kC);
  MakeMeasure(ward, "Harm-free care", spc::Chart::kP);
  ExpectImport("observations", kObservations,
               "imported 4 observations (4 new, 0 corrected, 0 unchanged)");
  const std::string changed =
      "team_path,measure,period,value\n"
      "Northshire Trust/Medicine/Ward 7,Falls,2024-02-01,6\n"
      "Northshire Trust/Medicine/Ward 7,Falls,2024-03-01,5\n"
      "Northshire Trust/Medicine/Ward 7,Falls,2024-01-01,3\n";
  ExpectRefusal("observations", changed,
                "FILE:4: period 2024-01-01 of measure 'Falls' has the value 4 already (--correct "
                "replaces it, keeping the history)");
  EXPECT_EQ(Values(falls), (std::vector<double>{4, 6}));

  ExpectImport("observations", changed, "imported 3 observations (1 new, 1 corrected, 1 unchanged)",
               {"--correct"});
  EXPECT_EQ(Values(falls), (std::vector<double>{3, 6, 5}));
  const auto history = Must(store_->ListObservationHistory(org_, falls.id, "2024-01-01"));
  ASSERT_EQ(history.size(), 2u);
  EXPECT_EQ(history[0].value, 4);
  EXPECT_TRUE(history[0].superseded);
  EXPECT_EQ(history[1].value, 3);
  EXPECT_EQ(history[1].version, 2);
  EXPECT_FALSE(history[1].superseded);
}

TEST_P(ImportTest, ObservationsRefuseBadRows) {
  const domain::Team ward = MakeWard();
  MakeMeasure(ward, "Falls", spc::Chart::kC);
  MakeMeasure(ward, "Harm-free care", spc::Chart::kP);
  const std::string header = "team_path,measure,period,value,denominator\n";
  const std::string good = "Northshire Trust/Medicine/Ward 7,Falls,2024-01-01,4,\n";
  ExpectRefusal("observations",
                header + good + "Northshire Trust/Medicine/Ward 7,Harm-free care,2024-01-01,38,\n",
                "FILE:3: denominator is missing; a p chart needs one for every period");
  ExpectRefusal("observations",
                header + good + "Northshire Trust/Medicine/Ward 7,Sepsis,2024-01-01,3,\n",
                "FILE:3: team Northshire Trust/Medicine/Ward 7 has no measure named 'Sepsis'");
  ExpectRefusal("observations", header + good + good,
                "FILE:3: period 2024-01-01 of measure 'Falls' is on line 2 already");
  ExpectRefusal("observations",
                header + good + "Northshire Trust/Medicine/Ward 7,Falls,2024-02-01,four,\n",
                "FILE:3: value 'four' is not a number");
  ExpectRefusal("observations",
                header + good + "Northshire Trust/Medicine/Ward 7,Falls,01/02/2024,4,\n",
                "FILE:3: period is not a date written YYYY-MM-DD, like 2024-03-01");
  ExpectRefusal("observations",
                header + good + "Northshire Trust/Medicine/Ward 9,Falls,2024-02-01,4,\n",
                "FILE:3: no team Northshire Trust/Medicine/Ward 9");
}

TEST_P(ImportTest, ObservationsComeFromStandardInput) {
  const domain::Team ward = MakeWard();
  const domain::Measure falls = MakeMeasure(ward, "Falls", spc::Chart::kC);
  const Ran ran = Import("observations", "-", {},
                         "team_path,measure,period,value\r\n"
                         "Northshire Trust/Medicine/Ward 7,Falls,2024-01-01,4\r\n");
  ASSERT_EQ(ran.status, 0) << ran.err;
  EXPECT_EQ(ran.out, "imported 1 observation (1 new, 0 corrected, 0 unchanged)\n");
  EXPECT_EQ(Values(falls), std::vector<double>{4});
  const Ran bad = Import("observations", "-", {},
                         "team_path,measure,period,value\n"
                         "Northshire Trust/Medicine/Ward 7,Falls,2024-02-01,\n");
  EXPECT_EQ(bad.status, 2);
  EXPECT_EQ(bad.out, "");
  EXPECT_EQ(bad.err, "<stdin>:2: value is empty\n");
}

// 20,000 rows, two measures of 10,000 days each, through AppendObservations in one
// transaction. The time is printed for a look, not asserted.
std::string DailyRows(int per_measure) {
  std::string csv = "team_path,measure,period,value,denominator\n";
  const int64_t start = *domain::ParseIsoDate("1990-01-01");
  for (int i = 0; i < per_measure; ++i) {
    const std::string day = domain::FormatIsoDate(start + int64_t{86400} * i);
    csv += "Northshire Trust/Medicine/Ward 7,Falls," + day + "," + std::to_string(i % 7) + ",\n";
    csv += "Northshire Trust/Medicine/Ward 7,Harm-free care," + day + "," +
           std::to_string(30 + i % 10) + ",40\n";
  }
  return csv;
}

TEST_P(ImportTest, TwentyThousandObservationsInOneGo) {
  const domain::Team ward = MakeWard();
  const domain::Measure falls = MakeMeasure(ward, "Falls", spc::Chart::kC);
  const domain::Measure harm = MakeMeasure(ward, "Harm-free care", spc::Chart::kP);
  const std::string file = dir_.Write("big.csv", DailyRows(10000));
  const auto began = std::chrono::steady_clock::now();
  const Ran ran = Import("observations", file);
  const auto took = std::chrono::duration<double>(std::chrono::steady_clock::now() - began);
  std::cout << "[ info     ] 20,000 observations imported into " << GetParam() << " in "
            << took.count() << " s\n";
  ASSERT_EQ(ran.status, 0) << ran.err;
  EXPECT_EQ(ran.err, "");  // no progress bar: standard error is not a terminal
  EXPECT_EQ(ran.out, "imported 20000 observations (20000 new, 0 corrected, 0 unchanged)\n");
  const auto values = Must(store_->ListObservations(org_, falls.id));
  ASSERT_EQ(values.size(), 10000u);
  EXPECT_EQ(values[9999].period, "2017-05-18");  // 1990-01-01 + 9,999 days
  EXPECT_EQ(values[9999].value, 9999 % 7);
  EXPECT_EQ(Must(store_->ListObservations(org_, harm.id)).size(), 10000u);

  const Ran again = Import("observations", file);
  EXPECT_EQ(again.out, "imported 20000 observations (0 new, 0 corrected, 20000 unchanged)\n");
}

// A run with standard error on a terminal (a pseudo-terminal here): the progress bar is drawn
// and ended with a newline; standard output still gets only the summary.
struct TerminalRun {
  int status = -1;
  std::string out;
  std::string err;
};

TerminalRun RunWithTerminal(const std::vector<std::string>& args, const std::string& out_path) {
  TerminalRun run;
  int master = -1;
  int slave = -1;
  if (::openpty(&master, &slave, nullptr, nullptr, nullptr) != 0) return run;
  std::vector<std::string> argv_text{EVERYSEAT_BINARY};
  argv_text.insert(argv_text.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& arg : argv_text) argv.push_back(arg.data());
  argv.push_back(nullptr);
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::close(master);
    const int in = ::open("/dev/null", O_RDONLY);
    const int out = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ::dup2(in, 0);
    ::dup2(out, 1);
    ::dup2(slave, 2);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  ::close(slave);
  char buffer[4096];
  for (;;) {
    const ssize_t got = ::read(master, buffer, sizeof buffer);
    if (got <= 0) break;  // EIO once the child has closed the terminal
    run.err.append(buffer, static_cast<size_t>(got));
  }
  ::close(master);
  int status = 0;
  if (::waitpid(pid, &status, 0) == pid && WIFEXITED(status)) run.status = WEXITSTATUS(status);
  run.out = ReadFile(out_path);
  return run;
}

TEST_P(ImportTest, DrawsAProgressBarOnATerminalForLargeFiles) {
  const domain::Team ward = MakeWard();
  MakeMeasure(ward, "Falls", spc::Chart::kC);
  MakeMeasure(ward, "Harm-free care", spc::Chart::kP);
  const std::string file = dir_.Write("big.csv", DailyRows(3000));
  const TerminalRun run = RunWithTerminal(
      {"import", "observations", "--db", url(), "--org", kOrg, file}, dir_.Path("out"));
  ASSERT_EQ(run.status, 0) << run.err;
  EXPECT_EQ(run.out, "imported 6000 observations (6000 new, 0 corrected, 0 unchanged)\n");
  // The terminal turns "\n" into "\r\n".
  EXPECT_TRUE(run.err.starts_with("\r[")) << run.err;
  EXPECT_TRUE(run.err.ends_with("\r[##########] 100% 6,000/6,000 rows\r\n")) << run.err;
}

TEST(Progress, FormatsTheBarCountsAndUnit) {
  EXPECT_EQ(cli::FormatProgress(52000, 100000, "rows"), "[#####     ] 52% 52,000/100,000 rows");
  EXPECT_EQ(cli::FormatProgress(0, 6000, "rows"), "[          ] 0% 0/6,000 rows");
  EXPECT_EQ(cli::FormatProgress(5999, 6000, "rows"), "[######### ] 99% 5,999/6,000 rows");
  EXPECT_EQ(cli::FormatProgress(1234567, 1234567, "rows"),
            "[##########] 100% 1,234,567/1,234,567 rows");
}

INSTANTIATE_TEST_SUITE_P(Engines, ImportTest, ::testing::ValuesIn(store::testing::TestEngines()),
                         [](const ::testing::TestParamInfo<std::string>& param) {
                           return param.param;
                         });

}  // namespace
}  // namespace everyseat::testing
