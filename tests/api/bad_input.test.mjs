// Bad input of every kind gets the JSON error body {"error":{"code","message","field"}} with the
// offending field named, and changes nothing in the database.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer } from "./lib.mjs";

let s;
let admin;
let target;  // a user the PATCH cases aim at

before(async () => {
  s = await startServer();
  admin = await s.signIn(s.adminEmail, s.adminPassword);
  target = await s.userWithRole(admin, "sales");
});
after(async () => { await s.stop(); });

const JSON_CT = { "Content-Type": "application/json" };
const goodUser = () => ({
  email: `new-${Math.random().toString(36).slice(2, 10)}@example.com`,
  name: "New Person",
  role: "service",
  password: "a long enough password",
});

// Sends the request and checks the status, the error code and the field; the message must be a
// non-empty sentence; the database must be unchanged.
async function refused(method, path, opts, { status, code, field, message }) {
  const beforeState = s.state();
  const r = await s.request(method, path, { token: admin, ...opts });
  const what = `${method} ${path} -> ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`;
  assert.equal(r.status, status, what);
  assert.match(r.headers.get("content-type") ?? "", /^application\/json/, what);
  assert.deepEqual(Object.keys(r.body), ["error"], what);
  assert.deepEqual(Object.keys(r.body.error).sort(), ["code", "field", "message"], what);
  assert.equal(r.body.error.code, code, what);
  assert.equal(r.body.error.field, field, what);
  assert.equal(typeof r.body.error.message, "string", what);
  assert.ok(r.body.error.message.length > 3, what);
  if (message) assert.match(r.body.error.message, message, what);
  assert.deepEqual(s.state(), beforeState, `${what}: the database changed`);
  return r;
}
const invalid = (field, message) => ({ status: 400, code: "invalid_argument", field, message });

test("malformed JSON -> 400 on field body", async () => {
  for (const body of ['{"email": ', "{bad", "{'a': 1}", '{"a":1} trailing', "", "nul",
    '{"a":1,}']) {
    await refused("POST", "/api/v1/users", { body, headers: JSON_CT },
      invalid("body", body ? /not valid JSON/ : /required/));
  }
  // Invalid UTF-8 inside a string.
  await refused("POST", "/api/v1/users",
    { body: Buffer.from('{"name":"\xff"}', "latin1"), headers: JSON_CT }, invalid("body"));
});

test("a body that is not a JSON object -> 400 on field body", async () => {
  for (const json of [[], [goodUser()], "a string", 42, true, null]) {
    await refused("POST", "/api/v1/users", { json }, invalid("body", /JSON object/));
  }
});

test("wrong types -> 400 naming the field", async () => {
  const cases = [
    ["email", 5], ["name", true], ["role", 1], ["password", ["x"]], ["name", { a: 1 }],
  ];
  for (const [field, value] of cases) {
    await refused("POST", "/api/v1/users", { json: { ...goodUser(), [field]: value } },
      invalid(field, /must be a string/));
  }
  const patches = [
    ["disabled", "yes", /true or false/], ["disabled", 1, /true or false/],
    ["version", "1", /integer/], ["version", 1.5, /integer/], ["name", 7, /string/],
  ];
  for (const [field, value, message] of patches) {
    await refused("PATCH", `/api/v1/users/${target.id}`, { json: { [field]: value } },
      invalid(field, message));
  }
  await refused("POST", "/api/v1/tokens", { json: { name: "x", expires_in_days: "30" } },
    invalid("expires_in_days", /integer/));
  await refused("POST", "/api/v1/sessions",
    { json: { email: ["a@b.co"], password: "whatever it is" } }, invalid("email"));
});

test("unknown fields -> 400 naming them", async () => {
  await refused("POST", "/api/v1/users", { json: { ...goodUser(), is_admin: true } },
    invalid("is_admin", /not a known field/));
  // The password cannot be changed through PATCH.
  await refused("PATCH", `/api/v1/users/${target.id}`,
    { json: { name: "Fine", password: "sneaky new password" } },
    invalid("password", /not a known field/));
  await refused("PATCH", `/api/v1/users/${target.id}`, { json: { Name: "Typo" } },
    invalid("Name", /not a known field/));
  await refused("POST", "/api/v1/sessions",
    { json: { email: s.adminEmail, password: s.adminPassword, remember: true } },
    invalid("remember", /not a known field/));
});

