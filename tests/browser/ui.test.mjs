// The web UI in a real browser: headless Debian chromium driven by playwright-core, against the
// real server (rapport serve --web-root web/dist) on a small generated demo store. Screenshots
// go to $RAPPORT_ARTIFACTS. Nothing is downloaded: chromium is the system's.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { chromium } from "playwright-core";
import { cli, sqlite, startServer, tempDir } from "../api/lib.mjs";

const WEB_ROOT = process.env.RAPPORT_WEB_ROOT;
const ARTIFACTS = process.env.RAPPORT_ARTIFACTS ?? tempDir("rapport-browser-");
const CHROMIUM = process.env.RAPPORT_CHROMIUM ?? "/usr/bin/chromium";
const XSS_NAME = `<script>window.__xss = 1</script><img src=x onerror="window.__xss = 2">Mallory`;
const XSS_NOTE = `<img src=x onerror="window.__xss = 3"><b>bold?</b>`;
const XSS_REVIEW = `<img src=x onerror=alert(1)><img src=x onerror="window.__xss = 5"> broke after a week`;
const KB_TITLE = "Parcel arrived crushed: refund or replacement";

let s;
let dbDir;          // the demo store's directory, removed at the end
let browser;
let page;
let admin;          // {email, password}
let adminToken;     // the admin's API token, for checks beside the browser
let chinese;        // a customer with a Chinese name: {id, name}
let xss;            // a customer whose name and city are markup: {id}
let bea;            // a customer without reviews, who writes one in the UI
let tom;            // a reviewer, who answers an NPS survey in the UI
let product;        // a product with three reviews: 5, 5 and 1 stars (the 1 with markup)
let crushed;        // Bea's ticket, whose subject finds the article `article`
let article;
const problems = [];  // console errors (CSP violations included) and page errors

// RFC 4180 rows (quoted fields may hold commas, quotes and line breaks).
function parseCsv(text) {
  const rows = [];
  let row = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i++; }
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") { row.push(field); field = ""; }
    else if (c === "\r" && text[i + 1] === "\n") { row.push(field); rows.push(row); row = []; field = ""; i++; }
    else field += c;
  }
  return rows;
}

async function shot(name) {
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
}

before(async () => {
  dbDir = tempDir("rapport-browser-db-");
  const dir = dbDir;
  const db = path.join(dir, "ui.db");
  const demo = cli(["demo", "--db", db, "--customers", "300"]);
  assert.equal(demo.status, 0, demo.stderr);
  admin = {
    email: /admin sign-in: (\S+)/.exec(demo.stdout)[1],
    password: /admin password: (\S+)/.exec(demo.stdout)[1],
  };
  s = await startServer({ db, extraArgs: ["--web-root", WEB_ROOT] });
  const token = await s.signIn(admin.email, admin.password);
  adminToken = token;
  const make = async (json) => {
    const r = await s.request("POST", "/api/v1/customers", { token, json });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    return r.body;
  };
  chinese = await make({ name: "欧阳娜娜", city: "杭州", phone: "+86 138 0013 8000", tags: ["vip"] });
  xss = await make({ name: XSS_NAME, city: `<img src=x onerror="window.__xss = 4">`, tags: ["<b>tag</b>"] });
  const note = await s.request("POST", `/api/v1/customers/${xss.id}/interactions`,
    { token, json: { kind: "note", channel: "visit", subject: XSS_NOTE, body: XSS_NOTE } });
  assert.equal(note.status, 201, JSON.stringify(note.body));

  // Feedback: a product with known reviews, an article and a ticket it solves.
  const post = async (p, json) => {
    const r = await s.request("POST", p, { token, json });
    assert.equal(r.status, 201, `${p}: ${JSON.stringify(r.body)}`);
    return r.body;
  };
  bea = await make({ name: "Bea Reviewer" });
  tom = await make({ name: "Tom Three" });
  product = await post("/api/v1/products", { sku: "UI-KETTLE", name: "Glass kettle", price_minor: 12900, currency: "CNY" });
  await post("/api/v1/reviews", { product_id: product.id, customer_id: chinese.id, rating: 5, title: "很好用", body: "烧水很快。" });
  await post("/api/v1/reviews", { product_id: product.id, customer_id: tom.id, rating: 5, body: "Great kettle" });
  await post("/api/v1/reviews", { product_id: product.id, customer_id: xss.id, rating: 1, title: "<b>bad</b>", body: XSS_REVIEW });
  article = await post("/api/v1/kb/articles", { title: KB_TITLE, status: "published", language: "en",
    body: "Offer a **refund** or a replacement at once.\n\n包裹破损时可以退款或换货。" });
  crushed = await post("/api/v1/tickets", { type: "complaint", channel: "phone", customer_id: bea.id, subject: "Parcel arrived crushed" });

  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ["--no-sandbox"] });
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "en-US" });
  page = await context.newPage();
  page.setDefaultTimeout(10000);
  page.on("console", (m) => { if (m.type() === "error") problems.push(`console: ${m.text()}`); });
  page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
});

after(async () => {
  await browser?.close();
  await s?.stop({ keep: false });
  if (dbDir) fs.rmSync(dbDir, { recursive: true, force: true });
});

test("signing in shows the user's name and role, with the session in an HttpOnly cookie", async () => {
  await page.goto(`${s.url}/customers`);
  await page.waitForURL(/\/sign-in/);
  // Wrong password: the message is shown at the field.
  await page.fill("#email", admin.email);
  await page.fill("#password", "not the password");
  await page.click("button[type=submit]");
  await page.locator("#password-error").waitFor();
  await page.fill("#password", admin.password);
  await page.click("button[type=submit]");
  await page.waitForURL(/\/customers$/);
  const who = page.locator("[data-test=whoami]");
  await who.waitFor();
  assert.match(await who.innerText(), /Demo Admin\s*Admin/);
  const cookies = await page.context().cookies();
  const session = cookies.find((c) => c.name === "rapport_session");
  assert.ok(session, "session cookie set");
  assert.equal(session.httpOnly, true);
  assert.equal(session.sameSite, "Strict");
  // Script on the page cannot read the session token.
  assert.doesNotMatch(await page.evaluate(() => document.cookie), /rapport_session/);
});

test("search as you type finds a customer by a Chinese name", async () => {
  await page.goto(`${s.url}/customers`);
  await page.locator("[data-test=customer-table]").waitFor();
  await page.locator("[data-test=customer-search]").pressSequentially("欧阳", { delay: 30 });
  const row = page.locator("[data-test=customer-table] tbody tr", { hasText: "欧阳娜娜" });
  await row.waitFor();
  assert.equal(await page.locator("[data-test=customer-table] tbody tr").count(), 1);
  // The text reaches the URL once typing pauses (not on every keystroke); back returns to it.
  await page.waitForURL(/[?&]q=%E6%AC%A7%E9%98%B3(&|$)/);
  await shot("customers-search-chinese");
  await row.locator("a").click();
  await page.waitForURL(new RegExp(`/customers/${chinese.id}$`));
  await page.goBack();
  await page.locator("[data-test=customer-table] tbody tr", { hasText: "欧阳娜娜" }).waitFor();
  assert.equal(await page.locator("[data-test=customer-search]").inputValue(), "欧阳");
  await row.locator("a").click();
  await page.waitForURL(new RegExp(`/customers/${chinese.id}$`));
});

