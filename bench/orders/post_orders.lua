-- wrk script: POST /api/v1/orders with 3 lines of random products (ids PRODUCT_FIRST ..
-- PRODUCT_FIRST + PRODUCTS - 1), for a random
-- customer (ids 1..CUSTOMERS) or, one time in five, an anonymous basket. Environment: TOKEN,
-- PRODUCT_FIRST (default 1), PRODUCTS, CUSTOMERS. Reports non-2xx responses at the end (a fast
-- error is not a fast order).
local token = os.getenv("TOKEN")
local products = tonumber(os.getenv("PRODUCTS") or "500")
local product_first = tonumber(os.getenv("PRODUCT_FIRST") or "1")
local customers = tonumber(os.getenv("CUSTOMERS") or "20000")

local threads = {}
function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  math.randomseed(os.time() + math.floor(os.clock() * 1e6) + #tostring({}))
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Authorization"] = "Bearer " .. token
  bad = 0
end

function request()
  local lines = {}
  for i = 1, 3 do
    local discount = (math.random(4) == 1) and 10 or 0
    lines[i] = string.format('{"product_id":%d,"quantity":%d,"discount_minor":%d}',
      product_first + math.random(products) - 1, math.random(3), discount)
  end
  local customer = ""
  if math.random(5) > 1 then customer = string.format('"customer_id":%d,', math.random(customers)) end
  local body = '{' .. customer .. '"channel":"store","location":"Bench","lines":[' ..
    table.concat(lines, ",") .. ']}'
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
  io.write(string.format("non-201 responses: %d of %d\n", total_bad, summary.requests))
  io.write(string.format("result rps=%.0f p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f max_ms=%.2f errors=%d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000,
    latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000, total_bad))
end
