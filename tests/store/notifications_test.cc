// Notifications, webhooks, the outbox of webhook deliveries and events between processes
// (store.h, "Notifications" to "Events"), on every engine. Expected values are the contract's:
// one notification per (measure, period, kind), the webhook body's fields, the lease and retry
// rules of ClaimDeliveries and RecordDeliveryAttempt, NOTIFY's delivery at commit.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <latch>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "everyseat/domain/secrets.h"
#include "everyseat/store/store.h"
#include "store_fixture.h"
#include "test_database.h"

namespace everyseat::store {
namespace {

using domain::Actor;
using domain::DeliveryState;
using domain::Notification;
using domain::NotificationKind;
using domain::WebhookDelivery;
using testing::Fails;
using testing::Must;

class NotificationTest : public testing::StoreFixture {
 protected:
  void SetUp() override {
    StoreFixture::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    ward_ = MakeTeam("Ward 7");
    falls_ = MakeMeasure(ward_.id, "Falls");
  }

  Notification Input(const domain::Measure& measure, const std::string& period,
                     NotificationKind kind = NotificationKind::kSpecialCause,
                     const std::string& detail = R"({"rule":"shift"})") {
    Notification n;
    n.org = measure.org;
    n.team = measure.team;
    n.measure = measure.id;
    n.period = period;
    n.kind = kind;
    n.message = measure.name + ": special cause of concern";
    n.detail_json = detail;
    return n;
  }

  // Adds a notification that must be new.
  Notification Add(const Notification& input) {
    auto added = Must(store_->AddNotification(lead_, input));
    EXPECT_TRUE(added.has_value());
    return added.value_or(Notification{});
  }

  std::vector<Notification> List(PersonId reader, std::vector<TeamId> teams,
                                 bool unseen_only = false, int64_t after_id = 0, int limit = 100) {
    NotificationQuery q;
    q.teams = std::move(teams);
    q.unseen_only = unseen_only;
    q.after_id = after_id;
    q.limit = limit;
    return Must(store_->ListNotifications(org_, reader, q));
  }

  static std::vector<int64_t> Ids(const std::vector<Notification>& list) {
    std::vector<int64_t> out;
    for (const auto& n : list) out.push_back(n.id.value);
    return out;
  }

  static std::vector<bool> Seen(const std::vector<Notification>& list) {
    std::vector<bool> out;
    for (const auto& n : list) out.push_back(n.seen);
    return out;
  }

