#pragma once
// ItemDictionary: the two-way mapping between item names (product names, SKUs, FIMI ids as
// text) and the dense integer ids the mining algorithms work on.
//
// Ids are assigned 0, 1, 2, ... in the order names are first interned, so the same input read
// the same way always gets the same ids (which keeps every output order reproducible).
// Names are kept byte for byte: "cream cheese " (with its trailing space) and "cream cheese"
// are two items.
//
// Thread-safety: const methods may be called concurrently; intern() needs exclusive access.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace rapport::analytics::basket {

using ItemId = std::uint32_t;

class ItemDictionary {
 public:
  // Returns the id of `name`, adding it with the next free id if it is new.
  // Errors: rapport::Error (invalid_argument) when 2^32 - 1 items are already known.
  ItemId intern(std::string_view name);

  // The id of `name`, or nullopt when it was never interned.
  std::optional<ItemId> find(std::string_view name) const;

  // The name of `id`. REQUIRES: id < size().
  const std::string& name(ItemId id) const { return names_[id]; }

  std::size_t size() const noexcept { return names_.size(); }

 private:
  // Transparent hashing so that find() and intern() take a string_view without allocating.
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept {
      return std::hash<std::string_view>{}(s);
    }
  };

  std::vector<std::string> names_;
  std::unordered_map<std::string, ItemId, Hash, std::equal_to<>> ids_;
};

}  // namespace rapport::analytics::basket
