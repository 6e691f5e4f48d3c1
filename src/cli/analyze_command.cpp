// `rapport analyze clv|rfm|pareto|types`: customer intelligence on a transactions file or on the
// store (--db), and `rapport analyze refresh`: recompute the store's scores and rules.
//
// Every command reads the file (or the store's orders, summarised in SQL by
// app/analytics_service), builds per-customer summaries up to the calibration end (by default
// the last transaction day in the file, or today for the store) and prints a table, CSV or JSON
// on stdout.
// Errors print `rapport: FILE:LINE: reason` (or `rapport: FIELD: reason`) on stderr and exit
// with 2 for bad input, 1 otherwise.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>
#include <memory>
#include <numeric>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "analytics/clv/bg_nbd.hpp"
#include "analytics/clv/clv.hpp"
#include "analytics/clv/gamma_gamma.hpp"
#include "analytics/customer_summary.hpp"
#include "analytics/customer_types.hpp"
#include "analytics/pareto.hpp"
#include "analytics/rfm.hpp"
#include "app/analytics_service.hpp"
#include "app/settings.hpp"
#include "app/transactions_file.hpp"
#include "cli/commands.hpp"
#include "core/error.hpp"
#include "core/time.hpp"
#include "store/database.hpp"

namespace rapport::cli {

namespace {

namespace an = rapport::analytics;
using nlohmann::json;

struct AnalyzeOptions {
  std::string input;
  std::string db;
  std::string format;  // empty: by file extension
  std::string calibration_end;
  std::string holdout_end;
  std::string time_unit = "weeks";
  std::string output = "table";
  int horizon_months = 12;
  double discount = 0.01;
  double margin = 1.0;
  std::size_t limit = 0;
  bool skip_nonpositive = false;
};

// The data every command starts from.
struct Loaded {
  std::vector<std::string> names;
  // Customer-type proxies the store has (empty for files: unknown there).
  std::vector<double> discount_share;
  std::vector<double> interactions;
  an::Summaries summaries;
  an::SummaryOptions options;
};

an::TimeUnit parse_unit(const std::string& s) {
  if (s == "weeks") return an::TimeUnit::kWeeks;
  if (s == "days") return an::TimeUnit::kDays;
  throw_invalid("--time-unit", "must be weeks or days, not '" + s + "'");
}

std::int32_t parse_date_option(const std::string& text, const char* option) {
  const auto day = app::parse_day(text);
  if (!day) throw_invalid(option, "'" + text + "' is not a valid YYYY-MM-DD date");
  return *day;
}

Loaded load(const AnalyzeOptions& o) {
  if (o.output != "table" && o.output != "csv" && o.output != "json") {
    throw_invalid("--output", "must be table, csv or json, not '" + o.output + "'");
  }
  std::string format = o.format;
  if (format.empty()) format = o.input.ends_with(".csv") ? "csv" : "cdnow";
  const auto parsed = app::parse_transaction_format(format);
  if (!parsed) throw_invalid("--format", "must be cdnow or csv, not '" + format + "'");
  Loaded loaded;
  loaded.options.time_unit = parse_unit(o.time_unit);
  if (!o.holdout_end.empty() && o.calibration_end.empty()) {
    throw_invalid("--holdout-end", "a holdout needs --calibration-end");
  }
  if (o.input.empty() == o.db.empty()) throw_invalid("--input", "give --input FILE or --db FILE");
  if (!o.db.empty()) {
    if (!o.holdout_end.empty()) throw_invalid("--holdout-end", "works on files only for now");
    loaded.options.calibration_end =
        o.calibration_end.empty() ? static_cast<std::int32_t>(now_ms() / 86'400'000)
                                  : parse_date_option(o.calibration_end, "--calibration-end");
    store::Database db(o.db, {.migrate = true, .create = false});
    store::Transaction snapshot(db.reader(), false);
    app::StoreSummaryOptions so;
    so.as_of_day = loaded.options.calibration_end;
    so.currency = app::get_setting(db.reader(), app::setting::kCurrency);
    so.time_unit = loaded.options.time_unit;
    app::StoreSummaries s = app::summarize_store(db.reader(), so);
    snapshot.commit();
    loaded.summaries = std::move(s.summaries);
    loaded.discount_share = std::move(s.discount_share);
    loaded.interactions = std::move(s.interactions);
    if (loaded.summaries.customers.empty()) {
      throw_invalid("--calibration-end",
                    "no customer bought by " + app::format_day(loaded.options.calibration_end));
    }
    // Customers are named by id; the engine's customer field is the id itself, so names are
    // indexed by it (a sparse table would be large: map ids to dense positions instead).
    for (std::size_t i = 0; i < loaded.summaries.customers.size(); ++i) {
      auto& c = loaded.summaries.customers[i];
      loaded.names.push_back(std::to_string(c.customer));
      c.customer = static_cast<std::int64_t>(i);
    }
    return loaded;
  }
  app::TransactionsFile file = app::TransactionsFile::read(o.input, *parsed);
  if (file.transactions.empty()) throw_invalid(o.input, "the file holds no transactions");
  if (o.calibration_end.empty()) {
    loaded.options.calibration_end =
        std::max_element(file.transactions.begin(), file.transactions.end(),
                         [](const auto& l, const auto& r) { return l.day < r.day; })
            ->day;
  } else {
    loaded.options.calibration_end = parse_date_option(o.calibration_end, "--calibration-end");
  }
  if (!o.holdout_end.empty()) {
    loaded.options.holdout_end = parse_date_option(o.holdout_end, "--holdout-end");
  }
  loaded.summaries = an::summarize(file.transactions, loaded.options);
  if (loaded.summaries.customers.empty()) {
    throw_invalid("--calibration-end",
                  "no customer bought by " + app::format_day(loaded.options.calibration_end));
  }
  loaded.names = std::move(file.customer_names);
  return loaded;
}

// Numbers for CSV and tables: shortest round-trip-ish text, "" for NaN.
std::string num(double v, int digits = 6) {
  if (std::isnan(v)) return "";
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*g", digits, v);
  return buffer;
}

json json_num(double v) {
  return std::isfinite(v) ? json(v) : json(nullptr);
}

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

// A simple table/CSV/JSON writer for rows of named columns.
class Rows {
 public:
  explicit Rows(std::vector<std::string> columns) : columns_(std::move(columns)) {}
  void add(std::vector<std::string> text, json object) {
    text_.push_back(std::move(text));
    json_.push_back(std::move(object));
  }
  void print(const std::string& output, std::size_t limit) const {
    const std::size_t n = limit > 0 ? std::min(limit, text_.size()) : text_.size();
    if (output == "csv") {
      for (std::size_t c = 0; c < columns_.size(); ++c) {
        std::printf("%s%s", c ? "," : "", columns_[c].c_str());
      }
      std::printf("\n");
      for (std::size_t r = 0; r < n; ++r) {
        for (std::size_t c = 0; c < columns_.size(); ++c) {
          std::printf("%s%s", c ? "," : "", csv_field(text_[r][c]).c_str());
        }
        std::printf("\n");
      }
      return;
    }
    std::vector<std::size_t> width(columns_.size());
    for (std::size_t c = 0; c < columns_.size(); ++c) {
      width[c] = columns_[c].size();
      for (std::size_t r = 0; r < n; ++r) width[c] = std::max(width[c], text_[r][c].size());
    }
    const auto line = [&](const std::vector<std::string>& cells) {
      for (std::size_t c = 0; c < cells.size(); ++c) {
        // The first column (the customer) left-aligned, numbers right-aligned.
        std::printf(c == 0 ? "%-*s" : "  %*s", static_cast<int>(width[c]), cells[c].c_str());
      }
      std::printf("\n");
    };
    line(columns_);
    for (std::size_t r = 0; r < n; ++r) line(text_[r]);
    if (n < text_.size()) std::printf("... %zu more (use --limit 0 for all)\n", text_.size() - n);
  }
  json to_json(std::size_t limit) const {
    const std::size_t n = limit > 0 ? std::min(limit, json_.size()) : json_.size();
    return json(std::vector<json>(json_.begin(), json_.begin() + static_cast<std::ptrdiff_t>(n)));
  }

