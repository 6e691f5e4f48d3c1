// Eclat (Zaki 2000) on bit vectors over per-item projected databases: the default algorithm
// behind mine_frequent_itemsets(), because it is the fastest of the ones we measured on the
// reference data (bench/basket compares it with FP-growth on the same input).
//
// Items are ranked from rarest to most frequent, and an itemset is grown from its rarest item a.
// Every itemset that starts with a lives in the baskets holding a, T(a), so its baskets are a
// bit vector over T(a) only: a few words for rare items, which are the ones with many
// extensions; the most frequent items, whose T(a) is long, have few (only the items still more
// frequent). One scan of T(a) counts the pairs {a, b}; a second scan builds the bit vectors, only
// for the items frequent together with a, and only when there is a third level to mine.
#include <algorithm>
#include <bit>
#include <cstdint>
#include <limits>
#include <span>
#include <vector>

#include "analytics/basket/mining_algorithms.hpp"

namespace rapport::analytics::basket {
namespace {

// dst = a & b over `words` words; returns the number of bits set in dst. Cloned for CPUs with
// the POPCNT instruction (the baseline x86-64 target lacks it and counts bits in software).
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
__attribute__((target_clones("popcnt", "default")))
#endif
std::uint32_t
and_count(const std::uint64_t* a, const std::uint64_t* b, std::uint64_t* dst, std::size_t words) {
  std::uint32_t bits = 0;
  for (std::size_t k = 0; k < words; ++k) {
    dst[k] = a[k] & b[k];
    bits += static_cast<std::uint32_t>(std::popcount(dst[k]));
  }
  return bits;
}

class Eclat {
 public:
  Eclat(std::uint32_t min_count, std::size_t max_length, ItemsetCollector& out)
      : min_count_(min_count), max_length_(max_length), out_(out) {}

  void run(const BasketSet& baskets, const std::vector<bool>& allowed) {
    std::vector<std::uint32_t> counts(baskets.item_bound(), 0);
    for (std::size_t b = 0; b < baskets.size(); ++b) {
      for (auto id : baskets.basket(b)) ++counts[id];
    }
    std::vector<ItemId> frequent;
    for (ItemId id = 0; id < counts.size(); ++id) {
      if (counts[id] >= min_count_ && (allowed.empty() || allowed[id])) frequent.push_back(id);
    }
    if (frequent.empty()) return;
    // Rarest first (ties by id, for determinism).
    std::sort(frequent.begin(), frequent.end(), [&counts](ItemId a, ItemId b) {
      return counts[a] != counts[b] ? counts[a] < counts[b] : a < b;
    });
    const auto items = static_cast<std::uint32_t>(frequent.size());
    std::vector<std::uint32_t> rank(counts.size(), kNone);
    for (std::uint32_t r = 0; r < items; ++r) rank[frequent[r]] = r;
    item_id_ = frequent;

    // Horizontal layout: each basket's frequent items as ranks, ascending, closed by kNone.
    // Vertical layout: for each rank a, where each basket holding it continues after it (the
    // items still more frequent than a, which are all an itemset starting at a can add).
    std::vector<std::uint32_t> basket_items;
    std::vector<std::uint32_t> vertical_begin(items + 1, 0);
    for (std::size_t b = 0; b < baskets.size(); ++b) {
      auto first = basket_items.size();
      for (auto id : baskets.basket(b)) {
        if (rank[id] != kNone) basket_items.push_back(rank[id]);
      }
      if (basket_items.size() == first) continue;
      std::sort(basket_items.begin() + static_cast<std::ptrdiff_t>(first), basket_items.end());
      for (auto k = first; k < basket_items.size(); ++k) ++vertical_begin[basket_items[k] + 1];
      basket_items.push_back(kNone);
    }
    for (std::uint32_t r = 0; r < items; ++r) vertical_begin[r + 1] += vertical_begin[r];
    std::vector<std::uint32_t> vertical(vertical_begin.back());
    {
      std::vector<std::uint32_t> cursor(vertical_begin.begin(), vertical_begin.end() - 1);
      for (std::uint32_t p = 0; p < basket_items.size(); ++p) {
        if (basket_items[p] != kNone) vertical[cursor[basket_items[p]]++] = p + 1;
      }
    }

    for (std::uint32_t a = 0; a < items; ++a) {
      prefix_.assign(1, item_id_[a]);
      out_.add(prefix_, counts[item_id_[a]]);
    }
    if (max_length_ == 1) return;

    // Scratch sized once: a depth never outgrows the number of items.
    auto depths = max_length_ == 0 ? items + 1 : std::min<std::size_t>(items + 1, max_length_);
    levels_.resize(depths + 1);
    std::vector<std::uint32_t> pair_count(items, 0);
    std::vector<std::uint32_t> member_of(items, kNone);
    std::vector<std::uint32_t> touched;
    for (std::uint32_t a = 0; a + 1 < items; ++a) {
      // Where each basket holding a continues after a.
      std::span<const std::uint32_t> holders(vertical.data() + vertical_begin[a],
                                             vertical_begin[a + 1] - vertical_begin[a]);
      touched.clear();
      for (auto p : holders) {
        for (; basket_items[p] != kNone; ++p) {
          if (pair_count[basket_items[p]]++ == 0) touched.push_back(basket_items[p]);
        }
      }
      std::sort(touched.begin(), touched.end());
      auto& level = levels_[0];
      level.items.clear();
      level.counts.clear();
      for (auto item : touched) {
        if (pair_count[item] >= min_count_) {
          level.items.push_back(item);
          level.counts.push_back(pair_count[item]);
        }
        pair_count[item] = 0;
      }
      prefix_.assign(1, item_id_[a]);
      for (std::size_t m = 0; m < level.items.size(); ++m) {
        prefix_.push_back(item_id_[level.items[m]]);
        out_.add(prefix_, level.counts[m]);
        prefix_.pop_back();
      }
      if (level.items.size() < 2 || !room_after(2)) continue;

      // Bit vectors over T(a) for the items frequent with a.
      const std::size_t words = (holders.size() + 63) / 64;
      level.words = words;
      level.bits.assign(level.items.size() * words, 0);
      for (std::uint32_t m = 0; m < level.items.size(); ++m) member_of[level.items[m]] = m;
      for (std::size_t k = 0; k < holders.size(); ++k) {
        for (auto p = holders[k]; basket_items[p] != kNone; ++p) {
          if (auto m = member_of[basket_items[p]]; m != kNone) {
            level.bits[m * words + k / 64] |= std::uint64_t{1} << (k % 64);
          }
        }
      }
      for (auto item : level.items) member_of[item] = kNone;
      mine(0);
    }
  }

