#include "http/loyalty_codecs.hpp"

#include "core/error.hpp"
#include "core/money.hpp"
#include "http/codecs.hpp"
#include "http/json_reader.hpp"

namespace rapport::http {

nlohmann::json member_json(const app::LoyaltyMember& m) {
  return {{"customer_id", m.customer_id},
          {"customer_name", m.customer_name},
          {"card_number", m.card_number},
          {"card_issued_at", format_time(m.card_issued_at)},
          {"joined_at", format_time(m.joined_at)},
          {"tier", m.tier},
          {"tier_since", format_time(m.tier_since)},
          {"tier_review_at", format_time(m.tier_review_at)},
          {"benefits",
           {{"earn_multiplier_pct", m.earn_multiplier_pct}, {"free_delivery", m.free_delivery}}},
          {"balance", m.balance},
          {"qualifying", {{"basis", m.qualifying_basis}, {"amount", m.qualifying}}},
          {"expiring_points", m.expiring_points},
          {"expiring_by", time_json(m.expiring_by)},
          {"version", m.version}};
}

nlohmann::json ledger_entry_json(const app::LedgerEntry& e) {
  return {{"id", e.id},
          {"customer_id", e.customer_id},
          {"at", format_time(e.at)},
          {"kind", e.kind},
          {"points", e.points},
          {"balance", e.balance},
          {"expires_at", time_json(e.expires_at)},
          {"reason", e.reason},
          {"ref_type", opt(e.ref_type)},
          {"ref_id", opt(e.ref_id)},
          {"user_id", opt(e.user_id)}};
}

nlohmann::json tier_json(const LoyaltyTier& t) {
  return {{"name", t.name},
          {"threshold", t.threshold},
          {"earn_multiplier_pct", t.earn_multiplier_pct},
          {"free_delivery", t.free_delivery}};
}

std::int64_t read_enrolment(const nlohmann::json& body) {
  ObjectReader r(body);
  const std::int64_t id = r.required_int("customer_id", 1, INT64_MAX);
  r.finish();
  return id;
}

std::optional<std::string> read_card_replacement(const nlohmann::json& body) {
  ObjectReader r(body);
  auto reason = r.optional_string("reason", app::kMaxLedgerReason);
  r.finish();
  return reason;
}

AdjustmentBody read_adjustment(const nlohmann::json& body) {
  ObjectReader r(body);
  AdjustmentBody a;
  a.points = r.required_int("points", -app::kMaxAdjustPoints, app::kMaxAdjustPoints);
  a.reason = r.required_string("reason", app::kMaxLedgerReason);
  r.finish();
  return a;
}

namespace {

TimeMs required_time(ObjectReader& r, const char* key) {
  const std::string text = r.required_string(key, 40);
  auto t = parse_time(text);
  if (!t) throw_invalid(r.field_path(key), "must be an RFC 3339 time such as 2026-12-01T00:00:00Z");
  return *t;
}

}  // namespace

nlohmann::json promotion_json(const app::Promotion& p) {
  return {{"id", p.rule.id},
          {"name", p.rule.name},
          {"scope", std::string(promotion_scope_name(p.rule.scope))},
          {"product_id", opt(p.rule.product_id)},
          {"category_id", opt(p.rule.category_id)},
          {"min_basket_minor", p.rule.min_basket_minor},
          {"percent_off", p.rule.percent_off},
          {"amount_off_minor", p.rule.amount_off_minor},
          {"points_multiplier_pct", p.rule.points_multiplier_pct},
          {"stackable", p.rule.stackable},
          {"starts_at", format_time(p.starts_at)},
          {"ends_at", format_time(p.ends_at)},
          {"active", p.active},
          {"created_at", format_time(p.created_at)}};
}

nlohmann::json coupon_json(const app::Coupon& c) {
  return {{"id", c.id},
          {"code", c.code},
          {"customer_id", opt(c.terms.customer_id)},
          {"percent_off", c.terms.percent_off},
          {"amount_off_minor", c.terms.amount_off_minor},
          {"min_spend_minor", c.terms.min_spend_minor},
          {"max_uses", c.terms.max_uses},
          {"max_uses_per_customer", c.terms.max_uses_per_customer},
          {"uses", c.uses},
          {"starts_at", format_time(c.terms.starts_at)},
          {"ends_at", format_time(c.terms.ends_at)},
          {"created_at", format_time(c.created_at)}};
}

app::Promotion read_new_promotion(const nlohmann::json& body) {
  ObjectReader r(body);
  app::Promotion p;
  p.rule.name = r.required_string("name", app::kMaxPromotionName);
  const std::string scope = r.required_string("scope", 20);
  auto s = parse_promotion_scope(scope);
  if (!s) throw_invalid("scope", "must be product, category or basket");
  p.rule.scope = *s;
  p.rule.product_id = r.optional_int("product_id", 1, INT64_MAX);
  p.rule.category_id = r.optional_int("category_id", 1, INT64_MAX);
  p.rule.min_basket_minor = r.optional_int("min_basket_minor", 0, kMaxMoneyMinor).value_or(0);
  p.rule.percent_off = r.optional_int("percent_off", INT64_MIN, INT64_MAX).value_or(0);
  p.rule.amount_off_minor = r.optional_int("amount_off_minor", 0, kMaxMoneyMinor).value_or(0);
  p.rule.points_multiplier_pct =
      r.optional_int("points_multiplier_pct", INT64_MIN, INT64_MAX).value_or(100);
  p.rule.stackable = r.optional_bool("stackable").value_or(true);
  p.starts_at = required_time(r, "starts_at");
  p.ends_at = required_time(r, "ends_at");
  r.finish();
  return p;
}

app::NewCoupons read_new_coupons(const nlohmann::json& body) {
  ObjectReader r(body);
  app::NewCoupons c;
  c.code = r.optional_string("code", 40);
  c.count = r.optional_int("count", INT64_MIN, INT64_MAX).value_or(1);
  c.prefix = r.optional_string("prefix", 40).value_or("");
  c.terms.customer_id = r.optional_int("customer_id", 1, INT64_MAX);
  c.terms.percent_off = r.optional_int("percent_off", INT64_MIN, INT64_MAX).value_or(0);
  c.terms.amount_off_minor = r.optional_int("amount_off_minor", 0, kMaxMoneyMinor).value_or(0);
  c.terms.min_spend_minor = r.optional_int("min_spend_minor", 0, kMaxMoneyMinor).value_or(0);
  c.terms.max_uses = r.optional_int("max_uses", INT64_MIN, INT64_MAX).value_or(1);
  c.terms.max_uses_per_customer =
      r.optional_int("max_uses_per_customer", INT64_MIN, INT64_MAX).value_or(1);
  c.terms.starts_at = required_time(r, "starts_at");
  c.terms.ends_at = required_time(r, "ends_at");
  if (c.code && r.optional_value("count") != nullptr) {
    throw_invalid("count", "give either code or count");
  }
  r.finish();
  return c;
}

}  // namespace rapport::http