 private:
  std::vector<std::string> columns_;
  std::vector<std::vector<std::string>> text_;
  std::vector<json> json_;
};

void print_header(const Loaded& d) {
  std::size_t repeat = 0;
  for (const auto& c : d.summaries.customers) repeat += static_cast<std::size_t>(c.frequency);
  std::printf("customers %zu, repeat transactions %zu, calibration end %s",
              d.summaries.customers.size(), repeat,
              app::format_day(d.options.calibration_end).c_str());
  if (d.summaries.customers_born_after_calibration > 0) {
    std::printf(" (%zu customers first buying later left out)",
                d.summaries.customers_born_after_calibration);
  }
  std::printf("\n");
}

void run_clv(const AnalyzeOptions& o) {
  const Loaded d = load(o);
  const auto& customers = d.summaries.customers;
  const an::BgNbdFit bg = an::BgNbdModel::fit(an::BgNbdSample(customers));
  an::GammaGammaFitOptions gg_options;
  gg_options.skip_nonpositive = o.skip_nonpositive;
  gg_options.customer_name = [&](std::int64_t id) {
    return "'" + d.names[static_cast<std::size_t>(id)] + "'";
  };
  const an::GammaGammaFit gg = an::GammaGammaModel::fit(customers, gg_options);
  an::ClvOptions clv_options;
  clv_options.horizon_months = o.horizon_months;
  clv_options.monthly_discount = o.discount;
  clv_options.margin = o.margin;
  clv_options.time_unit = d.options.time_unit;
  const an::BgNbdModel bg_model(bg.parameters);
  const an::ClvScorer scorer(bg_model, an::GammaGammaModel(gg.parameters), clv_options);
  const std::vector<an::CustomerValue> values = scorer.score(customers);
  const bool holdout = d.options.holdout_end.has_value();
  std::vector<double> holdout_expected;
  double forecast = 0, actual = 0;
  if (holdout) {
    holdout_expected = scorer.expected_transactions(d.summaries.holdout_length, customers);
    forecast = std::accumulate(holdout_expected.begin(), holdout_expected.end(), 0.0);
    for (const auto& c : customers) actual += c.holdout_frequency;
  }
  std::vector<std::size_t> order(customers.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t l, std::size_t r) { return values[l].clv > values[r].clv; });
  std::vector<std::string> columns = {"customer",      "x",         "t_x", "T", "m", "p_alive",
                                      "exp_purchases", "exp_spend", "clv"};
  if (holdout) {
    columns.emplace_back("holdout_expected");
    columns.emplace_back("holdout_actual");
  }
  Rows rows(columns);
  double total_clv = 0;
  for (std::size_t i : order) {
    const auto& c = customers[i];
    const auto& v = values[i];
    total_clv += std::isfinite(v.clv) ? v.clv : 0;
    std::vector<std::string> text = {d.names[static_cast<std::size_t>(c.customer)],
                                     std::to_string(c.frequency),
                                     num(c.recency),
                                     num(c.age),
                                     num(c.monetary),
                                     num(v.probability_alive, 4),
                                     num(v.expected_transactions, 4),
                                     num(v.expected_spend, 6),
                                     num(v.clv, 6)};
    json object = {{"customer", d.names[static_cast<std::size_t>(c.customer)]},
                   {"x", c.frequency},
                   {"t_x", c.recency},
                   {"T", c.age},
                   {"m", c.monetary},
                   {"p_alive", json_num(v.probability_alive)},
                   {"expected_purchases", json_num(v.expected_transactions)},
                   {"expected_spend", json_num(v.expected_spend)},
                   {"clv", json_num(v.clv)}};
    if (holdout) {
      text.push_back(num(holdout_expected[i], 4));
      text.push_back(std::to_string(c.holdout_frequency));
      object["holdout_expected"] = holdout_expected[i];
      object["holdout_actual"] = c.holdout_frequency;
    }
    rows.add(std::move(text), std::move(object));
  }
  if (o.output == "json") {
    json out = {{"time_unit", o.time_unit},
                {"calibration_end", app::format_day(d.options.calibration_end)},
                {"customers", customers.size()},
                {"bg_nbd",
                 {{"r", bg.parameters.r},
                  {"alpha", bg.parameters.alpha},
                  {"a", bg.parameters.a},
                  {"b", bg.parameters.b},
                  {"standard_errors",
                   {{"r", json_num(bg.standard_errors.r)},
                    {"alpha", json_num(bg.standard_errors.alpha)},
                    {"a", json_num(bg.standard_errors.a)},
                    {"b", json_num(bg.standard_errors.b)}}},
                  {"log_likelihood", bg.log_likelihood},
                  {"converged", bg.convergence.converged},
                  {"iterations", bg.convergence.iterations},
                  {"message", bg.convergence.message}}},
                {"gamma_gamma",
                 {{"p", gg.parameters.p},
                  {"q", gg.parameters.q},
                  {"gamma", gg.parameters.gamma},
                  {"standard_errors",
                   {{"p", json_num(gg.standard_errors.p)},
                    {"q", json_num(gg.standard_errors.q)},
                    {"gamma", json_num(gg.standard_errors.gamma)}}},
                  {"log_likelihood", gg.log_likelihood},
                  {"converged", gg.convergence.converged},
                  {"homogeneous_spend", gg.homogeneous_spend},
                  {"customers", gg.customers},
                  {"skipped_nonpositive", gg.skipped_nonpositive}}},
                {"clv",
                 {{"horizon_months", o.horizon_months},
                  {"monthly_discount", o.discount},
                  {"margin", o.margin},
                  {"total", total_clv}}},
                {"rows", rows.to_json(o.limit)}};
    if (holdout) {
      out["holdout"] = {{"end", app::format_day(*d.options.holdout_end)},
                        {"length", d.summaries.holdout_length},
                        {"forecast", forecast},
                        {"actual", actual}};
    }
    std::printf("%s\n", out.dump(1).c_str());
    return;
  }
  if (o.output == "table") {
    print_header(d);
    std::printf("BG/NBD  r %s (se %s)  alpha %s (se %s)  a %s (se %s)  b %s (se %s)\n",
                num(bg.parameters.r).c_str(), num(bg.standard_errors.r, 3).c_str(),
                num(bg.parameters.alpha).c_str(), num(bg.standard_errors.alpha, 3).c_str(),
                num(bg.parameters.a).c_str(), num(bg.standard_errors.a, 3).c_str(),
                num(bg.parameters.b).c_str(), num(bg.standard_errors.b, 3).c_str());
    std::printf("        log-likelihood %.4f, %s after %d iterations (%s)\n", bg.log_likelihood,
                bg.convergence.converged ? "converged" : "NOT CONVERGED", bg.convergence.iterations,
                bg.convergence.message.c_str());
    std::printf(
        "Gamma-Gamma  p %s (se %s)  q %s (se %s)  gamma %s (se %s)  on %zu repeat "
        "customers%s, %s\n",
        num(gg.parameters.p).c_str(), num(gg.standard_errors.p, 3).c_str(),
        num(gg.parameters.q).c_str(), num(gg.standard_errors.q, 3).c_str(),
        num(gg.parameters.gamma).c_str(), num(gg.standard_errors.gamma, 3).c_str(), gg.customers,
        gg.skipped_nonpositive
            ? (" (" + std::to_string(gg.skipped_nonpositive) + " with m <= 0 skipped)").c_str()
            : "",
        gg.convergence.converged ? "converged"
        : gg.homogeneous_spend   ? "no spend heterogeneity: limit model (everyone's mean)"
                                 : "NOT CONVERGED");
    if (holdout) {
      std::printf("holdout to %s (%s %s): forecast %.1f transactions, actual %.0f (%+.1f%%)\n",
                  app::format_day(*d.options.holdout_end).c_str(),
                  num(d.summaries.holdout_length, 4).c_str(), o.time_unit.c_str(), forecast, actual,
                  actual > 0 ? 100 * (forecast - actual) / actual : 0.0);
    }
    std::printf("CLV over %d months, discount %s/month, margin %s: total %.2f\n\n",
                o.horizon_months, num(o.discount).c_str(), num(o.margin).c_str(), total_clv);
  }
  rows.print(o.output, o.limit);
}

void run_rfm(const AnalyzeOptions& o) {
  const Loaded d = load(o);
  const auto& customers = d.summaries.customers;
  const std::vector<an::RfmScore> scores = an::score_rfm(customers);
  Rows rows({"customer", "recency", "frequency", "monetary", "R", "F", "M", "segment"});
  std::map<an::RfmSegment, std::pair<std::size_t, double>> segments;
  for (std::size_t i = 0; i < customers.size(); ++i) {
    const auto& c = customers[i];
    const auto& s = scores[i];
    const std::string name(an::rfm_segment_name(s.segment));
    const double recency = c.age - c.recency;
    segments[s.segment].first += 1;
    segments[s.segment].second += c.total_amount;
    rows.add({d.names[static_cast<std::size_t>(c.customer)], num(recency),
              std::to_string(c.transactions), num(c.total_amount, 10), std::to_string(s.recency),
              std::to_string(s.frequency), std::to_string(s.monetary), name},
             {{"customer", d.names[static_cast<std::size_t>(c.customer)]},
              {"recency", recency},
              {"frequency", c.transactions},
              {"monetary", c.total_amount},
              {"r", s.recency},
              {"f", s.frequency},
              {"m", s.monetary},
              {"segment", name}});
  }
  if (o.output == "json") {
    json sizes = json::array();
    for (const auto& [segment, v] : segments) {
      sizes.push_back({{"segment", an::rfm_segment_name(segment)},
                       {"customers", v.first},
                       {"revenue", v.second}});
    }
    std::printf("%s\n", json({{"time_unit", o.time_unit},
                              {"calibration_end", app::format_day(d.options.calibration_end)},
                              {"segments", sizes},
                              {"rows", rows.to_json(o.limit)}})
                            .dump(1)
                            .c_str());
    return;
  }
  if (o.output == "table") {
    print_header(d);
    std::printf("recency in %s since the last purchase; monetary = total spend\n\n",
                o.time_unit.c_str());
    std::printf("%-20s %9s %14s\n", "segment", "customers", "revenue");
    for (const auto& [segment, v] : segments) {
      std::printf("%-20s %9zu %14.2f\n", std::string(an::rfm_segment_name(segment)).c_str(),
                  v.first, v.second);
    }
    std::printf("\n");
  }
  rows.print(o.output, o.limit);
}

void run_pareto(const AnalyzeOptions& o, const an::ParetoOptions& po) {
  const Loaded d = load(o);
  const auto& customers = d.summaries.customers;
  std::vector<double> revenue(customers.size());
  for (std::size_t i = 0; i < customers.size(); ++i) revenue[i] = customers[i].total_amount;
  const an::ParetoAnalysis p = an::analyze_pareto(revenue, po);
  std::vector<std::size_t> order(customers.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t l, std::size_t r) { return revenue[l] > revenue[r]; });
  Rows rows({"customer", "revenue", "class", "tier"});
  std::map<an::AbcClass, std::pair<std::size_t, double>> classes;
  std::map<an::ValueTier, std::pair<std::size_t, double>> tiers;
  for (std::size_t i : order) {
    const std::string cls(an::abc_class_name(p.abc[i]));
    const std::string tier(an::value_tier_name(p.tiers[i]));
    classes[p.abc[i]].first += 1;
    classes[p.abc[i]].second += revenue[i];
    tiers[p.tiers[i]].first += 1;
    tiers[p.tiers[i]].second += revenue[i];
    const std::string& name = d.names[static_cast<std::size_t>(customers[i].customer)];
    rows.add({name, num(revenue[i], 10), cls, tier},
             {{"customer", name}, {"revenue", revenue[i]}, {"class", cls}, {"tier", tier}});
  }
  if (o.output == "json") {
    json lorenz = json::array();
    for (const auto& point : p.lorenz) {
      lorenz.push_back({point.customer_share, point.revenue_share});
    }
    json class_sizes = json::object(), tier_sizes = json::object();
    for (const auto& [k, v] : classes) {
      class_sizes[std::string(an::abc_class_name(k))] = {{"customers", v.first},
                                                         {"revenue", v.second}};
    }
    for (const auto& [k, v] : tiers) {
      tier_sizes[std::string(an::value_tier_name(k))] = {{"customers", v.first},
                                                         {"revenue", v.second}};
    }
    std::printf("%s\n", json({{"total_revenue", p.total_revenue},
                              {"top_fraction", po.top_fraction},
                              {"top_share", p.top_share},
                              {"gini", p.gini},
                              {"lorenz", lorenz},
                              {"classes", class_sizes},
                              {"tiers", tier_sizes},
                              {"negative_revenue_customers", p.negative_revenue_customers},
                              {"rows", rows.to_json(o.limit)}})
                            .dump(1)
                            .c_str());
    return;
  }
  if (o.output == "table") {
    print_header(d);
    std::printf("revenue %.2f; the top %s%% of customers bring %.1f%% of it; Gini %.3f\n",
                p.total_revenue, num(100 * po.top_fraction).c_str(), 100 * p.top_share, p.gini);
    std::printf("Lorenz (customers -> revenue, poorest first):");
    for (std::size_t k = 0; k <= 10; ++k) {
      const double share = static_cast<double>(k) / 10;
      // The nearest stored point.
      const auto& point = p.lorenz[static_cast<std::size_t>(
          std::lround(share * static_cast<double>(p.lorenz.size() - 1)))];
      std::printf(" %.0f%%:%.1f%%", 100 * point.customer_share, 100 * point.revenue_share);
    }
    std::printf("\n");
    const auto line = [&](std::string_view name, const std::pair<std::size_t, double>& v) {
      std::printf("  %-9s %9zu customers %14.2f revenue (%.1f%%)\n", std::string(name).c_str(),
                  v.first, v.second, p.total_revenue > 0 ? 100 * v.second / p.total_revenue : 0.0);
    };
    for (const auto& [k, v] : classes) line(an::abc_class_name(k), v);
    for (const auto& [k, v] : tiers) line(an::value_tier_name(k), v);
    if (p.negative_revenue_customers > 0) {
      std::printf("  %zu customers with negative net revenue counted as 0\n",
                  p.negative_revenue_customers);
    }
    std::printf("\n");
  }
  rows.print(o.output, o.limit);
}

