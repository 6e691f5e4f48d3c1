#include <gtest/gtest.h>

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "core/error.hpp"
#include "store/database.hpp"
#include "store/migrations/migrations.hpp"
#include "store/sqlite/sqlite_connection.hpp"
#include "unit/test_support.hpp"

namespace rapport::store {
namespace {

class TempDb : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = test_support::fresh_test_dir("rapport-store");
    path_ = (dir_ / "t.db").string();
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::filesystem::path dir_;
  std::string path_;
};

std::int64_t scalar(Connection& c, const std::string& sql) {
  return test_support::scalar(c, sql);
}

TEST_F(TempDb, OpensInWalWithFullSync) {
  SqliteConnection c(path_, {});
  Query q(c, "PRAGMA journal_mode");
  ASSERT_TRUE(q.step());
  EXPECT_EQ(q->get_text(0), "wal");
  EXPECT_EQ(scalar(c, "PRAGMA synchronous"), 2);  // FULL
  EXPECT_EQ(scalar(c, "PRAGMA foreign_keys"), 1);
}

TEST_F(TempDb, MigratesAnEmptyDatabaseToTheLatestVersion) {
  SqliteConnection c(path_, {});
  EXPECT_EQ(current_schema_version(c), 0);
  auto applied = migrate(c);
  EXPECT_EQ(applied.size(), all_migrations().size());
  EXPECT_EQ(current_schema_version(c), latest_schema_version());
  EXPECT_TRUE(pending_migrations(c).empty());
  EXPECT_TRUE(migrate(c).empty());  // idempotent
}

TEST_F(TempDb, RefusesADatabaseFromANewerRapport) {
  SqliteConnection c(path_, {});
  migrate(c);
  execute(c, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (9999, 'x', 0)");
  try {
    pending_migrations(c);
    FAIL() << "expected a refusal";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kConflict);
    EXPECT_NE(std::string(e.what()).find("newer"), std::string::npos);
  }
  EXPECT_THROW(Database{path_}, Error);
}

TEST_F(TempDb, AuditLogIsAppendOnlyInTheSchema) {
  SqliteConnection c(path_, {});
  migrate(c);
  execute(c, "INSERT INTO audit_log (at, action, entity) VALUES (1, 'create', 'user')");
  EXPECT_THROW(execute(c, "UPDATE audit_log SET action = 'x'"), Error);
  EXPECT_THROW(execute(c, "DELETE FROM audit_log"), Error);
  EXPECT_EQ(scalar(c, "SELECT count(*) FROM audit_log WHERE action = 'create'"), 1);
}

// Every released schema is kept as a SQL dump in tests/fixtures/schema/vNNNN.sql; each must
// upgrade to the latest version with its data intact.
TEST_F(TempDb, UpgradesEveryReleasedSchemaFixture) {
  namespace fs = std::filesystem;
  fs::path fixtures = fs::path(RAPPORT_SOURCE_DIR) / "tests" / "fixtures" / "schema";
  int seen = 0;
  for (const auto& entry : fs::directory_iterator(fixtures)) {
    if (entry.path().extension() != ".sql") continue;
    ++seen;
    std::string db = (dir_ / (entry.path().stem().string() + ".db")).string();
    std::ifstream in(entry.path());
    std::string sql((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    SqliteConnection c(db, {});
    c.exec(sql);
    std::int64_t users_before = scalar(c, "SELECT count(*) FROM users");
    ASSERT_GT(users_before, 0) << entry.path() << " should hold sample data";
    migrate(c);
    EXPECT_EQ(current_schema_version(c), latest_schema_version()) << entry.path();
    EXPECT_EQ(scalar(c, "SELECT count(*) FROM users"), users_before) << entry.path();
  }
  EXPECT_GE(seen, 1);
  // Every schema version has its fixture, so the next migration is tested from this one.
  for (const auto& m : all_migrations()) {
    char name[32];
    std::snprintf(name, sizeof name, "v%04d.sql", m.version);
    EXPECT_TRUE(fs::exists(fixtures / name)) << "add the fixture " << name;
  }
}

TEST_F(TempDb, WriterGroupsJobsAndRollsBackAFailedJobAlone) {
  Database db(path_);
  db.writer().run([](Connection& c) { c.exec("CREATE TABLE t (v INTEGER UNIQUE)"); });
  constexpr int kJobs = 500;
  std::atomic<int> ok{0}, failed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kJobs / 4; ++i) {
        int v = t * 1000 + i;
        bool fail = i % 10 == 0;
        db.writer().submit(
            [v, fail](Connection& c) {
              execute(c, "INSERT INTO t (v) VALUES (?)", v);
              if (fail) execute(c, "INSERT INTO t (v) VALUES (?)", v);  // unique violation
            },
            [&](std::exception_ptr e) { (e ? failed : ok)++; });
      }
    });
  }
  for (auto& th : threads) th.join();
  db.writer().run([](Connection&) {});  // drain
  EXPECT_EQ(ok.load() + failed.load(), kJobs);
  constexpr int kFailingPerThread = (kJobs / 4 + 9) / 10;  // i = 0, 10, ..., 120
  EXPECT_EQ(failed.load(), 4 * kFailingPerThread);
  EXPECT_EQ(scalar(db.reader(), "SELECT count(*) FROM t"), ok.load());
  // Grouping: fewer commits than jobs (jobs submitted while a commit runs share the next one).
  EXPECT_LT(db.writer().commits(), db.writer().jobs());
}

