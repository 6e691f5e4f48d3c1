#include "http/browser_session.hpp"

#include <sodium.h>

#include <algorithm>
#include <cctype>

#include "core/error.hpp"

namespace rapport::http {

namespace {

std::string_view trim_spaces(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool iequals_ascii(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

std::string cookie_attributes(bool secure) {
  return std::string("; Path=/; SameSite=Strict") + (secure ? "; Secure" : "");
}

}  // namespace

std::optional<std::string> cookie_value(std::string_view header, std::string_view name) {
  while (!header.empty()) {
    auto semi = header.find(';');
    std::string_view pair = trim_spaces(header.substr(0, semi));
    header = semi == std::string_view::npos ? std::string_view{} : header.substr(semi + 1);
    auto eq = pair.find('=');
    if (eq == std::string_view::npos) continue;
    if (trim_spaces(pair.substr(0, eq)) != name) continue;
    std::string_view value = trim_spaces(pair.substr(eq + 1));
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
      value = value.substr(1, value.size() - 2);
    }
    return std::string(value);
  }
  return std::nullopt;
}

std::string csrf_token_for(std::string_view session_token) {
  if (sodium_init() < 0) throw Error(ErrorCode::kInternal, "libsodium failed to initialise");
  // The key is a hash of the token, so any token length gives a key of the size BLAKE2b takes.
  unsigned char key[crypto_generichash_KEYBYTES];
  crypto_generichash(key, sizeof key, reinterpret_cast<const unsigned char*>(session_token.data()),
                     session_token.size(), nullptr, 0);
  static constexpr std::string_view kPurpose = "rapport csrf v1";
  unsigned char mac[32];
  crypto_generichash(mac, sizeof mac, reinterpret_cast<const unsigned char*>(kPurpose.data()),
                     kPurpose.size(), key, sizeof key);
  char b64[sodium_base64_ENCODED_LEN(sizeof mac, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
  sodium_bin2base64(b64, sizeof b64, mac, sizeof mac, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  return std::string(b64);
}

bool csrf_token_matches(std::string_view session_token, std::string_view sent) {
  std::string expected = csrf_token_for(session_token);
  if (sent.size() != expected.size()) return false;
  return sodium_memcmp(expected.data(), sent.data(), expected.size()) == 0;
}

bool forwarded_over_tls(std::optional<std::string_view> x_forwarded_proto,
                        std::optional<std::string_view> forwarded) {
  if (x_forwarded_proto) {
    // A chain of proxies lists each hop; the first is the client's.
    std::string_view first =
        trim_spaces(x_forwarded_proto->substr(0, x_forwarded_proto->find(',')));
    if (iequals_ascii(first, "https")) return true;
  }
  if (forwarded) {
    std::string_view first = forwarded->substr(0, forwarded->find(','));
    while (!first.empty()) {
      auto semi = first.find(';');
      std::string_view pair = trim_spaces(first.substr(0, semi));
      first = semi == std::string_view::npos ? std::string_view{} : first.substr(semi + 1);
      auto eq = pair.find('=');
      if (eq == std::string_view::npos) continue;
      std::string_view value = trim_spaces(pair.substr(eq + 1));
      if (value.size() >= 2 && value.front() == '"') value = value.substr(1, value.size() - 2);
      if (iequals_ascii(trim_spaces(pair.substr(0, eq)), "proto") && iequals_ascii(value, "https"))
        return true;
    }
  }
  return false;
}

HeaderList session_cookie_headers(std::string_view session_token, TimeMs expires_at, TimeMs now,
                                  bool secure) {
  std::string max_age = std::to_string(std::max<TimeMs>(0, (expires_at - now) / 1000));
  std::string attrs = "; Max-Age=" + max_age + cookie_attributes(secure);
  return {{"Set-Cookie",
           std::string(kSessionCookie) + "=" + std::string(session_token) + attrs + "; HttpOnly"},
          {"Set-Cookie", std::string(kCsrfCookie) + "=" + csrf_token_for(session_token) + attrs}};
}

HeaderList cleared_session_cookie_headers(bool secure) {
  std::string attrs = "; Max-Age=0" + cookie_attributes(secure);
  return {{"Set-Cookie", std::string(kSessionCookie) + "=" + attrs + "; HttpOnly"},
          {"Set-Cookie", std::string(kCsrfCookie) + "=" + attrs}};
}

}  // namespace rapport::http
