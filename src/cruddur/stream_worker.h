// Pattern D: reads the table's stream through the DynamoDB Streams API and, for each new message
// row, moves both conversation rows to the message's time and text (MessagingService does the
// atomic, idempotent move). Every record of every batch is processed; the position is checkpointed
// to a file after each batch, so a restart resumes where it stopped (replays are harmless).
// Thread-safety: run() on one thread; stop() from any.
#pragma once
#include <atomic>
#include <string>

#include "client/dynamo_client.h"
#include "cruddur/messaging.h"

namespace cruddur {

struct StreamWorkerOptions {
  std::string checkpoint_path;  // file holding {"stream":ARN,"shard":ID,"sequence":N}; empty: none
  int poll_ms = 200;            // Default: 200 ms between empty polls.
  int batch = 100;              // Default: 100 records per GetRecords.
};

class StreamWorker {
 public:
  StreamWorker(ddb::client::DynamoClient& ddb, MessagingService& service, StreamWorkerOptions options);
  // Runs until stop(). Returns an error only if the table has no stream.
  ddb::Status run();
  // Processes what is in the stream now and returns (for tests and the command line).
  ddb::Result<int> drain();
  void stop() { stop_ = true; }
  long long processed() const { return processed_; }

 private:
  ddb::Result<int> step(bool* idle);
  ddb::Status open_iterator();
  void save_checkpoint();
  ddb::client::DynamoClient& ddb_;
  MessagingService& service_;
  StreamWorkerOptions opt_;
  std::atomic<bool> stop_{false};
  std::atomic<long long> processed_{0};
  std::string stream_arn_, shard_id_, iterator_, last_sequence_;
};

}  // namespace cruddur
