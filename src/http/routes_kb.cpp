#include "core/error.hpp"
#include "http/codecs.hpp"
#include "http/exchange.hpp"
#include "http/feedback_codecs.hpp"
#include "http/json_reader.hpp"
#include "http/routes.hpp"
#include "http/server.hpp"

namespace rapport::http {

namespace {

void reply_with_kb_article(Exchange& e, int status, const app::KbArticle& a) {
  std::vector<std::pair<std::string, std::string>> headers = {{"ETag", etag(a.version)}};
  if (status == 201) {
    headers.emplace_back("Location", "/api/v1/kb/articles/" + std::to_string(a.id));
  }
  e.reply(status, kb_article_full_json(a), std::move(headers));
}

void reply_with_kb_category(Exchange& e, int status, const app::KbCategory& c) {
  std::vector<std::pair<std::string, std::string>> headers = {{"ETag", etag(c.version)}};
  if (status == 201) {
    headers.emplace_back("Location", "/api/v1/kb/categories/" + std::to_string(c.id));
  }
  e.reply(status, to_json(c), std::move(headers));
}

}  // namespace

void add_kb_routes(RouteTable& routes, Services& s) {
  routes.push_back({"GET",
                    "/api/v1/kb/categories",
                    app::Permission::kKbRead,
                    {},
                    BodyKind::kNone,
                    [&s](const std::shared_ptr<Exchange>& ex) {
                      nlohmann::json items = nlohmann::json::array();
                      for (const auto& c : s.kb.categories(ex->caller()))
                        items.push_back(to_json(c));
                      ex->reply(200, {{"items", std::move(items)}});
                    }});
  routes.push_back(
      {"POST",
       "/api/v1/kb/categories",
       app::Permission::kKbWrite,
       {},
       BodyKind::kJson,
       [&s](const std::shared_ptr<Exchange>& ex) {
         ObjectReader r(ex->json());
         std::string name = r.required_string("name", 100000);
         r.finish();
         ex->reply_after<app::KbCategory>(
             s.db.writer(), s.kb.create_category(ex->caller(), std::move(name)),
             [](Exchange& e, app::KbCategory& c) { reply_with_kb_category(e, 201, c); });
       }});
  routes.push_back(
      {"PATCH",
       "/api/v1/kb/categories/{id}",
       app::Permission::kKbWrite,
       {},
       BodyKind::kJson,
       [&s](const std::shared_ptr<Exchange>& ex) {
         const std::int64_t id = ex->id_param();
         ObjectReader r(ex->json());
         std::string name = r.required_string("name", 100000);
         auto version = r.optional_int("version", 1, INT64_MAX);
         r.finish();
         ex->reply_after<app::KbCategory>(
             s.db.writer(),
             s.kb.rename_category(ex->caller(), id, std::move(name),
                                  expected_version(*ex, version)),
             [](Exchange& e, app::KbCategory& c) { reply_with_kb_category(e, 200, c); });
       }});
  routes.push_back({"GET",
                    "/api/v1/kb/articles",
                    app::Permission::kKbRead,
                    {"q", "category", "status", "sort", "cursor", "limit"},
                    BodyKind::kNone,
                    [&s](const std::shared_ptr<Exchange>& ex) {
                      app::KbListParams p;
                      p.q = ex->query("q");
                      if (auto v = ex->query_id("category")) p.category_id = *v;
                      p.status = ex->query("status");
                      p.sort = ex->query("sort");
                      p.cursor = ex->query("cursor");
                      p.limit = ex->query_int("limit", 1, app::kMaxPageSize);
                      ex->reply(200, feedback_page_json(s.kb.list(ex->caller(), p)));
                    }});
  routes.push_back({"POST",
                    "/api/v1/kb/articles",
                    app::Permission::kKbWrite,
                    {},
                    BodyKind::kJson,
                    [&s](const std::shared_ptr<Exchange>& ex) {
                      ObjectReader r(ex->json());
                      app::NewKbArticle in = read_new_kb_article(r);
                      r.finish();
                      ex->reply_after<app::KbArticle>(
                          s.db.writer(), s.kb.create(ex->caller(), std::move(in)),
                          [](Exchange& e, app::KbArticle& a) { reply_with_kb_article(e, 201, a); });
                    }});
  routes.push_back({"GET",
                    "/api/v1/kb/articles/{id}",
                    app::Permission::kKbRead,
                    {},
                    BodyKind::kNone,
                    [&s](const std::shared_ptr<Exchange>& ex) {
                      reply_with_kb_article(*ex, 200, s.kb.get(ex->caller(), ex->id_param()));
                    }});
  routes.push_back(
      {"PATCH",
       "/api/v1/kb/articles/{id}",
       app::Permission::kKbWrite,
       {},
       BodyKind::kJson,
       [&s](const std::shared_ptr<Exchange>& ex) {
         const std::int64_t id = ex->id_param();
         ObjectReader r(ex->json());
         app::KbArticlePatch p = read_kb_article_patch(r);
         auto version = r.optional_int("version", 1, INT64_MAX);
         r.finish();
         ex->reply_after<app::KbArticle>(
             s.db.writer(),
             s.kb.update(ex->caller(), id, std::move(p), expected_version(*ex, version)),
             [](Exchange& e, app::KbArticle& a) { reply_with_kb_article(e, 200, a); });
       }});
  // Tickets and the articles that solved them.
  routes.push_back({"GET",
                    "/api/v1/tickets/{id}/articles",
                    app::Permission::kTicketsRead,
                    {},
                    BodyKind::kNone,
                    [&s](const std::shared_ptr<Exchange>& ex) {
                      nlohmann::json items = nlohmann::json::array();
                      for (const auto& l : s.kb.ticket_articles(ex->caller(), ex->id_param())) {
                        items.push_back(to_json(l));
                      }
                      ex->reply(200, {{"items", std::move(items)}});
                    }});
  routes.push_back({"POST",
                    "/api/v1/tickets/{id}/articles",
                    app::Permission::kTicketsWrite,
                    {},
                    BodyKind::kJson,
                    [&s](const std::shared_ptr<Exchange>& ex) {
                      const std::int64_t id = ex->id_param();
                      ObjectReader r(ex->json());
                      const std::int64_t article = r.required_int("article_id", 1, INT64_MAX);
                      r.finish();
                      ex->reply_after<app::TicketArticleLink>(
                          s.db.writer(), s.kb.link(ex->caller(), id, article),
                          [](Exchange& e, app::TicketArticleLink& l) {
                            e.reply(201, to_json(l),
                                    {{"Location", "/api/v1/tickets/" + std::to_string(l.ticket_id) +
                                                      "/articles"}});
                          });
                    }});
  routes.push_back({"DELETE",
                    "/api/v1/tickets/{id}/articles/{article_id}",
                    app::Permission::kTicketsWrite,
                    {},
                    BodyKind::kNone,
                    [&s](const std::shared_ptr<Exchange>& ex) {
                      const std::int64_t id = ex->id_param();
                      const std::int64_t article = ex->id_param("article_id");
                      ex->reply_after<app::TicketArticleLink>(
                          s.db.writer(), s.kb.unlink(ex->caller(), id, article),
                          [](Exchange& e, app::TicketArticleLink&) { e.reply_no_content(); });
                    }});
}

}  // namespace rapport::http
