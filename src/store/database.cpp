#include "store/database.hpp"

#include <pthread.h>

#include <condition_variable>
#include <thread>
#include <unordered_map>

#include "store/migrations/migrations.hpp"
#include "store/sqlite/sqlite_connection.hpp"

namespace rapport::store {

namespace {
std::atomic<std::uint64_t> next_database_id{1};
}  // namespace

// Copies the WAL back into the database file on a thread of its own. SQLite's automatic
// checkpoint runs on the committing connection, i.e. on the one writer thread, where it took a
// sixth of the writer's time under a stream of orders and delayed every write queued behind it.
// A PASSIVE checkpoint from another connection never blocks the writer or the readers.
class Checkpointer {
 public:
  Checkpointer(std::string path, bool synchronous_full, int catch_up_pages)
      : path_(std::move(path)),
        synchronous_full_(synchronous_full),
        catch_up_pages_(catch_up_pages),
        thread_([this] {
          pthread_setname_np(pthread_self(), "rapport-ckpt");
          loop();
        }) {}
  ~Checkpointer() {
    {
      std::lock_guard lock(mu_);
      stopping_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }
  Checkpointer(const Checkpointer&) = delete;
  Checkpointer& operator=(const Checkpointer&) = delete;

  // Called by the writer's connection after each commit. From catch_up_pages on, the writer
  // copies the rest itself (see Database::Database) and this thread leaves the lock to it: then
  // true.
  bool wal_pages(int pages) {
    if (pages >= catch_up_pages_) return true;
    if (pages < kCheckpointPages) return false;
    {
      std::lock_guard lock(mu_);
      due_ = true;
    }
    cv_.notify_one();
    return false;
  }

 private:
  static constexpr int kCheckpointPages = 1000;  // SQLite's own default threshold

  void loop() {
    std::unique_ptr<SqliteConnection> conn;
    for (;;) {
      {
        std::unique_lock lock(mu_);
        cv_.wait(lock, [this] { return stopping_ || due_; });
        if (stopping_) return;
        due_ = false;
      }
      try {
        if (!conn) {
          SqliteOptions o;
          o.create = false;
          o.synchronous_full = synchronous_full_;
          conn = std::make_unique<SqliteConnection>(path_, o);
        }
        conn->exec("PRAGMA wal_checkpoint(PASSIVE)");
      } catch (...) {  // NOLINT(bugprone-empty-catch): the next commit asks again; the WAL
                       // only grows meanwhile, and the last connection to close checkpoints
        conn.reset();
      }
    }
  }

  std::string path_;
  bool synchronous_full_;
  int catch_up_pages_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool due_ = false;
  bool stopping_ = false;
  std::thread thread_;
};

Database::Database(std::string path, DatabaseOptions options)
    : path_(std::move(path)), options_(options), id_(next_database_id++) {
  checkpointer_ =
      std::make_unique<Checkpointer>(path_, options_.synchronous_full, options_.wal_catch_up_pages);
  SqliteOptions o;
  o.create = options_.create;
  o.synchronous_full = options_.synchronous_full;
  // The WAL starts over from its beginning only when a write transaction begins with every frame
  // copied back. Under a steady stream of writes the background checkpoint never catches up (the
  // writer has appended more by the time it ends), so the WAL grew for as long as the stream
  // lasted: 744 MB in 10 s of POST /orders, every frame written to a new place in the file, and
  // each commit's fdatasync then also had the file's new blocks to record. So once the WAL is
  // this long, the writer itself, between two groups (no frame can be added meanwhile), copies
  // what the background checkpoint has not yet, and its next transaction starts the WAL over.
  auto wal_long = std::make_shared<bool>(false);  // writer thread only
  o.on_wal_commit = [cp = checkpointer_.get(), wal_long](int pages) {
    *wal_long = cp->wal_pages(pages);
  };
  auto conn = std::make_unique<SqliteConnection>(path_, o);
  // A WAL file left longer than this (by a long reader, say) is cut back when it starts over.
  conn->exec("PRAGMA journal_size_limit=" + std::to_string(4096LL * options_.wal_catch_up_pages));
  if (options_.migrate) migrate(*conn);
  writer_ = std::make_unique<Writer>(std::move(conn), options_.max_write_group,
                                     [wal_long](Connection& c) {
                                       if (!*wal_long) return;
                                       *wal_long = false;
                                       // PASSIVE: returns at once if the background checkpoint
                                       // is running; the next commit asks again.
                                       c.exec("PRAGMA wal_checkpoint(PASSIVE)");
                                     });
}

Database::~Database() {
  writer_.reset();
  checkpointer_.reset();
  std::lock_guard lock(mu_);
  readers_.clear();
}

std::unique_ptr<Connection> Database::open_connection() {
  SqliteOptions o;
  o.create = options_.create;
  o.synchronous_full = options_.synchronous_full;
  return std::make_unique<SqliteConnection>(path_, o);
}

Connection& Database::reader() {
  // Keyed by a never-reused instance id, so a Database created later at the same address never
  // picks up a stale connection.
  thread_local std::unordered_map<std::uint64_t, Connection*> cache;
  auto it = cache.find(id_);
  if (it != cache.end()) return *it->second;
  auto conn = open_connection();
  Connection* raw = conn.get();
  {
    std::lock_guard lock(mu_);
    readers_.push_back(std::move(conn));
  }
  cache.emplace(id_, raw);
  return *raw;
}

}  // namespace rapport::store
