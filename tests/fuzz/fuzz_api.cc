// libFuzzer target through cruddur's front door: raw bytes -> the HTTP parser (the API's limits) ->
// the messaging API and web routes, on a real embedded engine and SQLite directory with the demo
// data. "@@TOKEN@@" in an input becomes a valid bearer token of @andrewbrown, so the fuzzer reaches
// the signed-in routes (cursor decoding, posting, paging, counters, events tokens). Nothing may
// answer 5xx: with no outage there is none to report.
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <memory>

#include <boost/asio/buffer.hpp>

#include "auth/jwt.h"
#include "client/dynamo_client.h"
#include "cruddur/api.h"
#include "cruddur/commands.h"
#include "cruddur/web.h"
#include "engine/engine.h"
#include "net/http_message.h"

using namespace cruddur;
namespace http = boost::beast::http;

namespace {
struct World {
  std::string dir;
  std::unique_ptr<ddb::Engine> engine;
  std::unique_ptr<ddb::client::DynamoClient> client;
  std::unique_ptr<UserDirectory> users;
  std::unique_ptr<ddb::jwt::Issuer> issuer;
  std::unique_ptr<ddb::jwt::Verifier> verifier;
  std::unique_ptr<MessagingService> service;
  std::unique_ptr<Cache> cache;
  std::unique_ptr<EventHub> events;
  std::unique_ptr<UnreadCounters> unread;
  std::unique_ptr<CachedMessaging> front;
  std::unique_ptr<WebRoutes> web;
  std::unique_ptr<Api> api;
  std::string token;

  World() {
    char tmpl[] = "/tmp/fuzz-api-XXXXXX";
    dir = ::mkdtemp(tmpl);
    engine = std::make_unique<ddb::Engine>(ddb::EngineOptions{}, ddb::KvOptions{});
    client = std::make_unique<ddb::client::InProcessClient>(
        *engine->database("shared-local-instance", "us-east-1"));
    users = open_directory("", dir + "/users.sqlite3").value();
    (void)users->ensure_schema();
    issuer = ddb::jwt::Issuer::open(dir + "/issuer-key.pem", "cruddur-local-issuer", "cruddur-local").value();
    verifier = std::make_unique<ddb::jwt::Verifier>(
        issuer->issuer(), issuer->client_id(),
        [this]() -> ddb::Result<std::string> { return issuer->jwks_json(); });
    Config cfg;
    service = std::make_unique<MessagingService>(*client, *users, cfg.table);
    if (!first_start_setup(cfg, *users, *service, true).ok()) std::abort();
    WebOptions wo;
    wo.web_dir = CRUDDUR_WEB_DIR;
    wo.local_issuer = issuer.get();
    web = std::make_unique<WebRoutes>(*users, wo);
    cache = make_embedded_cache(std::chrono::seconds(600));
    events = std::make_unique<EventHub>(cache.get());
    unread = std::make_unique<UnreadCounters>(*client, *service, cache.get());
    front = std::make_unique<CachedMessaging>(*service, *unread, *events, cache.get());
    api = std::make_unique<Api>(*service, *front, *events, *users, *verifier, *client, ApiOptions{});
    api->extra = [this](const ddb::net::Request& r) { return web->handle(r); };
    token = issuer->sign_access_token("local-andrewbrown", "andrewbrown", std::chrono::hours(12));
  }
  ~World() { std::filesystem::remove_all(dir); }
};

World& world() {
  static World w;
  return w;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  constexpr size_t kBody = 64 * 1024;  // cruddur serve's body limit
  if (size > kBody + ddb::net::kHeaderLimit) return 0;
  World& w = world();
  std::string input(reinterpret_cast<const char*>(data), size);
  for (size_t at; (at = input.find("@@TOKEN@@")) != std::string::npos;) input.replace(at, 9, w.token);
  http::request_parser<http::string_body> parser;
  parser.body_limit(kBody);
  parser.header_limit(ddb::net::kHeaderLimit);
  parser.eager(true);
  boost::beast::error_code ec;
  size_t used = 0;
  while (used < input.size() && !parser.is_done() && !ec) {
    size_t n = parser.put(boost::asio::buffer(input.data() + used, input.size() - used), ec);
    if (ec == http::error::need_more) break;
    used += n;
    if (n == 0) break;
  }
  if (!parser.is_done()) return 0;
  ddb::net::Reply reply = w.api->handle(ddb::net::make_request(parser.get()));
  if (reply.status < 200 || reply.status >= 500) __builtin_trap();
  return 0;
}
