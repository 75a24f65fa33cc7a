// The messaging service with week 5's cache in front, and live events: what the API calls.
//  - Cache-aside for the newest page of GET /api/message_groups and GET /api/messages/<group>, and
//    for a conversation's participants (they never change). Every page is stored tagged with its
//    key's generation; the write path and the stream worker bump the generation, so a page stored
//    by a read that raced an invalidation is never served: a cached read is never staler than the
//    stream worker's lag.
//  - Unread counters (unread.h): reading the newest page of a conversation clears its count.
//  - Events (events.h): "message" to every participant when a message is posted, "groups" when the
//    stream worker moved the conversation rows, "counter" when a user's unread counts changed.
// Without a cache (--cache-url none) every read goes to DynamoDB. A cache error is a miss.
#pragma once
#include <atomic>
#include <functional>
#include <string>
#include <vector>

#include "cruddur/cache.h"
#include "cruddur/events.h"
#include "cruddur/messaging.h"
#include "cruddur/unread.h"

namespace cruddur {

struct CacheStats {
  std::atomic<long long> hits{0}, misses{0};
};

class CachedMessaging {
 public:
  CachedMessaging(MessagingService& service, UnreadCounters& unread, EventHub& events, Cache* cache)
      : service_(service), unread_(unread), events_(events), cache_(cache) {}

  Outcome<Page> list_groups(const User& me, int limit, const std::string& cursor);
  // A page of a conversation; the newest page (no cursor) also marks it read.
  Outcome<Page> list_messages(const User& me, const std::string& group, int limit, const std::string& cursor);
  Outcome<SentMessage> send(const User& me, const SendRequest& r);
  Outcome<UnreadCounts> counter(const User& me);
  // POST /api/messages/<group>/read: read up to the newest message.
  Outcome<UnreadCounts> mark_read(const User& me, const std::string& group);

  // Short-lived tokens for GET /api/events (EventSource cannot send an Authorization header).
  ddb::Result<std::string> events_token(const User& me);
  ddb::Result<std::string> events_user(const std::string& token);  // the user uuid, or an error
  static constexpr int kEventsTokenSeconds = 60;

  // The stream worker applied the message at `sk` of `group`, from `sender`.
  void on_stream_messages(const std::string& group, const std::string& newest_sk,
                          const std::vector<std::string>& senders);

  Cache* cache() const { return cache_; }
  const CacheStats& stats() const { return stats_; }

 private:
  ddb::Result<std::vector<std::string>> members(const std::string& group);
  Outcome<Page> cached_page(const std::string& key, int limit, const std::function<Outcome<Page>()>& load);
  void invalidate(const std::string& key);
  void publish_counts(const std::string& user);
  MessagingService& service_;
  UnreadCounters& unread_;
  EventHub& events_;
  Cache* cache_;
  CacheStats stats_;
};

// The JSON of a page in the cache, and back (false: not a page).
std::string encode_page(const Page& p);
bool decode_page(const std::string& text, Page* p);
std::string counts_json(const UnreadCounts& c);
// A sent message's members as the API shows them: uuid, display_name, handle, message, created_at.
void sent_fields(Json& j, const SentMessage& m);

}  // namespace cruddur
