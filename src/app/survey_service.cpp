#include "app/survey_service.hpp"

#include <algorithm>
#include <cstdio>
#include <map>

#include <date/date.h>
#include <nlohmann/json.hpp>

#include "app/audit_log.hpp"
#include "app/order_service.hpp"
#include "app/permissions.hpp"
#include "app/review_service.hpp"
#include "app/settings.hpp"
#include "app/timeline.hpp"
#include "core/business_time.hpp"
#include "core/error.hpp"
#include "core/feedback_rules.hpp"
#include "core/validation.hpp"

namespace rapport::app {

namespace {

constexpr const char* kInvitationColumns =
    "id, kind, customer_id, source, ticket_id, order_id, channel, store, created_by, created_at, "
    "responded_at";
constexpr const char* kResponseColumns =
    "id, invitation_id, kind, customer_id, score, comment, channel, store, created_by, "
    "responded_at";

SurveyInvitation read_invitation_row(store::Statement& s) {
  SurveyInvitation i;
  i.id = s.get_int(0);
  i.kind = std::string(s.get_text(1));
  i.customer_id = s.get_int(2);
  i.source = std::string(s.get_text(3));
  i.ticket_id = s.get_optional_int(4);
  i.order_id = s.get_optional_int(5);
  i.channel = s.get_optional_text(6);
  i.store = s.get_optional_text(7);
  i.created_by = s.get_optional_int(8);
  i.created_at = s.get_int(9);
  i.responded_at = s.get_optional_int(10);
  return i;
}

SurveyResponse read_response_row(store::Statement& s) {
  SurveyResponse r;
  r.id = s.get_int(0);
  r.invitation_id = s.get_int(1);
  r.kind = std::string(s.get_text(2));
  r.customer_id = s.get_int(3);
  r.score = static_cast<int>(s.get_int(4));
  r.comment = s.get_optional_text(5);
  r.channel = s.get_optional_text(6);
  r.store = s.get_optional_text(7);
  r.created_by = s.get_optional_int(8);
  r.responded_at = s.get_int(9);
  return r;
}

nlohmann::json invitation_audit_json(const SurveyInvitation& i) {
  return {{"id", i.id},
          {"kind", i.kind},
          {"customer_id", i.customer_id},
          {"source", i.source},
          {"ticket_id", json_or_null(i.ticket_id)},
          {"order_id", json_or_null(i.order_id)},
          {"channel", json_or_null(i.channel)},
          {"store", json_or_null(i.store)}};
}

std::optional<SurveyInvitation> find_invitation(store::Connection& conn, std::int64_t id) {
  store::Query q(
      conn, std::string("SELECT ") + kInvitationColumns + " FROM survey_invitations WHERE id = ?",
      id);
  if (!q.step()) return std::nullopt;
  return read_invitation_row(q.stmt());
}

void check_survey_kind(const std::string& field, const std::string& kind) {
  if (!is_survey_kind(kind)) throw_invalid(field, std::string("must be one of ") + kSurveyKinds);
}

// Inserts an invitation (with its audit entry) and returns it with its id.
SurveyInvitation insert_invitation(store::Connection& conn, const Caller& caller,
                                   SurveyInvitation i) {
  i.created_by = caller.user_id;
  i.created_at = now_ms();
  store::execute(conn,
                 "INSERT INTO survey_invitations (kind, customer_id, source, ticket_id, order_id, "
                 "channel, store, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                 i.kind, i.customer_id, i.source, i.ticket_id, i.order_id, i.channel, i.store,
                 i.created_by, i.created_at);
  i.id = conn.last_insert_id();
  record_audit(conn, caller, "create", "survey_invitation", std::to_string(i.id), nullptr,
               invitation_audit_json(i));
  return i;
}

std::optional<std::int64_t> existing_invitation(store::Connection& conn, const char* column,
                                                std::int64_t id, const std::string& kind) {
  store::Query q(
      conn, std::string("SELECT id FROM survey_invitations WHERE ") + column + " = ? AND kind = ?",
      id, kind);
  if (!q.step()) return std::nullopt;
  return q->get_int(0);
}

bool customer_is_live(store::Connection& conn, std::int64_t id) {
  store::Query q(conn,
                 "SELECT 1 FROM customers WHERE id = ? AND deleted_at IS NULL AND merged_into IS "
                 "NULL",
                 id);
  return q.step();
}

std::string month_key(std::int32_t local_day) {
  const date::year_month_day ymd{date::sys_days{date::days{local_day}}};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()));
  return buf;
}

