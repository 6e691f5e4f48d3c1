#include "app/customer_service.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <set>
#include <tuple>

#include "app/settings.hpp"
#include "app/user_service.hpp"
#include "core/error.hpp"
#include "unit/test_support.hpp"

namespace rapport::app {
namespace {

using test_support::error_of;

class CustomerServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = test_support::fresh_test_dir("rapport-cust");
    db_ = std::make_unique<store::Database>((dir_ / "t.db").string());
    admin_user_ = db_->writer().run(UserService(*db_).create(
        Caller::operator_cli(), {"boss@example.com", "Boss", Role::kAdmin, "a long password"}));
    admin_.user_id = admin_user_.id;
    admin_.role = Role::kAdmin;
    analyst_ = admin_;
    analyst_.role = Role::kAnalyst;
    sales_ = admin_;
    sales_.role = Role::kSales;
    svc_ = std::make_unique<CustomerService>(*db_);
  }
  void TearDown() override {
    svc_.reset();
    db_.reset();
    std::filesystem::remove_all(dir_);
  }
  Customer create(CustomerInput in, const Caller* as = nullptr) {
    return db_->writer().run(svc_->create(as ? *as : admin_, std::move(in)));
  }
  static CustomerInput named(std::string name, std::optional<std::string> email = std::nullopt,
                             std::optional<std::string> phone = std::nullopt) {
    CustomerInput in;
    in.name = std::move(name);
    if (email) in.email = std::optional<std::string>(*email);
    if (phone) in.phone = std::optional<std::string>(*phone);
    return in;
  }
  std::int64_t count(const std::string& sql) { return test_support::scalar(db_->reader(), sql); }
  std::vector<std::string> names(const CustomerListParams& p) {
    std::vector<std::string> out;
    for (const auto& c : svc_->list(admin_, p).items) out.push_back(c.name);
    std::sort(out.begin(), out.end());
    return out;
  }
  std::vector<std::string> search(const std::string& q) {
    CustomerListParams p;
    p.q = q;
    return names(p);
  }

  std::filesystem::path dir_;
  std::unique_ptr<store::Database> db_;
  std::unique_ptr<CustomerService> svc_;
  User admin_user_;
  Caller admin_;
  Caller analyst_;
  Caller sales_;
};

TEST_F(CustomerServiceTest, CreateNormalisesAndRecordsAuditAndTimeline) {
  CustomerInput in = named("  王芳 ", " Wang.Fang@Example.COM ", "+86 138-0013-8000");
  in.country = std::optional<std::string>("cn");
  in.birth_date = std::optional<std::string>("1990-05-01");
  in.tags = std::vector<std::string>{"vip", " vip", "会员"};
  in.custom = std::map<std::string, std::string>{{"card", "A1"}};
  in.external_ids = std::vector<customer::ExternalId>{{"POS", "77"}};
  in.email_consent = ConsentInput{true, std::nullopt, std::string("store")};
  in.owner_id = std::optional<std::int64_t>(admin_user_.id);
  Customer c = create(in);
  EXPECT_EQ(c.name, "王芳");
  EXPECT_EQ(c.email, "Wang.Fang@Example.COM");
  EXPECT_EQ(c.email_norm, "wang.fang@example.com");
  EXPECT_EQ(c.phone, "+8613800138000");
  EXPECT_EQ(c.country, "CN");
  EXPECT_EQ(c.tags, (std::vector<std::string>{"vip", "会员"}));
  EXPECT_TRUE(c.email_consent.granted);
  EXPECT_TRUE(c.email_consent.at);
  EXPECT_FALSE(c.sms_consent.granted);
  Customer got = svc_->get(analyst_, c.id);
  EXPECT_EQ(got.external_ids, (std::vector<customer::ExternalId>{{"pos", "77"}}));
  EXPECT_EQ(got.custom.at("card"), "A1");
  EXPECT_EQ(count("SELECT count(*) FROM audit_log WHERE entity = 'customer' AND action = 'create'"),
            1);
  auto tl = svc_->timeline(analyst_, c.id, {});
  ASSERT_EQ(tl.items.size(), 1u);
  EXPECT_EQ(tl.items[0].kind, "customer_created");
}

