#pragma once
// Row mappers of the importer (importer.hpp): one per kind of file. A mapper reads the header,
// turns a record into a validated row (parse, no database access, throws RowInvalid with the
// reason), then writes it inside the batch's transaction (write, which may still refuse a row
// on what the database holds, before writing anything for it).
//
// Exposed in a header of their own so the unit tests can drive them without files.
// Thread-safety: one mapper per import, used on one thread at a time.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app/caller.hpp"
#include "app/import/csv_reader.hpp"
#include "app/import/importer.hpp"
#include "core/time.hpp"
#include "store/connection.hpp"

namespace rapport::app {

// Why a row cannot be imported. Stays inside the importer: it becomes a reject or an Error
// naming FILE:LINE.
struct RowInvalid {
  std::string reason;
};

struct ImportCounts {
  std::int64_t created = 0;
  std::int64_t updated = 0;
  std::int64_t rejected = 0;
  std::int64_t orders = 0;
  std::int64_t customers_created = 0;
  std::int64_t products_created = 0;
};

struct ImportContext {
  store::Connection& conn;
  const Caller& caller;
  ImportCounts& counts;
  std::int64_t import_id = 0;
  std::string file;
  std::size_t line = 0;  // of the row being written
};

struct MapperSettings {
  std::string default_region = "US";
  std::string currency = "USD";
  std::string source = "import";
  std::vector<MatchRule> match;
  std::vector<std::pair<std::string, std::string>> mapping;  // header -> field (customers)
};

class RowMapper {
 public:
  virtual ~RowMapper() = default;
  virtual bool has_header() const { return true; }
  // Throws RowInvalid when the header is not one this kind reads.
  virtual void header(const CsvRecord& record) = 0;
  // Validates a record into the pending row. Throws RowInvalid.
  virtual void parse(const CsvRecord& record) = 0;
  // True when a batch may end before the row last parsed (false inside an invoice).
  virtual bool boundary() const { return true; }
  virtual void write(ImportContext& ctx) = 0;
  // Writes what is held back (the open invoice): at the end of the input.
  virtual void flush(ImportContext& /*ctx*/) {}
  // Forgets cached ids (after a rolled-back batch they may name rows that do not exist).
  virtual void reset_caches() {}
};

std::unique_ptr<RowMapper> make_row_mapper(ImportKind kind, const MapperSettings& settings);

// Parsing helpers shared by the mappers (exposed for tests).
// Decimal text ("12", "-3.5", "0.85") to minor units with `digits` decimals, exactly; extra
// decimals must be zeros. nullopt when malformed.
std::optional<std::int64_t> parse_decimal_minor(std::string_view text, int digits) noexcept;
// "2010-12-01 08:26[:00]", RFC 3339, or "12/1/2010 8:26" (month/day/year, as the retail data
// set writes it); read as UTC. nullopt when malformed.
std::optional<TimeMs> parse_invoice_time(std::string_view text) noexcept;
// ISO 3166 alpha-2 code of a country name used by retail exports ("United Kingdom" -> "GB",
// "EIRE" -> "IE") or of a code itself; nullopt when unknown.
std::optional<std::string> country_code(std::string_view name);
// "Customer ID" -> "customerid": headers compared ignoring case, blanks and punctuation.
std::string header_key(std::string_view header);

}  // namespace rapport::app
