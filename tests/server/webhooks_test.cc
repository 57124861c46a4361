// Webhook delivery (server/include/everyseat/server/webhooks.h) against real receivers on
// loopback (webhook_receiver.h): URL parsing, the signature, PostJson over plain HTTP and TLS with
// its failures (refused, timed out, not HTTP, oversized answers, a receiver hanging up), and the
// dispatcher over a real SQLite store's outbox (retries, giving up, Wake, Stop, reopening).
#include "everyseat/server/webhooks.h"

#include <gtest/gtest.h>
#include <sys/socket.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "webhook_receiver.h"

namespace everyseat::server {
namespace {

using std::chrono::milliseconds;
using testing::ReceivedRequest;
using testing::Reply;
using testing::TestCertificate;
using testing::UnusedPort;
using testing::WebhookReceiver;
using Kind = Reply::Kind;
using SteadyClock = std::chrono::steady_clock;

constexpr milliseconds kTimeout{2000};

// --- URLs

TEST(WebhookUrl, TakesDefaultPortAndPathFromAPlainHttpUrl) {
  auto url = ParseWebhookUrl("http://example.nhs.uk");
  ASSERT_TRUE(url) << url.error();
  EXPECT_EQ(*url, (WebhookUrl{false, "example.nhs.uk", 80, "/"}));
}

TEST(WebhookUrl, KeepsPortPathAndQueryAndDropsTheFragment) {
  auto url = ParseWebhookUrl("HTTPS://Hooks.Example.com:8443/a/b?x=1&y=%20#frag");
  ASSERT_TRUE(url) << url.error();
  EXPECT_EQ(*url, (WebhookUrl{true, "hooks.example.com", 8443, "/a/b?x=1&y=%20"}));
}

TEST(WebhookUrl, GivesAQueryWithoutPathTheRootPath) {
  auto url = ParseWebhookUrl("http://h.example?x=1");
  ASSERT_TRUE(url) << url.error();
  EXPECT_EQ(url->target, "/?x=1");
  auto empty_port = ParseWebhookUrl("https://h.example:/x");
  ASSERT_TRUE(empty_port) << empty_port.error();
  EXPECT_EQ(empty_port->port, 443);
}

TEST(WebhookUrl, ReadsIpv4AndIpv6Literals) {
  auto v4 = ParseWebhookUrl("http://127.0.0.1:9000/hook");
  ASSERT_TRUE(v4) << v4.error();
  EXPECT_EQ(*v4, (WebhookUrl{false, "127.0.0.1", 9000, "/hook"}));
  auto v6 = ParseWebhookUrl("http://[::1]:9000/hook");
  ASSERT_TRUE(v6) << v6.error();
  EXPECT_EQ(*v6, (WebhookUrl{false, "::1", 9000, "/hook"}));
  auto v6_default = ParseWebhookUrl("https://[2001:DB8::1]");
  ASSERT_TRUE(v6_default) << v6_default.error();
  EXPECT_EQ(*v6_default, (WebhookUrl{true, "2001:db8::1", 443, "/"}));
}

TEST(WebhookUrl, RefusesWhatItCannotUseWithAReason) {
  const struct {
    const char* url;
    const char* error;
  } cases[] = {
      {"ftp://example.com/", "the URL must start with http:// or https://"},
      {"example.com/hook", "the URL must start with http:// or https://"},
      {"", "the URL must start with http:// or https://"},
      {"http:///hook", "the URL has no host"},
      {"http://:8080/", "the URL has no host"},
      {"http://[]/", "\"\" is not an IPv6 address"},
      {"http://h.example:65536/", "the URL's port must be a number from 1 to 65535"},
      {"http://h.example:0/", "the URL's port must be a number from 1 to 65535"},
      {"http://h.example:99999999999999999999/", "the URL's port must be a number from 1 to 65535"},
      {"http://h.example:80a/", "the URL's port must be a number from 1 to 65535"},
      {"http://user:secret@h.example/", "the URL must not carry a user name or password"},
      {"http://[::1/", "the URL's IPv6 address has no closing \"]\""},
      {"http://[::1]x/", "the URL has text after its IPv6 address"},
      {"http://[not-v6]/", "\"not-v6\" is not an IPv6 address"},
      {"http://h.example/a b",
       "the URL has a space, a control character or a non-ASCII character (percent-encode it)"},
      {"http://h.example/\r\nX-Injected: 1",
       "the URL has a space, a control character or a non-ASCII character (percent-encode it)"},
      {"http://ex%41mple.com/",
       "the URL's host \"ex%41mple.com\" has a character (\"%\") not allowed in a host name"},
  };
  for (const auto& c : cases) {
    auto url = ParseWebhookUrl(c.url);
    ASSERT_FALSE(url) << c.url;
    EXPECT_EQ(url.error(), c.error) << c.url;
  }
}

// --- Signature and retry delays

TEST(WebhookSignature, IsTheHexHmacSha256OfTheBody) {
  // RFC 4231 section 4.3, test case 2.
  EXPECT_EQ(WebhookSignature("Jefe", "what do ya want for nothing?"),
            "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(WebhookRetryDelay, DoublesFromTheFirstRetryUpToTheCapInWholeSeconds) {
  WebhookDispatcherOptions options;  // 1 s, doubling, at most 15 minutes
  EXPECT_EQ(WebhookRetryDelaySeconds(options, 1), 1);
  EXPECT_EQ(WebhookRetryDelaySeconds(options, 2), 2);
  EXPECT_EQ(WebhookRetryDelaySeconds(options, 3), 4);
  EXPECT_EQ(WebhookRetryDelaySeconds(options, 7), 64);
  EXPECT_EQ(WebhookRetryDelaySeconds(options, 11), 900);
  EXPECT_EQ(WebhookRetryDelaySeconds(options, 5000), 900);  // no overflow
  options.first_retry = milliseconds(1500);
  EXPECT_EQ(WebhookRetryDelaySeconds(options, 1), 2);  // rounded up
  options.first_retry = milliseconds(0);
  EXPECT_EQ(WebhookRetryDelaySeconds(options, 1), 1);  // at least a second
}

// --- PostJson over plain HTTP

TEST(PostJson, SendsTheBodyByteForByteWithTheStandardAndExtraHeaders) {
  WebhookReceiver receiver({Reply{Kind::kAnswer, 200, 12}});
  ASSERT_TRUE(receiver.ok());
  const std::string body = "{\"message\":\"Falls \xE2\x80\x94 special cause\",\"n\":[1,2,3]}\n";
  const WebhookResponse response =
      PostJson(receiver.Url("/hooks/ward-1?x=1"), body, {{"X-Test", "yes"}}, kTimeout);
  EXPECT_TRUE(response.ok) << response.error;
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.error, "");
  ASSERT_TRUE(receiver.WaitForRequests(1, kTimeout));
  const ReceivedRequest request = receiver.requests().at(0);
  EXPECT_EQ(request.method, "POST");
  EXPECT_EQ(request.target, "/hooks/ward-1?x=1");
  EXPECT_EQ(request.body, body);
  EXPECT_EQ(request.Header("Host"), "127.0.0.1:" + std::to_string(receiver.port()));
  EXPECT_EQ(request.Header("Content-Type"), "application/json");
  EXPECT_EQ(request.Header("Content-Length"), std::to_string(body.size()));
  EXPECT_EQ(request.Header("User-Agent"), "everyseat-webhook/0.1");
  EXPECT_EQ(request.Header("Connection"), "close");
  EXPECT_EQ(request.Header("X-Test"), "yes");
}

TEST(PostJson, ReportsAStatusOtherThan2xxAsAFailure) {
  WebhookReceiver receiver({Reply{Kind::kAnswer, 503, 20}});
  ASSERT_TRUE(receiver.ok());
  const WebhookResponse response = PostJson(receiver.Url(), "{}", {}, kTimeout);
  EXPECT_FALSE(response.ok);
  EXPECT_EQ(response.status, 503);
  EXPECT_EQ(response.error, "HTTP 503");
}

TEST(PostJson, SkipsAnInterimAnswer) {
  WebhookReceiver receiver({Reply{Kind::kInterimThenAnswer, 204, 0}});
  ASSERT_TRUE(receiver.ok());
  const WebhookResponse response = PostJson(receiver.Url(), "{}", {}, kTimeout);
  EXPECT_TRUE(response.ok) << response.error;
  EXPECT_EQ(response.status, 204);
}

TEST(PostJson, TimesOutOnAReceiverThatNeverAnswers) {
  WebhookReceiver receiver({Reply{Kind::kNeverAnswer}});
  ASSERT_TRUE(receiver.ok());
  const auto start = SteadyClock::now();
  const WebhookResponse response = PostJson(receiver.Url(), "{}", {}, milliseconds(300));
  const auto elapsed = SteadyClock::now() - start;
  EXPECT_FALSE(response.ok);
  EXPECT_EQ(response.status, 0);
  EXPECT_EQ(response.error, "timed out after 300 ms waiting for the response");
  EXPECT_GE(elapsed, milliseconds(290));
  EXPECT_LT(elapsed, milliseconds(2000));
}

TEST(PostJson, ReportsARefusedConnection) {
  const uint16_t port = UnusedPort();
  ASSERT_NE(port, 0);
  const WebhookResponse response =
      PostJson("http://127.0.0.1:" + std::to_string(port) + "/hook", "{}", {}, kTimeout);
  EXPECT_FALSE(response.ok);
  EXPECT_EQ(response.status, 0);
  EXPECT_EQ(response.error, "connection refused");
}

TEST(PostJson, ReadsTheStatusOfAnAnswerLargerThanItsCap) {
  WebhookReceiver receiver({Reply{Kind::kAnswer, 500, 4 * kWebhookResponseCap}});
  ASSERT_TRUE(receiver.ok());
  const auto start = SteadyClock::now();
  const WebhookResponse response = PostJson(receiver.Url(), "{}", {}, kTimeout);
  EXPECT_FALSE(response.ok);
  EXPECT_EQ(response.status, 500);
  EXPECT_EQ(response.error, "HTTP 500");
  EXPECT_LT(SteadyClock::now() - start, milliseconds(1500));  // not waiting out the deadline
}

TEST(PostJson, ReportsAnAnswerThatIsNotHttp) {
  WebhookReceiver receiver({Reply{Kind::kGarbage}});
  ASSERT_TRUE(receiver.ok());
  const WebhookResponse response = PostJson(receiver.Url(), "{}", {}, kTimeout);
  EXPECT_FALSE(response.ok);
  EXPECT_EQ(response.error, "the answer is not HTTP/1.x");
}

TEST(PostJson, ReportsAReceiverThatClosesWithoutAnswering) {
  WebhookReceiver receiver({Reply{Kind::kCloseWithoutReply}});
  ASSERT_TRUE(receiver.ok());
  const WebhookResponse response = PostJson(receiver.Url(), "{}", {}, kTimeout);
  EXPECT_FALSE(response.ok);
  EXPECT_EQ(response.error, "the receiver closed the connection without answering");
}

TEST(PostJson, SurvivesAReceiverThatHangsUpWhileTheBodyIsSent) {
  // A write to a connection reset by the peer raises SIGPIPE unless it is suppressed; the test
  // process would die of it.
  WebhookReceiver receiver({Reply{Kind::kCloseAtOnce}});
  ASSERT_TRUE(receiver.ok());
  const std::string body(8 << 20, ' ');
  const WebhookResponse response = PostJson(receiver.Url(), body, {}, kTimeout);
  EXPECT_FALSE(response.ok);
  EXPECT_TRUE(response.error.starts_with("connection")) << response.error;
}

TEST(PostJson, RefusesAHeaderThatWouldSplitTheRequest) {
  WebhookReceiver receiver({Reply{}});
  ASSERT_TRUE(receiver.ok());
  const WebhookResponse bad_value =
      PostJson(receiver.Url(), "{}", {{"X-Test", "a\r\nX-Injected: 1"}}, kTimeout);
  EXPECT_FALSE(bad_value.ok);
  EXPECT_EQ(bad_value.error, "the value of the header X-Test has a line break or NUL");
  const WebhookResponse bad_name = PostJson(receiver.Url(), "{}", {{"X Test", "a"}}, kTimeout);
  EXPECT_EQ(bad_name.error, "invalid header name \"X Test\"");
  EXPECT_EQ(receiver.connections(), 0u);
}

TEST(PostJson, ReportsAnUnusableUrl) {
  const WebhookResponse response = PostJson("ftp://example.com/", "{}", {}, kTimeout);
  EXPECT_FALSE(response.ok);
  EXPECT_EQ(response.error, "invalid URL: the URL must start with http:// or https://");
}

TEST(PostJson, PostsToAnIpv6Literal) {
  WebhookReceiver receiver({Reply{}}, AF_INET6);
  if (!receiver.ok()) GTEST_SKIP() << "this machine has no IPv6 loopback (::1)";
  const WebhookResponse response = PostJson(receiver.Url(), "{\"v\":6}", {}, kTimeout);
  EXPECT_TRUE(response.ok) << response.error;
  ASSERT_TRUE(receiver.WaitForRequests(1, kTimeout));
  EXPECT_EQ(receiver.requests().at(0).Header("Host"), "[::1]:" + std::to_string(receiver.port()));
  EXPECT_EQ(receiver.requests().at(0).body, "{\"v\":6}");
}

// --- PostJson over TLS. OpenSSL's default verify paths honour SSL_CERT_FILE, so a test trusts
// its own self-signed certificate without touching the system's roots.

class TempDir {
 public:
  TempDir() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "everyseat-webhooks-XXXXXX").string();
    if (mkdtemp(pattern.data()) != nullptr) path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    if (!path_.empty()) std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  [[nodiscard]] const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Sets SSL_CERT_FILE (and an empty SSL_CERT_DIR) for the life of the object.
class TrustOnly {
 public:
  TrustOnly(const TestCertificate& certificate, const TempDir& dir) {
    const std::string file = dir.path() + "/trusted.pem";
    ok_ = certificate.WritePem(file);
    Save("SSL_CERT_FILE", file);
    std::filesystem::create_directories(dir.path() + "/no-certs");
    Save("SSL_CERT_DIR", dir.path() + "/no-certs");
  }
  ~TrustOnly() {
    for (const auto& [name, value] : saved_) {
      if (value) {
        setenv(name.c_str(), value->c_str(), 1);
      } else {
        unsetenv(name.c_str());
      }
    }
  }
  TrustOnly(const TrustOnly&) = delete;
  TrustOnly& operator=(const TrustOnly&) = delete;
  [[nodiscard]] bool ok() const { return ok_; }