TEST_F(CustomerServiceTest, ValidationNamesTheFieldAndWritesNothing) {
  auto field = [&](CustomerInput in) { return error_of([&] { create(std::move(in)); }).field(); };
  EXPECT_EQ(field(CustomerInput{}), "name");
  CustomerInput in = named("A");
  in.email = std::optional<std::string>("not an email");
  EXPECT_EQ(field(in), "email");
  in = named("A");
  in.phone = std::optional<std::string>("12");
  EXPECT_EQ(field(in), "phone");
  in = named("A");
  in.gender = std::optional<std::string>("F");
  EXPECT_EQ(field(in), "gender");
  in = named("A");
  in.country = std::optional<std::string>("XX");
  EXPECT_EQ(field(in), "country");
  in = named("A");
  in.birth_date = std::optional<std::string>("2999-01-01");
  EXPECT_EQ(field(in), "birth_date");
  in = named("A");
  in.owner_id = std::optional<std::int64_t>(999);
  Error e = error_of([&] { create(in); });
  EXPECT_EQ(e.code(), ErrorCode::kNotFound);
  EXPECT_EQ(e.field(), "owner_id");
  in = named("A");
  in.kind = "company";
  EXPECT_EQ(field(in), "kind");
  EXPECT_EQ(error_of([&] { create(named("A"), &analyst_); }).code(), ErrorCode::kForbidden);
  EXPECT_EQ(count("SELECT count(*) FROM customers"), 0);
  EXPECT_EQ(count("SELECT count(*) FROM interactions"), 0);
}

TEST_F(CustomerServiceTest, DuplicateEmailOrPhoneIsAConflictNamingTheExistingCustomer) {
  Customer a = create(named("Anna", "anna@example.com", "+14155550132"));
  Error e = error_of([&] { create(named("Anna 2", "ANNA@example.com ")); });
  EXPECT_EQ(e.code(), ErrorCode::kConflict);
  EXPECT_EQ(e.field(), "email");
  EXPECT_EQ(e.existing_id(), a.id);
  // The same number in another format is the same number.
  e = error_of([&] { create(named("Anna 3", std::nullopt, "(415) 555-0132")); });
  EXPECT_EQ(e.field(), "phone");
  EXPECT_EQ(e.existing_id(), a.id);
  // Updating another customer to the same email is refused too.
  Customer b = create(named("Bob", "bob@example.com"));
  CustomerInput patch;
  patch.email = std::optional<std::string>("anna@EXAMPLE.com");
  e = error_of([&] { db_->writer().run(svc_->update(admin_, b.id, patch, std::nullopt)); });
  EXPECT_EQ(e.existing_id(), a.id);
  // A deleted customer does not block a new one; restoring it then conflicts.
  db_->writer().run(svc_->remove(admin_, a.id, std::nullopt));
  Customer a2 = create(named("Anna again", "anna@example.com"));
  e = error_of([&] { db_->writer().run(svc_->restore(admin_, a.id)); });
  EXPECT_EQ(e.code(), ErrorCode::kConflict);
  EXPECT_EQ(e.existing_id(), a2.id);
}

TEST_F(CustomerServiceTest, UpdateChecksVersionAndClearsFields) {
  CustomerInput in = named("Claire", "claire@example.com");
  in.city = std::optional<std::string>("Lyon");
  Customer c = create(in);
  CustomerInput patch;
  patch.city = std::optional<std::string>();  // null clears
  patch.name = "Claire D.";
  Customer after = db_->writer().run(svc_->update(admin_, c.id, patch, c.version));
  EXPECT_EQ(after.version, c.version + 1);
  EXPECT_FALSE(after.city);
  EXPECT_EQ(after.email, "claire@example.com");  // absent: unchanged
  Error e = error_of([&] { db_->writer().run(svc_->update(admin_, c.id, patch, c.version)); });
  EXPECT_EQ(e.code(), ErrorCode::kConflict);
  EXPECT_EQ(e.field(), "version");
  e = error_of([&] { db_->writer().run(svc_->update(admin_, 999, patch, std::nullopt)); });
  EXPECT_EQ(e.code(), ErrorCode::kNotFound);
}

