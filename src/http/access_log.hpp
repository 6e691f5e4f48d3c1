#pragma once
// The structured access log: one JSON object per line per request (ts, request_id, method, path,
// route, status, duration_ms, user_id).
//
// Why not a logger with a queue: the profile of an authenticated GET (bench/http) showed spdlog's
// async logger, flushed on every line, costing about a quarter of the server's CPU per request
// (a wake-up of the logger thread and a write(2) per line). Here a request appends its line to a
// shared buffer under a mutex, and one thread writes the buffer out every `flush_interval` (or
// sooner when it grows past 1 MiB): a handful of write(2) calls per second.
// The price: after a crash, up to `flush_interval` of lines may be missing (a clean stop writes
// everything).
//
// Thread-safety: write() may be called from any thread.
// Errors: the constructor throws rapport::Error(kUnavailable, field "access_log") when the file
// cannot be opened; write errors later are reported once on stderr and the lines dropped.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

namespace rapport::http {

struct AccessLogEntry {
  std::string_view request_id;
  std::string_view method;
  std::string_view path;   // as received (any bytes; escaped on output)
  std::string_view route;  // route key ("GET /api/v1/users/{id}") or "unmatched"
  int status = 0;
  double seconds = 0;
  std::optional<std::int64_t> user_id;
};

class AccessLog {
 public:
  // `target`: "-" for stdout, else a file path (appended to).
  explicit AccessLog(const std::string& target,
                     std::chrono::milliseconds flush_interval = std::chrono::milliseconds(100));
  ~AccessLog();  // writes what is buffered, closes the file
  AccessLog(const AccessLog&) = delete;
  AccessLog& operator=(const AccessLog&) = delete;

  void write(const AccessLogEntry& entry);

  // The line (without '\n') for an entry at time `now_ms`: valid JSON whatever bytes the path
  // holds (invalid UTF-8 becomes U+FFFD). Exposed for tests.
  static std::string format(const AccessLogEntry& entry, std::int64_t now_ms);

 private:
  void flush_loop();
  void write_out(const std::string& data);

  int fd_ = -1;
  bool owns_fd_ = false;
  std::chrono::milliseconds interval_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::string buffer_;
  bool stopping_ = false;
  bool write_failed_ = false;
  std::thread thread_;
};

}  // namespace rapport::http
