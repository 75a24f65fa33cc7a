// Vector similarity search over one vector index (store.h).
#include "vector/store.h"

#include <algorithm>
#include <cmath>
#include <mutex>
#include <random>
#include <set>

#include "vector/hnsw.h"

namespace ddb::vec {

std::optional<Distance> distance_from_name(std::string_view name) {
  if (name == "COSINE") return Distance::kCosine;
  if (name == "EUCLIDEAN") return Distance::kEuclidean;
  if (name == "DOT_PRODUCT") return Distance::kDotProduct;
  return std::nullopt;
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

namespace {
constexpr size_t kGraphM = 24, kEfConstruction = 200, kMinEf = 160;
constexpr double kRecallTarget = 0.995;
}  // namespace

// An HNSW graph over some of the store's slots (labels are slot numbers), immutable once built. COSINE
// searches unit vectors by inner product, DOT_PRODUCT the vectors as they are, EUCLIDEAN by squared L2.
struct Store::Graph {
  std::unique_ptr<hnsw::Index> index;
  bool unit = false;
  size_t ef = 0;  // the beam that reaches the recall target on this data (calibrate); 0: search exactly
};

namespace {
// The smallest beam (160, 320, ... up to a twentieth of the vectors, beyond which exact search is as fast)
// with which the graph finds at least kRecallTarget of the exact top-10 of sample queries near the data
// (stored vectors with a little noise); 0 when none does, and searches then stay exact. `slots[i]` is the
// label of data[i * dims].
size_t calibrate(const hnsw::Index& index, bool unit, Distance dist, size_t dims,
                 const std::vector<float>& data, const std::vector<size_t>& slots,
                 const std::atomic<bool>& stop) {
  const size_t n = slots.size(), k = 10, samples = std::min<size_t>(32, n);
  if (n == 0) return kMinEf;
  std::mt19937 rng(12345);
  float rms = 0;
  for (size_t i = 0; i < std::min(data.size(), dims * 1000); ++i) rms += data[i] * data[i];
  rms = std::sqrt(rms / static_cast<float>(std::min(data.size(), dims * 1000)));
  std::normal_distribution<float> noise(0, 0.05F * (rms > 0 ? rms : 1));
  std::vector<std::vector<float>> queries;
  std::vector<std::set<size_t>> truth;
  for (size_t q = 0; q < samples && !stop; ++q) {
    const float* base = &data[(rng() % n) * dims];
    std::vector<float> v(base, base + dims);
    for (auto& x : v) x += noise(rng);
    std::vector<std::pair<float, size_t>> all;
    all.reserve(n);
    for (size_t i = 0; i < n; ++i) all.emplace_back(score(dist, v.data(), &data[i * dims], dims), slots[i]);
    std::partial_sort(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(std::min(k, n)), all.end(),
                      [&](const auto& a, const auto& b) { return closer(dist, a.first, b.first); });
    std::set<size_t> t;
    for (size_t i = 0; i < std::min(k, n); ++i) t.insert(all[i].second);
    truth.push_back(std::move(t));
    queries.push_back(std::move(v));
  }
  for (size_t ef = kMinEf; ef <= std::max(n / 20, kMinEf) && !stop; ef *= 2) {
    size_t found = 0, wanted = 0;
    for (size_t q = 0; q < queries.size(); ++q) {
      auto query = unit ? normalized(queries[q].data(), dims) : queries[q];
      for (size_t label : index.search(query.data(), std::min(n, ef))) found += truth[q].count(label);
      wanted += truth[q].size();
    }
    if (static_cast<double>(found) >= kRecallTarget * static_cast<double>(wanted)) return ef;
  }
  return 0;
}
}  // namespace

Store::Store(size_t dims, Distance d, size_t approx_threshold)
    : dims_(dims), dist_(d), threshold_(approx_threshold) {}

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

void Store::upsert(const std::string& key, const std::vector<float>& v,
                   std::vector<std::optional<std::string>> attrs) {
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
  std::copy_n(v.begin(), std::min(v.size(), dims_),
              data_.begin() + static_cast<std::ptrdiff_t>(slot * dims_));
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

bool Store::needs_graph() const {
  size_t n = slot_of_.size();
  return n >= threshold_ && (!graph_ || delta_ * 10 >= n);
}

Store::Snapshot Store::snapshot() const {
  Snapshot snap;
  size_t n = slot_of_.size();
  snap.slots.reserve(n);
  snap.versions.reserve(n);
  snap.data.reserve(n * dims_);
  for (size_t s = 0; s < keys_.size(); ++s) {
    if (keys_[s].empty()) continue;
    snap.slots.push_back(s);
    snap.versions.push_back(version_[s]);
    snap.data.insert(snap.data.end(), data_.begin() + static_cast<std::ptrdiff_t>(s * dims_),
                     data_.begin() + static_cast<std::ptrdiff_t>((s + 1) * dims_));
  }
  return snap;
}

void Store::maybe_rebuild() {
  if (building_ || !needs_graph()) return;
  building_ = true;
  if (builder_.joinable()) builder_.join();  // the previous build has finished (building_ was false)
  builder_ = std::thread(&Store::build, this, snapshot());
}

std::shared_ptr<Store::Graph> Store::make_graph(const Snapshot& snap) const {
  auto g = std::make_shared<Graph>();
  g->unit = dist_ == Distance::kCosine;
  g->index = std::make_unique<hnsw::Index>(dims_, dist_ != Distance::kEuclidean, snap.slots.size(), kGraphM,
                                           kEfConstruction, kMinEf);
  for (size_t i = 0; i < snap.slots.size() && !stop_; ++i) {
    const float* v = &snap.data[i * dims_];
    if (g->unit) {
      auto u = normalized(v, dims_);
      g->index->add(u.data(), snap.slots[i]);
    } else {
      g->index->add(v, snap.slots[i]);
    }
  }
  g->ef = stop_ ? 0 : calibrate(*g->index, g->unit, dist_, dims_, snap.data, snap.slots, stop_);
  return g;
}

void Store::build(Snapshot snap) {
  for (;;) {
    auto g = make_graph(snap);
    std::unique_lock l(mu_);
    if (stop_) break;
    std::fill(in_graph_.begin(), in_graph_.end(), false);
    for (size_t i = 0; i < snap.slots.size(); ++i) {
      size_t s = snap.slots[i];
      if (!keys_[s].empty() && version_[s] == snap.versions[i]) in_graph_[s] = true;
    }
    delta_ = 0;
    for (size_t s = 0; s < keys_.size(); ++s) delta_ += !keys_[s].empty() && !in_graph_[s] ? 1 : 0;
    graph_ = std::move(g);
    if (!needs_graph()) break;
    snap = snapshot();  // the writes that came during the build outgrew the delta: build again
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

void Store::score_block(const float* q, float qq, const size_t* slots, size_t count, float* out) const {
  // Eight stored vectors at once: eight independent sums, each still in index order (the same result as
  // score_slot, several times faster than one dependent chain at a time).
  const float* v[kBlock];
  for (size_t j = 0; j < kBlock; ++j) v[j] = &data_[slots[j < count ? j : 0] * dims_];
  float acc[kBlock] = {};
  if (dist_ == Distance::kEuclidean) {
    for (size_t d = 0; d < dims_; ++d)
      for (size_t j = 0; j < kBlock; ++j) {
        float t = q[d] - v[j][d];
        acc[j] += t * t;
      }
  } else {
    for (size_t d = 0; d < dims_; ++d)
      for (size_t j = 0; j < kBlock; ++j) acc[j] += q[d] * v[j][d];
  }
  for (size_t j = 0; j < count; ++j) {
    switch (dist_) {
      case Distance::kCosine:
        out[j] = cosine(acc[j], qq, sqnorm_[slots[j]]);
        break;
      case Distance::kEuclidean:
        out[j] = std::sqrt(acc[j]);
        break;
      case Distance::kDotProduct:
        out[j] = acc[j];
        break;
    }
  }
}

std::vector<Hit> Store::exact(const float* q, size_t k, const Match& m) const {
  TopK top(dist_, k);
  float qq = dot(q, q, dims_);
  size_t block[kBlock];
  size_t count = 0;
  auto flush = [&] {
    float sc[kBlock];
    score_block(q, qq, block, count, sc);
    for (size_t j = 0; j < count; ++j)
      if (top.wants(sc[j], keys_[block[j]])) top.add(Hit{sc[j], keys_[block[j]]});
    count = 0;
  };
  for (size_t s = 0; s < keys_.size(); ++s) {
    if (keys_[s].empty() || !matches(s, m)) continue;
    block[count++] = s;
    if (count == kBlock) flush();
  }
  if (count > 0) flush();
  return top.take();
}

std::vector<Hit> Store::approximate(const float* q, size_t k) const {
  // Ask the graph for more than k candidates (a wide beam keeps recall at top-10 above 0.99), score them
  // exactly with the current vectors, and add the delta (slots whose vector the graph does not hold).
  TopK top(dist_, k);
  float qq = dot(q, q, dims_);
  size_t want = std::min(slot_of_.size(), std::max<size_t>(k * 8, graph_->ef));
  auto query = graph_->unit ? normalized(q, dims_) : std::vector<float>(q, q + dims_);
  for (size_t s : graph_->index->search(query.data(), want))
    if (s < keys_.size() && in_graph_[s]) top.add(Hit{score_slot(q, qq, s), keys_[s]});
  if (delta_ > 0)
    for (size_t s = 0; s < keys_.size(); ++s)
      if (!in_graph_[s] && !keys_[s].empty()) top.add(Hit{score_slot(q, qq, s), keys_[s]});
  return top.take();
}

std::vector<Hit> Store::search(const float* query, size_t k, const Match& match,
                               bool* approximate_used) const {
  std::shared_lock l(mu_);
  bool approx = graph_ && graph_->ef > 0 && match.empty() && k > 0 && slot_of_.size() >= threshold_;
  if (approximate_used) *approximate_used = approx;
  return approx ? approximate(query, k) : exact(query, k, match);
}

}  // namespace ddb::vec
