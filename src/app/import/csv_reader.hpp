#pragma once
// CsvReader: a streaming reader of RFC 4180 CSV (and of whitespace-separated columns, for the
// CDNOW layout) that holds one record at a time, whatever the file's size.
//
// Why our own reader: resuming an import needs the exact byte offset and physical line at
// which each record ends (the checkpoint), and a reject file needs the record's original
// bytes. Debian's CSV libraries either load the whole file (rapidcsv) or report fields through
// callbacks without positions (libcsv), so neither could give us the checkpoint.
//
// Accepted: "\n", "\r\n" or a lone "\r" as line ends; quoted fields with "" for a quote and
// embedded line ends (the record's `line` is the physical line where it starts); a UTF-8 byte
// order mark at the start; a last line without its line end. Blank lines are skipped. A quote
// inside an unquoted field is kept literally (as spreadsheets write it). Bytes are passed
// through: checking UTF-8 is the row mappers' job, so the reason names the column.
//
// Malformed records (text after a closing quote, a quoted field still open at the end of the
// file, a record over max_record_bytes) come back with `error` set and the reader positioned at
// the next line, so a caller can reject them and go on.
//
// Thread-safety: one reader per thread. Errors: rapport::Error (unavailable) when reading fails.
#include <cstddef>
#include <cstdint>
#include <istream>
#include <string>
#include <vector>

namespace rapport::app {

struct CsvRecord {
  std::vector<std::string> fields;
  std::size_t line = 0;      // physical line (1-based) where the record starts
  std::size_t end_line = 0;  // physical line where it ends (> line with embedded line ends)
  std::uint64_t begin = 0;   // byte offset of its first byte
  std::uint64_t end = 0;     // byte offset just past its line end: where the next one starts
  std::string raw;           // the record's bytes without the final line end
  std::string error;         // empty when well-formed
};

class CsvReader {
 public:
  enum class Mode { kCsv, kWhitespace };

  // Reads from `in` (not owned; must outlive the reader), positioned at its start.
  explicit CsvReader(std::istream& in, Mode mode = Mode::kCsv,
                     std::size_t max_record_bytes = std::size_t{1} << 20);

  // Next non-blank record; false at the end of the input.
  bool next(CsvRecord& record);

  // Continues at byte `offset` (a record's `end`), counting lines from `line` + 1 (that
  // record's `end_line`). For --resume.
  void seek(std::uint64_t offset, std::size_t line);

  // Bytes consumed so far (for progress).
  std::uint64_t offset() const { return offset_; }

 private:
  int peek();
  int get();
  bool fill();

  std::istream& in_;
  Mode mode_;
  std::size_t max_record_bytes_;
  std::vector<char> buf_;
  std::size_t pos_ = 0, len_ = 0;
  std::uint64_t offset_ = 0;
  std::size_t line_ = 1;
  bool at_start_ = true;
  std::string field_;  // the field being read
};

}  // namespace rapport::app
