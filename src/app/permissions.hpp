#pragma once
// The one permission mechanism: what each role may do. Use cases call require() on the caller
// before touching anything; the HTTP layer names the permission guarding each route, and a
// test (tests/api/permissions.test.mjs) holds the route x role table and exercises all of it.
#include <string_view>

#include "app/caller.hpp"
#include "core/role.hpp"

namespace rapport::app {

enum class Permission {
  kSignedIn,      // any signed-in user: own profile, sign out
  kUsersRead,     // see users
  kUsersWrite,    // create, change, disable users; reset passwords
  kTokensManage,  // create and revoke API tokens
  kAuditRead,     // read the audit log
  // The customer database (issue 3): every department reads it; analysts do not change it.
  kCustomersRead,    // customers, their timeline, 360 view
  kCustomersWrite,   // create and edit customers, log interactions
  kCustomersDelete,  // soft delete, restore, merge
  kProductsRead,     // products and categories
  kProductsWrite,    // create and edit products and categories
  kOrdersRead,       // orders and returns
  kOrdersWrite,      // place orders, record returns
  kImport,           // bulk imports (CLI, upload, bulk API)
  kExport,           // exports of whole lists
  kSettingsRead,     // business settings (region, return window, ...)
  kSettingsWrite,    // change business settings
  // Customer intelligence (issues 4 and 5): every department sees scores, segments, rules and
  // recommendations; recomputing them (a heavy job) is for those who run the analysis.
  kAnalyticsRead,     // scores, segments, CLV, basket rules, recommendations
  kAnalyticsRefresh,  // recompute all of it from the orders
  // Customer service (issue 6): service agents, managers and admins work tickets; sales see
  // them (a customer's open complaint matters before a sale); analysts read the reports.
  kTicketsRead,      // tickets, their messages, queues and SLA policies
  kTicketsWrite,     // open, edit, answer, change the status of tickets
  kTicketsReports,   // ticket reports (volumes, response and resolution times, per agent)
  kServiceSettings,  // create and edit queues and SLA policies
  // Loyalty (issue 7): everyone sees members and statements; those who serve customers enrol
  // them and replace lost cards; only managers and admins adjust points by hand.
  kLoyaltyRead,      // members, cards, tiers, points statements
  kLoyaltyWrite,     // enrol customers, replace cards
  kLoyaltyAdjust,    // manual point adjustments
  kPromotionsWrite,  // create and end promotions, issue coupons (reading them is loyalty.read)
  // Customer feedback (issue 6): every department reads reviews, survey results and the
  // knowledge base; staff who deal with customers record reviews, votes and survey answers on a
  // customer's behalf (analysts only read); service, managers and admins moderate reviews and
  // write articles (and so see drafts).
  kReviewsRead,      // reviews, product rating summaries
  kReviewsWrite,     // record a review or a helpful vote for a customer
  kReviewsModerate,  // hide and unhide reviews; see hidden ones in lists
  kSurveysRead,      // invitations, responses, NPS/CSAT reports
  kSurveysWrite,     // invite a customer by hand, record a response
  kKbRead,           // published knowledge-base articles and categories, search
  kKbWrite,          // write articles and categories, see drafts
};

std::string_view permission_name(Permission p) noexcept;
bool allowed(Role role, Permission p) noexcept;
// Throws rapport::Error(kForbidden) naming the permission when the caller lacks it.
void require(const Caller& caller, Permission p);

}  // namespace rapport::app
