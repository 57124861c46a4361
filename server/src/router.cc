// Router: origin-form targets split into a path and decoded query parameters, path patterns with
// {param} segments, 404/405 problems. No asio here (see http.h for the contracts).
#include <algorithm>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "everyseat/server/http.h"
#include "everyseat/server/json.h"

namespace everyseat::server {
namespace {

char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool EqualsIgnoringCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (Lower(a[i]) != Lower(b[i])) return false;
  }
  return true;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// RFC 3986 percent-decoding; with plus_is_space (query strings, HTML forms) '+' is a space.
// nullopt for a '%' not followed by two hex digits.
std::optional<std::string> PercentDecode(std::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '%') {
      if (i + 2 >= text.size()) return std::nullopt;
      const int high = HexValue(text[i + 1]);
      const int low = HexValue(text[i + 2]);
      if (high < 0 || low < 0) return std::nullopt;
      out += static_cast<char>(high * 16 + low);
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

// "/a/b" -> {"a","b"}; "/" -> {""}. REQUIRES: path starts with '/'.
std::vector<std::string_view> SplitPath(std::string_view path) {
  std::vector<std::string_view> segments;
  size_t start = 1;
  for (;;) {
    const size_t slash = path.find('/', start);
    if (slash == std::string_view::npos) {
      segments.push_back(path.substr(start));
      return segments;
    }
    segments.push_back(path.substr(start, slash - start));
    start = slash + 1;
  }
}

bool IsParamName(std::string_view name) {
  if (name.empty()) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  });
}

bool IsMethodToken(std::string_view method) {
  if (method.empty()) return false;
  return std::all_of(method.begin(), method.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}

Response BadTarget(std::string field, std::string reason) {
  Problem problem;
  problem.status = 400;
  problem.detail = "the request target is not valid";
  problem.errors.push_back({std::move(field), std::move(reason)});
  return ProblemResponse(problem);
}

}  // namespace

tl::expected<Fields, std::string> ParseUrlEncoded(std::string_view text) {
  Fields fields;
  while (!text.empty()) {
    const size_t amp = text.find('&');
    const std::string_view piece = text.substr(0, amp);
    text = amp == std::string_view::npos ? std::string_view() : text.substr(amp + 1);
    if (piece.empty()) continue;
    const size_t equals = piece.find('=');
    auto key = PercentDecode(piece.substr(0, equals), true);
    auto value = PercentDecode(
        equals == std::string_view::npos ? std::string_view() : piece.substr(equals + 1), true);
    if (!key) return tl::unexpected(std::string("query"));
    if (!value) return tl::unexpected(std::move(*key));
    fields.emplace_back(std::move(*key), std::move(*value));
  }
  return fields;
}

std::optional<std::string_view> Request::Header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (EqualsIgnoringCase(key, name)) return std::string_view(value);
  }
  return std::nullopt;
}

std::optional<std::string_view> Request::Query(std::string_view name) const {
  for (const auto& [key, value] : query) {
    if (key == name) return std::string_view(value);
  }
  return std::nullopt;
}

std::string_view Request::PathParam(std::string_view name) const {
  for (const auto& [key, value] : path_params) {
    if (key == name) return value;
  }
  return {};
}

Response TextResponse(int status, std::string body, std::string content_type) {
  Response response;
  response.status = status;
  response.body = std::move(body);
  response.content_type = std::move(content_type);
  return response;
}

std::string_view StatusTitle(int status) {
  struct Title {
    int status;
    std::string_view title;
  };
  static constexpr Title kTitles[] = {
      {100, "Continue"},
      {200, "OK"},
      {201, "Created"},
      {202, "Accepted"},
      {204, "No Content"},
      {301, "Moved Permanently"},
      {302, "Found"},
      {303, "See Other"},
      {304, "Not Modified"},
      {307, "Temporary Redirect"},
      {308, "Permanent Redirect"},
      {400, "Bad Request"},
      {401, "Unauthorized"},
      {403, "Forbidden"},
      {404, "Not Found"},
      {405, "Method Not Allowed"},
      {406, "Not Acceptable"},
      {408, "Request Timeout"},
      {409, "Conflict"},
      {410, "Gone"},
      {411, "Length Required"},
      {412, "Precondition Failed"},
      {413, "Content Too Large"},
      {414, "URI Too Long"},
      {415, "Unsupported Media Type"},
      {422, "Unprocessable Content"},
      {428, "Precondition Required"},
      {429, "Too Many Requests"},
      {431, "Request Header Fields Too Large"},
      {500, "Internal Server Error"},
      {501, "Not Implemented"},
      {502, "Bad Gateway"},
      {503, "Service Unavailable"},
      {504, "Gateway Timeout"},
  };
  for (const Title& entry : kTitles) {
    if (entry.status == status) return entry.title;
  }
  return "Unknown Status";
}

LogSink StderrSink() {
  return [](std::string_view line) {
    std::string buffer;
    buffer.reserve(line.size() + 1);
    buffer.append(line);
    buffer += '\n';
    std::fwrite(buffer.data(), 1, buffer.size(), stderr);  // one call: stdio locks the stream
  };
}

