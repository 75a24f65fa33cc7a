// vec::Store: exact search order and ties, updates and deletes, search-schema matches, the approximate
// path's recall and exact scores, and searches running beside writes (ThreadSanitizer tier).
#include <algorithm>
#include <random>
#include <set>
#include <thread>

#include <gtest/gtest.h>

#include "vector/store.h"

namespace ddb::vec {
namespace {

TEST(VectorStore, ScoresFollowTheDistanceFormulas) {
  float a[] = {1, 0}, same[] = {2, 0}, orth[] = {0, 3}, opp[] = {-1, 0}, zero[] = {0, 0};
  EXPECT_EQ(score(Distance::kCosine, a, same, 2), 0.0F);
  EXPECT_EQ(score(Distance::kCosine, a, orth, 2), 1.0F);
  EXPECT_EQ(score(Distance::kCosine, a, opp, 2), 2.0F);
  EXPECT_EQ(score(Distance::kCosine, a, zero, 2), 1.0F);
  EXPECT_EQ(score(Distance::kEuclidean, a, opp, 2), 2.0F);
  EXPECT_EQ(score(Distance::kDotProduct, a, same, 2), 2.0F);
  EXPECT_TRUE(closer(Distance::kDotProduct, 2, 1));
  EXPECT_TRUE(closer(Distance::kEuclidean, 1, 2));
}

TEST(VectorStore, ExactTopKWithTiesInKeyOrderUpdatesAndDeletes) {
  Store s(2, Distance::kEuclidean);
  for (std::string k : {"d", "b", "c", "a"}) s.upsert(k, {1, 1}, {});
  s.upsert("far", {9, 9}, {});
  auto hits = s.search(std::vector<float>{1, 1}.data(), 3, {});
  ASSERT_EQ(hits.size(), 3U);
  EXPECT_EQ(hits[0].key, "a");
  EXPECT_EQ(hits[2].key, "c");
  s.upsert("far", {1, 1.5F}, {});  // an update moves it
  s.erase("a");
  s.erase("missing");
  hits = s.search(std::vector<float>{1, 1.5F}.data(), 2, {});
  EXPECT_EQ(hits[0].key, "far");
  EXPECT_EQ(hits[1].key, "b");
  EXPECT_EQ(s.size(), 4U);
}

TEST(VectorStore, MatchesSelectBySearchSchemaValues) {
  Store s(1, Distance::kDotProduct);
  s.upsert("x", {1}, {std::string("cat-a"), std::nullopt});
  s.upsert("y", {2}, {std::string("cat-b"), std::string("red")});
  s.upsert("z", {3}, {std::string("cat-a"), std::string("red")});
  auto q = std::vector<float>{1};
  auto hits = s.search(q.data(), 10, {{0, "cat-a"}});
  ASSERT_EQ(hits.size(), 2U);
  EXPECT_EQ(hits[0].key, "z");  // DOT_PRODUCT: higher is closer
  EXPECT_EQ(s.search(q.data(), 10, {{0, "cat-a"}, {1, "red"}}).size(), 1U);
  EXPECT_TRUE(s.search(q.data(), 10, {{1, "blue"}}).empty());
}

std::vector<float> random_vector(std::mt19937& rng, size_t dims) {
  std::uniform_real_distribution<float> u(-1, 1);
  std::vector<float> v(dims);
  for (auto& x : v) x = u(rng);
  return v;
}

TEST(VectorStore, ApproximateSearchKeepsRecallAndExactScores) {
  const size_t dims = 24, n = 4000;
  Store approx(dims, Distance::kCosine, 1000), exact(dims, Distance::kCosine, 1000000);
  std::mt19937 rng(42);
  for (size_t i = 0; i < n; ++i) {
    auto v = random_vector(rng, dims);
    approx.upsert("k" + std::to_string(i), v, {});
    exact.upsert("k" + std::to_string(i), v, {});
  }
  for (size_t i = 0; i < 200; ++i) {
    approx.erase("k" + std::to_string(i));
    exact.erase("k" + std::to_string(i));
  }
  approx.wait_idle();  // the graph is built in the background
  size_t found = 0, wanted = 0;
  for (int q = 0; q < 50; ++q) {
    auto v = random_vector(rng, dims);
    bool used = false;
    auto got = approx.search(v.data(), 10, {}, &used);
    auto truth = exact.search(v.data(), 10, {});
    EXPECT_TRUE(used);
    std::set<std::string> t;
    for (auto& h : truth) t.insert(h.key);
    for (auto& h : got) {
      found += t.count(h.key);
      EXPECT_GE(std::stoul(h.key.substr(1)), 200U);  // deleted entries are never returned
    }
    wanted += truth.size();
    for (size_t i = 0; i + 1 < got.size(); ++i) EXPECT_LE(got[i].score, got[i + 1].score);
  }
  EXPECT_GE(static_cast<double>(found) / static_cast<double>(wanted), 0.99);
}

TEST(VectorStore, WritesAfterTheGraphAreSearchedExactlyBesideIt) {
  const size_t dims = 4;
  Store s(dims, Distance::kEuclidean, 150);
  std::mt19937 rng(5);
  for (int i = 0; i < 150; ++i) s.upsert("k" + std::to_string(i), random_vector(rng, dims), {});
  s.wait_idle();
  s.upsert("new", {5, 5, 5, 5}, {});     // after the graph was built: in the delta
  s.upsert("k3", {-5, -5, -5, -5}, {});  // moved: its graph position is stale
  bool used = false;
  auto hits = s.search(std::vector<float>{5, 5, 5, 5}.data(), 1, {}, &used);
  EXPECT_TRUE(used);
  ASSERT_EQ(hits.size(), 1U);
  EXPECT_EQ(hits[0].key, "new");
  EXPECT_EQ(hits[0].score, 0.0F);
  hits = s.search(std::vector<float>{-5, -5, -5, -5}.data(), 2, {});
  ASSERT_EQ(hits.size(), 2U);
  EXPECT_EQ(hits[0].key, "k3");
  EXPECT_NE(hits[1].key, "k3");  // once, however many ways it was found
  s.erase("new");
  hits = s.search(std::vector<float>{5, 5, 5, 5}.data(), 1, {});
  EXPECT_NE(hits[0].key, "new");
}

TEST(VectorStore, SearchesRunBesideWritesAndTheBackgroundBuild) {
  const size_t dims = 8;
  Store s(dims, Distance::kEuclidean, 500);  // the graph is built from the 500th vector on, in the background
  std::mt19937 seed(1);
  for (int i = 0; i < 600; ++i) s.upsert("k" + std::to_string(i), random_vector(seed, dims), {});
  std::thread writer([&] {
    std::mt19937 rng(2);
    for (int i = 0; i < 2000; ++i) {
      std::string k = "k" + std::to_string(i % 50);
      if (i % 3 == 0)
        s.erase(k);
      else
        s.upsert(k, random_vector(rng, dims), {});
    }
  });
  std::thread reader([&] {
    std::mt19937 rng(3);
    for (int i = 0; i < 300; ++i) {
      auto q = random_vector(rng, dims);
      auto hits = s.search(q.data(), 5, i % 2 ? Match{} : Match{{0, "none"}});
      EXPECT_LE(hits.size(), 5U);
    }
  });
  writer.join();
  reader.join();
  s.wait_idle();
  bool used = false;
  auto q = random_vector(seed, dims);
  EXPECT_EQ(s.search(q.data(), 5, {}, &used).size(), 5U);
  EXPECT_TRUE(used);
  EXPECT_GE(s.size(), 550U);
}

}  // namespace
}  // namespace ddb::vec
