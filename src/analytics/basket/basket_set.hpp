#pragma once
// BasketSet: the transactions to mine, as sets of item ids stored back to back (one allocation
// for all items, one for the basket boundaries), which is what the miners scan.
//
// A basket is a set: add() sorts its items and drops duplicates, so a product scanned twice on
// one receipt counts once, as in arules. Empty baskets are kept and count towards the number of
// baskets (the denominator of relative support).
//
// Thread-safety: const methods may be called concurrently; add() and reserve() need exclusive
// access.
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "analytics/basket/item_dictionary.hpp"

namespace rapport::analytics::basket {

class BasketSet {
 public:
  // Appends one basket made of `items` (in any order, duplicates allowed).
  void add(std::span<const ItemId> items);

  // Capacity hints; optional.
  void reserve(std::size_t baskets, std::size_t item_occurrences);

  std::size_t size() const noexcept { return offsets_.size() - 1; }
  bool empty() const noexcept { return size() == 0; }

  // The items of basket `i`, ascending and distinct. REQUIRES: i < size().
  std::span<const ItemId> basket(std::size_t i) const {
    return {items_.data() + offsets_[i], offsets_[i + 1] - offsets_[i]};
  }

  // One more than the largest item id in any basket (0 when there are no items): the size of
  // an array indexed by item id.
  std::size_t item_bound() const noexcept { return item_bound_; }

  // Total number of (basket, item) pairs after duplicates were dropped.
  std::size_t item_occurrences() const noexcept { return items_.size(); }

 private:
  std::vector<ItemId> items_;
  std::vector<std::size_t> offsets_{0};
  std::size_t item_bound_ = 0;
};

}  // namespace rapport::analytics::basket
