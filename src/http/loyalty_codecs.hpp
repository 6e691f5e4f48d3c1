#pragma once
// JSON of loyalty members, ledger entries and tiers, and the strict bodies of the loyalty routes
// (unknown fields refused, errors naming the field).
#include <nlohmann/json.hpp>

#include "app/coupon_service.hpp"
#include "app/loyalty_service.hpp"
#include "app/promotion_service.hpp"

namespace rapport::http {

nlohmann::json member_json(const app::LoyaltyMember& m);
nlohmann::json ledger_entry_json(const app::LedgerEntry& e);
nlohmann::json tier_json(const LoyaltyTier& t);

// {"customer_id": 12}
std::int64_t read_enrolment(const nlohmann::json& body);
// {"reason": "lost"} (optional)
std::optional<std::string> read_card_replacement(const nlohmann::json& body);
struct AdjustmentBody {
  std::int64_t points = 0;
  std::string reason;
};
// {"points": -50, "reason": "..."}
AdjustmentBody read_adjustment(const nlohmann::json& body);

nlohmann::json promotion_json(const app::Promotion& p);
nlohmann::json coupon_json(const app::Coupon& c);
app::Promotion read_new_promotion(const nlohmann::json& body);
app::NewCoupons read_new_coupons(const nlohmann::json& body);

}  // namespace rapport::http
