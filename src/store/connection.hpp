#pragma once
// The database interface of Rapport: a connection and its prepared statements. app/ speaks only
// to this interface, so a PostgreSQL backend can sit beside the SQLite one (store/sqlite/)
// without touching app/. SQL given here is portable: `?` placeholders (a backend rewrites them
// when its driver wants `$n`), no backend-specific functions.
//
// Thread-safety: a Connection and its statements belong to one thread at a time.
// Errors: every failure throws rapport::Error (kConflict for constraint violations, kUnavailable
// for busy/locked, kInternal otherwise) with the SQL's error text.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <typeindex>
#include <unordered_map>
#include <variant>
#include <vector>

namespace rapport::store {

class Statement {
 public:
  virtual ~Statement() = default;

  // Parameters are 1-based, as in SQL.
  virtual void bind_null(int index) = 0;
  virtual void bind_int(int index, std::int64_t value) = 0;
  virtual void bind_double(int index, double value) = 0;
  virtual void bind_text(int index, std::string_view value) = 0;
  virtual void bind_blob(int index, std::string_view bytes) = 0;

  // Advances to the next row; false when done. A statement that returns no rows is run by the
  // first call.
  virtual bool step() = 0;

  // Columns are 0-based. Text views stay valid until the next step() or reset().
  virtual bool is_null(int column) = 0;
  virtual std::int64_t get_int(int column) = 0;
  virtual double get_double(int column) = 0;
  virtual std::string_view get_text(int column) = 0;
  virtual std::string_view get_blob(int column) = 0;

  // Ready for reuse: clears bindings and the current result.
  virtual void reset() = 0;

  // Convenience: optional text/int (null -> nullopt).
  std::optional<std::string> get_optional_text(int column) {
    if (is_null(column)) return std::nullopt;
    return std::string(get_text(column));
  }
  std::optional<std::int64_t> get_optional_int(int column) {
    if (is_null(column)) return std::nullopt;
    return get_int(column);
  }
};

class Connection {
 public:
  virtual ~Connection() = default;

  // Runs SQL without parameters or results (may hold several statements).
  virtual void exec(std::string_view sql) = 0;

  // A prepared statement for `sql`, cached by its text: preparing the same text again returns
  // the same statement, already reset. REQUIRES: the previous use of that statement is over
  // (use Query below, which resets on scope exit).
  virtual Statement& prepare(std::string_view sql) = 0;

  // Rows changed by the last INSERT/UPDATE/DELETE; id of the last inserted row.
  virtual std::int64_t changes() = 0;
  virtual std::int64_t last_insert_id() = 0;

  // Transactions. begin(true) takes the write lock at once (IMMEDIATE in SQLite).
  virtual void begin(bool write) = 0;
  virtual void commit() = 0;
  virtual void rollback() = 0;
  virtual bool in_transaction() = 0;

  // A value the layers above keep with this connection, one per type, default-constructed on
  // first use (e.g. settings parsed once per change of them: app/settings). Same thread rule as
  // the connection.
  template <typename T>
  T& cached() {
    auto& slot = caches_[std::type_index(typeid(T))];
    if (!slot) slot = std::make_shared<T>();
    return *std::static_pointer_cast<T>(slot);
  }

 private:
  std::unordered_map<std::type_index, std::shared_ptr<void>> caches_;
};

// For one long read on a connection with no transaction open (an analytics refresh's scans of
// every order line): its pages are read through a memory map of the database file instead of
// being copied into the connection's page cache one pread at a time (summaries 2.1-2.4 s -> 1.0
// s, basket read 2.2-3.2 -> 1.5 s on 1M customers / 10M lines). Connections have no map
// otherwise (see SqliteConnection: SQLite drops a map after every commit of another connection).
// REQUIRES: no transaction open on `conn` at construction or destruction (pages of the map
// may be in use during one).
class MappedReads {
 public:
  explicit MappedReads(Connection& conn) : conn_(conn) {
    conn_.exec("PRAGMA mmap_size=1073741824");
  }
  ~MappedReads() {
    try {
      conn_.exec("PRAGMA mmap_size=0");
    } catch (...) {  // NOLINT(bugprone-empty-catch): the map then stays; reads are still right
    }
  }
  MappedReads(const MappedReads&) = delete;
  MappedReads& operator=(const MappedReads&) = delete;

 private:
  Connection& conn_;
};

// A value of a query whose SQL text is put together from the filters present (the lists'
// queries): the values are collected in order beside the text and bound 1..n.
using SqlValue = std::variant<std::int64_t, double, std::string>;

// A statement in use for one query: binds the arguments, resets the statement on scope exit so
// the cached statement is ready for the next caller.
class Query {
 public:
  template <typename... Args>
  Query(Connection& conn, std::string_view sql, const Args&... args) : stmt_(conn.prepare(sql)) {
    int i = 1;
    (bind_one(i++, args), ...);
  }
  // The values collected for a statement built piece by piece, bound in order.
  Query(Connection& conn, std::string_view sql, const std::vector<SqlValue>& values)
      : stmt_(conn.prepare(sql)) {
    int i = 1;
    for (const SqlValue& v : values) std::visit([&](const auto& x) { bind_one(i++, x); }, v);
  }
  ~Query() { stmt_.reset(); }
  Query(const Query&) = delete;
  Query& operator=(const Query&) = delete;

  bool step() { return stmt_.step(); }
  Statement* operator->() { return &stmt_; }
  Statement& stmt() { return stmt_; }

 private:
  void bind_one(int i, std::int64_t v) { stmt_.bind_int(i, v); }
  void bind_one(int i, int v) { stmt_.bind_int(i, v); }
  void bind_one(int i, bool v) { stmt_.bind_int(i, v ? 1 : 0); }
  void bind_one(int i, double v) { stmt_.bind_double(i, v); }
  void bind_one(int i, std::string_view v) { stmt_.bind_text(i, v); }
  void bind_one(int i, const std::string& v) { stmt_.bind_text(i, v); }
  void bind_one(int i, const char* v) { stmt_.bind_text(i, v); }
  void bind_one(int i, std::nullptr_t) { stmt_.bind_null(i); }
  template <typename T>
  void bind_one(int i, const std::optional<T>& v) {
    if (v) {
      bind_one(i, *v);
    } else {
      stmt_.bind_null(i);
    }
  }

  Statement& stmt_;
};

// Runs a statement that returns nothing (or whose rows are ignored); returns changes().
template <typename... Args>
std::int64_t execute(Connection& conn, std::string_view sql, const Args&... args) {
  {
    Query q(conn, sql, args...);
    while (q.step()) {
    }
  }
  return conn.changes();
}

// A transaction that rolls back unless committed.
class Transaction {
 public:
  Transaction(Connection& conn, bool write) : conn_(conn) { conn_.begin(write); }
  ~Transaction() {
    if (!done_) {
      try {
        conn_.rollback();
      } catch (...) {  // NOLINT(bugprone-empty-catch): destructor must not throw
      }
    }
  }
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void commit() {
    conn_.commit();
    done_ = true;
  }

 private:
  Connection& conn_;
  bool done_ = false;
};

}  // namespace rapport::store
