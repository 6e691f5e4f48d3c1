#pragma once
// Route registration, one function per resource (routes_<resource>.cpp).
#include <cstdint>
#include <optional>

#include "core/time.hpp"

#include "http/route.hpp"

namespace rapport::http {

struct Services;
class Exchange;

void add_ops_routes(RouteTable& routes, Services& services);
void add_auth_routes(RouteTable& routes, Services& services);
void add_user_routes(RouteTable& routes, Services& services);
void add_audit_routes(RouteTable& routes, Services& services);
void add_analytics_routes(RouteTable& routes, Services& services);
void add_product_routes(RouteTable& routes, Services& services);
void add_order_routes(RouteTable& routes, Services& services);
void add_settings_routes(RouteTable& routes, Services& services);
void add_customer_routes(RouteTable& routes, Services& services);
void add_import_routes(RouteTable& routes, Services& services);
void add_ticket_routes(RouteTable& routes, Services& services);
void add_loyalty_routes(RouteTable& routes, Services& services);
void add_feedback_routes(RouteTable& routes, Services& services);
void add_kb_routes(RouteTable& routes, Services& services);

// The expected version of an update: the If-Match header ("3" or W/"3") or else the body's
// "version" field; nullopt when neither is given.
std::optional<std::int64_t> expected_version(Exchange& ex,
                                             std::optional<std::int64_t> body_version);
// A time query parameter (RFC 3339 or a date); invalid_argument naming it when malformed.
std::optional<TimeMs> query_time(Exchange& ex, const char* name);

// The ETag header value for a record version.
std::string etag(std::int64_t version);

// The OpenAPI document served at /api/v1/openapi.json (src/http/openapi.json, embedded).
const char* openapi_document();

}  // namespace rapport::http
