#include "app/promotion_service.hpp"

#include <nlohmann/json.hpp>

#include "app/audit_log.hpp"
#include "app/permissions.hpp"
#include "core/error.hpp"
#include "core/validation.hpp"

namespace rapport::app {

namespace {

constexpr const char* kPromotionColumns =
    "id, name, scope, product_id, category_id, min_basket_minor, percent_off, amount_off_minor, "
    "points_multiplier_pct, stackable, starts_at, ends_at, active, created_at";

Promotion read_promotion(store::Statement& s) {
  Promotion p;
  p.rule.id = s.get_int(0);
  p.rule.name = std::string(s.get_text(1));
  p.rule.scope = parse_promotion_scope(s.get_text(2)).value_or(PromotionScope::kBasket);
  p.rule.product_id = s.get_optional_int(3);
  p.rule.category_id = s.get_optional_int(4);
  p.rule.min_basket_minor = s.get_int(5);
  p.rule.percent_off = s.get_int(6);
  p.rule.amount_off_minor = s.get_int(7);
  p.rule.points_multiplier_pct = s.get_int(8);
  p.rule.stackable = s.get_int(9) != 0;
  p.starts_at = s.get_int(10);
  p.ends_at = s.get_int(11);
  p.active = s.get_int(12) != 0;
  p.created_at = s.get_int(13);
  return p;
}

Promotion load_promotion(store::Connection& conn, std::int64_t id) {
  store::Query q(conn, std::string("SELECT ") + kPromotionColumns + " FROM promotions WHERE id = ?",
                 id);
  if (!q.step()) throw_not_found("no promotion with id " + std::to_string(id), "id");
  return read_promotion(q.stmt());
}

nlohmann::json promotion_audit_json(const Promotion& p) {
  return {{"name", p.rule.name},
          {"scope", std::string(promotion_scope_name(p.rule.scope))},
          {"product_id", json_or_null(p.rule.product_id)},
          {"category_id", json_or_null(p.rule.category_id)},
          {"percent_off", p.rule.percent_off},
          {"amount_off_minor", p.rule.amount_off_minor},
          {"points_multiplier_pct", p.rule.points_multiplier_pct},
          {"stackable", p.rule.stackable},
          {"starts_at", p.starts_at},
          {"ends_at", p.ends_at},
          {"active", p.active}};
}

}  // namespace

std::vector<PromotionRule> promotions_in_effect(store::Connection& conn, TimeMs at) {
  std::vector<PromotionRule> out;
  store::Query q(conn,
                 std::string("SELECT ") + kPromotionColumns +
                     " FROM promotions WHERE active = 1 AND ends_at > ? AND starts_at <= ?",
                 at, at);
  while (q.step()) out.push_back(read_promotion(q.stmt()).rule);
  return out;
}

Promotion PromotionService::get(const Caller& caller, std::int64_t id) {
  require(caller, Permission::kLoyaltyRead);
  return load_promotion(db_.reader(), id);
}

Page<Promotion> PromotionService::list(const Caller& caller, std::optional<TimeMs> at,
                                       std::optional<std::string> cursor,
                                       std::optional<int> limit_param) {
  require(caller, Permission::kLoyaltyRead);
  const int limit = clamp_limit(limit_param);
  std::optional<std::int64_t> before;
  if (cursor) before = decode_id_cursor(*cursor);
  Page<Promotion> page;
  store::Query q(db_.reader(),
                 std::string("SELECT ") + kPromotionColumns +
                     " FROM promotions WHERE (?1 IS NULL OR id < ?1) AND (?2 IS NULL OR (active = "
                     "1 AND starts_at <= ?2 AND ends_at > ?2)) ORDER BY id DESC LIMIT ?3",
                 before, at, limit + 1);
  while (q.step()) {
    if (static_cast<int>(page.items.size()) == limit) {
      page.next_cursor = encode_id_cursor(page.items.back().rule.id);
      break;
    }
    page.items.push_back(read_promotion(q.stmt()));
  }
  return page;
}

WriteOp<Promotion> PromotionService::create(const Caller& caller, Promotion p) {
  require(caller, Permission::kPromotionsWrite);
  check_text("name", p.rule.name, kMaxPromotionName, true);
  p.rule.name = trim(p.rule.name);
  check_promotion(p.rule, p.starts_at, p.ends_at);
  return [caller, p](store::Connection& conn) mutable {
    if (p.rule.product_id) {
      store::Query q(conn, "SELECT 1 FROM products WHERE id = ?", *p.rule.product_id);
      if (!q.step()) {
        throw_not_found("no product with id " + std::to_string(*p.rule.product_id), "product_id");
      }
    }
    if (p.rule.category_id) {
      store::Query q(conn, "SELECT 1 FROM categories WHERE id = ?", *p.rule.category_id);
      if (!q.step()) {
        throw_not_found("no category with id " + std::to_string(*p.rule.category_id),
                        "category_id");
      }
    }
    const TimeMs now = now_ms();
    store::execute(conn,
                   "INSERT INTO promotions (name, scope, product_id, category_id, "
                   "min_basket_minor, percent_off, amount_off_minor, points_multiplier_pct, "
                   "stackable, starts_at, ends_at, active, created_at, updated_at) VALUES (?, ?, "
                   "?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)",
                   p.rule.name, promotion_scope_name(p.rule.scope), p.rule.product_id,
                   p.rule.category_id, p.rule.min_basket_minor, p.rule.percent_off,
                   p.rule.amount_off_minor, p.rule.points_multiplier_pct, p.rule.stackable,
                   p.starts_at, p.ends_at, now, now);
    Promotion out = load_promotion(conn, conn.last_insert_id());
    record_audit(conn, caller, "create", "promotion", std::to_string(out.rule.id), nullptr,
                 promotion_audit_json(out));
    return out;
  };
}

WriteOp<Promotion> PromotionService::deactivate(const Caller& caller, std::int64_t id) {
  require(caller, Permission::kPromotionsWrite);
  return [caller, id](store::Connection& conn) {
    Promotion before = load_promotion(conn, id);
    store::execute(conn, "UPDATE promotions SET active = 0, updated_at = ? WHERE id = ?", now_ms(),
                   id);
    Promotion after = load_promotion(conn, id);
    record_audit(conn, caller, "deactivate", "promotion", std::to_string(id),
                 promotion_audit_json(before), promotion_audit_json(after));
    return after;
  };
}

}  // namespace rapport::app
