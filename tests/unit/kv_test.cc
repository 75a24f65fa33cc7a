// The persistent store with part of its keys in memory (KvOptions::memory_below): every read, scan and
// write answers as if all keys were in one ordered store, across the limit, in both directions, and
// after a reopen.
#include "storage/kv.h"

#include <unistd.h>

#include <filesystem>
#include <map>

#include <gtest/gtest.h>

using namespace ddb;

namespace {

struct Dir {
  std::filesystem::path path =
      std::filesystem::temp_directory_path() / ("ddb-kv-test-" + std::to_string(::getpid()));
  Dir() { std::filesystem::remove_all(path); }
  ~Dir() { std::filesystem::remove_all(path); }
};

std::unique_ptr<KvStore> open(const Dir& d) {
  KvOptions ko;
  ko.path = d.path.string();
  ko.memory_below = std::string(1, '\x02');
  return std::move(open_kv(ko)).value();
}

std::vector<std::string> keys(KvStore& kv, std::string_view start, std::string_view end, bool reverse,
                              size_t stop_after = SIZE_MAX) {
  std::vector<std::string> out;
  EXPECT_TRUE(kv.scan(start, end, reverse, [&](std::string_view k, std::string_view) {
                  out.emplace_back(k);
                  return out.size() < stop_after;
                }).ok());
  return out;
}

}  // namespace

TEST(Kv, KeysAboveTheMemoryLimitReadLikeTheOthers) {
  Dir d;
  std::map<std::string, std::string> want;
  {
    auto kv = open(d);
    WriteBatch b;
    for (char tag : {'\x00', '\x01', '\x02', '\x03'})
      for (int i = 0; i < 3; ++i) {
        std::string k = std::string(1, tag) + "k" + std::to_string(i);
        b.put(k, "v" + k);
        want[k] = "v" + k;
      }
    ASSERT_TRUE(kv->write(b).ok());
    WriteBatch del;
    del.del(std::string("\x02k1", 3));
    del.del(std::string("\x01k1", 3));
    want.erase(std::string("\x02k1", 3));
    want.erase(std::string("\x01k1", 3));
    ASSERT_TRUE(kv->write(del).ok());
  }
  auto kv = open(d);  // reopened: the memory part loaded, the rest read from RocksDB
  std::vector<std::string> all;
  for (auto& [k, v] : want) all.push_back(k);
  EXPECT_EQ(keys(*kv, "", "", false), all);
  EXPECT_EQ(keys(*kv, "", "", true), std::vector<std::string>(all.rbegin(), all.rend()));
  // A range that spans the limit, and scans stopped on either side of it.
  std::string from("\x01k2", 3), to("\x02k3", 3);
  EXPECT_EQ(keys(*kv, from, to, false),
            (std::vector<std::string>{from, std::string("\x02k0", 3), std::string("\x02k2", 3)}));
  EXPECT_EQ(keys(*kv, from, to, true),
            (std::vector<std::string>{std::string("\x02k2", 3), std::string("\x02k0", 3), from}));
  EXPECT_EQ(keys(*kv, from, to, false, 1), std::vector<std::string>{from});
  EXPECT_EQ(keys(*kv, from, to, true, 1), std::vector<std::string>{std::string("\x02k2", 3)});
  EXPECT_EQ(keys(*kv, std::string("\x02", 1), std::string("\x03", 1), false).size(), 2u);
  for (auto& [k, v] : want) {
    std::string got;
    ASSERT_TRUE(kv->get(k, &got)) << k;
    EXPECT_EQ(got, v);
  }
  std::string got;
  EXPECT_FALSE(kv->get(std::string("\x02k1", 3), &got));
  EXPECT_FALSE(kv->get(std::string("\x01k1", 3), &got));
}
