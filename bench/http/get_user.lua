-- GET one user by a random id (1..N_USERS); an Authorization header when TOKEN is set.
-- PREFIX is the path before the id: /api/v1/users/ for rapport, /users/ for the bare server.
local n = tonumber(os.getenv("N_USERS") or "1000000")
local prefix = os.getenv("PREFIX") or "/api/v1/users/"
local token = os.getenv("TOKEN")
local headers = {}
if token and token ~= "" then headers["Authorization"] = "Bearer " .. token end

function setup(thread)
  thread:set("seed", math.random(1, 1000000))
end
function init(args)
  math.randomseed(seed)
end
request = function()
  return wrk.format("GET", prefix .. math.random(1, n), headers)
end
