#include "http/static_files.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <restinio/transforms/zlib.hpp>
#include <string>
#include <vector>

namespace rapport::http {
namespace {

namespace fs = std::filesystem;

std::string header(const StaticResponse& r, std::string_view name) {
  for (const auto& [k, v] : r.headers) {
    if (k == name) return v;
  }
  return {};
}

class StaticFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() /
            ("rapport-static-" + std::to_string(::getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(root_ / "assets");
    write("index.html", "<!doctype html><title>Rapport</title>" + std::string(600, ' '));
    js_ = "export const x = 1;\n";
    for (int i = 0; i < 200; ++i) js_ += "console.log('line " + std::to_string(i) + "');\n";
    write("assets/index-AbC123.js", js_);
    write("favicon.png", std::string("\x89PNG\r\n\x1a\n", 8) + std::string(2000, '\x01'));
    fs::create_directories(root_.parent_path() / (root_.filename().string() + "-secret"));
    std::ofstream(root_.parent_path() / (root_.filename().string() + "-secret") / "s.txt")
        << "secret";
  }
  void TearDown() override {
    fs::remove_all(root_);
    fs::remove_all(root_.parent_path() / (root_.filename().string() + "-secret"));
  }
  void write(const std::string& rel, const std::string& content) {
    std::ofstream(root_ / rel, std::ios::binary) << content;
  }
  fs::path root_;
  std::string js_;
};

TEST_F(StaticFilesTest, HashedAssetsAreGzippedAndCachedForAYear) {
  StaticFiles files(root_.string());
  auto r = files.get("/assets/index-AbC123.js", "gzip, deflate, br", "");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(header(*r, "Content-Encoding"), "gzip");
  EXPECT_EQ(header(*r, "Vary"), "Accept-Encoding");
  EXPECT_EQ(header(*r, "Cache-Control"), "public, max-age=31536000, immutable");
  EXPECT_LT(r->body.size(), js_.size() / 4);
  EXPECT_EQ(restinio::transforms::zlib::gzip_decompress(r->body), js_);

  // A client that does not take gzip gets the plain bytes, with another tag.
  auto plain = files.get("/assets/index-AbC123.js", "identity", "");
  ASSERT_TRUE(plain);
  EXPECT_EQ(plain->body, js_);
  EXPECT_EQ(header(*plain, "Content-Encoding"), "");
  EXPECT_NE(header(*plain, "ETag"), header(*r, "ETag"));
}

TEST_F(StaticFilesTest, IfNoneMatchAnswers304ForTheSameRepresentationOnly) {
  StaticFiles files(root_.string());
  auto first = files.get("/index.html", "gzip", "");
  ASSERT_TRUE(first);
  const std::string tag = header(*first, "ETag");
  ASSERT_FALSE(tag.empty());
  EXPECT_EQ(header(*first, "Cache-Control"), "no-cache");
  auto again = files.get("/index.html", "gzip", "\"other\", " + tag);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 304);
  EXPECT_TRUE(again->body.empty());
  EXPECT_EQ(files.get("/index.html", "gzip", "W/" + tag)->status, 304);
  // The plain representation has its own tag.
  EXPECT_EQ(files.get("/index.html", "", tag)->status, 200);
}

TEST_F(StaticFilesTest, AChangedFileIsReadAgain) {
  StaticFiles files(root_.string());
  auto before = files.get("/index.html", "", "");
  write("index.html", "<!doctype html><title>Rapport 2</title>");
  fs::last_write_time(root_ / "index.html",
                      fs::last_write_time(root_ / "index.html") + std::chrono::seconds(5));
  auto after = files.get("/index.html", "", header(*before, "ETag"));
  ASSERT_TRUE(after);
  EXPECT_EQ(after->status, 200);
  EXPECT_EQ(after->body, "<!doctype html><title>Rapport 2</title>");
}

TEST_F(StaticFilesTest, AppRoutesGetIndexButMissingAssetsAndEscapesDoNot) {
  StaticFiles files(root_.string());
  auto route = files.get("/customers/42", "", "");
  ASSERT_TRUE(route);
  EXPECT_EQ(route->content_type, "text/html; charset=utf-8");
  EXPECT_EQ(header(*route, "Cache-Control"), "no-cache");
  // A stale hashed name must not be cached as the app's HTML for a year.
  EXPECT_FALSE(files.get("/assets/index-Old999.js", "", ""));
  // Outside the root (also a sibling folder sharing the root's name as a prefix): index.html.
  const std::vector<std::string> escapes = {"/../" + root_.filename().string() + "-secret/s.txt",
                                            "/%2e%2e/etc/passwd", "/../../etc/passwd"};
  for (const std::string& p : escapes) {
    auto r = files.get(p, "", "");
    ASSERT_TRUE(r) << p;
    EXPECT_EQ(r->content_type, "text/html; charset=utf-8") << p;
    EXPECT_EQ(r->body.find("secret"), std::string::npos) << p;
  }
  // Binary types are not compressed.
  auto png = files.get("/favicon.png", "gzip", "");
  ASSERT_TRUE(png);
  EXPECT_EQ(header(*png, "Content-Encoding"), "");
  EXPECT_EQ(png->content_type, "image/png");
}

TEST_F(StaticFilesTest, NoRootOrNoIndexServesNothing) {
  EXPECT_FALSE(StaticFiles("").get("/", "", ""));
  fs::remove(root_ / "index.html");
  EXPECT_FALSE(StaticFiles(root_.string()).get("/customers", "", ""));
}

TEST(StaticFilesAcceptEncoding, ReadsTokensAndQualities) {
  EXPECT_TRUE(StaticFiles::accepts_gzip("gzip"));
  EXPECT_TRUE(StaticFiles::accepts_gzip("deflate, GZIP;q=0.5"));
  EXPECT_TRUE(StaticFiles::accepts_gzip("br, *"));
  EXPECT_FALSE(StaticFiles::accepts_gzip(""));
  EXPECT_FALSE(StaticFiles::accepts_gzip("identity"));
  EXPECT_FALSE(StaticFiles::accepts_gzip("gzip;q=0"));
  EXPECT_FALSE(StaticFiles::accepts_gzip("gzip; q=0.000"));
  EXPECT_FALSE(StaticFiles::accepts_gzip("x-gzip-ish"));
}

}  // namespace
}  // namespace rapport::http
