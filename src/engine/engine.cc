#include "engine/engine.h"

#include <filesystem>
#include <sstream>
#include <thread>
#include <unordered_map>

#include "engine/ops.h"
#include "engine/vector_index.h"
#include "util/codec.h"
#include "util/memory.h"
#include "util/messages.h"

namespace ddb {

std::vector<KeyAttr> KeyDef::hash_attrs() const {
  std::vector<KeyAttr> out{KeyAttr{hash, hash_type}};
  out.insert(out.end(), more_hash.begin(), more_hash.end());
  return out;
}

std::vector<KeyAttr> KeyDef::range_attrs() const {
  std::vector<KeyAttr> out;
  if (has_range()) out.push_back(KeyAttr{range, range_type});
  out.insert(out.end(), more_range.begin(), more_range.end());
  return out;
}

std::vector<KeyAttr> KeyDef::attrs() const {
  std::vector<KeyAttr> out = hash_attrs();
  for (auto& a : range_attrs()) out.push_back(std::move(a));
  return out;
}

bool KeyDef::contains(std::string_view name) const {
  for (const auto& a : attrs())
    if (a.name == name) return true;
  return false;
}

namespace {
// A database's RocksDB directory is <dbPath>/<name>.ddb (docs/storage-format.md); only those are listed.
const std::string kDirSuffix = ".ddb";
}  // namespace

Database::Database(std::unique_ptr<KvStore> kv, EngineOptions options)
    : kv_(std::move(kv)), opt_(std::move(options)) {}

namespace {
// One more entry (an item, or an index's projected item) in a count.
void tally(PrefixCount& c, std::string_view entry) {
  ++c.count;
  c.bytes += static_cast<long long>(encoded_item_size(entry));
}

// Counts the entries under a prefix and their DynamoDB size: from `counts` (saved by the last close) when
// there are some, else by reading them once.
Status count_prefix(KvStore& kv, const PrefixCounts* counts, const std::string& p, PrefixCount& out) {
  if (counts) {
    auto it = counts->find(p);
    if (it != counts->end()) out = it->second;
    return Status::OK();
  }
  return kv.scan_once(p, keys::prefix_end(p), [&](std::string_view, std::string_view v) {
    tally(out, v);
    return true;
  });
}

// The counts a database saves when it closes (keys::saved_counts()): "counts 1 <sequence>\n", then
// "<prefix in hex> <entries> <bytes>\n" for each table's items and each index. `sequence` is the store's
// before the save; the save is one write, so the counts hold only while the store is at sequence + 1.
std::string encode_counts(const PrefixCounts& counts, uint64_t sequence) {
  std::string out = "counts 1 " + std::to_string(sequence) + "\n";
  for (auto& [prefix, c] : counts)
    out += hex_encode(prefix) + " " + std::to_string(c.count) + " " + std::to_string(c.bytes) + "\n";
  return out;
}

std::optional<PrefixCounts> decode_counts(const std::string& text, uint64_t store_sequence) {
  std::istringstream in(text);
  std::string tag, hex;
  int version = 0;
  uint64_t sequence = 0;
  if (!(in >> tag >> version >> sequence) || tag != "counts" || version != 1 ||
      sequence + 1 != store_sequence)
    return std::nullopt;
  PrefixCounts counts;
  PrefixCount c;
  while (in >> hex >> c.count >> c.bytes) {
    auto prefix = hex_decode(hex);
    if (!prefix || c.count < 0 || c.bytes < 0) return std::nullopt;
    counts[*prefix] = c;
  }
  if (!in.eof()) return std::nullopt;
  return counts;
}

// The saved counts, if they still hold; the key is deleted either way, so a later write (a crash
// leaves no new save) can never meet them.
Result<std::optional<PrefixCounts>> take_saved_counts(KvStore& kv) {
  std::string text;
  if (!kv.get(keys::saved_counts(), &text)) return std::optional<PrefixCounts>();
  auto counts = decode_counts(text, kv.sequence());
  WriteBatch b;
  b.del(keys::saved_counts());
  DDB_TRY(kv.write(b));
  return counts;
}
}  // namespace

Database::~Database() {
  if (!keep_counts_) return;
  PrefixCounts counts;
  for (auto& t : tables()) {
    counts[keys::items_prefix(t->def.id)] = {t->state->item_count.load(), t->state->size_bytes.load()};
    MutexLock lk(t->state->mu);
    for (auto& idx : t->def.indexes) {
      auto it = t->state->index_stats.find(idx.name);
      if (it != t->state->index_stats.end())
        counts[keys::index_prefix(t->def.id, idx.id)] = {it->second.first, it->second.second};
    }
  }
  WriteBatch b;
  b.put(keys::saved_counts(), encode_counts(counts, kv_->sequence()));
  (void)kv_->write(b);  // without it, the next open counts the items
}

Status Database::open(bool keep_counts) {
  std::optional<PrefixCounts> saved;
  if (keep_counts) {
    DDB_ASSIGN(saved, take_saved_counts(*kv_));
  }
  const PrefixCounts* counts = saved ? &*saved : nullptr;
  std::string prefix("\0T", 2);
  std::vector<TableDef> defs;
  Status status;
  DDB_TRY(kv_->scan(prefix, keys::prefix_end(prefix), false, [&](std::string_view, std::string_view v) {
    auto d = ops::def_from_json(v);
    if (!d.ok()) {
      status = d.take_error();
      return false;
    }
    defs.push_back(std::move(d).value());
    return true;
  }));
  DDB_TRY(std::move(status));
  std::string next, version;
  if (kv_->get(std::string("\0S", 2), &next)) {
    char* end = nullptr;
    unsigned long n = std::strtoul(next.c_str(), &end, 10);
    if (next.empty() || *end != 0 || n > UINT32_MAX) return err::internal(msg::kCorruptTableIdCounter);
    next_table_id_ = static_cast<uint32_t>(n);
  }
  bool has_version = kv_->get(keys::format_version(), &version);
  if (has_version && version != std::to_string(keys::kFormatVersion))
    return err::internal(msg::text(msg::kUnsupportedStorageFormatBuildReadsFormat, version,
                                   std::to_string(keys::kFormatVersion)));
  if (!has_version) {
    DDB_TRY(ops::upgrade_format(*this, defs));
    counts = nullptr;  // the keys were rewritten after they were counted: count them again
  }
  for (auto& d : defs) {
    auto state = std::make_shared<TableState>();
    next_table_id_ = std::max(next_table_id_, d.id + 1);
    // Recount items, sizes and index entries: counters are not persisted.
    PrefixCount items;
    DDB_TRY(count_prefix(*kv_, counts, keys::items_prefix(d.id), items));
    state->item_count = items.count;
    state->size_bytes = items.bytes;
    for (auto& idx : d.indexes) {
      PrefixCount entries;
      DDB_TRY(count_prefix(*kv_, counts, keys::index_prefix(d.id, idx.id), entries));
      state->index_stats[idx.name] = {entries.count, entries.bytes};
    }
    std::string sp = keys::stream_prefix(d.id);
    DDB_TRY(kv_->scan(sp, keys::prefix_end(sp), true, [&](std::string_view k, std::string_view) {
      state->stream_visible = get_u64be(k.substr(sp.size()));
      stream_seq_ = std::max<uint64_t>(stream_seq_.load(), state->stream_visible);
      return false;
    }));
    std::string name = d.name;
    auto t = std::make_shared<Table>(std::move(d), std::move(state));
    DDB_TRY(vectors::open_table(*this, *t));
    tables_[name] = std::move(t);
  }
  keep_counts_ = keep_counts;  // only a database opened whole saves its counts (all of its tables')
  return Status::OK();
}

std::shared_ptr<Table> Database::find_table(std::string_view name) {
  ReaderLock lk(catalog_mu_);
  auto it = tables_.find(std::string(name));
  return it == tables_.end() ? nullptr : it->second;
}

std::vector<std::shared_ptr<Table>> Database::tables() {
  ReaderLock lk(catalog_mu_);
  std::vector<std::shared_ptr<Table>> out;
  out.reserve(tables_.size());
  for (auto& [n, t] : tables_) out.push_back(t);
  return out;
}

size_t Database::table_count() {
  ReaderLock lk(catalog_mu_);
  return tables_.size();
}

std::shared_ptr<Table> Database::install(TableDef def, std::shared_ptr<TableState> state) {
  std::string name = def.name;
  auto t = std::make_shared<Table>(std::move(def), std::move(state));
  WriterLock lk(catalog_mu_);
  tables_[name] = t;
  return t;
}

void Database::erase_table(const std::string& name) {
  WriterLock lk(catalog_mu_);
  tables_.erase(name);
}

std::vector<std::string> Database::table_names() {
  ReaderLock lk(catalog_mu_);
  std::vector<std::string> names;
  for (auto& [n, t] : tables_) names.push_back(n);
  return names;
}

namespace {
using OpFn = Result<std::string> (*)(Database&, const Json&);
const std::unordered_map<std::string_view, OpFn>& operations() {
  static const std::unordered_map<std::string_view, OpFn> ops = {
      {"DynamoDB_20120810.CreateTable", &ops::create_table},
      {"DynamoDB_20120810.DescribeTable", &ops::describe_table},
      {"DynamoDB_20120810.ListTables", &ops::list_tables},
      {"DynamoDB_20120810.DeleteTable", &ops::delete_table},
      {"DynamoDB_20120810.UpdateTable", &ops::update_table},
      {"DynamoDB_20120810.DescribeLimits", &ops::describe_limits},
      {"DynamoDB_20120810.DescribeEndpoints", &ops::describe_endpoints},
      {"DynamoDB_20120810.TagResource", &ops::tag_resource},
      {"DynamoDB_20120810.UntagResource", &ops::untag_resource},
      {"DynamoDB_20120810.ListTagsOfResource", &ops::list_tags},
      {"DynamoDB_20120810.UpdateTimeToLive", &ops::update_ttl},
      {"DynamoDB_20120810.DescribeTimeToLive", &ops::describe_ttl},
      {"DynamoDB_20120810.PutItem", &ops::put_item},
      {"DynamoDB_20120810.GetItem", &ops::get_item},
      {"DynamoDB_20120810.DeleteItem", &ops::delete_item},
      {"DynamoDB_20120810.UpdateItem", &ops::update_item},
      {"DynamoDB_20120810.Query", &ops::query},
      {"DynamoDB_20120810.Scan", &ops::scan},
      {"DynamoDB_20120810.BatchGetItem", &ops::batch_get},
      {"DynamoDB_20120810.BatchWriteItem", &ops::batch_write},
      {"DynamoDB_20120810.TransactWriteItems", &ops::transact_write},
      {"DynamoDB_20120810.TransactGetItems", &ops::transact_get},
      {"DynamoDB_20120810.ExecuteStatement", &ops::execute_statement},
      {"DynamoDB_20120810.BatchExecuteStatement", &ops::batch_execute_statement},
      {"DynamoDB_20120810.ExecuteTransaction", &ops::execute_transaction},
      {"DynamoDB_20120810.SearchVectors", &ops::search_vectors},
      {"DynamoDBStreams_20120810.ListStreams", &ops::list_streams},
      {"DynamoDBStreams_20120810.DescribeStream", &ops::describe_stream},
      {"DynamoDBStreams_20120810.GetShardIterator", &ops::get_shard_iterator},
      {"DynamoDBStreams_20120810.GetRecords", &ops::get_records},
  };
  return ops;
}
}  // namespace

bool Database::is_operation(std::string_view target) {
  return operations().count(target) != 0;
}

Result<std::string> Database::execute(std::string_view target, const Json& request) {
  const auto& ops = operations();
  auto it = ops.find(target);
  if (it == ops.end()) return err::unknown_operation();
  if (!request.IsObject()) return err::serialization(msg::kStartStructureOrMapFoundWhereNot);
  DDB_TRY(check_request_json(request));
  return it->second(*this, request);
}

void Database::expire_tokens(std::chrono::steady_clock::time_point now) {
  while (!token_expiry_.empty() && token_expiry_.front().first < now) {
    auto it = tokens_.find(token_expiry_.front().second);
    if (it != tokens_.end() && it->second.expires < now) tokens_.erase(it);
    token_expiry_.pop_front();
  }
}

std::optional<Database::TokenEntry> Database::find_token(const std::string& token) {
  expire_tokens(std::chrono::steady_clock::now());
  auto it = tokens_.find(token);
  if (it == tokens_.end()) return std::nullopt;
  return it->second;
}

void Database::remember_token(const std::string& token, std::string request_hash, std::string response) {
  auto expires = std::chrono::steady_clock::now() + std::chrono::minutes(10);
  tokens_[token] = {std::move(request_hash), std::move(response), expires};
  token_expiry_.emplace_back(expires, token);
}

Engine::Engine(EngineOptions options, KvOptions base) : opt_(std::move(options)), base_(std::move(base)) {}

Engine::~Engine() {
  {
    MutexLock lk(stop_mu_);
    stop_ = true;
  }
  stop_cv_.notify_all();
  if (ttl_thread_ && ttl_thread_->joinable()) ttl_thread_->join();
}

Result<std::shared_ptr<Database>> Engine::open_database(const std::string& name, const std::string& region) {
  KvOptions ko = base_;
  ko.memory_below = std::string(1, keys::kStream);  // stream records are read from disk
  ko.shard_bytes = 5;                               // a tag and a table id: one shard per table
  if (!ko.path.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(base_.path, ec);
    ko.path = (std::filesystem::path(base_.path) / (name + kDirSuffix)).string();
  }
  std::unique_ptr<KvStore> kv;
  DDB_ASSIGN(kv, open_kv(ko));
  EngineOptions eo = opt_;
  eo.region = region;
  auto db = std::make_shared<Database>(std::move(kv), eo);
  auto opened = db->open(!ko.path.empty());
  if (!opened.ok()) {
    Error e = opened.take_error();
    e.message = "cannot open database " + name + ": " + e.message;
    return e;
  }
  return db;
}

std::shared_ptr<Database> Engine::open_in_slot(const std::string& name) {
  auto it = slots_.find(name);
  if (it == slots_.end() || !it->second.db) return nullptr;
  it->second.last_used = ++tick_;
  return it->second.db;
}

Result<std::shared_ptr<Database>> Engine::database(const std::string& name, const std::string& region) {
  std::shared_ptr<std::mutex> open_mu;
  {
    MutexLock lk(mu_);
    if (auto db = open_in_slot(name)) return db;
    open_mu = slots_[name].open_mu;
  }
  // Opening (and loading) a database happens outside mu_: requests for other databases go on.
  // The slot's own mutex makes concurrent requests for this one wait for a single open.
  std::lock_guard open_lk(*open_mu);
  {
    MutexLock lk(mu_);
    if (auto db = open_in_slot(name)) return db;
  }
  std::shared_ptr<Database> db;
  DDB_ASSIGN(db, open_database(name, region));
  Closing closing;
  {
    MutexLock lk(mu_);
    Slot& slot = slots_[name];
    slot.db = db;
    slot.last_used = ++tick_;
    if (!base_.path.empty()) closing = evict_idle_locked(name);
  }
  closing.clear();  // closes the evicted databases, each while its slot is still locked against reopening
  return db;
}

Engine::Closing Engine::evict_idle_locked(const std::string& keep) {
  Closing out;
  size_t open = 0;
  for (auto& [n, s] : slots_) open += s.db != nullptr;
  while (open > opt_.max_open_databases) {
    Slot* victim = nullptr;
    for (auto& [n, s] : slots_) {
      // Only a database no request holds (the slot's is the one reference) may close.
      if (n == keep || !s.db || s.db.use_count() != 1) continue;
      if (!victim || s.last_used < victim->last_used) victim = &s;
    }
    if (!victim) break;
    std::unique_lock<std::mutex> reopen_guard(*victim->open_mu, std::try_to_lock);
    if (!reopen_guard.owns_lock()) break;  // someone is opening it right now: leave it
    out.emplace_back(std::move(reopen_guard), std::move(victim->db));
    victim->db.reset();
    --open;
  }
  return out;
}

std::vector<std::string> Engine::database_names() {
  std::vector<std::string> names;
  if (!base_.path.empty()) {
    std::error_code ec;
    for (auto& e : std::filesystem::directory_iterator(base_.path, ec)) {
      std::string f = e.path().filename().string();
      if (e.is_directory() && f.size() > kDirSuffix.size() &&
          f.compare(f.size() - kDirSuffix.size(), kDirSuffix.size(), kDirSuffix) == 0)
        names.push_back(f.substr(0, f.size() - kDirSuffix.size()));
    }
  }
  MutexLock lk(mu_);
  for (auto& [n, s] : slots_)
    if (s.db && std::find(names.begin(), names.end(), n) == names.end()) names.push_back(n);
  return names;
}

void Engine::start_ttl_thread() {
  ttl_thread_ = std::make_unique<std::thread>([this] {
    for (;;) {
      {
        MutexLock stop_lk(stop_mu_);
        if (stop_cv_.wait_for(stop_mu_, opt_.ttl_interval, [this]() REQUIRES(stop_mu_) { return stop_; }))
          return;
      }
      // Open databases only: a closed (idle, evicted) one is swept again once a request reopens it.
      std::vector<std::shared_ptr<Database>> dbs;
      {
        MutexLock lk(mu_);
        for (auto& [n, s] : slots_)
          if (s.db) dbs.push_back(s.db);
      }
      size_t freed = 0;
      for (auto& d : dbs) freed += d->expire_ttl_items(now_epoch()) + d->trim_streams(now_epoch());
      if (freed >= kReleaseAfterFreedKeys) release_free_memory();
    }
  });
}

}  // namespace ddb
