// The in-memory store's ordered map (storage/entry_map.h) against std::map as a model: random puts (values
// growing, shrinking, written in place or moved to a new entry), erases, range erases, appends in and out of
// order, and every walk in both directions with early stops.
#include "storage/entry_map.h"

#include <map>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

using namespace ddb;

namespace {

using Model = std::map<std::string, std::string, std::less<>>;
using Pairs = std::vector<std::pair<std::string, std::string>>;

Pairs walk(const EntryMap& m, std::string_view start, std::string_view end, bool reverse,
           size_t stop_after = SIZE_MAX) {
  Pairs out;
  bool finished = m.scan(start, end, reverse, [&](std::string_view k, std::string_view v) {
    out.emplace_back(k, v);
    return out.size() < stop_after;
  });
  EXPECT_EQ(finished, out.size() < stop_after || stop_after == SIZE_MAX);
  return out;
}

Pairs walk(const Model& m, const std::string& start, const std::string& end, bool reverse,
           size_t stop_after) {
  Pairs out;
  auto lo = m.lower_bound(start), hi = end.empty() ? m.end() : m.lower_bound(end);
  for (auto it = lo; it != hi; ++it) out.emplace_back(it->first, it->second);
  if (reverse) std::reverse(out.begin(), out.end());
  if (out.size() > stop_after) out.resize(stop_after);
  return out;
}

std::string random_key(std::mt19937& rng) {
  // Few distinct keys (so that puts overwrite and erases hit), some sharing long prefixes, one empty.
  static const char* prefixes[] = {"", "t1#", "t1#user#", "t2#\xff"};
  return std::string(prefixes[rng() % 4]) + std::to_string(rng() % 60);
}

}  // namespace

TEST(EntryMap, AnswersLikeAnOrderedMapThroughRandomChanges) {
  std::mt19937 rng(7);
  EntryMap map;
  Model model;
  for (int step = 0; step < 20000; ++step) {
    std::string key = random_key(rng);
    switch (rng() % 8) {
      case 0: {
        EXPECT_EQ(map.erase(key), model.erase(key) == 1);
        break;
      }
      case 1: {
        std::string end = rng() % 5 == 0 ? "" : random_key(rng);
        if (!end.empty() && end < key) std::swap(key, end);
        auto lo = model.lower_bound(key), hi = end.empty() ? model.end() : model.lower_bound(end);
        size_t n = static_cast<size_t>(std::distance(lo, hi));
        model.erase(lo, hi);
        EXPECT_EQ(map.erase_range(key, end), n);
        break;
      }
      default: {
        // Values from empty to a few hundred bytes: an overwrite that fits stays in place, one that
        // does not (or wastes over half of the block) takes a new entry.
        std::string value(rng() % 300, static_cast<char>('a' + step % 26));
        map.put(key, value);
        model[key] = value;
      }
    }
    ASSERT_EQ(map.size(), model.size());
    std::string_view got;
    auto it = model.find(key);
    ASSERT_EQ(map.find(key, &got), it != model.end());
    if (it != model.end()) {
      ASSERT_EQ(got, it->second);
    }
    if (step % 97 == 0) {
      std::string a = random_key(rng), b = rng() % 3 == 0 ? "" : random_key(rng);
      if (!b.empty() && b < a) std::swap(a, b);
      size_t stop = rng() % 2 ? SIZE_MAX : 1 + rng() % 10;
      for (bool reverse : {false, true})
        ASSERT_EQ(walk(map, a, b, reverse, stop), walk(model, a, b, reverse, stop));
    }
  }
  EXPECT_EQ(walk(map, "", "", false), walk(model, "", "", false, SIZE_MAX));
  EXPECT_GT(map.bytes(), 0u);
  map.erase_range("", "");
  EXPECT_EQ(map.size(), 0u);
  EXPECT_EQ(map.bytes(), 0u);
}

