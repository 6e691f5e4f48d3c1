#include "app/user_service.hpp"

#include <sodium.h>

#include "app/audit_log.hpp"
#include "app/auth_service.hpp"
#include "app/permissions.hpp"
#include "core/error.hpp"
#include "core/validation.hpp"

namespace rapport::app {

namespace {

constexpr const char* kUserColumns =
    "id, email, name, role, disabled, created_at, updated_at, version";

User read_user(store::Statement& s) {
  User u;
  u.id = s.get_int(0);
  u.email = std::string(s.get_text(1));
  u.name = std::string(s.get_text(2));
  u.role = parse_role(s.get_text(3)).value_or(Role::kAnalyst);
  u.disabled = s.get_int(4) != 0;
  u.created_at = s.get_int(5);
  u.updated_at = s.get_int(6);
  u.version = s.get_int(7);
  return u;
}

void check_unique_email(store::Connection& conn, std::string_view email,
                        std::optional<std::int64_t> except_id) {
  store::Query q(conn, "SELECT id FROM users WHERE lower(email) = lower(?)", email);
  if (q.step() && (!except_id || q->get_int(0) != *except_id)) {
    throw Error(ErrorCode::kConflict,
                "a user with this email already exists (id " + std::to_string(q->get_int(0)) + ")",
                "email");
  }
}

}  // namespace

nlohmann::json audit_json(const User& u) {
  return {{"id", u.id},
          {"email", u.email},
          {"name", u.name},
          {"role", role_name(u.role)},
          {"disabled", u.disabled},
          {"version", u.version}};
}

void check_password(std::string_view field, std::string_view password) {
  check_text(field, password, 200, true);
  if (utf8_length(password) < 10)
    throw_invalid(std::string(field), "must be at least 10 characters");
}

std::string hash_password(std::string_view password) {
  if (sodium_init() < 0) throw Error(ErrorCode::kInternal, "libsodium failed to initialise");
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str(out, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
    throw Error(ErrorCode::kUnavailable, "out of memory while hashing a password");
  }
  return out;
}

bool verify_password(std::string_view hash, std::string_view password) {
  if (sodium_init() < 0) return false;
  std::string h(hash);
  return crypto_pwhash_str_verify(h.c_str(), password.data(), password.size()) == 0;
}

std::string generate_password() {
  if (sodium_init() < 0) throw Error(ErrorCode::kInternal, "libsodium failed to initialise");
  static constexpr std::string_view kAlphabet =
      "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
  std::string out;
  for (int i = 0; i < 20; ++i) {
    out += kAlphabet[randombytes_uniform(static_cast<std::uint32_t>(kAlphabet.size()))];
  }
  return out;
}

User load_user(store::Connection& conn, std::int64_t id) {
  store::Query q(conn, std::string("SELECT ") + kUserColumns + " FROM users WHERE id = ?", id);
  if (!q.step()) throw_not_found("no user with id " + std::to_string(id), "id");
  return read_user(q.stmt());
}

User UserService::get(const Caller& caller, std::int64_t id) {
  if (caller.user_id != id) require(caller, Permission::kUsersRead);
  return load_user(db_.reader(), id);
}

std::optional<User> UserService::find_by_email(store::Connection& conn, std::string_view email) {
  store::Query q(
      conn, std::string("SELECT ") + kUserColumns + " FROM users WHERE lower(email) = lower(?)",
      email);
  if (!q.step()) return std::nullopt;
  return read_user(q.stmt());
}

Page<User> UserService::list(const Caller& caller, const UserListParams& p) {
  require(caller, Permission::kUsersRead);
  int limit = clamp_limit(p.limit);
  std::optional<std::int64_t> after;
  if (p.cursor) after = decode_id_cursor(*p.cursor);
  std::optional<std::string> like;
  if (p.q) {
    check_text("q", *p.q, 200, false);
    // The term is matched literally: its own '%' and '_' must not act as wildcards.
    std::string escaped;
    for (char c : *p.q) {
      if (c == '%' || c == '_' || c == '\\') escaped += '\\';
      escaped += c;
    }
    like = "%" + escaped + "%";
  }
  std::optional<std::string> role;
  if (p.role) role = std::string(role_name(*p.role));
  std::optional<std::int64_t> disabled;
  if (p.disabled) disabled = *p.disabled ? 1 : 0;
  store::Query q(
      db_.reader(),
      std::string("SELECT ") + kUserColumns +
          " FROM users WHERE (?1 IS NULL OR name LIKE ?1 ESCAPE '\\' OR email LIKE ?1 ESCAPE "
          "'\\') AND (?2 IS NULL OR role = ?2) AND (?3 IS NULL OR disabled = ?3) AND (?4 IS "
          "NULL OR id > ?4) ORDER BY id LIMIT ?5",
      like, role, disabled, after, limit + 1);
  Page<User> page = read_id_page<User>(q, limit, [&] { return read_user(q.stmt()); });
  return page;
}

WriteOp<User> UserService::create(const Caller& caller, NewUser nu) {
  require(caller, Permission::kUsersWrite);
  nu.email = trim(nu.email);
  check_email("email", nu.email);
  check_text("name", nu.name, 200, true);
  check_password("password", nu.password);
  std::string hash = hash_password(nu.password);
  return [caller, nu = std::move(nu), hash = std::move(hash)](store::Connection& conn) {
    check_unique_email(conn, nu.email, std::nullopt);
    TimeMs now = now_ms();
    store::execute(conn,
                   "INSERT INTO users (email, name, role, password_hash, disabled, created_at, "
                   "updated_at, version) VALUES (?, ?, ?, ?, 0, ?, ?, 1)",
                   nu.email, nu.name, role_name(nu.role), hash, now, now);
    User u = load_user(conn, conn.last_insert_id());
    record_audit(conn, caller, "create", "user", std::to_string(u.id), nullptr, audit_json(u));
    return u;
  };
}

WriteOp<User> UserService::update(const Caller& caller, std::int64_t id, UserPatch patch,
                                  std::optional<std::int64_t> expected_version) {
  require(caller, Permission::kUsersWrite);
  if (patch.name) check_text("name", *patch.name, 200, true);
  if (patch.email) {
    *patch.email = trim(*patch.email);
    check_email("email", *patch.email);
  }
  return [caller, id, patch = std::move(patch), expected_version](store::Connection& conn) {
    User before = load_user(conn, id);
    if (expected_version && *expected_version != before.version) {
      throw Error(ErrorCode::kConflict,
                  "the user was changed by someone else (version " +
                      std::to_string(before.version) + ", expected " +
                      std::to_string(*expected_version) + "); reload and try again",
                  "version");
    }
    if (caller.user_id == id &&
        ((patch.disabled && *patch.disabled) || (patch.role && *patch.role != Role::kAdmin))) {
      throw Error(ErrorCode::kConflict,
                  "you cannot disable yourself or give up your own admin role",
                  patch.disabled ? "disabled" : "role");
    }
    if (patch.email) check_unique_email(conn, *patch.email, id);
    User after = before;
    if (patch.name) after.name = *patch.name;
    if (patch.email) after.email = *patch.email;
    if (patch.role) after.role = *patch.role;
    if (patch.disabled) after.disabled = *patch.disabled;
    after.updated_at = now_ms();
    after.version = before.version + 1;
    store::after_commit(invalidate_auth_cache);
    store::execute(conn,
                   "UPDATE users SET name = ?, email = ?, role = ?, disabled = ?, updated_at = ?, "
                   "version = ? WHERE id = ?",
                   after.name, after.email, role_name(after.role), after.disabled, after.updated_at,
                   after.version, id);
    if (after.disabled && !before.disabled) {
      store::execute(
          conn, "UPDATE auth_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL",
          after.updated_at, id);
    }
    record_audit(conn, caller, "update", "user", std::to_string(id), audit_json(before),
                 audit_json(after));
    return after;
  };
}

WriteOp<User> UserService::set_password(const Caller& caller, std::int64_t id,
                                        std::string password) {
  require(caller, Permission::kUsersWrite);
  check_password("password", password);
  std::string hash = hash_password(password);
  return [caller, id, hash = std::move(hash)](store::Connection& conn) {
    User before = load_user(conn, id);
    TimeMs now = now_ms();
    store::after_commit(invalidate_auth_cache);
    store::execute(conn,
                   "UPDATE users SET password_hash = ?, updated_at = ?, version = version + 1 "
                   "WHERE id = ?",
                   hash, now, id);
    store::execute(conn,
                   "UPDATE auth_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL",
                   now, id);
    User after = load_user(conn, id);
    nlohmann::json a = audit_json(after);
    a["password"] = "changed";
    record_audit(conn, caller, "reset_password", "user", std::to_string(id), audit_json(before), a);
    return after;
  };
}

}  // namespace rapport::app
