// Benchmarks of the CLV engine. One figure per process run, so peak RSS belongs to that figure:
//   bench_analytics fit   [customers] [continuous|days]  BG/NBD fit on simulated customers
//   bench_analytics score [customers] [continuous|days]  P(alive), E[X], spend and CLV
//   bench_analytics cdnow                                BG/NBD + Gamma-Gamma fit on CDNOW
// Prints `key=value` lines; times are wall-clock seconds of the measured step only (data
// generation excluded), peak_rss_mb is the whole process's peak (getrusage).
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "analytics/clv/bg_nbd.hpp"
#include "analytics/clv/bg_nbd_simulator.hpp"
#include "analytics/clv/clv.hpp"
#include "analytics/clv/gamma_gamma.hpp"
#include "analytics/customer_summary.hpp"

namespace {

using rapport::analytics::BgNbdFit;
using rapport::analytics::BgNbdModel;
using rapport::analytics::BgNbdParameters;
using rapport::analytics::BgNbdSample;
using rapport::analytics::BgNbdSimulator;
using rapport::analytics::ClvOptions;
using rapport::analytics::ClvScorer;
using rapport::analytics::GammaGammaModel;
using rapport::analytics::GammaGammaParameters;
using rapport::analytics::SimulatedCustomers;
using rapport::analytics::SimulationOptions;

const BgNbdParameters kTruth{0.243, 4.414, 0.793, 2.426};
const GammaGammaParameters kSpend{6.25, 3.74, 15.44};

double peak_rss_mb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;  // ru_maxrss is in KiB on Linux
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

SimulatedCustomers simulate(std::size_t n, bool days, bool spend) {
  SimulationOptions o;
  o.customers = n;
  o.seed = 1;
  o.time_resolution = days ? 1.0 / 7 : 0;
  if (spend) o.spend = kSpend;
  return BgNbdSimulator(kTruth, o).simulate();
}

void print_fit(const BgNbdFit& fit) {
  std::printf("r=%.5f alpha=%.5f a=%.5f b=%.5f log_likelihood=%.4f\n", fit.parameters.r,
              fit.parameters.alpha, fit.parameters.a, fit.parameters.b, fit.log_likelihood);
  std::printf("se_r=%.5f se_alpha=%.5f se_a=%.5f se_b=%.5f\n", fit.standard_errors.r,
              fit.standard_errors.alpha, fit.standard_errors.a, fit.standard_errors.b);
  std::printf("converged=%d iterations=%d evaluations=%d distinct_rows=%zu\n",
              fit.convergence.converged ? 1 : 0, fit.convergence.iterations,
              fit.convergence.evaluations, fit.distinct_rows);
}

int run_fit(std::size_t n, bool days) {
  const SimulatedCustomers sim = simulate(n, days, false);
  const double rss_data = peak_rss_mb();
  // Timed: everything from the customers' (x, t_x, T) columns to the fitted model, including
  // the collapse into distinct rows.
  const auto start = std::chrono::steady_clock::now();
  const BgNbdSample sample(sim.x, sim.t_x, sim.age);
  const BgNbdFit fit = BgNbdModel::fit(sample);
  const double elapsed = seconds_since(start);
  std::printf("figure=fit customers=%zu times=%s\n", n, days ? "days" : "continuous");
  print_fit(fit);
  std::printf("fit_seconds=%.3f peak_rss_mb=%.1f rss_after_simulation_mb=%.1f\n", elapsed,
              peak_rss_mb(), rss_data);
  return fit.convergence.converged ? 0 : 1;
}

int run_score(std::size_t n, bool days) {
  const SimulatedCustomers sim = simulate(n, days, true);
  const ClvScorer scorer(BgNbdModel(kTruth), GammaGammaModel(kSpend), ClvOptions{});
  const auto start = std::chrono::steady_clock::now();
  const auto values = scorer.score(sim.x, sim.t_x, sim.age, sim.monetary);
  const double elapsed = seconds_since(start);
  double total = 0;
  for (const auto& v : values) total += v.clv;
  std::printf("figure=score customers=%zu times=%s horizon_months=12\n", n,
              days ? "days" : "continuous");
  std::printf("score_seconds=%.3f total_clv=%.1f peak_rss_mb=%.1f\n", elapsed, total,
              peak_rss_mb());
  return 0;
}

int run_cdnow() {
  using namespace rapport::analytics;
  const std::string path = std::string(RAPPORT_SHARED_DATA) + "/cdnow/CDNOW_sample.txt";
  std::ifstream in(path);
  if (!in) {
    std::fprintf(stderr, "cannot open %s\n", path.c_str());
    return 1;
  }
  std::vector<Transaction> rows;
  long long master = 0, sample = 0, ymd = 0, cds = 0;
  double dollars = 0;
  const auto day = [](long long ymd_value) {
    const std::chrono::sys_days d{std::chrono::year{static_cast<int>(ymd_value / 10000)} /
                                  std::chrono::month{static_cast<unsigned>(ymd_value / 100 % 100)} /
                                  std::chrono::day{static_cast<unsigned>(ymd_value % 100)}};
    return static_cast<std::int32_t>(d.time_since_epoch().count());
  };
  while (in >> master >> sample >> ymd >> cds >> dollars)
    rows.push_back({master, day(ymd), dollars});
  SummaryOptions options;
  options.calibration_end = day(19970930);
  // Timed: summaries + BG/NBD fit, repeated to get a stable figure for a millisecond-scale step.
  constexpr int kRepeats = 20;
  BgNbdFit fit;
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < kRepeats; ++i) {
    const Summaries s = summarize(rows, options);
    fit = BgNbdModel::fit(BgNbdSample(s.customers));
  }
  const double elapsed = seconds_since(start) / kRepeats;
  const Summaries s = summarize(rows, options);
  const auto gg_start = std::chrono::steady_clock::now();
  const auto gg = GammaGammaModel::fit(s.customers);
  const double gg_elapsed = seconds_since(gg_start);
  std::printf("figure=cdnow customers=%zu\n", s.customers.size());
  print_fit(fit);
  std::printf(
      "summaries_and_fit_seconds=%.5f gamma_gamma_fit_seconds=%.5f p=%.4f q=%.4f "
      "gamma=%.4f peak_rss_mb=%.1f\n",
      elapsed, gg_elapsed, gg.parameters.p, gg.parameters.q, gg.parameters.gamma, peak_rss_mb());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string what = argc > 1 ? argv[1] : "";
  const std::size_t n = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 1'000'000;
  const bool days = argc > 3 && std::strcmp(argv[3], "days") == 0;
  if (what == "fit") return run_fit(n, days);
  if (what == "score") return run_score(n, days);
  if (what == "cdnow") return run_cdnow();
  std::fprintf(stderr,
               "usage: bench_analytics fit|score [customers] [continuous|days]\n"
               "       bench_analytics cdnow\n");
  return 2;
}
