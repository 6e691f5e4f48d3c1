// Customers over HTTP: create/read/update/delete/restore, duplicates (409 with existing_id),
// search in Latin and Chinese, filters and cursor pages, merge, 360, timeline, contacts, bulk;
// and bad input of every kind, which names the field and writes nothing.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer } from "./lib.mjs";

let s;
let admin;
let analyst;
let sales;

before(async () => {
  s = await startServer();
  admin = await s.signIn(s.adminEmail, s.adminPassword);
  analyst = (await s.userWithRole(admin, "analyst")).token;
  sales = await s.userWithRole(admin, "sales");
});
after(async () => { await s.stop(); });

const create = async (json, token = admin) =>
  s.request("POST", "/api/v1/customers", { token, json });

// What a refused request must not change.
function snapshot() {
  return s.sql(
    "SELECT (SELECT count(*) FROM customers) AS customers, " +
    "(SELECT max(version) || ':' || sum(version) FROM customers) AS versions, " +
    "(SELECT count(*) FROM customer_tags) AS tags, " +
    "(SELECT count(*) FROM customer_external_ids) AS ext, " +
    "(SELECT count(*) FROM interactions) AS interactions, " +
    "(SELECT count(*) FROM audit_log) AS audit");
}

test("create, read, update with If-Match, stale version 409", async () => {
  const r = await create({ name: "Zoë Müller", email: " Zoe@Example.com ", phone: "+41 44 668 18 00",
    birth_date: "1995-06-15", gender: "female", street: "Bahnhofstrasse 1", city: "Zürich",
    postal_code: "8001", country: "ch", owner_id: sales.id, tags: ["vip", "newsletter"],
    custom: { shoe_size: "38" }, external_ids: [{ source: "Shopify", id: "A-1" }],
    email_consent: { granted: true, at: "2026-01-02T03:04:05Z", source: "web form" },
    sms_consent: { granted: false } });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  const c = r.body;
  assert.equal(r.headers.get("location"), `/api/v1/customers/${c.id}`);
  assert.equal(r.headers.get("etag"), '"1"');
  assert.equal(c.phone, "+41446681800");
  assert.equal(c.country, "CH");
  assert.equal(c.email, "Zoe@Example.com");
  assert.match(c.age_group, /^(25-34|18-24)$/);
  assert.deepEqual(c.tags, ["newsletter", "vip"]);
  assert.deepEqual(c.external_ids, [{ source: "shopify", id: "A-1" }]);
  assert.deepEqual(c.email_consent, { granted: true, at: "2026-01-02T03:04:05.000Z", source: "web form" });
  assert.equal(c.sms_consent.granted, false);

  const g = await s.request("GET", `/api/v1/customers/${c.id}`, { token: analyst });
  assert.equal(g.status, 200);
  assert.deepEqual(g.body, c);

  const u = await s.request("PATCH", `/api/v1/customers/${c.id}`,
    { token: sales.token, json: { city: null, tags: ["vip"] }, headers: { "If-Match": '"1"' } });
  assert.equal(u.status, 200, JSON.stringify(u.body));
  assert.equal(u.body.city, null);
  assert.equal(u.body.street, "Bahnhofstrasse 1");
  assert.equal(u.body.version, 2);
  const before = snapshot();
  const stale = await s.request("PATCH", `/api/v1/customers/${c.id}`,
    { token: sales.token, json: { city: "Bern" }, headers: { "If-Match": '"1"' } });
  assert.equal(stale.status, 409);
  assert.equal(stale.body.error.field, "version");
  const staleBody = await s.request("PATCH", `/api/v1/customers/${c.id}`,
    { token: sales.token, json: { city: "Bern", version: 1 } });
  assert.equal(staleBody.status, 409);
  assert.deepEqual(snapshot(), before);

  const audit = s.sql(`SELECT action, before, after FROM audit_log WHERE entity = 'customer' AND entity_id = '${c.id}' ORDER BY id`);
  assert.deepEqual(audit.map((a) => a.action), ["create", "update"]);
  assert.equal(JSON.parse(audit[1].before).city, "Zürich");
  assert.equal(JSON.parse(audit[1].after).city, null);
});

