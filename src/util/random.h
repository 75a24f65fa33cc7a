// Random identifiers from OpenSSL's CSPRNG (RAND_bytes): the one source of UUIDs, request ids and
// tokens in both programs.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

namespace ddb {

std::string random_bytes(size_t n);
// A version-4 UUID, e.g. "3f0c9a4e-8d2b-4c1e-9a7f-0b1c2d3e4f50".
std::string random_uuid();
// `n` random bytes as lower-case hex (2n characters).
std::string random_hex(size_t n);
// 64 bits for identifiers that must be unique but need not be secret (request ids): a per-thread
// generator (splitmix64) seeded from the CSPRNG once, so a request does not pay RAND_bytes (and the
// getpid() system call OpenSSL makes in it) per identifier.
uint64_t fast_random64();

}  // namespace ddb
