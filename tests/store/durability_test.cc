// An acknowledged write survives the process being killed at any moment (issue 3).
//
// For each engine, 20 times over: a child process (fork) opens the store and appends
// observations to a measure of its own, in single appends and in batches of 25, writing after
// each success the number of periods acknowledged so far to a pipe. The parent kills it with
// SIGKILL at a random moment: one kill in four counted from the fork (so often while the child
// is still opening the store), the others counted from the child's first acknowledged write.
// Then the parent reopens the store and checks that every acknowledged period is there, and
// that what is there is whole writes: at most one unacknowledged append (1 or 25 rows) beyond.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "everyseat/domain/validate.h"
#include "everyseat/store/store.h"
#include "test_database.h"

namespace everyseat::store {
namespace {

using domain::Actor;
using domain::ObservationInput;

constexpr int kKills = 20;
constexpr int kBatch = 25;

std::string Period(int64_t index) {
  static const int64_t start = *domain::ParseIsoDate("2000-01-01");
  return domain::FormatIsoDate(start + index * 86400);
}

// The child: appends until killed. Never returns; exits only if the store fails.
[[noreturn]] void AppendUntilKilled(const std::string& url, MeasureId measure, OrgId org,
                                    int pipe_fd) {
  auto store = Store::Open(url, Durability::kNormal);
  if (!store) _exit(3);
  const Actor actor = Actor::System("durability test");
  int64_t acknowledged = 0;
  for (int step = 0; acknowledged < 200000; ++step) {
    if (step % 4 == 3) {
      std::vector<ObservationInput> batch;
      for (int i = 0; i < kBatch; ++i) {
        batch.push_back({measure, Period(acknowledged + i), static_cast<double>(i), {}});
      }
      if (!(*store)->AppendObservations(actor, org, batch)) _exit(4);
      acknowledged += kBatch;
    } else {
      if (!(*store)->AppendObservation(actor, org, {measure, Period(acknowledged), 1.0, {}})) {
        _exit(5);
      }
      acknowledged += 1;
    }
    if (write(pipe_fd, &acknowledged, sizeof acknowledged) != sizeof acknowledged) _exit(6);
  }
  for (;;) pause();
}

// Kills the child with SIGKILL and reaps it. 0 when it died of that signal; otherwise 100 plus
// its exit status (it stopped by itself: the store failed) or -1.
int KillChild(pid_t child) {
  kill(child, SIGKILL);
  int status = 0;
  if (waitpid(child, &status, 0) != child) return -1;
  if (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) return 0;
  return WIFEXITED(status) ? 100 + WEXITSTATUS(status) : -1;
}

class DurabilityTest : public ::testing::TestWithParam<std::string> {};

TEST_P(DurabilityTest, AcknowledgedWritesSurviveSigkillAtAnyMoment) {
  testing::TestDatabase db(GetParam());
  if (db.skip()) GTEST_SKIP() << db.error();
  ASSERT_TRUE(db.ok()) << db.error();
  const unsigned seed = std::random_device{}();
  SCOPED_TRACE("random seed " + std::to_string(seed));
  std::mt19937 random(seed);
  std::uniform_int_distribution<int> delay_ms(0, 40);

  OrgId org;
  TeamId team;
  {
    auto store = Store::Open(db.url(), Durability::kNormal);
    ASSERT_TRUE(store) << store.error().message;
    org = (*store)->CreateOrganisation(Actor::System(), "Durable Trust")->id;
    team = (*store)->CreateTeam(Actor::System(), org, std::nullopt, "Ward 7")->id;
  }

  int64_t total_acknowledged = 0;
  int kills_after_writes = 0;
  std::vector<double> first_write_ms;
  for (int kill = 0; kill < kKills; ++kill) {
    SCOPED_TRACE("kill " + std::to_string(kill + 1));
    MeasureId measure;
    {
      // The parent holds no connection across fork: the child opens its own.
      auto store = Store::Open(db.url(), Durability::kNormal);
      ASSERT_TRUE(store) << store.error().message;
      domain::Measure m;
      m.org = org;
      m.team = team;
      m.name = "Measure " + std::to_string(kill);
      auto created = (*store)->CreateMeasure(Actor::System(), m);
      ASSERT_TRUE(created) << created.error().message;
      measure = created->id;
    }

    int fds[2];
    ASSERT_EQ(pipe(fds), 0);
    const auto forked = std::chrono::steady_clock::now();
    const pid_t child = fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
      close(fds[0]);
      AppendUntilKilled(db.url(), measure, org, fds[1]);
    }
    close(fds[1]);
    int64_t acknowledged = 0;
    int64_t value = 0;
    if (kill % 4 != 0 && read(fds[0], &value, sizeof value) == sizeof value) {
      acknowledged = value;
      first_write_ms.push_back(
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - forked)
              .count());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms(random)));
    ASSERT_EQ(KillChild(child), 0) << "the child stopped before it was killed";

    // Everything the child wrote to the pipe before it died was acknowledged to it.
    while (read(fds[0], &value, sizeof value) == sizeof value) acknowledged = value;
    close(fds[0]);