void run_types(const AnalyzeOptions& o, const an::CustomerTypeRules& rules) {
  const Loaded d = load(o);
  const auto& customers = d.summaries.customers;
  auto inputs = an::customer_type_inputs(customers);
  for (std::size_t i = 0; i < d.discount_share.size() && i < inputs.size(); ++i) {
    inputs[i].discount_share = d.discount_share[i];
    inputs[i].interactions = d.interactions[i];
  }
  const auto types = an::classify_customers(inputs, rules);
  Rows rows({"customer", "transactions", "value", "interpurchase_cv", "type"});
  std::map<an::CustomerType, std::pair<std::size_t, double>> counts;
  for (std::size_t i = 0; i < customers.size(); ++i) {
    const std::string type(an::customer_type_name(types[i]));
    counts[types[i]].first += 1;
    counts[types[i]].second += inputs[i].value;
    const std::string& name = d.names[static_cast<std::size_t>(customers[i].customer)];
    rows.add({name, std::to_string(inputs[i].transactions), num(inputs[i].value, 10),
              num(inputs[i].interpurchase_cv, 4), type},
             {{"customer", name},
              {"transactions", inputs[i].transactions},
              {"value", inputs[i].value},
              {"interpurchase_cv", json_num(inputs[i].interpurchase_cv)},
              {"type", type}});
  }
  if (o.output == "json") {
    json sizes = json::object();
    for (const auto& [t, v] : counts) {
      sizes[std::string(an::customer_type_name(t))] = {{"customers", v.first}, {"value", v.second}};
    }
    std::printf("%s\n", json({{"types", sizes}, {"rows", rows.to_json(o.limit)}}).dump(1).c_str());
    return;
  }
  if (o.output == "table") {
    print_header(d);
    std::printf(
        "rule: one purchase = one-time; R-type = regular buying (gap CV <= %s) and not "
        "price-driven; key accounts = top %s%% of R-types by revenue; others T-type.\n"
        "%s\n",
        num(rules.max_regular_cv).c_str(), num(100 * rules.key_account_top_fraction).c_str(),
        d.discount_share.empty()
            ? "(The file has no discount or interaction data: those proxies are unknown.)"
            : "(From the store: discount share of orders and logged interactions count too.)");
    for (const auto& [t, v] : counts) {
      std::printf("  %-12s %9zu customers %14.2f revenue\n",
                  std::string(an::customer_type_name(t)).c_str(), v.first, v.second);
    }
    std::printf("\n");
  }
  rows.print(o.output, o.limit);
}

