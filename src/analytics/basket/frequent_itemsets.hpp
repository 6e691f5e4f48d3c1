#pragma once
// Frequent itemset mining (Eclat or FP-growth) and its result, FrequentItemsets.
//
// An itemset is frequent when at least `min_count` baskets contain all of its items; its support
// is that count divided by the number of baskets. mine_frequent_itemsets() finds every frequent
// itemset (optionally only the closed or the maximal ones), with its exact count.
//
// Output order (deterministic, independent of the algorithm and of threads): itemsets by size,
// then lexicographically by their item ids; the items of each itemset ascending by id.
// Because ids follow the order of first appearance in the input (ItemDictionary), the same input
// always gives byte-identical output.
//
// Thread-safety: mine_frequent_itemsets() is pure and re-entrant; a FrequentItemsets is immutable
// after construction, so its const methods may be called concurrently.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "analytics/basket/basket_set.hpp"
#include "analytics/basket/item_dictionary.hpp"

namespace rapport::analytics::basket {

// The minimum support, as a fraction of the baskets (what arules calls `supp`) or as an
// absolute number of baskets.
class MinSupport {
 public:
  // REQUIRES (checked when used, rapport::Error invalid_argument, field "min_support"):
  // 0 < share <= 1.
  static MinSupport fraction(double share) { return MinSupport(share, 0, false); }
  // REQUIRES (checked when used, field "min_count"): count >= 1.
  static MinSupport count(std::uint32_t count) { return MinSupport(0.0, count, true); }

  // The smallest basket count a frequent itemset needs among `basket_count` baskets:
  // ceil(share * basket_count) (at least 1), with a relative tolerance of 1e-9 so that decimal
  // fractions that are not exact in binary (0.001 * 1000) do not round up to the next integer.
  // Errors: rapport::Error (invalid_argument) on a value outside the ranges above.
  std::uint32_t min_count(std::size_t basket_count) const;

 private:
  MinSupport(double share, std::uint32_t count, bool absolute)
      : share_(share), count_(count), absolute_(absolute) {}
  double share_;
  std::uint32_t count_;
  bool absolute_;
};

enum class ItemsetTarget {
  kFrequent,  // every frequent itemset
  kClosed,    // frequent itemsets with no proper superset of the same count
  kMaximal,   // frequent itemsets with no frequent proper superset
};

enum class MiningAlgorithm {
  // Eclat (Zaki 2000) on bit vectors over each item's baskets: the faster one on the reference
  // data (bench/basket measures both), hence the default.
  kEclat,
  // FP-growth (Han, Pei & Yin 2000).
  kFpGrowth,
};

struct MiningOptions {
  MinSupport min_support = MinSupport::fraction(0.1);  // the arules default
  // Largest itemset size to mine; 0 = no limit. With a limit, "closed" and "maximal" are judged
  // among the itemsets of at most that size (as Borgelt's apriori and arules do).
  std::size_t max_length = 0;
  ItemsetTarget target = ItemsetTarget::kFrequent;
  // Item filters. When `include_items` is non-empty only those items take part; items in
  // `exclude_items` never do. Counts of the itemsets that remain are unaffected (the baskets
  // are still all counted).
  std::vector<ItemId> include_items;
  std::vector<ItemId> exclude_items;
  // A guard for callers that take the threshold from users (the CLI, the API): mining stops
  // with rapport::Error (invalid_argument, field "max_itemsets") once more itemsets than this
  // are found, instead of exhausting memory (a basket of 40 items alone has 2^40 subsets).
  // 0 = no limit.
  std::size_t max_itemsets = 0;
  // Both algorithms give identical results (a test checks it); only speed and memory differ.
  MiningAlgorithm algorithm = MiningAlgorithm::kEclat;
};

// The mined itemsets, stored back to back. Index i in [0, size()) names an itemset; rules refer
// to itemsets by index.
class FrequentItemsets {
 public:
  FrequentItemsets() = default;

  std::size_t size() const noexcept { return counts_.size(); }
  bool empty() const noexcept { return counts_.empty(); }

  // The items of itemset `i`, ascending by id. REQUIRES: i < size().
  std::span<const ItemId> items(std::size_t i) const {
    return {items_.data() + offsets_[i], offsets_[i + 1] - offsets_[i]};
  }
  // The number of baskets containing itemset `i`. REQUIRES: i < size().
  std::uint32_t count(std::size_t i) const { return counts_[i]; }
  // count(i) / basket_count(). REQUIRES: i < size().
  double support(std::size_t i) const {
    return static_cast<double>(counts_[i]) / static_cast<double>(basket_count_);
  }

  // The index of the itemset whose items are `items` (ascending, distinct), or nullopt when it
  // is not in this set. O(|items|) expected.
  std::optional<std::size_t> find(std::span<const ItemId> items) const;

  // Number of baskets mined (the denominator of support) and the count threshold used.
  std::size_t basket_count() const noexcept { return basket_count_; }
  std::uint32_t min_count() const noexcept { return min_count_; }
  ItemsetTarget target() const noexcept { return target_; }
  // The largest itemset size mined (0 = no limit), as given in MiningOptions.
  std::size_t max_length() const noexcept { return max_length_; }

 private:
  friend class ItemsetCollector;

  std::vector<ItemId> items_;
  std::vector<std::uint32_t> offsets_{0};
  std::vector<std::uint32_t> counts_;
  // Open-addressing hash index: slot holds itemset index + 1, 0 = empty; size a power of two.
  std::vector<std::uint32_t> slots_;
  std::size_t basket_count_ = 0;
  std::uint32_t min_count_ = 1;
  ItemsetTarget target_ = ItemsetTarget::kFrequent;
  std::size_t max_length_ = 0;
};

// Mines the frequent itemsets of `baskets` with options.algorithm (Eclat by default).
// Errors: rapport::Error (invalid_argument) on an invalid minimum support, past
// options.max_itemsets, and when baskets plus item occurrences, or itemsets, reach 2^32 - 1
// (counts and indexes are 32-bit). An item filter naming an id no basket holds is not an error:
// it matches nothing.
// Cost: the output (about 20 bytes per itemset plus its items, and a hash index) plus working
// memory: for Eclat a copy of the baskets and, per item a, one bit per basket holding a for each
// item frequent together with a (one level per itemset size); for FP-growth one FP-tree per
// itemset size. Time grows with the number of frequent itemsets and the sizes of the baskets
// that hold them. Closed and maximal are filtered from all frequent itemsets, so they cost as
// much as mining all of them. Groceries at 0.001: 13,492 itemsets in ~6 ms, ~1 MB.
FrequentItemsets mine_frequent_itemsets(const BasketSet& baskets, const MiningOptions& options);

}  // namespace rapport::analytics::basket
