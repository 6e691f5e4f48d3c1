#include "analytics/customer_types.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/error.hpp"

namespace rapport::analytics {

std::string_view customer_type_name(CustomerType type) noexcept {
  switch (type) {
    case CustomerType::kOneTime:
      return "one-time";
    case CustomerType::kTransactional:
      return "T-type";
    case CustomerType::kRelationship:
      return "R-type";
    case CustomerType::kKeyAccount:
      return "key account";
  }
  return "one-time";
}

std::vector<CustomerType> classify_customers(std::span<const CustomerTypeInput> customers,
                                             const CustomerTypeRules& rules) {
  const auto fraction = [](double v) { return v >= 0 && v <= 1; };
  if (!fraction(rules.price_sensitive_share) || !fraction(rules.key_account_top_fraction) ||
      !(rules.min_interactions >= 0) || !(rules.max_regular_cv >= 0) ||
      std::isnan(rules.key_account_min_value)) {
    throw_invalid("rules",
                  "customer type shares and fractions must be within [0, 1] and "
                  "thresholds non-negative");
  }
  std::vector<CustomerType> out(customers.size(), CustomerType::kOneTime);
  std::vector<double> relationship_values;
  for (std::size_t i = 0; i < customers.size(); ++i) {
    const CustomerTypeInput& c = customers[i];
    if (c.transactions <= 1) continue;
    // NaN compares false, so an unknown proxy is no evidence.
    const bool price_sensitive = c.discount_share >= rules.price_sensitive_share;
    const bool relationship =
        c.interactions >= rules.min_interactions || c.interpurchase_cv <= rules.max_regular_cv;
    if (relationship && !price_sensitive) {
      out[i] = CustomerType::kRelationship;
      relationship_values.push_back(c.value);
    } else {
      out[i] = CustomerType::kTransactional;
    }
  }
  if (relationship_values.empty()) return out;
  std::sort(relationship_values.begin(), relationship_values.end(), std::greater<>());
  const double n = static_cast<double>(relationship_values.size());
  for (std::size_t i = 0; i < customers.size(); ++i) {
    if (out[i] != CustomerType::kRelationship) continue;
    const double v = customers[i].value;
    const auto above =
        static_cast<double>(std::lower_bound(relationship_values.begin(), relationship_values.end(),
                                             v, std::greater<>()) -
                            relationship_values.begin());
    if (above / n < rules.key_account_top_fraction && v >= rules.key_account_min_value) {
      out[i] = CustomerType::kKeyAccount;
    }
  }
  return out;
}

std::vector<CustomerTypeInput> customer_type_inputs(std::span<const CustomerSummary> customers) {
  constexpr double kUnknown = std::numeric_limits<double>::quiet_NaN();
  std::vector<CustomerTypeInput> out(customers.size());
  for (std::size_t i = 0; i < customers.size(); ++i) {
    out[i] = {customers[i].transactions, customers[i].total_amount, kUnknown, kUnknown,
              customers[i].interpurchase_cv};
  }
  return out;
}

}  // namespace rapport::analytics
