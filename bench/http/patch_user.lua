-- PATCH a random user's name (1..N_USERS): one write with its audit row per request.
local n = tonumber(os.getenv("N_USERS") or "1000000")
local headers = {
  ["Authorization"] = "Bearer " .. os.getenv("TOKEN"),
  ["Content-Type"] = "application/json",
}
local counter = 0

function setup(thread)
  thread:set("seed", math.random(1, 1000000))
end
function init(args)
  math.randomseed(seed)
end
request = function()
  counter = counter + 1
  local body = '{"name":"Bench ' .. seed .. "-" .. counter .. '"}'
  return wrk.format("PATCH", "/api/v1/users/" .. math.random(1, n), headers, body)
end
-- wrk itself reports answers other than 2xx/3xx ("Non-2xx or 3xx responses").
