#include "cruddur/messaging.h"

#include <algorithm>
#include <thread>

#include "auth/jwt.h"
#include "cruddur/json.h"
#include "cruddur/timefmt.h"
#include "util/codec.h"
#include "util/errors.h"
#include "util/random.h"

namespace cruddur {

using ddb::Error;
using ddb::Result;
using ddb::Status;

namespace {

constexpr int kMaxLimit = 100;

std::string new_uuid() {
  return ddb::random_uuid();
}

std::string encode_cursor(const rapidjson::Value& last_key) {
  return ddb::jwt::base64url_encode(to_json(last_key));
}

// A cursor is the base64url JSON of the last key of a page: {"pk":{"S":..},"sk":{"S":..}} of the
// partition being listed. Anything else (bad base64, NUL bytes, other members, another partition,
// ill-formed UTF-8) is refused; the key sent on is rebuilt from the checked strings.
bool decode_cursor(const std::string& cursor, const std::string& pk, std::string* json) {
  if (cursor.empty()) return true;
  auto raw = ddb::jwt::base64url_decode(cursor);
  if (!raw || raw->size() > 4096) return false;
  rapidjson::Document d;
  d.Parse<rapidjson::kParseIterativeFlag>(raw->data(), raw->size());
  if (d.HasParseError() || !d.IsObject() || d.MemberCount() != 2) return false;
  auto s_of = [&](const char* k) -> std::optional<std::string> {
    const auto& v = member_of(d, k);
    if (!v.IsObject() || v.MemberCount() != 1 || !member_of(v, "S").IsString()) return std::nullopt;
    std::string out(v["S"].GetString(), v["S"].GetStringLength());
    if (out.empty() || !ddb::valid_utf8(out)) return std::nullopt;
    return out;
  };
  auto key_pk = s_of("pk"), key_sk = s_of("sk");
  if (!key_pk || !key_sk || *key_pk != pk) return false;
  *json = Json().obj().s("pk", *key_pk).s("sk", *key_sk).end_obj().take();
  return true;
}

int clamp_limit(int limit) {
  return limit <= 0 ? 20 : std::min(limit, kMaxLimit);
}

bool is_ccf_only(const Error& e) {
  // TransactionCanceledException whose reasons are only ConditionalCheckFailed/None.
  return e.name() == "TransactionCanceledException" &&
         e.message.find("ConditionalCheckFailed") != std::string::npos;
}

}  // namespace

void message_item(Json& j, const std::string& group, const std::string& sk, const std::string& uuid,
                  const std::string& text, const User& sender) {
  j.obj().s("pk", "MSG#" + group).s("sk", sk).s("message_uuid", uuid).s("message", text);
  j.s("user_uuid", sender.uuid)
      .s("user_display_name", sender.display_name)
      .s("user_handle", sender.handle)
      .end_obj();
}

void conversation_item(Json& j, const User& owner, const User& other, const std::string& group,
                       const std::string& sk, const std::string& text) {
  j.obj().s("pk", "GRP#" + owner.uuid).s("sk", sk).s("message_group_uuid", group).s("message", text);
  j.s("user_uuid", other.uuid)
      .s("user_display_name", other.display_name)
      .s("user_handle", other.handle)
      .end_obj();
}

Failure service_failure(const Error& e) {
  return Failure{503, {}, e.name() + ": " + e.message};
}

std::string pair_key(const std::string& a, const std::string& b) {
  return "PAIR#" + std::min(a, b) + "#" + std::max(a, b);
}

size_t utf8_length(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s)
    if ((c & 0xC0) != 0x80) ++n;
  return n;
}

std::vector<std::string> validate_send(const SendRequest& r, const User& sender) {
  std::vector<std::string> codes;
  std::string text = r.message.value_or("");
  bool blank = text.find_first_not_of(" \t\r\n") == std::string::npos;
  if (blank)
    codes.emplace_back("message_blank");
  else if (utf8_length(text) > 1024)
    codes.emplace_back("message_exceed_max_chars_1024");
  bool has_group = r.message_group_uuid && !r.message_group_uuid->empty();
  bool has_handle = r.handle && !r.handle->empty();
  if (!has_group && !has_handle) {
    if (r.handle)
      codes.emplace_back("user_receiver_handle_blank");
    else
      codes.emplace_back("message_group_uuid_blank");
  }
  if (has_handle && !has_group && *r.handle == sender.handle) codes.emplace_back("cannot_message_self");
  return codes;
}

MessagingService::MessagingService(ddb::client::DynamoClient& ddb, UserDirectory& users, std::string table)
    : ddb_(ddb), users_(users), table_(std::move(table)) {}

