#include "core/order_rules.hpp"

#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "core/error.hpp"
#include "core/money.hpp"

namespace rapport {
namespace {

// The error a call throws: {code, field}.
template <typename F>
std::pair<ErrorCode, std::string> error_of(F&& f) {
  try {
    f();
  } catch (const Error& e) {
    return {e.code(), e.field()};
  }
  ADD_FAILURE() << "no error thrown";
  return {ErrorCode::kInternal, ""};
}

TEST(OrderAmounts, LinesAndTotals) {
  std::vector<OrderLineInput> lines = {{3, 250, 0}, {1, 1999, 500}, {2, 0, 0}};
  auto a = compute_order_amounts(lines);
  ASSERT_EQ(a.lines.size(), 3u);
  EXPECT_EQ(a.lines[0].gross_minor, 750);
  EXPECT_EQ(a.lines[0].total_minor, 750);
  EXPECT_EQ(a.lines[1].gross_minor, 1999);
  EXPECT_EQ(a.lines[1].discount_minor, 500);
  EXPECT_EQ(a.lines[1].total_minor, 1499);
  EXPECT_EQ(a.lines[2].total_minor, 0);
  EXPECT_EQ(a.subtotal_minor, 2749);
  EXPECT_EQ(a.discount_minor, 500);
  EXPECT_EQ(a.total_minor, 2249);
}

TEST(OrderAmounts, DiscountMayEqualButNotExceedTheLine) {
  std::vector<OrderLineInput> ok = {{2, 100, 200}};
  EXPECT_EQ(compute_order_amounts(ok).total_minor, 0);
  std::vector<OrderLineInput> bad = {{1, 10, 0}, {2, 100, 201}};
  auto [code, field] = error_of([&] { compute_order_amounts(bad); });
  EXPECT_EQ(code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(field, "lines[1].discount_minor");
}

TEST(OrderAmounts, RefusesBadQuantitiesPricesAndDiscounts) {
  auto field_of = [](OrderLineInput l) {
    std::vector<OrderLineInput> v = {{1, 1, 0}, l};
    return error_of([&] { compute_order_amounts(v, "items[4].lines"); }).second;
  };
  EXPECT_EQ(field_of({0, 100, 0}), "items[4].lines[1].quantity");
  EXPECT_EQ(field_of({-3, 100, 0}), "items[4].lines[1].quantity");
  EXPECT_EQ(field_of({kMaxLineQuantity + 1, 1, 0}), "items[4].lines[1].quantity");
  EXPECT_EQ(field_of({1, -1, 0}), "items[4].lines[1].unit_price_minor");
  EXPECT_EQ(field_of({1, kMaxMoneyMinor + 1, 0}), "items[4].lines[1].unit_price_minor");
  EXPECT_EQ(field_of({1, 100, -1}), "items[4].lines[1].discount_minor");
  std::vector<OrderLineInput> none;
  EXPECT_EQ(error_of([&] { compute_order_amounts(none); }).second, "lines");
  std::vector<OrderLineInput> many(kMaxOrderLines + 1, OrderLineInput{1, 1, 0});
  EXPECT_EQ(error_of([&] { compute_order_amounts(many); }).second, "lines");
  many.pop_back();
  EXPECT_EQ(compute_order_amounts(many).total_minor, static_cast<std::int64_t>(kMaxOrderLines));
}

TEST(OrderAmounts, OverflowIsRefusedNotWrapped) {
  // A line at the bound is accepted; one unit more of quantity x price is not.
  std::vector<OrderLineInput> at_bound = {{1, kMaxMoneyMinor, 0}};
  EXPECT_EQ(compute_order_amounts(at_bound).total_minor, kMaxMoneyMinor);
  std::vector<OrderLineInput> line_over = {{2, kMaxMoneyMinor / 2 + 1, 0}};
  EXPECT_EQ(error_of([&] { compute_order_amounts(line_over); }).second, "lines[0].quantity");
  std::vector<OrderLineInput> huge = {{kMaxLineQuantity, kMaxMoneyMinor, 0}};
  EXPECT_EQ(error_of([&] { compute_order_amounts(huge); }).second, "lines[0].quantity");
  // Each line fits; their sum does not.
  std::vector<OrderLineInput> sum_over = {{1, kMaxMoneyMinor, 0}, {1, 1, 0}};
  EXPECT_EQ(error_of([&] { compute_order_amounts(sum_over); }).second, "lines");
  // A discount does not make an oversized subtotal acceptable.
  std::vector<OrderLineInput> discounted = {{1, kMaxMoneyMinor, 0}, {1, 5, 5}};
  EXPECT_EQ(error_of([&] { compute_order_amounts(discounted); }).second, "lines");
}

TEST(Refund, ProportionalRoundedDownPerReturn) {
  // 3 units for 1000 after discount: 333.33 each.
  EXPECT_EQ(refund_minor(1000, 3, 0, 1), 333);
  EXPECT_EQ(refund_minor(1000, 3, 1, 1), 333);
  EXPECT_EQ(refund_minor(1000, 3, 2, 1), 334);  // the last unit takes the remainder
  EXPECT_EQ(refund_minor(1000, 3, 0, 3), 1000);
  EXPECT_EQ(refund_minor(1000, 3, 0, 2), 666);
  EXPECT_EQ(refund_minor(1000, 3, 2, 1) + refund_minor(1000, 3, 0, 2), 1000);
  EXPECT_EQ(refund_minor(0, 5, 1, 2), 0);  // a free line refunds nothing
  EXPECT_EQ(refund_minor(7, 1, 0, 1), 7);
}

TEST(Refund, NoOverflowAtTheLargestAmounts) {
  EXPECT_EQ(refund_minor(kMaxMoneyMinor, kMaxLineQuantity, 0, kMaxLineQuantity), kMaxMoneyMinor);
  EXPECT_EQ(refund_minor(kMaxMoneyMinor, kMaxLineQuantity, kMaxLineQuantity - 1, 1) +
                refund_minor(kMaxMoneyMinor, kMaxLineQuantity, 0, kMaxLineQuantity - 1),
            kMaxMoneyMinor);
}

// The rule's promise: however a line is returned in parts, the refunds of the whole quantity
// sum exactly to the line's total, and each part is within one minor unit of its exact share.
TEST(Refund, PartsOfAFullyReturnedLineSumExactlyToItsTotal) {
  std::mt19937_64 rng(7);
  for (int trial = 0; trial < 20000; ++trial) {
    const std::int64_t q = 1 + static_cast<std::int64_t>(rng() % 40);
    const std::int64_t total = static_cast<std::int64_t>(rng() % 100000);
    std::int64_t returned = 0;
    std::int64_t refunded = 0;
    while (returned < q) {
      const std::int64_t part = 1 + static_cast<std::int64_t>(rng() % (q - returned));
      const std::int64_t r = refund_minor(total, q, returned, part);
      const double exact =
          static_cast<double>(total) * static_cast<double>(part) / static_cast<double>(q);
      ASSERT_GE(r, 0);
      ASSERT_LT(std::abs(static_cast<double>(r) - exact), 1.0)
          << total << " " << q << " " << returned << " " << part;
      returned += part;
      refunded += r;
      ASSERT_LE(refunded, total);
    }
    ASSERT_EQ(refunded, total) << "total " << total << " quantity " << q;
  }
}

TEST(ReturnQuantity, AtMostBoughtMinusReturned) {
  check_return_quantity("lines[0].quantity", 5, 2, 3);  // exactly what is left
  auto [code, field] = error_of([] { check_return_quantity("lines[1].quantity", 5, 2, 4); });
  EXPECT_EQ(code, ErrorCode::kConflict);
  EXPECT_EQ(field, "lines[1].quantity");
  try {
    check_return_quantity("q", 5, 2, 4);
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("only 3 of the 5"), std::string::npos) << e.what();
  }
  try {
    check_return_quantity("q", 2, 2, 1);
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("already been returned"), std::string::npos);
  }
}

TEST(ReturnWindow, InclusiveDeadlineNamedInRfc3339) {
  const TimeMs placed = *parse_time("2026-10-01T12:00:00Z");
  EXPECT_EQ(return_deadline(placed, 30), *parse_time("2026-10-31T12:00:00Z"));
  check_return_window(placed, 30, placed);
  check_return_window(placed, 30, return_deadline(placed, 30));  // the last millisecond counts
  try {
    check_return_window(placed, 30, return_deadline(placed, 30) + 1);
    ADD_FAILURE() << "accepted a return after the window";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kConflict);
    EXPECT_EQ(e.field(), "order_id");
    EXPECT_NE(std::string(e.what()).find("2026-10-31T12:00:00.000Z"), std::string::npos)
        << e.what();
  }
  // A window of 0 days: returns only at the very instant of the sale.
  check_return_window(placed, 0, placed);
  EXPECT_THROW(check_return_window(placed, 0, placed + 1), Error);
}

TEST(Money, CurrencyCodesAndFormatting) {
  EXPECT_TRUE(is_currency_code("USD"));
  EXPECT_FALSE(is_currency_code("usd"));
  EXPECT_FALSE(is_currency_code("US"));
  EXPECT_FALSE(is_currency_code("USDX"));
  EXPECT_THROW(check_currency("currency", "€"), Error);
  EXPECT_EQ(format_money(4590, "USD"), "45.90 USD");
  EXPECT_EQ(format_money(5, "EUR"), "0.05 EUR");
  EXPECT_EQ(format_money(-5, "EUR"), "-0.05 EUR");
  EXPECT_EQ(format_money(1200, "JPY"), "1200 JPY");
  EXPECT_EQ(format_money(1234, "KWD"), "1.234 KWD");
  EXPECT_EQ(format_money(INT64_MIN, "USD"), "-92233720368547758.08 USD");
}

}  // namespace
}  // namespace rapport
