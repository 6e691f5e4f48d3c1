#include "app/import/csv_reader.hpp"

#include <string_view>

#include "core/error.hpp"

namespace rapport::app {

CsvReader::CsvReader(std::istream& in, Mode mode, std::size_t max_record_bytes)
    : in_(in), mode_(mode), max_record_bytes_(max_record_bytes), buf_(std::size_t{1} << 16) {}

bool CsvReader::fill() {
  if (pos_ < len_) return true;
  if (!in_.good()) {
    if (in_.bad()) throw Error(ErrorCode::kUnavailable, "reading the file failed", "file");
    return false;
  }
  in_.read(buf_.data(), static_cast<std::streamsize>(buf_.size()));
  len_ = static_cast<std::size_t>(in_.gcount());
  pos_ = 0;
  if (in_.bad()) throw Error(ErrorCode::kUnavailable, "reading the file failed", "file");
  return len_ > 0;
}

int CsvReader::peek() {
  if (pos_ == len_ && !fill()) return -1;
  return static_cast<unsigned char>(buf_[pos_]);
}

int CsvReader::get() {
  int c = peek();
  if (c >= 0) {
    ++pos_;
    ++offset_;
  }
  return c;
}

void CsvReader::seek(std::uint64_t offset, std::size_t line) {
  in_.clear();
  in_.seekg(static_cast<std::streamoff>(offset));
  if (!in_) throw Error(ErrorCode::kUnavailable, "cannot seek to the checkpoint", "file");
  pos_ = len_ = 0;
  offset_ = offset;
  line_ = line + 1;
  at_start_ = false;
}

bool CsvReader::next(CsvRecord& r) {
  if (at_start_) {
    at_start_ = false;
    // A UTF-8 byte order mark, as spreadsheet programs write, is not part of the first header.
    if (peek() == 0xEF) {
      std::size_t save_pos = pos_;
      get();
      if (peek() == 0xBB) {
        get();
        if (peek() == 0xBF) {
          get();
        } else {
          pos_ = save_pos;  // not a BOM after all (only possible inside one buffer)
          offset_ -= 2;
        }
      } else {
        pos_ = save_pos;
        offset_ -= 1;
      }
    }
  }
  for (;;) {
    // Fields are reused from record to record (swapped in and out of `field`), so reading a
    // record allocates nothing once the strings have grown to the file's field lengths.
    std::size_t nfields = 0;
    r.raw.clear();
    r.error.clear();
    r.line = line_;
    r.begin = offset_;
    if (peek() < 0) return false;

    std::string& field = field_;
    field.clear();
    bool quoted_field = false;
    bool in_quotes = false;
    bool after_quote = false;  // a quoted field was closed; only a separator may follow
    bool blank = true;
    bool done = false;
    auto end_field = [&] {
      if (nfields < r.fields.size()) {
        r.fields[nfields].swap(field);
      } else {
        r.fields.push_back(field);
      }
      ++nfields;
      field.clear();
      quoted_field = false;
      after_quote = false;
    };
    auto skip_rest_of_line = [&] {
      // Not kept in `raw`: an overlong record must not grow memory without bound.
      for (int c = peek(); c >= 0 && c != '\n' && c != '\r'; c = peek()) get();
    };
    while (!done) {
      // Fast path: a run of bytes that are neither separators, quotes nor line ends is copied at
      // once (the per-byte loop below decides everything else).
      if (mode_ == Mode::kCsv && r.error.empty() && !after_quote && pos_ < len_) {
        const std::size_t start = pos_;
        while (pos_ < len_) {
          const char b = buf_[pos_];
          if (b == '"' || b == '\n' || b == '\r' || (b == ',' && !in_quotes)) break;
          ++pos_;
        }
        if (pos_ > start) {
          const std::string_view run(buf_.data() + start, pos_ - start);
          offset_ += run.size();
          blank = false;
          r.raw += run;
          field += run;
          if (r.raw.size() > max_record_bytes_) {
            r.error = "the record is longer than " + std::to_string(max_record_bytes_) + " bytes";
            in_quotes = false;
            skip_rest_of_line();
          }
          continue;
        }
      }
      int c = get();
      if (c < 0) {
        if (in_quotes) r.error = "a quoted field is not closed before the end of the file";
        end_field();
        break;
      }
      if (c == '\n' || c == '\r') {
        if (c == '\r' && peek() == '\n') {
          get();
          if (in_quotes) r.raw += '\r';
          c = '\n';
        }
        if (in_quotes) {
          ++line_;
          field += static_cast<char>(c == '\r' ? '\n' : '\n');
          r.raw += '\n';
          continue;
        }
        end_field();
        ++line_;
        done = true;
        break;
      }
      r.raw += static_cast<char>(c);
      if (r.raw.size() > max_record_bytes_) {
        r.error = "the record is longer than " + std::to_string(max_record_bytes_) + " bytes";
        in_quotes = false;
        skip_rest_of_line();
        continue;
      }
      if (!r.error.empty()) continue;  // malformed: consume to the end of the line
      if (mode_ == Mode::kWhitespace) {
        if (c == ' ' || c == '\t') {
          if (!field.empty()) end_field();
        } else {
          blank = false;
          field += static_cast<char>(c);
        }
        continue;
      }
      blank = false;
      if (in_quotes) {
        if (c == '"') {
          if (peek() == '"') {
            r.raw += static_cast<char>(get());
            field += '"';
          } else {
            in_quotes = false;
            after_quote = true;
          }
        } else {
          field += static_cast<char>(c);
        }
      } else if (c == ',') {
        end_field();
      } else if (after_quote) {
        r.error = "text after the closing quote of field " + std::to_string(nfields + 1);
      } else if (c == '"' && field.empty() && !quoted_field) {
        quoted_field = true;
        in_quotes = true;
      } else {
        field += static_cast<char>(c);
      }
    }
    r.fields.resize(nfields);
    r.end_line = line_ - (done ? 1 : 0);
    r.end = offset_;
    if (mode_ == Mode::kWhitespace) {
      while (!r.fields.empty() && r.fields.back().empty()) r.fields.pop_back();
      if (r.fields.empty()) blank = true;
    }
    if (blank && r.error.empty() && r.fields.size() <= 1 &&
        (r.fields.empty() || r.fields[0].empty())) {
      continue;  // a blank line
    }
    return true;
  }
}

}  // namespace rapport::app
