// Group commit of single observations (group_commit.h).
#include "group_commit.h"

#include <pthread.h>

#include <algorithm>
#include <iterator>
#include <string_view>
#include <utility>

#include "context.h"

namespace everyseat::server::api {

std::vector<std::unique_ptr<GroupCommit::Answering>> GroupCommit::StartAnswering(size_t answerers) {
  std::vector<std::unique_ptr<Answering>> answering;
  for (size_t i = 0; i < std::max<size_t>(answerers, 1); ++i) {
    Answering& a = *answering.emplace_back(std::make_unique<Answering>());
    a.thread = std::thread([&a] { Answer(a); });
  }
  return answering;
}

GroupCommit::GroupCommit(StorePool& pool, std::function<void(size_t)> on_group, size_t answerers)
    : pool_(pool),
      on_group_(std::move(on_group)),
      answering_(StartAnswering(answerers)),
      writer_([this] { Run(); }) {}

GroupCommit::~GroupCommit() { Stop(); }

void GroupCommit::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_one();
  std::lock_guard joining(join_mu_);
  if (writer_.joinable()) writer_.join();
  for (auto& a : answering_) {
    {
      std::lock_guard lock(a->mu);
      a->end = true;
    }
    a->wake.notify_one();
  }
  for (auto& a : answering_) {
    if (a->thread.joinable()) a->thread.join();
  }
}

void GroupCommit::Submit(domain::Actor actor, domain::OrgId org, domain::ObservationInput input,
                         std::optional<Expect> expect, Done done) {
  Enqueue({std::move(actor), org, std::move(input), std::move(expect), std::move(done)});
}

void GroupCommit::Enqueue(Job job) {
  {
    std::lock_guard lock(mu_);
    if (!stopping_) {
      queue_.push_back(std::move(job));
      if (queue_.size() == 1) wake_.notify_one();  // else the writer is awake already
      return;
    }
  }
  job.done({tl::unexpected(store::StoreError{store::StoreErrorCode::kUnavailable,
                                             "the server is stopping", ""}),
            false});
}

GroupCommit::Outcome GroupCommit::EnqueueAndWait(Job job) {
  std::mutex mu;
  std::condition_variable told;
  std::optional<Outcome> outcome;
  job.waiting = true;
  job.done = [&](Outcome told_outcome) {
    // Under the lock, so that this thread does not return (and end `told`) before it is told.
    std::lock_guard lock(mu);
    outcome = std::move(told_outcome);
    told.notify_one();
  };
  Enqueue(std::move(job));
  std::unique_lock lock(mu);
  told.wait(lock, [&] { return outcome.has_value(); });
  return std::move(*outcome);
}

store::Result<domain::Observation> GroupCommit::Append(const domain::Actor& actor,
                                                       domain::OrgId org,
                                                       const domain::ObservationInput& input) {
  return EnqueueAndWait({actor, org, input, std::nullopt, {}}).stored;
}

store::Result<void> GroupCommit::Within(const std::function<void(store::Store&)>& work) {
  Job job;
  job.work = std::cref(work);
  const Outcome outcome = EnqueueAndWait(std::move(job));
  if (!outcome.stored) return tl::unexpected(outcome.stored.error());
  return {};
}

void GroupCommit::WithinThen(std::function<void(store::Store&)> work,
                             std::function<void(store::Result<void>)> then) {
  Job job;
  job.work = std::move(work);
  job.done = [then = std::move(then)](Outcome outcome) {
    if (!outcome.stored) return then(tl::unexpected(outcome.stored.error()));
    then({});
  };
  Enqueue(std::move(job));
}

