// Membership and loyalty over HTTP: enrolment with a checked card number, lost cards, points
// earned at the till, redeemed with an idempotency key, reversed by returns, the statement, the
// 360 view, and bad input refused naming the field with nothing written. Parallel requests
// prove that redemptions never overdraw and a retried checkout never redeems twice.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, sqlite, cli } from "./lib.mjs";

let s;
let admin;
let tea;  // 1000 minor
let pot;  // 5000 minor

function counts() {
  const [row] = s.sql(
    "SELECT (SELECT count(*) FROM orders) AS orders, (SELECT count(*) FROM loyalty_ledger) AS ledger, " +
    "(SELECT count(*) FROM loyalty_members) AS members, (SELECT count(*) FROM loyalty_cards) AS cards, " +
    "(SELECT count(*) FROM order_requests) AS requests, (SELECT count(*) FROM interactions) AS timeline, " +
    "(SELECT count(*) FROM audit_log) AS audit");
  return row;
}

async function post(path, json, token = admin) {
  return s.request("POST", path, { token, json });
}

async function refused(method, path, json, { status, code, field, message }) {
  const before = counts();
  const r = await s.request(method, path, { token: admin, json });
  const what = `${method} ${path} -> ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`;
  assert.equal(r.status, status, what);
  assert.equal(r.body.error.code, code, what);
  assert.equal(r.body.error.field, field, what);
  if (message) assert.match(r.body.error.message, message, what);
  assert.deepEqual(counts(), before, `${what}: the database changed`);
}

function addCustomer(name) {
  const r = sqlite(s.db,
    `INSERT INTO customers (name, created_at, updated_at) VALUES ('${name}', 0, 0) RETURNING id`,
    { json: true });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout)[0].id;
}

async function enrol(customerId) {
  const r = await post("/api/v1/loyalty/members", { customer_id: customerId });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body;
}

async function buy(json) {
  const r = await post("/api/v1/orders", json);
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body;
}

function ledgerSum(id) {
  return s.sql(`SELECT coalesce(sum(points), 0) AS n FROM loyalty_ledger WHERE customer_id = ${id}`)[0].n;
}

async function member(id) {
  const r = await s.request("GET", `/api/v1/loyalty/members/${id}`, { token: admin });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body;
}

before(async () => {
  s = await startServer();
  admin = await s.signIn(s.adminEmail, s.adminPassword);
  const p = async (json) => (await post("/api/v1/products", json)).body;
  tea = await p({ sku: "TEA-1", name: "Tea", price_minor: 1000, currency: "USD" });
  pot = await p({ sku: "POT-1", name: "Pot", price_minor: 5000, currency: "USD" });
  // Tiers out of reach, so that every member earns at 100% (tiers are tested in the unit tests).
  const t = await s.request("PUT", "/api/v1/settings/loyalty_tiers",
    { token: admin, json: { value: "member:0:100:no; silver:100000000:125:no" } });
  assert.equal(t.status, 200, JSON.stringify(t.body));
});
after(async () => { await s.stop(); });

test("enrolment gives a card with a check digit; a mistyped number fails the check", async () => {
  const id = addCustomer("Ann Lee");
  const m = await enrol(id);
  assert.match(m.card_number, /^8\d{15}$/);
  assert.equal(m.tier, "member");
  assert.equal(m.balance, 0);
  assert.equal(m.benefits.earn_multiplier_pct, 100);
  const byCard = await s.request("GET", `/api/v1/loyalty/cards/${m.card_number}`, { token: admin });
  assert.equal(byCard.status, 200);
  assert.equal(byCard.body.customer_id, id);
  const digits = m.card_number.split("");
  digits[6] = String((Number(digits[6]) + 1) % 10);
  const typo = await s.request("GET", `/api/v1/loyalty/cards/${digits.join("")}`, { token: admin });
  assert.equal(typo.status, 400);
  assert.equal(typo.body.error.field, "number");
  assert.match(typo.body.error.message, /check digit/);
  // The same check at the till, before anything is written.
  await refused("POST", "/api/v1/orders",
    { card_number: digits.join(""), lines: [{ product_id: tea.id, quantity: 1 }] },
    { status: 400, code: "invalid_argument", field: "card_number", message: /check digit/ });
  await refused("POST", "/api/v1/loyalty/members", { customer_id: id },
    { status: 409, code: "conflict", field: "customer_id" });
  await refused("POST", "/api/v1/loyalty/members", { customer_id: 987654 },
    { status: 404, code: "not_found", field: "customer_id" });
  const tl = s.sql(`SELECT count(*) AS n FROM interactions WHERE customer_id = ${id} AND kind = 'loyalty_enrolled'`);
  assert.equal(tl[0].n, 1);
});

