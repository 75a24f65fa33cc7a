// The messaging service: access patterns A, B, C and C' of MESSAGING.md on the single-table design,
// reaching DynamoDB only through a DynamoClient. No HTTP here: the API layer maps results to status
// codes. Thread-safety: safe for concurrent use (state lives in DynamoDB and the directory).
#pragma once
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "client/dynamo_client.h"
#include "cruddur/directory.h"

namespace cruddur {

inline constexpr const char* kDemoGroup =
    "5ae290ed-55d1-47a0-bc6d-fe2bc2700399";  // the original seed's group uuid

struct Row {  // one entry of a list answer
  std::string uuid, display_name, handle, message, created_at;
};

struct Page {
  std::vector<Row> rows;
  std::string next_cursor;  // empty: no older page
};

// Outcome of a call: ok, or an HTTP-ish failure with the body the API returns.
struct Failure {
  int status;                      // 400, 403, 404, 422, 503
  std::vector<std::string> codes;  // 422: every failing validation code
  std::string message;
};

// DynamoDB or the directory failed (unreachable, throttled, a malformed answer): 503. The message
// names the cause for the operator's log; the API does not show it to clients.
Failure service_failure(const ddb::Error& e);

template <class T>
struct Outcome {
  std::optional<T> value;
  std::optional<Failure> failure;
  static Outcome ok(T v) {
    Outcome o;
    o.value = std::move(v);
    return o;
  }
  static Outcome fail(const Failure& f) {
    Outcome o;
    o.failure = f;
    return o;
  }
};

struct SendRequest {
  std::optional<std::string> message, message_group_uuid, handle;
};

struct SentMessage {
  std::string message_group_uuid, uuid, display_name, handle, message, created_at;
  std::vector<std::string> members;  // the conversation's participants (user uuids)
  bool new_conversation = false;     // this message started it (its conversation rows were written too)
};

// Validates a send request: returns all failing codes (empty when valid). Pure.
std::vector<std::string> validate_send(const SendRequest& r, const User& sender);
// Counts Unicode code points of UTF-8 text.
size_t utf8_length(const std::string& s);

class MessagingService {
 public:
  MessagingService(ddb::client::DynamoClient& ddb, UserDirectory& users, std::string table);

  Outcome<Page> list_groups(const User& me, int limit, const std::string& cursor);
  Outcome<Page> list_messages(const User& me, const std::string& group, int limit, const std::string& cursor);
  // The participants of a conversation (user uuids; empty: no such conversation).
  using MembersOf = std::function<ddb::Result<std::vector<std::string>>(const std::string& group)>;
  // `members_of` looks up a conversation's participants (a cache, say); default: group_members().
  Outcome<SentMessage> send(const User& me, const SendRequest& r, const MembersOf& members_of = {});
  // A page of a conversation, oldest to newest within the page, without the participant check.
  Outcome<Page> messages_page(const std::string& group, int limit, const std::string& cursor);
  // The participants of a conversation (user uuids; empty: no such conversation).
  ddb::Result<std::vector<std::string>> group_members(const std::string& group);

  // Pattern D for one new message row: moves both conversation rows of its group to (sk, message)
  // unless they are already there or newer. Idempotent. Used by the stream worker.
  ddb::Status apply_message_to_conversations(const std::string& group, const std::string& sk,
                                             const std::string& message);

  // Schema and demo data (also used by the commands).
  ddb::Status create_table(bool if_missing);
  // The demo conversation between @andrewbrown and @bayko: 100 messages a minute apart, ending now.
  // Idempotent: false (nothing written) when the conversation already has messages.
  ddb::Result<bool> seed_demo(const std::vector<User>& users);

  const std::string& table() const { return table_; }

 private:
  ddb::Result<rapidjson::Document> conversation_rows(const std::string& group);
  Outcome<Page> query_page(const std::string& pk, int limit, const std::string& cursor,
                           Row (*row_of)(const rapidjson::Value&));
  Outcome<SentMessage> post_to_group(const User& me, const std::string& group, const std::string& text,
                                     const MembersOf& members_of);
  ddb::Result<std::string> put_message_row(const std::string& group, const User& sender,
                                           const std::string& text, std::string* message_uuid);
  ddb::client::DynamoClient& ddb_;
  UserDirectory& users_;
  std::string table_;
};

std::string pair_key(const std::string& a, const std::string& b);

class Json;
// The items of the row kinds (MESSAGING.md), written as a JSON object into `j` (after its "Item"
// key): a message of `sender` in `group`, and the conversation row of `owner` with `other`.
void message_item(Json& j, const std::string& group, const std::string& sk, const std::string& uuid,
                  const std::string& text, const User& sender);
void conversation_item(Json& j, const User& owner, const User& other, const std::string& group,
                       const std::string& sk, const std::string& text);

}  // namespace cruddur
