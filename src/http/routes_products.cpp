#include <restinio/utils/percent_encoding.hpp>

#include "app/bulk_errors.hpp"
#include "core/error.hpp"
#include "core/money.hpp"
#include "http/commerce_codecs.hpp"
#include "http/exchange.hpp"
#include "http/json_reader.hpp"
#include "http/routes.hpp"
#include "http/server.hpp"

namespace rapport::http {

namespace {

void reply_product(Exchange& e, int status, const app::Product& p) {
  std::vector<std::pair<std::string, std::string>> headers = {{"ETag", etag(p.version)}};
  if (status == 201) headers.emplace_back("Location", "/api/v1/products/" + std::to_string(p.id));
  e.reply(status, to_json(p), std::move(headers));
}

}  // namespace

void add_product_routes(RouteTable& routes, Services& s) {
  // Categories.
  routes.push_back({"GET",
                    "/api/v1/categories",
                    app::Permission::kProductsRead,
                    {"parent_id", "cursor", "limit"},
                    BodyKind::kNone,
                    [&s](const std::shared_ptr<Exchange>& ex) {
                      app::CategoryListParams p;
                      p.parent_id = ex->query_id("parent_id");
                      p.cursor = ex->query("cursor");
                      p.limit = ex->query_int("limit", 1, app::kMaxPageSize);
                      auto page = s.categories.list(ex->caller(), p);
                      ex->reply(200, list_json(page, [](const auto& c) { return to_json(c); }));
                    }});
  routes.push_back({"POST",
                    "/api/v1/categories",
                    app::Permission::kProductsWrite,
                    {},
                    BodyKind::kJson,
                    [&s](const std::shared_ptr<Exchange>& ex) {
                      ObjectReader r(ex->json());
                      std::string name = r.required_string("name", app::kMaxCategoryName);
                      auto parent = r.optional_int("parent_id", 1, INT64_MAX);
                      r.finish();
                      ex->reply_after<app::Category>(
                          s.db.writer(), s.categories.create(ex->caller(), name, parent),
                          [](Exchange& e, app::Category& c) {
                            e.reply(201, to_json(c),
                                    {{"Location", "/api/v1/categories/" + std::to_string(c.id)}});
                          });
                    }});
  routes.push_back({"GET",
                    "/api/v1/categories/{id}",
                    app::Permission::kProductsRead,
                    {},
                    BodyKind::kNone,
                    [&s](const std::shared_ptr<Exchange>& ex) {
                      ex->reply(200, to_json(s.categories.get(ex->caller(), ex->id_param())));
                    }});
  routes.push_back({"PATCH",
                    "/api/v1/categories/{id}",
                    app::Permission::kProductsWrite,
                    {},
                    BodyKind::kJson,
                    [&s](const std::shared_ptr<Exchange>& ex) {
                      const std::int64_t id = ex->id_param();
                      ObjectReader r(ex->json());
                      std::string name = r.required_string("name", app::kMaxCategoryName);
                      r.finish();
                      ex->reply_after<app::Category>(
                          s.db.writer(), s.categories.rename(ex->caller(), id, name),
                          [](Exchange& e, app::Category& c) { e.reply(200, to_json(c)); });
                    }});

  // Products.
  routes.push_back({"GET",
                    "/api/v1/products",
                    app::Permission::kProductsRead,
                    {"q", "category_id", "active", "deleted", "sort", "cursor", "limit"},
                    BodyKind::kNone,
                    [&s](const std::shared_ptr<Exchange>& ex) {
                      app::ProductListParams p;
                      p.q = ex->query("q");
                      p.category_id = ex->query_id("category_id");
                      p.active = ex->query_bool("active");
                      p.deleted = ex->query_bool("deleted").value_or(false);
                      p.sort = ex->query("sort");
                      p.cursor = ex->query("cursor");
                      p.limit = ex->query_int("limit", 1, app::kMaxPageSize);
                      auto page = s.products.list(ex->caller(), p);
                      ex->reply(200, list_json(page, [](const auto& x) { return to_json(x); }));
                    }});
  routes.push_back({"POST",
                    "/api/v1/products",
                    app::Permission::kProductsWrite,
                    {},
                    BodyKind::kJson,
                    [&s](const std::shared_ptr<Exchange>& ex) {
                      app::NewProduct p = read_new_product(ex->json());
                      ex->reply_after<app::Product>(
                          s.db.writer(), s.products.create(ex->caller(), std::move(p)),
                          [](Exchange& e, app::Product& prod) { reply_product(e, 201, prod); });
                    }});
  routes.push_back({"GET",
                    "/api/v1/products/{id}",
                    app::Permission::kProductsRead,
                    {},
                    BodyKind::kNone,
                    [&s](const std::shared_ptr<Exchange>& ex) {
                      reply_product(*ex, 200, s.products.get(ex->caller(), ex->id_param()));
                    }});
  routes.push_back({"GET",
                    "/api/v1/products/by-sku/{sku}",
                    app::Permission::kProductsRead,
                    {},
                    BodyKind::kNone,
                    [&s](const std::shared_ptr<Exchange>& ex) {
                      // The router decodes only unreserved characters; an SKU may hold others ("A/B
                      // 1").
                      auto sku = restinio::utils::try_unescape_percent_encoding<
                          restinio::utils::relaxed_unescape_traits>(ex->path_param("sku"));
                      if (!sku) throw_invalid("sku", "is not a valid percent-encoded path segment");
                      reply_product(*ex, 200, s.products.get_by_sku(ex->caller(), *sku));
                    }});
  routes.push_back(
      {"PATCH",
       "/api/v1/products/{id}",
       app::Permission::kProductsWrite,
       {},
       BodyKind::kJson,
       [&s](const std::shared_ptr<Exchange>& ex) {
         const std::int64_t id = ex->id_param();
         ObjectReader r(ex->json());
         app::ProductPatch p;
         p.sku = r.optional_string("sku", app::kMaxSku);
         p.name = r.optional_string("name", app::kMaxProductName);
         if (ex->json().contains("category_id")) {
           p.set_category = true;
           p.category_id = r.optional_int("category_id", 1, INT64_MAX);
         }
         p.price_minor = r.optional_int("price_minor", 0, kMaxMoneyMinor);
         p.currency = r.optional_string("currency", 3);
         p.active = r.optional_bool("active");
         auto version = r.optional_int("version", 1, INT64_MAX);
         r.finish();
         ex->reply_after<app::Product>(
             s.db.writer(),
             s.products.update(ex->caller(), id, std::move(p), expected_version(*ex, version)),
             [](Exchange& e, app::Product& prod) { reply_product(e, 200, prod); });
       }});
  routes.push_back({"DELETE",
                    "/api/v1/products/{id}",
                    app::Permission::kProductsWrite,
                    {},
                    BodyKind::kNone,
                    [&s](const std::shared_ptr<Exchange>& ex) {
                      const std::int64_t id = ex->id_param();
                      ex->reply_after<app::Product>(
                          s.db.writer(),
                          s.products.remove(ex->caller(), id, expected_version(*ex, std::nullopt)),
                          [](Exchange& e, app::Product& prod) { reply_product(e, 200, prod); });
                    }});
  routes.push_back({"POST",
                    "/api/v1/products/{id}/restore",
                    app::Permission::kProductsWrite,
                    {},
                    BodyKind::kNone,
                    [&s](const std::shared_ptr<Exchange>& ex) {
                      ex->reply_after<app::Product>(
                          s.db.writer(), s.products.restore(ex->caller(), ex->id_param()),
                          [](Exchange& e, app::Product& prod) { reply_product(e, 200, prod); });
                    }});
  routes.push_back({"POST",
                    "/api/v1/products/bulk",
                    app::Permission::kImport,
                    {},
                    BodyKind::kJson,
                    [&s](const std::shared_ptr<Exchange>& ex) {
                      ObjectReader r(ex->json());
                      const bool upsert = r.optional_bool("upsert").value_or(false);
                      const nlohmann::json& items = read_bulk_items(r.optional_value("items"));
                      r.finish();
                      app::BulkErrors errors(items.size());
                      std::vector<app::NewProduct> products;
                      products.reserve(items.size());
                      for (std::size_t i = 0; i < items.size(); ++i) {
                        try {
                          products.push_back(
                              read_new_product(items[i], "items[" + std::to_string(i) + "]"));
                        } catch (const Error& e) {
                          errors.add(i, e);
                        }
                      }
                      errors.throw_if_any();
                      ex->reply_after<std::vector<app::BulkProductResult>>(
                          s.db.writer(), s.products.bulk(ex->caller(), std::move(products), upsert),
                          [](Exchange& e, std::vector<app::BulkProductResult>& results) {
                            nlohmann::json out = nlohmann::json::array();
                            for (std::size_t i = 0; i < results.size(); ++i) {
                              out.push_back({{"index", i},
                                             {"created", results[i].created},
                                             {"product", to_json(results[i].product)}});
                            }
                            e.reply(200, {{"items", std::move(out)}});
                          });
                    }});
}

}  // namespace rapport::http
