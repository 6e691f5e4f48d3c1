#pragma once
// The demo store behind `rapport demo`: a realistic small business generated deterministically
// from a seed (same seed and same `today` -> the same rows): customers with Chinese and English
// names, contact details that pass the API's normalisation, cities, ages, consents, tags and
// owners; organisations with contacts; hierarchical categories and products; two years of
// orders up to `today` with weekly and seasonal patterns (weekends, 6.18, 11.11, Black Friday,
// December), repeat buyers with heavy-tailed frequency, one-time buyers, anonymous POS baskets,
// baskets with co-purchase affinities (so market-basket rules mean something); interactions on
// several channels; returns within the return window; service tickets in three queues with
// managers (SLA due times from the seeded policies, some breached and escalated); loyalty
// members with cards, points ledgers and tiers.
//
// Writes with direct batched SQL (prepared statements reused, one transaction) for speed: the
// values are built with the same checks the API applies (check_text, normalize_email,
// normalize_phone), and the timeline gets the entries the use cases would write
// (customer_created, order_placed, return_made, interactions). One audit entry records the
// generation as a whole rather than one per row.
//
// REQUIRES: a freshly migrated, otherwise empty database (ids are assigned from 1) and the staff
// users already created. Errors: rapport::Error from the store. Not thread-safe (one connection).
#include <cstdint>
#include <string>
#include <vector>

#include "app/caller.hpp"
#include "core/role.hpp"
#include "core/time.hpp"
#include "store/connection.hpp"

namespace rapport::app {

struct DemoStaff {
  std::int64_t id = 0;
  Role role = Role::kSales;
};

struct DemoStoreOptions {
  std::uint64_t seed = 42;
  int customers = 20000;  // people and organisations
  int products = 500;
  int days = 730;  // history length, ending at `now`
  TimeMs now = 0;  // 0: the current time
  std::vector<DemoStaff> staff;
};

struct DemoStoreSummary {
  std::int64_t customers = 0;
  std::int64_t organisations = 0;
  std::int64_t categories = 0;
  std::int64_t products = 0;
  std::int64_t orders = 0;
  std::int64_t anonymous_orders = 0;
  std::int64_t order_lines = 0;
  std::int64_t returns = 0;
  std::int64_t tickets = 0;
  std::int64_t loyalty_members = 0;
  std::int64_t timeline_entries = 0;
};

DemoStoreSummary generate_demo_store(store::Connection& conn, const Caller& caller,
                                     const DemoStoreOptions& options);

}  // namespace rapport::app
