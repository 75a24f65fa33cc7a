#include "cruddur/stream_worker.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "cruddur/json.h"
#include "util/log.h"

namespace cruddur {

using ddb::Error;
using ddb::Result;
using ddb::Status;

StreamWorker::StreamWorker(ddb::client::DynamoClient& ddb, MessagingService& service,
                           StreamWorkerOptions options)
    : ddb_(ddb), service_(service), opt_(std::move(options)) {}

namespace {
Error bad_checkpoint(const std::string& path, const std::string& why) {
  return Error{"BadCheckpoint",
               path + " is damaged (" + why +
                   "). Choose where the stream worker resumes: `cruddur stream-worker --from trim-horizon` "
                   "replays every record kept (replays are harmless), `--from latest` skips to new records; "
                   "either replaces the file.",
               500,
               {}};
}
}  // namespace

Result<std::optional<Checkpoint>> read_checkpoint(const std::string& path) {
  std::ifstream f(path);
  if (!f) return std::optional<Checkpoint>();
  std::stringstream ss;
  ss << f.rdbuf();
  std::string text = ss.str();
  auto damaged = [&](const std::string& why) { return bad_checkpoint(path, why); };
  rapidjson::Document cp;
  cp.Parse<rapidjson::kParseIterativeFlag>(text.c_str(), text.size());
  if (cp.HasParseError() || !cp.IsObject()) return damaged("not a JSON object");
  Checkpoint c;
  for (auto [name, into] : {std::pair{"stream", &c.stream}, {"shard", &c.shard}, {"sequence", &c.sequence}}) {
    auto it = cp.FindMember(name);
    if (it == cp.MemberEnd() || !it->value.IsString() || it->value.GetStringLength() == 0)
      return damaged(std::string("\"") + name + "\" must be a non-empty string");
    into->assign(it->value.GetString(), it->value.GetStringLength());
  }
  // Sequence numbers are decimal digits, at most 40 of them (the Streams API's limit).
  if (c.sequence.size() > 40 || c.sequence.find_first_not_of("0123456789") != std::string::npos)
    return damaged("\"sequence\" must be up to 40 decimal digits");
  return std::optional<Checkpoint>(std::move(c));
}

void StreamWorker::save_checkpoint() {
  unsaved_ = false;
  saved_at_ = std::chrono::steady_clock::now();
  if (opt_.checkpoint_path.empty() || last_sequence_.empty()) return;
  // Atomically: a temporary file, fsynced, renamed over the old one, and the directory fsynced.
  std::string tmp = opt_.checkpoint_path + ".tmp";
  std::string text = Json()
                         .obj()
                         .kv("stream", stream_arn_)
                         .kv("shard", shard_id_)
                         .kv("sequence", last_sequence_)
                         .end_obj()
                         .take();
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) return;
  bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) && ::fsync(fd) == 0;
  ::close(fd);
  if (!ok || std::rename(tmp.c_str(), opt_.checkpoint_path.c_str()) != 0) return;
  std::string dir = std::filesystem::path(opt_.checkpoint_path).parent_path().string();
  int dfd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
}