TEST_F(TempDb, AfterCommitHooksRunOnceCommittedAndNeverForARolledBackJob) {
  Database db(path_);
  db.writer().run([](Connection& c) { c.exec("CREATE TABLE h (v INTEGER)"); });
  // The hook sees the committed row from another connection: it ran after the commit.
  std::int64_t seen = -1;
  db.writer().run([&](Connection& c) {
    execute(c, "INSERT INTO h (v) VALUES (1)");
    after_commit([&] { seen = scalar(db.reader(), "SELECT count(*) FROM h"); });
  });
  EXPECT_EQ(seen, 1);
  bool ran = false;
  EXPECT_THROW(db.writer().run([&](Connection& c) {
    execute(c, "INSERT INTO h (v) VALUES (2)");
    after_commit([&] { ran = true; });
    c.exec("INSERT INTO no_such_table VALUES (1)");
  }),
               Error);
  EXPECT_FALSE(ran);
  EXPECT_EQ(scalar(db.reader(), "SELECT count(*) FROM h"), 1);
  // Outside a writer job the hook runs at once.
  after_commit([&] { ran = true; });
  EXPECT_TRUE(ran);
}

TEST_F(TempDb, TheWalIsCheckpointedIntoTheDatabaseFileOffTheWriterThread) {
  // The writer's connection does not checkpoint itself (its WAL hook hands that to the
  // Checkpointer's thread); the committed pages must still reach the database file.
  Database db(path_);
  db.writer().run([](Connection& c) { c.exec("CREATE TABLE big (b BLOB)"); });
  for (int commit = 0; commit < 30; ++commit) {
    db.writer().run([](Connection& c) {
      for (int i = 0; i < 100; ++i) execute(c, "INSERT INTO big (b) VALUES (zeroblob(4000))");
    });
  }
  // 3,000 rows of 4 kB: about 3,000 pages, so at least two checkpoints were asked for.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::filesystem::file_size(path_) < 4'000'000 &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_GE(std::filesystem::file_size(path_), 4'000'000u);
  EXPECT_EQ(scalar(db.reader(), "SELECT count(*) FROM big"), 3000);
}

