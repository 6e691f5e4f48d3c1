#include "app/loyalty_jobs.hpp"

#include <algorithm>
#include <chrono>
#include <vector>

#include <nlohmann/json.hpp>

#include "app/caller.hpp"
#include "app/loyalty_service.hpp"
#include "app/timeline.hpp"
#include "core/loyalty_rules.hpp"

namespace rapport::app {

namespace {

constexpr TimeMs kLoyaltyDayMs = 86'400'000;

Caller loyalty_job_caller() {
  Caller c;
  c.role = Role::kAdmin;
  c.request_id = "loyalty-job";
  return c;
}

std::int64_t job_value(store::Connection& conn, const char* name) {
  store::Query q(conn, "SELECT value FROM job_state WHERE name = ?", std::string_view(name));
  return q.step() ? q->get_int(0) : 0;
}

void set_job_value(store::Connection& conn, const char* name, std::int64_t value) {
  store::execute(conn,
                 "INSERT INTO job_state (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE "
                 "SET value = excluded.value",
                 std::string_view(name), value);
}

// Members with a lot expiring in (from, to], or a lot written after `after_id` already due by
// `to`: sorted, unique. Both read the expiry index (expires_at, customer_id) only. On a first run
// (from = 0) the first read already holds every lot due by `to`.
std::vector<std::int64_t> members_with_lots(store::Connection& conn, TimeMs from, TimeMs to,
                                            std::int64_t after_id) {
  std::vector<std::int64_t> ids;
  {
    store::Query q(
        conn, "SELECT customer_id FROM loyalty_ledger WHERE expires_at > ? AND expires_at <= ?",
        from, to);
    while (q.step()) ids.push_back(q->get_int(0));
  }
  if (from > 0) {
    store::Query q(conn,
                   // The rowid range (the entries written since the last run) drives: `+`
                   // keeps SQLite off the expiry index, whose range here is every lot ever due.
                   "SELECT customer_id FROM loyalty_ledger WHERE id > ? AND +expires_at IS NOT "
                   "NULL AND +expires_at <= ?",
                   after_id, to);
    while (q.step()) ids.push_back(q->get_int(0));
  }
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  return ids;
}

}  // namespace

ExpiryResult expire_points(store::Database& db, TimeMs now) {
  ExpiryResult r;
  const Caller caller = loyalty_job_caller();
  auto& reader = db.reader();
  LoyaltyConfig cfg;
  std::vector<std::int64_t> expiring;
  std::vector<std::int64_t> to_notify;
  TimeMs notice_until = 0;
  std::int64_t max_id = 0;
  {
    // The scans of the expiry index for the members due read through a map (no transaction yet).
    store::MappedReads mapped(reader);
    store::Transaction snapshot(reader, false);
    cfg = load_loyalty_config(reader);
    const TimeMs expired_until = job_value(reader, "loyalty_expiry_until");
    const std::int64_t seen_id = job_value(reader, "loyalty_expiry_ledger_id");
    {
      store::Query q(reader, "SELECT coalesce(max(id), 0) FROM loyalty_ledger");
      q.step();
      max_id = q->get_int(0);
    }
    expiring = members_with_lots(reader, expired_until, now, seen_id);
    notice_until = now + cfg.notice_days * kLoyaltyDayMs;
    const TimeMs noticed_until = std::max(job_value(reader, "loyalty_notice_until"), now);
    if (cfg.notice_days > 0 && notice_until > noticed_until) {
      to_notify = members_with_lots(reader, noticed_until, notice_until, max_id);
    }
  }
  // An expiry batch ends after kLoyaltyExpiryBatch members or kLoyaltyBatchTime of work,
  // whichever comes first: every commit costs an fsync and a round of the checkpointer (on 50M
  // ledger entries, 1M members expired in 38 s in batches of 2,000, 31 s in batches of 8,000),
  // while a batch holds the one writer and orders wait behind it.
  for (std::size_t start = 0; start < expiring.size();) {
    std::size_t end = start;
    std::int64_t members = 0;
    std::int64_t points = 0;
    db.writer().run([&](store::Connection& conn) {
      members = 0;
      points = 0;
      const auto began = std::chrono::steady_clock::now();
      const std::size_t last = std::min(expiring.size(), start + kLoyaltyExpiryBatch);
      for (end = start; end < last; ++end) {
        if ((end - start) % 64 == 63 &&
            std::chrono::steady_clock::now() - began > kLoyaltyBatchTime) {
          break;
        }
        const std::int64_t id = expiring[end];
        const LedgerTotals t = ledger_totals(conn, id);
        const std::int64_t due = std::min(points_due_by(conn, id, now, t), t.balance);
        if (due <= 0) continue;
        NewLedgerEntry n;
        n.customer_id = id;
        n.kind = "expire";
        n.points = -due;
        n.reason =
            "Points earned more than " + std::to_string(cfg.expiry_months) + " months ago expired";
        n.ref_type = "job";
        n.at = now;
        const LedgerEntry e = append_ledger(conn, caller, cfg, std::move(n), "points", t);
        TimelineEntry te;
        te.customer_id = id;
        te.at = now;
        te.kind = "points_expired";
        te.channel = "system";
        te.subject =
            std::to_string(due) + " loyalty points expired; balance " + std::to_string(e.balance);
        te.ref_type = "customer";
        te.ref_id = id;
        append_timeline(conn, caller, std::move(te));
        ++members;
        points += due;
      }
    });
    r.members += members;
    r.points += points;
    ++r.batches;
    start = end;
  }
  for (std::size_t start = 0; start < to_notify.size(); start += kLoyaltyBatch) {
    const std::size_t end = std::min(to_notify.size(), start + kLoyaltyBatch);
    db.writer().run([&](store::Connection& conn) {
      for (std::size_t i = start; i < end; ++i) {
        const std::int64_t id = to_notify[i];
        const LedgerTotals t = ledger_totals(conn, id);
        const std::int64_t due = std::min(points_due_by(conn, id, notice_until, t), t.balance);
        if (due <= 0) continue;
        const std::string subject = std::to_string(due) + " loyalty points expire by " +
                                    format_time(notice_until).substr(0, 10);
        store::execute(conn,
                       "INSERT INTO customer_notices (customer_id, kind, subject, points, due_at, "
                       "created_at) VALUES (?, 'points_expiring', ?, ?, ?, ?)",
                       id, subject, due, notice_until, now_ms());
        TimelineEntry te;
        te.customer_id = id;
        te.at = now;
        te.kind = "points_expiring";
        te.channel = "system";
        te.subject = subject + " (notice sent)";
        te.ref_type = "customer";
        te.ref_id = id;
        append_timeline(conn, caller, std::move(te));
        ++r.notices;
      }
    });
    ++r.batches;
  }
  // Where this run stopped: the next one starts from here.
  db.writer().run([&](store::Connection& conn) {
    set_job_value(conn, "loyalty_expiry_until",
                  std::max(job_value(conn, "loyalty_expiry_until"), now));
    set_job_value(conn, "loyalty_expiry_ledger_id", max_id);
    if (cfg.notice_days > 0) {
      set_job_value(conn, "loyalty_notice_until",
                    std::max(job_value(conn, "loyalty_notice_until"), notice_until));
    }
  });
  return r;
}

TierReviewResult review_tiers(store::Database& db, TimeMs now) {
  TierReviewResult r;
  const Caller caller = loyalty_job_caller();
  std::vector<std::int64_t> due;
  LoyaltyConfig cfg;
  {
    auto& reader = db.reader();
    store::Transaction snapshot(reader, false);
    cfg = load_loyalty_config(reader);
    // A membership merged into another customer's (move_membership) is no longer reviewed.
    store::Query q(reader,
                   "SELECT m.customer_id FROM loyalty_members m JOIN customers c ON c.id = "
                   "m.customer_id WHERE m.tier_review_at <= ? AND c.merged_into IS NULL",
                   now);
    while (q.step()) due.push_back(q->get_int(0));
  }
  for (std::size_t start = 0; start < due.size(); start += kLoyaltyBatch) {
    const std::size_t end = std::min(due.size(), start + kLoyaltyBatch);
    db.writer().run([&](store::Connection& conn) {
      for (std::size_t i = start; i < end; ++i) {
        if (reevaluate_tier(conn, caller, cfg, due[i], now)) ++r.changed;
        ++r.reviewed;
      }
    });
    ++r.batches;
  }
  return r;
}

}  // namespace rapport::app
