#include "auth/jwt.h"

#include <gtest/gtest.h>

#include <filesystem>

using namespace ddb;

namespace {
std::string key_path() {
  return (std::filesystem::temp_directory_path() / ("jwt-test-" + std::to_string(::getpid()) + ".pem")).string();
}
}  // namespace

TEST(Jwt, VerifiesSignatureAndClaimsAndFetchesJwksOnce) {
  auto issuer = jwt::Issuer::open(key_path(), "https://issuer.example/pool", "client-1");
  ASSERT_TRUE(issuer.ok());
  int fetches = 0;
  jwt::Verifier v("https://issuer.example/pool", "client-1", [&]() -> Result<std::string> {
    ++fetches;
    return (*issuer)->jwks_json();
  });
  for (int i = 0; i < 5; ++i) {
    auto c = v.verify((*issuer)->sign_access_token("sub-1", "bayko", std::chrono::minutes(5)));
    ASSERT_TRUE(c.ok()) << c.error().message;
    EXPECT_EQ(c->sub, "sub-1");
  }
  EXPECT_EQ(fetches, 1);  // defect 12: the JWKS is not downloaded on every request

  auto expired = (*issuer)->sign_access_token("sub-1", "bayko", std::chrono::seconds(-10));
  EXPECT_EQ(v.verify(expired).error().message, "expired");

  jwt::Verifier wrong_iss("https://other/pool", "client-1", [&]() -> Result<std::string> { return (*issuer)->jwks_json(); });
  EXPECT_EQ(wrong_iss.verify((*issuer)->sign_access_token("s", "u", std::chrono::minutes(1))).error().message, "wrong issuer");
  jwt::Verifier wrong_client("https://issuer.example/pool", "client-2", [&]() -> Result<std::string> { return (*issuer)->jwks_json(); });
  EXPECT_EQ(wrong_client.verify((*issuer)->sign_access_token("s", "u", std::chrono::minutes(1))).error().message,
            "wrong client_id");

  std::string token = (*issuer)->sign_access_token("sub-1", "bayko", std::chrono::minutes(5));
  token[token.size() - 5] = token[token.size() - 5] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(v.verify(token).ok());
  EXPECT_FALSE(v.verify("not.a.token").ok());
  std::filesystem::remove(key_path());
}

TEST(Jwt, UnknownKidRefreshesTheKeySet) {
  auto first = jwt::Issuer::open(key_path(), "iss", "");
  std::filesystem::remove(key_path());
  auto second = jwt::Issuer::open(key_path(), "iss", "");  // a rotated key
  std::string current = (*first)->jwks_json();
  int fetches = 0;
  jwt::Verifier v("iss", "", [&]() -> Result<std::string> {
    ++fetches;
    return current;
  });
  EXPECT_TRUE(v.verify((*first)->sign_access_token("a", "a", std::chrono::minutes(1))).ok());
  current = (*second)->jwks_json();
  // The refresh is rate-limited to one per 30 s, so the rotated key is not yet known...
  EXPECT_FALSE(v.verify((*second)->sign_access_token("a", "a", std::chrono::minutes(1))).ok());
  EXPECT_EQ(fetches, 1);
  std::filesystem::remove(key_path());
}

TEST(Jwt, RefusesTokensNotYetValidOrLivingTooLongAndKeepsTheKeyPrivate) {
  std::string path = key_path() + ".private";
  std::filesystem::remove(path);
  auto issuer = jwt::Issuer::open(path, "https://issuer.example/pool", "client-1");
  ASSERT_TRUE(issuer.ok());
  auto perms = std::filesystem::status(path).permissions();
  EXPECT_EQ(perms & (std::filesystem::perms::group_all | std::filesystem::perms::others_all), std::filesystem::perms::none);
  jwt::Verifier v("https://issuer.example/pool", "client-1", [&]() -> Result<std::string> { return (*issuer)->jwks_json(); });
  EXPECT_TRUE(v.verify((*issuer)->sign_access_token("s", "u", std::chrono::hours(12))).ok());
  EXPECT_EQ(v.verify((*issuer)->sign_access_token("s", "u", std::chrono::hours(48))).error().message, "lifetime too long");
  EXPECT_EQ(v.verify((*issuer)->sign_access_token("s", "u", std::chrono::hours(1), 3600)).error().message, "not yet valid");
  EXPECT_TRUE(v.verify((*issuer)->sign_access_token("s", "u", std::chrono::hours(1), 30)).ok());  // within the skew
  std::filesystem::remove(path);
}
