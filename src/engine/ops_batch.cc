// BatchGetItem, BatchWriteItem, TransactWriteItems, TransactGetItems.
#include <set>

#include "engine/ops.h"
#include "engine/request.h"
#include "util/codec.h"

namespace ddb {

namespace {
constexpr size_t kBatchGetBytes = 16 * 1024 * 1024;
constexpr size_t kTransactBytes = 4 * 1024 * 1024;

// A copy of `obj` with TableName set, so batch/transaction elements parse like single requests.
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
  for (auto& [table, c] : caps) Ops::write_capacity_object(o, mode, table, c);
  o.w.EndArray();
}
}  // namespace

Result<std::string> Ops::batch_write(Database& db, const Json& req) {
  std::string rcc;
  DDB_ASSIGN(rcc, return_consumed(req));
  auto* ri = member(req, "RequestItems");
  if (!ri)
    return err::validation(
        "1 validation error detected: Value null at 'requestItems' failed to satisfy constraint: Member must "
        "not be null");
  if (!ri->IsObject()) return err::serialization("Unexpected value type in payload");
  if (ri->MemberCount() == 0)
    return err::validation(
        "1 validation error detected: Value '{}' at 'requestItems' failed to satisfy constraint: Member must "
        "have length greater than or equal to 1");
  size_t total = 0;
  for (auto it = ri->MemberBegin(); it != ri->MemberEnd(); ++it) {
    if (!it->value.IsArray()) return err::serialization("Unexpected value type in payload");
    if (it->value.Size() == 0 || it->value.Size() > 25)
      return err::validation(
          "1 validation error detected: Value at 'requestItems' failed to satisfy constraint: Map value must "
          "satisfy constraint: [Member must have length less than or equal to 25, Member must have length "
          "greater than or equal to 1]");
    total += it->value.Size();
  }
  if (total > 25) return err::validation("Too many items requested for the BatchWriteItem call");
  std::vector<WriteOp> ops;
  std::set<std::string> seen;
  for (auto it = ri->MemberBegin(); it != ri->MemberEnd(); ++it) {
    std::string table(it->name.GetString(), it->name.GetStringLength());
    for (auto& e : it->value.GetArray()) {
      const Json* put = member(e, "PutRequest");
      const Json* del = member(e, "DeleteRequest");
      if ((put != nullptr) == (del != nullptr))
        return err::validation(
            "Supplied AttributeValue has more than one datatypes set, must contain exactly one of the "
            "supported datatypes");
      auto body = with_table(put ? *put : *del, table);
      auto prepared = prepare_write(db, put ? WriteOp::kPut : WriteOp::kDelete, body, false);
      if (!prepared.ok()) {
        // Inside a batch, every key problem is reported as a schema mismatch.
        Error e = prepared.take_error();
        if (e.message.find("Missing the key") != std::string::npos ||
            e.message.find("Type mismatch for key") != std::string::npos)
          e.message = "The provided key element does not match the schema";
        return e;
      }
      WriteOp w = std::move(prepared).value();
      if (!seen.insert(w.storage_key).second)
        return err::validation("Provided list of item keys contains duplicates");
      ops.push_back(std::move(w));
    }
  }
  std::map<std::string, Capacity> caps;
  {
    MutexLock wl(db.write_mu());
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

Result<std::string> Ops::batch_get(Database& db, const Json& req) {
  std::string rcc;
  DDB_ASSIGN(rcc, return_consumed(req));
  auto* ri = member(req, "RequestItems");
  if (!ri)
    return err::validation(
        "1 validation error detected: Value null at 'requestItems' failed to satisfy constraint: Member must "
        "not be null");
  if (!ri->IsObject()) return err::serialization("Unexpected value type in payload");
  if (ri->MemberCount() == 0)
    return err::validation(
        "1 validation error detected: Value '{}' at 'requestItems' failed to satisfy constraint: Member must "
        "have length greater than or equal to 1");
  struct TableRead {
    std::shared_ptr<Table> table;
    std::vector<Item> keys;
    std::optional<std::vector<expr::Path>> projection;
    bool consistent = false;
    const Json* raw = nullptr;
  };
  std::vector<std::pair<std::string, TableRead>> reads;
  size_t total = 0;
  for (auto it = ri->MemberBegin(); it != ri->MemberEnd(); ++it) {
    std::string table(it->name.GetString(), it->name.GetStringLength());
    const Json& spec = it->value;
    auto* ks = member(spec, "Keys");
    if (!ks || !ks->IsArray())
      return err::validation("1 validation error detected: Value null at 'requestItems." + table +
                             ".member.keys' failed to satisfy constraint: Member must not be null");
    if (ks->Size() == 0)
      return err::validation(
          "1 validation error detected: Value '[]' at 'requestItems." + table +
          ".member.keys' failed to satisfy constraint: Member must have length greater than or equal to 1");
    total += ks->Size();
    if (total > 100) return err::validation("Too many items requested for the BatchGetItem call");
    auto body = with_table(spec, table);
    TableRead tr;
    tr.raw = &spec;
    DDB_ASSIGN(tr.table, table_for_request(db, body));
    std::optional<bool> consistent;
    DDB_ASSIGN(consistent, get_bool(spec, "ConsistentRead"));
    tr.consistent = consistent.value_or(false);
    ExprParams ep;
    DDB_TRY(check_expression_params(body, member(body, "ProjectionExpression") != nullptr, ep));
    expr::Context ctx(ep.names, ep.values ? &*ep.values : nullptr);
    DDB_ASSIGN(tr.projection, read_projection(body, ctx));
    DDB_TRY(ctx.check_unused());
    std::set<std::string> seen;
    for (auto& k : ks->GetArray()) {
      Item key;
      DDB_ASSIGN(key, item_from_json(k));
      DDB_TRY(check_key(tr.table->def, key));
      if (!seen.insert(item_key(tr.table->def, key)).second)
        return err::validation("Provided list of item keys contains duplicates");
      tr.keys.push_back(std::move(key));
    }
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
  o.key("UnprocessedKeys");
  o.w.StartObject();
  for (auto& [name, ks] : unprocessed) {
    o.key(name);
    o.w.StartObject();
    o.key("Keys");
    o.w.StartArray();
    for (auto& k : ks) write_item(o.w, k);
    o.w.EndArray();
    o.w.EndObject();
  }
  o.w.EndObject();
  write_capacity_list(o, rcc, caps);
  o.w.EndObject();
  return o.take();
}

Result<std::string> Ops::transact_write(Database& db, const Json& req) {
  std::string rcc;
  DDB_ASSIGN(rcc, return_consumed(req));
  auto* ti = member(req, "TransactItems");
  if (!ti)
    return err::validation(
        "1 validation error detected: Value null at 'transactItems' failed to satisfy constraint: Member "
        "must not be null");
  if (!ti->IsArray()) return err::serialization("Unexpected value type in payload");
  if (ti->Size() == 0)
    return err::validation(
        "1 validation error detected: Value '[]' at 'transactItems' failed to satisfy constraint: Member "
        "must have length greater than or equal to 1");
  if (ti->Size() > 100)
    return err::validation(
        "1 validation error detected: Value '[...]' at 'transactItems' failed to satisfy constraint: Member "
        "must have length less than or equal to 100");
  std::optional<std::string> token;
  DDB_ASSIGN(token, get_string(req, "ClientRequestToken"));
  if (token && (token->empty() || token->size() > 36))
    return err::validation(
        "1 validation error detected: Value '" + *token +
        "' at 'clientRequestToken' failed to satisfy constraint: Member must have length " +
        (token->empty() ? "greater than or equal to 1" : "less than or equal to 36"));
  std::vector<WriteOp> ops;
  std::set<std::string> seen;
  size_t bytes = 0;
  for (auto& e : ti->GetArray()) {
    const Json* body = nullptr;
    WriteOp::Kind kind = WriteOp::kPut;
    int n = 0;
    for (auto [name, k] : {std::pair{"Put", WriteOp::kPut},
                           {"Delete", WriteOp::kDelete},
                           {"Update", WriteOp::kUpdate},
                           {"ConditionCheck", WriteOp::kCheck}}) {
      if (auto* m = member(e, name)) {
        body = m;
        kind = k;
        ++n;
      }
    }
    if (n != 1) return err::validation("TransactItems can only contain one of Check, Put, Update or Delete");
    WriteOp w;
    DDB_ASSIGN(w, prepare_write(db, kind, *body, false));
    if (!seen.insert(std::to_string(w.table->def.id) + w.storage_key).second)
      return err::validation("Transaction request cannot include multiple operations on one item");
    bytes += item_size(w.item) + item_size(w.key);
    ops.push_back(std::move(w));
  }
  if (bytes > kTransactBytes) return err::validation("Transaction request cannot be larger than 4MB");

  MutexLock wl(db.write_mu());
  std::string request_hash;
  if (token) {
    rapidjson::StringBuffer sb;
    rapidjson::Writer<rapidjson::StringBuffer> w(sb);
    ti->Accept(w);
    request_hash = std::to_string(crc32(std::string_view(sb.GetString(), sb.GetSize()))) + ":" +
                   std::to_string(sb.GetSize());
    db.expire_tokens(std::chrono::steady_clock::now());
    auto it = db.tokens_.find(*token);
    if (it != db.tokens_.end()) {
      if (it->second.request_hash != request_hash)
        return err::idempotent_mismatch(
            "Request token has already been used with different request parameters");
      return it->second.response;
    }
  }
  // All conditions are checked against the state before the transaction; nothing is written
  // unless every one holds.
  std::vector<std::optional<Item>> olds, nexts;
  std::vector<std::optional<Error>> failures;
  bool failed = false;
  for (auto& w : ops) {
    DDB_ASSIGN(w.table, recheck(db, w.table));  // deleted or changed meanwhile?
  }
  for (auto& w : ops) {
    auto old = load_item(db, w.storage_key);
    auto r = w.apply(old);
    if (!r.ok()) {
      failed = true;
      failures.emplace_back(r.take_error());
      nexts.emplace_back();
    } else {
      failures.emplace_back();
      nexts.push_back(std::move(r).value());
    }
    olds.push_back(std::move(old));
  }
  if (failed) {
    std::string codes, reasons = ",\"CancellationReasons\":[";
    for (size_t i = 0; i < ops.size(); ++i) {
      std::string code = "None";
      if (failures[i]) {
        code = failures[i]->name() == "ConditionalCheckFailedException" ? "ConditionalCheckFailed"
                                                                        : "ValidationError";
      }
      codes += (i ? ", " : "") + code;
      reasons += i ? "," : "";
      if (!failures[i]) {
        reasons += "{\"Code\":\"None\"}";
      } else {
        JsonOut r;
        r.w.StartObject();
        r.kv("Code", code);
        r.kv("Message", failures[i]->message);
        if (ops[i].return_old_on_failure && olds[i]) {
          r.key("Item");
          write_item(r.w, *olds[i]);
        }
        r.w.EndObject();
        reasons += r.take();
      }
    }
    reasons += "]";
    Error e = err::transaction_canceled(
        "Transaction cancelled, please refer cancellation reasons for specific reasons [" + codes + "]");
    e.extra_json = reasons;
    return e;
  }
  Staged st;
  std::map<std::string, Capacity> caps;
  for (size_t i = 0; i < ops.size(); ++i) {
    Capacity c;
    if (ops[i].kind == WriteOp::kCheck) {
      c.table = read_units(olds[i] ? item_size(*olds[i]) : 0, true);
    } else {
      stage_write(db, ops[i].table, ops[i].storage_key, olds[i] ? &*olds[i] : nullptr,
                  nexts[i] ? &*nexts[i] : nullptr, st, &c);
    }
    // Transactions cost twice the units of a plain write or read.
    c.table *= 2;
    for (auto& [k, v] : c.gsi) v *= 2;
    for (auto& [k, v] : c.lsi) v *= 2;
    caps[ops[i].table->def.name].add(c);
  }
  DDB_TRY(commit(db, st));
  JsonOut o;
  o.w.StartObject();
  write_capacity_list(o, rcc, caps);
  o.w.EndObject();
  std::string response = o.take();
  if (token) db.remember_token(*token, request_hash, response);
  return response;
}

Result<std::string> Ops::transact_get(Database& db, const Json& req) {
  std::string rcc;
  DDB_ASSIGN(rcc, return_consumed(req));
  auto* ti = member(req, "TransactItems");
  if (!ti)
    return err::validation(
        "1 validation error detected: Value null at 'transactItems' failed to satisfy constraint: Member "
        "must not be null");
  if (!ti->IsArray()) return err::serialization("Unexpected value type in payload");
  if (ti->Size() == 0 || ti->Size() > 100)
    return err::validation(std::string("1 validation error detected: Value '[]' at 'transactItems' failed to "
                                       "satisfy constraint: Member must have length ") +
                           (ti->Size() == 0 ? "greater than or equal to 1" : "less than or equal to 100"));
  struct Get {
    std::shared_ptr<Table> table;
    std::string key;
    std::optional<std::vector<expr::Path>> projection;
  };
  std::vector<Get> gets;
  std::set<std::string> seen;
  for (auto& e : ti->GetArray()) {
    auto* g = member(e, "Get");
    if (!g)
      return err::validation(
          "1 validation error detected: Value null at 'transactItems.1.member.get' failed to satisfy "
          "constraint: Member must not be null");
    Get x;
    DDB_ASSIGN(x.table, table_for_request(db, *g));
    ExprParams ep;
    DDB_TRY(check_expression_params(*g, member(*g, "ProjectionExpression") != nullptr, ep));
    expr::Context ctx(ep.names, ep.values ? &*ep.values : nullptr);
    DDB_ASSIGN(x.projection, read_projection(*g, ctx));
    DDB_TRY(ctx.check_unused());
    Item key;
    DDB_ASSIGN(key, key_from_request(*g, x.table->def));
    x.key = item_key(x.table->def, key);
    if (!seen.insert(std::to_string(x.table->def.id) + x.key).second)
      return err::validation("Transaction request cannot include multiple operations on one item");
    gets.push_back(std::move(x));
  }
  std::map<std::string, Capacity> caps;
  JsonOut o;
  o.w.StartObject();
  o.key("Responses");
  o.w.StartArray();
  {
    MutexLock wl(db.write_mu());  // a consistent snapshot: no write runs meanwhile
    for (auto& g : gets) {
      auto item = load_item(db, g.key);
      caps[g.table->def.name].table += 2 * read_units(item ? item_size(*item) : 0, true);
      o.w.StartObject();
      if (item) {
        o.key("Item");
        write_item(o.w, g.projection ? expr::project(*item, *g.projection) : *item);
      }
      o.w.EndObject();
    }
  }
  o.w.EndArray();
  write_capacity_list(o, rcc, caps);
  o.w.EndObject();
  return o.take();
}

}  // namespace ddb
