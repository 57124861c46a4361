// Webhook delivery (see webhooks.h): URL parsing, a blocking HTTP/1.1 POST over POSIX sockets with
// one deadline for the whole exchange (non-blocking sockets and poll), TLS through OpenSSL, the
// HMAC-SHA256 signature, and the dispatcher thread over the store's outbox.
#include "everyseat/server/webhooks.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <optional>

namespace everyseat::server {
namespace {

using SteadyClock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr std::string_view kUserAgent = "everyseat-webhook/0.1";
constexpr std::string_view kCancelledText = "cancelled: the webhook dispatcher is stopping";

char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

std::string LowerCopy(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = Lower(c);
  return out;
}

bool EqualsIgnoringCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (Lower(a[i]) != Lower(b[i])) return false;
  }
  return true;
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

bool IsIpv4Literal(const std::string& host) {
  in_addr address{};
  return inet_pton(AF_INET, host.c_str(), &address) == 1;
}

bool IsIpv6Literal(const std::string& host) {
  in6_addr address{};
  return inet_pton(AF_INET6, host.c_str(), &address) == 1;
}

// RFC 9110 section 5.6.2: a header name is a token.
bool IsToken(std::string_view text) {
  if (text.empty()) return false;
  for (const char c : text) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || IsDigit(c) ||
                    std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
    if (!ok) return false;
  }
  return true;
}

bool IsSafeHeaderValue(std::string_view text) {
  return text.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos;
}

std::string ErrnoText(int error) {
  switch (error) {
    case ECONNREFUSED:
      return "connection refused";
    case ECONNRESET:
      return "connection reset by the receiver";
    case EPIPE:
      return "connection closed by the receiver";
    case ETIMEDOUT:
      return "connection timed out";
    case EHOSTUNREACH:
      return "host unreachable";
    case ENETUNREACH:
      return "network unreachable";
    case EADDRNOTAVAIL:
      return "address not available";
    default:
      break;
  }
  char buffer[256];
  // GNU strerror_r returns the message (which may or may not be in buffer).
  const char* text = strerror_r(error, buffer, sizeof buffer);
  std::string out(text);
  if (!out.empty()) out[0] = Lower(out[0]);
  return out;
}

// The first error in OpenSSL's queue for this thread, or `fallback`.
std::string OpenSslError(std::string_view fallback) {
  const unsigned long code = ERR_get_error();
  ERR_clear_error();
  if (code == 0) return std::string(fallback);
  const char* reason = ERR_reason_error_string(code);
  return reason != nullptr ? std::string(reason) : std::string(fallback);
}

// One deadline for the whole exchange.
class Deadline {
 public:
  explicit Deadline(milliseconds total) : total_(total), at_(SteadyClock::now() + total) {}
  // For poll: milliseconds left, rounded up so that a wait never ends just short of the deadline.
  [[nodiscard]] int RemainingMs() const {
    const auto left = at_ - SteadyClock::now();
    if (left <= SteadyClock::duration::zero()) return 0;
    const auto ms = std::chrono::ceil<milliseconds>(left).count();
    return static_cast<int>(std::min<int64_t>(ms, INT_MAX));
  }
  [[nodiscard]] std::string TimedOut(std::string_view doing) const {
    return "timed out after " + std::to_string(total_.count()) + " ms " + std::string(doing);
  }

 private:
  milliseconds total_;
  SteadyClock::time_point at_;
};

enum class Wait { kReady, kTimeout, kCancelled, kError };

// Waits until `fd` has `events`, the deadline passes or `cancel_fd` becomes readable (-1: none).
Wait WaitFor(int fd, short events, const Deadline& deadline, int cancel_fd) {
  while (true) {
    pollfd fds[2] = {{fd, events, 0}, {cancel_fd, POLLIN, 0}};
    const int remaining = deadline.RemainingMs();
    if (remaining == 0) return Wait::kTimeout;
    const int n = poll(fds, 2, remaining);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Wait::kError;
    }
    if (n == 0) continue;  // the deadline is checked at the top
    if (fds[1].revents != 0) return Wait::kCancelled;
    if (fds[0].revents != 0) return Wait::kReady;  // POLLERR/POLLHUP too: the next call reports
  }
}

