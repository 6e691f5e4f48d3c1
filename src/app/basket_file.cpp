#include "app/basket_file.hpp"

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>
#include <vector>

#include "core/error.hpp"

namespace rapport::app {

using analytics::basket::ItemId;

std::optional<BasketFormat> parse_basket_format(std::string_view name) noexcept {
  if (name == "csv") return BasketFormat::kCsv;
  if (name == "fimi") return BasketFormat::kFimi;
  return std::nullopt;
}

namespace {

// Returns the 0-based offset of the first byte that is not part of well-formed UTF-8 (RFC 3629:
// no overlong forms, no surrogates, nothing above U+10FFFF) or that is NUL, or npos.
std::size_t first_invalid_utf8(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  std::size_t n = s.size();
  std::size_t i = 0;
  while (i < n) {
    unsigned char c = p[i];
    if (c >= 0x01 && c < 0x80) {
      ++i;
      continue;
    }
    std::size_t len = 0;
    unsigned char lo = 0x80;
    unsigned char hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      if (c == 0xE0) lo = 0xA0;  // overlong
      if (c == 0xED) hi = 0x9F;  // surrogates
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      if (c == 0xF0) lo = 0x90;  // overlong
      if (c == 0xF4) hi = 0x8F;  // above U+10FFFF
    } else {
      return i;  // NUL, a continuation byte, C0/C1 or F5..FF
    }
    if (i + len > n) return i;
    if (p[i + 1] < lo || p[i + 1] > hi) return i;
    for (std::size_t k = 2; k < len; ++k) {
      if (p[i + k] < 0x80 || p[i + k] > 0xBF) return i;
    }
    i += len;
  }
  return std::string_view::npos;
}

class Parser {
 public:
  Parser(const std::string& path, BasketFormat format, BasketFile& out)
      : path_(path), format_(format), out_(out) {}

  [[noreturn]] void fail(std::size_t line, const std::string& reason) const {
    throw_invalid(path_ + ":" + std::to_string(line), reason);
  }

  void line(std::size_t number, std::string_view text) {
    if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
    if (number == 1 && text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
    if (auto bad = first_invalid_utf8(text); bad != std::string_view::npos) {
      fail(number, text[bad] == '\0' ? "contains a NUL byte at byte " + std::to_string(bad + 1)
                                     : "is not valid UTF-8 at byte " + std::to_string(bad + 1));
    }
    ids_.clear();
    if (format_ == BasketFormat::kCsv) {
      if (text.empty()) fail(number, "blank line (an empty basket)");
      std::size_t item = 1;
      for (;;) {
        auto comma = text.find(',');
        auto name = text.substr(0, comma);
        if (name.empty()) fail(number, "item " + std::to_string(item) + " has an empty name");
        ids_.push_back(out_.items.intern(name));
        if (comma == std::string_view::npos) break;
        text.remove_prefix(comma + 1);
        ++item;
      }
    } else {
      std::size_t i = 0;
      while (i < text.size()) {
        if (text[i] == ' ' || text[i] == '\t') {
          ++i;
          continue;
        }
        auto start = i;
        std::uint64_t value = 0;
        while (i < text.size() && text[i] != ' ' && text[i] != '\t') {
          char c = text[i];
          if (c < '0' || c > '9' || value >= (std::uint64_t{1} << 32)) {
            auto end = text.find_first_of(" \t", start);
            fail(number, "'" + std::string(text.substr(start, end - start)) +
                             "' is not an item id (a decimal integer below 2^32)");
          }
          value = value * 10 + static_cast<std::uint64_t>(c - '0');
          ++i;
        }
        if (value >= (std::uint64_t{1} << 32)) {
          fail(number, "'" + std::string(text.substr(start, i - start)) +
                           "' is not an item id (a decimal integer below 2^32)");
        }
        ids_.push_back(out_.items.intern(std::to_string(value)));
      }
      if (ids_.empty()) fail(number, "blank line (an empty basket)");
    }
    out_.baskets.add(ids_);
  }

 private:
  const std::string& path_;
  BasketFormat format_;
  BasketFile& out_;
  std::vector<ItemId> ids_;
};

struct FileCloser {
  void operator()(std::FILE* f) const noexcept { std::fclose(f); }
};

}  // namespace

BasketFile BasketFile::read(const std::string& path, BasketFormat format,
                            const BasketReadOptions& options) {
  std::unique_ptr<std::FILE, FileCloser> file(std::fopen(path.c_str(), "rb"));
  if (!file) {
    int err = errno;
    throw Error(err == ENOENT ? ErrorCode::kNotFound : ErrorCode::kInvalidArgument,
                std::string("cannot open: ") + std::strerror(err), path);
  }
  BasketFile out;
  Parser parser(path, format, out);
  std::vector<char> block(std::size_t{1} << 16);
  std::string pending;  // the start of a line that continues in the next block
  std::size_t line = 1;
  std::size_t total = 0;
  auto too_long = [&] {
    parser.fail(line, "line is longer than " + std::to_string(options.max_line_bytes) + " bytes");
  };
  for (;;) {
    std::size_t got = std::fread(block.data(), 1, block.size(), file.get());
    if (got == 0) {
      if (std::ferror(file.get())) {
        throw Error(ErrorCode::kInvalidArgument,
                    std::string("cannot read: ") + std::strerror(errno), path);
      }
      break;
    }
    total += got;
    std::string_view rest(block.data(), got);
    while (!rest.empty()) {
      auto nl = rest.find('\n');
      if (nl == std::string_view::npos) {
        // A "\r" before the limit may still be the first half of a "\r\n" line end.
        if (pending.size() + rest.size() > options.max_line_bytes + 1) too_long();
        pending.append(rest);
        break;
      }
      auto piece = rest.substr(0, nl);
      rest.remove_prefix(nl + 1);
      std::string_view text = piece;
      if (!pending.empty()) {
        pending.append(piece);
        text = pending;
      }
      auto content = text.size() - (text.ends_with('\r') ? 1 : 0);
      if (content > options.max_line_bytes) too_long();
      parser.line(line, text);
      pending.clear();
      ++line;
    }
  }
  if (!pending.empty()) {
    if (pending.size() - (pending.ends_with('\r') ? 1 : 0) > options.max_line_bytes) too_long();
    parser.line(line, pending);
  }
  if (total == 0 || out.baskets.empty()) parser.fail(1, "file is empty (no baskets)");
  return out;
}

}  // namespace rapport::app