  Actor lead_ = Actor::System("spc notifier");
  domain::Team ward_;
  domain::Measure falls_;
};

std::string Unique(const std::string& prefix) {
  std::random_device rd;
  return prefix + "-" + std::to_string(getpid()) + "-" + std::to_string(rd());
}

// --- Notifications.

TEST_P(NotificationTest, ANotificationIsStoredOncePerMeasurePeriodAndKind) {
  const size_t audit_before = AuditCount();
  const Notification input = Input(falls_, "2024-03-04");
  const Notification n = Add(input);
  EXPECT_TRUE(n.id.valid());
  Notification expected = input;
  expected.id = n.id;
  expected.created_at = now_;
  EXPECT_EQ(n, expected);

  // The same measure, period and kind again, even in other words: not stored again.
  Notification again = input;
  again.message = "Falls: a repeat";
  now_ += 60;
  EXPECT_EQ(Must(store_->AddNotification(lead_, again)), std::nullopt);
  EXPECT_EQ(AuditCount(), audit_before + 1);

  // Another kind, or another period, is a new notification.
  const Notification variation =
      Add(Input(falls_, "2024-03-04", NotificationKind::kVariationChanged, ""));
  EXPECT_EQ(variation.detail_json, "{}");  // empty detail is stored as an empty object
  const Notification next = Add(Input(falls_, "2024-03-11"));
  EXPECT_EQ(List(PersonId(), {ward_.id}).size(), 3u);
  EXPECT_EQ(Must(store_->GetNotification(org_, PersonId(), n.id)), expected);

  const auto audit = AuditOf("notification", n.id.value);
  ASSERT_EQ(audit.size(), 1u);
  EXPECT_EQ(audit[0].action, "notification.create");
  EXPECT_EQ(audit[0].actor, lead_);
  EXPECT_EQ(audit[0].before_json, "");
  EXPECT_NE(audit[0].after_json.find("\"kind\":\"special_cause\""), std::string::npos);
  EXPECT_NE(audit[0].after_json.find("\"detail\":{\"rule\":\"shift\"}"), std::string::npos);
  EXPECT_EQ(AuditOf("notification", next.id.value).size(), 1u);
}

TEST_P(NotificationTest, AddNotificationValidatesItsInputAndWritesNothingWhenItFails) {
  const auto icu = MakeTeam("ICU");
  const auto icu_measure = MakeMeasure(icu.id, "Pressure ulcers");
  const size_t audit_before = AuditCount();
  Notification n = Input(falls_, "2024-02-30");
  EXPECT_TRUE(Fails(store_->AddNotification(lead_, n), StoreErrorCode::kInvalid, "period"));
  n = Input(falls_, "2024-03-04");
  n.message = "";
  EXPECT_TRUE(Fails(store_->AddNotification(lead_, n), StoreErrorCode::kInvalid, "message"));
  for (const std::string detail : {"[1]", "{\"rule\":", "\"shift\"", "{} {}"}) {
    EXPECT_TRUE(
        Fails(store_->AddNotification(
                  lead_, Input(falls_, "2024-03-04", NotificationKind::kSpecialCause, detail)),
              StoreErrorCode::kInvalid, "detail_json", "not a JSON object"))
        << detail;
  }
  n = Input(falls_, "2024-03-04");
  n.team = TeamId(999);
  EXPECT_TRUE(Fails(store_->AddNotification(lead_, n), StoreErrorCode::kNotFound, "team"));
  n = Input(falls_, "2024-03-04");
  n.measure = MeasureId(999);
  EXPECT_TRUE(Fails(store_->AddNotification(lead_, n), StoreErrorCode::kNotFound, "measure"));
  n = Input(icu_measure, "2024-03-04");
  n.team = ward_.id;  // the measure belongs to ICU
  EXPECT_TRUE(Fails(store_->AddNotification(lead_, n), StoreErrorCode::kInvalid, "team",
                    "belongs to team " + std::to_string(icu.id.value)));
  EXPECT_TRUE(List(PersonId(), {ward_.id, icu.id}).empty());
  EXPECT_EQ(AuditCount(), audit_before);
}

TEST_P(NotificationTest, NotificationsAreListedNewestFirstWithEachReadersSeenFlag) {
  const auto icu = MakeTeam("ICU");
  const auto ulcers = MakeMeasure(icu.id, "Pressure ulcers");
  const auto ada = MakePerson("Ada", "ada@nhs.net");
  const auto ben = MakePerson("Ben", "ben@nhs.net");
  const Notification first = Add(Input(falls_, "2024-03-04"));
  const Notification second = Add(Input(ulcers, "2024-03-04"));
  const Notification third = Add(Input(falls_, "2024-03-11", NotificationKind::kAssuranceChanged));

  EXPECT_EQ(Ids(List(ada.id, {ward_.id})), (std::vector<int64_t>{third.id.value, first.id.value}));
  EXPECT_EQ(Ids(List(ada.id, {ward_.id, icu.id})),
            (std::vector<int64_t>{third.id.value, second.id.value, first.id.value}));
  EXPECT_TRUE(List(ada.id, {}).empty());  // no teams: none

  const size_t audit_before = AuditCount();
  Must(store_->MarkNotificationSeen(org_, ada.id, first.id));
  Must(store_->MarkNotificationSeen(org_, ada.id, first.id));  // twice is not an error
  EXPECT_EQ(AuditCount(), audit_before + 1);                   // and changes nothing
  const auto seen = AuditOf("notification", first.id.value);
  EXPECT_EQ(seen.back().action, "notification.seen");
  EXPECT_EQ(seen.back().actor, Actor::Of(ada.id));

  EXPECT_EQ(Seen(List(ada.id, {ward_.id})), (std::vector<bool>{false, true}));
  EXPECT_EQ(Seen(List(ben.id, {ward_.id})), (std::vector<bool>{false, false}));
  EXPECT_TRUE(Must(store_->GetNotification(org_, ada.id, first.id)).seen);
  EXPECT_FALSE(Must(store_->GetNotification(org_, ben.id, first.id)).seen);
  EXPECT_EQ(Ids(List(ada.id, {ward_.id}, true)), (std::vector<int64_t>{third.id.value}));
  EXPECT_EQ(Ids(List(ben.id, {ward_.id}, true)),
            (std::vector<int64_t>{third.id.value, first.id.value}));

  // Paging: ids greater than after_id, newest first, at most limit.
  EXPECT_EQ(Ids(List(ada.id, {ward_.id, icu.id}, false, first.id.value)),
            (std::vector<int64_t>{third.id.value, second.id.value}));
  EXPECT_EQ(Ids(List(ada.id, {ward_.id, icu.id}, false, 0, 1)),
            (std::vector<int64_t>{third.id.value}));

  EXPECT_TRUE(Fails(store_->MarkNotificationSeen(org_, ada.id, NotificationId(999)),
                    StoreErrorCode::kNotFound, "notification"));
  EXPECT_TRUE(Fails(store_->MarkNotificationSeen(org_, PersonId(999), first.id),
                    StoreErrorCode::kNotFound, "person"));
  EXPECT_TRUE(Fails(store_->GetNotification(org_, ada.id, NotificationId(999)),
                    StoreErrorCode::kNotFound, "notification"));
}

TEST_P(NotificationTest, AnOrganisationSeesNoNotificationWebhookOrDeliveryOfAnother) {
  const OrgId other = Must(store_->CreateOrganisation(admin_, "Southshire Trust")).id;
  const auto their_team = MakeTeam("Ward 9", std::nullopt, other);
  const auto their_measure = MakeMeasure(their_team.id, "Falls", spc::Chart::kI, other);
  const auto their_person = MakePerson("Cy", "cy@nhs.net", other);
  Must(store_->SetWebhook(admin_, other, their_team.id, "https://south.example/hook"));
  const Notification theirs = Add(Input(their_measure, "2024-03-04"));
  const auto ada = MakePerson("Ada", "ada@nhs.net");

  EXPECT_TRUE(Fails(store_->GetNotification(org_, ada.id, theirs.id), StoreErrorCode::kNotFound,
                    "notification"));
  EXPECT_TRUE(Fails(store_->MarkNotificationSeen(org_, ada.id, theirs.id),
                    StoreErrorCode::kNotFound, "notification"));
  EXPECT_TRUE(Fails(store_->MarkNotificationSeen(other, ada.id, theirs.id),
                    StoreErrorCode::kNotFound, "person"));
  EXPECT_TRUE(List(ada.id, {their_team.id}).empty());
  Notification cross = Input(their_measure, "2024-03-11");
  cross.org = org_;
  EXPECT_TRUE(Fails(store_->AddNotification(lead_, cross), StoreErrorCode::kNotFound, "team"));
  cross.team = ward_.id;
  EXPECT_TRUE(Fails(store_->AddNotification(lead_, cross), StoreErrorCode::kNotFound, "measure"));
  EXPECT_TRUE(Fails(store_->SetWebhook(admin_, org_, their_team.id, "https://x.example/"),
                    StoreErrorCode::kNotFound, "team"));
  EXPECT_TRUE(Fails(store_->GetWebhook(org_, their_team.id), StoreErrorCode::kNotFound, "team"));
  EXPECT_TRUE(
      Fails(store_->RemoveWebhook(admin_, org_, their_team.id), StoreErrorCode::kNotFound, "team"));
  EXPECT_TRUE(
      Fails(store_->ListDeliveries(org_, their_team.id, 10), StoreErrorCode::kNotFound, "team"));
  EXPECT_EQ(Must(store_->ListDeliveries(other, their_team.id, 10)).size(), 1u);
  // The other organisation's own reader sees it.
  NotificationQuery q;
  q.teams = {their_team.id};
  EXPECT_EQ(Must(store_->ListNotifications(other, their_person.id, q)).size(), 1u);
}

// --- Webhooks.

TEST_P(NotificationTest, AWebhookIsSetReplacedAndRemovedAndItsSecretNeverAudited) {
  EXPECT_TRUE(Fails(store_->GetWebhook(org_, ward_.id), StoreErrorCode::kNotFound, "team",
                    "has no webhook"));
  const Actor ada = Actor::Of(MakePerson("Ada", "ada@nhs.net").id, "Ada");
  const auto set = Must(store_->SetWebhook(ada, org_, ward_.id, "https://hooks.example.nhs.uk/in"));
  EXPECT_EQ(set.org, org_);
  EXPECT_EQ(set.team, ward_.id);
  EXPECT_EQ(set.url, "https://hooks.example.nhs.uk/in");
  EXPECT_TRUE(domain::LooksLikeToken(set.secret)) << set.secret;  // 64 lower-case hex
  EXPECT_EQ(set.created_at, now_);
  EXPECT_EQ(Must(store_->GetWebhook(org_, ward_.id)), set);

  now_ += 10;
  const auto replaced = Must(store_->SetWebhook(ada, org_, ward_.id, "http://10.0.0.7:8080/in"));
  EXPECT_EQ(replaced.url, "http://10.0.0.7:8080/in");
  EXPECT_NE(replaced.secret, set.secret);
  EXPECT_EQ(replaced.created_at, now_);
  EXPECT_EQ(Must(store_->GetWebhook(org_, ward_.id)), replaced);

  Must(store_->RemoveWebhook(ada, org_, ward_.id));
  EXPECT_TRUE(Fails(store_->GetWebhook(org_, ward_.id), StoreErrorCode::kNotFound, "team"));
  EXPECT_TRUE(Fails(store_->RemoveWebhook(ada, org_, ward_.id), StoreErrorCode::kNotFound, "team"));

  const auto audit = AuditOf("webhook", ward_.id.value);
  ASSERT_EQ(audit.size(), 3u);
  EXPECT_EQ(audit[0].action, "webhook.set");
  EXPECT_EQ(audit[0].actor, ada);
  EXPECT_EQ(audit[0].before_json, "");
  EXPECT_NE(audit[0].after_json.find("\"url\":\"https://hooks.example.nhs.uk/in\""),
            std::string::npos);
  EXPECT_EQ(audit[1].action, "webhook.set");
  EXPECT_NE(audit[1].before_json.find("https://hooks.example.nhs.uk/in"), std::string::npos);
  EXPECT_NE(audit[1].after_json.find("http://10.0.0.7:8080/in"), std::string::npos);
  EXPECT_EQ(audit[2].action, "webhook.remove");
  EXPECT_NE(audit[2].before_json.find("http://10.0.0.7:8080/in"), std::string::npos);
  EXPECT_EQ(audit[2].after_json, "");
  for (const auto& e : AuditOf()) {
    for (const std::string& secret : {set.secret, replaced.secret}) {
      EXPECT_EQ(e.before_json.find(secret), std::string::npos) << e.action;
      EXPECT_EQ(e.after_json.find(secret), std::string::npos) << e.action;
    }
  }
}

TEST_P(NotificationTest, SetWebhookAcceptsOnlyHttpAndHttpsUrlsWithAHost) {
  const size_t audit_before = AuditCount();
  for (const std::string url :
       {"ftp://hooks.example/in", "hooks.example/in", "HTTPS://hooks.example/in", "https://",
        "https:///in", "http://:8080/in", "https://user@/in", "https://hooks.example:0/in",
        "https://hooks.example:99999/in", "https://hooks.example:x/in", "https://hooks example/in",
        "https://hooks.example/in\n", ""}) {
    EXPECT_TRUE(
        Fails(store_->SetWebhook(admin_, org_, ward_.id, url), StoreErrorCode::kInvalid, "url"))
        << url;
  }
  EXPECT_TRUE(Fails(store_->SetWebhook(admin_, org_, ward_.id, "ftp://hooks.example/in"),
                    StoreErrorCode::kInvalid, "url", "url must start with http:// or https://"));
  EXPECT_TRUE(Fails(store_->SetWebhook(admin_, org_, ward_.id, "https:///in"),
                    StoreErrorCode::kInvalid, "url", "url has no host"));
  EXPECT_TRUE(Fails(store_->SetWebhook(admin_, org_, TeamId(999), "https://hooks.example/in"),
                    StoreErrorCode::kNotFound, "team"));
  EXPECT_EQ(AuditCount(), audit_before);
  for (const std::string url : {"http://localhost", "https://hooks.example:8443/a?b=c#d",
                                "https://user:pw@hooks.example/in", "http://[::1]:8080/in"}) {
    EXPECT_EQ(Must(store_->SetWebhook(admin_, org_, ward_.id, url)).url, url);
  }
}

// --- The outbox.

TEST_P(NotificationTest, ADeliveryIsQueuedWithTheNotificationOnlyWhenTheTeamHasAWebhook) {
  Add(Input(falls_, "2024-03-04"));
  EXPECT_TRUE(Must(store_->ListDeliveries(org_, ward_.id, 10)).empty());

  const auto hook = Must(store_->SetWebhook(admin_, org_, ward_.id, "https://hooks.example/in"));
  const size_t audit_before = AuditCount();
  const Notification n = Add(Input(falls_, "2024-03-11"));
  EXPECT_EQ(AuditCount(), audit_before + 1);  // the notification's entry only
  const auto deliveries = Must(store_->ListDeliveries(org_, ward_.id, 10));
  ASSERT_EQ(deliveries.size(), 1u);
  const WebhookDelivery& d = deliveries[0];
  EXPECT_TRUE(d.id.valid());
  EXPECT_EQ(d.org, org_);
  EXPECT_EQ(d.team, ward_.id);
  EXPECT_EQ(d.notification, n.id);
  EXPECT_EQ(d.url, hook.url);
  EXPECT_EQ(d.secret, hook.secret);
  EXPECT_EQ(d.state, DeliveryState::kPending);
  EXPECT_EQ(d.attempts, 0);
  EXPECT_EQ(d.next_attempt_at, now_);
  EXPECT_EQ(d.delivered_at, std::nullopt);
  EXPECT_EQ(d.last_error, "");
  const std::string id = std::to_string(n.id.value);
  const std::string team = std::to_string(ward_.id.value);
  const std::string measure = std::to_string(falls_.id.value);
  EXPECT_EQ(d.body, R"({"event":"notification","notification":{"id":)" + id + R"(,"team":)" + team +
                        R"(,"measure":)" + measure +
                        R"(,"period":"2024-03-11","kind":"special_cause",)"
                        R"("message":"Falls: special cause of concern","detail":{"rule":"shift"},)"
                        R"("created_at":1700000000},"measure":{"id":)" +
                        measure + R"(,"name":"Falls","team":)" + team +
                        R"(,"team_path":"Northshire Trust/Ward 7"}})");

  // A repeat of the notification queues nothing; another team without a webhook gets nothing.
  EXPECT_EQ(Must(store_->AddNotification(lead_, Input(falls_, "2024-03-11"))), std::nullopt);
  const auto icu = MakeTeam("ICU");
  Add(Input(MakeMeasure(icu.id, "Pressure ulcers"), "2024-03-11"));
  EXPECT_EQ(Must(store_->ListDeliveries(org_, ward_.id, 10)).size(), 1u);
  EXPECT_TRUE(Must(store_->ListDeliveries(org_, icu.id, 10)).empty());
}

TEST_P(NotificationTest, TheNotificationAndItsDeliveryLandTogetherOrNotAtAll) {
  Must(store_->SetWebhook(admin_, org_, ward_.id, "https://hooks.example/in"));
  {
    auto tx = Must(store_->Begin());
    Add(Input(falls_, "2024-03-04"));
    tx.Rollback();
  }
  EXPECT_TRUE(List(PersonId(), {ward_.id}).empty());
  EXPECT_TRUE(Must(store_->ListDeliveries(org_, ward_.id, 10)).empty());
  EXPECT_EQ(db_->Query("SELECT COUNT(*) FROM webhook_deliveries"), std::vector<std::string>{"0"});
  {
    auto tx = Must(store_->Begin());
    Add(Input(falls_, "2024-03-04"));
    Must(tx.Commit());
  }
  EXPECT_EQ(List(PersonId(), {ward_.id}).size(), 1u);
  EXPECT_EQ(Must(store_->ListDeliveries(org_, ward_.id, 10)).size(), 1u);
}

TEST_P(NotificationTest, ReplacingOrRemovingTheWebhookRedirectsOrStopsPendingDeliveries) {
  Must(store_->SetWebhook(admin_, org_, ward_.id, "https://old.example/in"));
  Add(Input(falls_, "2024-03-04"));
  const auto delivered = Add(Input(falls_, "2024-03-11"));
  const auto claimed = Must(store_->ClaimDeliveries(now_, 10, 60));
  ASSERT_EQ(claimed.size(), 2u);
  Must(store_->RecordDeliveryAttempt(claimed[1].id, true, "", std::nullopt));
  const auto hook = Must(store_->SetWebhook(admin_, org_, ward_.id, "https://new.example/in"));
  auto list = Must(store_->ListDeliveries(org_, ward_.id, 10));  // newest first
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].notification, delivered.id);
  EXPECT_EQ(list[0].url, "https://old.example/in");  // made already: as it was
  EXPECT_EQ(list[1].url, hook.url);                  // still to be made: to the new webhook
  EXPECT_EQ(list[1].secret, hook.secret);
  EXPECT_EQ(list[1].state, DeliveryState::kPending);

