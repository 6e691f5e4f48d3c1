// bench_http_bare DB PORT [THREADS]: serves GET /users/{id} from the users table of a Rapport
// database, with one SQLite connection and one prepared statement per worker thread, and replies
// with a small JSON object. The floor `rapport serve` is compared with in bench/http/run.sh.
#include <sqlite3.h>

#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>
#include <restinio/all.hpp>

namespace {

using Router = restinio::router::express_router_t<>;
struct Traits : public restinio::default_traits_t {
  using request_handler_t = Router;
};

// One connection and statement per worker thread, opened on first use (like Rapport's readers).
class ThreadReader {
 public:
  explicit ThreadReader(const std::string& path) {
    if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr) !=
        SQLITE_OK) {
      throw std::runtime_error(std::string("open: ") + sqlite3_errmsg(db_));
    }
    sqlite3_busy_timeout(db_, 5000);
    sqlite3_exec(db_, "PRAGMA journal_mode=WAL", nullptr, nullptr, nullptr);
    if (sqlite3_prepare_v3(
            db_,
            "SELECT id, email, name, role, disabled, created_at, updated_at, version "
            "FROM users WHERE id = ?",
            -1, SQLITE_PREPARE_PERSISTENT, &stmt_, nullptr) != SQLITE_OK) {
      throw std::runtime_error(std::string("prepare: ") + sqlite3_errmsg(db_));
    }
  }
  ~ThreadReader() {
    sqlite3_finalize(stmt_);
    sqlite3_close(db_);
  }
  ThreadReader(const ThreadReader&) = delete;
  ThreadReader& operator=(const ThreadReader&) = delete;

  // The row as JSON, or nullopt when there is none.
  std::optional<std::string> get(std::int64_t id) {
    sqlite3_bind_int64(stmt_, 1, id);
    std::optional<std::string> out;
    if (sqlite3_step(stmt_) == SQLITE_ROW) {
      auto text = [this](int c) {
        return std::string(reinterpret_cast<const char*>(sqlite3_column_text(stmt_, c)),
                           static_cast<std::size_t>(sqlite3_column_bytes(stmt_, c)));
      };
      nlohmann::json j = {{"id", sqlite3_column_int64(stmt_, 0)},
                          {"email", text(1)},
                          {"name", text(2)},
                          {"role", text(3)},
                          {"disabled", sqlite3_column_int(stmt_, 4) != 0},
                          {"created_at", sqlite3_column_int64(stmt_, 5)},
                          {"updated_at", sqlite3_column_int64(stmt_, 6)},
                          {"version", sqlite3_column_int64(stmt_, 7)}};
      out = j.dump();
    }
    sqlite3_reset(stmt_);
    return out;
  }

 private:
  sqlite3* db_ = nullptr;
  sqlite3_stmt* stmt_ = nullptr;
};

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s DB PORT [THREADS]\n", argv[0]);
    return 2;
  }
  const std::string path = argv[1];
  const auto port = static_cast<std::uint16_t>(std::atoi(argv[2]));
  std::size_t threads = argc > 3 ? static_cast<std::size_t>(std::atoi(argv[3])) : 0;
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());

  auto router = std::make_unique<Router>();
  router->http_get("/users/:id", [&path](auto req, auto params) {
    thread_local ThreadReader reader(path);
    auto id = restinio::cast_to<std::int64_t>(params["id"]);
    auto row = reader.get(id);
    auto resp = req->create_response(row ? restinio::status_ok() : restinio::status_not_found());
    resp.append_header(restinio::http_field::content_type, "application/json");
    resp.set_body(row ? std::move(*row) : std::string("{\"error\":\"not found\"}"));
    return resp.done();
  });
  std::printf("bench_http_bare on 127.0.0.1:%u with %zu threads\n", port, threads);
  std::fflush(stdout);
  restinio::run(restinio::on_thread_pool<Traits>(threads)
                    .address("127.0.0.1")
                    .port(port)
                    .request_handler(std::move(router)));
  return 0;
}
