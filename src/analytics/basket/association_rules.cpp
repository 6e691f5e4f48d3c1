#include "analytics/basket/association_rules.hpp"

#include <algorithm>
#include <limits>
#include <span>
#include <string>

#include "core/error.hpp"

namespace rapport::analytics::basket {

std::string_view measure_name(Measure measure) noexcept {
  switch (measure) {
    case Measure::kSupport:
      return "support";
    case Measure::kCoverage:
      return "coverage";
    case Measure::kConfidence:
      return "confidence";
    case Measure::kLift:
      return "lift";
    case Measure::kLeverage:
      return "leverage";
    case Measure::kConviction:
      return "conviction";
  }
  return "support";
}

std::optional<Measure> parse_measure(std::string_view name) noexcept {
  for (auto m : {Measure::kSupport, Measure::kCoverage, Measure::kConfidence, Measure::kLift,
                 Measure::kLeverage, Measure::kConviction}) {
    if (measure_name(m) == name) return m;
  }
  return std::nullopt;
}

double measure_value(const Rule& rule, Measure measure) noexcept {
  switch (measure) {
    case Measure::kSupport:
      return rule.support;
    case Measure::kCoverage:
      return rule.coverage;
    case Measure::kConfidence:
      return rule.confidence;
    case Measure::kLift:
      return rule.lift;
    case Measure::kLeverage:
      return rule.leverage;
    case Measure::kConviction:
      return rule.conviction;
  }
  return rule.support;
}

namespace {

// Generates the rules of one itemset. Holds scratch buffers reused across itemsets.
class RuleBuilder {
 public:
  RuleBuilder(const FrequentItemsets& sets, const RuleOptions& options,
              std::vector<bool> consequent_allowed, std::vector<Rule>& out)
      : sets_(sets),
        options_(options),
        allowed_(std::move(consequent_allowed)),
        out_(out),
        n_(static_cast<double>(sets.basket_count())) {
    // Itemsets are ordered by size, so the one-item sets come first: index them by item for
    // the most frequent lookup (a one-item consequent).
    for (std::size_t i = 0; i < sets.size() && sets.items(i).size() == 1; ++i) {
      auto item = sets.items(i)[0];
      if (single_.size() <= item) single_.resize(static_cast<std::size_t>(item) + 1, missing_index);
      single_[item] = static_cast<std::uint32_t>(i);
    }
  }

  void add_rules_of(std::size_t z) {
    auto items = sets_.items(z);
    if (items.size() < 2) return;
    // Level 1: one-item consequents.
    level_.clear();
    for (std::size_t k = 0; k < items.size(); ++k) {
      if (!allowed_.empty() && !(items[k] < allowed_.size() && allowed_[items[k]])) continue;
      consequent_.assign(1, items[k]);
      // Passing consequents are only kept when they will be joined into larger ones.
      if (try_rule(z, items) && options_.max_consequent > 1) level_.push_back(consequent_);
    }
    // Level m + 1 from pairs of level-m consequents that share their first m - 1 items (both
    // must have passed, since a consequent that fails makes every superset fail too).
    for (std::size_t m = 1; m < options_.max_consequent && m + 1 < items.size(); ++m) {
      next_level_.clear();
      for (std::size_t a = 0; a < level_.size(); ++a) {
        for (std::size_t b = a + 1; b < level_.size(); ++b) {
          const auto& x = level_[a];
          const auto& y = level_[b];
          if (!std::equal(x.begin(), x.end() - 1, y.begin())) break;  // sorted: no more joins
          consequent_ = x;
          consequent_.push_back(y.back());
          if (try_rule(z, items)) next_level_.push_back(consequent_);
        }
      }
      level_.swap(next_level_);
      if (level_.size() < 2) break;
    }
  }

