#pragma once
// ItemsetCollector: gathers itemsets as a miner finds them (in whatever order the algorithm
// visits them) and turns them into a FrequentItemsets in canonical order, with its hash index,
// and filtered to the closed or maximal ones when asked. Internal to the basket engine: a second
// algorithm (Eclat, Apriori) would reuse it and get the same output order for free.
//
// Thread-safety: none; one collector per mining run.
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "analytics/basket/frequent_itemsets.hpp"

namespace rapport::analytics::basket {

class ItemsetCollector {
 public:
  // `max_itemsets`: how many itemsets add() accepts before it throws; 0 = no limit of its own.
  explicit ItemsetCollector(std::size_t max_itemsets = 0) : max_itemsets_(max_itemsets) {}

  // Records one itemset; `items` may be in any order but must be distinct.
  // Errors: rapport::Error (invalid_argument, field "max_itemsets") past max_itemsets, and
  // (field "min_support") past 2^32 - 1 itemsets or item occurrences.
  void add(std::span<const ItemId> items, std::uint32_t count);

  std::size_t size() const noexcept { return counts_.size(); }

  // Sorts, indexes and (for closed/maximal) filters what was collected. Leaves the collector
  // empty.
  FrequentItemsets finish(std::size_t basket_count, std::uint32_t min_count, std::size_t max_length,
                          ItemsetTarget target);

 private:
  static void build_index(FrequentItemsets& sets);
  static FrequentItemsets keep_only(const FrequentItemsets& sets, const std::vector<bool>& keep);

  std::size_t max_itemsets_;
  std::vector<ItemId> items_;
  std::vector<std::uint32_t> offsets_{0};
  std::vector<std::uint32_t> counts_;
};

}  // namespace rapport::analytics::basket
