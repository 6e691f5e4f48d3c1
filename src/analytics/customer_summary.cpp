#include "analytics/customer_summary.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/error.hpp"

namespace rapport::analytics {

double days_per_unit(TimeUnit unit) noexcept {
  return unit == TimeUnit::kWeeks ? 7.0 : 1.0;
}

namespace {

bool ordered(const Transaction& l, const Transaction& r) {
  return l.customer != r.customer ? l.customer < r.customer : l.day < r.day;
}

// Folds the transactions of one customer (sorted by day) into a summary; returns false when the
// customer was born after the calibration end.
bool summarize_customer(std::span<const Transaction> rows, const SummaryOptions& options,
                        double unit, CustomerSummary& out) {
  const std::int32_t first = rows.front().day;
  if (first > options.calibration_end) return false;
  const std::int32_t holdout_end = options.holdout_end.value_or(options.calibration_end);
  out = CustomerSummary{};
  out.customer = rows.front().customer;
  out.first_day = first;
  double repeat_amount = 0;
  double gap_sum = 0;
  double gap_sum_sq = 0;
  std::int32_t gaps = 0;
  std::int32_t previous_day = first;
  std::size_t i = 0;
  while (i < rows.size()) {
    const std::int32_t day = rows[i].day;
    double amount = 0;
    for (; i < rows.size() && rows[i].day == day; ++i) amount += rows[i].amount;
    if (day <= options.calibration_end) {
      out.transactions += 1;
      out.total_amount += amount;
      out.last_day = day;
      if (day != first) {
        repeat_amount += amount;
        const double gap = day - previous_day;
        gap_sum += gap;
        gap_sum_sq += gap * gap;
        ++gaps;
      }
      previous_day = day;
    } else if (day <= holdout_end) {
      out.holdout_frequency += 1;
      out.holdout_amount += amount;
    } else {
      break;
    }
  }
  out.frequency = out.transactions - 1;
  out.recency = (out.last_day - first) / unit;
  out.age = (options.calibration_end - first) / unit;
  out.monetary = out.frequency > 0 ? repeat_amount / out.frequency : 0.0;
  if (gaps >= 2) {
    const double mean = gap_sum / gaps;
    const double variance = std::max(0.0, gap_sum_sq / gaps - mean * mean);
    out.interpurchase_cv = std::sqrt(variance) / mean;
  } else {
    out.interpurchase_cv = std::numeric_limits<double>::quiet_NaN();
  }
  return true;
}

}  // namespace

Summaries summarize(std::span<const Transaction> transactions, const SummaryOptions& options) {
  if (options.holdout_end && *options.holdout_end < options.calibration_end) {
    throw_invalid("holdout_end", "the holdout must end on or after the calibration end");
  }
  // Sorting is the main cost; skip the copy when the caller already delivers sorted rows (the
  // store's GROUP BY path and most exports do).
  std::vector<Transaction> sorted_copy;
  std::span<const Transaction> rows = transactions;
  if (!std::is_sorted(transactions.begin(), transactions.end(), ordered)) {
    sorted_copy.assign(transactions.begin(), transactions.end());
    std::sort(sorted_copy.begin(), sorted_copy.end(), ordered);
    rows = sorted_copy;
  }
  const double unit = days_per_unit(options.time_unit);
  Summaries result;
  if (options.holdout_end) {
    result.holdout_length = (*options.holdout_end - options.calibration_end) / unit;
  }
  std::size_t begin = 0;
  while (begin < rows.size()) {
    std::size_t end = begin + 1;
    while (end < rows.size() && rows[end].customer == rows[begin].customer) ++end;
    CustomerSummary summary;
    if (summarize_customer(rows.subspan(begin, end - begin), options, unit, summary)) {
      result.customers.push_back(summary);
    } else {
      ++result.customers_born_after_calibration;
    }
    begin = end;
  }
  return result;
}

}  // namespace rapport::analytics
