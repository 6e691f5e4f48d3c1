#include "analytics/clv/gamma_gamma.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <unordered_map>
#include <utility>
#include <vector>

#include "analytics/special_functions.hpp"
#include "core/error.hpp"

namespace rapport::analytics {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::string format_amount(double v) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.10g", v);
  return buffer;
}

// Per distinct x: how many customers have it and the sum of their log(m). These do not depend
// on the parameters, so a fit computes them once rather than at every evaluation.
struct GammaGammaGroup {
  std::int32_t x = 0;
  double count = 0;
  double sum_log_m = 0;
};

std::vector<GammaGammaGroup> gamma_gamma_groups(std::span<const std::int32_t> xs,
                                                std::span<const double> ms) {
  // x is dense in practice, so group through a vector.
  std::int32_t max_x = 0;
  for (std::int32_t x : xs) max_x = std::max(max_x, x);
  std::vector<GammaGammaGroup> groups;
  if (static_cast<std::size_t>(max_x) <= 4 * xs.size() + 1024) {
    std::vector<GammaGammaGroup> by_x(static_cast<std::size_t>(max_x) + 1);
    for (std::size_t i = 0; i < xs.size(); ++i) {
      by_x[xs[i]].count += 1;
      by_x[xs[i]].sum_log_m += std::log(ms[i]);
    }
    for (std::size_t x = 0; x < by_x.size(); ++x) {
      if (by_x[x].count > 0)
        groups.push_back({static_cast<std::int32_t>(x), by_x[x].count, by_x[x].sum_log_m});
    }
  } else {
    std::unordered_map<std::int32_t, GammaGammaGroup> per_x;
    for (std::size_t i = 0; i < xs.size(); ++i) {
      GammaGammaGroup& slot = per_x[xs[i]];
      slot.x = xs[i];
      slot.count += 1;
      slot.sum_log_m += std::log(ms[i]);
    }
    for (const auto& [x, g] : per_x) groups.push_back(g);
  }
  return groups;
}

// Per customer (x, m):
//   lgamma(p x + q) - lgamma(p x) - lgamma(q) + q log(gamma) + (p x - 1) log(m) + p x log(x)
//   - (p x + q) log(x m + gamma)
// Everything but the last term depends on x alone or is linear in p with a data constant, so
// it is summed per distinct x (`groups`); the per-customer cost is one logarithm. Order: p, q,
// gamma.
Evaluation evaluate_gamma_gamma(const GammaGammaParameters& params,
                                std::span<const std::int32_t> xs, std::span<const double> ms,
                                std::span<const GammaGammaGroup> groups) {
  Evaluation e;
  e.gradient = Eigen::VectorXd::Zero(3);
  e.hessian = Eigen::MatrixXd::Zero(3, 3);
  const double p = params.p, q = params.q, g = params.gamma;
  if (!(p > 0 && q > 0 && g > 0) || !std::isfinite(p + q + g)) {
    e.value = kNaN;
    return e;
  }
  double v = 0, gp = 0, gq = 0, gg = 0, hpp = 0, hpq = 0, hpg = 0, hqq = 0, hqg = 0, hgg = 0;
  for (std::size_t i = 0; i < xs.size(); ++i) {
    const double x = xs[i], m = ms[i];
    const double s = x * m + g;
    const double ls = std::log(s);
    const double inv = 1 / s;
    const double k = p * x + q;
    v -= k * ls;
    gp -= x * ls;
    gq -= ls;
    gg -= k * inv;
    hpg -= x * inv;
    hqg -= inv;
    hgg += k * inv * inv;
  }
  const double lg_q = log_gamma(q), psi_q = digamma(q), tri_q = trigamma(q);
  const double log_g = std::log(g);
  for (const GammaGammaGroup& s : groups) {
    const double x = s.x, w = s.count;
    const double px = p * x, k = px + q;
    const double psi_k = digamma(k), psi_px = digamma(px);
    const double tri_k = trigamma(k), tri_px = trigamma(px);
    const double log_x = std::log(x);
    v +=
        w * (log_gamma(k) - log_gamma(px) - lg_q + q * log_g + px * log_x) + (px - 1) * s.sum_log_m;
    gp += w * x * (psi_k - psi_px + log_x) + x * s.sum_log_m;
    gq += w * (psi_k - psi_q + log_g);
    gg += w * q / g;
    hpp += w * x * x * (tri_k - tri_px);
    hpq += w * x * tri_k;
    hqq += w * (tri_k - tri_q);
    hqg += w / g;
    hgg -= w * q / (g * g);
  }
  e.value = v;
  e.gradient << gp, gq, gg;
  e.hessian << hpp, hpq, hpg, hpq, hqq, hqg, hpg, hqg, hgg;
  return e;
}

}  // namespace

