// Engine operations through the DynamoDB API JSON, in process (no HTTP).
#include "engine/engine.h"

#include <chrono>
#include <filesystem>
#include <future>
#include <thread>

#include <gtest/gtest.h>

#include "engine/json_util.h"

using namespace ddb;

namespace {
struct Db {
  std::unique_ptr<Engine> engine;
  std::shared_ptr<Database> db;
  explicit Db(const std::string& path = "") {
    KvOptions ko;
    ko.path = path;
    engine = std::make_unique<Engine>(EngineOptions{}, ko);
    db = *engine->database("test", "us-east-1");
  }
  // Returns the response body, or "ERR <Name>: <message>".
  std::string call(const std::string& op, const std::string& body) {
    rapidjson::Document d;
    d.Parse(body.c_str());
    EXPECT_FALSE(d.HasParseError()) << body;
    auto r = db->execute("DynamoDB_20120810." + op, d);
    if (!r.ok()) return "ERR " + r.error().name() + ": " + r.error().message;
    return *r;
  }
  std::string streams(const std::string& op, const std::string& body) {
    rapidjson::Document d;
    d.Parse(body.c_str());
    auto r = db->execute("DynamoDBStreams_20120810." + op, d);
    if (!r.ok()) return "ERR " + r.error().name() + ": " + r.error().message;
    return *r;
  }
  // GetRecords from TRIM_HORIZON of the first stream, through the Streams API.
  rapidjson::Document stream_records() {
    rapidjson::Document ls;
    ls.Parse(streams("ListStreams", "{}").c_str());
    std::string arn = ls["Streams"][0]["StreamArn"].GetString();
    rapidjson::Document ds;
    ds.Parse(streams("DescribeStream", R"({"StreamArn":")" + arn + "\"}").c_str());
    std::string shard = ds["StreamDescription"]["Shards"][0]["ShardId"].GetString();
    rapidjson::Document it;
    it.Parse(streams("GetShardIterator", R"({"StreamArn":")" + arn + R"(","ShardId":")" + shard +
                                             R"(","ShardIteratorType":"TRIM_HORIZON"})")
                 .c_str());
    rapidjson::Document recs;
    recs.Parse(
        streams("GetRecords", R"({"ShardIterator":")" + std::string(it["ShardIterator"].GetString()) + "\"}")
            .c_str());
    return recs;
  }
  rapidjson::Document json(const std::string& op, const std::string& body) {
    rapidjson::Document d;
    d.Parse(call(op, body).c_str());
    return d;
  }
};

const char* kMessagesTable = R"({"TableName":"cruddur-messages",
  "AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"},{"AttributeName":"sk","AttributeType":"S"},
                          {"AttributeName":"message_group_uuid","AttributeType":"S"}],
  "KeySchema":[{"AttributeName":"pk","KeyType":"HASH"},{"AttributeName":"sk","KeyType":"RANGE"}],
  "GlobalSecondaryIndexes":[{"IndexName":"message-group-sk-index",
     "KeySchema":[{"AttributeName":"message_group_uuid","KeyType":"HASH"},{"AttributeName":"sk","KeyType":"RANGE"}],
     "Projection":{"ProjectionType":"ALL"},"ProvisionedThroughput":{"ReadCapacityUnits":5,"WriteCapacityUnits":5}}],
  "StreamSpecification":{"StreamEnabled":true,"StreamViewType":"NEW_IMAGE"},
  "ProvisionedThroughput":{"ReadCapacityUnits":5,"WriteCapacityUnits":5}})";
}  // namespace

TEST(Engine, CreateDescribeListDelete) {
  Db t;
  auto created = t.json("CreateTable", kMessagesTable);
  EXPECT_STREQ(created["TableDescription"]["TableStatus"].GetString(), "CREATING");
  auto d = t.json("DescribeTable", R"({"TableName":"cruddur-messages"})");
  EXPECT_STREQ(d["Table"]["TableStatus"].GetString(), "ACTIVE");
  EXPECT_STREQ(d["Table"]["GlobalSecondaryIndexes"][0]["IndexName"].GetString(), "message-group-sk-index");
  EXPECT_TRUE(d["Table"].HasMember("LatestStreamArn"));
  EXPECT_EQ(t.call("CreateTable", kMessagesTable),
            "ERR ResourceInUseException: Table already exists: cruddur-messages");
  EXPECT_EQ(t.call("ListTables", "{}"), R"({"TableNames":["cruddur-messages"]})");
  t.call("DeleteTable", R"({"TableName":"cruddur-messages"})");
  EXPECT_EQ(t.call("DescribeTable", R"({"TableName":"cruddur-messages"})"),
            "ERR ResourceNotFoundException: Requested resource not found: Table: cruddur-messages not found");
}

