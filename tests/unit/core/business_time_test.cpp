#include "core/business_time.hpp"

#include <gtest/gtest.h>

#include "core/error.hpp"
#include "core/ticket_rules.hpp"

namespace rapport {
namespace {

TimeMs utc(const char* text) {
  auto t = parse_time(text);
  EXPECT_TRUE(t.has_value()) << text;
  return t.value_or(0);
}

constexpr std::int64_t kBtMinuteMs = 60 * 1000;

BusinessCalendar make_calendar(const char* zone, const char* hours, const char* holidays = "") {
  return BusinessCalendar::parse(zone, "business_time_zone", hours, "business_hours", holidays,
                                 "business_holidays");
}

template <typename F>
std::pair<ErrorCode, std::string> calendar_error_of(F&& f) {
  try {
    f();
  } catch (const Error& e) {
    return {e.code(), e.field()};
  }
  ADD_FAILURE() << "no error thrown";
  return {ErrorCode::kInternal, ""};
}

// 2026-11-30 is a Monday.
TEST(BusinessTime, MinutesWithinAndAcrossBusinessDays) {
  auto cal = make_calendar("UTC", "mon-fri 09:00-17:00");
  EXPECT_EQ(add_business_time(cal, utc("2026-11-30T10:00:00Z"), 60 * kBtMinuteMs),
            utc("2026-11-30T11:00:00Z"));
  // Eight business hours from Monday 10:00 end on Tuesday 10:00.
  EXPECT_EQ(add_business_time(cal, utc("2026-11-30T10:00:00Z"), 480 * kBtMinuteMs),
            utc("2026-12-01T10:00:00Z"));
  EXPECT_EQ(add_business_time(cal, utc("2026-11-30T10:00:00Z"), 0), utc("2026-11-30T10:00:00Z"));
  // Exactly at closing time the day's last minute is used up, not moved to the next day.
  EXPECT_EQ(add_business_time(cal, utc("2026-11-30T16:00:00Z"), 60 * kBtMinuteMs),
            utc("2026-11-30T17:00:00Z"));
}

TEST(BusinessTime, AfterHoursAndBeforeOpening) {
  auto cal = make_calendar("UTC", "mon-fri 09:00-17:00");
  EXPECT_EQ(add_business_time(cal, utc("2026-11-30T18:00:00Z"), 60 * kBtMinuteMs),
            utc("2026-12-01T10:00:00Z"));
  EXPECT_EQ(add_business_time(cal, utc("2026-11-30T07:00:00Z"), 30 * kBtMinuteMs),
            utc("2026-11-30T09:30:00Z"));
  // The sunset rule: the close of the day of arrival, or of the next business day after hours.
  EXPECT_EQ(sunset_due(cal, utc("2026-11-30T10:00:00Z")), utc("2026-11-30T17:00:00Z"));
  EXPECT_EQ(sunset_due(cal, utc("2026-11-30T07:00:00Z")), utc("2026-11-30T17:00:00Z"));
  EXPECT_EQ(sunset_due(cal, utc("2026-11-30T16:59:59Z")), utc("2026-11-30T17:00:00Z"));
  EXPECT_EQ(sunset_due(cal, utc("2026-11-30T17:00:00Z")), utc("2026-12-01T17:00:00Z"));
  EXPECT_EQ(sunset_due(cal, utc("2026-11-30T23:30:00Z")), utc("2026-12-01T17:00:00Z"));
}

TEST(BusinessTime, WeekendsAreSkipped) {
  auto cal = make_calendar("UTC", "mon-fri 09:00-17:00");
  // Friday 16:30 + 60 business minutes: 30 on Friday, 30 on Monday.
  EXPECT_EQ(add_business_time(cal, utc("2026-12-04T16:30:00Z"), 60 * kBtMinuteMs),
            utc("2026-12-07T09:30:00Z"));
  EXPECT_EQ(sunset_due(cal, utc("2026-12-04T17:30:00Z")), utc("2026-12-07T17:00:00Z"));
  EXPECT_EQ(sunset_due(cal, utc("2026-12-05T12:00:00Z")), utc("2026-12-07T17:00:00Z"));
  EXPECT_EQ(business_time_between(cal, utc("2026-12-04T16:00:00Z"), utc("2026-12-07T10:00:00Z")),
            120 * kBtMinuteMs);
  // A Saturday opening changes it.
  auto sat = make_calendar("UTC", "mon-fri 09:00-17:00; sat 10:00-14:00");
  EXPECT_EQ(sunset_due(sat, utc("2026-12-04T17:30:00Z")), utc("2026-12-05T14:00:00Z"));
}

TEST(BusinessTime, HolidaysAreNotBusinessDays) {
  auto cal = make_calendar("UTC", "mon-fri 09:00-17:00", "2026-12-07, 2026-12-25");
  EXPECT_EQ(sunset_due(cal, utc("2026-12-04T17:30:00Z")), utc("2026-12-08T17:00:00Z"));
  EXPECT_EQ(sunset_due(cal, utc("2026-12-07T10:00:00Z")), utc("2026-12-08T17:00:00Z"));
  EXPECT_EQ(add_business_time(cal, utc("2026-12-04T16:30:00Z"), 60 * kBtMinuteMs),
            utc("2026-12-08T09:30:00Z"));
  EXPECT_FALSE(cal.is_business_day(cal.local_day(utc("2026-12-25T12:00:00Z"))));
  EXPECT_TRUE(cal.is_business_day(cal.local_day(utc("2026-12-24T12:00:00Z"))));
}

TEST(BusinessTime, AsiaShanghaiLocalDayIsNotTheUtcDay) {
  auto cal = make_calendar("Asia/Shanghai", "mon-fri 09:00-18:00");
  // Monday 17:30 in Shanghai (09:30 UTC): due at 18:00 Shanghai, 10:00 UTC.
  EXPECT_EQ(sunset_due(cal, utc("2026-11-30T09:30:00Z")), utc("2026-11-30T10:00:00Z"));
  // Monday 18:30 in Shanghai: after closing, due Tuesday 18:00 Shanghai.
  EXPECT_EQ(sunset_due(cal, utc("2026-11-30T10:30:00Z")), utc("2026-12-01T10:00:00Z"));
  // Sunday 23:00 UTC is Monday 07:00 in Shanghai: due that Monday, not after the UTC weekend.
  EXPECT_EQ(sunset_due(cal, utc("2026-11-29T23:00:00Z")), utc("2026-11-30T10:00:00Z"));
  // Friday 17:00 Shanghai + 120 business minutes: 60 on Friday, 60 on Monday from 09:00.
  EXPECT_EQ(add_business_time(cal, utc("2026-12-04T09:00:00Z"), 120 * kBtMinuteMs),
            utc("2026-12-07T02:00:00Z"));
  // With the same hours read in UTC, the answers differ: the zone matters.
  auto in_utc = make_calendar("UTC", "mon-fri 09:00-18:00");
  EXPECT_NE(sunset_due(in_utc, utc("2026-11-29T23:00:00Z")), utc("2026-11-30T10:00:00Z"));
}

TEST(BusinessTime, DaylightSavingChangesMoveTheUtcHours) {
  auto ny = make_calendar("America/New_York", "mon-sun 09:00-17:00");
  // Saturday 2026-03-07 16:00 EST (21:00Z) + 120 minutes: 60 that day, then Sunday 8 March opens
  // at 09:00 EDT = 13:00Z (not 14:00Z as in winter).
  EXPECT_EQ(add_business_time(ny, utc("2026-03-07T21:00:00Z"), 120 * kBtMinuteMs),
            utc("2026-03-08T14:00:00Z"));
  EXPECT_EQ(sunset_due(ny, utc("2026-03-08T14:00:00Z")), utc("2026-03-08T21:00:00Z"));
  // Autumn: Saturday 31 October 16:00 EDT (20:00Z); Sunday 1 November opens 09:00 EST = 14:00Z.
  EXPECT_EQ(add_business_time(ny, utc("2026-10-31T20:00:00Z"), 120 * kBtMinuteMs),
            utc("2026-11-01T15:00:00Z"));
  // A day open around the clock is 23 hours long in spring and 25 in autumn.
  auto all_day = make_calendar("America/New_York", "mon-sun 00:00-24:00");
  EXPECT_EQ(
      business_time_between(all_day, utc("2026-03-08T05:00:00Z"), utc("2026-03-09T04:00:00Z")),
      23 * 60 * kBtMinuteMs);
  EXPECT_EQ(
      business_time_between(all_day, utc("2026-11-01T04:00:00Z"), utc("2026-11-02T05:00:00Z")),
      25 * 60 * kBtMinuteMs);
  // Berlin hours that begin inside the skipped hour (02:00-03:00 on 29 March 2026) open at the
  // change itself (01:00Z).
  auto berlin = make_calendar("Europe/Berlin", "sun 02:30-10:00");
  auto hours = berlin.business_hours_of(berlin.local_day(utc("2026-03-29T06:00:00Z")));
  ASSERT_TRUE(hours);
  EXPECT_EQ(hours->first, utc("2026-03-29T01:00:00Z"));
  EXPECT_EQ(hours->second, utc("2026-03-29T08:00:00Z"));
}

TEST(BusinessTime, PausedClockCountsTheRemainingTimeFromTheRestart) {
  auto cal = make_calendar("UTC", "mon-fri 09:00-17:00");
  const TimeMs due = utc("2026-11-30T15:00:00Z");
  // Paused Monday 11:00 with four business hours left; restarted Tuesday 10:00: due 14:00.
  EXPECT_EQ(resume_due(cal, due, utc("2026-11-30T11:00:00Z"), utc("2026-12-01T10:00:00Z")),
            utc("2026-12-01T14:00:00Z"));
  // Restarted in the evening: the remaining hours start at the next opening.
  EXPECT_EQ(resume_due(cal, due, utc("2026-11-30T11:00:00Z"), utc("2026-11-30T20:00:00Z")),
            utc("2026-12-01T13:00:00Z"));
  // Already overdue when paused: the due time stays.
  EXPECT_EQ(resume_due(cal, due, utc("2026-11-30T16:00:00Z"), utc("2026-12-02T10:00:00Z")), due);
  // Paused Friday 16:00 with three business hours left (1 on Friday, 2 on Monday), restarted on
  // Monday at opening: due Monday 12:00.
  EXPECT_EQ(resume_due(cal, utc("2026-12-07T11:00:00Z"), utc("2026-12-04T16:00:00Z"),
                       utc("2026-12-07T09:00:00Z")),
            utc("2026-12-07T12:00:00Z"));
}

TEST(BusinessTime, ParsersNameTheSetting) {
  EXPECT_EQ(calendar_error_of([] { make_calendar("Mars/Olympus", "mon-fri 09:00-17:00"); }),
            std::make_pair(ErrorCode::kInvalidArgument, std::string("business_time_zone")));
  for (const char* bad :
       {"", "mon-fri", "mon-fri 9-17", "mon-fri 17:00-09:00", "xyz 09:00-17:00",
        "mon 09:00-17:00; mon 10:00-11:00", "mon 09:00-25:00", "mon 09:60-10:00"}) {
    EXPECT_EQ(calendar_error_of([&] { make_calendar("UTC", bad); }),
              std::make_pair(ErrorCode::kInvalidArgument, std::string("business_hours")))
        << bad;
  }
  for (const char* bad : {"2026-02-30", "2026/01/01", "tomorrow", "2026-1-1"}) {
    EXPECT_EQ(calendar_error_of([&] { make_calendar("UTC", "mon 09:00-17:00", bad); }),
              std::make_pair(ErrorCode::kInvalidArgument, std::string("business_holidays")))
        << bad;
  }
  // A range may wrap around the week; 24:00 closes at midnight; case does not matter.
  auto h = parse_business_hours("Fri-Mon 10:00-24:00", "business_hours");
  EXPECT_EQ(format_business_hours(h),
            "mon 10:00-24:00; fri 10:00-24:00; sat 10:00-24:00; "
            "sun 10:00-24:00");
  EXPECT_EQ(parse_holidays(" 2026-12-25,2026-01-01 ,2026-12-25", "h").size(), 2u);
  EXPECT_TRUE(parse_holidays("", "h").empty());
}

TEST(TicketRules, TransitionsAndReopen) {
  EXPECT_TRUE(transition_allowed("new", "open"));
  EXPECT_TRUE(transition_allowed("open", "waiting"));
  EXPECT_TRUE(transition_allowed("waiting", "open"));
  EXPECT_TRUE(transition_allowed("resolved", "open"));  // a reopen
  EXPECT_TRUE(transition_allowed("resolved", "closed"));
  EXPECT_FALSE(transition_allowed("closed", "open"));
  EXPECT_FALSE(transition_allowed("open", "new"));
  EXPECT_FALSE(transition_allowed("open", "open"));
  EXPECT_FALSE(transition_allowed("open", "lost"));
  try {
    check_transition("closed", "open");
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kConflict);
    EXPECT_EQ(e.field(), "status");
    EXPECT_NE(std::string(e.what()).find("from 'closed' to 'open'"), std::string::npos);
  }
}

TEST(TicketRules, NextCheckIsTheEarliestWatchedDueTime) {
  SlaClocks c;
  c.status = "open";
  EXPECT_FALSE(next_sla_check(c));
  c.first_response_due = 100;
  c.resolution_due = 500;
  EXPECT_EQ(next_sla_check(c), 100);
  c.first_response_at = 50;
  EXPECT_EQ(next_sla_check(c), 500);
  c.first_response_at.reset();
  c.first_response_breached_at = 101;
  EXPECT_EQ(next_sla_check(c), 500);
  c.paused_at = 200;
  EXPECT_FALSE(next_sla_check(c));
  c.paused_at.reset();
  c.status = "resolved";
  EXPECT_FALSE(next_sla_check(c));
}

TEST(TicketRules, SlaDueAndPercentiles) {
  auto cal = make_calendar("UTC", "mon-fri 09:00-17:00");
  EXPECT_EQ(sla_due(cal, {SlaTarget::Rule::kSunset, 0}, utc("2026-11-30T18:00:00Z")),
            utc("2026-12-01T17:00:00Z"));
  EXPECT_EQ(sla_due(cal, {SlaTarget::Rule::kMinutes, 90}, utc("2026-11-30T16:00:00Z")),
            utc("2026-12-01T09:30:00Z"));
  EXPECT_FALSE(percentile({}, 0.5));
  EXPECT_DOUBLE_EQ(*percentile({1, 2, 3, 4}, 0.5), 2.5);
  EXPECT_DOUBLE_EQ(*percentile({7}, 0.9), 7);
  EXPECT_DOUBLE_EQ(*percentile({0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100}, 0.9), 90);
}

}  // namespace
}  // namespace rapport
