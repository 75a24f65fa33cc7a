// Parsing of the table-definition members shared by CreateTable and UpdateTable (table_parse.h).
#include "engine/table_parse.h"

#include <set>

#include <fmt/format.h>

#include "engine/ops.h"
#include "types/keycodec.h"
#include "util/json_writer.h"
#include "util/messages.h"
#include "util/time.h"

namespace ddb {

namespace tables {

VType attr_type(std::string_view t) {
  return t == "N" ? VType::N : t == "B" ? VType::B : VType::S;
}

std::string stream_label_now(const std::string& previous) {
  // Labels have millisecond precision: a stream enabled again within the same millisecond gets the
  // next one, so every stream of a table has its own label (and ARN).
  auto us = static_cast<int64_t>(now_epoch() * 1e6);
  std::string label = format_stream_label(us);
  while (!previous.empty() && label <= previous) label = format_stream_label(us += 1000);
  return label;
}

Result<StreamSpec> parse_stream_spec(const Json& ss, Violations& v) {
  std::optional<bool> enabled;
  StreamSpec s;
  DDB_ASSIGN(enabled, get_bool(ss, "StreamEnabled"));
  DDB_ASSIGN(s.view, get_string(ss, "StreamViewType"));
  check_enum(v, s.view, "streamSpecification.streamViewType",
             {"NEW_IMAGE", "OLD_IMAGE", "NEW_AND_OLD_IMAGES", "KEYS_ONLY"});
  if (!enabled) v.null_member("streamSpecification.streamEnabled");
  DDB_TRY(v.status());
  s.enabled = *enabled;
  return s;
}

// Parses a KeySchema array into a KeyDef (types filled from attribute definitions later).
namespace {
// A GSI's multi-attribute KeySchema: up to four HASH attributes, then up to four RANGE attributes, all
// distinct (checked in DynamoDB Local 3.3.1's order).
Status parse_multi_attribute_key(const rapidjson::GenericArray<true, Json>& arr, KeyDef& out) {
  if (arr.Size() > 8) return err::validation(msg::kKeySchemaTooBig);
  if (sv(arr[0]["KeyType"]) != "HASH")
    return err::validation(msg::kInvalidKeyschemaFirstKeyschemaelementNotHashKey);
  std::vector<KeyAttr> hash, range;
  std::set<std::string_view> names;
  for (const auto& e : arr)
    if (!names.insert(sv(e["AttributeName"])).second) return err::validation(msg::kTwoKeysSameName);
  for (const auto& e : arr) {
    bool is_hash = sv(e["KeyType"]) == "HASH";
    if (is_hash && !range.empty()) return err::validation(msg::kInvalidKeyOrder);
    (is_hash ? hash : range).push_back(KeyAttr{std::string(sv(e["AttributeName"])), VType::S});
  }
  if (hash.size() > 4) return err::validation(msg::kTooManyPartitionKeys);
  if (range.size() > 4) return err::validation(msg::kTooManySortKeys);
  out.hash = hash[0].name;
  out.more_hash.assign(hash.begin() + 1, hash.end());
  if (!range.empty()) {
    out.range = range[0].name;
    out.more_range.assign(range.begin() + 1, range.end());
  }
  return Status::OK();
}
}  // namespace

Status parse_key_schema(const Json* ks, std::string_view path, KeyDef& out, Violations& v, bool& present,
                        bool gsi) {
  present = ks != nullptr;
  if (!ks) {
    v.null_member(path);
    return Status::OK();
  }
  if (!ks->IsArray()) return err::serialization(msg::kUnexpectedValueTypeInPayload);
  auto shown = [&]() {
    std::string s = "'[";
    bool first = true;
    for (auto& e : ks->GetArray()) {
      rapidjson::StringBuffer sb;
      ddb::JsonWriter w(sb);
      e.Accept(w);
      s += (first ? "" : ", ") + std::string(sb.GetString());
      first = false;
    }
    return s + "]'";
  };
  bool multi = gsi && (ks->Size() > 2 || (ks->Size() == 2 && (*ks)[1].IsObject() &&
                                          member((*ks)[1], "KeyType") && sv((*ks)[1]["KeyType"]) == "HASH"));
  if (ks->Size() < 1) v.constraint(shown(), path, msg::min_length(1));
  if (ks->Size() > 2 && !gsi) v.constraint(shown(), path, msg::max_length(2));
  int i = 0;
  for (auto& e : ks->GetArray()) {
    ++i;
    std::optional<std::string> name, type;
    DDB_ASSIGN(name, get_string(e, "AttributeName"));
    DDB_ASSIGN(type, get_string(e, "KeyType"));
    std::string p = fmt::format("{}.{}.member", path, i);
    if (!name)
      v.null_member(p + ".attributeName");
    else if (name->empty() || name->size() > 255)
      v.constraint("'" + *name + "'", p + ".attributeName",
                   name->empty() ? msg::min_length(1) : msg::max_length(255));
    if (!type) v.null_member(p + ".keyType");
    check_enum(v, type, p + ".keyType", {"HASH", "RANGE"});
  }
  if (!v.empty()) return Status::OK();
  auto arr = ks->GetArray();
  if (multi) return parse_multi_attribute_key(arr, out);
  if (arr.Size() >= 1) {
    if (sv(arr[0]["KeyType"]) != "HASH")
      return err::validation(msg::kInvalidKeyschemaFirstKeyschemaelementNotHashKey);
    out.hash = std::string(sv(arr[0]["AttributeName"]));
  }
  if (arr.Size() == 2) {
    if (sv(arr[1]["KeyType"]) != "RANGE")
      return err::validation(msg::kInvalidKeyschemaSecondKeyschemaelementNotRangeKey);
    out.range = std::string(sv(arr[1]["AttributeName"]));
    if (out.range == out.hash) return err::validation(msg::kBothHashKeyAndRangeKeyElement);
  }
  return Status::OK();
}

void check_index_name(Violations& v, const std::string& name, const std::string& path) {
  if (name.size() < 3 || name.size() > 255)
    v.constraint("'" + name + "'", path, name.size() < 3 ? msg::min_length(3) : msg::max_length(255));
}

Status resolve_key_types(KeyDef& k, const std::vector<std::pair<std::string, VType>>& attrs,
                         std::string* missing) {
  auto type_of = [&](const std::string& n) -> std::optional<VType> {
    for (const auto& [an, ty] : attrs)
      if (an == n) return ty;
    return std::nullopt;
  };
  auto resolve = [&](const std::string& n, VType& t) {
    if (n.empty()) return true;
    auto ty = type_of(n);
    if (!ty) {
      if (missing->empty()) *missing = n;
      return false;
    }
    t = *ty;
    return true;
  };
  bool ok = resolve(k.hash, k.hash_type);
  ok = resolve(k.range, k.range_type) && ok;
  for (auto* group : {&k.more_hash, &k.more_range})
    for (auto& a : *group) ok = resolve(a.name, a.type) && ok;
  return ok ? Status::OK()
            : err::validation(msg::text(msg::kAttributeNotDefinedInAttributeDefinitions, *missing));
}

Status parse_projection(const Json* p, std::string_view path, IndexDef& idx, Violations& v) {
  if (!p) {
    v.null_member(std::string(path) + ".projection");
    return Status::OK();
  }
  std::optional<std::string> type;
  DDB_ASSIGN(type, get_string(*p, "ProjectionType"));
  check_enum(v, type, std::string(path) + ".projection.projectionType", {"ALL", "KEYS_ONLY", "INCLUDE"});
  idx.projection = type.value_or("");
  if (auto* nk = member(*p, "NonKeyAttributes")) {
    if (!nk->IsArray()) return err::serialization(msg::kUnexpectedValueTypeInPayload);
    for (auto& e : nk->GetArray()) {
      if (!e.IsString()) return err::serialization(msg::kUnexpectedValueTypeInPayload);
      idx.non_key.emplace_back(sv(e));
    }
    if (idx.non_key.empty()) return err::validation(msg::kInvalidNonkeyattributesMustNotEmpty);
  }
  return Status::OK();
}

Status check_projection_semantics(const IndexDef& idx, const Json* p) {
  if (idx.projection.empty()) return err::validation(msg::kInvalidUnknownProjectiontypeNull);
  bool has_nk = p && member(*p, "NonKeyAttributes");
  if (idx.projection == "INCLUDE" && !has_nk)
    return err::validation(msg::kIfProjectionTypeIncludeSpecifiedSomeNon);
  if (idx.projection != "INCLUDE" && has_nk)
    return err::validation(
        msg::text(msg::kInvalidProjectiontypeButNonkeyattributesSpecified, idx.projection));
  return Status::OK();
}

Status parse_throughput_settings(const Json& obj, const std::string& path, bool fresh, ThroughputSettings& s,
                                 Violations& v) {
  const Json *od, *warm;
  DDB_ASSIGN(od, get_object(obj, "OnDemandThroughput"));
  DDB_ASSIGN(warm, get_object(obj, "WarmThroughput"));
  auto member_of = [&](const Json* j, const char* name, const std::string& where, long long lo,
                       long long& out) -> Status {
    std::optional<long long> n;
    DDB_ASSIGN(n, get_int(*j, name));
    if (!n) return Status::OK();
    if (lo == -1 ? (*n < -1 || *n == 0) : *n < lo) {
      if (lo == -1) return err::validation(msg::kOnDemandThroughputAtLeastOne);
      v.constraint(fmt::format("'{}'", *n), path + where, msg::min_value(lo));
    }
    out = *n;
    return Status::OK();
  };
  if (od) {
    auto cur = s.on_demand.value_or(std::pair<long long, long long>{-1, -1});
    if (fresh) cur = {-1, -1};
    DDB_TRY(member_of(od, "MaxReadRequestUnits", "onDemandThroughput.maxReadRequestUnits", -1, cur.first));
    DDB_TRY(member_of(od, "MaxWriteRequestUnits", "onDemandThroughput.maxWriteRequestUnits", -1, cur.second));
    // A new definition names both (DynamoDB Local 3.3.1: "... cannot be null"); -1 for both is no maximum.
    if (fresh && (!member(*od, "MaxReadRequestUnits") || !member(*od, "MaxWriteRequestUnits")))
      return err::validation(msg::kOnDemandThroughputAtLeastOne);
    s.on_demand = cur;
    if (cur.first == -1 && cur.second == -1) s.on_demand.reset();
  }
  if (warm) {
    auto cur = s.warm.value_or(std::pair<long long, long long>{12000, 4000});
    if (fresh) cur = {12000, 4000};
    DDB_TRY(member_of(warm, "ReadUnitsPerSecond", "warmThroughput.readUnitsPerSecond", 1, cur.first));
    DDB_TRY(member_of(warm, "WriteUnitsPerSecond", "warmThroughput.writeUnitsPerSecond", 1, cur.second));
    s.warm = cur;
  }
  return Status::OK();
}

void write_throughput_settings(JsonOut& o, const ThroughputSettings& s, bool on_demand_table) {
  if (s.on_demand && on_demand_table) {
    o.key("OnDemandThroughput");
    o.w.StartObject();
    o.key("MaxReadRequestUnits");
    o.w.Int64(s.on_demand->first);
    o.key("MaxWriteRequestUnits");
    o.w.Int64(s.on_demand->second);
    o.w.EndObject();
  }
  if (s.warm) {
    o.key("WarmThroughput");
    o.w.StartObject();
    o.key("ReadUnitsPerSecond");
    o.w.Int64(s.warm->first);
    o.key("WriteUnitsPerSecond");
    o.w.Int64(s.warm->second);
    o.kv("Status", "ACTIVE");
    o.w.EndObject();
  }
}

Status parse_throughput(const Json* pt, std::string_view path, long long& rcu, long long& wcu,
                        Violations& v) {
  if (!pt) return Status::OK();
  std::optional<long long> r, w;
  DDB_ASSIGN(r, get_int(*pt, "ReadCapacityUnits"));
  DDB_ASSIGN(w, get_int(*pt, "WriteCapacityUnits"));
  if (!r)
    v.null_member(std::string(path) + ".readCapacityUnits");
  else if (*r < 1)
    v.constraint(fmt::format("'{}'", *r), std::string(path) + ".readCapacityUnits", msg::min_value(1));
  if (!w)
    v.null_member(std::string(path) + ".writeCapacityUnits");
  else if (*w < 1)
    v.constraint(fmt::format("'{}'", *w), std::string(path) + ".writeCapacityUnits", msg::min_value(1));
  rcu = r.value_or(0);
  wcu = w.value_or(0);
  return Status::OK();
}

}  // namespace tables

}  // namespace ddb
