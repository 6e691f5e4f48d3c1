#include "app/settings.hpp"
#include "core/error.hpp"
#include "http/commerce_codecs.hpp"
#include "http/exchange.hpp"
#include "http/json_reader.hpp"
#include "http/routes.hpp"
#include "http/server.hpp"

namespace rapport::http {

void add_settings_routes(RouteTable& routes, Services& s) {
  routes.push_back({"GET",
                    "/api/v1/settings",
                    app::Permission::kSettingsRead,
                    {},
                    BodyKind::kNone,
                    [&s](const std::shared_ptr<Exchange>& ex) {
                      nlohmann::json items = nlohmann::json::array();
                      for (const auto& v : app::list_settings(s.db.reader(), ex->caller())) {
                        items.push_back(to_json(v));
                      }
                      ex->reply(200, {{"items", std::move(items)}});
                    }});
  routes.push_back({"PUT",
                    "/api/v1/settings/{key}",
                    app::Permission::kSettingsWrite,
                    {},
                    BodyKind::kJson,
                    [&s](const std::shared_ptr<Exchange>& ex) {
                      std::string key = ex->path_param("key");
                      ObjectReader r(ex->json());
                      const nlohmann::json* v = r.optional_value("value");
                      r.finish();
                      std::string value;
                      if (v == nullptr) {
                        throw_invalid("value", "is required");
                      } else if (v->is_string()) {
                        value = v->get<std::string>();
                      } else if (v->is_number_integer()) {
                        value = v->dump();
                      } else {
                        throw_invalid("value", "must be a string or an integer");
                      }
                      ex->reply_after<app::SettingValue>(
                          s.db.writer(),
                          app::update_setting(ex->caller(), std::move(key), std::move(value)),
                          [](Exchange& e, app::SettingValue& sv) { e.reply(200, to_json(sv)); });
                    }});
}

}  // namespace rapport::http
