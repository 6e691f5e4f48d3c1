#include "app/demo_store.hpp"
#include "core/loyalty_rules.hpp"

#include <unistd.h>

#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include "app/contact_normalizer.hpp"
#include "app/user_service.hpp"
#include "store/database.hpp"
#include "unit/test_support.hpp"

namespace rapport::app {
namespace {

namespace fs = std::filesystem;

class DemoStoreTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = test_support::fresh_test_dir("rapport-demo"); }
  void TearDown() override { fs::remove_all(dir_); }

  // A small store (same generator, fewer customers) and a digest of its business rows.
  std::string generate(const std::string& name, std::uint64_t seed, DemoStoreSummary& sum) {
    store::Database db((dir_ / name).string());
    UserService users(db);
    DemoStoreOptions o;
    o.seed = seed;
    o.customers = 1500;
    o.now = 1'790'000'000'000;  // fixed "today"
    const Role roles[] = {Role::kAdmin, Role::kSales, Role::kSales, Role::kService};
    int i = 0;
    for (Role r : roles) {
      auto u = db.writer().run(
          users.create(Caller::operator_cli(),
                       {"u" + std::to_string(i++) + "@example.com", "U", r, "a long password"}));
      o.staff.push_back({u.id, u.role});
    }
    auto conn = db.open_connection();
    store::Transaction tx(*conn, true);
    sum = generate_demo_store(*conn, Caller::operator_cli(), o);
    tx.commit();
    auto& c = db.reader();
    std::string digest;
    for (const char* sql :
         {"SELECT count(*), sum(length(name)), sum(created_at % 100000) FROM customers",
          "SELECT count(*), sum(total_minor), sum(placed_at % 100000) FROM orders",
          "SELECT count(*), sum(refund_minor) FROM returns",
          "SELECT count(*), sum(created_at % 100000), sum(breached) FROM tickets",
          "SELECT count(*), sum(balance), sum(length(reason)) FROM loyalty_ledger"}) {
      store::Query q(c, sql);
      q.step();
      digest += std::to_string(q->get_int(0)) + "/" + std::to_string(q->get_int(1)) + "/" +
                std::to_string(q->get_int(2)) + ";";
    }
    check_rules(c);
    return digest;
  }

  static std::int64_t scalar(store::Connection& c, const char* sql) {
    return test_support::scalar(c, sql);
  }

