-- wrk script: PutItem of a new ~200-byte item into one of BENCH_TABLES tables (bench_mt0..), chosen
-- at random per request: with one lock per table, writes to different tables run in parallel.
-- The Authorization header is well-formed but not signed for real (ddb-local only reads the key).
local tables = tonumber(os.getenv("BENCH_TABLES") or "4")
math.randomseed(os.time() + math.floor(os.clock() * 1e6))
local id = tostring(os.time()) .. "-" .. tostring(math.random(1, 1e9))
local body = string.rep("x", 150)
local n = 0
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-amz-json-1.0"
wrk.headers["X-Amz-Target"] = "DynamoDB_20120810.PutItem"
wrk.headers["X-Amz-Date"] = "20260101T000000Z"
wrk.headers["Authorization"] = "AWS4-HMAC-SHA256 Credential=benchtx/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=00"
request = function()
  n = n + 1
  local t = math.random(0, tables - 1)
  return wrk.format(nil, "/", nil, '{"TableName":"bench_mt' .. t .. '","Item":{"pk":{"S":"' .. id .. '-' .. n ..
    '"},"sk":{"S":"v"},"body":{"S":"' .. body .. '"},"cnt":{"N":"1"},"ts":{"N":"1764000000000"}}}')
end
function done(summary, latency, requests)
  io.write(string.format("RESULT ops/s=%.0f p50ms=%.3f p99ms=%.3f errors=%d non2xx=%d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout, summary.errors.status))
end
