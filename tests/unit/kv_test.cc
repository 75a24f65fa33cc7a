// The stores behind the engine: the persistent one with part of its keys in memory
// (KvOptions::memory_below, KvOptions::budget), and the memory one in shards (KvOptions::shard_bytes). Every
// read, scan and write answers as if all keys were in one ordered store: across the limit and the shards, in
// both directions, after a reopen, and with writers of different shards racing readers.
#include "storage/kv.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <map>
#include <mutex>
#include <random>
#include <thread>

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

// In memory with one shard per 5-byte prefix (as the engine opens it): scans over several shards come
// back in key order, and writers of different shards race readers of all of them (ThreadSanitizer).
TEST(Kv, ShardedMemoryScansInOrderAndToleratesConcurrentShards) {
  KvOptions ko;
  ko.shard_bytes = 5;
  auto kv = std::move(open_kv(ko)).value();
  auto key = [](int shard, int i) {
    std::string k = std::string("\x01\x00\x00\x00", 4) + static_cast<char>(shard);
    return k + "k" + std::to_string(1000 + i);
  };
  std::vector<std::thread> writers;
  for (int shard = 0; shard < 4; ++shard)
    writers.emplace_back([&, shard] {
      for (int i = 0; i < 300; ++i) {
        WriteBatch b;
        b.put(key(shard, i), "v");
        if (i % 3 == 0) b.put(std::string("\x00S", 2), std::to_string(i));  // a second shard in the batch
        ASSERT_TRUE(kv->write(b).ok());
      }
    });
  std::thread reader([&] {
    for (int round = 0; round < 50; ++round) {
      std::vector<std::string> seen = keys(*kv, "", "", false);
      EXPECT_TRUE(std::is_sorted(seen.begin(), seen.end()));
    }
  });
  for (auto& w : writers) w.join();
  reader.join();
  std::vector<std::string> all = keys(*kv, "", "", false);
  ASSERT_EQ(all.size(), 4u * 300 + 1);
  EXPECT_TRUE(std::is_sorted(all.begin(), all.end()));
  std::vector<std::string> back = keys(*kv, "", "", true);
  EXPECT_EQ(back, std::vector<std::string>(all.rbegin(), all.rend()));
  // A range over the end of one shard and the start of the next, and a scan stopped in the first.
  std::vector<std::string> span = keys(*kv, key(1, 298), key(2, 2), false);
  EXPECT_EQ(span, (std::vector<std::string>{key(1, 298), key(1, 299), key(2, 0), key(2, 1)}));
  EXPECT_EQ(keys(*kv, key(1, 298), key(2, 2), true, 1), std::vector<std::string>{key(2, 1)});
  // A range deletion over the end of one shard and all of the next two.
  WriteBatch del;
  del.del_range(key(0, 290), key(3, 0));
  ASSERT_TRUE(kv->write(del).ok());
  std::vector<std::string> left = keys(*kv, "", "", false);
  ASSERT_EQ(left.size(), 290u + 300 + 1);
  EXPECT_EQ(keys(*kv, key(0, 289), key(3, 1), false), (std::vector<std::string>{key(0, 289), key(3, 0)}));
}

namespace {

std::string shard_key(int shard, int i) {
  return std::string("\x01\x00\x00\x00", 4) + static_cast<char>(shard) + "k" + std::to_string(10000 + i);
}

std::unique_ptr<KvStore> open_budgeted(const Dir& d, const std::shared_ptr<MemoryBudget>& budget) {
  KvOptions ko;
  ko.path = d.path.string();
  ko.memory_below = std::string(1, '\x02');
  ko.shard_bytes = 5;
  ko.budget = budget;
  return std::move(open_kv(ko)).value();
}

// Every read the store offers, against the model: whole scans both ways, ranges across shards (some in
// memory, some dropped), scans stopped early, and point reads of present and absent keys.
void expect_same(KvStore& kv, const std::map<std::string, std::string>& want, std::mt19937& rng) {
  std::vector<std::string> all;
  for (auto& [k, v] : want) all.push_back(k);
  ASSERT_EQ(keys(kv, "", "", false), all);
  ASSERT_EQ(keys(kv, "", "", true), std::vector<std::string>(all.rbegin(), all.rend()));
  for (int i = 0; i < 40; ++i) {
    std::string a = shard_key(static_cast<int>(rng() % 7), static_cast<int>(rng() % 400));
    std::string b = shard_key(static_cast<int>(rng() % 7), static_cast<int>(rng() % 400));
    if (b < a) std::swap(a, b);
    std::vector<std::string> in;
    for (auto it = want.lower_bound(a); it != want.end() && it->first < b; ++it) in.push_back(it->first);
    bool reverse = rng() % 2;
    if (reverse) std::reverse(in.begin(), in.end());
    size_t stop = 1 + rng() % 30;
    EXPECT_EQ(keys(kv, a, b, reverse), in);
    in.resize(std::min(in.size(), stop));
    EXPECT_EQ(keys(kv, a, b, reverse, stop), in);
  }
  for (int i = 0; i < 200; ++i) {
    std::string k = shard_key(static_cast<int>(rng() % 7), static_cast<int>(rng() % 400));
    std::string got;
    auto it = want.find(k);
    ASSERT_EQ(kv.get(k, &got), it != want.end()) << k;
    if (it != want.end()) {
      EXPECT_EQ(got, it->second);
    }
  }
}

}  // namespace

