#pragma once
// The audit log: every write to a record records who, when, what, before and after. Rows are
// only ever appended (triggers in the schema refuse UPDATE and DELETE, and this module has no
// path that edits them).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "app/caller.hpp"
#include "app/page.hpp"
#include "core/time.hpp"
#include "store/connection.hpp"
#include "store/database.hpp"

namespace rapport::app {

struct AuditEntry {
  std::int64_t id = 0;
  TimeMs at = 0;
  std::optional<std::int64_t> user_id;
  std::string request_id;
  std::string action;  // create, update, delete, restore, sign_in, ...
  std::string entity;  // user, token, customer, ...
  std::string entity_id;
  std::optional<std::string> before;  // JSON text
  std::optional<std::string> after;   // JSON text
};

// An optional value as itself or JSON null (for audit snapshots and their wire forms).
template <typename T>
nlohmann::json json_or_null(const std::optional<T>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

// Appends one entry inside the caller's (write) transaction. `before`/`after` may be null JSON.
void record_audit(store::Connection& conn, const Caller& caller, std::string_view action,
                  std::string_view entity, std::string_view entity_id, const nlohmann::json& before,
                  const nlohmann::json& after);

struct AuditFilter {
  std::optional<std::string> entity;
  std::optional<std::string> entity_id;
  std::optional<std::int64_t> user_id;
  std::optional<TimeMs> from;  // inclusive
  std::optional<TimeMs> to;    // exclusive
  std::optional<std::string> cursor;
  std::optional<int> limit;
};

// Newest first. Requires Permission::kAuditRead.
Page<AuditEntry> list_audit(store::Database& db, const Caller& caller, const AuditFilter& filter);

}  // namespace rapport::app
