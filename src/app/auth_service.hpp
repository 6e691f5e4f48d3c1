#pragma once
// Sign-in, bearer tokens (browser sessions and API tokens for integrations), sign-out.
// Tokens are 256 random bits, shown once, stored only as their BLAKE2b hash, expiring and
// revocable. After `max_failures` failed sign-ins for one account within `failure_window`,
// further attempts are refused (rate_limited, with the seconds to wait) until the window passes.
// Thread-safety: all methods may be called from any thread.
#include <atomic>
#include <cstdint>
#include <optional>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "app/caller.hpp"
#include "app/page.hpp"
#include "app/user_service.hpp"
#include "app/write_op.hpp"
#include "store/database.hpp"

namespace rapport::app {

struct AuthOptions {
  TimeMs session_ttl_ms = 12LL * 3600 * 1000;  // a working day and then some
  int max_failures = 10;
  TimeMs failure_window_ms = 15LL * 60 * 1000;
};

struct IssuedToken {
  std::int64_t id = 0;
  std::string token;  // the secret: shown once, never stored
  TimeMs expires_at = 0;
  User user;
};

struct ApiToken {
  std::int64_t id = 0;
  std::int64_t user_id = 0;
  std::string kind;  // session | api
  std::string name;
  TimeMs created_at = 0;
  TimeMs expires_at = 0;
  std::optional<TimeMs> revoked_at;
};

// What a sign-in attempt wrote: a session, or a recorded failure.
struct SignInOutcome {
  std::optional<IssuedToken> session;
};

class AuthService {
 public:
  AuthService(store::Database& db, AuthOptions options = {}) : db_(db), options_(options) {}

  // Checks the rate limit (throws rate_limited with retry-after) and the password (slow, by
  // design: Argon2id), then returns the write: a new session, or a recorded failure. The caller
  // answers unauthenticated when the outcome has no session.
  WriteOp<SignInOutcome> sign_in(std::string_view email, std::string_view password,
                                 const std::string& request_id);

  // The caller behind a bearer token; throws unauthenticated for an unknown, expired or revoked
  // token or a disabled user. A token found valid is remembered for up to a second, so a client
  // making many requests costs one token lookup per second instead of one per request (that
  // lookup was a sixth of the CPU of a GET by id). Every write to users or tokens made by this
  // process forgets all remembered tokens once committed (invalidate_auth_cache), so sign-out,
  // revocation, disabling a user or a role change take effect at once; the same change made by
  // another process (the CLI on the same file) takes effect within the second.
  Caller authenticate(std::string_view token, std::string request_id);

  // Revokes the token the caller used.
  WriteOp<bool> sign_out(const Caller& caller);

  // API tokens (admin). `user_id` defaults to the caller. Expiry 1 to 730 days.
  WriteOp<IssuedToken> create_api_token(const Caller& caller, std::optional<std::int64_t> user_id,
                                        std::string name, int expires_in_days);
  WriteOp<ApiToken> revoke_token(const Caller& caller, std::int64_t token_id);
  Page<ApiToken> list_tokens(const Caller& caller, std::optional<std::string> cursor,
                             std::optional<int> limit);

 private:
  struct KnownToken {
    std::int64_t token_id = 0;
    std::int64_t user_id = 0;
    Role role = Role::kAnalyst;
    TimeMs expires_at = 0;
    TimeMs checked_at = 0;
    std::uint64_t generation = 0;
  };

  store::Database& db_;
  AuthOptions options_;
  std::shared_mutex known_mu_;
  std::unordered_map<std::string, KnownToken> known_;  // by token hash
};

// Forgets every token AuthService::authenticate remembers, in every AuthService of the process.
// Write operations on users or tokens call it through store::after_commit.
void invalidate_auth_cache();

}  // namespace rapport::app
