-- GET /api/v1/tickets for a random queue: QUERY is appended (e.g. "&status=open").
local token = os.getenv("TOKEN")
local queues = tonumber(os.getenv("QUEUES") or "20")
local extra = os.getenv("QUERY") or ""
local headers = { ["Authorization"] = "Bearer " .. token }
math.randomseed(os.time())
request = function()
  local q = math.random(1, queues)
  return wrk.format("GET", "/api/v1/tickets?queue=" .. q .. extra, headers)
end
