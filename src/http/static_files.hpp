#pragma once
// The web UI's files under web_root, served from memory. Each file is read once (again when its
// size or modification time changes) and, when its type compresses well, gzip-compressed once
// (RESTinio's zlib transform), with a strong ETag per representation. Vite names the bundle's
// files by their content hash under assets/, so browsers keep those for a year (immutable);
// index.html and the rest are revalidated on each use (no-cache + ETag, answered 304 when
// unchanged). A path that names no file gets index.html (the app's own routes), except under
// assets/: a stale hashed name must not be cached as the app's HTML for a year.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace rapport::http {

struct StaticResponse {
  int status = 200;  // 200, or 304 when If-None-Match names the current representation
  std::string body;  // empty on 304
  std::string content_type;
  std::vector<std::pair<std::string, std::string>> headers;
};

class StaticFiles {
 public:
  explicit StaticFiles(std::string root);

  // The response for a GET of `path` (the URL path, starting with '/'), or nullopt when there is
  // nothing to serve (no such asset, or no index.html under the root).
  std::optional<StaticResponse> get(std::string_view path, std::string_view accept_encoding,
                                    std::string_view if_none_match);

  // Whether an Accept-Encoding header value accepts gzip (a "gzip" or "*" token whose q is
  // not 0).
  static bool accepts_gzip(std::string_view accept_encoding);

 private:
  struct Entry {
    std::filesystem::file_time_type mtime;
    std::uintmax_t size = 0;
    std::string content_type;
    std::string plain;
    std::string gzip;  // empty when the type does not compress or compressing does not pay
    std::string etag;
    std::string gzip_etag;
  };
  std::shared_ptr<const Entry> entry_for(const std::filesystem::path& file);

  std::filesystem::path root_;
  std::mutex mutex_;
  std::unordered_map<std::string, std::shared_ptr<const Entry>> cache_;
};

}  // namespace rapport::http