void GroupCommit::Run() {
  pthread_setname_np(pthread_self(), "es-writer");  // for top and perf
  std::vector<Job> group;
  std::vector<std::vector<std::pair<Done, Outcome>>> told(answering_.size());
  for (;;) {
    {
      std::unique_lock lock(mu_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and everything submitted is written
      if (queue_.size() <= kMaxGroup) {
        group.swap(queue_);
      } else {
        group.assign(std::make_move_iterator(queue_.begin()),
                     std::make_move_iterator(queue_.begin() + kMaxGroup));
        queue_.erase(queue_.begin(), queue_.begin() + kMaxGroup);
      }
    }
    std::vector<Outcome> outcomes = Write(group);
    if (restart_log_.exchange(false)) {
      // Between groups the writer's lock is free; failures are left to the next request.
      if (auto lease = pool_.AcquireWriter()) {
        (void)(*lease)->Checkpoint(store::Store::CheckpointMode::kRestart);
      }
    }
    if (on_group_) {
      on_group_(static_cast<size_t>(
          std::count_if(group.begin(), group.end(), [](const Job& job) { return !job.work; })));
    }
    for (size_t i = 0; i < group.size(); ++i) {
      Job& job = group[i];
      if (job.waiting) {
        job.done(std::move(outcomes[i]));  // only wakes its thread
        continue;
      }
      // A measure's outcomes to one thread, in order (work: to the first).
      const auto key = job.work ? 0 : static_cast<uint64_t>(job.input.measure.value);
      told[key % told.size()].emplace_back(std::move(job.done), std::move(outcomes[i]));
    }
    group.clear();
    for (size_t t = 0; t < told.size(); ++t) {
      if (told[t].empty()) continue;
      Answering& a = *answering_[t];
      bool was_empty = false;
      {
        std::lock_guard lock(a.mu);
        was_empty = a.queue.empty();
        std::move(told[t].begin(), told[t].end(), std::back_inserter(a.queue));
      }
      told[t].clear();
      if (was_empty) a.wake.notify_one();  // else it is awake already
    }
  }
}

void GroupCommit::Answer(Answering& a) {
  pthread_setname_np(pthread_self(), "es-answers");
  std::vector<std::pair<Done, Outcome>> batch;
  for (;;) {
    {
      std::unique_lock lock(a.mu);
      a.wake.wait(lock, [&a] { return a.end || !a.queue.empty(); });
      if (a.queue.empty()) return;  // the end, and the writer has told everything
      batch.swap(a.queue);
    }
    for (auto& [done, outcome] : batch) done(std::move(outcome));
    batch.clear();
  }
}

std::vector<GroupCommit::Outcome> GroupCommit::Write(const std::vector<Job>& group) {
  std::vector<Outcome> outcomes;
  outcomes.reserve(group.size());
  const auto fail_all = [&](const store::StoreError& error) {
    outcomes.assign(group.size(), Outcome{tl::unexpected(error), false});
    return std::move(outcomes);
  };
  auto lease = pool_.AcquireWriter();
  if (!lease) return fail_all(lease.error());
  store::Store& store = **lease;
  auto transaction = store.Begin();
  if (!transaction) return fail_all(transaction.error());
  // What this transaction has read already: a group often holds several jobs of one token or
  // one measure.
  std::vector<std::pair<std::string_view, domain::TokenId>> tokens_read;  // secret, token
  std::vector<domain::Measure> measures_read;
  // The measure as read in this transaction, when the job's token and measure are as expected.
  const auto holds = [&](const Expect& expect) -> const domain::Measure* {
    auto token = std::find_if(tokens_read.begin(), tokens_read.end(),
                              [&](const auto& read) { return read.first == expect.token_secret; });
    if (token == tokens_read.end()) {
      auto found = store.AuthenticateApiToken(expect.token_secret);
      if (!found) return nullptr;
      token = tokens_read.insert(tokens_read.end(), {expect.token_secret, found->id});
    }
    if (token->second != expect.token) return nullptr;
    const domain::MeasureId id = expect.measure.id;
    auto measure = std::find_if(measures_read.begin(), measures_read.end(),
                                [&](const domain::Measure& read) { return read.id == id; });
    if (measure == measures_read.end()) {
      auto found = store.GetMeasure(expect.measure.org, id);
      if (!found) return nullptr;
      measure = measures_read.insert(measures_read.end(), std::move(*found));
    }
    return *measure == expect.measure ? &*measure : nullptr;
  };
  // Inside the transaction each append is a savepoint: a refusal undoes only its own rows.
  for (const Job& job : group) {
    if (job.work) {
      job.work(store);
      outcomes.push_back({domain::Observation{}, false});  // told only whether the group commits
      continue;
    }
    if (!job.expect) {
      outcomes.push_back({store.AppendObservation(job.actor, job.org, job.input), false});
      continue;
    }
    const domain::Measure* measure = holds(*job.expect);
    if (measure == nullptr) {
      outcomes.push_back({tl::unexpected(store::StoreError{store::StoreErrorCode::kConflict,
                                                           "not as expected", ""}),
                          true});
      continue;
    }
    outcomes.push_back({store.AppendObservationTo(job.actor, *measure, job.input), false});
  }
  if (auto committed = transaction->Commit(); !committed) return fail_all(committed.error());
  return outcomes;
}

}  // namespace everyseat::server::api
