// Products, categories, orders and returns over HTTP: what a till, a web shop or a back office
// sees, the bad input each refuses (naming the field, writing nothing), returns limited to what
// is left even under concurrent requests, and the return window with its deadline.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, sqlite } from "./lib.mjs";

let s;
let admin;
let roles;  // role -> {token}
let tea;
let cup;
let pot;
let croissant;
let customer;

const DAY = 86400000;

// Counts of everything an order or a return writes.
function counts() {
  const [row] = s.sql(
    "SELECT (SELECT count(*) FROM orders) AS orders, (SELECT count(*) FROM order_lines) AS lines, " +
    "(SELECT count(*) FROM returns) AS returns, (SELECT count(*) FROM return_lines) AS rlines, " +
    "(SELECT count(*) FROM products) AS products, (SELECT count(*) FROM categories) AS cats, " +
    "(SELECT count(*) FROM interactions) AS timeline, (SELECT count(*) FROM audit_log) AS audit, " +
    "(SELECT count(*) FROM settings) AS settings");
  return row;
}

async function post(path, json, token = admin) {
  return s.request("POST", path, { token, json });
}

// Sends a request that must be refused: checks status, code and field, and that nothing changed.
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

function addCustomer(name) {
  const r = sqlite(s.db,
    `INSERT INTO customers (name, created_at, updated_at) VALUES ('${name}', 0, 0) RETURNING id`,
    { json: true });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout)[0].id;
}

async function product(json) {
  const r = await post("/api/v1/products", json);
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body;
}

before(async () => {
  s = await startServer();
  admin = await s.signIn(s.adminEmail, s.adminPassword);
  roles = {};
  for (const role of ["manager", "sales", "service", "analyst"]) {
    roles[role] = await s.userWithRole(admin, role);
  }
  tea = await product({ sku: "TEA-1", name: "Green tea", price_minor: 450, currency: "USD" });
  cup = await product({ sku: "CUP-1", name: "Cup", price_minor: 1200, currency: "USD" });
  pot = await product({ sku: "POT/1 large", name: "Teapot", price_minor: 3999, currency: "USD" });
  croissant = await product({ sku: "CRO-1", name: "Croissant", price_minor: 150, currency: "EUR" });
  customer = addCustomer("Ann Lee");
});
after(async () => { await s.stop(); });

test("categories form a tree shown by path; products filter by a category and everything below",
  async () => {
    const food = (await post("/api/v1/categories", { name: "Food" })).body;
    const drinks = (await post("/api/v1/categories", { name: "Tea", parent_id: food.id })).body;
    assert.equal(drinks.path, "Food > Tea");
    const green = (await post("/api/v1/categories", { name: "Green", parent_id: drinks.id })).body;
    assert.equal(green.path, "Food > Tea > Green");
    const sencha = await product(
      { sku: "SEN-1", name: "Sencha", price_minor: 800, currency: "USD", category_id: green.id });
    assert.equal(sencha.category_path, "Food > Tea > Green");
    await product({ sku: "BRD-1", name: "Bread", price_minor: 300, currency: "USD",
      category_id: food.id });

    const under = await s.request("GET", `/api/v1/products?category_id=${drinks.id}`,
      { token: roles.analyst.token });
    assert.equal(under.status, 200);
    assert.deepEqual(under.body.items.map((p) => p.sku), ["SEN-1"]);
    const all = await s.request("GET", `/api/v1/products?category_id=${food.id}&sort=sku`,
      { token: admin });
    assert.deepEqual(all.body.items.map((p) => p.sku), ["BRD-1", "SEN-1"]);

    const renamed = await s.request("PATCH", `/api/v1/categories/${drinks.id}`,
      { token: admin, json: { name: "Teas" } });
    assert.equal(renamed.status, 200);
    const got = await s.request("GET", `/api/v1/categories/${green.id}`, { token: admin });
    assert.equal(got.body.path, "Food > Teas > Green");
    const children = await s.request("GET", `/api/v1/categories?parent_id=${food.id}`,
      { token: admin });
    assert.deepEqual(children.body.items.map((c) => c.name), ["Teas"]);

    await refused("POST", "/api/v1/categories", { name: "Teas", parent_id: food.id },
      { status: 409, code: "conflict", field: "name" });
    await refused("POST", "/api/v1/categories", { name: "A > B" },
      { status: 400, code: "invalid_argument", field: "name" });
    await refused("POST", "/api/v1/categories", { name: "X", parent_id: 999999 },
      { status: 404, code: "not_found", field: "parent_id" });
  });

