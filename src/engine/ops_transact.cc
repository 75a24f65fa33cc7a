// TransactWriteItems and TransactGetItems: validate every element, then (under the write lock)
// check every condition against the state before the transaction, then write all or nothing.
#include <algorithm>
#include <set>

#include "engine/ops.h"
#include "engine/request.h"
#include "util/codec.h"
#include "util/json_writer.h"
#include "util/messages.h"

namespace ddb {

namespace {
constexpr size_t kTransactBytes = 4 * 1024 * 1024;

struct TransactRequest {
  std::string rcc;
  const Json* items = nullptr;
  std::optional<std::string> token;
};

Result<TransactRequest> parse_transact_request(const Json& req) {
  TransactRequest t;
  DDB_ASSIGN(t.rcc, ops::return_consumed(req));
  t.items = member(req, "TransactItems");
  if (!t.items) return Violations::only_null("transactItems");
  if (!t.items->IsArray()) return err::serialization(msg::kUnexpectedValueTypeInPayload);
  if (t.items->Size() == 0) return Violations::only("'[]'", "transactItems", msg::min_length(1));
  if (t.items->Size() > 100) return Violations::only("'[...]'", "transactItems", msg::max_length(100));
  DDB_ASSIGN(t.token, get_string(req, "ClientRequestToken"));
  if (t.token && (t.token->empty() || t.token->size() > 36))
    return Violations::only(fmt::format("'{}'", *t.token), "clientRequestToken",
                            (t.token->empty() ? msg::min_length(1) : msg::max_length(36)));
  return t;
}

// Each element holds exactly one of Put, Delete, Update and ConditionCheck, on distinct items.
Result<std::vector<WriteOp>> parse_transact_items(Database& db, const Json& items) {
  std::vector<WriteOp> ops;
  std::set<std::string> seen;
  size_t bytes = 0;
  for (const auto& e : items.GetArray()) {
    const Json* body = nullptr;
    WriteOp::Kind kind = WriteOp::kPut;
    int n = 0;
    for (auto [name, k] : {std::pair{"Put", WriteOp::kPut},
                           {"Delete", WriteOp::kDelete},
                           {"Update", WriteOp::kUpdate},
                           {"ConditionCheck", WriteOp::kCheck}}) {
      if (const auto* m = member(e, name)) {
        body = m;
        kind = k;
        ++n;
      }
    }
    if (n != 1) return err::validation(msg::kTransactitemsCanOnlyContainOneCheckPut);
    WriteOp w;
    DDB_ASSIGN(w, prepare_write(db, kind, *body, false));
    if (!seen.insert(std::to_string(w.table->def.id) + w.storage_key).second)
      return err::validation(msg::kTransactionRequestCannotIncludeMultipleOperationsOn);
    bytes += item_size(w.item) + item_size(w.key);
    ops.push_back(std::move(w));
  }
  if (bytes > kTransactBytes) return err::validation(msg::kTransactionRequestCannotLargerThan4mb);
  return ops;
}

// TransactionCanceledException with one reason per element, in order; `shown[i]`, when set, is the item a
// failed element returns (ReturnValuesOnConditionCheckFailure ALL_OLD).
Error cancellation(const std::vector<std::optional<Error>>& failures, const std::vector<const Item*>& shown) {
  std::string codes, reasons = ",\"CancellationReasons\":[";
  for (size_t i = 0; i < failures.size(); ++i) {
    std::string code = "None";
    if (failures[i])
      code = failures[i]->name() == "ConditionalCheckFailedException" ? "ConditionalCheckFailed"
                                                                      : "ValidationError";
    codes += (i ? ", " : "") + code;
    reasons += i ? "," : "";
    if (!failures[i]) {
      reasons += "{\"Code\":\"None\"}";
      continue;
    }
    JsonOut r;
    r.w.StartObject();
    r.kv("Code", code);
    r.kv("Message", failures[i]->message);
    if (shown[i]) {
      r.key("Item");
      write_item(r.w, *shown[i]);
    }
    r.w.EndObject();
    reasons += r.take();
  }
  reasons += "]";
  Error e = err::transaction_canceled(
      msg::text(msg::kTransactionCancelledPleaseReferCancellationReasonsFor, codes));
  e.extra_json = reasons;
  return e;
}

}  // namespace

std::string request_hash(const Json& parts, std::string_view kind) {
  rapidjson::StringBuffer sb;
  ddb::JsonWriter w(sb);
  parts.Accept(w);
  return std::string(kind) + ":" + std::to_string(crc32(std::string_view(sb.GetString(), sb.GetSize()))) +
         ":" + std::to_string(sb.GetSize());
}

Result<std::string> ops::transact_write(Database& db, const Json& req) {
  TransactRequest tr;
  DDB_ASSIGN(tr, parse_transact_request(req));
  std::vector<WriteOp> ops;
  DDB_ASSIGN(ops, parse_transact_items(db, *tr.items));
  TransactOptions t{tr.token, tr.token ? request_hash(*tr.items, "tx") : std::string(), tr.rcc};
  return run_transaction(db, ops, t);
}

namespace {

// Checks every condition against the state before the transaction and writes all or nothing.
// REQUIRES: the locks of the tables of `ops` held.
Result<std::string> apply_transaction(Database& db, std::vector<WriteOp>& ops, const TransactOptions& t) {
  using namespace ops;
  for (auto& w : ops) {
    DDB_ASSIGN(w.table, recheck(db, w.table));  // deleted or changed meanwhile?
  }
  std::vector<std::optional<Item>> olds, nexts;
  std::vector<std::optional<Error>> failures;
  bool failed = false;
  for (const auto& w : ops) {
    auto old = load_item(db, w.storage_key);
    auto r = w.apply(old);
    failed = failed || !r.ok();
    failures.push_back(r.ok() ? std::nullopt : std::optional<Error>(r.take_error()));
    nexts.push_back(r.ok() ? std::move(r).value() : std::nullopt);
    olds.push_back(std::move(old));
  }
  if (failed) {
    std::vector<const Item*> shown;
    for (size_t i = 0; i < ops.size(); ++i)
      shown.push_back(ops[i].return_old_on_failure && olds[i] ? &*olds[i] : nullptr);
    return cancellation(failures, shown);
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
  if (t.partiql) {
    o.key("Responses");
    o.w.StartArray();
    o.w.EndArray();
  }
  write_capacity_list(o, t.rcc, caps);
  o.w.EndObject();
  return o.take();
}

}  // namespace

Result<std::string> run_transaction(Database& db, std::vector<WriteOp>& ops, const TransactOptions& t) {
  if (!t.token) {
    ops::TableLocks locks(ops::tables_of(ops));
    return apply_transaction(db, ops, t);
  }
  // With a ClientRequestToken the database's write_mu_ makes the check and the remembering one step,
  // so a request replayed concurrently runs once.
  MutexLock wl(db.write_mu());
  if (auto seen = db.find_token(*t.token)) {
    if (seen->request_hash != t.request_hash) return err::idempotent_mismatch(t.token_mismatch);
    return seen->response;
  }
  std::string response;
  {
    ops::TableLocks locks(ops::tables_of(ops));
    DDB_ASSIGN(response, apply_transaction(db, ops, t));
  }
  db.remember_token(*t.token, t.request_hash, response);
  return response;
}

Result<std::string> ops::transact_get(Database& db, const Json& req) {
  std::string rcc;
  DDB_ASSIGN(rcc, return_consumed(req));
  auto* ti = member(req, "TransactItems");
  if (!ti) return Violations::only_null("transactItems");
  if (!ti->IsArray()) return err::serialization(msg::kUnexpectedValueTypeInPayload);
  if (ti->Size() == 0 || ti->Size() > 100)
    return Violations::only("'[]'", "transactItems",
                            (ti->Size() == 0 ? msg::min_length(1) : msg::max_length(100)));
  struct Get {
    std::shared_ptr<Table> table;
    std::string key;
    std::optional<std::vector<expr::Path>> projection;
  };
  std::vector<Get> gets;
  std::set<std::string> seen;
  // A key that does not match its table's schema cancels the transaction with a ValidationError reason
  // (the service's answer; DynamoDB Local 3.3.1 answers the bare message as TransactionCanceledException).
  std::vector<std::optional<Error>> bad_keys;
  for (auto& e : ti->GetArray()) {
    auto* g = member(e, "Get");
    if (!g) return Violations::only_null("transactItems.1.member.get");
    Get x;
    DDB_ASSIGN(x.table, table_for_request(db, *g));
    ExprParams ep;
    DDB_TRY(check_expression_params(*g, member(*g, "ProjectionExpression") != nullptr, ep));
    expr::Context ctx(ep.names, ep.values ? &*ep.values : nullptr);
    DDB_ASSIGN(x.projection, read_projection(*g, ctx));
    DDB_TRY(ctx.check_unused());
    auto* k = member(*g, "Key");
    if (!k) return Violations::only_null("key");
    Item key;
    DDB_ASSIGN(key, item_from_json(*k));
    Status key_ok = check_key(x.table->def, key);
    bad_keys.push_back(key_ok.ok() ? std::nullopt : std::optional<Error>(key_ok.take_error()));
    if (!key_ok.ok()) {
      gets.push_back(std::move(x));
      continue;
    }
    x.key = item_key(x.table->def, key);
    if (!seen.insert(std::to_string(x.table->def.id) + x.key).second)
      return err::validation(msg::kTransactionRequestCannotIncludeMultipleOperationsOn);
    gets.push_back(std::move(x));
  }
  if (std::any_of(bad_keys.begin(), bad_keys.end(), [](const auto& b) { return b.has_value(); }))
    return cancellation(bad_keys, std::vector<const Item*>(bad_keys.size(), nullptr));
  std::map<std::string, Capacity> caps;
  JsonOut o;
  o.w.StartObject();
  o.key("Responses");
  o.w.StartArray();
  {
    TableLocks locks(tables_of(gets));  // a consistent snapshot: no write of these tables runs meanwhile
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
