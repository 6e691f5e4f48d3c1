#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <future>
#include <set>

#include "app/category_service.hpp"
#include "app/order_service.hpp"
#include "app/product_service.hpp"
#include "app/return_service.hpp"
#include "app/settings.hpp"
#include "app/user_service.hpp"
#include "core/error.hpp"
#include "unit/test_support.hpp"

namespace rapport::app {
namespace {

using test_support::error_of;

class OrdersTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = test_support::fresh_test_dir("rapport-orders");
    db_ = std::make_unique<store::Database>((dir_ / "t.db").string());
    User admin = db_->writer().run(UserService(*db_).create(
        Caller::operator_cli(), {"boss@example.com", "Boss", Role::kAdmin, "a long password"}));
    admin_.user_id = admin.id;
    admin_.role = Role::kAdmin;
    admin_.request_id = "test";
    products_ = std::make_unique<ProductService>(*db_);
    orders_ = std::make_unique<OrderService>(*db_);
    returns_ = std::make_unique<ReturnService>(*db_);
    categories_ = std::make_unique<CategoryService>(*db_);
    tea_ = add_product("TEA-1", "Green tea", 450, "USD");
    cup_ = add_product("CUP-1", "Cup", 1200, "USD");
    pot_ = add_product("POT-1", "Teapot", 3999, "USD");
    euro_ = add_product("EUR-1", "Croissant", 150, "EUR");
    customer_ = add_customer("Ann");
  }
  void TearDown() override {
    products_.reset();
    orders_.reset();
    returns_.reset();
    categories_.reset();
    db_.reset();
    std::filesystem::remove_all(dir_);
  }
  Product add_product(const std::string& sku, const std::string& name, std::int64_t price,
                      const std::string& currency, std::optional<std::int64_t> category = {}) {
    NewProduct p;
    p.sku = sku;
    p.name = name;
    p.price_minor = price;
    p.currency = currency;
    p.category_id = category;
    return db_->writer().run(products_->create(admin_, p));
  }
  std::int64_t add_customer(const std::string& name) {
    return db_->writer().run([&](store::Connection& c) {
      store::execute(c, "INSERT INTO customers (name, created_at, updated_at) VALUES (?, 0, 0)",
                     name);
      return c.last_insert_id();
    });
  }
  std::int64_t count(const std::string& sql) { return test_support::scalar(db_->reader(), sql); }
  Caller role(Role r) {
    Caller c = admin_;
    c.role = r;
    return c;
  }
  NewOrderLine line(std::int64_t product_id, std::int64_t quantity, std::int64_t discount = 0) {
    NewOrderLine l;
    l.product_id = product_id;
    l.quantity = quantity;
    l.discount_minor = discount;
    return l;
  }
  Order place(NewOrder o) { return db_->writer().run(orders_->place(admin_, std::move(o))); }
  Return give_back(std::int64_t order_id, std::vector<NewReturnLine> lines,
                   std::optional<TimeMs> now = std::nullopt) {
    NewReturn r;
    r.lines = std::move(lines);
    return db_->writer().run(returns_->create(admin_, order_id, r, now));
  }

  std::filesystem::path dir_;
  std::unique_ptr<store::Database> db_;
  Caller admin_;
  std::unique_ptr<ProductService> products_;
  std::unique_ptr<OrderService> orders_;
  std::unique_ptr<ReturnService> returns_;
  std::unique_ptr<CategoryService> categories_;
  Product tea_, cup_, pot_, euro_;
  std::int64_t customer_ = 0;
};

