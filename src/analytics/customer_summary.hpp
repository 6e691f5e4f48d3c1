#pragma once
// Per-customer summaries in the conventions of the CLV literature (Fader, Hardie & Lee 2005),
// computed from raw (customer, day, amount) transactions. These are the inputs of BG/NBD,
// Gamma-Gamma, RFM, Pareto and customer types; the store computes the same columns in SQL.
//
// Conventions:
//  - Several transactions of one customer on the same day count as one transaction whose amount
//    is their sum.
//  - The calibration period ends at the end of `calibration_end` (inclusive). A customer's
//    first transaction day is their birth; customers born after the calibration end are left out
//    (and counted) because the models know nothing of them yet.
//  - frequency (x) = repeat transactions in calibration (transaction days after the first),
//    recency (t_x) = time from the first to the last transaction in calibration (0 when x = 0),
//    age (T) = time from the first transaction to the calibration end,
//    monetary (m) = mean amount of the repeat transactions (0 when x = 0; the first purchase is
//    left out because its amount is not drawn from the same process).
//  - Times are in the chosen unit: days, or weeks = days / 7.
//  - With a holdout end, holdout_frequency counts transaction days in (calibration_end,
//    holdout_end]; transactions after the holdout end are ignored.
//
// Thread-safety: pure functions; safe to call concurrently.
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace rapport::analytics {

// One purchase. `day` counts days since 1970-01-01 (UTC or the business calendar: the caller
// decides; only differences matter). `amount` is in the currency's major unit.
struct Transaction {
  std::int64_t customer = 0;
  std::int32_t day = 0;
  double amount = 0;
};

enum class TimeUnit { kDays, kWeeks };

// Length of one time unit in days (1 or 7).
double days_per_unit(TimeUnit unit) noexcept;

struct SummaryOptions {
  std::int32_t calibration_end = 0;         // last day of calibration (inclusive)
  std::optional<std::int32_t> holdout_end;  // last day of the holdout (inclusive)
  TimeUnit time_unit = TimeUnit::kWeeks;
};

struct CustomerSummary {
  std::int64_t customer = 0;
  std::int32_t frequency = 0;     // x
  double recency = 0;             // t_x
  double age = 0;                 // T
  double monetary = 0;            // m
  std::int32_t first_day = 0;     // birth
  std::int32_t last_day = 0;      // last transaction day in calibration
  std::int32_t transactions = 0;  // x + 1: transaction days in calibration
  double total_amount = 0;        // all calibration amounts, the first purchase included
  // Coefficient of variation (sd / mean) of the gaps between transaction days in calibration;
  // a regularity proxy for customer types. NaN with fewer than two gaps.
  double interpurchase_cv = 0;
  std::int32_t holdout_frequency = 0;  // transaction days in the holdout
  double holdout_amount = 0;
};

struct Summaries {
  std::vector<CustomerSummary> customers;  // ordered by customer id
  std::size_t customers_born_after_calibration = 0;
  double holdout_length = 0;  // holdout_end - calibration_end in time units; 0 without holdout
};

// Builds the summaries. Transactions may come in any order.
// Errors: rapport::Error (invalid_argument, field "holdout_end") when holdout_end <
// calibration_end.
Summaries summarize(std::span<const Transaction> transactions, const SummaryOptions& options);

}  // namespace rapport::analytics
