#include "core/error.hpp"
#include "http/codecs.hpp"
#include "http/exchange.hpp"
#include "http/json_reader.hpp"
#include "http/routes.hpp"
#include "http/server.hpp"

namespace rapport::http {

namespace {

Role read_role(ObjectReader& r, const std::string& value) {
  auto role = parse_role(value);
  if (!role)
    throw_invalid(r.field_path("role"), "must be one of admin, manager, sales, service, analyst");
  return *role;
}

}  // namespace

void add_user_routes(RouteTable& routes, Services& s) {
  routes.push_back({"GET",
                    "/api/v1/users",
                    app::Permission::kUsersRead,
                    {"q", "role", "disabled", "cursor", "limit"},
                    BodyKind::kNone,
                    [&s](const std::shared_ptr<Exchange>& ex) {
                      app::UserListParams p;
                      p.q = ex->query("q");
                      if (auto role = ex->query("role")) {
                        p.role = parse_role(*role);
                        if (!p.role)
                          throw_invalid("role",
                                        "must be one of admin, manager, sales, service, analyst");
                      }
                      p.disabled = ex->query_bool("disabled");
                      p.cursor = ex->query("cursor");
                      p.limit = ex->query_int("limit", 1, app::kMaxPageSize);
                      ex->reply(200, page_json(s.users.list(ex->caller(), p)));
                    }});
  routes.push_back({"POST",
                    "/api/v1/users",
                    app::Permission::kUsersWrite,
                    {},
                    BodyKind::kJson,
                    [&s](const std::shared_ptr<Exchange>& ex) {
                      ObjectReader r(ex->json());
                      app::NewUser u;
                      u.email = r.required_string("email", 254);
                      u.name = r.required_string("name", 200);
                      u.role = read_role(r, r.required_string("role", 20));
                      u.password = r.required_string("password", 200);
                      r.finish();
                      ex->reply_after<app::User>(
                          s.db.writer(), s.users.create(ex->caller(), std::move(u)),
                          [](Exchange& e, app::User& user) {
                            e.reply(201, to_json(user),
                                    {{"Location", "/api/v1/users/" + std::to_string(user.id)},
                                     {"ETag", etag(user.version)}});
                          });
                    }});
  routes.push_back({"GET",
                    "/api/v1/users/{id}",
                    app::Permission::kUsersRead,
                    {},
                    BodyKind::kNone,
                    [&s](const std::shared_ptr<Exchange>& ex) {
                      app::User u = s.users.get(ex->caller(), ex->id_param());
                      ex->reply(200, to_json(u), {{"ETag", etag(u.version)}});
                    }});
  routes.push_back(
      {"PATCH",
       "/api/v1/users/{id}",
       app::Permission::kUsersWrite,
       {},
       BodyKind::kJson,
       [&s](const std::shared_ptr<Exchange>& ex) {
         std::int64_t id = ex->id_param();
         ObjectReader r(ex->json());
         app::UserPatch p;
         p.name = r.optional_string("name", 200);
         p.email = r.optional_string("email", 254);
         if (auto role = r.optional_string("role", 20)) p.role = read_role(r, *role);
         p.disabled = r.optional_bool("disabled");
         auto version = r.optional_int("version", 1, INT64_MAX);
         r.finish();
         ex->reply_after<app::User>(
             s.db.writer(),
             s.users.update(ex->caller(), id, std::move(p), expected_version(*ex, version)),
             [](Exchange& e, app::User& user) {
               e.reply(200, to_json(user), {{"ETag", etag(user.version)}});
             });
       }});
  routes.push_back({"POST",
                    "/api/v1/users/{id}/password",
                    app::Permission::kUsersWrite,
                    {},
                    BodyKind::kJson,
                    [&s](const std::shared_ptr<Exchange>& ex) {
                      std::int64_t id = ex->id_param();
                      ObjectReader r(ex->json());
                      std::string password = r.required_string("password", 200);
                      r.finish();
                      ex->reply_after<app::User>(
                          s.db.writer(), s.users.set_password(ex->caller(), id, password),
                          [](Exchange& e, app::User& user) { e.reply(200, to_json(user)); });
                    }});
}

}  // namespace rapport::http
