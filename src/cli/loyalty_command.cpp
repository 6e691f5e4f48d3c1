// `rapport loyalty expire|review-tiers`: the loyalty programme's daily jobs, by hand or from
// cron (the server's scheduler runs them once a day too).
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>

#include "app/loyalty_jobs.hpp"
#include "cli/commands.hpp"
#include "core/error.hpp"
#include "store/database.hpp"

namespace rapport::cli {

namespace {

struct LoyaltyJobOptions {
  std::string db = "rapport.db";
  std::string at;  // default: now
};

template <typename F>
void run_loyalty_job(LoyaltyJobOptions o, const CLI::App& cmd, const ConfiguredDb& configured_db,
                     F&& job) {
  try {
    if (cmd.count("--db") == 0) o.db = configured_db();
    if (!std::filesystem::exists(o.db)) {
      throw Error(ErrorCode::kNotFound, "no such database file", "--db");
    }
    TimeMs at = now_ms();
    if (!o.at.empty()) {
      auto t = parse_time(o.at);
      if (!t) {
        throw Error(ErrorCode::kInvalidArgument, "must be a time such as 2026-11-30T18:00:00Z",
                    "--at");
      }
      at = *t;
    }
    store::Database db(o.db);
    const auto start = std::chrono::steady_clock::now();
    job(db, at);
    const double s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf(" in %.2f s\n", s);
  } catch (const Error& e) {
    if (e.field().empty()) {
      std::fprintf(stderr, "rapport: %s\n", e.what());
    } else {
      std::fprintf(stderr, "rapport: %s: %s\n", e.field().c_str(), e.what());
    }
    throw CLI::RuntimeError(e.code() == ErrorCode::kInvalidArgument ? 2 : 1);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "rapport: %s\n", e.what());
    throw CLI::RuntimeError(1);
  }
}

CLI::App* add_loyalty_job(CLI::App& loyalty, const char* name, const char* help,
                          const std::shared_ptr<LoyaltyJobOptions>& o) {
  CLI::App* c = loyalty.add_subcommand(name, help);
  c->add_option("--db", o->db,
                "SQLite database file (default: rapport.toml's db, else rapport.db)");
  c->add_option("--at", o->at, "Run as of this time, RFC 3339 (default: now)");
  return c;
}

}  // namespace

void add_loyalty_commands(CLI::App& app, ConfiguredDb configured_db) {
  CLI::App* loyalty = app.add_subcommand("loyalty", "Loyalty programme: daily batch jobs");
  loyalty->require_subcommand(1);
  {
    auto o = std::make_shared<LoyaltyJobOptions>();
    CLI::App* c = add_loyalty_job(
        *loyalty, "expire",
        "Expire points earned more than loyalty_expiry_months ago (first in, first out) and "
        "send notices of points about to expire",
        o);
    c->callback([o, c, configured_db] {
      run_loyalty_job(*o, *c, configured_db, [](store::Database& db, TimeMs at) {
        const app::ExpiryResult r = app::expire_points(db, at);
        std::printf("expired as of %s: %lld points of %lld members, %lld notices, %lld batches",
                    format_time(at).c_str(), static_cast<long long>(r.points),
                    static_cast<long long>(r.members), static_cast<long long>(r.notices),
                    static_cast<long long>(r.batches));
      });
    });
  }
  {
    auto o = std::make_shared<LoyaltyJobOptions>();
    CLI::App* c = add_loyalty_job(
        *loyalty, "review-tiers",
        "Review the tiers of members whose review date has come (downgrades happen only here)", o);
    c->callback([o, c, configured_db] {
      run_loyalty_job(*o, *c, configured_db, [](store::Database& db, TimeMs at) {
        const app::TierReviewResult r = app::review_tiers(db, at);
        std::printf("reviewed as of %s: %lld members, %lld changed tier, %lld batches",
                    format_time(at).c_str(), static_cast<long long>(r.reviewed),
                    static_cast<long long>(r.changed), static_cast<long long>(r.batches));
      });
    });
  }
}

}  // namespace rapport::cli
