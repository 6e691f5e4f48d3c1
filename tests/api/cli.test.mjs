// The `rapport` command line: version and help, migrations, users, tokens, backup, rapport.toml
// and its errors. Commands that need a server to prove their effect start one on the same file.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { BIN, cli, tempDir, startServer, sqlite, freePort, waitUntilUp } from "./lib.mjs";

const dirs = [];
function dir() {
  const d = tempDir("rapport-cli-");
  dirs.push(d);
  return d;
}
after(() => { for (const d of dirs) fs.rmSync(d, { recursive: true, force: true }); });

// A new migrated database with a demo admin; returns its path and the admin's credentials.
function demoDb() {
  const db = path.join(dir(), "rapport.db");
  const r = cli(["demo", "--db", db, "--customers", "0"]);
  assert.equal(r.status, 0, r.stderr);
  return {
    db,
    email: /admin sign-in: (\S+)/.exec(r.stdout)[1],
    password: /admin password: (\S+)/.exec(r.stdout)[1],
  };
}

// Runs the CLI without blocking the event loop (for commands that run beside a server); kills
// it after `timeout` ms.
function cliAsync(args, { timeout = 30000, ...opts } = {}) {
  return new Promise((resolve) => {
    const p = spawn(BIN, args, { stdio: ["ignore", "pipe", "pipe"], ...opts });
    let stdout = "";
    let stderr = "";
    const timer = setTimeout(() => p.kill("SIGKILL"), timeout);
    p.stdout.on("data", (d) => { stdout += d; });
    p.stderr.on("data", (d) => { stderr += d; });
    p.on("exit", (status, signal) => {
      clearTimeout(timer);
      resolve({ status, signal, stdout, stderr });
    });
  });
}

async function signInStatus(s, email, password) {
  return (await s.request("POST", "/api/v1/sessions", { json: { email, password } })).status;
}

const tableCount = (db) => Number(sqlite(db,
  "SELECT count(*) FROM sqlite_master WHERE type = 'table'").stdout.trim());

test("--version prints the version", () => {
  const r = cli(["--version"]);
  assert.equal(r.status, 0);
  assert.match(r.stdout, /^rapport \d+\.\d+\.\d+\S*\n$/);
});

test("--help works on the program and on every subcommand", () => {
  const top = cli(["--help"]);
  assert.equal(top.status, 0);
  for (const sub of ["serve", "migrate", "user", "token", "backup", "vacuum", "demo", "routes", "service"]) {
    assert.match(top.stdout, new RegExp(`\\n\\s+${sub}\\s`), sub);
  }
  const user = cli(["user", "--help"]);
  assert.equal(user.status, 0);
  for (const sub of ["add", "list", "disable", "reset-password"]) assert.match(user.stdout, new RegExp(sub));
  for (const args of [["serve"], ["migrate"], ["user", "add"], ["user", "list"],
    ["user", "disable"], ["user", "reset-password"], ["token"], ["token", "create"],
    ["token", "revoke"], ["backup"], ["vacuum"], ["demo"], ["routes"], ["service"], ["service", "sweep"]]) {
    const r = cli([...args, "--help"]);
    assert.equal(r.status, 0, `${args.join(" ")} --help: ${r.stderr}`);
    assert.match(r.stdout, /Usage:/, args.join(" "));
  }
  // The serve options are all documented.
  const serve = cli(["serve", "--help"]).stdout;
  for (const opt of ["--db", "--listen", "--threads", "--access-log", "--web-root",
    "--sweep-interval"]) {
    assert.ok(serve.includes(opt), opt);
  }
});

test("no subcommand or an unknown one is an error that says so", () => {
  for (const args of [[], ["user"], ["token"]]) {
    const r = cli(args);
    assert.notEqual(r.status, 0, args.join(" "));
    assert.match(r.stderr, /choose a subcommand/, args.join(" "));
    assert.match(r.stderr, /Usage:/);
  }
  for (const args of [["frobnicate"], ["user", "frobnicate"]]) {
    const r = cli(args);
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /frobnicate/, "the unknown word is named");
  }
});

