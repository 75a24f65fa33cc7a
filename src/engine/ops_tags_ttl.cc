// Tags (TagResource, UntagResource, ListTagsOfResource) and TTL settings (UpdateTimeToLive,
// DescribeTimeToLive), and the expiry itself (Database::expire_ttl_items, run by the TTL thread).
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
  MutexLock tl(t->state->mu);
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
  MutexLock tl(t->state->mu);
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
  MutexLock tl(t->state->mu);
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

// ---- expiry ----
size_t Database::expire_ttl_items(double now) {
  size_t deleted = 0;
  for (auto& t : tables()) {
    if (!t->def.ttl_enabled) continue;
    const std::string attr = t->def.ttl_attribute;
    std::vector<std::string> expired;
    std::string p = keys::items_prefix(t->def.id);
    auto is_expired = [&](const Item& item) {
      auto it = item.find(attr);
      if (it == item.end() || it->second.type != VType::N) return false;
      double when = std::strtod(it->second.s.c_str(), nullptr);
      // AWS ignores TTL values more than five years in the past.
      return when < now && when > now - 5 * 365.25 * 86400;
    };
    if (!kv_->scan(p, keys::prefix_end(p), false,
                   [&](std::string_view k, std::string_view v) {
                     Item item;
                     if (decode_item(v, item) && is_expired(item)) expired.emplace_back(k);
                     return true;
                   })
             .ok())
      continue;
    for (auto& k : expired) {
      MutexLock tl(t->state->mu);
      auto cur = ops::recheck(*this, t);  // the table may have been deleted or changed meanwhile
      if (!cur.ok()) break;
      auto item = ops::load_item(*this, k);  // re-check under the lock: it may have changed
      if (!item || !is_expired(*item)) continue;
      ops::Staged st;
      ops::stage_write(*this, *cur, k, &*item, nullptr, st, nullptr, /*ttl_delete=*/true);
      if (ops::commit(*this, st).ok()) ++deleted;
    }
  }
  return deleted;
}

}  // namespace ddb