// The conversation rows of a group (one per participant), through the GSI.
Result<rapidjson::Document> MessagingService::conversation_rows(const std::string& group) {
  Json q;
  q.obj()
      .kv("TableName", table_)
      .kv("IndexName", "message-group-sk-index")
      .kv("KeyConditionExpression", "message_group_uuid = :g")
      .key("ExpressionAttributeValues")
      .obj()
      .s(":g", group)
      .end_obj()
      .end_obj();
  return ddb_.op("Query", q.take());
}

Result<std::vector<std::string>> MessagingService::group_members(const std::string& group) {
  auto r = conversation_rows(group);
  if (!r.ok()) return r.take_error();
  std::vector<std::string> members;
  for (auto& item : array_of(*r, "Items")) {
    std::string pk = attr_s(item, "pk");
    if (pk.rfind("GRP#", 0) == 0) members.push_back(pk.substr(4));
  }
  return members;
}

// One page of a partition, newest first, starting after the cursor's key. Rows come from `row_of`.
Outcome<Page> MessagingService::query_page(const std::string& pk, int limit, const std::string& cursor,
                                           Row (*row_of)(const rapidjson::Value&)) {
  std::string start;
  if (!decode_cursor(cursor, pk, &start)) return Outcome<Page>::fail({400, {}, "invalid cursor"});
  Json q;
  q.obj()
      .kv("TableName", table_)
      .kv("KeyConditionExpression", "pk = :pk")
      .key("ExpressionAttributeValues")
      .obj()
      .s(":pk", pk)
      .end_obj()
      .key("ScanIndexForward")
      .boolean(false)
      .key("Limit")
      .num(clamp_limit(limit) + 1);  // one more: is there a next page?
  if (!start.empty()) q.key("ExclusiveStartKey").raw(start);
  q.end_obj();
  auto r = ddb_.op("Query", q.take());
  if (!r.ok()) {
    if (r.error().name() == "ValidationException") return Outcome<Page>::fail({400, {}, "invalid cursor"});
    return Outcome<Page>::fail(service_failure(r.error()));
  }
  Page p;
  const auto& items = array_of(*r, "Items");
  size_t n = static_cast<size_t>(clamp_limit(limit));
  for (size_t i = 0; i < items.Size() && i < n; ++i) p.rows.push_back(row_of(items[i]));
  if (items.Size() > n) {  // the page is full and more follow: continue after its last row
    rapidjson::Document key(rapidjson::kObjectType);
    for (const char* k : {"pk", "sk"})
      if (items[n - 1].IsObject() && items[n - 1].HasMember(k))
        key.AddMember(rapidjson::StringRef(k), rapidjson::Value(items[n - 1][k], key.GetAllocator()),
                      key.GetAllocator());
    p.next_cursor = encode_cursor(key);
  } else if (member_of(*r, "LastEvaluatedKey").IsObject()) {  // DynamoDB's 1 MB page ended early
    p.next_cursor = encode_cursor((*r)["LastEvaluatedKey"]);
  }
  return Outcome<Page>::ok(std::move(p));
}

Outcome<Page> MessagingService::list_groups(const User& me, int limit, const std::string& cursor) {
  // uuid = the conversation; name and handle = the other person.
  return query_page("GRP#" + me.uuid, limit, cursor, [](const rapidjson::Value& item) {
    return Row{attr_s(item, "message_group_uuid"), attr_s(item, "user_display_name"),
               attr_s(item, "user_handle"), attr_s(item, "message"), attr_s(item, "sk")};
  });
}

Outcome<Page> MessagingService::list_messages(const User& me, const std::string& group, int limit,
                                              const std::string& cursor) {
  auto members = group_members(group);
  if (!members.ok()) return Outcome<Page>::fail(service_failure(members.error()));
  if (members->empty()) return Outcome<Page>::fail({404, {}, "conversation not found"});
  if (std::find(members->begin(), members->end(), me.uuid) == members->end())
    return Outcome<Page>::fail({403, {}, "not a participant of this conversation"});
  return messages_page(group, limit, cursor);
}

Outcome<Page> MessagingService::messages_page(const std::string& group, int limit,
                                              const std::string& cursor) {
  // uuid = the message; name and handle = the sender.
  auto page = query_page("MSG#" + group, limit, cursor, [](const rapidjson::Value& item) {
    return Row{attr_s(item, "message_uuid"), attr_s(item, "user_display_name"), attr_s(item, "user_handle"),
               attr_s(item, "message"), attr_s(item, "sk")};
  });
  if (page.value)
    std::reverse(page.value->rows.begin(), page.value->rows.end());  // oldest to newest within the page
  return page;
}

