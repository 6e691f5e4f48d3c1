// The store side of customer intelligence: SQL summaries against the engine's own summaries on
// CDNOW, the published BG/NBD fit through a refresh, the refresh replacing its rows,
// money movements (returns, cancellations, same-day orders), and recommendations.
#include "app/analytics_service.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <functional>
#include <map>
#include <set>
#include <thread>

#include "../analytics/cdnow_data.hpp"
#include "analytics/clv/bg_nbd.hpp"
#include "app/customer_service.hpp"
#include "app/settings.hpp"
#include "core/error.hpp"
#include "unit/test_support.hpp"

namespace rapport::app {
namespace {

namespace an = rapport::analytics;
constexpr std::int64_t kDay = 86'400'000;

class AnalyticsStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = test_support::fresh_test_dir("rapport-analytics");
    store::DatabaseOptions o;
    o.synchronous_full = false;
    db_ = std::make_unique<store::Database>((dir_ / "t.db").string(), o);
    conn_ = db_->open_connection();
  }
  void TearDown() override {
    conn_.reset();
    db_.reset();
    std::filesystem::remove_all(dir_);
  }
  std::int64_t count(const std::string& sql) { return test_support::scalar(db_->reader(), sql); }
  void customer(std::int64_t id) {
    store::execute(*conn_,
                   "INSERT INTO customers (id, name, created_at, updated_at) VALUES (?, ?, 0, 0)",
                   id, "Customer " + std::to_string(id));
  }
  void product(std::int64_t id) {
    store::execute(*conn_,
                   "INSERT INTO products (id, sku, name, price_minor, currency, created_at, "
                   "updated_at) VALUES (?, ?, ?, 100, 'USD', 0, 0)",
                   id, "SKU-" + std::to_string(id), "Product " + std::to_string(id));
  }
  // A sale (or cancellation) order; returns its id.
  std::int64_t order(std::optional<std::int64_t> customer, std::int64_t at, std::int64_t total,
                     const char* kind = "sale", const char* currency = "USD",
                     std::int64_t discount = 0) {
    store::execute(*conn_,
                   "INSERT INTO orders (customer_id, kind, channel, placed_at, currency, "
                   "subtotal_minor, discount_minor, total_minor, created_at) "
                   "VALUES (?, ?, 'store', ?, ?, ?, ?, ?, 0)",
                   customer, kind, at, currency, total, discount, total);
    return conn_->last_insert_id();
  }
  std::int64_t line(std::int64_t order_id, std::int64_t product_id, std::int64_t total = 100) {
    store::execute(*conn_,
                   "INSERT INTO order_lines (order_id, line_no, product_id, quantity, "
                   "unit_price_minor, total_minor) VALUES (?, 1, ?, 1, ?, ?)",
                   order_id, product_id, total, total);
    return conn_->last_insert_id();
  }
  // Loads the CDNOW sample: one customer per master id, one sale order per row.
  void load_cdnow() {
    const auto rows = an::testing::load_cdnow();
    store::Transaction tx(*conn_, true);
    std::set<std::int64_t> seen;
    for (const auto& r : rows) {
      if (seen.insert(r.customer).second) customer(r.customer);
      // Spread within the day: same-day orders must still merge.
      order(r.customer, r.day * kDay + 3'600'000 * (static_cast<std::int64_t>(seen.size()) % 20),
            std::llround(r.amount * 100));
    }
    tx.commit();
  }
  Caller admin() { return Caller::operator_cli(); }

  std::filesystem::path dir_;
  std::unique_ptr<store::Database> db_;
  std::unique_ptr<store::Connection> conn_;
};