// Blocks SIGPIPE in this thread while alive, and swallows a SIGPIPE raised meanwhile: OpenSSL
// writes to the socket with write(2), which cannot be given MSG_NOSIGNAL, and a receiver that
// closes early must not kill the process.
class SigpipeGuard {
 public:
  SigpipeGuard() {
    sigset_t pipe_only;
    sigemptyset(&pipe_only);
    sigaddset(&pipe_only, SIGPIPE);
    sigset_t pending;
    sigpending(&pending);
    was_pending_ = sigismember(&pending, SIGPIPE) == 1;
    blocked_ = pthread_sigmask(SIG_BLOCK, &pipe_only, &old_) == 0;
  }
  ~SigpipeGuard() {
    if (!blocked_) return;
    if (!was_pending_) {
      sigset_t pending;
      sigpending(&pending);
      if (sigismember(&pending, SIGPIPE) == 1) {
        sigset_t pipe_only;
        sigemptyset(&pipe_only);
        sigaddset(&pipe_only, SIGPIPE);
        const timespec zero{0, 0};
        while (sigtimedwait(&pipe_only, nullptr, &zero) < 0 && errno == EINTR) {
        }
      }
    }
    pthread_sigmask(SIG_SETMASK, &old_, nullptr);
  }
  SigpipeGuard(const SigpipeGuard&) = delete;
  SigpipeGuard& operator=(const SigpipeGuard&) = delete;

 private:
  sigset_t old_{};
  bool was_pending_ = false;
  bool blocked_ = false;
};

