// GET /api/v1/dashboard: live customers, loyalty members (all, active in 30 days), net revenue of the last 30 days against the 30 before
// (orders less refunds, business currency only), 12 months of revenue, open and breached tickets
// (null for a role that may not read tickets).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer } from "./lib.mjs";

const DAY = 86400000;
let s;
let admin;
let analyst;

async function post(path, json) {
  const r = await s.request("POST", path, { token: admin, json });
  assert.ok(r.status === 201 || r.status === 200, `${path}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

before(async () => {
  s = await startServer();
  admin = await s.signIn(s.adminEmail, s.adminPassword);
  analyst = (await s.userWithRole(admin, "analyst")).token;
});
after(async () => { await s.stop(); });

test("an empty store has zeros, twelve months ending with the current one", async () => {
  const r = await s.request("GET", "/api/v1/dashboard", { token: admin });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.customers, 0);
  assert.deepEqual(r.body.members, { total: 0, active_30_days: 0 });
  assert.equal(r.body.currency, "USD");
  assert.deepEqual(r.body.revenue, { last_30_days_minor: 0, previous_30_days_minor: 0,
    orders_last_30_days: 0, orders_previous_30_days: 0 });
  assert.equal(r.body.revenue_by_month.length, 12);
  assert.equal(r.body.revenue_by_month.at(-1).month, new Date().toISOString().slice(0, 7));
  assert.ok(r.body.revenue_by_month.every((m) => m.revenue_minor === 0 && m.orders === 0));
  assert.deepEqual(r.body.tickets, { open: 0, breached: 0 });
});

test("revenue nets refunds, windows are 30 days, months add up, tickets are counted", async () => {
  const tea = await post("/api/v1/products", { sku: "DASH-TEA", name: "Tea", price_minor: 1000, currency: "USD" });
  const alice = await post("/api/v1/customers", { name: "Alice" });
  const bob = await post("/api/v1/customers", { name: "Bob" });
  const gone = await post("/api/v1/customers", { name: "Gone" });
  const del = await s.request("DELETE", `/api/v1/customers/${gone.id}`,
    { token: admin, headers: { "If-Match": `"${gone.version}"` } });
  assert.equal(del.status, 200, JSON.stringify(del.body));
  const at = (daysAgo) => new Date(Date.now() - daysAgo * DAY).toISOString();
  const orders = [
    await post("/api/v1/orders", { customer_id: alice.id, placed_at: at(5), lines: [{ product_id: tea.id, quantity: 1 }] }),
    await post("/api/v1/orders", { customer_id: bob.id, placed_at: at(10), lines: [{ product_id: tea.id, quantity: 2 }] }),
    await post("/api/v1/orders", { customer_id: bob.id, placed_at: at(40), lines: [{ product_id: tea.id, quantity: 3 }] }),
    await post("/api/v1/orders", { customer_id: bob.id, placed_at: at(200), lines: [{ product_id: tea.id, quantity: 4 }] }),
  ];
  // One tea of the second order comes back today: 1000 off the last 30 days.
  await post(`/api/v1/orders/${orders[1].id}/returns`, { lines: [{ order_line_id: orders[1].lines[0].id, quantity: 1 }] });
  await post("/api/v1/tickets", { type: "complaint", channel: "phone", customer_id: alice.id, subject: "Cold tea" });

  const r = await s.request("GET", "/api/v1/dashboard", { token: admin });
  assert.equal(r.status, 200);
  assert.equal(r.body.customers, 2);
  assert.deepEqual(r.body.revenue, { last_30_days_minor: 1000 + 2000 - 1000, previous_30_days_minor: 3000,
    orders_last_30_days: 2, orders_previous_30_days: 1 });
  // Each order in the month it was placed, the refund in the month it was made.
  const expected = new Map();
  for (const o of orders) {
    const m = o.placed_at.slice(0, 7);
    expected.set(m, (expected.get(m) ?? 0) + o.total_minor);
  }
  const now = new Date().toISOString().slice(0, 7);
  expected.set(now, (expected.get(now) ?? 0) - 1000);
  for (const m of r.body.revenue_by_month) {
    assert.equal(m.revenue_minor, expected.get(m.month) ?? 0, m.month);
  }
  assert.equal(r.body.revenue_by_month.reduce((a, m) => a + m.orders, 0), 4);
  assert.deepEqual(r.body.tickets, { open: 1, breached: 0 });

  // An analyst sees the figures but not the tickets.
  const a = await s.request("GET", "/api/v1/dashboard", { token: analyst });
  assert.equal(a.status, 200);
  assert.equal(a.body.tickets, null);
  assert.deepEqual(a.body.revenue, r.body.revenue);
});

test("members: the live loyalty members, and those of them with a sale in the last 30 days", async () => {
  const tea = await post("/api/v1/products", { sku: "DASH-MEMBER-TEA", name: "Member tea", price_minor: 500, currency: "EUR" });
  const at = (daysAgo) => new Date(Date.now() - daysAgo * DAY).toISOString();
  const before = (await s.request("GET", "/api/v1/dashboard", { token: admin })).body.members;
  // Fay bought 3 days ago (in another currency: still active), Gus 40 days ago, Hal never; Ivy
  // bought and was deleted since; Jon bought but is no member.
  const people = {};
  for (const name of ["Fay", "Gus", "Hal", "Ivy", "Jon"]) people[name] = await post("/api/v1/customers", { name });
  for (const name of ["Fay", "Gus", "Hal", "Ivy"]) await post("/api/v1/loyalty/members", { customer_id: people[name].id });
  for (const [name, days] of [["Fay", 3], ["Fay", 4], ["Gus", 40], ["Ivy", 2], ["Jon", 1]]) {
    await post("/api/v1/orders", { customer_id: people[name].id, placed_at: at(days), lines: [{ product_id: tea.id, quantity: 1 }] });
  }
  const ivy = (await s.request("GET", `/api/v1/customers/${people.Ivy.id}`, { token: admin })).body;
  const del = await s.request("DELETE", `/api/v1/customers/${ivy.id}`, { token: admin, headers: { "If-Match": `"${ivy.version}"` } });
  assert.equal(del.status, 200, JSON.stringify(del.body));
  const r = await s.request("GET", "/api/v1/dashboard", { token: admin });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.deepEqual(r.body.members, { total: before.total + 3, active_30_days: before.active_30_days + 1 });
});

test("unknown parameters are refused and the dashboard needs a sign-in", async () => {
  const bad = await s.request("GET", "/api/v1/dashboard?days=7", { token: admin });
  assert.equal(bad.status, 400);
  assert.equal(bad.body.error.field, "days");
  assert.equal((await s.request("GET", "/api/v1/dashboard")).status, 401);
});
