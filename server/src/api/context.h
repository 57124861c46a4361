// What every API route shares: the store pool, the live series cache, the event hub, and the
// request steps every handler takes in the same order (authenticate, load, authorise, change,
// answer). Internal to server/src/api.
// Thread-safety: Api::Impl is shared by every handler thread; its members say how they are
// guarded.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>
#include <tl/expected.hpp>

#include "everyseat/domain/authorise.h"
#include "everyseat/server/api.h"
#include "everyseat/server/json.h"
#include "group_commit.h"
#include "live_cache.h"

namespace everyseat::server {

using nlohmann::json;

namespace api {

// Store connections, one per request in flight; made on demand and kept for reuse. On SQLite,
// the group commit (single observations and the notifications they raise) writes on one more
// connection, the writer (AcquireWriter).
class StorePool {
 public:
  StorePool(std::string url, store::StoreOptions options);

  class Lease {
   public:
    // A pooled connection, returned to the pool at the end.
    Lease(StorePool* pool, std::unique_ptr<store::Store> store)
        : pool_(pool), owned_(std::move(store)), store_(owned_.get()) {}
    // The writer, held while `turn` is.
    Lease(store::Store* writer, std::unique_lock<std::mutex> turn)
        : store_(writer), turn_(std::move(turn)) {}
    Lease(Lease&&) noexcept = default;
    Lease& operator=(Lease&&) = delete;
    ~Lease() {
      if (owned_) pool_->Return(std::move(owned_));
    }
    store::Store& operator*() const { return *store_; }
    store::Store* operator->() const { return store_; }

   private:
    StorePool* pool_ = nullptr;
    std::unique_ptr<store::Store> owned_;
    store::Store* store_;
    std::unique_lock<std::mutex> turn_;
  };

  [[nodiscard]] store::Result<Lease> Acquire();
  // A connection for the group commit's writes. SQLite lets one writer in at a time, so they
  // take turns on one connection: its page cache stays warm (another connection's commit empties
  // a connection's cache) and none of them spins on the database's lock. PostgreSQL writes in
  // parallel: a pooled connection, as Acquire.
  // REQUIRES: the thread holds no other writer lease.
  [[nodiscard]] store::Result<Lease> AcquireWriter();
  [[nodiscard]] const std::string& url() const { return url_; }
  [[nodiscard]] bool sqlite() const { return sqlite_; }

 private:
  void Return(std::unique_ptr<store::Store> store);