  Must(store_->RemoveWebhook(admin_, org_, ward_.id));
  list = Must(store_->ListDeliveries(org_, ward_.id, 10));
  EXPECT_EQ(list[0].state, DeliveryState::kDelivered);
  EXPECT_EQ(list[1].state, DeliveryState::kFailed);
  EXPECT_EQ(list[1].last_error, "the webhook was removed");
  now_ += 3600;
  EXPECT_TRUE(Must(store_->ClaimDeliveries(now_, 10, 60)).empty());
}

// The webhook dispatcher looks at the outbox often (every half second, and after every
// notification). With nothing due, a look takes no write lock: on SQLite, which lets one
// connection write at a time, it would otherwise wait for (and then hold up) the writer of
// observations.
TEST_P(NotificationTest, ALookAtAnOutboxWithNothingDueDoesNotWaitForAWriter) {
  Must(store_->SetWebhook(admin_, org_, ward_.id, "https://hooks.example/in"));
  StoreOptions options;
  options.clock = [this] { return now_; };
  options.busy_timeout_ms = 100;
  auto opened = Store::Open(db_->url(), options);
  ASSERT_TRUE(opened) << opened.error().message;
  std::unique_ptr<Store> dispatcher = std::move(*opened);
  {
    auto tx = Must(store_->Begin());  // another connection writes, and holds its lock
    Add(Input(falls_, "2024-03-04"));
    const auto claimed = dispatcher->ClaimDeliveries(now_, 10, 60);
    ASSERT_TRUE(claimed) << claimed.error().message;
    EXPECT_TRUE(claimed->empty());  // the delivery queued in the open transaction is not seen
    Must(tx.Commit());
  }
  // Once committed, the delivery is due and claimed (a write).
  const auto claimed = Must(dispatcher->ClaimDeliveries(now_, 10, 60));
  ASSERT_EQ(claimed.size(), 1u);
  EXPECT_TRUE(Must(dispatcher->ClaimDeliveries(now_, 10, 60)).empty());  // leased
}