 private:
  void Save(const std::string& name, const std::string& value) {
    const char* old = std::getenv(name.c_str());
    saved_.emplace_back(name, old != nullptr ? std::optional<std::string>(old) : std::nullopt);
    setenv(name.c_str(), value.c_str(), 1);
  }
  bool ok_ = false;
  std::vector<std::pair<std::string, std::optional<std::string>>> saved_;
};

struct ContextDeleter {
  void operator()(SSL_CTX* context) const { SSL_CTX_free(context); }
};
using ServerContext = std::unique_ptr<SSL_CTX, ContextDeleter>;

TEST(PostJsonTls, PostsToATrustedReceiverByNameAndByAddress) {
  TestCertificate certificate("DNS:localhost,IP:127.0.0.1");
  ASSERT_TRUE(certificate.ok());
  ServerContext context(certificate.NewServerContext());
  ASSERT_TRUE(context);
  TempDir dir;
  TrustOnly trust(certificate, dir);
  ASSERT_TRUE(trust.ok());
  WebhookReceiver receiver({Reply{Kind::kAnswer, 202, 3}}, AF_INET, context.get());
  ASSERT_TRUE(receiver.ok());

  const std::string by_name = "https://localhost:" + std::to_string(receiver.port()) + "/tls";
  const WebhookResponse named = PostJson(by_name, "{\"tls\":true}", {}, kTimeout);
  EXPECT_TRUE(named.ok) << named.error;
  EXPECT_EQ(named.status, 202);
  const WebhookResponse addressed = PostJson(receiver.Url("/tls"), "{\"tls\":true}", {}, kTimeout);
  EXPECT_TRUE(addressed.ok) << addressed.error;
  ASSERT_TRUE(receiver.WaitForRequests(2, kTimeout));
  EXPECT_EQ(receiver.requests().at(0).body, "{\"tls\":true}");
  EXPECT_EQ(receiver.requests().at(0).Header("Host"),
            "localhost:" + std::to_string(receiver.port()));
}

TEST(PostJsonTls, RefusesACertificateThatIsNotTrusted) {
  TestCertificate trusted("DNS:localhost,IP:127.0.0.1");
  TestCertificate presented("DNS:localhost,IP:127.0.0.1");
  ASSERT_TRUE(trusted.ok() && presented.ok());
  ServerContext context(presented.NewServerContext());
  TempDir dir;
  TrustOnly trust(trusted, dir);
  WebhookReceiver receiver({Reply{}}, AF_INET, context.get());
  ASSERT_TRUE(receiver.ok());
  const WebhookResponse response = PostJson(receiver.Url(), "{}", {}, kTimeout);
  EXPECT_FALSE(response.ok);
  EXPECT_EQ(response.error,
            "the receiver's TLS certificate was not accepted: self-signed certificate");
  EXPECT_TRUE(receiver.requests().empty());
}

TEST(PostJsonTls, RefusesACertificateForAnotherHost) {
  TestCertificate certificate("DNS:hooks.example.com");
  ASSERT_TRUE(certificate.ok());
  ServerContext context(certificate.NewServerContext());
  TempDir dir;
  TrustOnly trust(certificate, dir);
  WebhookReceiver receiver({Reply{}}, AF_INET, context.get());
  ASSERT_TRUE(receiver.ok());
  const WebhookResponse by_address = PostJson(receiver.Url(), "{}", {}, kTimeout);
  EXPECT_EQ(by_address.error,
            "the receiver's TLS certificate was not accepted: IP address mismatch");
  const WebhookResponse by_name =
      PostJson("https://localhost:" + std::to_string(receiver.port()) + "/", "{}", {}, kTimeout);
  EXPECT_EQ(by_name.error, "the receiver's TLS certificate was not accepted: hostname mismatch");
  EXPECT_TRUE(receiver.requests().empty());
}

TEST(PostJsonTls, ReportsAReceiverThatDoesNotSpeakTls) {
  WebhookReceiver receiver({Reply{Kind::kCloseAtOnce}});
  ASSERT_TRUE(receiver.ok());
  const WebhookResponse response =
      PostJson("https://127.0.0.1:" + std::to_string(receiver.port()) + "/", "{}", {}, kTimeout);
  EXPECT_FALSE(response.ok);
  EXPECT_TRUE(response.error.starts_with("TLS handshake failed: ")) << response.error;
}

TEST(PostJsonTls, SurvivesAReceiverThatHangsUpWhileTheBodyIsSent) {
  TestCertificate certificate("IP:127.0.0.1");
  ASSERT_TRUE(certificate.ok());
  ServerContext context(certificate.NewServerContext());
  TempDir dir;
  TrustOnly trust(certificate, dir);
  WebhookReceiver receiver({Reply{Kind::kCloseAtOnce}}, AF_INET, context.get());
  ASSERT_TRUE(receiver.ok());
  const std::string body(8 << 20, ' ');
  const WebhookResponse response = PostJson(receiver.Url(), body, {}, kTimeout);
  EXPECT_FALSE(response.ok);
  EXPECT_FALSE(response.error.empty());
}

// --- The dispatcher over a real SQLite store.

// A database with one organisation, a team and a measure, and the team's webhook.
class Outbox {
 public:
  explicit Outbox(const std::string& webhook_url) {
    url_ = "sqlite:" + dir_.path() + "/everyseat.db";
    auto opened = store::Store::Open(url_, store::StoreOptions{});
    if (!opened) {
      error_ = "open: " + opened.error().message;
      return;
    }
    store_ = std::move(*opened);
    const domain::Actor actor = domain::Actor::System("test");
    auto org = store_->CreateOrganisation(actor, "Test Trust");
    if (!org) {
      error_ = "organisation: " + org.error().message;
      return;
    }
    org_ = org->id;
    auto team = store_->CreateTeam(actor, org_, std::nullopt, "Ward 1");
    if (!team) {
      error_ = "team: " + team.error().message;
      return;
    }
    team_ = team->id;
    domain::Measure measure;
    measure.org = org_;
    measure.team = team_;
    measure.name = "Falls per 1,000 bed days";
    measure.definition = "Falls / occupied bed days x 1,000";
    auto created = store_->CreateMeasure(actor, measure);
    if (!created) {
      error_ = "measure: " + created.error().message;
      return;
    }
    measure_ = created->id;
    auto webhook = store_->SetWebhook(actor, org_, team_, webhook_url);
    if (!webhook) {
      error_ = "webhook: " + webhook.error().message;
      return;
    }
    secret_ = webhook->secret;
  }

