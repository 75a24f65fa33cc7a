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

// The AWS SigV4 test suite (aws-sig-v4-test-suite, 2015-08-30, AKIDEXAMPLE, service "service"):
// each vector is signed by sign() and verified by verify() with the clock at the vector's time.
namespace {
struct Vector {
  const char* name;
  const char* method;
  const char* path;
  const char* query;  // as sent
  const char* signature;
};
const Vector kSuite[] = {
    {"get-vanilla", "GET", "/", "", "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"},
    {"post-vanilla", "POST", "/", "", "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b"},
    {"get-vanilla-query-order-key-case", "GET", "/", "Param2=value2&Param1=value1",
     "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500"},
    {"get-vanilla-empty-query-key", "GET", "/", "Param1=value1",
     "a67d582fa61cc504c4bae71f336f98b97f1ea3c7a6bfe1b6e45aec72011b9aeb"},
    {"post-vanilla-query", "POST", "/", "Param1=value1",
     "28038455d6de14eafc1f9222cf5aa6f1a96197d7deb8263271d420d138af7f11"},
    {"get-utf8", "GET", "/%E1%88%B4", "", "8318018e0b0f223aa2bbf98705b62bb787dc9c0e678f255a891fd03141be5d85"},
};
const char* kSecret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
constexpr time_t kVectorTime = 1440938160;  // 2015-08-30T12:36:00Z
}  // namespace

TEST(SigV4, TestSuiteVectorsSignAndVerify) {
  for (auto& v : kSuite) {
    Request r;
    r.method = v.method;
    r.path = v.path;
    r.query = canonical_query(v.query);
    r.headers = {{"Host", "example.amazonaws.com"}, {"X-Amz-Date", "20150830T123600Z"}};
    std::string auth = sign(r, "AKIDEXAMPLE", kSecret, "", "us-east-1", "service", "20150830T123600Z");
    EXPECT_NE(auth.find(std::string("Signature=") + v.signature), std::string::npos)
        << v.name << ": " << auth;

    std::string error;
    auto cred = parse_authorization(auth, &error);
    ASSERT_TRUE(cred) << error;
    HeaderList headers = {{"Host", "example.amazonaws.com"}, {"X-Amz-Date", "20150830T123600Z"}};
    Incoming in{v.method, v.path, v.query, &headers, ""};
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