  std::string url_;
  store::StoreOptions options_;
  bool sqlite_;
  std::mutex mu_;
  std::vector<std::unique_ptr<store::Store>> idle_;  // guarded by mu_
  std::mutex writer_turn_;                           // held by the writer's lease
  std::unique_ptr<store::Store> writer_;             // guarded by writer_turn_
};

// Who is asking.
struct Caller {
  domain::Principal principal;
  domain::OrgId org;
  domain::Actor actor;
  std::optional<domain::PersonId> person;  // a signed-in person (not a token)
};

// Whether an API token may take `action` on `team` because it is the token's own team. A
// token's scope is exactly its own team, which the store keeps in the token's organisation (a
// foreign key), so for a request on that team the tree of that one team decides as the whole tree
// would: the token's requests (an observation every few seconds from each system) need not read
// the tree. False decides nothing: anything else, a refusal included, is decided on the whole
// tree (Api::Impl::Authorise).
[[nodiscard]] bool TokenMayOnItsTeam(const Caller& caller, domain::Action action,
                                     std::optional<domain::TeamId> team);

// A problem document with its fields in one call.
[[nodiscard]] inline Problem MakeProblem(int status, std::string detail,
                                         std::vector<FieldError> errors = {}) {
  Problem problem;
  problem.status = status;
  problem.detail = std::move(detail);
  problem.errors = std::move(errors);
  return problem;
}

// A refusal or failure, as the response to send.
using Refusal = Response;
template <class T>
using Outcome = tl::expected<T, Refusal>;

[[nodiscard]] inline tl::unexpected<Refusal> Refuse(int status, std::string detail,
                                                    std::vector<FieldError> errors = {}) {
  return tl::unexpected<Refusal>(
      ProblemResponse(MakeProblem(status, std::move(detail), std::move(errors))));
}
// A store error as a problem: not found 404, conflict 409, invalid 422 (naming the field as a
// JSON Pointer), unavailable 503, internal 500.
[[nodiscard]] Refusal StoreRefusal(const store::StoreError& error);
[[nodiscard]] inline tl::unexpected<Refusal> Refuse(const store::StoreError& error) {
  return tl::unexpected<Refusal>(StoreRefusal(error));
}

// The secret of an Authorization header "Bearer SECRET" (the scheme in any case), or nothing
// when the header is not one.
[[nodiscard]] std::optional<std::string_view> BearerSecret(std::string_view authorization);

// An id from a path parameter ("12"): 404 when it is not a positive integer.
[[nodiscard]] Outcome<int64_t> PathId(const Request& request, std::string_view name);

// JSON forms of the domain's values (docs/api.md, "Objects").
[[nodiscard]] json ToJson(const domain::Team& team);
[[nodiscard]] json ToJson(const domain::Person& person);
[[nodiscard]] json ToJson(const domain::Measure& measure);
[[nodiscard]] json ToJson(const domain::Observation& observation);
// ToJson(observation) appended as text (the answer to a new observation is made without a tree).
void AppendJson(const domain::Observation& observation, std::string& out);
[[nodiscard]] json ToJson(const domain::Annotation& annotation);
[[nodiscard]] json ToJson(const domain::Notification& notification);
[[nodiscard]] json ToJson(const store::ApiToken& token);
[[nodiscard]] json ToJson(const domain::AuditEntry& entry);
[[nodiscard]] json ActorJson(const domain::Actor& actor);
// {"<key>": [ToJson(item)...]}: a list answer.
template <class T>
[[nodiscard]] json ListJson(std::string_view key, const std::vector<T>& items) {
  json list = json::array();
  for (const T& item : items) list.push_back(ToJson(item));
  return json{{std::string(key), std::move(list)}};
}
// A number, or null when it does not exist (NaN or empty).
[[nodiscard]] json NumberOrNull(double value);
[[nodiscard]] json NumberOrNull(const std::optional<double>& value);

// An OperationDoc in one call: the first response is the success, the rest refusals documented
// beside the default problem.
[[nodiscard]] OperationDoc Doc(std::string summary, std::string tag, ResponseDoc success,
                               json request_schema = nullptr,
                               std::vector<ParameterDoc> parameters = {});
[[nodiscard]] ParameterDoc PathParameter(std::string name, std::string description);
[[nodiscard]] ResponseDoc JsonDoc(int status, std::string description, json schema);
[[nodiscard]] json ArrayOf(std::string_view schema);
// {"<key>": [items]} with items of the named schema.
[[nodiscard]] json ListOf(std::string_view key, std::string_view schema);

// Shared JSON Schema fragments, registered in the OpenAPI document's components.
[[nodiscard]] json SchemaRef(std::string_view name);
[[nodiscard]] json ApiSchemas();

}  // namespace api

struct Api::Impl {
  explicit Impl(ApiOptions o);

  ApiOptions options;
  api::StorePool pool;
  // Single observations (Record, RecordQuickly) and the notifications they raise (Signal).
  // One answering thread on SQLite; on PostgreSQL an answer waits for a NOTIFY round trip, so
  // several overlap them.
  api::GroupCommit groups{pool, options.on_group_commit, pool.sqlite() ? size_t{1} : size_t{4}};
  EventHub hub;
  api::LiveCache live;

  // API tokens that authenticated, by the SHA-256 of their secret (never the secret itself): an
  // observation's quick path (RecordQuickly) starts from here, and its group's transaction reads
  // the token again. Authenticate adds and removes them.
  static constexpr size_t kMaxTokensKept = 10'000;
  std::mutex tokens_mu;
  std::unordered_map<std::string, store::ApiToken> known_tokens;  // guarded by tokens_mu

  // Cross-node events.
  std::mutex listen_mu;
  std::condition_variable listen_cv;
  bool stopping = false;  // guarded by listen_mu
  std::thread listener;
  std::thread housekeeper;   // purges expired story text every hour (Api::PurgeExpiredStories)
  std::thread checkpointer;  // SQLite: copies the write-ahead log into the database (below)

