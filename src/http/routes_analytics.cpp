// The dashboard's figures. Customer intelligence: refresh, the latest run, the CLV / RFM / Pareto /
// types pages, basket rules, "bought together" and per-customer scores and recommendations.
#include <string>

#include <restinio/utils/percent_encoding.hpp>

#include "app/dashboard.hpp"
#include "app/transactions_file.hpp"
#include "core/error.hpp"
#include "http/codecs.hpp"
#include "http/exchange.hpp"
#include "http/json_reader.hpp"
#include "http/routes.hpp"
#include "http/server.hpp"

namespace rapport::http {

namespace {

using nlohmann::json;

// The part of the latest run's results a page shows, or an empty object.
json section(const json& results, const char* key) {
  auto it = results.find(key);
  return it == results.end() ? json::object() : *it;
}

json run_header(const app::AnalyticsRun& run) {
  json h = to_json(run);
  return {{"run_id", run.id},
          {"as_of", h["as_of"]},
          {"computed_at", h["finished_at"]},
          {"currency", run.parameters.value("currency", "")}};
}

int limit_param(Exchange& ex) {
  return ex.query_int("limit", 1, 100).value_or(10);
}

}  // namespace

void add_analytics_routes(RouteTable& routes, Services& s) {
  routes.push_back({"POST",
                    "/api/v1/analytics/refresh",
                    app::Permission::kAnalyticsRefresh,
                    {},
                    BodyKind::kJson,
                    [&s](const std::shared_ptr<Exchange>& ex) {
                      ObjectReader r(ex->json());
                      app::RefreshOptions o;
                      if (auto as_of = r.optional_string("as_of", 10)) {
                        o.as_of_day = app::parse_day(*as_of);
                        if (!o.as_of_day) throw_invalid("as_of", "must be a date YYYY-MM-DD");
                      }
                      r.finish();
                      // Synchronous: the reply is the finished run (seconds on a large store).
                      ex->reply(200, to_json(s.analytics.refresh(ex->caller(), o)));
                    }});
  routes.push_back({"GET",
                    "/api/v1/dashboard",
                    app::Permission::kAnalyticsRead,
                    {},
                    BodyKind::kNone,
                    [&s](const std::shared_ptr<Exchange>& ex) {
                      ex->reply(200, to_json(app::dashboard_figures(s.db, ex->caller(), now_ms())));
                    }});
  routes.push_back({"GET",
                    "/api/v1/analytics/runs/latest",
                    app::Permission::kAnalyticsRead,
                    {},
                    BodyKind::kNone,
                    [&s](const std::shared_ptr<Exchange>& ex) {
                      ex->reply(200, to_json(s.analytics.latest_run(ex->caller())));
                    }});
  routes.push_back({"GET",
                    "/api/v1/analytics/clv",
                    app::Permission::kAnalyticsRead,
                    {},
                    BodyKind::kNone,
                    [&s](const std::shared_ptr<Exchange>& ex) {
                      auto run = s.analytics.latest_run(ex->caller());
                      json out = run_header(run);
                      const json& res = run.results;
                      out["summaries"] = section(res, "summaries");
                      out["bg_nbd"] = res.contains("bg_nbd") ? res["bg_nbd"] : json(nullptr);
                      out["gamma_gamma"] =
                          res.contains("gamma_gamma") ? res["gamma_gamma"] : json(nullptr);
                      out["clv"] = section(res, "clv");
                      ex->reply(200, out);
                    }});
  routes.push_back({"GET",
                    "/api/v1/analytics/clv/top",
                    app::Permission::kAnalyticsRead,
                    {"limit"},
                    BodyKind::kNone,
                    [&s](const std::shared_ptr<Exchange>& ex) {
                      auto run = s.analytics.latest_run(ex->caller());
                      json out = run_header(run);
                      json items = json::array();
                      for (const auto& l : s.analytics.top_by_clv(ex->caller(), limit_param(*ex))) {
                        items.push_back(to_json(l));
                      }
                      out["items"] = std::move(items);
                      ex->reply(200, out);
                    }});
  routes.push_back({"GET",
                    "/api/v1/analytics/rfm",
                    app::Permission::kAnalyticsRead,
                    {},
                    BodyKind::kNone,
                    [&s](const std::shared_ptr<Exchange>& ex) {
                      auto run = s.analytics.latest_run(ex->caller());
                      json out = run_header(run);
                      const json rfm = section(run.results, "rfm");
                      out["segments"] = rfm.value("segments", json::array());
                      // Runs from before the grid was computed have none: refresh to get it.
                      out["grid"] = rfm.value("grid", json::array());
                      ex->reply(200, out);
                    }});
  routes.push_back({"GET",
                    "/api/v1/analytics/pareto",
                    app::Permission::kAnalyticsRead,
                    {},
                    BodyKind::kNone,
                    [&s](const std::shared_ptr<Exchange>& ex) {
                      auto run = s.analytics.latest_run(ex->caller());
                      json out = run_header(run);
                      out["parameters"] = section(run.parameters, "pareto");
                      out.update(section(run.results, "pareto"));
                      ex->reply(200, out);
                    }});
  routes.push_back({"GET",
                    "/api/v1/analytics/types",
                    app::Permission::kAnalyticsRead,
                    {},
                    BodyKind::kNone,
                    [&s](const std::shared_ptr<Exchange>& ex) {
                      auto run = s.analytics.latest_run(ex->caller());
                      json out = run_header(run);
                      out["rules"] = section(run.parameters, "types");
                      out["types"] = section(run.results, "types").value("types", json::object());
                      ex->reply(200, out);
                    }});
  routes.push_back({"GET",
                    "/api/v1/analytics/basket/rules",
                    app::Permission::kAnalyticsRead,
                    {"product_id", "sku", "side", "sort", "cursor", "limit"},
                    BodyKind::kNone,
                    [&s](const std::shared_ptr<Exchange>& ex) {
                      app::RuleListParams p;
                      if (auto id = ex->query_id("product_id")) p.product_id = *id;
                      p.sku = ex->query("sku");
                      if (auto side = ex->query("side")) {
                        if (*side == "antecedent") {
                          p.side = app::RuleSide::kAntecedent;
                        } else if (*side == "consequent") {
                          p.side = app::RuleSide::kConsequent;
                        } else if (*side != "either") {
                          throw_invalid("side", "must be antecedent, consequent or either");
                        }
                      }
                      p.sort = ex->query("sort");
                      p.cursor = ex->query("cursor");
                      p.limit = ex->query_int("limit", 1, app::kMaxPageSize);
                      ex->reply(200, page_json(s.analytics.rules(ex->caller(), p)));
                    }});
  routes.push_back(
      {"GET",
       "/api/v1/products/{sku}/bought-together",
       app::Permission::kAnalyticsRead,
       {"limit"},
       BodyKind::kNone,
       [&s](const std::shared_ptr<Exchange>& ex) {
         // The path segment is percent-encoded (a SKU may hold '/', ' ', ...).
         auto decoded = restinio::utils::try_unescape_percent_encoding(ex->path_param("sku"));
         if (!decoded || decoded->empty() || decoded->size() > 100) {
           throw_not_found("no product with this sku", "sku");
         }
         const std::string sku = *decoded;
         json items = json::array();
         for (const auto& r : s.analytics.bought_together(ex->caller(), sku, limit_param(*ex))) {
           items.push_back(to_json(r));
         }
         ex->reply(200, {{"sku", sku}, {"items", items}});
       }});
  routes.push_back({"GET",
                    "/api/v1/customers/{id}/recommendations",
                    app::Permission::kAnalyticsRead,
                    {"limit"},
                    BodyKind::kNone,
                    [&s](const std::shared_ptr<Exchange>& ex) {
                      const std::int64_t id = ex->id_param();
                      json items = json::array();
                      for (const auto& r :
                           s.analytics.recommendations(ex->caller(), id, limit_param(*ex))) {
                        items.push_back(to_json(r));
                      }
                      ex->reply(200, {{"customer_id", id}, {"items", items}});
                    }});
  routes.push_back({"GET",
                    "/api/v1/customers/{id}/scores",
                    app::Permission::kAnalyticsRead,
                    {},
                    BodyKind::kNone,
                    [&s](const std::shared_ptr<Exchange>& ex) {
                      const std::int64_t id = ex->id_param();
                      auto scores = s.analytics.scores(ex->caller(), id);
                      ex->reply(200, {{"customer_id", id},
                                      {"scores", scores ? to_json(*scores) : json(nullptr)}});
                    }});
}

}  // namespace rapport::http
