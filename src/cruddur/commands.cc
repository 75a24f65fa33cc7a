#include "cruddur/commands.h"

#include <atomic>
#include <filesystem>
#include <iostream>
#include <thread>

#include "auth/jwt.h"
#include "client/dynamo_client.h"
#include "cruddur/cached.h"
#include "cruddur/json.h"
#include "cruddur/signals.h"
#include "cruddur/stream_worker.h"
#include "util/log.h"

namespace cruddur {

using ddb::Error;
using ddb::Result;
using ddb::Status;

namespace {

std::string endpoint_or_local(const Config& cfg) {
  return cfg.ddb_endpoint.empty() ? "http://localhost:8000" : cfg.ddb_endpoint;
}

std::string data_path(const Config& cfg, const char* name) {
  return (std::filesystem::absolute(cfg.data_dir) / name).lexically_normal().string();
}

Result<std::unique_ptr<UserDirectory>> directory(const Config& cfg) {
  std::filesystem::create_directories(cfg.data_dir);
  return open_directory(cfg.connection_url, data_path(cfg, "users.sqlite3"));
}

int report(const Error& e) {
  std::cerr << "cruddur: " << (e.name().empty() ? "" : e.name() + ": ") << e.message << "\n";
  return 1;
}

std::string show_value(const rapidjson::Value& av) {
  if (!av.IsObject() || av.MemberCount() != 1) return to_json(av);
  auto m = av.MemberBegin();
  if (m->value.IsString()) return m->value.GetString();
  return to_json(m->value);
}

// Follows every page of a Query or Scan; calls fn for each item.
Status each_item(ddb::client::DynamoClient& c, const char* op, const std::string& request_without_start,
                 const std::function<void(const rapidjson::Value&)>& fn) {
  std::string start;
  for (;;) {
    std::string body = request_without_start;
    if (!start.empty()) body.insert(body.size() - 1, ",\"ExclusiveStartKey\":" + start);
    auto r = c.op(op, body);
    if (!r.ok()) return r.take_error();
    for (auto& item : array_of(*r, "Items")) fn(item);
    const auto& last = member_of(*r, "LastEvaluatedKey");
    if (!last.IsObject()) return Status::OK();
    std::string next = to_json(last);
    if (next == start)
      return Error{"BadResponse", std::string(op) + " answered the same LastEvaluatedKey twice", 1, {}};
    start = next;
  }
}

// A command's outcome: `text` for people, or with --json the JSON object `json`.
int emit(const Config& cfg, const std::string& text, const std::string& json) {
  std::cout << (cfg.json ? json : text) << "\n";
  return 0;
}

int print_items(const Config& cfg, const std::vector<std::string>& cols,
                const std::vector<std::string>& json_items,
                const std::vector<std::vector<std::string>>& rows) {
  if (cfg.json) {
    std::cout << "[";
    for (size_t i = 0; i < json_items.size(); ++i) std::cout << (i ? ",\n " : "") << json_items[i];
    std::cout << "]\n";
  } else {
    std::cout << text_table(cols, rows);
  }
  return 0;
}

// What every `cruddur ddb` command works with.
struct DdbContext {
  const Config& cfg;
  ddb::client::DynamoClient& client;
  UserDirectory& dir;
  MessagingService& service;
};

int ddb_schema_load(const DdbContext& x) {
  if (auto st = x.service.create_table(false); !st.ok()) return report(st.error());
  return emit(x.cfg, "created table " + x.cfg.table + " at " + x.client.describe(),
              Json().obj().kv("table", x.cfg.table).key("created").boolean(true).end_obj().take());
}

int ddb_seed(const DdbContext& x) {
  auto users = x.dir.all();
  if (!users.ok()) return report(users.error());
  std::vector<User> list = !users->empty() ? *users : seed_users();
  auto seeded = x.service.seed_demo(list);
  if (!seeded.ok()) return report(seeded.error());
  std::string text =
      *seeded
          ? "seeded the demo conversation between @andrewbrown and @bayko (100 messages) into " + x.cfg.table
          : "the demo conversation is already in " + x.cfg.table +
                "; nothing changed (drop the table to seed it afresh)";
  return emit(x.cfg, text,
              Json()
                  .obj()
                  .kv("table", x.cfg.table)
                  .kv("group", kDemoGroup)
                  .key("seeded")
                  .boolean(*seeded)
                  .key("messages")
                  .num(*seeded ? 100 : 0)
                  .end_obj()
                  .take());
}

int ddb_list_tables(const DdbContext& x) {
  std::vector<std::string> names, js;
  std::string start;
  for (;;) {
    Json q;
    q.obj();
    if (!start.empty()) q.kv("ExclusiveStartTableName", start);
    q.end_obj();
    auto r = x.client.op("ListTables", q.take());
    if (!r.ok()) return report(r.error());
    for (auto& n : array_of(*r, "TableNames"))
      if (n.IsString()) names.emplace_back(n.GetString());
    std::string next = str_of(*r, "LastEvaluatedTableName");
    if (next.empty() || next == start) break;  // the last page (or a server that would loop us)
    start = next;
  }
  std::vector<std::vector<std::string>> rows;
  for (auto& n : names) {
    rows.push_back({n});
    js.push_back("\"" + n + "\"");
  }
  return print_items(x.cfg, {"TableName"}, js, rows);
}

int ddb_describe_table(const DdbContext& x) {
  std::string name = x.cfg.operand.empty() ? x.cfg.table : x.cfg.operand;
  auto r = x.client.op("DescribeTable", Json().obj().kv("TableName", name).end_obj().take());
  if (!r.ok()) return report(r.error());
  const auto& t = member_of(*r, "Table");
  if (!t.IsObject()) return report(Error{"BadResponse", "DescribeTable answered without a Table", 1, {}});
  if (x.cfg.json) {
    std::cout << to_json(t) << "\n";
    return 0;
  }
  std::vector<std::vector<std::string>> rows = {
      {"TableName", str_of(t, "TableName")},
      {"TableStatus", str_of(t, "TableStatus")},
      {"ItemCount", std::to_string(int_of(t, "ItemCount"))},
      {"TableSizeBytes", std::to_string(int_of(t, "TableSizeBytes"))},
      {"TableArn", str_of(t, "TableArn")}};
  if (member_of(t, "LatestStreamArn").IsString())
    rows.push_back({"LatestStreamArn", str_of(t, "LatestStreamArn")});
  for (auto& g : array_of(t, "GlobalSecondaryIndexes"))
    rows.push_back({"GlobalSecondaryIndex", str_of(g, "IndexName")});
  std::cout << text_table({"Property", "Value"}, rows);
  return 0;
}

int ddb_drop(const DdbContext& x) {
  const std::string& name = x.cfg.operand;
  auto r = x.client.op("DeleteTable", Json().obj().kv("TableName", name).end_obj().take());
  if (!r.ok()) return report(r.error());
  return emit(x.cfg, "deleted table " + name,
              Json().obj().kv("table", name).key("deleted").boolean(true).end_obj().take());
}

int ddb_scan(const DdbContext& x) {
  std::vector<std::string> js;
  std::vector<std::vector<std::string>> rows;
  auto st = each_item(
      x.client, "Scan", Json().obj().kv("TableName", x.cfg.table).end_obj().take(),
      [&](const rapidjson::Value& it) {
        js.push_back(to_json(it));
        std::string msg = member_of(it, "message").IsNull() ? "" : show_value(member_of(it, "message"));
        rows.push_back({show_value(member_of(it, "pk")), show_value(member_of(it, "sk")), msg});
      });
  if (!st.ok()) return report(st.error());
  return print_items(x.cfg, {"pk", "sk", "message"}, js, rows);
}

int ddb_get_conversation(const DdbContext& x) {
  std::string group = x.cfg.operand.empty() ? kDemoGroup : x.cfg.operand;
  std::vector<std::string> js;
  std::vector<std::vector<std::string>> rows;
  Json q;
  q.obj()
      .kv("TableName", x.cfg.table)
      .kv("KeyConditionExpression", "pk = :pk")
      .key("ExpressionAttributeValues")
      .obj()
      .s(":pk", "MSG#" + group)
      .end_obj()
      .key("ScanIndexForward")
      .boolean(true)
      .end_obj();
  auto st = each_item(x.client, "Query", q.take(), [&](const rapidjson::Value& it) {
    js.push_back(to_json(it));
    rows.push_back({attr_s(it, "sk"), "@" + attr_s(it, "user_handle"), attr_s(it, "message")});
  });
  if (!st.ok()) return report(st.error());
  return print_items(x.cfg, {"created_at", "from", "message"}, js, rows);
}

int ddb_list_conversations(const DdbContext& x) {
  std::string handle = x.cfg.operand.empty() ? "andrewbrown" : x.cfg.operand;
  if (!handle.empty() && handle[0] == '@') handle = handle.substr(1);
  auto u = x.dir.by_handle(handle);
  if (!u.ok()) return report(u.error());
  if (!*u) return report(Error{"", "no user with handle " + handle, 1, {}});
  std::vector<std::string> js;
  std::vector<std::vector<std::string>> rows;
  Json q;
  q.obj()
      .kv("TableName", x.cfg.table)
      .kv("KeyConditionExpression", "pk = :pk")
      .key("ExpressionAttributeValues")
      .obj()
      .s(":pk", "GRP#" + (*u)->uuid)
      .end_obj()
      .key("ScanIndexForward")
      .boolean(false)
      .end_obj();
  auto st = each_item(x.client, "Query", q.take(), [&](const rapidjson::Value& it) {
    js.push_back(to_json(it));
    rows.push_back({attr_s(it, "message_group_uuid"), "@" + attr_s(it, "user_handle"), attr_s(it, "sk"),
                    attr_s(it, "message")});
  });
  if (!st.ok()) return report(st.error());
  return print_items(x.cfg, {"message_group_uuid", "with", "last_message_at", "message"}, js, rows);
}

int ddb_command(const Config& cfg) {
  const std::string& sub = cfg.args[1];
  auto client = ddb::client::make_http_client(endpoint_or_local(cfg), cfg.region);
  auto dir = directory(cfg);
  if (!dir.ok()) return report(dir.error());
  MessagingService service(*client, **dir, cfg.table);
  static const std::map<std::string, int (*)(const DdbContext&)> commands = {
      {"schema-load", ddb_schema_load},
      {"seed", ddb_seed},
      {"list-tables", ddb_list_tables},
      {"describe-table", ddb_describe_table},
      {"drop", ddb_drop},
      {"scan", ddb_scan},
      {"get-conversation", ddb_get_conversation},
      {"list-conversations", ddb_list_conversations},
  };
  auto it = commands.find(sub);
  if (it == commands.end())
    return report(Error{"", "unknown ddb command: " + sub, 2, {}});  // parse_config knows them all
  return it->second(DdbContext{cfg, *client, **dir, service});
}

std::unique_ptr<ddb::client::DynamoClient> cognito_client(const Config& cfg) {
  ddb::client::HttpClientOptions o;
  o.endpoint = cfg.cognito_endpoint.empty() ? "https://cognito-idp." + cfg.region + ".amazonaws.com/"
                                            : cfg.cognito_endpoint;
  o.region = cfg.region;
  o.service = "cognito-idp";
  o.target_content_type = "application/x-amz-json-1.1";
  if (const char* k = std::getenv("AWS_ACCESS_KEY_ID")) o.access_key = k;
  if (const char* s = std::getenv("AWS_SECRET_ACCESS_KEY")) o.secret_key = s;
  if (const char* t = std::getenv("AWS_SESSION_TOKEN")) o.session_token = t;
  return std::make_unique<ddb::client::HttpClient>(o);
}

// Every user of the pool, following PaginationToken. Each: username, sub, preferred_username, email.
Result<std::vector<std::map<std::string, std::string>>> cognito_users(const Config& cfg) {
  if (cfg.user_pool_id.empty())
    return Error{"", "AWS_COGNITO_USER_POOL_ID (or --user-pool-id) is not set", 2, {}};
  auto c = cognito_client(cfg);
  std::vector<std::map<std::string, std::string>> out;
  std::string token;
  for (;;) {
    Json q;
    q.obj().kv("UserPoolId", cfg.user_pool_id).key("Limit").num(60);
    if (!token.empty()) q.kv("PaginationToken", token);
    q.end_obj();
    auto r = c->call("AWSCognitoIdentityProviderService.ListUsers", q.take());
    if (!r.ok()) return r.take_error();
    for (auto& u : array_of(*r, "Users")) {
      std::map<std::string, std::string> m;
      m["username"] = str_of(u, "Username");
      for (auto& a : array_of(u, "Attributes"))
        if (member_of(a, "Name").IsString()) m[str_of(a, "Name")] = str_of(a, "Value");
      out.push_back(std::move(m));
    }
    if (!r->HasMember("PaginationToken") || !(*r)["PaginationToken"].IsString()) break;
    std::string next = str_of(*r, "PaginationToken");
    if (next.empty() || next == token) break;
    token = next;
  }
  return out;
}

int db_command(const Config& cfg) {
  const std::string& sub = cfg.args[1];
  auto dir = directory(cfg);
  if (!dir.ok()) return report(dir.error());
  auto& users = **dir;
  Json j;
  j.obj().kv("directory", users.describe());
  std::string text;
  if (sub == "schema-load" || sub == "setup") {
    if (auto st = users.schema_load(); !st.ok()) return report(st.error());
    text = "created table users in " + users.describe();
    j.key("schema_loaded").boolean(true);
  }
  if (sub == "seed" || sub == "setup") {
    // Idempotent: a user whose handle is already there is left as it is.
    int added = 0, present = 0;
    for (auto& u : seed_users()) {
      auto existing = users.by_handle(u.handle);
      if (!existing.ok()) return report(existing.error());
      if (*existing) {
        ++present;
        continue;
      }
      User x = u;
      if (cfg.user_pool_id.empty()) x.cognito_user_id = "local-" + u.handle;
      if (auto st = users.insert(x); !st.ok()) return report(st.error());
      ++added;
    }
    text += (text.empty() ? "" : "\n") + std::string("seeded ") + std::to_string(added) + " users" +
            (present ? " (" + std::to_string(present) + " already present)" : "");
    j.key("users_added").num(added).key("users_present").num(present);
  }
  if (sub == "update-cognito-user-ids") {
    auto list = cognito_users(cfg);
    if (!list.ok()) return report(list.error());
    int n = 0;
    j.key("updated").arr();
    for (auto& u : *list) {
      std::string handle = u.count("preferred_username") ? u.at("preferred_username") : u.at("username");
      std::string sub_id = u.count("sub") ? u.at("sub") : "";
      auto changed = users.set_cognito_id(handle, sub_id);
      if (!changed.ok()) return report(changed.error());
      if (!*changed) continue;
      ++n;
      text += "@" + handle + " -> " + sub_id + "\n";
      j.obj().kv("handle", handle).kv("cognito_user_id", sub_id).end_obj();
    }
    j.end_arr();
    text += "updated " + std::to_string(n) + " users";
  }
  return emit(cfg, text, j.end_obj().take());
}

int auth_command(const Config& cfg) {
  std::string handle = cfg.operand;
  if (!handle.empty() && handle[0] == '@') handle = handle.substr(1);
  auto dir = directory(cfg);
  if (!dir.ok()) return report(dir.error());
  auto u = (*dir)->by_handle(handle);
  if (!u.ok()) return report(u.error());
  if (!*u || (*u)->cognito_user_id.empty())
    return report(Error{"", "no user with handle " + handle + " in " + (*dir)->describe(), 1, {}});
  auto is = ddb::jwt::Issuer::open(data_path(cfg, "issuer-key.pem"), "cruddur-local-issuer", "cruddur-local");
  if (!is.ok()) return report(is.error());
  std::string token = (*is)->sign_access_token((*u)->cognito_user_id, handle, std::chrono::hours(12));
  return emit(cfg, token, Json().obj().kv("access_token", token).kv("handle", handle).end_obj().take());
}

int worker_command(const Config& cfg) {
  auto client = ddb::client::make_http_client(endpoint_or_local(cfg), cfg.region);
  auto dir = directory(cfg);
  if (!dir.ok()) return report(dir.error());
  MessagingService service(*client, **dir, cfg.table);
  StreamWorkerOptions wo;
  std::filesystem::create_directories(cfg.data_dir);
  wo.checkpoint_path = data_path(cfg, "stream-checkpoint.json");
  wo.dead_letter_path = data_path(cfg, "stream-dead-letter.jsonl");
  wo.start_from = cfg.from;
  block_stop_signals();  // before the worker's (and the cache's) threads start
  ddb::init_logging("cruddur stream-worker", cfg.log_level);
  // With a shared cache (Redis), the worker alone keeps it as `serve`'s own worker would: lists
  // invalidated, unread counts recounted, events published to every server's streams.
  auto cache = open_cache(cfg.cache_url, std::chrono::seconds(cfg.cache_ttl));
  if (!cache.ok()) return report(cache.error());
  EventHub events(cache->get());
  UnreadCounters unread(*client, service, cache->get());
  CachedMessaging front(service, unread, events, cache->get());
  if (*cache)
    wo.on_messages = [&front](const std::string& g, const std::string& sk,
                              const std::vector<std::string>& senders) {
      front.on_stream_messages(g, sk, senders);
    };
  StreamWorker worker(*client, service, wo);
  if (auto st = worker.prepare(); !st.ok() && st.error().name() == "BadCheckpoint") return report(st.error());
  std::cerr << "cruddur stream-worker: reading the stream of " << cfg.table << " at " << client->describe()
            << "\n";
  Status st = Status::OK();
  std::thread runner([&] {
    st = worker.run();
    request_stop();  // ended by itself (an error): wake the wait below
  });
  wait_for_stop_signal();
  worker.stop();
  runner.join();
  if (!st.ok()) return report(st.error());
  std::cerr << "cruddur stream-worker: stopped after " << worker.processed() << " records\n";
  return 0;
}

int cognito_command(const Config& cfg) {
  auto list = cognito_users(cfg);
  if (!list.ok()) return report(list.error());
  std::vector<std::string> js;
  std::vector<std::vector<std::string>> rows;
  for (auto& u : *list) {
    auto get = [&](const char* k) { return u.count(k) ? u.at(k) : std::string(); };
    rows.push_back({get("username"), get("preferred_username"), get("sub"), get("email")});
    js.push_back(Json()
                     .obj()
                     .kv("username", get("username"))
                     .kv("preferred_username", get("preferred_username"))
                     .kv("sub", get("sub"))
                     .kv("email", get("email"))
                     .end_obj()
                     .take());
  }
  return print_items(cfg, {"username", "handle", "sub", "email"}, js, rows);
}

}  // namespace

std::string cognito_issuer(const Config& cfg) {
  if (!cfg.cognito_issuer.empty()) return cfg.cognito_issuer;
  return "https://cognito-idp." + cfg.region + ".amazonaws.com/" + cfg.user_pool_id;
}

std::string table_cell(const std::string& s, size_t max_chars) {
  std::string out;
  size_t chars = 0;
  for (size_t i = 0; i < s.size();) {
    size_t len = 1;
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0xF0)
      len = 4;
    else if (c >= 0xE0)
      len = 3;
    else if (c >= 0xC0)
      len = 2;
    len = std::min(len, s.size() - i);
    if (chars + 1 == max_chars && utf8_length(s.substr(i)) > 1)
      return out + "\u2026";  // room for the ellipsis only
    if (len == 1 && (c < 0x20 || c == 0x7F))
      out += ' ';  // a newline or tab would break the table
    else
      out.append(s, i, len);
    i += len;
    ++chars;
  }
  return out;
}

