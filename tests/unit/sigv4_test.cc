#include "auth/sigv4.h"

#include <gtest/gtest.h>

using namespace ddb::sigv4;

// AWS Signature Version 4 test suite, "get-vanilla".
TEST(SigV4, GetVanillaVector) {
  Request r;
  r.method = "GET";
  r.path = "/";
  r.headers = {{"Host", "example.amazonaws.com"}, {"X-Amz-Date", "20150830T123600Z"}};
  auto auth = sign(r, "AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "", "us-east-1", "service",
                   "20150830T123600Z");
  EXPECT_EQ(auth,
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
            "SignedHeaders=host;x-amz-date, "
            "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
}

TEST(SigV4, ParseAuthorization) {
  std::string error;
  auto c = parse_authorization(
      "AWS4-HMAC-SHA256 Credential=AKID/20240101/eu-central-1/dynamodb/aws4_request, "
      "SignedHeaders=host;x-amz-date, Signature=abcd",
      &error);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->access_key, "AKID");
  EXPECT_EQ(c->region, "eu-central-1");
  EXPECT_EQ(c->service, "dynamodb");
  EXPECT_FALSE(parse_authorization("Basic abc", &error));
  EXPECT_NE(error.find("Authorization header requires 'Credential' parameter."), std::string::npos);
  EXPECT_FALSE(parse_authorization("AWS4-HMAC-SHA256 Credential=x, SignedHeaders=host, Signature=a", &error));
}

TEST(SigV4, ConstantTimeCompare) {
  EXPECT_TRUE(equal_constant_time("abc", "abc"));
  EXPECT_FALSE(equal_constant_time("abc", "abd"));
  EXPECT_FALSE(equal_constant_time("abc", "ab"));
}

// The AWS SigV4 test suite (aws-sig-v4-test-suite, 2015-08-30, AKIDEXAMPLE, service "service",
// https://docs.aws.amazon.com/general/latest/gr/signature-v4-test-suite.html): each vector is signed by
// sign() and verified by verify() with the clock at the vector's time. Paths are as sent (encoded;
// the normalize-path vectors in their normalized form, since DynamoDB clients send "/").
namespace {
using Headers = std::vector<std::pair<std::string, std::string>>;
struct Vector {
  const char* name;
  const char* method;
  const char* path;
  const char* query;  // as sent
  Headers headers;    // besides Host and X-Amz-Date
  const char* body;
  const char* signature;
};
const char* kToken =
    "AQoDYXdzEPT//////////"
    "wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPfIeoIYRqTflfKD8YU"
    "uwthAx7mSEI/qkPpKPi/"
    "kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT7WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8"
    "YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+"
    "scqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2I"
    "CCR/oLxBA==";
const std::vector<Vector> kSuite = {
    {"get-vanilla",
     "GET",
     "/",
     "",
     {},
     "",
     "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"},
    {"post-vanilla",
     "POST",
     "/",
     "",
     {},
     "",
     "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b"},
    {"get-vanilla-query-order-key-case",
     "GET",
     "/",
     "Param2=value2&Param1=value1",
     {},
     "",
     "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500"},
    {"get-vanilla-empty-query-key",
     "GET",
     "/",
     "Param1=value1",
     {},
     "",
     "a67d582fa61cc504c4bae71f336f98b97f1ea3c7a6bfe1b6e45aec72011b9aeb"},
    {"post-vanilla-query",
     "POST",
     "/",
     "Param1=value1",
     {},
     "",
     "28038455d6de14eafc1f9222cf5aa6f1a96197d7deb8263271d420d138af7f11"},
    {"get-vanilla-utf8-query",
     "GET",
     "/",
     "%E1%88%B4=bar",
     {},
     "",
     "2cdec8eed098649ff3a119c94853b13c643bcf08f8b0a1d91e12c9027818dd04"},
    {"get-utf8",
     "GET",
     "/%E1%88%B4",
     "",
     {},
     "",
     "8318018e0b0f223aa2bbf98705b62bb787dc9c0e678f255a891fd03141be5d85"},
    {"get-unreserved",
     "GET",
     "/-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
     "",
     {},
     "",
     "07ef7494c76fa4850883e2b006601f940f8a34d404d0cfa977f52a65bbf5f24f"},
    {"get-space",
     "GET",
     "/example%20space/",
     "",
     {},
     "",
     "652487583200325589f1fba4c7e578f72c47cb61beeca81406b39ddec1366741"},
    {"normalize-path/get-slashes",
     "GET",
     "/example/",
     "",
     {},
     "",
     "9a624bd73a37c9a373b5312afbebe7a714a789de108f0bdfe846570885f57e84"},
    {"normalize-path/get-slash-pointless-dot",
     "GET",
     "/example",
     "",
     {},
     "",
     "ef75d96142cf21edca26f06005da7988e4f8dc83a165a80865db7089db637ec5"},
    {"get-header-key-duplicate",
     "GET",
     "/",
     "",
     {{"My-Header1", "value2"}, {"My-Header1", "value2"}, {"My-Header1", "value1"}},
     "",
     "c9d5ea9f3f72853aea855b47ea873832890dbdd183b4468f858259531a5138ea"},
    {"get-header-value-multiline",
     "GET",
     "/",
     "",
     {{"My-Header1", "value1\n  value2\n    value3"}},
     "",
     "ba17b383a53190154eb5fa66a1b836cc297cc0a3d70a5d00705980573d8ff790"},
    {"get-header-value-order",
     "GET",
     "/",
     "",
     {{"My-Header1", "value4"}, {"My-Header1", "value1"}, {"My-Header1", "value3"}, {"My-Header1", "value2"}},
     "",
     "08c7e5a9acfcfeb3ab6b2185e75ce8b1deb5e634ec47601a50643f830c755c01"},
    {"get-header-value-trim",
     "GET",
     "/",
     "",
     {{"My-Header1", " value1"}, {"My-Header2", " \"a   b   c\""}},
     "",
     "acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736"},
    {"post-header-key-sort",
     "POST",
     "/",
     "",
     {{"My-Header1", "value1"}},
     "",
     "c5410059b04c1ee005303aed430f6e6645f61f4dc9e1461ec8f8916fdf18852c"},
    {"post-header-value-case",
     "POST",
     "/",
     "",
     {{"My-Header1", "VALUE1"}},
     "",
     "cdbc9802e29d2942e5e10b5bccfdd67c5f22c7c4e8ae67b53629efa58b974b7d"},
    {"post-x-www-form-urlencoded",
     "POST",
     "/",
     "",
     {{"Content-Type", "application/x-www-form-urlencoded"}},
     "Param1=value1",
     "ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a"},
    {"post-x-www-form-urlencoded-parameters",
     "POST",
     "/",
     "",
     {{"Content-Type", "application/x-www-form-urlencoded; charset=utf8"}},
     "Param1=value1",
     "1a72ec8f64bd914b0e42e42607c7fbce7fb2c7465f63e3092b3b0d39fa77a6fe"},
    {"post-sts-token/post-sts-header-after",
     "POST",
     "/",
     "",
     {{"X-Amz-Security-Token", kToken}},
     "",
     "85d96828115b5dc0cfc3bd16ad9e210dd772bbebba041836c64533a82be05ead"},
};
const char* kSecret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
constexpr time_t kVectorTime = 1440938160;  // 2015-08-30T12:36:00Z
}  // namespace

