// The one conversion from a parsed Beast message to the handler's Request, shared by the server's
// connections (net/connection.cc) and the fuzzer's in-process path (tests/fuzz/fuzz_http.cc), so both
// see requests alike.
#pragma once
#include <boost/beast/http.hpp>

#include "net/http_server.h"

namespace ddb::net {

using Message = boost::beast::http::request<boost::beast::http::string_body>;

// Header views point into `msg`, which must outlive the Request; the body is moved out.
inline Request make_request(Message& msg) {
  Request req;
  req.method = std::string(msg.method_string());
  std::string_view target(msg.target().data(), msg.target().size());
  auto q = target.find('?');
  req.path = std::string(target.substr(0, q));
  if (q != std::string_view::npos) req.query = std::string(target.substr(q + 1));
  req.headers.reserve(12);
  for (auto& f : msg) {
    auto n = f.name_string();
    auto v = f.value();
    req.headers.emplace_back(std::string_view(n.data(), n.size()), std::string_view(v.data(), v.size()));
  }
  req.body = std::move(msg.body());
  return req;
}

inline constexpr size_t kHeaderLimit = 64 * 1024;

}  // namespace ddb::net