Status StreamWorker::open_iterator() {
  auto d = ddb_.op("DescribeTable", Json().obj().kv("TableName", service_.table()).end_obj().take());
  if (!d.ok()) return d.take_error();
  stream_arn_ = str_of(member_of(*d, "Table"), "LatestStreamArn");
  if (stream_arn_.empty()) return Error{"NoStream", "table " + service_.table() + " has no stream", 500, {}};
  auto ds = ddb_.op("Streams.DescribeStream", Json().obj().kv("StreamArn", stream_arn_).end_obj().take());
  if (!ds.ok()) return ds.take_error();
  auto shards = array_of(member_of(*ds, "StreamDescription"), "Shards");
  // One shard per stream here; on AWS the newest open shard of a small table.
  shard_id_ = shards.Empty() ? std::string() : str_of(shards[shards.Size() - 1], "ShardId");
  if (shard_id_.empty()) return Error{"NoShard", "stream has no shard", 500, {}};
  std::string type = opt_.start_from == "latest" ? "LATEST" : "TRIM_HORIZON", seq;
  if (!opt_.checkpoint_path.empty() && opt_.start_from.empty()) {
    std::optional<Checkpoint> cp;
    DDB_ASSIGN(cp, read_checkpoint(opt_.checkpoint_path));
    // A checkpoint of another stream (the table was re-created) or shard starts from the oldest record.
    if (cp && cp->stream == stream_arn_ && cp->shard == shard_id_) {
      DDB_TRY(check_resume_point(cp->sequence));
      type = "AFTER_SEQUENCE_NUMBER";
      seq = cp->sequence;
      last_sequence_ = seq;
    }
  }
  if (!opt_.start_from.empty() && !opt_.checkpoint_path.empty()) std::remove(opt_.checkpoint_path.c_str());
  opt_.start_from.clear();  // a later reopen resumes from the (new) checkpoint
  Json g;
  g.obj().kv("StreamArn", stream_arn_).kv("ShardId", shard_id_).kv("ShardIteratorType", type);
  if (!seq.empty()) g.kv("SequenceNumber", seq);
  g.end_obj();
  auto it = ddb_.op("Streams.GetShardIterator", g.take());
  if (!it.ok()) {
    if (it.error().name() != "TrimmedDataAccessException") return it.take_error();
    // The checkpoint is older than the stream's retention: start from the oldest record.
    it = ddb_.op("Streams.GetShardIterator", Json()
                                                 .obj()
                                                 .kv("StreamArn", stream_arn_)
                                                 .kv("ShardId", shard_id_)
                                                 .kv("ShardIteratorType", "TRIM_HORIZON")
                                                 .end_obj()
                                                 .take());
    if (!it.ok()) return it.take_error();
  }
  iterator_ = str_of(*it, "ShardIterator");
  if (iterator_.empty()) return Error{"BadResponse", "GetShardIterator answered no ShardIterator", 503, {}};
  return Status::OK();
}

// The checkpoint names a record this worker processed, so reading the shard AT it finds that record
// (or, if it was trimmed, GetShardIterator says so and open_iterator starts from the oldest). Finding
// nothing at all means the sequence lies past the shard's newest record: resuming after it would
// silently skip every record to come, so the checkpoint is refused as damaged.
Status StreamWorker::check_resume_point(const std::string& seq) {
  auto it = ddb_.op("Streams.GetShardIterator", Json()
                                                    .obj()
                                                    .kv("StreamArn", stream_arn_)
                                                    .kv("ShardId", shard_id_)
                                                    .kv("ShardIteratorType", "AT_SEQUENCE_NUMBER")
                                                    .kv("SequenceNumber", seq)
                                                    .end_obj()
                                                    .take());
  if (!it.ok()) {
    if (it.error().name() == "TrimmedDataAccessException") return Status::OK();
    if (it.error().name() == "ValidationException")
      return bad_checkpoint(opt_.checkpoint_path, it.error().message);
    return it.take_error();
  }
  std::string iterator = str_of(*it, "ShardIterator");
  for (int page = 0; page < 3 && !iterator.empty(); ++page) {  // DynamoDB may answer an empty page first
    auto r = ddb_.op("Streams.GetRecords",
                     Json().obj().kv("ShardIterator", iterator).key("Limit").num(1).end_obj().take());
    if (!r.ok()) return r.take_error();
    if (!array_of(*r, "Records").Empty()) return Status::OK();
    iterator = str_of(*r, "NextShardIterator");
  }
  return bad_checkpoint(opt_.checkpoint_path,
                        "sequence " + seq + " lies past the newest record of " + shard_id_);
}

Status StreamWorker::prepare() {
  if (iterator_.empty()) return open_iterator();
  return Status::OK();
}

// The new message rows of a batch, by conversation, in the order conversations first appear.
std::vector<StreamWorker::GroupBatch> StreamWorker::new_messages(
    const rapidjson::Value::ConstArray& records) {
  std::vector<GroupBatch> out;
  for (auto& rec : records) {
    const auto& dyn = member_of(rec, "dynamodb");
    const auto& img = member_of(dyn, "NewImage");
    if (str_of(rec, "eventName") != "INSERT" || !img.IsObject()) continue;
    std::string pk = attr_s(img, "pk");
    if (pk.rfind("MSG#", 0) != 0) continue;
    std::string group = pk.substr(4), sk = attr_s(img, "sk"), sender = attr_s(img, "user_uuid");
    auto g = std::find_if(out.begin(), out.end(), [&](const GroupBatch& b) { return b.group == group; });
    if (g == out.end()) g = out.insert(out.end(), GroupBatch{group, {}, {}, {}, nullptr, {}, false});
    if (g->record == nullptr || sk > g->newest_sk) {
      g->newest_sk = sk;
      g->text = attr_s(img, "message");
      g->sequence = str_of(dyn, "SequenceNumber");
      g->record = &rec;
    }
    if (std::find(g->senders.begin(), g->senders.end(), sender) == g->senders.end())
      g->senders.push_back(sender);
  }
  return out;
}