test("a key given twice -> 400 naming it", async () => {
  await refused("POST", "/api/v1/tokens", { body: '{"name":"a","name":"b"}', headers: JSON_CT },
    invalid("name", /twice/));
  const u = goodUser();
  await refused("POST", "/api/v1/users", {
    body: `{"email":"${u.email}","name":"x","role":"sales","role":"admin","password":"${u.password}"}`,
    headers: JSON_CT,
  }, invalid("role", /twice/));
  // The same key in two different objects is fine; the body is then refused for its content.
  await refused("POST", "/api/v1/tokens", { body: '{"name":{"name":1}}', headers: JSON_CT },
    invalid("name", /string/));
});

test("deeply nested JSON is refused, and the server survives it", async () => {
  await refused("POST", "/api/v1/users",
    { body: "[".repeat(400000) + "]".repeat(400000), headers: JSON_CT }, invalid("body"));
  await refused("POST", "/api/v1/users",
    { body: '{"a":'.repeat(100000) + "1" + "}".repeat(100000), headers: JSON_CT },
    invalid("email", /required/));
  assert.equal((await s.request("GET", "/healthz")).status, 200);
});

test("missing required fields -> 400 naming the first missing one", async () => {
  for (const field of ["email", "name", "role", "password"]) {
    const json = goodUser();
    delete json[field];
    await refused("POST", "/api/v1/users", { json }, invalid(field, /required/));
    // null counts as missing.
    await refused("POST", "/api/v1/users", { json: { ...goodUser(), [field]: null } },
      invalid(field, /required/));
  }
  await refused("POST", "/api/v1/users", { json: {} }, invalid("email", /required/));
  await refused("POST", "/api/v1/tokens", { json: {} }, invalid("name", /required/));
  await refused("POST", `/api/v1/users/${target.id}/password`, { json: {} },
    invalid("password", /required/));
  await refused("POST", "/api/v1/sessions", { json: { email: s.adminEmail } },
    invalid("password", /required/));
});

test("over-long, blank and control-character strings -> 400 naming the field", async () => {
  await refused("POST", "/api/v1/users", { json: { ...goodUser(), name: "x".repeat(201) } },
    invalid("name", /200/));
  // Characters, not bytes, are counted: 201 two-byte characters are too many too.
  await refused("POST", "/api/v1/users", { json: { ...goodUser(), name: "é".repeat(201) } },
    invalid("name", /200/));
  await refused("PATCH", `/api/v1/users/${target.id}`, { json: { name: "y".repeat(201) } },
    invalid("name", /200/));
  await refused("POST", "/api/v1/users", { json: { ...goodUser(), name: "   " } },
    invalid("name"));
  await refused("POST", "/api/v1/users", { json: { ...goodUser(), name: "a\u0007b" } },
    invalid("name", /control/));
  await refused("POST", "/api/v1/users",
    { json: { ...goodUser(), password: "p".repeat(201) } }, invalid("password"));
  await refused("POST", "/api/v1/users", { json: { ...goodUser(), password: "short" } },
    invalid("password", /10/));
  await refused("POST", "/api/v1/tokens", { json: { name: "t".repeat(101) } },
    invalid("name", /100/));
});

test("the longest name allowed (200 characters) is accepted", async () => {
  const name = "é".repeat(200);
  const r = await s.request("POST", "/api/v1/users", { token: admin, json: { ...goodUser(), name } });
  assert.equal(r.status, 201);
  assert.equal(r.body.name, name);
});

test("invalid email -> 400 on field email", async () => {
  for (const email of ["not-an-email", "a@b", "a b@example.com", "@example.com", "a@",
    `${"x".repeat(250)}@example.com`, "a\u0001b@example.com", "a@b@example.com"]) {
    await refused("POST", "/api/v1/users", { json: { ...goodUser(), email } }, invalid("email"));
  }
  await refused("PATCH", `/api/v1/users/${target.id}`, { json: { email: "nope" } },
    invalid("email"));
  await refused("POST", "/api/v1/sessions", { json: { email: "nope", password: "whatever it is" } },
    invalid("email"));
});

