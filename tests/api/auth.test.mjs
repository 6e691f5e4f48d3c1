// Sign-in, sessions, the failed sign-in limit, sign-out, disabling, password resets and API
// tokens; secrets are stored only as hashes and passwords as Argon2id.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import { startServer, sqlite } from "./lib.mjs";

const TOKEN_SHAPE = /^rp_[A-Za-z0-9_-]{43,}$/;
const WRONG = { code: "unauthenticated", message: "wrong email or password", field: "password" };

let s;
let admin;  // admin token

before(async () => {
  s = await startServer();
  admin = await s.signIn(s.adminEmail, s.adminPassword);
});
after(async () => { await s.stop(); });

function signInRequest(email, password) {
  return s.request("POST", "/api/v1/sessions", { json: { email, password } });
}

// Writes to the database behind the server's back (only to age a token).
function sqlWrite(query) {
  const r = sqlite(s.db, query);
  assert.equal(r.status, 0, r.stderr);
}

test("sign-in returns a random bearer token with an expiry in the future", async () => {
  const t0 = Date.now();
  const r = await signInRequest(s.adminEmail, s.adminPassword);
  assert.equal(r.status, 201);
  assert.match(r.body.token, TOKEN_SHAPE);
  assert.ok(Date.parse(r.body.expires_at) > t0 + 3600 * 1000, r.body.expires_at);
  assert.equal(r.body.user.email, s.adminEmail);
  assert.equal(r.body.user.role, "admin");
  assert.equal(r.body.user.password_hash, undefined);
  // Two sign-ins give two different tokens, both valid.
  const r2 = await signInRequest(s.adminEmail, s.adminPassword);
  assert.notEqual(r2.body.token, r.body.token);
  for (const token of [r.body.token, r2.body.token]) {
    assert.equal((await s.request("GET", "/api/v1/me", { token })).status, 200);
  }
});

test("the email is matched without regard to case", async () => {
  const r = await signInRequest(s.adminEmail.toUpperCase(), s.adminPassword);
  assert.equal(r.status, 201);
});

test("a wrong password and an unknown email get the same 401", async () => {
  const wrong = await signInRequest(s.adminEmail, "not the password at all");
  assert.equal(wrong.status, 401);
  assert.deepEqual(wrong.body, { error: WRONG });
  const unknown = await signInRequest("nobody-here@example.com", "not the password at all");
  assert.equal(unknown.status, 401);
  assert.deepEqual(unknown.body, { error: WRONG });
});

test("10 failed sign-ins lock the account (429 with Retry-After); others are unaffected",
  async () => {
    const victim = await s.userWithRole(admin, "sales");
    const bystander = await s.userWithRole(admin, "sales");
    for (let i = 0; i < 10; i++) {
      const r = await signInRequest(victim.email, `wrong password ${i}`);
      assert.equal(r.status, 401, `attempt ${i + 1}`);
    }
    const tokensBefore = s.sql(`SELECT count(*) AS n FROM auth_tokens WHERE user_id = ${victim.id}`);
    // The 11th attempt is refused even with the right password.
    const r = await signInRequest(victim.email, victim.password);
    assert.equal(r.status, 429, JSON.stringify(r.body));
    assert.equal(r.body.error.code, "rate_limited");
    const retry = Number(r.headers.get("retry-after"));
    assert.ok(Number.isInteger(retry) && retry > 0 && retry <= 900, `Retry-After ${retry}`);
    assert.match(r.body.error.message, /try again in \d+ seconds/);
    // Nothing was issued, and the case of the email does not get around the limit.
    const upper = await signInRequest(victim.email.toUpperCase(), victim.password);
    assert.equal(upper.status, 429);
    assert.deepEqual(
      s.sql(`SELECT count(*) AS n FROM auth_tokens WHERE user_id = ${victim.id}`), tokensBefore);
    // The victim's existing session still works (the limit is on sign-in, not on the account).
    assert.equal((await s.request("GET", "/api/v1/me", { token: victim.token })).status, 200);
    // Another account signs in as usual.
    const other = await signInRequest(bystander.email, bystander.password);
    assert.equal(other.status, 201);
  });

test("concurrent guesses get no more than 10 answers", async () => {
  const u = await s.userWithRole(admin, "analyst");
  const rs = await Promise.all(Array.from({ length: 30 }, (_, i) =>
    signInRequest(u.email, `wrong guess number ${i}`)));
  const counts = {};
  for (const r of rs) counts[r.status] = (counts[r.status] ?? 0) + 1;
  assert.deepEqual(counts, { 401: 10, 429: 20 });
  assert.deepEqual(
    s.sql(`SELECT count(*) AS n FROM sign_in_failures WHERE email = lower('${u.email}')`),
    [{ n: 10 }]);
});

