-- wrk script: GET /api/v1/loyalty/members/{id} of a random member (ids 1..MEMBERS): card, tier,
-- balance (the newest ledger entry), qualifying spend and points expiring soon.
local token = os.getenv("TOKEN")
local members = tonumber(os.getenv("MEMBERS") or "1000000")
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args)
  math.randomseed(os.time() + math.floor(os.clock() * 1e6) + #tostring({}))
  wrk.headers["Authorization"] = "Bearer " .. token
  bad = 0
end
function request()
  return wrk.format("GET", string.format("/api/v1/loyalty/members/%d", math.random(members)))
end
function response(status, headers, body)
  if status ~= 200 then
    bad = bad + 1
    if bad <= 3 then io.stderr:write("status " .. status .. ": " .. body .. "\n") end
  end
end
function done(summary, latency, requests)
  local total_bad = 0
  for _, t in ipairs(threads) do total_bad = total_bad + (t:get("bad") or 0) end
  io.write(string.format("result rps=%.0f p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f max_ms=%.2f errors=%d of %d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000,
    latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000, total_bad,
    summary.requests))
end
