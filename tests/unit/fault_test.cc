// Fault injection: a KvStore that fails on its Nth write or scan. Opening refuses a database that
// cannot be read whole; a failed write changes nothing anyone can see; nothing crashes. And the
// upgrade of a storage-format-1 database.
#include <unistd.h>

#include <atomic>
#include <filesystem>

#include <gtest/gtest.h>

#include "engine/engine.h"

using namespace ddb;

namespace {

// Wraps a store and fails the Nth call of one kind (0: never).
class FaultyKv final : public KvStore {
 public:
  FaultyKv(std::shared_ptr<KvStore> inner, int fail_write_at, int fail_scan_at)
      : inner_(std::move(inner)), fail_write_at_(fail_write_at), fail_scan_at_(fail_scan_at) {}
  bool get(std::string_view key, std::string* value) override { return inner_->get(key, value); }
  Status write(const WriteBatch& batch) override {
    if (++writes_ == fail_write_at_) return err::internal("injected write failure");
    return inner_->write(batch);
  }
  Status scan(std::string_view start, std::string_view end, bool reverse,
              const std::function<bool(std::string_view, std::string_view)>& fn) override {
    if (++scans_ == fail_scan_at_) {
      // Fail midway, as an iterator that hits a corrupt block would: some keys were visited.
      int n = 0;
      (void)inner_->scan(start, end, reverse,
                         [&](std::string_view k, std::string_view v) { return ++n <= 1 && fn(k, v); });
      return err::internal("injected read failure");
    }
    return inner_->scan(start, end, reverse, fn);
  }
  int scans() const { return scans_; }

 private:
  std::shared_ptr<KvStore> inner_;
  int fail_write_at_, fail_scan_at_;
  std::atomic<int> writes_{0}, scans_{0};
};

// Shares one MemKv between Database instances (each owns its KvStore).
class SharedKv final : public KvStore {
 public:
  explicit SharedKv(std::shared_ptr<KvStore> inner) : inner_(std::move(inner)) {}
  bool get(std::string_view key, std::string* value) override { return inner_->get(key, value); }
  Status write(const WriteBatch& batch) override { return inner_->write(batch); }
  Status scan(std::string_view s, std::string_view e, bool r,
              const std::function<bool(std::string_view, std::string_view)>& fn) override {
    return inner_->scan(s, e, r, fn);
  }

 private:
  std::shared_ptr<KvStore> inner_;
};

std::shared_ptr<KvStore> mem() {
  return std::shared_ptr<KvStore>(std::move(open_kv(KvOptions{})).value());
}

Result<std::string> call(Database& db, const std::string& op, const std::string& body) {
  rapidjson::Document d;
  d.Parse(body.c_str());
  return db.execute("DynamoDB_20120810." + op, d);
}

const char* kTable = R"({"TableName":"faults","BillingMode":"PAY_PER_REQUEST",
  "AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"},{"AttributeName":"g","AttributeType":"S"}],
  "KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}],
  "GlobalSecondaryIndexes":[{"IndexName":"gsi","KeySchema":[{"AttributeName":"g","KeyType":"HASH"}],"Projection":{"ProjectionType":"ALL"}}],
  "StreamSpecification":{"StreamEnabled":true,"StreamViewType":"NEW_IMAGE"}})";

std::shared_ptr<KvStore> populated() {
  auto store = mem();
  Database db(std::make_unique<SharedKv>(store), EngineOptions{});
  EXPECT_TRUE(db.open().ok());
  auto created = call(db, "CreateTable", kTable);
  EXPECT_TRUE(created.ok()) << created.error().message;
  for (int i = 0; i < 5; ++i)
    EXPECT_TRUE(
        call(db, "PutItem",
             R"({"TableName":"faults","Item":{"pk":{"S":"k)" + std::to_string(i) + R"("},"g":{"S":"x"}}})")
            .ok());
  return store;
}

long long item_count(Database& db) {
  auto r = call(db, "DescribeTable", R"({"TableName":"faults"})");
  EXPECT_TRUE(r.ok());
  rapidjson::Document d;
  d.Parse(r->c_str());
  return d["Table"]["ItemCount"].GetInt64();
}

}  // namespace

TEST(Faults, OpenRefusesADatabaseThatCannotBeReadWhole) {
  auto store = populated();
  // Count the scans a clean open makes, then fail each one in turn.
  auto probe = std::make_unique<FaultyKv>(store, 0, 0);
  auto* p = probe.get();
  Database clean(std::move(probe), EngineOptions{});
  ASSERT_TRUE(clean.open().ok());
  int scans = p->scans();
  ASSERT_GE(scans, 3);
  for (int n = 1; n <= scans; ++n) {
    Database db(std::make_unique<FaultyKv>(store, 0, n), EngineOptions{});
    auto st = db.open();
    ASSERT_FALSE(st.ok()) << "scan " << n;
    EXPECT_NE(st.error().message.find("injected read failure"), std::string::npos);
  }
}