// Runs a command, turning errors into `rapport: FIELD: reason` and an exit code; CLI11 unwinds
// with RuntimeError, which it does not print.
template <class F>
void guarded(F&& f) {
  try {
    f();
  } catch (const Error& e) {
    if (e.field().empty()) {
      std::fprintf(stderr, "rapport: %s\n", e.what());
    } else {
      std::fprintf(stderr, "rapport: %s: %s\n", e.field().c_str(), e.what());
    }
    std::fflush(stdout);
    throw CLI::RuntimeError(e.code() == ErrorCode::kInvalidArgument ? 2 : 1);
  } catch (const CLI::Error&) {
    throw;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "rapport: %s\n", e.what());
    throw CLI::RuntimeError(1);
  }
  std::fflush(stdout);
}

CLI::App* add_common(CLI::App& analyze, const char* name, const char* description,
                     const std::shared_ptr<AnalyzeOptions>& o) {
  CLI::App* c = analyze.add_subcommand(name, description);
  c->add_option("--input", o->input, "Transactions file");
  c->add_option("--db", o->db, "Analyse the store's orders instead (app/analytics_service)");
  c->add_option("--format", o->format, "cdnow or csv (default: csv for *.csv, else cdnow)");
  c->add_option("--calibration-end", o->calibration_end,
                "Last day of the calibration period, YYYY-MM-DD (default: the last day in the "
                "file; today for --db)");
  c->add_option("--time-unit", o->time_unit, "weeks or days")->capture_default_str();
  c->add_option("--output", o->output, "table, csv or json")->capture_default_str();
  c->add_option("--limit", o->limit, "Print at most this many customers (0: all)")
      ->capture_default_str();
  return c;
}

