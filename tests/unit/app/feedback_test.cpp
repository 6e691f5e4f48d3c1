// Customer feedback use cases: reviews (replace with history, moderation, votes, the product
// aggregate kept exact in the same transaction), surveys (rules, one response per invitation,
// NPS/CSAT reports) and the knowledge base (safe Markdown, drafts, search in English and
// Chinese, ticket links).
#include <gtest/gtest.h>

#include <filesystem>
#include <random>

#include "app/kb_service.hpp"
#include "app/markdown.hpp"
#include "app/order_service.hpp"
#include "app/review_service.hpp"
#include "app/settings.hpp"
#include "app/survey_service.hpp"
#include "app/ticket_service.hpp"
#include "core/error.hpp"
#include "unit/test_support.hpp"

namespace rapport::app {
namespace {

class FeedbackTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = test_support::fresh_test_dir("rapport-feedback");
    db_ = std::make_unique<store::Database>((dir_ / "f.db").string());
    // Staff rows written directly: no use case here signs in, and Argon2 hashing would cost
    // about half a second per user and test.
    admin_ = caller(staff("boss@example.com", "admin"), Role::kAdmin);
    agent_ = caller(staff("agent@example.com", "service"), Role::kService);
    sales_ = caller(staff("sales@example.com", "sales"), Role::kSales);
    analyst_ = caller(staff("analyst@example.com", "analyst"), Role::kAnalyst);
    reviews_ = std::make_unique<ReviewService>(*db_);
    surveys_ = std::make_unique<SurveyService>(*db_);
    kb_ = std::make_unique<KbService>(*db_);
    for (int i = 0; i < 4; ++i) {
      customers_.push_back(
          sql_insert("INSERT INTO customers (name, created_at, updated_at) VALUES "
                     "('Customer " +
                     std::to_string(i) + "', 0, 0)"));
    }
    product_ = sql_insert(
        "INSERT INTO products (sku, name, price_minor, currency, created_at, updated_at) VALUES "
        "('TEA-1', 'Green tea', 1250, 'CNY', 0, 0)");
    other_product_ = sql_insert(
        "INSERT INTO products (sku, name, price_minor, currency, created_at, updated_at) VALUES "
        "('TEA-2', 'Black tea', 990, 'CNY', 0, 0)");
  }
  void TearDown() override {
    reviews_.reset();
    surveys_.reset();
    kb_.reset();
    db_.reset();
    std::filesystem::remove_all(dir_);
  }
  static Caller caller(std::int64_t id, Role role) {
    Caller c;
    c.user_id = id;
    c.role = role;
    c.request_id = "test";
    return c;
  }
  std::int64_t sql_insert(const std::string& sql) {
    return db_->writer().run([&](store::Connection& c) {
      store::execute(c, sql);
      return c.last_insert_id();
    });
  }
  std::int64_t staff(const std::string& email, const std::string& role) {
    return sql_insert(
        "INSERT INTO users (email, name, role, password_hash, created_at, "
        "updated_at) VALUES ('" +
        email + "', 'Staff', '" + role + "', 'x', 0, 0)");
  }
  std::int64_t count(const std::string& s) { return test_support::scalar(db_->reader(), s); }
  void set(const std::string& key, const std::string& value) {
    db_->writer().run(update_setting(admin_, key, value));
  }
  Review review(std::int64_t customer, int stars, std::int64_t product = 0) {
    NewReview r;
    r.product_id = product != 0 ? product : product_;
    r.customer_id = customer;
    r.rating = stars;
    r.title = "Stars: " + std::to_string(stars);
    return db_->writer().run(reviews_->create(agent_, r));
  }
  // The aggregate as the reviews say it should be.
  std::array<std::int64_t, 5> recomputed(std::int64_t product) {
    std::array<std::int64_t, 5> d{};
    store::Query q(db_->reader(),
                   "SELECT rating, count(*) FROM reviews WHERE product_id = ? AND replaced_at IS "
                   "NULL AND hidden_at IS NULL GROUP BY rating",
                   product);
    while (q.step()) d[static_cast<std::size_t>(q->get_int(0) - 1)] = q->get_int(1);
    return d;
  }
  template <typename F>
  Error error_of(F&& f) {
    try {
      f();
    } catch (const Error& e) {
      return e;
    }
    ADD_FAILURE() << "no error thrown";
    return Error(ErrorCode::kInternal, "none");
  }
  std::int64_t writes() {
    return count(
        "SELECT (SELECT count(*) FROM reviews) + (SELECT count(*) FROM review_votes) + (SELECT "
        "count(*) FROM survey_invitations) + (SELECT count(*) FROM survey_responses) + (SELECT "
        "count(*) FROM kb_articles) + (SELECT count(*) FROM interactions) + (SELECT count(*) FROM "
        "audit_log)");
  }

