// CreateTable's request, validated into a TableDef (stage "validate" of create_table): the
// members in the service's order, every violation of a stage reported together. Pure: it reads
// only the request.
#include <map>
#include <set>

#include <fmt/format.h>

#include "engine/ops.h"
#include "engine/table_parse.h"
#include "engine/vector_index.h"
#include "util/messages.h"

namespace ddb::tables {

namespace {

Status parse_attribute_definitions(const Json& req, TableDef& d, Violations& v) {
  const Json* ad = member(req, "AttributeDefinitions");
  if (!ad) {
    v.null_member("attributeDefinitions");
    return Status::OK();
  }
  if (!ad->IsArray()) return err::serialization(msg::kUnexpectedValueTypeInPayload);
  int i = 0;
  for (const auto& e : ad->GetArray()) {
    ++i;
    std::optional<std::string> an, at;
    DDB_ASSIGN(an, get_string(e, "AttributeName"));
    DDB_ASSIGN(at, get_string(e, "AttributeType"));
    std::string p = fmt::format("attributeDefinitions.{}.member", i);
    if (!an) v.null_member(p + ".attributeName");
    if (!at) v.null_member(p + ".attributeType");
    check_enum(v, at, p + ".attributeType", {"B", "N", "S"});
    if (an && at) d.attrs.emplace_back(*an, attr_type(*at));
  }
  return Status::OK();
}

// Gives key schemas their types from the attribute definitions, and counts the attributes used.
class KeyResolver {
 public:
  explicit KeyResolver(const TableDef& d) : attrs_(d.attrs) {}
  Status check_distinct() {
    for (const auto& [n, t] : attrs_)
      if (!defined_.emplace(n, t).second)
        return err::validation(msg::text(msg::kCannotHaveTwoAttributesWithSameName, n));
    return Status::OK();
  }
  Status resolve(KeyDef& k) {
    std::string missing;
    Status st = resolve_key_types(k, attrs_, &missing);
    if (!st.ok() && !k.multi()) {
      std::string keys = "[" + k.hash + (k.has_range() ? ", " + k.range : "") + "]";
      return err::validation(msg::text(msg::kInvalidSomeIndexKeyAttributesNotDefinedIn, keys, attr_list()));
    }
    DDB_TRY(st);
    for (const auto& a : k.attrs()) used_.insert(a.name);
    return Status::OK();
  }
  void use(const std::string& name) { used_.insert(name); }
  bool all_used() const { return used_.size() == attrs_.size(); }

