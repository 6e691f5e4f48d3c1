#pragma once
// The rules of service tickets, pure (no I/O): the vocabulary (types, priorities, statuses,
// channels), which status changes are allowed, SLA targets and their due times in business
// time, when the scheduler must next look at a ticket, and the percentiles of the reports.
//
// Status flow: new -> open | waiting | resolved | closed; open -> waiting | resolved | closed;
// waiting -> open | resolved | closed; resolved -> open (a reopen) | closed; closed is final
// (a customer who comes back after that gets a new ticket).
//
// Errors: check_transition throws conflict on field "status" naming both statuses.
// Thread-safety: pure functions, safe from any thread.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/business_time.hpp"
#include "core/time.hpp"

namespace rapport {

bool is_ticket_type(std::string_view v) noexcept;      // complaint inquiry repair return
bool is_ticket_priority(std::string_view v) noexcept;  // low normal high urgent
bool is_ticket_status(std::string_view v) noexcept;    // new open waiting resolved closed
// The channels a ticket comes in on (the timeline's channels but 'system').
bool is_ticket_channel(std::string_view v) noexcept;
inline constexpr const char* kTicketTypes = "complaint, inquiry, repair, return";
inline constexpr const char* kTicketPriorities = "low, normal, high, urgent";
inline constexpr const char* kTicketStatuses = "new, open, waiting, resolved, closed";
inline constexpr const char* kTicketChannels = "store, phone, email, sms, web, chat, social, visit";

// True when a ticket may go from `from` to `to` (the same status is never a transition).
bool transition_allowed(std::string_view from, std::string_view to) noexcept;
// Throws conflict (field "status") "cannot go from 'closed' to 'open'" when not allowed.
void check_transition(std::string_view from, std::string_view to);
// resolved or closed: the SLA clocks no longer run.
bool is_final_status(std::string_view status) noexcept;

// One SLA target: a number of business minutes after arrival, or the sunset rule.
struct SlaTarget {
  enum class Rule { kMinutes, kSunset };
  Rule rule = Rule::kMinutes;
  std::int64_t minutes = 0;  // kMinutes only; 1 to kMaxSlaMinutes
};
inline constexpr std::int64_t kMaxSlaMinutes = 525600;  // a year of business minutes

std::string_view sla_rule_name(SlaTarget::Rule r) noexcept;  // "minutes" | "sunset"
std::optional<SlaTarget::Rule> parse_sla_rule(std::string_view name) noexcept;

// The due time of a target for a ticket that arrived at `arrival`.
TimeMs sla_due(const BusinessCalendar& cal, const SlaTarget& target, TimeMs arrival);

// What the scheduler needs of a ticket's SLA clocks.
struct SlaClocks {
  std::optional<TimeMs> first_response_due;
  std::optional<TimeMs> first_response_at;
  std::optional<TimeMs> first_response_breached_at;
  std::optional<TimeMs> resolution_due;
  std::optional<TimeMs> resolved_at;
  std::optional<TimeMs> resolution_breached_at;
  std::optional<TimeMs> paused_at;
  std::string status;
};
// The earliest due time still to watch: a first response or resolution due that is neither met
// nor already breached, on a ticket that is not resolved, closed or paused; nullopt otherwise.
// The scheduler finds tickets through an index on this value.
std::optional<TimeMs> next_sla_check(const SlaClocks& c);

// The p-quantile (0 <= p <= 1) of ascending `sorted` values by linear interpolation between
// closest ranks (R's type 7; the median of 1,2,3,4 is 2.5). nullopt when empty.
std::optional<double> percentile(const std::vector<double>& sorted, double p);

}  // namespace rapport
