#pragma once
// The customer feedback of the demo store (`rapport demo`), generated from what the store
// already holds: reviews of bought products (mostly good, some poor, a few hidden by moderation,
// helpful votes), CSAT invitations on resolved tickets and NPS invitations after recent orders
// with their responses (the survey rules turned on), and a knowledge base of a few dozen
// articles in English and Chinese in five categories, linked to tickets they solved. Timeline
// entries are those the use cases write; product rating aggregates are computed from the
// reviews at the end. Deterministic from the seed.
//
// REQUIRES: generate_demo_store() ran on `conn` (in the same transaction). Errors:
// rapport::Error from the store. Not thread-safe (one connection).
#include <cstdint>

#include "app/caller.hpp"
#include "core/time.hpp"
#include "store/connection.hpp"

namespace rapport::app {

struct DemoFeedbackSummary {
  std::int64_t reviews = 0;
  std::int64_t votes = 0;
  std::int64_t invitations = 0;
  std::int64_t responses = 0;
  std::int64_t articles = 0;
  std::int64_t ticket_links = 0;
};

DemoFeedbackSummary generate_demo_feedback(store::Connection& conn, const Caller& caller,
                                           std::uint64_t seed, TimeMs now);

}  // namespace rapport::app
