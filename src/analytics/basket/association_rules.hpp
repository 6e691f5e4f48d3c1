#pragma once
// Association rules X => Y from frequent itemsets, with their interest measures.
//
// For a rule X => Y over N baskets, with count(S) the number of baskets containing S:
//   support    = count(X u Y) / N
//   coverage   = count(X) / N                      (support of the left-hand side)
//   confidence = count(X u Y) / count(X)
//   lift       = confidence / (count(Y) / N)
//   leverage   = support - coverage * count(Y) / N
//   conviction = (1 - count(Y) / N) / (1 - confidence), +infinity when confidence = 1
// These are the definitions of arules (Hahsler et al.) and mlxtend.
//
// Rules have a non-empty left-hand side. By default the right-hand side is one item, as in
// arules' apriori; RuleOptions::max_consequent allows larger ones (generated level-wise as in
// Agrawal & Srikant 1994, ap-genrules, which is complete because confidence can only fall as
// items move from the left to the right side).
//
// A Rule names its sides and its itemset by their index in the FrequentItemsets it came from, so
// rules are small plain values; read their items with itemsets.items(rule.antecedent).
// Output order of generate_rules(): by the index of the rule's itemset, then by consequent
// index: deterministic, and the same on every run for the same input.
//
// Thread-safety: every function is pure and re-entrant.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "analytics/basket/frequent_itemsets.hpp"

namespace rapport::analytics::basket {

struct Rule {
  std::uint32_t itemset = 0;     // index of X u Y
  std::uint32_t antecedent = 0;  // index of X (left-hand side)
  std::uint32_t consequent = 0;  // index of Y (right-hand side)
  std::uint32_t count = 0;       // count(X u Y)
  double support = 0;
  double coverage = 0;
  double confidence = 0;
  double lift = 0;
  double leverage = 0;
  double conviction = 0;
};

enum class Measure { kSupport, kCoverage, kConfidence, kLift, kLeverage, kConviction };

// "support", "coverage", "confidence", "lift", "leverage", "conviction".
std::string_view measure_name(Measure measure) noexcept;
// The inverse of measure_name(); nullopt for any other text.
std::optional<Measure> parse_measure(std::string_view name) noexcept;
double measure_value(const Rule& rule, Measure measure) noexcept;

struct RuleOptions {
  double min_confidence = 0.8;  // the arules default; REQUIRES: 0 <= min_confidence <= 1
  // Largest number of items on the right-hand side; 1 as in arules. REQUIRES: >= 1.
  std::size_t max_consequent = 1;
  // When non-empty, only these items may appear on the right-hand side (arules' appearance
  // "rhs"), e.g. to ask what leads to buying one product.
  std::vector<ItemId> consequent_items;
};

// All rules with confidence >= options.min_confidence from every itemset of `itemsets` of two
// or more items. Support needs no threshold of its own: the itemsets are already frequent.
// REQUIRES: itemsets.target() == ItemsetTarget::kFrequent (rules need the counts of all subsets).
// Errors: rapport::Error (invalid_argument) when a requirement above is not met or an option
// is out of range (field "min_confidence", "max_consequent" or "target").
std::vector<Rule> generate_rules(const FrequentItemsets& itemsets, const RuleOptions& options);

// Sorts by `measure`, highest first; ties by confidence, then support (both highest first),
// then by antecedent and consequent index, so the order is total and reproducible.
void sort_rules(std::vector<Rule>& rules, Measure measure);

// Removes the rules whose `measure` is below `min_value`; keeps the order of the rest.
void filter_rules(std::vector<Rule>& rules, Measure measure, double min_value);

// Keeps only the rules that mention `item` (on either side, or on the given side only).
enum class RuleSide { kEither, kAntecedent, kConsequent };
void filter_rules_by_item(std::vector<Rule>& rules, const FrequentItemsets& itemsets, ItemId item,
                          RuleSide side = RuleSide::kEither);

}  // namespace rapport::analytics::basket