// A connected socket, with TLS over it for https. Errors are plain-English strings.
class Connection {
 public:
  Connection() = default;
  ~Connection() {
    if (ssl_ != nullptr) SSL_free(ssl_);
    if (ctx_ != nullptr) SSL_CTX_free(ctx_);
    if (fd_ >= 0) close(fd_);
  }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Resolves the host and connects to the first address that answers.
  std::optional<std::string> Connect(const WebhookUrl& url, const Deadline& deadline,
                                     int cancel_fd) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICSERV;
    if (IsIpv4Literal(url.host) || IsIpv6Literal(url.host)) hints.ai_flags |= AI_NUMERICHOST;
    const std::string port = std::to_string(url.port);
    addrinfo* found = nullptr;
    const int rc = getaddrinfo(url.host.c_str(), port.c_str(), &hints, &found);
    if (rc != 0) {
      std::string why = rc == EAI_SYSTEM ? ErrnoText(errno) : gai_strerror(rc);
      if (!why.empty()) why[0] = Lower(why[0]);
      return "cannot find the host \"" + url.host + "\" (" + why + ")";
    }
    std::unique_ptr<addrinfo, decltype(&freeaddrinfo)> addresses(found, &freeaddrinfo);
    std::string last_error = "no address for the host \"" + url.host + "\"";
    for (const addrinfo* a = addresses.get(); a != nullptr; a = a->ai_next) {
      const int fd =
          socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol);
      if (fd < 0) {
        last_error = ErrnoText(errno);
        continue;
      }
      int error = 0;
      if (connect(fd, a->ai_addr, a->ai_addrlen) != 0) {
        error = errno;
        if (error == EINPROGRESS) {
          switch (WaitFor(fd, POLLOUT, deadline, cancel_fd)) {
            case Wait::kReady: {
              socklen_t length = sizeof error;
              if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length) != 0) error = errno;
              break;
            }
            case Wait::kTimeout:
              close(fd);
              return deadline.TimedOut("connecting to " + url.host);
            case Wait::kCancelled:
              close(fd);
              return std::string(kCancelledText);
            case Wait::kError:
              error = errno;
              break;
          }
        }
      }
      if (error == 0) {
        fd_ = fd;
        const int one = 1;
        setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        return std::nullopt;
      }
      close(fd);
      last_error = ErrnoText(error);
    }
    return last_error;
  }

  // The TLS handshake, verifying the certificate against the system's roots and the URL's host.
  std::optional<std::string> StartTls(const WebhookUrl& url, const Deadline& deadline,
                                      int cancel_fd) {
    ERR_clear_error();
    ctx_ = SSL_CTX_new(TLS_client_method());
    if (ctx_ == nullptr) return "TLS unavailable: " + OpenSslError("cannot make a TLS context");
    SSL_CTX_set_min_proto_version(ctx_, TLS1_2_VERSION);
    SSL_CTX_set_options(ctx_, SSL_OP_IGNORE_UNEXPECTED_EOF);  // only the status line matters
    if (SSL_CTX_set_default_verify_paths(ctx_) != 1) {
      return "TLS unavailable: " + OpenSslError("cannot load the trusted certificates");
    }
    SSL_CTX_set_verify(ctx_, SSL_VERIFY_PEER, nullptr);
    ssl_ = SSL_new(ctx_);
    if (ssl_ == nullptr || SSL_set_fd(ssl_, fd_) != 1) {
      return "TLS unavailable: " + OpenSslError("cannot start TLS");
    }
    X509_VERIFY_PARAM* param = SSL_get0_param(ssl_);
    if (IsIpv4Literal(url.host) || IsIpv6Literal(url.host)) {
      if (X509_VERIFY_PARAM_set1_ip_asc(param, url.host.c_str()) != 1) {
        return "TLS unavailable: " + OpenSslError("cannot set the address to verify");
      }
    } else {
      X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
      if (SSL_set_tlsext_host_name(ssl_, url.host.c_str()) != 1 ||
          X509_VERIFY_PARAM_set1_host(param, url.host.c_str(), url.host.size()) != 1) {
        return "TLS unavailable: " + OpenSslError("cannot set the host name to verify");
      }
    }
    while (true) {
      ERR_clear_error();
      const int rc = SSL_connect(ssl_);
      if (rc == 1) return std::nullopt;
      const int error = SSL_get_error(ssl_, rc);
      if (error == SSL_ERROR_WANT_READ || error == SSL_ERROR_WANT_WRITE) {
        const short events = error == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT;
        switch (WaitFor(fd_, events, deadline, cancel_fd)) {
          case Wait::kReady:
            continue;
          case Wait::kTimeout:
            return deadline.TimedOut("in the TLS handshake");
          case Wait::kCancelled:
            return std::string(kCancelledText);
          case Wait::kError:
            return "TLS handshake failed: " + ErrnoText(errno);
        }
      }
      const long verify = SSL_get_verify_result(ssl_);
      if (verify != X509_V_OK) {
        return "the receiver's TLS certificate was not accepted: " +
               std::string(X509_verify_cert_error_string(verify));
      }
      if (error == SSL_ERROR_SYSCALL) {
        const int saved = errno;
        ERR_clear_error();
        return "TLS handshake failed: " +
               (saved != 0 ? ErrnoText(saved) : std::string("connection closed by the receiver"));
      }
      return "TLS handshake failed: " + OpenSslError("protocol error");
    }
  }

  // Sends all of `data`.
  std::optional<std::string> WriteAll(std::string_view data, const Deadline& deadline,
                                      int cancel_fd) {
    while (!data.empty()) {
      short wait_for = POLLOUT;
      if (ssl_ != nullptr) {
        ERR_clear_error();
        const int chunk = static_cast<int>(std::min<size_t>(data.size(), 1 << 20));
        const int n = SSL_write(ssl_, data.data(), chunk);
        if (n > 0) {
          data.remove_prefix(static_cast<size_t>(n));
          continue;
        }
        const int error = SSL_get_error(ssl_, n);
        if (error == SSL_ERROR_WANT_READ) {
          wait_for = POLLIN;
        } else if (error != SSL_ERROR_WANT_WRITE) {
          return SslIoError(error, "sending the request");
        }
      } else {
        const ssize_t n = send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
        if (n >= 0) {
          data.remove_prefix(static_cast<size_t>(n));
          continue;
        }
        if (errno == EINTR) continue;
        if (errno != EAGAIN && errno != EWOULDBLOCK) return ErrnoText(errno);
      }
      switch (WaitFor(fd_, wait_for, deadline, cancel_fd)) {
        case Wait::kReady:
          break;
        case Wait::kTimeout:
          return deadline.TimedOut("sending the request");
        case Wait::kCancelled:
          return std::string(kCancelledText);
        case Wait::kError:
          return ErrnoText(errno);
      }
    }
    return std::nullopt;
  }

  // Reads what is available (waiting for it) into `out`: the number of bytes read, 0 at the end
  // of the stream, or an error.
  tl::expected<size_t, std::string> ReadSome(char* out, size_t size, const Deadline& deadline,
                                             int cancel_fd) {
    while (true) {
      short wait_for = POLLIN;
      if (ssl_ != nullptr) {
        ERR_clear_error();
        const int n = SSL_read(ssl_, out, static_cast<int>(std::min<size_t>(size, INT_MAX)));
        if (n > 0) return static_cast<size_t>(n);
        const int error = SSL_get_error(ssl_, n);
        if (error == SSL_ERROR_ZERO_RETURN) return 0;
        if (error == SSL_ERROR_WANT_WRITE) {
          wait_for = POLLOUT;
        } else if (error != SSL_ERROR_WANT_READ) {
          if (error == SSL_ERROR_SYSCALL && errno == 0) return 0;
          return tl::unexpected(SslIoError(error, "reading the response"));
        }
      } else {
        const ssize_t n = recv(fd_, out, size, 0);
        if (n >= 0) return static_cast<size_t>(n);
        if (errno == EINTR) continue;
        if (errno != EAGAIN && errno != EWOULDBLOCK) return tl::unexpected(ErrnoText(errno));
      }
      switch (WaitFor(fd_, wait_for, deadline, cancel_fd)) {
        case Wait::kReady:
          break;
        case Wait::kTimeout:
          return tl::unexpected(deadline.TimedOut("waiting for the response"));
        case Wait::kCancelled:
          return tl::unexpected(std::string(kCancelledText));
        case Wait::kError:
          return tl::unexpected(ErrnoText(errno));
      }
    }
  }

 private:
  std::string SslIoError(int error, std::string_view doing) {
    if (error == SSL_ERROR_SYSCALL) {
      const int saved = errno;
      ERR_clear_error();
      return saved != 0 ? ErrnoText(saved) : "connection closed by the receiver";
    }
    return "TLS error " + std::string(doing) + ": " + OpenSslError("protocol error");
  }

  int fd_ = -1;
  SSL_CTX* ctx_ = nullptr;
  SSL* ssl_ = nullptr;
};

