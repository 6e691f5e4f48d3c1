// `rapport analyze basket`: frequent itemsets and association rules mined from a basket file or
// from the store (--db: a basket is a sale order, items are SKUs).
//
//   rapport analyze basket (--input FILE [--format csv|fimi] | --db FILE [--as-of YYYY-MM-DD]
//                           [--basket order|customer [--window-days N]])
//       [--items A,B,...] [--exclude-items A,B,...]
//       [--min-support 0.001 | --min-count N]
//       [--min-confidence 0.5] [--max-length N] [--max-consequent N]
//       [--sort lift|confidence|support|coverage|leverage|conviction] [--limit N]
//       [--output table|csv|json] [--itemsets [--target frequent|closed|maximal]]
//       [--algorithm eclat|fp-growth]
//
// The command runs from its CLI11 callback, during parsing, so it reports its own errors
// ("rapport: FIELD: reason" on stderr, exit 2 for bad input and 1 otherwise) and then throws
// CLI::RuntimeError, which CLI11's App::exit() turns into that exit code without printing.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "analytics/basket/association_rules.hpp"
#include "analytics/basket/frequent_itemsets.hpp"
#include "app/analytics_service.hpp"
#include "app/basket_file.hpp"
#include "app/transactions_file.hpp"
#include "cli/commands.hpp"
#include "core/error.hpp"
#include "core/time.hpp"
#include "store/database.hpp"

namespace rapport::cli {
namespace {

namespace basket = analytics::basket;

struct BasketCommandOptions {
  std::string input;
  std::string db;
  std::string as_of;
  std::string format;  // empty: from the file name
  double min_support = 0.1;
  std::uint32_t min_count = 0;
  double min_confidence = 0.8;
  std::size_t max_length = 0;
  std::size_t max_consequent = 1;
  std::size_t max_itemsets = 5'000'000;
  std::string sort;  // empty: lift for rules, support for itemsets
  std::size_t limit = 0;
  std::string output = "table";
  bool itemsets = false;
  std::string target = "frequent";
  std::string algorithm = "eclat";
  std::string basket = "order";            // with --db: order | customer
  int window_days = 365;                   // with --basket customer
  std::vector<std::string> items;          // only these items take part
  std::vector<std::string> exclude_items;  // these never do
  bool min_support_given = false;
};

// Shortest text that reads back as the same double ("inf" for infinity).
std::string number(double v) {
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return ec == std::errc{} ? std::string(buf, end) : std::string("nan");
}

std::string fixed(double v, int decimals) {
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

std::string json_string(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(c));
          out += buf;
        } else {
          out += c;  // input was checked to be UTF-8, so it passes through as is
        }
    }
  }
  return out + "\"";
}

// JSON has no infinity: an infinite conviction (confidence 1) is written as null.
std::string json_number(double v) {
  return std::isfinite(v) ? number(v) : "null";
}

