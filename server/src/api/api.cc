// The API's shared steps: the store pool, authentication (session cookie with CSRF, or Bearer
// token), authorisation through domain::Authorise, events to this node and the others.
#include <pthread.h>
#include <sodium.h>
#include <strings.h>

#include <chrono>
#include <cstdlib>
#include <ctime>
#include <utility>

#include "context.h"
#include "everyseat/codec/analysis_json.h"
#include "everyseat/domain/secrets.h"
#include "everyseat/server/static_files.h"

namespace everyseat::server {

using api::Caller;
using api::MakeProblem;
using api::Outcome;
using api::Refuse;

namespace api {

StorePool::StorePool(std::string url, store::StoreOptions options)
    : url_(std::move(url)), options_(std::move(options)), sqlite_(store::Store::IsSqliteUrl(url_)) {
  // The server checkpoints SQLite's log from a thread of its own (Api::Impl::CheckpointLoop).
  if (sqlite_) options_.checkpoints = store::Checkpoints::kByCaller;
}

store::Result<StorePool::Lease> StorePool::AcquireWriter() {
  if (!sqlite_) return Acquire();
  std::unique_lock turn(writer_turn_);
  if (!writer_) {
    auto opened = store::Store::Open(url_, options_);
    if (!opened) return tl::unexpected(opened.error());
    writer_ = std::move(*opened);
  }
  return Lease(writer_.get(), std::move(turn));
}

store::Result<StorePool::Lease> StorePool::Acquire() {
  {
    std::lock_guard lock(mu_);
    if (!idle_.empty()) {
      auto store = std::move(idle_.back());
      idle_.pop_back();
      return Lease(this, std::move(store));
    }
  }
  auto opened = store::Store::Open(url_, options_);
  if (!opened) return tl::unexpected(opened.error());
  return Lease(this, std::move(*opened));
}

void StorePool::Return(std::unique_ptr<store::Store> store) {
  std::lock_guard lock(mu_);
  idle_.push_back(std::move(store));
}

bool TokenMayOnItsTeam(const Caller& caller, domain::Action action,
                       std::optional<domain::TeamId> team) {
  const auto* token = std::get_if<domain::TokenPrincipal>(&caller.principal);
  if (token == nullptr || team != token->team) return false;
  const domain::Team own{token->team, token->org, std::nullopt, "", ""};
  return static_cast<bool>(domain::Authorise(
      caller.principal, action, domain::Target{caller.org, team, {}}, domain::TeamTree({&own, 1})));
}

Refusal StoreRefusal(const store::StoreError& error) {
  switch (error.code) {
    case store::StoreErrorCode::kNotFound:
      return ProblemResponse(MakeProblem(404, error.message));
    case store::StoreErrorCode::kConflict:
      return ProblemResponse(MakeProblem(
          409, error.message,
          error.field.empty() ? std::vector<FieldError>{}
                              : std::vector<FieldError>{{"/" + error.field, error.message}}));
    case store::StoreErrorCode::kInvalid: {
      std::vector<FieldError> errors;
      errors.push_back({error.field.empty() ? "" : "/" + error.field, error.message});
      return ProblemResponse(MakeProblem(422, "the request body has 1 invalid field", errors));
    }
    case store::StoreErrorCode::kUnavailable: {
      Response response = ProblemResponse(MakeProblem(503, "the database is busy or unreachable"));
      response.headers.emplace_back("Retry-After", "1");
      return response;
    }
    case store::StoreErrorCode::kInternal:
      break;
  }
  return ProblemResponse(MakeProblem(500, "internal error"));
}

Outcome<int64_t> PathId(const Request& request, std::string_view name) {
  const std::string_view text = request.PathParam(name);
  int64_t value = 0;
  if (text.empty() || text.size() > 18) return Refuse(404, "no such " + std::string(name));
  for (const char c : text) {
    if (c < '0' || c > '9') return Refuse(404, "no such " + std::string(name));
    value = value * 10 + (c - '0');
  }
  if (value <= 0) return Refuse(404, "no such " + std::string(name));
  return value;
}

}  // namespace api

std::string CsrfToken(std::string_view session_secret) {
  return domain::Sha256Hex("everyseat csrf " + std::string(session_secret));
}

namespace {

bool StateChanging(std::string_view method) {
  return method != "GET" && method != "HEAD" && method != "OPTIONS";
}

// The value of a cookie in the Cookie header ("a=1; everyseat_session=abc").
std::optional<std::string_view> CookieValue(const Request& request, std::string_view name) {
  for (const auto& [key, value] : request.headers) {
    if (key.size() != 6 || strncasecmp(key.c_str(), "cookie", 6) != 0) continue;
    std::string_view rest = value;
    while (!rest.empty()) {
      const size_t end = rest.find(';');
      std::string_view pair = rest.substr(0, end);
      rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
      while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
      const size_t eq = pair.find('=');
      if (eq != std::string_view::npos && pair.substr(0, eq) == name) return pair.substr(eq + 1);
    }
  }
  return std::nullopt;
}

}  // namespace

bool CsrfMatches(std::string_view session_secret, std::string_view sent) {
  const std::string expected = CsrfToken(session_secret);
  return sent.size() == expected.size() &&
         sodium_memcmp(sent.data(), expected.data(), expected.size()) == 0;
}

std::optional<std::string_view> SessionSecret(const Request& request) {
  return CookieValue(request, kSessionCookie);
}

namespace {

bool SameSecret(std::string_view a, std::string_view b) {
  return a.size() == b.size() && sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

Response Unauthorised(std::string detail) {
  Response response = ProblemResponse(MakeProblem(401, std::move(detail)));
  response.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"everyseat\"");
  return response;
}

}  // namespace

Api::Impl::Impl(ApiOptions o)
    : options(std::move(o)),
      pool(options.db_url, options.store_options),
      hub(EventHubOptions{
          1000, 256,
          static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                    std::chrono::system_clock::now().time_since_epoch())
                                    .count())}) {}

