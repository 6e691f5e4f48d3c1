#include "analytics/rfm.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "core/error.hpp"

namespace rapport::analytics {

namespace {

using S = RfmSegment;
// Rows: recency score 5 (bought recently) down to 1; columns: FM score 1..5.
// Read across: recent low spenders are New/Promising, recent middling ones Potential
// loyalists; high FM is Champions when very recent, Loyal when fairly recent, Cannot lose them
// when long gone; low FM and long gone is Hibernating, then Lost.
constexpr S kRfmSegmentTable[5][5] = {
    /* R=5 */ {S::kNew, S::kPotentialLoyalist, S::kPotentialLoyalist, S::kChampions, S::kChampions},
    /* R=4 */ {S::kPromising, S::kPotentialLoyalist, S::kPotentialLoyalist, S::kLoyal, S::kLoyal},
    /* R=3 */ {S::kAboutToSleep, S::kAboutToSleep, S::kNeedAttention, S::kLoyal, S::kLoyal},
    /* R=2 */ {S::kHibernating, S::kHibernating, S::kAtRisk, S::kAtRisk, S::kCannotLoseThem},
    /* R=1 */ {S::kLost, S::kHibernating, S::kAtRisk, S::kCannotLoseThem, S::kCannotLoseThem},
};

}  // namespace

std::string_view rfm_segment_name(RfmSegment segment) noexcept {
  switch (segment) {
    case S::kChampions:
      return "Champions";
    case S::kLoyal:
      return "Loyal";
    case S::kPotentialLoyalist:
      return "Potential loyalist";
    case S::kNew:
      return "New";
    case S::kPromising:
      return "Promising";
    case S::kNeedAttention:
      return "Need attention";
    case S::kAboutToSleep:
      return "About to sleep";
    case S::kAtRisk:
      return "At risk";
    case S::kCannotLoseThem:
      return "Cannot lose them";
    case S::kHibernating:
      return "Hibernating";
    case S::kLost:
      return "Lost";
  }
  return "Lost";
}

RfmSegment rfm_segment(int recency_score, int fm_score) noexcept {
  const int r = std::clamp(recency_score, 1, 5);
  const int fm = std::clamp(fm_score, 1, 5);
  return kRfmSegmentTable[5 - r][fm - 1];
}

std::vector<int> quintile_scores(std::span<const double> values) {
  const std::size_t n = values.size();
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::sort(order.begin(), order.end(),
            [&](std::size_t l, std::size_t r) { return values[l] < values[r]; });
  std::vector<int> scores(n);
  std::size_t i = 0;
  while (i < n) {
    std::size_t j = i;
    while (j < n && values[order[j]] == values[order[i]]) ++j;
    // Share of customers strictly below the tie group [i, j).
    const double p = static_cast<double>(i) / static_cast<double>(n);
    const int score = std::min(5, 1 + static_cast<int>(std::floor(5 * p)));
    for (std::size_t k = i; k < j; ++k) scores[order[k]] = score;
    i = j;
  }
  return scores;
}

std::vector<RfmScore> score_rfm(std::span<const double> time_since_last_purchase,
                                std::span<const double> frequency,
                                std::span<const double> monetary) {
  const std::size_t n = time_since_last_purchase.size();
  if (frequency.size() != n || monetary.size() != n) {
    throw_invalid("customers", "recency, frequency and monetary must have the same length");
  }
  std::vector<double> negated_recency(n);
  for (std::size_t i = 0; i < n; ++i) {
    if (std::isnan(time_since_last_purchase[i]) || std::isnan(frequency[i]) ||
        std::isnan(monetary[i])) {
      throw_invalid("customers", "RFM input " + std::to_string(i) + " is not a number");
    }
    negated_recency[i] = -time_since_last_purchase[i];
  }
  const std::vector<int> r = quintile_scores(negated_recency);
  const std::vector<int> f = quintile_scores(frequency);
  const std::vector<int> m = quintile_scores(monetary);
  std::vector<RfmScore> out(n);
  for (std::size_t i = 0; i < n; ++i) {
    out[i] = {r[i], f[i], m[i], rfm_segment(r[i], (f[i] + m[i] + 1) / 2)};
  }
  return out;
}

std::vector<RfmScore> score_rfm(std::span<const CustomerSummary> customers) {
  std::vector<double> recency(customers.size()), frequency(customers.size()),
      monetary(customers.size());
  for (std::size_t i = 0; i < customers.size(); ++i) {
    recency[i] = customers[i].age - customers[i].recency;
    frequency[i] = customers[i].transactions;
    monetary[i] = customers[i].total_amount;
  }
  return score_rfm(recency, frequency, monetary);
}

}  // namespace rapport::analytics
