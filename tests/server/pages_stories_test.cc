// The story pages (server/src/web/story_pages.cc) through the real server, on both stores, as
// plain HTML form posts without JavaScript: recording a story (validation, drafts), the check
// page with the patient-detail guard's findings, a story held for moderation, consent (given and
// declined), the wall and the library, withdrawal, acknowledgement by the line manager only,
// thanks, CSRF and escaping. The rules themselves are the steps' (story_steps.h); these tests
// check that the pages take them and say what happened. The same pages in a real browser are
// tested in tests/web/stories.test.mjs.
#include <string>
#include <utility>
#include <vector>

#include "api_fixture.h"
#include "form_encoding.h"

namespace everyseat::server::testing {
namespace {

using domain::StoryState;
using Fields = std::vector<std::pair<std::string, std::string>>;

class StoryPagesTest : public ApiFixture {
 protected:
  void SetUp() override {
    ApiFixture::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    auto values = store().ListTags(org_, domain::TagKind::kValue, false);
    ASSERT_TRUE(values.has_value());
    ASSERT_GE(values->size(), 2u);
    dignity_ = std::to_string(values->at(0).id.value);
    respect_ = std::to_string(values->at(1).id.value);
    // Bo Board is Nia Nurse's line manager (and leads no team).
    auto nurse = store().GetPerson(org_, nurse_);
    ASSERT_TRUE(nurse.has_value());
    nurse->line_manager = board_;
    ASSERT_TRUE(store().UpdatePerson(seed_, *nurse).has_value());
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

  // The form of a complete story about `who` ("colleagues" with `people`, "team", "myself").
  Fields StoryForm(const std::string& title, const std::string& text, const std::string& who,
                   const std::string& people = {}) {
    return {{"who", who},
            {"people", people},
            {"named_team", std::to_string(team_b_.value)},
            {"title", title},
            {"text", text},
            {"values", dignity_},
            {"values", respect_},
            {"learning", "Small acts make a big difference."},
            {"measure", ""},
            {"action", "continue"}};
  }

  // The story id of a redirect to /stories/ID..., or 0.
  static int64_t StoryIdOf(const HttpResponse& response) {
    const std::string location = response.Header("Location").value_or("");
    if (location.rfind("/stories/", 0) != 0) return 0;
    return std::stoll(location.substr(9));
  }

  // Records and submits a story through the pages; returns its id.
  domain::StoryId RecordAndSubmit(const Who& who, const Fields& fields) {
    const HttpResponse recorded = Post(who, "/stories/new", fields);
    EXPECT_EQ(recorded.status, 303) << recorded.body;
    const domain::StoryId id(StoryIdOf(recorded));
    EXPECT_EQ(recorded.Header("Location").value_or(""), Path(id, "/check"));
    const HttpResponse submitted = Post(who, Path(id, "/submit"), {});
    EXPECT_EQ(submitted.status, 303) << submitted.body;
    return id;
  }

  static std::string Path(domain::StoryId id, const std::string& rest = {}) {
    return "/stories/" + std::to_string(id.value) + rest;
  }
  StoryState StateOf(domain::StoryId id) {
    auto story = store().GetStory(org_, id);
    EXPECT_TRUE(story.has_value());
    return story ? story->state : StoryState::kDraft;
  }
  size_t StoriesBy(domain::PersonId author) {
    store::StoryQuery query;
    query.author = author;
    query.limit = 0;
    auto stories = store().ListStories(org_, query);
    EXPECT_TRUE(stories.has_value());
    return stories ? stories->size() : 0;
  }

  std::string dignity_, respect_;
};

bool Has(const HttpResponse& page, const std::string& text) {
  return page.body.find(text) != std::string::npos;
}

TEST_P(StoryPagesTest, TheFormOffersThePeopleTeamsValuesAndBehaviours) {
  const Who nurse = SignIn("nurse@test.nhs.uk");
  const HttpResponse form = Get(nurse, "/stories/new");
  ASSERT_EQ(form.status, 200);
  EXPECT_TRUE(Has(form, "Who showed leadership?"));
  EXPECT_TRUE(Has(form, "list=\"es-people-list\""));
  EXPECT_TRUE(Has(form, "<option value=\"Lee Lead\">"));
  EXPECT_TRUE(Has(form, "type=\"checkbox\" value=\"" + dignity_ + "\""));
  EXPECT_TRUE(Has(form, ">Dignity</label>"));
  EXPECT_TRUE(Has(form, ">Owning a mistake</label>"));
  EXPECT_TRUE(Has(form, "<option value=\"" + std::to_string(team_b_.value) + "\">Reception"));
  // The fields revealed under each choice are in the page (shown without JavaScript).
  EXPECT_TRUE(Has(form, "class=\"nhsuk-radios__conditional es-reveal\" id=\"conditional-who\""));
  EXPECT_TRUE(Has(form, "value=\"draft\">Save as draft</button>"));
  EXPECT_TRUE(Has(form, "value=\"continue\">Continue</button>"));
  // The navigation has the stories.
  EXPECT_TRUE(Has(form, "href=\"/stories\" aria-current=\"page\""));
}

TEST_P(StoryPagesTest, AStoryWithoutAValueOrWithAnUnknownPersonIsRefusedOnTheForm) {
  const Who nurse = SignIn("nurse@test.nhs.uk");
  Fields no_value = StoryForm("Stayed calm", "She kept the clinic calm.", "colleagues", "Lee Lead");
  std::erase_if(no_value, [](const auto& field) { return field.first == "values"; });
  const HttpResponse refused = Post(nurse, "/stories/new", no_value);
  EXPECT_EQ(refused.status, 422);
  EXPECT_TRUE(Has(refused, "<title>Error: Record a story"));
  EXPECT_TRUE(Has(refused, "<a href=\"#values\">Choose at least one value"));
  EXPECT_TRUE(Has(refused, "id=\"values-error\""));
  EXPECT_TRUE(Has(refused, "value=\"Stayed calm\""));  // kept to be corrected
  EXPECT_TRUE(Has(refused, "value=\"Lee Lead\""));

  const HttpResponse unknown = Post(nurse, "/stories/new",
                                    StoryForm("Stayed calm", "She kept the clinic calm.",
                                              "colleagues", "Lee Lead, Nobody Known"));
  EXPECT_EQ(unknown.status, 422);
  EXPECT_TRUE(Has(unknown, "<a href=\"#people\">We could not find \u2018Nobody Known\u2019"));

  // Not even "Save as draft" keeps a story with a person who cannot be found.
  Fields draft =
      StoryForm("Stayed calm", "She kept the clinic calm.", "colleagues", "nobody@nowhere");
  draft.back() = {"action", "draft"};
  EXPECT_EQ(Post(nurse, "/stories/new", draft).status, 422);
  EXPECT_EQ(StoriesBy(nurse_), 0u);
}

TEST_P(StoryPagesTest, SavingADraftKeepsItForItsAuthorOnly) {
  const Who nurse = SignIn("nurse@test.nhs.uk");
  // A draft need not be complete: no values yet.
  const HttpResponse saved = Post(nurse, "/stories/new",
                                  {{"who", "colleagues"},
                                   {"people", "lead@test.nhs.uk"},
                                   {"title", "Half written"},
                                   {"text", ""},
                                   {"action", "draft"}});
  ASSERT_EQ(saved.status, 303) << saved.body;
  const domain::StoryId id(StoryIdOf(saved));
  EXPECT_EQ(saved.Header("Location").value_or(""), Path(id, "?done=saved"));
  EXPECT_EQ(StateOf(id), StoryState::kDraft);
  const HttpResponse page = Get(nurse, Path(id, "?done=saved"));
  ASSERT_EQ(page.status, 200);
  EXPECT_TRUE(Has(page, "Draft saved"));
  EXPECT_TRUE(Has(page, ">Check and submit</a>"));
  EXPECT_TRUE(Has(Get(nurse, "/stories/mine"), ">Half written</a>"));
  // Lee Lead is named, but a draft is its author's alone.
  EXPECT_EQ(Get(SignIn("lead@test.nhs.uk"), Path(id)).status, 404);

  // The edit form is prefilled; "Continue" goes on to the check page.
  const HttpResponse edit = Get(nurse, Path(id, "/edit"));
  ASSERT_EQ(edit.status, 200);
  EXPECT_TRUE(Has(edit, "value=\"Lee Lead\""));
  EXPECT_TRUE(Has(edit, "value=\"Half written\""));
  const HttpResponse continued =
      Post(nurse, Path(id, "/edit"),
           StoryForm("Whole now", "He covered the phones.", "colleagues", "Lee Lead"));
  EXPECT_EQ(continued.status, 303) << continued.body;
  EXPECT_EQ(continued.Header("Location").value_or(""), Path(id, "/check"));
  EXPECT_EQ(store().GetStory(org_, id)->title, "Whole now");
  EXPECT_EQ(StoriesBy(nurse_), 1u);
}

TEST_P(StoryPagesTest, TheCheckPageShowsPatientDetailsAndAStoryWithThemIsHeld) {
  const Who nurse = SignIn("nurse@test.nhs.uk");
  const HttpResponse recorded =
      Post(nurse, "/stories/new",
           StoryForm("Found the right records",
                     "She spotted that the NHS number 943 476 5919 was on the wrong letter and "
                     "sent it back to LS1 4AP straight away.",
                     "colleagues", "Lee Lead"));
  ASSERT_EQ(recorded.status, 303) << recorded.body;
  const domain::StoryId id(StoryIdOf(recorded));
  const HttpResponse check = Get(nurse, Path(id, "/check"));
  ASSERT_EQ(check.status, 200);
  EXPECT_TRUE(Has(check, "We found details that could identify a patient"));
  EXPECT_TRUE(Has(check, "<li>NHS number: <mark>943 476 5919</mark></li>"));
  EXPECT_TRUE(Has(check, "<li>Postcode: <mark>LS1 4AP</mark></li>"));
  // Highlighted in the text itself.
  EXPECT_TRUE(Has(check, "the NHS number <mark>943 476 5919</mark> was on"));
  EXPECT_TRUE(Has(check, "href=\"" + Path(id, "/edit") + "\""));
  EXPECT_TRUE(Has(check, ">Submit for moderation</button>"));

  const HttpResponse held = Post(nurse, Path(id, "/submit"), {});
  EXPECT_EQ(held.status, 303);
  EXPECT_EQ(held.Header("Location").value_or(""), Path(id, "?done=held"));
  EXPECT_EQ(StateOf(id), StoryState::kInModeration);
  const HttpResponse page = Get(nurse, Path(id, "?done=held"));
  ASSERT_EQ(page.status, 200);
  EXPECT_TRUE(Has(page, "Your story is held for moderation"));
  EXPECT_TRUE(Has(page, "only its author and the moderators can see it"));
  // Nobody else sees it: not the person named, not a colleague.
  EXPECT_EQ(Get(SignIn("lead@test.nhs.uk"), Path(id)).status, 404);
  EXPECT_EQ(Get(SignIn("reception@test.nhs.uk"), Path(id)).status, 404);
  EXPECT_FALSE(Has(Get(nurse, "/stories?q=records"), "Found the right records"));
}

TEST_P(StoryPagesTest, AConsentedStoryIsPublishedAndFoundInTheLibrary) {
  const Who nurse = SignIn("nurse@test.nhs.uk");
  const Fields form = StoryForm("Through the snowdrifts",
                                "He walked five miles through the snow to open the health centre.",
                                "colleagues", "Lee Lead");
  const HttpResponse recorded = Post(nurse, "/stories/new", form);
  ASSERT_EQ(recorded.status, 303) << recorded.body;
  const domain::StoryId id(StoryIdOf(recorded));
  const HttpResponse check = Get(nurse, Path(id, "/check"));
  EXPECT_TRUE(Has(check, "We found nothing that could identify a patient"));
  EXPECT_TRUE(Has(check, "we will ask Lee Lead whether they agree"));
  EXPECT_TRUE(Has(check, ">Submit story</button>"));
  const HttpResponse submitted = Post(nurse, Path(id, "/submit"), {});
  EXPECT_EQ(submitted.Header("Location").value_or(""), Path(id, "?done=awaiting"));
  EXPECT_EQ(StateOf(id), StoryState::kAwaitingConsent);

  // Not published yet: a colleague who is not named cannot see it, the library does not have it.
  const Who receptionist = SignIn("reception@test.nhs.uk");
  EXPECT_EQ(Get(receptionist, Path(id)).status, 404);
  EXPECT_FALSE(Has(Get(receptionist, "/stories?q=snowdrifts"), "Through the snowdrifts"));

  const Who lead = SignIn("lead@test.nhs.uk");
  EXPECT_TRUE(Has(Get(lead, "/stories/mine"), "Waiting for your consent"));
  const HttpResponse asked = Get(lead, Path(id));
  ASSERT_EQ(asked.status, 200);
  EXPECT_TRUE(Has(asked, ">Yes, share this story</button>"));
  EXPECT_TRUE(Has(asked, ">No, keep it private</button>"));
  EXPECT_TRUE(Has(asked, "Lee Lead: not answered yet"));
  // The author is not asked.
  EXPECT_FALSE(Has(Get(nurse, Path(id)), "Yes, share this story"));

  const HttpResponse consented = Post(lead, Path(id, "/consent"), {{"decision", "yes"}});
  EXPECT_EQ(consented.status, 303);
  EXPECT_EQ(consented.Header("Location").value_or(""), Path(id, "?done=consented"));
  EXPECT_EQ(StateOf(id), StoryState::kPublished);

  // On the wall, found by a word (a prefix too) and by its value, not by another filter.
  EXPECT_TRUE(Has(Get(receptionist, "/stories"), ">Through the snowdrifts</a>"));
  const HttpResponse found = Get(receptionist, "/stories?q=snowdrifts");
  ASSERT_EQ(found.status, 200);
  EXPECT_TRUE(Has(found, ">Through the snowdrifts</a>"));
  EXPECT_TRUE(Has(found, "He walked five miles"));
  EXPECT_TRUE(
      Has(Get(receptionist, "/stories?q=snow&value=" + dignity_), "Through the snowdrifts"));
  EXPECT_FALSE(Has(Get(receptionist, "/stories?q=hospital"), "Through the snowdrifts"));
  EXPECT_FALSE(Has(Get(receptionist, "/stories?team=" + std::to_string(team_b_.value)),
                   "Through the snowdrifts"));
  const HttpResponse bad_date = Get(receptionist, "/stories?from=31/02/2026");
  EXPECT_EQ(bad_date.status, 422);
  EXPECT_TRUE(Has(bad_date, "<a href=\"#from\">"));
  const HttpResponse page = Get(receptionist, Path(id));
  ASSERT_EQ(page.status, 200);
  EXPECT_TRUE(Has(page, "Published on"));
  EXPECT_TRUE(Has(page, ">Dignity</strong>"));
}

TEST_P(StoryPagesTest, ADeclineKeepsTheStoryPrivate) {
  const Who nurse = SignIn("nurse@test.nhs.uk");
  const domain::StoryId id =
      RecordAndSubmit(nurse, StoryForm("Quietly covered", "He covered every gap on the rota.",
                                       "colleagues", "lead@test.nhs.uk"));
  ASSERT_EQ(StateOf(id), StoryState::kAwaitingConsent);
  const Who lead = SignIn("lead@test.nhs.uk");
  const HttpResponse declined = Post(lead, Path(id, "/consent"), {{"decision", "no"}});
  EXPECT_EQ(declined.status, 303);
  EXPECT_EQ(declined.Header("Location").value_or(""), Path(id, "?done=declined"));
  EXPECT_EQ(StateOf(id), StoryState::kDeclined);
  EXPECT_TRUE(Has(Get(lead, Path(id, "?done=declined")), "You chose to keep this story private"));
  EXPECT_TRUE(Has(Get(nurse, Path(id)), "Lee Lead: chose to keep it private"));
  const Who receptionist = SignIn("reception@test.nhs.uk");
  EXPECT_EQ(Get(receptionist, Path(id)).status, 404);
  EXPECT_FALSE(Has(Get(receptionist, "/stories?q=rota"), "Quietly covered"));
  // Deciding again is refused, and changes nothing.
  EXPECT_EQ(Post(lead, Path(id, "/consent"), {{"decision", "yes"}}).status, 409);
  EXPECT_EQ(StateOf(id), StoryState::kDeclined);
}

TEST_P(StoryPagesTest, WithdrawingAStoryTakesItOutOfTheLibrary) {
  const Who nurse = SignIn("nurse@test.nhs.uk");
  // About herself: nobody to ask, so it is published at once.
  const domain::StoryId id =
      RecordAndSubmit(nurse, StoryForm("Owned my mistake",
                                       "I told the team about the wrong "
                                       "dressing and we changed the checklist together.",
                                       "myself"));
  ASSERT_EQ(StateOf(id), StoryState::kPublished);
  EXPECT_TRUE(Has(Get(nurse, "/stories?q=checklist"), "Owned my mistake"));

  // Somebody else cannot withdraw it.
  const Who receptionist = SignIn("reception@test.nhs.uk");
  EXPECT_FALSE(Has(Get(receptionist, Path(id)), "Withdraw this story"));
  EXPECT_EQ(Post(receptionist, Path(id, "/withdraw"), {}).status, 403);
  EXPECT_EQ(StateOf(id), StoryState::kPublished);

  const HttpResponse confirm = Get(nurse, Path(id, "/withdraw"));
  ASSERT_EQ(confirm.status, 200);
  EXPECT_TRUE(Has(confirm, "Are you sure you want to withdraw this story?"));
  EXPECT_TRUE(Has(confirm, ">Withdraw story</button>"));
  const HttpResponse withdrawn = Post(nurse, Path(id, "/withdraw"), {});
  EXPECT_EQ(withdrawn.status, 303);
  EXPECT_EQ(withdrawn.Header("Location").value_or(""), Path(id, "?done=withdrawn"));
  EXPECT_EQ(StateOf(id), StoryState::kWithdrawn);
  EXPECT_TRUE(Has(Get(nurse, Path(id, "?done=withdrawn")), "Story withdrawn"));
  EXPECT_FALSE(Has(Get(nurse, "/stories?q=checklist"), "Owned my mistake"));
  EXPECT_FALSE(Has(Get(receptionist, "/stories"), "Owned my mistake"));
  EXPECT_EQ(Get(receptionist, Path(id)).status, 404);
}

TEST_P(StoryPagesTest, OnlyTheLineManagerAcknowledgesAndIsPromptedAboutExtraHours) {
  const Who nurse = SignIn("nurse@test.nhs.uk");
  const domain::StoryId id = RecordAndSubmit(
      nurse, StoryForm("Kept the clinic open",
                       "I stayed late every night and worked through the weekend so the clinic "
                       "could stay open.",
                       "myself"));
  ASSERT_EQ(StateOf(id), StoryState::kPublished);

  // A colleague is not offered the form and is refused: nothing changes.
  const Who receptionist = SignIn("reception@test.nhs.uk");
  EXPECT_FALSE(Has(Get(receptionist, Path(id)), "Acknowledge this story"));
  EXPECT_EQ(Post(receptionist, Path(id, "/acknowledge"), {{"note", "Well done"}}).status, 403);
  const Who admin = SignIn("admin@test.nhs.uk");
  EXPECT_EQ(Post(admin, Path(id, "/acknowledge"), {{"note", "Well done"}}).status, 403);
  EXPECT_TRUE(store().GetStory(org_, id)->acknowledgements.empty());

  // Her line manager sees the form with the wellbeing prompt.
  const Who manager = SignIn("board@test.nhs.uk");
  const HttpResponse page = Get(manager, Path(id));
  ASSERT_EQ(page.status, 200);
  EXPECT_TRUE(Has(page, "Acknowledge this story"));
  EXPECT_TRUE(Has(page, "This story praises extra hours"));
  EXPECT_TRUE(Has(page, "check on their wellbeing rather than reward the hours"));
  EXPECT_TRUE(Has(page, ">I have checked on their wellbeing</label>"));
  EXPECT_TRUE(Has(Get(manager, "/stories/mine"), "Stories to acknowledge"));
  const HttpResponse done =
      Post(manager, Path(id, "/acknowledge"),
           {{"note", "Thank you, and please rest"}, {"wellbeing_checked", "yes"}});
  EXPECT_EQ(done.status, 303) << done.body;
  EXPECT_EQ(done.Header("Location").value_or(""), Path(id, "?done=acknowledged"));
  auto story = store().GetStory(org_, id);
  ASSERT_TRUE(story.has_value());
  ASSERT_EQ(story->acknowledgements.size(), 1u);
  EXPECT_EQ(story->acknowledgements[0].manager, board_);
  EXPECT_EQ(story->acknowledgements[0].note, "Thank you, and please rest");
  EXPECT_TRUE(story->acknowledgements[0].wellbeing_checked);
  const HttpResponse after = Get(nurse, Path(id));
  EXPECT_TRUE(Has(after, "<strong>Bo Board</strong>"));
  EXPECT_TRUE(Has(after, "Thank you, and please rest"));
  // Once is enough: the form is gone.
  EXPECT_FALSE(Has(Get(manager, Path(id)), "Acknowledge this story"));
}

TEST_P(StoryPagesTest, AnyoneCanSayThankYouOnce) {
  const Who nurse = SignIn("nurse@test.nhs.uk");
  const domain::StoryId id = RecordAndSubmit(
      nurse, StoryForm("Coached the new starters", "I ran a lunchtime session.", "myself"));
  const Who receptionist = SignIn("reception@test.nhs.uk");
  EXPECT_TRUE(Has(Get(receptionist, Path(id)), ">Say thank you</button>"));
  const HttpResponse thanked =
      Post(receptionist, Path(id, "/thanks"), {{"thanks_note", "That session helped me"}});
  EXPECT_EQ(thanked.status, 303) << thanked.body;
  EXPECT_EQ(thanked.Header("Location").value_or(""), Path(id, "?done=thanked"));
  const HttpResponse page = Get(nurse, Path(id));
  EXPECT_TRUE(Has(page, "<strong>Rae Reception</strong>"));
  EXPECT_TRUE(Has(page, "That session helped me"));
  EXPECT_FALSE(Has(Get(receptionist, Path(id)), ">Say thank you</button>"));
  EXPECT_EQ(Post(receptionist, Path(id, "/thanks"), {{"thanks_note", "again"}}).status, 409);
  EXPECT_EQ(store().GetStory(org_, id)->thanks.size(), 1u);
}

TEST_P(StoryPagesTest, AFormWithoutTheCsrfTokenChangesNothing) {
  const Who nurse = SignIn("nurse@test.nhs.uk");
  EXPECT_EQ(Post(nurse, "/stories/new", StoryForm("No token", "Nothing.", "myself"), false).status,
            403);
  EXPECT_EQ(StoriesBy(nurse_), 0u);
  const domain::StoryId id = RecordAndSubmit(
      nurse, StoryForm("Asked for consent", "He stayed calm.", "colleagues", "Lee Lead"));
  ASSERT_EQ(StateOf(id), StoryState::kAwaitingConsent);
  const Who lead = SignIn("lead@test.nhs.uk");
  EXPECT_EQ(Post(lead, Path(id, "/consent"), {{"decision", "yes"}}, false).status, 403);
  auto forged = Fields{{"decision", "yes"}, {"csrf_token", nurse.csrf}};
  EXPECT_EQ(Post(lead, Path(id, "/consent"), forged, false).status, 403);
  EXPECT_EQ(Post(nurse, Path(id, "/withdraw"), {}, false).status, 403);
  EXPECT_EQ(StateOf(id), StoryState::kAwaitingConsent);
  // Signed out: to the sign-in page.
  EXPECT_EQ(Get(Who{}, "/stories").status, 303);
}

TEST_P(StoryPagesTest, TextFromPeopleIsEscaped) {
  const Who nurse = SignIn("nurse@test.nhs.uk");
  const domain::StoryId id =
      RecordAndSubmit(nurse, StoryForm("<script>alert(1)</script> & \"friends\"",
                                       "<img src=x onerror=alert(2)> escaped", "myself"));
  ASSERT_EQ(StateOf(id), StoryState::kPublished);
  for (const std::string& path : {Path(id), std::string("/stories"), std::string("/stories/mine"),
                                  std::string("/stories?q=escaped")}) {
    const HttpResponse page = Get(nurse, path);
    ASSERT_EQ(page.status, 200) << path;
    EXPECT_FALSE(Has(page, "<script>alert")) << path;
    EXPECT_FALSE(Has(page, "<img src=x")) << path;
    EXPECT_TRUE(Has(page, "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;friends&quot;"))
        << path;
  }
}

TEST_P(StoryPagesTest, UnknownStoriesArePagesNotFound) {
  const Who nurse = SignIn("nurse@test.nhs.uk");
  EXPECT_EQ(Get(nurse, "/stories/999999").status, 404);
  EXPECT_EQ(Get(nurse, "/stories/nonsense").status, 404);
  EXPECT_TRUE(Has(Get(nurse, "/stories/999999"), "Page not found"));
  EXPECT_EQ(Post(nurse, "/stories/999999/consent", {{"decision", "yes"}}).status, 404);
}

INSTANTIATE_TEST_SUITE_P(Engines, StoryPagesTest,
                         ::testing::ValuesIn(store::testing::TestEngines()),
                         [](const ::testing::TestParamInfo<std::string>& param) {
                           return param.param;
                         });

}  // namespace
}  // namespace everyseat::server::testing
