#pragma once
// Time in Rapport: UTC milliseconds since the Unix epoch in storage and in code (one
// representation everywhere); RFC 3339 text ("2026-11-23T19:38:24.123Z") on the wire.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace rapport {

using TimeMs = std::int64_t;
inline constexpr TimeMs kDayMs = 86'400'000;

TimeMs now_ms() noexcept;
// "YYYY-MM-DDTHH:MM:SS.mmmZ".
std::string format_time(TimeMs t);
// Accepts "YYYY-MM-DD", "YYYY-MM-DDTHH:MM[:SS[.fff]]" with "Z" or "+hh:mm"/"-hh:mm" (a date alone
// is midnight UTC). nullopt when malformed or out of range.
std::optional<TimeMs> parse_time(std::string_view text) noexcept;

}  // namespace rapport
