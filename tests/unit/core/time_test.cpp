#include "core/time.hpp"

#include <gtest/gtest.h>

namespace rapport {
namespace {

TEST(Time, FormatsUtcWithMilliseconds) {
  EXPECT_EQ(format_time(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(format_time(1795463560898), "2026-11-23T19:52:40.898Z");
}

TEST(Time, ParsesDatesTimesAndOffsets) {
  EXPECT_EQ(parse_time("1970-01-02"), 86400000);
  EXPECT_EQ(parse_time("2026-11-23T19:52:40.898Z"), 1795463560898);
  EXPECT_EQ(parse_time("2026-11-23T19:52:40Z"), 1795463560000);
  EXPECT_EQ(parse_time("2026-11-24T03:52:40+08:00"), 1795463560000);
  EXPECT_EQ(parse_time("1970-01-01T00:00"), 0);
}

TEST(Time, RoundTrips) {
  for (TimeMs t : {0LL, 1LL, 951782400123LL, 4102444799999LL}) {
    EXPECT_EQ(parse_time(format_time(t)), t);
  }
}

TEST(Time, RefusesMalformedText) {
  for (const char* s :
       {"", "2026", "2026-13-01", "2026-02-30", "2026-11-23T25:00", "2026-11-23T10:00Q",
        "2026-11-23T10:00:00.Z", "2026-11-23x", "abcd-ef-gh", "2026-11-23T10:00+0800"}) {
    EXPECT_FALSE(parse_time(s).has_value()) << s;
  }
}

}  // namespace
}  // namespace rapport
