#include "http/service_codecs.hpp"

#include "core/error.hpp"
#include "http/codecs.hpp"

namespace rapport::http {

namespace {

// Text limits here are generous; the use cases check the real ones (in characters).
constexpr std::size_t kServiceTextBytes = 200000;

std::optional<std::optional<std::string>> ticket_nullable_string(ObjectReader& r, const char* key) {
  if (r.is_null(key)) return std::optional<std::string>();
  if (auto v = r.optional_string(key, kServiceTextBytes))
    return std::optional<std::string>(std::move(*v));
  return std::nullopt;
}

std::optional<std::optional<std::int64_t>> ticket_nullable_id(ObjectReader& r, const char* key) {
  if (r.is_null(key)) return std::optional<std::int64_t>();
  if (auto v = r.optional_int(key, 1, INT64_MAX)) return std::optional<std::int64_t>(*v);
  return std::nullopt;
}

nlohmann::json sla_target_to_json(const SlaTarget& t) {
  nlohmann::json j = {{"rule", std::string(sla_rule_name(t.rule))}};
  j["minutes"] =
      t.rule == SlaTarget::Rule::kMinutes ? nlohmann::json(t.minutes) : nlohmann::json(nullptr);
  return j;
}

nlohmann::json ticket_sla_target_json(const std::optional<std::string>& rule,
                                      const std::optional<std::int64_t>& minutes,
                                      const std::optional<TimeMs>& due,
                                      const std::optional<TimeMs>& met_at,
                                      const std::optional<TimeMs>& breached_at) {
  return {{"rule", opt(rule)},
          {"minutes", opt(minutes)},
          {"due_at", time_json(due)},
          {"met_at", time_json(met_at)},
          {"breached_at", time_json(breached_at)}};
}

std::optional<app::SlaTargetInput> read_sla_target(ObjectReader& r, const char* key) {
  if (r.is_null(key)) throw_invalid(r.field_path(key), "must be an object, not null");
  const nlohmann::json* v = r.optional_value(key);
  if (v == nullptr) return std::nullopt;
  ObjectReader t(*v, r.field_path(key));
  app::SlaTargetInput out;
  out.rule = t.required_string("rule", 20);
  if (!t.is_null("minutes")) out.minutes = t.optional_int("minutes", INT64_MIN, INT64_MAX);
  t.finish();
  return out;
}

nlohmann::json duration_stats_json(const app::DurationStats& s) {
  return {{"count", s.count},
          {"median_minutes", opt(s.median_minutes)},
          {"p90_minutes", opt(s.p90_minutes)}};
}

nlohmann::json report_group_json(const app::TicketReportGroup& g) {
  return {{"key", opt(g.key)},
          {"label", opt(g.label)},
          {"tickets", g.tickets},
          {"first_response", duration_stats_json(g.first_response)},
          {"resolution", duration_stats_json(g.resolution)},
          {"sunset",
           {{"judged", g.sunset_judged}, {"met", g.sunset_met}, {"share", opt(g.sunset_share)}}},
          {"resolved", g.resolved},
          {"reopened", g.reopened},
          {"reopen_rate", opt(g.reopen_rate)},
          {"breached", g.breached}};
}

}  // namespace

nlohmann::json to_json(const app::Ticket& t) {
  return {
      {"id", t.id},
      {"type", t.type},
      {"channel", t.channel},
      {"customer_id", t.customer_id},
      {"product_id", opt(t.product_id)},
      {"order_id", opt(t.order_id)},
      {"priority", t.priority},
      {"subject", t.subject},
      {"description", opt(t.description)},
      {"status", t.status},
      {"assignee_id", opt(t.assignee_id)},
      {"queue_id", opt(t.queue_id)},
      {"sla",
       {{"first_response", ticket_sla_target_json(t.first_response_rule, t.first_response_minutes,
                                                  t.first_response_due, t.first_response_at,
                                                  t.first_response_breached_at)},
        {"resolution",
         ticket_sla_target_json(t.resolution_rule, t.resolution_minutes, t.resolution_due,
                                t.resolved_at, t.resolution_breached_at)},
        {"sunset_due_at", format_time(t.sunset_due)},
        {"pause_while_waiting", t.pause_while_waiting},
        {"paused_at", time_json(t.paused_at)},
        {"next_due_at", time_json(t.sla_next_check)},
        {"breached", t.breached}}},
      {"reopen_count", t.reopen_count},
      {"closed_at", time_json(t.closed_at)},
      {"created_by", opt(t.created_by)},
      {"created_at", format_time(t.created_at)},
      {"updated_at", format_time(t.updated_at)},
      {"version", t.version}};
}

nlohmann::json to_json(const app::TicketMessage& m) {
  return {{"id", m.id},     {"ticket_id", m.ticket_id},  {"kind", m.kind},
          {"body", m.body}, {"user_id", opt(m.user_id)}, {"created_at", format_time(m.created_at)}};
}

nlohmann::json to_json(const app::TicketQueue& q) {
  return {{"id", q.id},
          {"name", q.name},
          {"description", opt(q.description)},
          {"manager_id", q.manager_id},
          {"open_tickets", q.open_tickets},
          {"created_at", format_time(q.created_at)},
          {"updated_at", format_time(q.updated_at)},
          {"version", q.version}};
}

nlohmann::json to_json(const app::SlaPolicy& p) {
  return {{"id", p.id},
          {"ticket_type", p.ticket_type},
          {"priority", p.priority},
          {"first_response", sla_target_to_json(p.first_response)},
          {"resolution", sla_target_to_json(p.resolution)},
          {"pause_while_waiting", p.pause_while_waiting},
          {"created_at", format_time(p.created_at)},
          {"updated_at", format_time(p.updated_at)},
          {"version", p.version}};
}

nlohmann::json to_json(const app::TicketReport& r) {
  nlohmann::json groups = nlohmann::json::array();
  for (const auto& g : r.groups) groups.push_back(report_group_json(g));
  return {{"from", format_time(r.from)},
          {"to", format_time(r.to)},
          {"group_by", r.group_by},
          {"groups", std::move(groups)},
          {"total", report_group_json(r.total)}};
}

nlohmann::json to_json(const app::Notification& n) {
  return {{"id", n.id},
          {"kind", n.kind},
          {"subject", n.subject},
          {"ref_type", opt(n.ref_type)},
          {"ref_id", opt(n.ref_id)},
          {"created_at", format_time(n.created_at)},
          {"read_at", time_json(n.read_at)}};
}

app::NewTicket read_new_ticket(ObjectReader& r) {
  app::NewTicket t;
  t.type = r.required_string("type", 50);
  t.channel = r.required_string("channel", 50);
  t.customer_id = r.required_int("customer_id", 1, INT64_MAX);
  t.product_id = r.optional_int("product_id", 1, INT64_MAX);
  t.order_id = r.optional_int("order_id", 1, INT64_MAX);
  if (auto p = r.optional_string("priority", 50)) t.priority = *p;
  t.subject = r.required_string("subject", kServiceTextBytes);
  t.description = r.optional_string("description", kServiceTextBytes);
  t.assignee_id = r.optional_int("assignee_id", 1, INT64_MAX);
  t.queue_id = r.optional_int("queue_id", 1, INT64_MAX);
  return t;
}

app::TicketPatch read_ticket_patch(ObjectReader& r) {
  app::TicketPatch p;
  p.type = r.optional_string("type", 50);
  p.priority = r.optional_string("priority", 50);
  p.subject = r.optional_string("subject", kServiceTextBytes);
  p.description = ticket_nullable_string(r, "description");
  p.assignee_id = ticket_nullable_id(r, "assignee_id");
  p.queue_id = ticket_nullable_id(r, "queue_id");
  p.product_id = ticket_nullable_id(r, "product_id");
  p.order_id = ticket_nullable_id(r, "order_id");
  return p;
}

app::QueueInput read_queue_input(ObjectReader& r) {
  app::QueueInput q;
  q.name = r.optional_string("name", kServiceTextBytes);
  q.description = ticket_nullable_string(r, "description");
  q.manager_id = r.optional_int("manager_id", 1, INT64_MAX);
  return q;
}

app::SlaPolicyInput read_sla_policy_input(ObjectReader& r) {
  app::SlaPolicyInput p;
  p.ticket_type = r.optional_string("ticket_type", 50);
  p.priority = r.optional_string("priority", 50);
  p.first_response = read_sla_target(r, "first_response");
  p.resolution = read_sla_target(r, "resolution");
  p.pause_while_waiting = r.optional_bool("pause_while_waiting");
  return p;
}

}  // namespace rapport::http
