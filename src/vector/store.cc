// Vector similarity search over one vector index (store.h).
#include "vector/store.h"

#include <algorithm>
#include <cmath>
#include <mutex>

#include <hnswlib/hnswlib.h>

namespace ddb::vec {

std::optional<Distance> distance_from_name(std::string_view name) {
  if (name == "COSINE") return Distance::kCosine;
  if (name == "EUCLIDEAN") return Distance::kEuclidean;
  if (name == "DOT_PRODUCT") return Distance::kDotProduct;
  return std::nullopt;
}

const char* distance_name(Distance d) {
  switch (d) {
    case Distance::kCosine:
      return "COSINE";
    case Distance::kEuclidean:
      return "EUCLIDEAN";
    case Distance::kDotProduct:
      return "DOT_PRODUCT";
  }
  return "COSINE";
}

float score(Distance d, const float* a, const float* b, size_t n) {
  float dot = 0, aa = 0, bb = 0, sq = 0;
  for (size_t i = 0; i < n; ++i) {
    dot += a[i] * b[i];
    aa += a[i] * a[i];
    bb += b[i] * b[i];
    float diff = a[i] - b[i];
    sq += diff * diff;
  }
  switch (d) {
    case Distance::kCosine: {
      if (aa == 0 || bb == 0) return 1.0F;
      float c = dot / (std::sqrt(aa) * std::sqrt(bb));
      return 1.0F - std::clamp(c, -1.0F, 1.0F);
    }
    case Distance::kEuclidean:
      return std::sqrt(sq);
    case Distance::kDotProduct:
      return dot;
  }
  return 0;
}

namespace {
// Candidate order: closer first, then key order (deterministic ties).
struct Better {
  Distance d;
  bool operator()(const Hit& a, const Hit& b) const {
    if (a.score != b.score) return closer(d, a.score, b.score);
    return a.key < b.key;
  }
};

std::vector<float> normalized(const float* v, size_t n) {
  std::vector<float> out(v, v + n);
  float norm = 0;
  for (float x : out) norm += x * x;
  if (norm > 0) {
    norm = std::sqrt(norm);
    for (float& x : out) x /= norm;
  }
  return out;
}
}  // namespace

// The HNSW graph over the store's slots (labels are slot numbers). COSINE searches unit vectors by inner
// product, DOT_PRODUCT the vectors as they are, EUCLIDEAN by squared L2.
struct Store::Graph {
  std::unique_ptr<hnswlib::SpaceInterface<float>> space;
  std::unique_ptr<hnswlib::HierarchicalNSW<float>> index;
  bool unit = false;
  static constexpr size_t kM = 24, kEfConstruction = 200, kEfSearch = 160;
};

Store::Store(size_t dims, Distance d, size_t approx_threshold) : dims_(dims), dist_(d), threshold_(approx_threshold) {}
Store::~Store() = default;

size_t Store::size() const {
  std::shared_lock l(mu_);
  return slot_of_.size();
}

void Store::graph_add(size_t slot) const {
  const float* v = &data_[slot * dims_];
  auto& idx = *graph_->index;
  if (idx.cur_element_count >= idx.max_elements_) idx.resizeIndex(idx.max_elements_ * 2);
  if (graph_->unit) {
    auto u = normalized(v, dims_);
    idx.addPoint(u.data(), slot);
  } else {
    idx.addPoint(v, slot);
  }
}

void Store::build_graph() const {
  auto g = std::make_unique<Graph>();
  if (dist_ == Distance::kEuclidean) {
    g->space = std::make_unique<hnswlib::L2Space>(dims_);
  } else {
    g->space = std::make_unique<hnswlib::InnerProductSpace>(dims_);
    g->unit = dist_ == Distance::kCosine;
  }
  g->index = std::make_unique<hnswlib::HierarchicalNSW<float>>(g->space.get(), std::max<size_t>(keys_.size(), 1024),
                                                               Graph::kM, Graph::kEfConstruction);
  g->index->setEf(Graph::kEfSearch);  // searches never change it (they run together): want above it widens
  graph_ = std::move(g);
  for (size_t s = 0; s < keys_.size(); ++s)
    if (!keys_[s].empty()) graph_add(s);
}

void Store::upsert(const std::string& key, const std::vector<float>& v, std::vector<std::optional<std::string>> attrs) {
  std::unique_lock l(mu_);
  size_t slot;
  auto it = slot_of_.find(key);
  if (it != slot_of_.end()) {
    slot = it->second;
  } else if (!free_.empty()) {
    slot = free_.back();
    free_.pop_back();
  } else {
    slot = keys_.size();
    keys_.emplace_back();
    attrs_.emplace_back();
    data_.resize(data_.size() + dims_);
  }
  keys_[slot] = key;
  attrs_[slot] = std::move(attrs);
  std::copy_n(v.begin(), std::min(v.size(), dims_), data_.begin() + static_cast<std::ptrdiff_t>(slot * dims_));
  slot_of_[key] = slot;
  if (graph_) graph_add(slot);
}

void Store::erase(const std::string& key) {
  std::unique_lock l(mu_);
  auto it = slot_of_.find(key);
  if (it == slot_of_.end()) return;
  size_t slot = it->second;
  slot_of_.erase(it);
  keys_[slot].clear();
  attrs_[slot].clear();
  free_.push_back(slot);
  if (graph_) graph_->index->markDelete(slot);
}

bool Store::matches(size_t slot, const Match& m) const {
  const auto& a = attrs_[slot];
  for (const auto& [pos, value] : m)
    if (pos >= a.size() || !a[pos] || *a[pos] != value) return false;
  return true;
}

std::vector<Hit> Store::exact(const float* q, size_t k, const Match& m) const {
  Better better{dist_};
  std::vector<Hit> top;  // a heap whose front is the worst kept
  top.reserve(k + 1);
  for (size_t s = 0; s < keys_.size(); ++s) {
    if (keys_[s].empty() || !matches(s, m)) continue;
    Hit h{score(dist_, q, &data_[s * dims_], dims_), keys_[s]};
    if (top.size() == k && !better(h, top.front())) continue;
    top.push_back(std::move(h));
    std::push_heap(top.begin(), top.end(), better);
    if (top.size() > k) {
      std::pop_heap(top.begin(), top.end(), better);
      top.pop_back();
    }
  }
  std::sort(top.begin(), top.end(), better);
  return top;
}

std::vector<Hit> Store::approximate(const float* q, size_t k) const {
  // Ask the graph for more than k candidates (a wide beam keeps recall at top-10 above 0.99), then
  // score them exactly and keep the k best.
  size_t want = std::min(slot_of_.size(), std::max<size_t>(k * 8, Graph::kEfSearch));
  auto& idx = *graph_->index;
  auto query = graph_->unit ? normalized(q, dims_) : std::vector<float>(q, q + dims_);
  auto found = idx.searchKnn(query.data(), want);
  std::vector<Hit> hits;
  hits.reserve(found.size());
  for (; !found.empty(); found.pop()) {
    size_t s = found.top().second;
    if (s < keys_.size() && !keys_[s].empty()) hits.push_back(Hit{score(dist_, q, &data_[s * dims_], dims_), keys_[s]});
  }
  Better better{dist_};
  std::sort(hits.begin(), hits.end(), better);
  if (hits.size() > k) hits.resize(k);
  return hits;
}

std::vector<Hit> Store::search(const float* query, size_t k, const Match& match, bool* approximate_used) const {
  bool approx = match.empty() && k > 0;
  {
    std::shared_lock l(mu_);
    approx = approx && slot_of_.size() >= threshold_;
    if (!approx) {
      if (approximate_used) *approximate_used = false;
      return exact(query, k, match);
    }
    if (graph_) {
      if (approximate_used) *approximate_used = true;
      return approximate(query, k);
    }
  }
  std::unique_lock l(mu_);
  if (!graph_) build_graph();
  if (approximate_used) *approximate_used = true;
  return approximate(query, k);
}

}  // namespace ddb::vec
