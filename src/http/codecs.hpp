#pragma once
// JSON codecs: the only place that turns app/ types into JSON and back (so switching JSON
// library stays one folder's change).
#include <optional>

#include <nlohmann/json.hpp>

#include "app/analytics_service.hpp"
#include "app/audit_log.hpp"
#include "app/auth_service.hpp"
#include "app/dashboard.hpp"
#include "app/page.hpp"
#include "app/user_service.hpp"

namespace rapport::http {

nlohmann::json to_json(const app::User& u);
nlohmann::json to_json(const app::AuditEntry& e);
nlohmann::json to_json(const app::ApiToken& t);
nlohmann::json to_json(const app::IssuedToken& t);
// Customer intelligence (codecs_analytics.cpp).
nlohmann::json to_json(const app::AnalyticsRun& r);
nlohmann::json to_json(const app::CustomerScores& s);
nlohmann::json to_json(const app::BasketRule& r);
nlohmann::json to_json(const app::Recommendation& r);
nlohmann::json to_json(const app::DashboardFigures& f);
nlohmann::json to_json(const app::ClvLeader& l);

// {"items": [...], "next_cursor": "..." | null}
template <typename T>
nlohmann::json page_json(const app::Page<T>& page) {
  nlohmann::json items = nlohmann::json::array();
  for (const auto& item : page.items) items.push_back(to_json(item));
  nlohmann::json out = {{"items", std::move(items)}};
  out["next_cursor"] =
      page.next_cursor ? nlohmann::json(*page.next_cursor) : nlohmann::json(nullptr);
  return out;
}

// An optional value as itself or null.
template <typename T>
nlohmann::json opt(const std::optional<T>& v) {
  return app::json_or_null(v);
}

// An optional time as RFC 3339 or null.
nlohmann::json time_json(std::optional<TimeMs> t);

}  // namespace rapport::http
