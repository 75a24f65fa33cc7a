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
    if (field.rfind("m:", 0) == 0 || field.rfind('_', 0) == 0) continue;
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
      // Every message after the last read, up to the newest there is (the conversation row may lag
      // behind the stream worker): the mark is the newest message counted, so the worker adds only
      // messages after it.
      const std::string& read = reads[g.uuid];
      Span span;
      DDB_ASSIGN(span, count_between(user, g.uuid, read, "\x7f"));
      fields[g.uuid] = std::to_string(span.count);
      fields["m:" + g.uuid] = std::max(read, span.newest);
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
    moved = clear_cached(user, group, newest_sk) || moved;
    (void)cache_->set(done_key, newest_sk);
  }
  return moved;
}

// The cached count after a read up to `read`: 0, unless the count has already seen a newer message
// (its mark orders after `read`); then the messages after `read` up to that mark. Compare-and-set
// on the mark, retried when it moved meanwhile. False when nothing changed (or the hash is cold).
bool UnreadCounters::clear_cached(const std::string& user, const std::string& group,
                                  const std::string& read) {
  for (int attempt = 0; attempt < 5; ++attempt) {
    auto h = cache_->hgetall(key_of(user));
    if (!h.ok() || !*h) return false;
    auto it = (*h)->find("m:" + group);
    std::string mark = it == (*h)->end() ? "" : it->second;
    std::string value = "0";
    if (mark > read) {
      auto k = count_between(user, group, read, mark);
      if (!k.ok()) return false;
      value = std::to_string(k->count);
    }
    auto set = cache_->hcas(key_of(user), group, value, mark, std::max(mark, read));
    if (!set.ok()) return false;
    if (*set) return true;
  }
  return false;
}

// For each other member with a warm hash: the count plus the messages after its mark up to `sk`
// (or, if they have read past the mark, the messages after their read). Only the new messages are
// read from DynamoDB; a replayed record (`sk` not after the mark) changes nothing. Compare-and-set
// on the mark, retried when a read or another message moved it meanwhile.
Result<std::vector<std::string>> UnreadCounters::on_messages(const std::string& group, const std::string& sk,
                                                             const std::vector<std::string>& senders,
                                                             const std::vector<std::string>& members) {
  std::vector<std::string> changed;
  for (auto& m : members) {
    if (senders.size() == 1 && senders[0] == m) continue;  // only their own messages: nothing to count
    changed.push_back(m);
    for (int attempt = 0; cache_ && attempt < 5; ++attempt) {
      auto h = cache_->hgetall(key_of(m));
      if (!h.ok() || !*h) break;  // cold: counts() recomputes from DynamoDB
      auto it = (*h)->find("m:" + group);
      std::string mark = it == (*h)->end() ? "" : it->second;
      if (mark >= sk) break;  // already counted (a replay), or read past it
      auto c = (*h)->find(group);
      long long count = c == (*h)->end() ? 0 : std::atoll(c->second.c_str());
      std::string read;
      DDB_ASSIGN(read, last_read(m, group));
      if (read > mark) count = 0;  // everything the count had seen is read
      Span k;
      DDB_ASSIGN(k, count_between(m, group, std::max(mark, read), sk));
      auto set = cache_->hcas(key_of(m), group, std::to_string(count + k.count), mark, sk);
      if (!set.ok() || *set) break;
    }
  }
  return changed;
}

// Messages of others in `group` with after < sk <= upto, oldest first; and the newest sk seen (of
// anyone) in that range. The key condition bounds the range on both sides, so a new message costs a
// read of itself, not of every message posted since `after` (the stream worker lags under load).
Result<UnreadCounters::Span> UnreadCounters::count_between(const std::string& user, const std::string& group,
                                                           const std::string& after,
                                                           const std::string& upto) {
  Span span;
  if (!after.empty() && after >= upto) return span;  // an empty range (BETWEEN would refuse it)
  std::string start;
  for (;;) {
    Json q;
    q.obj().kv("TableName", service_.table());
    // BETWEEN includes `after`: that message is skipped below.
    q.kv("KeyConditionExpression",
         after.empty() ? "pk = :pk AND sk <= :u" : "pk = :pk AND sk BETWEEN :t AND :u");
    q.kv("ProjectionExpression", "sk, user_uuid").key("Limit").num(100);
    q.key("ExpressionAttributeValues").obj().s(":pk", "MSG#" + group).s(":u", upto);
    if (!after.empty()) q.s(":t", after);
    q.end_obj();
    if (!start.empty()) q.key("ExclusiveStartKey").raw(start);
    q.end_obj();
    auto r = ddb_.op("Query", q.take());
    if (!r.ok()) return r.take_error();
    for (auto& item : array_of(*r, "Items")) {
      std::string sk = attr_s(item, "sk");
      if (sk == after) continue;
      if (attr_s(item, "user_uuid") != user) ++span.count;
      span.newest = sk;
    }
    const auto& last = member_of(*r, "LastEvaluatedKey");
    if (!last.IsObject() || to_json(last) == start) return span;
    start = to_json(last);
  }
}

}  // namespace cruddur
