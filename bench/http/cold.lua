-- wrk script: like recommend.lua, but every request is new to the answer cache: the first
-- "ts" of the body gets a per-thread, per-request offset (a few seconds at most per
-- thousand requests), so the events differ while the work stays the same.
-- Usage: BODIES=... wrk -t2 -c32 -d10s -s bench/http/cold.lua http://127.0.0.1:PORT
local bodies = {}
local i = 0
local n = 0
local path = os.getenv("BODIES") or "bench/http/out/recommend.txt"
local threads = 0

function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end

function init(args)
  for line in io.lines(path) do
    bodies[#bodies + 1] = line
  end
  if #bodies == 0 then error("no bodies in " .. path) end
  i = math.random(#bodies)
end

function request()
  i = i % #bodies + 1
  n = n + 1
  local shift = tid * 100000000 + n
  local body = bodies[i]:gsub('"ts":(%d+)', function(ts)
    return '"ts":' .. string.format("%d", tonumber(ts) + shift)
  end, 1)
  return wrk.format("POST", "/recommend", {["Content-Type"] = "application/json"}, body)
end

function done(summary, latency, requests)
  io.write(string.format("non-2xx or socket errors: %d\n",
    summary.errors.status + summary.errors.connect + summary.errors.read +
    summary.errors.write + summary.errors.timeout))
  for _, p in pairs({50, 90, 99}) do
    io.write(string.format("p%g: %.3f ms\n", p, latency:percentile(p) / 1000))
  end
end
