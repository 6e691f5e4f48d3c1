#include "app/notifications.hpp"

#include "app/permissions.hpp"

namespace rapport::app {

Page<Notification> list_notifications(store::Database& db, const Caller& caller,
                                      std::optional<std::string> cursor, std::optional<int> limit) {
  require(caller, Permission::kSignedIn);
  const int n = clamp_limit(limit);
  const std::int64_t before = cursor ? decode_id_cursor(*cursor) : INT64_MAX;
  Page<Notification> page;
  if (!caller.user_id) return page;
  store::Query q(db.reader(),
                 "SELECT id, kind, subject, ref_type, ref_id, created_at, read_at FROM "
                 "notifications WHERE user_id = ? AND id < ? ORDER BY id DESC LIMIT ?",
                 *caller.user_id, before, n + 1);
  while (q.step()) {
    if (static_cast<int>(page.items.size()) == n) {
      page.next_cursor = encode_id_cursor(page.items.back().id);
      break;
    }
    Notification x;
    x.id = q->get_int(0);
    x.kind = std::string(q->get_text(1));
    x.subject = std::string(q->get_text(2));
    x.ref_type = q->get_optional_text(3);
    x.ref_id = q->get_optional_int(4);
    x.created_at = q->get_int(5);
    x.read_at = q->get_optional_int(6);
    page.items.push_back(std::move(x));
  }
  return page;
}

}  // namespace rapport::app
