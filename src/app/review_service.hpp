#pragma once
// Product ratings and reviews: 1-5 stars with an optional title and text, one current review
// per customer and product. Staff record reviews and "helpful" votes on a customer's behalf
// (there are no customer accounts); a later review of the same product by the same customer
// replaces the current one, which is kept as history. The verified-purchase flag is set when the
// customer has a sale order with a line of the product. Moderators hide a review with a reason
// (and may show it again). Title and text are stored as given (plain text, never HTML): clients
// must escape them when showing them.
//
// Aggregate: product_ratings holds per product the number of current, visible reviews per star;
// every write that changes what counts (a new review, a replacement, hide, unhide) adjusts it
// in the same transaction, so mean, count and distribution are always exact.
//
// Timeline: review_posted (or review_replaced) on the customer's timeline, in the same write.
// Every write has an audit entry.
//
// Errors: invalid_argument naming the field (stars outside 1-5: "rating"; text too long or with
// control characters: "title", "body"; an unknown channel or sort); not_found for an unknown
// review ("id"), product ("product_id", or "id" on a product's routes) or customer
// ("customer_id"); conflict for a deleted product, a deleted or merged customer, a review that
// was replaced (hide, unhide, vote), hiding a hidden review or unhiding a visible one, voting for
// a hidden review or one's own, and a second vote by the same customer ("customer_id");
// forbidden without reviews.read / reviews.write / reviews.moderate (listing hidden reviews
// needs reviews.moderate).
// Thread-safety: all methods may be called from any thread.
#include <array>
#include <cstdint>
#include <optional>
#include <string>

#include "app/caller.hpp"
#include "app/page.hpp"
#include "app/write_op.hpp"
#include "core/feedback_rules.hpp"
#include "core/time.hpp"
#include "store/database.hpp"

namespace rapport::app {

inline constexpr std::size_t kMaxReviewTitle = 200;
inline constexpr std::size_t kMaxReviewBody = 10000;
inline constexpr std::size_t kMaxHideReason = 500;

struct Review {
  std::int64_t id = 0;
  std::int64_t product_id = 0;
  std::int64_t customer_id = 0;
  int rating = 0;
  std::optional<std::string> title;
  std::optional<std::string> body;
  std::string channel;
  bool verified_purchase = false;
  std::int64_t helpful_count = 0;
  std::optional<TimeMs> hidden_at;
  std::optional<std::string> hidden_reason;
  std::optional<std::int64_t> hidden_by;
  std::optional<std::int64_t> replaces;  // the review this one replaced
  std::optional<TimeMs> replaced_at;     // set when a later review replaced this one
  std::optional<std::int64_t> created_by;
  TimeMs created_at = 0;
  TimeMs updated_at = 0;
  std::int64_t version = 1;
};

struct NewReview {
  std::int64_t product_id = 0;
  std::int64_t customer_id = 0;
  std::int64_t rating = 0;
  std::optional<std::string> title;
  std::optional<std::string> body;
  std::string channel = "web";  // where the customer gave it (a timeline channel)
};

struct ReviewListParams {
  std::int64_t product_id = 0;
  // -created_at (newest, default), -helpful (most helpful), -rating (best), rating (worst).
  std::optional<std::string> sort;
  std::optional<std::int64_t> rating;  // only this many stars
  std::optional<bool> verified;
  bool include_hidden = false;  // moderators only
  std::optional<std::string> cursor;
  std::optional<int> limit;
};

// A product's rating summary (current, visible reviews).
struct ProductRating {
  std::int64_t product_id = 0;
  RatingSummary summary;
};

class ReviewService {
 public:
  explicit ReviewService(store::Database& db) : db_(db) {}

  Review get(const Caller& caller, std::int64_t id);
  // A product's current reviews (visible ones; hidden too when asked, for moderators).
  Page<Review> list_for_product(const Caller& caller, const ReviewListParams& params);
  // A customer's reviews with their history (replaced and hidden ones too), newest first.
  Page<Review> list_for_customer(const Caller& caller, std::int64_t customer_id,
                                 std::optional<std::string> cursor, std::optional<int> limit);
  ProductRating rating(const Caller& caller, std::int64_t product_id);

  // Records a review; replaces the customer's current review of the product when there is one.
  WriteOp<Review> create(const Caller& caller, NewReview review);
  WriteOp<Review> hide(const Caller& caller, std::int64_t id, std::string reason);
  WriteOp<Review> unhide(const Caller& caller, std::int64_t id);
  // A "helpful" vote by `customer_id`; returns the review with its new count.
  WriteOp<Review> vote(const Caller& caller, std::int64_t id, std::int64_t customer_id);

 private:
  store::Database& db_;
};

// A product's rating summary as stored (zeros when it has no review). For tests and reports.
RatingSummary read_product_rating(store::Connection& conn, std::int64_t product_id);

// Throws not_found (naming `field`) for an unknown customer, conflict for a deleted or merged
// one. Shared by the feedback use cases.
void check_feedback_customer(store::Connection& conn, std::int64_t id, const char* field);

}  // namespace rapport::app
