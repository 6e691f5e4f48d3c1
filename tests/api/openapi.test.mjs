// The OpenAPI document served at /api/v1/openapi.json is valid OpenAPI 3.1 and tells the truth
// about the route table (`rapport routes`): the same operations, the same query parameters, the
// same public routes.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import SwaggerParser from "@apidevtools/swagger-parser";
import { startServer, routes, sqlite } from "./lib.mjs";

const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

let s;
let doc;
let table;
before(async () => {
  s = await startServer();
  const r = await s.request("GET", "/api/v1/openapi.json");
  assert.equal(r.status, 200);
  assert.match(r.headers.get("content-type"), /^application\/json/);
  doc = r.body;
  table = routes();
});
after(async () => { await s.stop(); });

// A card number with a valid check digit that no member holds (issued ones start with 8).
function unusedCard() {
  const payload = "123456789012345";
  let sum = 0;
  for (let i = payload.length - 1, dbl = true; i >= 0; i -= 1, dbl = !dbl) {
    let d = Number(payload[i]) * (dbl ? 2 : 1);
    if (d > 9) d -= 9;
    sum += d;
  }
  return payload + String((10 - (sum % 10)) % 10);
}

// Every operation of the document: {key, op, pathItem}.
function operations(d) {
  const out = [];
  for (const [p, item] of Object.entries(d.paths ?? {})) {
    for (const m of METHODS) {
      if (item[m]) out.push({ key: `${m.toUpperCase()} ${p}`, op: item[m], pathItem: item });
    }
  }
  return out;
}