TEST(Engine, CreateTableValidation) {
  Db t;
  EXPECT_EQ(
      t.call(
          "CreateTable",
          R"({"TableName":"ab","KeySchema":[{"AttributeName":"k","KeyType":"HASH"}],"AttributeDefinitions":[{"AttributeName":"k","AttributeType":"S"}],"BillingMode":"PAY_PER_REQUEST"})"),
      "ERR ValidationException: 1 validation error detected: Value 'ab' at 'tableName' failed to satisfy "
      "constraint: Member must have length greater than or equal to 3");
  EXPECT_EQ(
      t.call(
          "CreateTable",
          R"({"TableName":"abc","KeySchema":[{"AttributeName":"k","KeyType":"HASH"}],"AttributeDefinitions":[{"AttributeName":"x","AttributeType":"S"}],"BillingMode":"PAY_PER_REQUEST"})"),
      "ERR ValidationException: One or more parameter values were invalid: Some index key attributes are not "
      "defined in AttributeDefinitions. Keys: [k], AttributeDefinitions: [x]");
  EXPECT_EQ(
      t.call(
          "CreateTable",
          R"({"TableName":"abc","KeySchema":[{"AttributeName":"k","KeyType":"HASH"}],"AttributeDefinitions":[{"AttributeName":"k","AttributeType":"S"}]})"),
      "ERR ValidationException: One or more parameter values were invalid: ReadCapacityUnits and "
      "WriteCapacityUnits must both be specified when BillingMode is PROVISIONED");
}

TEST(Engine, ItemsQueryOrderAndPagination) {
  Db t;
  t.call(
      "CreateTable",
      R"({"TableName":"nums","KeySchema":[{"AttributeName":"p","KeyType":"HASH"},{"AttributeName":"n","KeyType":"RANGE"}],
    "AttributeDefinitions":[{"AttributeName":"p","AttributeType":"S"},{"AttributeName":"n","AttributeType":"N"}],"BillingMode":"PAY_PER_REQUEST"})");
  for (const char* n : {"10", "-2.5", "3", "100", "0", "-100", "2.5"})
    ASSERT_EQ(t.call("PutItem",
                     std::string(R"({"TableName":"nums","Item":{"p":{"S":"a"},"n":{"N":")") + n + "\"}}}"),
              "{}");
  auto q = t.json(
      "Query",
      R"({"TableName":"nums","KeyConditionExpression":"p = :p","ExpressionAttributeValues":{":p":{"S":"a"}}})");
  std::string order;
  for (auto& i : q["Items"].GetArray()) order += std::string(i["n"]["N"].GetString()) + " ";
  EXPECT_EQ(order, "-100 -2.5 0 2.5 3 10 100 ");
  auto page = t.json(
      "Query",
      R"({"TableName":"nums","KeyConditionExpression":"p = :p AND n > :z","ScanIndexForward":false,"Limit":2,
    "ExpressionAttributeValues":{":p":{"S":"a"},":z":{"N":"0"}}})");
  EXPECT_EQ(page["Count"].GetInt(), 2);
  EXPECT_STREQ(page["Items"][0]["n"]["N"].GetString(), "100");
  EXPECT_STREQ(page["LastEvaluatedKey"]["n"]["N"].GetString(), "10");
  auto next = t.json(
      "Query",
      R"({"TableName":"nums","KeyConditionExpression":"p = :p AND n > :z","ScanIndexForward":false,"Limit":2,
    "ExclusiveStartKey":{"p":{"S":"a"},"n":{"N":"10"}},"ExpressionAttributeValues":{":p":{"S":"a"},":z":{"N":"0"}}})");
  EXPECT_STREQ(next["Items"][0]["n"]["N"].GetString(), "3");
  EXPECT_STREQ(next["Items"][1]["n"]["N"].GetString(), "2.5");
}

