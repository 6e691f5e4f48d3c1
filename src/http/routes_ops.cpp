#include "http/exchange.hpp"
#include "http/routes.hpp"
#include "http/server.hpp"
#include "store/migrations/migrations.hpp"

namespace rapport::http {

void add_ops_routes(RouteTable& routes, Services& s) {
  routes.push_back(
      {"GET",
       "/healthz",
       std::nullopt,
       {},
       BodyKind::kNone,
       [&s](const std::shared_ptr<Exchange>& ex) {
         int schema = store::current_schema_version(s.db.reader());
         ex->reply(200,
                   {{"status", "ok"}, {"version", RAPPORT_VERSION}, {"schema_version", schema}});
       }});
  routes.push_back({"GET",
                    "/metrics",
                    std::nullopt,
                    {},
                    BodyKind::kNone,
                    [&s](const std::shared_ptr<Exchange>& ex) {
                      ex->reply_text(200, s.metrics.render(), "text/plain; version=0.0.4");
                    }});
  routes.push_back({"GET",
                    "/api/v1/openapi.json",
                    std::nullopt,
                    {},
                    BodyKind::kNone,
                    [](const std::shared_ptr<Exchange>& ex) {
                      ex->reply_text(200, openapi_document(), "application/json");
                    }});
}

}  // namespace rapport::http
