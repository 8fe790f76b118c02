-- Sends GET requests for the paths listed in $PATHS_FILE, in turn, so that a benchmark
-- reads many different articles rather than one hot row.
local paths = {}
for line in io.lines(os.getenv("PATHS_FILE")) do
  if #line > 0 then paths[#paths + 1] = line end
end
local i = math.random(1, #paths)

request = function()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end

-- With PACE_MS set, each connection waits that long between requests: a fixed offered load,
-- for latency targets that are stated at a rate the machine serves, not at saturation.
local pace = tonumber(os.getenv("PACE_MS") or "")
if pace then
  delay = function() return pace end
end

-- wrk's own report has no 95th percentile; the search targets are stated at p95.
done = function(summary, latency, requests)
  io.write(string.format("P95 %.2fms\n", latency:percentile(95) / 1000))
end
