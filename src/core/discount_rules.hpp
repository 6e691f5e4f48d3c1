#pragma once
// The rules of promotions, coupons and price matching, pure (no I/O), in integer minor units.
//
// Promotions are date-bound discounts on a product, a category or the basket total, with an
// optional points multiplier (double points days). Stacking: on one line only the best product
// or category promotion applies (they never add up on a line); then the best basket promotion
// applies to what is left; a coupon applies after the promotions, unless a promotion that
// applied is not stackable (the coupon is then refused). Points are redeemed last.
// Price match: a line charged above the shelf price is charged the shelf price.
//
// Errors: check_* throw rapport::Error naming the field (conflict for a coupon the order cannot
// use now: not yet valid, expired, used up, minimum spend not reached).
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/time.hpp"

namespace rapport {

enum class PromotionScope { kProduct, kCategory, kBasket };
std::string_view promotion_scope_name(PromotionScope s) noexcept;
std::optional<PromotionScope> parse_promotion_scope(std::string_view s) noexcept;

struct PromotionRule {
  std::int64_t id = 0;
  std::string name;
  PromotionScope scope = PromotionScope::kBasket;
  std::optional<std::int64_t> product_id;   // kProduct
  std::optional<std::int64_t> category_id;  // kCategory
  std::int64_t min_basket_minor = 0;        // kBasket: the subtotal after line discounts
  std::int64_t percent_off = 0;             // 0-100
  std::int64_t amount_off_minor = 0;        // per unit on a line; once on the basket
  std::int64_t points_multiplier_pct = 100;
  bool stackable = true;  // false: no coupon on an order it applies to
};

struct DiscountLine {
  std::int64_t product_id = 0;
  std::vector<std::int64_t> categories;  // the product's category and every category above it
  std::int64_t quantity = 0;
  std::int64_t total_minor = 0;  // after the line's own discount (and any price match)
};

struct AppliedPromotion {
  std::int64_t promotion_id = 0;
  std::optional<std::size_t> line;  // nullopt: a basket promotion
  std::int64_t amount_minor = 0;
};

struct PromotionOutcome {
  std::vector<std::int64_t> line_discounts;   // per line, line and basket promotions together
  std::vector<AppliedPromotion> applied;      // amount > 0 only, lines first
  std::int64_t points_multiplier_pct = 100;   // the highest of the promotions that apply
  std::optional<std::int64_t> blocks_coupon;  // a non-stackable promotion that applied
};

// The discount of one promotion on an amount (never above it): percent (floored) plus the
// fixed amount (per unit for lines, `units` = 1 for the basket).
std::int64_t promotion_discount(const PromotionRule& p, std::int64_t amount, std::int64_t units);

// Applies the promotions in effect to the lines (REQUIRES: line totals >= 0). A product
// promotion applies to the lines of its product, a category promotion to the lines of products in
// the category or any category below it; a basket promotion when the subtotal after
// line promotions reaches its minimum; its discount is spread over the lines by their totals.
PromotionOutcome apply_promotions(std::span<const DiscountLine> lines,
                                  std::span<const PromotionRule> promotions);

// Checks a promotion's shape: percent 0-100, amounts >= 0, at least one benefit, the scope's
// target given (and only it), starts before ends, multiplier 100-1000. Field names as the API's.
void check_promotion(const PromotionRule& p, TimeMs starts_at, TimeMs ends_at);

struct CouponTerms {
  std::int64_t percent_off = 0;
  std::int64_t amount_off_minor = 0;
  std::int64_t min_spend_minor = 0;
  std::int64_t max_uses = 1;  // in all
  std::int64_t max_uses_per_customer = 1;
  std::optional<std::int64_t> customer_id;  // nullopt: anyone
  TimeMs starts_at = 0;
  TimeMs ends_at = 0;  // exclusive
};

// Throws conflict (field `field`) when an order of `total_minor` by `customer_id` at `now` may
// not use the coupon, given its uses so far in all and by this customer; names the reason.
void check_coupon_usable(std::string_view field, const CouponTerms& c, TimeMs now,
                         std::optional<std::int64_t> customer_id, std::int64_t total_minor,
                         std::int64_t uses, std::int64_t customer_uses);
// The coupon's discount on `total_minor` (never above it).
std::int64_t coupon_discount(const CouponTerms& c, std::int64_t total_minor);
// Coupon codes: 4-32 of A-Z, 0-9 and '-', compared in upper case. Returns the normal form.
std::string check_coupon_code(std::string_view field, std::string_view code);
// The characters of a code (or of a prefix of one) in upper case; throws invalid_argument on
// `field` with `message` at any that is not a letter, digit or '-'.
std::string upper_coupon_chars(std::string_view field, std::string_view text,
                               std::string_view message);

}  // namespace rapport
