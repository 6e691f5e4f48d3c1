#pragma once
// The `rapport serve` HTTP server: RESTinio on a thread pool, the route table, authentication,
// body checks (size, content type), metrics and the access log.
#include <cstdint>
#include <memory>
#include <string>

#include "app/analytics_service.hpp"
#include "app/auth_service.hpp"
#include "app/category_service.hpp"
#include "app/coupon_service.hpp"
#include "app/customer_service.hpp"
#include "app/kb_service.hpp"
#include "app/loyalty_service.hpp"
#include "app/order_service.hpp"
#include "app/product_service.hpp"
#include "app/promotion_service.hpp"
#include "app/queue_service.hpp"
#include "app/return_service.hpp"
#include "app/review_service.hpp"
#include "app/sla_policy_service.hpp"
#include "app/survey_service.hpp"
#include "app/ticket_service.hpp"
#include "app/user_service.hpp"
#include "http/metrics.hpp"
#include "http/route.hpp"
#include "store/database.hpp"

namespace rapport::http {

struct ServerConfig {
  std::string address = "127.0.0.1";
  std::uint16_t port = 8080;
  std::size_t threads = 0;                   // 0: one per core
  std::size_t max_body_bytes = 1 << 20;      // JSON request bodies; larger: 413
  std::size_t max_upload_bytes = 32u << 20;  // CSV uploads (imports); larger: 413
  std::string access_log = "-";              // "-": stdout, "off": none, else a file path
  std::string web_root;                      // built web UI (web/dist); empty: none
};

// Everything handlers reach. Owned by the server, shared by all worker threads.
struct Services {
  explicit Services(store::Database& database)
      : db(database),
        auth(database),
        users(database),
        analytics(database),
        categories(database),
        products(database),
        orders(database),
        returns(database),
        customers(database),
        tickets(database),
        queues(database),
        sla_policies(database),
        loyalty(database),
        promotions(database),
        coupons(database),
        reviews(database),
        surveys(database),
        kb(database) {}
  store::Database& db;
  app::AuthService auth;
  app::UserService users;
  app::AnalyticsService analytics;
  app::CategoryService categories;
  app::ProductService products;
  app::OrderService orders;
  app::ReturnService returns;
  app::CustomerService customers;
  app::TicketService tickets;
  app::QueueService queues;
  app::SlaPolicyService sla_policies;
  app::LoyaltyService loyalty;
  app::PromotionService promotions;
  app::CouponService coupons;
  app::ReviewService reviews;
  app::SurveyService surveys;
  app::KbService kb;
  Metrics metrics;
};

// The whole API's route table (handlers bound to `services`).
RouteTable build_routes(Services& services);

class Server {
 public:
  Server(ServerConfig config, store::Database& db);
  ~Server();
  // Serves until SIGINT or SIGTERM; throws rapport::Error(kUnavailable) when the address cannot
  // be bound.
  void run_until_signal();
  const RouteTable& routes() const { return routes_; }

 private:
  struct Impl;
  ServerConfig config_;
  Services services_;
  RouteTable routes_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace rapport::http
