#include "http/access_log.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/error.hpp"

namespace rapport::http {
namespace {

TEST(AccessLog, LineIsJsonWithEveryField) {
  AccessLogEntry e{"rid-1", "GET", "/api/v1/users/7", "GET /api/v1/users/{id}", 200, 0.0015, 42};
  auto j = nlohmann::json::parse(AccessLog::format(e, 1700000000123));
  EXPECT_EQ(j["request_id"], "rid-1");
  EXPECT_EQ(j["method"], "GET");
  EXPECT_EQ(j["path"], "/api/v1/users/7");
  EXPECT_EQ(j["route"], "GET /api/v1/users/{id}");
  EXPECT_EQ(j["status"], 200);
  EXPECT_DOUBLE_EQ(j["duration_ms"].get<double>(), 1.5);
  EXPECT_EQ(j["ts"], "2023-11-14T22:13:20.123Z");
  EXPECT_EQ(j["user_id"], 42);
  e.user_id.reset();
  EXPECT_TRUE(nlohmann::json::parse(AccessLog::format(e, 0))["user_id"].is_null());
}

TEST(AccessLog, AnyBytesInThePathStayOneValidJsonLine) {
  const std::string nasty = std::string("/a\"b\\c\nd\te\x01\x7f") + "\xff\xc3(\xe2\x82" +
                            "\xed\xa0\x80" /* surrogate */ + "\xc0\xaf" /* overlong */ +
                            "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80";
  AccessLogEntry e{"r", "GET", nasty, "unmatched", 404, 0, std::nullopt};
  std::string line = AccessLog::format(e, 0);
  EXPECT_EQ(line.find('\n'), std::string::npos);
  auto j = nlohmann::json::parse(line);  // throws on invalid UTF-8 or escapes
  std::string path = j["path"];
  EXPECT_EQ(path.substr(0, 12), "/a\"b\\c\nd\te\x01\x7f");
  EXPECT_NE(path.find("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"), std::string::npos);
  EXPECT_NE(path.find("\xef\xbf\xbd"), std::string::npos);  // U+FFFD for the broken bytes
}

TEST(AccessLog, WritesEveryLineByTheEnd) {
  auto file = std::filesystem::temp_directory_path() /
              ("rapport-access-" + std::to_string(::getpid()) + ".log");
  std::filesystem::remove(file);
  {
    AccessLog log(file.string(), std::chrono::milliseconds(5));
    for (int i = 0; i < 1000; ++i) {
      std::string rid = "r" + std::to_string(i);
      log.write({rid, "GET", "/healthz", "GET /healthz", 200, 0.0001, std::nullopt});
    }
  }
  std::ifstream in(file);
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    EXPECT_EQ(nlohmann::json::parse(line)["request_id"], "r" + std::to_string(n));
    ++n;
  }
  EXPECT_EQ(n, 1000);
  std::filesystem::remove(file);
}

TEST(AccessLog, UnopenableFileIsAnError) {
  EXPECT_THROW(AccessLog("/nonexistent-dir/x/access.log"), Error);
}

}  // namespace
}  // namespace rapport::http
