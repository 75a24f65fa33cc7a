// AWS Signature Version 4: parsing the Authorization header (server side) and signing requests
// (client side, for the HTTP transport of the DynamoDB client and the Cognito client).
#pragma once
#include <ctime>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ddb::sigv4 {

struct Credential {
  std::string access_key, date, region, service;
  std::string signed_headers, signature;
};

// Parses "AWS4-HMAC-SHA256 Credential=AK/20240101/us-east-1/dynamodb/aws4_request, SignedHeaders=...,
// Signature=...". On failure returns nullopt and sets `error` to DynamoDB's IncompleteSignatureException
// text.
std::optional<Credential> parse_authorization(std::string_view header, std::string* error);

struct Request {
  std::string method = "POST";
  std::string path = "/";
  std::string query;                                         // already canonical (sorted, encoded)
  std::vector<std::pair<std::string, std::string>> headers;  // must include host and x-amz-date
  std::string body;
};

// Returns the Authorization header value for `req`. `amz_date` is "YYYYMMDDTHHMMSSZ".
std::string sign(const Request& req, std::string_view access_key, std::string_view secret_key,
                 std::string_view session_token, std::string_view region, std::string_view service,
                 std::string_view amz_date);
// Pieces, exposed for the test vectors.
std::string canonical_request(const Request& req, std::string* signed_headers);
std::string string_to_sign(std::string_view canonical, std::string_view amz_date, std::string_view scope);
std::string amz_date_now();
std::string sha256_hex(std::string_view data);
std::string hmac_sha256(std::string_view key, std::string_view data);
// Constant-time comparison of two signatures.
bool equal_constant_time(std::string_view a, std::string_view b);

// ---- server side: verifying a signed request ----
using HeaderList = std::vector<std::pair<std::string_view, std::string_view>>;
struct Incoming {
  std::string_view method, path, query;  // query as sent (canonicalized here)
  const HeaderList* headers = nullptr;
  std::string_view body;
};
enum class Verdict { kOk, kNoDate, kExpired, kNotYetCurrent, kMismatch };
// Recomputes the signature of `in` over the headers `c` says were signed, with `secret`, and
// compares it in constant time. The request's X-Amz-Date must be within 15 minutes of `now`.
// `detail` gets the service's message for kExpired and kNotYetCurrent.
Verdict verify(const Credential& c, const Incoming& in, std::string_view secret, time_t now,
               std::string* detail);
// Sorted name=value pairs, as the canonical request wants them.
std::string canonical_query(std::string_view raw);

}  // namespace ddb::sigv4
