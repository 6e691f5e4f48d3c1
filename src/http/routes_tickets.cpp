#include "app/ticket_reports.hpp"
#include "core/error.hpp"
#include "http/commerce_codecs.hpp"
#include "http/exchange.hpp"
#include "http/json_reader.hpp"
#include "http/routes.hpp"
#include "http/server.hpp"
#include "http/service_codecs.hpp"

namespace rapport::http {

namespace {

void reply_with_ticket(Exchange& e, int status, const app::Ticket& t) {
  std::vector<std::pair<std::string, std::string>> headers = {{"ETag", etag(t.version)}};
  if (status == 201) headers.emplace_back("Location", "/api/v1/tickets/" + std::to_string(t.id));
  e.reply(status, to_json(t), std::move(headers));
}

void reply_with_queue(Exchange& e, int status, const app::TicketQueue& q) {
  std::vector<std::pair<std::string, std::string>> headers = {{"ETag", etag(q.version)}};
  if (status == 201) headers.emplace_back("Location", "/api/v1/queues/" + std::to_string(q.id));
  e.reply(status, to_json(q), std::move(headers));
}

void reply_with_sla_policy(Exchange& e, int status, const app::SlaPolicy& p) {
  std::vector<std::pair<std::string, std::string>> headers = {{"ETag", etag(p.version)}};
  if (status == 201) {
    headers.emplace_back("Location", "/api/v1/sla-policies/" + std::to_string(p.id));
  }
  e.reply(status, to_json(p), std::move(headers));
}

app::TicketListParams ticket_list_filters(Exchange& ex) {
  app::TicketListParams p;
  p.mine = ex.query_bool("mine").value_or(false);
  if (auto v = ex.query_id("queue")) p.queue_id = *v;
  p.status = ex.query("status");
  if (auto v = ex.query_id("assignee")) p.assignee_id = *v;
  if (auto v = ex.query_id("customer")) p.customer_id = *v;
  p.breached = ex.query_bool("breached");
  if (auto v = ex.query_int("due_within", 1, 525600)) p.due_within_minutes = *v;
  p.type = ex.query("type");
  p.priority = ex.query("priority");
  p.sort = ex.query("sort");
  p.cursor = ex.query("cursor");
  p.limit = ex.query_int("limit", 1, app::kMaxPageSize);
  return p;
}

}  // namespace

void add_ticket_routes(RouteTable& routes, Services& s) {
  routes.push_back({"POST",
                    "/api/v1/tickets",
                    app::Permission::kTicketsWrite,
                    {},
                    BodyKind::kJson,
                    [&s](const std::shared_ptr<Exchange>& ex) {
                      ObjectReader r(ex->json());
                      app::NewTicket t = read_new_ticket(r);
                      r.finish();
                      ex->reply_after<app::Ticket>(
                          s.db.writer(), s.tickets.create(ex->caller(), std::move(t)),
                          [](Exchange& e, app::Ticket& tk) { reply_with_ticket(e, 201, tk); });
                    }});
  routes.push_back({"GET",
                    "/api/v1/tickets",
                    app::Permission::kTicketsRead,
                    {"mine", "queue", "status", "assignee", "customer", "breached", "due_within",
                     "type", "priority", "sort", "cursor", "limit"},
                    BodyKind::kNone,
                    [&s](const std::shared_ptr<Exchange>& ex) {
                      auto page = s.tickets.list(ex->caller(), ticket_list_filters(*ex));
                      ex->reply(200, list_json(page, [](const auto& t) { return to_json(t); }));
                    }});
  // Before /tickets/{id}: the router takes the first route that matches.
  routes.push_back({"GET",
                    "/api/v1/tickets/reports",
                    app::Permission::kTicketsReports,
                    {"from", "to", "group_by"},
                    BodyKind::kNone,
                    [&s](const std::shared_ptr<Exchange>& ex) {
                      app::TicketReportParams p;
                      p.from = query_time(*ex, "from");
                      p.to = query_time(*ex, "to");
                      if (auto g = ex->query("group_by")) p.group_by = *g;
                      ex->reply(200, to_json(app::ticket_report(s.db, ex->caller(), p)));
                    }});
  routes.push_back({"GET",
                    "/api/v1/tickets/{id}",
                    app::Permission::kTicketsRead,
                    {},
                    BodyKind::kNone,
                    [&s](const std::shared_ptr<Exchange>& ex) {
                      reply_with_ticket(*ex, 200, s.tickets.get(ex->caller(), ex->id_param()));
                    }});
  routes.push_back(
      {"PATCH",
       "/api/v1/tickets/{id}",
       app::Permission::kTicketsWrite,
       {},
       BodyKind::kJson,
       [&s](const std::shared_ptr<Exchange>& ex) {
         const std::int64_t id = ex->id_param();
         ObjectReader r(ex->json());
         app::TicketPatch p = read_ticket_patch(r);
         auto version = r.optional_int("version", 1, INT64_MAX);
         r.finish();
         ex->reply_after<app::Ticket>(
             s.db.writer(),
             s.tickets.update(ex->caller(), id, std::move(p), expected_version(*ex, version)),
             [](Exchange& e, app::Ticket& t) { reply_with_ticket(e, 200, t); });
       }});
  routes.push_back({"POST",
                    "/api/v1/tickets/{id}/status",
                    app::Permission::kTicketsWrite,
                    {},
                    BodyKind::kJson,
                    [&s](const std::shared_ptr<Exchange>& ex) {
                      const std::int64_t id = ex->id_param();
                      ObjectReader r(ex->json());
                      std::string status = r.required_string("status", 50);
                      auto version = r.optional_int("version", 1, INT64_MAX);
                      r.finish();
                      ex->reply_after<app::Ticket>(
                          s.db.writer(),
                          s.tickets.change_status(ex->caller(), id, std::move(status),
                                                  expected_version(*ex, version)),
                          [](Exchange& e, app::Ticket& t) { reply_with_ticket(e, 200, t); });
                    }});
  routes.push_back({"GET",
                    "/api/v1/tickets/{id}/messages",
                    app::Permission::kTicketsRead,
                    {"cursor", "limit"},
                    BodyKind::kNone,
                    [&s](const std::shared_ptr<Exchange>& ex) {
                      auto page =
                          s.tickets.messages(ex->caller(), ex->id_param(), ex->query("cursor"),
                                             ex->query_int("limit", 1, app::kMaxPageSize));
                      ex->reply(200, list_json(page, [](const auto& m) { return to_json(m); }));
                    }});
  routes.push_back({"POST",
                    "/api/v1/tickets/{id}/messages",
                    app::Permission::kTicketsWrite,
                    {},
                    BodyKind::kJson,
                    [&s](const std::shared_ptr<Exchange>& ex) {
                      const std::int64_t id = ex->id_param();
                      ObjectReader r(ex->json());
                      std::string kind = r.required_string("kind", 20);
                      std::string body = r.required_string("body", 200000);
                      r.finish();
                      ex->reply_after<app::TicketMessage>(
                          s.db.writer(),
                          s.tickets.add_message(ex->caller(), id, std::move(kind), std::move(body)),
                          [](Exchange& e, app::TicketMessage& m) {
                            e.reply(201, to_json(m),
                                    {{"Location", "/api/v1/tickets/" + std::to_string(m.ticket_id) +
                                                      "/messages"}});
                          });
                    }});

  routes.push_back({"GET",
                    "/api/v1/notifications",
                    app::Permission::kSignedIn,
                    {"cursor", "limit"},
                    BodyKind::kNone,
                    [&s](const std::shared_ptr<Exchange>& ex) {
                      auto page =
                          app::list_notifications(s.db, ex->caller(), ex->query("cursor"),
                                                  ex->query_int("limit", 1, app::kMaxPageSize));
                      ex->reply(200, list_json(page, [](const auto& n) { return to_json(n); }));
                    }});

  // Queues.
  routes.push_back({"GET",
                    "/api/v1/queues",
                    app::Permission::kTicketsRead,
                    {},
                    BodyKind::kNone,
                    [&s](const std::shared_ptr<Exchange>& ex) {
                      nlohmann::json items = nlohmann::json::array();
                      for (const auto& q : s.queues.list(ex->caller())) items.push_back(to_json(q));
                      ex->reply(200, {{"items", std::move(items)}});
                    }});
  routes.push_back({"POST",
                    "/api/v1/queues",
                    app::Permission::kServiceSettings,
                    {},
                    BodyKind::kJson,
                    [&s](const std::shared_ptr<Exchange>& ex) {
                      ObjectReader r(ex->json());
                      app::QueueInput in = read_queue_input(r);
                      r.finish();
                      ex->reply_after<app::TicketQueue>(
                          s.db.writer(), s.queues.create(ex->caller(), std::move(in)),
                          [](Exchange& e, app::TicketQueue& q) { reply_with_queue(e, 201, q); });
                    }});
  routes.push_back({"GET",
                    "/api/v1/queues/{id}",
                    app::Permission::kTicketsRead,
                    {},
                    BodyKind::kNone,
                    [&s](const std::shared_ptr<Exchange>& ex) {
                      reply_with_queue(*ex, 200, s.queues.get(ex->caller(), ex->id_param()));
                    }});
  routes.push_back(
      {"PATCH",
       "/api/v1/queues/{id}",
       app::Permission::kServiceSettings,
       {},
       BodyKind::kJson,
       [&s](const std::shared_ptr<Exchange>& ex) {
         const std::int64_t id = ex->id_param();
         ObjectReader r(ex->json());
         app::QueueInput in = read_queue_input(r);
         auto version = r.optional_int("version", 1, INT64_MAX);
         r.finish();
         ex->reply_after<app::TicketQueue>(
             s.db.writer(),
             s.queues.update(ex->caller(), id, std::move(in), expected_version(*ex, version)),
             [](Exchange& e, app::TicketQueue& q) { reply_with_queue(e, 200, q); });
       }});
  routes.push_back({"DELETE",
                    "/api/v1/queues/{id}",
                    app::Permission::kServiceSettings,
                    {},
                    BodyKind::kNone,
                    [&s](const std::shared_ptr<Exchange>& ex) {
                      const std::int64_t id = ex->id_param();
                      ex->reply_after<app::TicketQueue>(
                          s.db.writer(),
                          s.queues.remove(ex->caller(), id, expected_version(*ex, std::nullopt)),
                          [](Exchange& e, app::TicketQueue&) { e.reply_no_content(); });
                    }});

  // SLA policies.
  routes.push_back({"GET",
                    "/api/v1/sla-policies",
                    app::Permission::kTicketsRead,
                    {},
                    BodyKind::kNone,
                    [&s](const std::shared_ptr<Exchange>& ex) {
                      nlohmann::json items = nlohmann::json::array();
                      for (const auto& p : s.sla_policies.list(ex->caller())) {
                        items.push_back(to_json(p));
                      }
                      ex->reply(200, {{"items", std::move(items)}});
                    }});
  routes.push_back({"POST",
                    "/api/v1/sla-policies",
                    app::Permission::kServiceSettings,
                    {},
                    BodyKind::kJson,
                    [&s](const std::shared_ptr<Exchange>& ex) {
                      ObjectReader r(ex->json());
                      app::SlaPolicyInput in = read_sla_policy_input(r);
                      r.finish();
                      ex->reply_after<app::SlaPolicy>(
                          s.db.writer(), s.sla_policies.create(ex->caller(), std::move(in)),
                          [](Exchange& e, app::SlaPolicy& p) { reply_with_sla_policy(e, 201, p); });
                    }});
  routes.push_back({"GET",
                    "/api/v1/sla-policies/{id}",
                    app::Permission::kTicketsRead,
                    {},
                    BodyKind::kNone,
                    [&s](const std::shared_ptr<Exchange>& ex) {
                      reply_with_sla_policy(*ex, 200,
                                            s.sla_policies.get(ex->caller(), ex->id_param()));
                    }});
  routes.push_back(
      {"PATCH",
       "/api/v1/sla-policies/{id}",
       app::Permission::kServiceSettings,
       {},
       BodyKind::kJson,
       [&s](const std::shared_ptr<Exchange>& ex) {
         const std::int64_t id = ex->id_param();
         ObjectReader r(ex->json());
         app::SlaPolicyInput in = read_sla_policy_input(r);
         auto version = r.optional_int("version", 1, INT64_MAX);
         r.finish();
         ex->reply_after<app::SlaPolicy>(
             s.db.writer(),
             s.sla_policies.update(ex->caller(), id, std::move(in), expected_version(*ex, version)),
             [](Exchange& e, app::SlaPolicy& p) { reply_with_sla_policy(e, 200, p); });
       }});
  routes.push_back(
      {"DELETE",
       "/api/v1/sla-policies/{id}",
       app::Permission::kServiceSettings,
       {},
       BodyKind::kNone,
       [&s](const std::shared_ptr<Exchange>& ex) {
         const std::int64_t id = ex->id_param();
         ex->reply_after<app::SlaPolicy>(
             s.db.writer(),
             s.sla_policies.remove(ex->caller(), id, expected_version(*ex, std::nullopt)),
             [](Exchange& e, app::SlaPolicy&) { e.reply_no_content(); });
       }});
}

}  // namespace rapport::http