// Over its memory budget the store drops its least recently used shards and reads them from RocksDB:
// it answers exactly as before (checked against a model after random writes, and after a reopen under
// the same budget), and its in-memory copy stays within the budget's three quarters.
TEST(Kv, OverTheMemoryBudgetShardsAreReadFromDiskAndAnswerTheSame) {
  Dir d;
  auto budget = std::make_shared<MemoryBudget>(400 << 10);  // 300 KiB for the copies
  std::map<std::string, std::string> want;
  std::mt19937 rng(7);
  {
    auto kv = open_budgeted(d, budget);
    for (int round = 0; round < 60; ++round) {
      WriteBatch b;
      for (int i = 0; i < 40; ++i) {
        // Shards 0-5 are tables; later rounds favour the high ones, so the low ones grow cold.
        int shard = static_cast<int>(rng() % 6);
        if (round > 30 && shard < 3 && rng() % 4) shard += 3;
        std::string k = shard_key(shard, static_cast<int>(rng() % 400));
        if (rng() % 5 == 0) {
          b.del(k);
          want.erase(k);
        } else {
          std::string v(60 + rng() % 600, static_cast<char>('a' + rng() % 26));
          b.put(k, v);
          want[k] = v;
        }
      }
      b.put(std::string("\x02stream", 7) + std::to_string(round), "record");  // above memory_below
      want[std::string("\x02stream", 7) + std::to_string(round)] = "record";
      if (round % 7 == 3) {
        // Range deletions (after the batch's other writes): within a shard, across shards, and from a
        // shard held in memory up to keys read only from RocksDB (stream records).
        std::vector<std::pair<std::string, std::string>> ranges = {
            {shard_key(1, 100), shard_key(1, 200)},
            {shard_key(2, 350), shard_key(4, 20)},
            {shard_key(5, 390), std::string("\x02stream", 7) + std::to_string(round - 2)}};
        auto& [from, to] = ranges[static_cast<size_t>(round / 7) % ranges.size()];
        b.del_range(from, to);
        want.erase(want.lower_bound(from), want.lower_bound(to));
      }
      ASSERT_TRUE(kv->write(b).ok());
      EXPECT_LE(budget->use().resident_bytes, 300u << 10);
      if (round % 10 == 9) expect_same(*kv, want, rng);
    }
    EXPECT_GT(budget->use().shards_on_disk, 0u);
  }
  EXPECT_EQ(budget->use().resident_bytes, 0u);  // a closed store gives its share back
  auto kv = open_budgeted(d, budget);           // loads what fits, leaves the rest on disk
  EXPECT_LE(budget->use().resident_bytes, 300u << 10);
  EXPECT_GT(budget->use().shards_on_disk, 0u);
  expect_same(*kv, want, rng);
}

// Writers of several shards race readers while the budget drops shards under them
// (ThreadSanitizer): each writer reads back its own acknowledged writes, and scans stay ordered.
TEST(Kv, ShardsDroppedUnderConcurrentReadersAndWriters) {
  Dir d;
  auto budget = std::make_shared<MemoryBudget>(64 << 10);
  auto kv = open_budgeted(d, budget);
  std::atomic<bool> done{false};
  std::vector<std::thread> writers;
  for (int shard = 0; shard < 4; ++shard)
    writers.emplace_back([&, shard] {
      for (int i = 0; i < 400; ++i) {
        WriteBatch b;
        std::string v(100 + i % 50, 'x');
        b.put(shard_key(shard, i), v);
        ASSERT_TRUE(kv->write(b).ok());
        std::string got;
        ASSERT_TRUE(kv->get(shard_key(shard, i), &got));
        ASSERT_EQ(got, v);
      }
    });
  std::thread reader([&] {
    while (!done) {
      std::vector<std::string> seen = keys(*kv, "", "", false);
      EXPECT_TRUE(std::is_sorted(seen.begin(), seen.end()));
    }
  });
  for (auto& w : writers) w.join();
  done = true;
  reader.join();
  EXPECT_EQ(keys(*kv, "", "", false).size(), 4u * 400);
  EXPECT_GT(budget->use().shards_on_disk, 0u);
}

