#include "http/access_log.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include <fmt/format.h>

#include "core/error.hpp"
#include "core/time.hpp"

namespace rapport::http {

namespace {

constexpr std::size_t kEagerFlushBytes = 1 << 20;

// Length of the valid UTF-8 sequence starting at s[i], or 0 when it is not one.
std::size_t utf8_sequence(std::string_view s, std::size_t i) {
  auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c = b(i);
  std::size_t n = 0;
  std::uint32_t cp = 0;
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
    cp = c & 0x1F;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    cp = c & 0x0F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    cp = c & 0x07;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  for (std::size_t k = 1; k < n; ++k) {
    if ((b(i + k) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (b(i + k) & 0x3F);
  }
  // Overlong forms, surrogates and beyond U+10FFFF are not UTF-8.
  if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
      (cp >= 0xD800 && cp <= 0xDFFF)) {
    return 0;
  }
  return n;
}

// Appends s as a JSON string literal.
void append_json_string(std::string& out, std::string_view s) {
  out += '"';
  for (std::size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
      ++i;
    } else if (c < 0x20 || c == 0x7F) {
      fmt::format_to(std::back_inserter(out), "\\u{:04x}", c);
      ++i;
    } else if (c < 0x80) {
      out += static_cast<char>(c);
      ++i;
    } else if (std::size_t n = utf8_sequence(s, i); n > 0) {
      out.append(s.substr(i, n));
      i += n;
    } else {
      out += "\\ufffd";
      ++i;
    }
  }
  out += '"';
}

}  // namespace

AccessLog::AccessLog(const std::string& target, std::chrono::milliseconds flush_interval)
    : interval_(flush_interval) {
  if (target == "-") {
    fd_ = STDOUT_FILENO;
  } else {
    fd_ = ::open(target.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
    if (fd_ < 0) {
      throw Error(ErrorCode::kUnavailable,
                  "cannot open the access log " + target + ": " + std::strerror(errno),
                  "access_log");
    }
    owns_fd_ = true;
  }
  thread_ = std::thread([this] { flush_loop(); });
}

AccessLog::~AccessLog() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  thread_.join();
  if (owns_fd_) ::close(fd_);
}

std::string AccessLog::format(const AccessLogEntry& e, std::int64_t now_ms) {
  // Keys in the order the nlohmann-built line had (alphabetical), so readers see no change.
  std::string line;
  line.reserve(256);
  line += "{\"duration_ms\":";
  fmt::format_to(std::back_inserter(line), "{}", e.seconds * 1000.0);
  line += ",\"method\":";
  append_json_string(line, e.method);
  line += ",\"path\":";
  append_json_string(line, e.path);
  line += ",\"request_id\":";
  append_json_string(line, e.request_id);
  line += ",\"route\":";
  append_json_string(line, e.route);
  fmt::format_to(std::back_inserter(line), ",\"status\":{},\"ts\":\"{}\",\"user_id\":", e.status,
                 format_time(now_ms));
  if (e.user_id) {
    fmt::format_to(std::back_inserter(line), "{}", *e.user_id);
  } else {
    line += "null";
  }
  line += '}';
  return line;
}

void AccessLog::write(const AccessLogEntry& entry) {
  std::string line = format(entry, now_ms());
  line += '\n';
  bool eager = false;
  {
    std::lock_guard lock(mu_);
    buffer_ += line;
    eager = buffer_.size() >= kEagerFlushBytes;
  }
  if (eager) cv_.notify_one();
}

void AccessLog::flush_loop() {
  std::string out;
  std::unique_lock lock(mu_);
  for (;;) {
    cv_.wait_for(lock, interval_,
                 [this] { return stopping_ || buffer_.size() >= kEagerFlushBytes; });
    out.swap(buffer_);
    bool stop = stopping_;
    lock.unlock();
    if (!out.empty()) write_out(out);
    out.clear();
    lock.lock();
    if (stop && buffer_.empty()) return;
  }
}

void AccessLog::write_out(const std::string& data) {
  std::size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::write(fd_, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      if (!write_failed_) {
        std::fprintf(stderr, "rapport: cannot write the access log: %s\n", std::strerror(errno));
        write_failed_ = true;
      }
      return;
    }
    done += static_cast<std::size_t>(n);
  }
}

}  // namespace rapport::http