std::string csv_field(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

// Display width in code points, for aligning table columns with non-ASCII names.
std::size_t width(std::string_view s) {
  return static_cast<std::size_t>(std::count_if(
      s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

std::string pad(const std::string& s, std::size_t w, bool right = false) {
  auto n = width(s);
  if (n >= w) return s;
  return right ? std::string(w - n, ' ') + s : s + std::string(w - n, ' ');
}

class Printer {
 public:
  Printer(const app::BasketFile& file, const basket::FrequentItemsets& sets)
      : file_(file), sets_(sets) {}

  std::vector<std::string> names(std::size_t itemset) const {
    std::vector<std::string> out;
    for (auto id : sets_.items(itemset)) out.push_back(file_.items.name(id));
    return out;
  }

  std::string braces(std::size_t itemset) const {
    std::string out = "{";
    for (const auto& n : names(itemset)) out += (out.size() > 1 ? "," : "") + n;
    return out + "}";
  }

  std::string json_array(std::size_t itemset) const {
    std::string out = "[";
    for (const auto& n : names(itemset)) out += (out.size() > 1 ? "," : "") + json_string(n);
    return out + "]";
  }

 private:
  const app::BasketFile& file_;
  const basket::FrequentItemsets& sets_;
};

void print_table(const std::vector<std::string>& header,
                 const std::vector<std::vector<std::string>>& rows, std::size_t left_columns) {
  std::vector<std::size_t> w(header.size());
  for (std::size_t c = 0; c < header.size(); ++c) w[c] = width(header[c]);
  for (const auto& row : rows) {
    for (std::size_t c = 0; c < row.size(); ++c) w[c] = std::max(w[c], width(row[c]));
  }
  auto line = [&](const std::vector<std::string>& cells) {
    std::string out;
    for (std::size_t c = 0; c < cells.size(); ++c) {
      if (c > 0) out += "  ";
      bool last = c + 1 == cells.size();
      bool left = c >= 1 && c <= left_columns;
      out += last && left ? cells[c] : pad(cells[c], w[c], !left);
    }
    std::printf("%s\n", out.c_str());
  };
  line(header);
  for (const auto& row : rows) line(row);
}

void print_rules(const BasketCommandOptions& o, const app::BasketFile& file,
                 const basket::FrequentItemsets& sets, const std::vector<basket::Rule>& rules,
                 std::size_t total, basket::Measure sort) {
  Printer p(file, sets);
  if (o.output == "json") {
    std::printf(
        "{\"baskets\":%zu,\"items\":%zu,\"min_count\":%u,\"min_confidence\":%s,"
        "\"itemsets\":%zu,\"rules_total\":%zu,\"sort\":%s,\"rules\":[",
        sets.basket_count(), file.items.size(), sets.min_count(), number(o.min_confidence).c_str(),
        sets.size(), total, json_string(basket::measure_name(sort)).c_str());
    for (std::size_t k = 0; k < rules.size(); ++k) {
      const auto& r = rules[k];
      std::printf(
          "%s\n{\"lhs\":%s,\"rhs\":%s,\"support\":%s,\"confidence\":%s,\"coverage\":%s,"
          "\"lift\":%s,\"leverage\":%s,\"conviction\":%s,\"count\":%u}",
          k == 0 ? "" : ",", p.json_array(r.antecedent).c_str(), p.json_array(r.consequent).c_str(),
          json_number(r.support).c_str(), json_number(r.confidence).c_str(),
          json_number(r.coverage).c_str(), json_number(r.lift).c_str(),
          json_number(r.leverage).c_str(), json_number(r.conviction).c_str(), r.count);
    }
    std::printf("]}\n");
    return;
  }
  if (o.output == "csv") {
    std::printf("lhs,rhs,support,confidence,coverage,lift,leverage,conviction,count\n");
    for (const auto& r : rules) {
      std::printf("%s,%s,%s,%s,%s,%s,%s,%s,%u\n", csv_field(p.braces(r.antecedent)).c_str(),
                  csv_field(p.braces(r.consequent)).c_str(), number(r.support).c_str(),
                  number(r.confidence).c_str(), number(r.coverage).c_str(), number(r.lift).c_str(),
                  number(r.leverage).c_str(), number(r.conviction).c_str(), r.count);
    }
    return;
  }
  std::vector<std::vector<std::string>> rows;
  for (std::size_t k = 0; k < rules.size(); ++k) {
    const auto& r = rules[k];
    rows.push_back({std::to_string(k + 1), p.braces(r.antecedent), "=> " + p.braces(r.consequent),
                    fixed(r.support, 6), fixed(r.confidence, 4), fixed(r.coverage, 6),
                    fixed(r.lift, 4), fixed(r.leverage, 6), fixed(r.conviction, 4),
                    std::to_string(r.count)});
  }
  print_table({"", "lhs", "   rhs", "support", "confidence", "coverage", "lift", "leverage",
               "conviction", "count"},
              rows, 2);
  std::printf(
      "%zu baskets, %zu items; %zu frequent itemsets (min count %u); %zu rules "
      "(min confidence %s), %zu shown, by %s\n",
      sets.basket_count(), file.items.size(), sets.size(), sets.min_count(), total,
      number(o.min_confidence).c_str(), rules.size(),
      std::string(basket::measure_name(sort)).c_str());
}

void print_itemsets(const BasketCommandOptions& o, const app::BasketFile& file,
                    const basket::FrequentItemsets& sets, const std::vector<std::uint32_t>& shown) {
  Printer p(file, sets);
  if (o.output == "json") {
    std::printf(
        "{\"baskets\":%zu,\"items\":%zu,\"min_count\":%u,\"target\":%s,"
        "\"itemsets_total\":%zu,\"itemsets\":[",
        sets.basket_count(), file.items.size(), sets.min_count(), json_string(o.target).c_str(),
        sets.size());
    for (std::size_t k = 0; k < shown.size(); ++k) {
      std::printf("%s\n{\"items\":%s,\"support\":%s,\"count\":%u}", k == 0 ? "" : ",",
                  p.json_array(shown[k]).c_str(), json_number(sets.support(shown[k])).c_str(),
                  sets.count(shown[k]));
    }
    std::printf("]}\n");
    return;
  }
  if (o.output == "csv") {
    std::printf("items,size,support,count\n");
    for (auto i : shown) {
      std::printf("%s,%zu,%s,%u\n", csv_field(p.braces(i)).c_str(), sets.items(i).size(),
                  number(sets.support(i)).c_str(), sets.count(i));
    }
    return;
  }
  std::vector<std::vector<std::string>> rows;
  for (std::size_t k = 0; k < shown.size(); ++k) {
    auto i = shown[k];
    rows.push_back({std::to_string(k + 1), p.braces(i), std::to_string(sets.items(i).size()),
                    fixed(sets.support(i), 6), std::to_string(sets.count(i))});
  }
  print_table({"", "items", "size", "support", "count"}, rows, 1);
  std::printf("%zu baskets, %zu items; %zu %s itemsets (min count %u), %zu shown, by support\n",
              sets.basket_count(), file.items.size(), sets.size(), o.target.c_str(),
              sets.min_count(), shown.size());
}

void run(const BasketCommandOptions& o) {
  app::BasketFormat format = app::BasketFormat::kCsv;
  if (!o.format.empty()) {
    auto f = app::parse_basket_format(o.format);
    if (!f) throw_invalid("--format", "must be csv or fimi, got '" + o.format + "'");
    format = *f;
  } else if (o.input.ends_with(".dat") || o.input.ends_with(".fimi")) {
    format = app::BasketFormat::kFimi;
  }
  if (o.output != "table" && o.output != "csv" && o.output != "json") {
    throw_invalid("--output", "must be table, csv or json, got '" + o.output + "'");
  }
  basket::MiningOptions mining;
  if (o.min_count > 0) {
    if (o.min_support_given)
      throw_invalid("--min-count", "give --min-support or --min-count, not both");
    mining.min_support = basket::MinSupport::count(o.min_count);
  } else {
    if (!(o.min_support > 0 && o.min_support <= 1)) {
      throw_invalid("--min-support", "must be a fraction of the baskets in (0, 1]");
    }
    mining.min_support = basket::MinSupport::fraction(o.min_support);
  }
  mining.max_length = o.max_length;
  mining.max_itemsets = o.max_itemsets;
  if (o.algorithm == "eclat") {
    mining.algorithm = basket::MiningAlgorithm::kEclat;
  } else if (o.algorithm == "fp-growth") {
    mining.algorithm = basket::MiningAlgorithm::kFpGrowth;
  } else {
    throw_invalid("--algorithm", "must be eclat or fp-growth, got '" + o.algorithm + "'");
  }
  if (o.target == "frequent") {
    mining.target = basket::ItemsetTarget::kFrequent;
  } else if (o.target == "closed") {
    mining.target = basket::ItemsetTarget::kClosed;
  } else if (o.target == "maximal") {
    mining.target = basket::ItemsetTarget::kMaximal;
  } else {
    throw_invalid("--target", "must be frequent, closed or maximal, got '" + o.target + "'");
  }
  if (!o.itemsets && mining.target != basket::ItemsetTarget::kFrequent) {
    throw_invalid("--target", "closed and maximal apply to --itemsets; rules need all itemsets");
  }
  if (!(o.min_confidence >= 0 && o.min_confidence <= 1)) {
    throw_invalid("--min-confidence", "must be in [0, 1]");
  }
  if (o.max_consequent < 1) throw_invalid("--max-consequent", "must be at least 1");
  auto sort = basket::Measure::kLift;
  if (o.itemsets) {
    if (!o.sort.empty() && o.sort != "support") {
      throw_invalid("--sort", "itemsets sort by support only");
    }
  } else if (!o.sort.empty()) {
    auto m = basket::parse_measure(o.sort);
    if (!m) {
      throw_invalid("--sort",
                    "must be lift, confidence, support, coverage, leverage or "
                    "conviction, got '" +
                        o.sort + "'");
    }
    sort = *m;
  }

  if (o.input.empty() == o.db.empty()) throw_invalid("--input", "give --input FILE or --db FILE");
  app::BasketFile file;
  if (!o.db.empty()) {
    // Baskets are the store's sale orders; items are SKUs.
    std::int32_t as_of = static_cast<std::int32_t>(now_ms() / 86'400'000);
    if (!o.as_of.empty()) {
      auto day = app::parse_day(o.as_of);
      if (!day) throw_invalid("--as-of", "'" + o.as_of + "' is not a valid YYYY-MM-DD date");
      as_of = *day;
    }
    if (o.basket != "order" && o.basket != "customer") {
      throw_invalid("--basket", "must be order or customer, got '" + o.basket + "'");
    }
    if (o.window_days < 1 || o.window_days > 36600) {
      throw_invalid("--window-days", "must be 1 to 36600 days");
    }
    store::Database db(o.db, {.migrate = true, .create = false});
    file = o.basket == "order"
               ? app::load_store_baskets(db.reader(), as_of)
               : app::load_store_customer_baskets(db.reader(), as_of, o.window_days);
  } else {
    if (o.basket != "order") throw_invalid("--basket", "with --input a basket is a line");
    file = app::BasketFile::read(o.input, format);
  }
  // Item filters, by name (SKU for the store): every name must be known.
  const auto item_ids = [&](const std::vector<std::string>& names, const char* flag) {
    std::vector<basket::ItemId> ids;
    for (const auto& name : names) {
      auto id = file.items.find(name);
      if (!id) throw_invalid(flag, "no item named '" + name + "' in the baskets");
      ids.push_back(*id);
    }
    return ids;
  };
  mining.include_items = item_ids(o.items, "--items");
  mining.exclude_items = item_ids(o.exclude_items, "--exclude-items");
  auto sets = basket::mine_frequent_itemsets(file.baskets, mining);
  if (o.itemsets) {
    std::vector<std::uint32_t> shown(sets.size());
    for (std::uint32_t i = 0; i < shown.size(); ++i) shown[i] = i;
    // Highest count first; ties keep the canonical order.
    std::stable_sort(shown.begin(), shown.end(), [&](std::uint32_t a, std::uint32_t b) {
      return sets.count(a) > sets.count(b);
    });
    if (o.limit > 0 && shown.size() > o.limit) shown.resize(o.limit);
    print_itemsets(o, file, sets, shown);
    return;
  }
  basket::RuleOptions rule_options;
  rule_options.min_confidence = o.min_confidence;
  rule_options.max_consequent = o.max_consequent;
  auto rules = basket::generate_rules(sets, rule_options);
  auto total = rules.size();
  basket::sort_rules(rules, sort);
  if (o.limit > 0 && rules.size() > o.limit) rules.resize(o.limit);
  print_rules(o, file, sets, rules, total, sort);
}

}  // namespace

void add_analyze_basket_command(CLI::App& analyze) {
  auto o = std::make_shared<BasketCommandOptions>();
  auto* cmd = analyze.add_subcommand(
      "basket",
      "Frequent itemsets and association rules from the store or a basket file (CSV or FIMI)");
  cmd->add_option("--input", o->input, "Basket file: one basket per line");
  cmd->add_option("--db", o->db, "Mine the store instead: a basket is a sale order");
  cmd->add_option("--as-of", o->as_of, "With --db: last order day counted, YYYY-MM-DD (today)");
  cmd->add_option("--basket", o->basket,
                  "With --db: order (a basket is a sale order) or customer (a basket is all of "
                  "a customer's purchases in the window)")
      ->capture_default_str();
  cmd->add_option("--window-days", o->window_days,
                  "With --basket customer: the days up to --as-of whose orders count")
      ->capture_default_str();
  cmd->add_option("--items", o->items,
                  "Only these items take part (comma-separated names; SKUs for the store)")
      ->delimiter(',');
  cmd->add_option("--exclude-items", o->exclude_items,
                  "These items never take part (comma-separated names; SKUs for the store)")
      ->delimiter(',');
  cmd->add_option("--format", o->format,
                  "csv (item names, comma-separated) or fimi (item ids, space-separated); "
                  "default: fimi for *.dat and *.fimi, else csv");
  auto* support = cmd->add_option("--min-support", o->min_support,
                                  "Minimum support, a fraction of the baskets (default 0.1)");
  cmd->add_option("--min-count", o->min_count, "Minimum support as a number of baskets")
      ->excludes(support);
  cmd->add_option("--min-confidence", o->min_confidence, "Minimum confidence of a rule")
      ->capture_default_str();
  cmd->add_option("--max-length", o->max_length, "Largest itemset (rule) size; 0: no limit")
      ->capture_default_str();
  cmd->add_option("--max-consequent", o->max_consequent, "Largest right-hand side of a rule")
      ->capture_default_str();
  cmd->add_option("--max-itemsets", o->max_itemsets,
                  "Stop with an error past this many frequent itemsets; 0: no limit")
      ->capture_default_str();
  cmd->add_option("--sort", o->sort,
                  "Rules: lift (default), confidence, support, coverage, leverage or conviction");
  cmd->add_option("--limit", o->limit, "Show at most N rows; 0: all")->capture_default_str();
  cmd->add_option("--output", o->output, "table, csv or json")->capture_default_str();
  cmd->add_flag("--itemsets", o->itemsets, "Print the frequent itemsets instead of rules");
  cmd->add_option("--target", o->target, "With --itemsets: frequent, closed or maximal")
      ->capture_default_str();
  cmd->add_option("--algorithm", o->algorithm, "eclat or fp-growth (same results)")
      ->capture_default_str();
  cmd->callback([o, support] {
    o->min_support_given = support->count() > 0;
    try {
      run(*o);
      std::fflush(stdout);
    } catch (const Error& e) {
      std::fflush(stdout);
      // The engine names its options; the user knows them as flags.
      std::string field = e.field();
      for (const char* name :
           {"min_support", "min_count", "min_confidence", "max_consequent", "max_itemsets"}) {
        if (field == name) {
          field = "--" + field;
          std::replace(field.begin(), field.end(), '_', '-');
        }
      }
      if (field.empty()) {
        std::fprintf(stderr, "rapport: %s\n", e.what());
      } else {
        std::fprintf(stderr, "rapport: %s: %s\n", field.c_str(), e.what());
      }
      throw CLI::RuntimeError(e.code() == ErrorCode::kInvalidArgument ? 2 : 1);
    } catch (const std::exception& e) {
      std::fflush(stdout);
      std::fprintf(stderr, "rapport: %s\n", e.what());
      throw CLI::RuntimeError(1);
    }
  });
}

}  // namespace rapport::cli
