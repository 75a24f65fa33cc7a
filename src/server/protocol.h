// The DynamoDB HTTP protocol (JSON 1.0 over POST /, X-Amz-Target, SigV4 credentials, errors,
// x-amzn-RequestId and x-amz-crc32), as a pure function from an HTTP call to an HTTP reply.
// Knows the protocol, not the storage: it hands the parsed request to the Engine.
// Thread-safety: handle() may be called concurrently.
#pragma once
#include <atomic>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auth/sigv4.h"
#include "engine/engine.h"
#include "util/mutex.h"

namespace ddb {

struct HttpCall {
  std::string_view method, path, body;
  std::string_view content_type, amz_target, authorization, origin;
  std::string_view query;                      // for signature verification
  const sigv4::HeaderList* headers = nullptr;  // all headers, for signature verification
  std::string_view host;                       // the Host header: the endpoint the client addressed
  std::string_view content_encoding;           // "gzip": the body is compressed
  std::string_view accept_encoding;            // "gzip" among them: the reply may be compressed
};

// Whether an Accept-Encoding header (RFC 9110 12.5.3) accepts gzip: "gzip" or "x-gzip", else "*",
// with a weight above 0.
bool accepts_gzip(std::string_view accept_encoding);
// Replies at least this long are compressed for a client that accepts gzip. The service compresses
// large replies only ("DynamoDB will gzip the response payload if it exceeds a certain threshold");
// its threshold is not published, this one is ours.
inline constexpr size_t kGzipMinBytes = 1024;

struct HttpReply {
  int status = 200;
  std::string content_type = "application/x-amz-json-1.0";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
};

struct ProtocolOptions {
  bool shared_db = false;                 // Default: false (one database per access key and region).
  std::vector<std::string> cors = {"*"};  // Default: all origins, as DynamoDB Local.
  std::string default_region = "us-east-1";
  size_t max_body_bytes = 16 * 1024 * 1024;  // Default: 16 MiB.
  // Access key id -> secret (--credentials FILE). Empty: signatures are parsed, not verified (as
  // DynamoDB Local). Otherwise every request needs a valid SigV4 signature by a listed key.
  std::map<std::string, std::string> secrets;
};

class DynamoProtocol {
 public:
  DynamoProtocol(Engine& engine, ProtocolOptions options) : engine_(engine), opt_(std::move(options)) {}
  HttpReply handle(const HttpCall& call);
  // Prometheus text exposition of request counters.
  std::string metrics_text();
  // Called when a request creates a new database (for the log).
  std::function<void(const std::string& name, const std::string& access_key, const std::string& region)>
      on_new_database;

 private:
  HttpReply error_reply(const Error& e);
  HttpReply handle_options(const HttpCall& call);  // CORS preflight
  HttpReply handle_get(const HttpCall& call);      // the health line, /metrics
  // The endpoint's name as the client addressed it (a well-formed Host header), else the service's.
  std::string endpoint_host(const HttpCall& call) const;
  // The request body as the operation reads it (decoded when gzip); `decoded` holds it then.
  Result<std::string_view> body_of(const HttpCall& call, std::string& decoded) const;
  // Parses the body (into a per-thread arena) and runs the operation.
  static Result<std::string> execute(Database& db, const std::string& target, std::string_view body);
  // DescribeEndpoints' answer: the endpoint as the client addressed it.
  std::string describe_endpoints(const HttpCall& call) const;
  // The database a signed request addresses (one per access key and region unless shared).
  Result<std::shared_ptr<Database>> database_for(const sigv4::Credential& cred);
  // With secrets configured: the service's error for a request whose signature does not hold.
  std::optional<Error> check_signature(const HttpCall& call, const sigv4::Credential& cred);
  void add_cors(const HttpCall& call, HttpReply& r);
  // CORS, the request id, the body compressed when the client accepts it, and x-amz-crc32 (of the
  // bytes sent, as the service computes it).
  void finish(const HttpCall& call, HttpReply& r);
  Engine& engine_;
  ProtocolOptions opt_;
  Mutex mu_;
  std::map<std::string, std::pair<uint64_t, uint64_t>> counters_ GUARDED_BY(mu_);  // op -> (requests, errors)
  std::map<std::string, bool> known_dbs_ GUARDED_BY(mu_);
};

// The error body DynamoDB writes: {"__type":"...","message":"..."} (+ extra members).
std::string error_body(const Error& e);
std::string make_request_id();

}  // namespace ddb
