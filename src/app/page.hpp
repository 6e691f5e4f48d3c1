#pragma once
// Keyset (cursor) pagination shared by every list. The cursor is opaque to clients.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/error.hpp"

namespace rapport::app {

inline constexpr int kDefaultPageSize = 50;
inline constexpr int kMaxPageSize = 500;

template <typename T>
struct Page {
  std::vector<T> items;
  std::optional<std::string> next_cursor;  // nullopt on the last page
};

// A cursor made of one integer key (the last row's id).
inline std::string encode_id_cursor(std::int64_t id) {
  return "i" + std::to_string(id);
}
// Throws invalid_argument naming `field` when the cursor is not one of ours.
inline std::int64_t decode_id_cursor(const std::string& cursor, const char* field = "cursor") {
  if (cursor.size() < 2 || cursor.size() > 20 || cursor[0] != 'i') {
    throw_invalid(field, "is not a cursor returned by this list");
  }
  std::int64_t v = 0;
  for (std::size_t i = 1; i < cursor.size(); ++i) {
    if (cursor[i] < '0' || cursor[i] > '9') {
      throw_invalid(field, "is not a cursor returned by this list");
    }
    // 19 digits may exceed INT64_MAX: refuse rather than overflow into a wrong key.
    const int digit = cursor[i] - '0';
    if (v > (INT64_MAX - digit) / 10) throw_invalid(field, "is not a cursor returned by this list");
    v = v * 10 + digit;
  }
  return v;
}

// An id-keyset page from a query that fetches up to limit + 1 rows in key order: `read` makes the
// item of the current row; a row beyond `limit` only says that there is a next page, whose
// cursor is the last item's id.
template <typename T, typename Rows, typename Read>
Page<T> read_id_page(Rows& rows, int limit, Read&& read) {
  Page<T> page;
  while (rows.step()) {
    if (static_cast<int>(page.items.size()) == limit) {
      page.next_cursor = encode_id_cursor(page.items.back().id);
      break;
    }
    page.items.push_back(read());
  }
  return page;
}

inline int clamp_limit(std::optional<int> limit) {
  if (!limit) return kDefaultPageSize;
  if (*limit < 1 || *limit > kMaxPageSize) {
    throw_invalid("limit", "must be between 1 and " + std::to_string(kMaxPageSize));
  }
  return *limit;
}

}  // namespace rapport::app