// An open that fails part way saves no counts when the database closes: they would miss the tables it
// had not reached, which the next open would then take as empty.
TEST(Faults, AFailedOpenSavesNoCounts) {
  auto store = populated();
  auto probe = std::make_unique<FaultyKv>(store, 0, 0);
  auto* p = probe.get();
  int scans = 0;
  {
    Database clean(std::move(probe), EngineOptions{});
    ASSERT_TRUE(clean.open(true).ok());
    scans = p->scans();
  }
  std::string saved;
  ASSERT_TRUE(store->get(std::string("\0C", 2), &saved));  // a database opened whole saves them
  WriteBatch del;
  del.del(std::string("\0C", 2));
  ASSERT_TRUE(store->write(del).ok());
  ASSERT_GE(scans, 3);
  for (int n = 1; n <= scans; ++n) {
    {
      Database db(std::make_unique<FaultyKv>(store, 0, n), EngineOptions{});
      ASSERT_FALSE(db.open(true).ok()) << "scan " << n;
    }
    EXPECT_FALSE(store->get(std::string("\0C", 2), &saved)) << "scan " << n;
  }
}

TEST(Faults, AFailedWriteChangesNothingVisible) {
  auto store = populated();
  for (int n = 1; n <= 4; ++n) {
    Database db(std::make_unique<FaultyKv>(store, n, 0), EngineOptions{});
    ASSERT_TRUE(db.open().ok());
    long long before = item_count(db);
    // Writes until the injected failure hits one; every earlier one succeeded.
    for (int i = 0; i < n; ++i) {
      auto r = call(db, "PutItem",
                    R"({"TableName":"faults","Item":{"pk":{"S":"new)" + std::to_string(n) + "-" +
                        std::to_string(i) + R"("},"g":{"S":"y"}}})");
      if (i + 1 < n) {
        ASSERT_TRUE(r.ok());
        continue;
      }
      ASSERT_FALSE(r.ok());
      EXPECT_EQ(r.error().http_status, 500);
      EXPECT_EQ(item_count(db), before + i);  // counters moved only for the writes that landed
      auto got = call(db, "GetItem",
                      R"({"TableName":"faults","Key":{"pk":{"S":"new)" + std::to_string(n) + "-" +
                          std::to_string(i) + R"("}}})");
      ASSERT_TRUE(got.ok());
      EXPECT_EQ(*got, "{}");
    }
  }
}

TEST(Faults, AFailedUpdateTableLeavesTheIndexesAsTheyWere) {
  auto store = populated();
  Database db(std::make_unique<FaultyKv>(store, 1, 0), EngineOptions{});
  ASSERT_TRUE(db.open().ok());
  auto r = call(db, "UpdateTable",
                R"({"TableName":"faults","GlobalSecondaryIndexUpdates":[{"Delete":{"IndexName":"gsi"}}]})");
  ASSERT_FALSE(r.ok());
  auto q = call(db, "Query", R"({"TableName":"faults","IndexName":"gsi","KeyConditionExpression":"g = :g",
                                 "ExpressionAttributeValues":{":g":{"S":"x"}}})");
  ASSERT_TRUE(q.ok()) << q.error().message;
  EXPECT_NE(q->find("\"Count\":5"), std::string::npos) << *q;
}

TEST(Faults, AFailedScanIsAnErrorNotAPartialAnswer) {
  auto store = populated();
  // The open of a fresh database makes a known number of scans; fail the first one after it.
  auto counting = std::make_unique<FaultyKv>(store, 0, 0);
  auto* c = counting.get();
  Database count_db(std::move(counting), EngineOptions{});
  ASSERT_TRUE(count_db.open().ok());
  Database db(std::make_unique<FaultyKv>(store, 0, c->scans() + 1), EngineOptions{});
  ASSERT_TRUE(db.open().ok());
  auto r = call(db, "Scan", R"({"TableName":"faults"})");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().http_status, 500);
}

