#pragma once
// Returns against the lines of an order. A return is accepted only within the return window
// (setting return_window_days, counted from the order's placed_at; the error names the deadline)
// and for at most the quantity bought minus the quantity already returned of each line. Both are
// checked inside the write transaction on the one writer, so concurrent returns of the same line
// cannot return more than was bought. Refunds follow core/order_rules.hpp refund_minor():
// proportional to the line's total after discount, rounded down per return, and the refunds of a
// fully returned line sum exactly to its total.
// Recording a return is one transaction: the return and its lines, a 'return_made' timeline
// entry (when the order has a customer) and an audit entry.
//
// Errors: invalid_argument (field named), not_found (order, return, line of another order),
// conflict (window closed, quantity left exceeded, a cancellation), forbidden.
// Thread-safety: all methods may be called from any thread.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "app/caller.hpp"
#include "app/page.hpp"
#include "app/write_op.hpp"
#include "core/time.hpp"
#include "store/database.hpp"

namespace rapport::app {

struct ReturnLine {
  std::int64_t id = 0;
  std::int64_t order_line_id = 0;
  std::int64_t product_id = 0;
  std::string sku;           // the product's, as it is now
  std::string product_name;  // likewise
  std::int64_t quantity = 0;
  std::int64_t refund_minor = 0;
};

struct Return {
  std::int64_t id = 0;
  std::int64_t order_id = 0;
  std::optional<std::int64_t> customer_id;
  TimeMs at = 0;
  std::optional<std::string> reason;
  std::string currency;
  std::int64_t refund_minor = 0;
  std::optional<std::int64_t> user_id;
  TimeMs created_at = 0;
  std::vector<ReturnLine> lines;
};

struct NewReturnLine {
  std::int64_t order_line_id = 0;
  std::int64_t quantity = 0;
};

struct NewReturn {
  std::optional<std::string> reason;
  std::vector<NewReturnLine> lines;
};

inline constexpr std::size_t kMaxReturnReason = 500;

class ReturnService {
 public:
  explicit ReturnService(store::Database& db) : db_(db) {}

  Return get(const Caller& caller, std::int64_t id);
  // The returns of an order, oldest first; not_found when there is no such order.
  Page<Return> list_for_order(const Caller& caller, std::int64_t order_id,
                              std::optional<std::string> cursor, std::optional<int> limit);
  // The returns of a customer, newest first (by `at`, then id), with their lines; not_found
  // (field "id") when there is no such customer; invalid_argument for a bad cursor or limit.
  Page<Return> list_for_customer(const Caller& caller, std::int64_t customer_id,
                                 std::optional<std::string> cursor, std::optional<int> limit);

  // Shape checks now (lines, quantities, duplicates); the window and the quantities left are
  // checked by the op, on the writer, against the committed returns. `now` is the time of the
  // return (tests pass one; the server passes nullopt for the clock at write time).
  WriteOp<Return> create(const Caller& caller, std::int64_t order_id, NewReturn ret,
                         std::optional<TimeMs> now = std::nullopt);

 private:
  store::Database& db_;
};

}  // namespace rapport::app