test("a lost card is replaced: the old number stops working, the points stay", async () => {
  const id = addCustomer("Lee Card");
  const m = await enrol(id);
  const o = await buy({ card_number: m.card_number, lines: [{ product_id: tea.id, quantity: 3 }] });
  assert.equal(o.customer_id, id);
  assert.equal(o.points_earned, 30);
  const r = await post(`/api/v1/loyalty/members/${id}/card`, { reason: "lost at the gym" });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.notEqual(r.body.card_number, m.card_number);
  assert.equal(r.body.balance, 30);
  await refused("POST", "/api/v1/orders",
    { card_number: m.card_number, lines: [{ product_id: tea.id, quantity: 1 }] },
    { status: 409, code: "conflict", field: "card_number", message: /replaced/ });
  const ok = await buy({ card_number: r.body.card_number, lines: [{ product_id: tea.id, quantity: 1 }] });
  assert.equal(ok.customer_id, id);
});

test("redemption at checkout: a discount on the order and the timeline, refused beyond the balance",
  async () => {
    const id = addCustomer("Redeemer");
    await enrol(id);
    await buy({ customer_id: id, lines: [{ product_id: pot.id, quantity: 10 }] });  // 500 points
    assert.equal((await member(id)).balance, 500);
    const r = await post("/api/v1/orders", { customer_id: id, redeem_points: 300,
      idempotency_key: "till-1-0001", lines: [{ product_id: tea.id, quantity: 2 }] });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.equal(r.body.discount_minor, 300);
    assert.equal(r.body.total_minor, 1700);
    assert.deepEqual(r.body.discounts.map((d) => [d.kind, d.amount_minor, d.points]), [["points", 300, 300]]);
    assert.equal(r.body.points_redeemed, 300);
    assert.equal(r.body.points_earned, 17);
    assert.equal(r.body.points_balance, 217);
    const got = await s.request("GET", `/api/v1/orders/${r.body.id}`, { token: admin });
    assert.equal(got.body.discounts.length, 1);
    assert.equal(got.body.lines[0].points_redeemed, 300);
    const subject = s.sql(`SELECT subject FROM interactions WHERE kind = 'order_placed' AND ref_id = ${r.body.id}`)[0].subject;
    assert.match(subject, /redeemed 300 points \(-3\.00 USD\); earned 17 points/);

    await refused("POST", "/api/v1/orders", { customer_id: id, redeem_points: 218,
      idempotency_key: "till-1-0002", lines: [{ product_id: pot.id, quantity: 1 }] },
    { status: 409, code: "conflict", field: "redeem_points", message: /balance is 217/ });
    await refused("POST", "/api/v1/orders", { customer_id: id, redeem_points: 10,
      lines: [{ product_id: pot.id, quantity: 1 }] },
    { status: 400, code: "invalid_argument", field: "idempotency_key" });
    await refused("POST", "/api/v1/orders", { customer_id: id, redeem_points: 0,
      idempotency_key: "k0", lines: [{ product_id: pot.id, quantity: 1 }] },
    { status: 400, code: "invalid_argument", field: "redeem_points" });
    await refused("POST", "/api/v1/orders", { redeem_points: 10, idempotency_key: "k1",
      lines: [{ product_id: pot.id, quantity: 1 }] },
    { status: 400, code: "invalid_argument", field: "redeem_points" });
    const stranger = addCustomer("Not a member");
    await refused("POST", "/api/v1/orders", { customer_id: stranger, redeem_points: 10,
      idempotency_key: "k2", lines: [{ product_id: pot.id, quantity: 1 }] },
    { status: 409, code: "conflict", field: "redeem_points", message: /not a loyalty member/ });
    assert.equal((await member(id)).balance, 217);
    assert.equal(ledgerSum(id), 217);
  });