TEST(Engine, GsiIsMaintainedAndSparse) {
  Db t;
  t.call("CreateTable", kMessagesTable);
  t.call(
      "PutItem",
      R"({"TableName":"cruddur-messages","Item":{"pk":{"S":"GRP#1"},"sk":{"S":"2026"},"message_group_uuid":{"S":"g1"}}})");
  t.call(
      "PutItem",
      R"({"TableName":"cruddur-messages","Item":{"pk":{"S":"MSG#g1"},"sk":{"S":"2026"},"message":{"S":"hi"}}})");
  auto q = t.json("Query", R"({"TableName":"cruddur-messages","IndexName":"message-group-sk-index",
    "KeyConditionExpression":"message_group_uuid = :g","ExpressionAttributeValues":{":g":{"S":"g1"}}})");
  EXPECT_EQ(q["Count"].GetInt(), 1);
  EXPECT_STREQ(q["Items"][0]["pk"]["S"].GetString(), "GRP#1");
  t.call("UpdateItem", R"({"TableName":"cruddur-messages","Key":{"pk":{"S":"GRP#1"},"sk":{"S":"2026"}},
    "UpdateExpression":"REMOVE message_group_uuid"})");
  auto q2 = t.json("Query", R"({"TableName":"cruddur-messages","IndexName":"message-group-sk-index",
    "KeyConditionExpression":"message_group_uuid = :g","ExpressionAttributeValues":{":g":{"S":"g1"}}})");
  EXPECT_EQ(q2["Count"].GetInt(), 0);
  EXPECT_EQ(
      t.call("Query",
             R"({"TableName":"cruddur-messages","IndexName":"message-group-sk-index","ConsistentRead":true,
    "KeyConditionExpression":"message_group_uuid = :g","ExpressionAttributeValues":{":g":{"S":"g1"}}})"),
      "ERR ValidationException: Consistent reads are not supported on global secondary indexes");
}

TEST(Engine, TransactionsAreAllOrNothing) {
  Db t;
  t.call("CreateTable", R"({"TableName":"acct","KeySchema":[{"AttributeName":"id","KeyType":"HASH"}],
    "AttributeDefinitions":[{"AttributeName":"id","AttributeType":"S"}],"BillingMode":"PAY_PER_REQUEST"})");
  t.call("PutItem", R"({"TableName":"acct","Item":{"id":{"S":"a"},"bal":{"N":"10"}}})");
  t.call("PutItem", R"({"TableName":"acct","Item":{"id":{"S":"b"},"bal":{"N":"0"}}})");
  const char* transfer = R"({"TransactItems":[
    {"Update":{"TableName":"acct","Key":{"id":{"S":"a"}},"UpdateExpression":"SET bal = bal - :x","ConditionExpression":"bal >= :x","ExpressionAttributeValues":{":x":{"N":"7"}}}},
    {"Update":{"TableName":"acct","Key":{"id":{"S":"b"}},"UpdateExpression":"SET bal = bal + :x","ExpressionAttributeValues":{":x":{"N":"7"}}}}]})";
  EXPECT_EQ(t.call("TransactWriteItems", transfer), "{}");
  EXPECT_EQ(t.call("TransactWriteItems", transfer),
            "ERR TransactionCanceledException: Transaction cancelled, please refer cancellation reasons for "
            "specific reasons [ConditionalCheckFailed, None]");
  EXPECT_EQ(t.call("GetItem", R"({"TableName":"acct","Key":{"id":{"S":"b"}}})"),
            R"({"Item":{"bal":{"N":"7"},"id":{"S":"b"}}})");
  EXPECT_EQ(t.call("TransactWriteItems", R"({"TransactItems":[
    {"Put":{"TableName":"acct","Item":{"id":{"S":"a"}}}},{"Delete":{"TableName":"acct","Key":{"id":{"S":"a"}}}}]})"),
            "ERR ValidationException: Transaction request cannot include multiple operations on one item");
}

