#include "app/sla_scheduler.hpp"

#include <unordered_map>

#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "app/audit_log.hpp"
#include "app/caller.hpp"
#include "app/ticket_service.hpp"
#include "app/timeline.hpp"
#include "core/error.hpp"

namespace rapport::app {

namespace {

Caller sla_scheduler_caller() {
  Caller c;
  c.role = Role::kAdmin;
  c.request_id = "sla-scheduler";
  return c;
}

struct QueueManager {
  std::int64_t id = 0;
  std::string name;
};

// The manager of a queue (cached for the batch); nullopt for no queue.
std::optional<QueueManager> queue_manager_of(
    store::Connection& conn, std::unordered_map<std::int64_t, std::optional<QueueManager>>& cache,
    std::optional<std::int64_t> queue_id) {
  if (!queue_id) return std::nullopt;
  auto it = cache.find(*queue_id);
  if (it != cache.end()) return it->second;
  store::Query q(conn,
                 "SELECT u.id, u.name FROM ticket_queues q JOIN users u ON u.id = q.manager_id "
                 "WHERE q.id = ?",
                 *queue_id);
  std::optional<QueueManager> m;
  if (q.step()) m = QueueManager{q->get_int(0), std::string(q->get_text(1))};
  cache.emplace(*queue_id, m);
  return m;
}

// Escalates one breach: timeline, notification, audit.
void escalate_breach(store::Connection& conn, const Caller& caller, const Ticket& t,
                     const char* target, TimeMs due, const std::optional<QueueManager>& manager,
                     SweepResult& r) {
  std::string subject = "Ticket #" + std::to_string(t.id) + " breached its " + target +
                        " target (due " + format_time(due) + ")";
  if (manager) subject += "; escalated to " + manager->name;
  TimelineEntry e;
  e.customer_id = t.customer_id;
  e.at = due;
  e.kind = "ticket_escalated";
  e.channel = "system";
  e.subject = subject;
  e.ref_type = "ticket";
  e.ref_id = t.id;
  append_timeline(conn, caller, std::move(e));
  if (manager) {
    store::execute(conn,
                   "INSERT INTO notifications (user_id, kind, subject, ref_type, ref_id, "
                   "created_at) VALUES (?, 'sla_breach', ?, 'ticket', ?, ?)",
                   manager->id, subject, t.id, now_ms());
    ++r.notifications;
  }
  nlohmann::json after = {{"target", target}, {"due", due}};
  after["escalated_to"] = manager ? nlohmann::json(manager->id) : nlohmann::json(nullptr);
  record_audit(conn, caller, "breach", "ticket", std::to_string(t.id), nullptr, after);
}

// One batch; returns the number of tickets handled.
std::size_t sweep_sla_batch(store::Connection& conn, TimeMs now, SweepResult& r) {
  const Caller caller = sla_scheduler_caller();
  std::unordered_map<std::int64_t, std::optional<QueueManager>> managers;
  std::vector<Ticket> due = tickets_due(conn, now, kSweepBatch);
  for (Ticket& t : due) {
    const auto manager = queue_manager_of(conn, managers, t.queue_id);
    if (t.first_response_due && !t.first_response_at && !t.first_response_breached_at &&
        *t.first_response_due <= now) {
      t.first_response_breached_at = *t.first_response_due;
      ++r.first_response_breaches;
      escalate_breach(conn, caller, t, "first-response", *t.first_response_due, manager, r);
    }
    if (t.resolution_due && !t.resolved_at && !t.resolution_breached_at &&
        *t.resolution_due <= now) {
      t.resolution_breached_at = *t.resolution_due;
      ++r.resolution_breaches;
      escalate_breach(conn, caller, t, "resolution", *t.resolution_due, manager, r);
    }
    t.breached = t.breached || t.first_response_breached_at || t.resolution_breached_at;
    refresh_sla_next_check(t);
    // Only the columns a breach changes, so only the indexes holding them are touched.
    store::execute(conn,
                   "UPDATE tickets SET first_response_breached_at = ?, resolution_breached_at = ?, "
                   "breached = ?, sla_next_check = ?, updated_at = ?, version = version + 1 "
                   "WHERE id = ?",
                   t.first_response_breached_at, t.resolution_breached_at, t.breached,
                   t.sla_next_check, now, t.id);
  }
  return due.size();
}

}  // namespace

SweepResult sweep_sla(store::Database& db, TimeMs now) {
  SweepResult r;
  for (;;) {
    std::size_t n =
        db.writer().run([&](store::Connection& conn) { return sweep_sla_batch(conn, now, r); });
    ++r.batches;
    if (n < kSweepBatch) break;
  }
  return r;
}

SlaScheduler::SlaScheduler(store::Database& db, std::chrono::milliseconds period,
                           std::function<void(TimeMs)> daily)
    : db_(db), period_(period), daily_(std::move(daily)), thread_([this] { run(); }) {}

SlaScheduler::~SlaScheduler() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void SlaScheduler::run() {
  constexpr TimeMs kDay = 86'400'000;
  TimeMs last_day = -1;
  for (;;) {
    const TimeMs now = now_ms();
    if (daily_ && now / kDay != last_day) {
      last_day = now / kDay;
      try {
        daily_(now);
      } catch (const std::exception& e) {
        // Tomorrow's run tries again; each batch rolled back as a whole.
        spdlog::error("daily jobs failed: {}", e.what());
      }
    }
    try {
      SweepResult r = sweep_sla(db_, now_ms());
      if (r.first_response_breaches + r.resolution_breaches > 0) {
        spdlog::info("sla sweep: {} first-response and {} resolution breaches, {} notified",
                     r.first_response_breaches, r.resolution_breaches, r.notifications);
      }
    } catch (const std::exception& e) {
      // The next period tries again; a failed batch rolled back as a whole.
      spdlog::error("sla sweep failed: {}", e.what());
    }
    std::unique_lock<std::mutex> lock(mutex_);
    if (wake_.wait_for(lock, period_, [this] { return stop_; })) return;
  }
}

}  // namespace rapport::app
