// Parsing of the table-definition members shared by CreateTable and UpdateTable.
#pragma once
#include <string>
#include <string_view>

#include "engine/engine.h"

namespace ddb::tables {

VType attr_type(std::string_view t);
// A new stream's label (its creation time), later than the table's previous label.
std::string stream_label_now(const std::string& previous = "");
// Parses a KeySchema array into a KeyDef (types filled from attribute definitions later).
Status parse_key_schema(const Json* ks, std::string_view path, KeyDef& out, Violations& v, bool& present);
Status parse_projection(const Json* p, std::string_view path, IndexDef& idx, Violations& v);
Status check_projection_semantics(const IndexDef& idx, const Json* p);
// CreateTable's request as a definition (name, keys, attributes, indexes, stream, options); the
// storage ids, uuid and times are left for the caller to assign.
Result<TableDef> parse_create_table(const Json& req);
// StreamSpecification's members (CreateTable and UpdateTable): StreamEnabled and a known
// StreamViewType, violations reported together.
struct StreamSpec {
  bool enabled = false;
  std::optional<std::string> view;
};
Result<StreamSpec> parse_stream_spec(const Json& ss, Violations& v);
Status parse_throughput(const Json* pt, std::string_view path, long long& rcu, long long& wcu, Violations& v);

}  // namespace ddb::tables
