#include "analytics/clv/bg_nbd.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <tuple>
#include <unordered_map>

#include "analytics/clv/row_index.hpp"
#include "analytics/special_functions.hpp"
#include "core/error.hpp"

namespace rapport::analytics {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

void check_row(std::size_t i, std::int32_t x, double t_x, double age) {
  if (x < 0 || !std::isfinite(t_x) || !std::isfinite(age) || age < 0 || t_x < 0 || t_x > age) {
    throw_invalid("customers[" + std::to_string(i) + "]",
                  "BG/NBD needs x >= 0 and 0 <= t_x <= T (got x = " + std::to_string(x) +
                      ", t_x = " + std::to_string(t_x) + ", T = " + std::to_string(age) + ")");
  }
}

BgNbdParameters to_parameters(const Eigen::VectorXd& v) {
  return {v[0], v[1], v[2], v[3]};
}

}  // namespace

BgNbdSample::BgNbdSample(std::span<const std::int32_t> x, std::span<const double> t_x,
                         std::span<const double> age) {
  if (x.size() != t_x.size() || x.size() != age.size()) {
    throw_invalid("customers", "x, t_x and T must have the same length");
  }
  add_rows(x.size(), [&](std::size_t i) { return std::tuple(x[i], t_x[i], age[i]); });
}

BgNbdSample::BgNbdSample(std::span<const CustomerSummary> customers) {
  add_rows(customers.size(), [&](std::size_t i) {
    const CustomerSummary& c = customers[i];
    return std::tuple(c.frequency, c.recency, c.age);
  });
}

template <class Row>
void BgNbdSample::add_rows(std::size_t n, const Row& row) {
  detail::RowIndex index(std::min<std::size_t>(n, 1u << 22));
  std::vector<double> weight;
  for (std::size_t i = 0; i < n; ++i) {
    const auto [xi, ti, ai] = row(i);
    check_row(i, xi, ti, ai);
    // t_x carries no information when x = 0; normalising it lets those rows share a key.
    const std::uint32_t row = index.find_or_add(xi, xi == 0 ? 0.0 : ti, ai);
    if (row == weight.size()) weight.push_back(0);
    weight[row] += 1;
  }
  customers_ = n;
  x_ = std::move(index.x());
  t_x_ = std::move(index.t_x());
  age_ = std::move(index.age());
  weight_ = std::move(weight);
  index_x_values();
}

BgNbdSample BgNbdSample::strided(std::size_t rows) const {
  if (rows == 0 || rows >= x_.size()) return *this;
  const std::size_t step = (x_.size() + rows - 1) / rows;
  BgNbdSample s;
  for (std::size_t i = 0; i < x_.size(); i += step) {
    s.x_.push_back(x_[i]);
    s.t_x_.push_back(t_x_[i]);
    s.age_.push_back(age_[i]);
    s.weight_.push_back(weight_[i]);
    s.customers_ += static_cast<std::size_t>(weight_[i]);
  }
  s.index_x_values();
  return s;
}

void BgNbdSample::index_x_values() {
  std::unordered_map<std::int32_t, std::uint32_t> slot_of;
  x_slot_.resize(x_.size());
  for (std::size_t i = 0; i < x_.size(); ++i) {
    auto [it, added] = slot_of.try_emplace(x_[i], static_cast<std::uint32_t>(x_values_.size()));
    if (added) {
      x_values_.push_back(x_[i]);
      x_weight_.push_back(0);
    }
    x_slot_[i] = it->second;
    x_weight_[it->second] += weight_[i];
  }
}

BgNbdModel::BgNbdModel(const BgNbdParameters& p) : parameters_(p) {
  for (double v : {p.r, p.alpha, p.a, p.b}) {
    if (!(std::isfinite(v) && v > 0)) {
      throw_invalid("parameters", "BG/NBD parameters must be finite and positive");
    }
  }
}

