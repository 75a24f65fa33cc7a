// The storage range a key condition reads: shared by Query, Scan and PartiQL's SELECT.
#pragma once
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "engine/ops.h"

namespace ddb {

// What a read reads: the base table or one index, with its key schema and storage prefix.
struct Target {
  const IndexDef* index = nullptr;  // null: the base table
  KeyDef key;                       // the key schema being read
  std::string prefix;               // storage prefix of the table or index
};
// The table itself (no name) or its index of that name (ValidationException otherwise).
Result<Target> target_for(const TableDef& def, const std::optional<std::string>& index_name);

// A key condition: the partition key's values (one per attribute of a multi-attribute key), then the
// values of the sort-key attributes compared with = before the last one compared, and an optional
// comparison of the next sort-key attribute.
struct KeyRange {
  std::vector<Value> eq;
  std::string op;  // "" (none), "=", "<", "<=", ">", ">=", "BETWEEN", "begins_with"
  Value a, b;
};
// Storage bounds [start, end) of a key range within a target.
std::pair<std::string, std::string> bounds(const Target& t, const KeyRange& r);

// An ExclusiveStartKey of a read of `t`: exactly the table's key and the target's, with their types.
Status check_start_key(const TableDef& def, const Target& t, const Item& esk);

}  // namespace ddb