test("the 360 view shows the profile; a call logged appears on the timeline", async () => {
  await page.locator("[data-test=customer-name]", { hasText: "欧阳娜娜" }).waitFor();
  await page.selectOption("#log-kind", "interaction");
  await page.selectOption("#log-channel", "phone");
  await page.fill("#log-subject", "Called about the delivery date");
  await page.fill("#log-body", "Promised a call back tomorrow.");
  await page.click("[data-test=log-submit]");
  await page.locator("[data-test=timeline] li", { hasText: "Called about the delivery date" }).waitFor();
  const rows = s.sql(`SELECT subject, channel, kind FROM interactions WHERE customer_id = ${chinese.id} AND kind = 'interaction'`);
  assert.deepEqual(rows, [{ subject: "Called about the delivery date", channel: "phone", kind: "interaction" }]);
  await shot("customer-360");
});

test("enrolled from the 360 view, the member is found by card number and their points adjusted", async () => {
  await page.click("[data-test=enrol]");
  const number = (await page.locator("[data-test=member-card] [data-test=card-number]").innerText()).trim();
  const [{ card }] = s.sql(`SELECT number AS card FROM loyalty_cards WHERE customer_id = ${chinese.id} AND status = 'active'`);
  assert.equal(number, card);
  await page.goto(`${s.url}/loyalty`);
  await page.fill("[data-test=card-search]", "0000000000000");
  await page.keyboard.press("Enter");
  await page.locator("#card-number-error").waitFor();
  await page.fill("[data-test=card-search]", number);
  await page.keyboard.press("Enter");
  await page.locator("h2 a", { hasText: "欧阳娜娜" }).waitFor();
  await page.fill("#adj-points", "500");
  await page.fill("#adj-reason", "Goodwill for the late parcel");
  await page.click("[data-test=adjust-form] button[type=submit]");
  await page.locator("[data-test=ledger] tr", { hasText: "Goodwill for the late parcel" }).waitFor();
  await page.locator("[data-test=balance]", { hasText: "500" }).waitFor();
  await shot("loyalty");
  await page.goto(`${s.url}/customers/${chinese.id}`);
  await page.locator("[data-test=customer-name]").waitFor();
});

test("a profile error is shown at its field and nothing is saved", async () => {
  await page.click("[data-test=edit-profile]");
  await page.fill("#pf-email", "not-an-email");
  await page.click("[data-test=profile-form] button[type=submit]");
  await page.locator("#pf-email-error").waitFor();
  const [{ email }] = s.sql(`SELECT email FROM customers WHERE id = ${chinese.id}`);
  assert.equal(email, null);
  await page.fill("#pf-email", "ouyang@example.com");
  await page.click("[data-test=profile-form] button[type=submit]");
  await page.locator("[data-test=edit-profile]").waitFor();
  assert.equal(s.sql(`SELECT email FROM customers WHERE id = ${chinese.id}`)[0].email, "ouyang@example.com");
});

test("a complaint opened from the 360 view shows its sunset deadline", async () => {
  await page.click("[data-test=open-ticket]");
  await page.selectOption("#tk-type", "complaint");
  await page.fill("#tk-subject", "Parcel arrived damaged");
  await page.click("[data-test=ticket-form] button[type=submit]");
  const deadline = page.locator("[data-test=new-ticket] [data-test=sunset-deadline]");
  await deadline.waitFor();
  const [ticket] = s.sql(`SELECT id, sunset_due FROM tickets WHERE customer_id = ${chinese.id}`);
  assert.ok(ticket, "ticket written");
  // The deadline shown is the stored one, formatted for the locale.
  const expected = await page.evaluate((ms) =>
    new Intl.DateTimeFormat("en", { dateStyle: "medium", timeStyle: "short" }).format(new Date(ms)), ticket.sunset_due);
  assert.equal((await deadline.innerText()).trim(), expected);
  await page.locator("[data-test=new-ticket] a").click();
  await page.waitForURL(new RegExp(`/tickets/${ticket.id}$`));
  assert.equal((await page.locator("[data-test=sunset-deadline]").innerText()).trim(), expected);
  await shot("ticket");
});

test("the RFM grid appears after a manager's refresh", async () => {
  await page.goto(`${s.url}/analytics`);
  await page.locator("[data-test=refresh]").click();
  const grid = page.locator("[data-test=rfm-grid]");
  await grid.locator(".chart svg").first().waitFor({ timeout: 30000 });
  await grid.locator("summary").click();
  const cells = await grid.locator("table td").allInnerTexts();
  assert.equal(cells.length, 25);
  const total = cells.reduce((a, x) => a + Number(x.replace(/[^0-9]/g, "")), 0);
  const [{ n }] = s.sql("SELECT count(*) AS n FROM customer_scores");
  assert.ok(n > 0);
  assert.equal(total, n);
  await shot("analytics");
});

// Types part of a user's name into the owner filter and takes the match with the keyboard.
async function chooseOwner(name, id) {
  const box = page.locator("#f-owner");
  await box.click();
  await box.fill(name.slice(0, Math.max(4, name.length - 2)));
  const option = page.locator(`[data-test=user-option][data-value="${id}"]`);
  await option.waitFor();
  while ((await option.getAttribute("aria-selected")) !== "true") await box.press("ArrowDown");
  await box.press("Enter");
  assert.equal(await box.getAttribute("data-value"), String(id));
}

