// FP-growth (Han, Pei & Yin 2000), one of the algorithms behind mine_frequent_itemsets().
//
// Layout choices, all for speed on sparse retail data:
//  - Nodes are parallel arrays (item, count, parent, first child, next sibling) and each item's
//    nodes are listed contiguously (CSR) instead of through "node-link" pointers.
//  - The root's children are found by direct indexing; other children by a short list search.
//    The first tree is built from the baskets sorted lexicographically, so each lookup finds
//    the newest child first (children are prepended) or creates a new one.
//  - A conditional tree keeps its parent's item order (global frequency order) instead of
//    re-sorting by conditional frequency: paths stay ascending with no per-path sort.
//  - A prefix path base with a single frequent item yields its itemset without building a tree,
//    and a tree that is a single path yields all its subsets directly.
//  - One tree object per recursion depth is reused, so mining allocates only while the largest
//    trees grow.
#include <algorithm>
#include <limits>
#include <memory>
#include <numeric>
#include <span>
#include <vector>

#include "analytics/basket/mining_algorithms.hpp"

namespace rapport::analytics::basket {
namespace {

struct FpTree {
  // Nodes as parallel arrays. Parent kNone means a child of the (implicit) root; children of a
  // node form a singly linked list (first_child, next_sibling); the root's children are found
  // through root_child, indexed by item.
  std::vector<std::uint32_t> node_item;
  std::vector<std::uint32_t> node_count;
  std::vector<std::uint32_t> node_parent;
  std::vector<std::uint32_t> node_first_child;
  std::vector<std::uint32_t> node_next_sibling;
  std::vector<std::uint32_t> root_child;
  std::size_t root_children = 0;
  // Per local item (index = position in the tree's item order).
  std::vector<ItemId> item_id;
  std::vector<std::uint32_t> item_support;
  std::vector<std::uint32_t> item_begin;  // item i's nodes: item_nodes[item_begin[i] .. [i+1])
  std::vector<std::uint32_t> item_nodes;

  std::size_t item_count() const { return item_id.size(); }

  // True when the tree is one chain: then any subset of its items is frequent, with the count
  // of its deepest item (and as paths are ascending, the chain holds the items in order).
  bool is_single_path() const {
    if (root_children != 1 || node_item.size() != item_id.size()) return false;
    return std::all_of(node_next_sibling.begin(), node_next_sibling.end(),
                       [](std::uint32_t s) { return s == kNone; });
  }

  void clear_nodes() {
    node_item.clear();
    node_count.clear();
    node_parent.clear();
    node_first_child.clear();
    node_next_sibling.clear();
    root_child.assign(item_id.size(), kNone);
    root_children = 0;
  }

  std::uint32_t add_node(std::uint32_t item, std::uint32_t count, std::uint32_t parent) {
    auto node = static_cast<std::uint32_t>(node_item.size());
    node_item.push_back(item);
    node_count.push_back(count);
    node_parent.push_back(parent);
    node_first_child.push_back(kNone);
    if (parent == kNone) {
      root_child[item] = node;
      ++root_children;
      node_next_sibling.push_back(kNone);
    } else {
      // Prepending makes the newest child the first one searched: consecutive paths that share
      // a prefix (common, as they arrive roughly in pre-order) find it at once.
      node_next_sibling.push_back(node_first_child[parent]);
      node_first_child[parent] = node;
    }
    return node;
  }

  // Adds one path (ascending local items) with weight `w`.
  void insert(std::span<const std::uint32_t> path, std::uint32_t w) {
    std::uint32_t parent = kNone;
    for (auto item : path) {
      std::uint32_t child = kNone;
      if (parent == kNone) {
        child = root_child[item];
      } else {
        for (child = node_first_child[parent]; child != kNone && node_item[child] != item;
             child = node_next_sibling[child]) {
        }
      }
      if (child == kNone) {
        child = add_node(item, w, parent);
      } else {
        node_count[child] += w;
      }
      parent = child;
    }
  }