test("parallel redemptions never take the balance below zero", async () => {
  const id = addCustomer("Parallel");
  await enrol(id);
  await buy({ customer_id: id, lines: [{ product_id: pot.id, quantity: 10 }] });  // 500 points
  // 16 checkouts of one pot (5000), each redeeming 100 points and earning 49 on the 4900 paid:
  // after 8 of them 500 - 8 x 51 = 92 < 100 are left, so exactly 8 succeed, whatever the
  // interleaving.
  const results = await Promise.all(Array.from({ length: 16 }, (_, i) => post("/api/v1/orders",
    { customer_id: id, redeem_points: 100, idempotency_key: `par-${i}`,
      lines: [{ product_id: pot.id, quantity: 1 }] })));
  const statuses = results.map((r) => r.status).sort();
  assert.equal(statuses.filter((x) => x === 201).length, 8, JSON.stringify(statuses));
  assert.equal(statuses.filter((x) => x === 409).length, 8, JSON.stringify(statuses));
  for (const r of results.filter((x) => x.status === 409)) assert.equal(r.body.error.field, "redeem_points");
  assert.equal((await member(id)).balance, 92);
  assert.equal(ledgerSum(id), 92);
  assert.equal(s.sql("SELECT count(*) AS n FROM loyalty_ledger WHERE balance < 0")[0].n, 0);
});

test("a retried checkout (same idempotency key, in parallel) places and redeems once", async () => {
  const id = addCustomer("Retry");
  await enrol(id);
  await buy({ customer_id: id, lines: [{ product_id: pot.id, quantity: 4 }] });  // 200 points
  const body = { customer_id: id, redeem_points: 150, idempotency_key: "retry-abc",
    lines: [{ product_id: tea.id, quantity: 1 }] };
  const results = await Promise.all(Array.from({ length: 6 }, () => post("/api/v1/orders", body)));
  const ids = new Set(results.map((r) => r.body.id));
  assert.equal(ids.size, 1, JSON.stringify(results.map((r) => r.body)));
  assert.deepEqual(results.map((r) => r.status).sort(), [200, 200, 200, 200, 200, 201]);
  for (const r of results) assert.equal(r.body.points_redeemed, 150);
  assert.equal(s.sql(`SELECT count(*) AS n FROM loyalty_ledger WHERE customer_id = ${id} AND kind = 'redeem'`)[0].n, 1);
  assert.equal((await member(id)).balance, 200 - 150 + 8);
});

test("returns reverse earned points and give back redeemed ones in proportion", async () => {
  const id = addCustomer("Returner");
  await enrol(id);
  await buy({ customer_id: id, lines: [{ product_id: pot.id, quantity: 10 }] });  // 500
  const o = await buy({ customer_id: id, redeem_points: 400, idempotency_key: "ret-1",
    lines: [{ product_id: tea.id, quantity: 4 }, { product_id: pot.id, quantity: 1 }] });
  const teaLine = o.lines[0];
  assert.equal(teaLine.points_redeemed, 178);
  assert.equal(teaLine.points_earned, 38);
  const before = (await member(id)).balance;
  for (const q of [1, 3]) {
    const r = await post(`/api/v1/orders/${o.id}/returns`, { lines: [{ order_line_id: teaLine.id, quantity: q }] });
    assert.equal(r.status, 201, JSON.stringify(r.body));
  }
  assert.equal((await member(id)).balance, before - 38 + 178);
  assert.equal(ledgerSum(id), before - 38 + 178);
  const st = await s.request("GET", `/api/v1/loyalty/members/${id}/ledger?limit=2`, { token: admin });
  assert.equal(st.status, 200);
  assert.deepEqual(st.body.items.map((e) => [e.kind, e.points]), [["reverse", -29], ["reverse", 134]]);
  assert.ok(st.body.next_cursor);
  // The statement pages through every entry exactly once.
  const seen = [];
  let cursor = null;
  do {
    const q = cursor ? `&cursor=${encodeURIComponent(cursor)}` : "";
    const page = await s.request("GET", `/api/v1/loyalty/members/${id}/ledger?limit=3${q}`, { token: admin });
    seen.push(...page.body.items.map((e) => e.id));
    cursor = page.body.next_cursor;
  } while (cursor);
  const all = s.sql(`SELECT id FROM loyalty_ledger WHERE customer_id = ${id} ORDER BY id DESC`).map((r) => r.id);
  assert.deepEqual(seen, all);
});