test("a duplicate email or phone answers 409 with the existing id, also on update", async () => {
  const a = (await create({ name: "Dup A", email: "dup@example.com", phone: "+86 138 0013 8000" })).body;
  const before = snapshot();
  let r = await create({ name: "Dup B", email: "DUP@example.COM" });
  assert.equal(r.status, 409);
  assert.equal(r.body.error.code, "conflict");
  assert.equal(r.body.error.field, "email");
  assert.equal(r.body.error.existing_id, a.id);
  r = await create({ name: "Dup C", phone: "+8613800138000" });
  assert.equal(r.status, 409);
  assert.equal(r.body.error.field, "phone");
  assert.equal(r.body.error.existing_id, a.id);
  assert.deepEqual(snapshot(), before);
  const b = (await create({ name: "Dup D" })).body;
  r = await s.request("PATCH", `/api/v1/customers/${b.id}`, { token: admin, json: { email: "dup@example.com" } });
  assert.equal(r.status, 409);
  assert.equal(r.body.error.existing_id, a.id);
});

test("bad input names the field and writes nothing", async () => {
  const target = (await create({ name: "Target" })).body;
  const cases = [
    [{}, "name"],
    [{ name: "" }, "name"],
    [{ name: 5 }, "name"],
    [{ name: "x".repeat(201) }, "name"],
    [{ name: "A", nope: 1 }, "nope"],
    [{ name: "A", email: "not-an-email" }, "email"],
    [{ name: "A", phone: "12" }, "phone"],
    [{ name: "A", phone: 12 }, "phone"],
    [{ name: "A", birth_date: "1990-02-30" }, "birth_date"],
    [{ name: "A", birth_date: "2999-01-01" }, "birth_date"],
    [{ name: "A", gender: "f" }, "gender"],
    [{ name: "A", country: "XX" }, "country"],
    [{ name: "A", kind: "company" }, "kind"],
    [{ name: "A", owner_id: "1" }, "owner_id"],
    [{ name: "A", owner_id: 0 }, "owner_id"],
    [{ name: "A", tags: "vip" }, "tags"],
    [{ name: "A", tags: [1] }, "tags[0]"],
    [{ name: "A", tags: Array.from({ length: 51 }, (_, i) => `t${i}`) }, "tags"],
    [{ name: "A", custom: { "bad key": "x" } }, "custom.bad key"],
    [{ name: "A", custom: { k: 1 } }, "custom.k"],
    [{ name: "A", custom: [] }, "custom"],
    [{ name: "A", custom: { k: "x".repeat(1001) } }, "custom.k"],
    [{ name: "A", external_ids: [{ source: "pos" }] }, "external_ids[0].id"],
    [{ name: "A", external_ids: [{ source: "pos", id: "1", extra: 1 }] }, "external_ids[0].extra"],
    [{ name: "A", email_consent: true }, "email_consent"],
    [{ name: "A", email_consent: { source: "x" } }, "email_consent.granted"],
    [{ name: "A", email_consent: { granted: true, at: "yesterday" } }, "email_consent.at"],
    [{ name: "A", organisation_id: target.id }, "organisation_id"],
  ];
  const before = snapshot();
  for (const [json, field] of cases) {
    const r = await create(json);
    assert.equal(r.status, 400, `${JSON.stringify(json).slice(0, 80)} -> ${r.status} ${JSON.stringify(r.body)}`);
    assert.equal(r.body.error.field, field, JSON.stringify(json).slice(0, 80));
  }
  const notFound = [[{ name: "A", owner_id: 999999 }, "owner_id"], [{ name: "A", organisation_id: 999999 }, "organisation_id"]];
  for (const [json, field] of notFound) {
    const r = await create(json);
    assert.equal(r.status, 404);
    assert.equal(r.body.error.field, field);
  }
  for (const [p, status] of [["/api/v1/customers/999999", 404], ["/api/v1/customers/abc", 404],
    ["/api/v1/customers/999999/360", 404], ["/api/v1/customers/999999/timeline", 404],
    ["/api/v1/customers?limit=0", 400], ["/api/v1/customers?sort=email", 400],
    ["/api/v1/customers?cursor=zzz", 400], ["/api/v1/customers?age_group=20-30", 400],
    ["/api/v1/customers?created_from=soon", 400], ["/api/v1/customers?owner=-1", 400],
    ["/api/v1/customers?deleted=maybe", 400], ["/api/v1/customers?country=ZZ", 400],
    ["/api/v1/customers?has_email_consent=yes", 400], ["/api/v1/customers?unknown=1", 400]]) {
    const r = await s.request("GET", p, { token: admin });
    assert.equal(r.status, status, `${p} -> ${r.status}`);
  }
  const big = await s.request("POST", "/api/v1/customers",
    { token: admin, body: JSON.stringify({ name: "x".repeat(1024 * 1024 + 1) }), headers: { "Content-Type": "application/json" } });
  assert.equal(big.status, 413);
  assert.deepEqual(snapshot(), before);
});

