// The HTTP server: Boost.Beast 1.74 over asio, one C++20 coroutine per connection, each on its own
// strand; event streams are coroutines too, woken by the EventHub through a timer. This is the
// only translation unit that includes asio or Beast (they cost ~1 GB and 30-60 s to compile).
// Contracts in http.h; design in docs/adr/0004-http-stack.md.
//
// Connection life: [idle: wait for a first byte, idle_timeout] -> [read the head, header_timeout]
// -> [100 Continue if asked] -> [read the body, body_timeout] -> handler -> [write,
// write_timeout] -> back to idle if keep-alive, or to an event stream. Oversized or malformed
// requests get a problem response and a lingering close (the rest of the request is read and
// dropped for a moment, so the client sees the response rather than a reset).
//
// Drain (Stop): the acceptor closes; idle connections and event streams are closed at once;
// connections inside a request finish it (Connection: close) until drain_timeout, then are
// closed. Connection state flags are touched only on the connection's strand.
#include <utility>  // before asio: Boost 1.74's awaitable.hpp uses std::exchange (pitfall B1)

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>

#include "everyseat/server/events.h"
#include "everyseat/server/http.h"
#include "everyseat/server/json.h"
#include "log.h"

namespace everyseat::server {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;
using ErrorCode = boost::system::error_code;

constexpr size_t kReadChunk = 16 * 1024;
constexpr auto kLingerTime = std::chrono::seconds(1);
constexpr size_t kLingerBytes = 4 << 20;

auto Await(ErrorCode& ec) { return asio::redirect_error(asio::use_awaitable, ec); }

beast::string_view Sv(std::string_view text) { return {text.data(), text.size()}; }
std::string Str(beast::string_view text) { return {text.data(), text.size()}; }

bool EqualsIgnoringCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    const auto lower = [](char c) {
      return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

// Header names are tokens; values carry no CR, LF or NUL (no response splitting).
bool IsSafeHeader(std::string_view name, std::string_view value) {
  if (name.empty()) return false;
  for (const char c : name) {
    const bool token = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                       std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
    if (!token) return false;
  }
  return value.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos;
}

double MillisecondsSince(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

// The path part of a request-target, for the access log.
std::string_view PathOf(std::string_view target) { return target.substr(0, target.find('?')); }

// Calls an asynchronous handler and completes (on the awaiting coroutine's executor) with the
// response made by the function it passes to its Finish, called at once on the thread that calls
// the Finish (so no other thread is woken in between); or with nothing when it passes an empty
// function (the route's synchronous handler answers). A producer that throws, a Finish dropped
// uncalled, or a handler that throws completes with the exception, so the request gets the
// server's 500 answer.
template <class Completion>
class FinishState {
 public:
  explicit FinishState(Completion completion)
      : executor_(asio::get_associated_executor(completion)), completion_(std::move(completion)) {}

  // Once. Gives up at once everything that refers to the server (its executor, the waiting
  // coroutine): a Finish kept after it was called may outlive the server.
  void Complete(std::function<Response()> produce) {
    if (done_.exchange(true)) return;
    auto executor = std::move(*executor_);
    executor_.reset();
    auto completion = std::move(*completion_);
    completion_.reset();
    std::exception_ptr error;
    std::optional<Response> response;
    if (produce) {
      try {
        response = produce();
      } catch (...) {
        error = std::current_exception();
      }
    }
    asio::post(executor, [completion = std::move(completion), error,
                          response = std::move(response)]() mutable {
      completion(error, std::move(response));
    });
  }

 private:
  std::optional<asio::associated_executor_t<Completion>> executor_;
  std::optional<Completion> completion_;
  std::atomic<bool> done_{false};
};

std::function<Response()> Throwing(std::exception_ptr error) {
  return [error]() -> Response { std::rethrow_exception(error); };
}

template <class CompletionToken>
auto AsyncFinish(const Router::AsyncHandler& handler, const Request& request,
                 CompletionToken&& token) {
  return asio::async_initiate<CompletionToken, void(std::exception_ptr, std::optional<Response>)>(
      [&handler, &request](auto completion) {
        using State = FinishState<decltype(completion)>;
        auto state = std::make_shared<State>(std::move(completion));
        // Completes with a failure when the last copy of the Finish goes uncalled.
        struct Guard {
          explicit Guard(std::shared_ptr<State> s) : state(std::move(s)) {}
          Guard(const Guard&) = delete;
          Guard& operator=(const Guard&) = delete;
          ~Guard() {
            state->Complete(Throwing(std::make_exception_ptr(
                std::runtime_error("the asynchronous handler did not finish"))));
          }
          std::shared_ptr<State> state;
        };
        auto guard = std::make_shared<Guard>(state);
        try {
          handler(request, [guard](std::function<Response()> produce) {
            guard->state->Complete(std::move(produce));
          });
        } catch (...) {
          state->Complete(Throwing(std::current_exception()));
        }
      },
      token);
}

struct Connection {
  explicit Connection(tcp::socket socket)
      : stream(std::move(socket)), wake(stream.get_executor()) {}

  beast::tcp_stream stream;
  asio::steady_timer wake;  // an event stream waits on it; cancelled to wake it
  std::string remote;
  // Strand-only state.
  bool idle = false;         // waiting for the first byte of a request
  bool draining = false;     // the server is stopping: finish the current request, then close
  bool peer_closed = false;  // an event stream's client went away
};

}  // namespace

class Server::Impl {
 public:
  Impl(const Router& router, ServerOptions options)
      : router_(router),
        options_(std::move(options)),
        accept_strand_(asio::make_strand(ioc_)),
        handlers_(static_cast<size_t>(std::max(1, options_.handler_threads))) {
    if (options_.threads < 1) options_.threads = 1;
  }

  ~Impl() {
    Stop();
    // Destroy what still refers to the io_context before it goes: the acceptor, the registry's
    // references to connections; then the io_context destroys any coroutine left suspended.
    acceptor_.reset();
    std::lock_guard lock(conns_mu_);
    conns_.clear();
  }

  tl::expected<void, std::string> Start(std::string_view host, uint16_t port);
  void Stop();
  int RunUntilSignalled(const std::function<void()>& on_ready);

  uint16_t port() const { return port_.load(); }
  size_t open_connections() const {
    std::lock_guard lock(conns_mu_);
    return conns_.size();
  }

 private:
  asio::awaitable<void> Accept();
  asio::awaitable<void> Session(std::shared_ptr<Connection> c);
  asio::awaitable<void> Stream(std::shared_ptr<Connection> c, const Request& request,
                               const Response& response, Clock::time_point start);
  asio::awaitable<void> WatchPeer(std::shared_ptr<Connection> c);
  asio::awaitable<void> LingeringClose(std::shared_ptr<Connection> c);
  // Writes a problem response for a request that could not be read; false when none is due.
  asio::awaitable<bool> ReadFailed(std::shared_ptr<Connection> c,
                                   http::request_parser<http::string_body>& parser, ErrorCode ec,
                                   Clock::time_point start);
  asio::awaitable<size_t> Write(Connection& c, Response response, unsigned version, bool keep_alive,
                                bool head, ErrorCode& ec);

  bool Register(const std::shared_ptr<Connection>& c);
  void Unregister(Connection* c);
  void Access(std::string_view remote, std::string_view method, std::string_view path, int status,
              size_t bytes, Clock::time_point start) const;
  void LogError(std::string_view message) const;
  auto LogExceptions(std::string what) const {
    return [this, what = std::move(what)](std::exception_ptr failure) {
      if (!failure) return;
      try {
        std::rethrow_exception(failure);
      } catch (const std::exception& e) {
        LogError(what + ": " + e.what());
      } catch (...) {
        LogError(what + ": unknown exception");
      }
    };
  }

  const Router& router_;
  ServerOptions options_;
  std::atomic<uint16_t> port_{0};
  std::atomic<bool> draining_{false};
  bool started_ = false;  // controlling thread only
  bool stopped_ = false;  // controlling thread only

  mutable std::mutex conns_mu_;
  std::condition_variable conns_cv_;
  std::unordered_map<Connection*, std::shared_ptr<Connection>> conns_;  // guarded by conns_mu_

  // Declared last, destroyed first: coroutines it destroys still use the members above.
  asio::io_context ioc_;
  asio::strand<asio::io_context::executor_type> accept_strand_;
  std::optional<tcp::acceptor> acceptor_;  // used on accept_strand_ only, once started
  std::vector<std::thread> threads_;
  // The handlers run here, not on the io threads: a handler waits for the database, and an io
  // thread must be free to write another connection's answer or event at once.
  asio::thread_pool handlers_;
};

tl::expected<void, std::string> Server::Impl::Start(std::string_view host, uint16_t port) {
  if (started_) return tl::unexpected(std::string("the server was started before"));
  if (!router_.setup_errors().empty()) {
    std::string message = "the router has setup errors:";
    for (const std::string& error : router_.setup_errors()) message += " " + error + ";";
    return tl::unexpected(message);
  }
  ErrorCode ec;
  const std::string host_text = host == "localhost" ? std::string("127.0.0.1") : std::string(host);
  const asio::ip::address address = asio::ip::make_address(host_text, ec);
  if (ec) return tl::unexpected("not an IP address: " + std::string(host));
  const tcp::endpoint endpoint(address, port);
  const std::string where = host_text + ":" + std::to_string(port);
  acceptor_.emplace(accept_strand_);
  if (acceptor_->open(endpoint.protocol(), ec); ec) {
    return tl::unexpected("cannot open a socket for " + where + ": " + ec.message());
  }
  if (acceptor_->set_option(asio::socket_base::reuse_address(true), ec); ec) {
    return tl::unexpected("cannot set SO_REUSEADDR: " + ec.message());
  }
  if (acceptor_->bind(endpoint, ec); ec) {
    return tl::unexpected("cannot bind " + where + ": " + ec.message());
  }
  if (acceptor_->listen(asio::socket_base::max_listen_connections, ec); ec) {
    return tl::unexpected("cannot listen on " + where + ": " + ec.message());
  }
  port_ = acceptor_->local_endpoint(ec).port();
  started_ = true;
  asio::co_spawn(accept_strand_, Accept(), LogExceptions("accept loop"));
  for (int i = 0; i < options_.threads; ++i) {
    threads_.emplace_back([this] {
      for (;;) {
        try {
          ioc_.run();
          return;
        } catch (const std::exception& e) {  // handlers do not throw; log and carry on if one does
          LogError(std::string("io thread: ") + e.what());
        }
      }
    });
  }
  return {};
}

void Server::Impl::Stop() {
  if (!started_ || stopped_) return;
  stopped_ = true;
  draining_ = true;
  asio::post(accept_strand_, [this] {
    ErrorCode ignored;
    acceptor_->close(ignored);
  });
  auto live = [this] {
    std::vector<std::shared_ptr<Connection>> connections;
    std::lock_guard lock(conns_mu_);
    for (const auto& entry : conns_) connections.push_back(entry.second);
    return connections;
  };
  for (const auto& c : live()) {
    asio::post(c->stream.get_executor(), [c] {
      c->draining = true;
      if (c->idle) c->stream.cancel();
      c->wake.cancel();
    });
  }
  auto wait_until_closed = [this](std::chrono::milliseconds limit) {
    std::unique_lock lock(conns_mu_);
    return conns_cv_.wait_for(lock, limit, [this] { return conns_.empty(); });
  };
  if (!wait_until_closed(options_.drain_timeout)) {
    LogError("drain: " + std::to_string(open_connections()) +
             " connection(s) still busy after drain_timeout; closing them");
    for (const auto& c : live()) {
      asio::post(c->stream.get_executor(), [c] {
        c->stream.close();
        c->wake.cancel();
      });
    }
    static_cast<void>(wait_until_closed(std::chrono::milliseconds(1000)));
  }
  ioc_.stop();
  for (std::thread& thread : threads_) thread.join();
  threads_.clear();
  handlers_.join();  // a handler still running after drain_timeout finishes first
}

int Server::Impl::RunUntilSignalled(const std::function<void()>& on_ready) {
  asio::io_context signal_context(1);
  asio::signal_set signals(signal_context, SIGINT, SIGTERM);
  int received = 0;
  signals.async_wait([&received](const ErrorCode& ec, int number) {
    if (!ec) received = number;
  });
  if (on_ready) on_ready();
  signal_context.run();
  Stop();
  return received;
}

bool Server::Impl::Register(const std::shared_ptr<Connection>& c) {
  std::lock_guard lock(conns_mu_);
  if (conns_.size() >= options_.max_connections) return false;
  conns_.emplace(c.get(), c);
  return true;
}

void Server::Impl::Unregister(Connection* c) {
  std::lock_guard lock(conns_mu_);
  conns_.erase(c);
  if (conns_.empty()) conns_cv_.notify_all();
}

void Server::Impl::Access(std::string_view remote, std::string_view method, std::string_view path,
                          int status, size_t bytes, Clock::time_point start) const {
  if (options_.access_log) {
    options_.access_log(
        detail::AccessLogLine(remote, method, path, status, bytes, MillisecondsSince(start)));
  }
}

void Server::Impl::LogError(std::string_view message) const {
  if (options_.error_log) options_.error_log(detail::ErrorLogLine(message));
}

asio::awaitable<void> Server::Impl::Accept() {
  for (;;) {
    ErrorCode ec;
    tcp::socket socket(co_await acceptor_->async_accept(asio::make_strand(ioc_), Await(ec)));
    if (ec) {
      if (ec == asio::error::operation_aborted || !acceptor_->is_open()) co_return;
      LogError("accept: " + ec.message());  // e.g. out of file descriptors: back off a moment
      asio::steady_timer pause(accept_strand_, std::chrono::milliseconds(50));
      co_await pause.async_wait(Await(ec));
      continue;
    }
    socket.set_option(tcp::no_delay(true), ec);
    auto c = std::make_shared<Connection>(std::move(socket));
    const tcp::endpoint peer = c->stream.socket().remote_endpoint(ec);
    if (!ec) {
      const std::string address = peer.address().to_string();
      c->remote = (peer.address().is_v6() ? "[" + address + "]" : address) + ":" +
                  std::to_string(peer.port());
    }
    if (draining_ || !Register(c)) {
      c->stream.close();  // stopping, or at max_connections
      continue;
    }
    asio::co_spawn(c->stream.get_executor(), Session(c), LogExceptions("connection " + c->remote));
  }
}

asio::awaitable<void> Server::Impl::Session(std::shared_ptr<Connection> c) {
  struct Unregisters {
    Impl* impl;
    Connection* connection;
    ~Unregisters() { impl->Unregister(connection); }
  } unregisters{this, c.get()};

  beast::flat_buffer buffer;
  ErrorCode ec;
  for (;;) {
    if (buffer.size() == 0) {
      if (c->draining || draining_) break;
      c->idle = true;
      c->stream.expires_after(options_.idle_timeout);
      const size_t n = co_await c->stream.async_read_some(buffer.prepare(kReadChunk), Await(ec));
      c->idle = false;
      if (ec) break;  // closed by the peer, idle too long, or drained
      buffer.commit(n);
    }
    const Clock::time_point start = Clock::now();
    http::request_parser<http::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(options_.max_header_bytes));
    parser.body_limit(static_cast<std::uint64_t>(options_.max_body_bytes));
    c->stream.expires_after(options_.header_timeout);
    co_await http::async_read_header(c->stream, buffer, parser, Await(ec));
    if (!ec && !parser.is_done()) {
      if (EqualsIgnoringCase(Str(parser.get()[http::field::expect]), "100-continue")) {
        http::response<http::empty_body> proceed{http::status::continue_, parser.get().version()};
        c->stream.expires_after(options_.write_timeout);
        co_await http::async_write(c->stream, proceed, Await(ec));
      }
      if (!ec) {
        c->stream.expires_after(options_.body_timeout);
        co_await http::async_read(c->stream, buffer, parser, Await(ec));
      }
    }
    if (ec) {
      if (co_await ReadFailed(c, parser, ec, start)) co_await LingeringClose(c);
      co_return;
    }

    http::request<http::string_body>& message = parser.get();
    Request request;
    request.method = Str(message.method_string());
    request.target = Str(message.target());
    request.headers.reserve(8);
    for (const auto& field : message) {
      request.headers.emplace_back(Str(field.name_string()), Str(field.value()));
    }
    request.body = std::move(message.body());
    request.remote = c->remote;
    request.path = std::string(PathOf(request.target));  // Handle refines it; the log needs it
    const bool head = request.method == "HEAD";

    Response response;
    Problem failed;
    failed.status = 500;
    failed.detail = "the server failed to handle the request";
    try {
      // An asynchronous route is called here, on the io thread; the function it finishes with
      // runs on the thread that finishes, and its synchronous handler (when it declines) on a
      // handler thread, as every other route's handler does.
      const Router::Route* route = router_.MatchAsync(request);
      std::optional<Response> produced;
      if (route != nullptr) {
        produced = co_await AsyncFinish(route->async, request, asio::use_awaitable);
      }
      if (produced) {
        response = std::move(*produced);
      } else {
        response = co_await asio::co_spawn(
            handlers_,
            [this, &request, route]() -> asio::awaitable<Response> {
              co_return route != nullptr ? route->handler(request) : router_.Handle(request);
            },
            asio::use_awaitable);
      }
    } catch (const std::exception& e) {
      LogError(request.method + " " + request.path + ": handler failed: " + e.what());
      response = ProblemResponse(failed);
    } catch (...) {
      LogError(request.method + " " + request.path + ": handler failed: unknown exception");
      response = ProblemResponse(failed);
    }

    if (response.event_stream && response.status == 200 && !head) {
      co_await Stream(c, request, response, start);
      co_return;
    }
    const bool keep_alive =
        message.keep_alive() && !draining_ && !c->draining && !response.event_stream;
    const int status = response.status;
    const size_t bytes =
        co_await Write(*c, std::move(response), message.version(), keep_alive, head, ec);
    Access(c->remote, request.method, request.path, status, bytes, start);
    if (ec || !keep_alive) break;
  }
  c->stream.socket().shutdown(tcp::socket::shutdown_send, ec);
  c->stream.close();
}

asio::awaitable<size_t> Server::Impl::Write(Connection& c, Response response, unsigned version,
                                            bool keep_alive, bool head, ErrorCode& ec) {
  http::response<http::string_body> out{static_cast<http::status>(response.status), version};
  out.set(http::field::server, Sv(options_.server_name));
  out.set(http::field::date, detail::HttpDateNow());
  if (!response.content_type.empty()) out.set(http::field::content_type, response.content_type);
  out.set("X-Content-Type-Options", "nosniff");
  for (const auto& [name, value] : response.headers) {
    if (IsSafeHeader(name, value)) {
      out.insert(Sv(name), Sv(value));
    } else {
      LogError("dropped an unsafe response header: " + name);
    }
  }
  out.keep_alive(keep_alive);
  const bool bodiless = response.status < 200 || response.status == 204 || response.status == 304;
  if (!bodiless) out.body() = std::move(response.body);
  out.prepare_payload();
  if (head) out.body().clear();  // keeps the Content-Length of the GET
  const size_t bytes = out.body().size();
  c.stream.expires_after(options_.write_timeout);
  co_await http::async_write(c.stream, out, Await(ec));
  co_return bytes;
}

asio::awaitable<bool> Server::Impl::ReadFailed(std::shared_ptr<Connection> c,
                                               http::request_parser<http::string_body>& parser,
                                               ErrorCode ec, Clock::time_point start) {
  const bool have_head = parser.is_header_done();
  const std::string method = have_head ? Str(parser.get().method_string()) : std::string("-");
  const std::string path =
      have_head ? std::string(PathOf(Str(parser.get().target()))) : std::string("-");
  const unsigned version = have_head ? parser.get().version() : 11;
  Problem problem;
  if (ec == http::error::body_limit) {
    problem.status = 413;
    problem.detail = "the request body is larger than the limit of " +
                     std::to_string(options_.max_body_bytes) + " bytes";
  } else if (ec == http::error::header_limit) {
    problem.status = 431;
    problem.detail = "the request head is larger than the limit of " +
                     std::to_string(options_.max_header_bytes) + " bytes";
  } else if (ec == beast::error::timeout) {
    Access(c->remote, method, path, 408, 0, start);  // the stream is already closed
    co_return false;
  } else if (ec.category() == ErrorCode(http::error::end_of_stream).category() &&
             ec != http::error::end_of_stream && ec != http::error::partial_message) {
    problem.status = 400;
    problem.detail = "the request is not valid HTTP/1.1: " + ec.message();
  } else {
    co_return false;  // the peer went away, or the server is closing the connection
  }
  ErrorCode write_ec;
  const size_t bytes =
      co_await Write(*c, ProblemResponse(problem), version, false, false, write_ec);
  Access(c->remote, method, path, problem.status, bytes, start);
  co_return !write_ec;
}

asio::awaitable<void> Server::Impl::LingeringClose(std::shared_ptr<Connection> c) {
  ErrorCode ec;
  c->stream.socket().shutdown(tcp::socket::shutdown_send, ec);
  c->stream.expires_after(kLingerTime);
  std::vector<char> sink(kReadChunk);
  size_t total = 0;
  while (!ec && total < kLingerBytes) {
    total += co_await c->stream.async_read_some(asio::buffer(sink), Await(ec));
  }
  c->stream.close();
}

asio::awaitable<void> Server::Impl::WatchPeer(std::shared_ptr<Connection> c) {
  // An event-stream client sends nothing after its request; a read completes only when it
  // closes the connection (or the server does).
  std::vector<char> sink(512);
  ErrorCode ec;
  while (!ec) co_await c->stream.async_read_some(asio::buffer(sink), Await(ec));
  c->peer_closed = true;
  c->wake.cancel();
}

asio::awaitable<void> Server::Impl::Stream(std::shared_ptr<Connection> c, const Request& request,
                                           const Response& response, Clock::time_point start) {
  const EventStream& spec = *response.event_stream;
  std::weak_ptr<Connection> weak = c;
  auto executor = c->stream.get_executor();
  std::unique_ptr<Subscription> subscription =
      spec.hub->Subscribe(spec.filter, spec.last_event_id, [weak, executor] {
        asio::post(executor, [weak] {
          if (auto connection = weak.lock()) connection->wake.cancel();
        });
      });

  std::string out =
      "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
      "Cache-Control: no-cache\r\nConnection: close\r\nX-Accel-Buffering: no\r\n";
  out += "Server: " + options_.server_name + "\r\nDate: " + detail::HttpDateNow() + "\r\n";
  for (const auto& [name, value] : response.headers) {
    if (IsSafeHeader(name, value)) out += name + ": " + value + "\r\n";
  }
  out += "\r\nretry: " + std::to_string(options_.sse_retry.count()) + "\n\n";
  if (const auto latest = subscription->resync_from()) out += ResyncFrame(*latest);

  size_t bytes = 0;
  ErrorCode ec;
  c->stream.expires_after(options_.write_timeout);
  bytes += co_await asio::async_write(c->stream, asio::buffer(out), Await(ec));
  if (!ec) {
    c->stream.expires_never();  // the watcher's read waits as long as the stream lasts
    asio::co_spawn(executor, WatchPeer(c), LogExceptions("event stream watcher " + c->remote));
  }
  std::vector<std::shared_ptr<const Event>> batch;
  while (!ec && !c->draining && !draining_ && !c->peer_closed) {
    batch.clear();
    if (subscription->Take(batch) != Subscription::State::kOpen) break;  // too slow, or closed
    out.clear();
    if (batch.empty()) {
      c->wake.expires_after(options_.sse_keepalive);
      ErrorCode wait_ec;
      co_await c->wake.async_wait(Await(wait_ec));
      if (wait_ec) continue;  // woken: events, drain or the peer closing
      out = ": keep-alive\n\n";
    } else {
      for (const auto& event : batch) out += event->frame;
    }
    c->stream.expires_after(options_.write_timeout);  // the write timer only: a read is pending
    bytes += co_await asio::async_write(c->stream, asio::buffer(out), Await(ec));
  }
  subscription.reset();
  Access(c->remote, request.method, request.path, 200, bytes, start);
  c->stream.socket().shutdown(tcp::socket::shutdown_send, ec);
  c->stream.close();
}

Server::Server(const Router& router, ServerOptions options)
    : impl_(std::make_unique<Impl>(router, std::move(options))) {}

Server::~Server() = default;

tl::expected<void, std::string> Server::Start(std::string_view host, uint16_t port) {
  return impl_->Start(host, port);
}

uint16_t Server::port() const { return impl_->port(); }

size_t Server::open_connections() const { return impl_->open_connections(); }

void Server::Stop() { impl_->Stop(); }

int Server::RunUntilSignalled(const std::function<void()>& on_ready) {
  return impl_->RunUntilSignalled(on_ready);
}

}  // namespace everyseat::server