test("products: get by id and by SKU, search by prefix, versioned updates, soft delete", async () => {
  const bySku = await s.request("GET", `/api/v1/products/by-sku/${encodeURIComponent(pot.sku)}`,
    { token: admin });
  assert.equal(bySku.status, 200, JSON.stringify(bySku.body));
  assert.equal(bySku.body.id, pot.id);
  const search = await s.request("GET", "/api/v1/products?q=te&sort=name", { token: admin });
  assert.deepEqual(search.body.items.map((p) => p.sku), ["TEA-1", "POT/1 large"]);

  const extra = await product({ sku: "TMP-1", name: "Temporary", price_minor: 10, currency: "USD" });
  const changed = await s.request("PATCH", `/api/v1/products/${extra.id}`,
    { token: admin, json: { price_minor: 20 }, headers: { "If-Match": `"${extra.version}"` } });
  assert.equal(changed.status, 200);
  assert.equal(changed.headers.get("etag"), `"${extra.version + 1}"`);
  await refused("PATCH", `/api/v1/products/${extra.id}`, { price_minor: 30, version: extra.version },
    { status: 409, code: "conflict", field: "version" });
  await refused("PATCH", `/api/v1/products/${extra.id}`, { sku: "TEA-1" },
    { status: 409, code: "conflict", field: "sku" });
  await refused("POST", "/api/v1/products",
    { sku: "NEW-1", name: "New", price_minor: 1, currency: "usd" },
    { status: 400, code: "invalid_argument", field: "currency" });
  await refused("POST", "/api/v1/products",
    { sku: "NEW-1", name: "New", price_minor: 9007199254740992, currency: "USD" },
    { status: 400, code: "invalid_argument", field: "price_minor" });

  const del = await s.request("DELETE", `/api/v1/products/${extra.id}`, { token: admin });
  assert.equal(del.status, 200);
  assert.ok(del.body.deleted_at);
  const live = await s.request("GET", "/api/v1/products?q=tmp", { token: admin });
  assert.equal(live.body.items.length, 0);
  const deleted = await s.request("GET", "/api/v1/products?q=tmp&deleted=true", { token: admin });
  assert.equal(deleted.body.items.length, 1);
  await refused("POST", "/api/v1/orders", { lines: [{ product_id: extra.id, quantity: 1 }] },
    { status: 409, code: "conflict", field: "lines[0].product_id", message: /deleted/ });
  const back = await s.request("POST", `/api/v1/products/${extra.id}/restore`, { token: admin });
  assert.equal(back.status, 200);
  assert.equal(back.body.deleted_at, null);
});

