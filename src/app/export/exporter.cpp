#include "app/export/exporter.hpp"

#include <xlsxwriter.h>

#include <cstdio>
#include <memory>
#include <vector>

#include "app/permissions.hpp"
#include "core/error.hpp"
#include "core/spreadsheet_cell.hpp"
#include "core/time.hpp"

namespace rapport::app {

namespace {

enum class Col { kInt, kText, kTime, kMoney, kBool };
struct Column {
  const char* name;
  Col type;
};

struct Table {
  std::vector<Column> cols;
  const char* sql;
};

const Table& table_of(ExportTable t) {
  static const Table kCustomers = {
      {{"id", Col::kInt},
       {"kind", Col::kText},
       {"name", Col::kText},
       {"email", Col::kText},
       {"phone", Col::kText},
       {"birth_date", Col::kText},
       {"gender", Col::kText},
       {"street", Col::kText},
       {"city", Col::kText},
       {"region", Col::kText},
       {"postal_code", Col::kText},
       {"country", Col::kText},
       {"organisation_id", Col::kInt},
       {"owner_id", Col::kInt},
       {"email_consent", Col::kBool},
       {"sms_consent", Col::kBool},
       {"tags", Col::kText},
       {"created_at", Col::kTime},
       {"updated_at", Col::kTime}},
      "SELECT id, kind, name, email, phone, birth_date, gender, street, city, region, "
      "postal_code, country, organisation_id, owner_id, email_consent, sms_consent, "
      "(SELECT group_concat(tag, ';') FROM customer_tags t WHERE t.customer_id = c.id), "
      "created_at, updated_at FROM customers c WHERE deleted_at IS NULL AND merged_into IS NULL "
      "ORDER BY id"};
  static const Table kOrders = {
      {{"id", Col::kInt},
       {"customer_id", Col::kInt},
       {"kind", Col::kText},
       {"channel", Col::kText},
       {"location", Col::kText},
       {"placed_at", Col::kTime},
       {"currency", Col::kText},
       {"subtotal", Col::kMoney},
       {"discount", Col::kMoney},
       {"total", Col::kMoney},
       {"source", Col::kText},
       {"external_ref", Col::kText},
       {"lines", Col::kInt}},
      "SELECT id, customer_id, kind, channel, location, placed_at, currency, subtotal_minor, "
      "discount_minor, total_minor, source, external_ref, "
      "(SELECT count(*) FROM order_lines l WHERE l.order_id = o.id) FROM orders o ORDER BY id"};
  return t == ExportTable::kCustomers ? kCustomers : kOrders;
}

std::string money_text(std::int64_t minor) {
  std::string s = minor < 0 ? "-" : "";
  std::uint64_t m =
      minor < 0 ? static_cast<std::uint64_t>(-(minor + 1)) + 1 : static_cast<std::uint64_t>(minor);
  s += std::to_string(m / 100);
  s += '.';
  s += static_cast<char>('0' + (m % 100) / 10);
  s += static_cast<char>('0' + m % 10);
  return s;
}

void csv_field(std::string& out, std::string_view v) {
  std::string safe = neutralize_formula(v);
  if (safe.find_first_of(",\"\r\n") == std::string::npos) {
    out += safe;
    return;
  }
  out += '"';
  for (char c : safe) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

template <typename Row>
std::int64_t each_row(store::Database& db, const Caller& caller, ExportTable table, Row&& row) {
  require(caller, Permission::kExport);
  // A connection of its own: the export's one long read must not hold the thread's cached
  // statements, and WAL gives it a consistent snapshot while writes go on.
  auto conn = db.open_connection();
  store::Transaction snapshot(*conn, false);
  store::Query q(*conn, table_of(table).sql);
  std::int64_t n = 0;
  while (q.step()) {
    row(q.stmt());
    ++n;
  }
  snapshot.commit();
  return n;
}

}  // namespace

std::optional<ExportTable> parse_export_table(std::string_view name) noexcept {
  if (name == "customers") return ExportTable::kCustomers;
  if (name == "orders") return ExportTable::kOrders;
  return std::nullopt;
}

std::optional<ExportFormat> parse_export_format(std::string_view name) noexcept {
  if (name == "csv") return ExportFormat::kCsv;
  if (name == "xlsx") return ExportFormat::kXlsx;
  return std::nullopt;
}

std::int64_t export_csv(store::Database& db, const Caller& caller, ExportTable table,
                        const std::function<void(std::string_view)>& sink) {
  const Table& t = table_of(table);
  std::string buf;
  buf.reserve(80 * 1024);
  for (std::size_t i = 0; i < t.cols.size(); ++i) {
    if (i > 0) buf += ',';
    buf += t.cols[i].name;
  }
  buf += "\r\n";
  auto n = each_row(db, caller, table, [&](store::Statement& s) {
    for (std::size_t i = 0; i < t.cols.size(); ++i) {
      if (i > 0) buf += ',';
      auto c = static_cast<int>(i);
      if (s.is_null(c)) continue;
      switch (t.cols[i].type) {
        case Col::kInt:
          buf += std::to_string(s.get_int(c));
          break;
        case Col::kBool:
          buf += s.get_int(c) != 0 ? "true" : "false";
          break;
        case Col::kTime:
          buf += format_time(s.get_int(c));
          break;
        case Col::kMoney:
          buf += money_text(s.get_int(c));
          break;
        case Col::kText:
          csv_field(buf, s.get_text(c));
          break;
      }
    }
    buf += "\r\n";
    if (buf.size() >= 64 * 1024) {
      sink(buf);
      buf.clear();
    }
  });
  if (!buf.empty()) sink(buf);
  return n;
}

std::int64_t export_file(store::Database& db, const Caller& caller, ExportTable table,
                         ExportFormat format, const std::string& path) {
  require(caller, Permission::kExport);
  if (format == ExportFormat::kCsv) {
    std::unique_ptr<std::FILE, int (*)(std::FILE*)> f(std::fopen(path.c_str(), "wb"), &std::fclose);
    if (!f) throw Error(ErrorCode::kUnavailable, "cannot create the file", path);
    auto n = export_csv(db, caller, table, [&](std::string_view chunk) {
      if (std::fwrite(chunk.data(), 1, chunk.size(), f.get()) != chunk.size()) {
        throw Error(ErrorCode::kUnavailable, "writing failed", path);
      }
    });
    if (std::fflush(f.get()) != 0) throw Error(ErrorCode::kUnavailable, "writing failed", path);
    return n;
  }
  const Table& t = table_of(table);
  lxw_workbook_options opts{};
  opts.constant_memory = LXW_TRUE;
  opts.tmpdir = nullptr;
  std::unique_ptr<lxw_workbook, void (*)(lxw_workbook*)> wb(workbook_new_opt(path.c_str(), &opts),
                                                            [](lxw_workbook* w) {
                                                              if (w != nullptr) workbook_close(w);
                                                            });
  if (!wb) throw Error(ErrorCode::kUnavailable, "cannot create the workbook", path);
  lxw_worksheet* ws =
      workbook_add_worksheet(wb.get(), table == ExportTable::kCustomers ? "customers" : "orders");
  lxw_format* money = workbook_add_format(wb.get());
  format_set_num_format(money, "0.00");
  for (std::size_t i = 0; i < t.cols.size(); ++i) {
    worksheet_write_string(ws, 0, static_cast<lxw_col_t>(i), t.cols[i].name, nullptr);
  }
  lxw_row_t r = 0;
  std::string tmp;
  auto n = each_row(db, caller, table, [&](store::Statement& s) {
    ++r;
    if (r >= LXW_ROW_MAX)
      throw Error(ErrorCode::kInvalidArgument, "more rows than a worksheet holds", "format");
    for (std::size_t i = 0; i < t.cols.size(); ++i) {
      auto c = static_cast<int>(i);
      auto col = static_cast<lxw_col_t>(i);
      if (s.is_null(c)) continue;
      switch (t.cols[i].type) {
        case Col::kInt:
          worksheet_write_number(ws, r, col, static_cast<double>(s.get_int(c)), nullptr);
          break;
        case Col::kBool:
          worksheet_write_boolean(ws, r, col, s.get_int(c) != 0 ? 1 : 0, nullptr);
          break;
        case Col::kTime:
          tmp = format_time(s.get_int(c));
          worksheet_write_string(ws, r, col, tmp.c_str(), nullptr);
          break;
        case Col::kMoney:
          // Displayed in major units; a double is exact enough for display of amounts below
          // 2^53 minor units, and the stored value stays the integer.
          worksheet_write_number(ws, r, col, static_cast<double>(s.get_int(c)) / 100.0, money);
          break;
        case Col::kText:
          tmp = std::string(s.get_text(c));
          worksheet_write_string(ws, r, col, tmp.c_str(), nullptr);
          break;
      }
    }
  });
  lxw_workbook* raw = wb.release();
  if (workbook_close(raw) != LXW_NO_ERROR) {
    throw Error(ErrorCode::kUnavailable, "writing the workbook failed", path);
  }
  return n;
}

}  // namespace rapport::app
