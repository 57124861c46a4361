// sse_latency: the time from POSTing an observation to its event arriving on another connection's
// Server-Sent Events stream, for bench/load (issue 3's bar: p99 <= 50 ms).
//
//   EVERYSEAT_TOKEN=SECRET sse_latency --port PORT --measure ID[,ID...] [--count N]
//                      [--batch-size N] [--first-day N] [--warmup N] [--pace-ms MS]
//
// One connection subscribes to GET /api/v1/events?measure=ID,...; a second POSTs --count requests
// to /api/v1/measures/ID/observations one after another, taking the measures in turn, each
// carrying --batch-size observations (1: {"period","value"}, answered by an "observation" event;
// more: {"observations":[...]}, answered by an "observations" event). Every observation of a
// measure has its own period: consecutive days from --first-day days after 2000-01-01, so the
// measures must have no values there yet. An event is matched to its POST by measure and period
// (a batch's by its last period). --warmup requests go first and are not counted: they also prove
// that the subscription is live before the clock starts.
//
// Prints one line of key=value pairs on standard output (bench/load reads it):
//   requests, observations, errors (non-201 answers or failed connections), missing (events that
//   did not arrive within 10 s), post_{p50,p99,max}_ms (the POST round trip),
//   event_{p50,p90,p99,max}_ms (POST sent -> event received), seconds (the POSTs' wall time) and
//   observations_per_s (observations / seconds).
// Exit status: 0 when every POST was answered 201 and every event arrived, 1 otherwise, 2 on bad
// arguments or when the stream cannot be opened.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cinttypes>
#include <cmath>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#include "http_client.h"

namespace {

using Clock = std::chrono::steady_clock;
using everyseat::server::testing::HttpClient;
using json = nlohmann::json;

struct Options {
  uint16_t port = 0;
  std::vector<int64_t> measures;
  std::string measure_list;  // as given: "ID,ID"
  size_t count = 2000;
  size_t batch_size = 1;
  int64_t first_day = 0;
  size_t warmup = 20;
  int pace_ms = 0;
  std::string token;
};

constexpr std::string_view kUsage =
    "usage: EVERYSEAT_TOKEN=SECRET sse_latency --port PORT --measure ID[,ID...] [--count N]\n"
    "                   [--batch-size N] [--first-day N] [--warmup N] [--pace-ms MS]\n";

// Days after 2000-01-01 as an ISO date (civil-from-days, Howard Hinnant's public algorithm).
std::string Period(int64_t day) {
  const int64_t z = day + 10957 + 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int64_t d = doy - (153 * mp + 2) / 5 + 1;
  const int64_t m = mp < 10 ? mp + 3 : mp - 9;
  const int64_t y = yoe + era * 400 + (m <= 2);
  char text[64];
  std::snprintf(text, sizeof text, "%04" PRId64 "-%02" PRId64 "-%02" PRId64, y, m, d);
  return text;
}

// A value of measure `measure` on `day`: 100 plus noise (the sum of three uniform draws from a
// hash of the two), so the chart is mostly in control and special causes are as rare as chance
// makes them (a few in a hundred points), as on a real measure.
double Value(int64_t measure, int64_t day) {
  uint64_t x = static_cast<uint64_t>(measure) * 0x9E3779B97F4A7C15u + static_cast<uint64_t>(day);
  double sum = 0;
  for (int i = 0; i < 3; ++i) {
    x += 0x9E3779B97F4A7C15u;  // splitmix64
    uint64_t z = x;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    z ^= z >> 31;
    sum += static_cast<double>(z >> 11) * 0x1.0p-53;
  }
  return std::round((100.0 + 10.0 * (sum - 1.5)) * 10.0) / 10.0;
}

std::optional<int64_t> Number(std::string_view text) {
  if (text.empty() || text.size() > 18) return std::nullopt;
  int64_t n = 0;
  for (const char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + (c - '0');
  }
  return n;
}

std::optional<Options> Parse(int argc, char** argv) {
  Options options;
  for (int i = 1; i < argc; ++i) {
    const std::string_view flag = argv[i];
    if (i + 1 >= argc) return std::nullopt;
    std::string_view value = argv[++i];
    if (flag == "--measure") {
      options.measure_list = value;
      for (;;) {
        const size_t comma = value.find(',');
        const auto id = Number(value.substr(0, comma));
        if (!id || *id == 0) return std::nullopt;
        options.measures.push_back(*id);
        if (comma == std::string_view::npos) break;
        value.remove_prefix(comma + 1);
      }
      continue;
    }
    const auto n = Number(value);
    if (!n) return std::nullopt;
    if (flag == "--port" && *n > 0 && *n < 65536) {
      options.port = static_cast<uint16_t>(*n);
    } else if (flag == "--count" && *n > 0) {
      options.count = static_cast<size_t>(*n);
    } else if (flag == "--batch-size" && *n > 0 && *n <= 10'000) {
      options.batch_size = static_cast<size_t>(*n);
    } else if (flag == "--first-day") {
      options.first_day = *n;
    } else if (flag == "--warmup") {
      options.warmup = static_cast<size_t>(*n);
    } else if (flag == "--pace-ms" && *n < 60'000) {
      options.pace_ms = static_cast<int>(*n);
    } else {
      return std::nullopt;
    }
  }
  const char* token = std::getenv("EVERYSEAT_TOKEN");
  if (options.port == 0 || options.measures.empty() || token == nullptr || *token == '\0') {
    return std::nullopt;
  }
  options.token = token;
  return options;
}

// One POST: its measure, its body, the key its event is matched by ("measure/period"), and what
// happened to it.
struct Post {
  int64_t measure = 0;
  std::string body;
  std::string key;
  Clock::time_point sent;
  Clock::time_point answered;
  std::optional<Clock::time_point> event;
  bool ok = false;
};

std::string Key(int64_t measure, std::string_view period) {
  return std::to_string(measure) + "/" + std::string(period);
}

std::vector<Post> MakePosts(const Options& options, size_t requests) {
  std::vector<Post> posts(requests);
  std::vector<int64_t> next_day(options.measures.size(), options.first_day);
  for (size_t n = 0; n < requests; ++n) {
    Post& post = posts[n];
    const size_t which = n % options.measures.size();
    post.measure = options.measures[which];
    int64_t& day = next_day[which];
    if (options.batch_size == 1) {
      const std::string period = Period(day);
      post.key = Key(post.measure, period);
      post.body = json{{"period", period}, {"value", Value(post.measure, day)}}.dump();
      ++day;
      continue;
    }
    json observations = json::array();
    std::string period;
    for (size_t i = 0; i < options.batch_size; ++i, ++day) {
      period = Period(day);
      observations.push_back(json{{"period", period}, {"value", Value(post.measure, day)}});
    }
    post.key = Key(post.measure, period);
    post.body = json{{"observations", std::move(observations)}}.dump();
  }
  return posts;
}

// Reads the event stream on its own thread and stamps each POST's event as it arrives.
class Listener {
 public:
  Listener(const Options& options, std::vector<Post>& posts) : options_(options), posts_(posts) {
    for (size_t i = 0; i < posts_.size(); ++i) index_.emplace(posts_[i].key, i);
  }

