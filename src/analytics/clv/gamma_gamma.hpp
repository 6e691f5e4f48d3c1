#pragma once
// The Gamma-Gamma model of spend per transaction (Fader, Hardie & Lee 2005, "RFM and CLV",
// JMR 42(4); Colombo & Jiang 1999): a customer's transaction values are Gamma(p, nu) with
// nu ~ Gamma(q, gamma) across customers, independent of how often they buy. Fitted on the
// customers with x > 0 from (x, m), m = mean value of their repeat transactions.
//
// Errors: rapport::Error, code invalid_argument. A repeat customer with m <= 0 (refunds, free
// orders) is refused with a message naming the customer, unless the options say to skip such
// customers, in which case they are counted in GammaGammaFit::skipped_nonpositive.
// Thread-safety: GammaGammaModel is immutable; everything here may run concurrently.
#include <cstdint>
#include <functional>
#include <span>
#include <string>

#include "analytics/clv/newton_maximizer.hpp"
#include "analytics/customer_summary.hpp"

namespace rapport::analytics {

struct GammaGammaParameters {
  double p = 1;
  double q = 1;
  double gamma = 1;
};

struct GammaGammaFitOptions {
  GammaGammaParameters start{1, 1, 1};
  NewtonOptions newton{};
  bool skip_nonpositive = false;
  // Names a customer in an error message (e.g. the external id the caller mapped to an integer);
  // defaults to the decimal id.
  std::function<std::string(std::int64_t)> customer_name;
};

struct GammaGammaFit {
  GammaGammaParameters parameters;
  GammaGammaParameters standard_errors;  // NaN when the information is not positive definite
  double log_likelihood = 0;
  Convergence convergence;
  std::size_t customers = 0;            // repeat customers used
  std::size_t skipped_nonpositive = 0;  // repeat customers with m <= 0 left out (when told)
  // True when the fit ran off with q and gamma growing together (convergence.converged is
  // false): the customers' mean spends vary no more than single transactions do, the mixing
  // distribution of the spend rate collapses to a point, and the likelihood's supremum is the
  // limit model in which every customer's expected spend is the transaction-weighted mean
  // repeat value. `parameters` then represent that limit (q large, gamma = q * mean / p), usable
  // for scoring; the standard errors are NaN.
  bool homogeneous_spend = false;
};

class GammaGammaModel {
 public:
  // Errors: rapport::Error (invalid_argument, field "parameters") unless all finite and > 0.
  explicit GammaGammaModel(const GammaGammaParameters& parameters);

  const GammaGammaParameters& parameters() const { return parameters_; }

  // Fits on the customers with frequency > 0 (others are ignored).
  // Errors: rapport::Error (invalid_argument, field "monetary") naming the first repeat customer
  // with a monetary value <= 0 or not finite, unless options.skip_nonpositive (non-finite values
  // are always refused); invalid_argument (field "customers") when no repeat customer remains.
  static GammaGammaFit fit(std::span<const CustomerSummary> customers,
                           const GammaGammaFitOptions& options = {});

  // Total log-likelihood and derivatives in (p, q, gamma) over (x, m) pairs with x > 0, m > 0.
  // REQUIRES equal lengths. The value is NaN when a parameter is not positive.
  static Evaluation evaluate(const GammaGammaParameters& parameters,
                             std::span<const std::int32_t> x, std::span<const double> m);

  // E[mean transaction value | x, m] = p (gamma + x m) / (p x + q - 1): the population mean
  // p gamma / (q - 1) shrunk toward the customer's own mean as x grows. NaN when q <= 1 (the
  // model then has no finite mean).
  double expected_average_spend(std::int32_t x, double m) const noexcept;

 private:
  GammaGammaParameters parameters_;
};

}  // namespace rapport::analytics
