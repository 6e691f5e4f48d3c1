-- wrk script: GET /api/v1/customers/{id}/360 of a random customer (ids 1..N), the issue's
-- "1M customers and 10M order lines" figure. Environment: TOKEN (an API token: `rapport token
-- create --db DB --user EMAIL --name bench`), N (default 1000000).
-- Usage: TOKEN=... wrk -t2 -c64 -d10s --latency -s bench/customers/360.lua http://127.0.0.1:PORT
--   on `rapport serve --db DB --access-log off` over the store of bench/analytics_refresh/run.sh.
--   Read the database file once first (cat DB > /dev/null): this machine class does not keep a
--   file of GBs in the page cache between runs.
local token = os.getenv("TOKEN")
local n = tonumber(os.getenv("N") or "1000000")
function init(args)
  math.randomseed(os.time() + math.floor(os.clock() * 1e6) + #tostring({}))
  wrk.headers["Authorization"] = "Bearer " .. token
end
function request()
  return wrk.format("GET", "/api/v1/customers/" .. math.random(1, n) .. "/360")
end
function done(summary, latency, requests)
  io.write(string.format("result rps=%.0f p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f errors=%d non2xx=%d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000,
    latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status))
end