test("the 360 view shows card, tier, balance and points expiring soon", async () => {
  const id = addCustomer("Three Sixty");
  const m = await enrol(id);
  // Points earned 710 days ago expire (after 24 months) within the 30-day notice period.
  const old = new Date(Date.now() - 710 * 86400000).toISOString();
  await buy({ customer_id: id, placed_at: old, lines: [{ product_id: tea.id, quantity: 5 }] });
  await post(`/api/v1/loyalty/members/${id}/adjustments`, { points: 120, reason: "welcome" });
  const v = await s.request("GET", `/api/v1/customers/${id}/360`, { token: admin });
  assert.equal(v.status, 200);
  assert.equal(v.body.loyalty.card_number, m.card_number);
  assert.equal(v.body.loyalty.tier, "member");
  assert.equal(v.body.loyalty.balance, 170);
  assert.equal(v.body.loyalty.expiring_points, 50);
  const other = await s.request("GET", `/api/v1/customers/${addCustomer("No card")}/360`, { token: admin });
  assert.equal(other.body.loyalty, null);
});

test("a merge moves the duplicate's loyalty account: card, points with their expiry, tier; no point lost", async () => {
  const merge = (keep, dup) => post(`/api/v1/customers/${keep}/merge`, { other_id: dup });
  // The survivor is no member: the membership and its card move, the card keeps working.
  const keep = addCustomer("Merge Keeper");
  const dup = addCustomer("Merge Twin");
  const m = await enrol(dup);
  const old = new Date(Date.now() - 710 * 86400000).toISOString();
  await buy({ customer_id: dup, placed_at: old, lines: [{ product_id: tea.id, quantity: 5 }] });  // 50, due soon
  const o = await buy({ customer_id: dup, lines: [{ product_id: pot.id, quantity: 2 }] });  // 100
  await buy({ customer_id: dup, redeem_points: 20, idempotency_key: "merge-1", lines: [{ product_id: tea.id, quantity: 1 }] });
  const before = await member(dup);
  assert.equal(before.balance, 50 + 100 + 9 - 20);
  assert.equal(before.expiring_points, 30);
  let r = await merge(keep, dup);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  const after = await member(keep);
  assert.equal(after.balance, before.balance);
  assert.equal(after.card_number, m.card_number);
  assert.equal(after.tier, before.tier);
  assert.equal(after.joined_at, before.joined_at);
  // The points due soon are still due soon: each lot kept its expiry date.
  assert.equal(after.expiring_points, 30);
  assert.equal(ledgerSum(keep), before.balance);
  assert.equal(ledgerSum(dup), 0);
  assert.equal((await member(dup)).balance, 0);
  const byCard = await s.request("GET", `/api/v1/loyalty/cards/${m.card_number}`, { token: admin });
  assert.equal(byCard.body.customer_id, keep);
  const st = await s.request("GET", `/api/v1/loyalty/members/${dup}/ledger?limit=1`, { token: admin });
  assert.deepEqual(st.body.items.map((e) => [e.kind, e.points, e.ref_type, e.ref_id]), [["adjust", -before.balance, "customer", keep]]);
  // A return of an order that moved reverses its points on the survivor.
  r = await post(`/api/v1/orders/${o.id}/returns`, { lines: [{ order_line_id: o.lines[0].id, quantity: 1 }] });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  assert.equal((await member(keep)).balance, before.balance - 50);
  const [{ after: audit }] = s.sql(`SELECT after FROM audit_log WHERE action = 'merge' AND entity_id = '${dup}'`);
  const entries = s.sql(`SELECT id FROM loyalty_ledger WHERE ref_type = 'customer' AND customer_id IN (${keep}, ${dup}) ORDER BY id`).map((e) => e.id);
  assert.equal(entries.length, 4);
  assert.deepEqual(JSON.parse(audit).moved_to_survivor.loyalty,
    { points: before.balance, lots: 3, cards: [s.sql(`SELECT id FROM loyalty_cards WHERE number = '${m.card_number}'`)[0].id],
      membership: "moved", survivor_membership_before: null, ledger_entries: entries, points_expired: 0 });
  const tl = s.sql(`SELECT subject FROM interactions WHERE customer_id = ${keep} AND kind = 'customer_merged'`);
  assert.match(tl[0].subject, new RegExp(`moved here with ${before.balance} points`));

  // Both are members: the balances add up, the survivor's card stays, the other's is replaced.
  const a = addCustomer("Both Keeper");
  const b = addCustomer("Both Twin");
  const ma = await enrol(a);
  const mb = await enrol(b);
  await post(`/api/v1/loyalty/members/${a}/adjustments`, { points: 100, reason: "welcome" });
  // 20 points past their expiry, not yet expired by the daily job: they expire at the merge.
  await buy({ customer_id: b, placed_at: new Date(Date.now() - 800 * 86400000).toISOString(),
    lines: [{ product_id: tea.id, quantity: 2 }] });
  await buy({ customer_id: b, lines: [{ product_id: pot.id, quantity: 1 }] });  // 50
  r = await merge(a, b);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  const both = await member(a);
  assert.equal(both.balance, 150);
  assert.equal(both.card_number, ma.card_number);
  assert.equal(ledgerSum(b), 0);
  assert.equal(ledgerSum(a), 150);
  const [{ after: audit2 }] = s.sql(`SELECT after FROM audit_log WHERE action = 'merge' AND entity_id = '${b}'`);
  const moved2 = JSON.parse(audit2).moved_to_survivor.loyalty;
  assert.equal(moved2.membership, "joined");
  assert.equal(moved2.survivor_membership_before.tier, "member");
  assert.equal(moved2.ledger_entries.length, 3);
  assert.equal(moved2.points, 50);
  assert.equal(moved2.points_expired, 20);
  assert.deepEqual(s.sql(`SELECT kind, points FROM loyalty_ledger WHERE customer_id = ${b} AND ref_type = 'customer' ORDER BY id`),
    [{ kind: "expire", points: -20 }, { kind: "adjust", points: -50 }]);
  const gone = await s.request("GET", `/api/v1/loyalty/cards/${mb.card_number}`, { token: admin });
  assert.equal(gone.status, 409);
  assert.match(gone.body.error.message, /replaced/);
});

