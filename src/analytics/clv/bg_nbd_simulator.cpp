#include "analytics/clv/bg_nbd_simulator.hpp"

#include <algorithm>
#include <cmath>
#include <random>

#include "core/error.hpp"

namespace rapport::analytics {

namespace {

// Samplers written out so that results do not depend on the standard library's implementation.
class Random {
 public:
  explicit Random(std::uint64_t seed) : engine_(seed) {}

  // Uniform in (0, 1).
  double uniform() {
    return (static_cast<double>(engine_() >> 11) + 0.5) * (1.0 / 9007199254740992.0);
  }
  double exponential(double rate) { return -std::log(uniform()) / rate; }
  double normal() {
    // Marsaglia polar method (one value used, for simplicity).
    for (;;) {
      const double u = 2 * uniform() - 1, v = 2 * uniform() - 1;
      const double s = u * u + v * v;
      if (s > 0 && s < 1) return u * std::sqrt(-2 * std::log(s) / s);
    }
  }
  // Gamma(shape, 1): Marsaglia & Tsang (2000), boosted for shape < 1.
  double gamma(double shape) {
    if (shape < 1) return gamma(shape + 1) * std::pow(uniform(), 1 / shape);
    const double d = shape - 1.0 / 3, c = 1 / std::sqrt(9 * d);
    for (;;) {
      double z = 0, v = 0;
      do {
        z = normal();
        v = 1 + c * z;
      } while (v <= 0);
      v = v * v * v;
      const double u = uniform();
      if (std::log(u) < 0.5 * z * z + d - d * v + d * std::log(v)) return d * v;
    }
  }
  double beta(double a, double b) {
    const double x = gamma(a);
    return x / (x + gamma(b));
  }

 private:
  std::mt19937_64 engine_;
};

}  // namespace

BgNbdSimulator::BgNbdSimulator(const BgNbdParameters& parameters, SimulationOptions options)
    : parameters_(BgNbdModel(parameters).parameters()), options_(options) {
  if (!(options_.calibration_length > 0) || !(options_.birth_window >= 0) ||
      options_.birth_window > options_.calibration_length || !(options_.holdout_length >= 0) ||
      !(options_.time_resolution >= 0)) {
    throw_invalid("simulation",
                  "simulation lengths must be positive and births must fall in "
                  "the calibration period");
  }
  if (options_.spend) GammaGammaModel{*options_.spend};  // validates
}

SimulatedCustomers BgNbdSimulator::simulate() const {
  const auto& p = parameters_;
  const SimulationOptions& o = options_;
  const std::size_t n = o.customers;
  SimulatedCustomers out;
  out.x.resize(n);
  out.t_x.resize(n);
  out.age.resize(n);
  out.holdout_x.resize(n);
  if (o.spend) out.monetary.resize(n);
  Random random(o.seed);
  const double grid = o.time_resolution;
  // On a grid, times are whole cells counted from the birth cell; purchases in one cell are one
  // transaction (but each purchase is still a dropout opportunity, as in the real process).
  const double calibration_cells = grid > 0 ? std::round(o.calibration_length / grid) : 0;
  const double holdout_cells = grid > 0 ? std::round(o.holdout_length / grid) : 0;
  const double window_cells = grid > 0 ? std::round(o.birth_window / grid) : 0;
  for (std::size_t i = 0; i < n; ++i) {
    double age = 0, end = 0;
    if (grid > 0) {
      const double birth_cell =
          std::min(std::floor(random.uniform() * (window_cells + 1)), window_cells);
      age = calibration_cells - birth_cell;  // in cells until converted below
      end = age + holdout_cells;
    } else {
      age = o.calibration_length - random.uniform() * o.birth_window;
      end = age + o.holdout_length;
    }
    const double lambda = random.gamma(p.r) / p.alpha;
    const double dropout = random.beta(p.a, p.b);
    std::int32_t x = 0, holdout = 0;
    // On a grid the first purchase falls at a random moment of its day, and later ones are
    // dated by the day they fall in, as real dated transactions are.
    double t_x = 0, t = grid > 0 ? random.uniform() : 0, last = 0;
    for (;;) {
      t += random.exponential(grid > 0 ? lambda * grid : lambda);  // time in cells on a grid
      const double when = grid > 0 ? std::floor(t) : t;
      if (when > end) break;
      if (when != last) {
        last = when;
        if (when <= age) {
          ++x;
          t_x = when;
        } else {
          ++holdout;
        }
      }
      if (random.uniform() < dropout) break;
    }
    if (grid > 0) {
      age *= grid;
      t_x *= grid;
    }
    out.x[i] = x;
    out.t_x[i] = t_x;
    out.age[i] = age;
    out.holdout_x[i] = holdout;
    if (o.spend && x > 0) {
      // nu ~ Gamma(q, rate gamma); the mean of x Gamma(p, rate nu) values is
      // Gamma(p x, rate x nu).
      const double nu = random.gamma(o.spend->q) / o.spend->gamma;
      out.monetary[i] = random.gamma(o.spend->p * x) / (x * nu);
    }
  }
  return out;
}

}  // namespace rapport::analytics
