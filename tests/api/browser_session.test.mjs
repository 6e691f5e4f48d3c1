// The browser's session: sign-in with `"cookie": true` sets an HttpOnly, SameSite=Strict session
// cookie and a readable CSRF cookie; requests made with the cookie that may change state need the
// CSRF token in X-CSRF-Token (403 and nothing written otherwise); bearer tokens are unchanged;
// sign-out clears the cookies.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer } from "./lib.mjs";

let s;
let admin;  // bearer token

before(async () => {
  s = await startServer();
  admin = await s.signIn(s.adminEmail, s.adminPassword);
});
after(async () => { await s.stop(); });

// Signs in for a cookie; returns {status, body, setCookies, cookie (the Cookie header to send),
// csrf}.
async function cookieSignIn(headers = {}, password = s.adminPassword) {
  const r = await fetch(`${s.url}/api/v1/sessions`, {
    method: "POST",
    headers: { "Content-Type": "application/json", ...headers },
    body: JSON.stringify({ email: s.adminEmail, password, cookie: true }),
  });
  const body = await r.json();
  const setCookies = r.headers.getSetCookie();
  const cookie = setCookies.map((c) => c.split(";")[0]).join("; ");
  return { status: r.status, body, setCookies, cookie, csrf: body.csrf_token };
}

function withCookie(method, p, cookie, { csrf, json } = {}) {
  const headers = { Cookie: cookie };
  if (csrf !== undefined) headers["X-CSRF-Token"] = csrf;
  return s.request(method, p, { headers, json });
}

function customerCount() {
  return s.sql("SELECT count(*) AS n FROM customers")[0].n;
}

test("a cookie sign-in sets an HttpOnly SameSite=Strict session cookie and gives no token", async () => {
  const r = await cookieSignIn();
  assert.equal(r.status, 201);
  assert.equal(r.body.token, undefined);
  assert.equal(r.body.user.email, s.adminEmail);
  assert.match(r.body.csrf_token, /^[A-Za-z0-9_-]{43}$/);
  const session = r.setCookies.find((c) => c.startsWith("rapport_session="));
  const csrf = r.setCookies.find((c) => c.startsWith("rapport_csrf="));
  assert.ok(session && csrf, r.setCookies.join(" | "));
  assert.match(session, /^rapport_session=rp_[A-Za-z0-9_-]{43,};/);
  assert.match(session, /; HttpOnly/);
  assert.match(session, /; SameSite=Strict/);
  assert.match(session, /; Path=\//);
  assert.match(session, /; Max-Age=\d{4,}/);
  assert.doesNotMatch(session, /Secure/, "plain HTTP: no Secure flag");
  // The page's script reads the CSRF token from its cookie after a reload.
  assert.doesNotMatch(csrf, /HttpOnly/);
  assert.equal(csrf.split(";")[0], `rapport_csrf=${r.body.csrf_token}`);
  // The cookie alone signs GET requests in.
  const me = await withCookie("GET", "/api/v1/me", r.cookie);
  assert.equal(me.status, 200);
  assert.equal(me.body.email, s.adminEmail);
});

test("behind a TLS proxy the cookies are Secure", async () => {
  for (const headers of [{ "X-Forwarded-Proto": "https" }, { Forwarded: "for=1.2.3.4;proto=https" }]) {
    const r = await cookieSignIn(headers);
    assert.equal(r.status, 201);
    assert.equal(r.setCookies.length, 2);
    for (const c of r.setCookies) assert.match(c, /; Secure/, c);
  }
});

test("a wrong password sets no cookie", async () => {
  const r = await cookieSignIn({}, "not the password at all");
  assert.equal(r.status, 401);
  assert.deepEqual(r.setCookies, []);
});

test("a state-changing request by cookie without the right CSRF token is 403 and writes nothing", async () => {
  const a = await cookieSignIn();
  const b = await cookieSignIn();
  assert.notEqual(a.csrf, b.csrf);
  const before = s.state();
  const customers = customerCount();
  const attempts = [
    undefined,             // no header
    "",                    // empty
    "x".repeat(43),        // wrong
    b.csrf,                // another session's token
    a.csrf.toLowerCase() === a.csrf ? `${a.csrf}x` : a.csrf.toLowerCase(),
  ];
  for (const csrf of attempts) {
    const r = await withCookie("POST", "/api/v1/customers", a.cookie,
      { csrf, json: { name: "Forged Customer" } });
    assert.equal(r.status, 403, `csrf ${csrf}: ${JSON.stringify(r.body)}`);
    assert.equal(r.body.error.code, "forbidden");
    assert.equal(r.body.error.field, "X-CSRF-Token");
  }
  // Sign-out is state-changing too: a forged one leaves the session alive.
  const out = await withCookie("DELETE", "/api/v1/sessions/current", a.cookie, { csrf: b.csrf });
  assert.equal(out.status, 403);
  assert.deepEqual(s.state(), before);
  assert.equal(customerCount(), customers);
  assert.equal((await withCookie("GET", "/api/v1/me", a.cookie)).status, 200);
  // With its own CSRF token the same request goes through.
  const ok = await withCookie("POST", "/api/v1/customers", a.cookie,
    { csrf: a.csrf, json: { name: "Cookie Customer" } });
  assert.equal(ok.status, 201, JSON.stringify(ok.body));
  assert.equal(customerCount(), customers + 1);
});

test("bearer tokens need no CSRF token, and a bearer header wins over a cookie", async () => {
  const r = await s.request("POST", "/api/v1/customers",
    { token: admin, json: { name: "Bearer Customer" } });
  assert.equal(r.status, 201);
  const bad = await s.request("GET", "/api/v1/me",
    { headers: { Authorization: "Bearer rp_not-a-token", Cookie: (await cookieSignIn()).cookie } });
  assert.equal(bad.status, 401);
});

test("an unknown session cookie is 401", async () => {
  const r = await withCookie("GET", "/api/v1/me", "rapport_session=rp_nope; other=1");
  assert.equal(r.status, 401);
  assert.equal(r.body.error.code, "unauthenticated");
  const none = await withCookie("GET", "/api/v1/me", "other=1");
  assert.equal(none.status, 401);
});

test("signing out by cookie revokes the session and clears both cookies", async () => {
  const a = await cookieSignIn();
  const r = await fetch(`${s.url}/api/v1/sessions/current`, {
    method: "DELETE", headers: { Cookie: a.cookie, "X-CSRF-Token": a.csrf },
  });
  assert.equal(r.status, 204);
  const cleared = r.headers.getSetCookie();
  assert.equal(cleared.length, 2);
  for (const c of cleared) assert.match(c, /^rapport_(session|csrf)=; Max-Age=0;/, c);
  assert.equal((await withCookie("GET", "/api/v1/me", a.cookie)).status, 401);
  // A bearer sign-out sets no cookie.
  const token = await s.signIn(s.adminEmail, s.adminPassword);
  const b = await fetch(`${s.url}/api/v1/sessions/current`,
    { method: "DELETE", headers: { Authorization: `Bearer ${token}` } });
  assert.equal(b.status, 204);
  assert.deepEqual(b.headers.getSetCookie(), []);
});
