#pragma once
// Business time: opening hours per weekday, a business time zone (an IANA name, through Howard
// Hinnant's date/tz on the OS tz database) and holidays. SLA due times are computed here as pure
// functions of a calendar and UTC instants (TimeMs), and are stored in UTC.
//
// A business day is a local date whose weekday has opening hours and that is not a holiday; its
// business time is [open, close) local time, converted to UTC with the zone's rules of that day
// (a DST change moves the UTC instants, and a day with a skipped or repeated hour is shorter or
// longer in UTC only where the hours overlap the change).
//
// The sunset rule: a first response is due at the close of the business day on which the ticket
// arrived; a ticket that arrives after closing time, or on a day that is not a business day, is
// due at the close of the next business day.
//
// Errors: the parsers throw invalid_argument naming the field they are given (the setting's key).
// Thread-safety: a BusinessCalendar is immutable after construction; every function is safe to
// call from any thread (the tz database is loaded once, thread-safely, by date/tz).
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/time.hpp"

namespace date {
class time_zone;
}

namespace rapport {

// Minutes after local midnight; REQUIRES 0 <= open_minute < close_minute <= 1440.
struct OpeningHours {
  int open_minute = 0;
  int close_minute = 0;
};

// Index 0 is Monday, 6 is Sunday; nullopt: closed all day.
using WeekHours = std::array<std::optional<OpeningHours>, 7>;

// "mon-fri 09:00-18:00; sat 10:00-16:00": entries separated by ';', each a day or a range of
// days (mon tue wed thu fri sat sun, a range may wrap: "fri-mon") and HH:MM-HH:MM (close may be
// 24:00). Days not named are closed; a day named twice, close not after open, or no open day at
// all is refused. Throws invalid_argument on `field`.
WeekHours parse_business_hours(std::string_view text, const std::string& field);
// The canonical text of parse_business_hours' input ("mon 09:00-18:00; tue ...").
std::string format_business_hours(const WeekHours& hours);

// "2026-01-01, 2026-10-01": ISO dates separated by commas (spaces allowed), or empty. Returns
// the dates as days since 1970-01-01, sorted, without duplicates. Throws invalid_argument on
// `field` for a malformed or impossible date (2026-02-30).
std::vector<std::int32_t> parse_holidays(std::string_view text, const std::string& field);

// The zone of an IANA name ("Asia/Shanghai", "UTC"); throws invalid_argument on `field` when the
// tz database does not know it.
const date::time_zone* find_time_zone(std::string_view name, const std::string& field);

class BusinessCalendar {
 public:
  // REQUIRES: `zone` non-null, at least one open weekday, `holidays` sorted (parse_holidays).
  BusinessCalendar(const date::time_zone* zone, WeekHours hours,
                   std::vector<std::int32_t> holidays);
  // Parses the three settings; errors name the given fields.
  static BusinessCalendar parse(std::string_view time_zone, const std::string& zone_field,
                                std::string_view hours, const std::string& hours_field,
                                std::string_view holidays, const std::string& holidays_field);
  // Every day 00:00-24:00 in UTC, no holidays: business time equals wall-clock time.
  static BusinessCalendar always_open_utc();

  // The local date (days since 1970-01-01) of an instant in the business time zone.
  std::int32_t local_day(TimeMs t) const;
  bool is_business_day(std::int32_t day) const;
  // The UTC open and close of a local day's business hours; nullopt when it is not a business day.
  std::optional<std::pair<TimeMs, TimeMs>> business_hours_of(std::int32_t day) const;

 private:
  const date::time_zone* zone_;
  WeekHours hours_;
  std::vector<std::int32_t> holidays_;
};

// The instant at which `business_ms` of business time have passed after `start` (start itself
// when 0). Throws internal if no business day follows within 100,000 days (cannot happen with a
// calendar that has an open weekday).
TimeMs add_business_time(const BusinessCalendar& cal, TimeMs start, std::int64_t business_ms);
// Business time between two instants (0 when to <= from).
std::int64_t business_time_between(const BusinessCalendar& cal, TimeMs from, TimeMs to);
// The sunset rule's due time for a ticket arriving at `arrival` (see the file comment).
TimeMs sunset_due(const BusinessCalendar& cal, TimeMs arrival);
// A due time after the clock was stopped at `paused_at` and restarted at `resumed_at`: the
// business time that was left at the pause is counted again from the restart. A due time already
// passed when the clock stopped does not move.
TimeMs resume_due(const BusinessCalendar& cal, TimeMs due, TimeMs paused_at, TimeMs resumed_at);

}  // namespace rapport