  std::filesystem::path dir_;
  std::unique_ptr<store::Database> db_;
  Caller admin_, agent_, sales_, analyst_;
  std::unique_ptr<ReviewService> reviews_;
  std::unique_ptr<SurveyService> surveys_;
  std::unique_ptr<KbService> kb_;
  std::vector<std::int64_t> customers_;
  std::int64_t product_ = 0, other_product_ = 0;
};

TEST_F(FeedbackTest, AReviewIsVerifiedWhenTheCustomerBoughtTheProduct) {
  const std::int64_t order = sql_insert(
      "INSERT INTO orders (customer_id, channel, placed_at, currency, subtotal_minor, "
      "total_minor, created_at) VALUES (" +
      std::to_string(customers_[0]) + ", 'store', 0, 'CNY', 1250, 1250, 0)");
  sql_insert(
      "INSERT INTO order_lines (order_id, line_no, product_id, quantity, "
      "unit_price_minor, total_minor) VALUES (" +
      std::to_string(order) + ", 1, " + std::to_string(product_) + ", 1, 1250, 1250)");
  Review bought = review(customers_[0], 5);
  Review not_bought = review(customers_[1], 4);
  EXPECT_TRUE(bought.verified_purchase);
  EXPECT_FALSE(not_bought.verified_purchase);
  EXPECT_FALSE(review(customers_[0], 3, other_product_).verified_purchase);
  EXPECT_EQ(count("SELECT count(*) FROM interactions WHERE kind = 'review_posted'"), 3);
  EXPECT_EQ(count("SELECT count(*) FROM audit_log WHERE entity = 'review'"), 3);
}

TEST_F(FeedbackTest, ReplaceHideAndUnhideKeepTheAggregateExact) {
  Review a = review(customers_[0], 5);
  review(customers_[1], 2);
  review(customers_[2], 4);
  EXPECT_EQ(read_product_rating(db_->reader(), product_).distribution, recomputed(product_));
  // A later review replaces the earlier one, which stays as history.
  Review a2 = review(customers_[0], 1);
  EXPECT_EQ(a2.replaces, a.id);
  Review old = reviews_->get(admin_, a.id);
  EXPECT_TRUE(old.replaced_at);
  auto r = read_product_rating(db_->reader(), product_);
  EXPECT_EQ(r.distribution, (std::array<std::int64_t, 5>{1, 1, 0, 1, 0}));
  EXPECT_EQ(r.count, 3);
  EXPECT_DOUBLE_EQ(*r.mean, (1 + 2 + 4) / 3.0);
  // Hide and unhide.
  Review hidden = db_->writer().run(reviews_->hide(agent_, a2.id, "Abusive language"));
  EXPECT_TRUE(hidden.hidden_at);
  EXPECT_EQ(hidden.hidden_reason, "Abusive language");
  EXPECT_EQ(read_product_rating(db_->reader(), product_).count, 2);
  EXPECT_EQ(error_of([&] { db_->writer().run(reviews_->hide(agent_, a2.id, "again")); }).code(),
            ErrorCode::kConflict);
  db_->writer().run(reviews_->unhide(agent_, a2.id));
  EXPECT_EQ(read_product_rating(db_->reader(), product_).distribution, recomputed(product_));
  // A replaced review cannot be moderated: only the current one counts.
  EXPECT_EQ(error_of([&] { db_->writer().run(reviews_->hide(agent_, a.id, "old")); }).code(),
            ErrorCode::kConflict);
  // Replacing a hidden review: the hidden one did not count, the new one does.
  db_->writer().run(reviews_->hide(agent_, a2.id, "Spam"));
  review(customers_[0], 3);
  EXPECT_EQ(read_product_rating(db_->reader(), product_).distribution, recomputed(product_));
  EXPECT_EQ(read_product_rating(db_->reader(), product_).count, 3);
  EXPECT_EQ(count("SELECT count(*) FROM reviews WHERE customer_id = " +
                  std::to_string(customers_[0]) + " AND product_id = " + std::to_string(product_)),
            3);
  // The customer's history holds all three, newest first.
  auto history = reviews_->list_for_customer(sales_, customers_[0], std::nullopt, std::nullopt);
  ASSERT_EQ(history.items.size(), 3u);
  EXPECT_EQ(history.items[2].id, a.id);
}

