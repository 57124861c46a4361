// The system tests' server process and shared helpers (serve_process.h).
#include "serve_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <thread>

#include "everyseat/domain/secrets.h"
#include "everyseat/store/store.h"

namespace everyseat::system_testing {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

namespace {

std::string ReadWhole(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

ServeProcess::ServeProcess(std::string db_url, std::vector<std::string> extra_args)
    : db_url_(std::move(db_url)), extra_args_(std::move(extra_args)) {
  std::string pattern =
      (std::filesystem::temp_directory_path() / "everyseat-serve-stderr-XXXXXX").string();
  const int fd = ::mkstemp(pattern.data());
  if (fd >= 0) {
    ::close(fd);
    stderr_path_ = pattern;
  }
}

ServeProcess::~ServeProcess() {
  Kill();
  if (!stderr_path_.empty()) ::unlink(stderr_path_.c_str());
}

bool ServeProcess::Start(std::chrono::milliseconds limit) {
  Kill();
  error_.clear();
  port_ = 0;
  // Everything the child needs is made before fork: after it, only async-signal-safe calls.
  std::vector<std::string> args = {EVERYSEAT_BINARY, "serve",       "--db",           db_url_,
                                   "--listen",       "127.0.0.1:0", "--no-access-log"};
  args.insert(args.end(), extra_args_.begin(), extra_args_.end());
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  const int err_fd = stderr_path_.empty() ? ::open("/dev/null", O_WRONLY | O_CLOEXEC)
                                          : ::open(stderr_path_.c_str(),
                                                   O_WRONLY | O_TRUNC | O_CREAT | O_CLOEXEC, 0600);
  const int null_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  int out[2];
  if (err_fd < 0 || null_fd < 0 || ::pipe2(out, O_CLOEXEC) != 0) {
    error_ = "cannot make the child's pipes";
    if (err_fd >= 0) ::close(err_fd);
    if (null_fd >= 0) ::close(null_fd);
    return false;
  }
  const pid_t parent = ::getpid();
  const pid_t child = ::fork();
  if (child == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(126);
    ::dup2(null_fd, STDIN_FILENO);
    ::dup2(out[1], STDOUT_FILENO);
    ::dup2(err_fd, STDERR_FILENO);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  ::close(out[1]);
  ::close(err_fd);
  ::close(null_fd);
  if (child < 0) {
    ::close(out[0]);
    error_ = "fork failed";
    return false;
  }
  pid_ = child;
  stdout_fd_ = out[0];

  // Read standard output up to the end of the "listening on" line.
  std::string line;
  const auto deadline = Clock::now() + limit;
  while (line.find('\n') == std::string::npos) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) {
      error_ = "no \"listening on\" line within " + std::to_string(limit.count()) + " ms";
      break;
    }
    pollfd poll_fd{stdout_fd_, POLLIN, 0};
    const int ready = ::poll(&poll_fd, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) continue;
    char chunk[512];
    const ssize_t got = ::read(stdout_fd_, chunk, sizeof chunk);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) {
      error_ = "the server closed its standard output before listening";
      break;
    }
    line.append(chunk, static_cast<size_t>(got));
  }
  constexpr std::string_view kPrefix = "listening on http://127.0.0.1:";
  if (error_.empty()) {
    if (line.starts_with(kPrefix)) {
      port_ = static_cast<uint16_t>(std::atoi(line.c_str() + kPrefix.size()));
    }
    if (port_ == 0) error_ = "unexpected first line: " + line;
  }
  if (!error_.empty()) {
    Kill();
    error_ += "; standard error: " + Stderr();
    return false;
  }
  return true;
}

void ServeProcess::Reap(bool block) {
  if (pid_ <= 0) return;
  int status = 0;
  pid_t got = 0;
  do {
    got = ::waitpid(pid_, &status, block ? 0 : WNOHANG);
  } while (got < 0 && errno == EINTR);
  if (got == pid_ || got < 0) {
    pid_ = -1;
    if (stdout_fd_ >= 0) ::close(stdout_fd_);
    stdout_fd_ = -1;
  }
}

void ServeProcess::Kill() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  Reap(true);
}

