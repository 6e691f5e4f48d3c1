#pragma once
// The rules of orders and returns, pure (no I/O): line and order totals in integer minor units
// with overflow checks, the return window, how much of a line may still be returned, and the
// refund of a returned quantity.
//
// Errors: every refusal throws rapport::Error naming the offending field (a JSON path such as
// "lines[2].discount_minor"): invalid_argument for input that can never be valid, conflict for
// a request that the order's current state refuses (window closed, already returned).
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/time.hpp"

namespace rapport {

inline constexpr std::int64_t kMaxLineQuantity = 1'000'000;
inline constexpr std::size_t kMaxOrderLines = 500;

struct OrderLineInput {
  std::int64_t quantity = 0;
  std::int64_t unit_price_minor = 0;
  std::int64_t discount_minor = 0;  // off the line's amount (quantity x unit price)
};

struct OrderLineAmounts {
  std::int64_t gross_minor = 0;     // quantity x unit price
  std::int64_t discount_minor = 0;  // the line's discount
  std::int64_t total_minor = 0;     // gross - discount: what the customer pays for the line
};

struct OrderAmounts {
  std::vector<OrderLineAmounts> lines;
  std::int64_t subtotal_minor = 0;  // sum of the lines' gross amounts
  std::int64_t discount_minor = 0;  // sum of the lines' discounts
  std::int64_t total_minor = 0;     // subtotal - discount = sum of the lines' totals
};

// Computes the amounts of an order. Refuses (invalid_argument, field "<prefix>[i].<name>"): no
// lines or more than kMaxOrderLines (field `prefix`); quantity outside 1..kMaxLineQuantity; a
// negative price or discount; a discount above the line's amount; any amount above
// kMaxMoneyMinor (the product of quantity and price is checked before it can overflow).
OrderAmounts compute_order_amounts(std::span<const OrderLineInput> lines,
                                   std::string_view prefix = "lines");

// The refund of returning `quantity` units of a line of `line_quantity` units that cost
// `line_total_minor` in all (after its discount), when `already_returned` units were returned
// before.
//
// Rule: the units returned so far, r, are refunded floor(line_total * r / line_quantity) in all,
// so one return of q more units refunds
//     floor(total * (r + q) / Q) - floor(total * r / Q).
// Each return is within one minor unit of its exact proportional share (rounded down, never
// refunding more than was paid), and however a line is returned in parts, the refunds of the
// whole quantity sum exactly to the line's total. Computed in 128 bits: no overflow.
// REQUIRES: line_quantity >= 1, line_total_minor >= 0, already_returned >= 0, quantity >= 1,
// already_returned + quantity <= line_quantity.
std::int64_t refund_minor(std::int64_t line_total_minor, std::int64_t line_quantity,
                          std::int64_t already_returned, std::int64_t quantity);

// Throws conflict naming `field` when `requested` exceeds what is left of `bought` after
// `already_returned` (the message says how many can still be returned).
void check_return_quantity(std::string_view field, std::int64_t bought,
                           std::int64_t already_returned, std::int64_t requested);

// The last instant a return is accepted: placed_at + window_days days (inclusive).
TimeMs return_deadline(TimeMs placed_at, std::int64_t window_days);
// Throws conflict (field `field`) naming the deadline in RFC 3339 when `now` is after it.
void check_return_window(TimeMs placed_at, std::int64_t window_days, TimeMs now,
                         std::string_view field = "order_id");

}  // namespace rapport