test("the customer list filters by value tier and sorts by CLV from the URL; a filter saved by name is applied after a reload", async () => {
  // The refresh above scored the customers: the tier with the most customers that have a CLV.
  const [{ tier }] = s.sql("SELECT value_tier AS tier FROM customer_scores WHERE clv_minor IS NOT NULL " +
    "GROUP BY value_tier ORDER BY count(*) DESC LIMIT 1");
  const listed = async (q) => {
    const r = await s.request("GET", `/api/v1/customers?${q}&limit=25`, { token: adminToken });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    return r.body.items;
  };
  const table = page.locator("[data-test=customer-table]");
  const shown = (q) => page.locator(`[data-test=customer-table][data-shown="${q}"]`).waitFor();
  const ids = () => table.locator("tbody tr").evaluateAll((rows) => rows.map((r) => Number(r.dataset.id)));
  await page.goto(`${s.url}/customers`);
  await table.waitFor();
  // Owner: the admin may list users, so any of them is found by name.
  const [owner] = s.sql("SELECT c.owner_id AS id, u.name FROM customers c JOIN users u ON u.id = c.owner_id " +
    "WHERE c.deleted_at IS NULL GROUP BY c.owner_id ORDER BY count(*) DESC LIMIT 1");
  await chooseOwner(owner.name, owner.id);
  await shown(`owner=${owner.id}`);
  assert.match(page.url(), new RegExp(`[?&]owner=${owner.id}(&|$)`));
  const owned = await listed(`owner=${owner.id}`);
  assert.ok(owned.length > 0 && owned.every((c) => c.owner_id === owner.id));
  assert.deepEqual(await ids(), owned.map((c) => c.id));
  await page.click("#f-owner");
  await page.locator("[data-test=user-option][data-value='']").click();
  await shown("");
  await page.selectOption("#f-tier", tier);
  await shown(`value_tier=${tier}`);
  assert.match(page.url(), new RegExp(`[?&]value_tier=${tier}(&|$)`));
  const byTier = await listed(`value_tier=${tier}`);
  assert.ok(byTier.length > 0);
  assert.deepEqual(await ids(), byTier.map((c) => c.id));
  const chips = await table.locator("tbody [data-test=tier] .chip").evaluateAll((xs) => xs.map((x) => x.dataset.tier));
  assert.deepEqual(chips, byTier.map(() => tier));
  // CLV, highest first (the first click on a score column), in the server's order.
  await page.click("[data-test=sort-clv]");
  await shown(`value_tier=${tier}&sort=-clv`);
  assert.equal(await page.getAttribute("th:has([data-test=sort-clv])", "aria-sort"), "descending");
  const byClv = await listed(`value_tier=${tier}&sort=-clv`);
  assert.ok(byClv.length > 0 && byClv.every((c, i) => i === 0 || byClv[i - 1].scores.clv_minor >= c.scores.clv_minor));
  assert.deepEqual(await ids(), byClv.map((c) => c.id));
  const expectedClv = await page.evaluate(([minor, currency]) => {
    const f = new Intl.NumberFormat("en", { style: "currency", currency });
    return f.format(minor / 10 ** f.resolvedOptions().maximumFractionDigits);
  }, [byClv[0].scores.clv_minor, byClv[0].scores.currency]);
  assert.equal((await table.locator("tbody tr").first().locator("[data-test=clv]").innerText()).trim(), expectedClv);
  assert.match(page.url(), /[?&]sort=-clv(&|$)/);
  // The URL restores the list on load.
  await page.reload();
  await shown(`value_tier=${tier}&sort=-clv`);
  assert.equal(await page.inputValue("#f-tier"), tier);
  assert.equal(await page.inputValue("#f-sort"), "-clv");
  assert.deepEqual(await ids(), byClv.map((c) => c.id));
  await shot("customers-tier-clv");

  // Saved by name in this browser (a name is required), for this user only.
  await page.click("[data-test=save-filter]");
  await page.locator("#saved-name-error").waitFor();
  await page.fill("[data-test=saved-name]", "Best by CLV");
  await page.click("[data-test=save-filter]");
  const item = page.locator('[data-test=saved-list] li[data-name="Best by CLV"]');
  await item.waitFor();
  const me = await s.request("GET", "/api/v1/me", { token: adminToken });
  const stored = await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith("rapport.customerFilters.")));
  assert.deepEqual(stored, [`rapport.customerFilters.user${me.body.id}`]);
  await page.click("[data-test=clear-filters]");
  await shown("");
  assert.doesNotMatch(page.url(), /value_tier/);
  await page.reload();
  await shown("");
  await item.locator("[data-test=apply-saved]").click();
  await shown(`value_tier=${tier}&sort=-clv`);
  assert.match(page.url(), new RegExp(`[?&]value_tier=${tier}(&|$)`));
  assert.deepEqual(await ids(), byClv.map((c) => c.id));
  // The export is the whole list as filtered and sorted (every page), with the score columns.
  const all = await s.request("GET", `/api/v1/customers?value_tier=${tier}&sort=-clv&limit=500`, { token: adminToken });
  const [download] = await Promise.all([page.waitForEvent("download"), page.click("[data-test=export-csv]")]);
  const csv = parseCsv(fs.readFileSync(await download.path(), "utf8"));
  assert.deepEqual(csv[0].slice(9), ["Value tier", "RFM segment", "Customer type", "ABC class", "CLV", "P(alive)", "Revenue", "Currency"]);
  assert.deepEqual(csv.slice(1).map((r) => Number(r[0])), all.body.items.map((c) => c.id));
  const top = all.body.items[0].scores;
  assert.equal(Math.round(Number(csv[1][13]) * 100), top.clv_minor);
  assert.equal(Math.round(Number(csv[1][15]) * 100), top.revenue_minor);
  assert.deepEqual([csv[1][9], csv[1][16]], [tier[0].toUpperCase() + tier.slice(1), top.currency]);
  // Deleting asks first.
  await item.locator(":scope > button.danger").click();
  await item.locator("[data-test=confirm-yes]").click();
  await item.waitFor({ state: "detached" });
  assert.equal(await page.evaluate((k) => localStorage.getItem(k), stored[0]), "[]");
  // A value the server refuses (from a hand-edited URL): its message is shown.
  await page.goto(`${s.url}/customers?value_tier=diamond`);
  await page.locator(".state-error", { hasText: "platinum" }).waitFor();
});

