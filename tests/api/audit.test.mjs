// The audit log: every write records who, when, what, before and after; GET /api/v1/audit
// filters and pages through it; nothing can edit or delete it, neither the API nor SQL.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { startServer, routes, sqlite } from "./lib.mjs";

let s;
let admin;     // the demo admin's token
let adminId;
let admin2;    // a second admin: {id, token, ...}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const q = (params) => new URLSearchParams(params).toString();  // encodes ':' as %3A

before(async () => {
  s = await startServer();
  admin = await s.signIn(s.adminEmail, s.adminPassword);
  adminId = (await s.request("GET", "/api/v1/me", { token: admin })).body.id;
  admin2 = await s.userWithRole(admin, "admin");
});
after(async () => { await s.stop(); });

async function audit(params, token = admin) {
  const r = await s.request("GET", `/api/v1/audit?${q(params)}`, { token });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body;
}

// Every entry matching `params`, walking the pages with the cursor.
async function walk(params, limit) {
  const out = [];
  let cursor;
  for (let pages = 0; pages < 1000; pages++) {
    const page = await audit({ ...params, limit: String(limit), ...(cursor ? { cursor } : {}) });
    assert.ok(page.items.length <= limit);
    out.push(...page.items);
    if (page.next_cursor === null) return out;
    assert.equal(page.items.length, limit, "a page before the last one is full");
    cursor = page.next_cursor;
  }
  throw new Error("the cursor never ended");
}

test("creating a user records who, when, what and the after image (no password)", async () => {
  const t0 = Date.now();
  const email = "audited.person@example.com";
  const r = await s.request("POST", "/api/v1/users", {
    token: admin, headers: { "X-Request-Id": "audit-create-1" },
    json: { email, name: "Audited Person", role: "sales", password: "the secret password" },
  });
  assert.equal(r.status, 201);
  const t1 = Date.now();
  const page = await audit({ entity: "user", entity_id: String(r.body.id) });
  assert.equal(page.items.length, 1);
  const e = page.items[0];
  assert.equal(e.action, "create");
  assert.equal(e.entity, "user");
  assert.equal(e.entity_id, String(r.body.id));
  assert.equal(e.user_id, adminId);
  assert.equal(e.request_id, "audit-create-1");
  const at = Date.parse(e.at);
  assert.ok(at >= t0 - 5 && at <= t1 + 5, `${e.at} not within the request`);
  assert.equal(e.before, null);
  assert.deepEqual(e.after, {
    id: r.body.id, email, name: "Audited Person", role: "sales", disabled: false, version: 1,
  });
  const text = JSON.stringify(e);
  assert.ok(!text.includes("the secret password"));
  assert.ok(!text.includes("argon2"));
  assert.ok(!/password/.test(Object.keys(e.after).join()));
});

test("updating a user records the before and after images", async () => {
  const u = await s.userWithRole(admin, "service");
  const r = await s.request("PATCH", `/api/v1/users/${u.id}`, {
    token: admin2.token, headers: { "X-Request-Id": "audit-update-1" },
    json: { name: "Renamed Person", role: "manager" },
  });
  assert.equal(r.status, 200);
  const [e] = (await audit({ entity: "user", entity_id: String(u.id), limit: "1" })).items;
  assert.equal(e.action, "update");
  assert.equal(e.user_id, admin2.id);
  assert.equal(e.request_id, "audit-update-1");
  assert.equal(e.before.name, "A service");
  assert.equal(e.before.role, "service");
  assert.equal(e.before.version, 1);
  assert.equal(e.after.name, "Renamed Person");
  assert.equal(e.after.role, "manager");
  assert.equal(e.after.version, 2);
  assert.deepEqual(Object.keys(e.before).sort(), Object.keys(e.after).sort());
  assert.ok(!JSON.stringify(e).includes("argon2"));
});