TEST_F(OrdersTest, PlacesAnOrderWithLinesTimelineAndAudit) {
  NewOrder o;
  o.customer_id = customer_;
  o.location = "Main St";
  o.lines = {line(tea_.id, 3), line(cup_.id, 1, 200)};
  NewOrderLine by_sku;
  by_sku.sku = "POT-1";
  by_sku.quantity = 1;
  by_sku.unit_price_minor = 3500;  // a price given at the till wins over the catalogue's
  o.lines.push_back(by_sku);
  Order placed = place(o);
  EXPECT_EQ(placed.currency, "USD");
  EXPECT_EQ(placed.subtotal_minor, 1350 + 1200 + 3500);
  EXPECT_EQ(placed.discount_minor, 200);
  EXPECT_EQ(placed.total_minor, 1350 + 1000 + 3500);
  ASSERT_EQ(placed.lines.size(), 3u);
  EXPECT_EQ(placed.lines[2].product_id, pot_.id);
  EXPECT_EQ(placed.lines[2].unit_price_minor, 3500);

  Order got = orders_->get(admin_, placed.id);
  EXPECT_EQ(got.total_minor, placed.total_minor);
  ASSERT_EQ(got.lines.size(), 3u);
  EXPECT_EQ(got.lines[1].total_minor, 1000);
  EXPECT_EQ(got.lines[0].sku, "TEA-1");
  EXPECT_EQ(count("SELECT count(*) FROM order_lines WHERE order_id = " + std::to_string(placed.id)),
            3);
  EXPECT_EQ(count("SELECT count(*) FROM interactions WHERE kind = 'order_placed' AND ref_type = "
                  "'order' AND ref_id = " +
                  std::to_string(placed.id) + " AND customer_id = " + std::to_string(customer_)),
            1);
  EXPECT_EQ(count("SELECT count(*) FROM audit_log WHERE entity = 'order' AND entity_id = '" +
                  std::to_string(placed.id) + "'"),
            1);
}

TEST_F(OrdersTest, AnonymousBasketHasNoTimelineEntry) {
  NewOrder o;
  o.lines = {line(tea_.id, 1)};
  Order placed = place(o);
  EXPECT_FALSE(placed.customer_id);
  EXPECT_EQ(count("SELECT count(*) FROM interactions"), 0);
  EXPECT_EQ(count("SELECT count(*) FROM audit_log WHERE entity = 'order'"), 1);
}

TEST_F(OrdersTest, RefusesBadOrdersAndWritesNothing) {
  const auto orders_before = count("SELECT count(*) FROM orders");
  auto refuse = [&](NewOrder o) { return error_of([&] { orders_->place(admin_, o); }); };
  NewOrder unknown;
  unknown.lines = {line(tea_.id, 1), line(999999, 1)};
  Error e = refuse(unknown);
  EXPECT_EQ(e.code(), ErrorCode::kNotFound);
  EXPECT_EQ(e.field(), "lines[1].product_id");

  NewOrder bad_sku;
  NewOrderLine l;
  l.sku = "NOPE";
  l.quantity = 1;
  bad_sku.lines = {l};
  e = refuse(bad_sku);
  EXPECT_EQ(e.code(), ErrorCode::kNotFound);
  EXPECT_EQ(e.field(), "lines[0].sku");

  NewOrder mixed;
  mixed.lines = {line(tea_.id, 1), line(euro_.id, 1)};
  e = refuse(mixed);
  EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(e.field(), "lines[1].product_id");
  EXPECT_NE(std::string(e.what()).find("EUR"), std::string::npos);

  NewOrder zero;
  zero.lines = {line(tea_.id, 0)};
  EXPECT_EQ(refuse(zero).field(), "lines[0].quantity");

  NewOrder no_customer;
  no_customer.customer_id = 424242;
  no_customer.lines = {line(tea_.id, 1)};
  e = refuse(no_customer);
  EXPECT_EQ(e.code(), ErrorCode::kNotFound);
  EXPECT_EQ(e.field(), "customer_id");

  NewOrder channel;
  channel.channel = "fax";
  channel.lines = {line(tea_.id, 1)};
  EXPECT_EQ(refuse(channel).field(), "channel");

  NewOrder future;
  future.placed_at = now_ms() + 2 * kMaxOrderClockSkewMs;
  future.lines = {line(tea_.id, 1)};
  EXPECT_EQ(refuse(future).field(), "placed_at");

  db_->writer().run(products_->update(admin_, cup_.id, ProductPatch{.active = false}, {}));
  NewOrder inactive;
  inactive.lines = {line(cup_.id, 1)};
  e = refuse(inactive);
  EXPECT_EQ(e.code(), ErrorCode::kConflict);
  EXPECT_EQ(e.field(), "lines[0].product_id");

  EXPECT_EQ(refuse(NewOrder{}).field(), "lines");
  EXPECT_EQ(error_of([&] {
              NewOrder o;
              o.lines = {line(tea_.id, 1)};
              orders_->place(role(Role::kAnalyst), o);
            }).code(),
            ErrorCode::kForbidden);
  EXPECT_EQ(count("SELECT count(*) FROM orders"), orders_before);
}

