#pragma once
// What the unit tests of every layer share: a fresh directory per test and one-number queries.
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include <gtest/gtest.h>

#include "core/error.hpp"
#include "store/connection.hpp"

namespace rapport::test_support {

// An empty directory named after `prefix`, the process and the running test (tests of one binary
// may run in parallel processes under ctest), emptied first if a crashed run left it behind.
inline std::filesystem::path fresh_test_dir(std::string_view prefix) {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  auto dir = std::filesystem::temp_directory_path() /
             (std::string(prefix) + "-" + std::to_string(::getpid()) + "-" +
              (info != nullptr ? info->name() : "suite"));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

// The first column of the first row of `sql` (a count, a sum).
inline std::int64_t scalar(store::Connection& conn, std::string_view sql) {
  store::Query q(conn, sql);
  EXPECT_TRUE(q.step()) << sql;
  return q->get_int(0);
}

// The rapport::Error `f` throws (a test failure when it throws none), to check its code and field.
template <typename F>
Error error_of(F&& f) {
  try {
    f();
  } catch (const Error& e) {
    return e;
  }
  ADD_FAILURE() << "no error thrown";
  return Error(ErrorCode::kInternal, "none");
}

}  // namespace rapport::test_support
