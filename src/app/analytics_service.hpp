#pragma once
// Customer intelligence on the store (issues 4 and 5): per-customer summaries computed in SQL,
// fed to the pure engines of analytics/ (RFM, Pareto/ABC and tiers, customer types, BG/NBD +
// Gamma-Gamma + CLV, basket rules), and their results kept in customer_scores, basket_rules and
// analytics_runs, from where lists, the 360 view, recommendations and the analytics pages read.
//
// Summaries (the conventions of analytics/customer_summary.hpp, computed with GROUP BY in
// portable SQL, see summary_sql() in the .cpp):
//  - Only orders in the business currency (setting `currency`) with a customer count; orders in
//    another currency are left out and counted in the run's results.
//  - A transaction is a customer-day (UTC) with at least one sale order: same-day orders merge.
//  - Its value is the day's sales, minus refunds of returns made (by as_of) against those orders
//    (a return reduces the purchase it came from, on the purchase's day), minus cancellations
//    placed that day. Cancellations on a day without a sale reduce the customer's net revenue
//    but are no transaction. Net revenue (RFM monetary, Pareto, types' value) is the sum of all
//    of these up to as_of.
//  - x = transactions after the first, t_x and T in weeks, m = mean value of the repeat
//    transactions. A repeat customer whose m is <= 0 (everything returned) is left out of the
//    spend model and counted (Gamma-Gamma skip_nonpositive); their CLV is then NULL.
//  - Customer-type proxies the store has: discount share = share of the customer's sale orders
//    with an order discount; interactions = timeline entries of kind 'interaction' (contacts,
//    not system events) up to as_of.
//  - Soft-deleted and merged customers are left out (their orders stay where they are: a merge
//    should move them to the surviving customer).
//
// Thread-safety: AnalyticsService is safe to use from many threads; one refresh runs at a time
// (a second concurrent one fails with conflict). Reads use the calling thread's reader.
// Errors: rapport::Error: forbidden (permission), invalid_argument (field named), not_found,
// conflict (a refresh already running).
#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "analytics/customer_summary.hpp"
#include "analytics/customer_types.hpp"
#include "analytics/rfm.hpp"
#include "app/basket_file.hpp"
#include "app/caller.hpp"
#include "app/page.hpp"
#include "app/write_op.hpp"
#include "core/time.hpp"
#include "store/connection.hpp"
#include "store/database.hpp"

