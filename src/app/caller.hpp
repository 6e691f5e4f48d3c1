#pragma once
// Who is asking: the authenticated user behind a request or a CLI command. Every use case takes
// one, checks its permission on the objects it touches before any write, and records it in the
// audit log.
#include <cstdint>
#include <optional>
#include <string>

#include "core/role.hpp"

namespace rapport::app {

struct Caller {
  std::optional<std::int64_t> user_id;  // nullopt for the local operator (CLI on the server)
  Role role = Role::kAnalyst;
  std::string request_id;
  std::optional<std::int64_t> token_id;  // the session or API token used, when any

  // The machine operator running `rapport` on the server: the CLI has the file, so it is admin.
  static Caller operator_cli() {
    Caller c;
    c.role = Role::kAdmin;
    c.request_id = "cli";
    return c;
  }
};

}  // namespace rapport::app