// The log-likelihood of one customer (FHL 2005 eq. 6, in logs):
//   C(x) + log(exp(f3) + [x > 0] exp(f4)), where
//   C(x) = lgamma(r+x) - lgamma(r) + r log(alpha) + lgamma(a+b) + lgamma(b+x) - lgamma(b)
//          - lgamma(a+b+x)                         (depends on x only: summed per distinct x)
//   f3 = -(r+x) log(alpha+T)
//   f4 = log(a) - log(b+x-1) - (r+x) log(alpha+t_x)
// With w = the weight of f4 in the log-sum-exp, the gradient of the second part is
// (1-w) grad f3 + w grad f4 and its Hessian (1-w) H3 + w H4 + w(1-w) d d' with d = grad f4 -
// grad f3. Parameter order: r, alpha, a, b.
Evaluation BgNbdModel::evaluate(const BgNbdParameters& p, const BgNbdSample& s) {
  Evaluation e;
  e.gradient = Eigen::VectorXd::Zero(4);
  e.hessian = Eigen::MatrixXd::Zero(4, 4);
  const double r = p.r, alpha = p.alpha, a = p.a, b = p.b;
  if (!(r > 0 && alpha > 0 && a > 0 && b > 0) || !std::isfinite(r + alpha + a + b)) {
    e.value = kNaN;
    return e;
  }
  const std::size_t nx = s.x_values_.size();
  std::vector<double> log_b_x1(nx), inv_b_x1(nx);
  double value = 0;
  Eigen::Matrix4d h = Eigen::Matrix4d::Zero();
  Eigen::Vector4d g = Eigen::Vector4d::Zero();
  const double log_alpha = std::log(alpha);
  const double lg_r = log_gamma(r), lg_b = log_gamma(b), lg_ab = log_gamma(a + b);
  const double psi_r = digamma(r), psi_b = digamma(b), psi_ab = digamma(a + b);
  const double tri_r = trigamma(r), tri_b = trigamma(b), tri_ab = trigamma(a + b);
  for (std::size_t k = 0; k < nx; ++k) {
    const double x = s.x_values_[k];
    const double w = s.x_weight_[k];
    if (x > 0) {
      log_b_x1[k] = std::log(b + x - 1);
      inv_b_x1[k] = 1 / (b + x - 1);
    }
    value += w * r * log_alpha;
    g[0] += w * log_alpha;
    g[1] += w * r / alpha;
    h(0, 1) += w / alpha;
    h(1, 1) -= w * r / (alpha * alpha);
    if (x == 0) continue;  // the gamma-function terms cancel
    value += w * (log_gamma(r + x) - lg_r + lg_ab + log_gamma(b + x) - lg_b - log_gamma(a + b + x));
    const double psi_abx = digamma(a + b + x);
    const double tri_abx = trigamma(a + b + x);
    g[0] += w * (digamma(r + x) - psi_r);
    g[2] += w * (psi_ab - psi_abx);
    g[3] += w * (psi_ab + digamma(b + x) - psi_b - psi_abx);
    h(0, 0) += w * (trigamma(r + x) - tri_r);
    h(2, 2) += w * (tri_ab - tri_abx);
    h(2, 3) += w * (tri_ab - tri_abx);
    h(3, 3) += w * (tri_ab + trigamma(b + x) - tri_b - tri_abx);
  }
  const double log_a = std::log(a);
  const double inv_a = 1 / a;
  // Per-row sums, kept in scalars so the loop stays in registers.
  double v = 0, gr = 0, gal = 0, ga = 0, gb = 0;
  double hrr = 0, hral = 0, hrb = 0, hra = 0, halal = 0, hala = 0, halb = 0, haa = 0, hab = 0,
         hbb = 0;
  const std::size_t n = s.x_.size();
  for (std::size_t i = 0; i < n; ++i) {
    const double wt = s.weight_[i];
    const double rx = r + s.x_[i];
    const double inv3 = 1 / (alpha + s.age_[i]);
    const double l3 = std::log(alpha + s.age_[i]);
    const double f3 = -rx * l3;
    if (s.x_[i] == 0) {
      v += wt * f3;
      gr -= wt * l3;
      gal -= wt * rx * inv3;
      hral -= wt * inv3;
      halal += wt * rx * inv3 * inv3;
      continue;
    }
    const std::uint32_t k = s.x_slot_[i];
    const double ib = inv_b_x1[k];
    const double inv4 = 1 / (alpha + s.t_x_[i]);
    const double l4 = std::log(alpha + s.t_x_[i]);
    const double f4 = log_a - log_b_x1[k] - rx * l4;
    const double diff = f4 - f3;
    const double ex = std::exp(-std::abs(diff));
    const double w = diff > 0 ? 1 / (1 + ex) : ex / (1 + ex);
    const double u = 1 - w;
    v += wt * (std::max(f3, f4) + std::log1p(ex));
    gr -= wt * (u * l3 + w * l4);
    gal -= wt * rx * (u * inv3 + w * inv4);
    ga += wt * w * inv_a;
    gb -= wt * w * ib;
    // d = grad f4 - grad f3
    const double d0 = l3 - l4, d1 = rx * (inv3 - inv4), d2 = inv_a, d3 = -ib;
    const double c = wt * w * u;
    hrr += c * d0 * d0;
    hral += c * d0 * d1 - wt * (u * inv3 + w * inv4);
    hra += c * d0 * d2;
    hrb += c * d0 * d3;
    halal += c * d1 * d1 + wt * rx * (u * inv3 * inv3 + w * inv4 * inv4);
    hala += c * d1 * d2;
    halb += c * d1 * d3;
    haa += c * d2 * d2 - wt * w * inv_a * inv_a;
    hab += c * d2 * d3;
    hbb += c * d3 * d3 + wt * w * ib * ib;
  }
  e.value = value + v;
  g += Eigen::Vector4d(gr, gal, ga, gb);
  h(0, 0) += hrr;
  h(0, 1) += hral;
  h(0, 2) += hra;
  h(0, 3) += hrb;
  h(1, 1) += halal;
  h(1, 2) += hala;
  h(1, 3) += halb;
  h(2, 2) += haa;
  h(2, 3) += hab;
  h(3, 3) += hbb;
  e.gradient = g;
  e.hessian = h.selfadjointView<Eigen::Upper>();
  return e;
}

