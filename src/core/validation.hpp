#pragma once
// Validation of user-supplied text shared by every module. Each check throws
// rapport::Error(kInvalidArgument) naming the field; none asserts.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace rapport {

// True when `s` is well-formed UTF-8 (no overlongs, no surrogates).
bool is_valid_utf8(std::string_view s) noexcept;
// Number of code points; REQUIRES: valid UTF-8.
std::size_t utf8_length(std::string_view s) noexcept;

// Valid UTF-8, no control characters other than tab/newline when `multiline`, at most
// `max_chars` code points, and (when `required`) not blank.
void check_text(std::string_view field, std::string_view value, std::size_t max_chars,
                bool required, bool multiline = false);

// A plausible email address: local@domain.tld, at most 254 bytes, no spaces or controls.
void check_email(std::string_view field, std::string_view value);

// Trims ASCII whitespace at both ends.
std::string trim(std::string_view s);

// The whole of `s` as a decimal integer (optional leading '-'); nullopt otherwise.
std::optional<std::int64_t> parse_int64(std::string_view s) noexcept;

}  // namespace rapport
