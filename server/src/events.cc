// EventHub, subscriptions and the SSE route helper (see events.h). No asio here: the server's
// wake callback is the only link to the event loop.
//
// Locking: Core::mu guards the history, the id counter and the subscriber list; each Queue::mu
// guards that subscriber's events, state and `detached`. Lock order: Core::mu, then Queue::mu.
// Wake callbacks run with only their own Queue::mu held, after Core::mu is released, and never
// once `detached` is set (by ~Subscription, under Queue::mu).
#include "everyseat/server/events.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "everyseat/server/json.h"

namespace everyseat::server {

struct EventHub::Core {
  explicit Core(EventHubOptions hub_options)
      : options(hub_options), next_id(std::max<uint64_t>(hub_options.first_id, 1)) {}

  const EventHubOptions options;
  mutable std::mutex mu;
  std::deque<std::shared_ptr<const Event>> history;  // oldest first, ids consecutive
  uint64_t next_id;
  bool closed = false;
  std::vector<std::shared_ptr<Subscription::Queue>> subscribers;
};

struct Subscription::Queue {
  EventFilter filter;
  std::function<void()> wake;
  std::mutex mu;
  std::vector<std::shared_ptr<const Event>> events;
  State state = State::kOpen;
  bool detached = false;
};

namespace {

bool IsEventName(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '.' || c == ':' || c == '-';
  });
}

bool IsTopicValue(std::string_view value) {
  if (value.empty() || value.size() > 64) return false;
  return std::all_of(value.begin(), value.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '.' || c == '-';
  });
}

// A decimal event id (what we sent as "id:"), or nullopt.
std::optional<uint64_t> ParseEventId(std::string_view text) {
  if (text.empty() || text.size() > 19) return std::nullopt;
  uint64_t id = 0;
  for (const char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    id = id * 10 + static_cast<uint64_t>(c - '0');
  }
  return id;
}

void WakeAll(const std::vector<std::shared_ptr<Subscription::Queue>>& queues) {
  for (const auto& queue : queues) {
    std::lock_guard lock(queue->mu);
    if (!queue->detached && queue->wake) queue->wake();
  }
}

}  // namespace

bool EventFilter::Matches(const Event& event) const {
  for (const std::vector<std::string>& clause : clauses) {
    bool any = false;
    for (const std::string& topic : event.topics) {
      any = any || std::find(clause.begin(), clause.end(), topic) != clause.end();
    }
    if (!any) return false;
  }
  return true;
}

EventHub::EventHub(EventHubOptions options) : core_(std::make_shared<Core>(options)) {}

EventHub::~EventHub() { Close(); }

uint64_t EventHub::Publish(std::string_view name, const nlohmann::json& data,
                           std::vector<std::string> topics) {
  return Publish(name, DumpJson(data), std::move(topics));
}

uint64_t EventHub::Publish(std::string_view name, std::string data,
                           std::vector<std::string> topics) {
  auto event = std::make_shared<Event>();
  event->name = IsEventName(name) ? std::string(name) : std::string("message");
  event->data = std::move(data);
  event->topics = std::move(topics);

  std::vector<std::shared_ptr<Subscription::Queue>> to_wake;
  uint64_t id = 0;
  {
    std::lock_guard lock(core_->mu);
    id = core_->next_id++;
    event->id = id;
    event->frame.reserve(event->data.size() + event->name.size() + 40);
    event->frame.append("id: ").append(std::to_string(id)).append("\nevent: ");
    event->frame.append(event->name).append("\ndata: ").append(event->data).append("\n\n");
    std::shared_ptr<const Event> shared = std::move(event);
    if (core_->options.history > 0) {
      core_->history.push_back(shared);
      while (core_->history.size() > core_->options.history) core_->history.pop_front();
    }
    for (const auto& queue : core_->subscribers) {
      if (!queue->filter.Matches(*shared)) continue;
      std::lock_guard queue_lock(queue->mu);
      if (queue->state != Subscription::State::kOpen) continue;
      if (queue->events.size() >= core_->options.queue_capacity) {
        queue->state = Subscription::State::kOverflowed;
        queue->events.clear();
        to_wake.push_back(queue);
      } else {
        if (queue->events.empty()) to_wake.push_back(queue);
        queue->events.push_back(shared);
      }
    }
  }
  WakeAll(to_wake);
  return id;
}

std::unique_ptr<Subscription> EventHub::Subscribe(EventFilter filter,
                                                  std::optional<uint64_t> last_event_id,
                                                  std::function<void()> wake) {
  auto queue = std::make_shared<Subscription::Queue>();
  queue->filter = std::move(filter);
  queue->wake = std::move(wake);
  std::optional<uint64_t> resync;
  {
    std::lock_guard lock(core_->mu);
    if (core_->closed) {
      queue->state = Subscription::State::kClosed;
    } else if (last_event_id) {
      const uint64_t latest = core_->next_id - 1;
      const uint64_t oldest = core_->history.empty() ? core_->next_id : core_->history.front()->id;
      if (*last_event_id + 1 < oldest || *last_event_id > latest) {
        resync = latest;  // missed events are gone, or the id is from another process
      } else {
        for (const auto& event : core_->history) {
          if (event->id > *last_event_id && queue->filter.Matches(*event)) {
            queue->events.push_back(event);
          }
        }
      }
    }
    core_->subscribers.push_back(queue);
  }
  return std::unique_ptr<Subscription>(new Subscription(core_, std::move(queue), resync));
}

