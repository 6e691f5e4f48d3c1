#include "app/permissions.hpp"

#include <string>

#include "core/error.hpp"

namespace rapport::app {

std::string_view permission_name(Permission p) noexcept {
  switch (p) {
    case Permission::kSignedIn:
      return "signed_in";
    case Permission::kUsersRead:
      return "users.read";
    case Permission::kUsersWrite:
      return "users.write";
    case Permission::kTokensManage:
      return "tokens.manage";
    case Permission::kAuditRead:
      return "audit.read";
  }
  return "unknown";
}

bool allowed(Role role, Permission p) noexcept {
  switch (p) {
    case Permission::kSignedIn:
      return true;
    case Permission::kUsersRead:
      return role == Role::kAdmin || role == Role::kManager;
    case Permission::kUsersWrite:
      return role == Role::kAdmin;
    case Permission::kTokensManage:
      return role == Role::kAdmin;
    case Permission::kAuditRead:
      return role == Role::kAdmin || role == Role::kManager;
  }
  return false;
}

void require(const Caller& caller, Permission p) {
  if (!allowed(caller.role, p)) {
    throw Error(ErrorCode::kForbidden, "the role '" + std::string(role_name(caller.role)) +
                                           "' lacks the permission '" +
                                           std::string(permission_name(p)) + "'");
  }
}

}  // namespace rapport::app
