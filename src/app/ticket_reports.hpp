#pragma once
// Ticket reports over the tickets that arrived in a range: per group (type, channel, product,
// category, agent, queue or priority) the number of tickets, the median and 90th percentile of
// the time to first response and to resolution (wall-clock minutes from arrival), the share
// answered within the sunset rule, the reopen rate and the number that breached an SLA target.
//
// Definitions: time to first response counts answered tickets; time to resolution counts
// tickets resolved now (a reopened ticket counts once resolved again). Sunset share = tickets
// answered by their sunset due time / tickets answered or past that time (a ticket still within
// its day is not yet judged). Reopen rate = tickets reopened at least once / tickets ever
// resolved. Percentiles by linear interpolation (core percentile()).
//
// Errors: invalid_argument for an unknown group_by or a range with to <= from; forbidden
// without tickets.reports. Thread-safety: may be called from any thread.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "app/caller.hpp"
#include "core/time.hpp"
#include "store/database.hpp"

namespace rapport::app {

struct TicketReportParams {
  std::optional<TimeMs> from;     // default: 30 days before `to`
  std::optional<TimeMs> to;       // default: now (exclusive)
  std::string group_by = "type";  // type channel product category agent queue priority
};

struct DurationStats {
  std::int64_t count = 0;
  std::optional<double> median_minutes;
  std::optional<double> p90_minutes;
};

struct TicketReportGroup {
  std::optional<std::string> key;    // the type, channel, or the id as text; nullopt: none
  std::optional<std::string> label;  // a product's, category's, agent's or queue's name
  std::int64_t tickets = 0;
  DurationStats first_response;
  DurationStats resolution;
  std::int64_t sunset_judged = 0;
  std::int64_t sunset_met = 0;
  std::optional<double> sunset_share;
  std::int64_t resolved = 0;  // ever resolved
  std::int64_t reopened = 0;
  std::optional<double> reopen_rate;
  std::int64_t breached = 0;
};

struct TicketReport {
  TimeMs from = 0;
  TimeMs to = 0;
  std::string group_by;
  std::vector<TicketReportGroup> groups;  // most tickets first
  TicketReportGroup total;
};

TicketReport ticket_report(store::Database& db, const Caller& caller, TicketReportParams params);

}  // namespace rapport::app