test("an order with three lines: amounts computed by the server, timeline and audit entries",
  async () => {
    const before = counts();
    const r = await post("/api/v1/orders", {
      customer_id: customer, channel: "store", location: "Main St",
      lines: [
        { product_id: tea.id, quantity: 3 },
        { sku: "CUP-1", quantity: 2, discount_minor: 400 },
        { sku: pot.sku, quantity: 1, unit_price_minor: 3500 },
      ],
    }, roles.sales.token);
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.equal(r.headers.get("location"), `/api/v1/orders/${r.body.id}`);
    assert.equal(r.body.currency, "USD");
    assert.equal(r.body.subtotal_minor, 1350 + 2400 + 3500);
    assert.equal(r.body.discount_minor, 400);
    assert.equal(r.body.total_minor, 1350 + 2000 + 3500);
    assert.deepEqual(r.body.lines.map((l) => l.total_minor), [1350, 2000, 3500]);
    assert.equal(r.body.customer_id, customer);
    assert.equal(r.body.user_id, roles.sales.id);

    const got = await s.request("GET", `/api/v1/orders/${r.body.id}`, { token: roles.analyst.token });
    assert.equal(got.status, 200);
    assert.deepEqual(got.body.lines.map((l) => [l.sku, l.quantity, l.returned_quantity]),
      [["TEA-1", 3, 0], ["CUP-1", 2, 0], [pot.sku, 1, 0]]);
    const after = counts();
    assert.equal(after.orders, before.orders + 1);
    assert.equal(after.lines, before.lines + 3);
    assert.equal(after.timeline, before.timeline + 1);
    assert.equal(after.audit, before.audit + 1);
    const [entry] = s.sql(`SELECT kind, channel, ref_type, ref_id, subject FROM interactions
      WHERE ref_type = 'order' AND ref_id = ${r.body.id}`);
    assert.equal(entry.kind, "order_placed");
    assert.equal(entry.channel, "store");
    assert.match(entry.subject, /68\.50 USD/);

    // An anonymous basket: no customer, no timeline entry.
    const anon = await post("/api/v1/orders", { lines: [{ sku: "TEA-1", quantity: 1 }] },
      roles.service.token);
    assert.equal(anon.status, 201);
    assert.equal(anon.body.customer_id, null);
    assert.equal(counts().timeline, after.timeline);
  });

test("bad orders are refused naming the field, and nothing is written", async () => {
  const inv = (field, message) => ({ status: 400, code: "invalid_argument", field, message });
  const line = (extra) => ({ lines: [{ product_id: tea.id, quantity: 1 }, extra] });
  await refused("POST", "/api/v1/orders", line({ product_id: 999999, quantity: 1 }),
    { status: 404, code: "not_found", field: "lines[1].product_id" });
  await refused("POST", "/api/v1/orders", line({ sku: "NO-SUCH", quantity: 1 }),
    { status: 404, code: "not_found", field: "lines[1].sku", message: /NO-SUCH/ });
  await refused("POST", "/api/v1/orders", line({ product_id: cup.id, quantity: 0 }),
    inv("lines[1].quantity"));
  await refused("POST", "/api/v1/orders", line({ product_id: cup.id, quantity: -2 }),
    inv("lines[1].quantity"));
  await refused("POST", "/api/v1/orders", line({ product_id: cup.id, quantity: 1.5 }),
    inv("lines[1].quantity"));
  await refused("POST", "/api/v1/orders", line({ product_id: croissant.id, quantity: 1 }),
    inv("lines[1].product_id", /EUR.*one currency/));
  await refused("POST", "/api/v1/orders", line({ product_id: cup.id, sku: "CUP-1", quantity: 1 }),
    inv("lines[1].product_id"));
  await refused("POST", "/api/v1/orders", line({ product_id: cup.id, quantity: 1, discount_minor: 1201 }),
    inv("lines[1].discount_minor"));
  await refused("POST", "/api/v1/orders", line({ product_id: cup.id, quantity: 1, colour: "red" }),
    inv("lines[1].colour"));
  await refused("POST", "/api/v1/orders",
    line({ product_id: cup.id, quantity: 1000000, unit_price_minor: 9007199254740991 }),
    inv("lines[1].quantity", /largest supported amount/));
  const many = Array.from({ length: 501 }, () => ({ product_id: tea.id, quantity: 1 }));
  await refused("POST", "/api/v1/orders", { lines: many }, inv("lines", /at most 500/));
  await refused("POST", "/api/v1/orders", { lines: [] }, inv("lines"));
  await refused("POST", "/api/v1/orders", {}, inv("lines"));
  await refused("POST", "/api/v1/orders", { lines: "tea" }, inv("lines"));
  await refused("POST", "/api/v1/orders", { channel: "fax", lines: [{ product_id: tea.id, quantity: 1 }] },
    inv("channel"));
  await refused("POST", "/api/v1/orders", { placed_at: "yesterday", lines: [{ product_id: tea.id, quantity: 1 }] },
    inv("placed_at"));
  await refused("POST", "/api/v1/orders",
    { placed_at: new Date(Date.now() + 3 * DAY).toISOString(), lines: [{ product_id: tea.id, quantity: 1 }] },
    inv("placed_at", /future/));
  await refused("POST", "/api/v1/orders", { customer_id: 999999, lines: [{ product_id: tea.id, quantity: 1 }] },
    { status: 404, code: "not_found", field: "customer_id" });
});