// What is known of the response so far.
struct ResponseReader {
  std::string data;        // as received, at most kWebhookResponseCap bytes
  int status = 0;          // from the final (non-1xx) status line
  size_t body_start = 0;   // when head_done
  bool head_done = false;  // the final head is complete
  std::optional<size_t> content_length;
  bool chunked = false;
  std::string bad;  // set when the answer is not HTTP

  // Parses what has arrived. Returns true when the response is complete.
  bool Advance() {
    while (!head_done) {
      if (status == 0) {
        const size_t line_end = data.find("\r\n");
        if (line_end == std::string::npos) {
          if (data.size() >= 12 && !data.starts_with("HTTP/1.")) bad = "the answer is not HTTP/1.x";
          return !bad.empty();
        }
        const std::string_view line = std::string_view(data).substr(0, line_end);
        // "HTTP/1.1 200 OK" (RFC 9112 section 4): version, space, three digits, then a space
        // and an optional reason, or the end of the line.
        if (line.size() < 12 || !line.starts_with("HTTP/1.") || !IsDigit(line[7]) ||
            line[8] != ' ' || !IsDigit(line[9]) || !IsDigit(line[10]) || !IsDigit(line[11]) ||
            (line.size() > 12 && line[12] != ' ')) {
          bad = "the answer is not HTTP/1.x";
          return true;
        }
        status = (line[9] - '0') * 100 + (line[10] - '0') * 10 + (line[11] - '0');
      }
      const size_t head_end = data.find("\r\n\r\n");
      if (head_end == std::string::npos) return false;
      if (status >= 100 && status < 200) {  // an interim answer: the real one follows
        data.erase(0, head_end + 4);
        status = 0;
        continue;
      }
      ParseHeaders(std::string_view(data).substr(0, head_end));
      body_start = head_end + 4;
      head_done = true;
    }
    const std::string_view body = std::string_view(data).substr(body_start);
    if (content_length) return body.size() >= *content_length;
    if (chunked) return body.starts_with("0\r\n\r\n") || body.find("\r\n0\r\n\r\n") != body.npos;
    return false;  // until the end of the stream
  }

