// The importer end to end on real databases: invoices, customers with matching, invalid rows
// (stop and skip), and a crash test: the importer is killed with SIGKILL at random points of
// several runs (child processes) and resumed; afterwards every row of the file is in the store
// exactly once.
#include "app/import/importer.hpp"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include <gtest/gtest.h>

#include "app/import/row_mappers.hpp"
#include "core/error.hpp"
#include "store/sqlite/sqlite_connection.hpp"
#include "unit/test_support.hpp"

namespace rapport::app {
namespace {

namespace fs = std::filesystem;

class ImporterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = test_support::fresh_test_dir("rapport-import");
    db_path_ = (dir_ / "t.db").string();
  }
  void TearDown() override {
    // Import batches run without SQLite's foreign key checks (Writer::Mode::kBulkLoad): every
    // reference they write must still hold.
    if (db_) {
      EXPECT_EQ(scalar("SELECT count(*) FROM pragma_foreign_key_check"), 0);
    }
    db_.reset();
    fs::remove_all(dir_);
  }
  store::Database& db() {
    if (!db_) db_ = std::make_unique<store::Database>(db_path_);
    return *db_;
  }
  std::string write(const std::string& name, const std::string& text) {
    auto p = (dir_ / name).string();
    std::ofstream(p, std::ios::binary) << text;
    return p;
  }
  std::int64_t scalar(const std::string& sql) { return test_support::scalar(db().reader(), sql); }
  ImportSummary import(ImportKind kind, const std::string& file, std::size_t batch = 10000,
                       bool skip = false) {
    ImportOptions o;
    o.kind = kind;
    o.file = file;
    o.batch = batch;
    o.skip_invalid = skip;
    if (skip) o.reject_file = (dir_ / "rejects.csv").string();
    return Importer(db(), Caller::operator_cli()).run_file(o);
  }
  std::string error_of(ImportKind kind, const std::string& file, std::size_t batch = 10000) {
    try {
      import(kind, file, batch);
    } catch (const Error& e) {
      return e.field() + "|" + e.what();
    }
    return "no error";
  }

  fs::path dir_;
  std::string db_path_;
  std::unique_ptr<store::Database> db_;
};

const char* kHeader =
    "Invoice,StockCode,Description,Quantity,InvoiceDate,Price,Customer ID,Country\n";

TEST_F(ImporterTest, InvoicesBecomeOrdersCancellationsAndAnonymousBaskets) {
  auto f =
      write("inv.csv", std::string(kHeader) +
                           "536365,85123A,\"WHITE HANGING HEART T-LIGHT HOLDER\",6,2010-12-01 "
                           "08:26:00,2.55,17850.0,United Kingdom\n"
                           "536365,71053,\"WHITE METAL, LANTERN\",6,2010-12-01 "
                           "08:26:00,3.39,17850.0,United Kingdom\n"
                           "C536379,D,Discount,-1,12/1/2010 9:41,27.50,14527,United Kingdom\n"
                           "536380,71053,WHITE METAL LANTERN,2,2010-12-01 09:45:00,3.39,,France\n");
  auto s = import(ImportKind::kInvoices, f);
  EXPECT_EQ(s.status, "done");
  EXPECT_EQ(s.created, 4);
  EXPECT_EQ(s.line, 5);
  EXPECT_EQ(scalar("SELECT count(*) FROM orders"), 3);
  EXPECT_EQ(scalar("SELECT count(*) FROM orders WHERE kind = 'cancellation'"), 1);
  EXPECT_EQ(scalar("SELECT count(*) FROM orders WHERE customer_id IS NULL"), 1);
  EXPECT_EQ(scalar("SELECT total_minor FROM orders WHERE external_ref = '536365'"),
            6 * 255 + 6 * 339);
  EXPECT_EQ(scalar("SELECT total_minor FROM orders WHERE external_ref = 'C536379'"), -2750);
  EXPECT_EQ(scalar("SELECT count(*) FROM customers"), 2);  // 17850 and 14527
  EXPECT_EQ(scalar("SELECT count(*) FROM customer_external_ids WHERE external_id = '17850'"), 1);
  EXPECT_EQ(scalar("SELECT count(*) FROM products"), 3);
  // One timeline entry per order and per created customer, not one per line.
  EXPECT_EQ(scalar("SELECT count(*) FROM interactions WHERE kind = 'order_placed'"), 2);
  EXPECT_EQ(scalar("SELECT count(*) FROM interactions WHERE kind = 'customer_created'"), 2);
  EXPECT_EQ(scalar("SELECT count(*) FROM audit_log WHERE action = 'import'"), 1);
}

