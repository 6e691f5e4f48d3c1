#pragma once
// Test helper: loads the CDNOW sample (../shared/data/cdnow, README there) into analytics
// transactions. Kept in the tests, because analytics does no I/O; the product's reader lives in
// app/transactions_file.
#include <chrono>
#include <cstdint>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "analytics/customer_summary.hpp"

namespace rapport::analytics::testing {

inline std::int32_t day_number(int y, unsigned m, unsigned d) {
  const std::chrono::sys_days days{std::chrono::year{y} / std::chrono::month{m} /
                                   std::chrono::day{d}};
  return static_cast<std::int32_t>(days.time_since_epoch().count());
}

inline std::vector<Transaction> load_cdnow() {
  const std::string path = std::string(RAPPORT_SHARED_DATA) + "/cdnow/CDNOW_sample.txt";
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open " + path);
  std::vector<Transaction> rows;
  long long master = 0, sample = 0, ymd = 0, cds = 0;
  double dollars = 0;
  while (in >> master >> sample >> ymd >> cds >> dollars) {
    rows.push_back(
        {master,
         day_number(static_cast<int>(ymd / 10000), static_cast<unsigned>(ymd / 100 % 100),
                    static_cast<unsigned>(ymd % 100)),
         dollars});
  }
  return rows;
}

inline SummaryOptions cdnow_options(bool holdout) {
  SummaryOptions o;
  o.calibration_end = day_number(1997, 9, 30);
  if (holdout) o.holdout_end = day_number(1998, 6, 30);
  o.time_unit = TimeUnit::kWeeks;
  return o;
}

}  // namespace rapport::analytics::testing
