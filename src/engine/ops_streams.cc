// The DynamoDB Streams API: ListStreams, DescribeStream, GetShardIterator, GetRecords.
// One shard per stream; records live in the store beside the data (written in the same batch by
// ops::stage_write) and are trimmed after 24 hours (Database::trim_streams, run by the TTL thread).
#include <algorithm>

#include <fmt/format.h>

#include "engine/ops.h"
#include "util/codec.h"
#include "util/messages.h"

namespace ddb {

namespace {

constexpr double kIteratorLifetime = 15 * 60;

// One stream of a table: the latest, or one a later stream replaced; its records are those of its
// sequence range.
struct StreamRef {
  std::shared_ptr<Table> table;
  std::string label, view_type;
  uint64_t first_seq = 0, last_seq = UINT64_MAX;
  bool enabled = false;
  size_t ordinal = 0;  // the table's streams in creation order: its shard's id
};

std::string stream_arn(Database& db, const TableDef& d, const std::string& label) {
  return ops::table_arn(db, d.name) + "/stream/" + label;
}

std::string shard_id(const TableDef& d, size_t ordinal) {
  // "shardId-" + 20 digits + "-" + 8 hex: the shape the SDKs validate (28..65 characters); each stream of
  // a table has its own.
  return fmt::format("shardId-{:020d}-{}",
                     static_cast<long long>(d.created * 1000) + static_cast<long long>(ordinal),
                     d.uuid.substr(0, 8));
}

// Every stream of a table, latest last.
std::vector<StreamRef> streams_of(const std::shared_ptr<Table>& t) {
  const TableDef& d = t->def;
  std::vector<StreamRef> out;
  if (d.stream_label.empty()) return out;
  for (const auto& ps : d.past_streams)
    out.push_back(StreamRef{t, ps.label, ps.view_type, ps.first_seq, ps.last_seq, false, out.size()});
  out.push_back(StreamRef{t, d.stream_label, d.stream_view_type, d.stream_first_seq, UINT64_MAX,
                          d.stream_enabled, out.size()});
  return out;
}

Result<StreamRef> stream_for_arn(Database& db, const std::string& arn) {
  auto t = arn.find(":table/");
  auto s = arn.find("/stream/");
  auto not_found = [&] {
    return err::not_found(msg::text(msg::kRequestedResourceNotFoundStreamNotFound, arn));
  };
  if (t == std::string::npos || s == std::string::npos || s < t) return not_found();
  std::string name = arn.substr(t + 7, s - t - 7);
  std::string label = arn.substr(s + 8);
  auto table = ops::find_table(db, name);
  if (!table) return not_found();
  for (auto& ref : streams_of(table))
    if (ref.label == label) return ref;
  return not_found();
}

// A stream's newest readable record: its last record if it was replaced (written before the replacement,
// so complete), else the table's last one whose write is complete (TableState::stream_visible).
uint64_t newest_readable(const StreamRef& s) {
  return std::min(s.last_seq, s.table->state->stream_visible.load());
}

// The key after a stream's newest readable record.
std::string stream_end(const StreamRef& s) {
  std::string to = keys::stream_prefix(s.table->def.id);
  put_u64be(to, newest_readable(s) + 1);
  return to;
}

// First and last sequence numbers of a stream's records (0 when none).
std::pair<uint64_t, uint64_t> seq_range(Database& db, const StreamRef& s) {
  std::string p = keys::stream_prefix(s.table->def.id);
  std::string from = p, to = stream_end(s);
  put_u64be(from, s.first_seq);
  uint64_t first = 0, last = 0;
  (void)db.store().scan(from, to, false, [&](std::string_view k, std::string_view) {
    first = get_u64be(k.substr(p.size()));
    return false;
  });
  (void)db.store().scan(from, to, true, [&](std::string_view k, std::string_view) {
    last = get_u64be(k.substr(p.size()));
    return false;
  });
  return {first, last};
}

std::string make_iterator(const std::string& arn, uint64_t after_seq) {
  return base64_encode(fmt::format("1|{}|{}|{:.3f}", after_seq, arn, now_epoch()));
}

// StreamArn is 37..1024 characters (API reference, DynamoDB Streams: DescribeStream, GetShardIterator,
// ListStreams' ExclusiveStartStreamArn); a well-sized ARN of no stream is ResourceNotFoundException.
void check_stream_arn(Violations& v, const std::optional<std::string>& arn, std::string_view path) {
  if (!arn) return;
  if (arn->size() < 37) v.constraint("'" + *arn + "'", path, msg::min_length(37));
  if (arn->size() > 1024) v.constraint("'" + *arn + "'", path, msg::max_length(1024));
}

}  // namespace

Result<std::string> ops::list_streams(Database& db, const Json& req) {
  std::optional<std::string> table, start;
  std::optional<long long> limit;
  DDB_ASSIGN(table, get_string(req, "TableName"));
  DDB_ASSIGN(start, get_string(req, "ExclusiveStartStreamArn"));
  DDB_ASSIGN(limit, get_int(req, "Limit"));
  Violations v;  // in member order: Limit, then ExclusiveStartStreamArn
  if (limit && (*limit < 1 || *limit > 100))
    v.constraint(fmt::format("'{}'", *limit), "limit", *limit < 1 ? msg::min_value(1) : msg::max_value(100));
  check_stream_arn(v, start, "exclusiveStartStreamArn");
  DDB_TRY(v.status());
  // Streams in ARN order; a page resumes after its start ARN even when that stream is gone (its table
  // deleted, or the stream replaced), so a client paging through never stops early.
  std::vector<std::pair<std::string, StreamRef>> streams;
  for (auto& t : db.tables())
    if (!table || t->def.name == *table)
      for (auto& ref : streams_of(t)) streams.emplace_back(stream_arn(db, t->def, ref.label), ref);
  std::sort(streams.begin(), streams.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  JsonOut o;
  o.w.StartObject();
  o.key("Streams");
  o.w.StartArray();
  size_t n = 0, max = static_cast<size_t>(limit.value_or(100));
  std::string last;
  bool more = false;
  for (auto& [arn, ref] : streams) {
    if (start && arn <= *start) continue;
    if (n == max) {
      more = true;
      break;
    }
    o.w.StartObject();
    o.kv("StreamArn", arn);
    o.kv("TableName", ref.table->def.name);
    o.kv("StreamLabel", ref.label);
    o.w.EndObject();
    last = arn;
    ++n;
  }
  o.w.EndArray();
  if (more) o.kv("LastEvaluatedStreamArn", last);
  o.w.EndObject();
  return o.take();
}

namespace {
// DescribeStream's paging and filter: which of the stream's shards to list.
struct ShardQuery {
  long long limit = 100;
  std::optional<std::string> exclusive_start;
  std::optional<std::string> child_of;  // ShardFilter CHILD_SHARDS
};

Result<ShardQuery> parse_shard_query(const Json& req, Violations& v) {
  ShardQuery q;
  std::optional<long long> limit;
  DDB_ASSIGN(limit, get_int(req, "Limit"));
  DDB_ASSIGN(q.exclusive_start, get_string(req, "ExclusiveStartShardId"));
  if (limit && *limit < 1) v.constraint("'" + std::to_string(*limit) + "'", "limit", msg::min_value(1));
  if (limit) q.limit = *limit;
  if (q.exclusive_start && (q.exclusive_start->size() < 28 || q.exclusive_start->size() > 65))
    v.constraint("'" + *q.exclusive_start + "'", "exclusiveStartShardId",
                 q.exclusive_start->size() < 28 ? msg::min_length(28) : msg::max_length(65));
  const Json* filter = nullptr;
  DDB_ASSIGN(filter, get_object(req, "ShardFilter"));
  if (filter) {
    std::optional<std::string> type;
    DDB_ASSIGN(type, get_string(*filter, "Type"));
    DDB_ASSIGN(q.child_of, get_string(*filter, "ShardId"));
    check_enum(v, type, "shardFilter.type", {"CHILD_SHARDS"});
    if (!q.child_of) q.child_of = "";
  }
  return q;
}

// The stream's shards (one per stream here) that the query selects: those after
// ExclusiveStartShardId, at most Limit; CHILD_SHARDS selects the children of a shard, and a
// stream's only shard has none.
std::vector<std::string> select_shards(const StreamRef& s, const ShardQuery& q, bool& more) {
  std::vector<std::string> all = {shard_id(s.table->def, s.ordinal)};
  std::vector<std::string> out;
  more = false;
  if (q.child_of) return out;
  for (const auto& id : all) {
    if (q.exclusive_start && id <= *q.exclusive_start) continue;
    if (static_cast<long long>(out.size()) == q.limit) {
      more = true;
      break;
    }
    out.push_back(id);
  }
  return out;
}

}  // namespace

Result<std::string> ops::describe_stream(Database& db, const Json& req) {
  std::optional<std::string> arn;
  DDB_ASSIGN(arn, get_string(req, "StreamArn"));
  Violations v;
  if (!arn) v.null_member("streamArn");
  check_stream_arn(v, arn, "streamArn");
  ShardQuery q;
  DDB_ASSIGN(q, parse_shard_query(req, v));
  DDB_TRY(v.status());
  // "The upper limit is 100" (API reference); the text is DynamoDB Local 3.3.1's.
  if (q.limit > 100) return err::validation(msg::kInvalidShardLimit);
  StreamRef s;
  DDB_ASSIGN(s, stream_for_arn(db, *arn));
  const TableDef& d = s.table->def;
  auto [first, last] = seq_range(db, s);
  bool more = false;
  std::vector<std::string> shards = select_shards(s, q, more);
  JsonOut o;
  o.w.StartObject();
  o.key("StreamDescription");
  o.w.StartObject();
  o.kv("StreamArn", *arn);
  o.kv("StreamLabel", s.label);
  o.kv("StreamStatus", s.enabled ? "ENABLED" : "DISABLED");
  o.kv("StreamViewType", s.view_type);
  o.key("CreationRequestDateTime");
  o.w.Double(d.created);
  o.kv("TableName", d.name);
  ops::write_key_schema(o, d.key);
  o.key("Shards");
  o.w.StartArray();
  for (const auto& id : shards) {
    o.w.StartObject();
    o.kv("ShardId", id);
    o.key("SequenceNumberRange");
    o.w.StartObject();
    uint64_t none = s.last_seq != UINT64_MAX ? s.last_seq : db.last_stream_sequence() + 1;  // no records
    o.kv("StartingSequenceNumber", fmt::format("{:021d}", first ? first : none));
    if (!s.enabled) o.kv("EndingSequenceNumber", fmt::format("{:021d}", last ? last : none));
    o.w.EndObject();
    o.w.EndObject();
  }
  o.w.EndArray();
  if (more) o.kv("LastEvaluatedShardId", shards.back());
  o.w.EndObject();
  o.w.EndObject();
  return o.take();
}

Result<std::string> ops::get_shard_iterator(Database& db, const Json& req) {
  std::optional<std::string> arn, shard, type, seq;
  DDB_ASSIGN(arn, get_string(req, "StreamArn"));
  DDB_ASSIGN(shard, get_string(req, "ShardId"));
  DDB_ASSIGN(type, get_string(req, "ShardIteratorType"));
  DDB_ASSIGN(seq, get_string(req, "SequenceNumber"));
  Violations v;
  if (!arn) v.null_member("streamArn");
  check_stream_arn(v, arn, "streamArn");
  if (!shard) v.null_member("shardId");
  if (!type) v.null_member("shardIteratorType");
  check_enum(v, type, "shardIteratorType",
             {"TRIM_HORIZON", "LATEST", "AT_SEQUENCE_NUMBER", "AFTER_SEQUENCE_NUMBER"});
  DDB_TRY(v.status());
  StreamRef s;
  DDB_ASSIGN(s, stream_for_arn(db, *arn));
  if (*shard != shard_id(s.table->def, s.ordinal))
    return err::not_found(msg::kRequestedResourceNotFoundShardDoesNot);
  auto [first, last] = seq_range(db, s);
  uint64_t end = newest_readable(s);  // a record still being written comes after LATEST
  uint64_t after = 0;
  if (*type == "TRIM_HORIZON") {
    after = first ? first - 1 : end;
  } else if (*type == "LATEST") {
    after = end;
  } else {
    if (!seq) return err::validation(msg::text(msg::kMustProvideSequencenumberForIteratorType, *type));
    uint64_t n = 0;
    for (char c : *seq) {
      if (c < '0' || c > '9') return err::validation(msg::text(msg::kInvalidSequencenumber, *seq));
      n = n * 10 + static_cast<uint64_t>(c - '0');
    }
    if ((first && n < first) || n < s.first_seq)
      return err::ddb("TrimmedDataAccessException", msg::kTrimmedDataAccess);
    after = *type == "AT_SEQUENCE_NUMBER" ? n - 1 : n;
  }
  JsonOut o;
  o.w.StartObject();
  o.kv("ShardIterator", make_iterator(*arn, after));
  o.w.EndObject();
  return o.take();
}

Result<std::string> ops::get_records(Database& db, const Json& req) {
  std::optional<std::string> it;
  std::optional<long long> limit;
  DDB_ASSIGN(it, get_string(req, "ShardIterator"));
  DDB_ASSIGN(limit, get_int(req, "Limit"));
  Violations v;
  if (!it) v.null_member("shardIterator");
  if (limit && *limit < 1) v.constraint("\'" + std::to_string(*limit) + "\'", "limit", msg::min_value(1));
  if (limit && *limit > 1000)
    v.constraint("\'" + std::to_string(*limit) + "\'", "limit", msg::max_value(1000));
  DDB_TRY(v.status());
  auto raw = base64_decode(*it);
  auto invalid = [] { return err::validation(msg::kInvalidSharditerator); };
  if (!raw) return invalid();
  // "1|after|arn|created"
  auto p1 = raw->find('|'), p2 = raw->find('|', p1 + 1), p3 = raw->rfind('|');
  if (p1 == std::string::npos || p2 == std::string::npos || p3 <= p2 || raw->substr(0, p1) != "1")
    return invalid();
  uint64_t after = std::strtoull(raw->substr(p1 + 1, p2 - p1 - 1).c_str(), nullptr, 10);
  std::string arn = raw->substr(p2 + 1, p3 - p2 - 1);
  double created = std::strtod(raw->substr(p3 + 1).c_str(), nullptr);
  double now = now_epoch();
  if (now - created > kIteratorLifetime)
    return err::ddb(
        "ExpiredIteratorException",
        fmt::format("Iterator expired. The iterator was created at time {} while right now it is {} which is "
                    "further in the future than the tolerated delay of 900000 milliseconds.",
                    static_cast<long long>(created * 1000), static_cast<long long>(now * 1000)));
  StreamRef s;
  DDB_ASSIGN(s, stream_for_arn(db, arn));
  size_t max = static_cast<size_t>(limit.value_or(1000));
  std::string start = keys::stream_prefix(s.table->def.id);
  std::string end = stream_end(s);
  put_u64be(start, std::max(after + 1, s.first_seq));
  uint64_t next = after;
  size_t n = 0, bytes = 0;
  JsonOut o;
  o.w.StartObject();
  o.key("Records");
  o.w.StartArray();
  DDB_TRY(db.store().scan(start, end, false, [&](std::string_view k, std::string_view val) {
    if (n >= max || bytes >= 1024 * 1024) return false;
    o.w.RawValue(val.data(), val.size(), rapidjson::kObjectType);
    next = get_u64be(k.substr(5));
    ++n;
    bytes += val.size();
    return true;
  }));
  o.w.EndArray();
  // A disabled stream's shard is closed: once drained, no NextShardIterator.
  if (s.enabled || n > 0) o.kv("NextShardIterator", make_iterator(arn, next));
  o.w.EndObject();
  return o.take();
}

// ---- retention ----
size_t Database::trim_streams(double now) {
  constexpr double kRetention = 24 * 3600;
  size_t trimmed = 0;
  for (auto& t : tables()) {
    std::string p = keys::stream_prefix(t->def.id);
    WriteBatch b;
    // Records are in sequence order, which is time order: stop at the first one still retained.
    (void)kv_->scan(p, keys::prefix_end(p), false, [&](std::string_view k, std::string_view v) {
      static constexpr std::string_view kField = "\"ApproximateCreationDateTime\":";
      auto at = v.find(kField);
      if (at == std::string_view::npos) return false;
      double created = std::strtod(std::string(v.substr(at + kField.size(), 20)).c_str(), nullptr);
      if (created >= now - kRetention) return false;
      b.del(std::string(k));
      return b.ops().size() < 10000;
    });
    if (b.empty()) continue;
    MutexLock wl(write_mu_);
    if (kv_->write(b).ok()) trimmed += b.ops().size();
  }
  return trimmed;
}

}  // namespace ddb
