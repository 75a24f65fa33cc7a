#include "client/dynamo_client.h"

#include <chrono>
#include <cstdlib>
#include <random>
#include <thread>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include "auth/sigv4.h"
#include "engine/engine.h"
#include "engine/json_util.h"
#include "util/errors.h"
#include "util/json_writer.h"

namespace ddb::client {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

Result<rapidjson::Document> DynamoClient::op(std::string_view name, const std::string& body) {
  std::string target = name.rfind("Streams.", 0) == 0
                           ? "DynamoDBStreams_20120810." + std::string(name.substr(8))
                           : "DynamoDB_20120810." + std::string(name);
  return call(target, body);
}

// ---- in process ----
Result<rapidjson::Document> InProcessClient::call(std::string_view target, const std::string& body) {
  rapidjson::Document req;
  req.Parse<kRequestParseFlags>(body.c_str(), body.size());
  if (req.HasParseError()) return err::serialization("");
  auto r = db_->execute(target, req);
  if (!r.ok()) return r.take_error();
  rapidjson::Document out;
  out.Parse<rapidjson::kParseIterativeFlag>(r->c_str(), r->size());
  return out;
}

// ---- HTTP(S) ----
namespace {
struct Url {
  bool tls = false;
  std::string host, port, path = "/";
};
std::optional<Url> parse_url(const std::string& u) {
  Url r;
  std::string rest;
  if (u.rfind("https://", 0) == 0) {
    r.tls = true;
    rest = u.substr(8);
  } else if (u.rfind("http://", 0) == 0)
    rest = u.substr(7);
  else
    return std::nullopt;
  auto slash = rest.find('/');
  std::string hostport = rest.substr(0, slash);
  if (slash != std::string::npos) r.path = rest.substr(slash);
  auto colon = hostport.rfind(':');
  if (colon != std::string::npos && hostport.find(']') == std::string::npos) {
    r.host = hostport.substr(0, colon);
    r.port = hostport.substr(colon + 1);
  } else {
    r.host = hostport;
    r.port = r.tls ? "443" : "80";
  }
  if (r.host.empty()) return std::nullopt;
  return r;
}

asio::ssl::context& ssl_ctx() {
  static asio::ssl::context ctx = [] {
    asio::ssl::context c(asio::ssl::context::tls_client);
    c.set_default_verify_paths();
    c.set_verify_mode(asio::ssl::verify_peer);
    return c;
  }();
  return ctx;
}
}  // namespace

struct HttpClient::Conn {
  asio::io_context ioc;
  std::unique_ptr<beast::tcp_stream> plain;
  std::unique_ptr<beast::ssl_stream<beast::tcp_stream>> secure;
  beast::flat_buffer buffer;

  bool connect(const std::string& host, const std::string& port, bool tls, std::chrono::milliseconds timeout,
               std::string* error) {
    beast::error_code ec;
    tcp::resolver resolver(ioc);
    auto results = resolver.resolve(host, port, ec);
    if (ec) {
      *error = "cannot resolve " + host + ": " + ec.message();
      return false;
    }
    if (tls) {
      secure = std::make_unique<beast::ssl_stream<beast::tcp_stream>>(ioc, ssl_ctx());
      SSL_set_tlsext_host_name(secure->native_handle(), host.c_str());
      secure->set_verify_callback(asio::ssl::host_name_verification(host));
      beast::get_lowest_layer(*secure).expires_after(timeout);
      beast::get_lowest_layer(*secure).connect(results, ec);
      if (!ec) secure->handshake(asio::ssl::stream_base::client, ec);
    } else {
      plain = std::make_unique<beast::tcp_stream>(ioc);
      plain->expires_after(timeout);
      plain->connect(results, ec);
      if (!ec) plain->socket().set_option(tcp::no_delay(true), ec);
    }
    if (ec) {
      *error = "cannot connect to " + host + ":" + port + ": " + ec.message();
      return false;
    }
    return true;
  }

