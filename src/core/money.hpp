#pragma once
// Money in Rapport: an integer count of minor units (cents, fen, yen) and an ISO 4217 currency
// code; never a double. Amounts are bounded by kMaxMoneyMinor so that every amount the API
// returns is an exact JSON number for clients that read numbers as IEEE doubles (JavaScript).
#include <cstdint>
#include <string>
#include <string_view>

namespace rapport {

// 2^53 - 1: the largest integer a double holds exactly.
inline constexpr std::int64_t kMaxMoneyMinor = 9'007'199'254'740'991;

// True for three upper-case ASCII letters (the shape of an ISO 4217 code; the list of codes in
// use changes, so the shape is what we check). Throws nothing.
bool is_currency_code(std::string_view code) noexcept;
// Throws invalid_argument naming `field` unless is_currency_code(code).
void check_currency(std::string_view field, std::string_view code);

// Digits after the decimal point of a currency: 0 for JPY, KRW, ...; 3 for BHD, KWD, ...; 2
// otherwise (ISO 4217 minor units of the codes in use).
int currency_exponent(std::string_view code) noexcept;

// "45.90 USD", "1200 JPY", "-0.05 EUR": for people (timeline text), not for machines.
std::string format_money(std::int64_t minor, std::string_view currency);

}  // namespace rapport
