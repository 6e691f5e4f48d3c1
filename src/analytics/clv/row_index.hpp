#pragma once
// Internal: an open-addressing set of (x, t_x, T) keys that numbers each distinct key densely,
// used to collapse customers with identical summaries into one weighted row. With day-resolution
// data a million customers share far fewer distinct triples (and fewer still (x, T) pairs), and
// the likelihood's cost is proportional to the distinct rows. The slots hold only row numbers
// (4 bytes) and the keys live once, densely, in the vectors that become the compressed sample.
//
// Not part of the public API. Not thread-safe (a builder used inside one call).
#include <bit>
#include <cstdint>
#include <vector>

namespace rapport::analytics::detail {

class RowIndex {
 public:
  explicit RowIndex(std::size_t expected_keys) {
    std::size_t capacity = 16;
    while (capacity < 2 * expected_keys) capacity *= 2;
    slots_.assign(capacity, kEmpty);
    mask_ = capacity - 1;
  }

  // Returns the row of the key, adding it as row `size()` when new.
  std::uint32_t find_or_add(std::int32_t x, double t_x, double age) {
    const std::uint64_t a = std::bit_cast<std::uint64_t>(t_x);
    const std::uint64_t b = std::bit_cast<std::uint64_t>(age);
    std::uint64_t h =
        (a * 0x9E3779B97F4A7C15ULL) ^ ((b + 0x632BE59BD9B4E019ULL) * 0xC2B2AE3D27D4EB4FULL) ^
        (static_cast<std::uint64_t>(static_cast<std::uint32_t>(x)) * 0x165667B19E3779F9ULL);
    h ^= h >> 31;
    for (std::size_t i = h & mask_;; i = (i + 1) & mask_) {
      const std::uint32_t row = slots_[i];
      if (row == kEmpty) {
        slots_[i] = static_cast<std::uint32_t>(x_.size());
        x_.push_back(x);
        t_x_.push_back(t_x);
        age_.push_back(age);
        return slots_[i];
      }
      if (x_[row] == x && std::bit_cast<std::uint64_t>(t_x_[row]) == a &&
          std::bit_cast<std::uint64_t>(age_[row]) == b) {
        return row;
      }
    }
  }

  std::size_t size() const { return x_.size(); }
  std::vector<std::int32_t>& x() { return x_; }
  std::vector<double>& t_x() { return t_x_; }
  std::vector<double>& age() { return age_; }

 private:
  static constexpr std::uint32_t kEmpty = 0xFFFFFFFFu;
  std::vector<std::uint32_t> slots_;
  std::size_t mask_ = 0;
  std::vector<std::int32_t> x_;
  std::vector<double> t_x_;
  std::vector<double> age_;
};

}  // namespace rapport::analytics::detail
