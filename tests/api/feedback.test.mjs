// Customer feedback over HTTP: reviews (verified purchase, replace with history, moderation,
// helpful votes, the product's rating, sorted and paged lists, the timeline), CSAT/NPS surveys
// (the rules, one response per invitation, reports) and the knowledge base (safe Markdown,
// drafts, search in English and Chinese, tickets solved by an article), with bad input refused
// naming the field and nothing written.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, sqlite } from "./lib.mjs";

let s;
let admin;
let roles;  // role -> {id, token}
let buyer;  // bought the product
let other;
let third;
let gone;   // a deleted customer
let product;

function counts() {
  const [row] = s.sql(
    "SELECT (SELECT count(*) FROM reviews) AS reviews, (SELECT count(*) FROM review_votes) AS " +
    "votes, (SELECT count(*) FROM survey_invitations) AS invitations, (SELECT count(*) FROM " +
    "survey_responses) AS responses, (SELECT count(*) FROM kb_articles) AS articles, (SELECT " +
    "count(*) FROM kb_categories) AS categories, (SELECT count(*) FROM ticket_articles) AS " +
    "links, (SELECT count(*) FROM interactions) AS timeline, (SELECT count(*) FROM audit_log) " +
    "AS audit, (SELECT group_concat(product_id || ':' || stars_1 || stars_2 || stars_3 || " +
    "stars_4 || stars_5) FROM product_ratings) AS ratings");
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
  buyer = insert("INSERT INTO customers (name, created_at, updated_at) VALUES ('王芳', 0, 0)");
  other = insert("INSERT INTO customers (name, created_at, updated_at) VALUES ('Ann Lee', 0, 0)");
  third = insert("INSERT INTO customers (name, created_at, updated_at) VALUES ('Bo Chen', 0, 0)");
  gone = insert(
    "INSERT INTO customers (name, created_at, updated_at, deleted_at) VALUES ('Gone', 0, 0, 1)");
  product = await created("/api/v1/products",
    { sku: "TEA-1", name: "Green tea", price_minor: 1250, currency: "CNY" });
  await created("/api/v1/orders",
    { customer_id: buyer, channel: "store", location: "Shanghai",
      lines: [{ product_id: product.id, quantity: 1 }] });
});
after(async () => { await s.stop(); });

