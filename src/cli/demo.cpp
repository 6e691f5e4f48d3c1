#include "cli/demo.hpp"

#include <cstdio>
#include <filesystem>

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
  store::Database db(o.db);
  app::UserService users(db);
  auto caller = app::Caller::operator_cli();
  std::string password = app::generate_password();
  auto admin = db.writer().run(
      users.create(caller, {"admin@rapport.demo", "Demo Admin", Role::kAdmin, password}));
  std::printf("demo database: %s\n", o.db.c_str());
  std::printf("admin sign-in: %s\n", admin.email.c_str());
  std::printf("admin password: %s\n", password.c_str());
  return 0;
}

}  // namespace rapport::cli