test("roles without the permission get 403 and write nothing", async () => {
  const forbidden = { status: 403, code: "forbidden", field: null };
  await refused("POST", "/api/v1/orders", { lines: [{ product_id: tea.id, quantity: 1 }] },
    forbidden, roles.analyst.token);
  await refused("POST", "/api/v1/products", { sku: "S-1", name: "S", price_minor: 1, currency: "USD" },
    forbidden, roles.sales.token);
  await refused("POST", "/api/v1/categories", { name: "Nope" }, forbidden, roles.service.token);
  await refused("POST", "/api/v1/orders/bulk", { items: [{ lines: [{ product_id: tea.id, quantity: 1 }] }] },
    forbidden, roles.sales.token);
  await refused("PUT", "/api/v1/settings/return_window_days", { value: 5 }, forbidden,
    roles.manager.token);
  const order = (await post("/api/v1/orders", { lines: [{ product_id: tea.id, quantity: 2 }] })).body;
  await refused("POST", `/api/v1/orders/${order.id}/returns`,
    { lines: [{ order_line_id: order.lines[0].id, quantity: 1 }] }, forbidden, roles.analyst.token);
});

test("returns: at most what is left of each line, refunds sum exactly to the line's total",
  async () => {
    const order = (await post("/api/v1/orders", { customer_id: customer, lines: [
      { product_id: tea.id, quantity: 3, discount_minor: 350 },  // 1000 for 3
      { product_id: cup.id, quantity: 1 },
    ] })).body;
    const [teaLine, cupLine] = order.lines;
    const r1 = await post(`/api/v1/orders/${order.id}/returns`,
      { reason: "too bitter", lines: [{ order_line_id: teaLine.id, quantity: 1 }] }, roles.service.token);
    assert.equal(r1.status, 201, JSON.stringify(r1.body));
    assert.equal(r1.headers.get("location"), `/api/v1/returns/${r1.body.id}`);
    assert.equal(r1.body.refund_minor, 333);
    assert.equal(r1.body.customer_id, customer);
    await refused("POST", `/api/v1/orders/${order.id}/returns`,
      { lines: [{ order_line_id: teaLine.id, quantity: 3 }] },
      { status: 409, code: "conflict", field: "lines[0].quantity", message: /only 2 of the 3/ });
    await refused("POST", `/api/v1/orders/${order.id}/returns`,
      { lines: [{ order_line_id: 999999, quantity: 1 }] },
      { status: 404, code: "not_found", field: "lines[0].order_line_id" });
    await refused("POST", `/api/v1/orders/${order.id}/returns`,
      { lines: [{ order_line_id: teaLine.id, quantity: 0 }] },
      { status: 400, code: "invalid_argument", field: "lines[0].quantity" });
    await refused("POST", `/api/v1/orders/${order.id}/returns`,
      { lines: [{ order_line_id: cupLine.id, quantity: 1 }, { order_line_id: cupLine.id, quantity: 1 }] },
      { status: 400, code: "invalid_argument", field: "lines[1].order_line_id" });
    await refused("POST", `/api/v1/orders/${order.id}/returns`, { lines: [] },
      { status: 400, code: "invalid_argument", field: "lines" });
    const r2 = await post(`/api/v1/orders/${order.id}/returns`, { lines: [
      { order_line_id: teaLine.id, quantity: 2 }, { order_line_id: cupLine.id, quantity: 1 }] });
    assert.equal(r2.status, 201);
    assert.deepEqual(r2.body.lines.map((l) => l.refund_minor), [667, 1200]);
    assert.equal(r1.body.refund_minor + r2.body.lines[0].refund_minor, 1000);

    const got = await s.request("GET", `/api/v1/orders/${order.id}`, { token: admin });
    assert.deepEqual(got.body.lines.map((l) => l.returned_quantity), [3, 1]);
    assert.equal(got.body.refunded_minor, got.body.total_minor);
    const list = await s.request("GET", `/api/v1/orders/${order.id}/returns`, { token: admin });
    assert.deepEqual(list.body.items.map((x) => x.id), [r1.body.id, r2.body.id]);
    const one = await s.request("GET", `/api/v1/returns/${r2.body.id}`, { token: admin });
    assert.equal(one.body.refund_minor, 1867);
    const timeline = s.sql(`SELECT count(*) AS n FROM interactions WHERE kind = 'return_made'
      AND customer_id = ${customer}`);
    assert.equal(timeline[0].n, 2);
  });

