-- wrk script: GET with a bearer token. Env: TOKEN. Prints p50/p99 at the end.
local token = os.getenv("TOKEN")
wrk.headers["Authorization"] = "Bearer " .. token
function done(summary, latency, requests)
  io.write(string.format("RESULT ops/s=%.0f p50ms=%.2f p99ms=%.2f errors=%d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