// Writes one message row at the current time; if another row has the same (pk, sk) the time moves
// on by a microsecond until it is unique, so no message ever overwrites another.
Result<std::string> MessagingService::put_message_row(const std::string& group, const User& sender,
                                                      const std::string& text, std::string* message_uuid) {
  *message_uuid = new_uuid();
  int64_t t = now_micros();
  for (int attempt = 0; attempt < 1000; ++attempt, ++t) {
    std::string sk = format_time(t);
    Json j;
    j.obj().kv("TableName", table_).key("Item");
    message_item(j, group, sk, *message_uuid, text, sender);
    j.kv("ConditionExpression", "attribute_not_exists(pk)").end_obj();
    auto r = ddb_.op("PutItem", j.take());
    if (r.ok()) return sk;
    if (r.error().name() != "ConditionalCheckFailedException") return r.take_error();
  }
  return Error{"Conflict", "could not find a free timestamp", 500, {}};
}

Outcome<SentMessage> MessagingService::post_to_group(const User& me, const std::string& group,
                                                     const std::string& text, const MembersOf& members_of) {
  auto members = members_of ? members_of(group) : group_members(group);
  if (!members.ok()) return Outcome<SentMessage>::fail(service_failure(members.error()));
  if (members->empty()) return Outcome<SentMessage>::fail({404, {}, "conversation not found"});
  if (std::find(members->begin(), members->end(), me.uuid) == members->end())
    return Outcome<SentMessage>::fail({403, {}, "not a participant of this conversation"});
  std::string uuid;
  auto sk = put_message_row(group, me, text, &uuid);
  if (!sk.ok()) return Outcome<SentMessage>::fail(service_failure(sk.error()));
  return Outcome<SentMessage>::ok({group, uuid, me.display_name, me.handle, text, *sk, *members});
}

Outcome<SentMessage> MessagingService::send(const User& me, const SendRequest& r,
                                            const MembersOf& members_of) {
  auto codes = validate_send(r, me);
  std::optional<User> receiver;
  bool by_handle =
      !(r.message_group_uuid && !r.message_group_uuid->empty()) && r.handle && !r.handle->empty();
  if (by_handle && *r.handle != me.handle) {
    auto u = users_.by_handle(*r.handle);
    if (!u.ok()) return Outcome<SentMessage>::fail(service_failure(u.error()));
    if (!*u) codes.emplace_back("user_receiver_not_found");
    receiver = *u;
  }
  if (!codes.empty()) return Outcome<SentMessage>::fail({422, codes, ""});
  const std::string& text = *r.message;
  if (!by_handle) return post_to_group(me, *r.message_group_uuid, text, members_of);

  // C': start (or reuse) the conversation with @handle. The pair row PAIR#<a>#<b> names the one
  // conversation of two users; creating it conditionally inside the transaction makes this race-free.
  std::string pk_pair = pair_key(me.uuid, receiver->uuid);
  for (int attempt = 0; attempt < 50; ++attempt) {
    Json g;
    g.obj()
        .kv("TableName", table_)
        .key("Key")
        .obj()
        .s("pk", pk_pair)
        .s("sk", "PAIR")
        .end_obj()
        .key("ConsistentRead")
        .boolean(true)
        .end_obj();
    auto existing = ddb_.op("GetItem", g.take());
    if (!existing.ok()) return Outcome<SentMessage>::fail(service_failure(existing.error()));
    if (existing->HasMember("Item"))
      return post_to_group(me, attr_s((*existing)["Item"], "pair_group_uuid"), text, members_of);

    std::string group = new_uuid(), message_uuid = new_uuid();
    std::string sk = format_time(now_micros() + attempt);
    auto conv = [&](Json& j, const User& owner, const User& other) {
      j.obj().key("Put").obj().kv("TableName", table_).key("Item");
      conversation_item(j, owner, other, group, sk, text);
      j.kv("ConditionExpression", "attribute_not_exists(pk)").end_obj().end_obj();
    };
    Json t;
    t.obj().key("TransactItems").arr();
    t.obj()
        .key("Put")
        .obj()
        .kv("TableName", table_)
        .key("Item")
        .obj()
        .s("pk", pk_pair)
        .s("sk", "PAIR")
        .s("pair_group_uuid", group)
        .end_obj()
        .kv("ConditionExpression", "attribute_not_exists(pk)")
        .end_obj()
        .end_obj();
    conv(t, me, *receiver);
    conv(t, *receiver, me);
    t.obj().key("Put").obj().kv("TableName", table_).key("Item");
    message_item(t, group, sk, message_uuid, text, me);
    t.kv("ConditionExpression", "attribute_not_exists(pk)").end_obj().end_obj();
    t.end_arr().end_obj();
    auto w = ddb_.op("TransactWriteItems", t.take());
    if (w.ok())
      return Outcome<SentMessage>::ok(
          {group, message_uuid, me.display_name, me.handle, text, sk, {me.uuid, receiver->uuid}, true});
    // Someone created the pair meanwhile, or a row collided on its timestamp: look again.
    if (!is_ccf_only(w.error()) && w.error().name() != "TransactionConflictException")
      return Outcome<SentMessage>::fail(service_failure(w.error()));
  }
  return Outcome<SentMessage>::fail({503, {}, "could not start the conversation: its rows kept changing"});
}

