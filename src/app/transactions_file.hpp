#pragma once
// TransactionsFile: reads purchase transactions (customer, date, amount) from a file, for
// `rapport analyze` on files and for the import of orders.
//
// Formats (one transaction per line; "\n" or "\r\n" line ends; the last line may lack its
// "\n"; lines holding only blanks are skipped):
//  - cdnow: whitespace-separated master customer id, sample id, date YYYYMMDD, number of items,
//           amount (the CDNOW_sample.txt layout of Fader, Hardie & Lee). The customer is the
//           master id, kept as text ("00004").
//  - csv:   a header line `customer_id,date,amount`, then rows with date YYYY-MM-DD. Fields may
//           be double-quoted ("" inside quotes is a quote); blanks around fields are ignored. A
//           UTF-8 byte order mark at the start is skipped.
// Amounts are decimal text with an optional leading '-' (refunds) and at most `minor_digits`
// decimals, converted exactly to an integer count of minor units (money is never a double).
//
// Streaming: for_each() holds one line at a time; read() keeps the rows it returns.
//
// Errors: rapport::Error (invalid_argument) with field "PATH:LINE" (1-based) and a message
// giving the reason on a malformed line (wrong number of fields, a bad date, amount or count,
// an empty customer id, a wrong CSV header, a line longer than max_line_bytes);
// rapport::Error (not_found) with field "PATH" when the file cannot be opened, (unavailable)
// when reading fails.
//
// Thread-safety: the functions are re-entrant; a TransactionsFile is a plain value.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "analytics/customer_summary.hpp"

namespace rapport::app {

enum class TransactionFormat { kCdnow, kCsv };

// "cdnow" or "csv"; nullopt otherwise.
std::optional<TransactionFormat> parse_transaction_format(std::string_view name) noexcept;

struct TransactionReadOptions {
  int minor_digits = 2;  // decimals of the currency (2 for USD/EUR, 0 for JPY)
  std::size_t max_line_bytes = std::size_t{1} << 16;
};

// One parsed line. `customer` points into the reader's line buffer: copy it to keep it.
struct TransactionRecord {
  std::string_view customer;
  std::int32_t day = 0;  // days since 1970-01-01
  std::int64_t amount_minor = 0;
  std::size_t line = 0;
};

// Days since 1970-01-01 of a valid "YYYY-MM-DD" (or "YYYYMMDD" when compact); nullopt when the
// text is not a real calendar date between years 1900 and 9999.
std::optional<std::int32_t> parse_day(std::string_view text, bool compact = false) noexcept;
// "YYYY-MM-DD" of a day number.
std::string format_day(std::int32_t day);

class TransactionsFile {
 public:
  // Calls `sink` for every transaction in file order.
  static void for_each(const std::string& path, TransactionFormat format,
                       const std::function<void(const TransactionRecord&)>& sink,
                       const TransactionReadOptions& options = {});

  // Reads every transaction, numbering customers densely in order of first appearance.
  static TransactionsFile read(const std::string& path, TransactionFormat format,
                               const TransactionReadOptions& options = {});

  std::vector<std::string> customer_names;  // index = Transaction::customer
  // Amounts in major units (minor / 10^minor_digits), as the analytics engine takes them.
  std::vector<analytics::Transaction> transactions;
  std::size_t lines = 0;  // number of the last line that held a transaction
};

}  // namespace rapport::app
