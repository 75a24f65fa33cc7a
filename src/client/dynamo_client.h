// A DynamoDB client that speaks the DynamoDB API (request/response JSON) over one of two transports:
//  - InProcessClient: hands the request to an Engine database directly (no socket);
//  - HttpClient: SigV4-signed HTTP(S) to any endpoint (ddb-local, DynamoDB Local, AWS, Alternator),
//    keep-alive, retries with exponential backoff and jitter on throttling and 5xx.
// The messaging app reaches DynamoDB only through this interface, so it cannot cheat.
// Thread-safety: call() may be used from several threads.
#pragma once
#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include <rapidjson/document.h>

#include "util/mutex.h"
#include "util/status.h"

namespace ddb {
class Engine;
class Database;
}  // namespace ddb

namespace ddb::client {

class DynamoClient {
 public:
  virtual ~DynamoClient() = default;
  // `target` is the X-Amz-Target, e.g. "DynamoDB_20120810.PutItem". On success returns the parsed
  // response; on failure an Error with DynamoDB's __type and message.
  virtual Result<rapidjson::Document> call(std::string_view target, const std::string& body) = 0;
  // Convenience: "PutItem" -> DynamoDB_20120810.PutItem; "Streams.GetRecords" ->
  // DynamoDBStreams_20120810.GetRecords.
  Result<rapidjson::Document> op(std::string_view name, const std::string& body);
  virtual std::string describe() const = 0;  // for banners and logs
};

class InProcessClient final : public DynamoClient {
 public:
  explicit InProcessClient(std::shared_ptr<Database> db) : db_(std::move(db)) {}
  Result<rapidjson::Document> call(std::string_view target, const std::string& body) override;
  std::string describe() const override { return "embedded engine (in process)"; }

 private:
  std::shared_ptr<Database> db_;
};

// Passes every call on to another client and counts them (the API's /api/stats, the benchmark).
class CountingClient final : public DynamoClient {
 public:
  explicit CountingClient(DynamoClient& inner) : inner_(inner) {}
  Result<rapidjson::Document> call(std::string_view target, const std::string& body) override {
    ++calls_;
    return inner_.call(target, body);
  }
  std::string describe() const override { return inner_.describe(); }
  long long calls() const { return calls_; }

 private:
  DynamoClient& inner_;
  std::atomic<long long> calls_{0};
};

struct HttpClientOptions {
  std::string endpoint;  // http://host:port or https://host
  std::string region = "us-east-1";
  std::string access_key = "dummy", secret_key = "dummy", session_token;
  std::string service = "dynamodb";
  std::string target_content_type = "application/x-amz-json-1.0";
  int max_attempts = 5;      // Default: 5 (1 try + 4 retries).
  int base_backoff_ms = 25;  // Default: 25 ms, doubled per retry, full jitter.
  int timeout_ms = 10000;    // Default: 10 s per attempt.
  bool sign = true;          // Default: SigV4-sign every request (false for unauthenticated APIs).
};

// Plain HTTP(S) POST with SigV4; also used for Cognito's JSON API.
class HttpClient final : public DynamoClient {
 public:
  explicit HttpClient(HttpClientOptions options);
  ~HttpClient() override;
  Result<rapidjson::Document> call(std::string_view target, const std::string& body) override;
  std::string describe() const override { return opt_.endpoint; }

 private:
  struct Conn;
  Result<std::pair<int, std::string>> post_once(std::string_view target, const std::string& body);
  HttpClientOptions opt_;
  std::string host_, port_, path_;
  bool tls_ = false;
  Mutex mu_;
  std::vector<std::unique_ptr<Conn>> idle_ GUARDED_BY(mu_);
};

// Plain GET (for a JWKS document); http or https.
Result<std::string> http_get(const std::string& url, int timeout_ms = 5000);

// Builds a client from an endpoint URL and the AWS_* environment (region, credentials).
std::unique_ptr<DynamoClient> make_http_client(const std::string& endpoint, const std::string& region);

}  // namespace ddb::client
