// RS256 JSON Web Tokens: a local issuer (signs access tokens for directory users, serves its JWKS)
// and a verifier that checks signature (keys from a JWKS, cached, refreshed on an unknown kid),
// exp, iss, token_use = access and client_id, as Cognito access tokens require.
// Thread-safety: Issuer is immutable after construction; Verifier locks its key cache.
#pragma once
#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "util/mutex.h"
#include "util/status.h"

namespace ddb::jwt {

std::string base64url_encode(std::string_view in);
std::optional<std::string> base64url_decode(std::string_view in);

struct Claims {
  std::string sub, iss, client_id, token_use, username;
  long long exp = 0, iat = 0;
};

class Issuer {
 public:
  // Loads the RSA key from `pem_path`, creating a new 2048-bit key there if it does not exist.
  static Result<std::unique_ptr<Issuer>> open(const std::string& pem_path, std::string issuer,
                                              std::string client_id);
  ~Issuer();
  // `not_before` > 0 adds an nbf claim that many seconds from now (tests).
  std::string sign_access_token(const std::string& sub, const std::string& username, std::chrono::seconds ttl,
                                long long not_before = 0) const;
  std::string jwks_json()
      const;  // {"keys":[{"kty":"RSA","kid":...,"n":...,"e":"AQAB","alg":"RS256","use":"sig"}]}
  const std::string& issuer() const { return iss_; }
  const std::string& client_id() const { return client_id_; }

 private:
  Issuer() = default;
  void* pkey_ = nullptr;  // EVP_PKEY*
  std::string iss_, client_id_, kid_;
};

class Verifier {
 public:
  // `fetch_jwks` returns the JWKS document (called at first use and when a token has an unknown kid,
  // at most once per `min_refresh`). The fetch runs without the lock that known-key requests take,
  // so a slow key server delays only the requests that need a key it has not yet answered.
  Verifier(std::string issuer, std::string client_id, std::function<Result<std::string>()> fetch_jwks,
           std::chrono::seconds min_refresh = std::chrono::seconds(30));
  ~Verifier();
  // Returns the claims of a valid access token; an Error (message says why) otherwise.
  Result<Claims> verify(const std::string& token);
  int jwks_fetches() const { return fetches_; }

 private:
  void* find_key(const std::string& kid)
      EXCLUDES(mu_);  // EVP_PKEY* with a reference the caller frees, or null
  Status refresh() REQUIRES(fetch_mu_) EXCLUDES(mu_);
  std::string iss_, client_id_;
  std::function<Result<std::string>()> fetch_;
  std::chrono::seconds min_refresh_;
  Mutex fetch_mu_;  // serializes key-set fetches; mu_ is never held across a fetch
  Mutex mu_ ACQUIRED_AFTER(fetch_mu_);
  std::map<std::string, void*> keys_ GUARDED_BY(mu_);  // kid -> EVP_PKEY*
  // Tokens already verified (signature and claims), so a client's repeated requests skip the RSA
  // check; exp is still checked on every use. Bounded: cleared when it reaches 10,000 entries.
  std::map<std::string, Claims> verified_ GUARDED_BY(mu_);
  std::chrono::steady_clock::time_point last_fetch_ GUARDED_BY(fetch_mu_){};
  std::atomic<int> fetches_{0};
};

}  // namespace ddb::jwt
