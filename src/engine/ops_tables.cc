// Control-plane operations: CreateTable, DescribeTable, ListTables, DeleteTable, DescribeLimits and
// DescribeEndpoints (UpdateTable: ops_update_table.cc; tags and TTL settings: ops_tags_ttl.cc).
#include <algorithm>
#include <set>
#include <thread>

#include <fmt/format.h>

#include "engine/ops.h"
#include "engine/table_parse.h"
#include "types/keycodec.h"
#include "util/time.h"

namespace ddb {

namespace {
using namespace tables;

void write_key_schema(JsonOut& o, const KeyDef& k) {
  o.key("KeySchema");
  o.w.StartArray();
  o.w.StartObject();
  o.kv("AttributeName", k.hash);
  o.kv("KeyType", "HASH");
  o.w.EndObject();
  if (k.has_range()) {
    o.w.StartObject();
    o.kv("AttributeName", k.range);
    o.kv("KeyType", "RANGE");
    o.w.EndObject();
  }
  o.w.EndArray();
}

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

// The transient status ends when its time is up (-delayTransientStatuses). REQUIRES: write_mu_.
void refresh_status(TableState& st) {
  if (st.status != "ACTIVE" && st.status != "DELETING" && std::chrono::steady_clock::now() >= st.status_until)
    st.status = "ACTIVE";
}

}  // namespace

Ops::TableView Ops::view_of(const Table& t) {
  refresh_status(*t.state);
  TableView v;
  v.status = t.state->status;
  v.count = t.state->item_count.load();
  v.bytes = t.state->size_bytes.load();
  v.index_stats = t.state->index_stats;
  v.indexes_creating = v.status == "CREATING" ||
                       (v.status == "UPDATING" && t.state->status_until > std::chrono::steady_clock::now());
  return v;
}

std::shared_ptr<Table> Ops::install(Database& db, TableDef def, std::shared_ptr<TableState> state) {
  std::string name = def.name;
  auto t = std::make_shared<Table>(std::move(def), std::move(state));
  WriterLock lk(db.catalog_mu_);
  db.tables_[name] = t;
  return t;
}

Result<std::shared_ptr<Table>> Ops::recheck(Database& db, const std::shared_ptr<Table>& t) {
  auto cur = find_table(db, t->def.name);
  if (!cur || cur->state != t->state) return err::not_found();
  return cur;
}

void Ops::write_description(Database& db, JsonOut& o, const TableDef& d, const TableView& t) {
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
  for (bool global : {false, true}) {
    bool any = false;
    for (auto& i : d.indexes) any = any || i.global == global;
    if (!any) continue;
    o.key(global ? "GlobalSecondaryIndexes" : "LocalSecondaryIndexes");
    o.w.StartArray();
    for (auto& i : d.indexes) {
      if (i.global != global) continue;
      o.w.StartObject();
      o.kv("IndexName", i.name);
      write_key_schema(o, i.key);
      o.key("Projection");
      o.w.StartObject();
      o.kv("ProjectionType", i.projection);
      if (!i.non_key.empty()) {
        o.key("NonKeyAttributes");
        o.w.StartArray();
        for (auto& n : i.non_key) o.str(n);
        o.w.EndArray();
      }
      o.w.EndObject();
      if (global) {
        o.kv("IndexStatus", t.indexes_creating && i.status == "CREATING" ? "CREATING" : "ACTIVE");
        write_throughput(o, i.rcu, i.wcu);
      }
      auto st = t.index_stats.find(i.name);
      o.key("IndexSizeBytes");
      o.w.Int64(st == t.index_stats.end() ? 0 : st->second.second);
      o.key("ItemCount");
      o.w.Int64(st == t.index_stats.end() ? 0 : st->second.first);
      o.kv("IndexArn", table_arn(db, d.name) + "/index/" + i.name);
      o.w.EndObject();
    }
    o.w.EndArray();
  }
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

Result<std::string> Ops::create_table(Database& db, const Json& req) {
  Violations v;
  TableDef d;
  std::optional<std::string> name, billing;
  DDB_ASSIGN(name, get_string(req, "TableName"));
  DDB_ASSIGN(billing, get_string(req, "BillingMode"));
  bool ks_present;
  DDB_TRY(parse_key_schema(member(req, "KeySchema"), "keySchema", d.key, v, ks_present));
  check_table_name(v, name);
  const Json* ad = member(req, "AttributeDefinitions");
  if (!ad)
    v.null_member("attributeDefinitions");
  else if (!ad->IsArray())
    return err::serialization("Unexpected value type in payload");
  else {
    int i = 0;
    for (auto& e : ad->GetArray()) {
      ++i;
      std::optional<std::string> an, at;
      DDB_ASSIGN(an, get_string(e, "AttributeName"));
      DDB_ASSIGN(at, get_string(e, "AttributeType"));
      std::string p = fmt::format("attributeDefinitions.{}.member", i);
      if (!an) v.null_member(p + ".attributeName");
      if (!at) v.null_member(p + ".attributeType");
      check_enum(v, at, p + ".attributeType", {"B", "N", "S"});
      if (an && at) d.attrs.emplace_back(*an, attr_type(*at));
    }
  }
  check_enum(v, billing, "billingMode", {"PROVISIONED", "PAY_PER_REQUEST"});
  const Json* pt = member(req, "ProvisionedThroughput");
  DDB_TRY(parse_throughput(pt, "provisionedThroughput", d.rcu, d.wcu, v));
  DDB_TRY(v.status());

  d.name = *name;
  d.billing_mode = billing.value_or("PROVISIONED");
  if (d.billing_mode == "PROVISIONED" && !pt)
    return err::validation(
        "One or more parameter values were invalid: ReadCapacityUnits and WriteCapacityUnits must both be "
        "specified when BillingMode is PROVISIONED");
  if (d.billing_mode == "PAY_PER_REQUEST" && pt)
    return err::validation(
        "One or more parameter values were invalid: Neither ReadCapacityUnits nor WriteCapacityUnits can be "
        "specified when BillingMode is PAY_PER_REQUEST");

  // Attribute definitions vs key schemas.
  std::map<std::string, VType> defined;
  for (auto& [n, t] : d.attrs) {
    if (!defined.emplace(n, t).second)
      return err::validation("Cannot have two attributes with the same name: " + n);
  }
  std::set<std::string> used;
  auto attr_list = [&]() {
    std::string s = "[";
    for (size_t i = 0; i < d.attrs.size(); ++i) s += (i ? ", " : "") + d.attrs[i].first;
    return s + "]";
  };
  auto resolve = [&](KeyDef& k) -> Status {
    std::string keys = "[" + k.hash + (k.has_range() ? ", " + k.range : "") + "]";
    for (auto* n : {&k.hash, &k.range}) {
      if (n->empty()) continue;
      auto it = defined.find(*n);
      if (it == defined.end())
        return err::validation(
            "One or more parameter values were invalid: Some index key attributes are not defined in "
            "AttributeDefinitions. Keys: " +
            keys + ", AttributeDefinitions: " + attr_list());
      (n == &k.hash ? k.hash_type : k.range_type) = it->second;
      used.insert(*n);
    }
    return Status::OK();
  };
  DDB_TRY(resolve(d.key));

  // Secondary indexes.
  std::set<std::string> index_names;
  for (bool global : {false, true}) {
    const Json* arr = member(req, global ? "GlobalSecondaryIndexes" : "LocalSecondaryIndexes");
    if (!arr) continue;
    if (!arr->IsArray()) return err::serialization("Unexpected value type in payload");
    const char* path = global ? "globalSecondaryIndexes" : "localSecondaryIndexes";
    if (arr->Size() == 0)
      return err::validation(std::string("One or more parameter values were invalid: List of ") +
                             (global ? "GlobalSecondaryIndexes" : "LocalSecondaryIndexes") + " is empty");
    if (!global && arr->Size() > 5)
      return err::validation(
          "One or more parameter values were invalid: Number of LocalSecondaryIndexes exceeds per-table "
          "limit of 5");
    if (global && arr->Size() > 20)
      return err::limit_exceeded(
          "One or more parameter values were invalid: Number of GlobalSecondaryIndexes exceeds per-table "
          "limit of 20");
    int i = 0;
    for (auto& e : arr->GetArray()) {
      ++i;
      IndexDef idx;
      idx.global = global;
      std::string p = fmt::format("{}.{}.member", path, i);
      std::optional<std::string> iname;
      DDB_ASSIGN(iname, get_string(e, "IndexName"));
      if (!iname)
        v.null_member(p + ".indexName");
      else if (iname->size() < 3)
        v.constraint("'" + *iname + "'", p + ".indexName",
                     "Member must have length greater than or equal to 3");
      bool present;
      DDB_TRY(parse_key_schema(member(e, "KeySchema"), p + ".keySchema", idx.key, v, present));
      DDB_TRY(parse_projection(member(e, "Projection"), p, idx, v));
      DDB_TRY(parse_throughput(member(e, "ProvisionedThroughput"), p + ".provisionedThroughput", idx.rcu,
                               idx.wcu, v));
      DDB_TRY(v.status());
      idx.name = *iname;
      if (!index_names.insert(idx.name).second)
        return err::validation("One or more parameter values were invalid: Duplicate index name: " +
                               idx.name);
      DDB_TRY(check_projection_semantics(idx, member(e, "Projection")));
      DDB_TRY(resolve(idx.key));
      if (!global) {
        if (!d.key.has_range())
          return err::validation(
              "One or more parameter values were invalid: Table KeySchema does not have a range key, which "
              "is required when specifying a LocalSecondaryIndex");
        if (idx.key.hash != d.key.hash)
          return err::validation(
              "One or more parameter values were invalid: Index KeySchema does not have the same leading "
              "hash key as table KeySchema for index: " +
              idx.name + ". index hash key: " + idx.key.hash + ", table hash key: " + d.key.hash);
        if (!idx.key.has_range())
          return err::validation(
              "One or more parameter values were invalid: Index KeySchema does not have a range key for "
              "index: " +
              idx.name);
      } else {
        bool has_pt = member(e, "ProvisionedThroughput") != nullptr;
        if (d.billing_mode == "PROVISIONED" && !has_pt)
          return err::validation("No provisioned throughput specified for the global secondary index");
        if (d.billing_mode == "PAY_PER_REQUEST" && has_pt)
          return err::validation(
              "One or more parameter values were invalid: ProvisionedThroughput should not be specified for "
              "index: " +
              idx.name + " when BillingMode is PAY_PER_REQUEST");
      }
      idx.id = d.next_index_id++;
      d.indexes.push_back(std::move(idx));
    }
  }
  if (used.size() != d.attrs.size())
    return err::validation(
        "One or more parameter values were invalid: Number of attributes in KeySchema does not exactly match "
        "number of attributes defined in AttributeDefinitions");

  // Streams, class, protection, SSE, tags.
  if (auto* ss = member(req, "StreamSpecification")) {
    std::optional<bool> enabled;
    std::optional<std::string> view;
    DDB_ASSIGN(enabled, get_bool(*ss, "StreamEnabled"));
    DDB_ASSIGN(view, get_string(*ss, "StreamViewType"));
    check_enum(v, view, "streamSpecification.streamViewType",
               {"NEW_IMAGE", "OLD_IMAGE", "NEW_AND_OLD_IMAGES", "KEYS_ONLY"});
    if (!enabled) v.null_member("streamSpecification.streamEnabled");
    DDB_TRY(v.status());
    if (*enabled) {
      if (!view)
        return err::validation(
            "One or more parameter values were invalid: You must specify a StreamViewType when you enable a "
            "stream");
      d.stream_enabled = true;
      d.stream_view_type = *view;
      d.stream_label = stream_label_now();
    } else if (view) {
      return err::validation(
          "One or more parameter values were invalid: You cannot specify a StreamViewType when you disable a "
          "stream");
    }
  }
  std::optional<std::string> table_class;
  DDB_ASSIGN(table_class, get_string(req, "TableClass"));
  check_enum(v, table_class, "tableClass", {"STANDARD", "STANDARD_INFREQUENT_ACCESS"});
  std::optional<bool> protection;
  DDB_ASSIGN(protection, get_bool(req, "DeletionProtectionEnabled"));
  DDB_TRY(v.status());
  if (table_class) {
    d.table_class = *table_class;
    d.table_class_set = true;
  }
  d.deletion_protection = protection.value_or(false);
  if (auto* sse = member(req, "SSESpecification")) {
    std::optional<bool> en;
    DDB_ASSIGN(en, get_bool(*sse, "Enabled"));
    d.sse_enabled = en.value_or(false);
  }
  if (auto* tags = member(req, "Tags")) {
    if (!tags->IsArray()) return err::serialization("Unexpected value type in payload");
    for (auto& t : tags->GetArray()) {
      std::optional<std::string> k, val;
      DDB_ASSIGN(k, get_string(t, "Key"));
      DDB_ASSIGN(val, get_string(t, "Value"));
      if (!k || !val)
        return err::validation(
            "1 validation error detected: Value null at 'tags.1.member.key' failed to satisfy constraint: "
            "Member must not be null");
      d.tags.emplace_back(*k, *val);
    }
  }

  MutexLock wl(db.write_mu_);
  if (find_table(db, d.name)) return err::in_use("Table already exists: " + d.name);
  {
    ReaderLock lk(db.catalog_mu_);
    if (db.tables_.size() >= 2500)
      return err::limit_exceeded("Subscriber limit exceeded: Only 2500 tables can be created in an account");
  }
  d.id = db.next_table_id_++;
  d.uuid = make_uuid();
  d.created = now_epoch();
  d.billing_changed = d.created;
  for (auto& i : d.indexes) i.status = i.global ? "CREATING" : "ACTIVE";  // until the table's status ends
  {
    WriteBatch b;
    b.put(keys::catalog(d.name), def_to_json(d));
    b.put(std::string("\0S", 2), std::to_string(db.next_table_id_));
    DDB_TRY(db.kv_->write(b));
  }
  auto state = std::make_shared<TableState>();
  for (auto& i : d.indexes) state->index_stats[i.name] = {0, 0};
  // Real DynamoDB answers CREATING; the table is usable at once here unless
  // -delayTransientStatuses asks for the transition to be visible.
  state->status = db.opt_.delay_transient_statuses ? "CREATING" : "ACTIVE";
  state->status_until = std::chrono::steady_clock::now() + std::chrono::milliseconds(500);
  auto t = install(db, std::move(d), state);
  TableView shown = view_of(*t);
  shown.status = "CREATING";
  shown.indexes_creating = true;
  JsonOut o;
  o.w.StartObject();
  o.key("TableDescription");
  write_description(db, o, t->def, shown);
  o.w.EndObject();
  return o.take();
}

Result<std::string> Ops::describe_table(Database& db, const Json& req) {
  std::optional<std::string> name;
  DDB_ASSIGN(name, get_string(req, "TableName"));
  Violations v;
  check_table_name(v, name);
  DDB_TRY(v.status());
  auto t = find_table(db, *name);
  if (!t) return err::not_found("Requested resource not found: Table: " + *name + " not found");
  TableView view;
  {
    MutexLock wl(db.write_mu_);  // the state's status and index_stats change under write_mu_
    view = view_of(*t);
  }
  JsonOut o;
  o.w.StartObject();
  o.key("Table");
  write_description(db, o, t->def, view);
  o.w.EndObject();
  return o.take();
}

Result<std::string> Ops::list_tables(Database& db, const Json& req) {
  std::optional<long long> limit;
  std::optional<std::string> start;
  DDB_ASSIGN(limit, get_int(req, "Limit"));
  DDB_ASSIGN(start, get_string(req, "ExclusiveStartTableName"));
  Violations v;
  if (start) check_table_name(v, start, "exclusiveStartTableName");
  if (limit && *limit < 1)
    v.constraint("\'" + std::to_string(*limit) + "\'", "limit",
                 "Member must have value greater than or equal to 1");
  if (limit && *limit > 100)
    v.constraint("\'" + std::to_string(*limit) + "\'", "limit",
                 "Member must have value less than or equal to 100");
  DDB_TRY(v.status());
  size_t max = static_cast<size_t>(limit.value_or(100));
  std::vector<std::string> names;
  bool more = false;
  {
    ReaderLock lk(db.catalog_mu_);
    auto it = start ? db.tables_.upper_bound(*start) : db.tables_.begin();
    for (; it != db.tables_.end(); ++it) {
      if (names.size() == max) {
        more = true;
        break;
      }
      names.push_back(it->first);
    }
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

Result<std::string> Ops::delete_table(Database& db, const Json& req) {
  std::optional<std::string> name;
  DDB_ASSIGN(name, get_string(req, "TableName"));
  Violations v;
  check_table_name(v, name);
  DDB_TRY(v.status());
  MutexLock wl(db.write_mu_);
  auto t = find_table(db, *name);
  if (!t) return err::not_found("Requested resource not found: Table: " + *name + " not found");
  if (t->def.deletion_protection)
    return err::validation(
        "Resource cannot be deleted as it is currently protected against deletion. Disable deletion "
        "protection first.");
  // Remove all data of the table: items, index entries, stream records, then the catalog entry.
  WriteBatch b;
  for (auto& prefix : {keys::table_data_prefix(t->def.id), keys::stream_prefix(t->def.id)}) {
    DDB_TRY(db.kv_->scan(prefix, keys::prefix_end(prefix), false, [&](std::string_view k, std::string_view) {
      b.del(std::string(k));
      return true;
    }));
  }
  b.del(keys::catalog(t->def.name));
  DDB_TRY(db.kv_->write(b));
  {
    WriterLock lk(db.catalog_mu_);
    db.tables_.erase(*name);
  }
  TableView shown = view_of(*t);
  shown.status = "DELETING";
  JsonOut o;
  o.w.StartObject();
  o.key("TableDescription");
  write_description(db, o, t->def, shown);
  o.w.EndObject();
  return o.take();
}

Result<std::string> Ops::describe_limits(Database&, const Json&) {
  return std::string(
      R"({"AccountMaxReadCapacityUnits":80000,"AccountMaxWriteCapacityUnits":80000,"TableMaxReadCapacityUnits":40000,"TableMaxWriteCapacityUnits":40000})");
}

Result<std::string> Ops::describe_endpoints(Database& db, const Json&) {
  return std::string(R"({"Endpoints":[{"Address":"dynamodb.)") + db.options().region +
         R"(.amazonaws.com","CachePeriodInMinutes":1440}]})";
}

// ---- tags ----
}  // namespace ddb
