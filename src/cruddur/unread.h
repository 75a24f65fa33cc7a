// Unread messages per user and conversation. The truth lives in DynamoDB: a last-read row per user
// and conversation (pk READ#<user uuid>, sk <group uuid>, last_read_at; no message_group_uuid, so
// it stays out of the GSI), and the messages themselves. The cache holds the counts as one hash per
// user ("unr:<user>": group -> count, "m:<group>" -> the newest message the count has seen); a cold
// cache recomputes them. The stream worker recounts a conversation for its other participants when
// a message arrives (recounting from DynamoDB, so a replayed record never counts twice), and a
// read clears it; the marks decide which of two racing updates wins.
#pragma once
#include <map>
#include <string>
#include <vector>

#include "client/dynamo_client.h"
#include "cruddur/cache.h"
#include "cruddur/messaging.h"

namespace cruddur {

struct UnreadCounts {
  long long total = 0;
  std::map<std::string, long long> groups;  // the conversations with unread messages
};

class UnreadCounters {
 public:
  // `cache` may be null: counts are then recomputed from DynamoDB on every call.
  UnreadCounters(ddb::client::DynamoClient& ddb, MessagingService& service, Cache* cache)
      : ddb_(ddb), service_(service), cache_(cache) {}

  ddb::Result<UnreadCounts> counts(const std::string& user);
  // `user` has read `group` up to its message at `newest_sk`. True: that changed something.
  ddb::Result<bool> mark_read(const std::string& user, const std::string& group,
                              const std::string& newest_sk);
  // The message at `sk` from `sender` arrived in `group`: recounts it for the other `members`, and
  // returns them (their count may have changed).
  ddb::Result<std::vector<std::string>> on_message(const std::string& group, const std::string& sk,
                                                   const std::string& sender,
                                                   const std::vector<std::string>& members);

 private:
  ddb::Result<std::string> last_read(const std::string& user, const std::string& group);
  ddb::Result<std::map<std::string, std::string>> last_reads(const std::string& user);
  ddb::Result<long long> count_after(const std::string& user, const std::string& group,
                                     const std::string& after);
  ddb::Result<UnreadCounts> recompute(const std::string& user);
  ddb::client::DynamoClient& ddb_;
  MessagingService& service_;
  Cache* cache_;
};

// The counts of a cached hash (fields "<group>" -> n; "m:<group>" marks are skipped).
UnreadCounts counts_of(const std::map<std::string, std::string>& hash);

}  // namespace cruddur