test("migrate --dry-run lists without changing; migrate applies; then up to date", () => {
  const db = path.join(dir(), "fresh.db");
  const dry = cli(["migrate", "--db", db, "--dry-run"]);
  assert.equal(dry.status, 0, dry.stderr);
  assert.match(dry.stdout, /^would apply 1: .+$/m);
  const versions = [...dry.stdout.matchAll(/^would apply (\d+):/gm)].map((m) => Number(m[1]));
  assert.deepEqual(versions, versions.map((_, i) => i + 1), "every migration, in order");
  assert.equal(tableCount(db), 0, "the dry run created tables");

  const run = cli(["migrate", "--db", db]);
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /^applying 1: /m);
  const latest = versions.at(-1);
  assert.match(run.stdout, new RegExp(`schema is now version ${latest}\\b`));
  assert.ok(tableCount(db) >= 5);
  const applied = sqlite(db, "SELECT group_concat(version) FROM schema_migrations ORDER BY version");
  assert.equal(applied.stdout.trim(), versions.join(","));

  const again = cli(["migrate", "--db", db]);
  assert.equal(again.status, 0);
  assert.match(again.stdout, new RegExp(`up to date \\(version ${latest}\\)`));
  const dryAgain = cli(["migrate", "--db", db, "--dry-run"]);
  assert.match(dryAgain.stdout, /up to date/);
});

test("a database from a newer Rapport is refused by serve, migrate and user", async () => {
  const db = path.join(dir(), "future.db");
  assert.equal(cli(["migrate", "--db", db]).status, 0);
  const ins = sqlite(db, "INSERT INTO schema_migrations (version, name, applied_at) " +
    "VALUES (9999, 'from the future', 0)");
  assert.equal(ins.status, 0, ins.stderr);
  const port = await freePort();
  for (const args of [["serve", "--db", db, "--listen", `127.0.0.1:${port}`, "--access-log", "off"],
    ["migrate", "--db", db], ["migrate", "--db", db, "--dry-run"], ["user", "list", "--db", db]]) {
    const r = cli(args, { timeout: 10000 });
    assert.notEqual(r.status, 0, `${args[0]} accepted it`);
    assert.equal(r.signal, undefined);
    assert.match(r.stderr, /9999/, args.join(" "));
    assert.match(r.stderr, /newer/i, args.join(" "));
    assert.match(r.stderr, /Rapport/, args.join(" "));
  }
  // Nothing was changed.
  assert.equal(sqlite(db, "SELECT max(version) FROM schema_migrations").stdout.trim(), "9999");
});