test("forbidden roles write nothing", async () => {
  const c = (await create({ name: "Guarded" })).body;
  const other = (await create({ name: "Guarded Other" })).body;
  const before = snapshot();
  for (const [method, p, json] of [
    ["POST", "/api/v1/customers", { name: "Nope" }],
    ["PATCH", `/api/v1/customers/${c.id}`, { name: "Nope" }],
    ["DELETE", `/api/v1/customers/${c.id}`],
    ["POST", `/api/v1/customers/${c.id}/merge`, { other_id: other.id }],
    ["POST", `/api/v1/customers/${c.id}/interactions`, { channel: "phone" }],
    ["POST", "/api/v1/customers/bulk", { customers: [{ name: "Nope" }] }],
  ]) {
    const r = await s.request(method, p, { token: analyst, json });
    assert.equal(r.status, 403, `${method} ${p}`);
  }
  for (const [method, p, json] of [
    ["DELETE", `/api/v1/customers/${c.id}`],
    ["POST", `/api/v1/customers/${c.id}/restore`],
    ["POST", `/api/v1/customers/${c.id}/merge`, { other_id: other.id }],
    ["POST", "/api/v1/customers/bulk", { customers: [{ name: "Nope" }] }],
  ]) {
    const r = await s.request(method, p, { token: sales.token, json });
    assert.equal(r.status, 403, `${method} ${p}`);
  }
  assert.deepEqual(snapshot(), before);
});

test("search by name, email and phone in Latin and Chinese, with filters and cursor pages", async () => {
  const names = ["王芳", "王芳芳", "李王芳", "王小明", "Wang Fang", "Anna Wangari", "Ångström Wanja"];
  for (const name of names) assert.equal((await create({ name, tags: ["search-test"] })).status, 201);
  await create({ name: "Phone Only", phone: "+86 139 1234 5678", email: "phone.only@example.org", tags: ["search-test"] });
  const search = async (q, extra = "") => {
    const r = await s.request("GET", `/api/v1/customers?q=${encodeURIComponent(q)}&tag=search-test${extra}`, { token: analyst });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    return r.body.items.map((c) => c.name).sort();
  };
  assert.deepEqual(await search("王"), ["王小明", "王芳", "王芳芳"]);
  assert.deepEqual(await search("王芳"), ["王芳", "王芳芳"]);
  assert.deepEqual(await search("王芳芳"), ["王芳芳"]);
  assert.deepEqual(await search("李王芳"), ["李王芳"]);
  assert.deepEqual(await search("wan"), ["Anna Wangari", "Wang Fang", "Ångström Wanja"]);
  assert.deepEqual(await search("WANG"), ["Anna Wangari", "Wang Fang"]);
  assert.deepEqual(await search("phone.only@"), ["Phone Only"]);
  assert.deepEqual(await search("139 1234"), ["Phone Only"]);
  assert.deepEqual(await search("ngström"), ["Ångström Wanja"]);
  // Pages of 2 sorted by name descending: every match exactly once, in order.
  let cursor = null;
  const seen = [];
  do {
    const r = await s.request("GET", `/api/v1/customers?tag=search-test&sort=-name&limit=2${cursor ? `&cursor=${cursor}` : ""}`, { token: admin });
    assert.equal(r.status, 200);
    assert.ok(r.body.items.length <= 2);
    seen.push(...r.body.items.map((c) => c.name));
    cursor = r.body.next_cursor;
  } while (cursor);
  assert.equal(seen.length, names.length + 1);
  const folded = seen.map((n) => n.replace(/[A-Z]/g, (c) => c.toLowerCase()));
  assert.deepEqual(folded, [...folded].sort().reverse());
});

