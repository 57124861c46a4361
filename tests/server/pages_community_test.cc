// The community pages through the real server, on both stores, as plain HTML form posts
// without JavaScript: moderation of held stories (server/src/web/moderation_pages.cc), leaders'
// reflections (reflection_pages.cc), recognition equity (equity_pages.cc), the account page with
// "Download my data" (account_pages.cc) and the story retention setting (admin_pages.cc). The
// rules are the steps' (server/src/api/story_steps.h); these tests check that the pages take
// them, say what happened, and that a refused form changes nothing (compared through the store
// and the audit log, which every change writes).
//
// The fixture's organisation (api_fixture.h), plus Mo Moderator (moderator role) made here.
#include <string>
#include <utility>
#include <vector>

#include "api_fixture.h"
#include "form_encoding.h"

namespace everyseat::server::testing {
namespace {

using domain::StoryState;
using nlohmann::json;
using Fields = std::vector<std::pair<std::string, std::string>>;

constexpr const char* kHeldText =
    "She spotted that the NHS number 943 476 5919 was on the wrong letter and sent it back.";

class CommunityPagesTest : public ApiFixture {
 protected:
  void SetUp() override {
    ApiFixture::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    domain::Person m;
    m.org = org_;
    m.name = "Mo Moderator";
    m.email = "moderator@test.nhs.uk";
    m.job_title = "OD Practitioner";
    auto created = store().CreatePerson(seed_, m);
    ASSERT_TRUE(created.has_value());
    moderator_ = created->id;
    ASSERT_TRUE(
        store().SetPasswordHash(seed_, org_, moderator_, domain::HashPassword(kPassword).value()));
    ASSERT_TRUE(store().GrantRole(seed_, org_, moderator_, domain::OrgRole::kModerator));

    nurse = SignIn("nurse@test.nhs.uk");
    lead = SignIn("lead@test.nhs.uk");
    admin = SignIn("admin@test.nhs.uk");
    board = SignIn("board@test.nhs.uk");
    moderator = SignIn("moderator@test.nhs.uk");

    const ApiReply tags = Call(nurse, "GET", "/api/v1/tags");
    ASSERT_EQ(tags.status, 200) << tags.text;
    ASSERT_FALSE(tags.body["values"].empty());
    value_ = tags.body["values"][0]["id"];
  }

