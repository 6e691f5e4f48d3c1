#pragma once
// Promotions: date-bound discounts by product, category or basket total, with an optional points
// multiplier (double points days) and a stacking flag; applied by order placement
// (app/order_service) under the rules of core/discount_rules.hpp. Ended early by deactivation;
// never deleted (orders name them).
// Errors: invalid_argument (field named), not_found (promotion, product, category), forbidden.
// Thread-safety: all methods may be called from any thread.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "app/caller.hpp"
#include "app/page.hpp"
#include "app/write_op.hpp"
#include "core/discount_rules.hpp"
#include "store/database.hpp"

namespace rapport::app {

struct Promotion {
  PromotionRule rule;
  TimeMs starts_at = 0;
  TimeMs ends_at = 0;  // exclusive
  bool active = true;
  TimeMs created_at = 0;
};

inline constexpr std::size_t kMaxPromotionName = 200;

// The active promotions in effect at `at` (read on `conn`).
std::vector<PromotionRule> promotions_in_effect(store::Connection& conn, TimeMs at);

class PromotionService {
 public:
  explicit PromotionService(store::Database& db) : db_(db) {}
  Promotion get(const Caller& caller, std::int64_t id);
  // Newest first; `in_effect_at` keeps those active and in effect then.
  Page<Promotion> list(const Caller& caller, std::optional<TimeMs> in_effect_at,
                       std::optional<std::string> cursor, std::optional<int> limit);
  WriteOp<Promotion> create(const Caller& caller, Promotion p);
  WriteOp<Promotion> deactivate(const Caller& caller, std::int64_t id);

 private:
  store::Database& db_;
};

}  // namespace rapport::app