  void ParseHeaders(std::string_view head) {
    size_t line_end = head.find("\r\n");
    while (line_end != std::string_view::npos) {
      const size_t start = line_end + 2;
      line_end = head.find("\r\n", start);
      std::string_view line = head.substr(start, line_end - start);
      const size_t colon = line.find(':');
      if (colon == std::string_view::npos) continue;
      const std::string_view name = line.substr(0, colon);
      std::string_view value = line.substr(colon + 1);
      while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) {
        value.remove_prefix(1);
      }
      while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) {
        value.remove_suffix(1);
      }
      if (EqualsIgnoringCase(name, "content-length")) {
        size_t length = 0;
        bool ok = !value.empty() && value.size() <= 18;
        for (const char c : value) {
          if (!IsDigit(c)) ok = false;
          length = length * 10 + static_cast<size_t>(c - '0');
        }
        if (ok) content_length = length;
      } else if (EqualsIgnoringCase(name, "transfer-encoding")) {
        chunked = LowerCopy(value).find("chunked") != std::string::npos;
      }
    }
    if (chunked) content_length.reset();  // RFC 9112 section 6.3
  }
};

WebhookResponse Failed(std::string error, int status = 0) {
  WebhookResponse response;
  response.status = status;
  response.error = std::move(error);
  return response;
}

WebhookResponse Post(std::string_view url_text, std::string_view body,
                     const std::vector<std::pair<std::string, std::string>>& headers,
                     milliseconds timeout, int cancel_fd) {
  auto url = ParseWebhookUrl(url_text);
  if (!url) return Failed("invalid URL: " + url.error());
  for (const auto& [name, value] : headers) {
    if (!IsToken(name)) return Failed("invalid header name \"" + name + "\"");
    if (!IsSafeHeaderValue(value)) {
      return Failed("the value of the header " + name + " has a line break or NUL");
    }
  }

  std::string host_header = IsIpv6Literal(url->host) ? "[" + url->host + "]" : url->host;
  if (url->port != (url->tls ? 443 : 80)) host_header += ":" + std::to_string(url->port);
  std::string request;
  request.reserve(256 + body.size());
  request.append("POST ").append(url->target).append(" HTTP/1.1\r\n");
  request.append("Host: ").append(host_header).append("\r\n");
  request.append("Content-Type: application/json\r\n");
  request.append("Content-Length: ").append(std::to_string(body.size())).append("\r\n");
  request.append("User-Agent: ").append(kUserAgent).append("\r\n");
  request.append("Connection: close\r\n");
  for (const auto& [name, value] : headers) {
    request.append(name).append(": ").append(value).append("\r\n");
  }
  request.append("\r\n").append(body);

  const SigpipeGuard sigpipe;
  const Deadline deadline(timeout);
  Connection connection;
  if (auto error = connection.Connect(*url, deadline, cancel_fd)) return Failed(*error);
  if (url->tls) {
    if (auto error = connection.StartTls(*url, deadline, cancel_fd)) return Failed(*error);
  }
  std::optional<std::string> send_error = connection.WriteAll(request, deadline, cancel_fd);
  // A receiver may answer (say 413) and close before reading the whole body: read its answer
  // even when sending failed, and report the send error only if there is none.

  ResponseReader reader;
  std::string read_error;
  char buffer[16 * 1024];
  while (reader.data.size() < kWebhookResponseCap) {
    const size_t room = std::min(sizeof buffer, kWebhookResponseCap - reader.data.size());
    auto n = connection.ReadSome(buffer, room, deadline, cancel_fd);
    if (!n) {
      read_error = std::move(n.error());
      break;
    }
    if (*n == 0) break;
    reader.data.append(buffer, *n);
    if (reader.Advance()) break;
  }
  if (!reader.bad.empty()) return Failed(reader.bad);
  if (reader.status == 0) {
    if (send_error && (read_error.empty() || read_error.starts_with("connection"))) {
      return Failed(*send_error);
    }
    if (!read_error.empty()) return Failed(read_error);
    if (reader.data.empty()) return Failed("the receiver closed the connection without answering");
    return Failed(reader.data.size() >= kWebhookResponseCap ? "the response head is too large"
                                                            : "the response ended in its head");
  }
  // With a status line, a slow, truncated or oversized rest of the answer does not matter.
  WebhookResponse response;
  response.status = reader.status;
  response.ok = reader.status >= 200 && reader.status < 300;
  if (!response.ok) response.error = "HTTP " + std::to_string(reader.status);
  return response;
}