TEST_F(FeedbackTest, ARandomSequenceOfWritesKeepsEveryAggregateExact) {
  std::mt19937 rng(7);
  const std::int64_t products[] = {product_, other_product_};
  for (int step = 0; step < 120; ++step) {
    const std::int64_t product = products[rng() % 2];
    const std::int64_t customer = customers_[rng() % customers_.size()];
    const int action = static_cast<int>(rng() % 3);
    std::optional<std::pair<std::int64_t, bool>> current;
    {
      store::Query cur(db_->reader(),
                       "SELECT id, hidden_at IS NOT NULL FROM reviews WHERE product_id = ? AND "
                       "customer_id = ? AND replaced_at IS NULL",
                       product, customer);
      if (cur.step()) current = std::pair{cur->get_int(0), cur->get_int(1) != 0};
    }
    if (action == 0 || !current) {
      review(customer, static_cast<int>(rng() % 5) + 1, product);
    } else if (current->second) {
      db_->writer().run(reviews_->unhide(agent_, current->first));
    } else {
      db_->writer().run(reviews_->hide(agent_, current->first, "moderated"));
    }
    for (auto p : products) {
      ASSERT_EQ(read_product_rating(db_->reader(), p).distribution, recomputed(p)) << step;
    }
  }
}

TEST_F(FeedbackTest, BadReviewsAreRefusedNamingTheFieldAndWriteNothing) {
  const std::int64_t before = writes();
  for (int stars : {0, 6, -3}) {
    NewReview r{product_, customers_[0], stars};
    Error e = error_of([&] { db_->writer().run(reviews_->create(agent_, r)); });
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
    EXPECT_EQ(e.field(), "rating");
  }
  NewReview unknown_product{999999, customers_[0], 4};
  Error e = error_of([&] { db_->writer().run(reviews_->create(agent_, unknown_product)); });
  EXPECT_EQ(e.code(), ErrorCode::kNotFound);
  EXPECT_EQ(e.field(), "product_id");
  NewReview unknown_customer{product_, 999999, 4};
  e = error_of([&] { db_->writer().run(reviews_->create(agent_, unknown_customer)); });
  EXPECT_EQ(e.code(), ErrorCode::kNotFound);
  EXPECT_EQ(e.field(), "customer_id");
  NewReview bad_channel{product_, customers_[0], 4};
  bad_channel.channel = "system";
  EXPECT_EQ(error_of([&] { db_->writer().run(reviews_->create(agent_, bad_channel)); }).field(),
            "channel");
  // Analysts read but do not record reviews.
  NewReview ok{product_, customers_[0], 4};
  EXPECT_EQ(error_of([&] { reviews_->create(analyst_, ok); }).code(), ErrorCode::kForbidden);
  EXPECT_EQ(error_of([&] { reviews_->hide(sales_, 1, "x"); }).code(), ErrorCode::kForbidden);
  EXPECT_EQ(writes(), before);
  // Script in a review is stored as text, exactly as given.
  NewReview script{product_, customers_[0], 1};
  script.title = "<script>alert(1)</script>";
  script.body = "<img src=x onerror=alert(1)>";
  Review stored = db_->writer().run(reviews_->create(agent_, script));
  EXPECT_EQ(reviews_->get(sales_, stored.id).title, "<script>alert(1)</script>");
  EXPECT_EQ(reviews_->get(sales_, stored.id).body, "<img src=x onerror=alert(1)>");
}

