#include "http/json_reader.hpp"

#include <gtest/gtest.h>

#include "core/error.hpp"

namespace rapport::http {
namespace {

Error error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e;
  }
  return Error(ErrorCode::kInternal, "no error");
}

TEST(JsonReader, ReadsTypedFieldsAndRefusesUnknownOnes) {
  auto j = parse_json_body(R"({"name":"王芳","age":30,"vip":true})");
  ObjectReader r(j);
  EXPECT_EQ(r.required_string("name", 10), "王芳");
  EXPECT_EQ(r.optional_int("age", 0, 150), 30);
  EXPECT_EQ(r.optional_bool("vip"), true);
  EXPECT_FALSE(r.optional_string("email", 10));
  EXPECT_NO_THROW(r.finish());

  ObjectReader r2(j);
  r2.required_string("name", 10);
  auto e = error_of([&] { r2.finish(); });
  EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(e.field(), "age");
}

TEST(JsonReader, NamesTheFieldOfEachError) {
  auto j = parse_json_body(R"({"name":5,"age":"x","big":1e3,"neg":-5,"long":"abcdef"})");
  ObjectReader r(j, "customer");
  EXPECT_EQ(error_of([&] { r.required_string("name", 10); }).field(), "customer.name");
  EXPECT_EQ(error_of([&] { r.optional_int("age", 0, 10); }).field(), "customer.age");
  EXPECT_EQ(error_of([&] { r.optional_int("big", 0, 10); }).field(), "customer.big");
  EXPECT_EQ(error_of([&] { r.optional_int("neg", 0, 10); }).field(), "customer.neg");
  EXPECT_EQ(error_of([&] { r.required_string("long", 5); }).field(), "customer.long");
  EXPECT_EQ(error_of([&] { r.required_string("missing", 5); }).field(), "customer.missing");
}

TEST(JsonReader, RefusesMalformedBodies) {
  EXPECT_EQ(error_of([] { parse_json_body("{\"a\":"); }).field(), "body");
  EXPECT_EQ(error_of([] { parse_json_body(""); }).field(), "body");
  auto arr = parse_json_body("[1,2]");
  EXPECT_EQ(error_of([&] { ObjectReader r(arr); }).field(), "body");
}

}  // namespace
}  // namespace rapport::http
