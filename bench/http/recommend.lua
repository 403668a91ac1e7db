-- wrk script: POST /recommend with bodies made from real sessions, one JSON per line of
-- $BODIES (default bench/http/out/recommend.txt), cycled; each wrk thread starts at a
-- different offset. Usage: wrk -t2 -c32 -d20s -s bench/http/recommend.lua http://127.0.0.1:PORT
local bodies = {}
local i = 0
local path = os.getenv("BODIES") or "bench/http/out/recommend.txt"

function init(args)
  for line in io.lines(path) do
    bodies[#bodies + 1] = line
  end
  if #bodies == 0 then error("no bodies in " .. path) end
  i = math.random(#bodies)
end

function request()
  i = i % #bodies + 1
  return wrk.format("POST", "/recommend", {["Content-Type"] = "application/json"}, bodies[i])
end

local failures = 0
function response(status, headers, body)
  if status ~= 200 then failures = failures + 1 end
end

function done(summary, latency, requests)
  io.write(string.format("non-2xx or socket errors: %d\n",
    summary.errors.status + summary.errors.connect + summary.errors.read +
    summary.errors.write + summary.errors.timeout))
  for _, p in pairs({50, 90, 99, 99.9}) do
    io.write(string.format("p%g: %.3f ms\n", p, latency:percentile(p) / 1000))
  end
end