TEST_F(FeedbackTest, VotesCountOncePerCustomerAndNeverOnOnesOwnOrAHiddenReview) {
  Review r = review(customers_[0], 4);
  EXPECT_EQ(db_->writer().run(reviews_->vote(sales_, r.id, customers_[1])).helpful_count, 1);
  EXPECT_EQ(db_->writer().run(reviews_->vote(sales_, r.id, customers_[2])).helpful_count, 2);
  Error e = error_of([&] { db_->writer().run(reviews_->vote(sales_, r.id, customers_[1])); });
  EXPECT_EQ(e.code(), ErrorCode::kConflict);
  EXPECT_EQ(e.field(), "customer_id");
  e = error_of([&] { db_->writer().run(reviews_->vote(sales_, r.id, customers_[0])); });
  EXPECT_EQ(e.code(), ErrorCode::kConflict);
  db_->writer().run(reviews_->hide(agent_, r.id, "Off topic"));
  e = error_of([&] { db_->writer().run(reviews_->vote(sales_, r.id, customers_[3])); });
  EXPECT_EQ(e.code(), ErrorCode::kConflict);
  EXPECT_EQ(count("SELECT count(*) FROM review_votes"), 2);
}

TEST_F(FeedbackTest, ProductListsSortAndPageAndHideHiddenReviews) {
  Review r1 = review(customers_[0], 3);
  Review r2 = review(customers_[1], 5);
  Review r3 = review(customers_[2], 1);
  Review r4 = review(customers_[3], 4);
  db_->writer().run(reviews_->vote(sales_, r3.id, customers_[0]));
  db_->writer().run(reviews_->vote(sales_, r3.id, customers_[1]));
  db_->writer().run(reviews_->vote(sales_, r1.id, customers_[1]));
  db_->writer().run(reviews_->hide(agent_, r4.id, "Spam"));
  auto ids = [](const Page<Review>& p) {
    std::vector<std::int64_t> out;
    for (const auto& r : p.items) out.push_back(r.id);
    return out;
  };
  ReviewListParams p;
  p.product_id = product_;
  EXPECT_EQ(ids(reviews_->list_for_product(sales_, p)),
            (std::vector<std::int64_t>{r3.id, r2.id, r1.id}));
  p.sort = "-helpful";
  EXPECT_EQ(ids(reviews_->list_for_product(sales_, p)),
            (std::vector<std::int64_t>{r3.id, r1.id, r2.id}));
  p.sort = "-rating";
  EXPECT_EQ(ids(reviews_->list_for_product(sales_, p)),
            (std::vector<std::int64_t>{r2.id, r1.id, r3.id}));
  p.sort = "rating";
  p.limit = 2;
  auto first = reviews_->list_for_product(sales_, p);
  EXPECT_EQ(ids(first), (std::vector<std::int64_t>{r3.id, r1.id}));
  ASSERT_TRUE(first.next_cursor);
  p.cursor = first.next_cursor;
  auto second = reviews_->list_for_product(sales_, p);
  EXPECT_EQ(ids(second), (std::vector<std::int64_t>{r2.id}));
  EXPECT_FALSE(second.next_cursor);
  // A cursor of another sort is refused.
  p.sort = "-helpful";
  EXPECT_EQ(error_of([&] { reviews_->list_for_product(sales_, p); }).field(), "cursor");
  // Hidden ones: moderators only.
  ReviewListParams all;
  all.product_id = product_;
  all.include_hidden = true;
  EXPECT_EQ(reviews_->list_for_product(agent_, all).items.size(), 4u);
  EXPECT_EQ(error_of([&] { reviews_->list_for_product(sales_, all); }).code(),
            ErrorCode::kForbidden);
  all.product_id = 999999;
  EXPECT_EQ(error_of([&] { reviews_->list_for_product(agent_, all); }).code(),
            ErrorCode::kNotFound);
}

