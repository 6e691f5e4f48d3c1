#include "analytics/special_functions.hpp"

#include <cmath>
#include <numbers>

#include <gtest/gtest.h>

namespace rapport::analytics {
namespace {

constexpr double kEuler = 0.57721566490153286061;

TEST(SpecialFunctions, DigammaKnownValues) {
  EXPECT_NEAR(digamma(1), -kEuler, 1e-14);
  EXPECT_NEAR(digamma(0.5), -kEuler - 2 * std::numbers::ln2, 1e-14);
  EXPECT_NEAR(digamma(0.01), -100.56088545786867, 1e-11);
  // Recurrence psi(x + 1) = psi(x) + 1/x across the switch to the asymptotic series.
  for (double x : {0.3, 3.7, 9.5, 10.5, 250.25}) {
    EXPECT_NEAR(digamma(x + 1), digamma(x) + 1 / x, 1e-13 * std::max(1.0, std::abs(digamma(x))));
  }
  EXPECT_TRUE(std::isnan(digamma(0)));
}

TEST(SpecialFunctions, TrigammaKnownValues) {
  const double pi2 = std::numbers::pi * std::numbers::pi;
  EXPECT_NEAR(trigamma(1), pi2 / 6, 1e-14);
  EXPECT_NEAR(trigamma(0.5), pi2 / 2, 1e-13);
  for (double x : {0.3, 3.7, 9.5, 10.5, 250.25}) {
    EXPECT_NEAR(trigamma(x + 1), trigamma(x) - 1 / (x * x), 1e-14 * trigamma(x));
  }
  // Central difference of digamma.
  const double h = 1e-5;
  EXPECT_NEAR(trigamma(2.5), (digamma(2.5 + h) - digamma(2.5 - h)) / (2 * h), 1e-8);
}

TEST(SpecialFunctions, HypergeometricSeries) {
  for (double z : {0.0, 0.1, 0.5, 0.9, 0.99}) {
    const double expected = z == 0 ? 1 : -std::log1p(-z) / z;
    EXPECT_NEAR(hyp2f1(1, 1, 2, z), expected, 1e-13 * expected) << z;
  }
  // 2F1(a, b; b; z) = (1 - z)^-a
  EXPECT_NEAR(hyp2f1(0.7, 3.2, 3.2, 0.6), std::pow(0.4, -0.7), 1e-13);
  EXPECT_TRUE(std::isnan(hyp2f1(1, 1, 2, 1.0)));
}

}  // namespace
}  // namespace rapport::analytics
