// Single observations written in groups (issue 3, "Speed"; docs/adr/0006): observations that
// arrive while a group is being written wait, and go together in the next group, in one
// transaction on the writer's connection (StorePool::AcquireWriter), written by a thread of its
// own. Each observation is written in a savepoint of its own, so that one refusal (a period
// recorded already, a measure gone) leaves the rest of its group. One commit then serves the lot:
// on SQLite one lock taken and one set of pages written to the log instead of one per
// observation; on PostgreSQL one flush.
//
// Nothing is acknowledged before its group commits: a job is told its outcome only then, and when
// the commit fails every job of the group is told the failure.
// Thread-safety: Submit and Append may be called from any number of threads at once.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
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

  // What a caller that checked its request against what it remembered (an API token, a
  // measure's definition) expects to find in the database. The group's transaction reads both
  // again before it writes the observation, so that a token revoked or a measure redefined since
  // (by another process or node) is noticed at the moment of writing.
  struct Expect {
    std::string token_secret;  // the token must still authenticate,
    domain::TokenId token;     // as this token,
    domain::Measure measure;   // and the measure be exactly this
  };
  struct Outcome {
    store::Result<domain::Observation> stored;
    bool unexpected = false;  // the Expect did not hold (or could not be read): nothing written
  };
  // What Submit's caller is told, on one of the group commit's answering threads: each is handed
  // its share of a committed group's outcomes at once (one wake per group, not one per
  // observation) and tells them in order, while the writer goes on with the next group. The
  // outcomes of one measure always go to the same thread, in the order they were submitted. A
  // Done may make the answer there, but should not wait for a group (use WithinThen, not
  // Within): no other outcome of its thread is told meanwhile.
  using Done = std::function<void(Outcome)>;

  // `on_group` (may be empty) is called with the number of observations in each group once it
  // is committed. Starts the writer's thread and `answerers` answering threads (at least one:
  // one suits SQLite, where answering costs only CPU; several suit a database an answer waits on,
  // such as PostgreSQL's NOTIFY to the other nodes).
  GroupCommit(StorePool& pool, std::function<void(size_t)> on_group, size_t answerers = 1);
  // Stop()s.
  ~GroupCommit();
  GroupCommit(const GroupCommit&) = delete;
  GroupCommit& operator=(const GroupCommit&) = delete;

  // Queues one observation for the next group, to be stored as Store::AppendObservation does
  // (after `expect` is checked, when there is one); `done` is called once it is committed.
  void Submit(domain::Actor actor, domain::OrgId org, domain::ObservationInput input,
              std::optional<Expect> expect, Done done);

  // Asks the writer to run a restart checkpoint (Store::CheckpointMode::kRestart) on its own
  // connection after the group it is writing: under a steady stream of groups the passive
  // checkpoints never catch up with the log, which would grow without end. Any thread.
  void RestartLog() { restart_log_.store(true); }

  // Writes what was submitted and tells each job, then ends both threads; later jobs are told at
  // once that the server is stopping (kUnavailable). Idempotent.
  void Stop();

  // Stores one observation in the next group and waits for it.
  // REQUIRES: the thread holds no lease of the pool's writer.
  [[nodiscard]] store::Result<domain::Observation> Append(const domain::Actor& actor,
                                                          domain::OrgId org,
                                                          const domain::ObservationInput& input);

  // Runs `work` on the writer's connection inside the next group's transaction (work that
  // changes rows opens a scope of its own, as every Store write does, so its failure undoes only
  // itself) and waits for the group to commit: the commit's failure, or success. Taking a place
  // in the queue, the work waits for at most the group being written, where a lease of the
  // writer could wait for several in a row.
  // REQUIRES: as Append.
  [[nodiscard]] store::Result<void> Within(const std::function<void(store::Store&)>& work);
  // The same without waiting: `then` is told whether the group committed, on the answering
  // thread (as Submit's `done`).
  void WithinThen(std::function<void(store::Store&)> work,
                  std::function<void(store::Result<void>)> then);

 private:
  struct Job {
    domain::Actor actor;
    domain::OrgId org;
    domain::ObservationInput input;
    std::optional<Expect> expect;
    Done done;
    std::function<void(store::Store&)> work = {};  // Within: instead of an append
    bool waiting = false;  // EnqueueAndWait's: told on the writer's thread, which it waits for
  };

  // Queues the job; when stopping, tells it at once that the server is stopping.
  void Enqueue(Job job);
  // Queues the job (its `done` is replaced) and waits for its outcome.
  [[nodiscard]] Outcome EnqueueAndWait(Job job);

  // An answering thread and what it has to tell.
  struct Answering {
    std::mutex mu;
    std::condition_variable wake;                 // outcomes to tell, or the end
    std::vector<std::pair<Done, Outcome>> queue;  // guarded by mu
    bool end = false;                             // guarded by mu
    std::thread thread;
  };

  static std::vector<std::unique_ptr<Answering>> StartAnswering(size_t answerers);
  void Run();                        // the writer's thread
  static void Answer(Answering& a);  // an answering thread
  // Writes `group` in one transaction: the outcome of each job, in order.
  [[nodiscard]] std::vector<Outcome> Write(const std::vector<Job>& group);

  StorePool& pool_;
  const std::function<void(size_t)> on_group_;
  std::mutex mu_;
  std::condition_variable wake_;                       // a job was queued, or the end
  std::vector<Job> queue_;                             // guarded by mu_
  bool stopping_ = false;                              // guarded by mu_
  std::vector<std::unique_ptr<Answering>> answering_;  // its threads started before the writer's
  std::atomic<bool> restart_log_{false};
  std::mutex join_mu_;  // Stop from two threads joins once
  std::thread writer_;  // started last
};

}  // namespace everyseat::server::api
