#include "app/sla_policy_service.hpp"

#include <nlohmann/json.hpp>

#include "app/audit_log.hpp"
#include "app/permissions.hpp"
#include "core/error.hpp"

namespace rapport::app {

namespace {

constexpr const char* kSlaPolicyColumns =
    "SELECT id, ticket_type, priority, first_response_rule, first_response_minutes, "
    "resolution_rule, resolution_minutes, pause_while_waiting, created_at, updated_at, version "
    "FROM sla_policies ";

SlaPolicy read_sla_policy_row(store::Statement& s) {
  SlaPolicy p;
  p.id = s.get_int(0);
  p.ticket_type = std::string(s.get_text(1));
  p.priority = std::string(s.get_text(2));
  p.first_response = {parse_sla_rule(s.get_text(3)).value_or(SlaTarget::Rule::kMinutes),
                      s.get_optional_int(4).value_or(0)};
  p.resolution = {parse_sla_rule(s.get_text(5)).value_or(SlaTarget::Rule::kMinutes),
                  s.get_optional_int(6).value_or(0)};
  p.pause_while_waiting = s.get_int(7) != 0;
  p.created_at = s.get_int(8);
  p.updated_at = s.get_int(9);
  p.version = s.get_int(10);
  return p;
}

SlaTarget check_sla_target(const std::string& field, const SlaTargetInput& in) {
  auto rule = parse_sla_rule(in.rule);
  if (!rule) throw_invalid(field + ".rule", "must be minutes or sunset");
  if (*rule == SlaTarget::Rule::kSunset) {
    if (in.minutes) {
      throw_invalid(field + ".minutes",
                    "is not given with the sunset rule (the due time is "
                    "the close of the business day of arrival)");
    }
    return {*rule, 0};
  }
  if (!in.minutes) throw_invalid(field + ".minutes", "is required with the minutes rule");
  if (*in.minutes < 1 || *in.minutes > kMaxSlaMinutes) {
    throw_invalid(field + ".minutes",
                  "must be 1 to " + std::to_string(kMaxSlaMinutes) + " business minutes");
  }
  return {*rule, *in.minutes};
}

nlohmann::json sla_target_json(const SlaTarget& t) {
  nlohmann::json j = {{"rule", std::string(sla_rule_name(t.rule))}};
  j["minutes"] =
      t.rule == SlaTarget::Rule::kMinutes ? nlohmann::json(t.minutes) : nlohmann::json(nullptr);
  return j;
}

nlohmann::json sla_policy_audit_json(const SlaPolicy& p) {
  return {{"id", p.id},
          {"ticket_type", p.ticket_type},
          {"priority", p.priority},
          {"first_response", sla_target_json(p.first_response)},
          {"resolution", sla_target_json(p.resolution)},
          {"pause_while_waiting", p.pause_while_waiting},
          {"version", p.version}};
}

std::optional<std::int64_t> sla_minutes_of(const SlaTarget& t) {
  if (t.rule == SlaTarget::Rule::kMinutes) return t.minutes;
  return std::nullopt;
}

SlaPolicy load_sla_policy(store::Connection& conn, std::int64_t id) {
  store::Query q(conn, std::string(kSlaPolicyColumns) + "WHERE id = ?", id);
  if (!q.step()) throw_not_found("no SLA policy with id " + std::to_string(id), "id");
  return read_sla_policy_row(q.stmt());
}

void check_sla_policy_version(const SlaPolicy& p, std::optional<std::int64_t> expected) {
  if (expected && *expected != p.version) {
    throw Error(ErrorCode::kConflict,
                "the SLA policy was changed by someone else (version " + std::to_string(p.version) +
                    ", expected " + std::to_string(*expected) + "); reload and try again",
                "version");
  }
}

void check_sla_policy_unique(store::Connection& conn, const SlaPolicy& p) {
  store::Query q(conn,
                 "SELECT id FROM sla_policies WHERE ticket_type = ? AND priority = ? AND id <> ?",
                 p.ticket_type, p.priority, p.id);
  if (q.step()) {
    throw_conflict("SLA policy " + std::to_string(q->get_int(0)) + " already covers " +
                       p.ticket_type + " tickets of " + p.priority + " priority",
                   "priority");
  }
}

void save_sla_policy(store::Connection& conn, const SlaPolicy& p) {
  store::execute(conn,
                 "UPDATE sla_policies SET ticket_type = ?, priority = ?, first_response_rule = ?, "
                 "first_response_minutes = ?, resolution_rule = ?, resolution_minutes = ?, "
                 "pause_while_waiting = ?, updated_at = ?, version = ? WHERE id = ?",
                 p.ticket_type, p.priority, sla_rule_name(p.first_response.rule),
                 sla_minutes_of(p.first_response), sla_rule_name(p.resolution.rule),
                 sla_minutes_of(p.resolution), p.pause_while_waiting, p.updated_at, p.version,
                 p.id);
}

// Applies the given fields of `in` to `p` (validated).
void apply_sla_policy_input(SlaPolicy& p, const SlaPolicyInput& in) {
  if (in.ticket_type) {
    if (!is_ticket_type(*in.ticket_type)) {
      throw_invalid("ticket_type", std::string("must be one of ") + kTicketTypes);
    }
    p.ticket_type = *in.ticket_type;
  }
  if (in.priority) {
    if (!is_ticket_priority(*in.priority)) {
      throw_invalid("priority", std::string("must be one of ") + kTicketPriorities);
    }
    p.priority = *in.priority;
  }
  if (in.first_response) p.first_response = check_sla_target("first_response", *in.first_response);
  if (in.resolution) p.resolution = check_sla_target("resolution", *in.resolution);
  if (in.pause_while_waiting) p.pause_while_waiting = *in.pause_while_waiting;
}

}  // namespace

std::optional<SlaPolicy> find_sla_policy(store::Connection& conn, std::string_view type,
                                         std::string_view priority) {
  store::Query q(conn, std::string(kSlaPolicyColumns) + "WHERE ticket_type = ? AND priority = ?",
                 type, priority);
  if (!q.step()) return std::nullopt;
  return read_sla_policy_row(q.stmt());
}

std::vector<SlaPolicy> SlaPolicyService::list(const Caller& caller) {
  require(caller, Permission::kTicketsRead);
  store::Query q(db_.reader(),
                 std::string(kSlaPolicyColumns) +
                     "ORDER BY ticket_type, CASE priority WHEN 'urgent' THEN 0 WHEN 'high' THEN 1 "
                     "WHEN 'normal' THEN 2 ELSE 3 END");
  std::vector<SlaPolicy> out;
  while (q.step()) out.push_back(read_sla_policy_row(q.stmt()));
  return out;
}

SlaPolicy SlaPolicyService::get(const Caller& caller, std::int64_t id) {
  require(caller, Permission::kTicketsRead);
  return load_sla_policy(db_.reader(), id);
}

WriteOp<SlaPolicy> SlaPolicyService::create(const Caller& caller, SlaPolicyInput in) {
  require(caller, Permission::kServiceSettings);
  if (!in.ticket_type) throw_invalid("ticket_type", "is required");
  if (!in.priority) throw_invalid("priority", "is required");
  if (!in.first_response) throw_invalid("first_response", "is required");
  if (!in.resolution) throw_invalid("resolution", "is required");
  SlaPolicy p;
  apply_sla_policy_input(p, in);
  return [caller, p](store::Connection& conn) mutable {
    check_sla_policy_unique(conn, p);
    p.created_at = now_ms();
    p.updated_at = p.created_at;
    store::execute(
        conn,
        "INSERT INTO sla_policies (ticket_type, priority, first_response_rule, "
        "first_response_minutes, resolution_rule, resolution_minutes, "
        "pause_while_waiting, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        p.ticket_type, p.priority, sla_rule_name(p.first_response.rule),
        sla_minutes_of(p.first_response), sla_rule_name(p.resolution.rule),
        sla_minutes_of(p.resolution), p.pause_while_waiting, p.created_at, p.updated_at);
    p.id = conn.last_insert_id();
    record_audit(conn, caller, "create", "sla_policy", std::to_string(p.id), nullptr,
                 sla_policy_audit_json(p));
    return p;
  };
}

WriteOp<SlaPolicy> SlaPolicyService::update(const Caller& caller, std::int64_t id,
                                            SlaPolicyInput in,
                                            std::optional<std::int64_t> expected_version) {
  require(caller, Permission::kServiceSettings);
  SlaPolicy probe;
  apply_sla_policy_input(probe, in);  // validation before the write
  return [caller, id, in = std::move(in), expected_version](store::Connection& conn) {
    const SlaPolicy before = load_sla_policy(conn, id);
    check_sla_policy_version(before, expected_version);
    SlaPolicy p = before;
    apply_sla_policy_input(p, in);
    check_sla_policy_unique(conn, p);
    p.updated_at = now_ms();
    p.version = before.version + 1;
    save_sla_policy(conn, p);
    record_audit(conn, caller, "update", "sla_policy", std::to_string(p.id),
                 sla_policy_audit_json(before), sla_policy_audit_json(p));
    return p;
  };
}

WriteOp<SlaPolicy> SlaPolicyService::remove(const Caller& caller, std::int64_t id,
                                            std::optional<std::int64_t> expected_version) {
  require(caller, Permission::kServiceSettings);
  return [caller, id, expected_version](store::Connection& conn) {
    const SlaPolicy before = load_sla_policy(conn, id);
    check_sla_policy_version(before, expected_version);
    store::execute(conn, "DELETE FROM sla_policies WHERE id = ?", id);
    record_audit(conn, caller, "delete", "sla_policy", std::to_string(id),
                 sla_policy_audit_json(before), nullptr);
    return before;
  };
}

}  // namespace rapport::app
