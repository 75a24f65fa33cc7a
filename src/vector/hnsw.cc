// hnswlib behind vector/hnsw.h.
#include "vector/hnsw.h"

#include <hnswlib/hnswlib.h>

namespace ddb::vec::hnsw {

struct Index::Impl {
  std::unique_ptr<hnswlib::SpaceInterface<float>> space;
  std::unique_ptr<hnswlib::HierarchicalNSW<float>> graph;
};

Index::Index(size_t dims, bool inner_product, size_t capacity, size_t m, size_t ef_construction,
             size_t ef_search)
    : impl_(std::make_unique<Impl>()) {
  if (inner_product)
    impl_->space = std::make_unique<hnswlib::InnerProductSpace>(dims);
  else
    impl_->space = std::make_unique<hnswlib::L2Space>(dims);
  impl_->graph = std::make_unique<hnswlib::HierarchicalNSW<float>>(
      impl_->space.get(), std::max<size_t>(capacity, 1), m, ef_construction);
  impl_->graph->setEf(ef_search);  // never changed after: searches run together, a larger k widens the beam
}

Index::~Index() = default;

void Index::add(const float* v, size_t label) {
  impl_->graph->addPoint(v, label);
}

std::vector<size_t> Index::search(const float* q, size_t k) const {
  auto found = impl_->graph->searchKnn(q, k);
  std::vector<size_t> out;
  out.reserve(found.size());
  for (; !found.empty(); found.pop()) out.push_back(found.top().second);
  return out;
}

}  // namespace ddb::vec::hnsw