TEST_F(ImporterTest, ImportingTheSameInvoicesTwiceRefusesThemInsteadOfDoublingLines) {
  auto f = write("twice.csv", std::string(kHeader) +
                                  "1,A,Thing,2,2024-01-02 10:00:00,1.50,7,France\n"
                                  "1,B,Other,1,2024-01-02 10:00:00,3.00,7,France\n");
  import(ImportKind::kInvoices, f);
  auto s = import(ImportKind::kInvoices, f, 10000, true);
  EXPECT_EQ(s.created, 0);
  EXPECT_EQ(s.rejected, 2);
  EXPECT_EQ(scalar("SELECT count(*) FROM order_lines"), 2);
  EXPECT_EQ(error_of(ImportKind::kInvoices, f), f + ":2|invoice 1 is already imported (order 1)");
}

TEST_F(ImporterTest, ResumeTakesOnlyTheLatestImportOfTheFile) {
  auto f = write("r.csv", "customer_id,date,amount\n1,2024-01-02,1.00\n2,2024-01-02,x\n");
  EXPECT_NE(error_of(ImportKind::kTransactions, f), "no error");  // a failed import
  auto s = import(ImportKind::kTransactions, f, 10000, true);     // then a finished one
  EXPECT_EQ(s.status, "done");
  ImportOptions o;
  o.kind = ImportKind::kTransactions;
  o.file = f;
  o.resume = true;
  EXPECT_THROW(Importer(db(), Caller::operator_cli()).run_file(o), Error);
  EXPECT_EQ(scalar("SELECT count(*) FROM orders"), 1);
}

TEST_F(ImporterTest, StopsAtTheFirstInvalidRowNamingFileAndLineAndKeepsEarlierBatches) {
  std::string text = kHeader;
  for (int i = 0; i < 10; ++i) {
    text += "A" + std::to_string(i) + ",S1,Thing,1,2010-12-01 08:26:00,1.00,1,France\n";
  }
  text += "B1,S1,Thing,one,2010-12-01 08:26:00,1.00,1,France\n";  // line 12
  text += "B2,S1,Thing,1,2010-12-01 08:26:00,1.00,1,France\n";
  auto f = write("bad.csv", text);
  std::string err = error_of(ImportKind::kInvoices, f, 4);
  EXPECT_EQ(err, f + ":12|column 'Quantity': 'one' is not a whole number");
  // Batches of 4 rows: lines 2-5 and 6-9 committed; the batch holding line 12 is not.
  EXPECT_EQ(scalar("SELECT count(*) FROM order_lines"), 8);
  EXPECT_EQ(scalar("SELECT count(*) FROM imports WHERE status = 'failed' AND line = 9"), 1);
}

TEST_F(ImporterTest, WrongColumnCountAndBadUtf8AreRejectedWithTheirLines) {
  std::string text = kHeader;
  text += "A1,S1,Thing,1,2010-12-01 08:26:00,1.00,1\n";                   // 7 fields, line 2
  text += "A2,S1,\"multi\nline\",1,2010-12-01 08:26:00,1.00,1,France\n";  // lines 3-4, fine
  text += "A3,S1,Bad \xff byte,1,2010-12-01 08:26:00,1.00,1,France\n";    // line 5
  text += "A4,S1,Fine,1,2010-12-01 08:26:00,1.00,1,France\n";             // line 6
  auto f = write("rows.csv", text);
  auto s = import(ImportKind::kInvoices, f, 10000, true);
  EXPECT_EQ(s.created, 2);
  EXPECT_EQ(s.rejected, 2);
  std::ifstream in(dir_ / "rejects.csv");
  std::stringstream got;
  got << in.rdbuf();
  EXPECT_EQ(got.str(),
            "line,reason,record\n"
            "2,\"expected 8 fields, found 7\",\"A1,S1,Thing,1,2010-12-01 08:26:00,1.00,1\"\n"
            "5,\"column 'Description': not valid UTF-8\",\"A3,S1,Bad \xff byte,1,2010-12-01 "
            "08:26:00,1.00,1,France\"\n");
}