  // What the API would insist on holds for the generated rows too.
  void check_rules(store::Connection& c) {
    {
      store::Query q(c, "SELECT email, email_norm, phone FROM customers");
      while (q.step()) {
        if (!q->is_null(0)) {
          EXPECT_EQ(normalize_email("email", q->get_text(0)), q->get_text(1));
        }
        if (!q->is_null(2)) {
          EXPECT_EQ(normalize_phone("phone", q->get_text(2), "US"), q->get_text(2));
        }
      }
    }
    // Totals add up; lines never exceed what was bought; returns inside the 30-day window.
    EXPECT_EQ(scalar(c,
                     "SELECT count(*) FROM orders o WHERE total_minor != (SELECT "
                     "sum(total_minor) FROM order_lines l WHERE l.order_id = o.id)"),
              0);
    EXPECT_EQ(scalar(c,
                     "SELECT count(*) FROM return_lines r JOIN order_lines l ON l.id = "
                     "r.order_line_id WHERE r.quantity > l.quantity"),
              0);
    EXPECT_EQ(scalar(c,
                     "SELECT count(*) FROM returns r JOIN orders o ON o.id = r.order_id "
                     "WHERE r.at <= o.placed_at OR r.at > o.placed_at + 30 * 86400000"),
              0);
    EXPECT_EQ(scalar(c, "SELECT count(*) FROM orders WHERE placed_at >= 1790000000000"), 0);
    // Both scripts, repeat and one-time buyers, anonymous baskets, several channels.
    EXPECT_GT(scalar(c, "SELECT count(*) FROM customers WHERE name GLOB '*[a-z]*'"), 100);
    EXPECT_GT(scalar(c, "SELECT count(*) FROM customers WHERE unicode(name) > 0x4E00"), 100);
    EXPECT_GT(scalar(c,
                     "SELECT count(*) FROM (SELECT customer_id FROM orders WHERE customer_id "
                     "IS NOT NULL GROUP BY 1 HAVING count(*) = 1)"),
              100);
    EXPECT_GT(scalar(c,
                     "SELECT count(*) FROM (SELECT customer_id FROM orders WHERE customer_id "
                     "IS NOT NULL GROUP BY 1 HAVING count(*) >= 5)"),
              50);
    EXPECT_GT(scalar(c, "SELECT count(*) FROM orders WHERE customer_id IS NULL"), 100);
    EXPECT_GE(scalar(c,
                     "SELECT count(DISTINCT channel) FROM interactions WHERE kind = "
                     "'interaction'"),
              6);
    // Tickets: about one per six customers, before today, on live customers' own orders, in
    // queues with a manager; some breached (each breach notified once), most not; no SLA clock
    // watched on a resolved or closed ticket.
    const std::int64_t tickets = scalar(c, "SELECT count(*) FROM tickets");
    EXPECT_GT(tickets, 200);
    EXPECT_EQ(scalar(c, "SELECT count(*) FROM tickets WHERE created_at >= 1790000000000"), 0);
    EXPECT_EQ(scalar(c,
                     "SELECT count(*) FROM tickets t JOIN orders o ON o.id = t.order_id WHERE "
                     "o.customer_id IS NOT t.customer_id"),
              0);
    EXPECT_EQ(scalar(c,
                     "SELECT count(*) FROM ticket_queues q LEFT JOIN users u ON u.id = "
                     "q.manager_id WHERE u.id IS NULL"),
              0);
    const std::int64_t breached = scalar(c, "SELECT count(*) FROM tickets WHERE breached = 1");
    EXPECT_GT(breached, 0);
    EXPECT_LT(breached, tickets / 2);
    EXPECT_EQ(scalar(c, "SELECT count(*) FROM notifications"),
              scalar(c,
                     "SELECT count(first_response_breached_at) + count(resolution_breached_at) "
                     "FROM tickets"));
    EXPECT_EQ(scalar(c,
                     "SELECT count(*) FROM tickets WHERE status IN ('resolved','closed') AND "
                     "sla_next_check IS NOT NULL"),
              0);
    EXPECT_GE(scalar(c, "SELECT count(DISTINCT status) FROM tickets"), 4);
    EXPECT_EQ(scalar(c, "SELECT count(DISTINCT type) FROM tickets"), 4);
    // Loyalty: members with a valid card each, a ledger whose newest balance is the sum of its
    // entries, and more than one tier in use.
    const std::int64_t members = scalar(c, "SELECT count(*) FROM loyalty_members");
    EXPECT_GT(members, 100);
    EXPECT_EQ(scalar(c, "SELECT count(*) FROM loyalty_cards WHERE status = 'active'"), members);
    {
      store::Query q(c, "SELECT number FROM loyalty_cards");
      while (q.step()) EXPECT_TRUE(luhn_valid(q->get_text(0)));
    }
    EXPECT_EQ(scalar(c,
                     "SELECT count(*) FROM loyalty_members m WHERE (SELECT coalesce(sum(points), "
                     "0) FROM loyalty_ledger l WHERE l.customer_id = m.customer_id) <> (SELECT "
                     "balance FROM loyalty_ledger l WHERE l.customer_id = m.customer_id ORDER BY "
                     "id DESC LIMIT 1)"),
              0);
    EXPECT_GE(scalar(c, "SELECT count(DISTINCT tier) FROM loyalty_members"), 2);
    // Weekends busier than mid-week; December busier than February.
    EXPECT_GT(scalar(c,
                     "SELECT count(*) FROM orders WHERE strftime('%w', placed_at / 1000, "
                     "'unixepoch') = '6'"),
              scalar(c,
                     "SELECT count(*) FROM orders WHERE strftime('%w', placed_at / 1000, "
                     "'unixepoch') = '2'"));
    EXPECT_GT(scalar(c,
                     "SELECT count(*) FROM orders WHERE strftime('%m', placed_at / 1000, "
                     "'unixepoch') = '12'"),
              scalar(c,
                     "SELECT count(*) FROM orders WHERE strftime('%m', placed_at / 1000, "
                     "'unixepoch') = '02'"));
  }

  fs::path dir_;
};

TEST_F(DemoStoreTest, SameSeedSameStoreAndTheRulesHold) {
  DemoStoreSummary a, b, c;
  std::string da = generate("a.db", 42, a);
  std::string db = generate("b.db", 42, b);
  std::string dc = generate("c.db", 43, c);
  EXPECT_EQ(da, db);
  EXPECT_NE(da, dc);
  EXPECT_EQ(a.customers, 1500);
  EXPECT_EQ(a.products, 500);
  EXPECT_GT(a.returns, 0);
  EXPECT_GT(a.tickets, 200);
}

}  // namespace
}  // namespace rapport::app
