// Benchmarks of the market-basket engine: mining time EXCLUDING reading the file, and memory.
//
//   bench_basket mine FILE csv|fimi SUPPORT CONFIDENCE [eclat|fp-growth] [REPEATS]
//       Reads FILE (untimed), then mines frequent itemsets and builds one-item-consequent rules
//       REPEATS times (default 30); prints the median and the best time, the heap peak of one
//       mining run (every operator new counted) and the process's peak RSS.
//   bench_basket generate FILE BASKETS ITEMS ZIPF_EXPONENT SEED [MEAN_SIZE]
//       Writes a FIMI file of generated baskets: sizes 1 + Poisson(MEAN_SIZE - 1) (default 10),
//       items drawn without repetition from a Zipf(ZIPF_EXPONENT) popularity over ITEMS items,
//       ids shuffled so that id order says nothing about popularity. Deterministic per SEED.
//
// Output: human-readable lines, then one "result key=value ..." line for bench/basket/run.sh.
#include <malloc.h>
#include <sys/resource.h>
#include <time.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <new>
#include <numeric>
#include <string>
#include <vector>

#include "analytics/basket/association_rules.hpp"
#include "analytics/basket/frequent_itemsets.hpp"
#include "app/basket_file.hpp"
#include "core/error.hpp"

// Heap accounting: live bytes and their high-water mark, through the replaceable global
// allocation functions (malloc_usable_size gives the size back at delete).
// Counting is switched on for one untimed run only, so the timed runs pay nothing for it.
namespace {
std::atomic<std::size_t> g_live{0};
std::atomic<std::size_t> g_peak{0};
std::atomic<bool> g_counting{false};

void* counted_alloc(std::size_t n) {
  void* p = std::malloc(n == 0 ? 1 : n);
  if (p == nullptr) throw std::bad_alloc();
  if (!g_counting.load(std::memory_order_relaxed)) return p;
  auto live = g_live.fetch_add(malloc_usable_size(p)) + malloc_usable_size(p);
  auto peak = g_peak.load();
  while (live > peak && !g_peak.compare_exchange_weak(peak, live)) {
  }
  return p;
}
void counted_free(void* p) noexcept {
  if (p == nullptr) return;
  // Blocks allocated before counting started are not subtracted (they were never added);
  // within the counted run everything freed was allocated in it or is long-lived input.
  if (g_counting.load(std::memory_order_relaxed)) g_live.fetch_sub(malloc_usable_size(p));
  std::free(p);
}
}  // namespace

void* operator new(std::size_t n) {
  return counted_alloc(n);
}
void* operator new[](std::size_t n) {
  return counted_alloc(n);
}
void operator delete(void* p) noexcept {
  counted_free(p);
}
void operator delete[](void* p) noexcept {
  counted_free(p);
}
void operator delete(void* p, std::size_t) noexcept {
  counted_free(p);
}
void operator delete[](void* p, std::size_t) noexcept {
  counted_free(p);
}

namespace {

using namespace rapport;
namespace basket = rapport::analytics::basket;

double peak_rss_mb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_maxrss) / 1024.0;  // ru_maxrss is in KiB on Linux
}

// CPU time of this thread: unlike wall time, it does not count the time the scheduler gives to
// other processes, which matters on a shared 2-core machine.
double thread_cpu_ms() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  auto n = v.size();
  return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