std::optional<std::string_view> api::BearerSecret(std::string_view authorization) {
  constexpr std::string_view kBearer = "Bearer ";
  if (authorization.size() <= kBearer.size() ||
      strncasecmp(authorization.data(), kBearer.data(), kBearer.size()) != 0) {
    return std::nullopt;
  }
  return authorization.substr(kBearer.size());
}

Outcome<api::StorePool::Lease> Api::Impl::Connect() {
  auto lease = pool.Acquire();
  if (!lease) return Refuse(lease.error());
  return std::move(*lease);
}

Outcome<Caller> Api::Impl::Authenticate(store::Store& store, const Request& request) {
  if (auto authorization = request.Header("Authorization")) {
    const auto bearer = api::BearerSecret(*authorization);
    if (!bearer) {
      return tl::unexpected(Unauthorised("the Authorization header must be 'Bearer TOKEN'"));
    }
    const std::string_view secret = *bearer;
    auto token = store.AuthenticateApiToken(secret);
    if (!token) {
      if (token.error().code == store::StoreErrorCode::kNotFound) {
        if (domain::LooksLikeToken(secret)) {
          std::lock_guard lock(tokens_mu);
          known_tokens.erase(domain::Sha256Hex(secret));
        }
        return tl::unexpected(Unauthorised("the API token is not valid (revoked or expired?)"));
      }
      return Refuse(token.error());
    }
    {
      std::string hash = domain::Sha256Hex(secret);
      std::lock_guard lock(tokens_mu);
      if (known_tokens.size() >= kMaxTokensKept && !known_tokens.contains(hash)) {
        known_tokens.clear();
      }
      known_tokens.insert_or_assign(std::move(hash), *token);
    }
    return TokenCaller(*token);
  }

  const auto secret = SessionSecret(request);
  if (!secret) return tl::unexpected(Unauthorised("sign in first"));
  if (StateChanging(request.method)) {
    const auto sent = request.Header("X-CSRF-Token");
    if (!sent || !SameSecret(*sent, CsrfToken(*secret))) {
      // Checked before the session, but only answered for a valid one (below).
      auto caller = SessionCaller(store, *secret);
      if (!caller) return caller;
      return Refuse(403, "the X-CSRF-Token header is missing or does not match the session");
    }
  }
  return SessionCaller(store, *secret);
}

Caller Api::Impl::TokenCaller(const store::ApiToken& token) {
  Caller caller;
  caller.org = token.org;
  caller.principal = domain::TokenPrincipal{token.org, token.id, token.team};
  caller.actor =
      domain::Actor::System("token " + std::to_string(token.id.value) + ": " + token.name);
  return caller;
}

Outcome<Caller> Api::Impl::SessionCaller(store::Store& store, std::string_view secret) {
  auto session = store.FindSession(secret);
  if (!session) {
    if (session.error().code == store::StoreErrorCode::kNotFound) {
      return tl::unexpected(Unauthorised("your session has ended: sign in again"));
    }
    return Refuse(session.error());
  }
  auto memberships = store.ListMembershipsOfPerson(session->org, session->person);
  if (!memberships) return Refuse(memberships.error());
  auto roles = store.ListRoles(session->org, session->person);
  if (!roles) return Refuse(roles.error());
  Caller caller;
  caller.org = session->org;
  caller.person = session->person;
  caller.principal = domain::PersonPrincipal{session->org, session->person, std::move(*memberships),
                                             std::move(*roles)};
  caller.actor = domain::Actor::Of(session->person);
  return caller;
}