TEST_F(AnalyticsStoreTest, SqlSummariesMatchTheEngineOnCdnow) {
  load_cdnow();
  const auto options = an::testing::cdnow_options(false);
  const an::Summaries expected = an::summarize(an::testing::load_cdnow(), options);
  const StoreSummaries got =
      summarize_store(db_->reader(), {options.calibration_end, "USD", an::TimeUnit::kWeeks});
  const auto& g = got.summaries.customers;
  ASSERT_EQ(g.size(), 2357u);
  ASSERT_EQ(g.size(), expected.customers.size());
  std::int64_t repeat = 0, zero = 0;
  for (std::size_t i = 0; i < g.size(); ++i) {
    const auto& e = expected.customers[i];
    SCOPED_TRACE("customer " + std::to_string(e.customer));
    ASSERT_EQ(g[i].customer, e.customer);
    EXPECT_EQ(g[i].frequency, e.frequency);
    EXPECT_EQ(g[i].transactions, e.transactions);
    EXPECT_DOUBLE_EQ(g[i].recency, e.recency);
    EXPECT_DOUBLE_EQ(g[i].age, e.age);
    EXPECT_NEAR(g[i].monetary, e.monetary, 1e-9 * std::max(1.0, e.monetary));
    EXPECT_NEAR(g[i].total_amount, e.total_amount, 1e-9 * std::max(1.0, e.total_amount));
    EXPECT_EQ(std::isnan(g[i].interpurchase_cv), std::isnan(e.interpurchase_cv));
    if (!std::isnan(e.interpurchase_cv)) {
      EXPECT_NEAR(g[i].interpurchase_cv, e.interpurchase_cv, 1e-9);
    }
    repeat += g[i].frequency;
    zero += g[i].frequency == 0 ? 1 : 0;
  }
  EXPECT_EQ(repeat, 2457);
  EXPECT_EQ(zero, 1411);
  // And the published BG/NBD fit (Fader, Hardie & Lee 2005, three decimals) on the SQL summaries;
  // with t_x and T rounded to two decimals as in the distributed data file, the reference Python
  // implementation's six (as tests/unit/analytics/bg_nbd_test.cpp does for the engine).
  const auto fit = an::BgNbdModel::fit(an::BgNbdSample(g));
  EXPECT_NEAR(fit.parameters.r, 0.243, 5e-4);
  EXPECT_NEAR(fit.parameters.alpha, 4.414, 5e-4);
  EXPECT_NEAR(fit.parameters.a, 0.793, 5e-4);
  EXPECT_NEAR(fit.parameters.b, 2.426, 5e-4);
  EXPECT_NEAR(fit.log_likelihood, -9582.4, 0.05);
  std::vector<an::CustomerSummary> rounded(g.begin(), g.end());
  for (auto& c : rounded) {
    c.recency = std::round(c.recency * 100) / 100;
    c.age = std::round(c.age * 100) / 100;
  }
  const auto reference = an::BgNbdModel::fit(an::BgNbdSample(rounded));
  EXPECT_NEAR(reference.parameters.r, 0.242593, 5e-6);
  EXPECT_NEAR(reference.parameters.alpha, 4.413532, 5e-5);
  EXPECT_NEAR(reference.parameters.a, 0.792886, 5e-6);
  EXPECT_NEAR(reference.parameters.b, 2.425752, 5e-5);
  EXPECT_NEAR(reference.log_likelihood, -9582.4256, 1e-4);
}

