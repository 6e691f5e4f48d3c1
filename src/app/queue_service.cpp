#include "app/queue_service.hpp"

#include <nlohmann/json.hpp>

#include "app/audit_log.hpp"
#include "app/permissions.hpp"
#include "core/error.hpp"
#include "core/validation.hpp"

namespace rapport::app {

namespace {

constexpr const char* kQueueColumns =
    "SELECT q.id, q.name, q.description, q.manager_id, (SELECT count(*) FROM tickets t WHERE "
    "t.queue_id = q.id AND t.status NOT IN ('resolved','closed')), q.created_at, q.updated_at, "
    "q.version FROM ticket_queues q ";

TicketQueue read_queue_row(store::Statement& s) {
  TicketQueue q;
  q.id = s.get_int(0);
  q.name = std::string(s.get_text(1));
  q.description = s.get_optional_text(2);
  q.manager_id = s.get_int(3);
  q.open_tickets = s.get_int(4);
  q.created_at = s.get_int(5);
  q.updated_at = s.get_int(6);
  q.version = s.get_int(7);
  return q;
}

nlohmann::json queue_audit_json(const TicketQueue& q) {
  return {{"id", q.id},
          {"name", q.name},
          {"description", q.description ? nlohmann::json(*q.description) : nlohmann::json()},
          {"manager_id", q.manager_id},
          {"version", q.version}};
}

TicketQueue load_queue(store::Connection& conn, std::int64_t id) {
  store::Query q(conn, std::string(kQueueColumns) + "WHERE q.id = ?", id);
  if (!q.step()) throw_not_found("no queue with id " + std::to_string(id), "id");
  return read_queue_row(q.stmt());
}

void check_queue_version(const TicketQueue& q, std::optional<std::int64_t> expected) {
  if (expected && *expected != q.version) {
    throw Error(ErrorCode::kConflict,
                "the queue was changed by someone else (version " + std::to_string(q.version) +
                    ", expected " + std::to_string(*expected) + "); reload and try again",
                "version");
  }
}

void check_queue_name_free(store::Connection& conn, const std::string& name, std::int64_t id) {
  store::Query q(conn, "SELECT id FROM ticket_queues WHERE lower(name) = lower(?) AND id <> ?",
                 name, id);
  if (q.step()) {
    throw_conflict("queue " + std::to_string(q->get_int(0)) + " is already named '" + name + "'",
                   "name");
  }
}

// Validates the given fields (trimming the name); throws naming the field.
void check_queue_input(QueueInput& in) {
  if (in.name) {
    check_text("name", *in.name, kMaxQueueName, true);
    in.name = trim(*in.name);
  }
  if (in.description && *in.description) {
    check_text("description", **in.description, kMaxQueueDescription, false, true);
  }
}

}  // namespace

void check_staff_user(store::Connection& conn, std::int64_t user_id, const std::string& field) {
  store::Query q(conn, "SELECT disabled FROM users WHERE id = ?", user_id);
  if (!q.step()) throw_not_found("no user with id " + std::to_string(user_id), field);
  if (q->get_int(0) != 0) {
    throw_conflict("user " + std::to_string(user_id) + " is disabled", field);
  }
}

std::vector<TicketQueue> QueueService::list(const Caller& caller) {
  require(caller, Permission::kTicketsRead);
  store::Query q(db_.reader(), std::string(kQueueColumns) + "ORDER BY lower(q.name), q.id");
  std::vector<TicketQueue> out;
  while (q.step()) out.push_back(read_queue_row(q.stmt()));
  return out;
}

TicketQueue QueueService::get(const Caller& caller, std::int64_t id) {
  require(caller, Permission::kTicketsRead);
  return load_queue(db_.reader(), id);
}

WriteOp<TicketQueue> QueueService::create(const Caller& caller, QueueInput in) {
  require(caller, Permission::kServiceSettings);
  if (!in.name) throw_invalid("name", "is required");
  if (!in.manager_id) throw_invalid("manager_id", "is required");
  check_queue_input(in);
  return [caller, in = std::move(in)](store::Connection& conn) {
    check_queue_name_free(conn, *in.name, 0);
    check_staff_user(conn, *in.manager_id, "manager_id");
    TicketQueue q;
    q.name = *in.name;
    if (in.description) q.description = *in.description;
    q.manager_id = *in.manager_id;
    q.created_at = now_ms();
    q.updated_at = q.created_at;
    store::execute(conn,
                   "INSERT INTO ticket_queues (name, description, manager_id, created_at, "
                   "updated_at) VALUES (?, ?, ?, ?, ?)",
                   q.name, q.description, q.manager_id, q.created_at, q.updated_at);
    q.id = conn.last_insert_id();
    record_audit(conn, caller, "create", "ticket_queue", std::to_string(q.id), nullptr,
                 queue_audit_json(q));
    return q;
  };
}

WriteOp<TicketQueue> QueueService::update(const Caller& caller, std::int64_t id, QueueInput in,
                                          std::optional<std::int64_t> expected_version) {
  require(caller, Permission::kServiceSettings);
  check_queue_input(in);
  return [caller, id, in = std::move(in), expected_version](store::Connection& conn) {
    const TicketQueue before = load_queue(conn, id);
    check_queue_version(before, expected_version);
    TicketQueue q = before;
    if (in.name) {
      check_queue_name_free(conn, *in.name, id);
      q.name = *in.name;
    }
    if (in.description) q.description = *in.description;
    if (in.manager_id) {
      if (*in.manager_id != before.manager_id) check_staff_user(conn, *in.manager_id, "manager_id");
      q.manager_id = *in.manager_id;
    }
    q.updated_at = now_ms();
    q.version = before.version + 1;
    store::execute(conn,
                   "UPDATE ticket_queues SET name = ?, description = ?, manager_id = ?, "
                   "updated_at = ?, version = ? WHERE id = ?",
                   q.name, q.description, q.manager_id, q.updated_at, q.version, q.id);
    record_audit(conn, caller, "update", "ticket_queue", std::to_string(q.id),
                 queue_audit_json(before), queue_audit_json(q));
    return q;
  };
}

WriteOp<TicketQueue> QueueService::remove(const Caller& caller, std::int64_t id,
                                          std::optional<std::int64_t> expected_version) {
  require(caller, Permission::kServiceSettings);
  return [caller, id, expected_version](store::Connection& conn) {
    const TicketQueue before = load_queue(conn, id);
    check_queue_version(before, expected_version);
    store::Query used(conn, "SELECT count(*) FROM tickets WHERE queue_id = ?", id);
    used.step();
    if (used->get_int(0) > 0) {
      throw_conflict("queue " + std::to_string(id) + " holds " + std::to_string(used->get_int(0)) +
                         " tickets; move them to another queue first",
                     "id");
    }
    store::execute(conn, "DELETE FROM ticket_queues WHERE id = ?", id);
    record_audit(conn, caller, "delete", "ticket_queue", std::to_string(id),
                 queue_audit_json(before), nullptr);
    return before;
  };
}

}  // namespace rapport::app
