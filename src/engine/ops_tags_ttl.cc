// Tags (TagResource, UntagResource, ListTagsOfResource) and TTL settings (UpdateTimeToLive,
// DescribeTimeToLive). The expiry itself runs in Database::expire_ttl_items.
#include <algorithm>

#include <fmt/format.h>

#include "engine/ops.h"
#include "engine/table_parse.h"
#include "util/messages.h"

namespace ddb {

namespace {
Result<std::shared_ptr<Table>> table_for_arn(Database& db, const Json& req) {
  std::optional<std::string> arn;
  DDB_ASSIGN(arn, get_string(req, "ResourceArn"));
  if (!arn) return Violations::only_null("resourceArn");
  auto p = arn->find(":table/");
  if (arn->rfind("arn:aws:dynamodb:", 0) != 0 || p == std::string::npos)
    return err::validation(msg::text(msg::kInvalidTablearnInvalidResourcearnProvidedAsInput, *arn));
  std::string name = arn->substr(p + 7);
  auto t = ops::find_table(db, name);
  if (!t) return err::not_found(msg::text(msg::kRequestedResourceNotFoundResourcarnNotFound, *arn));
  return t;
}
}  // namespace

Result<std::string> ops::tag_resource(Database& db, const Json& req) {
  std::shared_ptr<Table> t;
  DDB_ASSIGN(t, table_for_arn(db, req));
  auto* tags = member(req, "Tags");
  if (!tags || !tags->IsArray()) return Violations::only_null("tags");
  MutexLock wl(db.write_mu());
  DDB_ASSIGN(t, recheck(db, t));
  TableDef d = t->def;
  for (auto& e : tags->GetArray()) {
    std::optional<std::string> k, v;
    DDB_ASSIGN(k, get_string(e, "Key"));
    DDB_ASSIGN(v, get_string(e, "Value"));
    if (!k || !v) return Violations::only_null("tags.1.member.key");
    auto it = std::find_if(d.tags.begin(), d.tags.end(), [&](auto& p) { return p.first == *k; });
    if (it != d.tags.end())
      it->second = *v;
    else
      d.tags.emplace_back(*k, *v);
  }
  DDB_TRY(persist_def(db, d));
  db.install(std::move(d), t->state);
  return std::string("{}");
}

Result<std::string> ops::untag_resource(Database& db, const Json& req) {
  std::shared_ptr<Table> t;
  DDB_ASSIGN(t, table_for_arn(db, req));
  auto* keys_j = member(req, "TagKeys");
  if (!keys_j || !keys_j->IsArray()) return Violations::only_null("tagKeys");
  MutexLock wl(db.write_mu());
  DDB_ASSIGN(t, recheck(db, t));
  TableDef d = t->def;
  for (auto& k : keys_j->GetArray()) {
    if (!k.IsString()) continue;
    d.tags.erase(std::remove_if(d.tags.begin(), d.tags.end(), [&](auto& p) { return p.first == sv(k); }),
                 d.tags.end());
  }
  DDB_TRY(persist_def(db, d));
  db.install(std::move(d), t->state);
  return std::string("{}");
}

Result<std::string> ops::list_tags(Database& db, const Json& req) {
  std::shared_ptr<Table> t;
  DDB_ASSIGN(t, table_for_arn(db, req));
  JsonOut o;  // the definition is immutable: no lock needed to read it
  o.w.StartObject();
  o.key("Tags");
  o.w.StartArray();
  for (auto& [k, v] : t->def.tags) {
    o.w.StartObject();
    o.kv("Key", k);
    o.kv("Value", v);
    o.w.EndObject();
  }
  o.w.EndArray();
  o.w.EndObject();
  return o.take();
}

// ---- TTL settings ----
Result<std::string> ops::update_ttl(Database& db, const Json& req) {
  std::shared_ptr<Table> t;
  DDB_ASSIGN(t, table_for_request(db, req));
  auto* spec = member(req, "TimeToLiveSpecification");
  if (!spec) return Violations::only_null("timeToLiveSpecification");
  std::optional<bool> enabled;
  std::optional<std::string> attr;
  DDB_ASSIGN(enabled, get_bool(*spec, "Enabled"));
  DDB_ASSIGN(attr, get_string(*spec, "AttributeName"));
  Violations v;
  if (!attr)
    v.null_member("timeToLiveSpecification.attributeName");
  else if (attr->empty())
    v.constraint("''", "timeToLiveSpecification.attributeName", msg::min_length(1));
  if (!enabled) v.null_member("timeToLiveSpecification.enabled");
  DDB_TRY(v.status());
  MutexLock wl(db.write_mu());
  DDB_ASSIGN(t, recheck(db, t));
  TableDef d = t->def;
  if (*enabled && d.ttl_enabled) return err::validation(msg::kTimetoliveAlreadyEnabled);
  if (!*enabled && !d.ttl_enabled) return err::validation(msg::kTimetoliveAlreadyDisabled);
  if (!*enabled && d.ttl_attribute != *attr)
    return err::validation(
        msg::text(msg::kTimetoliveActiveOnDifferentAttributenameCurrentAttributename, d.ttl_attribute));
  d.ttl_enabled = *enabled;
  d.ttl_attribute = *attr;
  DDB_TRY(persist_def(db, d));
  db.install(std::move(d), t->state);
  JsonOut o;
  o.w.StartObject();
  o.key("TimeToLiveSpecification");
  o.w.StartObject();
  o.kv("AttributeName", *attr);
  o.key("Enabled");
  o.w.Bool(*enabled);
  o.w.EndObject();
  o.w.EndObject();
  return o.take();
}

Result<std::string> ops::describe_ttl(Database& db, const Json& req) {
  std::shared_ptr<Table> t;
  DDB_ASSIGN(t, table_for_request(db, req));
  JsonOut o;  // the definition is immutable: no lock needed to read it
  o.w.StartObject();
  o.key("TimeToLiveDescription");
  o.w.StartObject();
  o.kv("TimeToLiveStatus", t->def.ttl_enabled ? "ENABLED" : "DISABLED");
  if (t->def.ttl_enabled) o.kv("AttributeName", t->def.ttl_attribute);
  o.w.EndObject();
  o.w.EndObject();
  return o.take();
}

}  // namespace ddb
