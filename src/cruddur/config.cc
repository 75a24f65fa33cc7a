#include "cruddur/config.h"

#include <cstdlib>

namespace cruddur {

std::string usage() {
  return R"(usage: cruddur <command> [options]

Commands:
  serve                          run the messaging API (port 4567), a DynamoDB endpoint for the embedded
                                 engine (port 8000), the stream worker and the local identity issuer;
                                 creates the schema and demo data on first start
  auth token <handle>            print a bearer token for a directory user (local issuer)
  stream-worker                  run the stream worker alone against the configured DynamoDB endpoint
  ddb schema-load | seed | scan | list-tables | describe-table | drop <table>
  ddb get-conversation [group-uuid] | list-conversations [handle]
  db schema-load | seed | setup | update-cognito-user-ids
  cognito list-users

Options (each also read from the environment variable in brackets):
  --data-dir DIR         data directory (default ./cruddur-data)
  --host ADDR            address to listen on (default 127.0.0.1)
  --port N               API port (default 4567)
  --ddb-port N           DynamoDB endpoint port of the embedded engine (default 8000; 0 = none)
  --ddb-endpoint URL     use this DynamoDB endpoint instead of the embedded engine [AWS_ENDPOINT_URL];
                         --endpoint is the same. ddb/stream-worker commands default to http://localhost:8000
  --region R             AWS region [AWS_DEFAULT_REGION] (default us-east-1)
  --table NAME           messages table [DDB_MESSAGE_TABLE] (default cruddur-messages)
  --connection-url URL   PostgreSQL user directory [CONNECTION_URL] (default: SQLite in the data directory)
  --user-pool-id ID      Cognito user pool [AWS_COGNITO_USER_POOL_ID]
  --client-id ID         Cognito app client [AWS_COGNITO_USER_POOL_CLIENT_ID]
  --cognito-issuer URL   token issuer override, e.g. for cognito-local [COGNITO_ISSUER_URL]
  --cognito-endpoint URL Cognito API endpoint override [COGNITO_ENDPOINT_URL]
  --frontend-url URL     origin allowed by CORS [FRONTEND_URL] (default *)
  --web-dir DIR          the web client's files (default: web/ of the source tree)
  --from WHERE           stream-worker: resume from trim-horizon (replay all kept records) or latest
                         (only new ones) instead of the checkpoint; replaces a damaged checkpoint
  --json                 print JSON instead of tables
  --help                 this text
Credentials for AWS come from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN.
)";
}

bool parse_config(int argc, char** argv, Config& c, std::string* error) {
  auto env = [](const char* n, std::string& into) {
    if (const char* v = std::getenv(n); v && *v) into = v;
  };
  env("AWS_ENDPOINT_URL", c.ddb_endpoint);
  env("AWS_DEFAULT_REGION", c.region);
  env("DDB_MESSAGE_TABLE", c.table);
  env("CONNECTION_URL", c.connection_url);
  env("AWS_COGNITO_USER_POOL_ID", c.user_pool_id);
  env("AWS_COGNITO_USER_POOL_CLIENT_ID", c.client_id);
  env("COGNITO_ISSUER_URL", c.cognito_issuer);
  env("COGNITO_ENDPOINT_URL", c.cognito_endpoint);
  env("FRONTEND_URL", c.frontend_url);
  std::map<std::string, std::string*> strings = {
      {"--data-dir", &c.data_dir}, {"--host", &c.host}, {"--ddb-endpoint", &c.ddb_endpoint}, {"--endpoint", &c.ddb_endpoint},
      {"--region", &c.region}, {"--table", &c.table}, {"--connection-url", &c.connection_url},
      {"--user-pool-id", &c.user_pool_id}, {"--client-id", &c.client_id}, {"--cognito-issuer", &c.cognito_issuer},
      {"--cognito-endpoint", &c.cognito_endpoint}, {"--frontend-url", &c.frontend_url}, {"--web-dir", &c.web_dir}, {"--from", &c.from}};
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i], v;
    auto eq = a.find('=');
    bool inline_value = a.rfind("--", 0) == 0 && eq != std::string::npos;
    if (inline_value) { v = a.substr(eq + 1); a = a.substr(0, eq); }
    auto value = [&]() -> bool {
      if (inline_value) return true;
      if (i + 1 >= argc) { *error = "missing value for " + a; return false; }
      v = argv[++i];
      return true;
    };
    if (strings.count(a)) {
      if (!value()) return false;
      *strings[a] = v;
    } else if (a == "--port" || a == "--ddb-port") {
      if (!value()) return false;
      char* end = nullptr;
      long n = std::strtol(v.c_str(), &end, 10);
      if (v.empty() || *end || n < 0 || n > 65535) { *error = "invalid value for " + a + ": " + v; return false; }
      (a == "--port" ? c.port : c.ddb_port) = static_cast<int>(n);
    } else if (a == "--json") {
      c.json = true;
    } else if (a == "--help" || a == "-h") {
      c.help = true;
    } else if (a.rfind("--", 0) == 0) {
      *error = "unknown option: " + a;
      return false;
    } else {
      c.args.push_back(a);
    }
  }
  if (!c.from.empty() && c.from != "trim-horizon" && c.from != "latest") {
    *error = "--from takes trim-horizon or latest, not " + c.from;
    return false;
  }
  return true;
}

}  // namespace cruddur