  // Subscribes; false (with a message on stderr) when the stream does not open.
  bool Open() {
    if (!client_.connected()) {
      std::fprintf(stderr, "sse_latency: cannot connect to 127.0.0.1:%u\n", options_.port);
      return false;
    }
    const std::string request = "GET /api/v1/events?measure=" + options_.measure_list +
                                " HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n"
                                "Authorization: Bearer " +
                                options_.token + "\r\n\r\n";
    if (!client_.Send(request)) return false;
    const auto head = client_.ReadHead();
    if (!head || head->status != 200) {
      std::fprintf(stderr, "sse_latency: the event stream answered %d\n", head ? head->status : 0);
      return false;
    }
    thread_ = std::thread([this] { Run(); });
    return true;
  }

  // Waits until the events of posts [begin, end) have arrived (true), or `limit` has passed.
  bool WaitFor(size_t begin, size_t end, std::chrono::milliseconds limit) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, limit, [&] {
      for (size_t i = begin; i < end; ++i) {
        if (!posts_[i].event) return false;
      }
      return true;
    });
  }

  void Stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }

 private:
  void Run() {
    while (!stop_) {
      const auto frame = client_.ReadEvent();
      if (!frame) {
        if (!stop_) std::this_thread::sleep_for(std::chrono::milliseconds(1));
        continue;
      }
      const Clock::time_point now = Clock::now();
      const bool one = frame->event == "observation";
      if (!one && frame->event != "observations") continue;
      const json data = json::parse(frame->data, nullptr, false);
      if (!data.is_object()) continue;
      const auto measure = data.find("measure");
      const auto period = data.find(one ? "period" : "last_period");
      if (measure == data.end() || !measure->is_number_integer() || period == data.end() ||
          !period->is_string()) {
        continue;
      }
      const auto found =
          index_.find(Key(measure->get<int64_t>(), period->get_ref<const std::string&>()));
      if (found == index_.end()) continue;
      std::lock_guard lock(mu_);
      if (!posts_[found->second].event) posts_[found->second].event = now;
      cv_.notify_all();
    }
  }

  const Options& options_;
  std::vector<Post>& posts_;
  std::unordered_map<std::string, size_t> index_;
  HttpClient client_{options_.port, std::chrono::milliseconds(200)};
  std::thread thread_;
  std::atomic<bool> stop_ = false;
  std::mutex mu_;
  std::condition_variable cv_;
};

double Ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

// The p-th percentile (0-100) of sorted values, nearest rank.
double Percentile(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  const double rank = p / 100.0 * static_cast<double>(sorted.size());
  size_t index = static_cast<size_t>(rank);
  if (static_cast<double>(index) < rank) ++index;
  return sorted[std::min(sorted.size() - 1, index == 0 ? 0 : index - 1)];
}

}  // namespace

int main(int argc, char** argv) {
  const auto options = Parse(argc, argv);
  if (!options) {
    std::fputs(kUsage.data(), stderr);
    return 2;
  }
  const size_t total = options->warmup + options->count;
  std::vector<Post> posts = MakePosts(*options, total);
  Listener listener(*options, posts);
  if (!listener.Open()) return 2;

  HttpClient poster(options->port, std::chrono::milliseconds(10'000));
  if (!poster.connected()) {
    std::fprintf(stderr, "sse_latency: cannot connect to 127.0.0.1:%u\n", options->port);
    listener.Stop();
    return 2;
  }
  const std::vector<std::pair<std::string, std::string>> headers = {
      {"Authorization", "Bearer " + options->token}, {"Content-Type", "application/json"}};
  size_t errors = 0;
  auto post = [&](Post& p) {
    const std::string target = "/api/v1/measures/" + std::to_string(p.measure) + "/observations";
    p.sent = Clock::now();
    const auto response = poster.Request("POST", target, p.body, headers);
    p.answered = Clock::now();
    p.ok = response && response->status == 201;
    if (!p.ok && errors++ < 5) {
      std::fprintf(stderr, "sse_latency: POST %s answered %d %s\n", p.key.c_str(),
                   response ? response->status : 0,
                   response ? response->body.substr(0, 300).c_str() : "(no answer)");
    }
  };

  // Warm up (and prove the subscription is live) before the clock starts.
  for (size_t i = 0; i < options->warmup; ++i) post(posts[i]);
  if (options->warmup > 0) {
    if (!listener.WaitFor(0, options->warmup, std::chrono::milliseconds(10'000))) {
      std::fprintf(stderr, "sse_latency: the warm-up events did not arrive\n");
    }
  }
  errors = 0;

  const Clock::time_point start = Clock::now();
  for (size_t i = options->warmup; i < total; ++i) {
    post(posts[i]);
    if (options->pace_ms > 0)
      std::this_thread::sleep_for(std::chrono::milliseconds(options->pace_ms));
  }
  const Clock::time_point end = Clock::now();
  listener.WaitFor(options->warmup, total, std::chrono::milliseconds(10'000));
  listener.Stop();

  std::vector<double> round_trips;
  std::vector<double> event_latencies;
  size_t missing = 0;
  for (size_t i = options->warmup; i < total; ++i) {
    const Post& p = posts[i];
    round_trips.push_back(Ms(p.answered - p.sent));
    if (!p.ok) continue;
    if (p.event) {
      event_latencies.push_back(Ms(*p.event - p.sent));
    } else {
      ++missing;
    }
  }
  std::sort(round_trips.begin(), round_trips.end());
  std::sort(event_latencies.begin(), event_latencies.end());
  const double seconds = std::chrono::duration<double>(end - start).count();
  const size_t observations = options->count * options->batch_size;
  std::printf(
      "requests=%zu observations=%zu errors=%zu missing=%zu post_p50_ms=%.2f post_p99_ms=%.2f "
      "post_max_ms=%.2f event_p50_ms=%.2f event_p90_ms=%.2f event_p99_ms=%.2f event_max_ms=%.2f "
      "seconds=%.3f observations_per_s=%.0f\n",
      options->count, observations, errors, missing, Percentile(round_trips, 50),
      Percentile(round_trips, 99), round_trips.empty() ? 0 : round_trips.back(),
      Percentile(event_latencies, 50), Percentile(event_latencies, 90),
      Percentile(event_latencies, 99), event_latencies.empty() ? 0 : event_latencies.back(),
      seconds, seconds > 0 ? static_cast<double>(observations) / seconds : 0);
  return errors == 0 && missing == 0 ? 0 : 1;
}