TEST_P(NotificationTest, DeliveriesAreClaimedLeasedRetriedAndGivenUp) {
  Must(store_->SetWebhook(admin_, org_, ward_.id, "https://hooks.example/in"));
  const int64_t t0 = now_;
  std::vector<Notification> ns;
  for (const char* period : {"2024-03-04", "2024-03-11", "2024-03-18"}) {
    ns.push_back(Add(Input(falls_, period)));
  }
  const size_t audit_before = AuditCount();
  EXPECT_TRUE(Fails(store_->ClaimDeliveries(t0, 10, 0), StoreErrorCode::kInvalid, "lease_seconds"));
  EXPECT_TRUE(Must(store_->ClaimDeliveries(t0, 0, 60)).empty());
  EXPECT_TRUE(Must(store_->ClaimDeliveries(t0 - 1, 10, 60)).empty());  // none due yet

  // The oldest due first, at most `limit`; claimed ones are hidden until the lease ends.
  const auto one = Must(store_->ClaimDeliveries(t0, 1, 60));
  ASSERT_EQ(one.size(), 1u);
  EXPECT_EQ(one[0].notification, ns[0].id);
  const auto rest = Must(store_->ClaimDeliveries(t0, 10, 60));
  ASSERT_EQ(rest.size(), 2u);
  EXPECT_EQ(rest[0].notification, ns[1].id);
  EXPECT_EQ(rest[1].notification, ns[2].id);
  EXPECT_TRUE(Must(store_->ClaimDeliveries(t0 + 59, 10, 60)).empty());
  const auto again = Must(store_->ClaimDeliveries(t0 + 60, 10, 30));  // the leases have ended
  ASSERT_EQ(again.size(), 3u);
  const DeliveryId d0 = again[0].id;
  const DeliveryId d1 = again[1].id;
  const DeliveryId d2 = again[2].id;

  now_ = t0 + 61;
  Must(store_->RecordDeliveryAttempt(d0, true, "", std::nullopt));
  Must(store_->RecordDeliveryAttempt(d1, false, "HTTP 503 Service Unavailable", t0 + 300));
  Must(store_->RecordDeliveryAttempt(d2, false, "connection refused", std::nullopt));
  auto list = Must(store_->ListDeliveries(org_, ward_.id, 10));  // newest first
  ASSERT_EQ(list.size(), 3u);
  EXPECT_EQ(list[2].id, d0);
  EXPECT_EQ(list[2].state, DeliveryState::kDelivered);
  EXPECT_EQ(list[2].attempts, 1);
  EXPECT_EQ(list[2].delivered_at, t0 + 61);
  EXPECT_EQ(list[1].id, d1);
  EXPECT_EQ(list[1].state, DeliveryState::kPending);
  EXPECT_EQ(list[1].attempts, 1);
  EXPECT_EQ(list[1].next_attempt_at, t0 + 300);
  EXPECT_EQ(list[1].last_error, "HTTP 503 Service Unavailable");
  EXPECT_EQ(list[1].delivered_at, std::nullopt);
  EXPECT_EQ(list[0].id, d2);
  EXPECT_EQ(list[0].state, DeliveryState::kFailed);
  EXPECT_EQ(list[0].attempts, 1);
  EXPECT_EQ(list[0].last_error, "connection refused");
  EXPECT_EQ(Must(store_->ListDeliveries(org_, ward_.id, 1)).size(), 1u);

  // The retry is due at its time, not before, and its lease was cleared by the attempt.
  EXPECT_TRUE(Must(store_->ClaimDeliveries(t0 + 299, 10, 60)).empty());
  const auto retry = Must(store_->ClaimDeliveries(t0 + 300, 10, 60));
  ASSERT_EQ(retry.size(), 1u);
  EXPECT_EQ(retry[0].id, d1);
  EXPECT_EQ(retry[0].attempts, 1);
  Must(store_->RecordDeliveryAttempt(d1, false, "HTTP 500", std::nullopt));
  list = Must(store_->ListDeliveries(org_, ward_.id, 10));
  EXPECT_EQ(list[1].state, DeliveryState::kFailed);
  EXPECT_EQ(list[1].attempts, 2);
  EXPECT_EQ(list[1].last_error, "HTTP 500");
  EXPECT_TRUE(Must(store_->ClaimDeliveries(t0 + 100000, 10, 60)).empty());

  EXPECT_TRUE(Fails(store_->RecordDeliveryAttempt(d0, true, "", std::nullopt),
                    StoreErrorCode::kConflict, "delivery", "delivered already"));
  EXPECT_TRUE(Fails(store_->RecordDeliveryAttempt(DeliveryId(999), true, "", std::nullopt),
                    StoreErrorCode::kNotFound, "delivery"));
  EXPECT_EQ(AuditCount(), audit_before);  // bookkeeping: not audited
}