test("user add / list / disable / reset-password, proven by signing in", async () => {
  const { db, email: adminEmail } = demoDb();
  const s = await startServer({ db });
  try {
    // A generated password is printed once.
    const add = cli(["user", "add", "--db", db, "--email", "gen@example.com", "--name", "Gen Erated",
      "--role", "manager"]);
    assert.equal(add.status, 0, add.stderr);
    assert.match(add.stdout, /created user \d+ gen@example.com \(manager\)/);
    const generated = /^password: (\S+)$/m.exec(add.stdout)?.[1];
    assert.ok(generated && generated.length >= 16, add.stdout);
    const session = await s.request("POST", "/api/v1/sessions",
      { json: { email: "gen@example.com", password: generated } });
    assert.equal(session.status, 201);
    assert.equal(session.body.user.role, "manager");

    // --password-stdin reads it, and prints none.
    const stdinAdd = cli(["user", "add", "--db", db, "--email", "piped@example.com",
      "--name", "Piped", "--password-stdin"], { input: "piped in password\n" });
    assert.equal(stdinAdd.status, 0, stdinAdd.stderr);
    assert.doesNotMatch(stdinAdd.stdout, /password:/);
    assert.match(stdinAdd.stdout, /\(analyst\)/, "the default role is analyst");
    assert.equal(await signInStatus(s, "piped@example.com", "piped in password"), 201);

    // list shows everyone with role and status.
    const list = cli(["user", "list", "--db", db]);
    assert.equal(list.status, 0);
    for (const e of [adminEmail, "gen@example.com", "piped@example.com"]) {
      assert.match(list.stdout, new RegExp(`^\\d+\\s+${e.replace(/\./g, "\\.")}\\s.*active$`, "m"), e);
    }
    assert.match(list.stdout, /gen@example\.com\s+Gen Erated\s+manager\s+active/);
    assert.doesNotMatch(list.stdout, /argon2/);

    // disable, by email: the session dies and sign-in is refused.
    const dis = cli(["user", "disable", "--db", db, "gen@example.com"]);
    assert.equal(dis.status, 0, dis.stderr);
    assert.match(dis.stdout, /disabled user \d+ gen@example.com/);
    assert.equal((await s.request("GET", "/api/v1/me", { token: session.body.token })).status, 401);
    assert.equal(await signInStatus(s, "gen@example.com", generated), 401);
    assert.match(cli(["user", "list", "--db", db]).stdout, /gen@example\.com.*disabled/);

    // reset-password, by id: prints a new one that works; the old one does not.
    const piped = await s.request("POST", "/api/v1/sessions",
      { json: { email: "piped@example.com", password: "piped in password" } });
    const id = String(piped.body.user.id);
    const reset = cli(["user", "reset-password", "--db", db, id]);
    assert.equal(reset.status, 0, reset.stderr);
    const fresh = /^password: (\S+)$/m.exec(reset.stdout)?.[1];
    assert.ok(fresh, reset.stdout);
    assert.equal((await s.request("GET", "/api/v1/me", { token: piped.body.token })).status, 401);
    assert.equal(await signInStatus(s, "piped@example.com", "piped in password"), 401);
    assert.equal(await signInStatus(s, "piped@example.com", fresh), 201);
    const reset2 = cli(["user", "reset-password", "--db", db, "piped@example.com",
      "--password-stdin"], { input: "chosen by the operator\n" });
    assert.equal(reset2.status, 0, reset2.stderr);
    assert.equal(await signInStatus(s, "piped@example.com", "chosen by the operator"), 201);

    // Unknown users are named.
    const ghost = cli(["user", "disable", "--db", db, "ghost@example.com"]);
    assert.notEqual(ghost.status, 0);
    assert.match(ghost.stderr, /ghost@example\.com/);
    // The CLI's writes are audited as the operator.
    const [{ n }] = s.sql("SELECT count(*) AS n FROM audit_log WHERE request_id = 'cli' " +
      "AND user_id IS NULL AND entity = 'user'");
    assert.ok(n >= 6, `${n} audit rows from the CLI`);
  } finally {
    await s.stop();
  }
});

test("user add refuses a duplicate email, a bad role and a short password", () => {
  const { db, email } = demoDb();
  const before1 = sqlite(db, "SELECT count(*) FROM users").stdout;
  const dup = cli(["user", "add", "--db", db, "--email", email.toUpperCase(), "--name", "Again"]);
  assert.notEqual(dup.status, 0);
  assert.match(dup.stderr, /already exists/);
  assert.match(dup.stderr, /email/);
  const role = cli(["user", "add", "--db", db, "--email", "r@example.com", "--name", "R",
    "--role", "wizard"]);
  assert.equal(role.status, 2);
  assert.match(role.stderr, /--role/);
  assert.match(role.stderr, /admin, manager, sales, service or analyst/);
  const short = cli(["user", "add", "--db", db, "--email", "s@example.com", "--name", "S",
    "--password-stdin"], { input: "short\n" });
  assert.equal(short.status, 2);
  assert.match(short.stderr, /password/);
  const email2 = cli(["user", "add", "--db", db, "--email", "not-an-email", "--name", "S"]);
  assert.equal(email2.status, 2);
  assert.match(email2.stderr, /email/);
  const missing = cli(["user", "add", "--db", db, "--name", "No Email"]);
  assert.notEqual(missing.status, 0);
  assert.match(missing.stderr, /--email/);
  assert.equal(sqlite(db, "SELECT count(*) FROM users").stdout, before1);
});

