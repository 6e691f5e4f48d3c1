#pragma once
// RFM scoring: recency, frequency and monetary quintile scores 1-5 (5 = best) and the usual
// named segments.
//
// Scores: a customer's score on a measure is 1 + floor(5 p), where p is the share of customers
// with a strictly worse value (the "minimum rank" percentile). Tied customers therefore always
// share a score, which plain rank-cutting does not guarantee (with many one-purchase customers,
// frequency ties are the rule), and the worst value always scores 1. For recency, less time
// since the last purchase is better.
//
// Segments come from the recency score and the combined FM score, (F + M + 1) / 2 in integers
// (the mean rounded half up), through the table kRfmSegmentTable in rfm.cpp: the one place the
// mapping lives.
//
// Thread-safety: pure functions.
#include <array>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "analytics/customer_summary.hpp"

namespace rapport::analytics {

enum class RfmSegment {
  kChampions,
  kLoyal,
  kPotentialLoyalist,
  kNew,
  kPromising,
  kNeedAttention,
  kAboutToSleep,
  kAtRisk,
  kCannotLoseThem,
  kHibernating,
  kLost,
};
inline constexpr std::array<RfmSegment, 11> kAllRfmSegments = {
    RfmSegment::kChampions,    RfmSegment::kLoyal,     RfmSegment::kPotentialLoyalist,
    RfmSegment::kNew,          RfmSegment::kPromising, RfmSegment::kNeedAttention,
    RfmSegment::kAboutToSleep, RfmSegment::kAtRisk,    RfmSegment::kCannotLoseThem,
    RfmSegment::kHibernating,  RfmSegment::kLost};

// "Champions", "Loyal", "Potential loyalist", "New", "Promising", "Need attention",
// "About to sleep", "At risk", "Cannot lose them", "Hibernating", "Lost".
std::string_view rfm_segment_name(RfmSegment segment) noexcept;

struct RfmScore {
  int recency = 0;    // 1-5
  int frequency = 0;  // 1-5
  int monetary = 0;   // 1-5
  RfmSegment segment = RfmSegment::kLost;
};

// The segment of a recency score and a combined FM score. REQUIRES both in 1..5.
RfmSegment rfm_segment(int recency_score, int fm_score) noexcept;

// Scores customers from their time since the last purchase (any unit; smaller is better), their
// number of purchases and their spend. Input order is kept.
// Errors: rapport::Error (invalid_argument, field "customers") on different lengths or a NaN.
std::vector<RfmScore> score_rfm(std::span<const double> time_since_last_purchase,
                                std::span<const double> frequency,
                                std::span<const double> monetary);

// From summaries: recency = T - t_x, frequency = transactions, monetary = total_amount.
std::vector<RfmScore> score_rfm(std::span<const CustomerSummary> customers);

// The quintile score of every value (1-5, larger value = higher score), as described above.
std::vector<int> quintile_scores(std::span<const double> values);

}  // namespace rapport::analytics
