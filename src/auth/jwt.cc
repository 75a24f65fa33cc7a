#include "auth/jwt.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <ctime>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "auth/sigv4.h"
#include "util/codec.h"
#include "util/json_writer.h"

namespace ddb::jwt {

namespace {
Error bad(std::string why) {
  return Error{"Unauthorized", std::move(why), 401, {}};
}

std::string bn_b64(const EVP_PKEY* k, const char* name) {
  BIGNUM* bn = nullptr;
  if (!EVP_PKEY_get_bn_param(k, name, &bn)) return "";
  std::string bytes(BN_num_bytes(bn), '\0');
  BN_bn2bin(bn, reinterpret_cast<unsigned char*>(bytes.data()));
  BN_free(bn);
  return base64url_encode(bytes);
}

EVP_PKEY* rsa_from_jwk(const std::string& n64, const std::string& e64) {
  auto n = base64url_decode(n64), e = base64url_decode(e64);
  if (!n || !e) return nullptr;
  BIGNUM* bn_n =
      BN_bin2bn(reinterpret_cast<const unsigned char*>(n->data()), static_cast<int>(n->size()), nullptr);
  BIGNUM* bn_e =
      BN_bin2bn(reinterpret_cast<const unsigned char*>(e->data()), static_cast<int>(e->size()), nullptr);
  OSSL_PARAM_BLD* bld = OSSL_PARAM_BLD_new();
  OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, bn_n);
  OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, bn_e);
  OSSL_PARAM* params = OSSL_PARAM_BLD_to_param(bld);
  EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr);
  EVP_PKEY* pkey = nullptr;
  if (EVP_PKEY_fromdata_init(ctx) <= 0 || EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) <= 0)
    pkey = nullptr;
  EVP_PKEY_CTX_free(ctx);
  OSSL_PARAM_free(params);
  OSSL_PARAM_BLD_free(bld);
  BN_free(bn_n);
  BN_free(bn_e);
  return pkey;
}

std::string str_member(const rapidjson::Value& o, const char* k) {
  return o.HasMember(k) && o[k].IsString() ? o[k].GetString() : "";
}
}  // namespace

std::string base64url_encode(std::string_view in) {
  std::string s = base64_encode(in);
  for (auto& c : s) c = c == '+' ? '-' : c == '/' ? '_' : c;
  while (!s.empty() && s.back() == '=') s.pop_back();
  return s;
}

std::optional<std::string> base64url_decode(std::string_view in) {
  std::string s(in);
  for (auto& c : s) c = c == '-' ? '+' : c == '_' ? '/' : c;
  while (s.size() % 4) s.push_back('=');
  return base64_decode(s);
}

