#include "app/timeline.hpp"

#include <array>

namespace rapport::app {

bool is_timeline_channel(std::string_view channel) noexcept {
  static constexpr std::array<std::string_view, 9> kChannels = {
      "store", "phone", "email", "sms", "web", "chat", "social", "visit", "system"};
  for (auto c : kChannels) {
    if (c == channel) return true;
  }
  return false;
}

std::int64_t append_timeline(store::Connection& conn, const Caller& caller, TimelineEntry e) {
  const TimeMs now = now_ms();
  if (e.at == 0) e.at = now;
  if (!e.user_id) e.user_id = caller.user_id;
  execute(conn,
          "INSERT INTO interactions (customer_id, at, kind, channel, direction, subject, body, "
          "user_id, ref_type, ref_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
          e.customer_id, e.at, e.kind, e.channel, e.direction, e.subject, e.body, e.user_id,
          e.ref_type, e.ref_id, now);
  return conn.last_insert_id();
}

}  // namespace rapport::app
