-- POSTs the GraphQL request bodies listed in $BODIES_FILE (one JSON document per line) to
-- /graphql, in turn.
local bodies = {}
for line in io.lines(os.getenv("BODIES_FILE")) do
  if #line > 0 then bodies[#bodies + 1] = line end
end
local i = math.random(1, #bodies)
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"

request = function()
  i = i % #bodies + 1
  return wrk.format("POST", "/graphql", nil, bodies[i])
end

done = function(summary, latency, requests)
  io.write(string.format("P95 %.2fms\n", latency:percentile(95) / 1000))
end