test("token create prints a token that authenticates; token revoke makes it 401", async () => {
  const { db, email } = demoDb();
  const s = await startServer({ db });
  try {
    const c = cli(["token", "create", "--db", db, "--user", email, "--name", "pos sync",
      "--expires-days", "10"]);
    assert.equal(c.status, 0, c.stderr);
    const m = /^token (\d+) for (\S+), expires (\S+)\n(rp_[A-Za-z0-9_-]{43,})\n$/.exec(c.stdout);
    assert.ok(m, c.stdout);
    const [, id, forEmail, expires, token] = m;
    assert.equal(forEmail, email);
    const days = (Date.parse(expires) - Date.now()) / 86400000;
    assert.ok(days > 9.9 && days <= 10, `expires in ${days} days`);
    const me = await s.request("GET", "/api/v1/me", { token });
    assert.equal(me.status, 200);
    assert.equal(me.body.email, email);
    // Stored hashed.
    assert.deepEqual(s.sql(`SELECT count(*) AS n FROM auth_tokens WHERE token_hash = '${token}' ` +
      `OR name = '${token}'`), [{ n: 0 }]);

    const r = cli(["token", "revoke", "--db", db, id]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`token ${id} revoked`));
    // The server remembers a valid token for up to a second; a revocation made by another
    // process (this CLI) is refused within that second.
    const revokedAt = Date.now();
    let status = 200;
    while (status === 200 && Date.now() - revokedAt < 3000) {
      status = (await s.request("GET", "/api/v1/me", { token })).status;
      if (status === 200) await new Promise((res) => setTimeout(res, 50));
    }
    assert.equal(status, 401);
    assert.ok(Date.now() - revokedAt < 1500, `refused after ${Date.now() - revokedAt} ms`);

    const bad = cli(["token", "revoke", "--db", db, "999999"]);
    assert.notEqual(bad.status, 0);
    assert.match(bad.stderr, /999999/);
    const days0 = cli(["token", "create", "--db", db, "--user", email, "--name", "x",
      "--expires-days", "0"]);
    assert.equal(days0.status, 2);
    assert.match(days0.stderr, /expires/);
  } finally {
    await s.stop();
  }
});

