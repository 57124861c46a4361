// POST /api/v1/guard/check over real sockets, on both stores: only a person signed in (with the
// CSRF token) may ask; the answer is the CLI's bytes for the same text (everyseat guard), with
// offsets in code points counted by hand; a body without a string `text` is a 422 naming it;
// nothing is stored or audited.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "../cli/run_binary.h"
#include "api_fixture.h"

namespace everyseat::server::testing {
namespace {

using nlohmann::json;

class GuardApiTest : public ApiFixture {};

constexpr const char* kCheck = "/api/v1/guard/check";

TEST_P(GuardApiTest, RefusesAnyoneNotSignedIn) {
  const ApiReply reply = Call(Who{}, "POST", kCheck, json{{"text", "NHS 9434765919"}});
  EXPECT_EQ(reply.status, 401) << reply.text;
  EXPECT_EQ(reply.raw.Header("Content-Type").value_or(""), "application/problem+json");
  EXPECT_EQ(reply.body["status"], 401);
}

TEST_P(GuardApiTest, RefusesASessionWithoutItsCsrfTokenAndAnApiToken) {
  Who nurse = SignIn("nurse@test.nhs.uk");
  nurse.send_csrf = false;
  EXPECT_EQ(Call(nurse, "POST", kCheck, json{{"text", "M1 1AE"}}).status, 403);
  const ApiReply token = Call(TokenFor(team_a_), "POST", kCheck, json{{"text", "M1 1AE"}});
  EXPECT_EQ(token.status, 403) << token.text;
  EXPECT_EQ(token.body["detail"], "the guard is for people signed in, not for API tokens");
}

TEST_P(GuardApiTest, FindsAnNhsNumberAndAPostcodeAtTheirCodePointOffsets) {
  const Who nurse = SignIn("nurse@test.nhs.uk");
  // "Zoë’s café — NHS " is 17 characters (Z o ë ’ s _ c a f é _ — _ N H S _), 23 bytes;
  // "943 476 5919" 17-29 (check digit 9: guard_corpus/positive.txt); ", " 29-31; "lives in "
  // 31-40; "m1 1ae" 40-46.
  const std::string text = "Zoë’s café — NHS 943 476 5919, lives in m1 1ae";
  const ApiReply reply = Call(nurse, "POST", kCheck, json{{"text", text}});
  ASSERT_EQ(reply.status, 200) << reply.text;
  EXPECT_EQ(reply.raw.Header("Content-Type").value_or(""), "application/json");
  EXPECT_EQ(reply.body, json::parse(R"({"findings": [
      {"kind": "nhs_number", "start": 17, "end": 29, "text": "943 476 5919"},
      {"kind": "postcode", "start": 40, "end": 46, "text": "m1 1ae"}]})"));
  // Byte for byte what the command line prints.
  const everyseat::testing::Ran cli = everyseat::testing::RunEverySeat({"guard"}, text);
  ASSERT_EQ(cli.status, 0) << cli.err;
  EXPECT_EQ(reply.text, cli.out);
}

TEST_P(GuardApiTest, AnswersAnEmptyListWhenNothingIsFound) {
  const Who receptionist = SignIn("reception@test.nhs.uk");
  const ApiReply reply = Call(receptionist, "POST", kCheck,
                              json{{"text", "Dr Patel and the Patient Safety Team, ward B12"}});
  ASSERT_EQ(reply.status, 200) << reply.text;
  EXPECT_EQ(reply.text, "{\"findings\": []}\n");
}

TEST_P(GuardApiTest, RefusesABodyWithoutAStringTextNamingTheField) {
  const Who nurse = SignIn("nurse@test.nhs.uk");
  const ApiReply missing = Call(nurse, "POST", kCheck, json::object());
  EXPECT_EQ(missing.status, 422) << missing.text;
  EXPECT_EQ(missing.raw.Header("Content-Type").value_or(""), "application/problem+json");
  EXPECT_EQ(missing.body["errors"],
            json::parse(R"([{"field": "/text", "reason": "is required"}])"));
  const ApiReply number = Call(nurse, "POST", kCheck, json{{"text", 9434765919}});
  EXPECT_EQ(number.status, 422) << number.text;
  ASSERT_EQ(number.body["errors"].size(), 1u);
  EXPECT_EQ(number.body["errors"][0]["field"], "/text");
  const ApiReply extra = Call(nurse, "POST", kCheck, json{{"text", "x"}, {"story", 1}});
  EXPECT_EQ(extra.status, 422) << extra.text;
  EXPECT_EQ(extra.body["errors"][0]["field"], "/story");
  EXPECT_EQ(Call(nurse, "POST", kCheck, std::string("{\"text\":")).status, 400);
}

TEST_P(GuardApiTest, StoresAndAuditsNothing) {
  const Who nurse = SignIn("nurse@test.nhs.uk");
  const Who admin = SignIn("admin@test.nhs.uk");
  const ApiReply before = Call(admin, "GET", "/api/v1/audit");
  ASSERT_EQ(before.status, 200) << before.text;
  ASSERT_EQ(Call(nurse, "POST", kCheck, json{{"text", "Mrs Jane Smith, DOB 12/03/1954"}}).status,
            200);
  const ApiReply after = Call(admin, "GET", "/api/v1/audit");
  ASSERT_EQ(after.status, 200) << after.text;
  EXPECT_EQ(after.body["entries"], before.body["entries"]);
}

INSTANTIATE_TEST_SUITE_P(Engines, GuardApiTest, ::testing::ValuesIn(store::testing::TestEngines()),
                         [](const ::testing::TestParamInfo<std::string>& param) {
                           return param.param;
                         });

}  // namespace
}  // namespace everyseat::server::testing