struct RefreshCommandOptions {
  std::string db = "rapport.db";
  std::string as_of;
  std::string output = "table";
};

void run_refresh(const RefreshCommandOptions& o) {
  if (o.output != "table" && o.output != "json") {
    throw_invalid("--output", "must be table or json, not '" + o.output + "'");
  }
  app::RefreshOptions options;
  if (!o.as_of.empty()) options.as_of_day = parse_date_option(o.as_of, "--as-of");
  store::Database db(o.db, {.migrate = true, .create = false});
  app::AnalyticsService service(db);
  const app::AnalyticsRun run = service.refresh(app::Caller::operator_cli(), options);
  if (o.output == "json") {
    std::printf("%s\n", json({{"id", run.id},
                              {"as_of", run.parameters.value("as_of", "")},
                              {"customers", run.customers},
                              {"orders", run.orders},
                              {"rules", run.rules},
                              {"parameters", run.parameters},
                              {"results", run.results}})
                            .dump(1)
                            .c_str());
    return;
  }
  const json& r = run.results;
  std::printf("analytics run %lld as of %s: %lld customers, %lld sale orders, %lld basket rules\n",
              static_cast<long long>(run.id), run.parameters.value("as_of", "").c_str(),
              static_cast<long long>(run.customers), static_cast<long long>(run.orders),
              static_cast<long long>(run.rules));
  if (r.contains("bg_nbd") && r["bg_nbd"].contains("r")) {
    const json& b = r["bg_nbd"];
    std::printf("BG/NBD r %.6g alpha %.6g a %.6g b %.6g, log-likelihood %.4f, %s\n",
                b["r"].get<double>(), b["alpha"].get<double>(), b["a"].get<double>(),
                b["b"].get<double>(), b["log_likelihood"].get<double>(),
                b["converged"].get<bool>() ? "converged" : "NOT CONVERGED");
  }
  if (r.contains("gamma_gamma") && r["gamma_gamma"].contains("p")) {
    const json& g = r["gamma_gamma"];
    std::printf("Gamma-Gamma p %.6g q %.6g gamma %.6g on %zu repeat customers\n",
                g["p"].get<double>(), g["q"].get<double>(), g["gamma"].get<double>(),
                g["customers"].get<std::size_t>());
  }
  if (r.contains("clv") && r["clv"].contains("skipped")) {
    std::printf("CLV: %s\n", r["clv"]["skipped"].get<std::string>().c_str());
  }
  if (r.contains("timings")) {
    std::printf("timings (ms):");
    for (const auto& [k, v] : r["timings"].items())
      std::printf(" %s %.0f", k.c_str(), v.get<double>());
    std::printf("\n");
  }
}

}  // namespace