test("an email already taken (in any case) -> 409 on field email", async () => {
  await refused("POST", "/api/v1/users", { json: { ...goodUser(), email: target.email } },
    { status: 409, code: "conflict", field: "email", message: /already exists/ });
  await refused("POST", "/api/v1/users",
    { json: { ...goodUser(), email: target.email.toUpperCase() } },
    { status: 409, code: "conflict", field: "email" });
  await refused("PATCH", `/api/v1/users/${target.id}`, { json: { email: s.adminEmail } },
    { status: 409, code: "conflict", field: "email" });
});

test("invalid role -> 400 on field role", async () => {
  for (const role of ["superuser", "Admin", "", "admin "]) {
    await refused("POST", "/api/v1/users", { json: { ...goodUser(), role } }, invalid("role"));
  }
  await refused("PATCH", `/api/v1/users/${target.id}`, { json: { role: "root" } },
    invalid("role", /admin, manager, sales, service, analyst/));
});

test("out-of-range numbers -> 400 naming the field", async () => {
  for (const days of [0, 731, -5]) {
    await refused("POST", "/api/v1/tokens", { json: { name: "x", expires_in_days: days } },
      invalid("expires_in_days"));
  }
  await refused("PATCH", `/api/v1/users/${target.id}`,
    { body: '{"version": 18446744073709551616}', headers: JSON_CT }, invalid("version"));
  await refused("PATCH", `/api/v1/users/${target.id}`, { json: { version: 0 } },
    invalid("version"));
});

test("a body over 1 MiB -> 413 payload_too_large", async () => {
  const json = { ...goodUser(), name: "x".repeat(1024 * 1024 + 10) };
  await refused("POST", "/api/v1/users", { json },
    { status: 413, code: "payload_too_large", field: "body" });
  await refused("PATCH", `/api/v1/users/${target.id}`,
    { body: `{"name":"${"n".repeat(2 * 1024 * 1024)}"}`, headers: JSON_CT },
    { status: 413, code: "payload_too_large", field: "body" });
});

test("a wrong content type -> 415 on field Content-Type", async () => {
  const body = JSON.stringify(goodUser());
  for (const ct of ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data",
    "application/jsonx", "application/json-patch+json", "text/json", "application/json; charset=latin1",
    "application/json; charset", "application /json", "application/json/x", "json"]) {
    await refused("POST", "/api/v1/users", { body, headers: { "Content-Type": ct } },
      { status: 415, code: "unsupported_media_type", field: "Content-Type" });
  }
  await refused("POST", "/api/v1/users", { body },
    { status: 415, code: "unsupported_media_type", field: "Content-Type" });
  // The media type is case-insensitive; parameters may follow (a charset must be UTF-8).
  for (const ct of ["application/json; charset=utf-8", "Application/JSON",
    "application/json;charset=\"UTF-8\"", "application/json ; charset=utf-8; foo=bar",
    "APPLICATION/JSON;"]) {
    const ok = await s.request("POST", "/api/v1/users",
      { token: admin, body: JSON.stringify(goodUser()), headers: { "Content-Type": ct } });
    assert.equal(ok.status, 201, `${ct} -> ${ok.status} ${JSON.stringify(ok.body)}`);
  }
});

test("unknown ids -> 404 on field id", async () => {
  for (const id of ["999999", "abc", "0", "-1", "1.5", "1e3", "99999999999999999999999"]) {
    await refused("GET", `/api/v1/users/${id}`, {},
      { status: 404, code: "not_found", field: "id" });
  }
  await refused("PATCH", "/api/v1/users/999999", { json: { name: "Ghost" } },
    { status: 404, code: "not_found", field: "id" });
  await refused("PATCH", "/api/v1/users/abc", { json: { name: "Ghost" } },
    { status: 404, code: "not_found", field: "id" });
  await refused("POST", "/api/v1/users/999999/password",
    { json: { password: "a long new password" } }, { status: 404, code: "not_found", field: "id" });
  await refused("DELETE", "/api/v1/tokens/999999", {},
    { status: 404, code: "not_found", field: "id" });
  await refused("DELETE", "/api/v1/tokens/abc", {},
    { status: 404, code: "not_found", field: "id" });
  // A user named in a body is reported on that field.
  await refused("POST", "/api/v1/tokens", { json: { name: "x", user_id: 999999 } },
    { status: 404, code: "not_found", field: "user_id" });
});

