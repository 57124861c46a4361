// The names of the domain's enums round-trip, and the default values and behaviours are those of
// product.md.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "everyseat/domain/model.h"

namespace everyseat::domain {
namespace {

TEST(Names, RoundTripEveryStaffGroup) {
  const std::vector<std::string> names = {"nursing_and_midwifery",
                                          "medical_and_dental",
                                          "allied_health_professionals",
                                          "additional_clinical_services",
                                          "healthcare_scientists",
                                          "scientific_therapeutic_technical",
                                          "administrative_and_clerical",
                                          "estates_and_ancillary",
                                          "students",
                                          "other"};
  for (const auto& n : names) {
    const auto g = ParseStaffGroup(n);
    ASSERT_TRUE(g) << n;
    EXPECT_EQ(Name(*g), n);
  }
  EXPECT_FALSE(ParseStaffGroup("Nursing"));
}

TEST(Names, RoundTripRolesKindsFrequenciesAndAnnotations) {
  for (const char* n : {"member", "lead"}) EXPECT_EQ(Name(*ParseTeamRole(n)), n);
  for (const char* n : {"moderator", "equality", "board", "admin"}) {
    EXPECT_EQ(Name(*ParseOrgRole(n)), n);
  }
  for (const char* n : {"value", "behaviour"}) EXPECT_EQ(Name(*ParseTagKind(n)), n);
  for (const char* n : {"outcome", "process", "balancing"}) {
    EXPECT_EQ(Name(*ParseMeasureKind(n)), n);
  }
  for (const char* n : {"daily", "weekly", "monthly", "quarterly"}) {
    EXPECT_EQ(Name(*ParseFrequency(n)), n);
  }
  for (const char* n : {"note", "rebase", "pdsa"}) EXPECT_EQ(Name(*ParseAnnotationKind(n)), n);
  EXPECT_FALSE(ParseOrgRole("superuser"));
  EXPECT_FALSE(ParseFrequency("hourly"));
}

TEST(Defaults, AreTheValuesAndBehavioursOfTheProductSpecification) {
  EXPECT_EQ(std::vector<std::string_view>(DefaultValues().begin(), DefaultValues().end()),
            (std::vector<std::string_view>{"dignity", "respect", "trust", "safety", "civility",
                                           "compassion"}));
  EXPECT_EQ(std::vector<std::string_view>(DefaultBehaviours().begin(), DefaultBehaviours().end()),
            (std::vector<std::string_view>{"coaching", "affiliative", "partnering", "improving",
                                           "challenging", "supporting", "owning a mistake"}));
}

TEST(Ids, AreDistinctTypesThatCompareByValue) {
  EXPECT_FALSE(TeamId().valid());
  EXPECT_TRUE(TeamId(3).valid());
  EXPECT_LT(TeamId(3), TeamId(4));
  EXPECT_EQ(PersonId(5), PersonId(5));
  static_assert(!std::is_convertible_v<TeamId, PersonId>);
  static_assert(!std::is_convertible_v<int64_t, TeamId>);
}

TEST(Actor, NamesAPersonOrASystem) {
  EXPECT_FALSE(Actor::System().person.has_value());
  EXPECT_EQ(Actor::System().label, "system");
  EXPECT_EQ(Actor::Of(PersonId(9)).person, PersonId(9));
}

}  // namespace
}  // namespace everyseat::domain