double BgNbdModel::log_likelihood(const BgNbdParameters& parameters, const BgNbdSample& sample) {
  return evaluate(parameters, sample).value;
}

BgNbdFit BgNbdModel::fit(const BgNbdSample& sample, const BgNbdFitOptions& options) {
  if (sample.customers() == 0) throw_invalid("customers", "cannot fit BG/NBD on no customers");
  const NewtonMaximizer maximizer(options.newton);
  Eigen::VectorXd start(4);
  start << options.start.r, options.start.alpha, options.start.a, options.start.b;
  Convergence warm_report;
  bool warm = false;
  if (options.warm_start_rows > 0 && sample.rows() > 4 * options.warm_start_rows) {
    const BgNbdSample small = sample.strided(options.warm_start_rows);
    const NewtonResult pre = maximizer.maximize(
        [&](const Eigen::VectorXd& v) { return evaluate(to_parameters(v), small); }, start,
        static_cast<double>(small.customers()));
    if (pre.convergence.converged) {
      start = pre.parameters;
      warm_report = pre.convergence;
      warm = true;
    }
  }
  const NewtonResult result = maximizer.maximize(
      [&](const Eigen::VectorXd& v) { return evaluate(to_parameters(v), sample); }, start,
      static_cast<double>(sample.customers()));
  BgNbdFit fit;
  fit.parameters = to_parameters(result.parameters);
  fit.log_likelihood = result.at_parameters.value;
  fit.convergence = result.convergence;
  if (warm) {
    fit.convergence.iterations += warm_report.iterations;
    fit.convergence.evaluations += warm_report.evaluations;
    fit.convergence.message += " (warm start from a subsample)";
  }
  fit.customers = sample.customers();
  fit.distinct_rows = sample.rows();
  Eigen::Vector4d se = Eigen::Vector4d::Constant(kNaN);
  const Eigen::Matrix4d information = -result.at_parameters.hessian;
  Eigen::LLT<Eigen::Matrix4d> llt(information);
  if (llt.info() == Eigen::Success) {
    se = llt.solve(Eigen::Matrix4d::Identity()).diagonal().cwiseSqrt();
  }
  fit.standard_errors = {se[0], se[1], se[2], se[3]};
  return fit;
}