TEST_P(NotificationTest, TwoStoresClaimingAtOnceNeverGetTheSameDelivery) {
  Must(store_->SetWebhook(admin_, org_, ward_.id, "https://hooks.example/in"));
  constexpr int kDeliveries = 60;
  for (int i = 0; i < kDeliveries; ++i) {
    Add(Input(falls_, testing::DayAfter("2020-01-06", 7 * i)));
  }
  auto other = Open();
  ASSERT_NE(other, nullptr);
  std::vector<int64_t> claimed[2];
  std::string errors[2];
  std::latch start(2);
  const auto claimer = [&](Store* store, int who) {
    start.arrive_and_wait();
    for (;;) {
      auto r = store->ClaimDeliveries(now_, 2, 600);
      if (!r) {
        errors[who] = r.error().message;
        return;
      }
      if (r->empty()) return;
      for (const auto& d : *r) claimed[who].push_back(d.id.value);
      // Half of them are delivered at once: records and claims interleave.
      if (claimed[who].size() % 4 == 0) {
        if (auto a = store->RecordDeliveryAttempt(r->front().id, true, "", std::nullopt); !a) {
          errors[who] = a.error().message;
          return;
        }
      }
    }
  };
  std::thread a(claimer, store_.get(), 0);
  std::thread b(claimer, other.get(), 1);
  a.join();
  b.join();
  EXPECT_EQ(errors[0], "");
  EXPECT_EQ(errors[1], "");
  std::multiset<int64_t> all(claimed[0].begin(), claimed[0].end());
  all.insert(claimed[1].begin(), claimed[1].end());
  EXPECT_EQ(all.size(), static_cast<size_t>(kDeliveries));
  EXPECT_EQ(std::set<int64_t>(all.begin(), all.end()).size(), static_cast<size_t>(kDeliveries));
}

