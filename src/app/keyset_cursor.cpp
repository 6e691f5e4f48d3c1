#include "app/keyset_cursor.hpp"

#include <charconv>

#include "core/error.hpp"
#include "core/validation.hpp"

namespace rapport::app {

namespace {

[[noreturn]] void bad_cursor() {
  throw_invalid("cursor", "is not a cursor returned by this list with this sort");
}

std::int64_t cursor_int(std::string_view s) {
  auto v = parse_int64(s);
  if (!v) bad_cursor();
  return *v;
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

}  // namespace

std::string encode_keyset_cursor(std::string_view tag, std::int64_t value, std::int64_t id) {
  std::string out(tag);
  out += '~';
  out += std::to_string(value);
  out += '~';
  out += std::to_string(id);
  return out;
}

std::string encode_keyset_cursor(std::string_view tag, std::string_view text, std::int64_t id) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(tag);
  out += '~';
  for (unsigned char c : text) {
    out += kHex[c >> 4];
    out += kHex[c & 15];
  }
  out += '~';
  out += std::to_string(id);
  return out;
}

KeysetPosition decode_keyset_cursor(std::string_view cursor, std::string_view tag, bool text) {
  if (cursor.size() > 2048 || cursor.substr(0, tag.size()) != tag) bad_cursor();
  std::string_view rest = cursor.substr(tag.size());
  if (rest.empty() || rest[0] != '~') bad_cursor();
  rest.remove_prefix(1);
  auto sep = rest.find('~');
  if (sep == std::string_view::npos) bad_cursor();
  std::string_view value = rest.substr(0, sep);
  KeysetPosition pos;
  pos.id = cursor_int(rest.substr(sep + 1));
  if (text) {
    if (value.size() % 2 != 0) bad_cursor();
    for (std::size_t i = 0; i < value.size(); i += 2) {
      int hi = hex_digit(value[i]);
      int lo = hex_digit(value[i + 1]);
      if (hi < 0 || lo < 0) bad_cursor();
      pos.text_value += static_cast<char>(hi * 16 + lo);
    }
  } else {
    pos.int_value = cursor_int(value);
  }
  return pos;
}

}  // namespace rapport::app