Result<int> StreamWorker::step(bool* idle) {
  if (iterator_.empty()) DDB_TRY(open_iterator());
  auto r = ddb_.op("Streams.GetRecords",
                   Json().obj().kv("ShardIterator", iterator_).key("Limit").num(opt_.batch).end_obj().take());
  if (!r.ok()) {
    if (r.error().name() == "ExpiredIteratorException") {
      iterator_.clear();
      *idle = false;
      return 0;
    }
    return r.take_error();
  }
  const auto& records = array_of(*r, "Records");
  std::vector<std::string> sequences;  // checked before anything is applied
  sequences.reserve(records.Size());
  for (auto& rec : records) {
    sequences.push_back(str_of(member_of(rec, "dynamodb"), "SequenceNumber"));
    if (sequences.back().empty())
      return Error{"BadResponse", "a stream record without a SequenceNumber", 503, {}};
  }
  // Each conversation's rows move once per batch, to its newest message there: moving them through
  // every older one first would end in the same place (the worker catches up under load in a few
  // batches instead of one move per message). A move that fails retries the whole batch from the
  // last checkpoint (replays are harmless); one that keeps failing is dead-lettered and skipped.
  auto groups = new_messages(records);
  for (auto& g : groups) {
    auto applied = service_.apply_message_to_conversations(g.group, g.newest_sk, g.text);
    if (!applied.ok()) {
      if (unsaved_) save_checkpoint();  // the batches before this one are done
      DDB_TRY(on_record_failure(g.sequence, *g.record, applied.take_error()));
      g.skipped = true;
    }
  }
  for (auto& g : groups)
    if (!g.skipped && opt_.on_messages) opt_.on_messages(g.group, g.newest_sk, g.senders);
  for (auto& seq : sequences)
    if (seq == failing_sequence_) failures_ = 0;
  int n = static_cast<int>(sequences.size());
  if (n > 0) last_sequence_ = sequences.back();
  processed_ += n;
  // Checkpointed (an fsync and a rename) at most every kCheckpointEvery while records flow, and as
  // soon as the worker has caught up: a crash replays at most that much, which is harmless.
  if (n > 0) unsaved_ = true;
  if (unsaved_ && (n == 0 || std::chrono::steady_clock::now() - saved_at_ >= kCheckpointEvery))
    save_checkpoint();
  iterator_ = str_of(*r, "NextShardIterator");  // empty: shard closed, look up the stream again
  *idle = n == 0;
  return n;
}

Status StreamWorker::on_record_failure(const std::string& seq, const rapidjson::Value& rec, Error e) {
  failures_ = seq == failing_sequence_ ? failures_ + 1 : 1;
  failing_sequence_ = seq;
  if (failures_ < opt_.max_attempts) return e;
  // Is it the record or the service? Only a record that fails while the table answers is poison.
  auto probe = ddb_.op("DescribeTable", Json().obj().kv("TableName", service_.table()).end_obj().take());
  if (!probe.ok()) return e;
  spdlog::error("stream worker: skipping record {} after {} attempts: {}: {}{}", seq, failures_, e.name(),
                e.message, opt_.dead_letter_path.empty() ? "" : " (kept in " + opt_.dead_letter_path + ")");
  if (!opt_.dead_letter_path.empty()) {
    std::ofstream f(opt_.dead_letter_path, std::ios::app);
    f << Json()
             .obj()
             .kv("sequence", seq)
             .kv("error", e.name())
             .kv("message", e.message)
             .key("record")
             .raw(to_json(rec))
             .end_obj()
             .take()
      << "\n";
  }
  failures_ = 0;
  return Status::OK();
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
      if (n.error().name() == "NoStream" || n.error().name() == "BadCheckpoint") return n.take_error();
      spdlog::warn("stream worker: {}: {} (retrying)", n.error().name(), n.error().message);
      if (unsaved_) save_checkpoint();  // the batches before the failure are done
      iterator_.clear();
      std::this_thread::sleep_for(std::chrono::seconds(1));
      continue;
    }
    if (idle) std::this_thread::sleep_for(std::chrono::milliseconds(opt_.poll_ms));
  }
  if (unsaved_) save_checkpoint();
  return Status::OK();
}

}  // namespace cruddur
