#include "app/transactions_file.hpp"

#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <memory>
#include <unordered_map>

#include "core/error.hpp"

namespace rapport::app {

std::optional<TransactionFormat> parse_transaction_format(std::string_view name) noexcept {
  if (name == "cdnow") return TransactionFormat::kCdnow;
  if (name == "csv") return TransactionFormat::kCsv;
  return std::nullopt;
}

namespace {

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

int to_int(std::string_view s) {
  int v = 0;
  std::from_chars(s.data(), s.data() + s.size(), v);
  return v;
}

bool is_blank(char c) {
  return c == ' ' || c == '\t' || c == '\r';
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_blank(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_blank(s.back())) s.remove_suffix(1);
  return s;
}

// Reads a file line by line in blocks, so that memory is one block plus one line.
class LineReader {
 public:
  LineReader(const std::string& path, std::size_t max_line)
      : path_(path), max_line_(max_line), file_(std::fopen(path.c_str(), "rb"), &std::fclose) {
    if (!file_) {
      throw Error(ErrorCode::kNotFound, "cannot open " + path + ": " + std::strerror(errno), path);
    }
    buffer_.resize(1 << 16);
  }

  // The next line without its end, or false at the end of the file.
  bool next(std::string& line) {
    line.clear();
    for (;;) {
      if (pos_ == end_) {
        if (eof_) {
          if (line.empty() && !pending_) return false;
          pending_ = false;
          ++number_;
          return true;
        }
        end_ = std::fread(buffer_.data(), 1, buffer_.size(), file_.get());
        pos_ = 0;
        if (end_ < buffer_.size()) {
          if (std::ferror(file_.get())) {
            throw Error(ErrorCode::kUnavailable, "cannot read " + path_, path_);
          }
          eof_ = true;
        }
        continue;
      }
      const char* start = buffer_.data() + pos_;
      const auto* newline = static_cast<const char*>(std::memchr(start, '\n', end_ - pos_));
      const std::size_t take = newline ? static_cast<std::size_t>(newline - start) : end_ - pos_;
      if (line.size() + take > max_line_) {
        throw_invalid(path_ + ":" + std::to_string(number_ + 1),
                      "line longer than " + std::to_string(max_line_) + " bytes");
      }
      line.append(start, take);
      pos_ += take;
      pending_ = true;
      if (newline) {
        ++pos_;
        pending_ = false;
        ++number_;
        return true;
      }
    }
  }

  std::size_t number() const { return number_; }