test("delete, restore, deleted filter", async () => {
  const c = (await create({ name: "Soft Delete Me", email: "soft@example.com" })).body;
  let r = await s.request("DELETE", `/api/v1/customers/${c.id}`, { token: admin });
  assert.equal(r.status, 200);
  assert.ok(r.body.deleted_at);
  r = await s.request("GET", "/api/v1/customers?q=Soft%20Delete", { token: admin });
  assert.equal(r.body.items.length, 0);
  r = await s.request("GET", "/api/v1/customers?q=Soft%20Delete&deleted=true", { token: admin });
  assert.equal(r.body.items.length, 1);
  r = await s.request("PATCH", `/api/v1/customers/${c.id}`, { token: admin, json: { name: "X" } });
  assert.equal(r.status, 409);
  // While it is deleted its email is free; restoring would duplicate it.
  const taker = (await create({ name: "Taker", email: "soft@example.com" })).body;
  r = await s.request("POST", `/api/v1/customers/${c.id}/restore`, { token: admin });
  assert.equal(r.status, 409);
  assert.equal(r.body.error.existing_id, taker.id);
  await s.request("PATCH", `/api/v1/customers/${taker.id}`, { token: admin, json: { email: null } });
  r = await s.request("POST", `/api/v1/customers/${c.id}/restore`, { token: admin });
  assert.equal(r.status, 200);
  assert.equal(r.body.deleted_at, null);
});

test("merge moves interactions, tags and external ids; timeline, audit; 360 and contacts", async () => {
  const org = (await create({ name: "ACME 有限公司", kind: "organisation" })).body;
  const keep = (await create({ name: "Keep", tags: ["a"], organisation_id: org.id })).body;
  const dup = (await create({ name: "Keep (dup)", email: "keep-dup@example.com", tags: ["b"],
    external_ids: [{ source: "pos", id: "K1" }] })).body;
  let r = await s.request("POST", `/api/v1/customers/${dup.id}/interactions`,
    { token: sales.token, json: { channel: "visit", direction: "inbound", subject: "Came by", body: "Asked about returns",
      at: "2026-01-05T10:00:00Z" } });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  assert.equal(r.body.user_id, sales.id);
  r = await s.request("POST", `/api/v1/customers/${keep.id}/merge`, { token: admin, json: { other_id: dup.id } });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.deepEqual(r.body.tags, ["a", "b"]);
  assert.equal(r.body.email, "keep-dup@example.com");
  assert.deepEqual(r.body.external_ids, [{ source: "pos", id: "K1" }]);
  const gone = await s.request("GET", `/api/v1/customers/${dup.id}`, { token: admin });
  assert.equal(gone.body.merged_into, keep.id);

  r = await s.request("GET", `/api/v1/customers/${keep.id}/timeline?channel=visit`, { token: analyst });
  assert.equal(r.status, 200);
  assert.equal(r.body.items.length, 1);
  assert.equal(r.body.items[0].subject, "Came by");
  r = await s.request("GET", `/api/v1/customers/${keep.id}/timeline?kind=customer_merged`, { token: analyst });
  assert.equal(r.body.items.length, 1);
  assert.equal(r.body.items[0].ref_id, dup.id);
  const audit = s.sql(`SELECT entity_id, after FROM audit_log WHERE action = 'merge' ORDER BY id`);
  const other = audit.find((a) => a.entity_id === String(dup.id));
  assert.ok(JSON.parse(other.after).moved_to_survivor.interactions.length >= 2);

  r = await s.request("GET", `/api/v1/customers/${keep.id}/360`, { token: analyst });
  assert.equal(r.status, 200);
  assert.equal(r.body.customer.id, keep.id);
  assert.equal(r.body.figures.orders_count, 0);
  assert.equal(r.body.figures.first_purchase_at, null);
  assert.ok(r.body.timeline.length >= 3 && r.body.timeline.length <= 10);
  assert.deepEqual(r.body.orders, []);

  r = await s.request("GET", `/api/v1/customers/${org.id}/contacts`, { token: analyst });
  assert.deepEqual(r.body.items.map((c) => c.id), [keep.id]);

  // Timeline pages newest first.
  for (let i = 0; i < 5; i++) {
    await s.request("POST", `/api/v1/customers/${keep.id}/interactions`,
      { token: admin, json: { channel: "email", kind: "note", subject: `n${i}` } });
  }
  let cursor = null;
  const ats = [];
  do {
    r = await s.request("GET", `/api/v1/customers/${keep.id}/timeline?limit=3${cursor ? `&cursor=${cursor}` : ""}`, { token: analyst });
    ats.push(...r.body.items.map((e) => `${e.at}#${String(e.id).padStart(9, "0")}`));
    cursor = r.body.next_cursor;
  } while (cursor);
  assert.deepEqual(ats, [...ats].sort().reverse());
  assert.equal(new Set(ats).size, ats.length);
});

