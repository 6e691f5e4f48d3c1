#include "http/browser_session.hpp"

#include <gtest/gtest.h>

namespace rapport::http {
namespace {

TEST(BrowserSession, CookieValueFindsTheNamedCookieOnly) {
  EXPECT_EQ(cookie_value("rapport_session=abc", "rapport_session"), "abc");
  EXPECT_EQ(cookie_value("a=1; rapport_session=abc ;b=2", "rapport_session"), "abc");
  EXPECT_EQ(cookie_value("x_rapport_session=no; rapport_session=\"q\"", "rapport_session"), "q");
  EXPECT_EQ(cookie_value("rapport_session=", "rapport_session"), "");
  EXPECT_FALSE(cookie_value("rapport_sessionx=1; novalue; =2", "rapport_session"));
  EXPECT_FALSE(cookie_value("", "rapport_session"));
}

TEST(BrowserSession, CsrfTokenIsStablePerSessionAndDiffersAcrossSessions) {
  std::string a = csrf_token_for("rp_one");
  EXPECT_EQ(a.size(), 43u);
  EXPECT_EQ(a, csrf_token_for("rp_one"));
  EXPECT_NE(a, csrf_token_for("rp_two"));
  EXPECT_EQ(a.find("rp_one"), std::string::npos);
  EXPECT_TRUE(csrf_token_matches("rp_one", a));
  EXPECT_FALSE(csrf_token_matches("rp_two", a));
  EXPECT_FALSE(csrf_token_matches("rp_one", a.substr(1)));
  EXPECT_FALSE(csrf_token_matches("rp_one", ""));
  // Any token length (the key is a hash of it), even an empty or very long one.
  EXPECT_EQ(csrf_token_for("").size(), 43u);
  EXPECT_EQ(csrf_token_for(std::string(500, 'x')).size(), 43u);
}

TEST(BrowserSession, TlsIsReadFromTheProxyHeaders) {
  EXPECT_TRUE(forwarded_over_tls("https", std::nullopt));
  EXPECT_TRUE(forwarded_over_tls("HTTPS, http", std::nullopt));
  EXPECT_FALSE(forwarded_over_tls("http, https", std::nullopt));
  EXPECT_TRUE(forwarded_over_tls(std::nullopt, "for=192.0.2.1;proto=https;by=x"));
  EXPECT_TRUE(forwarded_over_tls(std::nullopt, "proto=\"https\""));
  EXPECT_FALSE(forwarded_over_tls(std::nullopt, "for=192.0.2.1;proto=http, proto=https"));
  EXPECT_FALSE(forwarded_over_tls(std::nullopt, std::nullopt));
}

TEST(BrowserSession, CookieHeadersCarryTheirAttributes) {
  auto h = session_cookie_headers("rp_tok", 3'600'000 + 500, 500, false);
  ASSERT_EQ(h.size(), 2u);
  EXPECT_EQ(h[0].first, "Set-Cookie");
  EXPECT_EQ(h[0].second, "rapport_session=rp_tok; Max-Age=3600; Path=/; SameSite=Strict; HttpOnly");
  EXPECT_EQ(h[1].second,
            "rapport_csrf=" + csrf_token_for("rp_tok") + "; Max-Age=3600; Path=/; SameSite=Strict");
  auto secure = session_cookie_headers("rp_tok", 1000, 0, true);
  for (const auto& [k, v] : secure) EXPECT_NE(v.find("; Secure"), std::string::npos) << v;
  auto cleared = cleared_session_cookie_headers(false);
  ASSERT_EQ(cleared.size(), 2u);
  EXPECT_EQ(cleared[0].second, "rapport_session=; Max-Age=0; Path=/; SameSite=Strict; HttpOnly");
  EXPECT_EQ(cleared[1].second, "rapport_csrf=; Max-Age=0; Path=/; SameSite=Strict");
}

}  // namespace
}  // namespace rapport::http
