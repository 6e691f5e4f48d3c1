#include "app/settings.hpp"

#include <cctype>
#include <charconv>
#include <cmath>
#include <optional>

#include <nlohmann/json.hpp>

#include "app/audit_log.hpp"
#include "app/permissions.hpp"
#include "core/error.hpp"
#include "core/loyalty_rules.hpp"
#include "core/validation.hpp"

namespace rapport::app {

namespace {

bool is_upper_code(std::string_view v, std::size_t n) {
  if (v.size() != n) return false;
  for (char c : v) {
    if (c < 'A' || c > 'Z') return false;
  }
  return true;
}

std::optional<double> parse_double(std::string_view v) {
  double out = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
  if (ec != std::errc() || p != v.data() + v.size() || !std::isfinite(out)) return std::nullopt;
  return out;
}

const SettingInfo& info(std::string_view key) {
  for (const auto& s : known_settings()) {
    if (s.key == key) return s;
  }
  throw_invalid("key", "'" + std::string(key) + "' is not a known setting");
}

void validate(std::string_view key, std::string_view value) {
  if (key == setting::kDefaultRegion) {
    if (!is_upper_code(value, 2)) {
      throw_invalid(std::string(key), "must be an ISO 3166 alpha-2 country code such as US or CN");
    }
  } else if (key == setting::kCurrency) {
    if (!is_upper_code(value, 3)) {
      throw_invalid(std::string(key), "must be an ISO 4217 currency code such as USD or CNY");
    }
  } else if (key == setting::kReturnWindowDays) {
    auto v = parse_int64(value);
    if (!v || *v < 0 || *v > 3650)
      throw_invalid(std::string(key), "must be a number of days from 0 to 3650");
  } else if (key == setting::kClvHorizonMonths) {
    auto v = parse_int64(value);
    if (!v || *v < 1 || *v > 120) throw_invalid(std::string(key), "must be 1 to 120 months");
  } else if (key == setting::kClvMonthlyDiscount) {
    auto v = parse_double(value);
    if (!v || *v < 0 || *v > 0.5)
      throw_invalid(std::string(key), "must be a monthly rate from 0 to 0.5, such as 0.01");
  } else if (key == setting::kClvMargin) {
    auto v = parse_double(value);
    if (!v || *v <= 0 || *v > 1)
      throw_invalid(std::string(key), "must be a share of revenue above 0 and at most 1");
  } else if (key == setting::kBasketMinSupport) {
    auto v = parse_double(value);
    if (!v || *v <= 0 || *v > 1)
      throw_invalid(std::string(key), "must be a fraction of the orders above 0 and at most 1");
  } else if (key == setting::kBasketMinConfidence) {
    auto v = parse_double(value);
    if (!v || *v < 0 || *v > 1) throw_invalid(std::string(key), "must be from 0 to 1");
  } else if (key == setting::kBasketMaxLength) {
    auto v = parse_int64(value);
    if (!v || *v < 2 || *v > 10) throw_invalid(std::string(key), "must be 2 to 10 products");
  } else if (key == setting::kBusinessTimeZone) {
    find_time_zone(value, std::string(key));
  } else if (key == setting::kBusinessHours) {
    parse_business_hours(value, std::string(key));
  } else if (key == setting::kBusinessHolidays) {
    if (value.size() > 20000) throw_invalid(std::string(key), "holds at most 20000 characters");
    parse_holidays(value, std::string(key));
  } else if (key == setting::kLoyaltyTiers) {
    parse_loyalty_tiers(value, key);
  } else if (key == setting::kLoyaltyTierBasis) {
    if (value != "spend" && value != "points")
      throw_invalid(std::string(key), "must be spend or points");
  } else if (key == setting::kLoyaltyTierMonths) {
    auto v = parse_int64(value);
    if (!v || *v < 1 || *v > 60) throw_invalid(std::string(key), "must be 1 to 60 months");
  } else if (key == setting::kLoyaltyPointsPer100) {
    auto v = parse_int64(value);
    if (!v || *v < 0 || *v > 10000)
      throw_invalid(std::string(key), "must be 0 to 10000 points per 100 minor units");
  } else if (key == setting::kLoyaltyEarnMultipliers) {
    if (value.size() > 20000) throw_invalid(std::string(key), "holds at most 20000 characters");
    parse_earn_multipliers(value, key);
  } else if (key == setting::kLoyaltyEarnCap) {
    auto v = parse_int64(value);
    if (!v || *v < 0 || *v > 1'000'000'000)
      throw_invalid(std::string(key), "must be 0 (no cap) to 1000000000 points");
  } else if (key == setting::kLoyaltyPointValue) {
    auto v = parse_int64(value);
    if (!v || *v < 1 || *v > 1'000'000)
      throw_invalid(std::string(key), "must be 1 to 1000000 minor units per 100 points");
  } else if (key == setting::kLoyaltyExpiryMonths) {
    auto v = parse_int64(value);
    if (!v || *v < 1 || *v > 120) throw_invalid(std::string(key), "must be 1 to 120 months");
  } else if (key == setting::kLoyaltyNoticeDays) {
    auto v = parse_int64(value);
    if (!v || *v < 0 || *v > 365) throw_invalid(std::string(key), "must be 0 to 365 days");
  } else if (key == setting::kSurveyCsatOnResolve || key == setting::kSurveyNpsAfterOrder) {
    if (value != "true" && value != "false")
      throw_invalid(std::string(key), "must be true or false");
  } else if (key == setting::kSurveyNpsQuietDays) {
    auto v = parse_int64(value);
    if (!v || *v < 0 || *v > 3650)
      throw_invalid(std::string(key), "must be a number of days from 0 to 3650");
  } else if (key == setting::kRecommendationDays) {
    auto v = parse_int64(value);
    if (!v || *v < 1 || *v > 3650)
      throw_invalid(std::string(key), "must be a number of days from 1 to 3650");
  }
}

}  // namespace

const std::vector<SettingInfo>& known_settings() {
  static const std::vector<SettingInfo> kSettings = {
      {setting::kDefaultRegion, "US",
       "Country assumed for phone numbers written without a country code"},
      {setting::kCurrency, "USD", "The business's currency (ISO 4217)"},
      {setting::kReturnWindowDays, "30", "Days after purchase within which returns are accepted"},
      {setting::kClvHorizonMonths, "12", "Months of future purchases counted in lifetime value"},
      {setting::kClvMonthlyDiscount, "0.01", "Monthly discount rate of lifetime value"},
      {setting::kClvMargin, "1", "Share of revenue that is profit, applied to lifetime value"},
      {setting::kBasketMinSupport, "0.001",
       "Least share of orders a product combination needs to give basket rules"},
      {setting::kBasketMinConfidence, "0.1", "Least confidence of a stored basket rule"},
      {setting::kBasketMaxLength, "4", "Most products in one basket rule (both sides)"},
      {setting::kRecommendationDays, "365",
       "Days of a customer's recent orders that recommendations start from"},
      {setting::kBusinessTimeZone, "UTC",
       "Time zone of the business hours (IANA name such as Asia/Shanghai); SLA due times"},
      {setting::kBusinessHours, "mon-fri 09:00-18:00",
       "Opening hours per weekday, e.g. \"mon-fri 09:00-18:00; sat 10:00-16:00\"; SLA due times"},
      {setting::kBusinessHolidays, "",
       "Dates the business is closed, YYYY-MM-DD separated by commas; SLA due times"},
      {setting::kLoyaltyTiers, "member:0:100:no; silver:50000:125:no; gold:200000:150:yes",
       "Loyalty tiers: name:threshold:earn percent:free delivery (yes|no), separated by ';'; "
       "thresholds in minor units of spend (or points, by loyalty_tier_basis)"},
      {setting::kLoyaltyTierBasis, "spend",
       "What qualifies for a tier over the rolling window: spend or points"},
      {setting::kLoyaltyTierMonths, "12",
       "Months of the rolling tier window, and between tier reviews (downgrades wait for one)"},
      {setting::kLoyaltyPointsPer100, "1", "Points earned per 100 minor units paid"},
      {setting::kLoyaltyEarnMultipliers, "",
       "Earn multipliers in percent, e.g. \"category:4=200, product:17=300\""},
      {setting::kLoyaltyEarnCap, "0", "Most points one order earns (0: no cap)"},
      {setting::kLoyaltyPointValue, "100", "Discount in minor units that 100 points redeem"},
      {setting::kLoyaltyExpiryMonths, "24", "Months after earning when points expire"},
      {setting::kLoyaltyNoticeDays, "30", "Days ahead of expiry that the member is sent a notice"},
      {setting::kSurveyCsatOnResolve, "false",
       "Invite the customer to a CSAT survey when their ticket is resolved (true or false)"},
      {setting::kSurveyNpsAfterOrder, "false",
       "Invite the customer to an NPS survey after an order placed through the API (true or "
       "false)"},
      {setting::kSurveyNpsQuietDays, "90",
       "Days after an NPS invitation during which an order does not invite the same customer "
       "again"},
  };
  return kSettings;
}

bool is_known_setting(std::string_view key) noexcept {
  for (const auto& s : known_settings()) {
    if (s.key == key) return true;
  }
  return false;
}

std::vector<SettingValue> list_settings(store::Connection& conn, const Caller& caller) {
  require(caller, Permission::kSettingsRead);
  std::vector<SettingValue> out;
  for (const auto& s : known_settings()) {
    out.push_back({std::string(s.key), get_setting(conn, s.key), std::string(s.default_value),
                   std::string(s.description)});
  }
  return out;
}

SettingValue read_setting(store::Connection& conn, const Caller& caller, std::string_view key) {
  require(caller, Permission::kSettingsRead);
  if (!is_known_setting(key)) {
    throw_not_found("'" + std::string(key) + "' is not a known setting", "key");
  }
  const auto& s = info(key);
  return {std::string(s.key), get_setting(conn, s.key), std::string(s.default_value),
          std::string(s.description)};
}

std::int64_t settings_stamp(store::Connection& conn) {
  store::Query q(conn, "SELECT stamp FROM settings_stamp WHERE id = 1");
  return q.step() ? q->get_int(0) : 0;
}

std::string get_setting(store::Connection& conn, std::string_view key) {
  const auto& s = info(key);
  store::Query q(conn, "SELECT value FROM settings WHERE key = ?", key);
  if (q.step()) return std::string(q->get_text(0));
  return std::string(s.default_value);
}

std::int64_t get_setting_int(store::Connection& conn, std::string_view key) {
  auto v = parse_int64(get_setting(conn, key));
  if (!v)
    throw Error(ErrorCode::kInternal, "the setting '" + std::string(key) + "' is not a number");
  return *v;
}

double get_setting_double(store::Connection& conn, std::string_view key) {
  auto v = parse_double(get_setting(conn, key));
  if (!v)
    throw Error(ErrorCode::kInternal, "the setting '" + std::string(key) + "' is not a number");
  return *v;
}

void set_setting(store::Connection& conn, const Caller& caller, std::string_view key,
                 std::string_view value) {
  require(caller, Permission::kSettingsWrite);
  info(key);
  validate(key, value);
  const std::string before = get_setting(conn, key);
  execute(conn,
          "INSERT INTO settings (key, value) VALUES (?, ?) "
          "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
          key, value);
  record_audit(conn, caller, "update", "setting", key, nlohmann::json{{"value", before}},
               nlohmann::json{{"value", std::string(value)}});
}

BusinessCalendar business_calendar(store::Connection& conn) {
  return BusinessCalendar::parse(
      get_setting(conn, setting::kBusinessTimeZone), std::string(setting::kBusinessTimeZone),
      get_setting(conn, setting::kBusinessHours), std::string(setting::kBusinessHours),
      get_setting(conn, setting::kBusinessHolidays), std::string(setting::kBusinessHolidays));
}

WriteOp<SettingValue> update_setting(const Caller& caller, std::string key, std::string value) {
  require(caller, Permission::kSettingsWrite);
  if (!is_known_setting(key)) {
    throw_not_found("'" + key + "' is not a known setting", "key");
  }
  try {
    validate(key, value);
  } catch (const Error& e) {
    // The validators name the key; in this request the offending field is the value, and the
    // message names the setting.
    throw Error(e.code(), key + ": " + e.what(), "value");
  }
  return [caller, key = std::move(key), value = std::move(value)](store::Connection& conn) {
    set_setting(conn, caller, key, value);
    return read_setting(conn, caller, key);
  };
}

}  // namespace rapport::app
