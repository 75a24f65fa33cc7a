// Serves the DynamoDB protocol on the generic HTTP server: the handler that turns an HTTP request
// into a protocol call, and DynamoDB's form of the answers the server gives by itself.
#pragma once
#include "net/http_server.h"
#include "server/protocol.h"

namespace ddb {

net::Handler http_handler(DynamoProtocol& protocol);
net::Reply refusal_reply(net::Refusal why);
// The request log line (--log-requests): operation, table, status and the handler's microseconds.
void log_request(const net::Request& req, const net::Reply& reply, std::chrono::microseconds took);

}  // namespace ddb