test("the owner filter finds any of 600 users by typing; country and created dates round-trip through the URL, a saved filter and the export", async () => {
  // 600 more users, written straight into the store (the API would hash 600 passwords; these
  // cannot sign in). The one searched for comes last, far beyond any first page of users.
  const values = Array.from({ length: 600 }, (_, i) => {
    const n = String(i + 1).padStart(3, "0");
    const name = i === 599 ? "Zhou Lastowner" : `Seller ${n}`;
    return `('seller${n}@example.com', '${name}', 'sales', '!', 0, 0, 0, 1)`;
  });
  const seed = sqlite(s.db, "INSERT INTO users (email, name, role, password_hash, disabled, created_at, updated_at, version) " +
    `VALUES ${values.join(", ")};`);
  assert.equal(seed.status, 0, seed.stderr);
  const [last] = s.sql("SELECT id, name FROM users WHERE email = 'seller600@example.com'");
  const [{ n: userCount }] = s.sql("SELECT count(*) AS n FROM users");
  assert.ok(userCount > 600);
  const make = async (json) => {
    const r = await s.request("POST", "/api/v1/customers", { token: adminToken, json });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    return r.body;
  };
  const hisFrench = await make({ name: "Amélie Dupont", country: "FR", owner_id: last.id });
  const hisChinese = await make({ name: "李雷", country: "CN", owner_id: last.id });
  const listed = async (q) => {
    const items = [];
    let cursor = "";
    do {
      const r = await s.request("GET", `/api/v1/customers?${q}&limit=500${cursor && `&cursor=${encodeURIComponent(cursor)}`}`, { token: adminToken });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      items.push(...r.body.items);
      cursor = r.body.next_cursor;
    } while (cursor);
    return items;
  };
  const table = page.locator("[data-test=customer-table]");
  const shown = (q) => page.locator(`[data-test=customer-table][data-shown="${q}"]`).waitFor();
  const ids = () => table.locator("tbody tr").evaluateAll((rows) => rows.map((r) => Number(r.dataset.id)));
  // Whatever the screen asks of the users, it asks a few at a time.
  const userQueries = [];
  const onRequest = (r) => { if (new URL(r.url()).pathname === "/api/v1/users") userQueries.push(new URL(r.url()).searchParams); };
  page.on("request", onRequest);

  await page.goto(`${s.url}/customers`);
  await table.waitFor();
  // Typing narrows the users on the server; the arrows and Enter take one.
  await chooseOwner(last.name, last.id);
  await shown(`owner=${last.id}`);
  assert.match(page.url(), new RegExp(`[?&]owner=${last.id}(&|$)`));
  assert.deepEqual((await ids()).sort(), [hisFrench.id, hisChinese.id].sort());
  assert.ok(userQueries.length > 0 && userQueries.every((q) => Number(q.get("limit")) <= 11), JSON.stringify(userQueries.map(String)));
  assert.ok(userQueries.some((q) => q.get("q") && last.name.includes(q.get("q"))));
  // Escape gives up a search and shows the choice again.
  await page.fill("#f-owner", "Seller 01");
  await page.locator("[data-test=user-option]", { hasText: "Seller 010" }).waitFor();
  await page.press("#f-owner", "Escape");
  assert.equal(await page.inputValue("#f-owner"), last.name);
  assert.equal(await page.locator("#f-owner-list").isVisible(), false);
  // The country, by its name in the UI's language.
  await page.selectOption("#f-country", { label: "France (FR)" });
  await shown(`owner=${last.id}&country=FR`);
  assert.deepEqual(await ids(), [hisFrench.id]);
  // A reload restores both, the owner by name (looked up by id, not found in a list).
  await page.reload();
  await shown(`owner=${last.id}&country=FR`);
  await page.waitForFunction((name) => document.querySelector("#f-owner")?.value === name, last.name);
  assert.equal(await page.inputValue("#f-country"), "FR");
  assert.deepEqual(await ids(), [hisFrench.id]);

  // Created between two days (both inclusive, in the browser's time zone): the middle third of
  // the store by creation time.
  await page.click("[data-test=clear-filters]");
  await shown("");
  const created = s.sql("SELECT created_at AS t FROM customers WHERE deleted_at IS NULL ORDER BY created_at").map((r) => r.t);
  const localDay = (ms) => page.evaluate((x) => {
    const d = new Date(x);
    return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
  }, ms);
  const from = await localDay(created[Math.floor(created.length / 3)]);
  const to = await localDay(created[Math.floor((2 * created.length) / 3)]);
  const [fromIso, toIso] = await page.evaluate(([a, b]) => {
    const start = (s, plus) => { const [y, m, d] = s.split("-").map(Number); return new Date(y, m - 1, d + plus).toISOString(); };
    return [start(a, 0), start(b, 1)];
  }, [from, to]);
  await page.fill("#f-created-from", from);
  await page.fill("#f-created-to", to);
  await shown(`created_from=${from}&created_to=${to}`);
  assert.match(page.url(), new RegExp(`[?&]created_from=${from}&created_to=${to}(&|$)`));
  const inRange = await listed(`created_from=${encodeURIComponent(fromIso)}&created_to=${encodeURIComponent(toIso)}`);
  assert.ok(inRange.length > 0 && inRange.length < created.length, `${inRange.length} of ${created.length}`);
  assert.ok(inRange.every((c) => c.created_at >= fromIso && c.created_at < toIso));
  assert.deepEqual(await ids(), inRange.slice(0, 25).map((c) => c.id));
  await shot("customers-created-range");

  // Saved by name with the dates and a country; applied after clearing; described in words.
  await page.selectOption("#f-country", "CN");
  const q = `country=CN&created_from=${from}&created_to=${to}`;
  await shown(q);
  await page.fill("[data-test=saved-name]", "Chinese, middle third");
  await page.click("[data-test=save-filter]");
  const item = page.locator('[data-test=saved-list] li[data-name="Chinese, middle third"]');
  await item.waitFor();
  assert.match(await item.innerText(), new RegExp(`China \\(CN\\).*${from} to ${to}`));
  await page.click("[data-test=clear-filters]");
  await shown("");
  await item.locator("[data-test=apply-saved]").click();
  await shown(q);
  assert.equal(await page.inputValue("#f-created-from"), from);
  assert.equal(await page.inputValue("#f-created-to"), to);
  // The export holds every row of that list, in the API's order.
  const expected = await listed(`country=CN&created_from=${encodeURIComponent(fromIso)}&created_to=${encodeURIComponent(toIso)}`);
  assert.ok(expected.length > 0);
  const [download] = await Promise.all([page.waitForEvent("download"), page.click("[data-test=export-csv]")]);
  const csv = parseCsv(fs.readFileSync(await download.path(), "utf8"));
  assert.deepEqual(csv.slice(1).map((r) => Number(r[0])), expected.map((c) => c.id));
  assert.ok(csv.slice(1).every((r) => r[6] === "CN"));
  await item.locator(":scope > button.danger").click();
  await item.locator("[data-test=confirm-yes]").click();
  await item.waitFor({ state: "detached" });

  // Values the server refuses (a hand-edited URL): the message is shown at the filter.
  await page.goto(`${s.url}/customers?created_from=yesterday`);
  await page.locator("#f-created-from-error").waitFor();
  assert.equal(await page.getAttribute("#f-created-from", "aria-invalid"), "true");
  await page.goto(`${s.url}/customers?country=XX`);
  await page.locator("#f-country-error", { hasText: "ISO 3166" }).waitFor();
  page.off("request", onRequest);
});

