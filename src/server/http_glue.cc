#include "server/http_glue.h"

#include <rapidjson/document.h>

#include "util/errors.h"
#include "util/log.h"

namespace ddb {

net::Handler http_handler(DynamoProtocol& protocol) {
  return [&protocol](const net::Request& req) {
    HttpCall call{req.method,
                  req.path,
                  req.body,
                  req.header("content-type"),
                  req.header("x-amz-target"),
                  req.header("authorization"),
                  req.header("origin"),
                  req.query,
                  &req.headers,
                  req.header("host"),
                  req.header("content-encoding"),
                  req.header("accept-encoding")};
    HttpReply r = protocol.handle(call);
    return net::Reply{r.status, std::move(r.content_type), std::move(r.body), std::move(r.headers), nullptr};
  };
}

void log_request(const net::Request& req, const net::Reply& reply, std::chrono::microseconds took) {
  std::string_view target = req.header("x-amz-target");
  auto dot = target.find('.');
  std::string op(dot == std::string_view::npos ? target : target.substr(dot + 1));
  // The table: TableName, or the first table of RequestItems / TransactItems' first action.
  std::string table;
  rapidjson::Document d;
  d.Parse<rapidjson::kParseIterativeFlag | rapidjson::kParseStopWhenDoneFlag>(req.body.data(),
                                                                              req.body.size());
  if (!d.HasParseError() && d.IsObject()) {
    auto name_of = [](const rapidjson::Value& v) -> std::string {
      auto it = v.IsObject() ? v.FindMember("TableName") : v.MemberEnd();
      return v.IsObject() && it != v.MemberEnd() && it->value.IsString() ? it->value.GetString() : "";
    };
    table = name_of(d);
    if (auto it = d.FindMember("RequestItems");
        table.empty() && it != d.MemberEnd() && it->value.IsObject() && it->value.MemberCount() > 0)
      table = it->value.MemberBegin()->name.GetString();
    if (auto it = d.FindMember("TransactItems"); table.empty() && it != d.MemberEnd() &&
                                                 it->value.IsArray() && !it->value.Empty() &&
                                                 it->value[0].IsObject() && it->value[0].MemberCount() > 0)
      table = name_of(it->value[0].MemberBegin()->value);
  }
  spdlog::info("{} {} table={} status={} us={}", req.method, op.empty() ? req.path : op,
               table.empty() ? "-" : table, reply.status, took.count());
}

net::Reply refusal_reply(net::Refusal why) {
  Error e;
  switch (why) {
    case net::Refusal::kMalformed:
      e = err::serialization("");
      break;
    case net::Refusal::kTooLarge:
      e = err::request_too_large();
      break;
    case net::Refusal::kBusy:
      e = err::throttling();
      break;
  }
  net::Reply r;
  r.status = e.http_status;
  r.content_type = "application/x-amz-json-1.0";
  r.body = error_body(e);
  r.headers.emplace_back("x-amzn-RequestId", make_request_id());
  return r;
}

}  // namespace ddb
