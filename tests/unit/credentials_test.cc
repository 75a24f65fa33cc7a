#include "auth/credentials.h"

#include <gtest/gtest.h>

using namespace ddb::auth;

TEST(Credentials, ParsesProfilesCommentsAndSpacing) {
  std::string error;
  auto c = parse_credentials(
      "# comment\n[default]\naws_access_key_id = AK1\naws_secret_access_key=S1 \r\n"
      "; other\n[p2]\n  aws_secret_access_key = S2\n  aws_access_key_id = AK2\nregion = x\n",
      &error);
  ASSERT_TRUE(c) << error;
  EXPECT_EQ(c->size(), 2u);
  EXPECT_EQ(c->at("AK1"), "S1");
  EXPECT_EQ(c->at("AK2"), "S2");
}

TEST(Credentials, RefusesIncompleteOrEmptyFiles) {
  std::string error;
  EXPECT_FALSE(parse_credentials("[a]\naws_access_key_id = AK1\n", &error));
  EXPECT_NE(error.find("[a]"), std::string::npos);
  EXPECT_FALSE(parse_credentials("", &error));
  EXPECT_FALSE(parse_credentials("[a\n", &error));
  EXPECT_FALSE(parse_credentials("[a]\nnonsense\n", &error));
}