TEST_F(AnalyticsStoreTest, RefreshOnCdnowWritesScoresAndReplacesThem) {
  load_cdnow();
  // The refresh fills customer_scores_next and swaps the two tables' names; the indexes keep
  // theirs, so the live table's index names alternate between two sets (the migrated names and
  // the same with "_b"), and SQLite quotes a renamed table's name in its sql. Up to those, the
  // schema afterwards must be the migrated one.
  const auto schema = [&] {
    std::vector<std::string> lines;
    store::Query q(db_->reader(),
                   "SELECT replace(replace(name || ': ' || coalesce(sql, ''), '\"', ''), '_b ', "
                   "' ') FROM sqlite_master");
    while (q.step()) {
      std::string line(q->get_text(0));
      if (line.ends_with("_b")) line.resize(line.size() - 2);
      const auto colon = line.find(':');
      if (colon >= 2 && line.compare(colon - 2, 2, "_b") == 0) line.erase(colon - 2, 2);
      lines.push_back(std::move(line));
    }
    std::sort(lines.begin(), lines.end());
    std::string out;
    for (const auto& l : lines) out += l + "\n";
    return out;
  };
  const auto index_table = [&](const std::string& name) {
    store::Query q(db_->reader(), "SELECT tbl_name FROM sqlite_master WHERE name = ?", name);
    return q.step() ? std::string(q->get_text(0)) : std::string();
  };
  const std::string schema_before = schema();
  AnalyticsService service(*db_);
  RefreshOptions o;
  o.as_of_day = an::testing::day_number(1997, 9, 30);
  const AnalyticsRun first = service.refresh(admin(), o);
  EXPECT_EQ(first.status, "done");
  EXPECT_EQ(schema(), schema_before);
  EXPECT_NE(schema_before.find("customer_scores_clv"), std::string::npos);
  EXPECT_EQ(index_table("customer_scores_clv_b"), "customer_scores");
  EXPECT_EQ(index_table("customer_scores_clv"), "");
  // Nothing is left of the old scores beside the new ones, nor of the fill.
  EXPECT_EQ(count("SELECT count(*) FROM customer_scores_next"), 0);
  EXPECT_EQ(count("SELECT count(*) FROM analytics_refresh_fill"), 0);
  EXPECT_EQ(first.customers, 2357);
  const auto& bg = first.results.at("bg_nbd");
  EXPECT_NEAR(bg.at("r").get<double>(), 0.243, 5e-4);
  EXPECT_NEAR(bg.at("alpha").get<double>(), 4.414, 5e-4);
  EXPECT_NEAR(bg.at("a").get<double>(), 0.793, 5e-4);
  EXPECT_NEAR(bg.at("b").get<double>(), 2.426, 5e-4);
  EXPECT_NEAR(bg.at("log_likelihood").get<double>(), -9582.4, 0.05);
  const auto& gg = first.results.at("gamma_gamma");
  EXPECT_NEAR(gg.at("p").get<double>(), 6.2488, 1e-3);
  EXPECT_NEAR(gg.at("q").get<double>(), 3.7446, 1e-3);
  EXPECT_NEAR(gg.at("gamma").get<double>(), 15.4477, 1e-2);
  EXPECT_EQ(first.results.at("summaries").at("repeat_transactions").get<int>(), 2457);
  EXPECT_EQ(count("SELECT count(*) FROM customer_scores"), 2357);
  EXPECT_EQ(
      count("SELECT count(*) FROM customer_scores WHERE run_id = " + std::to_string(first.id)),
      2357);
  EXPECT_EQ(count("SELECT count(*) FROM customer_scores WHERE clv_minor IS NULL OR p_alive IS "
                  "NULL"),
            0);
  // Orders after as_of are not counted: the holdout period's buyers are not "recent".
  EXPECT_EQ(count("SELECT max(last_purchase_at) FROM customer_scores"),
            static_cast<std::int64_t>(*o.as_of_day) * kDay);
  EXPECT_EQ(count("SELECT count(*) FROM audit_log WHERE action = 'refresh' AND entity = "
                  "'analytics_run'"),
            1);
  // Segments add up to everyone.
  std::int64_t in_segments = 0;
  for (const auto& s : first.results.at("rfm").at("segments"))
    in_segments += s.at("customers").get<std::int64_t>();
  EXPECT_EQ(in_segments, 2357);

  // A second refresh with a later as_of replaces every row.
  o.as_of_day = an::testing::day_number(1998, 6, 30);
  const AnalyticsRun second = service.refresh(admin(), o);
  EXPECT_GT(second.id, first.id);
  EXPECT_EQ(count("SELECT count(*) FROM customer_scores"), 2357);
  EXPECT_EQ(
      count("SELECT count(*) FROM customer_scores WHERE run_id <> " + std::to_string(second.id)),
      0);
  EXPECT_EQ(schema(), schema_before);
  EXPECT_EQ(index_table("customer_scores_clv"), "customer_scores");
  EXPECT_EQ(count("SELECT count(*) FROM analytics_runs"), 2);
  EXPECT_EQ(service.latest_run(admin()).id, second.id);
  auto scores = load_customer_scores(db_->reader(), 4);
  ASSERT_TRUE(scores.has_value());
  EXPECT_EQ(scores->run_id, second.id);
  EXPECT_EQ(scores->currency, "USD");
  EXPECT_EQ(scores->horizon_months, 12);
}