test("tiers by points: a survivor's rolling points count what the merged customer earned", async () => {
  const basis = async (value) => {
    const r = await s.request("PUT", "/api/v1/settings/loyalty_tier_basis", { token: admin, json: { value } });
    assert.equal(r.status, 200, JSON.stringify(r.body));
  };
  await basis("points");
  try {
    const keep = addCustomer("Points Keeper");
    const dup = addCustomer("Points Twin");
    await enrol(dup);
    await buy({ customer_id: dup, lines: [{ product_id: pot.id, quantity: 2 }] });  // 100 earned
    const r = await post(`/api/v1/customers/${keep}/merge`, { other_id: dup });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const m = await member(keep);
    assert.deepEqual(m.qualifying, { basis: "points", amount: 100 });
    assert.equal(m.balance, 100);
  } finally {
    await basis("spend");
  }
});

test("adjustments: a reason is required, a debit cannot overdraw, sales may not adjust", async () => {
  const id = addCustomer("Adjusted");
  await enrol(id);
  const path = `/api/v1/loyalty/members/${id}/adjustments`;
  await refused("POST", path, { points: 10 }, { status: 400, code: "invalid_argument", field: "reason" });
  await refused("POST", path, { points: -5, reason: "oops" }, { status: 409, code: "conflict", field: "points" });
  await refused("POST", path, { points: 10, reason: "x", extra: 1 }, { status: 400, code: "invalid_argument", field: "extra" });
  await refused("POST", "/api/v1/loyalty/members/999999/adjustments", { points: 10, reason: "x" },
    { status: 404, code: "not_found", field: "id" });
  const sales = await s.userWithRole(admin, "sales");
  const r = await s.request("POST", path, { token: sales.token, json: { points: 10, reason: "x" } });
  assert.equal(r.status, 403);
});

