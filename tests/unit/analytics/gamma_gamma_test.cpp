#include "analytics/clv/gamma_gamma.hpp"

#include <cmath>
#include <random>

#include <gtest/gtest.h>

#include "analytics/clv/bg_nbd_simulator.hpp"
#include "cdnow_data.hpp"
#include "core/error.hpp"

namespace rapport::analytics {
namespace {

TEST(GammaGamma, MatchesPublishedEstimatesOnCdnow) {
  const Summaries s = summarize(testing::load_cdnow(), testing::cdnow_options(false));
  const GammaGammaFit fit = GammaGammaModel::fit(s.customers);
  ASSERT_TRUE(fit.convergence.converged) << fit.convergence.message;
  EXPECT_EQ(fit.customers, 946u);
  // Fader, Hardie & Lee (2005, JMR): p = 6.25, q = 3.74, gamma = 15.44.
  EXPECT_NEAR(fit.parameters.p, 6.25, 5e-3);
  EXPECT_NEAR(fit.parameters.q, 3.74, 5e-3);
  EXPECT_NEAR(fit.parameters.gamma, 15.44, 1e-2);
  // lifetimes 0.11.3: 6.248802, 3.744588, 15.447748. The likelihood is very flat here (the
  // standard error of p is about 1.2): lifetimes' point has a log-likelihood within 1e-5 of the
  // maximum, so its parameters agree with the exact MLE only to about 1e-3.
  EXPECT_NEAR(fit.parameters.p, 6.248802, 1e-3);
  EXPECT_NEAR(fit.parameters.q, 3.744588, 5e-4);
  EXPECT_NEAR(fit.parameters.gamma, 15.447748, 5e-3);
  std::vector<std::int32_t> x;
  std::vector<double> m;
  for (const auto& c : s.customers) {
    if (c.frequency > 0) {
      x.push_back(c.frequency);
      m.push_back(c.monetary);
    }
  }
  const double theirs = GammaGammaModel::evaluate({6.248802, 3.744588, 15.447748}, x, m).value;
  EXPECT_NEAR(fit.log_likelihood, GammaGammaModel::evaluate(fit.parameters, x, m).value, 1e-9);
  EXPECT_GE(fit.log_likelihood, theirs);
  EXPECT_LT(fit.log_likelihood - theirs, 1e-5);
  std::printf("p=%.6f q=%.6f gamma=%.6f LL=%.4f se=%.4f %.4f %.4f\n", fit.parameters.p,
              fit.parameters.q, fit.parameters.gamma, fit.log_likelihood, fit.standard_errors.p,
              fit.standard_errors.q, fit.standard_errors.gamma);
}

TEST(GammaGamma, AnalyticDerivativesMatchFiniteDifferences) {
  const std::vector<std::int32_t> x = {1, 1, 2, 3, 7, 2};
  const std::vector<double> m = {10.5, 3.25, 40.0, 22.1, 15.0, 0.9};
  const GammaGammaParameters at{2.5, 3.5, 12.0};
  const Evaluation e = GammaGammaModel::evaluate(at, x, m);
  const double base[3] = {at.p, at.q, at.gamma};
  for (int k = 0; k < 3; ++k) {
    double up[3] = {base[0], base[1], base[2]}, dn[3] = {base[0], base[1], base[2]};
    const double h = 1e-6 * base[k];
    up[k] += h;
    dn[k] -= h;
    const Evaluation eu = GammaGammaModel::evaluate({up[0], up[1], up[2]}, x, m);
    const Evaluation ed = GammaGammaModel::evaluate({dn[0], dn[1], dn[2]}, x, m);
    EXPECT_NEAR(e.gradient[k], (eu.value - ed.value) / (2 * h), 1e-6) << k;
    for (int j = 0; j < 3; ++j) {
      EXPECT_NEAR(e.hessian(j, k), (eu.gradient[j] - ed.gradient[j]) / (2 * h), 1e-6) << j << k;
    }
  }
}

TEST(GammaGamma, RefusesNonPositiveMonetaryNamingTheCustomer) {
  std::vector<CustomerSummary> c(3);
  c[0].customer = 11;
  c[0].frequency = 2;
  c[0].monetary = 10;
  c[1].customer = 12;
  c[1].frequency = 0;  // not a repeat customer: its m is not used
  c[2].customer = 13;
  c[2].frequency = 1;
  c[2].monetary = -4.5;
  try {
    GammaGammaModel::fit(c);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
    EXPECT_EQ(e.field(), "monetary");
    EXPECT_NE(std::string(e.what()).find("customer 13"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("-4.5"), std::string::npos) << e.what();
  }
  GammaGammaFitOptions named;
  named.customer_name = [](std::int64_t id) { return "C-" + std::to_string(id * 2); };
  try {
    GammaGammaModel::fit(c, named);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("customer C-26"), std::string::npos) << e.what();
  }
  GammaGammaFitOptions skip;
  skip.skip_nonpositive = true;
  c[2].monetary = 0;
  const GammaGammaFit fit = GammaGammaModel::fit(c, skip);
  EXPECT_EQ(fit.customers, 1u);
  EXPECT_EQ(fit.skipped_nonpositive, 1u);
}

TEST(GammaGamma, ExpectedSpendShrinksTowardThePopulationMean) {
  const GammaGammaModel m({6.25, 3.74, 15.44});
  const double population = 6.25 * 15.44 / 2.74;
  EXPECT_NEAR(m.expected_average_spend(0, 0), population, 1e-12);
  EXPECT_NEAR(m.expected_average_spend(2, 50), 6.25 * (15.44 + 100) / (12.5 + 2.74), 1e-12);
  // More transactions: closer to the customer's own mean.
  EXPECT_LT(std::abs(m.expected_average_spend(20, 50) - 50),
            std::abs(m.expected_average_spend(2, 50) - 50));
  EXPECT_TRUE(std::isnan(GammaGammaModel({1, 0.5, 1}).expected_average_spend(1, 1)));
}

TEST(GammaGamma, StopsEarlyWhenEveryoneSpendsAlikeAndUsesTheLimitModel) {
  // Every customer's transactions come from one Gamma(4, 10) (no spread of mean spend between
  // customers): the likelihood rises towards q, gamma -> infinity with q / gamma fixed. The fit
  // must say so, stop as soon as a parameter leaves the bounds instead of walking on for all
  // its iterations, and hand over the limit model: everyone's expected spend is the
  // transaction-weighted mean (so a store like this still gets CLVs).
  std::mt19937 rng(11);
  std::gamma_distribution<double> spend(4, 10);
  std::vector<CustomerSummary> c(20'000);
  for (std::size_t i = 0; i < c.size(); ++i) {
    c[i].customer = static_cast<std::int64_t>(i);
    c[i].frequency = 1 + static_cast<std::int32_t>(i % 6);
    double sum = 0;
    for (int k = 0; k < c[i].frequency; ++k) sum += spend(rng);
    c[i].monetary = sum / c[i].frequency;
  }
  const GammaGammaFit fit = GammaGammaModel::fit(c);
  EXPECT_FALSE(fit.convergence.converged);
  EXPECT_TRUE(fit.homogeneous_spend);
  EXPECT_NE(fit.convergence.message.find("limit model"), std::string::npos)
      << fit.convergence.message;
  EXPECT_LT(fit.convergence.iterations, 60) << fit.convergence.iterations;
  double sum_x = 0, sum_xm = 0;
  for (const auto& s : c) {
    sum_x += s.frequency;
    sum_xm += s.frequency * s.monetary;
  }
  const GammaGammaModel model(fit.parameters);
  for (std::size_t i : {0u, 1u, 5u, 777u}) {
    EXPECT_NEAR(model.expected_average_spend(c[i].frequency, c[i].monetary), sum_xm / sum_x,
                1e-3 * sum_xm / sum_x)
        << i;
  }
  EXPECT_NEAR(sum_xm / sum_x, 40.0, 0.5);  // the generating mean, 4 x 10
}

TEST(GammaGamma, AFitWithSpreadIsNotTakenForTheLimit) {
  // Spend rates that vary between customers: an interior maximum, not the homogeneous limit.
  std::mt19937 rng(5);
  std::gamma_distribution<double> rate(6, 1.0 / 15);  // spend rates vary between customers
  std::vector<CustomerSummary> c(5'000);
  for (std::size_t i = 0; i < c.size(); ++i) {
    std::gamma_distribution<double> spend(3, 1.0 / rate(rng));
    c[i].customer = static_cast<std::int64_t>(i);
    c[i].frequency = 1 + static_cast<std::int32_t>(i % 4);
    double sum = 0;
    for (int k = 0; k < c[i].frequency; ++k) sum += spend(rng);
    c[i].monetary = sum / c[i].frequency;
  }
  const GammaGammaFit fit = GammaGammaModel::fit(c);
  EXPECT_TRUE(fit.convergence.converged) << fit.convergence.message;
  EXPECT_FALSE(fit.homogeneous_spend);
}

TEST(GammaGamma, RecoversSimulatedParameters) {
  SimulationOptions o;
  o.customers = 100'000;
  o.seed = 7;
  o.spend = GammaGammaParameters{6.25, 3.74, 15.44};
  const SimulatedCustomers sim = BgNbdSimulator({0.243, 4.414, 0.793, 2.426}, o).simulate();
  std::vector<CustomerSummary> c(sim.x.size());
  for (std::size_t i = 0; i < c.size(); ++i) {
    c[i].customer = static_cast<std::int64_t>(i);
    c[i].frequency = sim.x[i];
    c[i].monetary = sim.monetary[i];
  }
  const GammaGammaFit fit = GammaGammaModel::fit(c);
  ASSERT_TRUE(fit.convergence.converged);
  EXPECT_NEAR(fit.parameters.p, 6.25, 3 * fit.standard_errors.p);
  EXPECT_NEAR(fit.parameters.q, 3.74, 3 * fit.standard_errors.q);
  EXPECT_NEAR(fit.parameters.gamma, 15.44, 3 * fit.standard_errors.gamma);
  std::printf("GG recovery: p=%.4f (se %.4f) q=%.4f (se %.4f) gamma=%.4f (se %.4f) n=%zu\n",
              fit.parameters.p, fit.standard_errors.p, fit.parameters.q, fit.standard_errors.q,
              fit.parameters.gamma, fit.standard_errors.gamma, fit.customers);
}

}  // namespace
}  // namespace rapport::analytics