std::vector<std::pair<std::string, std::string>> DeliveryHeaders(
    const domain::WebhookDelivery& delivery, int attempt) {
  return {{"X-Everyseat-Signature", WebhookSignature(delivery.secret, delivery.body)},
          {"X-Everyseat-Delivery", std::to_string(delivery.id.value)},
          {"X-Everyseat-Attempt", std::to_string(attempt)}};
}

// "https://host:port" of a URL, for the log (the path may carry a receiver's token).
std::string Origin(std::string_view url_text) {
  auto url = ParseWebhookUrl(url_text);
  if (!url) return "an invalid URL";
  const std::string host = IsIpv6Literal(url->host) ? "[" + url->host + "]" : url->host;
  return std::string(url->tls ? "https://" : "http://") + host + ":" + std::to_string(url->port);
}

void AppendJsonString(std::string& out, std::string_view text) {
  out.push_back('"');
  for (const char c : text) {
    switch (c) {
      case '"':
        out.append("\\\"");
        break;
      case '\\':
        out.append("\\\\");
        break;
      case '\n':
        out.append("\\n");
        break;
      case '\r':
        out.append("\\r");
        break;
      case '\t':
        out.append("\\t");
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char escaped[8];
          std::snprintf(escaped, sizeof escaped, "\\u%04x", static_cast<unsigned>(c));
          out.append(escaped);
        } else {
          out.push_back(c);
        }
    }
  }
  out.push_back('"');
}

std::string Rfc3339Now() {
  const auto now = std::chrono::system_clock::now();
  const auto millis = std::chrono::duration_cast<milliseconds>(now.time_since_epoch()).count();
  const std::time_t seconds = static_cast<std::time_t>(millis / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char buffer[40];
  const size_t length = std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%S", &utc);
  std::snprintf(buffer + length, sizeof buffer - length, ".%03dZ", static_cast<int>(millis % 1000));
  return buffer;
}

}  // namespace

tl::expected<WebhookUrl, std::string> ParseWebhookUrl(std::string_view text) {
  for (const char c : text) {
    if (static_cast<unsigned char>(c) <= 0x20 || static_cast<unsigned char>(c) >= 0x7f) {
      return tl::unexpected(
          std::string("the URL has a space, a control character or a non-ASCII character (percent-"
                      "encode it)"));
    }
  }
  WebhookUrl url;
  const size_t scheme_end = text.find("://");
  const std::string scheme =
      scheme_end == std::string_view::npos ? "" : LowerCopy(text.substr(0, scheme_end));
  if (scheme == "http") {
    url.tls = false;
  } else if (scheme == "https") {
    url.tls = true;
  } else {
    return tl::unexpected(std::string("the URL must start with http:// or https://"));
  }
  std::string_view rest = text.substr(scheme_end + 3);
  if (const size_t hash = rest.find('#'); hash != std::string_view::npos) {
    rest = rest.substr(0, hash);
  }
  const size_t authority_end = rest.find_first_of("/?");
  const std::string_view authority = rest.substr(0, authority_end);
  url.target =
      authority_end == std::string_view::npos ? "/" : std::string(rest.substr(authority_end));
  if (url.target.front() == '?') url.target.insert(0, "/");

  if (authority.find('@') != std::string_view::npos) {
    return tl::unexpected(std::string("the URL must not carry a user name or password"));
  }
  std::string_view host;
  std::string_view port;
  bool has_port = false;
  if (authority.starts_with("[")) {
    const size_t bracket = authority.find(']');
    if (bracket == std::string_view::npos) {
      return tl::unexpected(std::string("the URL's IPv6 address has no closing \"]\""));
    }
    host = authority.substr(1, bracket - 1);
    const std::string_view after = authority.substr(bracket + 1);
    if (!after.empty()) {
      if (after.front() != ':') {
        return tl::unexpected(std::string("the URL has text after its IPv6 address"));
      }
      has_port = true;
      port = after.substr(1);
    }
    url.host = LowerCopy(host);
    if (!IsIpv6Literal(url.host)) {
      return tl::unexpected("\"" + std::string(host) + "\" is not an IPv6 address");
    }
  } else {
    const size_t colon = authority.find(':');
    host = authority.substr(0, colon);
    if (colon != std::string_view::npos) {
      has_port = true;
      port = authority.substr(colon + 1);
    }
    if (host.empty()) return tl::unexpected(std::string("the URL has no host"));
    for (const char c : host) {
      const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || IsDigit(c) || c == '-' ||
                      c == '.' || c == '_';
      if (!ok) {
        return tl::unexpected("the URL's host \"" + std::string(host) + "\" has a character (\"" +
                              std::string(1, c) + "\") not allowed in a host name");
      }
    }
    url.host = LowerCopy(host);
  }
  if (url.host.empty()) return tl::unexpected(std::string("the URL has no host"));

  url.port = url.tls ? 443 : 80;
  if (has_port && !port.empty()) {
    int64_t value = 0;
    for (const char c : port) {
      if (!IsDigit(c) || value > 65535) {
        value = -1;
        break;
      }
      value = value * 10 + (c - '0');
    }
    if (value < 1 || value > 65535) {
      return tl::unexpected(std::string("the URL's port must be a number from 1 to 65535"));
    }
    url.port = static_cast<uint16_t>(value);
  }
  return url;
}