test("the limit lifts when the failures leave the 15 minute window", async () => {
  const u = await s.userWithRole(admin, "service");
  for (let i = 0; i < 10; i++) await signInRequest(u.email, `wrong password ${i}`);
  assert.equal((await signInRequest(u.email, u.password)).status, 429);
  // Age the recorded failures by 15 minutes and a second.
  sqlWrite(`UPDATE sign_in_failures SET at = at - 901000 WHERE email = lower('${u.email}')`);
  assert.equal((await signInRequest(u.email, u.password)).status, 201);
});

test("sign-out revokes the session: 204, then 401", async () => {
  const u = await s.userWithRole(admin, "analyst");
  const r = await s.request("DELETE", "/api/v1/sessions/current", { token: u.token });
  assert.equal(r.status, 204);
  assert.equal(r.body, "");
  const after1 = await s.request("GET", "/api/v1/me", { token: u.token });
  assert.equal(after1.status, 401);
  assert.equal(after1.body.error.code, "unauthenticated");
  assert.equal(after1.headers.get("www-authenticate"), "Bearer");
  // Signing out again with the dead token is refused too.
  const again = await s.request("DELETE", "/api/v1/sessions/current", { token: u.token });
  assert.equal(again.status, 401);
});

test("an expired session gets 401 saying so", async () => {
  const u = await s.userWithRole(admin, "analyst");
  sqlWrite(`UPDATE auth_tokens SET expires_at = 1000 WHERE user_id = ${u.id}`);
  const r = await s.request("GET", "/api/v1/me", { token: u.token });
  assert.equal(r.status, 401);
  assert.equal(r.body.error.code, "unauthenticated");
  assert.match(r.body.error.message, /expired/);
});

test("disabling a user revokes their tokens and refuses their sign-in", async () => {
  const u = await s.userWithRole(admin, "manager");
  const api = await s.request("POST", "/api/v1/tokens",
    { token: admin, json: { name: "their integration", user_id: u.id } });
  assert.equal(api.status, 201);
  assert.equal((await s.request("GET", "/api/v1/me", { token: api.body.token })).status, 200);

  const r = await s.request("PATCH", `/api/v1/users/${u.id}`,
    { token: admin, json: { disabled: true } });
  assert.equal(r.status, 200);
  assert.equal(r.body.disabled, true);
  for (const token of [u.token, api.body.token]) {
    assert.equal((await s.request("GET", "/api/v1/me", { token })).status, 401);
  }
  const signIn = await signInRequest(u.email, u.password);
  assert.equal(signIn.status, 401);
  assert.deepEqual(signIn.body, { error: WRONG });
  // Enabling them again does not bring the old tokens back.
  const en = await s.request("PATCH", `/api/v1/users/${u.id}`,
    { token: admin, json: { disabled: false } });
  assert.equal(en.status, 200);
  assert.equal((await s.request("GET", "/api/v1/me", { token: u.token })).status, 401);
  assert.equal((await signInRequest(u.email, u.password)).status, 201);
});

test("an admin cannot disable themself", async () => {
  const me = await s.request("GET", "/api/v1/me", { token: admin });
  const r = await s.request("PATCH", `/api/v1/users/${me.body.id}`,
    { token: admin, json: { disabled: true } });
  assert.equal(r.status, 409);
  assert.equal(r.body.error.field, "disabled");
});

test("a password reset revokes the sessions; the new password works, the old does not",
  async () => {
    const u = await s.userWithRole(admin, "sales");
    const r = await s.request("POST", `/api/v1/users/${u.id}/password`,
      { token: admin, json: { password: "a brand new password" } });
    assert.equal(r.status, 200);
    assert.equal(r.body.id, u.id);
    assert.equal(r.body.password_hash, undefined);
    assert.equal((await s.request("GET", "/api/v1/me", { token: u.token })).status, 401);
    assert.equal((await signInRequest(u.email, u.password)).status, 401);
    assert.equal((await signInRequest(u.email, "a brand new password")).status, 201);
  });

test("a too short new password is refused, naming the field", async () => {
  const u = await s.userWithRole(admin, "sales");
  const beforeState = s.state();
  const r = await s.request("POST", `/api/v1/users/${u.id}/password`,
    { token: admin, json: { password: "short" } });
  assert.equal(r.status, 400);
  assert.equal(r.body.error.code, "invalid_argument");
  assert.equal(r.body.error.field, "password");
  assert.deepEqual(s.state(), beforeState);
});

