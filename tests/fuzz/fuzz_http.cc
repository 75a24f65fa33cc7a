// libFuzzer target through the front door, twice per input:
// - in-process: raw bytes -> the server's HTTP parser (same limits) -> the same request conversion and
//   handler the server runs (protocol, SigV4 header parsing, JSON, every operation of the engine);
// - over a socket: the same bytes, in up to three writes, into a real net::Server (the epoll loop, its
//   connection state machine, pipelining, refusals), then the end of the stream. The server must
//   answer or close within 5 s, never with a 5xx of its own, and keep serving.
// Inputs up to the 16 MiB body limit.
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>

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

net::Server& server() {
  static net::Server* s = [] {
    net::ServerOptions so;
    so.port = 0;
    so.threads = 2;
    so.error_reply = refusal_reply;
    auto* srv = new net::Server(so, handler());
    std::string error;
    if (!srv->listen(&error)) __builtin_trap();
    srv->start();
    return srv;
  }();
  return *s;
}

// libFuzzer's timeout alarm (SIGALRM, no SA_RESTART) interrupts blocking socket calls: each is
// resumed. A connect so interrupted goes on in the kernel; it is waited for. (A connect blocks for a
// second when its SYN meets the server's TIME_WAIT of an earlier connection on the same port, and
// this target makes thousands of connections a second.)
bool connected(int fd, const sockaddr_in& addr) {
  if (connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0) return true;
  if (errno != EINTR) return false;
  pollfd p{fd, POLLOUT, 0};
  int ready = 0;
  do ready = poll(&p, 1, 10'000);
  while (ready < 0 && errno == EINTR);
  int error = 0;
  socklen_t len = sizeof error;
  return ready == 1 && getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &len) == 0 && error == 0;
}

// Sends `data` on a new connection in up to three writes, ends the stream, and returns all the answer.
std::string exchange(const uint8_t* data, size_t size) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(server().port());
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  timeval five{5, 0};
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &five, sizeof five);
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (!connected(fd, addr)) __builtin_trap();
  size_t cuts[] = {size == 0 ? 0 : data[0] % (size + 1), size == 0 ? 0 : data[size - 1] % (size + 1), size};
  if (cuts[0] > cuts[1]) std::swap(cuts[0], cuts[1]);
  size_t sent = 0;
  for (size_t cut : cuts) {
    while (sent < cut) {
      ssize_t n = send(fd, data + sent, cut - sent, MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;  // the server refused and closed: what it said is read below
      sent += static_cast<size_t>(n);
    }
  }
  shutdown(fd, SHUT_WR);
  std::string out;
  char buf[65536];
  for (;;) {
    ssize_t n = recv(fd, buf, sizeof buf, 0);
    if (n > 0) {
      out.append(buf, static_cast<size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) __builtin_trap();  // neither answered nor closed
    break;  // closed (or reset after a refusal)
  }
  close(fd);
  return out;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > (16u << 20) + net::kHeaderLimit) return 0;
  // Through the server: every reply (read one after the other by its Content-Length) is below 500, or
  // the handler's own InternalServerError.
  std::string answer = exchange(data, size);
  for (size_t at = 0; at + 12 <= answer.size() && answer.compare(at, 7, "HTTP/1.") == 0;) {
    size_t end = answer.find("\r\n\r\n", at);
    size_t len = answer.find("Content-Length: ", at);
    if (end == std::string::npos || len == std::string::npos || len > end) break;
    size_t body = std::strtoul(answer.c_str() + len + 16, nullptr, 10);
    std::string_view reply(answer.data() + end + 4, std::min(body, answer.size() - end - 4));
    if (answer[at + 9] >= '5' && reply.find("InternalServerError") == std::string_view::npos)
      __builtin_trap();
    at = end + 4 + body;
  }
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
