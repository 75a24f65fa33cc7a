// The web client's routes on the API's origin: static files (index.html for the client's own paths),
// and sign-in: a demo-user token from the local issuer, or Cognito's USER_PASSWORD_AUTH (proxied, so
// the browser never talks to another origin).
#pragma once
#include <functional>
#include <optional>
#include <string>

#include "auth/jwt.h"
#include "cruddur/directory.h"
#include "net/http_server.h"

namespace cruddur {

struct WebOptions {
  std::string web_dir;                       // folder with index.html, app.js, style.css
  ddb::jwt::Issuer* local_issuer = nullptr;  // set: local sign-in; null: Cognito
  std::string cognito_endpoint, cognito_client_id, region;
};

class WebRoutes {
 public:
  WebRoutes(UserDirectory& users, WebOptions options) : users_(users), opt_(std::move(options)) {}
  // A reply for the routes above, or nullopt for everything else.
  std::optional<ddb::net::Reply> handle(const ddb::net::Request& req);

 private:
  std::optional<ddb::net::Reply> file(const std::string& name);
  UserDirectory& users_;
  WebOptions opt_;
};

}  // namespace cruddur