test("unknown endpoints -> 404 with a JSON body", async () => {
  for (const [method, path] of [["GET", "/api/v1/nothing"], ["GET", "/api/v2/users"],
    ["DELETE", "/api/v1/audit/1"], ["GET", "/api/v1/users/1/nothing"], ["GET", "/nothing-here"]]) {
    const r = await refused(method, path, {}, { status: 404, code: "not_found", field: null });
    assert.match(r.body.error.message, /no such endpoint/);
    assert.ok(r.headers.get("x-request-id"));
  }
});

test("a known path with a method it does not take -> 405 with Allow and a JSON body", async () => {
  for (const [method, path, allow] of [["PUT", "/api/v1/users", "GET, POST"],
    ["DELETE", "/api/v1/users/1", "GET, PATCH"], ["PUT", "/api/v1/users/1/", "GET, PATCH"],
    ["POST", "/api/v1/audit", "GET"], ["DELETE", "/api/v1/audit", "GET"],
    ["POST", "/healthz", "GET"], ["GET", "/api/v1/sessions", "POST"]]) {
    const variants = method === "GET" ? [{}, { token: null }] : [{}, { json: goodUser() }, { token: null }];
    for (const opts of variants) {
      const r = await refused(method, path, opts,
        { status: 405, code: "method_not_allowed", field: "method", message: /not allowed/ });
      assert.equal(r.headers.get("allow"), allow, `${method} ${path}`);
      assert.ok(r.headers.get("x-request-id"));
    }
  }
});

test("a stale update -> 409 on field version, by If-Match or by body version", async () => {
  const u = await s.userWithRole(admin, "analyst");
  const first = await s.request("GET", `/api/v1/users/${u.id}`, { token: admin });
  assert.equal(first.headers.get("etag"), `"${first.body.version}"`);
  // Someone else changes it.
  const other = await s.request("PATCH", `/api/v1/users/${u.id}`,
    { token: admin, json: { name: "Changed Elsewhere" }, headers: { "If-Match": first.headers.get("etag") } });
  assert.equal(other.status, 200);
  assert.equal(other.body.version, first.body.version + 1);
  assert.equal(other.headers.get("etag"), `"${other.body.version}"`);
  // Our stale write is refused.
  const conflict = { status: 409, code: "conflict", field: "version", message: /changed by someone else/ };
  await refused("PATCH", `/api/v1/users/${u.id}`,
    { json: { name: "Stale" }, headers: { "If-Match": first.headers.get("etag") } }, conflict);
  await refused("PATCH", `/api/v1/users/${u.id}`,
    { json: { name: "Stale" }, headers: { "If-Match": `W/"${first.body.version}"` } }, conflict);
  await refused("PATCH", `/api/v1/users/${u.id}`,
    { json: { name: "Stale", version: first.body.version } }, conflict);
  // A malformed If-Match names the header.
  for (const h of ["abc", "*", '"1', '""']) {
    await refused("PATCH", `/api/v1/users/${u.id}`,
      { json: { name: "Stale" }, headers: { "If-Match": h } }, invalid("If-Match"));
  }
  // With the current version it goes through.
  const ok = await s.request("PATCH", `/api/v1/users/${u.id}`,
    { token: admin, json: { name: "Fresh", version: other.body.version } });
  assert.equal(ok.status, 200);
  assert.equal(ok.body.name, "Fresh");
});

