#include "analytics/pareto.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>

#include "core/error.hpp"

namespace rapport::analytics {

std::string_view abc_class_name(AbcClass c) noexcept {
  switch (c) {
    case AbcClass::kA:
      return "A";
    case AbcClass::kB:
      return "B";
    case AbcClass::kC:
      return "C";
  }
  return "C";
}

std::string_view value_tier_name(ValueTier t) noexcept {
  switch (t) {
    case ValueTier::kPlatinum:
      return "platinum";
    case ValueTier::kGold:
      return "gold";
    case ValueTier::kSilver:
      return "silver";
    case ValueTier::kBronze:
      return "bronze";
  }
  return "bronze";
}

namespace {

void check_fraction(double v, const char* field) {
  if (!(v >= 0 && v <= 1)) throw_invalid(field, std::string(field) + " must be within [0, 1]");
}

void check(const ParetoOptions& o) {
  check_fraction(o.top_fraction, "top_fraction");
  check_fraction(o.a_share, "a_share");
  check_fraction(o.b_share, "b_share");
  check_fraction(o.platinum.top_fraction, "platinum");
  check_fraction(o.gold.top_fraction, "gold");
  check_fraction(o.silver.top_fraction, "silver");
  if (o.a_share > o.b_share) throw_invalid("a_share", "the A share must not exceed the B share");
  if (o.platinum.top_fraction > o.gold.top_fraction ||
      o.gold.top_fraction > o.silver.top_fraction) {
    throw_invalid("tiers", "tier fractions must nest: platinum <= gold <= silver");
  }
  if (o.lorenz_points < 2) throw_invalid("lorenz_points", "a Lorenz curve needs two points");
}

}  // namespace

ParetoAnalysis analyze_pareto(std::span<const double> revenue, const ParetoOptions& options) {
  check(options);
  const std::size_t n = revenue.size();
  ParetoAnalysis out;
  std::vector<double> value(n);
  for (std::size_t i = 0; i < n; ++i) {
    if (std::isnan(revenue[i])) {
      throw_invalid("revenue", "revenue of customer " + std::to_string(i) + " is not a number");
    }
    if (revenue[i] < 0) ++out.negative_revenue_customers;
    value[i] = std::max(0.0, revenue[i]);
  }
  std::vector<std::size_t> order(n);  // highest revenue first
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t l, std::size_t r) { return value[l] > value[r]; });
  // cumulative[k] = revenue of the top k customers.
  std::vector<double> cumulative(n + 1, 0.0);
  for (std::size_t k = 0; k < n; ++k) cumulative[k + 1] = cumulative[k] + value[order[k]];
  out.total_revenue = cumulative[n];
  const double total = out.total_revenue;
  // Share of revenue held by the top fraction f of customers, linear between customers.
  const auto top_share = [&](double f) {
    if (n == 0 || total <= 0) return 0.0;
    const double k = f * static_cast<double>(n);
    const auto whole = static_cast<std::size_t>(std::floor(k));
    if (whole >= n) return 1.0;
    return (cumulative[whole] + (k - static_cast<double>(whole)) * value[order[whole]]) / total;
  };
  out.top_share = top_share(options.top_fraction);
  out.lorenz.resize(options.lorenz_points);
  for (std::size_t i = 0; i < options.lorenz_points; ++i) {
    const double p = static_cast<double>(i) / static_cast<double>(options.lorenz_points - 1);
    out.lorenz[i] = {p, n == 0 || total <= 0 ? p : 1 - top_share(1 - p)};
  }
  // Gini from the exact curve (trapezoids over every customer), not the sampled points.
  if (n > 0 && total > 0) {
    double area = 0;  // under the Lorenz curve, poorest first = top curve read backwards
    for (std::size_t k = 0; k < n; ++k) {
      const double lo = 1 - cumulative[n - k] / total;
      const double hi = 1 - cumulative[n - k - 1] / total;
      area += (lo + hi) / (2 * static_cast<double>(n));
    }
    out.gini = 1 - 2 * area;
  }
  out.abc.assign(n, AbcClass::kC);
  out.tiers.assign(n, ValueTier::kBronze);
  std::size_t k = 0;
  while (k < n) {
    std::size_t end = k;  // the tie group [k, end)
    while (end < n && value[order[end]] == value[order[k]]) ++end;
    const double share_above = total > 0 ? cumulative[k] / total : 1.0;
    const double rank_fraction = static_cast<double>(k) / static_cast<double>(n);
    const double v = value[order[k]];
    AbcClass abc = AbcClass::kC;
    if (total > 0 && share_above < options.a_share) {
      abc = AbcClass::kA;
    } else if (total > 0 && share_above < options.b_share) {
      abc = AbcClass::kB;
    }
    const auto meets = [&](const TierRule& rule) {
      return total > 0 && rank_fraction < rule.top_fraction && v >= rule.min_revenue;
    };
    ValueTier tier = ValueTier::kBronze;
    if (meets(options.platinum)) {
      tier = ValueTier::kPlatinum;
    } else if (meets(options.gold)) {
      tier = ValueTier::kGold;
    } else if (meets(options.silver)) {
      tier = ValueTier::kSilver;
    }
    for (std::size_t j = k; j < end; ++j) {
      out.abc[order[j]] = abc;
      out.tiers[order[j]] = tier;
    }
    k = end;
  }
  return out;
}

}  // namespace rapport::analytics
