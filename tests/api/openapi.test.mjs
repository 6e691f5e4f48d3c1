// The OpenAPI document served at /api/v1/openapi.json is valid OpenAPI 3.1 and tells the truth
// about the route table (`rapport routes`): the same operations, the same query parameters, the
// same public routes.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import SwaggerParser from "@apidevtools/swagger-parser";
import { startServer, routes } from "./lib.mjs";

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
