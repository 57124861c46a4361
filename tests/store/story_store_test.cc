// The store's conformance suite for stories of leadership, consents, acknowledgements, thanks,
// retention, leaders' reflections and replies (store.h, "Stories of leadership" and "Leaders'
// reflections"; domain/story.h): every test runs against every engine (TestEngines).
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "everyseat/domain/story.h"
#include "everyseat/store/store.h"
#include "store_fixture.h"
#include "test_database.h"

namespace everyseat::store {
namespace {

using domain::Acknowledgement;
using domain::Actor;
using domain::ConsentState;
using domain::Person;
using domain::Reflection;
using domain::Reply;
using domain::Story;
using domain::StoryState;
using domain::Tag;
using domain::TagKind;
using domain::Thanks;
using testing::Fails;
using testing::Must;

// The words of the stories, which must never reach the audit log.
constexpr const char* kTitle = "Through the snow to open the health centre";
constexpr const char* kText =
    "Ben volunteered to walk five miles through the snow so the health centre opened on time.";
constexpr const char* kLearning = "Small acts keep a service running for patients.";

class StoryStoreTest : public testing::StoreFixture {
 protected:
  void SetUp() override {
    StoreFixture::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    ward_ = MakeTeam("Ward 7");
    theatres_ = MakeTeam("Theatres");
    ada_ = MakePerson("Ada Lovelace", "ada@nhs.net");
    ben_ = MakePerson("Ben Okri", "ben@nhs.net");
    cy_ = MakePerson("Cy Twombly", "cy@nhs.net");
    for (const Tag& t : Must(store_->ListTags(org_, TagKind::kValue, false))) {
      values_.push_back(t.id);
    }
    for (const Tag& t : Must(store_->ListTags(org_, TagKind::kBehaviour, false))) {
      behaviours_.push_back(t.id);
    }
    ASSERT_EQ(values_.size(), 6u);  // dignity, respect, trust, safety, civility, compassion
    ASSERT_GE(behaviours_.size(), 2u);
  }

  // A draft by `author` about `people`, showing the first value.
  Story Draft(PersonId author, std::vector<PersonId> people, std::string title = kTitle,
              std::string text = kText) const {
    Story s;
    s.org = org_;
    s.author = author;
    s.people = std::move(people);
    s.title = std::move(title);
    s.text = std::move(text);
    s.learning = kLearning;
    s.values = {values_[0]};
    return s;
  }

  Story Create(const Story& s) { return Must(store_->CreateStory(Actor::Of(s.author), s)); }

  // `s` published at `now_`.
  Story Publish(Story s) {
    s.state = StoryState::kPublished;
    if (!s.submitted_at) s.submitted_at = now_;
    s.published_at = now_;
    return Must(store_->UpdateStory(Actor::Of(s.author), s, "publish"));
  }

  std::vector<StoryId> Ids(const StoryQuery& query) {
    std::vector<StoryId> out;
    for (const Story& s : Must(store_->ListStories(org_, query))) out.push_back(s.id);
    return out;
  }

  std::vector<StoryId> Search(const std::string& words) {
    StoryQuery q;
    q.words = words;
    return Ids(q);
  }

  // No audit entry of the organisation holds the words of a story.
  void ExpectAuditHoldsNoStoryWords() {
    for (const auto& e : AuditOf()) {
      for (const char* words : {kTitle, kText, kLearning, "snow", "volunteered"}) {
        EXPECT_EQ(e.before_json.find(words), std::string::npos) << e.action << " " << words;
        EXPECT_EQ(e.after_json.find(words), std::string::npos) << e.action << " " << words;
      }
    }
  }

