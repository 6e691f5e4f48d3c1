#pragma once
// The SLA scheduler: finds tickets whose first-response or resolution due time has passed
// unmet, marks the breach (at the due time), and escalates it once: a 'ticket_escalated' entry
// on the customer's timeline, a notification to the manager of the ticket's queue (when it has
// one) and an audit entry. A ticket breaching both targets is escalated twice, once per breach.
//
// A sweep reads only the partial index on tickets.sla_next_check (tickets neither met, breached,
// paused nor resolved are in it), so its cost follows the breaches found, not the open tickets.
// It runs on the one writer in batches of kSweepBatch tickets per transaction, so requests'
// writes interleave with a large sweep.
//
// `rapport serve` runs an SlaScheduler (a thread sweeping every period); `rapport service sweep`
// runs one sweep. The same thread runs the server's daily jobs (the loyalty programme's expiry
// and tier review): once at start and then at the first sweep of each new UTC day.
// Thread-safety: sweep_sla may be called from any thread; an SlaScheduler owns its thread.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>

#include "core/time.hpp"
#include "store/database.hpp"

namespace rapport::app {

inline constexpr std::size_t kSweepBatch = 5000;

struct SweepResult {
  std::int64_t first_response_breaches = 0;
  std::int64_t resolution_breaches = 0;
  std::int64_t notifications = 0;  // escalations that reached a queue manager
  std::int64_t batches = 0;        // writer jobs of at most kSweepBatch tickets
};

// One sweep as of `now`: every ticket due at or before `now` is handled.
SweepResult sweep_sla(store::Database& db, TimeMs now);

class SlaScheduler {
 public:
  // Starts the thread; the first sweep runs at once. `daily` (optional) is called with the time
  // at start and at the first sweep of each new UTC day; its exceptions are logged. REQUIRES
  // period > 0.
  SlaScheduler(store::Database& db, std::chrono::milliseconds period,
               std::function<void(TimeMs)> daily = {});
  // Stops and joins the thread (a sweep in progress finishes its batch first).
  ~SlaScheduler();
  SlaScheduler(const SlaScheduler&) = delete;
  SlaScheduler& operator=(const SlaScheduler&) = delete;

 private:
  void run();
  store::Database& db_;
  std::chrono::milliseconds period_;
  std::function<void(TimeMs)> daily_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace rapport::app
