#include "cruddur/stream_worker.h"

#include <cstdio>
#include <fstream>
#include <sstream>
#include <thread>

#include "cruddur/json.h"

namespace cruddur {

using ddb::Error;
using ddb::Result;
using ddb::Status;

StreamWorker::StreamWorker(ddb::client::DynamoClient& ddb, MessagingService& service, StreamWorkerOptions options)
    : ddb_(ddb), service_(service), opt_(std::move(options)) {}

void StreamWorker::save_checkpoint() {
  if (opt_.checkpoint_path.empty() || last_sequence_.empty()) return;
  std::string tmp = opt_.checkpoint_path + ".tmp";
  {
    std::ofstream f(tmp, std::ios::trunc);
    f << Json().obj().kv("stream", stream_arn_).kv("shard", shard_id_).kv("sequence", last_sequence_).end_obj().take();
    f.flush();
  }
  std::rename(tmp.c_str(), opt_.checkpoint_path.c_str());
}

Status StreamWorker::open_iterator() {
  auto d = ddb_.op("DescribeTable", Json().obj().kv("TableName", service_.table()).end_obj().take());
  if (!d.ok()) return d.take_error();
  auto& t = (*d)["Table"];
  if (!t.HasMember("LatestStreamArn")) return Error{"NoStream", "table " + service_.table() + " has no stream", 500, {}};
  stream_arn_ = t["LatestStreamArn"].GetString();
  auto ds = ddb_.op("Streams.DescribeStream", Json().obj().kv("StreamArn", stream_arn_).end_obj().take());
  if (!ds.ok()) return ds.take_error();
  auto& shards = (*ds)["StreamDescription"]["Shards"];
  if (!shards.IsArray() || shards.Empty()) return Error{"NoShard", "stream has no shard", 500, {}};
  // One shard per stream here; on AWS the newest open shard of a small table.
  shard_id_ = shards[shards.Size() - 1]["ShardId"].GetString();
  std::string type = "TRIM_HORIZON", seq;
  if (!opt_.checkpoint_path.empty()) {
    std::ifstream f(opt_.checkpoint_path);
    std::stringstream ss;
    ss << f.rdbuf();
    rapidjson::Document cp;
    cp.Parse(ss.str().c_str());
    if (!cp.HasParseError() && cp.IsObject() && cp.HasMember("stream") && cp["stream"].IsString() &&
        stream_arn_ == cp["stream"].GetString() && cp.HasMember("shard") && shard_id_ == cp["shard"].GetString() &&
        cp.HasMember("sequence")) {
      type = "AFTER_SEQUENCE_NUMBER";
      seq = cp["sequence"].GetString();
      last_sequence_ = seq;
    }
  }
  Json g;
  g.obj().kv("StreamArn", stream_arn_).kv("ShardId", shard_id_).kv("ShardIteratorType", type);
  if (!seq.empty()) g.kv("SequenceNumber", seq);
  g.end_obj();
  auto it = ddb_.op("Streams.GetShardIterator", g.take());
  if (!it.ok()) {
    if (it.error().name() != "TrimmedDataAccessException") return it.take_error();
    // The checkpoint is older than the stream's retention: start from the oldest record.
    it = ddb_.op("Streams.GetShardIterator", Json().obj().kv("StreamArn", stream_arn_).kv("ShardId", shard_id_)
                                                  .kv("ShardIteratorType", "TRIM_HORIZON").end_obj().take());
    if (!it.ok()) return it.take_error();
  }
  iterator_ = (*it)["ShardIterator"].GetString();
  return Status::OK();
}

Result<int> StreamWorker::step(bool* idle) {
  if (iterator_.empty()) DDB_TRY(open_iterator());
  auto r = ddb_.op("Streams.GetRecords", Json().obj().kv("ShardIterator", iterator_).key("Limit").num(opt_.batch).end_obj().take());
  if (!r.ok()) {
    if (r.error().name() == "ExpiredIteratorException") { iterator_.clear(); *idle = false; return 0; }
    return r.take_error();
  }
  int n = 0;
  for (auto& rec : (*r)["Records"].GetArray()) {
    std::string seq = rec["dynamodb"]["SequenceNumber"].GetString();
    if (std::string(rec["eventName"].GetString()) == "INSERT" && rec["dynamodb"].HasMember("NewImage")) {
      auto& img = rec["dynamodb"]["NewImage"];
      std::string pk = attr_s(img, "pk");
      if (pk.rfind("MSG#", 0) == 0)
        DDB_TRY(service_.apply_message_to_conversations(pk.substr(4), attr_s(img, "sk"), attr_s(img, "message")));
    }
    last_sequence_ = seq;
    ++n;
    ++processed_;
  }
  if (n > 0) save_checkpoint();
  if (r->HasMember("NextShardIterator") && (*r)["NextShardIterator"].IsString()) iterator_ = (*r)["NextShardIterator"].GetString();
  else iterator_.clear();  // shard closed: look up the stream again
  *idle = n == 0;
  return n;
}

Result<int> StreamWorker::drain() {
  int total = 0;
  for (;;) {
    bool idle = false;
    auto n = step(&idle);
    if (!n.ok()) return n.take_error();
    total += *n;
    if (idle) return total;
  }
}

Status StreamWorker::run() {
  while (!stop_) {
    bool idle = false;
    auto n = step(&idle);
    if (!n.ok()) {
      if (n.error().name() == "NoStream") return n.take_error();
      std::fprintf(stderr, "cruddur stream-worker: %s: %s (retrying)\n", n.error().name().c_str(), n.error().message.c_str());
      iterator_.clear();
      std::this_thread::sleep_for(std::chrono::seconds(1));
      continue;
    }
    if (idle) std::this_thread::sleep_for(std::chrono::milliseconds(opt_.poll_ms));
  }
  return Status::OK();
}

}  // namespace cruddur
