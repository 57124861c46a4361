// The tests' webhook receiver and self-signed certificates (see webhook_receiver.h).
#include "webhook_receiver.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <signal.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

namespace everyseat::server::testing {
namespace {

char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool EqualsIgnoringCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(),
                                            [](char x, char y) { return Lower(x) == Lower(y); });
}

constexpr size_t kMaxRequestBytes = 8 << 20;

// Blocking reads and writes on one accepted connection, plain or TLS.
class Peer {
 public:
  Peer(int fd, SSL_CTX* tls) : fd_(fd) {
    const timeval limit{5, 0};  // a stuck test fails instead of hanging
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
    setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &limit, sizeof limit);
    if (tls != nullptr) {
      ssl_ = SSL_new(tls);
      SSL_set_fd(ssl_, fd_);
      if (SSL_accept(ssl_) != 1) failed_ = true;
    }
  }
  ~Peer() {
    if (ssl_ != nullptr) SSL_free(ssl_);
    close(fd_);
  }
  Peer(const Peer&) = delete;
  Peer& operator=(const Peer&) = delete;

  [[nodiscard]] bool failed() const { return failed_; }
  [[nodiscard]] int fd() const { return fd_; }

  // Bytes read (0 at the end or on error).
  size_t Read(char* out, size_t size) {
    if (ssl_ != nullptr) {
      const int n = SSL_read(ssl_, out, static_cast<int>(size));
      return n > 0 ? static_cast<size_t>(n) : 0;
    }
    while (true) {
      const ssize_t n = recv(fd_, out, size, 0);
      if (n < 0 && errno == EINTR) continue;
      return n > 0 ? static_cast<size_t>(n) : 0;
    }
  }

  bool Write(std::string_view data) {
    while (!data.empty()) {
      if (ssl_ != nullptr) {
        const int n = SSL_write(ssl_, data.data(), static_cast<int>(data.size()));
        if (n <= 0) return false;
        data.remove_prefix(static_cast<size_t>(n));
      } else {
        const ssize_t n = send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        data.remove_prefix(static_cast<size_t>(n));
      }
    }
    return true;
  }

 private:
  int fd_;
  SSL* ssl_ = nullptr;
  bool failed_ = false;
};

// Reads one request; nullopt when the connection ends first.
std::optional<ReceivedRequest> ReadRequest(Peer& peer) {
  std::string data;
  char buffer[16 * 1024];
  size_t head_end = std::string::npos;
  while ((head_end = data.find("\r\n\r\n")) == std::string::npos) {
    const size_t n = peer.Read(buffer, sizeof buffer);
    if (n == 0 || data.size() > kMaxRequestBytes) return std::nullopt;
    data.append(buffer, n);
  }
  ReceivedRequest request;
  const std::string_view head = std::string_view(data).substr(0, head_end);
  size_t line_end = head.find("\r\n");
  const std::string_view request_line = head.substr(0, line_end);
  const size_t space1 = request_line.find(' ');
  const size_t space2 = request_line.rfind(' ');
  if (space1 == std::string_view::npos || space2 == space1) return std::nullopt;
  request.method = std::string(request_line.substr(0, space1));
  request.target = std::string(request_line.substr(space1 + 1, space2 - space1 - 1));
  size_t content_length = 0;
  while (line_end != std::string_view::npos) {
    const size_t start = line_end + 2;
    line_end = head.find("\r\n", start);
    const std::string_view line = head.substr(start, line_end - start);
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    request.headers.emplace_back(std::string(line.substr(0, colon)), std::string(value));
    if (EqualsIgnoringCase(line.substr(0, colon), "content-length")) {
      content_length = static_cast<size_t>(std::stoull(std::string(value)));
    }
  }
  request.body = data.substr(head_end + 4);
  while (request.body.size() < content_length) {
    const size_t n =
        peer.Read(buffer, std::min(sizeof buffer, content_length - request.body.size()));
    if (n == 0) return std::nullopt;
    request.body.append(buffer, n);
  }
  return request;
}

std::string Answer(int status, size_t body_bytes) {
  return "HTTP/1.1 " + std::to_string(status) +
         " Scripted\r\nContent-Length: " + std::to_string(body_bytes) +
         "\r\nConnection: close\r\n\r\n" + std::string(body_bytes, 'x');
}

}  // namespace

std::optional<std::string> ReceivedRequest::Header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (EqualsIgnoringCase(key, name)) return value;
  }
  return std::nullopt;
}

TestCertificate::TestCertificate(const std::string& san) {
  key_ = EVP_EC_gen("P-256");
  cert_ = X509_new();
  if (key_ == nullptr || cert_ == nullptr) return;
  static int serial = 1;
  X509_set_version(cert_, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert_), serial++);
  X509_gmtime_adj(X509_getm_notBefore(cert_), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert_), 24 * 3600);
  X509_set_pubkey(cert_, key_);
  X509_NAME* name = X509_get_subject_name(cert_);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("everyseat test receiver"), -1,
                             -1, 0);
  X509_set_issuer_name(cert_, name);
  X509V3_CTX context;
  X509V3_set_ctx_nodb(&context);
  X509V3_set_ctx(&context, cert_, cert_, nullptr, nullptr, 0);
  X509_EXTENSION* extension =
      X509V3_EXT_conf_nid(nullptr, &context, NID_subject_alt_name, san.c_str());
  const bool signed_ok = extension != nullptr && X509_add_ext(cert_, extension, -1) == 1 &&
                         X509_sign(cert_, key_, EVP_sha256()) > 0;
  X509_EXTENSION_free(extension);
  if (!signed_ok) {
    X509_free(cert_);
    cert_ = nullptr;
  }
}

TestCertificate::~TestCertificate() {
  X509_free(cert_);
  EVP_PKEY_free(key_);
}

