#include "app/import/importer.hpp"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>

#include <nlohmann/json.hpp>

#include "app/audit_log.hpp"
#include "app/import/csv_reader.hpp"
#include "app/import/row_mappers.hpp"
#include "app/permissions.hpp"
#include "app/settings.hpp"
#include "core/error.hpp"
#include "core/validation.hpp"

namespace rapport::app {

namespace {

constexpr std::string_view kKindNames[] = {"customers", "products", "invoices", "transactions",
                                           "cdnow"};

std::string csv_quote(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

// "Header = field" lines; '#' starts a comment.
std::vector<std::pair<std::string, std::string>> read_mapping(const std::string& path) {
  std::vector<std::pair<std::string, std::string>> out;
  if (path.empty()) return out;
  std::ifstream in(path);
  if (!in) throw Error(ErrorCode::kNotFound, "cannot open the mapping file", path);
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    auto hash = line.find('#');
    if (hash != std::string::npos) line.resize(hash);
    if (trim(line).empty()) continue;
    auto eq = line.rfind('=');
    if (eq == std::string::npos) {
      throw Error(ErrorCode::kInvalidArgument, "expected 'Header = field'",
                  path + ":" + std::to_string(n));
    }
    out.emplace_back(trim(line.substr(0, eq)), trim(line.substr(eq + 1)));
  }
  return out;
}

ImportSummary load_summary(store::Connection& conn, std::int64_t id) {
  store::Query q(conn,
                 "SELECT id, kind, file, status, line, created, updated, rejected, error, "
                 "started_at, finished_at FROM imports WHERE id = ?",
                 id);
  if (!q.step()) throw Error(ErrorCode::kNotFound, "no import " + std::to_string(id), "id");
  ImportSummary s;
  s.id = q->get_int(0);
  s.kind = q->get_text(1);
  s.file = q->get_text(2);
  s.status = q->get_text(3);
  s.line = q->get_int(4);
  s.created = q->get_int(5);
  s.updated = q->get_int(6);
  s.rejected = q->get_int(7);
  s.error = q->get_optional_text(8);
  s.started_at = q->get_int(9);
  s.finished_at = q->get_optional_int(10);
  return s;
}

}  // namespace

std::optional<ImportKind> parse_import_kind(std::string_view name) noexcept {
  for (std::size_t i = 0; i < std::size(kKindNames); ++i) {
    if (kKindNames[i] == name) return static_cast<ImportKind>(i);
  }
  return std::nullopt;
}

std::string_view import_kind_name(ImportKind kind) noexcept {
  return kKindNames[static_cast<std::size_t>(kind)];
}

std::vector<MatchRule> parse_match_rules(std::string_view field, std::string_view text) {
  std::vector<MatchRule> out;
  std::size_t start = 0;
  while (start <= text.size()) {
    auto comma = text.find(',', start);
    std::string part =
        trim(text.substr(start, comma == std::string_view::npos ? text.npos : comma - start));
    MatchRule r;
    if (part == "external_id") {
      r = MatchRule::kExternalId;
    } else if (part == "email") {
      r = MatchRule::kEmail;
    } else if (part == "phone") {
      r = MatchRule::kPhone;
    } else {
      throw_invalid(std::string(field), "'" + part + "' is not one of external_id, email, phone");
    }
    out.push_back(r);
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return out;
}

ImportSummary get_import(store::Database& db, const Caller& caller, std::int64_t id) {
  require(caller, Permission::kImport);
  return load_summary(db.reader(), id);
}

ImportSummary Importer::run_file(const ImportOptions& o) {
  require(caller_, Permission::kImport);
  std::ifstream in(o.file, std::ios::binary);
  if (!in) throw Error(ErrorCode::kNotFound, "cannot open the file", o.file);
  std::error_code ec;
  auto size = std::filesystem::file_size(o.file, ec);
  return run(o, in, ec ? 0 : size, false);
}

ImportSummary Importer::run_text(const ImportOptions& o, std::string_view text) {
  require(caller_, Permission::kImport);
  if (o.resume) throw_invalid("resume", "an upload cannot be resumed");
  std::istringstream in{std::string(text)};
  return run(o, in, text.size(), true);
}

ImportSummary Importer::run(const ImportOptions& o, std::istream& in, std::uint64_t total_bytes,
                            bool single_batch) {
  if (o.batch == 0) throw_invalid("batch", "must be at least 1");
  if (o.skip_invalid && o.reject_file.empty() && !single_batch) {
    throw_invalid("reject-file", "--skip-invalid needs a reject file");
  }
  const std::string kind(import_kind_name(o.kind));
  const std::string label =
      single_batch ? o.file : std::filesystem::absolute(o.file).lexically_normal().string();

  MapperSettings ms;
  ms.source = o.source;
  ms.match = o.match;
  ms.mapping = read_mapping(o.mapping_file);
  {
    auto& conn = db_.reader();
    ms.default_region = get_setting(conn, setting::kDefaultRegion);
    ms.currency = get_setting(conn, setting::kCurrency);
  }
  auto mapper = make_row_mapper(o.kind, ms);
  CsvReader reader(
      in, o.kind == ImportKind::kCdnow ? CsvReader::Mode::kWhitespace : CsvReader::Mode::kCsv);
  CsvRecord rec;
  if (mapper->has_header()) {
    if (!reader.next(rec)) throw Error(ErrorCode::kInvalidArgument, "the file is empty", o.file);
    if (!rec.error.empty()) throw Error(ErrorCode::kInvalidArgument, rec.error, o.file + ":1");
    try {
      mapper->header(rec);
    } catch (const RowInvalid& e) {
      throw Error(ErrorCode::kInvalidArgument, e.reason, o.file + ":" + std::to_string(rec.line));
    }
  }

  // The import's row: a new one, or the unfinished one being resumed.
  ImportCounts counts;
  std::int64_t id = 0;
  std::uint64_t reject_bytes = 0;
  if (o.resume) {
    auto& conn = db_.reader();
    store::Query q(conn,
                   "SELECT id, file_size, line, byte_offset, created, updated, rejected, "
                   "reject_bytes, status FROM imports WHERE kind = ? AND file = ? "
                   "ORDER BY id DESC LIMIT 1",
                   kind, label);
    // Only the latest import of the file: resuming an older one after a newer one finished
    // would import its rows twice.
    if (!q.step() || q->get_text(8) == "done") {
      throw Error(ErrorCode::kNotFound, "no unfinished " + kind + " import of this file to resume",
                  o.file);
    }
    id = q->get_int(0);
    if (!q->is_null(1) && static_cast<std::uint64_t>(q->get_int(1)) != total_bytes) {
      throw Error(ErrorCode::kConflict,
                  "the file changed since import " + std::to_string(id) + " began (size " +
                      std::to_string(q->get_int(1)) + ", now " + std::to_string(total_bytes) +
                      "); start a new import instead",
                  o.file);
    }
    auto line = static_cast<std::size_t>(q->get_int(2));
    auto offset = static_cast<std::uint64_t>(q->get_int(3));
    counts.created = q->get_int(4);
    counts.updated = q->get_int(5);
    counts.rejected = q->get_int(6);
    reject_bytes = static_cast<std::uint64_t>(q->get_int(7));
    if (offset > 0) reader.seek(offset, line);
  } else {
    id = db_.writer().run([&](store::Connection& c) {
      nlohmann::json opts = {{"skip_invalid", o.skip_invalid},
                             {"batch", o.batch},
                             {"source", o.source},
                             {"mapping", o.mapping_file}};
      store::execute(c,
                     "INSERT INTO imports (kind, file, file_size, options, status, line, "
                     "byte_offset, reject_file, started_at, user_id) VALUES (?, ?, ?, ?, "
                     "'running', ?, ?, ?, ?, ?)",
                     kind, label, static_cast<std::int64_t>(total_bytes), opts.dump(),
                     static_cast<std::int64_t>(rec.end_line), static_cast<std::int64_t>(rec.end),
                     o.reject_file.empty() ? std::optional<std::string>() : o.reject_file, now_ms(),
                     caller_.user_id);
      return c.last_insert_id();
    });
  }

  // Rejects: cut back to what the last committed batch had written, then append.
  std::ofstream rejects;
  if (o.skip_invalid && !o.reject_file.empty()) {
    std::error_code ec;
    if (o.resume && std::filesystem::exists(o.reject_file, ec)) {
      std::filesystem::resize_file(o.reject_file, reject_bytes, ec);
      if (ec)
        throw Error(ErrorCode::kUnavailable, "cannot truncate: " + ec.message(), o.reject_file);
    }
    rejects.open(o.reject_file,
                 o.resume ? std::ios::binary | std::ios::app : std::ios::binary | std::ios::trunc);
    if (!rejects)
      throw Error(ErrorCode::kUnavailable, "cannot write the reject file", o.reject_file);
    if (!o.resume || reject_bytes == 0) {
      rejects << "line,reason,record\n";
      rejects.flush();
    }
  }
  std::vector<std::string> upload_rejects;

  const auto started = std::chrono::steady_clock::now();
  auto last_progress = started;
  ImportSummary result;
  bool eof = false;
  bool pending = false;  // a record read and parsed, not yet written (starts the next batch)
  const std::size_t batch = single_batch ? std::numeric_limits<std::size_t>::max() : o.batch;

  auto progress = [&](bool force) {
    if (!o.progress) return;
    auto now = std::chrono::steady_clock::now();
    if (!force && now - last_progress < std::chrono::milliseconds(500)) return;
    last_progress = now;
    ImportProgress p;
    p.rows = result.rows_read;
    p.bytes = reader.offset();
    p.total_bytes = total_bytes;
    p.seconds = std::chrono::duration<double>(now - started).count();
    o.progress(p);
  };

  // An invalid record (unreadable, or refused by the mapper): stops the import at its file:line,
  // or with skip_invalid is counted and goes to the reject file (or the upload's list).
  auto reject = [&](ImportCounts& c, const RowInvalid& bad) {
    if (!o.skip_invalid) {
      throw Error(ErrorCode::kInvalidArgument, bad.reason, o.file + ":" + std::to_string(rec.line));
    }
    ++c.rejected;
    if (rejects.is_open()) {
      rejects << rec.line << ',' << csv_quote(bad.reason) << ',' << csv_quote(rec.raw) << '\n';
    } else {
      upload_rejects.push_back("line " + std::to_string(rec.line) + ": " + bad.reason);
    }
  };

  try {
    while (!eof) {
      db_.writer().run(
          [&](store::Connection& conn) {
            ImportCounts c = counts;
            ImportContext ctx{conn, caller_, c, id, o.file, 0};
            std::size_t rows = 0;
            std::size_t end_line = 0;
            std::uint64_t end = 0;
            bool any = false;
            for (;;) {
              if (!pending) {
                if (!reader.next(rec)) {
                  eof = true;
                  break;
                }
                ++result.rows_read;
                if ((result.rows_read & 1023) == 0) progress(false);
                try {
                  if (!rec.error.empty()) throw RowInvalid{rec.error};
                  mapper->parse(rec);
                } catch (const RowInvalid& bad) {
                  reject(c, bad);
                  end_line = rec.end_line;
                  end = rec.end;
                  any = true;
                  continue;
                }
                pending = true;
              }
              if (rows >= batch && mapper->boundary())
                break;  // the pending row opens the next batch
              ctx.line = rec.line;
              try {
                mapper->write(ctx);
              } catch (const RowInvalid& bad) {
                reject(c, bad);
              }
              pending = false;
              ++rows;
              any = true;
              end_line = rec.end_line;
              end = rec.end;
            }
            // The open invoice is written with this batch: the checkpoint covers its lines.
            mapper->flush(ctx);
            if (rejects.is_open()) {
              rejects.flush();
              if (!rejects)
                throw Error(ErrorCode::kUnavailable, "writing rejects failed", o.reject_file);
              reject_bytes = static_cast<std::uint64_t>(rejects.tellp());
            }
            if (any) {
              store::execute(
                  conn,
                  "UPDATE imports SET line = ?, byte_offset = ?, created = ?, updated = ?, "
                  "rejected = ?, reject_bytes = ? WHERE id = ?",
                  static_cast<std::int64_t>(end_line), static_cast<std::int64_t>(end), c.created,
                  c.updated, c.rejected, static_cast<std::int64_t>(reject_bytes), id);
              record_audit(conn, caller_, "import", "import", std::to_string(id), nullptr,
                           {{"kind", kind},
                            {"file", label},
                            {"to_line", end_line},
                            {"created", c.created - counts.created},
                            {"updated", c.updated - counts.updated},
                            {"rejected", c.rejected - counts.rejected}});
            }
            if (eof) {
              store::execute(conn,
                             "UPDATE imports SET status = 'done', finished_at = ?, error = NULL "
                             "WHERE id = ?",
                             now_ms(), id);
            }
            counts = c;
          },
          store::Writer::Mode::kBulkLoad);
    }
  } catch (const Error& e) {
    mapper->reset_caches();
    std::string msg = std::string(e.field()) + ": " + e.what();
    try {
      db_.writer().run([&](store::Connection& conn) {
        store::execute(conn,
                       "UPDATE imports SET status = 'failed', finished_at = ?, error = ? WHERE "
                       "id = ?",
                       now_ms(), msg, id);
      });
    } catch (const Error&) {  // NOLINT(bugprone-empty-catch): the first error is the one to report
    }
    throw;
  }
  progress(true);
  ImportSummary s = load_summary(db_.reader(), id);
  s.orders = counts.orders;
  s.customers_created = counts.customers_created;
  s.products_created = counts.products_created;
  s.rows_read = result.rows_read;
  if (!upload_rejects.empty() && !s.error) {
    std::string all;
    for (const auto& r : upload_rejects) all += r + "\n";
    s.error = all;
  }
  return s;
}

}  // namespace rapport::app
