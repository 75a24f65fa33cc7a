// The messages table's schema (MESSAGING.md) and the demo conversation of the first start.
#include <thread>

#include "cruddur/json.h"
#include "cruddur/messaging.h"
#include "cruddur/timefmt.h"
#include "util/random.h"

namespace cruddur {

using ddb::Error;
using ddb::Result;
using ddb::Status;

namespace {
// The original's 5/5 provisioned throughput, for the table and its index alike.
void throughput(Json& j) {
  j.key("ProvisionedThroughput")
      .obj()
      .key("ReadCapacityUnits")
      .num(5)
      .key("WriteCapacityUnits")
      .num(5)
      .end_obj();
}

void key_schema(Json& j, const char* hash, const char* range) {
  j.key("KeySchema").arr();
  j.obj().kv("AttributeName", hash).kv("KeyType", "HASH").end_obj();
  j.obj().kv("AttributeName", range).kv("KeyType", "RANGE").end_obj();
  j.end_arr();
}
}  // namespace

Status MessagingService::create_table(bool if_missing) {
  Json j;
  j.obj().kv("TableName", table_);
  j.key("AttributeDefinitions").arr();
  for (const char* a : {"message_group_uuid", "pk", "sk"})
    j.obj().kv("AttributeName", a).kv("AttributeType", "S").end_obj();
  j.end_arr();
  key_schema(j, "pk", "sk");
  j.key("GlobalSecondaryIndexes").arr().obj().kv("IndexName", "message-group-sk-index");
  key_schema(j, "message_group_uuid", "sk");
  j.key("Projection").obj().kv("ProjectionType", "ALL").end_obj();
  throughput(j);
  j.end_obj().end_arr();
  j.key("StreamSpecification")
      .obj()
      .key("StreamEnabled")
      .boolean(true)
      .kv("StreamViewType", "NEW_IMAGE")
      .end_obj();
  j.kv("BillingMode", "PROVISIONED");
  throughput(j);
  j.end_obj();
  auto r = ddb_.op("CreateTable", j.take());
  if (!r.ok()) {
    if (if_missing && r.error().name() == "ResourceInUseException") return Status::OK();
    return r.take_error();
  }
  // Wait until ACTIVE (real DynamoDB answers CREATING first).
  for (int i = 0; i < 600; ++i) {
    auto d = ddb_.op("DescribeTable", Json().obj().kv("TableName", table_).end_obj().take());
    if (d.ok() && str_of(member_of(*d, "Table"), "TableStatus") == "ACTIVE") return Status::OK();
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return Error{"Timeout", "table " + table_ + " did not become ACTIVE", 500, {}};
}

Result<bool> MessagingService::seed_demo(const std::vector<User>& users) {
  auto find = [&](const std::string& h) -> const User* {
    for (auto& u : users)
      if (u.handle == h) return &u;
    return nullptr;
  };
  const User* a = find("andrewbrown");
  const User* b = find("bayko");
  if (!a || !b) return Error{"SeedError", "seed users andrewbrown and bayko are missing", 500, {}};
  const std::string group = kDemoGroup;
  // Once only: if the demo conversation has any message, it was seeded (or is in use) already.
  Json probe;
  probe.obj()
      .kv("TableName", table_)
      .kv("KeyConditionExpression", "pk = :pk")
      .key("ExpressionAttributeValues")
      .obj()
      .s(":pk", "MSG#" + group)
      .end_obj()
      .key("Limit")
      .num(1)
      .end_obj();
  auto existing = ddb_.op("Query", probe.take());
  if (!existing.ok()) return existing.take_error();
  if (!array_of(*existing, "Items").Empty()) return false;
  int64_t now = now_micros();
  const int n = 100;
  std::vector<std::string> items;
  std::string last_text, last_sk;
  for (int i = 0; i < n; ++i) {
    const User* from = i % 2 == 0 ? a : b;
    std::string sk = format_time(now - static_cast<int64_t>(n - 1 - i) * 60 * 1000000);
    std::string text =
        "Demo message " + std::to_string(i + 1) + " of " + std::to_string(n) + " from @" + from->handle;
    Json j;
    j.obj().key("PutRequest").obj().key("Item");
    message_item(j, group, sk, ddb::random_uuid(), text, *from);
    j.end_obj().end_obj();
    items.push_back(j.take());
    last_text = text;
    last_sk = sk;
  }
  auto conv = [&](const User& owner, const User& other) {
    Json j;
    j.obj().key("PutRequest").obj().key("Item");
    conversation_item(j, owner, other, group, last_sk, last_text);
    j.end_obj().end_obj();
    return j.take();
  };
  items.push_back(conv(*a, *b));
  items.push_back(conv(*b, *a));
  Json pair;
  pair.obj()
      .key("PutRequest")
      .obj()
      .key("Item")
      .obj()
      .s("pk", pair_key(a->uuid, b->uuid))
      .s("sk", "PAIR")
      .s("pair_group_uuid", group)
      .end_obj()
      .end_obj()
      .end_obj();
  items.push_back(pair.take());
  for (size_t i = 0; i < items.size(); i += 25) {
    std::string body = "{\"RequestItems\":{\"" + table_ + "\":[";
    for (size_t k = i; k < std::min(items.size(), i + 25); ++k) body += (k > i ? "," : "") + items[k];
    body += "]}}";
    // Follow UnprocessedItems until everything is written.
    for (int tries = 0; tries < 20; ++tries) {
      auto r = ddb_.op("BatchWriteItem", body);
      if (!r.ok()) return r.take_error();
      const auto& un = member_of(*r, "UnprocessedItems");
      if (!un.IsObject() || un.MemberCount() == 0) break;
      body = "{\"RequestItems\":" + to_json(un) + "}";
      std::this_thread::sleep_for(std::chrono::milliseconds(50 << std::min(tries, 5)));
    }
  }
  return true;
}

}  // namespace cruddur