// --- Events.

TEST_P(NotificationTest, PublishTakesJsonOfAtMostSevenThousandBytes) {
  const std::string fits = "\"" + std::string(6998, 'x') + "\"";
  ASSERT_EQ(fits.size(), 7000u);
  Must(store_->Publish(fits));
  EXPECT_TRUE(Fails(store_->Publish("\"" + std::string(6999, 'x') + "\""), StoreErrorCode::kInvalid,
                    "payload", "7000"));
  EXPECT_TRUE(Fails(store_->Publish("not json"), StoreErrorCode::kInvalid, "payload"));
  Must(store_->Publish(R"({"event":"observation","measure":1})"));
}

// Waits up to `ms` for `wanted` and returns everything received meanwhile.
std::vector<std::string> ReceiveUntil(EventListener& listener, const std::string& wanted, int ms) {
  std::vector<std::string> got;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
  while (std::chrono::steady_clock::now() < deadline &&
         std::find(got.begin(), got.end(), wanted) == got.end()) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    auto r = listener.Wait(static_cast<int>(std::max<int64_t>(left.count(), 1)));
    if (!r) {
      ADD_FAILURE() << "Wait: " << r.error().message;
      break;
    }
    got.insert(got.end(), r->begin(), r->end());
  }
  return got;
}

