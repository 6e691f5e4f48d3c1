#include "http/request_checks.hpp"

#include <gtest/gtest.h>

#include "core/error.hpp"

namespace rapport::http {
namespace {

std::string field_of_bad_query(std::string_view q) {
  try {
    parse_query_string(q);
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument) << q;
    return e.field();
  }
  return "(accepted)";
}

TEST(RequestChecks, QueryReadsWhatClientsSendUnescaped) {
  auto q = parse_query_string("to=2099-01-01T00:00:00Z&q=a@b.example&x=!(y)*/,+z&e=%C3%A9");
  EXPECT_EQ(q["to"], "2099-01-01T00:00:00Z");
  EXPECT_EQ(q["q"], "a@b.example");
  EXPECT_EQ(q["x"], "!(y)*/, z");
  EXPECT_EQ(q["e"], "\xC3\xA9");
  // Only '&' separates pairs.
  EXPECT_EQ(parse_query_string("limit=1;q=x")["limit"], "1;q=x");
  EXPECT_EQ(parse_query_string("").size(), 0u);
}

TEST(RequestChecks, BrokenQueryNamesTheParameter) {
  EXPECT_EQ(field_of_bad_query("cursor=%ZZ"), "cursor");
  EXPECT_EQ(field_of_bad_query("q=%"), "q");
  EXPECT_EQ(field_of_bad_query("q=%E2%82"), "q");  // unfinished UTF-8
  EXPECT_EQ(field_of_bad_query("q=%C3%28"), "q");  // not a continuation byte
  EXPECT_EQ(field_of_bad_query("a=1&limit=%G1"), "limit");
  EXPECT_EQ(field_of_bad_query("q%ZZ=1"), "query");     // the name itself is broken
  EXPECT_EQ(field_of_bad_query("verbose"), "verbose");  // no '='
  EXPECT_EQ(field_of_bad_query("a=1&b"), "b");
  EXPECT_EQ(field_of_bad_query("q=\x01"), "q");  // control characters must be escaped
}

TEST(RequestChecks, JsonContentType) {
  for (const char* ok :
       {"application/json", "Application/JSON", "application/json; charset=utf-8",
        "application/json;charset=\"UTF-8\"", " application/json ; foo=bar", "application/json;"}) {
    EXPECT_TRUE(is_json_content_type(ok)) << ok;
  }
  for (const char* bad : {"", "text/plain", "application/jsonx", "application/json-patch+json",
                          "text/json", "application/json; charset=latin1", "application/json; x",
                          "application /json", "application/json/x", "json"}) {
    EXPECT_FALSE(is_json_content_type(bad)) << bad;
  }
}

TEST(RequestChecks, ClientRequestIds) {
  EXPECT_TRUE(valid_client_request_id("client-id_1.2"));
  EXPECT_TRUE(valid_client_request_id(std::string(64, 'x')));
  EXPECT_FALSE(valid_client_request_id(std::string(65, 'x')));
  EXPECT_FALSE(valid_client_request_id(""));
  EXPECT_FALSE(valid_client_request_id("has space"));
  EXPECT_FALSE(valid_client_request_id("line\nbreak"));
  EXPECT_FALSE(valid_client_request_id("quote\"s"));
}

TEST(RequestChecks, PathTemplates) {
  EXPECT_TRUE(path_matches_template("/api/v1/users/{id}", "/api/v1/users/12"));
  EXPECT_TRUE(path_matches_template("/api/v1/users/{id}", "/api/v1/users/12/"));
  EXPECT_TRUE(path_matches_template("/api/v1/users/{id}/password", "/api/v1/users/x/password"));
  EXPECT_TRUE(path_matches_template("/api/v1/users", "/api/v1/users"));
  EXPECT_FALSE(path_matches_template("/api/v1/users/{id}", "/api/v1/users/"));
  EXPECT_FALSE(path_matches_template("/api/v1/users/{id}", "/api/v1/users"));
  EXPECT_FALSE(path_matches_template("/api/v1/users/{id}", "/api/v1/users/1/2"));
  EXPECT_FALSE(path_matches_template("/api/v1/users", "/api/v1/usersx"));
  EXPECT_FALSE(path_matches_template("/api/v1/users", "/api/v1/user"));
}

}  // namespace
}  // namespace rapport::http
