// BatchGetItem and BatchWriteItem (transactions: ops_transact.cc).
#include <set>

#include "engine/ops.h"
#include "engine/request.h"
#include "util/codec.h"
#include "util/json_writer.h"
#include "util/messages.h"

namespace ddb {

namespace {
constexpr size_t kBatchGetBytes = 16 * 1024 * 1024;
}  // namespace

rapidjson::Document with_table(const Json& obj, std::string_view table) {
  rapidjson::Document d;
  d.CopyFrom(obj, d.GetAllocator());
  if (!d.IsObject()) d.SetObject();
  d.RemoveMember("TableName");
  d.AddMember(
      "TableName",
      rapidjson::Value(table.data(), static_cast<rapidjson::SizeType>(table.size()), d.GetAllocator()),
      d.GetAllocator());
  return d;
}

void write_capacity_list(JsonOut& o, const std::string& mode, const std::map<std::string, Capacity>& caps) {
  if (mode == "NONE") return;
  o.key("ConsumedCapacity");
  o.w.StartArray();
  for (auto& [table, c] : caps) ops::write_capacity_object(o, mode, table, c);
  o.w.EndArray();
}

Result<std::string> ops::batch_write(Database& db, const Json& req) {
  std::string rcc;
  DDB_ASSIGN(rcc, return_consumed(req));
  auto* ri = member(req, "RequestItems");
  if (!ri) return Violations::only_null("requestItems");
  if (!ri->IsObject()) return err::serialization(msg::kUnexpectedValueTypeInPayload);
  if (ri->MemberCount() == 0) return err::validation(msg::kBatchWriteRequestItemsRequired);
  size_t total = 0;
  for (auto it = ri->MemberBegin(); it != ri->MemberEnd(); ++it) {
    if (!it->value.IsArray()) return err::serialization(msg::kUnexpectedValueTypeInPayload);
    if (it->value.Size() == 0 || it->value.Size() > 25)
      return err::validation(msg::kViolationValueAtRequestitemsFailedSatisfyConstraintMap);
    total += it->value.Size();
  }
  if (total > 25) return err::validation(msg::kTooManyItemsRequestedForBatchwriteitemCall);
  std::vector<WriteOp> ops;
  std::set<std::string> seen;
  for (auto it = ri->MemberBegin(); it != ri->MemberEnd(); ++it) {
    std::string table(it->name.GetString(), it->name.GetStringLength());
    for (auto& e : it->value.GetArray()) {
      const Json* put = member(e, "PutRequest");
      const Json* del = member(e, "DeleteRequest");
      if ((put != nullptr) == (del != nullptr))
        return err::validation(msg::kSuppliedAttributevalueHasMoreThanOneDatatypes);
      auto body = with_table(put ? *put : *del, table);
      auto prepared = prepare_write(db, put ? WriteOp::kPut : WriteOp::kDelete, body, false);
      if (!prepared.ok()) {
        // Inside a batch, every key problem is reported as a schema mismatch.
        Error e = prepared.take_error();
        if (e.message.find("Missing the key") != std::string::npos ||
            e.message.find("Type mismatch for key") != std::string::npos)
          e.message = msg::kProvidedKeyElementDoesNotMatchSchema;
        return e;
      }
      WriteOp w = std::move(prepared).value();
      if (!seen.insert(w.storage_key).second)
        return err::validation(msg::kProvidedListItemKeysContainsDuplicates);
      ops.push_back(std::move(w));
    }
  }
  std::map<std::string, Capacity> caps;
  {
    TableLocks locks(tables_of(ops));
    Staged st;
    for (auto& w : ops) {
      DDB_ASSIGN(w.table, recheck(db, w.table));  // deleted or changed since it was looked up?
      auto old = load_item(db, w.storage_key);
      std::optional<Item> next;
      DDB_ASSIGN(next, w.apply(old));
      stage_write(db, w.table, w.storage_key, old ? &*old : nullptr, next ? &*next : nullptr, st,
                  &caps[w.table->def.name]);
    }
    DDB_TRY(commit(db, st));
  }
  JsonOut o;
  o.w.StartObject();
  o.key("UnprocessedItems");
  o.w.StartObject();
  o.w.EndObject();
  write_capacity_list(o, rcc, caps);
  o.w.EndObject();
  return o.take();
}

namespace {
// One table's part of a BatchGetItem.
struct TableRead {
  std::shared_ptr<Table> table;
  std::vector<Item> keys;
  std::optional<std::vector<expr::Path>> projection;
  bool consistent = false;
};

// RequestItems' keys are table names (3..255 of [a-zA-Z0-9_.-]) or tables' ARNs. The service echoes the
// whole map, as compact JSON, and lists every constraint of its keys.
Status check_table_names(const Json& ri) {
  for (auto it = ri.MemberBegin(); it != ri.MemberEnd(); ++it) {
    std::string_view name(it->name.GetString(), it->name.GetStringLength());
    if (name.substr(0, 4) == "arn:") continue;
    Violations v;
    check_table_name(v, std::string(name), "requestItems", TableNameForm::kName);
    if (v.empty()) continue;
    rapidjson::StringBuffer sb;
    ddb::JsonWriter w(sb);
    ri.Accept(w);
    return Violations::only("'" + std::string(sb.GetString(), sb.GetSize()) + "'", "requestItems",
                            msg::kRequestItemsMapKeys);
  }
  return Status::OK();
}

// Validates one RequestItems entry; `total` counts the keys of the whole request (at most 100).
Result<TableRead> parse_table_read(Database& db, const std::string& table, const Json& spec, size_t& total) {
  const auto* ks = member(spec, "Keys");
  if (!ks || !ks->IsArray()) return Violations::only_null(fmt::format("requestItems.{}.member.keys", table));
  // The service's newer validation names the member as the API does and does not echo the list.
  if (ks->Size() == 0)
    return Violations::only("", fmt::format("RequestItems.{}.member.Keys", table), msg::min_length(1));
  if (ks->Size() > 100)
    return Violations::only("", fmt::format("RequestItems.{}.member.Keys", table), msg::max_length(100));
  total += ks->Size();
  if (total > 100) return err::validation(msg::kTooManyItemsRequestedForBatchgetitemCall);
  auto body = with_table(spec, table);
  TableRead tr;
  DDB_ASSIGN(tr.table, ops::table_for_request(db, body));
  std::optional<bool> consistent;
  DDB_ASSIGN(consistent, get_bool(spec, "ConsistentRead"));
  tr.consistent = consistent.value_or(false);
  ExprParams ep;
  DDB_TRY(check_expression_params(body, member(body, "ProjectionExpression") != nullptr, ep));
  expr::Context ctx(ep.names, ep.values ? &*ep.values : nullptr);
  DDB_ASSIGN(tr.projection, read_projection(body, ctx));
  DDB_TRY(ctx.check_unused());
  std::set<std::string> seen;
  for (const auto& k : ks->GetArray()) {
    Item key;
    DDB_ASSIGN(key, item_from_json(k));
    DDB_TRY(ops::check_key(tr.table->def, key));
    if (!seen.insert(ops::item_key(tr.table->def, key)).second)
      return err::validation(msg::kProvidedListItemKeysContainsDuplicates);
    tr.keys.push_back(std::move(key));
  }
  return tr;
}

void write_unprocessed_keys(JsonOut& o,
                            const std::vector<std::pair<std::string, std::vector<Item>>>& unprocessed) {
  o.key("UnprocessedKeys");
  o.w.StartObject();
  for (const auto& [name, ks] : unprocessed) {
    o.key(name);
    o.w.StartObject();
    o.key("Keys");
    o.w.StartArray();
    for (const auto& k : ks) write_item(o.w, k);
    o.w.EndArray();
    o.w.EndObject();
  }
  o.w.EndObject();
}
}  // namespace

Result<std::string> ops::batch_get(Database& db, const Json& req) {
  std::string rcc;
  DDB_ASSIGN(rcc, return_consumed(req));
  auto* ri = member(req, "RequestItems");
  if (!ri) return Violations::only_null("requestItems");
  if (!ri->IsObject()) return err::serialization(msg::kUnexpectedValueTypeInPayload);
  if (ri->MemberCount() == 0) return Violations::only("", "RequestItems", msg::min_length(1));
  DDB_TRY(check_table_names(*ri));
  std::vector<std::pair<std::string, TableRead>> reads;
  size_t total = 0;
  for (auto it = ri->MemberBegin(); it != ri->MemberEnd(); ++it) {
    std::string table(it->name.GetString(), it->name.GetStringLength());
    TableRead tr;
    DDB_ASSIGN(tr, parse_table_read(db, table, it->value, total));
    reads.emplace_back(table, std::move(tr));
  }
  JsonOut o;
  o.w.StartObject();
  o.key("Responses");
  o.w.StartObject();
  std::map<std::string, Capacity> caps;
  std::vector<std::pair<std::string, std::vector<Item>>> unprocessed;
  size_t bytes = 0;
  for (auto& [name, tr] : reads) {
    o.key(name);
    o.w.StartArray();
    Capacity& cap = caps[name];
    for (auto& key : tr.keys) {
      if (bytes >= kBatchGetBytes) {
        if (unprocessed.empty() || unprocessed.back().first != name) unprocessed.push_back({name, {}});
        unprocessed.back().second.push_back(key);
        continue;
      }
      auto item = load_item(db, item_key(tr.table->def, key));
      size_t sz = item ? item_size(*item) : 0;
      bytes += sz;
      cap.table += read_units(sz, tr.consistent);
      if (item) write_item(o.w, tr.projection ? expr::project(*item, *tr.projection) : *item);
    }
    o.w.EndArray();
  }
  o.w.EndObject();
  write_unprocessed_keys(o, unprocessed);
  write_capacity_list(o, rcc, caps);
  o.w.EndObject();
  return o.take();
}

}  // namespace ddb
