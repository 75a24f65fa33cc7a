// Unread messages per user and conversation. The truth lives in DynamoDB: a last-read row per user
// and conversation (pk READ#<user uuid>, sk <group uuid>, last_read_at; no message_group_uuid, so
// it stays out of the GSI), and the messages themselves. The cache holds the counts as one hash per
// user ("unr:<user>": group -> count, "m:<group>" -> the newest message the count has seen); a cold
// cache recomputes them. When a message arrives the stream worker adds the messages newer than the
// mark (read from DynamoDB, usually just that one; a replayed record is not newer, so it never
// counts twice), and a read clears the count; every update is a compare-and-set on the mark.
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
  // Messages up to `sk` from `senders` arrived in `group`: recounts them for the `members` (all but
  // a lone sender), and returns those (their count may have changed).
  ddb::Result<std::vector<std::string>> on_messages(const std::string& group, const std::string& sk,
                                                    const std::vector<std::string>& senders,
                                                    const std::vector<std::string>& members);

 private:
  ddb::Result<std::string> last_read(const std::string& user, const std::string& group);
  ddb::Result<std::map<std::string, std::string>> last_reads(const std::string& user);
  ddb::Result<UnreadCounts> recompute(const std::string& user);
  struct Span {
    long long count = 0;  // messages of others
    std::string newest;   // the newest sk seen ("" : none)
  };
  ddb::Result<Span> count_between(const std::string& user, const std::string& group, const std::string& after,
                                  const std::string& upto);
  bool clear_cached(const std::string& user, const std::string& group, const std::string& read);
  ddb::client::DynamoClient& ddb_;
  MessagingService& service_;
  Cache* cache_;
};

// The counts of a cached hash (fields "<group>" -> n; "m:<group>" marks are skipped).
UnreadCounts counts_of(const std::map<std::string, std::string>& hash);

}  // namespace cruddur
