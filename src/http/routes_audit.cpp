#include "core/error.hpp"
#include "http/codecs.hpp"
#include "http/exchange.hpp"
#include "http/routes.hpp"
#include "http/server.hpp"

namespace rapport::http {

void add_audit_routes(RouteTable& routes, Services& s) {
  routes.push_back({"GET",
                    "/api/v1/audit",
                    app::Permission::kAuditRead,
                    {"entity", "entity_id", "user_id", "from", "to", "cursor", "limit"},
                    BodyKind::kNone,
                    [&s](const std::shared_ptr<Exchange>& ex) {
                      app::AuditFilter f;
                      f.entity = ex->query("entity");
                      f.entity_id = ex->query("entity_id");
                      if (auto u = ex->query_id("user_id")) f.user_id = *u;
                      f.from = query_time(*ex, "from");
                      f.to = query_time(*ex, "to");
                      f.cursor = ex->query("cursor");
                      f.limit = ex->query_int("limit", 1, app::kMaxPageSize);
                      ex->reply(200, page_json(app::list_audit(s.db, ex->caller(), f)));
                    }});
}

}  // namespace rapport::http
