#include "core/validation.hpp"

#include <charconv>

#include "core/error.hpp"

namespace rapport {

bool is_valid_utf8(std::string_view s) noexcept {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  std::size_t n = s.size();
  std::size_t i = 0;
  while (i < n) {
    unsigned char c = p[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t len = 0;
    unsigned cp = 0;
    if ((c & 0xE0) == 0xC0) {
      len = 2;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + len > n) return false;
    for (std::size_t k = 1; k < len; ++k) {
      if ((p[i + k] & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (p[i + k] & 0x3F);
    }
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
        cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      return false;
    }
    i += len;
  }
  return true;
}

std::size_t utf8_length(std::string_view s) noexcept {
  std::size_t n = 0;
  for (unsigned char c : s) {
    if ((c & 0xC0) != 0x80) ++n;
  }
  return n;
}

std::string trim(std::string_view s) {
  auto ws = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  std::size_t b = 0;
  std::size_t e = s.size();
  while (b < e && ws(s[b])) ++b;
  while (e > b && ws(s[e - 1])) --e;
  return std::string(s.substr(b, e - b));
}

void check_text(std::string_view field, std::string_view value, std::size_t max_chars,
                bool required, bool multiline) {
  if (!is_valid_utf8(value)) throw_invalid(std::string(field), "is not valid UTF-8");
  for (unsigned char c : value) {
    bool allowed_ws = multiline && (c == '\n' || c == '\t' || c == '\r');
    if ((c < 0x20 && !allowed_ws) || c == 0x7F) {
      throw_invalid(std::string(field), "contains a control character");
    }
  }
  if (utf8_length(value) > max_chars) {
    throw_invalid(std::string(field),
                  "is longer than " + std::to_string(max_chars) + " characters");
  }
  if (required && trim(value).empty()) throw_invalid(std::string(field), "must not be empty");
}

void check_email(std::string_view field, std::string_view value) {
  if (value.empty()) throw_invalid(std::string(field), "must not be empty");
  if (value.size() > 254) throw_invalid(std::string(field), "is longer than 254 characters");
  if (!is_valid_utf8(value)) throw_invalid(std::string(field), "is not valid UTF-8");
  auto at = value.find('@');
  if (at == std::string_view::npos || at == 0 ||
      value.find('@', at + 1) != std::string_view::npos) {
    throw_invalid(std::string(field), "is not an email address");
  }
  auto domain = value.substr(at + 1);
  auto dot = domain.rfind('.');
  if (domain.empty() || dot == std::string_view::npos || dot == 0 || dot + 1 == domain.size()) {
    throw_invalid(std::string(field), "is not an email address");
  }
  for (unsigned char c : value) {
    if (c <= 0x20 || c == 0x7F || c == '<' || c == '>' || c == ',' || c == ';') {
      throw_invalid(std::string(field), "is not an email address");
    }
  }
}

std::optional<std::int64_t> parse_int64(std::string_view s) noexcept {
  std::int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

}  // namespace rapport
