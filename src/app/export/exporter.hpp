#pragma once
// Streaming exports of customers and orders to CSV and XLSX, in constant memory: rows are read
// from one query in id order and written as they come (XLSX through libxlsxwriter's
// constant_memory mode, which flushes each row to disk), so 1M rows cost no more memory than 10.
//
// CSV is RFC 4180 with a header line, UTF-8 without BOM, "\r\n" line ends; text cells a
// spreadsheet would run as formulas are neutralised (core/spreadsheet_cell.hpp). XLSX cells are
// typed: numbers as numbers, text as (inline) string cells, which spreadsheets never evaluate.
// Money is written in major units with the currency's two decimals ("12.50") next to its code;
// times in RFC 3339 UTC.
//
// Live records only (not soft-deleted or merged customers).
// Requires Permission::kExport. Errors: forbidden; unavailable when the output cannot be
// written. Thread-safety: runs on the caller's thread with its reader connection.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "app/caller.hpp"
#include "store/database.hpp"

namespace rapport::app {

enum class ExportTable { kCustomers, kOrders };
enum class ExportFormat { kCsv, kXlsx };
std::optional<ExportTable> parse_export_table(std::string_view name) noexcept;
std::optional<ExportFormat> parse_export_format(std::string_view name) noexcept;

// Writes CSV text in pieces to `sink` (each call a chunk of about 64 KiB; the caller may send
// it on and forget it). Returns the number of rows.
std::int64_t export_csv(store::Database& db, const Caller& caller, ExportTable table,
                        const std::function<void(std::string_view)>& sink);

// Writes the export to the file `path` (replaced). Returns the number of rows.
std::int64_t export_file(store::Database& db, const Caller& caller, ExportTable table,
                         ExportFormat format, const std::string& path);

}  // namespace rapport::app
