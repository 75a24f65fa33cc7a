// Command-line options of ddb-local: DynamoDB Local's flags (single dash, same meaning) plus GNU
// spellings (--port) and a few of our own. parse_options() is pure and unit-tested.
#pragma once
#include <optional>
#include <string>
#include <vector>

namespace ddb {

struct DdbLocalConfig {
  int port = 8000;                          // -port; 0 picks a free port and prints it
  std::string host = "127.0.0.1";           // --host (ours; DynamoDB Local listens on all interfaces)
  bool in_memory = false;                   // -inMemory
  std::string db_path = ".";                // -dbPath (default: the current directory, as DynamoDB Local)
  bool shared_db = false;                   // -sharedDb
  std::vector<std::string> cors = {"*"};    // -cors
  bool delay_transient_statuses = false;    // -delayTransientStatuses
  bool optimize_db_before_startup = false;  // -optimizeDbBeforeStartup (accepted; nothing to optimize)
  bool disable_telemetry = false;           // -disableTelemetry (we have no telemetry)
  bool fsync = false;                       // --fsync: fsync the log on every write
  int threads = 0;                          // --threads (0: one per core)
  int idle_poll_us = 0;                     // --idle-poll-us (0: threads out of work sleep at once)
  int reply_batch = 16;                     // --reply-batch: replies a thread holds and sends together
  int ttl_interval_ms = 1000;               // --ttl-interval-ms: how often expired items are deleted
  int max_connections = 0;                  // --max-connections (0: half the descriptor limit)
  int max_open_databases = 64;              // --max-open-databases: on-disk databases open at once
  int vector_exact_limit = 20000;           // --vector-exact-limit: exact vector search below this size
  int max_pending_body_mb = 256;            // --max-pending-body-mb: memory for bodies being received
  int memory_budget_mb = 0;                 // --memory-budget: on-disk data held in memory (0: half the RAM)
  std::string credentials_file;             // --credentials: verify SigV4 against these keys
  std::string tls_cert, tls_key;            // --tls-cert/--tls-key: serve HTTPS
  std::string log_level = "info";           // --log-level: trace, debug, info, warn, error or off
  bool log_requests = false;  // --log-requests: one line per request (operation, table, status, µs)
  bool help = false, version = false;
};

// Parses argv[1..]. On error returns nullopt and sets `error`.
std::optional<DdbLocalConfig> parse_options(const std::vector<std::string>& args, std::string* error);
std::string usage_text();

}  // namespace ddb
