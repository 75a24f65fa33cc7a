// Pattern D: reads the table's stream through the DynamoDB Streams API and, for the new message rows
// of each batch, moves both conversation rows to the newest message's time and text (MessagingService
// does the atomic, idempotent move; once per conversation and batch). Every record of every batch is
// processed; the position is checkpointed to a file (at most every 250 ms while records flow, at once
// when the worker has caught up, and when it stops), so a restart resumes where it stopped (replays
// are harmless).
// Thread-safety: run() on one thread; stop() from any.
#pragma once
#include <atomic>
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "client/dynamo_client.h"
#include "cruddur/messaging.h"

namespace cruddur {

struct StreamWorkerOptions {
  std::string checkpoint_path;  // file holding {"stream":ARN,"shard":ID,"sequence":N}; empty: none
  int poll_ms = 200;            // Default: 200 ms between empty polls.
  int batch = 100;              // Default: 100 records per GetRecords.
  // A record that still fails after max_attempts while the table answers is a poison record: it is
  // logged with its sequence number, appended (as one JSON line) to this file, and skipped.
  std::string dead_letter_path;  // empty: none (the record is still logged and skipped)
  int max_attempts = 5;          // Default: 5 tries of one record before it counts as poison.
  // Where to start: "" resumes after the checkpoint (TRIM_HORIZON when there is none);
  // "trim-horizon" replays everything kept; "latest" skips to new records.
  std::string start_from;
  // Called once per conversation with new messages in a batch of records, after its rows were moved
  // to the newest of them (group uuid, that message's sk, the uuids of the batch's senders there):
  // the cache's invalidation, unread counts and events. Also for replayed records.
  std::function<void(const std::string& group, const std::string& newest_sk,
                     const std::vector<std::string>& senders)>
      on_messages;
};

// The checkpoint file's content: {"stream":ARN,"shard":ID,"sequence":"digits"}.
struct Checkpoint {
  std::string stream, shard, sequence;
};
// Reads and validates the checkpoint at `path`: nullopt when there is none; an error naming the file
// and the way out (`cruddur stream-worker --from trim-horizon|latest`) when it is damaged.
ddb::Result<std::optional<Checkpoint>> read_checkpoint(const std::string& path);

class StreamWorker {
 public:
  StreamWorker(ddb::client::DynamoClient& ddb, MessagingService& service, StreamWorkerOptions options);
  // Finds the stream and where to resume, checking the checkpoint against the shard (an error named
  // BadCheckpoint says what is wrong and the way out). run() calls it too; callers that want to
  // refuse to start on a damaged checkpoint call it first.
  ddb::Status prepare();
  // Runs until stop(). Returns an error only if the table has no stream or the checkpoint is damaged.
  ddb::Status run();
  // Processes what is in the stream now and returns (for tests and the command line).
  ddb::Result<int> drain();
  void stop() { stop_ = true; }
  long long processed() const { return processed_; }

 private:
  // A conversation's new messages in one batch of records.
  struct GroupBatch {
    std::string group, newest_sk, text, sequence;  // the newest message: its sk, text and record
    const rapidjson::Value* record;
    std::vector<std::string> senders;
    bool skipped;  // its move was dead-lettered
  };
  static std::vector<GroupBatch> new_messages(const rapidjson::Value::ConstArray& records);
  ddb::Result<int> step(bool* idle);
  ddb::Status open_iterator();
  ddb::Status check_resume_point(const std::string& seq);
  void save_checkpoint();
  // Called when applying the record at `seq` failed: the error to return (retry later), or OK
  // when the record was dead-lettered and is to be skipped.
  ddb::Status on_record_failure(const std::string& seq, const rapidjson::Value& rec, ddb::Error e);
  ddb::client::DynamoClient& ddb_;
  MessagingService& service_;
  StreamWorkerOptions opt_;
  std::atomic<bool> stop_{false};
  std::atomic<long long> processed_{0};
  std::string stream_arn_, shard_id_, iterator_, last_sequence_;
  std::string failing_sequence_;  // the record that failed last, and how many times in a row
  int failures_ = 0;
  static constexpr auto kCheckpointEvery = std::chrono::milliseconds(250);
  bool unsaved_ = false;  // records processed since the last checkpoint
  std::chrono::steady_clock::time_point saved_at_{};
};

}  // namespace cruddur
