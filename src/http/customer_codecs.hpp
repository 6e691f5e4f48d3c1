#pragma once
// JSON codecs of customers, their timeline, the 360 view and bulk results (the only place that
// turns these app/ types into JSON). Times are RFC 3339; the age group is derived from the birth
// date on the day of the response.
#include <nlohmann/json.hpp>

#include "app/customer_service.hpp"
#include "app/page.hpp"
#include "app/timeline.hpp"

namespace rapport::http {

nlohmann::json customer_json(const app::Customer& c);
// A list item: the customer and its latest scores ("scores": null when never scored).
nlohmann::json customer_list_item_json(const app::Customer& c);
nlohmann::json timeline_json(const app::TimelineEntry& e);
nlohmann::json customer360_json(const app::Customer360& v);
nlohmann::json bulk_result_json(const app::BulkResult& r);

// {"items": [...], "next_cursor": "..." | null}
template <typename T, typename F>
nlohmann::json page_of(const app::Page<T>& page, F&& one) {
  nlohmann::json items = nlohmann::json::array();
  for (const auto& item : page.items) items.push_back(one(item));
  nlohmann::json out = {{"items", std::move(items)}};
  out["next_cursor"] =
      page.next_cursor ? nlohmann::json(*page.next_cursor) : nlohmann::json(nullptr);
  return out;
}

}  // namespace rapport::http
