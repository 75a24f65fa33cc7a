#include "cruddur/banner.h"

namespace cruddur {

std::string shell_quote(const std::string& s) {
  bool plain = !s.empty();
  for (char c : s)
    plain = plain && (std::isalnum(static_cast<unsigned char>(c)) ||
                      std::string("@%+=:,./_-").find(c) != std::string::npos);
  if (plain) return s;
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string banner(const BannerFacts& f) {
  bool local = f.cognito_issuer.empty();
  std::string b = "cruddur is running\n";
  if (f.web_ok)
    b += "  Web client:   " + f.api_url + "/  (" +
         (local ? std::string("sign in as a demo user")
                : "sign in with a user of Cognito pool " + f.user_pool_id) +
         ")\n";
  else
    b +=
        "  Web client:   not served: no index.html in " + f.web_dir + " (choose the folder with --web-dir)\n";
  b += "  API:          " + f.api_url + "/api/  (health: /api/health-check)\n";
  std::string aws_args = " --table-name " + shell_quote(f.table) + " --region " + shell_quote(f.region);
  if (!f.ddb_url.empty()) {
    b += "  DynamoDB:     " + f.ddb_url + "  (embedded engine; data in " + f.data_dir + "/dynamodb)\n";
    // The embedded endpoint shows one database to any credentials: dummy ones make the command
    // work in a shell that has none.
    b += "                AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local aws dynamodb describe-table" +
         aws_args + " --endpoint-url " + f.ddb_url + "\n";
  } else if (!f.ddb_remote.empty()) {
    b += "  DynamoDB:     " + f.ddb_describe + "\n";
    b += "                aws dynamodb describe-table" + aws_args + " --endpoint-url " +
         shell_quote(f.ddb_remote) + "\n";
  } else {
    b += "  DynamoDB:     " + f.ddb_describe + "\n";
  }
  b += "  Directory:    " + f.directory + "\n";
  b += "  Identity:     " +
       (local ? std::string("local issuer (RS256; JWKS at /.well-known/jwks.json)") : f.cognito_issuer) +
       "\n";
  b += "  Cache:        " +
       (f.cache.empty() ? std::string("none (--cache-url): every read goes to DynamoDB") : f.cache) + "\n";
  b += "  Live events:  " + f.api_url +
       "/api/events  (Server-Sent Events; token from POST /api/events/token)\n";
  b += "  Stream worker: running (checkpoint " + f.checkpoint + ")\n";
  if (local) {
    std::string cmd = shell_quote(f.self) + " auth token andrewbrown --data-dir " + shell_quote(f.data_dir);
    if (!f.connection_url.empty()) cmd += " --connection-url " + shell_quote(f.connection_url);
    b += "  Get a token:  " + cmd + "\n";
  }
  b += "Listening on " + f.api_url + "\n";
  return b;
}

}  // namespace cruddur
