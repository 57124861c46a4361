// Single observations written in groups (issue 3, "Speed"): a POST that arrives while a group is
// being written waits, and goes with the others that came meanwhile in the next group, in one
// transaction on the writer's connection (StorePool::AcquireWriter). Each observation is written
// in a savepoint of its own, so that one refusal (a period recorded already, a measure gone)
// leaves the rest of its group. One commit then serves the lot: on SQLite one lock taken and one
// set of pages written to the log instead of one per observation; on PostgreSQL one flush.
//
// Nothing is acknowledged before its group commits: Append returns only then, and when the
// commit fails every observation of the group gets the failure.
// Thread-safety: Append may be called from any number of threads at once; the group's writing
// is done by one of them (the first to find no group being written), the others wait.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <optional>
#include <utility>
#include <vector>

#include "everyseat/domain/model.h"
#include "everyseat/store/store.h"

namespace everyseat::server::api {

class StorePool;

class GroupCommit {
 public:
  // At most this many observations go in one group (a bound on a transaction's length).
  static constexpr size_t kMaxGroup = 256;

  // `on_group` (may be empty) is called with each group's size once it is committed.
  GroupCommit(StorePool& pool, std::function<void(size_t)> on_group)
      : pool_(pool), on_group_(std::move(on_group)) {}

  // Stores one observation as Store::AppendObservation does, in the next group.
  // REQUIRES: the thread holds no lease of the pool's writer.
  [[nodiscard]] store::Result<domain::Observation> Append(const domain::Actor& actor,
                                                          domain::OrgId org,
                                                          const domain::ObservationInput& input);

 private:
  struct Job {
    const domain::Actor* actor;
    domain::OrgId org;
    const domain::ObservationInput* input;
    std::optional<store::Result<domain::Observation>> result;  // guarded by mu_; set when done
    std::condition_variable wake;  // its result is set, or it is to write the next group
  };

  // Writes `group` in one transaction: the result of each job, in order.
  [[nodiscard]] std::vector<store::Result<domain::Observation>> Write(
      const std::vector<Job*>& group);

  StorePool& pool_;
  const std::function<void(size_t)> on_group_;
  std::mutex mu_;
  std::vector<Job*> waiting_;  // guarded by mu_
  bool writing_ = false;       // guarded by mu_: a group is being written
};

}  // namespace everyseat::server::api
