#include "analytics/pareto.hpp"

#include <cmath>

#include <gtest/gtest.h>

#include "core/error.hpp"

namespace rapport::analytics {
namespace {

using A = AbcClass;
using T = ValueTier;

TEST(Pareto, HandComputedCase) {
  // Total 100; from the top: 50, 30, 10, 5, 5, 0 (given shuffled).
  const std::vector<double> revenue = {5, 50, 0, 10, 30, 5};
  ParetoOptions o;
  o.lorenz_points = 3;
  const ParetoAnalysis p = analyze_pareto(revenue, o);
  EXPECT_DOUBLE_EQ(p.total_revenue, 100);
  // Top 20% of 6 customers = 1.2 customers: 50 + 0.2 * 30.
  EXPECT_NEAR(p.top_share, 0.56, 1e-12);
  // Share above: 0 and 0.5 -> A; 0.8 -> B; the tied 5s both see 0.9 -> B; 0 sees 1.0 -> C.
  EXPECT_EQ(p.abc, (std::vector<A>{A::kB, A::kA, A::kC, A::kB, A::kA, A::kB}));
  // Rank fractions 0, 1/6, 2/6...: platinum (< 1%), silver (< 20%), then bronze.
  EXPECT_EQ(p.tiers, (std::vector<T>{T::kBronze, T::kPlatinum, T::kBronze, T::kBronze, T::kSilver,
                                     T::kBronze}));
  ASSERT_EQ(p.lorenz.size(), 3u);
  EXPECT_DOUBLE_EQ(p.lorenz[0].revenue_share, 0);
  EXPECT_NEAR(p.lorenz[1].revenue_share, 0.10, 1e-12);  // the poorer half: 0 + 5 + 5
  EXPECT_DOUBLE_EQ(p.lorenz[2].revenue_share, 1);
  // Area under the curve (0, .05, .10, .20, .50, 1 at sixths) = 2.7 / 12.
  EXPECT_NEAR(p.gini, 1 - 2 * 2.7 / 12, 1e-12);
}

TEST(Pareto, ConfigurableThresholdsAndTierRules) {
  const std::vector<double> revenue = {50, 30, 10, 5, 5, 0};
  ParetoOptions o;
  o.a_share = 0.5;
  o.b_share = 0.85;
  o.platinum = {0.5, 100};  // top half, but also at least 100: nobody
  o.gold = {0.5, 20};
  o.silver = {0.9, 0};
  const ParetoAnalysis p = analyze_pareto(revenue, o);
  EXPECT_EQ(p.abc, (std::vector<A>{A::kA, A::kB, A::kB, A::kC, A::kC, A::kC}));
  // Rank fractions 0, 1/6, 2/6, 3/6 (both 5s), 5/6.
  EXPECT_EQ(p.tiers,
            (std::vector<T>{T::kGold, T::kGold, T::kSilver, T::kSilver, T::kSilver, T::kSilver}));
}

TEST(Pareto, NegativeAndZeroTotals) {
  const ParetoAnalysis p = analyze_pareto(std::vector<double>{-5, 10});
  EXPECT_EQ(p.negative_revenue_customers, 1u);
  EXPECT_DOUBLE_EQ(p.total_revenue, 10);
  EXPECT_EQ(p.abc, (std::vector<A>{A::kC, A::kA}));
  const ParetoAnalysis z = analyze_pareto(std::vector<double>{0, 0});
  EXPECT_EQ(z.abc, (std::vector<A>{A::kC, A::kC}));
  EXPECT_EQ(z.tiers, (std::vector<T>{T::kBronze, T::kBronze}));
  EXPECT_DOUBLE_EQ(z.top_share, 0);
}

TEST(Pareto, RejectsBadOptions) {
  ParetoOptions o;
  o.a_share = 0.99;
  o.b_share = 0.9;
  EXPECT_THROW(analyze_pareto(std::vector<double>{1}, o), Error);
  o = ParetoOptions{};
  o.gold.top_fraction = 0.5;  // wider than silver
  EXPECT_THROW(analyze_pareto(std::vector<double>{1}, o), Error);
  EXPECT_THROW(analyze_pareto(std::vector<double>{NAN}), Error);
}

}  // namespace
}  // namespace rapport::analytics
