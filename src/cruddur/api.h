// The messaging HTTP API (MESSAGING.md), as a function from net::Request to net::Reply. Handlers
// decode, call MessagingService / UserDirectory, and encode; the rules live in those classes.
#pragma once
#include <chrono>
#include <memory>
#include <string>
#include <unordered_map>

#include "auth/jwt.h"
#include "cruddur/cached.h"
#include "cruddur/directory.h"
#include "cruddur/messaging.h"
#include "net/http_server.h"
#include "util/mutex.h"

namespace cruddur {

struct ApiOptions {
  // FRONTEND_URL: the one other origin whose pages may call the API (CORS) and change state. The
  // server's own origin is always allowed. Default: none.
  std::string frontend_url;
  std::string public_url;  // prefix for Link headers. Default: "" (a relative reference, valid per RFC 8288)
  std::function<long long()> dynamodb_calls, worker_dynamodb_calls;  // for /api/stats
};

class Api {
 public:
  Api(MessagingService& service, CachedMessaging& front, EventHub& events, UserDirectory& users,
      ddb::jwt::Verifier& verifier, ddb::client::DynamoClient& ddb, ApiOptions options);
  ddb::net::Reply handle(const ddb::net::Request& req);
  // Extra routes (e.g. the local issuer's JWKS and token page) handled before the API's own.
  std::function<std::optional<ddb::net::Reply>(const ddb::net::Request&)> extra;

 private:
  bool trusted_origin(const ddb::net::Request& req) const;
  ddb::net::Reply route(const ddb::net::Request& req);
  std::optional<User> authenticate(const ddb::net::Request& req);
  ddb::net::Reply list(const ddb::net::Request& req, const User& me, const std::string& group);
  ddb::net::Reply post_message(const ddb::net::Request& req, const User& me);
  ddb::net::Reply health();
  ddb::net::Reply stats();
  ddb::net::Reply events(const ddb::net::Request& req);
  MessagingService& service_;
  CachedMessaging& front_;
  EventHub& events_;
  UserDirectory& users_;
  ddb::jwt::Verifier& verifier_;
  ddb::client::DynamoClient& ddb_;
  ApiOptions opt_;
  // Users by Cognito sub, remembered for kUserTtl after a lookup found them: every request names its
  // user, and the directory would otherwise be read for each (SQLite's file locks and page reads, or a
  // PostgreSQL round trip). A change to a user shows within that time.
  static constexpr auto kUserTtl = std::chrono::seconds(2);
  struct KnownUser {
    User user;
    std::chrono::steady_clock::time_point until;
  };
  ddb::Mutex known_mu_;
  std::unordered_map<std::string, KnownUser> known_ GUARDED_BY(known_mu_);
};

std::string url_decode(const std::string& s);
std::string query_param(const std::string& query, const std::string& name);

}  // namespace cruddur