TEST_F(CustomerServiceTest, SoftDeleteAndRestore) {
  Customer c = create(named("Dora"));
  EXPECT_EQ(error_of([&] { db_->writer().run(svc_->remove(sales_, c.id, std::nullopt)); }).code(),
            ErrorCode::kForbidden);
  Customer d = db_->writer().run(svc_->remove(admin_, c.id, std::nullopt));
  EXPECT_TRUE(d.deleted_at);
  EXPECT_TRUE(search("Dora").empty());
  CustomerListParams p;
  p.q = "Dora";
  p.deleted = DeletedFilter::kDeletedOnly;
  EXPECT_EQ(names(p), std::vector<std::string>{"Dora"});
  EXPECT_EQ(error_of([&] {
              db_->writer().run(svc_->update(admin_, c.id, named("X"), std::nullopt));
            }).code(),
            ErrorCode::kConflict);
  Customer r = db_->writer().run(svc_->restore(admin_, c.id));
  EXPECT_FALSE(r.deleted_at);
  EXPECT_EQ(search("Dora"), std::vector<std::string>{"Dora"});
}

TEST_F(CustomerServiceTest, SearchLatinAndChineseByPrefixAndSubstring) {
  for (const char* n : {"王芳", "王芳芳", "李王芳", "王小明", "Wang Fang", "Anna Wangari",
                        "Élodie Wanner", "Bob Smith"}) {
    create(named(n));
  }
  create(named("Phone Person", "zed@example.org", "+8613912345678"));
  // 1-2 characters: the start of the name.
  EXPECT_EQ(search("王"), (std::vector<std::string>{"王小明", "王芳", "王芳芳"}));
  EXPECT_EQ(search("王芳"), (std::vector<std::string>{"王芳", "王芳芳"}));
  EXPECT_EQ(search("wa"), (std::vector<std::string>{"Wang Fang"}));
  // 3+ characters: any substring, any case, any script.
  EXPECT_EQ(search("王芳芳"), (std::vector<std::string>{"王芳芳"}));
  EXPECT_EQ(search("李王芳"), (std::vector<std::string>{"李王芳"}));
  EXPECT_EQ(search("wan"),
            (std::vector<std::string>{"Anna Wangari", "Wang Fang", "Élodie Wanner"}));
  EXPECT_EQ(search("ANG"), (std::vector<std::string>{"Anna Wangari", "Wang Fang"}));
  EXPECT_EQ(search("g fa"), (std::vector<std::string>{"Wang Fang"}));
  EXPECT_EQ(search("Élodie"), (std::vector<std::string>{"Élodie Wanner"}));
  // Email and phone (typed with spaces), and quotes are literal.
  EXPECT_EQ(search("zed@"), (std::vector<std::string>{"Phone Person"}));
  EXPECT_EQ(search("139 1234"), (std::vector<std::string>{"Phone Person"}));
  EXPECT_TRUE(search("\"wan\" OR x").empty());
  EXPECT_TRUE(search("nobody").empty());
}

