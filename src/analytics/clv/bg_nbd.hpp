#pragma once
// The BG/NBD model of repeat buying (Fader, Hardie & Lee 2005, "Counting Your Customers the Easy
// Way", Marketing Science 24(2)): while alive, a customer buys at a Poisson rate lambda ~
// Gamma(r, alpha); after each purchase they drop out with probability p ~ Beta(a, b).
//
// Fitting is maximum likelihood with the analytic gradient and Hessian, maximised by
// NewtonMaximizer on log-parameters; standard errors come from the inverse of the observed
// information (the negated Hessian in the raw parameters). Customers with identical (x, t_x, T)
// are collapsed into weighted rows first, so the cost scales with the distinct summaries.
//
// Thread-safety: BgNbdSample and BgNbdModel are immutable after construction; all const member
// functions and the static functions may run concurrently.
#include <cstdint>
#include <span>
#include <vector>

#include <Eigen/Dense>

#include "analytics/clv/newton_maximizer.hpp"
#include "analytics/customer_summary.hpp"

namespace rapport::analytics {

struct BgNbdParameters {
  double r = 1;
  double alpha = 1;
  double a = 1;
  double b = 1;
};

// The fitting sample: customers' (x, t_x, T) collapsed into distinct weighted rows.
class BgNbdSample {
 public:
  // REQUIRES equal lengths. Errors: rapport::Error (invalid_argument, field "customers[i]") when a
  // row has x < 0, a non-finite time, T < 0 or t_x outside [0, T].
  BgNbdSample(std::span<const std::int32_t> x, std::span<const double> t_x,
              std::span<const double> age);
  explicit BgNbdSample(std::span<const CustomerSummary> customers);

  std::size_t customers() const { return customers_; }
  std::size_t rows() const { return x_.size(); }

  // About `rows` of the distinct rows (every k-th, with their weights): a cheap deterministic
  // stand-in for the sample, used to find a start near the optimum.
  BgNbdSample strided(std::size_t rows) const;

 private:
  BgNbdSample() = default;
  void index_x_values();
  friend class BgNbdModel;
  // `row(i)` yields customer i's (x, t_x, T).
  template <class Row>
  void add_rows(std::size_t n, const Row& row);
  std::size_t customers_ = 0;
  // Distinct rows (structure of arrays for the likelihood loop).
  std::vector<std::int32_t> x_;
  std::vector<double> t_x_;
  std::vector<double> age_;
  std::vector<double> weight_;
  std::vector<std::uint32_t> x_slot_;  // index of the row's x in x_values_
  // Distinct x values and their total weights: the lgamma/digamma terms depend on x alone.
  std::vector<std::int32_t> x_values_;
  std::vector<double> x_weight_;
};

struct BgNbdFitOptions {
  BgNbdParameters start{1, 1, 1, 1};
  NewtonOptions newton{};
  // With more distinct rows than this, first fit a strided subsample of this many rows to get a
  // start near the optimum, then finish on the full sample (which then needs a few Newton steps).
  // 0 disables. The result is the full-sample MLE either way.
  std::size_t warm_start_rows = 50'000;
};

struct BgNbdFit {
  BgNbdParameters parameters;
  BgNbdParameters standard_errors;  // NaN when the information matrix is not positive definite
  double log_likelihood = 0;
  Convergence convergence;
  std::size_t customers = 0;
  std::size_t distinct_rows = 0;
};

class BgNbdModel {
 public:
  // Errors: rapport::Error (invalid_argument, field "parameters") unless all are finite and > 0.
  explicit BgNbdModel(const BgNbdParameters& parameters);

  const BgNbdParameters& parameters() const { return parameters_; }

  // Maximum-likelihood fit. Errors: rapport::Error (invalid_argument) on an empty sample.
  // Non-convergence is reported in BgNbdFit::convergence, not thrown.
  static BgNbdFit fit(const BgNbdSample& sample, const BgNbdFitOptions& options = {});

  // Total log-likelihood, its gradient and Hessian in (r, alpha, a, b). The value is NaN when a
  // parameter is not positive.
  static Evaluation evaluate(const BgNbdParameters& parameters, const BgNbdSample& sample);
  static double log_likelihood(const BgNbdParameters& parameters, const BgNbdSample& sample);

  // P(alive at T | x, t_x, T).
  double probability_alive(std::int32_t x, double t_x, double age) const noexcept;

  // E[transactions in (T, T + t] | x, t_x, T] (FHL 2005 eq. 10). REQUIRES t >= 0.
  double expected_transactions(double t, std::int32_t x, double t_x, double age) const noexcept;

  // The part of expected_transactions that does not depend on t_x:
  // expected_transactions = conditional_rate_factor(t, x, T) * probability_alive(x, t_x, T).
  // Scoring caches it per (x, T) pair.
  double conditional_rate_factor(double t, std::int32_t x, double age) const noexcept;
  // The same for several t at once (sharing the series coefficients). REQUIRES out.size() >=
  // t.size().
  void conditional_rate_factors(std::span<const double> t, std::int32_t x, double age,
                                std::span<double> out) const noexcept;

  // For scoring many customers: the power-series coefficients behind conditional_rate_factor
  // for one x (they do not depend on T or t), accurate for every t and T with
  // t / (alpha + T + t) <= z_max. Empty when the shared-series path does not apply (a within
  // 1e-5 of 1, or z_max >= 0.999); callers then use conditional_rate_factors above.
  std::vector<double> rate_series(std::int32_t x, double z_max) const;
  // conditional_rate_factors from precomputed rate_series(x, z_max) coefficients.
  // REQUIRES t / (alpha + T + t) <= z_max for every t, out.size() >= t.size().
  void conditional_rate_factors(std::span<const double> t, std::int32_t x, double age,
                                std::span<const double> series,
                                std::span<double> out) const noexcept;

 private:
  BgNbdParameters parameters_;
};

}  // namespace rapport::analytics
