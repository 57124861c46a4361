// server_example as a real process: it starts, serves, and on SIGTERM ends its event streams,
// drains and exits 0.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "http_client.h"
#include "test_server.h"

namespace everyseat::server {
namespace {

using namespace std::chrono_literals;
using testing::HttpClient;

class ExampleProcess {
 public:
  ExampleProcess() {
    int out[2];
    if (::pipe(out) != 0) return;
    pid_ = ::fork();
    if (pid_ == 0) {
      ::dup2(out[1], STDOUT_FILENO);
      ::close(out[0]);
      ::close(out[1]);
      ::execl(EVERYSEAT_SERVER_EXAMPLE, EVERYSEAT_SERVER_EXAMPLE, "--port", "0",
              static_cast<char*>(nullptr));
      std::_Exit(127);
    }
    ::close(out[1]);
    stdout_ = ::fdopen(out[0], "r");
    char line[256];
    if (stdout_ != nullptr && std::fgets(line, sizeof line, stdout_) != nullptr) {
      const std::string text = line;
      const size_t colon = text.rfind(':');
      if (text.starts_with("listening on http://") && colon != std::string::npos) {
        port_ = static_cast<uint16_t>(std::atoi(text.c_str() + colon + 1));
      }
    }
  }
  ~ExampleProcess() {
    if (pid_ > 0 && !reaped_) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
    if (stdout_ != nullptr) std::fclose(stdout_);
  }

  [[nodiscard]] uint16_t port() const { return port_; }
  bool Signal(int number) const { return ::kill(pid_, number) == 0; }
  // The exit status, or -1 if it has not exited within `limit`.
  int WaitForExit(std::chrono::milliseconds limit) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        reaped_ = true;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      }
      std::this_thread::sleep_for(10ms);
    }
    return -1;
  }

 private:
  pid_t pid_ = -1;
  FILE* stdout_ = nullptr;
  uint16_t port_ = 0;
  bool reaped_ = false;
};

TEST(ServerExample, ServesUntilSigtermThenEndsStreamsAndExitsZero) {
  ExampleProcess process;
  ASSERT_NE(process.port(), 0);
  HttpClient client(process.port());
  const auto health = client.Request("GET", "/api/v1/health");
  ASSERT_TRUE(health.has_value());
  EXPECT_EQ(health->status, 200);
  HttpClient stream(process.port());
  ASSERT_TRUE(stream.Send("GET /api/v1/events HTTP/1.1\r\nHost: x\r\n\r\n"));
  ASSERT_TRUE(stream.ReadHead().has_value());
  const auto echo = client.Request("POST", "/api/v1/echo", R"({"value": 1, "date": "2024-03-01"})",
                                   {{"Content-Type", "application/json"}});
  ASSERT_TRUE(echo.has_value());
  EXPECT_EQ(echo->status, 200);
  const auto event = stream.ReadEvent();
  ASSERT_TRUE(event.has_value());
  EXPECT_EQ(event->event, "echo");

  ASSERT_TRUE(process.Signal(SIGTERM));
  EXPECT_EQ(process.WaitForExit(5000ms), 0);
  EXPECT_TRUE(stream.WaitForClose(1000ms));
  EXPECT_TRUE(client.WaitForClose(1000ms));
}

TEST(ServerExample, StopsOnSigintToo) {
  ExampleProcess process;
  ASSERT_NE(process.port(), 0);
  ASSERT_TRUE(process.Signal(SIGINT));
  EXPECT_EQ(process.WaitForExit(5000ms), 0);
}

}  // namespace
}  // namespace everyseat::server
