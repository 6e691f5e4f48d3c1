// Imports and exports through the API (CSV upload, import status, streamed CSV export) and the
// command line (rapport import with stop / skip-invalid / resume, rapport export, rapport demo).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { cli, tempDir, startServer } from "./lib.mjs";

const CSV = { "Content-Type": "text/csv" };
let s;
let admin;
const dirs = [];
before(async () => {
  s = await startServer();
  admin = await s.signIn(s.adminEmail, s.adminPassword);
});
after(async () => {
  await s.stop();
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

test("an upload imports all rows and the export streams them back, formulas neutralised",
  async () => {
    const body = "External ID,Name,Email,Mobile,City,Country,Tags\r\n" +
      "K1,王芳,wang.fang@example.cn,+86 138 0013 8001,Shanghai,CN,vip\r\n" +
      "K2,\"=HYPERLINK(\"\"http://evil\"\")\",evil@example.com,,Boston,US,\r\n";
    const r = await s.request("POST", "/api/v1/imports/customers", { token: admin, body, headers: CSV });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.equal(r.body.created, 2);
    assert.equal(r.body.status, "done");
    assert.equal(r.headers.get("location"), `/api/v1/imports/${r.body.id}`);
    const g = await s.request("GET", `/api/v1/imports/${r.body.id}`, { token: admin });
    assert.equal(g.status, 200);
    assert.equal(g.body.line, 3);
    // The same file again updates (matched by external id), never duplicates.
    const again = await s.request("POST", "/api/v1/imports/customers", { token: admin, body, headers: CSV });
    assert.equal(again.body.created, 0);
    assert.equal(again.body.updated, 2);
    const e = await s.request("GET", "/api/v1/exports/customers.csv", { token: admin });
    assert.equal(e.status, 200);
    assert.match(e.headers.get("content-type"), /^text\/csv/);
    const lines = e.body.trim().split("\r\n");
    assert.equal(lines.length, 3);
    assert.match(lines[0], /^id,kind,name,email,phone/);
    assert.ok(lines[1].includes("王芳,wang.fang@example.cn,+8613800138001"), lines[1]);
    assert.ok(lines[2].includes(`"'=HYPERLINK(""http://evil"")"`), lines[2]);
  });

test("an invalid row answers 400 naming the line and imports nothing", async () => {
  const before = s.sql("SELECT count(*) AS n FROM customers")[0].n;
  const body = "name,email\nGood One,good.one@example.com\nBad,not-an-email\n";
  const r = await s.request("POST", "/api/v1/imports/customers", { token: admin, body, headers: CSV });
  assert.equal(r.status, 400);
  assert.equal(r.body.error.field, "upload:3");
  assert.match(r.body.error.message, /column 'email'/);
  assert.equal(s.sql("SELECT count(*) AS n FROM customers")[0].n, before);
  const h = await s.request("POST", "/api/v1/imports/customers",
    { token: admin, body: "favourite,name\nx,y\n", headers: CSV });
  assert.equal(h.status, 400);
  assert.equal(h.body.error.field, "upload:1");
});

test("rapport import: stop at file:line, --skip-invalid with a reject file, --resume",
  async () => {
    const d = tempDir("rapport-import-");
    dirs.push(d);
    const db = path.join(d, "s.db");
    assert.equal(cli(["demo", "--db", db, "--customers", "0"]).status, 0);
    const file = path.join(d, "inv.csv");
    fs.writeFileSync(file,
      "Invoice,StockCode,Description,Quantity,InvoiceDate,Price,Customer ID,Country\n" +
      "1,A,Thing,2,2024-01-02 10:00:00,1.50,7,France\n" +
      "2,A,Thing,two,2024-01-02 10:00:00,1.50,7,France\n" +
      "C3,A,Thing,-1,2024-01-03 10:00:00,1.50,7,France\n");
    const stop = cli(["import", "invoices", file, "--db", db]);
    assert.equal(stop.status, 2);
    assert.equal(stop.stderr.trim(), `rapport: ${file}:3: column 'Quantity': 'two' is not a whole number`);
    const rejects = path.join(d, "rejects.csv");
    const skip = cli(["import", "invoices", file, "--db", db, "--skip-invalid", "--reject-file", rejects]);
    assert.equal(skip.status, 0, skip.stderr);
    assert.match(skip.stdout, /2 created, 0 updated, 1 rejected/);
    assert.match(fs.readFileSync(rejects, "utf8"), /^line,reason,record\n3,"column 'Quantity'/);
    // The latest import of the file finished: nothing to resume (the failed one before it is
    // not taken up again, which would import its rows twice).
    const resume = cli(["import", "invoices", file, "--db", db, "--resume"]);
    assert.equal(resume.status, 1);
    assert.match(resume.stderr, /no unfinished invoices import of this file/);
    const xlsx = path.join(d, "orders.xlsx");
    const ex = cli(["export", "orders", "--format", "xlsx", "--output", xlsx, "--db", db]);
    assert.equal(ex.status, 0, ex.stderr);
    assert.match(ex.stdout, /exported 2 orders/);
    assert.equal(fs.readFileSync(xlsx).subarray(0, 2).toString(), "PK");
  });

test("rapport demo generates a store deterministically from its seed", () => {
  const d = tempDir("rapport-demo-");
  dirs.push(d);
  const counts = [];
  for (const name of ["a.db", "b.db"]) {
    const db = path.join(d, name);
    const r = cli(["demo", "--db", db, "--customers", "400", "--seed", "9"]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /admin password: \S+/);
    assert.match(r.stdout, /analyst\s+\S+/);
    counts.push(r.stdout.split("\n").filter((l) => l.startsWith("demo store")).join("")
      .replace(/ in [0-9.]+ s$/, ""));
  }
  assert.equal(counts[0], counts[1]);
  assert.match(counts[0], /400 customers .* 500 products/);
});
