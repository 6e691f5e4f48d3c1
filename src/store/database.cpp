#include "store/database.hpp"

#include <unordered_map>

#include "store/migrations/migrations.hpp"
#include "store/sqlite/sqlite_connection.hpp"

namespace rapport::store {

namespace {
std::atomic<std::uint64_t> next_database_id{1};
}  // namespace

Database::Database(std::string path, DatabaseOptions options)
    : path_(std::move(path)), options_(options), id_(next_database_id++) {
  auto conn = open_connection();
  if (options_.migrate) migrate(*conn);
  writer_ = std::make_unique<Writer>(std::move(conn), options_.max_write_group);
}

Database::~Database() {
  writer_.reset();
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
