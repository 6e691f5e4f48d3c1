// Customer service over HTTP: tickets with SLA due times in business time (the sunset rule in
// Asia/Shanghai), the status flow and reopen, replies and notes on the customer's timeline,
// queues and SLA policies, lists (mine, queue, breached, due soon), the scheduler's breaches and
// escalations through `rapport service sweep`, reports, and bad input refused naming the field
// with nothing written.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, sqlite, cli } from "./lib.mjs";

let s;
let admin;
let roles;  // role -> {id, token}
let customer;
let gone;   // a deleted customer
let product;
let order;
let queue;

const HOUR = 3600000;
const DAY = 24 * HOUR;

function counts() {
  const [row] = s.sql(
    "SELECT (SELECT count(*) FROM tickets) AS tickets, (SELECT count(*) FROM ticket_messages) AS " +
    "messages, (SELECT count(*) FROM ticket_queues) AS queues, (SELECT count(*) FROM " +
    "sla_policies) AS policies, (SELECT count(*) FROM interactions) AS timeline, (SELECT " +
    "count(*) FROM audit_log) AS audit, (SELECT count(*) FROM settings) AS settings");
  return row;
}

async function refused(method, path, json, { status, code, field, message }, token = admin) {
  const before = counts();
  const r = await s.request(method, path, { token, json });
  const what = `${method} ${path} -> ${r.status} ${JSON.stringify(r.body).slice(0, 400)}`;
  assert.equal(r.status, status, what);
  assert.equal(r.body.error.code, code, what);
  assert.equal(r.body.error.field, field, what);
  if (message) assert.match(r.body.error.message, message, what);
  assert.deepEqual(counts(), before, `${what}: the database changed`);
  return r;
}

async function created(path, json, token = admin) {
  const r = await s.request("POST", path, { token, json });
  assert.equal(r.status, 201, `${path}: ${JSON.stringify(r.body)}`);
  return r.body;
}

function insert(sql) {
  const r = sqlite(s.db, `${sql} RETURNING id`, { json: true });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout)[0].id;
}

async function ticket(json = {}, token = admin) {
  return created("/api/v1/tickets", { type: "inquiry", channel: "email", customer_id: customer,
    subject: "Where is my parcel?", ...json }, token);
}

async function setting(key, value) {
  const r = await s.request("PUT", `/api/v1/settings/${key}`, { token: admin, json: { value } });
  assert.equal(r.status, 200, JSON.stringify(r.body));
}

before(async () => {
  s = await startServer();
  admin = await s.signIn(s.adminEmail, s.adminPassword);
  roles = {};
  for (const role of ["manager", "sales", "service", "analyst"]) {
    roles[role] = await s.userWithRole(admin, role);
  }
  customer = insert("INSERT INTO customers (name, created_at, updated_at) VALUES ('Wang Fang', 0, 0)");
  gone = insert(
    "INSERT INTO customers (name, created_at, updated_at, deleted_at) VALUES ('Gone', 0, 0, 1)");
  product = await created("/api/v1/products",
    { sku: "KETTLE-1", name: "Kettle", price_minor: 2999, currency: "CNY" });
  order = await created("/api/v1/orders",
    { customer_id: customer, lines: [{ product_id: product.id, quantity: 1 }] });
  queue = await created("/api/v1/queues",
    { name: "Complaints", manager_id: roles.manager.id, description: "Unhappy customers" },
    roles.manager.token);
});
after(async () => { await s.stop(); });