double BgNbdModel::probability_alive(std::int32_t x, double t_x, double age) const noexcept {
  if (x == 0) return 1;
  const auto& p = parameters_;
  const double ratio = p.a / (p.b + x - 1) *
                       std::exp((p.r + x) * (std::log(p.alpha + age) - std::log(p.alpha + t_x)));
  return 1 / (1 + ratio);
}

namespace {

// K(t_i) = (C / (a-1)) (1 - (1-z_i)^(a-1) 2F1(a+b-1-r, a-1; C; z_i)), C = a+b+x-1,
// z_i = t_i / (alpha+T+t_i), for a block of t at one (x, T). This is FHL eq. 10's numerator
// after Euler's transformation 2F1(A,B;C;z) = (1-z)^(C-A-B) 2F1(C-A, C-B; C; z) with A = r+x,
// B = b+x, which turns ((alpha+T)/(alpha+T+t))^(r+x) 2F1(A,B;C;z) into the form above: upper
// parameters independent of x, so the series neither overflows nor slows down for heavy buyers.
// The series coefficients are shared by all t of the block (scoring needs H months at once).
constexpr std::size_t kBlock = 32;

void rate_factor_block(const BgNbdParameters& p, double a, std::int32_t x, double age,
                       const double* t, double* out, std::size_t m) {
  const double c = a + p.b + x - 1;
  const double upper1 = a + p.b - 1 - p.r, upper2 = a - 1;
  const double base = p.alpha + age;
  double z[kBlock], power[kBlock], sum[kBlock];
  bool done[kBlock];
  std::size_t active = 0;
  for (std::size_t i = 0; i < m; ++i) {
    z[i] = t[i] > 0 ? t[i] / (base + t[i]) : 0;
    power[i] = 1;
    sum[i] = 1;
    done[i] = t[i] <= 0;
    active += done[i] ? 0 : 1;
  }
  double coefficient = 1;
  constexpr int kMaxTerms = 1'000'000;
  for (int n = 0; active > 0 && n < kMaxTerms; ++n) {
    const double ratio = (upper1 + n) * (upper2 + n) / ((c + n) * (n + 1));
    coefficient *= ratio;
    for (std::size_t i = 0; i < m; ++i) {
      if (done[i]) continue;
      power[i] *= z[i];
      const double term = coefficient * power[i];
      sum[i] += term;
      // Stop on a term that is negligible and past the series' peak (|ratio z| < 1).
      if (term == 0 || (std::abs(term) <= 1e-17 * std::abs(sum[i]) && std::abs(ratio * z[i]) < 1)) {
        done[i] = true;
        --active;
      }
    }
  }
  for (std::size_t i = 0; i < m; ++i) {
    if (t[i] <= 0) {
      out[i] = 0;
    } else if (!done[i]) {
      out[i] = kNaN;
    } else {
      // (1-z)^(a-1) with log(1-z) = -log1p(t / (alpha+T)).
      const double g = std::exp(-(a - 1) * std::log1p(t[i] / base)) * sum[i];
      out[i] = c / (a - 1) * (1 - g);
    }
  }
}

void rate_factors(const BgNbdParameters& p, double a, std::int32_t x, double age,
                  std::span<const double> t, std::span<double> out) {
  for (std::size_t begin = 0; begin < t.size(); begin += kBlock) {
    const std::size_t m = std::min(kBlock, t.size() - begin);
    rate_factor_block(p, a, x, age, t.data() + begin, out.data() + begin, m);
  }
}

}  // namespace