void EventHub::Close() {
  std::vector<std::shared_ptr<Subscription::Queue>> to_wake;
  {
    std::lock_guard lock(core_->mu);
    core_->closed = true;
    for (const auto& queue : core_->subscribers) {
      std::lock_guard queue_lock(queue->mu);
      if (queue->state == Subscription::State::kOpen) {
        queue->state = Subscription::State::kClosed;
        queue->events.clear();
        to_wake.push_back(queue);
      }
    }
  }
  WakeAll(to_wake);
}

size_t EventHub::subscribers() const {
  std::lock_guard lock(core_->mu);
  return core_->subscribers.size();
}

uint64_t EventHub::last_id() const {
  std::lock_guard lock(core_->mu);
  return core_->next_id - 1;
}

Subscription::~Subscription() {
  {
    std::lock_guard lock(queue_->mu);
    queue_->detached = true;
  }
  std::lock_guard lock(core_->mu);
  auto& list = core_->subscribers;
  list.erase(std::remove(list.begin(), list.end(), queue_), list.end());
}

Subscription::State Subscription::Take(std::vector<std::shared_ptr<const Event>>& out) {
  std::lock_guard lock(queue_->mu);
  if (out.empty()) {
    out.swap(queue_->events);
  } else {
    out.insert(out.end(), queue_->events.begin(), queue_->events.end());
    queue_->events.clear();
  }
  return queue_->state;
}

std::string ResyncFrame(uint64_t latest_id) {
  const std::string id = std::to_string(latest_id);
  return "id: " + id +
         "\nevent: resync\ndata: {\"reason\":\"events after your Last-Event-ID are no longer "
         "held; reload, then resume from this id\",\"last_event_id\":" +
         id + "}\n\n";
}

void AddEventsRoute(Router& router, EventHub& hub, EventsRouteOptions options) {
  OperationDoc doc;
  doc.summary = options.summary;
  doc.description =
      "A text/event-stream (Server-Sent Events). Each event has an id, a name and JSON data. "
      "Several values of one filter (repeated, or separated by commas) mean any of them; "
      "several filters mean all of them. A reconnecting EventSource sends Last-Event-ID and is "
      "sent the events it missed, or a \"resync\" event when they are no longer held. A comment "
      "line keeps an idle stream open.";
  doc.tags = {"events"};
  std::string expected;
  for (const std::string& key : options.filter_keys) {
    doc.parameters.push_back(
        {key,
         "query",
         "only events tagged " + key + ":<value> (any of the values given)",
         false,
         {{"type", "string"}, {"pattern", "^[A-Za-z0-9_.-]+(,[A-Za-z0-9_.-]+)*$"}}});
    expected += key + ", ";
  }
  expected += "lastEventId";
  doc.parameters.push_back({"lastEventId",
                            "query",
                            "resume after this event id (for clients that cannot send the "
                            "Last-Event-ID header)",
                            false,
                            {{"type", "integer"}, {"minimum", 0}}});
  doc.parameters.push_back({"Last-Event-ID",
                            "header",
                            "resume after this event id",
                            false,
                            {{"type", "integer"}, {"minimum", 0}}});
  doc.responses = {{200, "An endless stream of events", "text/event-stream", {{"type", "string"}}}};
  for (const ResponseDoc& extra : options.extra_responses) doc.responses.push_back(extra);

  EventHub* hub_ptr = &hub;
  router.Add("GET", options.path, std::move(doc),
             [hub_ptr, keys = options.filter_keys, expected,
              scope = options.scope](const Request& request) {
               auto stream = std::make_shared<EventStream>();
               stream->hub = hub_ptr;
               if (scope) {
                 auto scoped = scope(request);
                 if (!scoped) return std::move(scoped.error());
                 stream->filter.clauses = std::move(*scoped);
               }
               std::vector<FieldError> errors;
               std::vector<std::vector<std::string>> clauses(keys.size());
               std::optional<std::string_view> query_id;
               for (const auto& [key, value] : request.query) {
                 if (key == "lastEventId") {
                   query_id = value;
                   continue;
                 }
                 const auto found = std::find(keys.begin(), keys.end(), key);
                 if (found == keys.end()) {
                   errors.push_back({key, "is not a known parameter; expected " + expected});
                   continue;
                 }
                 auto& clause = clauses[static_cast<size_t>(found - keys.begin())];
                 std::string_view rest = value;
                 for (;;) {
                   const size_t comma = rest.find(',');
                   const std::string_view piece = rest.substr(0, comma);
                   if (!IsTopicValue(piece)) {
                     errors.push_back({key,
                                       "must be one or more values separated by commas, each of "
                                       "letters, digits, '_', '.' or '-' (at most 64)"});
                     break;
                   }
                   clause.push_back(key + ":" + std::string(piece));
                   if (comma == std::string_view::npos) break;
                   rest.remove_prefix(comma + 1);
                 }
               }
               const std::optional<std::string_view> header_id = request.Header("Last-Event-ID");
               if (header_id && !header_id->empty()) {
                 stream->last_event_id = ParseEventId(*header_id);
                 if (!stream->last_event_id) {
                   errors.push_back({"Last-Event-ID", "must be an event id (a whole number)"});
                 }
               } else if (query_id) {
                 stream->last_event_id = ParseEventId(*query_id);
                 if (!stream->last_event_id) {
                   errors.push_back({"lastEventId", "must be an event id (a whole number)"});
                 }
               }
               if (!errors.empty()) {
                 Problem problem;
                 problem.status = 400;
                 problem.detail = "the event stream's parameters are not valid";
                 problem.errors = std::move(errors);
                 return ProblemResponse(problem);
               }
               for (auto& clause : clauses) {
                 if (!clause.empty()) stream->filter.clauses.push_back(std::move(clause));
               }
               Response response;
               response.event_stream = std::move(stream);
               return response;
             });
}

}  // namespace everyseat::server
