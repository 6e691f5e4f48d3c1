#include "core/ticket_rules.hpp"

#include <algorithm>
#include <array>
#include <cmath>

#include "core/error.hpp"

namespace rapport {

namespace {

template <std::size_t N>
bool ticket_value_in(const std::array<std::string_view, N>& values, std::string_view v) {
  return std::find(values.begin(), values.end(), v) != values.end();
}

constexpr std::array<std::string_view, 4> kTicketTypeValues = {"complaint", "inquiry", "repair",
                                                               "return"};
constexpr std::array<std::string_view, 4> kTicketPriorityValues = {"low", "normal", "high",
                                                                   "urgent"};
constexpr std::array<std::string_view, 5> kTicketStatusValues = {"new", "open", "waiting",
                                                                 "resolved", "closed"};
constexpr std::array<std::string_view, 8> kTicketChannelValues = {
    "store", "phone", "email", "sms", "web", "chat", "social", "visit"};

}  // namespace

bool is_ticket_type(std::string_view v) noexcept {
  return ticket_value_in(kTicketTypeValues, v);
}
bool is_ticket_priority(std::string_view v) noexcept {
  return ticket_value_in(kTicketPriorityValues, v);
}
bool is_ticket_status(std::string_view v) noexcept {
  return ticket_value_in(kTicketStatusValues, v);
}
bool is_ticket_channel(std::string_view v) noexcept {
  return ticket_value_in(kTicketChannelValues, v);
}

bool transition_allowed(std::string_view from, std::string_view to) noexcept {
  if (!is_ticket_status(to) || from == to) return false;
  if (from == "new") return to != "new";
  if (from == "open") return to == "waiting" || to == "resolved" || to == "closed";
  if (from == "waiting") return to == "open" || to == "resolved" || to == "closed";
  if (from == "resolved") return to == "open" || to == "closed";
  return false;  // closed is final
}

void check_transition(std::string_view from, std::string_view to) {
  if (transition_allowed(from, to)) return;
  std::string why;
  if (from == to) {
    why = "; the ticket is already " + std::string(to);
  } else if (from == "closed") {
    why = "; a closed ticket is final (open a new ticket)";
  } else if (to == "new") {
    why = "; a ticket is new only until it is first handled";
  }
  throw_conflict("cannot go from '" + std::string(from) + "' to '" + std::string(to) + "'" + why,
                 "status");
}

bool is_final_status(std::string_view status) noexcept {
  return status == "resolved" || status == "closed";
}

std::string_view sla_rule_name(SlaTarget::Rule r) noexcept {
  return r == SlaTarget::Rule::kSunset ? "sunset" : "minutes";
}

std::optional<SlaTarget::Rule> parse_sla_rule(std::string_view name) noexcept {
  if (name == "sunset") return SlaTarget::Rule::kSunset;
  if (name == "minutes") return SlaTarget::Rule::kMinutes;
  return std::nullopt;
}

TimeMs sla_due(const BusinessCalendar& cal, const SlaTarget& target, TimeMs arrival) {
  if (target.rule == SlaTarget::Rule::kSunset) return sunset_due(cal, arrival);
  return add_business_time(cal, arrival, target.minutes * 60 * 1000);
}

std::optional<TimeMs> next_sla_check(const SlaClocks& c) {
  if (is_final_status(c.status) || c.paused_at) return std::nullopt;
  std::optional<TimeMs> next;
  if (c.first_response_due && !c.first_response_at && !c.first_response_breached_at) {
    next = *c.first_response_due;
  }
  if (c.resolution_due && !c.resolved_at && !c.resolution_breached_at) {
    next = next ? std::min(*next, *c.resolution_due) : *c.resolution_due;
  }
  return next;
}

std::optional<double> percentile(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return std::nullopt;
  const double h = (static_cast<double>(sorted.size()) - 1) * std::clamp(p, 0.0, 1.0);
  const auto lo = static_cast<std::size_t>(std::floor(h));
  const std::size_t hi = std::min(lo + 1, sorted.size() - 1);
  return sorted[lo] + (h - static_cast<double>(lo)) * (sorted[hi] - sorted[lo]);
}

}  // namespace rapport