TEST_F(CustomerServiceTest, KeysetPagesWalkEverySortWithoutGapsOrRepeats) {
  const std::vector<std::string> all = {"b", "A", "a", "C", "王", "d", "B", "Ω", "e", "f"};
  for (const auto& n : all) create(named(n));
  for (auto sort : {CustomerSort::kId, CustomerSort::kName, CustomerSort::kCreatedAt,
                    CustomerSort::kUpdatedAt}) {
    for (bool desc : {false, true}) {
      CustomerListParams p;
      p.sort = sort;
      p.descending = desc;
      p.limit = 3;
      std::vector<std::int64_t> ids;
      std::vector<std::string> keys;
      for (int pages = 0; pages < 10; ++pages) {
        auto page = svc_->list(admin_, p);
        for (const auto& c : page.items) {
          ids.push_back(c.id);
          keys.push_back(c.name);
        }
        if (!page.next_cursor) break;
        p.cursor = page.next_cursor;
      }
      std::set<std::int64_t> unique(ids.begin(), ids.end());
      EXPECT_EQ(ids.size(), all.size());
      EXPECT_EQ(unique.size(), all.size());
      if (sort == CustomerSort::kName) {
        auto lower = [](std::string s) {
          for (char& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
          return s;
        };
        for (std::size_t i = 1; i < keys.size(); ++i) {
          EXPECT_TRUE(desc ? lower(keys[i - 1]) >= lower(keys[i])
                           : lower(keys[i - 1]) <= lower(keys[i]))
              << keys[i - 1] << " then " << keys[i];
        }
      }
      if (sort == CustomerSort::kId) {
        EXPECT_TRUE(desc ? std::is_sorted(ids.rbegin(), ids.rend())
                         : std::is_sorted(ids.begin(), ids.end()));
      }
    }
  }
  // A cursor of another sort is refused.
  CustomerListParams p;
  p.limit = 2;
  auto page = svc_->list(admin_, p);
  p.cursor = page.next_cursor;
  p.sort = CustomerSort::kName;
  EXPECT_EQ(error_of([&] { svc_->list(admin_, p); }).field(), "cursor");
  p.cursor = "garbage!";
  EXPECT_EQ(error_of([&] { svc_->list(admin_, p); }).field(), "cursor");
}

TEST_F(CustomerServiceTest, TrigramSearchPagesInIdOrder) {
  for (int i = 0; i < 25; ++i) create(named("Wanda " + std::to_string(i)));
  CustomerListParams p;
  p.q = "wanda";
  p.limit = 10;
  std::vector<std::int64_t> ids;
  for (;;) {
    auto page = svc_->list(admin_, p);
    for (const auto& c : page.items) ids.push_back(c.id);
    if (!page.next_cursor) break;
    p.cursor = page.next_cursor;
  }
  EXPECT_EQ(ids.size(), 25u);
  EXPECT_TRUE(std::is_sorted(ids.begin(), ids.end()));
}

TEST_F(CustomerServiceTest, Filters) {
  CustomerInput a = named("Young");
  a.birth_date = std::optional<std::string>(
      customer::format_date({customer::utc_date(now_ms()).year - 20, 1, 1}));
  a.tags = std::vector<std::string>{"vip"};
  a.country = std::optional<std::string>("FR");
  a.city = std::optional<std::string>("Lyon");
  a.sms_consent = ConsentInput{true, std::nullopt, std::nullopt};
  create(a);
  CustomerInput b = named("Old");
  b.birth_date = std::optional<std::string>("1950-01-01");
  b.kind = "organisation";
  b.owner_id = std::optional<std::int64_t>(admin_user_.id);
  create(b);
  CustomerListParams p;
  p.tag = "vip";
  EXPECT_EQ(names(p), std::vector<std::string>{"Young"});
  p = {};
  p.age_group = "18-24";
  EXPECT_EQ(names(p), std::vector<std::string>{"Young"});
  p.age_group = "65+";
  EXPECT_EQ(names(p), std::vector<std::string>{"Old"});
  p = {};
  p.country = "fr";
  EXPECT_EQ(names(p), std::vector<std::string>{"Young"});
  p = {};
  p.city = "Lyon";
  p.has_sms_consent = true;
  EXPECT_EQ(names(p), std::vector<std::string>{"Young"});
  p = {};
  p.kind = "organisation";
  p.owner_id = admin_user_.id;
  EXPECT_EQ(names(p), std::vector<std::string>{"Old"});
  p = {};
  p.created_to = 1;
  EXPECT_TRUE(names(p).empty());
  p = {};
  p.age_group = "30-40";
  EXPECT_EQ(error_of([&] { svc_->list(admin_, p); }).field(), "age_group");
}

// A page reads the tags and external ids of all its customers at once: each row gets its own.
TEST_F(CustomerServiceTest, ListItemsCarryTheirOwnTagsAndExternalIds) {
  for (int i = 0; i < 5; ++i) {
    CustomerInput in = named("Tagged " + std::to_string(i));
    if (i != 2) {
      in.tags = std::vector<std::string>{"t" + std::to_string(i), "common"};
      in.external_ids = std::vector<customer::ExternalId>{{"pos", std::to_string(100 + i)},
                                                          {"web", "w" + std::to_string(i)}};
    }
    create(in);
  }
  CustomerListParams p;
  p.q = "Tagged";
  p.limit = 3;  // two pages: the batch is per page
  std::vector<Customer> all;
  for (;;) {
    auto page = svc_->list(admin_, p);
    for (auto& c : page.items) all.push_back(std::move(c));
    if (!page.next_cursor) break;
    p.cursor = page.next_cursor;
  }
  ASSERT_EQ(all.size(), 5u);
  for (const auto& c : all) {
    const std::string i(1, c.name.back());
    if (i == "2") {
      EXPECT_TRUE(c.tags.empty()) << c.name;
      EXPECT_TRUE(c.external_ids.empty()) << c.name;
      continue;
    }
    EXPECT_EQ(c.tags, (std::vector<std::string>{"common", "t" + i})) << c.name;
    ASSERT_EQ(c.external_ids.size(), 2u) << c.name;
    EXPECT_EQ(c.external_ids[0].source, "pos");
    EXPECT_EQ(c.external_ids[0].id, std::to_string(100 + std::stoi(i)));
    EXPECT_EQ(c.external_ids[1].id, "w" + i);
  }
}

TEST_F(CustomerServiceTest, MergeMovesEverythingAndIsRecordedForUndo) {
  CustomerInput ai = named("Keep Me", "keep@example.com");
  ai.tags = std::vector<std::string>{"a"};
  Customer a = create(ai);
  CustomerInput bi = named("Duplicate", "dup@example.com", "+8613800138000");
  bi.tags = std::vector<std::string>{"b", "a"};
  bi.external_ids = std::vector<customer::ExternalId>{{"shop", "9"}};
  bi.city = std::optional<std::string>("Shanghai");
  Customer b = create(bi);
  db_->writer().run([&](store::Connection& c) {
    store::execute(c,
                   "INSERT INTO orders (customer_id, kind, channel, placed_at, currency, "
                   "subtotal_minor, total_minor, created_at) VALUES (?, 'sale', 'store', 1000, "
                   "'USD', 500, 500, 1000)",
                   b.id);
    return 0;
  });
  InteractionInput note;
  note.channel = "phone";
  note.subject = "called";
  db_->writer().run(svc_->log_interaction(sales_, b.id, note));

  EXPECT_EQ(error_of([&] { db_->writer().run(svc_->merge(sales_, a.id, b.id)); }).code(),
            ErrorCode::kForbidden);
  EXPECT_EQ(error_of([&] { svc_->merge(admin_, a.id, a.id); }).field(), "other_id");
  EXPECT_EQ(error_of([&] { db_->writer().run(svc_->merge(admin_, a.id, 999)); }).field(),
            "other_id");

  Customer m = db_->writer().run(svc_->merge(admin_, a.id, b.id));
  EXPECT_EQ(m.tags, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(m.external_ids, (std::vector<customer::ExternalId>{{"shop", "9"}}));
  EXPECT_EQ(m.email, "keep@example.com");  // kept
  EXPECT_EQ(m.phone, "+8613800138000");    // filled from the other
  EXPECT_EQ(m.city, "Shanghai");
  Customer gone = svc_->get(admin_, b.id);
  EXPECT_EQ(gone.merged_into, a.id);
  EXPECT_TRUE(gone.tags.empty());
  EXPECT_EQ(count("SELECT count(*) FROM orders WHERE customer_id = " + std::to_string(a.id)), 1);
  EXPECT_EQ(count("SELECT count(*) FROM interactions WHERE customer_id = " + std::to_string(b.id)),
            0);
  auto tl = svc_->timeline(admin_, a.id, {});
  EXPECT_EQ(tl.items.front().kind, "customer_merged");
  TimelineParams only_phone;
  only_phone.channel = "phone";
  EXPECT_EQ(svc_->timeline(admin_, a.id, only_phone).items.size(), 1u);
  // The audit entry of the other record lists what moved.
  store::Query q(db_->reader(),
                 "SELECT after FROM audit_log WHERE action = 'merge' AND entity_id = ?",
                 std::to_string(b.id));
  ASSERT_TRUE(q.step());
  auto after = nlohmann::json::parse(q->get_text(0));
  EXPECT_EQ(after["merged_into"], a.id);
  EXPECT_EQ(after["moved_to_survivor"]["orders"].size(), 1u);
  EXPECT_EQ(after["moved_to_survivor"]["interactions"].size(), 2u);  // created + the call
  EXPECT_EQ(after["moved_to_survivor"]["tags"], nlohmann::json({"a", "b"}));
  // Merging again is refused: the other is merged.
  EXPECT_EQ(error_of([&] { db_->writer().run(svc_->merge(admin_, a.id, b.id)); }).code(),
            ErrorCode::kConflict);
  // Its email is free again for a new customer, not for a restore.
  create(named("New Dup", "dup@example.com"));
}

TEST_F(CustomerServiceTest, View360FiguresFromSales) {
  Customer c = create(named("Buyer"));
  db_->writer().run([&](store::Connection& conn) {
    for (auto [kind, at, total, cur] :
         {std::tuple{"sale", 1000, 1000, "USD"}, std::tuple{"sale", 3000, 2001, "USD"},
          std::tuple{"cancellation", 4000, -1000, "USD"}, std::tuple{"sale", 2000, 700, "EUR"}}) {
      store::execute(conn,
                     "INSERT INTO orders (customer_id, kind, channel, placed_at, currency, "
                     "subtotal_minor, total_minor, created_at) VALUES (?, ?, 'web', ?, ?, ?, ?, ?)",
                     c.id, kind, at, cur, total, total, at);
    }
    return 0;
  });
  Customer360 v = svc_->view360(analyst_, c.id);
  EXPECT_EQ(v.figures.orders_count, 3);
  EXPECT_EQ(v.figures.first_purchase_at, 1000);
  EXPECT_EQ(v.figures.last_purchase_at, 3000);
  EXPECT_EQ(v.figures.main.currency, "USD");
  EXPECT_EQ(v.figures.main.revenue_minor, 3001);
  EXPECT_EQ(v.figures.main.average_basket_minor, 1501);  // 1500.5 rounds half away from zero
  ASSERT_EQ(v.figures.other_currencies.size(), 1u);
  EXPECT_EQ(v.figures.other_currencies[0].revenue_minor, 700);
  ASSERT_EQ(v.orders.size(), 4u);
  EXPECT_EQ(v.orders[0].kind, "cancellation");  // newest first
  EXPECT_EQ(v.timeline.size(), 1u);
  EXPECT_EQ(error_of([&] { svc_->view360(analyst_, 999); }).code(), ErrorCode::kNotFound);
}

TEST_F(CustomerServiceTest, OrganisationContacts) {
  CustomerInput org = named("ACME Ltd");
  org.kind = "organisation";
  Customer o = create(org);
  Customer person = create(named("Not an org"));
  CustomerInput c1 = named("Contact One");
  c1.organisation_id = std::optional<std::int64_t>(o.id);
  create(c1);
  CustomerInput bad = named("Contact Two");
  bad.organisation_id = std::optional<std::int64_t>(person.id);
  EXPECT_EQ(error_of([&] { create(bad); }).field(), "organisation_id");
  auto page = svc_->contacts(analyst_, o.id, std::nullopt, std::nullopt);
  ASSERT_EQ(page.items.size(), 1u);
  EXPECT_EQ(page.items[0].name, "Contact One");
}

TEST_F(CustomerServiceTest, BulkUpsertIsAllOrNothingWithPerItemErrors) {
  Customer existing = create(named("Existing", "ex@example.com"));
  std::vector<CustomerInput> items;
  items.push_back(named("Existing Renamed", "EX@example.com"));
  items.push_back(named("New One", "new1@example.com"));
  CustomerInput ext = named("By External Id");
  ext.external_ids = std::vector<customer::ExternalId>{{"pos", "1"}};
  items.push_back(ext);
  BulkResult r = db_->writer().run(svc_->bulk(admin_, BulkMode::kUpsert, items));
  EXPECT_EQ(r.created, 2);
  EXPECT_EQ(r.updated, 1);
  EXPECT_EQ(r.items[0].id, existing.id);
  EXPECT_EQ(svc_->get(admin_, existing.id).name, "Existing Renamed");
  // Matched by external id the second time.
  std::vector<CustomerInput> again{ext};
  again[0].name = "By External Id 2";
  r = db_->writer().run(svc_->bulk(admin_, BulkMode::kUpsert, again));
  EXPECT_EQ(r.updated, 1);

  const auto before = count("SELECT count(*) FROM customers");
  const auto audit_before = count("SELECT count(*) FROM audit_log");
  // Create mode: a duplicate of a stored customer, a repeat inside the batch, a bad field.
  std::vector<CustomerInput> bad;
  bad.push_back(named("Fine", "fine@example.com"));
  bad.push_back(named("Dup", "ex@example.com"));
  bad.push_back(named("Fine twice", "FINE@example.com"));
  Error e = error_of([&] { db_->writer().run(svc_->bulk(admin_, BulkMode::kCreate, bad)); });
  EXPECT_EQ(e.code(), ErrorCode::kConflict);
  ASSERT_EQ(e.items().size(), 2u);
  EXPECT_EQ(e.items()[0].index, 1u);
  EXPECT_EQ(e.items()[0].field, "customers[1].email");
  EXPECT_EQ(e.items()[0].existing_id, existing.id);
  EXPECT_EQ(e.items()[1].index, 2u);
  EXPECT_EQ(e.items()[1].existing_id, 0);
  bad.push_back(named(""));
  e = error_of([&] { svc_->bulk(admin_, BulkMode::kCreate, bad); });
  ASSERT_EQ(e.items().size(), 1u);
  EXPECT_EQ(e.items()[0].field, "customers[3].name");
  EXPECT_EQ(count("SELECT count(*) FROM customers"), before);
  EXPECT_EQ(count("SELECT count(*) FROM audit_log"), audit_before);
  EXPECT_EQ(error_of([&] { svc_->bulk(sales_, BulkMode::kCreate, bad); }).code(),
            ErrorCode::kForbidden);
  EXPECT_EQ(error_of([&] {
              svc_->bulk(admin_, BulkMode::kCreate, std::vector<CustomerInput>(1001, named("x")));
            }).field(),
            "customers");
}

TEST_F(CustomerServiceTest, InteractionsValidateAndReferenceExistingRecords) {
  Customer c = create(named("Talker"));
  InteractionInput in;
  in.channel = "system";
  EXPECT_EQ(error_of([&] { svc_->log_interaction(sales_, c.id, in); }).field(), "channel");
  in.channel = "visit";
  in.direction = "sideways";
  EXPECT_EQ(error_of([&] { svc_->log_interaction(sales_, c.id, in); }).field(), "direction");
  in.direction = "inbound";
  in.ref_type = "order";
  EXPECT_EQ(error_of([&] { svc_->log_interaction(sales_, c.id, in); }).field(), "ref_id");
  in.ref_id = 42;
  Error e = error_of([&] { db_->writer().run(svc_->log_interaction(sales_, c.id, in)); });
  EXPECT_EQ(e.code(), ErrorCode::kNotFound);
  EXPECT_EQ(e.field(), "ref_id");
  in.ref_type.reset();
  in.ref_id.reset();
  EXPECT_EQ(error_of([&] { svc_->log_interaction(analyst_, c.id, in); }).code(),
            ErrorCode::kForbidden);
  TimelineEntry t = db_->writer().run(svc_->log_interaction(sales_, c.id, in));
  EXPECT_EQ(t.channel, "visit");
  EXPECT_EQ(t.user_id, admin_user_.id);
  TimelineParams tp;
  tp.kind = "interaction";
  EXPECT_EQ(svc_->timeline(analyst_, c.id, tp).items.size(), 1u);
  tp.limit = 1;
  tp.kind.reset();
  auto p1 = svc_->timeline(analyst_, c.id, tp);
  ASSERT_TRUE(p1.next_cursor);
  tp.cursor = p1.next_cursor;
  auto p2 = svc_->timeline(analyst_, c.id, tp);
  ASSERT_EQ(p2.items.size(), 1u);
  EXPECT_NE(p1.items[0].id, p2.items[0].id);
  EXPECT_FALSE(p2.next_cursor);
}

}  // namespace
}  // namespace rapport::app
