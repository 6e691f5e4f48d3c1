#pragma once
// BasketFile: reads baskets (market-basket transactions) from a file into the basket engine's
// BasketSet and ItemDictionary.
//
// Formats (one basket per line; "\n" or "\r\n" line ends; the last line may lack its "\n"):
//  - csv:  item names separated by commas, no quoting (as ../shared/data/groceries/groceries.csv
//          and arules' read.transactions(format = "basket", sep = ",")). Names are kept byte for
//          byte, spaces included ("cream cheese " stays distinct from "cream cheese"). A UTF-8
//          byte order mark at the start of the file is skipped.
//  - fimi: item ids as decimal integers separated by spaces or tabs (the FIMI repository
//          format). Leading zeros are ignored ("007" is item "7"); runs of blanks and blanks at
//          either end of a line are allowed.
// An item repeated within a basket counts once (BasketSet drops duplicates).
//
// The file is read in fixed-size blocks, so memory is that of the result plus one line.
//
// Errors: rapport::Error (invalid_argument) with field "PATH:LINE" (1-based) on malformed input:
// an empty file, a blank line (an empty basket would silently change every relative support),
// an empty item name (",," or a trailing comma), a line that is not valid UTF-8 or holds a NUL
// byte, a line longer than `max_line_bytes`, a FIMI token that is not an id below 2^32; and
// rapport::Error (not_found / unavailable) with field "PATH" when the file cannot be opened or
// read.
//
// Thread-safety: read() is re-entrant; a BasketFile is a plain value.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "analytics/basket/basket_set.hpp"
#include "analytics/basket/item_dictionary.hpp"

namespace rapport::app {

enum class BasketFormat { kCsv, kFimi };

// "csv" or "fimi"; nullopt otherwise.
std::optional<BasketFormat> parse_basket_format(std::string_view name) noexcept;

struct BasketReadOptions {
  // Longest accepted line in bytes (without its line end). Guards against reading a binary or
  // a one-line file whole into memory.
  std::size_t max_line_bytes = std::size_t{1} << 20;
};

class BasketFile {
 public:
  static BasketFile read(const std::string& path, BasketFormat format,
                         const BasketReadOptions& options = {});

  analytics::basket::ItemDictionary items;
  analytics::basket::BasketSet baskets;
};

}  // namespace rapport::app