test("a customer's returns: newest first with their lines, a page at a time", async () => {
  const buyer = addCustomer("Cy Returns");
  const order = (await post("/api/v1/orders", { customer_id: buyer, lines: [
    { product_id: tea.id, quantity: 2 }, { product_id: pot.id, quantity: 1 }] })).body;
  const [teaLine, potLine] = order.lines;
  const first = await post(`/api/v1/orders/${order.id}/returns`,
    { reason: "stale", lines: [{ order_line_id: teaLine.id, quantity: 1 }] });
  assert.equal(first.status, 201, JSON.stringify(first.body));
  const second = await post(`/api/v1/orders/${order.id}/returns`,
    { lines: [{ order_line_id: potLine.id, quantity: 1 }, { order_line_id: teaLine.id, quantity: 1 }] });
  assert.equal(second.status, 201, JSON.stringify(second.body));
  assert.deepEqual(second.body.lines.map((l) => [l.sku, l.name]), [["POT/1 large", "Teapot"], ["TEA-1", "Green tea"]]);
  // Another customer's return is not listed.
  const stranger = (await post("/api/v1/orders", { customer_id: addCustomer("Di Other"),
    lines: [{ product_id: cup.id, quantity: 1 }] })).body;
  assert.equal((await post(`/api/v1/orders/${stranger.id}/returns`,
    { lines: [{ order_line_id: stranger.lines[0].id, quantity: 1 }] })).status, 201);

  const all = await s.request("GET", `/api/v1/customers/${buyer}/returns`, { token: roles.analyst.token });
  assert.equal(all.status, 200, JSON.stringify(all.body));
  assert.deepEqual(all.body.items.map((r) => r.id), [second.body.id, first.body.id]);
  assert.equal(all.body.next_cursor, null);
  const [newest, oldest] = all.body.items;
  assert.deepEqual(newest, second.body);
  assert.deepEqual(oldest, first.body);
  assert.equal(newest.order_id, order.id);
  assert.equal(newest.currency, "USD");
  assert.equal(newest.refund_minor, 3999 + 450);
  assert.deepEqual(newest.lines.map((l) => [l.order_line_id, l.product_id, l.sku, l.name, l.quantity, l.refund_minor]),
    [[potLine.id, pot.id, "POT/1 large", "Teapot", 1, 3999], [teaLine.id, tea.id, "TEA-1", "Green tea", 1, 450]]);
  assert.equal(oldest.reason, "stale");
  assert.ok(Date.parse(newest.at) >= Date.parse(oldest.at));

  const seen = [];
  let cursor = null;
  let pages = 0;
  do {
    const q = `/api/v1/customers/${buyer}/returns?limit=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
    const page = await s.request("GET", q, { token: admin });
    assert.equal(page.status, 200, JSON.stringify(page.body));
    assert.ok(page.body.items.length <= 1);
    seen.push(...page.body.items.map((r) => r.id));
    cursor = page.body.next_cursor;
    pages += 1;
  } while (cursor && pages < 5);
  assert.deepEqual(seen, [second.body.id, first.body.id]);

  const unknown = await s.request("GET", "/api/v1/customers/999999/returns", { token: admin });
  assert.equal(unknown.status, 404);
  assert.equal(unknown.body.error.code, "not_found");
  for (const [q, field] of [["cursor=zzz", "cursor"], ["cursor=o~1~1", "cursor"], ["limit=0", "limit"], ["limit=x", "limit"]]) {
    const bad = await s.request("GET", `/api/v1/customers/${buyer}/returns?${q}`, { token: admin });
    assert.equal(bad.status, 400, `${q}: ${JSON.stringify(bad.body)}`);
    assert.equal(bad.body.error.code, "invalid_argument");
    assert.equal(bad.body.error.field, field);
  }
});

test("concurrent returns of one line never return more than was bought", async () => {
  const order = (await post("/api/v1/orders", { lines: [{ product_id: cup.id, quantity: 5, discount_minor: 1 }] })).body;
  const lineId = order.lines[0].id;
  const results = await Promise.all(Array.from({ length: 20 }, () =>
    post(`/api/v1/orders/${order.id}/returns`, { lines: [{ order_line_id: lineId, quantity: 1 }] })));
  const statuses = results.map((r) => r.status).sort();
  assert.equal(statuses.filter((x) => x === 201).length, 5, JSON.stringify(statuses));
  assert.equal(statuses.filter((x) => x === 409).length, 15, JSON.stringify(statuses));
  const [sum] = s.sql(`SELECT sum(quantity) AS q, sum(refund_minor) AS refund FROM return_lines
    WHERE order_line_id = ${lineId}`);
  assert.equal(sum.q, 5);
  assert.equal(sum.refund, order.total_minor);  // 5 x 1200 - 1, refunded to the unit
});

test("a return after the window is refused naming the deadline; the setting moves it", async () => {
  const placedAt = new Date(Date.now() - 40 * DAY);
  const order = (await post("/api/v1/orders", {
    placed_at: placedAt.toISOString(), lines: [{ product_id: tea.id, quantity: 2 }] })).body;
  const deadline = new Date(Date.parse(order.placed_at) + 30 * DAY).toISOString();
  const body = { lines: [{ order_line_id: order.lines[0].id, quantity: 1 }] };
  const r = await refused("POST", `/api/v1/orders/${order.id}/returns`, body,
    { status: 409, code: "conflict", field: "order_id" });
  assert.ok(r.body.error.message.includes(deadline), `${r.body.error.message} names ${deadline}`);

  const settings = await s.request("GET", "/api/v1/settings", { token: roles.analyst.token });
  assert.equal(settings.body.items.find((x) => x.key === "return_window_days").value, "30");
  const put = await s.request("PUT", "/api/v1/settings/return_window_days",
    { token: admin, json: { value: 45 } });
  assert.equal(put.status, 200, JSON.stringify(put.body));
  assert.equal(put.body.value, "45");
  const ok = await post(`/api/v1/orders/${order.id}/returns`, body);
  assert.equal(ok.status, 201, JSON.stringify(ok.body));
  await refused("PUT", "/api/v1/settings/return_window_days", { value: -1 },
    { status: 400, code: "invalid_argument", field: "value" });
  await refused("PUT", "/api/v1/settings/colour", { value: "red" },
    { status: 404, code: "not_found", field: "key" });
  const reset = await s.request("PUT", "/api/v1/settings/return_window_days",
    { token: admin, json: { value: "30" } });
  assert.equal(reset.status, 200);
});

test("orders list newest first with filters and a cursor; a customer's orders", async () => {
  const other = addCustomer("Bo Chen");
  const base = Date.parse("2026-02-01T09:00:00Z");
  const ids = [];
  for (let i = 0; i < 5; i++) {
    const r = await post("/api/v1/orders", { customer_id: other, channel: i % 2 ? "web" : "store",
      placed_at: new Date(base + i * DAY).toISOString(), lines: [{ product_id: tea.id, quantity: 1 }] });
    assert.equal(r.status, 201);
    ids.push(r.body.id);
  }
  const seen = [];
  let cursor = null;
  do {
    const q = `/api/v1/customers/${other}/orders?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
    const page = await s.request("GET", q, { token: roles.analyst.token });
    assert.equal(page.status, 200, JSON.stringify(page.body));
    assert.ok(page.body.items.every((o) => !("lines" in o)));
    seen.push(...page.body.items.map((o) => o.id));
    cursor = page.body.next_cursor;
  } while (cursor);
  assert.deepEqual(seen, [...ids].reverse());
  const web = await s.request("GET", `/api/v1/orders?customer_id=${other}&channel=web`, { token: admin });
  assert.deepEqual(web.body.items.map((o) => o.id), [ids[3], ids[1]]);
  const window = await s.request("GET",
    `/api/v1/orders?customer_id=${other}&from=2026-02-02&to=2026-02-04`, { token: admin });
  assert.deepEqual(window.body.items.map((o) => o.id), [ids[2], ids[1]]);
  const unknown = await s.request("GET", "/api/v1/customers/999999/orders", { token: admin });
  assert.equal(unknown.status, 404);
  const badCursor = await s.request("GET", "/api/v1/orders?cursor=zzz", { token: admin });
  assert.equal(badCursor.status, 400);
  assert.equal(badCursor.body.error.field, "cursor");
  // An id filter takes any id a row can have (beyond 32 bits too) and names itself otherwise.
  const big = await s.request("GET", "/api/v1/orders?customer_id=3000000000", { token: admin });
  assert.equal(big.status, 200, JSON.stringify(big.body));
  assert.deepEqual(big.body.items, []);
  for (const bad of ["0", "-4", "4x", "+4", "1234567890123456789"]) {
    const r = await s.request("GET", `/api/v1/orders?customer_id=${bad}`, { token: admin });
    assert.equal(r.status, 400, bad);
    assert.equal(r.body.error.field, "customer_id", bad);
  }
});

