#include "http/routes.hpp"

#include "core/error.hpp"
#include "http/exchange.hpp"
#include "http/server.hpp"

namespace rapport::http {

RouteTable build_routes(Services& services) {
  RouteTable routes;
  add_ops_routes(routes, services);
  add_auth_routes(routes, services);
  add_user_routes(routes, services);
  add_audit_routes(routes, services);
  add_analytics_routes(routes, services);
  add_product_routes(routes, services);
  add_order_routes(routes, services);
  add_settings_routes(routes, services);
  add_customer_routes(routes, services);
  add_import_routes(routes, services);
  add_ticket_routes(routes, services);
  add_loyalty_routes(routes, services);
  add_feedback_routes(routes, services);
  add_kb_routes(routes, services);
  return routes;
}

std::optional<TimeMs> query_time(Exchange& ex, const char* name) {
  auto v = ex.query(name);
  if (!v) return std::nullopt;
  auto t = parse_time(*v);
  if (!t) throw_invalid(name, "must be a date or time such as 2026-11-23 or 2026-11-23T10:00:00Z");
  return t;
}

std::string etag(std::int64_t version) {
  return "\"" + std::to_string(version) + "\"";
}

std::optional<std::int64_t> expected_version(Exchange& ex,
                                             std::optional<std::int64_t> body_version) {
  auto h = ex.header("If-Match");
  if (!h) return body_version;
  std::string v = *h;
  if (v.rfind("W/", 0) == 0) v = v.substr(2);
  if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
  if (v.empty() || v.size() > 18) throw_invalid("If-Match", "must be the record's ETag");
  std::int64_t n = 0;
  for (char c : v) {
    if (c < '0' || c > '9') throw_invalid("If-Match", "must be the record's ETag");
    n = n * 10 + (c - '0');
  }
  return n;
}

}  // namespace rapport::http
