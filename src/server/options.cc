#include "server/options.h"

#include <cstdlib>

#include "util/log.h"

namespace ddb {

std::string usage_text() {
  return R"(usage: ddb-local [-port <port-no.>] [-inMemory] [-dbPath <path>] [-sharedDb] [-cors <list>]
                 [-delayTransientStatuses] [-optimizeDbBeforeStartup] [-disableTelemetry]
                 [--host <address>] [--fsync] [--threads <n>] [--ttl-interval-ms <ms>]
                 [--max-connections <n>] [--max-open-databases <n>] [--max-pending-body-mb <n>]
                 [--credentials <file>] [--tls-cert <file> --tls-key <file>]
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
 --threads <n>             I/O threads, each with its own event loop (default: one per core).
 --ttl-interval-ms <ms>    How often expired TTL items are deleted (default 1000).
 --max-connections <n>     Open connections at most; at the cap the oldest idle one is closed
                           (default: half the descriptor limit, which is raised to its maximum).
 --max-open-databases <n>  On-disk databases open at once; idle ones close, least recently used
                           first, and reopen on the next request (default 64).
 --max-pending-body-mb <n> Memory all request bodies still being received may hold; beyond it a
                           request gets ThrottlingException, which the SDKs retry (default 256).
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

std::optional<DdbLocalConfig> parse_options(const std::vector<std::string>& args, std::string* error) {
  DdbLocalConfig c;
  for (size_t i = 0; i < args.size(); ++i) {
    std::string a = args[i];
    std::string value;
    bool has_value = false;
    if (a.rfind("--", 0) == 0) a = a.substr(1);
    auto eq = a.find('=');
    if (eq != std::string::npos && a[0] == '-') {
      value = a.substr(eq + 1);
      a = a.substr(0, eq);
      has_value = true;
    }
    auto take = [&](const char* name) -> std::optional<std::string> {
      if (has_value) return value;
      if (i + 1 >= args.size()) {
        *error = std::string("missing value for ") + name;
        return std::nullopt;
      }
      return args[++i];
    };
    auto to_int = [&](const std::string& s, const char* name, int lo, int hi) -> std::optional<int> {
      char* end = nullptr;
      long v = std::strtol(s.c_str(), &end, 10);
      if (s.empty() || *end || v < lo || v > hi) {
        *error = std::string("invalid value for ") + name + ": " + s;
        return std::nullopt;
      }
      return static_cast<int>(v);
    };
    if (a == "-port") {
      auto v = take("-port");
      if (!v) return std::nullopt;
      auto p = to_int(*v, "-port", 0, 65535);
      if (!p) return std::nullopt;
      c.port = *p;
    } else if (a == "-host") {
      auto v = take("--host");
      if (!v) return std::nullopt;
      c.host = *v;
    } else if (a == "-inMemory") {
      c.in_memory = true;
    } else if (a == "-dbPath") {
      auto v = take("-dbPath");
      if (!v) return std::nullopt;
      c.db_path = *v;
    } else if (a == "-sharedDb") {
      c.shared_db = true;
    } else if (a == "-cors") {
      auto v = take("-cors");
      if (!v) return std::nullopt;
      c.cors.clear();
      size_t s = 0;
      for (size_t j = 0; j <= v->size(); ++j) {
        if (j == v->size() || (*v)[j] == ',') {
          std::string o = v->substr(s, j - s);
          if (!o.empty()) c.cors.push_back(o);
          s = j + 1;
        }
      }
    } else if (a == "-delayTransientStatuses") {
      c.delay_transient_statuses = true;
    } else if (a == "-optimizeDbBeforeStartup") {
      c.optimize_db_before_startup = true;
    } else if (a == "-disableTelemetry") {
      c.disable_telemetry = true;
    } else if (a == "-fsync") {
      c.fsync = true;
    } else if (a == "-threads") {
      auto v = take("--threads");
      if (!v) return std::nullopt;
      auto n = to_int(*v, "--threads", 1, 256);
      if (!n) return std::nullopt;
      c.threads = *n;
    } else if (a == "-ttl-interval-ms") {
      auto v = take("--ttl-interval-ms");
      if (!v) return std::nullopt;
      auto n = to_int(*v, "--ttl-interval-ms", 10, 86400000);
      if (!n) return std::nullopt;
      c.ttl_interval_ms = *n;
    } else if (a == "-max-connections" || a == "-max-open-databases" || a == "-max-pending-body-mb") {
      std::string flag = "-" + a;
      auto v = take(flag.c_str());
      if (!v) return std::nullopt;
      auto n = to_int(*v, flag.c_str(), 1, 1000000);
      if (!n) return std::nullopt;
      (a == "-max-connections"      ? c.max_connections
       : a == "-max-open-databases" ? c.max_open_databases
                                    : c.max_pending_body_mb) = *n;
    } else if (a == "-credentials" || a == "-tls-cert" || a == "-tls-key") {
      std::string flag = "-" + a;
      auto v = take(flag.c_str());
      if (!v) return std::nullopt;
      (a == "-credentials" ? c.credentials_file : a == "-tls-cert" ? c.tls_cert : c.tls_key) = *v;
    } else if (a == "-log-level") {
      auto v = take("--log-level");
      if (!v) return std::nullopt;
      if (!valid_log_level(*v)) {
        *error = "--log-level takes trace, debug, info, warn, error or off, not " + *v;
        return std::nullopt;
      }
      c.log_level = *v;
    } else if (a == "-log-requests") {
      c.log_requests = true;
    } else if (a == "-help" || a == "-h") {
      c.help = true;
    } else if (a == "-version") {
      c.version = true;
    } else {
      *error = "unknown option: " + args[i];
      return std::nullopt;
    }
  }
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
