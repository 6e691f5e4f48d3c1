#include "core/validation.hpp"

#include <gtest/gtest.h>

#include "core/error.hpp"
#include "core/role.hpp"

namespace rapport {
namespace {

TEST(Utf8, AcceptsWellFormedAndRefusesMalformed) {
  EXPECT_TRUE(is_valid_utf8("plain"));
  EXPECT_TRUE(is_valid_utf8("王小明"));
  EXPECT_TRUE(is_valid_utf8("\xF0\x9F\x98\x80"));  // emoji
  EXPECT_FALSE(is_valid_utf8("\xC0\xAF"));         // overlong '/'
  EXPECT_FALSE(is_valid_utf8("\xED\xA0\x80"));     // surrogate
  EXPECT_FALSE(is_valid_utf8("\xE4\xB8"));         // truncated
  EXPECT_FALSE(is_valid_utf8("\xFF"));
  EXPECT_EQ(utf8_length("王小明"), 3u);
}

Error text_error(std::string_view v, std::size_t max, bool required, bool multiline = false) {
  try {
    check_text("name", v, max, required, multiline);
  } catch (const Error& e) {
    return e;
  }
  return Error(ErrorCode::kInternal, "no error");
}

TEST(CheckText, NamesTheFieldAndTheReason) {
  EXPECT_NO_THROW(check_text("name", "王小明", 3, true));
  Error e = text_error("王小明了", 3, true);
  EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(e.field(), "name");
  EXPECT_NE(std::string(e.what()).find("3 characters"), std::string::npos);
  EXPECT_EQ(text_error("   ", 10, true).code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(text_error("a\x01", 10, false).code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(text_error("a\nb", 10, false).code(), ErrorCode::kInvalidArgument);
  EXPECT_NO_THROW(check_text("body", "a\nb", 10, false, true));
  EXPECT_EQ(text_error("\xFF", 10, false).code(), ErrorCode::kInvalidArgument);
}

TEST(CheckEmail, AcceptsPlausibleAddressesOnly) {
  EXPECT_NO_THROW(check_email("email", "li.wei@example.com.cn"));
  for (const char* bad : {"", "no-at", "@example.com", "a@b", "a@b.", "a@.com", "a b@example.com",
                          "a@@example.com", "a@example.com>"}) {
    EXPECT_THROW(check_email("email", bad), Error) << bad;
  }
}

TEST(Roles, RoundTripNames) {
  for (Role r : kAllRoles) EXPECT_EQ(parse_role(role_name(r)), r);
  EXPECT_FALSE(parse_role("root").has_value());
}

}  // namespace
}  // namespace rapport