namespace rapport::app {

// Decimals of an ISO 4217 currency's minor unit (2 unless listed as 0 or 3).
int currency_minor_digits(std::string_view currency) noexcept;

struct StoreSummaryOptions {
  std::int32_t as_of_day = 0;  // calibration end (inclusive), days since 1970-01-01 UTC
  std::string currency;        // only orders in this currency
  analytics::TimeUnit time_unit = analytics::TimeUnit::kWeeks;
};

struct StoreSummaries {
  // customer = customers.id, ordered by id; amounts in major units of the currency.
  analytics::Summaries summaries;
  std::vector<double> discount_share;  // per customer (same order)
  std::vector<double> interactions;    // per customer
  std::vector<std::int64_t> net_revenue_minor;
  std::size_t sale_orders = 0;
  std::size_t other_currency_orders = 0;  // with a customer, left out
};

// Per-customer summaries of the store as of options.as_of_day (orders placed later are
// ignored). Runs on `conn` (a reader; the caller may wrap it in a read transaction).
StoreSummaries summarize_store(store::Connection& conn, const StoreSummaryOptions& options);

// The keys under which a refresh stores (and the API returns) an RFM segment and a customer type
// ("champions", "potential_loyalist"; "one_time", "key_account"): lower case, '_' for blanks.
std::string rfm_segment_key(analytics::RfmSegment segment);
std::string customer_type_key(analytics::CustomerType type);

// The store's baskets as of a day (inclusive): one per sale order that has lines, its distinct
// products; items are named by SKU (item ids follow product ids). For `analyze basket --db`.
BasketFile load_store_baskets(store::Connection& conn, std::int32_t as_of_day);

// The store's baskets as one per customer: the distinct products of each customer's sale orders
// placed in the `window_days` days up to `as_of_day` (inclusive); anonymous orders are left out.
// Items are named by SKU as in load_store_baskets. REQUIRES window_days >= 1.
BasketFile load_store_customer_baskets(store::Connection& conn, std::int32_t as_of_day,
                                       std::int32_t window_days);

struct AnalyticsRun {
  std::int64_t id = 0;
  std::string kind;    // "refresh"
  std::string status;  // "done" or "failed"
  TimeMs as_of = 0;    // end of the calibration day (exclusive), UTC ms
  nlohmann::json parameters = nlohmann::json::object();
  nlohmann::json results = nlohmann::json::object();
  std::int64_t customers = 0;
  std::int64_t orders = 0;
  std::int64_t rules = 0;
  TimeMs started_at = 0;
  TimeMs finished_at = 0;
  std::optional<std::int64_t> user_id;
  std::optional<std::string> error;
};

struct RefreshOptions {
  // Last day counted (inclusive), days since 1970-01-01 UTC; default: today (UTC).
  std::optional<std::int32_t> as_of_day;
  // Scores written per writer job (default 20,000): the longest wait a refresh makes a write
  // (an order, say) do is one such job or one index build.
  std::optional<std::size_t> write_rows_per_job;
};

// One customer's scores (customer_scores row). Model fields are nullopt when the models could
// not be fitted on the run's data.
struct CustomerScores {
  std::int64_t customer_id = 0;
  std::int64_t run_id = 0;
  int rfm_r = 0, rfm_f = 0, rfm_m = 0;
  std::string rfm_segment;
  std::string abc_class;
  std::string value_tier;
  std::string customer_type;
  std::int64_t purchases = 0;
  std::int64_t revenue_minor = 0;
  TimeMs first_purchase_at = 0;
  TimeMs last_purchase_at = 0;
  std::optional<double> p_alive;
  std::optional<double> expected_transactions;
  int horizon_months = 0;
  std::optional<std::int64_t> expected_spend_minor;
  std::optional<std::int64_t> clv_minor;
  std::string currency;
  TimeMs computed_at = 0;
};

// The scores of one customer from the last refresh, or nullopt (no purchase as of that refresh,
// or no refresh yet). No permission check: for other use cases (customer list, 360 view) that
// have checked theirs.
std::optional<CustomerScores> load_customer_scores(store::Connection& conn,
                                                   std::int64_t customer_id);

struct ProductRef {
  std::int64_t id = 0;
  std::string sku;
  std::string name;
};

struct BasketRule {
  std::int64_t id = 0;
  std::vector<ProductRef> antecedent;
  ProductRef consequent;
  double support = 0, coverage = 0, confidence = 0, lift = 0, leverage = 0;
  double conviction = 0;  // +infinity when confidence is 1
  std::int64_t count = 0, antecedent_count = 0, consequent_count = 0;
};

enum class RuleSide { kEither, kAntecedent, kConsequent };

struct RuleListParams {
  std::optional<std::int64_t> product_id;
  std::optional<std::string> sku;  // another way to name the product
  RuleSide side = RuleSide::kEither;
  std::optional<std::string> sort;  // support, confidence, lift (default), leverage,
                                    // conviction, count; highest first
  std::optional<std::string> cursor;
  std::optional<int> limit;
};

struct Recommendation {
  ProductRef product;
  double score = 0;  // confidence x lift of the rule
  BasketRule rule;   // the rule that justifies it (the best one for this product)
};

// A customer among the highest CLV (the analytics page's "top customers").
struct ClvLeader {
  std::int64_t customer_id = 0;
  std::string name;
  std::int64_t clv_minor = 0;
  std::optional<double> p_alive;
  std::string rfm_segment;
  std::string value_tier;
  std::int64_t revenue_minor = 0;
  std::string currency;
};

class AnalyticsService {
 public:
  explicit AnalyticsService(store::Database& db) : db_(db) {}

  // Recomputes everything from the orders as of options.as_of_day and replaces the previous
  // run's scores and rules in one write transaction, with an analytics_runs row and an audit
  // entry. Runs on the calling thread (reads on its own connection, then waits for the writer);
  // returns the run. A failure after the checks records a failed run and rethrows.
  // Requires Permission::kAnalyticsRefresh.
  AnalyticsRun refresh(const Caller& caller, const RefreshOptions& options);

  // The last successful refresh; not_found when none. Requires kAnalyticsRead.
  AnalyticsRun latest_run(const Caller& caller);

  // The customers with the highest CLV of the last refresh, highest first (at most `limit`).
  // Requires kAnalyticsRead.
  std::vector<ClvLeader> top_by_clv(const Caller& caller, int limit);

  // Scores of a customer (not_found when the customer does not exist; nullopt when not scored).
  std::optional<CustomerScores> scores(const Caller& caller, std::int64_t customer_id);

  Page<BasketRule> rules(const Caller& caller, const RuleListParams& params);
  // Rules {product} => y, best first by confidence x lift. not_found for an unknown sku.
  std::vector<Recommendation> bought_together(const Caller& caller, const std::string& sku,
                                              int limit);
  // Next-best products for a customer: rules whose left side is contained in one of the
  // customer's recent orders (setting recommendation_days, the newest 50), leading to a product
  // they never bought, with lift > 1; one per product (its best rule), ranked by
  // confidence x lift. not_found when the customer does not exist.
  std::vector<Recommendation> recommendations(const Caller& caller, std::int64_t customer_id,
                                              int limit);

 private:
  store::Database& db_;
  std::atomic<bool> refreshing_{false};
};

}  // namespace rapport::app