test("rapport loyalty expire|review-tiers run the daily jobs on the database", async () => {
  const id = addCustomer("Expiring");
  await enrol(id);
  const old = new Date(Date.now() - 800 * 86400000).toISOString();
  await buy({ customer_id: id, placed_at: old, lines: [{ product_id: tea.id, quantity: 4 }] });
  assert.equal((await member(id)).balance, 40);
  const r = cli(["loyalty", "expire", "--db", s.db]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /expired as of .*: \d+ points of \d+ members/);
  assert.equal((await member(id)).balance, 0);
  assert.equal(ledgerSum(id), 0);
  const entry = s.sql(`SELECT kind, points FROM loyalty_ledger WHERE customer_id = ${id} ORDER BY id DESC LIMIT 1`)[0];
  assert.deepEqual(entry, { kind: "expire", points: -40 });
  const again = cli(["loyalty", "expire", "--db", s.db]);
  assert.equal(again.status, 0, again.stderr);
  assert.equal(ledgerSum(id), 0);
  const t = cli(["loyalty", "review-tiers", "--db", s.db, "--at", "2099-01-01T00:00:00Z"]);
  assert.equal(t.status, 0, t.stderr);
  // Every member is due by then, except the memberships merged into another (the merge test's).
  const [{ live, merged }] = s.sql("SELECT sum(c.merged_into IS NULL) AS live, sum(c.merged_into IS NOT NULL) AS merged " +
    "FROM loyalty_members m JOIN customers c ON c.id = m.customer_id");
  assert.ok(merged >= 2);
  assert.match(t.stdout, new RegExp(`reviewed as of 2099-01-01.*: ${live} members`));
  const bad = cli(["loyalty", "expire", "--db", s.db, "--at", "yesterday"]);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--at/);
  const missing = cli(["loyalty", "expire", "--db", `${s.db}.nope`]);
  assert.equal(missing.status, 1);
});

