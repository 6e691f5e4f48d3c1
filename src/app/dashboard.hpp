#pragma once
// The figures of the web UI's dashboard in one read: live customers, loyalty members (all, and
// those who placed an order in the last 30 days), net revenue of the last 30
// days against the 30 before, net revenue by calendar month (UTC) for the last 12 months, and
// open and breached tickets. Revenue is in the business currency (setting `currency`): orders
// placed in the window (cancellations count negative) less the refunds of returns made in it;
// other currencies are left out, as in the customer figures.
// Errors: forbidden without Permission::kAnalyticsRead. Thread-safety: any thread (reads on the
// calling thread's connection).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "app/caller.hpp"
#include "core/time.hpp"
#include "store/database.hpp"

namespace rapport::app {

struct MonthRevenue {
  std::string month;  // "2026-11"
  std::int64_t revenue_minor = 0;
  std::int64_t orders = 0;
};

struct DashboardFigures {
  TimeMs as_of = 0;
  std::string currency;
  std::int64_t customers = 0;
  std::int64_t members = 0;                 // loyalty members among the live customers
  std::int64_t members_active_30_days = 0;  // of those, with a sale placed in the last 30 days
  std::int64_t revenue_last_30_days_minor = 0;
  std::int64_t revenue_previous_30_days_minor = 0;
  std::int64_t orders_last_30_days = 0;
  std::int64_t orders_previous_30_days = 0;
  std::vector<MonthRevenue> revenue_by_month;  // oldest first, 12 months, the current one last
  // nullopt for a role that may not read tickets (analyst).
  std::optional<std::int64_t> open_tickets;
  std::optional<std::int64_t> breached_tickets;
};

// The figures as of `now`.
DashboardFigures dashboard_figures(store::Database& db, const Caller& caller, TimeMs now);

}  // namespace rapport::app
