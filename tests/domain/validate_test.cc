// The domain rules: names, emails, team paths, dates, people, measures, observations and
// annotations. Each check names the field and the reason.
#include "everyseat/domain/validate.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

namespace everyseat::domain {
namespace {

::testing::AssertionResult FailsWith(const Check& c, const std::string& field,
                                     const std::string& message) {
  if (c) return ::testing::AssertionFailure() << "passed";
  if (c.error().field != field || c.error().message != message) {
    return ::testing::AssertionFailure()
           << "field \"" << c.error().field << "\", message \"" << c.error().message << "\"";
  }
  return ::testing::AssertionSuccess();
}

TEST(ValidateName, AcceptsOrdinaryNames) {
  EXPECT_TRUE(ValidateName("name", "Ward 7"));
  EXPECT_TRUE(ValidateName("name", "Siân O'Brien-Ng"));
}

TEST(ValidateName, RejectsEmptyLongControlAndPaddedNames) {
  EXPECT_TRUE(FailsWith(ValidateName("name", ""), "name", "name is empty"));
  EXPECT_TRUE(FailsWith(ValidateName("title", "   "), "title", "title is empty"));
  EXPECT_TRUE(FailsWith(ValidateName("name", std::string(201, 'a')), "name",
                        "name is longer than 200 characters"));
  EXPECT_TRUE(
      FailsWith(ValidateName("name", "Ward\n7"), "name", "name contains a control character"));
  EXPECT_TRUE(
      FailsWith(ValidateName("name", " Ward 7"), "name", "name starts or ends with a space"));
}

TEST(ValidateText, AllowsEmptyTextAndNewlinesButNotOtherControls) {
  EXPECT_TRUE(ValidateText("definition", ""));
  EXPECT_TRUE(ValidateText("definition", "Falls\nper 1,000 bed days\t(all wards)"));
  EXPECT_TRUE(FailsWith(ValidateText("definition", std::string("a\0b", 3)), "definition",
                        "definition contains a control character"));
  EXPECT_TRUE(FailsWith(ValidateText("unit", std::string(51, 'x'), 50), "unit",
                        "unit is longer than 50 characters"));
}

TEST(NormaliseEmail, TrimsAndLowerCasesValidAddresses) {
  EXPECT_EQ(*NormaliseEmail(" Ada.Okafor@NHS.net "), "ada.okafor@nhs.net");
  EXPECT_EQ(*NormaliseEmail("a+rota@nhs-trust.example.nhs.uk"), "a+rota@nhs-trust.example.nhs.uk");
}

TEST(NormaliseEmail, RejectsAddressesOfTheWrongShape) {
  const std::string message = "email is not an email address like name@example.nhs.uk";
  for (const char* bad : {"ada", "ada@", "@nhs.net", "ada@nhs", "ada@@nhs.net", "a da@nhs.net",
                          "ada@nhs..net", "ada@-nhs.net", ".ada@nhs.net", "ada..o@nhs.net",
                          "ada@nhs.net.", "ada@nhs_net.uk", "a<b>@nhs.net"}) {
    auto r = NormaliseEmail(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().field, "email");
    EXPECT_EQ(r.error().message, message) << bad;
  }
  EXPECT_EQ(NormaliseEmail("").error().message, "email is empty");
  EXPECT_EQ(NormaliseEmail(std::string(250, 'a') + "@nhs.net").error().message,
            "email is longer than 254 characters");
}

TEST(ParseTeamPath, SplitsOrganisationDirectorateAndTeam) {
  const auto segments = ParseTeamPath("Northshire Trust / Medicine /Ward 7");
  ASSERT_TRUE(segments);
  EXPECT_EQ(*segments, (std::vector<std::string>{"Northshire Trust", "Medicine", "Ward 7"}));
  EXPECT_EQ(JoinTeamPath(*segments), "Northshire Trust/Medicine/Ward 7");
  EXPECT_EQ(*ParseTeamPath("Trust"), std::vector<std::string>{"Trust"});
}

TEST(ParseTeamPath, RejectsEmptyPartsAndTooDeepPaths) {
  EXPECT_EQ(ParseTeamPath("").error().message, "path is empty");
  EXPECT_EQ(ParseTeamPath("Trust//Ward").error().message,
            "path has an empty part; write it like Organisation/Directorate/Team");
  EXPECT_EQ(ParseTeamPath("/Trust").error().field, "path");
  EXPECT_FALSE(ParseTeamPath("Trust/"));
  std::string deep = "T";
  for (int i = 0; i < 16; ++i) deep += "/T";
  EXPECT_EQ(ParseTeamPath(deep).error().message, "path has more than 16 parts");
}

TEST(ValidateTeamName, RejectsTheSeparator) {
  EXPECT_TRUE(ValidateTeamName("Ward 7"));
  EXPECT_TRUE(FailsWith(ValidateTeamName("Ward 7/8"), "name",
                        "name contains '/', which separates the parts of a team path"));
}

TEST(ParseIsoDate, GivesUnixSecondsAtMidnightUtc) {
  EXPECT_EQ(*ParseIsoDate("1970-01-01"), 0);
  EXPECT_EQ(*ParseIsoDate("2000-03-01"), 951868800);  // `date -u -d 2000-03-01 +%s`
  EXPECT_EQ(*ParseIsoDate("2024-02-29"), 1709164800);
  EXPECT_EQ(*ParseIsoDate("1900-01-01"), -2208988800);
  EXPECT_EQ(*ParseIsoDate("9999-12-31"), 253402214400);
}

TEST(ParseIsoDate, RejectsWhatIsNotACalendarDay) {
  const std::string shape = "period is not a date written YYYY-MM-DD, like 2024-03-01";
  for (const char* bad : {"2024-3-01", "2024/03/01", "20240301", "2024-03-01T00:00", "abcd-ef-gh",
                          "", "2024-03-0x"}) {
    EXPECT_EQ(ParseIsoDate(bad).error().message, shape) << bad;
  }
  EXPECT_EQ(ParseIsoDate("2023-02-29").error().message,
            "period 2023-02-29 is not a day of the calendar");
  EXPECT_EQ(ParseIsoDate("1900-02-29").error().message,
            "period 1900-02-29 is not a day of the calendar");
  EXPECT_FALSE(ParseIsoDate("2024-13-01"));
  EXPECT_FALSE(ParseIsoDate("2024-04-31"));
  EXPECT_EQ(ParseIsoDate("1899-12-31").error().message, "period is before 1900");
}

TEST(FormatIsoDate, InvertsParseIsoDate) {
  for (const char* day :
       {"1900-01-01", "1969-12-31", "1970-01-01", "2000-02-29", "2024-12-31", "9999-12-31"}) {
    EXPECT_EQ(FormatIsoDate(*ParseIsoDate(day)), day);
  }
  for (int64_t d = -25567; d < 60000; d += 7) {
    const std::string text = FormatIsoDate(d * 86400);
    ASSERT_EQ(*ParseIsoDate(text), d * 86400) << text;
  }
}

Person Ada() {
  Person p;
  p.id = PersonId(7);
  p.name = "Ada Okafor";
  p.email = "ada@nhs.net";
  p.job_title = "Staff nurse";
  return p;
}

TEST(ValidatePerson, ChecksNameEmailTitleAndManager) {
  EXPECT_TRUE(ValidatePerson(Ada()));
  Person p = Ada();
  p.email = "ada";
  EXPECT_EQ(ValidatePerson(p).error().field, "email");
  p = Ada();
  p.name = "";
  EXPECT_TRUE(FailsWith(ValidatePerson(p), "name", "name is empty"));
  p = Ada();
  p.job_title = std::string(201, 'x');
  EXPECT_TRUE(FailsWith(ValidatePerson(p), "job_title", "job_title is longer than 200 characters"));
  p = Ada();
  p.line_manager = p.id;
  EXPECT_TRUE(FailsWith(ValidatePerson(p), "line_manager", "line_manager is the person themself"));
}

TEST(ValidateMeasure, ChecksNameTextAndTarget) {
  Measure m;
  m.name = "Falls";
  EXPECT_TRUE(ValidateMeasure(m));
  m.target = std::numeric_limits<double>::infinity();
  EXPECT_TRUE(FailsWith(ValidateMeasure(m), "target", "target is not a finite number"));
  m.target = 2;
  m.unit = std::string(51, 'u');
  EXPECT_EQ(ValidateMeasure(m).error().field, "unit");
  m.unit = "%";
  m.name = " ";
  EXPECT_EQ(ValidateMeasure(m).error().field, "name");
}

TEST(ValidateObservation, NeedsADateAFiniteValueAndADenominatorWhereTheChartHasOne) {
  EXPECT_TRUE(ValidateObservation({MeasureId(1), "2024-03-01", 4, {}}, spc::Chart::kI));
  EXPECT_TRUE(ValidateObservation({MeasureId(1), "2024-03-01", 4, 20}, spc::Chart::kP));
  EXPECT_TRUE(FailsWith(ValidateObservation({MeasureId(1), "2024-03-01", 4, {}}, spc::Chart::kU),
                        "denominator",
                        "denominator is missing; a u chart needs one for every period"));
  EXPECT_TRUE(FailsWith(ValidateObservation({MeasureId(1), "2024-03-01", NAN, {}}, spc::Chart::kI),
                        "value", "value is not a finite number"));
  EXPECT_TRUE(FailsWith(ValidateObservation({MeasureId(1), "2024-03-01", 1, -2}, spc::Chart::kP),
                        "denominator", "denominator is negative"));
  EXPECT_TRUE(
      FailsWith(ValidateObservation({MeasureId(1), "2024-03-01", 1, INFINITY}, spc::Chart::kP),
                "denominator", "denominator is not a finite number"));
  EXPECT_EQ(ValidateObservation({MeasureId(1), "March", 1, {}}, spc::Chart::kI).error().field,
            "period");
}

TEST(ValidateAnnotation, NeedsADateAndText) {
  Annotation a;
  a.period = "2024-04-01";
  a.text = "New falls bundle\nin place";
  EXPECT_TRUE(ValidateAnnotation(a));
  a.text = "  ";
  EXPECT_TRUE(FailsWith(ValidateAnnotation(a), "text", "text is empty"));
  a.text = "x";
  a.period = "2024-04";
  EXPECT_EQ(ValidateAnnotation(a).error().field, "period");
}

}  // namespace
}  // namespace everyseat::domain
