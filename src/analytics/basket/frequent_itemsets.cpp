#include "analytics/basket/frequent_itemsets.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "analytics/basket/itemset_collector.hpp"
#include "analytics/basket/itemset_hash.hpp"
#include "analytics/basket/mining_algorithms.hpp"
#include "core/error.hpp"

namespace rapport::analytics::basket {

std::uint32_t MinSupport::min_count(std::size_t basket_count) const {
  if (absolute_) {
    if (count_ == 0) throw_invalid("min_count", "must be at least 1 basket");
    return count_;
  }
  // NaN fails both comparisons, so it is rejected too.
  if (!(share_ > 0.0 && share_ <= 1.0)) {
    throw_invalid("min_support",
                  "must be a fraction of the baskets in (0, 1], got " + std::to_string(share_));
  }
  double exact = share_ * static_cast<double>(basket_count);
  double needed = std::ceil(exact - 1e-9 * std::max(1.0, exact));
  return static_cast<std::uint32_t>(std::max(1.0, needed));
}

std::optional<std::size_t> FrequentItemsets::find(std::span<const ItemId> items) const {
  if (slots_.empty()) return std::nullopt;
  auto mask = slots_.size() - 1;
  auto slot = static_cast<std::size_t>(hash_itemset(items)) & mask;
  while (auto entry = slots_[slot]) {
    std::size_t i = entry - 1;
    auto begin = offsets_[i];
    // Itemsets are short: a plain loop beats a call to memcmp.
    if (offsets_[i + 1] - begin == items.size()) {
      std::size_t k = 0;
      while (k < items.size() && items_[begin + k] == items[k]) ++k;
      if (k == items.size()) return i;
    }
    slot = (slot + 1) & mask;
  }
  return std::nullopt;
}

FrequentItemsets mine_frequent_itemsets(const BasketSet& baskets, const MiningOptions& options) {
  // Counts, and positions in the miners' flat copies of the baskets (items plus one end marker
  // per basket), are 32-bit.
  if (baskets.size() + baskets.item_occurrences() >= std::numeric_limits<std::uint32_t>::max()) {
    throw_invalid("baskets",
                  "too many baskets or item occurrences for one mining run (the "
                  "limit is 2^32 - 2 for both together)");
  }
  auto min_count = options.min_support.min_count(baskets.size());

  std::vector<bool> allowed;
  if (!options.include_items.empty() || !options.exclude_items.empty()) {
    allowed.assign(baskets.item_bound(), options.include_items.empty());
    for (auto id : options.include_items) {
      if (id < allowed.size()) allowed[id] = true;
    }
    for (auto id : options.exclude_items) {
      if (id < allowed.size()) allowed[id] = false;
    }
  }

  ItemsetCollector collector(options.max_itemsets);
  switch (options.algorithm) {
    case MiningAlgorithm::kFpGrowth:
      mine_by_fp_growth(baskets, min_count, options.max_length, allowed, collector);
      break;
    case MiningAlgorithm::kEclat:
      mine_by_eclat(baskets, min_count, options.max_length, allowed, collector);
      break;
  }
  return collector.finish(baskets.size(), min_count, options.max_length, options.target);
}

}  // namespace rapport::analytics::basket
