#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "app/audit_log.hpp"
#include "app/auth_service.hpp"
#include "app/permissions.hpp"
#include "app/user_service.hpp"
#include "core/error.hpp"
#include "unit/test_support.hpp"

namespace rapport::app {
namespace {

class AppTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = test_support::fresh_test_dir("rapport-app");
    db_ = std::make_unique<store::Database>((dir_ / "t.db").string());
    admin_ = db_->writer().run(UserService(*db_).create(
        Caller::operator_cli(), {"boss@example.com", "Boss", Role::kAdmin, "a long password"}));
  }
  void TearDown() override {
    db_.reset();
    std::filesystem::remove_all(dir_);
  }
  Caller as(const User& u) {
    Caller c;
    c.user_id = u.id;
    c.role = u.role;
    c.request_id = "test";
    return c;
  }
  std::int64_t count(const char* table) {
    store::Query q(db_->reader(), std::string("SELECT count(*) FROM ") + table);
    q.step();
    return q->get_int(0);
  }
  std::filesystem::path dir_;
  std::unique_ptr<store::Database> db_;
  User admin_;
};

TEST(Permissions, TableOfRoles) {
  // The whole table, so any change of access shows as a diff here.
  struct Row {
    Permission p;
    bool admin, manager, sales, service, analyst;
  };
  const Row rows[] = {
      {Permission::kSignedIn, true, true, true, true, true},
      {Permission::kUsersRead, true, true, false, false, false},
      {Permission::kUsersWrite, true, false, false, false, false},
      {Permission::kTokensManage, true, false, false, false, false},
      {Permission::kAuditRead, true, true, false, false, false},
      {Permission::kAnalyticsRead, true, true, true, true, true},
      {Permission::kAnalyticsRefresh, true, true, false, false, true},
  };
  for (const auto& r : rows) {
    EXPECT_EQ(allowed(Role::kAdmin, r.p), r.admin) << permission_name(r.p);
    EXPECT_EQ(allowed(Role::kManager, r.p), r.manager) << permission_name(r.p);
    EXPECT_EQ(allowed(Role::kSales, r.p), r.sales) << permission_name(r.p);
    EXPECT_EQ(allowed(Role::kService, r.p), r.service) << permission_name(r.p);
    EXPECT_EQ(allowed(Role::kAnalyst, r.p), r.analyst) << permission_name(r.p);
  }
}

TEST_F(AppTest, CreateRecordsAuditWithoutThePassword) {
  UserService users(*db_);
  auto u = db_->writer().run(
      users.create(as(admin_), {"li.na@example.cn", "李娜", Role::kSales, "another password"}));
  auto page = list_audit(*db_, as(admin_), {.entity = "user", .entity_id = std::to_string(u.id)});
  ASSERT_EQ(page.items.size(), 1u);
  EXPECT_EQ(page.items[0].action, "create");
  EXPECT_EQ(page.items[0].user_id, admin_.id);
  ASSERT_TRUE(page.items[0].after);
  EXPECT_NE(page.items[0].after->find("李娜"), std::string::npos);
  EXPECT_EQ(page.items[0].after->find("argon2"), std::string::npos);
}

TEST_F(AppTest, ForbiddenWritesAreRefusedBeforeAnythingIsWritten) {
  UserService users(*db_);
  auto sales = db_->writer().run(
      users.create(as(admin_), {"s@example.com", "S", Role::kSales, "sales password"}));
  auto audit_before = count("audit_log");
  try {
    users.create(as(sales), {"x@example.com", "X", Role::kAdmin, "whatever password"});
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kForbidden);
  }
  EXPECT_THROW(users.list(as(sales), {}), Error);
  EXPECT_EQ(count("audit_log"), audit_before);
  EXPECT_EQ(count("users"), 2);
}

TEST_F(AppTest, DuplicateEmailIsAConflictAnyCase) {
  UserService users(*db_);
  try {
    db_->writer().run(
        users.create(as(admin_), {"BOSS@example.com", "B2", Role::kSales, "pw pw pw pw"}));
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kConflict);
    EXPECT_EQ(e.field(), "email");
  }
}