test("a complaint is due by the sunset rule in the business time zone, stored in UTC", async () => {
  await setting("business_time_zone", "Asia/Shanghai");
  await setting("business_hours", "mon-sun 09:00-18:00");
  const t = await ticket({ type: "complaint", channel: "phone", priority: "normal",
    product_id: product.id, order_id: order.id, queue_id: queue.id, subject: "水壶漏水",
    description: "Leaks <script>alert(1)</script>" }, roles.service.token);
  assert.equal(t.status, "new");
  assert.equal(t.sla.first_response.rule, "sunset");
  assert.equal(t.sla.resolution.rule, "minutes");
  assert.equal(t.sla.resolution.minutes, 1440);
  assert.equal(t.description, "Leaks <script>alert(1)</script>");  // stored as text
  // Shanghai is UTC+8 all year: the close at 18:00 local is 10:00Z of the local date, or of the
  // next day after closing time.
  const created = Date.parse(t.created_at);
  const local = new Date(created + 8 * HOUR);
  let due = Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate(), 10);
  if (local.getUTCHours() >= 18) due += DAY;
  assert.equal(t.sla.first_response.due_at, new Date(due).toISOString());
  assert.equal(t.sla.sunset_due_at, new Date(due).toISOString());
  assert.equal(t.sla.next_due_at, t.sla.first_response.due_at);
  // 1440 business minutes of 9-hour days: never sooner than 24 hours.
  assert.ok(Date.parse(t.sla.resolution.due_at) >= created + 24 * HOUR);

  const got = await s.request("GET", `/api/v1/tickets/${t.id}`, { token: roles.sales.token });
  assert.equal(got.status, 200);
  assert.equal(got.headers.get("etag"), '"1"');
  const tl = await s.request("GET", `/api/v1/customers/${customer}/timeline`, { token: admin });
  const mine = tl.body.items.filter((e) => e.ref_type === "ticket" && e.ref_id === t.id);
  assert.deepEqual(mine.map((e) => e.kind), ["ticket_created"]);
  assert.equal(s.sql(`SELECT count(*) AS n FROM audit_log WHERE entity = 'ticket' AND entity_id = '${t.id}'`)[0].n, 1);
  await setting("business_time_zone", "UTC");
  await setting("business_hours", "mon-fri 09:00-18:00");
});

test("bad ids, values and settings are refused naming the field; nothing is written", async () => {
  const base = { type: "inquiry", channel: "email", customer_id: customer, subject: "Hi" };
  const P = "/api/v1/tickets";
  await refused("POST", P, { ...base, customer_id: 999999 },
    { status: 404, code: "not_found", field: "customer_id" });
  await refused("POST", P, { ...base, customer_id: gone },
    { status: 409, code: "conflict", field: "customer_id", message: /deleted/ });
  await refused("POST", P, { ...base, product_id: 999999 },
    { status: 404, code: "not_found", field: "product_id" });
  await refused("POST", P, { ...base, order_id: 999999 },
    { status: 404, code: "not_found", field: "order_id" });
  await refused("POST", P, { ...base, queue_id: 999999 },
    { status: 404, code: "not_found", field: "queue_id" });
  await refused("POST", P, { ...base, assignee_id: 999999 },
    { status: 404, code: "not_found", field: "assignee_id" });
  await refused("POST", P, { ...base, type: "praise" },
    { status: 400, code: "invalid_argument", field: "type" });
  await refused("POST", P, { ...base, priority: "asap" },
    { status: 400, code: "invalid_argument", field: "priority" });
  await refused("POST", P, { ...base, channel: "fax" },
    { status: 400, code: "invalid_argument", field: "channel" });
  await refused("POST", P, { type: "inquiry", channel: "email", subject: "Hi" },
    { status: 400, code: "invalid_argument", field: "customer_id" });
  await refused("POST", P, { ...base, colour: "red" },
    { status: 400, code: "invalid_argument", field: "colour" });
  await refused("POST", P, base, { status: 403, code: "forbidden", field: null }, roles.sales.token);
  await refused("GET", "/api/v1/tickets/999999", undefined,
    { status: 404, code: "not_found", field: "id" });
  await refused("POST", "/api/v1/tickets/999999/messages", { kind: "note", body: "x" },
    { status: 404, code: "not_found", field: "id" });
  // Settings: the time zone, the hours and the holidays name the setting.
  await refused("PUT", "/api/v1/settings/business_time_zone", { value: "Mars/Olympus" },
    { status: 400, code: "invalid_argument", field: "value", message: /business_time_zone/ });
  await refused("PUT", "/api/v1/settings/business_hours", { value: "mon-fri 9-17" },
    { status: 400, code: "invalid_argument", field: "value", message: /business_hours/ });
  await refused("PUT", "/api/v1/settings/business_hours", { value: "mon-fri 18:00-09:00" },
    { status: 400, code: "invalid_argument", field: "value", message: /business_hours/ });
  await refused("PUT", "/api/v1/settings/business_holidays", { value: "2026-02-30" },
    { status: 400, code: "invalid_argument", field: "value", message: /business_holidays/ });
  // Queues and policies.
  await refused("POST", "/api/v1/queues", { name: "complaints", manager_id: roles.manager.id },
    { status: 409, code: "conflict", field: "name" });
  await refused("POST", "/api/v1/queues", { name: "Other", manager_id: 999999 },
    { status: 404, code: "not_found", field: "manager_id" });
  await refused("POST", "/api/v1/queues", { name: "Other", manager_id: roles.manager.id },
    { status: 403, code: "forbidden", field: null }, roles.service.token);
  await refused("POST", "/api/v1/sla-policies", { ticket_type: "complaint", priority: "low",
    first_response: { rule: "sunset", minutes: null }, resolution: { rule: "minutes", minutes: 60 } },
  { status: 409, code: "conflict", field: "priority" });
  const [pol] = s.sql("SELECT id FROM sla_policies WHERE ticket_type = 'repair' AND priority = 'low'");
  await refused("PATCH", `/api/v1/sla-policies/${pol.id}`,
    { first_response: { rule: "sunset", minutes: 30 } },
    { status: 400, code: "invalid_argument", field: "first_response.minutes" });
  await refused("PATCH", `/api/v1/sla-policies/${pol.id}`,
    { resolution: { rule: "minutes", minutes: 0 } },
    { status: 400, code: "invalid_argument", field: "resolution.minutes" });
  await refused("PATCH", `/api/v1/sla-policies/${pol.id}`, { first_response: { rule: "dusk" } },
    { status: 400, code: "invalid_argument", field: "first_response.rule" });
  // Lists.
  for (const [q, field] of [["status=lost", "status"], ["sort=priority", "sort"],
    ["due_within=0", "due_within"], ["breached=maybe", "breached"], ["colour=red", "colour"],
    ["type=praise", "type"]]) {
    const r = await s.request("GET", `/api/v1/tickets?${q}`, { token: admin });
    assert.equal(r.status, 400, q);
    assert.equal(r.body.error.field, field, q);
  }
});