test("merge also moves tickets, reviews, surveys and personal coupons; a clashing review stays", async () => {
  const post = async (path, json) => {
    const r = await s.request("POST", path, { token: admin, json });
    assert.equal(r.status, 201, `${path}: ${JSON.stringify(r.body)}`);
    return r.body;
  };
  const keep = (await create({ name: "Keeper" })).body;
  const dup = (await create({ name: "Keeper twin" })).body;
  const tea = await post("/api/v1/products", { sku: "MERGE-TEA", name: "Tea", price_minor: 900, currency: "USD" });
  const pot = await post("/api/v1/products", { sku: "MERGE-POT", name: "Pot", price_minor: 2900, currency: "USD" });
  const ticket = await post("/api/v1/tickets", { type: "complaint", channel: "phone", customer_id: dup.id, subject: "Cracked pot" });
  const keptReview = await post("/api/v1/reviews", { product_id: tea.id, customer_id: keep.id, rating: 4 });
  const clash = await post("/api/v1/reviews", { product_id: tea.id, customer_id: dup.id, rating: 2 });
  const moves = await post("/api/v1/reviews", { product_id: pot.id, customer_id: dup.id, rating: 5 });
  // Helpful votes: the duplicate's move unless the survivor voted on the review too, or wrote it.
  const third = (await create({ name: "Third reviewer" })).body;
  const r3 = await post("/api/v1/reviews", { product_id: tea.id, customer_id: third.id, rating: 3 });
  const r4 = await post("/api/v1/reviews", { product_id: pot.id, customer_id: third.id, rating: 4 });
  for (const [review, voter] of [[r3, dup], [r4, dup], [r4, keep], [keptReview, dup], [moves, keep]]) {
    await post(`/api/v1/reviews/${review.id}/votes`, { customer_id: voter.id });
  }
  const hour = 3600 * 1000;
  const coupon = (await post("/api/v1/coupons", { code: "TWIN-10", percent_off: 10, customer_id: dup.id,
    starts_at: new Date(Date.now() - hour).toISOString(), ends_at: new Date(Date.now() + hour).toISOString() })).items[0];

  const r = await s.request("POST", `/api/v1/customers/${keep.id}/merge`, { token: admin, json: { other_id: dup.id } });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  const tickets = await s.request("GET", `/api/v1/tickets?customer=${keep.id}`, { token: admin });
  assert.deepEqual(tickets.body.items.map((x) => x.id), [ticket.id]);
  const reviews = await s.request("GET", `/api/v1/customers/${keep.id}/reviews`, { token: admin });
  assert.deepEqual(reviews.body.items.map((x) => x.id).sort((a, b) => a - b), [keptReview.id, moves.id]);
  const left = await s.request("GET", `/api/v1/customers/${dup.id}/reviews`, { token: admin });
  assert.deepEqual(left.body.items.map((x) => x.id), [clash.id]);
  const coupons = await s.request("GET", `/api/v1/coupons?customer_id=${keep.id}`, { token: admin });
  assert.deepEqual(coupons.body.items.map((x) => x.id), [coupon.id]);
  // The audit entry lists what moved, to undo the merge by.
  const [{ after }] = s.sql(`SELECT after FROM audit_log WHERE action = 'merge' AND entity_id = '${dup.id}'`);
  const moved = JSON.parse(after).moved_to_survivor;
  assert.deepEqual(moved.tickets, [ticket.id]);
  assert.deepEqual(moved.reviews, [moves.id]);
  assert.deepEqual(moved.coupons, [coupon.id]);
  assert.deepEqual(moved.review_votes, [r3.id]);
  // The survivor's vote on a review that became its own goes, and its count with it.
  assert.deepEqual(moved.removed_self_votes, [moves.id]);
  assert.equal(s.sql(`SELECT helpful_count FROM reviews WHERE id = ${moves.id}`)[0].helpful_count, 0);
  const votes = (who) => s.sql(`SELECT review_id FROM review_votes WHERE customer_id = ${who} ORDER BY 1`).map((v) => v.review_id);
  assert.deepEqual(votes(keep.id), [r3.id, r4.id]);
  assert.deepEqual(votes(dup.id), [keptReview.id, r4.id].sort((a, b) => a - b));
});