TEST(Engine, ConcurrentConditionalIncrementsLoseNothing) {
  Db t;
  t.call("CreateTable", R"({"TableName":"ctr","KeySchema":[{"AttributeName":"id","KeyType":"HASH"}],
    "AttributeDefinitions":[{"AttributeName":"id","AttributeType":"S"}],"BillingMode":"PAY_PER_REQUEST"})");
  t.call("PutItem", R"({"TableName":"ctr","Item":{"id":{"S":"x"},"v":{"N":"0"},"n":{"N":"0"}}})");
  std::atomic<int> wins{0}, losses{0}, bad_answers{0};
  std::vector<std::thread> th;
  for (int i = 0; i < 8; ++i) {
    th.emplace_back([&] {
      for (int j = 0; j < 200; ++j) {
        t.call(
            "UpdateItem",
            R"({"TableName":"ctr","Key":{"id":{"S":"x"}},"UpdateExpression":"ADD n :one","ExpressionAttributeValues":{":one":{"N":"1"}}})");
        // No assertion runs in these threads: a bad answer is counted, and the main thread fails.
        std::string got =
            t.call("GetItem", R"({"TableName":"ctr","Key":{"id":{"S":"x"}},"ConsistentRead":true})");
        rapidjson::Document cur;
        cur.Parse(got.c_str());
        auto item = cur.IsObject() ? cur.FindMember("Item") : cur.MemberEnd();
        if (item == cur.MemberEnd() || !item->value.IsObject() || !item->value.HasMember("v") ||
            !item->value["v"].IsObject() || !item->value["v"].HasMember("N")) {
          ++bad_answers;
          continue;
        }
        std::string v = item->value["v"]["N"].GetString();
        std::string next = std::to_string(std::stoll(v) + 1);
        auto r = t.call(
            "UpdateItem",
            R"({"TableName":"ctr","Key":{"id":{"S":"x"}},"UpdateExpression":"SET v = :n","ConditionExpression":"v = :old",
          "ExpressionAttributeValues":{":n":{"N":")" +
                next + R"("},":old":{"N":")" + v + "\"}}}");
        if (r == "{}")
          ++wins;
        else if (r.find("ConditionalCheckFailedException") != std::string::npos)
          ++losses;
      }
    });
  }
  for (auto& x : th) x.join();
  ASSERT_EQ(bad_answers, 0);
  auto cur = t.json("GetItem", R"({"TableName":"ctr","Key":{"id":{"S":"x"}}})");
  EXPECT_EQ(std::string(cur["Item"]["n"]["N"].GetString()), "1600");
  EXPECT_EQ(std::string(cur["Item"]["v"]["N"].GetString()), std::to_string(wins.load()));
  EXPECT_EQ(wins + losses, 1600);
}

// One lock per table: while a write of table "aaa" holds its lock (here the test holds it, as a long
// write or an index backfill would), writes, transactions and reads of table "b" go on, and reads of
// "a" too; only a's own writes wait.
TEST(Engine, WritesOfOneTableDoNotWaitForAnother) {
  Db t;
  for (const char* name : {"aaa", "bbb"})
    ASSERT_EQ(
        t.call("CreateTable", std::string(R"({"TableName":")") + name + R"(","BillingMode":"PAY_PER_REQUEST",
        "KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}],
        "AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"}]})")
            .rfind("ERR", 0),
        std::string::npos);
  auto a = t.db->find_table("aaa");
  a->state->mu.lock();
  auto write_a = std::async(std::launch::async, [&] {
    return t.call("PutItem", R"({"TableName":"aaa","Item":{"pk":{"S":"x"}}})");
  });
  auto others = std::async(std::launch::async, [&] {
    std::string out;
    out += t.call("PutItem", R"({"TableName":"bbb","Item":{"pk":{"S":"y"},"n":{"N":"1"}}})");
    out +=
        t.call("TransactWriteItems", R"({"TransactItems":[{"Update":{"TableName":"bbb","Key":{"pk":{"S":"y"}},
        "UpdateExpression":"ADD n :one","ExpressionAttributeValues":{":one":{"N":"1"}}}}]})");
    out += t.call("ExecuteStatement", R"({"Statement":"UPDATE bbb SET m = 2 WHERE pk = 'y'"})");
    out += t.call("BatchWriteItem", R"({"RequestItems":{"bbb":[{"PutRequest":{"Item":{"pk":{"S":"z"}}}}]}})");
    out += t.call("DescribeTable", R"({"TableName":"bbb"})");
    out += t.call("TransactGetItems",
                  R"({"TransactItems":[{"Get":{"TableName":"bbb","Key":{"pk":{"S":"y"}}}}]})");
    out += t.call("GetItem", R"({"TableName":"aaa","Key":{"pk":{"S":"x"}}})");
    out += t.call("Query", R"({"TableName":"aaa","KeyConditionExpression":"pk = :p",
        "ExpressionAttributeValues":{":p":{"S":"x"}}})");
    return out;
  });
  // A regression would leave `others` waiting for a's lock: give up after 30 s rather than hang.
  bool others_done = others.wait_for(std::chrono::seconds(30)) == std::future_status::ready;
  bool a_waited = write_a.wait_for(std::chrono::seconds(0)) != std::future_status::ready;
  a->state->mu.unlock();
  EXPECT_TRUE(others_done) << "a request on table b (or a read of a) waited for table a's write lock";
  EXPECT_TRUE(a_waited) << "a write of table a did not wait for a's lock";
  EXPECT_EQ(others.get().find("ERR"), std::string::npos);
  EXPECT_EQ(write_a.get(), "{}");
  EXPECT_NE(t.call("GetItem", R"({"TableName":"bbb","Key":{"pk":{"S":"y"}}})").find(R"("n":{"N":"2"})"),
            std::string::npos);
}

