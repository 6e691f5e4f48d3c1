#pragma once
// The browser's session: the same session token as `Authorization: Bearer`, carried in an
// HttpOnly cookie instead, so that script on the page (and any injected script) never holds it.
//
// Cookies set at a cookie sign-in (`POST /api/v1/sessions` with `"cookie": true`):
//  - `rapport_session`: the token; HttpOnly, SameSite=Strict, Path=/, Secure when the request
//    came over TLS (a TLS-terminating proxy saying `X-Forwarded-Proto: https`).
//  - `rapport_csrf`: the CSRF token, readable by the page's script (not HttpOnly).
// A state-changing request (anything but GET and HEAD) authenticated by the cookie must send the
// CSRF token in the `X-CSRF-Token` header (double submit). The CSRF token is a keyed BLAKE2b hash
// of the session token, so the server checks it without storing it, another site cannot forge
// it even where it can plant a cookie, and it tells nothing about the session token.
// Requests with `Authorization: Bearer` (integrations) are unchanged and need no CSRF token.
//
// Thread-safety: pure functions, callable from any thread.
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/time.hpp"

namespace rapport::http {

inline constexpr std::string_view kSessionCookie = "rapport_session";
inline constexpr std::string_view kCsrfCookie = "rapport_csrf";
inline constexpr std::string_view kCsrfHeader = "X-CSRF-Token";

// The value of cookie `name` in a Cookie header value ("a=1; b=2"), or nullopt.
std::optional<std::string> cookie_value(std::string_view cookie_header, std::string_view name);

// The CSRF token that goes with a session token (43 characters, base64url).
std::string csrf_token_for(std::string_view session_token);

// True when `sent` is the CSRF token of `session_token` (constant-time comparison).
bool csrf_token_matches(std::string_view session_token, std::string_view sent);

// True when the request reached the proxy in front of us over TLS (X-Forwarded-Proto or
// Forwarded proto=https); the server itself speaks plain HTTP.
bool forwarded_over_tls(std::optional<std::string_view> x_forwarded_proto,
                        std::optional<std::string_view> forwarded);

using HeaderList = std::vector<std::pair<std::string, std::string>>;

// Set-Cookie headers of a new browser session expiring at `expires_at`.
HeaderList session_cookie_headers(std::string_view session_token, TimeMs expires_at, TimeMs now,
                                  bool secure);

// Set-Cookie headers removing both cookies (sign-out).
HeaderList cleared_session_cookie_headers(bool secure);

}  // namespace rapport::http
