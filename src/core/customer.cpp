#include "core/customer.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <set>

#include "core/error.hpp"
#include "core/validation.hpp"

namespace rapport::customer {

namespace {

// ISO 3166-1 alpha-2, the 249 officially assigned codes, sorted (binary search).
constexpr std::string_view kCountries =
    "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ "
    "BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM "
    "DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS "
    "GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN "
    "KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ "
    "MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM "
    "PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV "
    "SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI "
    "VN VU WF WS YE YT ZA ZM ZW";
constexpr std::size_t kCountryCount = (kCountries.size() + 1) / 3;

constexpr std::array<std::string_view, 7> kAgeGroups = {"0-17",  "18-24", "25-34", "35-44",
                                                        "45-54", "55-64", "65+"};
// The youngest age of each group, in the same order.
constexpr std::array<int, 7> kAgeGroupMin = {0, 18, 25, 35, 45, 55, 65};

bool is_digit_at(std::string_view s, std::size_t i) {
  return s[i] >= '0' && s[i] <= '9';
}

std::string date_text(int year, unsigned month, unsigned day) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", year, month, day);
  return buf;
}

}  // namespace

bool is_kind(std::string_view kind) noexcept {
  return kind == "person" || kind == "organisation";
}

bool is_gender(std::string_view gender) noexcept {
  return gender == "female" || gender == "male" || gender == "other" || gender == "undisclosed";
}