bool ServeProcess::Running() {
  Reap(false);
  return pid_ > 0;
}

int ServeProcess::Terminate(std::chrono::milliseconds limit) {
  if (pid_ <= 0) return -1;
  ::kill(pid_, SIGTERM);
  const auto deadline = Clock::now() + limit;
  while (Clock::now() < deadline) {
    int status = 0;
    const pid_t got = ::waitpid(pid_, &status, WNOHANG);
    if (got == pid_) {
      pid_ = -1;
      if (stdout_fd_ >= 0) ::close(stdout_fd_);
      stdout_fd_ = -1;
      return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    std::this_thread::sleep_for(5ms);
  }
  Kill();
  return -1;
}

std::string ServeProcess::Stderr(size_t max_bytes) const {
  if (stderr_path_.empty()) return {};
  std::string text = ReadWhole(stderr_path_);
  if (text.size() > max_bytes) text = "..." + text.substr(text.size() - max_bytes);
  return text;
}

// --- Calls over HTTP.

Reply Call(uint16_t port, const Who& who, const std::string& method, const std::string& target,
           const std::string& body, std::chrono::milliseconds timeout) {
  std::vector<std::pair<std::string, std::string>> headers;
  if (!who.cookie.empty()) {
    headers.emplace_back("Cookie", "everyseat_session=" + who.cookie);
    if (!who.csrf.empty()) headers.emplace_back("X-CSRF-Token", who.csrf);
  }
  if (!who.bearer.empty()) headers.emplace_back("Authorization", "Bearer " + who.bearer);
  if (!body.empty()) headers.emplace_back("Content-Type", "application/json");
  Reply reply;
  server::testing::HttpClient client(port, timeout);
  if (!client.connected()) return reply;
  auto response = client.Request(method, target, body, headers);
  if (!response) return reply;
  reply.status = response->status;
  reply.text = response->body;
  reply.body = nlohmann::json::parse(response->body, nullptr, false);
  if (reply.body.is_discarded()) reply.body = nullptr;
  reply.raw = std::move(*response);
  return reply;
}

std::optional<Who> SignIn(uint16_t port, const std::string& email, const std::string& password) {
  const Reply reply = Call(port, Who{}, "POST", "/api/v1/session",
                           nlohmann::json{{"email", email}, {"password", password}}.dump());
  if (reply.status != 201 || !reply.body.is_object()) return std::nullopt;
  const std::string cookie = reply.raw.Header("Set-Cookie").value_or("");
  const size_t eq = cookie.find('=');
  const size_t semicolon = cookie.find(';');
  if (eq == std::string::npos || semicolon == std::string::npos || semicolon < eq) {
    return std::nullopt;
  }
  Who who;
  who.cookie = cookie.substr(eq + 1, semicolon - eq - 1);
  who.csrf = reply.body.value("csrf_token", "");
  return who;
}

std::unique_ptr<server::testing::HttpClient> Subscribe(uint16_t port, const Who& who,
                                                       const std::string& query,
                                                       std::chrono::milliseconds timeout) {
  auto client = std::make_unique<server::testing::HttpClient>(port, timeout);
  if (!client->connected()) return nullptr;
  std::string request = "GET /api/v1/events" + query + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
  if (!who.cookie.empty()) request += "Cookie: everyseat_session=" + who.cookie + "\r\n";
  if (!who.bearer.empty()) request += "Authorization: Bearer " + who.bearer + "\r\n";
  request += "\r\n";
  if (!client->Send(request)) return nullptr;
  // The server subscribes the stream to its event hub before it sends the head. Reads wait
  // `timeout` each (it may be short, for polling the stream later): try for 10 s in all.
  const auto give_up = Clock::now() + 10s;
  std::optional<server::testing::HttpResponse> head;
  while (!head && Clock::now() < give_up) head = client->ReadHead();
  if (!head || head->status != 200) return nullptr;
  return client;
}

std::string MeasurePath(domain::MeasureId id, const std::string& rest) {
  return "/api/v1/measures/" + std::to_string(id.value) + rest;
}

std::string Day(int day) {
  // Civil date from days since 1970-01-01 (H. Hinnant's algorithm); 2024-01-01 is day 19723.
  int64_t z = 19723 + static_cast<int64_t>(day) + 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int64_t d = doy - (153 * mp + 2) / 5 + 1;
  const int64_t m = mp < 10 ? mp + 3 : mp - 9;
  const int64_t y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  char text[48];
  std::snprintf(text, sizeof text, "%04d-%02d-%02d", static_cast<int>(y), static_cast<int>(m),
                static_cast<int>(d));
  return text;
}

// --- Seeding.

std::string SpreadIds(const store::testing::TestDatabase& db) {
  if (db.engine() != "postgresql") return {};
  {
    auto opened = store::Store::Open(db.url(), store::Durability::kNormal);  // makes the tables
    if (!opened) return "open: " + opened.error().message;
  }
  std::random_device random;
  const int64_t base = 1'000'000 + static_cast<int64_t>(random() % 1'000'000) * 1000;
  int64_t next = base;
  for (const char* table : {"organisations", "teams", "people", "measures", "api_tokens"}) {
    const auto result = db.Query("ALTER TABLE " + std::string(table) +
                                 " ALTER COLUMN id RESTART WITH " + std::to_string(next));
    if (!result.empty() && result.front().starts_with("ERROR")) return result.front();
    next += 100;
  }
  return {};
}

std::pair<std::optional<Seeded>, std::string> Seed(const std::string& db_url, int measures) {
  auto opened = store::Store::Open(db_url, store::Durability::kNormal);
  if (!opened) return {std::nullopt, "open: " + opened.error().message};
  store::Store& s = **opened;
  const domain::Actor seed = domain::Actor::System("system test seed");
  Seeded out;
  auto org = s.CreateOrganisation(seed, "System Trust");
  if (!org) return {std::nullopt, "organisation: " + org.error().message};
  out.org = org->id;
  auto team = s.CreateTeam(seed, out.org, std::nullopt, "Ward 7");
  if (!team) return {std::nullopt, "team: " + team.error().message};
  out.team = team->id;
  domain::Person p;
  p.org = out.org;
  p.name = "Nia Nurse";
  p.email = kEmail;
  p.job_title = "Staff nurse";
  auto person = s.CreatePerson(seed, p);
  if (!person) return {std::nullopt, "person: " + person.error().message};
  out.person = person->id;
  auto hash = domain::HashPassword(kPassword);
  if (!hash) return {std::nullopt, "cannot hash the password"};
  if (auto set = s.SetPasswordHash(seed, out.org, out.person, *hash); !set) {
    return {std::nullopt, "password: " + set.error().message};
  }
  if (auto member =
          s.SetMembership(seed, out.org, {out.person, out.team, domain::TeamRole::kMember});
      !member) {
    return {std::nullopt, "membership: " + member.error().message};
  }
  for (int i = 0; i < measures; ++i) {
    domain::Measure m;
    m.org = out.org;
    m.team = out.team;
    m.name = "Observations on time " + std::to_string(i + 1);
    m.definition = "Observations done on time";
    m.unit = "observations";
    m.chart = spc::Chart::kI;
    m.direction = spc::Direction::kIncrease;
    m.frequency = domain::Frequency::kDaily;
    auto measure = s.CreateMeasure(seed, m);
    if (!measure) return {std::nullopt, "measure: " + measure.error().message};
    out.measures.push_back(measure->id);
  }
  auto token = s.IssueApiToken(seed, out.org, out.team, "system feed", std::nullopt);
  if (!token) return {std::nullopt, "token: " + token.error().message};
  out.token = token->secret;
  return {std::move(out), ""};
}

}  // namespace everyseat::system_testing
