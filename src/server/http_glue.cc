#include "server/http_glue.h"

#include "util/errors.h"

namespace ddb {

net::Handler http_handler(DynamoProtocol& protocol) {
  return [&protocol](const net::Request& req) {
    HttpCall call{req.method, req.path, req.body, req.header("content-type"), req.header("x-amz-target"),
                  req.header("authorization"), req.header("origin"), req.query, &req.headers};
    HttpReply r = protocol.handle(call);
    return net::Reply{r.status, std::move(r.content_type), std::move(r.body), std::move(r.headers), nullptr};
  };
}

net::Reply refusal_reply(net::Refusal why) {
  Error e;
  switch (why) {
    case net::Refusal::kMalformed: e = err::serialization(""); break;
    case net::Refusal::kTooLarge: e = err::request_too_large(); break;
    case net::Refusal::kBusy: e = err::throttling(); break;
  }
  net::Reply r;
  r.status = e.http_status;
  r.content_type = "application/x-amz-json-1.0";
  r.body = error_body(e);
  r.headers.emplace_back("x-amzn-RequestId", make_request_id());
  return r;
}

}  // namespace ddb