TEST_F(FeedbackTest, OneResponsePerInvitationWithinTheKindsRangeOnTheTimeline) {
  NewInvitation in;
  in.kind = "nps";
  in.customer_id = customers_[0];
  in.channel = "web";
  SurveyInvitation inv = db_->writer().run(surveys_->invite(sales_, in));
  EXPECT_EQ(inv.source, "manual");
  const std::int64_t before = writes();
  for (std::int64_t bad : {-1, 11}) {
    Error e = error_of([&] { db_->writer().run(surveys_->respond(sales_, inv.id, bad, {})); });
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
    EXPECT_EQ(e.field(), "score");
  }
  EXPECT_EQ(writes(), before);
  SurveyResponse r = db_->writer().run(surveys_->respond(sales_, inv.id, 9, "Great tea"));
  EXPECT_EQ(r.score, 9);
  Error e = error_of([&] { db_->writer().run(surveys_->respond(sales_, inv.id, 3, {})); });
  EXPECT_EQ(e.code(), ErrorCode::kConflict);
  EXPECT_EQ(count("SELECT count(*) FROM survey_responses"), 1);
  EXPECT_EQ(count("SELECT count(*) FROM interactions WHERE kind = 'survey_response' AND "
                  "subject LIKE 'NPS 9/10 (promoter)%'"),
            1);
  EXPECT_TRUE(surveys_->get_invitation(analyst_, inv.id).response);
  // CSAT is 1-5: 0 and 6 are refused, though NPS allows them.
  in.kind = "csat";
  SurveyInvitation csat = db_->writer().run(surveys_->invite(sales_, in));
  EXPECT_EQ(error_of([&] { db_->writer().run(surveys_->respond(sales_, csat.id, 6, {})); }).field(),
            "score");
  EXPECT_EQ(error_of([&] { db_->writer().run(surveys_->respond(sales_, csat.id, 0, {})); }).field(),
            "score");
  in.customer_id = 999999;
  EXPECT_EQ(error_of([&] { db_->writer().run(surveys_->invite(sales_, in)); }).field(),
            "customer_id");
  EXPECT_EQ(error_of([&] { surveys_->respond(analyst_, csat.id, 5, {}); }).code(),
            ErrorCode::kForbidden);
}

TEST_F(FeedbackTest, RulesInviteOnResolutionAndAfterAnOrderOnlyWhenTurnedOn) {
  TicketService tickets(*db_);
  NewTicket t;
  t.type = "inquiry";
  t.channel = "chat";
  t.customer_id = customers_[0];
  t.subject = "Where is my tea?";
  Ticket first = db_->writer().run(tickets.create(agent_, t));
  db_->writer().run(tickets.change_status(agent_, first.id, "resolved", std::nullopt));
  EXPECT_EQ(count("SELECT count(*) FROM survey_invitations"), 0);  // off by default
  set("survey_csat_on_resolve", "true");
  Ticket second = db_->writer().run(tickets.create(agent_, t));
  db_->writer().run(tickets.change_status(agent_, second.id, "resolved", std::nullopt));
  // Reopened and resolved again: asked once.
  db_->writer().run(tickets.change_status(agent_, second.id, "open", std::nullopt));
  db_->writer().run(tickets.change_status(agent_, second.id, "resolved", std::nullopt));
  EXPECT_EQ(count("SELECT count(*) FROM survey_invitations WHERE kind = 'csat' AND ticket_id = " +
                  std::to_string(second.id) +
                  " AND channel = 'chat' AND source = "
                  "'ticket_resolved'"),
            1);
  EXPECT_EQ(count("SELECT count(*) FROM survey_invitations"), 1);
  EXPECT_THROW(set("survey_csat_on_resolve", "yes"), Error);
  // After an order: NPS, at most once per quiet period; never for an anonymous sale.
  OrderService orders(*db_);
  NewOrder o;
  o.customer_id = customers_[1];
  o.channel = "store";
  o.location = "Shanghai";
  o.lines.push_back({product_, std::nullopt, 1, std::nullopt, 0});
  db_->writer().run(orders.place(sales_, o));
  EXPECT_EQ(count("SELECT count(*) FROM survey_invitations WHERE kind = 'nps'"), 0);
  set("survey_nps_after_order", "true");
  db_->writer().run(orders.place(sales_, o));
  db_->writer().run(orders.place(sales_, o));
  o.customer_id.reset();
  db_->writer().run(orders.place(sales_, o));
  EXPECT_EQ(count("SELECT count(*) FROM survey_invitations WHERE kind = 'nps' AND source = "
                  "'order' AND store = 'Shanghai' AND channel = 'store'"),
            1);
  set("survey_nps_quiet_days", "0");
  o.customer_id = customers_[1];
  db_->writer().run(orders.place(sales_, o));
  EXPECT_EQ(count("SELECT count(*) FROM survey_invitations WHERE kind = 'nps'"), 2);
}

