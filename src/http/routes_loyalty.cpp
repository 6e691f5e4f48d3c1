// Routes of the loyalty programme: members (enrolment, card replacement), card lookup, the
// points statement, manual adjustments and the tier table. Earning and redeeming happen on
// POST /api/v1/orders; returns reverse them.
#include "core/error.hpp"
#include "http/commerce_codecs.hpp"
#include "http/exchange.hpp"
#include "http/loyalty_codecs.hpp"
#include "http/routes.hpp"
#include "http/server.hpp"

namespace rapport::http {

void add_loyalty_routes(RouteTable& routes, Services& s) {
  routes.push_back(
      {"POST",
       "/api/v1/loyalty/members",
       app::Permission::kLoyaltyWrite,
       {},
       BodyKind::kJson,
       [&s](const std::shared_ptr<Exchange>& ex) {
         const std::int64_t id = read_enrolment(ex->json());
         ex->reply_after<app::LoyaltyMember>(
             s.db.writer(), s.loyalty.enrol(ex->caller(), id),
             [](Exchange& e, app::LoyaltyMember& m) {
               e.reply(201, member_json(m),
                       {{"Location", "/api/v1/loyalty/members/" + std::to_string(m.customer_id)}});
             });
       }});
  routes.push_back({"GET",
                    "/api/v1/loyalty/members/{id}",
                    app::Permission::kLoyaltyRead,
                    {},
                    BodyKind::kNone,
                    [&s](const std::shared_ptr<Exchange>& ex) {
                      ex->reply(200, member_json(s.loyalty.get(ex->caller(), ex->id_param())));
                    }});
  routes.push_back(
      {"GET",
       "/api/v1/loyalty/members/{id}/ledger",
       app::Permission::kLoyaltyRead,
       {"cursor", "limit"},
       BodyKind::kNone,
       [&s](const std::shared_ptr<Exchange>& ex) {
         auto page = s.loyalty.statement(ex->caller(), ex->id_param(), ex->query("cursor"),
                                         ex->query_int("limit", 1, app::kMaxPageSize));
         ex->reply(200,
                   list_json(page, [](const app::LedgerEntry& e) { return ledger_entry_json(e); }));
       }});
  routes.push_back({"POST",
                    "/api/v1/loyalty/members/{id}/card",
                    app::Permission::kLoyaltyWrite,
                    {},
                    BodyKind::kJson,
                    [&s](const std::shared_ptr<Exchange>& ex) {
                      const std::int64_t id = ex->id_param();
                      auto reason = read_card_replacement(ex->json());
                      ex->reply_after<app::LoyaltyMember>(
                          s.db.writer(), s.loyalty.replace_card(ex->caller(), id, reason),
                          [](Exchange& e, app::LoyaltyMember& m) { e.reply(200, member_json(m)); });
                    }});
  routes.push_back(
      {"POST",
       "/api/v1/loyalty/members/{id}/adjustments",
       app::Permission::kLoyaltyAdjust,
       {},
       BodyKind::kJson,
       [&s](const std::shared_ptr<Exchange>& ex) {
         const std::int64_t id = ex->id_param();
         AdjustmentBody a = read_adjustment(ex->json());
         ex->reply_after<app::LedgerEntry>(
             s.db.writer(), s.loyalty.adjust(ex->caller(), id, a.points, std::move(a.reason)),
             [](Exchange& e, app::LedgerEntry& entry) { e.reply(201, ledger_entry_json(entry)); });
       }});
  routes.push_back(
      {"GET",
       "/api/v1/loyalty/cards/{number}",
       app::Permission::kLoyaltyRead,
       {},
       BodyKind::kNone,
       [&s](const std::shared_ptr<Exchange>& ex) {
         ex->reply(200, member_json(s.loyalty.get_by_card(ex->caller(), ex->path_param("number"))));
       }});
  routes.push_back({"GET",
                    "/api/v1/loyalty/tiers",
                    app::Permission::kLoyaltyRead,
                    {},
                    BodyKind::kNone,
                    [&s](const std::shared_ptr<Exchange>& ex) {
                      nlohmann::json items = nlohmann::json::array();
                      for (const auto& t : s.loyalty.tiers(ex->caller()))
                        items.push_back(tier_json(t));
                      ex->reply(200, {{"items", std::move(items)}});
                    }});

  // Promotions and coupons.
  routes.push_back(
      {"POST",
       "/api/v1/promotions",
       app::Permission::kPromotionsWrite,
       {},
       BodyKind::kJson,
       [&s](const std::shared_ptr<Exchange>& ex) {
         app::Promotion p = read_new_promotion(ex->json());
         ex->reply_after<app::Promotion>(
             s.db.writer(), s.promotions.create(ex->caller(), std::move(p)),
             [](Exchange& e, app::Promotion& out) {
               e.reply(201, promotion_json(out),
                       {{"Location", "/api/v1/promotions/" + std::to_string(out.rule.id)}});
             });
       }});
  routes.push_back(
      {"GET",
       "/api/v1/promotions",
       app::Permission::kLoyaltyRead,
       {"in_effect_at", "cursor", "limit"},
       BodyKind::kNone,
       [&s](const std::shared_ptr<Exchange>& ex) {
         auto page =
             s.promotions.list(ex->caller(), query_time(*ex, "in_effect_at"), ex->query("cursor"),
                               ex->query_int("limit", 1, app::kMaxPageSize));
         ex->reply(200, list_json(page, [](const app::Promotion& p) { return promotion_json(p); }));
       }});
  routes.push_back({"GET",
                    "/api/v1/promotions/{id}",
                    app::Permission::kLoyaltyRead,
                    {},
                    BodyKind::kNone,
                    [&s](const std::shared_ptr<Exchange>& ex) {
                      ex->reply(200,
                                promotion_json(s.promotions.get(ex->caller(), ex->id_param())));
                    }});
  routes.push_back({"DELETE",
                    "/api/v1/promotions/{id}",
                    app::Permission::kPromotionsWrite,
                    {},
                    BodyKind::kNone,
                    [&s](const std::shared_ptr<Exchange>& ex) {
                      ex->reply_after<app::Promotion>(
                          s.db.writer(), s.promotions.deactivate(ex->caller(), ex->id_param()),
                          [](Exchange& e, app::Promotion& p) { e.reply(200, promotion_json(p)); });
                    }});
  routes.push_back({"POST",
                    "/api/v1/coupons",
                    app::Permission::kPromotionsWrite,
                    {},
                    BodyKind::kJson,
                    [&s](const std::shared_ptr<Exchange>& ex) {
                      app::NewCoupons c = read_new_coupons(ex->json());
                      ex->reply_after<std::vector<app::Coupon>>(
                          s.db.writer(), s.coupons.create(ex->caller(), std::move(c)),
                          [](Exchange& e, std::vector<app::Coupon>& out) {
                            nlohmann::json items = nlohmann::json::array();
                            for (const auto& c : out) items.push_back(coupon_json(c));
                            e.reply(201, {{"items", std::move(items)}});
                          });
                    }});
  routes.push_back(
      {"GET",
       "/api/v1/coupons",
       app::Permission::kLoyaltyRead,
       {"q", "active", "customer_id", "cursor", "limit"},
       BodyKind::kNone,
       [&s](const std::shared_ptr<Exchange>& ex) {
         app::CouponListParams p;
         p.q = ex->query("q");
         p.active = ex->query_bool("active");
         if (auto c = ex->query_id("customer_id")) p.customer_id = *c;
         p.cursor = ex->query("cursor");
         p.limit = ex->query_int("limit", 1, app::kMaxPageSize);
         auto page = s.coupons.list(ex->caller(), p);
         ex->reply(200, list_json(page, [](const app::Coupon& c) { return coupon_json(c); }));
       }});
  routes.push_back({"GET",
                    "/api/v1/coupons/{code}",
                    app::Permission::kLoyaltyRead,
                    {},
                    BodyKind::kNone,
                    [&s](const std::shared_ptr<Exchange>& ex) {
                      ex->reply(200,
                                coupon_json(s.coupons.get(ex->caller(), ex->path_param("code"))));
                    }});
}

}  // namespace rapport::http
