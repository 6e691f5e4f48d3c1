#include "app/audit_log.hpp"

#include <vector>

#include "app/permissions.hpp"

namespace rapport::app {

void record_audit(store::Connection& conn, const Caller& caller, std::string_view action,
                  std::string_view entity, std::string_view entity_id, const nlohmann::json& before,
                  const nlohmann::json& after) {
  std::optional<std::string> b;
  std::optional<std::string> a;
  if (!before.is_null()) b = before.dump();
  if (!after.is_null()) a = after.dump();
  store::execute(conn,
                 "INSERT INTO audit_log (at, user_id, request_id, action, entity, entity_id, "
                 "before, after) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                 now_ms(), caller.user_id, caller.request_id, action, entity, entity_id, b, a);
}

Page<AuditEntry> list_audit(store::Database& db, const Caller& caller, const AuditFilter& f) {
  require(caller, Permission::kAuditRead);
  int limit = clamp_limit(f.limit);
  std::optional<std::int64_t> before_id;
  if (f.cursor) before_id = decode_id_cursor(*f.cursor);
  // One statement with optional filters: `? IS NULL OR col = ?` keeps it a single cached
  // statement; the indexes on (entity, entity_id, id), (user_id, id) and (at, id) serve it.
  store::Query q(db.reader(),
                 "SELECT id, at, user_id, request_id, action, entity, entity_id, before, after "
                 "FROM audit_log WHERE (?1 IS NULL OR entity = ?1) AND (?2 IS NULL OR entity_id = "
                 "?2) AND (?3 IS NULL OR user_id = ?3) AND (?4 IS NULL OR at >= ?4) AND (?5 IS "
                 "NULL OR at < ?5) AND (?6 IS NULL OR id < ?6) ORDER BY id DESC LIMIT ?7",
                 f.entity, f.entity_id, f.user_id, f.from, f.to, before_id, limit + 1);
  Page<AuditEntry> page;
  while (q.step()) {
    if (static_cast<int>(page.items.size()) == limit) {
      page.next_cursor = encode_id_cursor(page.items.back().id);
      break;
    }
    AuditEntry e;
    e.id = q->get_int(0);
    e.at = q->get_int(1);
    e.user_id = q->get_optional_int(2);
    e.request_id = std::string(q->get_text(3));
    e.action = std::string(q->get_text(4));
    e.entity = std::string(q->get_text(5));
    e.entity_id = std::string(q->get_text(6));
    e.before = q->get_optional_text(7);
    e.after = q->get_optional_text(8);
    page.items.push_back(std::move(e));
  }
  return page;
}

}  // namespace rapport::app