int mine(int argc, char** argv) {
  if (argc < 6) {
    std::fprintf(
        stderr,
        "usage: bench_basket mine FILE csv|fimi SUPPORT CONFIDENCE [eclat|fp-growth] [REPEATS]\n");
    return 2;
  }
  std::string path = argv[2];
  auto format = app::parse_basket_format(argv[3]);
  if (!format) {
    std::fprintf(stderr, "bench_basket: format must be csv or fimi\n");
    return 2;
  }
  double support = std::atof(argv[4]);
  double confidence = std::atof(argv[5]);
  std::string algorithm = argc > 6 ? argv[6] : "eclat";
  int repeats = argc > 7 ? std::atoi(argv[7]) : 30;

  auto file = app::BasketFile::read(path, *format);
  basket::MiningOptions mo;
  mo.min_support = basket::MinSupport::fraction(support);
  mo.algorithm = algorithm == "fp-growth" ? basket::MiningAlgorithm::kFpGrowth
                                          : basket::MiningAlgorithm::kEclat;
  basket::RuleOptions ro;
  ro.min_confidence = confidence;

  std::size_t heap_peak = 0;
  {
    g_live.store(0);
    g_peak.store(0);
    g_counting.store(true);
    auto sets = basket::mine_frequent_itemsets(file.baskets, mo);
    auto rs = basket::generate_rules(sets, ro);
    heap_peak = g_peak.load();
    g_counting.store(false);
  }
  std::vector<double> mine_ms, rules_ms, total_ms, cpu_ms;
  std::size_t itemsets = 0, rules = 0;
  for (int r = 0; r < std::max(repeats, 1); ++r) {
    auto c0 = thread_cpu_ms();
    auto t0 = std::chrono::steady_clock::now();
    auto sets = basket::mine_frequent_itemsets(file.baskets, mo);
    auto t1 = std::chrono::steady_clock::now();
    auto rs = basket::generate_rules(sets, ro);
    auto t2 = std::chrono::steady_clock::now();
    cpu_ms.push_back(thread_cpu_ms() - c0);
    itemsets = sets.size();
    rules = rs.size();
    mine_ms.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
    rules_ms.push_back(std::chrono::duration<double, std::milli>(t2 - t1).count());
    total_ms.push_back(std::chrono::duration<double, std::milli>(t2 - t0).count());
  }
  auto name = path.substr(path.find_last_of('/') + 1);
  std::printf("%s: %zu baskets, %zu items, %zu item occurrences (reading not timed)\n",
              name.c_str(), file.baskets.size(), file.items.size(),
              file.baskets.item_occurrences());
  std::printf("  %s, min support %g, min confidence %g: %zu frequent itemsets, %zu rules\n",
              algorithm.c_str(), support, confidence, itemsets, rules);
  std::printf(
      "  %d runs: mining %.2f ms + rules %.2f ms = %.2f ms median wall (best %.2f ms); "
      "%.2f ms median CPU\n",
      static_cast<int>(total_ms.size()), median(mine_ms), median(rules_ms), median(total_ms),
      *std::min_element(total_ms.begin(), total_ms.end()), median(cpu_ms));
  std::printf("  heap peak of one run %.1f MB; process peak RSS %.1f MB (includes the data read)\n",
              static_cast<double>(heap_peak) / 1e6, peak_rss_mb());
  std::printf(
      "result impl=rapport-%s file=%s baskets=%zu items=%zu itemsets=%zu rules=%zu "
      "mine_ms=%.3f rules_ms=%.3f total_ms=%.3f best_ms=%.3f cpu_ms=%.3f heap_mb=%.1f "
      "rss_mb=%.1f\n",
      algorithm.c_str(), name.c_str(), file.baskets.size(), file.items.size(), itemsets, rules,
      median(mine_ms), median(rules_ms), median(total_ms),
      *std::min_element(total_ms.begin(), total_ms.end()), median(cpu_ms),
      static_cast<double>(heap_peak) / 1e6, peak_rss_mb());
  return 0;
}

struct SplitMix {
  std::uint64_t state;
  std::uint64_t next() {
    std::uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
};

int generate(int argc, char** argv) {
  if (argc < 7) {
    std::fprintf(
        stderr, "usage: bench_basket generate FILE BASKETS ITEMS ZIPF_EXPONENT SEED [MEAN_SIZE]\n");
    return 2;
  }
  std::string path = argv[2];
  long baskets = std::atol(argv[3]);
  long items = std::atol(argv[4]);
  double s = std::atof(argv[5]);
  SplitMix rng{std::strtoull(argv[6], nullptr, 10)};
  double mean_size = argc > 7 ? std::atof(argv[7]) : 10.0;
  if (baskets < 1 || items < 1 || mean_size < 1 || mean_size > static_cast<double>(items)) {
    std::fprintf(stderr, "bench_basket: bad arguments\n");
    return 2;
  }
  std::vector<double> cumulative(static_cast<std::size_t>(items));
  double sum = 0;
  for (long r = 0; r < items; ++r) {
    sum += 1.0 / std::pow(static_cast<double>(r + 1), s);
    cumulative[static_cast<std::size_t>(r)] = sum;
  }
  std::vector<long> id(static_cast<std::size_t>(items));
  std::iota(id.begin(), id.end(), 1L);
  for (auto i = id.size(); i > 1; --i) std::swap(id[i - 1], id[rng.next() % i]);

  std::ofstream out(path);
  std::vector<long> basket;
  for (long b = 0; b < baskets; ++b) {
    // Poisson(mean_size - 1) by Knuth's product of uniforms (the mean is small).
    double limit = std::exp(-(mean_size - 1));
    long k = 0;
    for (double p = rng.uniform(); p > limit; p *= rng.uniform()) ++k;
    auto size = static_cast<std::size_t>(std::min(1 + k, items));
    basket.clear();
    while (basket.size() < size) {
      auto at = std::upper_bound(cumulative.begin(), cumulative.end(), rng.uniform() * sum);
      auto rank = std::min<std::size_t>(static_cast<std::size_t>(at - cumulative.begin()),
                                        cumulative.size() - 1);
      if (std::find(basket.begin(), basket.end(), id[rank]) == basket.end()) {
        basket.push_back(id[rank]);
      }
    }
    for (std::size_t k2 = 0; k2 < basket.size(); ++k2) out << (k2 ? " " : "") << basket[k2];
    out << '\n';
  }
  out.close();
  if (!out) {
    std::fprintf(stderr, "bench_basket: cannot write %s\n", path.c_str());
    return 1;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    std::string what = argc > 1 ? argv[1] : "";
    if (what == "mine") return mine(argc, argv);
    if (what == "generate") return generate(argc, argv);
    std::fprintf(stderr,
                 "usage: bench_basket mine|generate ... (see bench/basket/bench_basket.cpp)\n");
    return 2;
  } catch (const rapport::Error& e) {
    std::fprintf(stderr, "bench_basket: %s: %s\n", e.field().c_str(), e.what());
    return 1;
  }
}