SurveyReportGroup finish_survey_group(std::optional<std::string> key, const ScoreCounts& c) {
  SurveyReportGroup g;
  g.key = std::move(key);
  g.by_score = c.by_score;
  const NpsFigures n = nps_figures(c);
  const CsatFigures s = csat_figures(c);
  g.responses = n.responses;
  g.promoters = n.promoters;
  g.passives = n.passives;
  g.detractors = n.detractors;
  g.nps = n.nps;
  g.satisfied = s.satisfied;
  g.csat = s.csat;
  g.mean = s.mean;
  return g;
}

}  // namespace

SurveyInvitation SurveyService::get_invitation(const Caller& caller, std::int64_t id) {
  require(caller, Permission::kSurveysRead);
  auto& conn = db_.reader();
  store::Transaction snapshot(conn, false);
  auto i = find_invitation(conn, id);
  if (!i) throw_not_found("no survey invitation with id " + std::to_string(id), "id");
  store::Query q(
      conn,
      std::string("SELECT ") + kResponseColumns + " FROM survey_responses WHERE invitation_id = ?",
      id);
  if (q.step()) i->response = read_response_row(q.stmt());
  return std::move(*i);
}

Page<SurveyInvitation> SurveyService::list_invitations(const Caller& caller,
                                                       const InvitationListParams& p) {
  require(caller, Permission::kSurveysRead);
  const int n = clamp_limit(p.limit);
  if (p.kind) check_survey_kind("kind", *p.kind);
  std::string sql =
      std::string("SELECT ") + kInvitationColumns + " FROM survey_invitations WHERE id < ?";
  const std::int64_t before = p.cursor ? decode_id_cursor(*p.cursor) : INT64_MAX;
  if (p.customer_id) sql += " AND customer_id = ?";
  if (p.pending) sql += *p.pending ? " AND responded_at IS NULL" : " AND responded_at IS NOT NULL";
  if (p.kind) sql += " AND kind = ?";
  sql += " ORDER BY id DESC LIMIT ?";
  store::Query q(db_.reader(), sql);
  int index = 1;
  q->bind_int(index++, before);
  if (p.customer_id) q->bind_int(index++, *p.customer_id);
  if (p.kind) q->bind_text(index++, *p.kind);
  q->bind_int(index, n + 1);
  Page<SurveyInvitation> page =
      read_id_page<SurveyInvitation>(q, n, [&] { return read_invitation_row(q.stmt()); });
  return page;
}

Page<SurveyResponse> SurveyService::list_responses(const Caller& caller,
                                                   const ResponseListParams& p) {
  require(caller, Permission::kSurveysRead);
  const int n = clamp_limit(p.limit);
  if (p.kind) check_survey_kind("kind", *p.kind);
  std::string sql =
      std::string("SELECT ") + kResponseColumns + " FROM survey_responses WHERE id < ?";
  const std::int64_t before = p.cursor ? decode_id_cursor(*p.cursor) : INT64_MAX;
  if (p.customer_id) sql += " AND customer_id = ?";
  if (p.kind) sql += " AND kind = ?";
  sql += " ORDER BY id DESC LIMIT ?";
  store::Query q(db_.reader(), sql);
  int index = 1;
  q->bind_int(index++, before);
  if (p.customer_id) q->bind_int(index++, *p.customer_id);
  if (p.kind) q->bind_text(index++, *p.kind);
  q->bind_int(index, n + 1);
  Page<SurveyResponse> page =
      read_id_page<SurveyResponse>(q, n, [&] { return read_response_row(q.stmt()); });
  return page;
}

SurveyReport SurveyService::report(const Caller& caller, SurveyReportParams p) {
  require(caller, Permission::kSurveysRead);
  check_survey_kind("kind", p.kind);
  SurveyReport out;
  out.kind = p.kind;
  out.group_by = p.group_by;
  out.to = p.to.value_or(now_ms());
  out.from = p.from.value_or(out.to - 365 * kDayMs);
  if (out.to <= out.from) throw_invalid("to", "must be after from");
  // The group key from an allow-list (never from the request's text).
  std::string key;
  std::string from = "survey_responses r";
  if (p.group_by == "month") {
    key = "r.responded_at";
  } else if (p.group_by == "channel") {
    key = "r.channel";
  } else if (p.group_by == "store") {
    key = "r.store";
  } else if (p.group_by == "segment") {
    key = "s.rfm_segment";
    from += " LEFT JOIN customer_scores s ON s.customer_id = r.customer_id";
  } else {
    throw_invalid("group_by", "must be one of month, channel, store, segment");
  }
  auto& conn = db_.reader();
  store::Transaction snapshot(conn, false);
  std::map<std::optional<std::string>, ScoreCounts> groups;
  ScoreCounts total;
  if (p.group_by == "month") {
    const BusinessCalendar cal = business_calendar(conn);
    store::Query q(conn,
                   "SELECT r.responded_at, r.score FROM survey_responses r WHERE r.kind = ? AND "
                   "r.responded_at >= ? AND r.responded_at < ?",
                   p.kind, out.from, out.to);
    while (q.step()) {
      const auto score = static_cast<std::size_t>(q->get_int(1));
      if (score > 10) continue;
      groups[month_key(cal.local_day(q->get_int(0)))].by_score[score] += 1;
      total.by_score[score] += 1;
    }
  } else {
    store::Query q(conn,
                   "SELECT " + key + ", r.score, count(*) FROM " + from +
                       " WHERE r.kind = ? AND r.responded_at >= ? AND r.responded_at < ? GROUP "
                       "BY 1, 2",
                   p.kind, out.from, out.to);
    while (q.step()) {
      const auto score = static_cast<std::size_t>(q->get_int(1));
      if (score > 10) continue;
      groups[q->get_optional_text(0)].by_score[score] += q->get_int(2);
      total.by_score[score] += q->get_int(2);
    }
  }
  for (const auto& [k, c] : groups) out.groups.push_back(finish_survey_group(k, c));
  if (p.group_by != "month") {
    std::stable_sort(out.groups.begin(), out.groups.end(),
                     [](const auto& a, const auto& b) { return a.responses > b.responses; });
  }
  out.total = finish_survey_group(std::nullopt, total);
  return out;
}

