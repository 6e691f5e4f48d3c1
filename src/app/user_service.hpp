#pragma once
// Users of Rapport (staff), their roles and passwords.
// Errors: invalid_argument (field named), not_found, conflict (email taken, stale version),
// forbidden.
#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "app/caller.hpp"
#include "app/page.hpp"
#include "app/write_op.hpp"
#include "core/role.hpp"
#include "core/time.hpp"
#include "store/database.hpp"

namespace rapport::app {

struct User {
  std::int64_t id = 0;
  std::string email;
  std::string name;
  Role role = Role::kAnalyst;
  bool disabled = false;
  TimeMs created_at = 0;
  TimeMs updated_at = 0;
  std::int64_t version = 1;
};

struct NewUser {
  std::string email;
  std::string name;
  Role role = Role::kAnalyst;
  std::string password;
};

struct UserPatch {
  std::optional<std::string> name;
  std::optional<Role> role;
  std::optional<bool> disabled;
  std::optional<std::string> email;
};

struct UserListParams {
  std::optional<std::string> q;  // substring of name or email
  std::optional<Role> role;
  std::optional<bool> disabled;
  std::optional<std::string> cursor;
  std::optional<int> limit;
};

// Snapshot of a user for the audit log (never the password hash).
nlohmann::json audit_json(const User& u);

// Passwords: 10 to 200 characters. Hashing is Argon2id (libsodium crypto_pwhash).
void check_password(std::string_view field, std::string_view password);
std::string hash_password(std::string_view password);
bool verify_password(std::string_view hash, std::string_view password);
// A random password of 20 characters from an unambiguous alphabet (about 110 bits).
std::string generate_password();

class UserService {
 public:
  explicit UserService(store::Database& db) : db_(db) {}

  User get(const Caller& caller, std::int64_t id);
  Page<User> list(const Caller& caller, const UserListParams& params);

  // Validates and hashes the password now; the op inserts the user and its audit entry.
  WriteOp<User> create(const Caller& caller, NewUser user);
  // Fails with conflict when `expected_version` is given and the stored version differs.
  WriteOp<User> update(const Caller& caller, std::int64_t id, UserPatch patch,
                       std::optional<std::int64_t> expected_version);
  // Sets a new password and revokes the user's sessions and tokens.
  WriteOp<User> set_password(const Caller& caller, std::int64_t id, std::string password);
  // Finds a user by email (any case); nullopt when none. No permission check: for the CLI.
  std::optional<User> find_by_email(store::Connection& conn, std::string_view email);

 private:
  store::Database& db_;
};

// Reads one user on `conn`; throws not_found.
User load_user(store::Connection& conn, std::int64_t id);

}  // namespace rapport::app
