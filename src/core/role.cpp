#include "core/role.hpp"

namespace rapport {

std::string_view role_name(Role role) noexcept {
  switch (role) {
    case Role::kAdmin:
      return "admin";
    case Role::kManager:
      return "manager";
    case Role::kSales:
      return "sales";
    case Role::kService:
      return "service";
    case Role::kAnalyst:
      return "analyst";
  }
  return "analyst";
}

std::optional<Role> parse_role(std::string_view name) noexcept {
  for (Role r : kAllRoles) {
    if (role_name(r) == name) return r;
  }
  return std::nullopt;
}

}  // namespace rapport
