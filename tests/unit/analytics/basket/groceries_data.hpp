#pragma once
// Groceries (../shared/data/groceries/groceries.csv) read by the test itself, with a reader that
// shares no code with src/app/basket_file.cpp, so the engine's results are checked against
// counts made from the raw text.
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "analytics/basket/basket_set.hpp"
#include "analytics/basket/item_dictionary.hpp"

namespace rapport::analytics::basket::testing {

struct Groceries {
  std::vector<std::vector<std::string>> lines;  // each basket as written
  ItemDictionary items;
  BasketSet baskets;
};

// Loaded once per test binary; a missing file fails the test that asks for it.
inline const Groceries& groceries() {
  static const Groceries data = [] {
    Groceries g;
    std::ifstream in(std::string(RAPPORT_SHARED_DATA) + "/groceries/groceries.csv");
    std::string line;
    std::vector<ItemId> ids;
    while (std::getline(in, line)) {
      std::vector<std::string> names;
      std::size_t start = 0;
      for (;;) {
        auto comma = line.find(',', start);
        names.push_back(line.substr(start, comma - start));
        if (comma == std::string::npos) break;
        start = comma + 1;
      }
      ids.clear();
      for (const auto& n : names) ids.push_back(g.items.intern(n));
      g.baskets.add(ids);
      g.lines.push_back(std::move(names));
    }
    return g;
  }();
  return data;
}

}  // namespace rapport::analytics::basket::testing
