#include "core/business_time.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <stdexcept>

#include <date/date.h>
#include <date/tz.h>

#include "core/error.hpp"

namespace rapport {

namespace {

using std::chrono::milliseconds;

constexpr std::array<std::string_view, 7> kBusinessDayNames = {"mon", "tue", "wed", "thu",
                                                               "fri", "sat", "sun"};
constexpr std::int32_t kMaxBusinessDaysSearched = 100000;

std::string_view bt_trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::optional<int> business_day_index(std::string_view name) {
  std::string lower;
  for (char c : name) lower.push_back(static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c));
  for (std::size_t i = 0; i < kBusinessDayNames.size(); ++i) {
    if (kBusinessDayNames[i] == lower) return static_cast<int>(i);
  }
  return std::nullopt;
}

// "HH:MM" -> minutes after midnight (24:00 allowed); nullopt when malformed.
std::optional<int> parse_clock_time(std::string_view s) {
  if (s.size() != 5 || s[2] != ':') return std::nullopt;
  for (std::size_t i : {0u, 1u, 3u, 4u}) {
    if (s[i] < '0' || s[i] > '9') return std::nullopt;
  }
  const int h = (s[0] - '0') * 10 + (s[1] - '0');
  const int m = (s[3] - '0') * 10 + (s[4] - '0');
  if (m > 59 || h > 24 || (h == 24 && m != 0)) return std::nullopt;
  return h * 60 + m;
}

TimeMs to_time_ms(date::sys_time<milliseconds> t) {
  return t.time_since_epoch().count();
}

}  // namespace

WeekHours parse_business_hours(std::string_view text, const std::string& field) {
  const std::string example = " (e.g. \"mon-fri 09:00-18:00; sat 10:00-16:00\")";
  WeekHours hours;
  bool any = false;
  std::string_view rest = text;
  while (!rest.empty()) {
    const std::size_t semi = rest.find(';');
    std::string_view entry = bt_trim(rest.substr(0, semi));
    rest = semi == std::string_view::npos ? std::string_view() : rest.substr(semi + 1);
    if (entry.empty()) continue;
    const std::size_t space = entry.find(' ');
    if (space == std::string_view::npos) {
      throw_invalid(field, "'" + std::string(entry) + "' needs days and hours" + example);
    }
    std::string_view days = bt_trim(entry.substr(0, space));
    std::string_view span = bt_trim(entry.substr(space + 1));
    const std::size_t dash = days.find('-');
    auto first = business_day_index(days.substr(0, dash));
    auto last = dash == std::string_view::npos ? first : business_day_index(days.substr(dash + 1));
    if (!first || !last) {
      throw_invalid(
          field, "'" + std::string(days) + "' is not a day or range of days (mon..sun)" + example);
    }
    const std::size_t hdash = span.find('-');
    std::optional<int> open;
    std::optional<int> close;
    if (hdash != std::string_view::npos) {
      open = parse_clock_time(bt_trim(span.substr(0, hdash)));
      close = parse_clock_time(bt_trim(span.substr(hdash + 1)));
    }
    if (!open || !close) {
      throw_invalid(field, "'" + std::string(span) + "' is not a time range HH:MM-HH:MM" + example);
    }
    if (*close <= *open) {
      throw_invalid(field, "'" + std::string(span) + "' closes before it opens");
    }
    for (int d = *first;; d = (d + 1) % 7) {
      if (hours[static_cast<std::size_t>(d)]) {
        throw_invalid(
            field, std::string(kBusinessDayNames[static_cast<std::size_t>(d)]) + " is given twice");
      }
      hours[static_cast<std::size_t>(d)] = OpeningHours{*open, *close};
      any = true;
      if (d == *last) break;
    }
  }
  if (!any) throw_invalid(field, "must open on at least one day" + example);
  return hours;
}

std::string format_business_hours(const WeekHours& hours) {
  std::string out;
  for (std::size_t d = 0; d < hours.size(); ++d) {
    if (!hours[d]) continue;
    char buf[32];
    std::snprintf(buf, sizeof buf, "%02d:%02d-%02d:%02d", hours[d]->open_minute / 60,
                  hours[d]->open_minute % 60, hours[d]->close_minute / 60,
                  hours[d]->close_minute % 60);
    if (!out.empty()) out += "; ";
    out += std::string(kBusinessDayNames[d]) + " " + buf;
  }
  return out;
}

