#include "cruddur/api.h"

#include "cruddur/json.h"
#include "util/codec.h"
#include "util/log.h"

namespace cruddur {

using ddb::net::Reply;
using ddb::net::Request;

namespace {
Reply json_reply(int status, std::string body) {
  return Reply{status, "application/json", std::move(body), {}, nullptr};
}
Reply failure_reply(const Failure& f) {
  if (f.status == 422) {
    Json j;
    j.arr();
    for (auto& c : f.codes) j.str(c);
    j.end_arr();
    return json_reply(422, j.take());
  }
  if (f.status >= 500) spdlog::error("{}", f.message);  // the detail is for the operator, not the client
  std::string text =
      f.status >= 500 ? "the message store or user directory is unavailable; try again" : f.message;
  return json_reply(f.status, Json().obj().kv("error", text).end_obj().take());
}
void write_row(Json& j, const Row& r) {
  j.obj()
      .kv("uuid", r.uuid)
      .kv("display_name", r.display_name)
      .kv("handle", r.handle)
      .kv("message", r.message)
      .kv("created_at", r.created_at)
      .end_obj();
}
bool is_hex_uuid(const std::string& s) {
  if (s.size() != 36) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? c != '-' : !std::isxdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}
}  // namespace

std::string url_decode(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      out.push_back(static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16)));
      i += 2;
    } else {
      out.push_back(s[i] == '+' ? ' ' : s[i]);
    }
  }
  return out;
}

std::string query_param(const std::string& query, const std::string& name) {
  size_t i = 0;
  while (i <= query.size()) {
    size_t amp = query.find('&', i);
    std::string part = query.substr(i, amp == std::string::npos ? std::string::npos : amp - i);
    auto eq = part.find('=');
    if (part.substr(0, eq) == name) return eq == std::string::npos ? "" : url_decode(part.substr(eq + 1));
    if (amp == std::string::npos) break;
    i = amp + 1;
  }
  return "";
}

Api::Api(MessagingService& service, CachedMessaging& front, EventHub& events, UserDirectory& users,
         ddb::jwt::Verifier& verifier, ddb::client::DynamoClient& ddb, ApiOptions options)
    : service_(service),
      front_(front),
      events_(events),
      users_(users),
      verifier_(verifier),
      ddb_(ddb),
      opt_(std::move(options)) {}

std::optional<User> Api::authenticate(const Request& req) {
  std::string_view auth = req.header("authorization");
  if (auth.rfind("Bearer ", 0) != 0) return std::nullopt;
  auto claims = verifier_.verify(std::string(auth.substr(7)));
  if (!claims.ok()) return std::nullopt;
  auto now = std::chrono::steady_clock::now();
  {
    ddb::MutexLock lk(known_mu_);
    auto it = known_.find(claims->sub);
    if (it != known_.end() && it->second.until > now) return it->second.user;
  }
  auto u = users_.by_cognito_id(claims->sub);
  if (!u.ok() || !*u) return std::nullopt;
  ddb::MutexLock lk(known_mu_);
  if (known_.size() >= 10000) known_.clear();  // bounded: a burst of distinct users starts it afresh
  known_[claims->sub] = {**u, now + kUserTtl};
  return **u;
}

// The origin a browser sent, if it is one this API trusts: FRONTEND_URL, or the server's own (the
// web client served from this address). Same-host is judged by the Host header, whatever the scheme
// a proxy in front terminated.
bool Api::trusted_origin(const Request& req) const {
  std::string origin(req.header("origin"));
  if (origin.empty()) return true;  // not a browser's cross-origin request (curl, SDKs, same-origin GET)
  while (!origin.empty() && origin.back() == '/') origin.pop_back();
  std::string front = opt_.frontend_url;
  while (!front.empty() && front.back() == '/') front.pop_back();
  if (!front.empty() && origin == front) return true;
  auto scheme = origin.find("://");
  return scheme != std::string::npos && origin.substr(scheme + 3) == req.header("host");
}

