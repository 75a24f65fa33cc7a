#include "util/random.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>

#include <openssl/rand.h>

#include "util/codec.h"

namespace ddb {

std::string random_bytes(size_t n) {
  std::string out(n, '\0');
  // RAND_bytes fails only when the CSPRNG cannot be seeded; an identifier from a weaker source
  // would be worse than stopping.
  if (n && RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n)) != 1) {
    std::fputs("fatal: OpenSSL's random generator failed\n", stderr);
    std::abort();
  }
  return out;
}

std::string random_uuid() {
  std::string b = random_bytes(16);
  b[6] = static_cast<char>((b[6] & 0x0f) | 0x40);  // version 4
  b[8] = static_cast<char>((b[8] & 0x3f) | 0x80);  // RFC 4122 variant
  std::string h = hex_encode(b);
  return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) + "-" +
         h.substr(20);
}

uint64_t fast_random64() {
  thread_local uint64_t state = [] {
    uint64_t seed = 0;
    std::string b = random_bytes(sizeof seed);
    std::memcpy(&seed, b.data(), sizeof seed);
    return seed;
  }();
  uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

std::string random_hex(size_t n) {
  return hex_encode(random_bytes(n));
}

}  // namespace ddb
