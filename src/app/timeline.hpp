#pragma once
// The customer timeline: every contact on every channel and every system event about a
// customer (created, merged, order placed, return made, ...) in one table, `interactions`.
// Every module that does something to or for a customer appends here, inside its own write
// transaction, so the entry exists exactly when the change does.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "app/caller.hpp"
#include "core/time.hpp"
#include "store/connection.hpp"

namespace rapport::app {

// Channels a contact can come in on; 'system' is for events the server records itself.
// The schema's CHECK constraint holds the same list.
bool is_timeline_channel(std::string_view channel) noexcept;

struct TimelineEntry {
  std::int64_t id = 0;
  std::int64_t customer_id = 0;
  TimeMs at = 0;
  std::string kind;     // 'interaction' or a system event kind: 'order_placed', ...
  std::string channel;  // store, phone, email, sms, web, chat, social, visit, system
  std::optional<std::string> direction;  // inbound | outbound, for contacts
  std::optional<std::string> subject;
  std::optional<std::string> body;
  std::optional<std::int64_t> user_id;
  std::optional<std::string> ref_type;  // what it concerns: 'order', 'return', 'customer', ...
  std::optional<std::int64_t> ref_id;
  TimeMs created_at = 0;
};

// Appends an entry inside the caller's write transaction and returns its id. `entry.id` and
// `entry.created_at` are ignored (set here); `entry.at` defaults to now when 0, and `user_id`
// to the caller's. REQUIRES: a valid channel and an existing customer (the foreign key checks).
std::int64_t append_timeline(store::Connection& conn, const Caller& caller, TimelineEntry entry);

}  // namespace rapport::app