test("backup makes a consistent copy while the server writes; refuses an existing file",
  async () => {
    const { db, email, password } = demoDb();
    // About 40 MB, so that the copy takes a while: long enough for writes to land during it
    // (a copy made in several steps restarted on each of them and never finished).
    const fill = sqlite(db, "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n " +
      "WHERE i < 40000) INSERT INTO settings SELECT 'filler.' || i, hex(randomblob(500)) FROM n");
    assert.equal(fill.status, 0, fill.stderr);
    const s = await startServer({ db });
    try {
      const admin = await s.signIn(email, password);
      for (let i = 0; i < 3; i++) await s.userWithRole(admin, "sales");
      const [{ users }] = s.sql("SELECT count(*) AS users FROM users");
      // Keep the writer busy (updates, so the users count stays put) during the backup.
      let writing = true;
      let writes = 0;
      const writer = (async () => {
        while (writing) {
          const r = await s.request("PATCH", "/api/v1/users/2",
            { token: admin, json: { name: `Busy ${writes}` } });
          assert.equal(r.status, 200);
          writes += 1;
        }
      })();
      await new Promise((r) => setTimeout(r, 50));
      const out = path.join(dir(), "copy.db");
      const writesBefore = writes;
      const b = await cliAsync(["backup", "--db", db, out], { timeout: 20000 });
      const writesDuring = writes - writesBefore;
      writing = false;
      await writer;
      assert.equal(b.signal, null, "the backup did not finish in 20 s");
      assert.equal(b.status, 0, b.stderr);
      assert.match(b.stdout, /backed up/);
      assert.ok(writesDuring > 0, "no write ran beside the backup");

      assert.equal(sqlite(out, "PRAGMA integrity_check").stdout.trim(), "ok");
      assert.equal(sqlite(out, "PRAGMA foreign_key_check").stdout.trim(), "");
      assert.equal(sqlite(out, "SELECT count(*) FROM users").stdout.trim(), String(users));
      assert.equal(sqlite(out, "SELECT count(*) FROM settings").stdout.trim(), "40000");
      // Every audited update in the copy matches the user row it produced.
      const name = sqlite(out, "SELECT name FROM users WHERE id = 2").stdout.trim();
      const last = sqlite(out, "SELECT json_extract(after, '$.name') FROM audit_log WHERE " +
        "entity = 'user' AND entity_id = '2' ORDER BY id DESC LIMIT 1").stdout.trim();
      assert.equal(last, name);

      // The copy opens: a server on it lets the admin sign in.
      const s2 = await startServer({ db: out });
      try {
        assert.equal(await signInStatus(s2, email, password), 201);
      } finally {
        await s2.stop();
      }

      // An existing file is never overwritten.
      const existing = path.join(dir(), "existing.db");
      fs.writeFileSync(existing, "keep me");
      const r = cli(["backup", "--db", db, existing]);
      assert.notEqual(r.status, 0);
      assert.match(r.stderr, /already exists/);
      assert.match(r.stderr, /existing\.db/);
      assert.equal(fs.readFileSync(existing, "utf8"), "keep me");
      // A missing source is an error, and creates nothing.
      const missing = path.join(dir(), "missing.db");
      const m = cli(["backup", "--db", missing, path.join(dir(), "x.db")]);
      assert.notEqual(m.status, 0);
      assert.equal(fs.existsSync(missing), false);
    } finally {
      await s.stop();
    }
  });

test("a file that is not a database is refused naming it, and left as it was", () => {
  const file = path.join(dir(), "notes.db");
  fs.writeFileSync(file, "not a database, just notes\n".repeat(100));
  for (const args of [["migrate", "--db", file], ["vacuum", "--db", file], ["user", "list", "--db", file]]) {
    const r = cli(args);
    assert.notEqual(r.status, 0, args.join(" "));
    assert.ok(r.stderr.includes(`cannot open database '${file}'`), r.stderr);
    assert.match(r.stderr, /not a database/);
  }
  assert.equal(fs.readFileSync(file, "utf8"), "not a database, just notes\n".repeat(100));
  assert.ok(!fs.existsSync(`${file}-wal`));
});