bool Has(const std::vector<std::string>& got, const std::string& payload) {
  return std::find(got.begin(), got.end(), payload) != got.end();
}

TEST_P(NotificationTest, APublishedEventReachesAListenerWithinASecond) {
  auto listener = Must(EventListener::Open(db_->url()));
  ASSERT_NE(listener, nullptr);
  const std::string payload = R"({"event":")" + Unique("test") + R"("})";
  Must(store_->Publish(payload));
  if (GetParam() == "sqlite") {
    // One server per SQLite database: a listener waits and hears nothing.
    const auto start = std::chrono::steady_clock::now();
    EXPECT_TRUE(Must(listener->Wait(50)).empty());
    EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(50));
    return;
  }
  const auto got = ReceiveUntil(*listener, payload, 1000);
  EXPECT_TRUE(Has(got, payload));
  // From another store too, and in the order published.
  auto other = Open();
  ASSERT_NE(other, nullptr);
  const std::string p1 = R"({"n":")" + Unique("first") + R"("})";
  const std::string p2 = R"({"n":")" + Unique("second") + R"("})";
  Must(other->Publish(p1));
  Must(other->Publish(p2));
  const auto both = ReceiveUntil(*listener, p2, 1000);
  const auto i1 = std::find(both.begin(), both.end(), p1);
  const auto i2 = std::find(both.begin(), both.end(), p2);
  ASSERT_NE(i1, both.end());
  ASSERT_NE(i2, both.end());
  EXPECT_LT(i1, i2);
}

