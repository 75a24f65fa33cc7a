// Control-plane operations: CreateTable, DescribeTable, ListTables, DeleteTable, DescribeLimits and
// DescribeEndpoints (UpdateTable: ops_update_table.cc; tags and TTL settings: ops_tags_ttl.cc).
#include <algorithm>
#include <set>
#include <thread>

#include <fmt/format.h>

#include "engine/ops.h"
#include "engine/table_parse.h"
#include "engine/vector_index.h"
#include "types/keycodec.h"
#include "util/messages.h"
#include "util/time.h"
#include "vector/store.h"

namespace ddb {

void ops::write_key_schema(JsonOut& o, const KeyDef& k) {
  o.key("KeySchema");
  o.w.StartArray();
  for (const auto* group : {"HASH", "RANGE"}) {
    for (const auto& a : group[0] == 'H' ? k.hash_attrs() : k.range_attrs()) {
      o.w.StartObject();
      o.kv("AttributeName", a.name);
      o.kv("KeyType", group);
      o.w.EndObject();
    }
  }
  o.w.EndArray();
}

void ops::write_projection(JsonOut& o, const std::string& type, const std::vector<std::string>& non_key) {
  o.key("Projection");
  o.w.StartObject();
  o.kv("ProjectionType", type);
  if (!non_key.empty()) {
    o.key("NonKeyAttributes");
    o.w.StartArray();
    for (const auto& n : non_key) o.str(n);
    o.w.EndArray();
  }
  o.w.EndObject();
}

namespace {
using namespace tables;

void write_throughput(JsonOut& o, long long rcu, long long wcu) {
  o.key("ProvisionedThroughput");
  o.w.StartObject();
  o.key("LastDecreaseDateTime");
  o.w.Double(0.0);
  o.key("LastIncreaseDateTime");
  o.w.Double(0.0);
  o.key("NumberOfDecreasesToday");
  o.w.Int(0);
  o.key("ReadCapacityUnits");
  o.w.Int64(rcu);
  o.key("WriteCapacityUnits");
  o.w.Int64(wcu);
  o.w.EndObject();
}

// The transient status ends when its time is up (-delayTransientStatuses). REQUIRES: the table's lock.
void refresh_status(TableState& st) {
  if (st.status != "ACTIVE" && st.status != "DELETING" && std::chrono::steady_clock::now() >= st.status_until)
    st.status = "ACTIVE";
}

}  // namespace

ops::TableView ops::view_of(const Table& t) {
  refresh_status(*t.state);
  TableView v;
  v.status = t.state->status;
  v.count = t.state->item_count.load();
  v.bytes = t.state->size_bytes.load();
  v.index_stats = t.state->index_stats;
  v.indexes_creating = v.status == "CREATING" ||
                       (v.status == "UPDATING" && t.state->status_until > std::chrono::steady_clock::now());
  for (const auto& x : t.def.vector_indexes)
    if (auto s = t.state->vectors(x.id)) v.vector_counts[x.id] = s->size();
  return v;
}

Result<std::shared_ptr<Table>> ops::recheck(Database& db, const std::shared_ptr<Table>& t) {
  auto cur = find_table(db, t->def.name);
  if (!cur || cur->state != t->state) return err::not_found();
  return cur;
}

namespace {
// "GlobalSecondaryIndexes" or "LocalSecondaryIndexes" of a description, when the table has any.
void write_indexes(Database& db, JsonOut& o, const TableDef& d, const ops::TableView& t, bool global) {
  bool any = false;
  for (auto& i : d.indexes) any = any || i.global == global;
  if (!any) return;
  o.key(global ? "GlobalSecondaryIndexes" : "LocalSecondaryIndexes");
  o.w.StartArray();
  for (auto& i : d.indexes) {
    if (i.global != global) continue;
    o.w.StartObject();
    o.kv("IndexName", i.name);
    ops::write_key_schema(o, i.key);
    ops::write_projection(o, i.projection, i.non_key);
    if (global) {
      o.kv("IndexStatus", t.indexes_creating && i.status == "CREATING" ? "CREATING" : "ACTIVE");
      write_throughput(o, i.rcu, i.wcu);
      write_throughput_settings(o, i.limits, d.billing_mode == "PAY_PER_REQUEST");
    }
    auto st = t.index_stats.find(i.name);
    o.key("IndexSizeBytes");
    o.w.Int64(st == t.index_stats.end() ? 0 : st->second.second);
    o.key("ItemCount");
    o.w.Int64(st == t.index_stats.end() ? 0 : st->second.first);
    o.kv("IndexArn", ops::table_arn(db, d.name) + "/index/" + i.name);
    o.w.EndObject();
  }
  o.w.EndArray();
}
}  // namespace

void ops::write_description(Database& db, JsonOut& o, const TableDef& d, const TableView& t) {
  o.w.StartObject();
  o.key("AttributeDefinitions");
  o.w.StartArray();
  for (auto& [n, ty] : d.attrs) {
    o.w.StartObject();
    o.kv("AttributeName", n);
    o.kv("AttributeType", vtype_name(ty));
    o.w.EndObject();
  }
  o.w.EndArray();
  o.kv("TableName", d.name);
  write_key_schema(o, d.key);
  o.kv("TableStatus", t.status);
  o.key("CreationDateTime");
  o.w.Double(d.created);
  write_throughput(o, d.rcu, d.wcu);
  o.key("TableSizeBytes");
  o.w.Int64(t.bytes);
  o.key("ItemCount");
  o.w.Int64(t.count);
  o.kv("TableArn", table_arn(db, d.name));
  o.kv("TableId", d.uuid);
  if (d.billing_mode == "PAY_PER_REQUEST") {
    o.key("BillingModeSummary");
    o.w.StartObject();
    o.kv("BillingMode", "PAY_PER_REQUEST");
    o.key("LastUpdateToPayPerRequestDateTime");
    o.w.Double(d.billing_changed);
    o.w.EndObject();
  }
  write_throughput_settings(o, d.limits, d.billing_mode == "PAY_PER_REQUEST");
  for (bool global : {false, true}) write_indexes(db, o, d, t, global);
  vectors::write_description(db, o, d, t.indexes_creating, t.vector_counts);
  if (!d.stream_label.empty()) {
    if (d.stream_enabled) {
      o.key("StreamSpecification");
      o.w.StartObject();
      o.key("StreamEnabled");
      o.w.Bool(true);
      o.kv("StreamViewType", d.stream_view_type);
      o.w.EndObject();
    }
    o.kv("LatestStreamLabel", d.stream_label);
    o.kv("LatestStreamArn", table_arn(db, d.name) + "/stream/" + d.stream_label);
  }
  if (d.table_class_set) {
    o.key("TableClassSummary");
    o.w.StartObject();
    o.kv("TableClass", d.table_class);
    o.w.EndObject();
  }
  o.key("DeletionProtectionEnabled");
  o.w.Bool(d.deletion_protection);
  if (d.sse_enabled) {
    o.key("SSEDescription");
    o.w.StartObject();
    o.kv("Status", "ENABLED");
    o.kv("SSEType", "KMS");
    o.kv("KMSMasterKeyArn",
         "arn:aws:kms:" + db.options().region + ":" + db.options().account_id + ":key/" + d.uuid);
    o.w.EndObject();
  }
  o.w.EndObject();
}

Result<std::string> ops::create_table(Database& db, const Json& req) {
  TableDef d;
  DDB_ASSIGN(d, parse_create_table(req));
  MutexLock wl(db.write_mu());
  if (find_table(db, d.name)) return err::in_use(msg::text(msg::kTableAlreadyExists, d.name));
  if (db.table_count() >= 2500) return err::limit_exceeded(msg::kSubscriberLimitExceededOnly2500TablesCan);
  d.id = db.allocate_table_id();
  d.uuid = make_uuid();
  d.created = now_epoch();
  d.billing_changed = d.created;
  for (auto& i : d.indexes) i.status = i.global ? "CREATING" : "ACTIVE";  // until the table's status ends
  for (auto& x : d.vector_indexes) x.status = "CREATING";
  {
    WriteBatch b;
    b.put(keys::catalog(d.name), def_to_json(d));
    b.put(std::string("\0S", 2), std::to_string(db.next_table_id()));
    DDB_TRY(db.store().write(b));
  }
  auto state = std::make_shared<TableState>();
  for (auto& i : d.indexes) state->index_stats[i.name] = {0, 0};
  for (auto& x : d.vector_indexes)
    state->set_vectors(x.id, vectors::new_store(x, db.options().vector_exact_limit));
  // Real DynamoDB answers CREATING; the table is usable at once here unless
  // -delayTransientStatuses asks for the transition to be visible.
  state->status = db.options().delay_transient_statuses ? "CREATING" : "ACTIVE";
  state->status_until = std::chrono::steady_clock::now() + std::chrono::milliseconds(500);
  auto t = db.install(std::move(d), state);
  TableView shown;
  {
    MutexLock tl(t->state->mu);  // visible now: a first write or DescribeTable may already run
    shown = view_of(*t);
  }
  shown.status = "CREATING";
  shown.indexes_creating = true;
  JsonOut o;
  o.w.StartObject();
  o.key("TableDescription");
  write_description(db, o, t->def, shown);
  o.w.EndObject();
  return o.take();
}

Result<std::string> ops::describe_table(Database& db, const Json& req) {
  std::optional<std::string> name;
  DDB_ASSIGN(name, get_string(req, "TableName"));
  Violations v;
  check_table_name(v, name);
  DDB_TRY(v.status());
  auto t = find_table(db, *name);
  if (!t) return err::not_found(msg::text(msg::kRequestedResourceNotFoundTableNotFound, *name));
  TableView view;
  {
    MutexLock tl(t->state->mu);  // the state's status and index_stats change under the table's lock
    view = view_of(*t);
  }
  JsonOut o;
  o.w.StartObject();
  o.key("Table");
  write_description(db, o, t->def, view);
  o.w.EndObject();
  return o.take();
}

Result<std::string> ops::list_tables(Database& db, const Json& req) {
  std::optional<long long> limit;
  std::optional<std::string> start;
  DDB_ASSIGN(limit, get_int(req, "Limit"));
  DDB_ASSIGN(start, get_string(req, "ExclusiveStartTableName"));
  Violations v;
  if (start) check_table_name(v, start, "exclusiveStartTableName", TableNameForm::kName);
  if (limit && *limit < 1) v.constraint("\'" + std::to_string(*limit) + "\'", "limit", msg::min_value(1));
  if (limit && *limit > 100) v.constraint("\'" + std::to_string(*limit) + "\'", "limit", msg::max_value(100));
  DDB_TRY(v.status());
  size_t max = static_cast<size_t>(limit.value_or(100));
  std::vector<std::string> names;
  bool more = false;
  std::vector<std::string> all = db.table_names();  // in name order
  auto it = start ? std::upper_bound(all.begin(), all.end(), *start) : all.begin();
  for (; it != all.end(); ++it) {
    if (names.size() == max) {
      more = true;
      break;
    }
    names.push_back(*it);
  }
  JsonOut o;
  o.w.StartObject();
  o.key("TableNames");
  o.w.StartArray();
  for (auto& n : names) o.str(n);
  o.w.EndArray();
  if (more && !names.empty()) o.kv("LastEvaluatedTableName", names.back());
  o.w.EndObject();
  return o.take();
}

Result<std::string> ops::delete_table(Database& db, const Json& req) {
  std::optional<std::string> name;
  DDB_ASSIGN(name, get_string(req, "TableName"));
  Violations v;
  check_table_name(v, name);
  DDB_TRY(v.status());
  MutexLock wl(db.write_mu());
  auto t = find_table(db, *name);
  if (!t) return err::not_found(msg::text(msg::kRequestedResourceNotFoundTableNotFound, *name));
  MutexLock tl(t->state->mu);  // no write of the table runs while its data is removed
  if (t->def.deletion_protection)
    return err::validation(msg::kResourceCannotDeletedAsCurrentlyProtectedAgainst);
  // Remove all data of the table (items, index entries, stream records: two range deletions, whatever
  // their number; a table's id is never reused), then the catalog entry.
  WriteBatch b;
  for (auto& prefix : {keys::table_data_prefix(t->def.id), keys::stream_prefix(t->def.id)})
    b.del_range(prefix, keys::prefix_end(prefix));
  b.del(keys::catalog(t->def.name));
  DDB_TRY(db.store().write(b));
  db.erase_table(t->def.name);
  TableView shown = view_of(*t);
  shown.status = "DELETING";
  JsonOut o;
  o.w.StartObject();
  o.key("TableDescription");
  write_description(db, o, t->def, shown);
  o.w.EndObject();
  return o.take();
}

Result<std::string> ops::describe_limits(Database&, const Json&) {
  return std::string(
      R"({"AccountMaxReadCapacityUnits":80000,"AccountMaxWriteCapacityUnits":80000,"TableMaxReadCapacityUnits":40000,"TableMaxWriteCapacityUnits":40000})");
}

Result<std::string> ops::describe_endpoints(Database& db, const Json&) {
  return std::string(R"({"Endpoints":[{"Address":"dynamodb.)") + db.options().region +
         R"(.amazonaws.com","CachePeriodInMinutes":1440}]})";
}

// ---- tags ----
}  // namespace ddb
