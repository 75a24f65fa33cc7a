#include "server/protocol.h"

#include <cctype>

#include <fmt/format.h>
#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include "auth/sigv4.h"
#include "engine/json_util.h"
#include "util/codec.h"
#include "util/messages.h"
#include "util/random.h"
#include "util/text.h"

namespace ddb {

std::string error_body(const Error& e) {
  JsonOut o;
  o.w.StartObject();
  o.kv("__type", e.type);
  if (!e.message.empty() || e.type.find("coral") == std::string::npos) {
    // DynamoDB writes "Message" for a few coral errors and "message" for its own.
    o.kv("message", e.message);
  }
  o.w.EndObject();
  std::string s = o.take();
  if (!e.extra_json.empty()) s.insert(s.size() - 1, e.extra_json);
  return s;
}

std::string make_request_id() {
  static const char* alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  std::string id(52, 'A');
  uint64_t bits = 0;
  for (size_t i = 0; i < id.size(); ++i) {
    if (i % 12 == 0) bits = fast_random64();  // 36^12 < 2^64: twelve characters per draw
    id[i] = alphabet[bits % 36];
    bits /= 36;
  }
  return id;
}

HttpReply DynamoProtocol::error_reply(const Error& e) {
  HttpReply r;
  r.status = e.http_status;
  r.body = error_body(e);
  return r;
}

void DynamoProtocol::add_cors(const HttpCall& call, HttpReply& r) {
  if (call.origin.empty() || opt_.cors.empty()) return;
  bool allowed = false;
  for (auto& o : opt_.cors) allowed = allowed || o == "*" || o == call.origin;
  if (!allowed) return;
  r.headers.emplace_back("Access-Control-Allow-Origin",
                         opt_.cors.size() == 1 && opt_.cors[0] == "*" ? "*" : std::string(call.origin));
  r.headers.emplace_back("Access-Control-Expose-Headers",
                         "x-amzn-RequestId,x-amzn-ErrorType,x-amz-crc32,Date");
}

HttpReply DynamoProtocol::handle_options(const HttpCall& call) {
  HttpReply r;
  r.content_type = "text/plain";
  r.headers.emplace_back("Access-Control-Allow-Methods", "GET,POST,OPTIONS");
  r.headers.emplace_back("Access-Control-Allow-Headers", "*");
  r.headers.emplace_back("Access-Control-Max-Age", "172800");
  add_cors(call, r);
  return r;
}

std::string DynamoProtocol::endpoint_host(const HttpCall& call) const {
  bool ok = !call.host.empty() && call.host.size() <= 255;
  for (char c : call.host)
    ok = ok && (std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == ':' || c == '[' ||
                c == ']');
  return ok ? std::string(call.host) : "dynamodb." + opt_.default_region + ".amazonaws.com";
}

HttpReply DynamoProtocol::handle_get(const HttpCall& call) {
  HttpReply r;
  r.content_type = "text/plain";
  if (call.path == "/" && call.amz_target.empty()) {
    // DynamoDB answers an unsigned GET / with a health line naming the endpoint.
    r.body = "healthy: " + endpoint_host(call) + " ";
  } else if (call.path == "/metrics") {
    r.content_type = "text/plain; version=0.0.4";
    r.body = metrics_text();
  } else {
    r.status = 404;
    r.body = "Not Found";
  }
  add_cors(call, r);
  return r;
}

Result<std::shared_ptr<Database>> DynamoProtocol::database_for(const sigv4::Credential& cred) {
  std::string region = cred.region.empty() ? opt_.default_region : cred.region;
  std::string db_name = opt_.shared_db ? "shared-local-instance" : cred.access_key + "_" + region;
  {
    MutexLock lk(mu_);
    if (!known_dbs_.count(db_name)) {
      known_dbs_[db_name] = true;
      if (on_new_database) on_new_database(db_name, cred.access_key, region);
    }
  }
  return engine_.database(db_name, region);
}

Result<std::string_view> DynamoProtocol::body_of(const HttpCall& call, std::string& decoded) const {
  // A compressed body (Content-Encoding: gzip) is signed as sent and parsed as decoded; any other
  // encoding is taken as identity, as before (some SDKs send tokens of their own).
  if (call.content_encoding != "gzip") return call.body;
  auto g = gunzip(call.body, opt_.max_body_bytes, decoded);
  if (g == Gunzip::kTooLarge) return err::request_too_large();
  if (g == Gunzip::kCorrupt) return err::serialization(msg::kCorruptGzipBody);
  return std::string_view(decoded);
}

Result<std::string> DynamoProtocol::execute(Database& db, const std::string& target, std::string_view body) {
  // Parse into a per-thread arena: no allocation for ordinary requests. The parse stack starts at a
  // quarter of its arena (the arena also holds the allocator's chunk header; a stack as large as the
  // arena was allocated afresh, 32 KB, on every request) and grows in place within it.
  thread_local char arena[32 * 1024];
  thread_local char stack_arena[8 * 1024];
  rapidjson::MemoryPoolAllocator<> value_alloc(arena, sizeof arena);
  rapidjson::MemoryPoolAllocator<> stack_alloc(stack_arena, sizeof stack_arena);
  rapidjson::GenericDocument<rapidjson::UTF8<>, rapidjson::MemoryPoolAllocator<>,
                             rapidjson::MemoryPoolAllocator<>>
      doc(&value_alloc, sizeof stack_arena / 4, &stack_alloc);
  doc.Parse<kRequestParseFlags>(body.data(), body.size());
  if (doc.HasParseError()) return err::serialization("");
  return db.execute(target, doc);
}

std::string DynamoProtocol::describe_endpoints(const HttpCall& call) const {
  JsonOut o;
  o.w.StartObject();
  o.key("Endpoints");
  o.w.StartArray();
  o.w.StartObject();
  o.kv("Address", endpoint_host(call));
  o.key("CachePeriodInMinutes");
  o.w.Int(1440);
  o.w.EndObject();
  o.w.EndArray();
  o.w.EndObject();
  return o.take();
}

HttpReply DynamoProtocol::handle(const HttpCall& call) {
  if (call.method == "OPTIONS") return handle_options(call);
  if (call.method == "GET" || call.method == "HEAD") return handle_get(call);
  HttpReply r;
  std::string target(call.amz_target);
  // Metric labels only ever name known operations: a client's target is never copied into them.
  std::string op_name = Database::is_operation(target) ? target.substr(target.find('.') + 1) : "unknown";
  auto count = [&](bool error) {
    MutexLock lk(mu_);
    auto& c = counters_[op_name];
    ++c.first;
    if (error) ++c.second;
  };
  auto fail = [&](const Error& e) {
    HttpReply er = error_reply(e);
    finish(call, er);
    count(true);
    return er;
  };
  if (call.method != "POST") return fail(err::coral("UnknownOperationException", ""));
  if (call.body.size() > opt_.max_body_bytes) return fail(err::request_too_large());
  if (target.empty() ||
      (target.rfind("DynamoDB_20120810.", 0) != 0 && target.rfind("DynamoDBStreams_20120810.", 0) != 0))
    return fail(err::unknown_operation());
  // No AWS4 signature at all (no header, or another scheme such as "Bearer ..."): the service's answer.
  if (call.authorization.substr(0, 5) != "AWS4-") return fail(err::missing_authentication_token());
  std::string auth_error;
  auto cred = sigv4::parse_authorization(call.authorization, &auth_error);
  if (!cred) return fail(err::incomplete_signature(auth_error));
  if (!opt_.secrets.empty())
    if (auto bad = check_signature(call, *cred)) return fail(*bad);
  auto db = database_for(*cred);
  if (!db.ok()) return fail(db.error());
  std::string decoded;
  auto body = body_of(call, decoded);
  if (!body.ok()) return fail(body.error());
  auto result = execute(**db, target, *body);
  if (!result.ok()) return fail(result.error());
  r.body = std::move(result).value();
  // The endpoint the client addressed, not the service's name: a client that follows the answer
  // (botocore's endpoint discovery) keeps talking to this server.
  if (target == "DynamoDB_20120810.DescribeEndpoints") r.body = describe_endpoints(call);
  finish(call, r);
  count(false);
  return r;
}

void DynamoProtocol::finish(const HttpCall& call, HttpReply& r) {
  add_cors(call, r);
  r.headers.emplace_back("x-amzn-RequestId", make_request_id());
  if (r.body.size() >= kGzipMinBytes && accepts_gzip(call.accept_encoding)) {
    r.body = gzip(r.body);
    r.headers.emplace_back("Content-Encoding", "gzip");
  }
  r.headers.emplace_back("x-amz-crc32", std::to_string(crc32(r.body)));
}

bool accepts_gzip(std::string_view header) {
  std::optional<bool> gzip, any;
  while (!header.empty()) {
    size_t comma = header.find(',');
    std::string_view item = header.substr(0, comma);
    header = comma == std::string_view::npos ? std::string_view() : header.substr(comma + 1);
    size_t semi = item.find(';');
    std::string_view coding = trim(item.substr(0, semi));
    bool weighted = true;  // "q=0" (or 0.0, 0.000) refuses the coding
    if (semi != std::string_view::npos) {
      std::string_view q = trim(item.substr(semi + 1));
      if (q.size() >= 2 && (q[0] == 'q' || q[0] == 'Q') && q[1] == '=')
        weighted = q.substr(2).find_first_not_of("0.") != std::string_view::npos;
    }
    if (equals_lower(coding, "gzip") || equals_lower(coding, "x-gzip")) gzip = weighted;
    if (coding == "*") any = weighted;
  }
  return gzip ? *gzip : any.value_or(false);
}

std::optional<Error> DynamoProtocol::check_signature(const HttpCall& call, const sigv4::Credential& cred) {
  auto it = opt_.secrets.find(cred.access_key);
  if (it == opt_.secrets.end()) return err::unrecognized_client();
  static const sigv4::HeaderList kNone;
  sigv4::Incoming in{call.method, call.path, call.query, call.headers ? call.headers : &kNone, call.body};
  std::string detail;
  switch (sigv4::verify(cred, in, it->second, std::time(nullptr), &detail)) {
    case sigv4::Verdict::kOk:
      return std::nullopt;
    case sigv4::Verdict::kNoDate:
      return err::incomplete_signature(
          "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. "
          "Authorization=" +
          std::string(call.authorization));
    case sigv4::Verdict::kExpired:
    case sigv4::Verdict::kNotYetCurrent:
      return err::invalid_signature(detail);
    case sigv4::Verdict::kMismatch:
      break;
  }
  return err::invalid_signature(msg::kSignatureMismatch);
}

namespace {

// The memory budget of on-disk databases (--memory-budget), when there is one.
std::string memory_metrics(const std::optional<MemoryBudget::Use>& use) {
  if (!use) return {};
  std::string m;
  auto gauge = [&m](const char* name, const char* help, size_t value) {
    m += fmt::format("# HELP {0} {1}\n# TYPE {0} gauge\n{0} {2}\n", name, help, value);
  };
  gauge("ddb_memory_budget_bytes", "Memory the on-disk databases' data may hold (--memory-budget).",
        use->budget_bytes);
  gauge("ddb_memory_resident_bytes", "Held by the in-memory copies of tables (an estimate).",
        use->resident_bytes);
  gauge("ddb_memory_cache_bytes", "Held by the block cache of the tables read from disk.", use->cache_bytes);
  gauge("ddb_tables_on_disk",
        "Tables (and other key ranges) read from disk: beyond the budget, or not yet loaded since the start.",
        use->shards_on_disk);
  return m;
}

}  // namespace

std::string DynamoProtocol::metrics_text() {
  std::string s =
      "# HELP ddb_requests_total DynamoDB API requests by operation.\n# TYPE ddb_requests_total counter\n";
  std::string e =
      "# HELP ddb_errors_total DynamoDB API requests that returned an error.\n# TYPE ddb_errors_total "
      "counter\n";
  MutexLock lk(mu_);
  for (auto& [op, c] : counters_) {
    s += "ddb_requests_total{operation=\"" + op + "\"} " + std::to_string(c.first) + "\n";
    e += "ddb_errors_total{operation=\"" + op + "\"} " + std::to_string(c.second) + "\n";
  }
  return s + e + memory_metrics(engine_.memory_use());
}

}  // namespace ddb
