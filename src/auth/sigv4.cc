#include "auth/sigv4.h"

#include <algorithm>
#include <cctype>
#include <ctime>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include "util/codec.h"
#include "util/time.h"

namespace ddb::sigv4 {

namespace {
std::string trim(std::string_view s) {
  size_t a = 0, b = s.size();
  while (a < b && std::isspace(static_cast<unsigned char>(s[a]))) ++a;
  while (b > a && std::isspace(static_cast<unsigned char>(s[b - 1]))) --b;
  std::string out;
  bool space = false;
  for (size_t i = a; i < b; ++i) {  // collapse inner runs of spaces
    if (s[i] == ' ') {
      if (!space) out.push_back(' ');
      space = true;
    } else {
      out.push_back(s[i]);
      space = false;
    }
  }
  return out;
}
// A header value in canonical form: trimmed, inner spaces collapsed; the lines of a folded value
// become comma-separated values (the test suite's get-header-value-multiline).
std::string canonical_value(std::string_view v) {
  std::string out;
  for (size_t start = 0;;) {
    size_t nl = v.find('\n', start);
    if (start) out += ',';
    out += trim(v.substr(start, nl == std::string_view::npos ? std::string_view::npos : nl - start));
    if (nl == std::string_view::npos) return out;
    start = nl + 1;
  }
}
std::string lower(std::string_view s) {
  std::string o(s);
  for (auto& c : o) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return o;
}
}  // namespace

std::optional<Credential> parse_authorization(std::string_view h, std::string* error) {
  Credential c;
  const std::string_view scheme = "AWS4-HMAC-SHA256";
  auto fail = [&](std::string m) -> std::optional<Credential> {
    if (error) *error = std::move(m);
    return std::nullopt;
  };
  if (h.substr(0, scheme.size()) != scheme) {
    return fail(
        "Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' "
        "parameter. "
        "Authorization header requires 'SignedHeaders' parameter. Authorization header requires existence of "
        "either a "
        "'X-Amz-Date' or a 'Date' header. Authorization=" +
        std::string(h));
  }
  auto strip = [](std::string_view v) {
    while (!v.empty() && std::isspace(static_cast<unsigned char>(v.front()))) v.remove_prefix(1);
    while (!v.empty() && std::isspace(static_cast<unsigned char>(v.back()))) v.remove_suffix(1);
    return v;
  };
  std::string_view rest = h.substr(scheme.size()), cred;
  while (!rest.empty()) {
    size_t comma = rest.find(',');
    std::string_view part = strip(rest.substr(0, comma));
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    auto eq = part.find('=');
    if (eq == std::string_view::npos) continue;
    std::string_view k = part.substr(0, eq), v = part.substr(eq + 1);
    if (k == "Credential")
      cred = v;
    else if (k == "SignedHeaders")
      c.signed_headers.assign(v);
    else if (k == "Signature")
      c.signature.assign(v);
  }
  std::string missing;
  if (cred.empty()) missing += "Authorization header requires 'Credential' parameter. ";
  if (c.signature.empty()) missing += "Authorization header requires 'Signature' parameter. ";
  if (c.signed_headers.empty()) missing += "Authorization header requires 'SignedHeaders' parameter. ";
  if (!missing.empty()) return fail(missing + "Authorization=" + std::string(h));
  std::string_view parts[5];
  size_t n = 0, start = 0;
  for (size_t i = 0; i <= cred.size() && n < 6; ++i) {
    if (i == cred.size() || cred[i] == '/') {
      if (n < 5) parts[n] = cred.substr(start, i - start);
      ++n;
      start = i + 1;
    }
  }
  if (n != 5 || parts[4] != "aws4_request" || parts[0].empty())
    return fail("Credential should be scoped to a valid region. ");
  c.access_key.assign(parts[0]);
  c.date.assign(parts[1]);
  c.region.assign(parts[2]);
  c.service.assign(parts[3]);
  return c;
}

std::string sha256_hex(std::string_view data) {
  unsigned char md[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), md);
  return hex_encode(std::string_view(reinterpret_cast<char*>(md), sizeof md));
}

std::string hmac_sha256(std::string_view key, std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), md, &len);
  return std::string(reinterpret_cast<char*>(md), len);
}