void BgNbdModel::conditional_rate_factors(std::span<const double> t, std::int32_t x, double age,
                                          std::span<double> out) const noexcept {
  const auto& p = parameters_;
  // The expression is 0/0 at a = 1 (a removable singularity): interpolate across it.
  constexpr double kH = 1e-5;
  if (std::abs(p.a - 1) < kH) {
    double lo[kBlock], hi[kBlock];
    for (std::size_t begin = 0; begin < t.size(); begin += kBlock) {
      const std::size_t m = std::min(kBlock, t.size() - begin);
      rate_factor_block(p, 1 - kH, x, age, t.data() + begin, lo, m);
      rate_factor_block(p, 1 + kH, x, age, t.data() + begin, hi, m);
      for (std::size_t i = 0; i < m; ++i) {
        out[begin + i] = lo[i] + (hi[i] - lo[i]) * (p.a - (1 - kH)) / (2 * kH);
      }
    }
    return;
  }
  rate_factors(p, p.a, x, age, t, out);
}

std::vector<double> BgNbdModel::rate_series(std::int32_t x, double z_max) const {
  const auto& p = parameters_;
  std::vector<double> series;
  if (std::abs(p.a - 1) < 1e-5 || !(z_max < 0.999) || z_max < 0) return series;
  const double c = p.a + p.b + x - 1;
  const double upper1 = p.a + p.b - 1 - p.r, upper2 = p.a - 1;
  double coefficient = 1, power = 1, sum = 1;
  series.push_back(1);
  for (int n = 0; n < 100'000; ++n) {
    const double ratio = (upper1 + n) * (upper2 + n) / ((c + n) * (n + 1));
    coefficient *= ratio;
    power *= z_max;
    series.push_back(coefficient);
    const double term = coefficient * power;
    sum += term;
    if (term == 0 || (std::abs(term) <= 1e-17 * std::abs(sum) && std::abs(ratio * z_max) < 1)) {
      return series;
    }
  }
  series.clear();  // did not converge: let the caller use the general path
  return series;
}

void BgNbdModel::conditional_rate_factors(std::span<const double> t, std::int32_t x, double age,
                                          std::span<const double> series,
                                          std::span<double> out) const noexcept {
  const auto& p = parameters_;
  const double c = p.a + p.b + x - 1;
  const double base = p.alpha + age;
  for (std::size_t begin = 0; begin < t.size(); begin += kBlock) {
    const std::size_t m = std::min(kBlock, t.size() - begin);
    double z[kBlock], s[kBlock];
    for (std::size_t i = 0; i < m; ++i) {
      const double ti = t[begin + i];
      z[i] = ti > 0 ? ti / (base + ti) : 0;
      s[i] = series.back();
    }
    // Horner, with the independent t interleaved so the loop pipelines (and vectorises).
    for (std::size_t n = series.size() - 1; n-- > 0;) {
      for (std::size_t i = 0; i < m; ++i) s[i] = s[i] * z[i] + series[n];
    }
    for (std::size_t i = 0; i < m; ++i) {
      const double ti = t[begin + i];
      out[begin + i] =
          ti > 0 ? c / (p.a - 1) * (1 - std::exp(-(p.a - 1) * std::log1p(ti / base)) * s[i]) : 0;
    }
  }
}

double BgNbdModel::conditional_rate_factor(double t, std::int32_t x, double age) const noexcept {
  double out = 0;
  conditional_rate_factors(std::span<const double>(&t, 1), x, age, std::span<double>(&out, 1));
  return out;
}

double BgNbdModel::expected_transactions(double t, std::int32_t x, double t_x,
                                         double age) const noexcept {
  return conditional_rate_factor(t, x, age) * probability_alive(x, t_x, age);
}

}  // namespace rapport::analytics
