// Hand-computed cases and brute-force cross-checks of the basket engine.
#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <tuple>
#include <vector>

#include <gtest/gtest.h>

#include "analytics/basket/association_rules.hpp"
#include "analytics/basket/basket_set.hpp"
#include "analytics/basket/frequent_itemsets.hpp"
#include "analytics/basket/item_dictionary.hpp"
#include "core/error.hpp"

namespace rapport::analytics::basket {
namespace {

constexpr ItemId kA = 0, kB = 1, kC = 2, kD = 3;

// a b c | a b c | a b | a c d | b d
// Counts: a 4, b 4, c 3, d 2, ab 3, ac 3, bc 2, abc 2; ad, bd, cd, acd 1.
BasketSet five_baskets() {
  BasketSet s;
  s.add(std::vector<ItemId>{kA, kB, kC});
  s.add(std::vector<ItemId>{kC, kB, kA});
  s.add(std::vector<ItemId>{kA, kB});
  s.add(std::vector<ItemId>{kA, kC, kD});
  s.add(std::vector<ItemId>{kB, kD});
  return s;
}

FrequentItemsets mine_five(ItemsetTarget target = ItemsetTarget::kFrequent,
                           MiningAlgorithm algorithm = MiningAlgorithm::kEclat) {
  MiningOptions o;
  o.min_support = MinSupport::count(2);
  o.target = target;
  o.algorithm = algorithm;
  return mine_frequent_itemsets(five_baskets(), o);
}

using Items = std::vector<ItemId>;

std::vector<std::pair<Items, std::uint32_t>> listed(const FrequentItemsets& sets) {
  std::vector<std::pair<Items, std::uint32_t>> out;
  for (std::size_t i = 0; i < sets.size(); ++i) {
    out.emplace_back(Items(sets.items(i).begin(), sets.items(i).end()), sets.count(i));
  }
  return out;
}

const Rule& rule_of(const std::vector<Rule>& rules, const FrequentItemsets& sets, Items lhs,
                    Items rhs) {
  for (const auto& r : rules) {
    auto x = sets.items(r.antecedent);
    auto y = sets.items(r.consequent);
    if (std::equal(x.begin(), x.end(), lhs.begin(), lhs.end()) &&
        std::equal(y.begin(), y.end(), rhs.begin(), rhs.end())) {
      return r;
    }
  }
  ADD_FAILURE() << "rule not found";
  static const Rule none;
  return none;
}

TEST(BasketSet, SortsAndDropsDuplicates) {
  BasketSet s;
  s.add(std::vector<ItemId>{5, 1, 5, 3, 1});
  s.add(std::vector<ItemId>{});
  ASSERT_EQ(s.size(), 2U);
  EXPECT_EQ(Items(s.basket(0).begin(), s.basket(0).end()), (Items{1, 3, 5}));
  EXPECT_TRUE(s.basket(1).empty());
  EXPECT_EQ(s.item_bound(), 6U);
  EXPECT_EQ(s.item_occurrences(), 3U);
}

TEST(ItemDictionary, KeepsNamesExactly) {
  ItemDictionary d;
  EXPECT_EQ(d.intern("cream cheese "), 0U);
  EXPECT_EQ(d.intern("cream cheese"), 1U);
  EXPECT_EQ(d.intern("cream cheese "), 0U);
  EXPECT_EQ(d.name(0), "cream cheese ");
  EXPECT_EQ(d.find("cream cheese"), 1U);
  EXPECT_FALSE(d.find("Cream cheese").has_value());
  EXPECT_EQ(d.size(), 2U);
}

TEST(MinSupport, RoundsUpWithoutFloatingPointSurprises) {
  EXPECT_EQ(MinSupport::fraction(0.001).min_count(9835), 10U);
  EXPECT_EQ(MinSupport::fraction(0.001).min_count(1000), 1U);
  EXPECT_EQ(MinSupport::fraction(0.1).min_count(30), 3U);  // 0.1 * 30 = 3.0000000000000004
  EXPECT_EQ(MinSupport::fraction(0.3).min_count(5), 2U);
  EXPECT_EQ(MinSupport::fraction(1.0).min_count(7), 7U);
  EXPECT_EQ(MinSupport::fraction(0.5).min_count(0), 1U);
  EXPECT_EQ(MinSupport::count(12).min_count(5), 12U);
}

TEST(MinSupport, RejectsValuesOutOfRange) {
  for (double bad : {0.0, -0.1, 1.5, std::numeric_limits<double>::quiet_NaN()}) {
    try {
      (void)MinSupport::fraction(bad).min_count(10);
      ADD_FAILURE() << bad << " accepted";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
      EXPECT_EQ(e.field(), "min_support");
    }
  }
  EXPECT_THROW((void)MinSupport::count(0).min_count(10), Error);
}

TEST(Mining, HandCaseFrequent) {
  for (auto algorithm : {MiningAlgorithm::kEclat, MiningAlgorithm::kFpGrowth}) {
    auto sets = mine_five(ItemsetTarget::kFrequent, algorithm);
    EXPECT_EQ(listed(sets), (std::vector<std::pair<Items, std::uint32_t>>{{{kA}, 4},
                                                                          {{kB}, 4},
                                                                          {{kC}, 3},
                                                                          {{kD}, 2},
                                                                          {{kA, kB}, 3},
                                                                          {{kA, kC}, 3},
                                                                          {{kB, kC}, 2},
                                                                          {{kA, kB, kC}, 2}}));
    EXPECT_EQ(sets.min_count(), 2U);
    EXPECT_EQ(sets.basket_count(), 5U);
    EXPECT_DOUBLE_EQ(sets.support(*sets.find(Items{kA, kB})), 0.6);
    EXPECT_FALSE(sets.find(Items{kA, kD}).has_value());
  }
}

TEST(Mining, HandCaseClosedAndMaximal) {
  for (auto algorithm : {MiningAlgorithm::kEclat, MiningAlgorithm::kFpGrowth}) {
    // c (3) has the superset ac (3), bc (2) has abc (2): not closed.
    auto closed = mine_five(ItemsetTarget::kClosed, algorithm);
    EXPECT_EQ(closed.target(), ItemsetTarget::kClosed);
    EXPECT_EQ(
        listed(closed),
        (std::vector<std::pair<Items, std::uint32_t>>{
            {{kA}, 4}, {{kB}, 4}, {{kD}, 2}, {{kA, kB}, 3}, {{kA, kC}, 3}, {{kA, kB, kC}, 2}}));
    auto maximal = mine_five(ItemsetTarget::kMaximal, algorithm);
    EXPECT_EQ(listed(maximal),
              (std::vector<std::pair<Items, std::uint32_t>>{{{kD}, 2}, {{kA, kB, kC}, 2}}));
  }
}

TEST(Mining, MaximalUnderALengthLimitIsJudgedWithinTheLimit) {
  MiningOptions o;
  o.min_support = MinSupport::count(2);
  o.max_length = 2;
  o.target = ItemsetTarget::kMaximal;
  auto sets = mine_frequent_itemsets(five_baskets(), o);
  EXPECT_EQ(listed(sets), (std::vector<std::pair<Items, std::uint32_t>>{
                              {{kD}, 2}, {{kA, kB}, 3}, {{kA, kC}, 3}, {{kB, kC}, 2}}));
}

TEST(Mining, ItemFilters) {
  MiningOptions o;
  o.min_support = MinSupport::count(2);
  o.exclude_items = {kC};
  EXPECT_EQ(listed(mine_frequent_itemsets(five_baskets(), o)),
            (std::vector<std::pair<Items, std::uint32_t>>{
                {{kA}, 4}, {{kB}, 4}, {{kD}, 2}, {{kA, kB}, 3}}));
  o.exclude_items.clear();
  o.include_items = {kA, kC, 99};  // an id no basket holds matches nothing
  o.algorithm = MiningAlgorithm::kFpGrowth;
  EXPECT_EQ(listed(mine_frequent_itemsets(five_baskets(), o)),
            (std::vector<std::pair<Items, std::uint32_t>>{{{kA}, 4}, {{kC}, 3}, {{kA, kC}, 3}}));
}

TEST(Mining, RelativeAndAbsoluteSupportAgree) {
  MiningOptions o;
  o.min_support = MinSupport::fraction(0.3);  // ceil(1.5) = 2 baskets
  EXPECT_EQ(listed(mine_frequent_itemsets(five_baskets(), o)), listed(mine_five()));
}

TEST(Mining, MaxItemsetsGuardsAgainstExplosion) {
  for (auto algorithm : {MiningAlgorithm::kEclat, MiningAlgorithm::kFpGrowth}) {
    MiningOptions o;
    o.min_support = MinSupport::count(2);
    o.algorithm = algorithm;
    o.max_itemsets = 8;  // exactly as many as there are
    EXPECT_EQ(mine_frequent_itemsets(five_baskets(), o).size(), 8U);
    o.max_itemsets = 7;
    try {
      (void)mine_frequent_itemsets(five_baskets(), o);
      ADD_FAILURE() << "no error past max_itemsets";
    } catch (const Error& e) {
      EXPECT_EQ(e.field(), "max_itemsets");
    }
  }
}

TEST(Mining, EmptyInputsGiveEmptyResults) {
  MiningOptions o;
  o.min_support = MinSupport::fraction(0.5);
  EXPECT_TRUE(mine_frequent_itemsets(BasketSet{}, o).empty());
  BasketSet sparse;
  sparse.add(std::vector<ItemId>{1});
  sparse.add(std::vector<ItemId>{2});
  sparse.add(std::vector<ItemId>{3});
  for (auto algorithm : {MiningAlgorithm::kEclat, MiningAlgorithm::kFpGrowth}) {
    o.algorithm = algorithm;
    auto sets = mine_frequent_itemsets(sparse, o);
    EXPECT_TRUE(sets.empty());
    EXPECT_TRUE(generate_rules(sets, RuleOptions{}).empty());
  }
}

TEST(Rules, HandCaseMeasures) {
  auto sets = mine_five();
  RuleOptions o;
  o.min_confidence = 0.0;
  auto rules = generate_rules(sets, o);
  // ab: a=>b, b=>a; ac: a=>c, c=>a; bc: b=>c, c=>b; abc: bc=>a, ac=>b, ab=>c.
  EXPECT_EQ(rules.size(), 9U);

  const auto& ca = rule_of(rules, sets, {kC}, {kA});
  EXPECT_EQ(ca.count, 3U);
  EXPECT_DOUBLE_EQ(ca.support, 0.6);
  EXPECT_DOUBLE_EQ(ca.coverage, 0.6);
  EXPECT_DOUBLE_EQ(ca.confidence, 1.0);
  EXPECT_DOUBLE_EQ(ca.lift, 1.25);
  EXPECT_NEAR(ca.leverage, 0.6 - 0.6 * 0.8, 1e-15);
  EXPECT_TRUE(std::isinf(ca.conviction) && ca.conviction > 0);

  const auto& ac = rule_of(rules, sets, {kA}, {kC});
  EXPECT_DOUBLE_EQ(ac.confidence, 0.75);
  EXPECT_DOUBLE_EQ(ac.lift, 1.25);
  EXPECT_NEAR(ac.leverage, 0.12, 1e-15);
  EXPECT_NEAR(ac.conviction, 1.6, 1e-15);  // (1 - 0.6) / (1 - 0.75)

  const auto& bc = rule_of(rules, sets, {kB}, {kC});
  EXPECT_DOUBLE_EQ(bc.support, 0.4);
  EXPECT_DOUBLE_EQ(bc.confidence, 0.5);
  EXPECT_NEAR(bc.lift, 0.5 / 0.6, 1e-15);
  EXPECT_NEAR(bc.leverage, -0.08, 1e-15);  // negatively associated
  EXPECT_NEAR(bc.conviction, 0.8, 1e-15);

  const auto& bca = rule_of(rules, sets, {kB, kC}, {kA});
  EXPECT_DOUBLE_EQ(bca.confidence, 1.0);
  EXPECT_EQ(sets.items(bca.itemset).size(), 3U);
}

TEST(Rules, ConfidenceThresholdIsInclusive) {
  auto sets = mine_five();
  RuleOptions o;
  o.min_confidence = 0.5;  // b=>c has exactly 0.5
  EXPECT_EQ(generate_rules(sets, o).size(), 9U);
  o.min_confidence = 0.7;  // a=>b, b=>a, a=>c (0.75), c=>a, bc=>a (1)
  EXPECT_EQ(generate_rules(sets, o).size(), 5U);
}

TEST(Rules, MultiItemConsequents) {
  auto sets = mine_five();
  RuleOptions o;
  o.min_confidence = 0.5;
  o.max_consequent = 2;
  auto rules = generate_rules(sets, o);
  // The 9 one-item rules plus a=>bc (0.5), b=>ac (0.5), c=>ab (2/3).
  EXPECT_EQ(rules.size(), 12U);
  const auto& abc = rule_of(rules, sets, {kA}, {kB, kC});
  EXPECT_DOUBLE_EQ(abc.support, 0.4);
  EXPECT_DOUBLE_EQ(abc.confidence, 0.5);
  EXPECT_DOUBLE_EQ(abc.lift, 1.25);  // 0.5 / supp(bc) = 0.5 / 0.4
  EXPECT_NEAR(abc.leverage, 0.4 - 0.8 * 0.4, 1e-15);
  EXPECT_NEAR(abc.conviction, 1.2, 1e-15);  // (1 - 0.4) / (1 - 0.5)
  const auto& cab = rule_of(rules, sets, {kC}, {kA, kB});
  EXPECT_NEAR(cab.confidence, 2.0 / 3.0, 1e-15);
  EXPECT_NEAR(cab.lift, (2.0 / 3.0) / 0.6, 1e-15);

  // At 0.6, b=>c fails; of the two-item consequents only c=>ab (2/3) passes.
  o.min_confidence = 0.6;
  rules = generate_rules(sets, o);
  EXPECT_EQ(rules.size(), 9U);
  std::size_t two = 0;
  for (const auto& r : rules) two += sets.items(r.consequent).size() == 2 ? 1 : 0;
  EXPECT_EQ(two, 1U);
  // Documented order: by itemset index, then consequent index.
  for (std::size_t k = 1; k < rules.size(); ++k) {
    ASSERT_TRUE(std::tie(rules[k - 1].itemset, rules[k - 1].consequent) <
                std::tie(rules[k].itemset, rules[k].consequent));
  }
}

TEST(Rules, ConsequentFilter) {
  auto sets = mine_five();
  RuleOptions o;
  o.min_confidence = 0.0;
  o.consequent_items = {kA};
  auto rules = generate_rules(sets, o);
  ASSERT_EQ(rules.size(), 3U);  // b=>a, c=>a, bc=>a
  for (const auto& r : rules) {
    EXPECT_EQ(Items(sets.items(r.consequent).begin(), sets.items(r.consequent).end()), Items{kA});
  }
}

TEST(Rules, SortFilterAndItemFilter) {
  auto sets = mine_five();
  RuleOptions o;
  o.min_confidence = 0.0;
  o.max_consequent = 2;
  auto rules = generate_rules(sets, o);
  for (auto m : {Measure::kSupport, Measure::kCoverage, Measure::kConfidence, Measure::kLift,
                 Measure::kLeverage, Measure::kConviction}) {
    auto sorted = rules;
    sort_rules(sorted, m);
    for (std::size_t k = 1; k < sorted.size(); ++k) {
      ASSERT_GE(measure_value(sorted[k - 1], m), measure_value(sorted[k], m));
    }
    auto again = rules;
    std::reverse(again.begin(), again.end());
    sort_rules(again, m);
    for (std::size_t k = 0; k < sorted.size(); ++k) {
      ASSERT_EQ(sorted[k].antecedent, again[k].antecedent) << measure_name(m);
      ASSERT_EQ(sorted[k].consequent, again[k].consequent) << measure_name(m);
    }
    EXPECT_EQ(parse_measure(measure_name(m)), m);
  }
  EXPECT_FALSE(parse_measure("Lift").has_value());

  auto strong = rules;
  filter_rules(strong, Measure::kLift, 1.2);
  for (const auto& r : strong) EXPECT_GE(r.lift, 1.2);
  EXPECT_LT(strong.size(), rules.size());

  auto with_c = rules;
  filter_rules_by_item(with_c, sets, kC, RuleSide::kConsequent);
  for (const auto& r : with_c) {
    auto y = sets.items(r.consequent);
    EXPECT_TRUE(std::binary_search(y.begin(), y.end(), kC));
  }
  EXPECT_EQ(with_c.size(), 5U);  // a=>c, b=>c, ab=>c, a=>bc, b=>ac
}

TEST(Rules, RejectsBadOptions) {
  auto sets = mine_five();
  RuleOptions o;
  o.min_confidence = 1.5;
  EXPECT_THROW(generate_rules(sets, o), Error);
  o.min_confidence = 0.5;
  o.max_consequent = 0;
  EXPECT_THROW(generate_rules(sets, o), Error);
  o.max_consequent = 1;
  try {
    generate_rules(mine_five(ItemsetTarget::kClosed), o);
    ADD_FAILURE() << "rules from closed itemsets accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.field(), "target");
  }
}

// A small deterministic pseudo-random generator, so the cases are the same everywhere.
struct SplitMix {
  std::uint64_t state;
  std::uint64_t next() {
    std::uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
};

// Both algorithms against brute force over every subset of 12 items, and rules against brute
// force over every (X, Y) split.
TEST(Mining, AgreesWithBruteForceOnRandomBaskets) {
  constexpr int kItems = 12;
  for (std::uint64_t seed = 1; seed <= 6; ++seed) {
    SplitMix rng{seed};
    BasketSet baskets;
    std::vector<std::uint32_t> masks;
    for (int b = 0; b < 300; ++b) {
      std::vector<ItemId> items;
      std::uint32_t mask = 0;
      for (int i = 0; i < kItems; ++i) {
        // Skewed popularity: item i is in a basket with probability about 0.6 / (1 + i / 3).
        if (rng.next() % 1000 < static_cast<std::uint64_t>(600 * 3 / (3 + i))) {
          items.push_back(static_cast<ItemId>(i));
          mask |= 1U << i;
        }
      }
      baskets.add(items);
      masks.push_back(mask);
    }
    std::vector<std::uint32_t> count(1U << kItems, 0);
    for (std::uint32_t s = 1; s < count.size(); ++s) {
      for (auto m : masks) count[s] += (m & s) == s ? 1 : 0;
    }
    for (std::uint32_t min_count : {3U, 15U, 40U}) {
      for (std::size_t max_length : {std::size_t{0}, std::size_t{3}}) {
        std::vector<std::pair<Items, std::uint32_t>> expected;
        for (std::uint32_t s = 1; s < count.size(); ++s) {
          auto size = static_cast<std::size_t>(std::popcount(s));
          if (count[s] < min_count || (max_length != 0 && size > max_length)) continue;
          Items items;
          for (int i = 0; i < kItems; ++i) {
            if (s >> i & 1) items.push_back(static_cast<ItemId>(i));
          }
          expected.emplace_back(items, count[s]);
        }
        std::sort(expected.begin(), expected.end(), [](const auto& x, const auto& y) {
          return x.first.size() != y.first.size() ? x.first.size() < y.first.size()
                                                  : x.first < y.first;
        });
        for (auto algorithm : {MiningAlgorithm::kEclat, MiningAlgorithm::kFpGrowth}) {
          MiningOptions o;
          o.min_support = MinSupport::count(min_count);
          o.max_length = max_length;
          o.algorithm = algorithm;
          auto sets = mine_frequent_itemsets(baskets, o);
          ASSERT_EQ(listed(sets), expected) << "seed " << seed << " min " << min_count;

          if (max_length != 0) continue;
          RuleOptions ro;
          ro.min_confidence = 0.6;
          ro.max_consequent = 3;
          auto rules = generate_rules(sets, ro);
          std::map<std::pair<std::uint32_t, std::uint32_t>, double> want;
          for (std::uint32_t z = 1; z < count.size(); ++z) {
            if (count[z] < min_count || std::popcount(z) < 2) continue;
            for (std::uint32_t y = (z - 1) & z; y > 0; y = (y - 1) & z) {
              auto x = z & ~y;
              if (std::popcount(y) > 3 || x == 0) continue;
              double conf = static_cast<double>(count[z]) / count[x];
              if (conf >= 0.6) want[{x, y}] = conf;
            }
          }
          ASSERT_EQ(rules.size(), want.size()) << "seed " << seed << " min " << min_count;
          for (const auto& r : rules) {
            std::uint32_t x = 0;
            std::uint32_t y = 0;
            for (auto id : sets.items(r.antecedent)) x |= 1U << id;
            for (auto id : sets.items(r.consequent)) y |= 1U << id;
            auto it = want.find({x, y});
            ASSERT_NE(it, want.end());
            EXPECT_DOUBLE_EQ(r.confidence, it->second);
            EXPECT_DOUBLE_EQ(r.lift, it->second / (static_cast<double>(count[y]) / 300.0));
          }
        }
      }
    }
  }
}

}  // namespace
}  // namespace rapport::analytics::basket
