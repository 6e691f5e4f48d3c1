#include "store/sqlite/sqlite_connection.hpp"

#include <sqlite3.h>

#include <chrono>
#include <string>

#include "core/error.hpp"

namespace rapport::store {

void throw_sqlite_error(sqlite3* db, int rc, std::string_view context) {
  std::string msg(context);
  msg += ": ";
  msg += db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  switch (rc & 0xff) {
    case SQLITE_CONSTRAINT:
      throw Error(ErrorCode::kConflict, msg);
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      throw Error(ErrorCode::kUnavailable, msg);
    default:
      throw Error(ErrorCode::kInternal, msg);
  }
}

namespace {

class SqliteStatement final : public Statement {
 public:
  SqliteStatement(sqlite3* db, std::string_view sql) : db_(db) {
    int rc = sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()),
                                SQLITE_PREPARE_PERSISTENT, &stmt_, nullptr);
    if (rc != SQLITE_OK) throw_sqlite_error(db, rc, "prepare");
  }
  ~SqliteStatement() override { sqlite3_finalize(stmt_); }
  SqliteStatement(const SqliteStatement&) = delete;
  SqliteStatement& operator=(const SqliteStatement&) = delete;

  void bind_null(int i) override { check(sqlite3_bind_null(stmt_, i)); }
  void bind_int(int i, std::int64_t v) override { check(sqlite3_bind_int64(stmt_, i, v)); }
  void bind_double(int i, double v) override { check(sqlite3_bind_double(stmt_, i, v)); }
  void bind_text(int i, std::string_view v) override {
    check(sqlite3_bind_text64(stmt_, i, v.data(), v.size(), SQLITE_TRANSIENT, SQLITE_UTF8));
  }
  void bind_blob(int i, std::string_view v) override {
    check(sqlite3_bind_blob64(stmt_, i, v.data(), v.size(), SQLITE_TRANSIENT));
  }
  bool step() override {
    int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    throw_sqlite_error(db_, rc, "step");
  }
  bool is_null(int c) override { return sqlite3_column_type(stmt_, c) == SQLITE_NULL; }
  std::int64_t get_int(int c) override { return sqlite3_column_int64(stmt_, c); }
  double get_double(int c) override { return sqlite3_column_double(stmt_, c); }
  std::string_view get_text(int c) override {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, c));
    if (p == nullptr) return {};
    return {p, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, c))};
  }
  std::string_view get_blob(int c) override {
    const auto* p = static_cast<const char*>(sqlite3_column_blob(stmt_, c));
    if (p == nullptr) return {};
    return {p, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, c))};
  }
  void reset() override {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }

 private:
  void check(int rc) {
    if (rc != SQLITE_OK) throw_sqlite_error(db_, rc, "bind");
  }
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

}  // namespace