TEST(EntryMap, AppendingKeepsOrderEvenOutOfOrderAndSwapMovesEverything) {
  EntryMap map;
  for (std::string k : {"a", "b", "d"}) map.append(k, "v" + k);
  std::string_view v;
  ASSERT_TRUE(map.find("b", &v));  // before the hash table is built: found in the tree
  EXPECT_EQ(v, "vb");
  map.append("c", "late");  // not after every key: placed as a put would
  map.append("d", "again");
  map.append("e", "ve");
  map.index();
  for (std::string k : {"a", "b", "c", "d", "e"}) EXPECT_TRUE(map.find(k, &v)) << k;
  EXPECT_FALSE(map.find("bb", &v));
  EXPECT_TRUE(map.erase("e"));
  EXPECT_EQ(walk(map, "", "", false), (Pairs{{"a", "va"}, {"b", "vb"}, {"c", "late"}, {"d", "again"}}));
  size_t bytes = map.bytes();
  EntryMap other;
  other.swap(map);
  EXPECT_EQ(map.size(), 0u);
  EXPECT_EQ(map.bytes(), 0u);
  EXPECT_EQ(other.size(), 4u);
  EXPECT_EQ(other.bytes(), bytes);
  other.clear();
  EXPECT_EQ(other.bytes(), 0u);
  EXPECT_EQ(walk(other, "", "", true), Pairs{});
}

TEST(EntryMap, BytesFollowTheValuesHeld) {
  EntryMap map;
  map.put("k", std::string(1000, 'x'));
  size_t big = map.bytes();
  EXPECT_GE(big, 1000u);
  map.put("k", std::string(600, 'y'));  // fits the block, over half of it: in place, same cost
  EXPECT_EQ(map.bytes(), big);
  map.put("k", std::string(10, 'z'));  // would waste most of the block: a new, smaller entry
  EXPECT_LT(map.bytes(), 200u);
  std::string_view v;
  ASSERT_TRUE(map.find("k", &v));
  EXPECT_EQ(v, std::string(10, 'z'));
  EXPECT_TRUE(map.erase("k"));
  EXPECT_EQ(map.bytes(), 0u);
}

TEST(EntryMap, PointLookupsHoldWhileTheHashTableGrowsAndEmpties) {
  // Enough keys for the table to double many times, with lookups, erases and range erases in between
  // (so some happen while old buckets are still being moved).
  std::mt19937 rng(11);
  EntryMap map;
  Model model;
  auto key = [](int i) { return "t#" + std::to_string(i * 7919 % 100003); };
  for (int i = 0; i < 60000; ++i) {
    std::string k = key(i);
    if (i % 3 == 0)
      map.append(k, k);  // mostly out of order: placed as a put
    else
      map.put(k, k);
    model[k] = k;
    if (i % 5 == 0) {
      std::string gone = key(static_cast<int>(rng() % static_cast<unsigned>(i + 1)));
      ASSERT_EQ(map.erase(gone), model.erase(gone) == 1);
    }
    if (i % 1000 == 999) {
      std::string a = key(static_cast<int>(rng() % 60000)), b = a + "5";
      auto lo = model.lower_bound(a), hi = model.lower_bound(b);
      size_t n = static_cast<size_t>(std::distance(lo, hi));
      model.erase(lo, hi);
      ASSERT_EQ(map.erase_range(a, b), n);
    }
    std::string_view v;
    std::string probe = key(static_cast<int>(rng() % 60000));
    ASSERT_EQ(map.find(probe, &v), model.count(probe) == 1) << probe;
  }
  ASSERT_EQ(map.size(), model.size());
  for (auto& [k, want] : model) {
    std::string_view v;
    ASSERT_TRUE(map.find(k, &v)) << k;
    ASSERT_EQ(v, want);
  }
  EXPECT_EQ(walk(map, "", "", false), walk(model, "", "", false, SIZE_MAX));
  for (auto& [k, want] : model) ASSERT_TRUE(map.erase(k));
  EXPECT_EQ(map.size(), 0u);
  EXPECT_EQ(map.bytes(), 0u);  // the table goes with the last entry
  std::string_view v;
  EXPECT_FALSE(map.find("t#7", &v));
  map.put("t#7", "back");
  ASSERT_TRUE(map.find("t#7", &v));
  EXPECT_EQ(v, "back");
}