TEST_F(OrdersTest, ListsNewestFirstWithCursorAndFilters) {
  const TimeMs t0 = *parse_time("2026-01-01T00:00:00Z");
  std::vector<std::int64_t> ids;
  for (int i = 0; i < 7; ++i) {
    NewOrder o;
    o.customer_id = i % 2 == 0 ? std::optional<std::int64_t>(customer_) : std::nullopt;
    o.channel = i < 5 ? "store" : "web";
    o.placed_at = t0 + (i / 2) * 1000;  // pairs share a time: the id breaks the tie
    o.lines = {line(tea_.id, 1)};
    ids.push_back(place(o).id);
  }
  std::vector<std::int64_t> seen;
  OrderListParams p;
  p.limit = 3;
  for (;;) {
    auto page = orders_->list(admin_, p);
    for (const auto& o : page.items) seen.push_back(o.id);
    if (!page.next_cursor) break;
    p.cursor = page.next_cursor;
  }
  // Newest first: (placed_at desc, id desc).
  std::vector<std::int64_t> want = {ids[6], ids[5], ids[4], ids[3], ids[2], ids[1], ids[0]};
  EXPECT_EQ(seen, want);

  OrderListParams web;
  web.channel = "web";
  EXPECT_EQ(orders_->list(admin_, web).items.size(), 2u);
  OrderListParams range;
  range.from = t0 + 1000;
  range.to = t0 + 3000;
  EXPECT_EQ(orders_->list(admin_, range).items.size(), 4u);
  auto mine = orders_->list_for_customer(admin_, customer_, {});
  EXPECT_EQ(mine.items.size(), 4u);
  EXPECT_EQ(error_of([&] { orders_->list_for_customer(admin_, 999999, {}); }).code(),
            ErrorCode::kNotFound);
}

TEST_F(OrdersTest, ReturnsUpToWhatIsLeftWithExactRefunds) {
  NewOrder o;
  o.customer_id = customer_;
  o.lines = {line(tea_.id, 3, 350), line(cup_.id, 2)};  // tea: 3 x 450 - 350 = 1000
  Order placed = place(o);
  const auto tea_line = placed.lines[0].id;
  Return r1 = give_back(placed.id, {{tea_line, 1}});
  EXPECT_EQ(r1.refund_minor, 333);
  Error over = error_of([&] { give_back(placed.id, {{tea_line, 3}}); });
  EXPECT_EQ(over.code(), ErrorCode::kConflict);
  EXPECT_EQ(over.field(), "lines[0].quantity");
  EXPECT_NE(std::string(over.what()).find("only 2 of the 3"), std::string::npos);
  Return r2 = give_back(placed.id, {{tea_line, 2}, {placed.lines[1].id, 1}});
  EXPECT_EQ(r2.refund_minor, 667 + 1200);
  EXPECT_EQ(r1.refund_minor + r2.lines[0].refund_minor, 1000);  // exactly the line's total
  EXPECT_EQ(error_of([&] { give_back(placed.id, {{tea_line, 1}}); }).code(), ErrorCode::kConflict);

  Order after = orders_->get(admin_, placed.id);
  EXPECT_EQ(after.lines[0].returned_quantity, 3);
  EXPECT_EQ(after.lines[1].returned_quantity, 1);
  EXPECT_EQ(after.refunded_minor, 333 + 667 + 1200);
  EXPECT_EQ(count("SELECT count(*) FROM interactions WHERE kind = 'return_made'"), 2);
  auto listed = returns_->list_for_order(admin_, placed.id, std::nullopt, std::nullopt);
  ASSERT_EQ(listed.items.size(), 2u);
  EXPECT_EQ(listed.items[1].lines.size(), 2u);
  EXPECT_EQ(returns_->get(admin_, r2.id).refund_minor, r2.refund_minor);

  // A line of another order is not a line of this one.
  NewOrder other;
  other.lines = {line(pot_.id, 1)};
  Order second = place(other);
  Error foreign = error_of([&] { give_back(placed.id, {{second.lines[0].id, 1}}); });
  EXPECT_EQ(foreign.code(), ErrorCode::kNotFound);
  EXPECT_EQ(foreign.field(), "lines[0].order_line_id");
  // Shape errors are caught before the writer.
  NewReturn dup;
  dup.lines = {{second.lines[0].id, 1}, {second.lines[0].id, 1}};
  EXPECT_EQ(error_of([&] { returns_->create(admin_, second.id, dup); }).field(),
            "lines[1].order_line_id");
  NewReturn zero;
  zero.lines = {{second.lines[0].id, 0}};
  EXPECT_EQ(error_of([&] { returns_->create(admin_, second.id, zero); }).field(),
            "lines[0].quantity");
}

