// Request pieces shared by item, query, batch and transaction operations.
#pragma once
#include "engine/ops.h"
#include "util/messages.h"

namespace ddb {

inline constexpr size_t kMaxItemSize = 400 * 1024;  // DynamoDB's item size limit

struct ExprParams {
  const Json* names = nullptr;
  std::optional<Item> values;
};
// Validates ExpressionAttributeNames/Values and that they come with an expression.
Status check_expression_params(const Json& req, bool any_expression, ExprParams& p);
Result<std::string> return_values(const Json& req, std::initializer_list<const char*> allowed,
                                  const char* message);
Result<bool> return_old_on_failure(const Json& req);
Result<Item> key_from_request(const Json& req, const TableDef& def);
Error condition_failed(const std::optional<Item>& old, bool return_old);
Result<std::optional<std::vector<expr::Path>>> read_projection(const Json& req, expr::Context& ctx);
Result<expr::Update> legacy_updates(const Json& attribute_updates);
// A copy of `obj` with TableName set, so batch/transaction elements parse like single requests.
rapidjson::Document with_table(const Json& obj, std::string_view table);
// "ConsumedCapacity":[...] of a batch or transaction (nothing when mode is NONE).
void write_capacity_list(JsonOut& o, const std::string& mode, const std::map<std::string, Capacity>& caps);
void write_item_collection_metrics(JsonOut& o, const Json& req, const TableDef& def, const Item& any_item);

}  // namespace ddb

namespace ddb {

// One validated write of one item (STYLE: read-modify-write as an object with a const apply()).
// Used by PutItem, DeleteItem, UpdateItem, BatchWriteItem and TransactWriteItems.
struct WriteOp {
  enum Kind { kPut, kDelete, kUpdate, kCheck } kind = kPut;
  std::shared_ptr<Table> table;
  std::string storage_key;
  Item key;                            // the item's primary key
  Item item;                           // kPut: the new item
  std::optional<expr::Update> update;  // kUpdate
  std::optional<expr::Condition> condition;
  bool return_old_on_failure = false;
  bool insert = false;  // PartiQL INSERT: a failed condition (the key exists) is DuplicateItemException

  // The item after this write given the item before it (nullopt: absent / deleted).
  // Fails with ConditionalCheckFailedException or an update error. Safe to call repeatedly.
  Result<std::optional<Item>> apply(const std::optional<Item>& old) const;
  // The condition alone (apply() checks it first).
  Status check(const std::optional<Item>& old) const;
  // apply() for the last use of the WriteOp: a Put's item is moved out, not copied.
  Result<std::optional<Item>> apply_once(const std::optional<Item>& old);
};

// What one write did: the item before and after it, and its capacity.
struct WriteOutcome {
  std::optional<Item> old, next;
  Capacity cap;
};
// Applies one validated write under its table's lock: recheck the table, apply, commit. When the write
// fails, `seen` (if given) receives the item it was checked against.
Result<WriteOutcome> run_write(Database& db, WriteOp& w, std::optional<Item>* seen = nullptr);
// The attributes a ReturnValues setting (rv) answers with, if any.
std::optional<Item> returned_attributes(const std::string& rv, const WriteOp& w, const WriteOutcome& out);

// A write transaction (TransactWriteItems, ExecuteTransaction): every condition checked against the
// state before it, then all written or none. `request_hash` identifies the request for the token.
struct TransactOptions {
  std::optional<std::string> token;
  std::string request_hash;
  std::string rcc;
  bool partiql = false;  // ExecuteTransaction answers with an empty "Responses" list
  const char* token_mismatch = msg::kRequestTokenHasAlreadyUsedWithDifferent;
};
Result<std::string> run_transaction(Database& db, std::vector<WriteOp>& ops, const TransactOptions& t);
// What identifies a transaction for ClientRequestToken idempotency: its list of parts, and the kind of
// request ("tx" TransactWriteItems, "pq" ExecuteTransaction), so one token cannot match both kinds.
std::string request_hash(const Json& parts, std::string_view kind);

// Parses and validates one write request (the body of PutItem/DeleteItem/UpdateItem or of a
// transaction/batch element). `legacy` allows Expected/AttributeUpdates.
Result<WriteOp> prepare_write(Database& db, WriteOp::Kind kind, const Json& req, bool legacy);

}  // namespace ddb
