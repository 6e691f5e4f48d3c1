#include <gtest/gtest.h>

#include <filesystem>
#include <future>
#include <random>
#include <set>

#include "app/coupon_service.hpp"
#include "app/customer_service.hpp"
#include "app/loyalty_jobs.hpp"
#include "app/loyalty_service.hpp"
#include "app/order_service.hpp"
#include "app/product_service.hpp"
#include "app/promotion_service.hpp"
#include "app/return_service.hpp"
#include "app/settings.hpp"
#include "app/user_service.hpp"
#include "core/error.hpp"
#include "unit/test_support.hpp"

namespace rapport::app {
namespace {

using test_support::error_of;

constexpr const char* kReachableTiers = "member:0:100:no; silver:10000:200:no; gold:50000:300:yes";

class LoyaltyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = test_support::fresh_test_dir("rapport-loyalty");
    db_ = std::make_unique<store::Database>((dir_ / "t.db").string());
    User admin = db_->writer().run(UserService(*db_).create(
        Caller::operator_cli(), {"boss@example.com", "Boss", Role::kAdmin, "a long password"}));
    admin_.user_id = admin.id;
    admin_.role = Role::kAdmin;
    admin_.request_id = "test";
    loyalty_ = std::make_unique<LoyaltyService>(*db_);
    orders_ = std::make_unique<OrderService>(*db_);
    returns_ = std::make_unique<ReturnService>(*db_);
    ProductService products(*db_);
    NewProduct p;
    p.sku = "TEA-1";
    p.name = "Tea";
    p.price_minor = 1000;
    p.currency = "USD";
    tea_ = db_->writer().run(products.create(admin_, p)).id;
    p.sku = "POT-1";
    p.name = "Pot";
    p.price_minor = 5000;
    pot_ = db_->writer().run(products.create(admin_, p)).id;
    ann_ = add_customer("Ann");
    // Simple figures: 1 point per 100 minor units, 100 points are worth 100 minor units, and
    // tiers out of reach unless a test lowers them.
    set("loyalty_tiers", "member:0:100:no; silver:10000000:200:no; gold:50000000:300:yes");
  }
  void TearDown() override {
    loyalty_.reset();
    orders_.reset();
    returns_.reset();
    db_.reset();
    std::filesystem::remove_all(dir_);
  }
  void set(const std::string& key, const std::string& value) {
    db_->writer().run([&](store::Connection& c) { set_setting(c, admin_, key, value); });
  }
  std::int64_t add_customer(const std::string& name) {
    return db_->writer().run([&](store::Connection& c) {
      store::execute(c, "INSERT INTO customers (name, created_at, updated_at) VALUES (?, 0, 0)",
                     name);
      return c.last_insert_id();
    });
  }
  std::int64_t count(const std::string& sql) { return test_support::scalar(db_->reader(), sql); }
  LoyaltyMember enrol(std::int64_t customer, std::optional<TimeMs> at = std::nullopt) {
    return db_->writer().run(loyalty_->enrol(admin_, customer, at));
  }
  Order buy(std::int64_t customer, std::int64_t tea_qty, std::int64_t pot_qty = 0,
            std::optional<std::int64_t> redeem = std::nullopt,
            std::optional<std::string> key = std::nullopt) {
    NewOrder o;
    o.customer_id = customer;
    if (tea_qty > 0) o.lines.push_back({tea_, std::nullopt, tea_qty, std::nullopt, 0});
    if (pot_qty > 0) o.lines.push_back({pot_, std::nullopt, pot_qty, std::nullopt, 0});
    o.redeem_points = redeem;
    o.idempotency_key = key;
    return db_->writer().run(orders_->place(admin_, o));
  }
  std::int64_t balance(std::int64_t customer) { return loyalty_->get(admin_, customer).balance; }
  std::int64_t ledger_sum(std::int64_t customer) {
    return count("SELECT coalesce(sum(points), 0) FROM loyalty_ledger WHERE customer_id = " +
                 std::to_string(customer));
  }