TEST(Engine, StreamRecordsFollowWrites) {
  Db t;
  t.call("CreateTable", kMessagesTable);
  t.call("PutItem",
         R"({"TableName":"cruddur-messages","Item":{"pk":{"S":"a"},"sk":{"S":"1"},"x":{"S":"1"}}})");
  t.call(
      "PutItem",
      R"({"TableName":"cruddur-messages","Item":{"pk":{"S":"a"},"sk":{"S":"1"},"x":{"S":"1"}}})");  // no
                                                                                                    // change:
                                                                                                    // no
                                                                                                    // record
  t.call("PutItem",
         R"({"TableName":"cruddur-messages","Item":{"pk":{"S":"a"},"sk":{"S":"1"},"x":{"S":"2"}}})");
  t.call("DeleteItem", R"({"TableName":"cruddur-messages","Key":{"pk":{"S":"a"},"sk":{"S":"1"}}})");
  rapidjson::Document recs = t.stream_records();
  ASSERT_EQ(recs["Records"].Size(), 3u);
  EXPECT_STREQ(recs["Records"][0]["eventName"].GetString(), "INSERT");
  EXPECT_STREQ(recs["Records"][1]["eventName"].GetString(), "MODIFY");
  EXPECT_STREQ(recs["Records"][2]["eventName"].GetString(), "REMOVE");
  EXPECT_STREQ(recs["Records"][1]["dynamodb"]["NewImage"]["x"]["S"].GetString(), "2");
  EXPECT_FALSE(recs["Records"][1]["dynamodb"].HasMember("OldImage"));
}

TEST(Engine, TtlDeletesExpiredItemsWithServiceIdentity) {
  Db t;
  t.call("CreateTable", kMessagesTable);
  t.call(
      "UpdateTimeToLive",
      R"({"TableName":"cruddur-messages","TimeToLiveSpecification":{"AttributeName":"exp","Enabled":true}})");
  t.call(
      "PutItem",
      R"({"TableName":"cruddur-messages","Item":{"pk":{"S":"old"},"sk":{"S":"1"},"exp":{"N":"1000000000"}}})");
  t.call(
      "PutItem",
      R"({"TableName":"cruddur-messages","Item":{"pk":{"S":"new"},"sk":{"S":"1"},"exp":{"N":"99999999999"}}})");
  // Expired but not yet swept: still readable, as on AWS.
  EXPECT_NE(t.call("GetItem", R"({"TableName":"cruddur-messages","Key":{"pk":{"S":"old"},"sk":{"S":"1"}}})"),
            "{}");
  EXPECT_EQ(t.db->expire_ttl_items(1000000100.0), 1u);
  EXPECT_EQ(t.call("GetItem", R"({"TableName":"cruddur-messages","Key":{"pk":{"S":"old"},"sk":{"S":"1"}}})"),
            "{}");
  EXPECT_NE(t.call("GetItem", R"({"TableName":"cruddur-messages","Key":{"pk":{"S":"new"},"sk":{"S":"1"}}})"),
            "{}");
}

