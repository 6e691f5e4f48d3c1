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
    case Permission::kCustomersRead:
      return "customers.read";
    case Permission::kCustomersWrite:
      return "customers.write";
    case Permission::kCustomersDelete:
      return "customers.delete";
    case Permission::kProductsRead:
      return "products.read";
    case Permission::kProductsWrite:
      return "products.write";
    case Permission::kOrdersRead:
      return "orders.read";
    case Permission::kOrdersWrite:
      return "orders.write";
    case Permission::kImport:
      return "import";
    case Permission::kExport:
      return "export";
    case Permission::kSettingsRead:
      return "settings.read";
    case Permission::kSettingsWrite:
      return "settings.write";
    case Permission::kAnalyticsRead:
      return "analytics.read";
    case Permission::kAnalyticsRefresh:
      return "analytics.refresh";
    case Permission::kTicketsRead:
      return "tickets.read";
    case Permission::kTicketsWrite:
      return "tickets.write";
    case Permission::kTicketsReports:
      return "tickets.reports";
    case Permission::kServiceSettings:
      return "service.settings";
    case Permission::kLoyaltyRead:
      return "loyalty.read";
    case Permission::kLoyaltyWrite:
      return "loyalty.write";
    case Permission::kLoyaltyAdjust:
      return "loyalty.adjust";
    case Permission::kPromotionsWrite:
      return "promotions.write";
    case Permission::kReviewsRead:
      return "reviews.read";
    case Permission::kReviewsWrite:
      return "reviews.write";
    case Permission::kReviewsModerate:
      return "reviews.moderate";
    case Permission::kSurveysRead:
      return "surveys.read";
    case Permission::kSurveysWrite:
      return "surveys.write";
    case Permission::kKbRead:
      return "kb.read";
    case Permission::kKbWrite:
      return "kb.write";
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
    case Permission::kCustomersRead:
    case Permission::kProductsRead:
    case Permission::kOrdersRead:
    case Permission::kSettingsRead:
      return true;
    case Permission::kCustomersWrite:
    case Permission::kOrdersWrite:
      return role != Role::kAnalyst;
    case Permission::kCustomersDelete:
    case Permission::kProductsWrite:
    case Permission::kImport:
      return role == Role::kAdmin || role == Role::kManager;
    case Permission::kExport:
      return role == Role::kAdmin || role == Role::kManager || role == Role::kAnalyst;
    case Permission::kSettingsWrite:
      return role == Role::kAdmin;
    case Permission::kAnalyticsRead:
      return true;
    case Permission::kAnalyticsRefresh:
      return role == Role::kAdmin || role == Role::kManager || role == Role::kAnalyst;
    case Permission::kTicketsRead:
      return role != Role::kAnalyst;
    case Permission::kTicketsWrite:
      return role == Role::kAdmin || role == Role::kManager || role == Role::kService;
    case Permission::kTicketsReports:
      return role != Role::kSales;
    case Permission::kServiceSettings:
      return role == Role::kAdmin || role == Role::kManager;
    case Permission::kLoyaltyRead:
      return true;
    case Permission::kLoyaltyWrite:
      return role != Role::kAnalyst;
    case Permission::kLoyaltyAdjust:
    case Permission::kPromotionsWrite:
      return role == Role::kAdmin || role == Role::kManager;
    case Permission::kReviewsRead:
    case Permission::kSurveysRead:
    case Permission::kKbRead:
      return true;
    case Permission::kReviewsWrite:
    case Permission::kSurveysWrite:
      return role != Role::kAnalyst;
    case Permission::kReviewsModerate:
    case Permission::kKbWrite:
      return role == Role::kAdmin || role == Role::kManager || role == Role::kService;
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