TEST_F(TempDb, TheWalStartsOverUnderASteadyStreamOfWrites) {
  // The background checkpoint alone never catches up with a writer that keeps committing, and a
  // WAL only starts over when it has: it grew by the whole stream (744 MB in 10 s of orders).
  DatabaseOptions o;
  o.wal_catch_up_pages = 2000;
  Database db(path_, o);
  db.writer().run([](Connection& c) { c.exec("CREATE TABLE big (b BLOB)"); });
  for (int commit = 0; commit < 300; ++commit) {
    db.writer().run([](Connection& c) {
      for (int i = 0; i < 40; ++i) execute(c, "INSERT INTO big (b) VALUES (zeroblob(4000))");
    });
  }
  // 12,000 pages written; the WAL holds at most the limit and one commit more (4,120 bytes a page).
  const auto wal = std::filesystem::file_size(path_ + "-wal");
  EXPECT_LE(wal, 4'120u * (2000 + 100)) << "WAL of " << wal << " bytes";
  EXPECT_EQ(scalar(db.reader(), "SELECT count(*) FROM big"), 12000);
}

// A bulk load runs alone with foreign key checks off; every other job, before or after it and
// after a failed one, has them on.
// kAlone (the analytics refresh's steps): a transaction of its own, checks on; the grouped jobs
// queued before it commit in a group of their own, not with it.
TEST_F(TempDb, AnAloneJobRunsInATransactionOfItsOwnWithChecksOn) {
  Database db(path_);
  db.writer().run([](Connection& c) {
    c.exec("CREATE TABLE p (id INTEGER PRIMARY KEY)");
    c.exec("CREATE TABLE ch (p INTEGER REFERENCES p (id))");
  });
  EXPECT_THROW(db.writer().run([](Connection& c) { execute(c, "INSERT INTO ch (p) VALUES (8)"); },
                               Writer::Mode::kAlone),
               Error);
  // Hold the writer in a job, queue 3 grouped jobs, an alone one and 2 grouped, then let go.
  std::promise<void> started;
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::vector<std::future<void>> done;
  std::vector<int> order;
  std::mutex mu;
  auto submit = [&](Writer::Job job, Writer::Mode mode) {
    auto pr = std::make_shared<std::promise<void>>();
    done.push_back(pr->get_future());
    db.writer().submit(
        std::move(job), [pr](std::exception_ptr) { pr->set_value(); }, mode);
  };
  submit(
      [&started, released](Connection&) {
        started.set_value();
        released.wait();
      },
      Writer::Mode::kGrouped);
  started.get_future().wait();
  const auto commits_before = db.writer().commits();
  auto job = [&](int i) {
    return [&, i](Connection& c) {
      std::lock_guard lock(mu);
      order.push_back(i * 10 + static_cast<int>(scalar(c, "PRAGMA foreign_keys")));
    };
  };
  for (int i = 0; i < 3; ++i) submit(job(i), Writer::Mode::kGrouped);
  submit(job(3), Writer::Mode::kAlone);
  for (int i = 4; i < 6; ++i) submit(job(i), Writer::Mode::kGrouped);
  release.set_value();
  for (auto& f : done) f.get();
  EXPECT_EQ(order, (std::vector<int>{1, 11, 21, 31, 41, 51}));
  // The holding job's, the three grouped, the alone one, the two grouped.
  EXPECT_EQ(db.writer().commits() - commits_before, 4U);
}

TEST_F(TempDb, ABulkLoadRunsAloneWithoutForeignKeyChecksAndOnlyIt) {
  Database db(path_);
  db.writer().run([](Connection& c) {
    c.exec("CREATE TABLE p (id INTEGER PRIMARY KEY)");
    c.exec("CREATE TABLE ch (p INTEGER REFERENCES p (id))");
  });
  auto fk = [](Connection& c) { return scalar(c, "PRAGMA foreign_keys"); };
  EXPECT_EQ(db.writer().run(fk), 1);
  EXPECT_EQ(db.writer().run(fk, Writer::Mode::kBulkLoad), 0);
  EXPECT_EQ(db.writer().run(fk), 1);
  // Checks are really off in the bulk job (a dangling reference goes in) and on after it.
  db.writer().run([](Connection& c) { execute(c, "INSERT INTO ch (p) VALUES (7)"); },
                  Writer::Mode::kBulkLoad);
  EXPECT_THROW(db.writer().run([](Connection& c) { execute(c, "INSERT INTO ch (p) VALUES (8)"); }),
               Error);
  EXPECT_THROW(db.writer().run([](Connection& c) { c.exec("SELECT * FROM no_such_table"); },
                               Writer::Mode::kBulkLoad),
               Error);
  EXPECT_EQ(db.writer().run(fk), 1);
  // Submitted among grouped jobs, it still runs in a transaction of its own, in queue order.
  std::vector<int> order;
  std::mutex mu;
  std::vector<std::future<void>> done;
  auto job = [&](int i, Writer::Mode mode) {
    auto pr = std::make_shared<std::promise<void>>();
    done.push_back(pr->get_future());
    db.writer().submit(
        [&, i](Connection& c) {
          std::lock_guard lock(mu);
          order.push_back(i * 10 + static_cast<int>(scalar(c, "PRAGMA foreign_keys")));
        },
        [pr](std::exception_ptr) { pr->set_value(); }, mode);
  };
  for (int i = 0; i < 3; ++i) job(i, Writer::Mode::kGrouped);
  job(3, Writer::Mode::kBulkLoad);
  for (int i = 4; i < 6; ++i) job(i, Writer::Mode::kGrouped);
  for (auto& f : done) f.get();
  EXPECT_EQ(order, (std::vector<int>{1, 11, 21, 30, 41, 51}));
  EXPECT_EQ(scalar(db.reader(), "SELECT count(*) FROM ch"), 1);
}

TEST_F(TempDb, WriterReportsTheJobsError) {
  Database db(path_);
  EXPECT_THROW(
      db.writer().run([](Connection& c) { c.exec("INSERT INTO no_such_table VALUES (1)"); }),
      Error);
  EXPECT_EQ(db.writer().run([](Connection& c) { return scalar(c, "SELECT 41 + 1"); }), 42);
}

// A job alone in its group runs without a SAVEPOINT: its failure must still undo all it wrote,
// and the writer must go on with a clean transaction.
TEST_F(TempDb, AFailedJobAloneLeavesNothingBehind) {
  Database db(path_);
  db.writer().run([](Connection& c) { c.exec("CREATE TABLE t (v INTEGER PRIMARY KEY)"); });
  EXPECT_THROW(db.writer().run([](Connection& c) {
    for (int i = 0; i < 100; ++i) execute(c, "INSERT INTO t VALUES (?)", i);
    execute(c, "INSERT INTO t VALUES (?)", 5);  // conflict
  }),
               Error);
  EXPECT_EQ(db.writer().run([](Connection& c) { return scalar(c, "SELECT count(*) FROM t"); }), 0);
  db.writer().run([](Connection& c) { execute(c, "INSERT INTO t VALUES (?)", 7); });
  SqliteConnection other(path_, {});
  EXPECT_EQ(scalar(other, "SELECT count(*) FROM t"), 1);
}

TEST_F(TempDb, BackupIsAConsistentCopy) {
  Database db(path_);
  db.writer().run([](Connection& c) {
    c.exec("CREATE TABLE t (v INTEGER)");
    for (int i = 0; i < 1000; ++i) execute(c, "INSERT INTO t VALUES (?)", i);
  });
  SqliteConnection src(path_, {});
  std::string copy = (dir_ / "copy.db").string();
  src.backup_to(copy);
  SqliteConnection c(copy, {});
  EXPECT_EQ(scalar(c, "SELECT count(*) FROM t"), 1000);
  EXPECT_EQ(scalar(c, "SELECT sum(v) FROM t"), 999 * 1000 / 2);
}

TEST_F(TempDb, ConstraintViolationIsAConflict) {
  SqliteConnection c(path_, {});
  c.exec("CREATE TABLE t (v INTEGER PRIMARY KEY)");
  execute(c, "INSERT INTO t VALUES (1)");
  try {
    execute(c, "INSERT INTO t VALUES (1)");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kConflict);
  }
}

}  // namespace
}  // namespace rapport::store

namespace rapport::store {
namespace {

TEST_F(TempDb, AFailedMigrationLeavesThePreviousSchemaIntactAndSaysWhy) {
  SqliteConnection c(path_, {});
  migrate(c);
  std::vector<Migration> list(all_migrations().begin(), all_migrations().end());
  int next = latest_schema_version() + 1;
  list.push_back({next, "adds a table", "CREATE TABLE extra (v INTEGER)"});
  list.push_back({next + 1, "broken", "ALTER TABLE no_such_table ADD COLUMN x INTEGER"});
  try {
    migrate(c, list);
    FAIL() << "expected the broken migration to fail";
  } catch (const Error& e) {
    std::string msg = e.what();
    EXPECT_NE(msg.find("broken"), std::string::npos) << msg;
    EXPECT_NE(msg.find("no_such_table"), std::string::npos) << msg;
  }
  EXPECT_EQ(current_schema_version(c), latest_schema_version());
  EXPECT_EQ(scalar(c, "SELECT count(*) FROM sqlite_master WHERE name = 'extra'"), 0);
}

}  // namespace
}  // namespace rapport::store
