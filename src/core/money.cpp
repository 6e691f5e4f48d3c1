#include "core/money.hpp"

#include <array>

#include "core/error.hpp"

namespace rapport {

bool is_currency_code(std::string_view code) noexcept {
  if (code.size() != 3) return false;
  for (char c : code) {
    if (c < 'A' || c > 'Z') return false;
  }
  return true;
}

void check_currency(std::string_view field, std::string_view code) {
  if (!is_currency_code(code)) {
    throw_invalid(std::string(field), "must be an ISO 4217 currency code such as USD or CNY");
  }
}

int currency_exponent(std::string_view code) noexcept {
  static constexpr std::array<std::string_view, 16> kZero = {
      "BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW",
      "PYG", "RWF", "UGX", "UYI", "VND", "VUV", "XAF", "XOF"};
  static constexpr std::array<std::string_view, 7> kThree = {"BHD", "IQD", "JOD", "KWD",
                                                             "LYD", "OMR", "TND"};
  for (auto c : kZero) {
    if (c == code) return 0;
  }
  for (auto c : kThree) {
    if (c == code) return 3;
  }
  return 2;
}

std::string format_money(std::int64_t minor, std::string_view currency) {
  const int exp = currency_exponent(currency);
  const bool negative = minor < 0;
  // Through unsigned arithmetic so that INT64_MIN does not overflow on negation.
  std::uint64_t magnitude =
      negative ? ~static_cast<std::uint64_t>(minor) + 1 : static_cast<std::uint64_t>(minor);
  std::string digits = std::to_string(magnitude);
  if (exp > 0) {
    if (digits.size() <= static_cast<std::size_t>(exp)) {
      digits.insert(0, static_cast<std::size_t>(exp) + 1 - digits.size(), '0');
    }
    digits.insert(digits.size() - static_cast<std::size_t>(exp), ".");
  }
  std::string out = negative ? "-" + digits : digits;
  out += ' ';
  out += currency;
  return out;
}

}  // namespace rapport
