#include "app/analytics_service.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <numeric>
#include <random>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "analytics/basket/association_rules.hpp"
#include "analytics/basket/basket_set.hpp"
#include "analytics/basket/frequent_itemsets.hpp"
#include "analytics/clv/bg_nbd.hpp"
#include "analytics/clv/clv.hpp"
#include "analytics/clv/gamma_gamma.hpp"
#include "analytics/customer_types.hpp"
#include "analytics/pareto.hpp"
#include "analytics/rfm.hpp"
#include "app/audit_log.hpp"
#include "app/permissions.hpp"
#include "app/settings.hpp"
#include "core/error.hpp"
#include "core/time.hpp"

namespace rapport::app {

namespace an = rapport::analytics;
namespace bk = rapport::analytics::basket;
using nlohmann::json;

namespace {

// Mining stops past this many frequent itemsets (a too-low basket_min_support fails fast with
// a clear error instead of exhausting memory).
constexpr std::size_t kMaxItemsets = 2'000'000;
// A rule seen in one basket only is noise, whatever the relative support says on a small store.
constexpr std::uint32_t kMinRuleCount = 2;
// The models need some customers to say anything; below this they are not fitted.
constexpr std::size_t kMinCustomersForModels = 10;
constexpr int kRecentOrders = 50;

// The per-customer summary is folded here from two plain scans rather than computed by one SQL
// query with GROUP BY and a window function: on 1M customers and 3M orders SQLite sorted every
// customer-day through temporary b-trees for minutes, while reading the rows in table order and
// sorting them in memory takes about a second. ?1 currency, ?2 end of the as_of day (exclusive,
// ms). Sales and cancellations count on their day, refunds of returns on the day of the order
// they return.
// The unary plus on placed_at keeps the planner off the orders_placed index: walking it visits
// the table's rows in time order, one random page read each (on 3M orders and a cold page cache
// 57 s against 16 s for the plain scan in table order). Likewise the refunds read the returns
// table and look each order up by id (CROSS JOIN fixes that order) instead of probing the
// returns for every order.
constexpr const char* kMovementsSql =
    "SELECT customer_id, placed_at, total_minor, kind = 'sale', discount_minor > 0 FROM orders "
    "WHERE customer_id IS NOT NULL AND currency = ?1 AND +placed_at < ?2";
constexpr const char* kRefundsSql =
    "SELECT o.customer_id, o.placed_at, r.refund_minor FROM returns r "
    "CROSS JOIN orders o ON o.id = r.order_id "
    "WHERE o.customer_id IS NOT NULL AND o.currency = ?1 AND +o.placed_at < ?2 AND r.at < ?2";
// Customers whose orders do not count (deleted or merged into another).
constexpr const char* kGoneCustomersSql =
    "SELECT id FROM customers WHERE deleted_at IS NOT NULL OR merged_into IS NOT NULL";

// One money movement on a customer-day.
struct Movement {
  std::int64_t customer;
  std::int64_t amount;
  std::int32_t day;
  std::uint8_t sale;        // 1 for a sale order
  std::uint8_t discounted;  // 1 for a sale order with a discount
};

double pow10(int digits) {
  double f = 1;
  for (int i = 0; i < digits; ++i) f *= 10;
  return f;
}

std::optional<std::int64_t> to_minor(double major, double scale) {
  if (!std::isfinite(major)) return std::nullopt;
  const double v = std::round(major * scale);
  if (std::fabs(v) > 9.0e18) return std::nullopt;
  return static_cast<std::int64_t>(v);
}

std::string slug(std::string_view name) {
  std::string out;
  for (char c : name) {
    if (c == ' ' || c == '-') {
      out += '_';
    } else {
      out += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    }
  }
  return out;
}

std::string type_slug(an::CustomerType t) {
  switch (t) {
    case an::CustomerType::kOneTime:
      return "one_time";
    case an::CustomerType::kTransactional:
      return "transactional";
    case an::CustomerType::kRelationship:
      return "relationship";
    case an::CustomerType::kKeyAccount:
      return "key_account";
  }
  return "one_time";
}

json finite_or_null(double v) {
  return std::isfinite(v) ? json(v) : json(nullptr);
}

double elapsed_ms(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - since)
      .count();
}

// Everything a refresh writes, computed before the write transaction starts.
struct RefreshData {
  std::int32_t as_of_day = 0;
  std::string currency;
  int horizon_months = 12;
  json parameters;
  json results;
  // customer_scores columns, one entry per customer.
  struct Score {
    std::int64_t customer_id;
    int r, f, m;
    std::string segment;
    char abc;
    std::string tier;
    std::string type;
    std::int64_t purchases;
    std::int64_t revenue_minor;
    TimeMs first_at, last_at;
    std::optional<double> p_alive, expected;
    std::optional<std::int64_t> spend_minor, clv_minor;
  };
  std::vector<Score> scores;
  std::size_t sale_orders = 0;
  // Rules: antecedent product ids (ascending), consequent product id, measures.
  struct StoredRule {
    std::vector<std::int64_t> antecedent;
    std::int64_t consequent;
    bk::Rule rule;
    std::uint32_t antecedent_count, consequent_count;
  };
  std::vector<StoredRule> rules;
};

AnalyticsRun read_run(store::Statement& s) {
  AnalyticsRun r;
  r.id = s.get_int(0);
  r.kind = std::string(s.get_text(1));
  r.status = std::string(s.get_text(2));
  r.as_of = s.get_int(3);
  r.parameters = json::parse(s.get_text(4), nullptr, false);
  r.results = json::parse(s.get_text(5), nullptr, false);
  r.customers = s.get_int(6);
  r.orders = s.get_int(7);
  r.rules = s.get_int(8);
  r.started_at = s.get_int(9);
  r.finished_at = s.get_int(10);
  r.user_id = s.get_optional_int(11);
  r.error = s.get_optional_text(12);
  return r;
}

constexpr const char* kRunColumns =
    "id, kind, status, as_of, parameters, results, customers, orders, rules, started_at, "
    "finished_at, user_id, error";

AnalyticsRun load_run(store::Connection& conn, std::int64_t id) {
  store::Query q(conn, std::string("SELECT ") + kRunColumns + " FROM analytics_runs WHERE id = ?",
                 id);
  if (!q.step()) throw_not_found("no analytics run " + std::to_string(id), "id");
  return read_run(q.stmt());
}

// Basket input: sale orders placed before `end_ms` that have lines; a basket = an order's
// distinct products. Items are products numbered densely by id.
struct StoreBaskets {
  bk::BasketSet baskets;
  std::vector<std::int64_t> product_of_item;
};

StoreBaskets load_baskets(store::Connection& conn, TimeMs end_ms) {
  StoreBaskets out;
  // Which orders count: a bitmap over ids when they are dense (the usual case), else a set.
  std::vector<std::int64_t> ids;
  {
    // A scan in table order, not a walk of orders_placed (see kMovementsSql).
    store::Query q(conn, "SELECT id FROM orders WHERE kind = 'sale' AND +placed_at < ?", end_ms);
    while (q.step()) ids.push_back(q->get_int(0));
  }
  std::int64_t max_id = ids.empty() ? 0 : *std::max_element(ids.begin(), ids.end());
  const bool dense = max_id < static_cast<std::int64_t>(ids.size()) * 4 + (1 << 20);
  std::vector<bool> bitmap;
  std::unordered_set<std::int64_t> set;
  if (dense) {
    bitmap.assign(static_cast<std::size_t>(max_id) + 1, false);
    for (auto id : ids) bitmap[static_cast<std::size_t>(id)] = true;
  } else {
    set.insert(ids.begin(), ids.end());
  }
  ids = {};
  const auto counts = [&](std::int64_t order) {
    if (dense) return order >= 0 && order <= max_id && bitmap[static_cast<std::size_t>(order)];
    return set.count(order) > 0;
  };
  // Products -> dense item ids, in id order.
  std::vector<std::int64_t> products;
  {
    store::Query q(conn, "SELECT id FROM products ORDER BY id");
    while (q.step()) products.push_back(q->get_int(0));
  }
  const std::int64_t max_product = products.empty() ? 0 : products.back();
  const bool dense_products =
      max_product < static_cast<std::int64_t>(products.size()) * 4 + (1 << 20);
  std::vector<std::uint32_t> item_of(dense_products ? static_cast<std::size_t>(max_product) + 1 : 0,
                                     UINT32_MAX);
  std::unordered_map<std::int64_t, std::uint32_t> item_map;
  for (std::size_t i = 0; i < products.size(); ++i) {
    if (dense_products) {
      item_of[static_cast<std::size_t>(products[i])] = static_cast<std::uint32_t>(i);
    } else {
      item_map.emplace(products[i], static_cast<std::uint32_t>(i));
    }
  }
  const auto item = [&](std::int64_t product) -> std::uint32_t {
    if (dense_products) {
      return product >= 0 && product <= max_product ? item_of[static_cast<std::size_t>(product)]
                                                    : UINT32_MAX;
    }
    auto it = item_map.find(product);
    return it == item_map.end() ? UINT32_MAX : it->second;
  };
  out.product_of_item = std::move(products);
  // Lines in table order: (order id, item) pairs, packed order << 32 | item, sorted only when
  // the lines of an order are not already together (they are when orders are written whole).
  std::vector<std::uint64_t> pairs;
  bool sorted = true;
  {
    store::Query q(conn, "SELECT order_id, product_id FROM order_lines");
    std::uint64_t previous = 0;
    while (q.step()) {
      const std::int64_t order = q->get_int(0);
      if (!counts(order)) continue;
      const std::uint32_t i = item(q->get_int(1));
      if (i == UINT32_MAX || order < 0 || order > INT32_MAX * 2LL) continue;
      const std::uint64_t key = (static_cast<std::uint64_t>(order) << 32) | i;
      if ((key >> 32) < (previous >> 32)) sorted = false;
      previous = key;
      pairs.push_back(key);
    }
  }
  if (!sorted) std::sort(pairs.begin(), pairs.end());
  std::size_t begin = 0;
  std::vector<bk::ItemId> basket;
  std::size_t orders = 0;
  for (std::size_t i = 1; i <= pairs.size(); ++i) {
    if (i == pairs.size() || (pairs[i] >> 32) != (pairs[begin] >> 32)) ++orders;
  }
  out.baskets.reserve(orders, pairs.size());
  for (std::size_t i = 0; i < pairs.size(); ++i) {
    basket.push_back(static_cast<bk::ItemId>(pairs[i] & 0xffffffffU));
    if (i + 1 == pairs.size() || (pairs[i + 1] >> 32) != (pairs[begin] >> 32)) {
      out.baskets.add(basket);
      basket.clear();
      begin = i + 1;
    }
  }
  return out;
}

// The secondary indexes of customer_scores: only the customer list's filters on the small
// classes (segment, tier, type) and score sorts (revenue, P(alive), CLV) have one (schema v7
// dropped three that no query used, v9 the ABC class's). Building each once over the new rows
// (CREATE INDEX sorts) is several times faster than updating six b-trees row by row.
//
// A refresh fills customer_scores_next while the scores in customer_scores stay readable and
// writers keep going: each step is a writer job of its own (20,000 rows, or one index), where
// one job of 4-5 s on 1M customers held every order placed meanwhile. The last job puts the new
// table in place by renaming the two (index names stay with their table, so the indexes of the
// two tables are two sets of names, used by turns: set 0 as the schema migration creates them,
// set 1 with a suffix). A unit test checks that two refreshes give the migrated schema back.
constexpr const char* kScoreIndexes[][2] = {
    {"customer_scores_segment", "rfm_segment"}, {"customer_scores_tier", "value_tier"},
    {"customer_scores_type", "customer_type"},  {"customer_scores_revenue", "revenue_minor"},
    {"customer_scores_p_alive", "p_alive"},     {"customer_scores_clv", "clv_minor"},
};
constexpr const char* kIndexSetSuffix = "_b";
constexpr std::size_t kScoreRowsPerJob = 20000;

// The id the next run row takes: past every run row and past the id a fill in progress has
// reserved for its own (written at its end).
constexpr const char* kNextRunId =
    "(SELECT max(coalesce((SELECT max(id) FROM analytics_runs), 0), coalesce((SELECT run_id FROM "
    "analytics_refresh_fill), 0)) + 1)";

// A fill of customer_scores_next in progress: `token` is in analytics_refresh_fill while it is
// this refresh's; a refresh started later (another process) takes the table over, and this one
// stops at its next step.
struct ScoreFill {
  std::int64_t token = 0;
  std::int64_t run_id = 0;  // the run row's id, written with it in the last step
  int index_set = 0;        // the names the next table's indexes get
};

std::vector<std::string> next_table_indexes(store::Connection& conn) {
  std::vector<std::string> names;
  store::Query q(conn,
                 "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = "
                 "'customer_scores_next' AND sql IS NOT NULL");
  while (q.step()) names.emplace_back(q->get_text(0));
  return names;
}

void clear_next_table(store::Connection& conn) {
  for (const auto& name : next_table_indexes(conn)) conn.exec("DROP INDEX \"" + name + "\"");
  // DELETE without WHERE lets SQLite drop whole pages.
  store::execute(conn, "DELETE FROM customer_scores_next");
}

ScoreFill begin_score_fill(store::Connection& conn) {
  ScoreFill f;
  std::random_device rd;
  f.token = static_cast<std::int64_t>((static_cast<std::uint64_t>(rd()) << 31) ^ rd()) + 1;
  {
    store::Query q(conn, std::string("SELECT ") + kNextRunId);
    q.step();
    f.run_id = q->get_int(0);
  }
  {
    store::Query q(conn, "SELECT tbl_name FROM sqlite_master WHERE type = 'index' AND name = ?",
                   std::string(kScoreIndexes[0][0]));
    f.index_set = q.step() && q->get_text(0) == "customer_scores" ? 1 : 0;
  }
  clear_next_table(conn);
  store::execute(conn,
                 "INSERT OR REPLACE INTO analytics_refresh_fill (id, token, run_id, started_at) "
                 "VALUES (1, ?, ?, ?)",
                 f.token, f.run_id, now_ms());
  return f;
}

void check_score_fill(store::Connection& conn, const ScoreFill& f) {
  store::Query q(conn, "SELECT token FROM analytics_refresh_fill WHERE id = 1");
  if (!q.step() || q->get_int(0) != f.token) {
    throw Error(ErrorCode::kConflict,
                "another analytics refresh started meanwhile; this one stopped (the other's "
                "results will be shown)");
  }
}

void insert_scores(store::Connection& conn, const RefreshData& d, std::int64_t run_id, TimeMs now,
                   std::size_t begin, std::size_t end) {
  // One prepared statement reused for every row: bind, step, reset.
  store::Statement& st = conn.prepare(
      "INSERT INTO customer_scores_next (customer_id, run_id, rfm_r, rfm_f, rfm_m, rfm_segment, "
      "abc_class, value_tier, customer_type, purchases, revenue_minor, first_purchase_at, "
      "last_purchase_at, p_alive, expected_transactions, horizon_months, expected_spend_minor, "
      "clv_minor, currency, computed_at) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  st.reset();
  const char abc_text[3][2] = {"A", "B", "C"};
  for (std::size_t i = begin; i < end; ++i) {
    const auto& s = d.scores[i];
    st.bind_int(1, s.customer_id);
    st.bind_int(2, run_id);
    st.bind_int(3, s.r);
    st.bind_int(4, s.f);
    st.bind_int(5, s.m);
    st.bind_text(6, s.segment);
    st.bind_text(7, abc_text[s.abc - 'A']);
    st.bind_text(8, s.tier);
    st.bind_text(9, s.type);
    st.bind_int(10, s.purchases);
    st.bind_int(11, s.revenue_minor);
    st.bind_int(12, s.first_at);
    st.bind_int(13, s.last_at);
    if (s.p_alive)
      st.bind_double(14, *s.p_alive);
    else
      st.bind_null(14);
    if (s.expected)
      st.bind_double(15, *s.expected);
    else
      st.bind_null(15);
    st.bind_int(16, d.horizon_months);
    if (s.spend_minor)
      st.bind_int(17, *s.spend_minor);
    else
      st.bind_null(17);
    if (s.clv_minor)
      st.bind_int(18, *s.clv_minor);
    else
      st.bind_null(18);
    st.bind_text(19, d.currency);
    st.bind_int(20, now);
    st.step();
    st.reset();
  }
}

// Fills customer_scores_next with `d.scores`, a writer job per step (see kScoreIndexes).
void fill_scores(store::Database& db, const RefreshData& d, ScoreFill& fill,
                 std::size_t rows_per_job, json& timings) {
  auto t0 = std::chrono::steady_clock::now();
  const auto lap = [&t0, &timings](const char* name) {
    timings[name] = elapsed_ms(t0);
    t0 = std::chrono::steady_clock::now();
  };
  // Each step alone in its transaction (Writer::Mode::kAlone): the orders that came meanwhile
  // commit before it, not with it.
  constexpr auto kAlone = store::Writer::Mode::kAlone;
  db.writer().run([&fill](store::Connection& c) { fill = begin_score_fill(c); }, kAlone);
  lap("write_delete_ms");
  const TimeMs now = now_ms();
  for (std::size_t begin = 0; begin < d.scores.size(); begin += rows_per_job) {
    const std::size_t end = std::min(d.scores.size(), begin + rows_per_job);
    db.writer().run(
        [&](store::Connection& c) {
          check_score_fill(c, fill);
          insert_scores(c, d, fill.run_id, now, begin, end);
        },
        kAlone);
  }
  lap("write_insert_ms");
  for (const auto& index : kScoreIndexes) {
    db.writer().run(
        [&](store::Connection& c) {
          check_score_fill(c, fill);
          // The sort of 750k keys on a 1M-customer store: SQLite's sorter may use a helper thread.
          c.exec("PRAGMA threads=2");
          c.exec(std::string("CREATE INDEX ") + index[0] +
                 (fill.index_set == 1 ? kIndexSetSuffix : "") + " ON customer_scores_next (" +
                 index[1] + ")");
          c.exec("PRAGMA threads=0");
        },
        kAlone);
  }
  lap("write_indexes_ms");
}

// The last step of a refresh, in one writer job: the run row, the rules, and the new scores put
// in place (customer_scores_next and customer_scores swap names).
void finish_refresh(store::Connection& conn, const Caller& caller, RefreshData& d,
                    TimeMs started_at, ScoreFill& fill) {
  check_score_fill(conn, fill);
  const TimeMs now = now_ms();
  const auto t0 = std::chrono::steady_clock::now();
  {
    // A failed run recorded meanwhile by another process may have taken the id.
    store::Query q(conn, "SELECT 1 FROM analytics_runs WHERE id = ?", fill.run_id);
    if (q.step()) {
      store::Query next(conn, "SELECT max(id) + 1 FROM analytics_runs");
      next.step();
      fill.run_id = next->get_int(0);
      store::execute(conn, "UPDATE customer_scores_next SET run_id = ?", fill.run_id);
    }
  }
  const std::int64_t run_id = fill.run_id;
  store::execute(conn,
                 "INSERT INTO analytics_runs (id, kind, status, as_of, parameters, results, "
                 "customers, orders, rules, started_at, finished_at, user_id) "
                 "VALUES (?, 'refresh', 'done', ?, ?, '{}', ?, ?, 0, ?, ?, ?)",
                 run_id, static_cast<std::int64_t>(d.as_of_day + 1) * kDayMs, d.parameters.dump(),
                 static_cast<std::int64_t>(d.scores.size()),
                 static_cast<std::int64_t>(d.sale_orders), started_at, now, caller.user_id);
  store::execute(conn, "DELETE FROM basket_rule_antecedents");
  store::execute(conn, "DELETE FROM basket_rules");
  {
    store::Statement& st = conn.prepare(
        "INSERT INTO basket_rules (run_id, antecedent, antecedent_size, consequent_product_id, "
        "support, coverage, confidence, lift, leverage, conviction, count, antecedent_count, "
        "consequent_count, id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    store::Statement& link =
        conn.prepare("INSERT INTO basket_rule_antecedents (product_id, rule_id) VALUES (?, ?)");
    st.reset();
    link.reset();
    std::string text;
    std::int64_t rule_index = 0;
    for (const auto& r : d.rules) {
      text.clear();
      for (auto p : r.antecedent) {
        if (!text.empty()) text += ' ';
        text += std::to_string(p);
      }
      st.bind_int(1, run_id);
      st.bind_text(2, text);
      st.bind_int(3, static_cast<std::int64_t>(r.antecedent.size()));
      st.bind_int(4, r.consequent);
      st.bind_double(5, r.rule.support);
      st.bind_double(6, r.rule.coverage);
      st.bind_double(7, r.rule.confidence);
      st.bind_double(8, r.rule.lift);
      st.bind_double(9, r.rule.leverage);
      st.bind_double(10, r.rule.conviction);
      st.bind_int(11, r.rule.count);
      st.bind_int(12, r.antecedent_count);
      st.bind_int(13, r.consequent_count);
      // Rule ids are unique across runs (run id in the high bits), so a list cursor naming a rule
      // of a replaced run is recognised as stale instead of landing in the new rules. Below 2^53
      // (exact in JSON numbers) for the first two million runs.
      const std::int64_t rule_id = (run_id << 32) + ++rule_index;
      st.bind_int(14, rule_id);
      st.step();
      st.reset();
      for (auto p : r.antecedent) {
        link.bind_int(1, p);
        link.bind_int(2, rule_id);
        link.step();
        link.reset();
      }
    }
  }
  conn.exec("ALTER TABLE customer_scores RENAME TO customer_scores_old");
  conn.exec("ALTER TABLE customer_scores_next RENAME TO customer_scores");
  conn.exec("ALTER TABLE customer_scores_old RENAME TO customer_scores_next");
  store::execute(conn, "DELETE FROM analytics_refresh_fill");
  d.results["timings"]["write_finish_ms"] = elapsed_ms(t0);
  store::execute(conn,
                 "UPDATE analytics_runs SET results = ?, rules = ?, finished_at = ? WHERE id = ?",
                 d.results.dump(), static_cast<std::int64_t>(d.rules.size()), now_ms(), run_id);
  record_audit(conn, caller, "refresh", "analytics_run", std::to_string(run_id), nullptr,
               json{{"as_of", format_time(static_cast<TimeMs>(d.as_of_day) * kDayMs)},
                    {"customers", d.scores.size()},
                    {"orders", d.sale_orders},
                    {"rules", d.rules.size()},
                    {"parameters", d.parameters}});
}

// Basket rules of a refresh: a basket = a sale order placed before `end_ms`.
struct MinedRules {
  std::vector<RefreshData::StoredRule> rules;
  json summary;
  json timings;
};

MinedRules mine_store_rules(store::Connection& conn, TimeMs end_ms, double min_support,
                            double min_confidence, std::size_t max_length) {
  MinedRules out;
  const auto t0 = std::chrono::steady_clock::now();
  {
    StoreBaskets b = load_baskets(conn, end_ms);
    out.timings["basket_read_ms"] = elapsed_ms(t0);
    json basket = {{"baskets", b.baskets.size()}};
    if (b.baskets.size() > 0) {
      bk::MiningOptions mining;
      const std::uint32_t min_count = std::max(
          kMinRuleCount, bk::MinSupport::fraction(min_support).min_count(b.baskets.size()));
      mining.min_support = bk::MinSupport::count(min_count);
      mining.max_length = max_length;
      mining.max_itemsets = kMaxItemsets;
      bk::FrequentItemsets sets;
      try {
        sets = bk::mine_frequent_itemsets(b.baskets, mining);
      } catch (const Error& e) {
        if (std::string(e.field()) == "max_itemsets") {
          throw_invalid(std::string(setting::kBasketMinSupport),
                        "more than " + std::to_string(kMaxItemsets) +
                            " product combinations reach this support: raise it");
        }
        throw;
      }
      bk::RuleOptions rule_options;
      rule_options.min_confidence = min_confidence;
      auto rules = bk::generate_rules(sets, rule_options);
      bk::sort_rules(rules, bk::Measure::kLift);
      out.rules.reserve(rules.size());
      for (const auto& r : rules) {
        RefreshData::StoredRule sr;
        for (auto item : sets.items(r.antecedent)) sr.antecedent.push_back(b.product_of_item[item]);
        std::sort(sr.antecedent.begin(), sr.antecedent.end());
        sr.consequent = b.product_of_item[sets.items(r.consequent)[0]];
        sr.rule = r;
        sr.antecedent_count = sets.count(r.antecedent);
        sr.consequent_count = sets.count(r.consequent);
        out.rules.push_back(std::move(sr));
      }
      basket["min_count"] = min_count;
      basket["itemsets"] = sets.size();
      basket["item_occurrences"] = b.baskets.item_occurrences();
    }
    basket["rules"] = out.rules.size();
    out.summary = std::move(basket);
  }
  out.timings["basket_ms"] = elapsed_ms(t0);
  return out;
}

ProductRef load_product(store::Connection& conn, std::int64_t id) {
  store::Query q(conn, "SELECT id, sku, name FROM products WHERE id = ?", id);
  ProductRef p;
  p.id = id;
  if (q.step()) {
    p.sku = std::string(q->get_text(1));
    p.name = std::string(q->get_text(2));
  }
  return p;
}

std::vector<std::int64_t> parse_ids(std::string_view text) {
  std::vector<std::int64_t> out;
  std::int64_t v = 0;
  bool any = false;
  for (char c : text) {
    if (c >= '0' && c <= '9') {
      v = v * 10 + (c - '0');
      any = true;
    } else if (any) {
      out.push_back(v);
      v = 0;
      any = false;
    }
  }
  if (any) out.push_back(v);
  return out;
}

constexpr const char* kRuleColumns =
    "id, antecedent, consequent_product_id, support, coverage, confidence, lift, leverage, "
    "conviction, count, antecedent_count, consequent_count";

// A rule row (kRuleColumns) with its products named, through a per-call product cache.
BasketRule read_rule(store::Connection& conn, store::Statement& s,
                     std::unordered_map<std::int64_t, ProductRef>& products) {
  const auto product = [&](std::int64_t id) -> const ProductRef& {
    auto it = products.find(id);
    if (it == products.end()) it = products.emplace(id, load_product(conn, id)).first;
    return it->second;
  };
  BasketRule r;
  r.id = s.get_int(0);
  const auto antecedent = parse_ids(s.get_text(1));
  const std::int64_t consequent = s.get_int(2);
  r.support = s.get_double(3);
  r.coverage = s.get_double(4);
  r.confidence = s.get_double(5);
  r.lift = s.get_double(6);
  r.leverage = s.get_double(7);
  r.conviction = s.get_double(8);
  r.count = s.get_int(9);
  r.antecedent_count = s.get_int(10);
  r.consequent_count = s.get_int(11);
  for (auto id : antecedent) r.antecedent.push_back(product(id));
  r.consequent = product(consequent);
  return r;
}

void require_customer(store::Connection& conn, std::int64_t id) {
  store::Query q(conn, "SELECT 1 FROM customers WHERE id = ? AND deleted_at IS NULL", id);
  if (!q.step()) throw_not_found("no customer with id " + std::to_string(id), "id");
}

int check_limit(int limit) {
  if (limit < 1 || limit > 100) throw_invalid("limit", "must be between 1 and 100");
  return limit;
}

}  // namespace

int currency_minor_digits(std::string_view c) noexcept {
  static constexpr std::string_view kZero[] = {"BIF", "CLP", "DJF", "GNF", "ISK", "JPY",
                                               "KMF", "KRW", "PYG", "RWF", "UGX", "UYI",
                                               "VND", "VUV", "XAF", "XOF", "XPF"};
  static constexpr std::string_view kThree[] = {"BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"};
  for (auto z : kZero) {
    if (c == z) return 0;
  }
  for (auto t : kThree) {
    if (c == t) return 3;
  }
  return 2;
}

StoreSummaries summarize_store(store::Connection& conn, const StoreSummaryOptions& options) {
  StoreSummaries out;
  const TimeMs end_ms = static_cast<TimeMs>(options.as_of_day + 1) * kDayMs;
  const double unit = an::days_per_unit(options.time_unit);
  const double scale = pow10(currency_minor_digits(options.currency));
  std::vector<Movement> moves;
  {
    store::Query q(conn, kMovementsSql, options.currency, end_ms);
    while (q.step()) {
      moves.push_back(
          {q->get_int(0), q->get_int(2), static_cast<std::int32_t>(q->get_int(1) / kDayMs),
           static_cast<std::uint8_t>(q->get_int(3)), static_cast<std::uint8_t>(q->get_int(4))});
    }
  }
  {
    store::Query q(conn, kRefundsSql, options.currency, end_ms);
    while (q.step()) {
      moves.push_back(
          {q->get_int(0), -q->get_int(2), static_cast<std::int32_t>(q->get_int(1) / kDayMs), 0, 0});
    }
  }
  std::unordered_set<std::int64_t> gone;
  {
    store::Query q(conn, kGoneCustomersSql);
    while (q.step()) gone.insert(q->get_int(0));
  }
  std::sort(moves.begin(), moves.end(), [](const Movement& a, const Movement& b) {
    return a.customer != b.customer ? a.customer < b.customer : a.day < b.day;
  });
  // Fold each customer's days: a day's movements merge (the same-day rule); a day with a sale is
  // a transaction; the first one starts the customer, the later ones are repeats.
  for (std::size_t i = 0; i < moves.size();) {
    const std::int64_t customer = moves[i].customer;
    std::int32_t transactions = 0, first_day = 0, last_day = 0;
    std::int64_t net = 0, repeat = 0, orders = 0, discounted = 0;
    double gap_sq = 0;
    while (i < moves.size() && moves[i].customer == customer) {
      const std::int32_t day = moves[i].day;
      std::int64_t amount = 0;
      bool sale = false;
      for (; i < moves.size() && moves[i].customer == customer && moves[i].day == day; ++i) {
        amount += moves[i].amount;
        sale = sale || moves[i].sale != 0;
        orders += moves[i].sale;
        discounted += moves[i].discounted;
      }
      net += amount;
      if (!sale) continue;
      if (transactions == 0) {
        first_day = day;
      } else {
        repeat += amount;
        const double gap = day - last_day;
        gap_sq += gap * gap;
      }
      last_day = day;
      ++transactions;
    }
    if (transactions == 0 || gone.count(customer) > 0) continue;
    an::CustomerSummary c;
    c.customer = customer;
    c.transactions = transactions;
    c.first_day = first_day;
    c.last_day = last_day;
    c.frequency = c.transactions - 1;
    c.recency = (c.last_day - c.first_day) / unit;
    c.age = (options.as_of_day - c.first_day) / unit;
    c.total_amount = static_cast<double>(net) / scale;
    c.monetary = c.frequency > 0 ? static_cast<double>(repeat) / scale / c.frequency : 0.0;
    // The same population coefficient of variation as analytics::summarize().
    if (c.frequency >= 2) {
      const double mean = static_cast<double>(c.last_day - c.first_day) / c.frequency;
      const double variance = std::max(0.0, gap_sq / c.frequency - mean * mean);
      c.interpurchase_cv = std::sqrt(variance) / mean;
    } else {
      c.interpurchase_cv = std::numeric_limits<double>::quiet_NaN();
    }
    out.summaries.customers.push_back(c);
    out.net_revenue_minor.push_back(net);
    out.discount_share.push_back(
        orders > 0 ? static_cast<double>(discounted) / static_cast<double>(orders) : 0.0);
    out.sale_orders += static_cast<std::size_t>(orders);
  }
  moves = {};
  // Contacts per customer, merged by id (both lists are in id order).
  out.interactions.assign(out.summaries.customers.size(), 0.0);
  {
    store::Query q(conn,
                   "SELECT customer_id, count(*) FROM interactions WHERE kind = 'interaction' "
                   "AND at < ? GROUP BY customer_id ORDER BY customer_id",
                   end_ms);
    std::size_t i = 0;
    const auto& cs = out.summaries.customers;
    while (q.step()) {
      const std::int64_t id = q->get_int(0);
      while (i < cs.size() && cs[i].customer < id) ++i;
      if (i < cs.size() && cs[i].customer == id) {
        out.interactions[i] = static_cast<double>(q->get_int(1));
      }
    }
  }
  {
    store::Query q(conn,
                   "SELECT count(*) FROM orders WHERE customer_id IS NOT NULL AND currency <> ? "
                   "AND +placed_at < ?",
                   options.currency, end_ms);
    q.step();
    out.other_currency_orders = static_cast<std::size_t>(q->get_int(0));
  }
  return out;
}

BasketFile load_store_baskets(store::Connection& conn, std::int32_t as_of_day) {
  StoreBaskets b = load_baskets(conn, static_cast<TimeMs>(as_of_day + 1) * kDayMs);
  BasketFile out;
  // Same order as load_baskets() numbered the products, so item ids carry over.
  store::Query q(conn, "SELECT sku FROM products ORDER BY id");
  while (q.step()) out.items.intern(q->get_text(0));
  out.baskets = std::move(b.baskets);
  return out;
}

std::string rfm_segment_key(analytics::RfmSegment segment) {
  return slug(an::rfm_segment_name(segment));
}

std::string customer_type_key(analytics::CustomerType type) {
  return type_slug(type);
}

BasketFile load_store_customer_baskets(store::Connection& conn, std::int32_t as_of_day,
                                       std::int32_t window_days) {
  BasketFile out;
  std::unordered_map<std::int64_t, bk::ItemId> item_of;
  {
    store::Query q(conn, "SELECT id, sku FROM products ORDER BY id");
    while (q.step()) item_of.emplace(q->get_int(0), out.items.intern(q->get_text(1)));
  }
  const TimeMs end_ms = static_cast<TimeMs>(as_of_day + 1) * kDayMs;
  const TimeMs from_ms = end_ms - static_cast<TimeMs>(window_days) * kDayMs;
  // (customer, item) pairs, sorted in memory: the orders are read in table order (see
  // kMovementsSql) rather than walked through an index.
  std::vector<std::pair<std::int64_t, bk::ItemId>> pairs;
  {
    store::Query q(conn,
                   "SELECT o.customer_id, l.product_id FROM orders o "
                   "JOIN order_lines l ON l.order_id = o.id "
                   "WHERE o.kind = 'sale' AND o.customer_id IS NOT NULL AND +o.placed_at >= ? "
                   "AND +o.placed_at < ?",
                   from_ms, end_ms);
    while (q.step()) {
      auto it = item_of.find(q->get_int(1));
      if (it != item_of.end()) pairs.emplace_back(q->get_int(0), it->second);
    }
  }
  std::sort(pairs.begin(), pairs.end());
  std::vector<bk::ItemId> basket;
  for (std::size_t i = 0; i < pairs.size(); ++i) {
    basket.push_back(pairs[i].second);
    if (i + 1 == pairs.size() || pairs[i + 1].first != pairs[i].first) {
      out.baskets.add(basket);  // drops the repeats of a product
      basket.clear();
    }
  }
  return out;
}

std::optional<CustomerScores> load_customer_scores(store::Connection& conn,
                                                   std::int64_t customer_id) {
  store::Query q(conn,
                 "SELECT customer_id, run_id, rfm_r, rfm_f, rfm_m, rfm_segment, abc_class, "
                 "value_tier, customer_type, purchases, revenue_minor, first_purchase_at, "
                 "last_purchase_at, p_alive, expected_transactions, horizon_months, "
                 "expected_spend_minor, clv_minor, currency, computed_at "
                 "FROM customer_scores WHERE customer_id = ?",
                 customer_id);
  if (!q.step()) return std::nullopt;
  auto& s = q.stmt();
  CustomerScores c;
  c.customer_id = s.get_int(0);
  c.run_id = s.get_int(1);
  c.rfm_r = static_cast<int>(s.get_int(2));
  c.rfm_f = static_cast<int>(s.get_int(3));
  c.rfm_m = static_cast<int>(s.get_int(4));
  c.rfm_segment = std::string(s.get_text(5));
  c.abc_class = std::string(s.get_text(6));
  c.value_tier = std::string(s.get_text(7));
  c.customer_type = std::string(s.get_text(8));
  c.purchases = s.get_int(9);
  c.revenue_minor = s.get_int(10);
  c.first_purchase_at = s.get_int(11);
  c.last_purchase_at = s.get_int(12);
  if (!s.is_null(13)) c.p_alive = s.get_double(13);
  if (!s.is_null(14)) c.expected_transactions = s.get_double(14);
  c.horizon_months = static_cast<int>(s.get_int(15));
  c.expected_spend_minor = s.get_optional_int(16);
  c.clv_minor = s.get_optional_int(17);
  c.currency = std::string(s.get_text(18));
  c.computed_at = s.get_int(19);
  return c;
}

AnalyticsRun AnalyticsService::refresh(const Caller& caller, const RefreshOptions& options) {
  require(caller, Permission::kAnalyticsRefresh);
  const TimeMs started_at = now_ms();
  const std::int32_t today = static_cast<std::int32_t>(started_at / kDayMs);
  if (options.as_of_day && *options.as_of_day > today) {
    throw_invalid("as_of", "must not be after today");
  }
  bool expected = false;
  if (!refreshing_.compare_exchange_strong(expected, true)) {
    throw Error(ErrorCode::kConflict, "a refresh is already running; try again when it ends");
  }
  struct Release {
    std::atomic<bool>& flag;
    ~Release() { flag = false; }
  } release{refreshing_};

  auto d = std::make_shared<RefreshData>();
  d->as_of_day = options.as_of_day.value_or(today);
  const TimeMs end_ms = static_cast<TimeMs>(d->as_of_day + 1) * kDayMs;
  // Two halves run at once: the customer scores (summaries, RFM, tiers, types, models) on this
  // thread and connection, the basket rules (every order line) on a second thread with its own
  // connection; each half took about as long as the other (4-5 s on 1M customers and 10M
  // lines), and the refresh had one core busy. Both read transactions start inside one writer
  // job, where no commit can come between them: the two halves see the same snapshot.
  std::unique_ptr<store::Connection> basket_conn = db_.open_connection();
  MinedRules mined;
  std::exception_ptr basket_error;
  std::int64_t run_id = 0;
  double write_ms = 0;
  store::Connection& conn = db_.reader();
  // Outlive the read transactions below (opened and ended inside the try block).
  store::MappedReads mapped(conn);
  store::MappedReads basket_mapped(*basket_conn);
  try {
    store::Transaction snapshot(conn, false);
    store::Transaction basket_snapshot(*basket_conn, false);
    db_.writer().run([&conn, &basket_conn](store::Connection&) {
      for (store::Connection* c : {&conn, basket_conn.get()}) {
        store::Query q(*c, "SELECT count(*) FROM analytics_runs");
        q.step();
      }
    });
    d->currency = get_setting(conn, setting::kCurrency);
    an::ClvOptions clv_options;
    clv_options.horizon_months =
        static_cast<int>(get_setting_int(conn, setting::kClvHorizonMonths));
    clv_options.monthly_discount = get_setting_double(conn, setting::kClvMonthlyDiscount);
    clv_options.margin = get_setting_double(conn, setting::kClvMargin);
    clv_options.time_unit = an::TimeUnit::kWeeks;
    d->horizon_months = clv_options.horizon_months;
    const double min_support = get_setting_double(conn, setting::kBasketMinSupport);
    const double min_confidence = get_setting_double(conn, setting::kBasketMinConfidence);
    const auto max_length =
        static_cast<std::size_t>(get_setting_int(conn, setting::kBasketMaxLength));
    // Declared after the two transactions: leaving this block joins the thread before either
    // transaction ends.
    std::jthread basket_thread(
        [&mined, &basket_error, &basket_conn, end_ms, min_support, min_confidence, max_length] {
          try {
            mined = mine_store_rules(*basket_conn, end_ms, min_support, min_confidence, max_length);
          } catch (...) {
            basket_error = std::current_exception();
          }
        });
    const an::ParetoOptions pareto_options;
    const an::CustomerTypeRules type_rules;
    d->parameters = {
        {"as_of", format_time(static_cast<TimeMs>(d->as_of_day) * kDayMs).substr(0, 10)},
        {"currency", d->currency},
        {"time_unit", "weeks"},
        {"clv",
         {{"horizon_months", clv_options.horizon_months},
          {"monthly_discount", clv_options.monthly_discount},
          {"margin", clv_options.margin}}},
        {"pareto",
         {{"top_fraction", pareto_options.top_fraction},
          {"a_share", pareto_options.a_share},
          {"b_share", pareto_options.b_share},
          {"platinum_top", pareto_options.platinum.top_fraction},
          {"gold_top", pareto_options.gold.top_fraction},
          {"silver_top", pareto_options.silver.top_fraction}}},
        {"types",
         {{"price_sensitive_share", type_rules.price_sensitive_share},
          {"min_interactions", type_rules.min_interactions},
          {"max_regular_cv", type_rules.max_regular_cv},
          {"key_account_top_fraction", type_rules.key_account_top_fraction}}},
        {"basket",
         {{"min_support", min_support},
          {"min_count", kMinRuleCount},
          {"min_confidence", min_confidence},
          {"max_length", max_length},
          {"basket", "order"}}}};
    json timings;
    auto t0 = std::chrono::steady_clock::now();
    StoreSummaries s = summarize_store(conn, {d->as_of_day, d->currency, an::TimeUnit::kWeeks});
    timings["summaries_ms"] = elapsed_ms(t0);
    d->sale_orders = s.sale_orders;
    const auto& customers = s.summaries.customers;
    const std::size_t n = customers.size();
    const double scale = pow10(currency_minor_digits(d->currency));
    std::size_t repeat_transactions = 0, one_time = 0;
    for (const auto& c : customers) {
      repeat_transactions += static_cast<std::size_t>(c.frequency);
      if (c.frequency == 0) ++one_time;
    }
    json& results = d->results;
    results["summaries"] = {{"customers", n},
                            {"repeat_transactions", repeat_transactions},
                            {"one_time_customers", one_time},
                            {"sale_orders", s.sale_orders},
                            {"other_currency_orders", s.other_currency_orders}};
    t0 = std::chrono::steady_clock::now();
    d->scores.resize(n);
    if (n > 0) {
      const auto rfm = an::score_rfm(customers);
      std::vector<double> revenue(n);
      for (std::size_t i = 0; i < n; ++i) revenue[i] = customers[i].total_amount;
      const auto pareto = an::analyze_pareto(revenue, pareto_options);
      auto type_inputs = an::customer_type_inputs(customers);
      for (std::size_t i = 0; i < n; ++i) {
        type_inputs[i].discount_share = s.discount_share[i];
        type_inputs[i].interactions = s.interactions[i];
      }
      const auto types = an::classify_customers(type_inputs, type_rules);
      for (std::size_t i = 0; i < n; ++i) {
        auto& out = d->scores[i];
        const auto& c = customers[i];
        out.customer_id = c.customer;
        out.r = rfm[i].recency;
        out.f = rfm[i].frequency;
        out.m = rfm[i].monetary;
        out.segment = rfm_segment_key(rfm[i].segment);
        out.abc = an::abc_class_name(pareto.abc[i])[0];
        out.tier = std::string(an::value_tier_name(pareto.tiers[i]));
        out.type = customer_type_key(types[i]);
        out.purchases = c.transactions;
        out.revenue_minor = s.net_revenue_minor[i];
        out.first_at = static_cast<TimeMs>(c.first_day) * kDayMs;
        out.last_at = static_cast<TimeMs>(c.last_day) * kDayMs;
      }
      // Aggregates for the analytics pages: counted per value of each score in small arrays (a
      // map keyed by the text of 750k customers' scores took a third of a second), then named.
      struct Group {
        std::size_t customers = 0;
        std::int64_t revenue_minor = 0;
        void add(std::int64_t revenue) {
          ++customers;
          revenue_minor += revenue;
        }
      };
      std::array<Group, an::kAllRfmSegments.size()> segments{};
      std::array<Group, 3> classes{};
      std::array<Group, 4> tiers{};
      std::array<Group, 4> kinds{};
      std::array<std::array<Group, 5>, 5> grid{};  // [r - 1][f - 1]
      for (std::size_t i = 0; i < n; ++i) {
        const std::int64_t revenue = d->scores[i].revenue_minor;
        segments[static_cast<std::size_t>(rfm[i].segment)].add(revenue);
        grid[static_cast<std::size_t>(rfm[i].recency - 1)]
            [static_cast<std::size_t>(rfm[i].frequency - 1)]
                .add(revenue);
        classes[static_cast<std::size_t>(pareto.abc[i])].add(revenue);
        tiers[static_cast<std::size_t>(pareto.tiers[i])].add(revenue);
        kinds[static_cast<std::size_t>(types[i])].add(revenue);
      }
      // Only the values some customer has, as the map gave.
      const auto groups = [](const auto& counts, const auto& name) {
        json out = json::object();
        for (std::size_t v = 0; v < counts.size(); ++v) {
          const Group& g = counts[v];
          if (g.customers == 0) continue;
          out[name(v)] = {{"customers", g.customers}, {"revenue_minor", g.revenue_minor}};
        }
        return out;
      };
      json segment_list = json::array();
      for (auto seg : an::kAllRfmSegments) {
        const Group& g = segments[static_cast<std::size_t>(seg)];
        segment_list.push_back({{"segment", rfm_segment_key(seg)},
                                {"label", an::rfm_segment_name(seg)},
                                {"customers", g.customers},
                                {"revenue_minor", g.revenue_minor}});
      }
      // The recency x frequency grid of the analytics page's heat map (empty cells left out).
      json grid_list = json::array();
      for (int r = 1; r <= 5; ++r) {
        for (int f = 1; f <= 5; ++f) {
          const Group& g = grid[static_cast<std::size_t>(r - 1)][static_cast<std::size_t>(f - 1)];
          if (g.customers == 0) continue;
          grid_list.push_back(
              {{"r", r}, {"f", f}, {"customers", g.customers}, {"revenue_minor", g.revenue_minor}});
        }
      }
      results["rfm"] = {{"segments", segment_list}, {"grid", grid_list}};
      json lorenz = json::array();
      for (const auto& p : pareto.lorenz) lorenz.push_back({p.customer_share, p.revenue_share});
      results["pareto"] = {
          {"total_revenue_minor", std::accumulate(s.net_revenue_minor.begin(),
                                                  s.net_revenue_minor.end(), std::int64_t{0})},
          {"top_fraction", pareto_options.top_fraction},
          {"top_share", pareto.top_share},
          {"gini", pareto.gini},
          {"negative_revenue_customers", pareto.negative_revenue_customers},
          {"lorenz", lorenz},
          {"classes", groups(classes,
                             [](std::size_t v) {
                               return std::string(an::abc_class_name(static_cast<an::AbcClass>(v)));
                             })},
          {"tiers", groups(tiers, [](std::size_t v) {
             return std::string(an::value_tier_name(static_cast<an::ValueTier>(v)));
           })}};
      results["types"] = {{"types", groups(kinds, [](std::size_t v) {
                             return customer_type_key(static_cast<an::CustomerType>(v));
                           })}};
    }
    timings["scores_ms"] = elapsed_ms(t0);

    // Lifetime value: BG/NBD, Gamma-Gamma, CLV. A store too small or a fit that fails leaves the
    // model fields NULL and says why in the results.
    t0 = std::chrono::steady_clock::now();
    json clv_json = {{"horizon_months", clv_options.horizon_months},
                     {"monthly_discount", clv_options.monthly_discount},
                     {"margin", clv_options.margin}};
    std::optional<an::BgNbdFit> bg;
    std::optional<an::GammaGammaFit> gg;
    if (n < kMinCustomersForModels || repeat_transactions == 0) {
      clv_json["skipped"] = "too few customers or no repeat purchases to fit the models";
    } else {
      try {
        bg = an::BgNbdModel::fit(an::BgNbdSample(customers));
        const auto& p = bg->parameters;
        const auto& se = bg->standard_errors;
        results["bg_nbd"] = {{"r", p.r},
                             {"alpha", p.alpha},
                             {"a", p.a},
                             {"b", p.b},
                             {"standard_errors",
                              {{"r", finite_or_null(se.r)},
                               {"alpha", finite_or_null(se.alpha)},
                               {"a", finite_or_null(se.a)},
                               {"b", finite_or_null(se.b)}}},
                             {"log_likelihood", bg->log_likelihood},
                             {"converged", bg->convergence.converged},
                             {"iterations", bg->convergence.iterations},
                             {"message", bg->convergence.message},
                             {"customers", bg->customers},
                             {"distinct_rows", bg->distinct_rows}};
        if (!bg->convergence.converged) bg.reset();
      } catch (const Error& e) {
        results["bg_nbd"] = {{"error", e.what()}};
      }
      try {
        an::GammaGammaFitOptions gg_options;
        gg_options.skip_nonpositive = true;
        gg = an::GammaGammaModel::fit(customers, gg_options);
        const auto& p = gg->parameters;
        const auto& se = gg->standard_errors;
        results["gamma_gamma"] = {{"p", p.p},
                                  {"q", p.q},
                                  {"gamma", p.gamma},
                                  {"standard_errors",
                                   {{"p", finite_or_null(se.p)},
                                    {"q", finite_or_null(se.q)},
                                    {"gamma", finite_or_null(se.gamma)}}},
                                  {"log_likelihood", gg->log_likelihood},
                                  {"converged", gg->convergence.converged},
                                  {"homogeneous_spend", gg->homogeneous_spend},
                                  {"message", gg->convergence.message},
                                  {"iterations", gg->convergence.iterations},
                                  {"customers", gg->customers},
                                  {"skipped_nonpositive", gg->skipped_nonpositive}};
        // The limit of a fit without spend heterogeneity still scores (everyone's expected
        // spend is the mean); a fit that stopped otherwise does not.
        if (!(gg->convergence.converged || gg->homogeneous_spend) || !(gg->parameters.q > 1)) {
          gg.reset();
        }
      } catch (const Error& e) {
        results["gamma_gamma"] = {{"error", e.what()}};
      }
    }
    if (bg) {
      const an::BgNbdModel bg_model(bg->parameters);
      // Without a spend model, P(alive) and expected purchases still hold; spend and CLV do not.
      const an::GammaGammaModel gg_model(gg ? gg->parameters : an::GammaGammaParameters{1, 2, 1});
      const an::ClvScorer scorer(bg_model, gg_model, clv_options);
      const auto values = scorer.score(customers);
      std::vector<double> clvs;
      clvs.reserve(n);
      double total = 0;
      for (std::size_t i = 0; i < n; ++i) {
        auto& out = d->scores[i];
        const auto& v = values[i];
        if (std::isfinite(v.probability_alive)) out.p_alive = v.probability_alive;
        if (std::isfinite(v.expected_transactions)) out.expected = v.expected_transactions;
        if (gg) {
          // A repeat customer left out of the spend model (m <= 0) gets no spend or CLV.
          const bool excluded = customers[i].frequency > 0 && !(customers[i].monetary > 0);
          if (!excluded) {
            out.spend_minor = to_minor(v.expected_spend, scale);
            out.clv_minor = to_minor(v.clv, scale);
            if (out.clv_minor) {
              clvs.push_back(static_cast<double>(*out.clv_minor));
              total += static_cast<double>(*out.clv_minor);
            }
          }
        }
      }
      if (!clvs.empty()) {
        std::sort(clvs.begin(), clvs.end());
        const auto at = [&](double q) {
          return static_cast<std::int64_t>(
              clvs[static_cast<std::size_t>(std::floor(q * static_cast<double>(clvs.size() - 1)))]);
        };
        json quantiles = json::object();
        for (double q : {0.1, 0.25, 0.5, 0.75, 0.9, 0.99}) {
          char key[16];
          std::snprintf(key, sizeof key, "p%02d", static_cast<int>(std::lround(q * 100)));
          quantiles[key] = at(q);
        }
        // Share of the total held by the top 10% of customers by CLV.
        const std::size_t top = std::max<std::size_t>(1, clvs.size() / 10);
        double top_sum = 0;
        for (std::size_t i = clvs.size() - top; i < clvs.size(); ++i) top_sum += clvs[i];
        clv_json["distribution"] = {
            {"customers", clvs.size()},
            {"total_minor", static_cast<std::int64_t>(total)},
            {"mean_minor",
             static_cast<std::int64_t>(std::llround(total / static_cast<double>(clvs.size())))},
            {"min_minor", static_cast<std::int64_t>(clvs.front())},
            {"max_minor", static_cast<std::int64_t>(clvs.back())},
            {"quantiles_minor", quantiles},
            {"top_decile_share", total > 0 ? top_sum / total : 0.0}};
      }
    }
    results["clv"] = clv_json;
    timings["models_ms"] = elapsed_ms(t0);

    snapshot.commit();
    results["timings"] = timings;

    // The write: the scores into customer_scores_next a step at a time (the rules being mined
    // meanwhile on the other thread), then the rules and the swap in one last job.
    const auto write_start = std::chrono::steady_clock::now();
    ScoreFill fill;
    fill_scores(db_, *d, fill, options.write_rows_per_job.value_or(kScoreRowsPerJob),
                d->results["timings"]);
    {
      const auto wait_start = std::chrono::steady_clock::now();
      basket_thread.join();
      d->results["timings"]["basket_wait_ms"] = elapsed_ms(wait_start);
    }
    if (basket_error) std::rethrow_exception(basket_error);
    d->rules = std::move(mined.rules);
    d->results["basket"] = std::move(mined.summary);
    for (auto& [k, v] : mined.timings.items()) d->results["timings"][k] = v;
    db_.writer().run([&](store::Connection& c) { finish_refresh(c, caller, *d, started_at, fill); },
                     store::Writer::Mode::kAlone);
    run_id = fill.run_id;
    write_ms = elapsed_ms(write_start);
    // The old scores, now in customer_scores_next, go (a short job of its own). The refresh is
    // done by now: should this fail, the next refresh clears them first.
    try {
      db_.writer().run(
          [](store::Connection& c) {
            store::Query q(c, "SELECT 1 FROM analytics_refresh_fill");
            if (!q.step()) clear_next_table(c);
          },
          store::Writer::Mode::kAlone);
    } catch (const Error&) {  // NOLINT(bugprone-empty-catch): see above
    }
    basket_snapshot.commit();
  } catch (const Error& e) {
    // Record the failure (the previous run's rows stay), then report it.
    const std::string message = e.what();
    const std::string field = e.field();
    try {
      db_.writer().run([&](store::Connection& c) {
        store::execute(
            c,
            std::string("INSERT INTO analytics_runs (id, kind, status, as_of, parameters, "
                        "started_at, finished_at, user_id, error) VALUES (") +
                kNextRunId + ", 'refresh', 'failed', ?, ?, ?, ?, ?, ?)",
            end_ms, d->parameters.is_null() ? std::string("{}") : d->parameters.dump(), started_at,
            now_ms(), caller.user_id, field.empty() ? message : field + ": " + message);
        record_audit(c, caller, "refresh_failed", "analytics_run",
                     std::to_string(c.last_insert_id()), nullptr, json{{"error", message}});
      });
    } catch (...) {  // NOLINT(bugprone-empty-catch): the refresh's own error is what we report
    }
    throw;
  }
  AnalyticsRun run = load_run(db_.reader(), run_id);
  // The commit's time included: known only now, so reported, not stored.
  run.results["timings"]["write_ms"] = write_ms;
  return run;
}

std::vector<ClvLeader> AnalyticsService::top_by_clv(const Caller& caller, int limit) {
  require(caller, Permission::kAnalyticsRead);
  std::vector<ClvLeader> out;
  // Walks customer_scores_clv from the top.
  store::Query q(db_.reader(),
                 "SELECT s.customer_id, c.name, s.clv_minor, s.p_alive, s.rfm_segment, "
                 "s.value_tier, s.revenue_minor, s.currency FROM customer_scores s "
                 "JOIN customers c ON c.id = s.customer_id WHERE s.clv_minor IS NOT NULL "
                 "ORDER BY s.clv_minor DESC, s.customer_id DESC LIMIT ?",
                 limit);
  while (q.step()) {
    ClvLeader l;
    l.customer_id = q->get_int(0);
    l.name = std::string(q->get_text(1));
    l.clv_minor = q->get_int(2);
    if (!q->is_null(3)) l.p_alive = q->get_double(3);
    l.rfm_segment = std::string(q->get_text(4));
    l.value_tier = std::string(q->get_text(5));
    l.revenue_minor = q->get_int(6);
    l.currency = std::string(q->get_text(7));
    out.push_back(std::move(l));
  }
  return out;
}

AnalyticsRun AnalyticsService::latest_run(const Caller& caller) {
  require(caller, Permission::kAnalyticsRead);
  store::Query q(db_.reader(), std::string("SELECT ") + kRunColumns +
                                   " FROM analytics_runs WHERE kind = 'refresh' AND status = "
                                   "'done' ORDER BY id DESC LIMIT 1");
  if (!q.step()) {
    throw_not_found("no analytics refresh has run yet; run one (POST /api/v1/analytics/refresh)");
  }
  return read_run(q.stmt());
}

std::optional<CustomerScores> AnalyticsService::scores(const Caller& caller,
                                                       std::int64_t customer_id) {
  require(caller, Permission::kAnalyticsRead);
  auto& conn = db_.reader();
  require_customer(conn, customer_id);
  return load_customer_scores(conn, customer_id);
}

Page<BasketRule> AnalyticsService::rules(const Caller& caller, const RuleListParams& p) {
  require(caller, Permission::kAnalyticsRead);
  const int limit = clamp_limit(p.limit);
  // Sort columns from an allow-list: the only text spliced into the SQL.
  static constexpr std::string_view kSorts[] = {"support",  "confidence", "lift",
                                                "leverage", "conviction", "count"};
  std::string column = "lift";
  if (p.sort) {
    const auto it = std::find(std::begin(kSorts), std::end(kSorts), *p.sort);
    if (it == std::end(kSorts)) {
      throw_invalid("sort",
                    "must be one of support, confidence, lift, leverage, conviction, count");
    }
    column = std::string(*it);
  }
  if (p.product_id && p.sku) throw_invalid("sku", "give product_id or sku, not both");
  auto& conn = db_.reader();
  std::optional<std::int64_t> product = p.product_id;
  if (p.sku) {
    if (p.sku->empty() || p.sku->size() > 100) throw_invalid("sku", "must be 1 to 100 characters");
    store::Query q(conn, "SELECT id FROM products WHERE sku = ?", *p.sku);
    // An unknown product is in no rule: an empty page.
    product = q.step() ? q->get_int(0) : -1;
  }
  std::optional<std::int64_t> after;
  if (p.cursor) {
    after = decode_id_cursor(*p.cursor);
    store::Query q(conn, "SELECT 1 FROM basket_rules WHERE id = ?", *after);
    if (!q.step()) {
      throw_invalid("cursor", "the rules were refreshed since this cursor was given; start again");
    }
  }
  std::optional<std::int64_t> antecedent_product, consequent_product, either_product;
  if (product) {
    if (p.side == RuleSide::kAntecedent) antecedent_product = product;
    if (p.side == RuleSide::kConsequent) consequent_product = product;
    if (p.side == RuleSide::kEither) either_product = product;
  }
  const std::string sql =
      std::string("SELECT ") + kRuleColumns + " FROM basket_rules r WHERE " +
      "(?1 IS NULL OR r.id IN (SELECT rule_id FROM basket_rule_antecedents WHERE product_id = ?1))"
      " AND (?2 IS NULL OR r.consequent_product_id = ?2)"
      " AND (?3 IS NULL OR r.consequent_product_id = ?3 OR r.id IN (SELECT rule_id FROM "
      "basket_rule_antecedents WHERE product_id = ?3))"
      " AND (?4 IS NULL OR r." +
      column + " < (SELECT " + column + " FROM basket_rules WHERE id = ?4) OR (r." + column +
      " = (SELECT " + column +
      " FROM basket_rules WHERE id = ?4) AND r.id < ?4))"
      " ORDER BY r." +
      column + " DESC, r.id DESC LIMIT ?5";
  store::Query q(conn, sql, antecedent_product, consequent_product, either_product, after,
                 limit + 1);
  Page<BasketRule> page;
  std::unordered_map<std::int64_t, ProductRef> products;
  while (q.step()) {
    if (static_cast<int>(page.items.size()) == limit) {
      page.next_cursor = encode_id_cursor(page.items.back().id);
      break;
    }
    page.items.push_back(read_rule(conn, q.stmt(), products));
  }
  return page;
}

std::vector<Recommendation> AnalyticsService::bought_together(const Caller& caller,
                                                              const std::string& sku, int limit) {
  require(caller, Permission::kAnalyticsRead);
  check_limit(limit);
  auto& conn = db_.reader();
  std::int64_t product = 0;
  {
    store::Query q(conn, "SELECT id FROM products WHERE sku = ?", sku);
    if (!q.step()) throw_not_found("no product with sku '" + sku.substr(0, 100) + "'", "sku");
    product = q->get_int(0);
  }
  store::Query q(conn,
                 std::string("SELECT ") + kRuleColumns +
                     " FROM basket_rules WHERE id IN (SELECT rule_id FROM basket_rule_antecedents "
                     "WHERE product_id = ?) AND antecedent_size = 1 "
                     "ORDER BY confidence * lift DESC, id LIMIT ?",
                 product, limit);
  std::vector<Recommendation> out;
  std::unordered_map<std::int64_t, ProductRef> products;
  while (q.step()) {
    Recommendation r;
    r.rule = read_rule(conn, q.stmt(), products);
    r.product = r.rule.consequent;
    r.score = r.rule.confidence * r.rule.lift;
    out.push_back(std::move(r));
  }
  return out;
}

std::vector<Recommendation> AnalyticsService::recommendations(const Caller& caller,
                                                              std::int64_t customer_id, int limit) {
  require(caller, Permission::kAnalyticsRead);
  check_limit(limit);
  auto& conn = db_.reader();
  store::Transaction snapshot(conn, false);
  require_customer(conn, customer_id);
  const std::int64_t days = get_setting_int(conn, setting::kRecommendationDays);
  const TimeMs since = now_ms() - days * kDayMs;
  // The customer's recent baskets (newest orders first) and everything they ever bought.
  std::vector<std::vector<std::int64_t>> baskets;
  std::unordered_set<std::int64_t> bought;
  {
    store::Query orders(conn,
                        "SELECT id FROM orders WHERE customer_id = ? AND kind = 'sale' AND "
                        "placed_at >= ? ORDER BY placed_at DESC, id DESC LIMIT ?",
                        customer_id, since, kRecentOrders);
    std::vector<std::int64_t> ids;
    while (orders.step()) ids.push_back(orders->get_int(0));
    for (auto id : ids) {
      store::Query lines(conn, "SELECT product_id FROM order_lines WHERE order_id = ?", id);
      std::vector<std::int64_t> basket;
      while (lines.step()) basket.push_back(lines->get_int(0));
      std::sort(basket.begin(), basket.end());
      basket.erase(std::unique(basket.begin(), basket.end()), basket.end());
      if (!basket.empty()) baskets.push_back(std::move(basket));
    }
  }
  {
    store::Query q(conn,
                   "SELECT DISTINCT l.product_id FROM orders o JOIN order_lines l ON l.order_id = "
                   "o.id WHERE o.customer_id = ? AND o.kind = 'sale'",
                   customer_id);
    while (q.step()) bought.insert(q->get_int(0));
  }
  std::vector<std::int64_t> recent;
  for (const auto& b : baskets) recent.insert(recent.end(), b.begin(), b.end());
  std::sort(recent.begin(), recent.end());
  recent.erase(std::unique(recent.begin(), recent.end()), recent.end());
  // Best rule per recommended product: (score, -rule id) highest wins, so ties are stable.
  struct Best {
    double score;
    std::int64_t rule_id;
  };
  std::unordered_map<std::int64_t, Best> best;
  std::unordered_set<std::int64_t> seen;
  for (auto product : recent) {
    store::Query q(conn,
                   "SELECT r.id, r.antecedent, r.consequent_product_id, r.confidence * r.lift "
                   "FROM basket_rule_antecedents a JOIN basket_rules r ON r.id = a.rule_id "
                   "WHERE a.product_id = ? AND r.lift > 1",
                   product);
    while (q.step()) {
      const std::int64_t rule_id = q->get_int(0);
      if (!seen.insert(rule_id).second) continue;
      const std::int64_t consequent = q->get_int(2);
      if (bought.count(consequent) > 0) continue;
      const auto antecedent = parse_ids(q->get_text(1));
      const bool applies = std::any_of(baskets.begin(), baskets.end(), [&](const auto& b) {
        return std::includes(b.begin(), b.end(), antecedent.begin(), antecedent.end());
      });
      if (!applies) continue;
      const double score = q->get_double(3);
      auto [it, inserted] = best.emplace(consequent, Best{score, rule_id});
      if (!inserted && (score > it->second.score ||
                        (score == it->second.score && rule_id < it->second.rule_id))) {
        it->second = Best{score, rule_id};
      }
    }
  }
  std::vector<std::pair<std::int64_t, Best>> ranked(best.begin(), best.end());
  std::sort(ranked.begin(), ranked.end(), [](const auto& l, const auto& r) {
    if (l.second.score != r.second.score) return l.second.score > r.second.score;
    return l.first < r.first;
  });
  if (ranked.size() > static_cast<std::size_t>(limit))
    ranked.resize(static_cast<std::size_t>(limit));
  std::vector<Recommendation> out;
  std::unordered_map<std::int64_t, ProductRef> products;
  for (const auto& [product, b] : ranked) {
    store::Query q(conn, std::string("SELECT ") + kRuleColumns + " FROM basket_rules WHERE id = ?",
                   b.rule_id);
    if (!q.step()) continue;
    Recommendation r;
    r.rule = read_rule(conn, q.stmt(), products);
    r.product = r.rule.consequent;
    r.score = b.score;
    out.push_back(std::move(r));
  }
  snapshot.commit();
  return out;
}

}  // namespace rapport::app
