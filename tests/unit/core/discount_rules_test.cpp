#include "core/discount_rules.hpp"

#include <gtest/gtest.h>

#include "core/error.hpp"

namespace rapport {
namespace {

PromotionRule rule(std::int64_t id, PromotionScope scope, std::int64_t pct, std::int64_t off = 0) {
  PromotionRule p;
  p.id = id;
  p.name = "P" + std::to_string(id);
  p.scope = scope;
  p.percent_off = pct;
  p.amount_off_minor = off;
  return p;
}

TEST(PromotionTest, BestLinePromotionThenBestBasketPromotion) {
  auto tea10 = rule(1, PromotionScope::kProduct, 10);
  tea10.product_id = 7;
  auto drinks5off = rule(2, PromotionScope::kCategory, 0, 50);  // 50 off per unit
  drinks5off.category_id = 3;
  auto basket = rule(3, PromotionScope::kBasket, 5);
  basket.min_basket_minor = 5000;
  auto big_basket = rule(4, PromotionScope::kBasket, 20);
  big_basket.min_basket_minor = 100000;
  std::vector<PromotionRule> promos = {tea10, drinks5off, basket, big_basket};
  std::vector<DiscountLine> lines = {
      {7, {3}, 2, 2000},      // tea in drinks: 10% = 200 vs 2 x 50 = 100: 200
      {8, {12, 3}, 4, 4000},  // in a category below drinks: 200
      {9, {12}, 1, 1000},     // nothing on the line
  };
  PromotionOutcome out = apply_promotions(lines, promos);
  // Lines: 200 + 200; left 1800 + 3800 + 1000 = 6600 >= 5000: basket 5% = 330 spread by totals.
  ASSERT_EQ(out.applied.size(), 3u);
  EXPECT_EQ(out.applied[0].promotion_id, 1);
  EXPECT_EQ(out.applied[0].amount_minor, 200);
  EXPECT_EQ(out.applied[1].promotion_id, 2);
  EXPECT_EQ(out.applied[2].promotion_id, 3);
  EXPECT_EQ(out.applied[2].amount_minor, 330);
  EXPECT_FALSE(out.applied[2].line.has_value());
  EXPECT_EQ(out.line_discounts[0] + out.line_discounts[1] + out.line_discounts[2], 200 + 200 + 330);
  EXPECT_EQ(out.line_discounts[2], 50);  // 1000 / 6600 of 330
  EXPECT_EQ(out.points_multiplier_pct, 100);
  EXPECT_FALSE(out.blocks_coupon.has_value());
}

TEST(PromotionTest, DoublePointsAndNonStackablePromotionsAreReported) {
  auto double_points = rule(5, PromotionScope::kBasket, 0);
  double_points.points_multiplier_pct = 200;
  auto exclusive = rule(6, PromotionScope::kProduct, 30);
  exclusive.product_id = 1;
  exclusive.stackable = false;
  std::vector<PromotionRule> promos = {double_points, exclusive};
  std::vector<DiscountLine> other = {{2, {}, 1, 1000}};
  PromotionOutcome a = apply_promotions(other, promos);
  EXPECT_EQ(a.points_multiplier_pct, 200);
  EXPECT_TRUE(a.applied.empty());  // a multiplier only: no amount
  EXPECT_FALSE(a.blocks_coupon.has_value());
  std::vector<DiscountLine> hit = {{1, {}, 1, 1000}};
  PromotionOutcome b = apply_promotions(hit, promos);
  EXPECT_EQ(b.blocks_coupon, 6);
  EXPECT_EQ(b.line_discounts[0], 300);
}

TEST(PromotionTest, DiscountsNeverExceedTheAmount) {
  auto p = rule(1, PromotionScope::kProduct, 90, 500);
  EXPECT_EQ(promotion_discount(p, 1000, 1), 1000);
  EXPECT_EQ(promotion_discount(p, 0, 3), 0);
  EXPECT_EQ(promotion_discount(rule(2, PromotionScope::kBasket, 15), 999, 1), 149);
}

TEST(PromotionTest, ShapeChecksNameTheField) {
  auto check_field = [](PromotionRule p, TimeMs s, TimeMs e, const char* field) {
    try {
      check_promotion(p, s, e);
      ADD_FAILURE() << field;
    } catch (const Error& err) {
      EXPECT_EQ(err.field(), field);
    }
  };
  check_field(rule(1, PromotionScope::kBasket, 101), 0, 1, "percent_off");
  check_field(rule(1, PromotionScope::kBasket, 0), 0, 1, "percent_off");
  check_field(rule(1, PromotionScope::kProduct, 10), 0, 1, "product_id");
  auto c = rule(1, PromotionScope::kBasket, 10);
  c.category_id = 4;
  check_field(c, 0, 1, "category_id");
  check_field(rule(1, PromotionScope::kBasket, 10), 5, 5, "ends_at");
  auto m = rule(1, PromotionScope::kBasket, 0);
  m.points_multiplier_pct = 50;
  check_field(m, 0, 1, "points_multiplier_pct");
  check_promotion(rule(1, PromotionScope::kBasket, 10), 0, 1);
}

TEST(CouponTest, UsableOnlyWithinItsTermsAndLimits) {
  CouponTerms c;
  c.percent_off = 10;
  c.min_spend_minor = 2000;
  c.max_uses = 3;
  c.max_uses_per_customer = 1;
  c.starts_at = 1000;
  c.ends_at = 2000;
  auto code_of = [&](TimeMs now, std::optional<std::int64_t> who, std::int64_t total,
                     std::int64_t uses, std::int64_t mine) -> std::string {
    try {
      check_coupon_usable("coupon_code", c, now, who, total, uses, mine);
      return "ok";
    } catch (const Error& e) {
      EXPECT_EQ(e.field(), "coupon_code");
      EXPECT_EQ(e.code(), ErrorCode::kConflict);
      return e.what();
    }
  };
  EXPECT_EQ(code_of(1500, 7, 2000, 0, 0), "ok");
  EXPECT_NE(code_of(999, 7, 2000, 0, 0).find("valid from"), std::string::npos);
  EXPECT_NE(code_of(2000, 7, 2000, 0, 0).find("expired"), std::string::npos);
  EXPECT_NE(code_of(1500, 7, 2000, 3, 0).find("used up"), std::string::npos);
  EXPECT_NE(code_of(1500, 7, 2000, 1, 1).find("limit"), std::string::npos);
  EXPECT_NE(code_of(1500, 7, 1999, 0, 0).find("at least 2000"), std::string::npos);
  EXPECT_NE(code_of(1500, std::nullopt, 5000, 0, 0).find("needs a customer"), std::string::npos);
  c.customer_id = 9;
  EXPECT_NE(code_of(1500, 7, 5000, 0, 0).find("another customer"), std::string::npos);
  EXPECT_EQ(coupon_discount(c, 2999), 299);
  EXPECT_EQ(check_coupon_code("code", "xmas-2026"), "XMAS-2026");
  EXPECT_THROW(check_coupon_code("code", "ab"), Error);
  EXPECT_THROW(check_coupon_code("code", "bad code"), Error);
}

}  // namespace
}  // namespace rapport
