-- wrk script: TransactWriteItems of 3 Puts on new keys (plus a condition), raw DynamoDB JSON.
-- The Authorization header is well-formed but not signed for real: ddb-local and DynamoDB Local
-- only read the access key and region from it.
local n = 0
math.randomseed(os.time() + math.floor(os.clock() * 1e6))
local id = tostring(os.time()) .. "-" .. tostring(math.random(1, 1e9))
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-amz-json-1.0"
wrk.headers["X-Amz-Target"] = "DynamoDB_20120810.TransactWriteItems"
wrk.headers["X-Amz-Date"] = "20260101T000000Z"
wrk.headers["Authorization"] = "AWS4-HMAC-SHA256 Credential=benchtx/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=00"
request = function()
  n = n + 1
  local k = id .. "-" .. n
  local body = '{"TransactItems":[' ..
    '{"Put":{"TableName":"bench_tx","Item":{"pk":{"S":"a' .. k .. '"},"sk":{"S":"x"},"v":{"N":"1"}},"ConditionExpression":"attribute_not_exists(pk)"}},' ..
    '{"Put":{"TableName":"bench_tx","Item":{"pk":{"S":"b' .. k .. '"},"sk":{"S":"x"},"v":{"N":"2"}}}},' ..
    '{"Put":{"TableName":"bench_tx","Item":{"pk":{"S":"c' .. k .. '"},"sk":{"S":"x"},"v":{"N":"3"}}}}]}'
  return wrk.format(nil, "/", nil, body)
end
function done(summary, latency, requests)
  io.write(string.format("RESULT ops/s=%.0f p50ms=%.2f p99ms=%.2f errors=%d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
