#pragma once
// SLA policies, one per ticket type and priority: a first-response target and a resolution
// target (business minutes or the sunset rule) and whether the clock stops while a ticket waits
// on the customer. Schema version 3 seeds a policy for every pair (complaints answered by the
// sunset rule); managers and admins edit them. A ticket copies its policy when it arrives, so
// a change applies to tickets that arrive afterwards.
//
// Errors: invalid_argument naming the field (unknown type or priority, minutes with the sunset
// rule or missing with the minutes rule); not_found ("id"); conflict for a second policy of one
// type and priority ("priority") or a stale version ("version"); forbidden without
// tickets.read (reads) or service.settings (writes).
// Thread-safety: all methods may be called from any thread.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "app/caller.hpp"
#include "app/write_op.hpp"
#include "core/ticket_rules.hpp"
#include "store/database.hpp"

namespace rapport::app {

struct SlaPolicy {
  std::int64_t id = 0;
  std::string ticket_type;
  std::string priority;
  SlaTarget first_response;
  SlaTarget resolution;
  bool pause_while_waiting = true;
  TimeMs created_at = 0;
  TimeMs updated_at = 0;
  std::int64_t version = 1;
};

// A target as given: the rule and, for the minutes rule, the minutes.
struct SlaTargetInput {
  std::string rule;
  std::optional<std::int64_t> minutes;
};

// Creation needs every field but pause_while_waiting (default true); an update any subset.
struct SlaPolicyInput {
  std::optional<std::string> ticket_type;
  std::optional<std::string> priority;
  std::optional<SlaTargetInput> first_response;
  std::optional<SlaTargetInput> resolution;
  std::optional<bool> pause_while_waiting;
};

class SlaPolicyService {
 public:
  explicit SlaPolicyService(store::Database& db) : db_(db) {}

  // By type, then priority.
  std::vector<SlaPolicy> list(const Caller& caller);
  SlaPolicy get(const Caller& caller, std::int64_t id);
  WriteOp<SlaPolicy> create(const Caller& caller, SlaPolicyInput in);
  WriteOp<SlaPolicy> update(const Caller& caller, std::int64_t id, SlaPolicyInput in,
                            std::optional<std::int64_t> expected_version);
  // Tickets of that type and priority arriving afterwards get no SLA.
  WriteOp<SlaPolicy> remove(const Caller& caller, std::int64_t id,
                            std::optional<std::int64_t> expected_version);

 private:
  store::Database& db_;
};

// The policy of a type and priority on `conn`; nullopt when there is none.
std::optional<SlaPolicy> find_sla_policy(store::Connection& conn, std::string_view type,
                                         std::string_view priority);

}  // namespace rapport::app