bool is_country(std::string_view code) noexcept {
  if (code.size() != 2) return false;
  std::size_t lo = 0;
  std::size_t hi = kCountryCount;
  while (lo < hi) {
    std::size_t mid = (lo + hi) / 2;
    std::string_view c = kCountries.substr(mid * 3, 2);
    if (c == code) return true;
    if (c < code) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return false;
}

std::string normalize_country(std::string_view field, std::string_view code) {
  std::string c = trim(code);
  for (char& ch : c) {
    if (ch >= 'a' && ch <= 'z') ch = static_cast<char>(ch - 'a' + 'A');
  }
  if (!is_country(c)) {
    throw_invalid(std::string(field),
                  "must be an ISO 3166-1 alpha-2 country code such as CN or FR");
  }
  return c;
}

std::optional<Date> parse_date(std::string_view s) noexcept {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  for (std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (!is_digit_at(s, i)) return std::nullopt;
  }
  Date d;
  d.year = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
  d.month = static_cast<unsigned>((s[5] - '0') * 10 + (s[6] - '0'));
  d.day = static_cast<unsigned>((s[8] - '0') * 10 + (s[9] - '0'));
  std::chrono::year_month_day ymd{std::chrono::year{d.year}, std::chrono::month{d.month},
                                  std::chrono::day{d.day}};
  if (!ymd.ok()) return std::nullopt;
  return d;
}

std::string format_date(const Date& d) {
  return date_text(d.year, d.month, d.day);
}

Date utc_date(std::int64_t ms) noexcept {
  using namespace std::chrono;
  sys_time<milliseconds> tp{milliseconds{ms}};
  year_month_day ymd{floor<days>(tp)};
  return Date{static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
              static_cast<unsigned>(ymd.day())};
}

std::string check_birth_date(std::string_view field, std::string_view text, const Date& today) {
  auto d = parse_date(text);
  if (!d) throw_invalid(std::string(field), "must be a date written YYYY-MM-DD");
  if (*d < Date{1900, 1, 1}) throw_invalid(std::string(field), "must not be before 1900-01-01");
  if (*d > today) throw_invalid(std::string(field), "must not be in the future");
  return format_date(*d);
}

int age_on(const Date& birth, const Date& today) noexcept {
  int age = today.year - birth.year;
  if (std::pair(today.month, today.day) < std::pair(birth.month, birth.day)) --age;
  return age;
}

const std::vector<std::string_view>& age_groups() {
  static const std::vector<std::string_view> groups(kAgeGroups.begin(), kAgeGroups.end());
  return groups;
}

std::string_view age_group_of(int age) noexcept {
  std::size_t i = kAgeGroups.size() - 1;
  while (i > 0 && age < kAgeGroupMin[i]) --i;
  return kAgeGroups[i];
}

std::optional<std::string_view> age_group(std::string_view birth_date, const Date& today) noexcept {
  auto d = parse_date(birth_date);
  if (!d) return std::nullopt;
  return age_group_of(*d > today ? 0 : age_on(*d, today));
}

std::optional<std::pair<std::string, std::string>> birth_date_range(std::string_view group,
                                                                    const Date& today) {
  for (std::size_t i = 0; i < kAgeGroups.size(); ++i) {
    if (kAgeGroups[i] != group) continue;
    // age >= min  <=>  birth <= today minus min years; age < next min  <=>  birth > today minus
    // next-min years. A 29 February bound in a common year sorts between 28 February and
    // 1 March, which is exactly the rule of age_on().
    std::string up_to = date_text(today.year - kAgeGroupMin[i], today.month, today.day);
    std::string after;
    if (i + 1 < kAgeGroups.size()) {
      after = date_text(today.year - kAgeGroupMin[i + 1], today.month, today.day);
    }
    return std::pair(after, up_to);
  }
  return std::nullopt;
}

std::vector<std::string> normalize_tags(std::string_view field,
                                        const std::vector<std::string>& tags) {
  std::set<std::string> out;
  for (std::size_t i = 0; i < tags.size(); ++i) {
    std::string f = std::string(field) + "[" + std::to_string(i) + "]";
    std::string t = trim(tags[i]);
    check_text(f, t, kMaxTag, true);
    out.insert(std::move(t));
  }
  if (out.size() > kMaxTags) {
    throw_invalid(std::string(field), "at most " + std::to_string(kMaxTags) + " tags");
  }
  return {out.begin(), out.end()};
}

void check_custom_fields(std::string_view field, const std::map<std::string, std::string>& custom) {
  if (custom.size() > kMaxCustomFields) {
    throw_invalid(std::string(field), "at most " + std::to_string(kMaxCustomFields) + " fields");
  }
  for (const auto& [k, v] : custom) {
    std::string f = std::string(field) + "." + k.substr(0, 80);
    if (k.empty() || k.size() > kMaxCustomKey) {
      throw_invalid(f, "keys must be 1 to " + std::to_string(kMaxCustomKey) + " characters");
    }
    for (char c : k) {
      bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                c == '_' || c == '.' || c == '-';
      if (!ok) throw_invalid(f, "keys may only hold letters, digits, '_', '.' and '-'");
    }
    check_text(f, v, kMaxCustomValue, false, true);
  }
}

std::vector<ExternalId> normalize_external_ids(std::string_view field,
                                               std::vector<ExternalId> ids) {
  if (ids.size() > kMaxExternalIds) {
    throw_invalid(std::string(field), "at most " + std::to_string(kMaxExternalIds) + " ids");
  }
  std::set<ExternalId> seen;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    std::string f = std::string(field) + "[" + std::to_string(i) + "]";
    ExternalId& e = ids[i];
    e.source = trim(e.source);
    for (char& c : e.source) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    if (e.source.empty() || e.source.size() > kMaxExternalSource) {
      throw_invalid(f + ".source",
                    "must be 1 to " + std::to_string(kMaxExternalSource) + " characters");
    }
    for (char c : e.source) {
      bool ok =
          (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
      if (!ok) throw_invalid(f + ".source", "may only hold a-z, 0-9, '_', '.' and '-'");
    }
    e.id = trim(e.id);
    check_text(f + ".id", e.id, kMaxExternalId, true);
    if (!seen.insert(e).second) throw_invalid(f, "is given twice");
  }
  return ids;
}

}  // namespace rapport::customer