// The query parameters of an operation, its path item's included (resolving $refs by hand so
// the test does not depend on the validator's dereferencing).
function queryParams(d, { op, pathItem }) {
  const resolve = (x) => {
    if (!x.$ref) return x;
    const parts = x.$ref.replace(/^#\//, "").split("/");
    return parts.reduce((o, k) => o[k.replace(/~1/g, "/").replace(/~0/g, "~")], d);
  };
  const params = [...(pathItem.parameters ?? []), ...(op.parameters ?? [])].map(resolve);
  return params.filter((p) => p.in === "query").map((p) => p.name).sort();
}

test("the document is served and a standard validator accepts it", async () => {
  assert.match(doc.openapi, /^3\.1\./);
  // validate() dereferences in place: give it a copy.
  const api = await SwaggerParser.validate(structuredClone(doc));
  assert.ok(api.paths["/api/v1/users"]);
});

test("the route table is not empty and its keys are unique", () => {
  assert.ok(table.length >= 10, `only ${table.length} routes`);
  const keys = table.map((r) => `${r.method} ${r.path}`);
  assert.equal(new Set(keys).size, keys.length);
});

test("every route is in the document with the same method, and vice versa", () => {
  const fromRoutes = table.map((r) => `${r.method} ${r.path}`).sort();
  const fromDoc = operations(doc).map((o) => o.key).sort();
  const missing = fromRoutes.filter((k) => !fromDoc.includes(k));
  const extra = fromDoc.filter((k) => !fromRoutes.includes(k));
  assert.deepEqual({ missing, extra }, { missing: [], extra: [] });
});

test("each operation documents exactly the query parameters its route accepts", () => {
  const ops = new Map(operations(doc).map((o) => [o.key, o]));
  const mismatches = [];
  for (const r of table) {
    const o = ops.get(`${r.method} ${r.path}`);
    if (!o) continue;  // reported by the previous test
    const documented = queryParams(doc, o);
    const accepted = [...r.query].sort();
    if (JSON.stringify(documented) !== JSON.stringify(accepted)) {
      mismatches.push({ route: `${r.method} ${r.path}`, accepted, documented });
    }
  }
  assert.deepEqual(mismatches, []);
});

test("public routes are exactly the operations with `security: []`", () => {
  // The document must require a bearer token by default, so that an operation without its own
  // `security` is a protected one.
  assert.deepEqual(doc.security, [{ bearer: [] }]);
  assert.ok(doc.components.securitySchemes.bearer);
  assert.equal(doc.components.securitySchemes.bearer.scheme, "bearer");
  const publicRoutes = table.filter((r) => r.permission === null)
    .map((r) => `${r.method} ${r.path}`).sort();
  const openOps = operations(doc)
    .filter((o) => Array.isArray(o.op.security) && o.op.security.length === 0)
    .map((o) => o.key).sort();
  assert.deepEqual(openOps, publicRoutes);
  // A protected operation states no other scheme than the bearer token.
  for (const o of operations(doc)) {
    if (o.op.security && o.op.security.length) assert.deepEqual(o.op.security, [{ bearer: [] }]);
  }
});

test("operations with a JSON body document one, and the others do not", () => {
  const ops = new Map(operations(doc).map((o) => [o.key, o]));
  const wrong = [];
  for (const r of table) {
    const o = ops.get(`${r.method} ${r.path}`);
    if (!o) continue;
    const hasBody = Boolean(o.op.requestBody?.content?.["application/json"]);
    if (hasBody !== r.body) wrong.push({ route: `${r.method} ${r.path}`, route_body: r.body });
  }
  assert.deepEqual(wrong, []);
});

// Real responses, one or more per operation: the status must be documented for the operation
// and a JSON body must match the documented schema.
test("real responses have documented statuses and match the documented schemas", async () => {
  const { default: Ajv2020 } = await import("ajv/dist/2020.js");  // JSON Schema 2020-12, as OpenAPI 3.1
  const ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: true });
  const api = await SwaggerParser.dereference(structuredClone(doc));
  const admin = await s.signIn(s.adminEmail, s.adminPassword);
  const analyst = await s.userWithRole(admin, "analyst");
  const victim = await s.userWithRole(admin, "sales");
  const seller = await s.userWithRole(admin, "sales");  // keeps its session (victim's is reset)
  const tok = await s.request("POST", "/api/v1/tokens", { token: admin, json: { name: "doc" } });
  const big = JSON.stringify({ name: "x".repeat(1024 * 1024 + 1) });
  const JSON_CT = { "Content-Type": "application/json" };
  const created = async (p, json) => {
    const r = await s.request("POST", p, { token: admin, json });
    assert.equal(r.status, 201, `${p}: ${JSON.stringify(r.body)}`);
    return r.body;
  };
  const cat = await created("/api/v1/categories", { name: "Doc" });
  const prod = await created("/api/v1/products",
    { sku: "SHOP-1", name: "Doc product", price_minor: 999, currency: "USD", category_id: cat.id });
  const gone = await created("/api/v1/products",
    { sku: "SHOP-GONE", name: "Doc deleted", price_minor: 1, currency: "USD" });
  assert.equal(sqlite(s.db,
    "INSERT INTO customers (name, created_at, updated_at) VALUES ('Doc Customer', 0, 0)").status, 0);
  const customerId = s.sql("SELECT max(id) AS id FROM customers")[0].id;
  const order = await created("/api/v1/orders",
    { customer_id: customerId, lines: [{ product_id: prod.id, quantity: 5 }] });
  const oldOrder = await created("/api/v1/orders",
    { lines: [{ product_id: prod.id, quantity: 1 }], placed_at: "2020-01-01T00:00:00Z" });
  const ret = await created(`/api/v1/orders/${order.id}/returns`,
    { lines: [{ order_line_id: order.lines[0].id, quantity: 1 }] });
  const lineOf = (o, quantity) => ({ lines: [{ order_line_id: o.lines[0].id, quantity }] });
  const CSV_CT = { "Content-Type": "text/csv" };
  const bigCsv = "name\n" + "x".repeat(32 * 1024 * 1024);
  const imp = await s.request("POST", "/api/v1/imports/transactions",
    { token: admin, body: "customer_id,date,amount\nD1,2024-01-02,9.99\n", headers: CSV_CT });
  assert.equal(imp.status, 201, JSON.stringify(imp.body));
  const service = await s.userWithRole(admin, "service");  // analysts may export

  // route key -> list of [path, request options, expected status].
  const samples = {
    "GET /healthz": [["/healthz", {}, 200]],
    "GET /metrics": [["/metrics", {}, 200]],
    "GET /api/v1/openapi.json": [["/api/v1/openapi.json", {}, 200]],
    "POST /api/v1/sessions": [
      ["/api/v1/sessions", { json: { email: analyst.email, password: analyst.password } }, 201],
      ["/api/v1/sessions", { json: { email: analyst.email, password: analyst.password, cookie: true } }, 201],
      ["/api/v1/sessions", { json: { email: analyst.email, password: "wrong password" } }, 401],
      ["/api/v1/sessions", { json: {} }, 400],
      ["/api/v1/sessions", { body: big, headers: JSON_CT }, 413],
      ["/api/v1/sessions", { body: "{}", headers: { "Content-Type": "text/plain" } }, 415],
    ],
    "DELETE /api/v1/sessions/current": [
      ["/api/v1/sessions/current", { token: await s.signIn(analyst.email, analyst.password) }, 204],
    ],
    "GET /api/v1/me": [["/api/v1/me", { token: analyst.token }, 200]],
    "GET /api/v1/users": [
      ["/api/v1/users?limit=2", { token: admin }, 200],
      ["/api/v1/users?limit=0", { token: admin }, 400],
    ],
    "POST /api/v1/users": [
      ["/api/v1/users", { token: admin, json: { email: "doc@example.com", name: "Doc", role: "sales",
        password: "a long enough password" } }, 201],
      ["/api/v1/users", { token: admin, json: { email: "doc@example.com", name: "Doc", role: "sales",
        password: "a long enough password" } }, 409],
      ["/api/v1/users", { token: admin, json: { email: 1 } }, 400],
      ["/api/v1/users", { token: admin, body: big, headers: JSON_CT }, 413],
      ["/api/v1/users", { token: admin, body: "{}", headers: { "Content-Type": "text/plain" } }, 415],
    ],
    "GET /api/v1/users/{id}": [
      [`/api/v1/users/${victim.id}`, { token: admin }, 200],
      ["/api/v1/users/999999", { token: admin }, 404],
    ],
    "PATCH /api/v1/users/{id}": [
      [`/api/v1/users/${victim.id}`, { token: admin, json: { name: "Doc Victim" } }, 200],
      [`/api/v1/users/${victim.id}`, { token: admin, json: { name: "X", version: 1 } }, 409],
      [`/api/v1/users/${victim.id}`, { token: admin, json: { nope: 1 } }, 400],
      ["/api/v1/users/999999", { token: admin, json: { name: "X" } }, 404],
      [`/api/v1/users/${victim.id}`, { token: admin, body: big, headers: JSON_CT }, 413],
      [`/api/v1/users/${victim.id}`, { token: admin, body: "{}", headers: { "Content-Type": "text/plain" } }, 415],
    ],
    "POST /api/v1/users/{id}/password": [
      [`/api/v1/users/${victim.id}/password`, { token: admin, json: { password: "a new long password" } }, 200],
      [`/api/v1/users/${victim.id}/password`, { token: admin, json: { password: "short" } }, 400],
      ["/api/v1/users/999999/password", { token: admin, json: { password: "a new long password" } }, 404],
      [`/api/v1/users/${victim.id}/password`, { token: admin, body: big, headers: JSON_CT }, 413],
      [`/api/v1/users/${victim.id}/password`, { token: admin, body: "{}", headers: { "Content-Type": "text/plain" } }, 415],
    ],
    "GET /api/v1/tokens": [
      ["/api/v1/tokens", { token: admin }, 200],
      ["/api/v1/tokens?limit=0", { token: admin }, 400],
    ],
    "POST /api/v1/tokens": [
      ["/api/v1/tokens", { token: admin, json: { name: "doc 2", user_id: victim.id } }, 201],
      ["/api/v1/tokens", { token: admin, json: { name: "doc 3", user_id: 999999 } }, 404],
      ["/api/v1/tokens", { token: admin, json: {} }, 400],
      ["/api/v1/tokens", { token: admin, body: big, headers: JSON_CT }, 413],
      ["/api/v1/tokens", { token: admin, body: "{}", headers: { "Content-Type": "text/plain" } }, 415],
    ],
    "DELETE /api/v1/tokens/{id}": [
      [`/api/v1/tokens/${tok.body.id}`, { token: admin }, 200],
      ["/api/v1/tokens/999999", { token: admin }, 404],
    ],
    "GET /api/v1/audit": [
      ["/api/v1/audit?limit=3", { token: admin }, 200],
      ["/api/v1/audit?from=nonsense", { token: admin }, 400],
    ],
    "POST /api/v1/analytics/refresh": [
      ["/api/v1/analytics/refresh", { token: admin, json: {} }, 200],
      ["/api/v1/analytics/refresh", { token: admin, json: { as_of: "soon" } }, 400],
      ["/api/v1/analytics/refresh", { token: seller.token, json: {} }, 403],
      ["/api/v1/analytics/refresh", { token: admin, body: big, headers: JSON_CT }, 413],
      ["/api/v1/analytics/refresh", { token: admin, body: "{}", headers: { "Content-Type": "text/plain" } }, 415],
    ],
    "GET /api/v1/analytics/runs/latest": [["/api/v1/analytics/runs/latest", { token: admin }, 200]],
    "GET /api/v1/analytics/clv": [["/api/v1/analytics/clv", { token: admin }, 200]],
    "GET /api/v1/analytics/clv/top": [
      ["/api/v1/analytics/clv/top?limit=5", { token: admin }, 200],
      ["/api/v1/analytics/clv/top?limit=500", { token: admin }, 400],
    ],
    "GET /api/v1/dashboard": [["/api/v1/dashboard", { token: admin }, 200]],
    "GET /api/v1/analytics/rfm": [["/api/v1/analytics/rfm", { token: admin }, 200]],
    "GET /api/v1/analytics/pareto": [["/api/v1/analytics/pareto", { token: admin }, 200]],
    "GET /api/v1/analytics/types": [["/api/v1/analytics/types", { token: admin }, 200]],
    "GET /api/v1/analytics/basket/rules": [
      ["/api/v1/analytics/basket/rules?limit=2&sort=lift", { token: admin }, 200],
      ["/api/v1/analytics/basket/rules?sort=name", { token: admin }, 400],
    ],
    "GET /api/v1/products/{sku}/bought-together": [
      ["/api/v1/products/DOC-1/bought-together", { token: admin }, 200],
      ["/api/v1/products/NOPE/bought-together", { token: admin }, 404],
      ["/api/v1/products/DOC-1/bought-together?limit=0", { token: admin }, 400],
    ],
    "GET /api/v1/customers/{id}/recommendations": [
      ["/api/v1/customers/900001/recommendations", { token: admin }, 200],
      ["/api/v1/customers/999999/recommendations", { token: admin }, 404],
      ["/api/v1/customers/900001/recommendations?limit=0", { token: admin }, 400],
    ],
    "GET /api/v1/customers/{id}/scores": [
      ["/api/v1/customers/900001/scores", { token: admin }, 200],
      ["/api/v1/customers/999999/scores", { token: admin }, 404],
    ],
    "GET /api/v1/categories": [
      ["/api/v1/categories?limit=2", { token: admin }, 200],
      ["/api/v1/categories?limit=0", { token: admin }, 400],
    ],
    "POST /api/v1/categories": [
      ["/api/v1/categories", { token: admin, json: { name: "Tea", parent_id: cat.id } }, 201],
      ["/api/v1/categories", { token: admin, json: { name: "Tea", parent_id: cat.id } }, 409],
      ["/api/v1/categories", { token: admin, json: { name: "X", parent_id: 999999 } }, 404],
      ["/api/v1/categories", { token: admin, json: { name: "A > B" } }, 400],
      ["/api/v1/categories", { token: admin, body: big, headers: JSON_CT }, 413],
      ["/api/v1/categories", { token: admin, body: "{}", headers: { "Content-Type": "text/plain" } }, 415],
    ],
    "GET /api/v1/categories/{id}": [
      [`/api/v1/categories/${cat.id}`, { token: admin }, 200],
      ["/api/v1/categories/999999", { token: admin }, 404],
    ],
    "PATCH /api/v1/categories/{id}": [
      [`/api/v1/categories/${cat.id}`, { token: admin, json: { name: "Documents" } }, 200],
      [`/api/v1/categories/${cat.id}`, { token: admin, json: {} }, 400],
      ["/api/v1/categories/999999", { token: admin, json: { name: "X" } }, 404],
      [`/api/v1/categories/${cat.id}`, { token: admin, body: big, headers: JSON_CT }, 413],
      [`/api/v1/categories/${cat.id}`, { token: admin, body: "{}", headers: { "Content-Type": "text/plain" } }, 415],
    ],
    "GET /api/v1/products": [
      [`/api/v1/products?q=doc&category_id=${cat.id}&sort=-price_minor&limit=1`, { token: admin }, 200],
      ["/api/v1/products?sort=colour", { token: admin }, 400],
    ],
    "POST /api/v1/products": [
      ["/api/v1/products", { token: admin, json: { sku: "SHOP-2", name: "Two", price_minor: 5, currency: "EUR" } }, 201],
      ["/api/v1/products", { token: admin, json: { sku: "SHOP-2", name: "Two", price_minor: 5, currency: "EUR" } }, 409],
      ["/api/v1/products", { token: admin, json: { sku: "SHOP-3", name: "3", price_minor: 5, currency: "EUR", category_id: 999999 } }, 404],
      ["/api/v1/products", { token: admin, json: { sku: "SHOP-3", name: "3", price_minor: -5, currency: "EUR" } }, 400],
      ["/api/v1/products", { token: admin, body: big, headers: JSON_CT }, 413],
      ["/api/v1/products", { token: admin, body: "{}", headers: { "Content-Type": "text/plain" } }, 415],
    ],
    "POST /api/v1/products/bulk": [
      ["/api/v1/products/bulk", { token: admin, json: { upsert: true, items: [
        { sku: "SHOP-1", name: "Doc product", price_minor: 999, currency: "USD", category_id: cat.id },
        { sku: "SHOP-B", name: "Bulk", price_minor: 1, currency: "USD" }] } }, 200],
      ["/api/v1/products/bulk", { token: admin, json: { items: [
        { sku: "SHOP-B", name: "Bulk", price_minor: 1, currency: "USD" }] } }, 409],
      ["/api/v1/products/bulk", { token: admin, json: { items: [
        { sku: "SHOP-C", name: "Bulk", price_minor: 1, currency: "USD", category_id: 999999 }] } }, 404],
      ["/api/v1/products/bulk", { token: admin, json: { items: [{ sku: "" }] } }, 400],
      ["/api/v1/products/bulk", { token: admin, body: big, headers: JSON_CT }, 413],
      ["/api/v1/products/bulk", { token: admin, body: "{}", headers: { "Content-Type": "text/plain" } }, 415],
    ],
    "GET /api/v1/products/by-sku/{sku}": [
      ["/api/v1/products/by-sku/SHOP-1", { token: admin }, 200],
      ["/api/v1/products/by-sku/NOPE%2F1", { token: admin }, 404],
    ],
    "GET /api/v1/products/{id}": [
      [`/api/v1/products/${prod.id}`, { token: admin }, 200],
      ["/api/v1/products/999999", { token: admin }, 404],
    ],
    "PATCH /api/v1/products/{id}": [
      [`/api/v1/products/${prod.id}`, { token: admin, json: { price_minor: 1099 } }, 200],
      [`/api/v1/products/${prod.id}`, { token: admin, json: { name: "X", version: 1 } }, 409],
      [`/api/v1/products/${prod.id}`, { token: admin, json: { colour: "red" } }, 400],
      ["/api/v1/products/999999", { token: admin, json: { name: "X" } }, 404],
      [`/api/v1/products/${prod.id}`, { token: admin, body: big, headers: JSON_CT }, 413],
      [`/api/v1/products/${prod.id}`, { token: admin, body: "{}", headers: { "Content-Type": "text/plain" } }, 415],
    ],
    "DELETE /api/v1/products/{id}": [
      [`/api/v1/products/${gone.id}`, { token: admin }, 200],
      [`/api/v1/products/${gone.id}`, { token: admin }, 409],
      [`/api/v1/products/${gone.id}`, { token: admin, headers: { "If-Match": "x" } }, 400],
      ["/api/v1/products/999999", { token: admin }, 404],
    ],
    "POST /api/v1/products/{id}/restore": [
      [`/api/v1/products/${gone.id}/restore`, { token: admin }, 200],
      [`/api/v1/products/${gone.id}/restore`, { token: admin }, 409],
      [`/api/v1/products/${gone.id}/restore?x=1`, { token: admin }, 400],
      ["/api/v1/products/999999/restore", { token: admin }, 404],
    ],
    "GET /api/v1/orders": [
      [`/api/v1/orders?customer_id=${customerId}&from=2020-01-01&channel=store&limit=1`, { token: admin }, 200],
      ["/api/v1/orders?channel=fax", { token: admin }, 400],
    ],
    "POST /api/v1/orders": [
      ["/api/v1/orders", { token: admin, json: { lines: [{ sku: "SHOP-1", quantity: 2, discount_minor: 100 }] } }, 201],
      ["/api/v1/orders", { token: admin, json: { lines: [{ sku: "NOPE", quantity: 2 }] } }, 404],
      ["/api/v1/orders", { token: admin, json: { lines: [{ sku: "SHOP-1", quantity: 0 }] } }, 400],
      ["/api/v1/orders", { token: admin, body: big, headers: JSON_CT }, 413],
      ["/api/v1/orders", { token: admin, body: "{}", headers: { "Content-Type": "text/plain" } }, 415],
    ],
    "POST /api/v1/orders/bulk": [
      ["/api/v1/orders/bulk", { token: admin, json: { items: [{ lines: [{ sku: "SHOP-1", quantity: 1 }] }] } }, 201],
      ["/api/v1/orders/bulk", { token: admin, json: { items: [{ lines: [{ sku: "NOPE", quantity: 1 }] }] } }, 404],
      ["/api/v1/orders/bulk", { token: admin, json: { items: [{ lines: [{ sku: "SHOP-1", quantity: -1 }] }] } }, 400],
      ["/api/v1/orders/bulk", { token: admin, body: big, headers: JSON_CT }, 413],
      ["/api/v1/orders/bulk", { token: admin, body: "{}", headers: { "Content-Type": "text/plain" } }, 415],
    ],
    "GET /api/v1/orders/{id}": [
      [`/api/v1/orders/${order.id}`, { token: admin }, 200],
      ["/api/v1/orders/999999", { token: admin }, 404],
    ],
    "GET /api/v1/orders/{id}/returns": [
      [`/api/v1/orders/${order.id}/returns`, { token: admin }, 200],
      [`/api/v1/orders/${order.id}/returns?limit=0`, { token: admin }, 400],
      ["/api/v1/orders/999999/returns", { token: admin }, 404],
    ],
    "POST /api/v1/orders/{id}/returns": [
      [`/api/v1/orders/${order.id}/returns`, { token: admin, json: lineOf(order, 1) }, 201],
      [`/api/v1/orders/${order.id}/returns`, { token: admin, json: lineOf(order, 4) }, 409],
      [`/api/v1/orders/${oldOrder.id}/returns`, { token: admin, json: lineOf(oldOrder, 1) }, 409],
      [`/api/v1/orders/${order.id}/returns`, { token: admin, json: lineOf(order, 0) }, 400],
      ["/api/v1/orders/999999/returns", { token: admin, json: lineOf(order, 1) }, 404],
      [`/api/v1/orders/${order.id}/returns`, { token: admin, body: big, headers: JSON_CT }, 413],
      [`/api/v1/orders/${order.id}/returns`, { token: admin, body: "{}", headers: { "Content-Type": "text/plain" } }, 415],
    ],
    "GET /api/v1/returns/{id}": [
      [`/api/v1/returns/${ret.id}`, { token: admin }, 200],
      ["/api/v1/returns/999999", { token: admin }, 404],
    ],
    "GET /api/v1/customers/{id}/orders": [
      [`/api/v1/customers/${customerId}/orders`, { token: admin }, 200],
      [`/api/v1/customers/${customerId}/orders?from=yesterday`, { token: admin }, 400],
      ["/api/v1/customers/999999/orders", { token: admin }, 404],
    ],
    "GET /api/v1/customers/{id}/returns": [
      [`/api/v1/customers/${customerId}/returns?limit=1`, { token: analyst.token }, 200],
      [`/api/v1/customers/${customerId}/returns?cursor=zz`, { token: admin }, 400],
      ["/api/v1/customers/999999/returns", { token: admin }, 404],
    ],
    "GET /api/v1/settings": [["/api/v1/settings", { token: analyst.token }, 200]],
    "PUT /api/v1/settings/{key}": [
      ["/api/v1/settings/return_window_days", { token: admin, json: { value: 30 } }, 200],
      ["/api/v1/settings/return_window_days", { token: admin, json: { value: "soon" } }, 400],
      ["/api/v1/settings/colour", { token: admin, json: { value: "red" } }, 404],
      ["/api/v1/settings/currency", { token: admin, body: big, headers: JSON_CT }, 413],
      ["/api/v1/settings/currency", { token: admin, body: "{}", headers: { "Content-Type": "text/plain" } }, 415],
    ],
    "POST /api/v1/imports/{kind}": [
      ["/api/v1/imports/customers", { token: admin, body: "name,email\nDoc Customer,doc.customer@example.com\n", headers: CSV_CT }, 201],
      ["/api/v1/imports/customers", { token: admin, body: "name,email\nBad,not-an-email\n", headers: CSV_CT }, 400],
      ["/api/v1/imports/nonsense", { token: admin, body: "a\n", headers: CSV_CT }, 400],
      ["/api/v1/imports/customers", { token: admin, body: bigCsv, headers: CSV_CT }, 413],
      ["/api/v1/imports/customers", { token: admin, body: "name\nX\n", headers: { "Content-Type": "text/plain" } }, 415],
    ],
    "GET /api/v1/imports/{id}": [
      [`/api/v1/imports/${imp.body.id}`, { token: admin }, 200],
      ["/api/v1/imports/999999", { token: admin }, 404],
    ],
    "GET /api/v1/exports/customers.csv": [
      ["/api/v1/exports/customers.csv", { token: admin }, 200],
    ],
  };
  const mk = async (json) => {
    const r = await s.request("POST", "/api/v1/customers", { token: admin, json });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    return r.body;
  };
  const org = await mk({ name: "Doc Org", kind: "organisation" });
  const cust = await mk({ name: "Doc Customer 文档", email: "doc-c@example.com",
    birth_date: "1990-01-02", organisation_id: org.id, tags: ["vip"], custom: { a: "b" },
    external_ids: [{ source: "pos", id: "1" }], email_consent: { granted: true, source: "web" } });
  const toDelete = await mk({ name: "Doc Delete" });
  const toRestore = await mk({ name: "Doc Restore" });
  const toMerge = await mk({ name: "Doc Merge" });
  await s.request("DELETE", `/api/v1/customers/${toRestore.id}`, { token: admin });
  const C = `/api/v1/customers/${cust.id}`;
  Object.assign(samples, {
    "GET /api/v1/customers": [
      ["/api/v1/customers?q=Doc&sort=-name&limit=2", { token: admin }, 200],
      ["/api/v1/customers?sort=nope", { token: admin }, 400],
    ],
    "POST /api/v1/customers": [
      ["/api/v1/customers", { token: admin, json: { name: "Doc New" } }, 201],
      ["/api/v1/customers", { token: admin, json: { name: "Doc Dup", email: "DOC-C@example.com" } }, 409],
      ["/api/v1/customers", { token: admin, json: { name: "X", owner_id: 999999 } }, 404],
      ["/api/v1/customers", { token: admin, json: { name: 1 } }, 400],
      ["/api/v1/customers", { token: admin, body: big, headers: JSON_CT }, 413],
      ["/api/v1/customers", { token: admin, body: "{}", headers: { "Content-Type": "text/plain" } }, 415],
    ],
    "POST /api/v1/customers/bulk": [
      ["/api/v1/customers/bulk", { token: admin, json: { customers: [{ name: "Doc Bulk" }] } }, 200],
      ["/api/v1/customers/bulk", { token: admin, json: { customers: [{ name: "" }] } }, 400],
      ["/api/v1/customers/bulk", { token: admin, json: { customers: [{ name: "B", email: "doc-c@example.com" }] } }, 409],
      ["/api/v1/customers/bulk", { token: admin, json: { customers: [{ name: "B", owner_id: 999999 }] } }, 404],
      ["/api/v1/customers/bulk", { token: admin, body: big, headers: JSON_CT }, 413],
      ["/api/v1/customers/bulk", { token: admin, body: "{}", headers: { "Content-Type": "text/plain" } }, 415],
    ],
    "GET /api/v1/customers/{id}": [[C, { token: admin }, 200], ["/api/v1/customers/999999", { token: admin }, 404]],
    "PATCH /api/v1/customers/{id}": [
      [C, { token: admin, json: { city: "Paris" } }, 200],
      [C, { token: admin, json: { city: "X", version: 1 } }, 409],
      [C, { token: admin, json: { nope: 1 } }, 400],
      ["/api/v1/customers/999999", { token: admin, json: { city: "X" } }, 404],
      [C, { token: admin, body: big, headers: JSON_CT }, 413],
      [C, { token: admin, body: "{}", headers: { "Content-Type": "text/plain" } }, 415],
    ],
    "DELETE /api/v1/customers/{id}": [
      [`/api/v1/customers/${toDelete.id}`, { token: admin }, 200],
      [`/api/v1/customers/${toDelete.id}`, { token: admin }, 409],
      ["/api/v1/customers/999999", { token: admin }, 404],
      [C, { token: admin, headers: { "If-Match": "x" } }, 400],
    ],
    "POST /api/v1/customers/{id}/restore": [
      [`/api/v1/customers/${toRestore.id}/restore`, { token: admin }, 200],
      [`/api/v1/customers/${toRestore.id}/restore`, { token: admin }, 409],
      ["/api/v1/customers/999999/restore", { token: admin }, 404],
    ],
    "POST /api/v1/customers/{id}/merge": [
      [`${C}/merge`, { token: admin, json: { other_id: toMerge.id } }, 200],
      [`${C}/merge`, { token: admin, json: { other_id: toMerge.id } }, 409],
      [`${C}/merge`, { token: admin, json: { other_id: 999999 } }, 404],
      [`${C}/merge`, { token: admin, json: { other_id: "x" } }, 400],
      [`${C}/merge`, { token: admin, body: big, headers: JSON_CT }, 413],
      [`${C}/merge`, { token: admin, body: "{}", headers: { "Content-Type": "text/plain" } }, 415],
    ],
    "GET /api/v1/customers/{id}/360": [[`${C}/360`, { token: admin }, 200], ["/api/v1/customers/999999/360", { token: admin }, 404]],
    "GET /api/v1/customers/{id}/timeline": [
      [`${C}/timeline?limit=2`, { token: admin }, 200],
      [`${C}/timeline?channel=fax`, { token: admin }, 400],
      ["/api/v1/customers/999999/timeline", { token: admin }, 404],
    ],
    "POST /api/v1/customers/{id}/interactions": [
      [`${C}/interactions`, { token: admin, json: { channel: "email", subject: "Hello" } }, 201],
      [`${C}/interactions`, { token: admin, json: { channel: "fax" } }, 400],
      ["/api/v1/customers/999999/interactions", { token: admin, json: { channel: "email" } }, 404],
      [`/api/v1/customers/${toDelete.id}/interactions`, { token: admin, json: { channel: "email" } }, 409],
      [`${C}/interactions`, { token: admin, body: big, headers: JSON_CT }, 413],
      [`${C}/interactions`, { token: admin, body: "{}", headers: { "Content-Type": "text/plain" } }, 415],
    ],
    "GET /api/v1/customers/{id}/contacts": [
      [`/api/v1/customers/${org.id}/contacts`, { token: admin }, 200],
      ["/api/v1/customers/999999/contacts", { token: admin }, 404],
    ],
  });
  // Customer service: a ticket, a closed one, queues and SLA policies to act on.
  const manager = await s.userWithRole(admin, "manager");
  const deskQueue = await created("/api/v1/queues", { name: "Doc desk", manager_id: manager.id });
  const emptyQueue = await created("/api/v1/queues", { name: "Doc empty", manager_id: manager.id });
  const tk = await created("/api/v1/tickets", { type: "complaint", channel: "web",
    customer_id: cust.id, subject: "Doc ticket", queue_id: deskQueue.id });
  const closedTk = await created("/api/v1/tickets",
    { type: "inquiry", channel: "phone", customer_id: cust.id, subject: "Doc closed" });
  assert.equal((await s.request("POST", `/api/v1/tickets/${closedTk.id}/status`,
    { token: admin, json: { status: "closed" } })).status, 200);
  const policyId = (type, priority) => s.sql(
    `SELECT id FROM sla_policies WHERE ticket_type = '${type}' AND priority = '${priority}'`)[0].id;
  const freedPair = policyId("return", "low");
  assert.equal((await s.request("DELETE", `/api/v1/sla-policies/${freedPair}`, { token: admin })).status, 204);
  const docPolicy = policyId("repair", "urgent");
  const doomedPolicy = policyId("repair", "low");
  const T = `/api/v1/tickets/${tk.id}`;
  const newTicket = { type: "inquiry", channel: "email", customer_id: cust.id, subject: "Doc" };
  const newPolicy = { ticket_type: "return", priority: "low", first_response: { rule: "sunset" },
    resolution: { rule: "minutes", minutes: 600 } };
  Object.assign(samples, {
    "POST /api/v1/tickets": [
      ["/api/v1/tickets", { token: admin, json: newTicket }, 201],
      ["/api/v1/tickets", { token: admin, json: { ...newTicket, type: "praise" } }, 400],
      ["/api/v1/tickets", { token: admin, json: { ...newTicket, customer_id: 999999 } }, 404],
      ["/api/v1/tickets", { token: admin, json: { ...newTicket, customer_id: toDelete.id } }, 409],
      ["/api/v1/tickets", { token: admin, body: big, headers: JSON_CT }, 413],
      ["/api/v1/tickets", { token: admin, body: "{}", headers: { "Content-Type": "text/plain" } }, 415],
    ],
    "GET /api/v1/tickets": [
      [`/api/v1/tickets?queue=${deskQueue.id}&status=new&sort=due&limit=2`, { token: admin }, 200],
      ["/api/v1/tickets?status=lost", { token: admin }, 400],
    ],
    "GET /api/v1/tickets/reports": [
      ["/api/v1/tickets/reports?group_by=agent&from=2020-01-01", { token: analyst.token }, 200],
      ["/api/v1/tickets/reports?group_by=mood", { token: admin }, 400],
    ],
    "GET /api/v1/tickets/{id}": [[T, { token: admin }, 200], ["/api/v1/tickets/999999", { token: admin }, 404]],
    "PATCH /api/v1/tickets/{id}": [
      [T, { token: admin, json: { subject: "Doc ticket, edited", priority: "high" } }, 200],
      [T, { token: admin, json: { subject: "X", version: 1 } }, 409],
      [T, { token: admin, json: { nope: 1 } }, 400],
      ["/api/v1/tickets/999999", { token: admin, json: { subject: "X" } }, 404],
      [T, { token: admin, body: big, headers: JSON_CT }, 413],
      [T, { token: admin, body: "{}", headers: { "Content-Type": "text/plain" } }, 415],
    ],
    "POST /api/v1/tickets/{id}/status": [
      [`${T}/status`, { token: admin, json: { status: "open" } }, 200],
      [`${T}/status`, { token: admin, json: { status: "new" } }, 409],
      [`${T}/status`, { token: admin, json: { status: "lost" } }, 400],
      ["/api/v1/tickets/999999/status", { token: admin, json: { status: "open" } }, 404],
      [`${T}/status`, { token: admin, body: big, headers: JSON_CT }, 413],
      [`${T}/status`, { token: admin, body: "{}", headers: { "Content-Type": "text/plain" } }, 415],
    ],
    "GET /api/v1/tickets/{id}/messages": [
      [`${T}/messages?limit=1`, { token: admin }, 200],
      ["/api/v1/tickets/999999/messages", { token: admin }, 404],
    ],
    "POST /api/v1/tickets/{id}/messages": [
      [`${T}/messages`, { token: admin, json: { kind: "reply", body: "We are sorry." } }, 201],
      [`${T}/messages`, { token: admin, json: { kind: "shout", body: "x" } }, 400],
      ["/api/v1/tickets/999999/messages", { token: admin, json: { kind: "note", body: "x" } }, 404],
      [`/api/v1/tickets/${closedTk.id}/messages`, { token: admin, json: { kind: "reply", body: "x" } }, 409],
      [`${T}/messages`, { token: admin, body: big, headers: JSON_CT }, 413],
      [`${T}/messages`, { token: admin, body: "{}", headers: { "Content-Type": "text/plain" } }, 415],
    ],
    "GET /api/v1/queues": [["/api/v1/queues", { token: admin }, 200]],
    "GET /api/v1/notifications": [
      ["/api/v1/notifications?limit=5", { token: manager.token }, 200],
      ["/api/v1/notifications?cursor=nope", { token: manager.token }, 400],
    ],
    "POST /api/v1/queues": [
      ["/api/v1/queues", { token: admin, json: { name: "Doc new queue", manager_id: manager.id } }, 201],
      ["/api/v1/queues", { token: admin, json: { name: "doc DESK", manager_id: manager.id } }, 409],
      ["/api/v1/queues", { token: admin, json: { name: "Doc other", manager_id: 999999 } }, 404],
      ["/api/v1/queues", { token: admin, json: { name: 1 } }, 400],
      ["/api/v1/queues", { token: admin, body: big, headers: JSON_CT }, 413],
      ["/api/v1/queues", { token: admin, body: "{}", headers: { "Content-Type": "text/plain" } }, 415],
    ],
    "GET /api/v1/queues/{id}": [
      [`/api/v1/queues/${deskQueue.id}`, { token: admin }, 200],
      ["/api/v1/queues/999999", { token: admin }, 404],
    ],
    "PATCH /api/v1/queues/{id}": [
      [`/api/v1/queues/${deskQueue.id}`, { token: admin, json: { description: "Doc" } }, 200],
      [`/api/v1/queues/${deskQueue.id}`, { token: admin, json: { name: "Y", version: 1 } }, 409],
      [`/api/v1/queues/${deskQueue.id}`, { token: admin, json: { nope: 1 } }, 400],
      ["/api/v1/queues/999999", { token: admin, json: { name: "Y" } }, 404],
      [`/api/v1/queues/${deskQueue.id}`, { token: admin, body: big, headers: JSON_CT }, 413],
      [`/api/v1/queues/${deskQueue.id}`, { token: admin, body: "{}", headers: { "Content-Type": "text/plain" } }, 415],
    ],
    "DELETE /api/v1/queues/{id}": [
      [`/api/v1/queues/${emptyQueue.id}`, { token: admin }, 204],
      [`/api/v1/queues/${deskQueue.id}`, { token: admin }, 409],
      ["/api/v1/queues/999999", { token: admin }, 404],
      [`/api/v1/queues/${deskQueue.id}`, { token: admin, headers: { "If-Match": "x" } }, 400],
    ],
    "GET /api/v1/sla-policies": [["/api/v1/sla-policies", { token: admin }, 200]],
    "POST /api/v1/sla-policies": [
      ["/api/v1/sla-policies", { token: admin, json: newPolicy }, 201],
      ["/api/v1/sla-policies", { token: admin, json: newPolicy }, 409],
      ["/api/v1/sla-policies", { token: admin, json: { ...newPolicy, first_response: { rule: "dusk" } } }, 400],
      ["/api/v1/sla-policies", { token: admin, body: big, headers: JSON_CT }, 413],
      ["/api/v1/sla-policies", { token: admin, body: "{}", headers: { "Content-Type": "text/plain" } }, 415],
    ],
    "GET /api/v1/sla-policies/{id}": [
      [`/api/v1/sla-policies/${docPolicy}`, { token: admin }, 200],
      ["/api/v1/sla-policies/999999", { token: admin }, 404],
    ],
    "PATCH /api/v1/sla-policies/{id}": [
      [`/api/v1/sla-policies/${docPolicy}`, { token: admin, json: { pause_while_waiting: false } }, 200],
      [`/api/v1/sla-policies/${docPolicy}`, { token: admin, json: { pause_while_waiting: true, version: 1 } }, 409],
      [`/api/v1/sla-policies/${docPolicy}`, { token: admin, json: { resolution: { rule: "minutes" } } }, 400],
      ["/api/v1/sla-policies/999999", { token: admin, json: { pause_while_waiting: true } }, 404],
      [`/api/v1/sla-policies/${docPolicy}`, { token: admin, body: big, headers: JSON_CT }, 413],
      [`/api/v1/sla-policies/${docPolicy}`, { token: admin, body: "{}", headers: { "Content-Type": "text/plain" } }, 415],
    ],
    "DELETE /api/v1/sla-policies/{id}": [
      [`/api/v1/sla-policies/${doomedPolicy}`, { token: admin, headers: { "If-Match": '"7"' } }, 409],
      [`/api/v1/sla-policies/${doomedPolicy}`, { token: admin }, 204],
      [`/api/v1/sla-policies/${doomedPolicy}`, { token: admin }, 404],
      [`/api/v1/sla-policies/${docPolicy}`, { token: admin, headers: { "If-Match": "x" } }, 400],
    ],
  });
  // Loyalty: a member with points (the 360 view then shows its card), one whose card is lost.
  const member = await created("/api/v1/loyalty/members", { customer_id: cust.id });
  const M = `/api/v1/loyalty/members/${cust.id}`;
  const loser = await mk({ name: "Doc Loses Cards" });
  const fresh = await mk({ name: "Doc Enrols" });
  const docPromo = await created("/api/v1/promotions", { name: "Doc basket", scope: "basket",
    percent_off: 5, starts_at: "2030-01-01T00:00:00Z", ends_at: "2030-02-01T00:00:00Z" });
  await created("/api/v1/coupons", { code: "DOC-0", amount_off_minor: 100,
    starts_at: "2030-01-01T00:00:00Z", ends_at: "2030-02-01T00:00:00Z" });
  const badCard = member.card_number.slice(0, 15) + String((Number(member.card_number[15]) + 1) % 10);
  Object.assign(samples, {
    "POST /api/v1/loyalty/members": [
      ["/api/v1/loyalty/members", { token: admin, json: { customer_id: loser.id } }, 201],
      ["/api/v1/loyalty/members", { token: admin, json: { customer_id: loser.id } }, 409],
      ["/api/v1/loyalty/members", { token: admin, json: { customer_id: 999999 } }, 404],
      ["/api/v1/loyalty/members", { token: admin, json: { customer: fresh.id } }, 400],
      ["/api/v1/loyalty/members", { token: admin, body: big, headers: JSON_CT }, 413],
      ["/api/v1/loyalty/members", { token: admin, body: "{}", headers: { "Content-Type": "text/plain" } }, 415],
    ],
    "GET /api/v1/loyalty/members/{id}": [
      [M, { token: admin }, 200],
      [`/api/v1/loyalty/members/${fresh.id}`, { token: admin }, 404],
    ],
    "GET /api/v1/loyalty/members/{id}/ledger": [
      [`${M}/ledger?limit=1`, { token: admin }, 200],
      [`${M}/ledger?cursor=zz`, { token: admin }, 400],
      [`/api/v1/loyalty/members/${fresh.id}/ledger`, { token: admin }, 404],
    ],
    "POST /api/v1/loyalty/members/{id}/card": [
      [`/api/v1/loyalty/members/${loser.id}/card`, { token: admin, json: { reason: "lost" } }, 200],
      [`/api/v1/loyalty/members/${loser.id}/card`, { token: admin, json: { why: "lost" } }, 400],
      [`/api/v1/loyalty/members/${fresh.id}/card`, { token: admin, json: {} }, 404],
      [`/api/v1/loyalty/members/${loser.id}/card`, { token: admin, body: big, headers: JSON_CT }, 413],
      [`/api/v1/loyalty/members/${loser.id}/card`, { token: admin, body: "{}", headers: { "Content-Type": "text/plain" } }, 415],
    ],
    "POST /api/v1/loyalty/members/{id}/adjustments": [
      [`${M}/adjustments`, { token: admin, json: { points: 40, reason: "welcome gift" } }, 201],
      [`${M}/adjustments`, { token: admin, json: { points: -1000, reason: "too much" } }, 409],
      [`${M}/adjustments`, { token: admin, json: { points: 0, reason: "nothing" } }, 400],
      [`/api/v1/loyalty/members/${fresh.id}/adjustments`, { token: admin, json: { points: 1, reason: "x" } }, 404],
      [`${M}/adjustments`, { token: admin, body: big, headers: JSON_CT }, 413],
      [`${M}/adjustments`, { token: admin, body: "{}", headers: { "Content-Type": "text/plain" } }, 415],
    ],
    "GET /api/v1/loyalty/cards/{number}": [
      [`/api/v1/loyalty/cards/${member.card_number}`, { token: admin }, 200],
      [`/api/v1/loyalty/cards/${badCard}`, { token: admin }, 400],
      [`/api/v1/loyalty/cards/${unusedCard()}`, { token: admin }, 404],
    ],
    "GET /api/v1/loyalty/tiers": [["/api/v1/loyalty/tiers", { token: admin }, 200]],
    "POST /api/v1/promotions": [
      ["/api/v1/promotions", { token: admin, json: { name: "Doc promo", scope: "product",
        product_id: prod.id, percent_off: 10, starts_at: "2030-01-01T00:00:00Z",
        ends_at: "2030-02-01T00:00:00Z" } }, 201],
      ["/api/v1/promotions", { token: admin, json: { name: "Doc promo", scope: "category",
        category_id: 999999, percent_off: 10, starts_at: "2030-01-01T00:00:00Z",
        ends_at: "2030-02-01T00:00:00Z" } }, 404],
      ["/api/v1/promotions", { token: admin, json: { name: "Doc promo", scope: "moon" } }, 400],
      ["/api/v1/promotions", { token: admin, body: big, headers: JSON_CT }, 413],
      ["/api/v1/promotions", { token: admin, body: "{}", headers: { "Content-Type": "text/plain" } }, 415],
    ],
    "GET /api/v1/promotions": [
      ["/api/v1/promotions?in_effect_at=2030-01-15&limit=1", { token: admin }, 200],
      ["/api/v1/promotions?in_effect_at=soon", { token: admin }, 400],
    ],
    "GET /api/v1/promotions/{id}": [
      [`/api/v1/promotions/${docPromo.id}`, { token: admin }, 200],
      ["/api/v1/promotions/999999", { token: admin }, 404],
    ],
    "DELETE /api/v1/promotions/{id}": [
      [`/api/v1/promotions/${docPromo.id}`, { token: admin }, 200],
      ["/api/v1/promotions/999999", { token: admin }, 404],
    ],
    "POST /api/v1/coupons": [
      ["/api/v1/coupons", { token: admin, json: { code: "DOC-1", percent_off: 10,
        starts_at: "2030-01-01T00:00:00Z", ends_at: "2030-02-01T00:00:00Z" } }, 201],
      ["/api/v1/coupons", { token: admin, json: { code: "DOC-1", percent_off: 10,
        starts_at: "2030-01-01T00:00:00Z", ends_at: "2030-02-01T00:00:00Z" } }, 409],
      ["/api/v1/coupons", { token: admin, json: { count: 2, customer_id: 999999, percent_off: 10,
        starts_at: "2030-01-01T00:00:00Z", ends_at: "2030-02-01T00:00:00Z" } }, 404],
      ["/api/v1/coupons", { token: admin, json: { percent_off: 10 } }, 400],
      ["/api/v1/coupons", { token: admin, body: big, headers: JSON_CT }, 413],
      ["/api/v1/coupons", { token: admin, body: "{}", headers: { "Content-Type": "text/plain" } }, 415],
    ],
    "GET /api/v1/coupons": [
      ["/api/v1/coupons?q=doc&active=false&limit=1", { token: analyst.token }, 200],
      [`/api/v1/coupons?customer_id=${cust.id}&active=true`, { token: admin }, 200],
      ["/api/v1/coupons?active=maybe", { token: admin }, 400],
      ["/api/v1/coupons?q=no%20spaces", { token: admin }, 400],
    ],
    "GET /api/v1/coupons/{code}": [
      ["/api/v1/coupons/doc-0", { token: admin }, 200],
      ["/api/v1/coupons/NONE-SUCH", { token: admin }, 404],
      ["/api/v1/coupons/x", { token: admin }, 400],
    ],
  });
  // Customer feedback: reviews, survey invitations, knowledge-base categories and articles.
  const review = await created("/api/v1/reviews",
    { product_id: prod.id, customer_id: cust.id, rating: 4, title: "Doc", body: "<b>ok</b>" });
  const toHide = await created("/api/v1/reviews",
    { product_id: prod.id, customer_id: (await mk({ name: "Doc Hidden" })).id, rating: 2 });
  const voter = await mk({ name: "Doc Voter" });
  const invitation = await created("/api/v1/surveys/invitations",
    { kind: "nps", customer_id: cust.id, channel: "store", store: "Doc store" });
  const kbCat = await created("/api/v1/kb/categories", { name: "Doc category" });
  const article = await created("/api/v1/kb/articles",
    { title: "Doc kettle", body: "# Kettle\n\n<script>x</script>", category_id: kbCat.id, status: "published" });
  const kbDraft = await created("/api/v1/kb/articles", { title: "Doc draft", body: "Draft" });
  const RV = `/api/v1/reviews/${review.id}`;
  const IV = `/api/v1/surveys/invitations/${invitation.id}`;
  const KA = `/api/v1/kb/articles/${article.id}`;
  Object.assign(samples, {
    "POST /api/v1/reviews": [
      ["/api/v1/reviews", { token: admin, json: { product_id: prod.id, customer_id: customerId, rating: 5 } }, 201],
      ["/api/v1/reviews", { token: admin, json: { product_id: prod.id, customer_id: customerId, rating: 6 } }, 400],
      ["/api/v1/reviews", { token: admin, json: { product_id: 999999, customer_id: customerId, rating: 5 } }, 404],
      ["/api/v1/reviews", { token: admin, json: { product_id: prod.id, customer_id: toDelete.id, rating: 5 } }, 409],
    ],
    "GET /api/v1/reviews/{id}": [[RV, { token: analyst.token }, 200], ["/api/v1/reviews/999999", { token: admin }, 404]],
    "POST /api/v1/reviews/{id}/hide": [
      [`/api/v1/reviews/${toHide.id}/hide`, { token: admin, json: { reason: "Doc" } }, 200],
      [`/api/v1/reviews/${toHide.id}/hide`, { token: admin, json: { reason: "Doc" } }, 409],
      [`/api/v1/reviews/${toHide.id}/hide`, { token: admin, json: {} }, 400],
      ["/api/v1/reviews/999999/hide", { token: admin, json: { reason: "Doc" } }, 404],
    ],
    "POST /api/v1/reviews/{id}/unhide": [
      [`/api/v1/reviews/${toHide.id}/unhide`, { token: admin }, 200],
      [`/api/v1/reviews/${toHide.id}/unhide`, { token: admin }, 409],
      ["/api/v1/reviews/999999/unhide", { token: admin }, 404],
    ],
    "POST /api/v1/reviews/{id}/votes": [
      [`${RV}/votes`, { token: admin, json: { customer_id: voter.id } }, 201],
      [`${RV}/votes`, { token: admin, json: { customer_id: voter.id } }, 409],
      [`${RV}/votes`, { token: admin, json: { customer_id: "x" } }, 400],
      ["/api/v1/reviews/999999/votes", { token: admin, json: { customer_id: voter.id } }, 404],
    ],
    "GET /api/v1/products/{id}/reviews": [
      [`/api/v1/products/${prod.id}/reviews?sort=-rating&limit=1`, { token: analyst.token }, 200],
      [`/api/v1/products/${prod.id}/reviews?sort=best`, { token: admin }, 400],
      ["/api/v1/products/999999/reviews", { token: admin }, 404],
    ],
    "GET /api/v1/products/{id}/rating": [
      [`/api/v1/products/${prod.id}/rating`, { token: analyst.token }, 200],
      ["/api/v1/products/999999/rating", { token: admin }, 404],
    ],
    "GET /api/v1/customers/{id}/reviews": [
      [`/api/v1/customers/${customerId}/reviews`, { token: admin }, 200],
      [`/api/v1/customers/${customerId}/reviews?cursor=zz`, { token: admin }, 400],
      ["/api/v1/customers/999999/reviews", { token: admin }, 404],
    ],
    "POST /api/v1/surveys/invitations": [
      ["/api/v1/surveys/invitations", { token: admin, json: { kind: "csat", customer_id: cust.id } }, 201],
      ["/api/v1/surveys/invitations", { token: admin, json: { kind: "ces", customer_id: cust.id } }, 400],
      ["/api/v1/surveys/invitations", { token: admin, json: { kind: "csat", customer_id: 999999 } }, 404],
      ["/api/v1/surveys/invitations", { token: admin, json: { kind: "csat", customer_id: toDelete.id } }, 409],
    ],
    "GET /api/v1/surveys/invitations": [
      [`/api/v1/surveys/invitations?customer=${cust.id}&kind=nps&limit=1`, { token: analyst.token }, 200],
      ["/api/v1/surveys/invitations?kind=ces", { token: admin }, 400],
    ],
    "GET /api/v1/surveys/invitations/{id}": [[IV, { token: analyst.token }, 200],
      ["/api/v1/surveys/invitations/999999", { token: admin }, 404]],
    "POST /api/v1/surveys/invitations/{id}/response": [
      [`${IV}/response`, { token: admin, json: { score: 11 } }, 400],
      [`${IV}/response`, { token: admin, json: { score: 9, comment: "Doc" } }, 201],
      [`${IV}/response`, { token: admin, json: { score: 9 } }, 409],
      ["/api/v1/surveys/invitations/999999/response", { token: admin, json: { score: 9 } }, 404],
    ],
    "GET /api/v1/surveys/responses": [
      ["/api/v1/surveys/responses?kind=nps", { token: analyst.token }, 200],
      ["/api/v1/surveys/responses?limit=0", { token: admin }, 400],
    ],
    "GET /api/v1/surveys/reports": [
      ["/api/v1/surveys/reports?kind=nps&group_by=store&from=2020-01-01", { token: analyst.token }, 200],
      ["/api/v1/surveys/reports?kind=csat", { token: analyst.token }, 200],
      ["/api/v1/surveys/reports?kind=nps&group_by=mood", { token: admin }, 400],
    ],
    "GET /api/v1/kb/categories": [["/api/v1/kb/categories", { token: analyst.token }, 200]],
    "POST /api/v1/kb/categories": [
      ["/api/v1/kb/categories", { token: admin, json: { name: "Doc other" } }, 201],
      ["/api/v1/kb/categories", { token: admin, json: { name: "Doc other" } }, 409],
      ["/api/v1/kb/categories", { token: admin, json: { name: "" } }, 400],
    ],
    "PATCH /api/v1/kb/categories/{id}": [
      [`/api/v1/kb/categories/${kbCat.id}`, { token: admin, json: { name: "Doc renamed" } }, 200],
      [`/api/v1/kb/categories/${kbCat.id}`, { token: admin, json: { name: "Doc other" } }, 409],
      [`/api/v1/kb/categories/${kbCat.id}`, { token: admin, json: { nope: 1 } }, 400],
      ["/api/v1/kb/categories/999999", { token: admin, json: { name: "X" } }, 404],
    ],
    "GET /api/v1/kb/articles": [
      ["/api/v1/kb/articles?q=kettle", { token: analyst.token }, 200],
      ["/api/v1/kb/articles?sort=-solved_count&limit=1", { token: analyst.token }, 200],
      ["/api/v1/kb/articles?status=all", { token: admin }, 200],
      ["/api/v1/kb/articles?q=%21", { token: admin }, 400],
    ],
    "POST /api/v1/kb/articles": [
      ["/api/v1/kb/articles", { token: admin, json: { title: "Doc 2", body: "x", language: "en" } }, 201],
      ["/api/v1/kb/articles", { token: admin, json: { title: "Doc 2" } }, 400],
      ["/api/v1/kb/articles", { token: admin, json: { title: "Doc 2", body: "x", category_id: 999999 } }, 404],
    ],
    "GET /api/v1/kb/articles/{id}": [[KA, { token: analyst.token }, 200],
      [`/api/v1/kb/articles/${kbDraft.id}`, { token: analyst.token }, 404]],
    "PATCH /api/v1/kb/articles/{id}": [
      [KA, { token: admin, json: { category_id: null, language: "en" } }, 200],
      [KA, { token: admin, json: { title: "X", version: 1 } }, 409],
      [KA, { token: admin, json: { status: "gone" } }, 400],
      ["/api/v1/kb/articles/999999", { token: admin, json: { title: "X" } }, 404],
    ],
    "GET /api/v1/tickets/{id}/articles": [[`${T}/articles`, { token: admin }, 200],
      ["/api/v1/tickets/999999/articles", { token: admin }, 404]],
    "POST /api/v1/tickets/{id}/articles": [
      [`${T}/articles`, { token: admin, json: { article_id: article.id } }, 201],
      [`${T}/articles`, { token: admin, json: { article_id: article.id } }, 409],
      [`${T}/articles`, { token: admin, json: { article_id: 0 } }, 400],
      ["/api/v1/tickets/999999/articles", { token: admin, json: { article_id: article.id } }, 404],
    ],
    "DELETE /api/v1/tickets/{id}/articles/{article_id}": [
      [`${T}/articles/${article.id}`, { token: admin }, 204],
      [`${T}/articles/${article.id}`, { token: admin }, 404],
    ],
  });
  // Rows the analytics samples read (written with SQL: no route is needed).
  const seeded = sqlite(s.db, `INSERT INTO customers (id, name, created_at, updated_at)
      VALUES (900001, 'Doc Customer', 0, 0);
    INSERT INTO products (sku, name, price_minor, currency, created_at, updated_at)
      VALUES ('DOC-1', 'Doc product', 100, 'USD', 0, 0);`);
  assert.equal(seeded.status, 0, seeded.stderr);
  // Permissions every role holds: the analyst is not refused them.
  const HELD_BY_ANALYST = new Set(["signed_in", "analytics.read", "analytics.refresh",
    "customers.read", "products.read", "orders.read", "settings.read", "export", "tickets.reports", "loyalty.read",
    "reviews.read", "surveys.read", "kb.read"]);
  // Every protected operation: 401 without a token, 403 for a role without the permission.
  for (const r of table) {
    const key = `${r.method} ${r.path}`;
    const p = r.path.replace("{id}", String(victim.id)).replace("{kind}", "customers")
      .replace("{article_id}", "1");
    if (r.permission !== null) samples[key].push([p, {}, 401]);
    if (r.permission !== null && !HELD_BY_ANALYST.has(r.permission)) {
      const outsider = r.permission === "export" ? service : analyst;  // analysts may export
      samples[key].push([p, { token: outsider.token }, 403]);
    }
  }
  assert.deepEqual(Object.keys(samples).sort(), table.map((r) => `${r.method} ${r.path}`).sort());

  const problems = [];
  for (const r of table) {
    const op = api.paths[r.path]?.[r.method.toLowerCase()];
    if (!op) continue;  // reported by another test
    for (const [p, opts, want] of samples[`${r.method} ${r.path}`]) {
      const res = await s.request(r.method, p, opts);
      const where = `${r.method} ${p} -> ${res.status}`;
      if (res.status !== want) {
        problems.push(`${where}: expected ${want} (${JSON.stringify(res.body).slice(0, 200)})`);
        continue;
      }
      const documented = op.responses?.[String(res.status)];
      if (!documented) {
        problems.push(`${where}: status not documented`);
        continue;
      }
      const ct = (res.headers.get("content-type") ?? "").split(";")[0];
      if (res.status === 204) {
        if (documented.content) problems.push(`${where}: 204 documented with content`);
        continue;
      }
      const media = documented.content?.[ct];
      if (!media) {
        problems.push(`${where}: content type ${ct} not documented`);
        continue;
      }
      if (ct === "application/json" && media.schema) {
        const validate = ajv.compile(media.schema);
        if (!validate(res.body)) {
          problems.push(`${where}: body does not match the schema: ${ajv.errorsText(validate.errors)}`);
        }
      }
    }
  }
  assert.deepEqual(problems, []);
});
