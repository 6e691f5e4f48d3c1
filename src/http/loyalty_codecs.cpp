#include "http/loyalty_codecs.hpp"

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

}  // namespace rapport::http
