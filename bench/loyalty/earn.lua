-- wrk script: POST /api/v1/orders for a random member (ids 1..MEMBERS), 2 lines of random
-- products (PRODUCT_FIRST .. +PRODUCTS-1): each order earns points in its transaction. With
-- REDEEM=N, each order also redeems N points with a fresh idempotency key (checkout redemption).
-- Environment: TOKEN, MEMBERS, PRODUCT_FIRST, PRODUCTS, REDEEM. Reports non-201 responses.
local token = os.getenv("TOKEN")
local members = tonumber(os.getenv("MEMBERS") or "1000000")
local products = tonumber(os.getenv("PRODUCTS") or "500")
local product_first = tonumber(os.getenv("PRODUCT_FIRST") or "1")
local redeem = tonumber(os.getenv("REDEEM") or "0")

local threads = {}
local counter = 0
function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
  table.insert(threads, thread)
end

function init(args)
  math.randomseed(os.time() + math.floor(os.clock() * 1e6) + #tostring({}))
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Authorization"] = "Bearer " .. token
  bad = 0
  seq = 0
  run = tostring(os.time()) .. "-" .. tostring(math.random(1000000000))
end

function request()
  local lines = {}
  for i = 1, 2 do
    lines[i] = string.format('{"product_id":%d,"quantity":%d}',
      product_first + math.random(products) - 1, math.random(3))
  end
  local extra = ""
  if redeem > 0 then
    seq = seq + 1
    extra = string.format('"redeem_points":%d,"idempotency_key":"bench-%s-%d-%d",', redeem, run,
      id, seq)
  end
  local body = string.format('{"customer_id":%d,%s"channel":"store","lines":[%s]}',
    math.random(members), extra, table.concat(lines, ","))
  return wrk.format(nil, "/api/v1/orders", nil, body)
end

function response(status, headers, body)
  if status ~= 201 then
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