test("admin: users found by search beyond the first page; settings named in the UI's language, saved, refused at the field; audit log by user and day, with names", async () => {
  // Users: 600 more than the first page (the test above added them); the search asks the server.
  await page.goto(`${s.url}/admin/users`);
  await page.locator("main table tbody tr").first().waitFor();
  assert.equal(await page.locator("main table tbody tr").count(), 50);
  await page.fill("[data-test=user-search]", "Lastowner");
  await page.locator("main table tbody tr", { hasText: "Zhou Lastowner" }).waitFor();
  await page.waitForFunction(() => document.querySelectorAll("main table tbody tr").length === 1);
  await page.fill("[data-test=user-search]", "");
  await page.waitForFunction(() => document.querySelectorAll("main table tbody tr").length === 50);
  const firstPage = await page.locator("main table tbody tr td:first-child").allInnerTexts();
  await page.click("[data-test=users-next]");
  await page.waitForFunction((first) => document.querySelector("main table tbody tr td")?.innerText !== first, firstPage[0]);
  const secondPage = await page.locator("main table tbody tr td:first-child").allInnerTexts();
  assert.ok(secondPage.length > 0 && !secondPage.some((n) => firstPage.includes(n)));

  // Settings: named and grouped; the time zone is chosen from the browser's list.
  await page.goto(`${s.url}/admin/settings`);
  const zone = page.locator("#set-business_time_zone");
  await zone.waitFor();
  assert.equal(await page.locator("label[for=set-business_time_zone]").innerText(), "Time zone");
  assert.equal(await page.locator("[data-group=hours] h2").innerText(), "Business hours and SLA");
  assert.ok(await page.locator("[data-group=loyalty] form[data-key=loyalty_tiers]").count() === 1);
  assert.ok(await page.locator("[data-group=orders] form[data-key=return_window_days]").count() === 1);
  await zone.selectOption("Asia/Shanghai");
  await page.locator("form[data-key=business_time_zone] button[type=submit]").click();
  await page.locator("form[data-key=business_time_zone] [role=status]").waitFor();
  const stored = await s.request("GET", "/api/v1/settings", { token: adminToken });
  assert.equal(stored.body.items.find((x) => x.key === "business_time_zone").value, "Asia/Shanghai");
  // The server's refusal is shown at the field, and nothing is saved.
  await page.fill("#set-business_hours", "mon-fri 25:00-18:00");
  await page.locator("form[data-key=business_hours] button[type=submit]").click();
  await page.locator("#set-business_hours-error").waitFor();
  const after = await s.request("GET", "/api/v1/settings", { token: adminToken });
  assert.equal(after.body.items.find((x) => x.key === "business_hours").value, stored.body.items.find((x) => x.key === "business_hours").value);
  // In Chinese too.
  await page.selectOption("[data-test=locale]", "zh-CN");
  await page.locator("label[for=set-business_time_zone]", { hasText: "时区" }).waitFor();
  assert.equal(await page.locator("[data-group=hours] h2").innerText(), "营业时间与 SLA");
  assert.equal(await page.locator("label[for=set-return_window_days]").innerText(), "退货期限（天）");
  await page.selectOption("[data-test=locale]", "en");
  await zone.selectOption("UTC");
  await page.locator("form[data-key=business_time_zone] button[type=submit]").click();
  await page.locator("form[data-key=business_time_zone] [role=status]").waitFor();

  // Audit log: the admin's changes of today, by user (found by name) and day; users named.
  const me = await s.request("GET", "/api/v1/me", { token: adminToken });
  await page.goto(`${s.url}/admin/audit`);
  await page.locator("main table tbody tr").first().waitFor();
  const today = await page.evaluate(() => {
    const d = new Date();
    return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
  });
  const box = page.locator("#au-user");
  await box.click();
  await box.fill("Demo Adm");
  const option = page.locator(`[data-test=user-option][data-value="${me.body.id}"]`);
  await option.waitFor();
  while ((await option.getAttribute("aria-selected")) !== "true") await box.press("ArrowDown");
  await box.press("Enter");
  await page.fill("#au-from", today);
  await page.fill("#au-to", today);
  const [answer] = await Promise.all([
    page.waitForResponse((r) => r.url().includes("/api/v1/audit?") && r.url().includes(`user_id=${me.body.id}`) && r.url().includes("from=")),
    page.click("[data-test=audit-search]"),
  ]);
  const body = await answer.json();
  assert.ok(body.items.length > 0 && body.items.every((a) => a.user_id === me.body.id));
  await page.waitForFunction((n) => document.querySelectorAll("main table tbody tr").length === n, body.items.length);
  const who = await page.locator("main table tbody tr td:nth-child(2)").allInnerTexts();
  assert.deepEqual([...new Set(who)], ["Demo Admin"]);
  assert.ok(body.items.some((a) => JSON.stringify(a).includes("Asia/Shanghai")));
  await shot("admin-audit");
});

test("loyalty: a coupon issued, points and the coupon redeemed on a sale at the till, refusals at the field; a promotion created and ended after a confirm", async () => {
  const post = async (p, json) => {
    const r = await s.request("POST", p, { token: adminToken, json });
    assert.equal(r.status, 201, `${p}: ${JSON.stringify(r.body)}`);
    return r.body;
  };
  const lin = await post("/api/v1/customers", { name: "Lin Till" });
  const member = await post("/api/v1/loyalty/members", { customer_id: lin.id });
  await post(`/api/v1/loyalty/members/${lin.id}/adjustments`, { points: 500, reason: "welcome" });

  // A coupon issued from the screen: 10% off, single use.
  await page.goto(`${s.url}/loyalty?card=${member.card_number}`);
  await page.locator("[data-test=member-card]").waitFor();
  await page.fill("[data-test=coupon-code]", "UITEST-10");
  await page.fill("[data-test=coupon-percent]", "10");
  await page.click("[data-test=coupon-issue]");
  await page.locator("[data-test=coupons-issued]", { hasText: "UITEST-10" }).waitFor();

  // Redeeming more points than the balance is refused at the field; nothing is placed.
  const orders = async () => (await s.request("GET", `/api/v1/customers/${lin.id}/orders`, { token: adminToken })).body.items;
  await page.fill("[data-test=redeem-sku]", "UI-KETTLE");
  await page.fill("[data-test=redeem-points]", "100000");
  await page.click("[data-test=redeem-submit]");
  await page.locator("#rd-points-error").waitFor();
  assert.equal((await orders()).length, 0);
  // An unknown coupon too.
  await page.fill("[data-test=redeem-points]", "200");
  await page.fill("[data-test=redeem-coupon]", "NO-SUCH-CODE");
  await page.click("[data-test=redeem-submit]");
  await page.locator("#rd-coupon-error").waitFor();
  assert.equal((await orders()).length, 0);
  // 200 points and the coupon on one kettle.
  await page.fill("[data-test=redeem-coupon]", "uitest-10");
  await page.click("[data-test=redeem-submit]");
  const result = page.locator("[data-test=redeem-result]");
  await result.waitFor();
  const [order] = await orders();
  assert.ok(order, "the sale is placed");
  const full = (await s.request("GET", `/api/v1/orders/${order.id}`, { token: adminToken })).body;
  assert.equal(full.subtotal_minor, 12900);
  assert.ok(full.discount_minor >= 1290 + 200, JSON.stringify(full.discounts));
  assert.match(await result.innerText(), new RegExp(`#${order.id}`));
  const after = (await s.request("GET", `/api/v1/loyalty/members/${lin.id}`, { token: adminToken })).body;
  assert.match(await result.innerText(), new RegExp(`balance now ${after.balance}`));
  assert.ok(after.balance < 500);
  // The statement shows the redemption, the coupon its use.
  await page.locator("[data-test=ledger] tr", { hasText: "Redeemed" }).waitFor();
  await page.fill("[data-test=coupon-lookup]", "UITEST-10");
  await page.press("[data-test=coupon-lookup]", "Enter");
  assert.equal(await page.locator("[data-test=coupon-uses]").innerText(), "1 of 1");
  // The coupon list finds it by a prefix typed in any case, among those used up.
  const couponRows = page.locator("[data-test=coupon-list] tbody tr");
  await page.fill("[data-test=coupon-search]", "uitest");
  await page.selectOption("[data-test=coupon-usable]", "false");
  await page.waitForFunction(() => {
    const rows = document.querySelectorAll("[data-test=coupon-list] tbody tr");
    return rows.length === 1 && rows[0].textContent.includes("UITEST-10") && rows[0].textContent.includes("1 of 1");
  });
  await page.selectOption("[data-test=coupon-usable]", "true");
  await page.locator("[data-test=coupons] .state-empty", { hasText: "No coupons" }).waitFor();
  await page.fill("[data-test=coupon-search]", "");
  await page.selectOption("[data-test=coupon-usable]", "");
  await couponRows.first().waitFor();

  // A promotion: created, listed, ended after a confirm.
  const promos = page.locator("[data-test=promotions]");
  await page.fill("#pr-name", "UI basket week");
  await page.fill("#pr-percent", "5");
  await page.click("[data-test=promotion-create]");
  const row = promos.locator("tbody tr", { hasText: "UI basket week" });
  await row.waitFor();
  assert.match(await row.innerText(), /5% off/);
  await row.locator("button.danger:not([data-test=confirm-yes])").click();
  await row.locator("[data-test=confirm-yes]").click();
  await row.locator("text=Ended").waitFor();
  const listed = (await s.request("GET", "/api/v1/promotions?limit=50", { token: adminToken })).body.items.find((x) => x.name === "UI basket week");
  assert.equal(listed.active, false);

  // A product promotion names its product by SKU (suggested while typing): an unknown SKU is
  // refused at the field, the right one is stored as that product's id.
  await page.fill("#pr-name", "UI kettle days");
  await page.selectOption("#pr-scope", "product");
  await page.fill("#pr-percent", "10");
  await page.fill("[data-test=promotion-product]", "NO-SUCH-SKU");
  await page.click("[data-test=promotion-create]");
  await promos.locator("#pr-product-error, .field-error", { hasText: "NO-SUCH-SKU" }).first().waitFor();
  await page.fill("[data-test=promotion-product]", "UI-KET");
  await promos.locator("#pr-product-matches option[value='UI-KETTLE']").waitFor({ state: "attached" });
  await page.fill("[data-test=promotion-product]", "UI-KETTLE");
  await page.click("[data-test=promotion-create]");
  await promos.locator("tbody tr", { hasText: "UI kettle days" }).waitFor();
  // The list names the product by its SKU and name, not its id.
  await promos.locator("tbody tr", { hasText: "UI kettle days" }).filter({ hasText: "UI-KETTLE" }).waitFor();
  const kettle = (await s.request("GET", "/api/v1/promotions?limit=50", { token: adminToken })).body.items.find((x) => x.name === "UI kettle days");
  assert.equal(kettle.product_id, product.id);
  // A category promotion is chosen by the category's name.
  await page.selectOption("#pr-scope", "category");
  const choices = await promos.locator("[data-test=promotion-category] option").allInnerTexts();
  assert.ok(choices.length > 1, "the catalogue's categories are offered");
  await shot("loyalty-redeem");
});

