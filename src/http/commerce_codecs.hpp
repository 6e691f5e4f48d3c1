#pragma once
// JSON codecs of the catalogue, orders, returns and settings: app/ types to JSON, and JSON
// request bodies to app/ inputs (strict: unknown fields refused, every error names its field as
// a JSON path, "items[3].lines[0].quantity").
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "app/category_service.hpp"
#include "app/order_service.hpp"
#include "app/page.hpp"
#include "app/product_service.hpp"
#include "app/return_service.hpp"
#include "app/settings.hpp"

namespace rapport::http {

nlohmann::json to_json(const app::Category& c);
nlohmann::json to_json(const app::Product& p);
// `with_lines`: the detail view; lists leave the lines out.
nlohmann::json to_json(const app::Order& o, bool with_lines = true);
nlohmann::json to_json(const app::Return& r);
nlohmann::json to_json(const app::SettingValue& s);

// {"items": [...], "next_cursor": "..." | null}
template <typename T, typename F>
nlohmann::json list_json(const app::Page<T>& page, F&& item) {
  nlohmann::json items = nlohmann::json::array();
  for (const auto& i : page.items) items.push_back(item(i));
  nlohmann::json out = {{"items", std::move(items)}};
  out["next_cursor"] =
      page.next_cursor ? nlohmann::json(*page.next_cursor) : nlohmann::json(nullptr);
  return out;
}

// Request bodies. `path` is the JSON path of the object ("" for the body, "items[3]").
app::NewProduct read_new_product(const nlohmann::json& body, const std::string& path = {});
app::NewOrder read_new_order(const nlohmann::json& body, const std::string& path = {});
app::NewReturn read_new_return(const nlohmann::json& body);

// The "items" array of a bulk body, 1 to app::kMaxBulkItems long; throws invalid_argument on
// field "items".
const nlohmann::json& read_bulk_items(const nlohmann::json* items);

}  // namespace rapport::http