// Many returns of the same line submitted at once: the writer runs them one after another in
// its groups, each checking what the committed (or earlier in the group) returns left, so
// exactly `bought` units come back however the requests interleave.
TEST_F(OrdersTest, ConcurrentReturnsCannotOverReturn) {
  NewOrder o;
  o.lines = {line(tea_.id, 10)};
  Order placed = place(o);
  const auto line_id = placed.lines[0].id;
  constexpr int kClients = 8;
  constexpr int kEach = 5;
  std::atomic<int> ok{0};
  std::atomic<int> refused{0};
  std::vector<std::future<void>> clients;
  for (int c = 0; c < kClients; ++c) {
    clients.push_back(std::async(std::launch::async, [&] {
      for (int i = 0; i < kEach; ++i) {
        NewReturn r;
        r.lines = {{line_id, 1}};
        try {
          db_->writer().run(returns_->create(admin_, placed.id, r));
          ++ok;
        } catch (const Error& e) {
          EXPECT_EQ(e.code(), ErrorCode::kConflict);
          ++refused;
        }
      }
    }));
  }
  for (auto& f : clients) f.get();
  EXPECT_EQ(ok.load(), 10);
  EXPECT_EQ(refused.load(), kClients * kEach - 10);
  EXPECT_EQ(count("SELECT sum(quantity) FROM return_lines"), 10);
  EXPECT_EQ(count("SELECT sum(refund_minor) FROM returns"), placed.total_minor);
}

TEST_F(OrdersTest, ReturnWindowEdgeFromTheSetting) {
  const TimeMs placed_at = *parse_time("2026-03-01T10:00:00Z");
  NewOrder o;
  o.placed_at = placed_at;
  o.lines = {line(tea_.id, 5)};
  Order placed = place(o);
  const auto line_id = placed.lines[0].id;
  const TimeMs day = 86'400'000;
  // Default: 30 days, the last millisecond included.
  give_back(placed.id, {{line_id, 1}}, placed_at + 30 * day);
  Error late = error_of([&] { give_back(placed.id, {{line_id, 1}}, placed_at + 30 * day + 1); });
  EXPECT_EQ(late.code(), ErrorCode::kConflict);
  EXPECT_NE(std::string(late.what()).find("2026-03-31T10:00:00.000Z"), std::string::npos)
      << late.what();
  // The setting moves the deadline.
  db_->writer().run(update_setting(admin_, "return_window_days", "7"));
  give_back(placed.id, {{line_id, 1}}, placed_at + 7 * day);
  late = error_of([&] { give_back(placed.id, {{line_id, 1}}, placed_at + 7 * day + 1); });
  EXPECT_NE(std::string(late.what()).find("2026-03-08T10:00:00.000Z"), std::string::npos);
  EXPECT_EQ(count("SELECT count(*) FROM returns"), 2);
}

TEST_F(OrdersTest, BulkOrdersAreAllOrNothingWithEveryFailedItem) {
  std::vector<NewOrder> batch(5);
  for (auto& o : batch) o.lines = {line(tea_.id, 1)};
  batch[1].lines = {line(tea_.id, 0)};
  batch[3].lines = {line(tea_.id, 1), line(euro_.id, 1)};
  Error e = error_of([&] { orders_->place_bulk(admin_, batch); });
  ASSERT_EQ(e.items().size(), 2u);
  EXPECT_EQ(e.items()[0].index, 1u);
  EXPECT_EQ(e.items()[0].field, "items[1].lines[0].quantity");
  EXPECT_EQ(e.items()[1].index, 3u);
  EXPECT_EQ(e.items()[1].field, "items[3].lines[1].product_id");
  EXPECT_EQ(e.field(), "items[1].lines[0].quantity");
  EXPECT_EQ(count("SELECT count(*) FROM orders"), 0);
  batch[1].lines = {line(tea_.id, 2)};
  batch[3].lines = {line(cup_.id, 1)};
  auto placed = db_->writer().run(orders_->place_bulk(admin_, batch));
  EXPECT_EQ(placed.size(), 5u);
  EXPECT_EQ(count("SELECT count(*) FROM orders"), 5);
  EXPECT_EQ(error_of([&] { orders_->place_bulk(role(Role::kSales), batch); }).code(),
            ErrorCode::kForbidden);
}

