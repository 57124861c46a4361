// Stories of leadership through the JSON API, on both stores: recording, the patient-detail guard
// and moderation, consent and visibility, withdrawal and retention, acknowledgement by the line
// manager (and the 14-day escalation), thanks, the learning library, reflections, recognition
// equity and subject access (issue 5).
#include <algorithm>
#include <ctime>
#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "api_fixture.h"

namespace everyseat::server::testing {
namespace {

using nlohmann::json;

class StoriesApiTest : public ApiFixture {
 protected:
  void SetUp() override {
    ApiFixture::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    // Line management: the receptionist reports to the nurse, the nurse to the lead.
    store::Store& s = store();
    for (auto [person, manager] : {std::pair{receptionist_, nurse_}, std::pair{nurse_, lead_}}) {
      auto p = s.GetPerson(org_, person);
      ASSERT_TRUE(p);
      p->line_manager = manager;
      ASSERT_TRUE(s.UpdatePerson(seed_, *p));
    }
    domain::Person m;
    m.org = org_;
    m.name = "Mo Moderator";
    m.email = "moderator@test.nhs.uk";
    m.job_title = "OD Practitioner";
    auto created = s.CreatePerson(seed_, m);
    ASSERT_TRUE(created);
    moderator_ = created->id;
    ASSERT_TRUE(s.SetPasswordHash(seed_, org_, moderator_, *domain::HashPassword(kPassword)));
    ASSERT_TRUE(s.GrantRole(seed_, org_, moderator_, domain::OrgRole::kModerator));
    ASSERT_TRUE(s.GrantRole(seed_, org_, admin_, domain::OrgRole::kEquality));

    nurse = SignIn("nurse@test.nhs.uk");
    lead = SignIn("lead@test.nhs.uk");
    reception = SignIn("reception@test.nhs.uk");
    admin = SignIn("admin@test.nhs.uk");
    board = SignIn("board@test.nhs.uk");
    moderator = SignIn("moderator@test.nhs.uk");

    const ApiReply tags = Call(nurse, "GET", "/api/v1/tags");
    ASSERT_EQ(tags.status, 200) << tags.text;
    for (const json& tag : tags.body["values"]) values[tag["name"]] = tag["id"];
    for (const json& tag : tags.body["behaviours"]) behaviours[tag["name"]] = tag["id"];
    ASSERT_TRUE(values.contains("compassion"));
    ASSERT_TRUE(behaviours.contains("supporting"));
  }

  // Records and submits a story by `author` about `people`; returns the reply.
  ApiReply Record(const Who& author, std::vector<domain::PersonId> people, const std::string& text,
                  bool submit = true, const std::string& title = "Through the snow") {
    json ids = json::array();
    for (const auto id : people) ids.push_back(id.value);
    return Call(author, "POST", "/api/v1/stories",
                json{{"people", ids},
                     {"title", title},
                     {"text", text},
                     {"learning", "Small acts keep a service open."},
                     {"values", {values["compassion"], values["trust"]}},
                     {"behaviours", {behaviours["supporting"]}},
                     {"submit", submit}});
  }

  std::string StoryPath(int64_t id, const std::string& rest = {}) {
    return "/api/v1/stories/" + std::to_string(id) + rest;
  }

  std::vector<int64_t> LibraryIds(const Who& who, const std::string& query = {}) {
    const ApiReply reply = Call(who, "GET", "/api/v1/stories" + query);
    EXPECT_EQ(reply.status, 200) << reply.text;
    std::vector<int64_t> ids;
    for (const json& story : reply.body["stories"]) ids.push_back(story["id"]);
    return ids;
  }

  static bool Has(const std::vector<int64_t>& ids, int64_t id) {
    return std::find(ids.begin(), ids.end(), id) != ids.end();
  }