TEST_F(ImporterTest, CustomersMatchByExternalIdEmailOrPhoneInsteadOfDuplicating) {
  auto f = write("c.csv",
                 "Customer ID,First Name,Last Name,E-mail,Mobile,City,Country,Tags,Email Consent\n"
                 "X1,Ann,Lee,Ann@Example.com,+1 415 555 2671,San Francisco,US,vip;newsletter,yes\n"
                 "X2,王,芳,wang@example.cn,+86 13800138000,Shanghai,CN,,no\n");
  auto s = import(ImportKind::kCustomers, f);
  EXPECT_EQ(s.created, 2);
  EXPECT_EQ(scalar("SELECT count(*) FROM customers WHERE email_norm = 'ann@example.com' AND "
                   "phone = '+14155552671' AND email_consent = 1"),
            1);
  EXPECT_EQ(scalar("SELECT count(*) FROM customer_tags"), 2);
  // Same people again: by email (new external id), by phone, by external id.
  auto g = write("c2.csv",
                 "email,phone,name,external_id,city\n"
                 "ANN@example.com,,Ann Lee-Smith,,Oakland\n"
                 ",+86 138 0013 8000,,,Beijing\n"
                 ",,Ann L.,X1,\n"
                 "new@example.com,,New Person,,\n");
  auto t = import(ImportKind::kCustomers, g);
  EXPECT_EQ(t.created, 1);
  EXPECT_EQ(t.updated, 3);
  EXPECT_EQ(scalar("SELECT count(*) FROM customers"), 3);
  EXPECT_EQ(scalar("SELECT count(*) FROM customers WHERE city = 'Beijing' AND name = '王 芳'"), 1);
  EXPECT_EQ(scalar("SELECT count(*) FROM customers WHERE name = 'Ann L.' AND city = 'Oakland'"), 1);
  EXPECT_EQ(scalar("SELECT count(*) FROM interactions WHERE kind = 'customer_updated'"), 3);
}

// New customers are written in multi-row statements (NewCustomers in row_mappers.cpp): rows of
// one batch that name a customer created earlier in the same batch must still find it, and the
// ids, search index and timeline must be what row-by-row inserts gave.
TEST_F(ImporterTest, CustomersCreatedEarlierInTheSameBatchAreMatchedAndIndexed) {
  std::string text = "external_id,name,email,phone,tags\n";
  for (int i = 0; i < 300; ++i) {  // 256 + 16 + 16 + 4 + 4 + 4 rows: every statement size
    text += "E" + std::to_string(i) + ",Person " + std::to_string(i) + ",p" + std::to_string(i) +
            "@example.com,," + (i % 3 == 0 ? "vip;new" : "") + "\n";
  }
  text += "E7,Renamed Seven,,,\n";             // line 302: external id of line 9
  text += ",Mail Twelve,P12@Example.com,,\n";  // line 303: email of line 14
  text += "N1,Ann Phone,,+1 415 555 2671,\n";  // line 304
  text += "N2,Ann Again,,+14155552671,\n";     // line 305: phone of line 304
  auto f = write("same.csv", text);
  auto s = import(ImportKind::kCustomers, f);
  EXPECT_EQ(s.status, "done");
  EXPECT_EQ(s.created, 301);
  EXPECT_EQ(s.updated, 3);
  EXPECT_EQ(scalar("SELECT count(*) FROM customers"), 301);
  EXPECT_EQ(scalar("SELECT min(id) FROM customers"), 1);
  EXPECT_EQ(scalar("SELECT max(id) FROM customers"), 301);
  EXPECT_EQ(scalar("SELECT id FROM customers WHERE name = 'Person 299'"), 300);
  EXPECT_EQ(scalar("SELECT id FROM customers WHERE name = 'Renamed Seven'"), 8);
  EXPECT_EQ(scalar("SELECT id FROM customers WHERE name = 'Mail Twelve'"), 13);
  EXPECT_EQ(scalar("SELECT id FROM customers WHERE name = 'Ann Again'"), 301);
  EXPECT_EQ(scalar("SELECT count(*) FROM customer_external_ids"), 302);  // N1 and N2: one person
  EXPECT_EQ(scalar("SELECT count(*) FROM customer_tags"), 200);
  EXPECT_EQ(scalar("SELECT count(*) FROM interactions WHERE kind = 'customer_created'"), 301);
  EXPECT_EQ(scalar("SELECT count(*) FROM interactions WHERE kind = 'customer_updated'"), 3);
  EXPECT_EQ(scalar("SELECT count(*) FROM interactions i JOIN customers c ON c.id = "
                   "i.customer_id WHERE i.kind = 'customer_created' AND i.body LIKE '%line ' || "
                   "(c.id + 1)"),
            300);
  EXPECT_EQ(scalar("SELECT count(*) FROM interactions WHERE customer_id = 301 AND kind = "
                   "'customer_created' AND body LIKE '%line 304'"),
            1);
  // The search index holds exactly the stored names, emails and phones.
  EXPECT_NO_THROW(db().writer().run([](store::Connection& c) {
    store::execute(c,
                   "INSERT INTO customers_fts (customers_fts, rank) VALUES "
                   "('integrity-check', 1)");
  }));
  EXPECT_EQ(scalar("SELECT count(*) FROM customers_fts WHERE customers_fts MATCH 'Renamed'"), 1);
  EXPECT_EQ(scalar("SELECT count(*) FROM customers_fts WHERE customers_fts MATCH 'Seven'"), 1);
  // "Person 7" was renamed: only Person 70-79 still hold the phrase.
  EXPECT_EQ(scalar("SELECT count(*) FROM customers_fts WHERE customers_fts MATCH '\"Person 7\"'"),
            10);

  // Matching by external id only: the phone of a customer queued in this batch is taken.
  auto g =
      write("taken.csv", "external_id,name,phone\nT1,Tom,+1 206 200 0001\nT2,Tim,+12062000001\n");
  ImportOptions o;
  o.kind = ImportKind::kCustomers;
  o.file = g;
  o.match = {MatchRule::kExternalId};
  try {
    Importer(db(), Caller::operator_cli()).run_file(o);
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.field(), g + ":3");
    EXPECT_NE(std::string(e.what()).find("already belongs to customer 302"), std::string::npos);
  }
  EXPECT_EQ(scalar("SELECT count(*) FROM customers WHERE name = 'Tom'"), 0);  // same batch
}

