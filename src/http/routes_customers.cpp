// Routes of customers, their timeline and contacts, the 360 view, merge and bulk upsert.
#include "core/error.hpp"
#include "core/validation.hpp"
#include "http/customer_codecs.hpp"
#include "http/exchange.hpp"
#include "http/json_reader.hpp"
#include "http/routes.hpp"
#include "http/server.hpp"

namespace rapport::http {

namespace {

using app::Nullable;

Nullable<std::string> nullable_string(ObjectReader& r, const char* key, std::size_t max) {
  if (r.is_null(key)) return std::optional<std::string>();
  if (auto v = r.optional_string(key, max)) return std::optional<std::string>(std::move(*v));
  return std::nullopt;
}

Nullable<std::int64_t> nullable_id(ObjectReader& r, const char* key) {
  if (r.is_null(key)) return std::optional<std::int64_t>();
  if (auto v = r.optional_int(key, 1, INT64_MAX)) return std::optional<std::int64_t>(*v);
  return std::nullopt;
}

TimeMs read_time(const std::string& field, const std::string& text) {
  auto t = parse_time(text);
  if (!t) throw_invalid(field, "must be a time such as 2026-11-23T10:00:00Z");
  return *t;
}

std::optional<app::ConsentInput> read_consent(ObjectReader& r, const char* key) {
  if (r.is_null(key)) throw_invalid(r.field_path(key), "must be an object, not null");
  const auto* v = r.optional_value(key);
  if (v == nullptr) return std::nullopt;
  ObjectReader c(*v, r.field_path(key));
  app::ConsentInput out;
  auto granted = c.optional_bool("granted");
  if (!granted) throw_invalid(c.field_path("granted"), "is required");
  out.granted = *granted;
  if (auto at = c.optional_string("at", 40)) out.at = read_time(c.field_path("at"), *at);
  out.source = c.optional_string("source", customer::kMaxConsentSource);
  c.finish();
  return out;
}

std::vector<std::string> read_string_array(const nlohmann::json& v, const std::string& path,
                                           std::size_t max_items, std::size_t max_chars) {
  if (!v.is_array()) throw_invalid(path, "must be an array of strings");
  if (v.size() > max_items) {
    throw_invalid(path, "at most " + std::to_string(max_items) + " items");
  }
  std::vector<std::string> out;
  for (std::size_t i = 0; i < v.size(); ++i) {
    const std::string f = path + "[" + std::to_string(i) + "]";
    if (!v[i].is_string()) throw_invalid(f, "must be a string");
    check_text(f, v[i].get_ref<const std::string&>(), max_chars, false);
    out.push_back(v[i].get<std::string>());
  }
  return out;
}

// The fields of a customer in a create, update or bulk item (strict: unknown fields refused by
// the caller's finish()).
app::CustomerInput read_customer(ObjectReader& r) {
  app::CustomerInput in;
  in.kind = r.optional_string("kind", 20);
  if (r.is_null("name")) throw_invalid(r.field_path("name"), "cannot be cleared");
  in.name = r.optional_string("name", customer::kMaxName);
  in.email = nullable_string(r, "email", customer::kMaxEmail);
  in.phone = nullable_string(r, "phone", customer::kMaxPhone);
  in.birth_date = nullable_string(r, "birth_date", 10);
  in.gender = nullable_string(r, "gender", 20);
  in.street = nullable_string(r, "street", customer::kMaxStreet);
  in.city = nullable_string(r, "city", customer::kMaxCity);
  in.region = nullable_string(r, "region", customer::kMaxRegion);
  in.postal_code = nullable_string(r, "postal_code", customer::kMaxPostalCode);
  in.country = nullable_string(r, "country", 2);
  in.organisation_id = nullable_id(r, "organisation_id");
  in.owner_id = nullable_id(r, "owner_id");
  in.email_consent = read_consent(r, "email_consent");
  in.sms_consent = read_consent(r, "sms_consent");
  if (r.is_null("custom")) {
    in.custom = std::map<std::string, std::string>();
  } else if (const auto* v = r.optional_value("custom")) {
    const std::string path = r.field_path("custom");
    if (!v->is_object()) throw_invalid(path, "must be an object of strings");
    if (v->size() > customer::kMaxCustomFields) {
      throw_invalid(path, "at most " + std::to_string(customer::kMaxCustomFields) + " fields");
    }
    std::map<std::string, std::string> custom;
    for (const auto& [k, val] : v->items()) {
      const std::string f = path + "." + k.substr(0, 80);
      if (!val.is_string()) throw_invalid(f, "must be a string");
      custom[k] = val.get<std::string>();
    }
    in.custom = std::move(custom);
  }
  if (r.is_null("tags")) {
    in.tags = std::vector<std::string>();
  } else if (const auto* v = r.optional_value("tags")) {
    in.tags =
        read_string_array(*v, r.field_path("tags"), customer::kMaxTags * 2, customer::kMaxTag * 2);
  }
  if (r.is_null("external_ids")) {
    in.external_ids = std::vector<customer::ExternalId>();
  } else if (const auto* v = r.optional_value("external_ids")) {
    const std::string path = r.field_path("external_ids");
    if (!v->is_array()) throw_invalid(path, "must be an array of {source, id} objects");
    if (v->size() > customer::kMaxExternalIds) {
      throw_invalid(path, "at most " + std::to_string(customer::kMaxExternalIds) + " ids");
    }
    std::vector<customer::ExternalId> ids;
    for (std::size_t i = 0; i < v->size(); ++i) {
      ObjectReader e((*v)[i], path + "[" + std::to_string(i) + "]");
      customer::ExternalId x;
      x.source = e.required_string("source", customer::kMaxExternalSource);
      x.id = e.required_string("id", customer::kMaxExternalId);
      e.finish();
      ids.push_back(std::move(x));
    }
    in.external_ids = std::move(ids);
  }
  return in;
}

void reply_customer(Exchange& e, int status, const app::Customer& c) {
  std::vector<std::pair<std::string, std::string>> headers = {{"ETag", etag(c.version)}};
  if (status == 201) headers.emplace_back("Location", "/api/v1/customers/" + std::to_string(c.id));
  e.reply(status, customer_json(c), std::move(headers));
}

}  // namespace

void add_customer_routes(RouteTable& routes, Services& s) {
  routes.push_back(
      {"GET",
       "/api/v1/customers",
       app::Permission::kCustomersRead,
       {"q", "tag", "city", "country", "owner", "age_group", "created_from", "created_to",
        "has_email_consent", "has_sms_consent", "kind", "value_tier", "rfm_segment",
        "customer_type", "abc_class", "deleted", "sort", "cursor", "limit"},
       BodyKind::kNone,
       [&s](const std::shared_ptr<Exchange>& ex) {
         app::CustomerListParams p;
         p.q = ex->query("q");
         p.tag = ex->query("tag");
         p.city = ex->query("city");
         p.country = ex->query("country");
         for (auto* v : {&p.q, &p.tag, &p.city, &p.country}) {
           if (*v) check_text("query", **v, 200, false);
         }
         p.owner_id = ex->query_id("owner");
         p.age_group = ex->query("age_group");
         p.created_from = query_time(*ex, "created_from");
         p.created_to = query_time(*ex, "created_to");
         p.has_email_consent = ex->query_bool("has_email_consent");
         p.has_sms_consent = ex->query_bool("has_sms_consent");
         p.kind = ex->query("kind");
         p.value_tier = ex->query("value_tier");
         p.rfm_segment = ex->query("rfm_segment");
         p.customer_type = ex->query("customer_type");
         p.abc_class = ex->query("abc_class");
         if (auto d = ex->query("deleted")) {
           if (*d == "false") {
             p.deleted = app::DeletedFilter::kLiveOnly;
           } else if (*d == "true") {
             p.deleted = app::DeletedFilter::kDeletedOnly;
           } else if (*d == "any") {
             p.deleted = app::DeletedFilter::kAny;
           } else {
             throw_invalid("deleted", "must be false, true or any");
           }
         }
         if (auto sort = ex->query("sort")) {
           auto [key, desc] = app::parse_customer_sort(*sort);
           p.sort = key;
           p.descending = desc;
         }
         p.cursor = ex->query("cursor");
         p.limit = ex->query_int("limit", 1, app::kMaxPageSize);
         ex->reply(200, page_of(s.customers.list(ex->caller(), p), customer_list_item_json));
       }});
  routes.push_back({"POST",
                    "/api/v1/customers",
                    app::Permission::kCustomersWrite,
                    {},
                    BodyKind::kJson,
                    [&s](const std::shared_ptr<Exchange>& ex) {
                      ObjectReader r(ex->json());
                      app::CustomerInput in = read_customer(r);
                      r.finish();
                      ex->reply_after<app::Customer>(
                          s.db.writer(), s.customers.create(ex->caller(), std::move(in)),
                          [](Exchange& e, app::Customer& c) { reply_customer(e, 201, c); });
                    }});
  routes.push_back(
      {"POST",
       "/api/v1/customers/bulk",
       app::Permission::kImport,
       {},
       BodyKind::kJson,
       [&s](const std::shared_ptr<Exchange>& ex) {
         ObjectReader r(ex->json());
         app::BulkMode mode = app::BulkMode::kCreate;
         if (auto m = r.optional_string("mode", 10)) {
           if (*m == "upsert") {
             mode = app::BulkMode::kUpsert;
           } else if (*m != "create") {
             throw_invalid("mode", "must be create or upsert");
           }
         }
         const auto* list = r.optional_value("customers");
         r.finish();
         if (list == nullptr || !list->is_array()) {
           throw_invalid("customers", "must be an array of customers");
         }
         if (list->empty() || list->size() > app::kMaxBulkCustomers) {
           throw_invalid("customers", "must hold 1 to 1000 customers");
         }
         // Unreadable items are reported together with the invalid ones (app validates the rest).
         std::vector<app::CustomerInput> items(list->size());
         std::vector<ErrorItem> unreadable;
         for (std::size_t i = 0; i < list->size(); ++i) {
           try {
             ObjectReader item((*list)[i], "customers[" + std::to_string(i) + "]");
             items[i] = read_customer(item);
             item.finish();
           } catch (const Error& e) {
             unreadable.push_back(
                 {i, e.field(), std::string(error_code_name(e.code())), e.what(), 0});
           }
         }
         ex->reply_after<app::BulkResult>(
             s.db.writer(),
             s.customers.bulk(ex->caller(), mode, std::move(items), std::move(unreadable)),
             [](Exchange& e, app::BulkResult& res) { e.reply(200, bulk_result_json(res)); });
       }});
  routes.push_back({"GET",
                    "/api/v1/customers/{id}",
                    app::Permission::kCustomersRead,
                    {},
                    BodyKind::kNone,
                    [&s](const std::shared_ptr<Exchange>& ex) {
                      reply_customer(*ex, 200, s.customers.get(ex->caller(), ex->id_param()));
                    }});
  routes.push_back(
      {"PATCH",
       "/api/v1/customers/{id}",
       app::Permission::kCustomersWrite,
       {},
       BodyKind::kJson,
       [&s](const std::shared_ptr<Exchange>& ex) {
         std::int64_t id = ex->id_param();
         ObjectReader r(ex->json());
         app::CustomerInput in = read_customer(r);
         auto version = r.optional_int("version", 1, INT64_MAX);
         r.finish();
         ex->reply_after<app::Customer>(
             s.db.writer(),
             s.customers.update(ex->caller(), id, std::move(in), expected_version(*ex, version)),
             [](Exchange& e, app::Customer& c) { reply_customer(e, 200, c); });
       }});
  routes.push_back({"DELETE",
                    "/api/v1/customers/{id}",
                    app::Permission::kCustomersDelete,
                    {},
                    BodyKind::kNone,
                    [&s](const std::shared_ptr<Exchange>& ex) {
                      std::int64_t id = ex->id_param();
                      ex->reply_after<app::Customer>(
                          s.db.writer(),
                          s.customers.remove(ex->caller(), id, expected_version(*ex, std::nullopt)),
                          [](Exchange& e, app::Customer& c) { reply_customer(e, 200, c); });
                    }});
  routes.push_back({"POST",
                    "/api/v1/customers/{id}/restore",
                    app::Permission::kCustomersDelete,
                    {},
                    BodyKind::kNone,
                    [&s](const std::shared_ptr<Exchange>& ex) {
                      ex->reply_after<app::Customer>(
                          s.db.writer(), s.customers.restore(ex->caller(), ex->id_param()),
                          [](Exchange& e, app::Customer& c) { reply_customer(e, 200, c); });
                    }});
  routes.push_back({"POST",
                    "/api/v1/customers/{id}/merge",
                    app::Permission::kCustomersDelete,
                    {},
                    BodyKind::kJson,
                    [&s](const std::shared_ptr<Exchange>& ex) {
                      std::int64_t id = ex->id_param();
                      ObjectReader r(ex->json());
                      std::int64_t other = r.required_int("other_id", 1, INT64_MAX);
                      r.finish();
                      ex->reply_after<app::Customer>(
                          s.db.writer(), s.customers.merge(ex->caller(), id, other),
                          [](Exchange& e, app::Customer& c) { reply_customer(e, 200, c); });
                    }});
  routes.push_back({"GET",
                    "/api/v1/customers/{id}/360",
                    app::Permission::kCustomersRead,
                    {},
                    BodyKind::kNone,
                    [&s](const std::shared_ptr<Exchange>& ex) {
                      ex->reply(
                          200, customer360_json(s.customers.view360(ex->caller(), ex->id_param())));
                    }});
  routes.push_back({"GET",
                    "/api/v1/customers/{id}/timeline",
                    app::Permission::kCustomersRead,
                    {"channel", "kind", "cursor", "limit"},
                    BodyKind::kNone,
                    [&s](const std::shared_ptr<Exchange>& ex) {
                      std::int64_t id = ex->id_param();
                      app::TimelineParams p;
                      p.channel = ex->query("channel");
                      p.kind = ex->query("kind");
                      p.cursor = ex->query("cursor");
                      p.limit = ex->query_int("limit", 1, app::kMaxPageSize);
                      ex->reply(200,
                                page_of(s.customers.timeline(ex->caller(), id, p), timeline_json));
                    }});
  routes.push_back(
      {"POST",
       "/api/v1/customers/{id}/interactions",
       app::Permission::kCustomersWrite,
       {},
       BodyKind::kJson,
       [&s](const std::shared_ptr<Exchange>& ex) {
         std::int64_t id = ex->id_param();
         ObjectReader r(ex->json());
         app::InteractionInput in;
         if (auto k = r.optional_string("kind", 20)) in.kind = *k;
         in.channel = r.required_string("channel", 20);
         in.direction = r.optional_string("direction", 20);
         in.subject = r.optional_string("subject", 200);
         in.body = r.optional_string("body", 10000);
         if (auto at = r.optional_string("at", 40)) in.at = read_time("at", *at);
         in.ref_type = r.optional_string("ref_type", 20);
         in.ref_id = r.optional_int("ref_id", 1, INT64_MAX);
         r.finish();
         ex->reply_after<app::TimelineEntry>(
             s.db.writer(), s.customers.log_interaction(ex->caller(), id, std::move(in)),
             [](Exchange& e, app::TimelineEntry& entry) { e.reply(201, timeline_json(entry)); });
       }});
  routes.push_back(
      {"GET",
       "/api/v1/customers/{id}/contacts",
       app::Permission::kCustomersRead,
       {"cursor", "limit"},
       BodyKind::kNone,
       [&s](const std::shared_ptr<Exchange>& ex) {
         std::int64_t id = ex->id_param();
         ex->reply(200, page_of(s.customers.contacts(ex->caller(), id, ex->query("cursor"),
                                                     ex->query_int("limit", 1, app::kMaxPageSize)),
                                customer_json));
       }});
}

}  // namespace rapport::http