bool TestCertificate::WritePem(const std::string& path) const {
  FILE* file = std::fopen(path.c_str(), "w");
  if (file == nullptr) return false;
  const bool ok = PEM_write_X509(file, cert_) == 1;
  return std::fclose(file) == 0 && ok;
}

SSL_CTX* TestCertificate::NewServerContext() const {
  SSL_CTX* context = SSL_CTX_new(TLS_server_method());
  if (context == nullptr) return nullptr;
  if (SSL_CTX_use_certificate(context, cert_) != 1 || SSL_CTX_use_PrivateKey(context, key_) != 1) {
    SSL_CTX_free(context);
    return nullptr;
  }
  return context;
}

WebhookReceiver::WebhookReceiver(std::vector<Reply> script, int family, SSL_CTX* tls)
    : script_(std::move(script)), family_(family), tls_(tls) {
  if (script_.empty()) script_.push_back(Reply{});
  if (pipe2(stop_pipe_, O_CLOEXEC) != 0) return;
  const int fd = socket(family_, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return;
  const int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_storage address{};
  socklen_t length = 0;
  if (family_ == AF_INET6) {
    auto* v6 = reinterpret_cast<sockaddr_in6*>(&address);
    v6->sin6_family = AF_INET6;
    v6->sin6_addr = in6addr_loopback;
    length = sizeof(sockaddr_in6);
  } else {
    auto* v4 = reinterpret_cast<sockaddr_in*>(&address);
    v4->sin_family = AF_INET;
    v4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    length = sizeof(sockaddr_in);
  }
  if (bind(fd, reinterpret_cast<sockaddr*>(&address), length) != 0 || listen(fd, 16) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    close(fd);
    return;
  }
  port_ = ntohs(family_ == AF_INET6 ? reinterpret_cast<sockaddr_in6*>(&address)->sin6_port
                                    : reinterpret_cast<sockaddr_in*>(&address)->sin_port);
  listen_fd_ = fd;
  acceptor_ = std::thread([this] { AcceptLoop(); });
}

WebhookReceiver::~WebhookReceiver() {
  if (stop_pipe_[1] >= 0) {
    const char byte = 0;
    [[maybe_unused]] const ssize_t written = write(stop_pipe_[1], &byte, 1);
  }
  if (acceptor_.joinable()) acceptor_.join();
  std::vector<std::thread> servers;
  {
    const std::lock_guard lock(mutex_);
    servers.swap(servers_);
  }
  for (std::thread& server : servers) server.join();
  if (listen_fd_ >= 0) close(listen_fd_);
  for (const int fd : stop_pipe_) {
    if (fd >= 0) close(fd);
  }
}

std::string WebhookReceiver::Url(std::string_view path) const {
  const std::string host = family_ == AF_INET6 ? "[::1]" : "127.0.0.1";
  return std::string(tls_ != nullptr ? "https://" : "http://") + host + ":" +
         std::to_string(port_) + std::string(path);
}

std::vector<ReceivedRequest> WebhookReceiver::requests() const {
  const std::lock_guard lock(mutex_);
  return requests_;
}

bool WebhookReceiver::WaitForRequests(size_t count, std::chrono::milliseconds limit) const {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, limit, [&] { return requests_.size() >= count; });
}

size_t WebhookReceiver::connections() const {
  const std::lock_guard lock(mutex_);
  return accepted_;
}

void WebhookReceiver::AcceptLoop() {
  while (true) {
    pollfd fds[2] = {{listen_fd_, POLLIN, 0}, {stop_pipe_[0], POLLIN, 0}};
    if (poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      return;
    }
    if (fds[1].revents != 0) return;
    const int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    const std::lock_guard lock(mutex_);
    const Reply reply = script_[std::min(accepted_, script_.size() - 1)];
    ++accepted_;
    servers_.emplace_back([this, fd, reply] { Serve(fd, reply); });
  }
}

void WebhookReceiver::Serve(int fd, Reply reply) {
  // OpenSSL writes with write(2): a client that hangs up must not kill the test with SIGPIPE
  // (a thread-directed SIGPIPE left pending here is discarded when the thread ends).
  sigset_t pipe_only;
  sigemptyset(&pipe_only);
  sigaddset(&pipe_only, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &pipe_only, nullptr);

  Peer peer(fd, tls_);
  if (peer.failed() || reply.kind == Reply::Kind::kCloseAtOnce) return;
  std::optional<ReceivedRequest> request = ReadRequest(peer);
  if (!request) return;
  {
    const std::lock_guard lock(mutex_);
    requests_.push_back(std::move(*request));
  }
  changed_.notify_all();
  switch (reply.kind) {
    case Reply::Kind::kAnswer:
      peer.Write(Answer(reply.status, reply.body_bytes));
      break;
    case Reply::Kind::kNeverAnswer: {
      // Until the receiver stops or the client hangs up.
      pollfd fds[2] = {{peer.fd(), POLLIN, 0}, {stop_pipe_[0], POLLIN, 0}};
      while (poll(fds, 2, -1) < 0 && errno == EINTR) {
      }
      break;
    }
    case Reply::Kind::kCloseWithoutReply:
    case Reply::Kind::kCloseAtOnce:
      break;
    case Reply::Kind::kGarbage:
      peer.Write("hello, this is not HTTP\r\n\r\n");
      break;
    case Reply::Kind::kInterimThenAnswer:
      peer.Write("HTTP/1.1 100 Continue\r\n\r\n" + Answer(reply.status, reply.body_bytes));
      break;
  }
}

uint16_t UnusedPort() {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  uint16_t port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&address), length) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0) {
    port = ntohs(address.sin_port);
  }
  close(fd);
  return port;
}

}  // namespace everyseat::server::testing
