#include "analytics/basket/itemset_collector.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <limits>
#include <numeric>
#include <string>
#include <utility>

#include "analytics/basket/itemset_hash.hpp"
#include "core/error.hpp"

namespace rapport::analytics::basket {

namespace {

// LSD radix sort by key, a byte at a time, skipping bytes that are equal in every key. Stable.
void radix_sort(std::vector<std::pair<std::uint64_t, std::uint32_t>>& keys) {
  std::vector<std::pair<std::uint64_t, std::uint32_t>> buffer(keys.size());
  for (unsigned shift = 0; shift < 64; shift += 8) {
    std::array<std::size_t, 257> start{};
    for (const auto& k : keys) ++start[((k.first >> shift) & 0xFF) + 1];
    if (std::any_of(start.begin() + 1, start.end(),
                    [&](std::size_t c) { return c == keys.size(); })) {
      continue;
    }
    std::partial_sum(start.begin(), start.end(), start.begin());
    for (const auto& k : keys) buffer[start[(k.first >> shift) & 0xFF]++] = k;
    keys.swap(buffer);
  }
}

}  // namespace

void ItemsetCollector::add(std::span<const ItemId> items, std::uint32_t count) {
  if (max_itemsets_ != 0 && counts_.size() >= max_itemsets_) {
    throw_invalid("max_itemsets", "more than " + std::to_string(max_itemsets_) +
                                      " frequent itemsets; raise the minimum support or set a "
                                      "maximum length");
  }
  constexpr auto limit = std::numeric_limits<std::uint32_t>::max();
  if (counts_.size() >= limit - 1 || items_.size() + items.size() >= limit) {
    throw_invalid("min_support", "too many frequent itemsets; raise the minimum support");
  }
  auto begin = items_.size();
  items_.insert(items_.end(), items.begin(), items.end());
  std::sort(items_.begin() + static_cast<std::ptrdiff_t>(begin), items_.end());
  offsets_.push_back(static_cast<std::uint32_t>(items_.size()));
  counts_.push_back(count);
}

FrequentItemsets ItemsetCollector::finish(std::size_t basket_count, std::uint32_t min_count,
                                          std::size_t max_length, ItemsetTarget target) {
  auto span_of = [this](std::uint32_t i) {
    return std::span<const ItemId>(items_.data() + offsets_[i], offsets_[i + 1] - offsets_[i]);
  };
  ItemId largest = 0;
  for (auto id : items_) largest = std::max(largest, id);
  std::size_t longest = 0;
  for (std::uint32_t i = 0; i < counts_.size(); ++i) {
    longest = std::max<std::size_t>(longest, offsets_[i + 1] - offsets_[i]);
  }
  const auto bits = std::max(1U, static_cast<unsigned>(std::bit_width(largest)));
  const auto size_bits = static_cast<unsigned>(std::bit_width(longest));
  std::vector<std::uint32_t> order(counts_.size());
  if (longest * bits + size_bits <= 64) {
    // Every itemset fits in one 64-bit key (size on top, then the items, first item highest),
    // so the canonical order is the order of the keys: radix sort them.
    std::vector<std::pair<std::uint64_t, std::uint32_t>> keys(counts_.size());
    for (std::uint32_t i = 0; i < keys.size(); ++i) {
      auto s = span_of(i);
      std::uint64_t packed = 0;
      for (auto id : s) packed = (packed << bits) | id;
      // Shifting the size above the longest itemset's items aligns all sizes.
      packed |= static_cast<std::uint64_t>(s.size()) << (longest * bits);
      keys[i] = {packed, i};
    }
    radix_sort(keys);
    for (std::size_t i = 0; i < keys.size(); ++i) order[i] = keys[i].second;
  } else {
    std::iota(order.begin(), order.end(), 0U);
    std::sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) {
      auto x = span_of(a);
      auto y = span_of(b);
      if (x.size() != y.size()) return x.size() < y.size();
      return std::lexicographical_compare(x.begin(), x.end(), y.begin(), y.end());
    });
  }

  FrequentItemsets out;
  out.basket_count_ = basket_count;
  out.min_count_ = min_count;
  out.max_length_ = max_length;
  out.target_ = ItemsetTarget::kFrequent;
  out.items_.reserve(items_.size());
  out.offsets_.reserve(order.size() + 1);
  out.counts_.reserve(order.size());
  for (auto i : order) {
    auto s = span_of(i);
    out.items_.insert(out.items_.end(), s.begin(), s.end());
    out.offsets_.push_back(static_cast<std::uint32_t>(out.items_.size()));
    out.counts_.push_back(counts_[i]);
  }
  items_ = {};
  offsets_ = {0};
  counts_ = {};
  build_index(out);
  if (target == ItemsetTarget::kFrequent) return out;

  // An itemset is not closed when some one-item extension has its count (a larger superset
  // with the same count implies such an extension, by anti-monotonicity), and not maximal when
  // it has any frequent one-item extension. Every frequent extension is in `out`, so scanning
  // each itemset's (k-1)-subsets marks exactly the itemsets that fail.
  std::vector<bool> extended(out.size(), false);
  std::vector<bool> same_count_extension(out.size(), false);
  std::vector<ItemId> subset;
  for (std::size_t y = 0; y < out.size(); ++y) {
    auto items = out.items(y);
    if (items.size() < 2) continue;
    for (std::size_t skip = 0; skip < items.size(); ++skip) {
      subset.clear();
      for (std::size_t k = 0; k < items.size(); ++k) {
        if (k != skip) subset.push_back(items[k]);
      }
      auto x = out.find(subset);
      if (!x) continue;  // cannot happen for a complete result; tolerated, not asserted
      extended[*x] = true;
      if (out.count(*x) == out.count(y)) same_count_extension[*x] = true;
    }
  }
  std::vector<bool> keep(out.size());
  for (std::size_t i = 0; i < out.size(); ++i) {
    keep[i] = target == ItemsetTarget::kClosed ? !same_count_extension[i] : !extended[i];
  }
  auto filtered = keep_only(out, keep);
  filtered.target_ = target;
  return filtered;
}

FrequentItemsets ItemsetCollector::keep_only(const FrequentItemsets& sets,
                                             const std::vector<bool>& keep) {
  FrequentItemsets out;
  out.basket_count_ = sets.basket_count_;
  out.min_count_ = sets.min_count_;
  out.max_length_ = sets.max_length_;
  for (std::size_t i = 0; i < sets.size(); ++i) {
    if (!keep[i]) continue;
    auto s = sets.items(i);
    out.items_.insert(out.items_.end(), s.begin(), s.end());
    out.offsets_.push_back(static_cast<std::uint32_t>(out.items_.size()));
    out.counts_.push_back(sets.count(i));
  }
  build_index(out);
  return out;
}

void ItemsetCollector::build_index(FrequentItemsets& sets) {
  // Load factor at most 1/2 keeps linear probing short.
  std::size_t capacity = std::bit_ceil(std::max<std::size_t>(16, sets.size() * 2));
  sets.slots_.assign(capacity, 0);
  auto mask = capacity - 1;
  for (std::size_t i = 0; i < sets.size(); ++i) {
    auto slot = static_cast<std::size_t>(hash_itemset(sets.items(i))) & mask;
    while (sets.slots_[slot] != 0) slot = (slot + 1) & mask;
    sets.slots_[slot] = static_cast<std::uint32_t>(i + 1);
  }
}

}  // namespace rapport::analytics::basket
