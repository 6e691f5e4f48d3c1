#include "analytics/clv/clv.hpp"

#include <cmath>
#include <limits>
#include <string>
#include <unordered_map>

#include "analytics/clv/row_index.hpp"
#include "core/error.hpp"

namespace rapport::analytics {

namespace {

constexpr double kDaysPerMonth = 365.25 / 12;

// Per distinct (x, T): the rate factors K(t) = E[X(t)] / P(alive) that scoring needs.
struct PairValues {
  double horizon_factor = 0;     // K(H months)
  double discounted_factor = 0;  // sum_i (K(t_i) - K(t_(i-1))) / (1 + d)^i
};

}  // namespace

ClvScorer::ClvScorer(const BgNbdModel& transactions, const GammaGammaModel& spend,
                     ClvOptions options)
    : transactions_(transactions), spend_(spend), options_(options) {
  if (options_.horizon_months < 1 || options_.horizon_months > 1200) {
    throw_invalid("horizon_months", "the horizon must be 1 to 1200 months");
  }
  if (!std::isfinite(options_.monthly_discount) || options_.monthly_discount <= -1) {
    throw_invalid("discount", "the monthly discount rate must be a number above -1");
  }
  if (!std::isfinite(options_.margin)) throw_invalid("margin", "the margin must be a number");
}

double ClvScorer::month_length() const {
  return kDaysPerMonth / days_per_unit(options_.time_unit);
}

std::vector<CustomerValue> ClvScorer::score(std::span<const std::int32_t> x,
                                            std::span<const double> t_x,
                                            std::span<const double> age,
                                            std::span<const double> monetary) const {
  const std::size_t n = x.size();
  if (t_x.size() != n || age.size() != n || monetary.size() != n) {
    throw_invalid("customers", "x, t_x, T and m must have the same length");
  }
  // Pass 1: number the distinct (x, T) pairs.
  detail::RowIndex index(n);
  std::vector<std::uint32_t> pair_of(n);
  for (std::size_t i = 0; i < n; ++i) pair_of[i] = index.find_or_add(x[i], 0.0, age[i]);
  // Pass 2: the expensive part, once per pair.
  const double month = month_length();
  const int horizon = options_.horizon_months;
  std::vector<double> discount(static_cast<std::size_t>(horizon) + 1);
  for (int i = 1; i <= horizon; ++i) {
    discount[i] = std::pow(1 + options_.monthly_discount, -i);
  }
  std::vector<PairValues> pairs(index.size());
  std::vector<double> times(static_cast<std::size_t>(horizon)), factors(times.size());
  for (int i = 1; i <= horizon; ++i) times[static_cast<std::size_t>(i - 1)] = i * month;
  // The series coefficients depend on x alone: compute them once per x, for the largest z any
  // pair needs (the youngest customer at the horizon).
  double youngest = std::numeric_limits<double>::infinity();
  for (double a : index.age()) youngest = std::min(youngest, a);
  const double alpha = transactions_.parameters().alpha;
  const double z_max = times.back() / (alpha + youngest + times.back());
  std::unordered_map<std::int32_t, std::vector<double>> series;
  for (std::size_t k = 0; k < pairs.size(); ++k) {
    const std::int32_t xk = index.x()[k];
    auto it = series.find(xk);
    if (it == series.end()) it = series.emplace(xk, transactions_.rate_series(xk, z_max)).first;
    if (it->second.empty()) {
      transactions_.conditional_rate_factors(times, xk, index.age()[k], factors);
    } else {
      transactions_.conditional_rate_factors(times, xk, index.age()[k], it->second, factors);
    }
    double previous = 0, sum = 0;
    for (int i = 1; i <= horizon; ++i) {
      const double current = factors[static_cast<std::size_t>(i - 1)];
      sum += (current - previous) * discount[static_cast<std::size_t>(i)];
      previous = current;
    }
    pairs[k] = {previous, sum};
  }
  // Pass 3: per customer.
  std::vector<CustomerValue> out(n);
  for (std::size_t i = 0; i < n; ++i) {
    const PairValues& pv = pairs[pair_of[i]];
    CustomerValue& v = out[i];
    v.probability_alive = transactions_.probability_alive(x[i], t_x[i], age[i]);
    v.expected_transactions = pv.horizon_factor * v.probability_alive;
    v.expected_spend = spend_.expected_average_spend(x[i], monetary[i]);
    v.clv = pv.discounted_factor * v.probability_alive * v.expected_spend * options_.margin;
  }
  return out;
}

std::vector<CustomerValue> ClvScorer::score(std::span<const CustomerSummary> customers) const {
  std::vector<std::int32_t> x(customers.size());
  std::vector<double> t_x(customers.size()), age(customers.size()), m(customers.size());
  for (std::size_t i = 0; i < customers.size(); ++i) {
    x[i] = customers[i].frequency;
    t_x[i] = customers[i].recency;
    age[i] = customers[i].age;
    m[i] = customers[i].monetary;
  }
  return score(x, t_x, age, m);
}

std::vector<double> ClvScorer::expected_transactions(
    double t, std::span<const CustomerSummary> customers) const {
  detail::RowIndex index(customers.size());
  std::vector<std::uint32_t> pair_of(customers.size());
  for (std::size_t i = 0; i < customers.size(); ++i) {
    pair_of[i] = index.find_or_add(customers[i].frequency, 0.0, customers[i].age);
  }
  std::vector<double> factor(index.size());
  for (std::size_t k = 0; k < factor.size(); ++k) {
    factor[k] = transactions_.conditional_rate_factor(t, index.x()[k], index.age()[k]);
  }
  std::vector<double> out(customers.size());
  for (std::size_t i = 0; i < customers.size(); ++i) {
    const CustomerSummary& c = customers[i];
    out[i] = factor[pair_of[i]] * transactions_.probability_alive(c.frequency, c.recency, c.age);
  }
  return out;
}

}  // namespace rapport::analytics
