#pragma once
// The rules of the loyalty programme, pure (no I/O): member card numbers with a Luhn check
// digit, the tier table (thresholds and benefits) and the tier a qualifying amount earns, points
// earned on an order (per currency unit, product and category multipliers, tier and promotion
// multipliers, a cap), the value of redeemed points, and first-in-first-out expiry.
//
// Multipliers are integer percentages (150 = 1.5x) so that every amount stays an integer.
// Errors: parse_* and check_* throw rapport::Error(kInvalidArgument) naming the field.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/time.hpp"

namespace rapport {

// Card numbers: kCardDigits decimal digits, the last one a Luhn (mod 10) check digit, so a
// single mistyped digit or a swap of two adjacent digits fails the check.
inline constexpr std::size_t kCardDigits = 16;

// The Luhn check digit ('0'..'9') for `payload` (digits only). REQUIRES: all digits.
char luhn_check_digit(std::string_view payload) noexcept;
// True when `number` is all digits and its last digit is the Luhn check digit of the rest.
bool luhn_valid(std::string_view number) noexcept;
// A card number from kCardDigits - 1 payload digits: appends the check digit.
// REQUIRES: payload.size() == kCardDigits - 1, all digits.
std::string card_number_from_payload(std::string_view payload);
// Throws invalid_argument naming `field` unless `number` is a well-formed card number
// (kCardDigits digits, spaces and dashes ignored) with a valid check digit; returns the digits.
std::string check_card_number(std::string_view field, std::string_view number);

// One tier: its name, the least qualifying amount (spend in minor units, or points, by the
// programme's basis), and its benefits.
struct LoyaltyTier {
  std::string name;
  std::int64_t threshold = 0;
  std::int64_t earn_multiplier_pct = 100;
  bool free_delivery = false;
};

// Parses the tier table "member:0:100:no; silver:50000:125:no; gold:200000:150:yes":
// name:threshold:earn multiplier percent:free delivery (yes|no), separated by ';'. Tiers are
// listed by rising threshold, the first at 0, names unique (lowercase letters, digits, '_').
// Throws invalid_argument naming `field`.
std::vector<LoyaltyTier> parse_loyalty_tiers(std::string_view text, std::string_view field);
// The highest tier whose threshold `qualifying` reaches. REQUIRES: a table from
// parse_loyalty_tiers (non-empty, first threshold 0).
const LoyaltyTier& tier_for(std::span<const LoyaltyTier> tiers, std::int64_t qualifying);
// The tier named `name`, or nullptr.
const LoyaltyTier* find_tier(std::span<const LoyaltyTier> tiers, std::string_view name);
// The rank of a tier in the table (0 for the first); -1 when unknown.
int tier_rank(std::span<const LoyaltyTier> tiers, std::string_view name);

// The outcome of a tier evaluation. Upgrades apply at once; downgrades only at the review date.
struct TierDecision {
  std::string tier;  // the tier the member holds after this evaluation
  bool changed = false;
};
// `current` is the member's tier, `earned` the tier their qualifying amount reaches now;
// `at_review` is true when the member's review date has come.
TierDecision decide_tier(std::span<const LoyaltyTier> tiers, std::string_view current,
                         std::string_view earned, bool at_review);

// Product and category earn multipliers: "product:17=300, category:4=200" (percent).
struct EarnMultiplier {
  bool product = false;  // else a category
  std::int64_t id = 0;
  std::int64_t pct = 100;
};
std::vector<EarnMultiplier> parse_earn_multipliers(std::string_view text, std::string_view field);

// What earns points: one line of an order after its discounts.
struct EarnLine {
  std::int64_t product_id = 0;
  std::optional<std::int64_t> category_id;
  std::int64_t total_minor = 0;  // what the customer paid for the line
};

struct EarnRules {
  std::int64_t points_per_100_minor = 1;  // base rate: points per 100 minor units paid
  std::vector<EarnMultiplier> multipliers;
  std::int64_t tier_multiplier_pct = 100;
  std::int64_t promotion_multiplier_pct = 100;  // e.g. 200 on a double-points day
  std::int64_t cap_per_order = 0;               // 0: no cap
};

// Points earned by each line (same order as `lines`) and in all. Each line earns
//   floor(total x rate x line multiplier x tier multiplier x promotion multiplier / 100^4)
// where the line multiplier is the product's, else its category's, else 100 (multipliers do
// not compound between product and category). A negative line total earns nothing. The cap
// applies to the order: lines are cut back from the last one. Computed in 128 bits.
struct EarnResult {
  std::vector<std::int64_t> line_points;
  std::int64_t points = 0;
};
EarnResult compute_earned_points(std::span<const EarnLine> lines, const EarnRules& rules);

// The discount (minor units) that `points` redeem at `value_minor_per_100_points`, floored.
std::int64_t redemption_value_minor(std::int64_t points, std::int64_t value_minor_per_100_points);

// Splits `amount` over `weights` in proportion (largest remainder; the parts sum to `amount`
// exactly and none exceeds its weight when amount <= sum of weights). REQUIRES: weights >= 0,
// 0 <= amount.
std::vector<std::int64_t> allocate_proportionally(std::int64_t amount,
                                                  std::span<const std::int64_t> weights);

// Adds calendar months in UTC, clamping the day (Jan 31 + 1 month = Feb 28/29).
TimeMs add_months_utc(TimeMs t, int months);

// First-in-first-out expiry. Every credit (earn, positive adjustment, points given back) is a
// lot; every debit consumes the oldest lots first. With `credits_through_lot` the sum of all
// credits up to and including the newest lot whose expiry has come, and `debits_total` the sum
// of all debits so far (expiries included), the points now due to expire are
//   max(0, credits_through_lot - debits_total).
// (Lot expiries never decrease in earning order, so the expired lots are a prefix.)
std::int64_t points_due_to_expire(std::int64_t credits_through_lot,
                                  std::int64_t debits_total) noexcept;

}  // namespace rapport
