// JSON of the customer-intelligence types (the rest of the codecs are in codecs.cpp).
#include <cmath>

#include "http/codecs.hpp"

namespace rapport::http {

namespace {

nlohmann::json product_json(const app::ProductRef& p) {
  return {{"id", p.id}, {"sku", p.sku}, {"name", p.name}};
}

template <typename T>
nlohmann::json optional_json(const std::optional<T>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

}  // namespace

nlohmann::json to_json(const app::AnalyticsRun& r) {
  // as_of is stored as the end of the last day counted; clients get that day.
  return {{"id", r.id},
          {"kind", r.kind},
          {"status", r.status},
          {"as_of", format_time(r.as_of - 86'400'000).substr(0, 10)},
          {"parameters", r.parameters},
          {"results", r.results},
          {"customers", r.customers},
          {"orders", r.orders},
          {"rules", r.rules},
          {"started_at", format_time(r.started_at)},
          {"finished_at", format_time(r.finished_at)},
          {"user_id", optional_json(r.user_id)},
          {"error", optional_json(r.error)}};
}

nlohmann::json to_json(const app::CustomerScores& s) {
  return {{"run_id", s.run_id},
          {"rfm", {{"r", s.rfm_r}, {"f", s.rfm_f}, {"m", s.rfm_m}}},
          {"rfm_segment", s.rfm_segment},
          {"abc_class", s.abc_class},
          {"value_tier", s.value_tier},
          {"customer_type", s.customer_type},
          {"purchases", s.purchases},
          {"revenue_minor", s.revenue_minor},
          {"first_purchase_at", format_time(s.first_purchase_at)},
          {"last_purchase_at", format_time(s.last_purchase_at)},
          {"p_alive", optional_json(s.p_alive)},
          {"expected_transactions", optional_json(s.expected_transactions)},
          {"horizon_months", s.horizon_months},
          {"expected_spend_minor", optional_json(s.expected_spend_minor)},
          {"clv_minor", optional_json(s.clv_minor)},
          {"currency", s.currency},
          {"computed_at", format_time(s.computed_at)}};
}

nlohmann::json to_json(const app::BasketRule& r) {
  nlohmann::json antecedent = nlohmann::json::array();
  for (const auto& p : r.antecedent) antecedent.push_back(product_json(p));
  return {{"id", r.id},
          {"antecedent", antecedent},
          {"consequent", product_json(r.consequent)},
          {"support", r.support},
          {"coverage", r.coverage},
          {"confidence", r.confidence},
          {"lift", r.lift},
          {"leverage", r.leverage},
          // JSON has no infinity: confidence 1 gives an infinite conviction, written as null.
          {"conviction", std::isfinite(r.conviction) ? nlohmann::json(r.conviction) : nullptr},
          {"count", r.count},
          {"antecedent_count", r.antecedent_count},
          {"consequent_count", r.consequent_count}};
}

nlohmann::json to_json(const app::Recommendation& r) {
  return {{"product", product_json(r.product)}, {"score", r.score}, {"rule", to_json(r.rule)}};
}

nlohmann::json to_json(const app::ClvLeader& l) {
  return {{"customer_id", l.customer_id},     {"name", l.name},
          {"clv_minor", l.clv_minor},         {"p_alive", optional_json(l.p_alive)},
          {"rfm_segment", l.rfm_segment},     {"value_tier", l.value_tier},
          {"revenue_minor", l.revenue_minor}, {"currency", l.currency}};
}

nlohmann::json to_json(const app::DashboardFigures& f) {
  nlohmann::json months = nlohmann::json::array();
  for (const auto& m : f.revenue_by_month) {
    months.push_back(
        {{"month", m.month}, {"revenue_minor", m.revenue_minor}, {"orders", m.orders}});
  }
  nlohmann::json tickets = nullptr;
  if (f.open_tickets) {
    tickets = {{"open", *f.open_tickets}, {"breached", f.breached_tickets.value_or(0)}};
  }
  return {{"as_of", format_time(f.as_of)},
          {"currency", f.currency},
          {"customers", f.customers},
          {"members", {{"total", f.members}, {"active_30_days", f.members_active_30_days}}},
          {"revenue",
           {{"last_30_days_minor", f.revenue_last_30_days_minor},
            {"previous_30_days_minor", f.revenue_previous_30_days_minor},
            {"orders_last_30_days", f.orders_last_30_days},
            {"orders_previous_30_days", f.orders_previous_30_days}}},
          {"revenue_by_month", std::move(months)},
          {"tickets", std::move(tickets)}};
}

}  // namespace rapport::http
