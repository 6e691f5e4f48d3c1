#include "analytics/rfm.hpp"

#include <cmath>
#include <set>

#include <gtest/gtest.h>

#include "core/error.hpp"

namespace rapport::analytics {
namespace {

TEST(Rfm, QuintileScoresOnDistinctValues) {
  EXPECT_EQ(quintile_scores(std::vector<double>{10, 20, 30, 40, 50}),
            (std::vector<int>{1, 2, 3, 4, 5}));
  EXPECT_EQ(quintile_scores(std::vector<double>{10, 9, 8, 7, 6, 5, 4, 3, 2, 1}),
            (std::vector<int>{5, 5, 4, 4, 3, 3, 2, 2, 1, 1}));
}

TEST(Rfm, TiedValuesShareAScore) {
  // Four tied at the bottom: nobody below them -> 1; the top value has 4/5 below -> 5.
  EXPECT_EQ(quintile_scores(std::vector<double>{1, 1, 1, 1, 5}), (std::vector<int>{1, 1, 1, 1, 5}));
  // 2 of 6 below the tied 3s: p = 1/3 -> 2; 4 of 6 below 9: p = 2/3 -> 4.
  EXPECT_EQ(quintile_scores(std::vector<double>{3, 1, 3, 9, 1, 10}),
            (std::vector<int>{2, 1, 2, 4, 1, 5}));
  EXPECT_EQ(quintile_scores(std::vector<double>{7, 7, 7}), (std::vector<int>{1, 1, 1}));
}

TEST(Rfm, SegmentTable) {
  EXPECT_EQ(rfm_segment(5, 5), RfmSegment::kChampions);
  EXPECT_EQ(rfm_segment(5, 1), RfmSegment::kNew);
  EXPECT_EQ(rfm_segment(4, 1), RfmSegment::kPromising);
  EXPECT_EQ(rfm_segment(4, 3), RfmSegment::kPotentialLoyalist);
  EXPECT_EQ(rfm_segment(3, 4), RfmSegment::kLoyal);
  EXPECT_EQ(rfm_segment(3, 3), RfmSegment::kNeedAttention);
  EXPECT_EQ(rfm_segment(3, 1), RfmSegment::kAboutToSleep);
  EXPECT_EQ(rfm_segment(2, 4), RfmSegment::kAtRisk);
  EXPECT_EQ(rfm_segment(1, 5), RfmSegment::kCannotLoseThem);
  EXPECT_EQ(rfm_segment(2, 1), RfmSegment::kHibernating);
  EXPECT_EQ(rfm_segment(1, 1), RfmSegment::kLost);
  // Every named segment is reachable from the table.
  std::set<RfmSegment> seen;
  for (int r = 1; r <= 5; ++r) {
    for (int fm = 1; fm <= 5; ++fm) seen.insert(rfm_segment(r, fm));
  }
  EXPECT_EQ(seen.size(), kAllRfmSegments.size());
  EXPECT_EQ(rfm_segment_name(RfmSegment::kCannotLoseThem), "Cannot lose them");
  EXPECT_EQ(rfm_segment_name(RfmSegment::kPotentialLoyalist), "Potential loyalist");
}

TEST(Rfm, ScoresCustomers) {
  // Recency is time since the last purchase: smaller is better.
  const auto s =
      score_rfm(std::vector<double>{1, 10, 20, 30, 40}, std::vector<double>{5, 4, 3, 2, 1},
                std::vector<double>{100, 400, 300, 200, 500});
  ASSERT_EQ(s.size(), 5u);
  EXPECT_EQ(s[0].recency, 5);
  EXPECT_EQ(s[0].frequency, 5);
  EXPECT_EQ(s[0].monetary, 1);
  EXPECT_EQ(s[0].segment, RfmSegment::kPotentialLoyalist);  // FM = (5 + 1 + 1) / 2 = 3
  EXPECT_EQ(s[1].segment, RfmSegment::kLoyal);              // R 4, F 4, M 4
  EXPECT_EQ(s[2].segment, RfmSegment::kNeedAttention);      // R 3, F 3, M 3
  EXPECT_EQ(s[3].segment, RfmSegment::kHibernating);        // R 2, F 2, M 2
  EXPECT_EQ(s[4].recency, 1);
  EXPECT_EQ(s[4].segment, RfmSegment::kAtRisk);  // R 1, F 1, M 5: FM 3
}

TEST(Rfm, FromSummariesAndBadInput) {
  std::vector<CustomerSummary> c(2);
  c[0].age = 30;
  c[0].recency = 29;  // bought a unit ago
  c[0].transactions = 4;
  c[0].total_amount = 90;
  c[1].age = 30;
  c[1].recency = 0;
  c[1].transactions = 1;
  c[1].total_amount = 10;
  const auto s = score_rfm(c);
  EXPECT_GT(s[0].recency, s[1].recency);
  EXPECT_GT(s[0].frequency, s[1].frequency);
  EXPECT_GT(s[0].monetary, s[1].monetary);
  EXPECT_THROW(score_rfm(std::vector<double>{1}, std::vector<double>{NAN}, std::vector<double>{1}),
               Error);
  EXPECT_THROW(score_rfm(std::vector<double>{1}, std::vector<double>{}, std::vector<double>{1}),
               Error);
}

}  // namespace
}  // namespace rapport::analytics