 private:
  std::string path_;
  std::size_t max_line_;
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file_;
  std::vector<char> buffer_;
  std::size_t pos_ = 0, end_ = 0, number_ = 0;
  bool eof_ = false;
  bool pending_ = false;  // bytes of an unterminated last line were read
};

// Exact decimal to minor units: "-12.5" with 2 digits is -1250.
std::optional<std::int64_t> parse_amount(std::string_view s, int minor_digits) {
  bool negative = false;
  if (!s.empty() && (s.front() == '-' || s.front() == '+')) {
    negative = s.front() == '-';
    s.remove_prefix(1);
  }
  const std::size_t dot = s.find('.');
  const std::string_view whole = s.substr(0, dot);
  const std::string_view fraction = dot == std::string_view::npos ? "" : s.substr(dot + 1);
  if (whole.empty() && fraction.empty()) return std::nullopt;
  if ((!whole.empty() && !all_digits(whole)) || (!fraction.empty() && !all_digits(fraction)) ||
      (dot != std::string_view::npos && fraction.empty() && whole.empty())) {
    return std::nullopt;
  }
  if (fraction.size() > static_cast<std::size_t>(minor_digits)) return std::nullopt;
  if (whole.size() > 15) return std::nullopt;  // keeps the result exact in an int64 and a double
  std::int64_t v = 0;
  for (char c : whole) v = v * 10 + (c - '0');
  for (int k = 0; k < minor_digits; ++k) {
    v = v * 10 + (static_cast<std::size_t>(k) < fraction.size() ? fraction[k] - '0' : 0);
  }
  return negative ? -v : v;
}

// Splits a CSV line into fields; false on an unterminated quote or text after a closing quote.
bool split_csv(std::string_view line, std::vector<std::string>& fields) {
  fields.clear();
  std::size_t i = 0;
  for (;;) {
    std::string field;
    while (i < line.size() && is_blank(line[i])) ++i;
    if (i < line.size() && line[i] == '"') {
      ++i;
      for (;;) {
        if (i >= line.size()) return false;
        if (line[i] == '"') {
          if (i + 1 < line.size() && line[i + 1] == '"') {
            field += '"';
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        field += line[i++];
      }
      while (i < line.size() && is_blank(line[i])) ++i;
      if (i < line.size() && line[i] != ',') return false;
    } else {
      const std::size_t comma = line.find(',', i);
      field = std::string(
          trim(line.substr(i, comma == std::string_view::npos ? line.npos : comma - i)));
      i = comma == std::string_view::npos ? line.size() : comma;
    }
    fields.push_back(std::move(field));
    if (i >= line.size()) return true;
    ++i;  // the comma
  }
}

}  // namespace

std::optional<std::int32_t> parse_day(std::string_view text, bool compact) noexcept {
  std::string_view y, m, d;
  if (compact) {
    if (text.size() != 8 || !all_digits(text)) return std::nullopt;
    y = text.substr(0, 4);
    m = text.substr(4, 2);
    d = text.substr(6, 2);
  } else {
    if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
    y = text.substr(0, 4);
    m = text.substr(5, 2);
    d = text.substr(8, 2);
    if (!all_digits(y) || !all_digits(m) || !all_digits(d)) return std::nullopt;
  }
  const std::chrono::year_month_day date{std::chrono::year{to_int(y)},
                                         std::chrono::month{static_cast<unsigned>(to_int(m))},
                                         std::chrono::day{static_cast<unsigned>(to_int(d))}};
  if (!date.ok() || to_int(y) < 1900) return std::nullopt;
  return static_cast<std::int32_t>(std::chrono::sys_days{date}.time_since_epoch().count());
}

std::string format_day(std::int32_t day) {
  const std::chrono::year_month_day date{std::chrono::sys_days{std::chrono::days{day}}};
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02u", static_cast<int>(date.year()),
                static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()));
  return buffer;
}

void TransactionsFile::for_each(const std::string& path, TransactionFormat format,
                                const std::function<void(const TransactionRecord&)>& sink,
                                const TransactionReadOptions& options) {
  if (options.minor_digits < 0 || options.minor_digits > 6) {
    throw_invalid("minor_digits", "a currency has 0 to 6 decimals");
  }
  LineReader reader(path, options.max_line_bytes);
  std::string line;
  std::vector<std::string> fields;
  bool header_seen = false;
  const auto fail = [&](const std::string& reason) {
    throw_invalid(path + ":" + std::to_string(reader.number()), reason);
  };
  while (reader.next(line)) {
    std::string_view view = line;
    if (reader.number() == 1 && view.starts_with("\xEF\xBB\xBF")) view.remove_prefix(3);
    if (trim(view).empty()) continue;
    TransactionRecord record;
    record.line = reader.number();
    std::string_view date_text, amount_text;
    if (format == TransactionFormat::kCsv) {
      if (!split_csv(view, fields)) fail("unbalanced quotes");
      if (!header_seen) {
        if (fields.size() != 3 || fields[0] != "customer_id" || fields[1] != "date" ||
            fields[2] != "amount") {
          fail("expected the header customer_id,date,amount");
        }
        header_seen = true;
        continue;
      }
      if (fields.size() != 3) {
        fail("expected 3 fields (customer_id,date,amount), found " + std::to_string(fields.size()));
      }
      record.customer = fields[0];
      date_text = fields[1];
      amount_text = fields[2];
    } else {
      fields.clear();
      std::size_t i = 0;
      while (i < view.size()) {
        while (i < view.size() && (is_blank(view[i]))) ++i;
        if (i == view.size()) break;
        std::size_t j = i;
        while (j < view.size() && !is_blank(view[j])) ++j;
        fields.emplace_back(view.substr(i, j - i));
        i = j;
      }
      if (fields.size() != 5) {
        fail("expected 5 fields (customer id, sample id, YYYYMMDD, items, amount), found " +
             std::to_string(fields.size()));
      }
      record.customer = fields[0];
      date_text = fields[2];
      if (!all_digits(fields[3])) fail("number of items '" + fields[3] + "' is not a count");
      amount_text = fields[4];
    }
    if (record.customer.empty()) fail("empty customer id");
    const auto day = parse_day(date_text, format == TransactionFormat::kCdnow);
    if (!day) {
      fail("date '" + std::string(date_text) + "' is not a valid " +
           (format == TransactionFormat::kCdnow ? "YYYYMMDD" : "YYYY-MM-DD") + " date");
    }
    record.day = *day;
    const auto amount = parse_amount(amount_text, options.minor_digits);
    if (!amount) {
      fail("amount '" + std::string(amount_text) + "' is not a number with at most " +
           std::to_string(options.minor_digits) + " decimals");
    }
    record.amount_minor = *amount;
    sink(record);
  }
  if (format == TransactionFormat::kCsv && !header_seen) {
    throw_invalid(path + ":1", "empty file: expected the header customer_id,date,amount");
  }
}

TransactionsFile TransactionsFile::read(const std::string& path, TransactionFormat format,
                                        const TransactionReadOptions& options) {
  TransactionsFile out;
  std::unordered_map<std::string, std::int64_t> ids;
  double scale = 1;
  for (int k = 0; k < options.minor_digits; ++k) scale *= 10;
  for_each(
      path, format,
      [&](const TransactionRecord& r) {
        auto it = ids.find(std::string(r.customer));
        if (it == ids.end()) {
          it = ids.emplace(std::string(r.customer),
                           static_cast<std::int64_t>(out.customer_names.size()))
                   .first;
          out.customer_names.emplace_back(r.customer);
        }
        out.transactions.push_back(
            {it->second, r.day, static_cast<double>(r.amount_minor) / scale});
        out.lines = r.line;
      },
      options);
  return out;
}

}  // namespace rapport::app
