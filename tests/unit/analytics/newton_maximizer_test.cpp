#include "analytics/clv/newton_maximizer.hpp"

#include <cmath>

#include <gtest/gtest.h>

namespace rapport::analytics {
namespace {

// A concave objective in log-parameters with its maximum at p = (2, 3): the fit finds it and
// stops on the gradient test.
TEST(NewtonMaximizer, FindsTheMaximumOfAConcaveObjective) {
  const NewtonMaximizer maximizer;
  const NewtonResult r = maximizer.maximize(
      [](const Eigen::VectorXd& p) {
        Evaluation e;
        const double u = std::log(p[0] / 2), v = std::log(p[1] / 3);
        e.value = -(u * u + v * v);
        e.gradient = Eigen::Vector2d(-2 * u / p[0], -2 * v / p[1]);
        e.hessian = Eigen::Matrix2d::Zero();
        e.hessian(0, 0) = (-2 + 2 * u) / (p[0] * p[0]);
        e.hessian(1, 1) = (-2 + 2 * v) / (p[1] * p[1]);
        return e;
      },
      Eigen::Vector2d(1, 1), 1);
  ASSERT_TRUE(r.convergence.converged) << r.convergence.message;
  EXPECT_EQ(r.convergence.message, "gradient below tolerance");
  EXPECT_NEAR(r.parameters[0], 2, 1e-9);
  EXPECT_NEAR(r.parameters[1], 3, 1e-9);
}

// At the optimum of a large sum, the gradient can sit at its rounding floor above the gradient
// tolerance while the value no longer changes: the fit must stop there, converged, instead of
// accepting steps of no change until the iteration limit (a refresh spent two minutes so).
TEST(NewtonMaximizer, StopsWhenTheStepPredictsLessThanRounding) {
  int evaluations = 0;
  const NewtonMaximizer maximizer;
  const NewtonResult r = maximizer.maximize(
      [&evaluations](const Eigen::VectorXd& p) {
        ++evaluations;
        Evaluation e;
        // The value of a sum of 750k terms: flat to rounding here. The gradient (per customer
        // 4e-9, above the 1e-9 tolerance) is the sum's rounding noise, the curvature large.
        e.value = -7804725.296700988;
        e.gradient = Eigen::Vector2d(750000 * 4e-9 / p[0], 750000 * 4e-9 / p[1]);
        e.hessian = Eigen::Matrix2d::Identity() * -1e6;
        return e;
      },
      Eigen::Vector2d(1, 1), 750000);
  EXPECT_TRUE(r.convergence.converged) << r.convergence.message;
  EXPECT_EQ(r.convergence.message, "predicted increase below the likelihood's rounding");
  EXPECT_LE(evaluations, 2);
}

}  // namespace
}  // namespace rapport::analytics
