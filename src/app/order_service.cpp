#include "app/order_service.hpp"

#include <array>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "app/audit_log.hpp"
#include "app/bulk_errors.hpp"
#include "app/coupon_service.hpp"
#include "app/customer_service.hpp"
#include "app/keyset_cursor.hpp"
#include "app/loyalty_service.hpp"
#include "app/permissions.hpp"
#include "app/product_service.hpp"
#include "app/promotion_service.hpp"
#include "app/survey_service.hpp"
#include "app/timeline.hpp"
#include "core/discount_rules.hpp"
#include "core/error.hpp"
#include "core/loyalty_rules.hpp"
#include "core/money.hpp"
#include "core/order_rules.hpp"
#include "core/validation.hpp"

namespace rapport::app {

namespace {

// An order checked and priced on the caller's thread, ready to insert.
struct PreparedOrder {
  Order order;  // id, line ids and created_at are set by the insert
  std::vector<std::optional<std::int64_t>> line_categories;  // for earn multipliers
  std::optional<std::int64_t> redeem_points;
  std::optional<std::string> idempotency_key;
  std::optional<std::string> coupon_code;  // normalised
  std::int64_t promotion_multiplier_pct = 100;
  std::string prefix;  // of field names in errors
};

struct ProductRow {
  std::int64_t id = 0;
  std::string sku;
  std::string name;
  std::int64_t price_minor = 0;
  std::string currency;
  bool active = true;
  bool deleted = false;
  std::optional<std::int64_t> category_id;
};

constexpr const char* kProductRowColumns =
    "SELECT id, sku, name, price_minor, currency, active, deleted_at IS NOT NULL, category_id "
    "FROM products ";

std::optional<ProductRow> read_product_row(store::Query& q) {
  if (!q.step()) return std::nullopt;
  ProductRow p;
  p.id = q->get_int(0);
  p.sku = std::string(q->get_text(1));
  p.name = std::string(q->get_text(2));
  p.price_minor = q->get_int(3);
  p.currency = std::string(q->get_text(4));
  p.active = q->get_int(5) != 0;
  p.deleted = q->get_int(6) != 0;
  p.category_id = q->get_optional_int(7);
  return p;
}

std::string line_field(const std::string& prefix, std::size_t i, const char* name) {
  return prefix + "lines[" + std::to_string(i) + "]." + name;
}

// Validates, resolves the products and prices an order on `conn` (a read connection). Field
// names in errors start with `prefix` ("" or "items[3].").
PreparedOrder prepare_order(store::Connection& conn, const Caller& caller, NewOrder in,
                            const std::string& prefix) {
  PreparedOrder prep;
  Order& o = prep.order;
  if (!is_order_channel(in.channel)) {
    throw_invalid(prefix + "channel",
                  "must be one of store, phone, web, email, sms, chat, social, visit, import");
  }
  o.channel = std::move(in.channel);
  if (in.location) {
    check_text(prefix + "location", *in.location, kMaxLocation, false);
    std::string loc = trim(*in.location);
    if (!loc.empty()) o.location = std::move(loc);
  }
  const TimeMs now = now_ms();
  o.placed_at = in.placed_at.value_or(now);
  if (o.placed_at > now + kMaxOrderClockSkewMs) {
    throw_invalid(prefix + "placed_at", "is more than a day in the future");
  }
  if (in.lines.empty()) throw_invalid(prefix + "lines", "an order needs at least one line");
  if (in.lines.size() > kMaxOrderLines) {
    throw_invalid(prefix + "lines",
                  "an order has at most " + std::to_string(kMaxOrderLines) + " lines");
  }
  if (in.card_number) {
    const std::int64_t holder = member_of_card(conn, *in.card_number, prefix + "card_number");
    if (in.customer_id && *in.customer_id != holder) {
      throw_invalid(prefix + "card_number", "belongs to customer " + std::to_string(holder) +
                                                ", not to customer_id " +
                                                std::to_string(*in.customer_id));
    }
    in.customer_id = holder;
  }
  if (in.customer_id) {
    check_live_customer(conn, *in.customer_id, prefix + "customer_id");
    o.customer_id = in.customer_id;
  }
  if (in.idempotency_key) {
    check_text(prefix + "idempotency_key", *in.idempotency_key, kMaxIdempotencyKey, true);
    prep.idempotency_key = in.idempotency_key;
  }
  if (in.redeem_points) {
    const std::string field = prefix + "redeem_points";
    if (*in.redeem_points < 1 || *in.redeem_points > kMaxAdjustPoints) {
      throw_invalid(field, "must be 1 to " + std::to_string(kMaxAdjustPoints) + " points");
    }
    if (!o.customer_id) throw_invalid(field, "needs the member: give customer_id or card_number");
    if (!is_member(conn, *o.customer_id)) {
      throw_conflict("customer " + std::to_string(*o.customer_id) + " is not a loyalty member",
                     field);
    }
    if (!prep.idempotency_key) {
      throw_invalid(prefix + "idempotency_key",
                    "is required when redeeming points, so that a retry never redeems twice");
    }
    prep.redeem_points = in.redeem_points;
  }
  prep.prefix = prefix;
  o.user_id = caller.user_id;

  // Products, each looked up once per order even when several lines name it.
  std::unordered_map<std::int64_t, ProductRow> by_id;
  std::unordered_map<std::string, std::int64_t> id_of_sku;
  std::vector<OrderLineInput> inputs;
  std::vector<std::int64_t> shelf_prices;
  inputs.reserve(in.lines.size());
  o.lines.reserve(in.lines.size());
  for (std::size_t i = 0; i < in.lines.size(); ++i) {
    const NewOrderLine& l = in.lines[i];
    const ProductRow* product = nullptr;
    std::string field;
    if (l.product_id.has_value() == l.sku.has_value()) {
      throw_invalid(line_field(prefix, i, "product_id"), "give either product_id or sku");
    }
    if (l.product_id) {
      field = line_field(prefix, i, "product_id");
      auto it = by_id.find(*l.product_id);
      if (it == by_id.end()) {
        store::Query q(conn, std::string(kProductRowColumns) + "WHERE id = ?", *l.product_id);
        auto row = read_product_row(q);
        if (!row) throw_not_found("no product with id " + std::to_string(*l.product_id), field);
        it = by_id.emplace(row->id, std::move(*row)).first;
      }
      product = &it->second;
    } else {
      field = line_field(prefix, i, "sku");
      check_text(field, *l.sku, kMaxSku, true);
      auto sit = id_of_sku.find(*l.sku);
      if (sit != id_of_sku.end()) {
        product = &by_id.at(sit->second);
      } else {
        store::Query q(conn, std::string(kProductRowColumns) + "WHERE sku = ?", *l.sku);
        auto row = read_product_row(q);
        if (!row) throw_not_found("no product with SKU '" + *l.sku + "'", field);
        id_of_sku.emplace(*l.sku, row->id);
        auto it = by_id.emplace(row->id, std::move(*row)).first;
        product = &it->second;
      }
    }
    if (product->deleted) {
      throw_conflict("product " + std::to_string(product->id) + " is deleted", field);
    }
    if (!product->active) {
      throw_conflict("product " + std::to_string(product->id) + " is not active", field);
    }
    if (i == 0) {
      o.currency = product->currency;
    } else if (product->currency != o.currency) {
      throw_invalid(field, "is priced in " + product->currency + " but " + prefix +
                               "lines[0] is in " + o.currency + "; an order has one currency");
    }
    OrderLine line;
    line.line_no = static_cast<int>(i + 1);
    line.product_id = product->id;
    line.sku = product->sku;
    line.product_name = product->name;
    line.quantity = l.quantity;
    line.unit_price_minor = l.unit_price_minor.value_or(product->price_minor);
    line.discount_minor = l.discount_minor;
    inputs.push_back({line.quantity, line.unit_price_minor, line.discount_minor});
    o.lines.push_back(std::move(line));
    prep.line_categories.push_back(product->category_id);
    shelf_prices.push_back(product->price_minor);
  }
  // Validated as given (so an impossible amount is refused as such), then price-matched: a unit
  // price above the shelf price is charged the shelf price.
  compute_order_amounts(inputs, prefix + "lines");
  for (std::size_t i = 0; i < o.lines.size(); ++i) {
    OrderLine& l = o.lines[i];
    if (l.unit_price_minor <= shelf_prices[i]) continue;
    const std::int64_t over = (l.unit_price_minor - shelf_prices[i]) * l.quantity;
    o.discounts.push_back({"price_match", over, std::nullopt,
                           "Price match: " + format_money(l.unit_price_minor, o.currency) +
                               " charged, shelf price " + format_money(shelf_prices[i], o.currency),
                           l.line_no});
    l.unit_price_minor = shelf_prices[i];
    inputs[i].unit_price_minor = shelf_prices[i];
    inputs[i].discount_minor = std::min(inputs[i].discount_minor, l.quantity * shelf_prices[i]);
    l.discount_minor = inputs[i].discount_minor;
  }
  const OrderAmounts amounts = compute_order_amounts(inputs, prefix + "lines");
  for (std::size_t i = 0; i < o.lines.size(); ++i)
    o.lines[i].total_minor = amounts.lines[i].total_minor;
  o.subtotal_minor = amounts.subtotal_minor;
  o.discount_minor = amounts.discount_minor;
  o.total_minor = amounts.total_minor;

  // Promotions in effect when the order is placed.
  const std::vector<PromotionRule> promotions = promotions_in_effect(conn, o.placed_at);
  std::optional<std::int64_t> blocks_coupon;
  if (!promotions.empty()) {
    // Each line's category and those above it (a category promotion covers its subtree).
    std::unordered_map<std::int64_t, std::vector<std::int64_t>> paths;
    auto path_of = [&](std::optional<std::int64_t> category) {
      std::vector<std::int64_t> path;
      if (!category) return path;
      auto it = paths.find(*category);
      if (it != paths.end()) return it->second;
      std::optional<std::int64_t> at = category;
      while (at && path.size() < 64) {
        path.push_back(*at);
        store::Query q(conn, "SELECT parent_id FROM categories WHERE id = ?", *at);
        at = q.step() ? q->get_optional_int(0) : std::nullopt;
      }
      paths.emplace(*category, path);
      return path;
    };
    std::vector<DiscountLine> lines;
    lines.reserve(o.lines.size());
    for (std::size_t i = 0; i < o.lines.size(); ++i) {
      lines.push_back({o.lines[i].product_id, path_of(prep.line_categories[i]), o.lines[i].quantity,
                       o.lines[i].total_minor});
    }
    const PromotionOutcome out = apply_promotions(lines, promotions);
    for (std::size_t i = 0; i < o.lines.size(); ++i) {
      o.lines[i].discount_minor += out.line_discounts[i];
      o.lines[i].total_minor -= out.line_discounts[i];
      o.discount_minor += out.line_discounts[i];
      o.total_minor -= out.line_discounts[i];
    }
    for (const auto& a : out.applied) {
      const auto* rule = &promotions.front();
      for (const auto& p : promotions) {
        if (p.id == a.promotion_id) rule = &p;
      }
      std::optional<int> line_no;
      if (a.line) line_no = o.lines[*a.line].line_no;
      o.discounts.push_back({"promotion", a.amount_minor, std::nullopt,
                             "Promotion #" + std::to_string(rule->id) + " " + rule->name, line_no});
    }
    prep.promotion_multiplier_pct = out.points_multiplier_pct;
    blocks_coupon = out.blocks_coupon;
  }
  if (in.coupon_code) {
    const std::string field = prefix + "coupon_code";
    const std::string code = check_coupon_code(field, *in.coupon_code);
    auto coupon = find_coupon(conn, code);
    if (!coupon) throw_not_found("no coupon with code " + code, field);
    if (blocks_coupon) {
      throw_conflict("promotion #" + std::to_string(*blocks_coupon) +
                         " applies to this order and does not combine with coupons",
                     field);
    }
    // Checked again on the writer against the committed uses; this refuses early.
    check_coupon_usable(field, coupon->terms, o.placed_at, o.customer_id, o.total_minor,
                        coupon->uses,
                        o.customer_id ? coupon_uses_by(conn, coupon->id, *o.customer_id) : 0);
    prep.coupon_code = code;
  }
  return prep;
}

// The timeline's channel for an order's channel (an imported order is a system event).
std::string timeline_channel(const std::string& order_channel) {
  return order_channel == "import" ? std::string("system") : order_channel;
}

nlohmann::json audit_json(const Order& o) {
  nlohmann::json lines = nlohmann::json::array();
  for (const auto& l : o.lines) {
    lines.push_back({{"id", l.id},
                     {"product_id", l.product_id},
                     {"quantity", l.quantity},
                     {"unit_price_minor", l.unit_price_minor},
                     {"discount_minor", l.discount_minor},
                     {"total_minor", l.total_minor}});
  }
  nlohmann::json j = {{"id", o.id},
                      {"channel", o.channel},
                      {"placed_at", o.placed_at},
                      {"currency", o.currency},
                      {"subtotal_minor", o.subtotal_minor},
                      {"discount_minor", o.discount_minor},
                      {"total_minor", o.total_minor},
                      {"lines", std::move(lines)}};
  j["customer_id"] = o.customer_id ? nlohmann::json(*o.customer_id) : nlohmann::json(nullptr);
  j["location"] = o.location ? nlohmann::json(*o.location) : nlohmann::json(nullptr);
  return j;
}

Order load_order(store::Connection& conn, std::int64_t id, const std::string& field);

// Applies the points to redeem as a discount allocated over the lines (by their totals); the
// ledger entry (which checks the balance) is appended once the order has its id.
void apply_redemption(const LoyaltyConfig& cfg, PreparedOrder& prep,
                      std::vector<std::int64_t>& line_redeemed_minor) {
  Order& o = prep.order;
  const std::string field = prep.prefix + "redeem_points";
  const std::int64_t points = *prep.redeem_points;
  const std::int64_t value = redemption_value_minor(points, cfg.point_value_minor_per_100);
  if (value < 1) {
    throw_invalid(field, std::to_string(points) + " points are worth less than one minor unit");
  }
  if (value > o.total_minor) {
    throw_invalid(field, std::to_string(points) + " points are worth " +
                             format_money(value, o.currency) + ", more than the order's " +
                             format_money(o.total_minor, o.currency));
  }
  std::vector<std::int64_t> totals;
  totals.reserve(o.lines.size());
  for (const auto& l : o.lines) totals.push_back(l.total_minor);
  const auto amounts = allocate_proportionally(value, totals);
  const auto line_redeemed = allocate_proportionally(points, totals);
  line_redeemed_minor = amounts;
  for (std::size_t i = 0; i < o.lines.size(); ++i) {
    o.lines[i].discount_minor += amounts[i];
    o.lines[i].total_minor -= amounts[i];
    o.lines[i].points_redeemed = line_redeemed[i];
  }
  o.discount_minor += value;
  o.total_minor -= value;
  o.points_redeemed = points;
  o.discounts.push_back(
      {"points", value, points, "Redeemed " + std::to_string(points) + " loyalty points"});
}

// Inserts a prepared order with its lines, loyalty points, timeline entry and audit entry;
// fills in the ids. A repeated idempotency key returns the order first placed with it.
Order insert_order(store::Connection& conn, const Caller& caller, PreparedOrder prep) {
  if (prep.idempotency_key) {
    std::optional<std::int64_t> first;
    {
      store::Query q(conn, "SELECT order_id FROM order_requests WHERE idempotency_key = ?",
                     *prep.idempotency_key);
      if (q.step()) first = q->get_int(0);
    }
    if (first) {
      Order o = load_order(conn, *first, prep.prefix + "idempotency_key");
      o.replayed = true;
      return o;
    }
  }
  Order& o = prep.order;
  o.created_at = now_ms();
  const bool member = o.customer_id && is_member(conn, *o.customer_id);
  std::optional<LoyaltyConfig> cfg;
  std::optional<LedgerEntry> redeemed;
  std::vector<std::int64_t> line_redeemed_minor(o.lines.size(), 0);
  if (member) cfg = load_loyalty_config(conn);
  std::optional<Coupon> coupon;
  std::int64_t coupon_value = 0;
  if (prep.coupon_code) {
    const std::string field = prep.prefix + "coupon_code";
    coupon = find_coupon(conn, *prep.coupon_code);
    if (!coupon) throw_not_found("no coupon with code " + *prep.coupon_code, field);
    check_coupon_usable(field, coupon->terms, o.placed_at, o.customer_id, o.total_minor,
                        coupon->uses,
                        o.customer_id ? coupon_uses_by(conn, coupon->id, *o.customer_id) : 0);
    const std::int64_t value = coupon_discount(coupon->terms, o.total_minor);
    coupon_value = value;
    std::vector<std::int64_t> totals;
    for (const auto& l : o.lines) totals.push_back(l.total_minor);
    const auto parts = allocate_proportionally(value, totals);
    for (std::size_t i = 0; i < o.lines.size(); ++i) {
      o.lines[i].discount_minor += parts[i];
      o.lines[i].total_minor -= parts[i];
    }
    o.discount_minor += value;
    o.total_minor -= value;
    o.discounts.push_back({"coupon", value, std::nullopt, "Coupon " + coupon->code, std::nullopt});
  }
  if (prep.redeem_points) {
    if (!member) {
      throw_conflict("customer " + std::to_string(*o.customer_id) + " is not a loyalty member",
                     prep.prefix + "redeem_points");
    }
    apply_redemption(*cfg, prep, line_redeemed_minor);
  }
  store::execute(conn,
                 "INSERT INTO orders (customer_id, kind, channel, location, placed_at, currency, "
                 "subtotal_minor, discount_minor, total_minor, user_id, created_at) VALUES (?, "
                 "'sale', ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                 o.customer_id, o.channel, o.location, o.placed_at, o.currency, o.subtotal_minor,
                 o.discount_minor, o.total_minor, o.user_id, o.created_at);
  o.id = conn.last_insert_id();
  for (auto& l : o.lines) {
    store::execute(conn,
                   "INSERT INTO order_lines (order_id, line_no, product_id, quantity, "
                   "unit_price_minor, discount_minor, total_minor) VALUES (?, ?, ?, ?, ?, ?, ?)",
                   o.id, l.line_no, l.product_id, l.quantity, l.unit_price_minor, l.discount_minor,
                   l.total_minor);
    l.id = conn.last_insert_id();
  }
  if (prep.idempotency_key) {
    store::execute(conn,
                   "INSERT INTO order_requests (idempotency_key, order_id, created_at) VALUES (?, "
                   "?, ?)",
                   *prep.idempotency_key, o.id, o.created_at);
  }
  std::string loyalty_note;
  for (const auto& d : o.discounts) {
    std::optional<std::int64_t> line_id;
    if (d.line_no) line_id = o.lines[static_cast<std::size_t>(*d.line_no - 1)].id;
    store::execute(conn,
                   "INSERT INTO order_discounts (order_id, order_line_id, kind, amount_minor, "
                   "points, reason) VALUES (?, ?, ?, ?, ?, ?)",
                   o.id, line_id, d.kind, d.amount_minor, d.points, d.reason);
    if (d.kind != "points") {
      loyalty_note += "; " + d.reason + " -" + format_money(d.amount_minor, o.currency);
    }
  }
  if (coupon) {
    // The limit holds under concurrent checkouts: this job runs alone on the one writer, and the
    // guard (with the schema's CHECK) refuses a use beyond it.
    if (store::execute(conn, "UPDATE coupons SET uses = uses + 1 WHERE id = ? AND uses < max_uses",
                       coupon->id) != 1) {
      throw_conflict("the coupon is used up", prep.prefix + "coupon_code");
    }
    store::execute(conn,
                   "INSERT INTO coupon_redemptions (coupon_id, order_id, customer_id, "
                   "amount_minor, at) VALUES (?, ?, ?, ?, ?)",
                   coupon->id, o.id, o.customer_id, coupon_value, o.placed_at);
  }
  if (member) {
    if (prep.redeem_points) {
      const auto& d = o.discounts.back();  // the points discount is applied last
      NewLedgerEntry n;
      n.customer_id = *o.customer_id;
      n.kind = "redeem";
      n.points = -o.points_redeemed;
      n.reason = "Redeemed at checkout for " + format_money(d.amount_minor, o.currency);
      n.ref_type = "order";
      n.ref_id = o.id;
      n.at = o.placed_at;
      // Throws conflict when the balance (read here, on the one writer) is short.
      redeemed = append_ledger(conn, caller, *cfg, std::move(n), prep.prefix + "redeem_points");
      loyalty_note += "; redeemed " + std::to_string(o.points_redeemed) + " points (-" +
                      format_money(d.amount_minor, o.currency) + ")";
    }
    EarnRules rules = cfg->earn;
    rules.tier_multiplier_pct = member_earn_multiplier(conn, *cfg, *o.customer_id);
    rules.promotion_multiplier_pct = prep.promotion_multiplier_pct;
    std::vector<EarnLine> earn_lines;
    earn_lines.reserve(o.lines.size());
    for (std::size_t i = 0; i < o.lines.size(); ++i) {
      earn_lines.push_back(
          {o.lines[i].product_id, prep.line_categories[i], o.lines[i].total_minor});
    }
    const EarnResult earned =
        o.currency == cfg->currency ? compute_earned_points(earn_lines, rules) : EarnResult{};
    for (std::size_t i = 0; i < o.lines.size(); ++i) {
      auto& l = o.lines[i];
      l.points_earned = earned.line_points.empty() ? 0 : earned.line_points[i];
      if (l.points_earned == 0 && l.points_redeemed == 0) continue;
      store::execute(conn,
                     "INSERT INTO loyalty_order_lines (order_line_id, order_id, earned_points, "
                     "redeemed_points, redeemed_minor) VALUES (?, ?, ?, ?, ?)",
                     l.id, o.id, l.points_earned, l.points_redeemed, line_redeemed_minor[i]);
    }
    o.points_earned = earned.points;
    std::int64_t balance = redeemed ? redeemed->balance : 0;
    if (earned.points > 0) {
      NewLedgerEntry n;
      n.customer_id = *o.customer_id;
      n.kind = "earn";
      n.points = earned.points;
      n.reason = "Order #" + std::to_string(o.id);
      n.ref_type = "order";
      n.ref_id = o.id;
      n.at = o.placed_at;
      balance = append_ledger(conn, caller, *cfg, std::move(n)).balance;
      loyalty_note += "; earned " + std::to_string(earned.points) + " points";
    } else if (!redeemed) {
      balance = ledger_totals(conn, *o.customer_id).balance;
    }
    o.points_balance = balance;
    reevaluate_tier(conn, caller, *cfg, *o.customer_id, std::max(o.placed_at, now_ms()));
  }
  if (o.customer_id) {
    std::int64_t units = 0;
    for (const auto& l : o.lines) units += l.quantity;
    TimelineEntry e;
    e.customer_id = *o.customer_id;
    e.at = o.placed_at;
    e.kind = "order_placed";
    e.channel = timeline_channel(o.channel);
    e.subject = "Order #" + std::to_string(o.id) + ": " + std::to_string(units) +
                (units == 1 ? " item, " : " items, ") + format_money(o.total_minor, o.currency);
    if (o.location) *e.subject += " at " + *o.location;
    *e.subject += loyalty_note;
    e.ref_type = "order";
    e.ref_id = o.id;
    append_timeline(conn, caller, std::move(e));
  }
  nlohmann::json audit = audit_json(o);
  if (member) {
    audit["points_earned"] = o.points_earned;
    audit["points_redeemed"] = o.points_redeemed;
  }
  record_audit(conn, caller, "create", "order", std::to_string(o.id), nullptr, audit);
  return std::move(o);
}

constexpr const char* kOrderColumns =
    "o.id, o.customer_id, o.kind, o.channel, o.location, o.placed_at, o.currency, "
    "o.subtotal_minor, o.discount_minor, o.total_minor, (SELECT coalesce(sum(r.refund_minor), 0) "
    "FROM returns r WHERE r.order_id = o.id), o.user_id, o.created_at";

Order read_order(store::Statement& s) {
  Order o;
  o.id = s.get_int(0);
  o.customer_id = s.get_optional_int(1);
  o.kind = std::string(s.get_text(2));
  o.channel = std::string(s.get_text(3));
  o.location = s.get_optional_text(4);
  o.placed_at = s.get_int(5);
  o.currency = std::string(s.get_text(6));
  o.subtotal_minor = s.get_int(7);
  o.discount_minor = s.get_int(8);
  o.total_minor = s.get_int(9);
  o.refunded_minor = s.get_int(10);
  o.user_id = s.get_optional_int(11);
  o.created_at = s.get_int(12);
  return o;
}

// An order with its lines, the quantities returned, the points of each line and the discounts.
Order load_order(store::Connection& conn, std::int64_t id, const std::string& field) {
  Order o;
  {
    store::Query q(conn, std::string("SELECT ") + kOrderColumns + " FROM orders o WHERE o.id = ?",
                   id);
    if (!q.step()) throw_not_found("no order with id " + std::to_string(id), field);
    o = read_order(q.stmt());
  }
  {
    store::Query q(conn,
                   "SELECT l.id, l.line_no, l.product_id, p.sku, p.name, l.quantity, "
                   "l.unit_price_minor, l.discount_minor, l.total_minor, (SELECT "
                   "coalesce(sum(rl.quantity), 0) FROM return_lines rl WHERE rl.order_line_id = "
                   "l.id), coalesce(lp.earned_points, 0), coalesce(lp.redeemed_points, 0) FROM "
                   "order_lines l JOIN products p ON p.id = l.product_id LEFT JOIN "
                   "loyalty_order_lines lp ON lp.order_line_id = l.id WHERE l.order_id = ? ORDER "
                   "BY l.line_no",
                   id);
    while (q.step()) {
      OrderLine l;
      l.id = q->get_int(0);
      l.line_no = static_cast<int>(q->get_int(1));
      l.product_id = q->get_int(2);
      l.sku = std::string(q->get_text(3));
      l.product_name = std::string(q->get_text(4));
      l.quantity = q->get_int(5);
      l.unit_price_minor = q->get_int(6);
      l.discount_minor = q->get_int(7);
      l.total_minor = q->get_int(8);
      l.returned_quantity = q->get_int(9);
      l.points_earned = q->get_int(10);
      l.points_redeemed = q->get_int(11);
      o.points_earned += l.points_earned;
      o.points_redeemed += l.points_redeemed;
      o.lines.push_back(std::move(l));
    }
  }
  store::Query q(conn,
                 "SELECT d.kind, d.amount_minor, d.points, d.reason, l.line_no FROM "
                 "order_discounts d LEFT JOIN order_lines l ON l.id = d.order_line_id WHERE "
                 "d.order_id = ? ORDER BY d.id",
                 id);
  while (q.step()) {
    std::optional<int> line_no;
    if (!q->is_null(4)) line_no = static_cast<int>(q->get_int(4));
    o.discounts.push_back({std::string(q->get_text(0)), q->get_int(1), q->get_optional_int(2),
                           std::string(q->get_text(3)), line_no});
  }
  return o;
}

}  // namespace

bool is_order_channel(std::string_view channel) noexcept {
  static constexpr std::array<std::string_view, 9> kChannels = {
      "store", "phone", "web", "email", "sms", "chat", "social", "visit", "import"};
  for (auto c : kChannels) {
    if (c == channel) return true;
  }
  return false;
}

Order OrderService::get(const Caller& caller, std::int64_t id) {
  require(caller, Permission::kOrdersRead);
  auto& conn = db_.reader();
  store::Transaction snapshot(conn, false);
  return load_order(conn, id, "id");
}

Page<Order> OrderService::list(const Caller& caller, const OrderListParams& p) {
  require(caller, Permission::kOrdersRead);
  const int limit = clamp_limit(p.limit);
  if (p.channel && !is_order_channel(*p.channel)) {
    throw_invalid("channel",
                  "must be one of store, phone, web, email, sms, chat, social, visit, import");
  }
  // Constant pieces chosen by the filters present: a small fixed set of statements, each able
  // to use the (customer_id, placed_at, id) or (placed_at, id) index.
  std::string sql = std::string("SELECT ") + kOrderColumns + " FROM orders o WHERE 1 = 1";
  std::vector<std::int64_t> ints;
  std::optional<std::string> channel;
  if (p.customer_id) {
    sql += " AND o.customer_id = ?";
    ints.push_back(*p.customer_id);
  }
  if (p.from) {
    sql += " AND o.placed_at >= ?";
    ints.push_back(*p.from);
  }
  if (p.to) {
    sql += " AND o.placed_at < ?";
    ints.push_back(*p.to);
  }
  if (p.cursor) {
    KeysetPosition pos = decode_keyset_cursor(*p.cursor, "o", false);
    sql += " AND (o.placed_at < ? OR (o.placed_at = ? AND o.id < ?))";
    ints.push_back(pos.int_value);
    ints.push_back(pos.int_value);
    ints.push_back(pos.id);
  }
  if (p.channel) sql += " AND o.channel = ?";
  sql += " ORDER BY o.placed_at DESC, o.id DESC LIMIT ?";
  store::Query q(db_.reader(), sql);
  int index = 1;
  for (auto v : ints) q->bind_int(index++, v);
  if (p.channel) q->bind_text(index++, *p.channel);
  q->bind_int(index, limit + 1);
  Page<Order> page;
  while (q.step()) {
    if (static_cast<int>(page.items.size()) == limit) {
      const Order& last = page.items.back();
      page.next_cursor = encode_keyset_cursor("o", last.placed_at, last.id);
      break;
    }
    page.items.push_back(read_order(q.stmt()));
  }
  return page;
}

Page<Order> OrderService::list_for_customer(const Caller& caller, std::int64_t customer_id,
                                            OrderListParams params) {
  require(caller, Permission::kOrdersRead);
  require_customer_exists(db_.reader(), customer_id);
  params.customer_id = customer_id;
  return list(caller, params);
}

WriteOp<Order> OrderService::place(const Caller& caller, NewOrder order) {
  require(caller, Permission::kOrdersWrite);
  PreparedOrder prep = prepare_order(db_.reader(), caller, std::move(order), "");
  return [caller, prep = std::move(prep)](store::Connection& conn) mutable {
    Order o = insert_order(conn, caller, std::move(prep));
    // The NPS rule (app/survey_service; off unless its setting is on). Bulk loads and imports
    // are history, not experiences to ask about.
    invite_after_order(conn, caller, o.id, o.customer_id, o.channel, o.location);
    return o;
  };
}

WriteOp<std::vector<Order>> OrderService::place_bulk(const Caller& caller,
                                                     std::vector<NewOrder> orders) {
  require(caller, Permission::kImport);
  require(caller, Permission::kOrdersWrite);
  if (orders.empty()) throw_invalid("items", "must hold at least one item");
  if (orders.size() > kMaxBulkItems) {
    throw_invalid("items", "holds at most " + std::to_string(kMaxBulkItems) + " items");
  }
  BulkErrors errors(orders.size());
  std::vector<PreparedOrder> prepared;
  prepared.reserve(orders.size());
  auto& conn = db_.reader();
  for (std::size_t i = 0; i < orders.size(); ++i) {
    try {
      prepared.push_back(prepare_order(conn, caller, std::move(orders[i]), item_prefix(i)));
    } catch (const Error& e) {
      errors.add(i, e);
    }
  }
  errors.throw_if_any();
  return [caller, prepared = std::move(prepared)](store::Connection& c) mutable {
    std::vector<Order> out;
    out.reserve(prepared.size());
    for (auto& p : prepared) out.push_back(insert_order(c, caller, std::move(p)));
    return out;
  };
}

}  // namespace rapport::app
