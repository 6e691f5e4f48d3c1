#pragma once
// A damped Newton maximiser for the small, smooth likelihoods of the CLV models (3-4 positive
// parameters). It works on log-parameters so that positivity needs no constraints, uses the
// exact (analytic) gradient and Hessian supplied by the model, replaces an indefinite Hessian by
// its eigenvalue-modified positive-definite neighbour, and backtracks on the step until the
// likelihood rises enough (Armijo). Near the optimum it takes full Newton steps and converges
// quadratically, so a tight tolerance costs one or two extra evaluations.
//
// Not converging is an expected outcome, reported in Convergence, never thrown.
// Thread-safety: NewtonMaximizer is immutable after construction; maximize() may run concurrently
// if the objective may.
#include <functional>
#include <string>

#include <Eigen/Dense>

namespace rapport::analytics {

// The value of an objective and its derivatives with respect to the raw (positive) parameters.
struct Evaluation {
  double value = 0;  // NaN or -inf when the parameters are outside the model's domain
  Eigen::VectorXd gradient;
  Eigen::MatrixXd hessian;
};

struct Convergence {
  bool converged = false;
  int iterations = 0;
  int evaluations = 0;
  // Largest |d value / d log(parameter)| divided by the sample weight, at the returned point.
  double gradient_norm = 0;
  std::string message;  // why the iteration stopped
};

struct NewtonOptions {
  int max_iterations = 200;
  // Stop when every scaled log-parameter gradient component is below this.
  double gradient_tolerance = 1e-9;
  // Or when the Newton step predicts an increase of the objective below this fraction of its
  // magnitude (rounding: a log-likelihood of 7.8e6 summed over 750k customers is not exact to
  // 1e-6, and a statistically meaningful change is 0.5).
  double relative_increase_tolerance = 1e-12;
  // Largest change of any log-parameter in one step (e^6 ~ 400x), so that a wild first step
  // cannot overflow the likelihood.
  double max_log_step = 6;
  // A parameter outside [e^-x, e^x] (about 1e-7 .. 1e7 by default) means the likelihood has
  // no interior maximum (too little or too uniform data): reported as not converged.
  double max_abs_log_parameter = 16;
};

struct NewtonResult {
  Eigen::VectorXd parameters;  // raw (positive) parameters at the last accepted point
  Evaluation at_parameters;    // the objective there (raw derivatives)
  Convergence convergence;
};

class NewtonMaximizer {
 public:
  using Objective = std::function<Evaluation(const Eigen::VectorXd& parameters)>;

  explicit NewtonMaximizer(NewtonOptions options = {}) : options_(options) {}

  // Maximises `objective` from `start`. `weight` scales the gradient test (the number of
  // customers, so the tolerance does not depend on the sample size).
  // REQUIRES: every start component > 0 and objective finite at start; otherwise the result
  // reports converged = false with a message.
  NewtonResult maximize(const Objective& objective, const Eigen::VectorXd& start,
                        double weight) const;

 private:
  NewtonOptions options_;
};

}  // namespace rapport::analytics
