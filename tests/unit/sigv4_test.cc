#include "auth/sigv4.h"

#include <gtest/gtest.h>

using namespace ddb::sigv4;

// AWS Signature Version 4 test suite, "get-vanilla".
TEST(SigV4, GetVanillaVector) {
  Request r;
  r.method = "GET";
  r.path = "/";
  r.headers = {{"Host", "example.amazonaws.com"}, {"X-Amz-Date", "20150830T123600Z"}};
  auto auth = sign(r, "AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "", "us-east-1", "service", "20150830T123600Z");
  EXPECT_EQ(auth,
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
            "SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
}

TEST(SigV4, ParseAuthorization) {
  std::string error;
  auto c = parse_authorization(
      "AWS4-HMAC-SHA256 Credential=AKID/20240101/eu-central-1/dynamodb/aws4_request, SignedHeaders=host;x-amz-date, Signature=abcd",
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
