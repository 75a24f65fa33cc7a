// The start banner of `cruddur serve`: where everything is, and commands that work when pasted into a
// shell (tests/cruddur/test_banner.py runs each one). Pure: built from the facts of this start.
#pragma once
#include <string>

namespace cruddur {

struct BannerFacts {
  std::string self;            // absolute path of this binary
  std::string api_url;         // http://HOST:PORT
  std::string web_dir;         // the web client's files
  bool web_ok = true;          // web_dir has index.html
  std::string ddb_url;         // the embedded engine's endpoint ("" : none)
  std::string ddb_remote;      // --ddb-endpoint ("" : embedded)
  std::string ddb_describe;    // how the client describes its DynamoDB
  std::string data_dir;        // absolute
  std::string directory;       // how the user directory describes itself
  std::string connection_url;  // PostgreSQL ("" : SQLite)
  std::string cognito_issuer;  // "" : the local issuer
  std::string user_pool_id;
  std::string region, table, checkpoint;
  std::string cache;  // how the cache describes itself ("" : none)
};

std::string banner(const BannerFacts& f);
// `s` quoted for a POSIX shell when it needs to be.
std::string shell_quote(const std::string& s);

}  // namespace cruddur