Outcome<void> Api::Impl::Authorise(store::Store& store, const Caller& caller, domain::Action action,
                                   std::optional<domain::TeamId> team) {
  const domain::Target target{caller.org, team, {}};
  if (api::TokenMayOnItsTeam(caller, action, team)) return {};
  auto teams = store.ListTeams(caller.org);
  if (!teams) return Refuse(teams.error());
  const domain::TeamTree tree(*teams);
  const domain::Decision decision = domain::Authorise(caller.principal, action, target, tree);
  if (!decision) return Refuse(403, decision.reason);
  return {};
}

Outcome<domain::Measure> Api::Impl::MeasureFor(store::Store& store, const Caller& caller,
                                               int64_t measure_id, domain::Action action) {
  auto measure = store.GetMeasure(caller.org, domain::MeasureId(measure_id));
  if (!measure) return Refuse(measure.error());
  if (auto allowed = Authorise(store, caller, action, measure->team); !allowed) {
    return tl::unexpected(std::move(allowed.error()));
  }
  return std::move(*measure);
}

Outcome<domain::TeamId> Api::Impl::TeamParam(store::Store& store, const Caller& caller,
                                             const Request& request, domain::Action action) {
  auto id = api::PathId(request, "team");
  if (!id) return tl::unexpected(std::move(id.error()));
  const domain::TeamId team(*id);
  if (auto allowed = Authorise(store, caller, action, team); !allowed) {
    return tl::unexpected(std::move(allowed.error()));
  }
  return team;
}

Outcome<domain::Measure> Api::Impl::MeasureParam(store::Store& store, const Caller& caller,
                                                 const Request& request, domain::Action action) {
  auto id = api::PathId(request, "measure");
  if (!id) return tl::unexpected(std::move(id.error()));
  return MeasureFor(store, caller, *id, action);
}

void Api::Impl::Broadcast(store::Store& store, std::string_view name, const json& data,
                          std::vector<std::string> topics) {
  const bool object = data.is_object();
  Broadcast(store, name, DumpJson(data), object ? data.value("measure", int64_t{0}) : 0,
            object ? data.value("team", int64_t{0}) : 0, std::move(topics));
}

void Api::Impl::Broadcast(store::Store& store, std::string_view name, std::string data,
                          int64_t measure, int64_t team, std::vector<std::string> topics) {
  if (store.Engine() != "postgresql") {
    hub.Publish(name, std::move(data), std::move(topics));
    return;
  }
  hub.Publish(name, data, topics);
  // {"node":..,"name":..,"data":..,"topics":[..]}, as ListenLoop reads it on the other nodes.
  const auto message = [&](std::string_view data_text) {
    std::string payload = "{\"node\":";
    codec::AppendJsonString(options.node_id, payload);
    payload += ",\"name\":";
    codec::AppendJsonString(name, payload);
    payload.append(",\"data\":").append(data_text).append(",\"topics\":[");
    for (size_t i = 0; i < topics.size(); ++i) {
      if (i > 0) payload += ',';
      codec::AppendJsonString(topics[i], payload);
    }
    payload += "]}";
    return payload;
  };
  std::string payload = message(data);
  if (payload.size() > 7000) {
    // Too large for one NOTIFY: the other nodes are told to reload the measure instead.
    payload = message("{\"measure\":" + std::to_string(measure) +
                      ",\"team\":" + std::to_string(team) + ",\"truncated\":true}");
  }
  if (auto sent = store.Publish(payload); !sent) {
    options.error_log(DumpJson(
        json{{"level", "error"},
             {"message", "could not publish an event to other nodes: " + sent.error().message}}));
  }
}

