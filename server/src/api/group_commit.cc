// Group commit of single observations (group_commit.h).
#include "group_commit.h"

#include <utility>

#include "context.h"

namespace everyseat::server::api {

store::Result<domain::Observation> GroupCommit::Append(const domain::Actor& actor,
                                                       domain::OrgId org,
                                                       const domain::ObservationInput& input) {
  Job job{&actor, org, &input, std::nullopt, {}};
  std::unique_lock lock(mu_);
  waiting_.push_back(&job);
  while (!job.result) {
    if (writing_) {
      job.wake.wait(lock);
      continue;
    }
    // No group is being written: this thread writes the next one, its own job first among them
    // (a job leaves waiting_ only in a group, whose writer sets its result).
    writing_ = true;
    std::vector<Job*> group;
    if (waiting_.size() <= kMaxGroup) {
      group.swap(waiting_);
    } else {
      group.assign(waiting_.begin(), waiting_.begin() + kMaxGroup);
      waiting_.erase(waiting_.begin(), waiting_.begin() + kMaxGroup);
    }
    lock.unlock();
    std::vector<store::Result<domain::Observation>> results = Write(group);
    if (on_group_) on_group_(group.size());
    lock.lock();
    // Under the lock, so that no job returns (and ends its `wake`) before it is told.
    for (size_t i = 0; i < group.size(); ++i) {
      group[i]->result = std::move(results[i]);
      if (group[i] != &job) group[i]->wake.notify_one();
    }
    writing_ = false;
    // The first of those who came meanwhile writes the next group.
    if (!waiting_.empty()) waiting_.front()->wake.notify_one();
  }
  return std::move(*job.result);
}

std::vector<store::Result<domain::Observation>> GroupCommit::Write(const std::vector<Job*>& group) {
  std::vector<store::Result<domain::Observation>> results;
  results.reserve(group.size());
  const auto fail_all = [&](const store::StoreError& error) {
    results.assign(group.size(), tl::unexpected(error));
    return std::move(results);
  };
  auto lease = pool_.AcquireWriter();
  if (!lease) return fail_all(lease.error());
  store::Store& store = **lease;
  auto transaction = store.Begin();
  if (!transaction) return fail_all(transaction.error());
  for (const Job* job : group) {
    // Inside the transaction each append is a savepoint: a refusal undoes only its own rows.
    results.push_back(store.AppendObservation(*job->actor, job->org, *job->input));
  }
  if (auto committed = transaction->Commit(); !committed) return fail_all(committed.error());
  return results;
}

}  // namespace everyseat::server::api
