#pragma once
// Notifications to staff: notices the server writes for one user (an SLA breach escalated to the
// manager of a ticket's queue, by app/sla_scheduler). A user reads only their own.
// Errors: invalid_argument for a cursor or limit this list did not produce.
// Thread-safety: may be called from any thread.
#include <cstdint>
#include <optional>
#include <string>

#include "app/caller.hpp"
#include "app/page.hpp"
#include "core/time.hpp"
#include "store/database.hpp"

namespace rapport::app {

struct Notification {
  std::int64_t id = 0;
  std::string kind;  // sla_breach
  std::string subject;
  std::optional<std::string> ref_type;  // what it is about: 'ticket'
  std::optional<std::int64_t> ref_id;
  TimeMs created_at = 0;
  std::optional<TimeMs> read_at;
};

// The caller's notifications, newest first (none for the CLI operator, who is no user).
// Requires Permission::kSignedIn.
Page<Notification> list_notifications(store::Database& db, const Caller& caller,
                                      std::optional<std::string> cursor, std::optional<int> limit);

}  // namespace rapport::app
