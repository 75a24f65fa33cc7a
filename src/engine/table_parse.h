// Parsing of the table-definition members shared by CreateTable and UpdateTable.
#pragma once
#include <string>
#include <string_view>

#include "engine/engine.h"

namespace ddb::tables {

VType attr_type(std::string_view t);
// A new stream's label (its creation time), later than the table's previous label.
std::string stream_label_now(const std::string& previous = "");
// Parses a KeySchema array into a KeyDef (types filled from attribute definitions later). A GSI's
// (gsi) may have multi-attribute keys.
Status parse_key_schema(const Json* ks, std::string_view path, KeyDef& out, Violations& v, bool& present,
                        bool gsi = false);
// Gives every attribute of `k` its type from `attrs`; an attribute they lack is a ValidationException
// naming the first such (also left in *missing).
Status resolve_key_types(KeyDef& k, const std::vector<std::pair<std::string, VType>>& attrs,
                         std::string* missing);
// IndexName's length (3 to 255 characters), as a constraint violation at `path`.
void check_index_name(Violations& v, const std::string& name, const std::string& path);
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
// OnDemandThroughput and WarmThroughput of `obj` (a CreateTable or UpdateTable request, or one of its
// index entries) into `s`: members given replace those in `s`. A new definition (`fresh`) must name both
// maximums of OnDemandThroughput (-1 and -1: none); a WarmThroughput member it leaves out is the service's
// default (12,000 reads, 4,000 writes). Range violations go to `v`, at `path` ("" or "<member path>.").
Status parse_throughput_settings(const Json& obj, const std::string& path, bool fresh, ThroughputSettings& s,
                                 Violations& v);
// The two as a description's members, when set: OnDemandThroughput (on an on-demand table only, as
// DynamoDB Local 3.3.1 describes it) and WarmThroughput with Status ACTIVE.
void write_throughput_settings(JsonOut& o, const ThroughputSettings& s, bool on_demand_table);
Status parse_throughput(const Json* pt, std::string_view path, long long& rcu, long long& wcu, Violations& v);

}  // namespace ddb::tables
