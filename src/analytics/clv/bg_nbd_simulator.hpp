#pragma once
// A seeded simulator of the BG/NBD process (and optionally Gamma-Gamma spend), for
// parameter-recovery tests and benchmarks. Each customer is born uniformly in the first
// `birth_window` time units of a calibration period of `calibration_length`; while alive they
// buy at rate lambda ~ Gamma(r, rate alpha) and drop out after each repeat purchase with
// probability p ~ Beta(a, b). With a holdout length, the same process continues past the
// calibration end and the holdout purchases are counted.
//
// With `time_resolution` > 0 (e.g. 1/7 week for days), births and purchases are put on that
// grid and purchases in the same grid cell merge, as real dated transactions do; 0 keeps exact
// continuous times (the model's own assumption, for exact recovery tests).
//
// Deterministic for a given seed and options (std::mt19937_64 and our own samplers: the
// standard library's distributions are not specified bit-for-bit across implementations).
// Thread-safety: simulate() is const and re-entrant.
#include <cstdint>
#include <optional>
#include <vector>

#include "analytics/clv/bg_nbd.hpp"
#include "analytics/clv/gamma_gamma.hpp"

namespace rapport::analytics {

struct SimulationOptions {
  std::size_t customers = 10'000;
  double calibration_length = 39;
  double birth_window = 12;
  double holdout_length = 0;
  double time_resolution = 0;
  std::uint64_t seed = 42;
  // When set, each repeat customer's mean spend is drawn from the Gamma-Gamma model.
  std::optional<GammaGammaParameters> spend;
};

// Structure of arrays, one entry per customer.
struct SimulatedCustomers {
  std::vector<std::int32_t> x;
  std::vector<double> t_x;
  std::vector<double> age;
  std::vector<std::int32_t> holdout_x;
  std::vector<double> monetary;  // empty unless options.spend; 0 for x = 0
};

class BgNbdSimulator {
 public:
  // Errors: rapport::Error (invalid_argument) on non-positive lengths or birth_window >
  // calibration_length.
  BgNbdSimulator(const BgNbdParameters& parameters, SimulationOptions options);

  SimulatedCustomers simulate() const;

 private:
  BgNbdParameters parameters_;
  SimulationOptions options_;
};

}  // namespace rapport::analytics