test("vacuum returns a file's free pages; refuses while a server has the file open", async () => {
  const { db, email, password } = demoDb();
  // About 20 MB of rows, then deleted: their pages stay in the file, free, until a vacuum.
  const fill = sqlite(db, "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n " +
    "WHERE i < 20000) INSERT INTO settings SELECT 'filler.' || i, hex(randomblob(500)) FROM n; " +
    "DELETE FROM settings WHERE key LIKE 'filler.%'; PRAGMA wal_checkpoint(TRUNCATE);");
  assert.equal(fill.status, 0, fill.stderr);
  const free = Number(sqlite(db, "PRAGMA freelist_count").stdout.trim());
  assert.ok(free > 2000, `free pages: ${free}`);
  const settings = sqlite(db, "SELECT count(*) FROM settings").stdout.trim();

  // In use: refused at once, naming the file, and nothing changes.
  const s = await startServer({ db });
  try {
    const busy = await cliAsync(["vacuum", "--db", db], { timeout: 20000 });
    assert.equal(busy.status, 1, busy.stdout);
    assert.match(busy.stderr, /in use by another process/);
    assert.ok(busy.stderr.includes(db), busy.stderr);
    assert.equal(await signInStatus(s, email, password), 201);
  } finally {
    await s.stop({ keep: true });
  }
  assert.equal(Number(sqlite(db, "PRAGMA freelist_count").stdout.trim()), free);

  const before = fs.statSync(db).size;
  const r = cli(["vacuum", "--db", db]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, new RegExp(`vacuumed .* \\(${free} free pages returned\\)`));
  assert.ok(fs.statSync(db).size < before - free * 4096 * 0.9, "the file did not shrink");
  assert.equal(sqlite(db, "PRAGMA freelist_count").stdout.trim(), "0");
  assert.equal(sqlite(db, "PRAGMA journal_mode").stdout.trim(), "wal");
  assert.equal(sqlite(db, "PRAGMA integrity_check").stdout.trim(), "ok");
  assert.equal(sqlite(db, "SELECT count(*) FROM settings").stdout.trim(), settings);
  const s2 = await startServer({ db });
  try {
    assert.equal(await signInStatus(s2, email, password), 201);
  } finally {
    await s2.stop({ keep: true });
  }
});

// Starts `rapport serve` in `cwd` with `args`; returns {proc, stderr()}.
function serveIn(cwd, args = []) {
  const proc = spawn(BIN, ["serve", "--access-log", "off", ...args],
    { cwd, stdio: ["ignore", "pipe", "pipe"] });
  let err = "";
  proc.stderr.on("data", (d) => { err += d; });
  proc.stdout.on("data", () => {});
  return { proc, stderr: () => err };
}
async function stopProc(proc) {
  if (proc.exitCode === null && proc.signalCode === null) {
    const exited = new Promise((r) => proc.once("exit", r));
    proc.kill("SIGTERM");
    await exited;
  }
}

test("rapport.toml in the working directory sets db and listen; flags win", async () => {
  const cwd = dir();
  const port = await freePort();
  fs.writeFileSync(path.join(cwd, "rapport.toml"),
    `# settings\ndb = "from-toml.db"\nlisten = "127.0.0.1:${port}"\nthreads = 2\n`);
  const srv = serveIn(cwd);
  try {
    await waitUntilUp(`http://127.0.0.1:${port}`, srv.proc, srv.stderr);
    assert.ok(fs.existsSync(path.join(cwd, "from-toml.db")), "the db of rapport.toml was used");
  } finally {
    await stopProc(srv.proc);
  }
  // --listen on the command line wins over the file.
  const port2 = await freePort();
  const srv2 = serveIn(cwd, ["--listen", `127.0.0.1:${port2}`]);
  try {
    await waitUntilUp(`http://127.0.0.1:${port2}`, srv2.proc, srv2.stderr);
  } finally {
    await stopProc(srv2.proc);
  }
  // The other commands read it too, and their --db wins over it.
  const add = cli(["user", "add", "--email", "toml@example.com", "--name", "T"], { cwd });
  assert.equal(add.status, 0, add.stderr);
  assert.match(sqlite(path.join(cwd, "from-toml.db"), "SELECT email FROM users").stdout,
    /toml@example\.com/);
  const other = path.join(cwd, "flag.db");
  const add2 = cli(["user", "add", "--db", other, "--email", "flag@example.com", "--name", "F"],
    { cwd });
  assert.equal(add2.status, 0, add2.stderr);
  assert.match(sqlite(other, "SELECT email FROM users").stdout, /flag@example\.com/);
  assert.doesNotMatch(sqlite(path.join(cwd, "from-toml.db"), "SELECT email FROM users").stdout,
    /flag@example\.com/);
  // --config names another file.
  const cfg = path.join(cwd, "other.toml");
  fs.writeFileSync(cfg, 'db = "via-config.db"\n');
  const add3 = cli(["--config", cfg, "user", "add", "--email", "c@example.com", "--name", "C"],
    { cwd });
  assert.equal(add3.status, 0, add3.stderr);
  assert.ok(fs.existsSync(path.join(cwd, "via-config.db")));
  // So do `analyze refresh` and the loyalty jobs (they read their own --db).
  const refresh = cli(["analyze", "refresh"], { cwd });
  assert.equal(refresh.status, 0, refresh.stderr);
  assert.equal(sqlite(path.join(cwd, "from-toml.db"),
    "SELECT count(*) FROM analytics_runs WHERE status = 'done'").stdout.trim(), "1");
  for (const job of ["expire", "review-tiers"]) {
    const r = cli(["loyalty", job], { cwd });
    assert.equal(r.status, 0, r.stderr);
  }
  const viaConfig = cli(["--config", cfg, "analyze", "refresh"], { cwd });
  assert.equal(viaConfig.status, 0, viaConfig.stderr);
  assert.equal(sqlite(path.join(cwd, "via-config.db"),
    "SELECT count(*) FROM analytics_runs").stdout.trim(), "1");
  assert.equal(fs.existsSync(path.join(cwd, "rapport.db")), false, "rapport.db was not used");
});