// A database written in storage format 1 (8-bit index ids right after the table prefix, no version
// key) opens upgraded: indexes rebuilt under format 2, nothing left in the old layout.
TEST(StorageFormat, Format1DatabaseIsUpgradedOnOpen) {
  auto store = populated();
  // Rewrite the format-2 database as format 1.
  WriteBatch down;
  std::string table(1, '\x01');
  ASSERT_TRUE(store
                  ->scan(table, std::string(1, '\x02'), false,
                         [&](std::string_view k, std::string_view v) {
                           if (k.size() > 10 && k[5] == '\x01') {  // 01 <be32 table> 01 <be32 index> ...
                             down.del(std::string(k));
                             down.put(std::string(k.substr(0, 5)) + k[9] + std::string(k.substr(10)),
                                      std::string(v));
                           }
                           return true;
                         })
                  .ok());
  down.del(std::string("\0V", 2));
  ASSERT_FALSE(down.empty());
  ASSERT_TRUE(store->write(down).ok());

  Database db(std::make_unique<SharedKv>(store), EngineOptions{});
  ASSERT_TRUE(db.open().ok());
  auto q = call(db, "Query", R"({"TableName":"faults","IndexName":"gsi","KeyConditionExpression":"g = :g",
                                 "ExpressionAttributeValues":{":g":{"S":"x"}}})");
  ASSERT_TRUE(q.ok()) << q.error().message;
  EXPECT_NE(q->find("\"Count\":5"), std::string::npos) << *q;
  std::string version;
  ASSERT_TRUE(store->get(std::string("\0V", 2), &version));
  EXPECT_EQ(version, "2");
  int old_layout = 0;
  ASSERT_TRUE(store
                  ->scan(table, std::string(1, '\x02'), false,
                         [&](std::string_view k, std::string_view) {
                           old_layout += k.size() > 5 && k[5] != '\x00' && k[5] != '\x01';
                           return true;
                         })
                  .ok());
  EXPECT_EQ(old_layout, 0);
  // Deleting the index afterwards leaves every item.
  ASSERT_TRUE(call(db, "UpdateTable",
                   R"({"TableName":"faults","GlobalSecondaryIndexUpdates":[{"Delete":{"IndexName":"gsi"}}]})")
                  .ok());
  EXPECT_EQ(item_count(db), 5);
  auto scan = call(db, "Scan", R"({"TableName":"faults"})");
  ASSERT_TRUE(scan.ok());
  EXPECT_NE(scan->find("\"Count\":5"), std::string::npos) << *scan;
}

// The counts a database saves when it closes (keep_counts) are taken at the next open instead of reading
// every item, but only if nothing was written since: a build that does not keep counts (or any other
// write) leaves them stale, and the next open counts again.
TEST(SavedCounts, AreTakenOnlyIfNothingWasWrittenSince) {
  auto dir = std::filesystem::temp_directory_path() / ("ddb-counts-test-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  auto open_store = [&] {
    KvOptions ko;
    ko.path = dir.string();
    ko.shard_bytes = 5;
    return std::move(open_kv(ko)).value();
  };
  auto put = [](Database& db, int i) {
    auto r =
        call(db, "PutItem",
             R"({"TableName":"faults","Item":{"pk":{"S":"k)" + std::to_string(i) + R"("},"g":{"S":"x"}}})");
    ASSERT_TRUE(r.ok()) << r.error().message;
  };
  {
    Database db(open_store(), EngineOptions{});
    ASSERT_TRUE(db.open(true).ok());
    ASSERT_TRUE(call(db, "CreateTable", kTable).ok());
    for (int i = 0; i < 5; ++i) put(db, i);
  }
  {
    auto store = open_store();
    std::string saved;
    ASSERT_TRUE(store->get(std::string("\0C", 2), &saved));  // saved on close
    Database db(std::move(store), EngineOptions{});
    ASSERT_TRUE(db.open().ok());  // a database that does not keep counts: the saved ones stay
    EXPECT_EQ(item_count(db), 5);
    put(db, 5);
  }
  {
    Database db(open_store(), EngineOptions{});
    ASSERT_TRUE(db.open(true).ok());
    EXPECT_EQ(item_count(db), 6);  // counted again: the saved 5 were stale
    put(db, 6);
  }
  {
    auto store = open_store();
    std::string saved;
    ASSERT_TRUE(store->get(std::string("\0C", 2), &saved));
    EXPECT_NE(saved.find(" 7 "), std::string::npos) << saved;  // the table's 7 items, saved on close
    Database db(std::move(store), EngineOptions{});
    ASSERT_TRUE(db.open(true).ok());
    EXPECT_EQ(item_count(db), 7);
    std::string left;
    EXPECT_FALSE(db.store().get(std::string("\0C", 2), &left));  // taken: a crash now cannot reuse them
  }
  std::filesystem::remove_all(dir);
}