  // Lists each item's nodes contiguously (counting sort), after all paths are inserted.
  void index_nodes(std::vector<std::uint32_t>& cursor) {
    auto items = item_count();
    item_begin.assign(items + 1, 0);
    for (auto item : node_item) ++item_begin[item + 1];
    std::partial_sum(item_begin.begin(), item_begin.end(), item_begin.begin());
    item_nodes.resize(node_item.size());
    cursor.assign(item_begin.begin(), item_begin.end() - 1);
    for (std::uint32_t n = 0; n < node_item.size(); ++n) item_nodes[cursor[node_item[n]]++] = n;
  }
};

class FpGrowth {
 public:
  FpGrowth(std::uint32_t min_count, std::size_t max_length, ItemsetCollector& out)
      : min_count_(min_count), max_length_(max_length), out_(out) {}

  // Mines the baskets: finds the frequent items, builds the first tree and recurses.
  void run(const BasketSet& baskets, const std::vector<bool>& allowed) {
    std::vector<std::uint32_t> counts(baskets.item_bound(), 0);
    for (std::size_t b = 0; b < baskets.size(); ++b) {
      for (auto id : baskets.basket(b)) ++counts[id];
    }
    // Most frequent first (ties by id, for determinism): frequent items then share the top of
    // the tree and the tree stays small.
    std::vector<ItemId> frequent;
    for (ItemId id = 0; id < counts.size(); ++id) {
      if (counts[id] >= min_count_ && (allowed.empty() || allowed[id])) frequent.push_back(id);
    }
    std::sort(frequent.begin(), frequent.end(), [&counts](ItemId a, ItemId b) {
      return counts[a] != counts[b] ? counts[a] > counts[b] : a < b;
    });
    if (frequent.empty()) return;
    std::vector<std::uint32_t> rank(counts.size(), kNone);
    auto& root = tree(0);
    root.item_id.clear();
    root.item_support.clear();
    for (std::uint32_t r = 0; r < frequent.size(); ++r) {
      rank[frequent[r]] = r;
      root.item_id.push_back(frequent[r]);
      root.item_support.push_back(counts[frequent[r]]);
    }

    // Inserting the baskets in lexicographic order makes every child looked up either the
    // newest child of its parent (found first, as children are prepended) or a new node, so
    // building the first, largest tree never scans a long child list.
    std::vector<std::uint32_t> ranked;
    std::vector<std::uint32_t> begin{0};
    for (std::size_t b = 0; b < baskets.size(); ++b) {
      auto first = ranked.size();
      for (auto id : baskets.basket(b)) {
        if (rank[id] != kNone) ranked.push_back(rank[id]);
      }
      std::sort(ranked.begin() + static_cast<std::ptrdiff_t>(first), ranked.end());
      begin.push_back(static_cast<std::uint32_t>(ranked.size()));
    }
    auto path = [&](std::uint32_t b) {
      return std::span<const std::uint32_t>(ranked.data() + begin[b], begin[b + 1] - begin[b]);
    };
    std::vector<std::uint32_t> order(begin.size() - 1);
    std::iota(order.begin(), order.end(), 0U);
    std::sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) {
      auto x = path(a);
      auto y = path(b);
      return std::lexicographical_compare(x.begin(), x.end(), y.begin(), y.end());
    });
    root.clear_nodes();
    for (auto b : order) root.insert(path(b), 1);
    root.index_nodes(cursor_);
    mine(0);
  }

 private:
  FpTree& tree(std::size_t depth) {
    while (trees_.size() <= depth) trees_.push_back(std::make_unique<FpTree>());
    return *trees_[depth];
  }

  bool room_for_more() const { return max_length_ == 0 || prefix_.size() < max_length_; }

  void emit(std::uint32_t count) { out_.add(prefix_, count); }

