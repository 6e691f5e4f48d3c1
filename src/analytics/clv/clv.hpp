#pragma once
// Customer lifetime value from a fitted BG/NBD model (how many transactions) and a Gamma-Gamma
// model (how much each is worth):
//   CLV = sum over months i = 1..H of
//         (E[X(t_i)] - E[X(t_(i-1))]) * expected average spend * margin / (1 + d)^i
// with t_i = i months in the model's time unit and E[X(t)] the BG/NBD conditional expectation.
// A month is 365.25 / 12 days (4.348 weeks).
//
// Speed: the hypergeometric part of E[X(t)] depends on (x, T) only, not on t_x or m, so the
// scorer computes the discounted sum once per distinct (x, T) pair; per customer it then costs
// one P(alive) (two logs and an exp) and a few multiplications.
//
// Thread-safety: ClvScorer is immutable; score() may run concurrently.
#include <cstdint>
#include <span>
#include <vector>

#include "analytics/clv/bg_nbd.hpp"
#include "analytics/clv/gamma_gamma.hpp"
#include "analytics/customer_summary.hpp"

namespace rapport::analytics {

struct ClvOptions {
  int horizon_months = 12;                // H
  double monthly_discount = 0.01;         // d
  double margin = 1.0;                    // share of revenue that is profit
  TimeUnit time_unit = TimeUnit::kWeeks;  // the unit the models were fitted in
};

struct CustomerValue {
  double probability_alive = 0;
  double expected_transactions = 0;  // over the horizon
  double expected_spend = 0;         // expected average transaction value
  double clv = 0;
};

class ClvScorer {
 public:
  // Errors: rapport::Error (invalid_argument) when horizon_months < 1 or > 1200,
  // monthly_discount <= -1 or not finite, or margin not finite.
  ClvScorer(const BgNbdModel& transactions, const GammaGammaModel& spend, ClvOptions options);

  // One value per customer, in input order. REQUIRES equal lengths; x, t_x, T as for BG/NBD
  // (0 <= t_x <= T). m is the mean repeat-transaction value (ignored when x = 0).
  std::vector<CustomerValue> score(std::span<const std::int32_t> x, std::span<const double> t_x,
                                   std::span<const double> age,
                                   std::span<const double> monetary) const;
  std::vector<CustomerValue> score(std::span<const CustomerSummary> customers) const;

  // E[transactions in the next t time units] per customer (e.g. a holdout period).
  std::vector<double> expected_transactions(double t,
                                            std::span<const CustomerSummary> customers) const;

  // Length of one month in the model's time unit.
  double month_length() const;

 private:
  BgNbdModel transactions_;
  GammaGammaModel spend_;
  ClvOptions options_;
};

}  // namespace rapport::analytics
