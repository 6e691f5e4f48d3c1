// Operations: Prometheus metrics, request ids, the JSON access log; and the users list's
// pagination and filters.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import { startServer } from "./lib.mjs";

let s;
let admin;

before(async () => {
  s = await startServer();
  admin = await s.signIn(s.adminEmail, s.adminPassword);
});
after(async () => { await s.stop(); });

// Parses the Prometheus text format strictly: returns {families: {name: {type, help}},
// samples: [{name, labels, value}]}; throws on a line that is not in the format.
function parseProm(text) {
  const families = {};
  const samples = [];
  const NAME = "[a-zA-Z_:][a-zA-Z0-9_:]*";
  const LABEL = `[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\\\\n]|\\\\[\\\\"n])*"`;
  const sampleRe = new RegExp(
    `^(${NAME})(?:\\{((?:${LABEL})(?:,${LABEL})*)?,?\\})?\\s+(\\S+)(?:\\s+-?\\d+)?$`);
  assert.ok(text.endsWith("\n"), "the exposition ends with a newline");
  for (const line of text.split("\n")) {
    if (line === "") continue;
    let m;
    if ((m = /^# HELP (\S+) (.*)$/.exec(line))) {
      (families[m[1]] ??= {}).help = m[2];
    } else if ((m = /^# TYPE (\S+) (counter|gauge|histogram|summary|untyped)$/.exec(line))) {
      assert.ok(!families[m[1]]?.type, `TYPE given twice for ${m[1]}`);
      (families[m[1]] ??= {}).type = m[2];
    } else if (line.startsWith("#")) {
      continue;
    } else if ((m = sampleRe.exec(line))) {
      const labels = {};
      for (const lm of (m[2] ?? "").matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
        labels[lm[1]] = lm[2].replace(/\\n/g, "\n").replace(/\\(.)/g, "$1");
      }
      const value = m[3] === "+Inf" ? Infinity : m[3] === "-Inf" ? -Infinity : Number(m[3]);
      assert.ok(!Number.isNaN(value) || m[3] === "NaN", `bad value in: ${line}`);
      const family = m[1].replace(/_(bucket|sum|count)$/, "");
      assert.ok(families[m[1]]?.type || families[family]?.type, `sample before its TYPE: ${line}`);
      samples.push({ name: m[1], labels, value });
    } else {
      throw new Error(`not Prometheus text: ${JSON.stringify(line)}`);
    }
  }
  return { families, samples };
}

async function metrics() {
  const r = await s.request("GET", "/metrics");
  assert.equal(r.status, 200);
  assert.match(r.headers.get("content-type"), /^text\/plain; version=0\.0\.4/);
  return parseProm(r.body);
}

const value = (m, name, labels) => m.samples.find((x) => x.name === name &&
  Object.entries(labels).every(([k, v]) => x.labels[k] === v))?.value;

test("/metrics counts requests by route and status", async () => {
  const before1 = await metrics();
  const meBefore = value(before1, "rapport_http_requests_total", { route: "GET /api/v1/me", status: "200" }) ?? 0;
  const nfBefore = value(before1, "rapport_http_requests_total", { route: "GET /api/v1/users/{id}", status: "404" }) ?? 0;
  for (let i = 0; i < 3; i++) assert.equal((await s.request("GET", "/api/v1/me", { token: admin })).status, 200);
  for (let i = 0; i < 2; i++) {
    assert.equal((await s.request("GET", "/api/v1/users/999999", { token: admin })).status, 404);
  }
  assert.equal((await s.request("GET", "/api/v1/no-such-thing")).status, 404);
  const m = await metrics();
  assert.equal(m.families.rapport_http_requests_total.type, "counter");
  assert.ok(m.families.rapport_http_requests_total.help);
  assert.equal(value(m, "rapport_http_requests_total", { route: "GET /api/v1/me", status: "200" }), meBefore + 3);
  assert.equal(value(m, "rapport_http_requests_total", { route: "GET /api/v1/users/{id}", status: "404" }), nfBefore + 2);
  // Routes are labelled by template, never by raw path (bounded cardinality).
  assert.ok(!m.samples.some((x) => x.labels.route?.includes("999999")));
  assert.ok(!m.samples.some((x) => x.labels.route?.includes("no-such-thing")));
  // Requests that match no route are counted under one label.
  assert.ok(value(m, "rapport_http_requests_total", { route: "unmatched", status: "404" }) >= 1);
});

test("/metrics has the latency histogram per route", async () => {
  await s.request("GET", "/api/v1/me", { token: admin });
  const m = await metrics();
  const h = "rapport_http_request_duration_seconds";
  assert.equal(m.families[h].type, "histogram");
  const buckets = m.samples.filter((x) => x.name === `${h}_bucket` && x.labels.route === "GET /api/v1/me");
  assert.ok(buckets.length >= 5, "several buckets");
  const les = buckets.map((b) => (b.labels.le === "+Inf" ? Infinity : Number(b.labels.le)));
  assert.equal(les.at(-1), Infinity, "the last bucket is +Inf");
  for (let i = 1; i < buckets.length; i++) {
    assert.ok(les[i] > les[i - 1], "bucket bounds increase");
    assert.ok(buckets[i].value >= buckets[i - 1].value, "buckets are cumulative");
  }
  const count = value(m, `${h}_count`, { route: "GET /api/v1/me" });
  const sum = value(m, `${h}_sum`, { route: "GET /api/v1/me" });
  assert.equal(buckets.at(-1).value, count);
  assert.ok(count >= 1);
  assert.ok(sum > 0 && sum < count * 10, `sum ${sum}`);
  // The histogram counts what the counter counts.
  const total = m.samples.filter((x) => x.name === "rapport_http_requests_total" &&
    x.labels.route === "GET /api/v1/me").reduce((a, x) => a + x.value, 0);
  assert.equal(count, total);
});

test("/metrics has the database write queue depth", async () => {
  const m = await metrics();
  assert.equal(m.families.rapport_db_write_queue_depth.type, "gauge");
  const depth = value(m, "rapport_db_write_queue_depth", {});
  assert.ok(Number.isInteger(depth) && depth >= 0, `depth ${depth}`);
});

test("every response carries an X-Request-Id, unique per request", async () => {
  const big = JSON.stringify({ name: "x".repeat(1024 * 1024 + 1) });
  const calls = [
    ["GET", "/healthz", {}],
    ["GET", "/metrics", {}],
    ["GET", "/api/v1/openapi.json", {}],
    ["GET", "/api/v1/me", { token: admin }],
    ["GET", "/api/v1/me", {}],
    ["POST", "/api/v1/sessions", { json: { email: "x@example.com", password: "wrong password" } }],
    ["POST", "/api/v1/users", { token: admin, json: { nonsense: 1 } }],
    ["POST", "/api/v1/users", { token: admin, body: big, headers: { "Content-Type": "application/json" } }],
    ["POST", "/api/v1/users", { token: admin, body: "{}", headers: { "Content-Type": "text/plain" } }],
    ["GET", "/api/v1/nothing", {}],
    ["GET", "/api/v1/users?bad=1", { token: admin }],
  ];
  const ids = new Set();
  for (const [m, p, o] of calls) {
    const r = await s.request(m, p, o);
    const id = r.headers.get("x-request-id");
    assert.ok(id && /^[A-Za-z0-9._-]{1,64}$/.test(id), `${m} ${p} -> ${r.status}: id ${id}`);
    ids.add(id);
  }
  // A sign-out (204, no body) too.
  const t = await s.signIn(s.adminEmail, s.adminPassword);
  const out = await s.request("DELETE", "/api/v1/sessions/current", { token: t });
  assert.equal(out.status, 204);
  assert.ok(out.headers.get("x-request-id"));
  ids.add(out.headers.get("x-request-id"));
  assert.equal(ids.size, calls.length + 1, "request ids are unique");
});

test("a client's X-Request-Id is echoed; an unusable one is replaced", async () => {
  for (const [m, p, o] of [["GET", "/api/v1/me", { token: admin }], ["GET", "/healthz", {}],
    ["GET", "/api/v1/users/999999", { token: admin }], ["GET", "/api/v1/me", {}]]) {
    const r = await s.request(m, p, { ...o, headers: { "X-Request-Id": "client-id_1.2" } });
    assert.equal(r.headers.get("x-request-id"), "client-id_1.2", `${m} ${p}`);
  }
  for (const bad of ["has space", "x".repeat(65), "quote\"s", "semi;colon"]) {
    const r = await s.request("GET", "/healthz", { headers: { "X-Request-Id": bad } });
    const id = r.headers.get("x-request-id");
    assert.ok(id && id !== bad, `${bad} was echoed`);
    assert.match(id, /^[A-Za-z0-9._-]{1,64}$/);
  }
});

test("unmatched requests echo the client's X-Request-Id too", async () => {
  const r = await s.request("GET", "/api/v1/nothing", { headers: { "X-Request-Id": "client-404" } });
  assert.equal(r.status, 404);
  assert.equal(r.headers.get("x-request-id"), "client-404");
  const m = await s.request("DELETE", "/api/v1/users/1", { headers: { "X-Request-Id": "client-405" } });
  assert.equal(m.status, 405);
  assert.equal(m.headers.get("x-request-id"), "client-405");
  const bad = await s.request("GET", "/api/v1/nothing", { headers: { "X-Request-Id": "a b" } });
  assert.match(bad.headers.get("x-request-id"), /^[A-Za-z0-9._-]{1,64}$/);
  assert.notEqual(bad.headers.get("x-request-id"), "a b");
});

// The log is written asynchronously (buffered, flushed every 100 ms): waits until it has at least
// `expectAtLeast` lines and a line for each of `ids`, for up to 2 s.
async function accessLogLines(expectAtLeast, ids = []) {
  let lines = [];
  for (let i = 0; i < 100; i++) {
    const text = fs.existsSync(s.accessLog) ? fs.readFileSync(s.accessLog, "utf8") : "";
    lines = text.split("\n").filter((l) => l !== "");
    const complete = ids.every((id) => lines.some((l) => l.includes(`"request_id":"${id}"`)));
    if (lines.length >= expectAtLeast && text.endsWith("\n") && complete) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  return lines.map((l) => JSON.parse(l));  // every line is one JSON object
}

test("the access log has one JSON line per request, keyed by the X-Request-Id", async () => {
  const seen = [];
  const reqs = [
    ["GET", "/api/v1/me", { token: admin }],
    ["GET", "/api/v1/users/999999", { token: admin }],
    ["GET", "/api/v1/users?limit=0", { token: admin }],
    ["GET", "/healthz", { headers: { "X-Request-Id": `log-check-${Date.now()}` } }],
    ["PATCH", "/api/v1/users/1", { token: admin, json: { name: "Demo Admin" } }],
    ["GET", "/api/v1/nothing", {}],
  ];
  for (const [m, p, o] of reqs) {
    const r = await s.request(m, p, o);
    seen.push({ id: r.headers.get("x-request-id"), method: m, path: p.split("?")[0], status: r.status });
  }
  const lines = await accessLogLines(seen.length, seen.map((x) => x.id));
  for (const line of lines) {
    assert.equal(typeof line.request_id, "string");
    assert.ok(!Number.isNaN(Date.parse(line.ts)), `ts ${line.ts}`);
    assert.equal(typeof line.duration_ms, "number");
    assert.ok(line.duration_ms >= 0);
  }
  for (const want of seen) {
    const matching = lines.filter((l) => l.request_id === want.id);
    assert.equal(matching.length, 1, `${want.method} ${want.path}: ${matching.length} lines`);
    const [l] = matching;
    assert.equal(l.method, want.method);
    assert.equal(l.path, want.path);
    assert.equal(l.status, want.status);
  }
  // The signed-in user is logged; an anonymous request has none.
  const me = lines.find((l) => l.request_id === seen[0].id);
  assert.equal(me.route, "GET /api/v1/me");
  assert.equal(me.user_id, 1);
  assert.equal(lines.find((l) => l.request_id === seen[3].id).user_id, null);
  assert.equal(lines.find((l) => l.request_id === seen[5].id).route, "unmatched");
  // The query string (which may hold search terms) is not logged as part of the path.
  assert.ok(lines.every((l) => !l.path.includes("?")));
  // One line per request: the log has no more lines than responses the server sent.
  const m = await metrics();
  const total = m.samples.filter((x) => x.name === "rapport_http_requests_total")
    .reduce((a, x) => a + x.value, 0);
  // (The metrics request itself is logged after it rendered the counters: one more line.)
  const after1 = await accessLogLines(total + 1);
  assert.equal(after1.length, total + 1, `${after1.length} lines for ${total + 1} requests`);
});

test("users list: limit=3 walks 7 users exactly once; q and role filter", async () => {
  const tag = `pager${Date.now().toString(36)}`;
  const roles = ["sales", "service", "sales", "analyst", "sales", "manager", "service"];
  const created = [];
  for (let i = 0; i < 7; i++) {
    const r = await s.request("POST", "/api/v1/users", {
      token: admin,
      json: { email: `${tag}.${i}@example.com`, name: `Paged ${tag} ${i}`, role: roles[i],
        password: "a long enough password" },
    });
    assert.equal(r.status, 201);
    created.push(r.body);
  }
  // A user that must not match q.
  await s.request("POST", "/api/v1/users", { token: admin,
    json: { email: "someone.else@example.com", name: "Someone Else", role: "sales",
      password: "a long enough password" } });

  async function walk(params) {
    const out = [];
    const pages = [];
    let cursor = null;
    do {
      const qs = new URLSearchParams({ ...params, limit: "3", ...(cursor ? { cursor } : {}) });
      const r = await s.request("GET", `/api/v1/users?${qs}`, { token: admin });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      pages.push(r.body.items.length);
      out.push(...r.body.items);
      cursor = r.body.next_cursor;
      assert.ok(pages.length < 20);
    } while (cursor);
    return { items: out, pages };
  }
  const byQ = await walk({ q: tag });
  assert.deepEqual(byQ.items.map((u) => u.id), created.map((u) => u.id));
  assert.deepEqual(byQ.pages, [3, 3, 1]);
  // The search looks in the email too, and ignores case.
  const byEmail = await walk({ q: `${tag}.4@EXAMPLE` });
  assert.deepEqual(byEmail.items.map((u) => u.id), [created[4].id]);

  const sales = await walk({ q: tag, role: "sales" });
  assert.deepEqual(sales.items.map((u) => u.id),
    created.filter((u) => u.role === "sales").map((u) => u.id));
  assert.ok(sales.items.every((u) => u.role === "sales"));

  // The whole list, page by page, holds every user once, in id order.
  const all = await walk({});
  const ids = all.items.map((u) => u.id);
  assert.equal(new Set(ids).size, ids.length);
  assert.deepEqual(ids, [...ids].sort((a, b) => a - b));
  const [{ n }] = s.sql("SELECT count(*) AS n FROM users");
  assert.equal(ids.length, n);

  // The disabled filter.
  const d = await s.request("PATCH", `/api/v1/users/${created[2].id}`,
    { token: admin, json: { disabled: true } });
  assert.equal(d.status, 200);
  const disabled = await walk({ q: tag, disabled: "true" });
  assert.deepEqual(disabled.items.map((u) => u.id), [created[2].id]);
  const active = await walk({ q: tag, disabled: "false" });
  assert.equal(active.items.length, 6);
  // Nothing matches: one empty page.
  const none = await walk({ q: `${tag}-nobody` });
  assert.deepEqual(none, { items: [], pages: [0] });
});

test("a search term with LIKE wildcards matches them literally", async () => {
  const r = await s.request("POST", "/api/v1/users", { token: admin,
    json: { email: "percent@example.com", name: "Sure 100% Under_score", role: "sales",
      password: "a long enough password" } });
  assert.equal(r.status, 201);
  for (const term of ["%", "100%", "_", "r_s", "\\"]) {
    const res = await s.request("GET", `/api/v1/users?${new URLSearchParams({ q: term })}`,
      { token: admin });
    assert.equal(res.status, 200);
    const t = term.toLowerCase();
    const want = s.sql("SELECT id, name, email FROM users ORDER BY id")
      .filter((u) => u.name.toLowerCase().includes(t) || u.email.toLowerCase().includes(t))
      .map((u) => u.id);
    assert.ok(want.length >= 1 || term === "\\");
    assert.deepEqual(res.body.items.map((u) => u.id), want, `q=${term}`);
  }
});
