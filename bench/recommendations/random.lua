-- GET /api/v1/customers/{id}/recommendations for a customer id drawn at random from 1..MAX_ID
-- (a different customer, so a different set of recent baskets, on every request).
local token = os.getenv("TOKEN")
local max_id = tonumber(os.getenv("MAX_ID"))
local headers = { ["Authorization"] = "Bearer " .. token }
local thread_no = 0
setup = function(thread)
  thread_no = thread_no + 1
  thread:set("seed", thread_no)
end
init = function()
  math.randomseed(os.time() * 1000 + seed)
end
request = function()
  return wrk.format("GET", "/api/v1/customers/" .. math.random(1, max_id) .. "/recommendations",
    headers)
end
