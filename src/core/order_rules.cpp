#include "core/order_rules.hpp"

#include "core/error.hpp"
#include "core/money.hpp"
#include "core/time.hpp"

namespace rapport {

namespace {

std::string line_field(std::string_view prefix, std::size_t i, const char* name) {
  std::string f(prefix);
  f += '[';
  f += std::to_string(i);
  f += "].";
  f += name;
  return f;
}

}  // namespace

OrderAmounts compute_order_amounts(std::span<const OrderLineInput> lines, std::string_view prefix) {
  if (lines.empty()) throw_invalid(std::string(prefix), "an order needs at least one line");
  if (lines.size() > kMaxOrderLines) {
    throw_invalid(std::string(prefix),
                  "an order has at most " + std::to_string(kMaxOrderLines) + " lines");
  }
  OrderAmounts out;
  out.lines.reserve(lines.size());
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const auto& in = lines[i];
    if (in.quantity < 1 || in.quantity > kMaxLineQuantity) {
      throw_invalid(line_field(prefix, i, "quantity"),
                    "must be between 1 and " + std::to_string(kMaxLineQuantity));
    }
    if (in.unit_price_minor < 0 || in.unit_price_minor > kMaxMoneyMinor) {
      throw_invalid(line_field(prefix, i, "unit_price_minor"),
                    "must be between 0 and " + std::to_string(kMaxMoneyMinor));
    }
    if (in.discount_minor < 0) {
      throw_invalid(line_field(prefix, i, "discount_minor"), "must not be negative");
    }
    OrderLineAmounts a;
    // quantity <= 1e6 and price <= 2^53 cannot overflow int64 by themselves, but the bound on
    // amounts is what we promise clients, so check the product against it.
    if (__builtin_mul_overflow(in.quantity, in.unit_price_minor, &a.gross_minor) ||
        a.gross_minor > kMaxMoneyMinor) {
      throw_invalid(line_field(prefix, i, "quantity"),
                    "quantity x unit price exceeds the largest supported amount (" +
                        std::to_string(kMaxMoneyMinor) + " minor units)");
    }
    if (in.discount_minor > a.gross_minor) {
      throw_invalid(
          line_field(prefix, i, "discount_minor"),
          "must not exceed the line's amount (" + std::to_string(a.gross_minor) + " minor units)");
    }
    a.discount_minor = in.discount_minor;
    a.total_minor = a.gross_minor - a.discount_minor;
    // Sums of values <= 2^53 cannot overflow int64 before they pass the bound checked here.
    out.subtotal_minor += a.gross_minor;
    out.discount_minor += a.discount_minor;
    if (out.subtotal_minor > kMaxMoneyMinor) {
      throw_invalid(std::string(prefix), "the order's amount exceeds the largest supported (" +
                                             std::to_string(kMaxMoneyMinor) + " minor units)");
    }
    out.lines.push_back(a);
  }
  out.total_minor = out.subtotal_minor - out.discount_minor;
  return out;
}

std::int64_t refund_minor(std::int64_t line_total_minor, std::int64_t line_quantity,
                          std::int64_t already_returned, std::int64_t quantity) {
  __extension__ typedef __int128 i128;  // a GCC/Clang type; -Wpedantic wants it marked
  const i128 total = line_total_minor;
  const i128 upto_before = total * already_returned / line_quantity;
  const i128 upto_after = total * (already_returned + quantity) / line_quantity;
  return static_cast<std::int64_t>(upto_after - upto_before);
}

void check_return_quantity(std::string_view field, std::int64_t bought,
                           std::int64_t already_returned, std::int64_t requested) {
  const std::int64_t left = bought - already_returned;
  if (requested > left) {
    std::string msg;
    if (left <= 0) {
      msg = "all " + std::to_string(bought) + " bought have already been returned";
    } else {
      msg = "only " + std::to_string(left) + " of the " + std::to_string(bought) +
            " bought can still be returned (" + std::to_string(already_returned) +
            " already returned)";
    }
    throw_conflict(msg, std::string(field));
  }
}

TimeMs return_deadline(TimeMs placed_at, std::int64_t window_days) {
  return placed_at + window_days * kDayMs;
}

void check_return_window(TimeMs placed_at, std::int64_t window_days, TimeMs now,
                         std::string_view field) {
  const TimeMs deadline = return_deadline(placed_at, window_days);
  if (now > deadline) {
    throw_conflict("the return window of " + std::to_string(window_days) + " days closed at " +
                       format_time(deadline) + " (the order was placed at " +
                       format_time(placed_at) + ")",
                   std::string(field));
  }
}

}  // namespace rapport
