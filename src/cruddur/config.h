// cruddur's configuration: command-line flags over environment variables over defaults.
#pragma once
#include <map>
#include <string>
#include <vector>

namespace cruddur {

struct Config {
  std::string data_dir = "./cruddur-data";  // --data-dir
  std::string host = "127.0.0.1";           // --host
  int port = 4567;                          // --port
  int ddb_port = 8000;                      // --ddb-port (0: no DynamoDB endpoint)
  std::string ddb_endpoint;                 // --ddb-endpoint / --endpoint / AWS_ENDPOINT_URL (empty: embedded)
  std::string region = "us-east-1";         // --region / AWS_DEFAULT_REGION
  std::string table = "cruddur-messages";   // --table / DDB_MESSAGE_TABLE
  std::string connection_url;               // --connection-url / CONNECTION_URL (empty: SQLite)
  std::string user_pool_id;                 // AWS_COGNITO_USER_POOL_ID
  std::string client_id;                    // AWS_COGNITO_USER_POOL_CLIENT_ID
  std::string cognito_issuer;               // COGNITO_ISSUER_URL: issuer override for a local emulator
  std::string cognito_endpoint;             // COGNITO_ENDPOINT_URL: Cognito API endpoint override
  std::string frontend_url = "*";           // FRONTEND_URL
  std::string web_dir = CRUDDUR_WEB_DIR;    // --web-dir: the web client's files
  std::string from;                         // --from trim-horizon|latest (stream-worker)
  bool json = false;                        // --json
  bool help = false;
  std::vector<std::string> args;            // positional arguments (command words and operands)
};

// Parses flags from argv and fills the rest from the environment.
bool parse_config(int argc, char** argv, Config& c, std::string* error);
std::string usage();

}  // namespace cruddur
