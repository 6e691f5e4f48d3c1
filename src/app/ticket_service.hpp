#pragma once
// Service tickets (complaints, inquiries, repairs, returns): who raised it (a live customer),
// what it concerns (a product, an order), its priority, status, assignee and queue, the SLA in
// force and its due times, and its messages (replies to the customer, internal notes).
//
// SLA: when a ticket arrives the policy of its type and priority (app/sla_policy_service) is
// copied onto it and its first-response and resolution due times are computed in business time
// (core/business_time, the business_* settings). The first reply meets the first response;
// resolving meets the resolution. While a ticket waits on the customer and its policy says so,
// the clock stops; when it leaves 'waiting' the business time that was left is counted again
// from then (core resume_due). A reopen restarts the resolution target from the reopen. Changing
// the type or priority applies that pair's policy from the ticket's arrival. Breaches are marked
// by the scheduler (app/sla_scheduler), which reads `sla_next_check`.
//
// Timeline: ticket_created, ticket_replied, ticket_resolved, ticket_closed, ticket_reopened (and
// ticket_escalated by the scheduler) on the customer's timeline, in the same transaction. Every
// write has an audit entry.
//
// Errors: invalid_argument naming the field; not_found for an unknown ticket ("id"), customer
// ("customer_id"), product, order, assignee or queue (each naming its field); conflict for a
// deleted or merged customer, a disabled assignee, a status change the flow refuses (field
// "status", naming both statuses), a reply to a closed ticket, or a stale version ("version");
// forbidden without the permission (tickets.read, tickets.write).
// Thread-safety: all methods may be called from any thread.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "app/caller.hpp"
#include "app/page.hpp"
#include "app/write_op.hpp"
#include "core/time.hpp"
#include "store/database.hpp"

namespace rapport::app {

inline constexpr std::size_t kMaxTicketSubject = 200;
inline constexpr std::size_t kMaxTicketDescription = 20000;
inline constexpr std::size_t kMaxTicketMessage = 20000;

struct Ticket {
  std::int64_t id = 0;
  std::string type;
  std::string channel;
  std::int64_t customer_id = 0;
  std::optional<std::int64_t> product_id;
  std::optional<std::int64_t> order_id;
  std::string priority;
  std::string subject;
  std::optional<std::string> description;
  std::string status;
  std::optional<std::int64_t> assignee_id;
  std::optional<std::int64_t> queue_id;
  // The SLA in force (nullopt rules: no policy for the type and priority when it arrived).
  std::optional<std::string> first_response_rule;  // minutes | sunset
  std::optional<std::int64_t> first_response_minutes;
  std::optional<std::string> resolution_rule;
  std::optional<std::int64_t> resolution_minutes;
  bool pause_while_waiting = false;
  std::optional<TimeMs> first_response_due;
  std::optional<TimeMs> resolution_due;
  TimeMs sunset_due = 0;
  std::optional<TimeMs> first_response_at;
  std::optional<TimeMs> resolved_at;
  std::optional<TimeMs> closed_at;
  std::optional<TimeMs> first_response_breached_at;
  std::optional<TimeMs> resolution_breached_at;
  bool breached = false;
  std::optional<TimeMs> paused_at;
  std::optional<TimeMs> sla_next_check;
  std::int64_t reopen_count = 0;
  std::optional<std::int64_t> created_by;
  TimeMs created_at = 0;
  TimeMs updated_at = 0;
  std::int64_t version = 1;
};

struct NewTicket {
  std::string type;
  std::string channel;
  std::int64_t customer_id = 0;
  std::optional<std::int64_t> product_id;
  std::optional<std::int64_t> order_id;
  std::string priority = "normal";
  std::string subject;
  std::optional<std::string> description;
  std::optional<std::int64_t> assignee_id;
  std::optional<std::int64_t> queue_id;
};

// A partial update: absent fields stay; an inner nullopt clears the field.
struct TicketPatch {
  std::optional<std::string> type;
  std::optional<std::string> priority;
  std::optional<std::string> subject;
  std::optional<std::optional<std::string>> description;
  std::optional<std::optional<std::int64_t>> assignee_id;
  std::optional<std::optional<std::int64_t>> queue_id;
  std::optional<std::optional<std::int64_t>> product_id;
  std::optional<std::optional<std::int64_t>> order_id;
};

struct TicketListParams {
  bool mine = false;  // assigned to the caller
  std::optional<std::int64_t> queue_id;
  std::optional<std::string> status;
  std::optional<std::int64_t> assignee_id;
  std::optional<std::int64_t> customer_id;
  std::optional<bool> breached;
  std::optional<std::int64_t> due_within_minutes;  // a watched due time within this many minutes
  std::optional<std::string> type;
  std::optional<std::string> priority;
  std::optional<std::string> sort;  // -created_at (default), created_at, due
  std::optional<std::string> cursor;
  std::optional<int> limit;
};

struct TicketMessage {
  std::int64_t id = 0;
  std::int64_t ticket_id = 0;
  std::string kind;  // reply (to the customer) | note (internal)
  std::string body;
  std::optional<std::int64_t> user_id;
  TimeMs created_at = 0;
};

class TicketService {
 public:
  explicit TicketService(store::Database& db) : db_(db) {}

  Ticket get(const Caller& caller, std::int64_t id);
  Page<Ticket> list(const Caller& caller, const TicketListParams& params);
  WriteOp<Ticket> create(const Caller& caller, NewTicket ticket);
  WriteOp<Ticket> update(const Caller& caller, std::int64_t id, TicketPatch patch,
                         std::optional<std::int64_t> expected_version);
  // Moves the ticket to `status` if the flow allows it (see core/ticket_rules.hpp).
  WriteOp<Ticket> change_status(const Caller& caller, std::int64_t id, std::string status,
                                std::optional<std::int64_t> expected_version);
  // A reply (meets the first response, opens a new ticket) or an internal note.
  WriteOp<TicketMessage> add_message(const Caller& caller, std::int64_t ticket_id, std::string kind,
                                     std::string body);
  // Oldest first.
  Page<TicketMessage> messages(const Caller& caller, std::int64_t ticket_id,
                               std::optional<std::string> cursor, std::optional<int> limit);

 private:
  store::Database& db_;
};

// For the scheduler and the demo store: reads one ticket on `conn`; nullopt when absent.
std::optional<Ticket> read_ticket(store::Connection& conn, std::int64_t id);
// Writes every mutable column of `t` (by id) and returns nothing; REQUIRES the row exists.
void store_ticket(store::Connection& conn, const Ticket& t);
// Tickets whose next watched due time is at or before `now`, earliest first (the scheduler's
// read, on the partial index of sla_next_check).
std::vector<Ticket> tickets_due(store::Connection& conn, TimeMs now, std::size_t limit);
// Recomputes t.sla_next_check from its clocks.
void refresh_sla_next_check(Ticket& t);

}  // namespace rapport::app
