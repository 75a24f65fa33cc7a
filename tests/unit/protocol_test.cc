// The protocol's pure helpers: which Accept-Encoding headers accept gzip, the gzip codec, CRC-32.
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

TEST(Protocol, Crc32IsZlibsPolynomial) {
  EXPECT_EQ(crc32(""), 0u);
  EXPECT_EQ(crc32("123456789"), 0xCBF43926u);  // the CRC-32/ISO-HDLC check value
  // Long inputs take the vectorized path: the same as a bytewise computation of the polynomial.
  std::string data;
  for (int i = 0; i < 5000; ++i) data += static_cast<char>((i * 131 + i / 7) & 0xFF);
  for (size_t n : {1, 15, 16, 63, 64, 65, 255, 256, 1000, 4999, 5000}) {
    uint32_t c = 0xFFFFFFFFu;
    for (size_t i = 0; i < n; ++i) {
      c ^= static_cast<uint8_t>(data[i]);
      for (int k = 0; k < 8; ++k) c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1u)));
    }
    EXPECT_EQ(crc32(std::string_view(data).substr(0, n)), ~c) << n;
  }
}
