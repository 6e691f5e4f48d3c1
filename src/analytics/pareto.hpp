#pragma once
// Revenue concentration: the share of revenue from the top customers (the "80/20" check), the
// Lorenz curve, ABC classes and value tiers.
//
// Ordering and ties: customers are ranked by revenue, highest first; tied customers always
// get the same class and tier, because both are decided from what the customers *strictly
// above* a customer hold:
//  - ABC: A while the revenue share of the customers strictly above is < a_share (so the
//    customer who crosses 80% is still A), B while it is < b_share, C otherwise.
//  - Tier: the customer's rank fraction is (customers strictly above) / n; a customer is in the
//    highest tier whose rule it meets: rank fraction < top_fraction and revenue >= min_revenue.
//    Bronze takes everyone else.
// Negative revenue (net refunds) is counted and treated as 0: a share of a total is not
// meaningful for it. With a total of 0 everyone is C and bronze, and shares are 0.
//
// Thread-safety: pure functions.
#include <cstddef>
#include <span>
#include <string_view>
#include <vector>

namespace rapport::analytics {

enum class AbcClass { kA, kB, kC };
enum class ValueTier { kPlatinum, kGold, kSilver, kBronze };

std::string_view abc_class_name(AbcClass c) noexcept;    // "A", "B", "C"
std::string_view value_tier_name(ValueTier t) noexcept;  // "platinum", ... "bronze"

struct TierRule {
  double top_fraction = 0;  // of customers, by revenue rank
  double min_revenue = 0;   // and at least this much revenue
};

struct ParetoOptions {
  double top_fraction = 0.2;  // the "top 20%" of the concentration figure
  double a_share = 0.80;
  double b_share = 0.95;
  TierRule platinum{0.01, 0};
  TierRule gold{0.05, 0};
  TierRule silver{0.20, 0};
  std::size_t lorenz_points = 101;  // at customer shares 0, 1/(k-1), ..., 1
};

struct LorenzPoint {
  double customer_share = 0;  // the poorest customers first, as a Lorenz curve is drawn
  double revenue_share = 0;
};

struct ParetoAnalysis {
  double total_revenue = 0;
  double top_share = 0;  // revenue share of the top `top_fraction` of customers (interpolated)
  double gini = 0;       // 1 - 2 * area under the Lorenz curve
  std::vector<LorenzPoint> lorenz;
  std::vector<AbcClass> abc;     // per customer, input order
  std::vector<ValueTier> tiers;  // per customer, input order
  std::size_t negative_revenue_customers = 0;
};

// Errors: rapport::Error (invalid_argument) when a fraction or share is outside [0, 1], a_share >
// b_share, tiers are not nested (platinum <= gold <= silver fractions), lorenz_points < 2, or a
// revenue is NaN.
ParetoAnalysis analyze_pareto(std::span<const double> revenue, const ParetoOptions& options = {});

}  // namespace rapport::analytics