WebhookResponse PostJson(std::string_view url, std::string_view body,
                         const std::vector<std::pair<std::string, std::string>>& headers,
                         milliseconds timeout) {
  return Post(url, body, headers, timeout, -1);
}

std::string WebhookSignature(std::string_view secret, std::string_view body) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(body.data()), body.size(), digest, &length);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "sha256=";
  for (unsigned int i = 0; i < length; ++i) {
    out.push_back(kHex[digest[i] >> 4]);
    out.push_back(kHex[digest[i] & 0x0f]);
  }
  return out;
}

WebhookResponse SendWebhook(const domain::WebhookDelivery& delivery, int attempt,
                            milliseconds timeout) {
  return Post(delivery.url, delivery.body, DeliveryHeaders(delivery, attempt), timeout, -1);
}

int64_t WebhookRetryDelaySeconds(const WebhookDispatcherOptions& options, int attempt) {
  const double first = static_cast<double>(std::max<int64_t>(options.first_retry.count(), 0));
  const double cap = static_cast<double>(std::max<int64_t>(options.max_retry.count(), 0));
  const double factor = std::pow(std::max(options.backoff, 1.0), std::max(attempt - 1, 0));
  const double ms = std::min(first * factor, cap);  // inf (a large power) is capped here
  const double seconds = std::ceil(ms / 1000.0);
  return std::max<int64_t>(1, static_cast<int64_t>(seconds));
}

WebhookDispatcher::WebhookDispatcher(OpenStore open_store, WebhookDispatcherOptions options)
    : open_store_(std::move(open_store)), options_(std::move(options)) {
  if (pipe2(cancel_pipe_, O_CLOEXEC | O_NONBLOCK) != 0) {
    cancel_pipe_[0] = cancel_pipe_[1] = -1;  // Stop then waits for a POST in flight to end
  }
}

WebhookDispatcher::~WebhookDispatcher() {
  Stop();
  for (const int fd : cancel_pipe_) {
    if (fd >= 0) close(fd);
  }
}

void WebhookDispatcher::Start() {
  thread_ = std::thread([this] { Run(); });
}

void WebhookDispatcher::Wake() {
  {
    const std::lock_guard lock(mutex_);
    woken_ = true;
  }
  wake_.notify_one();
}

