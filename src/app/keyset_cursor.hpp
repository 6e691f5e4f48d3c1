#pragma once
// Cursors of lists sorted on a column other than id: the last row's sort value and its id, so the
// next page starts strictly after that row (keyset pagination: no OFFSET, stable under inserts).
// A cursor names the sort it belongs to ("tag"), so a cursor of one sort order is refused on
// another instead of silently skipping rows. Opaque to clients; text values are hex-encoded.
// Errors: decoding throws invalid_argument on field "cursor" for anything we did not produce.
#include <cstdint>
#include <string>
#include <string_view>

namespace rapport::app {

struct KeysetPosition {
  std::int64_t int_value = 0;  // for integer sort columns
  std::string text_value;      // for text sort columns
  std::int64_t id = 0;
};

std::string encode_keyset_cursor(std::string_view tag, std::int64_t value, std::int64_t id);
std::string encode_keyset_cursor(std::string_view tag, std::string_view text, std::int64_t id);

// `text` says which of the two encodings the tag uses.
KeysetPosition decode_keyset_cursor(std::string_view cursor, std::string_view tag, bool text);

}  // namespace rapport::app