  // --- The steps of a request.
  [[nodiscard]] api::Outcome<api::StorePool::Lease> Connect();
  // The caller from the session cookie or the Bearer token: 401 without valid credentials. For a
  // state-changing method and a cookie session, the X-CSRF-Token header must match (403).
  [[nodiscard]] api::Outcome<api::Caller> Authenticate(store::Store& store, const Request& request);
  // The caller of a valid API token.
  [[nodiscard]] static api::Caller TokenCaller(const store::ApiToken& token);
  // 403 with the policy's reason when the caller may not.
  [[nodiscard]] api::Outcome<void> Authorise(store::Store& store, const api::Caller& caller,
                                             domain::Action action,
                                             std::optional<domain::TeamId> team);
  // The measure of the caller's organisation (404 otherwise) after authorising `action` on it.
  [[nodiscard]] api::Outcome<domain::Measure> MeasureFor(store::Store& store,
                                                         const api::Caller& caller,
                                                         int64_t measure_id, domain::Action action);

  // Connects, authenticates and runs `body` with the store and the caller; its refusal or its
  // response is the answer.
  template <class Body>
  Response Serve(const Request& request, Body&& body) {
    auto lease = Connect();
    if (!lease) return std::move(lease.error());
    auto caller = Authenticate(**lease, request);
    if (!caller) return std::move(caller.error());
    api::Outcome<Response> answer = body(**lease, *caller);
    return answer ? std::move(*answer) : std::move(answer.error());
  }

  // The team of the path parameter "team" (404 when it is not an id), after authorising
  // `action` on it.
  [[nodiscard]] api::Outcome<domain::TeamId> TeamParam(store::Store& store,
                                                       const api::Caller& caller,
                                                       const Request& request,
                                                       domain::Action action);
  // The measure of the path parameter "measure", as MeasureFor.
  [[nodiscard]] api::Outcome<domain::Measure> MeasureParam(store::Store& store,
                                                           const api::Caller& caller,
                                                           const Request& request,
                                                           domain::Action action);

  // Publishes an event here and to the other nodes.
  void Broadcast(store::Store& store, std::string_view name, const json& data,
                 std::vector<std::string> topics);
  // The same with the data written as JSON text (an object); when it is too large for one
  // message to the other nodes, they are sent {measure, team, truncated: true} instead.
  void Broadcast(store::Store& store, std::string_view name, std::string data, int64_t measure,
                 int64_t team, std::vector<std::string> topics);

  // --- Steps shared by the API and the pages.

  // Signs a person in by email and password (argon2id; lockout after repeated failures):
  // 401 wrong email or password, 429 locked out, 422 the email is in several organisations and
  // `organisation` does not say which.
  struct SignedIn {
    domain::Person person;
    std::string secret;
    int64_t expires_at = 0;
  };
  [[nodiscard]] api::Outcome<SignedIn> SignIn(store::Store& store, std::string_view email,
                                              std::string_view password,
                                              std::optional<std::string_view> organisation);
  // The Set-Cookie value of a session (max_age 0 ends it).
  [[nodiscard]] std::string SessionCookieHeader(std::string_view secret, int64_t max_age) const;
  // The person signed in with this session secret (no CSRF check): 401 when it is not valid.
  [[nodiscard]] api::Outcome<api::Caller> SessionCaller(store::Store& store,
                                                        std::string_view secret);