  domain::Team ward_;
  domain::Team theatres_;
  Person ada_;
  Person ben_;
  Person cy_;
  std::vector<TagId> values_;
  std::vector<TagId> behaviours_;
};

// --- Creating, reading and updating.

TEST_P(StoryStoreTest, ACreatedStoryReadsBackWithItsPeopleTeamsAndTags) {
  const auto falls = MakeMeasure(ward_.id, "Falls");
  Story s = Draft(ada_.id, {ben_.id, cy_.id});
  s.teams = {theatres_.id, ward_.id};
  s.team = ward_.id;
  s.measure = falls.id;
  s.values = {values_[2], values_[0]};
  s.behaviours = {behaviours_[1]};
  s.moderation_note = "";
  s.submitted_at = now_ - 10;
  const Story created = Create(s);

  EXPECT_TRUE(created.id.valid());
  EXPECT_EQ(created.org, org_);
  EXPECT_EQ(created.author, ada_.id);
  EXPECT_EQ(created.people, (std::vector<PersonId>{ben_.id, cy_.id}));
  EXPECT_EQ(created.teams, (std::vector<TeamId>{theatres_.id, ward_.id}));
  EXPECT_EQ(created.team, ward_.id);
  EXPECT_EQ(created.measure, falls.id);
  EXPECT_EQ(created.title, kTitle);
  EXPECT_EQ(created.text, kText);
  EXPECT_EQ(created.learning, kLearning);
  EXPECT_EQ(created.values, (std::vector<TagId>{values_[2], values_[0]}));
  EXPECT_EQ(created.behaviours, (std::vector<TagId>{behaviours_[1]}));
  EXPECT_EQ(created.state, StoryState::kDraft);
  EXPECT_EQ(created.created_at, now_);
  EXPECT_EQ(created.updated_at, now_);
  EXPECT_EQ(created.submitted_at, now_ - 10);
  EXPECT_FALSE(created.published_at.has_value());
  EXPECT_FALSE(created.closed_at.has_value());
  EXPECT_FALSE(created.purged);
  EXPECT_TRUE(created.consents.empty());
  EXPECT_TRUE(created.acknowledgements.empty());
  EXPECT_TRUE(created.thanks.empty());
  EXPECT_EQ(Must(store_->GetStory(org_, created.id)), created);

  // A story about "myself" names its author.
  const Story myself = Create(Draft(cy_.id, {cy_.id}));
  EXPECT_EQ(Must(store_->GetStory(org_, myself.id)).people, (std::vector<PersonId>{cy_.id}));

  const auto audit = AuditOf("story", created.id.value);
  ASSERT_EQ(audit.size(), 1u);
  EXPECT_EQ(audit[0].action, "story.create");
  EXPECT_EQ(audit[0].actor, Actor::Of(ada_.id));
  EXPECT_EQ(audit[0].before_json, "");
  EXPECT_NE(audit[0].after_json.find("\"state\":\"draft\""), std::string::npos);
  ExpectAuditHoldsNoStoryWords();
}

TEST_P(StoryStoreTest, GetStoryOfAnotherOrganisationIsNotFound) {
  const Story s = Create(Draft(ada_.id, {ben_.id}));
  const auto other = Must(store_->CreateOrganisation(admin_, "Southshire ICS"));
  EXPECT_TRUE(Fails(store_->GetStory(other.id, s.id), StoreErrorCode::kNotFound, "story"));
  EXPECT_TRUE(
      Fails(store_->GetStory(org_, StoryId(s.id.value + 100)), StoreErrorCode::kNotFound, "story"));
  StoryQuery all;
  EXPECT_TRUE(Must(store_->ListStories(other.id, all)).empty());
}

TEST_P(StoryStoreTest, CreateStoryRejectsWhatIsNotInTheOrganisationAndWritesNothing) {
  const auto other = Must(store_->CreateOrganisation(admin_, "Southshire ICS"));
  const auto stranger = MakePerson("Dee", "dee@nhs.net", other.id);
  const auto far_team = MakeTeam("Far ward", std::nullopt, other.id);
  const auto far_measure = MakeMeasure(far_team.id, "Far falls", spc::Chart::kI, other.id);
  const auto far_value = Must(store_->ListTags(other.id, TagKind::kValue, false)).front();
  const auto far_behaviour = Must(store_->ListTags(other.id, TagKind::kBehaviour, false)).front();
  const size_t audit_before = AuditCount();

  Story s = Draft(ada_.id, {ben_.id, stranger.id});
  EXPECT_TRUE(Fails(store_->CreateStory(admin_, s), StoreErrorCode::kInvalid, "people",
                    "not in the organisation"));
  s = Draft(ada_.id, {PersonId(999999)});
  EXPECT_TRUE(Fails(store_->CreateStory(admin_, s), StoreErrorCode::kInvalid, "people",
                    "not in the organisation"));
  s = Draft(ada_.id, {ben_.id});
  s.teams = {ward_.id, far_team.id};
  EXPECT_TRUE(Fails(store_->CreateStory(admin_, s), StoreErrorCode::kInvalid, "teams",
                    "not in the organisation"));
  s = Draft(ada_.id, {ben_.id});
  s.team = far_team.id;
  EXPECT_TRUE(Fails(store_->CreateStory(admin_, s), StoreErrorCode::kInvalid, "team",
                    "not in the organisation"));
  s = Draft(ada_.id, {ben_.id});
  s.measure = far_measure.id;
  EXPECT_TRUE(Fails(store_->CreateStory(admin_, s), StoreErrorCode::kInvalid, "measure",
                    "not in the organisation"));
  s = Draft(ada_.id, {ben_.id});
  s.values = {values_[0], far_value.id};
  EXPECT_TRUE(Fails(store_->CreateStory(admin_, s), StoreErrorCode::kInvalid, "values",
                    "not in the organisation"));
  s = Draft(ada_.id, {ben_.id});
  s.behaviours = {far_behaviour.id};
  EXPECT_TRUE(Fails(store_->CreateStory(admin_, s), StoreErrorCode::kInvalid, "behaviours",
                    "not in the organisation"));
  // Tags of the wrong kind.
  s = Draft(ada_.id, {ben_.id});
  s.values = {behaviours_[0]};
  EXPECT_TRUE(Fails(store_->CreateStory(admin_, s), StoreErrorCode::kInvalid, "values"));
  s = Draft(ada_.id, {ben_.id});
  s.behaviours = {values_[1]};
  EXPECT_TRUE(Fails(store_->CreateStory(admin_, s), StoreErrorCode::kInvalid, "behaviours"));

  StoryQuery all;
  all.limit = 0;
  EXPECT_TRUE(Must(store_->ListStories(org_, all)).empty());
  EXPECT_EQ(AuditCount(), audit_before);
}

TEST_P(StoryStoreTest, UpdateStoryReplacesEverythingAndAuditsTheVerbWithoutTheWords) {
  Story s = Draft(ada_.id, {ben_.id, cy_.id});
  s.teams = {ward_.id};
  s.values = {values_[0], values_[1]};
  s.behaviours = {behaviours_[0]};
  const Story created = Create(s);

  now_ += 60;
  Story edit = created;
  edit.people = {cy_.id};
  edit.teams = {theatres_.id};
  edit.team = theatres_.id;
  edit.values = {values_[3]};
  edit.behaviours = {};
  edit.title = "A new title";
  edit.text = "Cy volunteered as well.";
  edit.state = StoryState::kInModeration;
  edit.findings_json = R"({"findings":[{"kind":"name","start":0,"end":8,"text":"Mr Smith"}]})";
  edit.submitted_at = now_;
  const Story updated = Must(store_->UpdateStory(Actor::Of(ada_.id), edit, "submit"));

  EXPECT_EQ(updated.id, created.id);
  EXPECT_EQ(updated.people, (std::vector<PersonId>{cy_.id}));
  EXPECT_EQ(updated.teams, (std::vector<TeamId>{theatres_.id}));
  EXPECT_EQ(updated.team, theatres_.id);
  EXPECT_EQ(updated.values, (std::vector<TagId>{values_[3]}));
  EXPECT_TRUE(updated.behaviours.empty());
  EXPECT_EQ(updated.title, "A new title");
  EXPECT_EQ(updated.text, "Cy volunteered as well.");
  EXPECT_EQ(updated.state, StoryState::kInModeration);
  EXPECT_EQ(updated.findings_json, edit.findings_json);
  EXPECT_EQ(updated.submitted_at, now_);
  EXPECT_EQ(updated.created_at, created.created_at);  // kept
  EXPECT_EQ(updated.updated_at, now_);
  EXPECT_EQ(Must(store_->GetStory(org_, created.id)), updated);

  const auto audit = AuditOf("story", created.id.value);
  ASSERT_EQ(audit.size(), 2u);
  EXPECT_EQ(audit[1].action, "story.submit");
  EXPECT_EQ(audit[1].actor, Actor::Of(ada_.id));
  EXPECT_NE(audit[1].before_json.find("\"state\":\"draft\""), std::string::npos);
  EXPECT_NE(audit[1].after_json.find("\"state\":\"in_moderation\""), std::string::npos);
  for (const auto& e : audit) {
    for (const char* words : {"A new title", "Cy volunteered", "Mr Smith"}) {
      EXPECT_EQ(e.before_json.find(words), std::string::npos) << words;
      EXPECT_EQ(e.after_json.find(words), std::string::npos) << words;
    }
  }
  ExpectAuditHoldsNoStoryWords();

  // The checks of CreateStory, and the story must exist.
  Story bad = updated;
  bad.values = {behaviours_[0]};
  EXPECT_TRUE(Fails(store_->UpdateStory(admin_, bad, "edit"), StoreErrorCode::kInvalid, "values"));
  bad = updated;
  bad.id = StoryId(updated.id.value + 100);
  EXPECT_TRUE(Fails(store_->UpdateStory(admin_, bad, "edit"), StoreErrorCode::kNotFound, "story"));
  EXPECT_EQ(Must(store_->GetStory(org_, created.id)), updated);
  EXPECT_EQ(AuditOf("story", created.id.value).size(), 2u);
}

// --- Consents, acknowledgements and thanks.

TEST_P(StoryStoreTest, SetConsentAddsOrReplacesTheConsentOfAPersonNamed) {
  const Story s = Create(Draft(ada_.id, {ben_.id, cy_.id}));
  const auto pending = Must(store_->SetConsent(admin_, org_, s.id, cy_.id, ConsentState::kPending));
  EXPECT_EQ(pending.person, cy_.id);
  EXPECT_EQ(pending.state, ConsentState::kPending);
  EXPECT_FALSE(pending.decided_at.has_value());

  now_ += 100;
  const auto given =
      Must(store_->SetConsent(Actor::Of(ben_.id), org_, s.id, ben_.id, ConsentState::kGiven));
  EXPECT_EQ(given.state, ConsentState::kGiven);
  EXPECT_EQ(given.decided_at, now_);

  now_ += 100;
  const auto declined =
      Must(store_->SetConsent(Actor::Of(cy_.id), org_, s.id, cy_.id, ConsentState::kDeclined));
  EXPECT_EQ(declined.decided_at, now_);

  const Story read = Must(store_->GetStory(org_, s.id));
  ASSERT_EQ(read.consents.size(), 2u);
  EXPECT_EQ(read.consents, (std::vector<domain::Consent>{given, declined}));

  // Only the people named consent; the story must exist.
  EXPECT_TRUE(Fails(store_->SetConsent(admin_, org_, s.id, ada_.id, ConsentState::kGiven),
                    StoreErrorCode::kInvalid, "person"));
  EXPECT_TRUE(Fails(
      store_->SetConsent(admin_, org_, StoryId(s.id.value + 100), ben_.id, ConsentState::kGiven),
      StoreErrorCode::kNotFound, "story"));

  std::vector<std::string> actions;
  for (const auto& e : AuditOf("story", s.id.value)) actions.push_back(e.action);
  EXPECT_EQ(actions, (std::vector<std::string>{"story.create", "story.consent", "story.consent",
                                               "story.consent"}));

  Must(store_->ClearConsents(admin_, org_, s.id));
  EXPECT_TRUE(Must(store_->GetStory(org_, s.id)).consents.empty());
  EXPECT_EQ(AuditOf("story", s.id.value).size(), 5u);
  EXPECT_TRUE(Fails(store_->ClearConsents(admin_, org_, StoryId(s.id.value + 100)),
                    StoreErrorCode::kNotFound, "story"));
}

TEST_P(StoryStoreTest, AManagerAcknowledgesAndAPersonThanksOnce) {
  const Story s = Create(Draft(ada_.id, {ben_.id}));
  now_ += 30;
  const Acknowledgement ack = Must(store_->AddAcknowledgement(
      Actor::Of(cy_.id), org_, s.id, Acknowledgement{cy_.id, "Thank you, Ben", true, 0}));
  EXPECT_EQ(ack, (Acknowledgement{cy_.id, "Thank you, Ben", true, now_}));
  EXPECT_TRUE(
      Fails(store_->AddAcknowledgement(admin_, org_, s.id, Acknowledgement{cy_.id, "", false, 0}),
            StoreErrorCode::kConflict, "manager"));

  now_ += 30;
  const Thanks thanks =
      Must(store_->AddThanks(Actor::Of(ada_.id), org_, s.id, Thanks{ada_.id, "Brilliant", 0}));
  EXPECT_EQ(thanks, (Thanks{ada_.id, "Brilliant", now_}));
  const Thanks plain = Must(store_->AddThanks(admin_, org_, s.id, Thanks{ben_.id, "", 0}));
  EXPECT_EQ(plain.at, now_);
  EXPECT_TRUE(Fails(store_->AddThanks(admin_, org_, s.id, Thanks{ada_.id, "Again", 0}),
                    StoreErrorCode::kConflict, "person"));

  const Story read = Must(store_->GetStory(org_, s.id));
  EXPECT_EQ(read.acknowledgements, (std::vector<Acknowledgement>{ack}));
  ASSERT_EQ(read.thanks.size(), 2u);
  EXPECT_EQ(read.thanks[0], thanks);
  EXPECT_EQ(read.thanks[1], plain);

  EXPECT_TRUE(
      Fails(store_->AddThanks(admin_, org_, StoryId(s.id.value + 100), Thanks{cy_.id, "", 0}),
            StoreErrorCode::kNotFound, "story"));
  std::vector<std::string> actions;
  for (const auto& e : AuditOf("story", s.id.value)) actions.push_back(e.action);
  EXPECT_EQ(actions, (std::vector<std::string>{"story.create", "story.acknowledge", "story.thank",
                                               "story.thank"}));
}

// --- Listing.

class StoryListTest : public StoryStoreTest {
 protected:
  void SetUp() override {
    StoryStoreTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    const int64_t t0 = now_;
    // one: by Ada about Ben, team Ward 7, trust and the first behaviour, published at t0 + 100.
    Story s = Draft(ada_.id, {ben_.id});
    s.team = ward_.id;
    s.values = {values_[2]};
    s.behaviours = {behaviours_[0]};
    one_ = Create(s);
    // two: by Ben about Cy, names Theatres, dignity, published at t0 + 200.
    s = Draft(ben_.id, {cy_.id});
    s.teams = {theatres_.id};
    two_ = Create(s);
    // draft: by Ada about Cy, respect, never submitted; updated at t0 + 300.
    s = Draft(ada_.id, {cy_.id});
    s.values = {values_[1]};
    draft_ = Create(s);
    // waiting: by Cy about Ada, team Theatres, trust, submitted at t0 + 50, updated at t0 + 400.
    s = Draft(cy_.id, {ada_.id});
    s.team = theatres_.id;
    s.values = {values_[2]};
    waiting_ = Create(s);

    now_ = t0 + 50;
    waiting_.state = StoryState::kAwaitingConsent;
    waiting_.submitted_at = now_;
    now_ = t0 + 100;
    one_ = Publish(one_);
    now_ = t0 + 200;
    two_ = Publish(two_);
    now_ = t0 + 300;
    draft_.learning = "Edited";
    draft_ = Must(store_->UpdateStory(Actor::Of(ada_.id), draft_, "edit"));
    now_ = t0 + 400;
    waiting_ = Must(store_->UpdateStory(Actor::Of(cy_.id), waiting_, "submit"));
    t0_ = t0;
  }

