#include "http/metrics.hpp"

#include <fmt/format.h>

namespace rapport::http {

void Metrics::observe(std::string_view route, int status, double seconds) {
  std::lock_guard lock(mu_);
  auto it = routes_.find(route);
  if (it == routes_.end()) it = routes_.emplace(std::string(route), RouteStats{}).first;
  RouteStats& h = it->second;
  ++h.requests[status];
  for (std::size_t i = 0; i < kBuckets.size(); ++i) {
    if (seconds <= kBuckets[i]) ++h.buckets[i];
  }
  ++h.count;
  h.sum += seconds;
}

void Metrics::add_gauge(std::string name, std::string help, std::function<double()> read) {
  std::lock_guard lock(mu_);
  gauges_.push_back(Gauge{std::move(name), std::move(help), std::move(read)});
}

namespace {
// Label values are our route templates, but escape anyway per the exposition format.
std::string escape_label(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}
}  // namespace

std::string Metrics::render() const {
  std::lock_guard lock(mu_);
  std::string out;
  out += "# HELP rapport_http_requests_total HTTP requests by route and status.\n";
  out += "# TYPE rapport_http_requests_total counter\n";
  for (const auto& [route, h] : routes_) {
    for (const auto& [status, n] : h.requests) {
      out += fmt::format("rapport_http_requests_total{{route=\"{}\",status=\"{}\"}} {}\n",
                         escape_label(route), status, n);
    }
  }
  out += "# HELP rapport_http_request_duration_seconds HTTP request latency by route.\n";
  out += "# TYPE rapport_http_request_duration_seconds histogram\n";
  for (const auto& [route, h] : routes_) {
    std::string r = escape_label(route);
    for (std::size_t i = 0; i < kBuckets.size(); ++i) {
      out +=
          fmt::format("rapport_http_request_duration_seconds_bucket{{route=\"{}\",le=\"{}\"}} {}\n",
                      r, kBuckets[i], h.buckets[i]);
    }
    out +=
        fmt::format("rapport_http_request_duration_seconds_bucket{{route=\"{}\",le=\"+Inf\"}} {}\n",
                    r, h.count);
    out += fmt::format("rapport_http_request_duration_seconds_sum{{route=\"{}\"}} {}\n", r, h.sum);
    out +=
        fmt::format("rapport_http_request_duration_seconds_count{{route=\"{}\"}} {}\n", r, h.count);
  }
  for (const auto& g : gauges_) {
    out += fmt::format("# HELP {} {}\n# TYPE {} gauge\n{} {}\n", g.name, g.help, g.name, g.name,
                       g.read());
  }
  return out;
}

}  // namespace rapport::http
