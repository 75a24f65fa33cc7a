// Vector similarity search over one vector index: the vectors (32-bit floats, as the service stores
// them), each under its item's storage key with the values of the index's search-schema attributes.
// Searched exactly below a size threshold (and whenever a search filters); above it an HNSW graph
// (hnswlib) proposes candidates. Scores are always computed exactly, in f32, by score().
//
// The graph is built in the background, from a copy of the vectors, and installed when done: writes and
// searches never wait for it. Vectors written since the installed graph was built (the "delta") are
// searched exactly beside it, and a new graph is built once the delta outgrows a tenth of the index.
//
// Thread-safety: every member may be called from many threads; writers (upsert, erase) exclude
// searches, searches run together.
#pragma once
#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

namespace ddb::vec {

enum class Distance { kCosine, kEuclidean, kDotProduct };
std::optional<Distance> distance_from_name(std::string_view name);

// The service's scores: COSINE 1 - cos(a, b) (0 identical … 2 opposite; 1 when either vector is zero),
// EUCLIDEAN the distance, DOT_PRODUCT the dot product. Lower is closer, but for DOT_PRODUCT.
float score(Distance d, const float* a, const float* b, size_t n);
// Whether score `a` ranks before score `b`.
inline bool closer(Distance d, float a, float b) {
  return d == Distance::kDotProduct ? a > b : a < b;
}

// What a search may ask of an entry: for some search-schema positions, a value equal to the one given
// (values in their encoded form; an absent attribute matches nothing).
using Match = std::vector<std::pair<size_t, std::string>>;

struct Hit {
  float score = 0;
  std::string key;
};

class Store {
 public:
  // `approx_threshold`: from this many entries up, unfiltered searches use the graph (once built).
  Store(size_t dims, Distance d, size_t approx_threshold = kDefaultApproxThreshold);
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;
  static constexpr size_t kDefaultApproxThreshold = 20000;

  // `attrs`: the encoded values of the search-schema attributes, in schema order (nullopt: absent).
  void upsert(const std::string& key, const std::vector<float>& v,
              std::vector<std::optional<std::string>> attrs);
  void erase(const std::string& key);
  size_t size() const;
  // The k closest entries matching `match`, closest first; ties in key order. *approximate tells whether
  // a graph proposed candidates.
  std::vector<Hit> search(const float* query, size_t k, const Match& match,
                          bool* approximate = nullptr) const;
  // Waits until no graph is being built (tests and benchmarks).
  void wait_idle() const;

 private:
  struct Graph;
  bool matches(size_t slot, const Match& m) const;
  float score_slot(const float* q, float qq, size_t slot) const;  // score() with the norms known
  static constexpr size_t kBlock = 8;
  // score_slot of `count` (≤ kBlock) slots into out.
  void score_block(const float* q, float qq, const size_t* slots, size_t count, float* out) const;
  std::vector<Hit> exact(const float* q, size_t k, const Match& m) const;
  std::vector<Hit> approximate(const float* q, size_t k) const;
  // The live slots with their versions and a copy of their vectors, for a build outside the lock.
  struct Snapshot {
    std::vector<size_t> slots;
    std::vector<uint64_t> versions;
    std::vector<float> data;
  };
  void changed(size_t slot);                                      // REQUIRES: mu_ held exclusively
  bool needs_graph() const;                                       // REQUIRES: mu_ held
  Snapshot snapshot() const;                                      // REQUIRES: mu_ held
  void maybe_rebuild();                                           // REQUIRES: mu_ held exclusively
  std::shared_ptr<Graph> make_graph(const Snapshot& snap) const;  // without the lock
  void build(Snapshot snap);                                      // the builder thread

  const size_t dims_;
  const Distance dist_;
  const size_t threshold_;
  mutable std::shared_mutex mu_;
  std::vector<float> data_;        // slot * dims_
  std::vector<std::string> keys_;  // empty: free slot
  std::vector<std::vector<std::optional<std::string>>> attrs_;
  std::vector<float> sqnorm_;      // each slot's squared norm (COSINE)
  std::vector<uint64_t> version_;  // bumped by every change of a slot
  std::vector<bool> in_graph_;     // the slot's current vector is in graph_
  size_t delta_ = 0;               // live slots not in graph_
  std::vector<size_t> free_;
  std::unordered_map<std::string, size_t> slot_of_;
  std::shared_ptr<const Graph> graph_;
  // The background build: at most one at a time.
  bool building_ = false;
  std::atomic<bool> stop_{false};
  std::thread builder_;
  mutable std::condition_variable_any idle_;
};

}  // namespace ddb::vec
