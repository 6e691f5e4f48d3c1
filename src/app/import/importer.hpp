#pragma once
// Imports of customers, products, invoice lines, transactions and CDNOW files into the store.
//
// Streaming and constant memory: one record is read at a time (CsvReader); the only state kept
// across rows is the invoice being assembled, lookup caches of product and customer ids by
// external key (bounded: cleared when they pass kMaxCacheEntries), and the new customers and
// the orders behind them waiting to be written in multi-row statements (bounded: written at 256
// customers, 4,096 orders or 16,384 lines, and always before the batch commits).
//
// Batches: rows are committed `batch` at a time, each batch in one write transaction together
// with the checkpoint in `imports` (line and byte offset just past the batch's last record,
// counts, reject file length). A crash loses at most the batch in flight; `resume` continues at
// the checkpoint of the latest unfinished import of the same kind and file, so every row ends
// up committed exactly once. Invoice lines of one invoice never straddle two batches (a batch
// ends only where an invoice does), so an order is written whole.
//
// Invalid rows are never dropped silently: by default the import stops at the first one with
// Error(invalid_argument, reason, "FILE:LINE"), rolling back that batch (earlier batches stay,
// the import is marked failed at its checkpoint); with skip_invalid the row's original text
// and the reason go to the reject file and it is counted.
//
// Normalisation is the API's: names via check_text, emails via normalize_email, phones via
// normalize_phone with the business's default region. Timeline: one customer_created per
// created customer, one customer_updated per updated customer, one order_placed per order (not
// one per invoice line). Audit: one entry per committed batch (action "import", entity
// "import", the batch's counts), not one per row: a per-row entry would double the work of a
// bulk load, and the rows carry the import through their timeline entries.
//
// Thread-safety: an Importer runs on the calling thread and writes through db.writer() (each
// batch one writer job), so it can run inside the server beside other writes. A batch is a
// bulk-load job (store::Writer::Mode::kBulkLoad: a transaction of its own, SQLite's foreign key
// checks off): every reference it writes is to a row it has just inserted or looked up in the
// same transaction (tests check the store with PRAGMA foreign_key_check after each import).
// Requires Permission::kImport (forbidden otherwise).
#include <cstdint>
#include <functional>
#include <istream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app/caller.hpp"
#include "core/time.hpp"
#include "store/database.hpp"

namespace rapport::app {

enum class ImportKind { kCustomers, kProducts, kInvoices, kTransactions, kCdnow };
std::optional<ImportKind> parse_import_kind(std::string_view name) noexcept;
std::string_view import_kind_name(ImportKind kind) noexcept;

enum class MatchRule { kExternalId, kEmail, kPhone };
// "external_id,email,phone" (any subset, in priority order). Throws invalid_argument on `field`.
std::vector<MatchRule> parse_match_rules(std::string_view field, std::string_view text);

struct ImportProgress {
  std::uint64_t rows = 0;   // records read in this run
  std::uint64_t bytes = 0;  // offset reached in the file
  std::uint64_t total_bytes = 0;
  double seconds = 0;
};

struct ImportOptions {
  ImportKind kind = ImportKind::kCustomers;
  std::string file;  // the path read (CLI) or a label (API upload)
  bool resume = false;
  bool skip_invalid = false;
  std::string reject_file;   // required with skip_invalid for files
  std::string mapping_file;  // customers: "Header = field" lines
  std::vector<MatchRule> match = {MatchRule::kExternalId, MatchRule::kEmail, MatchRule::kPhone};
  // Rows per commit. Each commit costs an fsync and a WAL checkpoint (0.1-0.2 s measured on
  // this machine under load), and writes to the WAL every page the batch changed: the leaves
  // of indexes in random order (order lines by product, timeline by customer, customers by
  // name) are rewritten in every batch whatever its size, so bulk loads want large batches.
  // Importing 1M invoice lines made 170k page writes (WAL and checkpoint) in batches of 50,000,
  // 79k in batches of 200,000 and 52k in one batch (the store is 17k pages). The price: redoing at
  // most one batch after a crash, and a CLI import beside a running server holds the write lock for
  // a batch at a time.
  std::size_t batch = 200000;
  std::string source = "import";  // system the external ids and order numbers come from
  std::function<void(const ImportProgress&)> progress;  // called about twice a second
};

struct ImportSummary {
  std::int64_t id = 0;
  std::string kind;
  std::string file;
  std::string status;     // running, done, failed
  std::int64_t line = 0;  // last line committed
  std::int64_t created = 0;
  std::int64_t updated = 0;
  std::int64_t rejected = 0;
  std::optional<std::string> error;
  TimeMs started_at = 0;
  std::optional<TimeMs> finished_at;
  // Of this run only (not kept in the table): what the rows created besides themselves.
  std::int64_t orders = 0;
  std::int64_t customers_created = 0;
  std::int64_t products_created = 0;
  std::uint64_t rows_read = 0;
};

class Importer {
 public:
  Importer(store::Database& db, Caller caller) : db_(db), caller_(std::move(caller)) {}

  // Imports a file; resumable.
  ImportSummary run_file(const ImportOptions& options);

  // Imports text held in memory (an API upload) as one batch: all or nothing. `options.file`
  // labels it; resume and reject files do not apply (rejects are reported in the error).
  ImportSummary run_text(const ImportOptions& options, std::string_view text);

 private:
  ImportSummary run(const ImportOptions& options, std::istream& in, std::uint64_t total_bytes,
                    bool single_batch);

  store::Database& db_;
  Caller caller_;
};

// An import's record. Requires Permission::kImport. Throws not_found.
ImportSummary get_import(store::Database& db, const Caller& caller, std::int64_t id);

}  // namespace rapport::app
