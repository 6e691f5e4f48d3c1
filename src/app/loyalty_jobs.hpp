#pragma once
// The loyalty programme's daily batch jobs, run by `rapport loyalty expire|review-tiers` and by
// the server's scheduler thread (app/sla_scheduler) once a day.
//
// Expiry: points expire expiry_months after they were earned, first in, first out
// (core/loyalty_rules points_due_to_expire). A run handles the members with a lot whose expiry
// came since the previous run (the partial index on loyalty_ledger.expires_at) or a lot written
// since then that is already due (an imported old order); each gets one 'expire' ledger entry
// and a 'points_expired' timeline entry. Members with points expiring within the notice period
// (loyalty_expiry_notice_days) get one customer notice (customer_notices, the outbox of the
// messaging channel) and a 'points_expiring' timeline entry, once per lot window. Runs are
// idempotent: a second run the same day finds nothing more due.
//
// Tier review: members whose review date has come are re-evaluated (up or down) and get their
// next review date (app/loyalty_service reevaluate_tier).
//
// Both write on the one writer in batches of members (kLoyaltyBatch, or for the expiry up to
// kLoyaltyExpiryBatch or kLoyaltyBatchTime of work) per transaction, so requests
// interleave with a large run; a failed batch rolls back alone and the next run redoes it.
// Thread-safety: may be called from any thread.
#include <chrono>
#include <cstdint>

#include "core/time.hpp"
#include "store/database.hpp"

namespace rapport::app {

inline constexpr std::size_t kLoyaltyBatch = 2000;
// The expiry's batches: up to this many members or this much time each (see expire_points).
inline constexpr std::size_t kLoyaltyExpiryBatch = 20000;
inline constexpr std::chrono::milliseconds kLoyaltyBatchTime{200};

struct ExpiryResult {
  std::int64_t members = 0;  // members whose points expired
  std::int64_t points = 0;   // points expired in all
  std::int64_t notices = 0;  // notices of points about to expire
  std::int64_t batches = 0;
};
ExpiryResult expire_points(store::Database& db, TimeMs now);

struct TierReviewResult {
  std::int64_t reviewed = 0;
  std::int64_t changed = 0;
  std::int64_t batches = 0;
};
TierReviewResult review_tiers(store::Database& db, TimeMs now);

}  // namespace rapport::app