std::vector<std::int32_t> parse_holidays(std::string_view text, const std::string& field) {
  std::vector<std::int32_t> out;
  std::string_view rest = text;
  while (!rest.empty()) {
    const std::size_t comma = rest.find(',');
    std::string_view d = bt_trim(rest.substr(0, comma));
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    if (d.empty()) continue;
    bool shape = d.size() == 10 && d[4] == '-' && d[7] == '-';
    for (std::size_t i = 0; shape && i < d.size(); ++i) {
      if (i != 4 && i != 7 && (d[i] < '0' || d[i] > '9')) shape = false;
    }
    if (!shape) {
      throw_invalid(field, "'" + std::string(d) + "' is not a date YYYY-MM-DD (list dates " +
                               "separated by commas)");
    }
    auto num = [&](std::size_t from, std::size_t n) {
      int v = 0;
      for (std::size_t i = from; i < from + n; ++i) v = v * 10 + (d[i] - '0');
      return v;
    };
    const date::year_month_day ymd{date::year{num(0, 4)},
                                   date::month{static_cast<unsigned>(num(5, 2))},
                                   date::day{static_cast<unsigned>(num(8, 2))}};
    if (!ymd.ok()) throw_invalid(field, "'" + std::string(d) + "' is not a date in the calendar");
    out.push_back(static_cast<std::int32_t>(date::sys_days{ymd}.time_since_epoch().count()));
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

const date::time_zone* find_time_zone(std::string_view name, const std::string& field) {
  if (name.empty() || name.size() > 64) {
    throw_invalid(field, "must be an IANA time zone name such as UTC or Asia/Shanghai");
  }
  try {
    return date::locate_zone(name);
  } catch (const std::runtime_error&) {
    throw_invalid(field, "'" + std::string(name) +
                             "' is not an IANA time zone name (such as UTC, Europe/Berlin or "
                             "Asia/Shanghai)");
  }
}

BusinessCalendar::BusinessCalendar(const date::time_zone* zone, WeekHours hours,
                                   std::vector<std::int32_t> holidays)
    : zone_(zone), hours_(hours), holidays_(std::move(holidays)) {}

BusinessCalendar BusinessCalendar::parse(std::string_view time_zone, const std::string& zone_field,
                                         std::string_view hours, const std::string& hours_field,
                                         std::string_view holidays,
                                         const std::string& holidays_field) {
  const date::time_zone* zone = find_time_zone(time_zone, zone_field);
  return BusinessCalendar(zone, parse_business_hours(hours, hours_field),
                          parse_holidays(holidays, holidays_field));
}

BusinessCalendar BusinessCalendar::always_open_utc() {
  WeekHours all;
  all.fill(OpeningHours{0, 1440});
  return BusinessCalendar(date::locate_zone("UTC"), all, {});
}

std::int32_t BusinessCalendar::local_day(TimeMs t) const {
  const auto local = zone_->to_local(date::sys_time<milliseconds>(milliseconds(t)));
  return static_cast<std::int32_t>(date::floor<date::days>(local).time_since_epoch().count());
}

bool BusinessCalendar::is_business_day(std::int32_t day) const {
  // iso_encoding: Monday 1 .. Sunday 7.
  const unsigned wd = date::weekday(date::sys_days(date::days(day))).iso_encoding();
  if (!hours_[wd - 1]) return false;
  return !std::binary_search(holidays_.begin(), holidays_.end(), day);
}

std::optional<std::pair<TimeMs, TimeMs>> BusinessCalendar::business_hours_of(
    std::int32_t day) const {
  if (!is_business_day(day)) return std::nullopt;
  const unsigned wd = date::weekday(date::sys_days(date::days(day))).iso_encoding();
  const OpeningHours& h = *hours_[wd - 1];
  const date::local_time<milliseconds> midnight{date::days(day)};
  // A local time skipped by a DST change maps to the change itself; a repeated one opens at its
  // first occurrence and closes at its last, so no business time is lost to the change.
  const auto open =
      zone_->to_sys(midnight + std::chrono::minutes(h.open_minute), date::choose::earliest);
  const auto close =
      zone_->to_sys(midnight + std::chrono::minutes(h.close_minute), date::choose::latest);
  if (close <= open) return std::nullopt;
  return std::make_pair(to_time_ms(open), to_time_ms(close));
}

TimeMs add_business_time(const BusinessCalendar& cal, TimeMs start, std::int64_t business_ms) {
  if (business_ms <= 0) return start;
  std::int64_t remaining = business_ms;
  std::int32_t day = cal.local_day(start);
  for (std::int32_t i = 0; i < kMaxBusinessDaysSearched; ++i, ++day) {
    auto hours = cal.business_hours_of(day);
    if (!hours) continue;
    const TimeMs from = std::max(start, hours->first);
    if (from >= hours->second) continue;
    const std::int64_t available = hours->second - from;
    if (available >= remaining) return from + remaining;
    remaining -= available;
  }
  throw Error(ErrorCode::kInternal, "no business day found within 100000 days");
}

std::int64_t business_time_between(const BusinessCalendar& cal, TimeMs from, TimeMs to) {
  if (to <= from) return 0;
  std::int64_t total = 0;
  const std::int32_t last = cal.local_day(to);
  for (std::int32_t day = cal.local_day(from); day <= last; ++day) {
    auto hours = cal.business_hours_of(day);
    if (!hours) continue;
    const TimeMs a = std::max(from, hours->first);
    const TimeMs b = std::min(to, hours->second);
    if (b > a) total += b - a;
  }
  return total;
}

TimeMs sunset_due(const BusinessCalendar& cal, TimeMs arrival) {
  std::int32_t day = cal.local_day(arrival);
  if (auto hours = cal.business_hours_of(day); hours && arrival < hours->second) {
    return hours->second;
  }
  for (std::int32_t i = 0; i < kMaxBusinessDaysSearched; ++i) {
    ++day;
    if (auto hours = cal.business_hours_of(day)) return hours->second;
  }
  throw Error(ErrorCode::kInternal, "no business day found within 100000 days");
}

TimeMs resume_due(const BusinessCalendar& cal, TimeMs due, TimeMs paused_at, TimeMs resumed_at) {
  if (due <= paused_at || resumed_at <= paused_at) return due;
  return add_business_time(cal, resumed_at, business_time_between(cal, paused_at, due));
}

}  // namespace rapport