TEST_F(OrdersTest, ProductsVersionSoftDeleteRestoreAndSku) {
  Product p = products_->get_by_sku(admin_, "TEA-1");
  EXPECT_EQ(p.id, tea_.id);
  ProductPatch patch;
  patch.price_minor = 500;
  Product changed = db_->writer().run(products_->update(admin_, p.id, patch, p.version));
  EXPECT_EQ(changed.version, p.version + 1);
  Error stale = error_of([&] { db_->writer().run(products_->update(admin_, p.id, patch, 1)); });
  EXPECT_EQ(stale.code(), ErrorCode::kConflict);
  EXPECT_EQ(stale.field(), "version");
  ProductPatch taken;
  taken.sku = "CUP-1";
  EXPECT_EQ(
      error_of([&] { db_->writer().run(products_->update(admin_, p.id, taken, {})); }).field(),
      "sku");
  Product gone = db_->writer().run(products_->remove(admin_, p.id, {}));
  EXPECT_TRUE(gone.deleted_at);
  ProductListParams live;
  for (const auto& x : products_->list(admin_, live).items) EXPECT_NE(x.id, p.id);
  ProductListParams deleted;
  deleted.deleted = true;
  ASSERT_EQ(products_->list(admin_, deleted).items.size(), 1u);
  NewOrder o;
  o.lines = {line(p.id, 1)};
  EXPECT_EQ(error_of([&] { orders_->place(admin_, o); }).code(), ErrorCode::kConflict);
  Product back = db_->writer().run(products_->restore(admin_, p.id));
  EXPECT_FALSE(back.deleted_at);
  EXPECT_EQ(count("SELECT count(*) FROM audit_log WHERE entity = 'product' AND entity_id = '" +
                  std::to_string(p.id) + "'"),
            4);  // create, update, delete, restore
  EXPECT_EQ(error_of([&] { products_->create(role(Role::kSales), NewProduct{}); }).code(),
            ErrorCode::kForbidden);
}

TEST_F(OrdersTest, ProductSearchCategoriesSortAndCursor) {
  Category food = db_->writer().run(categories_->create(admin_, "Food", std::nullopt));
  Category tea = db_->writer().run(categories_->create(admin_, "Tea", food.id));
  Category green = db_->writer().run(categories_->create(admin_, "Green", tea.id));
  EXPECT_EQ(green.path, "Food > Tea > Green");
  EXPECT_EQ(
      error_of([&] { db_->writer().run(categories_->create(admin_, "Tea", food.id)); }).code(),
      ErrorCode::kConflict);
  EXPECT_EQ(error_of([&] { categories_->create(admin_, "A > B", std::nullopt); }).field(), "name");
  add_product("SEN-1", "Sencha", 800, "USD", green.id);
  add_product("ASS-1", "Assam", 700, "USD", tea.id);
  add_product("BRD-1", "Bread", 300, "USD", food.id);
  add_product("sen-2", "sencha light", 600, "USD");

  ProductListParams under_tea;
  under_tea.category_id = tea.id;
  auto page = products_->list(admin_, under_tea);
  std::set<std::string> skus;
  for (const auto& p : page.items) skus.insert(p.sku);
  EXPECT_EQ(skus, (std::set<std::string>{"SEN-1", "ASS-1"}));
  ProductListParams q;
  q.q = "SEN";  // case-insensitive prefix of SKU or name
  skus.clear();
  for (const auto& p : products_->list(admin_, q).items) skus.insert(p.sku);
  EXPECT_EQ(skus, (std::set<std::string>{"SEN-1", "sen-2"}));
  q.q = "tea";  // "TEA-1" by SKU, "Teapot" by name; not "Green tea" (prefixes only)
  skus.clear();
  for (const auto& p : products_->list(admin_, q).items) skus.insert(p.sku);
  EXPECT_EQ(skus, (std::set<std::string>{"POT-1", "TEA-1"}));

  Category renamed = db_->writer().run(categories_->rename(admin_, tea.id, "Teas"));
  EXPECT_EQ(renamed.path, "Food > Teas");
  EXPECT_EQ(products_->get_by_sku(admin_, "SEN-1").category_path, "Food > Teas > Green");

  // Every sort walks every live product exactly once, in order, through pages of 2.
  for (std::string sort : {"price_minor", "-price_minor", "name", "-sku", "-id", "created_at"}) {
    ProductListParams p;
    p.sort = sort;
    p.limit = 2;
    std::vector<Product> all;
    for (;;) {
      auto pg = products_->list(admin_, p);
      all.insert(all.end(), pg.items.begin(), pg.items.end());
      if (!pg.next_cursor) break;
      p.cursor = pg.next_cursor;
    }
    ASSERT_EQ(all.size(), 8u) << sort;
    std::set<std::int64_t> distinct;
    for (const auto& x : all) distinct.insert(x.id);
    EXPECT_EQ(distinct.size(), 8u) << sort;
    for (std::size_t i = 1; i < all.size(); ++i) {
      const Product& a = all[i - 1];
      const Product& b = all[i];
      bool ordered = true;
      if (sort == "price_minor") ordered = a.price_minor <= b.price_minor;
      if (sort == "-price_minor") ordered = a.price_minor >= b.price_minor;
      if (sort == "name") ordered = a.name <= b.name;
      if (sort == "-sku") ordered = a.sku >= b.sku;
      if (sort == "-id") ordered = a.id > b.id;
      if (sort == "created_at") {
        ordered = a.created_at < b.created_at || (a.created_at == b.created_at && a.id < b.id);
      }
      EXPECT_TRUE(ordered) << sort << " at " << i;
    }
  }
  ProductListParams wrong;
  wrong.sort = "price";
  EXPECT_EQ(error_of([&] { products_->list(admin_, wrong); }).field(), "sort");
  ProductListParams mismatched;
  mismatched.sort = "name";
  mismatched.limit = 1;
  mismatched.cursor = products_->list(admin_, mismatched).next_cursor;
  mismatched.sort = "sku";
  EXPECT_EQ(error_of([&] { products_->list(admin_, mismatched); }).field(), "cursor");
}

