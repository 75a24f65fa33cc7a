// The embedded cache's semantics that the unread counters and the read cache rely on.
#include "cruddur/cache.h"

#include <set>

#include <gtest/gtest.h>

#include "util/random.h"

using namespace cruddur;

TEST(EmbeddedCache, HcasSetsOnlyWhenTheMarkIsTheExpectedOneAndOnlyOnExistingHashes) {
  auto c = make_embedded_cache(std::chrono::seconds(60));
  EXPECT_FALSE(*c->hcas("unr:u", "g", "3", "", "t2"));  // cold: nothing to update
  EXPECT_TRUE(*c->hcreate("unr:u", {{"g", "1"}, {"m:g", "t1"}}));
  EXPECT_FALSE(*c->hcreate("unr:u", {}));  // already there
  EXPECT_TRUE(*c->hcas("unr:u", "g", "2", "t1", "t2"));
  EXPECT_FALSE(*c->hcas("unr:u", "g", "9", "t1", "t3"));  // the mark moved on: refused
  EXPECT_TRUE(*c->hcas("unr:u", "h", "1", "", "t2"));     // a field never set has the mark ""
  auto h = c->hgetall("unr:u");
  ASSERT_TRUE(h.ok() && *h);
  EXPECT_EQ((**h).at("g"), "2");
  EXPECT_EQ((**h).at("m:g"), "t2");
  EXPECT_EQ((**h).at("h"), "1");
}

TEST(EmbeddedCache, GenerationsAndExpiry) {
  auto c = make_embedded_cache(std::chrono::seconds(1), 4);
  EXPECT_EQ(*c->incr("gen:k"), 1);
  EXPECT_EQ(*c->incr("gen:k"), 2);
  ASSERT_TRUE(c->set("a", "1").ok());
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(c->set("k" + std::to_string(i), "v").ok());  // bounded: 4 entries
  auto got = c->mget({"a", "k9"});
  ASSERT_TRUE(got.ok());
  EXPECT_EQ((*got)[1].value_or(""), "v");
}

TEST(Random, UuidsAreVersion4AndDistinct) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    std::string u = ddb::random_uuid();
    ASSERT_EQ(u.size(), 36u);
    EXPECT_EQ(u[14], '4');
    EXPECT_NE(std::string("89ab").find(u[19]), std::string::npos);
    seen.insert(u);
  }
  EXPECT_EQ(seen.size(), 1000u);
  EXPECT_EQ(ddb::random_hex(24).size(), 48u);
}