test("bulk orders and products: all or nothing, every failed item named by index and field",
  async () => {
    const good = { lines: [{ product_id: tea.id, quantity: 1 }] };
    const r = await refused("POST", "/api/v1/orders/bulk", { items: [
      good,
      { lines: [{ product_id: tea.id, quantity: 0 }] },
      good,
      { lines: [{ sku: "NO-SUCH", quantity: 1 }] },
    ] }, { status: 400, code: "invalid_argument", field: "items[1].lines[0].quantity" });
    assert.deepEqual(r.body.error.items.map((i) => [i.index, i.field, i.code]), [
      [1, "items[1].lines[0].quantity", "invalid_argument"],
      [3, "items[3].lines[0].sku", "not_found"],
    ]);
    const placed = await post("/api/v1/orders/bulk", { items: [good, good, { ...good, customer_id: customer }] });
    assert.equal(placed.status, 201, JSON.stringify(placed.body));
    assert.equal(placed.body.items.length, 3);
    assert.equal(placed.body.items[2].customer_id, customer);

    const tooMany = Array.from({ length: 1001 }, (_, i) => ({ sku: `X-${i}`, name: "X", price_minor: 1, currency: "USD" }));
    await refused("POST", "/api/v1/products/bulk", { items: tooMany },
      { status: 400, code: "invalid_argument", field: "items", message: /at most 1000/ });
    const items = Array.from({ length: 3 }, (_, i) => ({ sku: `BULK-${i}`, name: `Bulk ${i}`, price_minor: 100, currency: "USD" }));
    const bad = await refused("POST", "/api/v1/products/bulk",
      { items: [...items, { sku: "BULK-0", name: "Again", price_minor: 1, currency: "USD" }, { sku: "B", price_minor: 1, currency: "USD" }] },
      { status: 400, code: "invalid_argument", field: "items[4].name" });
    assert.deepEqual(bad.body.error.items.map((i) => [i.index, i.field]), [[4, "items[4].name"]]);
    const dup = await refused("POST", "/api/v1/products/bulk",
      { items: [...items, { sku: "BULK-0", name: "Again", price_minor: 1, currency: "USD" }] },
      { status: 400, code: "invalid_argument", field: "items[3].sku", message: /items\[0\]/ });
    assert.equal(dup.body.error.items.length, 1);
    const made = await post("/api/v1/products/bulk", { items });
    assert.equal(made.status, 200);
    assert.deepEqual(made.body.items.map((i) => i.created), [true, true, true]);
    await refused("POST", "/api/v1/products/bulk", { items },
      { status: 409, code: "conflict", field: "items[0].sku" });
    const upserted = await post("/api/v1/products/bulk",
      { upsert: true, items: [{ ...items[0], price_minor: 250 }] });
    assert.equal(upserted.status, 200);
    assert.equal(upserted.body.items[0].created, false);
    assert.equal(upserted.body.items[0].product.price_minor, 250);
  });
