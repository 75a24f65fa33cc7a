#include "cruddur/config.h"

#include <cstdlib>
#include <iostream>

#include <CLI/CLI.hpp>

namespace cruddur {

namespace {

// Options every command takes: where the data, the table, the directory and the identity live.
void add_common(CLI::App* cmd, Config& c) {
  cmd->add_option("--data-dir", c.data_dir, "data directory")->capture_default_str();
  cmd->add_option("--ddb-endpoint,--endpoint", c.ddb_endpoint,
                  "DynamoDB endpoint (serve: instead of the embedded engine; other commands: default "
                  "http://localhost:8000)")
      ->envname("AWS_ENDPOINT_URL");
  cmd->add_option("--region", c.region, "AWS region")->envname("AWS_DEFAULT_REGION")->capture_default_str();
  cmd->add_option("--table", c.table, "messages table")->envname("DDB_MESSAGE_TABLE")->capture_default_str();
  cmd->add_option("--connection-url", c.connection_url,
                  "PostgreSQL user directory (default: SQLite in the data directory)")
      ->envname("CONNECTION_URL");
  cmd->add_option("--user-pool-id", c.user_pool_id, "Cognito user pool (unset: the local issuer)")
      ->envname("AWS_COGNITO_USER_POOL_ID");
  cmd->add_option("--client-id", c.client_id, "Cognito app client")
      ->envname("AWS_COGNITO_USER_POOL_CLIENT_ID");
  cmd->add_option("--cognito-issuer", c.cognito_issuer, "token issuer override, e.g. for cognito-local")
      ->envname("COGNITO_ISSUER_URL");
  cmd->add_option("--cognito-endpoint", c.cognito_endpoint, "Cognito API endpoint override")
      ->envname("COGNITO_ENDPOINT_URL");
}

CLI::App* leaf(CLI::App* parent, const char* name, const char* what, Config& c, bool json = true) {
  CLI::App* cmd = parent->add_subcommand(name, what);
  add_common(cmd, c);
  if (json) cmd->add_flag("--json", c.json, "print JSON instead of text");
  cmd->callback([&c, cmd, parent] {
    c.args.insert(c.args.begin(), {parent->get_name(), cmd->get_name()});
    if (parent->get_parent() == nullptr) c.args.erase(c.args.begin());  // a top-level command: no group word
  });
  return cmd;
}

CLI::App* group(CLI::App& app, const char* name, const char* what) {
  CLI::App* g = app.add_subcommand(name, what);
  g->require_subcommand(1);
  return g;
}

void add_logging(CLI::App* cmd, Config& c) {
  cmd->add_option("--log-level", c.log_level, "trace, debug, info, warn, error or off (logs go to stderr)")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "off"}))
      ->capture_default_str();
}

void add_serve(CLI::App& app, Config& c) {
  CLI::App* serve =
      leaf(&app, "serve",
           "run the messaging API and web client (port 4567), a DynamoDB endpoint for the embedded engine "
           "(port 8000), the stream worker and the local identity issuer; creates the schema and demo data "
           "on first start",
           c, false);
  serve->add_option("--host", c.host, "address to listen on")->capture_default_str();
  serve->add_option("--port", c.port, "API port (0: any free port)")
      ->check(CLI::Range(0, 65535))
      ->capture_default_str();
  serve->add_option("--ddb-port", c.ddb_port, "DynamoDB endpoint port of the embedded engine (0: none)")
      ->check(CLI::Range(0, 65535))
      ->capture_default_str();
  serve->add_option("--frontend-url", c.frontend_url, "the other origin whose pages may call the API (CORS)")
      ->envname("FRONTEND_URL");
  serve->add_option("--web-dir", c.web_dir, "the web client's files")->capture_default_str();
  serve
      ->add_option(
          "--cache-url", c.cache_url,
          "the cache: embedded (this process), none, or redis://HOST[:PORT][/DB] (shared by servers)")
      ->envname("CACHE_URL")
      ->capture_default_str();
  serve->add_option("--cache-ttl", c.cache_ttl, "seconds a cache entry lives at most")
      ->check(CLI::Range(1, 86400))
      ->capture_default_str();

  add_logging(serve, c);
  serve->add_flag("--log-requests", c.log_requests,
                  "log one line per API request: method, path, status, microseconds");
}

