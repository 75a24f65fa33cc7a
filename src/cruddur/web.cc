#include "cruddur/web.h"

#include <cstring>
#include <fstream>
#include <sstream>

#include "client/dynamo_client.h"
#include "cruddur/json.h"

namespace cruddur {

using ddb::net::Reply;
using ddb::net::Request;

namespace {
Reply json(int status, std::string body) {
  return Reply{status, "application/json", std::move(body), {}, nullptr};
}
}  // namespace

std::optional<Reply> WebRoutes::file(const std::string& name) {
  if (name.find("..") != std::string::npos || name.find('/') != std::string::npos) return std::nullopt;
  std::ifstream f(opt_.web_dir + "/" + name, std::ios::binary);
  if (!f) return std::nullopt;
  std::stringstream ss;
  ss << f.rdbuf();
  auto ends = [&](const char* ext) {
    return name.size() > std::strlen(ext) &&
           name.compare(name.size() - std::strlen(ext), std::string::npos, ext) == 0;
  };
  std::string type = ends(".js")    ? "text/javascript; charset=utf-8"
                     : ends(".css") ? "text/css; charset=utf-8"
                     : ends(".svg") ? "image/svg+xml"
                                    : "text/html; charset=utf-8";
  Reply r{200, type, ss.str(), {}, nullptr};
  r.headers.emplace_back("Cache-Control", "no-cache");
  return r;
}

std::optional<Reply> WebRoutes::handle(const Request& req) {
  const std::string& p = req.path;
  if (req.method == "GET" && (p == "/" || p == "/messages" || p.rfind("/messages/", 0) == 0))
    return file("index.html");
  if (req.method == "GET" && p == "/favicon.ico") {
    if (auto f = file("favicon.svg")) return f;
  }
  if (req.method == "GET" && p.rfind("/static/", 0) == 0) {
    auto f = file(p.substr(8));
    if (f) return f;
    return Reply{404, "text/plain", "not found", {}, nullptr};
  }
  if (p == "/api/auth/config" && req.method == "GET") {
    Json j;
    j.obj();
    if (opt_.local_issuer) {
      j.kv("mode", "local").key("users").arr();
      auto all = users_.all();
      if (all.ok())
        for (auto& u : *all)
          if (!u.cognito_user_id.empty())
            j.obj().kv("handle", u.handle).kv("display_name", u.display_name).end_obj();
      j.end_arr();
    } else {
      j.kv("mode", "cognito");
    }
    return json(200, j.end_obj().take());
  }
  if (p == "/api/auth/local-token" && req.method == "POST") {
    if (!opt_.local_issuer) return json(404, "{}");
    rapidjson::Document d;
    d.Parse<rapidjson::kParseIterativeFlag>(req.body.c_str(), req.body.size());
    if (d.HasParseError() || !d.IsObject() || !d.HasMember("handle") || !d["handle"].IsString())
      return json(400, "{}");
    auto u = users_.by_handle(d["handle"].GetString());
    if (!u.ok() || !*u || (*u)->cognito_user_id.empty()) return json(401, "{}");
    std::string token =
        opt_.local_issuer->sign_access_token((*u)->cognito_user_id, (*u)->handle, std::chrono::hours(12));
    return json(200, Json().obj().kv("access_token", token).end_obj().take());
  }
  if (p == "/api/auth/password" && req.method == "POST") {
    if (opt_.local_issuer) return json(404, "{}");
    rapidjson::Document d;
    d.Parse<rapidjson::kParseIterativeFlag>(req.body.c_str(), req.body.size());
    if (d.HasParseError() || !d.IsObject() || !d.HasMember("username") || !d["username"].IsString() ||
        !d.HasMember("password") || !d["password"].IsString())
      return json(400, "{}");
    ddb::client::HttpClientOptions o;
    o.endpoint = opt_.cognito_endpoint;
    o.region = opt_.region;
    o.service = "cognito-idp";
    o.target_content_type = "application/x-amz-json-1.1";
    o.sign = false;  // InitiateAuth is an unauthenticated API
    o.max_attempts = 2;
    ddb::client::HttpClient c(o);
    Json body;
    body.obj()
        .kv("AuthFlow", "USER_PASSWORD_AUTH")
        .kv("ClientId", opt_.cognito_client_id)
        .key("AuthParameters")
        .obj()
        .kv("USERNAME", d["username"].GetString())
        .kv("PASSWORD", d["password"].GetString())
        .end_obj()
        .end_obj();
    auto r = c.call("AWSCognitoIdentityProviderService.InitiateAuth", body.take());
    if (!r.ok()) return json(401, "{}");
    std::string token = str_of(member_of(*r, "AuthenticationResult"), "AccessToken");
    if (token.empty()) return json(401, "{}");
    return json(200, Json().obj().kv("access_token", token).end_obj().take());
  }
  return std::nullopt;
}

}  // namespace cruddur