void add_analyze_clv_commands(CLI::App& analyze, ConfiguredDb configured_db) {
  {
    auto o = std::make_shared<RefreshCommandOptions>();
    CLI::App* c = analyze.add_subcommand(
        "refresh",
        "Recompute the store's customer scores (RFM, ABC, tiers, types, CLV) and basket rules");
    CLI::Option* db = c->add_option("--db", o->db,
                                    "SQLite database file (default: rapport.toml's db, else "
                                    "rapport.db)");
    c->add_option("--as-of", o->as_of, "Last day counted, YYYY-MM-DD (default: today)");
    c->add_option("--output", o->output, "table or json")->capture_default_str();
    c->callback([o, db, configured_db] {
      guarded([&] {
        if (db->count() == 0) o->db = configured_db();
        run_refresh(*o);
      });
    });
  }
  {
    auto o = std::make_shared<AnalyzeOptions>();
    CLI::App* c = add_common(analyze, "clv",
                             "Lifetime value: BG/NBD + Gamma-Gamma fit, P(alive), expected "
                             "purchases and spend, CLV",
                             o);
    c->add_option("--holdout-end", o->holdout_end,
                  "Last day of a holdout period, YYYY-MM-DD: prints the model's forecast "
                  "against the actual count");
    c->add_option("--horizon-months", o->horizon_months, "CLV horizon")->capture_default_str();
    c->add_option("--discount", o->discount, "Monthly discount rate")->capture_default_str();
    c->add_option("--margin", o->margin, "Profit margin on revenue")->capture_default_str();
    c->add_flag("--skip-nonpositive", o->skip_nonpositive,
                "Leave repeat customers with mean spend <= 0 out of the spend model instead of "
                "failing");
    c->callback([o] { guarded([&] { run_clv(*o); }); });
  }
  {
    auto o = std::make_shared<AnalyzeOptions>();
    CLI::App* c = add_common(analyze, "rfm", "RFM quintile scores and segments", o);
    c->callback([o] { guarded([&] { run_rfm(*o); }); });
  }
  {
    auto o = std::make_shared<AnalyzeOptions>();
    auto po = std::make_shared<an::ParetoOptions>();
    CLI::App* c = add_common(analyze, "pareto",
                             "Revenue concentration, Lorenz curve, ABC classes and value tiers", o);
    c->add_option("--top", po->top_fraction, "Top fraction of customers for the share")
        ->capture_default_str();
    c->add_option("--a-share", po->a_share, "Cumulative revenue share of class A")
        ->capture_default_str();
    c->add_option("--b-share", po->b_share, "Cumulative revenue share of classes A and B")
        ->capture_default_str();
    c->add_option("--platinum", po->platinum.top_fraction, "Top fraction for platinum")
        ->capture_default_str();
    c->add_option("--gold", po->gold.top_fraction, "Top fraction for gold")->capture_default_str();
    c->add_option("--silver", po->silver.top_fraction, "Top fraction for silver")
        ->capture_default_str();
    c->callback([o, po] { guarded([&] { run_pareto(*o, *po); }); });
  }
  {
    auto o = std::make_shared<AnalyzeOptions>();
    auto rules = std::make_shared<an::CustomerTypeRules>();
    CLI::App* c =
        add_common(analyze, "types", "Customer types: one-time, T-type, R-type, key account", o);
    c->add_option("--max-regular-cv", rules->max_regular_cv,
                  "Largest coefficient of variation of purchase gaps that counts as regular")
        ->capture_default_str();
    c->add_option("--key-account-top", rules->key_account_top_fraction,
                  "Top fraction of R-types by value that are key accounts")
        ->capture_default_str();
    c->callback([o, rules] { guarded([&] { run_types(*o, *rules); }); });
  }
}

}  // namespace rapport::cli
