#include "store/writer.hpp"

#include <pthread.h>

#include <vector>

namespace rapport::store {

namespace {
// The after-commit hooks of the job the writer thread is running; null elsewhere.
thread_local std::vector<std::function<void()>>* t_job_hooks = nullptr;
}  // namespace

void after_commit(std::function<void()> fn) {
  if (t_job_hooks != nullptr) {
    t_job_hooks->push_back(std::move(fn));
  } else {
    fn();
  }
}

Writer::Writer(std::unique_ptr<Connection> conn, std::size_t max_group, Between between)
    : conn_(std::move(conn)),
      between_(std::move(between)),
      max_group_(max_group),
      completer_([this] {
        pthread_setname_np(pthread_self(), "rapport-done");
        complete_loop();
      }),
      thread_([this] {
        pthread_setname_np(pthread_self(), "rapport-writer");
        loop();
      }) {}

Writer::~Writer() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  thread_.join();  // runs what is queued; its completions are queued too
  {
    std::lock_guard lock(done_mu_);
    done_stopping_ = true;
  }
  done_cv_.notify_all();
  completer_.join();
}

void Writer::complete_loop() {
  std::vector<Completion> batch;
  for (;;) {
    {
      std::unique_lock lock(done_mu_);
      done_cv_.wait(lock, [this] { return done_stopping_ || !done_queue_.empty(); });
      if (done_queue_.empty()) return;  // stopping and drained
      batch.swap(done_queue_);
    }
    for (auto& c : batch) {
      try {
        c.done(c.error);
      } catch (...) {  // NOLINT(bugprone-empty-catch): a completion must not stop the others
      }
    }
    batch.clear();
  }
}

void Writer::submit(Job job, Done done, Mode mode) {
  {
    std::lock_guard lock(mu_);
    queue_.push_back(Item{std::move(job), std::move(done), mode});
  }
  cv_.notify_one();
}

std::size_t Writer::queue_depth() const {
  std::lock_guard lock(mu_);
  return queue_.size();
}
std::uint64_t Writer::commits() const {
  std::lock_guard lock(mu_);
  return commits_;
}
std::uint64_t Writer::jobs() const {
  std::lock_guard lock(mu_);
  return jobs_;
}

void Writer::loop() {
  std::vector<Item> group;
  std::vector<std::exception_ptr> results;
  for (;;) {
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping and drained
      // A bulk load runs alone: the grouped jobs before it go first, those after it next.
      while (!queue_.empty() && group.size() < max_group_ &&
             (group.empty() ||
              (group.front().mode == Mode::kGrouped && queue_.front().mode == Mode::kGrouped))) {
        group.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    results.assign(group.size(), nullptr);
    std::exception_ptr group_error;
    std::vector<std::function<void()>> group_hooks;
    std::vector<std::function<void()>> job_hooks;
    // A job alone in its group needs no SAVEPOINT: if it fails, the whole transaction rolls
    // back. An open savepoint makes SQLite copy every page the transaction changes into the
    // statement journal, in memory, until it is released: for an import batch (one job) that was
    // tens of MB and a memcpy of each page, and it kept the journals of the batch's multi-row
    // statements from being truncated as they ended.
    const bool alone = group.size() == 1;
    const bool bulk = group.front().mode == Mode::kBulkLoad;
    try {
      if (bulk || fk_off_) {
        // Off for a bulk load; back on for a group after a bulk load whose restore failed (this
        // group then fails rather than run unchecked).
        conn_->exec(bulk ? "PRAGMA foreign_keys=OFF" : "PRAGMA foreign_keys=ON");
        fk_off_ = bulk;
      }
      conn_->begin(true);
      for (std::size_t i = 0; i < group.size() && alone; ++i) {
        job_hooks.clear();
        t_job_hooks = &job_hooks;
        try {
          group[i].job(*conn_);
          t_job_hooks = nullptr;
          for (auto& h : job_hooks) group_hooks.push_back(std::move(h));
        } catch (...) {
          t_job_hooks = nullptr;
          results[i] = std::current_exception();
        }
      }
      for (std::size_t i = 0; i < group.size() && !alone; ++i) {
        // Prepared once and cached by the connection (exec() would parse them for every job).
        execute(*conn_, "SAVEPOINT job");
        job_hooks.clear();
        t_job_hooks = &job_hooks;
        try {
          group[i].job(*conn_);
          t_job_hooks = nullptr;
          execute(*conn_, "RELEASE job");
          for (auto& h : job_hooks) group_hooks.push_back(std::move(h));
        } catch (...) {
          t_job_hooks = nullptr;
          results[i] = std::current_exception();
          execute(*conn_, "ROLLBACK TO job");
          execute(*conn_, "RELEASE job");
        }
      }
      if (alone && results[0]) {
        conn_->rollback();
      } else {
        conn_->commit();
      }
    } catch (...) {
      t_job_hooks = nullptr;
      group_error = std::current_exception();
      group_hooks.clear();
      try {
        conn_->rollback();
      } catch (...) {  // NOLINT(bugprone-empty-catch): the group's error is what we report
      }
    }
    if (fk_off_) {
      try {
        conn_->exec("PRAGMA foreign_keys=ON");
        fk_off_ = false;
      } catch (...) {  // NOLINT(bugprone-empty-catch): retried before the next group (above)
      }
    }
    for (auto& h : group_hooks) {
      try {
        h();
      } catch (...) {  // NOLINT(bugprone-empty-catch): a hook must not stop the writer
      }
    }
    {
      std::lock_guard lock(mu_);
      ++commits_;
      jobs_ += group.size();
    }
    {
      std::lock_guard lock(done_mu_);
      for (std::size_t i = 0; i < group.size(); ++i) {
        if (group[i].done) {
          done_queue_.push_back({std::move(group[i].done), group_error ? group_error : results[i]});
        }
      }
    }
    done_cv_.notify_one();
    group.clear();
    if (between_) {
      try {
        between_(*conn_);
      } catch (...) {  // NOLINT(bugprone-empty-catch): housekeeping; it is tried again
      }
    }
  }
}

}  // namespace rapport::store
