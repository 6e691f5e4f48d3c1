#include "core/discount_rules.hpp"

#include <algorithm>

#include "core/error.hpp"
#include "core/loyalty_rules.hpp"

namespace rapport {

std::string_view promotion_scope_name(PromotionScope s) noexcept {
  switch (s) {
    case PromotionScope::kProduct:
      return "product";
    case PromotionScope::kCategory:
      return "category";
    case PromotionScope::kBasket:
      return "basket";
  }
  return "basket";
}

std::optional<PromotionScope> parse_promotion_scope(std::string_view s) noexcept {
  if (s == "product") return PromotionScope::kProduct;
  if (s == "category") return PromotionScope::kCategory;
  if (s == "basket") return PromotionScope::kBasket;
  return std::nullopt;
}

std::int64_t promotion_discount(const PromotionRule& p, std::int64_t amount, std::int64_t units) {
  if (amount <= 0) return 0;
  __extension__ typedef __int128 Wide128;  // a GCC/Clang type; -Wpedantic wants it marked
  Wide128 d = static_cast<Wide128>(amount) * p.percent_off / 100 +
              static_cast<Wide128>(p.amount_off_minor) * units;
  return d >= amount ? amount : static_cast<std::int64_t>(d);
}

PromotionOutcome apply_promotions(std::span<const DiscountLine> lines,
                                  std::span<const PromotionRule> promotions) {
  PromotionOutcome out;
  out.line_discounts.assign(lines.size(), 0);
  auto note_applied = [&](const PromotionRule& p) {
    out.points_multiplier_pct = std::max(out.points_multiplier_pct, p.points_multiplier_pct);
    if (!p.stackable && !out.blocks_coupon) out.blocks_coupon = p.id;
  };
  std::vector<std::int64_t> left(lines.size());
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const DiscountLine& l = lines[i];
    const PromotionRule* best = nullptr;
    std::int64_t best_amount = -1;
    for (const auto& p : promotions) {
      const bool hits = (p.scope == PromotionScope::kProduct && p.product_id == l.product_id) ||
                        (p.scope == PromotionScope::kCategory && p.category_id &&
                         std::find(l.categories.begin(), l.categories.end(), *p.category_id) !=
                             l.categories.end());
      if (!hits) continue;
      const std::int64_t d = promotion_discount(p, l.total_minor, l.quantity);
      if (d > best_amount) {
        best = &p;
        best_amount = d;
      }
    }
    if (best != nullptr) {
      note_applied(*best);
      if (best_amount > 0) {
        out.line_discounts[i] = best_amount;
        out.applied.push_back({best->id, i, best_amount});
      }
    }
    left[i] = l.total_minor - out.line_discounts[i];
  }
  std::int64_t subtotal = 0;
  for (auto v : left) subtotal += v;
  const PromotionRule* best = nullptr;
  std::int64_t best_amount = -1;
  for (const auto& p : promotions) {
    if (p.scope != PromotionScope::kBasket || subtotal < p.min_basket_minor) continue;
    const std::int64_t d = promotion_discount(p, subtotal, 1);
    if (d > best_amount) {
      best = &p;
      best_amount = d;
    }
  }
  if (best != nullptr) {
    note_applied(*best);
    if (best_amount > 0) {
      const auto parts = allocate_proportionally(best_amount, left);
      for (std::size_t i = 0; i < lines.size(); ++i) out.line_discounts[i] += parts[i];
      out.applied.push_back({best->id, std::nullopt, best_amount});
    }
  }
  return out;
}

void check_promotion(const PromotionRule& p, TimeMs starts_at, TimeMs ends_at) {
  if (p.percent_off < 0 || p.percent_off > 100) throw_invalid("percent_off", "must be 0 to 100");
  if (p.amount_off_minor < 0) throw_invalid("amount_off_minor", "must be 0 or more");
  if (p.min_basket_minor < 0) throw_invalid("min_basket_minor", "must be 0 or more");
  if (p.points_multiplier_pct < 100 || p.points_multiplier_pct > 1000) {
    throw_invalid("points_multiplier_pct", "must be 100 (none) to 1000 percent");
  }
  if (p.percent_off == 0 && p.amount_off_minor == 0 && p.points_multiplier_pct == 100) {
    throw_invalid("percent_off",
                  "a promotion needs a percent off, an amount off or a points "
                  "multiplier");
  }
  const bool product = p.scope == PromotionScope::kProduct;
  const bool category = p.scope == PromotionScope::kCategory;
  if (product != p.product_id.has_value()) {
    throw_invalid("product_id", product ? "is required for a product promotion"
                                        : "is only for a product promotion");
  }
  if (category != p.category_id.has_value()) {
    throw_invalid("category_id", category ? "is required for a category promotion"
                                          : "is only for a category promotion");
  }
  if (p.scope != PromotionScope::kBasket && p.min_basket_minor != 0) {
    throw_invalid("min_basket_minor", "is only for a basket promotion");
  }
  if (ends_at <= starts_at) throw_invalid("ends_at", "must be after starts_at");
}

void check_coupon_usable(std::string_view field, const CouponTerms& c, TimeMs now,
                         std::optional<std::int64_t> customer_id, std::int64_t total_minor,
                         std::int64_t uses, std::int64_t customer_uses) {
  const std::string f(field);
  if (now < c.starts_at) throw_conflict("the coupon is valid from " + format_time(c.starts_at), f);
  if (now >= c.ends_at) throw_conflict("the coupon expired at " + format_time(c.ends_at), f);
  if (c.customer_id && customer_id != c.customer_id) {
    throw_conflict("the coupon belongs to another customer", f);
  }
  if (c.max_uses_per_customer > 0 && !customer_id && c.max_uses_per_customer < c.max_uses) {
    throw_conflict("the coupon is limited per customer: the order needs a customer", f);
  }
  if (uses >= c.max_uses) {
    throw_conflict("the coupon is used up (" + std::to_string(c.max_uses) + " uses)", f);
  }
  if (customer_id && customer_uses >= c.max_uses_per_customer) {
    throw_conflict(
        "the customer has used the coupon " + std::to_string(customer_uses) + " times, its limit",
        f);
  }
  if (total_minor < c.min_spend_minor) {
    throw_conflict("the coupon needs a spend of at least " + std::to_string(c.min_spend_minor) +
                       " minor units; the order comes to " + std::to_string(total_minor),
                   f);
  }
}

std::int64_t coupon_discount(const CouponTerms& c, std::int64_t total_minor) {
  PromotionRule as_rule;
  as_rule.percent_off = c.percent_off;
  as_rule.amount_off_minor = c.amount_off_minor;
  return promotion_discount(as_rule, total_minor, 1);
}

std::string upper_coupon_chars(std::string_view field, std::string_view text,
                               std::string_view message) {
  std::string out;
  for (char ch : text) {
    if (ch >= 'a' && ch <= 'z') ch = static_cast<char>(ch - 'a' + 'A');
    if (!((ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '-')) {
      throw_invalid(std::string(field), std::string(message));
    }
    out.push_back(ch);
  }
  return out;
}

std::string check_coupon_code(std::string_view field, std::string_view code) {
  constexpr std::string_view kRule = "a coupon code is 4-32 letters, digits or '-'";
  std::string out = upper_coupon_chars(field, code, kRule);
  if (out.size() < 4 || out.size() > 32) throw_invalid(std::string(field), std::string(kRule));
  return out;
}

}  // namespace rapport
