#include "analytics/customer_types.hpp"

#include <cmath>

#include <gtest/gtest.h>

#include "core/error.hpp"

namespace rapport::analytics {
namespace {

using C = CustomerType;

TEST(CustomerTypes, HandComputedCase) {
  const std::vector<CustomerTypeInput> in = {
      {1, 999, NAN, NAN, NAN},  // one purchase
      {5, 100, 0.8, 5, 0.1},    // regular and in touch, but buys on promotion: T
      {5, 200, NAN, NAN, 0.5},  // regular: R
      {5, 300, NAN, NAN, 1.5},  // irregular, no other signal: T
      {3, 1000, 0.1, 3, NAN},   // interactions: R, and the most valuable R: key account
      {4, 200, 0.2, 0, NAN},    // no relationship signal: T
  };
  CustomerTypeRules rules;
  rules.key_account_top_fraction = 0.5;
  EXPECT_EQ(classify_customers(in, rules),
            (std::vector<C>{C::kOneTime, C::kTransactional, C::kRelationship, C::kTransactional,
                            C::kKeyAccount, C::kTransactional}));
  // A minimum value keeps small R-types from being key accounts.
  rules.key_account_min_value = 5000;
  EXPECT_EQ(classify_customers(in, rules)[4], C::kRelationship);
  // Loosen the regularity rule: the irregular customer becomes R.
  rules = CustomerTypeRules{};
  rules.max_regular_cv = 2;
  EXPECT_EQ(classify_customers(in, rules)[3], C::kRelationship);
  EXPECT_EQ(customer_type_name(C::kKeyAccount), "key account");
}

TEST(CustomerTypes, InputsFromSummariesAndBadRules) {
  std::vector<CustomerSummary> c(1);
  c[0].transactions = 4;
  c[0].total_amount = 80;
  c[0].interpurchase_cv = 0.2;
  const auto in = customer_type_inputs(c);
  EXPECT_EQ(in[0].transactions, 4);
  EXPECT_TRUE(std::isnan(in[0].discount_share));
  // The single R-type is the top of its own group.
  EXPECT_EQ(classify_customers(in)[0], C::kKeyAccount);
  CustomerTypeRules bad;
  bad.price_sensitive_share = 1.5;
  EXPECT_THROW(classify_customers(in, bad), Error);
}

}  // namespace
}  // namespace rapport::analytics
