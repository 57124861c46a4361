// Store::Backup on every engine: the copy is a new SQLite file with this program's schema that
// opens with Store::Open and holds the rows of one moment, ids included, even while another
// store keeps writing; an existing path is refused and left alone.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "everyseat/domain/secrets.h"
#include "everyseat/domain/validate.h"
#include "everyseat/store/store.h"
#include "store_fixture.h"
#include "test_database.h"

namespace everyseat::store {
namespace {

using domain::Actor;
using domain::ObservationInput;
using domain::TeamRole;
using testing::Fails;
using testing::Must;

// The tables of store/migrations: 13 in 0001_initial, 4 in 0002_notifications, 10 in
// 0003_stories (not counting the full-text search index, which a backup rebuilds), and
// schema_migrations.
const std::vector<std::string> kTables = {
    "annotations",
    "api_tokens",
    "audit_log",
    "credentials",
    "measures",
    "memberships",
    "notification_reads",
    "notifications",
    "observations",
    "org_roles",
    "org_settings",
    "organisations",
    "people",
    "reflections",
    "replies",
    "schema_migrations",
    "sessions",
    "stories",
    "story_acknowledgements",
    "story_consents",
    "story_people",
    "story_tags",
    "story_teams",
    "story_thanks",
    "tags",
    "teams",
    "webhook_deliveries",
    "webhooks",
};

// The first column of every row of `sql` run on the SQLite file `path` ("" for NULL), or
// {"ERROR: ..."}.
std::vector<std::string> QueryFile(const std::string& path, const std::string& sql) {
  std::vector<std::string> out;
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    out.push_back(std::string("ERROR: ") + sqlite3_errmsg(db));
    sqlite3_close(db);
    return out;
  }
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
    out.push_back(std::string("ERROR: ") + sqlite3_errmsg(db));
    sqlite3_close(db);
    return out;
  }
  int rc = SQLITE_OK;
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
    out.emplace_back(text != nullptr ? text : "");
  }
  if (rc != SQLITE_DONE) out.push_back(std::string("ERROR: ") + sqlite3_errmsg(db));
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return out;
}

int64_t Count(const std::vector<std::string>& one_cell) {
  return one_cell.size() == 1 ? std::stoll(one_cell[0]) : -1;
}