void Api::Impl::ListenLoop(std::unique_ptr<store::EventListener> events) {
  for (;;) {
    {
      std::lock_guard lock(listen_mu);
      if (stopping) return;
    }
    if (!events) {
      auto opened = store::EventListener::Open(options.db_url);
      if (!opened) {
        std::unique_lock lock(listen_mu);
        listen_cv.wait_for(lock, std::chrono::seconds(1), [this] { return stopping; });
        continue;
      }
      events = std::move(*opened);
      // Whatever other nodes changed while this node was not listening was not heard.
      live.InvalidateAll();
    }
    auto received = events->Wait(200);
    if (!received) {
      events.reset();
      continue;
    }
    for (const std::string& payload : *received) {
      json message = json::parse(payload, nullptr, false);
      if (!message.is_object() || message.value("node", "") == options.node_id) continue;
      const json& data = message["data"];
      if (data.is_object() && data.contains("measure") && data["measure"].is_number_integer()) {
        live.Invalidate(domain::MeasureId(data["measure"].get<int64_t>()));
      }
      if (!message["name"].is_string() || !message["topics"].is_array()) continue;
      std::vector<std::string> topics;
      for (const json& topic : message["topics"]) {
        if (topic.is_string()) topics.push_back(topic.get<std::string>());
      }
      hub.Publish(message["name"].get<std::string>(), data, std::move(topics));
    }
  }
}