  HttpResponse Get(const Who& who, const std::string& target) {
    std::vector<std::pair<std::string, std::string>> headers;
    if (!who.cookie.empty()) headers.emplace_back("Cookie", "everyseat_session=" + who.cookie);
    HttpClient client(port(), std::chrono::milliseconds(30'000));
    auto response = client.Request("GET", target, {}, headers);
    EXPECT_TRUE(response.has_value()) << target;
    return response.value_or(HttpResponse{});
  }
  HttpResponse Post(const Who& who, const std::string& target, Fields fields,
                    bool with_csrf = true) {
    if (with_csrf) fields.emplace_back("csrf_token", who.csrf);
    std::vector<std::pair<std::string, std::string>> headers = {
        {"Content-Type", "application/x-www-form-urlencoded"}};
    if (!who.cookie.empty()) headers.emplace_back("Cookie", "everyseat_session=" + who.cookie);
    HttpClient client(port(), std::chrono::milliseconds(30'000));
    auto response = client.Request("POST", target, EncodeForm(fields), headers);
    EXPECT_TRUE(response.has_value()) << target;
    return response.value_or(HttpResponse{});
  }

  // A story by the nurse about the lead, submitted through the API with an NHS number in it:
  // held for moderation.
  domain::StoryId HeldStory(const std::string& title = "Found the right records") {
    const ApiReply recorded = Call(nurse, "POST", "/api/v1/stories",
                                   json{{"people", {lead_.value}},
                                        {"title", title},
                                        {"text", kHeldText},
                                        {"learning", "Check every letter."},
                                        {"values", {value_}},
                                        {"submit", true}});
    EXPECT_EQ(recorded.status, 201) << recorded.text;
    EXPECT_EQ(recorded.body["story"]["state"], "in_moderation") << recorded.text;
    return domain::StoryId(recorded.body["story"]["id"].get<int64_t>());
  }

  domain::Story StoryOf(domain::StoryId id) {
    auto story = store().GetStory(org_, id);
    EXPECT_TRUE(story.has_value());
    return story.value_or(domain::Story{});
  }

  size_t AuditCount() {
    store::AuditQuery query;
    query.limit = 100000;
    auto entries = store().ListAudit(org_, query);
    EXPECT_TRUE(entries.has_value());
    return entries ? entries->size() : 0;
  }

  static std::string Path(domain::StoryId id, const std::string& rest = {}) {
    return "/moderation/" + std::to_string(id.value) + rest;
  }

  // Posts a reflection as `who` through the page; its id (0 when refused).
  int64_t PostReflection(const Who& who, const std::string& title) {
    const HttpResponse posted = Post(who, "/reflections/new",
                                     {{"title", title},
                                      {"learned", "Handovers need time.\r\n\r\nAnd a quiet room."},
                                      {"got_wrong", "I rushed them."},
                                      {"changed", "Fifteen minutes, protected."}});
    if (posted.status != 303) return 0;
    const std::string location = posted.Header("Location").value_or("");
    EXPECT_EQ(location.rfind("/reflections/", 0), 0u) << location;
    return std::stoll(location.substr(13));
  }

  domain::PersonId moderator_;
  Who nurse, lead, admin, board, moderator;
  json value_;
};

bool Has(const HttpResponse& page, const std::string& text) {
  return page.body.find(text) != std::string::npos;
}

// --- Moderation.

TEST_P(CommunityPagesTest, TheQueueShowsWhatTheGuardFoundToModeratorsOnly) {
  const domain::StoryId id = HeldStory();
  const HttpResponse queue = Get(moderator, "/moderation");
  ASSERT_EQ(queue.status, 200) << queue.body;
  EXPECT_TRUE(Has(queue, "<h1 class=\"nhsuk-heading-l\">Stories held for moderation</h1>"));
  EXPECT_TRUE(Has(queue, "href=\"" + Path(id) + "\">Found the right records</a>"));
  EXPECT_TRUE(Has(queue, "Recorded by Nia Nurse, about Lee Lead"));
  // The kind in plain English and the exact text, and the words with it highlighted.
  EXPECT_TRUE(Has(queue, "NHS number: <mark>943 476 5919</mark>"));
  EXPECT_TRUE(Has(queue, "(in what happened)"));
  EXPECT_TRUE(Has(queue, "that the NHS number <mark>943 476 5919</mark> was on"));
  // The header offers the moderator the queue.
  EXPECT_TRUE(Has(queue, "href=\"/moderation\" aria-current=\"page\""));

  for (const Who* who : {&nurse, &lead, &admin}) {
    const HttpResponse refused = Get(*who, "/moderation");
    EXPECT_EQ(refused.status, 403);
    EXPECT_TRUE(Has(refused, "You cannot do this"));
    EXPECT_FALSE(Has(refused, "943 476 5919"));
    EXPECT_FALSE(Has(refused, "href=\"/moderation\""));  // not in their header
    EXPECT_EQ(Get(*who, Path(id)).status, 403);
  }

  const HttpResponse review = Get(moderator, Path(id));
  ASSERT_EQ(review.status, 200) << review.body;
  EXPECT_TRUE(Has(review,
                  "id=\"title\" name=\"title\" type=\"text\" value=\"Found the right "
                  "records\""));
  EXPECT_TRUE(Has(review, std::string(">") + kHeldText + "</textarea>"));
  EXPECT_TRUE(Has(review, ">Release with the details removed</button>"));
  EXPECT_TRUE(Has(review, ">Reject</button>"));
  EXPECT_EQ(Get(moderator, "/moderation/999999").status, 404);

  // The story's own page links a moderator (and only a moderator) to the review.
  const std::string story_page = "/stories/" + std::to_string(id.value);
  EXPECT_TRUE(Has(Get(moderator, story_page), "href=\"" + Path(id) + "\">Moderate this story"));
  EXPECT_FALSE(Has(Get(nurse, story_page), "Moderate this story"));
}

TEST_P(CommunityPagesTest, AModeratorReleasesAStoryOnlyWithTheDetailsRemoved) {
  const domain::StoryId id = HeldStory();
  const size_t audit = AuditCount();
  const Fields still_there = {{"title", "Found the right records"},
                              {"text", kHeldText},
                              {"learning", "Check every letter."},
                              {"release_note", ""}};

  // Not a moderator: refused, and nothing changes.
  const HttpResponse refused = Post(nurse, Path(id, "/release"), still_there);
  EXPECT_EQ(refused.status, 403);
  EXPECT_EQ(StoryOf(id).state, StoryState::kInModeration);

  // The guard still finds the number: the step's 422, shown next to the field that has it.
  const HttpResponse again = Post(moderator, Path(id, "/release"), still_there);
  EXPECT_EQ(again.status, 422);
  EXPECT_TRUE(Has(again, "<title>Error: "));
  EXPECT_TRUE(Has(again, "There is a problem"));
  EXPECT_TRUE(Has(again, "<a href=\"#text\">What happened still has an NHS number: 943 476 5919"));
  EXPECT_TRUE(Has(again, "id=\"text-error\""));
  EXPECT_EQ(StoryOf(id).state, StoryState::kInModeration);
  EXPECT_EQ(StoryOf(id).text, kHeldText);

  // In the title, the error names the title.
  Fields in_title = still_there;
  in_title[0].second = "Letter for 943 476 5919";
  in_title[1].second = "She sent the letter back.";
  const HttpResponse title = Post(moderator, Path(id, "/release"), in_title);
  EXPECT_EQ(title.status, 422);
  EXPECT_TRUE(Has(title, "<a href=\"#title\">Title still has an NHS number: 943 476 5919"));
  EXPECT_EQ(AuditCount(), audit);

  // Edited out: released, and on to the person named for consent.
  const HttpResponse released = Post(moderator, Path(id, "/release"),
                                     {{"title", "Found the right records"},
                                      {"text",
                                       "She spotted a letter addressed to the wrong "
                                       "patient and sent it back.\r\nAt once."},
                                      {"learning", "Check every letter."},
                                      {"release_note", "I removed an NHS number."}});
  ASSERT_EQ(released.status, 303) << released.body;
  EXPECT_EQ(released.Header("Location").value_or(""), "/moderation?done=released");
  const domain::Story story = StoryOf(id);
  EXPECT_EQ(story.state, StoryState::kAwaitingConsent);
  EXPECT_EQ(story.text,
            "She spotted a letter addressed to the wrong patient and sent it back.\nAt once.");
  EXPECT_EQ(story.moderation_note, "I removed an NHS number.");
  const HttpResponse done = Get(moderator, "/moderation?done=released");
  EXPECT_TRUE(Has(done, "Story released"));
  EXPECT_TRUE(Has(done, "There are no stories waiting for moderation."));
  // No longer held: its review page goes to the story.
  const HttpResponse gone = Get(moderator, Path(id));
  EXPECT_EQ(gone.status, 303);
  EXPECT_EQ(gone.Header("Location").value_or(""), "/stories/" + std::to_string(id.value));
}

TEST_P(CommunityPagesTest, AModeratorRejectsAStoryOnlyWithAReason) {
  const domain::StoryId id = HeldStory();
  const size_t audit = AuditCount();
  EXPECT_EQ(Post(lead, Path(id, "/reject"), {{"reason", "Not for sharing"}}).status, 403);

  const HttpResponse no_reason = Post(moderator, Path(id, "/reject"), {{"reason", "   "}});
  EXPECT_EQ(no_reason.status, 422);
  EXPECT_TRUE(Has(no_reason, "<a href=\"#reason\">Enter why you are rejecting the story</a>"));
  // The release form keeps the story's own words.
  EXPECT_TRUE(Has(no_reason, std::string(">") + kHeldText + "</textarea>"));
  EXPECT_EQ(StoryOf(id).state, StoryState::kInModeration);
  EXPECT_EQ(AuditCount(), audit);

  const HttpResponse rejected =
      Post(moderator, Path(id, "/reject"), {{"reason", "The details are the whole story."}});
  ASSERT_EQ(rejected.status, 303) << rejected.body;
  EXPECT_EQ(rejected.Header("Location").value_or(""), "/moderation?done=rejected");
  const domain::Story story = StoryOf(id);
  EXPECT_EQ(story.state, StoryState::kRejected);
  EXPECT_EQ(story.moderation_note, "The details are the whole story.");
  EXPECT_TRUE(Has(Get(moderator, "/moderation?done=rejected"), "Story rejected"));
  // Decided: a second decision is refused by the step.
  EXPECT_EQ(Post(moderator, Path(id, "/reject"), {{"reason", "Again"}}).status, 303);
  EXPECT_EQ(StoryOf(id).moderation_note, "The details are the whole story.");
}

// --- Leaders' reflections.

TEST_P(CommunityPagesTest, AMemberCannotPostAReflection) {
  EXPECT_EQ(Get(nurse, "/reflections/new").status, 403);
  const HttpResponse refused =
      Post(nurse, "/reflections/new", {{"title", "What I learned"}, {"learned", "A lot."}});
  EXPECT_EQ(refused.status, 403);
  EXPECT_TRUE(Has(refused, "Only team leads, board members and administrators can post"));
  auto stored = store().ListReflections(org_, 0, 0);
  ASSERT_TRUE(stored.has_value());
  EXPECT_TRUE(stored->empty());
  // The list says who posts, and offers the button only to them.
  const HttpResponse list = Get(nurse, "/reflections");
  ASSERT_EQ(list.status, 200);
  EXPECT_TRUE(Has(list, "There are no reflections yet."));
  EXPECT_FALSE(Has(list, "href=\"/reflections/new\""));
  EXPECT_TRUE(Has(Get(lead, "/reflections"), "href=\"/reflections/new\">Post a reflection</a>"));
  EXPECT_TRUE(Has(Get(board, "/reflections"), "href=\"/reflections/new\">Post a reflection</a>"));
}

TEST_P(CommunityPagesTest, ALeadPostsAReflectionAndEveryoneCanReply) {
  // Incomplete: the step's errors next to their fields, nothing stored.
  const HttpResponse empty = Post(lead, "/reflections/new", {{"title", ""}, {"learned", ""}});
  EXPECT_EQ(empty.status, 422);
  EXPECT_TRUE(Has(empty, "<a href=\"#title\">"));
  EXPECT_TRUE(Has(empty, "<a href=\"#learned\">"));
  EXPECT_TRUE(store().ListReflections(org_, 0, 0)->empty());

  const int64_t id = PostReflection(lead, "What the winter taught me");
  ASSERT_GT(id, 0);
  const std::string path = "/reflections/" + std::to_string(id);
  const HttpResponse page = Get(nurse, path + "?done=posted");
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_TRUE(Has(page, "A reflection by Lee Lead"));
  EXPECT_TRUE(Has(page, "<h2 class=\"nhsuk-heading-m\">What I got wrong</h2>"));
  EXPECT_TRUE(Has(page, "<p>Handovers need time.</p><p>And a quiet room.</p>"));
  EXPECT_TRUE(Has(Get(nurse, "/reflections"), ">What the winter taught me</a>"));

  // A reply needs words; then it is listed.
  const HttpResponse no_words = Post(nurse, path + "/replies", {{"reply", " "}});
  EXPECT_EQ(no_words.status, 422);
  EXPECT_TRUE(Has(no_words, "<a href=\"#reply\">Enter your reply</a>"));
  const HttpResponse replied =
      Post(nurse, path + "/replies", {{"reply", "How do we protect the time?"}});
  ASSERT_EQ(replied.status, 303) << replied.body;
  EXPECT_EQ(replied.Header("Location").value_or(""), path + "?done=replied");
  const HttpResponse with_reply = Get(lead, path);
  EXPECT_TRUE(Has(with_reply, "<p>How do we protect the time?</p>"));
  EXPECT_TRUE(Has(with_reply, "Nia Nurse"));
  EXPECT_FALSE(Has(with_reply, ">Hide<"));  // not a moderator
  EXPECT_EQ(Get(nurse, "/reflections/999999").status, 404);
}

TEST_P(CommunityPagesTest, HidingAReplyNeedsAModeratorAndAReason) {
  const int64_t id = PostReflection(lead, "What I got wrong about rotas");
  ASSERT_GT(id, 0);
  const std::string path = "/reflections/" + std::to_string(id);
  ASSERT_EQ(Post(nurse, path + "/replies", {{"reply", "Something unkind."}}).status, 303);
  auto replies = store().ListReplies(org_, domain::ReflectionId(id));
  ASSERT_TRUE(replies.has_value());
  ASSERT_EQ(replies->size(), 1u);
  const std::string reply = std::to_string(replies->front().id.value);
  const std::string hide = path + "/replies/" + reply + "/hide";
  const std::string field = "reason-" + reply;

  const HttpResponse review = Get(moderator, path);
  EXPECT_TRUE(Has(review, "action=\"" + hide + "\""));

  EXPECT_EQ(Post(nurse, hide, {{field, "Unkind"}}).status, 403);
  const HttpResponse no_reason = Post(moderator, hide, {{field, ""}});
  EXPECT_EQ(no_reason.status, 422);
  EXPECT_TRUE(Has(no_reason, "<a href=\"#" + field + "\">Enter why you are hiding the reply</a>"));
  EXPECT_FALSE(store().ListReplies(org_, domain::ReflectionId(id))->front().hidden_at.has_value());

  const HttpResponse hidden = Post(moderator, hide, {{field, "Not kind to a colleague"}});
  ASSERT_EQ(hidden.status, 303) << hidden.body;
  const domain::Reply stored = store().ListReplies(org_, domain::ReflectionId(id))->front();
  EXPECT_TRUE(stored.hidden_at.has_value());
  EXPECT_EQ(stored.hidden_reason, "Not kind to a colleague");
  const HttpResponse page = Get(nurse, path);
  EXPECT_TRUE(Has(page, "Hidden by a moderator: Not kind to a colleague"));
  EXPECT_FALSE(Has(page, "Something unkind."));
}

// --- Recognition equity.

TEST_P(CommunityPagesTest, EquityRefusesAMemberAndShowsTheTeamsToTheBoard) {
  // A story about District Nursing, published at once (nobody to ask).
  const ApiReply story = Call(lead, "POST", "/api/v1/stories",
                              json{{"teams", {team_a_.value}},
                                   {"title", "The team kept every visit"},
                                   {"text", "Through the snow, every visit was made."},
                                   {"values", {value_}},
                                   {"submit", true}});
  ASSERT_EQ(story.status, 201) << story.text;
  ASSERT_EQ(story.body["story"]["state"], "published");

  const HttpResponse refused = Get(nurse, "/equity");
  EXPECT_EQ(refused.status, 403);
  EXPECT_FALSE(Has(refused, "District Nursing"));

  const HttpResponse page = Get(board, "/equity");
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_TRUE(Has(page, "never ranks individual people"));
  // The District Nursing row: its link, one member, one story, 100 per 100 staff.
  const std::string row =
      "href=\"/teams/" + std::to_string(team_a_.value) + "\">Community/District Nursing</a></td>";
  const size_t at = page.body.find(row);
  ASSERT_NE(at, std::string::npos) << page.body;
  const std::string rest = page.body.substr(at, page.body.find("</tr>", at) - at);
  const auto in_row = [&](const std::string& text) { return rest.find(text) != std::string::npos; };
  EXPECT_TRUE(in_row("aria-hidden=\"true\">Staff </span>1</td>")) << rest;
  EXPECT_TRUE(in_row("aria-hidden=\"true\">Stories </span>1</td>")) << rest;
  EXPECT_TRUE(in_row("aria-hidden=\"true\">Stories per 100 staff </span>100</td>")) << rest;
  EXPECT_TRUE(Has(page, "By level of the organisation"));
  EXPECT_TRUE(Has(page, "Nursing and midwifery") || Has(page, "Other"));
  EXPECT_TRUE(Has(page, "<option value=\"365\" selected>"));
  EXPECT_TRUE(Has(page, "href=\"/equity\" aria-current=\"page\""));

  EXPECT_TRUE(Has(Get(board, "/equity?days=90"), "<option value=\"90\" selected>"));
  const HttpResponse odd = Get(board, "/equity?days=7");
  EXPECT_EQ(odd.status, 400);
  EXPECT_TRUE(Has(odd, "<a href=\"#days\">Choose a period from the list</a>"));
  EXPECT_EQ(Get(admin, "/equity").status, 403);
}

// --- Subject access and the account page.

TEST_P(CommunityPagesTest, TheAccountPageShowsWhoIAmAndDownloadsMyData) {
  const HttpResponse page = Get(nurse, "/account");
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_TRUE(Has(page, "nurse@test.nhs.uk"));
  EXPECT_TRUE(Has(page, ">District Nursing</a> (member)"));
  EXPECT_TRUE(Has(page, "href=\"/account/export\" download>Download my data</a>"));
  EXPECT_TRUE(Has(page, "class=\"nhsuk-header__account-link\" href=\"/account\""));

  const HttpResponse data = Get(nurse, "/account/export");
  ASSERT_EQ(data.status, 200) << data.body;
  EXPECT_EQ(data.Header("Content-Type").value_or("").rfind("application/json", 0), 0u);
  EXPECT_NE(data.Header("Content-Disposition").value_or("").find("attachment"), std::string::npos);
  const json body = json::parse(data.body, nullptr, false);
  ASSERT_TRUE(body.is_object()) << data.body;
  EXPECT_EQ(body["person"]["email"], "nurse@test.nhs.uk");
  EXPECT_TRUE(body.contains("stories"));
  EXPECT_TRUE(body.contains("audit"));

  // Signed out: to the sign-in page, never the data.
  const HttpResponse signed_out = Get(Who{}, "/account/export");
  EXPECT_EQ(signed_out.status, 303);
  EXPECT_EQ(signed_out.Header("Location").value_or("").rfind("/sign-in", 0), 0u);
}

// --- The retention setting.

TEST_P(CommunityPagesTest, OnlyAnAdministratorChangesTheRetentionAndItIsChecked) {
  auto before = store().GetStoryRetentionDays(org_);
  ASSERT_TRUE(before.has_value());
  const HttpResponse form = Get(admin, "/admin/settings");
  ASSERT_EQ(form.status, 200) << form.body;
  EXPECT_TRUE(Has(form, "name=\"story_retention_days\" type=\"text\" value=\"" +
                            std::to_string(*before) + "\""));
  EXPECT_TRUE(Has(Get(admin, "/admin"), "href=\"/admin/settings\""));
  EXPECT_FALSE(Has(Get(lead, "/admin"), "href=\"/admin/settings\""));
  EXPECT_EQ(Get(lead, "/admin/settings").status, 403);
  EXPECT_EQ(Post(lead, "/admin/settings", {{"story_retention_days", "1"}}).status, 403);

  for (const auto& [typed, message] : std::vector<std::pair<std::string, std::string>>{
           {"", "Enter the number of days"},
           {"ninety", "Enter the number of days as a whole number, like 90"},
           {"-1", "Enter the number of days as a whole number, like 90"},
           {"3651", "The number of days must be from 0 to 3,650"}}) {
    const HttpResponse refused = Post(admin, "/admin/settings", {{"story_retention_days", typed}});
    EXPECT_EQ(refused.status, 422) << typed;
    EXPECT_TRUE(Has(refused, "<a href=\"#story_retention_days\">" + message + "</a>")) << typed;
  }
  EXPECT_EQ(*store().GetStoryRetentionDays(org_), *before);

  const HttpResponse saved = Post(admin, "/admin/settings", {{"story_retention_days", " 30 "}});
  ASSERT_EQ(saved.status, 303) << saved.body;
  EXPECT_EQ(saved.Header("Location").value_or(""), "/admin/settings?saved=1");
  EXPECT_EQ(*store().GetStoryRetentionDays(org_), 30);
  EXPECT_TRUE(Has(Get(admin, "/admin/settings?saved=1"), "Settings saved"));
  ASSERT_EQ(Post(admin, "/admin/settings", {{"story_retention_days", "0"}}).status, 303);
  EXPECT_EQ(*store().GetStoryRetentionDays(org_), 0);
}

// --- CSRF.

TEST_P(CommunityPagesTest, AFormWithoutTheCsrfTokenChangesNothing) {
  const domain::StoryId id = HeldStory();
  const int64_t reflection = PostReflection(lead, "Posted before");
  ASSERT_GT(reflection, 0);
  const size_t audit = AuditCount();
  const std::vector<std::pair<const Who*, std::pair<std::string, Fields>>> posts = {
      {&moderator,
       {Path(id, "/release"),
        {{"title", "Clean"}, {"text", "Clean words."}, {"learning", ""}, {"release_note", ""}}}},
      {&moderator, {Path(id, "/reject"), {{"reason", "No"}}}},
      {&lead, {"/reflections/new", {{"title", "Unsent"}, {"learned", "Nothing."}}}},
      {&nurse, {"/reflections/" + std::to_string(reflection) + "/replies", {{"reply", "Unsent"}}}},
      {&admin, {"/admin/settings", {{"story_retention_days", "1"}}}},
  };
  for (const auto& [who, post] : posts) {
    const HttpResponse refused = Post(*who, post.first, post.second, false);
    EXPECT_EQ(refused.status, 403) << post.first;
    Fields wrong = post.second;
    wrong.emplace_back("csrf_token", std::string(64, '0'));
    EXPECT_EQ(Post(*who, post.first, wrong, false).status, 403) << post.first;
  }
  EXPECT_EQ(AuditCount(), audit);
  EXPECT_EQ(StoryOf(id).state, StoryState::kInModeration);
  EXPECT_EQ(store().ListReflections(org_, 0, 0)->size(), 1u);
}

TEST_P(CommunityPagesTest, TextFromPeopleIsEscaped) {
  const domain::StoryId id = HeldStory("<script>alert(1)</script> & more");
  EXPECT_FALSE(Has(Get(moderator, "/moderation"), "<script>alert(1)"));
  EXPECT_TRUE(Has(Get(moderator, Path(id)), "&lt;script&gt;alert(1)&lt;/script&gt; &amp; more"));
  const int64_t reflection = PostReflection(lead, "<b>bold</b>");
  ASSERT_GT(reflection, 0);
  const HttpResponse page = Get(nurse, "/reflections/" + std::to_string(reflection));
  EXPECT_FALSE(Has(page, "<b>bold</b>"));
  EXPECT_TRUE(Has(page, "&lt;b&gt;bold&lt;/b&gt;"));
}

INSTANTIATE_TEST_SUITE_P(Engines, CommunityPagesTest,
                         ::testing::ValuesIn(store::testing::TestEngines()),
                         [](const ::testing::TestParamInfo<std::string>& param) {
                           return param.param;
                         });

}  // namespace
}  // namespace everyseat::server::testing