GammaGammaModel::GammaGammaModel(const GammaGammaParameters& p) : parameters_(p) {
  for (double v : {p.p, p.q, p.gamma}) {
    if (!(std::isfinite(v) && v > 0)) {
      throw_invalid("parameters", "Gamma-Gamma parameters must be finite and positive");
    }
  }
}

Evaluation GammaGammaModel::evaluate(const GammaGammaParameters& params,
                                     std::span<const std::int32_t> xs, std::span<const double> ms) {
  return evaluate_gamma_gamma(params, xs, ms, gamma_gamma_groups(xs, ms));
}

GammaGammaFit GammaGammaModel::fit(std::span<const CustomerSummary> customers,
                                   const GammaGammaFitOptions& options) {
  std::vector<std::int32_t> xs;
  std::vector<double> ms;
  GammaGammaFit fit;
  for (const CustomerSummary& c : customers) {
    if (c.frequency <= 0) continue;
    if (!(c.monetary > 0) || !std::isfinite(c.monetary)) {
      if (options.skip_nonpositive && std::isfinite(c.monetary)) {
        ++fit.skipped_nonpositive;
        continue;
      }
      const std::string name =
          options.customer_name ? options.customer_name(c.customer) : std::to_string(c.customer);
      throw_invalid("monetary", "customer " + name + " has a mean repeat-transaction value of " +
                                    format_amount(c.monetary) +
                                    "; the Gamma-Gamma spend model needs positive values "
                                    "(skip such customers to fit on the rest)");
    }
    xs.push_back(c.frequency);
    ms.push_back(c.monetary);
  }
  if (xs.empty()) {
    throw_invalid("customers", "the Gamma-Gamma model needs at least one repeat customer");
  }
  Eigen::VectorXd start(3);
  start << options.start.p, options.start.q, options.start.gamma;
  const std::vector<GammaGammaGroup> groups = gamma_gamma_groups(xs, ms);
  const NewtonResult result =
      NewtonMaximizer(options.newton)
          .maximize(
              [&](const Eigen::VectorXd& v) {
                return evaluate_gamma_gamma({v[0], v[1], v[2]}, xs, ms, groups);
              },
              start, static_cast<double>(xs.size()));
  fit.parameters = {result.parameters[0], result.parameters[1], result.parameters[2]};
  fit.log_likelihood = result.at_parameters.value;
  fit.convergence = result.convergence;
  fit.customers = xs.size();
  // Ran off along q, gamma -> infinity with p in range: E[spend | x, m] = (gamma + m x) p /
  // (p x + q - 1) tends to p gamma / q for every customer, and in that limit the maximum
  // likelihood value of p gamma / q is the transaction-weighted mean of m (the spend rate is
  // common, x m ~ Gamma(p x, rate), whose rate estimate is p sum(x) / sum(x m) for any p). So
  // the limit is represented exactly by the last q with gamma set to match that mean.
  const double p_bound = std::exp(options.newton.max_abs_log_parameter);
  if (!fit.convergence.converged && fit.parameters.q > 1e4 && fit.parameters.gamma > 1e4 &&
      fit.parameters.p > 1 / p_bound && fit.parameters.p < p_bound) {
    double sum_x = 0, sum_xm = 0;
    for (std::size_t i = 0; i < xs.size(); ++i) {
      sum_x += xs[i];
      sum_xm += xs[i] * ms[i];
    }
    fit.homogeneous_spend = true;
    fit.parameters.gamma = fit.parameters.q * (sum_xm / sum_x) / fit.parameters.p;
    fit.log_likelihood = evaluate_gamma_gamma(fit.parameters, xs, ms, groups).value;
    fit.convergence.message =
        "q and gamma grow together without bound: the customers' mean spends vary no more than "
        "single transactions do; the limit model is used (every customer's expected spend is "
        "the transaction-weighted mean repeat value)";
    fit.standard_errors = {kNaN, kNaN, kNaN};
    return fit;
  }
  Eigen::Vector3d se = Eigen::Vector3d::Constant(kNaN);
  Eigen::LLT<Eigen::MatrixXd> llt(-result.at_parameters.hessian);
  if (llt.info() == Eigen::Success) {
    se = llt.solve(Eigen::MatrixXd::Identity(3, 3)).diagonal().cwiseSqrt();
  }
  fit.standard_errors = {se[0], se[1], se[2]};
  return fit;
}

double GammaGammaModel::expected_average_spend(std::int32_t x, double m) const noexcept {
  const auto& p = parameters_;
  if (p.q <= 1) return kNaN;
  if (x <= 0) return p.p * p.gamma / (p.q - 1);
  return p.p * (p.gamma + x * m) / (p.p * x + p.q - 1);
}

}  // namespace rapport::analytics
