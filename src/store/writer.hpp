#pragma once
// The one writer: SQLite allows one writer at a time, and concurrent writers measured p99 tails
// of 60-600 ms from their retry sleeps. So every write of the server goes through this queue,
// run by one thread on its own connection, and the jobs waiting are grouped into one
// transaction (one fsync for many requests) — each job inside its own SAVEPOINT, so one failed
// job rolls back alone while the others commit (a job alone in its group runs without one: its
// failure rolls back the transaction).
//
// A job's completion runs only after its group committed durably (or failed), in order, on a
// completion thread of the writer's own: building and sending the HTTP responses of one group
// overlaps with running the next group instead of delaying it.
// Thread-safety: submit() and run() may be called from any thread.
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <exception>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "store/connection.hpp"

namespace rapport::store {

class Writer {
 public:
  using Job = std::function<void(Connection&)>;
  // Called once with nullptr on success, or the exception the job (or the commit) threw.
  using Done = std::function<void(std::exception_ptr)>;

  // Runs on the writer thread after a group, once its completions are queued, on the writer's
  // connection outside any transaction (the database lets a checkpoint catch up there).
  using Between = std::function<void(Connection&)>;

  // Takes ownership of the connection; starts the thread. max_group bounds the jobs per commit.
  explicit Writer(std::unique_ptr<Connection> conn, std::size_t max_group = 256,
                  Between between = {});
  ~Writer();  // finishes queued jobs, then stops
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;

  // How a job runs. kGrouped: with whatever else is waiting, in one transaction. kBulkLoad: alone
  // in its transaction and with SQLite's foreign key checks off, for bulk loads whose every
  // reference is one the job itself has just inserted or looked up in the same transaction (the
  // importer: order lines of the orders it inserts, products and customers it finds or creates).
  // A 1M-line invoice import spent a fifth of its time in those checks (2.85 s with, 2.30 s
  // without); SQLite cannot switch them off inside a transaction, hence a mode of the job.
  // kAlone: alone in its transaction, checks on: for one long step of a larger write (the
  // analytics refresh's), so that the short jobs waiting meanwhile commit in a group of their
  // own before it instead of waiting for it in its group.
  enum class Mode { kGrouped, kBulkLoad, kAlone };
  void submit(Job job, Done done, Mode mode = Mode::kGrouped);

  // Runs a job and waits for its commit; rethrows its error. For the CLI and tests.
  template <typename F>
  auto run(F&& f, Mode mode = Mode::kGrouped) -> decltype(f(std::declval<Connection&>())) {
    using R = decltype(f(std::declval<Connection&>()));
    auto promise = std::make_shared<std::promise<R>>();
    auto fut = promise->get_future();
    if constexpr (std::is_void_v<R>) {
      submit([f = std::forward<F>(f)](Connection& c) mutable { f(c); },
             [promise](std::exception_ptr e) {
               if (e) {
                 promise->set_exception(e);
               } else {
                 promise->set_value();
               }
             },
             mode);
      fut.get();
    } else {
      auto result = std::make_shared<std::optional<R>>();
      submit([f = std::forward<F>(f), result](Connection& c) mutable { result->emplace(f(c)); },
             [promise, result](std::exception_ptr e) {
               if (e) {
                 promise->set_exception(e);
               } else {
                 promise->set_value(std::move(**result));
               }
             },
             mode);
      return fut.get();
    }
  }

  // Jobs waiting (for /metrics).
  std::size_t queue_depth() const;
  // Commits done and jobs run since start (for /metrics and the grouping benchmark).
  std::uint64_t commits() const;
  std::uint64_t jobs() const;

 private:
  struct Item {
    Job job;
    Done done;
    Mode mode = Mode::kGrouped;
  };
  void loop();

  std::unique_ptr<Connection> conn_;
  Between between_;
  std::size_t max_group_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Item> queue_;
  bool stopping_ = false;
  bool fk_off_ = false;  // foreign key checks are off (a bulk load ran); writer thread only
  std::uint64_t commits_ = 0;
  std::uint64_t jobs_ = 0;

  // Completions of committed (or failed) groups, run in order by completer_.
  struct Completion {
    Done done;
    std::exception_ptr error;
  };
  void complete_loop();
  std::mutex done_mu_;
  std::condition_variable done_cv_;
  std::vector<Completion> done_queue_;
  bool done_stopping_ = false;

  std::thread completer_;  // started before and stopped after thread_
  std::thread thread_;
};

// Runs `fn` after the commit of the writer job that calls it (on the writer thread, before the
// job's completion is called); dropped when the job or its group rolls back. Called outside a
// writer job, `fn` runs at once. For in-memory state that must follow committed data, such as
// caches to invalidate: done before the commit, a concurrent reader could still refill the
// cache from the old rows.
void after_commit(std::function<void()> fn);

}  // namespace rapport::store
