#include "analytics/basket/basket_set.hpp"

#include <algorithm>

namespace rapport::analytics::basket {

void BasketSet::add(std::span<const ItemId> items) {
  auto begin = items_.size();
  items_.insert(items_.end(), items.begin(), items.end());
  auto first = items_.begin() + static_cast<std::ptrdiff_t>(begin);
  std::sort(first, items_.end());
  items_.erase(std::unique(first, items_.end()), items_.end());
  if (items_.size() > begin) {
    item_bound_ = std::max(item_bound_, static_cast<std::size_t>(items_.back()) + 1);
  }
  offsets_.push_back(items_.size());
}

void BasketSet::reserve(std::size_t baskets, std::size_t item_occurrences) {
  offsets_.reserve(baskets + 1);
  items_.reserve(item_occurrences);
}

}  // namespace rapport::analytics::basket