test("bad query parameters -> 400 naming the parameter", async () => {
  const cases = [
    ["/api/v1/users?colour=red", "colour", /not a query parameter/],
    ["/api/v1/users?limit=0", "limit", /between 1 and 500/],
    ["/api/v1/users?limit=501", "limit", /between 1 and 500/],
    ["/api/v1/users?limit=-3", "limit", /between 1 and 500/],
    ["/api/v1/users?limit=abc", "limit", /integer/],
    ["/api/v1/users?limit=", "limit", /integer/],
    ["/api/v1/users?limit=2.5", "limit", /integer/],
    ["/api/v1/users?limit=99999999999", "limit", null],
    ["/api/v1/users?cursor=bogus", "cursor", /not a cursor/],
    ["/api/v1/users?cursor=i12x", "cursor", /not a cursor/],
    ["/api/v1/users?cursor=i9999999999999999999", "cursor", /not a cursor/],
    ["/api/v1/users?role=wizard", "role", null],
    ["/api/v1/users?disabled=maybe", "disabled", /true or false/],
    ["/api/v1/users?q=%01", "q", /control/],
    ["/api/v1/me?verbose=1", "verbose", /not a query parameter/],
    ["/api/v1/me?verbose", "verbose", /name=value/],
    ["/api/v1/users?q", "q", /name=value/],
    ["/api/v1/users?limit=1;q=x", "limit", /integer/],
    ["/api/v1/tokens?limit=0", "limit", null],
    ["/api/v1/tokens?cursor=zz", "cursor", null],
    ["/api/v1/tokens?user_id=1", "user_id", /not a query parameter/],
  ];
  for (const [path, field, message] of cases) {
    await refused("GET", path, {}, invalid(field, message ?? undefined));
  }
  // Query parameters on a write are refused too, and nothing is written.
  await refused("POST", "/api/v1/users?dry_run=1", { json: goodUser() }, invalid("dry_run"));
});

test("bad filters on /api/v1/audit -> 400 naming the parameter", async () => {
  const cases = [
    ["from=yesterday", "from"], ["to=2026-02-30", "to"], ["from=2026-13-01", "from"],
    ["to=2026-11-23T25%3A00", "to"], ["from=20261123", "from"], ["from=", "from"],
    ["user_id=abc", "user_id"], ["user_id=0", "user_id"], ["user_id=-1", "user_id"],
    ["limit=0", "limit"], ["limit=x", "limit"], ["cursor=x1", "cursor"],
    ["action=create", "action"], ["entity_type=user", "entity_type"],
  ];
  for (const [q, field] of cases) {
    await refused("GET", `/api/v1/audit?${q}`, {}, invalid(field));
  }
});

test("well-formed filters with encoded times are accepted", async () => {
  const r = await s.request("GET",
    `/api/v1/audit?from=${encodeURIComponent("2020-01-01T00:00:00Z")}&to=2099-01-01&limit=2`,
    { token: admin });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.items.length, 2);
});

// Exchange::query() parses the query with RESTinio's default (x-www-form-urlencoded) traits,
// while the server's unknown-parameter check uses javascript_compatible: a ':' or '@' that
// clients (fetch, curl) send unescaped makes the default parser throw, which becomes a 500.
test("query values with unescaped ':' and '@' are read", async () => {
  const a = await s.request("GET", "/api/v1/audit?to=2099-01-01T00:00:00Z", { token: admin });
  assert.equal(a.status, 200, JSON.stringify(a.body));
  const u = await s.request("GET", `/api/v1/users?q=${s.adminEmail}`, { token: admin });
  assert.equal(u.status, 200, JSON.stringify(u.body));
  assert.equal(u.body.items.length, 1);
  // '!' '(' ')' '*' '/' ',' too, and '+' is a space; the value is read exactly as sent.
  const odd = await s.request("GET", "/api/v1/users?q=!(x)*/,+y", { token: admin });
  assert.equal(odd.status, 200, JSON.stringify(odd.body));
  const named = await s.request("GET", "/api/v1/users?q=Demo+Admin", { token: admin });
  assert.equal(named.status, 200, JSON.stringify(named.body));
  assert.equal(named.body.items.length, 1);
});

test("a query with broken percent-encoding -> 400 naming the parameter", async () => {
  for (const [q, name] of [["cursor=%ZZ", "cursor"], ["q=%", "q"], ["q=%E2%82", "q"],
    ["limit=2&q=%FF", "q"], ["q%ZZ=1", "query"], ["q=%C3%28", "q"]]) {
    const beforeState = s.state();
    const r = await s.request("GET", `/api/v1/users?${q}`, { token: admin });
    assert.equal(r.status, 400, `${q} -> ${r.status} ${JSON.stringify(r.body)}`);
    assert.equal(r.body.error.code, "invalid_argument");
    assert.ok([name, "query"].includes(r.body.error.field), JSON.stringify(r.body));
    assert.deepEqual(s.state(), beforeState);
  }
});

test("the server is still healthy after all of it", async () => {
  const r = await s.request("GET", "/healthz");
  assert.equal(r.status, 200);
  const me = await s.request("GET", "/api/v1/me", { token: admin });
  assert.equal(me.status, 200);
});
