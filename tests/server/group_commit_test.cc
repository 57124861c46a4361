// GroupCommit (server/src/api/group_commit.h) over a real SQLite file, opened as the server
// opens it: checkpoints are the caller's (the server's checkpoint thread), so here nothing copies
// the write-ahead log back into the database unless the test asks.
//
// Whether the log has been started again is read from the log file's own header: its
// checkpoint sequence number (bytes 12-15, big-endian) goes up by one each time SQLite writes
// the log from its start (https://www.sqlite.org/fileformat2.html#walformat).
#include <gtest/gtest.h>

#include <cstdint>
#include <fstream>
#include <string>

#include "../store/test_database.h"
#include "api/context.h"
#include "api/group_commit.h"
#include "everyseat/domain/validate.h"

namespace everyseat::server::api {
namespace {

std::string Period(int64_t index) {
  static const int64_t start = *domain::ParseIsoDate("2020-01-06");
  return domain::FormatIsoDate(start + index * 7 * 86400);
}

// The log's checkpoint sequence number, or -1 when the file cannot be read.
int64_t LogSequence(const std::string& database_path) {
  std::ifstream log(database_path + "-wal", std::ios::binary);
  unsigned char header[32] = {};
  if (!log.read(reinterpret_cast<char*>(header), sizeof header)) return -1;
  return (int64_t{header[12]} << 24) | (int64_t{header[13]} << 16) | (int64_t{header[14]} << 8) |
         int64_t{header[15]};
}

TEST(GroupCommit, ARestartRequestStartsTheLogAgainAfterTheNextGroup) {
  store::testing::TestDatabase db("sqlite");
  ASSERT_TRUE(db.ok()) << db.error();
  const std::string path = db.url().substr(std::string("sqlite:").size());
  StorePool pool(db.url(), store::StoreOptions{});
  const domain::Actor admin = domain::Actor::System("group commit test");
  domain::OrgId org;
  domain::MeasureId measure;
  {
    auto lease = pool.Acquire();
    ASSERT_TRUE(lease) << lease.error().message;
    auto made = (*lease)->CreateOrganisation(admin, "Northshire Trust");
    ASSERT_TRUE(made) << made.error().message;
    org = made->id;
    auto team = (*lease)->CreateTeam(admin, org, std::nullopt, "Ward 7");
    ASSERT_TRUE(team) << team.error().message;
    domain::Measure m;
    m.org = org;
    m.team = team->id;
    m.name = "Falls";
    m.definition = "Patients who fell";
    m.unit = "falls";
    m.kind = domain::MeasureKind::kOutcome;
    m.chart = spc::Chart::kI;
    m.direction = spc::Direction::kDecrease;
    m.frequency = domain::Frequency::kWeekly;
    auto created = (*lease)->CreateMeasure(admin, m);
    ASSERT_TRUE(created) << created.error().message;
    measure = created->id;
  }

  GroupCommit groups(pool, {});
  int64_t appended = 0;
  const auto append = [&] {
    auto stored = groups.Append(
        admin, org, {measure, Period(appended), static_cast<double>(1 + appended % 7), {}});
    ASSERT_TRUE(stored) << stored.error().message;
    ++appended;
  };
  // Each Append waits for its group: a commit each, and the log only grows.
  for (int i = 0; i < 200; ++i) append();
  const int64_t before = LogSequence(path);
  ASSERT_GE(before, 0);
  for (int i = 0; i < 5; ++i) append();
  EXPECT_EQ(LogSequence(path), before) << "nothing checkpoints unasked";

  groups.RestartLog();
  append();  // its group, then the restart checkpoint on the writer's connection
  append();  // the first group written from the log's start
  EXPECT_EQ(LogSequence(path), before + 1);

  // Once: later groups go on from there.
  for (int i = 0; i < 5; ++i) append();
  EXPECT_EQ(LogSequence(path), before + 1);

  // Everything appended is there, whichever side of the restart it was written.
  auto lease = pool.Acquire();
  ASSERT_TRUE(lease);
  auto listed = (*lease)->ListObservations(org, measure);
  ASSERT_TRUE(listed) << listed.error().message;
  EXPECT_EQ(static_cast<int64_t>(listed->size()), appended);
}

}  // namespace
}  // namespace everyseat::server::api
