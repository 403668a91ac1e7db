-- wrk script: POST /batch_recommend with one body of many sessions ($BATCH, default
-- bench/http/out/batch.json). Sessions per second = requests per second x batch size.
local path = os.getenv("BATCH") or "bench/http/out/batch.json"
local body

function init(args)
  local f = assert(io.open(path, "r"))
  body = f:read("*a")
  f:close()
end

function request()
  return wrk.format("POST", "/batch_recommend", {["Content-Type"] = "application/json"}, body)
end

function done(summary, latency, requests)
  io.write(string.format("non-2xx or socket errors: %d\n",
    summary.errors.status + summary.errors.connect + summary.errors.read +
    summary.errors.write + summary.errors.timeout))
  for _, p in pairs({50, 99}) do
    io.write(string.format("p%g: %.3f ms\n", p, latency:percentile(p) / 1000))
  end
end