TEST_F(OrdersTest, BulkProductsCreateOrUpsert) {
  std::vector<NewProduct> batch(3);
  for (int i = 0; i < 3; ++i) {
    batch[i].sku = "B-" + std::to_string(i);
    batch[i].name = "Bulk " + std::to_string(i);
    batch[i].price_minor = 100 * i;
    batch[i].currency = "USD";
  }
  batch[2].sku = "B-0";
  Error dup = error_of([&] { products_->bulk(admin_, batch, false); });
  ASSERT_EQ(dup.items().size(), 1u);
  EXPECT_EQ(dup.items()[0].field, "items[2].sku");
  batch[2].sku = "TEA-1";
  Error taken = error_of([&] { db_->writer().run(products_->bulk(admin_, batch, false)); });
  EXPECT_EQ(taken.code(), ErrorCode::kConflict);
  EXPECT_EQ(taken.field(), "items[2].sku");
  EXPECT_EQ(count("SELECT count(*) FROM products WHERE sku LIKE 'B-%'"), 0);
  auto results = db_->writer().run(products_->bulk(admin_, batch, true));
  ASSERT_EQ(results.size(), 3u);
  EXPECT_TRUE(results[0].created);
  EXPECT_FALSE(results[2].created);
  EXPECT_EQ(results[2].product.id, tea_.id);
  EXPECT_EQ(products_->get(admin_, tea_.id).name, "Bulk 2");
  EXPECT_EQ(error_of([&] { products_->bulk(role(Role::kSales), batch, true); }).code(),
            ErrorCode::kForbidden);
}

TEST_F(OrdersTest, SettingsListAndUpdate) {
  auto all = list_settings(db_->reader(), admin_);
  bool found = false;
  for (const auto& s : all) {
    if (s.key == "return_window_days") {
      found = true;
      EXPECT_EQ(s.value, "30");
      EXPECT_EQ(s.default_value, "30");
    }
  }
  EXPECT_TRUE(found);
  EXPECT_EQ(db_->writer().run(update_setting(admin_, "currency", "EUR")).value, "EUR");
  EXPECT_EQ(error_of([&] { update_setting(admin_, "nope", "1"); }).code(), ErrorCode::kNotFound);
  EXPECT_EQ(error_of([&] { update_setting(admin_, "return_window_days", "-1"); }).field(), "value");
  EXPECT_EQ(error_of([&] { update_setting(role(Role::kManager), "currency", "USD"); }).code(),
            ErrorCode::kForbidden);
}

}  // namespace
}  // namespace rapport::app