  template <class Req, class Res>
  beast::error_code exchange(Req& req, Res& res) {
    beast::error_code ec;
    if (secure) {
      http::write(*secure, req, ec);
      if (!ec) http::read(*secure, buffer, res, ec);
    } else {
      http::write(*plain, req, ec);
      if (!ec) http::read(*plain, buffer, res, ec);
    }
    return ec;
  }
  void set_timeout(std::chrono::milliseconds t) {
    if (secure)
      beast::get_lowest_layer(*secure).expires_after(t);
    else
      plain->expires_after(t);
  }
};

HttpClient::HttpClient(HttpClientOptions options) : opt_(std::move(options)) {
  auto u = parse_url(opt_.endpoint);
  if (u) {
    host_ = u->host;
    port_ = u->port;
    path_ = u->path;
    tls_ = u->tls;
  }
}

HttpClient::~HttpClient() = default;

Result<std::pair<int, std::string>> HttpClient::post_once(std::string_view target, const std::string& body) {
  if (host_.empty()) return err::internal("invalid endpoint URL: " + opt_.endpoint);
  std::unique_ptr<Conn> c;
  {
    MutexLock lk(mu_);
    if (!idle_.empty()) {
      c = std::move(idle_.back());
      idle_.pop_back();
    }
  }
  auto timeout = std::chrono::milliseconds(opt_.timeout_ms);
  bool fresh = false;
  std::string error;
  if (!c) {
    c = std::make_unique<Conn>();
    if (!c->connect(host_, port_, tls_, timeout, &error)) return err::ddb("ServiceUnavailable", error, 503);
    fresh = true;
  }
  std::string host_header = host_ + ((tls_ && port_ == "443") || (!tls_ && port_ == "80") ? "" : ":" + port_);
  std::string amz_date = sigv4::amz_date_now();
  sigv4::Request sr;
  sr.method = "POST";
  sr.path = path_;
  sr.headers = {{"host", host_header}, {"x-amz-date", amz_date}, {"content-type", opt_.target_content_type}};
  if (!target.empty()) sr.headers.emplace_back("x-amz-target", std::string(target));
  sr.body = body;
  http::request<http::string_body> req{http::verb::post, path_, 11};
  for (auto& [k, v] : sr.headers) req.set(k, v);
  if (opt_.sign) {
    if (!opt_.session_token.empty()) req.set("x-amz-security-token", opt_.session_token);
    req.set(http::field::authorization, sigv4::sign(sr, opt_.access_key, opt_.secret_key, opt_.session_token,
                                                    opt_.region, opt_.service, amz_date));
  }
  req.keep_alive(true);
  req.body() = body;
  req.prepare_payload();
  http::response<http::string_body> res;
  c->set_timeout(timeout);
  auto ec = c->exchange(req, res);
  if (ec && !fresh) {
    // A kept-alive connection may have been closed by the server: reconnect once.
    c = std::make_unique<Conn>();
    if (!c->connect(host_, port_, tls_, timeout, &error)) return err::ddb("ServiceUnavailable", error, 503);
    http::response<http::string_body> res2;
    ec = c->exchange(req, res2);
    res = std::move(res2);
  }
  if (ec)
    return err::ddb("ServiceUnavailable", "request to " + opt_.endpoint + " failed: " + ec.message(), 503);
  int status = static_cast<int>(res.result_int());
  if (res.keep_alive()) {
    MutexLock lk(mu_);
    idle_.push_back(std::move(c));
  }
  return std::make_pair(status, std::move(res.body()));
}

Result<rapidjson::Document> HttpClient::call(std::string_view target, const std::string& body) {
  thread_local std::mt19937 rng{std::random_device{}()};
  Error last;
  for (int attempt = 0; attempt < opt_.max_attempts; ++attempt) {
    if (attempt > 0) {
      int cap = opt_.base_backoff_ms << std::min(attempt - 1, 8);
      std::this_thread::sleep_for(std::chrono::milliseconds(std::uniform_int_distribution<int>(0, cap)(rng)));
    }
    auto r = post_once(target, body);
    if (!r.ok()) {
      last = r.take_error();
      continue;
    }
    auto& [status, text] = *r;
    rapidjson::Document doc;
    doc.Parse<rapidjson::kParseIterativeFlag>(text.c_str(), text.size());
    if (status == 200) {
      // Callers read members of the answer: anything but a JSON object is refused here, once.
      // Bounded depth and well-formed UTF-8, as for requests: later walks of the answer cannot recurse deep.
      if (doc.HasParseError() || !doc.IsObject() || !check_request_json(doc).ok())
        return err::internal("invalid JSON from " + opt_.endpoint);
      return doc;
    }
    Error e;
    e.http_status = status;
    if (!doc.HasParseError() && doc.IsObject()) {
      if (doc.HasMember("__type") && doc["__type"].IsString()) e.type = doc["__type"].GetString();
      for (const char* m : {"message", "Message"})
        if (doc.HasMember(m) && doc[m].IsString()) e.message = doc[m].GetString();
      if (doc.HasMember("CancellationReasons")) {
        rapidjson::StringBuffer sb;
        ddb::JsonWriter w(sb);
        doc["CancellationReasons"].Accept(w);
        e.extra_json = std::string(",\"CancellationReasons\":") + sb.GetString();
      }
    } else {
      e.type = "HttpError" + std::to_string(status);
      e.message = text.substr(0, 200);
    }
    std::string n = e.name();
    bool retry = status >= 500 || n == "ProvisionedThroughputExceededException" ||
                 n == "ThrottlingException" || n == "RequestLimitExceeded" || n == "InternalServerError";
    if (!retry) return e;
    last = e;
  }
  return last;
}

Result<std::string> http_get(const std::string& url, int timeout_ms) {
  auto u = parse_url(url);
  if (!u) return err::internal("invalid URL: " + url);
  asio::io_context ioc;
  beast::error_code ec;
  tcp::resolver resolver(ioc);
  auto results = resolver.resolve(u->host, u->port, ec);
  if (ec) return err::internal("cannot resolve " + u->host);
  http::request<http::empty_body> req{http::verb::get, u->path, 11};
  req.set(http::field::host, u->host);
  http::response<http::string_body> res;
  beast::flat_buffer buf;
  auto timeout = std::chrono::milliseconds(timeout_ms);
  if (u->tls) {
    beast::ssl_stream<beast::tcp_stream> s(ioc, ssl_ctx());
    SSL_set_tlsext_host_name(s.native_handle(), u->host.c_str());
    s.set_verify_callback(asio::ssl::host_name_verification(u->host));
    beast::get_lowest_layer(s).expires_after(timeout);
    beast::get_lowest_layer(s).connect(results, ec);
    if (!ec) s.handshake(asio::ssl::stream_base::client, ec);
    if (!ec) http::write(s, req, ec);
    if (!ec) http::read(s, buf, res, ec);
  } else {
    beast::tcp_stream s(ioc);
    s.expires_after(timeout);
    s.connect(results, ec);
    if (!ec) http::write(s, req, ec);
    if (!ec) http::read(s, buf, res, ec);
  }
  if (ec) return err::internal("GET " + url + " failed: " + ec.message());
  if (res.result_int() != 200)
    return err::internal("GET " + url + ": HTTP " + std::to_string(res.result_int()));
  return std::move(res.body());
}

std::unique_ptr<DynamoClient> make_http_client(const std::string& endpoint, const std::string& region) {
  HttpClientOptions o;
  o.endpoint = endpoint;
  o.region = region;
  if (const char* k = std::getenv("AWS_ACCESS_KEY_ID")) o.access_key = k;
  if (const char* s = std::getenv("AWS_SECRET_ACCESS_KEY")) o.secret_key = s;
  if (const char* t = std::getenv("AWS_SESSION_TOKEN")) o.session_token = t;
  return std::make_unique<HttpClient>(o);
}

}  // namespace ddb::client
