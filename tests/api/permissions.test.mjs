// Who may call what: the route x role table, held here so that a change of access shows as a
// diff in review. The table must match `rapport routes` (a new or changed route fails this test
// until the table is updated), and all of it is exercised against a running server: a forbidden
// call gets 403 and writes nothing; an allowed call is not refused.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, routes, sqlite } from "./lib.mjs";

const ROLES = ["admin", "manager", "sales", "service", "analyst"];
const ALL = ROLES;
const PUBLIC = "public";

// route key -> roles allowed, or PUBLIC (no token needed).
const TABLE = {
  "GET /healthz": PUBLIC,
  "GET /metrics": PUBLIC,
  "GET /api/v1/openapi.json": PUBLIC,
  "POST /api/v1/sessions": PUBLIC,
  "DELETE /api/v1/sessions/current": ALL,
  "GET /api/v1/me": ALL,
  "GET /api/v1/users": ["admin", "manager"],
  "POST /api/v1/users": ["admin"],
  "GET /api/v1/users/{id}": ["admin", "manager"],
  "PATCH /api/v1/users/{id}": ["admin"],
  "POST /api/v1/users/{id}/password": ["admin"],
  "GET /api/v1/tokens": ["admin"],
  "POST /api/v1/tokens": ["admin"],
  "DELETE /api/v1/tokens/{id}": ["admin"],
  "GET /api/v1/audit": ["admin", "manager"],
  "POST /api/v1/analytics/refresh": ["admin", "manager", "analyst"],
  "GET /api/v1/analytics/runs/latest": ALL,
  "GET /api/v1/analytics/clv": ALL,
  "GET /api/v1/analytics/rfm": ALL,
  "GET /api/v1/analytics/pareto": ALL,
  "GET /api/v1/analytics/types": ALL,
  "GET /api/v1/analytics/basket/rules": ALL,
  "GET /api/v1/products/{sku}/bought-together": ALL,
  "GET /api/v1/customers/{id}/recommendations": ALL,
  "GET /api/v1/customers/{id}/scores": ALL,
};

let s;
let adminToken;
let users;   // role -> {id, email, password, token}
let victim;  // a user the write routes act on
let apiTokenId;
let table;
// A customer and a product the analytics routes read (written with SQL: no route is needed).
const analyticsCustomer = 900001;
let seq = 0;

// A plausible request for each route, and the status it gets when allowed.
function plausible(key, role) {
  seq += 1;
  switch (key) {
    case "GET /healthz":
    case "GET /metrics":
    case "GET /api/v1/openapi.json":
    case "GET /api/v1/me":
    case "GET /api/v1/users":
    case "GET /api/v1/tokens":
    case "GET /api/v1/audit":
    case "GET /api/v1/analytics/runs/latest":
    case "GET /api/v1/analytics/clv":
    case "GET /api/v1/analytics/rfm":
    case "GET /api/v1/analytics/pareto":
    case "GET /api/v1/analytics/types":
    case "GET /api/v1/analytics/basket/rules":
      return { method: key.split(" ")[0], path: key.split(" ")[1], ok: 200 };
    case "POST /api/v1/analytics/refresh":
      return { method: "POST", path: "/api/v1/analytics/refresh", ok: 200, json: {} };
    case "GET /api/v1/products/{sku}/bought-together":
      return { method: "GET", path: "/api/v1/products/PERM-1/bought-together", ok: 200 };
    case "GET /api/v1/customers/{id}/recommendations":
      return { method: "GET", path: `/api/v1/customers/${analyticsCustomer}/recommendations`, ok: 200 };
    case "GET /api/v1/customers/{id}/scores":
      return { method: "GET", path: `/api/v1/customers/${analyticsCustomer}/scores`, ok: 200 };
    case "POST /api/v1/sessions":
      return { method: "POST", path: "/api/v1/sessions", ok: 201,
        json: { email: users[role].email, password: users[role].password } };
    case "DELETE /api/v1/sessions/current":
      return { method: "DELETE", path: "/api/v1/sessions/current", ok: 204 };
    case "POST /api/v1/users":
      return { method: "POST", path: "/api/v1/users", ok: 201,
        json: { email: `new-${role}-${seq}@example.com`, name: "New User", role: "sales",
          password: "a long enough password" } };
    case "GET /api/v1/users/{id}":
      return { method: "GET", path: `/api/v1/users/${victim.id}`, ok: 200 };
    case "PATCH /api/v1/users/{id}":
      return { method: "PATCH", path: `/api/v1/users/${victim.id}`, ok: 200,
        json: { name: `Renamed by ${role}` } };
    case "POST /api/v1/users/{id}/password":
      return { method: "POST", path: `/api/v1/users/${victim.id}/password`, ok: 200,
        json: { password: "another long password" } };
    case "POST /api/v1/tokens":
      return { method: "POST", path: "/api/v1/tokens", ok: 201,
        json: { name: `integration ${seq}`, user_id: victim.id } };
    case "DELETE /api/v1/tokens/{id}":
      return { method: "DELETE", path: `/api/v1/tokens/${apiTokenId}`, ok: 200 };
    default:
      throw new Error(`no plausible request for ${key}: add one to permissions.test.mjs`);
  }
}