Api::Api(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Api::~Api() {
  Stop();
  impl_->hub.Close();
}

tl::expected<std::unique_ptr<Api>, std::string> Api::Create(ApiOptions options) {
  if (options.node_id.empty()) options.node_id = domain::NewToken().substr(0, 16);
  auto impl = std::make_unique<Impl>(std::move(options));
  auto lease = impl->pool.Acquire();
  if (!lease) return tl::unexpected("cannot open the database: " + lease.error().message);
  if (impl->pool.sqlite()) {
    impl->checkpointer = std::thread([impl = impl.get()] { impl->CheckpointLoop(); });
  }
  return std::unique_ptr<Api>(new Api(std::move(impl)));
}

EventHub& Api::hub() { return impl_->hub; }

tl::expected<void, std::string> Api::Listen() {
  if (impl_->listener.joinable()) return {};
  auto events = store::EventListener::Open(impl_->options.db_url);
  if (!events)
    return tl::unexpected("cannot listen for other nodes' events: " + events.error().message);
  impl_->listener = std::thread([impl = impl_.get(), opened = std::move(*events)]() mutable {
    impl->ListenLoop(std::move(opened));
  });
  impl_->housekeeper = std::thread([impl = impl_.get()] { impl->HousekeepingLoop(); });
  return {};
}

tl::expected<int64_t, std::string> Api::PurgeExpiredStories() {
  return impl_->PurgeExpiredStories();
}

tl::expected<int64_t, std::string> Api::Impl::PurgeExpiredStories() {
  auto lease = pool.Acquire();
  if (!lease) return tl::unexpected(lease.error().message);
  store::Store& store = **lease;
  auto organisations = store.ListOrganisations();
  if (!organisations) return tl::unexpected(organisations.error().message);
  const auto& clock = options.store_options.clock;
  const int64_t now = clock ? clock() : static_cast<int64_t>(std::time(nullptr));
  int64_t purged = 0;
  for (const domain::Organisation& organisation : *organisations) {
    auto days = store.GetStoryRetentionDays(organisation.id);
    if (!days) return tl::unexpected(days.error().message);
    // Closed at or before the start of the retention period (so 0 days purges at once).
    const int64_t cutoff = now - static_cast<int64_t>(*days) * 24 * 60 * 60 + 1;
    auto count = store.PurgeStories(domain::Actor::System("retention"), organisation.id, cutoff);
    if (!count) return tl::unexpected(count.error().message);
    purged += *count;
  }
  return purged;
}

void Api::Impl::HousekeepingLoop() {
  for (;;) {
    if (auto purged = PurgeExpiredStories(); !purged) {
      options.error_log(DumpJson(json{
          {"level", "error"}, {"message", "could not purge expired stories: " + purged.error()}}));
    }
    std::unique_lock lock(listen_mu);
    if (listen_cv.wait_for(lock, std::chrono::hours(1), [this] { return stopping; })) return;
  }
}

void Api::Impl::CheckpointLoop() {
  pthread_setname_np(pthread_self(), "es-checkpoint");  // for top and perf
  // Each checkpoint syncs the log and then the database, so the interval sets how much each
  // sync writes, and how often a hot page is copied again. Under a full load of single
  // observations, on an AMD EPYC machine the POSTs' p99 over 30 s was 13.9-15.4 ms with 5 ms and
  // 17.0-20.0 ms with 50 ms (ADR 9); on an Intel Xeon one, in five rounds of alternating 20 s
  // runs, 5 ms had the lowest throughput and the highest p99 in four (medians 8,650 requests/s
  // and 14.0 ms, against 9,300 and 13.0 ms with 20 or 50 ms), its checkpoints costing 14 us of
  // CPU per POST, 20 ms's 7 and 50 ms's 4. 20 ms keeps most of that saving with syncs shorter
  // than 50 ms's. While the log does not grow, the loop looks every 50 ms.
  constexpr auto kCheckpointInterval = std::chrono::milliseconds(20);
  constexpr auto kIdleInterval = std::chrono::milliseconds(50);
  int64_t last_log_pages = -1;
  // A log of more pages (4 KB each: 1 GB) is started again by a restart checkpoint on the
  // writer, which makes every request wait for it (50-80 ms here under a full load): often
  // enough to bound the log (under a full load it reaches this in ~10 s; under a lighter one the
  // passive checkpoints let it start again by itself), seldom enough to cost little.
  constexpr int64_t kRestartPages = 262144;
  std::optional<api::StorePool::Lease> lease;
  std::string last_error;
  for (;;) {
    std::string error;
    bool grew = false;
    if (!lease) {
      auto acquired = pool.Acquire();
      if (acquired) {
        lease.emplace(std::move(*acquired));
      } else {
        error = acquired.error().message;
      }
    }
    if (lease) {
      auto done = (*lease)->Checkpoint(store::Store::CheckpointMode::kPassive);
      if (done && done->log_pages >= kRestartPages) {
        // A steady stream of groups: the log would only grow. Catch up first (each pass copies
        // what was written during the one before), so that the writer, which waits while it
        // restarts the log, has little left to copy.
        for (int pass = 0; pass < 4 && done && done->left > 64; ++pass) {
          done = (*lease)->Checkpoint(store::Store::CheckpointMode::kPassive);
        }
        groups.RestartLog();
      }
      if (!done) error = done.error().message;
      grew = done && done->log_pages != last_log_pages;
      last_log_pages = done ? done->log_pages : -1;
    }
    if (!error.empty() && error != last_error) {  // once per kind of failure, not every time
      options.error_log(DumpJson(
          json{{"level", "error"}, {"message", "could not checkpoint the database: " + error}}));
    }
    last_error = std::move(error);
    std::unique_lock lock(listen_mu);
    const auto interval = grew ? kCheckpointInterval : kIdleInterval;
    if (listen_cv.wait_for(lock, interval, [this] { return stopping; })) return;
  }
}

void Api::Stop() {
  {
    std::lock_guard lock(impl_->listen_mu);
    impl_->stopping = true;
  }
  impl_->listen_cv.notify_all();
  // The observations queued are written and their requests told (before the server that holds
  // those requests goes: it is stopped first, and destroyed after).
  impl_->groups.Stop();
  if (impl_->listener.joinable()) impl_->listener.join();
  if (impl_->housekeeper.joinable()) impl_->housekeeper.join();
  if (impl_->checkpointer.joinable()) impl_->checkpointer.join();
}

void Api::AddRoutes(Router& router) {
  AddHealthRoute(router, impl_->options.version);
  ApiInfo info;
  info.title = "everyseat API";
  info.version = impl_->options.version;
  info.description =
      "Leadership from every seat: team-owned measures fed in real time and analysed with "
      "statistical process control (Making Data Count). See docs/api.md.";
  info.schemas = api::ApiSchemas();
  AddOpenApiRoute(router, std::move(info));
  EventsRouteOptions events;
  events.summary =
      "Live events of my organisation (Server-Sent Events): observation, "
      "observations, signal, annotation, measure";
  events.extra_responses = {{401, "Not signed in, or the token is not valid",
                             "application/problem+json", api::SchemaRef("Problem")}};
  // Every event carries its organisation's topic; a token hears only its own team.
  events.scope =
      [impl = impl_.get()](
          const Request& request) -> tl::expected<std::vector<std::vector<std::string>>, Response> {
    auto lease = impl->Connect();
    if (!lease) return tl::unexpected(std::move(lease.error()));
    auto caller = impl->Authenticate(**lease, request);
    if (!caller) return tl::unexpected(std::move(caller.error()));
    std::vector<std::vector<std::string>> clauses = {{"org:" + std::to_string(caller->org.value)}};
    if (const auto* token = std::get_if<domain::TokenPrincipal>(&caller->principal)) {
      clauses.push_back({"team:" + std::to_string(token->team.value)});
    }
    return clauses;
  };
  AddEventsRoute(router, impl_->hub, std::move(events));
  impl_->AddSessionRoutes(router);
  impl_->AddOrganisationRoutes(router);
  impl_->AddMeasureRoutes(router);
  impl_->AddObservationRoutes(router);
  impl_->AddNotificationRoutes(router);
  impl_->AddGuardRoutes(router);
  impl_->AddStoryRoutes(router);
  impl_->AddPageRoutes(router);
  AddStaticRoutes(router, impl_->options.web_root);
}

}  // namespace everyseat::server