TEST_F(AppTest, StaleUpdateIsAConflictAndChangesNothing) {
  UserService users(*db_);
  auto u = db_->writer().run(
      users.create(as(admin_), {"a@example.com", "A", Role::kSales, "a password!"}));
  db_->writer().run(users.update(as(admin_), u.id, {.name = "A2"}, u.version));
  try {
    db_->writer().run(users.update(as(admin_), u.id, {.name = "A3"}, u.version));
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kConflict);
    EXPECT_EQ(e.field(), "version");
  }
  EXPECT_EQ(load_user(db_->reader(), u.id).name, "A2");
}

TEST_F(AppTest, SignInRateLimitsAnAccountAfterTenFailures) {
  AuthOptions opts;
  opts.max_failures = 10;
  AuthService auth(*db_, opts);
  for (int i = 0; i < 10; ++i) {
    auto out = db_->writer().run(auth.sign_in("boss@example.com", "wrong password", "t"));
    EXPECT_FALSE(out.session);
  }
  try {
    auth.sign_in("boss@example.com", "a long password", "t");
    FAIL() << "expected rate limiting";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kRateLimited);
    EXPECT_GT(e.retry_after_seconds(), 0);
    EXPECT_LE(e.retry_after_seconds(), 15 * 60);
  }
}

TEST_F(AppTest, TokensAuthenticateUntilRevokedOrExpired) {
  AuthService auth(*db_);
  auto out = db_->writer().run(auth.sign_in("Boss@Example.com", "a long password", "t"));
  ASSERT_TRUE(out.session);
  Caller c = auth.authenticate(out.session->token, "r1");
  EXPECT_EQ(c.user_id, admin_.id);
  EXPECT_EQ(c.role, Role::kAdmin);
  db_->writer().run(auth.sign_out(c));
  EXPECT_THROW(auth.authenticate(out.session->token, "r2"), Error);

  AuthOptions short_ttl;
  short_ttl.session_ttl_ms = -1;  // already expired when issued
  AuthService expiring(*db_, short_ttl);
  auto old = db_->writer().run(expiring.sign_in("boss@example.com", "a long password", "t"));
  try {
    auth.authenticate(old.session->token, "r3");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kUnauthenticated);
  }
  EXPECT_THROW(auth.authenticate("rp_not-a-token", "r4"), Error);
}

TEST_F(AppTest, ARememberedTokenFollowsRoleChangesAndDisablingAtOnce) {
  AuthService auth(*db_);
  UserService users(*db_);
  User u = db_->writer().run(
      users.create(as(admin_), {"ann@example.com", "Ann", Role::kSales, "another password"}));
  auto out = db_->writer().run(auth.sign_in("ann@example.com", "another password", "t"));
  ASSERT_TRUE(out.session);
  EXPECT_EQ(auth.authenticate(out.session->token, "r1").role, Role::kSales);  // now remembered
  UserPatch to_manager;
  to_manager.role = Role::kManager;
  db_->writer().run(users.update(as(admin_), u.id, to_manager, std::nullopt));
  EXPECT_EQ(auth.authenticate(out.session->token, "r2").role, Role::kManager);
  UserPatch disable;
  disable.disabled = true;
  db_->writer().run(users.update(as(admin_), u.id, disable, std::nullopt));
  EXPECT_THROW(auth.authenticate(out.session->token, "r3"), Error);
}

TEST_F(AppTest, PasswordsAreArgon2idHashes) {
  std::string h = hash_password("correct horse battery");
  EXPECT_EQ(h.rfind("$argon2id$", 0), 0u);
  EXPECT_TRUE(verify_password(h, "correct horse battery"));
  EXPECT_FALSE(verify_password(h, "correct horse batterY"));
  EXPECT_THROW(check_password("password", "short"), Error);
}

}  // namespace
}  // namespace rapport::app
