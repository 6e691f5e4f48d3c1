#pragma once
// The roles a user can have. What each role may do is decided in one place: app/permissions.
#include <array>
#include <optional>
#include <string_view>

namespace rapport {

enum class Role { kAdmin, kManager, kSales, kService, kAnalyst };

inline constexpr std::array<Role, 5> kAllRoles = {Role::kAdmin, Role::kManager, Role::kSales,
                                                  Role::kService, Role::kAnalyst};

std::string_view role_name(Role role) noexcept;
// nullopt for an unknown name.
std::optional<Role> parse_role(std::string_view name) noexcept;

}  // namespace rapport