test("a password reset is recorded without any hash", async () => {
  const u = await s.userWithRole(admin, "analyst");
  const r = await s.request("POST", `/api/v1/users/${u.id}/password`,
    { token: admin, json: { password: "another secret password" } });
  assert.equal(r.status, 200);
  const [e] = (await audit({ entity: "user", entity_id: String(u.id), limit: "1" })).items;
  assert.equal(e.action, "reset_password");
  assert.equal(e.user_id, adminId);
  assert.equal(e.after.password, "changed");
  const text = JSON.stringify(e);
  assert.ok(!text.includes("another secret password"));
  assert.ok(!text.includes("argon2"));
  // And no audit row anywhere holds a password hash or a password used in this file.
  const rows = s.sql("SELECT count(*) AS n FROM audit_log WHERE before LIKE '%argon2%' OR " +
    "after LIKE '%argon2%' OR after LIKE '%secret password%' OR after LIKE '%correct horse%'");
  assert.deepEqual(rows, [{ n: 0 }]);
});

test("the CLI's writes are recorded with no user and request id 'cli'", async () => {
  const [first] = s.sql("SELECT user_id, request_id, action, entity FROM audit_log ORDER BY id LIMIT 1");
  assert.deepEqual(first, { user_id: null, request_id: "cli", action: "create", entity: "user" });
});

test("filters: entity, entity_id, user_id", async () => {
  const u = await s.userWithRole(admin, "sales");
  await s.request("PATCH", `/api/v1/users/${u.id}`, { token: admin2.token, json: { name: "By Two" } });
  await s.request("PATCH", `/api/v1/users/${u.id}`, { token: admin, json: { name: "By One" } });

  const all = await walk({}, 500);
  const byEntity = await walk({ entity: "user" }, 500);
  assert.deepEqual(byEntity, all.filter((e) => e.entity === "user"));
  assert.ok(byEntity.length >= 5);
  const sessions = await walk({ entity: "session" }, 500);
  assert.ok(sessions.length >= 2);
  assert.ok(sessions.every((e) => e.entity === "session" && e.action === "sign_in"));

  const byId = await walk({ entity: "user", entity_id: String(u.id) }, 500);
  assert.deepEqual(byId.map((e) => e.action), ["update", "update", "create"]);
  assert.deepEqual(byId.map((e) => e.user_id), [adminId, admin2.id, adminId]);

  const byUser = await walk({ user_id: String(admin2.id) }, 500);
  assert.ok(byUser.length >= 2);
  assert.deepEqual(byUser, all.filter((e) => e.user_id === admin2.id));
  const both = await walk({ user_id: String(admin2.id), entity: "user", entity_id: String(u.id) }, 500);
  assert.equal(both.length, 1);
  assert.equal(both[0].after.name, "By Two");

  const none = await audit({ entity: "no-such-entity" });
  assert.deepEqual(none, { items: [], next_cursor: null });
});

test("filters: from (inclusive) and to (exclusive)", async () => {
  const u = await s.userWithRole(admin, "sales");
  const id = String(u.id);
  await sleep(15);
  const mid = Date.now();
  await sleep(15);
  await s.request("PATCH", `/api/v1/users/${id}`, { token: admin, json: { name: "Later" } });
  const iso = (ms) => new Date(ms).toISOString();

  const later = await walk({ entity: "user", entity_id: id, from: iso(mid) }, 500);
  assert.deepEqual(later.map((e) => e.action), ["update"]);
  const earlier = await walk({ entity: "user", entity_id: id, to: iso(mid) }, 500);
  assert.deepEqual(earlier.map((e) => e.action), ["create"]);
  // from is inclusive and to exclusive, to the millisecond.
  const at = Date.parse(later[0].at);
  assert.equal((await walk({ entity: "user", entity_id: id, from: iso(at) }, 500)).length, 1);
  assert.equal((await walk({ entity: "user", entity_id: id, to: iso(at) }, 500)).length, 1);
  assert.equal((await walk({ entity: "user", entity_id: id, to: iso(at + 1) }, 500)).length, 2);
  // A date alone is midnight UTC; the whole history lies between 2000 and 2999.
  const every = await walk({ entity: "user", entity_id: id, from: "2000-01-01", to: "2999-01-01" }, 500);
  assert.equal(every.length, 2);
  assert.equal((await walk({ entity: "user", entity_id: id, to: "2000-01-01" }, 500)).length, 0);
  // An empty window.
  assert.equal((await walk({ from: iso(mid), to: iso(mid) }, 500)).length, 0);
});