Reply Api::handle(const Request& req) {
  bool api = req.path.rfind("/api/", 0) == 0;
  bool safe = req.method == "GET" || req.method == "HEAD" || req.method == "OPTIONS";
  bool trusted = trusted_origin(req);
  Reply r;
  if (!trusted && !safe) {
    // A state-changing request from a page of another site (a text/plain POST needs no preflight).
    r = json_reply(403, Json().obj().kv("error", "cross-origin request refused").end_obj().take());
  } else if (api && req.method == "OPTIONS") {
    r = Reply{trusted ? 204 : 403, "text/plain", "", {}, nullptr};
  } else {
    std::optional<Reply> x = extra ? extra(req) : std::nullopt;
    r = x ? std::move(*x) : route(req);
  }
  if (api && trusted && !req.header("origin").empty()) {
    r.headers.emplace_back("Access-Control-Allow-Origin", std::string(req.header("origin")));
    r.headers.emplace_back("Access-Control-Allow-Headers", "Content-Type, Authorization");
    r.headers.emplace_back("Access-Control-Allow-Methods", "GET, POST, OPTIONS");
    r.headers.emplace_back("Access-Control-Expose-Headers", "Link");
  }
  if (api) r.headers.emplace_back("Vary", "Origin");
  return r;
}

Reply Api::route(const Request& req) {
  const std::string& p = req.path;
  if (p == "/api/health-check" && req.method == "GET") return health();
  if (p.rfind("/api/users/@", 0) == 0 && p.size() > 18 && p.substr(p.size() - 6) == "/short" &&
      req.method == "GET") {
    std::string handle = url_decode(p.substr(12, p.size() - 18));
    auto u =
        ddb::valid_utf8(handle) ? users_.by_handle(handle) : ddb::Result<std::optional<User>>(std::nullopt);
    if (!u.ok()) return failure_reply(service_failure(u.error()));
    if (!*u) return json_reply(404, Json().obj().kv("error", "user not found").end_obj().take());
    return json_reply(200, Json()
                               .obj()
                               .kv("uuid", (*u)->uuid)
                               .kv("handle", (*u)->handle)
                               .kv("display_name", (*u)->display_name)
                               .end_obj()
                               .take());
  }
  if (p == "/api/stats" && req.method == "GET") return stats();
  if (p == "/api/events" && req.method == "GET") return events(req);
  bool messaging = p == "/api/message_groups" || p == "/api/messages" || p.rfind("/api/messages/", 0) == 0;
  if (p != "/api/me" && p != "/api/events/token" && !messaging)
    return json_reply(404, Json().obj().kv("error", "not found").end_obj().take());
  auto me = authenticate(req);
  if (!me) return json_reply(401, "{}");
  if (p == "/api/me" && req.method == "GET")
    return json_reply(200, Json()
                               .obj()
                               .kv("uuid", me->uuid)
                               .kv("handle", me->handle)
                               .kv("display_name", me->display_name)
                               .end_obj()
                               .take());
  if (p == "/api/events/token" && req.method == "POST") {
    auto t = front_.events_token(*me);
    if (!t.ok()) return failure_reply(service_failure(t.error()));
    return json_reply(200, Json()
                               .obj()
                               .kv("token", *t)
                               .key("expires_in")
                               .num(CachedMessaging::kEventsTokenSeconds)
                               .end_obj()
                               .take());
  }
  if (p == "/api/message_groups" && req.method == "GET") return list(req, *me, "");
  if (p == "/api/messages" && req.method == "POST") return post_message(req, *me);
  if (p == "/api/messages/counter" && req.method == "GET") {
    auto c = front_.counter(*me);
    return c.failure ? failure_reply(*c.failure) : json_reply(200, counts_json(*c.value));
  }
  bool read = p.size() > 5 && p.compare(p.size() - 5, 5, "/read") == 0;
  if (p.rfind("/api/messages/", 0) == 0 && (read ? req.method == "POST" : req.method == "GET")) {
    std::string group = url_decode(p.substr(14, p.size() - 14 - (read ? 5 : 0)));
    if (!is_hex_uuid(group))
      return json_reply(404, Json().obj().kv("error", "conversation not found").end_obj().take());
    if (!read) return list(req, *me, group);
    auto c = front_.mark_read(*me, group);
    return c.failure ? failure_reply(*c.failure) : json_reply(200, counts_json(*c.value));
  }
  return json_reply(405, Json().obj().kv("error", "method not allowed").end_obj().take());
}