 private:
  // The extensions of one prefix: items, their counts and their bit vectors (`words` each).
  struct Level {
    std::vector<std::uint32_t> items;
    std::vector<std::uint32_t> counts;
    std::vector<std::uint64_t> bits;
    std::size_t words = 0;
  };

  // True when itemsets of `size` + 1 items are still wanted.
  bool room_after(std::size_t size) const { return max_length_ == 0 || size < max_length_; }

  // prefix_ holds the prefix P; levels_[depth] the items x with P u {x} frequent. Emits every
  // P u {x, y, ...} with two or more items from the level, recursing depth-first.
  void mine(std::size_t depth) {
    const Level& level = levels_[depth];
    Level& next = levels_[depth + 1];
    const auto words = level.words;
    const auto size = level.items.size();
    next.words = words;
    for (std::size_t i = 0; i + 1 < size; ++i) {
      prefix_.push_back(item_id_[level.items[i]]);
      next.items.clear();
      next.counts.clear();
      next.bits.resize((size - i - 1) * words);
      const auto* mine_bits = level.bits.data() + i * words;
      for (std::size_t j = i + 1; j < size; ++j) {
        auto* dst = next.bits.data() + next.items.size() * words;
        auto count = and_count(mine_bits, level.bits.data() + j * words, dst, words);
        if (count < min_count_) continue;
        next.items.push_back(level.items[j]);
        next.counts.push_back(count);
        prefix_.push_back(item_id_[level.items[j]]);
        out_.add(prefix_, count);
        prefix_.pop_back();
      }
      if (next.items.size() >= 2 && room_after(prefix_.size() + 1)) mine(depth + 1);
      prefix_.pop_back();
    }
  }

  std::uint32_t min_count_;
  std::size_t max_length_;
  ItemsetCollector& out_;
  std::vector<ItemId> item_id_;  // rank -> item id
  std::vector<ItemId> prefix_;
  std::vector<Level> levels_;
};

}  // namespace

void mine_by_eclat(const BasketSet& baskets, std::uint32_t min_count, std::size_t max_length,
                   const std::vector<bool>& allowed, ItemsetCollector& out) {
  Eclat miner(min_count, max_length, out);
  miner.run(baskets, allowed);
}

}  // namespace rapport::analytics::basket
