// The tests' blocking HTTP client (see http_client.h).
#include "http_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <string>

namespace everyseat::server::testing {
namespace {

char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool EqualsIgnoringCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (Lower(a[i]) != Lower(b[i])) return false;
  }
  return true;
}

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r')) {
    text.remove_suffix(1);
  }
  return text;
}

// Parses "HTTP/1.1 200 OK\r\nName: value\r\n...\r\n\r\n".
std::optional<HttpResponse> ParseHead(std::string_view head) {
  HttpResponse response;
  size_t line_end = head.find("\r\n");
  const std::string_view status_line = head.substr(0, line_end);
  if (!status_line.starts_with("HTTP/1.") || status_line.size() < 12) return std::nullopt;
  response.status = std::atoi(std::string(status_line.substr(9, 3)).c_str());
  while (line_end != std::string_view::npos) {
    const size_t start = line_end + 2;
    line_end = head.find("\r\n", start);
    const std::string_view line = head.substr(start, line_end - start);
    if (line.empty()) break;
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos) return std::nullopt;
    response.headers.emplace_back(std::string(line.substr(0, colon)),
                                  std::string(Trim(line.substr(colon + 1))));
  }
  return response;
}

}  // namespace

std::optional<std::string> HttpResponse::Header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (EqualsIgnoringCase(key, name)) return value;
  }
  return std::nullopt;
}

HttpClient::HttpClient(uint16_t port, std::chrono::milliseconds timeout) : timeout_(timeout) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
    ::close(fd);
    return;
  }
  const int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  fd_ = fd;
}

HttpClient::~HttpClient() { Close(); }

void HttpClient::Close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

bool HttpClient::Send(std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t sent = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (sent < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    bytes.remove_prefix(static_cast<size_t>(sent));
  }
  return true;
}

bool HttpClient::Fill(std::chrono::milliseconds limit) {
  if (fd_ < 0) return false;
  pollfd poll_fd{fd_, POLLIN, 0};
  int ready = 0;
  do {
    ready = ::poll(&poll_fd, 1, static_cast<int>(limit.count()));
  } while (ready < 0 && errno == EINTR);
  if (ready <= 0) return false;
  char chunk[16384];
  ssize_t received = 0;
  do {
    received = ::recv(fd_, chunk, sizeof chunk, 0);
  } while (received < 0 && errno == EINTR);
  if (received <= 0) return false;
  buffer_.append(chunk, static_cast<size_t>(received));
  return true;
}

std::optional<std::string> HttpClient::ReadUntil(std::string_view marker) {
  const auto deadline = std::chrono::steady_clock::now() + timeout_;
  for (;;) {
    if (const size_t at = buffer_.find(marker); at != std::string::npos) {
      std::string out = buffer_.substr(0, at + marker.size());
      buffer_.erase(0, at + marker.size());
      return out;
    }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0 || !Fill(left)) return std::nullopt;
  }
}

std::optional<HttpResponse> HttpClient::ReadHead() {
  auto head = ReadUntil("\r\n\r\n");
  if (!head) return std::nullopt;
  return ParseHead(*head);
}

std::optional<HttpResponse> HttpClient::ReadResponse() {
  for (;;) {
    auto response = ReadHead();
    if (!response) return std::nullopt;
    if (response->status >= 100 && response->status < 200) continue;  // 100 Continue
    if (const auto length = response->Header("Content-Length")) {
      const size_t size = static_cast<size_t>(std::strtoull(length->c_str(), nullptr, 10));
      const auto deadline = std::chrono::steady_clock::now() + timeout_;
      while (buffer_.size() < size) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0 || !Fill(left)) return std::nullopt;
      }
      response->body = buffer_.substr(0, size);
      buffer_.erase(0, size);
    } else {
      while (Fill(timeout_)) {
      }
      response->body = std::move(buffer_);
      buffer_.clear();
    }
    return response;
  }
}

std::optional<HttpResponse> HttpClient::Request(
    std::string_view method, std::string_view target, std::string_view body,
    const std::vector<std::pair<std::string, std::string>>& headers) {
  std::string request;
  request.append(method).append(" ").append(target).append(" HTTP/1.1\r\nHost: 127.0.0.1\r\n");
  for (const auto& [name, value] : headers)
    request.append(name).append(": ").append(value + "\r\n");
  if (!body.empty() || method == "POST" || method == "PUT" || method == "PATCH") {
    request.append("Content-Length: ").append(std::to_string(body.size())).append("\r\n");
  }
  request.append("\r\n").append(body);
  if (!Send(request)) return std::nullopt;
  if (method == "HEAD") {
    auto head = ReadHead();
    return head;
  }
  return ReadResponse();
}

std::optional<SseFrame> HttpClient::ReadFrame() {
  auto block = ReadUntil("\n\n");
  if (!block) return std::nullopt;
  SseFrame frame;
  std::string_view rest = *block;
  while (!rest.empty()) {
    const size_t newline = rest.find('\n');
    const std::string_view line = rest.substr(0, newline);
    rest.remove_prefix(newline + 1);
    if (line.empty()) continue;
    const size_t colon = line.find(':');
    const std::string_view name = line.substr(0, colon);
    std::string_view value =
        colon == std::string_view::npos ? std::string_view() : line.substr(colon + 1);
    if (value.starts_with(' ')) value.remove_prefix(1);
    if (name.empty()) {
      frame.comment = std::string(value);
    } else if (name == "id") {
      frame.id = std::string(value);
    } else if (name == "event") {
      frame.event = std::string(value);
    } else if (name == "data") {
      if (!frame.data.empty()) frame.data += '\n';
      frame.data += std::string(value);
    } else if (name == "retry") {
      frame.retry = std::string(value);
    }
  }
  return frame;
}

std::optional<SseFrame> HttpClient::ReadEvent() {
  for (;;) {
    auto frame = ReadFrame();
    if (!frame || !frame->event.empty() || !frame->data.empty()) return frame;
  }
}

bool HttpClient::WaitForClose(std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (fd_ >= 0) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd poll_fd{fd_, POLLIN, 0};
    const int ready = ::poll(&poll_fd, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) return false;
    char chunk[16384];
    const ssize_t received = ::recv(fd_, chunk, sizeof chunk, 0);
    if (received <= 0) return true;  // EOF, or reset
  }
  return true;
}

}  // namespace everyseat::server::testing