TEST_F(FeedbackTest, ReportsGiveNpsAndCsatPerChannelStoreAndMonth) {
  auto respond = [&](const std::string& kind, std::int64_t customer, const std::string& channel,
                     std::optional<std::string> store, int score) {
    NewInvitation in;
    in.kind = kind;
    in.customer_id = customer;
    in.channel = channel;
    in.store = std::move(store);
    SurveyInvitation inv = db_->writer().run(surveys_->invite(sales_, in));
    db_->writer().run(surveys_->respond(sales_, inv.id, score, {}));
  };
  // Web: 2 promoters, 1 detractor -> NPS 33.3; store: 1 passive, 1 detractor -> -50.
  respond("nps", customers_[0], "web", std::nullopt, 10);
  respond("nps", customers_[1], "web", std::nullopt, 9);
  respond("nps", customers_[2], "web", std::nullopt, 3);
  respond("nps", customers_[3], "store", "Shanghai", 7);
  respond("nps", customers_[0], "store", "Shanghai", 6);
  respond("csat", customers_[0], "chat", std::nullopt, 5);
  respond("csat", customers_[1], "chat", std::nullopt, 2);
  SurveyReportParams p;
  p.kind = "nps";
  p.group_by = "channel";
  SurveyReport r = surveys_->report(analyst_, p);
  ASSERT_EQ(r.groups.size(), 2u);
  EXPECT_EQ(r.groups[0].key, "web");
  EXPECT_NEAR(*r.groups[0].nps, 100.0 / 3.0, 1e-9);
  EXPECT_EQ(r.groups[1].key, "store");
  EXPECT_DOUBLE_EQ(*r.groups[1].nps, -50.0);
  EXPECT_EQ(r.total.responses, 5);
  EXPECT_DOUBLE_EQ(*r.total.nps, 0.0);  // 2 promoters, 2 detractors of 5
  p.group_by = "store";
  r = surveys_->report(analyst_, p);
  EXPECT_EQ(r.groups[0].key, std::nullopt);  // no store (web)
  EXPECT_EQ(r.groups[1].key, "Shanghai");
  p.group_by = "month";
  r = surveys_->report(analyst_, p);
  ASSERT_EQ(r.groups.size(), 1u);
  EXPECT_EQ(r.groups[0].key->size(), 7u);  // YYYY-MM
  p.group_by = "segment";
  sql_insert(
      "INSERT INTO analytics_runs (kind, status, as_of, started_at, finished_at) VALUES "
      "('refresh', 'done', 0, 0, 0)");
  sql_insert(
      "INSERT INTO customer_scores (customer_id, run_id, rfm_r, rfm_f, rfm_m, "
      "rfm_segment, abc_class, value_tier, customer_type, purchases, revenue_minor, "
      "first_purchase_at, last_purchase_at, horizon_months, currency, computed_at) VALUES "
      "(" +
      std::to_string(customers_[0]) +
      ", 1, 5, 5, 5, 'champions', 'A', 'gold', 'regular', 3, 100, 0, 0, 12, 'CNY', 0)");
  r = surveys_->report(analyst_, p);
  bool champions = false;
  for (const auto& g : r.groups) {
    if (g.key == "champions") {
      champions = true;
      EXPECT_EQ(g.responses, 2);  // customer 0's 10 and 6
      EXPECT_DOUBLE_EQ(*g.nps, 0.0);
    }
  }
  EXPECT_TRUE(champions);
  p.kind = "csat";
  p.group_by = "channel";
  r = surveys_->report(analyst_, p);
  EXPECT_DOUBLE_EQ(*r.total.csat, 50.0);
  p.group_by = "week";
  EXPECT_EQ(error_of([&] { surveys_->report(analyst_, p); }).field(), "group_by");
}