TEST_F(ImporterTest, AnInvoiceNumberSeenAgainLaterInTheFileIsRefused) {
  auto f = write("again.csv", std::string(kHeader) +
                                  "1,A,Thing,2,2024-01-02 10:00:00,1.50,7,France\n"
                                  "2,B,Other,1,2024-01-02 10:05:00,3.00,8,France\n"
                                  "1,B,Other,1,2024-01-02 10:09:00,3.00,7,France\n"
                                  "3,A,Thing,1,2024-01-02 10:10:00,1.50,9,France\n");
  auto s = import(ImportKind::kInvoices, f, 10000, true);
  EXPECT_EQ(s.created, 3);
  EXPECT_EQ(s.rejected, 1);
  EXPECT_EQ(scalar("SELECT count(*) FROM orders"), 3);
  EXPECT_EQ(scalar("SELECT count(*) FROM customers"), 3);
  EXPECT_EQ(scalar("SELECT id FROM orders WHERE external_ref = '3'"), 3);
  EXPECT_EQ(scalar("SELECT customer_id FROM orders WHERE external_ref = '3'"), 3);
  std::ifstream in(dir_ / "rejects.csv");
  std::stringstream got;
  got << in.rdbuf();
  EXPECT_NE(got.str().find("4,\"invoice 1 is already imported (order 1)\""), std::string::npos);
}

