#include "server/options.h"

#include <algorithm>
#include <cctype>

#include <CLI/CLI.hpp>

namespace ddb {

std::string usage_text() {
  return R"(usage: ddb-local [-port <port-no.>] [-inMemory] [-dbPath <path>] [-sharedDb] [-cors <list>]
                 [-delayTransientStatuses] [-optimizeDbBeforeStartup] [-disableTelemetry]
                 [--host <address>] [--fsync] [--threads <n>] [--idle-poll-us <us>]
                 [--ttl-interval-ms <ms>]
                 [--max-connections <n>] [--max-open-databases <n>] [--max-pending-body-mb <n>]
                 [--memory-budget <MB>]
                 [--vector-exact-limit <n>] [--credentials <file>] [--tls-cert <file> --tls-key <file>]
                 [--log-level <level>] [--log-requests] [-help] [-version]

A DynamoDB-compatible server: a drop-in replacement for Amazon DynamoDB Local.

 -port <port-no.>          Port number (default 8000). 0 picks a free port and prints it.
 -inMemory                 Keep all data in memory; nothing is written to disk.
 -dbPath <path>            Directory for the database files (default: the current directory).
 -sharedDb                 Use one database for all credentials and regions. Without it, each
                           access key and region has its own database (as DynamoDB Local does).
 -cors <list>              Comma-separated allowed origins for CORS (default "*").
 -delayTransientStatuses   Make CREATING/UPDATING statuses last about half a second.
 -optimizeDbBeforeStartup  Accepted for compatibility (nothing to optimize).
 -disableTelemetry         Accepted for compatibility (there is no telemetry).
 --host <address>          Address to listen on (default 127.0.0.1; DynamoDB Local listens on
                           all interfaces, use --host 0.0.0.0 for that).
 --fsync                   fsync the write-ahead log on every write (survives power loss; by
                           default acknowledged writes survive a crash or kill -9 of the process).
 --threads <n>             I/O threads, all waiting on one epoll set (default: one per core but
                           one, at least 1); a standby thread helps while all are stuck for 1 ms.
 --idle-poll-us <us>       Out of work, one thread at a time polls up to this long for the next
                           request before it sleeps (adaptive; default 0: never). Lowers the
                           latency of a fast sequential client; costs CPU.
 --ttl-interval-ms <ms>    How often expired TTL items are deleted (default 1000).
 --max-connections <n>     Open connections at most; at the cap the oldest idle one is closed
                           (default: half the descriptor limit, which is raised to its maximum).
 --max-open-databases <n>  On-disk databases open at once; idle ones close, least recently used
                           first, and reopen on the next request (default 64).
 --max-pending-body-mb <n> Memory all request bodies still being received may hold; beyond it a
                           request gets ThrottlingException, which the SDKs retry (default 256).
 --memory-budget <MB>      With a database on disk: the memory its data may hold. Tables beyond it,
                           least recently used first, are read from disk, their hot blocks from a
                           cache (a quarter of the budget). Default: half the RAM (or of the
                           cgroup's limit). -inMemory holds everything regardless.
 --vector-exact-limit <n>  SearchVectors searches a vector index exactly while it holds fewer
                           than n vectors (or when the search filters), approximately (HNSW) above
                           (default 20000).
 --credentials <file>      Verify every request's SigV4 signature against the keys of this AWS
                           shared-credentials file ([profile], aws_access_key_id,
                           aws_secret_access_key). Default: signatures are not checked.
 --tls-cert <file>         Serve HTTPS on the port with this PEM certificate (chain) ...
 --tls-key <file>          ... and this PEM private key.
 --log-level <level>       trace, debug, info (default), warn, error or off; logs go to stderr.
 --log-requests            Log one line per request: operation, table, status and microseconds.
 -help                     Show this help.
 -version                  Show the version.

Every flag also takes the GNU spelling (--port 8000, --port=8000).
)";
}

namespace {

// DynamoDB Local's flags are single-dash words (-port, -inMemory); CLI11 takes them in their GNU
// spelling, which every flag also accepts (--port, --port=8000).
std::vector<std::string> gnu_spelling(const std::vector<std::string>& args) {
  std::vector<std::string> out;
  out.reserve(args.size());
  for (auto& a : args)
    out.push_back(a.size() > 2 && a[0] == '-' && a[1] != '-' && std::isalpha(static_cast<unsigned char>(a[1]))
                      ? "-" + a
                      : a);
  return out;
}

void build(CLI::App& app, DdbLocalConfig& c) {
  app.set_help_flag();  // -help/--help and -version are plain flags: main prints usage_text()
  app.add_flag("--help,-h", c.help);
  app.add_flag("--version", c.version);
  app.add_option("--port", c.port)->check(CLI::Range(0, 65535));
  app.add_option("--host", c.host);
  app.add_flag("--inMemory", c.in_memory);
  app.add_option("--dbPath", c.db_path);
  app.add_flag("--sharedDb", c.shared_db);
  app.add_option("--cors", c.cors)->delimiter(',');
  app.add_flag("--delayTransientStatuses", c.delay_transient_statuses);
  app.add_flag("--optimizeDbBeforeStartup", c.optimize_db_before_startup);
  app.add_flag("--disableTelemetry", c.disable_telemetry);
  app.add_flag("--fsync", c.fsync);
  app.add_option("--threads", c.threads)->check(CLI::Range(1, 256));
  app.add_option("--idle-poll-us", c.idle_poll_us)->check(CLI::Range(0, 10000));
  app.add_option("--reply-batch", c.reply_batch)->check(CLI::Range(1, 256));
  app.add_option("--ttl-interval-ms", c.ttl_interval_ms)->check(CLI::Range(10, 86400000));
  app.add_option("--max-connections", c.max_connections)->check(CLI::Range(1, 1000000));
  app.add_option("--max-open-databases", c.max_open_databases)->check(CLI::Range(1, 1000000));
  app.add_option("--vector-exact-limit", c.vector_exact_limit)->check(CLI::Range(1, 1000000000));
  app.add_option("--max-pending-body-mb", c.max_pending_body_mb)->check(CLI::Range(1, 1000000));
  app.add_option("--memory-budget", c.memory_budget_mb)->check(CLI::Range(1, 100000000));
  app.add_option("--credentials", c.credentials_file);
  app.add_option("--tls-cert", c.tls_cert);
  app.add_option("--tls-key", c.tls_key);
  app.add_option("--log-level", c.log_level)
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "off"}));
  app.add_flag("--log-requests", c.log_requests);
}

}  // namespace