WriteOp<SurveyInvitation> SurveyService::invite(const Caller& caller, NewInvitation in) {
  require(caller, Permission::kSurveysWrite);
  check_survey_kind("kind", in.kind);
  if (in.channel && !is_order_channel(*in.channel)) {
    throw_invalid("channel",
                  "must be one of store, phone, web, email, sms, chat, social, visit, import");
  }
  if (in.store) {
    check_text("store", *in.store, kMaxSurveyStore, true);
    in.store = trim(*in.store);
  }
  if (in.ticket_id && in.order_id) {
    throw_invalid("order_id", "an invitation asks about a ticket or an order, not both");
  }
  return [caller, in = std::move(in)](store::Connection& conn) {
    check_feedback_customer(conn, in.customer_id, "customer_id");
    SurveyInvitation i;
    i.kind = in.kind;
    i.customer_id = in.customer_id;
    i.source = "manual";
    i.channel = in.channel;
    i.store = in.store;
    if (in.ticket_id) {
      store::Query q(conn, "SELECT customer_id, channel FROM tickets WHERE id = ?", *in.ticket_id);
      if (!q.step())
        throw_not_found("no ticket with id " + std::to_string(*in.ticket_id), "ticket_id");
      if (q->get_int(0) != in.customer_id) {
        throw_conflict("ticket " + std::to_string(*in.ticket_id) + " belongs to customer " +
                           std::to_string(q->get_int(0)),
                       "ticket_id");
      }
      if (!i.channel) i.channel = std::string(q->get_text(1));
      i.ticket_id = in.ticket_id;
    }
    if (in.order_id) {
      store::Query q(conn, "SELECT customer_id, channel, location FROM orders WHERE id = ?",
                     *in.order_id);
      if (!q.step())
        throw_not_found("no order with id " + std::to_string(*in.order_id), "order_id");
      if (q->is_null(0) || q->get_int(0) != in.customer_id) {
        throw_conflict("order " + std::to_string(*in.order_id) + " is not customer " +
                           std::to_string(in.customer_id) + "'s",
                       "order_id");
      }
      if (!i.channel) i.channel = std::string(q->get_text(1));
      if (!i.store) i.store = q->get_optional_text(2);
      i.order_id = in.order_id;
    }
    for (auto [column, id] :
         {std::pair{"ticket_id", i.ticket_id}, std::pair{"order_id", i.order_id}}) {
      if (!id) continue;
      if (auto other = existing_invitation(conn, column, *id, i.kind)) {
        throw_conflict(std::string(column == std::string("ticket_id") ? "ticket " : "order ") +
                           std::to_string(*id) + " already has a " + i.kind + " invitation (id " +
                           std::to_string(*other) + ")",
                       column);
      }
    }
    return insert_invitation(conn, caller, std::move(i));
  };
}

