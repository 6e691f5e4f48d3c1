#pragma once
// Orders: a customer (optional: anonymous point-of-sale baskets), a channel, a location, a time
// and lines (product, quantity, unit price, discount). The server computes every amount in
// integer minor units (core/order_rules.hpp); all lines are in one currency, the products'.
// Placing an order is one transaction: the order, its lines, an 'order_placed' entry in the
// customer's timeline (when there is a customer) and an audit entry.
//
// Discounts, in this order: a price match (a unit price given above the product's shelf price
// is charged the shelf price), the promotions in effect at placed_at (app/promotion_service,
// stacking per core/discount_rules), a coupon (limits checked on the writer: concurrent checkouts
// never use it beyond them), then points. Each is recorded on the order (order_discounts) and
// named in its timeline entry.
// When the customer is a loyalty member, the same transaction redeems the points asked for
// (checked against the balance on the writer: concurrent checkouts never overdraw), allocates
// their value over the lines as discount, earns points on what is paid (core/loyalty_rules),
// records both per line for returns, and re-evaluates the tier (app/loyalty_service).
//
// Placing is built for throughput through the one writer: the products, the customer and the
// amounts are resolved on the caller's thread (its own read connection), so the write op only
// inserts rows with cached statements.
//
// Errors: invalid_argument (field named, e.g. "lines[2].quantity"), not_found (unknown order,
// customer, product or SKU, field named), conflict (deleted or merged customer, deleted or
// inactive product), forbidden.
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

struct OrderLine {
  std::int64_t id = 0;
  int line_no = 0;  // 1-based, in the order given
  std::int64_t product_id = 0;
  std::string sku;
  std::string product_name;
  std::int64_t quantity = 0;
  std::int64_t unit_price_minor = 0;
  std::int64_t discount_minor = 0;
  std::int64_t total_minor = 0;  // quantity x unit price - discount
  std::int64_t returned_quantity = 0;
  std::int64_t points_earned = 0;    // loyalty points this line earned
  std::int64_t points_redeemed = 0;  // points redeemed, allocated to this line by its total
};

// A discount applied to the order beyond the lines' own: a price match (kind "price_match", on
// a line), a promotion ("promotion", on a line or the basket), a coupon ("coupon") or points
// redeemed ("points"), with the amount taken off and its reason.
struct OrderDiscount {
  std::string kind;
  std::int64_t amount_minor = 0;
  std::optional<std::int64_t> points;
  std::string reason;
  std::optional<int> line_no;  // a line's discount; nullopt: the order's (spread over lines)
};

struct Order {
  std::int64_t id = 0;
  std::optional<std::int64_t> customer_id;
  std::string kind = "sale";  // sale | cancellation (imported retail cancellations)
  std::string channel;
  std::optional<std::string> location;
  TimeMs placed_at = 0;
  std::string currency;
  std::int64_t subtotal_minor = 0;
  std::int64_t discount_minor = 0;
  std::int64_t total_minor = 0;
  std::int64_t refunded_minor = 0;  // sum of the refunds of its returns
  std::optional<std::int64_t> user_id;
  TimeMs created_at = 0;
  std::vector<OrderLine> lines;                // empty in lists
  std::vector<OrderDiscount> discounts;        // detail view only
  std::int64_t points_earned = 0;              // loyalty points earned by the order (detail view)
  std::int64_t points_redeemed = 0;            // points redeemed at checkout (detail view)
  std::optional<std::int64_t> points_balance;  // the member's balance after placing
  bool replayed = false;  // an earlier order returned for a repeated idempotency key
};

struct NewOrderLine {
  std::optional<std::int64_t> product_id;  // exactly one of product_id and sku
  std::optional<std::string> sku;
  std::int64_t quantity = 0;
  std::optional<std::int64_t> unit_price_minor;  // default: the product's price
  std::int64_t discount_minor = 0;
};

struct NewOrder {
  std::optional<std::int64_t> customer_id;
  std::string channel = "store";
  std::optional<std::string> location;
  std::optional<TimeMs> placed_at;  // default: now
  std::vector<NewOrderLine> lines;
  // Loyalty: the member's card scanned at the till (names the customer), points to redeem for
  // a discount, and the client's key making a retry return the first order instead of placing
  // (and redeeming) again. A key is required with redeem_points.
  std::optional<std::string> card_number;
  std::optional<std::int64_t> redeem_points;
  std::optional<std::string> idempotency_key;
  std::optional<std::string> coupon_code;
};

inline constexpr std::size_t kMaxIdempotencyKey = 100;

struct OrderListParams {
  std::optional<std::int64_t> customer_id;
  std::optional<TimeMs> from;  // placed_at >= from
  std::optional<TimeMs> to;    // placed_at < to
  std::optional<std::string> channel;
  std::optional<std::string> cursor;
  std::optional<int> limit;
};

// How far ahead of the server's clock an order's placed_at may be (a till's clock drifts).
inline constexpr TimeMs kMaxOrderClockSkewMs = 24LL * 3600 * 1000;
inline constexpr std::size_t kMaxLocation = 200;

// True for a channel an order can come in on.
bool is_order_channel(std::string_view channel) noexcept;

class OrderService {
 public:
  explicit OrderService(store::Database& db) : db_(db) {}

  // With its lines and the quantities returned of each.
  Order get(const Caller& caller, std::int64_t id);
  // Newest first (placed_at, then id), without lines.
  Page<Order> list(const Caller& caller, const OrderListParams& params);
  // The orders of one customer; not_found when there is no such customer.
  Page<Order> list_for_customer(const Caller& caller, std::int64_t customer_id,
                                OrderListParams params);

  WriteOp<Order> place(const Caller& caller, NewOrder order);
  // Up to kMaxBulkItems orders in one transaction, all or nothing; every failed item is
  // reported (Error::items). Requires kImport and kOrdersWrite.
  WriteOp<std::vector<Order>> place_bulk(const Caller& caller, std::vector<NewOrder> orders);

 private:
  store::Database& db_;
};

}  // namespace rapport::app
