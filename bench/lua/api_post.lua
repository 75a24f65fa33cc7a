-- wrk script: POST /api/messages to one conversation. Env: TOKEN, GROUP.
local token = os.getenv("TOKEN")
local group = os.getenv("GROUP")
local n = 0
wrk.method = "POST"
wrk.headers["Authorization"] = "Bearer " .. token
wrk.headers["Content-Type"] = "application/json"
request = function()
  n = n + 1
  return wrk.format(nil, "/api/messages", nil,
    string.format('{"message":"bench message %d","message_group_uuid":"%s"}', n, group))
end
function done(summary, latency, requests)
  io.write(string.format("RESULT ops/s=%.0f p50ms=%.2f p99ms=%.2f errors=%d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
