#include "app/review_service.hpp"

#include <nlohmann/json.hpp>

#include "app/audit_log.hpp"
#include "app/customer_service.hpp"
#include "app/keyset_cursor.hpp"
#include "app/permissions.hpp"
#include "app/timeline.hpp"
#include "core/error.hpp"
#include "core/validation.hpp"

namespace rapport::app {

namespace {

constexpr const char* kReviewColumns =
    "id, product_id, customer_id, rating, title, body, channel, verified_purchase, "
    "helpful_count, hidden_at, hidden_reason, hidden_by, replaces, replaced_at, created_by, "
    "created_at, updated_at, version";

Review read_review_row(store::Statement& s) {
  Review r;
  r.id = s.get_int(0);
  r.product_id = s.get_int(1);
  r.customer_id = s.get_int(2);
  r.rating = static_cast<int>(s.get_int(3));
  r.title = s.get_optional_text(4);
  r.body = s.get_optional_text(5);
  r.channel = std::string(s.get_text(6));
  r.verified_purchase = s.get_int(7) != 0;
  r.helpful_count = s.get_int(8);
  r.hidden_at = s.get_optional_int(9);
  r.hidden_reason = s.get_optional_text(10);
  r.hidden_by = s.get_optional_int(11);
  r.replaces = s.get_optional_int(12);
  r.replaced_at = s.get_optional_int(13);
  r.created_by = s.get_optional_int(14);
  r.created_at = s.get_int(15);
  r.updated_at = s.get_int(16);
  r.version = s.get_int(17);
  return r;
}

nlohmann::json review_audit_json(const Review& r) {
  return {{"id", r.id},
          {"product_id", r.product_id},
          {"customer_id", r.customer_id},
          {"rating", r.rating},
          {"title", json_or_null(r.title)},
          {"body", json_or_null(r.body)},
          {"channel", r.channel},
          {"verified_purchase", r.verified_purchase},
          {"helpful_count", r.helpful_count},
          {"hidden_at", json_or_null(r.hidden_at)},
          {"hidden_reason", json_or_null(r.hidden_reason)},
          {"replaces", json_or_null(r.replaces)},
          {"replaced_at", json_or_null(r.replaced_at)},
          {"version", r.version}};
}

std::optional<Review> find_review(store::Connection& conn, std::int64_t id) {
  store::Query q(conn, std::string("SELECT ") + kReviewColumns + " FROM reviews WHERE id = ?", id);
  if (!q.step()) return std::nullopt;
  return read_review_row(q.stmt());
}

Review load_review(store::Connection& conn, std::int64_t id) {
  auto r = find_review(conn, id);
  if (!r) throw_not_found("no review with id " + std::to_string(id), "id");
  return std::move(*r);
}

// The product's name; not_found (naming `field`) when unknown, conflict when deleted.
std::string review_product_name(store::Connection& conn, std::int64_t id, const char* field) {
  store::Query q(conn, "SELECT name, deleted_at FROM products WHERE id = ?", id);
  if (!q.step()) throw_not_found("no product with id " + std::to_string(id), field);
  if (!q->is_null(1)) throw_conflict("product " + std::to_string(id) + " is deleted", field);
  return std::string(q->get_text(0));
}

void check_review_product_exists(store::Connection& conn, std::int64_t id) {
  store::Query q(conn, "SELECT 1 FROM products WHERE id = ?", id);
  if (!q.step()) throw_not_found("no product with id " + std::to_string(id), "id");
}

// Adds `delta` reviews of `stars` to the product's aggregate.
void adjust_product_rating(store::Connection& conn, std::int64_t product_id, int stars,
                           std::int64_t delta, TimeMs now) {
  static constexpr const char* kUpserts[5] = {
      "INSERT INTO product_ratings (product_id, stars_1, updated_at) VALUES (?, ?, ?) ON "
      "CONFLICT (product_id) DO UPDATE SET stars_1 = stars_1 + excluded.stars_1, updated_at = "
      "excluded.updated_at",
      "INSERT INTO product_ratings (product_id, stars_2, updated_at) VALUES (?, ?, ?) ON "
      "CONFLICT (product_id) DO UPDATE SET stars_2 = stars_2 + excluded.stars_2, updated_at = "
      "excluded.updated_at",
      "INSERT INTO product_ratings (product_id, stars_3, updated_at) VALUES (?, ?, ?) ON "
      "CONFLICT (product_id) DO UPDATE SET stars_3 = stars_3 + excluded.stars_3, updated_at = "
      "excluded.updated_at",
      "INSERT INTO product_ratings (product_id, stars_4, updated_at) VALUES (?, ?, ?) ON "
      "CONFLICT (product_id) DO UPDATE SET stars_4 = stars_4 + excluded.stars_4, updated_at = "
      "excluded.updated_at",
      "INSERT INTO product_ratings (product_id, stars_5, updated_at) VALUES (?, ?, ?) ON "
      "CONFLICT (product_id) DO UPDATE SET stars_5 = stars_5 + excluded.stars_5, updated_at = "
      "excluded.updated_at",
  };
  if (stars < kMinStars || stars > kMaxStars) {
    throw Error(ErrorCode::kInternal, "a stored review has " + std::to_string(stars) + " stars");
  }
  store::execute(conn, kUpserts[stars - 1], product_id, delta, now);
}

bool customer_bought(store::Connection& conn, std::int64_t customer_id, std::int64_t product_id) {
  // Driven by the customer's orders (few) rather than the product's lines (many).
  store::Query q(conn,
                 "SELECT 1 FROM orders o CROSS JOIN order_lines l ON l.order_id = o.id WHERE "
                 "o.customer_id = ? AND o.kind = 'sale' AND l.product_id = ? LIMIT 1",
                 customer_id, product_id);
  return q.step();
}

void store_review_state(store::Connection& conn, const Review& r) {
  store::execute(conn,
                 "UPDATE reviews SET helpful_count = ?, hidden_at = ?, hidden_reason = ?, "
                 "hidden_by = ?, replaced_at = ?, updated_at = ?, version = ? WHERE id = ?",
                 r.helpful_count, r.hidden_at, r.hidden_reason, r.hidden_by, r.replaced_at,
                 r.updated_at, r.version, r.id);
}

void check_current(const Review& r) {
  if (r.replaced_at) {
    throw_conflict("review " + std::to_string(r.id) +
                       " was replaced by a later review of the same product by the same customer",
                   "id");
  }
}

std::string stars_text(int n) {
  std::string s;
  for (int i = 0; i < 5; ++i) s += i < n ? "\u2605" : "\u2606";
  return s;
}

}  // namespace

void check_feedback_customer(store::Connection& conn, std::int64_t id, const char* field) {
  store::Query q(conn, "SELECT deleted_at, merged_into FROM customers WHERE id = ?", id);
  if (!q.step()) throw_not_found("no customer with id " + std::to_string(id), field);
  if (!q->is_null(1)) {
    throw_conflict("customer " + std::to_string(id) + " was merged into customer " +
                       std::to_string(q->get_int(1)) + "; use that one",
                   field);
  }
  if (!q->is_null(0)) throw_conflict("customer " + std::to_string(id) + " is deleted", field);
}

RatingSummary read_product_rating(store::Connection& conn, std::int64_t product_id) {
  store::Query q(conn,
                 "SELECT stars_1, stars_2, stars_3, stars_4, stars_5 FROM product_ratings WHERE "
                 "product_id = ?",
                 product_id);
  std::array<std::int64_t, 5> d{};
  if (q.step()) {
    for (int i = 0; i < 5; ++i) d[static_cast<std::size_t>(i)] = q->get_int(i);
  }
  return rating_summary(d);
}

Review ReviewService::get(const Caller& caller, std::int64_t id) {
  require(caller, Permission::kReviewsRead);
  return load_review(db_.reader(), id);
}

Page<Review> ReviewService::list_for_product(const Caller& caller, const ReviewListParams& p) {
  require(caller, Permission::kReviewsRead);
  if (p.include_hidden) require(caller, Permission::kReviewsModerate);
  const int limit = clamp_limit(p.limit);
  if (p.rating) check_stars("rating", *p.rating);
  const std::string sort = p.sort.value_or("-created_at");
  std::string key;
  std::string tag;
  bool descending = true;
  if (sort == "-created_at") {
    key = "created_at";
    tag = "rn";
  } else if (sort == "-helpful") {
    key = "helpful_count";
    tag = "rh";
  } else if (sort == "-rating") {
    key = "rating";
    tag = "rb";
  } else if (sort == "rating") {
    key = "rating";
    tag = "rw";
    descending = false;
  } else {
    throw_invalid("sort", "must be one of -created_at, -helpful, -rating, rating");
  }
  auto& conn = db_.reader();
  store::Transaction snapshot(conn, false);
  check_review_product_exists(conn, p.product_id);
  std::string sql = std::string("SELECT ") + kReviewColumns +
                    " FROM reviews WHERE product_id = ? AND replaced_at IS NULL";
  std::vector<std::int64_t> ints = {p.product_id};
  if (!p.include_hidden) sql += " AND hidden_at IS NULL";
  if (p.rating) {
    sql += " AND rating = ?";
    ints.push_back(*p.rating);
  }
  if (p.verified) sql += *p.verified ? " AND verified_purchase = 1" : " AND verified_purchase = 0";
  if (p.cursor) {
    KeysetPosition pos = decode_keyset_cursor(*p.cursor, tag, false);
    sql += descending ? " AND (" + key + " < ? OR (" + key + " = ? AND id < ?))"
                      : " AND (" + key + " > ? OR (" + key + " = ? AND id > ?))";
    ints.push_back(pos.int_value);
    ints.push_back(pos.int_value);
    ints.push_back(pos.id);
  }
  sql += " ORDER BY " + key + (descending ? " DESC, id DESC" : ", id") + " LIMIT ?";
  store::Query q(conn, sql);
  int index = 1;
  for (auto v : ints) q->bind_int(index++, v);
  q->bind_int(index, limit + 1);
  Page<Review> page;
  while (q.step()) {
    if (static_cast<int>(page.items.size()) == limit) {
      const Review& last = page.items.back();
      const std::int64_t value = key == "created_at"      ? last.created_at
                                 : key == "helpful_count" ? last.helpful_count
                                                          : last.rating;
      page.next_cursor = encode_keyset_cursor(tag, value, last.id);
      break;
    }
    page.items.push_back(read_review_row(q.stmt()));
  }
  return page;
}

Page<Review> ReviewService::list_for_customer(const Caller& caller, std::int64_t customer_id,
                                              std::optional<std::string> cursor,
                                              std::optional<int> limit) {
  require(caller, Permission::kReviewsRead);
  const int n = clamp_limit(limit);
  auto& conn = db_.reader();
  store::Transaction snapshot(conn, false);
  require_customer_exists(conn, customer_id);
  const std::int64_t before = cursor ? decode_id_cursor(*cursor) : INT64_MAX;
  store::Query q(conn,
                 std::string("SELECT ") + kReviewColumns +
                     " FROM reviews WHERE customer_id = ? AND id < ? ORDER BY id DESC LIMIT ?",
                 customer_id, before, n + 1);
  Page<Review> page = read_id_page<Review>(q, n, [&] { return read_review_row(q.stmt()); });
  return page;
}

ProductRating ReviewService::rating(const Caller& caller, std::int64_t product_id) {
  require(caller, Permission::kReviewsRead);
  auto& conn = db_.reader();
  store::Transaction snapshot(conn, false);
  check_review_product_exists(conn, product_id);
  return {product_id, read_product_rating(conn, product_id)};
}

WriteOp<Review> ReviewService::create(const Caller& caller, NewReview in) {
  require(caller, Permission::kReviewsWrite);
  check_stars("rating", in.rating);
  if (in.title) {
    check_text("title", *in.title, kMaxReviewTitle, false);
    in.title = trim(*in.title);
    if (in.title->empty()) in.title.reset();
  }
  if (in.body) {
    check_text("body", *in.body, kMaxReviewBody, false, true);
    if (trim(*in.body).empty()) in.body.reset();
  }
  if (!is_timeline_channel(in.channel) || in.channel == "system") {
    throw_invalid("channel", "must be one of store, phone, email, sms, web, chat, social, visit");
  }
  return [caller, in = std::move(in)](store::Connection& conn) {
    const std::string product_name = review_product_name(conn, in.product_id, "product_id");
    check_feedback_customer(conn, in.customer_id, "customer_id");
    const TimeMs now = now_ms();
    std::optional<Review> before;
    {
      store::Query q(conn,
                     std::string("SELECT ") + kReviewColumns +
                         " FROM reviews WHERE product_id = ? AND customer_id = ? AND "
                         "replaced_at IS NULL",
                     in.product_id, in.customer_id);
      if (q.step()) before = read_review_row(q.stmt());
    }
    if (before) {
      Review old = *before;
      old.replaced_at = now;
      old.updated_at = now;
      old.version += 1;
      store_review_state(conn, old);
      if (!old.hidden_at) adjust_product_rating(conn, old.product_id, old.rating, -1, now);
    }
    Review r;
    r.product_id = in.product_id;
    r.customer_id = in.customer_id;
    r.rating = static_cast<int>(in.rating);
    r.title = in.title;
    r.body = in.body;
    r.channel = in.channel;
    r.verified_purchase = customer_bought(conn, in.customer_id, in.product_id);
    if (before) r.replaces = before->id;
    r.created_by = caller.user_id;
    r.created_at = now;
    r.updated_at = now;
    store::execute(conn,
                   "INSERT INTO reviews (product_id, customer_id, rating, title, body, channel, "
                   "verified_purchase, replaces, created_by, created_at, updated_at) VALUES (?, "
                   "?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                   r.product_id, r.customer_id, r.rating, r.title, r.body, r.channel,
                   r.verified_purchase, r.replaces, r.created_by, r.created_at, r.updated_at);
    r.id = conn.last_insert_id();
    adjust_product_rating(conn, r.product_id, r.rating, 1, now);
    TimelineEntry e;
    e.customer_id = r.customer_id;
    e.kind = before ? "review_replaced" : "review_posted";
    e.channel = r.channel;
    e.direction = "inbound";
    e.subject = "Review of " + product_name + ": " + stars_text(r.rating) +
                (r.title ? " " + *r.title : std::string());
    e.body = r.body;
    e.ref_type = "review";
    e.ref_id = r.id;
    append_timeline(conn, caller, std::move(e));
    record_audit(conn, caller, "create", "review", std::to_string(r.id),
                 before ? review_audit_json(*before) : nlohmann::json(nullptr),
                 review_audit_json(r));
    return r;
  };
}

WriteOp<Review> ReviewService::hide(const Caller& caller, std::int64_t id, std::string reason) {
  require(caller, Permission::kReviewsModerate);
  check_text("reason", reason, kMaxHideReason, true, true);
  reason = trim(reason);
  return [caller, id, reason = std::move(reason)](store::Connection& conn) {
    const Review before = load_review(conn, id);
    check_current(before);
    if (before.hidden_at)
      throw_conflict("review " + std::to_string(id) + " is already hidden", "id");
    Review r = before;
    const TimeMs now = now_ms();
    r.hidden_at = now;
    r.hidden_reason = reason;
    r.hidden_by = caller.user_id;
    r.updated_at = now;
    r.version += 1;
    store_review_state(conn, r);
    adjust_product_rating(conn, r.product_id, r.rating, -1, now);
    record_audit(conn, caller, "hide", "review", std::to_string(r.id), review_audit_json(before),
                 review_audit_json(r));
    return r;
  };
}

WriteOp<Review> ReviewService::unhide(const Caller& caller, std::int64_t id) {
  require(caller, Permission::kReviewsModerate);
  return [caller, id](store::Connection& conn) {
    const Review before = load_review(conn, id);
    check_current(before);
    if (!before.hidden_at) throw_conflict("review " + std::to_string(id) + " is not hidden", "id");
    Review r = before;
    const TimeMs now = now_ms();
    r.hidden_at.reset();
    r.hidden_reason.reset();
    r.hidden_by.reset();
    r.updated_at = now;
    r.version += 1;
    store_review_state(conn, r);
    adjust_product_rating(conn, r.product_id, r.rating, 1, now);
    record_audit(conn, caller, "unhide", "review", std::to_string(r.id), review_audit_json(before),
                 review_audit_json(r));
    return r;
  };
}

WriteOp<Review> ReviewService::vote(const Caller& caller, std::int64_t id,
                                    std::int64_t customer_id) {
  require(caller, Permission::kReviewsWrite);
  return [caller, id, customer_id](store::Connection& conn) {
    const Review before = load_review(conn, id);
    check_current(before);
    if (before.hidden_at) throw_conflict("review " + std::to_string(id) + " is hidden", "id");
    check_feedback_customer(conn, customer_id, "customer_id");
    if (customer_id == before.customer_id) {
      throw_conflict("a customer cannot vote for their own review", "customer_id");
    }
    {
      store::Query q(conn, "SELECT 1 FROM review_votes WHERE review_id = ? AND customer_id = ?", id,
                     customer_id);
      if (q.step()) {
        throw_conflict("customer " + std::to_string(customer_id) + " already found review " +
                           std::to_string(id) + " helpful",
                       "customer_id");
      }
    }
    const TimeMs now = now_ms();
    store::execute(conn,
                   "INSERT INTO review_votes (review_id, customer_id, created_by, created_at) "
                   "VALUES (?, ?, ?, ?)",
                   id, customer_id, caller.user_id, now);
    Review r = before;
    r.helpful_count += 1;
    r.updated_at = now;
    r.version += 1;
    store_review_state(conn, r);
    record_audit(conn, caller, "vote", "review", std::to_string(r.id),
                 {{"helpful_count", before.helpful_count}},
                 {{"helpful_count", r.helpful_count}, {"customer_id", customer_id}});
    return r;
  };
}

}  // namespace rapport::app
