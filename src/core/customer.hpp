#pragma once
// Customer rules that need no I/O: field limits, the allow-lists (kind, gender, ISO 3166
// countries), birth dates and the age groups derived from them, tags, custom fields and
// external ids. The use cases in app/customer_service call these before any write.
//
// Errors: every check throws rapport::Error(kInvalidArgument) naming the field it was given
// (a JSON path such as "tags[3]" or "custom.loyalty_card"); none asserts on input.
// Thread-safety: pure functions over their arguments.
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rapport::customer {

// Field limits (code points unless said otherwise).
inline constexpr std::size_t kMaxName = 200;
inline constexpr std::size_t kMaxEmail = 254;
inline constexpr std::size_t kMaxPhone = 64;
inline constexpr std::size_t kMaxStreet = 200;
inline constexpr std::size_t kMaxCity = 100;
inline constexpr std::size_t kMaxRegion = 100;
inline constexpr std::size_t kMaxPostalCode = 20;
inline constexpr std::size_t kMaxConsentSource = 100;
inline constexpr std::size_t kMaxTags = 50;
inline constexpr std::size_t kMaxTag = 50;
inline constexpr std::size_t kMaxCustomFields = 50;
inline constexpr std::size_t kMaxCustomKey = 64;
inline constexpr std::size_t kMaxCustomValue = 1000;
inline constexpr std::size_t kMaxExternalIds = 20;
inline constexpr std::size_t kMaxExternalSource = 50;
inline constexpr std::size_t kMaxExternalId = 200;

// "person" or "organisation".
bool is_kind(std::string_view kind) noexcept;
// The gender allow-list: female, male, other, undisclosed. Gender is always optional.
bool is_gender(std::string_view gender) noexcept;
// An officially assigned ISO 3166-1 alpha-2 code, upper case ("CN", "FR").
bool is_country(std::string_view code) noexcept;
// Upper-cases ASCII letters and checks is_country; returns the code.
std::string normalize_country(std::string_view field, std::string_view code);

// A calendar date (proleptic Gregorian).
struct Date {
  int year = 0;
  unsigned month = 0;
  unsigned day = 0;
  auto operator<=>(const Date&) const = default;
};

// "YYYY-MM-DD" exactly, a real date; nullopt otherwise.
std::optional<Date> parse_date(std::string_view text) noexcept;
std::string format_date(const Date& d);
// The UTC date of a time in milliseconds since the epoch.
Date utc_date(std::int64_t ms) noexcept;

// A birth date: a real date, not after `today`, not before 1900-01-01. Returns it formatted.
std::string check_birth_date(std::string_view field, std::string_view text, const Date& today);

// Whole years between `birth` and `today` (a 29 February birthday counts on 1 March in common
// years). REQUIRES: birth <= today.
int age_on(const Date& birth, const Date& today) noexcept;

// The age groups, youngest first: "0-17", "18-24", "25-34", "35-44", "45-54", "55-64", "65+".
const std::vector<std::string_view>& age_groups();
// The group of an age in years (negative ages count as 0).
std::string_view age_group_of(int age) noexcept;
// The group of someone born on `birth` as of `today`; nullopt when the birth date is not
// parseable (rows written by hand).
std::optional<std::string_view> age_group(std::string_view birth_date, const Date& today) noexcept;
// The birth dates of the people in `group` on `today` as a range on the stored "YYYY-MM-DD"
// text: birth_date > first AND birth_date <= second (text comparison; `first` may be "" and
// either bound may name a 29 February that the year lacks, which still orders correctly).
// nullopt when `group` is not a group.
std::optional<std::pair<std::string, std::string>> birth_date_range(std::string_view group,
                                                                    const Date& today);

// Tags: trimmed, 1 to kMaxTag characters, no control characters, at most kMaxTags per customer;
// duplicates (same text) collapse. Returns them sorted. `field` names the list ("tags").
std::vector<std::string> normalize_tags(std::string_view field,
                                        const std::vector<std::string>& tags);

// Custom fields: at most kMaxCustomFields keys of 1 to kMaxCustomKey characters from
// [A-Za-z0-9_.-], values text of at most kMaxCustomValue characters (multi-line allowed).
void check_custom_fields(std::string_view field, const std::map<std::string, std::string>& custom);

struct ExternalId {
  std::string source;  // the other system: "shopify", "pos", "import"
  std::string id;      // its id there
  auto operator<=>(const ExternalId&) const = default;
};
// Source: 1 to kMaxExternalSource characters from [a-z0-9_.-] (lower-cased here); id: 1 to
// kMaxExternalId characters, no control characters; at most kMaxExternalIds, no repeats.
std::vector<ExternalId> normalize_external_ids(std::string_view field, std::vector<ExternalId> ids);

}  // namespace rapport::customer