test("reviews: verified purchase, replace with history, moderation, votes, exact rating", async () => {
  const R = "/api/v1/reviews";
  const first = await created(R, { product_id: product.id, customer_id: buyer, rating: 5,
    title: "<script>alert(1)</script>", body: "好喝 [x](javascript:alert(1))" }, roles.sales.token);
  assert.equal(first.verified_purchase, true);
  assert.equal(first.title, "<script>alert(1)</script>");  // stored as text, as given
  assert.equal(first.channel, "web");
  const b = await created(R, { product_id: product.id, customer_id: other, rating: 2,
    channel: "store" });
  assert.equal(b.verified_purchase, false);
  let rating = (await s.request("GET", `/api/v1/products/${product.id}/rating`,
    { token: roles.analyst.token })).body;
  assert.deepEqual(rating, { product_id: product.id, count: 2, mean: 3.5,
    distribution: { 1: 0, 2: 1, 3: 0, 4: 0, 5: 1 } });
  // A second review by the same customer replaces the first, which stays as history.
  const second = await created(R, { product_id: product.id, customer_id: buyer, rating: 3 });
  assert.equal(second.replaces, first.id);
  const old = (await s.request("GET", `${R}/${first.id}`, { token: admin })).body;
  assert.equal(old.current, false);
  rating = (await s.request("GET", `/api/v1/products/${product.id}/rating`, { token: admin })).body;
  assert.equal(rating.count, 2);
  assert.equal(rating.mean, 2.5);
  const history = await s.request("GET", `/api/v1/customers/${buyer}/reviews`, { token: admin });
  assert.deepEqual(history.body.items.map((r) => r.id), [second.id, first.id]);
  // Votes.
  const voted = await s.request("POST", `${R}/${second.id}/votes`,
    { token: roles.sales.token, json: { customer_id: other } });
  assert.equal(voted.status, 201);
  assert.equal(voted.body.helpful_count, 1);
  await refused("POST", `${R}/${second.id}/votes`, { customer_id: other },
    { status: 409, code: "conflict", field: "customer_id", message: /already/ });
  await refused("POST", `${R}/${second.id}/votes`, { customer_id: buyer },
    { status: 409, code: "conflict", field: "customer_id", message: /own review/ });
  await refused("POST", `${R}/${first.id}/votes`, { customer_id: third },
    { status: 409, code: "conflict", field: "id", message: /replaced/ });
  // Moderation: sales may not; service hides with a reason, and the rating follows.
  await refused("POST", `${R}/${b.id}/hide`, { reason: "Spam" },
    { status: 403, code: "forbidden", field: null }, roles.sales.token);
  await refused("POST", `${R}/${b.id}/hide`, {},
    { status: 400, code: "invalid_argument", field: "reason" }, roles.service.token);
  const hidden = await s.request("POST", `${R}/${b.id}/hide`,
    { token: roles.service.token, json: { reason: "Advertising" } });
  assert.equal(hidden.status, 200, JSON.stringify(hidden.body));
  assert.equal(hidden.body.hidden, true);
  assert.equal(hidden.body.hidden_reason, "Advertising");
  rating = (await s.request("GET", `/api/v1/products/${product.id}/rating`, { token: admin })).body;
  assert.deepEqual([rating.count, rating.mean], [1, 3]);
  let list = await s.request("GET", `/api/v1/products/${product.id}/reviews`, { token: admin });
  assert.deepEqual(list.body.items.map((r) => r.id), [second.id]);
  list = await s.request("GET", `/api/v1/products/${product.id}/reviews?hidden=true`,
    { token: roles.service.token });
  assert.deepEqual(list.body.items.map((r) => r.id), [second.id, b.id]);
  assert.equal((await s.request("GET", `/api/v1/products/${product.id}/reviews?hidden=true`,
    { token: roles.sales.token })).status, 403);
  await refused("POST", `${R}/${b.id}/hide`, { reason: "again" },
    { status: 409, code: "conflict", field: "id" });
  const shown = await s.request("POST", `${R}/${b.id}/unhide`, { token: roles.manager.token });
  assert.equal(shown.status, 200);
  rating = (await s.request("GET", `/api/v1/products/${product.id}/rating`, { token: admin })).body;
  assert.deepEqual([rating.count, rating.mean], [2, 2.5]);
  // Sorted, paged lists.
  const third_review = await created(R, { product_id: product.id, customer_id: third, rating: 4 });
  const page1 = await s.request("GET",
    `/api/v1/products/${product.id}/reviews?sort=-rating&limit=2`, { token: admin });
  assert.deepEqual(page1.body.items.map((r) => r.rating), [4, 3]);
  const page2 = await s.request("GET", `/api/v1/products/${product.id}/reviews?sort=-rating` +
    `&limit=2&cursor=${encodeURIComponent(page1.body.next_cursor)}`, { token: admin });
  assert.deepEqual(page2.body.items.map((r) => r.id), [b.id]);
  assert.equal(page2.body.next_cursor, null);
  const helpful = await s.request("GET", `/api/v1/products/${product.id}/reviews?sort=-helpful`,
    { token: admin });
  assert.equal(helpful.body.items[0].id, second.id);
  const newest = await s.request("GET", `/api/v1/products/${product.id}/reviews?verified=false`,
    { token: admin });
  assert.deepEqual(newest.body.items.map((r) => r.id), [third_review.id, b.id]);
  // On the customer's timeline.
  const tl = await s.request("GET", `/api/v1/customers/${buyer}/timeline`, { token: admin });
  assert.deepEqual(tl.body.items.filter((e) => e.ref_type === "review").map((e) => e.kind).sort(),
    ["review_posted", "review_replaced"]);
});

