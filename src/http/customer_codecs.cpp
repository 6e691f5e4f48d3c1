#include "http/customer_codecs.hpp"

#include "http/loyalty_codecs.hpp"

#include "core/customer.hpp"
#include "http/codecs.hpp"

namespace rapport::http {

namespace {

nlohmann::json consent_json(const app::Consent& c) {
  return {{"granted", c.granted}, {"at", time_json(c.at)}, {"source", opt(c.source)}};
}

nlohmann::json figures_json(const app::CurrencyFigures& f) {
  return {{"currency", f.currency},
          {"orders_count", f.orders_count},
          {"revenue_minor", f.revenue_minor},
          {"average_basket_minor", f.average_basket_minor}};
}

}  // namespace

// The wire form is the audit snapshot (one field list, in app/) with times as RFC 3339 text and
// the derived age group added.
nlohmann::json customer_json(const app::Customer& c) {
  nlohmann::json out = app::audit_json(c);
  std::optional<std::string> age_group;
  if (c.birth_date) {
    if (auto g = customer::age_group(*c.birth_date, customer::utc_date(now_ms()))) {
      age_group = std::string(*g);
    }
  }
  out["age_group"] = opt(age_group);
  out["email_consent"] = consent_json(c.email_consent);
  out["sms_consent"] = consent_json(c.sms_consent);
  out["created_at"] = format_time(c.created_at);
  out["updated_at"] = format_time(c.updated_at);
  out["deleted_at"] = time_json(c.deleted_at);
  return out;
}

nlohmann::json customer_list_item_json(const app::Customer& c) {
  nlohmann::json out = customer_json(c);
  if (c.scores) {
    const app::CustomerScoreBrief& b = *c.scores;
    out["scores"] = {{"value_tier", b.value_tier},       {"rfm_segment", b.rfm_segment},
                     {"customer_type", b.customer_type}, {"abc_class", b.abc_class},
                     {"p_alive", opt(b.p_alive)},        {"clv_minor", opt(b.clv_minor)},
                     {"revenue_minor", b.revenue_minor}, {"currency", b.currency}};
  } else {
    out["scores"] = nullptr;
  }
  return out;
}

nlohmann::json timeline_json(const app::TimelineEntry& e) {
  return {{"id", e.id},
          {"customer_id", e.customer_id},
          {"at", format_time(e.at)},
          {"kind", e.kind},
          {"channel", e.channel},
          {"direction", opt(e.direction)},
          {"subject", opt(e.subject)},
          {"body", opt(e.body)},
          {"user_id", opt(e.user_id)},
          {"ref_type", opt(e.ref_type)},
          {"ref_id", opt(e.ref_id)},
          {"created_at", format_time(e.created_at)}};
}

nlohmann::json customer360_json(const app::Customer360& v) {
  nlohmann::json others = nlohmann::json::array();
  for (const auto& f : v.figures.other_currencies) others.push_back(figures_json(f));
  nlohmann::json timeline = nlohmann::json::array();
  for (const auto& e : v.timeline) timeline.push_back(timeline_json(e));
  nlohmann::json orders = nlohmann::json::array();
  for (const auto& o : v.orders) {
    orders.push_back({{"id", o.id},
                      {"kind", o.kind},
                      {"placed_at", format_time(o.placed_at)},
                      {"currency", o.currency},
                      {"total_minor", o.total_minor},
                      {"lines", o.lines}});
  }
  nlohmann::json figures = figures_json(v.figures.main);
  figures["orders_count_all_currencies"] = v.figures.orders_count;
  figures["first_purchase_at"] = time_json(v.figures.first_purchase_at);
  figures["last_purchase_at"] = time_json(v.figures.last_purchase_at);
  figures["other_currencies"] = std::move(others);
  return {{"customer", customer_json(v.customer)},
          {"figures", std::move(figures)},
          {"timeline", std::move(timeline)},
          {"orders", std::move(orders)},
          {"loyalty", v.loyalty ? member_json(*v.loyalty) : nlohmann::json(nullptr)}};
}

nlohmann::json bulk_result_json(const app::BulkResult& r) {
  nlohmann::json items = nlohmann::json::array();
  for (const auto& i : r.items) {
    items.push_back(
        {{"index", i.index}, {"id", i.id}, {"action", i.created ? "created" : "updated"}});
  }
  return {{"created", r.created}, {"updated", r.updated}, {"items", std::move(items)}};
}

}  // namespace rapport::http
