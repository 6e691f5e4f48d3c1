// The baseline of the import benchmark: the same CSV rows, split on commas (the generator
// writes no quotes) and inserted as text into one plain table with one prepared statement in
// one transaction, synchronous=OFF: what SQLite itself does without any of the importer's work
// (validation, lookups, orders, indexes, timeline, checkpoints).
// Usage: bench_import_bare FILE.csv DB
#include <sqlite3.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s FILE.csv DB\n", argv[0]);
    return 2;
  }
  std::remove(argv[2]);
  sqlite3* db = nullptr;
  if (sqlite3_open(argv[2], &db) != SQLITE_OK) return 1;
  sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF;", nullptr, nullptr, nullptr);
  sqlite3_exec(db,
               "CREATE TABLE lines (invoice TEXT, stock TEXT, description TEXT, quantity INTEGER, "
               "at TEXT, price TEXT, customer TEXT, country TEXT)",
               nullptr, nullptr, nullptr);
  auto t0 = std::chrono::steady_clock::now();
  std::ifstream in(argv[1]);
  std::string line;
  std::getline(in, line);  // header
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(db, "INSERT INTO lines VALUES (?, ?, ?, ?, ?, ?, ?, ?)", -1, &st, nullptr);
  sqlite3_exec(db, "BEGIN", nullptr, nullptr, nullptr);
  long n = 0;
  while (std::getline(in, line)) {
    std::size_t start = 0;
    for (int f = 1; f <= 8; ++f) {
      std::size_t comma = line.find(',', start);
      if (comma == std::string::npos) comma = line.size();
      if (f == 4) {
        sqlite3_bind_int64(st, f, std::atoll(line.c_str() + start));
      } else {
        sqlite3_bind_text(st, f, line.data() + start, static_cast<int>(comma - start),
                          SQLITE_TRANSIENT);
      }
      start = comma + 1;
    }
    if (sqlite3_step(st) != SQLITE_DONE) return 1;
    sqlite3_reset(st);
    ++n;
  }
  sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr);
  sqlite3_finalize(st);
  sqlite3_close(db);
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("bare sqlite insert: %ld rows in %.2f s = %.0f rows/s\n", n, secs, n / secs);
  return 0;
}
