#include "app/ticket_service.hpp"

#include <nlohmann/json.hpp>

#include "app/audit_log.hpp"
#include "app/customer_service.hpp"
#include "app/keyset_cursor.hpp"
#include "app/permissions.hpp"
#include "app/queue_service.hpp"
#include "app/settings.hpp"
#include "app/sla_policy_service.hpp"
#include "app/survey_service.hpp"
#include "app/timeline.hpp"
#include "core/error.hpp"
#include "core/ticket_rules.hpp"
#include "core/validation.hpp"

namespace rapport::app {

namespace {

constexpr const char* kTicketColumns =
    "id, type, channel, customer_id, product_id, order_id, priority, subject, description, "
    "status, assignee_id, queue_id, first_response_rule, first_response_minutes, "
    "resolution_rule, resolution_minutes, pause_while_waiting, first_response_due, "
    "resolution_due, sunset_due, first_response_at, resolved_at, closed_at, "
    "first_response_breached_at, resolution_breached_at, breached, paused_at, sla_next_check, "
    "reopen_count, created_by, created_at, updated_at, version";

Ticket read_ticket_row(store::Statement& s) {
  Ticket t;
  t.id = s.get_int(0);
  t.type = std::string(s.get_text(1));
  t.channel = std::string(s.get_text(2));
  t.customer_id = s.get_int(3);
  t.product_id = s.get_optional_int(4);
  t.order_id = s.get_optional_int(5);
  t.priority = std::string(s.get_text(6));
  t.subject = std::string(s.get_text(7));
  t.description = s.get_optional_text(8);
  t.status = std::string(s.get_text(9));
  t.assignee_id = s.get_optional_int(10);
  t.queue_id = s.get_optional_int(11);
  t.first_response_rule = s.get_optional_text(12);
  t.first_response_minutes = s.get_optional_int(13);
  t.resolution_rule = s.get_optional_text(14);
  t.resolution_minutes = s.get_optional_int(15);
  t.pause_while_waiting = s.get_int(16) != 0;
  t.first_response_due = s.get_optional_int(17);
  t.resolution_due = s.get_optional_int(18);
  t.sunset_due = s.get_int(19);
  t.first_response_at = s.get_optional_int(20);
  t.resolved_at = s.get_optional_int(21);
  t.closed_at = s.get_optional_int(22);
  t.first_response_breached_at = s.get_optional_int(23);
  t.resolution_breached_at = s.get_optional_int(24);
  t.breached = s.get_int(25) != 0;
  t.paused_at = s.get_optional_int(26);
  t.sla_next_check = s.get_optional_int(27);
  t.reopen_count = s.get_int(28);
  t.created_by = s.get_optional_int(29);
  t.created_at = s.get_int(30);
  t.updated_at = s.get_int(31);
  t.version = s.get_int(32);
  return t;
}

nlohmann::json ticket_audit_json(const Ticket& t) {
  return {{"id", t.id},
          {"type", t.type},
          {"channel", t.channel},
          {"customer_id", t.customer_id},
          {"product_id", json_or_null(t.product_id)},
          {"order_id", json_or_null(t.order_id)},
          {"priority", t.priority},
          {"subject", t.subject},
          {"description", json_or_null(t.description)},
          {"status", t.status},
          {"assignee_id", json_or_null(t.assignee_id)},
          {"queue_id", json_or_null(t.queue_id)},
          {"first_response_due", json_or_null(t.first_response_due)},
          {"resolution_due", json_or_null(t.resolution_due)},
          {"first_response_at", json_or_null(t.first_response_at)},
          {"resolved_at", json_or_null(t.resolved_at)},
          {"paused_at", json_or_null(t.paused_at)},
          {"reopen_count", t.reopen_count},
          {"version", t.version}};
}

std::optional<SlaTarget> ticket_target_of(const std::optional<std::string>& rule,
                                          const std::optional<std::int64_t>& minutes) {
  if (!rule) return std::nullopt;
  auto r = parse_sla_rule(*rule);
  if (!r) return std::nullopt;
  return SlaTarget{*r, minutes.value_or(0)};
}

// Copies the policy of the ticket's type and priority onto it and computes its due times from
// its arrival. Met and breached marks stay.
void apply_ticket_policy(store::Connection& conn, const BusinessCalendar& cal, Ticket& t) {
  auto policy = find_sla_policy(conn, t.type, t.priority);
  t.first_response_rule.reset();
  t.first_response_minutes.reset();
  t.resolution_rule.reset();
  t.resolution_minutes.reset();
  t.first_response_due.reset();
  t.resolution_due.reset();
  t.pause_while_waiting = false;
  if (!policy) return;
  t.first_response_rule = std::string(sla_rule_name(policy->first_response.rule));
  if (policy->first_response.rule == SlaTarget::Rule::kMinutes) {
    t.first_response_minutes = policy->first_response.minutes;
  }
  t.resolution_rule = std::string(sla_rule_name(policy->resolution.rule));
  if (policy->resolution.rule == SlaTarget::Rule::kMinutes) {
    t.resolution_minutes = policy->resolution.minutes;
  }
  t.pause_while_waiting = policy->pause_while_waiting;
  t.first_response_due = sla_due(cal, policy->first_response, t.created_at);
  t.resolution_due = sla_due(cal, policy->resolution, t.created_at);
}

void check_ticket_product(store::Connection& conn, std::int64_t id) {
  store::Query q(conn, "SELECT 1 FROM products WHERE id = ?", id);
  if (!q.step()) throw_not_found("no product with id " + std::to_string(id), "product_id");
}

void check_ticket_order(store::Connection& conn, std::int64_t id, std::int64_t customer_id) {
  store::Query q(conn, "SELECT customer_id FROM orders WHERE id = ?", id);
  if (!q.step()) throw_not_found("no order with id " + std::to_string(id), "order_id");
  if (!q->is_null(0) && q->get_int(0) != customer_id) {
    throw_invalid("order_id", "order " + std::to_string(id) + " belongs to customer " +
                                  std::to_string(q->get_int(0)) + ", not to customer " +
                                  std::to_string(customer_id));
  }
}

void check_ticket_queue(store::Connection& conn, std::int64_t id) {
  store::Query q(conn, "SELECT 1 FROM ticket_queues WHERE id = ?", id);
  if (!q.step()) throw_not_found("no queue with id " + std::to_string(id), "queue_id");
}

void check_ticket_type(const std::string& field, const std::string& v) {
  if (!is_ticket_type(v)) throw_invalid(field, std::string("must be one of ") + kTicketTypes);
}
void check_ticket_priority(const std::string& field, const std::string& v) {
  if (!is_ticket_priority(v)) {
    throw_invalid(field, std::string("must be one of ") + kTicketPriorities);
  }
}

// The timeline's entry about a ticket.
void ticket_timeline(store::Connection& conn, const Caller& caller, const Ticket& t,
                     std::string kind, std::string subject, std::optional<std::string> body,
                     std::optional<std::string> direction, bool system) {
  TimelineEntry e;
  e.customer_id = t.customer_id;
  e.kind = std::move(kind);
  e.channel = system ? std::string("system") : t.channel;
  e.direction = std::move(direction);
  e.subject = std::move(subject);
  e.body = std::move(body);
  e.ref_type = "ticket";
  e.ref_id = t.id;
  append_timeline(conn, caller, std::move(e));
}

std::string ticket_label(const Ticket& t) {
  return "Ticket #" + std::to_string(t.id) + " (" + t.type + "): " + t.subject;
}

Ticket load_ticket(store::Connection& conn, std::int64_t id) {
  auto t = read_ticket(conn, id);
  if (!t) throw_not_found("no ticket with id " + std::to_string(id), "id");
  return std::move(*t);
}

void check_ticket_version(const Ticket& t, std::optional<std::int64_t> expected) {
  if (expected && *expected != t.version) {
    throw Error(ErrorCode::kConflict,
                "the ticket was changed by someone else (version " + std::to_string(t.version) +
                    ", expected " + std::to_string(*expected) + "); reload and try again",
                "version");
  }
}

}  // namespace

std::optional<Ticket> read_ticket(store::Connection& conn, std::int64_t id) {
  store::Query q(conn, std::string("SELECT ") + kTicketColumns + " FROM tickets WHERE id = ?", id);
  if (!q.step()) return std::nullopt;
  return read_ticket_row(q.stmt());
}

std::vector<Ticket> tickets_due(store::Connection& conn, TimeMs now, std::size_t limit) {
  store::Query q(conn,
                 std::string("SELECT ") + kTicketColumns +
                     " FROM tickets WHERE sla_next_check IS NOT NULL AND sla_next_check <= ? "
                     "ORDER BY sla_next_check, id LIMIT ?",
                 now, static_cast<std::int64_t>(limit));
  std::vector<Ticket> out;
  while (q.step()) out.push_back(read_ticket_row(q.stmt()));
  return out;
}

void refresh_sla_next_check(Ticket& t) {
  SlaClocks c;
  c.first_response_due = t.first_response_due;
  c.first_response_at = t.first_response_at;
  c.first_response_breached_at = t.first_response_breached_at;
  c.resolution_due = t.resolution_due;
  c.resolved_at = t.resolved_at;
  c.resolution_breached_at = t.resolution_breached_at;
  c.paused_at = t.paused_at;
  c.status = t.status;
  t.sla_next_check = next_sla_check(c);
}

void store_ticket(store::Connection& conn, const Ticket& t) {
  store::execute(conn,
                 "UPDATE tickets SET type = ?, product_id = ?, order_id = ?, priority = ?, "
                 "subject = ?, description = ?, status = ?, assignee_id = ?, queue_id = ?, "
                 "first_response_rule = ?, first_response_minutes = ?, resolution_rule = ?, "
                 "resolution_minutes = ?, pause_while_waiting = ?, first_response_due = ?, "
                 "resolution_due = ?, first_response_at = ?, resolved_at = ?, closed_at = ?, "
                 "first_response_breached_at = ?, resolution_breached_at = ?, breached = ?, "
                 "paused_at = ?, sla_next_check = ?, reopen_count = ?, updated_at = ?, "
                 "version = ? WHERE id = ?",
                 t.type, t.product_id, t.order_id, t.priority, t.subject, t.description, t.status,
                 t.assignee_id, t.queue_id, t.first_response_rule, t.first_response_minutes,
                 t.resolution_rule, t.resolution_minutes, t.pause_while_waiting,
                 t.first_response_due, t.resolution_due, t.first_response_at, t.resolved_at,
                 t.closed_at, t.first_response_breached_at, t.resolution_breached_at, t.breached,
                 t.paused_at, t.sla_next_check, t.reopen_count, t.updated_at, t.version, t.id);
}

Ticket TicketService::get(const Caller& caller, std::int64_t id) {
  require(caller, Permission::kTicketsRead);
  return load_ticket(db_.reader(), id);
}

Page<Ticket> TicketService::list(const Caller& caller, const TicketListParams& p) {
  require(caller, Permission::kTicketsRead);
  const int limit = clamp_limit(p.limit);
  if (p.status && !is_ticket_status(*p.status)) {
    throw_invalid("status", std::string("must be one of ") + kTicketStatuses);
  }
  if (p.type) check_ticket_type("type", *p.type);
  if (p.priority) check_ticket_priority("priority", *p.priority);
  const std::string sort = p.sort.value_or("-created_at");
  // The sort key: created_at, or the next watched due time (none sorts last).
  std::string key;
  bool descending = false;
  std::string tag;
  if (sort == "-created_at") {
    key = "created_at";
    descending = true;
    tag = "tc";
  } else if (sort == "created_at") {
    key = "created_at";
    tag = "ta";
  } else if (sort == "due") {
    key = "coalesce(sla_next_check, 9223372036854775807)";
    tag = "td";
  } else {
    throw_invalid("sort", "must be one of -created_at, created_at, due");
  }
  std::optional<std::int64_t> assignee = p.assignee_id;
  if (p.mine) {
    if (!caller.user_id) throw_invalid("mine", "needs a signed-in user");
    if (assignee && *assignee != *caller.user_id) {
      throw_invalid("mine", "cannot be combined with another assignee");
    }
    assignee = caller.user_id;
  }
  // Constant pieces chosen by the filters present (values are always bound), so each list uses
  // one of a small set of statements, each able to use an index on (filter, created_at, id).
  std::string sql = std::string("SELECT ") + kTicketColumns + " FROM tickets WHERE 1 = 1";
  std::vector<std::int64_t> ints;
  std::vector<std::string> texts;
  if (p.queue_id) {
    sql += " AND queue_id = ?";
    ints.push_back(*p.queue_id);
  }
  if (assignee) {
    sql += " AND assignee_id = ?";
    ints.push_back(*assignee);
  }
  if (p.customer_id) {
    sql += " AND customer_id = ?";
    ints.push_back(*p.customer_id);
  }
  if (p.breached) sql += *p.breached ? " AND breached = 1" : " AND breached = 0";
  if (p.due_within_minutes) {
    sql += " AND sla_next_check IS NOT NULL AND sla_next_check <= ?";
    ints.push_back(now_ms() + *p.due_within_minutes * 60 * 1000);
  }
  if (p.cursor) {
    KeysetPosition pos = decode_keyset_cursor(*p.cursor, tag, false);
    sql += descending ? " AND (" + key + " < ? OR (" + key + " = ? AND id < ?))"
                      : " AND (" + key + " > ? OR (" + key + " = ? AND id > ?))";
    ints.push_back(pos.int_value);
    ints.push_back(pos.int_value);
    ints.push_back(pos.id);
  }
  if (p.status) {
    sql += " AND status = ?";
    texts.push_back(*p.status);
  }
  if (p.type) {
    sql += " AND type = ?";
    texts.push_back(*p.type);
  }
  if (p.priority) {
    sql += " AND priority = ?";
    texts.push_back(*p.priority);
  }
  sql += " ORDER BY " + key + (descending ? " DESC, id DESC" : ", id") + " LIMIT ?";
  store::Query q(db_.reader(), sql);
  int index = 1;
  for (auto v : ints) q->bind_int(index++, v);
  for (const auto& v : texts) q->bind_text(index++, v);
  q->bind_int(index, limit + 1);
  Page<Ticket> page;
  while (q.step()) {
    if (static_cast<int>(page.items.size()) == limit) {
      const Ticket& last = page.items.back();
      const std::int64_t value =
          sort == "due" ? last.sla_next_check.value_or(INT64_MAX) : last.created_at;
      page.next_cursor = encode_keyset_cursor(tag, value, last.id);
      break;
    }
    page.items.push_back(read_ticket_row(q.stmt()));
  }
  return page;
}

WriteOp<Ticket> TicketService::create(const Caller& caller, NewTicket in) {
  require(caller, Permission::kTicketsWrite);
  check_ticket_type("type", in.type);
  if (!is_ticket_channel(in.channel)) {
    throw_invalid("channel", std::string("must be one of ") + kTicketChannels);
  }
  check_ticket_priority("priority", in.priority);
  check_text("subject", in.subject, kMaxTicketSubject, true);
  in.subject = trim(in.subject);
  if (in.description) {
    check_text("description", *in.description, kMaxTicketDescription, false, true);
  }
  return [caller, in = std::move(in)](store::Connection& conn) {
    check_live_customer(conn, in.customer_id, "customer_id");
    if (in.product_id) check_ticket_product(conn, *in.product_id);
    if (in.order_id) check_ticket_order(conn, *in.order_id, in.customer_id);
    if (in.assignee_id) check_staff_user(conn, *in.assignee_id, "assignee_id");
    if (in.queue_id) check_ticket_queue(conn, *in.queue_id);
    const BusinessCalendar cal = business_calendar(conn);
    Ticket t;
    t.type = in.type;
    t.channel = in.channel;
    t.customer_id = in.customer_id;
    t.product_id = in.product_id;
    t.order_id = in.order_id;
    t.priority = in.priority;
    t.subject = in.subject;
    t.description = in.description;
    t.status = "new";
    t.assignee_id = in.assignee_id;
    t.queue_id = in.queue_id;
    t.created_by = caller.user_id;
    t.created_at = now_ms();
    t.updated_at = t.created_at;
    t.sunset_due = sunset_due(cal, t.created_at);
    apply_ticket_policy(conn, cal, t);
    refresh_sla_next_check(t);
    store::execute(conn,
                   "INSERT INTO tickets (type, channel, customer_id, priority, subject, status, "
                   "sunset_due, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, "
                   "?, ?, ?)",
                   t.type, t.channel, t.customer_id, t.priority, t.subject, t.status, t.sunset_due,
                   t.created_by, t.created_at, t.updated_at);
    t.id = conn.last_insert_id();
    store_ticket(conn, t);
    ticket_timeline(conn, caller, t, "ticket_created", ticket_label(t), t.description,
                    std::string("inbound"), false);
    record_audit(conn, caller, "create", "ticket", std::to_string(t.id), nullptr,
                 ticket_audit_json(t));
    return t;
  };
}

WriteOp<Ticket> TicketService::update(const Caller& caller, std::int64_t id, TicketPatch patch,
                                      std::optional<std::int64_t> expected_version) {
  require(caller, Permission::kTicketsWrite);
  if (patch.type) check_ticket_type("type", *patch.type);
  if (patch.priority) check_ticket_priority("priority", *patch.priority);
  if (patch.subject) {
    check_text("subject", *patch.subject, kMaxTicketSubject, true);
    patch.subject = trim(*patch.subject);
  }
  if (patch.description && *patch.description) {
    check_text("description", **patch.description, kMaxTicketDescription, false, true);
  }
  return [caller, id, patch = std::move(patch), expected_version](store::Connection& conn) {
    const Ticket before = load_ticket(conn, id);
    check_ticket_version(before, expected_version);
    Ticket t = before;
    if (patch.subject) t.subject = *patch.subject;
    if (patch.description) t.description = *patch.description;
    if (patch.assignee_id) {
      if (*patch.assignee_id && *patch.assignee_id != before.assignee_id) {
        check_staff_user(conn, **patch.assignee_id, "assignee_id");
      }
      t.assignee_id = *patch.assignee_id;
    }
    if (patch.queue_id) {
      if (*patch.queue_id) check_ticket_queue(conn, **patch.queue_id);
      t.queue_id = *patch.queue_id;
    }
    if (patch.product_id) {
      if (*patch.product_id) check_ticket_product(conn, **patch.product_id);
      t.product_id = *patch.product_id;
    }
    if (patch.order_id) {
      if (*patch.order_id) check_ticket_order(conn, **patch.order_id, t.customer_id);
      t.order_id = *patch.order_id;
    }
    if (patch.type) t.type = *patch.type;
    if (patch.priority) t.priority = *patch.priority;
    if (t.type != before.type || t.priority != before.priority) {
      // The new pair's policy, counted from arrival (time paused before is not given back).
      apply_ticket_policy(conn, business_calendar(conn), t);
    }
    refresh_sla_next_check(t);
    t.updated_at = now_ms();
    t.version = before.version + 1;
    store_ticket(conn, t);
    record_audit(conn, caller, "update", "ticket", std::to_string(t.id), ticket_audit_json(before),
                 ticket_audit_json(t));
    return t;
  };
}

WriteOp<Ticket> TicketService::change_status(const Caller& caller, std::int64_t id,
                                             std::string status,
                                             std::optional<std::int64_t> expected_version) {
  require(caller, Permission::kTicketsWrite);
  if (!is_ticket_status(status)) {
    throw_invalid("status", std::string("must be one of ") + kTicketStatuses);
  }
  return [caller, id, status = std::move(status), expected_version](store::Connection& conn) {
    const Ticket before = load_ticket(conn, id);
    check_ticket_version(before, expected_version);
    check_transition(before.status, status);
    Ticket t = before;
    const TimeMs now = now_ms();
    std::optional<BusinessCalendar> cal;
    auto calendar = [&]() -> const BusinessCalendar& {
      if (!cal) cal.emplace(business_calendar(conn));
      return *cal;
    };
    if (t.paused_at) {
      // Leaving 'waiting': what was left of each running target counts again from now.
      if (!is_final_status(status)) {
        if (t.first_response_due && !t.first_response_at) {
          t.first_response_due = resume_due(calendar(), *t.first_response_due, *t.paused_at, now);
        }
        if (t.resolution_due && !t.resolved_at) {
          t.resolution_due = resume_due(calendar(), *t.resolution_due, *t.paused_at, now);
        }
      }
      t.paused_at.reset();
    }
    t.status = status;
    std::optional<std::string> event;
    if (status == "waiting") {
      if (t.pause_while_waiting) t.paused_at = now;
    } else if (status == "resolved") {
      t.resolved_at = now;
      event = "ticket_resolved";
    } else if (status == "closed") {
      t.closed_at = now;
      if (!t.resolved_at) t.resolved_at = now;
      event = "ticket_closed";
    } else if (status == "open" && before.status == "resolved") {
      t.reopen_count += 1;
      t.resolved_at.reset();
      t.resolution_breached_at.reset();
      if (auto target = ticket_target_of(t.resolution_rule, t.resolution_minutes)) {
        t.resolution_due = sla_due(calendar(), *target, now);
      }
      event = "ticket_reopened";
    }
    refresh_sla_next_check(t);
    t.updated_at = now;
    t.version = before.version + 1;
    store_ticket(conn, t);
    if (t.resolved_at && !before.resolved_at) {
      // The CSAT rule (app/survey_service; off unless its setting is on).
      invite_on_ticket_resolved(conn, caller, t.id, t.customer_id, t.channel);
    }
    if (event) {
      std::string what = *event == "ticket_resolved" ? "resolved"
                         : *event == "ticket_closed" ? "closed"
                                                     : "reopened";
      ticket_timeline(conn, caller, t, *event, ticket_label(t) + " " + what, std::nullopt,
                      std::nullopt, true);
    }
    record_audit(conn, caller, "status", "ticket", std::to_string(t.id), ticket_audit_json(before),
                 ticket_audit_json(t));
    return t;
  };
}

WriteOp<TicketMessage> TicketService::add_message(const Caller& caller, std::int64_t ticket_id,
                                                  std::string kind, std::string body) {
  require(caller, Permission::kTicketsWrite);
  if (kind != "reply" && kind != "note") throw_invalid("kind", "must be reply or note");
  check_text("body", body, kMaxTicketMessage, true, true);
  return
      [caller, ticket_id, kind = std::move(kind), body = std::move(body)](store::Connection& conn) {
        const Ticket before = load_ticket(conn, ticket_id);
        if (kind == "reply" && before.status == "closed") {
          throw_conflict("ticket " + std::to_string(ticket_id) + " is closed; open a new ticket",
                         "status");
        }
        TicketMessage m;
        m.ticket_id = ticket_id;
        m.kind = kind;
        m.body = body;
        m.user_id = caller.user_id;
        m.created_at = now_ms();
        store::execute(conn,
                       "INSERT INTO ticket_messages (ticket_id, kind, body, user_id, created_at) "
                       "VALUES (?, ?, ?, ?, ?)",
                       m.ticket_id, m.kind, m.body, m.user_id, m.created_at);
        m.id = conn.last_insert_id();
        if (kind == "reply") {
          Ticket t = before;
          if (!t.first_response_at) t.first_response_at = m.created_at;
          if (t.status == "new") t.status = "open";
          refresh_sla_next_check(t);
          t.updated_at = m.created_at;
          t.version = before.version + 1;
          store_ticket(conn, t);
          ticket_timeline(conn, caller, t, "ticket_replied", "Reply on " + ticket_label(t), m.body,
                          std::string("outbound"), false);
        }
        record_audit(conn, caller, "create", "ticket_message", std::to_string(m.id), nullptr,
                     {{"ticket_id", m.ticket_id}, {"kind", m.kind}, {"body", m.body}});
        return m;
      };
}

Page<TicketMessage> TicketService::messages(const Caller& caller, std::int64_t ticket_id,
                                            std::optional<std::string> cursor,
                                            std::optional<int> limit) {
  require(caller, Permission::kTicketsRead);
  const int n = clamp_limit(limit);
  auto& conn = db_.reader();
  load_ticket(conn, ticket_id);
  const std::int64_t after = cursor ? decode_id_cursor(*cursor) : 0;
  store::Query q(conn,
                 "SELECT id, ticket_id, kind, body, user_id, created_at FROM ticket_messages "
                 "WHERE ticket_id = ? AND id > ? ORDER BY id LIMIT ?",
                 ticket_id, after, n + 1);
  Page<TicketMessage> page;
  while (q.step()) {
    if (static_cast<int>(page.items.size()) == n) {
      page.next_cursor = encode_id_cursor(page.items.back().id);
      break;
    }
    TicketMessage m;
    m.id = q->get_int(0);
    m.ticket_id = q->get_int(1);
    m.kind = std::string(q->get_text(2));
    m.body = std::string(q->get_text(3));
    m.user_id = q->get_optional_int(4);
    m.created_at = q->get_int(5);
    page.items.push_back(std::move(m));
  }
  return page;
}

}  // namespace rapport::app
