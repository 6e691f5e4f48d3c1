#pragma once
// Customer surveys: CSAT (how satisfied, 1-5) and NPS (how likely to recommend us, 0-10). A
// customer is invited by rule (a CSAT invitation when their ticket is resolved; an NPS
// invitation after an order placed through the API, at most one per survey_nps_quiet_days;
// each rule turned on by its setting) or by hand; each invitation takes one response (a score
// and an optional comment), recorded by staff on the customer's behalf. The response goes on
// the customer's timeline (survey_response) in the same write. Every write has an audit entry.
//
// Reports over the responses received in a range, grouped by month (in the business time zone),
// channel, store or RFM segment (the customer's current segment in customer_scores; none when
// not scored): NPS = % promoters (9-10) - % detractors (0-6); CSAT = share of 4-5 answers.
//
// Errors: invalid_argument naming the field (an unknown kind, a score outside the kind's range:
// "score", text too long: "comment", "store", an unknown channel or group_by, a range with
// to <= from); not_found for an unknown invitation ("id"), customer ("customer_id"), ticket or
// order; conflict for a deleted or merged customer, a ticket or order of another customer, a
// ticket or order already asked about for that kind, and a second response to one invitation
// ("id"); forbidden without surveys.read / surveys.write.
// Thread-safety: all methods may be called from any thread.
#include <array>
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

inline constexpr std::size_t kMaxSurveyComment = 5000;
inline constexpr std::size_t kMaxSurveyStore = 100;

struct SurveyResponse {
  std::int64_t id = 0;
  std::int64_t invitation_id = 0;
  std::string kind;
  std::int64_t customer_id = 0;
  int score = 0;
  std::optional<std::string> comment;
  std::optional<std::string> channel;
  std::optional<std::string> store;
  std::optional<std::int64_t> created_by;
  TimeMs responded_at = 0;
};

struct SurveyInvitation {
  std::int64_t id = 0;
  std::string kind;  // csat | nps
  std::int64_t customer_id = 0;
  std::string source;  // ticket_resolved | order | manual
  std::optional<std::int64_t> ticket_id;
  std::optional<std::int64_t> order_id;
  std::optional<std::string> channel;
  std::optional<std::string> store;
  std::optional<std::int64_t> created_by;
  TimeMs created_at = 0;
  std::optional<TimeMs> responded_at;
  std::optional<SurveyResponse> response;  // filled by get()
};

struct NewInvitation {
  std::string kind;
  std::int64_t customer_id = 0;
  std::optional<std::int64_t> ticket_id;  // what it asks about (the same customer's)
  std::optional<std::int64_t> order_id;
  std::optional<std::string> channel;  // default: the ticket's or order's
  std::optional<std::string> store;    // default: the order's location
};

struct InvitationListParams {
  std::optional<std::int64_t> customer_id;
  std::optional<std::string> kind;
  std::optional<bool> pending;  // true: not answered yet; false: answered
  std::optional<std::string> cursor;
  std::optional<int> limit;
};

struct ResponseListParams {
  std::optional<std::int64_t> customer_id;
  std::optional<std::string> kind;
  std::optional<std::string> cursor;
  std::optional<int> limit;
};

struct SurveyReportParams {
  std::string kind;                // csat | nps
  std::string group_by = "month";  // month channel store segment
  std::optional<TimeMs> from;      // default: 365 days before `to`
  std::optional<TimeMs> to;        // default: now (exclusive)
};

struct SurveyReportGroup {
  std::optional<std::string> key;  // nullopt: none (no channel, store or segment)
  std::int64_t responses = 0;
  std::array<std::int64_t, 11> by_score{};
  // NPS
  std::int64_t promoters = 0;
  std::int64_t passives = 0;
  std::int64_t detractors = 0;
  std::optional<double> nps;
  // CSAT
  std::int64_t satisfied = 0;
  std::optional<double> csat;
  std::optional<double> mean;
};

struct SurveyReport {
  std::string kind;
  std::string group_by;
  TimeMs from = 0;
  TimeMs to = 0;
  std::vector<SurveyReportGroup> groups;  // months in order; other keys by most responses
  SurveyReportGroup total;
};

class SurveyService {
 public:
  explicit SurveyService(store::Database& db) : db_(db) {}

  SurveyInvitation get_invitation(const Caller& caller, std::int64_t id);
  Page<SurveyInvitation> list_invitations(const Caller& caller, const InvitationListParams& p);
  Page<SurveyResponse> list_responses(const Caller& caller, const ResponseListParams& p);
  SurveyReport report(const Caller& caller, SurveyReportParams params);

  WriteOp<SurveyInvitation> invite(const Caller& caller, NewInvitation invitation);
  WriteOp<SurveyResponse> respond(const Caller& caller, std::int64_t invitation_id,
                                  std::int64_t score, std::optional<std::string> comment);

 private:
  store::Database& db_;
};

// The rules, called inside the writes of tickets and orders. Each does nothing unless its
// setting is on (and the customer is live, and not already asked); returns the new
// invitation's id.
std::optional<std::int64_t> invite_on_ticket_resolved(store::Connection& conn, const Caller& caller,
                                                      std::int64_t ticket_id,
                                                      std::int64_t customer_id,
                                                      const std::string& channel);
std::optional<std::int64_t> invite_after_order(store::Connection& conn, const Caller& caller,
                                               std::int64_t order_id,
                                               std::optional<std::int64_t> customer_id,
                                               const std::string& channel,
                                               const std::optional<std::string>& location);

}  // namespace rapport::app