namespace {
// Index of the first ConditionalCheckFailed reason of a cancelled transaction, or -1.
int failed_action(const Error& e) {
  auto p = e.extra_json.find("\"CancellationReasons\"");
  if (p == std::string::npos) return -1;
  rapidjson::Document d;
  std::string json(1, '{');  // extra_json is ,"CancellationReasons":[...]
  json.append(e.extra_json, p).push_back('}');
  d.Parse<rapidjson::kParseIterativeFlag>(json.c_str(), json.size());
  if (d.HasParseError() || !d.IsObject()) return -1;
  auto it = d.FindMember("CancellationReasons");
  if (it == d.MemberEnd() || !it->value.IsArray()) return -1;
  int i = 0;
  for (auto& r : it->value.GetArray()) {
    if (r.IsObject()) {
      auto code = r.FindMember("Code");
      if (code != r.MemberEnd() && code->value.IsString() &&
          std::string_view(code->value.GetString()) == "ConditionalCheckFailed")
        return i;
    }
    ++i;
  }
  return -1;
}
}  // namespace

Status MessagingService::apply_message_to_conversations(const std::string& group, const std::string& sk,
                                                        const std::string& message) {
  for (int attempt = 0; attempt < 20; ++attempt) {
    auto r = conversation_rows(group);
    if (!r.ok()) return r.take_error();
    bool retry = false;
    for (auto& row : array_of(*r, "Items")) {
      std::string old_sk = attr_s(row, "sk");
      if (old_sk >= sk) continue;  // already at this message or a newer one: nothing to do
      // Delete the old row and put the new one in one transaction, both conditional, so neither a
      // concurrent move nor a replay can lose a row or move it backwards. If another conversation of
      // the same owner already sits at this time, the row moves on by a microsecond.
      std::string new_sk = sk;
      for (int bump = 0; bump < 100; ++bump) {
        Json t;
        t.obj().key("TransactItems").arr();
        t.obj()
            .key("Delete")
            .obj()
            .kv("TableName", table_)
            .key("Key")
            .obj()
            .s("pk", attr_s(row, "pk"))
            .s("sk", old_sk)
            .end_obj()
            .kv("ConditionExpression", "attribute_exists(pk)")
            .end_obj()
            .end_obj();
        t.obj()
            .key("Put")
            .obj()
            .kv("TableName", table_)
            .key("Item")
            .obj()
            .s("pk", attr_s(row, "pk"))
            .s("sk", new_sk)
            .s("message_group_uuid", group)
            .s("message", message)
            .s("user_uuid", attr_s(row, "user_uuid"))
            .s("user_display_name", attr_s(row, "user_display_name"))
            .s("user_handle", attr_s(row, "user_handle"))
            .end_obj()
            .kv("ConditionExpression", "attribute_not_exists(pk)")
            .end_obj()
            .end_obj();
        t.end_arr().end_obj();
        auto w = ddb_.op("TransactWriteItems", t.take());
        if (w.ok()) break;
        if (w.error().name() == "TransactionConflictException") {
          retry = true;
          break;
        }
        if (!is_ccf_only(w.error())) return w.take_error();
        if (failed_action(w.error()) != 1) {
          retry = true;
          break;
        }  // the old row moved meanwhile: look again
        auto t_us = parse_time(new_sk);
        if (!t_us) return Error{"BadTimestamp", "unexpected sk " + new_sk, 500, {}};
        new_sk = format_time(*t_us + 1);
      }
    }
    if (!retry) return Status::OK();
  }
  return Error{"Conflict", "conversation rows of " + group + " kept changing", 500, {}};
}

}  // namespace cruddur
