#include "analytics/clv/bg_nbd_simulator.hpp"

#include <cmath>
#include <numeric>

#include <gtest/gtest.h>

#include "analytics/clv/bg_nbd.hpp"
#include "analytics/clv/clv.hpp"
#include "core/error.hpp"

namespace rapport::analytics {
namespace {

const BgNbdParameters kTruth{0.243, 4.414, 0.793, 2.426};  // the CDNOW estimates

TEST(BgNbdSimulator, IsDeterministicForASeed) {
  SimulationOptions o;
  o.customers = 1000;
  o.seed = 3;
  const auto a = BgNbdSimulator(kTruth, o).simulate();
  const auto b = BgNbdSimulator(kTruth, o).simulate();
  EXPECT_EQ(a.x, b.x);
  EXPECT_EQ(a.t_x, b.t_x);
  o.seed = 4;
  EXPECT_NE(BgNbdSimulator(kTruth, o).simulate().t_x, a.t_x);
  for (std::size_t i = 0; i < a.x.size(); ++i) {
    ASSERT_LE(a.t_x[i], a.age[i]);
    ASSERT_GE(a.age[i], 39.0 - 12.0);
    ASSERT_EQ(a.x[i] == 0, a.t_x[i] == 0.0);
  }
}

TEST(BgNbdSimulator, ParametersAreRecoveredWithinStandardErrors) {
  SimulationOptions o;
  o.customers = 100'000;
  o.seed = 20050101;
  o.holdout_length = 39;
  const auto sim = BgNbdSimulator(kTruth, o).simulate();
  const BgNbdFit fit = BgNbdModel::fit(BgNbdSample(sim.x, sim.t_x, sim.age));
  ASSERT_TRUE(fit.convergence.converged) << fit.convergence.message;
  const double est[4] = {fit.parameters.r, fit.parameters.alpha, fit.parameters.a,
                         fit.parameters.b};
  const double se[4] = {fit.standard_errors.r, fit.standard_errors.alpha, fit.standard_errors.a,
                        fit.standard_errors.b};
  const double truth[4] = {kTruth.r, kTruth.alpha, kTruth.a, kTruth.b};
  const char* names[4] = {"r", "alpha", "a", "b"};
  for (int k = 0; k < 4; ++k) {
    const double z = (est[k] - truth[k]) / se[k];
    std::printf("%-5s true %.4f est %.4f se %.4f z %+.2f\n", names[k], truth[k], est[k], se[k], z);
    // Three standard errors: a fixed seed, so this is not flaky, and a biased estimator or a
    // wrong standard error (off by a factor of a few) fails it.
    EXPECT_LT(std::abs(z), 3.0) << names[k];
    // Standard errors shrink like 1/sqrt(n): sanity on their scale (CDNOW, n = 2357, has
    // se(r) = 0.0126).
    EXPECT_LT(se[k], truth[k] * 0.25) << names[k];
  }

  // The holdout forecast with the true parameters against the simulated holdout counts.
  std::vector<CustomerSummary> customers(sim.x.size());
  for (std::size_t i = 0; i < customers.size(); ++i) {
    customers[i].frequency = sim.x[i];
    customers[i].recency = sim.t_x[i];
    customers[i].age = sim.age[i];
  }
  const ClvScorer scorer(BgNbdModel(kTruth), GammaGammaModel({1, 2, 1}), ClvOptions{});
  const auto expected = scorer.expected_transactions(39, customers);
  const double forecast = std::accumulate(expected.begin(), expected.end(), 0.0);
  const double actual = std::accumulate(sim.holdout_x.begin(), sim.holdout_x.end(), 0.0);
  std::printf("holdout: forecast %.1f actual %.0f\n", forecast, actual);
  EXPECT_NEAR(forecast / actual, 1.0, 0.03);
}

TEST(BgNbdSimulator, DayResolutionMergesSameDayPurchases) {
  SimulationOptions o;
  o.customers = 20'000;
  o.time_resolution = 1.0 / 7;
  const auto sim = BgNbdSimulator({2.0, 1.0, 0.5, 5.0}, o).simulate();  // heavy buyers
  for (std::size_t i = 0; i < sim.x.size(); ++i) {
    // On the day grid every time is a whole number of days.
    ASSERT_NEAR(sim.t_x[i] * 7, std::round(sim.t_x[i] * 7), 1e-9);
    ASSERT_NEAR(sim.age[i] * 7, std::round(sim.age[i] * 7), 1e-9);
    // At most one transaction per day after the first.
    ASSERT_LE(sim.x[i], std::lround(sim.t_x[i] * 7));
  }
}

TEST(BgNbdSimulator, RejectsBadOptions) {
  SimulationOptions o;
  o.birth_window = 50;  // longer than the calibration period
  EXPECT_THROW(BgNbdSimulator(kTruth, o), Error);
}

}  // namespace
}  // namespace rapport::analytics
