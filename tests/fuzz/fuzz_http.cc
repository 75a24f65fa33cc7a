// libFuzzer target through the front door: raw bytes -> the server's HTTP parser (same limits) ->
// the same request conversion and handler the server runs (protocol, SigV4 header parsing, JSON,
// every operation of the engine). Inputs up to the 16 MiB body limit.
#include <cstdint>
#include <memory>

#include <boost/asio/buffer.hpp>

#include "engine/engine.h"
#include "net/http_message.h"
#include "server/http_glue.h"
#include "server/protocol.h"

using namespace ddb;
namespace http = boost::beast::http;

namespace {
net::Handler& handler() {
  static Engine engine(EngineOptions{}, KvOptions{});
  static DynamoProtocol protocol(engine, ProtocolOptions{});
  static net::Handler h = [] {
    auto fn = http_handler(protocol);
    // A table for the data-plane operations to find.
    net::Request setup;
    setup.method = "POST";
    setup.path = "/";
    setup.body = R"({"TableName":"t","BillingMode":"PAY_PER_REQUEST",
      "KeySchema":[{"AttributeName":"pk","KeyType":"HASH"},{"AttributeName":"sk","KeyType":"RANGE"}],
      "AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"},{"AttributeName":"sk","AttributeType":"N"},
                              {"AttributeName":"g","AttributeType":"S"}],
      "GlobalSecondaryIndexes":[{"IndexName":"gsi","KeySchema":[{"AttributeName":"g","KeyType":"HASH"}],"Projection":{"ProjectionType":"ALL"}}],
      "StreamSpecification":{"StreamEnabled":true,"StreamViewType":"NEW_AND_OLD_IMAGES"}})";
    setup.headers = {{"x-amz-target", "DynamoDB_20120810.CreateTable"},
                     {"authorization",
                      "AWS4-HMAC-SHA256 Credential=fuzz/20260101/us-east-1/dynamodb/aws4_request, "
                      "SignedHeaders=host, Signature=0"}};
    (void)fn(setup);
    return fn;
  }();
  return h;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > (16u << 20) + net::kHeaderLimit) return 0;
  http::request_parser<http::string_body> parser;
  parser.body_limit(16u << 20);
  parser.header_limit(net::kHeaderLimit);
  parser.eager(true);
  boost::beast::error_code ec;
  size_t used = 0;
  while (used < size && !parser.is_done() && !ec) {
    size_t n = parser.put(boost::asio::buffer(data + used, size - used), ec);
    if (ec == http::error::need_more) break;
    used += n;
    if (n == 0) break;
  }
  if (!parser.is_done()) return 0;
  auto& msg = parser.get();
  net::Request req = net::make_request(msg);
  net::Reply reply = handler()(req);
  // The protocol answers every request it gets with a status and, for POST, a JSON body.
  if (reply.status < 200 || reply.status > 599) __builtin_trap();
  if (reply.status >= 500 && reply.body.find("InternalServerError") == std::string::npos) __builtin_trap();
  return 0;
}