std::optional<DdbLocalConfig> parse_options(const std::vector<std::string>& args, std::string* error) {
  DdbLocalConfig c;
  CLI::App app{"ddb-local", "ddb-local"};
  build(app, c);
  std::vector<std::string> argv = gnu_spelling(args);
  std::reverse(argv.begin(), argv.end());  // CLI11 takes them last first
  try {
    app.parse(argv);
  } catch (const CLI::ExtrasError&) {
    for (auto& a : args)
      if (!a.empty() && a[0] == '-' &&
          !app.get_option_no_throw(gnu_spelling({a.substr(0, a.find('='))})[0]) && a != "-h")
        return (*error = "unknown option: " + a), std::nullopt;
    *error = "unexpected argument (every flag starts with a dash)";
    return std::nullopt;
  } catch (const CLI::ParseError& e) {
    *error = e.what();
    return std::nullopt;
  }
  if (c.cors.empty()) c.cors = {"*"};
  if (c.tls_cert.empty() != c.tls_key.empty()) {
    *error = "--tls-cert and --tls-key go together";
    return std::nullopt;
  }
  if (c.in_memory && c.db_path != ".") {
    *error = "You cannot specify both -dbPath and -inMemory";
    return std::nullopt;
  }
  return c;
}

}  // namespace ddb