test("a bad rapport.toml fails naming the file and the line", () => {
  const cases = [
    ['db = "x.db"\n\nlisten_on = "127.0.0.1:1"\n', /listen_on/, 3],
    ['db = "x.db"\nlisten = 8080\n', /listen/, 2],
    ['db = "x.db"\nthis is not toml\n', null, 2],
    ['db = "unterminated\n', null, 1],
  ];
  for (const [text, what, line] of cases) {
    const cwd = dir();
    fs.writeFileSync(path.join(cwd, "rapport.toml"), text);
    const r = cli(["serve", "--access-log", "off", "--listen", "127.0.0.1:1"], { cwd, timeout: 10000 });
    assert.equal(r.status, 2, `${JSON.stringify(text)}: ${r.stderr}`);
    assert.match(r.stderr, /rapport\.toml/, text);
    assert.match(r.stderr, new RegExp(`line ${line}\\b`), `${JSON.stringify(text)}: ${r.stderr}`);
    if (what) assert.match(r.stderr, what);
    assert.equal(fs.existsSync(path.join(cwd, "x.db")), false, "served despite a bad file");
    // The commands that read the file themselves refuse it the same way, touching no database.
    for (const args of [["analyze", "refresh"], ["loyalty", "expire"]]) {
      const c = cli(args, { cwd, timeout: 10000 });
      assert.equal(c.status, 2, `${args.join(" ")}: ${c.stderr}`);
      assert.match(c.stderr, new RegExp(`rapport\\.toml.*line ${line}\\b`), c.stderr);
      assert.equal(fs.existsSync(path.join(cwd, "x.db")), false);
      assert.equal(fs.existsSync(path.join(cwd, "rapport.db")), false);
    }
  }
});

test("--listen nonsense fails naming --listen", () => {
  const db = path.join(dir(), "l.db");
  for (const bad of ["nonsense", "127.0.0.1:", "127.0.0.1:99999", "127.0.0.1:80x", ":8080"]) {
    const r = cli(["serve", "--db", db, "--listen", bad, "--access-log", "off"], { timeout: 10000 });
    assert.equal(r.status, 2, `${bad}: ${r.stderr}`);
    assert.match(r.stderr, /--listen/, bad);
  }
});

test("serve on a port already in use fails naming the address", async () => {
  const { db } = demoDb();
  const s = await startServer({ db });
  try {
    const port = new URL(s.url).port;
    const r = await cliAsync(["serve", "--db", db, "--listen", `127.0.0.1:${port}`,
      "--access-log", "off"]);
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, new RegExp(`127\\.0\\.0\\.1:${port}`));
  } finally {
    await s.stop();
  }
});