  std::filesystem::path dir_;
  std::unique_ptr<store::Database> db_;
  Caller admin_;
  std::unique_ptr<LoyaltyService> loyalty_;
  std::unique_ptr<OrderService> orders_;
  std::unique_ptr<ReturnService> returns_;
  std::int64_t tea_ = 0, pot_ = 0, ann_ = 0;
};

TEST_F(LoyaltyTest, EnrolmentIssuesACheckedCardAndTheFirstTier) {
  LoyaltyMember m = enrol(ann_);
  EXPECT_EQ(m.customer_id, ann_);
  EXPECT_EQ(m.tier, "member");
  EXPECT_EQ(m.card_number.size(), kCardDigits);
  EXPECT_TRUE(luhn_valid(m.card_number));
  EXPECT_EQ(m.balance, 0);
  EXPECT_GT(m.tier_review_at, m.joined_at);
  EXPECT_EQ(loyalty_->get_by_card(admin_, m.card_number).customer_id, ann_);
  EXPECT_EQ(count("SELECT count(*) FROM interactions WHERE kind = 'loyalty_enrolled'"), 1);
  EXPECT_EQ(count("SELECT count(*) FROM audit_log WHERE entity = 'loyalty_member'"), 1);

  Error twice = error_of([&] { enrol(ann_); });
  EXPECT_EQ(twice.code(), ErrorCode::kConflict);
  EXPECT_EQ(twice.field(), "customer_id");
  Error nobody = error_of([&] { enrol(999999); });
  EXPECT_EQ(nobody.code(), ErrorCode::kNotFound);
  EXPECT_EQ(count("SELECT count(*) FROM loyalty_members"), 1);

  std::string typo = m.card_number;
  typo[5] = typo[5] == '3' ? '4' : '3';
  Error bad = error_of([&] { loyalty_->get_by_card(admin_, typo); });
  EXPECT_EQ(bad.code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(bad.field(), "number");
}

TEST_F(LoyaltyTest, AReplacedCardStopsWorkingAndTheAccountStays) {
  LoyaltyMember m = enrol(ann_);
  buy(ann_, 5);  // 5000 minor: 50 points
  LoyaltyMember r = db_->writer().run(loyalty_->replace_card(admin_, ann_, "lost on the bus"));
  EXPECT_NE(r.card_number, m.card_number);
  EXPECT_TRUE(luhn_valid(r.card_number));
  EXPECT_EQ(r.balance, 50);
  EXPECT_EQ(r.joined_at, m.joined_at);
  Error old = error_of([&] { loyalty_->get_by_card(admin_, m.card_number); });
  EXPECT_EQ(old.code(), ErrorCode::kConflict);
  EXPECT_EQ(loyalty_->get_by_card(admin_, r.card_number).customer_id, ann_);
  // The till scans the new card: the order is the member's.
  NewOrder o;
  o.card_number = r.card_number;
  o.lines.push_back({tea_, std::nullopt, 1, std::nullopt, 0});
  Order placed = db_->writer().run(orders_->place(admin_, o));
  EXPECT_EQ(placed.customer_id, ann_);
  EXPECT_EQ(placed.points_earned, 10);
}

TEST_F(LoyaltyTest, OrdersEarnWithTierAndCategoryMultipliersAndUpgradeTheTier) {
  set("loyalty_tiers", kReachableTiers);
  enrol(ann_);
  Order a = buy(ann_, 3);  // 3000 minor at member (100%): 30 points
  EXPECT_EQ(a.points_earned, 30);
  EXPECT_EQ(a.points_balance, 30);
  set("loyalty_earn_multipliers", "product:" + std::to_string(pot_) + "=200");
  Order b = buy(ann_, 0, 2);  // 10000 minor x2 product = 200 points; spend now 13000: silver
  EXPECT_EQ(b.points_earned, 200);
  EXPECT_EQ(loyalty_->get(admin_, ann_).tier, "silver");
  EXPECT_EQ(count("SELECT count(*) FROM interactions WHERE kind = 'tier_changed'"), 1);
  Order c = buy(ann_, 1);  // silver earns x2: 20 points
  EXPECT_EQ(c.points_earned, 20);
  EXPECT_EQ(balance(ann_), 250);
  // A non-member earns nothing and writes no ledger.
  const std::int64_t bob = add_customer("Bob");
  EXPECT_EQ(buy(bob, 3).points_earned, 0);
  EXPECT_EQ(count("SELECT count(*) FROM loyalty_ledger WHERE customer_id = " + std::to_string(bob)),
            0);
}

TEST_F(LoyaltyTest, DowngradesWaitForTheReviewDate) {
  set("loyalty_tiers", kReachableTiers);
  const TimeMs t0 = *parse_time("2025-01-10T00:00:00Z");
  enrol(ann_, t0);
  const TimeMs spend_at = *parse_time("2025-02-01T00:00:00Z");
  db_->writer().run([&](store::Connection& c) {
    store::execute(c,
                   "INSERT INTO orders (customer_id, channel, placed_at, currency, subtotal_minor, "
                   "total_minor, created_at) VALUES (?, 'store', ?, 'USD', 60000, 60000, 0)",
                   ann_, spend_at);
    // Most of it is refunded in June: the qualifying spend falls to 10000 (silver).
    store::execute(c,
                   "INSERT INTO returns (order_id, customer_id, at, currency, refund_minor, "
                   "created_at) VALUES (?, ?, ?, 'USD', 50000, 0)",
                   c.last_insert_id(), ann_, *parse_time("2025-06-01T00:00:00Z"));
  });
  const LoyaltyConfig cfg = load_loyalty_config(db_->reader());
  auto reevaluate = [&](TimeMs at) {
    return db_->writer().run(
        [&](store::Connection& c) { return reevaluate_tier(c, admin_, cfg, ann_, at); });
  };
  EXPECT_TRUE(reevaluate(spend_at));
  EXPECT_EQ(loyalty_->get(admin_, ann_).tier, "gold");
  const TimeMs review = loyalty_->get(admin_, ann_).tier_review_at;
  EXPECT_EQ(format_time(review), "2026-02-01T00:00:00.000Z");  // a year from the upgrade
  // After the refund the member qualifies for silver only: still gold until the review date.
  EXPECT_FALSE(reevaluate(*parse_time("2025-07-01T00:00:00Z")));
  EXPECT_FALSE(reevaluate(review - 1));
  EXPECT_EQ(loyalty_->get(admin_, ann_).tier, "gold");
  EXPECT_TRUE(reevaluate(review));
  LoyaltyMember m = loyalty_->get(admin_, ann_);
  EXPECT_EQ(m.tier, "silver");
  EXPECT_EQ(format_time(m.tier_review_at), "2027-02-01T00:00:00.000Z");
}

// The rules are kept per connection and read again when the settings change, whoever changed
// them: another connection, or a change rolled back.
TEST_F(LoyaltyTest, TheRulesFollowEverySettingsChange) {
  store::Connection& reader = db_->reader();
  EXPECT_EQ(load_loyalty_config(reader).earn.points_per_100_minor, 1);
  set(std::string(setting::kLoyaltyPointsPer100), "3");  // on the writer's connection
  EXPECT_EQ(load_loyalty_config(reader).earn.points_per_100_minor, 3);
  auto other = db_->open_connection();  // as another process would
  store::execute(*other, "UPDATE settings SET value = '5' WHERE key = ?",
                 setting::kLoyaltyPointsPer100);
  EXPECT_EQ(load_loyalty_config(reader).earn.points_per_100_minor, 5);
  // A change read inside a transaction that then rolls back: the copy of it is not used later.
  {
    store::Transaction tx(*other, true);
    store::execute(*other, "UPDATE settings SET value = '7' WHERE key = ?",
                   setting::kLoyaltyPointsPer100);
    EXPECT_EQ(load_loyalty_config(*other).earn.points_per_100_minor, 7);
  }
  EXPECT_EQ(load_loyalty_config(*other).earn.points_per_100_minor, 5);
  store::execute(*other, "UPDATE settings SET value = '2' WHERE key = ?",
                 setting::kLoyaltyPointsPer100);
  EXPECT_EQ(load_loyalty_config(*other).earn.points_per_100_minor, 2);
  EXPECT_EQ(load_loyalty_config(reader).earn.points_per_100_minor, 2);
  // And an order earns by the new rule: 2 points per 100 minor units of a 1000 tea.
  enrol(ann_);
  EXPECT_EQ(buy(ann_, 1).points_earned, 20);
}

TEST_F(LoyaltyTest, RedemptionDiscountsTheOrderOnceAndNeverOverdraws) {
  enrol(ann_);
  buy(ann_, 0, 10);  // 50000 minor: 500 points
  ASSERT_EQ(balance(ann_), 500);
  Order r = buy(ann_, 2, 0, 300, "till-7-0001");  // 300 points = 300 minor off 2000
  EXPECT_FALSE(r.replayed);
  EXPECT_EQ(r.discount_minor, 300);
  EXPECT_EQ(r.total_minor, 1700);
  EXPECT_EQ(r.points_redeemed, 300);
  ASSERT_EQ(r.discounts.size(), 1u);
  EXPECT_EQ(r.discounts[0].kind, "points");
  EXPECT_EQ(r.points_earned, 17);  // earned on what was paid
  EXPECT_EQ(balance(ann_), 500 - 300 + 17);
  // The retry returns the same order and redeems nothing more.
  Order again = buy(ann_, 2, 0, 300, "till-7-0001");
  EXPECT_TRUE(again.replayed);
  EXPECT_EQ(again.id, r.id);
  EXPECT_EQ(again.points_redeemed, 300);
  EXPECT_EQ(balance(ann_), 217);
  EXPECT_EQ(count("SELECT count(*) FROM orders"), 2);

  const auto orders_before = count("SELECT count(*) FROM orders");
  const auto ledger_before = count("SELECT count(*) FROM loyalty_ledger");
  Error over = error_of([&] { buy(ann_, 3, 0, 218, "till-7-0002"); });
  EXPECT_EQ(over.code(), ErrorCode::kConflict);
  EXPECT_EQ(over.field(), "redeem_points");
  set("loyalty_point_value_minor_per_100", "1000");  // 200 points now worth 2000 > 1000
  Error worth_more = error_of([&] { buy(ann_, 1, 0, 200, "till-7-0003"); });
  EXPECT_EQ(worth_more.code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(worth_more.field(), "redeem_points");
  set("loyalty_point_value_minor_per_100", "100");
  Error no_key = error_of([&] { buy(ann_, 1, 0, 10); });
  EXPECT_EQ(no_key.field(), "idempotency_key");
  const std::int64_t bob = add_customer("Bob");
  Error not_member = error_of([&] { buy(bob, 1, 0, 10, "k-bob"); });
  EXPECT_EQ(not_member.code(), ErrorCode::kConflict);
  EXPECT_EQ(not_member.field(), "redeem_points");
  EXPECT_EQ(count("SELECT count(*) FROM orders"), orders_before);
  EXPECT_EQ(count("SELECT count(*) FROM loyalty_ledger"), ledger_before);
  EXPECT_EQ(count("SELECT count(*) FROM order_requests"), 1);
  EXPECT_EQ(balance(ann_), 217);
}

TEST_F(LoyaltyTest, ConcurrentRedemptionsNeverTakeTheBalanceBelowZero) {
  enrol(ann_);
  buy(ann_, 0, 10);  // 500 points
  std::vector<WriteOp<Order>> ops;
  for (int i = 0; i < 12; ++i) {
    NewOrder o;
    o.customer_id = ann_;
    o.lines.push_back({pot_, std::nullopt, 1, std::nullopt, 0});
    o.redeem_points = 100;
    o.idempotency_key = "parallel-" + std::to_string(i);
    ops.push_back(orders_->place(admin_, o));  // all checked before any runs
  }
  std::vector<std::future<bool>> done;
  for (auto& op : ops) {
    auto p = std::make_shared<std::promise<bool>>();
    done.push_back(p->get_future());
    submit<Order>(db_->writer(), op, [p](Outcome<Order> out) { p->set_value(!out.error); });
  }
  int ok = 0;
  for (auto& f : done) ok += f.get() ? 1 : 0;
  // 500 points; each order takes 100 and earns 49 back on the 4900 paid: 8 fit, then 92 are
  // left. The writer runs them one by one, each reading the balance the previous one left.
  EXPECT_EQ(ok, 8);
  EXPECT_EQ(balance(ann_), 92);
  EXPECT_EQ(balance(ann_), ledger_sum(ann_));
}

TEST_F(LoyaltyTest, TheBalanceIsAlwaysTheSumOfTheEntries) {
  enrol(ann_);
  std::mt19937_64 rng(5);
  for (int i = 0; i < 60; ++i) {
    const int what = static_cast<int>(rng() % 4);
    try {
      if (what == 0) {
        buy(ann_, 1 + static_cast<std::int64_t>(rng() % 5));
      } else if (what == 1) {
        buy(ann_, 0, 1, 1 + static_cast<std::int64_t>(rng() % 200), "k" + std::to_string(i));
      } else if (what == 2) {
        const std::int64_t p = static_cast<std::int64_t>(rng() % 101) - 50;
        if (p != 0) db_->writer().run(loyalty_->adjust(admin_, ann_, p, "random"));
      } else {
        Order o = buy(ann_, 2, 1);
        db_->writer().run(returns_->create(admin_, o.id, {std::nullopt, {{o.lines[1].id, 1}}}));
      }
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kConflict) << e.what();  // not enough points
    }
    ASSERT_EQ(balance(ann_), ledger_sum(ann_)) << "after step " << i;
  }
  EXPECT_EQ(count("SELECT count(*) FROM loyalty_ledger WHERE balance <> credits_total - "
                  "debits_total OR balance < 0"),
            0);
  // The ledger is append-only.
  EXPECT_THROW(db_->writer().run([](store::Connection& c) {
    store::execute(c, "UPDATE loyalty_ledger SET points = 1");
  }),
               Error);
}

TEST_F(LoyaltyTest, ReturnsReverseEarnedPointsAndGiveBackRedeemedOnesInProportion) {
  enrol(ann_);
  buy(ann_, 0, 10);  // 500 points
  // 4 teas and 1 pot (9000), 400 points off: 178 of them fall on the teas.
  Order o = buy(ann_, 4, 1, 400, "ret-1");
  ASSERT_EQ(o.lines.size(), 2u);
  EXPECT_EQ(o.lines[0].points_redeemed + o.lines[1].points_redeemed, 400);
  const std::int64_t before = balance(ann_);
  const std::int64_t tea_earned = o.lines[0].points_earned;
  const std::int64_t tea_redeemed = o.lines[0].points_redeemed;
  // Return 1 of 4 teas, then the other 3: the parts sum to the line's points.
  db_->writer().run(returns_->create(admin_, o.id, {std::nullopt, {{o.lines[0].id, 1}}}));
  db_->writer().run(returns_->create(admin_, o.id, {std::nullopt, {{o.lines[0].id, 3}}}));
  EXPECT_EQ(balance(ann_), before - tea_earned + tea_redeemed);
  EXPECT_EQ(count("SELECT count(*) FROM loyalty_ledger WHERE kind = 'reverse' AND ref_type = "
                  "'return'"),
            4);
  EXPECT_EQ(balance(ann_), ledger_sum(ann_));
}

TEST_F(LoyaltyTest, AdjustmentsNeedAReasonAndTheRightRole) {
  enrol(ann_);
  Caller sales = admin_;
  sales.role = Role::kSales;
  EXPECT_EQ(error_of([&] { loyalty_->adjust(sales, ann_, 10, "gift"); }).code(),
            ErrorCode::kForbidden);
  EXPECT_EQ(error_of([&] { loyalty_->adjust(admin_, ann_, 10, "  "); }).field(), "reason");
  EXPECT_EQ(error_of([&] { loyalty_->adjust(admin_, ann_, 0, "x"); }).field(), "points");
  Error short_ = error_of([&] { db_->writer().run(loyalty_->adjust(admin_, ann_, -1, "x")); });
  EXPECT_EQ(short_.code(), ErrorCode::kConflict);
  LedgerEntry e = db_->writer().run(loyalty_->adjust(admin_, ann_, 75, "goodwill: late parcel"));
  EXPECT_EQ(e.balance, 75);
  EXPECT_TRUE(e.expires_at.has_value());
  auto page = loyalty_->statement(admin_, ann_, std::nullopt, 1);
  ASSERT_EQ(page.items.size(), 1u);
  EXPECT_EQ(page.items[0].reason, "goodwill: late parcel");
  EXPECT_FALSE(page.next_cursor.has_value());
}

TEST_F(LoyaltyTest, ExpiryJobExpiresFirstInFirstOutWithANoticeAheadAndIsIdempotent) {
  enrol(ann_, *parse_time("2023-12-01T00:00:00Z"));
  auto buy_at = [&](const char* at, std::int64_t teas, std::optional<std::int64_t> redeem,
                    std::optional<std::string> key) {
    NewOrder o;
    o.customer_id = ann_;
    o.placed_at = *parse_time(at);
    o.lines.push_back({tea_, std::nullopt, teas, std::nullopt, 0});
    o.redeem_points = redeem;
    o.idempotency_key = key;
    return db_->writer().run(orders_->place(admin_, o));
  };
  buy_at("2024-01-01T00:00:00Z", 10, std::nullopt, std::nullopt);  // 100, expire 2026-01-01
  buy_at("2024-03-01T00:00:00Z", 1, 30, "x1");  // -30 (from the first lot), +9 in 2026-03
  buy_at("2024-06-01T00:00:00Z", 5, std::nullopt, std::nullopt);  // 50, expire 2026-06-01
  ASSERT_EQ(balance(ann_), 129);

  ExpiryResult r = expire_points(*db_, *parse_time("2025-12-15T00:00:00Z"));
  EXPECT_EQ(r.points, 0);
  EXPECT_EQ(r.notices, 1);  // 70 of the first lot are left and expire within 30 days
  EXPECT_EQ(count("SELECT points FROM customer_notices WHERE kind = 'points_expiring'"), 70);
  EXPECT_EQ(expire_points(*db_, *parse_time("2025-12-16T00:00:00Z")).notices, 0);

  r = expire_points(*db_, *parse_time("2026-01-02T00:00:00Z"));
  EXPECT_EQ(r.members, 1);
  EXPECT_EQ(r.points, 70);
  EXPECT_EQ(balance(ann_), 59);
  r = expire_points(*db_, *parse_time("2026-01-02T00:00:00Z"));
  EXPECT_EQ(r.points, 0);
  EXPECT_EQ(balance(ann_), 59);

  r = expire_points(*db_, *parse_time("2026-03-02T00:00:00Z"));
  EXPECT_EQ(r.points, 9);
  EXPECT_EQ(balance(ann_), 50);
  EXPECT_EQ(balance(ann_), ledger_sum(ann_));
  EXPECT_EQ(count("SELECT count(*) FROM interactions WHERE kind = 'points_expired'"), 2);
  EXPECT_EQ(count("SELECT count(*) FROM loyalty_ledger WHERE kind = 'expire'"), 2);
  // A lot written later that is already due (an imported old order) is found by the next run.
  buy_at("2023-12-15T00:00:00Z", 2, std::nullopt, std::nullopt);  // 20; FIFO: after the others
  r = expire_points(*db_, *parse_time("2026-06-02T00:00:00Z"));
  EXPECT_EQ(r.points, 70);
  EXPECT_EQ(balance(ann_), 0);
}

TEST_F(LoyaltyTest, TierReviewJobDowngradesMembersWhoseReviewCame) {
  set("loyalty_tiers", kReachableTiers);
  enrol(ann_);
  buy(ann_, 0, 12);  // 60000: gold at once
  ASSERT_EQ(loyalty_->get(admin_, ann_).tier, "gold");
  const std::int64_t bob = add_customer("Bob");
  enrol(bob);
  EXPECT_EQ(review_tiers(*db_, now_ms()).reviewed, 0);
  const TimeMs later = add_months_utc(now_ms(), 13);
  TierReviewResult r = review_tiers(*db_, later);
  EXPECT_EQ(r.reviewed, 2);
  EXPECT_EQ(r.changed, 1);
  EXPECT_EQ(loyalty_->get(admin_, ann_).tier, "member");
  EXPECT_EQ(count("SELECT count(*) FROM interactions WHERE kind = 'tier_changed'"), 2);
  EXPECT_EQ(review_tiers(*db_, later).reviewed, 0);
}

TEST_F(LoyaltyTest, PriceMatchChargesTheShelfPriceAndRecordsWhy) {
  NewOrder o;
  o.customer_id = ann_;
  o.lines.push_back({tea_, std::nullopt, 2, 1200, 0});  // 1200 keyed in, shelf price 1000
  o.lines.push_back({pot_, std::nullopt, 1, 4500, 0});  // below the shelf price: kept
  Order placed = db_->writer().run(orders_->place(admin_, o));
  EXPECT_EQ(placed.lines[0].unit_price_minor, 1000);
  EXPECT_EQ(placed.lines[1].unit_price_minor, 4500);
  EXPECT_EQ(placed.total_minor, 2000 + 4500);
  Order got = orders_->get(admin_, placed.id);
  ASSERT_EQ(got.discounts.size(), 1u);
  EXPECT_EQ(got.discounts[0].kind, "price_match");
  EXPECT_EQ(got.discounts[0].amount_minor, 400);
  EXPECT_EQ(got.discounts[0].line_no, 1);
  EXPECT_NE(got.discounts[0].reason.find("shelf price"), std::string::npos);
  EXPECT_EQ(count("SELECT count(*) FROM interactions WHERE kind = 'order_placed' AND subject LIKE "
                  "'%Price match%'"),
            1);
}

TEST_F(LoyaltyTest, PromotionsDiscountAndMultiplyPointsWhileInEffect) {
  enrol(ann_);
  PromotionService promotions(*db_);
  Promotion tea_off;
  tea_off.rule.name = "Tea week";
  tea_off.rule.scope = PromotionScope::kProduct;
  tea_off.rule.product_id = tea_;
  tea_off.rule.percent_off = 10;
  tea_off.starts_at = now_ms() - 60'000;
  tea_off.ends_at = now_ms() + 3'600'000;
  db_->writer().run(promotions.create(admin_, tea_off));
  Promotion double_points;
  double_points.rule.name = "Double points day";
  double_points.rule.scope = PromotionScope::kBasket;
  double_points.rule.points_multiplier_pct = 200;
  double_points.starts_at = tea_off.starts_at;
  double_points.ends_at = tea_off.ends_at;
  Promotion dp = db_->writer().run(promotions.create(admin_, double_points));
  Order o = buy(ann_, 2);
  EXPECT_EQ(o.discount_minor, 200);
  EXPECT_EQ(o.total_minor, 1800);
  EXPECT_EQ(o.points_earned, 36);  // 18 points, doubled
  ASSERT_EQ(o.discounts.size(), 1u);
  EXPECT_EQ(o.discounts[0].kind, "promotion");
  db_->writer().run(promotions.deactivate(admin_, dp.rule.id));
  EXPECT_EQ(buy(ann_, 2).points_earned, 18);
  // An order placed before the promotions started gets neither.
  NewOrder before;
  before.customer_id = ann_;
  before.placed_at = tea_off.starts_at - 86'400'000;
  before.lines.push_back({tea_, std::nullopt, 2, std::nullopt, 0});
  EXPECT_EQ(db_->writer().run(orders_->place(admin_, before)).discount_minor, 0);
  Error bad = error_of([&] {
    Promotion p = tea_off;
    p.rule.product_id.reset();
    promotions.create(admin_, p);
  });
  EXPECT_EQ(bad.field(), "product_id");
}

TEST_F(LoyaltyTest, ACouponIsNeverUsedBeyondItsLimitEvenConcurrently) {
  CouponService coupons(*db_);
  NewCoupons n;
  n.code = "spring-10";
  n.terms.percent_off = 10;
  n.terms.max_uses = 3;
  n.terms.max_uses_per_customer = 3;
  n.terms.starts_at = now_ms() - 1000;
  n.terms.ends_at = now_ms() + 3'600'000;
  Coupon c = db_->writer().run(coupons.create(admin_, n)).front();
  EXPECT_EQ(c.code, "SPRING-10");
  std::vector<WriteOp<Order>> ops;
  for (int i = 0; i < 8; ++i) {
    NewOrder o;
    o.customer_id = ann_;
    o.coupon_code = "spring-10";
    o.lines.push_back({tea_, std::nullopt, 1, std::nullopt, 0});
    ops.push_back(orders_->place(admin_, o));  // all pass the early check: no use yet
  }
  std::vector<std::future<bool>> done;
  for (auto& op : ops) {
    auto p = std::make_shared<std::promise<bool>>();
    done.push_back(p->get_future());
    submit<Order>(db_->writer(), op, [p](Outcome<Order> out) { p->set_value(!out.error); });
  }
  int ok = 0;
  for (auto& f : done) ok += f.get() ? 1 : 0;
  EXPECT_EQ(ok, 3);
  EXPECT_EQ(coupons.get(admin_, "SPRING-10").uses, 3);
  EXPECT_EQ(count("SELECT count(*) FROM coupon_redemptions"), 3);
  EXPECT_EQ(count("SELECT count(*) FROM orders"), 3);
  EXPECT_EQ(count("SELECT sum(amount_minor) FROM order_discounts WHERE kind = 'coupon'"), 300);

  NewOrder again;
  again.customer_id = ann_;
  again.coupon_code = "SPRING-10";
  again.lines.push_back({tea_, std::nullopt, 1, std::nullopt, 0});
  Error used = error_of([&] { orders_->place(admin_, again); });
  EXPECT_EQ(used.code(), ErrorCode::kConflict);
  EXPECT_EQ(used.field(), "coupon_code");
  again.coupon_code = "NOPE-0000";
  EXPECT_EQ(error_of([&] { orders_->place(admin_, again); }).code(), ErrorCode::kNotFound);
  // Generated codes: unique, unambiguous characters, the prefix kept.
  NewCoupons gen = n;
  gen.code.reset();
  gen.count = 20;
  gen.prefix = "vip-";
  auto many = db_->writer().run(coupons.create(admin_, gen));
  ASSERT_EQ(many.size(), 20u);
  std::set<std::string> codes;
  for (const auto& k : many) {
    EXPECT_EQ(k.code.rfind("VIP-", 0), 0u) << k.code;
    EXPECT_EQ(k.code.find_first_of("01OIL", 4), std::string::npos) << k.code;
    codes.insert(k.code);
  }
  EXPECT_EQ(codes.size(), 20u);
}

TEST_F(LoyaltyTest, ANonStackablePromotionRefusesCoupons) {
  PromotionService promotions(*db_);
  Promotion p;
  p.rule.name = "Clearance";
  p.rule.scope = PromotionScope::kProduct;
  p.rule.product_id = tea_;
  p.rule.percent_off = 50;
  p.rule.stackable = false;
  p.starts_at = now_ms() - 1000;
  p.ends_at = now_ms() + 3'600'000;
  db_->writer().run(promotions.create(admin_, p));
  CouponService coupons(*db_);
  NewCoupons n;
  n.code = "TENOFF";
  n.terms.amount_off_minor = 1000;
  n.terms.starts_at = now_ms() - 1000;
  n.terms.ends_at = now_ms() + 3'600'000;
  db_->writer().run(coupons.create(admin_, n));
  NewOrder o;
  o.customer_id = ann_;
  o.coupon_code = "TENOFF";
  o.lines.push_back({tea_, std::nullopt, 1, std::nullopt, 0});
  Error e = error_of([&] { orders_->place(admin_, o); });
  EXPECT_EQ(e.code(), ErrorCode::kConflict);
  EXPECT_EQ(e.field(), "coupon_code");
  o.lines[0].product_id = pot_;  // the clearance does not apply to pots
  Order placed = db_->writer().run(orders_->place(admin_, o));
  EXPECT_EQ(placed.discount_minor, 1000);
}

}  // namespace
}  // namespace rapport::app
