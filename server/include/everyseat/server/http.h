// A small HTTP/1.1 framework for the JSON API: plain Request and Response values, a Router from
// method + path pattern to synchronous handlers, and a Server (Boost.Beast and C++20 coroutines
// underneath, kept out of this header so route code never includes asio or Beast).
//
// Threading model: the Server runs one io_context on `threads` threads and one coroutine per
// connection (on its own strand), which read requests and write answers and events. Handlers run
// on a pool of `handler_threads` threads, so a handler waiting for the database delays no other
// connection's answer or event. A route may also have an asynchronous handler (Router::SetAsync),
// called on an io thread, which returns at once and finishes later from any thread: a request
// waiting on it holds no thread at all. Handlers may be called concurrently from several threads.
// Design and measurements: docs/adr/0004-http-stack.md.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <tl/expected.hpp>

#include "everyseat/server/openapi.h"

namespace everyseat::server {

struct EventStream;  // events.h

using Fields = std::vector<std::pair<std::string, std::string>>;

// One HTTP request as a handler sees it. The server fills method, target, headers, body and
// remote; Router::Handle fills path, query and path_params.
struct Request {
  std::string method;  // as sent, e.g. "GET" (methods are case-sensitive)
  std::string target;  // the raw request-target, e.g. "/api/v1/events?team=3"
  std::string path;    // target before '?', still percent-encoded (what the access log shows)
  Fields query;        // decoded query parameters in order ('+' is a space); repeats kept
  Fields headers;      // header fields as sent (look names up with Header(), case-insensitively)
  std::string body;
  Fields path_params;  // decoded {param} segments of the matched pattern
  std::string remote;  // peer address, "127.0.0.1:54321"

  // The first header with this name (case-insensitive), if any.
  [[nodiscard]] std::optional<std::string_view> Header(std::string_view name) const;
  // The first query parameter with this name, if any.
  [[nodiscard]] std::optional<std::string_view> Query(std::string_view name) const;
  // The path parameter with this name; "" when the pattern has no such parameter.
  [[nodiscard]] std::string_view PathParam(std::string_view name) const;
};

struct Response {
  int status = 200;
  std::string content_type;  // empty: no Content-Type header (and normally no body)
  std::string body;
  Fields headers;  // extra headers; names and values must not contain CR or LF (dropped if so)
  // When set (by AddEventsRoute), the server answers with a Server-Sent Events stream instead of
  // `body`: the connection stays open and carries events until either side closes it.
  std::shared_ptr<const EventStream> event_stream;
};

// The fields of an application/x-www-form-urlencoded text (an HTML form's body, a query string):
// "a=1&b=x+y" -> {{"a","1"},{"b","x y"}}, in order, repeats kept. Bad percent-encoding: the
// error is the field's name (or "query" when the name itself is badly encoded).
[[nodiscard]] tl::expected<Fields, std::string> ParseUrlEncoded(std::string_view text);

// A text response (default text/plain; charset=utf-8).
[[nodiscard]] Response TextResponse(int status, std::string body,
                                    std::string content_type = "text/plain; charset=utf-8");
// The reason phrase of a status code ("Not Found"), "Unknown Status" for unknown codes.
[[nodiscard]] std::string_view StatusTitle(int status);

// Maps method + path pattern to handlers. A pattern is a path whose segments are literals or
// "{name}" parameters ("/api/v1/measures/{id}/observations"); a parameter matches one non-empty
// segment, decoded. When several patterns match, literals win over parameters, segment by segment
// from the left. HEAD is served by the GET route. Unknown paths get a 404 problem, known paths
// with another method a 405 problem with an Allow header.
// Thread-safety: Add() is for setup, before the server starts; after that the router is read-only
// and Handle() may run on any number of threads at once.
class Router {
 public:
  using Handler = std::function<Response(const Request&)>;
  // What an asynchronous handler calls once, from any thread, when its answer is ready: with a
  // function that makes the response (called at once, on the calling thread, which should be
  // one that may do the work), or with an empty function to have the route's synchronous
  // handler answer instead (on a handler thread).
  using Finish = std::function<void(std::function<Response()> produce)>;
  // An asynchronous handler is called on an io thread and returns at once, without waiting for
  // anything (it hands the waiting to another thread, which later calls `finish`). A Finish that
  // is dropped without being called answers 500. The request outlives the call of `finish`.
  // REQUIRES: every Finish is called or dropped before the Server is destroyed.
  using AsyncHandler = std::function<void(const Request&, Finish finish)>;

  struct Route {
    std::string method;   // "GET", "POST", "PUT", "PATCH", "DELETE"
    std::string pattern;  // "/api/v1/measures/{id}"
    OperationDoc doc;     // its OpenAPI description (openapi.h)
    Handler handler;
    AsyncHandler async;  // optional (SetAsync): what the Server calls instead of `handler`
  };

  // Registers a route. A malformed pattern (not starting with '/', an unclosed or repeated
  // {param}, a '{' inside a segment) or a second route with the same method and pattern is a
  // setup error: it is recorded in setup_errors(), reported by CheckOpenApi, and makes
  // Server::Start fail, so it cannot reach production unnoticed.
  void Add(std::string method, std::string pattern, OperationDoc doc, Handler handler);