test("coupons: used at most their limit under parallel checkouts; expired, unknown and used-up ones refused",
  async () => {
    const id = addCustomer("Coupon Hunter");
    const hour = 3600000;
    const now = Date.now();
    const iso = (t) => new Date(t).toISOString();
    const made = await post("/api/v1/coupons", { code: "flash-5", amount_off_minor: 500,
      max_uses: 4, max_uses_per_customer: 4, min_spend_minor: 1000,
      starts_at: iso(now - hour), ends_at: iso(now + hour) });
    assert.equal(made.status, 201, JSON.stringify(made.body));
    assert.equal(made.body.items[0].code, "FLASH-5");
    const results = await Promise.all(Array.from({ length: 12 }, () => post("/api/v1/orders",
      { customer_id: id, coupon_code: "FLASH-5", lines: [{ product_id: tea.id, quantity: 2 }] })));
    const statuses = results.map((r) => r.status).sort();
    assert.equal(statuses.filter((x) => x === 201).length, 4, JSON.stringify(statuses));
    for (const r of results.filter((x) => x.status !== 201)) {
      assert.equal(r.status, 409);
      assert.equal(r.body.error.field, "coupon_code");
    }
    const won = results.find((r) => r.status === 201).body;
    assert.equal(won.total_minor, 1500);
    assert.deepEqual(won.discounts.map((d) => [d.kind, d.amount_minor]), [["coupon", 500]]);
    const coupon = await s.request("GET", "/api/v1/coupons/flash-5", { token: admin });
    assert.equal(coupon.body.uses, 4);
    assert.equal(s.sql("SELECT count(*) AS n FROM coupon_redemptions")[0].n, 4);
    const subject = s.sql(`SELECT subject FROM interactions WHERE ref_id = ${won.id} AND kind = 'order_placed'`)[0].subject;
    assert.match(subject, /Coupon FLASH-5 -5\.00 USD/);

    const old = await post("/api/v1/coupons", { code: "OLD-ONE", percent_off: 10,
      starts_at: iso(now - 2 * hour), ends_at: iso(now - hour) });
    assert.equal(old.status, 201);
    await refused("POST", "/api/v1/orders", { customer_id: id, coupon_code: "old-one",
      lines: [{ product_id: tea.id, quantity: 1 }] },
    { status: 409, code: "conflict", field: "coupon_code", message: /expired/ });
    await refused("POST", "/api/v1/orders", { customer_id: id, coupon_code: "NO-SUCH",
      lines: [{ product_id: tea.id, quantity: 1 }] },
    { status: 404, code: "not_found", field: "coupon_code" });
    await refused("POST", "/api/v1/orders", { customer_id: id, coupon_code: "FLASH-5",
      lines: [{ product_id: tea.id, quantity: 2 }] },
    { status: 409, code: "conflict", field: "coupon_code", message: /used up/ });
    await refused("POST", "/api/v1/coupons", { code: "FLASH-5", percent_off: 5,
      starts_at: iso(now), ends_at: iso(now + hour) },
    { status: 409, code: "conflict", field: "code" });
    await refused("POST", "/api/v1/coupons", { percent_off: 5, count: 0,
      starts_at: iso(now), ends_at: iso(now + hour) },
    { status: 400, code: "invalid_argument", field: "count" });
    await refused("POST", "/api/v1/coupons", { count: 2, percent_off: 5, customer_id: 999999,
      starts_at: iso(now), ends_at: iso(now + hour) },
    { status: 404, code: "not_found", field: "customer_id", message: /no customer with id 999999/ });
    const gen = await post("/api/v1/coupons", { count: 3, prefix: "VIP-", percent_off: 15,
      customer_id: id, starts_at: iso(now - hour), ends_at: iso(now + hour) });
    assert.equal(gen.status, 201);
    assert.equal(gen.body.items.length, 3);
    for (const c of gen.body.items) assert.match(c.code, /^VIP-[2-9A-HJKMNP-Z]{8}$/);
  });