WriteOp<SurveyResponse> SurveyService::respond(const Caller& caller, std::int64_t invitation_id,
                                               std::int64_t score,
                                               std::optional<std::string> comment) {
  require(caller, Permission::kSurveysWrite);
  // The widest range now; the kind's own range once the invitation is read.
  if (score < 0 || score > 10) {
    throw_invalid("score", "must be from 1 to 5 for a csat survey, 0 to 10 for an nps survey");
  }
  if (comment) {
    check_text("comment", *comment, kMaxSurveyComment, false, true);
    if (trim(*comment).empty()) comment.reset();
  }
  return [caller, invitation_id, score, comment = std::move(comment)](store::Connection& conn) {
    auto inv = find_invitation(conn, invitation_id);
    if (!inv)
      throw_not_found("no survey invitation with id " + std::to_string(invitation_id), "id");
    check_survey_score("score", inv->kind, score);
    if (inv->responded_at) {
      throw_conflict("survey invitation " + std::to_string(invitation_id) +
                         " was already answered on " + format_time(*inv->responded_at),
                     "id");
    }
    check_feedback_customer(conn, inv->customer_id, "customer_id");
    SurveyResponse r;
    r.invitation_id = inv->id;
    r.kind = inv->kind;
    r.customer_id = inv->customer_id;
    r.score = static_cast<int>(score);
    r.comment = comment;
    r.channel = inv->channel;
    r.store = inv->store;
    r.created_by = caller.user_id;
    r.responded_at = now_ms();
    store::execute(conn,
                   "INSERT INTO survey_responses (invitation_id, kind, customer_id, score, "
                   "comment, channel, store, created_by, responded_at) VALUES (?, ?, ?, ?, ?, ?, "
                   "?, ?, ?)",
                   r.invitation_id, r.kind, r.customer_id, r.score, r.comment, r.channel, r.store,
                   r.created_by, r.responded_at);
    r.id = conn.last_insert_id();
    store::execute(conn, "UPDATE survey_invitations SET responded_at = ? WHERE id = ?",
                   r.responded_at, r.invitation_id);
    TimelineEntry e;
    e.customer_id = r.customer_id;
    e.kind = "survey_response";
    e.channel = r.channel && is_timeline_channel(*r.channel) ? *r.channel : "system";
    e.direction = "inbound";
    if (r.kind == "nps") {
      const NpsCategory c = nps_category(r.score);
      e.subject = "NPS " + std::to_string(r.score) + "/10 (" +
                  (c == NpsCategory::kPromoter  ? "promoter"
                   : c == NpsCategory::kPassive ? "passive"
                                                : "detractor") +
                  ")";
    } else {
      e.subject = "CSAT " + std::to_string(r.score) + "/5" +
                  (csat_satisfied(r.score) ? " (satisfied)" : " (not satisfied)");
    }
    if (inv->ticket_id) *e.subject += " on ticket #" + std::to_string(*inv->ticket_id);
    if (inv->order_id) *e.subject += " after order #" + std::to_string(*inv->order_id);
    e.body = r.comment;
    e.ref_type = "survey_response";
    e.ref_id = r.id;
    append_timeline(conn, caller, std::move(e));
    record_audit(conn, caller, "create", "survey_response", std::to_string(r.id), nullptr,
                 {{"invitation_id", r.invitation_id},
                  {"kind", r.kind},
                  {"customer_id", r.customer_id},
                  {"score", r.score},
                  {"comment", json_or_null(r.comment)}});
    return r;
  };
}

std::optional<std::int64_t> invite_on_ticket_resolved(store::Connection& conn, const Caller& caller,
                                                      std::int64_t ticket_id,
                                                      std::int64_t customer_id,
                                                      const std::string& channel) {
  if (get_setting(conn, setting::kSurveyCsatOnResolve) != "true") return std::nullopt;
  if (!customer_is_live(conn, customer_id)) return std::nullopt;
  if (existing_invitation(conn, "ticket_id", ticket_id, "csat")) return std::nullopt;
  SurveyInvitation i;
  i.kind = "csat";
  i.customer_id = customer_id;
  i.source = "ticket_resolved";
  i.ticket_id = ticket_id;
  i.channel = channel;
  return insert_invitation(conn, caller, std::move(i)).id;
}

std::optional<std::int64_t> invite_after_order(store::Connection& conn, const Caller& caller,
                                               std::int64_t order_id,
                                               std::optional<std::int64_t> customer_id,
                                               const std::string& channel,
                                               const std::optional<std::string>& location) {
  if (!customer_id) return std::nullopt;
  if (get_setting(conn, setting::kSurveyNpsAfterOrder) != "true") return std::nullopt;
  if (!customer_is_live(conn, *customer_id)) return std::nullopt;
  const TimeMs now = now_ms();
  const std::int64_t quiet_days = get_setting_int(conn, setting::kSurveyNpsQuietDays);
  {
    store::Query q(conn,
                   "SELECT 1 FROM survey_invitations WHERE customer_id = ? AND kind = 'nps' AND "
                   "created_at > ? LIMIT 1",
                   *customer_id, now - quiet_days * kDayMs);
    if (q.step()) return std::nullopt;
  }
  SurveyInvitation i;
  i.kind = "nps";
  i.customer_id = *customer_id;
  i.source = "order";
  i.order_id = order_id;
  i.channel = channel;
  i.store = location;
  return insert_invitation(conn, caller, std::move(i)).id;
}

}  // namespace rapport::app
