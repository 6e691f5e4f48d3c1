#include "app/import/row_mappers.hpp"

#include <algorithm>
#include <map>
#include <unordered_map>
#include <unordered_set>

#include <nlohmann/json.hpp>

#include "app/contact_normalizer.hpp"
#include "app/timeline.hpp"
#include "app/transactions_file.hpp"
#include "core/error.hpp"
#include "core/validation.hpp"

namespace rapport::app {

namespace {

// Caches of ids by external key are cleared past this size: memory stays bounded whatever the
// file, at the cost of a lookup by index for the keys seen again.
constexpr std::size_t kMaxCacheEntries = 1'000'000;

std::string_view strip(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// A text cell: valid UTF-8, no control characters, at most `max` code points. The view points
// into `value`.
std::string_view checked_text(std::string_view column, std::string_view value, std::size_t max,
                              bool required, bool multiline = false) {
  std::string_view v = strip(value);
  // Printable ASCII (most cells of most files) passes every check below but the length and
  // emptiness ones; this spares a bulk import three passes over each cell.
  if (v.size() <= max && (!v.empty() || !required) &&
      std::all_of(v.begin(), v.end(), [](char c) { return c >= 0x20 && c < 0x7F; })) {
    return v;
  }
  if (!is_valid_utf8(v)) throw RowInvalid{"column '" + std::string(column) + "': not valid UTF-8"};
  try {
    check_text(column, v, max, required, multiline);
  } catch (const Error& e) {
    throw RowInvalid{"column '" + std::string(column) + "': " + e.what()};
  }
  return v;
}
std::string text_cell(std::string_view column, std::string_view value, std::size_t max,
                      bool required, bool multiline = false) {
  return std::string(checked_text(column, value, max, required, multiline));
}

std::optional<std::int64_t> parse_int(std::string_view s) {
  s = strip(s);
  if (s.empty() || s.size() > 18) return std::nullopt;
  bool neg = s.front() == '-';
  if (neg || s.front() == '+') s.remove_prefix(1);
  if (s.empty()) return std::nullopt;
  std::int64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return neg ? -v : v;
}

std::optional<bool> parse_bool(std::string_view s) {
  std::string v(strip(s));
  std::transform(v.begin(), v.end(), v.begin(), [](unsigned char c) { return std::tolower(c); });
  if (v == "1" || v == "true" || v == "yes" || v == "y") return true;
  if (v == "0" || v == "false" || v == "no" || v == "n") return false;
  return std::nullopt;
}

void expect_fields(const CsvRecord& r, std::size_t n) {
  if (r.fields.size() != n) {
    throw RowInvalid{"expected " + std::to_string(n) + " fields, found " +
                     std::to_string(r.fields.size())};
  }
}

void bind_opt(store::Statement& st, int i, const std::optional<std::string>& v) {
  if (v) {
    st.bind_text(i, *v);
  } else {
    st.bind_null(i);
  }
}
void bind_opt(store::Statement& st, int i, const std::optional<std::int64_t>& v) {
  if (v) {
    st.bind_int(i, *v);
  } else {
    st.bind_null(i);
  }
}

// Runs "`head` VALUES `tuple`, `tuple`, ..." over rows [0, count), up to 256 rows per statement
// (statements of 256, 64, 16, 4 and 1 rows: five texts in `texts` and in the connection's
// statement cache, at most a dozen statements for any remainder). bind(st, p, i) binds row i
// from parameter p on and returns the next parameter. A statement per row costs SQLite its
// setup (cursors on the table, its indexes and the parents of its foreign keys) every time.
template <typename Bind>
void insert_rows(store::Connection& conn, std::map<std::size_t, std::string>& texts,
                 std::string_view head, std::string_view tuple, std::size_t count, Bind bind) {
  constexpr std::size_t kMaxRows = 256;
  std::size_t done = 0;
  while (done < count) {
    std::size_t n = kMaxRows;
    while (n > count - done) n /= 4;
    std::string& sql = texts[n];
    if (sql.empty()) {
      sql.append(head).append(" VALUES ");
      for (std::size_t r = 0; r < n; ++r) sql.append(r == 0 ? "" : ",").append(tuple);
    }
    auto& st = conn.prepare(sql);
    int p = 1;
    for (std::size_t i = done; i < done + n; ++i) p = bind(st, p, i);
    try {
      st.step();
    } catch (...) {
      st.reset();
      throw;
    }
    st.reset();
    done += n;
  }
}

// A customer the import creates, with what goes in after its row.
struct NewCustomer {
  std::int64_t id = 0;
  std::string kind = "person";
  std::string name;
  std::optional<std::string> email, email_norm, phone, birth_date, gender, street, city, region,
      postal_code, country;
  std::optional<std::int64_t> owner;
  bool email_consent = false, sms_consent = false;
  std::optional<std::int64_t> email_consent_at, sms_consent_at;
  std::optional<std::string> email_consent_source, sms_consent_source;
  std::string custom = "{}";
  TimeMs created_at = 0;
  std::optional<std::string> external_id;
  std::vector<std::string> tags;
  TimelineEntry created;  // customer_id is set on insertion
};

// New customers of an import, inserted up to kChunk rows per statement. Why not one by one:
// customers has triggers (its FTS5 search index), so each INSERT runs in a statement
// transaction, and SQLite 3.40's FTS5 flushes its pending terms to a new segment at every
// statement savepoint: one segment per customer, then merges of all of them. That was 35-40% of
// a customer import and the reason its rate fell as the index grew (15k rows/s for the first
// 20k, 3.7k rows/s on average over 1M).
//
// Ids are given here, as SQLite gives them (max(id) + 1, in insertion order), so that rows
// referring to a queued customer (orders, external ids, timeline) can be prepared before it is
// written. REQUIRES: nothing else inserts customers between add() and write() (both run inside
// one writer job), and write() before anything that references the queued ids is written.
class NewCustomers {
 public:
  static constexpr std::size_t kChunk = 256;

  explicit NewCustomers(std::string source) : source_(std::move(source)) {}

  // Queues `c` and returns the id it will have.
  std::int64_t add(ImportContext& ctx, NewCustomer c) {
    if (rows_.empty()) {
      store::Query q(ctx.conn, "SELECT coalesce(max(id), 0) FROM customers");
      q.step();
      next_id_ = q->get_int(0) + 1;
    }
    c.id = next_id_++;
    c.created.customer_id = c.id;
    rows_.push_back(std::move(c));
    return rows_.back().id;
  }
  bool full() const { return rows_.size() >= kChunk; }
  bool empty() const { return rows_.empty(); }
  void clear() { rows_.clear(); }

  // Inserts the queued customers, then their external ids, tags and customer_created entries.
  void write(ImportContext& ctx) {
    insert_rows(
        ctx.conn, sql_,
        "INSERT INTO customers (id, kind, name, email, email_norm, phone, birth_date, gender, "
        "street, city, region, postal_code, country, owner_id, email_consent, "
        "email_consent_at, email_consent_source, sms_consent, sms_consent_at, "
        "sms_consent_source, custom, created_at, updated_at)",
        "(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", rows_.size(),
        [&](store::Statement& st, int p, std::size_t i) {
          const NewCustomer& c = rows_[i];
          st.bind_int(p++, c.id);
          st.bind_text(p++, c.kind);
          st.bind_text(p++, c.name);
          bind_opt(st, p++, c.email);
          bind_opt(st, p++, c.email_norm);
          bind_opt(st, p++, c.phone);
          bind_opt(st, p++, c.birth_date);
          bind_opt(st, p++, c.gender);
          bind_opt(st, p++, c.street);
          bind_opt(st, p++, c.city);
          bind_opt(st, p++, c.region);
          bind_opt(st, p++, c.postal_code);
          bind_opt(st, p++, c.country);
          bind_opt(st, p++, c.owner);
          st.bind_int(p++, c.email_consent ? 1 : 0);
          bind_opt(st, p++, c.email_consent_at);
          bind_opt(st, p++, c.email_consent_source);
          st.bind_int(p++, c.sms_consent ? 1 : 0);
          bind_opt(st, p++, c.sms_consent_at);
          bind_opt(st, p++, c.sms_consent_source);
          st.bind_text(p++, c.custom);
          st.bind_int(p++, c.created_at);
          st.bind_int(p++, c.created_at);
          return p;
        });
    for (const NewCustomer& c : rows_) {
      if (c.external_id) {
        store::execute(ctx.conn,
                       "INSERT INTO customer_external_ids (source, external_id, customer_id) "
                       "VALUES (?, ?, ?)",
                       source_, *c.external_id, c.id);
      }
      for (const auto& t : c.tags) {
        store::execute(ctx.conn,
                       "INSERT OR IGNORE INTO customer_tags (customer_id, tag) VALUES (?, ?)", c.id,
                       t);
      }
      append_timeline(ctx.conn, ctx.caller, c.created);
    }
    rows_.clear();
  }

 private:
  std::string source_;
  std::vector<NewCustomer> rows_;
  std::int64_t next_id_ = 0;
  std::map<std::size_t, std::string> sql_;
};

// Customer id by external id: cached, else from the index, else queued as a new customer (name
// from the id) in `created`.
class CustomerResolver {
 public:
  explicit CustomerResolver(std::string source) : source_(std::move(source)), created_(source_) {}
  std::int64_t resolve(ImportContext& ctx, const std::string& external_id,
                       const std::optional<std::string>& country, TimeMs at) {
    auto it = cache_.find(external_id);
    if (it != cache_.end()) return it->second;
    std::int64_t id = 0;
    {
      store::Query q(ctx.conn,
                     "SELECT customer_id FROM customer_external_ids WHERE source = ? AND "
                     "external_id = ?",
                     source_, external_id);
      if (q.step()) id = q->get_int(0);
    }
    if (id == 0) {
      NewCustomer c;
      c.created_at = now_ms();
      c.name = "Customer " + external_id;
      c.country = country;
      c.external_id = external_id;
      TimelineEntry& e = c.created;
      e.at = std::min(at, c.created_at);
      e.kind = "customer_created";
      e.channel = "system";
      e.subject = "Customer created by import";
      e.body = "Import #" + std::to_string(ctx.import_id) + " of " + ctx.file + ", line " +
               std::to_string(ctx.line) + " (" + source_ + " id " + external_id + ")";
      e.ref_type = "import";
      e.ref_id = ctx.import_id;
      id = created_.add(ctx, std::move(c));
      ++ctx.counts.customers_created;
    }
    if (cache_.size() >= kMaxCacheEntries) cache_.clear();
    cache_.emplace(external_id, id);
    return id;
  }
  NewCustomers& created() { return created_; }
  void clear() {
    cache_.clear();
    created_.clear();
  }

 private:
  std::string source_;
  std::unordered_map<std::string, std::int64_t> cache_;
  NewCustomers created_;
};

std::int64_t insert_order(ImportContext& ctx, std::optional<std::int64_t> customer, bool cancel,
                          TimeMs at, const std::string& currency, std::int64_t total,
                          const std::string& source, const std::optional<std::string>& ref) {
  store::execute(ctx.conn,
                 "INSERT INTO orders (customer_id, kind, channel, placed_at, currency, "
                 "subtotal_minor, discount_minor, total_minor, source, external_ref, user_id, "
                 "created_at) VALUES (?, ?, 'import', ?, ?, ?, 0, ?, ?, ?, ?, ?)",
                 customer, cancel ? "cancellation" : "sale", at, currency, total, total, source,
                 ref, ctx.caller.user_id, now_ms());
  return ctx.conn.last_insert_id();
}

void order_timeline(ImportContext& ctx, std::int64_t customer, std::int64_t order, TimeMs at,
                    bool cancel, const std::string& what) {
  TimelineEntry e;
  e.customer_id = customer;
  e.at = at;
  e.kind = "order_placed";
  e.channel = "system";  // imported: the original channel is not known
  e.subject = (cancel ? "Cancellation " : "Order ") + what;
  e.body = "Imported (import #" + std::to_string(ctx.import_id) + ")";
  e.ref_type = "order";
  e.ref_id = order;
  append_timeline(ctx.conn, ctx.caller, e);
}

// Orders (with their lines) waiting for the customers they name to be written: an order cannot
// go in before its customer (foreign key), and new customers go in kChunk at a time. Bounded:
// written when NewCustomers is full or the queue holds kMaxLines lines, and at each batch end.
class OrderQueue {
 public:
  struct Line {
    std::int64_t product, qty, price;
  };
  struct Order {
    std::optional<std::int64_t> customer;
    bool cancel = false;
    TimeMs at = 0;
    std::int64_t total = 0;
    std::optional<std::string> external_ref;
    std::string what;  // of the timeline subject: "Order <what>"
    std::size_t first_line = 0, lines = 0;
  };
  static constexpr std::size_t kMaxLines = 16384;
  static constexpr std::size_t kMaxOrders = 4096;

  explicit OrderQueue(const MapperSettings& s) : s_(s) {}

  // Queues an order; `lines` are copied.
  void add(Order o, const std::vector<Line>& lines) {
    o.first_line = lines_.size();
    o.lines = lines.size();
    lines_.insert(lines_.end(), lines.begin(), lines.end());
    if (o.external_ref) refs_.insert(*o.external_ref);
    orders_.push_back(std::move(o));
  }
  bool full(const NewCustomers& customers) const {
    return customers.full() || lines_.size() >= kMaxLines || orders_.size() >= kMaxOrders;
  }
  bool holds_ref(const std::string& ref) const { return refs_.count(ref) > 0; }

  // Writes the queued customers, then the orders in the order they were queued.
  void write(ImportContext& ctx, NewCustomers& customers) {
    customers.write(ctx);
    // One statement per line: a multi-row INSERT measured no faster here, as it needs a
    // statement journal (a copy of each index page it changes) that single rows do not.
    auto& ins = ctx.conn.prepare(
        "INSERT INTO order_lines (order_id, line_no, product_id, quantity, unit_price_minor, "
        "discount_minor, total_minor) VALUES (?, ?, ?, ?, ?, 0, ?)");
    for (const Order& o : orders_) {
      std::int64_t order = insert_order(ctx, o.customer, o.cancel, o.at, s_.currency, o.total,
                                        s_.source, o.external_ref);
      ++ctx.counts.orders;
      if (o.customer) order_timeline(ctx, *o.customer, order, o.at, o.cancel, o.what);
      std::int64_t line_no = 0;
      for (std::size_t i = o.first_line; i < o.first_line + o.lines; ++i) {
        const Line& l = lines_[i];
        ins.bind_int(1, order);
        ins.bind_int(2, ++line_no);
        ins.bind_int(3, l.product);
        ins.bind_int(4, l.qty);
        ins.bind_int(5, l.price);
        ins.bind_int(6, l.qty * l.price);
        try {
          ins.step();
        } catch (...) {
          ins.reset();
          throw;
        }
        ins.reset();
      }
    }
    clear();
  }
  void clear() {
    orders_.clear();
    lines_.clear();
    refs_.clear();
  }

 private:
  const MapperSettings& s_;
  std::vector<Order> orders_;
  std::vector<Line> lines_;
  std::unordered_set<std::string> refs_;
};

// ---- invoices ----------------------------------------------------------------------------

class InvoiceMapper final : public RowMapper {
 public:
  explicit InvoiceMapper(const MapperSettings& s) : s_(s), customers_(s.source) {}

  void header(const CsvRecord& r) override {
    static const std::vector<std::pair<const char*, std::vector<const char*>>> kCols = {
        {"Invoice", {"invoice", "invoiceno"}}, {"StockCode", {"stockcode"}},
        {"Description", {"description"}},      {"Quantity", {"quantity"}},
        {"InvoiceDate", {"invoicedate"}},      {"Price", {"price", "unitprice"}},
        {"Customer ID", {"customerid"}},       {"Country", {"country"}},
    };
    col_.assign(kCols.size(), -1);
    for (std::size_t i = 0; i < r.fields.size(); ++i) {
      std::string k = header_key(r.fields[i]);
      bool known = false;
      for (std::size_t c = 0; c < kCols.size(); ++c) {
        for (const char* alias : kCols[c].second) {
          if (k == alias) {
            if (col_[c] >= 0) throw RowInvalid{"column '" + r.fields[i] + "' appears twice"};
            col_[c] = static_cast<int>(i);
            known = true;
          }
        }
      }
      if (!known) throw RowInvalid{"unknown column '" + r.fields[i] + "'"};
    }
    for (std::size_t c = 0; c < kCols.size(); ++c) {
      if (col_[c] < 0) {
        throw RowInvalid{std::string("missing column '") + kCols[c].first +
                         "' (expected Invoice,StockCode,Description,Quantity,InvoiceDate,Price,"
                         "Customer ID,Country)"};
      }
    }
    width_ = r.fields.size();
  }

  void parse(const CsvRecord& r) override {
    expect_fields(r, width_);
    auto f = [&](int c) -> const std::string& {
      return r.fields[static_cast<std::size_t>(col_[static_cast<std::size_t>(c)])];
    };
    // assign(): the row's strings keep their capacity from line to line.
    row_.invoice.assign(checked_text("Invoice", f(0), 64, true));
    row_.stock.assign(checked_text("StockCode", f(1), 64, true));
    row_.description.assign(checked_text("Description", f(2), 500, false, true));
    auto q = parse_int(f(3));
    if (!q) throw RowInvalid{"column 'Quantity': '" + f(3) + "' is not a whole number"};
    if (*q == 0 || *q > 1'000'000'000 || *q < -1'000'000'000) {
      throw RowInvalid{"column 'Quantity': must be non-zero and at most 1e9 in size"};
    }
    row_.qty = *q;
    auto t = parse_invoice_time(strip(f(4)));
    if (!t) throw RowInvalid{"column 'InvoiceDate': '" + f(4) + "' is not a date and time"};
    row_.at = *t;
    auto p = parse_decimal_minor(strip(f(5)), 2);
    if (!p)
      throw RowInvalid{"column 'Price': '" + f(5) + "' is not an amount with at most 2 decimals"};
    if (*p < 0) throw RowInvalid{"column 'Price': must not be negative"};
    row_.price = *p;
    std::string_view cust = checked_text("Customer ID", f(6), 64, false);
    // Spreadsheet round trips turn the id 13085 into "13085.0".
    if (cust.size() > 2 && cust.substr(cust.size() - 2) == ".0") cust.remove_suffix(2);
    row_.customer.assign(cust);
    // Files repeat a handful of countries: the last one's code is reused.
    std::string_view country = strip(f(7));
    if (country != last_country_) {
      last_country_.assign(country);
      last_country_code_ = country_code(country);
    }
    row_.country = last_country_code_;
    row_.cancel = !row_.invoice.empty() && (row_.invoice[0] == 'C' || row_.invoice[0] == 'c');
    if (row_.cancel && row_.qty > 0) {
      throw RowInvalid{
          "column 'Quantity': a cancellation (invoice starting with C) has "
          "negative quantities"};
    }
  }

  bool boundary() const override { return !open_ || row_.invoice != inv_.invoice; }

  void write(ImportContext& ctx) override {
    if (open_ && row_.invoice != inv_.invoice) close_invoice(ctx);
    if (!open_) {
      // An invoice number already in the store (an earlier import of the same file, or the
      // number reappearing later in this one) is refused rather than merged, so importing a
      // file twice never doubles its lines. One still queued is written first, to be found.
      if (queue_.holds_ref(row_.invoice)) queue_.write(ctx, customers_.created());
      store::Query q(ctx.conn, "SELECT id FROM orders WHERE source = ? AND external_ref = ?",
                     s_.source, row_.invoice);
      if (q.step()) {
        throw RowInvalid{"invoice " + row_.invoice + " is already imported (order " +
                         std::to_string(q->get_int(0)) + ")"};
      }
      open_ = true;
      inv_ = row_;
      lines_.clear();
      first_line_ = ctx.line;
    }
    std::int64_t product = product_id(ctx, row_);
    lines_.push_back({product, row_.qty, row_.price});
  }

  void flush(ImportContext& ctx) override {
    close_invoice(ctx);
    queue_.write(ctx, customers_.created());
  }

  void reset_caches() override {
    products_.clear();
    customers_.clear();
    queue_.clear();
    open_ = false;
  }

 private:
  struct Row {
    std::string invoice, stock, description, customer;
    std::optional<std::string> country;
    std::int64_t qty = 0, price = 0;
    TimeMs at = 0;
    bool cancel = false;
  };

  // The open invoice is complete: queued, with its customer resolved (created if new).
  void close_invoice(ImportContext& ctx) {
    if (!open_) return;
    open_ = false;
    OrderQueue::Order o;
    if (!inv_.customer.empty()) {
      std::size_t save_line = ctx.line;
      ctx.line = first_line_;
      o.customer = customers_.resolve(ctx, inv_.customer, inv_.country, inv_.at);
      ctx.line = save_line;
    }
    o.cancel = inv_.cancel;
    o.at = inv_.at;
    for (const auto& l : lines_) o.total += l.qty * l.price;
    o.external_ref = inv_.invoice;
    o.what = inv_.invoice;
    queue_.add(std::move(o), lines_);
    ctx.counts.created += static_cast<std::int64_t>(lines_.size());
    if (queue_.full(customers_.created())) queue_.write(ctx, customers_.created());
  }

  std::int64_t product_id(ImportContext& ctx, const Row& r) {
    auto it = products_.find(r.stock);
    if (it != products_.end()) return it->second;
    std::int64_t id = 0;
    {
      store::Query q(ctx.conn, "SELECT id FROM products WHERE sku = ?", r.stock);
      if (q.step()) id = q->get_int(0);
    }
    if (id == 0) {
      const TimeMs now = now_ms();
      store::execute(ctx.conn,
                     "INSERT INTO products (sku, name, price_minor, currency, created_at, "
                     "updated_at) VALUES (?, ?, ?, ?, ?, ?)",
                     r.stock, r.description.empty() ? r.stock : r.description, r.price, s_.currency,
                     now, now);
      id = ctx.conn.last_insert_id();
      ++ctx.counts.products_created;
    }
    if (products_.size() >= kMaxCacheEntries) products_.clear();
    products_.emplace(r.stock, id);
    return id;
  }

  MapperSettings s_;
  std::vector<int> col_;
  std::size_t width_ = 0;
  Row row_, inv_;
  std::string last_country_ = "\x01";  // no country is spelled so
  std::optional<std::string> last_country_code_;
  bool open_ = false;
  std::size_t first_line_ = 0;
  std::vector<OrderQueue::Line> lines_;
  std::unordered_map<std::string, std::int64_t> products_;
  CustomerResolver customers_;
  OrderQueue queue_{s_};
};

// ---- transactions (customer_id,date,amount) and CDNOW -------------------------------------

class TransactionMapper final : public RowMapper {
 public:
  TransactionMapper(const MapperSettings& s, bool cdnow)
      : s_(s), cdnow_(cdnow), customers_(s.source) {}
  bool has_header() const override { return !cdnow_; }
  void header(const CsvRecord& r) override {
    if (r.fields.size() != 3 || header_key(r.fields[0]) != "customerid" ||
        header_key(r.fields[1]) != "date" || header_key(r.fields[2]) != "amount") {
      throw RowInvalid{"the header must be customer_id,date,amount"};
    }
  }
  void parse(const CsvRecord& r) override {
    expect_fields(r, cdnow_ ? 5 : 3);
    customer_ = text_cell(cdnow_ ? "customer" : "customer_id", r.fields[0], 64, true);
    const std::string& date = r.fields[cdnow_ ? 2 : 1];
    auto day = parse_day(strip(date), cdnow_);
    if (!day) throw RowInvalid{"column 'date': '" + date + "' is not a valid date"};
    at_ = static_cast<TimeMs>(*day) * 86'400'000;
    items_ = 0;
    if (cdnow_) {
      auto n = parse_int(r.fields[3]);
      if (!n || *n < 0) throw RowInvalid{"column 'items': '" + r.fields[3] + "' is not a count"};
      items_ = *n;
    }
    const std::string& amount = r.fields[cdnow_ ? 4 : 2];
    auto a = parse_decimal_minor(strip(amount), 2);
    if (!a)
      throw RowInvalid{"column 'amount': '" + amount +
                       "' is not an amount with at most 2 decimals"};
    amount_ = *a;
  }
  void write(ImportContext& ctx) override {
    OrderQueue::Order o;
    o.customer = customers_.resolve(ctx, customer_, std::nullopt, at_);
    o.cancel = amount_ < 0;
    o.at = at_;
    o.total = amount_;
    o.what = "of " + format_day(static_cast<std::int32_t>(at_ / 86'400'000)) +
             (cdnow_ ? " (" + std::to_string(items_) + " items)" : "");
    queue_.add(std::move(o), {});
    ++ctx.counts.created;
    if (queue_.full(customers_.created())) queue_.write(ctx, customers_.created());
  }
  void flush(ImportContext& ctx) override { queue_.write(ctx, customers_.created()); }
  void reset_caches() override {
    customers_.clear();
    queue_.clear();
  }

 private:
  MapperSettings s_;
  bool cdnow_;
  CustomerResolver customers_;
  OrderQueue queue_{s_};
  std::string customer_;
  TimeMs at_ = 0;
  std::int64_t items_ = 0, amount_ = 0;
};

// ---- products -------------------------------------------------------------------------------

class ProductMapper final : public RowMapper {
 public:
  explicit ProductMapper(const MapperSettings& s) : s_(s) {}
  void header(const CsvRecord& r) override {
    static const std::vector<std::pair<std::string, std::vector<const char*>>> kCols = {
        {"sku", {"sku", "stockcode", "code"}},
        {"name", {"name", "description", "title"}},
        {"category", {"category", "categorypath"}},
        {"price", {"price", "unitprice"}},
        {"currency", {"currency"}},
        {"active", {"active"}},
    };
    col_.assign(kCols.size(), -1);
    for (std::size_t i = 0; i < r.fields.size(); ++i) {
      std::string k = header_key(r.fields[i]);
      bool known = false;
      for (std::size_t c = 0; c < kCols.size() && !known; ++c) {
        for (const char* a : kCols[c].second) {
          if (k == a) {
            col_[c] = static_cast<int>(i);
            known = true;
            break;
          }
        }
      }
      if (!known) throw RowInvalid{"unknown column '" + r.fields[i] + "'"};
    }
    if (col_[0] < 0) throw RowInvalid{"missing column 'sku'"};
    width_ = r.fields.size();
  }
  void parse(const CsvRecord& r) override {
    expect_fields(r, width_);
    auto cell = [&](int c) -> std::string_view {
      return col_[static_cast<std::size_t>(c)] < 0
                 ? std::string_view()
                 : std::string_view(
                       r.fields[static_cast<std::size_t>(col_[static_cast<std::size_t>(c)])]);
    };
    row_ = {};
    row_.sku = text_cell("sku", cell(0), 64, true);
    row_.name = text_cell("name", cell(1), 300, false);
    row_.category = text_cell("category", cell(2), 300, false);
    if (!strip(cell(3)).empty()) {
      auto p = parse_decimal_minor(strip(cell(3)), 2);
      if (!p || *p < 0)
        throw RowInvalid{"column 'price': '" + std::string(cell(3)) +
                         "' is not a non-negative amount with at most 2 decimals"};
      row_.price = p;
    }
    std::string cur = text_cell("currency", cell(4), 3, false);
    if (!cur.empty()) {
      if (cur.size() != 3 ||
          !std::all_of(cur.begin(), cur.end(), [](char c) { return c >= 'A' && c <= 'Z'; })) {
        throw RowInvalid{"column 'currency': must be an ISO 4217 code such as USD"};
      }
      row_.currency = cur;
    }
    if (!strip(cell(5)).empty()) {
      row_.active = parse_bool(cell(5));
      if (!row_.active) throw RowInvalid{"column 'active': must be true or false"};
    }
  }
  void write(ImportContext& ctx) override {
    std::optional<std::int64_t> category;
    if (!row_.category.empty()) category = category_id(ctx, row_.category);
    std::int64_t id = 0;
    {
      store::Query q(ctx.conn, "SELECT id FROM products WHERE sku = ?", row_.sku);
      if (q.step()) id = q->get_int(0);
    }
    const TimeMs now = now_ms();
    if (id == 0) {
      if (row_.name.empty()) throw RowInvalid{"column 'name': required for a new product"};
      if (!row_.price) throw RowInvalid{"column 'price': required for a new product"};
      store::execute(ctx.conn,
                     "INSERT INTO products (sku, name, category_id, price_minor, currency, "
                     "active, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                     row_.sku, row_.name, category, *row_.price,
                     row_.currency.value_or(s_.currency), row_.active.value_or(true), now, now);
      ++ctx.counts.created;
    } else {
      store::execute(ctx.conn,
                     "UPDATE products SET name = coalesce(?, name), category_id = "
                     "coalesce(?, category_id), price_minor = coalesce(?, price_minor), currency "
                     "= coalesce(?, currency), active = coalesce(?, active), updated_at = ?, "
                     "version = version + 1 WHERE id = ?",
                     row_.name.empty() ? std::optional<std::string>() : row_.name, category,
                     row_.price, row_.currency, row_.active, now, id);
      ++ctx.counts.updated;
    }
  }
  void reset_caches() override { categories_.clear(); }

 private:
  // "Home & Kitchen > Cookware": each level found or created under its parent.
  std::int64_t category_id(ImportContext& ctx, const std::string& path) {
    auto it = categories_.find(path);
    if (it != categories_.end()) return it->second;
    std::optional<std::int64_t> parent;
    std::size_t start = 0;
    while (start <= path.size()) {
      std::size_t gt = path.find('>', start);
      std::string name(strip(std::string_view(path).substr(
          start, gt == std::string::npos ? std::string::npos : gt - start)));
      if (name.empty()) throw RowInvalid{"column 'category': empty level in '" + path + "'"};
      std::int64_t id = 0;
      {
        store::Query q(ctx.conn,
                       "SELECT id FROM categories WHERE coalesce(parent_id, 0) = ? AND name = ?",
                       parent.value_or(0), name);
        if (q.step()) id = q->get_int(0);
      }
      if (id == 0) {
        store::execute(ctx.conn, "INSERT INTO categories (name, parent_id) VALUES (?, ?)", name,
                       parent);
        id = ctx.conn.last_insert_id();
      }
      parent = id;
      if (gt == std::string::npos) break;
      start = gt + 1;
    }
    categories_.emplace(path, *parent);
    return *parent;
  }

  struct Row {
    std::string sku, name, category;
    std::optional<std::int64_t> price;
    std::optional<std::string> currency;
    std::optional<bool> active;
  };
  MapperSettings s_;
  std::vector<int> col_;
  std::size_t width_ = 0;
  Row row_;
  std::map<std::string, std::int64_t> categories_;
};

// ---- customers ------------------------------------------------------------------------------

class CustomerMapper final : public RowMapper {
 public:
  explicit CustomerMapper(const MapperSettings& s) : s_(s) {}

  void header(const CsvRecord& r) override {
    static const std::vector<std::pair<const char*, std::vector<const char*>>> kAliases = {
        {"external_id", {"externalid", "id", "customerid", "customerno", "customernumber"}},
        {"name", {"name", "fullname", "customername"}},
        {"first_name", {"firstname", "givenname"}},
        {"last_name", {"lastname", "surname", "familyname"}},
        {"kind", {"kind", "type"}},
        {"email", {"email", "emailaddress", "mail"}},
        {"phone", {"phone", "phonenumber", "mobile", "telephone", "tel"}},
        {"birth_date", {"birthdate", "birthday", "dateofbirth", "dob"}},
        {"gender", {"gender", "sex"}},
        {"street", {"street", "address", "streetaddress"}},
        {"city", {"city", "town"}},
        {"region", {"region", "state", "province"}},
        {"postal_code", {"postalcode", "zip", "zipcode", "postcode"}},
        {"country", {"country", "countrycode"}},
        {"tags", {"tags", "tag"}},
        {"email_consent", {"emailconsent", "emailoptin"}},
        {"sms_consent", {"smsconsent", "smsoptin"}},
        {"owner", {"owner", "owneremail"}},
    };
    fields_.clear();
    for (const auto& h : r.fields) {
      std::string target;
      for (const auto& [from, to] : s_.mapping) {
        if (from == strip(h)) target = to;
      }
      if (target.empty()) {
        std::string k = header_key(h);
        for (const auto& [field, aliases] : kAliases) {
          for (const char* a : aliases) {
            if (k == a) target = field;
          }
        }
        if (target.empty() && k.rfind("custom", 0) == 0 && h.find('.') != std::string::npos) {
          target = "custom." + std::string(strip(h.substr(h.find('.') + 1)));
        }
      }
      if (target.empty()) {
        throw RowInvalid{"unknown column '" + h +
                         "' (map it to a field, or to - to ignore it, "
                         "in a --mapping file)"};
      }
      if (target != "-" && std::find(fields_.begin(), fields_.end(), target) != fields_.end()) {
        throw RowInvalid{"two columns map to the field '" + target + "'"};
      }
      fields_.push_back(target);
    }
    bool has_name = std::find(fields_.begin(), fields_.end(), "name") != fields_.end() ||
                    std::find(fields_.begin(), fields_.end(), "first_name") != fields_.end() ||
                    std::find(fields_.begin(), fields_.end(), "last_name") != fields_.end();
    if (!has_name) throw RowInvalid{"no name column (name, or first_name/last_name)"};
  }

  void parse(const CsvRecord& r) override {
    expect_fields(r, fields_.size());
    row_ = {};
    std::string first, last;
    nlohmann::json custom = nlohmann::json::object();
    for (std::size_t i = 0; i < fields_.size(); ++i) {
      const std::string& f = fields_[i];
      std::string_view v = strip(r.fields[i]);
      if (f == "-") continue;
      if (!is_valid_utf8(v)) throw RowInvalid{"column '" + f + "': not valid UTF-8"};
      if (v.empty()) continue;
      if (f == "external_id") {
        row_.external_id = text_cell(f, v, 64, true);
      } else if (f == "name") {
        row_.name = text_cell(f, v, 200, true);
      } else if (f == "first_name") {
        first = text_cell(f, v, 100, true);
      } else if (f == "last_name") {
        last = text_cell(f, v, 100, true);
      } else if (f == "kind") {
        if (v != "person" && v != "organisation") {
          throw RowInvalid{"column 'kind': must be person or organisation"};
        }
        row_.kind = std::string(v);
      } else if (f == "email") {
        try {
          row_.email_norm = normalize_email(f, v);
          row_.email = std::string(v);
        } catch (const Error& e) {
          throw RowInvalid{"column 'email': " + std::string(e.what())};
        }
      } else if (f == "phone") {
        try {
          row_.phone = normalize_phone(f, v, s_.default_region);
        } catch (const Error& e) {
          throw RowInvalid{"column 'phone': " + std::string(e.what())};
        }
      } else if (f == "birth_date") {
        auto d = parse_day(v);
        if (!d || static_cast<std::int64_t>(*d) * 86'400'000 > now_ms()) {
          throw RowInvalid{"column 'birth_date': '" + std::string(v) +
                           "' is not a past date YYYY-MM-DD"};
        }
        row_.birth_date = format_day(*d);
      } else if (f == "gender") {
        std::string g(v);
        std::transform(g.begin(), g.end(), g.begin(),
                       [](unsigned char c) { return std::tolower(c); });
        if (g == "f") g = "female";
        if (g == "m") g = "male";
        if (g != "female" && g != "male" && g != "other") {
          throw RowInvalid{"column 'gender': must be female, male or other"};
        }
        row_.gender = g;
      } else if (f == "country") {
        auto c = country_code(v);
        if (!c)
          throw RowInvalid{"column 'country': '" + std::string(v) +
                           "' is not an ISO 3166 country code"};
        row_.country = *c;
      } else if (f == "tags") {
        std::string t(v);
        std::size_t start = 0;
        while (start <= t.size()) {
          std::size_t sep = t.find_first_of(";|", start);
          std::string tag(strip(std::string_view(t).substr(
              start, sep == std::string::npos ? std::string::npos : sep - start)));
          if (!tag.empty()) row_.tags.push_back(text_cell("tags", tag, 50, true));
          if (sep == std::string::npos) break;
          start = sep + 1;
        }
      } else if (f == "email_consent" || f == "sms_consent") {
        auto b = parse_bool(v);
        if (!b) throw RowInvalid{"column '" + f + "': must be true or false"};
        (f == "email_consent" ? row_.email_consent : row_.sms_consent) = *b;
      } else if (f == "owner") {
        row_.owner_email = normalize_owner(v);
      } else if (f.rfind("custom.", 0) == 0) {
        custom[f.substr(7)] = text_cell(f, v, 1000, false);
      } else {
        auto text = text_cell(f, v, 200, false);
        if (f == "street")
          row_.street = text;
        else if (f == "city")
          row_.city = text;
        else if (f == "region")
          row_.region = text;
        else if (f == "postal_code")
          row_.postal_code = text;
        else
          throw RowInvalid{"unknown field '" + f + "' in the mapping"};
      }
    }
    if (!row_.name && (!first.empty() || !last.empty())) {
      row_.name = first.empty() ? last : last.empty() ? first : first + " " + last;
    }
    if (!custom.empty()) row_.custom = custom.dump();
  }

  void write(ImportContext& ctx) override {
    // A row naming a customer still queued (same external id, email or phone) needs it in the
    // store first: to be matched, or refused, as the earlier row's customer.
    if ((row_.external_id && pending_external_.count(*row_.external_id) > 0) ||
        (row_.email_norm && pending_email_.count(*row_.email_norm) > 0) ||
        (row_.phone && pending_phone_.count(*row_.phone) > 0)) {
      flush(ctx);
    }
    // Each lookup once: the match and the checks below use the same answers.
    std::optional<std::int64_t> by_email, by_phone;
    auto email_owner = [&] {
      if (!by_email) by_email = live_by(ctx, "email_norm", *row_.email_norm);
      return *by_email;
    };
    auto phone_owner = [&] {
      if (!by_phone) by_phone = live_by(ctx, "phone", *row_.phone);
      return *by_phone;
    };
    // Who is it? The first matching rule wins.
    std::int64_t id = 0;
    for (MatchRule m : s_.match) {
      if (id != 0) break;
      if (m == MatchRule::kExternalId && row_.external_id) {
        store::Query q(ctx.conn,
                       "SELECT c.id FROM customer_external_ids e JOIN customers c ON c.id = "
                       "e.customer_id WHERE e.source = ? AND e.external_id = ? AND c.deleted_at "
                       "IS NULL AND c.merged_into IS NULL",
                       s_.source, *row_.external_id);
        if (q.step()) id = q->get_int(0);
      } else if (m == MatchRule::kEmail && row_.email_norm) {
        id = email_owner();
      } else if (m == MatchRule::kPhone && row_.phone) {
        id = phone_owner();
      }
    }
    // Checks before any write, so a refused row leaves nothing behind.
    if (row_.email_norm) {
      std::int64_t other = email_owner();
      if (other != 0 && other != id) {
        throw RowInvalid{"column 'email': already belongs to customer " + std::to_string(other)};
      }
    }
    if (row_.phone) {
      std::int64_t other = phone_owner();
      if (other != 0 && other != id) {
        throw RowInvalid{"column 'phone': already belongs to customer " + std::to_string(other)};
      }
    }
    if (row_.external_id) {
      store::Query q(ctx.conn,
                     "SELECT customer_id FROM customer_external_ids WHERE source = ? AND "
                     "external_id = ?",
                     s_.source, *row_.external_id);
      if (q.step() && q->get_int(0) != id) {
        throw RowInvalid{"column 'external_id': already belongs to customer " +
                         std::to_string(q->get_int(0))};
      }
    }
    std::optional<std::int64_t> owner;
    if (row_.owner_email) {
      store::Query q(ctx.conn, "SELECT id FROM users WHERE lower(email) = ?", *row_.owner_email);
      if (!q.step()) throw RowInvalid{"column 'owner': no user " + *row_.owner_email};
      owner = q->get_int(0);
    }
    if (id == 0 && !row_.name) throw RowInvalid{"column 'name': required for a new customer"};
    const TimeMs now = now_ms();
    std::optional<std::int64_t> email_at, sms_at;
    if (row_.email_consent.value_or(false)) email_at = now;
    if (row_.sms_consent.value_or(false)) sms_at = now;
    const std::string consent_source = "import #" + std::to_string(ctx.import_id);
    if (id == 0) {
      // Queued: written kChunk at a time (see NewCustomers), at the latest with the batch.
      NewCustomer c;
      c.kind = row_.kind.value_or("person");
      c.name = *row_.name;
      c.email = row_.email;
      c.email_norm = row_.email_norm;
      c.phone = row_.phone;
      c.birth_date = row_.birth_date;
      c.gender = row_.gender;
      c.street = row_.street;
      c.city = row_.city;
      c.region = row_.region;
      c.postal_code = row_.postal_code;
      c.country = row_.country;
      c.owner = owner;
      c.email_consent = row_.email_consent.value_or(false);
      c.email_consent_at = email_at;
      if (email_at) c.email_consent_source = consent_source;
      c.sms_consent = row_.sms_consent.value_or(false);
      c.sms_consent_at = sms_at;
      if (sms_at) c.sms_consent_source = consent_source;
      c.custom = row_.custom.value_or("{}");
      c.created_at = now;
      c.external_id = row_.external_id;
      c.tags = std::move(row_.tags);
      c.created = timeline_entry(ctx, true);
      c.created.at = now;
      if (row_.external_id) pending_external_.insert(*row_.external_id);
      if (row_.email_norm) pending_email_.insert(*row_.email_norm);
      if (row_.phone) pending_phone_.insert(*row_.phone);
      created_.add(ctx, std::move(c));
      ++ctx.counts.created;
      if (created_.full()) flush(ctx);
      return;
    }
    // Cells given replace the stored values; empty cells keep them. A consent given in the
    // file is recorded with this import as its source.
    store::execute(
        ctx.conn,
        "UPDATE customers SET kind = coalesce(?, kind), name = coalesce(?, name), email = "
        "coalesce(?, email), email_norm = coalesce(?, email_norm), phone = coalesce(?, phone), "
        "birth_date = coalesce(?, birth_date), gender = coalesce(?, gender), street = "
        "coalesce(?, street), city = coalesce(?, city), region = coalesce(?, region), "
        "postal_code = coalesce(?, postal_code), country = coalesce(?, country), owner_id = "
        "coalesce(?, owner_id), "
        "email_consent = coalesce(?, email_consent), email_consent_at = CASE WHEN ? IS NULL "
        "THEN email_consent_at ELSE ? END, email_consent_source = CASE WHEN ? IS NULL THEN "
        "email_consent_source ELSE ? END, "
        "sms_consent = coalesce(?, sms_consent), sms_consent_at = CASE WHEN ? IS NULL THEN "
        "sms_consent_at ELSE ? END, sms_consent_source = CASE WHEN ? IS NULL THEN "
        "sms_consent_source ELSE ? END, "
        "custom = CASE WHEN ? IS NULL THEN custom ELSE json_patch(custom, ?) END, "
        "updated_at = ?, version = version + 1 WHERE id = ?",
        row_.kind, row_.name, row_.email, row_.email_norm, row_.phone, row_.birth_date, row_.gender,
        row_.street, row_.city, row_.region, row_.postal_code, row_.country, owner,
        row_.email_consent, row_.email_consent, now, row_.email_consent, consent_source,
        row_.sms_consent, row_.sms_consent, now, row_.sms_consent, consent_source, row_.custom,
        row_.custom, now, id);
    ++ctx.counts.updated;
    if (row_.external_id) {
      store::execute(ctx.conn,
                     "INSERT OR IGNORE INTO customer_external_ids (source, external_id, "
                     "customer_id) VALUES (?, ?, ?)",
                     s_.source, *row_.external_id, id);
    }
    for (const auto& t : row_.tags) {
      store::execute(ctx.conn,
                     "INSERT OR IGNORE INTO customer_tags (customer_id, tag) VALUES (?, ?)", id, t);
    }
    TimelineEntry e = timeline_entry(ctx, false);
    e.customer_id = id;
    append_timeline(ctx.conn, ctx.caller, e);
  }

  void flush(ImportContext& ctx) override {
    created_.write(ctx);
    pending_external_.clear();
    pending_email_.clear();
    pending_phone_.clear();
  }

  void reset_caches() override {
    created_.clear();
    pending_external_.clear();
    pending_email_.clear();
    pending_phone_.clear();
  }

 private:
  static TimelineEntry timeline_entry(const ImportContext& ctx, bool created) {
    TimelineEntry e;
    e.kind = created ? "customer_created" : "customer_updated";
    e.channel = "system";
    e.subject = created ? "Customer imported" : "Customer updated by import";
    e.body = "Import #" + std::to_string(ctx.import_id) + " of " + ctx.file + ", line " +
             std::to_string(ctx.line);
    e.ref_type = "import";
    e.ref_id = ctx.import_id;
    return e;
  }
  static std::string normalize_owner(std::string_view v) {
    std::string s(v);
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
    return s;
  }
  static std::int64_t live_by(ImportContext& ctx, const char* column, const std::string& value) {
    // `column` is one of two literals chosen above, never input.
    std::string sql = std::string("SELECT id FROM customers WHERE ") + column +
                      " = ? AND deleted_at IS NULL AND merged_into IS NULL";
    store::Query q(ctx.conn, sql, value);
    return q.step() ? q->get_int(0) : 0;
  }

  struct Row {
    std::optional<std::string> external_id, name, kind, email, email_norm, phone, birth_date,
        gender, street, city, region, postal_code, country, owner_email, custom;
    std::optional<bool> email_consent, sms_consent;
    std::vector<std::string> tags;
  };
  MapperSettings s_;
  std::vector<std::string> fields_;
  Row row_;
  NewCustomers created_{s_.source};
  // Keys of the queued customers (cleared when they are written).
  std::unordered_set<std::string> pending_external_, pending_email_, pending_phone_;
};

}  // namespace

std::string header_key(std::string_view header) {
  std::string k;
  for (char c : header) {
    if (c >= 'A' && c <= 'Z') {
      k += static_cast<char>(c - 'A' + 'a');
    } else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
      k += c;
    }
  }
  return k;
}

std::optional<std::int64_t> parse_decimal_minor(std::string_view s, int digits) noexcept {
  if (s.empty() || s.size() > 24) return std::nullopt;
  bool neg = false;
  if (s.front() == '-' || s.front() == '+') {
    neg = s.front() == '-';
    s.remove_prefix(1);
  }
  std::int64_t whole = 0;
  std::size_t i = 0;
  for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i) {
    if (whole > 999'999'999'999'999) return std::nullopt;
    whole = whole * 10 + (s[i] - '0');
  }
  bool any_digit = i > 0;
  std::int64_t frac = 0;
  int nfrac = 0;
  if (i < s.size() && s[i] == '.') {
    ++i;
    for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i) {
      any_digit = true;
      if (nfrac < digits) {
        frac = frac * 10 + (s[i] - '0');
        ++nfrac;
      } else if (s[i] != '0') {
        return std::nullopt;  // more precision than the currency has: refuse, do not round
      }
    }
  }
  if (i != s.size() || !any_digit) return std::nullopt;
  for (; nfrac < digits; ++nfrac) frac *= 10;
  std::int64_t scale = 1;
  for (int d = 0; d < digits; ++d) scale *= 10;
  std::int64_t v = whole * scale + frac;
  return neg ? -v : v;
}

