#include "cli/demo.hpp"

#include <chrono>
#include <cstdio>
#include <filesystem>

#include "app/demo_feedback.hpp"
#include "app/demo_store.hpp"
#include "app/user_service.hpp"
#include "core/error.hpp"
#include "store/database.hpp"

namespace rapport::cli {

int run_demo(const DemoOptions& o) {
  namespace fs = std::filesystem;
  if (fs::exists(o.db)) {
    if (!o.force) {
      throw Error(ErrorCode::kConflict, "already exists; pass --force to replace it", o.db);
    }
    for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(o.db + suffix);
  }
  const auto started = std::chrono::steady_clock::now();
  store::Database db(o.db);
  app::UserService users(db);
  auto caller = app::Caller::operator_cli();

  // Staff of the demo shop, one or more per role, each with a generated password (printed:
  // signing in as each role is how one tries the permissions). Never a default password.
  struct StaffSpec {
    const char* email;
    const char* name;
    Role role;
  };
  static constexpr StaffSpec kStaff[] = {
      {"admin@rapport.demo", "Demo Admin", Role::kAdmin},
      {"li.na@rapport.demo", "李娜 (Li Na)", Role::kManager},
      {"emily.carter@rapport.demo", "Emily Carter", Role::kSales},
      {"wang.wei@rapport.demo", "王伟 (Wang Wei)", Role::kSales},
      {"zhang.min@rapport.demo", "张敏 (Zhang Min)", Role::kSales},
      {"james.miller@rapport.demo", "James Miller", Role::kService},
      {"chen.jing@rapport.demo", "陈静 (Chen Jing)", Role::kService},
      {"olivia.park@rapport.demo", "Olivia Park", Role::kAnalyst},
  };
  app::DemoStoreOptions gen;
  gen.seed = o.seed;
  gen.customers = o.customers;
  std::printf("demo database: %s\n", o.db.c_str());
  for (const auto& s : kStaff) {
    if (o.customers == 0 && s.role != Role::kAdmin) continue;
    std::string password = app::generate_password();
    auto u = db.writer().run(users.create(caller, {s.email, s.name, s.role, password}));
    gen.staff.push_back({u.id, u.role});
    if (s.role == Role::kAdmin) {
      std::printf("admin sign-in: %s\nadmin password: %s\n", u.email.c_str(), password.c_str());
      if (o.customers > 0) std::printf("%-28s %-9s %s\n", "staff sign-in", "role", "password");
    } else {
      std::printf("%-28s %-9s %s\n", u.email.c_str(), std::string(role_name(u.role)).c_str(),
                  password.c_str());
    }
  }
  if (o.customers == 0) return 0;

  // The store is written on a connection of its own in one transaction: all or nothing, and
  // one commit instead of hundreds of thousands.
  auto conn = db.open_connection();
  store::Transaction tx(*conn, true);
  auto sum = app::generate_demo_store(*conn, caller, gen);
  auto fb = app::generate_demo_feedback(*conn, caller, o.seed, gen.now);
  tx.commit();
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::printf(
      "demo store (seed %llu): %lld customers (%lld organisations), %lld products in %lld "
      "categories, %lld orders (%lld anonymous) with %lld lines, %lld returns, %lld tickets, %lld "
      "loyalty members, %lld timeline entries, in %.1f s\n",
      static_cast<unsigned long long>(o.seed), static_cast<long long>(sum.customers),
      static_cast<long long>(sum.organisations), static_cast<long long>(sum.products),
      static_cast<long long>(sum.categories), static_cast<long long>(sum.orders),
      static_cast<long long>(sum.anonymous_orders), static_cast<long long>(sum.order_lines),
      static_cast<long long>(sum.returns), static_cast<long long>(sum.tickets),
      static_cast<long long>(sum.loyalty_members), static_cast<long long>(sum.timeline_entries),
      secs);
  std::printf(
      "feedback: %lld reviews (%lld helpful votes), %lld survey invitations with %lld responses, "
      "%lld knowledge-base articles solving %lld tickets\n",
      static_cast<long long>(fb.reviews), static_cast<long long>(fb.votes),
      static_cast<long long>(fb.invitations), static_cast<long long>(fb.responses),
      static_cast<long long>(fb.articles), static_cast<long long>(fb.ticket_links));
  return 0;
}

}  // namespace rapport::cli
