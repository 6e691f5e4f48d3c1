// Open-loop HTTP load at a fixed rate, for "N operations/s with p99 <= X ms" figures.
//
// wrk is closed-loop: each of its connections sends the next request when the previous answer
// arrives, so it measures latency at the server's saturation, where p99 is set by the number
// of connections (Little's law), not at a given rate. This sends requests on a fixed schedule
// (RATE per second, whatever the answers do) over at most CONNECTIONS keep-alive connections,
// and measures each request's latency from the time the schedule meant to send it: a request
// that waits for a free connection, or for a generator that fell behind, counts that wait
// (no coordinated omission). It uses node:http only (no dependency).
//
// Usage: node bench/http/openloop.mjs --url http://127.0.0.1:PORT --scenario NAME
//          [--rate 3000] [--duration 15] [--warmup 2] [--connections 64]
//   Scenarios (environment: TOKEN, an API token or session token, and the ids to pick from):
//     orders   POST /api/v1/orders, 3 lines of random products (PRODUCT_FIRST, PRODUCTS), for a
//              random customer of CUSTOMERS or, one time in five, an anonymous basket
//              (bench/orders/post_orders.lua's requests)
//     earn     POST /api/v1/orders, 2 lines, for a random member of MEMBERS; with REDEEM=N each
//              order also redeems N points with a fresh idempotency key
//              (bench/loyalty/earn.lua's requests)
//     balance  GET /api/v1/loyalty/members/{id} of a random member of MEMBERS
//     c360     GET /api/v1/customers/{id}/360 of a random customer of CUSTOMERS
//   Prints one line: `result rate=R rps=.. p50_ms=.. p90_ms=.. p99_ms=.. p999_ms=.. max_ms=..
//   errors=E of N late_sends=L` (late_sends: requests the generator itself sent more than 5 ms
//   after their time, i.e. it was short of CPU; their latency still counts from the schedule).
//   TIMELINE=1 also prints the worst latency of the requests scheduled in each second.
import http from 'node:http';
import { performance } from 'node:perf_hooks';

function args() {
  const out = { rate: 3000, duration: 15, warmup: 2, connections: 64 };
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i].replace(/^--/, '');
    if (!(key in out) && key !== 'url' && key !== 'scenario') {
      throw new Error(`unknown option ${argv[i]}`);
    }
    out[key] = key === 'url' || key === 'scenario' ? argv[i + 1] : Number(argv[i + 1]);
  }
  if (!out.url || !out.scenario) throw new Error('--url and --scenario are required');
  return out;
}

const env = (name, fallback) => Number(process.env[name] ?? fallback);
const pick = (n) => 1 + Math.floor(Math.random() * n);

function scenario(name) {
  const products = env('PRODUCTS', 500);
  const productFirst = env('PRODUCT_FIRST', 1);
  const product = () => productFirst + pick(products) - 1;
  const run = `${Date.now()}-${pick(1e9)}`;
  let seq = 0;
  switch (name) {
    case 'orders': {
      const customers = env('CUSTOMERS', 20000);
      return () => {
        const lines = [1, 2, 3].map(() => ({
          product_id: product(),
          quantity: pick(3),
          discount_minor: pick(4) === 1 ? 10 : 0,
        }));
        const body = { channel: 'store', location: 'Bench', lines };
        if (pick(5) > 1) body.customer_id = pick(customers);
        return { method: 'POST', path: '/api/v1/orders', body: JSON.stringify(body), expect: 201 };
      };
    }
    case 'earn': {
      const members = env('MEMBERS', 1000000);
      const redeem = env('REDEEM', 0);
      return () => {
        const body = { customer_id: pick(members), channel: 'store' };
        if (redeem > 0) {
          body.redeem_points = redeem;
          body.idempotency_key = `bench-${run}-${++seq}`;
        }
        body.lines = [1, 2].map(() => ({ product_id: product(), quantity: pick(3) }));
        return { method: 'POST', path: '/api/v1/orders', body: JSON.stringify(body), expect: 201 };
      };
    }
    case 'balance': {
      const members = env('MEMBERS', 1000000);
      return () => ({ method: 'GET', path: `/api/v1/loyalty/members/${pick(members)}`, expect: 200 });
    }
    case 'c360': {
      const customers = env('CUSTOMERS', 1000000);
      return () => ({ method: 'GET', path: `/api/v1/customers/${pick(customers)}/360`, expect: 200 });
    }
    default:
      throw new Error(`unknown scenario ${name}`);
  }
}