  [[nodiscard]] const std::string& error() const { return error_; }
  [[nodiscard]] const std::string& secret() const { return secret_; }

  // "" on success, else the error.
  std::string SetWebhook(const std::string& url) {
    auto webhook = store_->SetWebhook(domain::Actor::System("test"), org_, team_, url);
    if (!webhook) return webhook.error().message;
    secret_ = webhook->secret;
    return "";
  }
  std::string RemoveWebhook() {
    auto removed = store_->RemoveWebhook(domain::Actor::System("test"), org_, team_);
    return removed ? "" : removed.error().message;
  }

  [[nodiscard]] WebhookDispatcher::OpenStore Opener() const {
    return [url = url_] { return store::Store::Open(url, store::StoreOptions{}); };
  }

  // Adds a special-cause notification for `period`; "" on success, else the error.
  std::string Notify(const std::string& period) {
    domain::Notification notification;
    notification.org = org_;
    notification.team = team_;
    notification.measure = measure_;
    notification.period = period;
    notification.kind = domain::NotificationKind::kSpecialCause;
    notification.message = "Falls per 1,000 bed days: special cause (improvement) in " + period;
    notification.detail_json = "{\"rule\":\"astronomical\"}";
    auto added = store_->AddNotification(domain::Actor::System("test"), notification);
    if (!added) return added.error().message;
    if (!*added) return "the notification was not stored";
    return "";
  }

