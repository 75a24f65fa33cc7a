// cruddur: the composition root. Wires configuration, the DynamoDB client (embedded engine or HTTP),
// the user directory, identity, the messaging service, the stream worker and the HTTP servers, and
// dispatches the helper commands of the original bin/ scripts.
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <thread>

#include "auth/jwt.h"
#include "client/dynamo_client.h"
#include "cruddur/api.h"
#include "cruddur/banner.h"
#include "cruddur/cache.h"
#include "cruddur/cached.h"
#include "cruddur/commands.h"
#include "cruddur/config.h"
#include "cruddur/directory.h"
#include "cruddur/messaging.h"
#include "cruddur/signals.h"
#include "cruddur/stream_worker.h"
#include "cruddur/timefmt.h"
#include "cruddur/web.h"
#include "engine/engine.h"
#include "server/http_glue.h"
#include "server/protocol.h"
#include "util/log.h"

using namespace cruddur;

namespace {

int fail(const std::string& m) {
  std::cerr << "cruddur: " << m << "\n";
  return 1;
}

std::string self_path() {
  std::error_code ec;
  auto p = std::filesystem::canonical("/proc/self/exe", ec);
  return ec ? "cruddur" : p.string();
}

ddb::Error startup_error(const std::string& m) {
  return ddb::Error{"Startup", m, 1, {}};
}

// DynamoDB: the embedded engine (with its own DynamoDB endpoint unless --ddb-port 0) or any
// endpoint over HTTP.
struct DynamoSide {
  std::unique_ptr<ddb::Engine> engine;
  std::unique_ptr<ddb::client::DynamoClient> client;
  std::unique_ptr<ddb::DynamoProtocol> protocol;
  std::unique_ptr<ddb::net::Server> server;
};

ddb::Result<DynamoSide> start_dynamodb(const Config& cfg, const std::string& data) {
  DynamoSide d;
  if (!cfg.ddb_endpoint.empty()) {
    d.client = ddb::client::make_http_client(cfg.ddb_endpoint, cfg.region);
    return d;
  }
  ddb::KvOptions ko;
  ko.path = data + "/dynamodb";
  d.engine = std::make_unique<ddb::Engine>(ddb::EngineOptions{}, ko);
  auto db = d.engine->database("shared-local-instance", cfg.region);
  if (!db.ok()) return db.error();
  d.client = std::make_unique<ddb::client::InProcessClient>(*db);
  d.engine->start_ttl_thread();
  if (cfg.ddb_port == 0) return d;
  ddb::ProtocolOptions po;
  po.shared_db = true;  // any credentials see the app's table, as the notes' aws CLI command expects
  po.default_region = cfg.region;
  d.protocol = std::make_unique<ddb::DynamoProtocol>(*d.engine, po);
  ddb::net::ServerOptions so;
  so.host = cfg.host;
  so.port = static_cast<unsigned short>(cfg.ddb_port);
  so.threads = 2;
  so.error_reply = ddb::refusal_reply;
  d.server = std::make_unique<ddb::net::Server>(so, ddb::http_handler(*d.protocol));
  std::string error;
  if (!d.server->listen(&error))
    return startup_error(error +
                         " (the DynamoDB endpoint's port: choose another with --ddb-port, or 0 for none)");
  d.server->start();
  return d;
}

// Identity: a local issuer (no user pool configured) or Cognito's key set.
struct Identity {
  std::unique_ptr<ddb::jwt::Issuer> issuer;  // null with Cognito
  std::unique_ptr<ddb::jwt::Verifier> verifier;
};

ddb::Result<Identity> open_identity(const Config& cfg, const std::string& data) {
  Identity id;
  if (!cfg.user_pool_id.empty()) {
    std::string iss = cognito_issuer(cfg);
    id.verifier = std::make_unique<ddb::jwt::Verifier>(
        iss, cfg.client_id, [iss]() { return ddb::client::http_get(iss + "/.well-known/jwks.json"); });
    return id;
  }
  auto is = ddb::jwt::Issuer::open(data + "/issuer-key.pem", "cruddur-local-issuer", "cruddur-local");
  if (!is.ok()) return is.error();
  id.issuer = std::move(*is);
  ddb::jwt::Issuer* issuer = id.issuer.get();
  id.verifier = std::make_unique<ddb::jwt::Verifier>(
      issuer->issuer(), issuer->client_id(),
      [issuer]() -> ddb::Result<std::string> { return issuer->jwks_json(); });
  return id;
}

WebOptions web_options(const Config& cfg, ddb::jwt::Issuer* issuer) {
  WebOptions w;
  w.web_dir = cfg.web_dir;
  w.local_issuer = issuer;
  w.cognito_endpoint = cfg.cognito_endpoint.empty() ? "https://cognito-idp." + cfg.region + ".amazonaws.com/"
                                                    : cfg.cognito_endpoint;
  w.cognito_client_id = cfg.client_id;
  w.region = cfg.region;
  return w;
}

ddb::net::ServerOptions api_server_options(const Config& cfg) {
  ddb::net::ServerOptions so;
  so.host = cfg.host;
  so.port = static_cast<unsigned short>(cfg.port);
  so.server_name = "cruddur";
  so.max_body_bytes = 64 * 1024;
  if (cfg.log_requests)  // method, path (no query: it may hold a cursor or an events token), status, µs
    so.on_reply = [](const ddb::net::Request& r, const ddb::net::Reply& reply, std::chrono::microseconds us) {
      spdlog::info("{} {} status={} us={}", r.method, r.path, reply.status, us.count());
    };
  return so;
}

// What the banner says, from the running pieces.
struct Running {
  const DynamoSide& dynamo;
  UserDirectory& users;
  const Cache* cache;
  unsigned short api_port;
  std::string data, checkpoint;
};

BannerFacts banner_facts(const Config& cfg, const Running& r) {
  BannerFacts f;
  f.self = self_path();
  std::string shown_host = cfg.host == "0.0.0.0" || cfg.host == "::" ? "127.0.0.1" : cfg.host;
  f.api_url = "http://" + shown_host + ":" + std::to_string(r.api_port);
  f.web_dir = cfg.web_dir;
  f.web_ok = std::filesystem::exists(std::filesystem::path(cfg.web_dir) / "index.html");
  if (!f.web_ok) spdlog::warn("no index.html in {}: the web client is not served (--web-dir)", cfg.web_dir);
  if (r.dynamo.server) f.ddb_url = "http://" + shown_host + ":" + std::to_string(r.dynamo.server->port());
  f.ddb_remote = cfg.ddb_endpoint;
  f.ddb_describe = r.dynamo.client->describe();
  f.data_dir = r.data;
  f.directory = r.users.describe();
  f.connection_url = cfg.connection_url;
  if (!cfg.user_pool_id.empty()) f.cognito_issuer = cognito_issuer(cfg);
  f.user_pool_id = cfg.user_pool_id;
  f.region = cfg.region;
  f.table = cfg.table;
  f.checkpoint = r.checkpoint;
  if (r.cache)
    f.cache = r.cache->describe() + "; entries live at most " + std::to_string(cfg.cache_ttl) + " s";
  return f;
}

int serve(const Config& cfg) {
  block_stop_signals();  // before any thread starts
  ddb::init_logging("cruddur", cfg.log_level);
  std::filesystem::create_directories(cfg.data_dir);
  std::string data = std::filesystem::absolute(cfg.data_dir).lexically_normal().string();
  auto dynamo = start_dynamodb(cfg, data);
  if (!dynamo.ok()) return fail(dynamo.error().message);
  auto dir = open_directory(cfg.connection_url, data + "/users.sqlite3");
  if (!dir.ok()) return fail(dir.error().message);
  auto& users = **dir;
  if (auto st = users.ensure_schema(); !st.ok()) return fail(st.error().message);
  auto identity = open_identity(cfg, data);
  if (!identity.ok()) return fail(identity.error().message);
  ddb::jwt::Issuer* issuer = identity->issuer.get();

  // Every DynamoDB call goes through a counter (GET /api/stats): the API's (with the cache layer's,
  // recounts included) and the stream worker's own (reading the stream, moving rows).
  ddb::client::CountingClient counting(*dynamo->client), worker_counting(*dynamo->client);
  MessagingService service(counting, users, cfg.table);
  if (auto st = first_start_setup(cfg, users, service, issuer != nullptr); !st.ok())
    return fail(st.error().message);

  // Stream worker (pattern D), and the cache, unread counters and live events in front of the service.
  StreamWorkerOptions wo;
  wo.checkpoint_path = data + "/stream-checkpoint.json";
  if (auto cp = read_checkpoint(wo.checkpoint_path); !cp.ok()) return fail(cp.error().message);
  wo.dead_letter_path = data + "/stream-dead-letter.jsonl";
  auto cache = open_cache(cfg.cache_url, std::chrono::seconds(cfg.cache_ttl));
  if (!cache.ok()) return fail(cache.error().message);
  EventHub events(cache->get());
  UnreadCounters unread(counting, service, cache->get());
  CachedMessaging front(service, unread, events, cache->get());
  wo.on_messages = [&front](const std::string& g, const std::string& sk,
                            const std::vector<std::string>& senders) {
    front.on_stream_messages(g, sk, senders);
  };
  MessagingService worker_service(worker_counting, users, cfg.table);
  StreamWorker worker(worker_counting, worker_service, wo);
  if (auto st = worker.prepare(); !st.ok() && st.error().name() == "BadCheckpoint")
    return fail(st.error().message);
  std::thread worker_thread([&] {
    auto st = worker.run();
    if (!st.ok()) spdlog::error("stream worker stopped: {}", st.error().message);
  });

  // The API and the web client.
  ApiOptions ao;
  ao.frontend_url = cfg.frontend_url;
  ao.dynamodb_calls = [&counting] { return counting.calls(); };
  ao.worker_dynamodb_calls = [&worker_counting] { return worker_counting.calls(); };
  Api api(service, front, events, users, *identity->verifier, counting, ao);
  WebRoutes web(users, web_options(cfg, issuer));
  api.extra = [&](const ddb::net::Request& req) -> std::optional<ddb::net::Reply> {
    if (issuer && req.path == "/.well-known/jwks.json" && req.method == "GET")
      return ddb::net::Reply{200, "application/json", issuer->jwks_json(), {}, nullptr};
    return web.handle(req);
  };
  ddb::net::Server api_server(api_server_options(cfg),
                              [&](const ddb::net::Request& r) { return api.handle(r); });
  std::string error;
  if (!api_server.listen(&error)) {
    worker.stop();
    worker_thread.join();
    return fail(error + " (the API's port: choose another with --port)");
  }
  api_server.start();
  Running running{*dynamo, users, cache->get(), api_server.port(), data, wo.checkpoint_path};
  std::fputs(banner(banner_facts(cfg, running)).c_str(), stdout);
  std::fflush(stdout);

  wait_for_stop_signal();
  api_server.stop();
  worker.stop();
  worker_thread.join();
  if (dynamo->server) dynamo->server->stop();
  spdlog::info("stopped");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    Config cfg;
    if (auto code = parse_config(argc, argv, cfg)) return *code;
    if (cfg.args[0] == "serve") return serve(cfg);
    return run_command(cfg);
  } catch (const std::exception& e) {  // nothing is expected to throw: the last word, not a crash
    return fail(e.what());
  }
}