function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

const opts = args();
const next = scenario(opts.scenario);
const url = new URL(opts.url);
const agent = new http.Agent({ keepAlive: true, maxSockets: opts.connections });
const headers = { Authorization: `Bearer ${process.env.TOKEN ?? ''}` };
const latencies = [];
let errors = 0;
let measured = 0;
let lateSends = 0;
let outstanding = 0;
// TIMELINE=1: the worst latency of the requests scheduled in each second, printed at the end.
const timeline = process.env.TIMELINE ? [] : null;

function send(intended, record) {
  const req = next();
  const h = { ...headers };
  if (req.body) {
    h['Content-Type'] = 'application/json';
    h['Content-Length'] = Buffer.byteLength(req.body);
  }
  outstanding++;
  const done = (status, text) => {
    outstanding--;
    if (!record) return;
    measured++;
    const latency = performance.now() - intended;
    latencies.push(latency);
    if (timeline) {
      const second = Math.floor((intended - warmupEnd) / 1000);
      timeline[second] = Math.max(timeline[second] ?? 0, latency);
    }
    if (status !== req.expect) {
      errors++;
      if (errors <= 3) process.stderr.write(`status ${status}: ${text}\n`);
    }
  };
  const r = http.request(
    { host: url.hostname, port: url.port, method: req.method, path: req.path, headers: h, agent },
    (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => {
        if (res.statusCode !== req.expect && text.length < 500) text += chunk;
      });
      res.on('end', () => done(res.statusCode, text));
    },
  );
  r.on('error', (e) => done(0, String(e)));
  if (req.body) r.end(req.body);
  else r.end();
}

const start = performance.now();
const warmupEnd = start + opts.warmup * 1000;
const end = warmupEnd + opts.duration * 1000;
const interval = 1000 / opts.rate;
let sent = 0;

function tick() {
  const now = performance.now();
  while (true) {
    const intended = start + sent * interval;
    if (intended > now || intended >= end) break;
    const record = intended >= warmupEnd;
    if (record && now - intended > 5) lateSends++;
    send(intended, record);
    sent++;
  }
  if (start + sent * interval < end) setTimeout(tick, 0);
  else finish();
}

function finish() {
  const deadline = performance.now() + 30000;
  const wait = () => {
    if (outstanding > 0 && performance.now() < deadline) return setTimeout(wait, 5);
    latencies.sort((a, b) => a - b);
    const f = (v) => v.toFixed(2);
    process.stdout.write(
      `result rate=${opts.rate} rps=${(measured / opts.duration).toFixed(0)} ` +
        `p50_ms=${f(percentile(latencies, 50))} p90_ms=${f(percentile(latencies, 90))} ` +
        `p99_ms=${f(percentile(latencies, 99))} p999_ms=${f(percentile(latencies, 99.9))} ` +
        `max_ms=${f(latencies.at(-1) ?? NaN)} errors=${errors + outstanding} of ${measured + outstanding} ` +
        `late_sends=${lateSends}\n`,
    );
    if (timeline) {
      process.stdout.write(`worst latency per second (ms): ${Array.from(timeline, (v) => (v ?? 0).toFixed(0)).join(" ")}\n`);
    }
    agent.destroy();
    process.exit(0);
  };
  wait();
}

tick();