TEST_F(ImporterTest, CustomersRefuseUnknownColumnsAndTakenEmails) {
  auto f = write("u.csv", "name,favourite colour\nAnn,blue\n");
  EXPECT_EQ(error_of(ImportKind::kCustomers, f),
            f + ":1|unknown column 'favourite colour' (map it to a field, or to - to ignore it, "
                "in a --mapping file)");
  auto m = write("map.txt", "# ours\nfavourite colour = custom.colour\n");
  ImportOptions o;
  o.kind = ImportKind::kCustomers;
  o.file = f;
  o.mapping_file = m;
  auto s = Importer(db(), Caller::operator_cli()).run_file(o);
  EXPECT_EQ(s.created, 1);
  EXPECT_EQ(
      scalar("SELECT count(*) FROM customers WHERE json_extract(custom, '$.colour') = 'blue'"), 1);
  // Matching only by external id: an email that belongs to someone else is a bad row.
  auto g = write("g.csv", "name,email\nA,a@example.com\n");
  import(ImportKind::kCustomers, g);
  auto h = write("h.csv", "name,email,phone\nB,b@example.com,+14155552671\nC,a@example.com,\n");
  o.file = h;
  o.mapping_file.clear();
  o.match = {MatchRule::kExternalId};
  try {
    Importer(db(), Caller::operator_cli()).run_file(o);
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.field(), h + ":3");
    EXPECT_NE(std::string(e.what()).find("already belongs to customer"), std::string::npos);
  }
  EXPECT_EQ(scalar("SELECT count(*) FROM customers WHERE name = 'B'"), 0);  // same batch
}

TEST_F(ImporterTest, CdnowSampleLoads) {
  ImportOptions o;
  o.kind = ImportKind::kCdnow;
  o.file = std::string(RAPPORT_SHARED_DATA) + "/cdnow/CDNOW_sample.txt";
  o.batch = 2000;
  auto s = Importer(db(), Caller::operator_cli()).run_file(o);
  EXPECT_EQ(s.created, 6919);
  EXPECT_EQ(scalar("SELECT count(*) FROM customers"), 2357);
  EXPECT_EQ(scalar("SELECT sum(total_minor) FROM orders"),
            scalar("SELECT sum(total_minor) FROM orders"));  // readable
  EXPECT_EQ(scalar("SELECT total_minor FROM orders ORDER BY id LIMIT 1"), 2933);
}

TEST_F(ImporterTest, ForbiddenWithoutTheImportPermission) {
  auto f = write("x.csv", "customer_id,date,amount\n1,2020-01-01,1.00\n");
  Caller analyst;
  analyst.role = Role::kService;
  ImportOptions o;
  o.kind = ImportKind::kTransactions;
  o.file = f;
  EXPECT_THROW(Importer(db(), analyst).run_file(o), Error);
  EXPECT_EQ(scalar("SELECT count(*) FROM imports"), 0);
}

// ---- the crash test -----------------------------------------------------------------------

struct Row {
  std::string invoice, sku;
  std::int64_t qty, price;
  bool operator<(const Row& o) const {
    return std::tie(invoice, sku, qty, price) < std::tie(o.invoice, o.sku, o.qty, o.price);
  }
  bool operator==(const Row& o) const = default;
};

std::string make_invoices(std::uint32_t seed, int lines, std::vector<Row>& rows) {
  std::mt19937 rng(seed);
  std::string text = kHeader;
  int inv = 500000;
  for (int n = 0; n < lines;) {
    ++inv;
    bool cancel = rng() % 20 == 0;
    int k = 1 + static_cast<int>(rng() % 7);
    std::string cust = rng() % 8 == 0 ? "" : std::to_string(12000 + rng() % 400);
    for (int i = 0; i < k && n < lines; ++i, ++n) {
      std::string sku = std::to_string(20000 + rng() % 300);
      std::int64_t qty = 1 + static_cast<std::int64_t>(rng() % 24);
      if (cancel) qty = -qty;
      std::int64_t price = 10 + static_cast<std::int64_t>(rng() % 2000);
      std::string id = (cancel ? "C" : "") + std::to_string(inv);
      char buf[256];
      std::snprintf(buf, sizeof buf,
                    "%s,%s,\"ITEM %s, \"\"BOXED\"\"\",%lld,2011-0%d-1%d "
                    "1%d:%02d:00,%lld.%02lld,%s,United Kingdom\n",
                    id.c_str(), sku.c_str(), sku.c_str(), static_cast<long long>(qty),
                    1 + static_cast<int>(rng() % 9), static_cast<int>(rng() % 9),
                    static_cast<int>(rng() % 9), static_cast<int>(rng() % 60),
                    static_cast<long long>(price / 100), static_cast<long long>(price % 100),
                    cust.c_str());
      text += buf;
      rows.push_back({id, sku, qty, price});
    }
  }
  return text;
}

