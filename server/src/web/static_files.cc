// Static files under /assets/ (static_files.h).
#include "everyseat/server/static_files.h"

#include <array>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "everyseat/server/json.h"
#include "everyseat/server/openapi.h"

namespace everyseat::server {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kCacheControl = "public, max-age=3600";

struct ContentType {
  std::string_view extension;
  std::string_view type;
};

constexpr std::array<ContentType, 10> kContentTypes{{
    {".css", "text/css; charset=utf-8"},
    {".js", "text/javascript; charset=utf-8"},
    {".svg", "image/svg+xml"},
    {".png", "image/png"},
    {".ico", "image/x-icon"},
    {".woff2", "font/woff2"},
    {".json", "application/json"},
    {".webmanifest", "application/manifest+json"},
    {".map", "application/json"},
    {".txt", "text/plain; charset=utf-8"},
}};

std::string_view ContentTypeOf(const fs::path& file) {
  const std::string extension = file.extension().string();
  for (const auto& [ext, type] : kContentTypes) {
    if (extension == ext) return type;
  }
  return "application/octet-stream";
}

// A path segment that may name a file or directory below assets/: not empty, not starting with
// '.' (dotfiles, "." and ".."), and free of separators, NUL and "..".
bool SafeSegment(std::string_view segment) {
  if (segment.empty() || segment.front() == '.') return false;
  if (segment.find_first_of(std::string_view("/\\\0", 3)) != std::string_view::npos) return false;
  return segment.find("..") == std::string_view::npos;
}

// A strong validator from the file's size and modification time: "<size>-<mtime ticks>" in hex.
std::string ETagOf(uintmax_t size, fs::file_time_type modified) {
  const auto ticks = static_cast<unsigned long long>(modified.time_since_epoch().count());
  std::array<char, 48> text{};
  const int length = std::snprintf(text.data(), text.size(), "\"%llx-%llx\"",
                                   static_cast<unsigned long long>(size), ticks);
  return std::string(text.data(), static_cast<size_t>(length));
}

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

// If-None-Match (RFC 9110 13.1.2): "*" or a comma-separated list of entity tags, compared weakly
// (a W/ prefix is ignored).
bool NoneMatchHits(std::string_view header, std::string_view etag) {
  while (!header.empty()) {
    const size_t comma = header.find(',');
    std::string_view tag = Trim(header.substr(0, comma));
    header = comma == std::string_view::npos ? std::string_view() : header.substr(comma + 1);
    if (tag == "*") return true;
    if (tag.substr(0, 2) == "W/") tag.remove_prefix(2);
    if (tag == etag) return true;
  }
  return false;
}

Response NotFound() {
  Problem problem;
  problem.status = 404;
  problem.detail = "there is no such file";
  return ProblemResponse(problem);
}

std::optional<std::string> ReadFile(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return std::nullopt;
  std::string bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  if (in.bad()) return std::nullopt;
  return bytes;
}

Response Serve(const fs::path& root, const Request& request,
               const std::vector<std::string_view>& segments) {
  if (root.empty()) return NotFound();
  fs::path file = root / "assets";
  for (const std::string_view segment : segments) {
    if (!SafeSegment(segment)) return NotFound();
    file /= fs::path(std::string(segment));
  }

  std::error_code ec;
  if (!fs::is_regular_file(file, ec) || ec) return NotFound();
  const uintmax_t size = fs::file_size(file, ec);
  if (ec) return NotFound();
  const fs::file_time_type modified = fs::last_write_time(file, ec);
  if (ec) return NotFound();
  const std::string etag = ETagOf(size, modified);

  Response response;
  response.headers = {{"ETag", etag}, {"Cache-Control", std::string(kCacheControl)}};
  if (const auto match = request.Header("If-None-Match"); match && NoneMatchHits(*match, etag)) {
    response.status = 304;
    return response;
  }
  auto bytes = ReadFile(file);
  if (!bytes) return NotFound();
  response.status = 200;
  response.content_type = std::string(ContentTypeOf(file));
  response.body = std::move(*bytes);
  return response;
}

}  // namespace

void AddStaticRoutes(Router& router, const std::filesystem::path& root) {
  router.Add("GET", "/assets/{file}", NotInApi(), [root](const Request& request) {
    return Serve(root, request, {request.PathParam("file")});
  });
  router.Add("GET", "/assets/{dir}/{file}", NotInApi(), [root](const Request& request) {
    return Serve(root, request, {request.PathParam("dir"), request.PathParam("file")});
  });
  router.Add("GET", "/assets/{dir}/{subdir}/{file}", NotInApi(), [root](const Request& request) {
    return Serve(
        root, request,
        {request.PathParam("dir"), request.PathParam("subdir"), request.PathParam("file")});
  });
}

}  // namespace everyseat::server
