// Static files under /assets/ (static_files.h) through a Router, without sockets: bytes and
// Content-Type, nested paths, ETag and If-None-Match, HEAD, and 404 for everything that must not
// be served (traversal, dotfiles, directories, missing files, no root).
#include "everyseat/server/static_files.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include <gtest/gtest.h>

#include "everyseat/server/http.h"
#include "everyseat/server/openapi.h"

namespace everyseat::server {
namespace {

namespace fs = std::filesystem;

std::optional<std::string> HeaderOf(const Response& response, std::string_view name) {
  for (const auto& [key, value] : response.headers) {
    if (key == name) return value;
  }
  return std::nullopt;
}

class StaticFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() /
            ("everyseat-static-" + std::to_string(::getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
    fs::create_directories(root_ / "assets" / "images" / "icons");
    Write("assets/app.css", "body { color: #212b32; }\n");
    Write("assets/app.js", "console.log('hi');\n");
    Write("assets/images/logo.png", std::string("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16));
    Write("assets/images/icons/tick.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"/>");
    Write("assets/manifest.webmanifest", "{}");
    Write("assets/.secret", "dotfile");
    Write("assets/images/.hidden.svg", "<svg/>");
    Write("secret.txt", "outside assets");
    AddStaticRoutes(router_, root_);
  }

  void TearDown() override { fs::remove_all(root_); }

  void Write(const std::string& relative, const std::string& bytes) {
    std::ofstream out(root_ / relative, std::ios::binary);
    out << bytes;
  }

  Response Get(std::string target, std::string method = "GET",
               std::optional<std::string> if_none_match = std::nullopt) const {
    return Get(router_, std::move(target), std::move(method), std::move(if_none_match));
  }

  static Response Get(const Router& router, std::string target, std::string method = "GET",
                      std::optional<std::string> if_none_match = std::nullopt) {
    Request request;
    request.method = std::move(method);
    request.target = std::move(target);
    if (if_none_match) request.headers.emplace_back("If-None-Match", *if_none_match);
    return router.Handle(request);
  }

  fs::path root_;
  Router router_;
};

TEST_F(StaticFilesTest, ServesTheFileWithItsBytesTypeAndCaching) {
  const Response css = Get("/assets/app.css");
  EXPECT_EQ(css.status, 200);
  EXPECT_EQ(css.body, "body { color: #212b32; }\n");
  EXPECT_EQ(css.content_type, "text/css; charset=utf-8");
  EXPECT_EQ(HeaderOf(css, "Cache-Control"), "public, max-age=3600");
  ASSERT_TRUE(HeaderOf(css, "ETag").has_value());
  EXPECT_EQ(HeaderOf(css, "ETag")->front(), '"');

  const Response js = Get("/assets/app.js");
  EXPECT_EQ(js.status, 200);
  EXPECT_EQ(js.content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(js.body, "console.log('hi');\n");

  const Response manifest = Get("/assets/manifest.webmanifest");
  EXPECT_EQ(manifest.status, 200);
  EXPECT_EQ(manifest.content_type, "application/manifest+json");
}

TEST_F(StaticFilesTest, ServesNestedPathsWithBinaryBytesIntact) {
  const Response png = Get("/assets/images/logo.png");
  EXPECT_EQ(png.status, 200);
  EXPECT_EQ(png.content_type, "image/png");
  EXPECT_EQ(png.body, std::string("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16));

  const Response svg = Get("/assets/images/icons/tick.svg");
  EXPECT_EQ(svg.status, 200);
  EXPECT_EQ(svg.content_type, "image/svg+xml");
  EXPECT_EQ(svg.body, "<svg xmlns=\"http://www.w3.org/2000/svg\"/>");
}

TEST_F(StaticFilesTest, AnswersHeadThroughTheGetRoute) {
  const Response head = Get("/assets/app.css", "HEAD");
  EXPECT_EQ(head.status, 200);  // the server drops the body and keeps Content-Length
  EXPECT_EQ(head.content_type, "text/css; charset=utf-8");
}

TEST_F(StaticFilesTest, AnswersNotModifiedForAMatchingETag) {
  const Response first = Get("/assets/app.css");
  const std::string etag = HeaderOf(first, "ETag").value();

  const Response again = Get("/assets/app.css", "GET", etag);
  EXPECT_EQ(again.status, 304);
  EXPECT_TRUE(again.body.empty());
  EXPECT_EQ(HeaderOf(again, "ETag"), etag);
  EXPECT_EQ(HeaderOf(again, "Cache-Control"), "public, max-age=3600");

  EXPECT_EQ(Get("/assets/app.css", "GET", "\"other\", W/" + etag).status, 304);
  EXPECT_EQ(Get("/assets/app.css", "GET", "*").status, 304);
  EXPECT_EQ(Get("/assets/app.css", "GET", "\"other\"").status, 200);
  // Another file's tag does not match.
  EXPECT_EQ(Get("/assets/app.js", "GET", etag).status, 200);
}

TEST_F(StaticFilesTest, TheETagChangesWhenTheFileDoes) {
  const std::string before = HeaderOf(Get("/assets/app.css"), "ETag").value();
  Write("assets/app.css", "body { color: #005eb8; margin: 0; }\n");
  const Response after = Get("/assets/app.css", "GET", before);
  EXPECT_EQ(after.status, 200);
  EXPECT_EQ(after.body, "body { color: #005eb8; margin: 0; }\n");
  EXPECT_NE(HeaderOf(after, "ETag"), before);
}

TEST_F(StaticFilesTest, RefusesTraversal) {
  for (const char* target :
       {"/assets/../secret.txt", "/assets/%2e%2e/secret.txt", "/assets/..%2fsecret.txt",
        "/assets/images/..%2F..%2Fsecret.txt", "/assets/images/../../secret.txt", "/assets/..",
        "/assets/images/..", "/assets/images%2F..%2F..%2Fsecret.txt", "/assets/%5c..%5csecret.txt",
        "/assets/app.css%00.png", "/assets/./app.css"}) {
    const Response response = Get(target);
    EXPECT_EQ(response.status, 404) << target;
    EXPECT_EQ(response.body.find("outside assets"), std::string::npos) << target;
  }
}

TEST_F(StaticFilesTest, RefusesDotfilesDirectoriesAndMissingFiles) {
  EXPECT_EQ(Get("/assets/.secret").status, 404);
  EXPECT_EQ(Get("/assets/images/.hidden.svg").status, 404);
  EXPECT_EQ(Get("/assets/images").status, 404);
  EXPECT_EQ(Get("/assets/images/icons").status, 404);
  EXPECT_EQ(Get("/assets/missing.css").status, 404);
  EXPECT_EQ(Get("/assets/images/missing.png").status, 404);
  EXPECT_EQ(Get("/assets/a/b/c/d.css").status, 404);  // deeper than the routes go
  EXPECT_EQ(Get("/assets/images//logo.png").status, 404);
}

TEST_F(StaticFilesTest, EveryAssetIsNotFoundWithoutARoot) {
  Router no_root;
  AddStaticRoutes(no_root, fs::path());
  EXPECT_EQ(Get(no_root, "/assets/app.css").status, 404);

  Router no_assets;
  AddStaticRoutes(no_assets, root_ / "assets" / "images");  // holds no assets/ directory
  EXPECT_EQ(Get(no_assets, "/assets/app.css").status, 404);
  EXPECT_EQ(Get(no_assets, "/assets/logo.png").status, 404);
}

TEST_F(StaticFilesTest, StaysOutOfTheApiDocument) {
  EXPECT_TRUE(router_.setup_errors().empty());
  EXPECT_TRUE(CheckOpenApi(router_).empty());
  for (const auto& route : router_.routes()) EXPECT_FALSE(route.doc.in_api) << route.pattern;
}

}  // namespace
}  // namespace everyseat::server