Result<std::unique_ptr<Issuer>> Issuer::open(const std::string& pem_path, std::string issuer,
                                             std::string client_id) {
  std::unique_ptr<Issuer> is(new Issuer());
  is->iss_ = std::move(issuer);
  is->client_id_ = std::move(client_id);
  EVP_PKEY* k = nullptr;
  if (FILE* f = std::fopen(pem_path.c_str(), "r")) {
    k = PEM_read_PrivateKey(f, nullptr, nullptr, nullptr);
    std::fclose(f);
    if (k) ::chmod(pem_path.c_str(), 0600);  // keys written world-readable by earlier versions
  }
  if (!k) {
    k = EVP_RSA_gen(2048);
    if (!k) return Error{"InternalError", "cannot generate an RSA key", 500, {}};
    // The private key is the issuer's secret: readable by its owner only.
    int fd = ::open(pem_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    FILE* f = fd >= 0 ? ::fdopen(fd, "w") : nullptr;
    if (!f) {
      if (fd >= 0) ::close(fd);
      return Error{"InternalError", "cannot write " + pem_path, 500, {}};
    }
    ::fchmod(fd, 0600);  // also when the file existed with wider permissions
    PEM_write_PrivateKey(f, k, nullptr, nullptr, 0, nullptr, nullptr);
    std::fclose(f);
  }
  is->pkey_ = k;
  is->kid_ = sigv4::sha256_hex(bn_b64(k, OSSL_PKEY_PARAM_RSA_N)).substr(0, 16);
  return is;
}

Issuer::~Issuer() {
  EVP_PKEY_free(static_cast<EVP_PKEY*>(pkey_));
}

std::string Issuer::sign_access_token(const std::string& sub, const std::string& username,
                                      std::chrono::seconds ttl, long long not_before) const {
  long long now = static_cast<long long>(std::time(nullptr));
  rapidjson::StringBuffer sb;
  ddb::JsonWriter w(sb);
  w.StartObject();
  w.Key("sub");
  w.String(sub.c_str());
  w.Key("iss");
  w.String(iss_.c_str());
  w.Key("client_id");
  w.String(client_id_.c_str());
  w.Key("token_use");
  w.String("access");
  w.Key("scope");
  w.String("aws.cognito.signin.user.admin");
  w.Key("username");
  w.String(username.c_str());
  w.Key("iat");
  w.Int64(now);
  w.Key("auth_time");
  w.Int64(now);
  w.Key("exp");
  w.Int64(now + ttl.count());
  if (not_before > 0) {
    w.Key("nbf");
    w.Int64(now + not_before);
  }
  w.EndObject();
  std::string header = R"({"alg":"RS256","kid":")" + kid_ + R"(","typ":"JWT"})";
  std::string input = base64url_encode(header) + "." + base64url_encode(sb.GetString());
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  size_t len = 0;
  EVP_DigestSignInit(ctx, nullptr, EVP_sha256(), nullptr, static_cast<EVP_PKEY*>(pkey_));
  EVP_DigestSign(ctx, nullptr, &len, reinterpret_cast<const unsigned char*>(input.data()), input.size());
  std::string sig(len, '\0');
  EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(sig.data()), &len,
                 reinterpret_cast<const unsigned char*>(input.data()), input.size());
  EVP_MD_CTX_free(ctx);
  sig.resize(len);
  return input + "." + base64url_encode(sig);
}

std::string Issuer::jwks_json() const {
  auto* k = static_cast<EVP_PKEY*>(pkey_);
  return R"({"keys":[{"kty":"RSA","alg":"RS256","use":"sig","kid":")" + kid_ + R"(","n":")" +
         bn_b64(k, OSSL_PKEY_PARAM_RSA_N) + R"(","e":")" + bn_b64(k, OSSL_PKEY_PARAM_RSA_E) + R"("}]})";
}

Verifier::Verifier(std::string issuer, std::string client_id, std::function<Result<std::string>()> fetch_jwks,
                   std::chrono::seconds min_refresh)
    : iss_(std::move(issuer)),
      client_id_(std::move(client_id)),
      fetch_(std::move(fetch_jwks)),
      min_refresh_(min_refresh) {}

Verifier::~Verifier() {
  for (auto& [k, v] : keys_) EVP_PKEY_free(static_cast<EVP_PKEY*>(v));
}

void* Verifier::find_key(const std::string& kid) {
  MutexLock lk(mu_);
  auto it = keys_.find(kid);
  if (it == keys_.end()) return nullptr;
  EVP_PKEY_up_ref(static_cast<EVP_PKEY*>(it->second));
  return it->second;
}

// Called with fetch_mu_ held and mu_ not held: the fetch may be slow, and requests whose key is
// known must not wait for it.
Status Verifier::refresh() {
  auto now = std::chrono::steady_clock::now();
  if (fetches_ > 0 && now - last_fetch_ < min_refresh_) return Status::OK();
  last_fetch_ = now;
  ++fetches_;
  auto doc_text = fetch_();
  if (!doc_text.ok()) return doc_text.take_error();
  rapidjson::Document d;
  d.Parse<rapidjson::kParseIterativeFlag>(doc_text->c_str());
  if (d.HasParseError() || !d.IsObject() || !d.HasMember("keys") || !d["keys"].IsArray())
    return bad("invalid JWKS");
  for (auto& k : d["keys"].GetArray()) {
    if (!k.IsObject() || str_member(k, "kty") != "RSA") continue;
    std::string kid = str_member(k, "kid");
    EVP_PKEY* p = rsa_from_jwk(str_member(k, "n"), str_member(k, "e"));
    if (!p) continue;
    MutexLock lk(mu_);
    if (!keys_.emplace(kid, p).second) EVP_PKEY_free(p);
  }
  return Status::OK();
}