void Router::Add(std::string method, std::string pattern, OperationDoc doc, Handler handler) {
  const std::string where = method + " " + pattern;
  std::vector<Segment> segments;
  bool valid = true;
  auto fail = [&](const std::string& reason) {
    setup_errors_.push_back(where + ": " + reason);
    valid = false;
  };
  if (!IsMethodToken(method)) fail("the method must be upper-case letters");
  if (!handler) fail("no handler");
  if (pattern.empty() || pattern.front() != '/') {
    fail("the pattern must start with '/'");
  } else {
    for (const std::string_view part : SplitPath(pattern)) {
      Segment segment;
      if (part.size() >= 2 && part.front() == '{' && part.back() == '}') {
        segment.param = true;
        segment.text = std::string(part.substr(1, part.size() - 2));
        if (!IsParamName(segment.text)) fail("bad parameter name '" + segment.text + "'");
        for (const Segment& other : segments) {
          if (other.param && other.text == segment.text) {
            fail("parameter '" + segment.text + "' appears twice");
          }
        }
      } else {
        if (part.find_first_of("{}") != std::string_view::npos) {
          fail("a parameter must be a whole segment, as in /{name}/");
        }
        segment.text = std::string(part);
      }
      segments.push_back(std::move(segment));
    }
  }
  if (!valid) return;
  for (size_t i = 0; i < routes_.size(); ++i) {
    if (routes_[i].method != method || segments_[i].size() != segments.size()) continue;
    bool same = true;
    for (size_t s = 0; s < segments.size() && same; ++s) {
      const Segment& a = segments_[i][s];
      const Segment& b = segments[s];
      same = a.param == b.param && (a.param || a.text == b.text);
    }
    if (same) {
      fail("registered twice (as " + routes_[i].pattern + ")");
      return;
    }
  }
  routes_.push_back(
      {std::move(method), std::move(pattern), std::move(doc), std::move(handler), AsyncHandler()});
  segments_.push_back(std::move(segments));
}

Response Router::Handle(Request& request) const {
  Response refusal;
  const size_t route = Resolve(request, &refusal);
  if (route == routes_.size()) return refusal;
  return routes_[route].handler(request);
}

void Router::SetAsync(std::string_view method, std::string_view pattern, AsyncHandler async) {
  for (Route& route : routes_) {
    if (route.method == method && route.pattern == pattern) {
      if (!async) break;
      route.async = std::move(async);
      if (std::find(async_methods_.begin(), async_methods_.end(), method) == async_methods_.end()) {
        async_methods_.emplace_back(method);
      }
      return;
    }
  }
  setup_errors_.push_back(std::string(method) + " " + std::string(pattern) +
                          ": an asynchronous handler for a route not added (or none given)");
}

const Router::Route* Router::MatchAsync(Request& request) const {
  if (std::find(async_methods_.begin(), async_methods_.end(), request.method) ==
      async_methods_.end()) {
    return nullptr;
  }
  const size_t route = Resolve(request, nullptr);
  if (route == routes_.size() || !routes_[route].async) return nullptr;
  return &routes_[route];
}

size_t Router::Resolve(Request& request, Response* refusal) const {
  const size_t none = routes_.size();
  const auto refuse = [&](auto&& make) {
    if (refusal != nullptr) *refusal = make();
    return none;
  };
  const std::string_view target = request.target;
  if (target.empty() || target.front() != '/') {
    return refuse([] { return BadTarget("target", "must be a path starting with '/'"); });
  }
  const size_t question = target.find('?');
  request.path = std::string(target.substr(0, question));
  request.query.clear();
  request.path_params.clear();
  if (question != std::string_view::npos) {
    auto query = ParseUrlEncoded(target.substr(question + 1));
    if (!query) {
      return refuse([&] { return BadTarget(query.error(), "has invalid percent-encoding"); });
    }
    request.query = std::move(*query);
  }

  std::vector<std::string> segments;
  for (const std::string_view raw : SplitPath(request.path)) {
    auto decoded = PercentDecode(raw, false);
    if (!decoded) return refuse([] { return BadTarget("path", "has invalid percent-encoding"); });
    segments.push_back(std::move(*decoded));
  }

  // The best route for the method, and the methods of every route matching the path.
  const std::string_view wanted =
      request.method == "HEAD" ? std::string_view("GET") : std::string_view(request.method);
  size_t best = none;
  std::vector<std::string> allowed;
  for (size_t i = 0; i < routes_.size(); ++i) {
    const std::vector<Segment>& pattern = segments_[i];
    if (pattern.size() != segments.size()) continue;
    bool match = true;
    for (size_t s = 0; s < segments.size() && match; ++s) {
      match = pattern[s].param ? !segments[s].empty() : pattern[s].text == segments[s];
    }
    if (!match) continue;
    allowed.push_back(routes_[i].method);
    if (routes_[i].method == "GET") allowed.emplace_back("HEAD");
    if (routes_[i].method != wanted && routes_[i].method != request.method) continue;
    if (best == none) {
      best = i;
      continue;
    }
    // Literals win over parameters, segment by segment from the left.
    for (size_t s = 0; s < segments.size(); ++s) {
      if (pattern[s].param != segments_[best][s].param) {
        if (!pattern[s].param) best = i;
        break;
      }
    }
  }

  if (best == none) {
    if (refusal == nullptr) return none;
    if (allowed.empty()) {
      if (not_found_) return refuse([&] { return not_found_(request); });
      Problem problem;
      problem.status = 404;
      problem.detail = "there is no resource at " + request.path;
      return refuse([&] { return ProblemResponse(problem); });
    }
    std::sort(allowed.begin(), allowed.end());
    allowed.erase(std::unique(allowed.begin(), allowed.end()), allowed.end());
    std::string allow;
    for (const std::string& method : allowed) {
      if (!allow.empty()) allow += ", ";
      allow += method;
    }
    Problem problem;
    problem.status = 405;
    problem.detail = request.method + " is not allowed on " + request.path + "; allowed: " + allow;
    Response response = ProblemResponse(problem);
    response.headers.emplace_back("Allow", allow);
    return refuse([&] { return std::move(response); });
  }

  for (size_t s = 0; s < segments.size(); ++s) {
    if (segments_[best][s].param) {
      request.path_params.emplace_back(segments_[best][s].text, std::move(segments[s]));
    }
  }
  return best;
}

}  // namespace everyseat::server