test("coupons listed newest first: by code prefix in any case, usable now or not, for a customer, a page at a time",
  async () => {
    const id = addCustomer("Coupon Lister");
    const hour = 3600000;
    const now = Date.now();
    const iso = (t) => new Date(t).toISOString();
    const make = async (json) => {
      const r = await post("/api/v1/coupons", { percent_off: 10, ...json });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      return r.body.items[0];
    };
    const live = await make({ code: "list-a1", customer_id: id, starts_at: iso(now - hour), ends_at: iso(now + hour) });
    const expired = await make({ code: "LIST-B2", starts_at: iso(now - 2 * hour), ends_at: iso(now - hour) });
    const later = await make({ code: "List-A3", starts_at: iso(now + hour), ends_at: iso(now + 2 * hour) });
    const usedUp = await make({ code: "LIST-U4", max_uses: 1, starts_at: iso(now - hour), ends_at: iso(now + hour) });
    await buy({ customer_id: id, coupon_code: "list-u4", lines: [{ product_id: tea.id, quantity: 1 }] });
    const list = async (query) => {
      const r = await s.request("GET", `/api/v1/coupons?${query}`, { token: admin });
      assert.equal(r.status, 200, `${query}: ${JSON.stringify(r.body)}`);
      return r.body;
    };
    const codes = async (query) => (await list(query)).items.map((c) => c.code);

    const all = await list("limit=500");
    assert.deepEqual(all.items.slice(0, 4).map((c) => c.code), ["LIST-U4", "LIST-A3", "LIST-B2", "LIST-A1"]);
    assert.ok(all.items.every((c, i) => i === 0 || c.id < all.items[i - 1].id), "newest first");
    const first = all.items.find((c) => c.id === live.id);
    assert.deepEqual(first, live);
    assert.equal(all.items.find((c) => c.id === usedUp.id).uses, 1);
    assert.deepEqual(await codes("q=list-"), ["LIST-U4", "LIST-A3", "LIST-B2", "LIST-A1"]);
    assert.deepEqual(await codes("q=%20List-a%20"), ["LIST-A3", "LIST-A1"]);
    assert.deepEqual(await codes("q=LIST-A1"), ["LIST-A1"]);
    assert.deepEqual(await codes("q=LIST-Z"), []);
    assert.deepEqual(await codes("q=list&active=true"), ["LIST-A1"]);
    assert.deepEqual(await codes("q=list&active=false"), ["LIST-U4", "LIST-A3", "LIST-B2"]);
    assert.deepEqual(await codes(`customer_id=${id}`), ["LIST-A1"]);
    assert.deepEqual(await codes(`customer_id=${id}&active=false`), []);
    assert.deepEqual(await codes("q="), (await list("")).items.map((c) => c.code));

    const seen = [];
    let cursor = null;
    let pages = 0;
    do {
      const page = await list(`q=list&limit=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
      assert.ok(page.items.length <= 1);
      seen.push(...page.items.map((c) => c.id));
      cursor = page.next_cursor;
      pages += 1;
    } while (cursor && pages < 10);
    assert.deepEqual(seen, [usedUp.id, later.id, expired.id, live.id]);

    for (const [query, field] of [["active=yes", "active"], ["q=LIST_A", "q"], ["q=" + "A".repeat(33), "q"],
      ["customer_id=x", "customer_id"], ["cursor=zz", "cursor"], ["limit=0", "limit"], ["limit=501", "limit"]]) {
      const r = await s.request("GET", `/api/v1/coupons?${query}`, { token: admin });
      assert.equal(r.status, 400, `${query}: ${JSON.stringify(r.body)}`);
      assert.equal(r.body.error.code, "invalid_argument");
      assert.equal(r.body.error.field, field, query);
    }
  });

test("promotions and price match: each discount on the order and its timeline entry", async () => {
  const id = addCustomer("Bargain");
  const now = Date.now();
  const iso = (t) => new Date(t).toISOString();
  const promo = await post("/api/v1/promotions", { name: "Pot week", scope: "product",
    product_id: pot.id, percent_off: 20, starts_at: iso(now - 60000), ends_at: iso(now + 3600000) });
  assert.equal(promo.status, 201, JSON.stringify(promo.body));
  const o = await buy({ customer_id: id, lines: [
    { product_id: pot.id, quantity: 1 },
    { product_id: tea.id, quantity: 1, unit_price_minor: 1300 }] });
  assert.equal(o.lines[1].unit_price_minor, 1000);
  assert.equal(o.total_minor, 4000 + 1000);
  assert.deepEqual(o.discounts.map((d) => [d.kind, d.amount_minor, d.line_no]),
    [["price_match", 300, 2], ["promotion", 1000, 1]]);
  const subject = s.sql(`SELECT subject FROM interactions WHERE ref_id = ${o.id} AND kind = 'order_placed'`)[0].subject;
  assert.match(subject, /Price match: 13\.00 USD charged, shelf price 10\.00 USD -3\.00 USD; Promotion #\d+ Pot week -10\.00 USD/);
  const list = await s.request("GET", `/api/v1/promotions?in_effect_at=${encodeURIComponent(iso(now))}`, { token: admin });
  assert.ok(list.body.items.some((p) => p.id === promo.body.id));
  const ended = await s.request("DELETE", `/api/v1/promotions/${promo.body.id}`, { token: admin });
  assert.equal(ended.status, 200);
  assert.equal(ended.body.active, false);
  const after = await buy({ customer_id: id, lines: [{ product_id: pot.id, quantity: 1 }] });
  assert.equal(after.discount_minor, 0);
  await refused("POST", "/api/v1/promotions", { name: "Bad", scope: "category", percent_off: 5,
    starts_at: iso(now), ends_at: iso(now + 1000) },
  { status: 400, code: "invalid_argument", field: "category_id" });
  await refused("POST", "/api/v1/promotions", { name: "Bad", scope: "product", product_id: 999999,
    percent_off: 5, starts_at: iso(now), ends_at: iso(now + 1000) },
  { status: 404, code: "not_found", field: "product_id" });
});
