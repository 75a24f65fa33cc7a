// PartiQL statements bound to a database: each statement is compiled into what the item API runs
// (a WriteOp for INSERT/UPDATE/DELETE/EXISTS, a key range read for SELECT), so its conditions,
// stream records, index maintenance and capacity are those of the matching item API call.
#pragma once
#include "engine/key_range.h"
#include "engine/request.h"
#include "partiql/partiql.h"

namespace ddb::pq {

struct Compiled {
  partiql::Statement st;
  std::shared_ptr<Table> table;
  // SELECT and EXISTS
  Target target;
  partiql::KeyAccess access;
  bool forward = true;
  // INSERT, UPDATE, DELETE and EXISTS (a condition check)
  WriteOp write;
  // A SELECT of one item by its whole primary key, on the table itself.
  bool single_item() const;
  // A SELECT or EXISTS whose WHERE is exactly the primary key (no other condition): what batches and
  // transactions read; an EXISTS needs a condition beyond it.
  bool key_only = false;
  // That item's key (REQUIRES: single_item()).
  Item point_key() const;
};

// A statement and its parameters as a request member holds them ({"Statement": ..., "Parameters": ...}).
struct StatementText {
  std::string text;
  std::vector<Value> params;
};
// `where` names the member in constraint messages ("statement", "statements.1.member.statement").
Result<StatementText> statement_text(const Json& obj, const std::string& where);

// Parses the statement, finds its table and index, and plans it.
Result<Compiled> compile(Database& db, const StatementText& s, bool return_old_on_failure);

// The item of a single-item SELECT, if it exists and satisfies the WHERE, projected as SELECT answers.
// Adds its read units to `cap`.
std::optional<Item> read_point(Database& db, const Compiled& c, bool consistent, Capacity& cap);

// The attributes a write's RETURNING clause answers with, if any.
std::optional<Item> returned(const Compiled& c, const WriteOutcome& out);

// DynamoDB's error code of an error inside a batch or transaction answer: "ConditionalCheckFailed",
// "DuplicateItem", "ResourceNotFound", "ValidationError", ...
std::string error_code(const Error& e);

}  // namespace ddb::pq
