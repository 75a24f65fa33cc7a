// The protocol's pure helpers: which Accept-Encoding headers accept gzip, and the gzip codec.
#include "server/protocol.h"

#include <gtest/gtest.h>

#include "util/codec.h"

using namespace ddb;

TEST(Protocol, AcceptsGzipReadsCodingsAndWeights) {
  for (const char* yes : {"gzip", "GZIP", "x-gzip", "gzip, deflate", "deflate,gzip", " gzip ;q=0.5", "*",
                          "br;q=1.0, gzip;q=0.001", "identity, *;q=0.1"})
    EXPECT_TRUE(accepts_gzip(yes)) << yes;
  for (const char* no : {"", "identity", "deflate, br", "gzip;q=0", "gzip; q=0.000", "*;q=0", "gzips",
                         "gzip;q=0, *", "x-gzip;q=0.0"})
    EXPECT_FALSE(accepts_gzip(no)) << no;
}

TEST(Protocol, GzipRoundTrips) {
  for (std::string in :
       {std::string(), std::string("x"), std::string(100000, 'a'), std::string(3000, '\0')}) {
    std::string z = gzip(in), out;
    ASSERT_EQ(gunzip(z, in.size() + 1, out), Gunzip::kOk) << in.size();
    EXPECT_EQ(out, in);
  }
  EXPECT_LT(gzip(std::string(100000, 'a')).size(), 1000u);
}