void WebhookDispatcher::Stop() {
  {
    const std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  cancel_.store(true);
  if (cancel_pipe_[1] >= 0) {
    const char byte = 0;
    while (write(cancel_pipe_[1], &byte, 1) < 0 && errno == EINTR) {
    }
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
}

int64_t WebhookDispatcher::Now() const {
  return options_.clock ? options_.clock() : static_cast<int64_t>(std::time(nullptr));
}

void WebhookDispatcher::Log(std::string_view level, std::string_view message, int64_t delivery,
                            int attempt) const {
  if (!options_.log) return;
  std::string line = "{\"time\":\"" + Rfc3339Now() + "\",\"level\":";
  AppendJsonString(line, level);
  line.append(",\"message\":");
  AppendJsonString(line, message);
  if (delivery > 0) line.append(",\"delivery\":").append(std::to_string(delivery));
  if (attempt > 0) line.append(",\"attempt\":").append(std::to_string(attempt));
  line.push_back('}');
  options_.log(line);
}

bool WebhookDispatcher::Sleep(milliseconds wait) {
  std::unique_lock lock(mutex_);
  wake_.wait_for(lock, wait, [this] { return woken_ || stopping_; });
  return !stopping_;
}

void WebhookDispatcher::Run() {
  std::unique_ptr<store::Store> store;
  const int batch = std::max(options_.batch, 1);
  while (true) {
    {
      const std::lock_guard lock(mutex_);
      if (stopping_) return;
      woken_ = false;  // a Wake from here on makes another round
    }
    if (!store) {
      auto opened = open_store_();
      if (!opened) {
        Log("error", "webhook dispatcher: cannot open the store: " + opened.error().message, 0, 0);
        if (!Sleep(options_.poll_interval)) return;
        continue;
      }
      store = std::move(*opened);
    }
    auto claimed = store->ClaimDeliveries(Now(), batch, options_.lease_seconds);
    if (!claimed) {
      Log("error", "webhook dispatcher: cannot claim deliveries: " + claimed.error().message, 0, 0);
      if (claimed.error().code == store::StoreErrorCode::kUnavailable) store.reset();
      if (!Sleep(options_.poll_interval)) return;
      continue;
    }
    bool store_failed = false;
    for (const domain::WebhookDelivery& delivery : *claimed) {
      if (cancel_.load()) return;  // the rest are claimed again when their leases run out
      auto recorded = Deliver(*store, delivery);
      if (!recorded && (recorded.error().code == store::StoreErrorCode::kConflict ||
                        recorded.error().code == store::StoreErrorCode::kNotFound)) {
        // The delivery changed meanwhile (its webhook was removed, say): nothing to record.
        Log("warning", "webhook dispatcher: attempt not recorded: " + recorded.error().message,
            delivery.id.value, delivery.attempts + 1);
        continue;
      }
      if (!recorded) {
        Log("error",
            "webhook dispatcher: cannot record a delivery attempt: " + recorded.error().message,
            delivery.id.value, delivery.attempts + 1);
        if (recorded.error().code == store::StoreErrorCode::kUnavailable) store.reset();
        store_failed = true;
        break;
      }
    }
    if (store_failed || claimed->size() < static_cast<size_t>(batch)) {
      if (!Sleep(options_.poll_interval)) return;
    }
  }
}

store::Result<void> WebhookDispatcher::Deliver(store::Store& store,
                                               const domain::WebhookDelivery& delivery) {
  const int attempt = delivery.attempts + 1;
  const int max_attempts = std::max(options_.max_attempts, 1);
  const bool valid_url = ParseWebhookUrl(delivery.url).has_value();
  const WebhookResponse response =
      Post(delivery.url, delivery.body, DeliveryHeaders(delivery, attempt), options_.timeout,
           cancel_pipe_[0]);
  if (cancel_.load() && !response.ok) return {};  // interrupted: left to its lease, unrecorded
  if (response.ok) return store.RecordDeliveryAttempt(delivery.id, true, "", std::nullopt);

  std::optional<int64_t> retry_at;
  std::string message =
      "webhook delivery to " + Origin(delivery.url) + " failed (" + response.error + "); ";
  if (valid_url && attempt < max_attempts) {
    const int64_t delay = WebhookRetryDelaySeconds(options_, attempt);
    retry_at = Now() + delay;
    message += "next attempt in " + std::to_string(delay) + " s";
  } else {
    message += valid_url ? "giving up after " + std::to_string(attempt) + " attempts"
                         : "giving up: the URL cannot be used";
  }
  Log(retry_at ? "warning" : "error", message, delivery.id.value, attempt);
  return store.RecordDeliveryAttempt(delivery.id, false, response.error, retry_at);
}

}  // namespace everyseat::server
