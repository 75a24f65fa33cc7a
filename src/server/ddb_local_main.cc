// ddb-local: the composition root. Parses flags, opens the engine, serves the protocol.
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <iostream>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include "auth/credentials.h"
#include "engine/engine.h"
#include "net/http_server.h"
#include "server/http_glue.h"
#include "server/options.h"
#include "server/protocol.h"
#include "util/log.h"

#ifndef DDB_VERSION
#define DDB_VERSION "0.1.0"
#endif

namespace {

ddb::EngineOptions engine_options(const ddb::DdbLocalConfig& cfg) {
  ddb::EngineOptions eo;
  eo.delay_transient_statuses = cfg.delay_transient_statuses;
  eo.ttl_interval = std::chrono::milliseconds(cfg.ttl_interval_ms);
  eo.max_open_databases = static_cast<size_t>(cfg.max_open_databases);
  eo.vector_exact_limit = static_cast<size_t>(cfg.vector_exact_limit);
  return eo;
}

ddb::KvOptions kv_options(const ddb::DdbLocalConfig& cfg) {
  ddb::KvOptions ko;
  if (!cfg.in_memory) ko.path = std::filesystem::absolute(cfg.db_path).lexically_normal().string();
  ko.sync_writes = cfg.fsync;
  if (!cfg.in_memory)
    ko.budget = std::make_shared<ddb::MemoryBudget>(cfg.memory_budget_mb > 0
                                                        ? static_cast<size_t>(cfg.memory_budget_mb) << 20
                                                        : ddb::default_memory_budget());
  return ko;
}

ddb::net::ServerOptions server_options(const ddb::DdbLocalConfig& cfg) {
  ddb::net::ServerOptions so;
  so.host = cfg.host;
  so.port = static_cast<unsigned short>(cfg.port);
  so.threads = cfg.threads;
  so.idle_poll_microseconds = cfg.idle_poll_us;
  so.reply_batch = cfg.reply_batch;
  so.max_connections = static_cast<size_t>(cfg.max_connections);
  so.max_pending_body_bytes = static_cast<size_t>(cfg.max_pending_body_mb) << 20;
  so.error_reply = ddb::refusal_reply;
  so.tls_cert_file = cfg.tls_cert;
  so.tls_key_file = cfg.tls_key;
  if (cfg.log_requests) so.on_reply = ddb::log_request;
  return so;
}

// DynamoDB Local's start-up lines, and ours.
void print_banner(const ddb::DdbLocalConfig& cfg, const std::string& path, size_t keys, ddb::Engine& engine,
                  unsigned port) {
  std::printf("Initializing DynamoDB Local with the following configuration:\n");
  std::printf("Port:\t%u\nInMemory:\t%s\n", port, cfg.in_memory ? "true" : "false");
  if (!cfg.in_memory) std::printf("DbPath:\t%s\n", path.c_str());
  std::printf("SharedDb:\t%s\nshouldDelayTransientStatuses:\t%s\nCorsParams:\t%s\n",
              cfg.shared_db ? "true" : "false", cfg.delay_transient_statuses ? "true" : "false",
              cfg.cors.empty() ? "none" : cfg.cors[0].c_str());
  std::printf("Fsync:\t%s\n",
              cfg.fsync ? "every write" : "off (acknowledged writes survive a process crash)");
  if (auto use = engine.memory_use())
    std::printf("MemoryBudget:\t%zu MB (tables beyond it are read from disk; --memory-budget)\n",
                use->budget_bytes >> 20);
  if (cfg.shared_db) {
    std::printf("Databases:\tone shared database for all access keys and regions\n");
  } else {
    std::printf("Databases:\tone per access key and region (as DynamoDB Local; -sharedDb for one)\n");
    for (auto& n : engine.database_names()) std::printf("  existing database: %s\n", n.c_str());
  }
  std::string signatures =
      keys == 0 ? "not verified (any credentials work)"
                : "verified (" + std::to_string(keys) + " keys from " + cfg.credentials_file + ")";
  std::printf("Signatures:\t%s\n", signatures.c_str());
  std::printf("Listening on %s://%s:%u\n", cfg.tls_cert.empty() ? "http" : "https", cfg.host.c_str(), port);
  std::fflush(stdout);
}

int run(const ddb::DdbLocalConfig& cfg) {
  ddb::init_logging("ddb-local", cfg.log_level);
  if (cfg.in_memory && cfg.memory_budget_mb > 0)
    spdlog::warn("--memory-budget applies to databases on disk; with -inMemory everything stays in memory");

  // Signals are taken from here on (before the banner tells anyone the port), by a signal_set.
  boost::asio::io_context signals_ioc;
  boost::asio::signal_set signals(signals_ioc, SIGINT, SIGTERM);
  signals.async_wait([](const boost::system::error_code&, int) {});

  ddb::KvOptions ko = kv_options(cfg);
  ddb::Engine engine(engine_options(cfg), ko);
  ddb::ProtocolOptions po;
  po.shared_db = cfg.shared_db;
  po.cors = cfg.cors;
  std::string error;
  if (!cfg.credentials_file.empty()) {
    auto secrets = ddb::auth::load_credentials(cfg.credentials_file, &error);
    if (!secrets) {
      std::cerr << "ddb-local: " << error << "\n";
      return 2;
    }
    po.secrets = std::move(*secrets);
  }
  ddb::DynamoProtocol protocol(engine, po);
  protocol.on_new_database = [&cfg](const std::string& name, const std::string& key,
                                    const std::string& region) {
    if (cfg.shared_db) return;
    spdlog::info(
        "using database '{}' (access key {}, region {}); tables of other access keys or regions are not "
        "visible here (-sharedDb shares one database)",
        name, key, region);
  };
  ddb::net::Server server(server_options(cfg), ddb::http_handler(protocol));
  if (!server.listen(&error)) {
    std::cerr << "ddb-local: " << error << "\n";
    return 1;
  }
  engine.start_ttl_thread();
  print_banner(cfg, ko.path, po.secrets.size(), engine, server.port());

  // SIGINT/SIGTERM: stop accepting, finish in-flight requests, close the databases (destructors).
  std::signal(SIGPIPE, SIG_IGN);
  server.start();
  signals_ioc.run();  // returns once a signal arrived
  server.stop();
  spdlog::info("stopped");
  return 0;
}

int start(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  std::string error;
  auto cfg = ddb::parse_options(args, &error);
  if (!cfg) {
    std::cerr << "ddb-local: " << error << "\n\n" << ddb::usage_text();
    return 2;
  }
  if (cfg->help) {
    std::cout << ddb::usage_text();
    return 0;
  }
  if (cfg->version) {
    std::cout << "ddb-local " << DDB_VERSION << "\n";
    return 0;
  }
  return run(*cfg);
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return start(argc, argv);
  } catch (const std::exception& e) {  // nothing is expected to throw: the last word, not a crash
    std::cerr << "ddb-local: " << e.what() << "\n";
    return 1;
  }
}