  [[nodiscard]] std::vector<domain::WebhookDelivery> Deliveries() {
    auto listed = store_->ListDeliveries(org_, team_, 100);
    return listed ? *listed : std::vector<domain::WebhookDelivery>{};
  }

  // Waits until every delivery has left the pending state; false after `limit`.
  bool WaitUntilSettled(size_t count, milliseconds limit) {
    const auto end = SteadyClock::now() + limit;
    while (SteadyClock::now() < end) {
      const auto deliveries = Deliveries();
      size_t settled = 0;
      for (const auto& d : deliveries) settled += d.state != domain::DeliveryState::kPending;
      if (deliveries.size() >= count && settled == deliveries.size()) return true;
      std::this_thread::sleep_for(milliseconds(20));
    }
    return false;
  }

 private:
  TempDir dir_;
  std::string url_;
  std::string error_;
  std::unique_ptr<store::Store> store_;
  domain::OrgId org_;
  domain::TeamId team_;
  domain::MeasureId measure_;
  std::string secret_;
};

// Log lines, kept for checking.
struct LogLines {
  std::mutex mutex;
  std::vector<std::string> lines;
  std::function<void(std::string_view)> Sink() {
    return [this](std::string_view line) {
      const std::lock_guard lock(mutex);
      lines.emplace_back(line);
    };
  }
  size_t Count(std::string_view needle) {
    const std::lock_guard lock(mutex);
    size_t n = 0;
    for (const auto& line : lines) n += line.find(needle) != std::string::npos;
    return n;
  }
};

WebhookDispatcherOptions FastOptions() {
  WebhookDispatcherOptions options;
  options.poll_interval = milliseconds(50);
  options.timeout = kTimeout;
  return options;
}

// A clock that moves 1,000 s on at every reading, so every retry is due at the next look.
std::function<int64_t()> RacingClock() {
  auto now = std::make_shared<std::atomic<int64_t>>(static_cast<int64_t>(std::time(nullptr)));
  return [now] { return now->fetch_add(1000) + 1000; };
}

TEST(WebhookDispatcher, RetriesWithBackoffUntilTheReceiverAccepts) {
  WebhookReceiver receiver(
      {Reply{Kind::kAnswer, 503, 5}, Reply{Kind::kAnswer, 503, 5}, Reply{Kind::kAnswer, 200, 0}});
  ASSERT_TRUE(receiver.ok());
  Outbox outbox(receiver.Url("/hooks/ward-1"));
  ASSERT_EQ(outbox.error(), "");
  // Stored before the dispatcher starts: the outbox is in the database, not in memory.
  ASSERT_EQ(outbox.Notify("2024-03-01"), "");

  WebhookDispatcherOptions options = FastOptions();
  options.first_retry = milliseconds(1000);  // the real clock: whole seconds
  options.backoff = 1.0;
  LogLines log;
  options.log = log.Sink();
  WebhookDispatcher dispatcher(outbox.Opener(), options);
  dispatcher.Start();
  ASSERT_TRUE(outbox.WaitUntilSettled(1, milliseconds(8000)));
  dispatcher.Stop();

  const auto deliveries = outbox.Deliveries();
  ASSERT_EQ(deliveries.size(), 1u);
  const domain::WebhookDelivery& delivery = deliveries[0];
  EXPECT_EQ(delivery.state, domain::DeliveryState::kDelivered);
  EXPECT_EQ(delivery.attempts, 3);
  EXPECT_TRUE(delivery.delivered_at.has_value());

  const auto requests = receiver.requests();
  ASSERT_EQ(requests.size(), 3u);
  for (size_t i = 0; i < requests.size(); ++i) {
    SCOPED_TRACE("attempt " + std::to_string(i + 1));
    EXPECT_EQ(requests[i].target, "/hooks/ward-1");
    EXPECT_EQ(requests[i].body, delivery.body);
    EXPECT_EQ(requests[i].Header("X-Everyseat-Signature"),
              WebhookSignature(outbox.secret(), requests[i].body));
    EXPECT_EQ(requests[i].Header("X-Everyseat-Delivery"), std::to_string(delivery.id.value));
    EXPECT_EQ(requests[i].Header("X-Everyseat-Attempt"), std::to_string(i + 1));
  }
  EXPECT_NE(delivery.body.find("\"notification\""), std::string::npos) << delivery.body;
  EXPECT_EQ(log.Count("\"level\":\"warning\""), 2u);
  EXPECT_EQ(log.Count("failed (HTTP 503); next attempt in 1 s"), 2u);
}

TEST(WebhookDispatcher, GivesUpAfterMaxAttemptsWhenTheConnectionIsRefused) {
  const uint16_t port = UnusedPort();
  Outbox outbox("http://127.0.0.1:" + std::to_string(port) + "/secret-path-token");
  ASSERT_EQ(outbox.error(), "");
  ASSERT_EQ(outbox.Notify("2024-03-01"), "");

  WebhookDispatcherOptions options = FastOptions();
  options.max_attempts = 3;
  options.clock = RacingClock();
  LogLines log;
  options.log = log.Sink();
  WebhookDispatcher dispatcher(outbox.Opener(), options);
  dispatcher.Start();
  ASSERT_TRUE(outbox.WaitUntilSettled(1, milliseconds(5000)));
  dispatcher.Stop();

  const auto deliveries = outbox.Deliveries();
  ASSERT_EQ(deliveries.size(), 1u);
  EXPECT_EQ(deliveries[0].state, domain::DeliveryState::kFailed);
  EXPECT_EQ(deliveries[0].attempts, 3);
  EXPECT_EQ(deliveries[0].last_error, "connection refused");
  EXPECT_FALSE(deliveries[0].delivered_at.has_value());
  EXPECT_EQ(log.Count("\"level\":\"warning\""), 2u);
  EXPECT_EQ(log.Count("\"level\":\"error\""), 1u);
  EXPECT_EQ(log.Count("failed (connection refused); giving up after 3 attempts"), 1u);
  EXPECT_EQ(log.Count("secret-path-token"), 0u);  // the log names the origin, not the path
}

TEST(WebhookDispatcher, RecordsATimeoutInPlainEnglish) {
  WebhookReceiver receiver({Reply{Kind::kNeverAnswer}});
  ASSERT_TRUE(receiver.ok());
  Outbox outbox(receiver.Url());
  ASSERT_EQ(outbox.error(), "");
  ASSERT_EQ(outbox.Notify("2024-03-01"), "");

  WebhookDispatcherOptions options = FastOptions();
  options.max_attempts = 1;
  options.timeout = milliseconds(200);
  WebhookDispatcher dispatcher(outbox.Opener(), options);
  dispatcher.Start();
  ASSERT_TRUE(outbox.WaitUntilSettled(1, milliseconds(5000)));
  dispatcher.Stop();

  const auto deliveries = outbox.Deliveries();
  ASSERT_EQ(deliveries.size(), 1u);
  EXPECT_EQ(deliveries[0].state, domain::DeliveryState::kFailed);
  EXPECT_EQ(deliveries[0].last_error, "timed out after 200 ms waiting for the response");
}

TEST(WebhookDispatcher, DeliversAtOnceWhenWoken) {
  WebhookReceiver receiver({Reply{}});
  ASSERT_TRUE(receiver.ok());
  Outbox outbox(receiver.Url());
  ASSERT_EQ(outbox.error(), "");

  WebhookDispatcherOptions options = FastOptions();
  options.poll_interval = std::chrono::minutes(1);  // only Wake can make it look again
  WebhookDispatcher dispatcher(outbox.Opener(), options);
  dispatcher.Start();
  std::this_thread::sleep_for(milliseconds(200));  // the first look finds nothing
  ASSERT_EQ(outbox.Notify("2024-03-01"), "");
  dispatcher.Wake();
  EXPECT_TRUE(receiver.WaitForRequests(1, milliseconds(5000)));
  ASSERT_TRUE(outbox.WaitUntilSettled(1, milliseconds(5000)));
  EXPECT_EQ(outbox.Deliveries().at(0).state, domain::DeliveryState::kDelivered);
}

TEST(WebhookDispatcher, StopInterruptsAPostInFlightAndLeavesItPending) {
  WebhookReceiver receiver({Reply{Kind::kNeverAnswer}});
  ASSERT_TRUE(receiver.ok());
  Outbox outbox(receiver.Url());
  ASSERT_EQ(outbox.error(), "");
  ASSERT_EQ(outbox.Notify("2024-03-01"), "");

  WebhookDispatcherOptions options = FastOptions();
  options.timeout = milliseconds(30'000);
  WebhookDispatcher dispatcher(outbox.Opener(), options);
  dispatcher.Start();
  ASSERT_TRUE(receiver.WaitForRequests(1, milliseconds(5000)));
  const auto start = SteadyClock::now();
  dispatcher.Stop();
  EXPECT_LT(SteadyClock::now() - start, milliseconds(1000));
  dispatcher.Stop();  // idempotent

  const auto deliveries = outbox.Deliveries();
  ASSERT_EQ(deliveries.size(), 1u);
  EXPECT_EQ(deliveries[0].state, domain::DeliveryState::kPending);
  EXPECT_EQ(deliveries[0].attempts, 0);  // the interrupted attempt is not counted
}

TEST(WebhookDispatcher, CarriesOnWhenTheWebhookIsRemovedDuringAnAttempt) {
  WebhookReceiver silent({Reply{Kind::kNeverAnswer}});
  WebhookReceiver accepting({Reply{}});
  ASSERT_TRUE(silent.ok() && accepting.ok());
  Outbox outbox(silent.Url());
  ASSERT_EQ(outbox.error(), "");
  ASSERT_EQ(outbox.Notify("2024-03-01"), "");

  WebhookDispatcherOptions options = FastOptions();
  options.timeout = milliseconds(500);
  LogLines log;
  options.log = log.Sink();
  WebhookDispatcher dispatcher(outbox.Opener(), options);
  dispatcher.Start();
  ASSERT_TRUE(silent.WaitForRequests(1, milliseconds(5000)));
  ASSERT_EQ(outbox.RemoveWebhook(), "");  // the store fails the pending delivery
  ASSERT_TRUE(outbox.WaitUntilSettled(1, milliseconds(5000)));
  // Once the attempt times out, recording it is refused (the delivery is failed already).
  const auto end = SteadyClock::now() + milliseconds(5000);
  while (log.Count("attempt not recorded") == 0 && SteadyClock::now() < end) {
    std::this_thread::sleep_for(milliseconds(20));
  }
  EXPECT_EQ(log.Count("attempt not recorded"), 1u);
  EXPECT_EQ(outbox.Deliveries().at(0).last_error, "the webhook was removed");

  ASSERT_EQ(outbox.SetWebhook(accepting.Url()), "");
  ASSERT_EQ(outbox.Notify("2024-04-01"), "");
  dispatcher.Wake();
  EXPECT_TRUE(accepting.WaitForRequests(1, milliseconds(5000)));
  ASSERT_TRUE(outbox.WaitUntilSettled(2, milliseconds(5000)));
  dispatcher.Stop();
  EXPECT_EQ(log.Count("\"level\":\"error\""), 0u);
}

TEST(WebhookDispatcher, KeepsTryingToOpenTheStore) {
  WebhookReceiver receiver({Reply{}});
  ASSERT_TRUE(receiver.ok());
  Outbox outbox(receiver.Url());
  ASSERT_EQ(outbox.error(), "");
  ASSERT_EQ(outbox.Notify("2024-03-01"), "");

  auto failures = std::make_shared<std::atomic<int>>(2);
  WebhookDispatcher::OpenStore open =
      [failures, real = outbox.Opener()]() -> store::Result<std::unique_ptr<store::Store>> {
    if (failures->fetch_sub(1) > 0) {
      return tl::unexpected(
          store::StoreError{store::StoreErrorCode::kUnavailable, "the database is asleep", ""});
    }
    return real();
  };
  WebhookDispatcherOptions options = FastOptions();
  LogLines log;
  options.log = log.Sink();
  WebhookDispatcher dispatcher(open, options);
  dispatcher.Start();
  ASSERT_TRUE(outbox.WaitUntilSettled(1, milliseconds(5000)));
  dispatcher.Stop();
  EXPECT_EQ(outbox.Deliveries().at(0).state, domain::DeliveryState::kDelivered);
  EXPECT_EQ(log.Count("webhook dispatcher: cannot open the store: the database is asleep"), 2u);
}

TEST(WebhookDispatcher, TwoDispatchersOnOneDatabaseSendEachDeliveryOnce) {
  WebhookReceiver receiver({Reply{}});
  ASSERT_TRUE(receiver.ok());
  Outbox outbox(receiver.Url());
  ASSERT_EQ(outbox.error(), "");
  constexpr int kCount = 6;
  for (int i = 1; i <= kCount; ++i) {
    ASSERT_EQ(outbox.Notify("2024-0" + std::to_string(i) + "-01"), "");
  }
  WebhookDispatcherOptions options = FastOptions();
  options.batch = 2;
  WebhookDispatcher first(outbox.Opener(), options);
  WebhookDispatcher second(outbox.Opener(), options);
  first.Start();
  second.Start();
  ASSERT_TRUE(outbox.WaitUntilSettled(kCount, milliseconds(8000)));
  first.Stop();
  second.Stop();

  std::vector<std::string> ids;
  for (const auto& request : receiver.requests()) {
    ids.push_back(request.Header("X-Everyseat-Delivery").value_or("?"));
  }
  std::sort(ids.begin(), ids.end());
  EXPECT_EQ(ids.size(), static_cast<size_t>(kCount));
  EXPECT_EQ(std::unique(ids.begin(), ids.end()), ids.end());
  for (const auto& delivery : outbox.Deliveries()) {
    EXPECT_EQ(delivery.state, domain::DeliveryState::kDelivered);
    EXPECT_EQ(delivery.attempts, 1);
  }
}

}  // namespace
}  // namespace everyseat::server
