#pragma once
// Customer types after the direct-sales model: one-time buyers, transactional ("T-type":
// price-driven, little relationship), relationship ("R-type") and key accounts (the most
// valuable R-types, worth a dedicated manager), computed from proxies the data has.
//
// The rule, applied in order (all thresholds in CustomerTypeRules):
//  1. One-time: at most one purchase (transactions <= 1).
//  2. Price-sensitive: the share of purchases made on discount or promotion is known and
//     >= price_sensitive_share.
//  3. Relationship signal: interactions (contacts other than purchases: tickets, calls,
//     visits) known and >= min_interactions, or regular buying: the coefficient of variation of
//     the gaps between purchases known and <= max_regular_cv (needs three or more purchases).
//  4. R-type: a relationship signal and not price-sensitive. Otherwise T-type.
//  5. Key account: an R-type whose value ranks in the top key_account_top_fraction of R-types
//     (rank fraction = R-types with strictly more value / all R-types, so ties share a type) and
//     is at least key_account_min_value.
// An unknown proxy (NaN) is no evidence either way: with no discount data nobody is
// price-sensitive, with no interaction data only regularity can show a relationship.
//
// Thread-safety: pure functions.
#include <span>
#include <string_view>
#include <vector>

#include "analytics/customer_summary.hpp"

namespace rapport::analytics {

enum class CustomerType { kOneTime, kTransactional, kRelationship, kKeyAccount };

// "one-time", "T-type", "R-type", "key account".
std::string_view customer_type_name(CustomerType type) noexcept;

struct CustomerTypeInput {
  int transactions = 0;
  double value = 0;             // e.g. revenue or CLV
  double discount_share = 0;    // NaN when unknown
  double interactions = 0;      // NaN when unknown
  double interpurchase_cv = 0;  // NaN when unknown or fewer than three purchases
};

struct CustomerTypeRules {
  double price_sensitive_share = 0.5;
  double min_interactions = 2;
  double max_regular_cv = 0.75;
  double key_account_top_fraction = 0.10;
  double key_account_min_value = 0;
};

// One type per input, in order. Errors: rapport::Error (invalid_argument, field "rules") when a
// share or fraction is outside [0, 1] or a threshold is negative or NaN.
std::vector<CustomerType> classify_customers(std::span<const CustomerTypeInput> customers,
                                             const CustomerTypeRules& rules = {});

// Inputs from transaction summaries alone: transactions, value = total_amount, the
// regularity proxy; discount share and interactions unknown.
std::vector<CustomerTypeInput> customer_type_inputs(std::span<const CustomerSummary> customers);

}  // namespace rapport::analytics
