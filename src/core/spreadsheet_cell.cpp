#include "core/spreadsheet_cell.hpp"

namespace rapport {

namespace {

bool plain_number(std::string_view s) noexcept {
  if (s.empty()) return false;
  std::size_t i = (s[0] == '+' || s[0] == '-') ? 1 : 0;
  bool digits = false, dot = false;
  for (; i < s.size(); ++i) {
    char c = s[i];
    if (c >= '0' && c <= '9') {
      digits = true;
    } else if (c == '.' && !dot) {
      dot = true;
    } else {
      return false;
    }
  }
  return digits;
}

}  // namespace

bool is_formula_risk(std::string_view s) noexcept {
  if (s.empty()) return false;
  if (s[0] == '\t' || s[0] == '\r') return true;
  std::size_t i = 0;
  // Blanks and other control characters before the first visible character are skipped by
  // spreadsheets, so they do not make "  =1+1" safe.
  while (i < s.size() && (static_cast<unsigned char>(s[i]) <= 0x20 || s[i] == 0x7f)) ++i;
  if (i == s.size()) return false;
  char c = s[i];
  if (c != '=' && c != '+' && c != '-' && c != '@') return false;
  return !(i == 0 && plain_number(s));
}

std::string neutralize_formula(std::string_view s) {
  if (!is_formula_risk(s)) return std::string(s);
  std::string out;
  out.reserve(s.size() + 1);
  out += '\'';
  out += s;
  return out;
}

}  // namespace rapport
