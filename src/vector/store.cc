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

namespace {
// Sums in index order, one rounding per operation (the build turns off contraction into FMA), so a score
// is the same on every machine and equal to a straightforward f32 computation of the formula.
float dot(const float* a, const float* b, size_t n) {
  float s = 0;
  for (size_t i = 0; i < n; ++i) s += a[i] * b[i];
  return s;
}

float squared_distance(const float* a, const float* b, size_t n) {
  float s = 0;
  for (size_t i = 0; i < n; ++i) {
    float d = a[i] - b[i];
    s += d * d;
  }
  return s;
}

// COSINE from the dot product and the squared norms of the query (aa) and the stored vector (bb).
float cosine(float ab, float aa, float bb) {
  if (aa == 0 || bb == 0) return 1.0F;
  float c = ab / (std::sqrt(aa) * std::sqrt(bb));
  return 1.0F - std::clamp(c, -1.0F, 1.0F);
}
}  // namespace

float score(Distance d, const float* a, const float* b, size_t n) {
  switch (d) {
    case Distance::kCosine:
      return cosine(dot(a, b, n), dot(a, a, n), dot(b, b, n));
    case Distance::kEuclidean:
      return std::sqrt(squared_distance(a, b, n));
    case Distance::kDotProduct:
      return dot(a, b, n);
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

// An HNSW graph over some of the store's slots (labels are slot numbers), immutable once built. COSINE
// searches unit vectors by inner product, DOT_PRODUCT the vectors as they are, EUCLIDEAN by squared L2.
struct Store::Graph {
  std::unique_ptr<hnswlib::SpaceInterface<float>> space;
  std::unique_ptr<hnswlib::HierarchicalNSW<float>> index;
  bool unit = false;
  static constexpr size_t kM = 24, kEfConstruction = 200, kEfSearch = 160;
};

Store::Store(size_t dims, Distance d, size_t approx_threshold) : dims_(dims), dist_(d), threshold_(approx_threshold) {}

Store::~Store() {
  stop_ = true;
  if (builder_.joinable()) builder_.join();
}

size_t Store::size() const {
  std::shared_lock l(mu_);
  return slot_of_.size();
}

void Store::wait_idle() const {
  std::unique_lock l(mu_);
  idle_.wait(l, [&] { return !building_; });
}

void Store::changed(size_t slot) {
  ++version_[slot];
  if (in_graph_[slot]) {
    in_graph_[slot] = false;
    ++delta_;
  }
}

void Store::upsert(const std::string& key, const std::vector<float>& v, std::vector<std::optional<std::string>> attrs) {
  std::unique_lock l(mu_);
  size_t slot;
  auto it = slot_of_.find(key);
  if (it != slot_of_.end()) {
    slot = it->second;
    changed(slot);
  } else {
    if (!free_.empty()) {
      slot = free_.back();
      free_.pop_back();
    } else {
      slot = keys_.size();
      keys_.emplace_back();
      attrs_.emplace_back();
      version_.push_back(0);
      in_graph_.push_back(false);
      sqnorm_.push_back(0);
      data_.resize(data_.size() + dims_);
    }
    ++version_[slot];
    ++delta_;
    keys_[slot] = key;
    slot_of_[key] = slot;
  }
  attrs_[slot] = std::move(attrs);
  std::copy_n(v.begin(), std::min(v.size(), dims_), data_.begin() + static_cast<std::ptrdiff_t>(slot * dims_));
  sqnorm_[slot] = dot(&data_[slot * dims_], &data_[slot * dims_], dims_);
  maybe_rebuild();
}

void Store::erase(const std::string& key) {
  std::unique_lock l(mu_);
  auto it = slot_of_.find(key);
  if (it == slot_of_.end()) return;
  size_t slot = it->second;
  slot_of_.erase(it);
  if (!in_graph_[slot]) --delta_;
  in_graph_[slot] = false;
  ++version_[slot];
  keys_[slot].clear();
  attrs_[slot].clear();
  free_.push_back(slot);
}

void Store::maybe_rebuild() {
  size_t n = slot_of_.size();
  if (building_ || n < threshold_ || (graph_ && delta_ * 10 < n)) return;
  std::vector<size_t> slots;
  std::vector<uint64_t> versions;
  std::vector<float> data;
  slots.reserve(n);
  versions.reserve(n);
  data.reserve(n * dims_);
  for (size_t s = 0; s < keys_.size(); ++s) {
    if (keys_[s].empty()) continue;
    slots.push_back(s);
    versions.push_back(version_[s]);
    data.insert(data.end(), data_.begin() + static_cast<std::ptrdiff_t>(s * dims_),
                data_.begin() + static_cast<std::ptrdiff_t>((s + 1) * dims_));
  }
  building_ = true;
  if (builder_.joinable()) builder_.join();  // the previous build has finished (building_ was false)
  builder_ = std::thread(&Store::build, this, std::move(slots), std::move(versions), std::move(data));
}

void Store::build(std::vector<size_t> slots, std::vector<uint64_t> versions, std::vector<float> data) {
  auto g = std::make_shared<Graph>();
  if (dist_ == Distance::kEuclidean) {
    g->space = std::make_unique<hnswlib::L2Space>(dims_);
  } else {
    g->space = std::make_unique<hnswlib::InnerProductSpace>(dims_);
    g->unit = dist_ == Distance::kCosine;
  }
  g->index = std::make_unique<hnswlib::HierarchicalNSW<float>>(g->space.get(), std::max<size_t>(slots.size(), 1),
                                                               Graph::kM, Graph::kEfConstruction);
  g->index->setEf(Graph::kEfSearch);  // searches never change it (they run together): a wider want widens
  for (size_t i = 0; i < slots.size() && !stop_; ++i) {
    const float* v = &data[i * dims_];
    if (g->unit) {
      auto u = normalized(v, dims_);
      g->index->addPoint(u.data(), slots[i]);
    } else {
      g->index->addPoint(v, slots[i]);
    }
  }
  std::unique_lock l(mu_);
  if (!stop_) {
    std::fill(in_graph_.begin(), in_graph_.end(), false);
    for (size_t i = 0; i < slots.size(); ++i)
      if (!keys_[slots[i]].empty() && version_[slots[i]] == versions[i]) in_graph_[slots[i]] = true;
    delta_ = 0;
    for (size_t s = 0; s < keys_.size(); ++s) delta_ += !keys_[s].empty() && !in_graph_[s] ? 1 : 0;
    graph_ = std::move(g);
  }
  building_ = false;
  idle_.notify_all();
}

bool Store::matches(size_t slot, const Match& m) const {
  const auto& a = attrs_[slot];
  for (const auto& [pos, value] : m)
    if (pos >= a.size() || !a[pos] || *a[pos] != value) return false;
  return true;
}

namespace {
// Keeps the k best hits in a heap whose front is the worst kept.
class TopK {
 public:
  TopK(Distance d, size_t k) : better_{d}, k_(k) { top_.reserve(k + 1); }
  bool wants(float score, const std::string& key) const {
    if (k_ == 0) return false;
    return top_.size() < k_ || better_(Hit{score, key}, top_.front());
  }
  void add(Hit h) {
    if (!wants(h.score, h.key)) return;
    top_.push_back(std::move(h));
    std::push_heap(top_.begin(), top_.end(), better_);
    if (top_.size() > k_) {
      std::pop_heap(top_.begin(), top_.end(), better_);
      top_.pop_back();
    }
  }
  std::vector<Hit> take() {
    std::sort(top_.begin(), top_.end(), better_);
    return std::move(top_);
  }

 private:
  Better better_;
  size_t k_;
  std::vector<Hit> top_;
};
}  // namespace

float Store::score_slot(const float* q, float qq, size_t s) const {
  const float* v = &data_[s * dims_];
  switch (dist_) {
    case Distance::kCosine:
      return cosine(dot(q, v, dims_), qq, sqnorm_[s]);
    case Distance::kEuclidean:
      return std::sqrt(squared_distance(q, v, dims_));
    case Distance::kDotProduct:
      return dot(q, v, dims_);
  }
  return 0;
}

std::vector<Hit> Store::exact(const float* q, size_t k, const Match& m) const {
  TopK top(dist_, k);
  float qq = dot(q, q, dims_);
  for (size_t s = 0; s < keys_.size(); ++s) {
    if (keys_[s].empty() || !matches(s, m)) continue;
    float sc = score_slot(q, qq, s);
    if (top.wants(sc, keys_[s])) top.add(Hit{sc, keys_[s]});
  }
  return top.take();
}

std::vector<Hit> Store::approximate(const float* q, size_t k) const {
  // Ask the graph for more than k candidates (a wide beam keeps recall at top-10 above 0.99), score them
  // exactly with the current vectors, and add the delta (slots whose vector the graph does not hold).
  TopK top(dist_, k);
  float qq = dot(q, q, dims_);
  size_t want = std::min(slot_of_.size(), std::max<size_t>(k * 8, Graph::kEfSearch));
  auto query = graph_->unit ? normalized(q, dims_) : std::vector<float>(q, q + dims_);
  auto found = graph_->index->searchKnn(query.data(), want);
  for (; !found.empty(); found.pop()) {
    size_t s = found.top().second;
    if (s < keys_.size() && in_graph_[s]) top.add(Hit{score_slot(q, qq, s), keys_[s]});
  }
  if (delta_ > 0)
    for (size_t s = 0; s < keys_.size(); ++s)
      if (!in_graph_[s] && !keys_[s].empty()) top.add(Hit{score_slot(q, qq, s), keys_[s]});
  return top.take();
}

std::vector<Hit> Store::search(const float* query, size_t k, const Match& match, bool* approximate_used) const {
  std::shared_lock l(mu_);
  bool approx = graph_ && match.empty() && k > 0 && slot_of_.size() >= threshold_;
  if (approximate_used) *approximate_used = approx;
  return approx ? approximate(query, k) : exact(query, k, match);
}

}  // namespace ddb::vec