 private:
  // Tests X => consequent_ with X = items \ consequent_; emits it when confident enough.
  bool try_rule(std::size_t z, std::span<const ItemId> items) {
    antecedent_.clear();
    std::set_difference(items.begin(), items.end(), consequent_.begin(), consequent_.end(),
                        std::back_inserter(antecedent_));
    auto x = sets_.find(antecedent_);
    std::optional<std::size_t> y;
    if (consequent_.size() == 1) {
      if (consequent_[0] < single_.size() && single_[consequent_[0]] != missing_index) {
        y = single_[consequent_[0]];
      }
    } else {
      y = sets_.find(consequent_);
    }
    if (!x || !y) {
      // Every subset of a frequent itemset is frequent and was mined; if one is missing the
      // itemsets were not produced by mine_frequent_itemsets() with target kFrequent.
      throw Error(ErrorCode::kInternal, "an itemset's subset is missing from the itemsets",
                  "itemsets");
    }
    auto cz = static_cast<double>(sets_.count(z));
    auto cx = static_cast<double>(sets_.count(*x));
    auto cy = static_cast<double>(sets_.count(*y));
    double confidence = cz / cx;
    if (confidence < options_.min_confidence) return false;
    Rule r;
    r.itemset = static_cast<std::uint32_t>(z);
    r.antecedent = static_cast<std::uint32_t>(*x);
    r.consequent = static_cast<std::uint32_t>(*y);
    r.count = sets_.count(z);
    r.support = cz / n_;
    r.coverage = cx / n_;
    r.confidence = confidence;
    // From the counts rather than from the rounded ratios above.
    r.lift = cz * n_ / (cx * cy);
    double consequent_support = cy / n_;
    r.leverage = r.support - r.coverage * consequent_support;
    // The exact test: cz == cx means confidence is exactly 1.
    r.conviction = cz == cx ? std::numeric_limits<double>::infinity()
                            : (1.0 - consequent_support) / (1.0 - confidence);
    out_.push_back(r);
    return true;
  }

  const FrequentItemsets& sets_;
  const RuleOptions& options_;
  std::vector<bool> allowed_;
  std::vector<Rule>& out_;
  double n_;
  static constexpr std::uint32_t missing_index = std::numeric_limits<std::uint32_t>::max();
  std::vector<std::uint32_t> single_;  // item -> index of its one-item set
  std::vector<ItemId> antecedent_;
  std::vector<ItemId> consequent_;
  std::vector<std::vector<ItemId>> level_;
  std::vector<std::vector<ItemId>> next_level_;
};

}  // namespace

std::vector<Rule> generate_rules(const FrequentItemsets& itemsets, const RuleOptions& options) {
  if (!(options.min_confidence >= 0.0 && options.min_confidence <= 1.0)) {
    throw_invalid("min_confidence",
                  "must be in [0, 1], got " + std::to_string(options.min_confidence));
  }
  if (options.max_consequent < 1) throw_invalid("max_consequent", "must be at least 1");
  if (itemsets.target() != ItemsetTarget::kFrequent) {
    throw_invalid("target", "rules need all frequent itemsets, not only closed or maximal ones");
  }
  std::vector<bool> allowed;
  if (!options.consequent_items.empty()) {
    ItemId bound = 0;
    for (auto id : options.consequent_items) bound = std::max(bound, id);
    allowed.assign(static_cast<std::size_t>(bound) + 1, false);
    for (auto id : options.consequent_items) allowed[id] = true;
  }
  std::vector<Rule> rules;
  RuleBuilder builder(itemsets, options, std::move(allowed), rules);
  for (std::size_t z = 0; z < itemsets.size(); ++z) builder.add_rules_of(z);
  // The builder emits per itemset by consequent level; order each itemset's rules by
  // consequent index so the documented order holds whatever the level structure.
  auto by_index = [](const Rule& a, const Rule& b) {
    return a.itemset != b.itemset ? a.itemset < b.itemset : a.consequent < b.consequent;
  };
  if (options.max_consequent > 1) std::stable_sort(rules.begin(), rules.end(), by_index);
  return rules;
}

void sort_rules(std::vector<Rule>& rules, Measure measure) {
  std::sort(rules.begin(), rules.end(), [measure](const Rule& a, const Rule& b) {
    double x = measure_value(a, measure);
    double y = measure_value(b, measure);
    if (x != y) return x > y;
    if (a.confidence != b.confidence) return a.confidence > b.confidence;
    if (a.count != b.count) return a.count > b.count;
    if (a.antecedent != b.antecedent) return a.antecedent < b.antecedent;
    return a.consequent < b.consequent;
  });
}

void filter_rules(std::vector<Rule>& rules, Measure measure, double min_value) {
  std::erase_if(rules, [&](const Rule& r) { return !(measure_value(r, measure) >= min_value); });
}

void filter_rules_by_item(std::vector<Rule>& rules, const FrequentItemsets& itemsets, ItemId item,
                          RuleSide side) {
  auto holds = [&](std::uint32_t index) {
    auto items = itemsets.items(index);
    return std::binary_search(items.begin(), items.end(), item);
  };
  std::erase_if(rules, [&](const Rule& r) {
    switch (side) {
      case RuleSide::kAntecedent:
        return !holds(r.antecedent);
      case RuleSide::kConsequent:
        return !holds(r.consequent);
      case RuleSide::kEither:
        break;
    }
    return !holds(r.itemset);
  });
}

}  // namespace rapport::analytics::basket
