// BatchExecuteStatement (up to 25 single-item statements, each answered on its own) and
// ExecuteTransaction (up to 100, all or nothing, through the same transaction core as
// TransactWriteItems and with its ClientRequestToken idempotency).
#include <set>

#include "engine/partiql_exec.h"
#include "util/codec.h"
#include "util/messages.h"

namespace ddb {

namespace {

constexpr size_t kMaxBatchStatements = 25, kMaxTransactStatements = 100;

// Whether a statement's text is a read (SELECT) by its first word; nullopt when it is none of the four.
std::optional<bool> reads_by_keyword(std::string_view text) {
  size_t i = text.find_first_not_of(" \t\r\n");
  if (i == std::string_view::npos) return std::nullopt;
  size_t j = i;
  while (j < text.size() && std::isalpha(static_cast<unsigned char>(text[j]))) ++j;
  std::string w(text.substr(i, j - i));
  for (auto& ch : w) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  if (w == "SELECT") return true;
  if (w == "INSERT" || w == "UPDATE" || w == "DELETE" || w == "EXISTS") return false;
  return std::nullopt;
}

void write_error(JsonOut& o, const Error& e, const std::optional<Item>& item) {
  o.key("Error");
  o.w.StartObject();
  o.kv("Code", pq::error_code(e));
  o.kv("Message", e.message);
  if (item) {
    o.key("Item");
    write_item(o.w, *item);
  }
  o.w.EndObject();
}

// One statement of a batch: compiled, or the error its answer carries.
struct BatchEntry {
  std::optional<pq::Compiled> compiled;
  std::optional<Error> error;
  bool read = false;
};

Result<std::vector<BatchEntry>> compile_batch(Database& db, const Json& list) {
  std::vector<BatchEntry> entries;
  std::optional<bool> reads;
  for (rapidjson::SizeType i = 0; i < list.Size(); ++i) {
    const Json& e = list[i];
    if (!e.IsObject()) return err::serialization(msg::kUnexpectedValueTypeInPayload);
    pq::StatementText s;
    DDB_ASSIGN(s, pq::statement_text(e, "statements." + std::to_string(i + 1) + ".member.statement"));
    bool return_old;
    DDB_ASSIGN(return_old, return_old_on_failure(e));
    BatchEntry b;
    auto kind = reads_by_keyword(s.text);
    if (!kind) {
      b.error = err::validation(msg::kPqBatchInvalidOperation);
      entries.push_back(std::move(b));
      continue;
    }
    b.read = *kind;
    if (reads && *reads != b.read) return err::validation(msg::kPqBatchMixed);
    reads = b.read;
    auto c = pq::compile(db, s, return_old);
    if (!c.ok())
      b.error = c.take_error();
    else if (c.value().st.kind == partiql::Statement::kExists)
      b.error = err::validation(msg::kPqExistsOnlyInTransactions);
    else if (b.read && !c.value().key_only)
      b.error = err::validation(msg::kPqBatchSingleSelect);
    else
      b.compiled = std::move(c).value();
    entries.push_back(std::move(b));
  }
  std::set<std::string> keys;
  for (const auto& b : entries) {
    if (!b.compiled || b.read) continue;
    const auto& w = b.compiled->write;
    if (!keys.insert(std::to_string(w.table->def.id) + w.storage_key).second)
      return err::validation(msg::kPqBatchDuplicateKeys);
  }
  return entries;
}

void run_batch_entry(Database& db, BatchEntry& b, bool consistent, std::map<std::string, Capacity>& caps,
                     JsonOut& o) {
  o.w.StartObject();
  if (!b.compiled) {
    write_error(o, *b.error, std::nullopt);
    o.w.EndObject();
    return;
  }
  pq::Compiled& c = *b.compiled;
  const std::string& table = c.table->def.name;
  if (b.read) {
    o.kv("TableName", table);
    if (auto item = pq::read_point(db, c, consistent, caps[table])) {
      o.key("Item");
      write_item(o.w, *item);
    }
    o.w.EndObject();
    return;
  }
  std::optional<Item> seen;
  auto out = run_write(db, c.write, &seen);
  if (!out.ok()) {
    Error e = out.take_error();
    bool show = e.name() == "ConditionalCheckFailedException" && c.write.return_old_on_failure;
    write_error(o, e, show ? seen : std::nullopt);
  } else {
    caps[table].add(out.value().cap);
    if (auto attrs = pq::returned(c, out.value())) {
      o.key("Item");
      write_item(o.w, *attrs);
    }
  }
  o.kv("TableName", table);
  o.w.EndObject();
}

// The list member of a batch or transaction: present, a list, 1..max long.
Result<const Json*> statement_list(const Json& req, const char* name, const char* path, size_t max,
                                   const char* empty_message) {
  const Json* list = member(req, name);
  if (!list) return Violations::only_null(path);
  if (!list->IsArray()) return err::serialization(msg::kUnexpectedValueTypeInPayload);
  if (list->Size() == 0) return err::validation(empty_message);
  if (list->Size() > max)
    return Violations::only("'[...]'", path, msg::max_length(static_cast<long long>(max)));
  return list;
}

// A transaction's reads: the items of single-item SELECTs, read together with no write between them.
Result<std::string> transact_reads(Database& db, std::vector<pq::Compiled>& cs, const std::string& rcc) {
  std::map<std::string, Capacity> caps;
  JsonOut o;
  o.w.StartObject();
  o.key("Responses");
  o.w.StartArray();
  {
    ops::TableLocks locks(
        ops::tables_of(cs));  // a consistent snapshot: no write of these tables runs meanwhile
    for (auto& c : cs) {
      Capacity cap;
      auto item = pq::read_point(db, c, true, cap);
      cap.table *= 2;  // transactional reads cost twice
      caps[c.table->def.name].add(cap);
      o.w.StartObject();
      if (item) {
        o.key("Item");
        write_item(o.w, *item);
      }
      o.w.EndObject();
    }
  }
  o.w.EndArray();
  write_capacity_list(o, rcc, caps);
  o.w.EndObject();
  return o.take();
}

}  // namespace

Result<std::string> ops::batch_execute_statement(Database& db, const Json& req) {
  std::string rcc;
  DDB_ASSIGN(rcc, return_consumed(req));
  const Json* list;
  DDB_ASSIGN(list, statement_list(req, "Statements", "statements", kMaxBatchStatements, msg::kPqBatchEmpty));
  std::vector<BatchEntry> entries;
  DDB_ASSIGN(entries, compile_batch(db, *list));
  std::map<std::string, Capacity> caps;
  JsonOut o;
  o.w.StartObject();
  o.key("Responses");
  o.w.StartArray();
  for (size_t i = 0; i < entries.size(); ++i) {
    std::optional<bool> consistent;
    DDB_ASSIGN(consistent, get_bool((*list)[static_cast<rapidjson::SizeType>(i)], "ConsistentRead"));
    run_batch_entry(db, entries[i], consistent.value_or(false), caps, o);
  }
  o.w.EndArray();
  write_capacity_list(o, rcc, caps);
  o.w.EndObject();
  return o.take();
}

Result<std::string> ops::execute_transaction(Database& db, const Json& req) {
  std::string rcc;
  DDB_ASSIGN(rcc, return_consumed(req));
  const Json* list;
  DDB_ASSIGN(list, statement_list(req, "TransactStatements", "transactStatements", kMaxTransactStatements,
                                  msg::kPqTxEmpty));
  std::optional<std::string> token;
  DDB_ASSIGN(token, get_string(req, "ClientRequestToken"));
  if (token && (token->empty() || token->size() > 36))
    return Violations::only("'" + *token + "'", "clientRequestToken",
                            token->empty() ? msg::min_length(1) : msg::max_length(36));
  std::vector<pq::Compiled> cs;
  std::optional<bool> reads;
  std::set<std::string> seen;
  for (rapidjson::SizeType i = 0; i < list->Size(); ++i) {
    const Json& e = (*list)[i];
    if (!e.IsObject()) return err::serialization(msg::kUnexpectedValueTypeInPayload);
    pq::StatementText s;
    DDB_ASSIGN(s, pq::statement_text(e, "transactStatements." + std::to_string(i + 1) + ".member.statement"));
    bool return_old;
    DDB_ASSIGN(return_old, return_old_on_failure(e));
    auto compiled = pq::compile(db, s, return_old);
    if (!compiled.ok()) {
      Error e = compiled.take_error();
      if (e.name() == "ResourceNotFoundException") e = err::not_found();  // the service's plain text here
      return e;
    }
    pq::Compiled c = std::move(compiled).value();
    bool read = c.st.is_read();
    if (reads && *reads != read) return err::validation(msg::kPqTxMixed);
    reads = read;
    if (read && !c.key_only) return err::validation(msg::text(msg::kPqTxSelectKey, i));
    if (c.st.kind == partiql::Statement::kExists && c.key_only)
      return err::validation(msg::text(msg::kPqExistsNeedsCondition, i));
    if (!c.st.returning.empty()) return err::validation(msg::text(msg::kPqTxReturning, i));
    std::string key = read ? item_key(c.table->def, c.point_key()) : c.write.storage_key;
    if (!seen.insert(std::to_string(c.table->def.id) + key).second)
      return err::validation(msg::kTransactionRequestCannotIncludeMultipleOperationsOn);
    cs.push_back(std::move(c));
  }
  if (*reads) return transact_reads(db, cs, rcc);
  std::vector<WriteOp> writes;
  writes.reserve(cs.size());
  for (auto& c : cs) writes.push_back(std::move(c.write));
  TransactOptions t{token, token ? request_hash(*list, "pq") : std::string(), rcc, true,
                    msg::kPqTxTokenMismatch};
  return run_transaction(db, writes, t);
}

}  // namespace ddb
