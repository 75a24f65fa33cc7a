// The one place that includes hnswlib (Debian's libhnswlib-dev): an HNSW graph of float vectors under
// numeric labels. Its own translation unit so that the sanitizer builds can leave hnswlib uninstrumented
// (its searches prefetch one element past a full neighbour list: a 4-byte read inside the malloc chunk
// that AddressSanitizer reports; CMakeLists.txt).
#pragma once
#include <cstddef>
#include <memory>
#include <vector>

namespace ddb::vec::hnsw {

class Index {
 public:
  // inner_product: distance 1 - a·b (unit vectors: cosine); otherwise squared L2. `capacity`: the number of
  // vectors it will hold.
  Index(size_t dims, bool inner_product, size_t capacity, size_t m, size_t ef_construction, size_t ef_search);
  ~Index();
  Index(const Index&) = delete;
  Index& operator=(const Index&) = delete;
  // Not thread-safe: one thread adds every vector (before any search).
  void add(const float* v, size_t label);
  // The labels of up to k vectors nearest to q (a beam of at least k), in no particular order. Searches may
  // run together.
  std::vector<size_t> search(const float* q, size_t k) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ddb::vec::hnsw