test("bulk upsert: all or nothing with per-item errors", async () => {
  let r = await s.request("POST", "/api/v1/customers/bulk", { token: admin, json: { mode: "upsert", customers: [
    { name: "Bulk One", external_ids: [{ source: "shop", id: "B1" }] },
    { name: "Bulk Two", email: "bulk2@example.com" },
  ] } });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.created, 2);
  const [one, two] = r.body.items;
  r = await s.request("POST", "/api/v1/customers/bulk", { token: admin, json: { mode: "upsert", customers: [
    { name: "Bulk One v2", external_ids: [{ source: "shop", id: "B1" }] },
    { name: "Bulk Two v2", email: "BULK2@example.com" },
    { name: "Bulk Three", phone: "+14155550199" },
  ] } });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.deepEqual([r.body.created, r.body.updated], [1, 2]);
  assert.deepEqual(r.body.items.slice(0, 2).map((i) => [i.id, i.action]), [[one.id, "updated"], [two.id, "updated"]]);
  const three = r.body.items[2];
  assert.equal(three.action, "created");

  const before = snapshot();
  r = await s.request("POST", "/api/v1/customers/bulk", { token: admin, json: { customers: [
    { name: "Fine" }, { name: "Bad", email: "nope" }, { name: "Bad 2", wat: 1 }, { name: 7 },
  ] } });
  assert.equal(r.status, 400);
  assert.deepEqual(r.body.error.items.map((e) => [e.index, e.field]),
    [[1, "customers[1].email"], [2, "customers[2].wat"], [3, "customers[3].name"]]);
  r = await s.request("POST", "/api/v1/customers/bulk", { token: admin, json: { customers: [
    { name: "Fine" }, { name: "Dup", email: "bulk2@example.com" }, { name: "Again", phone: "+1 415 555 0199" },
  ] } });
  assert.equal(r.status, 409);
  assert.deepEqual(r.body.error.items.map((e) => [e.index, e.field, e.existing_id]),
    [[1, "customers[1].email", two.id], [2, "customers[2].phone", three.id]]);
  r = await s.request("POST", "/api/v1/customers/bulk", { token: admin,
    json: { customers: Array.from({ length: 1001 }, (_, i) => ({ name: `n${i}` })) } });
  assert.equal(r.status, 400);
  assert.equal(r.body.error.field, "customers");
  r = await s.request("POST", "/api/v1/customers/bulk", { token: admin, json: { mode: "merge", customers: [{ name: "x" }] } });
  assert.equal(r.body.error.field, "mode");
  assert.deepEqual(snapshot(), before);

  // 1,000 at once are accepted.
  r = await s.request("POST", "/api/v1/customers/bulk", { token: admin,
    json: { customers: Array.from({ length: 1000 }, (_, i) => ({ name: `Many ${i}`, email: `many${i}@example.com` })) } });
  assert.equal(r.status, 200);
  assert.equal(r.body.created, 1000);
});