Result<Claims> Verifier::verify(const std::string& token) {
  {
    MutexLock lk(mu_);
    auto it = verified_.find(token);
    if (it != verified_.end()) {
      if (it->second.exp <= static_cast<long long>(std::time(nullptr))) {
        verified_.erase(it);
        return bad("expired");
      }
      return it->second;
    }
  }
  auto d1 = token.find('.'), d2 = token.rfind('.');
  if (d1 == std::string::npos || d2 == d1) return bad("malformed token");
  auto header = base64url_decode(std::string_view(token).substr(0, d1));
  auto payload = base64url_decode(std::string_view(token).substr(d1 + 1, d2 - d1 - 1));
  auto sig = base64url_decode(std::string_view(token).substr(d2 + 1));
  if (!header || !payload || !sig) return bad("malformed token");
  rapidjson::Document h, p;
  h.Parse<rapidjson::kParseIterativeFlag>(header->c_str());
  p.Parse<rapidjson::kParseIterativeFlag>(payload->c_str());
  if (h.HasParseError() || p.HasParseError() || !h.IsObject() || !p.IsObject()) return bad("malformed token");
  if (str_member(h, "alg") != "RS256") return bad("unsupported alg");
  std::string kid = str_member(h, "kid");
  auto* key = static_cast<EVP_PKEY*>(find_key(kid));
  if (!key) {
    MutexLock fetching(fetch_mu_);
    key = static_cast<EVP_PKEY*>(find_key(kid));  // another request may have fetched it meanwhile
    if (!key) {
      DDB_TRY(refresh());
      key = static_cast<EVP_PKEY*>(find_key(kid));
    }
    if (!key) return bad("unknown kid");
  }
  std::string input = token.substr(0, d2);
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  bool ok = EVP_DigestVerifyInit(ctx, nullptr, EVP_sha256(), nullptr, key) == 1 &&
            EVP_DigestVerify(ctx, reinterpret_cast<const unsigned char*>(sig->data()), sig->size(),
                             reinterpret_cast<const unsigned char*>(input.data()), input.size()) == 1;
  EVP_MD_CTX_free(ctx);
  EVP_PKEY_free(key);
  if (!ok) return bad("bad signature");
  Claims c;
  c.sub = str_member(p, "sub");
  c.iss = str_member(p, "iss");
  c.client_id = str_member(p, "client_id");
  c.token_use = str_member(p, "token_use");
  c.username = str_member(p, "username");
  if (p.HasMember("exp") && p["exp"].IsInt64()) c.exp = p["exp"].GetInt64();
  if (p.HasMember("iat") && p["iat"].IsInt64()) c.iat = p["iat"].GetInt64();
  long long now = static_cast<long long>(std::time(nullptr));
  if (c.exp <= now) return bad("expired");
  // Cognito access tokens live at most a day; a longer one was not issued for us. Clocks may
  // differ by a minute.
  constexpr long long kMaxLifetime = 24 * 3600, kSkew = 60;
  if (c.exp > now + kMaxLifetime + kSkew) return bad("lifetime too long");
  if (p.HasMember("nbf") && (!p["nbf"].IsInt64() || p["nbf"].GetInt64() > now + kSkew))
    return bad("not yet valid");
  if (c.iat > now + kSkew) return bad("issued in the future");
  if (c.iss != iss_) return bad("wrong issuer");
  if (c.token_use != "access") return bad("not an access token");
  if (!client_id_.empty() && c.client_id != client_id_) return bad("wrong client_id");
  if (c.sub.empty()) return bad("no sub");
  MutexLock lk(mu_);
  if (verified_.size() >= 10000) verified_.clear();
  verified_.emplace(token, c);
  return c;
}

}  // namespace ddb::jwt
