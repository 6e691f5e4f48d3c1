// Test harness for the API tests: starts the real `rapport serve` on 127.0.0.1 with a fresh
// database in a temporary directory, signs in, and speaks HTTP to it.
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";

export const BIN = process.env.RAPPORT_BIN;
if (!BIN) throw new Error("RAPPORT_BIN is not set (run through tests/api/run.sh)");

// Runs the CLI synchronously; returns {status, stdout, stderr}.
export function cli(args, opts = {}) {
  const r = spawnSync(BIN, args, { encoding: "utf8", timeout: 60000, ...opts });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

export async function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
    srv.on("error", reject);
  });
}

export function tempDir(prefix = "rapport-test-") {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

// The route table as `rapport routes` prints it: [{method, path, permission, query, body}].
export function routes() {
  const r = cli(["routes"]);
  if (r.status !== 0) throw new Error(`rapport routes failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

// Runs the sqlite3 shell on a database file, waiting up to 5 s for a lock; returns
// {status, stdout, stderr} (never throws).
export function sqlite(db, query, { json = false } = {}) {
  const args = ["-cmd", ".timeout 5000", ...(json ? ["-json"] : []), db, query];
  const r = spawnSync("sqlite3", args, { encoding: "utf8" });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

// Waits until the server at `url` answers /healthz; throws when the process exits first or 15 s
// pass. `stderr` is a function returning what the process wrote so far.
export async function waitUntilUp(url, proc, stderr) {
  const deadline = Date.now() + 15000;
  for (;;) {
    try {
      const r = await fetch(`${url}/healthz`);
      if (r.ok) return;
    } catch { /* not up yet */ }
    if (proc.exitCode !== null) throw new Error(`server exited: ${stderr()}`);
    if (Date.now() > deadline) throw new Error(`server did not start: ${stderr()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

// Starts a server on a new demo database (an admin only, no generated store). Returns an object with url, db, admin credentials,
// request helpers and stop().
// Options: `db` serves an existing database file instead of a new demo one (adminEmail and
// adminPassword are then undefined, and stop() leaves the file alone).
export async function startServer({ extraArgs = [], db: existingDb } = {}) {
  const dir = tempDir();
  const db = existingDb ?? path.join(dir, "test.db");
  let adminEmail;
  let adminPassword;
  if (!existingDb) {
    const demo = cli(["demo", "--db", db, "--customers", "0"]);
    if (demo.status !== 0) throw new Error(`rapport demo failed: ${demo.stderr}`);
    adminEmail = /admin sign-in: (\S+)/.exec(demo.stdout)[1];
    adminPassword = /admin password: (\S+)/.exec(demo.stdout)[1];
  }
  const port = await freePort();
  const accessLog = path.join(dir, "access.log");
  // No SLA scheduler unless asked for: its writes (breaches falling due mid-test) would make
  // "nothing was written" checks flaky. tickets.test.mjs runs one with --sweep-interval.
  const sweep = extraArgs.includes("--sweep-interval") ? [] : ["--sweep-interval", "0"];
  const proc = spawn(BIN, ["serve", "--db", db, "--listen", `127.0.0.1:${port}`,
    "--access-log", accessLog, ...sweep, ...extraArgs], { stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  proc.stderr.on("data", (d) => { stderr += d; });
  proc.stdout.on("data", () => {});
  const url = `http://127.0.0.1:${port}`;
  await waitUntilUp(url, proc, () => stderr);
  const server = {
    url, db, dir, accessLog, adminEmail, adminPassword, proc,
    stderr: () => stderr,
    // fetch with JSON helpers: returns {status, headers, body (parsed JSON or text)}.
    async request(method, p, { token, json, body, headers = {} } = {}) {
      const h = { ...headers };
      if (token) h.Authorization = `Bearer ${token}`;
      let payload = body;
      if (json !== undefined) {
        payload = JSON.stringify(json);
        if (!("Content-Type" in h)) h["Content-Type"] = "application/json";
      }
      const r = await fetch(url + p, { method, headers: h, body: payload });
      const text = await r.text();
      let parsed = text;
      if ((r.headers.get("content-type") || "").startsWith("application/json") && text) {
        parsed = JSON.parse(text);
      }
      return { status: r.status, headers: r.headers, body: parsed };
    },
    async signIn(email, password) {
      const r = await server.request("POST", "/api/v1/sessions", { json: { email, password } });
      if (r.status !== 201) throw new Error(`sign-in of ${email} failed: ${JSON.stringify(r.body)}`);
      return r.body.token;
    },
    // Creates a user with the role through the API and signs them in; returns {id, token}.
    async userWithRole(adminToken, role) {
      const email = `${role}-${Math.random().toString(36).slice(2, 8)}@example.com`;
      const password = "correct horse battery";
      const r = await server.request("POST", "/api/v1/users",
        { token: adminToken, json: { email, name: `A ${role}`, role, password } });
      if (r.status !== 201) throw new Error(`create ${role}: ${JSON.stringify(r.body)}`);
      return { id: r.body.id, email, password, token: await server.signIn(email, password) };
    },
    // Runs SQL on the database (read-only use), through the sqlite3 shell.
    sql(query) {
      const r = spawnSync("sqlite3", ["-json", db, query], { encoding: "utf8" });
      if (r.status !== 0) throw new Error(r.stderr);
      return r.stdout.trim() ? JSON.parse(r.stdout) : [];
    },
    // What a request must not change when it fails: the number of audit rows and of recorded
    // sign-in failures, and every row of users and auth_tokens (token hashes as hex). Compare
    // two snapshots with deepEqual.
    state() {
      const [{ n, f }] = server.sql(
        "SELECT (SELECT count(*) FROM audit_log) AS n, (SELECT count(*) FROM sign_in_failures) AS f");
      return {
        audit_rows: n,
        sign_in_failures: f,
        users: server.sql("SELECT * FROM users ORDER BY id"),
        auth_tokens: server.sql(
          "SELECT id, hex(token_hash) AS token_hash, user_id, kind, name, created_at, expires_at, " +
          "revoked_at FROM auth_tokens ORDER BY id"),
      };
    },
    // Stops the server (SIGTERM) and removes its directory unless `keep` is set.
    async stop({ keep = false } = {}) {
      if (proc.exitCode === null && proc.signalCode === null) {
        const exited = new Promise((r) => proc.once("exit", r));
        proc.kill("SIGTERM");
        await exited;
      }
      if (!keep) fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  return server;
}
