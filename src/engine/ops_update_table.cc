// UpdateTable: validate the request, plan the new definition on a copy, then apply the whole change
// (index entries dropped, new indexes backfilled, the new definition) as one atomic batch. A request
// that fails anywhere before the batch is written has changed nothing.
#include <algorithm>

#include "engine/ops.h"
#include "engine/table_parse.h"
#include "engine/vector_index.h"
#include "util/messages.h"

namespace ddb {

using namespace tables;

namespace {

Error ppr_throughput() {
  return err::validation(msg::kInvalidNeitherReadcapacityunitsNorWritecapacityunitsCanSpecifiedWhen);
}

struct Request {
  std::optional<std::string> billing, table_class;
  std::optional<bool> protection;
  const Json* pt = nullptr;
  long long rcu = 0, wcu = 0;
  const Json* ss = nullptr;
  const Json* gsu = nullptr;
  const Json* ad = nullptr;
  const Json* vu = nullptr;  // VectorIndexUpdates
  bool limits = false;       // OnDemandThroughput or WarmThroughput given
};

// The index changes of a plan, applied after everything was validated.
struct Plan {
  TableDef def;
  std::vector<IndexDef> created;
  std::vector<std::pair<std::string, uint32_t>> dropped;  // name, id
  vectors::Changes vectors;
};

// New attribute definitions may come with a new index (GSI or vector index).
Status merge_attribute_definitions(const Request& r, TableDef& d) {
  if (!r.ad) return Status::OK();
  for (auto& e : r.ad->GetArray()) {
    std::optional<std::string> an, at;
    DDB_ASSIGN(an, get_string(e, "AttributeName"));
    DDB_ASSIGN(at, get_string(e, "AttributeType"));
    if (!an || !at) continue;
    bool found = false;
    for (auto& [n, ty] : d.attrs) found = found || n == *an;
    if (!found) d.attrs.emplace_back(*an, attr_type(*at));
  }
  return Status::OK();
}

Status plan_billing(const Request& r, TableDef& d) {
  // Naming the billing mode the table already has changes nothing (the service treats
  // BillingMode=PROVISIONED on a provisioned table like a request without it).
  bool switching = r.billing && *r.billing != d.billing_mode;
  if (r.billing) {
    if (*r.billing == "PAY_PER_REQUEST") {
      if (r.pt) return ppr_throughput();
      if (d.billing_mode != "PAY_PER_REQUEST") d.billing_changed = now_epoch();
      d.rcu = d.wcu = 0;
      for (auto& i : d.indexes) i.rcu = i.wcu = 0;
    } else if (!r.pt && d.billing_mode != "PROVISIONED") {
      return err::validation(msg::kInvalidProvisionedthroughputMustSpecifiedWhenBillingmodeProvisioned);
    }
    d.billing_mode = *r.billing;
  }
  if (r.pt) {
    if (d.billing_mode == "PAY_PER_REQUEST") return ppr_throughput();
    if (!switching && r.rcu == d.rcu && r.wcu == d.wcu && !r.ss && !r.gsu && !r.protection)
      return err::validation(msg::text(msg::kProvisionedThroughputForTableWillNotChange,
                                       std::to_string(d.rcu), std::to_string(r.rcu), std::to_string(d.wcu),
                                       std::to_string(r.wcu)));
    d.rcu = r.rcu;
    d.wcu = r.wcu;
  }
  if (r.protection) d.deletion_protection = *r.protection;
  if (r.table_class) {
    d.table_class = *r.table_class;
    d.table_class_set = true;
  }
  return Status::OK();
}

Status plan_stream(Database& db, const Json& ss, TableDef& d) {
  // The same constraints as CreateTable's (DynamoDB Local 3.3.1 stores any StreamViewType).
  Violations v;
  tables::StreamSpec spec;
  DDB_ASSIGN(spec, tables::parse_stream_spec(ss, v));
  const std::optional<std::string>& view = spec.view;
  if (spec.enabled) {
    if (!view) return err::validation(msg::kInvalidYouMustSpecifyStreamviewtypeWhenYouEnable);
    if (d.stream_enabled)
      return err::validation(
          msg::text(msg::kTableAlreadyHasEnabledStreamStream, ops::table_arn(db, d.name), d.stream_label));
    if (!d.stream_label.empty()) {
      // A new stream: the one it replaces keeps its records (readable, DISABLED, for 24 hours), the new
      // one holds only records written from now on.
      std::erase_if(d.past_streams, [](const auto& ps) { return ps.replaced < now_epoch() - 24 * 3600; });
      uint64_t last = db.last_stream_sequence();
      d.past_streams.push_back(
          TableDef::PastStream{d.stream_label, d.stream_view_type, d.stream_first_seq, last, now_epoch()});
      d.stream_first_seq = last + 1;
    }
    d.stream_enabled = true;
    d.stream_view_type = *view;
    d.stream_label = stream_label_now(d.stream_label);
  } else {
    if (!d.stream_enabled)
      return err::validation(msg::kTableAlreadyHasNoStreamEnabled);  // (real: no-op error)
    d.stream_enabled = false;
  }
  return Status::OK();
}

Status plan_create(Database& db, const Request& r, const Json& c, Plan& p) {
  TableDef& d = p.def;
  Violations v;
  IndexDef idx;
  std::optional<std::string> iname;
  DDB_ASSIGN(iname, get_string(c, "IndexName"));
  bool present;
  DDB_TRY(parse_key_schema(member(c, "KeySchema"), "globalSecondaryIndexUpdates.1.member.create.keySchema",
                           idx.key, v, present, true));
  DDB_TRY(parse_projection(member(c, "Projection"), "globalSecondaryIndexUpdates.1.member.create", idx, v));
  DDB_TRY(parse_throughput(member(c, "ProvisionedThroughput"),
                           "globalSecondaryIndexUpdates.1.member.create.provisionedThroughput", idx.rcu,
                           idx.wcu, v));
  DDB_TRY(parse_throughput_settings(c, "globalSecondaryIndexUpdates.1.member.create.", true, idx.limits, v));
  if (!iname) v.null_member("globalSecondaryIndexUpdates.1.member.create.indexName");
  if (iname) check_index_name(v, *iname, "globalSecondaryIndexUpdates.1.member.create.indexName");
  DDB_TRY(v.status());
  idx.name = *iname;
  for (auto& i : d.indexes)
    if (i.name == idx.name) return err::validation(msg::text(msg::kInvalidDuplicateIndexName, idx.name));
  if (vectors::find(d, idx.name))
    return err::validation(msg::text(msg::kInvalidDuplicateIndexName, idx.name));
  DDB_TRY(check_projection_semantics(idx, member(c, "Projection")));
  DDB_TRY(merge_attribute_definitions(r, d));
  std::string missing;
  Status resolved = resolve_key_types(idx.key, d.attrs, &missing);
  if (!resolved.ok() && !idx.key.multi())
    return err::validation(msg::text(msg::kInvalidIndexKeyAttributesNotDefinedForUpdate, idx.key.hash,
                                     (idx.key.has_range() ? ", " + idx.key.range : "")));
  DDB_TRY(resolved);
  if (d.billing_mode == "PROVISIONED" && !member(c, "ProvisionedThroughput"))
    return err::validation(msg::text(msg::kInvalidProvisionedthroughputMustSpecifiedForIndex, idx.name));
  if (d.next_index_id == UINT32_MAX) return err::limit_exceeded(msg::kTooManyIndexesCreatedOnTable);
  idx.global = true;
  idx.id = d.next_index_id++;
  idx.status = db.options().delay_transient_statuses ? "CREATING" : "ACTIVE";
  p.created.push_back(idx);
  d.indexes.push_back(std::move(idx));
  return Status::OK();
}

Status plan_index_updates(Database& db, const Request& r, Plan& p) {
  TableDef& d = p.def;
  for (auto& u : r.gsu->GetArray()) {
    if (!u.IsObject()) return err::serialization(msg::kUnexpectedValueTypeInPayload);
    const Json *c, *del, *upd;
    DDB_ASSIGN(c, get_object(u, "Create"));
    DDB_ASSIGN(del, get_object(u, "Delete"));
    DDB_ASSIGN(upd, get_object(u, "Update"));
    if (c) {
      DDB_TRY(plan_create(db, r, *c, p));
      continue;
    }
    if (!del && !upd) continue;
    std::optional<std::string> iname;
    DDB_ASSIGN(iname, get_string(del ? *del : *upd, "IndexName"));
    auto it = std::find_if(d.indexes.begin(), d.indexes.end(),
                           [&](const IndexDef& i) { return i.global && iname && i.name == *iname; });
    if (it == d.indexes.end())
      return err::not_found(msg::text(msg::kRequestedResourceNotFoundRequestedIndexNot, iname.value_or("")));
    if (del) {
      bool created_here =
          std::any_of(p.created.begin(), p.created.end(), [&](const IndexDef& i) { return i.id == it->id; });
      if (created_here)
        std::erase_if(p.created, [&](const IndexDef& i) { return i.id == it->id; });
      else
        p.dropped.emplace_back(it->name, it->id);
      d.indexes.erase(it);
    } else {
      Violations v;
      DDB_TRY(parse_throughput(member(*upd, "ProvisionedThroughput"),
                               "globalSecondaryIndexUpdates.1.member.update.provisionedThroughput", it->rcu,
                               it->wcu, v));
      DDB_TRY(parse_throughput_settings(*upd, "globalSecondaryIndexUpdates.1.member.update.", false,
                                        it->limits, v));
      DDB_TRY(v.status());
    }
  }
  return Status::OK();
}

Result<Request> parse_request(const Json& req) {
  Request r;
  DDB_ASSIGN(r.billing, get_string(req, "BillingMode"));
  Violations v;
  check_enum(v, r.billing, "billingMode", {"PROVISIONED", "PAY_PER_REQUEST"});
  DDB_ASSIGN(r.pt, get_object(req, "ProvisionedThroughput"));
  DDB_TRY(parse_throughput(r.pt, "provisionedThroughput", r.rcu, r.wcu, v));
  DDB_ASSIGN(r.protection, get_bool(req, "DeletionProtectionEnabled"));
  DDB_ASSIGN(r.table_class, get_string(req, "TableClass"));
  check_enum(v, r.table_class, "tableClass", {"STANDARD", "STANDARD_INFREQUENT_ACCESS"});
  DDB_TRY(v.status());
  DDB_ASSIGN(r.ss, get_object(req, "StreamSpecification"));
  DDB_ASSIGN(r.gsu, get_array(req, "GlobalSecondaryIndexUpdates"));
  DDB_ASSIGN(r.ad, get_array(req, "AttributeDefinitions"));
  DDB_ASSIGN(r.vu, get_array(req, "VectorIndexUpdates"));
  if (r.gsu && r.gsu->Empty()) r.gsu = nullptr;  // an empty list changes nothing
  if (r.vu && r.vu->Empty()) r.vu = nullptr;
  r.limits = member(req, "OnDemandThroughput") || member(req, "WarmThroughput");
  if (!r.billing && !r.pt && !r.protection && !r.ss && !r.gsu && !r.vu && !r.table_class && !r.limits &&
      !member(req, "SSESpecification") && !member(req, "ReplicaUpdates"))
    return err::validation(msg::kUpdateTableNothingToDo);
  return r;
}

}  // namespace

Status ops::backfill(Database& db, const TableDef& d, const IndexDef& idx, WriteBatch& b,
                     std::pair<long long, long long>& stats) {
  std::string p = keys::items_prefix(d.id);
  return db.store().scan(p, keys::prefix_end(p), false, [&](std::string_view, std::string_view val) {
    Item item;
    if (!decode_item(val, item)) return true;
    auto k = index_entry_key(d, idx, item);
    if (!k || !fits_index(idx, item)) return true;  // the service skips what the index cannot hold
    Item proj = project_for_index(d, idx, item);
    std::string enc;
    encode_item(enc, proj);
    b.put(*k, std::move(enc));
    ++stats.first;
    stats.second += static_cast<long long>(item_size(proj));
    return true;
  });
}

Result<std::string> ops::update_table(Database& db, const Json& req) {
  std::shared_ptr<Table> t;
  DDB_ASSIGN(t, table_for_request(db, req));
  Request r;
  DDB_ASSIGN(r, parse_request(req));

  MutexLock wl(db.write_mu());
  MutexLock tl(t->state->mu);  // no write of the table runs while its definition changes
  DDB_ASSIGN(t, recheck(db, t));
  Plan p{t->def, {}, {}, {}};
  DDB_TRY(plan_billing(r, p.def));
  if (r.limits) {
    Violations v;
    DDB_TRY(parse_throughput_settings(req, "", false, p.def.limits, v));
    DDB_TRY(v.status());
  }
  if (r.ss) DDB_TRY(plan_stream(db, *r.ss, p.def));
  if (r.gsu) DDB_TRY(plan_index_updates(db, r, p));
  if (r.vu) {
    DDB_TRY(merge_attribute_definitions(r, p.def));
    DDB_ASSIGN(p.vectors, vectors::plan_updates(*r.vu, p.def, db.options().delay_transient_statuses));
  }
  if (!p.def.vector_indexes.empty() && p.def.billing_mode != "PAY_PER_REQUEST")
    return err::validation(msg::kVecOnDemandOnly);

  // Apply: dropped index entries, new indexes backfilled and the new definition, in one batch.
  WriteBatch b;
  std::vector<uint32_t> dropped_ids = p.vectors.dropped;
  for (auto& [name, id] : p.dropped) dropped_ids.push_back(id);
  for (uint32_t id : dropped_ids) {
    std::string prefix = keys::index_prefix(p.def.id, id);
    DDB_TRY(
        db.store().scan(prefix, keys::prefix_end(prefix), false, [&](std::string_view k, std::string_view) {
          b.del(std::string(k));
          return true;
        }));
  }
  std::map<std::string, std::pair<long long, long long>> new_stats;
  for (auto& idx : p.created) DDB_TRY(backfill(db, p.def, idx, b, new_stats[idx.name]));
  std::vector<std::pair<uint32_t, std::shared_ptr<vec::Store>>> new_stores;
  for (auto& x : p.vectors.created) {
    std::shared_ptr<vec::Store> s;
    DDB_ASSIGN(s, vectors::backfill(db, p.def, x, b));
    new_stores.emplace_back(x.id, std::move(s));
  }
  b.put(keys::catalog(p.def.name), def_to_json(p.def));
  DDB_TRY(db.store().write(b));

  auto& state = *t->state;
  for (uint32_t id : p.vectors.dropped) state.set_vectors(id, nullptr);
  for (auto& [id, s] : new_stores) state.set_vectors(id, std::move(s));
  for (auto& [name, id] : p.dropped) state.index_stats.erase(name);
  for (auto& [name, st] : new_stats) state.index_stats[name] = st;
  if (db.options().delay_transient_statuses) {
    state.status = "UPDATING";
    state.status_until = std::chrono::steady_clock::now() + std::chrono::milliseconds(500);
  }
  t = db.install(std::move(p.def), t->state);
  JsonOut o;
  o.w.StartObject();
  o.key("TableDescription");
  write_description(db, o, t->def, view_of(*t));
  o.w.EndObject();
  return o.take();
}

}  // namespace ddb
