import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer } from "./lib.mjs";

let s;
before(async () => { s = await startServer(); });
after(async () => { await s.stop(); });

test("health answers with the schema version", async () => {
  const r = await s.request("GET", "/healthz");
  assert.equal(r.status, 200);
  assert.equal(r.body.status, "ok");
  assert.ok(r.body.schema_version >= 1);
});

test("the admin signs in and reads their profile", async () => {
  const token = await s.signIn(s.adminEmail, s.adminPassword);
  const r = await s.request("GET", "/api/v1/me", { token });
  assert.equal(r.status, 200);
  assert.equal(r.body.role, "admin");
});