TEST_F(FeedbackTest, MarkdownNeverRendersScriptOrJavascriptLinks) {
  const std::string html = render_markdown_safe(
      "# Title\n\n<script>alert(1)</script>\n\n[click](javascript:alert(1)) "
      "<img src=x onerror=alert(1)> [ok](https://example.com) "
      "![i](data:text/html;base64,PHNjcmlwdD4=)\n\n<div onclick=\"x()\">raw</div>\n");
  EXPECT_EQ(html.find("<script"), std::string::npos) << html;
  EXPECT_EQ(html.find("javascript:"), std::string::npos) << html;
  EXPECT_EQ(html.find("<img src=\"x\""), std::string::npos) << html;
  EXPECT_EQ(html.find("onerror"), std::string::npos) << html;
  EXPECT_EQ(html.find("<div"), std::string::npos) << html;
  EXPECT_EQ(html.find("data:text/html"), std::string::npos) << html;
  EXPECT_NE(html.find("<h1>Title</h1>"), std::string::npos) << html;
  EXPECT_NE(html.find("<a href=\"https://example.com\">ok</a>"), std::string::npos) << html;
  // Text that looks like markup is escaped.
  EXPECT_NE(render_markdown_safe("a `<b>` and 1 < 2").find("&lt;b&gt;"), std::string::npos);
  EXPECT_EQ(markdown_excerpt("# Hello\n\nworld  again", 100), "# Hello world again");
  EXPECT_EQ(markdown_excerpt("退货政策说明", 4), "退货政策\u2026");
}

TEST_F(FeedbackTest, SearchRanksByRelevanceInEnglishAndChinese) {
  auto article = [&](const std::string& title, const std::string& body,
                     const std::string& status = "published") {
    NewKbArticle a;
    a.title = title;
    a.body = body;
    a.status = status;
    return db_->writer().run(kb_->create(agent_, a));
  };
  KbArticle returns = article("Returns policy", "How to return an item within 30 days.");
  KbArticle shipping = article("Shipping times", "Parcels arrive in 3 days. Returns are free.");
  KbArticle tea = article("绿茶的保存方法", "绿茶要密封、避光、冷藏保存。受潮的茶叶可以申请退货。");
  KbArticle refund = article("退货政策", "收到商品七天内可以无理由退货。");
  KbArticle draft = article("Returns for VIPs", "Draft returns text", "draft");
  auto ids = [&](const std::string& q) {
    KbListParams p;
    p.q = q;
    std::vector<std::int64_t> out;
    for (const auto& a : kb_->list(sales_, p).items) out.push_back(a.id);
    return out;
  };
  // The title match ranks first; stemming finds "returns" for "return"; drafts are not listed.
  EXPECT_EQ(ids("return"), (std::vector<std::int64_t>{returns.id, shipping.id}));
  EXPECT_EQ(ids("RETURNS policy"), (std::vector<std::int64_t>{returns.id}));
  // Chinese: a two-character word, a four-character phrase, one character anywhere in a run.
  EXPECT_EQ(ids("退货"), (std::vector<std::int64_t>{refund.id, tea.id}));
  EXPECT_EQ(ids("退货政策"), (std::vector<std::int64_t>{refund.id}));
  EXPECT_EQ(ids("茶"), (std::vector<std::int64_t>{tea.id}));
  EXPECT_EQ(ids("冷藏"), (std::vector<std::int64_t>{tea.id}));
  EXPECT_EQ(ids("藏"), (std::vector<std::int64_t>{tea.id}));  // mid-run: starts the bigram 藏保
  EXPECT_TRUE(ids("绿茶 shipping").empty());
  // Status and category filter inside the index; they are not words of the articles.
  EXPECT_TRUE(ids("published").empty());
  EXPECT_TRUE(ids("draft").empty());
  const KbCategory cat = db_->writer().run(kb_->create_category(agent_, "Returns"));
  KbArticlePatch move;
  move.category_id = std::optional<std::int64_t>(cat.id);
  db_->writer().run(kb_->update(agent_, shipping.id, move, std::nullopt));
  KbListParams in_cat;
  in_cat.q = "return";
  in_cat.category_id = cat.id;
  ASSERT_EQ(kb_->list(sales_, in_cat).items.size(), 1u);
  EXPECT_EQ(kb_->list(sales_, in_cat).items[0].id, shipping.id);
  // Pages of a search follow the ranking.
  KbListParams paged;
  paged.q = "return";
  paged.limit = 1;
  auto first_page = kb_->list(sales_, paged);
  ASSERT_EQ(first_page.items.size(), 1u);
  EXPECT_EQ(first_page.items[0].id, returns.id);
  ASSERT_TRUE(first_page.next_cursor);
  paged.cursor = first_page.next_cursor;
  auto second_page = kb_->list(sales_, paged);
  ASSERT_EQ(second_page.items.size(), 1u);
  EXPECT_EQ(second_page.items[0].id, shipping.id);
  EXPECT_FALSE(second_page.next_cursor);
  EXPECT_EQ(error_of([&] { ids("!!!"); }).field(), "q");
  // Editing an article re-indexes it.
  KbArticlePatch patch;
  patch.title = "Shipping and delivery";
  db_->writer().run(kb_->update(agent_, shipping.id, patch, std::nullopt));
  EXPECT_EQ(ids("delivery"), (std::vector<std::int64_t>{shipping.id}));
  // Drafts: staff with kb.write may list and read them; others never see them.
  KbListParams drafts;
  drafts.status = "draft";
  EXPECT_EQ(kb_->list(agent_, drafts).items.size(), 1u);
  EXPECT_EQ(error_of([&] { kb_->list(sales_, drafts); }).code(), ErrorCode::kForbidden);
  EXPECT_EQ(error_of([&] { kb_->get(sales_, draft.id); }).code(), ErrorCode::kNotFound);
  EXPECT_EQ(kb_->get(agent_, draft.id).title, "Returns for VIPs");
  // Script in an article is stored as written.
  KbArticle script = article("<script>x</script>", "<script>alert(1)</script>");
  EXPECT_EQ(kb_->get(sales_, script.id).body, "<script>alert(1)</script>");
}

