// A webhook receiver for the tests: a small threaded HTTP/1.1 server over POSIX sockets on a
// loopback address (127.0.0.1 or ::1, an ephemeral port), plain or TLS (OpenSSL), that records
// every request and answers the n-th connection as the n-th entry of a script says (the last
// entry repeats). One thread accepts, one thread serves each connection; the destructor stops
// and joins them all, also ending connections held open by kNeverAnswer.
// Thread-safety: every method may be called from any thread.
#pragma once

#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <sys/socket.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

namespace everyseat::server::testing {

struct ReceivedRequest {
  std::string method;
  std::string target;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  // The first header with this name (case-insensitive).
  [[nodiscard]] std::optional<std::string> Header(std::string_view name) const;
};

struct Reply {
  enum class Kind {
    kAnswer,             // `status`, with a body of `body_bytes` 'x's (Content-Length)
    kNeverAnswer,        // read the request, then hold the connection open without a byte
    kCloseWithoutReply,  // read the request, then close
    kGarbage,            // answer "hello, this is not HTTP\r\n\r\n"
    kInterimThenAnswer,  // "HTTP/1.1 100 Continue" first, then as kAnswer
    kCloseAtOnce,        // close as soon as connected (after the TLS handshake), reading nothing
  };
  Kind kind = Kind::kAnswer;
  int status = 200;
  size_t body_bytes = 0;
};

// A self-signed certificate and its key (EC P-256), with subjectAltName `san`, e.g.
// "DNS:localhost,IP:127.0.0.1". Owns both.
class TestCertificate {
 public:
  explicit TestCertificate(const std::string& san);
  ~TestCertificate();
  TestCertificate(const TestCertificate&) = delete;
  TestCertificate& operator=(const TestCertificate&) = delete;

  [[nodiscard]] bool ok() const { return cert_ != nullptr && key_ != nullptr; }
  // Writes the certificate as PEM to `path`; false on error.
  bool WritePem(const std::string& path) const;
  // A server context with this certificate (the caller frees it), or nullptr.
  [[nodiscard]] SSL_CTX* NewServerContext() const;

 private:
  EVP_PKEY* key_ = nullptr;
  X509* cert_ = nullptr;
};

class WebhookReceiver {
 public:
  // `family` is AF_INET (127.0.0.1) or AF_INET6 (::1). `tls`, when given, must outlive the
  // receiver. Check ok() before use (::1 may be missing).
  explicit WebhookReceiver(std::vector<Reply> script, int family = AF_INET, SSL_CTX* tls = nullptr);
  ~WebhookReceiver();
  WebhookReceiver(const WebhookReceiver&) = delete;
  WebhookReceiver& operator=(const WebhookReceiver&) = delete;

  [[nodiscard]] bool ok() const { return listen_fd_ >= 0; }
  [[nodiscard]] uint16_t port() const { return port_; }
  // "http://127.0.0.1:PORT" + path ("https://" with TLS, "[::1]" for IPv6).
  [[nodiscard]] std::string Url(std::string_view path = "/hook") const;
  [[nodiscard]] std::vector<ReceivedRequest> requests() const;
  // Waits until at least `count` requests have been recorded; false after `limit`.
  bool WaitForRequests(size_t count, std::chrono::milliseconds limit) const;
  // Connections accepted so far.
  [[nodiscard]] size_t connections() const;

 private:
  void AcceptLoop();
  void Serve(int fd, Reply reply);

  std::vector<Reply> script_;
  int family_;
  SSL_CTX* tls_;
  int listen_fd_ = -1;
  uint16_t port_ = 0;
  int stop_pipe_[2] = {-1, -1};
  std::thread acceptor_;
  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;
  std::vector<ReceivedRequest> requests_;  // guarded by mutex_
  std::vector<std::thread> servers_;       // guarded by mutex_
  size_t accepted_ = 0;                    // guarded by mutex_
};

// A loopback port with nothing listening on it (bound, then closed).
[[nodiscard]] uint16_t UnusedPort();

}  // namespace everyseat::server::testing