  // Parses request.target into path and query, matches a route, fills path_params and calls the
  // handler. Returns 400 for a target that is not origin-form or has bad percent-encoding, and
  // 404/405 problems for no match. Exceptions thrown by handlers propagate (the server turns them
  // into 500 problems and logs them).
  [[nodiscard]] Response Handle(Request& request) const;

  // Gives the route added with this method and pattern an asynchronous handler, which the Server
  // calls in place of its handler (Handle still calls the handler). A request that finds no such
  // route is a setup error. Setup only.
  void SetAsync(std::string_view method, std::string_view pattern, AsyncHandler async);
  // The route that `request` matches, with path, query and path_params filled as Handle fills
  // them, when that route has an asynchronous handler; otherwise nullptr (then call Handle).
  [[nodiscard]] const Route* MatchAsync(Request& request) const;

  // Answers requests whose path matches no route (default: a 404 problem document). Setup only.
  void SetNotFound(Handler handler) { not_found_ = std::move(handler); }

  [[nodiscard]] std::span<const Route> routes() const { return routes_; }
  [[nodiscard]] const std::vector<std::string>& setup_errors() const { return setup_errors_; }

 private:
  struct Segment {
    std::string text;  // a literal, or the parameter's name
    bool param = false;
  };
  std::vector<Route> routes_;
  std::vector<std::vector<Segment>> segments_;  // parallel to routes_
  // Fills request.path, query and (when a route matches) path_params. Returns the best route's
  // index; routes_.size() when none matches, with the 400/404/405 answer in `*refusal` (when
  // `refusal` is not null).
  size_t Resolve(Request& request, Response* refusal) const;

  std::vector<std::string> setup_errors_;
  Handler not_found_;
  std::vector<std::string> async_methods_;  // the methods of the routes with an async handler
};

// Writes one line (no trailing newline; the sink adds it). Must be thread-safe: the server calls
// it from its io threads.
using LogSink = std::function<void(std::string_view line)>;
// A sink writing each line and a newline to stderr in one write.
[[nodiscard]] LogSink StderrSink();

struct ServerOptions {
  int threads = 2;  // io_context threads (>= 1): reading requests, writing answers and events
  // Threads that run the handlers (>= 1). A handler waits for the database (a group commit, a
  // lock), so there are more than cores: while some wait, others handle the next requests.
  int handler_threads = 8;
  size_t max_body_bytes = 1 << 20;      // larger bodies get 413 (1 MiB)
  size_t max_header_bytes = 16 * 1024;  // larger request heads get 431
  size_t max_connections = 10'000;      // beyond this, new connections are closed at once
  std::chrono::milliseconds idle_timeout{60'000};    // keep-alive wait for a next request
  std::chrono::milliseconds header_timeout{10'000};  // first byte to end of the request head
  std::chrono::milliseconds body_timeout{30'000};    // end of the head to end of the body
  std::chrono::milliseconds write_timeout{30'000};   // each response or event-stream write
  std::chrono::milliseconds drain_timeout{10'000};   // Stop(): wait for in-flight requests
  std::chrono::milliseconds sse_keepalive{15'000};   // comment line on an idle event stream
  std::chrono::milliseconds sse_retry{3'000};        // "retry:" advice sent to EventSource
  std::string server_name = "everyseat";             // Server header
  // One JSON object per request: {"time","remote","method","path","status","bytes",
  // "duration_ms"} (path without the query string). Null: no access log.
  LogSink access_log = StderrSink();
  // One JSON object per server-side failure: {"time","level":"error","message"}.
  LogSink error_log = StderrSink();
};

// An HTTP/1.1 server over a Router. Keep-alive, TCP_NODELAY, pipelining, Expect: 100-continue,
// request size limits, read and write timeouts, an access log, graceful drain.
// Thread-safety: Start, Stop and RunUntilSignalled are called from one controlling thread (never
// from a handler); port() and open_connections() from any thread.
class Server {
 public:
  // REQUIRES: `router` outlives the server and is not changed after Start.
  explicit Server(const Router& router, ServerOptions options = {});
  ~Server();  // Stop()s if running
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds host:port (port 0: an ephemeral port, see port()), listens and starts the threads.
  // Fails with a message when the router has setup errors, the address cannot be bound or the
  // server was started before (a server starts once).
  [[nodiscard]] tl::expected<void, std::string> Start(std::string_view host, uint16_t port);
  // The bound port once started, else 0.
  [[nodiscard]] uint16_t port() const;
  // Connections currently open (including event streams).
  [[nodiscard]] size_t open_connections() const;
  // Graceful stop: stops accepting, closes idle keep-alive connections and event streams, lets
  // in-flight requests finish (their responses carry Connection: close) for up to drain_timeout,
  // then closes what is left and joins the threads. Idempotent.
  void Stop();
  // Waits for SIGTERM or SIGINT (asio::signal_set), then Stop()s; returns the signal number.
  // on_ready runs once the handlers are installed (e.g. to print "listening"), so a signal sent
  // after it is never lost. REQUIRES: Start succeeded.
  int RunUntilSignalled(const std::function<void()>& on_ready = {});

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace everyseat::server