test("status flow: reopen counts, closed is final, invalid moves name from and to", async () => {
  const t = await ticket({ type: "repair", product_id: product.id });
  const move = (id, status, token = roles.service.token, headers = {}) =>
    s.request("POST", `/api/v1/tickets/${id}/status`, { token, json: { status }, headers });
  let r = await refused("POST", `/api/v1/tickets/${t.id}/status`, { status: "new" },
    { status: 409, code: "conflict", field: "status", message: /from 'new' to 'new'/ });
  r = await move(t.id, "resolved");
  assert.equal(r.status, 200);
  assert.ok(r.body.sla.resolution.met_at);
  r = await move(t.id, "open");
  assert.equal(r.body.reopen_count, 1);
  assert.equal(r.body.sla.resolution.met_at, null);
  r = await move(t.id, "closed", roles.service.token, { "If-Match": '"1"' });
  assert.equal(r.status, 409);
  assert.equal(r.body.error.field, "version");
  r = await move(t.id, "closed", roles.service.token, { "If-Match": '"3"' });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  await refused("POST", `/api/v1/tickets/${t.id}/status`, { status: "open" },
    { status: 409, code: "conflict", field: "status", message: /from 'closed' to 'open'/ });
  await refused("POST", `/api/v1/tickets/${t.id}/messages`, { kind: "reply", body: "Hello?" },
    { status: 409, code: "conflict", field: "status" });
  await refused("POST", `/api/v1/tickets/${t.id}/status`, { status: "lost" },
    { status: 400, code: "invalid_argument", field: "status" });
  const kinds = s.sql(`SELECT kind FROM interactions WHERE ref_type = 'ticket' AND ref_id = ${t.id} ORDER BY id`)
    .map((x) => x.kind);
  assert.deepEqual(kinds, ["ticket_created", "ticket_resolved", "ticket_reopened", "ticket_closed"]);
});

