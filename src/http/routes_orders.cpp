#include "app/bulk_errors.hpp"
#include "core/error.hpp"
#include "http/commerce_codecs.hpp"
#include "http/exchange.hpp"
#include "http/json_reader.hpp"
#include "http/routes.hpp"
#include "http/server.hpp"

namespace rapport::http {

namespace {

// The filters shared by both order lists.
app::OrderListParams order_filters(Exchange& ex) {
  app::OrderListParams p;
  p.from = query_time(ex, "from");
  p.to = query_time(ex, "to");
  p.channel = ex.query("channel");
  p.cursor = ex.query("cursor");
  p.limit = ex.query_int("limit", 1, app::kMaxPageSize);
  return p;
}

nlohmann::json order_list_json(const app::Page<app::Order>& page) {
  return list_json(page, [](const app::Order& o) { return to_json(o, false); });
}

}  // namespace

void add_order_routes(RouteTable& routes, Services& s) {
  routes.push_back({"POST",
                    "/api/v1/orders",
                    app::Permission::kOrdersWrite,
                    {},
                    BodyKind::kJson,
                    [&s](const std::shared_ptr<Exchange>& ex) {
                      app::NewOrder o = read_new_order(ex->json());
                      ex->reply_after<app::Order>(
                          s.db.writer(), s.orders.place(ex->caller(), std::move(o)),
                          [](Exchange& e, app::Order& order) {
                            // A repeated idempotency key: the order first placed, not a new one.
                            e.reply(order.replayed ? 200 : 201, to_json(order),
                                    {{"Location", "/api/v1/orders/" + std::to_string(order.id)}});
                          });
                    }});
  routes.push_back({"GET",
                    "/api/v1/orders",
                    app::Permission::kOrdersRead,
                    {"customer_id", "from", "to", "channel", "cursor", "limit"},
                    BodyKind::kNone,
                    [&s](const std::shared_ptr<Exchange>& ex) {
                      app::OrderListParams p = order_filters(*ex);
                      if (auto c = ex->query_id("customer_id")) p.customer_id = *c;
                      ex->reply(200, order_list_json(s.orders.list(ex->caller(), p)));
                    }});
  routes.push_back({"GET",
                    "/api/v1/orders/{id}",
                    app::Permission::kOrdersRead,
                    {},
                    BodyKind::kNone,
                    [&s](const std::shared_ptr<Exchange>& ex) {
                      ex->reply(200, to_json(s.orders.get(ex->caller(), ex->id_param())));
                    }});
  routes.push_back({"GET",
                    "/api/v1/customers/{id}/orders",
                    app::Permission::kOrdersRead,
                    {"from", "to", "channel", "cursor", "limit"},
                    BodyKind::kNone,
                    [&s](const std::shared_ptr<Exchange>& ex) {
                      const std::int64_t id = ex->id_param();
                      ex->reply(200, order_list_json(s.orders.list_for_customer(
                                         ex->caller(), id, order_filters(*ex))));
                    }});
  routes.push_back({"POST",
                    "/api/v1/orders/bulk",
                    app::Permission::kImport,
                    {},
                    BodyKind::kJson,
                    [&s](const std::shared_ptr<Exchange>& ex) {
                      ObjectReader r(ex->json());
                      const nlohmann::json& items = read_bulk_items(r.optional_value("items"));
                      r.finish();
                      app::BulkErrors errors(items.size());
                      std::vector<app::NewOrder> orders;
                      orders.reserve(items.size());
                      for (std::size_t i = 0; i < items.size(); ++i) {
                        try {
                          orders.push_back(
                              read_new_order(items[i], "items[" + std::to_string(i) + "]"));
                        } catch (const Error& e) {
                          errors.add(i, e);
                        }
                      }
                      errors.throw_if_any();
                      ex->reply_after<std::vector<app::Order>>(
                          s.db.writer(), s.orders.place_bulk(ex->caller(), std::move(orders)),
                          [](Exchange& e, std::vector<app::Order>& placed) {
                            nlohmann::json out = nlohmann::json::array();
                            for (const auto& o : placed) out.push_back(to_json(o));
                            e.reply(201, {{"items", std::move(out)}});
                          });
                    }});

  // Returns.
  routes.push_back(
      {"POST",
       "/api/v1/orders/{id}/returns",
       app::Permission::kOrdersWrite,
       {},
       BodyKind::kJson,
       [&s](const std::shared_ptr<Exchange>& ex) {
         const std::int64_t id = ex->id_param();
         app::NewReturn ret = read_new_return(ex->json());
         ex->reply_after<app::Return>(
             s.db.writer(), s.returns.create(ex->caller(), id, std::move(ret)),
             [](Exchange& e, app::Return& r) {
               e.reply(201, to_json(r), {{"Location", "/api/v1/returns/" + std::to_string(r.id)}});
             });
       }});
  routes.push_back({"GET",
                    "/api/v1/orders/{id}/returns",
                    app::Permission::kOrdersRead,
                    {"cursor", "limit"},
                    BodyKind::kNone,
                    [&s](const std::shared_ptr<Exchange>& ex) {
                      auto page = s.returns.list_for_order(
                          ex->caller(), ex->id_param(), ex->query("cursor"),
                          ex->query_int("limit", 1, app::kMaxPageSize));
                      ex->reply(200, list_json(page, [](const auto& r) { return to_json(r); }));
                    }});
  routes.push_back({"GET",
                    "/api/v1/customers/{id}/returns",
                    app::Permission::kOrdersRead,
                    {"cursor", "limit"},
                    BodyKind::kNone,
                    [&s](const std::shared_ptr<Exchange>& ex) {
                      auto page = s.returns.list_for_customer(
                          ex->caller(), ex->id_param(), ex->query("cursor"),
                          ex->query_int("limit", 1, app::kMaxPageSize));
                      ex->reply(200, list_json(page, [](const auto& r) { return to_json(r); }));
                    }});
  routes.push_back({"GET",
                    "/api/v1/returns/{id}",
                    app::Permission::kOrdersRead,
                    {},
                    BodyKind::kNone,
                    [&s](const std::shared_ptr<Exchange>& ex) {
                      ex->reply(200, to_json(s.returns.get(ex->caller(), ex->id_param())));
                    }});
}

}  // namespace rapport::http
