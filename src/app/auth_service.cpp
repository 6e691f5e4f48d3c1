#include "app/auth_service.hpp"

#include <sodium.h>

#include "app/audit_log.hpp"
#include "app/permissions.hpp"
#include "core/error.hpp"
#include "core/validation.hpp"

namespace rapport::app {

namespace {

constexpr std::size_t kTokenBytes = 32;

// How long a token found valid is trusted without reading it again, and how many are kept.
constexpr TimeMs kKnownTokenMs = 1000;
constexpr std::size_t kKnownTokensMax = 10000;

// Bumped after every committed write to users or tokens; remembered tokens of an older
// generation are read again.
std::atomic<std::uint64_t> g_auth_generation{0};

std::string new_token_secret() {
  if (sodium_init() < 0) throw Error(ErrorCode::kInternal, "libsodium failed to initialise");
  unsigned char raw[kTokenBytes];
  randombytes_buf(raw, sizeof raw);
  char b64[sodium_base64_ENCODED_LEN(kTokenBytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
  sodium_bin2base64(b64, sizeof b64, raw, sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  return std::string("rp_") + b64;
}

// Tokens carry 256 bits of entropy, so a fast hash is enough (no need for a password hash).
std::string token_hash(std::string_view token) {
  unsigned char out[32];
  crypto_generichash(out, sizeof out, reinterpret_cast<const unsigned char*>(token.data()),
                     token.size(), nullptr, 0);
  return std::string(reinterpret_cast<const char*>(out), sizeof out);
}

IssuedToken insert_token(store::Connection& conn, const User& user, std::string_view kind,
                         std::string_view name, TimeMs ttl_ms) {
  IssuedToken t;
  t.token = new_token_secret();
  TimeMs now = now_ms();
  t.expires_at = now + ttl_ms;
  std::string h = token_hash(t.token);
  {
    store::Query q(conn,
                   "INSERT INTO auth_tokens (token_hash, user_id, kind, name, created_at, "
                   "expires_at) VALUES (?, ?, ?, ?, ?, ?)");
    q->bind_blob(1, h);
    q->bind_int(2, user.id);
    q->bind_text(3, kind);
    q->bind_text(4, name);
    q->bind_int(5, now);
    q->bind_int(6, t.expires_at);
    while (q.step()) {
    }
  }
  t.id = conn.last_insert_id();
  t.user = user;
  return t;
}

ApiToken read_token(store::Statement& s) {
  ApiToken t;
  t.id = s.get_int(0);
  t.user_id = s.get_int(1);
  t.kind = std::string(s.get_text(2));
  t.name = std::string(s.get_text(3));
  t.created_at = s.get_int(4);
  t.expires_at = s.get_int(5);
  t.revoked_at = s.get_optional_int(6);
  return t;
}

// Throws rate_limited (with the seconds to wait) when `email` has max_failures failed sign-ins
// within the window ending at `now`.
void check_sign_in_rate(store::Connection& conn, const std::string& email, TimeMs now,
                        const AuthOptions& options) {
  store::Query q(conn,
                 "SELECT count(*), min(at) FROM sign_in_failures WHERE email = lower(?) AND at > ?",
                 email, now - options.failure_window_ms);
  q.step();
  if (q->get_int(0) >= options.max_failures) {
    TimeMs oldest = q->get_int(1);
    int wait_s = static_cast<int>((oldest + options.failure_window_ms - now + 999) / 1000);
    throw Error(ErrorCode::kRateLimited,
                "too many failed sign-ins for this account; try again in " +
                    std::to_string(wait_s) + " seconds")
        .with_retry_after(std::max(wait_s, 1));
  }
}

nlohmann::json audit_json(const ApiToken& t) {
  return {{"id", t.id},
          {"user_id", t.user_id},
          {"kind", t.kind},
          {"name", t.name},
          {"expires_at", t.expires_at}};
}

}  // namespace

WriteOp<SignInOutcome> AuthService::sign_in(std::string_view email_in, std::string_view password,
                                            const std::string& request_id) {
  std::string email = trim(email_in);
  check_email("email", email);
  check_text("password", password, 200, true);
  auto& conn = db_.reader();
  check_sign_in_rate(conn, email, now_ms(), options_);
  UserService users(db_);
  std::optional<User> user;
  std::string hash;
  {
    store::Query q(conn, "SELECT id, password_hash FROM users WHERE lower(email) = lower(?)",
                   email);
    if (q.step()) {
      hash = std::string(q->get_text(1));
      user = load_user(conn, q->get_int(0));
    }
  }
  // Verify even for an unknown email, so the answer time does not tell which emails exist.
  static const std::string kDummyHash = hash_password("not-a-real-password-at-all");
  bool ok = verify_password(user ? hash : kDummyHash, password) && user && !user->disabled;
  TimeMs ttl = options_.session_ttl_ms;
  Caller caller;
  caller.request_id = request_id;
  if (user) {
    caller.user_id = user->id;
    caller.role = user->role;
  }
  return [ok, user, email, ttl, caller, options = options_](store::Connection& c) {
    // Again on the writer, where sign-ins are serialised: attempts that passed the check above
    // together (one per worker thread) would otherwise each get their password's verdict, so
    // more than max_failures guesses were answered.
    check_sign_in_rate(c, email, now_ms(), options);
    SignInOutcome out;
    if (!ok) {
      store::execute(c, "INSERT INTO sign_in_failures (email, at) VALUES (lower(?), ?)", email,
                     now_ms());
      return out;
    }
    out.session = insert_token(c, *user, "session", "sign-in", ttl);
    record_audit(c, caller, "sign_in", "session", std::to_string(out.session->id), nullptr,
                 nlohmann::json{{"user_id", user->id}, {"expires_at", out.session->expires_at}});
    return out;
  };
}

void invalidate_auth_cache() {
  g_auth_generation.fetch_add(1, std::memory_order_acq_rel);
}

Caller AuthService::authenticate(std::string_view token, std::string request_id) {
  if (token.size() < 8 || token.size() > 128) {
    throw Error(ErrorCode::kUnauthenticated, "the bearer token is not valid");
  }
  std::string h = token_hash(token);
  const TimeMs now = now_ms();
  // Read before the lookup: a write committed after this point bumps the generation, so what
  // the lookup finds is not trusted beyond it.
  const std::uint64_t generation = g_auth_generation.load(std::memory_order_acquire);
  Caller c;
  c.request_id = std::move(request_id);
  {
    std::shared_lock lock(known_mu_);
    if (auto it = known_.find(h); it != known_.end()) {
      const KnownToken& k = it->second;
      if (k.generation == generation && now - k.checked_at < kKnownTokenMs && k.expires_at > now) {
        c.token_id = k.token_id;
        c.user_id = k.user_id;
        c.role = k.role;
        return c;
      }
    }
  }
  store::Query q(db_.reader(),
                 "SELECT t.id, t.user_id, t.expires_at, t.revoked_at, u.role, u.disabled FROM "
                 "auth_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = ?");
  q->bind_blob(1, h);
  if (!q.step() || !q->is_null(3) || q->get_int(5) != 0) {
    throw Error(ErrorCode::kUnauthenticated, "the bearer token is not valid");
  }
  KnownToken k;
  k.expires_at = q->get_int(2);
  if (k.expires_at <= now) {
    throw Error(ErrorCode::kUnauthenticated, "the session has expired; sign in again");
  }
  k.token_id = q->get_int(0);
  k.user_id = q->get_int(1);
  k.role = parse_role(q->get_text(4)).value_or(Role::kAnalyst);
  k.checked_at = now;
  k.generation = generation;
  c.token_id = k.token_id;
  c.user_id = k.user_id;
  c.role = k.role;
  {
    std::unique_lock lock(known_mu_);
    if (known_.size() >= kKnownTokensMax) known_.clear();
    known_.insert_or_assign(std::move(h), k);
  }
  return c;
}

WriteOp<bool> AuthService::sign_out(const Caller& caller) {
  require(caller, Permission::kSignedIn);
  if (!caller.token_id) throw Error(ErrorCode::kUnauthenticated, "not signed in with a token");
  return [caller](store::Connection& conn) {
    store::execute(conn,
                   "UPDATE auth_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
                   now_ms(), *caller.token_id);
    store::after_commit(invalidate_auth_cache);
    record_audit(conn, caller, "sign_out", "session", std::to_string(*caller.token_id), nullptr,
                 nullptr);
    return true;
  };
}

WriteOp<IssuedToken> AuthService::create_api_token(const Caller& caller,
                                                   std::optional<std::int64_t> user_id,
                                                   std::string name, int expires_in_days) {
  require(caller, Permission::kTokensManage);
  check_text("name", name, 100, true);
  if (expires_in_days < 1 || expires_in_days > 730) {
    throw_invalid("expires_in_days", "must be between 1 and 730");
  }
  if (!user_id && !caller.user_id) throw_invalid("user_id", "is required");
  std::int64_t uid = user_id ? *user_id : *caller.user_id;
  TimeMs ttl = static_cast<TimeMs>(expires_in_days) * 86400 * 1000;
  return [caller, uid, name = std::move(name), ttl](store::Connection& conn) {
    // The user is named by the request's `user_id`, so an unknown one is reported on that
    // field (load_user would name the path's "id", which this route does not have).
    {
      store::Query q(conn, "SELECT 1 FROM users WHERE id = ?", uid);
      if (!q.step()) throw_not_found("no user with id " + std::to_string(uid), "user_id");
    }
    User u = load_user(conn, uid);
    if (u.disabled) throw_conflict("the user is disabled", "user_id");
    IssuedToken t = insert_token(conn, u, "api", name, ttl);
    record_audit(conn, caller, "create", "token", std::to_string(t.id), nullptr,
                 nlohmann::json{{"user_id", uid}, {"name", name}, {"expires_at", t.expires_at}});
    return t;
  };
}

WriteOp<ApiToken> AuthService::revoke_token(const Caller& caller, std::int64_t token_id) {
  require(caller, Permission::kTokensManage);
  return [caller, token_id](store::Connection& conn) {
    ApiToken before;
    {
      store::Query q(conn,
                     "SELECT id, user_id, kind, coalesce(name, ''), created_at, expires_at, "
                     "revoked_at FROM auth_tokens WHERE id = ?",
                     token_id);
      if (!q.step()) throw_not_found("no token with id " + std::to_string(token_id), "id");
      before = read_token(q.stmt());
    }
    if (before.revoked_at) return before;  // revoking twice changes nothing
    ApiToken after = before;
    after.revoked_at = now_ms();
    store::after_commit(invalidate_auth_cache);
    store::execute(conn, "UPDATE auth_tokens SET revoked_at = ? WHERE id = ?", *after.revoked_at,
                   token_id);
    record_audit(conn, caller, "revoke", "token", std::to_string(token_id), audit_json(before),
                 audit_json(after));
    return after;
  };
}

Page<ApiToken> AuthService::list_tokens(const Caller& caller, std::optional<std::string> cursor,
                                        std::optional<int> limit_in) {
  require(caller, Permission::kTokensManage);
  int limit = clamp_limit(limit_in);
  std::optional<std::int64_t> before;
  if (cursor) before = decode_id_cursor(*cursor);
  store::Query q(db_.reader(),
                 "SELECT id, user_id, kind, coalesce(name, ''), created_at, expires_at, revoked_at "
                 "FROM auth_tokens WHERE kind = 'api' AND (?1 IS NULL OR id < ?1) ORDER BY id DESC "
                 "LIMIT ?2",
                 before, limit + 1);
  Page<ApiToken> page = read_id_page<ApiToken>(q, limit, [&] { return read_token(q.stmt()); });
  return page;
}

}  // namespace rapport::app