bool equal_constant_time(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string canonical_request(const Request& req, std::string* signed_headers) {
  std::vector<std::pair<std::string, std::string>> hs;
  for (auto& [k, v] : req.headers) {
    std::string lk = lower(k);
    std::string tv = canonical_value(v);
    auto it = std::find_if(hs.begin(), hs.end(), [&](auto& p) { return p.first == lk; });
    if (it != hs.end())
      it->second += "," + tv;
    else
      hs.emplace_back(lk, tv);
  }
  std::sort(hs.begin(), hs.end());
  std::string canon = req.method + "\n" + req.path + "\n" + req.query + "\n";
  std::string sh;
  for (auto& [k, v] : hs) {
    canon += k + ":" + v + "\n";
    sh += (sh.empty() ? "" : ";") + k;
  }
  canon += "\n" + sh + "\n" + sha256_hex(req.body);
  if (signed_headers) *signed_headers = sh;
  return canon;
}

std::string string_to_sign(std::string_view canonical, std::string_view amz_date, std::string_view scope) {
  return "AWS4-HMAC-SHA256\n" + std::string(amz_date) + "\n" + std::string(scope) + "\n" +
         sha256_hex(canonical);
}

namespace {
// The hex signature of a string to sign, with the key derived from the secret and the scope.
std::string signature(std::string_view secret, std::string_view date, std::string_view region,
                      std::string_view service, std::string_view string_to_sign) {
  std::string k = hmac_sha256("AWS4" + std::string(secret), date);
  k = hmac_sha256(k, region);
  k = hmac_sha256(k, service);
  k = hmac_sha256(k, "aws4_request");
  return hex_encode(hmac_sha256(k, string_to_sign));
}
}  // namespace

std::string sign(const Request& req, std::string_view access_key, std::string_view secret_key,
                 std::string_view session_token, std::string_view region, std::string_view service,
                 std::string_view amz_date) {
  Request r = req;
  if (!session_token.empty()) r.headers.emplace_back("x-amz-security-token", std::string(session_token));
  std::string signed_headers;
  std::string canon = canonical_request(r, &signed_headers);
  std::string date(amz_date.substr(0, 8));
  std::string scope = date + "/" + std::string(region) + "/" + std::string(service) + "/aws4_request";
  std::string sts = string_to_sign(canon, amz_date, scope);
  std::string sig = signature(secret_key, date, region, service, sts);
  return "AWS4-HMAC-SHA256 Credential=" + std::string(access_key) + "/" + scope +
         ", SignedHeaders=" + signed_headers + ", Signature=" + sig;
}

std::string amz_date_now() {
  return format_amz_date(time(nullptr));
}

std::string canonical_query(std::string_view raw) {
  if (raw.empty()) return {};
  std::vector<std::string> parts;
  size_t start = 0;
  while (start <= raw.size()) {
    size_t amp = raw.find('&', start);
    std::string_view p =
        raw.substr(start, amp == std::string_view::npos ? std::string_view::npos : amp - start);
    if (!p.empty())
      parts.emplace_back(p.find('=') == std::string_view::npos ? std::string(p) + "=" : std::string(p));
    if (amp == std::string_view::npos) break;
    start = amp + 1;
  }
  std::sort(parts.begin(), parts.end());
  std::string out;
  for (auto& p : parts) out += (out.empty() ? "" : "&") + p;
  return out;
}

namespace {
// "YYYYMMDDTHHMMSSZ" -> seconds since the epoch; -1 when malformed.
time_t parse_amz_date(std::string_view d) {
  if (d.size() != 16 || d[8] != 'T' || d[15] != 'Z') return -1;
  for (size_t i = 0; i < 15; ++i)
    if (i != 8 && !std::isdigit(static_cast<unsigned char>(d[i]))) return -1;
  auto num = [&](size_t at, size_t n) { return std::stoi(std::string(d.substr(at, n))); };
  struct tm tm {};
  tm.tm_year = num(0, 4) - 1900;
  tm.tm_mon = num(4, 2) - 1;
  tm.tm_mday = num(6, 2);
  tm.tm_hour = num(9, 2);
  tm.tm_min = num(11, 2);
  tm.tm_sec = num(13, 2);
  return timegm(&tm);
}
}  // namespace

Verdict verify(const Credential& c, const Incoming& in, std::string_view secret, time_t now,
               std::string* detail) {
  std::string_view amz_date;
  Request r;
  r.method.assign(in.method);
  r.path.assign(in.path.empty() ? "/" : in.path);
  r.query = canonical_query(in.query);
  r.body.assign(in.body);
  // Only the headers the client says it signed, in the order and case it sent them.
  std::vector<std::string> wanted;
  for (size_t start = 0; start <= c.signed_headers.size();) {
    size_t semi = c.signed_headers.find(';', start);
    wanted.push_back(
        lower(c.signed_headers.substr(start, semi == std::string::npos ? std::string::npos : semi - start)));
    if (semi == std::string::npos) break;
    start = semi + 1;
  }
  for (auto& [k, v] : *in.headers) {
    std::string lk = lower(k);
    if (lk == "x-amz-date") amz_date = v;
    if (std::find(wanted.begin(), wanted.end(), lk) != wanted.end())
      r.headers.emplace_back(lk, std::string(v));
  }
  if (amz_date.empty()) return Verdict::kNoDate;
  time_t at = parse_amz_date(amz_date);
  if (at < 0) return Verdict::kMismatch;
  constexpr time_t kSkew = 15 * 60;
  if (at < now - kSkew) {
    if (detail)
      *detail = "Signature expired: " + std::string(amz_date) + " is now earlier than " +
                format_amz_date(now - kSkew) + " (" + format_amz_date(now) + " - 15 min.)";
    return Verdict::kExpired;
  }
  if (at > now + kSkew) {
    if (detail)
      *detail = "Signature not yet current: " + std::string(amz_date) + " is still later than " +
                format_amz_date(now + kSkew) + " (" + format_amz_date(now) + " + 15 min.)";
    return Verdict::kNotYetCurrent;
  }
  if (c.date != amz_date.substr(0, 8)) return Verdict::kMismatch;
  std::string signed_headers;
  std::string canon = canonical_request(r, &signed_headers);
  std::string scope = c.date + "/" + c.region + "/" + c.service + "/aws4_request";
  std::string expected =
      signature(secret, c.date, c.region, c.service, string_to_sign(canon, amz_date, scope));
  bool ok = equal_constant_time(expected, lower(c.signature));
  ok = ok && signed_headers == lower(c.signed_headers);
  return ok ? Verdict::kOk : Verdict::kMismatch;
}

}  // namespace ddb::sigv4