 private:
  std::string attr_list() const {
    std::string s = "[";
    for (size_t i = 0; i < attrs_.size(); ++i) s += (i ? ", " : "") + attrs_[i].first;
    return s + "]";
  }
  const std::vector<std::pair<std::string, VType>>& attrs_;
  std::map<std::string, VType> defined_;
  std::set<std::string> used_;
};

// An LSI shares the table's hash key and has a range key; a GSI's throughput follows the billing mode.
Status check_index_against_table(const TableDef& d, const IndexDef& idx, const Json& e) {
  if (!idx.global) {
    if (!d.key.has_range()) return err::validation(msg::kInvalidTableKeyschemaDoesNotHaveRangeKey);
    if (idx.key.hash != d.key.hash)
      return err::validation(
          msg::text(msg::kInvalidIndexKeyschemaDoesNotHaveSameLeading, idx.name, idx.key.hash, d.key.hash));
    if (!idx.key.has_range())
      return err::validation(msg::text(msg::kInvalidIndexKeyschemaDoesNotHaveRangeKey, idx.name));
    return Status::OK();
  }
  bool has_pt = member(e, "ProvisionedThroughput") != nullptr;
  if (d.billing_mode == "PROVISIONED" && !has_pt)
    return err::validation(msg::kNoProvisionedThroughputSpecifiedForGlobalSecondary);
  if (d.billing_mode == "PAY_PER_REQUEST" && has_pt)
    return err::validation(
        msg::text(msg::kInvalidProvisionedthroughputShouldNotSpecifiedForIndexWhen, idx.name));
  return Status::OK();
}

// `on_demand`: the table is PAY_PER_REQUEST (elsewhere OnDemandThroughput is ignored, as DynamoDB Local 3.3.1
// does).
Result<IndexDef> parse_index(const Json& e, bool global, const std::string& p, Violations& v,
                             bool on_demand) {
  IndexDef idx;
  idx.global = global;
  std::optional<std::string> iname;
  DDB_ASSIGN(iname, get_string(e, "IndexName"));
  if (!iname)
    v.null_member(p + ".indexName");
  else
    check_index_name(v, *iname, p + ".indexName");
  bool present;
  DDB_TRY(parse_key_schema(member(e, "KeySchema"), p + ".keySchema", idx.key, v, present, global));
  DDB_TRY(parse_projection(member(e, "Projection"), p, idx, v));
  DDB_TRY(parse_throughput(member(e, "ProvisionedThroughput"), p + ".provisionedThroughput", idx.rcu, idx.wcu,
                           v));
  if (global) DDB_TRY(parse_throughput_settings(e, p + ".", on_demand, idx.limits, v));
  DDB_TRY(v.status());
  idx.name = *iname;
  return idx;
}

Status parse_indexes(const Json& req, bool global, TableDef& d, Violations& v, KeyResolver& keys,
                     std::set<std::string>& names) {
  const char* json_name = global ? "GlobalSecondaryIndexes" : "LocalSecondaryIndexes";
  const Json* arr = member(req, json_name);
  if (!arr) return Status::OK();
  if (!arr->IsArray()) return err::serialization(msg::kUnexpectedValueTypeInPayload);
  if (arr->Size() == 0) return err::validation(msg::text(msg::kInvalidListEmpty, json_name));
  if (!global && arr->Size() > 5)
    return err::validation(msg::kInvalidNumberLocalsecondaryindexesExceedsPerTableLimit5);
  if (global && arr->Size() > 20)
    return err::limit_exceeded(msg::kInvalidNumberGlobalsecondaryindexesExceedsPerTableLimit20);
  int i = 0;
  for (const auto& e : arr->GetArray()) {
    std::string p =
        fmt::format("{}.{}.member", global ? "globalSecondaryIndexes" : "localSecondaryIndexes", ++i);
    IndexDef idx;
    DDB_ASSIGN(idx, parse_index(e, global, p, v, d.billing_mode == "PAY_PER_REQUEST"));
    if (d.billing_mode != "PAY_PER_REQUEST") idx.limits.on_demand.reset();
    if (!names.insert(idx.name).second)
      return err::validation(msg::text(msg::kInvalidDuplicateIndexName, idx.name));
    DDB_TRY(check_projection_semantics(idx, member(e, "Projection")));
    DDB_TRY(keys.resolve(idx.key));
    DDB_TRY(check_index_against_table(d, idx, e));
    idx.id = d.next_index_id++;
    d.indexes.push_back(std::move(idx));
  }
  return Status::OK();
}

Status parse_stream_specification(const Json& req, TableDef& d, Violations& v) {
  const Json* ss = member(req, "StreamSpecification");
  if (!ss) return Status::OK();
  StreamSpec spec;
  DDB_ASSIGN(spec, parse_stream_spec(*ss, v));
  const std::optional<std::string>& view = spec.view;
  if (spec.enabled) {
    if (!view) return err::validation(msg::kInvalidYouMustSpecifyStreamviewtypeWhenYouEnable);
    d.stream_enabled = true;
    d.stream_view_type = *view;
    d.stream_label = stream_label_now();
  } else if (view) {
    return err::validation(msg::kInvalidYouCannotSpecifyStreamviewtypeWhenYouDisable);
  }
  return Status::OK();
}

// TableClass, DeletionProtectionEnabled, SSESpecification and Tags.
Status parse_table_options(const Json& req, TableDef& d, Violations& v) {
  std::optional<std::string> table_class;
  DDB_ASSIGN(table_class, get_string(req, "TableClass"));
  check_enum(v, table_class, "tableClass", {"STANDARD", "STANDARD_INFREQUENT_ACCESS"});
  std::optional<bool> protection;
  DDB_ASSIGN(protection, get_bool(req, "DeletionProtectionEnabled"));
  DDB_TRY(v.status());
  if (table_class) {
    d.table_class = *table_class;
    d.table_class_set = true;
  }
  d.deletion_protection = protection.value_or(false);
  if (const auto* sse = member(req, "SSESpecification")) {
    std::optional<bool> en;
    DDB_ASSIGN(en, get_bool(*sse, "Enabled"));
    d.sse_enabled = en.value_or(false);
  }
  const Json* tags = member(req, "Tags");
  if (!tags) return Status::OK();
  if (!tags->IsArray()) return err::serialization(msg::kUnexpectedValueTypeInPayload);
  for (const auto& t : tags->GetArray()) {
    std::optional<std::string> k, val;
    DDB_ASSIGN(k, get_string(t, "Key"));
    DDB_ASSIGN(val, get_string(t, "Value"));
    if (!k || !val) return Violations::only_null("tags.1.member.key");
    d.tags.emplace_back(*k, *val);
  }
  return Status::OK();
}

Status check_billing(const TableDef& d, bool has_throughput) {
  if (d.billing_mode == "PROVISIONED" && !has_throughput)
    return err::validation(msg::kInvalidReadcapacityunitsAndWritecapacityunitsMustBothSpecifiedWhen);
  if (d.billing_mode == "PAY_PER_REQUEST" && has_throughput)
    return err::validation(msg::kInvalidNeitherReadcapacityunitsNorWritecapacityunitsCanSpecifiedWhen);
  return Status::OK();
}

}  // namespace

Result<TableDef> parse_create_table(const Json& req) {
  Violations v;
  TableDef d;
  std::optional<std::string> name, billing;
  DDB_ASSIGN(name, get_string(req, "TableName"));
  DDB_ASSIGN(billing, get_string(req, "BillingMode"));
  bool ks_present;
  DDB_TRY(parse_key_schema(member(req, "KeySchema"), "keySchema", d.key, v, ks_present));
  check_table_name(v, name, "tableName", TableNameForm::kName);
  DDB_TRY(parse_attribute_definitions(req, d, v));
  check_enum(v, billing, "billingMode", {"PROVISIONED", "PAY_PER_REQUEST"});
  const Json* pt = member(req, "ProvisionedThroughput");
  DDB_TRY(parse_throughput(pt, "provisionedThroughput", d.rcu, d.wcu, v));
  bool on_demand = billing && *billing == "PAY_PER_REQUEST";
  DDB_TRY(parse_throughput_settings(req, "", on_demand, d.limits, v));
  if (!on_demand) d.limits.on_demand.reset();  // ignored, as DynamoDB Local 3.3.1 does
  DDB_TRY(v.status());

  d.name = *name;
  d.billing_mode = billing.value_or("PROVISIONED");
  DDB_TRY(check_billing(d, pt != nullptr));
  KeyResolver keys(d);
  DDB_TRY(keys.check_distinct());
  DDB_TRY(keys.resolve(d.key));
  std::set<std::string> index_names;
  for (bool global : {false, true}) DDB_TRY(parse_indexes(req, global, d, v, keys, index_names));
  std::set<std::string> search_attrs;
  DDB_TRY(vectors::parse_create(req, d, v, index_names, search_attrs));
  for (const auto& a : search_attrs) keys.use(a);
  if (!keys.all_used()) return err::validation(msg::kInvalidNumberAttributesInKeyschemaDoesNotExactly);
  DDB_TRY(parse_stream_specification(req, d, v));
  DDB_TRY(parse_table_options(req, d, v));
  return d;
}

}  // namespace ddb::tables