TEST_F(AnalyticsStoreTest, CustomerListsFilterAndSortByTheLatestScores) {
  load_cdnow();
  customer(999'999);  // never bought: no scores
  AnalyticsService service(*db_);
  RefreshOptions o;
  o.as_of_day = an::testing::day_number(1997, 9, 30);
  service.refresh(admin(), o);
  CustomerService customers(*db_);
  // Every page of a sort, followed through its cursors.
  auto all_pages = [&](CustomerListParams p) {
    std::vector<Customer> out;
    p.limit = 97;
    for (;;) {
      Page<Customer> page = customers.list(admin(), p);
      out.insert(out.end(), page.items.begin(), page.items.end());
      if (!page.next_cursor) return out;
      p.cursor = page.next_cursor;
    }
  };
  auto ids_of = [&](const std::string& sql) {
    std::vector<std::int64_t> ids;
    store::Query q(db_->reader(), sql);
    while (q.step()) ids.push_back(q->get_int(0));
    return ids;
  };
  auto ids = [](const std::vector<Customer>& v) {
    std::vector<std::int64_t> out;
    for (const auto& c : v) out.push_back(c.id);
    return out;
  };
  CustomerListParams by_clv;
  by_clv.sort = CustomerSort::kClv;
  by_clv.descending = true;
  auto clv = all_pages(by_clv);
  EXPECT_EQ(ids(clv), ids_of("SELECT customer_id FROM customer_scores ORDER BY clv_minor DESC, "
                             "customer_id DESC"));
  ASSERT_TRUE(clv.front().scores && clv.front().scores->clv_minor);
  EXPECT_EQ(*clv.front().scores->clv_minor, count("SELECT max(clv_minor) FROM customer_scores"));
  // p_alive is a REAL: its cursor key must survive the round trip exactly.
  CustomerListParams by_p_alive;
  by_p_alive.sort = CustomerSort::kPAlive;
  EXPECT_EQ(ids(all_pages(by_p_alive)),
            ids_of("SELECT customer_id FROM customer_scores ORDER BY p_alive, customer_id"));
  CustomerListParams by_revenue;
  by_revenue.sort = CustomerSort::kRevenue;
  by_revenue.descending = true;
  by_revenue.value_tier = "gold";
  auto gold = all_pages(by_revenue);
  EXPECT_EQ(ids(gold), ids_of("SELECT customer_id FROM customer_scores WHERE value_tier = 'gold' "
                              "ORDER BY revenue_minor DESC, customer_id DESC"));
  EXPECT_FALSE(gold.empty());
  CustomerListParams champions;
  champions.rfm_segment = "champions";  // as stored and returned (not the label "Champions")
  champions.abc_class = "A";
  auto champs = all_pages(champions);
  EXPECT_EQ(ids(champs), ids_of("SELECT customer_id FROM customer_scores WHERE rfm_segment = "
                                "'champions' AND abc_class = 'A' ORDER BY customer_id"));
  EXPECT_FALSE(champs.empty());
  for (const auto& c : champs) EXPECT_EQ(c.scores->rfm_segment, "champions");
  CustomerListParams one_time;
  one_time.customer_type = "one_time";
  auto once = all_pages(one_time);
  EXPECT_EQ(ids(once), ids_of("SELECT customer_id FROM customer_scores WHERE customer_type = "
                              "'one_time' ORDER BY customer_id"));
  EXPECT_FALSE(once.empty());
  // Backwards too: a class filter in id order is driven by the scores (their rowid order).
  one_time.descending = true;
  EXPECT_EQ(ids(all_pages(one_time)),
            ids_of("SELECT customer_id FROM customer_scores WHERE "
                   "customer_type = 'one_time' ORDER BY customer_id DESC"));
  // The plain list still lists everyone, the unscored customer with no scores.
  auto everyone = all_pages({});
  EXPECT_EQ(everyone.size(), 2358u);
  EXPECT_EQ(everyone.back().id, 999'999);
  EXPECT_FALSE(everyone.back().scores.has_value());
  EXPECT_TRUE(everyone.front().scores.has_value());
  // Unknown values name their field.
  for (auto [field, set] :
       std::vector<std::pair<std::string, std::function<void(CustomerListParams&)>>>{
           {"value_tier", [](CustomerListParams& p) { p.value_tier = "diamond"; }},
           {"rfm_segment", [](CustomerListParams& p) { p.rfm_segment = "Champions"; }},
           {"customer_type", [](CustomerListParams& p) { p.customer_type = "one-time"; }},
           {"abc_class", [](CustomerListParams& p) { p.abc_class = "D"; }}}) {
    CustomerListParams p;
    set(p);
    try {
      customers.list(admin(), p);
      ADD_FAILURE() << field << " accepted";
    } catch (const Error& e) {
      EXPECT_EQ(e.field(), field);
    }
  }
  EXPECT_THROW(parse_customer_sort("clv_minor"), Error);
  EXPECT_EQ(parse_customer_sort("-p_alive"), std::make_pair(CustomerSort::kPAlive, true));
}

TEST_F(AnalyticsStoreTest, MoneyMovementsFollowTheStatedRules) {
  const std::int64_t d0 = 20'000;  // a day number
  customer(1);
  customer(2);
  customer(3);
  store::Transaction tx(*conn_, true);
  // Customer 1: two orders on day 0 (one transaction of 30.00), one on day 7 of 50.00 of which
  // 20.00 is returned, a cancellation of 5.00 on day 10 (no sale that day).
  order(1, d0 * kDay + 1000, 1000);
  order(1, d0 * kDay + 5000, 2000, "sale", "USD", 100);
  const std::int64_t second = order(1, (d0 + 7) * kDay, 5000);
  store::execute(*conn_,
                 "INSERT INTO returns (order_id, customer_id, at, currency, refund_minor, "
                 "created_at) VALUES (?, 1, ?, 'USD', 2000, 0)",
                 second, (d0 + 9) * kDay);
  order(1, (d0 + 10) * kDay, -500, "cancellation");
  // Customer 2: only an order in another currency. Customer 3: soft-deleted.
  order(2, d0 * kDay, 1000, "sale", "EUR");
  order(3, d0 * kDay, 1000);
  store::execute(*conn_, "UPDATE customers SET deleted_at = 1 WHERE id = 3");
  // An order without a customer counts for nobody.
  order(std::nullopt, d0 * kDay, 1000);
  tx.commit();

  const auto s = summarize_store(db_->reader(),
                                 {static_cast<std::int32_t>(d0 + 14), "USD", an::TimeUnit::kDays});
  ASSERT_EQ(s.summaries.customers.size(), 1u);
  const auto& c = s.summaries.customers[0];
  EXPECT_EQ(c.customer, 1);
  EXPECT_EQ(c.transactions, 2);  // day 0 (merged) and day 7; the cancellation day is none
  EXPECT_EQ(c.frequency, 1);
  EXPECT_DOUBLE_EQ(c.recency, 7);
  EXPECT_DOUBLE_EQ(c.age, 14);
  EXPECT_DOUBLE_EQ(c.monetary, 30.0);      // 50.00 - 20.00 returned
  EXPECT_DOUBLE_EQ(c.total_amount, 55.0);  // 30 + 30 - 5
  EXPECT_EQ(s.net_revenue_minor[0], 5500);
  EXPECT_DOUBLE_EQ(s.discount_share[0], 1.0 / 3.0);  // one of three sale orders discounted
  EXPECT_EQ(s.sale_orders, 3u);
  EXPECT_EQ(s.other_currency_orders, 1u);
  // As of day 8 the return (made on day 9) has not happened yet.
  const auto early = summarize_store(
      db_->reader(), {static_cast<std::int32_t>(d0 + 8), "USD", an::TimeUnit::kDays});
  ASSERT_EQ(early.summaries.customers.size(), 1u);
  EXPECT_DOUBLE_EQ(early.summaries.customers[0].monetary, 50.0);
}

TEST_F(AnalyticsStoreTest, RecommendationsComeFromRulesAndExcludeWhatWasBought) {
  // Products 1..4. Baskets: {1,2} x10, {1,3} x10, {1,2,3} x5, {4} x20: 1 leads to 2 and 3.
  for (int p = 1; p <= 4; ++p) product(p);
  for (int c = 1; c <= 3; ++c) customer(c);
  const std::int64_t now = now_ms();
  const std::int64_t old = now - 30 * kDay;
  store::Transaction tx(*conn_, true);
  const auto basket = [&](std::optional<std::int64_t> who, std::int64_t at,
                          std::initializer_list<int> items) {
    const auto id = order(who, at, 100 * static_cast<std::int64_t>(items.size()));
    for (int i : items) line(id, i);
  };
  for (int i = 0; i < 10; ++i) basket(std::nullopt, old, {1, 2});
  for (int i = 0; i < 10; ++i) basket(std::nullopt, old, {1, 3});
  for (int i = 0; i < 5; ++i) basket(std::nullopt, old, {1, 2, 3});
  for (int i = 0; i < 20; ++i) basket(std::nullopt, old, {4});
  // Customer 1 bought product 1 recently and product 2 long ago: only 3 is new to them.
  basket(1, now - kDay, {1});
  basket(1, now - 3000 * kDay, {2});
  // Customer 2 bought only product 4: no rule starts from it.
  basket(2, now - kDay, {4});
  tx.commit();
  AnalyticsService service(*db_);
  const auto run = service.refresh(admin(), {});
  EXPECT_GT(run.rules, 0);
  // Rules have the measures computed from the counts: {1} => {3}: 15 of 25 baskets with 1.
  const std::int64_t baskets = run.results.at("basket").at("baskets").get<std::int64_t>();
  EXPECT_EQ(baskets, 48);
  RuleListParams p;
  p.product_id = 3;
  p.side = RuleSide::kConsequent;
  p.sort = "confidence";
  const auto page = service.rules(admin(), p);
  ASSERT_FALSE(page.items.empty());
  const BasketRule* one_to_three = nullptr;
  for (const auto& r : page.items) {
    if (r.antecedent.size() == 1 && r.antecedent[0].id == 1) one_to_three = &r;
  }
  ASSERT_NE(one_to_three, nullptr);
  EXPECT_EQ(one_to_three->count, 15);
  EXPECT_EQ(one_to_three->antecedent_count, 26);  // 25 + customer 1's recent {1}
  EXPECT_DOUBLE_EQ(one_to_three->confidence, 15.0 / 26.0);
  EXPECT_DOUBLE_EQ(one_to_three->lift, (15.0 / 26.0) / (15.0 / 48.0));
  EXPECT_EQ(one_to_three->consequent.sku, "SKU-3");

  const auto recs = service.recommendations(admin(), 1, 10);
  ASSERT_EQ(recs.size(), 1u);
  EXPECT_EQ(recs[0].product.id, 3);
  EXPECT_EQ(recs[0].rule.consequent.id, 3);
  ASSERT_EQ(recs[0].rule.antecedent.size(), 1u);
  EXPECT_EQ(recs[0].rule.antecedent[0].id, 1);
  EXPECT_DOUBLE_EQ(recs[0].score, recs[0].rule.confidence * recs[0].rule.lift);
  for (const auto& r : recs) EXPECT_NE(r.product.id, 2) << "already bought";
  EXPECT_TRUE(service.recommendations(admin(), 2, 10).empty());
  EXPECT_THROW(service.recommendations(admin(), 999, 10), Error);

  const auto together = service.bought_together(admin(), "SKU-1", 10);
  ASSERT_EQ(together.size(), 2u);
  EXPECT_GE(together[0].score, together[1].score);
  EXPECT_THROW(service.bought_together(admin(), "NOPE", 10), Error);

  // A refresh after the data changed replaces the rules: product 4 now sells with 2.
  const auto before_ids = count("SELECT max(id) FROM basket_rules");
  store::execute(*conn_, "UPDATE order_lines SET product_id = 2 WHERE product_id = 3");
  service.refresh(admin(), {});
  EXPECT_EQ(count("SELECT count(*) FROM basket_rules WHERE consequent_product_id = 3"), 0);
  EXPECT_EQ(count("SELECT count(*) FROM basket_rule_antecedents WHERE product_id = 3"), 0);
  // Rule ids never come back: a cursor of the old list is recognised as stale.
  EXPECT_EQ(count("SELECT count(*) FROM basket_rules WHERE id <= " + std::to_string(before_ids)),
            0);
  RuleListParams stale;
  stale.cursor = encode_id_cursor(before_ids);
  EXPECT_THROW(service.rules(admin(), stale), Error);
}

TEST_F(AnalyticsStoreTest, RefreshOnAnEmptyStoreAndItsChecks) {
  AnalyticsService service(*db_);
  EXPECT_THROW(service.latest_run(admin()), Error);
  const auto run = service.refresh(admin(), {});
  EXPECT_EQ(run.customers, 0);
  EXPECT_EQ(run.rules, 0);
  EXPECT_TRUE(run.results.at("clv").contains("skipped"));
  Caller sales;
  sales.role = Role::kSales;
  try {
    service.refresh(sales, {});
    FAIL() << "sales may not refresh";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kForbidden);
  }
  RefreshOptions future;
  future.as_of_day = static_cast<std::int32_t>(now_ms() / kDay) + 2;
  try {
    service.refresh(admin(), future);
    FAIL() << "a future as_of is refused";
  } catch (const Error& e) {
    EXPECT_EQ(e.field(), "as_of");
  }
  RuleListParams bad;
  bad.sort = "id; DROP TABLE basket_rules";
  EXPECT_THROW(service.rules(admin(), bad), Error);
  RuleListParams cursor;
  cursor.cursor = "i12345";
  try {
    service.rules(admin(), cursor);
    FAIL() << "a cursor of rules no longer there is refused";
  } catch (const Error& e) {
    EXPECT_EQ(e.field(), "cursor");
  }
  EXPECT_EQ(count("SELECT count(*) FROM analytics_runs"), 1);
}

TEST_F(AnalyticsStoreTest, SettingsAreValidatedAndUsedByTheRefresh) {
  product(1);
  customer(1);
  const auto id = order(1, now_ms() - kDay, 100);
  line(id, 1);
  AnalyticsService service(*db_);
  const auto good = service.refresh(admin(), {});
  // Settings are validated when set.
  EXPECT_THROW(set_setting(*conn_, admin(), setting::kBasketMinSupport, "0"), Error);
  EXPECT_THROW(set_setting(*conn_, admin(), setting::kClvMargin, "1.5"), Error);
  EXPECT_THROW(set_setting(*conn_, admin(), setting::kClvHorizonMonths, "x"), Error);
  set_setting(*conn_, admin(), setting::kClvHorizonMonths, "24");
  const auto again = service.refresh(admin(), {});
  EXPECT_EQ(again.parameters.at("clv").at("horizon_months").get<int>(), 24);
  EXPECT_EQ(load_customer_scores(db_->reader(), 1)->horizon_months, 24);
  EXPECT_GT(again.id, good.id);
}

// The rules are mined on a second thread while the scores are computed and written; when the
// mining fails the whole refresh rolls back: the previous run's scores and rules stay, and the
// failure is recorded.
// A refresh writes a step at a time (write_rows_per_job rows, then an index each): a write that
// comes meanwhile runs between two steps, while the previous scores are still the live ones, not
// after the whole write.
TEST_F(AnalyticsStoreTest, WritesGoOnBetweenTheStepsOfARefresh) {
  load_cdnow();
  AnalyticsService service(*db_);
  RefreshOptions o;
  o.as_of_day = an::testing::day_number(1997, 9, 30);
  o.write_rows_per_job = 10;  // 236 steps of scores for 2,357 customers
  const AnalyticsRun first = service.refresh(admin(), o);
  o.as_of_day = an::testing::day_number(1998, 6, 30);
  std::atomic<bool> finished{false};
  std::int64_t second_id = 0;
  std::string error;
  std::thread refresh([&] {
    try {
      second_id = service.refresh(admin(), o).id;
    } catch (const std::exception& e) {
      error = e.what();
    }
    finished = true;
  });
  // The fill has begun once its row is there.
  while (!finished && count("SELECT count(*) FROM analytics_refresh_fill") == 0) {
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  std::int64_t live_run = 0;
  std::int64_t filling = 0;
  std::int64_t next_rows = 0;
  db_->writer().run([&](store::Connection& c) {
    live_run = test_support::scalar(c, "SELECT max(run_id) FROM customer_scores");
    filling = test_support::scalar(c, "SELECT count(*) FROM analytics_refresh_fill");
    next_rows = test_support::scalar(c, "SELECT count(*) FROM customer_scores_next");
  });
  refresh.join();
  ASSERT_EQ(error, "");
  EXPECT_EQ(filling, 1) << "the write ran after the refresh's write, not between its steps";
  EXPECT_EQ(live_run, first.id);
  EXPECT_LT(next_rows, 2357);
  EXPECT_EQ(service.latest_run(admin()).id, second_id);
  EXPECT_EQ(
      count("SELECT count(*) FROM customer_scores WHERE run_id = " + std::to_string(second_id)),
      2357);
}

// Two refreshes of two processes at once: the later one takes the fill over, the earlier one
// stops at its next step with a conflict, and the scores are the later one's, whole.
TEST_F(AnalyticsStoreTest, ARefreshStartedMeanwhileTakesTheFillOver) {
  load_cdnow();
  AnalyticsService service(*db_);
  RefreshOptions o;
  o.as_of_day = an::testing::day_number(1997, 9, 30);
  o.write_rows_per_job = 10;
  const AnalyticsRun first = service.refresh(admin(), o);
  // What another process's refresh does first: its own token in the fill row.
  store::execute(*conn_,
                 "INSERT OR REPLACE INTO analytics_refresh_fill (id, token, run_id, started_at) "
                 "VALUES (1, -7, 999, 0)");
  // This refresh's begin step replaces it; a second "process" then does the same mid-way.
  std::atomic<bool> finished{false};
  std::string error;
  std::thread refresh([&] {
    try {
      service.refresh(admin(), o);
    } catch (const Error& e) {
      error = e.what();
      EXPECT_EQ(e.code(), ErrorCode::kConflict);
    }
    finished = true;
  });
  while (!finished && count("SELECT count(*) FROM analytics_refresh_fill WHERE token <> -7") == 0) {
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  db_->writer().run([](store::Connection& c) {
    store::execute(c, "UPDATE analytics_refresh_fill SET token = -8");
  });
  refresh.join();
  EXPECT_NE(error.find("another analytics refresh started"), std::string::npos) << error;
  // The live scores are untouched: still the first run's.
  EXPECT_EQ(service.latest_run(admin()).id, first.id);
  EXPECT_EQ(
      count("SELECT count(*) FROM customer_scores WHERE run_id = " + std::to_string(first.id)),
      2357);
}

TEST_F(AnalyticsStoreTest, AFailedRuleMiningLeavesThePreviousRunWhole) {
  for (int p = 1; p <= 30; ++p) product(p);
  for (int c = 1; c <= 3; ++c) customer(c);
  const std::int64_t now = now_ms();
  {
    store::Transaction tx(*conn_, true);
    for (int c = 1; c <= 3; ++c) {
      line(order(c, now - 40 * kDay, 200), 1);
      line(order(c, now - 10 * kDay, 200), 2);
    }
    tx.commit();
  }
  AnalyticsService service(*db_);
  const auto first = service.refresh(admin(), {});
  ASSERT_EQ(count("SELECT count(*) FROM customer_scores"), 3);
  const auto rules_before = count("SELECT count(*) FROM basket_rules");
  // Two identical baskets of 30 products: with rules of up to 10 products, far more product
  // combinations reach the support than the miner's limit.
  {
    store::Transaction tx(*conn_, true);
    customer(4);
    for (int i = 0; i < 2; ++i) {
      const auto id = order(4, now - kDay, 3000);
      for (int p = 1; p <= 30; ++p) line(id, p);
    }
    tx.commit();
  }
  set_setting(*conn_, admin(), setting::kBasketMaxLength, "10");
  try {
    service.refresh(admin(), {});
    FAIL() << "the mining stops at its limit";
  } catch (const Error& e) {
    EXPECT_EQ(e.field(), setting::kBasketMinSupport);
  }
  EXPECT_EQ(count("SELECT count(*) FROM customer_scores"), 3) << "customer 4 was not scored";
  EXPECT_EQ(
      count("SELECT count(*) FROM customer_scores WHERE run_id = " + std::to_string(first.id)), 3);
  EXPECT_EQ(count("SELECT count(*) FROM basket_rules"), rules_before);
  EXPECT_EQ(count("SELECT count(*) FROM analytics_runs WHERE status = 'failed'"), 1);
  EXPECT_EQ(service.latest_run(admin()).id, first.id);
  // The index set is whole again after the rollback.
  EXPECT_EQ(count("SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND tbl_name = "
                  "'customer_scores' AND sql IS NOT NULL"),
            6);
}

}  // namespace
}  // namespace rapport::app
