#include "core/time.hpp"
#include "http/browser_session.hpp"
#include "http/codecs.hpp"
#include "http/exchange.hpp"
#include "http/json_reader.hpp"
#include "http/routes.hpp"
#include "http/server.hpp"

namespace rapport::http {

namespace {

bool request_over_tls(const Exchange& ex) {
  auto xfp = ex.header("X-Forwarded-Proto");
  auto fwd = ex.header("Forwarded");
  return forwarded_over_tls(xfp ? std::optional<std::string_view>(*xfp) : std::nullopt,
                            fwd ? std::optional<std::string_view>(*fwd) : std::nullopt);
}

}  // namespace

void add_auth_routes(RouteTable& routes, Services& s) {
  routes.push_back(
      {"POST",
       "/api/v1/sessions",
       std::nullopt,
       {},
       BodyKind::kJson,
       [&s](const std::shared_ptr<Exchange>& ex) {
         ObjectReader r(ex->json());
         std::string email = r.required_string("email", 254);
         std::string password = r.required_string("password", 200);
         // The browser asks for its session in an HttpOnly cookie: the token is then
         // not in the body, only the CSRF token is (see http/browser_session.hpp).
         bool cookie = r.optional_bool("cookie").value_or(false);
         r.finish();
         bool secure = request_over_tls(*ex);
         ex->reply_after<app::SignInOutcome>(
             s.db.writer(), s.auth.sign_in(email, password, ex->request_id()),
             [cookie, secure](Exchange& e, app::SignInOutcome& out) {
               if (!out.session) {
                 throw Error(ErrorCode::kUnauthenticated, "wrong email or password", "password");
               }
               if (!cookie) {
                 e.reply(201, to_json(*out.session));
                 return;
               }
               const app::IssuedToken& t = *out.session;
               e.reply(201,
                       {{"id", t.id},
                        {"expires_at", format_time(t.expires_at)},
                        {"user", to_json(t.user)},
                        {"csrf_token", csrf_token_for(t.token)}},
                       session_cookie_headers(t.token, t.expires_at, now_ms(), secure));
             });
       }});
  routes.push_back({"DELETE",
                    "/api/v1/sessions/current",
                    app::Permission::kSignedIn,
                    {},
                    BodyKind::kNone,
                    [&s](const std::shared_ptr<Exchange>& ex) {
                      // Signed in by cookie: the cookies go too.
                      bool by_cookie = !ex->header("Authorization");
                      bool secure = request_over_tls(*ex);
                      ex->reply_after<bool>(
                          s.db.writer(), s.auth.sign_out(ex->caller()),
                          [by_cookie, secure](Exchange& e, bool&) {
                            if (by_cookie) {
                              e.reply_no_content(cleared_session_cookie_headers(secure));
                            } else {
                              e.reply_no_content();
                            }
                          });
                    }});
  routes.push_back({"GET",
                    "/api/v1/me",
                    app::Permission::kSignedIn,
                    {},
                    BodyKind::kNone,
                    [&s](const std::shared_ptr<Exchange>& ex) {
                      ex->reply(200, to_json(s.users.get(ex->caller(), *ex->caller().user_id)));
                    }});
  routes.push_back({"GET",
                    "/api/v1/tokens",
                    app::Permission::kTokensManage,
                    {"cursor", "limit"},
                    BodyKind::kNone,
                    [&s](const std::shared_ptr<Exchange>& ex) {
                      ex->reply(200, page_json(s.auth.list_tokens(
                                         ex->caller(), ex->query("cursor"),
                                         ex->query_int("limit", 1, app::kMaxPageSize))));
                    }});
  routes.push_back(
      {"POST",
       "/api/v1/tokens",
       app::Permission::kTokensManage,
       {},
       BodyKind::kJson,
       [&s](const std::shared_ptr<Exchange>& ex) {
         ObjectReader r(ex->json());
         std::string name = r.required_string("name", 100);
         auto user_id = r.optional_int("user_id", 1, INT64_MAX);
         auto days = r.optional_int("expires_in_days", 1, 730).value_or(365);
         r.finish();
         ex->reply_after<app::IssuedToken>(
             s.db.writer(),
             s.auth.create_api_token(ex->caller(), user_id, name, static_cast<int>(days)),
             [](Exchange& e, app::IssuedToken& t) { e.reply(201, to_json(t)); });
       }});
  routes.push_back({"DELETE",
                    "/api/v1/tokens/{id}",
                    app::Permission::kTokensManage,
                    {},
                    BodyKind::kNone,
                    [&s](const std::shared_ptr<Exchange>& ex) {
                      ex->reply_after<app::ApiToken>(
                          s.db.writer(), s.auth.revoke_token(ex->caller(), ex->id_param()),
                          [](Exchange& e, app::ApiToken& t) { e.reply(200, to_json(t)); });
                    }});
}

}  // namespace rapport::http
