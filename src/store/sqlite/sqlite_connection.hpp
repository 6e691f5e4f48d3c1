#pragma once
// SQLite backend of store::Connection: our own small RAII wrapper over the C API (the
// architecture measured 111k point lookups/s on one thread with cached statements).
//
// Opening applies busy_timeout first (before any other PRAGMA, as SQLite's locking needs), then
// WAL and synchronous=FULL for business data, foreign keys on.
// Thread-safety: one thread at a time per connection (SQLite is built serialised anyway).
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "store/connection.hpp"

struct sqlite3;

namespace rapport::store {

struct SqliteOptions {
  bool read_only = false;
  bool create = true;  // create the file if missing
  int busy_timeout_ms = 5000;
  // FULL: a committed write survives power loss. Tests and benchmarks of bulk loads may lower it.
  bool synchronous_full = true;
  // When set, called after each commit with the number of pages in the WAL, instead of SQLite's
  // automatic checkpoint on the committing thread (the caller checkpoints elsewhere).
  std::function<void(int wal_pages)> on_wal_commit;
};

class SqliteConnection final : public Connection {
 public:
  // Throws rapport::Error(kUnavailable) naming the path when the file cannot be opened.
  SqliteConnection(const std::string& path, const SqliteOptions& options);
  ~SqliteConnection() override;
  SqliteConnection(const SqliteConnection&) = delete;
  SqliteConnection& operator=(const SqliteConnection&) = delete;

  void exec(std::string_view sql) override;
  Statement& prepare(std::string_view sql) override;
  std::int64_t changes() override;
  std::int64_t last_insert_id() override;
  void begin(bool write) override;
  void commit() override;
  void rollback() override;
  bool in_transaction() override;

  // Online, consistent copy of the whole database into `dest_path` (SQLite backup API).
  void backup_to(const std::string& dest_path);

  sqlite3* handle() { return db_; }
  const std::string& path() const { return path_; }

 private:
  sqlite3* db_ = nullptr;
  std::string path_;
  std::function<void(int)> on_wal_commit_;
  // Looked up by the SQL's text without copying it (transparent hash): prepare() is on every
  // statement's path.
  struct TextHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept {
      return std::hash<std::string_view>{}(s);
    }
  };
  std::unordered_map<std::string, std::unique_ptr<Statement>, TextHash, std::equal_to<>> cache_;
};

// Throws the rapport::Error matching an SQLite result code.
[[noreturn]] void throw_sqlite_error(sqlite3* db, int rc, std::string_view context);

// Rebuilds the database file at `path` without its free pages, its tables and indexes each
// contiguous again (`rapport vacuum`). Pages freed by a DELETE or a dropped index stay in the file
// until then: a store upgraded to schema 11 kept 45k pages of the dropped order_lines_product
// index, and its analytics refresh ran 10.9-13.5 s instead of 8.1-8.4 s. Needs the file to
// itself: leaving WAL mode (to vacuum without writing the whole file into the WAL as well) is
// refused while any other connection has it open, and that is reported as a conflict naming the
// file. Temporary space: up to twice the file, in SQLite's temporary directory and next to it.
// The file is back in WAL mode afterwards, also when the vacuum failed (then nothing changed).
struct VacuumResult {
  std::int64_t bytes_before = 0;
  std::int64_t bytes_after = 0;
  std::int64_t free_pages_before = 0;
  double seconds = 0;
};
VacuumResult vacuum_database(const std::string& path, int busy_timeout_ms = 2000);

}  // namespace rapport::store
