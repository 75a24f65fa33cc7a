// Recall at top-10 of vec::Store's approximate (HNSW) search against its exact search, on a generated data
// set (Gaussian clusters, like embeddings, or uniform with --uniform), and the search time of each.
// usage: build/vector_recall [vectors=1000000] [dims=128] [queries=200] [--uniform]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "vector/store.h"

int main(int argc, char** argv) {
  std::vector<const char*> pos;
  bool uniform = false;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--uniform") == 0)
      uniform = true;
    else
      pos.push_back(argv[i]);
  }
  size_t n = pos.size() > 0 ? std::strtoul(pos[0], nullptr, 10) : 1000000;
  size_t dims = pos.size() > 1 ? std::strtoul(pos[1], nullptr, 10) : 128;
  size_t queries = pos.size() > 2 ? std::strtoul(pos[2], nullptr, 10) : 200;
  std::mt19937 rng(1);
  std::normal_distribution<float> g(0, 1), noise(0, 0.3F);
  std::uniform_real_distribution<float> u(-1, 1);
  std::vector<std::vector<float>> centers(1000, std::vector<float>(dims));
  for (auto& c : centers)
    for (auto& x : c) x = g(rng);
  auto sample = [&] {
    std::vector<float> v(dims);
    const auto& c = centers[rng() % centers.size()];
    for (size_t d = 0; d < dims; ++d) v[d] = uniform ? u(rng) : c[d] + noise(rng);
    return v;
  };
  ddb::vec::Store approx(dims, ddb::vec::Distance::kCosine, 1),
      exact(dims, ddb::vec::Distance::kCosine, n + 1);
  for (size_t i = 0; i < n; ++i) {
    auto v = sample();
    std::string k = "k" + std::to_string(i);
    approx.upsert(k, v, {});
    exact.upsert(k, v, {});
  }
  std::vector<std::vector<float>> qs;
  for (size_t i = 0; i < queries; ++i) qs.push_back(sample());
  auto t0 = std::chrono::steady_clock::now();
  approx.wait_idle();  // the graph is built in the background while the vectors arrive
  double build_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  size_t hit = 0;
  double t_approx = 0, t_exact = 0;
  for (const auto& q : qs) {
    auto a0 = std::chrono::steady_clock::now();
    auto a = approx.search(q.data(), 10, {});
    auto a1 = std::chrono::steady_clock::now();
    auto e = exact.search(q.data(), 10, {});
    auto e1 = std::chrono::steady_clock::now();
    t_approx += std::chrono::duration<double, std::micro>(a1 - a0).count();
    t_exact += std::chrono::duration<double, std::micro>(e1 - a1).count();
    std::set<std::string> truth;
    for (const auto& h : e) truth.insert(h.key);
    for (const auto& h : a) hit += truth.count(h.key);
  }
  std::printf(
      "%zu x %zu-d (%s), %zu queries: graph ready %.1f s after the last write; recall@10 %.4f; "
      "search %.0f us (approximate) vs %.0f us (exact)\n",
      n, dims, uniform ? "uniform" : "clustered", queries, build_s,
      static_cast<double>(hit) / static_cast<double>(10 * queries), t_approx / static_cast<double>(queries),
      t_exact / static_cast<double>(queries));
  return 0;
}