TEST(SigV4, TestSuiteVectorsSignAndVerify) {
  for (const auto& v : kSuite) {
    Headers all = {{"Host", "example.amazonaws.com"}, {"X-Amz-Date", "20150830T123600Z"}};
    all.insert(all.end(), v.headers.begin(), v.headers.end());
    Request r;
    r.method = v.method;
    r.path = v.path;
    r.query = canonical_query(v.query);
    r.headers = all;
    r.body = v.body;
    std::string auth = sign(r, "AKIDEXAMPLE", kSecret, "", "us-east-1", "service", "20150830T123600Z");
    EXPECT_NE(auth.find(std::string("Signature=") + v.signature), std::string::npos)
        << v.name << ": " << auth;

    std::string error;
    auto cred = parse_authorization(auth, &error);
    ASSERT_TRUE(cred) << error;
    HeaderList headers;
    for (const auto& [k, val] : all) headers.emplace_back(k, val);
    Incoming in{v.method, v.path, v.query, &headers, v.body};
    EXPECT_EQ(verify(*cred, in, kSecret, kVectorTime, nullptr), Verdict::kOk) << v.name;
    EXPECT_EQ(verify(*cred, in, "wrong", kVectorTime, nullptr), Verdict::kMismatch) << v.name;
    Incoming tampered{v.method, v.path, v.query, &headers, "x"};
    EXPECT_EQ(verify(*cred, tampered, kSecret, kVectorTime, nullptr), Verdict::kMismatch) << v.name;
    std::string detail;
    EXPECT_EQ(verify(*cred, in, kSecret, kVectorTime + 16 * 60, &detail), Verdict::kExpired) << v.name;
    EXPECT_EQ(detail,
              "Signature expired: 20150830T123600Z is now earlier than 20150830T123700Z (20150830T125200Z - "
              "15 min.)");
    EXPECT_EQ(verify(*cred, in, kSecret, kVectorTime - 16 * 60, nullptr), Verdict::kNotYetCurrent) << v.name;
  }
}

// sign() with a session token signs it (post-sts-header-after).
TEST(SigV4, SessionTokenIsSigned) {
  Request r;
  r.method = "POST";
  r.headers = {{"Host", "example.amazonaws.com"}, {"X-Amz-Date", "20150830T123600Z"}};
  std::string auth = sign(r, "AKIDEXAMPLE", kSecret, kToken, "us-east-1", "service", "20150830T123600Z");
  EXPECT_NE(auth.find("SignedHeaders=host;x-amz-date;x-amz-security-token, "
                      "Signature=85d96828115b5dc0cfc3bd16ad9e210dd772bbebba041836c64533a82be05ead"),
            std::string::npos)
      << auth;
}