    auto store = Store::Open(db.url(), Durability::kNormal);
    ASSERT_TRUE(store) << store.error().message;
    auto rows = (*store)->ListObservations(org, measure);
    ASSERT_TRUE(rows) << rows.error().message;
    const auto stored = static_cast<int64_t>(rows->size());
    EXPECT_GE(stored, acknowledged) << "acknowledged observations were lost";
    EXPECT_TRUE(stored == acknowledged || stored == acknowledged + 1 ||
                stored == acknowledged + kBatch)
        << stored << " rows after " << acknowledged << " acknowledged: not whole writes";
    for (int64_t i = 0; i < std::min(stored, acknowledged); ++i) {
      ASSERT_EQ((*rows)[static_cast<size_t>(i)].period, Period(i));
    }
    total_acknowledged += acknowledged;
    if (acknowledged > 0) ++kills_after_writes;
  }
  std::sort(first_write_ms.begin(), first_write_ms.end());
  std::printf(
      "[   INFO   ] %s: %d kills, %d after acknowledged writes, %lld acknowledged periods "
      "checked; first write acknowledged %.1f ms after fork (median)\n",
      GetParam().c_str(), kKills, kills_after_writes, static_cast<long long>(total_acknowledged),
      first_write_ms.empty() ? 0.0 : first_write_ms[first_write_ms.size() / 2]);
  EXPECT_GE(kills_after_writes, kKills * 3 / 4)
      << "too few kills landed while the child was writing";
}

// Checkpoints::kByCaller: no commit copies SQLite's write-ahead log back into the database (a
// server does it from a thread of its own), so the log grows past the 1,000 pages at which a
// commit would have, until the caller's Checkpoint copies it all. PostgreSQL has nothing to do.
TEST_P(DurabilityTest, OnlyTheCallerCheckpointsWhenItSaysItWill) {
  testing::TestDatabase db(GetParam());
  if (db.skip()) GTEST_SKIP() << db.error();
  ASSERT_TRUE(db.ok()) << db.error();
  constexpr std::uintmax_t kFrame = 4096 + 24;  // a page and its frame header
  constexpr int kAppends = 1500;                // each commit writes several pages
  const bool sqlite = GetParam() == "sqlite";
  const std::string log = sqlite ? db.url().substr(std::string("sqlite:").size()) + "-wal" : "";
  const auto log_bytes = [&]() -> std::uintmax_t {
    std::error_code ec;
    const std::uintmax_t size = std::filesystem::file_size(log, ec);
    EXPECT_FALSE(ec) << log;
    return size;
  };

  StoreOptions automatic_options;
  auto automatic = Store::Open(db.url(), automatic_options);
  ASSERT_TRUE(automatic) << automatic.error().message;
  const OrgId org = (*automatic)->CreateOrganisation(Actor::System(), "Logged Trust")->id;
  const TeamId team = (*automatic)->CreateTeam(Actor::System(), org, std::nullopt, "Ward 9")->id;
  domain::Measure m;
  m.org = org;
  m.team = team;
  m.name = "Beds free";
  const MeasureId measure = (*automatic)->CreateMeasure(Actor::System(), m)->id;
  const auto append = [&](Store& store, int first) {
    for (int i = first; i < first + kAppends; ++i) {
      ASSERT_TRUE(store.AppendObservation(Actor::System(), org, {measure, Period(i), 1.0, {}}));
    }
  };

  // SQLite's own checkpoints keep the log near 1,000 pages.
  append(**automatic, 0);
  if (sqlite) {
    EXPECT_LT(log_bytes(), 1200 * kFrame);
  }
  automatic->reset();

  StoreOptions by_caller_options;
  by_caller_options.checkpoints = Checkpoints::kByCaller;
  auto by_caller = Store::Open(db.url(), by_caller_options);
  ASSERT_TRUE(by_caller) << by_caller.error().message;
  append(**by_caller, kAppends);
  if (sqlite) {
    EXPECT_GT(log_bytes(), 3 * 1000 * kFrame);
  }
  auto done = (*by_caller)->Checkpoint(Store::CheckpointMode::kPassive);
  ASSERT_TRUE(done) << done.error().message;
  EXPECT_EQ(done->left, 0);  // nobody is reading: all of it is copied
  if (sqlite) {
    EXPECT_GT(done->log_pages, 1000);  // no commit started it again
  }

  // Everything is there, read through a new connection.
  auto reader = Store::Open(db.url(), Durability::kNormal);
  ASSERT_TRUE(reader) << reader.error().message;
  auto stored = (*reader)->ListObservations(org, measure);
  ASSERT_TRUE(stored) << stored.error().message;
  EXPECT_EQ(stored->size(), size_t{2 * kAppends});

  // A restart checkpoint also copies all of it, and the next commit writes the log from its
  // beginning: the log holds only that commit's pages.
  append(**by_caller, 2 * kAppends);
  auto restarted = (*by_caller)->Checkpoint(Store::CheckpointMode::kRestart);
  ASSERT_TRUE(restarted) << restarted.error().message;
  EXPECT_EQ(restarted->left, 0);
  ASSERT_TRUE(
      (*by_caller)->AppendObservation(Actor::System(), org, {measure, Period(9999), 1.0, {}}));
  auto after = (*by_caller)->Checkpoint(Store::CheckpointMode::kPassive);
  ASSERT_TRUE(after) << after.error().message;
  if (sqlite) {
    EXPECT_GT(restarted->log_pages, 1000);
    EXPECT_GT(after->log_pages, 0);
    EXPECT_LT(after->log_pages, 50);
  } else {
    EXPECT_EQ(after->log_pages, 0);  // PostgreSQL: nothing to do
  }
}

INSTANTIATE_TEST_SUITE_P(Engines, DurabilityTest, ::testing::ValuesIn(testing::TestEngines()),
                         [](const ::testing::TestParamInfo<std::string>& param) {
                           return param.param;
                         });

}  // namespace
}  // namespace everyseat::store
