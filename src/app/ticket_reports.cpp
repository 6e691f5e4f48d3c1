#include "app/ticket_reports.hpp"

#include <algorithm>
#include <map>

#include "app/permissions.hpp"
#include "core/error.hpp"
#include "core/ticket_rules.hpp"

namespace rapport::app {

namespace {

struct ReportAccumulator {
  TicketReportGroup group;
  std::vector<double> first_response;
  std::vector<double> resolution;
};

struct ReportRow {
  TimeMs created_at = 0;
  std::optional<TimeMs> first_response_at;
  std::optional<TimeMs> resolved_at;
  TimeMs sunset_due = 0;
  std::int64_t reopen_count = 0;
  bool breached = false;
};

void add_report_row(ReportAccumulator& a, const ReportRow& r, TimeMs now) {
  TicketReportGroup& g = a.group;
  ++g.tickets;
  if (r.first_response_at) {
    a.first_response.push_back(static_cast<double>(*r.first_response_at - r.created_at) / 60000.0);
  }
  if (r.resolved_at) {
    a.resolution.push_back(static_cast<double>(*r.resolved_at - r.created_at) / 60000.0);
  }
  if (r.first_response_at || r.sunset_due <= now) {
    ++g.sunset_judged;
    if (r.first_response_at && *r.first_response_at <= r.sunset_due) ++g.sunset_met;
  }
  if (r.resolved_at || r.reopen_count > 0) ++g.resolved;
  if (r.reopen_count > 0) ++g.reopened;
  if (r.breached) ++g.breached;
}

DurationStats duration_stats(std::vector<double>& v) {
  std::sort(v.begin(), v.end());
  DurationStats s;
  s.count = static_cast<std::int64_t>(v.size());
  s.median_minutes = percentile(v, 0.5);
  s.p90_minutes = percentile(v, 0.9);
  return s;
}

TicketReportGroup finish_report_group(ReportAccumulator& a) {
  TicketReportGroup g = a.group;
  g.first_response = duration_stats(a.first_response);
  g.resolution = duration_stats(a.resolution);
  if (g.sunset_judged > 0) {
    g.sunset_share = static_cast<double>(g.sunset_met) / static_cast<double>(g.sunset_judged);
  }
  if (g.resolved > 0) {
    g.reopen_rate = static_cast<double>(g.reopened) / static_cast<double>(g.resolved);
  }
  return g;
}

}  // namespace

TicketReport ticket_report(store::Database& db, const Caller& caller, TicketReportParams p) {
  require(caller, Permission::kTicketsReports);
  const TimeMs now = now_ms();
  TicketReport out;
  out.to = p.to.value_or(now);
  out.from = p.from.value_or(out.to - 30 * kDayMs);
  if (out.to <= out.from) throw_invalid("to", "must be after from");
  out.group_by = p.group_by;
  // The group's key and label, from an allow-list (never from the request's text).
  std::string key;
  std::string label = "NULL";
  std::string join;
  if (p.group_by == "type") {
    key = "t.type";
  } else if (p.group_by == "channel") {
    key = "t.channel";
  } else if (p.group_by == "priority") {
    key = "t.priority";
  } else if (p.group_by == "product") {
    key = "t.product_id";
    label = "p.name";
    join = " LEFT JOIN products p ON p.id = t.product_id";
  } else if (p.group_by == "category") {
    key = "p.category_id";
    label = "c.name";
    join =
        " LEFT JOIN products p ON p.id = t.product_id LEFT JOIN categories c ON c.id = "
        "p.category_id";
  } else if (p.group_by == "agent") {
    key = "t.assignee_id";
    label = "u.name";
    join = " LEFT JOIN users u ON u.id = t.assignee_id";
  } else if (p.group_by == "queue") {
    key = "t.queue_id";
    label = "q.name";
    join = " LEFT JOIN ticket_queues q ON q.id = t.queue_id";
  } else {
    throw_invalid("group_by",
                  "must be one of type, channel, priority, product, category, agent, "
                  "queue");
  }
  store::Query q(db.reader(),
                 "SELECT CAST(" + key + " AS TEXT), " + label +
                     ", t.created_at, t.first_response_at, t.resolved_at, t.sunset_due, "
                     "t.reopen_count, t.breached FROM tickets t" +
                     join + " WHERE t.created_at >= ? AND t.created_at < ?",
                 out.from, out.to);
  std::map<std::optional<std::string>, ReportAccumulator> groups;
  ReportAccumulator total;
  while (q.step()) {
    ReportRow r;
    r.created_at = q->get_int(2);
    r.first_response_at = q->get_optional_int(3);
    r.resolved_at = q->get_optional_int(4);
    r.sunset_due = q->get_int(5);
    r.reopen_count = q->get_int(6);
    r.breached = q->get_int(7) != 0;
    auto k = q->get_optional_text(0);
    auto [it, fresh] = groups.try_emplace(k);
    if (fresh) {
      it->second.group.key = k;
      it->second.group.label = q->get_optional_text(1);
    }
    add_report_row(it->second, r, now);
    add_report_row(total, r, now);
  }
  for (auto& [k, a] : groups) out.groups.push_back(finish_report_group(a));
  std::stable_sort(
      out.groups.begin(), out.groups.end(),
      [](const TicketReportGroup& a, const TicketReportGroup& b) { return a.tickets > b.tickets; });
  out.total = finish_report_group(total);
  return out;
}

}  // namespace rapport::app