  // Records observations of `measure` (already authorised): stores them (all or none), extends
  // the live series, publishes the events and makes the notifications. The answer of
  // POST /api/v1/measures/{id}/observations, as JSON text.
  [[nodiscard]] api::Outcome<std::string> Record(store::Store& store, const api::Caller& caller,
                                                 const domain::Measure& measure,
                                                 std::vector<domain::ObservationInput> inputs,
                                                 bool batch);
  // The rest of Record once the observations are stored, with state.mu held: the live series
  // extended (or reloaded: always when `reload`, else when a period came late), the answer, the
  // events and the notifications. `stored` is the single observation (none for a batch).
  // It answers without its closing "signals": the notifications the new point calls for,
  // not yet stored (Notify stores them and says which are new; WithSignals closes the answer).
  struct Extended {
    std::string answer;
    std::vector<domain::Notification> notifications;
  };
  [[nodiscard]] api::Outcome<Extended> Extend(store::Store& store, const domain::Measure& measure,
                                              api::SeriesState& state, size_t written,
                                              const std::optional<domain::Observation>& stored,
                                              const std::vector<domain::Observation>& appended,
                                              bool reload);
  // An answer of Extend with its "signals" (a JSON array) and closing brace.
  [[nodiscard]] static std::string WithSignals(std::string answer, const json& signals);
  // The rest of RecordQuickly once the observation is stored, on the group commit's answering
  // thread: Extend, and the answer once the notifications (if any) are stored.
  void Answer(api::Caller caller, domain::Measure measure, domain::Observation stored,
              Router::Finish finish);
  // POST /api/v1/measures/{id}/observations without waiting on a thread (the route's
  // asynchronous handler): a single observation from an API token that authenticated before, on
  // a measure whose series is in memory, is checked from memory and handed to the group commit
  // with what it expects of the database; its answer is made once its group commits. Anything
  // else — a session, a batch, a token or measure not seen yet, a request that would be refused,
  // an expectation the group's transaction finds broken — is answered by the synchronous
  // handler, which checks everything against the database.
  void RecordQuickly(const Request& request, Router::Finish finish);
  // Corrects one period's value (its history kept): the answer of PUT …/observations/{period}.
  [[nodiscard]] api::Outcome<json> Correct(store::Store& store, const api::Caller& caller,
                                           const domain::Measure& measure,
                                           const domain::ObservationInput& input);
  // Adds a note, rebase or PDSA annotation to `measure` (already authorised); the measure's live
  // series reloads on its next use (a rebase starts a new phase).
  [[nodiscard]] api::Outcome<domain::Annotation> Annotate(store::Store& store,
                                                          const api::Caller& caller,
                                                          const domain::Measure& measure,
                                                          domain::Annotation annotation);
  // Stores a measure's definition (the caller already authorised kDefineMeasure on
  // measure.team): creates it when measure.id is not set, else replaces the definition of
  // measure.id (its team and creation time kept). The measure's live series reloads on its next
  // use and a "measure" event is published. The answer of POST and PUT /api/v1/measures.
  [[nodiscard]] api::Outcome<domain::Measure> DefineMeasure(store::Store& store,
                                                            const api::Caller& caller,
                                                            const domain::Measure& measure);
  // The notifications for the point at `index` after an update: a special-cause point, or a
  // change of variation or assurance icon from what it was `before` (the first icons of a series
  // that had none are not a change). Not stored yet.
  [[nodiscard]] std::vector<domain::Notification> Signals(
      const domain::Measure& measure, const api::SeriesState& state, size_t index,
      const std::optional<spc::Summary>& before);
  // Stores them on the group commit's writer connection: each one's result in `added`.
  void AddNotifications(store::Store& writer, const api::Caller& caller,
                        const std::vector<domain::Notification>& notifications,
                        std::vector<store::Result<std::optional<domain::Notification>>>& added);
  // Once their group is `committed`: each new notification published ("signal") and handed to
  // on_notification, failures logged (the observation is stored already); the new ones' JSON.
  json Announce(store::Store& store, const domain::Measure& measure,
                const std::vector<domain::Notification>& notifications,
                const store::Result<void>& committed,
                std::vector<store::Result<std::optional<domain::Notification>>> added);
  // AddNotifications in the next group, waiting for it, then Announce.
  json Notify(store::Store& store, const api::Caller& caller, const domain::Measure& measure,
              const std::vector<domain::Notification>& notifications);

  // The routes, by area (each in its own file).
  void AddSessionRoutes(Router& router);
  void AddOrganisationRoutes(Router& router);
  void AddMeasureRoutes(Router& router);
  void AddObservationRoutes(Router& router);
  void AddNotificationRoutes(Router& router);
  void AddGuardRoutes(Router& router);  // the patient-detail guard (guard_routes.cc)
  void AddStoryRoutes(Router& router);  // stories, reflections, equity, subject access
  void AddPageRoutes(Router& router);   // the HTML pages (server/src/web)

  void ListenLoop(std::unique_ptr<store::EventListener> events);
  [[nodiscard]] tl::expected<int64_t, std::string> PurgeExpiredStories();
  void HousekeepingLoop();
  // SQLite: a PASSIVE checkpoint every kCheckpointInterval on a connection of its own, so that no
  // request's commit does one (StorePool opens SQLite with Checkpoints::kByCaller). Started by
  // Api::Create, ended by Api::Stop.
  void CheckpointLoop();
};

// The session cookie's name and the CSRF token of a session secret.
inline constexpr std::string_view kSessionCookie = "everyseat_session";
[[nodiscard]] std::string CsrfToken(std::string_view session_secret);
// Whether `sent` is the CSRF token of the session (compared in constant time).
[[nodiscard]] bool CsrfMatches(std::string_view session_secret, std::string_view sent);
// The session secret in the request's Cookie header, if any.
[[nodiscard]] std::optional<std::string_view> SessionSecret(const Request& request);

}  // namespace everyseat::server
