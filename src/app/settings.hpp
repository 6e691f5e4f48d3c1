#pragma once
// Business settings (the `settings` table): a fixed list of known keys, each with a default and
// a validator, so a typo can never create a setting nobody reads. Modules add their keys to the
// table in settings.cpp. Values are stored as text.
// Errors: invalid_argument naming the key (unknown key, or a value its validator refuses).
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "app/caller.hpp"
#include "app/write_op.hpp"
#include "core/business_time.hpp"
#include "store/connection.hpp"

namespace rapport::app {

namespace setting {
inline constexpr std::string_view kDefaultRegion = "default_region";  // ISO 3166 alpha-2, "US"
inline constexpr std::string_view kCurrency = "currency";             // ISO 4217, "USD"
inline constexpr std::string_view kReturnWindowDays = "return_window_days";  // 0-3650, 30
// Customer intelligence (app/analytics_service): read by every refresh.
inline constexpr std::string_view kClvHorizonMonths = "clv_horizon_months";        // 1-120, 12
inline constexpr std::string_view kClvMonthlyDiscount = "clv_monthly_discount";    // 0-0.5, 0.01
inline constexpr std::string_view kClvMargin = "clv_margin";                       // (0, 1], 1
inline constexpr std::string_view kBasketMinSupport = "basket_min_support";        // (0, 1], 0.001
inline constexpr std::string_view kBasketMinConfidence = "basket_min_confidence";  // [0,1], 0.1
inline constexpr std::string_view kBasketMaxLength = "basket_max_length";          // 2-10, 4
inline constexpr std::string_view kRecommendationDays = "recommendation_days";     // 1-3650, 365
// Customer service (app/ticket_service): the business calendar SLA due times are computed in.
inline constexpr std::string_view kBusinessTimeZone = "business_time_zone";  // IANA name, UTC
inline constexpr std::string_view kBusinessHours = "business_hours";        // "mon-fri 09:00-18:00"
inline constexpr std::string_view kBusinessHolidays = "business_holidays";  // "2026-12-25, ..."
// Loyalty (app/loyalty_service): tiers, earning, redemption and expiry of points.
inline constexpr std::string_view kLoyaltyTiers = "loyalty_tiers";  // core parse_loyalty_tiers
inline constexpr std::string_view kLoyaltyTierBasis = "loyalty_tier_basis";    // spend | points
inline constexpr std::string_view kLoyaltyTierMonths = "loyalty_tier_months";  // 1-60, 12
inline constexpr std::string_view kLoyaltyPointsPer100 = "loyalty_points_per_100_minor";  // 1
inline constexpr std::string_view kLoyaltyEarnMultipliers = "loyalty_earn_multipliers";
inline constexpr std::string_view kLoyaltyEarnCap = "loyalty_earn_cap";  // per order, 0: none
inline constexpr std::string_view kLoyaltyPointValue = "loyalty_point_value_minor_per_100";
inline constexpr std::string_view kLoyaltyExpiryMonths = "loyalty_expiry_months";     // 1-120, 24
inline constexpr std::string_view kLoyaltyNoticeDays = "loyalty_expiry_notice_days";  // 0-365
// Surveys (app/survey_service): the rules that invite customers.
inline constexpr std::string_view kSurveyCsatOnResolve = "survey_csat_on_resolve";  // true|false
inline constexpr std::string_view kSurveyNpsAfterOrder = "survey_nps_after_order";  // true|false
inline constexpr std::string_view kSurveyNpsQuietDays = "survey_nps_quiet_days";    // 0-3650, 90
}  // namespace setting

struct SettingInfo {
  std::string_view key;
  std::string_view default_value;
  std::string_view description;
};

// Every known setting, in a stable order.
const std::vector<SettingInfo>& known_settings();

// The settings' change stamp as the connection sees them now: equal stamps, equal settings.
std::int64_t settings_stamp(store::Connection& conn);

// True when `key` is one of known_settings().
bool is_known_setting(std::string_view key) noexcept;

// A setting as the API shows it: its current value (stored or default) and what it means.
struct SettingValue {
  std::string key;
  std::string value;
  std::string default_value;
  std::string description;
};
// Every known setting with its current value. Requires Permission::kSettingsRead.
std::vector<SettingValue> list_settings(store::Connection& conn, const Caller& caller);
// One setting; throws not_found (field "key") for an unknown key. Requires kSettingsRead.
SettingValue read_setting(store::Connection& conn, const Caller& caller, std::string_view key);

// The stored value or the default. Throws invalid_argument for an unknown key.
std::string get_setting(store::Connection& conn, std::string_view key);
std::int64_t get_setting_int(store::Connection& conn, std::string_view key);
double get_setting_double(store::Connection& conn, std::string_view key);

// The business calendar of the three business_* settings (their current values).
BusinessCalendar business_calendar(store::Connection& conn);

// Validates and stores a value inside the caller's write transaction, with an audit entry.
// Requires Permission::kSettingsWrite.
void set_setting(store::Connection& conn, const Caller& caller, std::string_view key,
                 std::string_view value);

// The API's change of a setting: permission (kSettingsWrite), key (not_found naming "key" when
// unknown) and value (invalid_argument naming "value") checked now; the op stores it with its
// audit entry and returns the setting as now stored.
WriteOp<SettingValue> update_setting(const Caller& caller, std::string key, std::string value);

}  // namespace rapport::app
