#include "http/static_files.hpp"

#include <fstream>
#include <iterator>

#include <fmt/format.h>
#include <restinio/impl/string_caseless_compare.hpp>
#include <restinio/transforms/zlib.hpp>

namespace rapport::http {

namespace {

std::string static_content_type(const std::filesystem::path& p) {
  auto ext = p.extension().string();
  if (ext == ".html") return "text/html; charset=utf-8";
  if (ext == ".js" || ext == ".mjs") return "text/javascript; charset=utf-8";
  if (ext == ".css") return "text/css; charset=utf-8";
  if (ext == ".svg") return "image/svg+xml";
  if (ext == ".png") return "image/png";
  if (ext == ".ico") return "image/x-icon";
  if (ext == ".json" || ext == ".map") return "application/json";
  if (ext == ".txt") return "text/plain; charset=utf-8";
  if (ext == ".woff2") return "font/woff2";
  if (ext == ".woff") return "font/woff";
  return "application/octet-stream";
}

bool compresses_well(std::string_view type) {
  return type.starts_with("text/") || type.starts_with("application/json") ||
         type.starts_with("image/svg+xml");
}

// FNV-1a 64: an ETag only has to change when the content does (not a security boundary).
std::string content_tag(std::string_view content) {
  std::uint64_t h = 14695981039346656037ull;
  for (unsigned char c : content) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return fmt::format("{:016x}-{:x}", h, content.size());
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Whether an If-None-Match value ("*", or a list of possibly weak tags) names `etag`.
bool etag_matches(std::string_view if_none_match, std::string_view etag) {
  while (!if_none_match.empty()) {
    auto comma = if_none_match.find(',');
    std::string_view item = trim(if_none_match.substr(0, comma));
    if (item.starts_with("W/")) item.remove_prefix(2);
    if (item == "*" || item == etag) return true;
    if (comma == std::string_view::npos) break;
    if_none_match.remove_prefix(comma + 1);
  }
  return false;
}

}  // namespace

StaticFiles::StaticFiles(std::string root) {
  if (root.empty()) return;
  std::error_code ec;
  root_ = std::filesystem::weakly_canonical(root, ec);
  if (ec) root_.clear();
}

bool StaticFiles::accepts_gzip(std::string_view accept_encoding) {
  while (!accept_encoding.empty()) {
    auto comma = accept_encoding.find(',');
    std::string_view item = trim(accept_encoding.substr(0, comma));
    auto semi = item.find(';');
    std::string_view coding = trim(item.substr(0, semi));
    if (restinio::impl::is_equal_caseless(coding, "gzip") || coding == "*") {
      bool refused = false;
      if (semi != std::string_view::npos) {
        std::string_view param = trim(item.substr(semi + 1));
        if (param.starts_with("q=") || param.starts_with("Q=")) {
          std::string_view q = param.substr(2);
          // q=0, q=0.0, q=0.00, q=0.000 refuse; anything else accepts.
          refused = !q.empty() && q.front() == '0' &&
                    q.find_first_not_of("0.", 0) == std::string_view::npos;
        }
      }
      if (!refused) return true;
    }
    if (comma == std::string_view::npos) break;
    accept_encoding.remove_prefix(comma + 1);
  }
  return false;
}

std::shared_ptr<const StaticFiles::Entry> StaticFiles::entry_for(
    const std::filesystem::path& file) {
  std::error_code ec;
  auto mtime = std::filesystem::last_write_time(file, ec);
  if (ec) return nullptr;
  auto size = std::filesystem::file_size(file, ec);
  if (ec) return nullptr;
  const std::string key = file.string();
  {
    std::lock_guard lock(mutex_);
    auto it = cache_.find(key);
    if (it != cache_.end() && it->second->mtime == mtime && it->second->size == size) {
      return it->second;
    }
  }
  // Read and compress outside the lock; two first requests for one file may both do it, and
  // the second simply replaces the first's equal entry.
  std::ifstream in(file, std::ios::binary);
  if (!in) return nullptr;
  auto e = std::make_shared<Entry>();
  e->mtime = mtime;
  e->plain.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  e->size = e->plain.size();
  e->content_type = static_content_type(file);
  e->etag = "\"" + content_tag(e->plain) + "\"";
  if (compresses_well(e->content_type) && e->plain.size() > 256) {
    std::string gz = restinio::transforms::zlib::gzip_compress(e->plain, 9);
    if (gz.size() < e->plain.size()) {
      e->gzip = std::move(gz);
      e->gzip_etag = "\"" + content_tag(e->plain) + "-gz\"";
    }
  }
  std::lock_guard lock(mutex_);
  cache_[key] = e;
  return e;
}

std::optional<StaticResponse> StaticFiles::get(std::string_view path,
                                               std::string_view accept_encoding,
                                               std::string_view if_none_match) {
  if (root_.empty()) return std::nullopt;
  namespace fs = std::filesystem;
  std::string rel(path.starts_with('/') ? path.substr(1) : path);
  const bool is_asset = rel.starts_with("assets/");
  std::error_code ec;
  fs::path file = fs::weakly_canonical(root_ / rel, ec);
  const std::string root = root_.string() + "/";
  bool inside = !ec && file.string().starts_with(root);
  if (!inside || !fs::is_regular_file(file, ec)) {
    if (is_asset) return std::nullopt;
    file = root_ / "index.html";
  }
  auto e = entry_for(file);
  if (!e) return std::nullopt;

  StaticResponse r;
  r.content_type = e->content_type;
  const bool gzip = !e->gzip.empty() && accepts_gzip(accept_encoding);
  const std::string& etag = gzip ? e->gzip_etag : e->etag;
  const bool hashed = is_asset && file.parent_path() == root_ / "assets";
  r.headers.emplace_back("Cache-Control",
                         hashed ? "public, max-age=31536000, immutable" : "no-cache");
  r.headers.emplace_back("ETag", etag);
  if (!e->gzip.empty()) r.headers.emplace_back("Vary", "Accept-Encoding");
  if (!if_none_match.empty() && etag_matches(if_none_match, etag)) {
    r.status = 304;
    return r;
  }
  if (gzip) {
    r.headers.emplace_back("Content-Encoding", "gzip");
    r.body = e->gzip;
  } else {
    r.body = e->plain;
  }
  return r;
}

}  // namespace rapport::http
