// Live events for Server-Sent Events streams: an EventHub that any thread can publish to, and a
// route helper that turns GET /api/v1/events?team=3&measure=7 into a filtered event stream.
//
// An event has an id (rising by one per publish, per hub), a name ("observation", "signal"), JSON
// data and topic tags ("team:3", "measure:7"). Each is formatted once as an SSE frame
//   id: 42\nevent: observation\ndata: {"measure":7,...}\n\n
// and shared by every subscriber. The hub keeps the last `history` events so a reconnecting
// EventSource (Last-Event-ID) is sent what it missed; if what it missed is no longer held (or the
// id is from another server process) it is sent a "resync" event instead, telling it to reload.
// Each subscriber has a bounded queue: a subscriber that falls `queue_capacity` events behind is
// dropped (its stream closes; the browser reconnects and resumes), so a slow client never blocks
// a publisher or grows memory without bound.
// Thread-safety: every EventHub and Subscription method may be called from any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "everyseat/server/http.h"

namespace everyseat::server {

struct Event {
  uint64_t id = 0;
  std::string name;                 // the SSE "event:" field
  std::string data;                 // compact JSON, one line
  std::vector<std::string> topics;  // "team:3", "measure:7"
  std::string frame;                // the whole SSE frame, ending in a blank line
};

// Which events a subscriber wants: all clauses must hold, and a clause holds when the event has
// any of its topics. {{"team:3"},{"measure:7","measure:8"}} = team 3 and measure 7 or 8. No
// clauses: every event.
struct EventFilter {
  std::vector<std::vector<std::string>> clauses;
  [[nodiscard]] bool Matches(const Event& event) const;
};

struct EventHubOptions {
  size_t history = 1000;        // events kept for Last-Event-ID resume
  size_t queue_capacity = 256;  // undelivered events per subscriber before it is dropped
  uint64_t first_id = 1;        // id of the first event (e.g. a start time, unique per process)
};

class Subscription;

class EventHub {
 public:
  explicit EventHub(EventHubOptions options = {});
  ~EventHub();  // closes every subscription
  EventHub(const EventHub&) = delete;
  EventHub& operator=(const EventHub&) = delete;

  // Publishes an event to every matching subscriber and the history; returns its id. Never
  // blocks on subscribers. REQUIRES: name is non-empty and only [A-Za-z0-9_.:-] (names come from
  // code; others are replaced by "message").
  uint64_t Publish(std::string_view name, const nlohmann::json& data,
                   std::vector<std::string> topics);
  // The same with the data already written as JSON text. REQUIRES: `data` is one line of JSON.
  uint64_t Publish(std::string_view name, std::string data, std::vector<std::string> topics);

  // A new subscriber. With last_event_id, the events after it that are still held and match are
  // queued at once (or resync_from() is set when some may be lost). `wake` is called (from a
  // publishing thread, with no hub lock held) when the queue goes from empty to non-empty, on
  // overflow and on close; it must be quick and must not call back into the hub. It is never
  // called after the Subscription is destroyed.
  [[nodiscard]] std::unique_ptr<Subscription> Subscribe(EventFilter filter,
                                                        std::optional<uint64_t> last_event_id,
                                                        std::function<void()> wake);

  // Closes every subscription (their streams end) and any made later. Idempotent.
  void Close();

  [[nodiscard]] size_t subscribers() const;
  // The id of the latest event, or first_id - 1 before any.
  [[nodiscard]] uint64_t last_id() const;

  struct Core;  // shared with subscriptions, so either may be destroyed first

 private:
  std::shared_ptr<Core> core_;
};

class Subscription {
 public:
  enum class State { kOpen, kOverflowed, kClosed };

  ~Subscription();  // unsubscribes; after it returns, wake is not called again
  Subscription(const Subscription&) = delete;
  Subscription& operator=(const Subscription&) = delete;

  // Moves the queued events (oldest first) into `out` (appending) and returns the state. Once
  // kOverflowed or kClosed, nothing more is delivered.
  [[nodiscard]] State Take(std::vector<std::shared_ptr<const Event>>& out);

  // When the Last-Event-ID could not be honoured: the latest id at subscription time (send the
  // client a "resync" event with this id, so it reloads and resumes from there).
  [[nodiscard]] std::optional<uint64_t> resync_from() const { return resync_from_; }

  struct Queue;  // the subscriber's queue, shared with the hub's core

 private:
  friend class EventHub;
  Subscription(std::shared_ptr<EventHub::Core> core, std::shared_ptr<Queue> queue,
               std::optional<uint64_t> resync_from)
      : core_(std::move(core)), queue_(std::move(queue)), resync_from_(resync_from) {}

  std::shared_ptr<EventHub::Core> core_;
  std::shared_ptr<Queue> queue_;
  std::optional<uint64_t> resync_from_;
};

// What the server needs to run an event stream (set in Response::event_stream by AddEventsRoute).
struct EventStream {
  EventHub* hub = nullptr;  // REQUIRES: outlives the server
  EventFilter filter;
  std::optional<uint64_t> last_event_id;
};

struct EventsRouteOptions {
  std::string path = "/api/v1/events";
  // Query parameters that filter by topic: ?team=3 keeps events tagged "team:3". Several values
  // (?team=3&team=4 or ?team=3,4) mean any of them; several keys mean all of them.
  std::vector<std::string> filter_keys = {"team", "measure"};
  std::string summary = "Live events (Server-Sent Events), filtered by topic";
  // Who may listen, and to what: called first with the request; returns clauses every event
  // must also match (e.g. {{"org:1"}}: only the caller's organisation), or the response refusing
  // the request (e.g. 401). Empty: anyone may listen to every event.
  std::function<tl::expected<std::vector<std::vector<std::string>>, Response>(const Request&)>
      scope;
  // Extra documented responses (e.g. 401 when scope refuses).
  std::vector<ResponseDoc> extra_responses;
};

// The SSE frame for a "resync" event: id = latest id, data = {"reason":...,"last_event_id":id}.
[[nodiscard]] std::string ResyncFrame(uint64_t latest_id);

// Registers GET options.path: a text/event-stream of the hub's events, filtered by the query.
// Resumes after the Last-Event-ID header (or the lastEventId query parameter, for clients that
// cannot set headers). Unknown query parameters, or values not made of [A-Za-z0-9_.-] (at most
// 64), get a 400 problem naming the parameter. REQUIRES: `hub` outlives the router's use.
void AddEventsRoute(Router& router, EventHub& hub, EventsRouteOptions options = {});

}  // namespace everyseat::server