  domain::PersonId moderator_;
  Who nurse, lead, reception, admin, board, moderator;
  json values = json::object();
  json behaviours = json::object();
};

TEST_P(StoriesApiTest, AStoryIsPublishedOnlyWhenEveryoneNamedConsents) {
  const ApiReply recorded =
      Record(nurse, {receptionist_, lead_}, "Rae walked five miles through the snow to open up.");
  ASSERT_EQ(recorded.status, 201) << recorded.text;
  const int64_t id = recorded.body["story"]["id"];
  EXPECT_EQ(recorded.body["story"]["state"], "awaiting_consent");
  EXPECT_TRUE(recorded.body["findings"].empty());
  ASSERT_EQ(recorded.body["story"]["consents"].size(), 2u);

  // Until everyone consents: the author, the people named and their line managers only.
  EXPECT_EQ(Call(reception, "GET", StoryPath(id)).status, 200);
  EXPECT_EQ(Call(lead, "GET", StoryPath(id)).status, 200);  // named, and the nurse's manager
  EXPECT_EQ(Call(admin, "GET", StoryPath(id)).status, 404);
  EXPECT_EQ(Call(board, "GET", StoryPath(id)).status, 404);
  EXPECT_FALSE(Has(LibraryIds(nurse, "?q=snow"), id));

  // The author cannot consent for them; someone not named is refused.
  EXPECT_EQ(Call(nurse, "POST", StoryPath(id, "/consent"), json{{"consent", true}}).status, 403);
  const ApiReply first =
      Call(reception, "POST", StoryPath(id, "/consent"), json{{"consent", true}});
  ASSERT_EQ(first.status, 200) << first.text;
  EXPECT_EQ(first.body["story"]["state"], "awaiting_consent");
  EXPECT_EQ(Call(admin, "GET", StoryPath(id)).status, 404);

  const ApiReply last = Call(lead, "POST", StoryPath(id, "/consent"), json{{"consent", true}});
  ASSERT_EQ(last.status, 200) << last.text;
  EXPECT_EQ(last.body["story"]["state"], "published");
  EXPECT_TRUE(last.body["story"]["published_at"].is_number());
  EXPECT_EQ(Call(admin, "GET", StoryPath(id)).status, 200);
  EXPECT_TRUE(Has(LibraryIds(board, "?q=snow"), id));
  EXPECT_TRUE(Has(LibraryIds(board, "?value=" + values["compassion"].dump()), id));
  EXPECT_FALSE(Has(LibraryIds(board, "?value=" + values["dignity"].dump()), id));
  EXPECT_TRUE(Has(LibraryIds(board, "?behaviour=" + behaviours["supporting"].dump()), id));
  EXPECT_FALSE(Has(LibraryIds(board, "?q=hurricane"), id));
  // Consent again once published: nothing is waiting.
  EXPECT_EQ(Call(lead, "POST", StoryPath(id, "/consent"), json{{"consent", true}}).status, 409);
}

TEST_P(StoriesApiTest, ADeclineKeepsTheStoryPrivate) {
  const ApiReply recorded = Record(nurse, {receptionist_}, "Rae stayed calm on a hard morning.");
  ASSERT_EQ(recorded.status, 201) << recorded.text;
  const int64_t id = recorded.body["story"]["id"];
  const ApiReply declined =
      Call(reception, "POST", StoryPath(id, "/consent"), json{{"consent", false}});
  ASSERT_EQ(declined.status, 200) << declined.text;
  EXPECT_EQ(declined.body["story"]["state"], "declined");
  EXPECT_EQ(Call(nurse, "GET", StoryPath(id)).status, 200);
  EXPECT_EQ(Call(board, "GET", StoryPath(id)).status, 404);
  EXPECT_FALSE(Has(LibraryIds(board), id));
  EXPECT_EQ(Call(reception, "POST", StoryPath(id, "/consent"), json{{"consent", true}}).status,
            409);
}

TEST_P(StoriesApiTest, PatientDetailsHoldAStoryForModeration) {
  const std::string text = "She helped the patient John Smith, NHS number 943 476 5919, home.";
  const ApiReply held = Record(nurse, {receptionist_}, text);
  ASSERT_EQ(held.status, 201) << held.text;
  const int64_t id = held.body["story"]["id"];
  EXPECT_EQ(held.body["story"]["state"], "in_moderation");
  bool nhs_number = false;
  for (const json& finding : held.body["findings"]) {
    if (finding["kind"] == "nhs_number") {
      nhs_number = true;
      EXPECT_EQ(finding["text"], "943 476 5919");
    }
  }
  EXPECT_TRUE(nhs_number) << held.body["findings"].dump();
  EXPECT_FALSE(held.body["story"]["findings"].empty());  // kept with the story for moderators

  // Only the author and moderators see it: not the person named, nor their manager.
  EXPECT_EQ(Call(nurse, "GET", StoryPath(id)).status, 200);
  EXPECT_EQ(Call(moderator, "GET", StoryPath(id)).status, 200);
  EXPECT_EQ(Call(reception, "GET", StoryPath(id)).status, 404);
  EXPECT_EQ(Call(lead, "GET", StoryPath(id)).status, 404);
  const ApiReply queue = Call(moderator, "GET", "/api/v1/moderation");
  ASSERT_EQ(queue.status, 200);
  ASSERT_EQ(queue.body["stories"].size(), 1u);
  EXPECT_EQ(Call(nurse, "GET", "/api/v1/moderation").status, 403);

  // The audit log never holds the words.
  store::AuditQuery about_stories;
  about_stories.entity = "story";
  auto audit = store().ListAudit(org_, about_stories);
  ASSERT_TRUE(audit);
  ASSERT_FALSE(audit->empty());
  for (const domain::AuditEntry& entry : *audit) {
    EXPECT_EQ(entry.before_json.find("943"), std::string::npos) << entry.action;
    EXPECT_EQ(entry.after_json.find("943"), std::string::npos) << entry.action;
    EXPECT_EQ(entry.after_json.find("John"), std::string::npos) << entry.action;
  }

  // A release that still carries the details is refused; the moderator edits them out.
  const json still = {
      {"decision", "release"}, {"title", "Through the snow"}, {"text", text}, {"learning", ""}};
  EXPECT_EQ(Call(moderator, "POST", StoryPath(id, "/moderate"), still).status, 422);
  EXPECT_EQ(Call(nurse, "POST", StoryPath(id, "/moderate"), still).status, 403);
  const ApiReply released = Call(moderator, "POST", StoryPath(id, "/moderate"),
                                 json{{"decision", "release"},
                                      {"title", "Through the snow"},
                                      {"text", "She helped a patient home."},
                                      {"learning", ""},
                                      {"note", "patient details removed"}});
  ASSERT_EQ(released.status, 200) << released.text;
  EXPECT_EQ(released.body["story"]["state"], "awaiting_consent");
  EXPECT_EQ(released.body["story"]["text"], "She helped a patient home.");
  EXPECT_EQ(Call(reception, "GET", StoryPath(id)).status, 200);
}

TEST_P(StoriesApiTest, ARejectedStoryIsPurgedAfterTheRetentionPeriod) {
  const ApiReply held = Record(nurse, {receptionist_}, "Postcode SW1A 1AA, DOB 12/03/1954.");
  ASSERT_EQ(held.status, 201) << held.text;
  const int64_t id = held.body["story"]["id"];
  ASSERT_EQ(held.body["story"]["state"], "in_moderation");
  EXPECT_EQ(
      Call(moderator, "POST", StoryPath(id, "/moderate"), json{{"decision", "reject"}}).status,
      422);  // a rejection needs its reason
  const ApiReply rejected = Call(moderator, "POST", StoryPath(id, "/moderate"),
                                 json{{"decision", "reject"}, {"note", "patient details"}});
  ASSERT_EQ(rejected.status, 200) << rejected.text;
  EXPECT_EQ(rejected.body["story"]["state"], "rejected");

  // Kept for the retention period (30 days by default), then purged.
  auto kept = api_->PurgeExpiredStories();
  ASSERT_TRUE(kept) << kept.error();
  EXPECT_EQ(*kept, 0);
  EXPECT_EQ(Call(nurse, "GET", StoryPath(id)).body["story"]["text"],
            "Postcode SW1A 1AA, DOB 12/03/1954.");
  EXPECT_EQ(
      Call(nurse, "PUT", "/api/v1/organisation/settings", json{{"story_retention_days", 0}}).status,
      403);
  const ApiReply set =
      Call(admin, "PUT", "/api/v1/organisation/settings", json{{"story_retention_days", 0}});
  ASSERT_EQ(set.status, 200) << set.text;
  EXPECT_EQ(
      Call(admin, "PUT", "/api/v1/organisation/settings", json{{"story_retention_days", 5000}})
          .status,
      422);
  auto purged = api_->PurgeExpiredStories();
  ASSERT_TRUE(purged) << purged.error();
  EXPECT_EQ(*purged, 1);
  const ApiReply after = Call(nurse, "GET", StoryPath(id));
  ASSERT_EQ(after.status, 200);
  EXPECT_EQ(after.body["story"]["purged"], true);
  EXPECT_EQ(after.body["story"]["text"], "");
  EXPECT_TRUE(after.body["story"]["findings"].empty());
}

TEST_P(StoriesApiTest, WithdrawalTakesAStoryOffTheWallAndOutOfTheLibrary) {
  const ApiReply recorded = Record(nurse, {receptionist_}, "Rae opened the health centre early.");
  ASSERT_EQ(recorded.status, 201);
  const int64_t id = recorded.body["story"]["id"];
  ASSERT_EQ(Call(reception, "POST", StoryPath(id, "/consent"), json{{"consent", true}}).status,
            200);
  ASSERT_TRUE(Has(LibraryIds(board, "?q=health"), id));
  EXPECT_EQ(Call(board, "POST", StoryPath(id, "/withdraw")).status, 403);
  const ApiReply withdrawn = Call(reception, "POST", StoryPath(id, "/withdraw"));
  ASSERT_EQ(withdrawn.status, 200) << withdrawn.text;
  EXPECT_EQ(withdrawn.body["story"]["state"], "withdrawn");
  EXPECT_FALSE(Has(LibraryIds(board, "?q=health"), id));
  EXPECT_FALSE(Has(LibraryIds(board), id));
  EXPECT_EQ(Call(board, "GET", StoryPath(id)).status, 404);
  // Withdrawn: only its author (and moderators) still see it.
  EXPECT_EQ(Call(reception, "GET", StoryPath(id)).status, 404);
  EXPECT_EQ(Call(nurse, "POST", StoryPath(id, "/withdraw")).status, 409);
}

TEST_P(StoriesApiTest, OnlyALineManagerOrLeadAcknowledgesAndExtraHoursPromptWellbeing) {
  // About "myself": nobody to ask, so it is published at once.
  const ApiReply recorded = Call(nurse, "POST", "/api/v1/stories",
                                 json{{"about_myself", true},
                                      {"title", "Covering the caseload"},
                                      {"text", "I worked extra shifts to cover the caseload."},
                                      {"values", {values["safety"]}},
                                      {"submit", true}});
  ASSERT_EQ(recorded.status, 201) << recorded.text;
  const int64_t id = recorded.body["story"]["id"];
  EXPECT_EQ(recorded.body["story"]["state"], "published");
  EXPECT_EQ(recorded.body["story"]["praises_extra_hours"], true);

  for (const Who* who : {&admin, &reception, &board, &nurse}) {
    EXPECT_EQ(Call(*who, "POST", StoryPath(id, "/acknowledge"), json{{"note", "x"}}).status, 403);
  }
  EXPECT_TRUE(Call(lead, "GET", StoryPath(id)).body["story"]["acknowledgements"].empty());
  const ApiReply acknowledged =
      Call(lead, "POST", StoryPath(id, "/acknowledge"),
           json{{"note", "Thank you. Let's talk about the rota."}, {"wellbeing_checked", true}});
  ASSERT_EQ(acknowledged.status, 200) << acknowledged.text;
  ASSERT_EQ(acknowledged.body["story"]["acknowledgements"].size(), 1u);
  EXPECT_EQ(acknowledged.body["story"]["acknowledgements"][0]["manager"], lead_.value);
  EXPECT_EQ(acknowledged.body["story"]["acknowledgements"][0]["wellbeing_checked"], true);
  EXPECT_EQ(Call(lead, "POST", StoryPath(id, "/acknowledge"), json::object()).status, 409);
}

TEST_P(StoriesApiTest, AnUnacknowledgedStoryShowsOnTheManagersManagersPageAfter14Days) {
  const ApiReply recorded = Record(lead, {receptionist_}, "Rae redesigned the phone queue.");
  ASSERT_EQ(recorded.status, 201);
  const int64_t id = recorded.body["story"]["id"];
  ASSERT_EQ(Call(reception, "POST", StoryPath(id, "/consent"), json{{"consent", true}}).status,
            200);

  const auto overdue = [&]() {
    const ApiReply mine = Call(lead, "GET", "/api/v1/stories/mine");
    EXPECT_EQ(mine.status, 200) << mine.text;
    std::vector<int64_t> ids;
    for (const json& s : mine.body["overdue_below"]) ids.push_back(s["id"]);
    return ids;
  };
  const ApiReply nurse_mine = Call(nurse, "GET", "/api/v1/stories/mine");
  ASSERT_EQ(nurse_mine.body["to_acknowledge"].size(), 1u);  // the receptionist's manager
  EXPECT_FALSE(Has(overdue(), id));                         // published today

  // Published 15 days ago (moved back through the store), still unacknowledged.
  auto story = store().GetStory(org_, domain::StoryId(id));
  ASSERT_TRUE(story);
  story->published_at = static_cast<int64_t>(std::time(nullptr)) - 15 * 86400;
  ASSERT_TRUE(store().UpdateStory(seed_, *story, "backdate"));
  EXPECT_TRUE(Has(overdue(), id));
  EXPECT_TRUE(Call(reception, "GET", "/api/v1/stories/mine").body["overdue_below"].empty());

  ASSERT_EQ(Call(nurse, "POST", StoryPath(id, "/acknowledge"), json::object()).status, 200);
  EXPECT_FALSE(Has(overdue(), id));
  EXPECT_TRUE(Call(nurse, "GET", "/api/v1/stories/mine").body["to_acknowledge"].empty());
}

TEST_P(StoriesApiTest, AnyoneWhoCanSeeItThanksOnce) {
  const ApiReply recorded = Record(nurse, {receptionist_}, "Rae kept everyone calm.");
  const int64_t id = recorded.body["story"]["id"];
  EXPECT_EQ(Call(board, "POST", StoryPath(id, "/thanks"), json::object()).status, 404);
  ASSERT_EQ(Call(reception, "POST", StoryPath(id, "/consent"), json{{"consent", true}}).status,
            200);
  const ApiReply thanked =
      Call(board, "POST", StoryPath(id, "/thanks"), json{{"note", "Brilliant"}});
  ASSERT_EQ(thanked.status, 200) << thanked.text;
  ASSERT_EQ(thanked.body["story"]["thanks"].size(), 1u);
  EXPECT_EQ(thanked.body["story"]["thanks"][0]["note"], "Brilliant");
  EXPECT_EQ(Call(board, "POST", StoryPath(id, "/thanks"), json::object()).status, 409);
}

TEST_P(StoriesApiTest, BadStoriesAreRefusedNamingTheFieldAndChangeNothing) {
  const ApiReply incomplete = Call(nurse, "POST", "/api/v1/stories",
                                   json{{"people", {receptionist_.value}},
                                        {"title", "No values"},
                                        {"text", "Something good happened."},
                                        {"submit", true}});
  ASSERT_EQ(incomplete.status, 422) << incomplete.text;
  EXPECT_EQ(incomplete.body["errors"][0]["field"], "/values");

  const ApiReply unknown =
      Call(nurse, "POST", "/api/v1/stories", json{{"title", "x"}, {"colour", "red"}});
  ASSERT_EQ(unknown.status, 422);
  EXPECT_EQ(unknown.body["errors"][0]["field"], "/colour");

  const ApiReply stranger =
      Call(nurse, "POST", "/api/v1/stories", json{{"people", {outsider_.value}}, {"title", "x"}});
  ASSERT_EQ(stranger.status, 422) << stranger.text;
  EXPECT_EQ(stranger.body["errors"][0]["field"], "/people");

  Who forged = nurse;
  forged.send_csrf = false;
  EXPECT_EQ(Record(forged, {receptionist_}, "no CSRF token").status, 403);
  const Who token = TokenFor(team_a_);
  EXPECT_EQ(Record(token, {receptionist_}, "a token").status, 403);
  EXPECT_EQ(Call(token, "GET", "/api/v1/stories").status, 403);  // tokens are for measures
  EXPECT_EQ(Call(token, "GET", "/api/v1/reflections").status, 403);

  // Nothing was stored by any of them.
  store::StoryQuery every;
  every.limit = 0;
  auto stories = store().ListStories(org_, every);
  ASSERT_TRUE(stories);
  EXPECT_TRUE(stories->empty());
}

TEST_P(StoriesApiTest, LeadersReflectAndStaffReplyAndModeratorsHideWithAReason) {
  const json reflection = {{"title", "Sorry, I got it wrong"},
                           {"learned", "Ask the team first."},
                           {"got_wrong", "I changed the rota without asking."},
                           {"changed", "Rota changes now go to the team meeting."}};
  EXPECT_EQ(Call(nurse, "POST", "/api/v1/reflections", reflection).status, 403);
  const ApiReply posted = Call(lead, "POST", "/api/v1/reflections", reflection);
  ASSERT_EQ(posted.status, 201) << posted.text;
  const std::string path = "/api/v1/reflections/" + posted.body["reflection"]["id"].dump();
  EXPECT_EQ(Call(board, "POST", "/api/v1/reflections", reflection).status, 201);

  const ApiReply reply =
      Call(nurse, "POST", path + "/replies", json{{"text", "Why was the team not asked?"}});
  ASSERT_EQ(reply.status, 201) << reply.text;
  const std::string hide = "/api/v1/replies/" + reply.body["reply"]["id"].dump() + "/hide";
  EXPECT_EQ(Call(nurse, "POST", path + "/replies", json{{"text", ""}}).status, 422);
  EXPECT_EQ(Call(lead, "POST", hide, json{{"reason", "I do not like it"}}).status, 403);
  EXPECT_EQ(Call(moderator, "POST", hide, json{{"reason", ""}}).status, 422);
  const ApiReply hidden = Call(moderator, "POST", hide, json{{"reason", "Named a patient"}});
  ASSERT_EQ(hidden.status, 200) << hidden.text;
  EXPECT_EQ(Call(moderator, "POST", hide, json{{"reason", "again"}}).status, 409);

  const ApiReply read = Call(reception, "GET", path);
  ASSERT_EQ(read.status, 200);
  ASSERT_EQ(read.body["replies"].size(), 1u);
  EXPECT_EQ(read.body["replies"][0]["hidden"], true);
  EXPECT_EQ(read.body["replies"][0]["text"], "");
  EXPECT_EQ(read.body["replies"][0]["hidden_reason"], "Named a patient");
}

TEST_P(StoriesApiTest, RecognitionEquityIsForEqualityAndBoardAndCountsPer100Staff) {
  // One published story about the nurse (District Nursing: 1 member), none about Reception.
  ASSERT_EQ(Call(nurse, "POST", "/api/v1/stories",
                 json{{"about_myself", true},
                      {"title", "Mine"},
                      {"text", "I set up a carers' clinic."},
                      {"values", {values["dignity"]}},
                      {"submit", true}})
                .status,
            201);
  EXPECT_EQ(Call(nurse, "GET", "/api/v1/equity").status, 403);
  EXPECT_EQ(Call(lead, "GET", "/api/v1/equity").status, 403);
  EXPECT_EQ(Call(board, "GET", "/api/v1/equity?days=0").status, 400);
  const ApiReply equity = Call(board, "GET", "/api/v1/equity");
  ASSERT_EQ(equity.status, 200) << equity.text;
  EXPECT_EQ(Call(admin, "GET", "/api/v1/equity").status, 200);  // admin holds equality here
  std::map<std::string, json> by_team;
  for (const json& row : equity.body["by_team"]) by_team[row["label"]] = row;
  ASSERT_TRUE(by_team.contains("Test Trust/Community/District Nursing")) << equity.text;
  EXPECT_EQ(by_team["Test Trust/Community/District Nursing"]["staff"], 1);
  EXPECT_EQ(by_team["Test Trust/Community/District Nursing"]["stories"], 1);
  EXPECT_DOUBLE_EQ(by_team["Test Trust/Community/District Nursing"]["per_100_staff"], 100.0);
  EXPECT_EQ(by_team["Test Trust/Community/Reception"]["stories"], 0);
  bool reception_without = false;
  for (const json& row : equity.body["teams_without_recent"]) {
    reception_without |= row["label"] == "Test Trust/Community/Reception";
    EXPECT_NE(row["label"], "Test Trust/Community/District Nursing");
  }
  EXPECT_TRUE(reception_without);
  // Never about individuals: no person's name anywhere in the answer.
  EXPECT_EQ(equity.text.find("Nia Nurse"), std::string::npos);
}

TEST_P(StoriesApiTest, APersonExportsEverythingStoredAboutThem) {
  const ApiReply mine = Record(nurse, {receptionist_}, "Rae sorted the rota.");
  ASSERT_EQ(mine.status, 201);
  const ApiReply about = Record(lead, {nurse_}, "Nia taught the students.");
  ASSERT_EQ(about.status, 201);
  const ApiReply exported = Call(nurse, "GET", "/api/v1/me/export");
  ASSERT_EQ(exported.status, 200) << exported.text;
  EXPECT_NE(exported.raw.Header("Content-Disposition").value_or("").find("attachment"),
            std::string::npos);
  EXPECT_EQ(exported.body["person"]["email"], "nurse@test.nhs.uk");
  std::vector<int64_t> ids;
  for (const json& s : exported.body["stories"]) ids.push_back(s["id"]);
  EXPECT_TRUE(Has(ids, mine.body["story"]["id"]));
  EXPECT_TRUE(Has(ids, about.body["story"]["id"]));
  bool created = false;
  for (const json& entry : exported.body["audit"]) {
    EXPECT_EQ(entry["actor"]["person"], nurse_.value) << entry.dump();
    created |= entry["action"] == "story.create";
  }
  EXPECT_TRUE(created);
  // Someone else's export does not carry the nurse's own story.
  const ApiReply theirs = Call(board, "GET", "/api/v1/me/export");
  ASSERT_EQ(theirs.status, 200);
  EXPECT_TRUE(theirs.body["stories"].empty());
}

INSTANTIATE_TEST_SUITE_P(Engines, StoriesApiTest,
                         ::testing::ValuesIn(store::testing::TestEngines()),
                         [](const ::testing::TestParamInfo<std::string>& param) {
                           return param.param;
                         });

}  // namespace
}  // namespace everyseat::server::testing