test("the product page shows the rating distribution and reviews as text", async () => {
  await page.goto(`${s.url}/products/${product.id}`);
  await page.locator("[data-test=rating-count]", { hasText: "3 reviews" }).waitFor();
  assert.equal(await page.locator("[data-test=rating-mean]").innerText(), "3.7");
  const bars = {};
  for (const n of [1, 2, 3, 4, 5]) {
    bars[n] = await page.locator(`[data-test=rating-distribution] li[data-stars="${n}"] [data-test=bar-count]`).innerText();
  }
  assert.deepEqual(bars, { 1: "1", 2: "0", 3: "0", 4: "0", 5: "2" });
  // The review with markup in its title and text shows them as text.
  const evil = page.locator("[data-test=review-list] li", { hasText: "broke after a week" });
  await evil.waitFor();
  assert.match(await evil.innerText(), /<b>bad<\/b>/);
  assert.ok((await evil.innerText()).includes(XSS_REVIEW));
  assert.equal(await page.locator("main img").count(), 0);
  assert.equal(await page.locator("main b").count(), 0);
  assert.equal(await page.evaluate(() => window.__xss), undefined);
  await page.selectOption("[data-test=review-sort]", "rating");
  await page.locator("[data-test=review-list] li").first().filter({ hasText: "broke after a week" }).waitFor();
  await shot("product-reviews");
});

test("a review recorded on a customer's behalf changes the rating; a moderator hides one with a reason", async () => {
  await page.click("[data-test=record-review]");
  await page.click("[data-test=review-submit]");
  await page.locator("#rv-customer-error").waitFor();  // no customer chosen yet
  await page.locator("[data-test=customer-picker]").pressSequentially("Bea Rev", { delay: 20 });
  await page.locator(".picker-matches button", { hasText: "Bea Reviewer" }).click();
  await page.locator("[data-test=picked-customer]", { hasText: "Bea Reviewer" }).waitFor();
  await page.check("[data-test=rv-rating-4]");
  await page.fill("#rv-title", "Solid");
  await page.click("[data-test=review-submit]");
  await page.locator("[data-test=review-recorded]").waitFor();
  await page.locator("[data-test=rating-count]", { hasText: "4 reviews" }).waitFor();
  assert.equal(await page.locator(`[data-test=rating-distribution] li[data-stars="4"] [data-test=bar-count]`).innerText(), "1");
  assert.deepEqual(s.sql(`SELECT rating, title FROM reviews WHERE customer_id = ${bea.id}`), [{ rating: 4, title: "Solid" }]);
  // Bea finds Tom's review helpful, once.
  const toms = page.locator("[data-test=review-list] li", { hasText: "Great kettle" });
  await toms.locator("[data-test=helpful]").click();
  await toms.locator("[data-test=helpful-count]", { hasText: "1 found it helpful" }).waitFor();
  await toms.locator("[data-test=helpful]").click();
  await toms.locator(".form-error", { hasText: /already/ }).waitFor();
  // Hiding asks for a reason: the server's refusal of an empty one is shown at the field.
  const evil = page.locator("[data-test=review-list] li", { hasText: "broke after a week" });
  await evil.locator("[data-test=hide]").click();
  await page.click("[data-test=hide-confirm]");
  await page.locator("#hide-reason-error").waitFor();
  await page.fill("#hide-reason", "Not about the product");
  await page.click("[data-test=hide-confirm]");
  await page.locator("[data-test=rating-count]", { hasText: "3 reviews" }).waitFor();
  await evil.waitFor({ state: "detached" });
  await page.check("[data-test=show-hidden]");
  await page.locator("[data-test=review-list] li.hidden", { hasText: "Not about the product" }).waitFor();
  await shot("product-reviews-moderated");
});

test("the knowledge base is searched from a ticket and an article linked as solved; a CSAT survey sent", async () => {
  await page.goto(`${s.url}/tickets/${crushed.id}`);
  const search = page.locator("[data-test=ticket-kb-search]");
  await search.waitFor();
  assert.equal(await search.inputValue(), "Parcel arrived crushed");  // prefilled with the subject
  const hit = page.locator("[data-test=ticket-kb-results] li", { hasText: KB_TITLE });
  await hit.locator("[data-test=kb-link]").click();
  await page.locator("[data-test=ticket-kb-links] li", { hasText: KB_TITLE }).waitFor();
  assert.deepEqual(s.sql(`SELECT article_id FROM ticket_articles WHERE ticket_id = ${crushed.id}`), [{ article_id: article.id }]);
  // And the customer is asked how we did on this ticket.
  await page.click("[data-test=send-csat]");
  await page.locator("[data-test=ticket-survey]", { hasText: "CSAT survey sent" }).waitFor();
  assert.deepEqual(s.sql(`SELECT kind, customer_id FROM survey_invitations WHERE ticket_id = ${crushed.id}`), [{ kind: "csat", customer_id: bea.id }]);
  await shot("ticket-kb");
  // The knowledge base screen finds it by Chinese words too, and shows the rendered article.
  await page.goto(`${s.url}/kb`);
  await page.locator("[data-test=kb-search]").pressSequentially("破损", { delay: 30 });
  await page.locator("[data-test=kb-results][data-query=\"破损\"] li a", { hasText: KB_TITLE }).click();
  await page.locator("[data-test=kb-article-body] strong", { hasText: "refund" }).waitFor();
  assert.match(await page.locator("[data-test=kb-article]").innerText(), /solved 1 ticket/);
  // An editor changes it: the edit is sent with If-Match (the version read) and shown at once.
  await page.click("[data-test=kb-edit]");
  await page.fill("[data-test=kb-title]", `${KB_TITLE} (updated)`);
  await page.click("[data-test=kb-save]");
  await page.locator("[data-test=kb-article-title]", { hasText: "(updated)" }).waitFor();
  assert.deepEqual(s.sql(`SELECT title, version FROM kb_articles WHERE id = ${article.id}`),
    [{ title: `${KB_TITLE} (updated)`, version: 2 }]);
});

