// Webhook delivery: a small blocking HTTP/1.1 client (POSIX sockets, OpenSSL for https) that POSTs
// signed JSON, and a dispatcher thread that works through the store's outbox of deliveries
// (Store::ClaimDeliveries / RecordDeliveryAttempt) with retries and exponential backoff.
//
// What a receiver gets (docs/api.md, "Webhooks"): a POST of the notification's JSON with
//   Content-Type: application/json
//   User-Agent: everyseat-webhook/0.1
//   X-Everyseat-Signature: sha256=<hex HMAC-SHA256 of the body, keyed by the webhook's secret>
//   X-Everyseat-Delivery: <delivery id>   (the same on every attempt: receivers may deduplicate)
//   X-Everyseat-Attempt: <1, 2, ...>
// Any 2xx answer is success. Anything else (another status, a refused connection, a timeout, a
// TLS failure) is a failed attempt, retried after first_retry * backoff^(attempt-1), at most
// max_retry, until max_attempts; then the delivery is given up (state failed). Redirects are not
// followed. Delivery is at least once: a receiver may see an attempt twice (a lost answer, or a
// dispatcher stopped mid-request whose lease then runs out).
//
// https: the peer's certificate is verified against the system's trusted roots (OpenSSL's default
// verify paths, so SSL_CERT_FILE / SSL_CERT_DIR apply) and the URL's host name or IP address.
//
// Thread-safety: the free functions are safe to call concurrently. WebhookDispatcher's Wake is
// safe from any thread; Start and Stop from one owning thread.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include <tl/expected.hpp>

#include "everyseat/domain/model.h"
#include "everyseat/store/store.h"

namespace everyseat::server {

// A webhook URL taken apart. Only http and https; no user name or password; the fragment is
// dropped. Host names are kept as given (lower-cased); IPv6 literals without their brackets.
struct WebhookUrl {
  bool tls = false;    // https
  std::string host;    // "example.nhs.uk", "127.0.0.1", "::1"
  uint16_t port = 0;   // 80 or 443 when the URL has none
  std::string target;  // path and query, at least "/"
  friend bool operator==(const WebhookUrl&, const WebhookUrl&) = default;
};

// The error is plain English, e.g. "the URL must start with http:// or https://".
[[nodiscard]] tl::expected<WebhookUrl, std::string> ParseWebhookUrl(std::string_view url);

// The outcome of one POST. ok is a 2xx status; error is "" when ok, else e.g. "connection
// refused", "timed out after 5000 ms waiting for the response", "HTTP 503".
struct WebhookResponse {
  bool ok = false;
  int status = 0;  // 0 when no status line was received
  std::string error;
};

// The most of a response (head and body) PostJson reads; the rest is left unread.
inline constexpr size_t kWebhookResponseCap = 64 * 1024;

// POSTs `body` as application/json to `url` over HTTP/1.1 (Connection: close), with `headers`
// added after the standard ones, and reads the status. `timeout` bounds the whole exchange (name
// look-up aside: getaddrinfo is not interruptible). Never throws; a header name or value with
// CR, LF or NUL is refused before anything is sent.
[[nodiscard]] WebhookResponse PostJson(
    std::string_view url, std::string_view body,
    const std::vector<std::pair<std::string, std::string>>& headers,
    std::chrono::milliseconds timeout);

// "sha256=" followed by the 64 lower-case hex characters of HMAC-SHA256(secret, body) (RFC 2104,
// FIPS 180-4): the value of X-Everyseat-Signature.
[[nodiscard]] std::string WebhookSignature(std::string_view secret, std::string_view body);

// One attempt (`attempt` counting from 1) at one delivery: its body, signed, with the delivery
// and attempt headers.
[[nodiscard]] WebhookResponse SendWebhook(const domain::WebhookDelivery& delivery, int attempt,
                                          std::chrono::milliseconds timeout);

struct WebhookDispatcherOptions {
  std::chrono::milliseconds poll_interval{500};  // between looks at the outbox, unless woken
  int batch = 20;                                // deliveries claimed at once
  int64_t lease_seconds = 60;  // a claimed delivery is hidden from other dispatchers this long
  int max_attempts = 8;        // then the delivery is given up (state failed)
  std::chrono::milliseconds timeout{5000};  // each POST, connect to last byte
  std::chrono::milliseconds first_retry{1000};
  double backoff = 2.0;  // each retry waits this much longer than the one before
  std::chrono::milliseconds max_retry{std::chrono::minutes(15)};
  // The time in Unix seconds; empty = the system clock. Tests set it to move time.
  std::function<int64_t()> clock;
  // One JSON object per line, {"time","level","message","delivery","attempt"} (no newline; as
  // the server's LogSink): failed attempts ("warning"), given-up deliveries and store errors
  // ("error"). Called from the dispatcher's thread. Empty: no log.
  std::function<void(std::string_view line)> log;
};

// Whole seconds to wait after failed attempt `attempt` (from 1): first_retry *
// backoff^(attempt-1), at most max_retry, rounded up, at least 1.
[[nodiscard]] int64_t WebhookRetryDelaySeconds(const WebhookDispatcherOptions& options,
                                               int attempt);

// Works through the outbox on its own thread with its own Store connection: claims due
// deliveries, POSTs each, records the outcome. Several dispatchers (on several server nodes) may
// share one database: the store's leases give each delivery to one of them at a time. Pending
// deliveries survive restarts because the outbox is in the database.
class WebhookDispatcher {
 public:
  using OpenStore = std::function<store::Result<std::unique_ptr<store::Store>>()>;

  // `open_store` is called on the dispatcher's thread (again after a kUnavailable error).
  WebhookDispatcher(OpenStore open_store, WebhookDispatcherOptions options);
  ~WebhookDispatcher();  // Stop()
  WebhookDispatcher(const WebhookDispatcher&) = delete;
  WebhookDispatcher& operator=(const WebhookDispatcher&) = delete;

  // Starts the thread. REQUIRES: not started before.
  void Start();
  // Makes the thread look at the outbox now (e.g. after a notification is stored). Cheap,
  // non-blocking, safe from any thread, a no-op when not running.
  void Wake();
  // Interrupts a POST in flight (its delivery is retried when its lease runs out, unrecorded),
  // and joins the thread. Idempotent.
  void Stop();

 private:
  void Run();
  // POSTs one delivery and records the attempt (nothing is recorded when Stop interrupts it).
  [[nodiscard]] store::Result<void> Deliver(store::Store& store,
                                            const domain::WebhookDelivery& delivery);
  [[nodiscard]] int64_t Now() const;
  void Log(std::string_view level, std::string_view message, int64_t delivery, int attempt) const;
  // Waits up to `wait` for Wake or Stop; returns false when stopping.
  bool Sleep(std::chrono::milliseconds wait);

  OpenStore open_store_;
  WebhookDispatcherOptions options_;
  std::thread thread_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool woken_ = false;     // guarded by mutex_
  bool stopping_ = false;  // guarded by mutex_
  std::atomic<bool> cancel_{false};
  int cancel_pipe_[2] = {-1, -1};  // written by Stop to interrupt a POST in flight
};

}  // namespace everyseat::server
