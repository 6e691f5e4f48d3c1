#include "analytics/basket/item_dictionary.hpp"

#include <limits>

#include "core/error.hpp"

namespace rapport::analytics::basket {

ItemId ItemDictionary::intern(std::string_view name) {
  if (auto it = ids_.find(name); it != ids_.end()) return it->second;
  // The largest id value stays free so that callers can use it as a "no item" marker.
  if (names_.size() >= std::numeric_limits<ItemId>::max()) {
    throw_invalid("items", "too many distinct items (the limit is 2^32 - 1)");
  }
  auto id = static_cast<ItemId>(names_.size());
  names_.emplace_back(name);
  ids_.emplace(names_.back(), id);
  return id;
}

std::optional<ItemId> ItemDictionary::find(std::string_view name) const {
  if (auto it = ids_.find(name); it != ids_.end()) return it->second;
  return std::nullopt;
}

}  // namespace rapport::analytics::basket
