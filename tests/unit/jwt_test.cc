#include "auth/jwt.h"

#include <atomic>
#include <filesystem>
#include <future>

#include <gtest/gtest.h>

using namespace ddb;

namespace {
std::string key_path() {
  return (std::filesystem::temp_directory_path() / ("jwt-test-" + std::to_string(::getpid()) + ".pem"))
      .string();
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

  jwt::Verifier wrong_iss("https://other/pool", "client-1",
                          [&]() -> Result<std::string> { return (*issuer)->jwks_json(); });
  EXPECT_EQ(wrong_iss.verify((*issuer)->sign_access_token("s", "u", std::chrono::minutes(1))).error().message,
            "wrong issuer");
  jwt::Verifier wrong_client("https://issuer.example/pool", "client-2",
                             [&]() -> Result<std::string> { return (*issuer)->jwks_json(); });
  EXPECT_EQ(
      wrong_client.verify((*issuer)->sign_access_token("s", "u", std::chrono::minutes(1))).error().message,
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
  auto fetch = [&]() -> Result<std::string> {
    ++fetches;
    return current;
  };
  jwt::Verifier v("iss", "", fetch, std::chrono::seconds(0));
  EXPECT_TRUE(v.verify((*first)->sign_access_token("a", "a", std::chrono::minutes(1))).ok());
  current = (*second)->jwks_json();
  // A token signed with the rotated key makes the verifier fetch the key set again, and pass.
  auto rotated = v.verify((*second)->sign_access_token("a", "a", std::chrono::minutes(1)));
  EXPECT_TRUE(rotated.ok()) << rotated.error().message;
  EXPECT_EQ(fetches, 2);
  // Keys already known stay known, and need no fetch.
  EXPECT_TRUE(v.verify((*first)->sign_access_token("b", "b", std::chrono::minutes(1))).ok());
  EXPECT_EQ(fetches, 2);

  // With the default window, unknown kids cannot make it fetch more than once per 30 s.
  current = (*first)->jwks_json();
  fetches = 0;
  jwt::Verifier limited("iss", "", fetch);
  EXPECT_TRUE(limited.verify((*first)->sign_access_token("a", "a", std::chrono::minutes(1))).ok());
  current = (*second)->jwks_json();
  for (int i = 0; i < 3; ++i)
    EXPECT_EQ(limited.verify((*second)->sign_access_token("a", "a", std::chrono::minutes(1))).error().message,
              "unknown kid");
  EXPECT_EQ(fetches, 1);
  std::filesystem::remove(key_path());
}

// Issue 10: a key-set fetch for an unknown kid held the verifier's lock, so a slow key server
// stalled every signed-in request.
TEST(Jwt, ASlowKeyServerDelaysOnlyTheRequestsThatNeedANewKey) {
  auto first = jwt::Issuer::open(key_path(), "iss", "");
  std::filesystem::remove(key_path());
  auto second = jwt::Issuer::open(key_path(), "iss", "");
  std::promise<void> entered, release;
  auto released = release.get_future().share();
  std::atomic<int> calls{0};
  jwt::Verifier v(
      "iss", "",
      [&]() -> Result<std::string> {
        if (calls++ == 0) return (*first)->jwks_json();
        entered.set_value();
        released.wait();  // the key server is slow until the test says otherwise
        return (*second)->jwks_json();
      },
      std::chrono::seconds(0));
  ASSERT_TRUE(v.verify((*first)->sign_access_token("a", "a", std::chrono::minutes(1))).ok());
  auto slow = std::async(std::launch::async, [&] {
    return v.verify((*second)->sign_access_token("b", "b", std::chrono::minutes(1)));
  });
  entered.get_future().wait();  // the fetch for the new kid is in progress
  auto fast = std::async(std::launch::async, [&] {
    return v.verify((*first)->sign_access_token("c", "c", std::chrono::minutes(1)));
  });
  ASSERT_EQ(fast.wait_for(std::chrono::seconds(20)), std::future_status::ready)
      << "a known-key request waited for the key server";
  EXPECT_TRUE(fast.get().ok());
  EXPECT_EQ(slow.wait_for(std::chrono::milliseconds(0)), std::future_status::timeout);
  release.set_value();
  auto r = slow.get();
  EXPECT_TRUE(r.ok()) << r.error().message;
  std::filesystem::remove(key_path());
}

TEST(Jwt, RefusesTokensNotYetValidOrLivingTooLongAndKeepsTheKeyPrivate) {
  std::string path = key_path() + ".private";
  std::filesystem::remove(path);
  auto issuer = jwt::Issuer::open(path, "https://issuer.example/pool", "client-1");
  ASSERT_TRUE(issuer.ok());
  auto perms = std::filesystem::status(path).permissions();
  EXPECT_EQ(perms & (std::filesystem::perms::group_all | std::filesystem::perms::others_all),
            std::filesystem::perms::none);
  jwt::Verifier v("https://issuer.example/pool", "client-1",
                  [&]() -> Result<std::string> { return (*issuer)->jwks_json(); });
  EXPECT_TRUE(v.verify((*issuer)->sign_access_token("s", "u", std::chrono::hours(12))).ok());
  EXPECT_EQ(v.verify((*issuer)->sign_access_token("s", "u", std::chrono::hours(48))).error().message,
            "lifetime too long");
  EXPECT_EQ(v.verify((*issuer)->sign_access_token("s", "u", std::chrono::hours(1), 3600)).error().message,
            "not yet valid");
  EXPECT_TRUE(
      v.verify((*issuer)->sign_access_token("s", "u", std::chrono::hours(1), 30)).ok());  // within the skew
  std::filesystem::remove(path);
}