SqliteConnection::SqliteConnection(const std::string& path, const SqliteOptions& options)
    : path_(path) {
  // Without memory statistics SQLite takes no global mutex on each of its allocations (every
  // statement step allocates). Must precede sqlite3_initialize; later calls are refused harmlessly.
  static const bool configured = [] {
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    return sqlite3_initialize() == SQLITE_OK;
  }();
  (void)configured;
  int flags = options.read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE;
  if (!options.read_only && options.create) flags |= SQLITE_OPEN_CREATE;
  flags |= SQLITE_OPEN_NOMUTEX;  // one thread per connection by contract
  int rc = sqlite3_open_v2(path.c_str(), &db_, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = "cannot open database '" + path +
                      "': " + (db_ != nullptr ? sqlite3_errmsg(db_) : sqlite3_errstr(rc));
    sqlite3_close_v2(db_);
    db_ = nullptr;
    throw Error(ErrorCode::kUnavailable, msg, "db");
  }
  sqlite3_extended_result_codes(db_, 1);
  // busy_timeout first: the PRAGMAs below may need a lock another process holds.
  sqlite3_busy_timeout(db_, options.busy_timeout_ms);
  // The first statement reads the file's header: a file that is not a database fails here, said
  // with its path (SQLite's own message names no file).
  try {
    if (!options.read_only) exec("PRAGMA journal_mode=WAL");
  } catch (const Error& e) {
    std::string msg = "cannot open database '" + path + "': " + e.what();
    sqlite3_close_v2(db_);
    db_ = nullptr;
    throw Error(e.code(), msg, "db");
  }
  exec(options.synchronous_full ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=OFF");
  exec("PRAGMA foreign_keys=ON");
  exec("PRAGMA temp_store=MEMORY");
  exec("PRAGMA cache_size=-65536");  // 64 MiB page cache per connection
  // Debian builds SQLite with SECURE_DELETE on: every page freed by a DELETE or DROP is first
  // overwritten with zeros and written out (through the WAL, then again by the checkpoint). FAST
  // still zeroes deleted content inside the pages a change writes anyway but not whole freed
  // pages: an analytics refresh replacing 750k score rows and dropping their indexes wrote
  // ~70k pages of zeros (1 s of its write phase).
  exec("PRAGMA secure_delete=FAST");
  // No memory map of the database file. A map spares a reader the copy of each page it reads
  // (GET by id on 1M users: 38 us of server CPU per request with a map, 43 us without), but in
  // WAL mode SQLite unmaps the whole file whenever a reader finds that another connection has
  // committed since its last read, then maps it again and page-faults on every page it touches:
  // under a stream of orders that was 80 munmap/mmap pairs a second, each followed by page faults
  // and TLB flushes (POST /orders at 64 connections: 3,250 orders/s p99 30 ms with the map,
  // 4,290-4,510 orders/s p99 21-23 ms without). A CRM writes all day, so no map.
  exec("PRAGMA mmap_size=0");
  if (options.on_wal_commit) {
    on_wal_commit_ = options.on_wal_commit;
    // Replaces the automatic checkpoint (which is itself a WAL hook).
    sqlite3_wal_hook(
        db_,
        [](void* self, sqlite3*, const char*, int pages) {
          static_cast<SqliteConnection*>(self)->on_wal_commit_(pages);
          return SQLITE_OK;
        },
        this);
  }
}

SqliteConnection::~SqliteConnection() {
  cache_.clear();  // finalise statements before closing
  if (db_ != nullptr) sqlite3_close_v2(db_);
}

void SqliteConnection::exec(std::string_view sql) {
  std::string s(sql);
  char* err = nullptr;
  int rc = sqlite3_exec(db_, s.c_str(), nullptr, nullptr, &err);
  if (rc != SQLITE_OK) {
    std::string msg = err != nullptr ? err : sqlite3_errstr(rc);
    sqlite3_free(err);
    if ((rc & 0xff) == SQLITE_CONSTRAINT) throw Error(ErrorCode::kConflict, msg);
    if ((rc & 0xff) == SQLITE_BUSY) throw Error(ErrorCode::kUnavailable, msg);
    throw Error(ErrorCode::kInternal, "sql: " + msg);
  }
}

Statement& SqliteConnection::prepare(std::string_view sql) {
  auto it = cache_.find(sql);
  if (it != cache_.end()) return *it->second;
  auto stmt = std::make_unique<SqliteStatement>(db_, sql);
  auto& ref = *stmt;
  cache_.emplace(std::string(sql), std::move(stmt));
  return ref;
}

std::int64_t SqliteConnection::changes() {
  return sqlite3_changes64(db_);
}
std::int64_t SqliteConnection::last_insert_id() {
  return sqlite3_last_insert_rowid(db_);
}

void SqliteConnection::begin(bool write) {
  exec(write ? "BEGIN IMMEDIATE" : "BEGIN");
}
void SqliteConnection::commit() {
  exec("COMMIT");
}
void SqliteConnection::rollback() {
  if (in_transaction()) exec("ROLLBACK");
}
bool SqliteConnection::in_transaction() {
  return sqlite3_get_autocommit(db_) == 0;
}

void SqliteConnection::backup_to(const std::string& dest_path) {
  sqlite3* dest = nullptr;
  int rc = sqlite3_open_v2(dest_path.c_str(), &dest, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
                           nullptr);
  if (rc != SQLITE_OK) {
    sqlite3_close_v2(dest);
    throw Error(ErrorCode::kInvalidArgument, "cannot create backup file '" + dest_path + "'",
                "file");
  }
  sqlite3_backup* b = sqlite3_backup_init(dest, "main", db_, "main");
  if (b == nullptr) {
    std::string msg = sqlite3_errmsg(dest);
    sqlite3_close_v2(dest);
    throw Error(ErrorCode::kInternal, "backup: " + msg);
  }
  // Copy everything in one step, i.e. inside one read transaction: the copy is the snapshot at
  // its start. In WAL mode a reader does not block writers, so the server keeps writing. Copying
  // in several steps instead restarts the copy whenever another connection writes in between:
  // under a steady write load a large database was never backed up (a 40 MB file with a write
  // every few ms still ran after 20 s).
  for (int attempt = 0;; ++attempt) {
    rc = sqlite3_backup_step(b, -1);
    if ((rc != SQLITE_BUSY && rc != SQLITE_LOCKED) || attempt == 1000) break;
    sqlite3_sleep(5);
  }
  sqlite3_backup_finish(b);
  int final_rc = sqlite3_errcode(dest);
  sqlite3_close_v2(dest);
  if (rc != SQLITE_DONE || final_rc != SQLITE_OK) {
    throw Error(ErrorCode::kInternal, std::string("backup failed: ") + sqlite3_errstr(rc));
  }
}

VacuumResult vacuum_database(const std::string& path, int busy_timeout_ms) {
  SqliteOptions o;
  o.create = false;
  o.busy_timeout_ms = busy_timeout_ms;
  SqliteConnection conn(path, o);
  auto scalar = [&conn](std::string_view sql) {
    Query q(conn, sql);
    q.step();
    return q->get_int(0);
  };
  VacuumResult r;
  const std::int64_t page_size = scalar("PRAGMA page_size");
  r.free_pages_before = scalar("PRAGMA freelist_count");
  r.bytes_before = scalar("PRAGMA page_count") * page_size;
  const auto start = std::chrono::steady_clock::now();
  // SQLite leaves WAL mode only when no other connection has the file open: it either reports
  // the file busy or answers with the mode it stayed in.
  std::string mode;
  try {
    Query q(conn, "PRAGMA journal_mode=DELETE");
    if (q.step()) mode = std::string(q->get_text(0));
  } catch (const Error& e) {
    mode = e.what();
  }
  if (mode != "delete") {
    throw Error(ErrorCode::kConflict,
                "the database is in use by another process (a running `rapport serve`?); stop it "
                "and vacuum again (" +
                    mode + ")",
                path);
  }
  try {
    // The rebuilt copy goes to a temporary file, not to memory (the server's connections keep
    // their temporary tables in memory).
    conn.exec("PRAGMA temp_store=FILE");
    conn.exec("VACUUM");
  } catch (...) {
    try {
      conn.exec("PRAGMA journal_mode=WAL");
    } catch (...) {  // NOLINT(bugprone-empty-catch): the vacuum's error is the one to report;
                     // the next opening of the file switches it back to WAL
    }
    throw;
  }
  conn.exec("PRAGMA journal_mode=WAL");
  r.bytes_after = scalar("PRAGMA page_count") * page_size;
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return r;
}

}  // namespace rapport::store