  Story one_;
  Story two_;
  Story draft_;
  Story waiting_;
  int64_t t0_ = 0;
};

TEST_P(StoryListTest, NewestFirstByPublicationThenUpdateThenId) {
  StoryQuery all;
  EXPECT_EQ(Ids(all), (std::vector<StoryId>{two_.id, one_.id, waiting_.id, draft_.id}));

  // Stories published at the same moment: the one updated later first, then the larger id.
  now_ = t0_ + 1000;
  Story a = Publish(Create(Draft(ada_.id, {ben_.id})));
  Story b = Publish(Create(Draft(ada_.id, {ben_.id})));
  Story c = Publish(Create(Draft(ada_.id, {ben_.id})));
  now_ += 5;
  a.moderation_note = "";
  a = Must(store_->UpdateStory(admin_, a, "edit"));  // still published at t0 + 1000
  EXPECT_EQ(Ids(all),
            (std::vector<StoryId>{a.id, c.id, b.id, two_.id, one_.id, waiting_.id, draft_.id}));

  // Paging.
  StoryQuery page;
  page.limit = 2;
  page.offset = 1;
  EXPECT_EQ(Ids(page), (std::vector<StoryId>{c.id, b.id}));
  page.limit = 0;  // no limit
  page.offset = 5;
  EXPECT_EQ(Ids(page), (std::vector<StoryId>{waiting_.id, draft_.id}));
  page.limit = 3;
  page.offset = 0;
  EXPECT_EQ(Ids(page).size(), 3u);
}

TEST_P(StoryListTest, EachFilterAndTheirCombination) {
  StoryQuery q;
  q.states = {StoryState::kPublished};
  EXPECT_EQ(Ids(q), (std::vector<StoryId>{two_.id, one_.id}));
  q.states = {StoryState::kDraft, StoryState::kAwaitingConsent};
  EXPECT_EQ(Ids(q), (std::vector<StoryId>{waiting_.id, draft_.id}));

  q = {};
  q.author = ada_.id;
  EXPECT_EQ(Ids(q), (std::vector<StoryId>{one_.id, draft_.id}));

  q = {};
  q.about_people = {cy_.id};
  EXPECT_EQ(Ids(q), (std::vector<StoryId>{two_.id, draft_.id}));
  q.about_people = {ben_.id, ada_.id};
  EXPECT_EQ(Ids(q), (std::vector<StoryId>{one_.id, waiting_.id}));

  q = {};
  q.teams = {ward_.id};  // the team it belongs to
  EXPECT_EQ(Ids(q), (std::vector<StoryId>{one_.id}));
  q.teams = {theatres_.id};  // named by two, the team of waiting
  EXPECT_EQ(Ids(q), (std::vector<StoryId>{two_.id, waiting_.id}));
  q.teams = {ward_.id, theatres_.id};
  EXPECT_EQ(Ids(q), (std::vector<StoryId>{two_.id, one_.id, waiting_.id}));

  q = {};
  q.value = values_[2];  // trust
  EXPECT_EQ(Ids(q), (std::vector<StoryId>{one_.id, waiting_.id}));
  q.value = values_[0];  // dignity
  EXPECT_EQ(Ids(q), (std::vector<StoryId>{two_.id}));
  q.value = behaviours_[0];  // a behaviour is no value
  EXPECT_TRUE(Ids(q).empty());

  q = {};
  q.behaviour = behaviours_[0];
  EXPECT_EQ(Ids(q), (std::vector<StoryId>{one_.id}));
  q.behaviour = values_[2];
  EXPECT_TRUE(Ids(q).empty());

  q = {};
  q.published_from = t0_ + 200;
  EXPECT_EQ(Ids(q), (std::vector<StoryId>{two_.id}));
  q = {};
  q.published_to = t0_ + 200;
  EXPECT_EQ(Ids(q), (std::vector<StoryId>{one_.id}));
  q.published_from = t0_ + 100;
  q.published_to = t0_ + 201;
  EXPECT_EQ(Ids(q), (std::vector<StoryId>{two_.id, one_.id}));

  q = {};
  q.submitted_before = t0_ + 100;  // waiting (t0 + 50); one was submitted at t0 + 100
  EXPECT_EQ(Ids(q), (std::vector<StoryId>{waiting_.id}));
  q.submitted_before = t0_ + 101;
  EXPECT_EQ(Ids(q), (std::vector<StoryId>{one_.id, waiting_.id}));

  // Every condition must hold.
  q = {};
  q.author = ada_.id;
  q.value = values_[2];
  q.states = {StoryState::kPublished};
  q.teams = {ward_.id};
  q.about_people = {ben_.id};
  EXPECT_EQ(Ids(q), (std::vector<StoryId>{one_.id}));
  q.about_people = {cy_.id};
  EXPECT_TRUE(Ids(q).empty());
}

TEST_P(StoryListTest, ListedStoriesCarryTheirConsentsAcknowledgementsAndThanks) {
  Must(store_->SetConsent(admin_, org_, waiting_.id, ada_.id, ConsentState::kGiven));
  Must(store_->AddAcknowledgement(admin_, org_, one_.id, Acknowledgement{cy_.id, "", false, 0}));
  Must(store_->AddThanks(admin_, org_, two_.id, Thanks{ada_.id, "Thanks", 0}));
  Must(store_->AddThanks(admin_, org_, one_.id, Thanks{ada_.id, "", 0}));
  StoryQuery all;
  const auto stories = Must(store_->ListStories(org_, all));
  ASSERT_EQ(stories.size(), 4u);
  for (const Story& s : stories) EXPECT_EQ(s, Must(store_->GetStory(org_, s.id)));
  EXPECT_EQ(stories[0].thanks.size(), 1u);            // two
  EXPECT_EQ(stories[1].acknowledgements.size(), 1u);  // one
  EXPECT_EQ(stories[1].thanks.size(), 1u);
  EXPECT_EQ(stories[2].consents.size(), 1u);  // waiting
  EXPECT_TRUE(stories[3].consents.empty());   // draft
}

// --- Search.

TEST_P(StoryStoreTest, SearchFindsPublishedStoriesByWordsStemsAndPrefixes) {
  Story published = Publish(Create(Draft(ada_.id, {ben_.id})));
  Story other = Draft(ada_.id, {cy_.id}, "A quiet night", "Cy stayed calm with O'Brien's family.");
  other = Publish(Create(other));
  const Story draft = Create(Draft(ada_.id, {ben_.id}, "Draft", "Ben volunteered again."));
  Story withdrawn = Publish(Create(Draft(cy_.id, {cy_.id}, "Gone", "I volunteered too.")));
  withdrawn.state = StoryState::kWithdrawn;
  withdrawn.closed_at = now_;
  withdrawn = Must(store_->UpdateStory(Actor::Of(cy_.id), withdrawn, "withdraw"));

  const std::vector<StoryId> just = {published.id};
  EXPECT_EQ(Search("volunteered"), just);
  EXPECT_EQ(Search("volunteer"), just);   // a stem of the word
  EXPECT_EQ(Search("VOLUNT"), just);      // a prefix, any case
  EXPECT_EQ(Search("volunteers"), just);  // the same stem
  EXPECT_EQ(Search("snow health"), just);
  EXPECT_EQ(Search("centre volunteer miles"), just);
  EXPECT_EQ(Search("learning"), std::vector<StoryId>{});  // not a word of any story
  // In the learning, which both published stories share.
  EXPECT_EQ(Search("patients"), (std::vector<StoryId>{other.id, published.id}));
  EXPECT_EQ(Search("snow calm"), std::vector<StoryId>{});  // every word must match
  EXPECT_EQ(Search("calm"), std::vector<StoryId>{other.id});
  EXPECT_EQ(Search("O'Brien"), std::vector<StoryId>{other.id});
  EXPECT_EQ(Search("Brien"), std::vector<StoryId>{other.id});

  // Search combines with the other conditions.
  StoryQuery q;
  q.words = "volunteer";
  q.author = cy_.id;
  EXPECT_TRUE(Ids(q).empty());
  q.author = ada_.id;
  EXPECT_EQ(Ids(q), just);

  // Words that would be operators or syntax to the engines are only words.
  for (const char* weird : {"\"",         "'",      "O'Brien\"",  "AND",
                            "OR",         "NOT",    "NEAR",       "NEAR(snow health)",
                            "*",          "-",      "- snow",     "snow -health",
                            "snow AND",   "\"snow", "title:snow", "body:snow",
                            "a & b | !c", "(",      ")",          "snow:*",
                            "<->",        "\\",     "''",         "%",
                            "_",          "^snow",  "snow*",      "{snow}",
                            "’",          "snow’s", "é",          "   ",
                            "\t"}) {
    StoryQuery w;
    w.words = weird;
    auto r = store_->ListStories(org_, w);
    ASSERT_TRUE(r) << "\"" << weird << "\": " << r.error().message;
    for (const Story& s : *r) {
      EXPECT_EQ(s.state, StoryState::kPublished) << "\"" << weird << "\"";
    }
  }
  EXPECT_EQ(Search("snow*"), just);
  EXPECT_EQ(Search("\"snow"), just);
  EXPECT_EQ(Search("-snow"), just);

  // The index follows the state.
  published.state = StoryState::kWithdrawn;
  published.closed_at = now_;
  published = Must(store_->UpdateStory(Actor::Of(ada_.id), published, "withdraw"));
  EXPECT_TRUE(Search("volunteer").empty());
  published.state = StoryState::kPublished;
  published.closed_at.reset();
  published.text = "Ben walked through the blizzard.";
  published = Must(store_->UpdateStory(admin_, published, "publish"));
  EXPECT_TRUE(Search("volunteer").empty());
  EXPECT_EQ(Search("blizzard"), just);
  EXPECT_EQ(Search("Ben"), just);  // the draft also names Ben in its text, but is not indexed
  (void)draft;
}

// --- Retention.

TEST_P(StoryStoreTest, PurgeStoriesBlanksClosedStoriesOlderThanTheCutoffOnly) {
  const int64_t old_close = now_;
  const auto close = [&](Story s, StoryState state, int64_t at, const char* verb) {
    s.state = state;
    s.closed_at = at;
    s.findings_json = R"({"findings":[]})";
    return Must(store_->UpdateStory(admin_, s, verb));
  };
  const Story withdrawn = close(Publish(Create(Draft(ada_.id, {ben_.id}))), StoryState::kWithdrawn,
                                old_close, "withdraw");
  const Story rejected =
      close(Create(Draft(ada_.id, {ben_.id})), StoryState::kRejected, old_close, "reject");
  const Story declined =
      close(Create(Draft(ada_.id, {ben_.id})), StoryState::kDeclined, old_close + 10, "decline");
  const Story recent = close(Create(Draft(ada_.id, {ben_.id})), StoryState::kWithdrawn,
                             old_close + 1000, "withdraw");
  const Story published = Publish(Create(Draft(ada_.id, {ben_.id})));
  const Story draft = Create(Draft(ada_.id, {ben_.id}));

  now_ += 5000;
  const int64_t cutoff = old_close + 11;  // before recent, after the others
  EXPECT_EQ(Must(store_->PurgeStories(admin_, org_, cutoff)), 3);
  for (const Story& s : {withdrawn, rejected, declined}) {
    const Story read = Must(store_->GetStory(org_, s.id));
    EXPECT_TRUE(read.purged);
    EXPECT_EQ(read.title, "");
    EXPECT_EQ(read.text, "");
    EXPECT_EQ(read.learning, "");
    EXPECT_EQ(read.findings_json, "");
    EXPECT_EQ(read.state, s.state);
    EXPECT_EQ(read.people, s.people);
    EXPECT_EQ(read.closed_at, s.closed_at);
    const auto audit = AuditOf("story", s.id.value);
    ASSERT_FALSE(audit.empty());
    EXPECT_EQ(audit.back().action, "story.purge");
  }
  for (const Story& s : {recent, published, draft}) {
    const Story read = Must(store_->GetStory(org_, s.id));
    EXPECT_FALSE(read.purged);
    EXPECT_EQ(read.text, kText);
  }
  EXPECT_EQ(Search("volunteered"), std::vector<StoryId>{published.id});
  ExpectAuditHoldsNoStoryWords();

  // Once purged, not again; the cutoff is exclusive.
  EXPECT_EQ(Must(store_->PurgeStories(admin_, org_, cutoff)), 0);
  EXPECT_EQ(Must(store_->PurgeStories(admin_, org_, old_close + 1000)), 0);
  EXPECT_EQ(Must(store_->PurgeStories(admin_, org_, old_close + 1001)), 1);
  EXPECT_TRUE(Must(store_->GetStory(org_, recent.id)).purged);
}

TEST_P(StoryStoreTest, RetentionDaysDefaultTo30AndAreKeptFrom0To3650) {
  EXPECT_EQ(Must(store_->GetStoryRetentionDays(org_)), 30);
  Must(store_->SetStoryRetentionDays(admin_, org_, 90));
  EXPECT_EQ(Must(store_->GetStoryRetentionDays(org_)), 90);
  Must(store_->SetStoryRetentionDays(admin_, org_, 0));
  EXPECT_EQ(Must(store_->GetStoryRetentionDays(org_)), 0);
  Must(store_->SetStoryRetentionDays(admin_, org_, 3650));
  EXPECT_EQ(Must(store_->GetStoryRetentionDays(org_)), 3650);
  EXPECT_TRUE(Fails(store_->SetStoryRetentionDays(admin_, org_, -1), StoreErrorCode::kInvalid,
                    "retention_days"));
  EXPECT_TRUE(Fails(store_->SetStoryRetentionDays(admin_, org_, 3651), StoreErrorCode::kInvalid,
                    "retention_days"));
  EXPECT_EQ(Must(store_->GetStoryRetentionDays(org_)), 3650);

  // Each organisation has its own.
  const auto other = Must(store_->CreateOrganisation(admin_, "Southshire ICS"));
  EXPECT_EQ(Must(store_->GetStoryRetentionDays(other.id)), 30);
  EXPECT_TRUE(
      Fails(store_->GetStoryRetentionDays(OrgId(999999)), StoreErrorCode::kNotFound, "org"));

  size_t changes = 0;
  for (const auto& e : AuditOf("organisation", org_.value)) {
    if (e.action != "organisation.create") ++changes;
  }
  EXPECT_EQ(changes, 3u);
}

// --- Reflections and replies.

TEST_P(StoryStoreTest, ReflectionsAndRepliesRoundTripNewestAndOldestFirst) {
  Reflection in;
  in.org = org_;
  in.author = ada_.id;
  in.title = "Our winter";
  in.learned = "Ask the reception team first.";
  in.got_wrong = "I planned the rota without them.";
  in.changed = "We meet every Monday.";
  const Reflection first = Must(store_->CreateReflection(Actor::Of(ada_.id), in));
  EXPECT_TRUE(first.id.valid());
  EXPECT_EQ(first.created_at, now_);
  EXPECT_EQ(first.title, in.title);
  EXPECT_EQ(first.got_wrong, in.got_wrong);
  EXPECT_EQ(Must(store_->GetReflection(org_, first.id)), first);
  now_ += 10;
  in.title = "Our spring";
  const Reflection second = Must(store_->CreateReflection(Actor::Of(ada_.id), in));
  now_ += 10;
  in.title = "Our summer";
  const Reflection third = Must(store_->CreateReflection(Actor::Of(ada_.id), in));

  EXPECT_EQ(Must(store_->ListReflections(org_, 0, 0)),
            (std::vector<Reflection>{third, second, first}));
  EXPECT_EQ(Must(store_->ListReflections(org_, 1, 1)), (std::vector<Reflection>{second}));
  EXPECT_EQ(Must(store_->ListReflections(org_, 0, 2)), (std::vector<Reflection>{first}));
  EXPECT_TRUE(Fails(store_->GetReflection(org_, ReflectionId(third.id.value + 100)),
                    StoreErrorCode::kNotFound, "reflection"));
  in.author = PersonId(999999);
  EXPECT_TRUE(Fails(store_->CreateReflection(admin_, in), StoreErrorCode::kInvalid, "author"));

  Reply r;
  r.org = org_;
  r.reflection = first.id;
  r.author = ben_.id;
  r.text = "Why Mondays?";
  now_ += 10;
  const Reply a = Must(store_->AddReply(Actor::Of(ben_.id), r));
  EXPECT_TRUE(a.id.valid());
  EXPECT_EQ(a.created_at, now_);
  EXPECT_EQ(a.text, "Why Mondays?");
  EXPECT_FALSE(a.hidden_at.has_value());
  EXPECT_FALSE(a.hidden_by.has_value());
  EXPECT_EQ(a.hidden_reason, "");
  r.author = cy_.id;
  r.text = "Thank you for saying so.";
  now_ += 10;
  const Reply b = Must(store_->AddReply(Actor::Of(cy_.id), r));
  r.reflection = second.id;
  r.author = ben_.id;
  r.text = "And in spring?";
  now_ += 10;
  const Reply c = Must(store_->AddReply(Actor::Of(ben_.id), r));
  EXPECT_EQ(Must(store_->ListReplies(org_, first.id)), (std::vector<Reply>{a, b}));
  EXPECT_EQ(Must(store_->ListReplies(org_, second.id)), (std::vector<Reply>{c}));
  EXPECT_TRUE(Must(store_->ListReplies(org_, third.id)).empty());
  r.reflection = ReflectionId(third.id.value + 100);
  EXPECT_TRUE(Fails(store_->AddReply(admin_, r), StoreErrorCode::kNotFound, "reflection"));

  // Hiding: a reason is required, once only; the reply stays listed, hidden.
  EXPECT_TRUE(
      Fails(store_->HideReply(admin_, org_, a.id, cy_.id, ""), StoreErrorCode::kInvalid, "reason"));
  EXPECT_TRUE(Fails(store_->HideReply(admin_, org_, a.id, cy_.id, "  "), StoreErrorCode::kInvalid,
                    "reason"));
  now_ += 10;
  const Reply hidden =
      Must(store_->HideReply(Actor::Of(cy_.id), org_, a.id, cy_.id, "Names a patient"));
  EXPECT_EQ(hidden.hidden_at, now_);
  EXPECT_EQ(hidden.hidden_by, cy_.id);
  EXPECT_EQ(hidden.hidden_reason, "Names a patient");
  EXPECT_EQ(hidden.text, a.text);
  EXPECT_TRUE(Fails(store_->HideReply(admin_, org_, a.id, cy_.id, "Again"),
                    StoreErrorCode::kConflict, "reply"));
  EXPECT_TRUE(Fails(store_->HideReply(admin_, org_, ReplyId(c.id.value + 100), cy_.id, "Why"),
                    StoreErrorCode::kNotFound, "reply"));
  EXPECT_EQ(Must(store_->ListReplies(org_, first.id)), (std::vector<Reply>{hidden, b}));

  const auto audit = AuditOf("reply", a.id.value);
  ASSERT_EQ(audit.size(), 2u);
  EXPECT_EQ(audit[0].action, "reply.create");
  EXPECT_EQ(audit[1].action, "reply.hide");
  EXPECT_NE(audit[1].after_json.find("Names a patient"), std::string::npos);

  // Subject access: every reply a person wrote, oldest first.
  EXPECT_EQ(Must(store_->ListRepliesBy(org_, ben_.id)), (std::vector<Reply>{hidden, c}));
  EXPECT_EQ(Must(store_->ListRepliesBy(org_, cy_.id)), (std::vector<Reply>{b}));
  EXPECT_TRUE(Must(store_->ListRepliesBy(org_, ada_.id)).empty());
}

// --- The audit log by actor (subject access).

TEST_P(StoryStoreTest, ListAuditByActorReturnsOnlyThatPersonsChanges) {
  const Story s = Create(Draft(ada_.id, {ben_.id}));  // by Ada
  Must(store_->SetConsent(Actor::Of(ben_.id), org_, s.id, ben_.id, ConsentState::kGiven));
  Must(store_->AddThanks(Actor::Of(cy_.id), org_, s.id, Thanks{cy_.id, "", 0}));
  Must(store_->AddThanks(Actor::Of(ben_.id, "web"), org_, s.id, Thanks{ben_.id, "", 0}));

  AuditQuery q;
  q.actor = ben_.id;
  const auto bens = Must(store_->ListAudit(org_, q));
  ASSERT_EQ(bens.size(), 2u);
  EXPECT_EQ(bens[0].action, "story.consent");
  EXPECT_EQ(bens[1].action, "story.thank");
  for (const auto& e : bens) EXPECT_EQ(e.actor.person, ben_.id);
  q.actor = ada_.id;
  const auto adas = Must(store_->ListAudit(org_, q));
  ASSERT_EQ(adas.size(), 1u);
  EXPECT_EQ(adas[0].action, "story.create");
  // With the other conditions.
  q.actor = ben_.id;
  q.after_id = bens[0].id.value;
  EXPECT_EQ(Must(store_->ListAudit(org_, q)).size(), 1u);
  q.after_id = 0;
  q.entity = "person";
  EXPECT_TRUE(Must(store_->ListAudit(org_, q)).empty());
  // System actors are nobody's.
  q = {};
  q.actor = PersonId(999999);
  EXPECT_TRUE(Must(store_->ListAudit(org_, q)).empty());
}

// --- A backup keeps the stories and their search.

TEST_P(StoryStoreTest, ABackupHoldsTheStoriesAndFindsThemByWords) {
  const Story published = Publish(Create(Draft(ada_.id, {ben_.id})));
  Must(store_->AddThanks(admin_, org_, published.id, Thanks{cy_.id, "", 0}));
  const Story draft = Create(Draft(ada_.id, {cy_.id}, "Draft", "Cy volunteered."));

  std::string dir = (std::filesystem::temp_directory_path() / "everyseat-story-XXXXXX").string();
  ASSERT_NE(mkdtemp(dir.data()), nullptr);
  const std::string path = dir + "/copy.db";
  const auto info = store_->Backup(path);
  ASSERT_TRUE(info) << info.error().message;
  {
    StoreOptions options;
    options.clock = [this] { return now_; };
    auto opened = Store::Open("sqlite:" + path, options);
    ASSERT_TRUE(opened) << opened.error().message;
    Store& copy = **opened;
    EXPECT_EQ(Must(copy.GetStory(org_, published.id)), Must(store_->GetStory(org_, published.id)));
    EXPECT_EQ(Must(copy.GetStory(org_, draft.id)), draft);
    StoryQuery q;
    q.words = "volunteer";
    const auto found = Must(copy.ListStories(org_, q));
    ASSERT_EQ(found.size(), 1u);
    EXPECT_EQ(found[0].id, published.id);
  }
  std::error_code ignored;
  std::filesystem::remove_all(dir, ignored);
}

INSTANTIATE_TEST_SUITE_P(Engines, StoryStoreTest, ::testing::ValuesIn(testing::TestEngines()),
                         testing::EngineName);
INSTANTIATE_TEST_SUITE_P(Engines, StoryListTest, ::testing::ValuesIn(testing::TestEngines()),
                         testing::EngineName);

}  // namespace
}  // namespace everyseat::store