test("a survey sent from the 360 view is answered there; results show the NPS of the range and on the dashboard", async () => {
  await page.goto(`${s.url}/customers/${tom.id}`);
  await page.selectOption("#inv-channel", "store");
  await page.fill("#inv-store", "UI test store");
  await page.click("[data-test=send-survey]");
  await page.locator("[data-test=survey-sent]").waitFor();
  await page.locator("[data-test=pending-surveys] li button").click();
  const form = page.locator("[data-test=answer-form]");
  await form.locator("[data-test=answer-score]").fill("11");
  await form.locator("button[type=submit]").click();
  await form.locator(".field-error", { hasText: "0 to 10" }).waitFor();  // the server's, at the field
  await form.locator("[data-test=answer-score]").fill("10");
  await form.locator("input[id^=ans-comment]").fill("Friendly staff");
  await form.locator("button[type=submit]").click();
  await page.locator("[data-test=customer-answers] tr", { hasText: "Friendly staff" }).waitFor();
  assert.deepEqual(s.sql(`SELECT r.score, i.store FROM survey_responses r JOIN survey_invitations i ON i.id = r.invitation_id WHERE r.customer_id = ${tom.id}`),
    [{ score: 10, store: "UI test store" }]);
  await page.goto(`${s.url}/surveys`);
  const score = page.locator("[data-test=survey-score]");
  await score.waitFor();
  const from = await page.inputValue("#sv-from");
  const to = new Date(`${await page.inputValue("#sv-to")}T00:00:00Z`);
  to.setUTCDate(to.getUTCDate() + 1);
  const r = await s.request("GET", `/api/v1/surveys/reports?kind=nps&from=${from}&to=${to.toISOString().slice(0, 10)}`,
    { token: adminToken });
  assert.equal(r.status, 200);
  assert.ok(r.body.total.responses > 0);
  const expected = new Intl.NumberFormat("en-US", { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(r.body.total.nps);
  assert.equal(await score.innerText(), expected);
  await page.locator("[data-test=survey-responses-table] tr", { hasText: "Friendly staff" }).waitFor();
  // By month, the months between the first and the last are all there (those without answers too).
  const months = await page.locator("[data-test=survey-groups] tbody tr").evaluateAll((rows) => rows.map((r) => r.dataset.key));
  assert.ok(months.length >= 1);
  for (let i = 1; i < months.length; i++) {
    const [y, m] = months[i - 1].split("-").map(Number);
    assert.equal(months[i], m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, "0")}`, months.join(" "));
  }
  await page.selectOption("[data-test=group-by]", "store");
  await page.locator("[data-test=survey-groups] tr", { hasText: "UI test store" }).filter({ hasText: "100.0" }).waitFor();
  // The table as a CSV file: the store's row with its raw figures.
  const [download] = await Promise.all([page.waitForEvent("download"), page.click("[data-test=survey-export-csv]")]);
  const csv = fs.readFileSync(await download.path(), "utf8").split("\r\n");
  assert.equal(csv[0], "Store,Responses,Promoters (9-10),Passives (7-8),Detractors (0-6),NPS");
  assert.ok(csv.includes("UI test store,1,1,0,0,100"), csv.join("\n"));
  await shot("surveys");
  await page.goto(`${s.url}/`);
  assert.match(await page.locator("[data-test=nps30]").innerText(), /^-?\d+(\.\d)?$/);
});

test("the 360 view pages through all of a customer's orders", async () => {
  const [busy] = s.sql("SELECT customer_id AS id, count(*) AS n FROM orders WHERE customer_id IS NOT NULL GROUP BY customer_id HAVING n > 10 ORDER BY n DESC LIMIT 1");
  assert.ok(busy, "a demo customer with more than 10 orders");
  const first = await s.request("GET", `/api/v1/customers/${busy.id}/orders?limit=10`, { token: adminToken });
  const second = await s.request("GET", `/api/v1/customers/${busy.id}/orders?limit=10&cursor=${encodeURIComponent(first.body.next_cursor)}`, { token: adminToken });
  await page.goto(`${s.url}/customers/${busy.id}`);
  const rows = page.locator("section[aria-labelledby=orders-h] tbody tr");
  await rows.first().waitFor();
  const ids = () => rows.evaluateAll((trs) => trs.map((tr) => Number(tr.querySelector("td").firstChild.textContent)));
  assert.deepEqual(await ids(), first.body.items.map((o) => o.id));
  await page.click("[data-test=orders-next]");
  await page.waitForFunction((id) => Number(document.querySelector("section[aria-labelledby=orders-h] tbody tr td")?.firstChild.textContent) === id, second.body.items[0].id);
  assert.deepEqual(await ids(), second.body.items.map((o) => o.id));
});

test("the 360 view lists a customer's returns with their products, newest first, a page at a time", async () => {
  const post = async (p, json) => {
    const r = await s.request("POST", p, { token: adminToken, json });
    assert.equal(r.status, 201, `${p}: ${JSON.stringify(r.body)}`);
    return r.body;
  };
  const ray = await post("/api/v1/customers", { name: "Ray Returns" });
  await page.goto(`${s.url}/customers/${ray.id}`);
  await page.locator("section[aria-labelledby=returns-h] .state-empty", { hasText: "No returns" }).waitFor();
  const order = await post("/api/v1/orders", { customer_id: ray.id, lines: [{ product_id: product.id, quantity: 11 }] });
  const made = [];
  for (let i = 0; i < 11; i++) {
    made.push(await post(`/api/v1/orders/${order.id}/returns`, {
      ...(i === 10 ? { reason: "<b>lid</b> cracked" } : {}),
      lines: [{ order_line_id: order.lines[0].id, quantity: 1 }] }));
  }
  const newest = made.map((r) => r.id).reverse();
  await page.reload();
  const rows = page.locator("section[aria-labelledby=returns-h] tbody tr");
  await rows.first().waitFor();
  const ids = () => rows.evaluateAll((trs) => trs.map((tr) => Number(tr.querySelector("td").textContent)));
  assert.deepEqual(await ids(), newest.slice(0, 10));
  const top = await rows.first().innerText();
  assert.match(top, /<b>lid<\/b> cracked/);
  assert.match(top, /Glass kettle \(UI-KETTLE\)/);
  assert.equal(await page.locator("section[aria-labelledby=returns-h] b").count(), 0);
  await page.click("[data-test=returns-next]");
  await page.waitForFunction((id) => Number(document.querySelector("section[aria-labelledby=returns-h] tbody tr td")?.textContent) === id, newest[10]);
  assert.deepEqual(await ids(), newest.slice(10));
  await shot("customer-360-returns");
});

test("the 360 view pages through all of a customer's tickets", async () => {
  const post = async (p, json) => {
    const r = await s.request("POST", p, { token: adminToken, json });
    assert.equal(r.status, 201, `${p}: ${JSON.stringify(r.body)}`);
    return r.body;
  };
  const tia = await post("/api/v1/customers", { name: "Tia Tickets" });
  for (let i = 1; i <= 12; i++) {
    await post("/api/v1/tickets", { type: "inquiry", channel: "email", customer_id: tia.id, subject: `Question ${i}` });
  }
  const first = await s.request("GET", `/api/v1/tickets?customer=${tia.id}&limit=10`, { token: adminToken });
  const second = await s.request("GET", `/api/v1/tickets?customer=${tia.id}&limit=10&cursor=${encodeURIComponent(first.body.next_cursor)}`, { token: adminToken });
  assert.equal(second.body.items.length, 2);
  await page.goto(`${s.url}/customers/${tia.id}`);
  const rows = page.locator("section[aria-labelledby=tickets-h] tbody tr");
  await rows.first().waitFor();
  const ids = () => rows.evaluateAll((trs) => trs.map((tr) => Number(tr.querySelector("td").textContent)));
  assert.deepEqual(await ids(), first.body.items.map((x) => x.id));
  await page.click("[data-test=tickets-next]");
  await page.waitForFunction((id) => Number(document.querySelector("section[aria-labelledby=tickets-h] tbody tr td")?.textContent) === id, second.body.items[0].id);
  assert.deepEqual(await ids(), second.body.items.map((x) => x.id));
  assert.equal(await page.locator("[data-test=tickets-next]").isDisabled(), true);
  await page.click("section[aria-labelledby=tickets-h] .pager button:first-child");
  await page.waitForFunction((id) => Number(document.querySelector("section[aria-labelledby=tickets-h] tbody tr td")?.textContent) === id, first.body.items[0].id);
});

test("markup in customer-entered text is shown as text, never run", async () => {
  await page.goto(`${s.url}/customers/${xss.id}`);
  const h1 = page.locator("[data-test=customer-name]");
  await h1.waitFor();
  assert.equal(await h1.innerText(), XSS_NAME);
  await page.locator("[data-test=timeline] li", { hasText: "bold?" }).first().waitFor();
  assert.equal(await page.locator("main img").count(), 0);
  assert.equal(await page.locator("main script").count(), 0);
  assert.equal(await page.locator("main b").count(), 0);
  await page.goto(`${s.url}/customers?q=Mallory`);
  await page.locator("[data-test=customer-table] tbody tr", { hasText: "Mallory" }).waitFor();
  assert.equal(await page.locator("main img").count(), 0);
  assert.equal(await page.evaluate(() => window.__xss), undefined);
  await shot("xss-as-text");
});

test("switching to Chinese translates the labels and formats dates for the locale", async () => {
  await page.goto(`${s.url}/`);
  await page.locator("[data-test=kpis]").waitFor();
  await page.selectOption("[data-test=locale]", "zh-CN");
  await page.locator("nav a", { hasText: "客户" }).waitFor();
  assert.equal(await page.evaluate(() => document.documentElement.lang), "zh-CN");
  assert.match(await page.locator("[data-test=whoami]").innerText(), /管理员/);
  await page.goto(`${s.url}/customers/${chinese.id}`);
  await page.locator("h2", { hasText: "时间线" }).waitFor();
  // Intl's Chinese dates carry 年/月/日.
  assert.match(await page.locator("[data-test=timeline] .meta").first().innerText(), /\d{4}年\d{1,2}月\d{1,2}日/);
  // Feedback labels too, with the customer's review as written.
  await page.locator("[data-test=customer-reviews] h2", { hasText: "商品评价" }).waitFor();
  await page.locator("[data-test=customer-reviews] li", { hasText: "烧水很快。" }).waitFor();
  await shot("customer-360-zh");
  // The customer list's filters too, countries named in Chinese.
  await page.goto(`${s.url}/customers`);
  await page.locator("label[for=f-created-from]", { hasText: "创建日期自" }).waitFor();
  assert.equal(await page.locator("#f-country option[value=FR]").innerText(), "法国 (FR)");
  assert.equal(await page.getAttribute("#f-owner", "placeholder"), "姓名或邮箱");
  await page.goto(`${s.url}/customers/${chinese.id}`);
  // The choice is kept across a reload.
  await page.reload();
  await page.locator("h2", { hasText: "时间线" }).waitFor();
  await page.selectOption("[data-test=locale]", "en");
});

test("at phone width the menu folds and the dashboard still reads", async () => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`${s.url}/`);
  await page.locator("[data-test=kpis]").waitFor();
  // Active members (bought in the last 30 days) among all members, as the API counts them.
  const dash = (await s.request("GET", "/api/v1/dashboard", { token: adminToken })).body;
  assert.ok(dash.members.active_30_days > 0 && dash.members.active_30_days <= dash.members.total);
  assert.equal((await page.locator("[data-test=active-members]").innerText()).replace(/[^0-9]/g, ""), String(dash.members.active_30_days));
  assert.match(await page.locator("[data-test=members-kpi]").innerText(), new RegExp(`of ${dash.members.total.toLocaleString("en-US")} loyalty members`));
  assert.equal(await page.locator("#main-nav").isVisible(), false);
  await page.click(".menu-toggle");
  await page.locator("#main-nav a", { hasText: "Customers" }).waitFor();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 1, `page wider than the phone by ${overflow}px`);
  await shot("dashboard-phone");
  // The product page with its reviews also fits.
  await page.goto(`${s.url}/products/${product.id}`);
  await page.locator("[data-test=review-list] li").first().waitFor();
  const wide = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(wide <= 1, `product page wider than the phone by ${wide}px`);
  await shot("product-phone");
  // The customer list with its filters and score columns too.
  await page.goto(`${s.url}/customers?sort=-revenue`);
  await page.locator("[data-test=customer-table][data-shown=\"sort=-revenue\"]").waitFor();
  const list = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(list <= 1, `customer list wider than the phone by ${list}px`);
  await shot("customers-phone");
  await page.setViewportSize({ width: 1280, height: 900 });
});

test("signing out clears the session; no console or CSP errors happened", async () => {
  await page.goto(`${s.url}/`);
  await page.click("[data-test=sign-out]");
  await page.waitForURL(/\/sign-in/);
  const cookies = await page.context().cookies();
  assert.equal(cookies.find((c) => c.name === "rapport_session"), undefined);
  await page.goto(`${s.url}/customers`);
  await page.waitForURL(/\/sign-in/);
  // Answers of 4xx (the wrong password, the invalid email, analytics before the first refresh)
  // are logged by the browser as failed loads; the screens handle them. Anything else (a script
  // error, a Content-Security-Policy violation) is a bug.
  const unexpected = problems.filter((p) => !/Failed to load resource: the server responded with a status of 4\d\d/.test(p));
  assert.deepEqual(unexpected, []);
});
