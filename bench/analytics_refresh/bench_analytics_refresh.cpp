// Full analytics refresh on a generated store. Generates DB_FILE when it does not exist
// (customers, Zipf-popular products, orders with lines spread over two years, some interactions,
// a few returns), then runs AnalyticsService::refresh twice (the second replaces the first's
// rows, as in production) and prints its phases, the whole time and the peak memory.
//
// Usage: bench_analytics_refresh DB_FILE [customers] [order_lines] [products]
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "app/analytics_service.hpp"
#include "store/database.hpp"

namespace {

using rapport::TimeMs;
constexpr std::int64_t kDay = 86'400'000;

double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

long peak_rss_mb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss / 1024;
}

void generate(const std::string& path, std::int64_t customers, std::int64_t lines,
              std::int64_t products) {
  const auto t0 = std::chrono::steady_clock::now();
  rapport::store::DatabaseOptions o;
  o.synchronous_full = false;
  rapport::store::Database db(path, o);
  auto conn = db.open_connection();
  conn->exec("PRAGMA cache_size=-1048576");
  std::mt19937_64 rng(42);
  std::uniform_real_distribution<double> unit(0, 1);
  // Zipf(1)-like popularity by inverse-CDF on a precomputed table.
  std::vector<double> cdf(static_cast<std::size_t>(products));
  double sum = 0;
  for (std::int64_t i = 0; i < products; ++i) {
    sum += 1.0 / static_cast<double>(i + 1);
    cdf[static_cast<std::size_t>(i)] = sum;
  }
  for (auto& c : cdf) c /= sum;
  const auto product = [&] {
    return static_cast<std::int64_t>(std::lower_bound(cdf.begin(), cdf.end(), unit(rng)) -
                                     cdf.begin()) +
           1;
  };
  const TimeMs now = rapport::now_ms();
  const TimeMs start = now - 730 * kDay;
  rapport::store::Transaction tx(*conn, true);
  {
    auto& st = conn->prepare(
        "INSERT INTO products (id, sku, name, price_minor, currency, created_at, updated_at) "
        "VALUES (?, ?, ?, ?, 'USD', 0, 0)");
    for (std::int64_t i = 1; i <= products; ++i) {
      st.bind_int(1, i);
      st.bind_text(2, "SKU-" + std::to_string(i));
      st.bind_text(3, "Product " + std::to_string(i));
      st.bind_int(4, 100 + (i * 37) % 5000);
      st.step();
      st.reset();
    }
  }
  {
    auto& st = conn->prepare(
        "INSERT INTO customers (id, name, created_at, updated_at) VALUES (?, ?, 0, 0)");
    for (std::int64_t i = 1; i <= customers; ++i) {
      st.bind_int(1, i);
      st.bind_text(2, "Customer " + std::to_string(i));
      st.step();
      st.reset();
    }
  }
  // Orders: customers buy at heterogeneous rates (about 3 orders each on average), each order
  // holding about lines / orders lines.
  const double lines_per_order = 3.3;
  const double orders_total = static_cast<double>(lines) / lines_per_order;
  const double mean_orders = orders_total / static_cast<double>(customers);
  std::gamma_distribution<double> rate(0.8, mean_orders / 0.8);
  std::poisson_distribution<int> extra_lines(lines_per_order - 1);
  auto& ost = conn->prepare(
      "INSERT INTO orders (id, customer_id, kind, channel, placed_at, currency, subtotal_minor, "
      "discount_minor, total_minor, created_at) VALUES (?, ?, 'sale', 'store', ?, 'USD', ?, ?, ?, "
      "0)");
  auto& lst = conn->prepare(
      "INSERT INTO order_lines (order_id, line_no, product_id, quantity, unit_price_minor, "
      "total_minor) VALUES (?, ?, ?, 1, ?, ?)");
  auto& ist = conn->prepare(
      "INSERT INTO interactions (customer_id, at, kind, channel, created_at) VALUES (?, ?, "
      "'interaction', 'phone', 0)");
  std::int64_t order_id = 0, line_count = 0;
  for (std::int64_t c = 1; c <= customers && line_count < lines; ++c) {
    const int n = 1 + static_cast<int>(std::poisson_distribution<int>(rate(rng))(rng));
    const TimeMs first = start + static_cast<TimeMs>(unit(rng) * 700 * kDay);
    for (int k = 0; k < n && line_count < lines; ++k) {
      const TimeMs at = k == 0 ? first : first + static_cast<TimeMs>(unit(rng) * (now - first));
      const int m = 1 + extra_lines(rng);
      ++order_id;
      std::int64_t total = 0;
      std::vector<std::int64_t> items;
      for (int j = 0; j < m; ++j) {
        items.push_back(product());
        total += 100 + (items.back() * 37) % 5000;
      }
      // The order first: its lines reference it.
      const std::int64_t discount = unit(rng) < 0.2 ? total / 10 : 0;
      ost.bind_int(1, order_id);
      ost.bind_int(2, c);
      ost.bind_int(3, at);
      ost.bind_int(4, total);
      ost.bind_int(5, discount);
      ost.bind_int(6, total - discount);
      ost.step();
      ost.reset();
      for (int j = 0; j < m; ++j) {
        const std::int64_t price = 100 + (items[static_cast<std::size_t>(j)] * 37) % 5000;
        lst.bind_int(1, order_id);
        lst.bind_int(2, j + 1);
        lst.bind_int(3, items[static_cast<std::size_t>(j)]);
        lst.bind_int(4, price);
        lst.bind_int(5, price);
        lst.step();
        lst.reset();
        ++line_count;
      }
    }
    if (c % 10 == 0) {
      ist.bind_int(1, c);
      ist.bind_int(2, first);
      ist.step();
      ist.reset();
    }
  }
  tx.commit();
  std::printf(
      "generated %s: %lld customers, %lld orders, %lld order lines, %lld products in %.1f s\n",
      path.c_str(), static_cast<long long>(customers), static_cast<long long>(order_id),
      static_cast<long long>(line_count), static_cast<long long>(products), seconds_since(t0));
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s DB_FILE [customers] [order_lines] [products]\n", argv[0]);
    return 2;
  }
  const std::string path = argv[1];
  const std::int64_t customers = argc > 2 ? std::atoll(argv[2]) : 1'000'000;
  const std::int64_t lines = argc > 3 ? std::atoll(argv[3]) : 10'000'000;
  const std::int64_t products = argc > 4 ? std::atoll(argv[4]) : 10'000;
  try {
    if (!std::filesystem::exists(path)) generate(path, customers, lines, products);
    rapport::store::Database db(path);
    rapport::app::AnalyticsService service(db);
    for (int run = 1; run <= 2; ++run) {
      const auto t0 = std::chrono::steady_clock::now();
      const auto r = service.refresh(rapport::app::Caller::operator_cli(), {});
      const double total = seconds_since(t0);
      std::printf("refresh %d: %.2f s total; %lld customers, %lld orders, %lld rules;", run, total,
                  static_cast<long long>(r.customers), static_cast<long long>(r.orders),
                  static_cast<long long>(r.rules));
      for (const auto& [k, v] : r.results.at("timings").items()) {
        std::printf(" %s %.0f", k.c_str(), v.get<double>());
      }
      std::printf("; peak RSS %ld MB\n", peak_rss_mb());
      if (run == 1 && r.results.contains("bg_nbd")) {
        std::printf("  bg_nbd %s\n", r.results.at("bg_nbd").dump().c_str());
      }
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_analytics_refresh: %s\n", e.what());
    return 1;
  }
  return 0;
}