TEST_P(NotificationTest, AnEventPublishedInATransactionIsSentOnlyWhenItCommits) {
  auto listener = Must(EventListener::Open(db_->url()));
  ASSERT_NE(listener, nullptr);
  const std::string rolled_back = R"({"n":")" + Unique("rolled-back") + R"("})";
  const std::string committed = R"({"n":")" + Unique("committed") + R"("})";
  const std::string after = R"({"n":")" + Unique("after") + R"("})";
  {
    auto tx = Must(store_->Begin());
    Must(store_->Publish(rolled_back));
    tx.Rollback();
  }
  std::vector<std::string> got;
  {
    auto tx = Must(store_->Begin());
    Must(store_->Publish(committed));
    auto early = Must(listener->Wait(200));
    got.insert(got.end(), early.begin(), early.end());
    EXPECT_FALSE(Has(early, committed)) << "sent before the commit";
    Must(tx.Commit());
  }
  Must(store_->Publish(after));
  if (GetParam() == "sqlite") {
    EXPECT_TRUE(Must(listener->Wait(20)).empty());
    return;
  }
  auto rest = ReceiveUntil(*listener, after, 1000);
  got.insert(got.end(), rest.begin(), rest.end());
  EXPECT_TRUE(Has(got, committed));
  EXPECT_TRUE(Has(got, after));
  EXPECT_FALSE(Has(got, rolled_back));
}

TEST_P(NotificationTest, AListenerReportsALostConnectionAsUnavailable) {
  if (GetParam() == "sqlite") {
    // Nothing to lose: the SQLite listener has no connection.
    auto listener = Must(EventListener::Open(db_->url()));
    EXPECT_TRUE(listener->Wait(0).has_value());
    EXPECT_TRUE(Fails(EventListener::Open("mysql://x"), StoreErrorCode::kInvalid, "url"));
    return;
  }
  const std::string name = "everyseat_listener_" + std::to_string(getpid());
  auto listener = Must(EventListener::Open(db_->url() + " application_name=" + name));
  ASSERT_NE(listener, nullptr);
  EXPECT_TRUE(Must(listener->Wait(10)).empty());
  EXPECT_EQ(db_->Query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE "
                       "application_name = '" +
                       name + "'"),
            std::vector<std::string>{"t"});
  Result<std::vector<std::string>> r = std::vector<std::string>();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (r && std::chrono::steady_clock::now() < deadline) r = listener->Wait(500);
  EXPECT_TRUE(Fails(r, StoreErrorCode::kUnavailable, "", "connection lost"));
  EXPECT_TRUE(Fails(listener->Wait(10), StoreErrorCode::kUnavailable));  // and stays so
  EXPECT_TRUE(Fails(EventListener::Open("postgresql:host=127.0.0.1 port=1 connect_timeout=2"),
                    StoreErrorCode::kUnavailable));
}

INSTANTIATE_TEST_SUITE_P(Engines, NotificationTest, ::testing::ValuesIn(testing::TestEngines()),
                         testing::EngineName);

// --- Names.

TEST(NotificationNames, KindsAndDeliveryStatesRoundTrip) {
  for (const std::string name : {"special_cause", "variation_changed", "assurance_changed"}) {
    const auto kind = domain::ParseNotificationKind(name);
    ASSERT_TRUE(kind) << name;
    EXPECT_EQ(domain::Name(*kind), name);
  }
  for (const std::string name : {"pending", "delivered", "failed"}) {
    const auto state = domain::ParseDeliveryState(name);
    ASSERT_TRUE(state) << name;
    EXPECT_EQ(domain::Name(*state), name);
  }
  EXPECT_FALSE(domain::ParseNotificationKind("Special_cause"));
  EXPECT_FALSE(domain::ParseDeliveryState("sent"));
}

}  // namespace
}  // namespace everyseat::store
