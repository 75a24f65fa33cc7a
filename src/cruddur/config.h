// cruddur's configuration: command-line flags over environment variables over defaults.
#pragma once
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace cruddur {

struct Config {
  std::string data_dir = "./cruddur-data";  // --data-dir
  std::string host = "127.0.0.1";           // --host
  int port = 4567;                          // --port
  int ddb_port = 8000;                      // --ddb-port (0: no DynamoDB endpoint)
  std::string ddb_endpoint;                // --ddb-endpoint / --endpoint / AWS_ENDPOINT_URL (empty: embedded)
  std::string region = "us-east-1";        // --region / AWS_DEFAULT_REGION
  std::string table = "cruddur-messages";  // --table / DDB_MESSAGE_TABLE
  std::string connection_url;              // --connection-url / CONNECTION_URL (empty: SQLite)
  std::string user_pool_id;                // AWS_COGNITO_USER_POOL_ID
  std::string client_id;                   // AWS_COGNITO_USER_POOL_CLIENT_ID
  std::string cognito_issuer;              // COGNITO_ISSUER_URL: issuer override for a local emulator
  std::string cognito_endpoint;            // COGNITO_ENDPOINT_URL: Cognito API endpoint override
  std::string frontend_url;  // --frontend-url / FRONTEND_URL (empty: only the server's own origin)
  std::string web_dir = CRUDDUR_WEB_DIR;  // --web-dir: the web client's files
  std::string from;                       // --from trim-horizon|latest (stream-worker)
  std::string cache_url = "embedded";     // --cache-url / CACHE_URL: embedded, none or redis://HOST:PORT/DB
  int cache_ttl = 600;
  std::string log_level = "info";  // --log-level (serve, stream-worker)
  bool log_requests = false;       // --log-requests (serve): one line per API request                      //
                                   // --cache-ttl: seconds every cache entry lives at most
  bool json = false;               // --json
  std::string operand;             // the command's positional argument, if it takes one
  std::vector<std::string> args;   // the command's words, then the operand: {"ddb", "drop", "t"}
};

// Parses the command line (CLI11) and fills unset options from the environment. nullopt: run the
// command; a number: exit with it (help or --version printed: 0; a usage error, explained on
// stderr: 2).
std::optional<int> parse_config(int argc, char** argv, Config& c);

}  // namespace cruddur