before(async () => {
  s = await startServer();
  table = routes();
  adminToken = await s.signIn(s.adminEmail, s.adminPassword);
  users = {};
  for (const role of ROLES) users[role] = await s.userWithRole(adminToken, role);
  const v = await s.userWithRole(adminToken, "sales");
  victim = v;
  const t = await s.request("POST", "/api/v1/tokens",
    { token: adminToken, json: { name: "to revoke", user_id: victim.id } });
  assert.equal(t.status, 201);
  apiTokenId = t.body.id;
  const seeded = sqlite(s.db, `INSERT INTO customers (id, name, created_at, updated_at)
      VALUES (${analyticsCustomer}, 'Analytics Customer', 0, 0);
    INSERT INTO products (sku, name, price_minor, currency, created_at, updated_at)
      VALUES ('PERM-1', 'Permission product', 100, 'USD', 0, 0);`);
  assert.equal(seeded.status, 0, seeded.stderr);
  // The analytics pages read the latest refresh: have one.
  const refreshed = await s.request("POST", "/api/v1/analytics/refresh",
    { token: adminToken, json: {} });
  assert.equal(refreshed.status, 200, JSON.stringify(refreshed.body));
});
after(async () => { await s.stop(); });

test("the table holds exactly the routes of `rapport routes`", () => {
  const actual = table.map((r) => `${r.method} ${r.path}`).sort();
  assert.deepEqual(actual, Object.keys(TABLE).sort());
});

test("public routes in the table are exactly those without a permission", () => {
  for (const r of table) {
    const key = `${r.method} ${r.path}`;
    assert.equal(TABLE[key] === PUBLIC, r.permission === null, key);
  }
});

test("routes guarded by the same permission allow the same roles", () => {
  const byPermission = new Map();
  for (const r of table) {
    if (r.permission === null) continue;
    const roles = JSON.stringify([...TABLE[`${r.method} ${r.path}`]].sort());
    if (!byPermission.has(r.permission)) byPermission.set(r.permission, roles);
    assert.equal(roles, byPermission.get(r.permission), `${r.method} ${r.path} (${r.permission})`);
  }
});

test("every role on every route: forbidden -> 403 and nothing written, allowed -> served",
  async () => {
    const permissionOf = new Map(table.map((r) => [`${r.method} ${r.path}`, r.permission]));
    let forbidden = 0;
    let allowedCalls = 0;
    for (const key of Object.keys(TABLE)) {
      for (const role of ROLES) {
        const req = plausible(key, role);
        // Signing out revokes the token used: give it a fresh session.
        const token = key === "DELETE /api/v1/sessions/current"
          ? await s.signIn(users[role].email, users[role].password)
          : users[role].token;
        const isAllowed = TABLE[key] === PUBLIC || TABLE[key].includes(role);
        const beforeState = isAllowed ? null : s.state();
        const r = await s.request(req.method, req.path, { token, json: req.json });
        const what = `${role} ${key} -> ${r.status} ${JSON.stringify(r.body)}`;
        if (isAllowed) {
          allowedCalls += 1;
          assert.notEqual(r.status, 403, what);
          assert.notEqual(r.status, 401, what);
          assert.equal(r.status, req.ok, what);
        } else {
          forbidden += 1;
          assert.equal(r.status, 403, what);
          assert.equal(r.body.error.code, "forbidden", what);
          assert.equal(r.body.error.field, null, what);
          assert.match(r.body.error.message, new RegExp(`'${role}'`), what);
          assert.ok(r.body.error.message.includes(`'${permissionOf.get(key)}'`), what);
          assert.deepEqual(s.state(), beforeState, `${what}: the database changed`);
        }
      }
    }
    // Every cell of the table was exercised.
    assert.equal(forbidden + allowedCalls, Object.keys(TABLE).length * ROLES.length);
    assert.ok(forbidden >= 20, `only ${forbidden} forbidden calls`);
  });

test("the role users still work after the run (no allowed call revoked their tokens)",
  async () => {
    for (const role of ROLES) {
      const r = await s.request("GET", "/api/v1/me", { token: users[role].token });
      assert.equal(r.status, 200, role);
      assert.equal(r.body.role, role);
    }
  });

test("no token -> 401 with WWW-Authenticate on every non-public route", async () => {
  for (const r of table) {
    if (r.permission === null) continue;
    const key = `${r.method} ${r.path}`;
    const req = plausible(key, "admin");
    const beforeState = s.state();
    const res = await s.request(req.method, req.path, { json: req.json });
    const what = `${key} -> ${res.status} ${JSON.stringify(res.body)}`;
    assert.equal(res.status, 401, what);
    assert.equal(res.headers.get("www-authenticate"), "Bearer", what);
    assert.equal(res.body.error.code, "unauthenticated", what);
    assert.deepEqual(s.state(), beforeState, `${what}: the database changed`);
  }
});

test("a malformed or unknown token -> 401 on every non-public route", async () => {
  const bad = [
    { Authorization: "Bearer rp_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" },
    { Authorization: "Bearer " },
    { Authorization: `Basic ${Buffer.from("a:b").toString("base64")}` },
    { Authorization: `bearer ${users.admin.token}x` },
  ];
  for (const r of table) {
    if (r.permission === null) continue;
    const req = plausible(`${r.method} ${r.path}`, "admin");
    for (const headers of bad) {
      const res = await s.request(req.method, req.path, { json: req.json, headers });
      const what = `${r.method} ${r.path} with ${headers.Authorization} -> ${res.status}`;
      assert.equal(res.status, 401, what);
      assert.equal(res.headers.get("www-authenticate"), "Bearer", what);
      assert.equal(res.body.error.code, "unauthenticated", what);
    }
  }
});

test("public routes answer without a token", async () => {
  for (const r of table) {
    if (r.permission !== null) continue;
    const req = plausible(`${r.method} ${r.path}`, "analyst");
    const res = await s.request(req.method, req.path, { json: req.json });
    assert.equal(res.status, req.ok, `${r.method} ${r.path} -> ${res.status}`);
  }
});
