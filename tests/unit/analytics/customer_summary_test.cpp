#include "analytics/customer_summary.hpp"

#include <cmath>

#include <gtest/gtest.h>

#include "cdnow_data.hpp"
#include "core/error.hpp"

namespace rapport::analytics {
namespace {

TEST(CustomerSummary, CdnowCountsMatchThePapers) {
  const auto rows = testing::load_cdnow();
  ASSERT_EQ(rows.size(), 6919u);
  const Summaries s = summarize(rows, testing::cdnow_options(true));
  ASSERT_EQ(s.customers.size(), 2357u);
  long repeat = 0, zero = 0, holdout = 0;
  for (const auto& c : s.customers) {
    repeat += c.frequency;
    zero += c.frequency == 0;
    holdout += c.holdout_frequency;
  }
  EXPECT_EQ(repeat, 2457);
  EXPECT_EQ(zero, 1411);
  EXPECT_EQ(s.customers.size() - zero, 946u);
  EXPECT_EQ(holdout, 1882);
  EXPECT_DOUBLE_EQ(s.holdout_length, 273.0 / 7);
  // Customer 4 (first row of the file): 1997-01-01, 01-18, 08-02 in calibration, 12-12 after.
  const CustomerSummary& first = s.customers.front();
  EXPECT_EQ(first.customer, 4);
  EXPECT_EQ(first.frequency, 2);
  EXPECT_NEAR(first.recency, 213.0 / 7, 1e-12);  // 30.43 in the papers' file
  EXPECT_NEAR(first.age, 272.0 / 7, 1e-12);      // 38.86
  EXPECT_NEAR(first.monetary, (29.73 + 14.96) / 2, 1e-12);
  EXPECT_EQ(first.holdout_frequency, 1);
}

TEST(CustomerSummary, MergesSameDayAndHandlesUnits) {
  // Customer 7: first on day 10 (two rows), repeats on day 12 (two rows) and day 20; a row on
  // day 40 falls in the holdout and one on day 60 after it. Given out of order on purpose.
  const std::vector<Transaction> rows = {
      {7, 20, 5.0},   {7, 10, 1.0}, {7, 12, 2.0}, {7, 10, 3.0},  {7, 12, 4.0},
      {7, 60, 100.0}, {7, 40, 9.0}, {9, 29, 8.0}, {11, 31, 1.0},
  };
  SummaryOptions o;
  o.calibration_end = 30;
  o.holdout_end = 50;
  o.time_unit = TimeUnit::kDays;
  const Summaries s = summarize(rows, o);
  ASSERT_EQ(s.customers.size(), 2u);  // customer 11 is born after the calibration end
  EXPECT_EQ(s.customers_born_after_calibration, 1u);
  const CustomerSummary& c = s.customers[0];
  EXPECT_EQ(c.customer, 7);
  EXPECT_EQ(c.frequency, 2);
  EXPECT_EQ(c.transactions, 3);
  EXPECT_DOUBLE_EQ(c.recency, 10);
  EXPECT_DOUBLE_EQ(c.age, 20);
  EXPECT_DOUBLE_EQ(c.monetary, (6.0 + 5.0) / 2);
  EXPECT_DOUBLE_EQ(c.total_amount, 15);
  EXPECT_EQ(c.holdout_frequency, 1);
  EXPECT_DOUBLE_EQ(c.holdout_amount, 9);
  // Gaps 2 and 8: mean 5, sd 3.
  EXPECT_NEAR(c.interpurchase_cv, 0.6, 1e-12);
  const CustomerSummary& d = s.customers[1];
  EXPECT_EQ(d.frequency, 0);
  EXPECT_DOUBLE_EQ(d.recency, 0);
  EXPECT_DOUBLE_EQ(d.age, 1);
  EXPECT_DOUBLE_EQ(d.monetary, 0);
  EXPECT_TRUE(std::isnan(d.interpurchase_cv));

  o.time_unit = TimeUnit::kWeeks;
  const Summaries w = summarize(rows, o);
  EXPECT_DOUBLE_EQ(w.customers[0].recency, 10.0 / 7);
  EXPECT_DOUBLE_EQ(w.customers[0].age, 20.0 / 7);
}

TEST(CustomerSummary, RejectsHoldoutBeforeCalibrationEnd) {
  SummaryOptions o;
  o.calibration_end = 30;
  o.holdout_end = 29;
  const std::vector<Transaction> rows = {{1, 1, 1.0}};
  try {
    summarize(rows, o);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
    EXPECT_EQ(e.field(), "holdout_end");
  }
}

}  // namespace
}  // namespace rapport::analytics
