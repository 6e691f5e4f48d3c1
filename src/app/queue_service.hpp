#pragma once
// Ticket queues: a named queue of service work with a manager (a staff user), who is told when
// a ticket of the queue breaches its SLA (app/sla_scheduler). Managers and admins edit queues;
// a queue that tickets are in cannot be deleted (move them first).
//
// Errors: invalid_argument naming the field; not_found ("id", or "manager_id" for an unknown
// user); conflict for a duplicate name ("name", case-insensitive), a disabled manager
// ("manager_id"), a queue still holding tickets, or a stale version ("version"); forbidden
// without tickets.read (reads) or service.settings (writes).
// Thread-safety: all methods may be called from any thread.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "app/caller.hpp"
#include "app/write_op.hpp"
#include "core/time.hpp"
#include "store/database.hpp"

namespace rapport::app {

inline constexpr std::size_t kMaxQueueName = 100;
inline constexpr std::size_t kMaxQueueDescription = 2000;

struct TicketQueue {
  std::int64_t id = 0;
  std::string name;
  std::optional<std::string> description;
  std::int64_t manager_id = 0;
  std::int64_t open_tickets = 0;  // not resolved or closed
  TimeMs created_at = 0;
  TimeMs updated_at = 0;
  std::int64_t version = 1;
};

// Creation needs name and manager_id; an update any subset (description: inner nullopt clears).
struct QueueInput {
  std::optional<std::string> name;
  std::optional<std::optional<std::string>> description;
  std::optional<std::int64_t> manager_id;
};

class QueueService {
 public:
  explicit QueueService(store::Database& db) : db_(db) {}

  // By name.
  std::vector<TicketQueue> list(const Caller& caller);
  TicketQueue get(const Caller& caller, std::int64_t id);
  WriteOp<TicketQueue> create(const Caller& caller, QueueInput in);
  WriteOp<TicketQueue> update(const Caller& caller, std::int64_t id, QueueInput in,
                              std::optional<std::int64_t> expected_version);
  WriteOp<TicketQueue> remove(const Caller& caller, std::int64_t id,
                              std::optional<std::int64_t> expected_version);

 private:
  store::Database& db_;
};

// Checks that a user exists and is enabled; `field` names it in errors (not_found, conflict).
void check_staff_user(store::Connection& conn, std::int64_t user_id, const std::string& field);

}  // namespace rapport::app
