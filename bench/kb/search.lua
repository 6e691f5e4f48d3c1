-- GET /api/v1/kb/articles?q=... rotating through the query mix of bench_kb (URL-encoded).
local token = os.getenv("TOKEN")
local headers = { ["Authorization"] = "Bearer " .. token }
local function enc(s)
  return (s:gsub("[^%w%-_%.~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end
local queries = { "order", "refund", "tea kettle", "warranty repair", "descale filter", "how to change my order",
  "privacy consent", "unsubscribe newsletter", "订单", "退款", "绿茶", "茶", "退货政策", "到账",
  "保修 维修", "delivery late", "会员积分", "积", "express courier", "茶叶 冲泡" }
local paths = {}
for i, q in ipairs(queries) do paths[i] = "/api/v1/kb/articles?limit=20&q=" .. enc(q) end
local n = 0
request = function()
  n = n + 1
  return wrk.format("GET", paths[(n % #paths) + 1], headers)
end