TEST(Engine, PersistsAcrossReopen) {
  auto dir = std::filesystem::temp_directory_path() / ("ddb-engine-test-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  {
    Db t(dir.string());
    t.call("CreateTable", kMessagesTable);
    t.call(
        "PutItem",
        R"({"TableName":"cruddur-messages","Item":{"pk":{"S":"GRP#1"},"sk":{"S":"2026"},"message_group_uuid":{"S":"g1"}}})");
  }
  {
    Db t(dir.string());
    auto d = t.json("DescribeTable", R"({"TableName":"cruddur-messages"})");
    EXPECT_EQ(d["Table"]["ItemCount"].GetInt(), 1);
    EXPECT_EQ(d["Table"]["GlobalSecondaryIndexes"][0]["ItemCount"].GetInt(), 1);
    EXPECT_NE(
        t.call("GetItem", R"({"TableName":"cruddur-messages","Key":{"pk":{"S":"GRP#1"},"sk":{"S":"2026"}}})"),
        "{}");
  }
  std::filesystem::remove_all(dir);
}

TEST(Engine, StreamRecordsAreKeptTwentyFourHours) {
  Db t;
  t.call("CreateTable", kMessagesTable);
  t.call("PutItem", R"({"TableName":"cruddur-messages","Item":{"pk":{"S":"a"},"sk":{"S":"1"}}})");
  t.call("PutItem", R"({"TableName":"cruddur-messages","Item":{"pk":{"S":"b"},"sk":{"S":"1"}}})");
  double now = static_cast<double>(time(nullptr));
  EXPECT_EQ(t.db->trim_streams(now), 0u);
  EXPECT_EQ(t.db->trim_streams(now + 23 * 3600), 0u);
  EXPECT_EQ(t.db->trim_streams(now + 25 * 3600), 2u);
  rapidjson::Document recs = t.stream_records();
  EXPECT_EQ(recs["Records"].Size(), 0u);
}

TEST(Engine, VectorIndexIsRebuiltFromTheItemsWhenItsEntriesAreMissing) {
  auto dir = std::filesystem::temp_directory_path() / ("ddb-engine-vec-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  const char* search =
      R"({"TableName":"vec_t","IndexName":"vix","TopK":2,"SearchVector":[{"N":"1"},{"N":"0"}]})";
  {
    Db t(dir.string());
    EXPECT_EQ(t.call("CreateTable", R"({"TableName":"vec_t","BillingMode":"PAY_PER_REQUEST",
      "AttributeDefinitions":[{"AttributeName":"id","AttributeType":"S"}],
      "KeySchema":[{"AttributeName":"id","KeyType":"HASH"}],
      "VectorIndexes":[{"IndexName":"vix","VectorAttribute":{"AttributeName":"v"},"Dimensions":2,
        "DistanceFunction":"COSINE","Projection":{"ProjectionType":"KEYS_ONLY"}}]})")
                  .substr(0, 3),
              "{\"T");
    for (auto [id, v] : {std::pair{"a", "1\"},{\"N\":\"0"}, std::pair{"b", "0\"},{\"N\":\"1"}})
      t.call("PutItem", std::string(R"({"TableName":"vec_t","Item":{"id":{"S":")") + id +
                            R"("},"v":{"L":[{"N":")" + v + R"("}]}}})");
  }
  // The vector index's entries (table 1, index 1: docs/storage-format.md), deleted (drop) or counted.
  auto entries = [&](bool drop) {
    KvOptions ko;
    ko.path = (dir / "test.ddb").string();
    auto kv = std::move(open_kv(ko)).value();
    std::string prefix("\x01\x00\x00\x00\x01\x01\x00\x00\x00\x01", 10);
    WriteBatch b;
    size_t n = 0;
    EXPECT_TRUE(kv->scan(prefix, prefix + "\xff", false, [&](std::string_view k, std::string_view) {
                    b.del(std::string(k));
                    ++n;
                    return true;
                  }).ok());
    if (drop) {
      EXPECT_TRUE(kv->write(b).ok());
    }
    return n;
  };
  EXPECT_EQ(entries(true), 2U);
  {
    Db t(dir.string());
    EXPECT_EQ(
        t.call("SearchVectors", search),
        R"({"SearchResults":[{"Item":{"id":{"S":"a"}},"Score":0},{"Item":{"id":{"S":"b"}},"Score":1}]})");
    auto d = t.json("DescribeTable", R"({"TableName":"vec_t"})");
    EXPECT_EQ(d["Table"]["VectorIndexes"][0]["ItemCount"].GetInt(), 2);
  }
  EXPECT_EQ(entries(false), 2U);  // rebuilt and persisted again
  std::filesystem::remove_all(dir);
}

// member() takes a string_view: a name that is a part of a longer string is looked up by its length,
// not read on to the next NUL (which found "TableName" for "Table").
TEST(Json, MemberLooksUpANameByItsLength) {
  rapidjson::Document d;
  d.Parse(R"({"Table":1,"TableName":2})");
  std::string_view text = "TableName";
  const Json* m = member(d, text.substr(0, 5));
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(m->GetInt(), 1);
  EXPECT_EQ(member(d, text)->GetInt(), 2);
  EXPECT_EQ(member(d, text.substr(0, 4)), nullptr);
}
