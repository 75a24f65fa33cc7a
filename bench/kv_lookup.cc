// The in-memory store's map alone (storage/entry_map.h) against std::map<std::string, std::string>, the map
// it replaced: ns per point lookup of a random present key, and per overwrite, at several sizes, with keys
// and values shaped like the store's (a table prefix, a partition and sort key; ~200-byte items). Also the
// slowest single insertion while each map is filled (the hash table's doublings show there).
// usage: cmake --build build-release --target kv_lookup && build-release/kv_lookup [SIZE...]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "storage/entry_map.h"

namespace {

std::string key_of(size_t i) {
  char buf[64];
  int n = std::snprintf(buf, sizeof buf, "T%08zu#user#%06zu", i * 2654435761u % 100000007u, i);
  return std::string("\x01\x00\x00\x07", 4) + std::string(buf, static_cast<size_t>(n));
}

template <class F>
double ns_per(size_t n, F f) {
  auto t0 = std::chrono::steady_clock::now();
  for (size_t i = 0; i < n; ++i) f(i);
  return std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - t0).count() / double(n);
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<size_t> sizes;
  for (int i = 1; i < argc; ++i) sizes.push_back(std::strtoull(argv[i], nullptr, 10));
  if (sizes.empty()) sizes = {20000, 400000, 1000000};
  std::string value(200, 'v');
  std::printf("%10s %14s %14s %14s %14s %16s %16s\n", "entries", "std::map get", "EntryMap get", "std::map put",
              "EntryMap put", "std::map max ins", "EntryMap max ins");
  for (size_t n : sizes) {
    std::vector<std::string> keys(n);
    for (size_t i = 0; i < n; ++i) keys[i] = key_of(i);
    std::map<std::string, std::string, std::less<>> old;
    ddb::EntryMap now;
    double old_max = 0, now_max = 0;  // ns, the slowest insertion
    for (size_t i = 0; i < n; ++i) {  // interleaved, so both get the same heap layout
      old_max = std::max(old_max, ns_per(1, [&](size_t) { old.emplace(keys[i], value); }));
      now_max = std::max(now_max, ns_per(1, [&](size_t) { now.put(keys[i], value); }));
    }
    std::mt19937_64 rng(1);
    std::vector<size_t> order(2000000);
    for (auto& o : order) o = rng() % n;
    size_t found = 0;
    std::string_view v;
    double og = ns_per(order.size(), [&](size_t i) { found += old.find(keys[order[i]]) != old.end(); });
    double ng = ns_per(order.size(), [&](size_t i) { found += now.find(keys[order[i]], &v); });
    double op = ns_per(order.size(), [&](size_t i) { old.find(keys[order[i]])->second = value; });
    double np = ns_per(order.size(), [&](size_t i) { now.put(keys[order[i]], value); });
    std::printf("%10zu %14.1f %14.1f %14.1f %14.1f %13.2f ms %13.2f ms\n", n, og, ng, op, np, old_max / 1e6,
                now_max / 1e6);
    if (found != 2 * order.size()) return 1;
  }
  return 0;
}