  void mine(std::size_t depth) {
    const FpTree& t = tree(depth);
    if (t.is_single_path()) {
      for (std::size_t d = 0; d < t.item_count(); ++d) {
        prefix_.push_back(t.item_id[d]);
        emit(t.item_support[d]);
        if (room_for_more()) emit_subsets(t, d, t.item_support[d]);
        prefix_.pop_back();
      }
      return;
    }
    for (std::size_t j = 0; j < t.item_count(); ++j) {
      prefix_.push_back(t.item_id[j]);
      emit(t.item_support[j]);
      if (j > 0 && room_for_more() && build_conditional(t, j, tree(depth + 1))) mine(depth + 1);
      prefix_.pop_back();
    }
  }

  // On a single path, every subset of the items above `below` joined to the prefix has the
  // count of the deepest item already in the prefix.
  void emit_subsets(const FpTree& t, std::size_t below, std::uint32_t count) {
    for (std::size_t i = below; i-- > 0;) {
      prefix_.push_back(t.item_id[i]);
      emit(count);
      if (room_for_more()) emit_subsets(t, i, count);
      prefix_.pop_back();
    }
  }

  // Builds into `out` the tree of the prefix paths of item `j` of `t`, keeping only the items
  // frequent among them. Returns false when there is nothing left to mine in it: no item is
  // frequent, or only one is (then that one's itemset is emitted here, no tree needed).
  bool build_conditional(const FpTree& t, std::size_t j, FpTree& out) {
    std::span<const std::uint32_t> nodes(t.item_nodes.data() + t.item_begin[j],
                                         t.item_begin[j + 1] - t.item_begin[j]);
    // One walk up the tree gathers the raw paths (leaf side first) and counts their items; the
    // filtering pass then reads this contiguous copy instead of chasing parents again.
    counts_.assign(j, 0);
    raw_.clear();
    raw_begin_.assign(1, 0);
    for (auto n : nodes) {
      auto w = t.node_count[n];
      for (auto u = t.node_parent[n]; u != kNone; u = t.node_parent[u]) {
        auto item = t.node_item[u];
        counts_[item] += w;
        raw_.push_back(item);
      }
      raw_begin_.push_back(static_cast<std::uint32_t>(raw_.size()));
    }
    local_.assign(j, kNone);
    out.item_id.clear();
    out.item_support.clear();
    for (std::size_t i = 0; i < j; ++i) {
      if (counts_[i] < min_count_) continue;
      local_[i] = static_cast<std::uint32_t>(out.item_id.size());
      out.item_id.push_back(t.item_id[i]);
      out.item_support.push_back(counts_[i]);
    }
    if (out.item_id.empty()) return false;
    if (out.item_id.size() == 1) {
      prefix_.push_back(out.item_id[0]);
      emit(out.item_support[0]);
      prefix_.pop_back();
      return false;
    }

    out.clear_nodes();
    for (std::size_t k = 0; k < nodes.size(); ++k) {
      // Walking the raw path backwards puts the root side first, i.e. ascending items.
      path_.clear();
      for (auto r = raw_begin_[k + 1]; r-- > raw_begin_[k];) {
        if (auto l = local_[raw_[r]]; l != kNone) path_.push_back(l);
      }
      out.insert(path_, t.node_count[nodes[k]]);
    }
    out.index_nodes(cursor_);
    return true;
  }

  std::uint32_t min_count_;
  std::size_t max_length_;
  ItemsetCollector& out_;
  std::vector<ItemId> prefix_;
  // unique_ptr keeps each depth's tree at a fixed address while deeper ones are added.
  std::vector<std::unique_ptr<FpTree>> trees_;
  // Scratch shared by all depths: each is consumed before the recursion goes deeper.
  std::vector<std::uint32_t> path_;
  std::vector<std::uint32_t> cursor_;
  std::vector<std::uint32_t> counts_;
  std::vector<std::uint32_t> local_;
  std::vector<std::uint32_t> raw_;
  std::vector<std::uint32_t> raw_begin_;
};

}  // namespace

void mine_by_fp_growth(const BasketSet& baskets, std::uint32_t min_count, std::size_t max_length,
                       const std::vector<bool>& allowed, ItemsetCollector& out) {
  FpGrowth miner(min_count, max_length, out);
  miner.run(baskets, allowed);
}

}  // namespace rapport::analytics::basket
