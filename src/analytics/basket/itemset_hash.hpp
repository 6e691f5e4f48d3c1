#pragma once
// The hash of an itemset (its ascending item ids), shared by the index builder and find().
#include <cstdint>
#include <span>

#include "analytics/basket/item_dictionary.hpp"

namespace rapport::analytics::basket {

inline std::uint64_t hash_itemset(std::span<const ItemId> items) noexcept {
  // Multiply-xorshift per item: cheap, and mixes well enough for linear probing on small ids.
  std::uint64_t h = 0x9E3779B97F4A7C15ULL ^ items.size();
  for (ItemId id : items) {
    h = (h ^ id) * 0xFF51AFD7ED558CCDULL;
    h ^= h >> 32;
  }
  return h;
}

}  // namespace rapport::analytics::basket
