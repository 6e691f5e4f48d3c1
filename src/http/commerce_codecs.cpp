#include "http/commerce_codecs.hpp"

#include "core/error.hpp"
#include "core/money.hpp"
#include "core/order_rules.hpp"
#include "http/codecs.hpp"
#include "http/json_reader.hpp"

namespace rapport::http {

namespace {

// The array at `key`, at most `max` long; nullptr when absent.
const nlohmann::json* read_array(ObjectReader& r, const char* key, std::size_t max,
                                 const char* what) {
  const nlohmann::json* v = r.optional_value(key);
  if (v == nullptr) return nullptr;
  if (!v->is_array()) throw_invalid(r.field_path(key), "must be an array");
  if (v->size() > max) {
    throw_invalid(r.field_path(key), "holds at most " + std::to_string(max) + " " + what + " (" +
                                         std::to_string(v->size()) + " given)");
  }
  return v;
}

std::string element_path(const std::string& array_path, std::size_t i) {
  return array_path + "[" + std::to_string(i) + "]";
}

}  // namespace

nlohmann::json to_json(const app::Category& c) {
  return {{"id", c.id}, {"name", c.name}, {"parent_id", opt(c.parent_id)}, {"path", c.path}};
}

nlohmann::json to_json(const app::Product& p) {
  return {{"id", p.id},
          {"sku", p.sku},
          {"name", p.name},
          {"category_id", opt(p.category_id)},
          {"category_path", opt(p.category_path)},
          {"price_minor", p.price_minor},
          {"currency", p.currency},
          {"active", p.active},
          {"created_at", format_time(p.created_at)},
          {"updated_at", format_time(p.updated_at)},
          {"deleted_at", time_json(p.deleted_at)},
          {"version", p.version}};
}

nlohmann::json to_json(const app::Order& o, bool with_lines) {
  nlohmann::json j = {{"id", o.id},
                      {"customer_id", opt(o.customer_id)},
                      {"kind", o.kind},
                      {"channel", o.channel},
                      {"location", opt(o.location)},
                      {"placed_at", format_time(o.placed_at)},
                      {"currency", o.currency},
                      {"subtotal_minor", o.subtotal_minor},
                      {"discount_minor", o.discount_minor},
                      {"total_minor", o.total_minor},
                      {"refunded_minor", o.refunded_minor},
                      {"user_id", opt(o.user_id)},
                      {"created_at", format_time(o.created_at)}};
  if (with_lines) {
    nlohmann::json lines = nlohmann::json::array();
    for (const auto& l : o.lines) {
      lines.push_back({{"id", l.id},
                       {"line_no", l.line_no},
                       {"product_id", l.product_id},
                       {"sku", l.sku},
                       {"name", l.product_name},
                       {"quantity", l.quantity},
                       {"unit_price_minor", l.unit_price_minor},
                       {"discount_minor", l.discount_minor},
                       {"total_minor", l.total_minor},
                       {"returned_quantity", l.returned_quantity},
                       {"points_earned", l.points_earned},
                       {"points_redeemed", l.points_redeemed}});
    }
    j["lines"] = std::move(lines);
    nlohmann::json discounts = nlohmann::json::array();
    for (const auto& d : o.discounts) {
      discounts.push_back({{"kind", d.kind},
                           {"amount_minor", d.amount_minor},
                           {"points", opt(d.points)},
                           {"reason", d.reason},
                           {"line_no", opt(d.line_no)}});
    }
    j["discounts"] = std::move(discounts);
    j["points_earned"] = o.points_earned;
    j["points_redeemed"] = o.points_redeemed;
    j["points_balance"] = opt(o.points_balance);
  }
  return j;
}

nlohmann::json to_json(const app::Return& r) {
  nlohmann::json lines = nlohmann::json::array();
  for (const auto& l : r.lines) {
    lines.push_back({{"id", l.id},
                     {"order_line_id", l.order_line_id},
                     {"product_id", l.product_id},
                     {"sku", l.sku},
                     {"name", l.product_name},
                     {"quantity", l.quantity},
                     {"refund_minor", l.refund_minor}});
  }
  return {{"id", r.id},
          {"order_id", r.order_id},
          {"customer_id", opt(r.customer_id)},
          {"at", format_time(r.at)},
          {"reason", opt(r.reason)},
          {"currency", r.currency},
          {"refund_minor", r.refund_minor},
          {"user_id", opt(r.user_id)},
          {"created_at", format_time(r.created_at)},
          {"lines", std::move(lines)}};
}

nlohmann::json to_json(const app::SettingValue& s) {
  return {{"key", s.key},
          {"value", s.value},
          {"default", s.default_value},
          {"description", s.description}};
}

app::NewProduct read_new_product(const nlohmann::json& body, const std::string& path) {
  ObjectReader r(body, path);
  app::NewProduct p;
  p.sku = r.required_string("sku", app::kMaxSku);
  p.name = r.required_string("name", app::kMaxProductName);
  p.category_id = r.optional_int("category_id", 1, INT64_MAX);
  p.price_minor = r.required_int("price_minor", 0, kMaxMoneyMinor);
  p.currency = r.required_string("currency", 3);
  p.active = r.optional_bool("active").value_or(true);
  r.finish();
  return p;
}

app::NewOrder read_new_order(const nlohmann::json& body, const std::string& path) {
  ObjectReader r(body, path);
  app::NewOrder o;
  o.customer_id = r.optional_int("customer_id", 1, INT64_MAX);
  if (auto ch = r.optional_string("channel", 20)) o.channel = *ch;
  o.location = r.optional_string("location", app::kMaxLocation);
  if (auto t = r.optional_string("placed_at", 40)) {
    o.placed_at = parse_time(*t);
    if (!o.placed_at) {
      throw_invalid(r.field_path("placed_at"),
                    "must be an RFC 3339 time such as 2026-11-23T10:00:00Z");
    }
  }
  o.card_number = r.optional_string("card_number", 40);
  o.redeem_points = r.optional_int("redeem_points", INT64_MIN, INT64_MAX);
  o.idempotency_key = r.optional_string("idempotency_key", app::kMaxIdempotencyKey);
  o.coupon_code = r.optional_string("coupon_code", 40);
  const nlohmann::json* lines = read_array(r, "lines", kMaxOrderLines, "lines");
  if (lines == nullptr) throw_invalid(r.field_path("lines"), "is required");
  const std::string lines_path = r.field_path("lines");
  o.lines.reserve(lines->size());
  for (std::size_t i = 0; i < lines->size(); ++i) {
    ObjectReader lr((*lines)[i], element_path(lines_path, i));
    app::NewOrderLine l;
    l.product_id = lr.optional_int("product_id", 1, INT64_MAX);
    l.sku = lr.optional_string("sku", app::kMaxSku);
    // The range is checked by the order rules, which name the field the same way; here only
    // the type (so 0 and negative quantities get the rules' message).
    l.quantity = lr.required_int("quantity", INT64_MIN, INT64_MAX);
    l.unit_price_minor = lr.optional_int("unit_price_minor", INT64_MIN, INT64_MAX);
    l.discount_minor = lr.optional_int("discount_minor", INT64_MIN, INT64_MAX).value_or(0);
    lr.finish();
    o.lines.push_back(std::move(l));
  }
  r.finish();
  return o;
}

app::NewReturn read_new_return(const nlohmann::json& body) {
  ObjectReader r(body);
  app::NewReturn ret;
  ret.reason = r.optional_string("reason", app::kMaxReturnReason);
  const nlohmann::json* lines = read_array(r, "lines", kMaxOrderLines, "lines");
  if (lines == nullptr) throw_invalid("lines", "is required");
  for (std::size_t i = 0; i < lines->size(); ++i) {
    ObjectReader lr((*lines)[i], element_path("lines", i));
    app::NewReturnLine l;
    l.order_line_id = lr.required_int("order_line_id", 1, INT64_MAX);
    l.quantity = lr.required_int("quantity", INT64_MIN, INT64_MAX);
    lr.finish();
    ret.lines.push_back(l);
  }
  r.finish();
  return ret;
}

const nlohmann::json& read_bulk_items(const nlohmann::json* items) {
  if (items == nullptr) throw_invalid("items", "is required");
  if (!items->is_array()) throw_invalid("items", "must be an array");
  if (items->empty()) throw_invalid("items", "must hold at least one item");
  if (items->size() > app::kMaxBulkItems) {
    throw_invalid("items", "holds at most " + std::to_string(app::kMaxBulkItems) + " items (" +
                               std::to_string(items->size()) + " given)");
  }
  return *items;
}

}  // namespace rapport::http
