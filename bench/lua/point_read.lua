-- wrk script: a point read of a random preloaded key of bench_pq, as GetItem or as the PartiQL
-- statement SELECT * FROM "bench_pq" WHERE pk = ? AND sk = ? (BENCH_OP=get|select, BENCH_ITEMS=N).
-- The Authorization header is well-formed but not signed for real: ddb-local and DynamoDB Local
-- only read the access key and region from it.
local op = os.getenv("BENCH_OP") or "get"
local items = tonumber(os.getenv("BENCH_ITEMS") or "20000")
math.randomseed(os.time() + math.floor(os.clock() * 1e6))
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-amz-json-1.0"
wrk.headers["X-Amz-Date"] = "20260101T000000Z"
wrk.headers["Authorization"] = "AWS4-HMAC-SHA256 Credential=benchtx/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=00"
if op == "select" then
  wrk.headers["X-Amz-Target"] = "DynamoDB_20120810.ExecuteStatement"
else
  wrk.headers["X-Amz-Target"] = "DynamoDB_20120810.GetItem"
end
request = function()
  local k = string.format("k%07d", math.random(0, items - 1))
  local body
  if op == "select" then
    body = '{"Statement":"SELECT * FROM \\"bench_pq\\" WHERE pk = ? AND sk = ?","Parameters":[{"S":"' .. k .. '"},{"S":"v"}]}'
  else
    body = '{"TableName":"bench_pq","Key":{"pk":{"S":"' .. k .. '"},"sk":{"S":"v"}}}'
  end
  return wrk.format(nil, "/", nil, body)
end
function done(summary, latency, requests)
  io.write(string.format("RESULT ops/s=%.0f p50ms=%.3f p99ms=%.3f errors=%d non2xx=%d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout, summary.errors.status))
end