test("a reply meets the first response and is on the timeline; a note is internal", async () => {
  const t = await ticket({ priority: "urgent" });
  assert.equal(t.sla.first_response.minutes, 30);
  let r = await s.request("POST", `/api/v1/tickets/${t.id}/messages`,
    { token: roles.service.token, json: { kind: "note", body: "VIP, be quick" } });
  assert.equal(r.status, 201);
  r = await s.request("POST", `/api/v1/tickets/${t.id}/messages`,
    { token: roles.service.token, json: { kind: "reply", body: "It ships today." } });
  assert.equal(r.status, 201);
  const after = (await s.request("GET", `/api/v1/tickets/${t.id}`, { token: admin })).body;
  assert.equal(after.status, "open");
  assert.equal(after.sla.first_response.met_at, r.body.created_at);
  assert.equal(after.sla.next_due_at, after.sla.resolution.due_at);
  const msgs = await s.request("GET", `/api/v1/tickets/${t.id}/messages?limit=1`, { token: roles.sales.token });
  assert.equal(msgs.status, 200);
  assert.equal(msgs.body.items[0].kind, "note");
  const next = await s.request("GET",
    `/api/v1/tickets/${t.id}/messages?limit=1&cursor=${msgs.body.next_cursor}`, { token: admin });
  assert.equal(next.body.items[0].body, "It ships today.");
  const tl = s.sql(`SELECT kind, direction, body FROM interactions WHERE ref_type = 'ticket' AND ref_id = ${t.id} ORDER BY id`);
  assert.deepEqual(tl.map((e) => e.kind), ["ticket_created", "ticket_replied"]);
  assert.equal(tl[1].direction, "outbound");
  assert.equal(tl[1].body, "It ships today.");
});

test("the sweep marks breaches once, escalates to the queue manager, skips waiting tickets",
  async () => {
    const late = await ticket({ priority: "urgent", queue_id: queue.id, subject: "Late" });
    const paused = await ticket({ priority: "urgent", queue_id: queue.id, subject: "Paused" });
    let r = await s.request("POST", `/api/v1/tickets/${paused.id}/status`,
      { token: roles.service.token, json: { status: "waiting" } });
    assert.equal(r.status, 200);
    assert.ok(r.body.sla.paused_at);
    assert.equal(r.body.sla.next_due_at, null);
    // A minute after its due time (30 business minutes) the urgent inquiry is late.
    const at = new Date(Date.parse(late.sla.first_response.due_at) + 60000).toISOString();
    const sweep = cli(["service", "sweep", "--db", s.db, "--at", at]);
    assert.equal(sweep.status, 0, sweep.stderr);
    assert.match(sweep.stdout, /[1-9]\d* first-response/);
    const again = cli(["service", "sweep", "--db", s.db, "--at", at]);
    assert.match(again.stdout, / 0 first-response and 0 resolution breaches/);
    const got = (await s.request("GET", `/api/v1/tickets/${late.id}`, { token: admin })).body;
    assert.equal(got.sla.first_response.breached_at, late.sla.first_response.due_at);
    assert.equal(got.sla.breached, true);
    const notes = s.sql(`SELECT user_id, kind FROM notifications WHERE ref_type = 'ticket' AND ref_id = ${late.id}`);
    assert.deepEqual(notes, [{ user_id: roles.manager.id, kind: "sla_breach" }]);
    const inbox = await s.request("GET", "/api/v1/notifications", { token: roles.manager.token });
    assert.ok(inbox.body.items.some((n) => n.ref_type === "ticket" && n.ref_id === late.id &&
      n.kind === "sla_breach"), JSON.stringify(inbox.body));
    const others = await s.request("GET", "/api/v1/notifications", { token: roles.sales.token });
    assert.deepEqual(others.body.items, []);
    assert.equal(s.sql(`SELECT count(*) AS n FROM interactions WHERE kind = 'ticket_escalated' AND ref_id = ${late.id}`)[0].n, 1);
    assert.equal(s.sql(`SELECT count(*) AS n FROM notifications WHERE ref_id = ${paused.id}`)[0].n, 0);
    const breached = await s.request("GET", `/api/v1/tickets?breached=true&queue=${queue.id}`,
      { token: roles.manager.token });
    const breachedIds = breached.body.items.map((x) => x.id);
    assert.ok(breachedIds.includes(late.id), JSON.stringify(breachedIds));
    assert.ok(!breachedIds.includes(paused.id));
    // Back from waiting: the clock runs again (due later than before it stopped).
    r = await s.request("POST", `/api/v1/tickets/${paused.id}/status`,
      { token: roles.service.token, json: { status: "open" } });
    assert.ok(Date.parse(r.body.sla.first_response.due_at) >= Date.parse(paused.sla.first_response.due_at));
    assert.equal(r.body.sla.next_due_at, r.body.sla.first_response.due_at);
    const bad = cli(["service", "sweep", "--db", s.db, "--at", "yesterday"]);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /--at/);
    const missing = cli(["service", "sweep", "--db", `${s.dir}/no-such.db`]);
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /--db: no such database file/);
  });