class BackupTest : public testing::StoreFixture {
 protected:
  void SetUp() override {
    StoreFixture::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    std::string pattern =
        (std::filesystem::temp_directory_path() / "everyseat-backup-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    path_ = dir_ + "/backup.db";
  }

  void TearDown() override {
    if (!dir_.empty()) {
      std::error_code ignored;
      std::filesystem::remove_all(dir_, ignored);
    }
  }

  // The number of rows of each table in kTables, in the store's database.
  std::vector<int64_t> SourceCounts() {
    std::vector<int64_t> out;
    for (const auto& t : kTables) out.push_back(Count(db_->Query("SELECT COUNT(*) FROM " + t)));
    return out;
  }
  std::vector<int64_t> BackupCounts() {
    std::vector<int64_t> out;
    for (const auto& t : kTables)
      out.push_back(Count(QueryFile(path_, "SELECT COUNT(*) FROM " + t)));
    return out;
  }

  std::string dir_;
  std::string path_;
};

int64_t Sum(const std::vector<int64_t>& v) {
  int64_t s = 0;
  for (int64_t x : v) s += x;
  return s;
}

TEST_P(BackupTest, ABackupOpensAsAStoreWithEveryRowAndId) {
  // Something in every table.
  const auto medicine = MakeTeam("Medicine");
  const auto ward = MakeTeam("Ward 7", medicine.id);
  const auto ada = MakePerson("Ada", "ada@nhs.net");
  auto ben_input = MakePerson("Ben", "ben@nhs.net");
  ben_input.line_manager = ada.id;
  const auto ben = Must(store_->UpdatePerson(admin_, ben_input));
  Must(store_->SetMembership(admin_, org_, {ada.id, ward.id, TeamRole::kLead}));
  Must(store_->GrantRole(admin_, org_, ada.id, domain::OrgRole::kBoard));
  Must(store_->AddTag(admin_, org_, domain::TagKind::kValue, "kindness", "Being kind"));
  const auto falls = MakeMeasure(ward.id, "Falls");
  std::vector<ObservationInput> batch;
  for (int i = 0; i < 30; ++i) {
    batch.push_back({falls.id, testing::DayAfter("2024-01-01", 7 * i), 2.5 + i * 0.1, {}});
  }
  Must(store_->AppendObservations(admin_, org_, batch));
  Must(store_->CorrectObservation(admin_, org_, {falls.id, "2024-01-08", 0.1, {}}));
  domain::Annotation note;
  note.org = org_;
  note.measure = falls.id;
  note.period = "2024-01-15";
  note.kind = domain::AnnotationKind::kNote;
  note.text = "Bay closed";
  Must(store_->AddAnnotation(Actor::Of(ada.id), note));
  Must(store_->SetPasswordHash(admin_, org_, ada.id, *domain::HashPassword("correct horse")));
  const auto session = Must(store_->CreateSession(org_, ada.id, 3600));
  const auto token = Must(store_->IssueApiToken(admin_, org_, ward.id, "ED feed", std::nullopt));
  const auto hook = Must(store_->SetWebhook(admin_, org_, ward.id, "https://hooks.example/in"));
  domain::Notification n;
  n.org = org_;
  n.team = ward.id;
  n.measure = falls.id;
  n.period = "2024-07-22";
  n.message = "Falls: special cause of concern";
  n.detail_json = R"({"rule":"outside_limits","value":5.4})";
  const auto notification = Must(store_->AddNotification(admin_, n)).value();
  Must(store_->MarkNotificationSeen(org_, ada.id, notification.id));
  // A published story naming Ben and the ward, consented, acknowledged and thanked; a reflection
  // with a reply; the retention setting.
  const auto values = Must(store_->ListTags(org_, domain::TagKind::kValue, false));
  const auto behaviours = Must(store_->ListTags(org_, domain::TagKind::kBehaviour, false));
  domain::Story story;
  story.org = org_;
  story.author = ada.id;
  story.people = {ben.id};
  story.teams = {ward.id};
  story.team = ward.id;
  story.title = "Through the snow";
  story.text = "Ben walked through the snow to open the ward's clinic.";
  story.values = {values.front().id};
  story.behaviours = {behaviours.front().id};
  story = Must(store_->CreateStory(Actor::Of(ada.id), story));
  Must(store_->SetConsent(Actor::Of(ben.id), org_, story.id, ben.id, domain::ConsentState::kGiven));
  story.state = domain::StoryState::kPublished;
  story.published_at = now_;
  story = Must(store_->UpdateStory(Actor::Of(ben.id), story, "publish"));
  Must(store_->AddAcknowledgement(Actor::Of(ada.id), org_, story.id,
                                  domain::Acknowledgement{ada.id, "Thank you", false, 0}));
  Must(store_->AddThanks(admin_, org_, story.id, domain::Thanks{ada.id, "", 0}));
  domain::Reflection reflection;
  reflection.org = org_;
  reflection.author = ada.id;
  reflection.title = "What I got wrong";
  reflection.got_wrong = "I did not ask the team.";
  reflection = Must(store_->CreateReflection(Actor::Of(ada.id), reflection));
  domain::Reply reply;
  reply.org = org_;
  reply.reflection = reflection.id;
  reply.author = ben.id;
  reply.text = "Thank you for saying so.";
  Must(store_->AddReply(Actor::Of(ben.id), reply));
  Must(store_->SetStoryRetentionDays(admin_, org_, 60));

  const std::vector<int64_t> counts = SourceCounts();
  for (size_t i = 0; i < kTables.size(); ++i) EXPECT_GT(counts[i], 0) << kTables[i];

  const BackupInfo info = Must(store_->Backup(path_));
  EXPECT_EQ(info.path, path_);
  EXPECT_EQ(info.tables, static_cast<int64_t>(kTables.size()));
  EXPECT_EQ(info.rows, Sum(counts));
  EXPECT_EQ(BackupCounts(), counts);
  EXPECT_EQ(QueryFile(path_, "SELECT version FROM schema_migrations ORDER BY version"),
            (std::vector<std::string>{"1", "2", "3", "4"}));

  StoreOptions options;
  options.clock = [this] { return now_; };  // the sessions were made at the test's time
  auto opened = Store::Open("sqlite:" + path_, options);
  ASSERT_TRUE(opened) << opened.error().message;
  Store& copy = **opened;
  EXPECT_EQ(Must(copy.SchemaVersion()), 4);
  EXPECT_EQ(Must(copy.ListOrganisations()), Must(store_->ListOrganisations()));
  EXPECT_EQ(Must(copy.ListTeams(org_)), Must(store_->ListTeams(org_)));
  EXPECT_EQ(Must(copy.ListPeople(org_)), Must(store_->ListPeople(org_)));
  EXPECT_EQ(Must(copy.GetPerson(org_, ben.id)).line_manager, ada.id);
  EXPECT_EQ(Must(copy.ListMembersOfTeam(org_, ward.id)),
            Must(store_->ListMembersOfTeam(org_, ward.id)));
  EXPECT_EQ(Must(copy.ListRoles(org_, ada.id)), Must(store_->ListRoles(org_, ada.id)));
  EXPECT_EQ(Must(copy.ListTags(org_, domain::TagKind::kValue, true)),
            Must(store_->ListTags(org_, domain::TagKind::kValue, true)));
  EXPECT_EQ(Must(copy.ListMeasures(org_, ward.id)), Must(store_->ListMeasures(org_, ward.id)));
  EXPECT_EQ(Must(copy.ListObservations(org_, falls.id)),
            Must(store_->ListObservations(org_, falls.id)));  // values exactly, ids too
  EXPECT_EQ(Must(copy.ListObservationHistory(org_, falls.id, "2024-01-08")).size(), 2u);
  EXPECT_EQ(Must(copy.ListAnnotations(org_, falls.id)),
            Must(store_->ListAnnotations(org_, falls.id)));
  AuditQuery all;
  all.limit = 100000;
  EXPECT_EQ(Must(copy.ListAudit(org_, all)), Must(store_->ListAudit(org_, all)));
  EXPECT_EQ(Must(copy.GetPasswordHash(org_, ada.id)), Must(store_->GetPasswordHash(org_, ada.id)));
  EXPECT_EQ(Must(copy.FindSession(session.secret)).id, session.record.id);
  EXPECT_EQ(Must(copy.AuthenticateApiToken(token.secret)).id, token.record.id);
  EXPECT_EQ(Must(copy.GetWebhook(org_, ward.id)), hook);
  EXPECT_EQ(Must(copy.GetNotification(org_, ada.id, notification.id)),
            Must(store_->GetNotification(org_, ada.id, notification.id)));
  EXPECT_EQ(Must(copy.ListDeliveries(org_, ward.id, 10)),
            Must(store_->ListDeliveries(org_, ward.id, 10)));
  // The copy takes new rows after the copied ids.
  const auto added = Must(copy.CreateTeam(admin_, org_, std::nullopt, "Surgery"));
  EXPECT_GT(added.id.value, ward.id.value);
}

TEST_P(BackupTest, ABackupTakenWhileAnotherStoreWritesHoldsOneMoment) {
  // The writer creates measures one after another and gives each a batch of kBatch values in
  // one transaction, with one audit entry; so in any one moment every measure it made has 0 or
  // kBatch values, and the values number kBatch times the batch entries.
  constexpr int kBatch = 50;
  const auto ward = MakeTeam("Ward 7");
  auto writer_store = Open();
  ASSERT_NE(writer_store, nullptr);
  std::atomic<bool> stop{false};
  std::atomic<int> batches{0};
  std::string writer_error;
  std::thread writer([&] {
    for (int m = 0; !stop.load(); ++m) {
      domain::Measure measure;
      measure.org = org_;
      measure.team = ward.id;
      measure.name = "Measure " + std::to_string(m);
      measure.definition = "Written during a backup";
      measure.unit = "count";
      auto created = writer_store->CreateMeasure(admin_, measure);
      if (!created) {
        writer_error = created.error().message;
        return;
      }
      std::vector<ObservationInput> batch;
      for (int i = 0; i < kBatch; ++i) {
        batch.push_back({created->id, testing::DayAfter("2020-01-01", i), 1.0 * i, {}});
      }
      if (auto r = writer_store->AppendObservations(admin_, org_, batch); !r) {
        writer_error = r.error().message;
        return;
      }
      ++batches;
    }
  });
  while (batches.load() < 5 && writer_error.empty()) std::this_thread::yield();
  auto info = store_->Backup(path_);
  const int batches_after_backup = batches.load();
  while (batches.load() < batches_after_backup + 3 && writer_error.empty()) {
    std::this_thread::yield();
  }
  stop = true;
  writer.join();
  ASSERT_EQ(writer_error, "");
  ASSERT_TRUE(info) << info.error().message;

  const int64_t measures = Count(QueryFile(path_, "SELECT COUNT(*) FROM measures"));
  const int64_t values = Count(QueryFile(path_, "SELECT COUNT(*) FROM observations"));
  const int64_t batch_entries = Count(
      QueryFile(path_, "SELECT COUNT(*) FROM audit_log WHERE action = 'observation.append_batch'"));
  const int64_t measure_entries =
      Count(QueryFile(path_, "SELECT COUNT(*) FROM audit_log WHERE action = 'measure.create'"));
  EXPECT_GE(batch_entries, 5);
  EXPECT_EQ(values, kBatch * batch_entries);
  EXPECT_EQ(measures, measure_entries);
  EXPECT_TRUE(measures == batch_entries || measures == batch_entries + 1)
      << measures << " measures, " << batch_entries << " batches";
  EXPECT_EQ(QueryFile(path_,
                      "SELECT COUNT(*) FROM observations o LEFT JOIN measures m ON "
                      "m.org_id = o.org_id AND m.id = o.measure_id WHERE m.id IS NULL"),
            std::vector<std::string>{"0"});
  EXPECT_EQ(QueryFile(path_,
                      "SELECT COUNT(*) FROM (SELECT measure_id FROM observations GROUP BY "
                      "measure_id HAVING COUNT(*) <> " +
                          std::to_string(kBatch) + ")"),
            std::vector<std::string>{"0"});
  EXPECT_EQ(QueryFile(path_, "PRAGMA foreign_key_check"), std::vector<std::string>{});
  EXPECT_EQ(QueryFile(path_, "PRAGMA integrity_check"), std::vector<std::string>{"ok"});
  // The backup is of a moment before the writer stopped, and it counted what it holds.
  EXPECT_LT(values, Count(db_->Query("SELECT COUNT(*) FROM observations")));
  EXPECT_EQ(info->rows, Sum(BackupCounts()));
  auto copy = Store::Open("sqlite:" + path_, Durability::kNormal);
  ASSERT_TRUE(copy) << copy.error().message;
  EXPECT_EQ(Must((*copy)->ListMeasures(org_, ward.id)).size(), static_cast<size_t>(measures));
}

TEST_P(BackupTest, ABackupToAnExistingPathFailsAndLeavesItAlone) {
  {
    std::ofstream out(path_);
    out << "precious";
  }
  EXPECT_TRUE(Fails(store_->Backup(path_), StoreErrorCode::kConflict, "path", "exists already"));
  std::ifstream in(path_);
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(in), {}), "precious");
  EXPECT_FALSE(std::filesystem::exists(path_ + "-wal"));

  // A journal left beside the name would be replayed into a new file there: refused too.
  const std::string beside = dir_ + "/beside.db";
  { std::ofstream(beside + "-wal") << "stale"; }
  EXPECT_TRUE(Fails(store_->Backup(beside), StoreErrorCode::kConflict, "path", "exists already"));
  EXPECT_FALSE(std::filesystem::exists(beside));

  // A directory that does not exist: nothing is left behind.
  const std::string nowhere = dir_ + "/missing/backup.db";
  EXPECT_TRUE(Fails(store_->Backup(nowhere), StoreErrorCode::kUnavailable, "path"));
  EXPECT_FALSE(std::filesystem::exists(nowhere));

  // Not inside a transaction: the copy is of committed data only.
  const std::string other = dir_ + "/other.db";
  {
    auto tx = Must(store_->Begin());
    EXPECT_TRUE(Fails(store_->Backup(other), StoreErrorCode::kInvalid, "", "transaction"));
  }
  EXPECT_FALSE(std::filesystem::exists(other));
  EXPECT_EQ(Must(store_->Backup(other)).path, other);
}

INSTANTIATE_TEST_SUITE_P(Engines, BackupTest, ::testing::ValuesIn(testing::TestEngines()),
                         testing::EngineName);

}  // namespace
}  // namespace everyseat::store