// Child process: runs (or resumes) the import until done; the parent kills it.
[[noreturn]] void child_import(const std::string& db_path, const std::string& file) {
  int code = 0;
  try {
    store::Database db(db_path);
    bool unfinished = false;
    {
      store::Query q(db.reader(), "SELECT count(*) FROM imports WHERE status != 'done'");
      q.step();
      unfinished = q->get_int(0) > 0;
    }
    ImportOptions o;
    o.kind = ImportKind::kInvoices;
    o.file = file;
    o.batch = 40;
    o.resume = unfinished;
    Importer(db, Caller::operator_cli()).run_file(o);
  } catch (...) {
    code = 3;
  }
  ::_exit(code);
}

TEST_F(ImporterTest, SigkillAtRandomPointsThenResumeLeavesEveryRowExactlyOnce) {
  for (std::uint32_t seed : {1u, 2u, 3u, 4u}) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    db_.reset();
    for (const char* s : {"", "-wal", "-shm"}) fs::remove(db_path_ + s);
    std::vector<Row> expected;
    const int kLines = 3000;
    auto file = write("crash.csv", make_invoices(seed, kLines, expected));
    { store::Database init(db_path_); }  // migrated before any child races on it

    std::mt19937 rng(seed * 7919);
    int kills = 0;
    for (int round = 0; round < 4; ++round) {
      // Kill once the committed checkpoint passes a random line: always mid-import.
      const std::int64_t target = 2 + static_cast<std::int64_t>(rng() % (kLines - 100));
      pid_t pid = ::fork();
      ASSERT_GE(pid, 0);
      if (pid == 0) child_import(db_path_, file);
      store::SqliteConnection watch(db_path_,
                                    store::SqliteOptions{.read_only = true, .create = false});
      bool killed = false;
      for (int i = 0; i < 600000; ++i) {
        int status = 0;
        if (::waitpid(pid, &status, WNOHANG) == pid) break;  // finished before the target
        std::int64_t line = 0;
        try {
          store::Query q(watch, "SELECT coalesce(max(line), 0) FROM imports");
          if (q.step()) line = q->get_int(0);
        } catch (const Error&) {  // NOLINT(bugprone-empty-catch): busy; look again
        }
        if (line >= target) {
          ::usleep(static_cast<useconds_t>(rng() % 3000));  // somewhere inside the next batch
          ::kill(pid, SIGKILL);
          ::waitpid(pid, &status, 0);
          killed = true;
          ++kills;
          break;
        }
        ::usleep(200);
      }
      if (!killed) break;
    }
    EXPECT_GT(kills, 0);
    // Finish in this process.
    {
      store::Database d(db_path_);
      bool unfinished = false;
      {
        store::Query q(d.reader(), "SELECT count(*) FROM imports WHERE status != 'done'");
        q.step();
        unfinished = q->get_int(0) > 0;
      }
      if (unfinished) {
        ImportOptions o;
        o.kind = ImportKind::kInvoices;
        o.file = file;
        o.batch = 40;
        o.resume = true;
        auto s = Importer(d, Caller::operator_cli()).run_file(o);
        EXPECT_EQ(s.status, "done");
        EXPECT_EQ(s.created, kLines);
        EXPECT_EQ(s.line, kLines + 1);
      }
    }
    std::vector<Row> got;
    {
      store::Database d(db_path_);
      store::Query q(d.reader(),
                     "SELECT o.external_ref, p.sku, l.quantity, l.unit_price_minor FROM "
                     "order_lines l JOIN orders o ON o.id = l.order_id JOIN products p ON p.id = "
                     "l.product_id");
      while (q.step()) {
        got.push_back({std::string(q->get_text(0)), std::string(q->get_text(1)), q->get_int(2),
                       q->get_int(3)});
      }
      store::Query dup(
          d.reader(),
          "SELECT count(*) FROM (SELECT sku FROM products GROUP BY sku HAVING count(*) > 1)");
      dup.step();
      EXPECT_EQ(dup->get_int(0), 0);
      store::Query cust(d.reader(),
                        "SELECT count(*) - count(DISTINCT external_id) FROM customer_external_ids");
      cust.step();
      EXPECT_EQ(cust->get_int(0), 0);
    }
    ASSERT_EQ(got.size(), expected.size());
    std::sort(got.begin(), got.end());
    std::sort(expected.begin(), expected.end());
    EXPECT_TRUE(got == expected);
  }
}

}  // namespace
}  // namespace rapport::app