test("lists: mine, queue, status, due soon, sorted by due time, cursor pages", async () => {
  const agent = roles.service;
  const ids = [];
  for (let i = 0; i < 5; i++) {
    ids.push((await ticket({ assignee_id: agent.id, priority: i % 2 ? "urgent" : "low",
      subject: `List ${i}` })).id);
  }
  const mine = await s.request("GET", "/api/v1/tickets?mine=true&limit=2", { token: agent.token });
  assert.equal(mine.status, 200);
  const seen = [...mine.body.items.map((x) => x.id)];
  let cursor = mine.body.next_cursor;
  while (cursor) {
    const r = await s.request("GET", `/api/v1/tickets?mine=true&limit=2&cursor=${cursor}`,
      { token: agent.token });
    seen.push(...r.body.items.map((x) => x.id));
    cursor = r.body.next_cursor;
  }
  assert.deepEqual(seen, [...ids].reverse());
  // Urgent inquiries answer within 30 business minutes, low ones within 480.
  const soon = await s.request("GET", `/api/v1/tickets?assignee=${agent.id}&due_within=60&sort=due`,
    { token: admin });
  // Outside business hours nothing is due within the hour; inside, the two urgent ones are.
  for (const t of soon.body.items) assert.equal(t.priority, "urgent");
  const byDue = await s.request("GET", `/api/v1/tickets?assignee=${agent.id}&sort=due`, { token: admin });
  const dues = byDue.body.items.map((x) => Date.parse(x.sla.next_due_at ?? "9999-01-01T00:00:00Z"));
  assert.deepEqual(dues, [...dues].sort((a, b) => a - b));
  const urgent = await s.request("GET", `/api/v1/tickets?assignee=${agent.id}&priority=urgent&status=new`,
    { token: admin });
  assert.equal(urgent.body.items.length, 2);
  const byCustomer = await s.request("GET", `/api/v1/tickets?customer=${customer}&type=inquiry&limit=500`,
    { token: admin });
  assert.ok(byCustomer.body.items.length >= 5);
  const forbidden = await s.request("GET", "/api/v1/tickets", { token: roles.analyst.token });
  assert.equal(forbidden.status, 403);
});

test("PATCH edits with If-Match; a new priority applies its policy from arrival", async () => {
  const t = await ticket({ priority: "low" });
  let r = await s.request("PATCH", `/api/v1/tickets/${t.id}`, { token: roles.service.token,
    json: { priority: "urgent", assignee_id: roles.service.id, queue_id: queue.id },
    headers: { "If-Match": '"1"' } });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.headers.get("etag"), '"2"');
  assert.equal(r.body.sla.first_response.minutes, 30);
  assert.ok(Date.parse(r.body.sla.first_response.due_at) < Date.parse(t.sla.first_response.due_at));
  await refused("PATCH", `/api/v1/tickets/${t.id}`, { subject: "x", version: 1 },
    { status: 409, code: "conflict", field: "version" });
  await refused("PATCH", `/api/v1/tickets/${t.id}`, { assignee_id: 999999 },
    { status: 404, code: "not_found", field: "assignee_id" });
  await refused("PATCH", `/api/v1/tickets/${t.id}`, { status: "closed" },
    { status: 400, code: "invalid_argument", field: "status" });
  r = await s.request("PATCH", `/api/v1/tickets/${t.id}`, { token: admin, json: { queue_id: null } });
  assert.equal(r.body.queue_id, null);
});