TEST_F(FeedbackTest, TicketsLinkToTheArticlesThatSolvedThem) {
  TicketService tickets(*db_);
  NewTicket t;
  t.type = "inquiry";
  t.channel = "email";
  t.customer_id = customers_[0];
  t.subject = "How do I return this?";
  Ticket ticket = db_->writer().run(tickets.create(agent_, t));
  NewKbArticle a;
  a.title = "Returns policy";
  a.body = "Within 30 days.";
  a.status = "published";
  KbArticle published = db_->writer().run(kb_->create(agent_, a));
  a.status = "draft";
  KbArticle draft = db_->writer().run(kb_->create(agent_, a));
  db_->writer().run(kb_->link(agent_, ticket.id, published.id));
  EXPECT_EQ(kb_->get(sales_, published.id).solved_count, 1);
  Error e = error_of([&] { db_->writer().run(kb_->link(agent_, ticket.id, published.id)); });
  EXPECT_EQ(e.code(), ErrorCode::kConflict);
  e = error_of([&] { db_->writer().run(kb_->link(agent_, ticket.id, draft.id)); });
  EXPECT_EQ(e.code(), ErrorCode::kConflict);
  EXPECT_EQ(e.field(), "article_id");
  e = error_of([&] { db_->writer().run(kb_->link(agent_, 999999, published.id)); });
  EXPECT_EQ(e.code(), ErrorCode::kNotFound);
  EXPECT_EQ(kb_->ticket_articles(sales_, ticket.id).size(), 1u);
  KbListParams most;
  most.sort = "-solved_count";
  EXPECT_EQ(kb_->list(sales_, most).items.front().id, published.id);
  db_->writer().run(kb_->unlink(agent_, ticket.id, published.id));
  EXPECT_EQ(kb_->get(sales_, published.id).solved_count, 0);
  EXPECT_EQ(error_of([&] { kb_->link(sales_, ticket.id, published.id); }).code(),
            ErrorCode::kForbidden);
}

}  // namespace
}  // namespace rapport::app