Reply Api::list(const Request& req, const User& me, const std::string& group) {
  int limit = 20;
  std::string l = query_param(req.query, "limit");
  if (!l.empty()) {
    char* end = nullptr;
    long v = std::strtol(l.c_str(), &end, 10);
    if (*end || v < 1 || v > 100) return json_reply(422, "[\"limit_invalid\"]");
    limit = static_cast<int>(v);
  }
  std::string cursor = query_param(req.query, "cursor");
  auto out =
      group.empty() ? front_.list_groups(me, limit, cursor) : front_.list_messages(me, group, limit, cursor);
  if (out.failure) return failure_reply(*out.failure);
  Json j;
  j.arr();
  for (auto& row : out.value->rows) write_row(j, row);
  j.end_arr();
  Reply r = json_reply(200, j.take());
  if (!out.value->next_cursor.empty()) {
    std::string base =
        opt_.public_url + req.path + "?limit=" + std::to_string(limit) + "&cursor=" + out.value->next_cursor;
    r.headers.emplace_back("Link", "<" + base + ">; rel=\"next\"");
  }
  return r;
}

Reply Api::post_message(const Request& req, const User& me) {
  rapidjson::Document d;
  d.Parse<rapidjson::kParseIterativeFlag>(req.body.c_str(), req.body.size());
  if (d.HasParseError() || !d.IsObject())
    return json_reply(400, Json().obj().kv("error", "malformed JSON").end_obj().take());
  SendRequest s;
  auto str = [&](const char* k) -> std::optional<std::string> {
    if (!d.HasMember(k) || d[k].IsNull()) return std::nullopt;
    if (!d[k].IsString()) return std::string();  // wrong type counts as blank
    return std::string(d[k].GetString(), d[k].GetStringLength());
  };
  s.message = str("message");
  s.message_group_uuid = str("message_group_uuid");
  s.handle = str("handle");
  for (auto* f : {&s.message, &s.message_group_uuid, &s.handle})
    if (*f && !ddb::valid_utf8(**f))  // raw bytes, or an escaped lone surrogate
      return json_reply(400, Json().obj().kv("error", "the request is not valid UTF-8").end_obj().take());
  if (s.handle && !s.handle->empty() && (*s.handle)[0] == '@') s.handle = s.handle->substr(1);
  if (s.message_group_uuid && !s.message_group_uuid->empty() && !is_hex_uuid(*s.message_group_uuid))
    return json_reply(404, Json().obj().kv("error", "conversation not found").end_obj().take());
  auto out = front_.send(me, s);
  if (out.failure) return failure_reply(*out.failure);
  Json j;
  j.obj().kv("message_group_uuid", out.value->message_group_uuid);
  sent_fields(j, *out.value);
  return json_reply(200, j.end_obj().take());
}

Reply Api::health() {
  bool dir_ok = users_.ping().ok();
  bool ddb_ok =
      ddb_.op("DescribeTable", Json().obj().kv("TableName", service_.table()).end_obj().take()).ok();
  Json j;
  j.obj().key("api").boolean(true).key("dynamodb").boolean(ddb_ok).key("directory").boolean(dir_ok);
  // The cache is not needed to serve (a down cache means direct reads): reported, not a failure.
  if (front_.cache()) j.key("cache").boolean(front_.cache()->ping().ok());
  return json_reply(dir_ok && ddb_ok ? 200 : 503, j.end_obj().take());
}

Reply Api::stats() {
  Json j;
  j.obj()
      .key("dynamodb_calls")
      .num(opt_.dynamodb_calls ? opt_.dynamodb_calls() : -1)
      .key("worker_dynamodb_calls")
      .num(opt_.worker_dynamodb_calls ? opt_.worker_dynamodb_calls() : -1)
      .key("cache_hits")
      .num(front_.stats().hits)
      .key("cache_misses")
      .num(front_.stats().misses)
      .key("event_streams")
      .num(static_cast<long long>(events_.open_streams()));
  if (front_.cache()) j.kv("cache", front_.cache()->describe());
  return json_reply(200, j.end_obj().take());
}

// Server-Sent Events for the user of a token from POST /api/events/token.
Reply Api::events(const Request& req) {
  auto user = front_.events_user(query_param(req.query, "token"));
  if (!user.ok())
    return user.error().http_status == 401 ? json_reply(401, "{}")
                                           : failure_reply(service_failure(user.error()));
  Reply r{200, "text/event-stream", "", {}, events_.open(*user)};
  r.headers.emplace_back("X-Accel-Buffering", "no");  // nginx: do not buffer the stream
  return r;
}

}  // namespace cruddur