test("queues and SLA policies: CRUD by managers, a changed policy applies to new tickets",
  async () => {
    const m = roles.manager.token;
    const q = await created("/api/v1/queues", { name: "Repairs", manager_id: roles.manager.id }, m);
    let r = await s.request("PATCH", `/api/v1/queues/${q.id}`,
      { token: m, json: { name: "Repairs and returns", description: null } });
    assert.equal(r.status, 200);
    assert.equal(r.body.name, "Repairs and returns");
    const list = await s.request("GET", "/api/v1/queues", { token: roles.sales.token });
    assert.ok(list.body.items.some((x) => x.id === q.id));
    await ticket({ queue_id: q.id });
    await refused("DELETE", `/api/v1/queues/${q.id}`, undefined,
      { status: 409, code: "conflict", field: "id" }, m);
    const empty = await created("/api/v1/queues", { name: "Empty", manager_id: roles.manager.id }, m);
    r = await s.request("DELETE", `/api/v1/queues/${empty.id}`, { token: m });
    assert.equal(r.status, 204);

    const pols = await s.request("GET", "/api/v1/sla-policies", { token: roles.service.token });
    assert.equal(pols.body.items.length, 16);
    const complaint = pols.body.items.find((p) => p.ticket_type === "complaint" && p.priority === "normal");
    assert.deepEqual(complaint.first_response, { rule: "sunset", minutes: null });
    const inquiry = pols.body.items.find((p) => p.ticket_type === "inquiry" && p.priority === "normal");
    r = await s.request("PATCH", `/api/v1/sla-policies/${inquiry.id}`,
      { token: m, json: { first_response: { rule: "sunset" }, version: inquiry.version } });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const t = await ticket({ priority: "normal" });
    assert.equal(t.sla.first_response.rule, "sunset");
    r = await s.request("DELETE", `/api/v1/sla-policies/${inquiry.id}`, { token: m });
    assert.equal(r.status, 204);
    const none = await ticket({ priority: "normal" });
    assert.equal(none.sla.first_response.rule, null);
    assert.equal(none.sla.next_due_at, null);
    const again = await created("/api/v1/sla-policies", { ticket_type: "inquiry", priority: "normal",
      first_response: { rule: "minutes", minutes: 240 }, resolution: { rule: "minutes", minutes: 2400 },
      pause_while_waiting: true }, m);
    assert.equal(again.first_response.minutes, 240);
  });

test("reports: by type and agent with medians, sunset share and reopen rate; analysts read them",
  async () => {
    const r = await s.request("GET", "/api/v1/tickets/reports?group_by=type", { token: roles.analyst.token });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const total = r.body.groups.reduce((n, g) => n + g.tickets, 0);
    assert.equal(total, r.body.total.tickets);
    assert.equal(r.body.total.tickets, s.sql("SELECT count(*) AS n FROM tickets")[0].n);
    const repair = r.body.groups.find((g) => g.key === "repair");
    assert.equal(repair.reopened, 1);
    const answered = s.sql("SELECT count(*) AS n FROM tickets WHERE first_response_at IS NOT NULL")[0].n;
    assert.equal(r.body.total.first_response.count, answered);
    assert.ok(r.body.total.first_response.median_minutes >= 0);
    for (const g of ["agent", "product", "category", "channel", "queue", "priority"]) {
      const x = await s.request("GET", `/api/v1/tickets/reports?group_by=${g}&from=2020-01-01`, { token: admin });
      assert.equal(x.status, 200, g);
      assert.equal(x.body.total.tickets, r.body.total.tickets, g);
    }
    const sales = await s.request("GET", "/api/v1/tickets/reports", { token: roles.sales.token });
    assert.equal(sales.status, 403);
    const bad = await s.request("GET", "/api/v1/tickets/reports?from=2026-01-02&to=2026-01-01", { token: admin });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.field, "to");
  });

test("the server's scheduler thread finds a breach within its period", async () => {
  const t = await ticket({ priority: "urgent", queue_id: queue.id, subject: "Scheduler" });
  // Its first response fell due a second ago (moved back in the row: the test cannot wait).
  const past = Date.now() - 1000;
  assert.equal(sqlite(s.db, `UPDATE tickets SET first_response_due = ${past}, sla_next_check = ` +
    `${past} WHERE id = ${t.id}`).status, 0);
  const other = await startServer({ db: s.db, extraArgs: ["--sweep-interval", "1"] });
  try {
    const deadline = Date.now() + 10000;
    let got;
    for (;;) {
      got = (await other.request("GET", `/api/v1/tickets/${t.id}`, { token: admin })).body;
      if (got.sla.breached || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.equal(got.sla.breached, true);
    assert.equal(got.sla.first_response.breached_at, new Date(past).toISOString());
    assert.equal(s.sql(`SELECT count(*) AS n FROM notifications WHERE ref_id = ${t.id}`)[0].n, 1);
  } finally {
    await other.stop();
  }
});
