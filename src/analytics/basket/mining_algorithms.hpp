#pragma once
// The mining algorithms behind mine_frequent_itemsets(); internal to the basket engine. Each
// finds every itemset of items allowed by `allowed` (empty = all) occurring in at least
// `min_count` baskets, up to `max_length` items (0 = no limit), and hands it to `out` with its
// exact count, in any order (ItemsetCollector imposes the canonical one).
#include <cstddef>
#include <cstdint>
#include <vector>

#include "analytics/basket/basket_set.hpp"
#include "analytics/basket/itemset_collector.hpp"

namespace rapport::analytics::basket {

// "No item / no node / no rank" in the algorithms' index arrays.
inline constexpr std::uint32_t kNone = UINT32_MAX;

void mine_by_fp_growth(const BasketSet& baskets, std::uint32_t min_count, std::size_t max_length,
                       const std::vector<bool>& allowed, ItemsetCollector& out);

void mine_by_eclat(const BasketSet& baskets, std::uint32_t min_count, std::size_t max_length,
                   const std::vector<bool>& allowed, ItemsetCollector& out);

}  // namespace rapport::analytics::basket
