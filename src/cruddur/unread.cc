#include "cruddur/unread.h"

#include "cruddur/json.h"

namespace cruddur {

using ddb::Error;
using ddb::Result;
using ddb::Status;

namespace {
std::string key_of(const std::string& user) {
  return "unr:" + user;
}
// Opens a last-read row's request: {"TableName":..,"Key":{"pk":{"S":"READ#<user>"},"sk":{"S":"<group>"}}
void read_row_key(Json& q, const std::string& table, const std::string& user, const std::string& group) {
  q.obj().kv("TableName", table).key("Key").obj().s("pk", "READ#" + user).s("sk", group).end_obj();
}
}  // namespace

UnreadCounts counts_of(const std::map<std::string, std::string>& hash) {
  UnreadCounts c;
  for (auto& [field, value] : hash) {
    if (field.rfind("m:", 0) == 0 || field.rfind("_", 0) == 0) continue;
    long long n = std::atoll(value.c_str());
    if (n <= 0) continue;
    c.groups[field] = n;
    c.total += n;
  }
  return c;
}

Result<std::string> UnreadCounters::last_read(const std::string& user, const std::string& group) {
  Json q;
  read_row_key(q, service_.table(), user, group);
  q.key("ConsistentRead").boolean(true).end_obj();
  auto r = ddb_.op("GetItem", q.take());
  if (!r.ok()) return r.take_error();
  return attr_s(member_of(*r, "Item"), "last_read_at");
}

Result<std::map<std::string, std::string>> UnreadCounters::last_reads(const std::string& user) {
  std::map<std::string, std::string> out;
  std::string start;
  for (;;) {
    Json q;
    q.obj()
        .kv("TableName", service_.table())
        .kv("KeyConditionExpression", "pk = :pk")
        .key("ExpressionAttributeValues")
        .obj()
        .s(":pk", "READ#" + user)
        .end_obj()
        .key("ConsistentRead")
        .boolean(true);
    if (!start.empty()) q.key("ExclusiveStartKey").raw(start);
    q.end_obj();
    auto r = ddb_.op("Query", q.take());
    if (!r.ok()) return r.take_error();
    for (auto& item : array_of(*r, "Items")) out[attr_s(item, "sk")] = attr_s(item, "last_read_at");
    const auto& last = member_of(*r, "LastEvaluatedKey");
    if (!last.IsObject() || to_json(last) == start) return out;
    start = to_json(last);
  }
}

Result<long long> UnreadCounters::count_after(const std::string& user, const std::string& group,
                                              const std::string& after) {
  long long n = 0;
  std::string start;
  for (;;) {
    Json q;
    q.obj()
        .kv("TableName", service_.table())
        .kv("KeyConditionExpression", after.empty() ? "pk = :pk" : "pk = :pk AND sk > :t")
        .kv("FilterExpression", "user_uuid <> :me")
        .kv("Select", "COUNT")
        .key("ExpressionAttributeValues")
        .obj()
        .s(":pk", "MSG#" + group)
        .s(":me", user);
    if (!after.empty()) q.s(":t", after);
    q.end_obj();
    if (!start.empty()) q.key("ExclusiveStartKey").raw(start);
    q.end_obj();
    auto r = ddb_.op("Query", q.take());
    if (!r.ok()) return r.take_error();
    n += int_of(*r, "Count");
    const auto& last = member_of(*r, "LastEvaluatedKey");
    if (!last.IsObject() || to_json(last) == start) return n;
    start = to_json(last);
  }
}

// Every conversation of the user: those with messages after the last read are counted.
Result<UnreadCounts> UnreadCounters::recompute(const std::string& user) {
  std::map<std::string, std::string> reads;
  DDB_ASSIGN(reads, last_reads(user));
  User me;
  me.uuid = user;
  std::map<std::string, std::string> fields;
  std::string cursor;
  for (int pages = 0; pages < 1000; ++pages) {
    auto page = service_.list_groups(me, 100, cursor);
    if (page.failure) return Error{"DynamoDBError", page.failure->message, 503, {}};
    for (auto& g : page.value->rows) {
      const std::string& read = reads[g.uuid];
      long long n = 0;
      if (read < g.created_at) {
        DDB_ASSIGN(n, count_after(user, g.uuid, read));
      }
      fields[g.uuid] = std::to_string(n);
      fields["m:" + g.uuid] = g.created_at;
    }
    if (page.value->next_cursor.empty() || page.value->next_cursor == cursor) break;
    cursor = page.value->next_cursor;
  }
  if (cache_) (void)cache_->hcreate(key_of(user), fields);  // unless a racing recompute created it first
  return counts_of(fields);
}

Result<UnreadCounts> UnreadCounters::counts(const std::string& user) {
  if (cache_) {
    auto cached = cache_->hgetall(key_of(user));
    if (cached.ok() && *cached) return counts_of(**cached);
  }
  return recompute(user);
}

Result<bool> UnreadCounters::mark_read(const std::string& user, const std::string& group,
                                       const std::string& newest_sk) {
  if (newest_sk.empty()) return false;
  // Already marked up to there (by this or another server)? Then nothing to write.
  std::string done_key = "rd:" + user + ":" + group;
  if (cache_) {
    auto seen = cache_->mget({done_key});
    if (seen.ok() && (*seen)[0] && *(*seen)[0] >= newest_sk) return false;
  }
  Json u;
  read_row_key(u, service_.table(), user, group);
  u.kv("UpdateExpression", "SET last_read_at = :t")
      .kv("ConditionExpression", "attribute_not_exists(last_read_at) OR last_read_at < :t")
      .key("ExpressionAttributeValues")
      .obj()
      .s(":t", newest_sk)
      .end_obj()
      .end_obj();
  auto r = ddb_.op("UpdateItem", u.take());
  bool moved = r.ok();
  if (!r.ok() && r.error().name() != "ConditionalCheckFailedException") return r.take_error();
  if (cache_) {
    auto set = cache_->hset_if(key_of(user), group, "0", newest_sk, false);
    moved = moved || (set.ok() && *set);
    (void)cache_->set(done_key, newest_sk);
  }
  return moved;
}

Result<std::vector<std::string>> UnreadCounters::on_message(const std::string& group, const std::string& sk,
                                                            const std::string& sender,
                                                            const std::vector<std::string>& members) {
  std::vector<std::string> changed;
  for (auto& m : members) {
    if (m == sender) continue;
    if (cache_) {
      std::string read;
      DDB_ASSIGN(read, last_read(m, group));
      long long n = 0;
      if (read < sk) {
        DDB_ASSIGN(n, count_after(m, group, read));
      }
      // Refused when a newer message or a read already won; on a cold hash counts() recomputes.
      (void)cache_->hset_if(key_of(m), group, std::to_string(n), sk, true);
    }
    changed.push_back(m);
  }
  return changed;
}

}  // namespace cruddur
