// The everyseat HTTP API (/api/v1): sign-in and sessions, API tokens, the organisation's teams and
// people, measures, observations fed in real time with their SPC analysis, annotations,
// notifications, webhooks and the audit log, over a Store. docs/api.md describes every route;
// the OpenAPI document at /api/v1/openapi.json is generated from the same registrations.
//
// Every request is authenticated (a session cookie, or an API token as a Bearer credential),
// every action is decided by domain::Authorise by role and team, a refused request changes
// nothing, and every change is written with its audit entry by the store. Browser requests that
// change state carry the session's CSRF token in the X-CSRF-Token header.
//
// Real time: each measure's series is kept in memory as an spc::LiveSeries once it is first used,
// so a new observation is classified without re-reading its history. New observations,
// corrections and signals are published on the EventHub (GET /api/v1/events) and, for other
// server nodes on the same PostgreSQL database, through Store::Publish; Api::Listen receives what
// other nodes publish. A new special-cause point or a change of icon makes a notification for the
// measure's owning team (and a webhook delivery when the team has a webhook).
//
// Thread-safety: route handlers run concurrently on the server's threads. Each takes a Store
// connection from a pool for the length of the request; a measure's live series is guarded by its
// own mutex.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include <tl/expected.hpp>

#include "everyseat/server/events.h"
#include "everyseat/server/http.h"
#include "everyseat/store/store.h"

namespace everyseat::server {

struct ApiOptions {
  std::string db_url;  // sqlite:PATH or postgresql://... (Store::Open)
  store::StoreOptions store_options;
  std::string version = "0.1.0";
  // Session cookies carry "Secure" (set when the service is reached over TLS, e.g. behind a proxy).
  bool secure_cookies = false;
  int64_t session_lifetime_seconds = 12 * 3600;
  // After this many consecutive failed sign-ins, sign-in is refused for lockout_seconds from the
  // last failure, whatever the password.
  int max_failed_sign_ins = 5;
  int64_t lockout_seconds = 15 * 60;
  // This process among the nodes sharing a database (events it publishes are not received back).
  std::string node_id;
  // Called after a notification is stored (e.g. WebhookDispatcher::Wake). Must be quick.
  std::function<void()> on_notification;
  // Called after each group of single observations is committed (a group commit: the POSTs that
  // arrive while one group is written go together in the next), with how many it held, the
  // refused among them. For metrics and tests. Must be quick.
  std::function<void(size_t)> on_group_commit;
  LogSink error_log = StderrSink();
  // The built web front end (a directory holding assets/, e.g. web/dist): the pages' stylesheet
  // and script. Empty: the pages are served without them.
  std::filesystem::path web_root;
};

class Api {
 public:
  // Opens one store connection to check the database (and migrate it).
  [[nodiscard]] static tl::expected<std::unique_ptr<Api>, std::string> Create(ApiOptions options);
  ~Api();
  Api(const Api&) = delete;
  Api& operator=(const Api&) = delete;

  // Registers every route (health, openapi.json, events and the product routes).
  // REQUIRES: the Api outlives the router's use.
  void AddRoutes(Router& router);

  [[nodiscard]] EventHub& hub();

  // Connects to receive other nodes' events (Store's EventListener; on SQLite it receives
  // nothing), so that nothing another node publishes after it returns is missed, and starts a
  // thread that reads them. Call it before serving. If that connection is lost, the thread
  // reconnects and reloads every cached series (what happened meanwhile was not heard). Stop
  // ends it; the destructor calls Stop.
  // Listen also starts the housekeeping thread, which purges expired story text at once and then
  // every hour (PurgeExpiredStories).
  [[nodiscard]] tl::expected<void, std::string> Listen();
  void Stop();

  // Removes the text of every withdrawn, declined or rejected story of every organisation whose
  // retention period (Store::GetStoryRetentionDays) has passed; returns how many, or the error.
  [[nodiscard]] tl::expected<int64_t, std::string> PurgeExpiredStories();

  struct Impl;

 private:
  explicit Api(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace everyseat::server
