#include "cruddur/commands.h"

#include <atomic>
#include <csignal>
#include <filesystem>
#include <iostream>
#include <thread>

#include "auth/jwt.h"
#include "client/dynamo_client.h"
#include "cruddur/json.h"
#include "cruddur/stream_worker.h"

namespace cruddur {

using ddb::Error;
using ddb::Result;
using ddb::Status;

namespace {

const char* kDemoGroup = "5ae290ed-55d1-47a0-bc6d-fe2bc2700399";
std::atomic<bool> g_stop{false};

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
Status each_item(ddb::client::DynamoClient& c, const char* op, std::string request_without_start,
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
    if (next == start) return Error{"BadResponse", std::string(op) + " answered the same LastEvaluatedKey twice", 1, {}};
    start = next;
  }
}

int print_items(const Config& cfg, const std::vector<std::string>& cols, const std::vector<std::string>& json_items,
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

int ddb_command(const Config& cfg) {
  if (cfg.args.size() < 2) return report(Error{"", "usage: cruddur ddb <schema-load|seed|scan|list-tables|describe-table|drop|get-conversation|list-conversations>", 2, {}});
  const std::string& sub = cfg.args[1];
  auto client = ddb::client::make_http_client(endpoint_or_local(cfg), cfg.region);
  auto dir = directory(cfg);
  if (!dir.ok()) return report(dir.error());
  MessagingService service(*client, **dir, cfg.table);
  if (sub == "schema-load") {
    if (auto st = service.create_table(false); !st.ok()) return report(st.error());
    std::cout << "created table " << cfg.table << " at " << client->describe() << "\n";
    return 0;
  }
  if (sub == "seed") {
    auto users = (*dir)->all();
    std::vector<User> list = users.ok() && !users->empty() ? *users : seed_users();
    if (auto st = service.seed_demo(list); !st.ok()) return report(st.error());
    std::cout << "seeded the demo conversation between @andrewbrown and @bayko (100 messages) into " << cfg.table << "\n";
    return 0;
  }
  if (sub == "list-tables") {
    std::vector<std::string> names, js;
    std::string start;
    for (;;) {
      Json q;
      q.obj();
      if (!start.empty()) q.kv("ExclusiveStartTableName", start);
      q.end_obj();
      auto r = client->op("ListTables", q.take());
      if (!r.ok()) return report(r.error());
      for (auto& n : array_of(*r, "TableNames"))
        if (n.IsString()) names.push_back(n.GetString());
      std::string next = str_of(*r, "LastEvaluatedTableName");
      if (next.empty() || next == start) break;  // the last page (or a server that would loop us)
      start = next;
    }
    std::vector<std::vector<std::string>> rows;
    for (auto& n : names) { rows.push_back({n}); js.push_back("\"" + n + "\""); }
    return print_items(cfg, {"TableName"}, js, rows);
  }
  if (sub == "describe-table") {
    auto r = client->op("DescribeTable", Json().obj().kv("TableName", cfg.table).end_obj().take());
    if (!r.ok()) return report(r.error());
    const auto& t = member_of(*r, "Table");
    if (!t.IsObject()) return report(Error{"BadResponse", "DescribeTable answered without a Table", 1, {}});
    if (cfg.json) { std::cout << to_json(t) << "\n"; return 0; }
    std::vector<std::vector<std::string>> rows = {
        {"TableName", str_of(t, "TableName")}, {"TableStatus", str_of(t, "TableStatus")},
        {"ItemCount", std::to_string(int_of(t, "ItemCount"))}, {"TableSizeBytes", std::to_string(int_of(t, "TableSizeBytes"))},
        {"TableArn", str_of(t, "TableArn")}};
    if (member_of(t, "LatestStreamArn").IsString()) rows.push_back({"LatestStreamArn", str_of(t, "LatestStreamArn")});
    for (auto& g : array_of(t, "GlobalSecondaryIndexes")) rows.push_back({"GlobalSecondaryIndex", str_of(g, "IndexName")});
    std::cout << text_table({"Property", "Value"}, rows);
    return 0;
  }
  if (sub == "drop") {
    std::string name = cfg.args.size() > 2 ? cfg.args[2] : "";
    if (name.empty()) return report(Error{"", "usage: cruddur ddb drop <table>", 2, {}});
    auto r = client->op("DeleteTable", Json().obj().kv("TableName", name).end_obj().take());
    if (!r.ok()) return report(r.error());
    std::cout << "deleted table " << name << "\n";
    return 0;
  }
  if (sub == "scan") {
    std::vector<std::string> js;
    std::vector<std::vector<std::string>> rows;
    auto st = each_item(*client, "Scan", Json().obj().kv("TableName", cfg.table).end_obj().take(), [&](const rapidjson::Value& it) {
      js.push_back(to_json(it));
      std::string msg = member_of(it, "message").IsNull() ? "" : show_value(member_of(it, "message"));
      if (msg.size() > 60) msg = msg.substr(0, 57) + "...";
      rows.push_back({show_value(member_of(it, "pk")), show_value(member_of(it, "sk")), msg});
    });
    if (!st.ok()) return report(st.error());
    return print_items(cfg, {"pk", "sk", "message"}, js, rows);
  }
  if (sub == "get-conversation") {
    std::string group = cfg.args.size() > 2 ? cfg.args[2] : kDemoGroup;
    std::vector<std::string> js;
    std::vector<std::vector<std::string>> rows;
    Json q;
    q.obj().kv("TableName", cfg.table).kv("KeyConditionExpression", "pk = :pk")
        .key("ExpressionAttributeValues").obj().s(":pk", "MSG#" + group).end_obj().key("ScanIndexForward").boolean(true).end_obj();
    auto st = each_item(*client, "Query", q.take(), [&](const rapidjson::Value& it) {
      js.push_back(to_json(it));
      rows.push_back({attr_s(it, "sk"), "@" + attr_s(it, "user_handle"), attr_s(it, "message")});
    });
    if (!st.ok()) return report(st.error());
    return print_items(cfg, {"created_at", "from", "message"}, js, rows);
  }
  if (sub == "list-conversations") {
    std::string handle = cfg.args.size() > 2 ? cfg.args[2] : "andrewbrown";
    if (!handle.empty() && handle[0] == '@') handle = handle.substr(1);
    auto u = (*dir)->by_handle(handle);
    if (!u.ok()) return report(u.error());
    if (!*u) return report(Error{"", "no user with handle " + handle, 1, {}});
    std::vector<std::string> js;
    std::vector<std::vector<std::string>> rows;
    Json q;
    q.obj().kv("TableName", cfg.table).kv("KeyConditionExpression", "pk = :pk")
        .key("ExpressionAttributeValues").obj().s(":pk", "GRP#" + (*u)->uuid).end_obj().key("ScanIndexForward").boolean(false).end_obj();
    auto st = each_item(*client, "Query", q.take(), [&](const rapidjson::Value& it) {
      js.push_back(to_json(it));
      rows.push_back({attr_s(it, "message_group_uuid"), "@" + attr_s(it, "user_handle"), attr_s(it, "sk"), attr_s(it, "message")});
    });
    if (!st.ok()) return report(st.error());
    return print_items(cfg, {"message_group_uuid", "with", "last_message_at", "message"}, js, rows);
  }
  return report(Error{"", "unknown ddb command: " + sub, 2, {}});
}

std::unique_ptr<ddb::client::DynamoClient> cognito_client(const Config& cfg) {
  ddb::client::HttpClientOptions o;
  o.endpoint = cfg.cognito_endpoint.empty() ? "https://cognito-idp." + cfg.region + ".amazonaws.com/" : cfg.cognito_endpoint;
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
  if (cfg.user_pool_id.empty()) return Error{"", "AWS_COGNITO_USER_POOL_ID (or --user-pool-id) is not set", 2, {}};
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
  if (cfg.args.size() < 2) return report(Error{"", "usage: cruddur db <schema-load|seed|setup|update-cognito-user-ids>", 2, {}});
  const std::string& sub = cfg.args[1];
  auto dir = directory(cfg);
  if (!dir.ok()) return report(dir.error());
  auto& users = **dir;
  if (sub == "schema-load" || sub == "setup") {
    if (auto st = users.schema_load(); !st.ok()) return report(st.error());
    std::cout << "created table users in " << users.describe() << "\n";
  }
  if (sub == "seed" || sub == "setup") {
    for (auto& u : seed_users()) {
      User x = u;
      if (cfg.user_pool_id.empty()) x.cognito_user_id = "local-" + u.handle;
      if (auto st = users.insert(x); !st.ok()) return report(st.error());
    }
    std::cout << "seeded " << seed_users().size() << " users\n";
    return 0;
  }
  if (sub == "schema-load") return 0;
  if (sub == "update-cognito-user-ids") {
    auto list = cognito_users(cfg);
    if (!list.ok()) return report(list.error());
    int n = 0;
    for (auto& u : *list) {
      std::string handle = u.count("preferred_username") ? u.at("preferred_username") : u.at("username");
      auto changed = users.set_cognito_id(handle, u.count("sub") ? u.at("sub") : "");
      if (!changed.ok()) return report(changed.error());
      if (*changed) { ++n; std::cout << "@" << handle << " -> " << u.at("sub") << "\n"; }
    }
    std::cout << "updated " << n << " users\n";
    return 0;
  }
  return report(Error{"", "unknown db command: " + sub, 2, {}});
}

int auth_command(const Config& cfg) {
  if (cfg.args.size() < 3 || cfg.args[1] != "token") return report(Error{"", "usage: cruddur auth token <handle> [--data-dir DIR]", 2, {}});
  std::string handle = cfg.args[2];
  if (!handle.empty() && handle[0] == '@') handle = handle.substr(1);
  auto dir = directory(cfg);
  if (!dir.ok()) return report(dir.error());
  auto u = (*dir)->by_handle(handle);
  if (!u.ok()) return report(u.error());
  if (!*u || (*u)->cognito_user_id.empty()) return report(Error{"", "no user with handle " + handle + " in " + (*dir)->describe(), 1, {}});
  auto is = ddb::jwt::Issuer::open(data_path(cfg, "issuer-key.pem"), "cruddur-local-issuer", "cruddur-local");
  if (!is.ok()) return report(is.error());
  std::cout << (*is)->sign_access_token((*u)->cognito_user_id, handle, std::chrono::hours(12)) << "\n";
  return 0;
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
  StreamWorker worker(*client, service, wo);
  std::signal(SIGINT, [](int) { g_stop = true; });
  std::signal(SIGTERM, [](int) { g_stop = true; });
  std::thread stopper([&] {
    while (!g_stop) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    worker.stop();
  });
  std::cerr << "cruddur stream-worker: reading the stream of " << cfg.table << " at " << client->describe() << "\n";
  auto st = worker.run();
  g_stop = true;
  stopper.join();
  if (!st.ok()) return report(st.error());
  std::cerr << "cruddur stream-worker: stopped after " << worker.processed() << " records\n";
  return 0;
}

int cognito_command(const Config& cfg) {
  if (cfg.args.size() < 2 || cfg.args[1] != "list-users") return report(Error{"", "usage: cruddur cognito list-users", 2, {}});
  auto list = cognito_users(cfg);
  if (!list.ok()) return report(list.error());
  std::vector<std::string> js;
  std::vector<std::vector<std::string>> rows;
  for (auto& u : *list) {
    auto get = [&](const char* k) { return u.count(k) ? u.at(k) : std::string(); };
    rows.push_back({get("username"), get("preferred_username"), get("sub"), get("email")});
    js.push_back(Json().obj().kv("username", get("username")).kv("preferred_username", get("preferred_username"))
                     .kv("sub", get("sub")).kv("email", get("email")).end_obj().take());
  }
  return print_items(cfg, {"username", "handle", "sub", "email"}, js, rows);
}

}  // namespace

std::string cognito_issuer(const Config& cfg) {
  if (!cfg.cognito_issuer.empty()) return cfg.cognito_issuer;
  return "https://cognito-idp." + cfg.region + ".amazonaws.com/" + cfg.user_pool_id;
}

std::string text_table(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows) {
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
  for (auto n : w) dashes.push_back(std::string(n, '-'));
  out += line(dashes);
  for (auto& r : rows) out += line(r);
  out += "(" + std::to_string(rows.size()) + (rows.size() == 1 ? " row)\n" : " rows)\n");
  return out;
}

Status first_start_setup(const Config& cfg, UserDirectory& users, MessagingService& service, bool local_identity) {
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
  // Seed the demo conversation once: look for its messages.
  std::vector<User> all = *existing;
  const User* a = nullptr;
  for (auto& u : all)
    if (u.handle == "andrewbrown") a = &u;
  if (!a) return Status::OK();
  auto groups = service.list_groups(*a, 100, "");
  bool has_demo = false;
  if (groups.value)
    for (auto& g : groups.value->rows) has_demo = has_demo || g.uuid == kDemoGroup;
  if (!has_demo) DDB_TRY(service.seed_demo(all));
  return Status::OK();
}

int run_command(const Config& cfg) {
  const std::string& cmd = cfg.args[0];
  if (cmd == "ddb") return ddb_command(cfg);
  if (cmd == "db") return db_command(cfg);
  if (cmd == "auth") return auth_command(cfg);
  if (cmd == "stream-worker") return worker_command(cfg);
  if (cmd == "cognito") return cognito_command(cfg);
  std::cerr << "cruddur: unknown command: " << cmd << "\n\n" << usage();
  return 2;
}

}  // namespace cruddur