test("bad reviews are refused naming the field; nothing is written", async () => {
  const R = "/api/v1/reviews";
  const base = { product_id: product.id, customer_id: other, rating: 4 };
  for (const rating of [0, 6, -1]) {
    await refused("POST", R, { ...base, rating }, { status: 400, code: "invalid_argument", field: "rating" });
  }
  await refused("POST", R, { ...base, rating: 4.5 }, { status: 400, code: "invalid_argument", field: "rating" });
  await refused("POST", R, { ...base, rating: "5" }, { status: 400, code: "invalid_argument", field: "rating" });
  await refused("POST", R, { ...base, product_id: 999999 }, { status: 404, code: "not_found", field: "product_id" });
  await refused("POST", R, { ...base, customer_id: 999999 }, { status: 404, code: "not_found", field: "customer_id" });
  await refused("POST", R, { ...base, customer_id: gone },
    { status: 409, code: "conflict", field: "customer_id", message: /deleted/ });
  await refused("POST", R, { ...base, channel: "fax" }, { status: 400, code: "invalid_argument", field: "channel" });
  await refused("POST", R, { ...base, title: "x".repeat(201) }, { status: 400, code: "invalid_argument", field: "title" });
  await refused("POST", R, { ...base, body: "bad\u0000byte" }, { status: 400, code: "invalid_argument", field: "body" });
  await refused("POST", R, { ...base, stars: 4 }, { status: 400, code: "invalid_argument", field: "stars" });
  await refused("POST", R, base, { status: 403, code: "forbidden", field: null }, roles.analyst.token);
  await refused("POST", `${R}/999999/votes`, { customer_id: other }, { status: 404, code: "not_found", field: "id" });
  assert.equal((await s.request("GET", `/api/v1/products/999999/reviews`, { token: admin })).status, 404);
  assert.equal((await s.request("GET", `/api/v1/products/${product.id}/reviews?sort=best`, { token: admin })).body.error.field, "sort");
  assert.equal((await s.request("GET", `/api/v1/products/${product.id}/reviews?rating=9`, { token: admin })).body.error.field, "rating");
});