test("API tokens: shown once, authenticate, listed without the secret, revoked -> 401",
  async () => {
    const created = await s.request("POST", "/api/v1/tokens",
      { token: admin, json: { name: "pos integration", expires_in_days: 30 } });
    assert.equal(created.status, 201);
    const secret = created.body.token;
    assert.match(secret, TOKEN_SHAPE);
    const days = (Date.parse(created.body.expires_at) - Date.now()) / 86400000;
    assert.ok(days > 29.9 && days <= 30, `expires in ${days} days`);

    const me = await s.request("GET", "/api/v1/me", { token: secret });
    assert.equal(me.status, 200);
    assert.equal(me.body.email, s.adminEmail);

    const list = await s.request("GET", "/api/v1/tokens", { token: admin });
    assert.equal(list.status, 200);
    const item = list.body.items.find((t) => t.id === created.body.id);
    assert.ok(item, "the new token is listed");
    assert.equal(item.name, "pos integration");
    assert.equal(item.kind, "api");
    assert.equal(item.revoked_at, null);
    assert.ok(!JSON.stringify(list.body).includes(secret), "the list shows the secret");
    assert.ok(list.body.items.every((t) => t.token === undefined));
    // Sessions are not API tokens.
    assert.ok(list.body.items.every((t) => t.kind === "api"));

    const del = await s.request("DELETE", `/api/v1/tokens/${created.body.id}`, { token: admin });
    assert.equal(del.status, 200);
    assert.ok(del.body.revoked_at);
    const after1 = await s.request("GET", "/api/v1/me", { token: secret });
    assert.equal(after1.status, 401);
    const listed = (await s.request("GET", "/api/v1/tokens", { token: admin })).body.items
      .find((t) => t.id === created.body.id);
    assert.ok(listed.revoked_at);
  });

test("revoking an unknown token is 404 naming the id", async () => {
  const r = await s.request("DELETE", "/api/v1/tokens/999999", { token: admin });
  assert.equal(r.status, 404);
  assert.equal(r.body.error.code, "not_found");
  assert.equal(r.body.error.field, "id");
});

test("token secrets are stored only as hashes", async () => {
  const session = (await signInRequest(s.adminEmail, s.adminPassword)).body.token;
  const api = (await s.request("POST", "/api/v1/tokens",
    { token: admin, json: { name: "hash check" } })).body.token;
  const cols = s.sql("SELECT name FROM pragma_table_info('auth_tokens')").map((c) => c.name);
  assert.ok(cols.includes("token_hash"));
  for (const secret of [session, api]) {
    const lit = `'${secret.replace(/'/g, "''")}'`;
    const where = cols.map((c) =>
      `CAST(${c} AS TEXT) = ${lit} OR instr(CAST(${c} AS TEXT), ${lit}) > 0 OR ` +
      `instr(CAST(${c} AS TEXT), substr(${lit}, 4)) > 0`).join(" OR ");
    assert.deepEqual(s.sql(`SELECT count(*) AS n FROM auth_tokens WHERE ${where}`), [{ n: 0 }]);
    // Nor anywhere else in the database files (the audit log included).
    for (const f of [s.db, `${s.db}-wal`]) {
      if (!fs.existsSync(f)) continue;
      const bytes = fs.readFileSync(f);
      assert.equal(bytes.indexOf(secret.slice(3)), -1, `secret found in ${f}`);
    }
  }
  // The stored hash is 32 bytes.
  const lens = s.sql("SELECT DISTINCT length(token_hash) AS n FROM auth_tokens");
  assert.deepEqual(lens, [{ n: 32 }]);
});

test("passwords are stored as Argon2id hashes", async () => {
  const u = await s.userWithRole(admin, "analyst");
  const rows = s.sql("SELECT id, password_hash FROM users");
  assert.ok(rows.length >= 2);
  for (const row of rows) assert.match(row.password_hash, /^\$argon2id\$v=19\$m=\d+,t=\d+,p=\d+\$/);
  const mine = rows.find((r) => r.id === u.id).password_hash;
  assert.ok(!mine.includes(u.password));
  // The password appears nowhere in the database files.
  for (const f of [s.db, `${s.db}-wal`]) {
    if (fs.existsSync(f)) assert.equal(fs.readFileSync(f).indexOf(u.password), -1, f);
  }
});
