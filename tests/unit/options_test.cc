#include "server/options.h"

#include <gtest/gtest.h>

using ddb::parse_options;

TEST(Options, DynamoDbLocalSpellings) {
  std::string err;
  auto c = parse_options({"-port", "8001", "-inMemory", "-sharedDb", "-cors", "http://a,http://b",
                          "-delayTransientStatuses", "-disableTelemetry", "-optimizeDbBeforeStartup"},
                         &err);
  ASSERT_TRUE(c) << err;
  EXPECT_EQ(c->port, 8001);
  EXPECT_TRUE(c->in_memory);
  EXPECT_TRUE(c->shared_db);
  EXPECT_EQ(c->cors.size(), 2u);
  EXPECT_TRUE(c->delay_transient_statuses);
}

TEST(Options, GnuSpellings) {
  std::string err;
  auto c = parse_options({"--port=0", "--dbPath", "/tmp/x", "--fsync", "--host", "0.0.0.0"}, &err);
  ASSERT_TRUE(c) << err;
  EXPECT_EQ(c->port, 0);
  EXPECT_EQ(c->db_path, "/tmp/x");
  EXPECT_TRUE(c->fsync);
  EXPECT_EQ(c->host, "0.0.0.0");
}

TEST(Options, Errors) {
  std::string err;
  EXPECT_FALSE(parse_options({"-port", "99999"}, &err));
  EXPECT_FALSE(parse_options({"-bogus"}, &err));
  EXPECT_EQ(err, "unknown option: -bogus");
  EXPECT_FALSE(parse_options({"-inMemory", "-dbPath", "/x"}, &err));
  EXPECT_FALSE(parse_options({"-port"}, &err));
}