test("surveys: rules invite, one response per invitation, reports by channel and store", async () => {
  await setting("survey_csat_on_resolve", "true");
  await setting("survey_nps_after_order", "true");
  const t = await created("/api/v1/tickets", { type: "inquiry", channel: "chat", customer_id: other,
    subject: "Opening hours?" });
  const resolved = await s.request("POST", `/api/v1/tickets/${t.id}/status`,
    { token: admin, json: { status: "resolved" } });
  assert.equal(resolved.status, 200);
  let inv = await s.request("GET", `/api/v1/surveys/invitations?customer=${other}&kind=csat`,
    { token: roles.analyst.token });
  assert.equal(inv.body.items.length, 1);
  const csat = inv.body.items[0];
  assert.deepEqual([csat.source, csat.ticket_id, csat.channel, csat.responded_at],
    ["ticket_resolved", t.id, "chat", null]);
  await created("/api/v1/orders", { customer_id: third, channel: "store", location: "Beijing",
    lines: [{ product_id: product.id, quantity: 2 }] });
  inv = await s.request("GET", `/api/v1/surveys/invitations?customer=${third}&pending=true`,
    { token: admin });
  assert.equal(inv.body.items.length, 1);
  const nps = inv.body.items[0];
  assert.deepEqual([nps.kind, nps.source, nps.channel, nps.store], ["nps", "order", "store", "Beijing"]);
  // Scores outside the kind's range.
  const P = (id) => `/api/v1/surveys/invitations/${id}/response`;
  for (const score of [0, 6]) {
    await refused("POST", P(csat.id), { score }, { status: 400, code: "invalid_argument", field: "score" });
  }
  for (const score of [-1, 11]) {
    await refused("POST", P(nps.id), { score }, { status: 400, code: "invalid_argument", field: "score" });
  }
  await refused("POST", P(999999), { score: 5 }, { status: 404, code: "not_found", field: "id" });
  await refused("POST", P(nps.id), { score: 9 }, { status: 403, code: "forbidden", field: null },
    roles.analyst.token);
  const answer = await created(P(nps.id), { score: 10, comment: "<b>很好</b>" }, roles.sales.token);
  assert.equal(answer.comment, "<b>很好</b>");
  await refused("POST", P(nps.id), { score: 3 },
    { status: 409, code: "conflict", field: "id", message: /already answered/ });
  await created(P(csat.id), { score: 2, comment: "Slow" });
  // A hand-made invitation from the store, answered by a detractor.
  const manual = await created("/api/v1/surveys/invitations",
    { kind: "nps", customer_id: buyer, channel: "store", store: "Shanghai" });
  await created(P(manual.id), { score: 6 });
  const report = await s.request("GET", "/api/v1/surveys/reports?kind=nps&group_by=store",
    { token: roles.analyst.token });
  assert.equal(report.status, 200);
  assert.deepEqual(report.body.groups.map((g) => [g.key, g.responses, g.nps]).sort(),
    [["Beijing", 1, 100], ["Shanghai", 1, -100]]);
  assert.equal(report.body.total.nps, 0);
  const byMonth = await s.request("GET", "/api/v1/surveys/reports?kind=csat", { token: admin });
  assert.equal(byMonth.body.groups.length, 1);
  assert.match(byMonth.body.groups[0].key, /^\d{4}-\d{2}$/);
  assert.equal(byMonth.body.total.csat, 0);
  assert.equal(byMonth.body.total.scores["2"], 1);
  const got = await s.request("GET", `/api/v1/surveys/invitations/${nps.id}`, { token: admin });
  assert.equal(got.body.response.score, 10);
  const tl = await s.request("GET", `/api/v1/customers/${third}/timeline`, { token: admin });
  const entry = tl.body.items.find((e) => e.kind === "survey_response");
  assert.match(entry.subject, /^NPS 10\/10 \(promoter\) after order #/);
  // Bad invitations and report parameters.
  const I = "/api/v1/surveys/invitations";
  await refused("POST", I, { kind: "ces", customer_id: buyer }, { status: 400, code: "invalid_argument", field: "kind" });
  await refused("POST", I, { kind: "nps", customer_id: 999999 }, { status: 404, code: "not_found", field: "customer_id" });
  await refused("POST", I, { kind: "nps", customer_id: gone }, { status: 409, code: "conflict", field: "customer_id" });
  await refused("POST", I, { kind: "csat", customer_id: buyer, ticket_id: t.id },
    { status: 409, code: "conflict", field: "ticket_id" });
  await refused("POST", I, { kind: "nps", customer_id: buyer, channel: "fax" },
    { status: 400, code: "invalid_argument", field: "channel" });
  assert.equal((await s.request("GET", "/api/v1/surveys/reports?kind=nps&group_by=week", { token: admin })).body.error.field, "group_by");
  assert.equal((await s.request("GET", "/api/v1/surveys/reports", { token: admin })).body.error.field, "kind");
  await setting("survey_csat_on_resolve", "false");
  await setting("survey_nps_after_order", "false");
});

test("knowledge base: safe Markdown, drafts for editors, search in English and Chinese", async () => {
  const cat = await created("/api/v1/kb/categories", { name: "退货 Returns" }, roles.service.token);
  await refused("POST", "/api/v1/kb/categories", { name: "退货 Returns" },
    { status: 409, code: "conflict", field: "name" }, roles.service.token);
  const A = "/api/v1/kb/articles";
  const evil = await created(A, { title: "Returns policy <script>alert(1)</script>",
    body: "# Returns\n\n<script>alert(1)</script>\n\n[click me](javascript:alert(1)) " +
      "<img src=x onerror=alert(1)>\n\nReturn within **30 days**.",
    category_id: cat.id, language: "en", status: "published" }, roles.service.token);
  assert.equal(evil.body.includes("<script>alert(1)</script>"), true);  // stored as written
  assert.equal(evil.html.includes("<script"), false, evil.html);
  assert.equal(evil.html.includes("javascript:"), false, evil.html);
  assert.equal(evil.html.includes("onerror"), false, evil.html);
  assert.match(evil.html, /<strong>30 days<\/strong>/);
  const zh = await created(A, { title: "退货政策", body: "收到商品七天内可以无理由退货。",
    category_id: cat.id, language: "zh-CN", status: "published" }, roles.service.token);
  const tea = await created(A, { title: "绿茶的保存方法", body: "绿茶要密封、避光、冷藏保存。",
    status: "published" }, roles.manager.token);
  const draft = await created(A, { title: "Returns for members", body: "Draft." }, roles.service.token);
  assert.equal(draft.status, "draft");
  const search = async (q, token = roles.sales.token) => {
    const r = await s.request("GET", `${A}?q=${encodeURIComponent(q)}`, { token });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    return r.body.items.map((a) => a.id);
  };
  assert.deepEqual(await search("returns"), [evil.id]);
  assert.deepEqual(await search("退货"), [zh.id]);
  assert.deepEqual(await search("茶"), [tea.id]);
  assert.deepEqual(await search("冷藏"), [tea.id]);
  assert.deepEqual(await search("退货政策"), [zh.id]);
  assert.deepEqual(await search("members"), []);  // a draft
  // Drafts: editors only; to others a draft does not exist.
  assert.equal((await s.request("GET", `${A}/${draft.id}`, { token: roles.sales.token })).status, 404);
  assert.equal((await s.request("GET", `${A}/${draft.id}`, { token: roles.service.token })).status, 200);
  assert.equal((await s.request("GET", `${A}?status=draft`, { token: roles.sales.token })).status, 403);
  const drafts = await s.request("GET", `${A}?status=draft`, { token: roles.service.token });
  assert.deepEqual(drafts.body.items.map((a) => a.id), [draft.id]);
  // Publishing (with If-Match) makes it findable.
  const pub = await s.request("PATCH", `${A}/${draft.id}`,
    { token: roles.service.token, json: { status: "published" }, headers: { "If-Match": '"1"' } });
  assert.equal(pub.status, 200, JSON.stringify(pub.body));
  assert.equal(pub.headers.get("etag"), '"2"');
  assert.deepEqual(await search("members"), [draft.id]);
  await refused("PATCH", `${A}/${draft.id}`, { title: "X", version: 1 },
    { status: 409, code: "conflict", field: "version" }, roles.service.token);
  // Bad input.
  await refused("POST", A, { title: "", body: "x" }, { status: 400, code: "invalid_argument", field: "title" });
  await refused("POST", A, { title: "T" }, { status: 400, code: "invalid_argument", field: "body" });
  await refused("POST", A, { title: "T", body: "x", status: "live" }, { status: 400, code: "invalid_argument", field: "status" });
  await refused("POST", A, { title: "T", body: "x", language: "english!" }, { status: 400, code: "invalid_argument", field: "language" });
  await refused("POST", A, { title: "T", body: "x", category_id: 999999 }, { status: 404, code: "not_found", field: "category_id" });
  await refused("POST", A, { title: "T", body: "x" }, { status: 403, code: "forbidden", field: null }, roles.sales.token);
  assert.equal((await s.request("GET", `${A}?q=${encodeURIComponent("!!")}`, { token: admin })).body.error.field, "q");
  assert.equal((await s.request("GET", `${A}?q=tea&sort=-solved_count`, { token: admin })).body.error.field, "sort");
  // Tickets solved by an article.
  const t = await created("/api/v1/tickets", { type: "return", channel: "web", customer_id: buyer,
    subject: "想退货" });
  const link = await created(`/api/v1/tickets/${t.id}/articles`, { article_id: zh.id }, roles.service.token);
  assert.equal(link.title, "退货政策");
  await refused("POST", `/api/v1/tickets/${t.id}/articles`, { article_id: zh.id },
    { status: 409, code: "conflict", field: "article_id" });
  const d2 = await created(A, { title: "Still a draft", body: "x" });
  await refused("POST", `/api/v1/tickets/${t.id}/articles`, { article_id: d2.id },
    { status: 409, code: "conflict", field: "article_id", message: /draft/ });
  await refused("POST", `/api/v1/tickets/${t.id}/articles`, { article_id: 999999 },
    { status: 404, code: "not_found", field: "article_id" });
  const solved = await s.request("GET", `${A}?sort=-solved_count`, { token: admin });
  assert.equal(solved.body.items[0].id, zh.id);
  assert.equal(solved.body.items[0].solved_count, 1);
  const links = await s.request("GET", `/api/v1/tickets/${t.id}/articles`, { token: roles.sales.token });
  assert.deepEqual(links.body.items.map((l) => l.article_id), [zh.id]);
  const del = await s.request("DELETE", `/api/v1/tickets/${t.id}/articles/${zh.id}`, { token: admin });
  assert.equal(del.status, 204);
  assert.equal((await s.request("GET", `${A}/${zh.id}`, { token: admin })).body.solved_count, 0);
  assert.equal((await s.request("DELETE", `/api/v1/tickets/${t.id}/articles/${zh.id}`, { token: admin })).status, 404);
});