test("the cursor walks every entry exactly once, newest first", async () => {
  // Enough entries for several pages.
  const u = await s.userWithRole(admin, "sales");
  for (let i = 0; i < 6; i++) {
    const r = await s.request("PATCH", `/api/v1/users/${u.id}`, { token: admin, json: { name: `N${i}` } });
    assert.equal(r.status, 200);
  }
  const [{ n }] = s.sql("SELECT count(*) AS n FROM audit_log");
  const full = await walk({}, 500);
  assert.equal(full.length, n);
  for (const limit of [1, 3, 7]) {
    const paged = await walk({}, limit);
    const ids = paged.map((e) => e.id);
    assert.equal(new Set(ids).size, ids.length, `limit ${limit}: an entry came twice`);
    assert.deepEqual(ids, full.map((e) => e.id), `limit ${limit}`);
    for (let i = 1; i < ids.length; i++) assert.ok(ids[i] < ids[i - 1], "newest first");
  }
  // Paging a filtered list keeps the filter.
  const filtered = await walk({ entity: "user", entity_id: String(u.id) }, 2);
  assert.equal(filtered.length, 7);
  assert.ok(filtered.every((e) => e.entity_id === String(u.id)));
  // The default page size is 50.
  const first = await audit({});
  assert.equal(first.items.length, Math.min(50, n));
});

test("no route edits or deletes audit entries", async () => {
  const writes = routes().filter((r) => r.path.startsWith("/api/v1/audit") && r.method !== "GET");
  assert.deepEqual(writes, []);
  const [{ n }] = s.sql("SELECT count(*) AS n FROM audit_log");
  // The list answers 405 (it only takes GET); no single entry is addressable at all.
  for (const [method, path, status] of [["DELETE", "/api/v1/audit", 405],
    ["DELETE", "/api/v1/audit/1", 404], ["PATCH", "/api/v1/audit/1", 404],
    ["PUT", "/api/v1/audit/1", 404], ["POST", "/api/v1/audit", 405]]) {
    const r = await s.request(method, path, { token: admin, json: { action: "nothing" } });
    assert.equal(r.status, status, `${method} ${path}`);
  }
  assert.deepEqual(s.sql("SELECT count(*) AS n FROM audit_log"), [{ n }]);
});

test("no source file under src/ updates or deletes audit rows", () => {
  const root = new URL("../../src/", import.meta.url).pathname;
  const offenders = [];
  const visit = (dir) => {
    for (const ent of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, ent.name);
      if (ent.isDirectory()) visit(p);
      else if (/\.(cpp|hpp|h|cc)$/.test(ent.name)) {
        const text = fs.readFileSync(p, "utf8");
        if (/\b(UPDATE\s+audit_log|DELETE\s+FROM\s+audit_log|DROP\s+TRIGGER\s+(IF\s+EXISTS\s+)?audit_log)\b/i.test(text)) {
          offenders.push(path.relative(root, p));
        }
      }
    }
  };
  visit(root);
  assert.deepEqual(offenders, []);
});

// Last: stops the server.
test("the database refuses UPDATE and DELETE on audit_log (append-only)", async () => {
  await s.stop({ keep: true });
  const before1 = sqlite(s.db, "SELECT count(*), sum(length(action)) FROM audit_log");
  assert.equal(before1.status, 0, before1.stderr);
  for (const stmt of ["UPDATE audit_log SET action = 'tampered'",
    "UPDATE audit_log SET before = NULL WHERE id = 1",
    "DELETE FROM audit_log", "DELETE FROM audit_log WHERE id = (SELECT max(id) FROM audit_log)"]) {
    const r = sqlite(s.db, stmt);
    assert.notEqual(r.status, 0, `${stmt} succeeded`);
    assert.match(r.stderr, /append-only/, stmt);
  }
  assert.equal(sqlite(s.db, "SELECT count(*), sum(length(action)) FROM audit_log").stdout,
    before1.stdout);
  // Inserting stays possible (the log is appended to).
  const ins = sqlite(s.db, "INSERT INTO audit_log (at, action, entity) VALUES (0, 'x', 'y')");
  assert.equal(ins.status, 0, ins.stderr);
});