std::optional<TimeMs> parse_invoice_time(std::string_view s) noexcept {
  if (auto t = parse_time(s)) return t;
  // M/D/YYYY H:MM[:SS]
  int part[6] = {0, 0, 0, 0, 0, 0};
  int n = 0;
  int digits = 0;
  const char seps[] = {'/', '/', ' ', ':', ':'};
  for (std::size_t i = 0; i <= s.size(); ++i) {
    char c = i < s.size() ? s[i] : '\0';
    if (c >= '0' && c <= '9') {
      if (++digits > 4) return std::nullopt;
      part[n] = part[n] * 10 + (c - '0');
      continue;
    }
    if (digits == 0) return std::nullopt;
    if (c == '\0') break;
    if (n >= 5 || c != seps[n]) return std::nullopt;
    ++n;
    digits = 0;
  }
  if (n < 3) return std::nullopt;  // needs at least the hour and minutes
  if (n == 3) return std::nullopt;
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02dZ", part[2], part[0], part[1],
                part[3], part[4], n >= 5 ? part[5] : 0);
  return parse_time(buf);
}

std::optional<std::string> country_code(std::string_view name) {
  static const std::map<std::string, std::string> kNames = {
      {"unitedkingdom", "GB"}, {"uk", "GB"},
      {"greatbritain", "GB"},  {"france", "FR"},
      {"australia", "AU"},     {"netherlands", "NL"},
      {"germany", "DE"},       {"norway", "NO"},
      {"eire", "IE"},          {"ireland", "IE"},
      {"switzerland", "CH"},   {"spain", "ES"},
      {"poland", "PL"},        {"portugal", "PT"},
      {"italy", "IT"},         {"belgium", "BE"},
      {"lithuania", "LT"},     {"japan", "JP"},
      {"iceland", "IS"},       {"channelislands", "JE"},
      {"denmark", "DK"},       {"cyprus", "CY"},
      {"sweden", "SE"},        {"austria", "AT"},
      {"israel", "IL"},        {"finland", "FI"},
      {"greece", "GR"},        {"singapore", "SG"},
      {"lebanon", "LB"},       {"unitedarabemirates", "AE"},
      {"saudiarabia", "SA"},   {"czechrepublic", "CZ"},
      {"canada", "CA"},        {"brazil", "BR"},
      {"usa", "US"},           {"unitedstates", "US"},
      {"bahrain", "BH"},       {"malta", "MT"},
      {"rsa", "ZA"},           {"southafrica", "ZA"},
      {"hongkong", "HK"},      {"korea", "KR"},
      {"thailand", "TH"},      {"nigeria", "NG"},
      {"bermuda", "BM"},       {"china", "CN"},
      {"taiwan", "TW"},        {"india", "IN"},
      {"newzealand", "NZ"},    {"mexico", "MX"},
      {"estonia", "EE"},       {"latvia", "LV"},
      {"hungary", "HU"},       {"romania", "RO"},
      {"croatia", "HR"},       {"slovenia", "SI"},
      {"slovakia", "SK"},      {"luxembourg", "LU"},
      {"turkey", "TR"},        {"russia", "RU"},
  };
  std::string_view v = strip(name);
  if (v.size() == 2 && std::isalpha(static_cast<unsigned char>(v[0])) &&
      std::isalpha(static_cast<unsigned char>(v[1]))) {
    std::string c(v);
    for (char& ch : c) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    return c;
  }
  auto it = kNames.find(header_key(v));
  if (it == kNames.end()) return std::nullopt;
  return it->second;
}

std::unique_ptr<RowMapper> make_row_mapper(ImportKind kind, const MapperSettings& s) {
  switch (kind) {
    case ImportKind::kCustomers:
      return std::make_unique<CustomerMapper>(s);
    case ImportKind::kProducts:
      return std::make_unique<ProductMapper>(s);
    case ImportKind::kInvoices:
      return std::make_unique<InvoiceMapper>(s);
    case ImportKind::kTransactions:
      return std::make_unique<TransactionMapper>(s, false);
    case ImportKind::kCdnow:
      return std::make_unique<TransactionMapper>(s, true);
  }
  return nullptr;
}

}  // namespace rapport::app
