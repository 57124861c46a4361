// A small blocking HTTP/1.1 client over plain POSIX sockets, for the server tests: connects to
// 127.0.0.1, sends raw bytes or whole requests, reads responses (Content-Length, or to the end of
// the connection) and Server-Sent Events frames. Every read waits at most `timeout`.
// Thread-safety: one client per thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace everyseat::server::testing {

struct HttpResponse {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  // The first header with this name (case-insensitive).
  [[nodiscard]] std::optional<std::string> Header(std::string_view name) const;
};

// One Server-Sent Events frame; fields absent from the frame stay empty.
struct SseFrame {
  std::string id;
  std::string event;
  std::string data;
  std::string comment;  // text after ':' on comment lines
  std::string retry;
};

class HttpClient {
 public:
  explicit HttpClient(uint16_t port,
                      std::chrono::milliseconds timeout = std::chrono::milliseconds(5000));
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  [[nodiscard]] bool connected() const { return fd_ >= 0; }
  // Sends every byte; false on error.
  bool Send(std::string_view bytes);
  // Sends a request (Host, and Content-Length when there is a body or the method is POST/PUT/
  // PATCH, are added) and reads the response.
  std::optional<HttpResponse> Request(
      std::string_view method, std::string_view target, std::string_view body = {},
      const std::vector<std::pair<std::string, std::string>>& headers = {});
  // Reads one response; nullopt on timeout, close before a whole response, or garbage.
  std::optional<HttpResponse> ReadResponse();
  // Reads the head of a streaming response (status and headers, no body).
  std::optional<HttpResponse> ReadHead();
  // The next SSE frame (a block ending in a blank line); nullopt on timeout or close.
  std::optional<SseFrame> ReadFrame();
  // The next SSE frame that carries an event (skips comments and retry-only frames).
  std::optional<SseFrame> ReadEvent();
  // True when the server closes the connection (EOF or reset) within `limit`; bytes that arrive
  // before are discarded.
  bool WaitForClose(std::chrono::milliseconds limit);
  void Close();

 private:
  // Appends what arrives to buffer_; false on timeout, close or error.
  bool Fill(std::chrono::milliseconds limit);
  std::optional<std::string> ReadUntil(std::string_view marker);

  int fd_ = -1;
  std::chrono::milliseconds timeout_;
  std::string buffer_;
};

}  // namespace everyseat::server::testing
