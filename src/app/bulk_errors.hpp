#pragma once
// Collects the failures of the items of a bulk request, so that one response lists every failed
// item (index, field, code, message) instead of only the first. Bulk requests are all or
// nothing: when any item failed, throw_if_any() throws and nothing is written.
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "core/error.hpp"

namespace rapport::app {

// "items[3]."
inline std::string item_prefix(std::size_t index) {
  return "items[" + std::to_string(index) + "].";
}

class BulkErrors {
 public:
  explicit BulkErrors(std::size_t total) : total_(total) {}

  // Records the error of item `index`; its field is already the full path ("items[3].sku").
  void add(std::size_t index, const Error& e) {
    if (!first_code_) first_code_ = e.code();
    std::string field =
        e.field().empty() ? "items[" + std::to_string(index) + "]" : std::string(e.field());
    items_.push_back(
        ErrorItem{index, std::move(field), std::string(error_code_name(e.code())), e.what()});
  }
  bool empty() const { return items_.empty(); }

  // Throws an Error whose code and field are those of the first failed item, listing them all.
  void throw_if_any() {
    if (items_.empty()) return;
    const ErrorItem& first = items_.front();
    std::string message = std::to_string(items_.size()) + " of " + std::to_string(total_) +
                          " items failed and nothing was written; the first: " + first.field + " " +
                          first.message;
    throw Error(*first_code_, std::move(message), first.field).with_items(std::move(items_));
  }

 private:
  std::size_t total_;
  std::optional<ErrorCode> first_code_;
  std::vector<ErrorItem> items_;
};

}  // namespace rapport::app