std::string text_table(const std::vector<std::string>& header,
                       const std::vector<std::vector<std::string>>& raw_rows) {
  constexpr size_t kMaxCell = 60;
  std::vector<std::vector<std::string>> rows;
  for (auto& r : raw_rows) {
    rows.emplace_back();
    for (auto& cell : r) rows.back().push_back(table_cell(cell, kMaxCell));
  }
  std::vector<size_t> w(header.size());
  for (size_t i = 0; i < header.size(); ++i) w[i] = header[i].size();
  for (auto& r : rows)
    for (size_t i = 0; i < r.size() && i < w.size(); ++i) w[i] = std::max(w[i], utf8_length(r[i]));
  auto line = [&](const std::vector<std::string>& r) {
    std::string s;
    for (size_t i = 0; i < w.size(); ++i) {
      std::string cell = i < r.size() ? r[i] : "";
      s += cell;
      if (i + 1 < w.size()) s += std::string(w[i] - utf8_length(cell) + 2, ' ');
    }
    return s + "\n";
  };
  std::string out = line(header);
  std::vector<std::string> dashes;
  dashes.reserve(w.size());
  for (auto n : w) dashes.emplace_back(n, '-');
  out += line(dashes);
  for (auto& r : rows) out += line(r);
  out += "(" + std::to_string(rows.size()) + (rows.size() == 1 ? " row)\n" : " rows)\n");
  return out;
}

Status first_start_setup(const Config& cfg, UserDirectory& users, MessagingService& service,
                         bool local_identity) {
  auto existing = users.all();
  if (!existing.ok()) return existing.take_error();
  if (existing->empty()) {
    for (auto& u : seed_users()) {
      User x = u;
      if (local_identity) x.cognito_user_id = "local-" + u.handle;
      DDB_TRY(users.insert(x));
    }
    existing = users.all();
    if (!existing.ok()) return existing.take_error();
  }
  DDB_TRY(service.create_table(true));
  auto seeded = service.seed_demo(*existing);  // once: it checks for the demo conversation itself
  if (!seeded.ok() && seeded.error().name() != "SeedError") return seeded.take_error();
  return Status::OK();
}

int run_command(const Config& cfg) {
  const std::string& cmd = cfg.args[0];
  if (cmd == "ddb") return ddb_command(cfg);
  if (cmd == "db") return db_command(cfg);
  if (cmd == "auth") return auth_command(cfg);
  if (cmd == "stream-worker") return worker_command(cfg);
  if (cmd == "cognito") return cognito_command(cfg);
  std::cerr << "cruddur: unknown command: " << cmd << "\n";  // parse_config knows them all
  return 2;
}

}  // namespace cruddur