// A dropped shard comes back into memory when it is read and the budget has room again (here after the
// other shards were deleted), and reads the same before and after.
TEST(Kv, ADroppedShardComesBackWhenThereIsRoom) {
  Dir d;
  auto budget = std::make_shared<MemoryBudget>(800 << 10);  // 600 KiB for the copies
  auto kv = open_budgeted(d, budget);
  std::map<std::string, std::string> want;
  WriteBatch b;
  for (int shard = 0; shard < 3; ++shard)  // about 200, 210 and 220 KiB: the largest is dropped
    for (int i = 0; i < 190 + 9 * shard; ++i) {
      std::string v(1000, static_cast<char>('a' + shard));
      b.put(shard_key(shard, i), v);
      want[shard_key(shard, i)] = v;
    }
  ASSERT_TRUE(kv->write(b).ok());
  ASSERT_EQ(budget->use().shards_on_disk, 1u);
  std::mt19937 rng(3);
  expect_same(*kv, want, rng);  // shard 2 read from disk; the budget has no room for it yet
  ASSERT_EQ(budget->use().shards_on_disk, 1u);
  WriteBatch del;
  del.del_range(shard_key(0, 0), shard_key(2, 0));
  ASSERT_TRUE(kv->write(del).ok());
  want.erase(want.begin(), want.lower_bound(shard_key(2, 0)));
  EXPECT_LT(budget->use().resident_bytes, 10u << 10);
  std::string got;
  ASSERT_TRUE(kv->get(shard_key(2, 7), &got));  // this read finds the room
  EXPECT_EQ(budget->use().shards_on_disk, 0u);
  EXPECT_GT(budget->use().resident_bytes, 200u << 10);
  expect_same(*kv, want, rng);
}

// Opening a store on disk returns before its shards are read into memory: they load in the background
// while writers of every shard (puts, deletes, range deletions) and readers go on. Every acknowledged write
// is in what the loaded copy answers, and everything reads the same before, during and after the load.
TEST(Kv, WritesDuringTheBackgroundLoadAreInTheLoadedCopy) {
  Dir d;
  auto budget = std::make_shared<MemoryBudget>(size_t{1} << 30);
  std::map<std::string, std::string> want;
  {
    auto kv = open_budgeted(d, budget);
    WriteBatch b;
    for (int shard = 0; shard < 6; ++shard)
      for (int i = 0; i < 20000; ++i) {
        std::string v(40 + (i * 7 + shard) % 200, static_cast<char>('a' + shard));
        b.put(shard_key(shard, i), v);
        want[shard_key(shard, i)] = v;
      }
    ASSERT_TRUE(kv->write(b).ok());
  }
  auto kv = open_budgeted(d, budget);
  std::mutex want_mu;
  std::atomic<int> during_load{0};
  std::vector<std::thread> writers;
  for (int w = 0; w < 3; ++w)
    writers.emplace_back([&, w] {
      std::mt19937 rng(static_cast<unsigned>(w));
      // Until the load is over, and 300 writes more.
      for (int n = 0, after = 0; after < 300 && n < 200000; ++n) {
        if (budget->use().shards_on_disk > 0)
          ++during_load;
        else
          ++after;
        int shard = w * 2 + static_cast<int>(rng() % 2);  // each writer owns two shards
        WriteBatch b;
        std::string k = shard_key(shard, static_cast<int>(rng() % 20200));
        std::string v(1 + rng() % 300, static_cast<char>('A' + n % 26));
        int what = static_cast<int>(rng() % 10);
        if (what == 0) {
          std::string to = shard_key(shard, static_cast<int>(rng() % 20200));
          if (to < k) std::swap(k, to);
          b.del_range(k, to);
        } else if (what < 3) {
          b.del(k);
        } else {
          b.put(k, v);
        }
        {
          std::lock_guard lk(want_mu);
          ASSERT_TRUE(kv->write(b).ok());
          auto& op = b.ops().front();
          if (op.is_range)
            want.erase(want.lower_bound(op.key), want.lower_bound(op.value));
          else if (op.is_delete)
            want.erase(op.key);
          else
            want[op.key] = op.value;
        }
        std::string got;
        if (what >= 3) {
          ASSERT_TRUE(kv->get(k, &got));
          ASSERT_EQ(got, v);
        }
      }
    });
  std::thread reader([&] {
    for (int n = 0; n < 20; ++n) {
      std::vector<std::string> seen = keys(*kv, "", "", n % 2);
      if (n % 2) std::reverse(seen.begin(), seen.end());
      EXPECT_TRUE(std::is_sorted(seen.begin(), seen.end()));
    }
  });
  for (auto& w : writers) w.join();
  reader.join();
  std::printf("writes while shards were loading: %d\n", during_load.load());
  // The load ends (every shard in memory) within a generous bound; then every read comes from memory.
  for (int i = 0; i < 3000 && budget->use().shards_on_disk > 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  ASSERT_EQ(budget->use().shards_on_disk, 0u);
  std::mt19937 rng(11);
  expect_same(*kv, want, rng);
}
