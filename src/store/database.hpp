#pragma once
// A Rapport database: where connections come from. Reads run on the calling thread's own
// connection (one per worker thread, statements cached); writes go through the one Writer.
//
// Thread-safety: reader() and writer() may be called from any thread.
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "store/connection.hpp"
#include "store/writer.hpp"

namespace rapport::store {

struct DatabaseOptions {
  // Apply pending migrations when opening (the server does; `rapport migrate --dry-run` not).
  bool migrate = true;
  // Create the file if it does not exist.
  bool create = true;
  // synchronous=FULL for business data; only bulk benchmarks/tests may turn it off.
  bool synchronous_full = true;
  std::size_t max_write_group = 256;
  // From this many pages in the WAL on, the writer copies the rest back itself between two groups
  // so that the WAL starts over (see Database::Database). 64 MiB of 4 KiB pages.
  int wal_catch_up_pages = 16384;
};

class Checkpointer;

class Database {
 public:
  // Opens (and by default migrates) the SQLite database at `path`. Throws rapport::Error with a
  // clear message when the file cannot be opened, a migration fails, or the schema is newer.
  Database(std::string path, DatabaseOptions options = {});
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // The calling thread's read connection, opened on first use and owned by this Database.
  Connection& reader();
  Writer& writer() { return *writer_; }
  // A new connection the caller owns (for tools such as backup and bulk import).
  std::unique_ptr<Connection> open_connection();

  const std::string& path() const { return path_; }

 private:
  std::string path_;
  DatabaseOptions options_;
  std::uint64_t id_;  // unique per instance: keys the thread-local reader cache
  std::mutex mu_;
  std::vector<std::unique_ptr<Connection>> readers_;
  std::unique_ptr<Checkpointer> checkpointer_;  // declared first: the writer's connection calls it
  std::unique_ptr<Writer> writer_;
};

}  // namespace rapport::store