void add_stream_worker(CLI::App& app, Config& c) {
  CLI::App* worker = leaf(&app, "stream-worker",
                          "run the stream worker alone against the configured DynamoDB endpoint", c, false);
  worker
      ->add_option(
          "--from", c.from,
          "resume from trim-horizon (replay every record kept) or latest (only new ones) instead of the "
          "checkpoint; replaces a damaged checkpoint")
      ->check(CLI::IsMember({"trim-horizon", "latest"}));
  add_logging(worker, c);
  worker
      ->add_option("--cache-url", c.cache_url,
                   "keep this cache (redis://HOST[:PORT][/DB]) as serve's worker would (default: none)")
      ->envname("CACHE_URL");
  worker->callback([&c, worker] {
    const char* env = std::getenv("CACHE_URL");
    if (worker->count("--cache-url") == 0 && !(env && *env)) c.cache_url = "none";
    c.args.insert(c.args.begin(), worker->get_name());
  });
}

void build(CLI::App& app, Config& c) {
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("cruddur ") + CRUDDUR_VERSION);
  app.footer(
      "Run `cruddur COMMAND --help` for a command's options. Credentials for AWS come from\n"
      "AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN.");
  add_serve(app, c);
  add_stream_worker(app, c);

  CLI::App* auth = group(app, "auth", "the local identity issuer");
  leaf(auth, "token", "print a bearer token for a directory user (local issuer)", c)
      ->add_option("handle", c.operand, "the user's handle")
      ->required();

  CLI::App* ddb = group(app, "ddb", "the messages table (the original's bin/ddb scripts)");
  leaf(ddb, "schema-load", "create the messages table", c);
  leaf(ddb, "seed", "seed the demo conversation (once: a second run changes nothing)", c);
  leaf(ddb, "scan", "print every item of the table", c);
  leaf(ddb, "list-tables", "list the endpoint's tables", c);
  leaf(ddb, "describe-table", "describe a table", c)
      ->add_option("table", c.operand, "table name (default: --table)");
  leaf(ddb, "drop", "delete a table", c)->add_option("table", c.operand, "table name")->required();
  leaf(ddb, "get-conversation", "print a conversation's messages, oldest first", c)
      ->add_option("group", c.operand, "message_group_uuid (default: the demo conversation)");
  leaf(ddb, "list-conversations", "print a user's conversations, newest first", c)
      ->add_option("handle", c.operand, "handle (default: andrewbrown)");

  CLI::App* db = group(app, "db", "the user directory (the original's bin/db scripts)");
  leaf(db, "schema-load", "create the users table", c);
  leaf(db, "seed", "add the seed users that are missing (a second run changes nothing)", c);
  leaf(db, "setup", "schema-load, then seed", c);
  leaf(db, "update-cognito-user-ids", "copy each Cognito user's sub into the directory", c);

  CLI::App* cognito = group(app, "cognito", "the Cognito user pool");
  leaf(cognito, "list-users", "list the pool's users", c);
}

// "unknown command: ddb nope (one of: schema-load, seed, ...)" when a command word names no command;
// CLI11 itself would only say that a subcommand is required.
std::optional<std::string> unknown_command(CLI::App& app, int argc, char** argv) {
  CLI::App* cur = &app;
  std::string words;
  for (int i = 1; i < argc && argv[i][0] != '-'; ++i) {
    auto subs = cur->get_subcommands([](CLI::App*) { return true; });
    if (subs.empty()) return std::nullopt;  // a command's operand
    words += (words.empty() ? "" : " ") + std::string(argv[i]);
    CLI::App* next = nullptr;
    std::string names;
    for (auto* s : subs) {
      if (s->get_name() == argv[i]) next = s;
      names += (names.empty() ? "" : ", ") + s->get_name();
    }
    if (!next) return "unknown command: " + words + " (one of: " + names + ")";
    cur = next;
  }
  return std::nullopt;
}

}  // namespace

std::optional<int> parse_config(int argc, char** argv, Config& c) {
  CLI::App app{"cruddur: the direct-messaging system of Cruddur's week 5, on DynamoDB", "cruddur"};
  build(app, c);
  if (argc <= 1) {
    std::cout << app.help();
    return 2;
  }
  if (auto unknown = unknown_command(app, argc, argv)) {
    std::cerr << "cruddur: " << *unknown << "\nRun `cruddur --help` for usage.\n";
    return 2;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "cruddur: " << e.what()
              << "\nRun `cruddur --help` (or `cruddur COMMAND --help`) for usage.\n";
    return 2;
  }
  if (!c.operand.empty()) c.args.push_back(c.operand);
  return std::nullopt;
}

}  // namespace cruddur
