#pragma once
// Prometheus metrics of the server: requests by route and status, a latency histogram per
// route, and gauges read at scrape time (the DB write queue depth).
// Thread-safety: observe() and render() may be called from any thread.
#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rapport::http {

class Metrics {
 public:
  // Upper bounds of the latency buckets, in seconds.
  static constexpr std::array<double, 12> kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                      0.05,   0.1,   0.25,   0.5,   1.0,  2.5};

  void observe(std::string_view route, int status, double seconds);
  // A gauge computed when scraped.
  void add_gauge(std::string name, std::string help, std::function<double()> read);
  std::string render() const;

 private:
  struct RouteStats {
    std::map<int, std::uint64_t> requests;  // by status
    std::array<std::uint64_t, kBuckets.size()> buckets{};
    std::uint64_t count = 0;
    double sum = 0;
  };
  mutable std::mutex mu_;
  // Looked up by string_view (std::less<>): no string is built per request.
  std::map<std::string, RouteStats, std::less<>> routes_;
  struct Gauge {
    std::string name;
    std::string help;
    std::function<double()> read;
  };
  std::vector<Gauge> gauges_;
};

}  // namespace rapport::http
